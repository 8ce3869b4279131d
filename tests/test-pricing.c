/* test-pricing.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gstdio.h>
#include <json-glib/json-glib.h>

#include "cm-pricing.h"
#include "cm-test-util.h"

/* 1 USD per MTok times one token, in CmMoney: 1e10 / 1e6. */
#define PER_TOKEN_AT_1_USD G_GINT64_CONSTANT (10000)

static char *config_dir;

static CmPricing *
load_builtin (void)
{
  g_autoptr(GError) error = NULL;
  CmPricing *pricing = cm_pricing_new_builtin (&error);

  g_assert_no_error (error);
  g_assert_nonnull (pricing);

  return pricing;
}

static char *
override_file (void)
{
  return g_build_filename (config_dir, "costmeter", "pricing.json", NULL);
}

static void
write_override (const char *contents)
{
  g_autofree char *path = override_file ();

  cm_test_write_file (path, contents, -1);
}

static void
remove_override (void)
{
  g_autofree char *path = override_file ();

  g_remove (path);
}

static CmPricing *
pricing_from_string (const char *json)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;
  CmPricing *pricing = cm_pricing_new_from_bytes (bytes, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pricing);

  return pricing;
}

static void
merge_string (CmPricing  *pricing,
              const char *json)
{
  g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_pricing_merge_bytes (pricing, bytes, &error));
  g_assert_no_error (error);
}

static void
assert_cost_zero (const CmCost *cost)
{
  g_assert_cmpint (cost->input, ==, 0);
  g_assert_cmpint (cost->output, ==, 0);
  g_assert_cmpint (cost->cache_write_5m, ==, 0);
  g_assert_cmpint (cost->cache_write_1h, ==, 0);
  g_assert_cmpint (cost->cache_read, ==, 0);
  g_assert_cmpint (cost->web_search, ==, 0);
  g_assert_cmpint (cost->total, ==, 0);
  g_assert_false (cost->long_context);
  g_assert_false (cost->estimated);
}

/* Every model of the fixtures' price list is priced as that list says. */
static void
test_fixture_prices (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  g_autofree char *path = g_build_filename (cm_test_fixtures_dir (), "prices-used.json", NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  static const char *names[] = { "input", "output", "cache_write_5m", "cache_write_1h", "cache_read" };
  JsonObjectIter iter;
  const char *id;
  JsonNode *node;
  guint n_models = 0;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);

  json_object_iter_init (&iter, json_node_get_object (json_parser_get_root (parser)));
  while (json_object_iter_next (&iter, &id, &node))
    {
      JsonObject *prices = json_node_get_object (node);
      double usd[5];
      CmUsage usage = { 0, };
      CmCost cost;
      double expected_usd = 0;

      g_assert_true (cm_pricing_has_model (pricing, id));
      for (guint i = 0; i < 5; i++)
        usd[i] = json_object_get_double_member (prices, names[i]);

      /* One token at p USD/MTok costs p * 1e-6 USD = p * 1e4 CmMoney. */
      usage.input = 1;
      usage.output = 1;
      usage.cache_write_5m = 1;
      usage.cache_write_1h = 1;
      usage.cache_read = 1;
      g_assert_true (cm_pricing_price (pricing, id, CM_BACKEND_ANTHROPIC, &usage, &cost));
      g_assert_cmpint (cost.input, ==, llround (usd[0] * 1e4));
      g_assert_cmpint (cost.output, ==, llround (usd[1] * 1e4));
      g_assert_cmpint (cost.cache_write_5m, ==, llround (usd[2] * 1e4));
      g_assert_cmpint (cost.cache_write_1h, ==, llround (usd[3] * 1e4));
      g_assert_cmpint (cost.cache_read, ==, llround (usd[4] * 1e4));
      g_assert_false (cost.estimated);

      /* A mixed request below the threshold, checked in floating point. */
      usage.input = 1234;
      usage.output = 5678;
      usage.cache_write_5m = 9012;
      usage.cache_write_1h = 3456;
      usage.cache_read = 78901;
      expected_usd = (1234 * usd[0] + 5678 * usd[1] + 9012 * usd[2] + 3456 * usd[3] + 78901 * usd[4]) / 1e6;
      g_assert_true (cm_pricing_price (pricing, id, CM_BACKEND_ANTHROPIC, &usage, &cost));
      g_assert_cmpfloat_with_epsilon (cm_money_to_usd (cost.total), expected_usd, 1e-9);
      g_assert_false (cost.long_context);

      /* Long-context rates where the fixture has them. */
      if (json_object_has_member (prices, "long_context"))
        {
          JsonObject *lc = json_object_get_object_member (prices, "long_context");

          usage = (CmUsage) { .input = 1, .output = 1, .cache_write_5m = 1, .cache_write_1h = 1,
                              .cache_read = 250000 };
          g_assert_true (cm_pricing_price (pricing, id, CM_BACKEND_ANTHROPIC, &usage, &cost));
          g_assert_true (cost.long_context);
          g_assert_cmpint (cost.input, ==, llround (json_object_get_double_member (lc, "input") * 1e4));
          g_assert_cmpint (cost.output, ==, llround (json_object_get_double_member (lc, "output") * 1e4));
          g_assert_cmpint (cost.cache_write_5m, ==, llround (json_object_get_double_member (lc, "cache_write_5m") * 1e4));
          g_assert_cmpint (cost.cache_write_1h, ==, llround (json_object_get_double_member (lc, "cache_write_1h") * 1e4));
          g_assert_cmpint (cost.cache_read, ==, 250000 * llround (json_object_get_double_member (lc, "cache_read") * 1e4));
        }
      n_models++;
    }

  g_assert_cmpuint (n_models, ==, 6);
}

