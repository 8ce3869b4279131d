/* cm-store-rebuild.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Rebuild and recovery that cannot lose anything. The database is the only
 * copy of what transcripts deleted since held, so a rebuild never deletes it
 * first: it builds NAME.rebuild beside it, carries over everything that
 * cannot be read again (folders and owners, settings, observations, billed
 * figures, the files no longer read and their messages), lets the caller
 * scan into it, checks it and renames it into place. A damaged or newer
 * database is read row by row (bounded in time and in skips) and kept as
 * NAME.damaged-DATE; a file that is not SQLite's is replaced only when
 * forced. An exclusive lock (NAME.lock) keeps the app and other scans out
 * while it runs. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-store-private.h"

/* Reading a damaged file stops after this long or this many skips. */
#define SALVAGE_SECONDS   60
#define SALVAGE_MAX_SKIPS 512

struct _CmRebuild
{
  char            *path;       /* the database (symlinks resolved) */
  char            *new_path;   /* NAME.rebuild */
  int              lock_fd;
  CmStore         *store;      /* on new_path until the commit */
  gboolean         committed;
  CmRebuildSummary summary;
  GHashTable      *reread;     /* ids of old files the scan reads again */
  GHashTable      *enabled;    /* ids of enabled sources */
  gint64           deadline;   /* monotonic, for the salvage */
  guint            skips;
};

static const char *const db_suffixes[] = { "", "-wal", "-shm", "-journal" };

static void
remove_db_files (const char *path)
{
  g_autofree char *lock = g_strconcat (path, ".lock", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (path, db_suffixes[i], NULL);
      g_unlink (file);
    }
  g_unlink (lock);
}

void
cm_rebuild_free (CmRebuild *self)
{
  if (self == NULL)
    return;

  g_clear_object (&self->store);
  if (!self->committed && self->new_path != NULL)
    remove_db_files (self->new_path);
  if (self->lock_fd >= 0)
    close (self->lock_fd);
  g_clear_pointer (&self->reread, g_hash_table_unref);
  g_clear_pointer (&self->enabled, g_hash_table_unref);
  g_free (self->summary.kept_path);
  g_free (self->path);
  g_free (self->new_path);
  g_free (self);
}

/* --- what the old file is --- */

typedef enum { OLD_NONE, OLD_SQLITE, OLD_FOREIGN } OldKind;

static OldKind
inspect_old (const char *path)
{
  static const char magic[16] = "SQLite format 3";
  char head[16];
  struct stat st;
  gssize n;
  int fd;

  if (g_stat (path, &st) != 0 || (S_ISREG (st.st_mode) && st.st_size == 0))
    return OLD_NONE;
  if (!S_ISREG (st.st_mode))
    return OLD_FOREIGN;

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    return OLD_FOREIGN;
  n = pread (fd, head, sizeof head, 0);
  close (fd);

  return n == sizeof head && memcmp (head, magic, sizeof magic) == 0 ? OLD_SQLITE : OLD_FOREIGN;
}

