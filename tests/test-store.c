/* test-store.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "cm-source-resolver.h"
#include "cm-store.h"
#include "cm-store-writer.h"
#include "cm-test-util.h"

static char *
new_db_path (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("store");

  return g_build_filename (dir, "nested", "costmeter.db", NULL);
}

static void
test_open_private (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autofree char *dir = g_path_get_dirname (path);
  GStatBuf st;

  umask (022);
  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_cmpint (g_stat (dir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0077, ==, 0);
}

static void
test_too_new_and_corrupt (void)
{
  g_autofree char *path = new_db_path ();
  g_autofree char *bad = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  sqlite3 *db = NULL;

  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  store = cm_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_TOO_NEW);
  g_clear_error (&error);

  cm_test_write_file (bad, "garbage garbage garbage garbage garbage garbage garbage garbage garbage "
                      "garbage garbage garbage garbage garbage garbage garbage garbage garbage", -1);
  store = cm_store_open (bad, &error);
  g_assert_null (store);
  g_assert_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT);
  g_assert_true (strstr (error->message, "rebuild") != NULL);
  g_clear_error (&error);

  /* A rebuild starts from an empty file. */
  g_assert_true (cm_store_delete_files (bad, &error));
  store = cm_store_open (bad, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
}

static void
changed_cb (CmStore *store,
            guint   *count)
{
  (*count)++;
}

/* A commit that changed rows moves the generation (caches reload), one that
 * changed nothing does not, and neither says "changed" by itself. */
static void
test_generation (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  CmFileState state = { 0 };
  guint changed = 0;
  guint64 generation;

  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changed);
  generation = cm_store_get_generation (store);

  g_assert_true (cm_store_write_begin (store, &error));
  g_assert_true (cm_store_write_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cm_store_get_generation (store), ==, generation);

  g_assert_true (cm_store_write_begin (store, &error));
  state.path = (char *) "/test/generation.jsonl";
  state.size = 1;
  g_assert_true (cm_store_write_file_state (store, &state, &error));
  g_assert_true (cm_store_write_commit (store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cm_store_get_generation (store), ==, generation + 1);

  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (changed, ==, 0);
}

