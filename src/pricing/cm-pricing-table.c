/* cm-pricing-table.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The price table (data/pricing.json, user override with the same format).
 * All prices are USD per million tokens and must be exact multiples of 1e-4.
 *
 *   {
 *     "version": 1,                       optional; only 1 is understood
 *     "verified": "YYYY-MM-DD",           required in the shipped table
 *     "long_context_threshold": 200000,   prompt tokens; above it (strictly)
 *                                         the whole request uses long_context
 *     "web_search_per_1000": 10,          USD per 1000 web searches
 *     "estimated_backends": ["bedrock", "vertex"],
 *                                         backends priced at list price as a
 *                                         parity estimate (CmCost.estimated)
 *     "models": {
 *       "<canonical id>": {
 *         "input": 3, "output": 15, "cache_write_5m": 3.75,
 *         "cache_write_1h": 6, "cache_read": 0.3,          all required
 *         "long_context": { same five rates },             optional
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
 *
 * A merged file (the user override) replaces or adds whole models and may set
 * any of the global keys; everything in it is optional. A replaced model keeps
 * its previous aliases when the new entry has no "aliases" member.
 */

#include "config.h"

#include <math.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "cm-pricing-private.h"

/* Prices at or above this many USD per MTok are a typo, not a price. */
#define PRICE_MAX_USD 1000000

static gboolean
parse_price (JsonNode    *node,
             const char  *what,
             gint64      *out,
             GError     **error)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    goto bad;

  type = json_node_get_value_type (node);
  if (type == G_TYPE_INT64)
    {
      gint64 v = json_node_get_int (node);

      if (v < 0 || v >= PRICE_MAX_USD)
        goto bad;
      *out = v * CM_PRICE_UNITS_PER_USD;
      return TRUE;
    }
  else if (type == G_TYPE_DOUBLE)
    {
      double x = json_node_get_double (node);
      long long units;

      if (!isfinite (x) || x < 0 || x >= PRICE_MAX_USD)
        goto bad;
      /* The JSON text is decimal; 0.08 is not exact in binary, so round to
       * the unit and insist the text really was a multiple of it. */
      units = llround (x * CM_PRICE_UNITS_PER_USD);
      if (fabs (x - (double) units / CM_PRICE_UNITS_PER_USD) > 1e-9)
        goto bad;
      *out = units;
      return TRUE;
    }

bad:
  g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
               "“%s” must be a price in USD between 0 and %d with at most 4 decimals",
               what, PRICE_MAX_USD);
  return FALSE;
}

static gboolean
parse_rates (JsonObject  *obj,
             const char  *where,
             Rates       *rates,
             GError     **error)
{
  static const char *names[] = { "input", "output", "cache_write_5m", "cache_write_1h", "cache_read" };
  gint64 *fields[] = { &rates->input, &rates->output, &rates->cache_write_5m,
                       &rates->cache_write_1h, &rates->cache_read };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *what = g_strdup_printf ("%s.%s", where, names[i]);

      if (!json_object_has_member (obj, names[i]))
        {
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s” is missing", what);
          return FALSE;
        }
      if (!parse_price (json_object_get_member (obj, names[i]), what, fields[i], error))
        return FALSE;
    }

  return TRUE;
}

static gboolean
parse_rate_set (JsonObject  *obj,
                const char  *where,
                RateSet     *set,
                GError     **error)
{
  JsonNode *lc;

  if (!parse_rates (obj, where, &set->base, error))
    return FALSE;

  lc = json_object_get_member (obj, "long_context");
  set->has_long = FALSE;
  if (lc != NULL && !JSON_NODE_HOLDS_NULL (lc))
    {
      g_autofree char *what = g_strdup_printf ("%s.long_context", where);

      if (!JSON_NODE_HOLDS_OBJECT (lc))
        {
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s” must be an object", what);
          return FALSE;
        }
      if (!parse_rates (json_node_get_object (lc), what, &set->long_context, error))
        return FALSE;
      set->has_long = TRUE;
    }

  return TRUE;
}

