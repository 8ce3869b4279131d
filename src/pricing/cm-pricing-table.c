/* cm-pricing-table.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading a price table (data/pricing.json, the updated layer and the user
 * override share one format). All prices are USD per million tokens and must
 * be exact multiples of 1e-4.
 *
 *   {
 *     "version": 1,                       optional; only 1 is understood
 *     "verified": "YYYY-MM-DD",           required in the shipped table
 *     "updated": "YYYY-MM-DD",            the updated layer's date
 *     "source": "…",                      where the figures were read
 *     "long_context_threshold": 200000,   prompt tokens; above it (strictly)
 *                                         the whole request uses long_context
 *     "web_search_per_1000": 10,          USD per 1000 web searches
 *     "estimated_backends": ["bedrock", "vertex"],
 *                                         backends priced at list price as a
 *                                         parity estimate (CmCost.estimated)
 *     "models": {
 *       "<canonical id>": {
 *         "name": "Claude Opus 5", "source": "https://…", "verified": "…",
 *         "input": 3, "output": 15, "cache_write_5m": 3.75,
 *         "cache_write_1h": 6, "cache_read": 0.3,          all required
 *         "long_context": { same five rates,                optional
 *                           "threshold": 100000,            this model's own
 *                           "fast": true },                 also for fast requests
 *         "speed": { "fast": 2 },                           usage.speed multipliers
 *         "inference_geo": { "us": 1.1 },                   usage.inference_geo ones
 *         "before": [ { "date": "2026-10-07",               rates of messages sent
 *                       "cache_read": 0.2,                  before that UTC day:
 *                       "long_context": { … } | null } ],   the entry's, with these
 *         "backends": {                                     optional
 *           "bedrock": { same five rates, optional long_context }
 *         },
 *         "aliases": ["claude-sonnet-4-5", "anthropic.claude-…-v1:0", …]
 *       }
 *     }
 *   }
 *
 * A "backends" block prices that backend with its own rates, and those dollars
 * are exact (not estimated) even when the backend is in estimated_backends.
 * Ids and aliases are case-insensitive (stored lower-cased); an alias may
 * point to one model only. Unknown keys are ignored so newer tables load.
 * Multipliers have at most 4 decimals and lie between 1 and 100.
 *
 * A merged file (the updated layer, the user override) replaces or adds whole
 * models and may set any of the global keys; everything in it is optional. A
 * replaced model keeps its previous name, aliases, earlier dated rates and
 * multipliers when the new entry has no such member.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include "cm-pricing-private.h"

#define MAX_MULTIPLIER 100

/* Figures */

static gboolean
parse_scaled (JsonNode *node,
              gint64    scale,
              gint64    max,
              gint64   *out)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < 0 || v >= max)
        return FALSE;
      *out = v * scale;
      return TRUE;
    }
  if (type == G_TYPE_DOUBLE)
    {
      double x = json_node_get_double (node);
      long long units;

      if (!isfinite (x) || x < 0 || x >= max)
        return FALSE;
      /* The JSON text is decimal; 0.08 is not exact in binary, so round to
       * the unit and insist the text really was a multiple of it. */
      units = llround (x * scale);
      if (fabs (x - (double) units / scale) > 1e-9)
        return FALSE;
      *out = units;
      return TRUE;
    }

  return FALSE;
}

static gboolean
parse_price (JsonNode    *node,
             const char  *what,
             gint64      *out,
             GError     **error)
{
  if (parse_scaled (node, CM_PRICE_UNITS_PER_USD, CM_PRICE_MAX_USD, out))
    return TRUE;

  g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
               "“%s” must be a price in USD between 0 and %d with at most 4 decimals",
               what, CM_PRICE_MAX_USD);
  return FALSE;
}

/* Strictly "YYYY-MM-DD" and a real day. */
static gboolean
parse_date (const char *s)
{
  guint y, m, d;

  if (strlen (s) != 10 || s[4] != '-' || s[7] != '-')
    return FALSE;
  for (guint i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (s[i]))
      return FALSE;
  y = g_ascii_strtoull (s, NULL, 10);
  m = g_ascii_strtoull (s + 5, NULL, 10);
  d = g_ascii_strtoull (s + 8, NULL, 10);

  return g_date_valid_dmy (d, m, y);
}

