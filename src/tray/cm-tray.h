/* cm-tray.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-budget-monitor.h"
#include "cm-plan-monitor.h"
#include "cm-status-notifier.h"
#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TRAY_ICON_NAME         "com.example.CostMeter-symbolic"
#define CM_TRAY_ICON_NAME_WARNING "dialog-warning-symbolic"
#define CM_TRAY_ICON_NAME_OVER    "dialog-error-symbolic"

#define CM_TYPE_TRAY (cm_tray_get_type ())

G_DECLARE_FINAL_TYPE (CmTray, cm_tray, CM, TRAY, GObject)

/* Ties the budget and plan monitors to the status notifier: the title shows
 * the plan's 5-hour window use when known, else today's and the month's
 * spend (the tooltip both), the icon the worse of the budget and plan-window
 * levels. The
 * notifier exists while tray-enabled is set; while run-in-background is set
 * the application is held so closing the window keeps it running. */
CmTray           *cm_tray_new                 (GApplication *application,
                                               CmStore      *store,
                                               GSettings    *settings);
CmStatusNotifier *cm_tray_get_status_notifier (CmTray       *self);
CmBudgetMonitor  *cm_tray_get_budget_monitor  (CmTray       *self);
CmPlanMonitor    *cm_tray_get_plan_monitor    (CmTray       *self);

/* Creates a CmTray owned by @application (dropped when it shuts down) and
 * returns it (transfer none). */
CmTray           *cm_tray_attach              (GApplication *application,
                                               CmStore      *store,
                                               GSettings    *settings);

G_END_DECLS
