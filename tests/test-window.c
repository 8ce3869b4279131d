/* test-window.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window on the fixture corpus (as `costmeter --demo` opens it): what
 * each view shows, filters changing every view, the narrow and dark
 * layouts, live updates and the empty state. Saves window-<view>.png into
 * the build folder ($CM_SCREENSHOT_DIR).
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <utime.h>
#include <json-glib/json-glib.h>

#include "cm-application-private.h"
#include "cm-columns.h"
#include "cm-format.h"
#include "cm-message-item.h"
#include "cm-preferences-window.h"
#include "cm-ratelimit-chip.h"
#include "cm-session-item.h"
#include "cm-test-util.h"
#include "cm-test-window.h"
#include "cm-window.h"

static CmApplication *app;
static CmWindow *window;
static JsonObject *expected;

static double
expected_cost (const char *section,
               const char *key)
{
  JsonObject *obj = json_object_get_object_member (expected, section);

  if (key != NULL)
    obj = json_object_get_object_member (obj, key);

  return json_object_get_double_member (obj, "cost");
}

/* Filter edits are applied on an idle: wait for the next result. */
static void
wait_for_filter (void)
{
  cm_test_window_wait_filter (app);
}

/* Shows a view and waits until what it shows is read. */
static void
show_view (const char *view)
{
  cm_test_window_show_view (app, view);
}

/* Shows a view and waits until what it shows is read. */
static CmMoney
model_cost_sum (GListModel *model)
{
  CmMoney sum = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);
      gint64 cost = 0;

      g_object_get (item, "cost", &cost, NULL);
      sum += cost;
    }

  return sum;
}

static const CmTotals *
range_totals (void)
{
  return cm_group_item_get_totals (cm_report_get_totals (cm_window_get_report (window), CM_PERIOD_RANGE));
}

static const char *
range_card_text (void)
{
  return cm_spend_card_get_amount_text (cm_overview_page_get_card (cm_window_get_overview_page (window),
                                                                   CM_PERIOD_RANGE));
}

static gboolean
chart_read (gpointer chart)
{
  return cm_cost_chart_get_n_days (chart) ==
           json_object_get_size (json_object_get_object_member (expected, "days")) &&
         cm_cost_chart_get_n_series (chart) == 3 && !cm_cost_chart_get_waiting (chart);
}

static void
test_overview (void)
{
  CmOverviewPage *page = cm_window_get_overview_page (window);
  CmReport *report = cm_window_get_report (window);
  CmCostChart *chart = cm_overview_page_get_chart (page);
  g_autofree char *want_total = cm_format_money (cm_test_window_usd_to_money (expected_cost ("totals", NULL)));
  g_autofree char *breakdown = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *total_line = NULL;
  g_autofree char *day_text = NULL;
  /* By cost (the fixture: Vertex, Bedrock, Anthropic, then the unpriced one). */
  const char *labels[] = { "Vertex", "Bedrock", "Anthropic", "Not yet classified", "Total" };
  gint64 unpriced = json_object_get_int_member (expected, "unpriced_messages");

  cm_window_set_view (window, "overview");
  g_assert_cmpstr (cm_window_get_state (window), ==, "content");
  /* The chart follows the report's days: until it has them (a fixed wait
   * checked it too early now and then). */
  cm_test_window_wait_until (chart_read, chart, 10000);
  breakdown = cm_overview_page_dup_breakdown_text (page);
  lines = g_strsplit (breakdown, "\n", -1);

  /* The selected-range card: the corpus total, flagged as an estimate. */
  g_assert_cmpstr (range_card_text (), ==, want_total);
  g_assert_true (cm_spend_card_get_estimated (cm_overview_page_get_card (page, CM_PERIOD_RANGE)));

  /* The breakdown: four backends and a total that they sum to exactly. */
  g_assert_cmpuint (g_strv_length (lines), ==, 6); /* 5 rows + trailing "" */
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    g_assert_true (g_str_has_prefix (lines[i], labels[i]));
  g_assert_cmpint (model_cost_sum (cm_report_get_backends (report)), ==, range_totals ()->cost);
  g_assert_cmpint (range_totals ()->unpriced, ==, unpriced);
  total_line = g_strdup_printf ("Total\t%s + %" G_GINT64_FORMAT " unpriced messages", want_total, unpriced);
  g_assert_cmpstr (lines[4], ==, total_line);
  /* The unpriced backend says so instead of a silent $0. */
  g_assert_nonnull (strstr (lines[3], "unpriced"));

  /* The chart: every day of the corpus, three backends with dollars. */
  g_assert_cmpuint (cm_cost_chart_get_n_days (chart), ==,
                    json_object_get_size (json_object_get_object_member (expected, "days")));
  g_assert_cmpuint (cm_cost_chart_get_n_series (chart), ==, 3);
  day_text = cm_cost_chart_dup_day_text (chart, 0);
  /* The day as the locale writes it. */
  g_assert_true (g_str_has_prefix (day_text, "<b>Tuesday, September 1, 2026</b>"));
  g_assert_nonnull (strstr (day_text, "Total: $"));

  cm_test_window_save_png (GTK_WIDGET (window), "window-overview.png");

  /* The days by model are read when asked for. */
  cm_cost_chart_set_stack (chart, "model");
  wait_for_filter ();
  g_assert_cmpuint (cm_cost_chart_get_n_series (chart), >=, 4);
  cm_test_window_save_png (GTK_WIDGET (window), "window-overview-by-model.png");
  cm_cost_chart_set_stack (chart, "backend");
  wait_for_filter ();
}

