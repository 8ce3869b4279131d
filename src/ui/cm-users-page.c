/* cm-users-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-users-page.h"

struct _CmUsersPage
{
  AdwBin       parent_instance;

  CmTablePage *table;
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

static gboolean
is_unattributed (gconstpointer item)
{
  return g_strcmp0 (cm_group_item_get_key ((CmGroupItem *) item), CM_UNATTRIBUTED_KEY) == 0;
}

/* Runs without an owner are never ranked among the users. */
static int
unattributed_last (gconstpointer a,
                   gconstpointer b,
                   gpointer      user_data)
{
  return is_unattributed (a) - is_unattributed (b);
}

/* The Owner column sorts the rows that need one first. */
static int
unattributed_first (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  return is_unattributed (b) - is_unattributed (a);
}

/* The Unattributed row offers Assign Owner… (this computer's folders: not
 * in the team's figures, whose rows come from many computers). */
static void
owner_setup_cb (GtkSignalListItemFactory *factory,
                GtkListItem              *item,
                gpointer                  user_data)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Assign Owner…"));

  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.assign-owner");
  gtk_widget_set_tooltip_text (button, _("Say whose runs these are"));
  gtk_list_item_set_child (item, button);
}

static void
owner_bind_cb (GtkSignalListItemFactory *factory,
               GtkListItem              *item,
               CmUsersPage              *self)
{
  CmReport *report = cm_table_page_get_report (self->table);

  gtk_widget_set_visible (gtk_list_item_get_child (item),
                          is_unattributed (gtk_list_item_get_item (item)) &&
                          (report == NULL || cm_report_get_team (report) == NULL));
}

static void
cm_users_page_class_init (CmUsersPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CM_TYPE_TABLE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, table);
}

static void
cm_users_page_init (CmUsersPage *self)
{
  g_autoptr(GtkSorter) pin = NULL;
  GtkColumnView *view;
  GType type = CM_TYPE_GROUP_ITEM;
  GtkColumnViewColumn *bedrock;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = cm_table_page_get_view (self->table);

  /* Narrow enough that the Total column still shows at 600 px, with room
   * for the sort arrows. */
  gtk_column_view_column_set_fixed_width (cm_columns_add (view, type, _("User"), "label", CM_COLUMN_TEXT, TRUE),
                                          120);
  bedrock = cm_columns_add (view, type, _("Bedrock"), "cost-bedrock", CM_COLUMN_MONEY, TRUE);
  cm_column_set_priority (bedrock, 1);
  cm_column_set_priority (cm_columns_add (view, type, _("Anthropic"), "cost-anthropic", CM_COLUMN_MONEY, TRUE), 2);
  cm_column_set_priority (cm_columns_add (view, type, _("Vertex"), "cost-vertex", CM_COLUMN_MONEY, TRUE), 2);
  cm_column_set_priority (cm_columns_add (view, type, _("Not yet classified"), "cost-unknown", CM_COLUMN_MONEY, TRUE), 3);
  cm_columns_add (view, type, _("Total"), "cost", CM_COLUMN_COST, TRUE);
  cm_column_set_priority (cm_columns_add (view, type, _("Messages"), "messages", CM_COLUMN_COUNT, TRUE), 3);
  {
    GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
    GtkColumnViewColumn *column;

    g_autoptr(GtkSorter) needs_owner = GTK_SORTER (gtk_custom_sorter_new (unattributed_first, NULL, NULL));

    g_signal_connect (factory, "setup", G_CALLBACK (owner_setup_cb), NULL);
    g_signal_connect (factory, "bind", G_CALLBACK (owner_bind_cb), self);
    column = gtk_column_view_column_new (_("Owner"), factory);
    gtk_column_view_column_set_sorter (column, needs_owner);
    gtk_column_view_column_set_fixed_width (column, 150);
    gtk_column_view_append_column (view, column);
    cm_column_set_priority (column, 1);
    g_object_unref (column);
  }

  /* Ranked by Bedrock spend, as the arrow on its header says; equal ones
   * keep the report's order (by total), the sort being stable. */
  gtk_column_view_sort_by_column (view, bedrock, GTK_SORT_DESCENDING);
  pin = GTK_SORTER (gtk_custom_sorter_new (unattributed_last, NULL, NULL));
  cm_table_page_set_first_sorter (self->table, pin);
  cm_table_page_set_section (self->table, CM_SECTION_USERS);
  cm_table_page_set_export (self->table, "costmeter-users", export_columns, G_N_ELEMENTS (export_columns));
}

CmTablePage *
cm_users_page_get_table (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  return self->table;
}

GListModel *
cm_users_page_get_rows (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  return cm_table_page_get_rows (self->table);
}
