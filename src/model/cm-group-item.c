/* cm-group-item.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stddef.h>

#include "cm-fields.h"
#include "cm-group-item.h"

struct _CmGroupItem
{
  GObject   parent_instance;

  char     *key;
  char     *key2;
  char     *label;
  char     *speed;
  CmTotals  totals;
  double    share;
  gboolean  muted;
  gboolean  total;
  CmMoney   backend_cost[CM_N_BACKENDS];
  gint64    backend_unpriced[CM_N_BACKENDS];
};

G_DEFINE_FINAL_TYPE (CmGroupItem, cm_group_item, G_TYPE_OBJECT)

#define F(name, type, member) { name, type, offsetof (CmGroupItem, member) }

static const CmField fields[] = {
  F ("key", CM_FIELD_STRING, key),
  F ("key2", CM_FIELD_STRING, key2),
  F ("label", CM_FIELD_STRING, label),
  F ("speed", CM_FIELD_STRING, speed),
  F ("share", CM_FIELD_DOUBLE, share),
  F ("muted", CM_FIELD_BOOLEAN, muted),
  F ("total", CM_FIELD_BOOLEAN, total),
  F ("cost-anthropic", CM_FIELD_INT64, backend_cost[CM_BACKEND_ANTHROPIC]),
  F ("cost-bedrock", CM_FIELD_INT64, backend_cost[CM_BACKEND_BEDROCK]),
  F ("cost-vertex", CM_FIELD_INT64, backend_cost[CM_BACKEND_VERTEX]),
  F ("cost-unknown", CM_FIELD_INT64, backend_cost[CM_BACKEND_UNKNOWN]),
  /* The unpriced messages behind each backend's dollars: a backend column
   * reads "—" for them, not $0. */
  F ("unpriced-anthropic", CM_FIELD_INT64, backend_unpriced[CM_BACKEND_ANTHROPIC]),
  F ("unpriced-bedrock", CM_FIELD_INT64, backend_unpriced[CM_BACKEND_BEDROCK]),
  F ("unpriced-vertex", CM_FIELD_INT64, backend_unpriced[CM_BACKEND_VERTEX]),
  F ("unpriced-unknown", CM_FIELD_INT64, backend_unpriced[CM_BACKEND_UNKNOWN]),
  CM_FIELDS_TOTALS (CmGroupItem, totals),
};

#undef F

static GParamSpec *properties[CM_FIELDS_N_PSPECS (G_N_ELEMENTS (fields))];

static void
cm_group_item_finalize (GObject *object)
{
  CmGroupItem *self = (CmGroupItem *)object;

  g_free (self->key);
  g_free (self->key2);
  g_free (self->label);
  g_free (self->speed);

  G_OBJECT_CLASS (cm_group_item_parent_class)->finalize (object);
}

static void
cm_group_item_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  cm_fields_get (object, fields, G_N_ELEMENTS (fields), prop_id, value);
}

static void
cm_group_item_class_init (CmGroupItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_group_item_finalize;
  object_class->get_property = cm_group_item_get_property;

  cm_fields_install (object_class, fields, G_N_ELEMENTS (fields), properties);
}

static void
cm_group_item_init (CmGroupItem *self)
{
}

CmGroupItem *
cm_group_item_new (const char     *key,
                   const char     *key2,
                   const char     *label,
                   const CmTotals *totals)
{
  CmGroupItem *self = g_object_new (CM_TYPE_GROUP_ITEM, NULL);

  self->key = g_strdup (key);
  self->key2 = g_strdup (key2);
  self->label = g_strdup (label != NULL ? label : key);
  if (totals != NULL)
    self->totals = *totals;

  return self;
}

const char *
cm_group_item_get_key (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), NULL);

  return self->key;
}

const char *
cm_group_item_get_key2 (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), NULL);

  return self->key2;
}

/**
 * cm_group_item_set_speed:
 *
 * Marks a model's row as its requests at @speed ("fast"): the label becomes
 * "claude-opus-5 · fast". %NULL or "" is standard speed, which the row
 * then says ("standard"), with its label left alone.
 */
void
cm_group_item_set_speed (CmGroupItem *self,
                         const char  *speed)
{
  g_return_if_fail (CM_IS_GROUP_ITEM (self));

  g_clear_pointer (&self->speed, g_free);
  if (speed == NULL || *speed == '\0')
    {
      self->speed = g_strdup ("standard");
      return;
    }
  self->speed = g_strdup (speed);
  g_free (self->label);
  self->label = g_strdup_printf ("%s · %s", self->key, speed);
}

const char *
cm_group_item_get_speed (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), NULL);

  return self->speed;
}

const char *
cm_group_item_get_label (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), NULL);

  return self->label;
}

const CmTotals *
cm_group_item_get_totals (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), NULL);

  return &self->totals;
}

CmMoney
cm_group_item_get_cost (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), 0);

  return self->totals.cost;
}

double
cm_group_item_get_share (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), 0);

  return self->share;
}

gboolean
cm_group_item_get_muted (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), FALSE);

  return self->muted;
}

CmMoney
cm_group_item_get_backend_cost (CmGroupItem *self,
                                CmBackend    backend)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), 0);
  g_return_val_if_fail (backend < CM_N_BACKENDS, 0);

  return self->backend_cost[backend];
}

void
cm_group_item_add_totals (CmGroupItem    *self,
                          const CmTotals *totals)
{
  g_return_if_fail (CM_IS_GROUP_ITEM (self));

  cm_totals_add (&self->totals, totals);
}

void
cm_group_item_set_share (CmGroupItem *self,
                         double       share)
{
  g_return_if_fail (CM_IS_GROUP_ITEM (self));

  self->share = share;
}

void
cm_group_item_set_muted (CmGroupItem *self,
                         gboolean     muted)
{
  g_return_if_fail (CM_IS_GROUP_ITEM (self));

  self->muted = !!muted;
}

/* Pivot: the item sums every backend and remembers each one's dollars. */
void
cm_group_item_add_backend (CmGroupItem    *self,
                           CmBackend       backend,
                           const CmTotals *totals)
{
  g_return_if_fail (CM_IS_GROUP_ITEM (self));
  g_return_if_fail (backend < CM_N_BACKENDS);

  self->backend_cost[backend] += totals->cost;
  self->backend_unpriced[backend] += totals->unpriced;
  cm_group_item_add_totals (self, totals);
}

gboolean
cm_group_item_get_total (CmGroupItem *self)
{
  g_return_val_if_fail (CM_IS_GROUP_ITEM (self), FALSE);

  return self->total;
}

/* The Total row of a table: every row's figures, backend by backend. */
CmGroupItem *
cm_group_item_new_total (GPtrArray *items)
{
  CmGroupItem *self = cm_group_item_new ("total", NULL, NULL, NULL);

  self->total = TRUE;
  for (guint i = 0; items != NULL && i < items->len; i++)
    {
      CmGroupItem *item = g_ptr_array_index (items, i);

      cm_totals_add (&self->totals, &item->totals);
      self->share += item->share;
      for (guint b = 0; b < CM_N_BACKENDS; b++)
        {
          self->backend_cost[b] += item->backend_cost[b];
          self->backend_unpriced[b] += item->backend_unpriced[b];
        }
    }

  return self;
}