static void
test_models (void)
{
  CmModelsPage *page = cm_window_get_models_page (window);
  GListModel *rows = cm_models_page_get_rows (page);
  guint n;
  CmMoney previous = G_MAXINT64;
  double share = 0;

  show_view ("models");
  n = g_list_model_get_n_items (rows);

  g_assert_cmpuint (n, ==, g_list_model_get_n_items (cm_report_get_models (cm_window_get_report (window))));
  g_assert_cmpuint (n, >=, json_object_get_size (json_object_get_object_member (expected, "model")));

  /* Ranked by cost as shown, and the shares add up. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);

      g_assert_cmpint (cm_group_item_get_cost (item), <=, previous);
      previous = cm_group_item_get_cost (item);
      share += cm_group_item_get_share (item);
    }
  g_assert_cmpfloat_with_epsilon (share, 1.0, 1e-9);
  g_assert_cmpint (model_cost_sum (rows), ==, range_totals ()->cost);

  /* The unpriced model reads "—" with "4 unpriced messages" under it, not
   * $0. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);
      const CmTotals *t = cm_group_item_get_totals (item);

      if (t->unpriced > 0 && t->cost == 0)
        {
          g_autofree char *text = cm_columns_format (G_OBJECT (item), "cost", CM_COLUMN_COST);
          g_autofree char *note = cm_format_unpriced (t->unpriced);

          g_assert_cmpstr (text, ==, "—");
          g_assert_true (cm_test_window_find_label (GTK_WIDGET (page), note));
        }
    }

  cm_test_window_save_png (GTK_WIDGET (window), "window-models.png");
}

static void
test_users (void)
{
  CmUsersPage *page = cm_window_get_users_page (window);
  GListModel *rows = cm_users_page_get_rows (page);
  guint n;
  JsonObject *users = json_object_get_object_member (expected, "user");
  CmMoney previous = G_MAXINT64;

  show_view ("users");
  n = g_list_model_get_n_items (rows);
  g_assert_cmpuint (n, ==, json_object_get_size (users));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);
      const char *key = cm_group_item_get_key (item);
      g_autofree char *shown = cm_columns_format (G_OBJECT (item), "label", CM_COLUMN_TEXT);
      g_autofree char *total = cm_columns_format (G_OBJECT (item), "cost", CM_COLUMN_COST);
      g_autofree char *want = cm_format_money (cm_test_window_usd_to_money (expected_cost ("user", key)));

      g_assert_cmpstr (total, ==, want);

      /* In the table, the unpriced count goes under the amount. */
      if (cm_group_item_get_totals (item)->unpriced > 0 && cm_group_item_get_cost (item) != 0)
        {
          g_autofree char *amount = cm_format_money (cm_group_item_get_cost (item));
          g_autofree char *note = cm_format_unpriced_short (cm_group_item_get_totals (item)->unpriced);

          g_assert_true (cm_test_window_find_label (GTK_WIDGET (page), amount));
          g_assert_true (cm_test_window_find_label (GTK_WIDGET (page), note));
        }

      if (i == n - 1)
        {
          /* The Unattributed row: last, muted, named as such. */
          g_assert_cmpstr (key, ==, CM_UNATTRIBUTED_KEY);
          g_assert_cmpstr (shown, ==, "Unattributed");
          g_assert_true (cm_group_item_get_muted (item));
        }
      else
        {
          CmMoney bedrock = cm_group_item_get_backend_cost (item, CM_BACKEND_BEDROCK);

          g_assert_cmpstr (shown, ==, key);
          g_assert_false (cm_group_item_get_muted (item));
          g_assert_cmpint (bedrock, <=, previous);
          previous = bedrock;
        }
    }

  cm_test_window_save_png (GTK_WIDGET (window), "window-users.png");
}

static GtkColumnViewColumn *
find_column (GtkColumnView *view,
             const char    *property)
{
  GListModel *columns = gtk_column_view_get_columns (view);

  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      /* The view keeps its own reference. */
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "cm-property"), property) == 0)
        return column;
    }

  g_assert_not_reached ();
}

static int
compare_users (CmGroupItem *a,
               CmGroupItem *b,
               const char  *property)
{
  if (g_str_equal (property, "label"))
    {
      g_autofree char *fa = g_utf8_casefold (cm_group_item_get_label (a), -1);
      g_autofree char *fb = g_utf8_casefold (cm_group_item_get_label (b), -1);

      return g_utf8_collate (fa, fb);
    }
  else
    {
      gint64 va = 0, vb = 0;

      g_object_get (a, property, &va, NULL);
      g_object_get (b, property, &vb, NULL);
      return (va > vb) - (va < vb);
    }
}

/* Sorted on @property as the header shows it, the Unattributed row last. */
static char *
assert_users_sorted (const char  *property,
                     GtkSortType  direction)
{
  CmUsersPage *page = cm_window_get_users_page (window);
  GtkColumnView *view = cm_table_page_get_view (cm_users_page_get_table (page));
  GListModel *rows = cm_users_page_get_rows (page);
  guint n = g_list_model_get_n_items (rows);
  /* As GTK's arrows say: ascending is smallest (or A) first. */
  gboolean rising = direction == GTK_SORT_ASCENDING;
  g_autoptr(CmGroupItem) last = NULL;
  g_autoptr(CmGroupItem) first = NULL;

  gtk_column_view_sort_by_column (view, find_column (view, property), direction);
  cm_test_window_iterate (50);

  g_assert_cmpuint (n, >=, 3);
  last = g_list_model_get_item (rows, n - 1);
  g_assert_cmpstr (cm_group_item_get_key (last), ==, CM_UNATTRIBUTED_KEY);
  for (guint i = 0; i + 2 < n; i++)
    {
      g_autoptr(CmGroupItem) a = g_list_model_get_item (rows, i);
      g_autoptr(CmGroupItem) b = g_list_model_get_item (rows, i + 1);
      int cmp = compare_users (a, b, property);

      g_assert_cmpstr (cm_group_item_get_key (a), !=, CM_UNATTRIBUTED_KEY);
      if (rising)
        g_assert_cmpint (cmp, <=, 0);
      else
        g_assert_cmpint (cmp, >=, 0);
    }

  first = g_list_model_get_item (rows, 0);
  return g_strdup (cm_group_item_get_key (first));
}

static void
test_users_sorted (void)
{
  CmUsersPage *page = cm_window_get_users_page (window);
  GtkColumnView *view = cm_table_page_get_view (cm_users_page_get_table (page));
  GListModel *columns = gtk_column_view_get_columns (view);
  GListModel *ranked = cm_report_get_users (cm_window_get_report (window));
  const char *properties[] = { "cost", "label", "cost-bedrock", "messages" };

  show_view ("users");

  /* Every header sorts. */
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      g_assert_nonnull (gtk_column_view_column_get_sorter (column));
    }

  for (guint i = 0; i < G_N_ELEMENTS (properties); i++)
    {
      g_autofree char *top_up = assert_users_sorted (properties[i], GTK_SORT_ASCENDING);
      g_autofree char *top_down = assert_users_sorted (properties[i], GTK_SORT_DESCENDING);

      /* Both ways really reorder the users. */
      if (i < 2)
        g_assert_cmpstr (top_up, !=, top_down);
    }
  cm_test_window_save_png (GTK_WIDGET (window), "window-users-sorted.png");

  /* Unsorted again: the report's ranking by Bedrock spend. */
  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  cm_test_window_iterate (50);
  for (guint i = 0; i < g_list_model_get_n_items (ranked); i++)
    {
      g_autoptr(GObject) want = g_list_model_get_item (ranked, i);
      g_autoptr(GObject) shown = g_list_model_get_item (cm_users_page_get_rows (page), i);

      g_assert_true (want == shown);
    }
}

static void
loaded_cb (CmSessionDetail *detail,
           gboolean        *loaded)
{
  *loaded = TRUE;
}

