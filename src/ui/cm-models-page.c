/* cm-models-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-columns.h"
#include "cm-format.h"
#include "cm-models-page.h"

struct _CmModelsPage
{
  AdwBin             parent_instance;

  CmReport          *report;
  GtkSelectionModel *selection;

  GtkLabel          *title_label;
  GtkLabel          *summary_label;
  GtkStack          *stack;
  GtkColumnView     *column_view;
};

G_DEFINE_FINAL_TYPE (CmModelsPage, cm_models_page, ADW_TYPE_BIN)

static const CmExportColumn export_columns[] = {
  { "model", "key", CM_EXPORT_TEXT },
  { "backend", "key2", CM_EXPORT_TEXT },
  { "messages", "messages", CM_EXPORT_INTEGER },
  { "input", "input", CM_EXPORT_INTEGER },
  { "output", "output", CM_EXPORT_INTEGER },
  { "cache_write_5m", "cache-write-5m", CM_EXPORT_INTEGER },
  { "cache_write_1h", "cache-write-1h", CM_EXPORT_INTEGER },
  { "cache_read", "cache-read", CM_EXPORT_INTEGER },
  { "web_search", "web-search", CM_EXPORT_INTEGER },
  { "cache_hit_ratio", "cache-hit-ratio", CM_EXPORT_RATIO },
  { "cost_usd", "cost", CM_EXPORT_MONEY },
  { "estimated", "has-estimate", CM_EXPORT_BOOLEAN },
  { "unpriced_messages", "unpriced", CM_EXPORT_INTEGER },
  { "share", "share", CM_EXPORT_RATIO },
};

static void
report_updated_cb (CmModelsPage *self)
{
  GListModel *rows = cm_report_get_models (self->report);
  guint n = g_list_model_get_n_items (rows);
  g_autofree char *summary = NULL;

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row", "%u rows", n), n);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "table" : "empty");
}

static void
cm_models_page_dispose (GObject *object)
{
  CmModelsPage *self = (CmModelsPage *)object;

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_clear_object (&self->report);


  G_OBJECT_CLASS (cm_models_page_parent_class)->dispose (object);
}

static void
cm_models_page_class_init (CmModelsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_models_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-models-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmModelsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CmModelsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CmModelsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CmModelsPage, column_view);
}

static void
cm_models_page_init (CmModelsPage *self)
{
  GtkColumnView *view;
  GType type = CM_TYPE_GROUP_ITEM;
  GtkColumnViewColumn *cost;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = self->column_view;

  cm_columns_add (view, type, _("Model"), "key", CM_COLUMN_TEXT, TRUE);
  cm_columns_add (view, type, _("Backend"), "key2", CM_COLUMN_BACKEND, TRUE);
  cm_columns_add (view, type, _("Messages"), "messages", CM_COLUMN_COUNT, TRUE);
  cm_columns_add (view, type, _("Input"), "input", CM_COLUMN_TOKENS, TRUE);
  cm_columns_add (view, type, _("Output"), "output", CM_COLUMN_TOKENS, TRUE);
  cm_columns_add (view, type, _("5m writes"), "cache-write-5m", CM_COLUMN_TOKENS, TRUE);
  cm_columns_add (view, type, _("1h writes"), "cache-write-1h", CM_COLUMN_TOKENS, TRUE);
  cm_columns_add (view, type, _("Cache reads"), "cache-read", CM_COLUMN_TOKENS, TRUE);
  cm_columns_add (view, type, _("Cache hit"), "cache-hit-ratio", CM_COLUMN_RATIO, TRUE);
  cost = cm_columns_add (view, type, _("Cost"), "cost", CM_COLUMN_COST, TRUE);
  cm_columns_add (view, type, _("Share"), "share", CM_COLUMN_RATIO, TRUE);

  /* Ranked by cost, as the rows arrive. */
  gtk_column_view_sort_by_column (view, cost, GTK_SORT_ASCENDING);
}

void
cm_models_page_set_report (CmModelsPage *self,
                           CmReport     *report)
{
  g_return_if_fail (CM_IS_MODELS_PAGE (self));
  g_return_if_fail (CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_set_object (&self->report, report);
  g_signal_connect_swapped (report, "updated", G_CALLBACK (report_updated_cb), self);

  self->selection = cm_columns_set_model (self->column_view, cm_report_get_models (report));
  report_updated_cb (self);
}

GtkColumnView *
cm_models_page_get_view (CmModelsPage *self)
{
  g_return_val_if_fail (CM_IS_MODELS_PAGE (self), NULL);

  return self->column_view;
}

GListModel *
cm_models_page_get_rows (CmModelsPage *self)
{
  g_return_val_if_fail (CM_IS_MODELS_PAGE (self), NULL);

  return G_LIST_MODEL (gtk_column_view_get_model (self->column_view));
}

const CmExportColumn *
cm_models_page_get_export (guint *n_columns)
{
  *n_columns = G_N_ELEMENTS (export_columns);

  return export_columns;
}