static char *
integrity_check (sqlite3    *db,
                 const char *pragma)
{
  sqlite3_stmt *stmt = NULL;
  char *check = NULL;

  if (sqlite3_prepare_v2 (db, pragma, -1, &stmt, NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    check = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);

  return check;
}

/* --- copying rows, bounded on damage --- */

static gint64
salvage_seconds (void)
{
  const char *env = g_getenv ("CM_SALVAGE_SECONDS");  /* for the tests */

  return env != NULL ? MAX (g_ascii_strtoll (env, NULL, 10), 0) : SALVAGE_SECONDS;
}

static int
salvage_progress_cb (void *data)
{
  CmRebuild *self = data;

  return g_get_monotonic_time () > self->deadline;
}

static gboolean
out_of_budget (CmRebuild *self)
{
  return self->skips >= SALVAGE_MAX_SKIPS || g_get_monotonic_time () > self->deadline;
}

/* The columns @table has in both files, comma-separated, or NULL. */
static char *
common_columns (sqlite3    *src,
                sqlite3    *dst,
                const char *table,
                int        *n_columns,
                gboolean   *unreadable)
{
  g_autoptr(GHashTable) in_src = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GString) cols = g_string_new (NULL);
  g_autofree char *sql = g_strdup_printf ("PRAGMA table_info (\"%s\")", table);
  sqlite3_stmt *stmt = NULL;
  int rc;

  *n_columns = 0;
  *unreadable = FALSE;
  if (sqlite3_prepare_v2 (src, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      *unreadable = TRUE;
      sqlite3_finalize (stmt);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (in_src, g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      *unreadable = TRUE;
      return NULL;
    }

  if (sqlite3_prepare_v2 (dst, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      sqlite3_finalize (stmt);
      return NULL;
    }
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      const char *name = (const char *) sqlite3_column_text (stmt, 1);

      if (name != NULL && g_hash_table_contains (in_src, name))
        {
          g_string_append_printf (cols, "%s\"%s\"", cols->len > 0 ? ", " : "", name);
          (*n_columns)++;
        }
    }
  sqlite3_finalize (stmt);

  return *n_columns > 0 ? g_string_free (g_steal_pointer (&cols), FALSE) : NULL;
}

typedef enum { ROW_COPY, ROW_SKIP } RowVerdict;

/* Decides on a row of the old file (columns from 1; 0 is the rowid). */
typedef RowVerdict (*RowFilter) (CmRebuild    *self,
                                 sqlite3_stmt *row,
                                 const int    *idx);

static int
column_index (const char *cols,
              const char *name)
{
  g_auto(GStrv) parts = g_strsplit (cols, ", ", -1);
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", name);

  for (int i = 0; parts[i] != NULL; i++)
    if (g_str_equal (parts[i], quoted))
      return i + 1;

  return -1;
}

/* Copies @table's rows in rowid order. A read error (damage) skips ahead,
 * one rowid, then twice as far each time it fails again in a row, and a
 * row read resets the stride: a bad region costs a few dozen seeks at most,
 * and SALVAGE_MAX_SKIPS and the deadline bound the whole file. */
static int
copy_table (CmRebuild   *self,
            sqlite3     *src,
            sqlite3     *dst,
            const char  *table,
            const char  *cols,
            int          n_cols,
            RowFilter    filter,
            const int   *idx,
            gint64      *copied)
{
  g_autofree char *select_sql = g_strdup_printf ("SELECT rowid, %s FROM \"%s\" WHERE rowid > ?1 ORDER BY rowid",
                                                 cols, table);
  g_autoptr(GString) insert_sql = g_string_new (NULL);
  sqlite3_stmt *insert = NULL;
  gint64 last = G_MININT64;
  gint64 stride = 1;
  int rc;

  g_string_printf (insert_sql, "INSERT OR IGNORE INTO \"%s\" (%s) VALUES (?", table, cols);
  for (int i = 1; i < n_cols; i++)
    g_string_append (insert_sql, ", ?");
  g_string_append (insert_sql, ")");
  rc = sqlite3_prepare_v2 (dst, insert_sql->str, -1, &insert, NULL);
  if (rc != SQLITE_OK)
    return rc;

  for (;;)
    {
      sqlite3_stmt *select = NULL;
      int src_rc = sqlite3_prepare_v2 (src, select_sql, -1, &select, NULL);

      if (src_rc == SQLITE_OK)
        {
          sqlite3_bind_int64 (select, 1, last);
          while ((src_rc = sqlite3_step (select)) == SQLITE_ROW)
            {
              last = sqlite3_column_int64 (select, 0);
              stride = 1;
              if (filter != NULL && filter (self, select, idx) == ROW_SKIP)
                continue;
              for (int i = 0; i < n_cols; i++)
                sqlite3_bind_value (insert, i + 1, sqlite3_column_value (select, i + 1));
              rc = sqlite3_step (insert);
              sqlite3_reset (insert);
              if (rc != SQLITE_DONE)
                break;
              rc = SQLITE_OK;
              (*copied)++;
            }
        }
      sqlite3_finalize (select);

      if (rc != SQLITE_OK || src_rc == SQLITE_DONE)
        break;

      /* Damaged here (or the table itself): note it, skip ahead. */
      self->summary.damaged = TRUE;
      self->summary.unreadable++;
      self->skips++;
      if ((src_rc & 0xff) != SQLITE_CORRUPT && src_rc != SQLITE_NOTADB && (src_rc & 0xff) != SQLITE_IOERR)
        {
          /* Interrupted (out of time), or nothing there to read. */
          self->summary.incomplete |= src_rc == SQLITE_INTERRUPT;
          break;
        }
      if (out_of_budget (self))
        {
          self->summary.incomplete = TRUE;
          break;
        }
      if (last > G_MAXINT64 - stride)
        break;  /* damaged to its end */
      last = last == G_MININT64 ? 0 : last + stride;
      stride = stride < G_MAXINT64 / 2 ? stride * 2 : stride;
    }

  sqlite3_finalize (insert);

  return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* Files of an enabled source that are on disk are read again; any other
 * (gone, of a folder removed or disabled) keeps its row and messages. */
static RowVerdict
filter_files (CmRebuild    *self,
              sqlite3_stmt *row,
              const int    *idx)
{
  gint64 id = sqlite3_column_int64 (row, idx[0]);
  const char *path = (const char *) sqlite3_column_text (row, idx[1]);
  gint64 source_id = sqlite3_column_int64 (row, idx[2]);
  struct stat st;

  if (path != NULL && g_hash_table_contains (self->enabled, &source_id) &&
      g_stat (path, &st) == 0 && S_ISREG (st.st_mode))
    {
      g_hash_table_add (self->reread, g_memdup2 (&id, sizeof id));
      return ROW_SKIP;
    }

  return ROW_COPY;
}

static RowVerdict
filter_messages (CmRebuild    *self,
                 sqlite3_stmt *row,
                 const int    *idx)
{
  gint64 file_id = sqlite3_column_int64 (row, idx[0]);

  if (sqlite3_column_type (row, idx[0]) != SQLITE_NULL && g_hash_table_contains (self->reread, &file_id))
    return ROW_SKIP;

  return ROW_COPY;
}

static void
load_enabled_sources (CmRebuild *self,
                      sqlite3   *dst)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (dst, "SELECT id FROM sources WHERE enabled != 0", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);
        g_hash_table_add (self->enabled, g_memdup2 (&id, sizeof id));
      }
  sqlite3_finalize (stmt);
}

/* The push log's numbers go on from the old file's, so that a team
 * database's watermark never hides the rows noted again. */
static void
carry_push_sequence (sqlite3 *src,
                     sqlite3 *dst)
{
  sqlite3_stmt *stmt = NULL;
  gint64 seq = -1;

  if (sqlite3_prepare_v2 (src, "SELECT seq FROM sqlite_sequence WHERE name = 'push_log'", -1, &stmt,
                          NULL) == SQLITE_OK && sqlite3_step (stmt) == SQLITE_ROW)
    seq = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  if (seq > 0)
    {
      g_autofree char *sql = g_strdup_printf ("INSERT INTO sqlite_sequence (name, seq) VALUES ('push_log', %"
                                              G_GINT64_FORMAT ")", seq);
      sqlite3_exec (dst, sql, NULL, NULL, NULL);
    }
}

/* Every table of the new schema but what is derived (the rollups, kept by
 * triggers) or rebuilt (the push log); files and messages last, filtered. */
static GPtrArray *
tables_to_carry (sqlite3 *dst)
{
  GPtrArray *tables = g_ptr_array_new_with_free_func (g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (dst, "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
                               " AND name NOT IN ('rollup', 'session_rollup', 'push_log', 'files', 'messages')"
                               " ORDER BY name != 'meta', name", -1, &stmt, NULL) == SQLITE_OK)
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (tables, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  g_ptr_array_add (tables, g_strdup ("files"));
  g_ptr_array_add (tables, g_strdup ("messages"));

  return tables;
}

static int
carry_tables (CmRebuild *self,
              sqlite3   *src,
              sqlite3   *dst)
{
  g_autoptr(GPtrArray) tables = tables_to_carry (dst);
  int rc = SQLITE_OK;

  for (guint i = 0; i < tables->len && rc == SQLITE_OK; i++)
    {
      const char *table = g_ptr_array_index (tables, i);
      int n_cols = 0;
      gboolean unreadable = FALSE;
      g_autofree char *cols = common_columns (src, dst, table, &n_cols, &unreadable);
      int idx[3] = { -1, -1, -1 };
      RowFilter filter = NULL;
      gint64 copied = 0;

      if (cols == NULL)
        {
          /* Not in the old file (an older schema), or its schema is damaged. */
          if (unreadable)
            {
              self->summary.damaged = TRUE;
              self->summary.unreadable++;
            }
          continue;
        }

      if (g_str_equal (table, "files"))
        {
          load_enabled_sources (self, dst);
          idx[0] = column_index (cols, "id");
          idx[1] = column_index (cols, "path");
          idx[2] = column_index (cols, "source_id");
          if (idx[0] > 0 && idx[1] > 0 && idx[2] > 0)
            filter = filter_files;
        }
      else if (g_str_equal (table, "messages"))
        {
          idx[0] = column_index (cols, "file_id");
          if (idx[0] > 0)
            filter = filter_messages;
          carry_push_sequence (src, dst);
        }

      rc = copy_table (self, src, dst, table, cols, n_cols, filter, idx, &copied);
      /* A rebuilt database is a new device to a team store: it pushes
       * everything again under a new id (the team keeps one copy). Leaving
       * the push flag on would note every carried message in the push log
       * and make the re-read's upserts collide with those notes. */
      if (rc == SQLITE_OK && g_str_equal (table, "meta"))
        rc = sqlite3_exec (dst, "DELETE FROM meta WHERE key IN ('push_log', 'device_id')", NULL, NULL, NULL);

      if (g_str_equal (table, "messages"))
        self->summary.messages += copied;
      else if (g_str_equal (table, "sources"))
        self->summary.sources += copied;
      else if (g_str_equal (table, "files"))
        self->summary.files += copied;
      else
        self->summary.other_rows += copied;
    }

  return rc;
}

/* Opens the old file, notes what it is and copies what can be read into the
 * new store, in one transaction of the new store. */
static gboolean
carry_over (CmRebuild  *self,
            GError    **error)
{
  CmStore *store = self->store;
  sqlite3 *src = NULL;
  gint64 version = 0;
  gboolean ok;
  int rc;

  rc = sqlite3_open_v2 (self->path, &src, SQLITE_OPEN_READWRITE, NULL);
  if (rc != SQLITE_OK)
    {
      sqlite3_close (src);
      self->summary.damaged = TRUE;
      self->summary.unreadable++;
      return TRUE;
    }
  sqlite3_extended_result_codes (src, TRUE);
  sqlite3_busy_timeout (src, 1000);
  /* A damaged file stays as it is: no checkpoint into it at close. */
  sqlite3_db_config (src, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  /* Every read of the old file has a time limit; a quick check that runs
   * out of it says nothing either way. */
  self->deadline = g_get_monotonic_time () + salvage_seconds () * G_USEC_PER_SEC;
  sqlite3_progress_handler (src, 1000, salvage_progress_cb, self);
  if (!cm_sqlite_query_int (src, "PRAGMA user_version", &version, NULL))
    self->summary.damaged = TRUE;
  else if (version > cm_store_schema_version ())
    self->summary.too_new = TRUE;
  else
    {
      g_autofree char *check = integrity_check (src, "PRAGMA quick_check (1)");

      if (check != NULL && !g_str_equal (check, "ok"))
        self->summary.damaged = TRUE;
    }

  /* A healthy file is read whole, its log folded in first (the log goes
   * before the rename); a damaged one within a fresh time limit. */
  if (!self->summary.damaged && !self->summary.too_new)
    {
      sqlite3_progress_handler (src, 0, NULL, NULL);
      sqlite3_exec (src, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL);
    }
  else
    self->deadline = g_get_monotonic_time () + salvage_seconds () * G_USEC_PER_SEC;

  g_mutex_lock (&store->write_lock);
  ok = cm_sqlite_exec (store->db, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      rc = carry_tables (self, src, store->db);
      if (rc != SQLITE_OK)
        {
          ok = cm_sqlite_set_error (error, store->db, rc, "rebuild");
          sqlite3_exec (store->db, "ROLLBACK", NULL, NULL, NULL);
        }
      else
        ok = cm_sqlite_exec (store->db, "COMMIT", error);
    }
  g_hash_table_remove_all (store->user_ids);
  /* Messages came in past the writer: the sidechain rule looks them up. */
  cm_replays_release (store->replays);
  g_mutex_unlock (&store->write_lock);

  sqlite3_close (src);

  return ok;
}

/* --- the steps --- */

CmRebuild *
cm_rebuild_begin (const char  *path,
                  gboolean     force,
                  GError     **error)
{
  g_autoptr(CmRebuild) self = g_new0 (CmRebuild, 1);
  g_autofree char *real = NULL;
  OldKind kind;

  g_return_val_if_fail (path != NULL, NULL);

  /* A symlinked database is rebuilt where it points, the link left alone. */
  real = realpath (path, NULL);
  self->path = real != NULL ? g_strdup (real) : g_strdup (path);
  self->new_path = g_strconcat (self->path, ".rebuild", NULL);
  self->reread = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  self->enabled = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

  self->lock_fd = cm_store_lock (self->path, TRUE, error);
  if (self->lock_fd < 0)
    {
      self->lock_fd = -1;
      return NULL;
    }

  kind = inspect_old (self->path);
  if (kind == OLD_FOREIGN && !force)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_NOT_DATABASE,
                   "%s is not a SQLite database, so rebuild leaves it alone. Check --db; if it is a "
                   "damaged CostMeter database, “rebuild --force” keeps it as %s.damaged-DATE.",
                   self->path, self->path);
      return NULL;
    }
  self->summary.had_database = kind != OLD_NONE;
  self->summary.damaged = kind == OLD_FOREIGN;

  /* What a rebuild killed before its rename left. */
  remove_db_files (self->new_path);
  self->store = cm_store_open (self->new_path, error);
  if (self->store == NULL)
    return NULL;

  if (kind == OLD_SQLITE && !carry_over (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

CmStore *
cm_rebuild_get_store (CmRebuild *self)
{
  return self->store;
}

const CmRebuildSummary *
cm_rebuild_get_summary (CmRebuild *self)
{
  return &self->summary;
}

gboolean
cm_store_quick_check (CmStore  *self,
                      GError  **error)
{
  g_autofree char *check = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  g_mutex_lock (&self->write_lock);
  check = integrity_check (self->db, "PRAGMA quick_check (1)");
  g_mutex_unlock (&self->write_lock);

  if (g_strcmp0 (check, "ok") != 0)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                   "The cost database is damaged (%s).", check != NULL ? check : "no answer");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_new (CmStore  *store,
           GError  **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!cm_store_quick_check (store, &local_error))
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
                   "The rebuilt database failed its check (%s); the old one was left as it was.",
                   local_error->message);
      return FALSE;
    }

  g_mutex_lock (&store->write_lock);
  sqlite3_exec (store->db, "PRAGMA wal_checkpoint (TRUNCATE)", NULL, NULL, NULL);
  g_mutex_unlock (&store->write_lock);

  return TRUE;
}

/* Closes the new store: every reference must be gone but ours (pending
 * notifications hold some: deliver them). */
static gboolean
close_new (CmRebuild  *self,
           GError    **error)
{
  CmStore *store = g_steal_pointer (&self->store);

  g_object_add_weak_pointer (G_OBJECT (store), (gpointer *) &store);
  g_object_unref (store);
  for (guint i = 0; store != NULL && i < 1000; i++)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
  if (store != NULL)
    {
      /* Still somebody's: theirs to close; the old file stays. */
      g_object_remove_weak_pointer (G_OBJECT (store), (gpointer *) &store);
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FAILED,
                   "The rebuilt database is still in use; the old one was left as it was.");
      return FALSE;
    }

  return TRUE;
}

