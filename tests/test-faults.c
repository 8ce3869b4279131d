/* test-faults.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Faults around a scan, through costmeter-cli as a user would meet them:
 * SIGKILL at random moments, files truncated, rewritten or deleted under the
 * scanner, a full disk, a database from an older schema and a damaged one.
 * After each, a scan in good conditions must give exactly the totals of a
 * clean scan. The corpus (~40 MB, $CM_FAULT_CORPUS_MB) is generated at run
 * time with gen-corpus.py; the random moments come from a fixed seed
 * ($CM_FAULT_SEED), so a failure can be replayed.
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
#include <sys/wait.h>
#include <unistd.h>

#include "cm-test-util.h"

static char *tmpdir;
static char *corpus;
static GPtrArray *source_args;   /* "--source" "DIR" ... */
static char *clean_report;       /* report daily --breakdown --json of a clean scan */
static gint64 clean_scan_us;
static GRand *rng;

typedef struct
{
  int   status;      /* exit status, or -signal */
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
  if (g_str_equal (command, "scan"))
    for (guint i = 0; i < source_args->len; i++)
      g_ptr_array_add (argv, g_ptr_array_index (source_args, i));

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

static Result
run_argv (GSubprocessLauncher *launcher,
          GPtrArray           *argv)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return finish (proc);
}

static Result
run_cli (const char *db,
         const char *command,
         ...)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
  g_autoptr(GPtrArray) argv = cli_argv (db, command);
  va_list args;

  va_start (args, command);
  for (const char *a = va_arg (args, const char *); a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);

  return run_argv (launcher, argv);
}

static void
scan_ok (const char *db)
{
  Result r = run_cli (db, "scan", NULL);

  if (r.status != 0)
    g_error ("scan failed (%d): %s", r.status, r.err);
  result_clear (&r);
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

static void
assert_clean_totals (const char *db,
                     const char *what)
{
  g_autofree char *got = report (db);

  if (g_strcmp0 (got, clean_report) != 0)
    {
      g_autofree char *path = g_build_filename (tmpdir, "mismatch.json", NULL);
      g_file_set_contents (path, got, -1, NULL);
      g_error ("%s: the report differs from a clean scan's (kept in %s)", what, path);
    }
}

static char *
new_db (const char *name)
{
  char *db = g_build_filename (tmpdir, name, "costmeter.db", NULL);
  g_autofree char *dir = g_path_get_dirname (db);

  cm_test_rm_rf (dir);
  g_mkdir_with_parents (dir, 0700);

  return db;
}

/* --- the corpus and the reference scan --- */

static void
collect_files (const char *dir,
               GPtrArray  *out)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        collect_files (path, out);
      else if (g_str_has_suffix (name, ".jsonl"))
        g_ptr_array_add (out, g_steal_pointer (&path));
    }
}

static int
compare_by_size_desc (gconstpointer a,
                      gconstpointer b)
{
  struct stat sa, sb;

  g_stat (*(const char **) a, &sa);
  g_stat (*(const char **) b, &sb);

  return sa.st_size > sb.st_size ? -1 : sa.st_size < sb.st_size ? 1 : 0;
}

/* The transcript files, biggest first. */
static GPtrArray *
corpus_files (void)
{
  GPtrArray *files = g_ptr_array_new_with_free_func (g_free);

  collect_files (corpus, files);
  g_ptr_array_sort (files, compare_by_size_desc);
  g_assert_cmpuint (files->len, >, 10);

  return files;
}

