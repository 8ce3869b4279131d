/* cm-billed.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-billed.h"
#include "cm-org-user-item.h"

struct _CmBilled
{
  GObject             parent_instance;

  CmStore            *store;
  CmFilter           *filter;
  CmPricing          *pricing;
  GListStore         *rows;
  GListStore         *org_users;
  CmBilledComparison *range;
  CmBilledComparison *month;
  GError             *error;
  gint64              now_ms;
  guint               serial;
  guint               idle_id;
  gboolean            loading;
  gboolean            again;     /* asked for while a read ran */
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (CmBilled, cm_billed, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* What one read needs, copied on the main thread. */
typedef struct
{
  CmStore   *store;
  CmPricing *pricing;
  char      *since;
  char      *until;
  gint64     now_ms;
} Job;

typedef struct
{
  CmBilledComparison *range;
  CmBilledComparison *month;
  GPtrArray          *org_users; /* CmOrgUserRow */
} Result;

static void
job_free (Job *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->pricing);
  g_free (job->since);
  g_free (job->until);
  g_free (job);
}

static void
result_free (Result *result)
{
  g_clear_pointer (&result->range, cm_billed_comparison_free);
  g_clear_pointer (&result->month, cm_billed_comparison_free);
  g_clear_pointer (&result->org_users, g_ptr_array_unref);
  g_free (result);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Job *job = task_data;
  Result *result = g_new0 (Result, 1);
  GError *error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *today = NULL;

  cm_billed_this_month (job->now_ms, &first, &today);
  result->month = cm_billed_compare (job->store, job->pricing, first, today, job->now_ms, &error);
  if (result->month != NULL)
    result->range = cm_billed_compare (job->store, job->pricing, job->since != NULL ? job->since : "2000-01-01",
                                       job->until != NULL ? job->until : today, job->now_ms, &error);
  /* The Users view's Organization table: the same UTC days. */
  if (result->range != NULL &&
      (result->org_users = cm_org_users_read (job->store, job->since, job->until, &error)) == NULL)
    g_clear_pointer (&result->range, cm_billed_comparison_free);

  if (result->range == NULL)
    {
      result_free (result);
      g_task_return_error (task, error);
      return;
    }

  /* "All time" starts where the figures do. */
  if (job->since == NULL && result->range->rows->len > 0)
    {
      const CmBilledRow *first_row = g_ptr_array_index (result->range->rows, 0);

      g_free (result->range->since);
      result->range->since = g_strdup (first_row->day);
    }

  g_task_return_pointer (task, result, (GDestroyNotify) result_free);
}

static void start_read (CmBilled *self);

static void
apply (CmBilled *self,
       Result   *result)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  g_clear_pointer (&self->range, cm_billed_comparison_free);
  g_clear_pointer (&self->month, cm_billed_comparison_free);
  self->range = g_steal_pointer (&result->range);
  self->month = g_steal_pointer (&result->month);

  for (guint i = 0; i < self->range->rows->len; i++)
    g_ptr_array_add (items, cm_billed_item_new (g_ptr_array_index (self->range->rows, i)));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);

  g_ptr_array_set_size (items, 0);
  for (guint i = 0; i < result->org_users->len; i++)
    g_ptr_array_add (items, cm_org_user_item_new (g_ptr_array_index (result->org_users, i)));
  g_list_store_splice (self->org_users, 0, g_list_model_get_n_items (G_LIST_MODEL (self->org_users)),
                       items->pdata, items->len);
}

static void
read_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  CmBilled *self = CM_BILLED (source);
  g_autoptr(GError) error = NULL;
  Result *result = g_task_propagate_pointer (G_TASK (res), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  g_clear_error (&self->error);
  if (result != NULL)
    {
      apply (self, result);
      result_free (result);
    }
  else
    {
      g_warning ("Could not compare the bill with the transcripts: %s", error->message);
      self->error = g_steal_pointer (&error);
    }

  self->serial++;
  self->loading = FALSE;
  if (self->again)
    {
      self->again = FALSE;
      start_read (self);
    }
  else
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);

  g_signal_emit (self, signals[UPDATED], 0);
}

static void
start_read (CmBilled *self)
{
  g_autoptr(GTask) task = g_task_new (self, self->cancellable, read_done_cb, NULL);
  g_autoptr(CmQueryFilter) query = cm_filter_dup_query_filter (self->filter);
  Job *job = g_new0 (Job, 1);

  job->store = g_object_ref (self->store);
  job->pricing = self->pricing != NULL ? g_object_ref (self->pricing) : NULL;
  job->since = g_steal_pointer (&query->since);
  job->until = g_steal_pointer (&query->until);
  job->now_ms = self->now_ms > 0 ? self->now_ms : g_get_real_time () / 1000;

  if (!self->loading)
    {
      self->loading = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }
  g_task_set_source_tag (task, start_read);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, read_thread);
}

