/* cm-users-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-org-user-item.h"
#include "cm-users-page.h"

struct _CmUsersPage
{
  AdwBin           parent_instance;

  GListModel      *org_users;

  GtkWidget       *switcher;
  GtkToggleButton *local_button;
  GtkToggleButton *org_button;
  GtkStack        *stack;
  CmTablePage     *table;
  GtkWidget       *org_bin;
  GtkLabel        *org_summary;
  GtkColumnView   *org_view;
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

static const CmExportColumn org_export_columns[] = {
  { "user", "key", CM_EXPORT_TEXT },
  { "source", "source-id", CM_EXPORT_TEXT },
  { "actor_type", "actor-type", CM_EXPORT_TEXT },
  { "customer_type", "customer-type", CM_EXPORT_TEXT },
  { "sessions", "org-sessions", CM_EXPORT_INTEGER },
  { "lines_added", "org-lines-added", CM_EXPORT_INTEGER },
  { "lines_removed", "org-lines-removed", CM_EXPORT_INTEGER },
  { "commits", "org-commits", CM_EXPORT_INTEGER },
  { "pull_requests", "org-pull-requests", CM_EXPORT_INTEGER },
  { "org_tokens", "org-tokens", CM_EXPORT_INTEGER },
  { "org_estimated_usd", "org-cost", CM_EXPORT_MONEY },
  { "models", "models", CM_EXPORT_TEXT },
  { "transcript_messages", "messages", CM_EXPORT_INTEGER },
  { "transcript_usd", "cost", CM_EXPORT_MONEY },
};

static gboolean
is_unattributed (gconstpointer item)
{
  if (CM_IS_ORG_USER_ITEM ((gpointer) item))
    return g_strcmp0 (cm_org_user_item_get_row ((CmOrgUserItem *) item)->key, CM_UNATTRIBUTED_KEY) == 0;

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

static gboolean
has_org_records (GListModel *rows)
{
  guint n = rows != NULL ? g_list_model_get_n_items (rows) : 0;

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmOrgUserItem) item = g_list_model_get_item (rows, i);

      if (cm_org_user_item_get_row (item)->sources & CM_ORG_SOURCE_ADMIN_API)
        return TRUE;
    }

  return FALSE;
}

/* The switch shows once the analytics name someone (or while the
 * Organization table is up), so a computer without an Admin key keeps the
 * view as it was. */
static void
org_users_changed_cb (CmUsersPage *self)
{
  guint n = g_list_model_get_n_items (self->org_users);
  g_autofree char *summary = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u user", "%u users", n), n);

  gtk_label_set_text (self->org_summary, summary);
  gtk_widget_set_visible (self->switcher,
                          has_org_records (self->org_users) || gtk_toggle_button_get_active (self->org_button));
}

static void
org_toggled_cb (CmUsersPage *self)
{
  gboolean org = gtk_toggle_button_get_active (self->org_button);

  gtk_stack_set_visible_child_name (self->stack, org ? "organization" : "local");
  if (!org && self->org_users != NULL)
    org_users_changed_cb (self);
}

static void
cm_users_page_dispose (GObject *object)
{
  CmUsersPage *self = CM_USERS_PAGE (object);

  if (self->org_users != NULL)
    g_signal_handlers_disconnect_by_data (self->org_users, self);
  g_clear_object (&self->org_users);

  G_OBJECT_CLASS (cm_users_page_parent_class)->dispose (object);
}

static void
cm_users_page_class_init (CmUsersPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_users_page_dispose;

  g_type_ensure (CM_TYPE_TABLE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-users-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, switcher);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, local_button);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, org_button);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, table);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, org_bin);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, org_summary);
  gtk_widget_class_bind_template_child (widget_class, CmUsersPage, org_view);
  gtk_widget_class_bind_template_callback (widget_class, org_toggled_cb);
}

/* The Organization table: where each figure comes from is in the Source
 * column and the headers' tooltips. */
