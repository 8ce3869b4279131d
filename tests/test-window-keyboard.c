/* test-window-keyboard.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window with the keyboard alone and as a screen reader sees it: Tab
 * reaches every control in reading order, each with a name; arrow keys move
 * along the chart's bars, which say their value.
 */

#include "config.h"

#include <string.h>

#include "cm-format.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;

/* What Tab does: the window moves the focus to the next widget, from the
 * start again past the last. */
static GtkWidget *
press_tab (void)
{
  if (!gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD))
    {
      gtk_window_set_focus (GTK_WINDOW (window), NULL);
      gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_TAB_FORWARD);
    }
  cm_test_window_iterate (5);

  return gtk_root_get_focus (GTK_ROOT (window));
}

static char *
describe (GtkWidget *widget)
{
  GString *s = g_string_new (G_OBJECT_TYPE_NAME (widget));
  GtkWidget *label = cm_test_window_find_type (widget, GTK_TYPE_LABEL);

  if (label != NULL)
    g_string_append_printf (s, " \"%s\"", gtk_label_get_text (GTK_LABEL (label)));
  for (GtkWidget *p = gtk_widget_get_parent (widget); p != NULL; p = gtk_widget_get_parent (p))
    g_string_append_printf (s, " < %s", G_OBJECT_TYPE_NAME (p));

  return g_string_free (s, FALSE);
}

static gboolean
has_ancestor (GtkWidget *widget,
              GType      type)
{
  return gtk_widget_get_ancestor (widget, type) != NULL;
}

/* 0 the header bar, 1 the filter bar, 2 the view: the order of reading. */
static int
region_of (GtkWidget *widget)
{
  if (has_ancestor (widget, ADW_TYPE_HEADER_BAR))
    return 0;
  if (has_ancestor (widget, CM_TYPE_FILTER_BAR))
    return 1;

  return 2;
}

/* A screen reader has something to say: a label or a labelling widget.
 * The text of an entry is named by the entry. */
static gboolean
has_name (GtkWidget *widget)
{
  if (GTK_IS_TEXT (widget) && GTK_IS_EDITABLE (gtk_widget_get_parent (widget)))
    widget = gtk_widget_get_parent (widget);

  return gtk_test_accessible_has_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL) ||
         gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_RELATION_LABELLED_BY);
}

/* A row of a table (a column view's rows are a list view's). */
static gboolean
is_table_row (GtkWidget *widget)
{
  return has_ancestor (widget, GTK_TYPE_COLUMN_VIEW) && has_ancestor (widget, GTK_TYPE_LIST_VIEW);
}

/* Tab from nothing until the focus comes round again. */
static GPtrArray *
tab_walk (void)
{
  GPtrArray *stops = g_ptr_array_new ();

  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  for (guint i = 0; i < 200; i++)
    {
      GtkWidget *focus = press_tab ();

      g_assert_nonnull (focus);
      if (stops->len > 0 && focus == g_ptr_array_index (stops, 0))
        return stops;
      g_ptr_array_add (stops, focus);
    }

  for (guint i = 0; i < stops->len; i++)
    {
      g_autofree char *text = describe (g_ptr_array_index (stops, i));

      g_test_message ("%u: %s", i, text);
    }
  g_error ("Tab does not come round again");
}

static gboolean
is_labelled (GtkWidget  *widget,
             const char *text)
{
  GtkWidget *label = cm_test_window_find_type (widget, GTK_TYPE_LABEL);

  return label != NULL && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), text) == 0;
}

static void
test_tab_walk (void)
{
  g_autoptr(GPtrArray) stops = NULL;
  gboolean chip = FALSE, chart_toggle = FALSE, chart = FALSE, card = FALSE, row = FALSE;
  int region = 0;

  cm_test_window_show_view (app, "overview");
  stops = tab_walk ();

  for (guint i = 0; i < stops->len; i++)
    {
      GtkWidget *w = g_ptr_array_index (stops, i);
      g_autofree char *text = describe (w);

      g_test_message ("%u: %s", i, text);
      /* Each stop says what it is... */
      if (!has_name (w))
        g_error ("Tab stop %u has no accessible name: %s", i, text);
      /* ...in the order of the page: header, filters, view. */
      g_assert_cmpint (region_of (w), >=, region);
      region = region_of (w);

      chip |= g_object_get_data (G_OBJECT (w), "cm-model") != NULL;
      chart_toggle |= GTK_IS_TOGGLE_BUTTON (w) && is_labelled (w, "By model");
      chart |= CM_IS_COST_CHART (w);
      card |= GTK_IS_FLOW_BOX_CHILD (w) && CM_IS_SPEND_CARD (gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (w)));
    }
  g_assert_true (chip);
  g_assert_true (chart_toggle);
  g_assert_true (chart);
  g_assert_true (card);

  /* A table's rows, on a view that has one. */
  cm_test_window_show_view (app, "models");
  g_clear_pointer (&stops, g_ptr_array_unref);
  stops = tab_walk ();
  for (guint i = 0; i < stops->len; i++)
    row |= is_table_row (g_ptr_array_index (stops, i));
  g_assert_true (row);
  cm_test_window_show_view (app, "overview");
}

