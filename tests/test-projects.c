/* test-projects.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Projects as users mean them: a session belongs to the folder it was
 * started in, whatever its shell later cd's into; git worktrees fold into
 * their repository, followed through their .git file or recognised by their
 * layout. And transcripts that end in an incomplete line: not counted, but
 * said. */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cm-scanner.h"
#include "cm-source-resolver.h"
#include "cm-store-writer.h"
#include "cm-test-util.h"

typedef struct
{
  char      *dir;
  char      *projects;
  char      *db_path;
  CmStore   *store;
  CmPricing *pricing;
  CmScanner *scanner;
} Fixture;

#define LINE(id, ts, cwd) \
  "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"" cwd "\",\"timestamp\":\"" ts "\"," \
  "\"requestId\":\"req_" id "\",\"message\":{\"id\":\"msg_" id "\",\"model\":\"claude-opus-5\"," \
  "\"usage\":{\"input_tokens\":10,\"output_tokens\":100}}}\n"

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = cm_test_make_tmpdir ("projects");
  f->projects = g_build_filename (f->dir, "home", ".claude", "projects", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->projects, 0700), ==, 0);
  f->db_path = g_build_filename (f->dir, "db", "costmeter.db", NULL);
  f->store = cm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_builtin (&error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);
  g_assert_true (cm_store_add_source (f->store, f->projects, NULL, FALSE, &error) > 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->store);
  g_clear_object (&f->pricing);
  cm_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->projects);
  g_free (f->db_path);
}

static void
scan (Fixture     *f,
      CmScanStats *stats)
{
  g_autoptr(GError) error = NULL;
  CmScanStats local;

  g_assert_true (cm_scanner_scan_sync (f->scanner, NULL, stats != NULL ? stats : &local, &error));
  g_assert_no_error (error);
}

static GPtrArray *
project_rows (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = cm_store_query_groups (f->store, NULL, CM_GROUP_PROJECT, CM_GROUP_NONE, &error);

  g_assert_no_error (error);

  return rows;
}

/* The session's later lines come from a subfolder, another folder and a
 * subagent that ran elsewhere; the file even has a later line first. */
static void
test_launch_folder (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *main_file = g_build_filename (f->projects, "-home-u-shop", "s1.jsonl", NULL);
  g_autofree char *agent = g_build_filename (f->projects, "-home-u-shop", "s1", "subagents", "agent-a1.jsonl", NULL);
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  CmSessionRow *session;

  cm_test_write_file (main_file,
                      LINE ("01B", "2026-08-10T10:05:00Z", "/home/u/shop/web")
                      LINE ("01A", "2026-08-10T10:00:00Z", "/home/u/shop")
                      LINE ("01C", "2026-08-10T10:10:00Z", "/tmp/scratch"), -1);
  cm_test_write_file (agent, LINE ("01D", "2026-08-10T10:06:00Z", "/home/u/other"), -1);
  scan (f, NULL);

  rows = project_rows (f);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (((CmGroupRow *) g_ptr_array_index (rows, 0))->key, ==, "/home/u/shop");
  g_assert_cmpint (((CmGroupRow *) g_ptr_array_index (rows, 0))->totals.messages, ==, 4);

  sessions = cm_store_query_sessions (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sessions->len, ==, 1);
  session = g_ptr_array_index (sessions, 0);
  g_assert_cmpstr (session->project, ==, "/home/u/shop");

  /* Lines added later, from yet another folder, stay with the session. */
  cm_test_append_file (main_file, LINE ("01E", "2026-08-10T11:00:00Z", "/srv/elsewhere"));
  scan (f, NULL);
  g_clear_pointer (&rows, g_ptr_array_unref);
  rows = project_rows (f);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpint (((CmGroupRow *) g_ptr_array_index (rows, 0))->totals.messages, ==, 5);
}

/* A line whose newline has not come: not counted, but said, and kept. */
static void
test_pending_tail (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *file = g_build_filename (f->projects, "-home-u-shop", "s1.jsonl", NULL);
  const char *complete = LINE ("01A", "2026-08-10T10:00:00Z", "/home/u/shop");
  const char *cut = "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"/home/u/shop\"";
  CmScanStats stats;
  gint64 files, bytes;
  g_autoptr(GError) error = NULL;

  cm_test_write_file (file, complete, -1);
  cm_test_append_file (file, cut);
  scan (f, &stats);
  g_assert_cmpint (stats.records, ==, 1);
  g_assert_cmpint (stats.pending_files, ==, 1);
  g_assert_cmpint (stats.pending_bytes, ==, (gint64) strlen (cut));

  /* A scan that reads nothing new still says so: the store keeps it. */
  scan (f, &stats);
  g_assert_cmpint (stats.files_read, ==, 0);
  g_assert_cmpint (stats.pending_files, ==, 1);
  g_assert_true (cm_store_count_pending_tails (f->store, &files, &bytes, &error));
  g_assert_cmpint (files, ==, 1);
  g_assert_cmpint (bytes, ==, (gint64) strlen (cut));

  /* Its newline comes: the line is read (broken here) and nothing is pending. */
  cm_test_append_file (file, "\n");
  scan (f, &stats);
  g_assert_cmpint (stats.pending_files, ==, 0);
  g_assert_cmpint (stats.pending_bytes, ==, 0);
  g_assert_cmpint (stats.broken_lines, ==, 1);
}

