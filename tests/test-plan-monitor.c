/* test-plan-monitor.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan windows as the status line records them: notifications at 80 %
 * and 100 % of the 5-hour and weekly windows, once per window and across a
 * restart; a window that has reset is unknown; the running block; and the
 * tray's title showing the 5-hour window's use when known. On a private bus
 * with a fake notification server.
 */

#include <gio/gio.h>
#include <string.h>

#include "cm-plan-monitor.h"
#include "cm-test-tray.h"
#include "cm-test-util.h"
#include "cm-tray.h"

#define HOUR_MS (G_GINT64_CONSTANT (3600000))

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

static void
updated_cb (gboolean *flag)
{
  *flag = TRUE;
}

/* Waits for one full reading started after this call. */
static void
refresh_and_wait (CmPlanMonitor *monitor)
{
  gboolean updated = FALSE;
  gulong id = g_signal_connect_swapped (monitor, "updated", G_CALLBACK (updated_cb), &updated);

  cm_plan_monitor_refresh (monitor);
  cm_test_wait_for (&updated);
  g_signal_handler_disconnect (monitor, id);
}

/* A reading from the status line, as another process records it: the store
 * says nothing, the monitor reads it on its next look. */
static void
record (CmStore *store,
        gint64   now_ms,
        double   five_hour,
        gint64   five_reset,
        double   seven_day,
        gint64   seven_reset)
{
  g_autoptr(GError) error = NULL;
  CmPlanObservation obs = {
    .observed_ms = now_ms, .session_id = (char *) "s1", .model = (char *) "claude-opus-4-1",
    .five_hour_percent = five_hour, .five_hour_reset_ms = five_reset,
    .seven_day_percent = seven_day, .seven_day_reset_ms = seven_reset,
  };

  g_assert_true (cm_store_add_plan_observation (store, &obs, 1000, &error));
  g_assert_no_error (error);
}

static void
assert_window (CmPlanMonitor *monitor,
               CmPlanWindow   window,
               double         percent,
               gint64         reset)
{
  double p;
  gint64 r;

  g_assert_true (cm_plan_monitor_get_window (monitor, window, &p, &r));
  g_assert_cmpfloat (p, ==, percent);
  g_assert_cmpint (r, ==, reset);
}

static void
test_notifications (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("plan-monitor");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");
  g_autoptr(CmPlanMonitor) monitor = NULL;
  gint64 now = cm_test_utc_ms (2026, 9, 20, 12) + 20 * 60000;   /* 12:20 */
  gint64 five_reset = cm_test_utc_ms (2026, 9, 20, 15);
  gint64 week_reset = cm_test_utc_ms (2026, 9, 24, 9);

  g_assert_no_error (error);
  g_settings_set_string (settings, "plan-notified", "");

  monitor = cm_plan_monitor_new (store, settings, app);
  cm_plan_monitor_set_now (monitor, now / 1000);
  refresh_and_wait (monitor);
  g_assert_true (cm_plan_monitor_get_ready (monitor));
  g_assert_false (cm_plan_monitor_get_window (monitor, CM_PLAN_WINDOW_FIVE_HOUR, NULL, NULL));
  g_assert_cmpint (cm_plan_monitor_get_observed (monitor), ==, 0);

  /* Half of the 5-hour window: known, nothing to say. */
  record (store, now, 50, five_reset, 10, week_reset);
  refresh_and_wait (monitor);
  assert_window (monitor, CM_PLAN_WINDOW_FIVE_HOUR, 50, five_reset);
  assert_window (monitor, CM_PLAN_WINDOW_SEVEN_DAY, 10, week_reset);
  g_assert_cmpint (cm_plan_monitor_get_observed (monitor), ==, now);
  g_assert_cmpuint (n_sent (), ==, 0);

  /* 85 %: one warning. */
  record (store, now + 60000, 85, five_reset, 10, week_reset);
  refresh_and_wait (monitor);
  g_assert_cmpint (cm_plan_monitor_get_level (monitor, CM_PLAN_WINDOW_FIVE_HOUR), ==, CM_BUDGET_LEVEL_WARNING);
  g_assert_cmpuint (n_sent (), ==, 1);
  g_assert_cmpstr (last_sent ()->id, ==, "plan-5h");
  g_assert_cmpstr (last_sent ()->title, ==, "5-hour plan window almost used");
  g_assert_nonnull (strstr (last_sent ()->body, "85 % used"));

  /* More of the same window, and plain refreshes: no repeat. */
  record (store, now + 120000, 95, five_reset, 10, week_reset);
  refresh_and_wait (monitor);
  refresh_and_wait (monitor);
  g_assert_cmpuint (n_sent (), ==, 1);

  /* Used up: one more. */
  record (store, now + 180000, 100, five_reset, 10, week_reset);
  refresh_and_wait (monitor);
  g_assert_cmpint (cm_plan_monitor_get_level (monitor, CM_PLAN_WINDOW_FIVE_HOUR), ==, CM_BUDGET_LEVEL_OVER);
  g_assert_cmpuint (n_sent (), ==, 2);
  g_assert_cmpstr (last_sent ()->title, ==, "5-hour plan window used up");

  /* The weekly window crosses 80 %: its own notification. */
  record (store, now + 240000, 100, five_reset, 80, week_reset);
  refresh_and_wait (monitor);
  g_assert_cmpuint (n_sent (), ==, 3);
  g_assert_cmpstr (last_sent ()->id, ==, "plan-7d");
  g_assert_cmpstr (last_sent ()->title, ==, "Weekly plan window almost used");

  /* A restart remembers what was sent. */
  g_clear_object (&monitor);
  monitor = cm_plan_monitor_new (store, settings, app);
  cm_plan_monitor_set_now (monitor, now / 1000 + 300);
  refresh_and_wait (monitor);
  g_assert_cmpuint (n_sent (), ==, 3);

  /* Once the 5-hour window has reset, the old reading says nothing. */
  cm_plan_monitor_set_now (monitor, five_reset / 1000);
  refresh_and_wait (monitor);
  g_assert_false (cm_plan_monitor_get_window (monitor, CM_PLAN_WINDOW_FIVE_HOUR, NULL, NULL));
  g_assert_cmpint (cm_plan_monitor_get_level (monitor, CM_PLAN_WINDOW_FIVE_HOUR), ==, CM_BUDGET_LEVEL_NONE);
  assert_window (monitor, CM_PLAN_WINDOW_SEVEN_DAY, 80, week_reset);

  /* The next window is a new one: 81 % notifies again. */
  record (store, five_reset + 60000, 81, five_reset + 5 * HOUR_MS, 80, week_reset);
  cm_plan_monitor_set_now (monitor, five_reset / 1000 + 60);
  refresh_and_wait (monitor);
  g_assert_cmpuint (n_sent (), ==, 4);
  g_assert_cmpstr (last_sent ()->id, ==, "plan-5h");
  g_assert_nonnull (strstr (last_sent ()->body, "81 % used"));
}

