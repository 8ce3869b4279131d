/* cm-cli-prices.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `costmeter-cli prices list|update|set`: the price table with where each
 * price comes from, fetching a newer list, and the user's own prices; the
 * last two re-price history and say by how much. */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cm-cli.h"
#include "cm-price-updater.h"

#define N_RATES 5

static const char *rate_options[N_RATES] = {
  "--input", "--output", "--cache-write-5m", "--cache-write-1h", "--cache-read",
};

static int
prices_error (const char *fmt,
              ...) G_GNUC_PRINTF (1, 2);

static int
prices_error (const char *fmt,
              ...)
{
  va_list args;

  fputs ("costmeter-cli: ", stderr);
  va_start (args, fmt);
  vfprintf (stderr, fmt, args);
  va_end (args);
  fputc ('\n', stderr);

  return 1;
}

/* 37500 -> "3.75" */
static char *
format_units (gint64 units)
{
  g_autoptr(GString) str = g_string_new (NULL);

  g_string_append_printf (str, "%" G_GINT64_FORMAT, units / 10000);
  if (units % 10000 != 0)
    {
      g_string_append_printf (str, ".%04d", (int) (units % 10000));
      while (str->str[str->len - 1] == '0')
        g_string_truncate (str, str->len - 1);
    }

  return g_string_free (g_steal_pointer (&str), FALSE);
}

static void
rates_of (const CmRates *r,
          gint64         out[N_RATES])
{
  out[0] = r->input;
  out[1] = r->output;
  out[2] = r->cache_write_5m;
  out[3] = r->cache_write_1h;
  out[4] = r->cache_read;
}

/* "bundled 2026-12-02", "updated 2026-12-01", "user" */
static char *
layer_label (const CmModelPrice *price)
{
  if (price->layer_date != NULL)
    return g_strdup_printf ("%s %s", cm_price_layer_to_string (price->layer), price->layer_date);

  return g_strdup (cm_price_layer_to_string (price->layer));
}

static CmPricing *
load_table (GError **error)
{
  return cm_pricing_new_default (error);
}

/* Models in the store that no layer prices, with their message counts. */
static GPtrArray *
unpriced_models (CmStore *store)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = cm_store_query_groups (store, NULL, CM_GROUP_MODEL, CM_GROUP_NONE, &error);
  GPtrArray *unpriced = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);

  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      CmGroupRow *row = g_ptr_array_index (rows, i);

      if (row->totals.unpriced > 0)
        g_ptr_array_add (unpriced, g_steal_pointer (&rows->pdata[i]));
    }
  g_clear_pointer (&rows, g_ptr_array_unref);

  return unpriced;
}

static void
json_add_price (JsonBuilder *b,
                const char  *name,
                gint64       units)
{
  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, units / 1e4);
}

static void
json_add_model (JsonBuilder        *b,
                const CmModelPrice *p)
{
  static const char *names[N_RATES] = { "input", "output", "cache_write_5m", "cache_write_1h", "cache_read" };
  gint64 r[N_RATES];

  json_builder_begin_object (b);
  cm_cli_json_add_string (b, "id", p->id);
  cm_cli_json_add_string (b, "name", p->name);
  rates_of (&p->rates, r);
  for (guint i = 0; i < N_RATES; i++)
    json_add_price (b, names[i], r[i]);
  json_builder_set_member_name (b, "long_context");
  if (p->has_long)
    {
      json_builder_begin_object (b);
      rates_of (&p->long_rates, r);
      for (guint i = 0; i < N_RATES; i++)
        json_add_price (b, names[i], r[i]);
      json_builder_set_member_name (b, "above_prompt_tokens");
      json_builder_add_int_value (b, p->threshold);
      json_builder_end_object (b);
    }
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "fast");
  if (p->fast > 0)
    json_builder_add_double_value (b, p->fast / 1e4);
  else
    json_builder_add_null_value (b);
  json_builder_set_member_name (b, "inference_geo_us");
  if (p->geo_us > 0)
    json_builder_add_double_value (b, p->geo_us / 1e4);
  else
    json_builder_add_null_value (b);
  cm_cli_json_add_string (b, "layer", cm_price_layer_to_string (p->layer));
  cm_cli_json_add_string (b, "layer_date", p->layer_date);
  cm_cli_json_add_string (b, "source", p->source);
  json_builder_end_object (b);
}

