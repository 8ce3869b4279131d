/* cm-pricing-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cm-pricing.h"

G_BEGIN_DECLS

/* The table's insides, shared by cm-pricing.c (the object, loading, names),
 * cm-pricing-table.c (reading a table) and cm-pricing-bill.c (the rules). */

/* Prices at or above this many USD per MTok are a typo, not a price. */
#define CM_PRICE_MAX_USD 1000000
/* Multipliers are kept to 4 decimals: 1.1 is 11000. */
#define CM_MULTIPLIER_ONE 10000

typedef CmRates Rates;

typedef struct
{
  Rates    base;
  gboolean has_long;
  Rates    long_context;
  gint64   threshold;   /* prompt tokens; 0: the table's long_context_threshold */
  gboolean long_fast;   /* the premium applies to fast requests too */
} RateSet;

/* The rates a model had before @until_ms (UTC midnight of the entry's date). */
typedef struct
{
  gint64  until_ms;
  char   *date;
  RateSet rates;
} Period;

/* One value of usage.speed or usage.inference_geo and what it multiplies by. */
typedef struct
{
  char   *value;
  gint64  factor;       /* CM_MULTIPLIER_ONE = 1 */
} Multiplier;

typedef struct
{
  char         *id;
  char         *name;          /* "Claude Opus 5", or NULL */
  char         *source;        /* where the figures were read, or NULL */
  char         *verified;      /* YYYY-MM-DD of that reading, or NULL */
  CmPriceLayer  layer;
  char         *layer_date;    /* the layer's date: verified, updated, NULL for the user's */
  RateSet       rates;
  GArray       *periods;       /* Period, by until_ms; NULL: none */
  GArray       *speeds;        /* Multiplier; NULL: standard speed only */
  GArray       *geos;          /* Multiplier; NULL: no US-only pricing */
  RateSet      *backends[CM_N_BACKENDS]; /* own prices of a backend, or NULL */
  GPtrArray    *aliases;       /* char*, lower-cased */
} Model;

struct _CmPricing
{
  GObject     parent_instance;

  GHashTable *models;   /* id -> Model (refcounted) */
  GHashTable *aliases;  /* alias -> id (borrowed from the Model) */
  char       *verified;
  char       *update_path;
  char       *update_date;
  char       *update_source;
  char       *override_path;
  char       *fingerprint;
  gint64      long_context_threshold;
  gint64      web_search_per_1000; /* price units (1e-4 USD) per 1000 searches */
  guint       estimated_mask;      /* 1 << CmBackend */
};

void      cm_pricing_model_unref       (gpointer     model);
Model    *cm_pricing_find_model        (CmPricing   *self,
                                        const char  *canonical);
void      cm_pricing_update_fingerprint (CmPricing  *self);

/* Reads one table (the whole shipped one when @require_all) into @self as
 * @layer; nothing changes unless all of it is valid. */
gboolean  cm_pricing_merge_node        (CmPricing   *self,
                                        JsonNode    *root,
                                        gboolean     require_all,
                                        CmPriceLayer layer,
                                        GError     **error);

G_END_DECLS
