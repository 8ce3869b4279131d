/* test-scanner.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Scanning transcripts into the store: the fixture corpus against totals
 * computed independently, and every dedup and billing rule on small,
 * hand-written transcripts.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-scanner.h"
#include "cm-store-writer.h"
#include "cm-test-schema.h"
#include "cm-test-util.h"

typedef struct
{
  char      *dir;       /* a fake home: dir/.claude/projects/... */
  char      *projects;
  char      *db_path;
  CmStore   *store;
  CmPricing *pricing;
  CmScanner *scanner;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = cm_test_make_tmpdir ("scanner");
  f->projects = g_build_filename (f->dir, "home", ".claude", "projects", NULL);
  g_assert_cmpint (g_mkdir_with_parents (f->projects, 0700), ==, 0);
  f->db_path = g_build_filename (f->dir, "db", "costmeter.db", NULL);
  f->store = cm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);
}

#define AGGREGATES \
  "count (*), sum (priced = 0), sum (input), sum (output), sum (cw5m), sum (cw1h), sum (cr)," \
  " sum (ws), sum (estimated), sum (cost), sum (c_input), sum (c_output), sum (c_cw5m)," \
  " sum (c_cw1h), sum (c_cr), sum (c_ws), min (ts), max (ts)"
#define STORED \
  "messages, unpriced, input, output, cw5m, cw1h, cr, ws, estimated, cost, c_input, c_output," \
  " c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms"

/* Rows of @table (keyed by @stored) that differ from the messages summed
 * again by @key, and the other way round. */
static gint64
count_rollup_differences (sqlite3    *db,
                          const char *table,
                          const char *stored,
                          const char *key)
{
  g_autofree char *sql = g_strdup_printf (
    "SELECT count (*) FROM ("
    " SELECT * FROM (SELECT %s, " STORED " FROM %s EXCEPT SELECT %s, " AGGREGATES " FROM messages GROUP BY %s)"
    " UNION ALL"
    " SELECT * FROM (SELECT %s, " AGGREGATES " FROM messages GROUP BY %s EXCEPT SELECT %s, " STORED " FROM %s))",
    stored, table, key, key, key, key, stored, table);
  sqlite3_stmt *stmt = NULL;
  gint64 count;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  count = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);

  return count;
}

/* Reports read the rollups kept by triggers: row for row, they must hold
 * the messages' sums, whatever happened before. */
static void
assert_rollup_consistent (Fixture *f)
{
#define KEY "ts - ts % 900000, model, speed, backend, ifnull (user_id, 0), ifnull (project, '')"
#define ROLLUP_KEY "ts, model, speed, backend, user_id, project"
  sqlite3 *db = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = cm_store_query_sessions (f->store, NULL, &error);
  g_autoptr(GPtrArray) users = NULL;
  CmTotals from_messages = { 0 };
  CmTotals from_rollup = { 0 };
  gint64 user_messages = 0;

  g_assert_no_error (error);
  for (guint i = 0; i < sessions->len; i++)
    cm_totals_add (&from_messages, &((CmSessionRow *) g_ptr_array_index (sessions, i))->totals);

  g_assert_true (cm_store_query_totals (f->store, NULL, &from_rollup, &error));
  from_messages.first_ms = from_rollup.first_ms = 0;
  from_messages.last_ms = from_rollup.last_ms = 0;
  g_assert_cmpmem (&from_messages, sizeof from_messages, &from_rollup, sizeof from_rollup);

  users = cm_store_query_groups (f->store, NULL, CM_GROUP_USER, CM_GROUP_NONE, &error);
  for (guint i = 0; i < users->len; i++)
    user_messages += ((CmGroupRow *) g_ptr_array_index (users, i))->totals.messages;
  g_assert_cmpint (user_messages, ==, from_rollup.messages);

  g_assert_cmpint (sqlite3_open_v2 (f->db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (count_rollup_differences (db, "rollup", ROLLUP_KEY, KEY), ==, 0);
  g_assert_cmpint (count_rollup_differences (db, "session_rollup", "session_id, " ROLLUP_KEY,
                                             "ifnull (session_id, ''), " KEY), ==, 0);
  sqlite3_close (db);
#undef KEY
#undef ROLLUP_KEY
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  assert_rollup_consistent (f);

  /* Pending notifications hold references until they run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->scanner);
  g_clear_object (&f->pricing);
  g_assert_finalize_object (f->store);
  g_free (f->projects);
  g_free (f->db_path);
  g_free (f->dir);
}

static void
scan (Fixture     *f,
      CmScanStats *stats)
{
  g_autoptr(GError) error = NULL;
  CmScanStats local;

  g_assert_true (cm_scanner_scan_sync (f->scanner, NULL, stats ? stats : &local, &error));
  g_assert_no_error (error);
}

static void
totals (Fixture             *f,
        const CmQueryFilter *filter,
        CmTotals            *t)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_store_query_totals (f->store, filter, t, &error));
  g_assert_no_error (error);
}

static char *
project_file (Fixture    *f,
              const char *rel)
{
  return g_build_filename (f->projects, rel, NULL);
}

static void
add_home_source (Fixture    *f,
                 const char *owner)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);

  g_assert_cmpint (cm_store_add_source (f->store, home, owner, FALSE, &error), >, 0);
  g_assert_no_error (error);
}

typedef struct
{
  const char *id;
  const char *req;
  const char *model;
  const char *ts;
  gint64      input, output, cw5m, cw1h, cr, ws;
  gboolean    sidechain;
  gboolean    no_breakdown;  /* older Claude Code: cache_creation_input_tokens only */
  const char *uuid;
  const char *session;
} Line;

static char *
line_json (const Line *l)
{
  g_autoptr(GString) s = g_string_new ("{\"parentUuid\":null,\"isSidechain\":");

  g_string_append (s, l->sidechain ? "true" : "false");
  g_string_append_printf (s, ",\"userType\":\"external\",\"cwd\":\"/home/t/src/proj\",\"sessionId\":\"%s\","
                          "\"version\":\"2.0.37\",\"type\":\"assistant\",\"uuid\":\"%s\","
                          "\"timestamp\":\"%s\",",
                          l->session ? l->session : "sess-1", l->uuid ? l->uuid : "u-1",
                          l->ts ? l->ts : "2026-09-10T12:00:00.000Z");
  if (l->req != NULL)
    g_string_append_printf (s, "\"requestId\":\"%s\",", l->req);
  g_string_append_printf (s, "\"message\":{\"id\":\"%s\",\"type\":\"message\",\"role\":\"assistant\","
                          "\"model\":\"%s\",\"content\":[{\"type\":\"text\",\"text\":\"hi\"}],"
                          "\"usage\":{\"input_tokens\":%" G_GINT64_FORMAT ",\"output_tokens\":%"
                          G_GINT64_FORMAT ",\"cache_creation_input_tokens\":%" G_GINT64_FORMAT
                          ",\"cache_read_input_tokens\":%" G_GINT64_FORMAT,
                          l->id, l->model ? l->model : "claude-sonnet-4-5-20250929",
                          l->input, l->output, l->cw5m + l->cw1h, l->cr);
  if (!l->no_breakdown)
    g_string_append_printf (s, ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":%" G_GINT64_FORMAT
                            ",\"ephemeral_1h_input_tokens\":%" G_GINT64_FORMAT "}", l->cw5m, l->cw1h);
  if (l->ws > 0)
    g_string_append_printf (s, ",\"server_tool_use\":{\"web_search_requests\":%" G_GINT64_FORMAT
                            ",\"web_fetch_requests\":0}", l->ws);
  g_string_append (s, "}}}\n");

  return g_string_free (g_steal_pointer (&s), FALSE);
}

static void
append_line (const char *path,
             const Line *l)
{
  g_autofree char *json = line_json (l);

  cm_test_append_file (path, json);
}

/* --- the fixture corpus --- */

static JsonObject *
load_expected (const char *name,
               JsonParser **out_parser)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (cm_test_fixtures_dir (), name, NULL);
  JsonParser *parser = json_parser_new ();

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  *out_parser = parser;

  return json_node_get_object (json_parser_get_root (parser));
}

static void
assert_figures (JsonObject     *expected,
                const CmTotals *t,
                const char     *what)
{
  struct { const char *name; gint64 value; } fields[] = {
    { "input", t->input },
    { "output", t->output },
    { "cache_write_5m", t->cache_write_5m },
    { "cache_write_1h", t->cache_write_1h },
    { "cache_read", t->cache_read },
    { "web_search", t->web_search },
    { "messages", t->messages },
  };
  double cost = json_object_get_double_member (expected, "cost");

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      gint64 want = json_object_get_int_member (expected, fields[i].name);

      if (want != fields[i].value)
        g_error ("%s: %s is %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT,
                 what, fields[i].name, fields[i].value, want);
    }

  if (fabs (cm_money_to_usd (t->cost) - cost) > 0.000001)
    g_error ("%s: cost is %.10f, expected %.10f", what, cm_money_to_usd (t->cost), cost);
}

