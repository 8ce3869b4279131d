/* test-rebuild.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rebuild and recovery cannot lose anything (issue 15): `costmeter-cli
 * rebuild` killed at random moments, on a full disk, with another store
 * open, on a file that is not SQLite's, on a damaged database (bounded in
 * time), and the app's recovery at start-up. The database holds the history
 * of a transcript deleted since: a rebuild must keep it, and the folders.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <gio/gio.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-store.h"
#include "cm-test-util.h"

static char *tmpdir;
static char *corpus;
static GPtrArray *source_args;   /* "--source" "DIR" ... */
static char *base_db;            /* scanned, then one transcript deleted */
static char *base_report;
static char *base_sources;
static gint64 rebuild_us;        /* how long a clean rebuild takes */
static GRand *rng;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

static GSubprocessLauncher *
new_launcher (void)
{
  GSubprocessLauncher *launcher;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLAUDE_CONFIG_DIR");

  return launcher;
}

static GPtrArray *
cli_argv (const char *db,
          const char *command)
{
  GPtrArray *argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, (char *) db);
  g_ptr_array_add (argv, (char *) command);

  return argv;
}

static Result
finish (GSubprocess *proc)
{
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_if_signaled (proc))
    r.status = -g_subprocess_get_term_sig (proc);
  else
    r.status = g_subprocess_get_exit_status (proc);

  return r;
}

static GSubprocess *
spawn (GSubprocessLauncher *launcher,
       GPtrArray           *argv)
{
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return proc;
}

static Result
run_cli (const char *db,
         const char *command,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
  g_autoptr(GPtrArray) argv = cli_argv (db, command);
  g_autoptr(GSubprocess) proc = NULL;
  va_list args;

  va_start (args, command);
  for (const char *a = va_arg (args, const char *); a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  proc = spawn (launcher, argv);

  return finish (proc);
}

static char *
report (const char *db)
{
  Result r = run_cli (db, "report", "daily", "--breakdown", "--json", "--timezone", "UTC", NULL);

  if (r.status != 0)
    g_error ("report failed (%d): %s", r.status, r.err);
  g_free (r.err);

  return r.out;
}

static char *
sources (const char *db)
{
  Result r = run_cli (db, "sources", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_free (r.err);

  return r.out;
}

static void
assert_as_before (const char *db,
                  const char *what)
{
  g_autofree char *got = report (db);
  g_autofree char *folders = sources (db);

  if (g_strcmp0 (got, base_report) != 0)
    g_error ("%s: the report differs from the one before the rebuild", what);
  g_assert_cmpstr (folders, ==, base_sources);
}

/* A copy of the base database (and nothing else) at tmpdir/NAME/costmeter.db. */
static char *
copy_base (const char *name)
{
  g_autofree char *dir = g_build_filename (tmpdir, name, NULL);
  char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  cm_test_rm_rf (dir);
  g_mkdir_with_parents (dir, 0700);
  g_assert_true (g_file_get_contents (base_db, &contents, &len, NULL));
  cm_test_write_file (db, contents, len);

  return db;
}

static guint
count_prefixed (const char *dir,
                const char *prefix)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint n = 0;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    n += g_str_has_prefix (name, prefix);

  return n;
}

/* --- the corpus --- */

static void
checkpoint (const char *db)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA wal_checkpoint(TRUNCATE)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

static void
setup (void)
{
  const char *gen = g_getenv ("CM_GEN_CORPUS");
  const char *argv[] = { "python3", gen, "--out", NULL, "--seed", "15", "--size-mb", "6", NULL };
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GPtrArray) scan = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autofree char *err = NULL;
  g_autofree char *victim = NULL;
  g_autofree char *before = NULL;
  const char *name;
  int status;
  Result r;

  g_assert_nonnull (gen);
  tmpdir = cm_test_make_tmpdir ("rebuild");
  corpus = g_build_filename (tmpdir, "corpus", NULL);
  argv[3] = corpus;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("gen-corpus.py failed: %s", err);

  source_args = g_ptr_array_new_with_free_func (NULL);
  dir = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_ptr_array_add (source_args, "--source");
      g_ptr_array_add (source_args, g_build_filename (corpus, name, NULL));
    }

  base_db = g_build_filename (tmpdir, "base", "costmeter.db", NULL);
  launcher = new_launcher ();
  scan = cli_argv (base_db, "scan");
  for (guint i = 0; i < source_args->len; i++)
    g_ptr_array_add (scan, g_ptr_array_index (source_args, i));
  {
    g_autoptr(GSubprocess) proc = spawn (launcher, scan);
    r = finish (proc);
  }
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  before = report (base_db);

  /* Claude Code deletes old transcripts: the database is the only copy of
   * this one's messages now. */
  {
    g_autofree char *projects = g_build_filename (g_ptr_array_index (source_args, 1), ".claude", "projects", NULL);
    g_autoptr(GDir) pd = g_dir_open (projects, 0, NULL);
    const char *project = pd != NULL ? g_dir_read_name (pd) : NULL;
    g_autofree char *pdir = project != NULL ? g_build_filename (projects, project, NULL) : NULL;
    g_autoptr(GDir) files = pdir != NULL ? g_dir_open (pdir, 0, NULL) : NULL;
    const char *file = NULL;

    while (files != NULL && (file = g_dir_read_name (files)) != NULL && !g_str_has_suffix (file, ".jsonl"))
      ;
    g_assert_nonnull (file);
    victim = g_build_filename (pdir, file, NULL);
  }
  g_assert_cmpint (g_unlink (victim), ==, 0);
  r = run_cli (base_db, "scan", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  checkpoint (base_db);

  base_report = report (base_db);
  base_sources = sources (base_db);
  g_assert_cmpstr (base_report, ==, before);   /* history outlived the transcript */
  g_assert_nonnull (strstr (base_report, "\"messages\""));

  rng = g_rand_new_with_seed (20261202);
}

