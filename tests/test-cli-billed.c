/* test-cli-billed.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `costmeter-cli billed fetch`, `report billed` and `report org-users` on
 * the fixture corpus against a fake Admin API on 127.0.0.1, with every
 * debug message on: the outputs, the exit codes, no key anywhere.
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-scanner.h"
#include "cm-test-admin.h"
#include "cm-test-util.h"

#define TEST_KEY "sk-ant-admin01-CLITEST-0123456789abcdef"
#define TEAMMATE "carol@example.net"

static char *tmpdir;
static char *db_path;
static CmTestAdmin *admin;

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

/* Runs the CLI while this process serves the Admin API. @key NULL: none. */
static Result
run_cli (const char *key,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  Result r = { 0 };
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, db_path);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  /* No Secret Service: the key comes from the environment or not at all. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                "unix:path=/nonexistent/costmeter-test-bus", TRUE);
  g_subprocess_launcher_setenv (launcher, "G_MESSAGES_DEBUG", "all", TRUE);
  g_subprocess_launcher_setenv (launcher, "COSTMETER_API_BASE_URL", cm_test_admin_get_url (admin), TRUE);
  g_subprocess_launcher_unsetenv (launcher, "http_proxy");
  g_subprocess_launcher_unsetenv (launcher, "all_proxy");
  if (key != NULL)
    g_subprocess_launcher_setenv (launcher, "ANTHROPIC_ADMIN_API_KEY", key, TRUE);
  else
    g_subprocess_launcher_unsetenv (launcher, "ANTHROPIC_ADMIN_API_KEY");

  r.status = cm_test_spawn (launcher, (const char * const *) argv->pdata, &r.out, &r.err);

  g_test_message ("exit %d\nstdout:\n%.3000s\nstderr:\n%.3000s", r.status, r.out, r.err);
  g_assert_null (strstr (r.out, "CLITEST"));
  g_assert_null (strstr (r.err, "CLITEST"));

  return r;
}

static gboolean
db_contains (const char *needle)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_get_contents (path, &contents, &len, NULL) &&
          memmem (contents, len, needle, strlen (needle)) != NULL)
        return TRUE;
    }

  return FALSE;
}

/* The decimal dollars of a *_exact field as 1e-10 USD. */
static gint64
exact_units (JsonObject *obj,
             const char *name)
{
  const char *text = json_object_get_string_member (obj, name);
  g_autofree char *digits = g_strdup (text);
  char *dot = strchr (digits, '.');

  g_assert_nonnull (dot);
  g_assert_cmpuint (strlen (dot + 1), ==, 10);
  memmove (dot, dot + 1, strlen (dot));

  return g_ascii_strtoll (digits, NULL, 10);
}

static JsonObject *
parse_object (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

static void
serve (void)
{
  /* 94 cents and a web search bill on 09-03; a teammate's Claude Code. */
  cm_test_admin_set_day (admin, "2026-09-03",
    "[{\"currency\":\"USD\",\"amount\":\"94.00000001\",\"workspace_id\":null,\"description\":\"Claude Opus 4.5\","
    "\"cost_type\":\"tokens\",\"context_window\":\"0-200k\",\"model\":\"claude-opus-4-5\","
    "\"service_tier\":\"standard\",\"token_type\":\"output_tokens\",\"inference_geo\":null},"
    "{\"currency\":\"USD\",\"amount\":\"2\",\"cost_type\":\"web_search\",\"model\":null}]",
    "[{\"model\":\"claude-opus-4-5\",\"service_tier\":\"standard\",\"uncached_input_tokens\":303,"
    "\"output_tokens\":19721,\"cache_read_input_tokens\":596495,"
    "\"cache_creation\":{\"ephemeral_5m_input_tokens\":23740,\"ephemeral_1h_input_tokens\":0}}]",
    "[{\"actor\":{\"type\":\"user_actor\",\"email_address\":\"" TEAMMATE "\"},\"customer_type\":\"api\","
    "\"core_metrics\":{\"num_sessions\":4,\"lines_of_code\":{\"added\":12,\"removed\":3}},"
    "\"model_breakdown\":[{\"model\":\"claude-opus-4-5\",\"tokens\":{\"input\":5},"
    "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":9.5}}]}]");
}

