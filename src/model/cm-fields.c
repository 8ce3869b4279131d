/* cm-fields.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-fields.h"

void
cm_fields_install (GObjectClass  *klass,
                   const CmField *fields,
                   guint          n_fields,
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
        default:
          g_assert_not_reached ();
        }

      pspecs[i + 1] = pspec;
      g_object_class_install_property (klass, i + 1, pspec);
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
  const CmField *f;

  g_return_if_fail (prop_id >= 1 && prop_id <= n_fields);

  f = &fields[prop_id - 1];

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
    default:
      g_assert_not_reached ();
    }
}
