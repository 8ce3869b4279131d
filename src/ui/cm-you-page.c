/* cm-you-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-you-page.h"

struct _CmYouPage
{
  AdwPreferencesPage  parent_instance;

  AdwEntryRow        *name_row;
  AdwEntryRow        *email_row;
  AdwActionRow       *status_row;

  GSettings          *settings;
  GCancellable       *cancellable;
};

G_DEFINE_FINAL_TYPE (CmYouPage, cm_you_page, ADW_TYPE_PREFERENCES_PAGE)

static void
update_status (CmYouPage *self)
{
  g_autofree char *email = g_settings_get_string (self->settings, "identity-email");
  g_autofree char *text = NULL;

  if (*email == '\0')
    text = g_strdup (_("Not set: they show as Unattributed. Apply an e-mail address above to claim them."));
  else
    /* Translators: an e-mail address. */
    text = g_strdup_printf (_("Counted as %s."), email);
  adw_action_row_set_subtitle (self->status_row, text);
}

static void
name_apply_cb (CmYouPage *self)
{
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));

  g_settings_set_string (self->settings, "identity-name", name);
}

static void
email_apply_cb (CmYouPage *self)
{
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));

  if (*email != '\0' && strchr (email, '@') == NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->email_row), "error");
      return;
    }
  gtk_widget_remove_css_class (GTK_WIDGET (self->email_row), "error");
  g_settings_set_string (self->settings, "identity-email", email);
  update_status (self);
}

/* `git config user.email`, as a suggestion while nothing is saved. */
static void
git_email_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CmYouPage) self = user_data;
  g_autofree char *out = NULL;

  if (!g_subprocess_communicate_utf8_finish (G_SUBPROCESS (object), result, &out, NULL, NULL) ||
      out == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  g_strstrip (out);
  if (*out != '\0' && *gtk_editable_get_text (GTK_EDITABLE (self->email_row)) == '\0')
    gtk_editable_set_text (GTK_EDITABLE (self->email_row), out);
}

static void
suggest (CmYouPage *self)
{
  g_autofree char *name = g_settings_get_string (self->settings, "identity-name");
  g_autofree char *email = g_settings_get_string (self->settings, "identity-email");
  const char *real = g_get_real_name ();
  g_autoptr(GSubprocess) git = NULL;

  gtk_editable_set_text (GTK_EDITABLE (self->name_row),
                         *name != '\0' ? name : g_strcmp0 (real, "Unknown") != 0 ? real : "");
  gtk_editable_set_text (GTK_EDITABLE (self->email_row), email);
  if (*email != '\0')
    return;

  /* No git (a sandbox without it) leaves the field empty. */
  git = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, NULL,
                          "git", "config", "--get", "user.email", NULL);
  if (git != NULL)
    g_subprocess_communicate_utf8_async (git, NULL, self->cancellable, git_email_cb, g_object_ref (self));
}

void
cm_you_page_set_settings (CmYouPage *self,
                          GSettings *settings)
{
  g_return_if_fail (CM_IS_YOU_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
  suggest (self);
  update_status (self);
}

static void
cm_you_page_dispose (GObject *object)
{
  CmYouPage *self = (CmYouPage *) object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cm_you_page_parent_class)->dispose (object);
}

static void
cm_you_page_class_init (CmYouPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_you_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-you-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmYouPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, CmYouPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, CmYouPage, status_row);
  gtk_widget_class_bind_template_callback (widget_class, name_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, email_apply_cb);
}

static void
cm_you_page_init (CmYouPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}
