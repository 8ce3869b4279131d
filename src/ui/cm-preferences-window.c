/* cm-preferences-window.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-a11y.h"
#include "cm-preferences-window.h"
#include "cm-price-refresh.h"
#include "cm-statusline-group.h"
#include "cm-team-page.h"
#include "cm-you-page.h"
#include "cm-ui-resources.h"
#include "cm-key-entry.h"

struct _CmPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwPreferencesGroup  *sources_group;
  AdwEntryRow          *timezone_row;
  GtkSpinButton        *decimals_spin;
  AdwActionRow         *pricing_row;
  GtkButton            *update_button;
  GtkSpinner           *update_spinner;
  AdwEntryRow          *key_row;
  AdwActionRow         *key_status_row;
  AdwEntryRow          *model_row;
  GtkSpinButton        *interval_spin;
  AdwEntryRow          *base_url_row;
  GtkSpinButton        *daily_spin;
  GtkSpinButton        *monthly_spin;
  GtkSwitch            *tray_switch;
  GtkSwitch            *background_switch;
  CmStatuslineGroup    *statusline_group;
  CmYouPage            *you_page;
  CmTeamPage           *team_page;

  GSettings            *settings;
  CmStore              *store;
  CmPricing            *pricing;
  CmRatelimitClient    *client;
  GCancellable         *cancellable;
  GPtrArray            *source_rows;
  char                 *pricing_error;
  GCancellable         *update_cancellable; /* while Update Prices runs */
  char                 *update_outcome;     /* what the last one did, or why it failed */
  gboolean              update_failed;
  CmKeyEntry           *key_entry;
  /* A folder removed, kept in the store while its toast offers Undo. */
  char                 *pending_remove;
  AdwToast             *undo_toast;
};

G_DEFINE_FINAL_TYPE (CmPreferencesWindow, cm_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_STORE,
  PROP_PRICING,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PRICING_RELOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
toast (CmPreferencesWindow *self,
       const char          *text)
{
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (text));
}

static void
set_row_error (GtkWidget *row,
               gboolean   error)
{
  if (error)
    gtk_widget_add_css_class (row, "error");
  else
    gtk_widget_remove_css_class (row, "error");
}

/* ------------------------------------------------------------------ */
/* Sources                                                             */
/* ------------------------------------------------------------------ */

static void
owner_apply_cb (AdwEntryRow         *row,
                CmPreferencesWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (row), "source-path");
  g_autofree char *owner = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (row))));

  gtk_widget_activate_action (GTK_WIDGET (self), "prefs.set-owner", "(ss)", path, owner);
}

static void
enabled_cb (GtkSwitch           *sw,
            GParamSpec          *pspec,
            CmPreferencesWindow *self)
{
  const char *path = g_object_get_data (G_OBJECT (sw), "source-path");
  g_autoptr(GError) error = NULL;

  if (!cm_store_set_source_enabled (self->store, path, gtk_switch_get_active (sw), &error))
    toast (self, error->message);
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "app.rescan", NULL);
}