/* The CLI's scan says it in a sentence. */
static void
test_pending_tail_cli (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("projects-cli");
  g_autofree char *projects = g_build_filename (dir, "home", ".claude", "projects", NULL);
  g_autofree char *file = g_build_filename (projects, "-home-u-shop", "s1.jsonl", NULL);
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL, *err = NULL;

  cm_test_write_file (file, LINE ("01A", "2026-08-10T10:00:00Z", "/home/u/shop") "{\"type\":", -1);
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           g_getenv ("CM_CLI"), "--db", db, "scan", "--no-default", "--source", projects, NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 0);
  g_assert_nonnull (strstr (err, "1 file ends in an incomplete line (8 bytes pending)."));
  cm_test_rm_rf (dir);
}

/* The layouts worktrees are made in, when the folder is gone. */
static void
test_worktree_layouts (void)
{
  static const char *cases[][2] = {
    { "/home/u/shop", "/home/u/shop" },
    { "/home/u/shop/", "/home/u/shop" },
    { "/home/u/shop/.claude/worktrees/feature-x", "/home/u/shop" },
    { "/home/u/shop/.claude/worktrees/feature-x/src", "/home/u/shop" },
    { "/home/u/shop/.git/worktrees/fix", "/home/u/shop" },
    { "/home/u/shop/.worktrees/fix", "/home/u/shop" },
    { "/home/u/shop-worktrees/feature-x", "/home/u/shop" },
    { "/home/u/shop-worktrees/feature-x/web", "/home/u/shop" },
    /* Not worktrees. */
    { "/home/u/my-worktrees-notes", "/home/u/my-worktrees-notes" },
    { "/home/u/-worktrees/x", "/home/u/-worktrees/x" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *project = cm_project_canonicalize (cases[i][0]);

      g_assert_cmpstr (project, ==, cases[i][1]);
    }
  g_assert_null (cm_project_canonicalize (""));
}

/* A worktree that still exists anywhere names its repository in its .git
 * file; a repository is itself; a subfolder of either finds them. */
static void
test_worktree_followed (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("worktrees");
  g_autofree char *repo = g_build_filename (dir, "code", "shop", NULL);
  g_autofree char *gitdir = g_build_filename (repo, ".git", "worktrees", "billing", NULL);
  g_autofree char *wt = g_build_filename (dir, "elsewhere", "billing-wip", NULL);
  g_autofree char *wt_sub = g_build_filename (wt, "src", "lib", NULL);
  g_autofree char *relative_wt = g_build_filename (dir, "code", "rel-wt", NULL);
  g_autofree char *gitfile = g_build_filename (wt, ".git", NULL);
  g_autofree char *relative_file = g_build_filename (relative_wt, ".git", NULL);
  g_autofree char *contents = g_strdup_printf ("gitdir: %s\n", gitdir);
  g_autofree char *repo_sub = g_build_filename (repo, "web", NULL);
  g_autofree char *p1 = NULL, *p2 = NULL, *p3 = NULL, *p4 = NULL;

  g_assert_cmpint (g_mkdir_with_parents (gitdir, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (wt_sub, 0700), ==, 0);
  g_assert_cmpint (g_mkdir_with_parents (repo_sub, 0700), ==, 0);
  cm_test_write_file (gitfile, contents, -1);
  cm_test_write_file (relative_file, "gitdir: ../shop/.git/worktrees/rel\n", -1);

  p1 = cm_project_canonicalize (wt);
  p2 = cm_project_canonicalize (wt_sub);
  p3 = cm_project_canonicalize (repo_sub);
  p4 = cm_project_canonicalize (relative_wt);
  g_assert_cmpstr (p1, ==, repo);
  g_assert_cmpstr (p2, ==, repo);
  g_assert_cmpstr (p3, ==, repo_sub);
  g_assert_cmpstr (p4, ==, repo);
  cm_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = cm_test_make_tmpdir ("projects-home");

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/projects/launch-folder", Fixture, NULL, fixture_set_up, test_launch_folder, fixture_tear_down);
  g_test_add ("/projects/pending-tail", Fixture, NULL, fixture_set_up, test_pending_tail, fixture_tear_down);
  g_test_add_func ("/projects/pending-tail-cli", test_pending_tail_cli);
  g_test_add_func ("/projects/worktree-layouts", test_worktree_layouts);
  g_test_add_func ("/projects/worktree-followed", test_worktree_followed);

  return g_test_run ();
}
