/* cm-application.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <glib/gstdio.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>

#include "cm-application-private.h"
#include "cm-format.h"
#include "cm-organization-page.h"
#include "cm-preferences-window.h"
#include "cm-ratelimit-chip.h"
#include "cm-tray.h"
#include "cm-ui-resources.h"
#include "cm-window.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

/* New lines must show within 2 s: wait this long for a burst of writes. */
#define RESCAN_DELAY_MS 300
#define PARTIAL_REFRESH_S 3
/* Folders past the monitor cap are read by a rescan this often, or ten
 * times as long as the last scan took when that is longer. */
#define PERIODIC_RESCAN_S 60
#define PERIODIC_SCAN_FACTOR 10
/* Past this many changed paths, one walk of everything is cheaper. */
#define MAX_CHANGED_PATHS 1000

struct _CmApplication
{
  AdwApplication  parent_instance;

  char           *demo_dir;
  char           *db_path;
  char           *tmp_dir;      /* the throw-away database of --demo */

  GSettings      *settings;
  CmPricing      *pricing;
  CmStore        *store;
  CmScanner      *scanner;
  CmFilter       *filter;
  CmReport       *report;
  CmRatelimitClient *ratelimit;
  CmAdminClient  *admin;        /* the Admin API: the bill */
  CmBilled       *billed;       /* billed versus estimated, for the Billed view */
  CmTeamSync     *team_sync;

  GCancellable   *cancellable;
  CmFolderWatch  *watch;
  GStrv           watched_roots; /* of the last folder walk */
  guint           rescan_id;
  guint           partial_id;   /* shows what a long scan stored so far */
  guint           periodic_id;
  guint           periodic_s;   /* its interval, 0 when none is due */
  gint64          scan_start_us;
  gint64          last_scan_us; /* how long the last scan took */
  GHashTable     *changed_paths; /* what the monitors named since the last scan */
  guint           last_files_seen;
  gboolean        scanning;
  gboolean        rescan_pending; /* a full scan, after the running one */
  gboolean        walking;
  gboolean        walk_wanted;
  gboolean        paused;
  gboolean        targeted;       /* the running scan reads only named paths */
  char           *recovery_note;  /* a damaged database was rebuilt at start: what became of it */
};

G_DEFINE_FINAL_TYPE (CmApplication, cm_application, ADW_TYPE_APPLICATION)

enum {
  PROP_0,
  PROP_SCANNING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_monitors (CmApplication *self);
static void scan_changes    (CmApplication *self);

/* The scanner commits in batches but says "changed" once at the end: during
 * a long first scan, show what is stored every few seconds. */
static gboolean
partial_refresh_cb (gpointer user_data)
{
  CmApplication *self = user_data;

  if (self->report != NULL)
    cm_report_refresh (self->report);

  return G_SOURCE_CONTINUE;
}

static void
set_scanning (CmApplication *self,
              gboolean       scanning)
{
  if (self->scanning == scanning)
    return;

  g_clear_handle_id (&self->partial_id, g_source_remove);
  if (scanning)
    self->partial_id = g_timeout_add_seconds (PARTIAL_REFRESH_S, partial_refresh_cb, self);

  self->scanning = scanning;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCANNING]);
}

static void
scan_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CmApplication) self = user_data;
  g_autoptr(GError) error = NULL;
  CmScanStats stats = { 0 };

  if (!cm_scanner_scan_finish (CM_SCANNER (object), result, &stats, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_warning ("Scan failed: %s", error->message);
          /* The paths it was given are forgotten: a full scan reads them. */
          if (self->targeted)
            self->rescan_pending = TRUE;
        }
    }
  else
    g_debug ("Scan: %u files, %" G_GINT64_FORMAT " new messages", stats.files_seen, stats.messages_added);

  self->last_files_seen = stats.files_seen;
  self->last_scan_us = g_get_monotonic_time () - self->scan_start_us;
  set_scanning (self, FALSE);

  if (self->cancellable == NULL || g_cancellable_is_cancelled (self->cancellable))
    return;

  if (self->rescan_pending)
    {
      self->rescan_pending = FALSE;
      cm_application_rescan (self);
      return;
    }

  if (g_hash_table_size (self->changed_paths) > 0)
    {
      scan_changes (self);
      return;
    }

  update_monitors (self);
}

