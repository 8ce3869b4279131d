/* cm-users-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-report.h"
#include "cm-table-page.h"

G_BEGIN_DECLS

#define CM_TYPE_USERS_PAGE (cm_users_page_get_type ())

G_DECLARE_FINAL_TYPE (CmUsersPage, cm_users_page, CM, USERS_PAGE, AdwBin)

/* "Spend by user": Bedrock, Anthropic, Vertex, Unknown, total; ranked by
 * Bedrock spend until a column header sorts it; the Unattributed row last
 * and muted whatever the sort. */
CmTablePage *cm_users_page_get_table  (CmUsersPage *self);
/* The rows in the order shown. */
GListModel  *cm_users_page_get_rows   (CmUsersPage *self);

/* The Organization table (issue 21): @org_users (CmOrgUserItem, see
 * cm_billed_get_org_users()) beside the transcript users, one or the other
 * shown by a switch that appears once the Claude Code analytics name
 * someone. */
void           cm_users_page_set_org_users      (CmUsersPage     *self,
                                                 GListModel      *org_users);
gboolean       cm_users_page_get_organization   (CmUsersPage     *self);
void           cm_users_page_set_organization   (CmUsersPage     *self,
                                                 gboolean         organization);
gboolean       cm_users_page_get_switch_visible (CmUsersPage     *self);
/* The Organization rows in the order shown. */
GListModel    *cm_users_page_get_org_rows       (CmUsersPage     *self);
GtkColumnView *cm_users_page_get_org_view       (CmUsersPage     *self);
/* The table shown, exported ("costmeter-users" or "costmeter-org-users"). */
char          *cm_users_page_dup_export         (CmUsersPage     *self,
                                                 CmExportFormat   format,
                                                 char           **suggested_name);

G_END_DECLS
