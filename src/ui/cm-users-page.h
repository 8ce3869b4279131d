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

G_END_DECLS
