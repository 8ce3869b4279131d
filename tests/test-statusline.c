/* test-statusline.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Claude Code's status line: the settings-file installer (other keys kept,
 * a backup written, the previous command remembered and put back, a
 * read-only or malformed file left untouched with a clear error, Claude
 * Code's credentials never touched) and `costmeter-cli statusline` on sample
 * JSON with and without rate_limits, with a chained previous command.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/stat.h>

#include "cm-statusline-installer.h"
#include "cm-test-util.h"

#define OURS "'/opt/costmeter/bin/costmeter-cli' statusline"

static const char settings_text[] =
  "{\n"
  "  \"model\": \"opus\",\n"
  "  \"env\": {\"DISABLE_TELEMETRY\": \"1\"},\n"
  "  \"permissions\": {\"allow\": [\"Bash(ls:*)\", \"Read(~/src/**)\"], \"deny\": []},\n"
  "  \"hooks\": {\"Stop\": [{\"hooks\": [{\"type\": \"command\", \"command\": \"notify-send done\"}]}]},\n"
  "  \"cleanupPeriodDays\": 90,\n"
  "  \"ratio\": 0.25,\n"
  "  \"includeCoAuthoredBy\": false,\n"
  "  \"nothing\": null,\n"
  "  \"name\": \"Zoë ✓ \\\"quoted\\\"\",\n"
  "  \"statusLine\": {\"type\": \"command\", \"command\": \"~/bin/prompt.sh --short\", \"padding\": 1}\n"
  "}\n";

typedef struct
{
  char *dir;
  char *claude;       /* the Claude Code folder */
  char *settings;
  char *credentials;
  char *state;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->dir = cm_test_make_tmpdir ("statusline");
  f->claude = g_build_filename (f->dir, ".claude", NULL);
  f->settings = g_build_filename (f->claude, "settings.json", NULL);
  f->credentials = g_build_filename (f->claude, ".credentials.json", NULL);
  f->state = g_build_filename (f->dir, "config", "costmeter", "statusline.json", NULL);
  cm_test_write_file (f->credentials, "{\"claudeAiOauth\": {\"accessToken\": \"sk-ant-oat-secret\"}}", -1);
  g_chmod (f->credentials, 0600);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_free (f->dir);
  g_free (f->claude);
  g_free (f->settings);
  g_free (f->credentials);
  g_free (f->state);
}

static CmStatuslineInstaller *
installer (Fixture *f)
{
  return cm_statusline_installer_new (f->settings, f->state, OURS);
}

static JsonObject *
parse_file (const char  *path,
            JsonParser **parser)
{
  g_autoptr(GError) error = NULL;

  *parser = json_parser_new ();
  json_parser_load_from_file (*parser, path, &error);
  g_assert_no_error (error);
  g_assert_true (JSON_NODE_HOLDS_OBJECT (json_parser_get_root (*parser)));

  return json_node_get_object (json_parser_get_root (*parser));
}

/* Every member of @a but @except is in @b, equal. */
static void
assert_same_keys (JsonObject *a,
                  JsonObject *b,
                  const char *except)
{
  g_autoptr(GList) members = json_object_get_members (a);
  guint n = 0;

  for (GList *l = members; l != NULL; l = l->next)
    {
      if (g_strcmp0 (l->data, except) == 0)
        continue;
      g_assert_true (json_object_has_member (b, l->data));
      g_assert_true (json_node_equal (json_object_get_member (a, l->data), json_object_get_member (b, l->data)));
      n++;
    }
  g_assert_cmpuint (json_object_get_size (b) - (except != NULL && json_object_has_member (b, except) ? 1 : 0), ==, n);
}

static GPtrArray *
backups (Fixture *f)
{
  GPtrArray *found = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDir) dir = g_dir_open (f->claude, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "settings.json.costmeter-backup-"))
      g_ptr_array_add (found, g_build_filename (f->claude, name, NULL));

  return found;
}

typedef struct
{
  char   *bytes;
  gint64  mtime;
  mode_t  mode;
} Snapshot;

static Snapshot
snapshot (const char *path)
{
  Snapshot s = { 0 };
  GStatBuf st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_true (g_file_get_contents (path, &s.bytes, NULL, NULL));
  s.mtime = (gint64) st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
  s.mode = st.st_mode;

  return s;
}