static void
check_groups (Fixture       *f,
              CmQueryFilter *filter,
              JsonObject    *expected,
              CmGroupBy      group)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = cm_store_query_groups (f->store, filter, group, CM_GROUP_NONE, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, json_object_get_size (expected));

  for (guint i = 0; i < rows->len; i++)
    {
      CmGroupRow *row = g_ptr_array_index (rows, i);
      g_autofree char *what = g_strdup_printf ("%s %s", cm_group_by_to_string (group), row->key);

      if (!json_object_has_member (expected, row->key))
        g_error ("unexpected %s", what);
      assert_figures (json_object_get_object_member (expected, row->key), &row->totals, what);
    }
}

static void
check_corpus (Fixture    *f,
              const char *expected_name,
              const char *timezone)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *expected = load_expected (expected_name, &parser);
  JsonObject *days = json_object_get_object_member (expected, "days");
  CmTotals all;
  guint n_day_models = 0;

  filter->timezone = g_strdup (timezone);

  totals (f, filter, &all);
  assert_figures (json_object_get_object_member (expected, "totals"), &all, "totals");
  g_assert_cmpint (all.unpriced, ==, json_object_get_int_member (expected, "unpriced_messages"));
  g_assert_cmpint (cm_store_count_skipped_lines (f->store, NULL), ==,
                   json_object_get_int_member (expected, "skipped_lines"));

  check_groups (f, filter, json_object_get_object_member (expected, "backend"), CM_GROUP_BACKEND);
  check_groups (f, filter, json_object_get_object_member (expected, "user"), CM_GROUP_USER);
  check_groups (f, filter, json_object_get_object_member (expected, "model"), CM_GROUP_MODEL);

  rows = cm_store_query_groups (f->store, filter, CM_GROUP_DAY, CM_GROUP_MODEL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    {
      CmGroupRow *row = g_ptr_array_index (rows, i);
      g_autofree char *what = g_strdup_printf ("day %s model %s", row->key, row->key2);
      JsonObject *day;

      if (!json_object_has_member (days, row->key))
        g_error ("unexpected %s", what);
      day = json_object_get_object_member (days, row->key);
      if (!json_object_has_member (day, row->key2))
        g_error ("unexpected %s", what);
      assert_figures (json_object_get_object_member (day, row->key2), &row->totals, what);
    }

  {
    GList *members = json_object_get_members (days);
    for (GList *l = members; l; l = l->next)
      n_day_models += json_object_get_size (json_object_get_object_member (days, l->data));
    g_list_free (members);
  }
  g_assert_cmpuint (rows->len, ==, n_day_models);
}

static void
add_corpus_sources (Fixture *f)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *home = g_build_filename (corpus, name, NULL);
      g_autoptr(GError) error = NULL;

      g_assert_cmpint (cm_store_add_source (f->store, home, NULL, FALSE, &error), >, 0);
      g_assert_no_error (error);
    }
}

static void
test_corpus (Fixture       *f,
             gconstpointer  data)
{
  CmScanStats stats;

  add_corpus_sources (f);
  scan (f, &stats);
  g_assert_cmpint (stats.files_seen, ==, 76);
  g_assert_cmpint (stats.broken_lines, ==, 8);
  g_assert_cmpint (stats.synthetic_lines, ==, 9);

  check_corpus (f, "expected-utc.json", "UTC");
  check_corpus (f, "expected-new-york.json", "America/New_York");
}

/* A database from before the session rollup gets one, filled from its
 * messages, when it opens. */
static void
test_migrate_session_rollup (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(GPtrArray) before = NULL;
  g_autoptr(GPtrArray) after = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  add_corpus_sources (f);
  scan (f, NULL);
  before = cm_store_query_sessions (f->store, NULL, &error);
  g_assert_no_error (error);

  g_clear_object (&f->scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->store);
  cm_test_revert_billing_modes (f->db_path);
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "DROP TABLE session_rollup; PRAGMA user_version = 1",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);

  f->store = cm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);
  after = cm_store_query_sessions (f->store, NULL, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (after->len, ==, before->len);
  g_assert_cmpuint (after->len, >, 0);
  for (guint i = 0; i < after->len; i++)
    {
      const CmSessionRow *a = g_ptr_array_index (after, i), *b = g_ptr_array_index (before, i);

      g_assert_cmpstr (a->session_id, ==, b->session_id);
      g_assert_cmpmem (&a->totals, sizeof a->totals, &b->totals, sizeof b->totals);
    }
  check_corpus (f, "expected-utc.json", "UTC");
}

static void
test_corpus_single_thread (Fixture       *f,
                           gconstpointer  data)
{
  /* Parallel parsing must not change a single figure. */
  cm_scanner_set_n_threads (f->scanner, 1);
  add_corpus_sources (f);
  scan (f, NULL);
  check_corpus (f, "expected-utc.json", "UTC");
}

static void
test_corpus_rescan_idempotent (Fixture       *f,
                               gconstpointer  data)
{
  CmScanStats stats;
  CmTotals before, after;

  add_corpus_sources (f);
  scan (f, NULL);
  totals (f, NULL, &before);

  scan (f, &stats);
  g_assert_cmpint (stats.files_read, ==, 0);    /* nothing changed on disk */
  g_assert_cmpint (stats.records, ==, 0);
  g_assert_cmpint (stats.messages_added, ==, 0);
  totals (f, NULL, &after);
  g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
  check_corpus (f, "expected-utc.json", "UTC");
}

/* --- the rules, one at a time --- */