/* Prices written out by hand, exact to the unit. */
static void
test_exact_prices (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  CmUsage usage = { .cache_read = 1000 };
  CmCost cost;

  /* Haiku 3.5 cache read $0.08/MTok: 1000 tokens = $0.00008 = 800000 units. */
  g_assert_true (cm_pricing_price (pricing, "claude-3-5-haiku-20241022", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.cache_read, ==, 800000);
  g_assert_cmpint (cost.total, ==, 800000);

  /* Haiku 3: $0.25 in, $1.25 out, $0.03 read. 4 in + 4 out + 100 read =
   * $0.000001 + $0.000005 + $0.000003. */
  usage = (CmUsage) { .input = 4, .output = 4, .cache_read = 100 };
  g_assert_true (cm_pricing_price (pricing, "claude-3-haiku-20240307", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.input, ==, 10000);
  g_assert_cmpint (cost.output, ==, 50000);
  g_assert_cmpint (cost.cache_read, ==, 30000);
  g_assert_cmpint (cost.total, ==, 90000);

  /* Opus 4.1, one million output tokens = $75 exactly. */
  usage = (CmUsage) { .output = 1000000 };
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.total, ==, 75 * CM_MONEY_PER_USD);

  /* Every shipped model is priced. */
  {
    g_auto(GStrv) ids = cm_pricing_dup_models (pricing);

    g_assert_cmpuint (g_strv_length (ids), ==, 25);
    for (guint i = 0; ids[i] != NULL; i++)
      {
        if (ids[i + 1] != NULL)
          g_assert_cmpstr (ids[i], <, ids[i + 1]);
        usage = (CmUsage) { .input = 1 };
        g_assert_true (cm_pricing_price (pricing, ids[i], CM_BACKEND_ANTHROPIC, &usage, &cost));
        g_assert_cmpint (cost.total, >, 0);
      }
  }

  g_assert_cmpstr (cm_pricing_get_verified (pricing), ==, "2026-12-02");
  g_assert_null (cm_pricing_get_override_path (pricing));
}

static void
test_long_context (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  CmUsage usage;
  CmCost cost;

  /* transcript-spec 4.4: 10 x $6 + 230000 x $0.60 + 1000 x $7.50 + 1500 x
   * $22.50 per MTok = $0.00006 + $0.138 + $0.0075 + $0.03375 = $0.17931
   * (the spec rounds it to $0.1793). */
  usage = (CmUsage) { .input = 10, .cache_read = 230000, .cache_write_5m = 1000, .output = 1500 };
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_true (cost.long_context);
  g_assert_cmpint (cost.input, ==, 600000);
  g_assert_cmpint (cost.cache_read, ==, 1380000000);
  g_assert_cmpint (cost.cache_write_5m, ==, 75000000);
  g_assert_cmpint (cost.output, ==, 337500000);
  g_assert_cmpint (cost.cache_write_1h, ==, 0);
  g_assert_cmpint (cost.web_search, ==, 0);
  g_assert_cmpint (cost.total, ==, 1793100000);
  g_assert_cmpint (cost.total / 1000000, ==, 1793); /* $0.1793 at 4 decimals */

  /* Exactly at the threshold: base rates ($0.30 read, $15 out). */
  usage = (CmUsage) { .cache_read = 200000, .output = 100 };
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.cache_read, ==, 600000000);
  g_assert_cmpint (cost.output, ==, 15000000);
  g_assert_cmpint (cost.total, ==, 615000000);

  /* The threshold counts all prompt categories: 199997 + 1 + 1 + 1. */
  usage = (CmUsage) { .cache_read = 199997, .input = 1, .cache_write_5m = 1, .cache_write_1h = 1, .output = 100 };
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-20250514", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_false (cost.long_context);

  /* One token more: everything, output and 1h writes included, at the
   * long-context rates ($0.60 read, $22.50 out, $12 1h write, $6 in, $7.50 5m). */
  usage.input = 2;
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-20250514", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_true (cost.long_context);
  g_assert_cmpint (cost.cache_read, ==, 199997 * 6000);
  g_assert_cmpint (cost.input, ==, 2 * 60000);
  g_assert_cmpint (cost.cache_write_5m, ==, 75000);
  g_assert_cmpint (cost.cache_write_1h, ==, 120000);
  g_assert_cmpint (cost.output, ==, 100 * 225000);
  g_assert_cmpint (cost.total, ==, 1199982000 + 120000 + 75000 + 120000 + 22500000);

  /* 200001 read tokens alone. */
  usage = (CmUsage) { .cache_read = 200001, .output = 100 };
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_true (cost.long_context);
  g_assert_cmpint (cost.cache_read, ==, 1200006000);
  g_assert_cmpint (cost.output, ==, 22500000);
  g_assert_cmpint (cost.total, ==, 1222506000);
}

