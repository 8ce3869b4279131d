/* test-billing.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The billing rules of cm-pricing-bill.c: every current model at its list
 * price, fast mode and US-only inference on every token class, with
 * long-context and cache rates, dated earlier rates, and the rounding. The
 * expected figures are written out here from the pricing pages, not read
 * from the table under test. */

#include "config.h"

#include <string.h>

#include "cm-pricing.h"
#include "cm-test-util.h"

/* One token at p USD/MTok is p * 1e4 CmMoney; rates here are in 1e-4 USD. */
typedef struct
{
  const char *id;
  double      input, output, write_5m, write_1h, read;
  double      fast;      /* 0: no fast mode */
  gboolean    geo;       /* takes inference_geo "us" at 1.1 */
} Expected;

/* platform.claude.com/docs/en/about-claude/pricing and the models' pages. */
static const Expected current[] = {
  { "claude-fable-5-2",           8,   40,   10,    16,   0.2,  2, TRUE },
  { "claude-mythos-5-2",          8,   40,   10,    16,   0.2,  2, TRUE },
  { "claude-fable-5-1",           10,  50,   12.5,  20,   0.25, 0, TRUE },
  { "claude-mythos-5-1",          10,  50,   12.5,  20,   0.25, 0, TRUE },
  { "claude-fable-5",             10,  50,   12.5,  20,   1,    0, TRUE },
  { "claude-mythos-5",            10,  50,   12.5,  20,   1,    0, TRUE },
  { "claude-opus-5-5",            4,   20,   5,     8,    0.2,  2, TRUE },
  { "claude-opus-5",              5,   25,   6.25,  10,   0.5,  2, TRUE },
  { "claude-opus-4-8",            5,   25,   6.25,  10,   0.5,  2, TRUE },
  { "claude-opus-4-7",            5,   25,   6.25,  10,   0.5,  6, TRUE },
  { "claude-opus-4-6",            5,   25,   6.25,  10,   0.5,  6, TRUE },
  { "claude-opus-4-5-20251101",   5,   25,   6.25,  10,   0.5,  0, FALSE },
  { "claude-opus-4-1-20250805",   15,  75,   18.75, 30,   1.5,  0, FALSE },
  { "claude-opus-4-20250514",     15,  75,   18.75, 30,   1.5,  0, FALSE },
  { "claude-sonnet-5-5",          2,   10,   2.5,   4,    0.1,  0, TRUE },
  { "claude-sonnet-5",            2,   10,   2.5,   4,    0.2,  0, TRUE },
  { "claude-sonnet-4-6",          3,   15,   3.75,  6,    0.3,  0, TRUE },
  { "claude-sonnet-4-5-20250929", 3,   15,   3.75,  6,    0.3,  0, FALSE },
  { "claude-sonnet-4-20250514",   3,   15,   3.75,  6,    0.3,  0, FALSE },
  { "claude-3-7-sonnet-20250219", 3,   15,   3.75,  6,    0.3,  0, FALSE },
  { "claude-haiku-5-5",           0.1, 0.5,  0.125, 0.2,  0.01, 0, TRUE },
  { "claude-haiku-4-5-20251001",  1,   5,    1.25,  2,    0.1,  0, FALSE },
  { "claude-3-5-haiku-20241022",  0.8, 4,    1,     1.6,  0.08, 0, FALSE },
  { "claude-3-opus-20240229",     15,  75,   18.75, 30,   1.5,  0, FALSE },
  { "claude-3-haiku-20240307",    0.25, 1.25, 0.3,  0.5,  0.03, 0, FALSE },
};

static gint64
units (double usd)
{
  return (gint64) (usd * 10000 + 0.5);
}

static CmPricing *
builtin (void)
{
  g_autoptr(GError) error = NULL;
  CmPricing *pricing = cm_pricing_new_builtin (&error);

  g_assert_no_error (error);

  return pricing;
}

static CmPricing *
from_string (const char *json)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  CmPricing *pricing = cm_pricing_new_from_bytes (bytes, &error);

  g_assert_no_error (error);

  return pricing;
}

static gboolean
price (CmPricing     *pricing,
       const char    *model,
       const CmUsage *usage,
       const char    *speed,
       const char    *geo,
       gint64         timestamp_ms,
       CmCost        *cost)
{
  CmPriceRequest request = { model, CM_BACKEND_ANTHROPIC, usage, speed, geo, timestamp_ms };

  return cm_pricing_price_request (pricing, &request, cost);
}

