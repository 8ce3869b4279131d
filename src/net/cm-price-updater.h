/* cm-price-updater.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-price-list.h"

G_BEGIN_DECLS

#define CM_PRICE_UPDATE_ERROR (cm_price_update_error_quark ())

typedef enum
{
  CM_PRICE_UPDATE_ERROR_BAD_URL,     /* not an http(s) URL */
  CM_PRICE_UPDATE_ERROR_NETWORK,     /* offline, DNS, refused, TLS ... */
  CM_PRICE_UPDATE_ERROR_TIMEOUT,
  CM_PRICE_UPDATE_ERROR_HTTP,        /* a status other than 200 */
  CM_PRICE_UPDATE_ERROR_TOO_LARGE,
  CM_PRICE_UPDATE_ERROR_MALFORMED,   /* not the list's JSON */
  CM_PRICE_UPDATE_ERROR_IMPLAUSIBLE, /* a figure failed the checks */
  CM_PRICE_UPDATE_ERROR_WRITE,       /* the layer could not be saved */
} CmPriceUpdateError;

GQuark cm_price_update_error_quark (void);

/* LiteLLM's list, the one ccusage reads. */
#define CM_PRICE_LIST_DEFAULT_URL \
  "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json"

/* What an update did. */
typedef struct
{
  CmPriceListSummary *summary;
  char               *date;   /* YYYY-MM-DD (UTC) of the fetch */
  char               *source; /* the URL */
  char               *path;   /* where the layer was written */
} CmPriceUpdateResult;

void cm_price_update_result_free (CmPriceUpdateResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmPriceUpdateResult, cm_price_update_result_free)

#define CM_TYPE_PRICE_UPDATER (cm_price_updater_get_type ())

G_DECLARE_FINAL_TYPE (CmPriceUpdater, cm_price_updater, CM, PRICE_UPDATER, GObject)

CmPriceUpdater      *cm_price_updater_new            (void);

const char          *cm_price_updater_get_url        (CmPriceUpdater       *self);
void                 cm_price_updater_set_url        (CmPriceUpdater       *self,
                                                      const char           *url);
guint                cm_price_updater_get_timeout    (CmPriceUpdater       *self);
void                 cm_price_updater_set_timeout    (CmPriceUpdater       *self,
                                                      guint                 seconds);
/* The layer file (default: cm_pricing_dup_update_file ()). */
const char          *cm_price_updater_get_layer_path (CmPriceUpdater       *self);
void                 cm_price_updater_set_layer_path (CmPriceUpdater       *self,
                                                      const char           *path);

/* Fetches the list, converts and checks it against @current and saves it as
 * the dated layer. On any failure the layer file is left as it was and the
 * GError says why. The work runs on a worker thread. */
void                 cm_price_updater_update_async   (CmPriceUpdater       *self,
                                                      CmPricing            *current,
                                                      GCancellable         *cancellable,
                                                      GAsyncReadyCallback   callback,
                                                      gpointer              user_data);
CmPriceUpdateResult *cm_price_updater_update_finish  (CmPriceUpdater       *self,
                                                      GAsyncResult         *result,
                                                      GError              **error);
/* The same, blocking (for the command line). */
CmPriceUpdateResult *cm_price_updater_update         (CmPriceUpdater       *self,
                                                      CmPricing            *current,
                                                      GCancellable         *cancellable,
                                                      GError              **error);

G_END_DECLS
