/* test-team.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Team mode against a real PostgreSQL server of its own (cm-test-pg.c):
 * three machines pushing into one database, row-level security read with
 * plain SQL, pushes killed and resumed, the errors a person meets, and the
 * password kept out of logs, settings and the local database. Run through
 * run-with-keyring.sh (the keyring case needs a Secret Service).
 */

#include "config.h"

#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gio.h>
#include <gio/gsettingsbackend.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <string.h>

#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif
#include "cm-scanner.h"
#include "cm-store-push.h"
#include "cm-team-store.h"
#include "cm-test-pg.h"
#include "cm-test-util.h"

#define MEMBER1 "user1@example.com"
#define MEMBER1_PASSWORD "member-one-Password-7c41"
#define LEAD "lead@example.com"
#define LEAD_PASSWORD "lead-Password-0b93"

static CmTestPg *pg;
static char *tmpdir;
static char *corpus;

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

/* costmeter-cli with a throw-away home; @env is NULL or "NAME=value" pairs,
 * @input what it reads on standard input. */
static Result
run_cli_full (const char * const *env,
              const char         *input,
              const char         *first,
              va_list             args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "PGPASSWORD", CM_TEST_PG_PASSWORD, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLAUDE_CONFIG_DIR");
  g_subprocess_launcher_unsetenv (launcher, "COSTMETER_TEAM");
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      if (kv[1] == NULL)
        g_subprocess_launcher_unsetenv (launcher, kv[0]);
      else
        g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);

  return r;
}

static Result
run_cli (const char *first,
         ...)
{
  va_list args;
  Result r;

  va_start (args, first);
  r = run_cli_full (NULL, NULL, first, args);
  va_end (args);

  return r;
}

static Result
run_cli_env (const char * const *env,
             const char         *input,
             const char         *first,
             ...)
{
  va_list args;
  Result r;

  va_start (args, first);
  r = run_cli_full (env, input, first, args);
  va_end (args);

  return r;
}

static void
assert_ok (Result *r)
{
  if (r->status != 0)
    g_error ("costmeter-cli failed (%d): %s%s", r->status, r->out, r->err);
}

static char *
superuser_conninfo (const char *dbname)
{
  return cm_test_pg_conninfo (pg, dbname, CM_TEST_PG_SUPERUSER);
}

/* A database set up by team init. */
static char *
new_team_db (const char *name)
{
  g_autofree char *conninfo = superuser_conninfo (name);
  Result r;

  cm_test_pg_create_db (pg, name);
  r = run_cli ("--connection", conninfo, "team", "init", NULL);
  assert_ok (&r);
  g_assert_nonnull (strstr (r.out, "schema 1"));
  result_clear (&r);

  return g_steal_pointer (&conninfo);
}

