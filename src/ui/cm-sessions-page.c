/* cm-sessions-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-session-item.h"
#include "cm-sessions-page.h"

struct _CmSessionsPage
{
  AdwBin           parent_instance;

  GtkStack        *pages;
  CmTablePage     *table;
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
  CM_EXPORT_TOKENS,
  { "cache_hit_ratio", "cache-hit-ratio", CM_EXPORT_RATIO },
  CM_EXPORT_COST,
};

void
cm_sessions_page_open (CmSessionsPage *self,
                       guint           position)
{
  g_autoptr(CmSessionItem) item = NULL;

  g_return_if_fail (CM_IS_SESSIONS_PAGE (self));

  item = g_list_model_get_item (cm_sessions_page_get_rows (self), position);
  if (item == NULL)
    return;

  cm_session_detail_show (self->detail, cm_table_page_get_report (self->table), item);
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
  gtk_widget_grab_focus (GTK_WIDGET (cm_table_page_get_view (self->table)));
}

static void
cm_sessions_page_class_init (CmSessionsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CM_TYPE_TABLE_PAGE);
  g_type_ensure (CM_TYPE_SESSION_DETAIL);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-sessions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, pages);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, table);
  gtk_widget_class_bind_template_child (widget_class, CmSessionsPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, detail_back_cb);
}

static void
cm_sessions_page_init (CmSessionsPage *self)
{
  GtkColumnView *view;
  GType type = CM_TYPE_SESSION_ITEM;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = cm_table_page_get_view (self->table);

  /* The project and what it cost at any width (cm-column-set.c). */
  cm_columns_add (view, type, _("Project"), "project", CM_COLUMN_PATH, TRUE);
  cm_columns_add (view, type, _("Cost"), "cost", CM_COLUMN_COST, TRUE);
  cm_column_set_priority (cm_columns_add (view, type, _("Start"), "start-ms", CM_COLUMN_TIME, TRUE), 1);
  cm_column_set_priority (cm_columns_add (view, type, _("Duration"), "duration-ms", CM_COLUMN_DURATION, TRUE), 3);
  cm_column_set_priority (cm_columns_add (view, type, _("Models"), "models", CM_COLUMN_MODEL, TRUE), 4);
  cm_column_set_priority (cm_columns_add (view, type, _("Messages"), "messages", CM_COLUMN_COUNT, TRUE), 2);

  /* One click opens a session, as in other GNOME lists of places to go. */
  gtk_column_view_set_single_click_activate (view, TRUE);
  g_signal_connect_swapped (view, "activate", G_CALLBACK (activate_cb), self);

  cm_table_page_set_section (self->table, CM_SECTION_SESSIONS);
  cm_table_page_set_export (self->table, "costmeter-sessions", export_columns, G_N_ELEMENTS (export_columns));
}

CmTablePage *
cm_sessions_page_get_table (CmSessionsPage *self)
{
  g_return_val_if_fail (CM_IS_SESSIONS_PAGE (self), NULL);

  return self->table;
}

GListModel *
cm_sessions_page_get_rows (CmSessionsPage *self)
{
  g_return_val_if_fail (CM_IS_SESSIONS_PAGE (self), NULL);

  return cm_table_page_get_rows (self->table);
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
