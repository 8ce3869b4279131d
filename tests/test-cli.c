/* test-cli.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * costmeter-cli as scripts use it: its JSON and CSV against the independently
 * computed fixture totals, and its errors.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>

#include "cm-test-util.h"

static char *tmpdir;
static char *db_path;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

static Result
run_cli (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLAUDE_CONFIG_DIR");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);

  return r;
}

static void
scan_corpus (void)
{
  static gboolean done;
  g_autofree char *corpus = NULL;
  g_autofree char *u1 = NULL, *u2 = NULL, *u3 = NULL, *u4 = NULL;
  Result r;

  if (done)
    return;
  done = TRUE;

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  u1 = g_build_filename (corpus, "user1", NULL);
  u2 = g_build_filename (corpus, "user2", NULL);
  u3 = g_build_filename (corpus, "user3", ".claude", NULL);            /* a .claude folder */
  u4 = g_build_filename (corpus, "user4", ".claude", "projects", NULL); /* a projects folder */

  r = run_cli ("--db", db_path, "scan", "--source", u1, "--source", u2, "--source", u3,
               "--source", u4, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (strstr (r.err, "8 broken lines") != NULL);
  result_clear (&r);
}

static JsonObject *
load_json (const char  *text,
           JsonParser **parser)
{
  g_autoptr(GError) error = NULL;

  *parser = json_parser_new ();
  json_parser_load_from_data (*parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_get_object (json_parser_get_root (*parser));
}

static void
assert_row (JsonObject *row,
            JsonObject *expected,
            const char *what)
{
  const char *ints[] = { "input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
                         "web_search", "messages" };

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      if (json_object_get_int_member (row, ints[i]) != json_object_get_int_member (expected, ints[i]))
        g_error ("%s: %s differs", what, ints[i]);
    }

  if (fabs (json_object_get_double_member (row, "cost_usd") -
            json_object_get_double_member (expected, "cost")) > 0.000001)
    g_error ("%s: cost differs", what);
}

static void
check_report (const char *kind,
              const char *expected_file,
              const char *section,
              const char *timezone)
{
  g_autoptr(JsonParser) out_parser = NULL;
  g_autoptr(JsonParser) exp_parser = NULL;
  g_autofree char *exp_path = g_build_filename (cm_test_fixtures_dir (), expected_file, NULL);
  g_autofree char *exp_text = NULL;
  JsonObject *out, *expected;
  JsonArray *rows;
  Result r;

  scan_corpus ();

  g_assert_true (g_file_get_contents (exp_path, &exp_text, NULL, NULL));
  expected = json_object_get_object_member (load_json (exp_text, &exp_parser), section);

  r = run_cli ("--db", db_path, "report", kind, "--json", "--timezone", timezone, NULL);
  g_assert_cmpint (r.status, ==, 0);
  out = load_json (r.out, &out_parser);
  rows = json_object_get_array_member (out, "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, json_object_get_size (expected));

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *key = json_object_get_string_member (row, "key");

      g_assert_true (json_object_has_member (expected, key));
      assert_row (row, json_object_get_object_member (expected, key), key);
      g_assert_true (json_object_has_member (row, "estimated"));
      g_assert_true (json_object_has_member (row, "unpriced"));
    }

  assert_row (json_object_get_object_member (out, "totals"),
              json_object_get_object_member (json_node_get_object (json_parser_get_root (exp_parser)), "totals"),
              "totals");
  result_clear (&r);
}

static void
test_reports_json (void)
{
  check_report ("model", "expected-utc.json", "model", "UTC");
  check_report ("backend", "expected-utc.json", "backend", "UTC");
  check_report ("user", "expected-utc.json", "user", "UTC");
  check_report ("backend", "expected-new-york.json", "backend", "America/New_York");
}

