/* cm-pricing.c
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

#include "cm-pricing-resources.h"
#include "cm-pricing.h"

#define PRICING_RESOURCE "/com/example/CostMeter/pricing.json"
/* Prices at or above this many USD per MTok are a typo, not a price. */
#define PRICE_MAX_USD 1000000

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

G_DEFINE_TYPE (CmPricing, cm_pricing, G_TYPE_OBJECT)

G_DEFINE_QUARK (cm-pricing-error-quark, cm_pricing_error)

static void
model_clear (Model *model)
{
  g_free (model->id);
  for (guint i = 0; i < CM_N_BACKENDS; i++)
    g_free (model->backends[i]);
  g_clear_pointer (&model->aliases, g_ptr_array_unref);
}

static void
model_unref (gpointer data)
{
  g_rc_box_release_full (data, (GDestroyNotify) model_clear);
}

static void
cm_pricing_finalize (GObject *object)
{
  CmPricing *self = CM_PRICING (object);

  g_clear_pointer (&self->models, g_hash_table_unref);
  g_clear_pointer (&self->aliases, g_hash_table_unref);
  g_clear_pointer (&self->verified, g_free);
  g_clear_pointer (&self->override_path, g_free);
  g_clear_pointer (&self->fingerprint, g_free);

  G_OBJECT_CLASS (cm_pricing_parent_class)->finalize (object);
}

static void
cm_pricing_class_init (CmPricingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_pricing_finalize;
}

static void
cm_pricing_init (CmPricing *self)
{
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, model_unref);
  self->aliases = g_hash_table_new (g_str_hash, g_str_equal);
  self->long_context_threshold = 200000;
  self->web_search_per_1000 = 10 * CM_PRICE_UNITS_PER_USD;
}

/* Parsing */

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
  model_unref (model);
  return NULL;
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
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
      g_ptr_array_sort (aliases, compare_strings);
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
  GHashTable *models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, model_unref);
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

