/* test-team-window.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window on a team database of its own test server (cm-test-pg.c): an
 * admin's views hold the whole team and the Users table, a member's only
 * their own rows and no team table, an unreachable database leaves rows
 * waiting (and says so), Preferences → Team keeps the password out of the
 * settings, and the Unattributed row's Assign Owner… names the runs. Run
 * through run-with-keyring.sh under xvfb-run.
 */

#include "config.h"

#include <string.h>

#include "cm-assign-owner-dialog.h"
#include "cm-keyring.h"
#include "cm-preferences-window.h"
#include "cm-team-bar.h"
#include "cm-team-page.h"
#include "cm-test-pg.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

#define MEMBER "user1@example.com"
#define MEMBER_PASSWORD "member-Password-31e7"
#define LEAD "lead@example.com"
#define LEAD_PASSWORD "lead-Password-9a02"

static CmTestPg *pg;
static CmApplication *app;
static CmWindow *window;
static const char *skip_reason;

static void
run_cli (const char *input,
         const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "PGPASSWORD", CM_TEST_PG_PASSWORD, TRUE);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, input, NULL, &out, &err, &error);
  g_assert_no_error (error);
  if (g_subprocess_get_exit_status (proc) != 0)
    g_error ("costmeter-cli failed: %s%s", out, err);
}

/* The fixture's four homes pushed from one machine, a member and an admin. */
static void
set_up_team (void)
{
  g_autofree char *super = cm_test_pg_conninfo (pg, "team", CM_TEST_PG_SUPERUSER);
  g_autofree char *dir = cm_test_make_tmpdir ("team-window");
  g_autofree char *db = g_build_filename (dir, "machine.db", NULL);
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);

  cm_test_pg_create_db (pg, "team");
  run_cli (NULL, "--connection", super, "team", "init", NULL);
  run_cli (MEMBER_PASSWORD, "--connection", super, "team", "add-member", MEMBER, "--password-stdin", NULL);
  run_cli (LEAD_PASSWORD, "--connection", super, "team", "add-member", LEAD, "--password-stdin", "--admin", NULL);
  run_cli (NULL, "--db", db, "scan", "--no-default", "--source", corpus, NULL);
  run_cli (NULL, "--db", db, "--connection", super, "push", NULL);
}

static void
stored_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (cm_keyring_store_team_password_finish (result, NULL));
  *done = TRUE;
}

static void
keep_password (const char *conninfo,
               const char *password)
{
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  gboolean done = FALSE;

  cm_team_conninfo_keyring_ids (conninfo, &server, &user);
  cm_keyring_store_team_password_async (server, user, password, NULL, stored_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* Connects the app as @user (its password in the keyring first) and waits
 * for the views to read the team. */
static void
connect_as (const char *user,
            const char *password)
{
  g_autofree char *conninfo = cm_test_pg_conninfo (pg, "team", user);
  CmReport *report = cm_application_get_report (app);
  GSettings *settings = cm_application_get_settings (app);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  keep_password (conninfo, password);
  g_settings_set_boolean (settings, "team-view", TRUE);
  g_settings_set_string (settings, "team-connection", conninfo);
  while (cm_report_get_team (report) == NULL ||
         g_strcmp0 (cm_team_sync_get_status (cm_application_get_team_sync (app)), "Connecting…") == 0 ||
         cm_report_get_loading (report) || cm_report_get_serial (report) == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  cm_test_window_show_view (app, "overview");
}

static gboolean
users_view_shown (void)
{
  AdwViewStack *stack = cm_window_get_view_stack (window);

  return adw_view_stack_page_get_visible (adw_view_stack_get_page (stack, GTK_WIDGET (cm_window_get_users_page (window))));
}

static const char *
bar_text (void)
{
  CmTeamBar *bar = CM_TEAM_BAR (cm_test_window_find_type (GTK_WIDGET (window), CM_TYPE_TEAM_BAR));

  return cm_team_bar_get_text (bar);
}

static gboolean
need_keyring (void)
{
  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return FALSE;
    }

  return TRUE;
}

/* The admin's window: the team's totals (all four homes) and the Users
 * table with every user, the unattributed row last. */
static void
test_admin (void)
{
  CmReport *report = cm_application_get_report (app);
  GListModel *users;

  if (!need_keyring ())
    return;

  connect_as (LEAD, LEAD_PASSWORD);
  g_assert_true (cm_report_get_team_admin (report));
  g_assert_true (users_view_shown ());
  g_assert_nonnull (strstr (bar_text (), "every user"));
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (report, CM_PERIOD_RANGE))->messages, ==, 448);

  cm_test_window_show_view (app, "users");
  users = cm_report_get_users (report);
  g_assert_cmpuint (g_list_model_get_n_items (users), ==, 4);
  cm_test_window_save_png (GTK_WIDGET (window), "team-admin-users.png");
}

/* A member's window: their own rows, and no team table to open. */
static void
test_member (void)
{
  CmReport *report = cm_application_get_report (app);

  if (!need_keyring ())
    return;

  connect_as (MEMBER, MEMBER_PASSWORD);
  g_assert_false (cm_report_get_team_admin (report));
  g_assert_false (users_view_shown ());
  g_assert_nonnull (strstr (bar_text (), "your own rows"));
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (report, CM_PERIOD_RANGE))->messages, ==, 112);
  cm_test_window_show_view (app, "models");
  cm_test_window_save_png (GTK_WIDGET (window), "team-member-models.png");
}

/* A database that does not answer: the views go back to this computer's
 * figures, and the rows wait, said in the window. */
