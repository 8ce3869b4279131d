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

/* The owner of a source s, as cm_source_info_effective_owner() decides:
 * its own, else the account found in it, else (a home) its folder's, else
 * (a default folder) the user's own identity. */
#define EFFECTIVE_OWNER \
  "coalesce (s.owner, s.detected_owner, p.owner, CASE WHEN coalesce (p.is_default, s.is_default)" \
  " THEN (SELECT nullif (value, '') FROM meta WHERE key = 'self_email') END)"
#define WITH_PARENT \
  " LEFT JOIN source_parents sp ON sp.source_id = s.id LEFT JOIN sources p ON p.id = sp.parent_id"
/* ?1 and the homes inside it. */
#define SOURCE_AND_HOMES " (?1, (SELECT source_id FROM source_parents WHERE parent_id = ?1))"

/* Messages belong to the owner of the source their file came from, or to
 * nobody (Unattributed). */
const char cm_store_reassign_users_sql[] =
  "INSERT OR IGNORE INTO users (email) SELECT " EFFECTIVE_OWNER " FROM sources s" WITH_PARENT
  " WHERE (s.id = ?1 OR sp.parent_id = ?1) AND " EFFECTIVE_OWNER " IS NOT NULL;"
  "UPDATE messages SET user_id = ("
  "  SELECT u.id FROM files f JOIN sources s ON s.id = f.source_id" WITH_PARENT
  "  JOIN users u ON u.email = " EFFECTIVE_OWNER
  "  WHERE f.id = messages.file_id) "
  "WHERE file_id IN (SELECT f.id FROM files f WHERE f.source_id = ?1"
  " OR f.source_id IN (SELECT source_id FROM source_parents WHERE parent_id = ?1))";

const char *
cm_source_info_effective_owner (const CmSourceInfo *info,
                                const CmSourceInfo *parent,
                                const char         *detected,
                                const char         *self_email)
{
  gboolean is_default = parent != NULL ? parent->is_default : info->is_default;

  if (info->owner != NULL)
    return info->owner;
  if (detected != NULL)
    return detected;
  if (parent != NULL && parent->owner != NULL)
    return parent->owner;
  if (is_default && self_email != NULL && *self_email != '\0')
    return self_email;

  return NULL;
}

/* Runs cm_store_reassign_users_sql (two statements) for @source_id on the
 * write connection, whose lock the caller holds. */
gboolean
cm_store_reassign_users (CmStore  *self,
                         gint64    source_id,
                         GError  **error)
{
  const char *sql = cm_store_reassign_users_sql;
  int rc = SQLITE_OK;

  while (rc == SQLITE_OK && *sql != '\0')
    {
      sqlite3_stmt *stmt = NULL;
      const char *tail = NULL;

      rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, &tail);
      if (rc == SQLITE_OK && stmt != NULL)
        {
          sqlite3_bind_int64 (stmt, 1, source_id);
          rc = sqlite3_step (stmt);
          rc = rc == SQLITE_DONE ? SQLITE_OK : rc;
        }
      sqlite3_finalize (stmt);
      sql = tail;
    }

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, self->db, rc, "reassign");

  return TRUE;
}

/* @sql (on source ?1, with @owner as ?2 when it has one) and the messages
 * following it to their owner, in one transaction: killed or failing at any
 * point, the owner and the messages never disagree. */
static gboolean
update_source_and_users (CmStore     *self,
                         gint64       source_id,
                         const char  *sql,
                         const char  *owner,
                         GError     **error)
{
  gboolean ok;

  g_mutex_lock (&self->write_lock);
  ok = cm_sqlite_exec (self->db, "BEGIN IMMEDIATE", error);
  if (ok && sql != NULL)
    {
      sqlite3_stmt *stmt = NULL;
      int rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);

      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, source_id);
          if (owner != NULL)
            sqlite3_bind_text (stmt, 2, owner, -1, SQLITE_TRANSIENT);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        ok = cm_sqlite_set_error (error, self->db, rc, "source");
    }
  if (ok && !(ok = cm_store_reassign_users (self, source_id, error)))
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  else if (ok)
    ok = cm_sqlite_exec (self->db, "COMMIT", error);
  else
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
  g_hash_table_remove_all (self->user_ids);

  return ok;
}