static gint64
ms_of (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);

  return g_date_time_to_unix (dt) * 1000;
}

/* Every model Claude Code writes today, at today's list price, under each
 * name a transcript can give it. */
static void
test_current_models (void)
{
  g_autoptr(CmPricing) pricing = builtin ();
  /* One token of each class gives the rates themselves. */
  CmUsage one = { 1, 1, 1, 1, 1, 0 };
  CmCost cost;

  for (guint i = 0; i < G_N_ELEMENTS (current); i++)
    {
      const Expected *e = &current[i];
      g_autofree char *bedrock = g_strdup_printf ("us.anthropic.%s-v1:0", e->id);
      g_autofree char *canonical = cm_pricing_canonicalize_model (pricing, bedrock);

      g_test_message ("%s", e->id);
      g_assert_true (price (pricing, e->id, &one, NULL, NULL, 0, &cost));
      g_assert_cmpint (cost.input, ==, units (e->input));
      g_assert_cmpint (cost.output, ==, units (e->output));
      g_assert_cmpint (cost.cache_write_5m, ==, units (e->write_5m));
      g_assert_cmpint (cost.cache_write_1h, ==, units (e->write_1h));
      g_assert_cmpint (cost.cache_read, ==, units (e->read));
      g_assert_cmpstr (canonical, ==, e->id);

      /* A model without a published fast price: a fast line is unpriced. */
      g_assert_cmpint (price (pricing, e->id, &one, "fast", NULL, 0, &cost), ==, e->fast > 0);
      if (e->fast > 0)
        g_assert_cmpint (cost.output, ==, (gint64) (units (e->output) * e->fast));
      g_assert_cmpint (price (pricing, e->id, &one, NULL, "us", 0, &cost), ==, e->geo);
    }

  /* The new names on Bedrock (no version suffix) and Vertex. */
  {
    static const char *forms[][2] = {
      { "global.anthropic.claude-opus-5", "claude-opus-5" },
      { "anthropic.claude-opus-5-5", "claude-opus-5-5" },
      { "eu.anthropic.claude-sonnet-5", "claude-sonnet-5" },
      { "apac.anthropic.claude-haiku-5-5", "claude-haiku-5-5" },
      { "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-8", "claude-opus-4-8" },
      { "claude-haiku-4-5@20251001", "claude-haiku-4-5-20251001" },
      { "CLAUDE-OPUS-4-6", "claude-opus-4-6" },
      { "claude-opus-5-5[1m]", "claude-opus-5-5" },
      { "claude-sonnet-4-5-20250929[1m]", "claude-sonnet-4-5-20250929" },
    };

    for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
      {
        g_autofree char *id = cm_pricing_canonicalize_model (pricing, forms[i][0]);
        g_assert_cmpstr (id, ==, forms[i][1]);
      }
  }

  /* A model with no published price: unpriced, never guessed. */
  g_assert_false (price (pricing, "claude-mythos-6", &one, NULL, NULL, 0, &cost));
  g_assert_cmpint (cost.total, ==, 0);
}

/* Opus 5 fast at 2x and US-only at 1.1x, on every token class, alone and
 * together; the web-search fee is not a token and stays. */