static void
test_streamed_duplicates (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  CmTotals t;

  /* Three streamed lines: placeholders first, the real count last. */
  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .input = 3, .output = 1, .cr = 1000, .uuid = "a" });
  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .input = 3, .output = 2, .cr = 1000, .uuid = "b" });
  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .input = 3, .output = 159, .cr = 1000, .uuid = "c" });
  add_home_source (f, NULL);
  scan (f, NULL);

  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 1);
  g_assert_cmpint (t.output, ==, 159);
  g_assert_cmpint (t.input, ==, 3);
  g_assert_cmpint (t.cache_read, ==, 1000);
}

static void
test_copies_in_other_files (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *a = project_file (f, "p/s1.jsonl");
  g_autofree char *b = project_file (f, "q/s2.jsonl");
  CmTotals t;

  /* A resumed session copies history into a new file; the copy in the
   * second file is the final one. */
  append_line (a, &(Line) { .id = "msg_01A", .req = "req_1", .output = 5, .uuid = "a" });
  append_line (b, &(Line) { .id = "msg_01A", .req = "req_1", .output = 400, .uuid = "b" });
  append_line (b, &(Line) { .id = "msg_01B", .req = "req_2", .output = 7, .uuid = "c" });
  add_home_source (f, NULL);
  scan (f, NULL);

  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);
  g_assert_cmpint (t.output, ==, 407);

  /* Same ids, no request id: a gateway; keyed by message id alone. */
  append_line (a, &(Line) { .id = "gen-1", .model = "glm-4.6", .output = 9, .uuid = "d" });
  append_line (b, &(Line) { .id = "gen-1", .model = "glm-4.6", .output = 9, .uuid = "e" });
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 3);
}

static void
test_sidechain_copies (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *main_file = project_file (f, "p/s1.jsonl");
  g_autofree char *agent = project_file (f, "p/s1/subagents/agent-x.jsonl");
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GPtrArray) sessions = NULL;
  CmTotals t;

  /* A tie on output: the main-thread copy wins. */
  append_line (agent, &(Line) { .id = "msg_01A", .req = "req_1", .output = 50, .sidechain = TRUE, .uuid = "a", .session = "s1" });
  append_line (main_file, &(Line) { .id = "msg_01A", .req = "req_1", .output = 50, .uuid = "b", .session = "s1" });
  /* A /btw replay: same message id, new request id, sidechain. */
  append_line (agent, &(Line) { .id = "msg_01B", .req = "req_2", .output = 70, .uuid = "c", .session = "s1" });
  append_line (agent, &(Line) { .id = "msg_01B", .req = "req_9", .output = 70, .cr = 90000, .sidechain = TRUE, .uuid = "d", .session = "s1" });
  /* A real subagent message counts. */
  append_line (agent, &(Line) { .id = "msg_01C", .req = "req_3", .output = 11, .sidechain = TRUE, .uuid = "e", .session = "s1" });
  add_home_source (f, NULL);
  scan (f, NULL);

  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 3);
  g_assert_cmpint (t.output, ==, 131);
  g_assert_cmpint (t.cache_read, ==, 0);

  /* Subagent files count toward the parent session. */
  sessions = cm_store_query_sessions (f->store, filter, NULL);
  g_assert_cmpuint (sessions->len, ==, 1);
  g_assert_cmpint (((CmSessionRow *) g_ptr_array_index (sessions, 0))->totals.messages, ==, 3);
}

static void
test_partial_line (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *full = line_json (&(Line) { .id = "msg_01A", .req = "req_1", .output = 42, .uuid = "a" });
  g_autofree char *head = g_strndup (full, 60);
  CmScanStats stats;
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01Z", .req = "req_0", .output = 1, .uuid = "z" });
  cm_test_append_file (path, head);
  add_home_source (f, NULL);
  scan (f, &stats);
  g_assert_cmpint (stats.broken_lines, ==, 0);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 1);

  /* The writer finishes the line: it is read once, whole. */
  cm_test_append_file (path, full + 60);
  scan (f, &stats);
  g_assert_cmpint (stats.broken_lines, ==, 0);
  g_assert_cmpint (stats.records, ==, 1);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);
  g_assert_cmpint (t.output, ==, 43);
}

static void
test_broken_and_synthetic (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  CmScanStats stats;
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  cm_test_append_file (path, "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_01trunc\n");
  cm_test_append_file (path, "\n");
  cm_test_append_file (path, "not json at all\n");
  append_line (path, &(Line) { .id = "msg_x", .model = "<synthetic>", .output = 0, .uuid = "s" });
  cm_test_append_file (path, "{\"type\":\"summary\",\"summary\":\"A title\",\"leafUuid\":\"l\"}\n");
  append_line (path, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  add_home_source (f, NULL);
  scan (f, &stats);

  g_assert_cmpint (stats.broken_lines, ==, 2);
  g_assert_cmpint (stats.synthetic_lines, ==, 1);
  g_assert_cmpint (cm_store_count_skipped_lines (f->store, NULL), ==, 2);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);
  g_assert_cmpint (t.output, ==, 30);
  g_assert_cmpint (t.unpriced, ==, 0);
}

static void
test_appended_lines (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  CmScanStats stats;
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  add_home_source (f, NULL);
  scan (f, NULL);

  append_line (path, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  /* A later streamed copy of the first message with the real count. */
  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .output = 15, .uuid = "c" });
  scan (f, &stats);
  g_assert_cmpint (stats.records, ==, 2);
  g_assert_cmpint (stats.lines_read, ==, 2);

  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);
  g_assert_cmpint (t.output, ==, 35);
}

static void
scan_paths (Fixture            *f,
            const char * const *paths,
            CmScanStats        *stats)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_scanner_scan_paths_sync (f->scanner, paths, NULL, stats, &error));
  g_assert_no_error (error);
}

/* What live updates read: the files named, new folders walked, nothing
 * else looked at; the same offsets and dedup as a full scan. */
static void
test_scan_paths (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *s1 = project_file (f, "p/s1.jsonl");
  g_autofree char *s2 = project_file (f, "p/s2.jsonl");
  g_autofree char *new_dir = project_file (f, "q");
  g_autofree char *s3 = project_file (f, "q/s3/subagents/agent-1.jsonl");
  g_autofree char *outside = g_build_filename (f->dir, "elsewhere", "x.jsonl", NULL);
  g_autofree char *never = project_file (f, "p/never.jsonl");
  CmScanStats stats;
  CmTotals t;

  append_line (s1, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  append_line (s2, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  add_home_source (f, NULL);
  scan (f, NULL);

  /* Lines in both files; only the one named is read. */
  append_line (s1, &(Line) { .id = "msg_01C", .req = "req_3", .output = 30, .uuid = "c" });
  append_line (s2, &(Line) { .id = "msg_01D", .req = "req_4", .output = 40, .uuid = "d" });
  scan_paths (f, (const char *[]) { s1, NULL }, &stats);
  g_assert_cmpuint (stats.files_seen, ==, 1);
  g_assert_cmpint (stats.lines_read, ==, 1);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 3);
  g_assert_cmpint (t.output, ==, 60);

  /* Named again with nothing new: its offset moved on, nothing is read. */
  scan_paths (f, (const char *[]) { s1, NULL }, &stats);
  g_assert_cmpint (stats.lines_read, ==, 0);

  /* A full scan then reads s2's line only, once. */
  scan (f, &stats);
  g_assert_cmpint (stats.lines_read, ==, 1);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 4);
  g_assert_cmpint (t.output, ==, 100);

  /* A new folder is walked; a path outside the sources and a file that
   * never was are left alone. */
  append_line (s3, &(Line) { .id = "msg_01E", .req = "req_5", .output = 50, .uuid = "e" });
  append_line (outside, &(Line) { .id = "msg_01F", .req = "req_6", .output = 60, .uuid = "f" });
  scan_paths (f, (const char *[]) { new_dir, outside, never, NULL }, &stats);
  g_assert_cmpuint (stats.files_seen, ==, 1);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 5);
  g_assert_cmpint (t.output, ==, 150);

  /* A named file deleted since is marked gone, its messages kept; one not
   * named is left as it was. */
  g_assert_cmpint (g_unlink (s1), ==, 0);
  scan_paths (f, (const char *[]) { s1, NULL }, &stats);
  {
    g_autoptr(GHashTable) states = cm_store_load_file_states (f->store, (const char *[]) { s1, s2, NULL }, NULL);

    g_assert_true (((CmFileState *) g_hash_table_lookup (states, s1))->gone);
    g_assert_false (((CmFileState *) g_hash_table_lookup (states, s2))->gone);
  }
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 5);

  /* A full scan after them finds nothing new. */
  scan (f, &stats);
  g_assert_cmpint (stats.lines_read, ==, 0);
  g_assert_cmpint (stats.files_seen, ==, 2);
}