static void
test_offline (void)
{
  GSettings *settings = cm_application_get_settings (app);
  CmTeamSync *sync = cm_application_get_team_sync (app);
  g_autofree char *gone = g_strdup_printf ("host=%s/gone dbname=team user=%s", cm_test_pg_dir (pg), MEMBER);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_settings_set_boolean (settings, "team-view", FALSE);
  g_settings_set_boolean (settings, "team-push-after-scan", TRUE);
  g_settings_set_string (settings, "team-connection", gone);
  while (!cm_team_sync_get_failed (sync) || cm_team_sync_get_pushing (sync) || cm_team_sync_get_pending (sync) == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  cm_test_window_iterate (100);

  g_assert_cmpint (cm_team_sync_get_pending (sync), ==, 448);
  g_assert_true (users_view_shown ());
  g_assert_nonnull (strstr (bar_text (), "448 rows waiting to push"));
  cm_test_window_show_view (app, "overview");
  cm_test_window_save_png (GTK_WIDGET (window), "team-offline-waiting.png");
  g_settings_set_boolean (settings, "team-push-after-scan", FALSE);
}

static CmPreferencesWindow *
open_preferences (void)
{
  CmPreferencesWindow *prefs;

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  cm_test_window_iterate (200);
  prefs = CM_PREFERENCES_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_true (CM_IS_PREFERENCES_WINDOW (prefs));

  return prefs;
}

/* A connection string pasted with its password: the password goes to the
 * keyring, the setting holds the rest. */
static void
test_preferences (void)
{
  GSettings *settings = cm_application_get_settings (app);
  g_autofree char *base = cm_test_pg_conninfo (pg, "team", MEMBER);
  g_autofree char *pasted = g_strdup_printf ("%s password=%s sslmode=prefer", base, MEMBER_PASSWORD);
  g_autofree char *saved = NULL;
  CmPreferencesWindow *prefs;
  CmTeamPage *page;

  if (!need_keyring ())
    return;

  prefs = open_preferences ();
  page = CM_TEAM_PAGE (cm_test_window_find_type (GTK_WIDGET (prefs), CM_TYPE_TEAM_PAGE));
  adw_preferences_window_set_visible_page (ADW_PREFERENCES_WINDOW (prefs), ADW_PREFERENCES_PAGE (page));
  g_assert_true (cm_team_page_apply_connection_string (page, pasted));
  cm_test_window_iterate (500);

  saved = g_settings_get_string (settings, "team-connection");
  g_assert_null (strstr (saved, MEMBER_PASSWORD));
  g_assert_nonnull (strstr (saved, "sslmode='prefer'"));
  cm_test_window_save_png (GTK_WIDGET (prefs), "preferences-team.png");

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (prefs), "you");
  cm_test_window_save_png (GTK_WIDGET (prefs), "preferences-you.png");
  gtk_window_destroy (GTK_WINDOW (prefs));
  g_settings_set_string (settings, "team-connection", "");
}

static gboolean
user_listed (GListModel *users,
             const char *key)
{
  for (guint i = 0; i < g_list_model_get_n_items (users); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (users, i);

      if (g_strcmp0 (cm_group_item_get_key (item), key) == 0)
        return TRUE;
    }

  return FALSE;
}

/* Unattributed runs of this computer: Assign Owner… names them. */
static void
test_assign_owner (void)
{
  CmReport *report = cm_application_get_report (app);
  GSettings *settings = cm_application_get_settings (app);
  g_autoptr(CmAssignOwnerDialog) dialog = NULL;
  GListModel *users;
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  g_settings_set_boolean (settings, "team-view", FALSE);
  g_settings_set_string (settings, "team-connection", "");
  cm_test_window_show_view (app, "users");
  users = cm_report_get_users (report);
  {
    g_autoptr(CmGroupItem) last = g_list_model_get_item (users, g_list_model_get_n_items (users) - 1);

    g_assert_cmpstr (cm_group_item_get_key (last), ==, CM_UNATTRIBUTED_KEY);
  }
  cm_test_window_save_png (GTK_WIDGET (window), "users-assign-owner.png");

  dialog = g_object_ref_sink (cm_assign_owner_dialog_new (GTK_WINDOW (window), cm_application_get_store (app),
                                                          settings));
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_cmpuint (cm_assign_owner_dialog_get_n_folders (dialog), ==, 1);
  cm_test_window_save_png (GTK_WIDGET (dialog), "assign-owner-dialog.png");
  cm_assign_owner_dialog_assign (dialog, 0, "user4@example.com");

  while (!user_listed (users, "user4@example.com") || user_listed (users, CM_UNATTRIBUTED_KEY))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;
  int rc;

  gtk_test_init (&argc, &argv, NULL);
  cm_test_window_isolate_home ();

  skip_reason = g_getenv ("CM_TEST_NO_KEYRING");
  if (skip_reason == NULL && g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    skip_reason = "no session bus: run through tests/run-with-keyring.sh";

  pg = cm_test_pg_start ();
  set_up_team ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  app = cm_test_window_start_app (corpus, "com.example.CostMeter.TeamWindowTest", 0);
  window = cm_test_window_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 720);

  g_test_add_func ("/team-window/admin", test_admin);
  g_test_add_func ("/team-window/member", test_member);
  g_test_add_func ("/team-window/offline", test_offline);
  g_test_add_func ("/team-window/preferences", test_preferences);
  g_test_add_func ("/team-window/assign-owner", test_assign_owner);

  rc = g_test_run ();

  g_application_quit (G_APPLICATION (app));
  g_clear_object (&app);
  cm_test_pg_stop (pg);

  return rc;
}
