/* cm-store-billed.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What the Admin API reports: billed costs, billed usage and the Claude Code
 * analytics records, each replaced a whole UTC day at a time. */

#include "config.h"

#include "cm-store-billed.h"
#include "cm-store-private.h"

static const char *endpoint_names[] = { "cost_report", "usage_report/messages",
                                        "usage_report/claude_code" };

G_STATIC_ASSERT (G_N_ELEMENTS (endpoint_names) == CM_N_BILLED_ENDPOINTS);

const char *
cm_billed_endpoint_to_string (CmBilledEndpoint endpoint)
{
  g_return_val_if_fail (endpoint < CM_N_BILLED_ENDPOINTS, NULL);

  return endpoint_names[endpoint];
}

void
cm_billed_cost_free (CmBilledCost *cost)
{
  if (cost == NULL)
    return;

  g_free (cost->day);
  g_free (cost->model);
  g_free (cost->cost_type);
  g_free (cost->token_type);
  g_free (cost->service_tier);
  g_free (cost->context_window);
  g_free (cost->inference_geo);
  g_free (cost->workspace_id);
  g_free (cost->description);
  g_free (cost);
}

void
cm_billed_usage_free (CmBilledUsage *usage)
{
  if (usage == NULL)
    return;

  g_free (usage->day);
  g_free (usage->model);
  g_free (usage->service_tier);
  g_free (usage->context_window);
  g_free (usage->inference_geo);
  g_free (usage->speed);
  g_free (usage);
}

void
cm_org_model_usage_free (CmOrgModelUsage *usage)
{
  if (usage == NULL)
    return;

  g_free (usage->model);
  g_free (usage);
}

CmOrgUsage *
cm_org_usage_new (void)
{
  CmOrgUsage *usage = g_new0 (CmOrgUsage, 1);

  usage->models = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_org_model_usage_free);

  return usage;
}

void
cm_org_usage_free (CmOrgUsage *usage)
{
  if (usage == NULL)
    return;

  g_free (usage->day);
  g_free (usage->actor_type);
  g_free (usage->actor);
  g_free (usage->customer_type);
  g_free (usage->terminal_type);
  g_ptr_array_unref (usage->models);
  g_free (usage);
}

