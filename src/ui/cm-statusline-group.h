/* cm-statusline-group.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-statusline-installer.h"

G_BEGIN_DECLS

#define CM_TYPE_STATUSLINE_GROUP (cm_statusline_group_get_type ())

G_DECLARE_FINAL_TYPE (CmStatuslineGroup, cm_statusline_group, CM, STATUSLINE_GROUP, AdwPreferencesGroup)

/* Preferences → Claude Code Status Line: its state in Claude Code's
 * settings, Install and Remove, and what the last of them changed. */
GtkWidget             *cm_statusline_group_new           (void);
CmStatuslineInstaller *cm_statusline_group_get_installer (CmStatuslineGroup     *self);
void                   cm_statusline_group_set_installer (CmStatuslineGroup     *self,
                                                          CmStatuslineInstaller *installer);
/* Re-reads the settings file. */
void                   cm_statusline_group_refresh       (CmStatuslineGroup     *self);

/* The command line that runs costmeter-cli statusline on @db_path (NULL:
 * the default database): $COSTMETER_CLI, the installed one, or the one
 * built beside this program. */
char                  *cm_statusline_cli_command         (const char            *db_path);

G_END_DECLS