static void
assert_unchanged (const char *path,
                  Snapshot   *before)
{
  Snapshot after = snapshot (path);

  g_assert_cmpstr (after.bytes, ==, before->bytes);
  g_assert_cmpint (after.mtime, ==, before->mtime);
  g_assert_cmpint (after.mode, ==, before->mode);
  g_free (after.bytes);
  g_free (before->bytes);
}

static void
test_install_and_remove (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CmStatuslineInstaller) inst = installer (f);
  g_autoptr(JsonParser) original_parser = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *backup_bytes = NULL;
  g_autofree char *previous = NULL;
  g_autofree char *current = NULL;
  JsonObject *original, *now, *line;
  Snapshot credentials = snapshot (f->credentials);
  GStatBuf st;

  cm_test_write_file (f->settings, settings_text, -1);
  g_chmod (f->settings, 0644);
  original = parse_file (f->settings, &original_parser);
  g_assert_cmpint (cm_statusline_installer_get_state (inst, &current), ==, CM_STATUSLINE_STATE_OTHER);
  g_assert_cmpstr (current, ==, "~/bin/prompt.sh --short");

  g_assert_true (cm_statusline_installer_install (inst, &summary, &error));
  g_assert_no_error (error);

  /* Every other key as it was; ours keeps the old padding. */
  now = parse_file (f->settings, &parser);
  assert_same_keys (original, now, "statusLine");
  line = json_object_get_object_member (now, "statusLine");
  g_assert_cmpstr (json_object_get_string_member (line, "type"), ==, "command");
  g_assert_cmpstr (json_object_get_string_member (line, "command"), ==, OURS);
  g_assert_cmpint (json_object_get_int_member (line, "padding"), ==, 1);
  g_assert_cmpint (g_stat (f->settings, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);

  /* The backup holds the bytes as they were, for the owner only. */
  saved = backups (f);
  g_assert_cmpuint (saved->len, ==, 1);
  g_assert_true (g_file_get_contents (g_ptr_array_index (saved, 0), &backup_bytes, NULL, NULL));
  g_assert_cmpstr (backup_bytes, ==, settings_text);
  g_assert_cmpint (g_stat (g_ptr_array_index (saved, 0), &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* It says what it did. */
  g_assert_nonnull (strstr (summary, g_ptr_array_index (saved, 0)));
  g_assert_nonnull (strstr (summary, OURS));
  g_assert_nonnull (strstr (summary, "~/bin/prompt.sh --short"));

  previous = cm_statusline_dup_previous_command (f->state);
  g_assert_cmpstr (previous, ==, "~/bin/prompt.sh --short");
  g_assert_cmpint (cm_statusline_installer_get_state (inst, NULL), ==, CM_STATUSLINE_STATE_INSTALLED);

  /* Twice: nothing to do, nothing written. */
  g_clear_pointer (&summary, g_free);
  g_assert_true (cm_statusline_installer_install (inst, &summary, &error));
  g_assert_nonnull (strstr (summary, "nothing"));
  g_ptr_array_unref (saved);
  saved = backups (f);
  g_assert_cmpuint (saved->len, ==, 1);

  /* Removing puts the old statusLine back exactly, keeps the rest, and backs
   * up again. */
  g_clear_pointer (&summary, g_free);
  g_usleep (1100 * 1000);  /* a backup per second at most: names carry the time */
  g_assert_true (cm_statusline_installer_uninstall (inst, &summary, &error));
  g_assert_no_error (error);
  g_clear_object (&parser);
  now = parse_file (f->settings, &parser);
  assert_same_keys (original, now, NULL);
  g_assert_nonnull (strstr (summary, "~/bin/prompt.sh --short"));
  g_assert_false (g_file_test (f->state, G_FILE_TEST_EXISTS));
  g_ptr_array_unref (saved);
  saved = backups (f);
  g_assert_cmpuint (saved->len, ==, 2);

  assert_unchanged (f->credentials, &credentials);
}

static void
test_no_previous (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CmStatuslineInstaller) inst = installer (f);
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  g_autofree char *previous = NULL;
  JsonObject *now;

  /* No settings file yet: it is created with only the status line. */
  g_assert_cmpint (cm_statusline_installer_get_state (inst, NULL), ==, CM_STATUSLINE_STATE_NONE);
  g_assert_true (cm_statusline_installer_install (inst, &summary, &error));
  g_assert_no_error (error);
  g_assert_nonnull (strstr (summary, "Created"));
  now = parse_file (f->settings, &parser);
  g_assert_cmpuint (json_object_get_size (now), ==, 1);
  previous = cm_statusline_dup_previous_command (f->state);
  g_assert_null (previous);

  /* Removing takes the key away: there was none before. */
  g_clear_pointer (&summary, g_free);
  g_assert_true (cm_statusline_installer_uninstall (inst, &summary, &error));
  g_assert_no_error (error);
  g_clear_object (&parser);
  now = parse_file (f->settings, &parser);
  g_assert_false (json_object_has_member (now, "statusLine"));
  g_assert_nonnull (strstr (summary, "Removed statusLine"));

  /* Nothing left to remove. */
  g_clear_pointer (&summary, g_free);
  g_assert_false (cm_statusline_installer_uninstall (inst, &summary, &error));
  g_assert_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_NOT_OURS);
}