static gboolean
merge_bytes (CmPricing  *self,
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

/* Public API */

CmPricing *
cm_pricing_new_from_bytes (GBytes  *json,
                           GError **error)
{
  g_autoptr(CmPricing) self = NULL;

  g_return_val_if_fail (json != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CM_TYPE_PRICING, NULL);
  if (!merge_bytes (self, json, TRUE, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * cm_pricing_new_builtin:
 *
 * The shipped table alone, without the user override: what a caller falls
 * back to when cm_pricing_new_default() reports a broken override.
 */
CmPricing *
cm_pricing_new_builtin (GError **error)
{
  g_autoptr(GBytes) bytes = NULL;

  bytes = g_resource_lookup_data (cm_pricing_get_resource (), PRICING_RESOURCE,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  return cm_pricing_new_from_bytes (bytes, error);
}

/**
 * cm_pricing_dup_override_file:
 *
 * Where the user override is looked for: $XDG_CONFIG_HOME/costmeter/pricing.json.
 */
char *
cm_pricing_dup_override_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "costmeter", "pricing.json", NULL);
}

CmPricing *
cm_pricing_new_default (GError **error)
{
  g_autoptr(CmPricing) self = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = cm_pricing_new_builtin (error);
  if (self == NULL)
    return NULL;

  path = cm_pricing_dup_override_file ();
  if (!cm_pricing_merge_file (self, path, error))
    return NULL;

  return g_steal_pointer (&self);
}

gboolean
cm_pricing_merge_bytes (CmPricing  *self,
                        GBytes     *json,
                        GError    **error)
{
  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);
  g_return_val_if_fail (json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return merge_bytes (self, json, FALSE, error);
}

gboolean
cm_pricing_merge_file (CmPricing   *self,
                       const char  *path,
                       GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  if (!merge_bytes (self, bytes, FALSE, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "Price table override %s is not valid: ", path);
      return FALSE;
    }

  g_free (self->override_path);
  self->override_path = g_strdup (path);

  return TRUE;
}

const char *
cm_pricing_get_verified (CmPricing *self)
{
  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  return self->verified;
}

const char *
cm_pricing_get_override_path (CmPricing *self)
{
  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  return self->override_path;
}

const char *
cm_pricing_get_fingerprint (CmPricing *self)
{
  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  return self->fingerprint;
}

/* Canonicalisation */

static const char *
lookup_id (CmPricing  *self,
           const char *name)
{
  Model *model = g_hash_table_lookup (self->models, name);

  if (model != NULL)
    return model->id;

  return g_hash_table_lookup (self->aliases, name);
}

/* Bedrock geography prefixes of cross-region inference profiles. */
static const char *region_prefixes[] = {
  "us-gov.", "global.", "apac.", "us.", "eu.", "jp.", "au.", "ca.", "ap.", "sa.", "me.", "af.", "il.",
};

/* Removes a trailing "-vN" or "-vN:M" in place. */
static void
strip_bedrock_version (char *s)
{
  char *p = strrchr (s, '-');
  char *q;

  if (p == NULL || p[1] != 'v' || !g_ascii_isdigit (p[2]))
    return;
  for (q = p + 2; g_ascii_isdigit (*q); q++)
    ;
  if (*q == ':')
    {
      if (!g_ascii_isdigit (q[1]))
        return;
      for (q++; g_ascii_isdigit (*q); q++)
        ;
    }
  if (*q == '\0')
    *p = '\0';
}

/* Length of @s without a trailing "-YYYYMMDD", or 0 when there is none. */
static gsize
dateless_length (const char *s)
{
  gsize len = strlen (s);

  if (len < 10 || s[len - 9] != '-')
    return 0;
  for (gsize i = len - 8; i < len; i++)
    if (!g_ascii_isdigit (s[i]))
      return 0;

  return len - 9;
}

char *
cm_pricing_canonicalize_model (CmPricing  *self,
                               const char *model_raw)
{
  g_autofree char *lower = NULL;
  const char *id;
  char *s;
  gsize len;

  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  if (model_raw == NULL)
    return g_strdup ("");

  lower = g_strstrip (g_ascii_strdown (model_raw, -1));
  if ((id = lookup_id (self, lower)) != NULL)
    return g_strdup (id);

  s = lower;
  /* arn:aws:bedrock:<region>:<acct>:inference-profile/us.anthropic.claude-… */
  if (g_str_has_prefix (s, "arn:") && strrchr (s, '/') != NULL)
    s = strrchr (s, '/') + 1;

  for (guint i = 0; i < G_N_ELEMENTS (region_prefixes); i++)
    {
      if (g_str_has_prefix (s, region_prefixes[i]))
        {
          s += strlen (region_prefixes[i]);
          break;
        }
    }
  if ((id = lookup_id (self, s)) != NULL)
    return g_strdup (id);

  if (g_str_has_prefix (s, "anthropic."))
    s += strlen ("anthropic.");
  strip_bedrock_version (s);
  g_strdelimit (s, "@", '-');
  if ((id = lookup_id (self, s)) != NULL)
    return g_strdup (id);

  /* A dated snapshot of a model the table lists without a date. */
  len = dateless_length (s);
  if (len > 0)
    {
      g_autofree char *dateless = g_strndup (s, len);

      if ((id = lookup_id (self, dateless)) != NULL)
        return g_strdup (id);
    }

  return g_strdup (s);
}

gboolean
cm_pricing_has_model (CmPricing  *self,
                      const char *canonical)
{
  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);

  return canonical != NULL && g_hash_table_contains (self->models, canonical);
}

GStrv
cm_pricing_dup_models (CmPricing *self)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new ();
  GHashTableIter iter;
  const char *id;

  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  g_hash_table_iter_init (&iter, self->models);
  while (g_hash_table_iter_next (&iter, (gpointer *) &id, NULL))
    g_ptr_array_add (ids, g_strdup (id));
  g_ptr_array_sort (ids, compare_strings);
  g_ptr_array_add (ids, NULL);

  return (GStrv) g_ptr_array_free (g_steal_pointer (&ids), FALSE);
}

/* Pricing */

static Model *
find_model (CmPricing  *self,
            const char *canonical)
{
  const char *id;

  if (canonical == NULL)
    return NULL;
  id = lookup_id (self, canonical);

  return id ? g_hash_table_lookup (self->models, id) : NULL;
}

/**
 * cm_pricing_is_estimated_backend:
 *
 * Whether dollars of @canonical on @backend are a parity estimate: the backend
 * is listed in estimated_backends and the model has no own prices for it.
 */
gboolean
cm_pricing_is_estimated_backend (CmPricing  *self,
                                 const char *canonical,
                                 CmBackend   backend)
{
  Model *model;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);

  if (backend >= CM_N_BACKENDS || (self->estimated_mask & (1u << backend)) == 0)
    return FALSE;

  model = find_model (self, canonical);

  return model == NULL || model->backends[backend] == NULL;
}

