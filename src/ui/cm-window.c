/* cm-window.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gi18n.h>

#include "cm-a11y.h"
#include "cm-assign-owner-dialog.h"
#include "cm-range-hint.h"
#include "cm-set-price-dialog.h"
#include "cm-team-bar.h"
#include "cm-window.h"

struct _CmWindow
{
  AdwApplicationWindow  parent_instance;

  CmReport             *report;
  CmScanner            *scanner;

  AdwHeaderBar         *header_bar;
  AdwViewSwitcherTitle *switcher_title;
  AdwViewSwitcherBar   *switcher_bar;
  GtkBox               *header_slot;
  GtkRevealer          *progress_revealer;
  GtkProgressBar       *progress_bar;
  GtkLabel             *progress_label;
  CmTeamBar            *team_bar;
  CmRangeHint          *range_hint;
  GtkStack             *main_stack;
  CmFilterBar          *filter_bar;
  AdwViewStack         *view_stack;
  AdwStatusPage        *empty_page;
  CmOverviewPage       *overview_page;
  CmModelsPage         *models_page;
  CmUsersPage          *users_page;
  CmSessionsPage       *sessions_page;
  CmBilledPage         *billed_page;

  GtkFileChooserNative *chooser;
  AdwToastOverlay      *toast_overlay;
  char                 *last_toast;
};

G_DEFINE_FINAL_TYPE (CmWindow, cm_window, ADW_TYPE_APPLICATION_WINDOW)

static const CmExportColumn overview_export[] = {
  { "backend", "key", CM_EXPORT_TEXT },
  { "messages", "messages", CM_EXPORT_INTEGER },
  CM_EXPORT_TOKENS,
  { "web_search", "web-search", CM_EXPORT_INTEGER },
  CM_EXPORT_COST,
};

static gboolean
is_scanning (CmWindow *self)
{
  CmApplication *app = CM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  return app != NULL && cm_application_get_scanning (app);
}

static void
update_state (CmWindow *self)
{
  gboolean busy = is_scanning (self);
  gboolean empty = cm_report_get_serial (self->report) > 0 && cm_report_get_store_empty (self->report);

  gtk_stack_set_visible_child_name (self->main_stack, empty && !busy ? "empty" : "content");
}

static void
update_empty_text (CmWindow *self)
{
  g_auto(GStrv) roots = self->scanner ? cm_scanner_dup_roots (self->scanner) : NULL;
  g_autoptr(GString) text = g_string_new (NULL);

  if (roots == NULL || roots[0] == NULL)
    g_string_append (text, _("No transcript folder is set up."));
  else
    {
      g_string_append (text, _("CostMeter looked for Claude Code transcripts (*.jsonl) in:"));
      for (guint i = 0; roots[i] != NULL; i++)
        {
          g_autofree char *escaped = g_markup_escape_text (roots[i], -1);

          g_string_append_printf (text, "\n<tt>%s</tt>", escaped);
        }
    }
  g_string_append (text, "\n\n");
  g_string_append (text, _("Add a folder that holds transcripts — a .claude folder, its projects folder, or a teammate’s synced home — or set CLAUDE_CONFIG_DIR and rescan."));

  adw_status_page_set_description (self->empty_page, text->str);
}

static void
scanner_progress_cb (CmWindow *self)
{
  gboolean busy = is_scanning (self);

  /* Hidden, not just folded: GTK 4.8 mis-allocates a folded revealer's
   * child when animations are off. */
  gtk_widget_set_visible (GTK_WIDGET (self->progress_revealer), busy);
  gtk_revealer_set_reveal_child (self->progress_revealer, busy);
  gtk_progress_bar_set_fraction (self->progress_bar, cm_scanner_get_progress (self->scanner));
  update_state (self);
}

static void
report_updated_cb (CmWindow *self)
{
  update_empty_text (self);
  update_state (self);
}

/* Only the view on screen is kept current; another is read when it shows. */
static void
visible_view_cb (CmWindow *self)
{
  const char *view = cm_window_get_view (self);
  guint section = CM_SECTION_OVERVIEW;

  if (g_strcmp0 (view, "models") == 0)
    section = CM_SECTION_MODELS;
  else if (g_strcmp0 (view, "users") == 0)
    section = CM_SECTION_USERS;
  else if (g_strcmp0 (view, "sessions") == 0)
    section = CM_SECTION_SESSIONS;

  cm_report_set_wanted (self->report, section);
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  cm_window_set_view (CM_WINDOW (widget), g_variant_get_string (param, NULL));
}

