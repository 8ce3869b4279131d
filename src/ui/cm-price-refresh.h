/* cm-price-refresh.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-price-updater.h"
#include "cm-store.h"

G_BEGIN_DECLS

/* What Update Prices did. */
typedef struct
{
  CmPriceUpdateResult *update;  /* the list's models updated, added ... */
  CmPricing           *pricing; /* the table now in force */
  CmTotals             before;  /* the whole history, before and after */
  CmTotals             after;
  gint64               changed; /* messages whose figures changed */
} CmPriceRefresh;

void            cm_price_refresh_free          (CmPriceRefresh       *refresh);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmPriceRefresh, cm_price_refresh_free)

/* On a worker thread: fetches the public price list ($COSTMETER_PRICE_LIST_URL,
 * else LiteLLM's, within $COSTMETER_PRICE_LIST_TIMEOUT seconds, else 30),
 * saves it as the updated layer, reads the table again and re-prices
 * @store's history with it. On a failure before the layer is saved the
 * prices are as they were and the error says why. @current may be NULL
 * (the table on disk is the one checked against). */
void            cm_price_refresh_update_async  (CmStore              *store,
                                                CmPricing            *current,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
CmPriceRefresh *cm_price_refresh_update_finish (GAsyncResult         *result,
                                                GError              **error);
/* "12 models updated, 3 added; history re-priced: +$41.20" */
char           *cm_price_refresh_describe      (const CmPriceRefresh *refresh);

G_END_DECLS
