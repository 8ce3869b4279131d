/* cm-billed-item.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cm-billed-compare.h"

G_BEGIN_DECLS

#define CM_TYPE_BILLED_ITEM (cm_billed_item_get_type ())

G_DECLARE_FINAL_TYPE (CmBilledItem, cm_billed_item, CM, BILLED_ITEM, GObject)

/* One row of the Billed view (a UTC day and model) with its figures as
 * read-only properties: "day", "label" (the model, or the day's charges that
 * are not per token), "billed", "estimated", "difference", "explained"
 * (1e-10 USD), "difference-ratio" and "token-agreement" (doubles; "has-ratio"
 * and "has-agreement" say whether there is one), their texts
 * "difference-text" ("+5.3 %") and "agreement-text" ("99.8 %", or "—"),
 * "why" (the reasons, in words), "whose", "fetched" and "muted" (a day
 * whose bill was not fetched). Immutable. */
CmBilledItem      *cm_billed_item_new         (const CmBilledRow *row);
const CmBilledRow *cm_billed_item_get_row     (CmBilledItem      *self);
const char        *cm_billed_item_get_label   (CmBilledItem      *self);
const char        *cm_billed_item_get_why     (CmBilledItem      *self);

/* The reasons of @reasons (CmBilledReason flags) in words, translated. */
char              *cm_billed_reasons_text     (guint              reasons);
/* One reason in words, for the explanations. */
const char        *cm_billed_reason_title     (CmBilledReason     reason);

G_END_DECLS
