/* cm-pricing.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-types.h"

G_BEGIN_DECLS

#define CM_PRICING_ERROR (cm_pricing_error_quark ())

typedef enum
{
  CM_PRICING_ERROR_INVALID,
} CmPricingError;

#define CM_TYPE_PRICING (cm_pricing_get_type ())

/* A loaded table is read-only and may be used from any thread; merging into
 * it must not race with readers (load a new one and swap instead). */

G_DECLARE_FINAL_TYPE (CmPricing, cm_pricing, CM, PRICING, GObject)

GQuark      cm_pricing_error_quark         (void);

/* The shipped table (GResource /com/example/CostMeter/pricing.json), then
 * $XDG_CONFIG_HOME/costmeter/pricing.json on top when it exists. */
CmPricing  *cm_pricing_new_default         (GError          **error);
CmPricing  *cm_pricing_new_from_bytes      (GBytes           *json,
                                            GError          **error);
/* Entries of the file replace or add models; a missing file is not an error. */
gboolean    cm_pricing_merge_file          (CmPricing        *self,
                                            const char       *path,
                                            GError          **error);
gboolean    cm_pricing_merge_bytes         (CmPricing        *self,
                                            GBytes           *json,
                                            GError          **error);

/* "YYYY-MM-DD": when the shipped prices were last checked. */
const char *cm_pricing_get_verified        (CmPricing        *self);
/* The path of the user override that was merged, or NULL. */
const char *cm_pricing_get_override_path   (CmPricing        *self);
/* Changes whenever any effective price changes: stored with the messages so a
 * new table re-prices history. */
const char *cm_pricing_get_fingerprint     (CmPricing        *self);

/* The price-table id for a raw model string (Bedrock and Vertex forms map to
 * the same entry); for a model without an entry, the normalised raw string. */
char       *cm_pricing_canonicalize_model  (CmPricing        *self,
                                            const char       *model_raw);
gboolean    cm_pricing_has_model           (CmPricing        *self,
                                            const char       *canonical);
/* Prices one request. Returns FALSE (and a zero @cost) when the model has no
 * price: the caller counts it as unpriced, never as $0. */
gboolean    cm_pricing_price               (CmPricing        *self,
                                            const char       *canonical,
                                            CmBackend         backend,
                                            const CmUsage    *usage,
                                            CmCost           *cost);
/* Canonical ids in the table, sorted. */
GStrv       cm_pricing_dup_models          (CmPricing        *self);

/* The shipped table alone: the fallback when the user override is broken. */
CmPricing  *cm_pricing_new_builtin         (GError          **error);
/* Where the user override is looked for ($XDG_CONFIG_HOME/costmeter/pricing.json). */
char       *cm_pricing_dup_override_file   (void);
/* Whether dollars of @canonical on @backend are a parity estimate (the backend
 * is in estimated_backends and the model has no own prices for it); the same
 * value cm_pricing_price() puts in CmCost.estimated. */
gboolean    cm_pricing_is_estimated_backend (CmPricing       *self,
                                             const char      *canonical,
                                             CmBackend        backend);

G_END_DECLS