static void
start_scan (CmApplication      *self,
            const char * const *paths)
{
  set_scanning (self, TRUE);
  self->targeted = paths != NULL;
  self->scan_start_us = g_get_monotonic_time ();
  if (paths != NULL)
    cm_scanner_scan_paths_async (self->scanner, paths, self->cancellable, scan_done_cb, g_object_ref (self));
  else
    cm_scanner_scan_async (self->scanner, self->cancellable, scan_done_cb, g_object_ref (self));
}

/* New lines reported by the monitors: only the files (and new folders)
 * they named are read, whatever the size of the history. */
static void
scan_changes (CmApplication *self)
{
  g_autofree const char **paths = NULL;

  if (self->scanning || g_hash_table_size (self->changed_paths) == 0)
    return;

  if (g_hash_table_size (self->changed_paths) > MAX_CHANGED_PATHS)
    {
      cm_application_rescan (self);
      return;
    }

  paths = (const char **) g_hash_table_get_keys_as_array (self->changed_paths, NULL);
  start_scan (self, paths);
  g_hash_table_remove_all (self->changed_paths);
}

void
cm_application_rescan (CmApplication *self)
{
  g_return_if_fail (CM_IS_APPLICATION (self));

  if (self->scanner == NULL)
    return;

  if (self->scanning)
    {
      self->rescan_pending = TRUE;
      return;
    }

  /* Everything is read: what the monitors named too. */
  g_hash_table_remove_all (self->changed_paths);
  start_scan (self, NULL);
}

static gboolean
rescan_timeout_cb (gpointer user_data)
{
  CmApplication *self = user_data;

  self->rescan_id = 0;
  scan_changes (self);

  return G_SOURCE_REMOVE;
}

static gboolean
live_updates_on (CmApplication *self)
{
  return !self->paused && g_settings_get_boolean (self->settings, "live-updates");
}

/* Nothing was read while live updates were off: catch up once on. */
static void
live_updates_changed_cb (CmApplication *self)
{
  if (live_updates_on (self))
    cm_application_rescan (self);
}

static void
watch_changed_cb (CmApplication *self,
                  GFile         *file)
{
  char *path;

  if (!live_updates_on (self))
    return;

  path = g_file_get_path (file);
  if (path != NULL)
    g_hash_table_add (self->changed_paths, path);

  if (self->rescan_id == 0)
    self->rescan_id = g_timeout_add (RESCAN_DELAY_MS, rescan_timeout_cb, self);
}

static gboolean
periodic_rescan_cb (gpointer user_data)
{
  CmApplication *self = user_data;

  self->periodic_id = 0;
  cm_application_run_periodic_rescan (self);

  return G_SOURCE_REMOVE;
}

/* Only while some folders have no monitor: the rescan reads them. A timeout
 * that is armed once the last walk is over never overlaps a scan. */
static void
schedule_periodic_rescan (CmApplication *self)
{
  gint64 stretched = PERIODIC_SCAN_FACTOR * self->last_scan_us / G_USEC_PER_SEC;

  if (cm_folder_watch_get_n_left_out (self->watch) == 0)
    {
      g_clear_handle_id (&self->periodic_id, g_source_remove);
      self->periodic_s = 0;
      return;
    }

  if (self->periodic_id != 0)
    return;

  self->periodic_s = (guint) MAX (PERIODIC_RESCAN_S, stretched);
  self->periodic_id = g_timeout_add_seconds (self->periodic_s, periodic_rescan_cb, self);
}

