/* cm-field-sorter.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-field-sorter.h"
#include "cm-fields.h"

struct _CmFieldSorter
{
  GtkSorter   parent_instance;

  char       *field;
  CmFieldRef  ref;
  gboolean    descending;
};

G_DEFINE_FINAL_TYPE (CmFieldSorter, cm_field_sorter, GTK_TYPE_SORTER)

enum {
  PROP_0,
  PROP_FIELD,
  PROP_DESCENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GtkOrdering
cm_field_sorter_compare (GtkSorter *sorter,
                         gpointer   item1,
                         gpointer   item2)
{
  /* The model holds one type: a type check per comparison, of the sorter
   * or the items, would cost more than the comparison. */
  CmFieldSorter *self = (CmFieldSorter *) sorter;
  int result = cm_fields_compare (item1, item2, &self->ref);

  return gtk_ordering_from_cmpfunc (self->descending ? -result : result);
}

static GtkSorterOrder
cm_field_sorter_get_order (GtkSorter *sorter)
{
  return GTK_SORTER_ORDER_PARTIAL;
}

static void
cm_field_sorter_finalize (GObject *object)
{
  CmFieldSorter *self = CM_FIELD_SORTER (object);

  g_free (self->field);

  G_OBJECT_CLASS (cm_field_sorter_parent_class)->finalize (object);
}

static void
cm_field_sorter_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CmFieldSorter *self = CM_FIELD_SORTER (object);

  switch (prop_id)
    {
    case PROP_FIELD:
      g_value_set_string (value, self->field);
      break;
    case PROP_DESCENDING:
      g_value_set_boolean (value, self->descending);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_field_sorter_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CmFieldSorter *self = CM_FIELD_SORTER (object);

  switch (prop_id)
    {
    case PROP_DESCENDING:
      cm_field_sorter_set_descending (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_field_sorter_class_init (CmFieldSorterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkSorterClass *sorter_class = GTK_SORTER_CLASS (klass);

  object_class->finalize = cm_field_sorter_finalize;
  object_class->get_property = cm_field_sorter_get_property;
  object_class->set_property = cm_field_sorter_set_property;
  sorter_class->compare = cm_field_sorter_compare;
  sorter_class->get_order = cm_field_sorter_get_order;

  properties[PROP_FIELD] =
    g_param_spec_string ("field", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_DESCENDING] =
    g_param_spec_boolean ("descending", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_field_sorter_init (CmFieldSorter *self)
{
}

CmFieldSorter *
cm_field_sorter_new (GType       item_type,
                     const char *field)
{
  CmFieldSorter *self;
  CmFieldRef ref;

  g_return_val_if_fail (field != NULL, NULL);

  /* The class registers its fields when it is first made. */
  g_type_class_unref (g_type_class_ref (item_type));
  if (!cm_fields_lookup (item_type, field, &ref))
    return NULL;

  self = g_object_new (CM_TYPE_FIELD_SORTER, NULL);
  self->field = g_strdup (field);
  self->ref = ref;

  return self;
}

const char *
cm_field_sorter_get_field (CmFieldSorter *self)
{
  g_return_val_if_fail (CM_IS_FIELD_SORTER (self), NULL);

  return self->field;
}

gboolean
cm_field_sorter_get_descending (CmFieldSorter *self)
{
  g_return_val_if_fail (CM_IS_FIELD_SORTER (self), FALSE);

  return self->descending;
}

void
cm_field_sorter_set_descending (CmFieldSorter *self,
                                gboolean       descending)
{
  g_return_if_fail (CM_IS_FIELD_SORTER (self));

  descending = !!descending;
  if (self->descending == descending)
    return;

  self->descending = descending;
  gtk_sorter_changed (GTK_SORTER (self), GTK_SORTER_CHANGE_INVERTED);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCENDING]);
}