static void
test_flat_models (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  CmUsage usage = { .cache_read = 500000, .output = 1000 };
  CmCost cost;

  /* Sonnet 4.6 is flat across 1M: $0.30 read, $15 out. */
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-6", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.cache_read, ==, 1500000000);
  g_assert_cmpint (cost.output, ==, 150000000);
  g_assert_cmpint (cost.total, ==, 1650000000);

  /* Opus 4.1 has no long-context rate either: 300000 input at $15. */
  usage = (CmUsage) { .input = 300000 };
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.total, ==, 45000000000); /* $4.50 */
}

static void
test_cache_writes_and_web_search (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  CmUsage usage = { .cache_write_5m = 1000, .cache_write_1h = 1000 };
  CmCost cost;

  /* Sonnet 4.5: 5m write $3.75, 1h write $6. */
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.cache_write_5m, ==, 37500000);
  g_assert_cmpint (cost.cache_write_1h, ==, 60000000);
  g_assert_cmpint (cost.total, ==, 97500000);

  /* Haiku 3.5: 1h write $1.60: 2500 tokens = $0.004. */
  usage = (CmUsage) { .cache_write_1h = 2500 };
  g_assert_true (cm_pricing_price (pricing, "claude-3-5-haiku-20241022", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.cache_write_1h, ==, 40000000);

  /* $10 per 1000 searches = $0.01 each, on top of the tokens. */
  usage = (CmUsage) { .web_search = 3, .output = 1000 };
  g_assert_true (cm_pricing_price (pricing, "claude-haiku-4-5-20251001", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.web_search, ==, 3 * CM_MONEY_PER_USD / 100);
  g_assert_cmpint (cost.output, ==, 50000000);
  g_assert_cmpint (cost.total, ==, 300000000 + 50000000);

  /* A table with another search fee: $25 per 1000 = $0.025 each. */
  merge_string (pricing, "{\"web_search_per_1000\": 25}");
  usage = (CmUsage) { .web_search = 2 };
  g_assert_true (cm_pricing_price (pricing, "claude-haiku-4-5-20251001", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.web_search, ==, 500000000);
}

static void
test_unpriced (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  CmUsage usage = { .input = 1201, .output = 88, .cache_read = 30112, .web_search = 1 };
  CmCost cost;

  memset (&cost, 0x5a, sizeof cost);
  g_assert_false (cm_pricing_price (pricing, "glm-4.6", CM_BACKEND_UNKNOWN, &usage, &cost));
  assert_cost_zero (&cost);
  g_assert_false (cm_pricing_has_model (pricing, "glm-4.6"));

  memset (&cost, 0x5a, sizeof cost);
  g_assert_false (cm_pricing_price (pricing, "claude-opus-4-9", CM_BACKEND_ANTHROPIC, &usage, &cost));
  assert_cost_zero (&cost);
  g_assert_false (cm_pricing_price (pricing, NULL, CM_BACKEND_ANTHROPIC, &usage, &cost));
}

static void
test_overflow (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  CmUsage usage = { .input = G_MAXINT64 / 2, .output = 10 };
  CmCost cost;

  /* $15/MTok = 150000 units: G_MAXINT64 / 2 tokens overflow and saturate. */
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.input, ==, G_MAXINT64);
  g_assert_cmpint (cost.output, ==, 10 * 750000);
  g_assert_cmpint (cost.total, ==, G_MAXINT64);

  /* The largest count that still fits is exact. */
  usage = (CmUsage) { .output = G_MAXINT64 / 750000 };
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.output, ==, (G_MAXINT64 / 750000) * 750000);
  g_assert_cmpint (cost.output, <, G_MAXINT64);

  /* Components that fit but whose sum does not. */
  usage = (CmUsage) { .output = G_MAXINT64 / 750000, .input = G_MAXINT64 / 150000 };
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.input, <, G_MAXINT64);
  g_assert_cmpint (cost.total, ==, G_MAXINT64);

  /* Negative counts (corrupt input) cost nothing. */
  usage = (CmUsage) { .input = -5, .output = 1 };
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.input, ==, 0);
  g_assert_cmpint (cost.total, ==, 750000);
}

