/* cm-sessions-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-report.h"
#include "cm-session-detail.h"
#include "cm-table-page.h"

G_BEGIN_DECLS

#define CM_TYPE_SESSIONS_PAGE (cm_sessions_page_get_type ())

G_DECLARE_FINAL_TYPE (CmSessionsPage, cm_sessions_page, CM, SESSIONS_PAGE, AdwBin)

/* Sessions (project, start, duration, models, cost); activating one shows
 * its messages. */
CmTablePage          *cm_sessions_page_get_table    (CmSessionsPage *self);
GListModel           *cm_sessions_page_get_rows     (CmSessionsPage *self);
CmSessionDetail      *cm_sessions_page_get_detail   (CmSessionsPage *self);
/* Opens the session at @position of the shown rows. */
void                  cm_sessions_page_open         (CmSessionsPage *self,
                                                     guint           position);
gboolean              cm_sessions_page_get_showing_detail (CmSessionsPage *self);

G_END_DECLS