/* --- a complete rebuild keeps what the transcripts no longer hold --- */

static void
test_keeps_history (void)
{
  g_autofree char *db = copy_base ("keeps");
  g_autofree char *dir = g_path_get_dirname (db);
  gint64 t0 = g_get_monotonic_time ();
  Result r = run_cli (db, "rebuild", NULL);

  rebuild_us = g_get_monotonic_time () - t0;
  g_test_message ("rebuild: %.2f s: %s", rebuild_us / 1e6, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "Kept from the old database"));
  g_assert_null (strstr (r.err, "damaged"));
  result_clear (&r);

  /* Without --source: the folders came from the old file, and the deleted
   * transcript's messages too. */
  assert_as_before (db, "rebuild");
  g_assert_cmpuint (count_prefixed (dir, "costmeter.db.rebuild"), ==, 0);
  g_assert_cmpuint (count_prefixed (dir, "costmeter.db.damaged"), ==, 0);
}

/* --- SIGKILL at random moments of a rebuild --- */

static void
test_sigkill (void)
{
  g_autofree char *db = copy_base ("kill");
  guint kills = 0;
  guint attempts = 0;

  g_assert_cmpint (rebuild_us, >, 0);

  while (kills < 20)
    {
      g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
      g_autoptr(GPtrArray) argv = cli_argv (db, "rebuild");
      g_autoptr(GSubprocess) proc = spawn (launcher, argv);
      gulong delay = g_rand_int_range (rng, 0, MAX ((gint32) (rebuild_us * 1.2), 2000));
      Result r;

      g_usleep (delay);
      g_subprocess_force_exit (proc);
      r = finish (proc);
      attempts++;
      if (r.status == -SIGKILL)
        kills++;
      else
        g_assert_cmpint (r.status, ==, 0);
      result_clear (&r);
      g_assert_cmpuint (attempts, <, 200);

      /* Killed anywhere, the database is the old one or the new one:
       * the same totals, folders and history either way. */
      assert_as_before (db, "after a SIGKILL of rebuild");
    }

  /* And a rebuild after all that completes. */
  {
    Result r = run_cli (db, "rebuild", NULL);
    g_assert_cmpint (r.status, ==, 0);
    result_clear (&r);
  }
  assert_as_before (db, "rebuild after SIGKILLs");
  g_test_message ("20 SIGKILLs of rebuild in %u attempts", attempts);
}

