/* cm-report-source.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* A report reads the local rollups in memory or, with a team database, the
 * team's figures aggregated in PostgreSQL: the same groupings and filter
 * either way, so every view follows the source unchanged. */

#include "config.h"

#include "cm-report-private.h"

void
cm_report_source_clear (CmReportSource *source)
{
  g_clear_object (&source->rollup);
  g_clear_object (&source->by_session);
  g_clear_object (&source->team);
}

gboolean
cm_report_source_query (const CmReportSource  *source,
                        const CmQueryFilter   *filter,
                        const CmGrouping      *groupings,
                        guint                  n_groupings,
                        GPtrArray            **results,
                        GError               **error)
{
  if (source->team != NULL)
    return cm_team_store_query (source->team, filter, groupings, n_groupings, results, error);

  return cm_rollup_cache_query (source->rollup, filter, groupings, n_groupings, results, error);
}

gboolean
cm_report_source_totals (const CmReportSource  *source,
                         const CmQueryFilter   *filter,
                         CmTotals              *totals,
                         GError               **error)
{
  if (source->team != NULL)
    return cm_team_store_query_totals (source->team, filter, totals, error);

  return cm_rollup_cache_query_totals (source->rollup, filter, totals, error);
}

GPtrArray *
cm_report_source_sessions (const CmReportSource  *source,
                           const CmQueryFilter   *filter,
                           GError               **error)
{
  if (source->team != NULL)
    return cm_team_store_query_sessions (source->team, filter, error);

  return cm_rollup_cache_query_sessions (source->by_session, filter, error);
}

gboolean
cm_report_source_is_admin (const CmReportSource *source)
{
  return source->team != NULL && cm_team_store_get_is_admin (source->team);
}
