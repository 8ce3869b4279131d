/* test-window-limits.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Budgets and plan windows in the window (issue 17): the Today and This
 * month cards show their budget as a level bar with its percentage,
 * warning from 80 % and error from 100 %; a banner says when a budget is
 * exceeded; the chart draws the daily budget; Overview's Usage card shows
 * the running 5-hour block and the plan windows the status line recorded,
 * or how to get them.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "cm-format.h"
#include "cm-preferences-window.h"
#include "cm-ratelimit-chip.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;
static guint n_notifications;

/* The fixture's costliest day and its dollars. */
static char *
costliest_day (double *usd)
{
  JsonObject *days = json_object_get_object_member (cm_test_window_expected (), "days");
  g_autoptr(GList) names = json_object_get_members (days);
  char *best = NULL;

  *usd = 0;
  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *models = json_object_get_object_member (days, l->data);
      g_autoptr(GList) keys = json_object_get_members (models);
      double sum = 0;

      for (GList *k = keys; k != NULL; k = k->next)
        sum += json_object_get_double_member (json_object_get_object_member (models, k->data), "cost");
      if (sum > *usd)
        {
          *usd = sum;
          g_free (best);
          best = g_strdup (l->data);
        }
    }

  return best;
}

static CmTray *
tray (void)
{
  CmTray *t = cm_application_get_tray (app);

  g_assert_nonnull (t);
  return t;
}

static void
set_done (gboolean *done)
{
  *done = TRUE;
}

/* Until the budget monitor has read again. */
static void
wait_budget (void)
{
  CmBudgetMonitor *monitor = cm_tray_get_budget_monitor (tray ());
  gboolean done = FALSE;
  gulong id = g_signal_connect_swapped (monitor, "updated", G_CALLBACK (set_done), &done);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  cm_budget_monitor_refresh (monitor);
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_signal_handler_disconnect (monitor, id);
  cm_test_window_iterate (100);
}

static void
wait_plan (void)
{
  CmPlanMonitor *monitor = cm_tray_get_plan_monitor (tray ());
  gboolean done = FALSE;
  gulong id = g_signal_connect_swapped (monitor, "updated", G_CALLBACK (set_done), &done);
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  cm_plan_monitor_refresh (monitor);
  while (!done)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_signal_handler_disconnect (monitor, id);
  cm_test_window_iterate (100);
}

static void
assert_card (CmPeriod       period,
             CmBudgetLevel  level,
             const char    *text)
{
  CmSpendCard *card = cm_overview_page_get_card (cm_window_get_overview_page (window), period);
  GtkWidget *bar = GTK_WIDGET (cm_spend_card_get_budget_bar (card));

  g_assert_cmpint (cm_spend_card_get_budget_level (card), ==, level);
  g_assert_cmpstr (cm_spend_card_get_budget_text (card), ==, text);
  if (text == NULL)
    return;

  g_assert_true (gtk_widget_is_visible (bar));
  g_assert_true (gtk_widget_has_css_class (bar, "warning") == (level == CM_BUDGET_LEVEL_WARNING));
  g_assert_true (gtk_widget_has_css_class (bar, "error") == (level == CM_BUDGET_LEVEL_OVER));
}

/* What a card says of @spend against a budget of @budget_usd. */
static char *
budget_text (CmMoney     spend,
             double      budget_usd)
{
  CmMoney budget = (CmMoney) llround (budget_usd * CM_MONEY_PER_USD);
  g_autofree char *amount = cm_format_money (budget);

  return g_strdup_printf ("%d %% of the %s budget", (int) floor (100.0 * (double) spend / (double) budget), amount);
}

/* The first visible button below @widget whose action is @action. */
static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return widget;

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_action_button (c, action);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The banner's button opens Preferences at Budgets. */
static void
assert_opens_budgets (GtkWidget *page)
{
  GtkWidget *button = find_action_button (page, "app.preferences-page");
  GtkWindow *prefs = NULL;

  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_visible (button));
  g_assert_cmpstr (g_variant_get_string (gtk_actionable_get_action_target_value (GTK_ACTIONABLE (button)), NULL),
                   ==, "budgets");
  g_signal_emit_by_name (button, "clicked");
  cm_test_window_iterate (50);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      if (CM_IS_PREFERENCES_WINDOW (l->data))
        prefs = l->data;
    }
  g_assert_nonnull (prefs);
  g_assert_cmpstr (adw_preferences_window_get_visible_page_name (ADW_PREFERENCES_WINDOW (prefs)), ==, "budgets");
  gtk_window_destroy (prefs);
}