/* Overflow saturates: a count this large is corrupt data, and the maximum
 * makes it stand out instead of wrapping to a plausible figure. */
static CmMoney
mul_sat (gint64 tokens,
         gint64 price)
{
  gint64 r;

  if (tokens <= 0 || price <= 0)
    return 0;
  if (__builtin_mul_overflow (tokens, price, &r))
    return G_MAXINT64;

  return r;
}

static CmMoney
add_sat (CmMoney a,
         CmMoney b)
{
  CmMoney r;

  if (__builtin_add_overflow (a, b, &r))
    return G_MAXINT64;

  return r;
}

gboolean
cm_pricing_price (CmPricing     *self,
                  const char    *canonical,
                  CmBackend      backend,
                  const CmUsage *usage,
                  CmCost        *cost)
{
  const RateSet *set;
  const Rates *r;
  Model *model;
  gint64 prompt;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);
  g_return_val_if_fail (usage != NULL, FALSE);
  g_return_val_if_fail (cost != NULL, FALSE);

  memset (cost, 0, sizeof *cost);

  model = find_model (self, canonical);
  if (model == NULL)
    return FALSE;

  set = &model->rates;
  if (backend < CM_N_BACKENDS && model->backends[backend] != NULL)
    set = model->backends[backend];
  else
    cost->estimated = backend < CM_N_BACKENDS && (self->estimated_mask & (1u << backend)) != 0;

  prompt = add_sat (add_sat (MAX (usage->input, 0), MAX (usage->cache_write_5m, 0)),
                    add_sat (MAX (usage->cache_write_1h, 0), MAX (usage->cache_read, 0)));
  cost->long_context = set->has_long && prompt > self->long_context_threshold;
  r = cost->long_context ? &set->long_context : &set->base;

  cost->input = mul_sat (usage->input, r->input);
  cost->output = mul_sat (usage->output, r->output);
  cost->cache_write_5m = mul_sat (usage->cache_write_5m, r->cache_write_5m);
  cost->cache_write_1h = mul_sat (usage->cache_write_1h, r->cache_write_1h);
  cost->cache_read = mul_sat (usage->cache_read, r->cache_read);
  /* price units per 1000 searches -> CmMoney per search:
   * x * (1e10 / 1e4) / 1000 = x * 1e6 / 1000. */
  cost->web_search = mul_sat (usage->web_search,
                              mul_sat (self->web_search_per_1000,
                                       CM_MONEY_PER_USD / CM_PRICE_UNITS_PER_USD / 1000));

  cost->total = add_sat (add_sat (add_sat (cost->input, cost->output),
                                  add_sat (cost->cache_write_5m, cost->cache_write_1h)),
                         add_sat (cost->cache_read, cost->web_search));

  return TRUE;
}
