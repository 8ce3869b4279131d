/* cm-report-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* Shared by cm-report.c and cm-report-source.c only. */

#include "cm-rollup-cache.h"
#include "cm-team-store.h"

G_BEGIN_DECLS

/* Where a report's figures come from: the local store's rollups in memory
 * (@rollup for the views, @by_session for the sessions list), or the team
 * database when @team is set, aggregated there. */
typedef struct
{
  CmRollupCache *rollup;
  CmRollupCache *by_session;
  CmTeamStore   *team;
} CmReportSource;

void       cm_report_source_clear    (CmReportSource       *source);
gboolean   cm_report_source_query    (const CmReportSource *source,
                                      const CmQueryFilter  *filter,
                                      const CmGrouping     *groupings,
                                      guint                 n_groupings,
                                      GPtrArray           **results,
                                      GError              **error);
gboolean   cm_report_source_totals   (const CmReportSource *source,
                                      const CmQueryFilter  *filter,
                                      CmTotals             *totals,
                                      GError              **error);
GPtrArray *cm_report_source_sessions (const CmReportSource *source,
                                      const CmQueryFilter  *filter,
                                      GError              **error);
/* The team's admin flag once a query has run; FALSE for the local store. */
gboolean   cm_report_source_is_admin (const CmReportSource *source);

G_END_DECLS
