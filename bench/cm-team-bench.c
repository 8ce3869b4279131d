/* cm-team-bench.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a filter change costs the window on a team database (bench/team-bench.sh
 * runs it; not a test): the window's own report model (CmReport) reading the
 * team's figures, aggregated in PostgreSQL, for the Overview, Models, Users
 * and Sessions views in turn, over a series of filter changes, each one new
 * (the report's memory of recent filters never answers). Timed from the
 * change to the report's update, as the view sees it.
 *
 *   cm-team-bench CONNINFO [ROLE-LABEL]
 *
 * The password comes from PGPASSWORD, as with psql.
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <glib/gstdio.h>

#include "cm-report.h"
#include "cm-team-store.h"

typedef struct
{
  CmFilter *filter;
  CmReport *report;
  guint     changes;
} Bench;

typedef struct
{
  const char *label;
  guint       section;
} View;

static const View views[] = {
  { "Overview", CM_SECTION_OVERVIEW },
  { "Models", CM_SECTION_MODELS },
  { "Users", CM_SECTION_USERS },
  { "Sessions", CM_SECTION_SESSIONS },
};

static void
changed_cb (CmFilter *filter,
            Bench    *b)
{
  b->changes++;
}

/* Runs the main loop until the report has answered the latest change (a
 * change marks the report loading at once, until its answer is applied). */
static double
wait_for_update (Bench  *b,
                 gint64  start)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  while (cm_report_get_loading (b->report))
    g_main_context_iteration (NULL, TRUE);

  if (cm_report_get_error (b->report) != NULL)
    {
      g_printerr ("The report failed: %s\n", cm_report_get_error (b->report)->message);
      exit (1);
    }

  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* The i-th change of the series: ranges, zones, a model, a backend, a
 * project, and back to everything, in an order that never repeats a whole
 * filter within one view's series. */
static void
change_filter (Bench              *b,
               guint               i,
               const char * const *models,
               const char * const *projects)
{
  static const char *ranges[] = { "last-30-days", "this-month", "last-7-days", "all" };
  static const char *zones[] = { "America/New_York", "Asia/Kathmandu", "UTC", "Europe/Berlin" };

  switch (i % 4)
    {
    case 0:
      cm_filter_set_date_range (b->filter, ranges[(i / 4) % G_N_ELEMENTS (ranges)]);
      break;
    case 1:
      cm_filter_set_timezone (b->filter, zones[(i / 4) % G_N_ELEMENTS (zones)]);
      break;
    case 2:
      if (models != NULL && models[0] != NULL && (i / 4) % 2 == 0)
        {
          const char *one[] = { models[(i / 8) % g_strv_length ((GStrv) models)], NULL };
          cm_filter_set_models (b->filter, one);
        }
      else
        cm_filter_reset_models (b->filter);
      break;
    default:
      if (projects != NULL && projects[0] != NULL && (i / 4) % 2 == 0)
        cm_filter_set_project (b->filter, projects[(i / 8) % g_strv_length ((GStrv) projects)]);
      else
        cm_filter_set_project (b->filter, NULL);
      cm_filter_set_backends (b->filter, (i / 4) % 3 == 1 ? 1u << CM_BACKEND_BEDROCK : 0);
      break;
    }
}

static gint64
total_messages (Bench *b)
{
  return cm_group_item_get_totals (cm_report_get_totals (b->report, CM_PERIOD_RANGE))->messages;
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(CmTeamStore) team = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *db = NULL;
  g_auto(GStrv) models = NULL;
  g_auto(GStrv) projects = NULL;
  const char *label = argc > 2 ? argv[2] : "team";
  guint changes = g_getenv ("CM_BENCH_CHANGES") ? atoi (g_getenv ("CM_BENCH_CHANGES")) : 16;
  Bench b = { 0 };
  gint64 start;
  double first;

  if (argc < 2)
    {
      g_printerr ("usage: cm-team-bench CONNINFO [LABEL]\n");
      return 2;
    }

  /* An empty local store: every figure comes from the team database. */
  dir = g_dir_make_tmp ("cm-team-bench-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_build_filename (dir, "empty.db", NULL);
  store = cm_store_open (db, &error);
  g_assert_no_error (error);

  team = cm_team_store_new (argv[1], g_getenv ("PGPASSWORD"));
  if (!cm_team_store_check (team, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }

  b.filter = cm_filter_new ();
  cm_filter_set_timezone (b.filter, "UTC");
  cm_filter_set_date_range (b.filter, "all");
  b.report = cm_report_new (store, b.filter);
  g_signal_connect (b.filter, "changed", G_CALLBACK (changed_cb), &b);
  cm_report_set_wanted (b.report, CM_SECTION_OVERVIEW);

  start = g_get_monotonic_time ();
  cm_report_set_team (b.report, team);
  first = wait_for_update (&b, start);
  /* The lists of models and projects follow the first answer. */
  for (gint64 end = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
       cm_report_get_all_models (b.report)[0] == NULL && g_get_monotonic_time () < end;)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
  models = g_strdupv ((GStrv) cm_report_get_all_models (b.report));
  projects = g_strdupv ((GStrv) cm_report_get_all_projects (b.report));

  printf ("%s (%s): %" G_GINT64_FORMAT " messages visible, all time; first Overview %.0f ms\n",
          label, cm_team_store_get_is_admin (team) ? "admin" : "member",
          total_messages (&b), first);

  for (guint v = 0; v < G_N_ELEMENTS (views); v++)
    {
      g_autofree double *ms = g_new0 (double, changes);
      double sum = 0;

      cm_report_set_wanted (b.report, views[v].section);
      /* Showing the view reads it once; the series starts from there. */
      cm_filter_reset_models (b.filter);
      cm_filter_set_project (b.filter, NULL);
      cm_filter_set_backends (b.filter, 0);
      cm_filter_set_timezone (b.filter, "UTC");
      cm_filter_set_date_range (b.filter, v % 2 == 0 ? "all" : "last-month");
      wait_for_update (&b, g_get_monotonic_time ());

      for (guint i = 0, n = 0; n < changes; i++)
        {
          guint before = b.changes;

          start = g_get_monotonic_time ();
          change_filter (&b, i + v, (const char * const *) models, (const char * const *) projects);
          if (b.changes == before)
            continue;
          ms[n] = wait_for_update (&b, start);
          if (ms[n] > 500)
            printf ("    slow: %.0f ms at %s, %s, %s model(s), project \"%s\", backends %x\n", ms[n],
                    cm_filter_get_date_range (b.filter), cm_filter_get_timezone (b.filter),
                    cm_filter_get_models_set (b.filter) ? "some" : "all",
                    cm_filter_get_project (b.filter), cm_filter_get_backends (b.filter));
          sum += ms[n++];
        }
      qsort (ms, changes, sizeof (double), compare_double);
      printf ("  %-9s %2u filter changes: median %4.0f ms, mean %4.0f ms, max %4.0f ms\n",
              views[v].label, changes, ms[changes / 2], sum / changes, ms[changes - 1]);
    }

  g_clear_object (&b.report);
  g_clear_object (&b.filter);
  g_clear_object (&store);
  {
    g_autofree char *wal = g_strconcat (db, "-wal", NULL);
    g_autofree char *shm = g_strconcat (db, "-shm", NULL);
    g_unlink (db);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }

  return 0;
}
