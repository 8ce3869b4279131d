/* cm-statusline-installer.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Sets `costmeter-cli statusline` as Claude Code's status line, and puts the
 * previous one back. Claude Code's settings file is the user's: it is backed
 * up first, rewritten atomically with every other key as it was, and left
 * alone when it cannot be read as a JSON object or written. The status line
 * it replaces is remembered in CostMeter's own state file, and
 * `costmeter-cli statusline` runs it after its own line. Nothing else in
 * Claude Code's folder (its credentials above all) is ever opened. */

#include "config.h"

#include <errno.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-statusline-installer.h"

struct _CmStatuslineInstaller
{
  GObject  parent_instance;

  char    *settings_path;
  char    *state_path;
  char    *command;
};

G_DEFINE_FINAL_TYPE (CmStatuslineInstaller, cm_statusline_installer, G_TYPE_OBJECT)

G_DEFINE_QUARK (cm-statusline-error-quark, cm_statusline_error)

enum {
  PROP_0,
  PROP_SETTINGS_PATH,
  PROP_STATE_PATH,
  PROP_COMMAND,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

char *
cm_statusline_default_settings_path (void)
{
  const char *env = g_getenv ("CLAUDE_CONFIG_DIR");
  const char *home = g_getenv ("HOME");

  if (env != NULL && *env != '\0')
    {
      g_auto(GStrv) parts = g_strsplit (env, ",", 2);
      char *first = g_strstrip (parts[0]);

      if (*first != '\0')
        return g_build_filename (first, "settings.json", NULL);
    }

  /* $HOME wins over the passwd entry so tests can point it elsewhere. */
  if (home == NULL || *home == '\0')
    home = g_get_home_dir ();

  return g_build_filename (home, ".claude", "settings.json", NULL);
}

char *
cm_statusline_default_state_path (void)
{
  return g_build_filename (g_get_user_config_dir (), "costmeter", "statusline.json", NULL);
}

/* --- the files --- */

typedef struct
{
  char      *path;      /* the file itself, symbolic links followed */
  gboolean   exists;
  char      *bytes;     /* as read */
  gsize      length;
  mode_t     mode;
  JsonNode  *root;      /* an object */
} Settings;

static void
settings_clear (Settings *s)
{
  g_free (s->path);
  g_free (s->bytes);
  g_clear_pointer (&s->root, json_node_unref);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Settings, settings_clear)

static gboolean
settings_load (const char  *path,
               Settings    *s,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  char *real = realpath (path, NULL);
  struct stat st;

  memset (s, 0, sizeof *s);
  /* A dotfile manager's symbolic link stays a link: write its target. */
  s->path = real != NULL ? g_strdup (real) : g_strdup (path);
  free (real);

  if (g_stat (s->path, &st) != 0)
    {
      int saved = errno;

      if (saved == ENOENT)
        {
          s->root = json_node_init_object (json_node_alloc (), json_object_new ());
          s->mode = 0600;
          return TRUE;
        }
      g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_FAILED,
                   _("Cannot read %s: %s. It was left untouched."), path, g_strerror (saved));
      return FALSE;
    }

  s->exists = TRUE;
  s->mode = st.st_mode & 0777;
  if (!g_file_get_contents (s->path, &s->bytes, &s->length, &local_error))
    {
      g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_FAILED,
                   _("Cannot read %s: %s. It was left untouched."), path, local_error->message);
      return FALSE;
    }

  if (!json_parser_load_from_data (parser, s->bytes, s->length, &local_error))
    {
      g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_MALFORMED,
                   _("%s is not valid JSON (%s). It was left untouched: fix it or move it aside, "
                     "then try again."), path, local_error->message);
      return FALSE;
    }
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_MALFORMED,
                   _("%s does not hold a JSON object. It was left untouched."), path);
      return FALSE;
    }
  s->root = json_node_copy (json_parser_get_root (parser));

  return TRUE;
}

/* Both the file and its folder: the new file is renamed into place. A file
 * its owner made read-only stays so, even for root. */
static gboolean
settings_check_writable (const char      *shown_path,
                         const Settings  *s,
                         GError         **error)
{
  g_autofree char *dir = g_path_get_dirname (s->path);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (s->exists && ((s->mode & S_IWUSR) == 0 || access (s->path, W_OK) != 0)) ||
      access (dir, W_OK) != 0)
    {
      g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_READ_ONLY,
                   _("%s cannot be written (read-only). It was left untouched."), shown_path);
      return FALSE;
    }

  return TRUE;
}