/* --- writes --- */

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Runs @stmt once and resets it for the next row. */
static int
step_reset (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static int
insert_cost (sqlite3            *db,
             const CmBilledCost *c)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO billed_costs (day, model, cost_type, token_type,"
                               " service_tier, context_window, inference_geo, workspace_id,"
                               " description, amount) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                               -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  bind_text (stmt, 1, c->day);
  bind_text (stmt, 2, c->model);
  bind_text (stmt, 3, c->cost_type);
  bind_text (stmt, 4, c->token_type);
  bind_text (stmt, 5, c->service_tier);
  bind_text (stmt, 6, c->context_window);
  bind_text (stmt, 7, c->inference_geo);
  bind_text (stmt, 8, c->workspace_id);
  bind_text (stmt, 9, c->description);
  sqlite3_bind_int64 (stmt, 10, c->amount);
  rc = step_reset (stmt);
  sqlite3_finalize (stmt);

  return rc;
}

static int
insert_usage (sqlite3             *db,
              const CmBilledUsage *u)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO billed_usage (day, model, service_tier, context_window,"
                               " inference_geo, speed, input, cw5m, cw1h, cr, output, ws)"
                               " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)",
                               -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  bind_text (stmt, 1, u->day);
  bind_text (stmt, 2, u->model);
  bind_text (stmt, 3, u->service_tier);
  bind_text (stmt, 4, u->context_window);
  bind_text (stmt, 5, u->inference_geo);
  bind_text (stmt, 6, u->speed);
  sqlite3_bind_int64 (stmt, 7, u->input);
  sqlite3_bind_int64 (stmt, 8, u->cache_write_5m);
  sqlite3_bind_int64 (stmt, 9, u->cache_write_1h);
  sqlite3_bind_int64 (stmt, 10, u->cache_read);
  sqlite3_bind_int64 (stmt, 11, u->output);
  sqlite3_bind_int64 (stmt, 12, u->web_search);
  rc = step_reset (stmt);
  sqlite3_finalize (stmt);

  return rc;
}

static int
insert_org_models (sqlite3          *db,
                   gint64            usage_id,
                   const CmOrgUsage *o)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO org_usage_models (usage_id, model, input, output, cr,"
                               " cc, cost) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                               -1, &stmt, NULL);

  for (guint i = 0; rc == SQLITE_OK && i < o->models->len; i++)
    {
      const CmOrgModelUsage *m = g_ptr_array_index (o->models, i);

      sqlite3_bind_int64 (stmt, 1, usage_id);
      bind_text (stmt, 2, m->model);
      sqlite3_bind_int64 (stmt, 3, m->input);
      sqlite3_bind_int64 (stmt, 4, m->output);
      sqlite3_bind_int64 (stmt, 5, m->cache_read);
      sqlite3_bind_int64 (stmt, 6, m->cache_creation);
      sqlite3_bind_int64 (stmt, 7, m->estimated_cost);
      rc = step_reset (stmt);
    }
  sqlite3_finalize (stmt);

  return rc;
}

static int
insert_org (sqlite3          *db,
            const CmOrgUsage *o)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO org_usage (day, actor_type, actor, customer_type,"
                               " terminal_type, sessions, lines_added, lines_removed, commits,"
                               " pull_requests) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                               -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  bind_text (stmt, 1, o->day);
  bind_text (stmt, 2, o->actor_type);
  bind_text (stmt, 3, o->actor);
  bind_text (stmt, 4, o->customer_type);
  bind_text (stmt, 5, o->terminal_type);
  sqlite3_bind_int64 (stmt, 6, o->sessions);
  sqlite3_bind_int64 (stmt, 7, o->lines_added);
  sqlite3_bind_int64 (stmt, 8, o->lines_removed);
  sqlite3_bind_int64 (stmt, 9, o->commits);
  sqlite3_bind_int64 (stmt, 10, o->pull_requests);
  rc = step_reset (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_OK)
    return rc;

  return insert_org_models (db, sqlite3_last_insert_rowid (db), o);
}

static const char *delete_sql[] = {
  "DELETE FROM billed_costs WHERE day = ?1",
  "DELETE FROM billed_usage WHERE day = ?1",
  "DELETE FROM org_usage_models WHERE usage_id IN (SELECT id FROM org_usage WHERE day = ?1);"
  "DELETE FROM org_usage WHERE day = ?1",
};

G_STATIC_ASSERT (G_N_ELEMENTS (delete_sql) == CM_N_BILLED_ENDPOINTS);

/* Runs every statement of @sql (split on ';') with @day as ?1. */
static int
delete_day (sqlite3    *db,
            const char *sql,
            const char *day)
{
  const char *tail = sql;
  int rc = SQLITE_OK;

  while (rc == SQLITE_OK && tail != NULL && *tail != '\0')
    {
      sqlite3_stmt *stmt = NULL;

      rc = sqlite3_prepare_v2 (db, tail, -1, &stmt, &tail);
      if (rc != SQLITE_OK || stmt == NULL)
        break;
      sqlite3_bind_text (stmt, 1, day, -1, SQLITE_TRANSIENT);
      rc = step_reset (stmt);
      sqlite3_finalize (stmt);
    }

  return rc;
}

static int
note_fetched (sqlite3          *db,
              CmBilledEndpoint  endpoint,
              const char       *day,
              gint64            fetched_ms)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "INSERT INTO billed_sync (endpoint, day, fetched_ms) VALUES (?1, ?2, ?3)"
                               " ON CONFLICT (endpoint, day) DO UPDATE SET fetched_ms = excluded.fetched_ms",
                               -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return rc;

  sqlite3_bind_text (stmt, 1, endpoint_names[endpoint], -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, day, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, fetched_ms);
  rc = step_reset (stmt);
  sqlite3_finalize (stmt);

  return rc;
}

static int
insert_row (sqlite3          *db,
            CmBilledEndpoint  endpoint,
            gconstpointer     row)
{
  switch (endpoint)
    {
    case CM_BILLED_COSTS:
      return insert_cost (db, row);
    case CM_BILLED_USAGE:
      return insert_usage (db, row);
    case CM_BILLED_CLAUDE_CODE:
    default:
      return insert_org (db, row);
    }
}

static int
save_locked (sqlite3             *db,
             CmBilledEndpoint     endpoint,
             const char * const  *days,
             GPtrArray           *rows,
             gint64               fetched_ms)
{
  int rc = SQLITE_OK;

  for (guint i = 0; rc == SQLITE_OK && days[i] != NULL; i++)
    rc = delete_day (db, delete_sql[endpoint], days[i]);
  for (guint i = 0; rc == SQLITE_OK && rows != NULL && i < rows->len; i++)
    rc = insert_row (db, endpoint, g_ptr_array_index (rows, i));
  for (guint i = 0; rc == SQLITE_OK && days[i] != NULL; i++)
    rc = note_fetched (db, endpoint, days[i], fetched_ms);

  return rc;
}

