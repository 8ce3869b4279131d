/* cm-price-list.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* LiteLLM's price list to a layer of our price table.
 *
 * The list prices in USD per token as JSON numbers ("input_cost_per_token":
 * 3e-06). Our table counts units of 1e-4 USD per million tokens, so a per-token
 * price x is x * 1e6 USD per MTok = x * 1e10 units; it must come out a whole
 * number (and convert back to x) or the list is not trusted. Every Claude
 * entry is checked before anything is written: one bad figure rejects all. */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cm-price-list.h"

#define UNITS_PER_USD_PER_TOKEN 1e10          /* per token -> 1e-4 USD per MTok */
#define MAX_UNITS   G_GINT64_CONSTANT (10000000) /* 1000 USD per MTok */
#define MULT_UNITS  10000                      /* multipliers kept to 4 decimals */
#define MAX_RATIO   4                          /* against the table's own rate */

G_DEFINE_QUARK (cm-price-list-error-quark, cm_price_list_error)

enum { R_INPUT, R_OUTPUT, R_WRITE_5M, R_WRITE_1H, R_READ, N_RATES };

static const char *rate_names[N_RATES] = {
  "input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
};

typedef struct
{
  char    *id;        /* our canonical id */
  char    *key;       /* the list's key it came from */
  int      rank;      /* 0: Anthropic's entry, 1: Bedrock/Vertex, 2: global., 3: a region's */
  gboolean known;     /* @current prices it */
  gint64   base[N_RATES];
  gboolean has_long;
  gint64   threshold;
  gint64   lc[N_RATES];
  gint64   fast;      /* multiplier * MULT_UNITS, 0 = none given */
  gint64   geo_us;    /* likewise */
} Entry;

/* What @current charges for @id now. */
typedef struct
{
  gint64   base[N_RATES];
  gboolean has_long;
  gint64   lc[N_RATES];
  gint64   fast;
  gint64   geo_us;
} Current;

static void
entry_free (Entry *entry)
{
  g_free (entry->id);
  g_free (entry->key);
  g_free (entry);
}

void
cm_price_list_summary_free (CmPriceListSummary *summary)
{
  if (summary == NULL)
    return;
  g_ptr_array_unref (summary->added);
  g_ptr_array_unref (summary->updated);
  g_ptr_array_unref (summary->unchanged);
  g_ptr_array_unref (summary->skipped);
  g_free (summary);
}

static CmPriceListSummary *
summary_new (void)
{
  CmPriceListSummary *summary = g_new0 (CmPriceListSummary, 1);

  summary->added = g_ptr_array_new_with_free_func (g_free);
  summary->updated = g_ptr_array_new_with_free_func (g_free);
  summary->unchanged = g_ptr_array_new_with_free_func (g_free);
  summary->skipped = g_ptr_array_new_with_free_func (g_free);

  return summary;
}

static void
rates_to_array (const CmRates *rates,
                gint64         out[N_RATES])
{
  out[R_INPUT] = rates->input;
  out[R_OUTPUT] = rates->output;
  out[R_WRITE_5M] = rates->cache_write_5m;
  out[R_WRITE_1H] = rates->cache_write_1h;
  out[R_READ] = rates->cache_read;
}

static gboolean
current_rates (CmPricing  *current,
               const char *id,
               Current    *out)
{
  g_autoptr(CmModelPrice) price = cm_pricing_dup_model_price (current, id);

  memset (out, 0, sizeof *out);
  if (price == NULL)
    return FALSE;
  rates_to_array (&price->rates, out->base);
  out->has_long = price->has_long;
  if (out->has_long)
    rates_to_array (&price->long_rates, out->lc);
  out->fast = price->fast;
  out->geo_us = price->geo_us;

  return TRUE;
}

/* Parsing one figure */

typedef enum { FIG_ABSENT, FIG_ZERO, FIG_OK, FIG_BAD } Figure;

static Figure
bad_figure (GError    **error,
            const char *key,
            const char *member,
            const char *why)
{
  g_set_error (error, CM_PRICE_LIST_ERROR, CM_PRICE_LIST_ERROR_IMPLAUSIBLE,
               "%s: %s %s", key, member, why);
  return FIG_BAD;
}

