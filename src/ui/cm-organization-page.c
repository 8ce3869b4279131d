/* cm-organization-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-format.h"
#include "cm-ui-resources.h"
#include "cm-organization-page.h"
#include "cm-key-entry.h"

struct _CmOrganizationPage
{
  AdwPreferencesPage  parent_instance;

  GSettings          *settings;
  CmAdminClient      *client;
  GCancellable       *cancellable;
  CmKeyEntry         *key_entry;

  AdwEntryRow        *key_row;
  AdwActionRow       *key_status_row;
  AdwActionRow       *organization_row;
  AdwActionRow       *fetch_row;
  GtkSwitch          *enabled_switch;
  GtkSpinButton      *interval_spin;
};

G_DEFINE_FINAL_TYPE (CmOrganizationPage, cm_organization_page, ADW_TYPE_PREFERENCES_PAGE)

static void
set_row_error (AdwActionRow *row,
               gboolean      error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* --- the last fetch --- */

static void
update_fetch_row (CmOrganizationPage *self)
{
  CmAdminFetchResult *last = cm_admin_client_get_last_result (self->client);
  g_autofree char *text = NULL;

  if (cm_admin_client_get_fetching (self->client))
    text = g_strdup (_("Fetching…"));
  else if (last == NULL)
    text = g_strdup (_("Not fetched since CostMeter started"));
  else if (!cm_admin_fetch_result_ok (last))
    text = g_strdup (cm_admin_fetch_result_error (last)->message);
  else
    {
      g_autofree char *when = cm_format_time (last->finished_ms, NULL);
      guint days = last->n_days[CM_BILLED_COSTS];

      /* Translators: when, then how many days of the bill came. */
      text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s: %u day of costs", "%s: %u days of costs", days),
                              when, days);
    }

  adw_action_row_set_subtitle (self->fetch_row, text);
  set_row_error (self->fetch_row, last != NULL && !cm_admin_fetch_result_ok (last));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.fetch",
                                 cm_admin_client_has_api_key (self->client) &&
                                 cm_admin_client_get_store (self->client) != NULL &&
                                 !cm_admin_client_get_fetching (self->client));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "org.test-key",
                                 cm_admin_client_has_api_key (self->client) ||
                                 *gtk_editable_get_text (GTK_EDITABLE (self->key_row)) != '\0');
}

static void
fetch_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(CmAdminFetchResult) result = cm_admin_client_fetch_finish (CM_ADMIN_CLIENT (source), res, NULL);
}

static void
fetch_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CmOrganizationPage *self = CM_ORGANIZATION_PAGE (widget);

  cm_admin_client_fetch_async (self->client, NULL, NULL, fetch_done_cb, NULL);
}

/* --- testing the key --- */

static void
test_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  g_autoptr(CmOrganizationPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;
  g_autofree char *text = NULL;

  if (!cm_admin_client_test_finish (CM_ADMIN_CLIENT (source), res, &id, &name, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      /* Translators: the test of the Admin key failed, and why. */
      text = g_strdup_printf (_("Not reached: %s"), error->message);
    }
  else
    /* Translators: the organization's name, then its id. */
    text = g_strdup_printf (_("Reached “%s” (%s)"), name != NULL ? name : "", id);

  adw_action_row_set_subtitle (self->organization_row, text);
  set_row_error (self->organization_row, error != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->organization_row), TRUE);
}

static void
test_key_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CmOrganizationPage *self = CM_ORGANIZATION_PAGE (widget);
  g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->key_row))));

  /* A key typed in is tested before it is saved; else the one in force. */
  adw_action_row_set_subtitle (self->organization_row, _("Testing…"));
  set_row_error (self->organization_row, FALSE);
  cm_admin_client_test_async (self->client, *typed != '\0' ? typed : NULL, self->cancellable, test_cb,
                              g_object_ref (self));
  memset (typed, 0, strlen (typed));
}

/* --- the key in the keyring --- */

/* The client follows whatever key is now in force. */
static void
apply_key (gpointer    owner,
           const char *key)
{
  CmOrganizationPage *self = owner;

  cm_admin_client_set_api_key (self->client, key);
  update_fetch_row (self);
}

static void
key_apply_cb (CmOrganizationPage *self)
{
  cm_key_entry_save (self->key_entry);
}

static void
clear_key_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cm_key_entry_remove (CM_ORGANIZATION_PAGE (widget)->key_entry);
}

/* --- GObject --- */

static void
cm_organization_page_dispose (GObject *object)
{
  CmOrganizationPage *self = (CmOrganizationPage *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->key_entry);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cm_organization_page_parent_class)->dispose (object);
}

static void
cm_organization_page_class_init (CmOrganizationPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_organization_page_dispose;

  /* Pulls the resource (and its registering constructor) out of the
   * static library. */
  (void) cm_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CostMeter/ui/cm-organization-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmOrganizationPage, key_row);
  gtk_widget_class_bind_template_child (widget_class, CmOrganizationPage, key_status_row);
  gtk_widget_class_bind_template_child (widget_class, CmOrganizationPage, organization_row);
  gtk_widget_class_bind_template_child (widget_class, CmOrganizationPage, fetch_row);
  gtk_widget_class_bind_template_child (widget_class, CmOrganizationPage, enabled_switch);
  gtk_widget_class_bind_template_child (widget_class, CmOrganizationPage, interval_spin);
  gtk_widget_class_bind_template_callback (widget_class, key_apply_cb);

  gtk_widget_class_install_action (widget_class, "org.test-key", NULL, test_key_action);
  gtk_widget_class_install_action (widget_class, "org.clear-key", NULL, clear_key_action);
  gtk_widget_class_install_action (widget_class, "org.fetch", NULL, fetch_action);
}

static void
cm_organization_page_init (CmOrganizationPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->key_entry = cm_key_entry_new (&(CmKeyEntrySpec) {
                                        CM_KEY_ENTRY_ADMIN_KEY, "ANTHROPIC_ADMIN_API_KEY",
                                        _("None: the bill cannot be fetched"),
                                        _("Admin API key saved in the keyring"),
                                        _("Admin API key removed from the keyring"),
                                        "org.clear-key" },
                                      GTK_WIDGET (self), self->key_row, self->key_status_row, apply_key);
}

GtkWidget *
cm_organization_page_new (GSettings     *settings,
                          CmAdminClient *client)
{
  CmOrganizationPage *self;

  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (client), NULL);

  self = g_object_new (CM_TYPE_ORGANIZATION_PAGE, NULL);
  self->settings = g_object_ref (settings);
  self->client = g_object_ref (client);

  g_settings_bind (settings, "billing-enabled", self->enabled_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "billing-interval", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_swapped (client, "notify::fetching", G_CALLBACK (update_fetch_row), self);
  g_signal_connect_swapped (client, "notify::has-api-key", G_CALLBACK (update_fetch_row), self);
  g_signal_connect_swapped (client, "notify::last-result", G_CALLBACK (update_fetch_row), self);
  g_signal_connect_swapped (self->key_row, "changed", G_CALLBACK (update_fetch_row), self);
  cm_key_entry_refresh (self->key_entry);

  return GTK_WIDGET (self);
}
