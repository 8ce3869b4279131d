/* cm-application.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-admin-client.h"
#include "cm-billed.h"
#include "cm-filter.h"
#include "cm-pricing.h"
#include "cm-report.h"
#include "cm-scanner.h"
#include "cm-store.h"
#include "cm-team-sync.h"
#include "cm-tray.h"

G_BEGIN_DECLS

#define CM_TYPE_APPLICATION (cm_application_get_type ())

G_DECLARE_FINAL_TYPE (CmApplication, cm_application, CM, APPLICATION, AdwApplication)

CmApplication *cm_application_new          (void);
/* Before the application is registered (tests; --demo and --db set them). */
void           cm_application_set_demo_dir (CmApplication *self,
                                            const char    *path);
void           cm_application_set_db_path  (CmApplication *self,
                                            const char    *path);

CmStore       *cm_application_get_store    (CmApplication *self);
CmPricing     *cm_application_get_pricing  (CmApplication *self);
CmScanner     *cm_application_get_scanner  (CmApplication *self);
CmFilter      *cm_application_get_filter   (CmApplication *self);
CmReport      *cm_application_get_report   (CmApplication *self);
GSettings     *cm_application_get_settings (CmApplication *self);
/* The Admin API client (fetches the bill while billing-enabled is on) and
 * billed versus estimated for the Billed view. */
CmAdminClient *cm_application_get_admin_client (CmApplication *self);
CmBilled      *cm_application_get_billed   (CmApplication *self);
/* The team database link (a connection may not be set). */
CmTeamSync    *cm_application_get_team_sync (CmApplication *self);
/* TRUE while a scan runs (the first one shows progress). */
/* The tray with its budget and plan-window monitors (NULL before startup). */
CmTray        *cm_application_get_tray     (CmApplication *self);
gboolean       cm_application_get_scanning (CmApplication *self);
/* Scan now (again after the running scan when one runs). */
void           cm_application_rescan       (CmApplication *self);
/* Reads the price table again (the user's prices changed) and re-prices
 * history with it; FALSE, keeping the table in use, when it cannot be read. */
gboolean       cm_application_reload_pricing (CmApplication *self,
                                              GError       **error);

G_END_DECLS
