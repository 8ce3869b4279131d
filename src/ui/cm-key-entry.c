/* cm-key-entry.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-key-entry.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

struct _CmKeyEntry
{
  GObject          parent_instance;

  CmKeyEntrySpec   spec;
  GtkWidget       *owner;       /* weak */
  AdwEntryRow     *entry;
  AdwActionRow    *status;
  CmKeyEntryApply  apply;
  GCancellable    *cancellable;
};

G_DEFINE_FINAL_TYPE (CmKeyEntry, cm_key_entry, G_TYPE_OBJECT)

static void
cm_key_entry_dispose (GObject *object)
{
  CmKeyEntry *self = (CmKeyEntry *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_weak_pointer (&self->owner);

  G_OBJECT_CLASS (cm_key_entry_parent_class)->dispose (object);
}

static void
cm_key_entry_finalize (GObject *object)
{
  CmKeyEntry *self = (CmKeyEntry *)object;

  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cm_key_entry_parent_class)->finalize (object);
}

static void
cm_key_entry_class_init (CmKeyEntryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cm_key_entry_dispose;
  object_class->finalize = cm_key_entry_finalize;
}

static void
cm_key_entry_init (CmKeyEntry *self)
{
  self->cancellable = g_cancellable_new ();
}

CmKeyEntry *
cm_key_entry_new (const CmKeyEntrySpec *spec,
                  GtkWidget            *owner,
                  AdwEntryRow          *entry,
                  AdwActionRow         *status,
                  CmKeyEntryApply       apply)
{
  CmKeyEntry *self;

  g_return_val_if_fail (spec != NULL, NULL);
  g_return_val_if_fail (GTK_IS_WIDGET (owner), NULL);

  self = g_object_new (CM_TYPE_KEY_ENTRY, NULL);
  self->spec = *spec;
  g_set_weak_pointer (&self->owner, owner);
  self->entry = entry;
  self->status = status;
  self->apply = apply;
  gtk_widget_action_set_enabled (owner, spec->clear_action, FALSE);

  return self;
}

#ifdef HAVE_LIBSECRET
G_STATIC_ASSERT ((int) CM_KEY_ENTRY_API_KEY == (int) CM_KEYRING_API_KEY);
G_STATIC_ASSERT ((int) CM_KEY_ENTRY_ADMIN_KEY == (int) CM_KEYRING_ADMIN_KEY);

static void
set_error_style (GtkWidget *row,
                 gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

static void
toast (CmKeyEntry *self,
       const char *text)
{
  GtkRoot *root = self->owner != NULL ? gtk_widget_get_root (self->owner) : NULL;

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static void
show_source (CmKeyEntry  *self,
             CmKeySource  source,
             const char  *error)
{
  g_autofree char *text = NULL;

  if (self->owner == NULL)
    return;

  if (source == CM_KEY_SOURCE_KEYRING)
    text = g_strdup (_("Saved in the keyring"));
  else if (source == CM_KEY_SOURCE_ENVIRONMENT)
    /* Translators: the name of an environment variable. */
    text = g_strdup_printf (_("From the %s environment variable"), self->spec.env_var);
  else
    text = g_strdup (self->spec.none);

  gtk_widget_action_set_enabled (self->owner, self->spec.clear_action, source == CM_KEY_SOURCE_KEYRING);
  if (error != NULL)
    {
      g_autofree char *both = g_strdup_printf ("%s\n%s", text, error);

      adw_action_row_set_subtitle (self->status, both);
    }
  else
    adw_action_row_set_subtitle (self->status, text);
  set_error_style (GTK_WIDGET (self->status), error != NULL);
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(CmKeyEntry) self = user_data;
  g_autoptr(GError) error = NULL;
  CmKeySource key_source = CM_KEY_SOURCE_NONE;
  char *key = cm_keyring_lookup_finish (res, &key_source, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->owner == NULL)
    {
      cm_keyring_free_key (key);
      return;
    }

  /* The user of the key follows whatever key is now in force. */
  self->apply (self->owner, key);
  cm_keyring_free_key (key);
  show_source (self, key_source, error != NULL ? error->message : NULL);
}

void
cm_key_entry_refresh (CmKeyEntry *self)
{
  g_return_if_fail (CM_IS_KEY_ENTRY (self));

  cm_keyring_lookup_kind_async (self->spec.kind, self->cancellable, lookup_cb, g_object_ref (self));
}

static void
store_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(CmKeyEntry) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cm_keyring_store_finish (res, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      gtk_widget_set_sensitive (GTK_WIDGET (self->entry), TRUE);
      show_source (self, CM_KEY_SOURCE_NONE, error->message);
      return;
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
  toast (self, self->spec.saved);
  cm_key_entry_refresh (self);
}

void
cm_key_entry_save (CmKeyEntry *self)
{
  g_autofree char *key = NULL;

  g_return_if_fail (CM_IS_KEY_ENTRY (self));

  key = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  if (*key == '\0')
    return;

  /* The entry is emptied once the keyring has it. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), FALSE);
  cm_keyring_store_kind_async (self->spec.kind, key, self->cancellable, store_cb, g_object_ref (self));
  memset (key, 0, strlen (key));
}

static void
clear_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(CmKeyEntry) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cm_keyring_clear_finish (res, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_source (self, CM_KEY_SOURCE_KEYRING, error->message);
      return;
    }

  toast (self, self->spec.removed);
  cm_key_entry_refresh (self);
}

void
cm_key_entry_remove (CmKeyEntry *self)
{
  g_return_if_fail (CM_IS_KEY_ENTRY (self));

  cm_keyring_clear_kind_async (self->spec.kind, self->cancellable, clear_cb, g_object_ref (self));
}
#else
/* Without a keyring only the variable can hold the key. */
void
cm_key_entry_refresh (CmKeyEntry *self)
{
  const char *env;
  g_autofree char *text = NULL;

  g_return_if_fail (CM_IS_KEY_ENTRY (self));

  env = g_getenv (self->spec.env_var);
  gtk_widget_set_sensitive (GTK_WIDGET (self->entry), FALSE);
  if (env != NULL)
    text = g_strdup_printf (_("From the %s environment variable"), self->spec.env_var);
  else
    /* Translators: the name of an environment variable. */
    text = g_strdup_printf (_("This build has no keyring support: set %s"), self->spec.env_var);
  adw_action_row_set_subtitle (self->status, text);
  if (self->owner != NULL)
    self->apply (self->owner, env);
}

void
cm_key_entry_save (CmKeyEntry *self)
{
}

void
cm_key_entry_remove (CmKeyEntry *self)
{
}
#endif
