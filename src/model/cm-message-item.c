/* cm-message-item.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stddef.h>

#include <glib/gi18n.h>

#include "cm-fields.h"
#include "cm-message-item.h"

struct _CmMessageItem
{
  GObject    parent_instance;

  char      *message_id;
  char      *model;
  char      *model_raw;
  char      *backend_name;
  char      *speed;          /* "standard", "fast" */
  char      *inference_geo;  /* "" for the standard global routing, "us" */
  char      *mode;           /* what the two say to a reader: "fast · US only" */
  CmBackend  backend;
  gint64     time_ms;
  gboolean   sidechain;
  gboolean   priced;
  gboolean   long_context;
  gboolean   total;
  CmUsage    usage;
  CmCost     cost;
  CmTotals   totals;  /* the same figures, as a sum of one message */
};

G_DEFINE_FINAL_TYPE (CmMessageItem, cm_message_item, G_TYPE_OBJECT)

#define F(name, type, member) { name, type, offsetof (CmMessageItem, member) }

static const CmField fields[] = {
  F ("message-id", CM_FIELD_STRING, message_id),
  F ("model", CM_FIELD_STRING, model),
  F ("model-raw", CM_FIELD_STRING, model_raw),
  F ("backend", CM_FIELD_STRING, backend_name),
  F ("speed", CM_FIELD_STRING, speed),
  F ("inference-geo", CM_FIELD_STRING, inference_geo),
  F ("mode", CM_FIELD_STRING, mode),
  F ("time-ms", CM_FIELD_INT64, time_ms),
  F ("sidechain", CM_FIELD_BOOLEAN, sidechain),
  F ("priced", CM_FIELD_BOOLEAN, priced),
  F ("long-context", CM_FIELD_BOOLEAN, long_context),
  F ("total", CM_FIELD_BOOLEAN, total),
  CM_FIELDS_TOTALS (CmMessageItem, totals),
};

#undef F

static GParamSpec *properties[CM_FIELDS_N_PSPECS (G_N_ELEMENTS (fields))];

static void
cm_message_item_finalize (GObject *object)
{
  CmMessageItem *self = (CmMessageItem *)object;

  g_free (self->message_id);
  g_free (self->model);
  g_free (self->model_raw);
  g_free (self->backend_name);
  g_free (self->speed);
  g_free (self->inference_geo);
  g_free (self->mode);

  G_OBJECT_CLASS (cm_message_item_parent_class)->finalize (object);
}

static void
cm_message_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  cm_fields_get (object, fields, G_N_ELEMENTS (fields), prop_id, value);
}

static void
cm_message_item_class_init (CmMessageItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_message_item_finalize;
  object_class->get_property = cm_message_item_get_property;

  cm_fields_install (object_class, fields, G_N_ELEMENTS (fields), properties);
}

static void
cm_message_item_init (CmMessageItem *self)
{
}

/* Empty for a standard request, else its billing modes, translated. */
static char *
describe_mode (const char *speed,
               const char *geo)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  if (speed != NULL)
    g_ptr_array_add (parts, g_strcmp0 (speed, "fast") == 0 ? _("fast") : (char *) speed);
  if (geo != NULL)
    g_ptr_array_add (parts, g_strcmp0 (geo, "us") == 0 ? _("US only") : (char *) geo);
  g_ptr_array_add (parts, NULL);

  return g_strjoinv (" · ", (char **) parts->pdata);
}

CmMessageItem *
cm_message_item_new (const CmMessageRow *row)
{
  CmMessageItem *self;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (CM_TYPE_MESSAGE_ITEM, NULL);
  self->message_id = g_strdup (row->message_id);
  self->model = g_strdup (row->model);
  self->model_raw = g_strdup (row->model_raw);
  self->backend = row->backend;
  self->backend_name = g_strdup (cm_backend_to_string (row->backend));
  self->speed = g_strdup (row->speed != NULL ? row->speed : "standard");
  self->inference_geo = g_strdup (row->inference_geo != NULL ? row->inference_geo : "");
  self->mode = describe_mode (row->speed, row->inference_geo);
  self->time_ms = row->timestamp_ms;
  self->sidechain = row->is_sidechain;
  self->priced = row->priced;
  self->long_context = row->long_context;
  self->usage = row->usage;
  self->cost = row->cost;
  cm_totals_from_message (&self->totals, row);

  return self;
}

/* The Total row of a session's messages: the sum of @messages, priced
 * (its per-kind sums count what has a price; the unpriced count says the
 * rest). */
CmMessageItem *
cm_message_item_new_total (GListModel *messages)
{
  CmMessageItem *self = g_object_new (CM_TYPE_MESSAGE_ITEM, NULL);

  self->total = TRUE;
  self->priced = TRUE;
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(CmMessageItem) item = g_list_model_get_item (messages, i);

      cm_totals_add (&self->totals, &item->totals);
    }

  return self;
}

const char *
cm_message_item_get_model (CmMessageItem *self)
{
  g_return_val_if_fail (CM_IS_MESSAGE_ITEM (self), NULL);

  return self->model;
}

CmBackend
cm_message_item_get_backend (CmMessageItem *self)
{
  g_return_val_if_fail (CM_IS_MESSAGE_ITEM (self), CM_BACKEND_UNKNOWN);

  return self->backend;
}

gint64
cm_message_item_get_time_ms (CmMessageItem *self)
{
  g_return_val_if_fail (CM_IS_MESSAGE_ITEM (self), 0);

  return self->time_ms;
}

const CmUsage *
cm_message_item_get_usage (CmMessageItem *self)
{
  g_return_val_if_fail (CM_IS_MESSAGE_ITEM (self), NULL);

  return &self->usage;
}

const CmCost *
cm_message_item_get_cost (CmMessageItem *self)
{
  g_return_val_if_fail (CM_IS_MESSAGE_ITEM (self), NULL);

  return &self->cost;
}

gboolean
cm_message_item_get_priced (CmMessageItem *self)
{
  g_return_val_if_fail (CM_IS_MESSAGE_ITEM (self), FALSE);

  return self->priced;
}