static const char *
string_member (JsonObject *obj,
               const char *name)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static const char *rate_names[] = { "input", "output", "cache_write_5m", "cache_write_1h", "cache_read" };

static gint64 *
rate_field (Rates *rates,
            guint  i)
{
  gint64 *fields[] = { &rates->input, &rates->output, &rates->cache_write_5m,
                       &rates->cache_write_1h, &rates->cache_read };

  return fields[i];
}

/* The five rates of @obj; with @partial, only those it has replace @rates'. */
static gboolean
parse_rates (JsonObject  *obj,
             const char  *where,
             gboolean     partial,
             Rates       *rates,
             GError     **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (rate_names); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s.%s", where, rate_names[i]);

      if (!json_object_has_member (obj, rate_names[i]))
        {
          if (partial)
            continue;
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s” is missing", what);
          return FALSE;
        }
      if (!parse_price (json_object_get_member (obj, rate_names[i]), what, rate_field (rates, i), error))
        return FALSE;
    }

  return TRUE;
}

/* "long_context": an object sets the premium, null removes it. */
static gboolean
parse_long_context (JsonNode    *lc,
                    const char  *where,
                    RateSet     *set,
                    GError     **error)
{
  g_autofree char *what = g_strdup_printf ("%s.long_context", where);
  JsonObject *obj;
  JsonNode *node;

  set->has_long = FALSE;
  set->threshold = 0;
  set->long_fast = TRUE;
  if (JSON_NODE_HOLDS_NULL (lc))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (lc))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID, "“%s” must be an object", what);
      return FALSE;
    }
  obj = json_node_get_object (lc);
  if (!parse_rates (obj, what, FALSE, &set->long_context, error))
    return FALSE;

  node = json_object_get_member (obj, "threshold");
  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
       json_node_get_int (node) <= 0))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“%s.threshold” must be a positive whole number of tokens", what);
      return FALSE;
    }
  if (node != NULL)
    set->threshold = json_node_get_int (node);

  node = json_object_get_member (obj, "fast");
  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID, "“%s.fast” must be true or false", what);
      return FALSE;
    }
  if (node != NULL)
    set->long_fast = json_node_get_boolean (node);
  set->has_long = TRUE;

  return TRUE;
}

static gboolean
parse_rate_set (JsonObject  *obj,
                const char  *where,
                RateSet     *set,
                GError     **error)
{
  JsonNode *lc;

  if (!parse_rates (obj, where, FALSE, &set->base, error))
    return FALSE;

  set->has_long = FALSE;
  lc = json_object_get_member (obj, "long_context");

  return lc == NULL || parse_long_context (lc, where, set, error);
}

/* Multipliers */

static void
multiplier_clear (gpointer data)
{
  g_free (((Multiplier *) data)->value);
}

/* { "fast": 2 }: values lower-cased, factors in CM_MULTIPLIER_ONE units. */
static gboolean
parse_multipliers (JsonObject  *obj,
                   const char  *member,
                   const char  *where,
                   GArray     **out,
                   GError     **error)
{
  JsonNode *node = json_object_get_member (obj, member);
  g_autoptr(GArray) array = NULL;
  JsonObjectIter iter;
  const char *value;
  JsonNode *factor;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_OBJECT (node))
    goto bad;

  array = g_array_new (FALSE, FALSE, sizeof (Multiplier));
  g_array_set_clear_func (array, multiplier_clear);
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &value, &factor))
    {
      Multiplier m = { NULL, 0 };

      if (*value == '\0' || !parse_scaled (factor, CM_MULTIPLIER_ONE, MAX_MULTIPLIER, &m.factor) ||
          m.factor < CM_MULTIPLIER_ONE)
        goto bad;
      m.value = g_ascii_strdown (value, -1);
      g_array_append_val (array, m);
    }

  *out = array->len > 0 ? g_steal_pointer (&array) : NULL;
  return TRUE;