static void
test_sessions (void)
{
  CmSessionsPage *page = cm_window_get_sessions_page (window);
  CmSessionDetail *detail = cm_sessions_page_get_detail (page);
  GListModel *rows = cm_sessions_page_get_rows (page);
  g_autoptr(CmSessionItem) first = NULL;
  g_autofree char *csv = NULL;
  g_auto(GStrv) csv_lines = NULL;
  gboolean loaded = FALSE;
  GListModel *messages;
  CmMoney sum = 0;
  gint64 deadline;

  /* Read only now that it shows. */
  show_view ("sessions");
  g_assert_cmpuint (g_list_model_get_n_items (rows), >, 0);
  g_assert_cmpint (model_cost_sum (rows), ==, range_totals ()->cost);
  cm_test_window_save_png (GTK_WIDGET (window), "window-sessions.png");

  first = g_list_model_get_item (rows, 0);
  g_signal_connect (detail, "loaded", G_CALLBACK (loaded_cb), &loaded);
  cm_sessions_page_open (page, 0);
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!loaded)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_signal_handlers_disconnect_by_data (detail, &loaded);

  g_assert_true (cm_sessions_page_get_showing_detail (page));
  messages = cm_session_detail_get_rows (detail);
  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, cm_session_item_get_totals (first)->messages);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(CmMessageItem) item = g_list_model_get_item (messages, i);

      sum += cm_message_item_get_cost (item)->total;
    }
  g_assert_cmpint (sum, ==, cm_session_item_get_totals (first)->cost);

  /* Export follows what is visible: the session's messages now. */
  csv = cm_window_dup_export (window, CM_EXPORT_FORMAT_CSV, NULL);
  csv_lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpuint (g_strv_length (csv_lines), ==, g_list_model_get_n_items (messages) + 2);
  g_assert_true (g_str_has_prefix (csv_lines[0], "time,message_id,model,"));

  cm_test_window_save_png (GTK_WIDGET (window), "window-session-detail.png");

  /* Every token and cost type fits 1100 px: no sideways scrolling. */
  {
    GtkAdjustment *h = gtk_scrollable_get_hadjustment (GTK_SCROLLABLE (cm_session_detail_get_view (detail)));
    int needed = 0;

    g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1100);
    gtk_widget_measure (GTK_WIDGET (cm_session_detail_get_view (detail)), GTK_ORIENTATION_HORIZONTAL, -1,
                        &needed, NULL, NULL, NULL);
    g_test_message ("session detail: needs %d px of %.0f", needed, gtk_adjustment_get_page_size (h));
    g_assert_cmpfloat (gtk_adjustment_get_upper (h), <=, gtk_adjustment_get_page_size (h));
  }

  gtk_widget_activate_action (GTK_WIDGET (detail), "session.back", NULL);
  g_assert_false (cm_sessions_page_get_showing_detail (page));
}

static guint
n_rows (GListModel *model)
{
  return g_list_model_get_n_items (model);
}

static void
test_filters (void)
{
  CmFilterBar *bar = cm_window_get_filter_bar (window);
  CmReport *report = cm_window_get_report (window);
  CmFilter *filter = cm_report_get_filter (report);
  CmOverviewPage *overview = cm_window_get_overview_page (window);
  /* A copy: the report replaces its list with every result. */
  g_auto(GStrv) models = g_strdupv ((GStrv) cm_report_get_all_models (report));
  guint all_sessions = n_rows (cm_sessions_page_get_rows (cm_window_get_sessions_page (window)));
  g_autofree char *zero = cm_format_money (0);
  g_autofree char *want_bedrock = cm_format_money (cm_test_window_usd_to_money (expected_cost ("backend", "bedrock")));
  g_autofree char *full = g_strdup (range_card_text ());

  cm_window_set_view (window, "overview");

  /* Clicking every chip off shows nothing, in every view. */
  for (guint i = 0; models[i] != NULL; i++)
    {
      GtkToggleButton *chip = cm_filter_bar_get_chip (bar, models[i]);

      g_assert_nonnull (chip);
      g_assert_true (gtk_toggle_button_get_active (chip));
      gtk_toggle_button_set_active (chip, FALSE);
    }
  wait_for_filter ();
  g_assert_true (cm_filter_get_models_set (filter));
  g_assert_cmpuint (g_strv_length ((GStrv) cm_filter_get_models (filter)), ==, 0);
  g_assert_cmpstr (range_card_text (), ==, zero);
  /* The other views are read when they show. */
  g_assert_cmpuint (cm_report_get_stale (report), ==, CM_SECTION_ALL & ~CM_SECTION_OVERVIEW);
  show_view ("models");
  g_assert_cmpuint (n_rows (cm_models_page_get_rows (cm_window_get_models_page (window))), ==, 0);
  show_view ("users");
  g_assert_cmpuint (n_rows (cm_users_page_get_rows (cm_window_get_users_page (window))), ==, 0);
  show_view ("sessions");
  g_assert_cmpuint (n_rows (cm_sessions_page_get_rows (cm_window_get_sessions_page (window))), ==, 0);
  cm_window_set_view (window, "overview");
  g_assert_cmpuint (cm_cost_chart_get_n_days (cm_overview_page_get_chart (overview)), ==, 0);
  cm_test_window_save_png (GTK_WIDGET (window), "window-filtered-none.png");

  /* One chip back on: that model only (changed on the Models view). */
  show_view ("models");
  gtk_toggle_button_set_active (cm_filter_bar_get_chip (bar, models[0]), TRUE);
  wait_for_filter ();
  g_assert_cmpuint (n_rows (cm_models_page_get_rows (cm_window_get_models_page (window))), >, 0);
  for (guint i = 0; i < n_rows (cm_models_page_get_rows (cm_window_get_models_page (window))); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (cm_models_page_get_rows (cm_window_get_models_page (window)), i);

      g_assert_cmpstr (cm_group_item_get_key (item), ==, models[0]);
    }

  /* Reset: everything again. */
  show_view ("overview");
  cm_filter_bar_reset_models (bar);
  wait_for_filter ();
  g_assert_false (cm_filter_get_models_set (filter));
  g_assert_cmpstr (range_card_text (), ==, full);
  for (guint i = 0; models[i] != NULL; i++)
    g_assert_true (gtk_toggle_button_get_active (cm_filter_bar_get_chip (bar, models[i])));

  /* Bedrock only, through the backend checks. */
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_ANTHROPIC), FALSE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_VERTEX), FALSE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_UNKNOWN), FALSE);
  wait_for_filter ();
  g_assert_cmpuint (cm_filter_get_backends (filter), ==, 1u << CM_BACKEND_BEDROCK);
  g_assert_cmpstr (range_card_text (), ==, want_bedrock);
  g_assert_cmpuint (cm_cost_chart_get_n_series (cm_overview_page_get_chart (overview)), ==, 1);
  cm_test_window_save_png (GTK_WIDGET (window), "window-filtered-bedrock.png");
  show_view ("models");
  for (guint i = 0; i < n_rows (cm_models_page_get_rows (cm_window_get_models_page (window))); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (cm_models_page_get_rows (cm_window_get_models_page (window)), i);

      g_assert_cmpstr (cm_group_item_get_key2 (item), ==, "bedrock");
    }
  show_view ("users");
  for (guint i = 0; i < n_rows (cm_users_page_get_rows (cm_window_get_users_page (window))); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (cm_users_page_get_rows (cm_window_get_users_page (window)), i);

      g_assert_cmpint (cm_group_item_get_backend_cost (item, CM_BACKEND_ANTHROPIC), ==, 0);
      g_assert_cmpint (cm_group_item_get_backend_cost (item, CM_BACKEND_VERTEX), ==, 0);
    }
  show_view ("sessions");
  g_assert_cmpuint (n_rows (cm_sessions_page_get_rows (cm_window_get_sessions_page (window))), <, all_sessions);
  show_view ("overview");

  cm_filter_bar_reset_models (bar);
  wait_for_filter ();
  g_assert_cmpstr (range_card_text (), ==, full);

  /* A custom range of two days: the chart shows two days, the card their sum. */
  cm_filter_set_since (filter, "2026-09-05");
  cm_filter_set_until (filter, "2026-09-06");
  cm_filter_set_date_range (filter, "custom");
  wait_for_filter ();
  {
    JsonObject *days = json_object_get_object_member (expected, "days");
    double usd = 0;
    g_autofree char *want = NULL;

    for (guint d = 5; d <= 6; d++)
      {
        g_autofree char *day = g_strdup_printf ("2026-09-%02u", d);
        JsonObject *per_model = json_object_get_object_member (days, day);
        g_autoptr(GList) names = json_object_get_members (per_model);

        for (GList *l = names; l != NULL; l = l->next)
          usd += json_object_get_double_member (json_object_get_object_member (per_model, l->data), "cost");
      }
    want = cm_format_money (cm_test_window_usd_to_money (usd));
    g_assert_cmpstr (range_card_text (), ==, want);
    g_assert_cmpuint (cm_cost_chart_get_n_days (cm_overview_page_get_chart (overview)), <=, 2);
  }

  /* A project substring: every session shown is in such a project. */
  cm_filter_set_date_range (filter, "all");
  {
    g_autoptr(CmSessionItem) session = g_list_model_get_item (cm_report_get_sessions (report), 0);
    g_autofree char *needle = g_path_get_basename (cm_session_item_get_project (session));
    GListModel *sessions = cm_sessions_page_get_rows (cm_window_get_sessions_page (window));

    show_view ("sessions");
    gtk_editable_set_text (GTK_EDITABLE (cm_filter_bar_get_project_entry (bar)), needle);
    /* GtkSearchEntry waits a moment before it reports the text. */
    while (g_strcmp0 (cm_filter_get_project (filter), needle) != 0)
      g_main_context_iteration (NULL, TRUE);
    wait_for_filter ();
    g_assert_cmpuint (n_rows (sessions), >, 0);
    for (guint i = 0; i < n_rows (sessions); i++)
      {
        g_autoptr(CmSessionItem) s = g_list_model_get_item (sessions, i);

        g_assert_nonnull (strstr (cm_session_item_get_project (s), needle));
      }
    gtk_editable_set_text (GTK_EDITABLE (cm_filter_bar_get_project_entry (bar)), "");
    while (cm_filter_get_project (filter) != NULL)
      g_main_context_iteration (NULL, TRUE);
    wait_for_filter ();
  }
  show_view ("overview");
  g_assert_cmpstr (range_card_text (), ==, full);
}