gboolean
cm_store_save_billed (CmStore             *self,
                      CmBilledEndpoint     endpoint,
                      const char * const  *days,
                      GPtrArray           *rows,
                      gint64               fetched_ms,
                      GError             **error)
{
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  g_return_val_if_fail (endpoint < CM_N_BILLED_ENDPOINTS, FALSE);
  g_return_val_if_fail (days != NULL, FALSE);

  g_mutex_lock (&self->write_lock);
  if (!cm_sqlite_exec (self->db, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }

  rc = save_locked (self->db, endpoint, days, rows, fetched_ms);
  if (rc != SQLITE_OK)
    {
      cm_sqlite_set_error (error, self->db, rc, "billed figures");
      cm_sqlite_exec (self->db, "ROLLBACK", NULL);
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }

  if (!cm_sqlite_exec (self->db, "COMMIT", error))
    {
      cm_sqlite_exec (self->db, "ROLLBACK", NULL);
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  g_mutex_unlock (&self->write_lock);

  return TRUE;
}

/* --- reads --- */

static char *
dup_column (sqlite3_stmt *stmt,
            int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* Prepares @sql on a read connection with the day range bound as ?1, ?2
 * (NULL: open), or returns NULL with @db given back. */
static sqlite3_stmt *
prepare_range (CmStore     *self,
               sqlite3     *db,
               const char  *sql,
               const char  *since,
               const char  *until,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      cm_sqlite_set_error (error, db, rc, "prepare");
      cm_store_give_reader (self, db);
      return NULL;
    }

  bind_text (stmt, 1, since != NULL ? since : "0000-00-00");
  bind_text (stmt, 2, until != NULL ? until : "9999-99-99");

  return stmt;
}

GHashTable *
cm_store_billed_sync (CmStore           *self,
                      CmBilledEndpoint   endpoint,
                      GError           **error)
{
  g_autoptr(GHashTable) sync = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);
  g_return_val_if_fail (endpoint < CM_N_BILLED_ENDPOINTS, NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db, "SELECT day, fetched_ms FROM billed_sync WHERE endpoint = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    sqlite3_bind_text (stmt, 1, endpoint_names[endpoint], -1, SQLITE_STATIC);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *ms = g_new (gint64, 1);

      *ms = sqlite3_column_int64 (stmt, 1);
      g_hash_table_insert (sync, dup_column (stmt, 0), ms);
      rc = SQLITE_OK;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "billed fetches", error))
    return NULL;

  return g_steal_pointer (&sync);
}

gint64
cm_billed_sync_get (GHashTable *sync,
                    const char *day)
{
  const gint64 *ms = g_hash_table_lookup (sync, day);

  return ms != NULL ? *ms : 0;
}

gint64
cm_store_billed_last_fetch (CmStore  *self,
                            GError  **error)
{
  gint64 last = 0;
  sqlite3 *db;
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), 0);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return 0;
  ok = cm_sqlite_query_int (db, "SELECT ifnull (max (fetched_ms), 0) FROM billed_sync", &last, error);
  cm_store_give_reader (self, db);

  return ok ? last : 0;
}

/* Reads one row of a query into a new struct, or adds it to @last (the
 * struct of the row before) and returns NULL. */
typedef gpointer (*ReadRow) (sqlite3_stmt *stmt,
                             gpointer      last);

/* The rows of @sql over the day range, read with @read_row. */
static GPtrArray *
list_range (CmStore        *self,
            const char     *sql,
            const char     *since,
            const char     *until,
            ReadRow         read_row,
            GDestroyNotify  free_row,
            const char     *what,
            GError        **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (free_row);
  gpointer last = NULL;
  sqlite3_stmt *stmt;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if ((db = cm_store_take_reader (self, error)) == NULL)
    return NULL;
  if ((stmt = prepare_range (self, db, sql, since, until, error)) == NULL)
    return NULL;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gpointer row = read_row (stmt, last);

      if (row != NULL)
        g_ptr_array_add (rows, last = row);
    }
  if (!cm_store_finish_read (self, db, stmt, rc, what, error))
    return NULL;

  return g_steal_pointer (&rows);
}

static gpointer
read_cost (sqlite3_stmt *stmt,
           gpointer      last)
{
  CmBilledCost *c = g_new0 (CmBilledCost, 1);

  c->day = dup_column (stmt, 0);
  c->model = dup_column (stmt, 1);
  c->cost_type = dup_column (stmt, 2);
  c->token_type = dup_column (stmt, 3);
  c->service_tier = dup_column (stmt, 4);
  c->context_window = dup_column (stmt, 5);
  c->inference_geo = dup_column (stmt, 6);
  c->workspace_id = dup_column (stmt, 7);
  c->description = dup_column (stmt, 8);
  c->amount = sqlite3_column_int64 (stmt, 9);

  return c;
}