static void
test_sources (void)
{
  g_autofree char *path = new_db_path ();
  g_autofree char *folder = cm_test_make_tmpdir ("source");
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  CmSourceInfo *info;
  guint changed = 0;

  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &changed);

  g_assert_cmpint (cm_store_add_source (store, folder, NULL, FALSE, &error), >, 0);
  /* Adding it again keeps one row and sets the owner. */
  g_assert_cmpint (cm_store_add_source (store, folder, "o'brien@example.com", FALSE, &error), >, 0);
  g_assert_no_error (error);

  sources = cm_store_list_sources (store, &error);
  g_assert_cmpuint (sources->len, ==, 1);
  info = g_ptr_array_index (sources, 0);
  g_assert_cmpstr (info->owner, ==, "o'brien@example.com");
  g_assert_false (info->is_default);
  g_assert_true (info->enabled);
  g_clear_pointer (&sources, g_ptr_array_unref);

  g_assert_true (cm_store_set_source_enabled (store, folder, FALSE, &error));
  g_assert_true (cm_store_set_source_owner (store, folder, NULL, &error));
  sources = cm_store_list_sources (store, &error);
  info = g_ptr_array_index (sources, 0);
  g_assert_null (info->owner);
  g_assert_false (info->enabled);
  g_clear_pointer (&sources, g_ptr_array_unref);

  g_assert_true (cm_store_remove_source (store, folder, &error));
  sources = cm_store_list_sources (store, &error);
  g_assert_cmpuint (sources->len, ==, 0);

  g_assert_false (cm_store_set_source_owner (store, folder, "x@example.com", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  /* "changed" arrives on the main context, coalesced. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (changed, >=, 1);
}

/* One copy of @id (request @req) in a transaction of its own. */
static void
write_copy (CmStore    *store,
            const char *id,
            const char *req,
            gboolean    sidechain)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_strdup_printf ("/test/%s.jsonl", sidechain ? "agent-x" : "main");
  g_autofree char *uuid = g_strdup_printf ("%s-%s", id, req);
  CmFileState state = { .path = path, .size = 1 };
  CmRecord record = { .message_id = (char *) id, .request_id = (char *) req, .uuid = uuid,
                      .model_raw = (char *) "claude-sonnet-4-5", .timestamp_ms = 1700000000000,
                      .is_sidechain = sidechain, .usage = { .input = 10, .output = 70 } };
  g_autofree char *dkey = cm_record_dedup_key (&record, 0, 0);
  CmMessageMeta meta = { .dkey = dkey, .session_id = "s1", .project = "p",
                         .model = "claude-sonnet-4-5", .backend = CM_BACKEND_ANTHROPIC };

  g_assert_true (cm_store_write_begin (store, &error));
  g_assert_true (cm_store_write_file_state (store, &state, &error));
  meta.file_id = state.id;
  g_assert_true (cm_store_write_message (store, &record, &meta, &error));
  g_assert_true (cm_store_write_commit (store, &error));
  g_assert_no_error (error);
}

/* The sidechain rule holds whichever copy comes first and however the
 * writes are split: across transactions of one scan (the fingerprints in
 * memory), across scans (looked up), and with another connection writing
 * in between (its copies are not in this one's fingerprints). */
static void
test_sidechain_replays (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autoptr(CmStore) other = NULL;

  store = cm_store_open (path, &error);
  g_assert_no_error (error);

  /* From empty, one transaction each: main first, then the replay. */
  write_copy (store, "msg_A", "req_1", FALSE);
  write_copy (store, "msg_A", "req_9", TRUE);
  /* A subagent's own message stays. */
  write_copy (store, "msg_S", "req_2", TRUE);
  g_assert_cmpint (cm_store_count_messages (store, NULL), ==, 2);

  /* The replay first, the main copy in a later scan. */
  cm_store_release_memory (store);
  write_copy (store, "msg_B", "req_8", TRUE);
  cm_store_release_memory (store);
  write_copy (store, "msg_B", "req_3", FALSE);
  g_assert_cmpint (cm_store_count_messages (store, NULL), ==, 3);

  /* Another writer's replay, then this store's main copy. */
  g_clear_object (&store);
  g_assert_true (cm_store_delete_files (path, &error));
  store = cm_store_open (path, &error);
  g_assert_no_error (error);
  write_copy (store, "msg_S", "req_2", TRUE);
  other = cm_store_open (path, &error);
  g_assert_no_error (error);
  write_copy (other, "msg_C", "req_7", TRUE);
  write_copy (store, "msg_C", "req_4", FALSE);
  g_assert_cmpint (cm_store_count_messages (store, NULL), ==, 2);
}

static void
test_ratelimit_observations (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (path, &error);
  g_autoptr(GPtrArray) rows = NULL;
  CmRateLimitObservation obs = {
    .observed_ms = 1000, .model = (char *) "claude-haiku-4-5", .organization_id = (char *) "org-1",
    .kind = (char *) "requests", .limit = 50, .remaining = 49, .reset_ms = 2000,
    .retry_after_s = -1, .http_status = 200,
  };

  g_assert_true (cm_store_add_ratelimit_observation (store, &obs, &error));
  obs.observed_ms = 5000;
  obs.remaining = 10;
  g_assert_true (cm_store_add_ratelimit_observation (store, &obs, &error));
  obs.kind = (char *) "input-tokens";
  obs.limit = 40000;
  obs.remaining = 39000;
  g_assert_true (cm_store_add_ratelimit_observation (store, &obs, &error));
  g_assert_no_error (error);

  rows = cm_store_list_ratelimit_observations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  for (guint i = 0; i < rows->len; i++)
    {
      CmRateLimitObservation *o = g_ptr_array_index (rows, i);

      g_assert_cmpint (o->observed_ms, ==, 5000);
      if (g_str_equal (o->kind, "requests"))
        g_assert_cmpint (o->remaining, ==, 10);
      else
        g_assert_cmpint (o->limit, ==, 40000);
      g_assert_cmpstr (o->organization_id, ==, "org-1");
    }
}

static void
test_filter_validation (void)
{
  g_autofree char *path = new_db_path ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (path, &error);
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  const char *hostile[] = { "'); DROP TABLE messages; --", "\" OR 1=1 --", NULL };
  CmTotals t;

  filter->since = g_strdup ("2026-02-30");
  g_assert_false (cm_store_query_totals (store, filter, &t, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_clear_pointer (&filter->since, g_free);
  filter->since = g_strdup ("2026-09-10");
  filter->until = g_strdup ("2026-09-01");
  g_assert_false (cm_store_query_totals (store, filter, &t, &error));
  g_clear_error (&error);
  g_clear_pointer (&filter->until, g_free);

  filter->timezone = g_strdup ("Not/AZone");
  g_assert_false (cm_store_query_totals (store, filter, &t, &error));
  g_clear_error (&error);
  g_clear_pointer (&filter->timezone, g_free);

  /* Hostile strings are plain data in every list and text filter. */
  filter->project = g_strdup (hostile[0]);
  filter->models_set = TRUE;
  filter->models = g_strdupv ((char **) hostile);
  filter->users_set = TRUE;
  filter->users = g_strdupv ((char **) hostile);
  g_assert_true (cm_store_query_totals (store, filter, &t, &error));
  g_assert_no_error (error);
  g_assert_cmpint (t.messages, ==, 0);
  g_assert_true (cm_store_query_totals (store, NULL, &t, &error));
}

static void
test_resolver (void)
{
  g_autofree char *root = cm_test_make_tmpdir ("resolve");
  g_autofree char *home = g_build_filename (root, "alice", NULL);
  g_autofree char *claude = g_build_filename (home, ".claude", NULL);
  g_autofree char *projects = g_build_filename (claude, "projects", NULL);
  g_autofree char *identity = g_build_filename (home, ".claude.json", NULL);
  g_autoptr(CmResolvedSource) a = NULL;
  g_autoptr(CmResolvedSource) b = NULL;
  g_autoptr(CmResolvedSource) c = NULL;
  g_autofree char *email = NULL;
  g_auto(GStrv) defaults = NULL;
  g_autofree char *p = NULL;

  g_assert_cmpint (g_mkdir_with_parents (projects, 0700), ==, 0);
  cm_test_write_file (identity, "{\"numStartups\": 3, \"oauthAccount\": {\"emailAddress\": \"alice@example.com\"}}", -1);

  a = cm_source_resolve (home);
  b = cm_source_resolve (claude);
  c = cm_source_resolve (projects);
  g_assert_cmpstr (a->projects_dir, ==, projects);
  g_assert_cmpstr (b->projects_dir, ==, projects);
  g_assert_cmpstr (c->projects_dir, ==, projects);
  g_assert_cmpstr (a->identity_file, ==, identity);
  g_assert_cmpstr (b->identity_file, ==, identity);
  g_assert_cmpstr (c->identity_file, ==, identity);

  email = cm_source_read_owner_email (identity);
  g_assert_cmpstr (email, ==, "alice@example.com");
  g_clear_pointer (&email, g_free);

  /* Half-written by Claude Code: no owner, no crash. */
  cm_test_write_file (identity, "{\"oauthAccount\": {\"emailAdd", -1);
  g_assert_null (cm_source_read_owner_email (identity));

  g_setenv ("CLAUDE_CONFIG_DIR", "/a/one, /b/two,", TRUE);
  defaults = cm_source_default_paths ();
  g_assert_cmpstrv (defaults, ((const char *[]) { "/a/one", "/b/two", NULL }));
  g_clear_pointer (&defaults, g_strfreev);

  g_unsetenv ("CLAUDE_CONFIG_DIR");
  g_setenv ("HOME", "/home/zed", TRUE);
  g_setenv ("XDG_CONFIG_HOME", "/home/zed/.cfg", TRUE);
  defaults = cm_source_default_paths ();
  g_assert_cmpstrv (defaults, ((const char *[]) { "/home/zed/.cfg/claude/projects",
                                                  "/home/zed/.claude/projects", NULL }));

  p = cm_project_canonicalize ("/home/a/src/shop/.claude/worktrees/fix-cart");
  g_assert_cmpstr (p, ==, "/home/a/src/shop");
  g_clear_pointer (&p, g_free);
  p = cm_project_canonicalize ("/home/a/src/shop/");
  g_assert_cmpstr (p, ==, "/home/a/src/shop");
  g_assert_null (cm_project_canonicalize (""));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/store/open-private", test_open_private);
  g_test_add_func ("/core/store/too-new-and-corrupt", test_too_new_and_corrupt);
  g_test_add_func ("/core/store/sources", test_sources);
  g_test_add_func ("/core/store/generation", test_generation);
  g_test_add_func ("/core/store/sidechain-replays", test_sidechain_replays);
  g_test_add_func ("/core/store/ratelimit-observations", test_ratelimit_observations);
  g_test_add_func ("/core/store/filter-validation", test_filter_validation);
  g_test_add_func ("/core/store/resolver", test_resolver);

  return g_test_run ();
}
