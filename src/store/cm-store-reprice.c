/* cm-store-reprice.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Re-pricing stored history with a new price table, without reading a
 * transcript. */

#include "config.h"

#include <string.h>

#include "cm-store-private.h"

static char *
get_meta (sqlite3    *db,
          const char *key)
{
  sqlite3_stmt *stmt = NULL;
  char *value = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = ?1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);

  return value;
}

/* Raw model names are few and rows many: each is canonicalised once. */
static const char *
canonical_model (CmPricing  *pricing,
                 GHashTable *canonical,
                 const char *raw)
{
  const char *model = g_hash_table_lookup (canonical, raw);

  if (model == NULL)
    {
      char *c = cm_pricing_canonicalize_model (pricing, raw);
      g_hash_table_insert (canonical, g_strdup (raw), c);
      model = c;
    }

  return model;
}

static int
prepare_reprice (sqlite3       *db,
                 sqlite3_stmt **select,
                 sqlite3_stmt **update)
{
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, model_raw, model, backend, input, output, cw5m, cw1h, cr, ws, ts, speed,"
                           " inference_geo"
                           " FROM messages WHERE id > ?1 ORDER BY id LIMIT ?2", -1, select, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db,
                             "UPDATE messages SET model = ?2, priced = ?3, estimated = ?4,"
                             " long_ctx = ?5, c_input = ?6, c_output = ?7, c_cw5m = ?8,"
                             " c_cw1h = ?9, c_cr = ?10, c_ws = ?11, cost = ?12 WHERE id = ?1"
                             /* Unchanged rows are left alone: every update runs
                              * both rollups' triggers. */
                             " AND (model IS NOT ?2 OR priced != ?3 OR estimated != ?4 OR long_ctx != ?5"
                             " OR c_input != ?6 OR c_output != ?7 OR c_cw5m != ?8 OR c_cw1h != ?9"
                             " OR c_cr != ?10 OR c_ws != ?11 OR cost != ?12)",
                             -1, update, NULL);

  return rc;
}

/* The row @select is on, priced again and written with @update. */
static int
reprice_row (sqlite3_stmt *select,
             sqlite3_stmt *update,
             CmPricing    *pricing,
             GHashTable   *canonical)
{
  const char *raw = (const char *) sqlite3_column_text (select, 1);
  const char *model;
  CmUsage usage;
  CmCost cost = { 0 };
  gboolean priced;
  CmBackend backend = sqlite3_column_int (select, 3);
  /* Priced as sent: its speed, geography and the rates of its day. */
  CmPriceRequest request = { NULL, backend, &usage,
                             (const char *) sqlite3_column_text (select, 11),
                             (const char *) sqlite3_column_text (select, 12),
                             sqlite3_column_int64 (select, 10) };
  int rc;

  if (raw == NULL)
    raw = (const char *) sqlite3_column_text (select, 2);

  model = request.model = canonical_model (pricing, canonical, raw);

  usage.input = sqlite3_column_int64 (select, 4);
  usage.output = sqlite3_column_int64 (select, 5);
  usage.cache_write_5m = sqlite3_column_int64 (select, 6);
  usage.cache_write_1h = sqlite3_column_int64 (select, 7);
  usage.cache_read = sqlite3_column_int64 (select, 8);
  usage.web_search = sqlite3_column_int64 (select, 9);
  priced = cm_pricing_price_request (pricing, &request, &cost);

  sqlite3_bind_int64 (update, 1, sqlite3_column_int64 (select, 0));
  sqlite3_bind_text (update, 2, model, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (update, 3, priced);
  sqlite3_bind_int (update, 4, cost.estimated);
  sqlite3_bind_int (update, 5, cost.long_context);
  sqlite3_bind_int64 (update, 6, cost.input);
  sqlite3_bind_int64 (update, 7, cost.output);
  sqlite3_bind_int64 (update, 8, cost.cache_write_5m);
  sqlite3_bind_int64 (update, 9, cost.cache_write_1h);
  sqlite3_bind_int64 (update, 10, cost.cache_read);
  sqlite3_bind_int64 (update, 11, cost.web_search);
  sqlite3_bind_int64 (update, 12, cost.total);
  rc = sqlite3_step (update);
  sqlite3_reset (update);

  return rc;
}

/* The messages after id @*last, @batch of them at most, priced with
 * @pricing; @count gets the rows that changed, @last the last id done and
 * @done whether none was left. SQLITE_DONE when all went well. */
static int
reprice_batch (sqlite3    *db,
               CmPricing  *pricing,
               GHashTable *canonical,
               gint64      batch,
               gint64     *last,
               gint64     *count,
               gboolean   *done)
{
  sqlite3_stmt *select = NULL;
  sqlite3_stmt *update = NULL;
  gint64 rows = 0;
  int rc;

  rc = prepare_reprice (db, &select, &update);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (select, 1, *last);
      sqlite3_bind_int64 (select, 2, batch);
    }

  while (rc == SQLITE_OK && (rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      rc = reprice_row (select, update, pricing, canonical);
      if (rc != SQLITE_DONE)
        break;
      rc = SQLITE_OK;
      rows++;
      *last = sqlite3_column_int64 (select, 0);
      *count += sqlite3_changes (db);
    }
  *done = rows < batch;

  sqlite3_finalize (select);
  sqlite3_finalize (update);

  return rc;
}

/* Remembers which table the stored costs are from, so the next scan with
 * the same table skips the re-pricing. */
static int
set_stored_fingerprint (sqlite3    *db,
                        const char *fingerprint)
{
  sqlite3_stmt *meta = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db,
                           "INSERT OR REPLACE INTO meta (key, value) VALUES ('pricing_fingerprint', ?1)",
                           -1, &meta, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (meta, 1, fingerprint, -1, SQLITE_STATIC);
      rc = sqlite3_step (meta);
    }
  sqlite3_finalize (meta);

  return rc;
}

