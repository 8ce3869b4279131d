/* test-budget-monitor.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <gio/gio.h>

#include "cm-budget-monitor.h"
#include "cm-test-tray.h"
#include "cm-test-util.h"

#define USD(x) ((CmMoney) ((x) * 100 + 0.5) * (CM_MONEY_PER_USD / 100))

/* A fake org.gtk.Notifications server on the test bus: GApplication's "gtk"
 * notification backend sends every notification to it. */
static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "    <method name='Sync'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  char *id;
  char *title;
  char *body;
} Sent;

static GPtrArray *sent;

static void
sent_free (Sent *s)
{
  g_free (s->id);
  g_free (s->title);
  g_free (s->body);
  g_free (s);
}

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  if (g_str_equal (method_name, "AddNotification"))
    {
      g_autoptr(GVariant) dict = NULL;
      const char *app_id, *id;
      Sent *s = g_new0 (Sent, 1);

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &dict);
      g_assert_cmpstr (app_id, ==, "com.example.CostMeter.TestBudget");
      s->id = g_strdup (id);
      g_variant_lookup (dict, "title", "s", &s->title);
      g_variant_lookup (dict, "body", "s", &s->body);
      g_ptr_array_add (sent, s);
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb, NULL, NULL, { 0 } };

static GApplication *app;

/* Every notification sent so far has been received: the backend and this
 * call share one connection, so messages arrive in order. */
static guint
n_sent (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = cm_test_dbus_call (g_application_get_dbus_connection (app), "org.gtk.Notifications",
                             "/org/gtk/Notifications", "org.gtk.Notifications", "Sync",
                             NULL, &error);
  g_assert_no_error (error);
  return sent->len;
}

static const Sent *
last_sent (void)
{
  g_assert_cmpuint (sent->len, >, 0);
  return g_ptr_array_index (sent, sent->len - 1);
}

typedef struct
{
  CmBudgetMonitor *monitor;
  CmMoney          today;
  CmMoney          month;
} Expect;

static gboolean
spend_is (gpointer data)
{
  Expect *e = data;

  return cm_budget_monitor_get_ready (e->monitor) &&
         cm_budget_monitor_get_today_spend (e->monitor) == e->today &&
         cm_budget_monitor_get_month_spend (e->monitor) == e->month;
}

static void
wait_spend (CmBudgetMonitor *monitor,
            CmMoney          today,
            CmMoney          month)
{
  Expect e = { monitor, today, month };

  cm_test_wait_until (spend_is, &e);
}

static void
wait_updated_cb (gboolean *flag)
{
  *flag = TRUE;
}

/* Waits for one full recomputation started after this call. */
static void
refresh_and_wait (CmBudgetMonitor *monitor)
{
  gboolean updated = FALSE;
  gulong id = g_signal_connect_swapped (monitor, "updated", G_CALLBACK (wait_updated_cb), &updated);

  cm_budget_monitor_refresh (monitor);
  cm_test_wait_for (&updated);
  g_signal_handler_disconnect (monitor, id);
}

static gboolean acquired_cb_flag;

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  acquired_cb_flag = TRUE;
}

