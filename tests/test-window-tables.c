/* test-window-tables.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Tables that add up: every table ends with a Total row equal to the
 * Overview's total for the same filter; one number format; "—" where a
 * figure cannot be given (no price, no input) with the reason on hover.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "cm-columns.h"
#include "cm-format.h"
#include "cm-message-item.h"
#include "cm-session-item.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;

static const CmTotals *
range_totals (void)
{
  return cm_group_item_get_totals (cm_report_get_totals (cm_window_get_report (window), CM_PERIOD_RANGE));
}

static const CmTotals *
totals_of (GObject *item)
{
  if (CM_IS_GROUP_ITEM (item))
    return cm_group_item_get_totals (CM_GROUP_ITEM (item));
  if (CM_IS_SESSION_ITEM (item))
    return cm_session_item_get_totals (CM_SESSION_ITEM (item));

  g_assert_not_reached ();
}

/* @table's Total row: marked, the sum of its rows, and what the Overview
 * says for the same filter. */
static void
assert_total (CmTablePage *table,
              const char  *name)
{
  g_autoptr(GObject) total = cm_table_page_get_total (table);
  GListModel *rows = cm_table_page_get_rows (table);
  const CmTotals *t, *range = range_totals ();
  CmTotals sum = { 0 };
  gboolean is_total = FALSE;

  g_test_message ("%s: %u rows", name, g_list_model_get_n_items (rows));
  g_assert_nonnull (total);
  g_object_get (total, "total", &is_total, NULL);
  g_assert_true (is_total);
  t = totals_of (total);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (rows, i);

      cm_totals_add (&sum, totals_of (row));
    }

  g_assert_cmpint (t->cost, ==, sum.cost);
  g_assert_cmpint (t->messages, ==, sum.messages);
  g_assert_cmpint (t->cost, ==, range->cost);
  g_assert_cmpint (t->messages, ==, range->messages);
  g_assert_cmpint (t->unpriced, ==, range->unpriced);
  g_assert_cmpint (t->input, ==, range->input);
  g_assert_cmpint (t->cache_read, ==, range->cache_read);

  /* Shown as the last row, named "Total". */
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (table), "Total"));
  {
    GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (cm_table_page_get_view (table)));
    g_autoptr(GObject) last = g_list_model_get_item (shown, g_list_model_get_n_items (shown) - 1);

    g_assert_true (last == total);
  }
}

static void
assert_all_totals (const char *filter)
{
  struct { const char *view; CmTablePage *table; } tables[] = {
    { "models", cm_models_page_get_table (cm_window_get_models_page (window)) },
    { "users", cm_users_page_get_table (cm_window_get_users_page (window)) },
    { "sessions", cm_sessions_page_get_table (cm_window_get_sessions_page (window)) },
  };

  g_test_message ("filter: %s, range %" G_GINT64_FORMAT " messages", filter, range_totals ()->messages);
  g_assert_cmpint (range_totals ()->messages, >, 0);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *name = g_strdup_printf ("%s (%s)", tables[i].view, filter);

      cm_test_window_show_view (app, tables[i].view);
      assert_total (tables[i].table, name);
    }
  cm_test_window_show_view (app, "overview");
}

/* Under three filters, every table's Total row is the Overview's total. */
static void
test_totals (void)
{
  CmFilter *filter = cm_report_get_filter (cm_window_get_report (window));
  CmFilterBar *bar = cm_window_get_filter_bar (window);
  const char *some[] = { "claude-opus-4-1-20250805", "glm-4.6", NULL };

  cm_test_window_show_view (app, "overview");
  assert_all_totals ("all");

  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_ANTHROPIC), FALSE);
  gtk_check_button_set_active (cm_filter_bar_get_backend_check (bar, CM_BACKEND_VERTEX), FALSE);
  cm_test_window_wait_filter (app);
  assert_all_totals ("bedrock and unclassified");
  cm_filter_bar_reset_models (bar);
  cm_test_window_wait_filter (app);

  cm_filter_set_models (filter, some);
  cm_filter_set_project (filter, "website");
  cm_test_window_wait_filter (app);
  assert_all_totals ("two models, one project");
  cm_test_window_save_png (GTK_WIDGET (window), "tables-total.png");
  cm_filter_reset (filter);
  cm_test_window_wait_filter (app);
}

/* A session's messages end with their Total, the session's figures. */
static void
test_session_total (void)
{
  CmSessionsPage *page = cm_window_get_sessions_page (window);
  CmSessionDetail *detail = cm_sessions_page_get_detail (page);
  GListModel *shown;
  g_autoptr(CmSessionItem) session = NULL;
  g_autoptr(CmMessageItem) total = NULL;
  gint64 cost = 0, messages = 0;
  gboolean is_total = FALSE;

  cm_test_window_show_view (app, "sessions");
  session = g_list_model_get_item (cm_sessions_page_get_rows (page), 0);
  cm_sessions_page_open (page, 0);
  while (cm_session_detail_get_loading (detail))
    g_main_context_iteration (NULL, TRUE);
  cm_test_window_iterate (100);

  shown = G_LIST_MODEL (gtk_column_view_get_model (cm_session_detail_get_view (detail)));
  g_assert_cmpuint (g_list_model_get_n_items (shown), ==,
                    g_list_model_get_n_items (cm_session_detail_get_rows (detail)) + 1);
  total = g_list_model_get_item (shown, g_list_model_get_n_items (shown) - 1);
  g_object_get (total, "total", &is_total, "cost", &cost, "messages", &messages, NULL);
  g_assert_true (is_total);
  g_assert_cmpint (cost, ==, cm_session_item_get_totals (session)->cost);
  g_assert_cmpint (messages, ==, cm_session_item_get_totals (session)->messages);
  gtk_widget_activate_action (GTK_WIDGET (detail), "session.back", NULL);
  cm_test_window_show_view (app, "overview");
}