/* Where an interrupted re-pricing with this table got to ("FP\tID"), or 0. */
static gint64
resume_point (sqlite3    *db,
              const char *fingerprint)
{
  g_autofree char *marker = get_meta (db, "reprice_resume");
  const char *tab = marker != NULL ? strrchr (marker, '\t') : NULL;

  if (tab == NULL || strncmp (marker, fingerprint, tab - marker) != 0 ||
      strlen (fingerprint) != (gsize) (tab - marker))
    return 0;

  return g_ascii_strtoll (tab + 1, NULL, 10);
}

static int
set_resume_point (sqlite3    *db,
                  const char *fingerprint,
                  gint64      last)
{
  g_autofree char *sql = NULL;
  g_autofree char *value = g_strdup_printf ("%s\t%" G_GINT64_FORMAT, fingerprint, last);
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('reprice_resume', ?1)",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, value, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  return rc;
}

/* Rows per transaction: each is short, so a scan or the status line waits
 * for one batch at most, never for the whole history. */
static gint64
reprice_batch_size (void)
{
  const char *env = g_getenv ("CM_REPRICE_BATCH");  /* for the tests */

  return env != NULL ? MAX (g_ascii_strtoll (env, NULL, 10), 1) : 5000;
}

gint64
cm_store_reprice (CmStore    *self,
                  CmPricing  *pricing,
                  GError    **error)
{
  g_autoptr(GHashTable) canonical = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  const char *fingerprint;
  gint64 batch = reprice_batch_size ();
  gint64 count = 0;
  gboolean done = FALSE;

  g_return_val_if_fail (CM_IS_STORE (self), -1);
  g_return_val_if_fail (CM_IS_PRICING (pricing), -1);

  fingerprint = cm_pricing_get_fingerprint (pricing);

  /* One batch per transaction, in id order; the marker says where the
   * next one starts, so a re-pricing killed half way goes on from there
   * (any batch done twice gives the same figures). The fingerprint is set
   * with the last batch. */
  while (!done)
    {
      g_autofree char *stored = NULL;
      gint64 last;
      int rc;

      if (!cm_store_write_begin (self, error))
        return -1;

      stored = get_meta (self->db, "pricing_fingerprint");
      if (g_strcmp0 (stored, fingerprint) == 0)
        {
          cm_store_write_rollback (self);
          break;
        }

      last = resume_point (self->db, fingerprint);
      rc = reprice_batch (self->db, pricing, canonical, batch, &last, &count, &done);
      if (rc == SQLITE_DONE && done)
        rc = set_stored_fingerprint (self->db, fingerprint);
      if (rc == SQLITE_DONE && done)
        rc = sqlite3_exec (self->db, "DELETE FROM meta WHERE key = 'reprice_resume'", NULL, NULL,
                           NULL) == SQLITE_OK ? SQLITE_DONE : SQLITE_ERROR;
      else if (rc == SQLITE_DONE)
        rc = set_resume_point (self->db, fingerprint, last);

      if (rc != SQLITE_DONE)
        {
          cm_sqlite_set_error (error, self->db, rc, "re-price");
          cm_store_write_rollback (self);
          return -1;
        }

      if (!cm_store_write_commit (self, error))
        return -1;
    }

  if (count > 0)
    cm_store_emit_changed (self);

  return count;
}

gint64
cm_store_reprice_measured (CmStore    *self,
                           CmPricing  *pricing,
                           CmTotals   *before,
                           CmTotals   *after,
                           GError    **error)
{
  CmTotals scratch;
  gint64 count;

  g_return_val_if_fail (CM_IS_STORE (self), -1);

  if (!cm_store_query_totals (self, NULL, before != NULL ? before : &scratch, error))
    return -1;
  count = cm_store_reprice (self, pricing, error);
  if (count < 0 || !cm_store_query_totals (self, NULL, after != NULL ? after : &scratch, error))
    return -1;

  return count;
}
