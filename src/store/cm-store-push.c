/* cm-store-push.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The local side of the team push: the log of changed messages (kept by the
 * triggers of migration 3), read in order and dropped once acknowledged. */

#include "config.h"

#include "cm-store-private.h"
#include "cm-store-push.h"

void
cm_push_row_free (CmPushRow *row)
{
  if (row == NULL)
    return;

  g_free (row->dkey);
  g_free (row->file_path);
  g_free (row->user);
  g_free (row->project);
  g_free (row->session_id);
  g_free (row->model);
  g_free (row->speed);
  g_free (row);
}

/* One transaction on the write connection, as the scanner's are. */
static gboolean
write_sql (CmStore     *self,
           const char  *sql,
           GError     **error)
{
  gboolean ok;

  g_mutex_lock (&self->write_lock);
  ok = cm_sqlite_exec (self->db, "BEGIN IMMEDIATE", error);
  if (ok && !(ok = cm_sqlite_exec (self->db, sql, error)))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  else if (ok)
    ok = cm_sqlite_exec (self->db, "COMMIT", error);
  g_mutex_unlock (&self->write_lock);

  return ok;
}

gboolean
cm_store_push_start (CmStore  *self,
                     GError  **error)
{
  g_autofree char *device = g_uuid_string_random ();
  g_autofree char *sql = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  if (cm_store_get_push_started (self))
    return TRUE;

  /* The flag and the backlog in one transaction: a scan commits either
   * before (its rows are in the backlog) or after (the triggers note them). */
  sql = g_strdup_printf ("INSERT OR IGNORE INTO meta (key, value) VALUES ('device_id', '%s');"
                         "INSERT OR IGNORE INTO meta (key, value) VALUES ('push_log', '1');"
                         "INSERT OR IGNORE INTO push_log (message) SELECT id FROM messages ORDER BY id;",
                         device);

  return write_sql (self, sql, error);
}

gboolean
cm_store_push_stop (CmStore  *self,
                    GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  return write_sql (self, "DELETE FROM meta WHERE key = 'push_log'; DELETE FROM push_log;", error);
}

gboolean
cm_store_get_push_started (CmStore *self)
{
  sqlite3 *db;
  gint64 started = 0;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  db = cm_store_take_reader (self, NULL);
  if (db == NULL)
    return FALSE;
  if (!cm_sqlite_query_int (db, "SELECT count (*) FROM meta WHERE key = 'push_log'", &started, NULL))
    started = 0;
  cm_store_give_reader (self, db);

  return started > 0;
}

char *
cm_store_dup_device_id (CmStore  *self,
                        GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  char *device = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db, "SELECT value FROM meta WHERE key = 'device_id'", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      device = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_DONE;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "device id", error))
    return NULL;

  if (device == NULL)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
                 "This database has not started a team push yet");

  return device;
}

gint64
cm_store_count_push_pending (CmStore  *self,
                             GError  **error)
{
  sqlite3 *db;
  gint64 count = -1;

  g_return_val_if_fail (CM_IS_STORE (self), -1);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return -1;
  if (!cm_sqlite_query_int (db, "SELECT count (*) FROM push_log", &count, error))
    count = -1;
  cm_store_give_reader (self, db);

  return count;
}

static char *
column_strdup (sqlite3_stmt *stmt,
               int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

static CmPushRow *
read_row (sqlite3_stmt *stmt)
{
  CmPushRow *row = g_new0 (CmPushRow, 1);
  gint64 *usage[] = {
    &row->usage.input, &row->usage.output, &row->usage.cache_write_5m,
    &row->usage.cache_write_1h, &row->usage.cache_read, &row->usage.web_search,
  };
  CmMoney *cost[] = {
    &row->cost.input, &row->cost.output, &row->cost.cache_write_5m, &row->cost.cache_write_1h,
    &row->cost.cache_read, &row->cost.web_search, &row->cost.total,
  };

  row->seq = sqlite3_column_int64 (stmt, 0);
  row->gone = sqlite3_column_int (stmt, 1) != 0;
  row->dkey = column_strdup (stmt, 2);
  row->file_path = column_strdup (stmt, 3);
  row->timestamp_ms = sqlite3_column_int64 (stmt, 4);
  if (row->gone)
    return row;

  row->user = column_strdup (stmt, 5);
  row->project = column_strdup (stmt, 6);
  row->session_id = column_strdup (stmt, 7);
  row->model = column_strdup (stmt, 8);
  row->speed = column_strdup (stmt, 9);
  row->backend = CLAMP (sqlite3_column_int (stmt, 10), 0, CM_BACKEND_UNKNOWN);
  row->sidechain = sqlite3_column_int (stmt, 11) != 0;
  row->priced = sqlite3_column_int (stmt, 12) != 0;
  row->cost.estimated = sqlite3_column_int (stmt, 13) != 0;
  row->cost.long_context = sqlite3_column_int (stmt, 14) != 0;
  for (guint i = 0; i < G_N_ELEMENTS (usage); i++)
    *usage[i] = sqlite3_column_int64 (stmt, 15 + i);
  for (guint i = 0; i < G_N_ELEMENTS (cost); i++)
    *cost[i] = sqlite3_column_int64 (stmt, 15 + G_N_ELEMENTS (usage) + i);

  return row;
}

GPtrArray *
cm_store_read_push_rows (CmStore  *self,
                         gint64    after,
                         guint     limit,
                         GError  **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_push_row_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  /* The message as it is now: a row changed twice is sent once, under its
   * newest entry. Files are read only for rows keyed by their position. */
  rc = sqlite3_prepare_v2 (db,
                           "SELECT l.seq, l.message IS NULL, coalesce (m.dkey, l.dkey), f.path,"
                           " coalesce (m.ts, l.ts), u.email, m.project, m.session_id, m.model,"
                           " nullif (m.speed, ''), m.backend, m.sidechain, m.priced, m.estimated, m.long_ctx,"
                           " m.input, m.output, m.cw5m, m.cw1h, m.cr, m.ws, m.c_input, m.c_output,"
                           " m.c_cw5m, m.c_cw1h, m.c_cr, m.c_ws, m.cost"
                           " FROM push_log l LEFT JOIN messages m ON m.id = l.message"
                           " LEFT JOIN users u ON u.id = m.user_id"
                           " LEFT JOIN files f ON f.id = m.file_id AND substr (m.dkey, 1, 2) = 'p:'"
                           " WHERE l.seq > ?1 ORDER BY l.seq LIMIT ?2",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, after);
      sqlite3_bind_int64 (stmt, 2, limit);
    }
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_ptr_array_add (rows, read_row (stmt));
      rc = SQLITE_OK;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "changes to push", error))
    return NULL;

  return g_steal_pointer (&rows);
}

gboolean
cm_store_push_acknowledge (CmStore  *self,
                           gint64    seq,
                           GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  return cm_store_run_write (self, "DELETE FROM push_log WHERE seq <= ?1", error, "i", seq);
}
