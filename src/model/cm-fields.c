/* cm-fields.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

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

typedef struct
{
  const CmField *fields;
  guint          n_fields;
} Table;

static GQuark
table_quark (void)
{
  return g_quark_from_static_string ("cm-fields-table");
}

void
cm_fields_install (GObjectClass  *klass,
                   const CmField *fields,
                   guint          n_fields,
                   GParamSpec   **pspecs)
{
  guint n_own = has_totals (fields, n_fields) ? n_fields - 1 : n_fields;
  Table *table = g_new (Table, 1);

  install_range (klass, fields, n_own, 1, pspecs);
  if (n_own < n_fields)
    install_range (klass, totals_fields, CM_FIELDS_N_TOTALS, n_fields, pspecs);

  /* Kept for cm_fields_lookup(), as long as the class (for good). */
  *table = (Table) { fields, n_fields };
  g_type_set_qdata (G_OBJECT_CLASS_TYPE (klass), table_quark (), table);
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

static gint64
total_tokens (const CmTotals *t)
{
  return t->input + t->output + t->cache_write_5m + t->cache_write_1h + t->cache_read;
}

static void
get_totals (const CmTotals *t,
            guint           index,
            GValue         *value)
{
  if (index < N_STORED)
    get_field ((const guint8 *) t, &totals_fields[index], value);
  else if (index == N_STORED)
    g_value_set_int64 (value, total_tokens (t));
  else if (index == N_STORED + 1)
    /* No input: undefined, which views show as such, not as 0 %. */
    g_value_set_double (value, cm_totals_cache_hit_defined (t) ? cm_totals_cache_hit_ratio (t) : NAN);
  else
    g_value_set_boolean (value, t->estimated > 0);
}

/* The figures derived from the totals, as numbers to compare (a token
 * count is exact in a double far beyond any history). */
static double
derived_value (const CmTotals *t,
               int             derived)
{
  switch (derived)
    {
    case 0:  return (double) total_tokens (t);
    case 1:  return cm_totals_cache_hit_defined (t) ? cm_totals_cache_hit_ratio (t) : -1.0;
    default: return t->estimated > 0;
    }
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

gboolean
cm_fields_lookup (GType       type,
                  const char *name,
                  CmFieldRef *ref)
{
  const Table *table = NULL;

  g_return_val_if_fail (name != NULL && ref != NULL, FALSE);

  for (GType t = type; t != 0 && table == NULL; t = g_type_parent (t))
    table = g_type_get_qdata (t, table_quark ());
  if (table == NULL)
    return FALSE;

  for (guint i = 0; i < table->n_fields; i++)
    {
      if (table->fields[i].type != CM_FIELD_TOTALS && g_str_equal (table->fields[i].name, name))
        {
          *ref = (CmFieldRef) { &table->fields[i], 0, -1 };
          return TRUE;
        }
    }

  if (!has_totals (table->fields, table->n_fields))
    return FALSE;

  for (guint i = 0; i < CM_FIELDS_N_TOTALS; i++)
    {
      if (g_str_equal (totals_fields[i].name, name))
        {
          *ref = (CmFieldRef) { &totals_fields[i], table->fields[table->n_fields - 1].offset,
                                i < N_STORED ? -1 : (int) (i - N_STORED) };
          return TRUE;
        }
    }

  return FALSE;
}

#define CMP(x, y) ((x) < (y) ? -1 : (x) > (y) ? 1 : 0)

int
cm_fields_compare (gconstpointer     a,
                   gconstpointer     b,
                   const CmFieldRef *ref)
{
  const guint8 *pa = (const guint8 *) a + ref->base;
  const guint8 *pb = (const guint8 *) b + ref->base;

  if (ref->derived >= 0)
    {
      double x = derived_value ((const CmTotals *) pa, ref->derived);
      double y = derived_value ((const CmTotals *) pb, ref->derived);

      return CMP (x, y);
    }

  pa += ref->field->offset;
  pb += ref->field->offset;

  switch (ref->field->type)
    {
    case CM_FIELD_INT64:
      return CMP (*(const gint64 *) pa, *(const gint64 *) pb);
    case CM_FIELD_DOUBLE:
      return CMP (*(const double *) pa, *(const double *) pb);
    case CM_FIELD_STRING:
      return g_strcmp0 (*(char * const *) pa, *(char * const *) pb);
    case CM_FIELD_BOOLEAN:
      return CMP (*(const gboolean *) pa != 0, *(const gboolean *) pb != 0);
    case CM_FIELD_TOTALS:
    default:
      g_assert_not_reached ();
    }
}

#undef CMP
