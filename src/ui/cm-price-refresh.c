/* cm-price-refresh.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Preferences → Prices → Update Prices, off the UI thread: the public list
 * fetched and checked (cm-price-updater.c), the table read again with its
 * new layer, and history re-priced with it (the path a reload takes), with
 * what the whole history cost before and after. `costmeter-cli prices
 * update` does the same in its own process. */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-format.h"
#include "cm-price-refresh.h"

typedef struct
{
  CmStore   *store;
  CmPricing *current;
} UpdateData;

static void
update_data_free (UpdateData *data)
{
  g_clear_object (&data->store);
  g_clear_object (&data->current);
  g_free (data);
}

void
cm_price_refresh_free (CmPriceRefresh *refresh)
{
  if (refresh == NULL)
    return;
  cm_price_update_result_free (refresh->update);
  g_clear_object (&refresh->pricing);
  g_free (refresh);
}

static CmPriceUpdater *
updater_from_environment (void)
{
  CmPriceUpdater *updater = cm_price_updater_new ();
  const char *timeout = g_getenv ("COSTMETER_PRICE_LIST_TIMEOUT");

  cm_price_updater_set_url (updater, g_getenv ("COSTMETER_PRICE_LIST_URL"));
  if (timeout != NULL && g_ascii_strtoull (timeout, NULL, 10) > 0)
    cm_price_updater_set_timeout (updater, (guint) g_ascii_strtoull (timeout, NULL, 10));

  return updater;
}

static void
update_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UpdateData *data = task_data;
  g_autoptr(CmPriceUpdater) updater = updater_from_environment ();
  g_autoptr(CmPriceRefresh) refresh = g_new0 (CmPriceRefresh, 1);
  g_autoptr(CmPricing) current = data->current != NULL ? g_object_ref (data->current) : NULL;
  GError *error = NULL;

  if (current == NULL && (current = cm_pricing_new_default (&error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  refresh->update = cm_price_updater_update (updater, current, cancellable, &error);
  if (refresh->update == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  /* The layer is saved: from here the new prices are the ones in force. */
  refresh->pricing = cm_pricing_new_default (&error);
  if (refresh->pricing == NULL)
    {
      g_prefix_error (&error, _("The prices were updated but cannot be read: "));
      g_task_return_error (task, error);
      return;
    }
  refresh->changed = cm_store_reprice_measured (data->store, refresh->pricing, &refresh->before,
                                                &refresh->after, &error);
  if (refresh->changed < 0)
    {
      g_prefix_error (&error, _("The prices were updated but history was not re-priced: "));
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, g_steal_pointer (&refresh), (GDestroyNotify) cm_price_refresh_free);
}

void
cm_price_refresh_update_async (CmStore             *store,
                               CmPricing           *current,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  UpdateData *data;

  g_return_if_fail (CM_IS_STORE (store));
  g_return_if_fail (current == NULL || CM_IS_PRICING (current));

  data = g_new0 (UpdateData, 1);
  data->store = g_object_ref (store);
  data->current = current != NULL ? g_object_ref (current) : NULL;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_price_refresh_update_async);
  g_task_set_task_data (task, data, (GDestroyNotify) update_data_free);
  g_task_run_in_thread (task, update_thread);
}

CmPriceRefresh *
cm_price_refresh_update_finish (GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

char *
cm_price_refresh_describe (const CmPriceRefresh *refresh)
{
  const CmPriceListSummary *s;
  CmMoney delta;
  g_autofree char *amount = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *added = NULL;

  g_return_val_if_fail (refresh != NULL && refresh->update != NULL, NULL);

  s = refresh->update->summary;
  delta = refresh->after.cost - refresh->before.cost;
  amount = cm_format_money_with (delta < 0 ? -delta : delta, 2);
  updated = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u model updated", "%u models updated",
                                          s->updated->len), s->updated->len);
  added = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u added", "%u added", s->added->len),
                           s->added->len);

  /* Translators: "12 models updated", "3 added", "+" or "-", "$41.20". */
  return g_strdup_printf (_("%s, %s; history re-priced: %s%s"), updated, added, delta < 0 ? "-" : "+", amount);
}