static char *
machine_db (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
scan_machine (const char *db,
              const char *first_source,
              ...)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autoptr(CmPricing) pricing = NULL;
  g_autoptr(CmScanner) scanner = NULL;
  CmScanStats stats;
  va_list args;

  store = cm_store_open (db, &error);
  g_assert_no_error (error);
  va_start (args, first_source);
  for (const char *s = first_source; s != NULL; s = va_arg (args, const char *))
    g_assert_cmpint (cm_store_add_source (store, s, NULL, FALSE, &error), >, 0);
  va_end (args);
  pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  scanner = cm_scanner_new (store, pricing);
  g_assert_true (cm_scanner_scan_sync (scanner, NULL, &stats, &error));
  g_assert_no_error (error);
  g_clear_object (&scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static gint64
pending_of (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  gint64 pending;

  g_assert_no_error (error);
  pending = cm_store_count_push_pending (store, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return pending;
}

/* --- comparing with the independently computed fixture totals --- */

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
assert_figures (JsonObject *row,
                JsonObject *expected,
                const char *what)
{
  const char *ints[] = { "input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
                         "web_search", "messages" };

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      if (json_object_get_int_member (row, ints[i]) != json_object_get_int_member (expected, ints[i]))
        g_error ("%s: %s is %" G_GINT64_FORMAT ", expected %" G_GINT64_FORMAT, what, ints[i],
                 json_object_get_int_member (row, ints[i]), json_object_get_int_member (expected, ints[i]));
    }
  if (fabs (json_object_get_double_member (row, "cost_usd") -
            json_object_get_double_member (expected, "cost")) > 0.000001)
    g_error ("%s: cost differs", what);
}

/* `report KIND --team` equals SECTION of the expected file, row by row. */
static void
check_team_report (const char *conninfo,
                   const char *kind,
                   const char *expected_file,
                   const char *section,
                   const char *timezone)
{
  g_autoptr(JsonParser) out_parser = NULL;
  g_autoptr(JsonParser) exp_parser = NULL;
  g_autofree char *path = g_build_filename (cm_test_fixtures_dir (), expected_file, NULL);
  g_autofree char *text = NULL;
  JsonObject *expected, *root;
  JsonArray *rows;
  Result r;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  root = load_json (text, &exp_parser);
  expected = json_object_get_object_member (root, section);

  r = run_cli ("--connection", conninfo, "report", kind, "--team", "--json", "--timezone", timezone, NULL);
  assert_ok (&r);
  rows = json_object_get_array_member (load_json (r.out, &out_parser), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, json_object_get_size (expected));
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *key = json_object_get_string_member (row, "key");

      g_assert_true (json_object_has_member (expected, key));
      assert_figures (row, json_object_get_object_member (expected, key), key);
    }
  assert_figures (json_object_get_object_member (json_node_get_object (json_parser_get_root (out_parser)), "totals"),
                  json_object_get_object_member (root, "totals"), "totals");
  result_clear (&r);
}

/* Per day and model, as the expected file's "days". */
static void
check_team_days (const char *conninfo,
                 const char *expected_file,
                 const char *timezone)
{
  g_autoptr(JsonParser) out_parser = NULL;
  g_autoptr(JsonParser) exp_parser = NULL;
  g_autofree char *path = g_build_filename (cm_test_fixtures_dir (), expected_file, NULL);
  g_autofree char *text = NULL;
  JsonObject *days;
  JsonArray *rows;
  guint expected_rows = 0;
  Result r;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  days = json_object_get_object_member (load_json (text, &exp_parser), "days");

  r = run_cli ("--connection", conninfo, "report", "daily", "--breakdown", "--team", "--json",
               "--timezone", timezone, NULL);
  assert_ok (&r);
  rows = json_object_get_array_member (load_json (r.out, &out_parser), "rows");
  for (guint i = 0; i < json_array_get_length (rows); i++)
    {
      JsonObject *row = json_array_get_object_element (rows, i);
      const char *day = json_object_get_string_member (row, "key");
      const char *model = json_object_get_string_member (row, "model");
      g_autofree char *what = g_strdup_printf ("%s %s %s", timezone, day, model);
      JsonObject *per_model = json_object_get_object_member (days, day);

      g_assert_nonnull (per_model);
      g_assert_true (json_object_has_member (per_model, model));
      assert_figures (row, json_object_get_object_member (per_model, model), what);
    }
  {
    g_autoptr(GList) members = json_object_get_members (days);

    for (GList *l = members; l != NULL; l = l->next)
      expected_rows += json_object_get_size (json_object_get_object_member (days, l->data));
  }
  g_assert_cmpuint (json_array_get_length (rows), ==, expected_rows);
  result_clear (&r);
}

/* --- three machines --- */

static char *team_conninfo;

/* Every line of @message_id in @from, appended to @to: the same message in
 * a second home, as a synced folder or a copied session leaves it. */
static guint
copy_message (const char *from,
              const char *to)
{
  g_autofree char *text = NULL;
  g_autofree char *id = NULL;
  g_auto(GStrv) lines = NULL;
  GString *copy = g_string_new (NULL);
  guint n = 0;

  g_assert_true (g_file_get_contents (from, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && id == NULL; i++)
    {
      const char *at = strstr (lines[i], "\"id\":\"msg_");

      if (at != NULL && strstr (lines[i], "\"usage\"") != NULL)
        id = g_strndup (at + 6, strcspn (at + 6, "\""));
    }
  g_assert_nonnull (id);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strstr (lines[i], id) != NULL)
        {
          g_string_append_printf (copy, "%s\n", lines[i]);
          n++;
        }
    }
  cm_test_write_file (to, copy->str, copy->len);
  g_string_free (copy, TRUE);

  return n;
}

static char *
first_transcript (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);

      if (g_str_has_suffix (name, ".jsonl"))
        return g_steal_pointer (&path);
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        {
          char *found = first_transcript (path);
          if (found != NULL)
            return found;
        }
    }

  return NULL;
}

static gint64
local_messages (const char *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  CmTotals totals;

  g_assert_no_error (error);
  g_assert_true (cm_store_query_totals (store, NULL, &totals, &error));
  while (g_main_context_iteration (NULL, FALSE))
    ;

  return totals.messages;
}

static void
push_machine (const char *db,
              const char *conninfo)
{
  Result r = run_cli ("--db", db, "--connection", conninfo, "push", NULL);

  assert_ok (&r);
  g_assert_nonnull (strstr (r.err, " 0 rows waiting to push"));
  result_clear (&r);
}

/* A: user1 and user2; B: user3 and one of user1's messages copied into it;
 * C: user4, who has no identity. B and C push first: on an exact tie of two
 * copies the later push wins, and the copy belongs to user1. */
static void
ensure_three_machines (void)
{
  g_autofree char *a = machine_db ("a.db");
  g_autofree char *b = machine_db ("b.db");
  g_autofree char *c = machine_db ("c.db");
  g_autofree char *u1 = NULL, *u2 = NULL, *u3 = NULL, *u4 = NULL;
  g_autofree char *from = NULL, *to = NULL;

  if (team_conninfo != NULL)
    return;

  u1 = g_build_filename (corpus, "user1", NULL);
  u2 = g_build_filename (corpus, "user2", NULL);
  u3 = g_build_filename (corpus, "user3", ".claude", NULL);
  u4 = g_build_filename (corpus, "user4", ".claude", "projects", NULL);
  from = first_transcript (u1);
  to = g_build_filename (u3, "projects", "-home-user3-copied", "copied.jsonl", NULL);
  g_assert_cmpuint (copy_message (from, to), >, 0);

  scan_machine (a, u1, u2, NULL);
  scan_machine (b, u3, NULL);
  scan_machine (c, u4, NULL);
  g_assert_cmpint (local_messages (a), ==, 112 + 108);
  g_assert_cmpint (local_messages (b), ==, 142 + 1);
  g_assert_cmpint (local_messages (c), ==, 86);

  team_conninfo = new_team_db ("team");
  push_machine (b, team_conninfo);
  push_machine (c, team_conninfo);
  push_machine (a, team_conninfo);
}

