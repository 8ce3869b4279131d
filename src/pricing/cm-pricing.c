/* cm-pricing.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The price table: the object, its layers and the model names. The table's
 * format is described in cm-pricing-table.c, the billing rules in
 * cm-pricing-bill.c. */

#include "config.h"

#include <string.h>

#include "cm-pricing-private.h"
#include "cm-pricing-resources.h"

#define PRICING_RESOURCE "/com/example/CostMeter/pricing.json"

G_DEFINE_TYPE (CmPricing, cm_pricing, G_TYPE_OBJECT)

G_DEFINE_QUARK (cm-pricing-error-quark, cm_pricing_error)

const char *
cm_price_layer_to_string (CmPriceLayer layer)
{
  switch (layer)
    {
    case CM_PRICE_LAYER_BUNDLED: return "bundled";
    case CM_PRICE_LAYER_UPDATED: return "updated";
    case CM_PRICE_LAYER_USER:    return "user";
    default:                     return "unknown";
    }
}

static void
model_clear (Model *model)
{
  g_free (model->id);
  g_free (model->name);
  g_free (model->source);
  g_free (model->verified);
  g_free (model->layer_date);
  g_clear_pointer (&model->periods, g_array_unref);
  g_clear_pointer (&model->speeds, g_array_unref);
  g_clear_pointer (&model->geos, g_array_unref);
  for (guint i = 0; i < CM_N_BACKENDS; i++)
    g_free (model->backends[i]);
  g_clear_pointer (&model->aliases, g_ptr_array_unref);
}

void
cm_pricing_model_unref (gpointer data)
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
  g_clear_pointer (&self->update_path, g_free);
  g_clear_pointer (&self->update_date, g_free);
  g_clear_pointer (&self->update_source, g_free);
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
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, cm_pricing_model_unref);
  self->aliases = g_hash_table_new (g_str_hash, g_str_equal);
  self->long_context_threshold = 200000;
  self->web_search_per_1000 = 10 * CM_PRICE_UNITS_PER_USD;
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
      g_string_append_printf (str, ";above=%" G_GINT64_FORMAT ";fast=%d", set->threshold, set->long_fast);
    }
}

/* Multipliers in the table's order, which is the file's: a reordered file
 * re-prices once, harmlessly. */
static void
append_multipliers (GString    *str,
                    const char *what,
                    GArray     *multipliers)
{
  for (guint i = 0; multipliers != NULL && i < multipliers->len; i++)
    {
      const Multiplier *m = &g_array_index (multipliers, Multiplier, i);

      g_string_append_printf (str, ";%s %s=%" G_GINT64_FORMAT, what, m->value, m->factor);
    }
}

