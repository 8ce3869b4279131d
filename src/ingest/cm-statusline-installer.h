/* cm-statusline-installer.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CM_STATUSLINE_ERROR (cm_statusline_error_quark ())

typedef enum
{
  CM_STATUSLINE_ERROR_READ_ONLY,     /* the settings file (or its folder) cannot be written */
  CM_STATUSLINE_ERROR_MALFORMED,     /* not a JSON object */
  CM_STATUSLINE_ERROR_NOT_OURS,      /* removing, but the status line is someone else's */
  CM_STATUSLINE_ERROR_FAILED,
} CmStatuslineError;

typedef enum
{
  CM_STATUSLINE_STATE_NONE,      /* no statusLine set */
  CM_STATUSLINE_STATE_OTHER,     /* another command is set */
  CM_STATUSLINE_STATE_INSTALLED, /* CostMeter's */
  CM_STATUSLINE_STATE_UNREADABLE,
} CmStatuslineState;

#define CM_TYPE_STATUSLINE_INSTALLER (cm_statusline_installer_get_type ())

G_DECLARE_FINAL_TYPE (CmStatuslineInstaller, cm_statusline_installer, CM, STATUSLINE_INSTALLER, GObject)

GQuark                 cm_statusline_error_quark                  (void);

/* Claude Code's user settings: settings.json in the first folder of
 * $CLAUDE_CONFIG_DIR, else ~/.claude/settings.json. */
char                  *cm_statusline_default_settings_path        (void);
/* Where CostMeter remembers what it replaced:
 * $XDG_CONFIG_HOME/costmeter/statusline.json. */
char                  *cm_statusline_default_state_path           (void);
/* The status-line command that chained after CostMeter's, from the state
 * file (NULL for the default path), or NULL. */
char                  *cm_statusline_dup_previous_command         (const char            *state_path);

/* @settings_path, @state_path: NULL for the defaults. @command: the command
 * line Claude Code is to run. */
CmStatuslineInstaller *cm_statusline_installer_new                (const char            *settings_path,
                                                                   const char            *state_path,
                                                                   const char            *command);
const char            *cm_statusline_installer_get_settings_path  (CmStatuslineInstaller *self);
const char            *cm_statusline_installer_get_command        (CmStatuslineInstaller *self);
/* What the settings file holds now; @current gets the command set there. */
CmStatuslineState      cm_statusline_installer_get_state          (CmStatuslineInstaller *self,
                                                                   char                 **current);

/* Both back the settings file up, write it atomically keeping every other key
 * as it was, never touch any other file of Claude Code's, and on success set
 * @summary to a sentence saying exactly what changed (or that nothing had
 * to). A read-only or malformed file is left as it is, with an error. */
gboolean               cm_statusline_installer_install            (CmStatuslineInstaller *self,
                                                                   char                 **summary,
                                                                   GError               **error);
/* Puts back the status line that was set before (or none). */
gboolean               cm_statusline_installer_uninstall          (CmStatuslineInstaller *self,
                                                                   char                 **summary,
                                                                   GError               **error);

G_END_DECLS
