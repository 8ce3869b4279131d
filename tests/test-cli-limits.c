/* test-cli-limits.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * costmeter-cli report blocks and report weekly on the fixture corpus: the
 * blocks against the totals, the running block's burn rate and projection,
 * weeks against the days they are made of, with both week starts.
 */

#include "config.h"

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
run_cli_env (const char * const *env,
             const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  g_ptr_array_add (argv, "--db");
  g_ptr_array_add (argv, db_path);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLAUDE_CONFIG_DIR");
  for (guint i = 0; env != NULL && env[i] != NULL; i += 2)
    g_subprocess_launcher_setenv (launcher, env[i], env[i + 1], TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);

  return r;
}

#define run_cli(...) run_cli_env (NULL, (const char *[]) { __VA_ARGS__, NULL })

static void
scan_corpus (void)
{
  static gboolean done;
  g_autofree char *corpus = NULL;
  const char *users[] = { "user1", "user2", "user3", "user4" };
  g_autoptr(GPtrArray) args = g_ptr_array_new_with_free_func (g_free);
  Result r;

  if (done)
    return;
  done = TRUE;

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_ptr_array_add (args, g_strdup ("scan"));
  g_ptr_array_add (args, g_strdup ("--no-default"));
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_ptr_array_add (args, g_strdup ("--source"));
      g_ptr_array_add (args, g_build_filename (corpus, users[i], NULL));
    }
  g_ptr_array_add (args, NULL);

  r = run_cli_env (NULL, (const char * const *) args->pdata);
  g_assert_cmpint (r.status, ==, 0);
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

static gint64
iso_ms (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * 1000;
}

static char *
ms_iso (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

#define HOUR_MS (G_GINT64_CONSTANT (3600000))

static const char *token_fields[] = { "input", "output", "cache_write_5m", "cache_write_1h",
                                      "cache_read", "web_search", "messages" };

static void
test_blocks_json (void)
{
  g_autoptr(JsonParser) bp = NULL;
  g_autoptr(JsonParser) tp = NULL;
  JsonObject *out, *totals;
  JsonArray *rows;
  Result r, t;
  gint64 sums[G_N_ELEMENTS (token_fields)] = { 0 };
  gint64 previous_end = 0;
  double cost = 0;

  scan_corpus ();
  r = run_cli ("report", "blocks", "--json");
  g_assert_cmpint (r.status, ==, 0);
  out = load_json (r.out, &bp);
  rows = json_object_get_array_member (out, "rows");
  g_assert_cmpuint (json_array_get_length (rows), >, 10);

  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      gint64 start = iso_ms (json_object_get_string_member (row, "start"));
      gint64 end = iso_ms (json_object_get_string_member (row, "end"));
      gint64 first = iso_ms (json_object_get_string_member (row, "first_message"));
      gint64 last = iso_ms (json_object_get_string_member (row, "last_message"));

      /* Whole hours, 5 hours long, opened by their first message's hour,
       * apart from each other, the later ones after their predecessor's end. */
      g_assert_cmpint (start % HOUR_MS, ==, 0);
      g_assert_cmpint (end - start, ==, 5 * HOUR_MS);
      g_assert_cmpint (first - first % HOUR_MS, ==, start);
      g_assert_cmpint (last, <, end);
      g_assert_cmpint (first, >=, previous_end);
      previous_end = end;

      g_assert_cmpstr (json_object_get_string_member (row, "key"), ==,
                       json_object_get_string_member (row, "start"));
      g_assert_false (json_object_get_boolean_member (row, "active"));
      g_assert_true (json_object_has_member (row, "models"));
      g_assert_cmpint (json_object_get_int_member (row, "total_tokens"), ==,
                       json_object_get_int_member (row, "input") + json_object_get_int_member (row, "output") +
                       json_object_get_int_member (row, "cache_write_5m") +
                       json_object_get_int_member (row, "cache_write_1h") +
                       json_object_get_int_member (row, "cache_read"));
      for (guint k = 0; k < G_N_ELEMENTS (token_fields); k++)
        sums[k] += json_object_get_int_member (row, token_fields[k]);
      cost += json_object_get_double_member (row, "cost_usd");
    }

  /* Every message lies in one block. */
  t = run_cli ("report", "backend", "--json");
  g_assert_cmpint (t.status, ==, 0);
  totals = json_object_get_object_member (load_json (t.out, &tp), "totals");
  for (guint k = 0; k < G_N_ELEMENTS (token_fields); k++)
    g_assert_cmpint (sums[k], ==, json_object_get_int_member (totals, token_fields[k]));
  g_assert_cmpfloat_with_epsilon (cost, json_object_get_double_member (totals, "cost_usd"), 1e-6);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (out, "totals"),
                                                  "cost_usd_exact"), ==,
                   json_object_get_string_member (totals, "cost_usd_exact"));

  result_clear (&r);
  result_clear (&t);
}

