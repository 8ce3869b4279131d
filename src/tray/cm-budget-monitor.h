/* cm-budget-monitor.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-store.h"
#include "cm-types.h"

G_BEGIN_DECLS

typedef enum
{
  CM_BUDGET_LEVEL_NONE,     /* no budget, or below 80 % */
  CM_BUDGET_LEVEL_WARNING,  /* at least 80 % */
  CM_BUDGET_LEVEL_OVER,     /* at least 100 % */
} CmBudgetLevel;

#define CM_TYPE_BUDGET_LEVEL (cm_budget_level_get_type ())
GType cm_budget_level_get_type (void);

#define CM_TYPE_BUDGET_MONITOR (cm_budget_monitor_get_type ())

G_DECLARE_FINAL_TYPE (CmBudgetMonitor, cm_budget_monitor, CM, BUDGET_MONITOR, GObject)

/* Recomputes today's and this month's spend whenever @store changes, the
 * budgets change or the day turns. @settings is a com.example.CostMeter
 * GSettings; @application (may be NULL) receives the notifications. */
CmBudgetMonitor *cm_budget_monitor_new             (CmStore         *store,
                                                    GSettings       *settings,
                                                    GApplication    *application);

CmMoney          cm_budget_monitor_get_today_spend (CmBudgetMonitor *self);
CmMoney          cm_budget_monitor_get_month_spend (CmBudgetMonitor *self);
CmBudgetLevel    cm_budget_monitor_get_day_level   (CmBudgetMonitor *self);
CmBudgetLevel    cm_budget_monitor_get_month_level (CmBudgetMonitor *self);
/* The worse of the two levels. */
CmBudgetLevel    cm_budget_monitor_get_level       (CmBudgetMonitor *self);
/* TRUE once the first computation has finished. */
gboolean         cm_budget_monitor_get_ready       (CmBudgetMonitor *self);

/* Starts a recomputation (it also happens on its own). */
void             cm_budget_monitor_refresh         (CmBudgetMonitor *self);

/* For tests: the clock, in Unix seconds; 0 = the real clock. */
void             cm_budget_monitor_set_now         (CmBudgetMonitor *self,
                                                    gint64           unix_seconds);

G_END_DECLS