/* The messages of user @email (NULL: unattributed). */
static gint64
user_messages (Fixture    *f,
               const char *email)
{
  g_autoptr(GPtrArray) users = cm_store_query_groups (f->store, NULL, CM_GROUP_USER, CM_GROUP_NONE, NULL);

  for (guint i = 0; i < users->len; i++)
    {
      CmGroupRow *row = g_ptr_array_index (users, i);

      if (g_strcmp0 (row->key, email) == 0)
        return row->totals.messages;
    }

  return 0;
}

/* A targeted scan follows the same rules as a full one: the source's owner,
 * a disabled source left alone, one copy of a message read from two files. */
static void
test_scan_paths_rules (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *s1 = project_file (f, "p/s1.jsonl");
  g_autofree char *s2 = project_file (f, "p/s2.jsonl");
  g_autoptr(GError) error = NULL;
  CmScanStats stats;
  CmTotals t;

  append_line (s1, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  add_home_source (f, "alice@example.com");
  scan (f, NULL);

  append_line (s1, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  scan_paths (f, (const char *[]) { s1, NULL }, &stats);
  g_assert_cmpint (user_messages (f, "alice@example.com"), ==, 2);

  /* The same message in a second file (a resumed session): counted once,
   * whichever scan reads which copy. */
  append_line (s2, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b2" });
  scan_paths (f, (const char *[]) { s2, NULL }, &stats);
  g_assert_cmpint (stats.lines_read, ==, 1);
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);
  g_assert_cmpint (t.output, ==, 30);

  /* A disabled source's files are not read when named, nor by a full scan;
   * enabled again, the full scan catches up. */
  g_assert_true (cm_store_set_source_enabled (f->store, home, FALSE, &error));
  g_assert_no_error (error);
  append_line (s1, &(Line) { .id = "msg_01C", .req = "req_3", .output = 30, .uuid = "c" });
  scan_paths (f, (const char *[]) { s1, NULL }, &stats);
  g_assert_cmpint (stats.lines_read, ==, 0);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);

  g_assert_true (cm_store_set_source_enabled (f->store, home, TRUE, &error));
  scan (f, &stats);
  g_assert_cmpint (stats.lines_read, ==, 1);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 3);
  g_assert_cmpint (user_messages (f, "alice@example.com"), ==, 3);
}

static void
test_deleted_files_keep_history (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  add_home_source (f, NULL);
  scan (f, NULL);

  /* Claude Code's 30-day cleanup removes the transcript. */
  g_assert_cmpint (g_unlink (path), ==, 0);
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 1);
  g_assert_cmpint (t.output, ==, 10);

  /* Removing the folder from the sources keeps history too. */
  {
    g_autofree char *home = g_build_filename (f->dir, "home", NULL);
    g_assert_true (cm_store_remove_source (f->store, home, NULL));
  }
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 1);
}

/* A full scan walks a source a folder at a time: a file deleted in a
 * folder, a whole folder deleted and a file at the top are marked gone; the
 * rest are not, and a file that comes back is read again. */
static void
test_gone_files (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *kept = project_file (f, "p/kept.jsonl");
  g_autofree char *deleted = project_file (f, "p/deleted.jsonl");
  g_autofree char *folder = project_file (f, "q");
  g_autofree char *in_folder = project_file (f, "q/s/subagents/agent-1.jsonl");
  g_autofree char *top = project_file (f, "top.jsonl");
  /* Sorted between "p" and "p/", and between "q" and "q/". */
  g_autofree char *beside = project_file (f, "p.jsonl");
  g_autofree char *kept_beside = project_file (f, "q-x/kept.jsonl");
  const char *all[] = { kept, deleted, in_folder, top, beside, kept_beside, NULL };
  CmScanStats stats;
  CmTotals t;

  append_line (kept, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  append_line (deleted, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  append_line (in_folder, &(Line) { .id = "msg_01C", .req = "req_3", .output = 30, .uuid = "c" });
  append_line (top, &(Line) { .id = "msg_01D", .req = "req_4", .output = 40, .uuid = "d" });
  append_line (beside, &(Line) { .id = "msg_01F", .req = "req_6", .output = 1, .uuid = "f" });
  append_line (kept_beside, &(Line) { .id = "msg_01G", .req = "req_7", .output = 2, .uuid = "g" });
  add_home_source (f, NULL);
  scan (f, &stats);
  g_assert_cmpuint (stats.files_seen, ==, 6);

  g_assert_cmpint (g_unlink (deleted), ==, 0);
  g_assert_cmpint (g_unlink (top), ==, 0);
  g_assert_cmpint (g_unlink (beside), ==, 0);
  cm_test_rm_rf (folder);
  scan (f, &stats);
  g_assert_cmpuint (stats.files_seen, ==, 2);
  {
    g_autoptr(GHashTable) states = cm_store_load_file_states (f->store, all, NULL);

    g_assert_cmpuint (g_hash_table_size (states), ==, 6);
    g_assert_false (((CmFileState *) g_hash_table_lookup (states, kept))->gone);
    g_assert_false (((CmFileState *) g_hash_table_lookup (states, kept_beside))->gone);
    g_assert_true (((CmFileState *) g_hash_table_lookup (states, beside))->gone);
    g_assert_true (((CmFileState *) g_hash_table_lookup (states, deleted))->gone);
    g_assert_true (((CmFileState *) g_hash_table_lookup (states, in_folder))->gone);
    g_assert_true (((CmFileState *) g_hash_table_lookup (states, top))->gone);
  }
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 6);

  /* Back with a new line: read again, counted once. */
  append_line (in_folder, &(Line) { .id = "msg_01C", .req = "req_3", .output = 30, .uuid = "c" });
  append_line (in_folder, &(Line) { .id = "msg_01E", .req = "req_5", .output = 50, .uuid = "e" });
  scan (f, &stats);
  g_assert_cmpint (stats.lines_read, ==, 2);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 7);
  g_assert_cmpint (t.output, ==, 153);
  {
    g_autoptr(GHashTable) states = cm_store_load_file_states (f->store, all, NULL);

    g_assert_false (((CmFileState *) g_hash_table_lookup (states, in_folder))->gone);
  }
}