static GtkWidget *
build_source_row (CmPreferencesWindow *self,
                  const CmSourceInfo  *info)
{
  GtkWidget *row = adw_entry_row_new ();
  g_autofree char *title = NULL;

  if (info->detected_owner != NULL)
    /* Translators: a folder, then the account found beside it. */
    title = g_strdup_printf (_("%s (found: %s)"), info->path, info->detected_owner);
  else
    title = g_strdup (info->path);
  if (info->parent_id != 0)
    {
      /* A home found inside the folder above it. */
      g_autofree char *home = g_strdup_printf ("↳ %s", title);

      g_free (title);
      title = g_steal_pointer (&home);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_entry_row_set_show_apply_button (ADW_ENTRY_ROW (row), TRUE);
  gtk_editable_set_text (GTK_EDITABLE (row), info->owner != NULL ? info->owner : "");
  gtk_widget_set_tooltip_text (row, _("Owner of this folder’s runs (an email address or a name)"));
  g_object_set_data_full (G_OBJECT (row), "source-path", g_strdup (info->path), g_free);
  g_signal_connect_object (row, "apply", G_CALLBACK (owner_apply_cb), self, 0);

  if (info->parent_id != 0)
    {
      /* A home is read with its folder: it is neither removed nor switched
       * off on its own. */
    }
  else if (info->is_default)
    {
      /* Default folders come back on every start: they are switched off
       * rather than removed. */
      GtkWidget *sw = gtk_switch_new ();

      gtk_widget_set_valign (sw, GTK_ALIGN_CENTER);
      gtk_switch_set_active (GTK_SWITCH (sw), info->enabled);
      gtk_widget_set_tooltip_text (sw, _("Read this default folder"));
      g_object_set_data_full (G_OBJECT (sw), "source-path", g_strdup (info->path), g_free);
      g_signal_connect_object (sw, "notify::active", G_CALLBACK (enabled_cb), self, 0);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), sw);
    }
  else
    {
      GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");

      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (remove, _("Remove Folder"));
      gtk_widget_add_css_class (remove, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (remove), "prefs.remove-source");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (remove), "s", info->path);
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (row), remove);
    }

  return row;
}

static void
reload_sources (CmPreferencesWindow *self)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < self->source_rows->len; i++)
    adw_preferences_group_remove (self->sources_group, g_ptr_array_index (self->source_rows, i));
  g_ptr_array_set_size (self->source_rows, 0);

  if (self->store == NULL)
    return;

  /* A handful of rows from a tiny table: fine on this thread. */
  sources = cm_store_list_sources (self->store, &error);
  if (sources == NULL)
    {
      toast (self, error->message);
      return;
    }

  for (guint i = 0; i < sources->len; i++)
    {
      const CmSourceInfo *info = g_ptr_array_index (sources, i);
      GtkWidget *row;

      if (g_strcmp0 (info->path, self->pending_remove) == 0)
        continue;
      row = build_source_row (self, info);

      adw_preferences_group_add (self->sources_group, row);
      g_ptr_array_add (self->source_rows, row);
    }
}

static void
add_source (CmPreferencesWindow *self,
            const char          *path)
{
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  if (cm_store_add_source (self->store, path, NULL, FALSE, &error) < 0 && error != NULL)
    {
      toast (self, error->message);
      return;
    }

  reload_sources (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.rescan", NULL);
}

static void
chooser_response_cb (GtkNativeDialog     *chooser,
                     int                  response,
                     CmPreferencesWindow *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        add_source (self, path);
    }

  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
}

static void
add_source_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  GtkFileChooserNative *chooser;

  if (*path != '\0')
    {
      add_source (self, path);
      return;
    }

  /* GtkFileDialog is GTK 4.10: the native chooser is the 4.8 way. */
  chooser = gtk_file_chooser_native_new (_("Add Transcript Folder"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                         _("_Add"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The folder removed last goes from the store once its toast is gone. */
static void
commit_removal (CmPreferencesWindow *self)
{
  g_autofree char *path = g_steal_pointer (&self->pending_remove);
  g_autoptr(GError) error = NULL;

  self->undo_toast = NULL;
  if (path == NULL || self->store == NULL)
    return;

  if (!cm_store_remove_source (self->store, path, &error))
    toast (self, error->message);
  reload_sources (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.rescan", NULL);
}

static void
undo_toast_dismissed_cb (CmPreferencesWindow *self,
                         AdwToast            *dismissed)
{
  if (dismissed == self->undo_toast)
    commit_removal (self);
}

static void
remove_source_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (widget);
  const char *path = g_variant_get_string (parameter, NULL);
  AdwToast *undo;

  if (self->store == NULL)
    return;

  /* One undo at a time: the folder removed before goes now. */
  if (self->undo_toast != NULL)
    adw_toast_dismiss (self->undo_toast);
  commit_removal (self);
  self->pending_remove = g_strdup (path);
  reload_sources (self);

  undo = adw_toast_new_format (_("Removed “%s”"), path);
  adw_toast_set_button_label (undo, _("_Undo"));
  adw_toast_set_action_name (undo, "prefs.undo-remove");
  g_signal_connect_object (undo, "dismissed", G_CALLBACK (undo_toast_dismissed_cb), self, G_CONNECT_SWAPPED);
  self->undo_toast = undo;
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), undo);
}

static void
undo_remove_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (widget);

  /* Its toast goes by itself (its button dismisses it). */
  self->undo_toast = NULL;
  g_clear_pointer (&self->pending_remove, g_free);
  reload_sources (self);
}

