/* cm-session-list.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-session-item.h"
#include "cm-session-list.h"

struct _CmSessionList
{
  GObject    parent_instance;

  GPtrArray *rows;    /* CmSessionRow */
  GPtrArray *items;   /* CmSessionItem or NULL, as rows */
  guint      n_made;
};

/* Items not asked for are NULL. */
static void
item_unref (gpointer item)
{
  if (item != NULL)
    g_object_unref (item);
}

static void cm_session_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CmSessionList, cm_session_list, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, cm_session_list_model_init))

static GType
cm_session_list_get_item_type (GListModel *model)
{
  return CM_TYPE_SESSION_ITEM;
}

static guint
cm_session_list_get_n_items (GListModel *model)
{
  return CM_SESSION_LIST (model)->rows->len;
}

static gpointer
cm_session_list_get_item (GListModel *model,
                          guint       position)
{
  CmSessionList *self = CM_SESSION_LIST (model);

  if (position >= self->rows->len)
    return NULL;

  if (g_ptr_array_index (self->items, position) == NULL)
    {
      g_ptr_array_index (self->items, position) = cm_session_item_new (g_ptr_array_index (self->rows, position));
      self->n_made++;
    }

  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
cm_session_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = cm_session_list_get_item_type;
  iface->get_n_items = cm_session_list_get_n_items;
  iface->get_item = cm_session_list_get_item;
}

static void
cm_session_list_finalize (GObject *object)
{
  CmSessionList *self = CM_SESSION_LIST (object);

  g_ptr_array_unref (self->rows);
  g_ptr_array_unref (self->items);

  G_OBJECT_CLASS (cm_session_list_parent_class)->finalize (object);
}

static void
cm_session_list_class_init (CmSessionListClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_session_list_finalize;
}

static void
cm_session_list_init (CmSessionList *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_session_row_free);
  self->items = g_ptr_array_new_with_free_func (item_unref);
}

CmSessionList *
cm_session_list_new (void)
{
  return g_object_new (CM_TYPE_SESSION_LIST, NULL);
}

/**
 * cm_session_list_set_rows:
 * @rows: (transfer full): CmSessionRow, in the order to show, freed with
 *   cm_session_row_free()
 *
 * Replaces every row; items handed out before keep their figures.
 */
void
cm_session_list_set_rows (CmSessionList *self,
                          GPtrArray     *rows)
{
  guint removed;

  g_return_if_fail (CM_IS_SESSION_LIST (self));
  g_return_if_fail (rows != NULL);

  /* Out, then in: told of both at once, GtkSingleSelection looks for its
   * selected item among all the added ones, which would make every item.
   * In between the list is empty, as it says. */
  removed = self->rows->len;
  g_ptr_array_set_size (self->items, 0);
  g_ptr_array_set_size (self->rows, 0);
  if (removed > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);

  g_ptr_array_unref (self->rows);
  self->rows = rows;
  g_ptr_array_set_size (self->items, rows->len);
  self->n_made = 0;
  if (rows->len > 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, rows->len);
}

/* How many items were made since the rows were set (tests). */
guint
cm_session_list_get_n_made (CmSessionList *self)
{
  g_return_val_if_fail (CM_IS_SESSION_LIST (self), 0);

  return self->n_made;
}