void
cm_application_run_periodic_rescan (CmApplication *self)
{
  g_return_if_fail (CM_IS_APPLICATION (self));

  g_clear_handle_id (&self->periodic_id, g_source_remove);
  self->periodic_s = 0;

  if (self->scanner == NULL)
    return;

  if (!live_updates_on (self))
    {
      schedule_periodic_rescan (self);
      return;
    }

  /* The folders busy now may be other ones: choose again after it. */
  self->walk_wanted = TRUE;
  cm_application_rescan (self);
}

static void
update_monitors_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  g_autoptr(CmApplication) self = user_data;
  g_autoptr(GError) error = NULL;

  self->walking = FALSE;
  if (!cm_folder_watch_update_finish (CM_FOLDER_WATCH (object), result, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not watch the transcript folders: %s", error->message);
      return;
    }

  g_debug ("Watching %u folders, %u left to the periodic rescan",
           cm_folder_watch_get_n_watched (self->watch), cm_folder_watch_get_n_left_out (self->watch));

  if (self->walk_wanted && !self->scanning)
    update_monitors (self);
  else
    schedule_periodic_rescan (self);
}

/* The walk costs about what a scan's does: it runs at start, when the
 * sources change and after a periodic rescan, not after every new line. */
static void
update_monitors (CmApplication *self)
{
  g_auto(GStrv) roots = cm_scanner_dup_roots (self->scanner);

  if (!self->walk_wanted && self->watched_roots != NULL &&
      g_strv_equal ((const char * const *) roots, (const char * const *) self->watched_roots))
    return;

  if (self->walking)
    {
      self->walk_wanted = TRUE;
      return;
    }

  self->walk_wanted = FALSE;
  self->walking = TRUE;
  g_strfreev (self->watched_roots);
  self->watched_roots = g_steal_pointer (&roots);
  cm_folder_watch_update_async (self->watch, (const char * const *) self->watched_roots, self->cancellable,
                                update_monitors_done_cb, g_object_ref (self));
}

/* --demo DIR holds homes (user1/.claude ...): each is a source with its own owner. */
static void
add_demo_sources (CmApplication *self)
{
  g_autoptr(GDir) dir = g_dir_open (self->demo_dir, 0, NULL);
  g_autoptr(GError) error = NULL;
  const char *name;
  guint added = 0;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (self->demo_dir, name, NULL);
      g_autofree char *dot_claude = g_build_filename (child, ".claude", NULL);

      if (!g_file_test (dot_claude, G_FILE_TEST_IS_DIR))
        continue;
      if (cm_store_add_source (self->store, child, NULL, FALSE, &error) < 0)
        {
          g_warning ("Could not add %s: %s", child, error->message);
          g_clear_error (&error);
          continue;
        }
      added++;
    }

  if (added == 0 && cm_store_add_source (self->store, self->demo_dir, NULL, FALSE, &error) < 0)
    g_warning ("Could not add %s: %s", self->demo_dir, error->message);
}

/* After every view on screen, the sessions list included, has what the
 * database holds: the walk of a large history would compete with their
 * queries for the cores. */
static void
first_update_cb (CmApplication *self)
{
  if (cm_report_get_loading (self->report))
    return;

  g_signal_handlers_disconnect_by_func (self->report, first_update_cb, self);
  cm_application_rescan (self);
}

static GSettingsSchema *
lookup_schema (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchemaSource) build = NULL;
  GSettingsSchema *schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);

  /* Run from the build folder before installing: the schema compiled there. */
  if (schema == NULL)
    {
      build = g_settings_schema_source_new_from_directory (CM_BUILD_SCHEMA_DIR, source, FALSE, NULL);
      if (build != NULL)
        schema = g_settings_schema_source_lookup (build, APP_ID, TRUE);
    }

  return schema;
}

