/* fuzz-pricing.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the price table loader: the input is a pricing.json
 * (the user override has the same format, so this is untrusted input). A table
 * that loads must also price every model it names, under every backend, for
 * small, long-context and absurd token counts, without overflow or crash.
 */

#include "config.h"

#include <stdint.h>

#include "cm-pricing.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
exercise (CmPricing *pricing)
{
  static const CmUsage usages[] = {
    { .input = 3, .output = 5, .cache_write_5m = 7, .cache_write_1h = 11, .cache_read = 13, .web_search = 1 },
    { .input = 150000, .output = 4000, .cache_write_5m = 60000, .cache_read = 1000 },
    { .input = G_MAXINT64, .output = G_MAXINT64, .cache_write_5m = G_MAXINT64,
      .cache_write_1h = G_MAXINT64, .cache_read = G_MAXINT64, .web_search = G_MAXINT64 },
    { .input = -1, .output = G_MININT64, .cache_read = -5 },
  };
  g_auto(GStrv) models = cm_pricing_dup_models (pricing);

  (void) cm_pricing_get_verified (pricing);
  (void) cm_pricing_get_fingerprint (pricing);

  for (guint i = 0; models != NULL && models[i] != NULL; i++)
    {
      g_autofree char *canonical = cm_pricing_canonicalize_model (pricing, models[i]);

      g_assert_true (cm_pricing_has_model (pricing, canonical));

      for (CmBackend b = 0; b < CM_N_BACKENDS; b++)
        for (guint u = 0; u < G_N_ELEMENTS (usages); u++)
          {
            CmCost cost;

            g_assert_true (cm_pricing_price (pricing, canonical, b, &usages[u], &cost));
            g_assert_cmpint (cost.total, >=, 0);
          }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static GBytes *shipped;
  static CmPricing *builtin;
  g_autoptr(GBytes) bytes = g_bytes_new_static (data, size);
  g_autoptr(CmPricing) pricing = NULL;
  g_autoptr(CmPricing) merged = NULL;
  g_autoptr(GError) error = NULL;

  /* A whole table. */
  pricing = cm_pricing_new_from_bytes (bytes, &error);
  if (pricing != NULL)
    exercise (pricing);
  else
    g_assert_nonnull (error);
  g_clear_error (&error);

  /* The same bytes as a user override on top of the shipped table. */
  if (builtin == NULL)
    {
      shipped = g_resources_lookup_data ("/com/example/CostMeter/pricing.json", 0, NULL);
      g_assert_nonnull (shipped);
      builtin = cm_pricing_new_from_bytes (shipped, NULL);
      g_assert_nonnull (builtin);
    }

  merged = cm_pricing_new_from_bytes (shipped, NULL);
  g_assert_nonnull (merged);
  if (cm_pricing_merge_bytes (merged, bytes, &error))
    exercise (merged);
  else
    g_assert_nonnull (error);

  /* Raw model strings through the canonicaliser of the shipped table. */
  if (size < 4096)
    {
      g_autofree char *raw = g_strndup ((const char *) data, size);
      g_autofree char *canonical = cm_pricing_canonicalize_model (builtin, raw);
      CmCost cost;

      g_assert_nonnull (canonical);
      cm_pricing_price (builtin, canonical, CM_BACKEND_BEDROCK, &(CmUsage) { .input = 1 }, &cost);
    }

  return 0;
}
