/* cm-store-write.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The scanner's write side: file states, batch transactions and message
 * rows. */

#include "config.h"

#include "cm-store-private.h"

#define MESSAGE_COLUMNS \
  "dkey, message_id, request_id, uuid, file_id, user_id, session_id, project, ts, model_raw," \
  " model, backend, sidechain, input, output, cw5m, cw1h, cr, ws, priced, estimated, long_ctx," \
  " c_input, c_output, c_cw5m, c_cw1h, c_cr, c_ws, cost, speed, inference_geo"

/* The better copy of a message wins; the order matches cm_record_is_better(). */
static const char upsert_message_sql[] =
  "INSERT INTO messages (" MESSAGE_COLUMNS ") VALUES "
  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
  " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29, ?30, ?31) "
  "ON CONFLICT (dkey) DO UPDATE SET message_id = excluded.message_id,"
  " request_id = excluded.request_id, uuid = excluded.uuid, file_id = excluded.file_id,"
  " user_id = excluded.user_id, session_id = excluded.session_id, project = excluded.project,"
  " ts = excluded.ts, model_raw = excluded.model_raw, model = excluded.model,"
  " backend = excluded.backend, sidechain = excluded.sidechain, input = excluded.input,"
  " output = excluded.output, cw5m = excluded.cw5m, cw1h = excluded.cw1h, cr = excluded.cr,"
  " ws = excluded.ws, priced = excluded.priced, estimated = excluded.estimated,"
  " long_ctx = excluded.long_ctx, c_input = excluded.c_input, c_output = excluded.c_output,"
  " c_cw5m = excluded.c_cw5m, c_cw1h = excluded.c_cw1h, c_cr = excluded.c_cr,"
  " c_ws = excluded.c_ws, cost = excluded.cost, speed = excluded.speed,"
  " inference_geo = excluded.inference_geo "
  "WHERE excluded.output > messages.output"
  " OR (excluded.output = messages.output AND (excluded.sidechain < messages.sidechain"
  "  OR (excluded.sidechain = messages.sidechain AND"
  "   (excluded.input + excluded.cw5m + excluded.cw1h + excluded.cr >"
  "     messages.input + messages.cw5m + messages.cw1h + messages.cr"
  "    OR (excluded.input + excluded.cw5m + excluded.cw1h + excluded.cr ="
  "         messages.input + messages.cw5m + messages.cw1h + messages.cr"
  "     AND (excluded.ts < messages.ts OR (excluded.ts = messages.ts"
  "      AND coalesce (excluded.uuid, '') < coalesce (messages.uuid, ''))))))))"
  /* The same line read again by a version that reads its billing modes
   * (schema 6 reads every file once more for this). */
  " OR (excluded.uuid IS messages.uuid AND excluded.ts = messages.ts"
  "  AND excluded.output = messages.output AND excluded.sidechain = messages.sidechain"
  "  AND (excluded.speed != messages.speed OR excluded.inference_geo != messages.inference_geo))";

static const char upsert_file_sql[] =
  "INSERT INTO files (path, source_id, dev, ino, size, mtime_us, offset, broken_lines,"
  " synthetic_lines, gone, fp) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11) "
  "ON CONFLICT (path) DO UPDATE SET source_id = excluded.source_id, dev = excluded.dev,"
  " ino = excluded.ino, size = excluded.size, mtime_us = excluded.mtime_us,"
  " offset = excluded.offset, broken_lines = excluded.broken_lines,"
  " synthetic_lines = excluded.synthetic_lines, gone = excluded.gone, fp = excluded.fp "
  "RETURNING id";

gboolean
cm_store_prepare_writes (CmStore  *self,
                         GError  **error)
{
  int rc;

  rc = sqlite3_prepare_v3 (self->db, upsert_message_sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &self->upsert_message, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db, upsert_file_sql, -1, SQLITE_PREPARE_PERSISTENT,
                             &self->upsert_file, NULL);
  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, self->db, rc, "prepare");

  /* Message ids written, for the sidechain rule. */
  self->replays = cm_replays_new (self->db, error);
  if (self->replays == NULL)
    return FALSE;

  self->rollups = cm_rollup_writer_new (self->db, error);

  return self->rollups != NULL;
}

CmFileState *
cm_file_state_copy (const CmFileState *state)
{
  CmFileState *copy = g_memdup2 (state, sizeof *state);

  copy->path = g_strdup (state->path);

  return copy;
}

void
cm_file_state_free (CmFileState *state)
{
  if (state == NULL)
    return;

  g_free (state->path);
  g_free (state);
}