static Model *
parse_model (const char  *id_raw,
             JsonNode    *node,
             GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (id_raw));
  g_autofree char *id = g_ascii_strdown (trimmed, -1);
  Model *model;
  JsonObject *obj;
  JsonNode *backends, *aliases;

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

  if (!parse_rate_set (obj, model->id, &model->rates, error))
    goto fail;

  backends = json_object_get_member (obj, "backends");
  if (backends != NULL && !JSON_NODE_HOLDS_NULL (backends))
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *bnode;

      if (!JSON_NODE_HOLDS_OBJECT (backends))
        {
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s.backends” must be an object", model->id);
          goto fail;
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
              goto fail;
            }
          if (!JSON_NODE_HOLDS_OBJECT (bnode))
            {
              g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                           "“%s” must be an object", where);
              goto fail;
            }
          g_clear_pointer (&model->backends[backend], g_free);
          model->backends[backend] = g_new0 (RateSet, 1);
          if (!parse_rate_set (json_node_get_object (bnode), where, model->backends[backend], error))
            goto fail;
        }
    }

  aliases = json_object_get_member (obj, "aliases");
  if (aliases != NULL && !JSON_NODE_HOLDS_NULL (aliases))
    {
      JsonArray *array;

      if (!JSON_NODE_HOLDS_ARRAY (aliases))
        {
          g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                       "“%s.aliases” must be an array of strings", model->id);
          goto fail;
        }
      array = json_node_get_array (aliases);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *anode = json_array_get_element (array, i);
          g_autofree char *alias = NULL;

          if (!JSON_NODE_HOLDS_VALUE (anode) || json_node_get_value_type (anode) != G_TYPE_STRING)
            {
              g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                           "“%s.aliases” must be an array of strings", model->id);
              goto fail;
            }
          alias = g_strstrip (g_ascii_strdown (json_node_get_string (anode), -1));
          if (*alias != '\0' && strcmp (alias, model->id) != 0)
            g_ptr_array_add (model->aliases, g_steal_pointer (&alias));
        }
    }

  return model;

fail:
  cm_pricing_model_unref (model);
  return NULL;
}

static void
append_rates (GString     *str,
              const Rates *r)
{
  g_string_append_printf (str, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                          ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT,
                          r->input, r->output, r->cache_write_5m, r->cache_write_1h,
                          r->cache_read);
}

static void
append_rate_set (GString       *str,
                 const RateSet *set)
{
  g_string_append (str, "base=");
  append_rates (str, &set->base);
  if (set->has_long)
    {
      g_string_append (str, ";long=");
      append_rates (str, &set->long_context);
    }
}

/* One line per model in id order, every field in a fixed order: two tables
 * with the same effective prices hash the same whatever their JSON layout. */