/* Rewritten in place (`cat new > old`: the same inode, more bytes than the
 * stored offset) or recreated on a reused inode: the bytes before the
 * offset are not the ones read, so it is read from the start (issue 15).
 * Before the fingerprint, the scan resumed at the old offset and lost the
 * new file's first lines. */
static void
test_rewritten_in_place (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  const char *ids[] = { "msg_01P", "msg_01Q", "msg_01R", "msg_01S", "msg_01T" };
  g_autoptr(GString) rewrite = g_string_new (NULL);
  struct stat before, after;
  CmScanStats stats;
  CmTotals t;
  FILE *out;

  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  append_line (path, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  add_home_source (f, NULL);
  scan (f, &stats);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 2);
  g_assert_cmpint (g_stat (path, &before), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autofree char *req = g_strdup_printf ("req_r%u", i);
      g_autofree char *uuid = g_strdup_printf ("r%u", i);
      g_autofree char *line = line_json (&(Line) { .id = ids[i], .req = req, .output = 100, .uuid = uuid });

      g_string_append_printf (rewrite, "%s\n", line);
    }
  out = fopen (path, "w");   /* truncates: the same inode */
  g_assert_nonnull (out);
  g_assert_cmpuint (fwrite (rewrite->str, 1, rewrite->len, out), ==, rewrite->len);
  fclose (out);
  g_assert_cmpint (g_stat (path, &after), ==, 0);
  g_assert_cmpint (after.st_ino, ==, before.st_ino);
  g_assert_cmpint (after.st_size, >, before.st_size);

  scan (f, &stats);
  totals (f, NULL, &t);
  /* The two read before stay (history), the five new ones all count. */
  g_assert_cmpint (t.messages, ==, 7);
  g_assert_cmpint (t.output, ==, 10 + 20 + 5 * 100);

  /* And a plain append after that resumes where it was. */
  append_line (path, &(Line) { .id = "msg_01U", .req = "req_u", .output = 1000, .uuid = "u" });
  scan (f, &stats);
  g_assert_cmpint (stats.lines_read, ==, 1);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 8);
}

static void
test_truncated_file (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *one = line_json (&(Line) { .id = "msg_01C", .req = "req_3", .output = 30, .uuid = "c" });
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "req_1", .output = 10, .uuid = "a" });
  append_line (path, &(Line) { .id = "msg_01B", .req = "req_2", .output = 20, .uuid = "b" });
  add_home_source (f, NULL);
  scan (f, NULL);

  /* Rewritten shorter (compaction): old messages stay, the new one counts. */
  cm_test_write_file (path, one, -1);
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 3);
  g_assert_cmpint (t.output, ==, 60);
}

static void
test_billing_rules (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autoptr(GPtrArray) messages = NULL;
  CmMessageRow *m;

  /* Long context: 10 + 230000 + 1000 > 200k on Sonnet 4.5 bills the whole
   * request at the premium (transcript-spec 4.4): 10 x 6 + 230000 x 0.6 +
   * 1000 x 7.5 + 1500 x 22.5 = 179310 USD per MTok-token = $0.17931. */
  append_line (path, &(Line) { .id = "msg_01L", .req = "req_1", .ts = "2026-09-10T12:00:00.000Z",
                               .input = 10, .cr = 230000, .cw5m = 1000, .output = 1500, .uuid = "a" });
  /* 1h cache writes at twice the input rate: 1000 x $6/MTok = $0.006. */
  append_line (path, &(Line) { .id = "msg_01H", .req = "req_2", .ts = "2026-09-10T12:01:00.000Z",
                               .cw1h = 1000, .uuid = "b" });
  /* Web searches at $10 per 1000 plus tokens: 3 x $0.01 + 100 x $3/MTok. */
  append_line (path, &(Line) { .id = "msg_01W", .req = "req_3", .ts = "2026-09-10T12:02:00.000Z",
                               .input = 100, .ws = 3, .uuid = "c" });
  /* Older transcripts: all cache writes are 5m writes. */
  append_line (path, &(Line) { .id = "msg_01O", .req = "req_4", .ts = "2026-09-10T12:03:00.000Z",
                               .cw5m = 2000, .no_breakdown = TRUE, .uuid = "d" });
  add_home_source (f, NULL);
  scan (f, NULL);

  messages = cm_store_query_session_messages (f->store, "sess-1", NULL);
  g_assert_cmpuint (messages->len, ==, 4);

  m = g_ptr_array_index (messages, 0);
  g_assert_true (m->long_context);
  g_assert_cmpint (m->cost.total, ==, G_GINT64_CONSTANT (1793100000));
  g_assert_cmpint (m->cost.output, ==, 1500 * 225000);

  m = g_ptr_array_index (messages, 1);
  g_assert_false (m->long_context);
  g_assert_cmpint (m->usage.cache_write_1h, ==, 1000);
  g_assert_cmpint (m->cost.cache_write_1h, ==, 60000000);
  g_assert_cmpint (m->cost.total, ==, 60000000);

  m = g_ptr_array_index (messages, 2);
  g_assert_cmpint (m->usage.web_search, ==, 3);
  g_assert_cmpint (m->cost.web_search, ==, 300000000);
  g_assert_cmpint (m->cost.total, ==, 300000000 + 100 * 30000);

  m = g_ptr_array_index (messages, 3);
  g_assert_cmpint (m->usage.cache_write_5m, ==, 2000);
  g_assert_cmpint (m->usage.cache_write_1h, ==, 0);
  g_assert_cmpint (m->cost.total, ==, 2000 * 37500);
}

static void
test_unpriced_and_backends (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autoptr(GPtrArray) rows = NULL;
  CmTotals t;

  append_line (path, &(Line) { .id = "gen-abc", .model = "glm-4.6", .input = 100, .output = 10, .uuid = "a" });
  append_line (path, &(Line) { .id = "msg_bdrk_01X", .req = "req_1", .model = "us.anthropic.claude-sonnet-4-5-20250929-v1:0", .input = 100000, .uuid = "b" });
  append_line (path, &(Line) { .id = "msg_vrtx_01Y", .req = "req_2", .model = "claude-sonnet-4-5@20250929", .input = 100000, .uuid = "c" });
  append_line (path, &(Line) { .id = "msg_01Z", .req = "req_3", .model = "claude-sonnet-4-5-20250929", .input = 100000, .uuid = "d" });
  add_home_source (f, NULL);
  scan (f, NULL);

  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 4);
  g_assert_cmpint (t.unpriced, ==, 1);
  g_assert_cmpint (t.estimated, ==, 2);
  g_assert_cmpint (t.cost, ==, 3 * 3 * CM_MONEY_PER_USD / 10);

  rows = cm_store_query_groups (f->store, NULL, CM_GROUP_BACKEND, CM_GROUP_MODEL, NULL);
  g_assert_cmpuint (rows->len, ==, 4);
  for (guint i = 0; i < rows->len; i++)
    {
      CmGroupRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->key, "unknown"))
        {
          g_assert_cmpstr (row->key2, ==, "glm-4.6");
          g_assert_cmpint (row->totals.unpriced, ==, 1);
          g_assert_cmpint (row->totals.cost, ==, 0);
          g_assert_cmpint (row->totals.input, ==, 100);
        }
      else
        {
          /* Bedrock and Vertex ids share the Anthropic price entry. */
          g_assert_cmpstr (row->key2, ==, "claude-sonnet-4-5-20250929");
          g_assert_cmpint (row->totals.cost, ==, 3 * CM_MONEY_PER_USD / 10);
          g_assert_cmpint (row->totals.estimated, ==, g_str_equal (row->key, "anthropic") ? 0 : 1);
        }
    }
}