static void
setup_corpus (void)
{
  const char *gen = g_getenv ("CM_GEN_CORPUS");
  const char *mb = g_getenv ("CM_FAULT_CORPUS_MB");
  const char *seed = g_getenv ("CM_FAULT_SEED");
  g_autofree char *db = NULL;
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  const char *name;
  const char *argv[] = { "python3", gen, "--out", NULL, "--seed", "11",
                         "--size-mb", mb != NULL ? mb : "40", NULL };
  int status;
  gint64 t0;

  g_assert_nonnull (gen);
  tmpdir = cm_test_make_tmpdir ("faults");
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
  g_assert_cmpuint (source_args->len, >, 0);

  rng = g_rand_new_with_seed (seed != NULL ? g_ascii_strtoull (seed, NULL, 10) : 20261122);

  db = new_db ("clean");
  t0 = g_get_monotonic_time ();
  scan_ok (db);
  clean_scan_us = g_get_monotonic_time () - t0;
  clean_report = report (db);
  g_assert_nonnull (strstr (clean_report, "\"messages\""));
  g_test_message ("clean scan: %.2f s", clean_scan_us / 1e6);
}

/* --- SIGKILL at random moments --- */

static GSubprocess *
spawn_scan (const char *db)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
  g_autoptr(GPtrArray) argv = cli_argv (db, "scan");
  g_autoptr(GError) error = NULL;
  GSubprocess *proc;

  g_ptr_array_add (argv, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);

  return proc;
}

static void
test_sigkill (void)
{
  const char *env = g_getenv ("CM_FAULT_KILLS");
  const guint wanted = env != NULL ? (guint) g_ascii_strtoull (env, NULL, 10) : 20;
  guint kills = 0;
  guint rounds = 0;
  guint attempts = 0;
  g_autofree char *db = NULL;

  /* Rounds of a few kills each on a fresh database, so kills land early,
   * late and in between; every round ends with a scan that completes. */
  while (kills < wanted)
    {
      g_autofree char *name = g_strdup_printf ("kill-%u", rounds++);

      g_free (db);
      db = new_db (name);

      for (guint k = 0; k < 5 && kills < wanted; k++)
        {
          g_autoptr(GSubprocess) proc = spawn_scan (db);
          gulong delay = g_rand_int_range (rng, 0, MAX ((gint32) clean_scan_us, 2000));
          Result r;

          g_usleep (delay);
          g_subprocess_force_exit (proc);
          r = finish (proc);
          attempts++;
          if (r.status == -SIGKILL)
            kills++;
          else
            g_assert_cmpint (r.status, ==, 0);  /* finished before the kill */
          result_clear (&r);
          g_assert_cmpuint (attempts, <, 10 * wanted);
        }

      scan_ok (db);
      assert_clean_totals (db, "after SIGKILLs");

      /* A second scan finds nothing new. */
      {
        Result r = run_cli (db, "scan", NULL);
        g_assert_cmpint (r.status, ==, 0);
        g_assert_nonnull (strstr (r.err, " 0 new messages"));
        result_clear (&r);
      }
    }

  g_test_message ("%u SIGKILLs landed in %u attempts over %u databases", kills, attempts, rounds);
}

/* --- files changing under the scanner --- */

typedef struct
{
  GPtrArray *files;
  gint       stop;
  gint       rounds;
  int        mode;
} Mutator;

enum { MUTATE_TRUNCATE, MUTATE_REPLACE, MUTATE_DELETE };

static gpointer
mutator_thread (gpointer data)
{
  Mutator *m = data;

  while (!g_atomic_int_get (&m->stop))
    {
      for (guint i = 0; i < MIN (m->files->len, 8) && !g_atomic_int_get (&m->stop); i++)
        {
          const char *path = g_ptr_array_index (m->files, i);
          g_autofree char *contents = NULL;
          g_autoptr(GError) error = NULL;
          gsize len;

          if (!g_file_get_contents (path, &contents, &len, &error))
            continue;

          if (m->mode == MUTATE_TRUNCATE)
            {
              /* Cut it (mid-line), then write the rest back: readers see a
               * shorter file for a moment, never other bytes. */
              int fd = g_open (path, O_WRONLY | O_CLOEXEC, 0);
              gsize cut = len / 2;

              g_assert_cmpint (fd, >=, 0);
              g_assert_cmpint (ftruncate (fd, cut), ==, 0);
              g_usleep (2000);
              g_assert_cmpint (pwrite (fd, contents + cut, len - cut, cut), ==, (gssize) (len - cut));
              close (fd);
            }
          else if (m->mode == MUTATE_REPLACE)
            {
              /* An editor-style rewrite: same bytes, a new inode. */
              g_file_set_contents (path, contents, len, &error);
              g_assert_no_error (error);
            }
          else
            {
              g_unlink (path);
              g_usleep (3000);
              g_file_set_contents (path, contents, len, &error);
              g_assert_no_error (error);
            }
        }
      g_atomic_int_inc (&m->rounds);
    }

  return NULL;
}

