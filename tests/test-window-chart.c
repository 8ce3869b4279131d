/* test-window-chart.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The cost chart on the fixture corpus (issue 18, item 8): each model keeps
 * its colour when the filter changes, the colours shown are all different,
 * the first switch to By model keeps the bars until the days by model are
 * read (no "No spending in this range" in between), and the axis text
 * stands out 4.5:1 from the card in light and dark styles.
 */

#include "config.h"

#include <math.h>

#include "cm-cost-chart.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;

static CmCostChart *
get_chart (void)
{
  return cm_overview_page_get_chart (cm_window_get_overview_page (window));
}

static void
wait_for_filter (void)
{
  cm_test_window_wait_filter (app);
}

/* Label -> "#rrggbb" of every series shown. */
static GHashTable *
series_colors (CmCostChart *chart)
{
  GHashTable *colors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < cm_cost_chart_get_n_series (chart); i++)
    {
      GdkRGBA c;

      cm_cost_chart_get_series_color (chart, i, &c);
      g_hash_table_insert (colors, g_strdup (cm_cost_chart_get_series_label (chart, i)),
                           gdk_rgba_to_string (&c));
    }

  return colors;
}

static void
assert_distinct (GHashTable *colors)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  gpointer label, color;

  g_hash_table_iter_init (&iter, colors);
  while (g_hash_table_iter_next (&iter, &label, &color))
    {
      if (g_hash_table_contains (seen, color))
        g_error ("%s has the colour of %s (%s)", (char *) label,
                 (char *) g_hash_table_lookup (seen, color), (char *) color);
      g_hash_table_insert (seen, color, label);
    }
}

static void
count_days_cb (CmCostChart *chart,
               guint       *fewest)
{
  *fewest = MIN (*fewest, cm_cost_chart_get_n_days (chart));
}

/* The first switch to By model: the backend bars stay until the days by
 * model are read, then those show; never an empty chart in between. */
static void
test_by_model_no_flash (void)
{
  CmCostChart *chart = get_chart ();
  guint fewest = G_MAXUINT;
  gulong handler;

  cm_test_window_show_view (app, "overview");
  g_assert_cmpstr (cm_cost_chart_get_stack (chart), ==, "backend");
  g_assert_cmpuint (cm_cost_chart_get_n_days (chart), >, 0);

  handler = g_signal_connect (chart, "series-changed", G_CALLBACK (count_days_cb), &fewest);
  cm_cost_chart_set_stack (chart, "model");
  /* Not read yet: what was drawn stays. */
  g_assert_true (cm_cost_chart_get_waiting (chart));
  g_assert_cmpuint (cm_cost_chart_get_n_days (chart), >, 0);
  g_assert_cmpstr (cm_cost_chart_get_series_label (chart, 0), ==, "Bedrock");
  wait_for_filter ();
  g_signal_handler_disconnect (chart, handler);

  g_assert_false (cm_cost_chart_get_waiting (chart));
  g_assert_cmpuint (fewest, >, 0);
  g_assert_cmpuint (fewest, !=, G_MAXUINT);
  g_assert_cmpuint (cm_cost_chart_get_n_series (chart), >=, 4);
}

/* Each model keeps its colour when the filter leaves out the costliest
 * one (which moves every other up a rank), and back. */