static void
test_budget_crossings (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("budget");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");
  g_autoptr(CmBudgetMonitor) monitor = NULL;
  g_autofree char *notified = NULL;
  gint64 sep20 = cm_test_utc_ms (2026, 9, 20, 12) / 1000;

  g_assert_no_error (error);
  g_settings_set_string (settings, "timezone", "UTC");
  g_settings_set_double (settings, "budget-daily", 10.0);
  g_settings_set_double (settings, "budget-monthly", 0.0);
  g_settings_set_string (settings, "budget-notified", "");

  /* Spend from earlier in the month and from the previous month. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 2, 9), USD (1.00));
  cm_test_add_spend (store, cm_test_utc_ms (2026, 8, 31, 23), USD (50.00));

  monitor = cm_budget_monitor_new (store, settings, app);
  cm_budget_monitor_set_now (monitor, sep20);
  wait_spend (monitor, 0, USD (1.00));
  g_assert_cmpint (cm_budget_monitor_get_day_level (monitor), ==, CM_BUDGET_LEVEL_NONE);
  g_assert_cmpuint (n_sent (), ==, 0);

  /* 70 %: nothing. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 8), USD (7.00));
  wait_spend (monitor, USD (7.00), USD (8.00));
  g_assert_cmpint (cm_budget_monitor_get_day_level (monitor), ==, CM_BUDGET_LEVEL_NONE);
  g_assert_cmpuint (n_sent (), ==, 0);

  /* 85 %: one warning. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 9), USD (1.50));
  wait_spend (monitor, USD (8.50), USD (9.50));
  g_assert_cmpint (cm_budget_monitor_get_day_level (monitor), ==, CM_BUDGET_LEVEL_WARNING);
  g_assert_cmpuint (n_sent (), ==, 1);
  g_assert_cmpstr (last_sent ()->id, ==, "budget-day");
  g_assert_cmpstr (last_sent ()->title, ==, "Daily budget almost used");
  g_assert_nonnull (strstr (last_sent ()->body, "$8.50 of $10.00 (85 %)"));

  /* Still between 80 and 100 %, and a plain refresh: no repeat. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 10), USD (0.10));
  wait_spend (monitor, USD (8.60), USD (9.60));
  refresh_and_wait (monitor);
  g_assert_cmpuint (n_sent (), ==, 1);

  /* 106 %: one more. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 11), USD (2.00));
  wait_spend (monitor, USD (10.60), USD (11.60));
  g_assert_cmpint (cm_budget_monitor_get_day_level (monitor), ==, CM_BUDGET_LEVEL_OVER);
  g_assert_cmpint (cm_budget_monitor_get_level (monitor), ==, CM_BUDGET_LEVEL_OVER);
  g_assert_cmpuint (n_sent (), ==, 2);
  g_assert_cmpstr (last_sent ()->title, ==, "Daily budget exceeded");
  cm_store_emit_changed (store);
  refresh_and_wait (monitor);
  g_assert_cmpuint (n_sent (), ==, 2);

  /* A restart remembers what was sent. */
  g_clear_object (&monitor);
  monitor = cm_budget_monitor_new (store, settings, app);
  cm_budget_monitor_set_now (monitor, sep20);
  wait_spend (monitor, USD (10.60), USD (11.60));
  refresh_and_wait (monitor);
  g_assert_cmpint (cm_budget_monitor_get_day_level (monitor), ==, CM_BUDGET_LEVEL_OVER);
  g_assert_cmpuint (n_sent (), ==, 2);

  /* A monthly budget of $12.50: 92.8 %, one monthly warning. */
  g_settings_set_double (settings, "budget-monthly", 12.5);
  refresh_and_wait (monitor);
  g_assert_cmpint (cm_budget_monitor_get_month_level (monitor), ==, CM_BUDGET_LEVEL_WARNING);
  g_assert_cmpuint (n_sent (), ==, 3);
  g_assert_cmpstr (last_sent ()->id, ==, "budget-month");
  g_assert_cmpstr (last_sent ()->title, ==, "Monthly budget almost used");

  /* A new day starts from zero; the month carries on. */
  cm_budget_monitor_set_now (monitor, sep20 + 24 * 3600);
  wait_spend (monitor, 0, USD (11.60));
  g_assert_cmpint (cm_budget_monitor_get_day_level (monitor), ==, CM_BUDGET_LEVEL_NONE);
  g_assert_cmpint (cm_budget_monitor_get_month_level (monitor), ==, CM_BUDGET_LEVEL_WARNING);
  g_assert_cmpuint (n_sent (), ==, 3);

  /* $9 on the new day: a daily warning (new period) and the month is over. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 21, 6), USD (9.00));
  wait_spend (monitor, USD (9.00), USD (20.60));
  g_assert_cmpuint (n_sent (), ==, 5);
  notified = g_settings_get_string (settings, "budget-notified");
  g_assert_cmpstr (notified, ==, "day:2026-09-21:80;month:2026-09:100");

  /* A new month resets the monthly threshold too. */
  cm_budget_monitor_set_now (monitor, cm_test_utc_ms (2026, 10, 1, 12) / 1000);
  wait_spend (monitor, 0, 0);
  g_assert_cmpint (cm_budget_monitor_get_level (monitor), ==, CM_BUDGET_LEVEL_NONE);
  g_assert_cmpuint (n_sent (), ==, 5);
}

static void
test_no_budget (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("nobudget");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");
  g_autoptr(CmBudgetMonitor) monitor = NULL;
  guint before = n_sent ();

  g_assert_no_error (error);
  g_settings_set_string (settings, "timezone", "America/New_York");
  g_settings_set_double (settings, "budget-daily", 0.0);
  g_settings_set_double (settings, "budget-monthly", 0.0);

  /* 02:00 UTC on the 21st is still the 20th in New York. */
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 21, 2), USD (123.00));
  monitor = cm_budget_monitor_new (store, settings, app);
  cm_budget_monitor_set_now (monitor, cm_test_utc_ms (2026, 9, 20, 20) / 1000);
  wait_spend (monitor, USD (123.00), USD (123.00));
  g_assert_cmpint (cm_budget_monitor_get_level (monitor), ==, CM_BUDGET_LEVEL_NONE);
  g_assert_cmpuint (n_sent (), ==, before);
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  GDBusConnection *connection;
  guint owner_id;
  int ret;

  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_test_init (&argc, &argv, NULL);

  home = cm_test_make_tmpdir ("home");
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);

  /* A private session bus, whatever the caller runs under. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  sent = g_ptr_array_new_with_free_func ((GDestroyNotify) sent_free);
  connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, "/org/gtk/Notifications", info->interfaces[0],
                                     &notifications_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  owner_id = g_bus_own_name_on_connection (connection, "org.gtk.Notifications",
                                           G_BUS_NAME_OWNER_FLAGS_NONE,
                                           name_acquired_cb, NULL, NULL, NULL);
  cm_test_wait_for (&acquired_cb_flag);

  app = g_application_new ("com.example.CostMeter.TestBudget", G_APPLICATION_DEFAULT_FLAGS);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  g_test_add_func ("/budget-monitor/crossings", test_budget_crossings);
  g_test_add_func ("/budget-monitor/no-budget", test_no_budget);

  ret = g_test_run ();

  g_bus_unown_name (owner_id);
  g_clear_object (&app);
  g_object_unref (connection);
  g_clear_pointer (&sent, g_ptr_array_unref);
  g_test_dbus_down (bus);

  return ret;
}