static void
print_list_json (CmPricing *pricing,
                 GPtrArray *prices,
                 GPtrArray *unpriced)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  cm_cli_json_add_string (b, "verified", cm_pricing_get_verified (pricing));
  cm_cli_json_add_string (b, "updated", cm_pricing_get_update_date (pricing));
  cm_cli_json_add_string (b, "updated_from", cm_pricing_get_update_source (pricing));
  cm_cli_json_add_string (b, "override", cm_pricing_get_override_path (pricing));
  json_builder_set_member_name (b, "models");
  json_builder_begin_array (b);
  for (guint i = 0; i < prices->len; i++)
    json_add_model (b, g_ptr_array_index (prices, i));
  json_builder_end_array (b);
  json_builder_set_member_name (b, "unpriced");
  json_builder_begin_array (b);
  for (guint i = 0; i < unpriced->len; i++)
    {
      CmGroupRow *row = g_ptr_array_index (unpriced, i);

      json_builder_begin_object (b);
      cm_cli_json_add_string (b, "id", row->key);
      json_builder_set_member_name (b, "messages");
      json_builder_add_int_value (b, row->totals.unpriced);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  cm_cli_json_print (b);
}

static void
print_list_csv (GPtrArray *prices,
                GPtrArray *unpriced)
{
  g_autoptr(GString) line = g_string_new (NULL);

  puts ("model,input,output,cache_write_5m,cache_write_1h,cache_read,long_context_above,"
        "fast,inference_geo_us,layer,layer_date,source");
  for (guint i = 0; i < prices->len; i++)
    {
      const CmModelPrice *p = g_ptr_array_index (prices, i);
      gint64 r[N_RATES];

      g_string_truncate (line, 0);
      cm_cli_csv_field (line, p->id);
      rates_of (&p->rates, r);
      for (guint j = 0; j < N_RATES; j++)
        {
          g_autofree char *v = format_units (r[j]);
          cm_cli_csv_field (line, v);
        }
      if (p->has_long)
        cm_cli_csv_int (line, p->threshold);
      else
        cm_cli_csv_field (line, "");
      {
        g_autofree char *fast = p->fast > 0 ? format_units (p->fast) : g_strdup ("");
        g_autofree char *geo = p->geo_us > 0 ? format_units (p->geo_us) : g_strdup ("");

        cm_cli_csv_field (line, fast);
        cm_cli_csv_field (line, geo);
      }
      cm_cli_csv_field (line, cm_price_layer_to_string (p->layer));
      cm_cli_csv_field (line, p->layer_date);
      cm_cli_csv_field (line, p->source);
      puts (line->str);
    }
  for (guint i = 0; i < unpriced->len; i++)
    {
      g_string_truncate (line, 0);
      cm_cli_csv_field (line, ((CmGroupRow *) g_ptr_array_index (unpriced, i))->key);
      g_string_append (line, ",,,,,,,,,unpriced,,");
      puts (line->str);
    }
}