static gboolean
refresh_idle_cb (gpointer user_data)
{
  CmBilled *self = user_data;

  self->idle_id = 0;
  if (self->loading)
    self->again = TRUE;
  else
    start_read (self);

  return G_SOURCE_REMOVE;
}

void
cm_billed_refresh (CmBilled *self)
{
  g_return_if_fail (CM_IS_BILLED (self));

  /* Bursts of changes make one read. */
  if (self->idle_id == 0)
    self->idle_id = g_idle_add (refresh_idle_cb, self);
}

static void
cm_billed_dispose (GObject *object)
{
  CmBilled *self = (CmBilled *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->idle_id, g_source_remove);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_data (self->filter, self);
  g_clear_object (&self->store);
  g_clear_object (&self->filter);
  g_clear_object (&self->pricing);
  g_clear_object (&self->rows);
  g_clear_object (&self->org_users);

  G_OBJECT_CLASS (cm_billed_parent_class)->dispose (object);
}

static void
cm_billed_finalize (GObject *object)
{
  CmBilled *self = (CmBilled *)object;

  g_clear_pointer (&self->range, cm_billed_comparison_free);
  g_clear_pointer (&self->month, cm_billed_comparison_free);
  g_clear_error (&self->error);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cm_billed_parent_class)->finalize (object);
}

static void
cm_billed_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CmBilled *self = CM_BILLED (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_billed_class_init (CmBilledClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cm_billed_dispose;
  object_class->finalize = cm_billed_finalize;
  object_class->get_property = cm_billed_get_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CmBilled::updated:
   *
   * A read finished: the rows, both comparisons or the error are new.
   */
  signals[UPDATED] = g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cm_billed_init (CmBilled *self)
{
  self->rows = g_list_store_new (CM_TYPE_BILLED_ITEM);
  self->org_users = g_list_store_new (CM_TYPE_ORG_USER_ITEM);
  self->cancellable = g_cancellable_new ();
}

CmBilled *
cm_billed_new (CmStore  *store,
               CmFilter *filter)
{
  CmBilled *self;

  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (CM_IS_FILTER (filter), NULL);

  self = g_object_new (CM_TYPE_BILLED, NULL);
  self->store = g_object_ref (store);
  self->filter = g_object_ref (filter);
  /* New transcript lines change the estimates; the dates, what is shown. */
  g_signal_connect_swapped (store, "changed", G_CALLBACK (cm_billed_refresh), self);
  g_signal_connect_swapped (filter, "changed", G_CALLBACK (cm_billed_refresh), self);
  cm_billed_refresh (self);

  return self;
}

void
cm_billed_set_pricing (CmBilled  *self,
                       CmPricing *pricing)
{
  g_return_if_fail (CM_IS_BILLED (self));

  if (g_set_object (&self->pricing, pricing))
    cm_billed_refresh (self);
}

GListModel *
cm_billed_get_rows (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), NULL);

  return G_LIST_MODEL (self->rows);
}

GListModel *
cm_billed_get_org_users (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), NULL);

  return G_LIST_MODEL (self->org_users);
}

gboolean
cm_billed_has_org_records (CmBilled *self)
{
  guint n;

  g_return_val_if_fail (CM_IS_BILLED (self), FALSE);

  n = g_list_model_get_n_items (G_LIST_MODEL (self->org_users));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmOrgUserItem) item = g_list_model_get_item (G_LIST_MODEL (self->org_users), i);

      if (cm_org_user_item_get_row (item)->sources & CM_ORG_SOURCE_ADMIN_API)
        return TRUE;
    }

  return FALSE;
}

const CmBilledComparison *
cm_billed_get_range (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), NULL);

  return self->range;
}

const CmBilledComparison *
cm_billed_get_month (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), NULL);

  return self->month;
}

gboolean
cm_billed_get_loading (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), FALSE);

  return self->loading;
}

guint
cm_billed_get_serial (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), 0);

  return self->serial;
}

const GError *
cm_billed_get_error (CmBilled *self)
{
  g_return_val_if_fail (CM_IS_BILLED (self), NULL);

  return self->error;
}

void
cm_billed_set_now_ms (CmBilled *self,
                      gint64    now_ms)
{
  g_return_if_fail (CM_IS_BILLED (self));

  self->now_ms = now_ms;
  cm_billed_refresh (self);
}