static void
test_three_machines (void)
{
  ensure_three_machines ();

  check_team_report (team_conninfo, "model", "expected-utc.json", "model", "UTC");
  check_team_report (team_conninfo, "backend", "expected-utc.json", "backend", "UTC");
  check_team_report (team_conninfo, "user", "expected-utc.json", "user", "UTC");
  check_team_report (team_conninfo, "backend", "expected-new-york.json", "backend", "America/New_York");
  check_team_days (team_conninfo, "expected-utc.json", "UTC");
  check_team_days (team_conninfo, "expected-new-york.json", "America/New_York");
}

/* A range in a zone off UTC starts and ends inside UTC days: the team reads
 * those partial days from its quarter hours. Its figures equal the
 * expected file's days of the range, model by model, in every grouping. */
static void
check_team_range (const char *since,
                  const char *until)
{
  g_autoptr(JsonParser) exp_parser = NULL;
  g_autofree char *path = g_build_filename (cm_test_fixtures_dir (), "expected-new-york.json", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GHashTable) models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, g_free);
  gint64 total_messages = 0;
  JsonObject *days;
  const char *kinds[] = { "model", "user", "backend", "project", "daily", "session" };

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  days = json_object_get_object_member (load_json (text, &exp_parser), "days");
  {
    g_autoptr(GList) names = json_object_get_members (days);

    for (GList *l = names; l != NULL; l = l->next)
      {
        JsonObject *per_model = json_object_get_object_member (days, l->data);
        g_autoptr(GList) ms = NULL;

        if (strcmp (l->data, since) < 0 || strcmp (l->data, until) > 0)
          continue;
        ms = json_object_get_members (per_model);
        for (GList *m = ms; m != NULL; m = m->next)
          {
            gint64 n = json_object_get_int_member (json_object_get_object_member (per_model, m->data),
                                                   "messages");
            gint64 *sum = g_hash_table_lookup (models, m->data);

            if (sum == NULL)
              g_hash_table_insert (models, m->data, sum = g_new0 (gint64, 1));
            *sum += n;
            total_messages += n;
          }
      }
  }
  g_assert_cmpint (total_messages, >, 0);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      g_autoptr(JsonParser) out_parser = NULL;
      JsonObject *root;
      JsonArray *rows;
      Result r = run_cli ("--connection", team_conninfo, "report", kinds[k], "--team", "--json",
                          "--timezone", "America/New_York", "--since", since, "--until", until, NULL);

      assert_ok (&r);
      root = load_json (r.out, &out_parser);
      g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (root, "totals"),
                                                   "messages"), ==, total_messages);
      rows = json_object_get_array_member (root, "rows");
      for (guint i = 0; k == 0 && i < json_array_get_length (rows); i++)
        {
          JsonObject *row = json_array_get_object_element (rows, i);
          gint64 *sum = g_hash_table_lookup (models, json_object_get_string_member (row, "key"));

          g_assert_nonnull (sum);
          g_assert_cmpint (json_object_get_int_member (row, "messages"), ==, *sum);
        }
      if (k == 0)
        g_assert_cmpuint (json_array_get_length (rows), ==, g_hash_table_size (models));
      result_clear (&r);
    }
}

static void
test_ranges_in_a_zone (void)
{
  ensure_three_machines ();

  check_team_range ("2026-09-05", "2026-09-20");
  check_team_range ("2026-09-10", "2026-09-10");
}

/* The team's sums of every view equal a pass over the messages. */
static void
test_rollups_exact (void)
{
  PGconn *conn;
  g_autofree char *messages = NULL;

  ensure_three_machines ();
  conn = cm_test_pg_connect (pg, "team", NULL, NULL);
  messages = cm_test_pg_value (conn, "SELECT count (*) || ':' || sum (cost) || ':' || sum (output)"
                                     " FROM costmeter.messages");
  for (guint i = 0; i < 4; i++)
    {
      const char *tables[] = { "rollup_qh", "rollup_day", "rollup_time", "session_day" };
      g_autofree char *sql = g_strdup_printf ("SELECT sum (messages) || ':' || sum (cost) || ':' ||"
                                              " sum (output) FROM costmeter.%s", tables[i]);
      g_autofree char *sums = cm_test_pg_value (conn, sql);

      g_assert_cmpstr (sums, ==, messages);
    }
  g_assert_true (g_str_has_prefix (messages, "448:"));
  PQfinish (conn);
}

/* --- row-level security --- */

static void
add_member (const char *conninfo,
            const char *email,
            const char *password,
            gboolean    admin)
{
  Result r = admin ? run_cli_env (NULL, password, "--connection", conninfo, "team", "add-member", email,
                                  "--password-stdin", "--admin", NULL)
                   : run_cli_env (NULL, password, "--connection", conninfo, "team", "add-member", email,
                                  "--password-stdin", NULL);

  assert_ok (&r);
  g_assert_null (strstr (r.out, password));
  result_clear (&r);
}

