/* cm-store-sources.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Source folders, their owners and the users messages are attributed to. */

#include "config.h"


#include "cm-store-private.h"

void
cm_source_info_free (CmSourceInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->path);
  g_free (info->owner);
  g_free (info->detected_owner);
  g_free (info);
}

static char *
source_key (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

/* Messages belong to the owner of the source their file came from: the
 * explicit owner, else the detected one, else nobody (Unattributed). */
const char cm_store_reassign_users_sql[] =
  "UPDATE messages SET user_id = ("
  "  SELECT u.id FROM files f JOIN sources s ON s.id = f.source_id"
  "  JOIN users u ON u.email = coalesce (s.owner, s.detected_owner)"
  "  WHERE f.id = messages.file_id) "
  "WHERE file_id IN (SELECT f.id FROM files f WHERE f.source_id = ?1)";

static gboolean
reassign_source_users (CmStore     *self,
                       gint64       source_id,
                       GError     **error)
{
  g_autofree char *owner = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* Make sure the user row exists before messages point at it. */
  g_mutex_lock (&self->write_lock);
  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT coalesce (owner, detected_owner) FROM sources WHERE id = ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, source_id);
      if (sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
        owner = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->write_lock);

  if (owner != NULL && !cm_store_run_write (self, "INSERT OR IGNORE INTO users (email) VALUES (?1)",
                                   error, "s", owner))
    return FALSE;

  return cm_store_run_write (self, cm_store_reassign_users_sql, error, "i", source_id);
}

static gint64
source_id_for_path (CmStore    *self,
                    const char *key)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;

  g_mutex_lock (&self->write_lock);
  if (sqlite3_prepare_v2 (self->db, "SELECT id FROM sources WHERE path = ?1", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
    }
  g_mutex_unlock (&self->write_lock);

  return id;
}

gint64
cm_store_add_source (CmStore     *self,
                     const char  *path,
                     const char  *owner,
                     gboolean     is_default,
                     GError     **error)
{
  g_autofree char *key = NULL;
  gint64 id;

  g_return_val_if_fail (CM_IS_STORE (self), 0);
  g_return_val_if_fail (path != NULL, 0);

  key = source_key (path);
  if (owner != NULL && *owner == '\0')
    owner = NULL;

  if (!cm_store_run_write (self,
                  "INSERT INTO sources (path, owner, is_default) VALUES (?1, ?2, ?3) "
                  "ON CONFLICT (path) DO UPDATE SET owner = coalesce (excluded.owner, owner),"
                  " is_default = is_default AND excluded.is_default, enabled = 1",
                  error, "ssi", key, owner, (gint64) (is_default ? 1 : 0)))
    return 0;

  id = source_id_for_path (self, key);
  if (owner != NULL && !reassign_source_users (self, id, error))
    return 0;

  cm_store_emit_changed (self);

  return id;
}

gboolean
cm_store_remove_source (CmStore     *self,
                        const char  *path,
                        GError     **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  key = source_key (path);

  /* History stays: the files and their messages are kept, they are just not
   * read again. */
  if (!cm_store_run_write (self, "DELETE FROM sources WHERE path = ?1", error, "s", key))
    return FALSE;

  cm_store_emit_changed (self);

  return TRUE;
}

gboolean
cm_store_set_source_owner (CmStore     *self,
                           const char  *path,
                           const char  *owner,
                           GError     **error)
{
  g_autofree char *key = NULL;
  gint64 id;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  key = source_key (path);
  if (owner != NULL && *owner == '\0')
    owner = NULL;

  id = source_id_for_path (self, key);
  if (id == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No source folder %s", key);
      return FALSE;
    }

  if (!cm_store_run_write (self, "UPDATE sources SET owner = ?1 WHERE id = ?2", error, "si", owner, id) ||
      !reassign_source_users (self, id, error))
    return FALSE;

  cm_store_emit_changed (self);

  return TRUE;
}

gboolean
cm_store_set_source_enabled (CmStore     *self,
                             const char  *path,
                             gboolean     enabled,
                             GError     **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  key = source_key (path);
  if (!cm_store_run_write (self, "UPDATE sources SET enabled = ?1 WHERE path = ?2", error, "is",
                  (gint64) (enabled ? 1 : 0), key))
    return FALSE;

  cm_store_emit_changed (self);

  return TRUE;
}

GPtrArray *
cm_store_list_sources (CmStore  *self,
                       GError  **error)
{
  g_autoptr(GPtrArray) sources = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_source_info_free);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db, "SELECT id, path, owner, detected_owner, is_default, enabled "
                               "FROM sources ORDER BY is_default DESC, path", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmSourceInfo *info = g_new0 (CmSourceInfo, 1);

      info->id = sqlite3_column_int64 (stmt, 0);
      info->path = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->owner = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      info->detected_owner = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      info->is_default = sqlite3_column_int (stmt, 4) != 0;
      info->enabled = sqlite3_column_int (stmt, 5) != 0;
      g_ptr_array_add (sources, info);
      rc = SQLITE_OK;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "sources", error))
    return NULL;

  return g_steal_pointer (&sources);
}

gint64
cm_store_write_user (CmStore     *self,
                     const char  *email,
                     GError     **error)
{
  gpointer cached;
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  int rc;

  if (email == NULL || *email == '\0')
    return 0;

  cached = g_hash_table_lookup (self->user_ids, email);
  if (cached != NULL)
    return GPOINTER_TO_SIZE (cached);

  rc = sqlite3_prepare_v2 (self->db,
                           "INSERT INTO users (email) VALUES (?1) "
                           "ON CONFLICT (email) DO UPDATE SET email = email RETURNING id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, email, -1, SQLITE_TRANSIENT);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          id = sqlite3_column_int64 (stmt, 0);
          rc = sqlite3_step (stmt);
        }
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      cm_sqlite_set_error (error, self->db, rc, "user");
      return -1;
    }

  g_hash_table_insert (self->user_ids, g_strdup (email), GSIZE_TO_POINTER ((gsize) id));

  return id;
}

gboolean
cm_store_write_source_owner (CmStore     *self,
                             gint64       source_id,
                             const char  *detected_owner,
                             GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean changed = FALSE;
  int rc;

  rc = sqlite3_prepare_v2 (self->db,
                           "UPDATE sources SET detected_owner = ?1 WHERE id = ?2"
                           " AND detected_owner IS NOT ?1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      if (detected_owner != NULL)
        sqlite3_bind_text (stmt, 1, detected_owner, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, source_id);
      rc = sqlite3_step (stmt);
      changed = sqlite3_changes (self->db) > 0;
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, self->db, rc, "source owner");

  if (changed)
    {
      /* Already-stored messages of this source follow the new identity. */
      if (detected_owner != NULL && cm_store_write_user (self, detected_owner, error) < 0)
        return FALSE;

      rc = sqlite3_prepare_v2 (self->db, cm_store_reassign_users_sql, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, source_id);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return cm_sqlite_set_error (error, self->db, rc, "reassign");
    }

  return TRUE;
}
