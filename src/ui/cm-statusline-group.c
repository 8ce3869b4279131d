/* cm-statusline-group.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-statusline-group.h"
#include "cm-ui-resources.h"

struct _CmStatuslineGroup
{
  AdwPreferencesGroup    parent_instance;

  AdwActionRow          *state_row;
  GtkButton             *install_button;
  GtkButton             *remove_button;
  AdwActionRow          *change_row;

  CmStatuslineInstaller *installer;
};

G_DEFINE_FINAL_TYPE (CmStatuslineGroup, cm_statusline_group, ADW_TYPE_PREFERENCES_GROUP)

enum {
  PROP_0,
  PROP_INSTALLER,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
cm_statusline_cli_command (const char *db_path)
{
  const char *env = g_getenv ("COSTMETER_CLI");
  g_autofree char *installed = g_build_filename (BINDIR, "costmeter-cli", NULL);
  g_autofree char *installed_lean = g_build_filename (BINDIR, "costmeter-statusline", NULL);
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *self_dir = self != NULL ? g_path_get_dirname (self) : NULL;
  g_autofree char *built = self_dir != NULL ? g_build_filename (self_dir, "cli", "costmeter-cli", NULL) : NULL;
  g_autofree char *built_lean = self_dir != NULL ? g_build_filename (self_dir, "cli", "costmeter-statusline", NULL)
                                                 : NULL;
  g_autofree char *cli = NULL;
  g_autofree char *lean = NULL;
  g_autofree char *quoted = NULL;

  /* Inside the Flatpak Claude Code (outside) reaches the CLI this way. */
  if (g_file_test ("/.flatpak-info", G_FILE_TEST_EXISTS))
    cli = g_strdup ("flatpak run --command=costmeter-cli " APP_ID);
  else if (env != NULL && *env != '\0')
    cli = g_shell_quote (env);
  /* costmeter-statusline: the same status line without the libraries the
   * rest of the CLI loads (it runs on every refresh). */
  else if (g_file_test (installed_lean, G_FILE_TEST_IS_EXECUTABLE))
    lean = g_shell_quote (installed_lean);
  else if (g_file_test (installed, G_FILE_TEST_IS_EXECUTABLE))
    cli = g_shell_quote (installed);
  else if (built_lean != NULL && g_file_test (built_lean, G_FILE_TEST_IS_EXECUTABLE))
    lean = g_shell_quote (built_lean);   /* run from the build folder */
  else if (built != NULL && g_file_test (built, G_FILE_TEST_IS_EXECUTABLE))
    cli = g_shell_quote (built);
  else
    cli = g_strdup ("costmeter-cli");

  quoted = db_path != NULL ? g_shell_quote (db_path) : NULL;
  if (lean != NULL)
    return quoted != NULL ? g_strdup_printf ("%s --db %s", lean, quoted) : g_strdup (lean);
  if (quoted == NULL)
    return g_strdup_printf ("%s statusline", cli);

  return g_strdup_printf ("%s --db %s statusline", cli, quoted);
}

/* ~/.claude/settings.json rather than the whole path. */
static char *
display_path (const char *path)
{
  const char *home = g_get_home_dir ();

  if (home != NULL && g_str_has_prefix (path, home) && path[strlen (home)] == G_DIR_SEPARATOR)
    return g_strconcat ("~", path + strlen (home), NULL);

  return g_strdup (path);
}

void
cm_statusline_group_refresh (CmStatuslineGroup *self)
{
  g_autofree char *current = NULL;
  g_autofree char *path = NULL;
  g_autofree char *subtitle = NULL;
  CmStatuslineState state = CM_STATUSLINE_STATE_UNREADABLE;

  g_return_if_fail (CM_IS_STATUSLINE_GROUP (self));

  if (self->installer != NULL)
    {
      state = cm_statusline_installer_get_state (self->installer, &current);
      path = display_path (cm_statusline_installer_get_settings_path (self->installer));
    }

  switch (state)
    {
    case CM_STATUSLINE_STATE_NONE:
      /* Translators: %s is Claude Code's settings file */
      subtitle = g_strdup_printf (_("Not set in %s"), path);
      break;
    case CM_STATUSLINE_STATE_OTHER:
      /* Translators: the settings file, then the command set there */
      subtitle = g_strdup_printf (_("%s runs “%s”. Installing keeps it: CostMeter runs it after its own line."),
                                  path, current);
      break;
    case CM_STATUSLINE_STATE_INSTALLED:
      subtitle = g_strdup_printf (_("Set in %s: Claude Code shows CostMeter’s line, and CostMeter records the "
                                    "plan windows."), path);
      break;
    case CM_STATUSLINE_STATE_UNREADABLE:
    default:
      subtitle = path != NULL ? g_strdup_printf (_("%s cannot be read as JSON: fix it first."), path)
                              : g_strdup (_("Not available"));
      break;
    }

  adw_action_row_set_subtitle (self->state_row, subtitle);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statusline.install",
                                 state == CM_STATUSLINE_STATE_NONE || state == CM_STATUSLINE_STATE_OTHER);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "statusline.remove", state == CM_STATUSLINE_STATE_INSTALLED);
  gtk_widget_set_visible (GTK_WIDGET (self->install_button), state != CM_STATUSLINE_STATE_INSTALLED);
  gtk_widget_set_visible (GTK_WIDGET (self->remove_button), state == CM_STATUSLINE_STATE_INSTALLED);
}