static gint64
count_as (PGconn     *conn,
          const char *sql)
{
  g_autofree char *value = cm_test_pg_value (conn, sql);

  return value != NULL ? g_ascii_strtoll (value, NULL, 10) : 0;
}

/* Plain SQL, not the app: the database itself scopes what a role sees. */
static void
test_row_level_security (void)
{
  PGconn *member, *lead;
  PGresult *res;

  ensure_three_machines ();
  add_member (team_conninfo, MEMBER1, MEMBER1_PASSWORD, FALSE);
  add_member (team_conninfo, LEAD, LEAD_PASSWORD, TRUE);

  member = cm_test_pg_connect (pg, "team", MEMBER1, MEMBER1_PASSWORD);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.messages"), ==, 112);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.messages m"
                                     " WHERE m.user_id <> (SELECT id FROM costmeter.users"
                                     " WHERE email = '" MEMBER1 "')"), ==, 0);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.messages WHERE user_id = 0"), ==, 0);
  g_assert_cmpint (count_as (member, "SELECT sum (messages) FROM costmeter.rollup_day"), ==, 112);
  g_assert_cmpint (count_as (member, "SELECT sum (messages) FROM costmeter.rollup_qh"), ==, 112);
  g_assert_cmpint (count_as (member, "SELECT sum (messages) FROM costmeter.session_day"), ==, 112);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.rollup_time"), ==, 0);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.users"), ==, 1);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.projects p WHERE p.path LIKE '%user2%'"), ==, 0);
  g_assert_cmpint (count_as (member, "SELECT count (*) FROM costmeter.devices"), ==, 0);

  /* Not around the policies through a partition, nor by writing. */
  res = PQexec (member, "SELECT count (*) FROM costmeter.messages_202609");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  g_assert_cmpstr (PQresultErrorField (res, PG_DIAG_SQLSTATE), ==, "42501");
  PQclear (res);
  res = PQexec (member, "UPDATE costmeter.messages SET user_id = 0");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  PQclear (res);
  res = PQexec (member, "SELECT count (*) FROM costmeter.push_staging");
  g_assert_cmpint (PQresultStatus (res), ==, PGRES_FATAL_ERROR);
  PQclear (res);
  PQfinish (member);

  lead = cm_test_pg_connect (pg, "team", LEAD, LEAD_PASSWORD);
  g_assert_cmpint (count_as (lead, "SELECT count (*) FROM costmeter.messages"), ==, 448);
  g_assert_cmpint (count_as (lead, "SELECT count (*) FROM costmeter.messages WHERE user_id = 0"), ==, 86);
  g_assert_cmpint (count_as (lead, "SELECT sum (messages) FROM costmeter.rollup_time"), ==, 448);
  g_assert_cmpint (count_as (lead, "SELECT count (*) FROM costmeter.devices"), ==, 3);
  PQfinish (lead);
}

/* Through the library as the app reads: a member's report is the member's
 * own; the lead's is everyone's, and only the lead is told it is an admin. */
