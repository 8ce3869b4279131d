/* cm-assign-owner-dialog.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-assign-owner-dialog.h"

struct _CmAssignOwnerDialog
{
  AdwMessageDialog  parent_instance;

  CmStore          *store;
  GPtrArray        *rows;     /* AdwEntryRow, "source-path" set on each */
};

G_DEFINE_FINAL_TYPE (CmAssignOwnerDialog, cm_assign_owner_dialog, ADW_TYPE_MESSAGE_DIALOG)

static const CmSourceInfo *
find_source (GPtrArray *sources,
             gint64     id)
{
  for (guint i = 0; i < sources->len; i++)
    {
      const CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (info->id == id)
        return info;
    }

  return NULL;
}

static gboolean
holds_homes (GPtrArray          *sources,
             const CmSourceInfo *info)
{
  for (guint i = 0; i < sources->len; i++)
    {
      if (((CmSourceInfo *) g_ptr_array_index (sources, i))->parent_id == info->id)
        return TRUE;
    }

  return FALSE;
}

/* Sources whose runs belong to nobody by the rules the scanner follows. */
static void
add_rows (CmAssignOwnerDialog *self,
          GtkListBox          *list)
{
  g_autoptr(GPtrArray) sources = cm_store_list_sources (self->store, NULL);
  g_autofree char *self_email = cm_store_dup_self_email (self->store);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      const CmSourceInfo *info = g_ptr_array_index (sources, i);
      const CmSourceInfo *parent = find_source (sources, info->parent_id);
      GtkWidget *row;

      if (holds_homes (sources, info) ||
          cm_source_info_effective_owner (info, parent, info->detected_owner, self_email) != NULL)
        continue;

      row = adw_entry_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), info->path);
      gtk_editable_set_text (GTK_EDITABLE (row), "");
      adw_entry_row_set_input_purpose (ADW_ENTRY_ROW (row), GTK_INPUT_PURPOSE_EMAIL);
      g_object_set_data_full (G_OBJECT (row), "source-path", g_strdup (info->path), g_free);
      gtk_list_box_append (list, row);
      g_ptr_array_add (self->rows, row);
    }
}

static void
response_cb (CmAssignOwnerDialog *self,
             const char          *response)
{
  if (g_strcmp0 (response, "assign") != 0)
    return;

  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      g_autofree char *owner = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));
      g_autoptr(GError) error = NULL;

      if (*owner != '\0' &&
          !cm_store_set_source_owner (self->store, g_object_get_data (G_OBJECT (row), "source-path"),
                                      owner, &error))
        g_warning ("Could not set the owner: %s", error->message);
    }
}

static void
cm_assign_owner_dialog_dispose (GObject *object)
{
  CmAssignOwnerDialog *self = (CmAssignOwnerDialog *) object;

  g_clear_object (&self->store);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (cm_assign_owner_dialog_parent_class)->dispose (object);
}

static void
cm_assign_owner_dialog_class_init (CmAssignOwnerDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = cm_assign_owner_dialog_dispose;
}

static void
cm_assign_owner_dialog_init (CmAssignOwnerDialog *self)
{
  self->rows = g_ptr_array_new ();
}

CmAssignOwnerDialog *
cm_assign_owner_dialog_new (GtkWindow *parent,
                            CmStore   *store,
                            GSettings *settings)
{
  CmAssignOwnerDialog *self;
  GtkWidget *list;

  g_return_val_if_fail (CM_IS_STORE (store), NULL);

  self = g_object_new (CM_TYPE_ASSIGN_OWNER_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", _("Assign Owner"),
                       NULL);
  self->store = g_object_ref (store);

  list = gtk_list_box_new ();
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  add_rows (self, GTK_LIST_BOX (list));

  if (self->rows->len > 0)
    {
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                                   _("The runs of these folders name no account. Whose are they? Type an e-mail address; the runs already counted follow it."));
      adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), list);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                        "cancel", _("_Cancel"), "assign", _("_Assign"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "assign",
                                                  ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "assign");
    }
  else
    {
      /* Nothing to assign here: say where the rest comes from. */
      g_object_ref_sink (list);
      g_object_unref (list);
      adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                                   _("Every folder read now has an owner. The unattributed runs come from folders no longer read, or from your own folders while Preferences → You has no e-mail address."));
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self), "cancel", _("_Close"), NULL);
    }
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);

  return self;
}

void
cm_assign_owner_dialog_present (GtkWindow *parent,
                                CmStore   *store,
                                GSettings *settings)
{
  gtk_window_present (GTK_WINDOW (cm_assign_owner_dialog_new (parent, store, settings)));
}

guint
cm_assign_owner_dialog_get_n_folders (CmAssignOwnerDialog *self)
{
  g_return_val_if_fail (CM_IS_ASSIGN_OWNER_DIALOG (self), 0);

  return self->rows->len;
}

void
cm_assign_owner_dialog_assign (CmAssignOwnerDialog *self,
                               guint                index,
                               const char          *owner)
{
  g_return_if_fail (CM_IS_ASSIGN_OWNER_DIALOG (self));
  g_return_if_fail (index < self->rows->len);

  gtk_editable_set_text (GTK_EDITABLE (g_ptr_array_index (self->rows, index)), owner);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (self), "assign");
}