static void
append_model (GString     *str,
              const Model *model)
{
  g_autoptr(GPtrArray) aliases = g_ptr_array_copy (model->aliases, NULL, NULL);

  /* The copy borrows the strings. */
  g_ptr_array_set_free_func (aliases, NULL);

  g_string_append_printf (str, "model=%s;", model->id);
  append_rate_set (str, &model->rates);
  for (guint j = 0; model->periods != NULL && j < model->periods->len; j++)
    {
      const Period *p = &g_array_index (model->periods, Period, j);

      g_string_append_printf (str, ";before %" G_GINT64_FORMAT ":", p->until_ms);
      append_rate_set (str, &p->rates);
    }
  append_multipliers (str, "speed", model->speeds);
  append_multipliers (str, "geo", model->geos);
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

/* One line per model in id order, every field in a fixed order: two tables
 * with the same effective prices hash the same whatever their JSON layout. */
void
cm_pricing_update_fingerprint (CmPricing *self)
{
  g_autoptr(GString) str = g_string_new ("costmeter-pricing-2\n");
  g_auto(GStrv) ids = cm_pricing_dup_models (self);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  g_string_append_printf (str, "threshold=%" G_GINT64_FORMAT "\nweb=%" G_GINT64_FORMAT "\nestimated=",
                          self->long_context_threshold, self->web_search_per_1000);
  for (CmBackend b = 0; b < CM_N_BACKENDS; b++)
    if (self->estimated_mask & (1u << b))
      g_string_append_printf (str, "%s,", cm_backend_to_string (b));
  g_string_append_c (str, '\n');

  for (guint i = 0; ids[i] != NULL; i++)
    append_model (str, g_hash_table_lookup (self->models, ids[i]));

  g_checksum_update (checksum, (const guchar *) str->str, str->len);
  g_free (self->fingerprint);
  self->fingerprint = g_strdup (g_checksum_get_string (checksum));
}

static gboolean
merge_bytes (CmPricing     *self,
             GBytes        *json,
             gboolean       require_all,
             CmPriceLayer   layer,
             GError       **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  gsize len;
  const char *data = g_bytes_get_data (json, &len);

  if (!json_parser_load_from_data (parser, data ? data : "", len, error))
    return FALSE;

  return cm_pricing_merge_node (self, json_parser_get_root (parser), require_all, layer, error);
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
  if (!merge_bytes (self, json, TRUE, CM_PRICE_LAYER_BUNDLED, error))
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
  g_autoptr(GError) local_error = NULL;
  g_autofree char *update = NULL;
  g_autofree char *path = NULL;

  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = cm_pricing_new_builtin (error);
  if (self == NULL)
    return NULL;

  /* The layer was checked when it was fetched: one that does not load now
   * was damaged since, and the shipped prices serve until the next update. */
  update = cm_pricing_dup_update_file ();
  if (!cm_pricing_merge_update_file (self, update, &local_error))
    g_warning ("%s", local_error->message);

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

  return merge_bytes (self, json, FALSE, CM_PRICE_LAYER_USER, error);
}

/* @path's table as @layer; a missing file is no error. */
static gboolean
merge_layer_file (CmPricing     *self,
                  const char    *path,
                  CmPriceLayer   layer,
                  gboolean      *found,
                  GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize len;

  *found = FALSE;
  if (!g_file_get_contents (path, &contents, &len, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  bytes = g_bytes_new_take (g_steal_pointer (&contents), len);
  if (!merge_bytes (self, bytes, FALSE, layer, &local_error))
    {
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  layer == CM_PRICE_LAYER_UPDATED
                                  ? "Updated prices %s are not valid: "
                                  : "Price table override %s is not valid: ", path);
      return FALSE;
    }
  *found = TRUE;

  return TRUE;
}

gboolean
cm_pricing_merge_file (CmPricing   *self,
                       const char  *path,
                       GError     **error)
{
  gboolean found;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!merge_layer_file (self, path, CM_PRICE_LAYER_USER, &found, error))
    return FALSE;
  if (found)
    {
      g_free (self->override_path);
      self->override_path = g_strdup (path);
    }

  return TRUE;
}

gboolean
cm_pricing_merge_update_file (CmPricing   *self,
                              const char  *path,
                              GError     **error)
{
  gboolean found;

  g_return_val_if_fail (CM_IS_PRICING (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!merge_layer_file (self, path, CM_PRICE_LAYER_UPDATED, &found, error))
    return FALSE;
  if (found)
    {
      g_free (self->update_path);
      self->update_path = g_strdup (path);
    }

  return TRUE;
}

/**
 * cm_pricing_dup_update_file:
 *
 * Where Update Prices keeps the fetched layer:
 * $XDG_CONFIG_HOME/costmeter/pricing-updated.json.
 */
char *
cm_pricing_dup_update_file (void)
{
  return g_build_filename (g_get_user_config_dir (), "costmeter", "pricing-updated.json", NULL);
}

const char *
cm_pricing_get_update_path (CmPricing *self)
{
  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  return self->update_path;
}

const char *
cm_pricing_get_update_date (CmPricing *self)
{
  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  return self->update_path != NULL ? self->update_date : NULL;
}

const char *
cm_pricing_get_update_source (CmPricing *self)
{
  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  return self->update_path != NULL ? self->update_source : NULL;
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
  /* Claude Code's context-window suffix ("claude-opus-4-6[1m]") names the
   * same model: long prompts are priced by their size, not by the name. */
  if (g_str_has_suffix (lower, "]") && strchr (lower, '[') != NULL && strchr (lower, '[') != lower)
    *strchr (lower, '[') = '\0';
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

Model *
cm_pricing_find_model (CmPricing  *self,
                       const char *canonical)
{
  const char *id;

  if (canonical == NULL)
    return NULL;
  id = lookup_id (self, canonical);

  return id ? g_hash_table_lookup (self->models, id) : NULL;
}

void
cm_model_price_free (CmModelPrice *price)
{
  if (price == NULL)
    return;
  g_free (price->id);
  g_free (price->name);
  g_free (price->layer_date);
  g_free (price->source);
  g_free (price);
}

static gint64
factor_of (GArray     *multipliers,
           const char *value)
{
  for (guint i = 0; multipliers != NULL && i < multipliers->len; i++)
    if (strcmp (g_array_index (multipliers, Multiplier, i).value, value) == 0)
      return g_array_index (multipliers, Multiplier, i).factor;

  return 0;
}

/**
 * cm_pricing_dup_model_price:
 *
 * The current figures of @canonical, and which layer they come from.
 */
CmModelPrice *
cm_pricing_dup_model_price (CmPricing  *self,
                            const char *canonical)
{
  Model *model;
  CmModelPrice *price;

  g_return_val_if_fail (CM_IS_PRICING (self), NULL);

  model = cm_pricing_find_model (self, canonical);
  if (model == NULL)
    return NULL;

  price = g_new0 (CmModelPrice, 1);
  price->id = g_strdup (model->id);
  price->name = g_strdup (model->name);
  price->layer = model->layer;
  price->layer_date = g_strdup (model->layer_date);
  price->source = g_strdup (model->source);
  price->rates = model->rates.base;
  price->has_long = model->rates.has_long;
  price->long_rates = model->rates.long_context;
  price->threshold = model->rates.threshold > 0 ? model->rates.threshold : self->long_context_threshold;
  price->fast = factor_of (model->speeds, "fast");
  price->geo_us = factor_of (model->geos, "us");
  price->n_periods = model->periods != NULL ? model->periods->len : 0;

  return price;
}
