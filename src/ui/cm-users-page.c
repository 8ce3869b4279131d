/* cm-users-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-columns.h"
#include "cm-format.h"
#include "cm-users-page.h"

struct _CmUsersPage
{
  AdwBin             parent_instance;

  CmReport          *report;
  GtkSelectionModel *selection;

  GtkLabel          *title_label;
  GtkLabel          *summary_label;
  GtkStack          *stack;
  GtkColumnView     *column_view;
};

G_DEFINE_FINAL_TYPE (CmUsersPage, cm_users_page, ADW_TYPE_BIN)

static const CmExportColumn export_columns[] = {
  { "user", "key", CM_EXPORT_TEXT },
  { "bedrock_usd", "cost-bedrock", CM_EXPORT_MONEY },
  { "anthropic_usd", "cost-anthropic", CM_EXPORT_MONEY },
  { "vertex_usd", "cost-vertex", CM_EXPORT_MONEY },
  { "unknown_usd", "cost-unknown", CM_EXPORT_MONEY },
  { "total_usd", "cost", CM_EXPORT_MONEY },
  { "estimated", "has-estimate", CM_EXPORT_BOOLEAN },
  { "unpriced_messages", "unpriced", CM_EXPORT_INTEGER },
  { "messages", "messages", CM_EXPORT_INTEGER },
  { "share", "share", CM_EXPORT_RATIO },
};

static void
report_updated_cb (CmUsersPage *self)
{
  GListModel *rows = cm_report_get_users (self->report);
  guint n = g_list_model_get_n_items (rows);
  g_autofree char *summary = NULL;

  summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u user", "%u users", n), n);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "table" : "empty");
}

static void
cm_users_page_dispose (GObject *object)
{
  CmUsersPage *self = (CmUsersPage *)object;

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_clear_object (&self->report);


  G_OBJECT_CLASS (cm_users_page_parent_class)->dispose (object);
}

static void
cm_users_page_class_init (CmUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_users_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, column_view);
}

static void
cm_users_page_init (CmUsersPage *self)
{
  GtkColumnView *view;
  GType type = CM_TYPE_GROUP_ITEM;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = self->column_view;

  /* The ranking is the point of this table: no header sorting. */
  /* Narrow enough that the Total column still shows at 600 px. */
  gtk_column_view_column_set_fixed_width (cm_columns_add (view, type, _("User"), "label", CM_COLUMN_TEXT, FALSE),
                                          150);
  cm_columns_add (view, type, _("Bedrock"), "cost-bedrock", CM_COLUMN_MONEY, FALSE);
  cm_columns_add (view, type, _("Anthropic"), "cost-anthropic", CM_COLUMN_MONEY, FALSE);
  cm_columns_add (view, type, _("Vertex"), "cost-vertex", CM_COLUMN_MONEY, FALSE);
  cm_columns_add (view, type, _("Unknown"), "cost-unknown", CM_COLUMN_MONEY, FALSE);
  cm_columns_add (view, type, _("Total"), "cost", CM_COLUMN_COST, FALSE);
  cm_columns_add (view, type, _("Messages"), "messages", CM_COLUMN_COUNT, FALSE);
}

void
cm_users_page_set_report (CmUsersPage *self,
                           CmReport     *report)
{
  g_return_if_fail (CM_IS_USERS_PAGE (self));
  g_return_if_fail (CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_set_object (&self->report, report);
  g_signal_connect_swapped (report, "updated", G_CALLBACK (report_updated_cb), self);

  self->selection = cm_columns_set_model (self->column_view, cm_report_get_users (report));
  report_updated_cb (self);
}

GtkColumnView *
cm_users_page_get_view (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  return self->column_view;
}

GListModel *
cm_users_page_get_rows (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  return G_LIST_MODEL (gtk_column_view_get_model (self->column_view));
}

const CmExportColumn *
cm_users_page_get_export (guint *n_columns)
{
  *n_columns = G_N_ELEMENTS (export_columns);

  return export_columns;
}
