/* cm-team-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-format.h"
#include "cm-team-page.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

struct _CmTeamPage
{
  AdwPreferencesPage    parent_instance;

  AdwPreferencesGroup  *server_group;
  AdwPreferencesGroup  *string_group;
  AdwPreferencesGroup  *sharing_group;
  AdwEntryRow          *host_row;
  AdwEntryRow          *port_row;
  AdwEntryRow          *dbname_row;
  AdwEntryRow          *user_row;
  AdwComboRow          *sslmode_row;
  AdwPasswordEntryRow  *password_row;
  AdwEntryRow          *conninfo_row;
  GtkSwitch            *push_switch;
  GtkSwitch            *view_switch;
  AdwActionRow         *status_row;
  AdwActionRow         *waiting_row;

  GSettings            *settings;
  CmTeamSync           *sync;
};

G_DEFINE_FINAL_TYPE (CmTeamPage, cm_team_page, ADW_TYPE_PREFERENCES_PAGE)

static void
toast (CmTeamPage *self,
       const char *text)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (text));
}

static const char *
row_text (gpointer row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static const char *
selected_sslmode (CmTeamPage *self)
{
  GtkStringObject *item = adw_combo_row_get_selected_item (self->sslmode_row);

  return item != NULL ? gtk_string_object_get_string (item) : "prefer";
}

/* The fields as the saved connection string has them. */
static void
show_connection (CmTeamPage *self,
                 const char *conninfo)
{
  const struct { AdwEntryRow *row; const char *keyword; } fields[] = {
    { self->host_row, "host" }, { self->port_row, "port" },
    { self->dbname_row, "dbname" }, { self->user_row, "user" },
  };
  g_autofree char *sslmode = cm_team_conninfo_get (conninfo, "sslmode");
  GListModel *modes = adw_combo_row_get_model (self->sslmode_row);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      g_autofree char *value = cm_team_conninfo_get (conninfo, fields[i].keyword);

      gtk_editable_set_text (GTK_EDITABLE (fields[i].row), value != NULL ? value : "");
    }

  for (guint i = 0; i < g_list_model_get_n_items (modes); i++)
    {
      g_autoptr(GtkStringObject) mode = g_list_model_get_item (modes, i);

      if (g_strcmp0 (gtk_string_object_get_string (mode), sslmode != NULL ? sslmode : "prefer") == 0)
        adw_combo_row_set_selected (self->sslmode_row, i);
    }
}

/* --- the password, in the keyring only --- */

#ifdef HAVE_LIBSECRET
static void
password_stored_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(CmTeamPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cm_keyring_store_team_password_finish (result, &error))
    {
      toast (self, error->message);
      return;
    }
  if (self->sync != NULL)
    cm_team_sync_reconnect (self->sync);
}
#endif

/* Saves @password for @conninfo; then the connection is made afresh. */
static void
store_password (CmTeamPage *self,
                const char *conninfo,
                const char *password)
{
#ifdef HAVE_LIBSECRET
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;

  cm_team_conninfo_keyring_ids (conninfo, &server, &user);
  cm_keyring_store_team_password_async (server, user, password, NULL, password_stored_cb, g_object_ref (self));
#else
  toast (self, _("This build has no keyring: put the password in ~/.pgpass instead."));
#endif
}

/* Saves the connection (and a new password, if one was typed). */
static void
save_connection (CmTeamPage *self,
                 const char *conninfo,
                 const char *password)
{
  g_autofree char *old = g_settings_get_string (self->settings, "team-connection");

  if (password != NULL && *password != '\0')
    store_password (self, conninfo, password);

  if (g_strcmp0 (old, conninfo) != 0)
    g_settings_set_string (self->settings, "team-connection", conninfo);
  else if ((password == NULL || *password == '\0') && self->sync != NULL)
    cm_team_sync_reconnect (self->sync);
}

static void
connect_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  CmTeamPage *self = CM_TEAM_PAGE (widget);
  g_autofree char *conninfo = NULL;
  g_autofree char *password = g_strdup (row_text (self->password_row));

  if (*row_text (self->dbname_row) == '\0' || *row_text (self->user_row) == '\0')
    {
      toast (self, _("The team database needs at least a database and a user."));
      return;
    }

  conninfo = cm_team_conninfo_build (row_text (self->host_row), row_text (self->port_row),
                                     row_text (self->dbname_row), row_text (self->user_row),
                                     selected_sslmode (self));
  save_connection (self, conninfo, password);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  memset (password, 0, strlen (password));
}

/* A connection string as pasted: only the string without its password is
 * kept; the password goes to the keyring. */
gboolean
cm_team_page_apply_connection_string (CmTeamPage *self,
                                      const char *conninfo)
{
  g_autofree char *clean = NULL;
  g_autofree char *password = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CM_IS_TEAM_PAGE (self), FALSE);

  if (!cm_team_conninfo_split (conninfo, &clean, &password, &error))
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->conninfo_row), "error");
      toast (self, error->message);
      return FALSE;
    }

  gtk_widget_remove_css_class (GTK_WIDGET (self->conninfo_row), "error");
  gtk_editable_set_text (GTK_EDITABLE (self->conninfo_row), "");
  show_connection (self, clean);
  save_connection (self, clean, password);
  if (password != NULL)
    memset (password, 0, strlen (password));

  return TRUE;
}