bad:
  g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
               "“%s.%s” must map values to multipliers between 1 and %d with at most 4 decimals",
               where, member, MAX_MULTIPLIER);
  return FALSE;
}

/* Earlier dated rates */

static void
period_clear (gpointer data)
{
  g_free (((Period *) data)->date);
}

static int
compare_periods (gconstpointer a,
                 gconstpointer b)
{
  const Period *pa = a, *pb = b;

  return pa->until_ms < pb->until_ms ? -1 : pa->until_ms > pb->until_ms;
}

static gint64
date_to_ms (const char *date)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *iso = g_strconcat (date, "T00:00:00Z", NULL);

  dt = g_date_time_new_from_iso8601 (iso, NULL);

  return dt != NULL ? g_date_time_to_unix (dt) * 1000 : 0;
}

/* One entry of "before": the model's rates with the entry's changes. */
static gboolean
parse_period (JsonNode       *node,
              const char     *where,
              const RateSet  *current,
              Period         *period,
              GError        **error)
{
  JsonObject *obj;
  const char *date;
  JsonNode *lc;

  if (!JSON_NODE_HOLDS_OBJECT (node) ||
      (date = string_member (obj = json_node_get_object (node), "date")) == NULL || !parse_date (date))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“%s” entries must be objects with a \"date\" YYYY-MM-DD", where);
      return FALSE;
    }

  period->date = g_strdup (date);
  period->until_ms = date_to_ms (date);
  period->rates = *current;
  if (!parse_rates (obj, where, TRUE, &period->rates.base, error))
    return FALSE;
  lc = json_object_get_member (obj, "long_context");

  return lc == NULL || parse_long_context (lc, where, &period->rates, error);
}

static gboolean
parse_periods (JsonObject     *obj,
               const char     *id,
               const RateSet  *current,
               GArray        **out,
               GError        **error)
{
  JsonNode *node = json_object_get_member (obj, "before");
  g_autofree char *where = g_strdup_printf ("%s.before", id);
  g_autoptr(GArray) periods = NULL;
  JsonArray *array;

  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  if (!JSON_NODE_HOLDS_ARRAY (node))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID, "“%s” must be an array", where);
      return FALSE;
    }

  array = json_node_get_array (node);
  periods = g_array_new (FALSE, TRUE, sizeof (Period));
  g_array_set_clear_func (periods, period_clear);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      g_array_set_size (periods, periods->len + 1);
      if (!parse_period (json_array_get_element (array, i), where, current,
                         &g_array_index (periods, Period, periods->len - 1), error))
        return FALSE;
    }
  g_array_sort (periods, compare_periods);
  for (guint i = 1; i < periods->len; i++)
    if (g_array_index (periods, Period, i).until_ms == g_array_index (periods, Period, i - 1).until_ms)
      {
        g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID, "“%s” has one date twice", where);
        return FALSE;
      }

  *out = periods->len > 0 ? g_steal_pointer (&periods) : NULL;
  return TRUE;
}

/* Models */

