/* cm-set-price-dialog.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-pricing.h"

G_BEGIN_DECLS

#define CM_TYPE_SET_PRICE_DIALOG (cm_set_price_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CmSetPriceDialog, cm_set_price_dialog, CM, SET_PRICE_DIALOG, AdwMessageDialog)

/* "Set Price…" of an unpriced row: the rates of @model (a canonical id) in
 * USD per million tokens, and its fast-mode multiplier. The figures @pricing
 * has for it fill the fields; cache rates left empty follow Anthropic's
 * caching multipliers. Answers "set" (enabled while the figures are valid)
 * or "cancel"; the owner saves on "set" with cm_set_price_dialog_save(). */
CmSetPriceDialog *cm_set_price_dialog_new   (GtkWindow        *parent,
                                             CmPricing        *pricing,
                                             const char       *model);
const char       *cm_set_price_dialog_get_model (CmSetPriceDialog *self);
/* Writes the figures into the user's override file @path. */
gboolean          cm_set_price_dialog_save  (CmSetPriceDialog *self,
                                             const char       *path,
                                             GError          **error);
/* Types the figures (NULL leaves a field as it is; "" empties it) (tests). */
void              cm_set_price_dialog_fill  (CmSetPriceDialog *self,
                                             const char       *input,
                                             const char       *output,
                                             const char       *fast);

G_END_DECLS