static void
assert_refused (Fixture    *f,
                const char *text,
                mode_t      mode,
                int         code,
                const char *words)
{
  g_autoptr(CmStatuslineInstaller) inst = installer (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) saved = NULL;
  g_autofree char *summary = NULL;
  Snapshot before;

  cm_test_write_file (f->settings, text, -1);
  g_chmod (f->settings, mode);
  before = snapshot (f->settings);

  g_assert_false (cm_statusline_installer_install (inst, &summary, &error));
  g_assert_error (error, CM_STATUSLINE_ERROR, code);
  g_assert_nonnull (strstr (error->message, f->settings));
  g_assert_nonnull (strstr (error->message, words));
  g_assert_nonnull (strstr (error->message, "left untouched"));
  g_assert_null (summary);

  assert_unchanged (f->settings, &before);
  saved = backups (f);
  g_assert_cmpuint (saved->len, ==, 0);
  g_assert_false (g_file_test (f->state, G_FILE_TEST_EXISTS));
  g_chmod (f->settings, 0644);
}

static void
test_refused (Fixture       *f,
              gconstpointer  data)
{
  Snapshot credentials = snapshot (f->credentials);

  /* Read-only by its mode, which holds for root too. */
  assert_refused (f, settings_text, 0444, CM_STATUSLINE_ERROR_READ_ONLY, "read-only");
  assert_refused (f, "{\"model\": \"opus\",", 0644, CM_STATUSLINE_ERROR_MALFORMED, "not valid JSON");
  assert_refused (f, "[\"statusLine\"]", 0644, CM_STATUSLINE_ERROR_MALFORMED, "JSON object");
  assert_refused (f, "", 0644, CM_STATUSLINE_ERROR_MALFORMED, "JSON");

  assert_unchanged (f->credentials, &credentials);
}

/* Someone else's status line is not removed. */
static void
test_not_ours (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CmStatuslineInstaller) inst = installer (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  Snapshot before;

  cm_test_write_file (f->settings, settings_text, -1);
  before = snapshot (f->settings);
  g_assert_false (cm_statusline_installer_uninstall (inst, &summary, &error));
  g_assert_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_NOT_OURS);
  g_assert_nonnull (strstr (error->message, "~/bin/prompt.sh --short"));
  assert_unchanged (f->settings, &before);
}

/* A settings file that is a symbolic link (a dotfiles repository) stays
 * one: its target is written. */
static void
test_symlink (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CmStatuslineInstaller) inst = installer (f);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *target = g_build_filename (f->dir, "dotfiles", "claude-settings.json", NULL);
  g_autofree char *summary = NULL;
  JsonObject *now;

  cm_test_write_file (target, "{\"model\": \"sonnet\"}", -1);
  g_mkdir_with_parents (f->claude, 0700);
  g_assert_cmpint (symlink (target, f->settings), ==, 0);

  g_assert_true (cm_statusline_installer_install (inst, &summary, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (f->settings, G_FILE_TEST_IS_SYMLINK));
  now = parse_file (target, &parser);
  g_assert_cmpstr (json_object_get_string_member (now, "model"), ==, "sonnet");
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (now, "statusLine"), "command"),
                   ==, OURS);
}