/* Each row to @func, its path valid until the next. */
static int
read_file_states (sqlite3_stmt    *stmt,
                  CmFileStateFunc  func,
                  gpointer         user_data)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmFileState state;

      state.id = sqlite3_column_int64 (stmt, 0);
      state.path = (char *) sqlite3_column_text (stmt, 1);
      state.source_id = sqlite3_column_int64 (stmt, 2);
      state.dev = sqlite3_column_int64 (stmt, 3);
      state.ino = sqlite3_column_int64 (stmt, 4);
      state.size = sqlite3_column_int64 (stmt, 5);
      state.mtime_us = sqlite3_column_int64 (stmt, 6);
      state.offset = sqlite3_column_int64 (stmt, 7);
      state.broken_lines = sqlite3_column_int64 (stmt, 8);
      state.synthetic_lines = sqlite3_column_int64 (stmt, 9);
      state.gone = sqlite3_column_int (stmt, 10) != 0;
      state.fp = sqlite3_column_int64 (stmt, 11);
      func (&state, user_data);
    }

  return rc;
}

static void
insert_file_state_cb (const CmFileState *state,
                      gpointer           user_data)
{
  CmFileState *copy = cm_file_state_copy (state);

  g_hash_table_replace (user_data, copy->path, copy);
}

#define FILE_STATE_COLUMNS \
  "SELECT id, path, source_id, dev, ino, size, mtime_us, offset, broken_lines, synthetic_lines, gone, fp FROM files"

/**
 * cm_store_load_file_states:
 * @paths: (nullable): files and folders; %NULL for every file
 *
 * Returns: path -> CmFileState of every file, or of @paths and the files
 *   below them.
 */
GHashTable *
cm_store_load_file_states (CmStore             *self,
                           const char * const  *paths,
                           GError             **error)
{
  g_autoptr(GHashTable) states = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                        (GDestroyNotify) cm_file_state_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  if (paths == NULL)
    {
      rc = sqlite3_prepare_v2 (db, FILE_STATE_COLUMNS, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        rc = read_file_states (stmt, insert_file_state_cb, states);
    }
  else
    {
      /* The path itself, then what sorts between "path/" and "path0" ('0'
       * follows '/'): a range on the index, not a scan. */
      rc = sqlite3_prepare_v2 (db, FILE_STATE_COLUMNS " WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')",
                               -1, &stmt, NULL);
      for (guint i = 0; rc == SQLITE_OK && paths[i] != NULL; i++)
        {
          sqlite3_reset (stmt);
          sqlite3_bind_text (stmt, 1, paths[i], -1, SQLITE_STATIC);
          rc = read_file_states (stmt, insert_file_state_cb, states);
          if (rc == SQLITE_DONE)
            rc = SQLITE_OK;
        }
      if (rc == SQLITE_OK)
        rc = SQLITE_DONE;
    }
  sqlite3_finalize (stmt);
  cm_store_give_reader (self, db);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, NULL, rc, "files"), NULL;

  return g_steal_pointer (&states);
}

/* The first stored path after @cursor (or from it, when @from) below @dir,
 * into @out; FALSE at the end. */