static void
test_fetch (void)
{
  Result r = run_cli (TEST_KEY, "billed", "fetch", "--since", "2026-09-01", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Fetched "));
  g_assert_false (db_contains (TEST_KEY));
  g_assert_false (db_contains ("CLITEST"));
  /* Nor in anything it printed. */
  g_assert_null (strstr (r.out, "CLITEST"));
  g_assert_null (strstr (r.err, "CLITEST"));
  result_clear (&r);
}

static void
test_report_json (void)
{
  Result r = run_cli (NULL, "report", "billed", "--since", "2026-09-01", "--until", "2026-09-30", "--json", NULL);
  g_autoptr(JsonObject) root = NULL;
  JsonObject *totals;
  JsonArray *rows;
  gboolean seen = FALSE;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_object (r.out);
  g_assert_cmpstr (json_object_get_string_member (root, "since"), ==, "2026-09-01");
  g_assert_cmpstr (json_object_get_string_member (root, "until"), ==, "2026-09-30");
  rows = json_object_get_array_member (root, "rows");
  g_assert_cmpuint (json_array_get_length (rows), >, 0);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      g_assert_cmpint (exact_units (row, "billed_usd_exact") - exact_units (row, "estimated_usd_exact"), ==,
                       exact_units (row, "difference_usd_exact"));
      if (g_strcmp0 (json_object_get_string_member (row, "day"), "2026-09-03") == 0 &&
          !json_object_get_null_member (row, "model") &&
          g_str_equal (json_object_get_string_member (row, "model"), "claude-opus-4-5-20251101"))
        {
          seen = TRUE;
          /* 94.00000001 cents, exactly. */
          g_assert_cmpint (exact_units (row, "billed_usd_exact"), ==, G_GINT64_CONSTANT (9400000001));
          g_assert_true (json_object_get_boolean_member (row, "fetched"));
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (row, "billed_tokens"), "output"),
                           ==, 19721);
          g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (row, "transcript_tokens"), "output"),
                           ==, 19721);
          g_assert_cmpfloat (json_object_get_double_member (row, "token_agreement"), ==, 1.0);
        }
    }
  g_assert_true (seen);

  totals = json_object_get_object_member (root, "totals");
  g_assert_cmpint (exact_units (totals, "billed_usd_exact") - exact_units (totals, "estimated_usd_exact"), ==,
                   exact_units (totals, "difference_usd_exact"));
  g_assert_true (json_object_has_member (json_object_get_object_member (totals, "explained_usd_exact"), "other-usage"));
  g_assert_cmpint (exact_units (totals, "bedrock_estimated_usd_exact"), >, 0);
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "apart")), >, 0);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_object_get_array_member (root, "others"), 0), "actor"),
                   ==, TEAMMATE);
  g_assert_true (json_object_has_member (root, "last_fetch"));
  result_clear (&r);
}

static void
test_report_csv_and_table (void)
{
  Result csv = run_cli (NULL, "report", "billed", "--since", "2026-09-01", "--until", "2026-09-30", "--csv", NULL);
  Result table = run_cli (NULL, "report", "billed", "--since=2026-09-03", "--until=2026-09-03", NULL);
  g_auto(GStrv) lines = g_strsplit (csv.out, "\n", -1);

  g_assert_cmpint (csv.status, ==, 0);
  g_assert_true (g_str_has_prefix (lines[0], "day,model,billed_usd,estimated_usd,difference_usd,"));
  g_assert_nonnull (strstr (csv.out, "2026-09-03,claude-opus-4-5-20251101,0.9400000001,"));

  g_assert_cmpint (table.status, ==, 0);
  g_assert_nonnull (strstr (table.out, "Day (UTC)"));
  g_assert_nonnull (strstr (table.out, "claude-opus-4-5-20251101"));
  g_assert_nonnull (strstr (table.out, "Not compared (never on this bill): Bedrock"));
  g_assert_nonnull (strstr (table.out, TEAMMATE));
  result_clear (&csv);
  result_clear (&table);
}