static char *
to_json (JsonNode *root)
{
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autofree char *text = NULL;

  /* Claude Code writes its settings with an indent of 2. */
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_indent (generator, 2);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);

  return g_strconcat (text, "\n", NULL);
}

/* The bytes as they were, beside the file, readable by the owner only (the
 * settings may hold keys in "env"). Returns the backup's path. */
static char *
settings_backup (const Settings  *s,
                 GError         **error)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *stamp = g_date_time_format (now, "%Y%m%d-%H%M%S");
  g_autofree char *backup = g_strdup_printf ("%s.costmeter-backup-%s", s->path, stamp);

  if (!g_file_set_contents_full (backup, s->bytes, s->length, G_FILE_SET_CONTENTS_CONSISTENT,
                                 s->mode & 0600, error))
    return NULL;

  return g_steal_pointer (&backup);
}

static gboolean
settings_save (Settings  *s,
               GError   **error)
{
  g_autofree char *text = to_json (s->root);

  return g_file_set_contents_full (s->path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, s->mode, error);
}

/* --- the state file: what was replaced --- */

static JsonNode *
state_load (const char *state_path)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (!json_parser_load_from_mapped_file (parser, state_path, NULL) ||
      json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return NULL;

  return json_node_copy (json_parser_get_root (parser));
}

