/* cm-session-detail.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-format.h"
#include "cm-message-item.h"
#include "cm-session-detail.h"

struct _CmSessionDetail
{
  AdwBin         parent_instance;

  CmSessionItem *session;
  GListStore    *rows;
  GListStore    *total;         /* the Total row of the messages */
  GCancellable  *cancellable;

  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkSpinner    *spinner;
  GtkColumnView *column_view;
};

G_DEFINE_FINAL_TYPE (CmSessionDetail, cm_session_detail, ADW_TYPE_BIN)

enum {
  BACK,
  LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const CmExportColumn export_columns[] = {
  { "time", "time-ms", CM_EXPORT_TIME },
  { "message_id", "message-id", CM_EXPORT_TEXT },
  { "model", "model", CM_EXPORT_TEXT },
  { "backend", "backend", CM_EXPORT_TEXT },
  CM_EXPORT_TOKENS,
  { "web_search", "web-search", CM_EXPORT_INTEGER },
  { "cost_input_usd", "cost-input", CM_EXPORT_MONEY },
  { "cost_output_usd", "cost-output", CM_EXPORT_MONEY },
  { "cost_cache_write_5m_usd", "cost-cache-write-5m", CM_EXPORT_MONEY },
  { "cost_cache_write_1h_usd", "cost-cache-write-1h", CM_EXPORT_MONEY },
  { "cost_cache_read_usd", "cost-cache-read", CM_EXPORT_MONEY },
  { "cost_web_search_usd", "cost-web-search", CM_EXPORT_MONEY },
  { "cost_usd", "cost", CM_EXPORT_MONEY },
  { "estimated", "has-estimate", CM_EXPORT_BOOLEAN },
  { "priced", "priced", CM_EXPORT_BOOLEAN },
  { "cache_hit_ratio", "cache-hit-ratio", CM_EXPORT_RATIO },
  /* Added last, so the columns before keep their places. */
  { "speed", "speed", CM_EXPORT_TEXT },
  { "inference_geo", "inference-geo", CM_EXPORT_TEXT },
};

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  g_signal_emit (widget, signals[BACK], 0);
}

static void
cm_session_detail_dispose (GObject *object)
{
  CmSessionDetail *self = (CmSessionDetail *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->session);
  g_clear_object (&self->rows);
  g_clear_object (&self->total);


  G_OBJECT_CLASS (cm_session_detail_parent_class)->dispose (object);
}

static void
cm_session_detail_class_init (CmSessionDetailClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_session_detail_dispose;

  signals[BACK] = g_signal_new ("back",
                                G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST,
                                0, NULL, NULL, NULL,
                                G_TYPE_NONE, 0);
  signals[LOADED] = g_signal_new ("loaded",
                                  G_TYPE_FROM_CLASS (klass),
                                  G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-session-detail.ui");
  gtk_widget_class_bind_template_child (widget_class, CmSessionDetail, title_label);
  gtk_widget_class_bind_template_child (widget_class, CmSessionDetail, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CmSessionDetail, spinner);
  gtk_widget_class_bind_template_child (widget_class, CmSessionDetail, column_view);

  gtk_widget_class_install_action (widget_class, "session.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "session.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "session.back", NULL);
}

static void
cm_session_detail_init (CmSessionDetail *self)
{
  GtkColumnView *view;
  GtkColumnViewColumn *column;
  GType type = CM_TYPE_MESSAGE_ITEM;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = self->column_view;
  cm_column_set_follow_width (GTK_WIDGET (self), view);

  self->rows = g_list_store_new (CM_TYPE_MESSAGE_ITEM);
  self->total = g_list_store_new (CM_TYPE_MESSAGE_ITEM);

  /* Each cost under its tokens: every figure fits 1100 px; a narrower
   * window keeps the time and the cost (cm-column-set.c). */
  cm_columns_add (view, type, _("Time"), "time-ms", CM_COLUMN_TIME, TRUE);
  /* Narrow, and given what the figures leave (the full id is in the
   * tooltip): big token counts still fit. */
  column = cm_columns_add (view, type, _("Model"), "model", CM_COLUMN_MODEL, TRUE);
  gtk_column_view_column_set_fixed_width (column, 120);
  cm_column_set_priority (column, 2);
  cm_column_set_priority (cm_columns_add (view, type, _("Input"), "input", CM_COLUMN_COUNT_COST, TRUE), 3);
  cm_column_set_priority (cm_columns_add (view, type, _("Output"), "output", CM_COLUMN_COUNT_COST, TRUE), 1);
  cm_column_set_priority (cm_columns_add (view, type, _("5m writes"), "cache-write-5m", CM_COLUMN_COUNT_COST, TRUE),
                          4);
  cm_column_set_priority (cm_columns_add (view, type, _("1h writes"), "cache-write-1h", CM_COLUMN_COUNT_COST, TRUE),
                          4);
  cm_column_set_priority (cm_columns_add (view, type, _("Cache reads"), "cache-read", CM_COLUMN_COUNT_COST, TRUE), 3);
  cm_column_set_priority (cm_columns_add (view, type, _("Web search"), "web-search", CM_COLUMN_COUNT_COST, TRUE), 4);
  cm_columns_add (view, type, _("Cost"), "cost", CM_COLUMN_COST, TRUE);
  cm_column_set_priority (cm_columns_add_set_price (view, "model"), 2);
  column = cm_columns_add (view, type, _("Cache hit"), "cache-hit-ratio", CM_COLUMN_RATIO, TRUE);
  cm_column_set_priority (column, 2);
  cm_columns_set_header_tooltip (view, column, _(cm_columns_cache_hit_formula));

  cm_columns_set_model (view, G_LIST_MODEL (self->rows), NULL, G_LIST_MODEL (self->total));
}

static void
loaded_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CmSessionDetail) self = user_data;
  g_autoptr(GListModel) messages = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);

  messages = cm_report_load_session_finish (CM_REPORT (object), result, &error);
  if (messages == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_label_set_text (self->subtitle_label, error->message);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_spinner_stop (self->spinner);
      return;
    }

  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    g_ptr_array_add (items, g_list_model_get_item (messages, i));
  g_list_store_splice (self->rows, 0, g_list_model_get_n_items (G_LIST_MODEL (self->rows)),
                       items->pdata, items->len);
  {
    g_autoptr(CmMessageItem) total = cm_message_item_new_total (G_LIST_MODEL (self->rows));

    g_list_store_splice (self->total, 0, g_list_model_get_n_items (G_LIST_MODEL (self->total)),
                         (gpointer *) &total, 1);
  }
  gtk_spinner_stop (self->spinner);
  g_clear_object (&self->cancellable);
  g_signal_emit (self, signals[LOADED], 0);
}