static GSettings *
make_settings (CmApplication *self)
{
  g_autoptr(GSettingsSchema) schema = lookup_schema ();
  g_autoptr(GSettingsBackend) backend = NULL;
  GSettings *settings;

  if (schema == NULL)
    g_error ("The GSettings schema %s is not installed", APP_ID);

  /* The demo never writes the user's settings, and shows all its days. */
  if (self->demo_dir != NULL)
    backend = g_memory_settings_backend_new ();

  settings = g_settings_new_full (schema, backend, NULL);
  if (self->demo_dir != NULL)
    g_settings_set_string (settings, "date-range", "all");

  return settings;
}

static void
decimals_changed_cb (CmApplication *self)
{
  cm_format_set_decimals (g_settings_get_int (self->settings, "currency-decimals"));
  if (self->report != NULL)
    cm_report_refresh (self->report);
}

static gboolean
open_store (CmApplication *self)
{
  g_autofree char *path = NULL;
  g_autoptr(GError) error = NULL;

  if (self->db_path != NULL)
    path = g_strdup (self->db_path);
  else if (self->demo_dir != NULL)
    {
      self->tmp_dir = g_dir_make_tmp ("costmeter-demo-XXXXXX", &error);
      if (self->tmp_dir == NULL)
        {
          g_printerr ("%s\n", error->message);
          return FALSE;
        }
      path = g_build_filename (self->tmp_dir, "costmeter.db", NULL);
    }
  else
    path = cm_store_default_path ();

  /* A damaged database is rebuilt beside itself, keeping what it held that
   * the transcripts no longer do, and kept as NAME.damaged-DATE; the scan at
   * start-up reads the rest. The window says so. */
  self->store = cm_store_open_recovering (path, &self->recovery_note, &error);
  if (self->recovery_note != NULL)
    g_warning ("The database %s was damaged and was rebuilt. %s", path, self->recovery_note);

  if (self->store == NULL)
    {
      g_printerr (_("Could not open the database %s: %s\n"), path, error->message);
      return FALSE;
    }

  return TRUE;
}

/* The team database's password, from the keyring (a worker thread). */
static char *
team_password (const char *conninfo,
               gpointer    user_data)
{
#ifdef HAVE_LIBSECRET
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  cm_team_conninfo_keyring_ids (conninfo, &server, &user);
  password = cm_keyring_lookup_team_password_sync (server, user, NULL, &error);
  if (error != NULL)
    g_debug ("No team password from the keyring: %s", error->message);

  return password;
#else
  return NULL;
#endif
}

