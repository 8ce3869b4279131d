/* test-statusline-group.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences → Claude Code Status Line: the state of the settings file,
 * Install and Remove through the group's actions, what the last one changed
 * shown and kept on screen, and a read-only settings file refused there.
 * Under xvfb, in a throw-away home.
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <string.h>

#include "cm-statusline-group.h"
#include "cm-test-util.h"

typedef struct
{
  char                 *dir;
  char                 *settings;
  char                 *state;
  GtkWidget            *window;
  CmStatuslineGroup    *group;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CmStatuslineInstaller) installer = NULL;
  GtkWidget *page;

  f->dir = cm_test_make_tmpdir ("statusline-group");
  f->settings = g_build_filename (f->dir, ".claude", "settings.json", NULL);
  f->state = g_build_filename (f->dir, "statusline.json", NULL);
  cm_test_write_file (f->settings,
                      "{\"theme\": \"dark\", \"statusLine\": {\"type\": \"command\", \"command\": \"~/bin/git-line\"}}",
                      -1);

  f->window = adw_preferences_window_new ();
  page = adw_preferences_page_new ();
  f->group = CM_STATUSLINE_GROUP (cm_statusline_group_new ());
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (f->group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (f->window), ADW_PREFERENCES_PAGE (page));
  installer = cm_statusline_installer_new (f->settings, f->state, "'/usr/bin/costmeter-cli' statusline");
  cm_statusline_group_set_installer (f->group, installer);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_free (f->dir);
  g_free (f->settings);
  g_free (f->state);
}

static GtkWidget *
child (Fixture    *f,
       const char *name)
{
  return GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (f->group), CM_TYPE_STATUSLINE_GROUP, name));
}

static const char *
subtitle (Fixture    *f,
          const char *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (child (f, row)));
}

static char *
settings_text (Fixture *f)
{
  char *text = NULL;

  g_assert_true (g_file_get_contents (f->settings, &text, NULL, NULL));
  return text;
}

static void
test_install_remove (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *installed = NULL;
  g_autofree char *removed = NULL;

  /* Someone else's line: Install, which keeps it running after ours. */
  g_assert_nonnull (strstr (subtitle (f, "state_row"), "runs “~/bin/git-line”"));
  g_assert_true (gtk_widget_get_visible (child (f, "install_button")));
  g_assert_false (gtk_widget_get_visible (child (f, "remove_button")));
  g_assert_false (gtk_widget_get_visible (child (f, "change_row")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->group), "statusline.install", NULL));
  installed = settings_text (f);
  g_assert_nonnull (strstr (installed, "costmeter-cli' statusline"));
  g_assert_nonnull (strstr (installed, "\"theme\" : \"dark\""));

  /* What changed is on screen: the backup, the old command. */
  g_assert_true (gtk_widget_get_visible (child (f, "change_row")));
  g_assert_nonnull (strstr (subtitle (f, "change_row"), "Backed up"));
  g_assert_nonnull (strstr (subtitle (f, "change_row"), "~/bin/git-line"));
  g_assert_false (gtk_widget_has_css_class (child (f, "change_row"), "error"));
  g_assert_nonnull (strstr (subtitle (f, "state_row"), "Set in"));
  g_assert_false (gtk_widget_get_visible (child (f, "install_button")));
  g_assert_true (gtk_widget_get_visible (child (f, "remove_button")));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->group), "statusline.remove", NULL));
  removed = settings_text (f);
  g_assert_nonnull (strstr (removed, "~/bin/git-line"));
  g_assert_null (strstr (removed, "costmeter-cli"));
  g_assert_nonnull (strstr (subtitle (f, "change_row"), "back to “~/bin/git-line”"));
  g_assert_true (gtk_widget_get_visible (child (f, "install_button")));
}

static void
test_read_only (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *before = settings_text (f);
  g_autofree char *after = NULL;

  g_chmod (f->settings, 0444);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->group), "statusline.install", NULL));
  after = settings_text (f);
  g_assert_cmpstr (after, ==, before);
  g_assert_true (gtk_widget_get_visible (child (f, "change_row")));
  g_assert_true (gtk_widget_has_css_class (child (f, "change_row"), "error"));
  g_assert_nonnull (strstr (subtitle (f, "change_row"), "read-only"));
  g_assert_true (gtk_widget_get_visible (child (f, "install_button")));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = cm_test_make_tmpdir ("statusline-home");

  /* Never the real home, nor a Claude folder from the environment. */
  g_setenv ("HOME", home, TRUE);
  g_unsetenv ("CLAUDE_CONFIG_DIR");

  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add ("/limits/statusline-group/install-remove", Fixture, NULL, fixture_set_up, test_install_remove,
              fixture_tear_down);
  g_test_add ("/limits/statusline-group/read-only", Fixture, NULL, fixture_set_up, test_read_only,
              fixture_tear_down);

  return g_test_run ();
}