AdwToast *
cm_preferences_window_get_undo_toast (CmPreferencesWindow *self)
{
  g_return_val_if_fail (CM_IS_PREFERENCES_WINDOW (self), NULL);

  return self->undo_toast;
}

/* Escape in a field leaves the field; Preferences closes on the next one
 * (AdwPreferencesWindow closes on any Escape that reaches it). A search
 * entry keeps its own Escape (it ends the search). */
static gboolean
leave_entry_cb (GtkWidget *widget,
                GVariant  *args,
                gpointer   user_data)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (widget));

  if (focus == NULL || !GTK_IS_TEXT (focus) || gtk_widget_get_ancestor (focus, GTK_TYPE_SEARCH_ENTRY) != NULL)
    return FALSE;

  gtk_window_set_focus (GTK_WINDOW (widget), NULL);

  return TRUE;
}

gboolean
cm_preferences_window_leave_entry (CmPreferencesWindow *self)
{
  g_return_val_if_fail (CM_IS_PREFERENCES_WINDOW (self), FALSE);

  return leave_entry_cb (GTK_WIDGET (self), NULL, NULL);
}

void
cm_preferences_window_focus_api_key (CmPreferencesWindow *self)
{
  g_return_if_fail (CM_IS_PREFERENCES_WINDOW (self));

  adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (self), "rate-limits");
  gtk_widget_grab_focus (GTK_WIDGET (self->key_row));
}

static void
set_owner_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  const char *path;
  const char *owner;

  if (self->store == NULL)
    return;

  g_variant_get (parameter, "(&s&s)", &path, &owner);
  if (!cm_store_set_source_owner (self->store, path, *owner != '\0' ? owner : NULL, &error))
    {
      toast (self, error->message);
      return;
    }

  reload_sources (self);
  gtk_widget_activate_action (GTK_WIDGET (self), "app.rescan", NULL);
}

/* ------------------------------------------------------------------ */
/* Display                                                             */
/* ------------------------------------------------------------------ */

static void
timezone_apply_cb (CmPreferencesWindow *self)
{
  g_autofree char *zone = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->timezone_row))));

  if (*zone != '\0')
    {
      GTimeZone *tz = g_time_zone_new_identifier (zone);

      if (tz == NULL)
        {
          g_autofree char *msg = g_strdup_printf (_("“%s” is not a time zone"), zone);

          set_row_error (GTK_WIDGET (self->timezone_row), TRUE);
          toast (self, msg);
          return;
        }
      g_time_zone_unref (tz);
    }

  set_row_error (GTK_WIDGET (self->timezone_row), FALSE);
  g_settings_set_string (self->settings, "timezone", zone);
}

/* ------------------------------------------------------------------ */
/* Prices                                                              */
/* ------------------------------------------------------------------ */

