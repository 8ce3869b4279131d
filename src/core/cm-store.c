/* cm-store.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-store-private.h"

#define SCHEMA_VERSION 2

struct _CmStore
{
  GObject       parent_instance;

  char         *path;
  GMainContext *context;       /* where "changed" is emitted */

  GMutex        write_lock;
  sqlite3      *db;            /* the write connection, under write_lock */
  sqlite3_stmt *upsert_message;
  sqlite3_stmt *upsert_file;
  sqlite3_stmt *note_message_id;
  GHashTable   *user_ids;      /* email -> id, under write_lock */
  gint64        changes_at_begin; /* sqlite3_total_changes () then, under write_lock */

  GAsyncQueue  *readers;       /* idle read connections */

  guint64       generation;
  gint          changed_pending;
};

G_DEFINE_FINAL_TYPE (CmStore, cm_store, G_TYPE_OBJECT)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_QUARK (cm-store-error-quark, cm_store_error)

/* The rollup row a message counts in; NULL user and project become 0 and ''
 * so that the unique key holds. */
#define ROLLUP_KEY(R) \
  " ts = " R ".ts - " R ".ts % 900000 AND model = " R ".model AND backend = " R ".backend" \
  " AND user_id = ifnull (" R ".user_id, 0) AND project = ifnull (" R ".project, '')"

#define ROLLUP_SUMS \
  "input, output, cw5m, cw1h, cr, ws, estimated, cost, c_input, c_output, c_cw5m, c_cw1h," \
  " c_cr, c_ws"

/* T: the table; K: its leading key columns, V: their values (empty for the
 * rollup, the session for the session rollup). */
#define ROLLUP_ADD_TO(T, K, V) \
  " INSERT INTO " T " (" K "ts, model, backend, user_id, project, messages, unpriced, " ROLLUP_SUMS \
  ", first_ms, last_ms) VALUES (" V "NEW.ts - NEW.ts % 900000, NEW.model, NEW.backend," \
  " ifnull (NEW.user_id, 0), ifnull (NEW.project, ''), 1, NEW.priced = 0, NEW.input, NEW.output," \
  " NEW.cw5m, NEW.cw1h, NEW.cr, NEW.ws, NEW.estimated, NEW.cost, NEW.c_input, NEW.c_output," \
  " NEW.c_cw5m, NEW.c_cw1h, NEW.c_cr, NEW.c_ws, NEW.ts, NEW.ts)" \
  " ON CONFLICT (" K "ts, model, backend, user_id, project) DO UPDATE SET messages = messages + 1," \
  " unpriced = unpriced + excluded.unpriced, input = input + excluded.input," \
  " output = output + excluded.output, cw5m = cw5m + excluded.cw5m," \
  " cw1h = cw1h + excluded.cw1h, cr = cr + excluded.cr, ws = ws + excluded.ws," \
  " estimated = estimated + excluded.estimated, cost = cost + excluded.cost," \
  " c_input = c_input + excluded.c_input, c_output = c_output + excluded.c_output," \
  " c_cw5m = c_cw5m + excluded.c_cw5m, c_cw1h = c_cw1h + excluded.c_cw1h," \
  " c_cr = c_cr + excluded.c_cr, c_ws = c_ws + excluded.c_ws," \
  " first_ms = min (first_ms, excluded.first_ms), last_ms = max (last_ms, excluded.last_ms);"

#define ROLLUP_SUB_FROM(T, KEY) \
  " UPDATE " T " SET messages = messages - 1, unpriced = unpriced - (OLD.priced = 0)," \
  " input = input - OLD.input, output = output - OLD.output, cw5m = cw5m - OLD.cw5m," \
  " cw1h = cw1h - OLD.cw1h, cr = cr - OLD.cr, ws = ws - OLD.ws," \
  " estimated = estimated - OLD.estimated, cost = cost - OLD.cost," \
  " c_input = c_input - OLD.c_input, c_output = c_output - OLD.c_output," \
  " c_cw5m = c_cw5m - OLD.c_cw5m, c_cw1h = c_cw1h - OLD.c_cw1h, c_cr = c_cr - OLD.c_cr," \
  " c_ws = c_ws - OLD.c_ws WHERE" KEY ";" \
  " DELETE FROM " T " WHERE messages = 0 AND" KEY ";"

#define ROLLUP_ADD ROLLUP_ADD_TO ("rollup", "", "")
#define ROLLUP_SUB ROLLUP_SUB_FROM ("rollup", ROLLUP_KEY ("OLD"))

/* A message without a session counts under ''. */
#define SESSION_ROLLUP_ADD ROLLUP_ADD_TO ("session_rollup", "session_id, ", "ifnull (NEW.session_id, ''), ")
#define SESSION_ROLLUP_SUB \
  ROLLUP_SUB_FROM ("session_rollup", " session_id = ifnull (OLD.session_id, '') AND" ROLLUP_KEY ("OLD"))

