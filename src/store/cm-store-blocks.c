/* cm-store-blocks.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* 5-hour blocks from the quarter-hour rollups, exactly.
 *
 * A block starts on a whole hour and ends on one, and every quarter hour of
 * the rollup lies inside one hour: a quarter hour is never cut by a block's
 * end. Whether a message starts a new block depends only on whether its
 * quarter hour starts at or after the current block's end, and the new block
 * starts at that quarter hour's hour. So walking the non-empty quarter hours
 * in time order gives the same blocks, with the same sums, as walking every
 * message; first_ms/last_ms of the rows give the first and last message.
 *
 * Hours are UTC hours (as ccusage floors them): blocks are the same in every
 * time zone, and in a zone whose offset is not whole hours they start at half
 * or quarter past. */

#include "config.h"

#include "cm-store-private.h"

#define QUARTER_MS (G_GINT64_CONSTANT (15) * 60 * 1000)

typedef struct
{
  GPtrArray  *blocks;      /* CmBlock, oldest first */
  CmBlock    *current;
  GPtrArray  *models;      /* CmGroupRow of the current block: key = model */
  GHashTable *by_model;    /* model -> CmGroupRow in models */
} Builder;

static void
builder_init (Builder *b)
{
  b->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_block_free);
  b->current = NULL;
  b->models = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
  b->by_model = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
builder_close_block (Builder *b)
{
  CmSessionRow names = { 0 };

  if (b->current == NULL)
    return;

  /* The sessions' rule for their model lists: costliest first. */
  cm_session_row_set_models (&names, b->models);
  b->current->models = g_strdup (names.models);
  g_ref_string_release (names.models);

  g_hash_table_remove_all (b->by_model);
  g_ptr_array_set_size (b->models, 0);
  b->current = NULL;
}

static GPtrArray *
builder_finish (Builder *b)
{
  builder_close_block (b);
  g_hash_table_unref (b->by_model);
  g_ptr_array_unref (b->models);

  return b->blocks;
}

/* One rollup row sum (a quarter hour of one model); rows come in time order. */
static void
builder_add (Builder        *b,
             gint64          quarter_ms,
             const char     *model,
             const CmTotals *totals)
{
  CmGroupRow *row;

  if (b->current == NULL || quarter_ms >= b->current->end_ms)
    {
      builder_close_block (b);
      b->current = g_new0 (CmBlock, 1);
      b->current->start_ms = quarter_ms - ((quarter_ms % CM_HOUR_MS) + CM_HOUR_MS) % CM_HOUR_MS;
      b->current->end_ms = b->current->start_ms + CM_BLOCK_MS;
      g_ptr_array_add (b->blocks, b->current);
    }

  cm_totals_add (&b->current->totals, totals);

  row = g_hash_table_lookup (b->by_model, model);
  if (row == NULL)
    {
      row = g_new0 (CmGroupRow, 1);
      row->key = g_strdup (model);
      g_ptr_array_add (b->models, row);
      g_hash_table_insert (b->by_model, row->key, row);
    }
  cm_totals_add (&row->totals, totals);
}

static const char *
source_table (const CmQueryFilter *filter)
{
  return filter != NULL && filter->session_id != NULL ? "session_rollup" : "rollup";
}

/* Bounded reads. A block's start depends on every block before it back to
 * the last pause of more than 5 hours (with no pause, on the very first
 * message): the chain of blocks cannot be cut at a fixed distance from now.
 * What keeps the reads small is that they never walk the rows: each step is
 * one seek on the rollup's (ts, ...) key (or the session rollup's
 * (session_id, ts, ...)), and steps go 5 hours at a time. The steps of a
 * walk run in one statement (a recursive query), so that the filter's
 * subqueries are evaluated once, not once per step.
 *
 * The first non-empty quarter hour in [:lo, :hi) under the query's filter. */
#define FIRST_IN(LO, HI) \
  "(SELECT m.ts FROM @TABLE m@WHERE AND m.ts >= " LO " AND m.ts < " HI " ORDER BY m.ts LIMIT 1)"

/* Runs @text to one integer (G_MAXINT64 for NULL or no row) with the
 * filter's table and clause in place of @TABLE and @WHERE, and @a, @b, @c in
 * place of :a, :b, :c: written out, since the filter's parameters are
 * numbered by where they appear and a recursive query names ours first. */
