/* cm-billed.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-billed-compare.h"
#include "cm-billed-item.h"
#include "cm-filter.h"

G_BEGIN_DECLS

#define CM_TYPE_BILLED (cm_billed_get_type ())

G_DECLARE_FINAL_TYPE (CmBilled, cm_billed, CM, BILLED, GObject)

/* Billed versus estimated for the Billed view: the comparison of the
 * filter's date range (its days taken as UTC days) as CmBilledItem rows, and
 * of this UTC month for the header cards. Read on a worker thread whenever
 * the filter or the store changes or cm_billed_refresh() is called (after a
 * fetch); "updated" follows on the main thread. */
CmBilled                 *cm_billed_new         (CmStore      *store,
                                                 CmFilter     *filter);
void                      cm_billed_set_pricing (CmBilled     *self,
                                                 CmPricing    *pricing);
/* CmBilledItem, by day then model. */
GListModel               *cm_billed_get_rows    (CmBilled     *self);
/* CmOrgUserItem: the organization's Claude Code analytics of the same UTC
 * days merged with the transcript users by e-mail (cm_org_users_read()),
 * costliest first, Unattributed last. */
GListModel               *cm_billed_get_org_users (CmBilled   *self);
/* TRUE when a row of it comes from the analytics records. */
gboolean                  cm_billed_has_org_records (CmBilled *self);
/* NULL until the first read. */
const CmBilledComparison *cm_billed_get_range   (CmBilled     *self);
const CmBilledComparison *cm_billed_get_month   (CmBilled     *self);
gboolean                  cm_billed_get_loading (CmBilled     *self);
/* How many results were applied (0: nothing read yet). */
guint                     cm_billed_get_serial  (CmBilled     *self);
const GError             *cm_billed_get_error   (CmBilled     *self);
void                      cm_billed_refresh     (CmBilled     *self);
/* Tests and the demo pin "now" (which month, which days settle); 0: the
 * clock. */
void                      cm_billed_set_now_ms  (CmBilled     *self,
                                                 gint64        now_ms);

G_END_DECLS