static void
conninfo_apply_cb (CmTeamPage *self)
{
  g_autofree char *text = g_strdup (row_text (self->conninfo_row));

  cm_team_page_apply_connection_string (self, text);
  memset (text, 0, strlen (text));
}

#ifdef HAVE_LIBSECRET
static void
password_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(CmTeamPage) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!cm_keyring_clear_team_password_finish (result, &error))
    toast (self, error->message);
}
#endif

static void
remove_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CmTeamPage *self = CM_TEAM_PAGE (widget);
  g_autofree char *conninfo = g_settings_get_string (self->settings, "team-connection");

#ifdef HAVE_LIBSECRET
  if (*conninfo != '\0')
    {
      g_autofree char *server = NULL;
      g_autofree char *user = NULL;

      cm_team_conninfo_keyring_ids (conninfo, &server, &user);
      cm_keyring_clear_team_password_async (server, user, NULL, password_cleared_cb, g_object_ref (self));
    }
#endif
  g_settings_set_boolean (self->settings, "team-view", FALSE);
  g_settings_set_string (self->settings, "team-connection", "");
  show_connection (self, "");
}

static void
push_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CmTeamPage *self = CM_TEAM_PAGE (widget);

  if (self->sync != NULL)
    cm_team_sync_push (self->sync);
}

/* --- what the link says --- */

static void
update_status (CmTeamPage *self)
{
  gboolean configured = self->sync != NULL && cm_team_sync_get_configured (self->sync);
  const char *status = self->sync != NULL ? cm_team_sync_get_status (self->sync) : NULL;
  gint64 pending = self->sync != NULL ? cm_team_sync_get_pending (self->sync) : 0;
  g_autofree char *count = cm_format_count (pending);
  g_autofree char *waiting = NULL;

  if (!configured)
    status = _("No team database is set.");
  else if (self->sync != NULL && cm_team_sync_get_pushing (self->sync))
    status = _("Pushing…");
  adw_action_row_set_subtitle (self->status_row, status != NULL ? status : "");
  if (self->sync != NULL && cm_team_sync_get_failed (self->sync))
    gtk_widget_add_css_class (GTK_WIDGET (self->status_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_row), "error");

  waiting = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row waiting to push",
                                          "%s rows waiting to push", pending), count);
  adw_action_row_set_subtitle (self->waiting_row, waiting);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.push", configured);
}

void
cm_team_page_set_settings (CmTeamPage *self,
                           GSettings  *settings)
{
  g_autofree char *conninfo = NULL;

  g_return_if_fail (CM_IS_TEAM_PAGE (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_set_object (&self->settings, settings);
  g_settings_bind (settings, "team-push-after-scan", self->push_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "team-view", self->view_switch, "active", G_SETTINGS_BIND_DEFAULT);
  conninfo = g_settings_get_string (settings, "team-connection");
  show_connection (self, conninfo);
  update_status (self);
}

void
cm_team_page_set_sync (CmTeamPage *self,
                       CmTeamSync *sync)
{
  const char *props[] = { "notify::status", "notify::pending", "notify::pushing", "notify::failed",
                          "notify::configured" };

  g_return_if_fail (CM_IS_TEAM_PAGE (self));

  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  for (guint i = 0; sync != NULL && i < G_N_ELEMENTS (props); i++)
    g_signal_connect_object (sync, props[i], G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
  update_status (self);
}

static void
cm_team_page_dispose (GObject *object)
{
  CmTeamPage *self = (CmTeamPage *) object;

  g_clear_object (&self->settings);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (cm_team_page_parent_class)->dispose (object);
}

static void
cm_team_page_class_init (CmTeamPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_team_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-team-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, server_group);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, string_group);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, sharing_group);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, host_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, port_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, dbname_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, user_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, sslmode_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, conninfo_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, push_switch);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, view_switch);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, CmTeamPage, waiting_row);
  gtk_widget_class_bind_template_callback (widget_class, conninfo_apply_cb);

  gtk_widget_class_install_action (widget_class, "team.connect", NULL, connect_action);
  gtk_widget_class_install_action (widget_class, "team.remove", NULL, remove_action);
  gtk_widget_class_install_action (widget_class, "team.push", NULL, push_action);
}

static void
cm_team_page_init (CmTeamPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* A build without libpq says so instead of offering what it cannot do. */
  if (!cm_team_is_supported ())
    {
      adw_preferences_group_set_description (self->server_group,
                                             _("This CostMeter was built without PostgreSQL (libpq), so it has no team mode."));
      gtk_widget_set_sensitive (GTK_WIDGET (self->string_group), FALSE);
      gtk_widget_set_sensitive (GTK_WIDGET (self->sharing_group), FALSE);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "team.connect", FALSE);
    }
}