static gboolean
query_step (CmStoreQuery         *q,
            const CmQueryFilter  *filter,
            const char           *text,
            gint64                a,
            gint64                b,
            gint64                c,
            gint64               *out,
            GError              **error)
{
  const struct { const char *name; gint64 value; } values[] = { { ":a", a }, { ":b", b }, { ":c", c } };
  g_autoptr(GString) sql = g_string_new (text);
  sqlite3_stmt *stmt;
  int rc;

  for (guint i = 0; i < G_N_ELEMENTS (values); i++)
    {
      char number[32];

      g_snprintf (number, sizeof number, "(%" G_GINT64_FORMAT ")", values[i].value);
      g_string_replace (sql, values[i].name, number, 0);
    }
  g_string_replace (sql, "@TABLE", source_table (filter), 0);
  g_string_replace (sql, "@WHERE", q->params.where->str, 0);
  stmt = cm_store_query_prepare (q, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  rc = sqlite3_step (stmt);
  *out = rc == SQLITE_ROW && sqlite3_column_type (stmt, 0) != SQLITE_NULL ? sqlite3_column_int64 (stmt, 0)
                                                                           : G_MAXINT64;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, q->db, rc, "blocks");

  return TRUE;
}

/* The first quarter hour in [:a, :b). */
static const char first_sql[] = "SELECT " FIRST_IN (":a", ":b");

/* From :a (a non-empty quarter hour) back to the first non-empty quarter
 * hour of a block whose start does not depend on anything before it: one
 * that comes at least 5 hours and a quarter (:b) after the quarter hour
 * before it (whatever block that one was in has ended by then), or the very
 * first one. A window of that length at a time: the earliest quarter hour in
 * the window before x, if any, is where to look next, since no quarter hour
 * between them can follow such a pause. */
static const char anchor_sql[] =
  "WITH RECURSIVE back (x) AS (SELECT :a UNION ALL"
  " SELECT " FIRST_IN ("back.x - :b + 1", "back.x") " FROM back WHERE back.x IS NOT NULL)"
  " SELECT min (x) FROM back";

/* From the first quarter hour of a block (:a), block by block (the next one
 * opens on the first quarter hour at or after this one's end) to the first
 * block that starts at or after :b; NULL when none opens before :c. */
#define FLOOR_HOUR(X) "(" X " - " X " % 3600000)"
static const char skip_sql[] =
  "WITH RECURSIVE fwd (x) AS (SELECT :a UNION ALL"
  " SELECT " FIRST_IN (FLOOR_HOUR ("fwd.x") " + 18000000", ":c")
  " FROM fwd WHERE fwd.x IS NOT NULL AND " FLOOR_HOUR ("fwd.x") " < :b)"
  " SELECT CASE WHEN count (x) < count (*) THEN NULL ELSE max (x) END FROM fwd";

G_STATIC_ASSERT (CM_HOUR_MS == 3600000 && CM_BLOCK_MS == 18000000);

/* Where to read blocks from so that those from @from_ms on come out as from
 * the whole history: the first quarter hour of the first block that starts
 * at or after @from_ms (G_MAXINT64: none before @until), or G_MININT64 to
 * read everything. */
static gboolean
find_start (CmStoreQuery         *q,
            const CmQueryFilter  *filter,
            gint64                from_ms,
            gint64                until,
            gint64               *start,
            GError              **error)
{
  gint64 later = G_MAXINT64;
  gint64 anchor = G_MAXINT64;

  *start = G_MININT64;
  if (from_ms == G_MININT64)
    return TRUE;

  /* A block that starts at or after @from_ms has its first message there. */
  *start = G_MAXINT64;
  if (!query_step (q, filter, first_sql, from_ms, until, 0, &later, error))
    return FALSE;
  if (later == G_MAXINT64)
    return TRUE;

  return query_step (q, filter, anchor_sql, later, CM_BLOCK_MS + QUARTER_MS, 0, &anchor, error) &&
         query_step (q, filter, skip_sql, anchor, from_ms, until, start, error);
}