static gboolean
reassign_source_users (CmStore     *self,
                       gint64       source_id,
                       GError     **error)
{
  return update_source_and_users (self, source_id, NULL, NULL, error);
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

  /* The folder first, with the owner it had; a new owner and the messages
   * that follow it then in one transaction. */
  if (!cm_store_run_write (self,
                  "INSERT INTO sources (path, is_default) VALUES (?1, ?2) "
                  "ON CONFLICT (path) DO UPDATE SET is_default = is_default AND excluded.is_default,"
                  " enabled = 1",
                  error, "si", key, (gint64) (is_default ? 1 : 0)))
    return 0;

  id = source_id_for_path (self, key);
  if (owner != NULL &&
      !update_source_and_users (self, id, "UPDATE sources SET owner = ?2 WHERE id = ?1", owner, error))
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
   * read again. The homes inside go with the folder. */
  if (!cm_store_run_write (self, "DELETE FROM sources WHERE id IN (SELECT sp.source_id FROM source_parents sp"
                                 " JOIN sources f ON f.id = sp.parent_id WHERE f.path = ?1)",
                           error, "s", key) ||
      !cm_store_run_write (self, "DELETE FROM source_parents WHERE parent_id IN"
                                 " (SELECT id FROM sources WHERE path = ?1)", error, "s", key) ||
      !cm_store_run_write (self, "DELETE FROM sources WHERE path = ?1", error, "s", key))
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

  if (!update_source_and_users (self, id, "UPDATE sources SET owner = ?2 WHERE id = ?1", owner, error))
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

  /* A home right after its folder. */
  rc = sqlite3_prepare_v2 (db, "SELECT s.id, s.path, s.owner, s.detected_owner,"
                               " coalesce (p.is_default, s.is_default), s.enabled, ifnull (sp.parent_id, 0)"
                               " FROM sources s" WITH_PARENT
                               " ORDER BY coalesce (p.is_default, s.is_default) DESC, coalesce (p.path, s.path),"
                               " sp.parent_id IS NOT NULL, s.path", -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmSourceInfo *info = g_new0 (CmSourceInfo, 1);

      info->id = sqlite3_column_int64 (stmt, 0);
      info->path = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      info->owner = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      info->detected_owner = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      info->is_default = sqlite3_column_int (stmt, 4) != 0;
      info->enabled = sqlite3_column_int (stmt, 5) != 0;
      info->parent_id = sqlite3_column_int64 (stmt, 6);
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

  /* Already-stored messages of this source follow the new identity. */
  if (changed)
    return cm_store_reassign_users (self, source_id, error);

  return TRUE;
}

static gboolean
adopt_files (CmStore     *self,
             gint64       home_id,
             gint64       parent_id,
             const char  *projects_dir,
             GError     **error)
{
  static const char *sql[] = {
    "INSERT OR REPLACE INTO source_parents (source_id, parent_id) VALUES (?1, ?2)",
    "UPDATE files SET source_id = ?1 WHERE source_id = ?2 AND path > ?3 || '/' AND path < ?3 || '0'",
  };
  int rc = SQLITE_OK;

  for (guint i = 0; rc == SQLITE_OK && i < G_N_ELEMENTS (sql); i++)
    {
      sqlite3_stmt *stmt = NULL;

      rc = sqlite3_prepare_v2 (self->db, sql[i], -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, home_id);
          sqlite3_bind_int64 (stmt, 2, parent_id);
          if (i == 1)
            sqlite3_bind_text (stmt, 3, projects_dir, -1, SQLITE_STATIC);
          rc = sqlite3_step (stmt) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode (self->db);
        }
      sqlite3_finalize (stmt);
    }

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, self->db, rc, "home");

  return TRUE;
}

gint64
cm_store_add_home_source (CmStore     *self,
                          gint64       parent_id,
                          const char  *home,
                          const char  *projects_dir,
                          GError     **error)
{
  g_autofree char *key = NULL;
  gint64 id;
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), 0);

  key = source_key (home);
  id = source_id_for_path (self, key);
  if (id != 0)
    return id;

  if (!cm_store_run_write (self, "INSERT INTO sources (path) VALUES (?1) ON CONFLICT (path) DO NOTHING",
                           error, "s", key))
    return 0;
  id = source_id_for_path (self, key);

  /* Files read under the folder before move to the home (the range of the
   * path index below its projects folder), and follow its identity: one
   * transaction under the write lock. */
  g_mutex_lock (&self->write_lock);
  ok = cm_sqlite_exec (self->db, "BEGIN IMMEDIATE", error) &&
       adopt_files (self, id, parent_id, projects_dir, error) &&
       cm_store_reassign_users (self, id, error) &&
       cm_sqlite_exec (self->db, "COMMIT", error);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
  g_hash_table_remove_all (self->user_ids);

  return ok ? id : 0;
}

gboolean
cm_store_set_self_email (CmStore     *self,
                         const char  *email,
                         GError     **error)
{
  g_autofree char *old = NULL;
  g_autoptr(GPtrArray) sources = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  old = cm_store_dup_self_email (self);
  if (g_strcmp0 (old, email != NULL && *email != '\0' ? email : NULL) == 0)
    return TRUE;

  if (!cm_store_run_write (self, "INSERT OR REPLACE INTO meta (key, value) VALUES ('self_email', ?1)",
                           error, "s", email != NULL ? email : ""))
    return FALSE;

  /* The default folders' runs follow (with the homes inside them). */
  sources = cm_store_list_sources (self, error);
  if (sources == NULL)
    return FALSE;
  for (guint i = 0; i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (info->is_default && info->parent_id == 0 && !reassign_source_users (self, info->id, error))
        return FALSE;
    }

  cm_store_emit_changed (self);

  return TRUE;
}

char *
cm_store_dup_self_email (CmStore *self)
{
  sqlite3_stmt *stmt = NULL;
  char *email = NULL;
  sqlite3 *db;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = cm_store_take_reader (self, NULL);
  if (db == NULL)
    return NULL;
  if (sqlite3_prepare_v2 (db, "SELECT nullif (value, '') FROM meta WHERE key = 'self_email'", -1, &stmt,
                          NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW && sqlite3_column_text (stmt, 0) != NULL)
    email = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  cm_store_give_reader (self, db);

  return email;
}