static void
test_multipliers (void)
{
  g_autoptr(CmPricing) pricing = builtin ();
  CmUsage usage = { .input = 1000, .output = 2000, .cache_write_5m = 3000, .cache_write_1h = 4000,
                    .cache_read = 50000, .web_search = 2 };
  /* $5, $25, $6.25, $10, $0.50 per MTok: 5e7 + 5e8 + 1.875e8 + 4e8 + 2.5e8
   * (in 1e-10 USD) for the tokens, 2 searches at $0.01 = 2e8. */
  const CmMoney tokens = 50000000 + 500000000 + 187500000 + 400000000 + 250000000;
  const CmMoney search = 200000000;
  CmCost std, fast, us, both;

  g_assert_true (price (pricing, "claude-opus-5", &usage, "standard", "global", 0, &std));
  g_assert_cmpint (std.total, ==, tokens + search);
  g_assert_true (price (pricing, "claude-opus-5", &usage, NULL, "not_available", 0, &std));
  g_assert_cmpint (std.total, ==, tokens + search);

  g_assert_true (price (pricing, "claude-opus-5", &usage, "fast", NULL, 0, &fast));
  g_assert_true (price (pricing, "claude-opus-5", &usage, NULL, "us", 0, &us));
  g_assert_true (price (pricing, "claude-opus-5", &usage, "FAST", "US", 0, &both));

  g_assert_cmpint (fast.input, ==, 2 * std.input);
  g_assert_cmpint (fast.output, ==, 2 * std.output);
  g_assert_cmpint (fast.cache_write_5m, ==, 2 * std.cache_write_5m);
  g_assert_cmpint (fast.cache_write_1h, ==, 2 * std.cache_write_1h);
  g_assert_cmpint (fast.cache_read, ==, 2 * std.cache_read);
  g_assert_cmpint (fast.web_search, ==, search);
  g_assert_cmpint (fast.total, ==, 2 * tokens + search);

  g_assert_cmpint (us.input, ==, std.input * 11 / 10);
  g_assert_cmpint (us.output, ==, std.output * 11 / 10);
  g_assert_cmpint (us.cache_write_5m, ==, std.cache_write_5m * 11 / 10);
  g_assert_cmpint (us.cache_write_1h, ==, std.cache_write_1h * 11 / 10);
  g_assert_cmpint (us.cache_read, ==, std.cache_read * 11 / 10);
  g_assert_cmpint (us.total, ==, tokens * 11 / 10 + search);

  g_assert_cmpint (both.total, ==, tokens * 22 / 10 + search);

  /* Opus 4.6 fast was 6x ($30/$150). */
  g_assert_true (price (pricing, "claude-opus-4-6", &usage, "fast", "us", 0, &both));
  g_assert_cmpint (both.output, ==, G_GINT64_CONSTANT (2000) * 250000 * 6 * 11 / 10);

  /* No published factor: unpriced, not standard. */
  g_assert_false (price (pricing, "claude-sonnet-4-5-20250929", &usage, "fast", NULL, 0, &fast));
  g_assert_cmpint (fast.total, ==, 0);
  g_assert_false (price (pricing, "claude-opus-5", &usage, "turbo", NULL, 0, &fast));
  g_assert_false (price (pricing, "claude-opus-5", &usage, NULL, "eu", 0, &fast));
  g_assert_false (price (pricing, "claude-haiku-4-5-20251001", &usage, NULL, "us", 0, &fast));
}

/* A table with a premium, fast mode and US-only inference together. */
static const char combined_table[] =
  "{ \"verified\": \"2026-12-01\", \"long_context_threshold\": 200000, \"web_search_per_1000\": 10,"
  "  \"models\": {"
  "    \"both\": { \"input\": 3, \"output\": 15, \"cache_write_5m\": 3.75, \"cache_write_1h\": 6, \"cache_read\": 0.3,"
  "      \"long_context\": { \"input\": 6, \"output\": 22.5, \"cache_write_5m\": 7.5, \"cache_write_1h\": 12,"
  "                          \"cache_read\": 0.6 },"
  "      \"speed\": { \"fast\": 6 }, \"inference_geo\": { \"us\": 1.1 } },"
  "    \"standard-window\": { \"input\": 3, \"output\": 15, \"cache_write_5m\": 3.75, \"cache_write_1h\": 6,"
  "      \"cache_read\": 0.3,"
  "      \"long_context\": { \"input\": 6, \"output\": 22.5, \"cache_write_5m\": 7.5, \"cache_write_1h\": 12,"
  "                          \"cache_read\": 0.6, \"fast\": false },"
  "      \"speed\": { \"fast\": 6 } },"
  "    \"odd\": { \"input\": 0.0001, \"output\": 0.0003, \"cache_write_5m\": 0.0001, \"cache_write_1h\": 0.0001,"
  "      \"cache_read\": 0.0001, \"inference_geo\": { \"us\": 1.5 }, \"speed\": { \"fast\": 1.0001 } }"
  "  } }";