static void
update_pricing_row (CmPreferencesWindow *self)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (self->pricing == NULL)
    g_string_append (text, _("No price table loaded"));
  else
    {
      const char *override = cm_pricing_get_override_path (self->pricing);

      g_string_append_printf (text, _("Prices verified on %s"), cm_pricing_get_verified (self->pricing));
      if (override != NULL)
        {
          g_string_append_c (text, '\n');
          g_string_append_printf (text, _("With your changes from %s"), override);
        }
    }

  if (self->pricing != NULL && cm_pricing_get_update_date (self->pricing) != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Updated on %s from %s"), cm_pricing_get_update_date (self->pricing),
                              cm_pricing_get_update_source (self->pricing));
    }

  if (self->pricing_error != NULL)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Reload failed: %s"), self->pricing_error);
    }

  if (self->update_outcome != NULL)
    {
      g_string_append_c (text, '\n');
      if (self->update_failed)
        g_string_append_printf (text, _("Update failed, the prices are as they were: %s"), self->update_outcome);
      else
        g_string_append (text, self->update_outcome);
    }

  adw_action_row_set_subtitle (self->pricing_row, text->str);
  set_row_error (GTK_WIDGET (self->pricing_row), self->pricing_error != NULL || self->update_failed);
}

static void
show_updating (CmPreferencesWindow *self,
               gboolean             updating)
{
  gtk_button_set_label (self->update_button, updating ? _("_Cancel Update") : _("_Update Prices"));
  cm_a11y_fix_mnemonics (GTK_WIDGET (self->update_button));
  gtk_widget_set_visible (GTK_WIDGET (self->update_spinner), updating);
  gtk_spinner_set_spinning (self->update_spinner, updating);
}

/* "12 models updated, 3 added; history re-priced: +$41.20", or why not. */
static void
update_done_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CmPreferencesWindow) self = user_data;
  g_autoptr(CmPriceRefresh) refresh = NULL;
  g_autoptr(GError) error = NULL;

  refresh = cm_price_refresh_update_finish (result, &error);
  g_clear_object (&self->update_cancellable);
  /* Closed meanwhile: its rows are gone (the update itself is kept). */
  if (self->pricing_row == NULL)
    return;
  show_updating (self, FALSE);

  g_clear_pointer (&self->update_outcome, g_free);
  self->update_failed = refresh == NULL;
  if (refresh == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          self->update_failed = FALSE;
          update_pricing_row (self);
          toast (self, _("Update cancelled: the prices are as they were"));
          return;
        }
      self->update_outcome = g_strdup (error->message);
      update_pricing_row (self);
      toast (self, _("The prices were not updated"));
      return;
    }

  self->update_outcome = cm_price_refresh_describe (refresh);
  g_clear_pointer (&self->pricing_error, g_free);
  cm_preferences_window_set_pricing (self, refresh->pricing);
  update_pricing_row (self);
  g_signal_emit (self, signals[PRICING_RELOADED], 0, refresh->pricing);
  toast (self, self->update_outcome);
}

/* Update Prices, or Cancel Update while one runs. */
static void
update_pricing_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (widget);

  if (self->update_cancellable != NULL)
    {
      g_cancellable_cancel (self->update_cancellable);
      return;
    }
  if (self->store == NULL)
    return;

  self->update_cancellable = g_cancellable_new ();
  show_updating (self, TRUE);
  cm_price_refresh_update_async (self->store, self->pricing, self->update_cancellable, update_done_cb,
                                 g_object_ref (self));
}

static void
reload_pricing_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) pricing = cm_pricing_new_default (&error);

  g_clear_pointer (&self->pricing_error, g_free);
  if (pricing == NULL)
    {
      /* The old table stays in use. */
      self->pricing_error = g_strdup (error->message);
      update_pricing_row (self);
      return;
    }

  cm_preferences_window_set_pricing (self, pricing);
  g_signal_emit (self, signals[PRICING_RELOADED], 0, pricing);
  toast (self, _("Prices reloaded"));
}

/* ------------------------------------------------------------------ */
/* API key                                                             */
/* ------------------------------------------------------------------ */

/* The client follows whatever key is now in force. */
static void
apply_key (gpointer    owner,
           const char *key)
{
  CmPreferencesWindow *self = owner;

  if (self->client != NULL)
    cm_ratelimit_client_set_api_key (self->client, key);
}