/* A number scaled by @scale to a whole number within (0, @max]. */
static Figure
read_scaled (JsonObject  *obj,
             const char  *key,
             const char  *member,
             double       scale,
             gint64       max,
             gint64      *out,
             GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  GType type;
  double x, scaled, back;
  long long whole;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FIG_ABSENT;
  if (!JSON_NODE_HOLDS_VALUE (node))
    return bad_figure (error, key, member, "is not a number");
  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return bad_figure (error, key, member, "is not a number");
  x = json_node_get_double (node);
  if (!isfinite (x) || x < 0)
    return bad_figure (error, key, member, "is negative or not finite");
  if (x == 0)
    return FIG_ZERO;

  scaled = x * scale;
  if (scaled > (double) max)
    return bad_figure (error, key, member, "is far too large");
  whole = llround (scaled);
  /* The conversion must be exact and reversible: x * scale is a whole number
   * and that number divided by the scale gives x back. */
  back = (double) whole / scale;
  if (whole <= 0 || fabs (scaled - (double) whole) > 1e-6 ||
      fabs (back - x) > 1e-9 * x)
    return bad_figure (error, key, member, scale == UNITS_PER_USD_PER_TOKEN
                       ? "is not a whole number of 1e-4 USD per million tokens"
                       : "has more than 4 decimals");

  *out = whole;
  return FIG_OK;
}

static Figure
read_rate (JsonObject  *obj,
           const char  *key,
           const char  *member,
           gint64      *out,
           GError     **error)
{
  return read_scaled (obj, key, member, UNITS_PER_USD_PER_TOKEN, MAX_UNITS, out, error);
}

/* Entries */

static gboolean
is_wanted_provider (JsonObject *obj)
{
  static const char *providers[] = {
    "anthropic", "bedrock", "bedrock_converse", "vertex_ai-anthropic_models",
  };
  const char *provider = json_object_get_string_member_with_default (obj, "litellm_provider", "");

  for (guint i = 0; i < G_N_ELEMENTS (providers); i++)
    if (strcmp (provider, providers[i]) == 0)
      return TRUE;

  return FALSE;
}

/* Anthropic's list price first, then a cloud's plain id, its global
 * profile (list price too) and last a geography's profile (+10 %). */
static int
provider_rank (JsonObject *obj,
               const char *name)
{
  if (g_strcmp0 (json_object_get_string_member (obj, "litellm_provider"), "anthropic") == 0)
    return 0;
  if (g_str_has_prefix (name, "global."))
    return 2;
  if (g_regex_match_simple ("^[a-z-]+\\.anthropic\\.", name, 0, 0))
    return 3;

  return 1;
}

/* claude-<family>-<major>[-<minor>][-<yyyymmdd>]: a new model the table does
 * not know is only taken in this plain form (no "-fast", "-thinking", "[1m]"). */
static gboolean
is_plain_model_id (const char *id)
{
  return g_regex_match_simple ("^claude-[a-z]+-[0-9]+(-[0-9]{1,2})?(-[0-9]{8})?$", id, 0, 0);
}

/* The list key as a model id: Vertex entries are "vertex_ai/<id>"; keys with
 * any other path (regional Bedrock, routers) price something else. */
static char *
normalize_key (const char *key)
{
  g_autofree char *lower = g_ascii_strdown (key, -1);

  if (g_str_has_prefix (lower, "vertex_ai/"))
    return g_strdup (lower + strlen ("vertex_ai/"));
  if (strchr (lower, '/') != NULL)
    return NULL;

  return g_steal_pointer (&lower);
}

static gboolean
rates_consistent (const gint64  r[N_RATES],
                  const char   *key,
                  const char   *what,
                  GError      **error)
{
  if (r[R_OUTPUT] < r[R_INPUT] || r[R_READ] > r[R_INPUT] ||
      r[R_WRITE_5M] < r[R_INPUT] || r[R_WRITE_1H] < r[R_WRITE_5M])
    {
      g_set_error (error, CM_PRICE_LIST_ERROR, CM_PRICE_LIST_ERROR_IMPLAUSIBLE,
                   "%s: the %s rates do not fit together (output below input, a cache read "
                   "above input or a cache write below it)", key, what);
      return FALSE;
    }

  return TRUE;
}

/* Base and long-context rates of a model are not moved by more than
 * MAX_RATIO at once; a figure that is is a unit or a typo in the list. */
