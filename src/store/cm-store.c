/* cm-store.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-store-private.h"

G_DEFINE_FINAL_TYPE (CmStore, cm_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (cm-store-error-quark, cm_store_error)

gboolean
cm_sqlite_set_error (GError     **error,
                  sqlite3     *db,
                  int          rc,
                  const char  *what)
{
  int code = CM_STORE_ERROR_FAILED;
  int primary = rc & 0xff;

  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    code = CM_STORE_ERROR_CORRUPT;
  else if (primary == SQLITE_FULL)
    code = CM_STORE_ERROR_FULL;
  else if (rc == SQLITE_IOERR_WRITE)
    code = CM_STORE_ERROR_FULL;  /* SQLite says SQLITE_FULL for ENOSPC only: a quota or
                                  * size limit (EDQUOT, EFBIG) fails the write instead */

  if (code == CM_STORE_ERROR_CORRUPT)
    g_set_error (error, CM_STORE_ERROR, code,
                 "The cost database is damaged (%s: %s). Your transcripts are not affected: "
                 "rebuild the database from them with “costmeter-cli rebuild”.",
                 what, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else if (code == CM_STORE_ERROR_FULL)
    g_set_error (error, CM_STORE_ERROR, code,
                 "The disk is full (%s). Nothing was lost; free some space and scan again.",
                 what);
  else
    g_set_error (error, CM_STORE_ERROR, code, "Database error (%s): %s",
                 what, db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));

  return FALSE;
}

gboolean
cm_sqlite_exec (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, db, rc, "exec");

  return TRUE;
}

gboolean
cm_sqlite_query_int (sqlite3     *db,
           const char  *sql,
           gint64      *out,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, db, rc, "prepare");

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out = 0;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, db, rc, "query");

  return TRUE;
}

/* The write connection keeps a large page cache (scans update the indexes
 * everywhere); readers keep a small one: what they read repeatedly is the
 * rollup, and the kernel's page cache holds the file anyway. */
#define WRITER_CACHE_KB 32000
#define READER_CACHE_KB 4000

