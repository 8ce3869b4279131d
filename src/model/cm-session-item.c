/* cm-session-item.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stddef.h>

#include "cm-fields.h"
#include "cm-session-item.h"

struct _CmSessionItem
{
  GObject   parent_instance;

  char     *session_id;
  char     *project;
  char     *user;
  char     *models;
  CmTotals  totals;
  gint64    start_ms;
  gint64    duration_ms;
  gboolean  total;
};

G_DEFINE_FINAL_TYPE (CmSessionItem, cm_session_item, G_TYPE_OBJECT)

#define F(name, type, member) { name, type, offsetof (CmSessionItem, member) }

static const CmField fields[] = {
  F ("session-id", CM_FIELD_STRING, session_id),
  F ("project", CM_FIELD_STRING, project),
  F ("user", CM_FIELD_STRING, user),
  F ("models", CM_FIELD_STRING, models),
  F ("start-ms", CM_FIELD_INT64, start_ms),
  F ("duration-ms", CM_FIELD_INT64, duration_ms),
  F ("total", CM_FIELD_BOOLEAN, total),
  CM_FIELDS_TOTALS (CmSessionItem, totals),
};

#undef F

static GParamSpec *properties[CM_FIELDS_N_PSPECS (G_N_ELEMENTS (fields))];
static guint notify_signal;

static void
clear_strings (CmSessionItem *self)
{
  g_clear_pointer (&self->session_id, g_ref_string_release);
  g_clear_pointer (&self->project, g_ref_string_release);
  g_clear_pointer (&self->user, g_ref_string_release);
  g_clear_pointer (&self->models, g_ref_string_release);
}

static void
cm_session_item_finalize (GObject *object)
{
  CmSessionItem *self = (CmSessionItem *)object;

  clear_strings (self);

  G_OBJECT_CLASS (cm_session_item_parent_class)->finalize (object);
}

static void
cm_session_item_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  cm_fields_get (object, fields, G_N_ELEMENTS (fields), prop_id, value);
}

static void
cm_session_item_class_init (CmSessionItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_session_item_finalize;
  object_class->get_property = cm_session_item_get_property;

  cm_fields_install (object_class, fields, G_N_ELEMENTS (fields), properties);
  notify_signal = g_signal_lookup ("notify", G_TYPE_OBJECT);
}

static void
cm_session_item_init (CmSessionItem *self)
{
}

/* The row's strings are GRefStrings: shared, not copied. */
static char *
acquire (const char *str)
{
  return str != NULL ? g_ref_string_acquire ((char *) str) : NULL;
}

static void
fill (CmSessionItem      *self,
      const CmSessionRow *row)
{
  clear_strings (self);
  self->session_id = acquire (row->session_id);
  self->project = acquire (row->project);
  self->user = acquire (row->user);
  self->models = acquire (row->models);
  self->totals = row->totals;
  self->start_ms = row->totals.first_ms;
  self->duration_ms = MAX (0, row->totals.last_ms - row->totals.first_ms);
}

CmSessionItem *
cm_session_item_new (const CmSessionRow *row)
{
  CmSessionItem *self;

  g_return_val_if_fail (row != NULL, NULL);

  self = g_object_new (CM_TYPE_SESSION_ITEM, NULL);
  fill (self, row);

  return self;
}

/**
 * cm_session_item_set_row:
 *
 * Gives the item another session and notifies every property (when
 * something listens): the sessions list keeps one item per position and
 * refills it, so that a list view keeps its rows and only updates their
 * cells.
 */
void
cm_session_item_set_row (CmSessionItem      *self,
                         const CmSessionRow *row)
{
  g_return_if_fail (CM_IS_SESSION_ITEM (self));
  g_return_if_fail (row != NULL);

  fill (self, row);

  /* Only bound cells listen: the thousands of items a sorted list makes
   * have no handler, and notifying each costs more than refilling it. */
  if (g_signal_handler_find (self, G_SIGNAL_MATCH_ID, notify_signal, 0, NULL, NULL, NULL) == 0)
    return;

  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < G_N_ELEMENTS (properties); i++)
    {
      if (properties[i] != NULL)
        g_object_notify_by_pspec (G_OBJECT (self), properties[i]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/* The Total row of the sessions list: @totals of the rows shown. */
CmSessionItem *
cm_session_item_new_total (const CmTotals *totals)
{
  CmSessionRow row = { 0 };
  CmSessionItem *self;

  row.totals = *totals;
  self = cm_session_item_new (&row);
  self->total = TRUE;
  self->start_ms = self->duration_ms = 0;

  return self;
}

/* A copy that keeps its session when the list refills the original. */
CmSessionItem *
cm_session_item_copy (CmSessionItem *self)
{
  CmSessionRow row;

  g_return_val_if_fail (CM_IS_SESSION_ITEM (self), NULL);

  row.session_id = self->session_id;
  row.project = self->project;
  row.user = self->user;
  row.models = self->models;
  row.totals = self->totals;

  return cm_session_item_new (&row);
}

const char *
cm_session_item_get_session_id (CmSessionItem *self)
{
  g_return_val_if_fail (CM_IS_SESSION_ITEM (self), NULL);

  return self->session_id;
}

const char *
cm_session_item_get_project (CmSessionItem *self)
{
  g_return_val_if_fail (CM_IS_SESSION_ITEM (self), NULL);

  return self->project;
}

const char *
cm_session_item_get_models (CmSessionItem *self)
{
  g_return_val_if_fail (CM_IS_SESSION_ITEM (self), NULL);

  return self->models;
}

const CmTotals *
cm_session_item_get_totals (CmSessionItem *self)
{
  g_return_val_if_fail (CM_IS_SESSION_ITEM (self), NULL);

  return &self->totals;
}