static void
print_list_table (CmPricing *pricing,
                  GPtrArray *prices,
                  GPtrArray *unpriced)
{
  printf ("%-28s %8s %8s %8s %8s %8s  %-12s %-5s %-5s %s\n", "Model", "Input", "Output", "5m",
          "1h", "Read", "Long ctx", "Fast", "US", "From");
  for (guint i = 0; i < prices->len; i++)
    {
      const CmModelPrice *p = g_ptr_array_index (prices, i);
      g_autofree char *layer = layer_label (p);
      g_autofree char *in = format_units (p->rates.input), *out = format_units (p->rates.output);
      g_autofree char *w5 = format_units (p->rates.cache_write_5m);
      g_autofree char *w1 = format_units (p->rates.cache_write_1h);
      g_autofree char *rd = format_units (p->rates.cache_read);
      g_autofree char *fast = p->fast > 0 ? format_units (p->fast) : g_strdup ("-");
      g_autofree char *geo = p->geo_us > 0 ? format_units (p->geo_us) : g_strdup ("-");
      g_autofree char *lc = p->has_long ? g_strdup_printf (">%" G_GINT64_FORMAT "k", p->threshold / 1000)
                                        : g_strdup ("-");

      printf ("%-28s %8s %8s %8s %8s %8s  %-12s %-5s %-5s %s\n", p->id, in, out, w5, w1, rd, lc,
              fast, geo, layer);
    }
  for (guint i = 0; i < unpriced->len; i++)
    {
      const CmGroupRow *row = g_ptr_array_index (unpriced, i);

      printf ("%-28s %8s  unpriced: %" G_GINT64_FORMAT " message%s (costmeter-cli prices set %s --input ... "
              "--output ...)\n", row->key, "", row->totals.unpriced, row->totals.unpriced == 1 ? "" : "s",
              row->key);
    }
  printf ("\nUSD per million tokens. Shipped prices checked on %s", cm_pricing_get_verified (pricing));
  if (cm_pricing_get_update_date (pricing) != NULL)
    printf ("; updated on %s from %s", cm_pricing_get_update_date (pricing),
            cm_pricing_get_update_source (pricing));
  if (cm_pricing_get_override_path (pricing) != NULL)
    printf ("; your prices: %s", cm_pricing_get_override_path (pricing));
  puts (".");
}

static int
prices_list (CmStore     *store,
             CmCliFormat  format)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) pricing = load_table (&error);
  g_autoptr(GPtrArray) prices = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_model_price_free);
  g_autoptr(GPtrArray) unpriced = NULL;
  g_auto(GStrv) ids = NULL;

  if (pricing == NULL)
    return prices_error ("%s", error->message);

  ids = cm_pricing_dup_models (pricing);
  for (guint i = 0; ids[i] != NULL; i++)
    g_ptr_array_add (prices, cm_pricing_dup_model_price (pricing, ids[i]));
  unpriced = unpriced_models (store);

  if (format == CM_CLI_FORMAT_JSON)
    print_list_json (pricing, prices, unpriced);
  else if (format == CM_CLI_FORMAT_CSV)
    print_list_csv (prices, unpriced);
  else
    print_list_table (pricing, prices, unpriced);

  return 0;
}

/* Re-prices history with the table as it now stands on disk and says by
 * how much it moved. */
static int
reprice_and_report (CmStore    *store,
                    const char *what)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) pricing = load_table (&error);
  g_autofree char *delta = NULL;
  CmTotals before, after;
  gint64 changed;

  if (pricing == NULL)
    return prices_error ("%s", error->message);
  changed = cm_store_reprice_measured (store, pricing, &before, &after, &error);
  if (changed < 0)
    return prices_error ("%s; history was not re-priced: %s", what, error->message);

  delta = cm_money_format_usd (after.cost - before.cost, 2);
  printf ("%s; history re-priced: %s%s (%" G_GINT64_FORMAT " message%s changed, %" G_GINT64_FORMAT
          " unpriced).\n", what, after.cost >= before.cost ? "+$" : "-$",
          delta[0] == '-' ? delta + 1 : delta, changed, changed == 1 ? "" : "s", after.unpriced);

  return 0;
}