static sqlite3 *
open_connection_with (const char  *path,
                      int          open_flags,
                      int          cache_kb,
                      GError     **error)
{
  g_autofree char *cache_sql = NULL;
  sqlite3 *db = NULL;
  int flags = open_flags | SQLITE_OPEN_NOMUTEX;
  int rc = sqlite3_open_v2 (path, &db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      cm_sqlite_set_error (error, db, rc, path);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, 10000);

  if (!cm_sqlite_exec (db,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA temp_store = MEMORY;",
                 error))
    {
      sqlite3_close (db);
      return NULL;
    }

  cache_sql = g_strdup_printf ("PRAGMA cache_size = -%d;", cache_kb);
  if (!cm_sqlite_exec (db, cache_sql, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

static sqlite3 *
open_connection (const char  *path,
                 gboolean     create,
                 int          cache_kb,
                 GError     **error)
{
  return open_connection_with (path, SQLITE_OPEN_READWRITE | (create ? SQLITE_OPEN_CREATE : 0), cache_kb, error);
}

/* A new database file is private: owner only, whatever the umask. One that
 * exists keeps the mode its owner gave it (a chmod 400 stays 400). */
static void
create_private_file (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
  struct stat st;

  if (fd >= 0)
    {
      fchmod (fd, 0600);
      close (fd);
    }
  else if (errno == EEXIST && g_stat (path, &st) == 0 && S_ISREG (st.st_mode) && st.st_size == 0)
    {
      /* Not made here: what a crash, a full disk or a bad copy left? */
      g_message ("The database %s was empty (0 bytes): starting a new one. If it should hold your "
                 "history, restore it from a backup (transcripts still on disk are read again).", path);
    }
}

int
cm_store_lock (const char  *path,
               gboolean     exclusive,
               GError     **error)
{
  g_autofree char *real = realpath (path, NULL);  /* a symlinked database's lock is its target's */
  g_autofree char *lock_path = g_strconcat (real != NULL ? real : path, ".lock", NULL);
  int fd = g_open (lock_path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

  if (fd < 0 && (errno == EACCES || errno == EROFS))
    fd = g_open (lock_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, 0);
  if (fd < 0)
    {
      int saved = errno;

      /* A read-only folder with no lock in it: nobody can rebuild there
       * either, so there is nothing to coordinate with. */
      if (!exclusive && (saved == EACCES || saved == EROFS))
        return -2;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot open %s: %s", lock_path, g_strerror (saved));
      return -1;
    }

  if (flock (fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0)
    {
      int saved = errno;

      close (fd);
      if (saved == EWOULDBLOCK)
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_BUSY,
                     exclusive ? "%s is in use by another CostMeter (the app, a scan or the status line); "
                                 "quit it and try again."
                               : "%s is being rebuilt by another costmeter-cli; try again when it has finished.",
                     path);
      else
        g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                     "Cannot lock %s: %s", lock_path, g_strerror (saved));
      return -1;
    }

  return fd;
}

static void
cm_store_finalize (GObject *object)
{
  CmStore *self = (CmStore *) object;
  sqlite3 *reader;

  g_clear_pointer (&self->upsert_message, sqlite3_finalize);
  g_clear_pointer (&self->upsert_file, sqlite3_finalize);
  g_clear_pointer (&self->replays, cm_replays_free);
  g_clear_pointer (&self->rollups, cm_rollup_writer_free);
  g_clear_pointer (&self->db, sqlite3_close);
  while ((reader = g_async_queue_try_pop (self->readers)) != NULL)
    if (!self->light)
      sqlite3_close (reader);
  g_clear_pointer (&self->readers, g_async_queue_unref);
  g_clear_pointer (&self->user_ids, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_mutex_clear (&self->write_lock);

  G_OBJECT_CLASS (cm_store_parent_class)->finalize (object);
}

static void
cm_store_class_init (CmStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_store_finalize;

  /**
   * CmStore::changed:
   *
   * Stored messages, sources or prices changed; views re-query.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cm_store_init (CmStore *self)
{
  static gsize configured;

  /* SQLite's allocation statistics take a global mutex on every malloc;
   * nothing reads them. Must happen before the library initialises. */
  if (g_once_init_enter (&configured))
    {
      sqlite3_config (SQLITE_CONFIG_MEMSTATUS, 0);
      g_once_init_leave (&configured, 1);
    }

  g_mutex_init (&self->write_lock);
  self->lock_fd = -1;
  self->readers = g_async_queue_new ();
  self->user_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
}

char *
cm_store_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "costmeter", "costmeter.db", NULL);
}

CmStore *
cm_store_open (const char  *path,
               GError     **error)
{
  g_autoptr(CmStore) self = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the folder %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  self = g_object_new (CM_TYPE_STORE, NULL);
  self->lock_fd = cm_store_lock (path, FALSE, error);
  if (self->lock_fd == -1)
    return NULL;
  create_private_file (path);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();

  self->db = open_connection (path, TRUE, WRITER_CACHE_KB, error);
  if (self->db == NULL)
    return NULL;

  /* Bulk scans write many pages: checkpoint less often (the scanner folds
   * the log in at the end of a large scan). */
  sqlite3_exec (self->db, "PRAGMA wal_autocheckpoint = " G_STRINGIFY (CM_STORE_AUTOCHECKPOINT), NULL, NULL, NULL);

  if (!cm_store_migrate (self->db, error))
    return NULL;

  if (!cm_store_prepare_writes (self, error))
    return NULL;

  /* The WAL and shared-memory files take the database's mode: 0600 for a
   * file made here, whatever its owner chose for one that was there. */
  return g_steal_pointer (&self);
}

/**
 * cm_store_open_light:
 * @writable: %FALSE to open the file read-only
 *
 * A database that exists and is at this version's schema, with one
 * connection for everything, no migration and no prepared writes: for the
 * status line, which runs on every refresh and reads a few rows (and, if
 * @writable, records a plan observation). Fails when the file is missing,
 * older or newer: cm_store_open () then does what is needed.
 */
CmStore *
cm_store_open_light (const char  *path,
                     gboolean     writable,
                     GError     **error)
{
  g_autoptr(CmStore) self = NULL;
  gint64 version = 0;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "No database at %s", path);
      return NULL;
    }

  self = g_object_new (CM_TYPE_STORE, NULL);
  self->lock_fd = cm_store_lock (path, FALSE, error);
  if (self->lock_fd == -1)
    return NULL;
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();
  self->light = TRUE;

  self->db = open_connection_with (path, writable ? SQLITE_OPEN_READWRITE : SQLITE_OPEN_READONLY,
                                   READER_CACHE_KB, error);
  if (self->db == NULL)
    return NULL;
  /* Pages straight from the kernel's page cache, without a copy each. */
  sqlite3_exec (self->db, "PRAGMA mmap_size = 1073741824", NULL, NULL, NULL);
  if (!cm_sqlite_query_int (self->db, "PRAGMA user_version", &version, error))
    return NULL;
  if (version != cm_store_schema_version ())
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
                   "%s is at schema %" G_GINT64_FORMAT ", not %d", path, version, cm_store_schema_version ());
      return NULL;
    }
  g_async_queue_push (self->readers, self->db);

  return g_steal_pointer (&self);
}