static void
test_reports_as_roles (void)
{
  g_autofree char *member_info = cm_test_pg_conninfo (pg, "team", MEMBER1);
  g_autofree char *lead_info = cm_test_pg_conninfo (pg, "team", LEAD);
  g_autoptr(CmTeamStore) member = NULL;
  g_autoptr(CmTeamStore) lead = NULL;
  g_autoptr(GError) error = NULL;
  CmGrouping users = { CM_GROUP_USER, CM_GROUP_BACKEND };
  CmGrouping days = { CM_GROUP_DAY, CM_GROUP_BACKEND };
  GPtrArray *rows[2] = { NULL, NULL };
  CmGrouping both[2];
  CmTotals totals;

  ensure_three_machines ();
  member = cm_team_store_new (member_info, MEMBER1_PASSWORD);
  lead = cm_team_store_new (lead_info, LEAD_PASSWORD);
  g_assert_true (cm_team_store_check (member, &error));
  g_assert_no_error (error);
  g_assert_true (cm_team_store_check (lead, &error));
  g_assert_false (cm_team_store_get_is_admin (member));
  g_assert_true (cm_team_store_get_is_admin (lead));

  both[0] = users;
  both[1] = days;
  g_assert_true (cm_team_store_query (member, NULL, both, 2, rows, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < rows[0]->len; i++)
    g_assert_cmpstr (((CmGroupRow *) g_ptr_array_index (rows[0], i))->key, ==, MEMBER1);
  g_assert_cmpuint (rows[1]->len, >, 0);
  g_ptr_array_unref (rows[0]);
  g_ptr_array_unref (rows[1]);

  g_assert_true (cm_team_store_query_totals (member, NULL, &totals, &error));
  g_assert_cmpint (totals.messages, ==, 112);
  g_assert_true (cm_team_store_query_totals (lead, NULL, &totals, &error));
  g_assert_cmpint (totals.messages, ==, 448);

  /* The lead's chart (the team's sums) and a member's (their own) both
   * add up to their totals. */
  g_assert_true (cm_team_store_query (lead, NULL, &days, 1, rows, &error));
  {
    CmTotals sum = { 0 };

    for (guint i = 0; i < rows[0]->len; i++)
      cm_totals_add (&sum, &((CmGroupRow *) g_ptr_array_index (rows[0], i))->totals);
    g_assert_cmpint (sum.messages, ==, 448);
    g_assert_cmpint (sum.cost, ==, totals.cost);
  }
  g_ptr_array_unref (rows[0]);
}

/* --- pushes that are repeated, corrected, interrupted --- */

static void
test_push_again_and_changes (void)
{
  g_autofree char *c = machine_db ("c.db");
  g_autofree char *u4 = g_build_filename (corpus, "user4", ".claude", "projects", NULL);
  PGconn *conn;
  Result r;

  ensure_three_machines ();

  /* Nothing new: nothing sent, nothing changes. */
  r = run_cli ("--db", c, "--connection", team_conninfo, "push", NULL);
  assert_ok (&r);
  g_assert_nonnull (strstr (r.err, "Pushed 0 rows"));
  result_clear (&r);

  /* C's runs get an owner: the same device's rows move to that user. */
  r = run_cli ("--db", c, "sources", "owner", u4, "user4@example.com", NULL);
  assert_ok (&r);
  result_clear (&r);
  g_assert_cmpint (pending_of (c), ==, 86);
  push_machine (c, team_conninfo);

  conn = cm_test_pg_connect (pg, "team", NULL, NULL);
  g_assert_cmpint (count_as (conn, "SELECT count (*) FROM costmeter.messages WHERE user_id = 0"), ==, 0);
  g_assert_cmpint (count_as (conn, "SELECT sum (messages) FROM costmeter.rollup_day r JOIN costmeter.users u"
                                   " ON u.id = r.user_id WHERE u.email = 'user4@example.com'"), ==, 86);
  g_assert_cmpint (count_as (conn, "SELECT count (*) FROM costmeter.messages"), ==, 448);
  PQfinish (conn);

  /* And back, for the tests after this one. */
  r = run_cli ("--db", c, "sources", "owner", u4, NULL);
  assert_ok (&r);
  result_clear (&r);
  push_machine (c, team_conninfo);
}

/* A machine that rebuilds its database is a new device: everything is
 * sent again and still counts once. */
static void
test_rebuilt_machine (void)
{
  g_autofree char *a = machine_db ("a.db");
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  PGconn *conn;
  Result r;

  ensure_three_machines ();
  conn = cm_test_pg_connect (pg, "team", NULL, NULL);
  before = cm_test_pg_value (conn, "SELECT count (*) || ':' || sum (cost) FROM costmeter.messages");

  r = run_cli ("--db", a, "rebuild", NULL);
  assert_ok (&r);
  result_clear (&r);
  push_machine (a, team_conninfo);

  after = cm_test_pg_value (conn, "SELECT count (*) || ':' || sum (cost) FROM costmeter.messages");
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (count_as (conn, "SELECT count (*) FROM costmeter.devices"), ==, 4);
  PQfinish (conn);
  check_team_report (team_conninfo, "user", "expected-utc.json", "user", "UTC");
}

static char *
report_json (const char *db,
             const char *conninfo,
             const char *kind)
{
  Result r = conninfo != NULL
             ? run_cli ("--connection", conninfo, "report", kind, "--team", "--json", "--timezone", "UTC", NULL)
             : run_cli ("--db", db, "report", kind, "--json", "--timezone", "UTC", NULL);
  char *out;

  assert_ok (&r);
  out = g_steal_pointer (&r.out);
  result_clear (&r);

  return out;
}

static char *
generated_corpus (const char *name,
                  const char *size_mb)
{
  const char *gen = g_getenv ("CM_GEN_CORPUS");
  g_autofree char *out = g_build_filename (tmpdir, name, NULL);
  const char *argv[] = { "python3", gen, "--out", out, "--seed", "20", "--users", "2",
                         "--size-mb", size_mb, NULL };
  g_autoptr(GError) error = NULL;
  int status;

  g_assert_nonnull (gen);
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  return g_steal_pointer (&out);
}

/* What the team database holds of the pushing device: its watermark. */
static gint64
team_watermark (PGconn *conn)
{
  g_autofree char *value = cm_test_pg_value (conn, "SELECT coalesce (max (watermark), 0) FROM costmeter.devices");

  return g_ascii_strtoll (value, NULL, 10);
}

/* One push, SIGKILLed at random moments (while sending, merging, committing
 * or acknowledging) twenty times, then let finish: the team holds exactly
 * what this machine holds. Each kill waits until that run has committed a
 * few batches, then a random while longer, so every kill lands inside a
 * push under way, however fast this machine is. */
static void
test_kill_and_resume (void)
{
  g_autofree char *conninfo = new_team_db ("killed");
  g_autofree char *gen = generated_corpus ("kill-corpus", "10");
  g_autofree char *u1 = g_build_filename (gen, "user1", NULL);
  g_autofree char *u2 = g_build_filename (gen, "user2", NULL);
  g_autofree char *db = machine_db ("k.db");
  g_autoptr(GRand) rng = g_rand_new_with_seed (20261202);
  const char *kinds[] = { "daily", "user", "model", "session" };
  PGconn *conn = cm_test_pg_connect (pg, "killed", NULL, NULL);
  guint kills = 0;
  Result r;

  scan_machine (db, u1, u2, NULL);
  g_assert_cmpint (local_messages (db), >, 1000);

  while (kills < 20)
    {
      const char *argv[] = { g_getenv ("CM_CLI"), "--db", db, "--connection", conninfo, "push",
                             "--batch", "2", NULL };
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autoptr(GSubprocess) proc = NULL;
      g_autoptr(GError) error = NULL;
      gint64 from = team_watermark (conn);
      gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
      /* Entries: two a batch. */
      gint64 after = 2 * g_rand_int_range (rng, 1, 4);

      g_subprocess_launcher_setenv (launcher, "PGPASSWORD", CM_TEST_PG_PASSWORD, TRUE);
      g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
      proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
      g_assert_no_error (error);
      while (team_watermark (conn) < from + after)
        {
          g_assert_cmpint (g_get_monotonic_time (), <, deadline);
          g_usleep (1000);
        }
      g_usleep (g_rand_int_range (rng, 0, 15000));
      g_subprocess_send_signal (proc, SIGKILL);
      g_subprocess_wait (proc, NULL, NULL);
      /* Killed, not finished: the push still had work when it died. */
      if (g_subprocess_get_if_exited (proc))
        g_error ("The push finished before kill %u: too little to push on this machine", kills + 1);
      g_assert_cmpint (g_subprocess_get_term_sig (proc), ==, SIGKILL);
      kills++;
    }
  PQfinish (conn);
  g_assert_cmpint (pending_of (db), >, 0);

  r = run_cli ("--db", db, "--connection", conninfo, "push", NULL);
  assert_ok (&r);
  result_clear (&r);
  g_assert_cmpint (pending_of (db), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *local = report_json (db, NULL, kinds[i]);
      g_autofree char *team = report_json (NULL, conninfo, kinds[i]);

      g_assert_cmpstr (team, ==, local);
    }
}


/* Fast-mode requests are rows of their own in the team's figures too: the
 * team's reports of a machine equal its own, speed by speed. */
static void
test_speed (void)
{
  g_autofree char *conninfo = new_team_db ("speed");
  g_autofree char *home = g_build_filename (tmpdir, "fast-home", NULL);
  g_autofree char *from = NULL;
  g_autofree char *to = g_build_filename (home, ".claude", "projects", "-home-f-src", "fast.jsonl", NULL);
  g_autofree char *text = NULL;
  g_autofree char *db = machine_db ("f.db");
  g_autofree char *user1 = g_build_filename (corpus, "user1", NULL);
  g_auto(GStrv) lines = NULL;
  GString *fast = g_string_new (NULL);
  const char *kinds[] = { "model", "daily", "session" };

  /* user1's first transcript again, every message in fast mode, under new
   * ids (as another session would have them). */
  from = first_transcript (user1);
  g_assert_true (g_file_get_contents (from, &text, NULL, NULL));
  lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_autofree char *renamed = NULL;
      g_auto(GStrv) parts = NULL;
      char *usage = strstr (lines[i], "\"usage\":{");

      if (usage == NULL || *lines[i] == '\0')
        continue;
      parts = g_strsplit (lines[i], "\"id\":\"msg_", -1);
      renamed = g_strjoinv ("\"id\":\"msg_fast", parts);
      usage = strstr (renamed, "\"usage\":{") + strlen ("\"usage\":{");
      g_string_append_len (fast, renamed, usage - renamed);
      g_string_append_printf (fast, "\"speed\":\"fast\",%s\n", usage);
    }
  cm_test_write_file (to, fast->str, fast->len);
  g_string_free (fast, TRUE);

  scan_machine (db, user1, home, NULL);
  push_machine (db, conninfo);
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *local = report_json (db, NULL, kinds[i]);
      g_autofree char *team = report_json (NULL, conninfo, kinds[i]);

      g_assert_cmpstr (team, ==, local);
      if (i == 0)
        g_assert_nonnull (strstr (team, "\"speed\" : \"fast\""));
    }
}