static void
update_fingerprint (CmPricing *self)
{
  g_autoptr(GString) str = g_string_new ("costmeter-pricing-1\n");
  g_auto(GStrv) ids = cm_pricing_dup_models (self);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_string_append_printf (str, "threshold=%" G_GINT64_FORMAT "\nweb=%" G_GINT64_FORMAT "\nestimated=",
                          self->long_context_threshold, self->web_search_per_1000);
  for (CmBackend b = 0; b < CM_N_BACKENDS; b++)
    if (self->estimated_mask & (1u << b))
      g_string_append_printf (str, "%s,", cm_backend_to_string (b));
  g_string_append_c (str, '\n');

  for (guint i = 0; ids[i] != NULL; i++)
    {
      Model *model = g_hash_table_lookup (self->models, ids[i]);
      g_autoptr(GPtrArray) aliases = g_ptr_array_copy (model->aliases, NULL, NULL);

      /* The copy borrows the strings. */
      g_ptr_array_set_free_func (aliases, NULL);

      g_string_append_printf (str, "model=%s;", model->id);
      append_rate_set (str, &model->rates);
      for (CmBackend b = 0; b < CM_N_BACKENDS; b++)
        {
          if (model->backends[b] == NULL)
            continue;
          g_string_append_printf (str, ";backend %s:", cm_backend_to_string (b));
          append_rate_set (str, model->backends[b]);
        }
      g_ptr_array_sort (aliases, cm_pricing_compare_strings);
      g_string_append (str, ";aliases=");
      for (guint j = 0; j < aliases->len; j++)
        g_string_append_printf (str, "%s,", (const char *) g_ptr_array_index (aliases, j));
      g_string_append_c (str, '\n');
    }

  g_checksum_update (checksum, (const guchar *) str->str, str->len);
  g_free (self->fingerprint);
  self->fingerprint = g_strdup (g_checksum_get_string (checksum));
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

/* The table-wide settings of a price table, read before anything of
 * @self changes. */
typedef struct
{
  const char *verified;   /* borrowed from the JSON; NULL keeps the old date */
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
parse_verified (JsonObject   *obj,
                const char  **verified,
                GError      **error)
{
  JsonNode *node = json_object_get_member (obj, "verified");

  if (node != NULL &&
      (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING ||
       !parse_date (*verified = json_node_get_string (node))))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "“verified” must be a date YYYY-MM-DD");
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
      !parse_verified (obj, &settings->verified, error) ||
      !parse_threshold (obj, &settings->threshold, error))
    return FALSE;

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

/* The entries of "models" in @obj, each replacing or adding a whole model
 * of @models. */
static gboolean
merge_models (GHashTable  *models,
              JsonObject  *obj,
              GError     **error)
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
      /* Replacing the prices of a model keeps its Bedrock/Vertex names
       * unless the entry lists aliases of its own. */
      old = g_hash_table_lookup (models, model->id);
      if (old != NULL && !json_object_has_member (json_node_get_object (mnode), "aliases"))
        {
          for (guint i = 0; i < old->aliases->len; i++)
            g_ptr_array_add (model->aliases, g_strdup (g_ptr_array_index (old->aliases, i)));
        }
      g_hash_table_replace (models, model->id, model);
    }

  return TRUE;
}

/* Everything checked: @self takes the new table at once. */
static void
commit_table (CmPricing      *self,
              GHashTable     *models,
              GHashTable     *aliases,
              const Settings *settings)
{
  g_clear_pointer (&self->aliases, g_hash_table_unref);
  self->aliases = aliases;
  g_clear_pointer (&self->models, g_hash_table_unref);
  self->models = models;
  if (settings->verified != NULL)
    {
      g_free (self->verified);
      self->verified = g_strdup (settings->verified);
    }
  self->long_context_threshold = settings->threshold;
  self->web_search_per_1000 = settings->web;
  self->estimated_mask = settings->mask;
  update_fingerprint (self);
}

/* Validates everything before changing @self, so a bad file leaves the table
 * as it was. @require_all is set for the base table. */
static gboolean
merge_node (CmPricing   *self,
            JsonNode    *root,
            gboolean     require_all,
            GError     **error)
{
  JsonObject *obj;
  g_autoptr(GHashTable) models = NULL;
  g_autoptr(GHashTable) aliases = NULL;
  Settings settings = { NULL, self->long_context_threshold, self->web_search_per_1000,
                        self->estimated_mask };

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

  models = copy_models (self->models);
  if (!merge_models (models, obj, error))
    return FALSE;

  aliases = build_aliases (models, error);
  if (aliases == NULL)
    return FALSE;

  commit_table (self, g_steal_pointer (&models), g_steal_pointer (&aliases), &settings);

  return TRUE;
}

gboolean
cm_pricing_load_bytes (CmPricing  *self,
                       GBytes     *json,
                       gboolean    require_all,
                       GError    **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len;
  const char *data = g_bytes_get_data (json, &len);

  if (!json_parser_load_from_data (parser, data ? data : "", len, error))
    return FALSE;

  return merge_node (self, json_parser_get_root (parser), require_all, error);
}