static void
test_models_trichotomy (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  const char *one[] = { "claude-haiku-4-5-20251001", NULL };
  const char *none[] = { NULL };
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "r1", .model = "claude-haiku-4-5-20251001", .output = 1, .uuid = "a" });
  append_line (path, &(Line) { .id = "msg_01B", .req = "r2", .model = "claude-opus-4-1-20250805", .output = 2, .uuid = "b" });
  add_home_source (f, NULL);
  scan (f, NULL);

  totals (f, filter, &t);   /* no parameter: all */
  g_assert_cmpint (t.messages, ==, 2);

  filter->models_set = TRUE;
  filter->models = g_strdupv ((char **) none);
  totals (f, filter, &t);   /* present but empty: none */
  g_assert_cmpint (t.messages, ==, 0);

  g_strfreev (filter->models);
  filter->models = g_strdupv ((char **) one);
  totals (f, filter, &t);   /* a list: those */
  g_assert_cmpint (t.messages, ==, 1);
  g_assert_cmpint (t.output, ==, 1);
}

static void
test_reprice (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autofree char *override = g_build_filename (config, "pricing.json", NULL);
  g_autoptr(CmPricing) cheaper = NULL;
  g_autoptr(GError) error = NULL;
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "r1", .model = "claude-haiku-4-5-20251001", .input = 1000000, .uuid = "a" });
  append_line (path, &(Line) { .id = "gen-1", .model = "glm-4.6", .input = 1000000, .uuid = "b" });
  add_home_source (f, NULL);
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.cost, ==, CM_MONEY_PER_USD);
  g_assert_cmpint (t.unpriced, ==, 1);

  /* A user price file halves Haiku and prices GLM; history follows without
   * reading a transcript (the file is gone). */
  cm_test_write_file (override,
                      "{\"models\": {\"claude-haiku-4-5-20251001\": {\"input\": 0.5, \"output\": 5,"
                      " \"cache_write_5m\": 1.25, \"cache_write_1h\": 2, \"cache_read\": 0.1},"
                      " \"glm-4.6\": {\"input\": 0.6, \"output\": 2.2, \"cache_write_5m\": 0,"
                      " \"cache_write_1h\": 0, \"cache_read\": 0.11}}}", -1);
  g_assert_cmpint (g_unlink (path), ==, 0);

  cheaper = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  g_assert_true (cm_pricing_merge_file (cheaper, override, &error));
  g_assert_no_error (error);

  g_assert_cmpint (cm_store_reprice (f->store, cheaper, &error), ==, 2);
  g_assert_no_error (error);
  totals (f, NULL, &t);
  g_assert_cmpint (t.unpriced, ==, 0);
  g_assert_cmpint (t.cost, ==, CM_MONEY_PER_USD / 2 + CM_MONEY_PER_USD * 6 / 10);

  /* The same table again changes nothing. */
  g_assert_cmpint (cm_store_reprice (f->store, cheaper, &error), ==, 0);

  /* A scan with the scanner's own (shipped) table prices history back... */
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.cost, ==, CM_MONEY_PER_USD);

  /* ...and one given the cheaper table, as the app does on Reload, uses it
   * from its next scan. */
  {
    g_autoptr(CmPricing) now = NULL;

    cm_scanner_set_pricing (f->scanner, cheaper);
    now = cm_scanner_dup_pricing (f->scanner);
    g_assert_true (now == cheaper);
    scan (f, NULL);
    totals (f, NULL, &t);
    g_assert_cmpint (t.cost, ==, CM_MONEY_PER_USD / 2 + CM_MONEY_PER_USD * 6 / 10);
    g_assert_cmpint (t.unpriced, ==, 0);
  }
}

/* Tables replaced from another thread while a scan runs, each let go by
 * its setter at once, as the app's Reload does. */
typedef struct
{
  CmScanner  *scanner;
  const char *override;   /* the cheaper table: the shipped one and this file */
  gint        stop;
  gint        n_during;   /* tables set while the scanner was busy */
  gboolean    cheaper;    /* the last table set */
} Swapper;

static gpointer
swap_pricing_thread (gpointer data)
{
  Swapper *s = data;

  while (!cm_scanner_get_busy (s->scanner) && !g_atomic_int_get (&s->stop))
    g_thread_yield ();

  while (!g_atomic_int_get (&s->stop))
    {
      g_autoptr(CmPricing) pricing = cm_pricing_new_default (NULL);
      gboolean busy;

      g_assert_nonnull (pricing);
      s->cheaper = !s->cheaper;
      if (s->cheaper)
        g_assert_true (cm_pricing_merge_file (pricing, s->override, NULL));
      busy = cm_scanner_get_busy (s->scanner);
      cm_scanner_set_pricing (s->scanner, pricing);
      if (busy && cm_scanner_get_busy (s->scanner))
        g_atomic_int_inc (&s->n_during);
    }

  return NULL;
}

static void
test_set_pricing_during_scan (Fixture       *f,
                              gconstpointer  data)
{
  enum { N_FILES = 40, N_LINES = 500 };
  /* 1000 input tokens of Haiku: $1 or $0.5 per million. */
  const CmMoney shipped = CM_MONEY_PER_USD / 1000;
  const CmMoney cheaper = CM_MONEY_PER_USD / 2000;
  g_autofree char *override = g_build_filename (f->dir, "config", "pricing.json", NULL);
  Swapper swapper = { .scanner = f->scanner, .override = override };
  GThread *thread;
  CmTotals t;

  cm_test_write_file (override,
                      "{\"models\": {\"claude-haiku-4-5-20251001\": {\"input\": 0.5, \"output\": 5,"
                      " \"cache_write_5m\": 1.25, \"cache_write_1h\": 2, \"cache_read\": 0.1}}}", -1);
  for (guint i = 0; i < N_FILES; i++)
    {
      g_autofree char *rel = g_strdup_printf ("p/s%u.jsonl", i);
      g_autofree char *path = project_file (f, rel);
      g_autoptr(GString) contents = g_string_new (NULL);

      for (guint j = 0; j < N_LINES; j++)
        {
          g_autofree char *id = g_strdup_printf ("msg_%u_%u", i, j);
          g_autofree char *json = line_json (&(Line) { .id = id, .req = id, .uuid = id,
                                                       .model = "claude-haiku-4-5-20251001",
                                                       .input = 1000 });

          g_string_append (contents, json);
        }
      cm_test_write_file (path, contents->str, contents->len);
    }
  add_home_source (f, NULL);
  cm_scanner_set_n_threads (f->scanner, 2);

  /* The scanner alone holds the table the scan starts with. */
  {
    g_autoptr(CmPricing) first = cm_pricing_new_default (NULL);

    cm_scanner_set_pricing (f->scanner, first);
  }

  thread = g_thread_new ("swap-pricing", swap_pricing_thread, &swapper);
  scan (f, NULL);
  g_atomic_int_set (&swapper.stop, 1);
  g_thread_join (thread);
  g_test_message ("%d tables set during the scan", swapper.n_during);
  g_assert_cmpint (swapper.n_during, >, 0);

  /* The scan priced everything with the table it started with. */
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, N_FILES * N_LINES);
  g_assert_true (t.cost == N_FILES * N_LINES * shipped || t.cost == N_FILES * N_LINES * cheaper);

  /* The next one re-prices history with the last table set. */
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.cost, ==, N_FILES * N_LINES * (swapper.cheaper ? cheaper : shipped));
}