static void
assert_sessions_by_cost (GListModel *rows)
{
  CmMoney previous = G_MAXINT64;

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmSessionItem) item = g_list_model_get_item (rows, i);
      CmMoney cost = cm_session_item_get_totals (item)->cost;

      g_assert_cmpint (cost, <=, previous);
      previous = cost;
    }
}

/* The top session's start, as its cell says it. */
static char *
top_session_start (GListModel *rows)
{
  g_autoptr(CmSessionItem) top = g_list_model_get_item (rows, 0);

  return cm_columns_format (G_OBJECT (top), "start-ms", CM_COLUMN_TIME);
}

/* The starts of the first sessions, as their cells say them. */
static GStrv
first_session_starts (GListModel *rows)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; i < MIN (5, g_list_model_get_n_items (rows)); i++)
    {
      g_autoptr(CmSessionItem) item = g_list_model_get_item (rows, i);
      g_autofree char *start = cm_columns_format (G_OBJECT (item), "start-ms", CM_COLUMN_TIME);

      g_strv_builder_add (builder, start);
    }

  return g_strv_builder_end (builder);
}

/* A filter change refills the sessions in place: the cells on screen say
 * what the new items hold, and a sorted list sorts again. */
static void
test_sessions_refill (void)
{
  CmSessionsPage *page = cm_window_get_sessions_page (window);
  GtkColumnView *view = cm_table_page_get_view (cm_sessions_page_get_table (page));
  GListModel *rows = cm_sessions_page_get_rows (page);
  CmFilterBar *bar = cm_window_get_filter_bar (window);
  GListModel *columns = gtk_column_view_get_columns (view);
  g_autoptr(GtkColumnViewColumn) cost_column = NULL;
  g_autofree char *all_top = NULL;
  g_autofree char *bedrock_top = NULL;
  g_autofree char *want_bedrock = cm_format_money (cm_test_window_usd_to_money (expected_cost ("backend", "bedrock")));
  g_autofree char *sum = NULL;
  g_auto(GStrv) before = NULL;
  g_auto(GStrv) after = NULL;
  guint all;

  show_view ("sessions");

  /* In the report's order (newest first): the rows on screen stay and
   * their cells follow their refilled items. */
  before = first_session_starts (rows);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_ANTHROPIC), FALSE);
  wait_for_filter ();
  after = first_session_starts (rows);
  g_assert_false (g_strv_equal ((const char * const *) before, (const char * const *) after));
  for (guint i = 0; after[i] != NULL; i++)
    g_assert_true (cm_test_window_find_label (GTK_WIDGET (view), after[i]));
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_ANTHROPIC), TRUE);
  wait_for_filter ();

  for (guint i = 0; i < g_list_model_get_n_items (columns) && cost_column == NULL; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (column), "cm-property"), "cost") == 0)
        cost_column = g_steal_pointer (&column);
    }
  g_assert_nonnull (cost_column);
  /* Biggest first: descending, as the arrow then says. */
  gtk_column_view_sort_by_column (view, cost_column, GTK_SORT_DESCENDING);
  cm_test_window_iterate (100);
  all = g_list_model_get_n_items (rows);
  assert_sessions_by_cost (rows);
  all_top = top_session_start (rows);
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (view), all_top));

  /* Bedrock only: fewer sessions, still by cost, and the top row's cells
   * show the new top session. */
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_ANTHROPIC), FALSE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_VERTEX), FALSE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_UNKNOWN), FALSE);
  wait_for_filter ();
  g_assert_cmpuint (g_list_model_get_n_items (rows), <, all);
  sum = cm_format_money (model_cost_sum (rows));
  g_assert_cmpstr (sum, ==, want_bedrock);
  assert_sessions_by_cost (rows);
  bedrock_top = top_session_start (rows);
  g_assert_cmpstr (bedrock_top, !=, all_top);
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (view), bedrock_top));
  cm_test_window_save_png (GTK_WIDGET (window), "window-sessions-bedrock-by-cost.png");

  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_ANTHROPIC), TRUE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_VERTEX), TRUE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_UNKNOWN), TRUE);
  wait_for_filter ();
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, all);
  assert_sessions_by_cost (rows);
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (view), all_top));

  gtk_column_view_sort_by_column (view, NULL, GTK_SORT_ASCENDING);
  show_view ("overview");
}