/* --- errors that leave everything on this computer --- */

static char *
state_of (const char *db)
{
  g_autofree char *report = report_json (db, NULL, "daily");

  return g_strdup_printf ("%" G_GINT64_FORMAT " %s", pending_of (db), report);
}

static void
expect_push_error (const char *db,
                   const char *conninfo,
                   const char *password,
                   int         code,
                   const char *words)
{
  g_autofree char *before = state_of (db);
  g_autofree char *after = NULL;
  g_autoptr(CmTeamStore) team = cm_team_store_new (conninfo, password);
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  CmTeamPushStats stats;

  store = cm_store_open (db, &error);
  g_assert_no_error (error);
  g_assert_false (cm_team_store_push (team, store, 0, &stats, NULL, &error));
  g_assert_error (error, CM_TEAM_ERROR, code);
  if (strstr (error->message, words) == NULL)
    g_error ("“%s” does not say “%s”", error->message, words);
  g_assert_cmpint (stats.pending, >, 0);
  g_clear_object (&store);
  while (g_main_context_iteration (NULL, FALSE))
    ;

  after = state_of (db);
  g_assert_cmpstr (after, ==, before);
}

static void
test_errors (void)
{
  g_autofree char *u2 = g_build_filename (corpus, "user2", NULL);
  g_autofree char *db = machine_db ("e.db");
  g_autofree char *good = new_team_db ("errors");
  g_autofree char *member = cm_test_pg_conninfo (pg, "errors", MEMBER1);
  g_autofree char *unreachable = g_strdup_printf ("host=%s/gone dbname=errors user=postgres",
                                                  cm_test_pg_dir (pg));
  g_autofree char *bare = NULL;
  g_autofree char *newer = NULL;
  PGconn *conn;
  Result r;

  scan_machine (db, u2, NULL);
  /* Rows wait from the first try on. */
  {
    g_autoptr(CmStore) store = cm_store_open (db, NULL);
    g_assert_true (cm_store_push_start (store, NULL));
  }
  g_assert_cmpint (pending_of (db), ==, 108);

  add_member (good, MEMBER1, MEMBER1_PASSWORD, FALSE);
  expect_push_error (db, member, "not-the-password", CM_TEAM_ERROR_AUTH, "refused the user “" MEMBER1 "”");
  expect_push_error (db, unreachable, CM_TEST_PG_PASSWORD, CM_TEAM_ERROR_UNREACHABLE, "Cannot reach");

  bare = superuser_conninfo ("bare");
  cm_test_pg_create_db (pg, "bare");
  expect_push_error (db, bare, CM_TEST_PG_PASSWORD, CM_TEAM_ERROR_NOT_INITIALIZED, "team init");

  newer = new_team_db ("newer");
  conn = cm_test_pg_connect (pg, "newer", NULL, NULL);
  cm_test_pg_exec (conn, "UPDATE costmeter.schema_version SET version = 99");
  PQfinish (conn);
  expect_push_error (db, newer, CM_TEST_PG_PASSWORD, CM_TEAM_ERROR_TOO_NEW, "newer CostMeter (schema 99");
  /* team init does not touch it either. */
  r = run_cli ("--connection", newer, "team", "init", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "newer CostMeter"));
  result_clear (&r);

  /* The messages say it from the command line too, and the rows wait. */
  r = run_cli ("--db", db, "--connection", unreachable, "push", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "108 rows waiting to push"));
  result_clear (&r);

  /* Once it answers, everything goes. */
  push_machine (db, good);
  g_assert_cmpint (pending_of (db), ==, 0);
}

