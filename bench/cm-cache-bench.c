/* cm-cache-bench.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What a filter change costs below the window (bench/ui-bench.sh runs it;
 * not a test): the store's SQL reports against the in-memory rollup cache,
 * on an existing database.
 *
 *   cm-cache-bench DB
 */

#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm-bench-util.h"
#include "cm-rollup-cache.h"
#include "cm-store.h"

static double
ms_since (gint64 start_us)
{
  return (g_get_monotonic_time () - start_us) / 1000.0;
}

/* The overview's groupings, as the report asks for them. */
static const CmGrouping overview[] = {
  { CM_GROUP_DAY, CM_GROUP_BACKEND },
  { CM_GROUP_PROJECT, CM_GROUP_NONE },
  { CM_GROUP_MODEL, CM_GROUP_BACKEND },
  { CM_GROUP_USER, CM_GROUP_BACKEND },
};

static void
run_filters (const char    *what,
             CmStore       *store,
             CmRollupCache *cache,
             gboolean       sessions)
{
  const char *zones[] = { "UTC", "America/New_York", "Asia/Kathmandu" };

  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    {
      g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
      g_autoptr(GError) error = NULL;
      gint64 start;
      double sql_ms = 0, cache_ms;

      filter->timezone = g_strdup (zones[z]);
      filter->backends_set = z == 2;
      filter->backends = 1u << CM_BACKEND_BEDROCK;

      start = g_get_monotonic_time ();
      if (sessions)
        {
          g_autoptr(GPtrArray) rows = cm_store_query_sessions (store, filter, &error);
          g_assert_no_error (error);
          sql_ms = ms_since (start);
          start = g_get_monotonic_time ();
          g_ptr_array_unref (cm_rollup_cache_query_sessions (cache, filter, &error));
        }
      else
        {
          GPtrArray *rows[G_N_ELEMENTS (overview)];

          for (guint i = 0; i < G_N_ELEMENTS (overview); i++)
            g_ptr_array_unref (cm_store_query_groups (store, filter, overview[i].primary,
                                                      overview[i].secondary, &error));
          sql_ms = ms_since (start);
          start = g_get_monotonic_time ();
          cm_rollup_cache_query (cache, filter, overview, G_N_ELEMENTS (overview), rows, &error);
          for (guint i = 0; i < G_N_ELEMENTS (overview); i++)
            g_ptr_array_unref (rows[i]);
        }
      g_assert_no_error (error);
      cache_ms = ms_since (start);

      printf ("  %-9s zone %-17s%s: SQL %7.1f ms, cache %6.1f ms\n", what, zones[z],
              filter->backends_set ? " bedrock" : "        ", sql_ms, cache_ms);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CmStore) store = NULL;
  g_autoptr(CmRollupCache) rollup = NULL;
  g_autoptr(CmRollupCache) by_session = NULL;
  g_autoptr(GError) error = NULL;
  CmTotals totals;
  long rss;
  gint64 start;

  if (argc != 2)
    {
      fprintf (stderr, "usage: %s DB\n", argv[0]);
      return 2;
    }

  store = cm_store_open (argv[1], &error);
  if (store == NULL)
    {
      fprintf (stderr, "%s\n", error->message);
      return 1;
    }

  rollup = cm_rollup_cache_new (store, FALSE);
  by_session = cm_rollup_cache_new (store, TRUE);

  rss = cm_bench_status_kb ("VmRSS:");
  start = g_get_monotonic_time ();
  cm_rollup_cache_query_totals (rollup, NULL, &totals, &error);
  g_assert_no_error (error);
  printf ("rollup cache: %" G_GINT64_FORMAT " messages in %u slices, loaded in %.1f ms, +%ld MiB\n",
          totals.messages, cm_rollup_cache_get_n_slices (rollup), ms_since (start), (cm_bench_status_kb ("VmRSS:") - rss) / 1024);

  rss = cm_bench_status_kb ("VmRSS:");
  start = g_get_monotonic_time ();
  cm_rollup_cache_query_totals (by_session, NULL, &totals, &error);
  g_assert_no_error (error);
  printf ("session cache: %u slices, loaded in %.1f ms, +%ld MiB\n",
          cm_rollup_cache_get_n_slices (by_session), ms_since (start), (cm_bench_status_kb ("VmRSS:") - rss) / 1024);

  printf ("a filter change (overview, models and users groupings; or the sessions list):\n");
  run_filters ("views", store, rollup, FALSE);
  run_filters ("sessions", store, by_session, TRUE);
  /* Once the session cache is loaded it serves the views too. */
  run_filters ("views*", store, by_session, FALSE);

  return 0;
}