/* --- a full disk --- */

static void
limit_file_size_cb (gpointer data)
{
  struct rlimit rl;

  signal (SIGXFSZ, SIG_IGN);
  rl.rlim_cur = rl.rlim_max = GPOINTER_TO_SIZE (data);
  setrlimit (RLIMIT_FSIZE, &rl);
}

static void
test_disk_full (void)
{
  g_autofree char *db = copy_base ("full");
  g_autofree char *dir = g_path_get_dirname (db);
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
  g_autoptr(GPtrArray) argv = cli_argv (db, "rebuild");
  g_autoptr(GSubprocess) proc = NULL;
  struct stat st;
  Result r;

  /* Room for a quarter of the database. */
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_subprocess_launcher_set_child_setup (launcher, limit_file_size_cb,
                                         GSIZE_TO_POINTER ((gsize) st.st_size / 4), NULL);
  proc = spawn (launcher, argv);
  r = finish (proc);
  g_test_message ("rebuild on a full disk: exit %d: %s", r.status, r.err);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "disk is full"));
  g_assert_nonnull (strstr (r.err, "left as it was"));
  g_assert_null (strstr (r.err, "Rebuilt"));
  result_clear (&r);

  assert_as_before (db, "after a rebuild on a full disk");
  g_assert_cmpuint (count_prefixed (dir, "costmeter.db.rebuild"), ==, 0);
}

/* --- another CostMeter has the database open --- */

static void
test_store_open (void)
{
  g_autofree char *db = copy_base ("open");
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  Result r;

  g_assert_no_error (error);
  r = run_cli (db, "rebuild", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "in use"));
  result_clear (&r);
  g_clear_object (&store);

  assert_as_before (db, "rebuild refused");

  /* The other way round: a rebuild holds the lock, the app waits it out. */
  {
    g_autoptr(CmRebuild) rebuild = cm_rebuild_begin (db, FALSE, &error);
    g_autoptr(CmStore) other = NULL;

    g_assert_no_error (error);
    other = cm_store_open (db, &error);
    g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_BUSY);
    g_assert_null (other);
    g_clear_error (&error);
  }
  assert_as_before (db, "rebuild abandoned");
}

/* --- a file that is not SQLite's --- */

static void
test_not_sqlite (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "notes", NULL);
  g_autofree char *notes = g_build_filename (dir, "notes.txt", NULL);
  g_autofree char *contents = NULL;
  const char text[] = "my notes: not a database\n";
  Result r;

  g_mkdir_with_parents (dir, 0700);
  cm_test_write_file (notes, text, -1);

  r = run_cli (notes, "rebuild", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "not a SQLite database"));
  result_clear (&r);
  g_assert_true (g_file_get_contents (notes, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, text);

  /* Forced, it is kept beside the new database. */
  r = run_cli (notes, "rebuild", "--force", "--no-default", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "notes.txt.damaged-"));
  result_clear (&r);
  g_assert_cmpuint (count_prefixed (dir, "notes.txt.damaged-"), ==, 1);
}

/* --- a damaged database --- */

static void
corrupt_file (const char *path,
              gsize       at,
              gsize       len)
{
  int fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
  g_autofree char *junk = g_malloc (len);

  for (gsize i = 0; i < len; i++)
    junk[i] = (char) g_rand_int (rng);
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pwrite (fd, junk, len, at), ==, (gssize) len);
  close (fd);
}

