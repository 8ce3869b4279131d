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

static GApplication *app;

static guint
n_sent (void)
{
  return cm_test_notifications_get ()->len;
}

static const CmTestNotification *
last_sent (void)
{
  GPtrArray *sent = cm_test_notifications_get ();

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
  int ret;

  g_test_init (&argc, &argv, NULL);
  app = cm_test_notifications_start ("com.example.CostMeter.TestBudget");

  g_test_add_func ("/budget-monitor/crossings", test_budget_crossings);
  g_test_add_func ("/budget-monitor/no-budget", test_no_budget);

  ret = g_test_run ();
  cm_test_notifications_stop ();

  return ret;
}