static int
prices_update (CmStore    *store,
               const char *url)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) current = load_table (&error);
  g_autoptr(CmPriceUpdater) updater = cm_price_updater_new ();
  g_autoptr(CmPriceUpdateResult) result = NULL;
  g_autoptr(GString) what = NULL;
  const char *timeout = g_getenv ("COSTMETER_PRICE_LIST_TIMEOUT");
  CmPriceListSummary *s;

  if (current == NULL)
    return prices_error ("%s", error->message);

  if (url == NULL)
    url = g_getenv ("COSTMETER_PRICE_LIST_URL");
  cm_price_updater_set_url (updater, url);
  if (timeout != NULL)
    cm_price_updater_set_timeout (updater, (guint) g_ascii_strtoull (timeout, NULL, 10));

  result = cm_price_updater_update (updater, current, NULL, &error);
  if (result == NULL)
    return prices_error ("prices not updated, the table is as it was: %s", error->message);

  s = result->summary;
  what = g_string_new (NULL);
  g_string_printf (what, "Prices updated from %s on %s: %u model%s updated, %u added, %u unchanged",
                   result->source, result->date, s->updated->len, s->updated->len == 1 ? "" : "s",
                   s->added->len, s->unchanged->len);
  if (s->skipped->len > 0)
    g_string_append_printf (what, ", %u list entr%s skipped", s->skipped->len,
                            s->skipped->len == 1 ? "y" : "ies");
  for (guint i = 0; i < s->updated->len; i++)
    fprintf (stderr, "  updated %s\n", (const char *) g_ptr_array_index (s->updated, i));
  for (guint i = 0; i < s->added->len; i++)
    fprintf (stderr, "  added %s\n", (const char *) g_ptr_array_index (s->added, i));

  return reprice_and_report (store, what->str);
}

/* `prices set MODEL --input X --output Y [...]`: the cache rates the caller
 * leaves out follow Anthropic's caching multipliers (1.25x, 2x, 0.1x). */
static int
prices_set (CmStore  *store,
            GPtrArray *args)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) current = load_table (&error);
  g_autofree char *path = cm_pricing_dup_override_file ();
  g_autofree char *canonical = NULL;
  g_autofree char *what = NULL;
  gint64 r[N_RATES] = { -1, -1, -1, -1, -1 };
  gint64 fast = 0;
  const char *model = NULL;
  CmRates rates;

  if (current == NULL)
    return prices_error ("%s", error->message);

  for (guint i = 2; i < args->len; i++)
    {
      const char *arg = g_ptr_array_index (args, i);
      const char *value = i + 1 < args->len ? g_ptr_array_index (args, i + 1) : NULL;
      guint j;

      for (j = 0; j < N_RATES && !g_str_equal (arg, rate_options[j]); j++)
        ;
      if (j < N_RATES || g_str_equal (arg, "--fast"))
        {
          gint64 *target = j < N_RATES ? &r[j] : &fast;

          if (value == NULL || !cm_pricing_parse_price (value, target))
            return prices_error ("%s needs a price in USD per million tokens with at most 4 decimals "
                                 "(a multiplier for --fast)", arg);
          i++;
        }
      else if (model == NULL && !g_str_has_prefix (arg, "--"))
        model = arg;
      else
        return prices_error ("prices set: unexpected “%s”", arg);
    }

  if (model == NULL || r[0] < 0 || r[1] < 0)
    return prices_error ("prices set needs a model, --input and --output");
  if (fast > 0 && fast < 10000)
    return prices_error ("--fast must be at least 1");
  rates = (CmRates) { r[0], r[1], r[2], r[3], r[4] };
  if (!cm_rates_fill_cache_defaults (&rates))
    return prices_error ("give --cache-write-5m and --cache-read: 1.25x and 0.1x of this input price "
                         "need more than 4 decimals");
  canonical = cm_pricing_canonicalize_model (current, model);
  if (!cm_pricing_write_override (path, canonical, &rates, fast, &error))
    return prices_error ("%s", error->message);

  what = g_strdup_printf ("Your price for %s is in %s", canonical, path);
  return reprice_and_report (store, what);
}

int
cm_cli_prices (CmStore     *store,
               GPtrArray   *args,
               CmCliFormat  format)
{
  const char *verb = args->len > 1 ? g_ptr_array_index (args, 1) : "list";

  if (g_str_equal (verb, "list"))
    return prices_list (store, format);
  if (g_str_equal (verb, "update"))
    {
      const char *url = NULL;

      for (guint i = 2; i + 1 < args->len; i++)
        if (g_str_equal (g_ptr_array_index (args, i), "--url"))
          url = g_ptr_array_index (args, i + 1);
      return prices_update (store, url);
    }
  if (g_str_equal (verb, "set"))
    return prices_set (store, args);

  fprintf (stderr, "costmeter-cli: unknown prices command “%s” (use list, update or set)\n", verb);
  return 2;
}
