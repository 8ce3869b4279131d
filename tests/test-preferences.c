/* test-preferences.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The preferences window on memory-backed settings, a temporary store and
 * (through run-with-keyring.sh) a private keyring; under xvfb.
 */

#include "config.h"

#include <adwaita.h>
#include <json-glib/json-glib.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cm-preferences-window.h"
#include "cm-scanner.h"
#include "cm-test-util.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

#define TEST_KEY "sk-ant-api03-PREFS-TESTKEY-0123456789"

static GString *captured_log;

typedef struct
{
  char                *dir;
  char                *db_path;
  CmStore             *store;
  GSettings           *settings;
  CmRatelimitClient   *client;
  CmPreferencesWindow *window;
} Fixture;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      g_string_append_printf (captured_log, "%s=", fields[i].key);
      if (fields[i].length < 0)
        g_string_append (captured_log, fields[i].value);
      else
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
      g_string_append_c (captured_log, '\n');
    }

  /* Debug lines are only kept (they would upset TAP); warnings still fail. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, NULL);

  return G_LOG_WRITER_HANDLED;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *default_dir = NULL;

  f->dir = cm_test_make_tmpdir ("prefs");
  f->db_path = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (f->db_path, &error);
  g_assert_no_error (error);

  default_dir = g_build_filename (f->dir, "default-projects", NULL);
  cm_store_add_source (f->store, default_dir, NULL, TRUE, &error);
  g_assert_no_error (error);

  /* GSETTINGS_BACKEND=memory: every fixture starts from the defaults. */
  f->settings = g_settings_new (APP_ID);
  f->client = cm_ratelimit_client_new ();
  f->window = cm_preferences_window_new (f->settings, f->store, NULL, f->client);
  gtk_window_present (GTK_WINDOW (f->window));
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_auto(GStrv) keys = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;

  gtk_window_destroy (GTK_WINDOW (f->window));
  while (g_main_context_iteration (NULL, FALSE));

  g_object_get (f->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    g_settings_reset (f->settings, keys[i]);

  g_clear_object (&f->client);
  g_clear_object (&f->settings);
  g_clear_object (&f->store);
  g_free (f->db_path);
  g_free (f->dir);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect (c, type, out);
}

/* The row of @type whose title starts with @title, or NULL. */
static gpointer
find_row (Fixture    *f,
          GType       type,
          const char *title)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (f->window), type, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      const char *t = adw_preferences_row_get_title (g_ptr_array_index (rows, i));

      if (t != NULL && g_str_has_prefix (t, title))
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

/* The first widget of @type inside the row titled @title. */
static gpointer
in_row (Fixture    *f,
        const char *title,
        GType       type)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GtkWidget *row = find_row (f, ADW_TYPE_PREFERENCES_ROW, title);

  g_assert_nonnull (row);
  collect (row, type, found);
  g_assert_cmpuint (found->len, >, 0);

  return g_ptr_array_index (found, 0);
}

static GtkButton *
remove_button (Fixture    *f,
               const char *title)
{
  g_autoptr(GPtrArray) found = g_ptr_array_new ();
  GtkWidget *row = find_row (f, ADW_TYPE_PREFERENCES_ROW, title);

  g_assert_nonnull (row);
  collect (row, GTK_TYPE_BUTTON, found);
  for (guint i = 0; i < found->len; i++)
    {
      if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (found, i)), "prefs.remove-source") == 0)
        return g_ptr_array_index (found, i);
    }

  return NULL;
}

static void
apply_text (AdwEntryRow *row,
            const char  *text)
{
  gtk_editable_set_text (GTK_EDITABLE (row), text);
  g_signal_emit_by_name (row, "apply");
}

static CmSourceInfo *
find_source (GPtrArray  *sources,
             const char *path)
{
  for (guint i = 0; i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (g_strcmp0 (info->path, path) == 0)
        return info;
    }

  return NULL;
}

static GPtrArray *
list_sources (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *sources = cm_store_list_sources (f->store, &error);

  g_assert_no_error (error);
  return sources;
}