static gboolean
parse_backends (JsonObject  *obj,
                Model       *model,
                GError     **error)
{
  JsonNode *backends = json_object_get_member (obj, "backends");
  JsonObjectIter iter;
  const char *name;
  JsonNode *bnode;

  if (backends == NULL || JSON_NODE_HOLDS_NULL (backends))
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (backends))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“%s.backends” must be an object", model->id);
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (backends));
  while (json_object_iter_next (&iter, &name, &bnode))
    {
      g_autofree char *where = g_strdup_printf ("%s.backends.%s", model->id, name);
      CmBackend backend;

      if (!cm_backend_from_string (name, &backend) || backend == CM_BACKEND_UNKNOWN)
        {
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s”: unknown backend (use anthropic, bedrock or vertex)", where);
          return FALSE;
        }
      if (!JSON_NODE_HOLDS_OBJECT (bnode))
        {
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s” must be an object", where);
          return FALSE;
        }
      g_clear_pointer (&model->backends[backend], g_free);
      model->backends[backend] = g_new0 (RateSet, 1);
      if (!parse_rate_set (json_node_get_object (bnode), where, model->backends[backend], error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_aliases (JsonObject  *obj,
               Model       *model,
               GError     **error)
{
  JsonNode *aliases = json_object_get_member (obj, "aliases");
  JsonArray *array;

  if (aliases == NULL || JSON_NODE_HOLDS_NULL (aliases))
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (aliases))
    goto bad;
  array = json_node_get_array (aliases);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *anode = json_array_get_element (array, i);
      g_autofree char *alias = NULL;

      if (!JSON_NODE_HOLDS_VALUE (anode) || json_node_get_value_type (anode) != G_TYPE_STRING)
        goto bad;
      alias = g_strstrip (g_ascii_strdown (json_node_get_string (anode), -1));
      if (*alias != '\0' && strcmp (alias, model->id) != 0)
        g_ptr_array_add (model->aliases, g_steal_pointer (&alias));
    }

  return TRUE;

bad:
  g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
               "“%s.aliases” must be an array of strings", model->id);
  return FALSE;
}

static Model *
parse_model (const char  *id_raw,
             JsonNode    *node,
             GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (id_raw));
  g_autofree char *id = g_ascii_strdown (trimmed, -1);
  const char *verified;
  Model *model;
  JsonObject *obj;

  if (*id == '\0' || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "model “%s” must be an object with a non-empty id", id_raw);
      return NULL;
    }
  obj = json_node_get_object (node);

  model = g_rc_box_new0 (Model);
  model->id = g_steal_pointer (&id);
  model->aliases = g_ptr_array_new_with_free_func (g_free);
  model->name = g_strdup (string_member (obj, "name"));
  model->source = g_strdup (string_member (obj, "source"));
  verified = string_member (obj, "verified");
  model->verified = verified != NULL && parse_date (verified) ? g_strdup (verified) : NULL;

  if (!parse_rate_set (obj, model->id, &model->rates, error) ||
      !parse_multipliers (obj, "speed", model->id, &model->speeds, error) ||
      !parse_multipliers (obj, "inference_geo", model->id, &model->geos, error) ||
      !parse_periods (obj, model->id, &model->rates, &model->periods, error) ||
      !parse_backends (obj, model, error) ||
      !parse_aliases (obj, model, error))
    {
      cm_pricing_model_unref (model);
      return NULL;
    }

  return model;
}

/* Builds the alias index of @models; an alias that names a model id or two
 * different models is an error. */
static GHashTable *
build_aliases (GHashTable  *models,
               GError     **error)
{
  g_autoptr(GHashTable) aliases = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  Model *model;

  g_hash_table_iter_init (&iter, models);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &model))
    {
      for (guint i = 0; i < model->aliases->len; i++)
        {
          const char *alias = g_ptr_array_index (model->aliases, i);
          const char *other = g_hash_table_lookup (aliases, alias);

          if (g_hash_table_contains (models, alias))
            {
              g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                           "alias “%s” of “%s” is itself a model id", alias, model->id);
              return NULL;
            }
          if (other != NULL && strcmp (other, model->id) != 0)
            {
              g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                           "alias “%s” names both “%s” and “%s”", alias, other, model->id);
              return NULL;
            }
          g_hash_table_insert (aliases, (gpointer) alias, model->id);
        }
    }

  return g_steal_pointer (&aliases);
}

/* The table-wide settings of a price table, read before anything of
 * @self changes. */
typedef struct
{
  const char *verified;   /* borrowed from the JSON; NULL keeps the old date */
  const char *updated;    /* likewise, the updated layer's date */
  const char *source;
  gint64      threshold;
  gint64      web;
  guint       mask;
} Settings;

static gboolean
check_required_members (JsonObject  *obj,
                        GError     **error)
{
  static const char *required[] = { "verified", "long_context_threshold", "web_search_per_1000", "models" };

  for (guint i = 0; i < G_N_ELEMENTS (required); i++)
    if (!json_object_has_member (obj, required[i]))
      {
        g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                     "“%s” is missing", required[i]);
        return FALSE;
      }

  return TRUE;
}

