/* cm-ui-bench.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark harness for the window (bench/ui-bench.sh runs it; not a test).
 * Opens the real CmApplication/CmWindow on an existing database and prints:
 *   - launch to the first frame drawn with data (from $CM_BENCH_T0_NS, the
 *     CLOCK_REALTIME nanoseconds the script took just before exec),
 *   - filter change to the frame drawn with the updated views, per change,
 *   - with $CM_BENCH_SORT, first the time to sort every session by cost,
 *   - peak resident memory (VmHWM).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cm-application.h"
#include "cm-bench-util.h"
#include "cm-window.h"

typedef enum
{
  PHASE_LAUNCH,
  PHASE_CHANGE,
  PHASE_SORT,
  PHASE_DONE,
} Phase;

static CmApplication *app;
static CmWindow *window;
static Phase phase = PHASE_LAUNCH;
static guint wanted_serial;
static gint64 change_start_us;
static guint change_index;
static GArray *change_ms;
static GArray *full_ms;
static GArray *first_ms;   /* filters not seen before: a query, no cache */
static gboolean views_done;
static gint64 t0_ns;

static gint64
realtime_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_REALTIME, &ts);
  return (gint64) ts.tv_sec * 1000000000 + ts.tv_nsec;
}

#define N_KINDS 11

/* The changes a user makes: each one re-queries the views on screen. */
static void
apply_change (guint i)
{
  CmFilter *filter = cm_application_get_filter (app);
  CmReport *report = cm_application_get_report (app);
  const char * const *models = cm_report_get_all_models (report);
  const char *one[] = { models[0], NULL };
  const char *none[] = { NULL };

  switch (i % N_KINDS)
    {
    case 0: cm_filter_set_models (filter, one); break;
    case 1: cm_filter_reset_models (filter); break;
    case 2: cm_filter_set_backends (filter, 1u << CM_BACKEND_BEDROCK); break;
    case 3: cm_filter_set_backends (filter, CM_BACKEND_MASK_ALL); break;
    case 4: cm_filter_set_date_range (filter, "last-7-days"); break;
    case 5: cm_filter_set_date_range (filter, "all"); break;
    case 6: cm_filter_set_models (filter, none); break;
    case 7: cm_filter_reset_models (filter); break;
    case 8: cm_filter_set_timezone (filter, "America/New_York"); break;
    case 9: cm_filter_set_timezone (filter, "UTC"); break;
    case 10: cm_filter_set_timezone (filter, ""); break;
    default: g_assert_not_reached ();
    }
}

static const char *change_names[N_KINDS] = {
  "one model", "all models", "bedrock only", "all backends",
  "last 7 days", "all time", "no model", "all models",
  "zone New York", "zone UTC", "zone local",
};

/* Filters not seen before in the first round (the others are a filter the
 * report read lately: it keeps the last results until the store moves). */
static const gboolean first_visit[N_KINDS] = {
  TRUE, FALSE, TRUE, FALSE, TRUE, FALSE, TRUE, FALSE, TRUE, TRUE, FALSE,
};

static guint n_changes = 2 * N_KINDS;
static gint64 sort_start_us;

static GtkColumnView *
find_column_view (GtkWidget *widget)
{
  if (GTK_IS_COLUMN_VIEW (widget) && gtk_widget_get_mapped (widget))
    return GTK_COLUMN_VIEW (widget);

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkColumnView *found = find_column_view (child);

      if (found != NULL)
        return found;
    }

  return NULL;
}

/* The Sessions view: a click on "Cost" sorts every session. */
static gboolean
start_sort (void)
{
  GtkColumnView *view = find_column_view (GTK_WIDGET (window));
  GListModel *columns;

  if (view == NULL || !(cm_report_get_wanted (cm_application_get_report (app)) & CM_SECTION_SESSIONS))
    return FALSE;

  columns = gtk_column_view_get_columns (view);
  for (guint i = 0; i < g_list_model_get_n_items (columns); i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      if (g_strcmp0 (gtk_column_view_column_get_title (column), "Cost") == 0)
        {
          sort_start_us = g_get_monotonic_time ();
          gtk_column_view_sort_by_column (view, column, GTK_SORT_DESCENDING);
          gtk_widget_queue_draw (GTK_WIDGET (window));
          return TRUE;
        }
    }

  return FALSE;
}

static void
next_change (void)
{
  CmReport *report = cm_application_get_report (app);

  if (change_index >= n_changes)
    {
      phase = PHASE_DONE;
      g_application_quit (G_APPLICATION (app));
      return;
    }

  wanted_serial = cm_report_get_serial (report) + 1;
  views_done = FALSE;
  change_start_us = g_get_monotonic_time ();
  apply_change (change_index);
}

static void
report_updated_cb (CmReport *report)
{
  gtk_widget_queue_draw (GTK_WIDGET (window));
}