GPtrArray *
cm_store_list_billed_costs (CmStore     *self,
                            const char  *since,
                            const char  *until,
                            GError     **error)
{
  return list_range (self,
                     "SELECT day, model, cost_type, token_type, service_tier, context_window,"
                     " inference_geo, workspace_id, description, amount FROM billed_costs"
                     " WHERE day >= ?1 AND day <= ?2 ORDER BY day, rowid",
                     since, until, read_cost, (GDestroyNotify) cm_billed_cost_free, "billed costs", error);
}

static gpointer
read_usage (sqlite3_stmt *stmt,
            gpointer      last)
{
  CmBilledUsage *u = g_new0 (CmBilledUsage, 1);

  u->day = dup_column (stmt, 0);
  u->model = dup_column (stmt, 1);
  u->service_tier = dup_column (stmt, 2);
  u->context_window = dup_column (stmt, 3);
  u->inference_geo = dup_column (stmt, 4);
  u->speed = dup_column (stmt, 5);
  u->input = sqlite3_column_int64 (stmt, 6);
  u->cache_write_5m = sqlite3_column_int64 (stmt, 7);
  u->cache_write_1h = sqlite3_column_int64 (stmt, 8);
  u->cache_read = sqlite3_column_int64 (stmt, 9);
  u->output = sqlite3_column_int64 (stmt, 10);
  u->web_search = sqlite3_column_int64 (stmt, 11);

  return u;
}

GPtrArray *
cm_store_list_billed_usage (CmStore     *self,
                            const char  *since,
                            const char  *until,
                            GError     **error)
{
  return list_range (self,
                     "SELECT day, model, service_tier, context_window, inference_geo, speed,"
                     " input, cw5m, cw1h, cr, output, ws FROM billed_usage"
                     " WHERE day >= ?1 AND day <= ?2 ORDER BY day, rowid",
                     since, until, read_usage, (GDestroyNotify) cm_billed_usage_free, "billed usage", error);
}

/* A record's rows (one per model, by the LEFT JOIN) fold into one struct. */
static gpointer
read_org (sqlite3_stmt *stmt,
          gpointer      last)
{
  CmOrgUsage *o = last;
  gpointer made = NULL;

  if (o == NULL || sqlite3_column_int64 (stmt, 0) != o->id)
    {
      made = o = cm_org_usage_new ();
      o->id = sqlite3_column_int64 (stmt, 0);
      o->day = dup_column (stmt, 1);
      o->actor_type = dup_column (stmt, 2);
      o->actor = dup_column (stmt, 3);
      o->customer_type = dup_column (stmt, 4);
      o->terminal_type = dup_column (stmt, 5);
      o->sessions = sqlite3_column_int64 (stmt, 6);
      o->lines_added = sqlite3_column_int64 (stmt, 7);
      o->lines_removed = sqlite3_column_int64 (stmt, 8);
      o->commits = sqlite3_column_int64 (stmt, 9);
      o->pull_requests = sqlite3_column_int64 (stmt, 10);
    }

  if (sqlite3_column_type (stmt, 11) != SQLITE_NULL)
    {
      CmOrgModelUsage *m = g_new0 (CmOrgModelUsage, 1);

      m->model = dup_column (stmt, 11);
      m->input = sqlite3_column_int64 (stmt, 12);
      m->output = sqlite3_column_int64 (stmt, 13);
      m->cache_read = sqlite3_column_int64 (stmt, 14);
      m->cache_creation = sqlite3_column_int64 (stmt, 15);
      m->estimated_cost = sqlite3_column_int64 (stmt, 16);
      g_ptr_array_add (o->models, m);
    }

  return made;
}

GPtrArray *
cm_store_list_org_usage (CmStore     *self,
                         const char  *since,
                         const char  *until,
                         GError     **error)
{
  return list_range (self,
                     "SELECT o.id, o.day, o.actor_type, o.actor, o.customer_type, o.terminal_type,"
                     " o.sessions, o.lines_added, o.lines_removed, o.commits, o.pull_requests,"
                     " m.model, m.input, m.output, m.cr, m.cc, m.cost FROM org_usage o"
                     " LEFT JOIN org_usage_models m ON m.usage_id = o.id"
                     " WHERE o.day >= ?1 AND o.day <= ?2 ORDER BY o.day, o.id, m.rowid",
                     since, until, read_org, (GDestroyNotify) cm_org_usage_free, "organization usage", error);
}