/* Views not on screen say their rows are out of date until they show. */
static void
test_updating (void)
{
  CmReport *report = cm_window_get_report (window);
  CmFilterBar *bar = cm_window_get_filter_bar (window);
  CmTablePage *models = cm_models_page_get_table (cm_window_get_models_page (window));
  CmTablePage *users = cm_users_page_get_table (cm_window_get_users_page (window));
  CmTablePage *sessions = cm_sessions_page_get_table (cm_window_get_sessions_page (window));

  show_view ("overview");
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_VERTEX), FALSE);
  wait_for_filter ();
  g_assert_cmpuint (cm_report_get_stale (report), ==, CM_SECTION_ALL & ~CM_SECTION_OVERVIEW);
  g_assert_cmpstr (cm_table_page_get_summary (models), ==, _("Updating…"));
  g_assert_cmpstr (cm_table_page_get_summary (users), ==, _("Updating…"));
  g_assert_cmpstr (cm_table_page_get_summary (sessions), ==, _("Updating…"));

  show_view ("models");
  g_assert_true (g_str_has_suffix (cm_table_page_get_summary (models), " rows"));
  g_assert_cmpstr (cm_table_page_get_summary (users), ==, _("Updating…"));
  show_view ("users");
  g_assert_true (g_str_has_suffix (cm_table_page_get_summary (users), " users"));

  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_VERTEX), TRUE);
  wait_for_filter ();
  show_view ("overview");
}

/* The Models row of @model, or NULL. */
static CmGroupItem *
find_model_row (const char *model)
{
  GListModel *rows = cm_models_page_get_rows (cm_window_get_models_page (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (cm_group_item_get_key (item), model) == 0)
        return g_steal_pointer (&item);
    }

  return NULL;
}

/* What the Users and Sessions views add up to, each read as it is shown. */
static CmMoney
users_cost (void)
{
  show_view ("users");
  return model_cost_sum (cm_users_page_get_rows (cm_window_get_users_page (window)));
}

static CmMoney
sessions_cost (void)
{
  show_view ("sessions");
  return model_cost_sum (cm_sessions_page_get_rows (cm_window_get_sessions_page (window)));
}

static void
reload_prices (GtkWindow *prefs)
{
  guint serial = cm_report_get_serial (cm_window_get_report (window));

  gtk_widget_activate_action (GTK_WIDGET (prefs), "prefs.reload-pricing", NULL);
  cm_test_window_wait_report (app, serial);
}

/* Preferences › Reload prices: stored history is priced again and every
 * view shows it. */
static void
test_pricing_reload (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_config_dir (), "costmeter", NULL);
  g_autofree char *override = g_build_filename (dir, "pricing.json", NULL);
  g_autofree char *json = NULL;
  g_autofree char *model = NULL;
  g_autoptr(CmGroupItem) before = NULL;
  g_autoptr(CmGroupItem) after = NULL;
  g_autoptr(CmGroupItem) restored = NULL;
  GtkWindow *prefs = NULL;
  CmMoney total_before;
  CmMoney users_before;
  CmMoney sessions_before;

  show_view ("models");
  before = g_list_model_get_item (cm_models_page_get_rows (cm_window_get_models_page (window)), 0);
  model = g_strdup (cm_group_item_get_key (before));
  total_before = range_totals ()->cost;
  users_before = users_cost ();
  sessions_before = sessions_cost ();
  g_assert_cmpint (users_before, ==, total_before);
  g_assert_cmpint (sessions_before, ==, total_before);

  g_action_group_activate_action (G_ACTION_GROUP (app), "preferences", NULL);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (app)); l != NULL; l = l->next)
    {
      if (CM_IS_PREFERENCES_WINDOW (l->data))
        prefs = l->data;
    }
  g_assert_nonnull (prefs);

  /* Far dearer rates for the costliest model. */
  json = g_strdup_printf ("{\"models\": {\"%s\": {\"input\": 900, \"output\": 900, \"cache_write_5m\": 900,"
                          " \"cache_write_1h\": 900, \"cache_read\": 900}}}", model);
  g_assert_cmpint (g_mkdir_with_parents (dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (override, json, -1, NULL));
  reload_prices (prefs);

  show_view ("models");
  after = find_model_row (model);
  g_assert_nonnull (after);
  g_assert_cmpint (cm_group_item_get_cost (after), >, 2 * cm_group_item_get_cost (before));
  g_assert_cmpint (range_totals ()->cost, >, total_before);
  g_assert_cmpint (users_cost (), ==, range_totals ()->cost);
  g_assert_cmpint (sessions_cost (), ==, range_totals ()->cost);

  /* Back to the shipped table: the figures are as they were. */
  g_assert_cmpint (g_unlink (override), ==, 0);
  reload_prices (prefs);
  show_view ("models");
  restored = find_model_row (model);
  g_assert_cmpint (cm_group_item_get_cost (restored), ==, cm_group_item_get_cost (before));
  g_assert_cmpint (range_totals ()->cost, ==, total_before);
  g_assert_cmpint (users_cost (), ==, users_before);
  g_assert_cmpint (sessions_cost (), ==, sessions_before);

  gtk_window_destroy (prefs);
  show_view ("overview");
}