static void
focus_filter_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  CmWindow *self = CM_WINDOW (widget);

  gtk_widget_grab_focus (cm_filter_bar_get_project_entry (self->filter_bar));
}

static void
reset_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *param)
{
  CmWindow *self = CM_WINDOW (widget);

  cm_filter_reset (cm_report_get_filter (self->report));
}

/* The days of the filter for a file name: "2026-09-01-to-2026-09-30". */
static char *
range_for_file_name (CmWindow *self)
{
  CmFilter *filter = cm_report_get_filter (self->report);
  const char *preset = cm_filter_get_date_range (filter);
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;

  if (g_strcmp0 (preset, "custom") == 0)
    {
      since = g_strdup (cm_filter_get_since (filter));
      until = g_strdup (cm_filter_get_until (filter));
    }
  else
    cm_filter_preset_range (filter, preset, &since, &until);

  if (since != NULL && until != NULL && g_str_equal (since, until))
    return g_strdup (since);
  if (since != NULL && until != NULL)
    return g_strdup_printf ("%s-to-%s", since, until);
  if (since != NULL)
    return g_strdup_printf ("from-%s", since);
  if (until != NULL)
    return g_strdup_printf ("to-%s", until);

  return g_strdup ("all-time");
}

char *
cm_window_dup_export_name (CmWindow       *self,
                           CmExportFormat  format)
{
  g_autofree char *name = NULL;
  g_autofree char *range = NULL;
  const char *dot;

  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  g_free (cm_window_dup_export (self, format, &name));
  range = range_for_file_name (self);
  dot = strrchr (name, '.');

  return g_strdup_printf ("%.*s-%s%s", dot != NULL ? (int) (dot - name) : (int) strlen (name), name, range,
                          dot != NULL ? dot : "");
}

void
cm_window_add_toast (CmWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (CM_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_free (self->last_toast);
  self->last_toast = g_strdup (adw_toast_get_title (toast));
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

const char *
cm_window_get_last_toast (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->last_toast;
}

gboolean
cm_window_export_to_file (CmWindow        *self,
                          GFile           *file,
                          CmExportFormat   format,
                          GError         **error)
{
  g_autofree char *text = NULL;
  g_autofree char *name = NULL;
  g_autofree char *uri = NULL;
  AdwToast *toast;

  g_return_val_if_fail (CM_IS_WINDOW (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  text = cm_window_dup_export (self, format, NULL);
  if (!g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error))
    return FALSE;

  /* Said where it went, with a way to it. */
  name = g_file_get_basename (file);
  uri = g_file_get_uri (file);
  toast = adw_toast_new_format (_("Exported “%s”"), name);
  adw_toast_set_button_label (toast, _("_Open"));
  adw_toast_set_action_name (toast, "win.open-uri");
  adw_toast_set_action_target (toast, "s", uri);
  cm_window_add_toast (self, toast);

  return TRUE;
}

static void
open_uri_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  gtk_show_uri (GTK_WINDOW (widget), g_variant_get_string (param, NULL), GDK_CURRENT_TIME);
}

static void
export_response_cb (GtkNativeDialog *dialog,
                    int              response,
                    CmWindow        *self)
{
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  CmExportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (dialog), "cm-format"));

  if (response == GTK_RESPONSE_ACCEPT)
    {
      file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));

      if (!cm_window_export_to_file (self, file, format, &error))
        {
          GtkWidget *message = adw_message_dialog_new (GTK_WINDOW (self), _("Could Not Export"), error->message);

          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (message), "close", _("_Close"));
          gtk_window_present (GTK_WINDOW (message));
        }
    }

  g_clear_object (&self->chooser);
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *param)
{
  CmWindow *self = CM_WINDOW (widget);
  CmExportFormat format = g_str_equal (g_variant_get_string (param, NULL), "json")
                          ? CM_EXPORT_FORMAT_JSON : CM_EXPORT_FORMAT_CSV;
  g_autofree char *name = NULL;
  const char *documents = g_get_user_special_dir (G_USER_DIRECTORY_DOCUMENTS);
  g_autoptr(GFile) folder = NULL;

  if (self->chooser != NULL)
    return;

  /* The view and its days, in Documents rather than wherever the app was
   * started. */
  name = cm_window_dup_export_name (self, format);
  self->chooser = gtk_file_chooser_native_new (_("Export Table"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                               _("_Export"), _("_Cancel"));
  folder = g_file_new_for_path (documents != NULL && g_file_test (documents, G_FILE_TEST_IS_DIR)
                                ? documents : g_get_home_dir ());
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (self->chooser), folder, NULL);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (self->chooser), name);
  g_object_set_data (G_OBJECT (self->chooser), "cm-format", GINT_TO_POINTER (format));
  g_signal_connect (self->chooser, "response", G_CALLBACK (export_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

static void
add_folder_response_cb (GtkNativeDialog *dialog,
                        int              response,
                        CmWindow        *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) folder = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
      g_autofree char *path = g_file_get_path (folder);
      g_autoptr(GError) error = NULL;
      GApplication *app = g_application_get_default ();

      if (path != NULL &&
          cm_store_add_source (cm_report_get_store (self->report), path, NULL, FALSE, &error) < 0)
        g_warning ("Could not add %s: %s", path, error ? error->message : "?");
      else if (app != NULL)
        g_action_group_activate_action (G_ACTION_GROUP (app), "rescan", NULL);
    }

  g_clear_object (&self->chooser);
}

