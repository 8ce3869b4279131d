/* cm-price-list.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-pricing.h"

G_BEGIN_DECLS

#define CM_PRICE_LIST_ERROR (cm_price_list_error_quark ())

typedef enum
{
  CM_PRICE_LIST_ERROR_MALFORMED,   /* not the list's JSON shape, or no Claude model in it */
  CM_PRICE_LIST_ERROR_IMPLAUSIBLE, /* a figure out of range, inconsistent or far off the table */
} CmPriceListError;

GQuark cm_price_list_error_quark (void);

/* What a converted list changes against the table it was checked with. */
typedef struct
{
  GPtrArray *added;     /* char*: models the table did not price */
  GPtrArray *updated;   /* char*: models whose rates or multipliers differ */
  GPtrArray *unchanged; /* char* */
  GPtrArray *skipped;   /* char*: "key: reason" for Claude entries left out */
} CmPriceListSummary;

void                cm_price_list_summary_free (CmPriceListSummary *summary);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmPriceListSummary, cm_price_list_summary_free)

/* Reads LiteLLM's model_prices_and_context_window.json (per-token USD prices
 * keyed by model id, with litellm_provider) and returns its Claude models of
 * the anthropic, bedrock, bedrock_converse and vertex_ai-anthropic_models
 * providers as a price-table layer in our own format (see cm-pricing-table.c),
 * dated @date and naming @source. Every figure is checked (finite, positive,
 * a whole number of 1e-4 USD per million tokens, consistent with the other
 * rates of its model, within 4x of @current's rate for a model it prices);
 * one implausible figure rejects the whole list. */
GBytes             *cm_price_list_convert      (GBytes              *list,
                                                CmPricing           *current,
                                                const char          *date,
                                                const char          *source,
                                                CmPriceListSummary **summary,
                                                GError             **error);

G_END_DECLS
