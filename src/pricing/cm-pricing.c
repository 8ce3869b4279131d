/* cm-pricing.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The price table object: the shipped table and the user's override loaded
 * (their format, and the checks, are in cm-pricing-table.c), model names
 * made canonical, and the billing rules that turn usage into exact money. */

#include "config.h"

#include <string.h>

#include "cm-pricing-private.h"
#include "cm-pricing-resources.h"

#define PRICING_RESOURCE "/com/example/CostMeter/pricing.json"

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

int
cm_pricing_compare_strings (gconstpointer a,
                            gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
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
  if (!cm_pricing_load_bytes (self, json, TRUE, error))
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

  return cm_pricing_load_bytes (self, json, FALSE, error);
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
  if (!cm_pricing_load_bytes (self, bytes, FALSE, &local_error))
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
  g_ptr_array_sort (ids, cm_pricing_compare_strings);
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