static void
self_email_worker (GTask        *task,
                   gpointer      source_object,
                   gpointer      task_data,
                   GCancellable *cancellable)
{
  CmStore *store = source_object;
  g_autoptr(GError) error = NULL;

  if (!cm_store_set_self_email (store, task_data, &error))
    g_warning ("Could not set your identity: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

/* Preferences → You: the default folders' account-less runs follow (a
 * worker: that may move many messages). */
static void
identity_changed_cb (CmApplication *self)
{
  g_autoptr(GTask) task = g_task_new (self->store, NULL, NULL, NULL);
  char *email = g_strstrip (g_settings_get_string (self->settings, "identity-email"));

  g_task_set_task_data (task, email, g_free);
  g_task_run_in_thread (task, self_email_worker);
}

static void
cm_application_startup (GApplication *app)
{
  CmApplication *self = CM_APPLICATION (app);
  g_autoptr(GError) error = NULL;

  G_APPLICATION_CLASS (cm_application_parent_class)->startup (app);

  self->settings = make_settings (self);
  g_signal_connect_swapped (self->settings, "changed::currency-decimals", G_CALLBACK (decimals_changed_cb), self);
  g_signal_connect_swapped (self->settings, "changed::live-updates", G_CALLBACK (live_updates_changed_cb), self);
  cm_format_set_decimals (g_settings_get_int (self->settings, "currency-decimals"));

  self->pricing = cm_pricing_new_default (&error);
  if (self->pricing == NULL)
    {
      g_printerr (_("Could not read the price table: %s\n"), error->message);
      g_application_quit (app);
      return;
    }

  if (!open_store (self))
    {
      g_application_quit (app);
      return;
    }

  self->scanner = cm_scanner_new (self->store, self->pricing);
  if (self->demo_dir != NULL)
    add_demo_sources (self);
  else if (!cm_scanner_add_default_sources (self->scanner, &error))
    {
      g_warning ("Could not add the default transcript folders: %s", error->message);
      g_clear_error (&error);
    }

  self->filter = cm_filter_new ();
  cm_filter_bind_settings (self->filter, self->settings);
  self->report = cm_report_new (self->store, self->filter);

  /* The team database: connected, pushed to and read as the settings say;
   * the password stays in the keyring and in memory. */
  self->team_sync = cm_team_sync_new (self->store, self->report, self->settings, team_password, NULL);
  g_signal_connect_swapped (self->settings, "changed::identity-email", G_CALLBACK (identity_changed_cb), self);
  identity_changed_cb (self);

  self->cancellable = g_cancellable_new ();
  /* What the database holds shows first; the scan for new lines follows. */
  g_signal_connect_swapped (self->report, "updated", G_CALLBACK (first_update_cb), self);

  /* The tray indicator and budget monitor follow their settings themselves
   * and go away with the application. */
  cm_tray_attach (app, self->store, self->settings);

  /* Rate-limit probes follow their settings; the key comes from the keyring
   * (or ANTHROPIC_API_KEY) and stays in memory only. */
  self->ratelimit = cm_ratelimit_client_new ();
  cm_ratelimit_client_set_store (self->ratelimit, self->store);
  cm_ratelimit_client_bind_settings (self->ratelimit, self->settings);
  cm_ratelimit_client_reload_key_async (self->ratelimit, self->cancellable, NULL, NULL);

  /* The bill is fetched only while billing-enabled is on, with the Admin
   * key from the keyring (or ANTHROPIC_ADMIN_API_KEY). */
  self->admin = cm_admin_client_new ();
  cm_admin_client_set_store (self->admin, self->store);
  cm_admin_client_bind_settings (self->admin, self->settings);
  cm_admin_client_reload_key_async (self->admin, self->cancellable, NULL, NULL);
  self->billed = cm_billed_new (self->store, self->filter);
  cm_billed_set_pricing (self->billed, self->pricing);
}

static void
cm_application_shutdown (GApplication *app)
{
  CmApplication *self = CM_APPLICATION (app);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->rescan_id, g_source_remove);
  g_clear_handle_id (&self->partial_id, g_source_remove);
  g_clear_handle_id (&self->periodic_id, g_source_remove);
  cm_folder_watch_clear (self->watch);

  G_APPLICATION_CLASS (cm_application_parent_class)->shutdown (app);

  if (self->admin != NULL)
    cm_admin_client_set_enabled (self->admin, FALSE);
  g_clear_object (&self->billed);
  g_clear_object (&self->team_sync);
  g_clear_object (&self->report);
  g_clear_object (&self->filter);
  g_clear_object (&self->scanner);
  g_clear_object (&self->store);

  if (self->tmp_dir != NULL)
    {
      g_autofree char *db = g_build_filename (self->tmp_dir, "costmeter.db", NULL);

      cm_store_delete_files (db, NULL);
      g_rmdir (self->tmp_dir);
    }
}

static void
cm_application_activate (GApplication *app)
{
  CmApplication *self = CM_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (self->report == NULL)
    return;

  if (window == NULL)
    {
      GtkWidget *chip = cm_ratelimit_chip_new ();

      window = GTK_WINDOW (cm_window_new (self));
      cm_ratelimit_chip_set_store (CM_RATELIMIT_CHIP (chip), self->store);
      cm_ratelimit_chip_set_client (CM_RATELIMIT_CHIP (chip), self->ratelimit);
      if (cm_application_get_tray (self) != NULL)
        cm_ratelimit_chip_set_plan_monitor (CM_RATELIMIT_CHIP (chip),
                                            cm_tray_get_plan_monitor (cm_application_get_tray (self)));
      cm_window_add_header_widget (CM_WINDOW (window), chip);
    }

  gtk_window_present (window);

  if (self->recovery_note != NULL)
    {
      g_autofree char *note = g_steal_pointer (&self->recovery_note);
      GtkWidget *dialog = adw_message_dialog_new (window, _("The Cost Database Was Damaged"), NULL);

      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("It was rebuilt from the transcripts. %s"), note);
      adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
      gtk_window_present (GTK_WINDOW (dialog));
    }
}

