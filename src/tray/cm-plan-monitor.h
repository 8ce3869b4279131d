/* cm-plan-monitor.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-budget-monitor.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_PLAN_WINDOW_FIVE_HOUR,
  CM_PLAN_WINDOW_SEVEN_DAY,
  CM_N_PLAN_WINDOWS
} CmPlanWindow;

#define CM_TYPE_PLAN_MONITOR (cm_plan_monitor_get_type ())

G_DECLARE_FINAL_TYPE (CmPlanMonitor, cm_plan_monitor, CM, PLAN_MONITOR, GObject)

/* Follows the plan's 5-hour and weekly windows as Claude Code's status line
 * last reported them (costmeter-cli statusline records them from another
 * process, so the store is read again every 30 s as well as on its changes)
 * and the 5-hour block running now. Notifies through @application (may be
 * NULL) once per window when its use reaches 80 % and 100 %, remembered in
 * @settings' plan-notified across restarts. */
CmPlanMonitor *cm_plan_monitor_new          (CmStore             *store,
                                             GSettings           *settings,
                                             GApplication        *application);

/* The window's use (0-100 and more) and when it resets, while it lasts;
 * FALSE when no reading has it or it has reset since. */
gboolean       cm_plan_monitor_get_window   (CmPlanMonitor       *self,
                                             CmPlanWindow         window,
                                             double              *percent,
                                             gint64              *reset_ms);
/* How full the window is: warning from 80 %, over from 100 %. */
CmBudgetLevel  cm_plan_monitor_get_level    (CmPlanMonitor       *self,
                                             CmPlanWindow         window);
/* When the newest reading was made (Unix ms), 0 without one. */
gint64         cm_plan_monitor_get_observed (CmPlanMonitor       *self);
/* The block running now, of the filter's messages; NULL when none. */
const CmBlock *cm_plan_monitor_get_block    (CmPlanMonitor       *self);
/* Which messages make the block (the window's filter; dates are ignored). */
void           cm_plan_monitor_set_filter   (CmPlanMonitor       *self,
                                             const CmQueryFilter *filter);
gboolean       cm_plan_monitor_get_ready    (CmPlanMonitor       *self);
/* The monitor's clock, Unix ms. */
gint64         cm_plan_monitor_get_now      (CmPlanMonitor       *self);

void           cm_plan_monitor_refresh      (CmPlanMonitor       *self);
/* For tests: the clock, in Unix seconds; 0 = the real clock. */
void           cm_plan_monitor_set_now      (CmPlanMonitor       *self,
                                             gint64               unix_seconds);

G_END_DECLS