#define MODEL_RATES(i, o, w5, w1, r) \
  "\"input\": " i ", \"output\": " o ", \"cache_write_5m\": " w5 ", \"cache_write_1h\": " w1 ", \"cache_read\": " r

static void
test_price_parsing (void)
{
  static const char *bad[] = { "-1", "0.00001", "1000000", "1e7", "\"3\"", "true", "null", "0.12345" };
  g_autoptr(CmPricing) pricing = pricing_from_string (
    "{\"verified\": \"2026-01-02\", \"long_context_threshold\": 1000, \"web_search_per_1000\": 10,"
    " \"models\": {\"m\": {" MODEL_RATES ("0.0001", "22.5", "999999.9999", "0", "0.08") "}}}");
  CmUsage usage = { .input = 1, .output = 1, .cache_write_5m = 1, .cache_write_1h = 1, .cache_read = 1 };
  CmCost cost;

  g_assert_true (cm_pricing_price (pricing, "m", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.input, ==, 1);
  g_assert_cmpint (cost.output, ==, 225000);
  g_assert_cmpint (cost.cache_write_5m, ==, 9999999999);
  g_assert_cmpint (cost.cache_write_1h, ==, 0);
  g_assert_cmpint (cost.cache_read, ==, 800);
  g_assert_cmpstr (cm_pricing_get_verified (pricing), ==, "2026-01-02");

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *json = g_strdup_printf ("{\"models\": {\"m\": {" MODEL_RATES ("%s", "1", "1", "1", "1") "}}}", bad[i]);
      g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
      g_autoptr(GError) error = NULL;
      g_autofree char *before = g_strdup (cm_pricing_get_fingerprint (pricing));

      g_assert_false (cm_pricing_merge_bytes (pricing, bytes, &error));
      g_assert_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "m.input"));
      /* Nothing of a rejected table is applied. */
      g_assert_cmpstr (cm_pricing_get_fingerprint (pricing), ==, before);
    }

  /* A missing rate, a bad date and a base table without models. */
  {
    static const char *invalid[] = {
      "{\"models\": {\"m\": {\"input\": 1}}}",
      "{\"verified\": \"2026-02-30\"}",
      "{\"verified\": \"01/02/2026\"}",
      "{\"long_context_threshold\": -1}",
      "{\"estimated_backends\": [\"azure\"]}",
      "{\"models\": {\"x\": {" MODEL_RATES ("1", "1", "1", "1", "1") ", \"aliases\": [\"m\"]}}}",
      "{\"models\": {\"x\": {" MODEL_RATES ("1", "1", "1", "1", "1") ", \"backends\": {\"azure\": {}}}}}",
      "[1, 2]",
    };

    for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
      {
        g_autoptr(GBytes) bytes = g_bytes_new (invalid[i], strlen (invalid[i]));
        g_autoptr(GError) error = NULL;

        g_assert_false (cm_pricing_merge_bytes (pricing, bytes, &error));
        g_assert_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID);
      }
  }
  {
    const char *json = "{\"verified\": \"2026-01-02\", \"long_context_threshold\": 1, \"web_search_per_1000\": 10}";
    g_autoptr(GBytes) bytes = g_bytes_new (json, strlen (json));
    g_autoptr(GError) error = NULL;
    g_autoptr(CmPricing) p = cm_pricing_new_from_bytes (bytes, &error);

    g_assert_null (p);
    g_assert_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "models"));
  }
}

/* Every model string of the fixture corpus maps to the key the expected
 * totals use. */
static void
collect_models (const char *path,
                GHashTable *models)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      g_assert_nonnull (dir);
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          collect_models (child, models);
        }
    }
  else if (g_str_has_suffix (path, ".jsonl"))
    {
      g_autofree char *contents = NULL;
      g_autoptr(GRegex) regex = g_regex_new ("\"model\":\"([^\"]*)\"", 0, 0, NULL);
      g_autoptr(GMatchInfo) match = NULL;

      g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
      g_regex_match (regex, contents, 0, &match);
      while (g_match_info_matches (match))
        {
          g_hash_table_add (models, g_match_info_fetch (match, 1));
          g_match_info_next (match, NULL);
        }
    }
}