/* --- costmeter-cli statusline --- */

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
run_cli (Fixture            *f,
         const char         *input,
         const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *config = g_build_filename (f->dir, "config", NULL);
  g_autofree char *db = g_build_filename (f->dir, "costmeter.db", NULL);
  Result r = { 0 };

  /* cli (f, input, "sh", COMMAND): a command line, as Claude Code runs it. */
  if (g_strcmp0 (args[0], "sh") == 0)
    {
      g_ptr_array_add (argv, "/bin/sh");
      g_ptr_array_add (argv, "-c");
      g_ptr_array_add (argv, (char *) args[1]);
    }
  else
    {
      g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
      g_ptr_array_add (argv, "--db");
      g_ptr_array_add (argv, db);
      for (guint i = 0; args[i] != NULL; i++)
        g_ptr_array_add (argv, (char *) args[i]);
    }
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", f->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", config, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", f->dir, TRUE);
  g_subprocess_launcher_setenv (launcher, "CLAUDE_CONFIG_DIR", f->claude, TRUE);
  g_subprocess_launcher_setenv (launcher, "TZ", "UTC", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "COSTMETER_STATUSLINE_CHAINED");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);

  return r;
}

#define cli(f, input, ...) run_cli (f, input, (const char *[]) { __VA_ARGS__, NULL })

static void
scan_corpus (Fixture *f)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autofree char *u1 = g_build_filename (corpus, "user1", NULL);
  g_autofree char *u2 = g_build_filename (corpus, "user2", NULL);
  g_autofree char *u3 = g_build_filename (corpus, "user3", NULL);
  g_autofree char *u4 = g_build_filename (corpus, "user4", NULL);
  Result r = cli (f, NULL, "scan", "--no-default", "--source", u1, "--source", u2, "--source", u3,
                  "--source", u4);

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

/* The exact figure a report gives, rounded to cents half up as the status
 * line prints it. */
static char *
usd_of (JsonObject *row)
{
  g_autofree char *digits = g_strdup (json_object_get_string_member (row, "cost_usd_exact"));
  char *dot = strchr (digits, '.');
  guint64 units, cents;

  g_assert_nonnull (dot);
  g_assert_cmpuint (strlen (dot + 1), ==, 10);
  memmove (dot, dot + 1, strlen (dot));
  units = g_ascii_strtoull (digits, NULL, 10);
  cents = (units + 50000000) / 100000000;

  return g_strdup_printf ("$%" G_GUINT64_FORMAT ".%02" G_GUINT64_FORMAT, cents / 100, cents % 100);
}

typedef struct
{
  double five_pct;
  gint64 five_reset;
  double week_pct;
  gint64 week_reset;
  int    rows;
} Recorded;

static Recorded
recorded (Fixture *f)
{
  g_autofree char *db_path = g_build_filename (f->dir, "costmeter.db", NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  Recorded r = { -1, 0, -1, 0, 0 };

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT ifnull (five_hour_pct, -1), ifnull (five_hour_reset_ms, 0),"
                                       " ifnull (seven_day_pct, -1), ifnull (seven_day_reset_ms, 0),"
                                       " (SELECT count (*) FROM plan_observations)"
                                       " FROM plan_observations ORDER BY id DESC LIMIT 1",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    {
      r.five_pct = sqlite3_column_double (stmt, 0);
      r.five_reset = sqlite3_column_int64 (stmt, 1);
      r.week_pct = sqlite3_column_double (stmt, 2);
      r.week_reset = sqlite3_column_int64 (stmt, 3);
      r.rows = sqlite3_column_int (stmt, 4);
    }
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return r;
}

/* The fixture corpus's last session, a moment after its last message. */
static void
last_session (Fixture  *f,
              char    **session,
              char    **user,
              char    **now)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonArray *rows;
  JsonObject *row;
  Result r = cli (f, NULL, "report", "session", "--json");

  g_assert_cmpint (r.status, ==, 0);
  rows = json_object_get_array_member (load_json (r.out, &parser), "rows");
  row = json_array_get_object_element (rows, 0);
  *session = g_strdup (json_object_get_string_member (row, "key"));
  *user = g_strdup (json_object_get_string_member (row, "user"));
  *now = g_strdup (json_object_get_string_member (row, "end"));
  result_clear (&r);
}

static gint64
iso_s (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  return g_date_time_to_unix (dt);
}

