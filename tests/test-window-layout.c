/* test-window-layout.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The window from 360 px wide (a phone) to 1600 px: every view fits, the
 * rate-limit chip says all it says, and every table keeps its Cost column
 * on screen.
 */

#include "config.h"

#include <string.h>

#include "cm-ratelimit-chip.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;

static void
set_width (int width)
{
  cm_test_window_set_width (window, width, 760);
}

typedef struct
{
  GtkWidget  *table;
  const char *title;
} Column;

static gboolean
column_inside (gpointer data)
{
  Column *column = data;

  return cm_test_window_is_inside (window, cm_test_window_find_title (column->table, column->title));
}

static gboolean
widget_inside (gpointer data)
{
  return cm_test_window_is_inside (window, data);
}

static void
assert_inside (GtkWidget  *widget,
               const char *what)
{
  cm_test_window_wait_until (widget_inside, widget, 10000);
  cm_test_window_assert_inside (window, widget, what);
}

/* Once the table has settled (its columns fit, no transition runs): a
 * fixed wait measured a column still moving in now and then. */
static void
assert_cost_column (GtkWidget  *table,
                    const char *title,
                    const char *name)
{
  g_autofree char *what = g_strdup_printf ("%s column of %s", title, name);
  Column column = { table, title };

  cm_test_window_wait_until (column_inside, &column, 10000);
  cm_test_window_assert_inside (window, cm_test_window_find_title (table, title), what);
}

/* At 360 px: nothing wider than the window, and every table keeps its
 * Cost column inside it. */
static void
test_narrow (void)
{
  CmSessionsPage *sessions = cm_window_get_sessions_page (window);
  GtkWidget *chip = cm_test_window_find_type (GTK_WIDGET (window), CM_TYPE_RATELIMIT_CHIP);
  int min = 0;

  set_width (360);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  g_assert_cmpint (min, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);

  cm_test_window_show_view (app, "overview");
  assert_inside (GTK_WIDGET (cm_overview_page_get_chart (cm_window_get_overview_page (window))), "chart");
  assert_inside (GTK_WIDGET (cm_overview_page_get_card (cm_window_get_overview_page (window), CM_PERIOD_RANGE)),
                 "range card");
  cm_test_window_save_png (GTK_WIDGET (window), "layout-360-overview.png");

  /* The chip: its icon rather than a cut label. */
  g_assert_true (cm_ratelimit_chip_get_compact (CM_RATELIMIT_CHIP (chip)));
  assert_inside (cm_ratelimit_chip_get_shown (CM_RATELIMIT_CHIP (chip)), "rate-limit chip");

  cm_test_window_show_view (app, "models");
  assert_cost_column (GTK_WIDGET (cm_window_get_models_page (window)), "Cost", "Models");
  cm_test_window_save_png (GTK_WIDGET (window), "layout-360-models.png");
  cm_test_window_show_view (app, "users");
  assert_cost_column (GTK_WIDGET (cm_window_get_users_page (window)), "Total", "Users");
  cm_test_window_show_view (app, "sessions");
  assert_cost_column (GTK_WIDGET (sessions), "Cost", "Sessions");
  cm_test_window_save_png (GTK_WIDGET (window), "layout-360-sessions.png");

  cm_sessions_page_open (sessions, 0);
  while (cm_session_detail_get_loading (cm_sessions_page_get_detail (sessions)))
    g_main_context_iteration (NULL, TRUE);
  cm_test_window_iterate (400);
  assert_cost_column (GTK_WIDGET (cm_sessions_page_get_detail (sessions)), "Cost", "a session");
  cm_test_window_save_png (GTK_WIDGET (window), "layout-360-session.png");
  gtk_widget_activate_action (GTK_WIDGET (cm_sessions_page_get_detail (sessions)), "session.back", NULL);
  cm_test_window_show_view (app, "overview");
}

static GtkLabel *
first_cell_label (GtkWidget *widget,
                  const char *text_prefix)
{
  if (GTK_IS_LABEL (widget) && g_str_has_prefix (gtk_label_get_text (GTK_LABEL (widget)), text_prefix))
    return GTK_LABEL (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found = first_cell_label (child, text_prefix);

      if (found != NULL)
        return found;
    }

  return NULL;
}

static gboolean
chip_whole (gpointer chip)
{
  return !cm_ratelimit_chip_get_compact (chip);
}

/* At 1000 px the chip is whole, and model ids are cut in the middle
 * (their dates and families both show) with the whole id on hover. */
static void
test_default_width (void)
{
  GtkWidget *chip = cm_test_window_find_type (GTK_WIDGET (window), CM_TYPE_RATELIMIT_CHIP);
  GtkWidget *shown;
  GtkLabel *model;

  set_width (1000);
  cm_test_window_show_view (app, "models");
  cm_test_window_wait_until (chip_whole, chip, 10000);
  shown = cm_ratelimit_chip_get_shown (CM_RATELIMIT_CHIP (chip));
  g_assert_true (GTK_IS_LABEL (shown));
  g_assert_false (pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (shown))));
  assert_inside (shown, "rate-limit chip");

  model = first_cell_label (GTK_WIDGET (cm_window_get_models_page (window)), "claude-");
  g_assert_nonnull (model);
  g_assert_cmpint (gtk_label_get_ellipsize (model), ==, PANGO_ELLIPSIZE_MIDDLE);
  /* The cell (the label, or its box with the "fast" tag) says it all on
   * hover. */
  g_assert_true (gtk_widget_get_has_tooltip (GTK_WIDGET (model)) ||
                 gtk_widget_get_has_tooltip (gtk_widget_get_parent (GTK_WIDGET (model))));
  assert_cost_column (GTK_WIDGET (cm_window_get_models_page (window)), "Cost", "Models");
  cm_test_window_save_png (GTK_WIDGET (window), "layout-1000-models.png");

  /* Wide (as wide as the screen of the test goes): every column of the
   * Models view. */
  set_width (1600);
  assert_cost_column (GTK_WIDGET (cm_window_get_models_page (window)), "Cache hit", "Models");
  assert_cost_column (GTK_WIDGET (cm_window_get_models_page (window)), "Cache reads", "Models");
  cm_test_window_save_png (GTK_WIDGET (window), "layout-1600-models.png");
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
  cm_test_window_set_width (window, 1000, 800);

  g_test_add_func ("/window-layout/narrow", test_narrow);
  g_test_add_func ("/window-layout/default-width", test_default_width);

  return g_test_run ();
}
