/* cm-overview-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-cost-chart.h"
#include "cm-report.h"
#include "cm-plan-monitor.h"
#include "cm-spend-card.h"
#include "cm-usage-card.h"

G_BEGIN_DECLS

#define CM_TYPE_OVERVIEW_PAGE (cm_overview_page_get_type ())

G_DECLARE_FINAL_TYPE (CmOverviewPage, cm_overview_page, CM, OVERVIEW_PAGE, AdwBin)

/* Spend cards, the by-backend breakdown, the cost-per-day chart, top projects. */
void         cm_overview_page_set_report         (CmOverviewPage *self,
                                                  CmReport       *report);
CmSpendCard *cm_overview_page_get_card           (CmOverviewPage *self,
                                                  CmPeriod        period);
CmCostChart *cm_overview_page_get_chart          (CmOverviewPage *self);
/* The budgets on the Today and This month cards, the chart's budget line
 * and the banner when one is exceeded; the Usage card's plan windows. */
void         cm_overview_page_set_monitors       (CmOverviewPage  *self,
                                                  CmBudgetMonitor *budget,
                                                  CmPlanMonitor   *plan,
                                                  GSettings       *settings);
gboolean     cm_overview_page_get_banner_shown   (CmOverviewPage *self);
const char  *cm_overview_page_get_banner_text    (CmOverviewPage *self);
CmUsageCard *cm_overview_page_get_usage_card     (CmOverviewPage *self);
/* The breakdown as shown: one "label\tamount" line per row, the total last. */
char        *cm_overview_page_dup_breakdown_text (CmOverviewPage *self);
/* The top-projects list as shown, one "project\tamount" line per row. */
char        *cm_overview_page_dup_projects_text  (CmOverviewPage *self);

G_END_DECLS