static void
test_canonicalize_corpus (void)
{
  static const struct { const char *raw, *id; } expected[] = {
    { "anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022" },
    { "claude-3-5-haiku-20241022", "claude-3-5-haiku-20241022" },
    { "claude-haiku-4-5-20251001", "claude-haiku-4-5-20251001" },
    { "claude-opus-4-1-20250805", "claude-opus-4-1-20250805" },
    { "claude-opus-4-1@20250805", "claude-opus-4-1-20250805" },
    { "claude-opus-4-5-20251101", "claude-opus-4-5-20251101" },
    { "claude-sonnet-4-5-20250929", "claude-sonnet-4-5-20250929" },
    { "claude-sonnet-4-5@20250929", "claude-sonnet-4-5-20250929" },
    { "glm-4.6", "glm-4.6" },
    { "global.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929" },
    { "us.anthropic.claude-opus-4-1-20250805-v1:0", "claude-opus-4-1-20250805" },
    { "us.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929" },
  };
  g_autoptr(CmPricing) pricing = load_builtin ();
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autofree char *expected_path = g_build_filename (cm_test_fixtures_dir (), "expected-utc.json", NULL);
  g_autoptr(GHashTable) raw_models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) seen_ids = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *keys;
  GHashTableIter iter;
  const char *raw;

  collect_models (corpus, raw_models);
  g_hash_table_remove (raw_models, "<synthetic>"); /* dropped by the parser */
  g_assert_cmpuint (g_hash_table_size (raw_models), ==, G_N_ELEMENTS (expected));

  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  keys = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "model");

  g_hash_table_iter_init (&iter, raw_models);
  while (g_hash_table_iter_next (&iter, (gpointer *) &raw, NULL))
    {
      g_autofree char *id = cm_pricing_canonicalize_model (pricing, raw);
      gboolean found = FALSE;

      for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
        {
          if (strcmp (expected[i].raw, raw) == 0)
            {
              g_assert_cmpstr (id, ==, expected[i].id);
              found = TRUE;
            }
        }
      g_assert_true (found);
      g_assert_true (json_object_has_member (keys, id));
      g_assert_cmpint (cm_pricing_has_model (pricing, id), ==, strcmp (id, "glm-4.6") != 0);
      g_hash_table_add (seen_ids, g_steal_pointer (&id));
    }

  /* And every key of the expected totals is reached. */
  g_assert_cmpuint (g_hash_table_size (seen_ids), ==, json_object_get_size (keys));
}

static void
test_canonicalize_forms (void)
{
  static const struct { const char *raw, *id; } cases[] = {
    /* Aliases and case. */
    { "claude-sonnet-4-5", "claude-sonnet-4-5-20250929" },
    { "Claude-Sonnet-4-5", "claude-sonnet-4-5-20250929" },
    { "  claude-opus-4-5  ", "claude-opus-4-5-20251101" },
    { "claude-3-5-haiku-latest", "claude-3-5-haiku-20241022" },
    /* Versions never collapse into a neighbour. */
    { "claude-opus-4", "claude-opus-4-20250514" },
    { "claude-opus-4-0", "claude-opus-4-20250514" },
    { "claude-opus-4-1", "claude-opus-4-1-20250805" },
    { "claude-opus-4-5", "claude-opus-4-5-20251101" },
    { "claude-opus-4-9", "claude-opus-4-9" },
    { "claude-sonnet-4", "claude-sonnet-4-20250514" },
    /* Bedrock regions, versions and ARNs. */
    { "eu.anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5-20251001" },
    { "jp.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929" },
    { "apac.anthropic.claude-3-5-haiku-20241022-v1:0", "claude-3-5-haiku-20241022" },
    { "au.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929" },
    { "us-gov.anthropic.claude-sonnet-4-5-20250929-v1:0", "claude-sonnet-4-5-20250929" },
    { "global.anthropic.claude-opus-4-5-20251101-v1:0", "claude-opus-4-5-20251101" },
    { "us.anthropic.claude-3-7-sonnet-20250219-v1:0", "claude-3-7-sonnet-20250219" },
    { "anthropic.claude-sonnet-4-20250514-v1:0", "claude-sonnet-4-20250514" },
    { "us.anthropic.claude-opus-4-6-v1", "claude-opus-4-6" },
    { "anthropic.claude-opus-4-6-v1", "claude-opus-4-6" },
    { "anthropic.claude-sonnet-4-6", "claude-sonnet-4-6" },
    { "eu.anthropic.claude-opus-4-20250514-v2:0", "claude-opus-4-20250514" },
    { "arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-opus-4-1-20250805-v1:0",
      "claude-opus-4-1-20250805" },
    { "arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-haiku-4-5-20251001-v1:0",
      "claude-haiku-4-5-20251001" },
    { "arn:aws:bedrock:us-east-1:123456789012:application-inference-profile/AbC123xyz", "abc123xyz" },
    /* Vertex. */
    { "claude-sonnet-4@20250514", "claude-sonnet-4-20250514" },
    { "claude-opus-4@20250514", "claude-opus-4-20250514" },
    { "claude-3-haiku@20240307", "claude-3-haiku-20240307" },
    { "claude-opus-4-6", "claude-opus-4-6" },
    /* A dated snapshot of a model listed without a date. */
    { "claude-opus-4-6-20260205", "claude-opus-4-6" },
    { "claude-sonnet-4-6@20260217", "claude-sonnet-4-6" },
    /* Unknown models keep their normalised name. */
    { "GLM-4.6", "glm-4.6" },
    { "us.anthropic.claude-opus-9-v1:0", "claude-opus-9" },
    { "claude-future@20300101", "claude-future-20300101" },
    { "", "" },
  };
  g_autoptr(CmPricing) pricing = load_builtin ();

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = cm_pricing_canonicalize_model (pricing, cases[i].raw);

      g_assert_cmpstr (id, ==, cases[i].id);
    }
}