static gboolean
state_save (const char  *state_path,
            const char  *settings_path,
            const char  *command,
            JsonNode    *previous,
            GError     **error)
{
  g_autoptr(JsonObject) state = json_object_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *dir = g_path_get_dirname (state_path);
  g_autofree char *text = NULL;

  json_object_set_string_member (state, "settings_file", settings_path);
  json_object_set_string_member (state, "command", command);
  if (previous != NULL)
    json_object_set_member (state, "previous", json_node_copy (previous));
  else
    json_object_set_null_member (state, "previous");
  root = json_node_init_object (json_node_alloc (), state);
  text = to_json (root);

  g_mkdir_with_parents (dir, 0700);

  return g_file_set_contents_full (state_path, text, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

static const char *command_of (JsonNode *status_line);

/* The state's "previous" (the statusLine replaced), or NULL. */
static JsonNode *
state_previous (JsonNode *state)
{
  JsonObject *object = state != NULL ? json_node_get_object (state) : NULL;

  if (object == NULL || !json_object_has_member (object, "previous"))
    return NULL;

  return json_object_get_member (object, "previous");
}

char *
cm_statusline_dup_previous_command (const char *state_path)
{
  g_autofree char *default_path = state_path == NULL ? cm_statusline_default_state_path () : NULL;
  g_autoptr(JsonNode) state = state_load (state_path != NULL ? state_path : default_path);

  return g_strdup (command_of (state_previous (state)));
}

/* --- install and remove --- */

static const char *
command_of (JsonNode *status_line)
{
  JsonObject *object;
  JsonNode *command;

  if (status_line == NULL || !JSON_NODE_HOLDS_OBJECT (status_line))
    return NULL;
  object = json_node_get_object (status_line);
  command = json_object_has_member (object, "command") ? json_object_get_member (object, "command") : NULL;
  if (command == NULL || !JSON_NODE_HOLDS_VALUE (command) || json_node_get_value_type (command) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (command);
}

/* The command runs costmeter-statusline (from any folder). */
static gboolean
runs_lean (const char *command)
{
  g_auto(GStrv) argv = NULL;
  g_autofree char *name = NULL;

  if (!g_shell_parse_argv (command, NULL, &argv, NULL))
    return FALSE;
  name = g_path_get_basename (argv[0]);

  return g_str_equal (name, "costmeter-statusline");
}

static gboolean
is_ours (CmStatuslineInstaller *self,
         const char            *command)
{
  /* Also an earlier install from another place (a moved or rebuilt CLI). */
  return command != NULL &&
         (g_strcmp0 (command, self->command) == 0 ||
          runs_lean (command) ||
          (strstr (command, "costmeter-cli") != NULL && strstr (command, " statusline") != NULL));
}

static JsonNode *
status_line_node (JsonObject *settings)
{
  return json_object_has_member (settings, "statusLine")
         ? json_object_get_member (settings, "statusLine") : NULL;
}

CmStatuslineState
cm_statusline_installer_get_state (CmStatuslineInstaller  *self,
                                   char                  **current)
{
  Settings s;
  const char *command;
  CmStatuslineState state;

  g_return_val_if_fail (CM_IS_STATUSLINE_INSTALLER (self), CM_STATUSLINE_STATE_UNREADABLE);

  if (current != NULL)
    *current = NULL;

  if (!settings_load (self->settings_path, &s, NULL))
    {
      settings_clear (&s);
      return CM_STATUSLINE_STATE_UNREADABLE;
    }

  command = command_of (status_line_node (json_node_get_object (s.root)));
  if (command == NULL)
    state = CM_STATUSLINE_STATE_NONE;
  else
    state = is_ours (self, command) ? CM_STATUSLINE_STATE_INSTALLED : CM_STATUSLINE_STATE_OTHER;
  if (current != NULL)
    *current = g_strdup (command);
  settings_clear (&s);

  return state;
}

/* Our statusLine, keeping the padding of the one it replaces. */
static JsonNode *
new_status_line (CmStatuslineInstaller *self,
                 JsonNode              *replaced)
{
  JsonObject *object = json_object_new ();
  JsonObject *old = replaced != NULL && JSON_NODE_HOLDS_OBJECT (replaced) ? json_node_get_object (replaced) : NULL;

  json_object_set_string_member (object, "type", "command");
  json_object_set_string_member (object, "command", self->command);
  if (old != NULL && json_object_has_member (old, "padding"))
    json_object_set_member (object, "padding", json_object_dup_member (old, "padding"));

  return json_node_init_object (json_node_alloc (), object);
}

static char *
describe_backup (const Settings *s,
                 const char     *backup)
{
  /* Translators: the settings file and its backup copy */
  return backup != NULL ? g_strdup_printf (_("Backed up %s to %s."), s->path, backup)
                        : g_strdup_printf (_("Created %s."), s->path);
}

gboolean
cm_statusline_installer_install (CmStatuslineInstaller  *self,
                                 char                  **summary,
                                 GError                **error)
{
  g_auto(Settings) s = { 0 };
  g_autoptr(JsonNode) replaced = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *change = NULL;
  JsonObject *settings;
  const char *old_command;
  gboolean state_written = FALSE;

  g_return_val_if_fail (CM_IS_STATUSLINE_INSTALLER (self), FALSE);

  if (!settings_load (self->settings_path, &s, error))
    return FALSE;
  settings = json_node_get_object (s.root);
  old_command = command_of (status_line_node (settings));

  if (g_strcmp0 (old_command, self->command) == 0)
    {
      *summary = g_strdup_printf (_("CostMeter's status line is already set in %s; nothing was changed."),
                                  s.path);
      return TRUE;
    }

  if (!settings_check_writable (self->settings_path, &s, error))
    return FALSE;

  if (is_ours (self, old_command))
    {
      /* Another CostMeter command line (moved, other database): replace it
       * and keep what it had replaced. */
      change = g_strdup_printf (_("Changed statusLine from “%s” to “%s”."), old_command, self->command);
    }
  else
    {
      if (!state_save (self->state_path, s.path, self->command, status_line_node (settings), error))
        return FALSE;
      state_written = TRUE;
      if (old_command != NULL)
        change = g_strdup_printf (_("Set statusLine to run “%s”; it ran “%s”, which CostMeter now runs "
                                    "after its own line."), self->command, old_command);
      else
        change = g_strdup_printf (_("Set statusLine to run “%s” (there was none)."), self->command);
    }

  replaced = status_line_node (settings) != NULL ? json_node_copy (status_line_node (settings)) : NULL;
  json_object_set_member (settings, "statusLine", new_status_line (self, replaced));

  if ((s.exists && (backup = settings_backup (&s, error)) == NULL) || !settings_save (&s, error))
    {
      if (state_written)
        g_unlink (self->state_path);
      return FALSE;
    }

  saved = describe_backup (&s, backup);
  *summary = g_strdup_printf ("%s %s %s", saved, change, _("No other setting was changed."));

  return TRUE;
}

gboolean
cm_statusline_installer_uninstall (CmStatuslineInstaller  *self,
                                   char                  **summary,
                                   GError                **error)
{
  g_auto(Settings) s = { 0 };
  g_autoptr(JsonNode) state = NULL;
  g_autofree char *backup = NULL;
  g_autofree char *saved = NULL;
  g_autofree char *change = NULL;
  JsonObject *settings;
  JsonNode *previous = NULL;
  const char *old_command;

  g_return_val_if_fail (CM_IS_STATUSLINE_INSTALLER (self), FALSE);

  if (!settings_load (self->settings_path, &s, error))
    return FALSE;
  settings = json_node_get_object (s.root);
  old_command = command_of (status_line_node (settings));

  if (!is_ours (self, old_command))
    {
      if (old_command == NULL)
        g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_NOT_OURS,
                     _("No status line is set in %s: nothing to remove."), self->settings_path);
      else
        g_set_error (error, CM_STATUSLINE_ERROR, CM_STATUSLINE_ERROR_NOT_OURS,
                     _("The status line in %s runs “%s”, not CostMeter's. It was left as it is."),
                     self->settings_path, old_command);
      return FALSE;
    }

  if (!settings_check_writable (self->settings_path, &s, error))
    return FALSE;

  /* What was replaced in this very file (not in another Claude folder's). */
  state = state_load (self->state_path);
  if (state != NULL &&
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (state), "settings_file", NULL),
                 s.path) == 0)
    previous = state_previous (state);
  if (previous != NULL && JSON_NODE_HOLDS_OBJECT (previous))
    {
      json_object_set_member (settings, "statusLine", json_node_copy (previous));
      change = g_strdup_printf (_("Set statusLine back to “%s”."),
                                command_of (previous) != NULL ? command_of (previous) : "");
    }
  else
    {
      json_object_remove_member (settings, "statusLine");
      change = g_strdup (_("Removed statusLine (there was none before CostMeter's)."));
    }

  if ((backup = settings_backup (&s, error)) == NULL || !settings_save (&s, error))
    return FALSE;
  g_unlink (self->state_path);

  saved = describe_backup (&s, backup);
  *summary = g_strdup_printf ("%s %s %s", saved, change, _("No other setting was changed."));

  return TRUE;
}