/* Arrow keys move along a group of chips (the window's move-focus). */
static void
test_chip_arrows (void)
{
  CmFilterBar *bar = cm_window_get_filter_bar (window);
  const char * const *models = cm_report_get_all_models (cm_window_get_report (window));
  GtkWidget *first = GTK_WIDGET (cm_filter_bar_get_chip (bar, models[0]));
  GtkWidget *focus;

  g_assert_true (gtk_widget_grab_focus (first));
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window), GTK_DIR_RIGHT));
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (g_object_get_data (G_OBJECT (focus), "cm-model"));
  g_assert_true (focus != first);
}

static void
assert_one_name (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    assert_one_name (child);

  if (GTK_IS_BUTTON (widget) && gtk_button_get_use_underline (GTK_BUTTON (widget)) &&
      gtk_button_get_label (GTK_BUTTON (widget)) != NULL)
    {
      g_autofree char *plain = NULL;
      g_auto(GStrv) parts = g_strsplit (gtk_button_get_label (GTK_BUTTON (widget)), "_", -1);
      g_autofree char *error = NULL;

      plain = g_strjoinv ("", parts);
      error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, plain);
      if (error != NULL)
        g_error ("%s: %s", gtk_button_get_label (GTK_BUTTON (widget)), error);
      g_assert_false (gtk_test_accessible_has_relation (GTK_ACCESSIBLE (widget),
                                                        GTK_ACCESSIBLE_RELATION_LABELLED_BY));
    }
}

/* A button with a mnemonic is named once, without the underscore. */
static void
test_mnemonics (void)
{
  assert_one_name (GTK_WIDGET (window));
}

static CmMoney
expected_day_cost (const char *day)
{
  JsonObject *models = json_object_get_object_member (json_object_get_object_member (cm_test_window_expected (),
                                                                                    "days"), day);
  g_autoptr(GList) names = json_object_get_members (models);
  double usd = 0;

  for (GList *l = names; l != NULL; l = l->next)
    usd += json_object_get_double_member (json_object_get_object_member (models, l->data), "cost");

  return cm_test_window_usd_to_money (usd);
}

/* The chart takes the focus; arrows go from day to day, and a screen
 * reader hears the day's dollars. */
static void
test_chart_keys (void)
{
  CmCostChart *chart = cm_overview_page_get_chart (cm_window_get_overview_page (window));
  guint n = cm_cost_chart_get_n_days (chart);
  guint found = 0;

  cm_test_window_show_view (app, "overview");
  g_assert_cmpuint (n, >, 2);
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (chart)));
  cm_test_window_iterate (20);
  g_assert_cmpint (cm_cost_chart_get_selected_day (chart), ==, n - 1);

  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.move", "i", -1);
  g_assert_cmpint (cm_cost_chart_get_selected_day (chart), ==, n - 2);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.move", "i", G_MININT32);
  g_assert_cmpint (cm_cost_chart_get_selected_day (chart), ==, 0);
  gtk_widget_activate_action (GTK_WIDGET (chart), "chart.move", "i", -1);
  g_assert_cmpint (cm_cost_chart_get_selected_day (chart), ==, 0);

  /* Each day with spending says its total, the same as the fixture's. */
  for (guint d = 0; d < n; d++)
    {
      const char *day = cm_cost_chart_get_day (chart, d);
      g_autofree char *amount = NULL;
      g_autofree char *total = NULL;
      g_autofree char *markup = NULL;
      g_autofree char *plain = NULL;
      g_autofree char *error = NULL;
      g_auto(GStrv) lines = NULL;

      if (!json_object_has_member (json_object_get_object_member (cm_test_window_expected (), "days"), day))
        continue;
      cm_cost_chart_select_day (chart, d);
      amount = cm_format_money (expected_day_cost (day));
      total = g_strdup_printf ("Total: %s", amount);

      g_assert_true (pango_parse_markup (cm_cost_chart_dup_day_text (chart, d), -1, 0, NULL, &plain, NULL, NULL));
      g_assert_true (g_str_has_suffix (plain, total));
      lines = g_strsplit (plain, "\n", -1);
      g_free (plain);
      plain = g_strjoinv ("; ", lines);
      error = gtk_test_accessible_check_property (GTK_ACCESSIBLE (chart), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, plain);
      g_assert_null (error);
      found++;
    }
  g_assert_cmpuint (found, ==, json_object_get_size (json_object_get_object_member (cm_test_window_expected (),
                                                                                    "days")));
  cm_test_window_save_png (GTK_WIDGET (window), "keyboard-chart.png");
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
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 900);
  cm_test_window_iterate (300);

  g_test_add_func ("/window-keyboard/tab-walk", test_tab_walk);
  g_test_add_func ("/window-keyboard/chip-arrows", test_chip_arrows);
  g_test_add_func ("/window-keyboard/mnemonics", test_mnemonics);
  g_test_add_func ("/window-keyboard/chart-keys", test_chart_keys);

  return g_test_run ();
}