/* The running block at a moment 2 hours into the corpus's last block. */
static void
test_blocks_active (void)
{
  g_autoptr(JsonParser) all_parser = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *now = NULL;
  JsonArray *all, *rows;
  JsonObject *last, *row, *rate, *projection;
  Result r;
  gint64 start;
  double cost;
  gint64 tokens;

  scan_corpus ();
  r = run_cli ("report", "blocks", "--json");
  all = json_object_get_array_member (load_json (r.out, &all_parser), "rows");
  last = json_array_get_object_element (all, json_array_get_length (all) - 1);
  start = iso_ms (json_object_get_string_member (last, "start"));
  now = ms_iso (start + 2 * HOUR_MS);
  result_clear (&r);

  r = run_cli ("report", "blocks", "--active", "--json", "--now", now);
  g_assert_cmpint (r.status, ==, 0);
  rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  row = json_array_get_object_element (rows, 0);
  g_assert_true (json_object_get_boolean_member (row, "active"));
  g_assert_cmpstr (json_object_get_string_member (row, "start"), ==,
                   json_object_get_string_member (last, "start"));

  /* Over 2 of its 5 hours: the pace per hour is half the cost so far, the
   * projection 5/2 of it. */
  cost = json_object_get_double_member (row, "cost_usd");
  tokens = json_object_get_int_member (row, "total_tokens");
  rate = json_object_get_object_member (row, "burn_rate");
  projection = json_object_get_object_member (row, "projection");
  g_assert_cmpint (json_object_get_int_member (row, "elapsed_minutes"), ==, 120);
  g_assert_cmpint (json_object_get_int_member (row, "remaining_minutes"), ==, 180);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rate, "tokens_per_minute"),
                                  tokens / 120.0, 1e-6);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (rate, "cost_per_hour_usd"), cost / 2, 1e-9);
  g_assert_cmpint (json_object_get_int_member (projection, "tokens"), ==, (gint64) llround (tokens * 2.5));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (projection, "cost_usd"), cost * 2.5, 1e-9);
  result_clear (&r);

  /* The table says so too. */
  r = run_cli ("report", "blocks", "--active", "--now", now, "--timezone", "UTC");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Active block: 2h 00m elapsed, 3h 00m left"));
  g_assert_nonnull (strstr (r.out, "Burn rate:"));
  result_clear (&r);

  /* 5 hours after its start it is over. */
  g_free (now);
  now = ms_iso (start + 5 * HOUR_MS);
  r = run_cli ("report", "blocks", "--active", "--json", "--now", now);
  g_assert_cmpint (r.status, ==, 0);
  g_clear_object (&parser);
  rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 0);
  result_clear (&r);
}

static void
test_blocks_recent_and_range (void)
{
  g_autoptr(JsonParser) all_parser = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *since = NULL;
  JsonArray *all, *rows;
  guint n, expected = 0;
  Result r;

  scan_corpus ();
  r = run_cli ("report", "blocks", "--json", "--timezone", "America/New_York");
  all = json_object_get_array_member (load_json (r.out, &all_parser), "rows");
  n = json_array_get_length (all);
  result_clear (&r);

  r = run_cli ("report", "blocks", "--json", "--recent", "2");
  g_assert_cmpint (r.status, ==, 0);
  rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 2);
  g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (rows, 0), "start"), ==,
                   json_object_get_string_member (json_array_get_object_element (all, n - 2), "start"));
  result_clear (&r);

  /* --since picks the blocks that start on or after that local day. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (
        json_object_get_string_member (json_array_get_object_element (all, i), "start"), NULL);
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("America/New_York");
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
      g_autofree char *day = g_date_time_format (local, "%Y-%m-%d");

      if (g_strcmp0 (day, "2026-09-10") >= 0)
        expected++;
    }
  g_assert_cmpuint (expected, >, 0);
  g_assert_cmpuint (expected, <, n);
  r = run_cli ("report", "blocks", "--json", "--since", "2026-09-10", "--timezone", "America/New_York");
  g_assert_cmpint (r.status, ==, 0);
  g_clear_object (&parser);
  rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, expected);
  result_clear (&r);

  /* CSV: a header and a line per block. */
  r = run_cli ("report", "blocks", "--csv");
  g_assert_cmpint (r.status, ==, 0);
  {
    g_auto(GStrv) lines = g_strsplit (g_strchomp (r.out), "\n", -1);

    g_assert_cmpuint (g_strv_length (lines), ==, n + 1);
    g_assert_true (g_str_has_prefix (lines[0], "start,end,first_message,last_message,active,models,"));
  }
  result_clear (&r);
}

/* The table shows blocks in the report's zone: at half past in India. */
static void
test_blocks_table_zones (void)
{
  Result r;

  scan_corpus ();
  r = run_cli ("report", "blocks", "--timezone", "Asia/Kolkata");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Block (Asia/Kolkata)"));
  g_assert_nonnull (strstr (r.out, "2026-09-01 18:30-23:30"));
  result_clear (&r);
}