static gboolean
rates_near (const gint64  r[N_RATES],
            const gint64  cur[N_RATES],
            const char   *key,
            GError      **error)
{
  for (guint i = 0; i < N_RATES; i++)
    {
      if (cur[i] <= 0)
        continue;
      if (r[i] > cur[i] * MAX_RATIO || r[i] * MAX_RATIO < cur[i])
        {
          g_set_error (error, CM_PRICE_LIST_ERROR, CM_PRICE_LIST_ERROR_IMPLAUSIBLE,
                       "%s: %s %.4f USD per MTok is more than %dx away from the table's %.4f",
                       key, rate_names[i], r[i] / 1e4, MAX_RATIO, cur[i] / 1e4);
          return FALSE;
        }
    }

  return TRUE;
}

/* N of "input_cost_per_token_above_<N>k_tokens" exactly, else 0. */
static guint
threshold_of (const char *member)
{
  static const char prefix[] = "input_cost_per_token_above_";
  const char *p = member + strlen (prefix);
  guint64 n = 0;

  if (!g_str_has_prefix (member, prefix) || !g_ascii_isdigit (*p))
    return 0;
  for (; g_ascii_isdigit (*p) && n < 100000; p++)
    n = n * 10 + (guint) (*p - '0');

  return strcmp (p, "k_tokens") == 0 && n < 100000 ? (guint) n : 0;
}

/* The five long-context rates for the first "..._above_<N>k_tokens" set the
 * entry has; a missing cache rate follows the base ratio (the caching
 * multipliers apply on top of long-context pricing). */
static Figure
read_long_context (JsonObject  *obj,
                   const char  *key,
                   Entry       *entry,
                   GError     **error)
{
  g_autoptr(GList) members = json_object_get_members (obj);
  guint n = 0;
  Figure f;

  for (GList *l = members; l != NULL && n == 0; l = l->next)
    n = threshold_of (l->data);
  if (n == 0)
    return FIG_ABSENT;

  {
    g_autofree char *in = g_strdup_printf ("input_cost_per_token_above_%uk_tokens", n);
    g_autofree char *out = g_strdup_printf ("output_cost_per_token_above_%uk_tokens", n);
    g_autofree char *w5 = g_strdup_printf ("cache_creation_input_token_cost_above_%uk_tokens", n);
    g_autofree char *w1 = g_strdup_printf ("cache_creation_input_token_cost_above_1hr_above_%uk_tokens", n);
    g_autofree char *rd = g_strdup_printf ("cache_read_input_token_cost_above_%uk_tokens", n);
    const char *names[N_RATES] = { in, out, w5, w1, rd };

    for (guint i = 0; i < N_RATES; i++)
      {
        f = read_rate (obj, key, names[i], &entry->lc[i], error);
        if (f == FIG_BAD)
          return FIG_BAD;
        if (f == FIG_OK)
          continue;
        if (i <= R_OUTPUT || (entry->lc[R_INPUT] * entry->base[i]) % entry->base[R_INPUT] != 0)
          return FIG_ABSENT;
        entry->lc[i] = entry->lc[R_INPUT] * entry->base[i] / entry->base[R_INPUT];
      }
  }

  entry->threshold = (gint64) n * 1000;
  entry->has_long = TRUE;

  return FIG_OK;
}

static Figure
read_multipliers (JsonObject  *obj,
                  const char  *key,
                  Entry       *entry,
                  GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "provider_specific_entry");
  JsonObject *pse;
  Figure f;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FIG_OK;
  pse = json_node_get_object (node);

  f = read_scaled (pse, key, "fast", MULT_UNITS, 20 * MULT_UNITS, &entry->fast, error);
  if (f == FIG_BAD)
    return FIG_BAD;
  if (f == FIG_OK && entry->fast < MULT_UNITS)
    return bad_figure (error, key, "fast", "is not a multiplier between 1 and 20");
  f = read_scaled (pse, key, "us", MULT_UNITS, 2 * MULT_UNITS, &entry->geo_us, error);
  if (f == FIG_BAD)
    return FIG_BAD;
  if (f == FIG_OK && entry->geo_us < MULT_UNITS)
    return bad_figure (error, key, "us", "is not a multiplier between 1 and 2");

  return FIG_OK;
}

static void
skip (CmPriceListSummary *summary,
      const char         *key,
      const char         *why)
{
  g_ptr_array_add (summary->skipped, g_strdup_printf ("%s: %s", key, why));
}

