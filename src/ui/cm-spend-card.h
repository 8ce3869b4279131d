/* cm-spend-card.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cm-budget-monitor.h"
#include "cm-group-item.h"

G_BEGIN_DECLS

#define CM_TYPE_SPEND_CARD (cm_spend_card_get_type ())

G_DECLARE_FINAL_TYPE (CmSpendCard, cm_spend_card, CM, SPEND_CARD, GtkBox)

/* One spend figure: a title, the dollars (with "est." and "+ N unpriced
 * messages" when they apply) and the message count. */
const char *cm_spend_card_get_title       (CmSpendCard *self);
void        cm_spend_card_set_title       (CmSpendCard *self,
                                           const char  *title);
void        cm_spend_card_set_totals      (CmSpendCard *self,
                                           CmGroupItem *totals);
const char *cm_spend_card_get_amount_text (CmSpendCard *self);
const char *cm_spend_card_get_detail_text (CmSpendCard *self);
gboolean    cm_spend_card_get_estimated   (CmSpendCard *self);
void        cm_spend_card_set_comparison  (CmSpendCard    *self,
                                           const CmTotals *previous,
                                           guint           n_days);
const char *cm_spend_card_get_comparison_text (CmSpendCard *self);
void        cm_spend_card_set_budget      (CmSpendCard *self,
                                           CmMoney      spend,
                                           CmMoney      budget);
CmBudgetLevel cm_spend_card_get_budget_level (CmSpendCard *self);
const char *cm_spend_card_get_budget_text (CmSpendCard *self);
GtkLevelBar *cm_spend_card_get_budget_bar (CmSpendCard *self);

G_END_DECLS