static void
test_daily_breakdown (void)
{
  const char *zones[][2] = { { "UTC", "expected-utc.json" }, { "America/New_York", "expected-new-york.json" } };

  scan_corpus ();

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(JsonParser) out_parser = NULL;
      g_autoptr(JsonParser) exp_parser = NULL;
      g_autofree char *exp_path = g_build_filename (cm_test_fixtures_dir (), zones[z][1], NULL);
      g_autofree char *exp_text = NULL;
      JsonObject *days;
      JsonArray *rows;
      Result r;

      g_assert_true (g_file_get_contents (exp_path, &exp_text, NULL, NULL));
      days = json_object_get_object_member (load_json (exp_text, &exp_parser), "days");

      r = run_cli ("--db", db_path, "report", "daily", "--breakdown", "--json", "--timezone", zones[z][0], NULL);
      g_assert_cmpint (r.status, ==, 0);
      rows = json_object_get_array_member (load_json (r.out, &out_parser), "rows");
      g_assert_cmpuint (json_array_get_length (rows), >, 0);

      for (guint i = 0; i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          const char *day = json_object_get_string_member (row, "key");
          const char *model = json_object_get_string_member (row, "model");

          g_assert_true (json_object_has_member (days, day));
          g_assert_true (json_object_has_member (json_object_get_object_member (days, day), model));
          assert_row (row, json_object_get_object_member (json_object_get_object_member (days, day), model), day);
        }
      result_clear (&r);
    }
}