static gboolean
sync_path (const char *path,
           gboolean    directory)
{
  int fd = g_open (path, (directory ? O_DIRECTORY : 0) | O_RDONLY | O_CLOEXEC, 0);
  gboolean ok;

  if (fd < 0)
    return FALSE;
  ok = fsync (fd) == 0;
  close (fd);

  return ok;
}

static char *
kept_name (const CmRebuild *self)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  const char *what = self->summary.too_new && !self->summary.damaged ? "newer" : "damaged";

  return g_strdup_printf ("%s.%s-%s", self->path, what, stamp);
}

/* The old file (and its log) under a new name, the old name still there. */
static gboolean
keep_old (CmRebuild  *self,
          GError    **error)
{
  g_autofree char *kept = kept_name (self);
  g_autofree char *wal = g_strconcat (self->path, "-wal", NULL);
  g_autofree char *kept_wal = g_strconcat (kept, "-wal", NULL);
  struct stat st;

  if (link (self->path, kept) != 0 && g_rename (self->path, kept) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot keep the old database as %s: %s; it was left as it was.", kept, g_strerror (saved));
      return FALSE;
    }
  /* Its log, if it holds anything. */
  if (g_stat (wal, &st) == 0 && st.st_size > 0 && link (wal, kept_wal) != 0)
    g_rename (wal, kept_wal);
  self->summary.kept_path = g_steal_pointer (&kept);

  return TRUE;
}