static void
test_line_with_plan (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *session = NULL, *user = NULL, *now = NULL, *input = NULL, *day = NULL;
  g_autofree char *session_usd = NULL, *today_usd = NULL, *block_usd = NULL;
  g_autoptr(JsonParser) sp = NULL, tp = NULL, bp = NULL;
  JsonArray *rows;
  Recorded rec;
  Result r;

  scan_corpus (f);
  last_session (f, &session, &user, &now);
  day = g_strndup (now, 10);

  /* What the reports say about that session, its user's day and block. */
  r = cli (f, NULL, "report", "session", "--json");
  rows = json_object_get_array_member (load_json (r.out, &sp), "rows");
  session_usd = usd_of (json_array_get_object_element (rows, 0));
  result_clear (&r);
  r = cli (f, NULL, "report", "daily", "--json", "--since", day, "--until", day, "--users", user,
           "--timezone", "UTC");
  today_usd = usd_of (json_object_get_object_member (load_json (r.out, &tp), "totals"));
  result_clear (&r);
  r = cli (f, NULL, "report", "blocks", "--json", "--active", "--users", user, "--now", now);
  rows = json_object_get_array_member (load_json (r.out, &bp), "rows");
  g_assert_cmpuint (json_array_get_length (rows), ==, 1);
  block_usd = usd_of (json_array_get_object_element (rows, 0));
  result_clear (&r);

  input = g_strdup_printf ("{\"hook_event_name\":\"Status\",\"session_id\":\"%s\","
                           "\"transcript_path\":\"/nowhere.jsonl\",\"cwd\":\"/home/user1\","
                           "\"model\":{\"id\":\"claude-opus-4-1\",\"display_name\":\"Opus\"},"
                           "\"cost\":{\"total_cost_usd\":0.5},"
                           "\"rate_limits\":{\"five_hour\":{\"used_percentage\":42.4,\"resets_at\":%" G_GINT64_FORMAT "},"
                           "\"seven_day\":{\"used_percentage\":18,\"resets_at\":%" G_GINT64_FORMAT "}}}",
                           session, iso_s (now) + 67 * 60, iso_s (now) + (3 * 24 + 4) * 3600 + 60);
  r = cli (f, input, "statusline", "--now", now);
  g_assert_cmpint (r.status, ==, 0);
  g_test_message ("status line: %s", r.out);

  {
    g_autofree char *s = g_strdup_printf ("%s session · %s today · %s block (", session_usd, today_usd, block_usd);

    g_assert_nonnull (strstr (r.out, s));
  }
  /* One line, ending with the plan windows. */
  g_assert_true (g_str_has_suffix (r.out, " · 5h 42% (1h 07m) · week 18% (3d 4h)\n"));
  g_assert_true (strchr (r.out, '\n') == r.out + strlen (r.out) - 1);
  result_clear (&r);

  rec = recorded (f);
  g_assert_cmpint (rec.rows, ==, 1);
  g_assert_cmpfloat (rec.five_pct, ==, 42.4);
  g_assert_cmpint (rec.five_reset, ==, (iso_s (now) + 67 * 60) * 1000);
  g_assert_cmpfloat (rec.week_pct, ==, 18);

  /* A later refresh without rate_limits (a new session before its first
   * reply) shows the recorded windows while they run, and records a
   * reading without windows. */
  r = cli (f, "{\"session_id\":\"new-session\",\"model\":{\"id\":\"claude-opus-4-1\"}}", "statusline", "--now", now);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "5h 42% (1h 07m)"));
  g_assert_null (strstr (r.out, " session"));
  result_clear (&r);
  rec = recorded (f);
  g_assert_cmpint (rec.rows, ==, 2);
  g_assert_cmpfloat (rec.five_pct, <, 0);
}

static void
test_line_without_plan (Fixture       *f,
                        gconstpointer  data)
{
  Recorded rec;
  Result r;

  /* An API-key user: no rate_limits, a session not read yet. */
  r = cli (f, "{\"session_id\":\"s-api\",\"model\":{\"id\":\"claude-sonnet-4-5\"},"
              "\"cost\":{\"total_cost_usd\":1.234}}", "statusline");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "≈$1.23 session · $0.00 today"));
  g_assert_null (strstr (r.out, "5h"));
  g_assert_null (strstr (r.out, "week"));
  result_clear (&r);
  rec = recorded (f);
  g_assert_cmpint (rec.rows, ==, 1);
  g_assert_cmpfloat (rec.five_pct, <, 0);
  g_assert_cmpfloat (rec.week_pct, <, 0);

  /* Garbage in: still a line, never a failure of Claude Code's. */
  r = cli (f, "not json {", "statusline");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "today"));
  g_assert_nonnull (strstr (r.err, "not JSON"));
  result_clear (&r);

  /* Only recording is optional. */
  r = cli (f, "{\"rate_limits\":{\"five_hour\":{\"used_percentage\":5,\"resets_at\":4102444800}}}",
           "statusline", "--no-record");
  g_assert_nonnull (strstr (r.out, "5h 5% ("));
  result_clear (&r);
  g_assert_cmpint (recorded (f).rows, ==, 2);
}