static void
scan_while_mutating (int         mode,
                     const char *name)
{
  g_autoptr(GPtrArray) files = corpus_files ();
  g_autofree char *db = new_db (name);
  Mutator m = { files, 0, 0, mode };
  GThread *thread;

  for (guint i = 0; i < 3; i++)
    {
      Result r;

      thread = g_thread_new ("mutator", mutator_thread, &m);
      r = run_cli (db, "scan", NULL);
      g_atomic_int_set (&m.stop, 1);
      g_thread_join (thread);
      m.stop = 0;

      /* A file that vanished between listing and opening is reported and
       * skipped (exit 3); anything else is a failure. */
      if (r.status != 0 && !(mode == MUTATE_DELETE && r.status == 3))
        g_error ("scan under %s failed (%d): %s", name, r.status, r.err);
      if (strstr (r.err, "CRITICAL") != NULL ||
          (r.status == 0 && strstr (r.err, "WARNING") != NULL))
        g_error ("scan under %s: %s", name, r.err);
      if (r.status == 3)
        g_assert_nonnull (strstr (r.err, "No such file"));
      result_clear (&r);
    }

  g_assert_cmpint (m.rounds, >, 0);

  /* Quiet again: the next scan brings the database to the clean totals. */
  scan_ok (db);
  assert_clean_totals (db, name);
}

static void
test_truncate_under_scan (void)
{
  scan_while_mutating (MUTATE_TRUNCATE, "truncate");
}

static void
test_replace_under_scan (void)
{
  scan_while_mutating (MUTATE_REPLACE, "replace");
}

static void
test_delete_under_scan (void)
{
  scan_while_mutating (MUTATE_DELETE, "delete");
}

/* History outlives the transcripts: a file cut short (or deleted) keeps the
 * messages already read; lines appended later count once. */
static void
test_truncated_keeps_history (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "history", NULL);
  g_autofree char *src = g_build_filename (dir, ".claude", "projects", "-p", NULL);
  g_autofree char *file = g_build_filename (src, "s.jsonl", NULL);
  g_autofree char *db = new_db ("history-db");
  g_autoptr(GPtrArray) files = corpus_files ();
  g_autofree char *contents = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  const char *nl;
  gsize len;
  Result r;

  g_assert_true (g_file_get_contents (g_ptr_array_index (files, 0), &contents, &len, NULL));
  cm_test_write_file (file, contents, len);

  r = run_cli (db, "scan", NULL);   /* the corpus sources: nothing to do with this file */
  result_clear (&r);

  launcher = new_launcher ();
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
    g_ptr_array_add (argv, "--db");
    g_ptr_array_add (argv, db);
    g_ptr_array_add (argv, "scan");
    g_ptr_array_add (argv, "--source");
    g_ptr_array_add (argv, dir);
    r = run_argv (launcher, argv);
    g_assert_cmpint (r.status, ==, 0);
    result_clear (&r);
  }
  before = report (db);

  /* Cut to the first half (at a line end), scan: nothing is lost. */
  nl = memchr (contents + len / 2, '\n', len - len / 2);
  g_assert_nonnull (nl);
  g_assert_cmpint (truncate (file, nl - contents + 1), ==, 0);
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
    g_ptr_array_add (argv, "--db");
    g_ptr_array_add (argv, db);
    g_ptr_array_add (argv, "scan");
    g_ptr_array_add (argv, "--source");
    g_ptr_array_add (argv, dir);
    r = run_argv (launcher, argv);
    g_assert_cmpint (r.status, ==, 0);
    result_clear (&r);
  }
  after = report (db);
  g_assert_cmpstr (after, ==, before);

  /* Deleted: still nothing lost. */
  g_assert_cmpint (g_unlink (file), ==, 0);
  {
    g_autoptr(GPtrArray) argv = g_ptr_array_new ();
    g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
    g_ptr_array_add (argv, "--db");
    g_ptr_array_add (argv, db);
    g_ptr_array_add (argv, "scan");
    g_ptr_array_add (argv, "--source");
    g_ptr_array_add (argv, dir);
    r = run_argv (launcher, argv);
    g_assert_cmpint (r.status, ==, 0);
    result_clear (&r);
  }
  g_free (after);
  after = report (db);
  g_assert_cmpstr (after, ==, before);
}