static void
test_csv_and_table (void)
{
  g_auto(GStrv) lines = NULL;
  Result r;

  scan_corpus ();

  r = run_cli ("--db", db_path, "report", "backend", "--csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  lines = g_strsplit (r.out, "\n", -1);
  g_assert_true (g_str_has_prefix (lines[0], "key,input,output,cache_write_5m,cache_write_1h,cache_read,web_search,messages,cost_usd,estimated,unpriced"));
  g_assert_cmpuint (g_strv_length (lines), ==, 6); /* header, 4 backends, final newline */
  result_clear (&r);

  /* The table says when a sum holds unpriced messages and estimates. */
  r = run_cli ("--db", db_path, "report", "model", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (strstr (r.out, "+ 4 unpriced messages") != NULL);
  g_assert_true (strstr (r.out, "est.") != NULL);
  result_clear (&r);
}

static void
test_filters (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *totals;
  Result r;

  scan_corpus ();

  /* Present but empty selects nothing. */
  r = run_cli ("--db", db_path, "report", "model", "--json", "--models", "", NULL);
  g_assert_cmpint (r.status, ==, 0);
  totals = json_object_get_object_member (load_json (r.out, &parser), "totals");
  g_assert_cmpint (json_object_get_int_member (totals, "messages"), ==, 0);
  result_clear (&r);
  g_clear_object (&parser);

  r = run_cli ("--db", db_path, "report", "user", "--json", "--backends", "bedrock",
               "--users", "(unattributed)", NULL);
  g_assert_cmpint (r.status, ==, 0);
  totals = json_object_get_object_member (load_json (r.out, &parser), "totals");
  g_assert_cmpint (json_object_get_int_member (totals, "messages"), >, 0);
  g_assert_true (json_object_get_boolean_member (totals, "estimated"));
  result_clear (&r);
  g_clear_object (&parser);

  /* Quotes and SQL in a filter are data, never code. */
  r = run_cli ("--db", db_path, "report", "project", "--json", "--project",
               "x'); DROP TABLE messages; --", NULL);
  g_assert_cmpint (r.status, ==, 0);
  totals = json_object_get_object_member (load_json (r.out, &parser), "totals");
  g_assert_cmpint (json_object_get_int_member (totals, "messages"), ==, 0);
  result_clear (&r);
  g_clear_object (&parser);

  r = run_cli ("--db", db_path, "report", "project", "--json", "--project", "website",
               "--since", "2026-09-01", "--until", "20260930", NULL);
  g_assert_cmpint (r.status, ==, 0);
  totals = json_object_get_object_member (load_json (r.out, &parser), "totals");
  g_assert_cmpint (json_object_get_int_member (totals, "messages"), >, 0);
  result_clear (&r);
}

/* --help says what it reads from the environment. */
/* report user: ranked as the window ranks users (Bedrock spend, then total,
 * the unattributed last), each backend's dollars adding up to the row's,
 * and the names the window uses. */
static void
test_users_ranked (void)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *rows;
  double bedrock_before = G_MAXDOUBLE, cost_before = G_MAXDOUBLE;
  guint n;
  Result r;

  scan_corpus ();

  r = run_cli ("--db", db_path, "report", "user", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
  n = json_array_get_length (rows);
  g_assert_cmpuint (n, >=, 3);

  for (guint i = 0; i < n; i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *key = json_object_get_string_member (row, "key");
      double bedrock = json_object_get_double_member (row, "bedrock_usd");
      double cost = json_object_get_double_member (row, "cost_usd");
      double parts = bedrock + json_object_get_double_member (row, "anthropic_usd") +
                     json_object_get_double_member (row, "vertex_usd") +
                     json_object_get_double_member (row, "unknown_usd");

      g_assert_cmpfloat_with_epsilon (parts, cost, 1e-6);
      if (i == n - 1)
        {
          g_assert_cmpstr (key, ==, "(unattributed)");
          g_assert_cmpstr (json_object_get_string_member (row, "label"), ==, "Unattributed");
          continue;
        }
      g_assert_cmpstr (key, !=, "(unattributed)");
      g_assert_cmpstr (json_object_get_string_member (row, "label"), ==, key);
      g_assert_cmpfloat (bedrock, <=, bedrock_before);
      if (bedrock == bedrock_before)
        g_assert_cmpfloat (cost, <=, cost_before);
      bedrock_before = bedrock;
      cost_before = cost;
    }
  result_clear (&r);

  /* The table: the backends' columns, the window's names. */
  r = run_cli ("--db", db_path, "report", "user", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Not yet classified"));
  g_assert_nonnull (strstr (r.out, "Unattributed"));
  g_assert_null (strstr (r.out, "(unattributed)"));
  result_clear (&r);

  r = run_cli ("--db", db_path, "report", "backend", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Not yet classified"));
  g_assert_nonnull (strstr (r.out, "Bedrock"));
  /* Nothing priced: "—" and the count, not 0.00. */
  g_assert_nonnull (strstr (r.out, "—  + 4 unpriced messages"));
  result_clear (&r);
}

static void
test_help (void)
{
  const char *vars[] = {
    "CLAUDE_CONFIG_DIR", "HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "ANTHROPIC_API_KEY",
    "ANTHROPIC_ADMIN_API_KEY", "COSTMETER_API_BASE_URL", "TZ", "COSTMETER_TEAM",
    "COSTMETER_PRICE_LIST_URL", "COSTMETER_PRICE_LIST_TIMEOUT",
  };
  const char *environment;
  g_autofree char *section = NULL;
  g_auto(GStrv) lines = NULL;
  Result r;

  r = run_cli ("--help", NULL);
  g_assert_cmpint (r.status, ==, 0);
  environment = strstr (r.out, "\nEnvironment:\n");
  g_assert_nonnull (environment);
  environment += strlen ("\nEnvironment:\n");
  section = g_strndup (environment, strstr (environment, "\n\n") - environment);

  /* One line each, the variable first, with what it does. */
  lines = g_strsplit (section, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, G_N_ELEMENTS (vars));
  for (guint i = 0; i < G_N_ELEMENTS (vars); i++)
    {
      g_autofree char *start = g_strdup_printf ("  %s ", vars[i]);

      g_assert_true (g_str_has_prefix (lines[i], start));
      g_assert_cmpuint (strlen (g_strstrip (lines[i] + strlen (start))), >, 0);
      g_assert_cmpuint (strlen (lines[i]), <=, 100);
    }
  g_assert_nonnull (strstr (r.out, "Exit status"));
  result_clear (&r);
}

static void
test_errors (void)
{
  g_autofree char *corrupt = g_build_filename (tmpdir, "corrupt.db", NULL);
  g_autofree char *missing = g_build_filename (tmpdir, "no-such-folder", NULL);
  Result r;

  r = run_cli ("--db", db_path, "report", "hourly", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (strstr (r.err, "unknown report") != NULL);
  result_clear (&r);

  r = run_cli ("--db", db_path, "report", "daily", "--since", "2026-13-01", NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);

  r = run_cli ("--db", db_path, "report", "daily", "--timezone", "Mars/Olympus", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_true (strstr (r.err, "time zone") != NULL);
  result_clear (&r);

  r = run_cli ("--db", db_path, "report", "daily", "--backends", "azure", NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);

  r = run_cli ("--db", db_path, "frobnicate", NULL);
  g_assert_cmpint (r.status, ==, 2);
  result_clear (&r);

  r = run_cli ("--db", db_path, "scan", "--source", missing, NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (strstr (r.err, "cannot read the folder") != NULL);
  result_clear (&r);

  /* A damaged database: a clear message that says how to rebuild. */
  cm_test_write_file (corrupt, "this is not an SQLite database, it is a text file....................."
                      "........................................................................", -1);
  r = run_cli ("--db", corrupt, "report", "daily", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_true (strstr (r.err, "rebuild") != NULL);
  result_clear (&r);

  r = run_cli ("--db", corrupt, "rebuild", "--no-default", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  r = run_cli ("--db", corrupt, "report", "daily", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
}

static void
test_permissions (void)
{
  GStatBuf st;

  scan_corpus ();
  g_assert_cmpint (g_stat (db_path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
}

static void
assert_total_output (const char *db,
                     const char *what,
                     gint64      want)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *totals;
  Result r = run_cli ("--db", db, "report", "model", "--json", NULL);

  g_assert_cmpint (r.status, ==, 0);
  totals = json_object_get_object_member (load_json (r.out, &parser), "totals");
  if (json_object_get_int_member (totals, "output") != want)
    g_error ("output tokens after %s: %" G_GINT64_FORMAT, what, json_object_get_int_member (totals, "output"));
  result_clear (&r);
}

/* "scan PATH": only the named file is read, as the app's live updates do;
 * a full scan then finds the rest. */
static void
test_scan_paths (void)
{
  g_autofree char *home = g_build_filename (tmpdir, "paths-home", NULL);
  g_autofree char *projects = g_build_filename (home, ".claude", "projects", "-home-p-src-x", NULL);
  g_autofree char *named = g_build_filename (projects, "a.jsonl", NULL);
  g_autofree char *other = g_build_filename (projects, "b.jsonl", NULL);
  g_autofree char *db = g_build_filename (tmpdir, "paths.db", NULL);
#define LINE(ID, OUTPUT) \
  "{\"type\":\"assistant\",\"sessionId\":\"s\",\"timestamp\":\"2026-09-01T10:00:00.000Z\"," \
  "\"uuid\":\"u-" ID "\",\"requestId\":\"req_" ID "\",\"message\":{\"id\":\"msg_" ID "\"," \
  "\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":10," \
  "\"output_tokens\":" OUTPUT "}}}\n"
  const char *a1 = LINE ("a1", "100"), *b1 = LINE ("b1", "200");
  const char *a2 = LINE ("a2", "300"), *b2 = LINE ("b2", "400");
#undef LINE
  Result r;

  cm_test_write_file (named, a1, -1);
  cm_test_write_file (other, b1, -1);
  r = run_cli ("--db", db, "scan", "--no-default", "--source", home, NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);

  cm_test_append_file (named, a2);
  cm_test_append_file (other, b2);
  r = run_cli ("--db", db, "scan", "--no-default", named, NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "Scanned 1 files (1 with new lines"));
  result_clear (&r);
  assert_total_output (db, "100 + 200 + 300", 600);

  r = run_cli ("--db", db, "scan", "--no-default", NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  assert_total_output (db, "all four", 1000);
}

/* messages: each message's id and each kind's dollars ("—" / null when
 * unpriced) in every format; an unknown session id exits 2 and says so. */
static void
test_messages (void)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(JsonParser) sessions_parser = NULL;
  JsonArray *sessions, *rows;
  gboolean seen_unpriced = FALSE;
  Result r;

  scan_corpus ();
  r = run_cli ("--db", db_path, "report", "session", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  sessions = json_object_get_array_member (load_json (r.out, &sessions_parser), "rows");
  g_assert_cmpuint (json_array_get_length (sessions), >, 0);
  result_clear (&r);

  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (sessions, i), "key");
      guint sum = 0;

      g_clear_object (&parser);
      r = run_cli ("--db", db_path, "messages", id, "--json", NULL);
      g_assert_cmpint (r.status, ==, 0);
      rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
      g_assert_cmpuint (json_array_get_length (rows), >, 0);
      for (guint k = 0; k < json_array_get_length (rows); k++)
        {
          JsonObject *m = json_array_get_object_element (rows, k);
          const char *kinds[] = { "input_usd", "output_usd", "cache_write_5m_usd", "cache_write_1h_usd",
                                  "cache_read_usd", "web_search_usd" };
          double parts = 0;

          g_assert_true (json_object_has_member (m, "message_id"));
          for (guint j = 0; j < G_N_ELEMENTS (kinds); j++)
            {
              g_assert_true (json_object_has_member (m, kinds[j]));
              if (json_object_get_int_member (m, "unpriced") > 0)
                g_assert_true (json_object_get_null_member (m, kinds[j]));
              else
                parts += json_object_get_double_member (m, kinds[j]);
            }
          if (json_object_get_int_member (m, "unpriced") > 0)
            seen_unpriced = TRUE;
          /* The kinds add up to the message's dollars. */
          g_assert_cmpfloat_with_epsilon (parts, json_object_get_double_member (m, "cost_usd"), 1e-6);
          sum += 1;
        }
      g_assert_cmpuint (sum, ==, json_array_get_length (rows));
      result_clear (&r);
    }
  g_assert_true (seen_unpriced);

  /* The table and CSV name the id and the kinds. */
  r = run_cli ("--db", db_path, "messages",
               json_object_get_string_member (json_array_get_object_element (sessions, 0), "key"), NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Message ID"));
  g_assert_nonnull (strstr (r.out, "$ Cache read"));
  result_clear (&r);
  r = run_cli ("--db", db_path, "messages",
               json_object_get_string_member (json_array_get_object_element (sessions, 0), "key"), "--csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, ",message_id,input_usd,output_usd,"));
  result_clear (&r);

  r = run_cli ("--db", db_path, "messages", "no-such-session", NULL);
  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "no session no-such-session"));
  g_assert_cmpstr (r.out, ==, "");
  result_clear (&r);
}

/* scan says which default folders it did not find. */
static void
test_scan_missing_defaults (void)
{
  g_autofree char *db = g_build_filename (tmpdir, "defaults.db", NULL);
  g_autofree char *claude = g_build_filename (tmpdir, ".claude", "projects", NULL);
  Result r;

  r = run_cli ("--db", db, "scan", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "is missing"));
  g_assert_nonnull (strstr (r.err, claude));
  result_clear (&r);

  /* Named sources only: no default is looked for. */
  r = run_cli ("--db", db, "scan", "--no-default", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_null (strstr (r.err, "is missing"));
  result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  tmpdir = cm_test_make_tmpdir ("cli");
  db_path = g_build_filename (tmpdir, "data", "costmeter.db", NULL);

  g_test_add_func ("/cli/reports-json", test_reports_json);
  g_test_add_func ("/cli/daily-breakdown", test_daily_breakdown);
  g_test_add_func ("/cli/csv-and-table", test_csv_and_table);
  g_test_add_func ("/cli/filters", test_filters);
  g_test_add_func ("/cli/users-ranked", test_users_ranked);
  g_test_add_func ("/cli/errors", test_errors);
  g_test_add_func ("/cli/help", test_help);
  g_test_add_func ("/cli/permissions", test_permissions);
  g_test_add_func ("/cli/scan-paths", test_scan_paths);
  g_test_add_func ("/cli/messages", test_messages);
  g_test_add_func ("/cli/scan-missing-defaults", test_scan_missing_defaults);

  return g_test_run ();
}