void
cm_session_detail_show (CmSessionDetail *self,
                        CmReport        *report,
                        CmSessionItem   *session)
{
  const CmTotals *t;
  g_autofree char *start = NULL;
  g_autofree char *cost = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *count = NULL;

  g_return_if_fail (CM_IS_SESSION_DETAIL (self));
  g_return_if_fail (CM_IS_REPORT (report));
  g_return_if_fail (CM_IS_SESSION_ITEM (session));

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  /* The sessions list refills its items when the filter moves: keep ours. */
  g_clear_object (&self->session);
  self->session = cm_session_item_copy (session);
  session = self->session;
  g_list_store_remove_all (self->rows);
  g_list_store_remove_all (self->total);

  t = cm_session_item_get_totals (session);
  start = cm_format_time (t->first_ms, NULL);
  cost = cm_format_money_sum (t->cost, t->unpriced);
  count = cm_format_count (t->messages);
  /* Translators: start time, message count, cost, session id. */
  subtitle = g_strdup_printf (_("%s · %s messages · %s · %s"), start, count, cost,
                              cm_session_item_get_session_id (session));
  gtk_label_set_text (self->title_label, cm_session_item_get_project (session));
  gtk_label_set_text (self->subtitle_label, subtitle);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->subtitle_label), subtitle);

  self->cancellable = g_cancellable_new ();
  gtk_spinner_start (self->spinner);
  cm_report_load_session_async (report, cm_session_item_get_session_id (session),
                                self->cancellable, loaded_cb, g_object_ref (self));
}

CmSessionItem *
cm_session_detail_get_session (CmSessionDetail *self)
{
  g_return_val_if_fail (CM_IS_SESSION_DETAIL (self), NULL);

  return self->session;
}

GtkColumnView *
cm_session_detail_get_view (CmSessionDetail *self)
{
  g_return_val_if_fail (CM_IS_SESSION_DETAIL (self), NULL);

  return self->column_view;
}

GListModel *
cm_session_detail_get_rows (CmSessionDetail *self)
{
  g_return_val_if_fail (CM_IS_SESSION_DETAIL (self), NULL);

  return cm_columns_get_rows (self->column_view);
}

gboolean
cm_session_detail_get_loading (CmSessionDetail *self)
{
  g_return_val_if_fail (CM_IS_SESSION_DETAIL (self), FALSE);

  return self->cancellable != NULL;
}

const CmExportColumn *
cm_session_detail_get_export (guint *n_columns)
{
  *n_columns = G_N_ELEMENTS (export_columns);

  return export_columns;
}