static gboolean
check_version (JsonObject  *obj,
               GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "version");

  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
       json_node_get_int (node) != 1))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "unsupported “version” (only 1 is understood)");
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_day (JsonObject   *obj,
           const char   *name,
           const char  **day,
           GError      **error)
{
  JsonNode *node = json_object_get_member (obj, name);

  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
       !parse_date (*day = json_node_get_string (node))))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“%s” must be a date YYYY-MM-DD", name);
      return FALSE;
    }

  return TRUE;
}

static gboolean
parse_threshold (JsonObject  *obj,
                 gint64      *threshold,
                 GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "long_context_threshold");

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) <= 0)
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“long_context_threshold” must be a positive whole number of tokens");
      return FALSE;
    }
  *threshold = json_node_get_int (node);

  return TRUE;
}

static gboolean
parse_estimated_backends (JsonObject  *obj,
                          guint       *mask,
                          GError     **error)
{
  JsonNode *node = json_object_get_member (obj, "estimated_backends");
  JsonArray *array;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_ARRAY (node))
    goto bad_backends;
  array = json_node_get_array (node);
  *mask = 0;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *el = json_array_get_element (array, i);
      CmBackend backend;

      if (!JSON_NODE_HOLDS_VALUE (el) || json_node_get_value_type (el) != G_TYPE_STRING ||
          !cm_backend_from_string (json_node_get_string (el), &backend))
        goto bad_backends;
      *mask |= 1u << backend;
    }

  return TRUE;

bad_backends:
  g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
               "“estimated_backends” must be an array of backend names");
  return FALSE;
}

/* Every member of @obj but "models", checked in the order a user reads
 * them; @settings starts from the table's current values. */
static gboolean
parse_settings (JsonObject  *obj,
                Settings    *settings,
                GError     **error)
{
  JsonNode *node;

  if (!check_version (obj, error) ||
      !parse_day (obj, "verified", &settings->verified, error) ||
      !parse_day (obj, "updated", &settings->updated, error) ||
      !parse_threshold (obj, &settings->threshold, error))
    return FALSE;

  settings->source = string_member (obj, "source");
  if ((node = json_object_get_member (obj, "web_search_per_1000")) != NULL &&
      !parse_price (node, "web_search_per_1000", &settings->web, error))
    return FALSE;

  return parse_estimated_backends (obj, &settings->mask, error);
}

/* The new model set shares the unchanged entries with the old one. */
static GHashTable *
copy_models (GHashTable *old_models)
{
  GHashTable *models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, cm_pricing_model_unref);
  GHashTableIter iter;
  Model *model;

  g_hash_table_iter_init (&iter, old_models);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &model))
    g_hash_table_insert (models, model->id, g_rc_box_acquire (model));

  return models;
}

static GArray *
copy_periods (GArray *periods)
{
  GArray *copy = periods != NULL ? g_array_copy (periods) : NULL;

  /* The copy holds its own strings: both clear theirs (g_array_copy()
   * does not carry the clear function over). */
  if (copy != NULL)
    g_array_set_clear_func (copy, period_clear);
  for (guint i = 0; copy != NULL && i < copy->len; i++)
    g_array_index (copy, Period, i).date = g_strdup (g_array_index (copy, Period, i).date);

  return copy;
}

static GArray *
copy_multipliers (GArray *multipliers)
{
  GArray *copy = multipliers != NULL ? g_array_copy (multipliers) : NULL;

  if (copy != NULL)
    g_array_set_clear_func (copy, multiplier_clear);
  for (guint i = 0; copy != NULL && i < copy->len; i++)
    g_array_index (copy, Multiplier, i).value = g_strdup (g_array_index (copy, Multiplier, i).value);

  return copy;
}

/* What a replacing entry does not say is kept from the model it replaces:
 * its Bedrock/Vertex names, display name, earlier rates and multipliers. */