gboolean
cm_rebuild_commit (CmRebuild  *self,
                   GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *new_wal = g_strconcat (self->new_path, "-wal", NULL);
  g_autofree char *new_lock = g_strconcat (self->new_path, ".lock", NULL);
  struct stat st;

  g_return_val_if_fail (self->store != NULL, FALSE);

  if (!check_new (self->store, error) || !close_new (self, error))
    return FALSE;
  if (g_file_test (new_wal, G_FILE_TEST_EXISTS) || !sync_path (self->new_path, FALSE))
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_FULL,
                   "The rebuilt database could not be written out; the old one was left as it was.");
      return FALSE;
    }

  /* The new file takes the mode its owner gave the old one. */
  if (g_stat (self->path, &st) == 0 && S_ISREG (st.st_mode))
    g_chmod (self->new_path, st.st_mode & 0777);

  if (self->summary.had_database && (self->summary.damaged || self->summary.too_new) && !keep_old (self, error))
    return FALSE;

  /* The old file's log and index must not meet the new file. */
  for (guint i = 1; i < G_N_ELEMENTS (db_suffixes); i++)
    {
      g_autofree char *file = g_strconcat (self->path, db_suffixes[i], NULL);
      g_unlink (file);
    }

  if (g_rename (self->new_path, self->path) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Cannot move the rebuilt database into place: %s", g_strerror (saved));
      return FALSE;
    }
  self->committed = TRUE;
  g_unlink (new_lock);
  sync_path (dir, TRUE);

  return TRUE;
}