static void
test_stable_colors (void)
{
  CmCostChart *chart = get_chart ();
  CmFilter *filter = cm_report_get_filter (cm_window_get_report (window));
  const char * const *all = cm_report_get_all_models (cm_window_get_report (window));
  g_autoptr(GHashTable) before = NULL;
  g_autoptr(GHashTable) after = NULL;
  g_autoptr(GHashTable) again = NULL;
  g_autoptr(GHashTable) backends = NULL;
  g_autoptr(GPtrArray) rest = g_ptr_array_new ();
  g_autofree char *top = NULL;
  GHashTableIter iter;
  gpointer label, color;
  guint common = 0;

  cm_test_window_show_view (app, "overview");
  if (g_strcmp0 (cm_cost_chart_get_stack (chart), "model") != 0)
    {
      cm_cost_chart_set_stack (chart, "model");
      wait_for_filter ();
    }
  before = series_colors (chart);
  assert_distinct (before);
  g_assert_cmpuint (g_hash_table_size (before), >=, 3);

  /* Leave out the costliest model. */
  top = g_strdup (cm_cost_chart_get_series_label (chart, 0));
  for (guint i = 0; all[i] != NULL; i++)
    if (!g_str_equal (all[i], top))
      g_ptr_array_add (rest, (gpointer) all[i]);
  g_ptr_array_add (rest, NULL);
  cm_filter_set_models (filter, (const char * const *) rest->pdata);
  wait_for_filter ();

  after = series_colors (chart);
  assert_distinct (after);
  g_assert_false (g_hash_table_contains (after, top));
  g_hash_table_iter_init (&iter, after);
  while (g_hash_table_iter_next (&iter, &label, &color))
    {
      const char *was = g_hash_table_lookup (before, label);

      if (was == NULL)
        continue;
      g_test_message ("%s: %s, was %s", (char *) label, (char *) color, was);
      g_assert_cmpstr (color, ==, was);
      common++;
    }
  g_assert_cmpuint (common, >=, 2);

  cm_filter_reset_models (filter);
  wait_for_filter ();
  again = series_colors (chart);
  g_hash_table_iter_init (&iter, before);
  while (g_hash_table_iter_next (&iter, &label, &color))
    g_assert_cmpstr (g_hash_table_lookup (again, label), ==, color);

  /* Backends have a colour each, whatever the filter. */
  cm_cost_chart_set_stack (chart, "backend");
  wait_for_filter ();
  backends = series_colors (chart);
  assert_distinct (backends);
  g_assert_cmpuint (g_hash_table_size (backends), ==, 3);
}

static double
luminance (const GdkRGBA *c)
{
  double rgb[3] = { c->red, c->green, c->blue };

  for (guint i = 0; i < 3; i++)
    rgb[i] = rgb[i] <= 0.04045 ? rgb[i] / 12.92 : pow ((rgb[i] + 0.055) / 1.055, 2.4);

  return 0.2126 * rgb[0] + 0.7152 * rgb[1] + 0.0722 * rgb[2];
}

static GdkRGBA
over (GdkRGBA top,
      GdkRGBA below)
{
  return (GdkRGBA) {
    top.red * top.alpha + below.red * (1 - top.alpha),
    top.green * top.alpha + below.green * (1 - top.alpha),
    top.blue * top.alpha + below.blue * (1 - top.alpha),
    1,
  };
}

static double
axis_contrast (CmCostChart *chart)
{
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (chart));
  GdkRGBA window_bg, card_bg, text, bg, fg;
  double l1, l2;

  g_assert_true (gtk_style_context_lookup_color (context, "window_bg_color", &window_bg));
  g_assert_true (gtk_style_context_lookup_color (context, "card_bg_color", &card_bg));
  G_GNUC_END_IGNORE_DEPRECATIONS
  cm_cost_chart_get_text_color (chart, &text);
  bg = over (card_bg, window_bg);
  fg = over (text, bg);
  l1 = luminance (&fg);
  l2 = luminance (&bg);

  return (MAX (l1, l2) + 0.05) / (MIN (l1, l2) + 0.05);
}

static void
test_axis_contrast (void)
{
  AdwStyleManager *style = adw_style_manager_get_default ();
  CmCostChart *chart = get_chart ();
  double light, dark;

  cm_test_window_show_view (app, "overview");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_LIGHT);
  cm_test_window_iterate (100);
  light = axis_contrast (chart);
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_FORCE_DARK);
  cm_test_window_iterate (100);
  dark = axis_contrast (chart);
  cm_test_window_save_png (GTK_WIDGET (window), "chart-dark.png");
  adw_style_manager_set_color_scheme (style, ADW_COLOR_SCHEME_DEFAULT);
  cm_test_window_iterate (100);

  g_test_message ("axis text contrast: %.1f:1 light, %.1f:1 dark", light, dark);
  g_assert_cmpfloat (light, >=, 4.5);
  g_assert_cmpfloat (dark, >=, 4.5);
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

  g_test_add_func ("/window-chart/by-model-no-flash", test_by_model_no_flash);
  g_test_add_func ("/window-chart/stable-colors", test_stable_colors);
  g_test_add_func ("/window-chart/axis-contrast", test_axis_contrast);

  return g_test_run ();
}