/* The status line it replaced runs after it, on the same input. */
static void
test_chain (Fixture       *f,
            gconstpointer  data)
{
  const char input[] = "{\"session_id\":\"s1\",\"rate_limits\":{\"seven_day\":{\"used_percentage\":61.5,"
                       "\"resets_at\":4102444800}}}";
  g_autofree char *seen = g_build_filename (f->dir, "seen.json", NULL);
  g_autofree char *previous = g_strdup_printf ("cat > '%s'; printf 'git:main'", seen);
  g_autofree char *settings = g_strdup_printf ("{\"statusLine\":{\"type\":\"command\",\"command\":\"%s\"}}", previous);
  g_autofree char *got = NULL;
  g_autofree char *restored = NULL;
  Result r;

  /* Installed through the CLI, into $CLAUDE_CONFIG_DIR/settings.json. */
  cm_test_write_file (f->settings, settings, -1);
  r = cli (f, NULL, "statusline", "install");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Backed up"));
  g_assert_nonnull (strstr (r.out, previous));
  result_clear (&r);

  r = cli (f, input, "statusline");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "week 62% ("));
  g_assert_true (g_str_has_suffix (r.out, " │ git:main\n"));
  g_assert_true (g_file_get_contents (seen, &got, NULL, NULL));
  g_assert_cmpstr (got, ==, input);

  /* What was installed is costmeter-statusline, built beside the CLI: the
   * same line, the same chained command. */
  {
    g_autofree char *written = NULL;
    g_autoptr(JsonNode) root = NULL;
    const char *command;
    g_autoptr(GError) error = NULL;
    Result lean;

    g_assert_true (g_file_get_contents (f->settings, &written, NULL, NULL));
    root = json_from_string (written, &error);
    g_assert_no_error (error);
    command = json_object_get_string_member (json_object_get_object_member (json_node_get_object (root),
                                                                            "statusLine"), "command");
    g_assert_nonnull (strstr (command, "costmeter-statusline"));
    g_assert_null (strstr (command, "costmeter-cli"));
    lean = cli (f, input, "sh", command);
    g_assert_cmpint (lean.status, ==, 0);
    g_assert_nonnull (strstr (lean.out, "week 62% ("));
    g_assert_true (g_str_has_suffix (lean.out, " │ git:main\n"));
    result_clear (&lean);
  }
  result_clear (&r);

  /* A multi-line one follows on its own lines; one that hangs is cut off. */
  r = cli (f, input, "statusline", "--chain", "printf 'one\\ntwo\\n'");
  g_assert_true (g_str_has_suffix (r.out, "\none\ntwo\n"));
  result_clear (&r);
  {
    gint64 start = g_get_monotonic_time ();

    r = cli (f, input, "statusline", "--chain", "sleep 30; echo late");
    g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    g_assert_null (strstr (r.out, "late"));
    g_assert_nonnull (strstr (r.out, "week 62%"));
    result_clear (&r);
  }

  r = cli (f, NULL, "statusline", "uninstall");
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  g_assert_true (g_file_get_contents (f->settings, &restored, NULL, NULL));
  g_assert_nonnull (strstr (restored, "git:main"));
  g_assert_null (strstr (restored, "costmeter-cli"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/limits/statusline/install-and-remove", Fixture, NULL, fixture_set_up, test_install_and_remove,
              fixture_tear_down);
  g_test_add ("/limits/statusline/no-previous", Fixture, NULL, fixture_set_up, test_no_previous, fixture_tear_down);
  g_test_add ("/limits/statusline/refused", Fixture, NULL, fixture_set_up, test_refused, fixture_tear_down);
  g_test_add ("/limits/statusline/not-ours", Fixture, NULL, fixture_set_up, test_not_ours, fixture_tear_down);
  g_test_add ("/limits/statusline/symlink", Fixture, NULL, fixture_set_up, test_symlink, fixture_tear_down);
  g_test_add ("/limits/statusline/line-with-plan", Fixture, NULL, fixture_set_up, test_line_with_plan,
              fixture_tear_down);
  g_test_add ("/limits/statusline/line-without-plan", Fixture, NULL, fixture_set_up, test_line_without_plan,
              fixture_tear_down);
  g_test_add ("/limits/statusline/chain", Fixture, NULL, fixture_set_up, test_chain, fixture_tear_down);

  return g_test_run ();
}