const char *
cm_store_get_path (CmStore *self)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return self->path;
}

gboolean
cm_store_delete_files (const char  *path,
                       GError     **error)
{
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal", ".lock" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, suffixes[i], NULL);

      if (g_unlink (file) != 0 && errno != ENOENT)
        {
          int saved = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                       "Cannot remove %s: %s", file, g_strerror (saved));
          return FALSE;
        }
    }

  return TRUE;
}

/* --- change notification --- */

static gboolean
emit_changed_cb (gpointer data)
{
  CmStore *self = data;

  g_atomic_int_set (&self->changed_pending, 0);
  g_signal_emit (self, signals[CHANGED], 0);

  return G_SOURCE_REMOVE;
}

void
cm_store_emit_changed (CmStore *self)
{
  g_return_if_fail (CM_IS_STORE (self));

  g_atomic_pointer_add (&self->generation, 1);

  /* Coalesce bursts into one emission on the owner's context. */
  if (g_atomic_int_compare_and_exchange (&self->changed_pending, 0, 1))
    {
      GSource *source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, emit_changed_cb, g_object_ref (self), g_object_unref);
      g_source_set_static_name (source, "[costmeter] store changed");
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

guint64
cm_store_get_generation (CmStore *self)
{
  g_return_val_if_fail (CM_IS_STORE (self), 0);

  return (guint64) g_atomic_pointer_get (&self->generation);
}

/* --- read connections --- */

sqlite3 *
cm_store_take_reader (CmStore  *self,
             GError  **error)
{
  sqlite3 *db = g_async_queue_try_pop (self->readers);

  if (db != NULL)
    return db;
  if (self->light)
    {
      /* One connection, one thread. */
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED, "The status line's connection is in use");
      return NULL;
    }

  db = open_connection (self->path, FALSE, READER_CACHE_KB, error);
  if (db != NULL && self->keep_log)
    sqlite3_db_config (db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  return db;
}

void
cm_store_set_quick_exit (CmStore *self)
{
  g_return_if_fail (CM_IS_STORE (self));

  /* The last connection to close folds the log into the database and syncs
   * the disk twice: several milliseconds a status line cannot spare. The
   * next writer's automatic checkpoint does it instead. */
  self->keep_log = TRUE;
  g_mutex_lock (&self->write_lock);
  sqlite3_db_config (self->db, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);
  g_mutex_unlock (&self->write_lock);
}

void
cm_store_give_reader (CmStore *self,
             sqlite3 *db)
{
  if (db == NULL)
    return;

  /* Keep a few; more readers than that are rare and cheap to reopen. */
  if (g_async_queue_length (self->readers) >= 4)
    sqlite3_close (db);
  else
    g_async_queue_push (self->readers, db);
}

gboolean
cm_store_finish_read (CmStore      *self,
             sqlite3      *db,
             sqlite3_stmt *stmt,
             int           rc,
             const char   *what,
             GError      **error)
{
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    cm_sqlite_set_error (error, db, rc, what);

  cm_store_give_reader (self, db);

  return rc == SQLITE_DONE;
}

gboolean
cm_store_run_write (CmStore     *self,
           const char  *sql,
           GError     **error,
           const char  *fmt,
           ...)
{
  sqlite3_stmt *stmt = NULL;
  va_list args;
  int rc;

  g_mutex_lock (&self->write_lock);

  rc = sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      g_mutex_unlock (&self->write_lock);
      return cm_sqlite_set_error (error, self->db, rc, "prepare");
    }

  va_start (args, fmt);
  for (int i = 0; fmt[i] != '\0'; i++)
    {
      if (fmt[i] == 's')
        {
          const char *s = va_arg (args, const char *);
          if (s != NULL)
            sqlite3_bind_text (stmt, i + 1, s, -1, SQLITE_TRANSIENT);
          else
            sqlite3_bind_null (stmt, i + 1);
        }
      else
        sqlite3_bind_int64 (stmt, i + 1, va_arg (args, gint64));
    }
  va_end (args);

  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  g_mutex_unlock (&self->write_lock);

  if (rc != SQLITE_DONE && rc != SQLITE_ROW)
    return cm_sqlite_set_error (error, self->db, rc, "write");

  return TRUE;
}