char *
cm_rebuild_describe (CmRebuild *self)
{
  const CmRebuildSummary *s = &self->summary;
  GString *text = g_string_new (NULL);

  if (!s->had_database)
    return g_string_free (text, FALSE);

  g_string_append_printf (text,
                          "Kept from the old database: %" G_GINT64_FORMAT " folder%s, %" G_GINT64_FORMAT
                          " message%s of transcripts not read again and %" G_GINT64_FORMAT
                          " other record%s (settings, owners, observations).",
                          s->sources, s->sources == 1 ? "" : "s", s->messages, s->messages == 1 ? "" : "s",
                          s->other_rows, s->other_rows == 1 ? "" : "s");
  if (s->damaged)
    g_string_append_printf (text, " The old database was damaged: %u part%s of it could not be read%s.",
                            s->unreadable, s->unreadable == 1 ? "" : "s",
                            s->incomplete ? " (reading it stopped early)" : "");
  else if (s->too_new)
    g_string_append (text, " The old database was written by a newer CostMeter.");
  if (s->kept_path != NULL)
    g_string_append_printf (text, " It is kept as %s.", s->kept_path);

  return g_string_free (text, FALSE);
}

/* Rows of the rollup that do not match the messages they sum, either way. */
#define MESSAGE_SUMS(KV, GROUP) \
  "SELECT " KV "ts - ts % 900000, model, speed, backend, ifnull (user_id, 0), ifnull (project, ''), count (*)," \
  " sum (priced = 0), sum (input), sum (output), sum (cw5m), sum (cw1h), sum (cr), sum (ws), sum (estimated)," \
  " sum (cost) FROM messages GROUP BY " GROUP
