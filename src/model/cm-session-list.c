/* cm-session-list.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-session-item.h"
#include "cm-session-list.h"
#include "cm-types.h"

struct _CmSessionList
{
  GObject    parent_instance;

  GPtrArray *rows;      /* CmSessionRow */
  GPtrArray *items;     /* CmSessionItem or NULL, as rows */
  guint      n_made;    /* items made, in all */
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

enum {
  REFILLED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

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

  /**
   * CmSessionList::refilled:
   *
   * Every row was replaced, whether the number of rows changed or not.
   */
  signals[REFILLED] =
    g_signal_new ("refilled",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
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

static void
free_rows_worker (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  g_ptr_array_set_size (task_data, 0);
  /* Rows come from whichever worker ran the query, each with its own heap:
   * give the space back rather than let every heap keep a list's worth. */
  cm_release_free_memory ();
}

/* Tens of thousands of rows are freed on a worker, not while the main
 * thread has a frame to draw. */
static void
free_rows_async (GPtrArray *rows)
{
  g_autoptr(GTask) task = NULL;

  if (rows->len < 1000)
    {
      g_ptr_array_unref (rows);
      return;
    }

  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_source_tag (task, free_rows_async);
  g_task_set_task_data (task, rows, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, free_rows_worker);
}

/**
 * cm_session_list_set_rows:
 * @rows: (transfer full): CmSessionRow, in the order to show, freed with
 *   cm_session_row_free()
 *
 * Replaces every row. An item made before stays at its position, refilled
 * with the new row (its properties notify); "items-changed" covers only
 * the positions added or removed at the end, and ::refilled follows. A
 * list view then keeps its rows and updates their cells (told that every
 * item changed, GTK 4.8 looks for its focus among all new items and makes
 * every row anew); a sorted view sorts again on ::refilled. Hold a
 * cm_session_item_copy() to keep a session.
 */
void
cm_session_list_set_rows (CmSessionList *self,
                          GPtrArray     *rows)
{
  guint old_len, common;

  g_return_if_fail (CM_IS_SESSION_LIST (self));
  g_return_if_fail (rows != NULL);

  old_len = self->rows->len;
  common = MIN (old_len, rows->len);
  g_ptr_array_set_size (self->items, common);
  free_rows_async (g_steal_pointer (&self->rows));
  self->rows = rows;
  g_ptr_array_set_size (self->items, rows->len);

  for (guint i = 0; i < common; i++)
    {
      CmSessionItem *item = g_ptr_array_index (self->items, i);

      if (item != NULL)
        cm_session_item_set_row (item, g_ptr_array_index (rows, i));
    }

  if (old_len != rows->len)
    g_list_model_items_changed (G_LIST_MODEL (self), common, old_len - common, rows->len - common);

  g_signal_emit (self, signals[REFILLED], 0);
}

/* How many items were made since the list was (tests). */
guint
cm_session_list_get_n_made (CmSessionList *self)
{
  g_return_val_if_fail (CM_IS_SESSION_LIST (self), 0);

  return self->n_made;
}