static void
test_budgets (void)
{
  CmOverviewPage *page = cm_window_get_overview_page (window);
  GSettings *settings = cm_application_get_settings (app);
  CmBudgetMonitor *monitor = cm_tray_get_budget_monitor (tray ());
  double day_usd, month_usd;
  g_autofree char *day = costliest_day (&day_usd);
  g_autoptr(GDateTime) noon = NULL;
  g_autofree char *iso = g_strdup_printf ("%sT23:00:00Z", day);
  g_autofree char *want = NULL;
  g_autofree char *spent = NULL;
  g_autofree char *limit = NULL;
  g_autofree char *banner = NULL;
  CmMoney today;

  cm_test_window_show_view (app, "overview");
  noon = g_date_time_new_from_iso8601 (iso, NULL);
  cm_budget_monitor_set_now (monitor, g_date_time_to_unix (noon));
  cm_filter_set_now (cm_application_get_filter (app), noon);
  cm_test_window_wait_filter (app);
  wait_budget ();
  today = cm_budget_monitor_get_today_spend (monitor);
  g_assert_cmpint (today, ==, cm_test_window_usd_to_money (day_usd));
  month_usd = cm_money_to_usd (cm_budget_monitor_get_month_spend (monitor));

  /* No budget: no bar, no banner, no line. */
  assert_card (CM_PERIOD_TODAY, CM_BUDGET_LEVEL_NONE, NULL);
  assert_card (CM_PERIOD_MONTH, CM_BUDGET_LEVEL_NONE, NULL);
  g_assert_false (cm_overview_page_get_banner_shown (page));
  g_assert_cmpint (cm_cost_chart_get_budget (cm_overview_page_get_chart (page)), ==, 0);

  /* Below 80 %: the bar, plain. A budget of twice the day: 50 %. */
  g_settings_set_double (settings, "budget-daily", round (day_usd * 2));
  g_settings_set_double (settings, "budget-monthly", round (month_usd * 2));
  wait_budget ();
  want = budget_text (today, round (day_usd * 2));
  assert_card (CM_PERIOD_TODAY, CM_BUDGET_LEVEL_NONE, want);
  g_clear_pointer (&want, g_free);
  want = budget_text (cm_budget_monitor_get_month_spend (monitor), round (month_usd * 2));
  assert_card (CM_PERIOD_MONTH, CM_BUDGET_LEVEL_NONE, want);
  g_clear_pointer (&want, g_free);
  g_assert_false (cm_overview_page_get_banner_shown (page));
  g_assert_cmpint (cm_cost_chart_get_budget (cm_overview_page_get_chart (page)), ==,
                   cm_test_window_usd_to_money (round (day_usd * 2)));

  /* 90 %: warning. */
  g_settings_set_double (settings, "budget-daily", day_usd / 0.9);
  wait_budget ();
  want = budget_text (today, day_usd / 0.9);
  assert_card (CM_PERIOD_TODAY, CM_BUDGET_LEVEL_WARNING, want);
  g_clear_pointer (&want, g_free);
  g_assert_false (cm_overview_page_get_banner_shown (page));
  cm_test_window_save_png (GTK_WIDGET (window), "limits-budget-warning.png");

  /* Over both: error, and the banner says so. */
  g_settings_set_double (settings, "budget-daily", floor (day_usd / 2));
  g_settings_set_double (settings, "budget-monthly", floor (month_usd / 2));
  wait_budget ();
  g_assert_cmpint (cm_spend_card_get_budget_level (cm_overview_page_get_card (page, CM_PERIOD_TODAY)), ==,
                   CM_BUDGET_LEVEL_OVER);
  g_assert_cmpint (cm_spend_card_get_budget_level (cm_overview_page_get_card (page, CM_PERIOD_MONTH)), ==,
                   CM_BUDGET_LEVEL_OVER);
  assert_card (CM_PERIOD_TODAY, CM_BUDGET_LEVEL_OVER,
               cm_spend_card_get_budget_text (cm_overview_page_get_card (page, CM_PERIOD_TODAY)));
  g_assert_true (cm_overview_page_get_banner_shown (page));
  spent = cm_format_money (today);
  limit = cm_format_money (cm_test_window_usd_to_money (floor (day_usd / 2)));
  banner = g_strdup_printf ("Today’s spend, %s, is over the daily budget of %s.", spent, limit);
  g_assert_true (g_str_has_prefix (cm_overview_page_get_banner_text (page), banner));
  g_assert_nonnull (strstr (cm_overview_page_get_banner_text (page), "over the monthly budget"));
  cm_test_window_save_png (GTK_WIDGET (window), "limits-budget-over.png");
  g_assert_cmpuint (n_notifications, >, 0);
  assert_opens_budgets (GTK_WIDGET (page));

  /* Budgets off: all gone. */
  g_settings_set_double (settings, "budget-daily", 0);
  g_settings_set_double (settings, "budget-monthly", 0);
  wait_budget ();
  assert_card (CM_PERIOD_TODAY, CM_BUDGET_LEVEL_NONE, NULL);
  assert_card (CM_PERIOD_MONTH, CM_BUDGET_LEVEL_NONE, NULL);
  g_assert_false (cm_overview_page_get_banner_shown (page));
  g_assert_cmpint (cm_cost_chart_get_budget (cm_overview_page_get_chart (page)), ==, 0);
}

