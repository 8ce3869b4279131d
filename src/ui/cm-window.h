/* cm-window.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-application.h"
#include "cm-billed-page.h"
#include "cm-filter-bar.h"
#include "cm-models-page.h"
#include "cm-overview-page.h"
#include "cm-range-hint.h"
#include "cm-sessions-page.h"
#include "cm-users-page.h"

G_BEGIN_DECLS

#define CM_TYPE_WINDOW (cm_window_get_type ())

G_DECLARE_FINAL_TYPE (CmWindow, cm_window, CM, WINDOW, AdwApplicationWindow)

CmWindow       *cm_window_new                (CmApplication  *application);
CmReport       *cm_window_get_report         (CmWindow       *self);
CmFilterBar    *cm_window_get_filter_bar     (CmWindow       *self);
CmOverviewPage *cm_window_get_overview_page  (CmWindow       *self);
CmModelsPage   *cm_window_get_models_page    (CmWindow       *self);
CmUsersPage    *cm_window_get_users_page     (CmWindow       *self);
CmSessionsPage *cm_window_get_sessions_page  (CmWindow       *self);
CmBilledPage   *cm_window_get_billed_page    (CmWindow       *self);
AdwViewStack   *cm_window_get_view_stack     (CmWindow       *self);
/* "overview", "models", "users", "sessions" or "billed". */
const char     *cm_window_get_view           (CmWindow       *self);
void            cm_window_set_view           (CmWindow       *self,
                                              const char     *name);
/* "content" or "empty". */
const char     *cm_window_get_state          (CmWindow       *self);
const char     *cm_window_get_empty_text     (CmWindow       *self);
/* For the rate-limit chip and other header extras. */
void            cm_window_add_header_widget  (CmWindow       *self,
                                              GtkWidget      *widget);
/* The visible table as CSV or JSON text (what "Export" writes). */
char           *cm_window_dup_export         (CmWindow       *self,
                                              CmExportFormat  format,
                                              char          **suggested_name);
/* What Export proposes: the view and the filter's days
 * ("costmeter-models-2026-09-01-to-2026-09-30.csv"). */
char           *cm_window_dup_export_name    (CmWindow       *self,
                                              CmExportFormat  format);
/* Writes the visible table to @file and says so in a toast. */
gboolean        cm_window_export_to_file     (CmWindow       *self,
                                              GFile          *file,
                                              CmExportFormat  format,
                                              GError        **error);
void            cm_window_add_toast          (CmWindow       *self,
                                              AdwToast       *toast);
/* The line that says when the transcripts are from, when the selected days
 * hold none of them. */
CmRangeHint    *cm_window_get_range_hint     (CmWindow       *self);
/* The title of the last toast shown (tests). */
const char     *cm_window_get_last_toast     (CmWindow       *self);

G_END_DECLS