static void
key_apply_cb (CmPreferencesWindow *self)
{
  cm_key_entry_save (self->key_entry);
}

static void
clear_key_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  cm_key_entry_remove (CM_PREFERENCES_WINDOW (widget)->key_entry);
}

/* ------------------------------------------------------------------ */
/* Probes                                                              */
/* ------------------------------------------------------------------ */

static void
model_apply_cb (CmPreferencesWindow *self)
{
  g_autofree char *model = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->model_row))));
  gboolean ok = *model != '\0' && strlen (model) <= 200;

  for (const char *p = model; ok && *p != '\0'; p++)
    ok = g_ascii_isgraph (*p);

  set_row_error (GTK_WIDGET (self->model_row), !ok);
  if (!ok)
    {
      toast (self, _("A model id has no spaces, e.g. claude-haiku-4-5"));
      return;
    }

  g_settings_set_string (self->settings, "probe-model", model);
}

static gboolean
valid_base_url (const char *url)
{
  g_autoptr(GUri) uri = g_uri_parse (url, G_URI_FLAGS_NONE, NULL);
  const char *scheme;

  if (uri == NULL)
    return FALSE;
  scheme = g_uri_get_scheme (uri);

  return (g_strcmp0 (scheme, "https") == 0 || g_strcmp0 (scheme, "http") == 0) &&
         g_uri_get_host (uri) != NULL && *g_uri_get_host (uri) != '\0' &&
         g_uri_get_query (uri) == NULL && g_uri_get_fragment (uri) == NULL;
}

static void
base_url_apply_cb (CmPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->base_url_row))));

  /* Empty brings the default back. */
  if (*url == '\0')
    {
      g_settings_reset (self->settings, "api-base-url");
      set_row_error (GTK_WIDGET (self->base_url_row), FALSE);
      return;
    }

  if (!valid_base_url (url))
    {
      set_row_error (GTK_WIDGET (self->base_url_row), TRUE);
      toast (self, _("The base URL must start with https:// (or http://) and name a host"));
      return;
    }

  set_row_error (GTK_WIDGET (self->base_url_row), FALSE);
  g_settings_set_string (self->settings, "api-base-url", url);
}

/* Entries show the stored value again whenever it changes elsewhere. */
static void
setting_changed_cb (GSettings           *settings,
                    const char          *key,
                    CmPreferencesWindow *self)
{
  g_autofree char *value = NULL;
  AdwEntryRow *row;

  if (g_str_equal (key, "timezone"))
    row = self->timezone_row;
  else if (g_str_equal (key, "probe-model"))
    row = self->model_row;
  else if (g_str_equal (key, "api-base-url"))
    row = self->base_url_row;
  else
    return;

  value = g_settings_get_string (settings, key);
  if (g_strcmp0 (value, gtk_editable_get_text (GTK_EDITABLE (row))) != 0)
    gtk_editable_set_text (GTK_EDITABLE (row), value);
  set_row_error (GTK_WIDGET (row), FALSE);
}

static void
bind_settings (CmPreferencesWindow *self)
{
  const char *entry_keys[] = { "timezone", "probe-model", "api-base-url" };

  g_settings_bind (self->settings, "currency-decimals", self->decimals_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "probe-interval", self->interval_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "budget-daily", self->daily_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "budget-monthly", self->monthly_spin, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "tray-enabled", self->tray_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "run-in-background", self->background_switch, "active",
                   G_SETTINGS_BIND_DEFAULT);

  g_signal_connect_object (self->settings, "changed", G_CALLBACK (setting_changed_cb), self, 0);
  for (guint i = 0; i < G_N_ELEMENTS (entry_keys); i++)
    setting_changed_cb (self->settings, entry_keys[i], self);
}

/* ------------------------------------------------------------------ */
/* GObject                                                             */
/* ------------------------------------------------------------------ */

