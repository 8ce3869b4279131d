/* cm-fields.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-fields.h"

/* The CmTotals members come first, then the figures derived from them. */
#define N_STORED 18

#define T(name, member) { name, CM_FIELD_INT64, G_STRUCT_OFFSET (CmTotals, member) }

/* Offsets into a CmTotals; the derived figures are computed when read. */
static const CmField totals_fields[] = {
  T ("input", input),
  T ("output", output),
  T ("cache-write-5m", cache_write_5m),
  T ("cache-write-1h", cache_write_1h),
  T ("cache-read", cache_read),
  T ("web-search", web_search),
  T ("messages", messages),
  T ("unpriced", unpriced),
  T ("estimated", estimated),
  T ("cost", cost),
  T ("cost-input", cost_input),
  T ("cost-output", cost_output),
  T ("cost-cache-write-5m", cost_cache_write_5m),
  T ("cost-cache-write-1h", cost_cache_write_1h),
  T ("cost-cache-read", cost_cache_read),
  T ("cost-web-search", cost_web_search),
  T ("first-ms", first_ms),
  T ("last-ms", last_ms),
  { "tokens", CM_FIELD_INT64, 0 },
  { "cache-hit-ratio", CM_FIELD_DOUBLE, 0 },
  { "has-estimate", CM_FIELD_BOOLEAN, 0 },
};

#undef T

G_STATIC_ASSERT (G_N_ELEMENTS (totals_fields) == CM_FIELDS_N_TOTALS);
G_STATIC_ASSERT (N_STORED + 3 == CM_FIELDS_N_TOTALS);

static gboolean
has_totals (const CmField *fields,
            guint          n_fields)
{
  return n_fields > 0 && fields[n_fields - 1].type == CM_FIELD_TOTALS;
}

static void
install_range (GObjectClass  *klass,
               const CmField *fields,
               guint          n_fields,
               guint          first_id,
               GParamSpec   **pspecs)
{
  const GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  for (guint i = 0; i < n_fields; i++)
    {
      const CmField *f = &fields[i];
      GParamSpec *pspec = NULL;

      switch (f->type)
        {
        case CM_FIELD_INT64:
          pspec = g_param_spec_int64 (f->name, NULL, NULL, G_MININT64, G_MAXINT64, 0, flags);
          break;
        case CM_FIELD_DOUBLE:
          pspec = g_param_spec_double (f->name, NULL, NULL, -G_MAXDOUBLE, G_MAXDOUBLE, 0, flags);
          break;
        case CM_FIELD_STRING:
          pspec = g_param_spec_string (f->name, NULL, NULL, NULL, flags);
          break;
        case CM_FIELD_BOOLEAN:
          pspec = g_param_spec_boolean (f->name, NULL, NULL, FALSE, flags);
          break;
        case CM_FIELD_TOTALS:
        default:
          g_assert_not_reached ();
        }

      pspecs[first_id + i] = pspec;
      g_object_class_install_property (klass, first_id + i, pspec);
    }
}

void
cm_fields_install (GObjectClass  *klass,
                   const CmField *fields,
                   guint          n_fields,
                   GParamSpec   **pspecs)
{
  guint n_own = has_totals (fields, n_fields) ? n_fields - 1 : n_fields;

  install_range (klass, fields, n_own, 1, pspecs);
  if (n_own < n_fields)
    install_range (klass, totals_fields, CM_FIELDS_N_TOTALS, n_fields, pspecs);
}

static void
get_field (const guint8  *base,
           const CmField *f,
           GValue        *value)
{
  switch (f->type)
    {
    case CM_FIELD_INT64:
      g_value_set_int64 (value, *(const gint64 *) (base + f->offset));
      break;
    case CM_FIELD_DOUBLE:
      g_value_set_double (value, *(const double *) (base + f->offset));
      break;
    case CM_FIELD_STRING:
      g_value_set_string (value, *(char * const *) (base + f->offset));
      break;
    case CM_FIELD_BOOLEAN:
      g_value_set_boolean (value, *(const gboolean *) (base + f->offset));
      break;
    case CM_FIELD_TOTALS:
    default:
      g_assert_not_reached ();
    }
}

static void
get_totals (const CmTotals *t,
            guint           index,
            GValue         *value)
{
  if (index < N_STORED)
    get_field ((const guint8 *) t, &totals_fields[index], value);
  else if (index == N_STORED)
    g_value_set_int64 (value, t->input + t->output + t->cache_write_5m + t->cache_write_1h + t->cache_read);
  else if (index == N_STORED + 1)
    g_value_set_double (value, cm_totals_cache_hit_ratio (t));
  else
    g_value_set_boolean (value, t->estimated > 0);
}

void
cm_fields_get (gconstpointer  instance,
               const CmField *fields,
               guint          n_fields,
               guint          prop_id,
               GValue        *value)
{
  const guint8 *base = instance;

  g_return_if_fail (prop_id >= 1);

  if (has_totals (fields, n_fields) && prop_id >= n_fields)
    {
      g_return_if_fail (prop_id < n_fields + CM_FIELDS_N_TOTALS);
      get_totals ((const CmTotals *) (base + fields[n_fields - 1].offset), prop_id - n_fields, value);
      return;
    }

  g_return_if_fail (prop_id <= n_fields);
  get_field (base, &fields[prop_id - 1], value);
}