/* One list entry: NULL with no error when it is not a Claude model we take. */
static Entry *
read_entry (CmPricing           *current,
            const char          *key,
            JsonObject          *obj,
            CmPriceListSummary  *summary,
            GError             **error)
{
  static const char *members[N_RATES] = {
    "input_cost_per_token", "output_cost_per_token", "cache_creation_input_token_cost",
    "cache_creation_input_token_cost_above_1hr", "cache_read_input_token_cost",
  };
  g_autofree char *name = normalize_key (key);
  Entry *entry;
  Current cur;
  Figure f[N_RATES];

  if (name == NULL || !is_wanted_provider (obj) ||
      g_strcmp0 (json_object_get_string_member_with_default (obj, "mode", "chat"), "chat") != 0)
    return NULL;

  entry = g_new0 (Entry, 1);
  entry->key = g_strdup (key);
  entry->id = cm_pricing_canonicalize_model (current, name);
  entry->rank = provider_rank (obj, name);
  entry->known = current_rates (current, entry->id, &cur);
  if (!g_str_has_prefix (entry->id, "claude-"))
    goto ignore;
  if (!entry->known && !is_plain_model_id (entry->id))
    {
      skip (summary, key, "not a plain model id");
      goto ignore;
    }

  for (guint i = 0; i < N_RATES; i++)
    if ((f[i] = read_rate (obj, key, members[i], &entry->base[i], error)) == FIG_BAD)
      goto fail;
  if (f[R_INPUT] != FIG_OK || f[R_OUTPUT] != FIG_OK)
    {
      skip (summary, key, "no input or output price");
      goto ignore;
    }
  for (guint i = R_WRITE_5M; i < N_RATES; i++)
    {
      if (f[i] == FIG_OK)
        continue;
      /* A rate the list lacks stays the table's; for a new model only the
       * 1-hour write has a published rule (2x input) to fill it. */
      if (entry->known)
        entry->base[i] = cur.base[i];
      else if (i == R_WRITE_1H)
        entry->base[i] = 2 * entry->base[R_INPUT];
      else
        {
          skip (summary, key, "no cache prices");
          goto ignore;
        }
    }

  if (read_long_context (obj, key, entry, error) == FIG_BAD ||
      read_multipliers (obj, key, entry, error) == FIG_BAD)
    goto fail;
  /* Whether a model has a long-context premium at all is a rule of the
   * table (the list keeps premiums Anthropic has dropped): the list only
   * moves the figures of a premium the table has, or gives a new model's. */
  if (entry->known && !cur.has_long)
    entry->has_long = FALSE;

  if (!rates_consistent (entry->base, key, "standard", error) ||
      (entry->has_long && !rates_consistent (entry->lc, key, "long-context", error)) ||
      (entry->known && !rates_near (entry->base, cur.base, key, error)) ||
      (entry->known && entry->has_long && !rates_near (entry->lc, cur.lc, key, error)))
    goto fail;

  return entry;

fail:
ignore:
  entry_free (entry);
  return NULL;
}

/* Anthropic's own entry for a model wins over Bedrock's and Vertex's; among
 * equals, the key that is the id itself, then the smaller key. */
static gboolean
entry_better (const Entry *a,
              const Entry *b)
{
  gboolean a_exact = strcmp (a->key, a->id) == 0;
  gboolean b_exact = strcmp (b->key, b->id) == 0;

  if (a->rank != b->rank)
    return a->rank < b->rank;
  if (a_exact != b_exact)
    return a_exact;

  return strcmp (a->key, b->key) < 0;
}

/* Writing the layer */

static void
append_units (GString *str,
              gint64   units)
{
  g_string_append_printf (str, "%" G_GINT64_FORMAT, units / 10000);
  if (units % 10000 != 0)
    {
      char frac[8];
      int len;

      g_snprintf (frac, sizeof frac, "%04d", (int) (units % 10000));
      for (len = 4; frac[len - 1] == '0'; len--)
        ;
      g_string_append_printf (str, ".%.*s", len, frac);
    }
}

static void
append_string (GString    *str,
               const char *text)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), text);
  g_autofree char *quoted = json_to_string (node, FALSE);

  g_string_append (str, quoted);
}

static void
append_rates (GString      *str,
              const gint64  r[N_RATES])
{
  for (guint i = 0; i < N_RATES; i++)
    {
      g_string_append_printf (str, "%s\"%s\": ", i ? ", " : "", rate_names[i]);
      append_units (str, r[i]);
    }
}