static int
cm_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  CmApplication *self = CM_APPLICATION (app);
  const char *db = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("costmeter %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "db", "^&ay", &db))
    cm_application_set_db_path (self, db);

  /* A demo or a chosen database is its own instance, beside a running app. */
  if (self->demo_dir != NULL || self->db_path != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static gboolean
demo_option_cb (const char  *option_name,
                const char  *value,
                gpointer     data,
                GError     **error)
{
  CmApplication *self = data;
  g_autofree char *dir = NULL;

  if (value != NULL && *value != '\0')
    dir = g_canonicalize_filename (value, NULL);
  else
    dir = g_build_filename (SOURCE_DIR, "..", "shared", "fixtures", "corpus", NULL);

  if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   _("The demo folder %s does not exist"), dir);
      return FALSE;
    }

  cm_application_set_demo_dir (self, dir);

  return TRUE;
}

static void
rescan_action (GSimpleAction *action,
               GVariant      *param,
               gpointer       user_data)
{
  cm_application_rescan (CM_APPLICATION (user_data));
}

static void
show_window_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  g_application_activate (G_APPLICATION (user_data));
}

static void
pause_live_action (GSimpleAction *action,
                   GVariant      *state,
                   gpointer       user_data)
{
  CmApplication *self = CM_APPLICATION (user_data);

  self->paused = g_variant_get_boolean (state);
  g_simple_action_set_state (action, state);

  /* Catch up with what was written while paused. */
  if (!self->paused)
    cm_application_rescan (self);
}

/* A reloaded price table: stored history is re-priced by the next scan, on
 * its thread, and every view follows the store's "changed". */
static void
pricing_reloaded_cb (CmApplication *self,
                     CmPricing     *pricing)
{
  g_set_object (&self->pricing, pricing);
  cm_scanner_set_pricing (self->scanner, pricing);
  cm_billed_set_pricing (self->billed, pricing);
  cm_application_rescan (self);
}

gboolean
cm_application_reload_pricing (CmApplication  *self,
                               GError        **error)
{
  g_autoptr(CmPricing) pricing = NULL;

  g_return_val_if_fail (CM_IS_APPLICATION (self), FALSE);

  pricing = cm_pricing_new_default (error);
  if (pricing == NULL)
    return FALSE;
  pricing_reloaded_cb (self, pricing);

  return TRUE;
}

static CmPreferencesWindow *
present_preferences (CmApplication *self,
                     const char    *page)
{
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  CmPreferencesWindow *window;

  if (self->store == NULL)
    return NULL;

  window = cm_preferences_window_new (self->settings, self->store, self->pricing, self->ratelimit);
  cm_preferences_window_set_team_sync (window, self->team_sync);
  g_signal_connect_object (window, "pricing-reloaded", G_CALLBACK (pricing_reloaded_cb), self, G_CONNECT_SWAPPED);
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window),
                              ADW_PREFERENCES_PAGE (cm_organization_page_new (self->settings, self->admin)));
  if (page != NULL)
    adw_preferences_window_set_visible_page_name (ADW_PREFERENCES_WINDOW (window), page);
  gtk_window_set_application (GTK_WINDOW (window), GTK_APPLICATION (self));
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_present (GTK_WINDOW (window));

  return window;
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *param,
                    gpointer       user_data)
{
  present_preferences (CM_APPLICATION (user_data), param != NULL ? g_variant_get_string (param, NULL) : NULL);
}