static void
test_block_and_tray (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("plan-tray");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");
  g_autoptr(CmTray) tray = NULL;
  CmPlanMonitor *monitor;
  CmStatusNotifier *notifier;
  const CmBlock *block;
  gint64 now = g_get_real_time () / 1000;

  g_assert_no_error (error);
  g_settings_set_boolean (settings, "tray-enabled", TRUE);
  g_settings_set_string (settings, "plan-notified", "");

  /* A message 40 minutes ago: the block running now starts on its hour. */
  cm_test_add_spend (store, now - 40 * 60000, 5 * (CM_MONEY_PER_USD / 100));
  tray = cm_tray_new (app, store, settings);
  monitor = cm_tray_get_plan_monitor (tray);
  notifier = cm_tray_get_status_notifier (tray);
  refresh_and_wait (monitor);
  block = cm_plan_monitor_get_block (monitor);
  g_assert_nonnull (block);
  g_assert_cmpint (block->start_ms, ==, (now - 40 * 60000) - (now - 40 * 60000) % HOUR_MS);
  g_assert_cmpint (block->totals.cost, ==, 5 * (CM_MONEY_PER_USD / 100));

  /* No plan reading: today's spend, as before. */
  g_assert_true (g_str_has_prefix (cm_status_notifier_get_title (notifier), "CostMeter: $"));

  /* With one: the 5-hour window's use, and the icon warns from 80 %. */
  record (store, now, 83.4, now + HOUR_MS, 20, now + 72 * HOUR_MS);
  refresh_and_wait (monitor);
  g_assert_cmpstr (cm_status_notifier_get_title (notifier), ==, "CostMeter: 83 % of the 5-hour window");
  g_assert_nonnull (strstr (cm_status_notifier_get_tooltip_text (notifier), "5-hour window: 83 % used"));
  g_assert_cmpstr (cm_status_notifier_get_icon_name (notifier), ==, CM_TRAY_ICON_NAME_WARNING);
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  app = cm_test_notifications_start ("com.example.CostMeter.TestPlan");

  g_test_add_func ("/limits/plan-monitor/notifications", test_notifications);
  g_test_add_func ("/limits/plan-monitor/block-and-tray", test_block_and_tray);

  ret = g_test_run ();
  cm_test_notifications_stop ();

  return ret;
}