static void
add_org_columns (CmUsersPage *self)
{
  GtkColumnView *view = self->org_view;
  GType type = CM_TYPE_ORG_USER_ITEM;
  GtkColumnViewColumn *column;

  gtk_column_view_column_set_fixed_width (cm_columns_add (view, type, _("User"), "label", CM_COLUMN_TEXT, TRUE),
                                          160);
  column = cm_columns_add (view, type, _("Source"), "source", CM_COLUMN_TEXT, TRUE);
  cm_columns_set_header_tooltip (view, column,
                                 _("Where the row’s figures come from: the organization’s Claude Code analytics, "
                                   "this computer’s transcripts, or both (the same e-mail)"));
  cm_column_set_priority (column, 1);
  column = cm_columns_add (view, type, _("Sessions"), "org-sessions", CM_COLUMN_COUNT, TRUE);
  cm_columns_set_header_tooltip (view, column, _("Claude Code sessions (Claude Code analytics)"));
  cm_column_set_priority (column, 2);
  column = cm_columns_add (view, type, _("Lines added"), "org-lines-added", CM_COLUMN_COUNT, TRUE);
  cm_columns_set_header_tooltip (view, column, _("Lines of code added with Claude Code (Claude Code analytics)"));
  cm_column_set_priority (column, 3);
  column = cm_columns_add (view, type, _("Lines removed"), "org-lines-removed", CM_COLUMN_COUNT, TRUE);
  cm_columns_set_header_tooltip (view, column, _("Lines of code removed with Claude Code (Claude Code analytics)"));
  cm_column_set_priority (column, 3);
  column = cm_columns_add (view, type, _("Tokens"), "org-tokens", CM_COLUMN_TOKENS, TRUE);
  cm_columns_set_header_tooltip (view, column,
                                 _("Input, output, cache read and cache write tokens (Claude Code analytics)"));
  cm_column_set_priority (column, 2);
  column = cm_columns_add (view, type, _("Analytics est."), "org-cost", CM_COLUMN_MONEY, TRUE);
  cm_columns_set_header_tooltip (view, column,
                                 _("The Claude Code analytics’ own cost estimate (first-party API only; not the bill)"));
  column = cm_columns_add (view, type, _("Transcripts"), "cost", CM_COLUMN_COST, TRUE);
  cm_columns_set_header_tooltip (view, column,
                                 _("CostMeter’s price of this computer’s transcripts of the user, every backend"));
  cm_column_set_priority (column, 1);
  column = cm_columns_add (view, type, _("Models"), "models-detail", CM_COLUMN_TEXT, TRUE);
  cm_columns_set_header_tooltip (view, column,
                                 _("The analytics’ models of the user, costliest first, each with its estimate and tokens"));
  cm_column_set_priority (column, 3);
  cm_column_set_follow_width (self->org_bin, view);
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

  add_org_columns (self);
}

void
cm_users_page_set_org_users (CmUsersPage *self,
                             GListModel  *org_users)
{
  g_autoptr(GtkSorter) pin = NULL;

  g_return_if_fail (CM_IS_USERS_PAGE (self));
  g_return_if_fail (G_IS_LIST_MODEL (org_users));

  if (self->org_users != NULL)
    g_signal_handlers_disconnect_by_data (self->org_users, self);
  g_set_object (&self->org_users, org_users);

  pin = GTK_SORTER (gtk_custom_sorter_new (unattributed_last, NULL, NULL));
  cm_columns_set_model (self->org_view, org_users, pin, NULL);
  g_signal_connect_swapped (org_users, "items-changed", G_CALLBACK (org_users_changed_cb), self);
  org_users_changed_cb (self);
}

gboolean
cm_users_page_get_organization (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), FALSE);

  return gtk_toggle_button_get_active (self->org_button);
}

void
cm_users_page_set_organization (CmUsersPage *self,
                                gboolean     organization)
{
  g_return_if_fail (CM_IS_USERS_PAGE (self));

  gtk_toggle_button_set_active (organization ? self->org_button : self->local_button, TRUE);
}

gboolean
cm_users_page_get_switch_visible (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), FALSE);

  return gtk_widget_get_visible (self->switcher);
}

GListModel *
cm_users_page_get_org_rows (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  return cm_columns_get_rows (self->org_view);
}

GtkColumnView *
cm_users_page_get_org_view (CmUsersPage *self)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  return self->org_view;
}

char *
cm_users_page_dup_export (CmUsersPage     *self,
                          CmExportFormat   format,
                          char           **suggested_name)
{
  g_return_val_if_fail (CM_IS_USERS_PAGE (self), NULL);

  if (!cm_users_page_get_organization (self))
    return cm_table_page_dup_export (self->table, format, suggested_name);

  if (suggested_name != NULL)
    *suggested_name = cm_export_file_name ("costmeter-org-users", format);

  return cm_export_to_string (cm_users_page_get_org_rows (self), org_export_columns,
                              G_N_ELEMENTS (org_export_columns), format);
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