/* What changed stays on screen (it names the backup); a toast says it too. */
static void
show_change (CmStatuslineGroup *self,
             const char        *text,
             gboolean           failed,
             const char        *toast)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  adw_action_row_set_subtitle (self->change_row, text);
  gtk_widget_set_visible (GTK_WIDGET (self->change_row), TRUE);
  if (failed)
    gtk_widget_add_css_class (GTK_WIDGET (self->change_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->change_row), "error");

  if (ADW_IS_PREFERENCES_WINDOW (root))
    adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (root), adw_toast_new (toast));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  CmStatuslineGroup *self = CM_STATUSLINE_GROUP (widget);
  gboolean install = g_str_equal (action_name, "statusline.install");
  g_autoptr(GError) error = NULL;
  g_autofree char *summary = NULL;
  gboolean ok;

  if (self->installer == NULL)
    return;

  /* A small file read and written once: fine on this thread. */
  ok = install ? cm_statusline_installer_install (self->installer, &summary, &error)
               : cm_statusline_installer_uninstall (self->installer, &summary, &error);
  if (ok)
    show_change (self, summary, FALSE, install ? _("Status line installed") : _("Status line removed"));
  else
    show_change (self, error->message, TRUE, install ? _("Could not install the status line")
                                                     : _("Could not remove the status line"));

  cm_statusline_group_refresh (self);
}

CmStatuslineInstaller *
cm_statusline_group_get_installer (CmStatuslineGroup *self)
{
  g_return_val_if_fail (CM_IS_STATUSLINE_GROUP (self), NULL);
  return self->installer;
}

void
cm_statusline_group_set_installer (CmStatuslineGroup     *self,
                                   CmStatuslineInstaller *installer)
{
  g_return_if_fail (CM_IS_STATUSLINE_GROUP (self));
  g_return_if_fail (installer == NULL || CM_IS_STATUSLINE_INSTALLER (installer));

  if (!g_set_object (&self->installer, installer))
    return;

  cm_statusline_group_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INSTALLER]);
}

static void
cm_statusline_group_dispose (GObject *object)
{
  CmStatuslineGroup *self = CM_STATUSLINE_GROUP (object);

  g_clear_object (&self->installer);
  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_STATUSLINE_GROUP);

  G_OBJECT_CLASS (cm_statusline_group_parent_class)->dispose (object);
}

static void
cm_statusline_group_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CmStatuslineGroup *self = CM_STATUSLINE_GROUP (object);

  switch (prop_id)
    {
    case PROP_INSTALLER:
      g_value_set_object (value, self->installer);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_statusline_group_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CmStatuslineGroup *self = CM_STATUSLINE_GROUP (object);

  switch (prop_id)
    {
    case PROP_INSTALLER:
      cm_statusline_group_set_installer (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_statusline_group_class_init (CmStatuslineGroupClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_statusline_group_dispose;
  object_class->get_property = cm_statusline_group_get_property;
  object_class->set_property = cm_statusline_group_set_property;

  properties[PROP_INSTALLER] =
    g_param_spec_object ("installer", NULL, NULL, CM_TYPE_STATUSLINE_INSTALLER,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Pulls the resource (and its registering constructor) out of the library. */
  (void) cm_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-statusline-group.ui");
  gtk_widget_class_bind_template_child (widget_class, CmStatuslineGroup, state_row);
  gtk_widget_class_bind_template_child (widget_class, CmStatuslineGroup, install_button);
  gtk_widget_class_bind_template_child (widget_class, CmStatuslineGroup, remove_button);
  gtk_widget_class_bind_template_child (widget_class, CmStatuslineGroup, change_row);

  gtk_widget_class_install_action (widget_class, "statusline.install", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "statusline.remove", NULL, run_action);
}

static void
cm_statusline_group_init (CmStatuslineGroup *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cm_statusline_group_refresh (self);
}

GtkWidget *
cm_statusline_group_new (void)
{
  return g_object_new (CM_TYPE_STATUSLINE_GROUP, NULL);
}