static int
next_path (sqlite3_stmt  *stmt,
           const char    *cursor,
           const char    *end,
           char         **out)
{
  int rc;

  sqlite3_bind_text (stmt, 1, cursor, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, end, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  g_clear_pointer (out, g_free);
  if (rc == SQLITE_ROW)
    *out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_reset (stmt);

  return rc;
}

/**
 * cm_store_foreach_vanished_file_state:
 * @dir: a folder
 * @walked: names of the entries of @dir that were walked
 *
 * Calls @func for the state of every stored file below an entry of @dir
 * that is not in @walked, without keeping them all: the state and its path
 * are valid during the call only. @func must not use the store.
 *
 * The index on the path is visited once per stored entry of @dir (a
 * project folder, or a file at its top), not once per file.
 */
gboolean
cm_store_foreach_vanished_file_state (CmStore          *self,
                                      const char       *dir,
                                      GHashTable       *walked,
                                      CmFileStateFunc   func,
                                      gpointer          user_data,
                                      GError          **error)
{
  sqlite3_stmt *after = NULL, *from = NULL, *entry = NULL;
  g_autofree char *end = g_strconcat (dir, "0", NULL);
  g_autofree char *cursor = g_strconcat (dir, "/", NULL);
  g_autofree char *path = NULL;
  g_autoptr(GHashTable) done = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gsize len = strlen (dir) + 1;
  gboolean strict = TRUE;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  g_return_val_if_fail (dir != NULL && walked != NULL && func != NULL, FALSE);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return FALSE;

  rc = sqlite3_prepare_v2 (db, "SELECT path FROM files WHERE path > ?1 AND path < ?2 ORDER BY path LIMIT 1",
                           -1, &after, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, "SELECT path FROM files WHERE path >= ?1 AND path < ?2 ORDER BY path LIMIT 1",
                             -1, &from, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (db, FILE_STATE_COLUMNS " WHERE path = ?1 OR (path > ?1 || '/' AND path < ?1 || '0')",
                             -1, &entry, NULL);

  /* BEGIN makes the walk over entries one snapshot. */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  while (rc == SQLITE_OK &&
         (rc = next_path (strict ? after : from, cursor, end, &path)) == SQLITE_ROW)
    {
      const char *slash = strchr (path + len, '/');
      g_autofree char *top = slash != NULL ? g_strndup (path, slash - path) : g_strdup (path);

      rc = SQLITE_OK;
      if (!g_hash_table_contains (walked, top + len) && !g_hash_table_contains (done, top))
        {
          sqlite3_bind_text (entry, 1, top, -1, SQLITE_STATIC);
          rc = read_file_states (entry, func, user_data);
          rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
          sqlite3_reset (entry);
          g_hash_table_add (done, g_strdup (top));
        }

      /* A file at the top: the next path after it (NAME-x sorts before
       * NAME/). Inside a folder: every path up to NAME0 is below it. */
      g_free (cursor);
      if (slash == NULL)
        {
          cursor = g_steal_pointer (&top);
          strict = TRUE;
        }
      else
        {
          cursor = g_strconcat (top, "0", NULL);
          strict = FALSE;
        }
    }
  if (rc == SQLITE_DONE)
    rc = SQLITE_OK;
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_finalize (after);
  sqlite3_finalize (from);
  sqlite3_finalize (entry);
  cm_store_give_reader (self, db);

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, NULL, rc, "files");

  return TRUE;
}

gboolean
cm_store_write_begin (CmStore  *self,
                      GError  **error)
{
  g_mutex_lock (&self->write_lock);

  if (!cm_sqlite_exec (self->db, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  if (!cm_replays_begin (self->replays, self->db, error))
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  self->changes_at_begin = sqlite3_total_changes64 (self->db);

  return TRUE;
}

gboolean
cm_store_write_commit (CmStore  *self,
                       GError  **error)
{
  gboolean ok = cm_replays_flush (self->replays, self->db, error) &&
                cm_rollup_writer_finish (self->rollups, error) &&
                cm_sqlite_exec (self->db, "COMMIT", error);

  if (!ok)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
      cm_replays_discard (self->replays);
      cm_rollup_writer_discard (self->rollups);
      g_hash_table_remove_all (self->user_ids);
    }
  else if (sqlite3_total_changes64 (self->db) != self->changes_at_begin)
    {
      /* What readers see moved, even before anyone says "changed" (a long
       * scan says it once, at the end): caches keyed on the generation
       * reload, and only then. */
      g_atomic_pointer_add (&self->generation, 1);
    }

  g_mutex_unlock (&self->write_lock);

  return ok;
}

void
cm_store_write_rollback (CmStore *self)
{
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  cm_replays_discard (self->replays);
  cm_rollup_writer_discard (self->rollups);
  /* Ids created in the rolled-back transaction are gone. */
  g_hash_table_remove_all (self->user_ids);
  g_mutex_unlock (&self->write_lock);
}

gboolean
cm_store_write_file_state (CmStore      *self,
                           CmFileState  *state,
                           GError      **error)
{
  sqlite3_stmt *stmt = self->upsert_file;
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, state->path, -1, SQLITE_STATIC);
  if (state->source_id != 0)
    sqlite3_bind_int64 (stmt, 2, state->source_id);
  else
    sqlite3_bind_null (stmt, 2);
  sqlite3_bind_int64 (stmt, 3, state->dev);
  sqlite3_bind_int64 (stmt, 4, state->ino);
  sqlite3_bind_int64 (stmt, 5, state->size);
  sqlite3_bind_int64 (stmt, 6, state->mtime_us);
  sqlite3_bind_int64 (stmt, 7, state->offset);
  sqlite3_bind_int64 (stmt, 8, state->broken_lines);
  sqlite3_bind_int64 (stmt, 9, state->synthetic_lines);
  sqlite3_bind_int (stmt, 10, state->gone ? 1 : 0);
  sqlite3_bind_int64 (stmt, 11, state->fp);

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state->id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, self->db, rc, "file state");

  return TRUE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           column,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

gboolean
cm_store_write_message (CmStore              *self,
                        const CmRecord       *record,
                        const CmMessageMeta  *meta,
                        GError              **error)
{
  sqlite3_stmt *stmt = self->upsert_message;
  int rc;

  if (!cm_rollup_writer_start (self->rollups, error))
    return FALSE;

  sqlite3_reset (stmt);
  sqlite3_bind_text (stmt, 1, meta->dkey, -1, SQLITE_STATIC);
  bind_text_or_null (stmt, 2, record->message_id);
  bind_text_or_null (stmt, 3, record->request_id);
  bind_text_or_null (stmt, 4, record->uuid);
  sqlite3_bind_int64 (stmt, 5, meta->file_id);
  if (meta->user_id > 0)
    sqlite3_bind_int64 (stmt, 6, meta->user_id);
  else
    sqlite3_bind_null (stmt, 6);
  bind_text_or_null (stmt, 7, meta->session_id);
  bind_text_or_null (stmt, 8, meta->project);
  sqlite3_bind_int64 (stmt, 9, record->timestamp_ms);
  bind_text_or_null (stmt, 10, record->model_raw);
  sqlite3_bind_text (stmt, 11, meta->model, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 12, meta->backend);
  sqlite3_bind_int (stmt, 13, record->is_sidechain ? 1 : 0);
  sqlite3_bind_int64 (stmt, 14, record->usage.input);
  sqlite3_bind_int64 (stmt, 15, record->usage.output);
  sqlite3_bind_int64 (stmt, 16, record->usage.cache_write_5m);
  sqlite3_bind_int64 (stmt, 17, record->usage.cache_write_1h);
  sqlite3_bind_int64 (stmt, 18, record->usage.cache_read);
  sqlite3_bind_int64 (stmt, 19, record->usage.web_search);
  sqlite3_bind_int (stmt, 20, meta->priced ? 1 : 0);
  sqlite3_bind_int (stmt, 21, meta->cost.estimated ? 1 : 0);
  sqlite3_bind_int (stmt, 22, meta->cost.long_context ? 1 : 0);
  sqlite3_bind_int64 (stmt, 23, meta->cost.input);
  sqlite3_bind_int64 (stmt, 24, meta->cost.output);
  sqlite3_bind_int64 (stmt, 25, meta->cost.cache_write_5m);
  sqlite3_bind_int64 (stmt, 26, meta->cost.cache_write_1h);
  sqlite3_bind_int64 (stmt, 27, meta->cost.cache_read);
  sqlite3_bind_int64 (stmt, 28, meta->cost.web_search);
  sqlite3_bind_int64 (stmt, 29, meta->cost.total);
  sqlite3_bind_text (stmt, 30, cm_record_speed_key (record->speed), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 31, cm_record_geo_key (record->inference_geo), -1, SQLITE_STATIC);

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, self->db, rc, "message");

  if (record->message_id != NULL)
    cm_replays_note (self->replays, record->message_id, record->is_sidechain);

  return cm_rollup_writer_trim (self->rollups, error);
}