static void
test_export (void)
{
  const char *views[] = { "overview", "models", "users", "sessions" };

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    {
      g_autofree char *name = NULL;
      g_autofree char *json = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autoptr(GError) error = NULL;
      guint expect_rows;

      show_view (views[i]);
      json = cm_window_dup_export (window, CM_EXPORT_FORMAT_JSON, &name);
      g_assert_true (g_str_has_suffix (name, ".json"));
      json_parser_load_from_data (parser, json, -1, &error);
      g_assert_no_error (error);

      if (i == 0)
        expect_rows = 4;
      else if (i == 1)
        expect_rows = n_rows (cm_models_page_get_rows (cm_window_get_models_page (window)));
      else if (i == 2)
        expect_rows = n_rows (cm_users_page_get_rows (cm_window_get_users_page (window)));
      else
        expect_rows = n_rows (cm_sessions_page_get_rows (cm_window_get_sessions_page (window)));
      g_assert_cmpuint (json_array_get_length (json_node_get_array (json_parser_get_root (parser))), ==,
                        expect_rows);
    }
}

static void
test_narrow (void)
{
  GtkWidget *chip = cm_test_window_find_type (GTK_WIDGET (window), CM_TYPE_RATELIMIT_CHIP);
  int width;

  g_assert_nonnull (chip);
  g_assert_false (cm_ratelimit_chip_get_compact (CM_RATELIMIT_CHIP (chip)));
  g_assert_true (cm_test_window_find_label (cm_ratelimit_chip_get_shown (CM_RATELIMIT_CHIP (chip)), "Rate Limits"));

  cm_window_set_view (window, "overview");
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
  cm_test_window_iterate (300);
  /* On a loaded machine the X server's answer to an earlier resize can
   * come after this one and set the old size again: ask again. */
  for (int i = 0; i < 50 && gtk_widget_get_width (GTK_WIDGET (window)) > 600; i++)
    {
      gtk_window_set_default_size (GTK_WINDOW (window), 600, 800);
      cm_test_window_iterate (100);
    }

  /* Everything fits 600 px: the window is not forced wider. */
  width = gtk_widget_get_width (GTK_WIDGET (window));
  g_assert_cmpint (width, <=, 600);
  cm_test_window_save_png (GTK_WIDGET (window), "window-narrow-overview.png");
  cm_window_set_view (window, "users");
  cm_test_window_save_png (GTK_WIDGET (window), "window-narrow-users.png");

  /* The rate-limit chip says less rather than "…": its icon (and the
   * headroom's percentage once a probe saw one). */
  g_assert_true (cm_ratelimit_chip_get_compact (CM_RATELIMIT_CHIP (chip)));
  g_assert_false (cm_test_window_find_label (cm_ratelimit_chip_get_shown (CM_RATELIMIT_CHIP (chip)), "Rate Limits"));
  g_assert_nonnull (cm_test_window_find_type (cm_ratelimit_chip_get_shown (CM_RATELIMIT_CHIP (chip)), GTK_TYPE_IMAGE));

  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 900);
  cm_test_window_iterate (300);
  g_assert_false (cm_ratelimit_chip_get_compact (CM_RATELIMIT_CHIP (chip)));
}

static void
test_dark (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();

  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  cm_test_window_iterate (200);
  g_assert_true (adw_style_manager_get_dark (style));
  cm_window_set_view (window, "overview");
  cm_test_window_save_png (GTK_WIDGET (window), "window-dark-overview.png");
  cm_window_set_view (window, "models");
  cm_test_window_save_png (GTK_WIDGET (window), "window-dark-models.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  cm_test_window_iterate (100);
}

static void
test_shortcuts (void)
{
  GtkWindow *overlay;

  /* Ctrl+2 and friends are window actions. */
  gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", "users");
  g_assert_cmpstr (cm_window_get_view (window), ==, "users");

  g_action_group_activate_action (G_ACTION_GROUP (app), "shortcuts", NULL);
  cm_test_window_iterate (100);
  overlay = GTK_WINDOW (gtk_application_window_get_help_overlay (GTK_APPLICATION_WINDOW (window)));
  g_assert_nonnull (overlay);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (overlay)));
  cm_test_window_save_png (GTK_WIDGET (overlay), "window-shortcuts.png");
  gtk_window_close (overlay);
  cm_test_window_iterate (50);
}

/* Run by the window-de test, with LANGUAGE=de and the build's catalogs. */
static void
test_german (void)
{
  if (g_strcmp0 (g_getenv ("LANGUAGE"), "de") != 0)
    {
      g_test_skip ("runs under LANGUAGE=de (the window-de test)");
      return;
    }

  /* glibc ignores LANGUAGE in the plain C locale, not in C.UTF-8, which
   * glibc 2.35+ has built in: no generated locale is needed, so a C locale
   * here is a broken set-up, not a reason to skip. */
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), !=, "C");
  g_assert_cmpstr (setlocale (LC_MESSAGES, NULL), !=, "POSIX");

  g_assert_cmpstr (_("Cost per day"), ==, "Kosten pro Tag");
  show_view ("overview");
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (window), "Nach Backend"));
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (window), "Kosten pro Tag"));
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (window), "Gewählter Zeitraum"));
  g_assert_false (cm_test_window_find_label (GTK_WIDGET (window), "By backend"));
  cm_test_window_save_png (GTK_WIDGET (window), "window-de.png");
}

/* A second instance on a copy of one home: new lines show within 2 s, and an
 * empty folder shows where it looked. @cap bounds its folder monitors (0:
 * the default). */
/* An assistant line of @contents made a new message: its ids carry @tag. */
static char *
new_assistant_line (const char *contents,
                    const char *tag)
{
  g_auto(GStrv) lines = g_strsplit (contents, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "\"type\":\"assistant\"") && strstr (lines[i], "\"id\":\"msg_") &&
        strstr (lines[i], "\"requestId\":\""))
      {
        g_autoptr(GString) s = g_string_new (lines[i]);
        g_autofree char *id = g_strdup_printf ("\"id\":\"msg_%s", tag);
        g_autofree char *request = g_strdup_printf ("\"requestId\":\"req_%s", tag);

        g_string_replace (s, "\"id\":\"msg_", id, 1);
        g_string_replace (s, "\"requestId\":\"", request, 1);
        g_string_append_c (s, '\n');
        return g_string_free (g_steal_pointer (&s), FALSE);
      }

  g_assert_not_reached ();
}

static gint64
range_messages (CmApplication *application)
{
  CmReport *report = cm_application_get_report (application);

  return cm_group_item_get_totals (cm_report_get_totals (report, CM_PERIOD_RANGE))->messages;
}

/* Runs the main loop until @application counts @want messages; returns how
 * long that took (failing after 10 s). The scan that brought them has ended
 * when it returns: the views follow the store, which may come first. */
static gint64
wait_for_messages (CmApplication *application,
                   gint64         want)
{
  gint64 start = g_get_monotonic_time ();
  gint64 shown;

  while (range_messages (application) != want)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    }
  shown = g_get_monotonic_time () - start;

  while (cm_application_get_scanning (application))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
    }

  return shown;
}