static void
test_sources (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *teammate = g_build_filename (f->dir, "teammate", ".claude", NULL);
  g_autofree char *default_dir = g_build_filename (f->dir, "default-projects", NULL);
  g_autoptr(GPtrArray) sources = NULL;
  AdwEntryRow *row;
  GtkButton *remove;
  GtkSwitch *sw;

  /* The default folder is listed, with a switch rather than a bin. */
  row = find_row (f, ADW_TYPE_ENTRY_ROW, default_dir);
  g_assert_nonnull (row);
  sw = in_row (f, default_dir, GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (sw));
  g_assert_null (remove_button (f, default_dir));

  /* Add a folder, as the folder chooser does. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.add-source", "s", teammate);
  sources = list_sources (f);
  g_assert_cmpuint (sources->len, ==, 2);
  g_assert_nonnull (find_source (sources, teammate));
  g_assert_false (find_source (sources, teammate)->is_default);
  g_clear_pointer (&sources, g_ptr_array_unref);

  /* Name its owner in its row. */
  row = find_row (f, ADW_TYPE_ENTRY_ROW, teammate);
  g_assert_nonnull (row);
  apply_text (row, "  bob@example.com ");
  sources = list_sources (f);
  g_assert_cmpstr (find_source (sources, teammate)->owner, ==, "bob@example.com");
  g_clear_pointer (&sources, g_ptr_array_unref);
  row = find_row (f, ADW_TYPE_ENTRY_ROW, teammate);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "bob@example.com");

  /* An empty owner clears it. */
  apply_text (row, "");
  sources = list_sources (f);
  g_assert_null (find_source (sources, teammate)->owner);
  g_clear_pointer (&sources, g_ptr_array_unref);

  /* Switch the default folder off. */
  sw = in_row (f, default_dir, GTK_TYPE_SWITCH);
  gtk_switch_set_active (sw, FALSE);
  sources = list_sources (f);
  g_assert_false (find_source (sources, default_dir)->enabled);
  g_clear_pointer (&sources, g_ptr_array_unref);

  /* Remove the added folder with its row's button. */
  remove = remove_button (f, teammate);
  g_assert_nonnull (remove);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (remove)));
  g_signal_emit_by_name (remove, "clicked");
  /* Its row goes at once; the store keeps it while Undo is offered. */
  g_assert_null (find_row (f, ADW_TYPE_ENTRY_ROW, teammate));
  g_assert_nonnull (cm_preferences_window_get_undo_toast (f->window));
  sources = list_sources (f);
  g_assert_nonnull (find_source (sources, teammate));
  g_clear_pointer (&sources, g_ptr_array_unref);

  /* Undo: back as it was. */
  gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.undo-remove", NULL);
  g_assert_nonnull (find_row (f, ADW_TYPE_ENTRY_ROW, teammate));
  g_assert_null (cm_preferences_window_get_undo_toast (f->window));

  /* Removed again, and the toast goes: gone from the store. */
  g_signal_emit_by_name (remove_button (f, teammate), "clicked");
  adw_toast_dismiss (cm_preferences_window_get_undo_toast (f->window));
  sources = list_sources (f);
  g_assert_cmpuint (sources->len, ==, 1);
  g_assert_null (find_source (sources, teammate));
  g_assert_null (find_row (f, ADW_TYPE_ENTRY_ROW, teammate));
}

/* Escape in a field leaves the field, not Preferences; the popover's
 * "Set API Key…" lands in the key's field. */
static void
test_escape_and_key_field (Fixture       *f,
                           gconstpointer  data)
{
  AdwEntryRow *tz = find_row (f, ADW_TYPE_ENTRY_ROW, "Time Zone");
  GtkWidget *focus;

  gtk_window_present (GTK_WINDOW (f->window));
  gtk_widget_grab_focus (GTK_WIDGET (tz));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (GTK_IS_TEXT (focus));
  g_assert_true (cm_preferences_window_leave_entry (f->window));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (f->window)));
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_true (focus == NULL || !GTK_IS_TEXT (focus));
  /* Outside a field, Escape is the window's (it closes). */
  g_assert_false (cm_preferences_window_leave_entry (f->window));

  cm_preferences_window_focus_api_key (f->window);
  g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (f->window)), ==,
                   "rate-limits");
  focus = gtk_root_get_focus (GTK_ROOT (f->window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (find_row (f, ADW_TYPE_ENTRY_ROW, "New API Key"))));
}