/* --- a full disk --- */

static void
limit_file_size_cb (gpointer data)
{
  struct rlimit rl;

  /* EFBIG instead of the default SIGXFSZ: what a full disk or a quota does. */
  signal (SIGXFSZ, SIG_IGN);
  rl.rlim_cur = rl.rlim_max = GPOINTER_TO_SIZE (data);
  setrlimit (RLIMIT_FSIZE, &rl);
}

static void
test_disk_full (void)
{
  g_autofree char *db = new_db ("full");
  const gsize limits[] = { 64 * 1024, 1024 * 1024, 3 * 1024 * 1024 };

  for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
    {
      g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
      g_autoptr(GPtrArray) argv = cli_argv (db, "scan");
      Result r;

      g_subprocess_launcher_set_child_setup (launcher, limit_file_size_cb,
                                             GSIZE_TO_POINTER (limits[i]), NULL);
      r = run_argv (launcher, argv);

      /* A clear error and an orderly exit, never a crash. The larger limits
       * may be enough for a compact database: then the scan just succeeds. */
      g_test_message ("limit %zu: exit %d: %s", limits[i], r.status, r.err);
      if (i == 0 || r.status != 0)
        {
          g_assert_cmpint (r.status, ==, 1);
          g_assert_nonnull (strstr (r.err, "disk is full"));
        }
      g_assert_null (strstr (r.err, "CRITICAL"));
      result_clear (&r);

      /* What was committed reads fine. */
      r = run_cli (db, "report", "daily", "--json", NULL);
      g_assert_cmpint (r.status, ==, 0);
      result_clear (&r);
    }

  /* Space again: the scan completes with the clean totals. */
  scan_ok (db);
  assert_clean_totals (db, "after a full disk");
}

/* --- databases from elsewhere --- */

static void
test_empty_schema_migrates (void)
{
  g_autofree char *db = new_db ("v0");
  sqlite3 *handle = NULL;

  /* Schema version 0: an empty SQLite file (user_version 0). */
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA user_version = 0; VACUUM;", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  scan_ok (db);
  assert_clean_totals (db, "from schema 0");

  /* And the migrated file says so. */
  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  {
    sqlite3_stmt *stmt = NULL;
    g_assert_cmpint (sqlite3_prepare_v2 (handle, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), >=, 1);
    sqlite3_finalize (stmt);
  }
  sqlite3_close (handle);
}

static void
test_newer_schema_refused (void)
{
  g_autofree char *db = new_db ("v999");
  sqlite3 *handle = NULL;
  Result r;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "CREATE TABLE x (y); PRAGMA user_version = 999;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);

  r = run_cli (db, "report", "daily", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "newer CostMeter"));
  result_clear (&r);
}

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

/* A damaged file may have lost its folder list too: name the folders. One
 * that does not even start as SQLite's is replaced only when forced. */
static void
rebuild_with_sources (const char *db,
                      gboolean    force)
{
  g_autoptr(GSubprocessLauncher) launcher = new_launcher ();
  g_autoptr(GPtrArray) argv = cli_argv (db, "rebuild");
  Result r;

  if (force)
    g_ptr_array_add (argv, "--force");
  for (guint i = 0; i < source_args->len; i++)
    g_ptr_array_add (argv, g_ptr_array_index (source_args, i));
  r = run_argv (launcher, argv);
  if (r.status != 0)
    g_error ("rebuild failed (%d): %s", r.status, r.err);
  result_clear (&r);
}