static void
test_live_updates (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("live");
  g_autofree char *src = g_build_filename (cm_test_fixtures_dir (), "corpus", "user1", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s/'", src, dir);
  g_autofree char *find = g_strdup_printf ("find '%s' -name '*.jsonl' -size +1k", dir);
  g_autofree char *files = NULL;
  g_autofree char *path = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *line = NULL;
  g_autofree char *line_off = NULL;
  CmApplication *other;
  gint64 before, elapsed;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_assert_true (g_spawn_command_line_sync (find, &files, NULL, NULL, NULL));
  path = g_strndup (files, strcspn (files, "\n"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));

  other = cm_test_window_start_app (dir, APP_ID ".TestLive", 0);
  before = range_messages (other);
  g_assert_cmpint (before, >, 0);
  /* The folder monitors are set up from a worker after the first scan. */
  cm_test_window_iterate (500);

  line = new_assistant_line (contents, "window_live");
  cm_test_append_file (path, line);
  elapsed = wait_for_messages (other, before + 1);
  g_test_message ("new line shown after %.0f ms", elapsed / 1000.0);
  g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
  /* Only the file the monitor named was looked at, not the whole history. */
  g_assert_cmpuint (cm_application_get_last_files_seen (other), ==, 1);

  /* Turned off, a new line is not read; on again, one full scan catches up. */
  g_settings_set_boolean (cm_application_get_settings (other), "live-updates", FALSE);
  line_off = new_assistant_line (contents, "window_live_off");
  cm_test_append_file (path, line_off);
  cm_test_window_iterate (1000);
  g_assert_cmpint (range_messages (other), ==, before + 1);
  g_settings_set_boolean (cm_application_get_settings (other), "live-updates", TRUE);
  wait_for_messages (other, before + 2);
  g_assert_cmpuint (cm_application_get_last_files_seen (other), >, 1);

  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (other)));
  cm_test_window_iterate (50);
}

/* Runs the main loop until the last scan of @application looked at @want
 * files (failing after 10 s). */
static void
wait_for_files_seen (CmApplication *application,
                     guint          want)
{
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;

  while (cm_application_get_last_files_seen (application) != want)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

/* A new line (from @contents) written to @written, then @from moved to
 * @to: a live update that looks at that one file counts it. */
static void
write_then_move (CmApplication *application,
                 const char    *contents,
                 const char    *written,
                 const char    *from,
                 const char    *to,
                 gint64         want)
{
  g_autofree char *tag = g_path_get_basename (to);
  g_autofree char *line = new_assistant_line (contents, g_strdelimit (tag, ".-", '_'));

  cm_test_write_file (written, line, -1);
  g_assert_cmpint (g_rename (from, to), ==, 0);
  wait_for_messages (application, want);
  g_assert_cmpuint (cm_application_get_last_files_seen (application), ==, 1);
}

/* What a monitor names is what is read: a session folder moved in is
 * walked, a transcript renamed into place is read by its new name (as sync
 * tools write them), and more changes than a live update takes make one
 * full walk. */
static void
test_live_updates_named (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("named");
  g_autofree char *staging = cm_test_make_tmpdir ("named-staging");
  g_autofree char *src = g_build_filename (cm_test_fixtures_dir (), "corpus", "user1", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s/'", src, dir);
  g_autofree char *find_project = g_strdup_printf ("find '%s/user1/.claude/projects' -mindepth 1 -maxdepth 1 -type d", dir);
  g_autofree char *find_fixture = g_strdup_printf ("find '%s' -name '*.jsonl' -size +1k", src);
  g_autofree char *find_all = g_strdup_printf ("find '%s' -name '*.jsonl'", dir);
  g_autofree char *projects = NULL;
  g_autofree char *project = NULL;
  g_autofree char *fixtures = NULL;
  g_autofree char *fixture = NULL;
  g_autofree char *contents = NULL;
  g_autofree char *all = NULL;
  CmApplication *other;
  CmFolderWatch *watch;
  gint64 before;
  guint n_files = 0;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_assert_true (g_spawn_command_line_sync (find_project, &projects, NULL, NULL, NULL));
  project = g_strndup (projects, strcspn (projects, "\n"));
  g_assert_true (g_spawn_command_line_sync (find_fixture, &fixtures, NULL, NULL, NULL));
  fixture = g_strndup (fixtures, strcspn (fixtures, "\n"));
  g_assert_true (g_file_get_contents (fixture, &contents, NULL, NULL));

  other = cm_test_window_start_app (dir, APP_ID ".TestLiveNamed", 0);
  watch = cm_application_get_folder_watch (other);
  before = range_messages (other);
  g_assert_cmpint (before, >, 0);
  /* The folder monitors are set up from a worker after the first scan. */
  cm_test_window_iterate (500);

  /* Made elsewhere, then moved in whole: no monitor saw its file written. */
  {
    g_autofree char *session = g_build_filename (staging, "session-moved", NULL);
    g_autofree char *agent = g_build_filename (session, "subagents", "agent-moved.jsonl", NULL);
    g_autofree char *moved = g_build_filename (project, "session-moved", NULL);

    write_then_move (other, contents, agent, session, moved, before + 1);
  }

  /* Written under a temporary name, then renamed into place. */
  {
    g_autofree char *tmp = g_build_filename (project, ".renamed.jsonl.tmp", NULL);
    g_autofree char *renamed = g_build_filename (project, "renamed.jsonl", NULL);

    write_then_move (other, contents, tmp, tmp, renamed, before + 2);
  }

  /* More than 1000 paths at once: every file is looked at. */
  g_assert_true (g_spawn_command_line_sync (find_all, &all, NULL, NULL, NULL));
  for (const char *p = all; (p = strchr (p, '\n')) != NULL; p++)
    n_files++;
  g_assert_cmpuint (n_files, >, 1);
  for (guint i = 0; i <= 1000; i++)
    {
      g_autofree char *name = g_strdup_printf ("overflow-%u.jsonl", i);
      g_autofree char *path = g_build_filename (project, name, NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);

      g_signal_emit_by_name (watch, "changed", file);
    }
  wait_for_files_seen (other, n_files);

  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (other)));
  cm_test_window_iterate (50);
}

#define MANY_SESSIONS 24
#define MANY_CAP      8

static void
set_mtime (const char *path,
           gint64      seconds)
{
  struct utimbuf times = { .actime = seconds, .modtime = seconds };

  g_assert_cmpint (g_utime (path, &times), ==, 0);
}

/* More session folders than monitors: the most recently active ones are
 * watched, the others are read by the periodic rescan. */