static void
test_usage_card (void)
{
  CmUsageCard *card = cm_overview_page_get_usage_card (cm_window_get_overview_page (window));
  CmPlanMonitor *monitor = cm_tray_get_plan_monitor (tray ());
  CmStore *store = cm_application_get_store (app);
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GPtrArray) blocks = cm_store_query_blocks (store, filter, NULL);
  CmBlock *last;
  const CmBlock *shown;
  gint64 now_ms;
  g_autofree char *text = NULL;
  g_autofree char *cost = NULL;
  CmPlanObservation obs = { 0 };
  g_autoptr(GError) error = NULL;

  g_assert_nonnull (blocks);
  g_assert_cmpuint (blocks->len, >, 0);
  last = g_ptr_array_index (blocks, blocks->len - 1);
  now_ms = last->start_ms + 2 * CM_HOUR_MS;

  /* No reading: how to get one. */
  cm_plan_monitor_set_now (monitor, now_ms / 1000);
  wait_plan ();
  text = cm_usage_card_dup_text (card);
  g_test_message ("%s", text);
  g_assert_true (cm_usage_card_get_plan_empty (card));
  g_assert_nonnull (strstr (text, "No plan data yet: install the status line."));

  /* The running block: its cost, burn rate and projection. */
  shown = cm_plan_monitor_get_block (monitor);
  g_assert_nonnull (shown);
  cost = cm_format_money (shown->totals.cost);
  g_assert_nonnull (strstr (text, "5-hour block "));
  g_assert_nonnull (strstr (text, cost));
  g_assert_nonnull (strstr (text, "/h · "));
  g_assert_nonnull (strstr (text, " tokens/min · 3 h 00 min left\nProjected "));
  g_clear_pointer (&text, g_free);

  /* A reading 3 minutes old: both windows with their countdowns. */
  obs.observed_ms = now_ms - 3 * 60 * 1000;
  obs.session_id = (char *) "s";
  obs.model = (char *) "claude-opus-4-5";
  obs.five_hour_percent = 84.6;
  obs.five_hour_reset_ms = now_ms + 67 * 60 * 1000;
  obs.seven_day_percent = 18;
  obs.seven_day_reset_ms = now_ms + (3 * 24 + 4) * CM_HOUR_MS + 30 * 1000;
  g_assert_true (cm_store_add_plan_observation (store, &obs, 1000, &error));
  g_assert_no_error (error);
  wait_plan ();
  text = cm_usage_card_dup_text (card);
  g_test_message ("%s", text);
  g_assert_false (cm_usage_card_get_plan_empty (card));
  g_assert_nonnull (strstr (text, "5-hour window: 84 % used, resets in 1 h 07 min\n"));
  g_assert_nonnull (strstr (text, "Weekly window: 18 % used, resets in 3 d 4 h\n"));
  g_assert_nonnull (strstr (text, "reported them 3 min ago."));
  cm_test_window_save_png (GTK_WIDGET (window), "limits-usage.png");
  g_clear_pointer (&text, g_free);

  /* The header chip: no API observation, so the 5-hour window is the
   * tightest (15 % left), and its popover has a row per window. */
  {
    GtkWidget *chip = cm_test_window_find_type (GTK_WIDGET (window), CM_TYPE_RATELIMIT_CHIP);

    g_assert_nonnull (chip);
    g_assert_cmpfloat_with_epsilon (cm_ratelimit_chip_get_headroom (CM_RATELIMIT_CHIP (chip)), 0.154, 1e-6);
    g_assert_cmpint (cm_ratelimit_chip_get_level (CM_RATELIMIT_CHIP (chip)), ==, CM_HEADROOM_CRITICAL);
    g_assert_true (cm_test_window_find_label (chip, "15 % Headroom"));
  }

  /* Both windows reset since: no stale figures. */
  cm_plan_monitor_set_now (monitor, (now_ms + 4 * 24 * CM_HOUR_MS) / 1000);
  wait_plan ();
  text = cm_usage_card_dup_text (card);
  g_assert_null (strstr (text, "% used"));
  g_assert_nonnull (strstr (text, "No plan window is running"));
  g_assert_nonnull (strstr (text, "No 5-hour block running"));
}

/* --- a notification server that takes everything --- */

static const char notifications_xml[] =
  "<node><interface name='org.gtk.Notifications'>"
  "  <method name='AddNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    <arg type='a{sv}' direction='in'/></method>"
  "  <method name='RemoveNotification'><arg type='s' direction='in'/><arg type='s' direction='in'/></method>"
  "</interface></node>";


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
    n_notifications++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb, NULL, NULL, { 0 } };

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* The budgets and plan windows notify (the tray suite checks what): on
 * the private bus of the test, something has to take the notifications. */
static void
start_notification_server (void)
{
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;
  gboolean acquired = FALSE;
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address, G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                                G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (connection, "/org/gtk/Notifications", info->interfaces[0],
                                     &notifications_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  g_bus_own_name_on_connection (connection, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                name_acquired_cb, NULL, &acquired, NULL);
  while (!acquired)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  /* Kept for the whole run. */
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  cm_test_window_isolate_home ();
  start_notification_server ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  app = cm_test_window_start_app (corpus, APP_ID, 0);
  window = cm_test_window_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 900);
  cm_test_window_iterate (300);

  g_test_add_func ("/window-limits/budgets", test_budgets);
  g_test_add_func ("/window-limits/usage-card", test_usage_card);

  return g_test_run ();
}