static void
test_org_users (void)
{
  Result r = run_cli (NULL, "report", "org-users", "--since", "2026-09-01", "--until", "2026-09-30", "--json", NULL);
  Result csv = run_cli (NULL, "report", "org-users", "--since", "2026-09-01", "--until", "2026-09-30", "--csv", NULL);
  g_autoptr(JsonObject) root = NULL;
  JsonArray *rows;
  gboolean seen = FALSE;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_object (r.out);
  rows = json_object_get_array_member (root, "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);

      if (!g_str_equal (json_object_get_string_member (row, "key"), TEAMMATE))
        {
          g_assert_cmpstr (json_object_get_string_member (row, "source"), ==, "transcripts");
          continue;
        }
      seen = TRUE;
      g_assert_cmpstr (json_object_get_string_member (row, "source"), ==, "admin-api");
      g_assert_cmpint (json_object_get_int_member (row, "sessions"), ==, 4);
      g_assert_cmpint (exact_units (row, "org_estimated_usd_exact"), ==, 950000000);
      /* Tokens and the estimate by model. */
      {
        JsonArray *by_model = json_object_get_array_member (row, "by_model");
        JsonObject *opus;

        g_assert_cmpuint (json_array_get_length (by_model), ==, 1);
        opus = json_array_get_object_element (by_model, 0);
        g_assert_cmpstr (json_object_get_string_member (opus, "model"), ==, "claude-opus-4-5");
        g_assert_cmpint (json_object_get_int_member (opus, "input"), ==, 5);
        g_assert_cmpint (exact_units (opus, "estimated_usd_exact"), ==, 950000000);
      }
    }
  g_assert_true (seen);

  g_assert_cmpint (csv.status, ==, 0);
  g_assert_true (g_str_has_prefix (csv.out, "key,source,"));
  result_clear (&r);
  result_clear (&csv);
}

static void
test_errors (void)
{
  Result no_key = run_cli (NULL, "billed", "fetch", NULL);
  Result bad_day = run_cli (TEST_KEY, "billed", "fetch", "--since", "2026-13-45", NULL);
  Result bad_verb = run_cli (TEST_KEY, "billed", "pull", NULL);
  Result wrong_key = run_cli ("sk-ant-admin01-CLITEST-WRONG", "billed", "fetch", "--since", "2026-11-30", NULL);

  g_assert_cmpint (no_key.status, ==, 1);
  g_assert_nonnull (strstr (no_key.err, "ANTHROPIC_ADMIN_API_KEY"));
  g_assert_cmpint (bad_day.status, ==, 2);
  g_assert_cmpint (bad_verb.status, ==, 2);
  g_assert_cmpint (wrong_key.status, ==, 1);
  g_assert_nonnull (strstr (wrong_key.err, "HTTP 401"));
  /* The server echoes the wrong key: it is masked. */
  g_assert_null (strstr (wrong_key.err, "CLITEST-WRONG"));
  g_assert_null (strstr (wrong_key.out, "CLITEST-WRONG"));

  /* Retried 500s are reported once, without the key. */
  cm_test_admin_set_fault (admin, CM_TEST_ADMIN_LIMITED);
  {
    Result limited = run_cli (TEST_KEY, "billed", "fetch", "--since", "2026-11-30", NULL);

    g_assert_cmpint (limited.status, ==, 1);
    g_assert_nonnull (strstr (limited.err, "rate limited"));
    result_clear (&limited);
  }
  cm_test_admin_set_fault (admin, CM_TEST_ADMIN_OK);

  result_clear (&no_key);
  result_clear (&bad_day);
  result_clear (&bad_verb);
  result_clear (&wrong_key);
}

static void
scan_corpus (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db_path, &error);
  g_autoptr(CmPricing) pricing = cm_pricing_new_default (&error);
  g_autoptr(CmScanner) scanner = NULL;
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  CmScanStats stats;
  const char *name;

  g_assert_no_error (error);
  scanner = cm_scanner_new (store, pricing);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *home = g_build_filename (corpus, name, NULL);

      g_assert_cmpint (cm_store_add_source (store, home, NULL, FALSE, &error), >, 0);
    }
  g_assert_true (cm_scanner_scan_sync (scanner, NULL, &stats, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  g_unsetenv ("http_proxy");
  g_unsetenv ("all_proxy");

  tmpdir = cm_test_make_tmpdir ("cli-billed");
  db_path = g_build_filename (tmpdir, "costmeter.db", NULL);
  admin = cm_test_admin_new (TEST_KEY);
  serve ();
  scan_corpus ();

  g_test_add_func ("/billed/cli/fetch", test_fetch);
  g_test_add_func ("/billed/cli/report-json", test_report_json);
  g_test_add_func ("/billed/cli/report-csv-and-table", test_report_csv_and_table);
  g_test_add_func ("/billed/cli/org-users", test_org_users);
  g_test_add_func ("/billed/cli/errors", test_errors);

  rc = g_test_run ();
  cm_test_admin_free (admin);
  g_free (db_path);

  return rc;
}