static void
test_sources_follow_store (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *other = g_build_filename (f->dir, "other", NULL);
  g_autoptr(GError) error = NULL;

  /* Added elsewhere (the CLI, another window): the list follows. */
  cm_store_add_source (f->store, other, "carol@example.com", FALSE, &error);
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE));
  g_assert_nonnull (find_row (f, ADW_TYPE_ENTRY_ROW, other));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (f, ADW_TYPE_ENTRY_ROW, other))),
                   ==, "carol@example.com");
}

static void
test_settings (Fixture       *f,
               gconstpointer  data)
{
  GtkSpinButton *spin;
  GtkSwitch *sw;

  /* Widgets start from the settings ... */
  g_settings_set_uint (f->settings, "probe-interval", 30);
  spin = in_row (f, "Automatic Probe Interval", GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 30);

  /* ... and write them back. */
  spin = in_row (f, "Decimals in Dollar Amounts", GTK_TYPE_SPIN_BUTTON);
  g_assert_cmpfloat (gtk_spin_button_get_value (spin), ==, 2);
  gtk_spin_button_set_value (spin, 4);
  g_assert_cmpint (g_settings_get_int (f->settings, "currency-decimals"), ==, 4);

  spin = in_row (f, "Daily Budget", GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (spin, 12.5);
  g_assert_cmpfloat (g_settings_get_double (f->settings, "budget-daily"), ==, 12.5);
  spin = in_row (f, "Monthly Budget", GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (spin, 300);
  g_assert_cmpfloat (g_settings_get_double (f->settings, "budget-monthly"), ==, 300);

  sw = in_row (f, "Show Spend in the Tray", GTK_TYPE_SWITCH);
  g_assert_true (gtk_switch_get_active (sw));
  gtk_switch_set_active (sw, FALSE);
  g_assert_false (g_settings_get_boolean (f->settings, "tray-enabled"));
  sw = in_row (f, "Run in Background", GTK_TYPE_SWITCH);
  gtk_switch_set_active (sw, TRUE);
  g_assert_true (g_settings_get_boolean (f->settings, "run-in-background"));

  spin = in_row (f, "Automatic Probe Interval", GTK_TYPE_SPIN_BUTTON);
  gtk_spin_button_set_value (spin, 0);
  g_assert_cmpuint (g_settings_get_uint (f->settings, "probe-interval"), ==, 0);
}

static void
test_validated_entries (Fixture       *f,
                        gconstpointer  data)
{
  AdwEntryRow *tz = find_row (f, ADW_TYPE_ENTRY_ROW, "Time Zone");
  AdwEntryRow *model = find_row (f, ADW_TYPE_ENTRY_ROW, "Probe Model");
  AdwEntryRow *url = find_row (f, ADW_TYPE_ENTRY_ROW, "API Base URL");
  g_autofree char *value = NULL;

  g_assert_nonnull (tz);
  g_assert_nonnull (model);
  g_assert_nonnull (url);

  /* The rows show the stored values. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (model)), ==, "claude-haiku-4-5");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url)), ==, "https://api.anthropic.com");

  apply_text (tz, "Mars/Olympus_Mons");
  value = g_settings_get_string (f->settings, "timezone");
  g_assert_cmpstr (value, ==, "");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (tz), "error"));
  g_clear_pointer (&value, g_free);

  apply_text (tz, "America/New_York");
  value = g_settings_get_string (f->settings, "timezone");
  g_assert_cmpstr (value, ==, "America/New_York");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (tz), "error"));
  g_clear_pointer (&value, g_free);

  apply_text (model, "claude haiku");
  value = g_settings_get_string (f->settings, "probe-model");
  g_assert_cmpstr (value, ==, "claude-haiku-4-5");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (model), "error"));
  g_clear_pointer (&value, g_free);

  apply_text (model, "claude-sonnet-4-5");
  value = g_settings_get_string (f->settings, "probe-model");
  g_assert_cmpstr (value, ==, "claude-sonnet-4-5");
  g_clear_pointer (&value, g_free);

  apply_text (url, "ftp://example.com");
  value = g_settings_get_string (f->settings, "api-base-url");
  g_assert_cmpstr (value, ==, "https://api.anthropic.com");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (url), "error"));
  g_clear_pointer (&value, g_free);

  apply_text (url, "http://127.0.0.1:8080/proxy");
  value = g_settings_get_string (f->settings, "api-base-url");
  g_assert_cmpstr (value, ==, "http://127.0.0.1:8080/proxy");
  g_clear_pointer (&value, g_free);

  /* Empty: back to the default, and the row shows it. */
  apply_text (url, "");
  value = g_settings_get_string (f->settings, "api-base-url");
  g_assert_cmpstr (value, ==, "https://api.anthropic.com");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (url)), ==, "https://api.anthropic.com");

  /* Changed elsewhere: the row follows. */
  g_settings_set_string (f->settings, "probe-model", "claude-opus-4-6");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (model)), ==, "claude-opus-4-6");
}