static void
test_damaged (void)
{
  g_autofree char *db = copy_base ("damaged");
  g_autofree char *dir = g_path_get_dirname (db);
  g_autofree char *got = NULL;
  struct stat st;
  gint64 t0;
  Result r;

  g_assert_cmpint (g_stat (db, &st), ==, 0);
  corrupt_file (db, st.st_size / 2, st.st_size - st.st_size / 2);

  t0 = g_get_monotonic_time ();
  r = run_cli (db, "rebuild", NULL);
  g_test_message ("damaged: %.2f s: exit %d: %s", (g_get_monotonic_time () - t0) / 1e6, r.status, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "was damaged"));
  g_assert_nonnull (strstr (r.err, "costmeter.db.damaged-"));
  result_clear (&r);
  g_assert_cmpuint (count_prefixed (dir, "costmeter.db.damaged-"), ==, 1);

  /* The folders were read from the damaged file (no --source given), so
   * every transcript still on disk is back. */
  got = sources (db);
  g_assert_cmpstr (got, ==, base_sources);
  g_free (got);
  got = report (db);
  if (g_strcmp0 (got, base_report) != 0)
    {
      g_autofree char *path = g_build_filename (tmpdir, "damaged.json", NULL);
      g_file_set_contents (path, got, -1, NULL);
      g_test_message ("damaged: the report differs (kept in %s)", path);
    }
}

/* Damage scattered all over: reading what is left is bounded in time. */
static void
test_damaged_scattered (void)
{
  g_autofree char *db = copy_base ("scattered");
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
  g_autoptr(GPtrArray) argv = cli_argv (db, "rebuild");
  g_autoptr(GSubprocess) proc = NULL;
  struct stat st;
  gint64 t0;
  Result r;

  g_assert_cmpint (g_stat (db, &st), ==, 0);
  /* Every third 4 KiB page past the schema. */
  for (gsize at = 4 * 4096; at + 4096 <= (gsize) st.st_size; at += 3 * 4096)
    corrupt_file (db, at + 64, 4096 - 128);

  g_subprocess_launcher_setenv (launcher, "CM_SALVAGE_SECONDS", "10", TRUE);
  t0 = g_get_monotonic_time ();
  proc = spawn (launcher, argv);
  r = finish (proc);
  g_test_message ("scattered damage: %.2f s: exit %d: %s", (g_get_monotonic_time () - t0) / 1e6, r.status, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "was damaged"));
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 60 * G_USEC_PER_SEC);
  result_clear (&r);
}

/* --- costmeter-cli check --- */

/* Issue 15: corruption SQLite cannot see (a rollup that no longer adds up)
 * gave wrong figures with exit status 0; `check` finds it. */
