/* test-window-polish.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The small things of issue 18, item 9, on the fixture corpus: a range
 * without messages says when the transcripts are from and offers all time;
 * Export proposes the view and its days as the file name and says where it
 * wrote; About finds the app's icon without an install.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cm-day-button.h"
#include "cm-format.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;

static void
wait_for_filter (void)
{
  cm_test_window_wait_filter (app);
}

/* The date range @preset (and @since .. @until for "custom"), waiting for
 * the views only when that changes the filter. */
static void
set_range (const char *preset,
           const char *since,
           const char *until)
{
  CmFilter *filter = cm_report_get_filter (cm_window_get_report (window));
  guint serial = cm_report_get_serial (cm_window_get_report (window));
  gboolean changed = g_strcmp0 (cm_filter_get_date_range (filter), preset) != 0;

  if (since != NULL)
    {
      changed = changed || g_strcmp0 (cm_filter_get_since (filter), since) != 0 ||
                g_strcmp0 (cm_filter_get_until (filter), until) != 0;
      cm_filter_set_since (filter, since);
      cm_filter_set_until (filter, until);
    }
  cm_filter_set_date_range (filter, preset);
  if (changed)
    cm_test_window_wait_report (app, serial);
}

/* Days without any of the corpus's messages (all in September 2026): the
 * line says when they are from; Show All Time shows them. */
static void
test_range_hint (void)
{
  CmRangeHint *hint = cm_window_get_range_hint (window);
  CmFilter *filter = cm_report_get_filter (cm_window_get_report (window));
  const CmTotals *range;

  cm_test_window_show_view (app, "overview");
  set_range ("all", NULL, NULL);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (hint)));

  set_range ("custom", "2020-01-01", "2020-01-31");
  range = cm_group_item_get_totals (cm_report_get_totals (cm_window_get_report (window), CM_PERIOD_RANGE));
  g_assert_cmpint (range->messages, ==, 0);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (hint)));
  g_test_message ("%s", cm_range_hint_get_text (hint));
  g_assert_nonnull (strstr (cm_range_hint_get_text (hint), "September"));
  g_assert_nonnull (strstr (cm_range_hint_get_text (hint), "2026"));
  cm_test_window_save_png (GTK_WIDGET (window), "window-range-hint.png");

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (hint), "hint.show-all", NULL));
  wait_for_filter ();
  g_assert_cmpstr (cm_filter_get_date_range (filter), ==, "all");
  range = cm_group_item_get_totals (cm_report_get_totals (cm_window_get_report (window), CM_PERIOD_RANGE));
  g_assert_cmpint (range->messages, >, 0);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (hint)));
}

/* The file name says what and which days; writing says so in a toast. */
static void
test_export (void)
{
  CmFilter *filter = cm_report_get_filter (cm_window_get_report (window));
  g_autofree char *dir = cm_test_make_tmpdir ("export");
  g_autofree char *name = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  set_range ("custom", "2026-09-01", "2026-09-30");
  cm_test_window_show_view (app, "models");

  name = cm_window_dup_export_name (window, CM_EXPORT_FORMAT_CSV);
  g_assert_cmpstr (name, ==, "costmeter-models-2026-09-01-to-2026-09-30.csv");
  g_clear_pointer (&name, g_free);
  set_range ("all", NULL, NULL);
  name = cm_window_dup_export_name (window, CM_EXPORT_FORMAT_JSON);
  g_assert_cmpstr (name, ==, "costmeter-models-all-time.json");

  path = g_build_filename (dir, name, NULL);
  file = g_file_new_for_path (path);
  g_assert_true (cm_window_export_to_file (window, file, CM_EXPORT_FORMAT_JSON, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_true (text[0] == '[');
  g_assert_cmpstr (cm_window_get_last_toast (window), ==, "Exported “costmeter-models-all-time.json”");
  cm_test_window_save_png (GTK_WIDGET (window), "window-export-toast.png");
  g_unlink (path);
  cm_test_window_show_view (app, "overview");
}

/* A custom range's days come from calendars (or are typed): the first
 * button's calendar opens on the field's day and writes the day picked. */
static void
test_day_pickers (void)
{
  CmFilter *filter = cm_report_get_filter (cm_window_get_report (window));
  GtkWidget *bar = GTK_WIDGET (cm_window_get_filter_bar (window));
  CmDayButton *first = CM_DAY_BUTTON (cm_test_window_find_type (bar, CM_TYPE_DAY_BUTTON));
  g_autoptr(GDateTime) day = g_date_time_new_local (2026, 9, 7, 0, 0, 0);
  g_autoptr(GDateTime) shown = NULL;

  set_range ("custom", "2026-09-01", "2026-09-30");
  g_assert_nonnull (first);
  g_assert_true (cm_test_window_has_name (GTK_WIDGET (cm_day_button_get_button (first))));

  gtk_menu_button_popup (cm_day_button_get_button (first));
  cm_test_window_iterate (50);
  shown = gtk_calendar_get_date (cm_day_button_get_calendar (first));
  g_assert_cmpint (g_date_time_get_day_of_month (shown), ==, 1);
  g_assert_cmpint (g_date_time_get_month (shown), ==, 9);

  /* As a click on the 7th does (whether or not select_day says so). */
  gtk_calendar_select_day (cm_day_button_get_calendar (first), day);
  g_signal_emit_by_name (cm_day_button_get_calendar (first), "day-selected");
  wait_for_filter ();
  g_assert_cmpstr (cm_filter_get_since (filter), ==, "2026-09-07");
  set_range ("all", NULL, NULL);
}

/* About shows the app's own icon: it comes with the app's resources. */
static void
test_about_icon (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gtk_widget_get_display (GTK_WIDGET (window)));

  g_assert_true (gtk_icon_theme_has_icon (theme, APP_ID));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  cm_test_window_isolate_home ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  app = cm_test_window_start_app (corpus, APP_ID, 0);
  window = cm_test_window_get_window (app);
  cm_test_window_set_width (window, 1100, 800);

  g_test_add_func ("/window-polish/range-hint", test_range_hint);
  g_test_add_func ("/window-polish/export", test_export);
  g_test_add_func ("/window-polish/day-pickers", test_day_pickers);
  g_test_add_func ("/window-polish/about-icon", test_about_icon);

  return g_test_run ();
}