static void
reloaded_cb (CmPreferencesWindow *window,
             CmPricing           *pricing,
             gpointer             user_data)
{
  CmPricing **out = user_data;

  g_set_object (out, pricing);
}

static void
test_pricing (Fixture       *f,
              gconstpointer  data)
{
  AdwActionRow *row = find_row (f, ADW_TYPE_ACTION_ROW, "Price Table");
  g_autoptr(CmPricing) reloaded = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json_path = g_build_filename (SOURCE_DIR, "data", "pricing.json", NULL);
  g_autofree char *expected = NULL;
  const char *verified;

  g_assert_nonnull (row);
  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, "No price table loaded");

  /* The date the shipped table says it was verified on. */
  json_parser_load_from_file (parser, json_path, &error);
  g_assert_no_error (error);
  verified = json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "verified");
  expected = g_strdup_printf ("Prices verified on %s", verified);

  g_signal_connect (f->window, "pricing-reloaded", G_CALLBACK (reloaded_cb), &reloaded);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.reload-pricing", NULL);
  g_assert_nonnull (reloaded);
  g_assert_true (cm_preferences_window_get_pricing (f->window) == reloaded);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (row), expected));
}

/* Update Prices against a SoupServer on 127.0.0.1: Opus 5 at $4/$20 (the
 * table says $5/$25), Sonnet 5 as it is, a model the table lacks. */
static const char good_list[] =
  "{ \"claude-opus-5\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
  "   \"input_cost_per_token\": 4e-06, \"output_cost_per_token\": 2e-05,"
  "   \"cache_creation_input_token_cost\": 5e-06, \"cache_read_input_token_cost\": 4e-07 },"
  "  \"claude-sonnet-5\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
  "   \"input_cost_per_token\": 2e-06, \"output_cost_per_token\": 1e-05,"
  "   \"cache_creation_input_token_cost\": 2.5e-06, \"cache_read_input_token_cost\": 2e-07 },"
  "  \"claude-haiku-6\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
  "   \"input_cost_per_token\": 2e-07, \"output_cost_per_token\": 1e-06,"
  "   \"cache_creation_input_token_cost\": 2.5e-07, \"cache_read_input_token_cost\": 2e-08 } }";

static void
price_list_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  if (strcmp (path, "/good.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, good_list,
                                        strlen (good_list));
    }
  else if (strcmp (path, "/garbage.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{\"claude", 8);
    }
  else if (strcmp (path, "/hang.json") == 0)
    soup_server_message_pause (msg);
  else
    soup_server_message_set_status (msg, 500, NULL);
}

static void
wait_for_update (Fixture *f)
{
  GtkWidget *button = in_row (f, "Price Table", GTK_TYPE_BUTTON);
  gint64 end = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

  /* The first suffix button is Update Prices; it says Cancel Update while
   * the update runs. */
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Cancel Update");
  while (g_strcmp0 (gtk_button_get_label (GTK_BUTTON (button)), "_Update Prices") != 0 &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (button)), ==, "_Update Prices");
}

static void
run_update (Fixture    *f,
            const char *base,
            const char *path)
{
  g_autofree char *url = g_strconcat (base, path, NULL);

  g_setenv ("COSTMETER_PRICE_LIST_URL", url, TRUE);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.update-pricing", NULL);
  wait_for_update (f);
}

static CmMoney
history_cost (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CmTotals totals;

  g_assert_true (cm_store_query_totals (f->store, NULL, &totals, &error));
  g_assert_no_error (error);

  return totals.cost;
}

/* Preferences → Prices → Update Prices: the list fetched on a worker,
 * history re-priced and what changed said; a broken list, an error and a
 * cancelled fetch leave the prices as they were. */
