/* cm-pricing-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shared by the price table object (cm-pricing.c) and the reader of the
 * table's JSON (cm-pricing-table.c): the table as it is held in memory. */

#pragma once

#include "cm-pricing.h"

G_BEGIN_DECLS

/* Rates in price units (1e-4 USD) per million tokens. */
typedef struct
{
  gint64 input;
  gint64 output;
  gint64 cache_write_5m;
  gint64 cache_write_1h;
  gint64 cache_read;
} Rates;

typedef struct
{
  Rates    base;
  gboolean has_long;
  Rates    long_context;
} RateSet;

typedef struct
{
  char     *id;
  RateSet   rates;
  RateSet  *backends[CM_N_BACKENDS]; /* own prices of a backend, or NULL */
  GPtrArray *aliases;                /* char*, lower-cased */
} Model;

struct _CmPricing
{
  GObject     parent_instance;

  GHashTable *models;   /* id -> Model (refcounted) */
  GHashTable *aliases;  /* alias -> id (borrowed from the Model) */
  char       *verified;
  char       *override_path;
  char       *fingerprint;
  gint64      long_context_threshold;
  gint64      web_search_per_1000; /* price units (1e-4 USD) per 1000 searches */
  guint       estimated_mask;      /* 1 << CmBackend */
};

/* A GDestroyNotify for Model: they are shared between tables (g_rc_box). */
void     cm_pricing_model_unref     (gpointer      data);
/* For sorting an array of strings. */
int      cm_pricing_compare_strings (gconstpointer a,
                                     gconstpointer b);
/* Merges the JSON table @json into @self, all or nothing; @require_all is
 * set for the shipped table, which must have every global key. */
gboolean cm_pricing_load_bytes      (CmPricing    *self,
                                     GBytes       *json,
                                     gboolean      require_all,
                                     GError      **error);

G_END_DECLS
