/* cm-users-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-export.h"
#include "cm-report.h"

G_BEGIN_DECLS

#define CM_TYPE_USERS_PAGE (cm_users_page_get_type ())

G_DECLARE_FINAL_TYPE (CmUsersPage, cm_users_page, CM, USERS_PAGE, AdwBin)

/* "Spend by user": Bedrock, Anthropic, Vertex, Unknown, total; ranked by
 * Bedrock spend, the Unattributed row last and muted. */
void                  cm_users_page_set_report   (CmUsersPage          *self,
                                                   CmReport              *report);
GtkColumnView        *cm_users_page_get_view     (CmUsersPage          *self);
/* The rows in the order shown. */
GListModel           *cm_users_page_get_rows     (CmUsersPage          *self);
const CmExportColumn *cm_users_page_get_export   (guint                 *n_columns);

G_END_DECLS