static void
test_update_prices (Fixture       *f,
                    gconstpointer  data)
{
  AdwActionRow *row = find_row (f, ADW_TYPE_ACTION_ROW, "Price Table");
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(GSList) uris = NULL;
  g_autoptr(CmPricing) builtin = NULL;
  g_autoptr(CmPricing) reloaded = NULL;
  g_autoptr(CmScanner) scanner = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *layer = cm_pricing_dup_update_file ();
  g_autofree char *transcript = g_build_filename (f->dir, "default-projects", "-home-u-shop", "s1.jsonl", NULL);
  g_autofree char *dir = g_path_get_dirname (transcript);
  CmScanStats stats;

  /* One Opus 5 request of a million tokens in and out: $30 at $5/$25. */
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  cm_test_write_file (transcript,
                      "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"/home/u/shop\","
                      "\"timestamp\":\"2026-08-10T10:00:00Z\",\"requestId\":\"req_1\",\"message\":"
                      "{\"id\":\"msg_1\",\"model\":\"claude-opus-5\",\"usage\":{\"input_tokens\":1000000,"
                      "\"output_tokens\":1000000}}}\n", -1);
  builtin = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  scanner = cm_scanner_new (f->store, builtin);
  g_assert_true (cm_scanner_scan_sync (scanner, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpint (history_cost (f), ==, (CmMoney) 30 * CM_MONEY_PER_USD);
  cm_preferences_window_set_pricing (f->window, builtin);

  soup_server_add_handler (server, NULL, price_list_cb, NULL, NULL);
  g_assert_true (soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error));
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_uri_to_string (uris->data);
  if (g_str_has_suffix (base, "/"))
    base[strlen (base) - 1] = '\0';
  g_slist_free_full (g_steal_pointer (&uris), (GDestroyNotify) g_uri_unref);
  /* Time enough for a loaded machine; a second for the list that never
   * comes. */
  g_setenv ("COSTMETER_PRICE_LIST_TIMEOUT", "15", TRUE);
  g_signal_connect (f->window, "pricing-reloaded", G_CALLBACK (reloaded_cb), &reloaded);

  /* Garbage, a server error and a list that never comes: nothing changes. */
  run_update (f, base, "/garbage.json");
  g_test_message ("%s", adw_action_row_get_subtitle (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Update failed, the prices are as they were: "));
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  run_update (f, base, "/error.json");
  g_test_message ("%s", adw_action_row_get_subtitle (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "HTTP 500"));
  g_setenv ("COSTMETER_PRICE_LIST_TIMEOUT", "1", TRUE);
  run_update (f, base, "/hang.json");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Update failed"));
  g_assert_null (reloaded);
  g_assert_false (g_file_test (layer, G_FILE_TEST_EXISTS));
  g_assert_cmpint (history_cost (f), ==, (CmMoney) 30 * CM_MONEY_PER_USD);

  /* Cancelled while it waits: no failure, nothing changed. */
  g_setenv ("COSTMETER_PRICE_LIST_TIMEOUT", "20", TRUE);
  {
    g_autofree char *url = g_strconcat (base, "/hang.json", NULL);

    g_setenv ("COSTMETER_PRICE_LIST_URL", url, TRUE);
    gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.update-pricing", NULL);
    g_assert_true (gtk_widget_get_visible (in_row (f, "Price Table", GTK_TYPE_SPINNER)));
    gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.update-pricing", NULL);
    wait_for_update (f);
  }
  g_assert_null (strstr (adw_action_row_get_subtitle (row), "Update failed"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_null (reloaded);

  /* The good list: saved, read, history re-priced to $24 and said so. */
  g_setenv ("COSTMETER_PRICE_LIST_TIMEOUT", "15", TRUE);
  run_update (f, base, "/good.json");
  g_test_message ("%s", adw_action_row_get_subtitle (row));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row),
                            "1 model updated, 1 added; history re-priced: -$6.00"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Updated on "));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (row), "error"));
  g_assert_true (g_file_test (layer, G_FILE_TEST_EXISTS));
  g_assert_nonnull (reloaded);
  g_assert_true (cm_preferences_window_get_pricing (f->window) == reloaded);
  g_assert_nonnull (cm_pricing_get_update_date (reloaded));
  g_assert_true (cm_pricing_has_model (reloaded, "claude-haiku-6"));
  g_assert_cmpint (history_cost (f), ==, (CmMoney) 24 * CM_MONEY_PER_USD);

  soup_server_disconnect (server);
  g_unsetenv ("COSTMETER_PRICE_LIST_URL");
  g_unsetenv ("COSTMETER_PRICE_LIST_TIMEOUT");
  g_assert_cmpint (g_unlink (layer), ==, 0);
}

#ifdef HAVE_LIBSECRET
static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;

  return memmem (contents, len, needle, strlen (needle)) != NULL;
}

static void
wait_for_subtitle (AdwActionRow *row,
                   const char   *prefix)
{
  gint64 end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (!g_str_has_prefix (adw_action_row_get_subtitle (row), prefix) &&
         g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);

  g_assert_cmpstr (adw_action_row_get_subtitle (row), ==, prefix);
}
#endif

static void
test_api_key (Fixture       *f,
              gconstpointer  data)
{
#ifdef HAVE_LIBSECRET
  AdwEntryRow *key_row = find_row (f, ADW_TYPE_PASSWORD_ENTRY_ROW, "New API Key");
  AdwActionRow *status = find_row (f, ADW_TYPE_ACTION_ROW, "Current Key");
  g_autoptr(GSettingsSchema) schema = NULL;
  g_auto(GStrv) keys = NULL;
  const char *suffixes[] = { "", "-wal", "-journal" };
  CmKeySource source;
  char *key;

  if (g_getenv ("CM_TEST_NO_KEYRING") != NULL)
    {
      g_test_skip (g_getenv ("CM_TEST_NO_KEYRING"));
      return;
    }

  g_assert_nonnull (key_row);
  g_assert_nonnull (status);
  g_unsetenv ("ANTHROPIC_API_KEY");
  wait_for_subtitle (status, "None: rate limits cannot be probed");
  g_assert_false (cm_ratelimit_client_has_api_key (f->client));

  /* Type a key and press the apply button. */
  apply_text (key_row, TEST_KEY);
  wait_for_subtitle (status, "Saved in the keyring");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (key_row)), ==, "");
  g_assert_true (cm_ratelimit_client_has_api_key (f->client));

  key = cm_keyring_lookup_sync (NULL, &source, NULL);
  g_assert_cmpstr (key, ==, TEST_KEY);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_KEYRING);
  cm_keyring_free_key (key);

  /* Not in any setting, not in the database, not in any log line. */
  g_object_get (f->settings, "settings-schema", &schema, NULL);
  keys = g_settings_schema_list_keys (schema);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      g_autoptr(GVariant) v = g_settings_get_value (f->settings, keys[i]);
      g_autofree char *text = g_variant_print (v, FALSE);

      g_assert_null (strstr (text, TEST_KEY));
    }
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->db_path, suffixes[i], NULL);

      g_assert_false (file_contains (path, TEST_KEY));
    }
  g_assert_null (strstr (captured_log->str, TEST_KEY));

  /* Remove it again; the environment variable then takes over. */
  g_setenv ("ANTHROPIC_API_KEY", "sk-ant-api03-FROM-ENV", TRUE);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.clear-key", NULL));
  wait_for_subtitle (status, "From the ANTHROPIC_API_KEY environment variable");
  key = cm_keyring_lookup_sync (NULL, &source, NULL);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_ENVIRONMENT);
  cm_keyring_free_key (key);
  g_assert_true (cm_ratelimit_client_has_api_key (f->client));

  g_unsetenv ("ANTHROPIC_API_KEY");
  gtk_widget_activate_action (GTK_WIDGET (f->window), "prefs.clear-key", NULL);
  while (g_main_context_iteration (NULL, FALSE));
#else
  g_test_skip ("built without libsecret");
#endif
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_test_init (&argc, &argv, NULL);

  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run\n");
      return 0;
    }
  adw_init ();

#define ADD(path, func) g_test_add ("/preferences/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("sources", test_sources);
  ADD ("sources-follow-store", test_sources_follow_store);
  ADD ("escape-and-key-field", test_escape_and_key_field);
  ADD ("settings", test_settings);
  ADD ("validated-entries", test_validated_entries);
  ADD ("pricing", test_pricing);
  ADD ("api-key", test_api_key);
  ADD ("update-prices", test_update_prices);
#undef ADD

  return g_test_run ();
}