/* Each entry upgrades the schema by one version; never edit a shipped one. */
static const char *migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE sources ("
  "  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, owner TEXT, detected_owner TEXT,"
  "  is_default INTEGER NOT NULL DEFAULT 0, enabled INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
  "CREATE TABLE files ("
  "  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, source_id INTEGER,"
  "  dev INTEGER NOT NULL DEFAULT 0, ino INTEGER NOT NULL DEFAULT 0,"
  "  size INTEGER NOT NULL DEFAULT 0, mtime_us INTEGER NOT NULL DEFAULT 0,"
  "  offset INTEGER NOT NULL DEFAULT 0, broken_lines INTEGER NOT NULL DEFAULT 0,"
  "  synthetic_lines INTEGER NOT NULL DEFAULT 0, gone INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY, dkey TEXT NOT NULL UNIQUE, message_id TEXT, request_id TEXT,"
  "  uuid TEXT, file_id INTEGER, user_id INTEGER, session_id TEXT, project TEXT,"
  "  ts INTEGER NOT NULL, model_raw TEXT, model TEXT NOT NULL, backend INTEGER NOT NULL,"
  "  sidechain INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL,"
  "  cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL, cr INTEGER NOT NULL, ws INTEGER NOT NULL,"
  "  priced INTEGER NOT NULL, estimated INTEGER NOT NULL, long_ctx INTEGER NOT NULL,"
  "  c_input INTEGER NOT NULL, c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL,"
  "  c_cw1h INTEGER NOT NULL, c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL,"
  "  cost INTEGER NOT NULL);"
  "CREATE INDEX messages_session ON messages (session_id);"
  /* Sums per quarter hour (every zone's midnight falls on one), model,
   * backend, user and project: reports read this, not the messages. Kept
   * exact by triggers through inserts, replacements, re-pricing and
   * re-attribution. */
  "CREATE TABLE rollup ("
  "  ts INTEGER NOT NULL, model TEXT NOT NULL, backend INTEGER NOT NULL, user_id INTEGER NOT NULL,"
  "  project TEXT NOT NULL, messages INTEGER NOT NULL, unpriced INTEGER NOT NULL,"
  "  input INTEGER NOT NULL, output INTEGER NOT NULL, cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL,"
  "  cr INTEGER NOT NULL, ws INTEGER NOT NULL, estimated INTEGER NOT NULL, cost INTEGER NOT NULL,"
  "  c_input INTEGER NOT NULL, c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL,"
  "  c_cw1h INTEGER NOT NULL, c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL,"
  "  first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,"
  "  UNIQUE (ts, model, backend, user_id, project));"
  "CREATE TRIGGER messages_rollup_insert AFTER INSERT ON messages BEGIN" ROLLUP_ADD "END;"
  "CREATE TRIGGER messages_rollup_delete AFTER DELETE ON messages BEGIN" ROLLUP_SUB "END;"
  "CREATE TRIGGER messages_rollup_update AFTER UPDATE ON messages BEGIN"
  ROLLUP_SUB ROLLUP_ADD "END;"
  "CREATE TABLE ratelimit_observations ("
  "  id INTEGER PRIMARY KEY, observed_ms INTEGER NOT NULL, model TEXT NOT NULL,"
  "  organization_id TEXT, kind TEXT NOT NULL, lim INTEGER NOT NULL, remaining INTEGER NOT NULL,"
  "  reset_ms INTEGER NOT NULL, retry_after_s INTEGER NOT NULL, http_status INTEGER NOT NULL);"
  "CREATE INDEX ratelimit_model_kind ON ratelimit_observations (model, kind);",
  /* 1 -> 2: the same sums per session too, so that the sessions list and its
   * cache read a few rows per session instead of every message. */
  "CREATE TABLE session_rollup ("
  "  session_id TEXT NOT NULL, ts INTEGER NOT NULL, model TEXT NOT NULL, backend INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL, project TEXT NOT NULL, messages INTEGER NOT NULL,"
  "  unpriced INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL,"
  "  cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL, cr INTEGER NOT NULL, ws INTEGER NOT NULL,"
  "  estimated INTEGER NOT NULL, cost INTEGER NOT NULL, c_input INTEGER NOT NULL,"
  "  c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL, c_cw1h INTEGER NOT NULL,"
  "  c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL, first_ms INTEGER NOT NULL,"
  "  last_ms INTEGER NOT NULL,"
  "  UNIQUE (session_id, ts, model, backend, user_id, project));"
  "INSERT INTO session_rollup SELECT ifnull (session_id, ''), ts - ts % 900000, model, backend,"
  " ifnull (user_id, 0), ifnull (project, ''), count (*), sum (priced = 0), sum (input),"
  " sum (output), sum (cw5m), sum (cw1h), sum (cr), sum (ws), sum (estimated), sum (cost),"
  " sum (c_input), sum (c_output), sum (c_cw5m), sum (c_cw1h), sum (c_cr), sum (c_ws),"
  " min (ts), max (ts) FROM messages GROUP BY 1, 2, 3, 4, 5, 6;"
  "CREATE TRIGGER messages_session_rollup_insert AFTER INSERT ON messages BEGIN" SESSION_ROLLUP_ADD "END;"
  "CREATE TRIGGER messages_session_rollup_delete AFTER DELETE ON messages BEGIN" SESSION_ROLLUP_SUB "END;"
  "CREATE TRIGGER messages_session_rollup_update AFTER UPDATE ON messages BEGIN"
  SESSION_ROLLUP_SUB SESSION_ROLLUP_ADD "END;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCHEMA_VERSION);

#define MESSAGE_COLUMNS \
  "dkey, message_id, request_id, uuid, file_id, user_id, session_id, project, ts, model_raw," \
  " model, backend, sidechain, input, output, cw5m, cw1h, cr, ws, priced, estimated, long_ctx," \
  " c_input, c_output, c_cw5m, c_cw1h, c_cr, c_ws, cost"

/* The better copy of a message wins; the order matches cm_record_is_better(). */
static const char upsert_message_sql[] =
  "INSERT INTO messages (" MESSAGE_COLUMNS ") VALUES "
  "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20,"
  " ?21, ?22, ?23, ?24, ?25, ?26, ?27, ?28, ?29) "
  "ON CONFLICT (dkey) DO UPDATE SET message_id = excluded.message_id,"
  " request_id = excluded.request_id, uuid = excluded.uuid, file_id = excluded.file_id,"
  " user_id = excluded.user_id, session_id = excluded.session_id, project = excluded.project,"
  " ts = excluded.ts, model_raw = excluded.model_raw, model = excluded.model,"
  " backend = excluded.backend, sidechain = excluded.sidechain, input = excluded.input,"
  " output = excluded.output, cw5m = excluded.cw5m, cw1h = excluded.cw1h, cr = excluded.cr,"
  " ws = excluded.ws, priced = excluded.priced, estimated = excluded.estimated,"
  " long_ctx = excluded.long_ctx, c_input = excluded.c_input, c_output = excluded.c_output,"
  " c_cw5m = excluded.c_cw5m, c_cw1h = excluded.c_cw1h, c_cr = excluded.c_cr,"
  " c_ws = excluded.c_ws, cost = excluded.cost "
  "WHERE excluded.output > messages.output"
  " OR (excluded.output = messages.output AND (excluded.sidechain < messages.sidechain"
  "  OR (excluded.sidechain = messages.sidechain AND"
  "   (excluded.input + excluded.cw5m + excluded.cw1h + excluded.cr >"
  "     messages.input + messages.cw5m + messages.cw1h + messages.cr"
  "    OR (excluded.input + excluded.cw5m + excluded.cw1h + excluded.cr ="
  "         messages.input + messages.cw5m + messages.cw1h + messages.cr"
  "     AND (excluded.ts < messages.ts OR (excluded.ts = messages.ts"
  "      AND coalesce (excluded.uuid, '') < coalesce (messages.uuid, ''))))))))";

static const char upsert_file_sql[] =
  "INSERT INTO files (path, source_id, dev, ino, size, mtime_us, offset, broken_lines,"
  " synthetic_lines, gone) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) "
  "ON CONFLICT (path) DO UPDATE SET source_id = excluded.source_id, dev = excluded.dev,"
  " ino = excluded.ino, size = excluded.size, mtime_us = excluded.mtime_us,"
  " offset = excluded.offset, broken_lines = excluded.broken_lines,"
  " synthetic_lines = excluded.synthetic_lines, gone = excluded.gone "
  "RETURNING id";

static gboolean
set_sqlite_error (GError     **error,
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

static gboolean
exec_sql (sqlite3     *db,
          const char  *sql,
          GError     **error)
{
  int rc = sqlite3_exec (db, sql, NULL, NULL, NULL);

  if (rc != SQLITE_OK)
    return set_sqlite_error (error, db, rc, "exec");

  return TRUE;
}

static gboolean
query_int (sqlite3     *db,
           const char  *sql,
           gint64      *out,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    return set_sqlite_error (error, db, rc, "prepare");

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = sqlite3_column_int64 (stmt, 0);
  else if (rc == SQLITE_DONE)
    *out = 0;
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return set_sqlite_error (error, db, rc, "query");

  return TRUE;
}

/* The write connection keeps a large page cache (scans update the indexes
 * everywhere); readers keep a small one: what they read repeatedly is the
 * rollup, and the kernel's page cache holds the file anyway. */
#define WRITER_CACHE_KB 32000
#define READER_CACHE_KB 4000

static sqlite3 *
open_connection (const char  *path,
                 gboolean     create,
                 int          cache_kb,
                 GError     **error)
{
  g_autofree char *cache_sql = NULL;
  sqlite3 *db = NULL;
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | (create ? SQLITE_OPEN_CREATE : 0);
  int rc = sqlite3_open_v2 (path, &db, flags, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, db, rc, path);
      sqlite3_close (db);
      return NULL;
    }

  sqlite3_extended_result_codes (db, TRUE);
  sqlite3_busy_timeout (db, 10000);

  if (!exec_sql (db,
                 "PRAGMA journal_mode = WAL;"
                 "PRAGMA synchronous = NORMAL;"
                 "PRAGMA temp_store = MEMORY;",
                 error))
    {
      sqlite3_close (db);
      return NULL;
    }

  cache_sql = g_strdup_printf ("PRAGMA cache_size = -%d;", cache_kb);
  if (!exec_sql (db, cache_sql, error))
    {
      sqlite3_close (db);
      return NULL;
    }

  return db;
}

static gboolean
migrate (sqlite3     *db,
         GError     **error)
{
  gint64 version = 0;

  if (!query_int (db, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_TOO_NEW,
                   "The cost database was written by a newer CostMeter (schema %" G_GINT64_FORMAT
                   ", this one knows %d). Update CostMeter or rebuild the database.",
                   version, SCHEMA_VERSION);
      return FALSE;
    }

  for (gint64 v = version; v < SCHEMA_VERSION; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v + 1);

      if (!exec_sql (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!exec_sql (db, migrations[v], error) || !exec_sql (db, bump, error))
        {
          exec_sql (db, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!exec_sql (db, "COMMIT", error))
        return FALSE;
    }

  return TRUE;
}

static void
ensure_private_file (const char *path)
{
  int fd = g_open (path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);

  if (fd >= 0)
    {
      /* Costs and e-mails are private: owner only, whatever the umask. */
      fchmod (fd, 0600);
      close (fd);
    }
}

static void
cm_store_finalize (GObject *object)
{
  CmStore *self = (CmStore *) object;
  sqlite3 *reader;

  g_clear_pointer (&self->upsert_message, sqlite3_finalize);
  g_clear_pointer (&self->upsert_file, sqlite3_finalize);
  g_clear_pointer (&self->note_message_id, sqlite3_finalize);
  g_clear_pointer (&self->db, sqlite3_close);
  while ((reader = g_async_queue_try_pop (self->readers)) != NULL)
    sqlite3_close (reader);
  g_clear_pointer (&self->readers, g_async_queue_unref);
  g_clear_pointer (&self->user_ids, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->path, g_free);
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
  int rc;

  g_return_val_if_fail (path != NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot create the folder %s: %s", dir, g_strerror (saved));
      return NULL;
    }

  ensure_private_file (path);

  self = g_object_new (CM_TYPE_STORE, NULL);
  self->path = g_strdup (path);
  self->context = g_main_context_ref_thread_default ();

  self->db = open_connection (path, TRUE, WRITER_CACHE_KB, error);
  if (self->db == NULL)
    return NULL;

  /* Bulk scans write many pages: checkpoint less often (the scanner folds
   * the log in at the end of a large scan). */
  sqlite3_exec (self->db, "PRAGMA wal_autocheckpoint = 8192", NULL, NULL, NULL);

  if (!migrate (self->db, error))
    return NULL;

  rc = sqlite3_prepare_v3 (self->db, upsert_message_sql, -1, SQLITE_PREPARE_PERSISTENT,
                           &self->upsert_message, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db, upsert_file_sql, -1, SQLITE_PREPARE_PERSISTENT,
                             &self->upsert_file, NULL);
  /* Message ids touched in the open transaction, for the sidechain rule. */
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (self->db, "CREATE TEMP TABLE batch_ids (message_id TEXT PRIMARY KEY)",
                       NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v3 (self->db,
                             "INSERT OR IGNORE INTO temp.batch_ids (message_id) VALUES (?1)",
                             -1, SQLITE_PREPARE_PERSISTENT, &self->note_message_id, NULL);
  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, self->db, rc, "prepare");
      return NULL;
    }

  /* The WAL and shared-memory files inherit the database's mode. */
  g_chmod (path, 0600);

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
  static const char *suffixes[] = { "", "-wal", "-shm", "-journal" };

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

static sqlite3 *
take_reader (CmStore  *self,
             GError  **error)
{
  sqlite3 *db = g_async_queue_try_pop (self->readers);

  if (db != NULL)
    return db;

  return open_connection (self->path, FALSE, READER_CACHE_KB, error);
}

static void
give_reader (CmStore *self,
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

/* Ends a row loop on a read connection: returns the connection to the pool
 * and turns anything but SQLITE_DONE into @error. */
static gboolean
finish_read (CmStore      *self,
             sqlite3      *db,
             sqlite3_stmt *stmt,
             int           rc,
             const char   *what,
             GError      **error)
{
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    set_sqlite_error (error, db, rc, what);

  give_reader (self, db);

  return rc == SQLITE_DONE;
}

/* --- sources --- */

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

static gboolean
run_write (CmStore     *self,
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
      return set_sqlite_error (error, self->db, rc, "prepare");
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
    return set_sqlite_error (error, self->db, rc, "write");

  return TRUE;
}

static char *
source_key (const char *path)
{
  return g_canonicalize_filename (path, NULL);
}

/* Messages belong to the owner of the source their file came from: the
 * explicit owner, else the detected one, else nobody (Unattributed). */
static const char reassign_users_sql[] =
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

  if (owner != NULL && !run_write (self, "INSERT OR IGNORE INTO users (email) VALUES (?1)",
                                   error, "s", owner))
    return FALSE;

  return run_write (self, reassign_users_sql, error, "i", source_id);
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

  if (!run_write (self,
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
  if (!run_write (self, "DELETE FROM sources WHERE path = ?1", error, "s", key))
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

  if (!run_write (self, "UPDATE sources SET owner = ?1 WHERE id = ?2", error, "si", owner, id) ||
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
  if (!run_write (self, "UPDATE sources SET enabled = ?1 WHERE path = ?2", error, "is",
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

  db = take_reader (self, error);
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
  if (!finish_read (self, db, stmt, rc, "sources", error))
    return NULL;

  return g_steal_pointer (&sources);
}

/* --- writing (scanner) --- */

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
  "SELECT id, path, source_id, dev, ino, size, mtime_us, offset, broken_lines, synthetic_lines, gone FROM files"

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

  db = take_reader (self, error);
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
  give_reader (self, db);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, NULL, rc, "files"), NULL;

  return g_steal_pointer (&states);
}

/**
 * cm_store_foreach_file_state:
 * @dir: a folder
 *
 * Calls @func for the state of every file below @dir, without keeping
 * them all: the state and its path are valid during the call only. @func
 * must not use the store.
 */
gboolean
cm_store_foreach_file_state (CmStore          *self,
                             const char       *dir,
                             CmFileStateFunc   func,
                             gpointer          user_data,
                             GError          **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  g_return_val_if_fail (dir != NULL && func != NULL, FALSE);

  db = take_reader (self, error);
  if (db == NULL)
    return FALSE;

  rc = sqlite3_prepare_v2 (db, FILE_STATE_COLUMNS " WHERE path > ?1 || '/' AND path < ?1 || '0'", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, dir, -1, SQLITE_STATIC);
      rc = read_file_states (stmt, func, user_data);
    }
  sqlite3_finalize (stmt);
  give_reader (self, db);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, NULL, rc, "files");

  return TRUE;
}

gboolean
cm_store_write_begin (CmStore  *self,
                      GError  **error)
{
  g_mutex_lock (&self->write_lock);

  if (!exec_sql (self->db, "BEGIN IMMEDIATE", error))
    {
      g_mutex_unlock (&self->write_lock);
      return FALSE;
    }
  self->changes_at_begin = sqlite3_total_changes64 (self->db);

  return TRUE;
}

/* A sidechain replay (/btw) repeats a main-thread message under a new request
 * id: when both exist, only the main-thread copy counts. */
static const char drop_sidechain_replays_sql[] =
  /* Every copy of one message id sits in one range of the dedup key index
   * ("m:" id U+001F request), so no index on message_id is needed; the
   * unary + keeps the planner from building a sidechain index per commit. */
  "DELETE FROM messages WHERE dkey IN ("
  "  SELECT m.dkey FROM temp.batch_ids b CROSS JOIN messages m"
  "   ON m.dkey >= 'm:' || b.message_id || char (31) AND m.dkey < 'm:' || b.message_id || char (32)"
  "  WHERE +m.sidechain = 1 AND EXISTS ("
  "   SELECT 1 FROM messages k WHERE k.dkey >= 'm:' || b.message_id || char (31)"
  "    AND k.dkey < 'm:' || b.message_id || char (32) AND +k.sidechain = 0));"
  "DELETE FROM temp.batch_ids;";

gboolean
cm_store_write_commit (CmStore  *self,
                       GError  **error)
{
  gboolean ok = exec_sql (self->db, drop_sidechain_replays_sql, error) &&
                exec_sql (self->db, "COMMIT", error);

  if (!ok)
    {
      sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
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
  sqlite3_exec (self->db, "DELETE FROM temp.batch_ids", NULL, NULL, NULL);
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

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      state->id = sqlite3_column_int64 (stmt, 0);
      rc = sqlite3_step (stmt);
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, "file state");

  return TRUE;
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
      set_sqlite_error (error, self->db, rc, "user");
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
    return set_sqlite_error (error, self->db, rc, "source owner");

  if (changed)
    {
      /* Already-stored messages of this source follow the new identity. */
      if (detected_owner != NULL && cm_store_write_user (self, detected_owner, error) < 0)
        return FALSE;

      rc = sqlite3_prepare_v2 (self->db, reassign_users_sql, -1, &stmt, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (stmt, 1, source_id);
          rc = sqlite3_step (stmt);
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return set_sqlite_error (error, self->db, rc, "reassign");
    }

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

  rc = sqlite3_step (stmt);
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  if (rc != SQLITE_DONE)
    return set_sqlite_error (error, self->db, rc, "message");

  if (record->message_id != NULL)
    {
      stmt = self->note_message_id;
      sqlite3_bind_text (stmt, 1, record->message_id, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
      if (rc != SQLITE_DONE)
        return set_sqlite_error (error, self->db, rc, "message id");
    }

  return TRUE;
}

char *
cm_record_dedup_key (const CmRecord *record,
                     gint64          file_id,
                     gint64          offset)
{
  if (record->message_id != NULL)
    return g_strconcat ("m:", record->message_id, "\x1f",
                        record->request_id != NULL ? record->request_id : "", NULL);

  /* Lines without a message id are kept as they are; their own uuid (or
   * position) keeps a re-read from counting them twice. */
  if (record->uuid != NULL)
    return g_strconcat ("u:", record->uuid, NULL);

  return g_strdup_printf ("p:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, file_id, offset);
}

static gint64
prompt_tokens (const CmUsage *u)
{
  return u->input + u->cache_write_5m + u->cache_write_1h + u->cache_read;
}

gboolean
cm_record_is_better (const CmRecord *a,
                     const CmRecord *b)
{
  int c;

  if (a->usage.output != b->usage.output)
    return a->usage.output > b->usage.output;
  if (a->is_sidechain != b->is_sidechain)
    return !a->is_sidechain;
  if (prompt_tokens (&a->usage) != prompt_tokens (&b->usage))
    return prompt_tokens (&a->usage) > prompt_tokens (&b->usage);
  if (a->timestamp_ms != b->timestamp_ms)
    return a->timestamp_ms < b->timestamp_ms;

  c = g_strcmp0 (a->uuid != NULL ? a->uuid : "", b->uuid != NULL ? b->uuid : "");
  return c < 0;
}

/* --- pricing --- */

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

gint64
cm_store_reprice (CmStore    *self,
                  CmPricing  *pricing,
                  GError    **error)
{
  g_autofree char *stored = NULL;
  g_autoptr(GHashTable) canonical = NULL;
  const char *fingerprint;
  sqlite3_stmt *select = NULL;
  sqlite3_stmt *update = NULL;
  sqlite3_stmt *meta = NULL;
  gint64 count = 0;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), -1);
  g_return_val_if_fail (CM_IS_PRICING (pricing), -1);

  fingerprint = cm_pricing_get_fingerprint (pricing);

  if (!cm_store_write_begin (self, error))
    return -1;

  stored = get_meta (self->db, "pricing_fingerprint");
  if (g_strcmp0 (stored, fingerprint) == 0)
    {
      cm_store_write_rollback (self);
      return 0;
    }

  canonical = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  rc = sqlite3_prepare_v2 (self->db,
                           "SELECT id, model_raw, model, backend, input, output, cw5m, cw1h, cr, ws"
                           " FROM messages", -1, &select, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (self->db,
                             "UPDATE messages SET model = ?2, priced = ?3, estimated = ?4,"
                             " long_ctx = ?5, c_input = ?6, c_output = ?7, c_cw5m = ?8,"
                             " c_cw1h = ?9, c_cr = ?10, c_ws = ?11, cost = ?12 WHERE id = ?1"
                             /* Unchanged rows are left alone: every update runs
                              * both rollups' triggers. */
                             " AND (model IS NOT ?2 OR priced != ?3 OR estimated != ?4 OR long_ctx != ?5"
                             " OR c_input != ?6 OR c_output != ?7 OR c_cw5m != ?8 OR c_cw1h != ?9"
                             " OR c_cr != ?10 OR c_ws != ?11 OR cost != ?12)",
                             -1, &update, NULL);

  while (rc == SQLITE_OK && (rc = sqlite3_step (select)) == SQLITE_ROW)
    {
      const char *raw = (const char *) sqlite3_column_text (select, 1);
      const char *model;
      CmUsage usage;
      CmCost cost = { 0 };
      gboolean priced;
      CmBackend backend = sqlite3_column_int (select, 3);

      if (raw == NULL)
        raw = (const char *) sqlite3_column_text (select, 2);

      model = g_hash_table_lookup (canonical, raw);
      if (model == NULL)
        {
          char *c = cm_pricing_canonicalize_model (pricing, raw);
          g_hash_table_insert (canonical, g_strdup (raw), c);
          model = c;
        }

      usage.input = sqlite3_column_int64 (select, 4);
      usage.output = sqlite3_column_int64 (select, 5);
      usage.cache_write_5m = sqlite3_column_int64 (select, 6);
      usage.cache_write_1h = sqlite3_column_int64 (select, 7);
      usage.cache_read = sqlite3_column_int64 (select, 8);
      usage.web_search = sqlite3_column_int64 (select, 9);
      priced = cm_pricing_price (pricing, model, backend, &usage, &cost);

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
      if (rc != SQLITE_DONE)
        break;
      rc = SQLITE_OK;
      count += sqlite3_changes (self->db);
    }

  if (rc == SQLITE_DONE)
    {
      rc = sqlite3_prepare_v2 (self->db,
                               "INSERT OR REPLACE INTO meta (key, value) VALUES ('pricing_fingerprint', ?1)",
                               -1, &meta, NULL);
      if (rc == SQLITE_OK)
        {
          sqlite3_bind_text (meta, 1, fingerprint, -1, SQLITE_STATIC);
          rc = sqlite3_step (meta);
        }
    }

  sqlite3_finalize (select);
  sqlite3_finalize (update);
  sqlite3_finalize (meta);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, self->db, rc, "re-price");
      cm_store_write_rollback (self);
      return -1;
    }

  if (!cm_store_write_commit (self, error))
    return -1;

  if (count > 0)
    cm_store_emit_changed (self);

  return count;
}

/* --- queries --- */

static void
day_udf (sqlite3_context  *ctx,
         int               argc,
         sqlite3_value   **argv)
{
  sqlite3_result_int64 (ctx, cm_zone_cursor_day (sqlite3_user_data (ctx), sqlite3_value_int64 (argv[0])));
}

static void
month_udf (sqlite3_context  *ctx,
           int               argc,
           sqlite3_value   **argv)
{
  gint64 day = cm_zone_cursor_day (sqlite3_user_data (ctx), sqlite3_value_int64 (argv[0]));

  sqlite3_result_int64 (ctx, cm_day_number_month (day));
}

typedef struct
{
  GString   *where;
  GPtrArray *texts;   /* bound parameters, in order; NULL entries are ints */
  GArray    *ints;
} Params;

static void
params_init (Params *p)
{
  p->where = g_string_new (" WHERE 1");
  p->texts = g_ptr_array_new_with_free_func (g_free);
  p->ints = g_array_new (FALSE, TRUE, sizeof (gint64));
}

static void
params_clear (Params *p)
{
  g_string_free (p->where, TRUE);
  g_ptr_array_unref (p->texts);
  g_array_unref (p->ints);
}

static void
add_text (Params     *p,
          const char *clause,
          char       *text)
{
  gint64 zero = 0;

  g_string_append (p->where, clause);
  g_ptr_array_add (p->texts, text);
  g_array_append_val (p->ints, zero);
}

static void
add_int (Params     *p,
         const char *clause,
         gint64      value)
{
  g_string_append (p->where, clause);
  g_ptr_array_add (p->texts, NULL);
  g_array_append_val (p->ints, value);
}

static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* Every filter value is a bound parameter: nothing the user types is ever
 * pasted into SQL. */
static gboolean
build_where (const CmQueryFilter  *filter,
             CmZoneCursor         *zc,
             Params               *p,
             GError              **error)
{
  if (filter == NULL)
    return TRUE;

  if (!cm_query_filter_validate (filter, error))
    return FALSE;

  if (filter->since != NULL)
    add_int (p, " AND m.ts >= ?", cm_zone_cursor_midnight (zc, filter->since, 0));
  if (filter->until != NULL)
    add_int (p, " AND m.ts < ?", cm_zone_cursor_midnight (zc, filter->until, 1));
  if (filter->project != NULL && filter->project[0] != '\0')
    add_text (p, " AND instr (lower (coalesce (m.project, '')), lower (?)) > 0",
              g_strdup (filter->project));
  if (filter->models_set)
    add_text (p, " AND m.model IN (SELECT value FROM json_each (?))",
              strv_to_json ((const char * const *) filter->models));
  if (filter->backends_set)
    add_int (p, " AND ((1 << m.backend) & ?) != 0", filter->backends);
  if (filter->users_set)
    {
      gboolean unattributed = filter->users != NULL &&
                              g_strv_contains ((const char * const *) filter->users, CM_UNATTRIBUTED_KEY);

      add_text (p, " AND (m.user_id IN (SELECT id FROM users WHERE email IN"
                   " (SELECT value FROM json_each (?)))",
                strv_to_json ((const char * const *) filter->users));
      /* Messages keep NULL for nobody, the rollup 0. */
      g_string_append (p->where, unattributed ? " OR ifnull (m.user_id, 0) = 0)" : ")");
    }
  if (filter->session_id != NULL)
    add_text (p, " AND m.session_id = ?", g_strdup (filter->session_id));

  return TRUE;
}

static void
bind_params (sqlite3_stmt *stmt,
             Params       *p)
{
  for (guint i = 0; i < p->texts->len; i++)
    {
      const char *text = g_ptr_array_index (p->texts, i);

      if (text != NULL)
        sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, i + 1, g_array_index (p->ints, gint64, i));
    }
}

#define ROLLUP_TOTALS_COLUMNS \
  "sum (m.input), sum (m.output), sum (m.cw5m), sum (m.cw1h), sum (m.cr), sum (m.ws)," \
  " sum (m.messages), sum (m.unpriced), sum (m.estimated), sum (m.cost), sum (m.c_input)," \
  " sum (m.c_output), sum (m.c_cw5m), sum (m.c_cw1h), sum (m.c_cr), sum (m.c_ws)," \
  " min (m.first_ms), max (m.last_ms)"
#define N_TOTALS_COLUMNS 18

/* Reports never read the messages: both rollups cut time in quarter hours,
 * and every zone's midnight falls on one. */
static const char *
totals_source (const CmQueryFilter *filter,
               CmGroupBy            primary,
               CmGroupBy            secondary)
{
  if ((filter != NULL && filter->session_id != NULL) ||
      primary == CM_GROUP_SESSION || secondary == CM_GROUP_SESSION)
    return ROLLUP_TOTALS_COLUMNS " FROM session_rollup m";

  return ROLLUP_TOTALS_COLUMNS " FROM rollup m";
}

static void
read_totals (sqlite3_stmt *stmt,
             int           first,
             CmTotals     *t)
{
  gint64 *fields[] = {
    &t->input, &t->output, &t->cache_write_5m, &t->cache_write_1h, &t->cache_read,
    &t->web_search, &t->messages, &t->unpriced, &t->estimated, &t->cost, &t->cost_input,
    &t->cost_output, &t->cost_cache_write_5m, &t->cost_cache_write_1h, &t->cost_cache_read,
    &t->cost_web_search, &t->first_ms, &t->last_ms,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (fields) == N_TOTALS_COLUMNS);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = sqlite3_column_int64 (stmt, first + i);
}

typedef struct
{
  CmStore   *store;
  sqlite3   *db;
  CmZoneCursor zone;
  Params       params;
} Query;

static gboolean
query_begin (Query                *q,
             CmStore              *self,
             const CmQueryFilter  *filter,
             GError              **error)
{
  memset (q, 0, sizeof *q);
  q->store = self;
  cm_zone_cursor_init (&q->zone, filter);
  params_init (&q->params);

  if (!build_where (filter, &q->zone, &q->params, error))
    return FALSE;

  q->db = take_reader (self, error);
  if (q->db == NULL)
    return FALSE;

  sqlite3_create_function (q->db, "cm_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                           &q->zone, day_udf, NULL, NULL);
  sqlite3_create_function (q->db, "cm_month", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                           &q->zone, month_udf, NULL, NULL);

  return TRUE;
}

static void
query_end (Query *q)
{
  if (q->db != NULL)
    {
      /* The functions point into this stack frame. */
      sqlite3_create_function (q->db, "cm_day", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
      sqlite3_create_function (q->db, "cm_month", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
      give_reader (q->store, q->db);
    }
  params_clear (&q->params);
  cm_zone_cursor_clear (&q->zone);
}

static sqlite3_stmt *
query_prepare (Query       *q,
               const char  *sql,
               GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (q->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      set_sqlite_error (error, q->db, rc, "prepare query");
      return NULL;
    }

  bind_params (stmt, &q->params);

  return stmt;
}

gboolean
cm_store_query_totals (CmStore              *self,
                       const CmQueryFilter  *filter,
                       CmTotals             *totals,
                       GError              **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  Query q;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  memset (totals, 0, sizeof *totals);

  if (!query_begin (&q, self, filter, error))
    {
      query_end (&q);
      return FALSE;
    }

  sql = g_strconcat ("SELECT ", totals_source (filter, CM_GROUP_NONE, CM_GROUP_NONE),
                     q.params.where->str, NULL);
  stmt = query_prepare (&q, sql, error);
  if (stmt == NULL)
    {
      query_end (&q);
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    read_totals (stmt, 0, totals);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    set_sqlite_error (error, q.db, rc, "totals");

  query_end (&q);

  return rc == SQLITE_ROW;
}

static const char *
group_expression (CmGroupBy group)
{
  switch (group)
    {
    case CM_GROUP_DAY:     return "cm_day (m.ts)";
    case CM_GROUP_MONTH:   return "cm_month (m.ts)";
    case CM_GROUP_SESSION: return "m.session_id";
    case CM_GROUP_MODEL:   return "m.model";
    case CM_GROUP_BACKEND: return "m.backend";
    case CM_GROUP_USER:    return "m.user_id";
    case CM_GROUP_PROJECT: return "m.project";
    case CM_GROUP_NONE:
    default:               return "NULL";
    }
}

typedef struct
{
  GHashTable *emails;   /* user id -> e-mail */
} KeyContext;

static char *
group_key (KeyContext   *kc,
           sqlite3_stmt *stmt,
           int           column,
           CmGroupBy     group)
{
  gint64 v;

  if (group == CM_GROUP_NONE)
    return NULL;

  v = sqlite3_column_int64 (stmt, column);

  switch (group)
    {
    case CM_GROUP_DAY:
      return cm_day_number_format (v);

    case CM_GROUP_MONTH:
      return cm_month_number_format (v);

    case CM_GROUP_BACKEND:
      return g_strdup (cm_backend_to_string (v >= 0 && v < CM_N_BACKENDS ? v : CM_BACKEND_UNKNOWN));

    case CM_GROUP_USER:
      if (sqlite3_column_type (stmt, column) == SQLITE_NULL || v == 0)
        return g_strdup (CM_UNATTRIBUTED_KEY);
      return g_strdup (g_hash_table_lookup (kc->emails, GINT_TO_POINTER ((int) v)));

    case CM_GROUP_SESSION:
    case CM_GROUP_MODEL:
    case CM_GROUP_PROJECT:
    case CM_GROUP_NONE:
    default:
      if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
        return g_strdup ("");
      return g_strdup ((const char *) sqlite3_column_text (stmt, column));
    }
}

static GHashTable *
load_emails (sqlite3 *db)
{
  GHashTable *emails = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT id, email FROM users", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_insert (emails, GINT_TO_POINTER (sqlite3_column_int (stmt, 0)),
                             g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  return emails;
}

GPtrArray *
cm_store_query_groups (CmStore              *self,
                       const CmQueryFilter  *filter,
                       CmGroupBy             primary,
                       CmGroupBy             secondary,
                       GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
  g_autofree char *sql = NULL;
  KeyContext kc = { NULL };
  sqlite3_stmt *stmt;
  Query q;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if (!query_begin (&q, self, filter, error))
    {
      query_end (&q);
      return NULL;
    }

  sql = g_strdup_printf ("SELECT %s, %s, %s%s GROUP BY 1, 2",
                         group_expression (primary), group_expression (secondary),
                         totals_source (filter, primary, secondary),
                         q.params.where->str);
  stmt = query_prepare (&q, sql, error);
  if (stmt == NULL)
    {
      query_end (&q);
      return NULL;
    }

  kc.emails = load_emails (q.db);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmGroupRow *row = g_new0 (CmGroupRow, 1);

      row->key = group_key (&kc, stmt, 0, primary);
      row->key2 = group_key (&kc, stmt, 1, secondary);
      read_totals (stmt, 2, &row->totals);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  g_hash_table_unref (kc.emails);

  if (rc != SQLITE_DONE)
    {
      set_sqlite_error (error, q.db, rc, "groups");
      query_end (&q);
      return NULL;
    }

  query_end (&q);

  cm_group_rows_sort (rows);

  return g_steal_pointer (&rows);
}

typedef struct
{
  CmSessionRow *row;
  gint64        user_id;
  GPtrArray    *models;   /* CmGroupRow borrowed: key = model, cost */
} SessionAcc;

GPtrArray *
cm_store_query_sessions (CmStore              *self,
                         const CmQueryFilter  *filter,
                         GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_session_row_free);
  g_autoptr(GPtrArray) per_model = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
  g_autoptr(GHashTable) sessions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) emails = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  Query q;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if (!query_begin (&q, self, filter, error))
    {
      query_end (&q);
      return NULL;
    }

  sql = g_strdup_printf ("SELECT m.session_id, m.model, nullif (max (m.project), ''),"
                         " max (m.user_id), " ROLLUP_TOTALS_COLUMNS " FROM session_rollup m%s GROUP BY 1, 2",
                         q.params.where->str);
  stmt = query_prepare (&q, sql, error);
  if (stmt == NULL)
    {
      query_end (&q);
      return NULL;
    }

  emails = load_emails (q.db);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *session_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *project = (const char *) sqlite3_column_text (stmt, 2);
      gint64 user_id = sqlite3_column_int64 (stmt, 3);
      CmGroupRow *model = g_new0 (CmGroupRow, 1);
      SessionAcc *acc = g_hash_table_lookup (sessions, session_id);

      model->key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      read_totals (stmt, 4, &model->totals);
      g_ptr_array_add (per_model, model);

      if (acc == NULL)
        {
          acc = g_new0 (SessionAcc, 1);
          acc->row = g_new0 (CmSessionRow, 1);
          acc->row->session_id = g_ref_string_new (session_id);
          acc->models = g_ptr_array_new ();
          g_ptr_array_add (rows, acc->row);
          g_hash_table_insert (sessions, acc->row->session_id, acc);
        }

      /* The greatest project and user id of the session, as SQL max () would
       * give over all its messages (the rollup cache agrees). */
      if (project != NULL && g_strcmp0 (project, acc->row->project) > 0)
        {
          g_clear_pointer (&acc->row->project, g_ref_string_release);
          acc->row->project = g_ref_string_new (project);
        }
      if (user_id > acc->user_id)
        acc->user_id = user_id;

      cm_totals_add (&acc->row->totals, &model->totals);
      g_ptr_array_add (acc->models, model);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    set_sqlite_error (error, q.db, rc, "sessions");

  query_end (&q);

  {
    GHashTableIter iter;
    SessionAcc *acc;

    g_hash_table_iter_init (&iter, sessions);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &acc))
      {
        const char *email = acc->user_id > 0 ? g_hash_table_lookup (emails, GINT_TO_POINTER ((int) acc->user_id)) : NULL;

        cm_session_row_set_models (acc->row, acc->models);
        acc->row->user = g_ref_string_new (email != NULL ? email : CM_UNATTRIBUTED_KEY);
        g_ptr_array_unref (acc->models);
        g_free (acc);
      }
  }

  if (rc != SQLITE_DONE)
    return NULL;

  cm_session_rows_sort (rows);

  return g_steal_pointer (&rows);
}

static gboolean
read_slices (CmStore      *self,
             const char   *sql,
             GHashTable   *emails,
             CmSliceFunc   func,
             gpointer      user_data,
             GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  db = take_reader (self, error);
  if (db == NULL)
    return FALSE;

  /* The users and the rows from one snapshot of the database. */
  if (!exec_sql (db, "BEGIN", error))
    {
      give_reader (self, db);
      return FALSE;
    }

  if (sqlite3_prepare_v2 (db, "SELECT id, email FROM users", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_insert (emails, GINT_TO_POINTER (sqlite3_column_int (stmt, 0)),
                             g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      CmSlice slice = { 0 };
      gint64 backend;

      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        break;

      backend = sqlite3_column_int64 (stmt, 3);
      slice.ts = sqlite3_column_int64 (stmt, 0);
      slice.session_id = (const char *) sqlite3_column_text (stmt, 1);
      slice.model = (const char *) sqlite3_column_text (stmt, 2);
      slice.backend = backend >= 0 && backend < CM_N_BACKENDS ? backend : CM_BACKEND_UNKNOWN;
      slice.user_id = sqlite3_column_int64 (stmt, 4);
      slice.project = (const char *) sqlite3_column_text (stmt, 5);
      read_totals (stmt, 6, &slice.totals);
      func (&slice, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    set_sqlite_error (error, db, rc, "read the usage");
  exec_sql (db, "COMMIT", NULL);
  give_reader (self, db);

  return rc == SQLITE_DONE;
}

gboolean
cm_store_read_rollup (CmStore      *self,
                      GHashTable   *emails,
                      CmSliceFunc   func,
                      gpointer      user_data,
                      GError      **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  return read_slices (self,
                      "SELECT ts, NULL, model, backend, user_id, nullif (project, ''), input, output,"
                      " cw5m, cw1h, cr, ws, messages, unpriced, estimated, cost, c_input, c_output,"
                      " c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms FROM rollup",
                      emails, func, user_data, error);
}

/* About how many rows the rollup (or the session rollup) has, at once: its
 * greatest rowid. Loaders size their arrays with it. */
guint
cm_store_guess_slices (CmStore  *self,
                       gboolean  sessions)
{
  sqlite3 *db = take_reader (self, NULL);
  gint64 n = 0;

  if (db == NULL)
    return 0;

  if (!query_int (db, sessions ? "SELECT ifnull (max (rowid), 0) FROM session_rollup"
                               : "SELECT ifnull (max (rowid), 0) FROM rollup", &n, NULL))
    n = 0;
  give_reader (self, db);

  return (guint) CLAMP (n, 0, G_MAXUINT32);
}

gboolean
cm_store_read_session_rollup (CmStore      *self,
                              GHashTable   *emails,
                              CmSliceFunc   func,
                              gpointer      user_data,
                              GError      **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  return read_slices (self,
                      "SELECT ts, session_id, model, backend, user_id, nullif (project, ''), input,"
                      " output, cw5m, cw1h, cr, ws, messages, unpriced, estimated, cost, c_input,"
                      " c_output, c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms FROM session_rollup",
                      emails, func, user_data, error);
}

GPtrArray *
cm_store_query_session_messages (CmStore     *self,
                                 const char  *session_id,
                                 GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_message_row_free);
  g_autoptr(GHashTable) emails = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  db = take_reader (self, error);
  if (db == NULL)
    return NULL;

  emails = load_emails (db);

  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, message_id, session_id, model, model_raw, project, user_id,"
                           " backend, ts, sidechain, priced, estimated, long_ctx, input, output,"
                           " cw5m, cw1h, cr, ws, c_input, c_output, c_cw5m, c_cw1h, c_cr, c_ws, cost"
                           " FROM messages WHERE session_id = ?1 ORDER BY ts, id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmMessageRow *row = g_new0 (CmMessageRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->session_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->model = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->model_raw = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->project = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        row->user = g_strdup (CM_UNATTRIBUTED_KEY);
      else
        row->user = g_strdup (g_hash_table_lookup (emails, GINT_TO_POINTER (sqlite3_column_int (stmt, 6))));
      row->backend = CLAMP (sqlite3_column_int (stmt, 7), 0, CM_BACKEND_UNKNOWN);
      row->timestamp_ms = sqlite3_column_int64 (stmt, 8);
      row->is_sidechain = sqlite3_column_int (stmt, 9) != 0;
      row->priced = sqlite3_column_int (stmt, 10) != 0;
      row->estimated = sqlite3_column_int (stmt, 11) != 0;
      row->long_context = sqlite3_column_int (stmt, 12) != 0;
      row->cost.estimated = row->estimated;
      row->cost.long_context = row->long_context;
      row->usage.input = sqlite3_column_int64 (stmt, 13);
      row->usage.output = sqlite3_column_int64 (stmt, 14);
      row->usage.cache_write_5m = sqlite3_column_int64 (stmt, 15);
      row->usage.cache_write_1h = sqlite3_column_int64 (stmt, 16);
      row->usage.cache_read = sqlite3_column_int64 (stmt, 17);
      row->usage.web_search = sqlite3_column_int64 (stmt, 18);
      row->cost.input = sqlite3_column_int64 (stmt, 19);
      row->cost.output = sqlite3_column_int64 (stmt, 20);
      row->cost.cache_write_5m = sqlite3_column_int64 (stmt, 21);
      row->cost.cache_write_1h = sqlite3_column_int64 (stmt, 22);
      row->cost.cache_read = sqlite3_column_int64 (stmt, 23);
      row->cost.web_search = sqlite3_column_int64 (stmt, 24);
      row->cost.total = sqlite3_column_int64 (stmt, 25);
      g_ptr_array_add (rows, row);
      rc = SQLITE_OK;
    }
  if (!finish_read (self, db, stmt, rc, "session messages", error))
    return NULL;

  return g_steal_pointer (&rows);
}

static GStrv
list_strings (CmStore     *self,
              const char  *sql,
              GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  db = take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  if (!finish_read (self, db, stmt, rc, "list", error))
    return NULL;

  return g_strv_builder_end (builder);
}

GStrv
cm_store_list_models (CmStore  *self,
                      GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return list_strings (self, "SELECT DISTINCT model FROM messages ORDER BY model", error);
}

GStrv
cm_store_list_projects (CmStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return list_strings (self, "SELECT DISTINCT project FROM messages ORDER BY project", error);
}

GStrv
cm_store_list_users (CmStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return list_strings (self,
                       "SELECT email FROM (SELECT u.email AS email FROM users u"
                       " WHERE EXISTS (SELECT 1 FROM messages m WHERE m.user_id = u.id)"
                       " UNION ALL SELECT '" CM_UNATTRIBUTED_KEY "'"
                       " WHERE EXISTS (SELECT 1 FROM messages m WHERE m.user_id IS NULL))"
                       " ORDER BY email = '" CM_UNATTRIBUTED_KEY "', email",
                       error);
}

void
cm_store_checkpoint (CmStore *self)
{
  g_mutex_lock (&self->write_lock);
  sqlite3_wal_checkpoint_v2 (self->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL);
  g_mutex_unlock (&self->write_lock);
}

void
cm_store_release_memory (CmStore *self)
{
  g_return_if_fail (CM_IS_STORE (self));

  /* A scan is over: the write cache would sit idle until the next one. */
  g_mutex_lock (&self->write_lock);
  sqlite3_db_release_memory (self->db);
  g_mutex_unlock (&self->write_lock);
}

gint64
cm_store_count_messages (CmStore  *self,
                         GError  **error)
{
  sqlite3 *db = take_reader (self, error);
  gint64 count = -1;

  if (db == NULL)
    return -1;

  /* The rollup counts every message: far fewer rows than the table. */
  if (!query_int (db, "SELECT coalesce (sum (messages), 0) FROM rollup", &count, error))
    count = -1;

  give_reader (self, db);

  return count;
}

gint64
cm_store_count_skipped_lines (CmStore  *self,
                              GError  **error)
{
  sqlite3 *db;
  gint64 count = 0;

  g_return_val_if_fail (CM_IS_STORE (self), -1);

  db = take_reader (self, error);
  if (db == NULL)
    return -1;

  if (!query_int (db, "SELECT coalesce (sum (broken_lines), 0) FROM files", &count, error))
    count = -1;

  give_reader (self, db);

  return count;
}

/* --- rate limits --- */

void
cm_ratelimit_observation_free (CmRateLimitObservation *obs)
{
  if (obs == NULL)
    return;

  g_free (obs->model);
  g_free (obs->organization_id);
  g_free (obs->kind);
  g_free (obs);
}

gboolean
cm_store_add_ratelimit_observation (CmStore                       *self,
                                    const CmRateLimitObservation  *obs,
                                    GError                       **error)
{
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  g_return_val_if_fail (obs != NULL && obs->model != NULL && obs->kind != NULL, FALSE);

  ok = run_write (self,
                  "INSERT INTO ratelimit_observations (observed_ms, model, organization_id, kind,"
                  " lim, remaining, reset_ms, retry_after_s, http_status)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  error, "isssiiiii", obs->observed_ms, obs->model, obs->organization_id,
                  obs->kind, obs->limit, obs->remaining, obs->reset_ms, obs->retry_after_s,
                  (gint64) obs->http_status);
  if (ok)
    cm_store_emit_changed (self);

  return ok;
}

GPtrArray *
cm_store_list_ratelimit_observations (CmStore  *self,
                                      GError  **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_ratelimit_observation_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT observed_ms, model, organization_id, kind, lim, remaining,"
                           " reset_ms, retry_after_s, http_status FROM ratelimit_observations r"
                           " WHERE id = (SELECT max (id) FROM ratelimit_observations r2"
                           "  WHERE r2.model = r.model AND r2.kind = r.kind)"
                           " ORDER BY observed_ms DESC, model, kind",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmRateLimitObservation *obs = g_new0 (CmRateLimitObservation, 1);

      obs->observed_ms = sqlite3_column_int64 (stmt, 0);
      obs->model = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      obs->organization_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      obs->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      obs->limit = sqlite3_column_int64 (stmt, 4);
      obs->remaining = sqlite3_column_int64 (stmt, 5);
      obs->reset_ms = sqlite3_column_int64 (stmt, 6);
      obs->retry_after_s = sqlite3_column_int64 (stmt, 7);
      obs->http_status = sqlite3_column_int (stmt, 8);
      g_ptr_array_add (rows, obs);
      rc = SQLITE_OK;
    }
  if (!finish_read (self, db, stmt, rc, "rate limits", error))
    return NULL;

  return g_steal_pointer (&rows);
}
