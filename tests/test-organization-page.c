/* test-organization-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Preferences → Organization on a private bus and keyring, against a fake
 * Admin API on 127.0.0.1: the Admin key goes to the keyring under its own
 * schema (never the settings, a log line or the probe key's item), Test
 * shows the organization reached, the switch is billing-enabled, Fetch Now
 * fetches, Remove removes.
 */

#include "config.h"

#include <string.h>

#include "cm-keyring.h"
#include "cm-organization-page.h"
#include "cm-test-admin.h"
#include "cm-test-util.h"

#define TEST_KEY "sk-ant-admin01-PREFS-0123456789abcdef"

static GString *captured_log;

static void
wait_until (gboolean (*done) (gpointer),
            gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static GtkWidget *
find_row (GtkWidget  *widget,
          GType       type,
          const char *title)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type) &&
      (title == NULL || g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_row (child, type, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
has_key (gpointer client)
{
  return cm_admin_client_has_api_key (client);
}

static gboolean
has_no_key (gpointer client)
{
  return !cm_admin_client_has_api_key (client);
}

static gboolean
subtitle_starts (gpointer row)
{
  const char *want = g_object_get_data (row, "cm-want");
  const char *subtitle = adw_action_row_get_subtitle (row);

  return subtitle != NULL && g_str_has_prefix (subtitle, want);
}

static void
wait_subtitle (GtkWidget  *row,
               const char *prefix)
{
  g_object_set_data_full (G_OBJECT (row), "cm-want", g_strdup (prefix), g_free);
  g_test_message ("waiting for %s: now “%s”", prefix, adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
  wait_until (subtitle_starts, row);
  g_test_message ("%s: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                  adw_action_row_get_subtitle (ADW_ACTION_ROW (row)));
}

static gboolean
fetched (gpointer client)
{
  return !cm_admin_client_get_fetching (client) && cm_admin_client_get_last_result (client) != NULL;
}

static char *
lookup (CmKeyringKind kind)
{
  g_autoptr(GError) error = NULL;
  char *key = cm_keyring_lookup_kind_sync (kind, NULL, NULL, &error);

  g_assert_no_error (error);

  return key;
}

static void
assert_not_in_settings (GSettings *settings)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;

  g_object_get (settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) value = g_settings_get_value (settings, keys[i]);
      g_autofree char *text = g_variant_print (value, FALSE);

      g_assert_null (strstr (text, "PREFS-0123"));
    }
}

static void
test_page (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("org-page");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(CmTestAdmin) admin = cm_test_admin_new (TEST_KEY);
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(CmAdminClient) client = cm_admin_client_new ();
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page, *key_row, *status_row, *org_row, *fetch_row;
  char *key;

  if (g_getenv ("CM_TEST_NO_KEYRING") != NULL)
    {
      g_test_skip (g_getenv ("CM_TEST_NO_KEYRING"));
      gtk_window_destroy (GTK_WINDOW (window));
      return;
    }

  g_assert_no_error (error);
  /* Only ever this test's server, as the app would: through the setting. */
  g_settings_set_string (settings, "api-base-url", cm_test_admin_get_url (admin));
  cm_admin_client_set_timeout (client, 5);
  cm_admin_client_set_store (client, store);
  cm_admin_client_bind_settings (client, settings);
  g_assert_cmpstr (cm_admin_client_get_base_url (client), ==, cm_test_admin_get_url (admin));
  page = cm_organization_page_new (settings, client);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), "organization");
  gtk_window_present (GTK_WINDOW (window));

  key_row = find_row (page, ADW_TYPE_PASSWORD_ENTRY_ROW, NULL);
  status_row = find_row (page, ADW_TYPE_ACTION_ROW, "Current Admin Key");
  org_row = find_row (page, ADW_TYPE_ACTION_ROW, "Organization");
  fetch_row = find_row (page, ADW_TYPE_ACTION_ROW, "Last Fetch");
  g_assert_nonnull (key_row);
  g_assert_nonnull (status_row);
  g_assert_nonnull (org_row);
  g_assert_nonnull (fetch_row);
  wait_subtitle (status_row, "None");

  /* A probe key already there stays the probe's. */
  key = lookup (CM_KEYRING_API_KEY);
  g_assert_null (key);

  /* Typed in and tested before it is saved. */
  gtk_editable_set_text (GTK_EDITABLE (key_row), TEST_KEY);
  gtk_widget_activate_action (page, "org.test-key", NULL);
  wait_subtitle (org_row, "Reached");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (org_row)), ==,
                   "Reached “Example Org” (0a1b2c3d-0000-4000-8000-00000000beef)");

  /* Saved: in the keyring under the Admin schema, the entry emptied. */
  g_signal_emit_by_name (key_row, "apply");
  wait_until (has_key, client);
  wait_subtitle (status_row, "Saved in the keyring");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "");
  key = lookup (CM_KEYRING_ADMIN_KEY);
  g_assert_cmpstr (key, ==, TEST_KEY);
  cm_keyring_free_key (key);
  key = lookup (CM_KEYRING_API_KEY);
  g_assert_null (key);
  assert_not_in_settings (settings);

  /* The switch is the setting; nothing was fetched before it. */
  g_assert_cmpuint (cm_test_admin_get_requests (admin)->len, ==, 1);
  g_assert_false (g_settings_get_boolean (settings, "billing-enabled"));
  g_settings_set_uint (settings, "billing-interval", 1440);
  g_settings_set_boolean (settings, "billing-enabled", TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (find_row (page, GTK_TYPE_SWITCH, NULL))));
  g_assert_true (cm_admin_client_get_enabled (client));
  wait_until (fetched, client);
  g_assert_cmpuint (cm_test_admin_get_requests (admin)->len, >, 1);
  g_settings_set_boolean (settings, "billing-enabled", FALSE);

  /* Fetch Now, and what it says. */
  gtk_widget_activate_action (page, "org.fetch", NULL);
  wait_until (fetched, client);
  wait_subtitle (fetch_row, "");
  g_assert_true (cm_admin_fetch_result_ok (cm_admin_client_get_last_result (client)));

  /* Removed: gone from the keyring and from the client. */
  gtk_widget_activate_action (page, "org.clear-key", NULL);
  wait_until (has_no_key, client);
  wait_subtitle (status_row, "None");
  key = lookup (CM_KEYRING_ADMIN_KEY);
  g_assert_null (key);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_null (strstr (captured_log->str, "PREFS-0123"));
}

int
main (int   argc,
      char *argv[])
{
  g_unsetenv ("http_proxy");
  g_unsetenv ("all_proxy");
  g_unsetenv (CM_KEYRING_ADMIN_ENV_VAR);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  captured_log = cm_test_capture_logs ();

  g_test_add_func ("/billed/organization-page", test_page);

  return g_test_run ();
}
