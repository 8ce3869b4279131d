/* cm-table-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-session-list.h"
#include "cm-table-page.h"

struct _CmTablePage
{
  AdwBin                parent_instance;

  char                 *title;
  CmReport             *report;
  CmSection             section;
  GtkSorter            *first_sorter;
  const char           *export_name;
  const CmExportColumn *export_columns;
  guint                 n_export_columns;

  GtkLabel             *title_label;
  GtkLabel             *summary_label;
  GtkStack             *stack;
  GtkColumnView        *column_view;
};

G_DEFINE_FINAL_TYPE (CmTablePage, cm_table_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GListModel *
section_rows (CmReport  *report,
              CmSection  section)
{
  switch (section)
    {
    case CM_SECTION_MODELS:
      return cm_report_get_models (report);
    case CM_SECTION_USERS:
      return cm_report_get_users (report);
    case CM_SECTION_SESSIONS:
      return cm_report_get_sessions (report);
    case CM_SECTION_OVERVIEW:
    default:
      g_return_val_if_reached (NULL);
    }
}

static char *
dup_count (CmSection section,
           guint     n)
{
  switch (section)
    {
    case CM_SECTION_MODELS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u row", "%u rows", n), n);
    case CM_SECTION_USERS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u user", "%u users", n), n);
    case CM_SECTION_SESSIONS:
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u session", "%u sessions", n), n);
    case CM_SECTION_OVERVIEW:
    default:
      g_return_val_if_reached (NULL);
    }
}

static void
report_updated_cb (CmTablePage *self)
{
  guint n = g_list_model_get_n_items (cm_table_page_get_rows (self));
  g_autofree char *summary = NULL;

  /* The rows shown belong to an older filter until the section is read. */
  if ((cm_report_get_stale (self->report) & self->section))
    summary = g_strdup (_("Updating…"));
  else
    summary = dup_count (self->section, n);
  gtk_label_set_text (self->summary_label, summary);
  gtk_stack_set_visible_child_name (self->stack, n > 0 ? "table" : "empty");
}

static void
cm_table_page_dispose (GObject *object)
{
  CmTablePage *self = (CmTablePage *)object;

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_clear_object (&self->report);
  g_clear_object (&self->first_sorter);

  G_OBJECT_CLASS (cm_table_page_parent_class)->dispose (object);
}

static void
cm_table_page_finalize (GObject *object)
{
  CmTablePage *self = (CmTablePage *)object;

  g_free (self->title);

  G_OBJECT_CLASS (cm_table_page_parent_class)->finalize (object);
}

static void
cm_table_page_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CmTablePage *self = CM_TABLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_table_page_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CmTablePage *self = CM_TABLE_PAGE (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      cm_table_page_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_table_page_class_init (CmTablePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_table_page_dispose;
  object_class->finalize = cm_table_page_finalize;
  object_class->get_property = cm_table_page_get_property;
  object_class->set_property = cm_table_page_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-table-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmTablePage, title_label);
  gtk_widget_class_bind_template_child (widget_class, CmTablePage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, CmTablePage, stack);
  gtk_widget_class_bind_template_child (widget_class, CmTablePage, column_view);
}

static void
cm_table_page_init (CmTablePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cm_column_set_follow_width (GTK_WIDGET (self), self->column_view);
}

const char *
cm_table_page_get_title (CmTablePage *self)
{
  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);

  return self->title;
}

void
cm_table_page_set_title (CmTablePage *self,
                         const char  *title)
{
  g_return_if_fail (CM_IS_TABLE_PAGE (self));

  if (g_strcmp0 (self->title, title) == 0)
    return;

  g_free (self->title);
  self->title = g_strdup (title);
  gtk_label_set_text (self->title_label, title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->column_view),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, title,
                                  -1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

GtkColumnView *
cm_table_page_get_view (CmTablePage *self)
{
  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);

  return self->column_view;
}

void
cm_table_page_set_section (CmTablePage *self,
                           CmSection    section)
{
  g_return_if_fail (CM_IS_TABLE_PAGE (self));
  g_return_if_fail (self->report == NULL);

  self->section = section;
}

void
cm_table_page_set_first_sorter (CmTablePage *self,
                                GtkSorter   *sorter)
{
  g_return_if_fail (CM_IS_TABLE_PAGE (self));
  g_return_if_fail (self->report == NULL);

  g_set_object (&self->first_sorter, sorter);
}

void
cm_table_page_set_report (CmTablePage *self,
                          CmReport    *report)
{
  g_return_if_fail (CM_IS_TABLE_PAGE (self));
  g_return_if_fail (CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_set_object (&self->report, report);
  g_signal_connect_swapped (report, "updated", G_CALLBACK (report_updated_cb), self);

  cm_columns_set_model (self->column_view, section_rows (report, self->section), self->first_sorter,
                        cm_report_get_total (report, self->section));
  /* The sessions list refills its items in place: a sorted view sorts again. */
  if (CM_IS_SESSION_LIST (section_rows (report, self->section)))
    g_signal_connect_object (section_rows (report, self->section), "refilled",
                             G_CALLBACK (cm_columns_resort), self->column_view, G_CONNECT_SWAPPED);
  report_updated_cb (self);
}

CmReport *
cm_table_page_get_report (CmTablePage *self)
{
  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);

  return self->report;
}

GListModel *
cm_table_page_get_rows (CmTablePage *self)
{
  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);

  return cm_columns_get_rows (self->column_view);
}

GObject *
cm_table_page_get_total (CmTablePage *self)
{
  GListModel *total;

  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);

  total = self->report != NULL ? cm_report_get_total (self->report, self->section) : NULL;

  return total != NULL && g_list_model_get_n_items (total) > 0 ? g_list_model_get_object (total, 0) : NULL;
}

const char *
cm_table_page_get_summary (CmTablePage *self)
{
  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);

  return gtk_label_get_text (self->summary_label);
}

void
cm_table_page_set_export (CmTablePage          *self,
                          const char           *name,
                          const CmExportColumn *columns,
                          guint                 n_columns)
{
  g_return_if_fail (CM_IS_TABLE_PAGE (self));

  self->export_name = name;
  self->export_columns = columns;
  self->n_export_columns = n_columns;
}

char *
cm_table_page_dup_export (CmTablePage     *self,
                          CmExportFormat   format,
                          char           **suggested_name)
{
  g_return_val_if_fail (CM_IS_TABLE_PAGE (self), NULL);
  g_return_val_if_fail (self->export_columns != NULL, NULL);

  if (suggested_name != NULL)
    *suggested_name = cm_export_file_name (self->export_name, format);

  return cm_export_to_string (cm_table_page_get_rows (self), self->export_columns,
                              self->n_export_columns, format);
}