void
cm_store_checkpoint (CmStore *self)
{
  g_mutex_lock (&self->write_lock);
  sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}

void
cm_store_set_bulk_writes (CmStore  *self,
                          gboolean  bulk)
{
  g_return_if_fail (CM_IS_STORE (self));

  g_mutex_lock (&self->write_lock);
  sqlite3_exec (self->db,
                bulk ? "PRAGMA wal_autocheckpoint = 0"
                     : "PRAGMA wal_autocheckpoint = " G_STRINGIFY (CM_STORE_AUTOCHECKPOINT),
                NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}

void
cm_store_release_memory (CmStore *self)
{
  g_return_if_fail (CM_IS_STORE (self));

  /* A scan is over: the write cache would sit idle until the next one. */
  g_mutex_lock (&self->write_lock);
  sqlite3_db_release_memory (self->db);
  cm_replays_release (self->replays);
  g_mutex_unlock (&self->write_lock);
}


gboolean
cm_store_write_session_projects (CmStore            *self,
                                 const char * const *session_ids,
                                 GError            **error)
{
  sqlite3_stmt *first = NULL;
  sqlite3_stmt *update = NULL;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT project FROM messages WHERE session_id = ?1 AND project IS NOT NULL"
                           " ORDER BY ts, id LIMIT 1", -1, &first, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->db,
                             "UPDATE messages SET project = ?2 WHERE session_id = ?1 AND project IS NOT ?2",
                             -1, &update, NULL);

  for (guint i = 0; rc == SQLITE_OK && session_ids[i] != NULL; i++)
    {
      sqlite3_bind_text (first, 1, session_ids[i], -1, SQLITE_STATIC);
      rc = sqlite3_step (first);
      if (rc == SQLITE_ROW)
        {
          sqlite3_bind_text (update, 1, session_ids[i], -1, SQLITE_STATIC);
          sqlite3_bind_text (update, 2, (const char *) sqlite3_column_text (first, 0), -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (update);
          sqlite3_reset (update);
        }
      sqlite3_reset (first);
      if (rc == SQLITE_ROW || rc == SQLITE_DONE)
        rc = SQLITE_OK;
    }
  sqlite3_finalize (first);
  sqlite3_finalize (update);

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, self->db, rc, "session projects");

  return TRUE;
}