/* Preferences with the focus in the API key's field (the rate-limit
 * popover's "Set API Key…"). */
static void
api_key_action (GSimpleAction *action,
                GVariant      *param,
                gpointer       user_data)
{
  CmPreferencesWindow *window = present_preferences (CM_APPLICATION (user_data), NULL);

  if (window != NULL)
    cm_preferences_window_focus_api_key (window);
}

/* As the metainfo's homepage and bugtracker. */
#define WEBSITE "https://example.com/costmeter"
#define ISSUES_URL "https://example.com/costmeter/issues"

static void
about_action (GSimpleAction *action,
              GVariant      *param,
              gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The CostMeter authors", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("CostMeter"),
                         "application-icon", APP_ID,
                         "version", PACKAGE_VERSION,
                         "developer-name", _("The CostMeter authors"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "copyright", "© 2026 The CostMeter authors",
                         "website", WEBSITE,
                         "issue-url", ISSUES_URL,
                         "comments", _("What your coding agents cost — exactly, on which backend, by whom, on which model, project, session and message."),
                         NULL);
}

static void
shortcuts_action (GSimpleAction *action,
                  GVariant      *param,
                  gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window != NULL)
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-help-overlay", NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *param,
             gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "show-window", show_window_action },
  { "rescan", rescan_action },
  { "pause-live", NULL, NULL, "false", pause_live_action },
  { "preferences", preferences_action },
  /* Preferences at a named page: Organization (the Billed view's "Set Up"),
   * Rate Limits (the Usage card's status-line button), Budgets (the banner). */
  { "preferences-page", preferences_action, "s" },
  { "about", about_action },
  { "api-key", api_key_action },
  { "shortcuts", shortcuts_action },
  { "quit", quit_action },
};