/* --- GObject --- */

const char *
cm_statusline_installer_get_settings_path (CmStatuslineInstaller *self)
{
  g_return_val_if_fail (CM_IS_STATUSLINE_INSTALLER (self), NULL);
  return self->settings_path;
}

const char *
cm_statusline_installer_get_command (CmStatuslineInstaller *self)
{
  g_return_val_if_fail (CM_IS_STATUSLINE_INSTALLER (self), NULL);
  return self->command;
}

static void
cm_statusline_installer_finalize (GObject *object)
{
  CmStatuslineInstaller *self = CM_STATUSLINE_INSTALLER (object);

  g_free (self->settings_path);
  g_free (self->state_path);
  g_free (self->command);

  G_OBJECT_CLASS (cm_statusline_installer_parent_class)->finalize (object);
}

static void
cm_statusline_installer_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  CmStatuslineInstaller *self = CM_STATUSLINE_INSTALLER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS_PATH:
      g_value_set_string (value, self->settings_path);
      break;
    case PROP_STATE_PATH:
      g_value_set_string (value, self->state_path);
      break;
    case PROP_COMMAND:
      g_value_set_string (value, self->command);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_statusline_installer_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  CmStatuslineInstaller *self = CM_STATUSLINE_INSTALLER (object);

  switch (prop_id)
    {
    case PROP_SETTINGS_PATH:
      self->settings_path = g_value_get_string (value) != NULL ? g_value_dup_string (value)
                                                               : cm_statusline_default_settings_path ();
      break;
    case PROP_STATE_PATH:
      self->state_path = g_value_get_string (value) != NULL ? g_value_dup_string (value)
                                                            : cm_statusline_default_state_path ();
      break;
    case PROP_COMMAND:
      self->command = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_statusline_installer_class_init (CmStatuslineInstallerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_statusline_installer_finalize;
  object_class->get_property = cm_statusline_installer_get_property;
  object_class->set_property = cm_statusline_installer_set_property;

  properties[PROP_SETTINGS_PATH] =
    g_param_spec_string ("settings-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATE_PATH] =
    g_param_spec_string ("state-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMMAND] =
    g_param_spec_string ("command", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_statusline_installer_init (CmStatuslineInstaller *self)
{
}

CmStatuslineInstaller *
cm_statusline_installer_new (const char *settings_path,
                             const char *state_path,
                             const char *command)
{
  g_return_val_if_fail (command != NULL, NULL);

  return g_object_new (CM_TYPE_STATUSLINE_INSTALLER,
                       "settings-path", settings_path,
                       "state-path", state_path,
                       "command", command,
                       NULL);
}