static gboolean
read_blocks (CmStoreQuery         *q,
             const CmQueryFilter  *filter,
             gint64                anchor,
             gint64                until,
             Builder              *builder,
             GError              **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  sql = g_strdup_printf ("SELECT m.ts, m.model, " CM_ROLLUP_TOTALS_COLUMNS " FROM %s m%s"
                         " AND m.ts >= %" G_GINT64_FORMAT " AND m.ts < %" G_GINT64_FORMAT
                         " GROUP BY m.ts, m.model ORDER BY m.ts",
                         source_table (filter), q->params.where->str, anchor, until);
  stmt = cm_store_query_prepare (q, sql, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmTotals totals;

      cm_store_read_totals (stmt, 2, &totals);
      builder_add (builder, sqlite3_column_int64 (stmt, 0),
                   (const char *) sqlite3_column_text (stmt, 1), &totals);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, q->db, rc, "blocks");

  return TRUE;
}

static void
keep_between (GPtrArray *blocks,
              gint64     from_ms,
              gint64     to_ms)
{
  for (guint i = blocks->len; i > 0; i--)
    {
      CmBlock *block = g_ptr_array_index (blocks, i - 1);

      if (block->start_ms < from_ms || block->start_ms >= to_ms)
        g_ptr_array_remove_index (blocks, i - 1);
    }
}

GPtrArray *
cm_store_query_blocks_between (CmStore              *self,
                               const CmQueryFilter  *filter,
                               gint64                from_ms,
                               gint64                to_ms,
                               GError              **error)
{
  g_autoptr(CmQueryFilter) rows = cm_query_filter_copy (filter);
  g_autoptr(GPtrArray) blocks = NULL;
  /* A block that starts before @to_ms may run 5 hours past it. */
  gint64 until = to_ms > G_MAXINT64 - CM_BLOCK_MS ? G_MAXINT64 : to_ms + CM_BLOCK_MS;
  CmStoreQuery q;
  Builder builder;
  gint64 anchor;
  gboolean in_transaction;
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  /* The date range picks blocks, not messages: a block is the same block
   * whatever range it is seen through. */
  g_clear_pointer (&rows->since, g_free);
  g_clear_pointer (&rows->until, g_free);

  builder_init (&builder);
  ok = cm_store_query_begin (&q, self, rows, error);
  /* One read transaction for all the seeks: one snapshot, and one set of
   * the write-ahead log's locks instead of one per seek. */
  in_transaction = ok && sqlite3_get_autocommit (q.db) && sqlite3_exec (q.db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
  ok = ok &&
       find_start (&q, rows, from_ms, until, &anchor, error) &&
       (anchor == G_MAXINT64 || read_blocks (&q, rows, anchor, until, &builder, error));
  if (in_transaction)
    sqlite3_exec (q.db, "COMMIT", NULL, NULL, NULL);
  cm_store_query_end (&q);
  blocks = builder_finish (&builder);

  if (!ok)
    return NULL;

  keep_between (blocks, from_ms, to_ms);

  return g_steal_pointer (&blocks);
}

GPtrArray *
cm_store_query_blocks (CmStore              *self,
                       const CmQueryFilter  *filter,
                       GError              **error)
{
  CmZoneCursor zone;
  gint64 from = G_MININT64;
  gint64 to = G_MAXINT64;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if (filter != NULL && !cm_query_filter_validate (filter, error))
    return NULL;

  cm_zone_cursor_init (&zone, filter);
  if (filter != NULL && filter->since != NULL)
    from = cm_zone_cursor_midnight (&zone, filter->since, 0);
  if (filter != NULL && filter->until != NULL)
    to = cm_zone_cursor_midnight (&zone, filter->until, 1);
  cm_zone_cursor_clear (&zone);

  return cm_store_query_blocks_between (self, filter, from, to, error);
}

CmBlock *
cm_store_query_active_block (CmStore              *self,
                             const CmQueryFilter  *filter,
                             gint64                now_ms,
                             GError              **error)
{
  g_autoptr(GPtrArray) blocks = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The running block started less than 5 hours ago; at most one did. */
  blocks = cm_store_query_blocks_between (self, filter, now_ms - CM_BLOCK_MS + 1, now_ms + 1, error);
  if (blocks == NULL || blocks->len == 0)
    return NULL;

  return g_ptr_array_steal_index (blocks, blocks->len - 1);
}