static void
cm_application_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CmApplication *self = CM_APPLICATION (object);

  switch (prop_id)
    {
    case PROP_SCANNING:
      g_value_set_boolean (value, self->scanning);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_application_finalize (GObject *object)
{
  CmApplication *self = (CmApplication *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->settings);
  g_clear_object (&self->ratelimit);
  g_clear_object (&self->admin);
  g_clear_object (&self->pricing);
  g_clear_object (&self->watch);
  g_clear_pointer (&self->watched_roots, g_strfreev);
  g_clear_pointer (&self->changed_paths, g_hash_table_unref);
  g_free (self->demo_dir);
  g_free (self->db_path);
  g_free (self->tmp_dir);
  g_free (self->recovery_note);

  G_OBJECT_CLASS (cm_application_parent_class)->finalize (object);
}

static void
cm_application_class_init (CmApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);
  const char *localedir = g_getenv ("COSTMETER_LOCALEDIR");

  /* Here, not in main (): test programs make the application too, and point
   * COSTMETER_LOCALEDIR at the catalogs compiled in the build folder. */
  bindtextdomain (GETTEXT_PACKAGE, localedir != NULL && *localedir != '\0' ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  object_class->finalize = cm_application_finalize;
  object_class->get_property = cm_application_get_property;

  app_class->startup = cm_application_startup;
  app_class->shutdown = cm_application_shutdown;
  app_class->activate = cm_application_activate;
  app_class->handle_local_options = cm_application_handle_local_options;

  properties[PROP_SCANNING] =
    g_param_spec_boolean ("scanning", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Links the UI resource into the program (a static library would drop it). */
  g_assert (cm_ui_get_resource () != NULL);
}

static void
cm_application_init (CmApplication *self)
{
  const char *accels_quit[] = { "<Control>q", NULL };
  const char *accels_prefs[] = { "<Control>comma", NULL };
  const char *accels_rescan[] = { "F5", "<Control>r", NULL };
  const char *accels_shortcuts[] = { "<Control>question", NULL };
  GOptionGroup *group;
  const GOptionEntry demo_entries[] = {
    { "demo", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, demo_option_cb,
      N_("Open the bundled fixture corpus (or DIR) with a throw-away database"), N_("DIR") },
    { NULL }
  };
  const GOptionEntry main_entries[] = {
    { "db", 0, 0, G_OPTION_ARG_FILENAME, NULL, N_("Use this database file"), N_("PATH") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Show the version"), NULL },
    { NULL }
  };

  self->changed_paths = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->watch = cm_folder_watch_new ();
  g_signal_connect_object (self->watch, "changed", G_CALLBACK (watch_changed_cb), self, G_CONNECT_SWAPPED);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions, G_N_ELEMENTS (app_actions), self);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.quit", accels_quit);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.preferences", accels_prefs);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.rescan", accels_rescan);
  gtk_application_set_accels_for_action (GTK_APPLICATION (self), "app.shortcuts", accels_shortcuts);

  g_application_add_main_option_entries (G_APPLICATION (self), main_entries);
  /* --demo takes an optional value, which only a callback option can. */
  group = g_option_group_new ("demo", _("Demo options:"), _("Show the demo options"), self, NULL);
  g_option_group_add_entries (group, demo_entries);
  g_option_group_set_translation_domain (group, GETTEXT_PACKAGE);
  g_application_add_option_group (G_APPLICATION (self), group);
}

CmApplication *
cm_application_new (void)
{
  return g_object_new (CM_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", APP_PATH,
                       NULL);
}

void
cm_application_set_demo_dir (CmApplication *self,
                             const char    *path)
{
  g_return_if_fail (CM_IS_APPLICATION (self));

  g_free (self->demo_dir);
  self->demo_dir = g_strdup (path);
}

void
cm_application_set_db_path (CmApplication *self,
                            const char    *path)
{
  g_return_if_fail (CM_IS_APPLICATION (self));

  g_free (self->db_path);
  self->db_path = g_strdup (path);
}

#define GETTER(Type, name)                                  \
  Type *                                                    \
  cm_application_get_##name (CmApplication *self)           \
  {                                                         \
    g_return_val_if_fail (CM_IS_APPLICATION (self), NULL);  \
    return self->name;                                      \
  }

GETTER (CmStore, store)
GETTER (CmPricing, pricing)
GETTER (CmScanner, scanner)
GETTER (CmFilter, filter)
GETTER (CmReport, report)
GETTER (GSettings, settings)
GETTER (CmBilled, billed)

CmAdminClient *
cm_application_get_admin_client (CmApplication *self)
{
  g_return_val_if_fail (CM_IS_APPLICATION (self), NULL);

  return self->admin;
}
GETTER (CmTeamSync, team_sync)

#undef GETTER

CmTray *
cm_application_get_tray (CmApplication *self)
{
  g_return_val_if_fail (CM_IS_APPLICATION (self), NULL);

  return g_object_get_data (G_OBJECT (self), "cm-tray");
}

gboolean
cm_application_get_scanning (CmApplication *self)
{
  g_return_val_if_fail (CM_IS_APPLICATION (self), FALSE);

  return self->scanning;
}

CmFolderWatch *
cm_application_get_folder_watch (CmApplication *self)
{
  g_return_val_if_fail (CM_IS_APPLICATION (self), NULL);

  return self->watch;
}

guint
cm_application_get_last_files_seen (CmApplication *self)
{
  g_return_val_if_fail (CM_IS_APPLICATION (self), 0);

  return self->last_files_seen;
}

guint
cm_application_get_periodic_rescan_interval (CmApplication *self)
{
  g_return_val_if_fail (CM_IS_APPLICATION (self), 0);

  return self->periodic_s;
}