/* Moves everything into the main file and drops the WAL, so the damage below
 * is not healed by a WAL copy of the page. */
static void
checkpoint (const char *db)
{
  sqlite3 *handle = NULL;

  g_assert_cmpint (sqlite3_open (db, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, "PRAGMA wal_checkpoint(TRUNCATE); PRAGMA journal_mode = DELETE;",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
}

static void
assert_damaged_then_rebuild (const char *db,
                             const char *what,
                             gboolean    header)
{
  Result r = run_cli (db, "report", "daily", NULL);

  g_test_message ("%s: exit %d: %s", what, r.status, r.err);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "damaged"));
  g_assert_nonnull (strstr (r.err, "rebuild"));
  result_clear (&r);

  r = run_cli (db, "scan", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "rebuild"));
  result_clear (&r);

  /* The offered way out works; without a SQLite header, only when forced. */
  if (header)
    {
      r = run_cli (db, "rebuild", NULL);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, "--force"));
      result_clear (&r);
    }
  rebuild_with_sources (db, header);
  assert_clean_totals (db, what);
}

static void
test_corrupt_header (void)
{
  g_autofree char *db = new_db ("corrupt-header");

  scan_ok (db);
  checkpoint (db);
  corrupt_file (db, 0, 100);
  assert_damaged_then_rebuild (db, "header overwritten", TRUE);
}

static void
test_corrupt_pages (void)
{
  g_autofree char *db = new_db ("corrupt-pages");
  struct stat st;
  Result r;

  scan_ok (db);
  checkpoint (db);
  g_assert_cmpint (g_stat (db, &st), ==, 0);
  /* Trash the second half: the schema opens, queries hit broken b-trees. */
  corrupt_file (db, st.st_size / 2, st.st_size - st.st_size / 2);

  r = run_cli (db, "report", "daily", NULL);
  g_test_message ("pages overwritten: exit %d: %s", r.status, r.err);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "damaged"));
  g_assert_nonnull (strstr (r.err, "rebuild"));
  result_clear (&r);

  rebuild_with_sources (db, FALSE);
  assert_clean_totals (db, "pages overwritten");
}

static void
test_not_a_database (void)
{
  g_autofree char *db = new_db ("not-a-db");

  g_assert_true (g_file_set_contents (db, "this is a text file, not SQLite\n", -1, NULL));
  {
    Result r = run_cli (db, "report", "daily", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "rebuild"));
    result_clear (&r);
  }
  /* Not replaced unless forced; then kept beside the new one. */
  {
    Result r = run_cli (db, "rebuild", NULL);
    g_assert_cmpint (r.status, ==, 1);
    g_assert_nonnull (strstr (r.err, "not a SQLite database"));
    result_clear (&r);
  }
  rebuild_with_sources (db, TRUE);
  assert_clean_totals (db, "not a database");
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  setup_corpus ();

  g_test_add_func ("/faults/sigkill", test_sigkill);
  g_test_add_func ("/faults/truncate-under-scan", test_truncate_under_scan);
  g_test_add_func ("/faults/replace-under-scan", test_replace_under_scan);
  g_test_add_func ("/faults/delete-under-scan", test_delete_under_scan);
  g_test_add_func ("/faults/truncated-keeps-history", test_truncated_keeps_history);
  g_test_add_func ("/faults/disk-full", test_disk_full);
  g_test_add_func ("/faults/schema-0-migrates", test_empty_schema_migrates);
  g_test_add_func ("/faults/newer-schema-refused", test_newer_schema_refused);
  g_test_add_func ("/faults/corrupt-header", test_corrupt_header);
  g_test_add_func ("/faults/corrupt-pages", test_corrupt_pages);
  g_test_add_func ("/faults/not-a-database", test_not_a_database);

  rc = g_test_run ();
  g_rand_free (rng);

  return rc;
}