static void
after_paint_cb (GdkFrameClock *clock)
{
  CmReport *report = cm_application_get_report (app);
  const CmTotals *range = cm_group_item_get_totals (cm_report_get_totals (report, CM_PERIOD_RANGE));

  if (phase == PHASE_LAUNCH)
    {
      /* The Sessions view alone reads no totals: its list is the data. */
      gboolean sessions = (cm_report_get_wanted (report) & CM_SECTION_SESSIONS) != 0;
      guint n_sessions = g_list_model_get_n_items (cm_report_get_sessions (report));

      if (cm_report_get_serial (report) == 0 ||
          (sessions ? cm_report_get_loading (report) || n_sessions == 0 : range->messages == 0))
        return;

      g_print ("launch to first frame with data: %.0f ms (%" G_GINT64_FORMAT " messages in range, %u sessions, RSS %ld MiB)\n",
               (realtime_ns () - t0_ns) / 1e6, range->messages, n_sessions, cm_bench_status_kb ("VmRSS:") / 1024);
      if (g_getenv ("CM_BENCH_SORT") != NULL && start_sort ())
        {
          phase = PHASE_SORT;
          return;
        }
      phase = PHASE_CHANGE;
      next_change ();
      return;
    }

  if (phase == PHASE_SORT)
    {
      g_print ("sort all sessions by cost: drawn in %.1f ms (RSS %ld MiB)\n",
               (g_get_monotonic_time () - sort_start_us) / 1000.0, cm_bench_status_kb ("VmRSS:") / 1024);
      phase = PHASE_CHANGE;
      next_change ();
      return;
    }

  if (phase != PHASE_CHANGE || cm_report_get_serial (report) < wanted_serial)
    return;

  /* First the frame with the cards, chart and tables; then the one with
   * the sessions list too (read second, it is the slowest query). */
  if (!views_done)
    {
      double ms = (g_get_monotonic_time () - change_start_us) / 1000.0;

      g_array_append_val (change_ms, ms);
      if (change_index < N_KINDS && first_visit[change_index])
        g_array_append_val (first_ms, ms);
      views_done = TRUE;
      g_print ("  change %-13s -> views drawn in %6.1f ms", change_names[change_index % N_KINDS], ms);
    }

  if (!cm_report_get_loading (report))
    {
      double ms = (g_get_monotonic_time () - change_start_us) / 1000.0;

      g_array_append_val (full_ms, ms);
      g_print (", with the sessions list %6.1f ms\n", ms);
      change_index++;
      next_change ();
    }
  else
    gtk_widget_queue_draw (GTK_WIDGET (window));
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double da = *(const double *) a, db = *(const double *) b;

  return da < db ? -1 : da > db;
}

static void
activate_cb (GApplication *application)
{
  GdkFrameClock *clock;

  window = CM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (application)));
  /* The view on screen: overview (default), models, users or sessions. */
  if (g_getenv ("CM_BENCH_VIEW") != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.view", "s", g_getenv ("CM_BENCH_VIEW"));
  g_signal_connect (cm_application_get_report (app), "updated", G_CALLBACK (report_updated_cb), NULL);
  gtk_widget_realize (GTK_WIDGET (window));
  clock = gtk_widget_get_frame_clock (GTK_WIDGET (window));
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint_cb), NULL);
}

/* All of history: every query reads every message (the worst case). */
static void
startup_cb (GApplication *application)
{
  GSettings *settings = cm_application_get_settings (app);

  if (settings != NULL)
    g_settings_set_string (settings, "date-range", g_getenv ("CM_BENCH_RANGE") ? g_getenv ("CM_BENCH_RANGE") : "all");
}

int
main (int   argc,
      char *argv[])
{
  const char *t0 = g_getenv ("CM_BENCH_T0_NS");
  int ret;

  t0_ns = t0 != NULL ? g_ascii_strtoll (t0, NULL, 10) : realtime_ns ();
  change_ms = g_array_new (FALSE, FALSE, sizeof (double));
  full_ms = g_array_new (FALSE, FALSE, sizeof (double));
  first_ms = g_array_new (FALSE, FALSE, sizeof (double));
  if (g_getenv ("CM_BENCH_CHANGES") != NULL)
    n_changes = atoi (g_getenv ("CM_BENCH_CHANGES"));

  app = cm_application_new ();
  /* After the app's own activate handler: the window exists then. */
  g_signal_connect_after (app, "startup", G_CALLBACK (startup_cb), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  ret = g_application_run (G_APPLICATION (app), argc, argv);

  if (change_ms->len > 0)
    {
      double sum = 0;

      g_array_sort (change_ms, compare_double);
      for (guint i = 0; i < change_ms->len; i++)
        sum += g_array_index (change_ms, double, i);
      g_print ("filter change to updated views: median %.1f ms, mean %.1f ms, max %.1f ms (%u changes)\n",
               g_array_index (change_ms, double, change_ms->len / 2), sum / change_ms->len,
               g_array_index (change_ms, double, change_ms->len - 1), change_ms->len);
      g_array_sort (first_ms, compare_double);
      if (first_ms->len > 0)
        g_print ("  of which filters not seen before (%u): median %.1f ms, max %.1f ms\n", first_ms->len,
                 g_array_index (first_ms, double, first_ms->len / 2),
                 g_array_index (first_ms, double, first_ms->len - 1));
      g_array_sort (full_ms, compare_double);
      if (full_ms->len > 0)
        g_print ("filter change to views and sessions list: median %.1f ms, max %.1f ms\n",
                 g_array_index (full_ms, double, full_ms->len / 2),
                 g_array_index (full_ms, double, full_ms->len - 1));
    }
  g_print ("peak resident memory (VmHWM): %ld MiB\n", cm_bench_status_kb ("VmHWM:") / 1024);

  return ret;
}