static void
test_live_updates_many_folders (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("many");
  g_autofree char *project = g_build_filename (dir, "user1", ".claude", "projects", "-home-user1-src-many", NULL);
  g_autofree char *fixture = NULL;
  g_autofree char *find = g_strdup_printf ("find '%s/corpus/user1' -name '*.jsonl' -size +1k",
                                           cm_test_fixtures_dir ());
  g_autofree char *files = NULL;
  g_autofree char *contents = NULL;
  char *agents[MANY_SESSIONS];
  char *subagents[MANY_SESSIONS];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  CmApplication *other;
  CmFolderWatch *watch;
  gint64 before, elapsed, deadline;

  g_assert_true (g_spawn_command_line_sync (find, &files, NULL, NULL, NULL));
  fixture = g_strndup (files, strcspn (files, "\n"));
  g_assert_true (g_file_get_contents (fixture, &contents, NULL, NULL));

  /* Session k was last active k + 1 hours ago. */
  for (guint k = 0; k < MANY_SESSIONS; k++)
    {
      g_autofree char *session = g_strdup_printf ("%s/session-%02u", project, k);
      g_autofree char *tag = g_strdup_printf ("many_%02u", k);
      g_autofree char *line = new_assistant_line (contents, tag);

      subagents[k] = g_build_filename (session, "subagents", NULL);
      agents[k] = g_strdup_printf ("%s/agent-%02u.jsonl", subagents[k], k);
      cm_test_write_file (agents[k], line, -1);
      set_mtime (agents[k], now - (k + 1) * 3600);
      set_mtime (subagents[k], now - (k + 1) * 3600);
      set_mtime (session, now - (k + 1) * 3600);
    }

  other = cm_test_window_start_app (dir, APP_ID ".TestLiveMany", MANY_CAP);
  watch = cm_application_get_folder_watch (other);
  before = range_messages (other);
  g_assert_cmpint (before, ==, MANY_SESSIONS);

  /* The walk runs on a worker after the first scan. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (cm_application_get_periodic_rescan_interval (other) == 0)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_cmpuint (cm_folder_watch_get_n_watched (watch), ==, MANY_CAP);
  g_assert_cmpuint (cm_folder_watch_get_n_left_out (watch), ==, 2 + 2 * MANY_SESSIONS - MANY_CAP);
  g_assert_cmpuint (cm_application_get_periodic_rescan_interval (other), >=, 60);
  /* The root and the project folder, then the newest sessions. */
  g_assert_true (cm_folder_watch_is_watching (watch, project));
  g_assert_true (cm_folder_watch_is_watching (watch, subagents[0]));
  g_assert_true (cm_folder_watch_is_watching (watch, subagents[2]));
  g_assert_false (cm_folder_watch_is_watching (watch, subagents[3]));
  g_assert_false (cm_folder_watch_is_watching (watch, subagents[MANY_SESSIONS - 1]));

  /* A watched folder: within 2 s. */
  {
    g_autofree char *line = new_assistant_line (contents, "many_watched");

    cm_test_append_file (agents[0], line);
    elapsed = wait_for_messages (other, before + 1);
    g_test_message ("line in a watched folder shown after %.0f ms", elapsed / 1000.0);
    g_assert_cmpint (elapsed, <, 2 * G_USEC_PER_SEC);
  }

  /* An unwatched one: no monitor sees it (a rescan would have read it by
   * then), the periodic rescan does. */
  {
    g_autofree char *line = new_assistant_line (contents, "many_unwatched");

    cm_test_append_file (agents[MANY_SESSIONS - 1], line);
    cm_test_window_iterate (1500);
    g_assert_cmpint (range_messages (other), ==, before + 1);
    g_assert_false (cm_application_get_scanning (other));

    cm_application_run_periodic_rescan (other);
    wait_for_messages (other, before + 2);
  }

  /* It became active: it takes the place of a quieter folder. */
  deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (!cm_folder_watch_is_watching (watch, subagents[MANY_SESSIONS - 1]))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  g_assert_true (cm_folder_watch_is_watching (watch, subagents[0]));
  g_assert_cmpuint (cm_folder_watch_get_n_watched (watch), ==, MANY_CAP);
  g_assert_cmpuint (cm_folder_watch_get_n_peak (watch), <=, MANY_CAP);

  for (guint k = 0; k < MANY_SESSIONS; k++)
    {
      g_free (agents[k]);
      g_free (subagents[k]);
    }
  gtk_window_destroy (gtk_application_get_active_window (GTK_APPLICATION (other)));
  cm_test_window_iterate (50);
}

static void
test_empty_state (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("empty");
  CmApplication *other = cm_test_window_start_app (dir, APP_ID ".TestEmpty", 0);
  CmWindow *empty_window = CM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (other)));

  g_assert_cmpstr (cm_window_get_state (empty_window), ==, "empty");
  /* It says where it looked and how to add a folder. */
  g_assert_nonnull (strstr (cm_window_get_empty_text (empty_window), dir));
  g_assert_nonnull (strstr (cm_window_get_empty_text (empty_window), "Add a folder"));
  cm_test_window_save_png (GTK_WIDGET (empty_window), "window-empty.png");

  gtk_window_destroy (GTK_WINDOW (empty_window));
  cm_test_window_iterate (50);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;
  g_autofree char *expected_path = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  int ret;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  /* As main.c does; the application binds the text domain, to the build
   * folder's catalogs when $COSTMETER_LOCALEDIR says so (window-de). */
  setlocale (LC_ALL, "");
  gtk_test_init (&argc, &argv, NULL);
  cm_test_window_isolate_home ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  expected_path = g_build_filename (cm_test_fixtures_dir (), "expected-utc.json", NULL);
  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  expected = json_node_get_object (json_parser_get_root (parser));

  /* What `costmeter --demo` does: the corpus, a throw-away database. */
  app = cm_test_window_start_app (corpus, APP_ID, 0);
  window = CM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  g_assert_nonnull (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 900);
  cm_test_window_iterate (300);

  g_test_add_func ("/window/german", test_german);
  g_test_add_func ("/window/overview", test_overview);
  g_test_add_func ("/window/models", test_models);
  g_test_add_func ("/window/users", test_users);
  g_test_add_func ("/window/users-sorted", test_users_sorted);
  g_test_add_func ("/window/sessions", test_sessions);
  g_test_add_func ("/window/filters", test_filters);
  g_test_add_func ("/window/sessions-refill", test_sessions_refill);
  g_test_add_func ("/window/updating", test_updating);
  g_test_add_func ("/window/export", test_export);
  g_test_add_func ("/window/narrow", test_narrow);
  g_test_add_func ("/window/dark", test_dark);
  g_test_add_func ("/window/shortcuts", test_shortcuts);
  g_test_add_func ("/window/live-updates", test_live_updates);
  g_test_add_func ("/window/live-updates-many-folders", test_live_updates_many_folders);
  g_test_add_func ("/window/live-updates-named", test_live_updates_named);
  g_test_add_func ("/window/empty-state", test_empty_state);
  g_test_add_func ("/window/pricing-reload", test_pricing_reload);

  ret = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  cm_test_window_iterate (50);

  return ret;
}