/* sslmode=verify-full against a server whose certificate nobody vouches for
 * (or that has none): a clear refusal, and nothing sent. */
static void
test_verify_full (void)
{
  g_autofree char *u2 = g_build_filename (corpus, "user2", NULL);
  g_autofree char *db = machine_db ("v.db");
  g_autofree char *base = NULL;
  g_autofree char *untrusted = NULL;
  g_autofree char *wrong_name = NULL;
  g_autofree char *crt = NULL;
  gboolean tls = FALSE;
  CmTestPg *server = cm_test_pg_start_tcp (&tls);

  scan_machine (db, u2, NULL);
  {
    g_autoptr(CmStore) store = cm_store_open (db, NULL);
    g_assert_true (cm_store_push_start (store, NULL));
  }

  base = cm_test_pg_conninfo (server, "postgres", CM_TEST_PG_SUPERUSER);
  untrusted = g_strdup_printf ("%s sslmode=verify-full sslrootcert=%s/no-such-root.crt", base, tmpdir);
  expect_push_error (db, untrusted, CM_TEST_PG_PASSWORD, CM_TEAM_ERROR_SSL, "verify-full");

  if (tls)
    {
      /* Trusting exactly its certificate, which names localhost, not the
       * address we reached. */
      crt = g_build_filename (cm_test_pg_dir (server), "data", "server.crt", NULL);
      wrong_name = g_strdup_printf ("%s sslmode=verify-full sslrootcert=%s", base, crt);
      expect_push_error (db, wrong_name, CM_TEST_PG_PASSWORD, CM_TEAM_ERROR_SSL, "verify-full");
    }
  else
    g_test_message ("openssl is not installed: the server runs without TLS");

  cm_test_pg_stop (server);
}

/* --- the password --- */

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;

  return memmem (data, len, needle, strlen (needle)) != NULL;
}

#ifdef HAVE_LIBSECRET
static void
store_password_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_keyring_store_team_password_finish (res, &error));
  g_assert_no_error (error);
  *done = TRUE;
}
#endif

/* The password lives in the keyring only: a push with it and a failed one
 * leave it in no log, no setting and no byte of the local database. */