static void
inherit (Model       *model,
         const Model *old,
         JsonObject  *obj)
{
  if (!json_object_has_member (obj, "aliases"))
    for (guint i = 0; i < old->aliases->len; i++)
      g_ptr_array_add (model->aliases, g_strdup (g_ptr_array_index (old->aliases, i)));
  if (!json_object_has_member (obj, "name"))
    model->name = g_strdup (old->name);
  if (!json_object_has_member (obj, "before"))
    model->periods = copy_periods (old->periods);
  if (!json_object_has_member (obj, "speed"))
    model->speeds = copy_multipliers (old->speeds);
  if (!json_object_has_member (obj, "inference_geo"))
    model->geos = copy_multipliers (old->geos);
}

/* The entries of "models" in @obj, each replacing or adding a whole model
 * of @models, marked as of @layer (dated @date). */
static gboolean
merge_models (GHashTable    *models,
              JsonObject    *obj,
              CmPriceLayer   layer,
              const char    *date,
              GError       **error)
{
  JsonNode *node = json_object_get_member (obj, "models");
  JsonObjectIter iter;
  const char *id;
  JsonNode *mnode;

  if (node == NULL)
    return TRUE;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“models” must be an object");
      return FALSE;
    }
  json_object_iter_init (&iter, json_node_get_object (node));
  while (json_object_iter_next (&iter, &id, &mnode))
    {
      Model *model = parse_model (id, mnode, error);
      Model *old;

      if (model == NULL)
        return FALSE;
      model->layer = layer;
      model->layer_date = g_strdup (date);
      old = g_hash_table_lookup (models, model->id);
      if (old != NULL)
        inherit (model, old, json_node_get_object (mnode));
      g_hash_table_replace (models, model->id, model);
    }

  return TRUE;
}

/* Everything checked: @self takes the new table at once. */
static void
commit_table (CmPricing      *self,
              GHashTable     *models,
              GHashTable     *aliases,
              const Settings *settings,
              CmPriceLayer    layer)
{
  g_clear_pointer (&self->aliases, g_hash_table_unref);
  self->aliases = aliases;
  g_clear_pointer (&self->models, g_hash_table_unref);
  self->models = models;
  if (settings->verified != NULL && layer != CM_PRICE_LAYER_UPDATED)
    {
      g_free (self->verified);
      self->verified = g_strdup (settings->verified);
    }
  if (layer == CM_PRICE_LAYER_UPDATED)
    {
      g_free (self->update_date);
      self->update_date = g_strdup (settings->updated);
      g_free (self->update_source);
      self->update_source = g_strdup (settings->source);
    }
  self->long_context_threshold = settings->threshold;
  self->web_search_per_1000 = settings->web;
  self->estimated_mask = settings->mask;
  cm_pricing_update_fingerprint (self);
}

/* Validates everything before changing @self, so a bad file leaves the table
 * as it was. @require_all is set for the base table. */
gboolean
cm_pricing_merge_node (CmPricing     *self,
                       JsonNode      *root,
                       gboolean       require_all,
                       CmPriceLayer   layer,
                       GError       **error)
{
  JsonObject *obj;
  g_autoptr(GHashTable) models = NULL;
  g_autoptr(GHashTable) aliases = NULL;
  Settings settings = { NULL, NULL, NULL, self->long_context_threshold, self->web_search_per_1000,
                        self->estimated_mask };
  const char *date;

  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "the price table must be a JSON object");
      return FALSE;
    }
  obj = json_node_get_object (root);

  if (require_all && !check_required_members (obj, error))
    return FALSE;

  if (!parse_settings (obj, &settings, error))
    return FALSE;

  date = layer == CM_PRICE_LAYER_BUNDLED ? settings.verified
         : layer == CM_PRICE_LAYER_UPDATED ? settings.updated : NULL;
  models = copy_models (self->models);
  if (!merge_models (models, obj, layer, date, error))
    return FALSE;

  aliases = build_aliases (models, error);
  if (aliases == NULL)
    return FALSE;

  commit_table (self, g_steal_pointer (&models), g_steal_pointer (&aliases), &settings, layer);

  return TRUE;
}