static void
test_backends (void)
{
  g_autoptr(CmPricing) pricing = load_builtin ();
  g_autofree char *fingerprint = NULL;
  CmUsage usage = { .input = 1000 };
  CmCost cost;

  /* Parity: Bedrock and Vertex at list price, flagged as estimates. */
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_false (cost.estimated);
  g_assert_cmpint (cost.total, ==, 30000000);
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_BEDROCK, &usage, &cost));
  g_assert_true (cost.estimated);
  g_assert_cmpint (cost.total, ==, 30000000);
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_VERTEX, &usage, &cost));
  g_assert_true (cost.estimated);
  g_assert_cmpint (cost.total, ==, 30000000);
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_UNKNOWN, &usage, &cost));
  g_assert_false (cost.estimated);

  g_assert_false (cm_pricing_is_estimated_backend (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC));
  g_assert_true (cm_pricing_is_estimated_backend (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_BEDROCK));
  g_assert_true (cm_pricing_is_estimated_backend (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_VERTEX));
  g_assert_false (cm_pricing_is_estimated_backend (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_UNKNOWN));

  /* Own Bedrock prices (geographic +10%): $3.30 in, $16.50 out, $4.125 5m,
   * $6.60 1h, $0.33 read; exact, and flat (the block has no long_context). */
  fingerprint = g_strdup (cm_pricing_get_fingerprint (pricing));
  merge_string (pricing,
                "{\"models\": {\"claude-sonnet-4-5-20250929\": {" MODEL_RATES ("3", "15", "3.75", "6", "0.3") ","
                " \"long_context\": {" MODEL_RATES ("6", "22.5", "7.5", "12", "0.6") "},"
                " \"backends\": {\"bedrock\": {" MODEL_RATES ("3.3", "16.5", "4.125", "6.6", "0.33") "}}}}}");
  g_assert_cmpstr (cm_pricing_get_fingerprint (pricing), !=, fingerprint);

  usage = (CmUsage) { .input = 1000, .output = 1000, .cache_write_5m = 1000, .cache_write_1h = 1000, .cache_read = 1000 };
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_BEDROCK, &usage, &cost));
  g_assert_false (cost.estimated);
  g_assert_cmpint (cost.input, ==, 33000000);
  g_assert_cmpint (cost.output, ==, 165000000);
  g_assert_cmpint (cost.cache_write_5m, ==, 41250000);
  g_assert_cmpint (cost.cache_write_1h, ==, 66000000);
  g_assert_cmpint (cost.cache_read, ==, 3300000);
  g_assert_cmpint (cost.total, ==, 308550000);
  g_assert_false (cm_pricing_is_estimated_backend (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_BEDROCK));

  /* Vertex keeps the parity estimate; Anthropic keeps list prices. */
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_VERTEX, &usage, &cost));
  g_assert_true (cost.estimated);
  g_assert_cmpint (cost.input, ==, 3000000 * 10);
  g_assert_true (cm_pricing_is_estimated_backend (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_VERTEX));

  /* Above 200k the Bedrock block has no tier; the list price has one. */
  usage = (CmUsage) { .cache_read = 300000 };
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_BEDROCK, &usage, &cost));
  g_assert_false (cost.long_context);
  g_assert_cmpint (cost.total, ==, 990000000);
  g_assert_true (cm_pricing_price (pricing, "claude-sonnet-4-5-20250929", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_true (cost.long_context);
  g_assert_cmpint (cost.total, ==, 1800000000);

  /* Aliases survived the replacement (the entry listed none). */
  {
    g_autofree char *id = cm_pricing_canonicalize_model (pricing, "claude-sonnet-4-5");
    g_assert_cmpstr (id, ==, "claude-sonnet-4-5-20250929");
  }

  /* No estimated backends at all. */
  merge_string (pricing, "{\"estimated_backends\": []}");
  usage = (CmUsage) { .input = 1 };
  g_assert_true (cm_pricing_price (pricing, "claude-haiku-4-5-20251001", CM_BACKEND_VERTEX, &usage, &cost));
  g_assert_false (cost.estimated);
}

static void
test_override_add_replace (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) pricing = NULL;
  g_autofree char *path = override_file ();
  g_autofree char *expected_path = cm_pricing_dup_override_file ();
  CmUsage usage = { .input = 1000, .output = 1000 };
  CmCost cost;

  g_assert_cmpstr (expected_path, ==, path);

  write_override ("{\"verified\": \"2026-12-24\", \"models\": {"
                  " \"my-gateway-model\": {" MODEL_RATES ("2", "8", "2.5", "4", "0.2") ", \"aliases\": [\"mgm\"]},"
                  " \"claude-haiku-4-5-20251001\": {" MODEL_RATES ("1.5", "7.5", "1.875", "3", "0.15") "}}}");
  pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  g_assert_nonnull (pricing);
  g_assert_cmpstr (cm_pricing_get_override_path (pricing), ==, path);
  g_assert_cmpstr (cm_pricing_get_verified (pricing), ==, "2026-12-24");

  /* Added: $2 in, $8 out. */
  g_assert_true (cm_pricing_has_model (pricing, "my-gateway-model"));
  g_assert_true (cm_pricing_price (pricing, "my-gateway-model", CM_BACKEND_UNKNOWN, &usage, &cost));
  g_assert_cmpint (cost.total, ==, 20000000 + 80000000);
  {
    g_autofree char *id = cm_pricing_canonicalize_model (pricing, "MGM");
    g_assert_cmpstr (id, ==, "my-gateway-model");
  }

  /* Replaced: $1.50 in, $7.50 out; its Bedrock alias still resolves. */
  g_assert_true (cm_pricing_price (pricing, "claude-haiku-4-5-20251001", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.total, ==, 15000000 + 75000000);
  {
    g_autofree char *id = cm_pricing_canonicalize_model (pricing, "anthropic.claude-haiku-4-5-20251001-v1:0");
    g_assert_cmpstr (id, ==, "claude-haiku-4-5-20251001");
  }

  /* The rest of the shipped table is untouched. */
  g_assert_true (cm_pricing_price (pricing, "claude-opus-4-1-20250805", CM_BACKEND_ANTHROPIC, &usage, &cost));
  g_assert_cmpint (cost.total, ==, 150000000 + 750000000);
  {
    g_auto(GStrv) ids = cm_pricing_dup_models (pricing);
    g_assert_cmpuint (g_strv_length (ids), ==, 26);
  }

  /* A replacement with its own alias list drops the old aliases. */
  write_override ("{\"models\": {\"claude-haiku-4-5-20251001\": {" MODEL_RATES ("1", "5", "1.25", "2", "0.1")
                  ", \"aliases\": []}}}");
  g_clear_object (&pricing);
  pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  {
    g_autofree char *id = cm_pricing_canonicalize_model (pricing, "claude-haiku-4-5");
    g_assert_cmpstr (id, ==, "claude-haiku-4-5");
  }
  g_assert_cmpstr (cm_pricing_get_verified (pricing), ==, "2026-12-02");

  remove_override ();
  g_clear_object (&pricing);
  pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  g_assert_null (cm_pricing_get_override_path (pricing));
  g_assert_false (cm_pricing_has_model (pricing, "my-gateway-model"));
}

static void
test_override_malformed (void)
{
  static const char *broken[] = {
    "{\"models\": {",
    "{\"models\": {\"x\": {\"input\": 1}}}",
    "{\"models\": {\"x\": {" MODEL_RATES ("1", "1", "1", "1", "-2") "}}}",
  };
  g_autofree char *path = override_file ();

  for (guint i = 0; i < G_N_ELEMENTS (broken); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CmPricing) pricing = NULL;
      g_autoptr(CmPricing) fallback = NULL;

      write_override (broken[i]);
      pricing = cm_pricing_new_default (&error);
      g_assert_null (pricing);
      g_assert_nonnull (error);
      g_assert_nonnull (strstr (error->message, path));

      /* The caller can fall back to the shipped table. */
      g_clear_error (&error);
      fallback = cm_pricing_new_builtin (&error);
      g_assert_no_error (error);
      g_assert_true (cm_pricing_has_model (fallback, "claude-opus-4-6"));
    }

  remove_override ();
}