static void
add_folder_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *param)
{
  CmWindow *self = CM_WINDOW (widget);

  if (self->chooser != NULL)
    return;

  self->chooser = gtk_file_chooser_native_new (_("Add a Transcript Folder"), GTK_WINDOW (self),
                                               GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER,
                                               _("_Add"), _("_Cancel"));
  g_signal_connect (self->chooser, "response", G_CALLBACK (add_folder_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (self->chooser));
}

/* The team-wide split is a team table: shown when the database shows this
 * role every user's rows (it decides what the rows hold either way). */
static void
update_users_view (CmWindow *self)
{
  AdwViewStackPage *page = adw_view_stack_get_page (self->view_stack, GTK_WIDGET (self->users_page));
  gboolean shown = cm_report_get_team (self->report) == NULL || cm_report_get_team_admin (self->report);

  if (!shown && g_strcmp0 (cm_window_get_view (self), "users") == 0)
    cm_window_set_view (self, "overview");
  adw_view_stack_page_set_visible (page, shown);
}

static void
assign_owner_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *param)
{
  CmWindow *self = CM_WINDOW (widget);
  CmApplication *app = CM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));

  if (app != NULL)
    cm_assign_owner_dialog_present (GTK_WINDOW (self), cm_application_get_store (app),
                                    cm_application_get_settings (app));
}

static void
show_error (CmWindow   *self,
            const char *heading,
            const char *body)
{
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The user's price is saved, the table read again and history re-priced
 * (the views follow the store). */
static void
set_price_response_cb (CmSetPriceDialog *dialog,
                       const char       *response,
                       CmWindow         *self)
{
  CmApplication *app = CM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  g_autofree char *path = cm_pricing_dup_override_file ();
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "set") != 0 || app == NULL)
    return;

  if (!cm_set_price_dialog_save (dialog, path, &error) || !cm_application_reload_pricing (app, &error))
    show_error (self, _("The Price Was Not Set"), error->message);
}