static void
test_owner_attribution (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *identity = g_build_filename (f->dir, "home", ".claude.json", NULL);
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_auto(GStrv) users = NULL;

  append_line (path, &(Line) { .id = "msg_01A", .req = "r1", .output = 1, .uuid = "a" });
  add_home_source (f, NULL);
  scan (f, NULL);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { CM_UNATTRIBUTED_KEY, NULL }));
  g_clear_pointer (&users, g_strfreev);

  /* The identity file appears: stored messages follow it. */
  cm_test_write_file (identity, "{\"oauthAccount\":{\"emailAddress\":\"ada@example.com\"}}", -1);
  scan (f, NULL);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "ada@example.com", NULL }));
  g_clear_pointer (&users, g_strfreev);

  /* An explicit owner wins over the file. */
  g_assert_true (cm_store_set_source_owner (f->store, home, "lead@example.com", NULL));
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "lead@example.com", NULL }));
}

/* Changing an owner is one transaction (issue 15): when the messages cannot
 * follow (here a trigger fails their update, as a kill between the steps
 * would leave them), the owner stays as it was too. */
static void
test_owner_change_atomic (Fixture       *f,
                          gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) users = NULL;
  sqlite3 *db = NULL;

  append_line (path, &(Line) { .id = "msg_01A", .req = "r1", .output = 1, .uuid = "a" });
  add_home_source (f, NULL);
  scan (f, NULL);

  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER fail_owner BEFORE UPDATE OF user_id ON messages"
                                     " BEGIN SELECT RAISE (ABORT, 'injected'); END", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_false (cm_store_set_source_owner (f->store, home, "lead@example.com", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (cm_store_add_source (f->store, home, "lead@example.com", FALSE, &error) != 0);
  g_clear_error (&error);

  sources = cm_store_list_sources (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_null (((CmSourceInfo *) g_ptr_array_index (sources, 0))->owner);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { CM_UNATTRIBUTED_KEY, NULL }));
  g_clear_pointer (&users, g_strfreev);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER fail_owner", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (cm_store_set_source_owner (f->store, home, "lead@example.com", &error));
  g_assert_no_error (error);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "lead@example.com", NULL }));
}

/* Re-pricing goes in batches, each its own transaction, with a marker to go
 * on from: stopped in the third batch, the first two stay done and the next
 * run prices only the rest (issue 15: one transaction over all history made
 * every other writer fail with "database is locked"). */
static void
test_reprice_batches (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *override = g_build_filename (f->dir, "cheaper.json", NULL);
  g_autoptr(CmPricing) cheaper = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  CmTotals t;

  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *id = g_strdup_printf ("msg_01%c", 'A' + i);
      g_autofree char *uuid = g_strdup_printf ("u%u", i);

      append_line (path, &(Line) { .id = id, .req = uuid, .model = "claude-haiku-4-5-20251001",
                                   .input = 1000000, .uuid = uuid });
    }
  add_home_source (f, NULL);
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.cost, ==, 5 * CM_MONEY_PER_USD);

  cm_test_write_file (override,
                      "{\"models\": {\"claude-haiku-4-5-20251001\": {\"input\": 0.5, \"output\": 5,"
                      " \"cache_write_5m\": 1.25, \"cache_write_1h\": 2, \"cache_read\": 0.1}}}", -1);
  cheaper = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  g_assert_true (cm_pricing_merge_file (cheaper, override, &error));

  g_setenv ("CM_REPRICE_BATCH", "2", TRUE);
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER fail_fifth BEFORE UPDATE OF cost ON messages"
                                     " WHEN OLD.id = (SELECT max (id) FROM messages)"
                                     " BEGIN SELECT RAISE (ABORT, 'injected'); END", NULL, NULL, NULL), ==, SQLITE_OK);
  g_assert_cmpint (cm_store_reprice (f->store, cheaper, &error), ==, -1);
  g_clear_error (&error);
  totals (f, NULL, &t);
  g_assert_cmpint (t.cost, ==, 4 * CM_MONEY_PER_USD / 2 + CM_MONEY_PER_USD);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER fail_fifth", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (cm_store_reprice (f->store, cheaper, &error), ==, 1);
  g_assert_no_error (error);
  g_unsetenv ("CM_REPRICE_BATCH");
  totals (f, NULL, &t);
  g_assert_cmpint (t.cost, ==, 5 * CM_MONEY_PER_USD / 2);
  g_assert_cmpint (cm_store_reprice (f->store, cheaper, &error), ==, 0);
}

/* The checkpoint after a big scan never waits for a reader (issue 15: a
 * TRUNCATE checkpoint waited out the 10 s busy timeout behind one). */
static void
test_checkpoint_passive (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  sqlite3 *db = NULL;
  gint64 t0;

  append_line (path, &(Line) { .id = "msg_01A", .req = "r1", .output = 1, .uuid = "a" });
  add_home_source (f, NULL);
  scan (f, NULL);

  /* A reader keeps an old snapshot while more is written. */
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "BEGIN; SELECT count (*) FROM messages", NULL, NULL, NULL), ==, SQLITE_OK);
  append_line (path, &(Line) { .id = "msg_01B", .req = "r2", .output = 1, .uuid = "b" });
  scan (f, NULL);

  t0 = g_get_monotonic_time ();
  cm_store_checkpoint (f->store);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 2 * G_USEC_PER_SEC);

  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
}

static gint64
count_user (Fixture    *f,
            const char *email)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  CmTotals t;

  filter->users_set = TRUE;
  filter->users = g_strdupv ((char *[]) { (char *) email, NULL });
  totals (f, filter, &t);

  return t.messages;
}

/* A folder that holds several homes (a team's synced homes): each home's
 * own account names its runs, and the fixture's figures hold per user. */
static void
test_folder_of_homes (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;
  guint homes = 0;

  g_assert_cmpint (cm_store_add_source (f->store, corpus, NULL, FALSE, &error), >, 0);
  scan (f, NULL);
  check_corpus (f, "expected-utc.json", "UTC");

  sources = cm_store_list_sources (f->store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (info->parent_id != 0)
        {
          g_assert_cmpint (info->parent_id, ==, ((CmSourceInfo *) g_ptr_array_index (sources, 0))->id);
          homes++;
        }
    }
  g_assert_cmpuint (homes, ==, 4);
}

/* A database that read the folder as one source before: the next scan
 * splits it into homes, and the figures move to their users without a
 * message counted twice. */