CmPreferencesWindow *
cm_preferences_window_new (GSettings         *settings,
                           CmStore           *store,
                           CmPricing         *pricing,
                           CmRatelimitClient *client)
{
  return g_object_new (CM_TYPE_PREFERENCES_WINDOW,
                       "settings", settings,
                       "store", store,
                       "pricing", pricing,
                       "client", client,
                       NULL);
}

/* The status line reads the database this window's store is. */
static void
setup_statusline (CmPreferencesWindow *self)
{
  g_autofree char *default_db = cm_store_default_path ();
  const char *db = self->store != NULL ? cm_store_get_path (self->store) : NULL;
  g_autofree char *command = cm_statusline_cli_command (g_strcmp0 (db, default_db) == 0 ? NULL : db);
  g_autoptr(CmStatuslineInstaller) installer = cm_statusline_installer_new (NULL, NULL, command);

  cm_statusline_group_set_installer (self->statusline_group, installer);
}

static void
cm_preferences_window_constructed (GObject *object)
{
  CmPreferencesWindow *self = (CmPreferencesWindow *)object;

  G_OBJECT_CLASS (cm_preferences_window_parent_class)->constructed (object);

  if (self->settings == NULL)
    self->settings = g_settings_new (APP_ID);

  bind_settings (self);
  cm_you_page_set_settings (self->you_page, self->settings);
  cm_team_page_set_settings (self->team_page, self->settings);
  reload_sources (self);
  update_pricing_row (self);
  cm_key_entry_refresh (self->key_entry);
  setup_statusline (self);
}

static void
store_changed_cb (CmPreferencesWindow *self)
{
  /* Keep an owner being typed: only rebuild when the set of folders moved. */
  g_autoptr(GPtrArray) sources = NULL;

  if (self->store == NULL)
    return;
  sources = cm_store_list_sources (self->store, NULL);
  if (sources != NULL && sources->len != self->source_rows->len + (self->pending_remove != NULL ? 1 : 0))
    reload_sources (self);
}

static void
cm_preferences_window_dispose (GObject *object)
{
  CmPreferencesWindow *self = (CmPreferencesWindow *)object;

  g_cancellable_cancel (self->cancellable);
  commit_removal (self);
  if (self->update_cancellable != NULL)
    g_cancellable_cancel (self->update_cancellable);
  g_clear_object (&self->key_entry);
  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);
  g_clear_object (&self->store);
  g_clear_object (&self->pricing);
  g_clear_object (&self->client);

  G_OBJECT_CLASS (cm_preferences_window_parent_class)->dispose (object);
}

static void
cm_preferences_window_finalize (GObject *object)
{
  CmPreferencesWindow *self = (CmPreferencesWindow *)object;

  g_clear_object (&self->cancellable);
  g_ptr_array_unref (self->source_rows);
  g_free (self->pricing_error);
  g_free (self->update_outcome);

  G_OBJECT_CLASS (cm_preferences_window_parent_class)->finalize (object);
}