static void
set_price_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *param)
{
  CmWindow *self = CM_WINDOW (widget);
  CmApplication *app = CM_APPLICATION (gtk_window_get_application (GTK_WINDOW (self)));
  CmSetPriceDialog *dialog;

  if (app == NULL)
    return;

  dialog = cm_set_price_dialog_new (GTK_WINDOW (self), cm_application_get_pricing (app),
                                    g_variant_get_string (param, NULL));
  g_signal_connect_object (dialog, "response", G_CALLBACK (set_price_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* After construction: GtkWindow:application is not a construct property. */
static void
setup (CmWindow      *self,
       CmApplication *app)
{
  GSettings *settings;

  self->report = g_object_ref (cm_application_get_report (app));
  self->scanner = g_object_ref (cm_application_get_scanner (app));
  settings = cm_application_get_settings (app);

  g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "chart-stack", cm_overview_page_get_chart (self->overview_page), "stack",
                   G_SETTINGS_BIND_DEFAULT);

  cm_filter_bar_set_report (self->filter_bar, self->report);
  cm_overview_page_set_report (self->overview_page, self->report);
  if (cm_application_get_tray (app) != NULL)
    cm_overview_page_set_monitors (self->overview_page,
                                   cm_tray_get_budget_monitor (cm_application_get_tray (app)),
                                   cm_tray_get_plan_monitor (cm_application_get_tray (app)), settings);
  cm_table_page_set_report (cm_models_page_get_table (self->models_page), self->report);
  cm_table_page_set_report (cm_users_page_get_table (self->users_page), self->report);
  cm_table_page_set_report (cm_sessions_page_get_table (self->sessions_page), self->report);
  cm_billed_page_setup (self->billed_page, cm_application_get_billed (app),
                        cm_application_get_admin_client (app), settings);
  cm_users_page_set_org_users (self->users_page, cm_billed_get_org_users (cm_application_get_billed (app)));

  g_signal_connect_object (self->report, "updated", G_CALLBACK (report_updated_cb), self, G_CONNECT_SWAPPED);
  cm_team_bar_setup (self->team_bar, self->report, cm_application_get_team_sync (app));
  cm_range_hint_set_report (self->range_hint, self->report);
  g_signal_connect_object (self->report, "notify::team", G_CALLBACK (update_users_view), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->report, "notify::team-admin", G_CALLBACK (update_users_view), self,
                           G_CONNECT_SWAPPED);
  update_users_view (self);
  g_signal_connect_object (self->scanner, "notify::progress", G_CALLBACK (scanner_progress_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (app, "notify::scanning", G_CALLBACK (scanner_progress_cb), self,
                           G_CONNECT_SWAPPED);

  g_signal_connect_object (self->view_stack, "notify::visible-child-name", G_CALLBACK (visible_view_cb), self,
                           G_CONNECT_SWAPPED);
  visible_view_cb (self);

  scanner_progress_cb (self);
  report_updated_cb (self);
}

static void
cm_window_dispose (GObject *object)
{
  CmWindow *self = (CmWindow *)object;

  if (self->chooser != NULL)
    gtk_native_dialog_destroy (GTK_NATIVE_DIALOG (self->chooser));
  g_clear_object (&self->chooser);

  /* The switchers let go of the stack before it goes (libadwaita 1.2 would
   * otherwise unparent their buttons twice). */
  if (self->switcher_bar != NULL)
    adw_view_switcher_bar_set_stack (self->switcher_bar, NULL);
  if (self->switcher_title != NULL)
    adw_view_switcher_title_set_stack (self->switcher_title, NULL);

  g_clear_object (&self->report);
  g_clear_object (&self->scanner);
  g_clear_pointer (&self->last_toast, g_free);

  G_OBJECT_CLASS (cm_window_parent_class)->dispose (object);
}

static void
cm_window_class_init (CmWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  static const char *views[] = { "overview", "models", "users", "sessions", "billed" };

  object_class->dispose = cm_window_dispose;

  g_type_ensure (CM_TYPE_FILTER_BAR);
  g_type_ensure (CM_TYPE_OVERVIEW_PAGE);
  g_type_ensure (CM_TYPE_MODELS_PAGE);
  g_type_ensure (CM_TYPE_USERS_PAGE);
  g_type_ensure (CM_TYPE_SESSIONS_PAGE);
  g_type_ensure (CM_TYPE_BILLED_PAGE);
  g_type_ensure (CM_TYPE_TEAM_BAR);
  g_type_ensure (CM_TYPE_RANGE_HINT);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CmWindow, header_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, switcher_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, header_slot);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, progress_label);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, team_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, range_hint);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, filter_bar);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, empty_page);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, overview_page);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, models_page);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, users_page);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, sessions_page);
  gtk_widget_class_bind_template_child (widget_class, CmWindow, billed_page);

  gtk_widget_class_install_action (widget_class, "win.view", "s", view_action);
  gtk_widget_class_install_action (widget_class, "win.focus-filter", NULL, focus_filter_action);
  gtk_widget_class_install_action (widget_class, "win.reset-filters", NULL, reset_filters_action);
  gtk_widget_class_install_action (widget_class, "win.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "win.open-uri", "s", open_uri_action);
  gtk_widget_class_install_action (widget_class, "win.add-folder", NULL, add_folder_action);
  gtk_widget_class_install_action (widget_class, "win.assign-owner", NULL, assign_owner_action);
  gtk_widget_class_install_action (widget_class, "win.set-price", "s", set_price_action);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    gtk_widget_class_add_binding_action (widget_class, GDK_KEY_1 + i, GDK_CONTROL_MASK,
                                         "win.view", "s", views[i]);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "win.focus-filter", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "win.export", "s", "csv");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "win.export", "s", "json");
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_BackSpace, GDK_CONTROL_MASK,
                                       "win.reset-filters", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "window.close", NULL);
}