static void
test_folder_of_homes_upgrade (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  gint64 folder;
  g_auto(GStrv) users = NULL;

  folder = cm_store_add_source (f->store, corpus, NULL, FALSE, &error);
  scan (f, NULL);

  /* As an older CostMeter left it: every file under the folder, nobody's. */
  g_assert_cmpint (sqlite3_open (f->db_path, &db), ==, SQLITE_OK);
  {
    g_autofree char *sql = g_strdup_printf ("UPDATE files SET source_id = %" G_GINT64_FORMAT ";"
                                            "UPDATE messages SET user_id = NULL;"
                                            "DELETE FROM sources WHERE id <> %" G_GINT64_FORMAT ";"
                                            "DELETE FROM source_parents;", folder, folder);
    g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  }
  sqlite3_close (db);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { CM_UNATTRIBUTED_KEY, NULL }));

  scan (f, NULL);
  check_corpus (f, "expected-utc.json", "UTC");
  check_corpus (f, "expected-new-york.json", "America/New_York");
}

/* The folder's owner stands for the homes that name no account; a home's
 * own owner for that home. */
static void
test_folder_owner_for_homes (Fixture       *f,
                             gconstpointer  data)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autofree char *user1 = g_build_filename (corpus, "user1", NULL);
  g_auto(GStrv) users = NULL;

  g_assert_cmpint (cm_store_add_source (f->store, corpus, NULL, FALSE, NULL), >, 0);
  scan (f, NULL);
  g_assert_true (cm_store_set_source_owner (f->store, corpus, "lead@example.com", NULL));
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "lead@example.com", "user1@example.com",
                                               "user2@example.com", "user3@example.com", NULL }));
  g_clear_pointer (&users, g_strfreev);

  g_assert_true (cm_store_set_source_owner (f->store, user1, "ada@example.com", NULL));
  scan (f, NULL);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "ada@example.com", "lead@example.com",
                                               "user2@example.com", "user3@example.com", NULL }));
}

/* A default folder that names no account (an API key, a Bedrock login) is
 * the user's own: the identity of Preferences → You, never a folder the
 * user added. */
static void
test_self_identity (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *own = project_file (f, "p/s1.jsonl");
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *mate = g_build_filename (f->dir, "mate", NULL);
  g_autofree char *mate_file = g_build_filename (mate, ".claude", "projects", "p", "s2.jsonl", NULL);
  g_autofree char *identity = g_build_filename (home, ".claude.json", NULL);
  g_autofree char *self_email = NULL;
  g_auto(GStrv) users = NULL;

  append_line (own, &(Line) { .id = "msg_01A", .req = "r1", .output = 1, .uuid = "a" });
  append_line (mate_file, &(Line) { .id = "msg_01B", .req = "r2", .output = 2, .uuid = "b" });
  g_assert_cmpint (cm_store_add_source (f->store, f->projects, NULL, TRUE, NULL), >, 0);
  g_assert_cmpint (cm_store_add_source (f->store, mate, NULL, FALSE, NULL), >, 0);
  scan (f, NULL);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { CM_UNATTRIBUTED_KEY, NULL }));
  g_clear_pointer (&users, g_strfreev);

  g_assert_true (cm_store_set_self_email (f->store, "me@example.com", NULL));
  self_email = cm_store_dup_self_email (f->store);
  g_assert_cmpstr (self_email, ==, "me@example.com");
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "me@example.com", CM_UNATTRIBUTED_KEY, NULL }));
  g_clear_pointer (&users, g_strfreev);

  /* New lines follow it too; an account in the folder wins over it. */
  append_line (own, &(Line) { .id = "msg_01C", .req = "r3", .output = 3, .uuid = "c" });
  scan (f, NULL);
  g_assert_cmpint (count_user (f, "me@example.com"), ==, 2);
  cm_test_write_file (identity, "{\"oauthAccount\":{\"emailAddress\":\"ada@example.com\"}}", -1);
  scan (f, NULL);
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { "ada@example.com", CM_UNATTRIBUTED_KEY, NULL }));
  g_clear_pointer (&users, g_strfreev);

  /* Cleared, the account-less runs are nobody's again. */
  cm_test_write_file (identity, "{}", -1);
  scan (f, NULL);
  g_assert_true (cm_store_set_self_email (f->store, "", NULL));
  users = cm_store_list_users (f->store, NULL);
  g_assert_cmpstrv (users, ((const char *[]) { CM_UNATTRIBUTED_KEY, NULL }));
}

static void
test_symlink_loop (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *path = project_file (f, "p/s1.jsonl");
  g_autofree char *loop = project_file (f, "p/loop");
  CmTotals t;

  append_line (path, &(Line) { .id = "msg_01A", .req = "r1", .output = 1, .uuid = "a" });
  g_assert_cmpint (symlink ("..", loop), ==, 0);
  add_home_source (f, NULL);
  scan (f, NULL);
  totals (f, NULL, &t);
  g_assert_cmpint (t.messages, ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *config = NULL;

  g_test_init (&argc, &argv, NULL);

  /* Never read the real user's price override or home. */
  config = cm_test_make_tmpdir ("config");
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("HOME", config, TRUE);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/core/scanner/corpus", test_corpus);
  ADD ("/core/scanner/corpus-single-thread", test_corpus_single_thread);
  ADD ("/core/scanner/migrate-session-rollup", test_migrate_session_rollup);
  ADD ("/core/scanner/rescan-idempotent", test_corpus_rescan_idempotent);
  ADD ("/core/scanner/streamed-duplicates", test_streamed_duplicates);
  ADD ("/core/scanner/copies-in-other-files", test_copies_in_other_files);
  ADD ("/core/scanner/sidechain-copies", test_sidechain_copies);
  ADD ("/core/scanner/partial-line", test_partial_line);
  ADD ("/core/scanner/broken-and-synthetic", test_broken_and_synthetic);
  ADD ("/core/scanner/appended-lines", test_appended_lines);
  ADD ("/core/scanner/scan-paths", test_scan_paths);
  ADD ("/core/scanner/scan-paths-rules", test_scan_paths_rules);
  ADD ("/core/scanner/deleted-files-keep-history", test_deleted_files_keep_history);
  ADD ("/core/scanner/gone-files", test_gone_files);
  ADD ("/core/scanner/truncated-file", test_truncated_file);
  ADD ("/core/scanner/rewritten-in-place", test_rewritten_in_place);
  ADD ("/core/scanner/billing-rules", test_billing_rules);
  ADD ("/core/scanner/unpriced-and-backends", test_unpriced_and_backends);
  ADD ("/core/scanner/models-trichotomy", test_models_trichotomy);
  ADD ("/core/scanner/reprice", test_reprice);
  ADD ("/core/scanner/set-pricing-during-scan", test_set_pricing_during_scan);
  ADD ("/core/scanner/owner-attribution", test_owner_attribution);
  ADD ("/core/scanner/owner-change-atomic", test_owner_change_atomic);
  ADD ("/core/scanner/reprice-batches", test_reprice_batches);
  ADD ("/core/scanner/checkpoint-passive", test_checkpoint_passive);
  ADD ("/core/scanner/symlink-loop", test_symlink_loop);
  ADD ("/core/scanner/folder-of-homes", test_folder_of_homes);
  ADD ("/core/scanner/folder-of-homes-upgrade", test_folder_of_homes_upgrade);
  ADD ("/core/scanner/folder-owner-for-homes", test_folder_owner_for_homes);
  ADD ("/core/scanner/self-identity", test_self_identity);

  return g_test_run ();
}