static void
test_fingerprint (void)
{
  g_autoptr(CmPricing) a = load_builtin ();
  g_autoptr(CmPricing) b = load_builtin ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) c = NULL;
  g_autofree char *base = g_strdup (cm_pricing_get_fingerprint (a));
  const char *same_json;

  g_assert_nonnull (base);
  g_assert_cmpuint (strlen (base), ==, 64); /* SHA-256 in hex */
  g_assert_cmpstr (cm_pricing_get_fingerprint (b), ==, base);

  /* Same prices written differently, and a new verified date: no change. */
  same_json = "{\"verified\": \"2027-01-01\", \"long_context_threshold\": 200000, \"web_search_per_1000\": 10.0,"
              " \"estimated_backends\": [\"vertex\", \"bedrock\"],"
              " \"models\": {\"claude-haiku-4-5-20251001\": {\"cache_read\": 0.10, \"input\": 1.0, \"output\": 5,"
              " \"cache_write_1h\": 2, \"cache_write_5m\": 1.2500}}}";
  merge_string (a, same_json);
  g_assert_cmpstr (cm_pricing_get_fingerprint (a), ==, base);

  /* Through the override file as well. */
  write_override (same_json);
  c = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  g_assert_cmpstr (cm_pricing_get_fingerprint (c), ==, base);
  remove_override ();

  /* Each kind of change alters it. */
  {
    static const char *changes[] = {
      "{\"models\": {\"claude-haiku-4-5-20251001\": {" MODEL_RATES ("1", "5", "1.25", "2", "0.1001") "}}}",
      "{\"models\": {\"claude-haiku-4-5-20251001\": {" MODEL_RATES ("1", "5", "1.25", "2", "0.1") ", \"aliases\": [\"h45\"]}}}",
      "{\"models\": {\"claude-haiku-4-5-20251001\": {" MODEL_RATES ("1", "5", "1.25", "2", "0.1")
        ", \"long_context\": {" MODEL_RATES ("2", "10", "2.5", "4", "0.2") "}}}}",
      "{\"models\": {\"claude-haiku-4-5-20251001\": {" MODEL_RATES ("1", "5", "1.25", "2", "0.1")
        ", \"backends\": {\"vertex\": {" MODEL_RATES ("1", "5", "1.25", "2", "0.1") "}}}}}",
      "{\"models\": {\"new-model\": {" MODEL_RATES ("1", "1", "1", "1", "1") "}}}",
      "{\"long_context_threshold\": 100000}",
      "{\"web_search_per_1000\": 12}",
      "{\"estimated_backends\": [\"bedrock\"]}",
    };

    for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
      {
        g_autoptr(CmPricing) p = load_builtin ();

        merge_string (p, changes[i]);
        g_assert_cmpstr (cm_pricing_get_fingerprint (p), !=, base);
      }
  }
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = NULL;

  /* Before anything reads the user folders: they are cached. */
  home = cm_test_make_tmpdir ("pricing-home");
  config_dir = g_build_filename (home, "config", NULL);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config_dir, TRUE);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/pricing/fixture-prices", test_fixture_prices);
  g_test_add_func ("/pricing/exact-prices", test_exact_prices);
  g_test_add_func ("/pricing/long-context", test_long_context);
  g_test_add_func ("/pricing/flat-models", test_flat_models);
  g_test_add_func ("/pricing/cache-writes-web-search", test_cache_writes_and_web_search);
  g_test_add_func ("/pricing/unpriced", test_unpriced);
  g_test_add_func ("/pricing/overflow", test_overflow);
  g_test_add_func ("/pricing/price-parsing", test_price_parsing);
  g_test_add_func ("/pricing/canonicalize-corpus", test_canonicalize_corpus);
  g_test_add_func ("/pricing/canonicalize-forms", test_canonicalize_forms);
  g_test_add_func ("/pricing/backends", test_backends);
  g_test_add_func ("/pricing/override-add-replace", test_override_add_replace);
  g_test_add_func ("/pricing/override-malformed", test_override_malformed);
  g_test_add_func ("/pricing/fingerprint", test_fingerprint);

  return g_test_run ();
}
