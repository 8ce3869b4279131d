/* cm-billed-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-admin-client.h"
#include "cm-billed.h"
#include "cm-export.h"

G_BEGIN_DECLS

#define CM_TYPE_BILLED_PAGE (cm_billed_page_get_type ())

G_DECLARE_FINAL_TYPE (CmBilledPage, cm_billed_page, CM, BILLED_PAGE, AdwBin)

typedef enum
{
  CM_BILLED_CARD_BILLED,
  CM_BILLED_CARD_ESTIMATED,
  CM_BILLED_CARD_UNEXPLAINED,
} CmBilledCard;

/* The Billed view: this UTC month's billed, estimated and unexplained
 * dollars, where the difference of the selected days comes from, the table
 * per UTC day and model, and Bedrock and Vertex apart. Until billing is on
 * (setting billing-enabled) and nothing was ever fetched, a page that says
 * what it would show and leads to Preferences → Organization. */
void         cm_billed_page_setup          (CmBilledPage   *self,
                                            CmBilled       *billed,
                                            CmAdminClient  *client,
                                            GSettings      *settings);
/* "off" or "content". */
const char  *cm_billed_page_get_state      (CmBilledPage   *self);
/* The rows as shown (sorted by the column headers). */
GListModel  *cm_billed_page_get_rows       (CmBilledPage   *self);
GtkColumnView *cm_billed_page_get_view     (CmBilledPage   *self);
const char  *cm_billed_page_get_card_text  (CmBilledPage   *self,
                                            CmBilledCard    card);
/* Every explanation row as "title\tamount\tsubtitle" lines. */
char        *cm_billed_page_dup_explanations (CmBilledPage *self);
/* The Bedrock and Vertex rows as "title\tamount" lines. */
char        *cm_billed_page_dup_apart      (CmBilledPage   *self);
const char  *cm_billed_page_get_status     (CmBilledPage   *self);
char        *cm_billed_page_dup_export     (CmBilledPage   *self,
                                            CmExportFormat  format,
                                            char          **suggested_name);

G_END_DECLS