static void
test_combined_with_long_context (void)
{
  g_autoptr(CmPricing) pricing = from_string (combined_table);
  /* 250,010 prompt tokens: the whole request at the premium. */
  CmUsage usage = { .input = 10, .output = 1000, .cache_write_5m = 0, .cache_write_1h = 50000,
                    .cache_read = 200000 };
  CmCost cost;

  g_assert_true (price (pricing, "both", &usage, "fast", "us", 0, &cost));
  g_assert_true (cost.long_context);
  /* $6 x 10, $22.50 x 1000, $12 x 50000, $0.60 x 200000, each x 6 x 1.1. */
  g_assert_cmpint (cost.input, ==, G_GINT64_CONSTANT (10) * 60000 * 66 / 10);
  g_assert_cmpint (cost.output, ==, G_GINT64_CONSTANT (1000) * 225000 * 66 / 10);
  g_assert_cmpint (cost.cache_write_1h, ==, (gint64) 50000 * 120000 * 66 / 10);
  g_assert_cmpint (cost.cache_read, ==, (gint64) 200000 * 6000 * 66 / 10);
  g_assert_cmpint (cost.total, ==, cost.input + cost.output + cost.cache_write_1h + cost.cache_read);

  /* A premium that fast mode's full window waives. */
  g_assert_true (price (pricing, "standard-window", &usage, "fast", NULL, 0, &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.output, ==, G_GINT64_CONSTANT (1000) * 150000 * 6);
  g_assert_true (price (pricing, "standard-window", &usage, NULL, NULL, 0, &cost));
  g_assert_true (cost.long_context);
}

/* 1 token x 1 unit x 1.5 = 1.5 units: halves go to the even neighbour, and
 * one product is rounded once, not per factor. */
static void
test_rounding (void)
{
  g_autoptr(CmPricing) pricing = from_string (combined_table);
  CmUsage usage = { .input = 1, .output = 1, .cache_read = 3 };
  CmCost cost;

  g_assert_true (price (pricing, "odd", &usage, NULL, "us", 0, &cost));
  g_assert_cmpint (cost.input, ==, 2);      /* 1.5 -> 2 */
  g_assert_cmpint (cost.output, ==, 4);     /* 4.5 -> 4 */
  g_assert_cmpint (cost.cache_read, ==, 4); /* 4.5 -> 4 */

  /* 1.0001 x 1.5 = 1.50015 on 10000 tokens of 3 units: 45004.5 -> 45004. */
  usage = (CmUsage) { .output = 10000 };
  g_assert_true (price (pricing, "odd", &usage, "fast", "us", 0, &cost));
  g_assert_cmpint (cost.output, ==, 45004);
}

/* Rates of their day: Sonnet 5.5 cache reads were $0.20 before 2026-10-07,
 * Opus 4.6 had the premium above 200k before 2026-03-13. */
static void
test_dated_rates (void)
{
  g_autoptr(CmPricing) pricing = builtin ();
  CmUsage reads = { .cache_read = 1000000 };
  CmUsage big = { .input = 10, .output = 1000, .cache_read = 300000 };
  CmCost cost;

  g_assert_true (price (pricing, "claude-sonnet-5-5", &reads, NULL, NULL, ms_of ("2026-10-06T23:59:59Z"), &cost));
  g_assert_cmpint (cost.total, ==, 2000000000);
  g_assert_true (price (pricing, "claude-sonnet-5-5", &reads, NULL, NULL, ms_of ("2026-10-07T00:00:00Z"), &cost));
  g_assert_cmpint (cost.total, ==, 1000000000);
  g_assert_true (price (pricing, "claude-sonnet-5-5", &reads, NULL, NULL, 0, &cost));
  g_assert_cmpint (cost.total, ==, 1000000000);

  g_assert_true (price (pricing, "claude-opus-4-6", &big, NULL, NULL, ms_of ("2026-02-20T12:00:00Z"), &cost));
  g_assert_true (cost.long_context);
  g_assert_cmpint (cost.output, ==, G_GINT64_CONSTANT (1000) * 375000);
  g_assert_cmpint (cost.cache_read, ==, G_GINT64_CONSTANT (300000) * 10000);
  g_assert_true (price (pricing, "claude-opus-4-6", &big, NULL, NULL, ms_of ("2026-05-01T00:00:00Z"), &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.output, ==, G_GINT64_CONSTANT (1000) * 250000);
}

/* Haiku 5.5: its own threshold of 100k prompt tokens. */
static void
test_haiku_tier (void)
{
  g_autoptr(CmPricing) pricing = builtin ();
  CmUsage at = { .input = 100000, .output = 1000 };
  CmUsage above = { .input = 100001, .output = 1000 };
  CmCost cost;

  g_assert_true (price (pricing, "claude-haiku-5-5", &at, NULL, NULL, 0, &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.total, ==, G_GINT64_CONSTANT (100000) * 1000 + 1000 * 5000);
  g_assert_true (price (pricing, "claude-haiku-5-5", &above, NULL, NULL, 0, &cost));
  g_assert_true (cost.long_context);
  g_assert_cmpint (cost.total, ==, (gint64) 100001 * 5000 + 1000 * 25000);
  /* Sonnet 4.5 keeps the table's 200k. */
  g_assert_true (price (pricing, "claude-sonnet-4-5-20250929", &above, NULL, NULL, 0, &cost));
  g_assert_false (cost.long_context);
}

/* The layers: an update over the shipped table, the user's prices over
 * both, each model saying where its figures come from. */
static void
test_layers (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("billing-layers");
  g_autofree char *update = g_build_filename (dir, "pricing-updated.json", NULL);
  g_autofree char *user = g_build_filename (dir, "pricing.json", NULL);
  g_autoptr(CmPricing) pricing = builtin ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmModelPrice) opus = NULL, sonnet = NULL, haiku = NULL;
  CmRates rates = { 20000, 100000, 25000, 40000, 2000 };
  CmUsage one = { 1, 1, 1, 1, 1, 0 };
  CmCost cost;

  cm_test_write_file (update,
                      "{ \"version\": 1, \"layer\": \"updated\", \"updated\": \"2026-12-01\","
                      "  \"source\": \"https://example.test/list.json\","
                      "  \"models\": { \"claude-opus-5\": { \"input\": 4, \"output\": 20,"
                      "    \"cache_write_5m\": 5, \"cache_write_1h\": 8, \"cache_read\": 0.4 } } }", -1);
  g_assert_true (cm_pricing_merge_update_file (pricing, update, &error));
  g_assert_no_error (error);
  g_assert_true (cm_pricing_write_override (user, "Claude-Sonnet-5", &rates, 0, &error));
  g_assert_no_error (error);
  g_assert_true (cm_pricing_merge_file (pricing, user, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (cm_pricing_get_update_date (pricing), ==, "2026-12-01");
  g_assert_cmpstr (cm_pricing_get_update_source (pricing), ==, "https://example.test/list.json");

  opus = cm_pricing_dup_model_price (pricing, "claude-opus-5");
  g_assert_cmpint (opus->layer, ==, CM_PRICE_LAYER_UPDATED);
  g_assert_cmpstr (opus->layer_date, ==, "2026-12-01");
  g_assert_cmpint (opus->rates.input, ==, 40000);
  /* What the update did not say stays the shipped table's. */
  g_assert_cmpint (opus->fast, ==, 20000);
  g_assert_cmpint (opus->geo_us, ==, 11000);
  g_assert_cmpstr (opus->name, ==, "Claude Opus 5");
  g_assert_true (price (pricing, "claude-opus-5", &one, "fast", NULL, 0, &cost));
  g_assert_cmpint (cost.input, ==, 80000);

  sonnet = cm_pricing_dup_model_price (pricing, "claude-sonnet-5");
  g_assert_cmpint (sonnet->layer, ==, CM_PRICE_LAYER_USER);
  g_assert_cmpint (sonnet->rates.cache_read, ==, 2000);

  haiku = cm_pricing_dup_model_price (pricing, "claude-haiku-5-5");
  g_assert_cmpint (haiku->layer, ==, CM_PRICE_LAYER_BUNDLED);
  g_assert_cmpstr (haiku->layer_date, ==, "2026-12-02");
  g_assert_nonnull (haiku->source);
  g_assert_true (haiku->has_long);
  g_assert_cmpint (haiku->threshold, ==, 100000);

  g_assert_null (cm_pricing_dup_model_price (pricing, "claude-mythos-6"));
  cm_test_rm_rf (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = cm_test_make_tmpdir ("billing-home");

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/billing/current-models", test_current_models);
  g_test_add_func ("/billing/multipliers", test_multipliers);
  g_test_add_func ("/billing/combined-with-long-context", test_combined_with_long_context);
  g_test_add_func ("/billing/rounding", test_rounding);
  g_test_add_func ("/billing/dated-rates", test_dated_rates);
  g_test_add_func ("/billing/haiku-tier", test_haiku_tier);
  g_test_add_func ("/billing/layers", test_layers);

  return g_test_run ();
}