static void
test_password_secrecy (void)
{
  const char *reason = g_getenv ("CM_TEST_NO_KEYRING");
  g_autofree char *db = machine_db ("s.db");
  g_autofree char *u1 = g_build_filename (corpus, "user1", NULL);
  g_autofree char *conninfo = NULL;
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autofree char *keyfile = g_build_filename (tmpdir, "glib-2.0", "settings", "keyfile", NULL);
  g_autoptr(GSettingsBackend) backend = NULL;
  g_autoptr(GSettings) settings = NULL;
  const char *env[] = { "GSETTINGS_BACKEND=keyfile", "PGPASSWORD", "G_MESSAGES_DEBUG=all", NULL };
  const char *suffixes[] = { "", "-wal", "-shm" };
  gboolean done = FALSE;
  Result ok, failed;

#ifndef HAVE_LIBSECRET
  reason = "built without libsecret: no keyring";
#endif
  if (reason != NULL || g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    {
      g_test_skip (reason != NULL ? reason : "no session bus: run through tests/run-with-keyring.sh");
      return;
    }

  ensure_three_machines ();
  conninfo = cm_test_pg_conninfo (pg, "team", MEMBER1);
  cm_team_conninfo_keyring_ids (conninfo, &server, &user);
#ifdef HAVE_LIBSECRET
  cm_keyring_store_team_password_async (server, user, MEMBER1_PASSWORD, NULL, store_password_cb, &done);
#endif
  while (!done)
    g_main_context_iteration (NULL, TRUE);

  /* The connection as the preferences save it, in a settings file. */
  backend = g_keyfile_settings_backend_new (keyfile, "/", NULL);
  settings = g_settings_new_with_backend (APP_ID, backend);
  g_settings_set_string (settings, "team-connection", conninfo);
  g_settings_sync ();

  scan_machine (db, u1, NULL);
  ok = run_cli_env (env, NULL, "--db", db, "push", NULL);
  assert_ok (&ok);
  g_assert_nonnull (strstr (ok.err, "Pushed 112 rows"));

  /* The server going away mid-session is a message, not a dump. */
  failed = run_cli_env (env, NULL, "--db", db, "--connection",
                        "host=/nonexistent dbname=team user=" MEMBER1, "push", NULL);
  g_assert_cmpint (failed.status, ==, 1);

  g_assert_null (strstr (ok.out, MEMBER1_PASSWORD));
  g_assert_null (strstr (ok.err, MEMBER1_PASSWORD));
  g_assert_null (strstr (failed.out, MEMBER1_PASSWORD));
  g_assert_null (strstr (failed.err, MEMBER1_PASSWORD));
  g_assert_true (file_contains (keyfile, "team-connection"));
  g_assert_false (file_contains (keyfile, MEMBER1_PASSWORD));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db, suffixes[i], NULL);

      g_assert_false (file_contains (path, MEMBER1_PASSWORD));
    }
  result_clear (&ok);
  result_clear (&failed);
}

/* A password pasted inside a connection string is taken out of it. */
static void
test_conninfo_split (void)
{
  g_autofree char *clean = NULL;
  g_autofree char *password = NULL;
  g_autofree char *built = NULL;
  g_autofree char *host = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_team_conninfo_split ("host=db.example.com dbname=costs user=a@example.com"
                                         " password='s3cret pass' sslmode=verify-full",
                                         &clean, &password, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (password, ==, "s3cret pass");
  g_assert_null (strstr (clean, "s3cret"));
  g_assert_nonnull (strstr (clean, "sslmode='verify-full'"));
  g_clear_pointer (&clean, g_free);
  g_clear_pointer (&password, g_free);

  g_assert_true (cm_team_conninfo_split ("postgresql://bob:pw%40x@db.example.com:6432/costs?sslmode=require",
                                         &clean, &password, &error));
  g_assert_cmpstr (password, ==, "pw@x");
  host = cm_team_conninfo_get (clean, "port");
  g_assert_cmpstr (host, ==, "6432");

  g_assert_false (cm_team_conninfo_split ("host=x port", &clean, &password, &error));
  g_assert_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_NOT_CONFIGURED);

  built = cm_team_conninfo_build ("db.example.com", NULL, "it's", "a@example.com", "verify-full");
  g_assert_cmpstr (built, ==, "host='db.example.com' dbname='it\\'s' user='a@example.com' sslmode='verify-full'");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *fixtures = NULL;
  int status, rc;

  g_test_init (&argc, &argv, NULL);
  g_setenv ("TZ", "UTC", TRUE);

  pg = cm_test_pg_start ();
  tmpdir = cm_test_make_tmpdir ("team");
  corpus = g_build_filename (tmpdir, "corpus", NULL);
  fixtures = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  {
    const char *cp[] = { "cp", "-R", fixtures, corpus, NULL };
    const char *chmod[] = { "chmod", "-R", "u+w", corpus, NULL };

    g_assert_true (g_spawn_sync (NULL, (char **) cp, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                 &status, NULL) && g_spawn_check_wait_status (status, NULL));
    g_assert_true (g_spawn_sync (NULL, (char **) chmod, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL,
                                 &status, NULL) && g_spawn_check_wait_status (status, NULL));
  }

  g_test_add_func ("/team/conninfo-split", test_conninfo_split);
  g_test_add_func ("/team/three-machines", test_three_machines);
  g_test_add_func ("/team/rollups-exact", test_rollups_exact);
  g_test_add_func ("/team/ranges-in-a-zone", test_ranges_in_a_zone);
  g_test_add_func ("/team/row-level-security", test_row_level_security);
  g_test_add_func ("/team/reports-as-roles", test_reports_as_roles);
  g_test_add_func ("/team/push-again-and-changes", test_push_again_and_changes);
  g_test_add_func ("/team/rebuilt-machine", test_rebuilt_machine);
  g_test_add_func ("/team/password-secrecy", test_password_secrecy);
  g_test_add_func ("/team/errors", test_errors);
  g_test_add_func ("/team/verify-full", test_verify_full);
  g_test_add_func ("/team/speed", test_speed);
  g_test_add_func ("/team/kill-and-resume", test_kill_and_resume);

  rc = g_test_run ();
  cm_test_pg_stop (pg);

  return rc;
}