static void
cm_window_init (CmWindow *self)
{
  g_autoptr(GtkWidget) content = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));
  cm_a11y_fix_mnemonics (GTK_WIDGET (self));

  /* Toasts (an export, an undo) over everything the template holds. */
  content = g_object_ref (adw_application_window_get_content (ADW_APPLICATION_WINDOW (self)));
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), NULL);
  self->toast_overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  adw_toast_overlay_set_child (self->toast_overlay, content);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (self), GTK_WIDGET (self->toast_overlay));
}

CmWindow *
cm_window_new (CmApplication *application)
{
  CmWindow *self;

  g_return_val_if_fail (CM_IS_APPLICATION (application), NULL);

  self = g_object_new (CM_TYPE_WINDOW, "application", application, NULL);
  setup (self, application);

  return self;
}

CmReport *
cm_window_get_report (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->report;
}

CmFilterBar *
cm_window_get_filter_bar (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->filter_bar;
}

CmOverviewPage *
cm_window_get_overview_page (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->overview_page;
}

CmModelsPage *
cm_window_get_models_page (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->models_page;
}

CmUsersPage *
cm_window_get_users_page (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->users_page;
}

CmSessionsPage *
cm_window_get_sessions_page (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->sessions_page;
}

CmBilledPage *
cm_window_get_billed_page (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->billed_page;
}

AdwViewStack *
cm_window_get_view_stack (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->view_stack;
}

const char *
cm_window_get_view (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

void
cm_window_set_view (CmWindow   *self,
                    const char *name)
{
  g_return_if_fail (CM_IS_WINDOW (self));

  adw_view_stack_set_visible_child_name (self->view_stack, name);
}

const char *
cm_window_get_state (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->main_stack);
}

const char *
cm_window_get_empty_text (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return adw_status_page_get_description (self->empty_page);
}

void
cm_window_add_header_widget (CmWindow  *self,
                             GtkWidget *widget)
{
  g_return_if_fail (CM_IS_WINDOW (self));

  gtk_box_append (self->header_slot, widget);

  /* A narrow window shows the view switcher at the bottom and the title in
   * the header bar: what can say less there does. */
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (widget), "compact") != NULL)
    g_object_bind_property (self->switcher_title, "title-visible", widget, "compact", G_BINDING_SYNC_CREATE);
}

char *
cm_window_dup_export (CmWindow        *self,
                      CmExportFormat   format,
                      char           **suggested_name)
{
  const char *view = cm_window_get_view (self);
  const CmExportColumn *columns;
  GListModel *rows;
  guint n_columns;
  const char *base;

  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  if (g_strcmp0 (view, "models") == 0)
    return cm_table_page_dup_export (cm_models_page_get_table (self->models_page), format, suggested_name);
  else if (g_strcmp0 (view, "users") == 0)
    return cm_users_page_dup_export (self->users_page, format, suggested_name);
  else if (g_strcmp0 (view, "billed") == 0)
    return cm_billed_page_dup_export (self->billed_page, format, suggested_name);
  else if (g_strcmp0 (view, "sessions") == 0 && !cm_sessions_page_get_showing_detail (self->sessions_page))
    return cm_table_page_dup_export (cm_sessions_page_get_table (self->sessions_page), format, suggested_name);
  else if (g_strcmp0 (view, "sessions") == 0)
    {
      rows = cm_session_detail_get_rows (cm_sessions_page_get_detail (self->sessions_page));
      columns = cm_session_detail_get_export (&n_columns);
      base = "costmeter-session";
    }
  else
    {
      rows = cm_report_get_backends (self->report);
      columns = overview_export;
      n_columns = G_N_ELEMENTS (overview_export);
      base = "costmeter-backends";
    }

  if (suggested_name != NULL)
    *suggested_name = cm_export_file_name (base, format);

  return cm_export_to_string (rows, columns, n_columns, format);
}

CmRangeHint *
cm_window_get_range_hint (CmWindow *self)
{
  g_return_val_if_fail (CM_IS_WINDOW (self), NULL);

  return self->range_hint;
}
