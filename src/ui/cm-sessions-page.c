/* cm-sessions-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-columns.h"
#include "cm-format.h"
#include "cm-session-item.h"
#include "cm-sessions-page.h"

struct _CmSessionsPage
{
  AdwBin           parent_instance;

  CmReport        *report;

  GtkStack        *pages;
  GtkLabel        *title_label;
  GtkLabel        *summary_label;
  GtkStack        *stack;
  GtkColumnView   *column_view;
  CmSessionDetail *detail;
};

G_DEFINE_FINAL_TYPE (CmSessionsPage, cm_sessions_page, ADW_TYPE_BIN)

static const CmExportColumn export_columns[] = {
  { "session_id", "session-id", CM_EXPORT_TEXT },
  { "project", "project", CM_EXPORT_TEXT },
  { "user", "user", CM_EXPORT_TEXT },
  { "start", "start-ms", CM_EXPORT_TIME },
  { "duration_ms", "duration-ms", CM_EXPORT_INTEGER },
  { "models", "models", CM_EXPORT_TEXT },
  { "messages", "messages", CM_EXPORT_INTEGER },
  { "input", "input", CM_EXPORT_INTEGER },
  { "output", "output", CM_EXPORT_INTEGER },
  { "cache_write_5m", "cache-write-5m", CM_EXPORT_INTEGER },
  { "cache_write_1h", "cache-write-1h", CM_EXPORT_INTEGER },
  { "cache_read", "cache-read", CM_EXPORT_INTEGER },
  { "cache_hit_ratio", "cache-hit-ratio", CM_EXPORT_RATIO },
  { "cost_usd", "cost", CM_EXPORT_MONEY },
  { "estimated", "has-estimate", CM_EXPORT_BOOLEAN },
  { "unpriced_messages", "unpriced", CM_EXPORT_INTEGER },
};

static void
report_updated_cb (CmSessionsPage *self)
{
  GListModel *rows = cm_report_get_sessions (self->report);
  guint n = g_list_model_get_n_items (rows);
  g_autofree char *summary = NULL;

  if ((cm_report_get_stale (self->report) & CM_SECTION_SESSIONS))
    summary = g_strdup (_("Updating…"));
  else
    summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session", "%u sessions", n), n);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "table" : "empty");
}

void
cm_sessions_page_open (CmSessionsPage *self,
                       guint           position)
{
  g_autoptr(CmSessionItem) item = NULL;

  g_return_if_fail (CM_IS_SESSIONS_PAGE (self));

  item = g_list_model_get_item (cm_sessions_page_get_rows (self), position);
  if (item == NULL)
    return;

  cm_session_detail_show (self->detail, self->report, item);
  gtk_stack_set_visible_child_name (self->pages, "detail");
  gtk_widget_grab_focus (GTK_WIDGET (self->detail));
}

static void
activate_cb (CmSessionsPage *self,
             guint           position)
{
  cm_sessions_page_open (self, position);
}

static void
detail_back_cb (CmSessionsPage *self)
{
  gtk_stack_set_visible_child_name (self->pages, "list");
  gtk_widget_grab_focus (GTK_WIDGET (self->column_view));
}

static void
cm_sessions_page_dispose (GObject *object)
{
  CmSessionsPage *self = (CmSessionsPage *)object;

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_clear_object (&self->report);


  G_OBJECT_CLASS (cm_sessions_page_parent_class)->dispose (object);
}

static void
cm_sessions_page_class_init (CmSessionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_sessions_page_dispose;

  g_type_ensure (CM_TYPE_SESSION_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-sessions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, pages);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, detail_back_cb);
}

static void
cm_sessions_page_init (CmSessionsPage *self)
{
  GtkColumnView *view;
  GType type = CM_TYPE_SESSION_ITEM;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = self->column_view;

  cm_columns_add (view, type, _("Project"), "project", CM_COLUMN_TEXT, TRUE);
  cm_columns_add (view, type, _("Start"), "start-ms", CM_COLUMN_TIME, TRUE);
  cm_columns_add (view, type, _("Duration"), "duration-ms", CM_COLUMN_DURATION, TRUE);
  cm_columns_add (view, type, _("Models"), "models", CM_COLUMN_TEXT, TRUE);
  cm_columns_add (view, type, _("Messages"), "messages", CM_COLUMN_COUNT, TRUE);
  cm_columns_add (view, type, _("Cost"), "cost", CM_COLUMN_COST, TRUE);

  /* One click opens a session, as in other GNOME lists of places to go. */
  gtk_column_view_set_single_click_activate (view, TRUE);
  g_signal_connect_swapped (view, "activate", G_CALLBACK (activate_cb), self);
}

void
cm_sessions_page_set_report (CmSessionsPage *self,
                             CmReport       *report)
{
  g_return_if_fail (CM_IS_SESSIONS_PAGE (self));
  g_return_if_fail (CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_set_object (&self->report, report);
  g_signal_connect_swapped (report, "updated", G_CALLBACK (report_updated_cb), self);

  cm_columns_set_model (self->column_view, cm_report_get_sessions (report));
  g_signal_connect_object (cm_report_get_sessions (report), "refilled",
                           G_CALLBACK (cm_columns_resort), self->column_view, G_CONNECT_SWAPPED);
  report_updated_cb (self);
}

GtkColumnView *
cm_sessions_page_get_view (CmSessionsPage *self)
{
  g_return_val_if_fail (CM_IS_SESSIONS_PAGE (self), NULL);

  return self->column_view;
}

GListModel *
cm_sessions_page_get_rows (CmSessionsPage *self)
{
  g_return_val_if_fail (CM_IS_SESSIONS_PAGE (self), NULL);

  return G_LIST_MODEL (gtk_column_view_get_model (self->column_view));
}

CmSessionDetail *
cm_sessions_page_get_detail (CmSessionsPage *self)
{
  g_return_val_if_fail (CM_IS_SESSIONS_PAGE (self), NULL);

  return self->detail;
}

gboolean
cm_sessions_page_get_showing_detail (CmSessionsPage *self)
{
  g_return_val_if_fail (CM_IS_SESSIONS_PAGE (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->pages), "detail") == 0;
}

const CmExportColumn *
cm_sessions_page_get_export (guint *n_columns)
{
  *n_columns = G_N_ELEMENTS (export_columns);

  return export_columns;
}