static void
append_entry (GString     *str,
              const Entry *e)
{
  append_string (str, e->id);
  g_string_append (str, ": { ");
  append_rates (str, e->base);
  if (e->has_long)
    {
      g_string_append (str, ",\n      \"long_context\": { ");
      append_rates (str, e->lc);
      g_string_append_printf (str, ", \"threshold\": %" G_GINT64_FORMAT " }", e->threshold);
    }
  if (e->fast > 0)
    {
      g_string_append (str, ",\n      \"speed\": { \"fast\": ");
      append_units (str, e->fast);
      g_string_append (str, " }");
    }
  if (e->geo_us > 0)
    {
      g_string_append (str, ",\n      \"inference_geo\": { \"us\": ");
      append_units (str, e->geo_us);
      g_string_append (str, " }");
    }
  g_string_append (str, ",\n      \"source\": ");
  append_string (str, e->key);
  g_string_append (str, " }");
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  return strcmp ((*(Entry * const *) a)->id, (*(Entry * const *) b)->id);
}

static GBytes *
write_layer (GPtrArray  *entries,
             const char *date,
             const char *source)
{
  GString *str = g_string_new ("{\n  \"version\": 1,\n  \"layer\": \"updated\",\n  \"updated\": ");

  append_string (str, date);
  g_string_append (str, ",\n  \"source\": ");
  append_string (str, source);
  g_string_append (str, ",\n  \"models\": {");
  g_ptr_array_sort (entries, compare_entries);
  for (guint i = 0; i < entries->len; i++)
    {
      g_string_append (str, i ? ",\n    " : "\n    ");
      append_entry (str, g_ptr_array_index (entries, i));
    }
  g_string_append (str, "\n  }\n}\n");

  return g_string_free_to_bytes (str);
}

static void
classify (CmPricing          *current,
          const Entry        *e,
          CmPriceListSummary *summary)
{
  Current cur;
  gboolean same;

  if (!e->known || !current_rates (current, e->id, &cur))
    {
      g_ptr_array_add (summary->added, g_strdup (e->id));
      return;
    }
  /* A multiplier the list does not give stays the table's. */
  same = memcmp (cur.base, e->base, sizeof cur.base) == 0 && cur.has_long == e->has_long &&
         (!e->has_long || memcmp (cur.lc, e->lc, sizeof cur.lc) == 0) &&
         (e->fast == 0 || e->fast == cur.fast) && (e->geo_us == 0 || e->geo_us == cur.geo_us);
  g_ptr_array_add (same ? summary->unchanged : summary->updated, g_strdup (e->id));
}

GBytes *
cm_price_list_convert (GBytes              *list,
                       CmPricing           *current,
                       const char          *date,
                       const char          *source,
                       CmPriceListSummary **summary_out,
                       GError             **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GHashTable) chosen = NULL;
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(CmPriceListSummary) summary = summary_new ();
  g_autoptr(GError) local_error = NULL;
  JsonObjectIter iter;
  const char *key;
  JsonNode *node;
  GHashTableIter hiter;
  Entry *entry;
  gsize len;
  const char *data;

  g_return_val_if_fail (list != NULL, NULL);
  g_return_val_if_fail (CM_IS_PRICING (current), NULL);

  data = g_bytes_get_data (list, &len);
  if (!json_parser_load_from_data (parser, data ? data : "", len, &local_error) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, CM_PRICE_LIST_ERROR, CM_PRICE_LIST_ERROR_MALFORMED,
                   "The price list is not a JSON object of models%s%s",
                   local_error ? ": " : "", local_error ? local_error->message : "");
      return NULL;
    }

  chosen = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) entry_free);
  json_object_iter_init (&iter, json_node_get_object (json_parser_get_root (parser)));
  while (json_object_iter_next (&iter, &key, &node))
    {
      Entry *old;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      entry = read_entry (current, key, json_node_get_object (node), summary, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (entry == NULL)
        continue;
      old = g_hash_table_lookup (chosen, entry->id);
      if (old == NULL || entry_better (entry, old))
        g_hash_table_replace (chosen, entry->id, entry);
      else
        entry_free (entry);
    }

  if (g_hash_table_size (chosen) == 0)
    {
      g_set_error (error, CM_PRICE_LIST_ERROR, CM_PRICE_LIST_ERROR_MALFORMED,
                   "The price list has no Claude model with a price");
      return NULL;
    }

  entries = g_ptr_array_new ();
  g_hash_table_iter_init (&hiter, chosen);
  while (g_hash_table_iter_next (&hiter, NULL, (gpointer *) &entry))
    {
      g_ptr_array_add (entries, entry);
      classify (current, entry, summary);
    }

  if (summary_out != NULL)
    *summary_out = g_steal_pointer (&summary);

  return write_layer (entries, date, source);
}