static GtkWidget *
find_label_prefix (GtkWidget  *widget,
                   const char *prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), prefix))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_label_prefix (child, prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* No silent zeros: dollars without a price and ratios without input read
 * "—", and say why. */
static void
test_no_silent_zeros (void)
{
  CmModelsPage *models = cm_window_get_models_page (window);
  GListModel *rows = cm_models_page_get_rows (models);
  CmTotals none = { 0 };
  g_autoptr(CmGroupItem) empty = cm_group_item_new ("x", NULL, NULL, &none);
  CmMessageRow row = { 0 };
  g_autoptr(CmMessageItem) unpriced = NULL;
  g_autofree char *ratio = NULL;
  g_autofree char *cost = NULL;
  double value = 0;
  gboolean found = FALSE;

  /* Undefined: no input at all. */
  g_object_get (empty, "cache-hit-ratio", &value, NULL);
  g_assert_true (isnan (value));
  ratio = cm_columns_format (G_OBJECT (empty), "cache-hit-ratio", CM_COLUMN_RATIO);
  g_assert_cmpstr (ratio, ==, "—");

  /* A message of a model with no price. */
  row.model = (char *) "glm-4.6";
  row.priced = FALSE;
  row.usage.input = 100;
  unpriced = cm_message_item_new (&row);
  cost = cm_columns_format (G_OBJECT (unpriced), "cost", CM_COLUMN_COST);
  g_assert_cmpstr (cost, ==, "—");

  /* In the Models view: the unpriced model's cost is "—", on screen. */
  cm_test_window_show_view (app, "models");
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);
      const CmTotals *t = cm_group_item_get_totals (item);

      if (t->unpriced > 0 && t->cost == 0)
        {
          g_autofree char *text = cm_columns_format (G_OBJECT (item), "cost", CM_COLUMN_COST);

          g_assert_cmpstr (text, ==, "—");
          found = TRUE;
        }
    }
  g_assert_true (found);
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (models), "—"));

  /* Users: the unclassified backend's column is "—" where all its
   * messages are unpriced. */
  cm_test_window_show_view (app, "users");
  found = FALSE;
  for (guint i = 0; i < g_list_model_get_n_items (cm_users_page_get_rows (cm_window_get_users_page (window))); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (cm_users_page_get_rows (cm_window_get_users_page (window)), i);
      gint64 n = 0;

      g_object_get (item, "unpriced-unknown", &n, NULL);
      if (n > 0 && cm_group_item_get_backend_cost (item, CM_BACKEND_UNKNOWN) == 0)
        {
          g_autofree char *text = cm_columns_format (G_OBJECT (item), "cost-unknown", CM_COLUMN_MONEY);

          g_assert_cmpstr (text, ==, "—");
          found = TRUE;
        }
    }
  g_assert_true (found);
  cm_test_window_show_view (app, "overview");
}

/* One format: counts from a thousand up are compact in every column. */
static void
test_number_format (void)
{
  CmModelsPage *models = cm_window_get_models_page (window);
  GListModel *rows = cm_models_page_get_rows (models);
  gboolean seen = FALSE;

  g_autofree char *a = cm_format_compact (999);
  g_autofree char *b = cm_format_compact (1401);
  g_autofree char *c = cm_format_compact (99400);
  g_autofree char *d = cm_format_compact (999960);
  g_assert_cmpstr (a, ==, "999");
  g_assert_cmpstr (b, ==, "1.4K");
  g_assert_cmpstr (c, ==, "99.4K");
  g_assert_cmpstr (d, ==, "1.0M");

  cm_test_window_show_view (app, "models");
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);
      const CmTotals *t = cm_group_item_get_totals (item);
      g_autofree char *input = cm_columns_format (G_OBJECT (item), "input", CM_COLUMN_TOKENS);
      g_autofree char *output = cm_columns_format (G_OBJECT (item), "output", CM_COLUMN_TOKENS);

      /* No "1401" beside "99.4K". */
      if (t->input >= 1000)
        g_assert_nonnull (strchr (input, 'K'));
      if (t->output >= 1000)
        g_assert_nonnull (strchr (output, 'K'));
      seen |= t->input >= 1000 && t->input < 10000;
    }
  g_assert_true (seen);
  g_assert_nonnull (find_label_prefix (GTK_WIDGET (models), "1.4K"));
  cm_test_window_show_view (app, "overview");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  cm_test_window_isolate_home ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  app = cm_test_window_start_app (corpus, APP_ID, 0);
  window = cm_test_window_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 900);
  cm_test_window_iterate (300);

  g_test_add_func ("/window-tables/totals", test_totals);
  g_test_add_func ("/window-tables/session-total", test_session_total);
  g_test_add_func ("/window-tables/no-silent-zeros", test_no_silent_zeros);
  g_test_add_func ("/window-tables/number-format", test_number_format);

  return g_test_run ();
}