static void
cm_preferences_window_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PRICING:
      g_value_set_object (value, self->pricing);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_preferences_window_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CmPreferencesWindow *self = CM_PREFERENCES_WINDOW (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      if (self->store != NULL)
        g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb), self,
                                 G_CONNECT_SWAPPED);
      break;
    case PROP_PRICING:
      cm_preferences_window_set_pricing (self, g_value_get_object (value));
      break;
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_preferences_window_class_init (CmPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = cm_preferences_window_constructed;
  object_class->dispose = cm_preferences_window_dispose;
  object_class->finalize = cm_preferences_window_finalize;
  object_class->get_property = cm_preferences_window_get_property;
  object_class->set_property = cm_preferences_window_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL,
                         G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PRICING] =
    g_param_spec_object ("pricing", NULL, NULL,
                         CM_TYPE_PRICING,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         CM_TYPE_RATELIMIT_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (CM_TYPE_STATUSLINE_GROUP);

  /**
   * CmPreferencesWindow::pricing-reloaded:
   * @pricing: the freshly read #CmPricing
   *
   * The owner re-prices the store with it.
   */
  signals[PRICING_RELOADED] =
    g_signal_new ("pricing-reloaded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, CM_TYPE_PRICING);

  /* Pulls the resource object (and its registering constructor) out of the
   * static library. */
  (void) cm_ui_get_resource ();
  g_type_ensure (CM_TYPE_YOU_PAGE);
  g_type_ensure (CM_TYPE_TEAM_PAGE);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CostMeter/ui/cm-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, sources_group);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, timezone_row);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, decimals_spin);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, pricing_row);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, update_button);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, update_spinner);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, key_row);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, key_status_row);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, model_row);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, interval_spin);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, base_url_row);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, daily_spin);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, monthly_spin);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, tray_switch);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, statusline_group);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, background_switch);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, you_page);
  gtk_widget_class_bind_template_child (widget_class, CmPreferencesWindow, team_page);
  gtk_widget_class_bind_template_callback (widget_class, timezone_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, model_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, base_url_apply_cb);

  gtk_widget_class_install_action (widget_class, "prefs.add-source", "s", add_source_action);
  gtk_widget_class_install_action (widget_class, "prefs.remove-source", "s", remove_source_action);
  gtk_widget_class_install_action (widget_class, "prefs.undo-remove", NULL, undo_remove_action);
  gtk_widget_class_install_action (widget_class, "prefs.set-owner", "(ss)", set_owner_action);
  gtk_widget_class_install_action (widget_class, "prefs.reload-pricing", NULL, reload_pricing_action);
  gtk_widget_class_install_action (widget_class, "prefs.update-pricing", NULL, update_pricing_action);
  gtk_widget_class_install_action (widget_class, "prefs.clear-key", NULL, clear_key_action);
}

static void
cm_preferences_window_init (CmPreferencesWindow *self)
{
  GtkEventController *shortcuts = gtk_shortcut_controller_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  cm_a11y_fix_mnemonics (GTK_WIDGET (self));

  /* Before the window's own Escape (which closes it). */
  gtk_event_controller_set_propagation_phase (shortcuts, GTK_PHASE_CAPTURE);
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (shortcuts),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_callback_action_new (leave_entry_cb, NULL, NULL)));
  gtk_widget_add_controller (GTK_WIDGET (self), shortcuts);

  self->cancellable = g_cancellable_new ();
  self->source_rows = g_ptr_array_new ();
  self->key_entry = cm_key_entry_new (&(CmKeyEntrySpec) {
                                        CM_KEY_ENTRY_API_KEY, "ANTHROPIC_API_KEY",
                                        _("None: rate limits cannot be probed"),
                                        _("API key saved in the keyring"),
                                        _("API key removed from the keyring"),
                                        "prefs.clear-key" },
                                      GTK_WIDGET (self), self->key_row, self->key_status_row, apply_key);
}

CmPricing *
cm_preferences_window_get_pricing (CmPreferencesWindow *self)
{
  g_return_val_if_fail (CM_IS_PREFERENCES_WINDOW (self), NULL);

  return self->pricing;
}

void
cm_preferences_window_set_pricing (CmPreferencesWindow *self,
                                   CmPricing           *pricing)
{
  g_return_if_fail (CM_IS_PREFERENCES_WINDOW (self));
  g_return_if_fail (pricing == NULL || CM_IS_PRICING (pricing));

  if (!g_set_object (&self->pricing, pricing))
    return;

  update_pricing_row (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICING]);
}

/* The team link whose state Preferences → Team shows and drives. */
void
cm_preferences_window_set_team_sync (CmPreferencesWindow *self,
                                     CmTeamSync          *sync)
{
  g_return_if_fail (CM_IS_PREFERENCES_WINDOW (self));

  cm_team_page_set_sync (self->team_page, sync);
}
