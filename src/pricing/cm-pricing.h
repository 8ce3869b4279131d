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

/* Where a model's prices come from; a later layer replaces a model of an
 * earlier one whole. */
typedef enum
{
  CM_PRICE_LAYER_BUNDLED, /* data/pricing.json, shipped and dated */
  CM_PRICE_LAYER_UPDATED, /* fetched on request (Update Prices), dated */
  CM_PRICE_LAYER_USER,    /* the user's own override file */
} CmPriceLayer;

const char *cm_price_layer_to_string (CmPriceLayer layer); /* bundled, updated, user */

/* Five rates in price units (1e-4 USD per million tokens). */
typedef struct
{
  gint64 input;
  gint64 output;
  gint64 cache_write_5m;
  gint64 cache_write_1h;
  gint64 cache_read;
} CmRates;

/* One request to price. */
typedef struct
{
  const char    *model;          /* canonical id */
  CmBackend      backend;
  const CmUsage *usage;
  const char    *speed;          /* usage.speed: NULL, "" or "standard" is standard */
  const char    *inference_geo;  /* usage.inference_geo: NULL, "", "global" and
                                  * "not_available" are standard */
  gint64         timestamp_ms;   /* when it was sent (earlier dated rates); 0: now */
} CmPriceRequest;

/* What the table says of one model now, for lists. */
typedef struct
{
  char         *id;
  char         *name;        /* display name, or NULL */
  CmPriceLayer  layer;
  char         *layer_date;  /* YYYY-MM-DD of the layer (NULL for the user's) */
  char         *source;      /* page or list entry the figures come from, or NULL */
  CmRates       rates;
  gboolean      has_long;
  CmRates       long_rates;
  gint64        threshold;   /* prompt tokens above which long_rates apply */
  gint64        fast;        /* fast-mode multiplier x 10000; 0: none published */
  gint64        geo_us;      /* US-only multiplier x 10000; 0: none */
  guint         n_periods;   /* earlier dated rates it keeps */
} CmModelPrice;

void        cm_model_price_free      (CmModelPrice *price);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmModelPrice, cm_model_price_free)

#define CM_TYPE_PRICING (cm_pricing_get_type ())

/* A loaded table is read-only and may be used from any thread; merging into
 * it must not race with readers (load a new one and swap instead). */

G_DECLARE_FINAL_TYPE (CmPricing, cm_pricing, CM, PRICING, GObject)

GQuark      cm_pricing_error_quark         (void);

/* The shipped table (GResource /com/example/CostMeter/pricing.json), then
 * the updated layer $XDG_CONFIG_HOME/costmeter/pricing-updated.json (skipped
 * with a warning when it does not load) and the user's override
 * $XDG_CONFIG_HOME/costmeter/pricing.json on top, when they exist. */
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

/* The updated layer: a missing file is not an error. */
gboolean    cm_pricing_merge_update_file   (CmPricing        *self,
                                            const char       *path,
                                            GError          **error);
/* Where the updated layer is kept ($XDG_CONFIG_HOME/costmeter/pricing-updated.json). */
char       *cm_pricing_dup_update_file     (void);
/* The updated layer merged (its path, date and list address), or NULL. */
const char *cm_pricing_get_update_path     (CmPricing        *self);
const char *cm_pricing_get_update_date     (CmPricing        *self);
const char *cm_pricing_get_update_source   (CmPricing        *self);

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
/* Prices one standard request at today's rates (cm_pricing_price_request()
 * without speed, geography or date). Returns FALSE (and a zero @cost) when
 * the model has no price: the caller counts it as unpriced, never as $0. */
gboolean    cm_pricing_price               (CmPricing        *self,
                                            const char       *canonical,
                                            CmBackend         backend,
                                            const CmUsage    *usage,
                                            CmCost           *cost);
/* Prices one request with its speed, inference geography and date: every
 * token class at the rate in force then (the long-context rate for the whole
 * request when its prompt is above the threshold), times the fast-mode and
 * US-only multipliers, each product exact and rounded once to 1e-10 USD.
 * FALSE (unpriced, zero @cost) for a model without a price, and for a speed or
 * geography the model has no published multiplier for: never standard. */
gboolean    cm_pricing_price_request       (CmPricing            *self,
                                            const CmPriceRequest *request,
                                            CmCost               *cost);
/* Canonical ids in the table, sorted. */
GStrv       cm_pricing_dup_models          (CmPricing        *self);
/* The current figures of @canonical, or NULL when it has no price. */
CmModelPrice *cm_pricing_dup_model_price   (CmPricing        *self,
                                            const char       *canonical);

/* "3.75" (USD per million tokens, or a multiplier) in units of 1e-4:
 * 37500. At most 4 decimals, not negative, below 1,000,000. */
gboolean    cm_pricing_parse_price         (const char       *text,
                                            gint64           *units);

/* Fills the cache rates of @rates left at -1 from its input rate by
 * Anthropic's caching multipliers (5m writes 1.25x, 1h writes 2x, reads
 * 0.1x). FALSE, leaving @rates as it was, when one of them would need more
 * than 4 decimals: the caller asks for it instead. */
gboolean    cm_rates_fill_cache_defaults   (CmRates          *rates);

/* Sets @canonical's rates (and fast-mode multiplier x 10000, 0 for none) in
 * the user's override file @path, keeping everything else in it; the file is
 * replaced atomically. */
gboolean    cm_pricing_write_override      (const char       *path,
                                            const char       *canonical,
                                            const CmRates    *rates,
                                            gint64            fast,
                                            GError          **error);

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