static void
test_check (void)
{
  g_autofree char *db = copy_base ("check");
  sqlite3 *handle = NULL;
  Result r;

  r = run_cli (db, "check", NULL);
  g_test_message ("check: %s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "integrity check: ok"));
  g_assert_nonnull (strstr (r.out, "quarter hour against the messages: ok"));
  g_assert_nonnull (strstr (r.out, "session against the messages: ok"));
  result_clear (&r);

  /* A rollup row a cent off: every page is sound, the figures are not. */
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "UPDATE rollup SET cost = cost + 100000000 WHERE rowid ="
                                         " (SELECT min (rowid) FROM rollup)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  r = run_cli (db, "check", NULL);
  g_test_message ("check: %s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.out, "quarter hour against the messages: differ"));
  g_assert_nonnull (strstr (r.out, "session against the messages: ok"));
  g_assert_nonnull (strstr (r.err, "rebuild"));
  result_clear (&r);

  /* And the rebuild it points to mends it. */
  r = run_cli (db, "rebuild", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  r = run_cli (db, "check", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  assert_as_before (db, "check, rebuild");
}

/* --- files as they are --- */

/* Issue 15: opening the database chmod()ed it to 0600, following a symlink:
 * a chmod 400 was undone, and so was any mode the owner chose. A new file
 * is still made 0600. */
static void
test_modes_kept (void)
{
  g_autofree char *db = copy_base ("modes");
  g_autofree char *dir = g_path_get_dirname (db);
  g_autofree char *target = g_build_filename (dir, "real.db", NULL);
  g_autofree char *link = g_build_filename (dir, "link.db", NULL);
  g_autofree char *fresh = g_build_filename (dir, "fresh.db", NULL);
  struct stat st;
  Result r;

  g_assert_cmpint (g_chmod (db, 0400), ==, 0);
  r = run_cli (db, "report", "daily", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0400);

  /* Through a symlink: the target keeps its mode, the link stays a link. */
  g_assert_cmpint (g_rename (db, target), ==, 0);
  g_assert_cmpint (g_chmod (target, 0640), ==, 0);
  g_assert_cmpint (symlink (target, link), ==, 0);
  r = run_cli (link, "scan", "--no-default", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));

  /* A rebuild through the link replaces the target, not the link. */
  r = run_cli (link, "rebuild", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  g_assert_cmpint (g_stat (target, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0640);
  assert_as_before (link, "rebuild through a symlink");

  r = run_cli (fresh, "report", "daily", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_assert_cmpint (g_stat (fresh, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

/* Issue 15: an existing 0-byte database was taken as a new one without a
 * word (it may be what a crash or a bad copy left of the history). */
static void
test_empty_file_said (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "empty", NULL);
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  Result r;

  g_mkdir_with_parents (dir, 0700);
  cm_test_write_file (db, "", 0);
  r = run_cli (db, "report", "daily", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "was empty (0 bytes)"));
  result_clear (&r);

  /* Now it holds a database: nothing more to say. */
  r = run_cli (db, "report", "daily", NULL);
  g_assert_null (strstr (r.err, "was empty"));
  result_clear (&r);
}

/* --- the app at start-up --- */

static void
test_app_recovers (void)
{
  g_autofree char *db = copy_base ("app");
  g_autofree char *dir = g_path_get_dirname (db);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GPtrArray) list = NULL;
  g_autofree char *note = NULL;
  struct stat st;

  g_assert_cmpint (g_stat (db, &st), ==, 0);
  corrupt_file (db, st.st_size / 2, st.st_size - st.st_size / 2);

  /* Damage SQLite cannot see at open and no unclean shutdown: opened as it
   * is (the quick check is for after a crash). */
  store = cm_store_open_recovering (db, &note, &error);
  g_assert_no_error (error);
  g_assert_null (note);
  g_clear_object (&store);

  /* After a crash (its log left behind), the damage is found and the
   * database rebuilt at once. */
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    cm_test_write_file (wal, "left by a crash", -1);
  }
  store = cm_store_open_recovering (db, &note, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  g_assert_nonnull (note);
  g_assert_nonnull (strstr (note, "damaged"));
  g_assert_cmpuint (count_prefixed (dir, "costmeter.db.damaged-"), ==, 1);
  list = cm_store_list_sources (store, &error);
  g_assert_no_error (error);
  {
    g_auto(GStrv) lines = g_strsplit (base_sources, "\n", -1);
    g_assert_cmpuint (list->len, ==, g_strv_length (lines) - 1);
  }

  /* A healthy database opens as it is, with no note. */
  g_clear_object (&store);
  g_clear_pointer (&note, g_free);
  store = cm_store_open_recovering (db, &note, &error);
  g_assert_no_error (error);
  g_assert_null (note);
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  setup ();

  g_test_add_func ("/rebuild/keeps-history", test_keeps_history);
  g_test_add_func ("/rebuild/sigkill", test_sigkill);
  g_test_add_func ("/rebuild/disk-full", test_disk_full);
  g_test_add_func ("/rebuild/store-open", test_store_open);
  g_test_add_func ("/rebuild/not-sqlite", test_not_sqlite);
  g_test_add_func ("/rebuild/damaged", test_damaged);
  g_test_add_func ("/rebuild/damaged-scattered", test_damaged_scattered);
  g_test_add_func ("/rebuild/app-recovers", test_app_recovers);
  g_test_add_func ("/rebuild/modes-kept", test_modes_kept);
  g_test_add_func ("/rebuild/check", test_check);
  g_test_add_func ("/rebuild/empty-file-said", test_empty_file_said);

  rc = g_test_run ();
  g_rand_free (rng);

  return rc;
}