#define ROLLUP_SUMS(K, T) \
  "SELECT " K "ts, model, speed, backend, user_id, project, messages, unpriced, input, output, cw5m, cw1h," \
  " cr, ws, estimated, cost FROM " T
#define MISMATCH(M, R) \
  "SELECT (SELECT count (*) FROM (" M " EXCEPT " R ")) + (SELECT count (*) FROM (" R " EXCEPT " M "))"

static const char check_rollup_sql[] =
  MISMATCH (MESSAGE_SUMS ("", "1, 2, 3, 4, 5, 6"), ROLLUP_SUMS ("", "rollup"));
static const char check_session_rollup_sql[] =
  MISMATCH (MESSAGE_SUMS ("ifnull (session_id, ''), ", "1, 2, 3, 4, 5, 6, 7"),
            ROLLUP_SUMS ("session_id, ", "session_rollup"));

gboolean
cm_store_check (CmStore  *self,
                GString  *report,
                GError  **error)
{
  g_autofree char *integrity = NULL;
  gint64 rollup = -1, session_rollup = -1;
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  g_mutex_lock (&self->write_lock);
  integrity = integrity_check (self->db, "PRAGMA integrity_check (10)");
  if (g_strcmp0 (integrity, "ok") == 0)
    {
      cm_sqlite_query_int (self->db, check_rollup_sql, &rollup, NULL);
      cm_sqlite_query_int (self->db, check_session_rollup_sql, &session_rollup, NULL);
    }
  g_mutex_unlock (&self->write_lock);

  g_string_append_printf (report, "SQLite integrity check: %s\n", integrity != NULL ? integrity : "no answer");
  if (rollup >= 0)
    g_string_append_printf (report, "Sums by quarter hour against the messages: %s\n",
                            rollup == 0 ? "ok" : "differ");
  if (session_rollup >= 0)
    g_string_append_printf (report, "Sums by session against the messages: %s\n",
                            session_rollup == 0 ? "ok" : "differ");

  ok = g_strcmp0 (integrity, "ok") == 0 && rollup == 0 && session_rollup == 0;
  if (!ok)
    g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                 "The cost database is damaged: its figures cannot be trusted. Your transcripts are "
                 "not affected: rebuild it with “costmeter-cli rebuild” (the damaged file is kept).");

  return ok;
}

CmStore *
cm_store_open_recovering (const char  *path,
                          char       **note,
                          GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CmRebuild) rebuild = NULL;
  g_autofree char *wal = NULL;
  gboolean unclean;
  struct stat st;
  CmStore *store;

  *note = NULL;
  /* A log left behind: the last session did not end cleanly (a clean close
   * folds it in and removes it). Look for damage then. */
  wal = g_strconcat (path, "-wal", NULL);
  unclean = g_stat (wal, &st) == 0 && st.st_size > 0;
  store = cm_store_open (path, &local_error);
  if (store != NULL && unclean && !cm_store_quick_check (store, &local_error))
    g_clear_object (&store);
  if (store != NULL)
    return store;
  if (!g_error_matches (local_error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  rebuild = cm_rebuild_begin (path, TRUE, error);
  if (rebuild == NULL || !cm_rebuild_commit (rebuild, error))
    return NULL;
  *note = cm_rebuild_describe (rebuild);
  g_clear_pointer (&rebuild, cm_rebuild_free);  /* and its lock */

  return cm_store_open (path, error);
}