static void
test_blocks_errors (void)
{
  const char *bad[][6] = {
    { "report", "blocks", "--recent", "0", NULL },
    { "report", "blocks", "--now", "yesterday", NULL },
    { "report", "daily", "--active", NULL },
    { "report", "model", "--week-start", "monday", NULL },
    { "report", "weekly", "--week-start", "funday", NULL },
    { "report", "blocks", "--breakdown", NULL },
  };

  scan_corpus ();
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      Result r = run_cli_env (NULL, bad[i]);

      g_assert_cmpint (r.status, ==, 2);
      g_assert_nonnull (strstr (r.err, "costmeter-cli: "));
      result_clear (&r);
    }
}

/* Local day "YYYY-MM-DD" -> the first day of its week. */
static char *
week_of (const char   *day,
         GDateWeekday  first)
{
  GDate date;
  guint y, m, d;

  g_assert_cmpint (sscanf (day, "%4u-%2u-%2u", &y, &m, &d), ==, 3);
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);
  while (g_date_get_weekday (&date) != first)
    g_date_subtract_days (&date, 1);

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date), g_date_get_month (&date),
                          g_date_get_day (&date));
}

static void
check_weeks (const char * const *env,
             const char          *week_start,
             GDateWeekday         first,
             const char          *timezone)
{
  g_autoptr(JsonParser) dp = NULL;
  g_autoptr(JsonParser) wp = NULL;
  g_autoptr(GHashTable) expected = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  JsonArray *days, *weeks;
  Result d, w;

  d = run_cli ("report", "daily", "--json", "--timezone", timezone);
  g_assert_cmpint (d.status, ==, 0);
  days = json_object_get_array_member (load_json (d.out, &dp), "rows");
  for (guint i = 0; i < json_array_get_length (days); i++)
    {
      JsonObject *day = json_array_get_object_element (days, i);
      char *week = week_of (json_object_get_string_member (day, "key"), first);
      gint64 *sums = g_hash_table_lookup (expected, week);

      if (sums == NULL)
        g_hash_table_insert (expected, week, sums = g_new0 (gint64, G_N_ELEMENTS (token_fields)));
      else
        g_free (week);
      for (guint k = 0; k < G_N_ELEMENTS (token_fields); k++)
        sums[k] += json_object_get_int_member (day, token_fields[k]);
    }

  if (week_start != NULL)
    w = run_cli_env (env, (const char *[]) { "report", "weekly", "--json", "--timezone", timezone,
                                             "--week-start", week_start, NULL });
  else
    w = run_cli_env (env, (const char *[]) { "report", "weekly", "--json", "--timezone", timezone, NULL });
  g_assert_cmpint (w.status, ==, 0);
  weeks = json_object_get_array_member (load_json (w.out, &wp), "rows");
  g_assert_cmpuint (json_array_get_length (weeks), ==, g_hash_table_size (expected));
  for (guint i = 0; i < json_array_get_length (weeks); i++)
    {
      JsonObject *week = json_array_get_object_element (weeks, i);
      gint64 *sums = g_hash_table_lookup (expected, json_object_get_string_member (week, "key"));

      g_assert_nonnull (sums);
      for (guint k = 0; k < G_N_ELEMENTS (token_fields); k++)
        g_assert_cmpint (json_object_get_int_member (week, token_fields[k]), ==, sums[k]);
      if (i > 0)
        g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (weeks, i - 1), "key"),
                         <, json_object_get_string_member (week, "key"));
    }

  result_clear (&d);
  result_clear (&w);
}

static void
test_weekly (void)
{
  /* glibc's C.UTF-8 starts weeks on Sunday. */
  const char *c_locale[] = { "LC_ALL", "C.UTF-8", NULL };

  scan_corpus ();
  check_weeks (NULL, "monday", G_DATE_MONDAY, "UTC");
  check_weeks (NULL, "sunday", G_DATE_SUNDAY, "UTC");
  check_weeks (NULL, "Mon", G_DATE_MONDAY, "America/New_York");
  check_weeks (NULL, "sunday", G_DATE_SUNDAY, "Pacific/Kiritimati");
  check_weeks (c_locale, NULL, G_DATE_SUNDAY, "UTC");
}

int
main (int   argc,
      char *argv[])
{
  int rc;

  g_test_init (&argc, &argv, NULL);

  tmpdir = cm_test_make_tmpdir ("cli-limits");
  db_path = g_build_filename (tmpdir, "costmeter.db", NULL);

  g_test_add_func ("/limits/cli/blocks-json", test_blocks_json);
  g_test_add_func ("/limits/cli/blocks-active", test_blocks_active);
  g_test_add_func ("/limits/cli/blocks-recent-and-range", test_blocks_recent_and_range);
  g_test_add_func ("/limits/cli/blocks-table-zones", test_blocks_table_zones);
  g_test_add_func ("/limits/cli/blocks-errors", test_blocks_errors);
  g_test_add_func ("/limits/cli/weekly", test_weekly);

  rc = g_test_run ();
  g_free (db_path);
  g_free (tmpdir);

  return rc;
}
