/* cm-team-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-team-sync.h"

G_BEGIN_DECLS

#define CM_TYPE_TEAM_PAGE (cm_team_page_get_type ())

G_DECLARE_FINAL_TYPE (CmTeamPage, cm_team_page, CM, TEAM_PAGE, AdwPreferencesPage)

/* Preferences → Team: the team database (host, database, user, sslmode, or a
 * connection string; the password goes to the keyring), pushing after each
 * scan, showing the team's figures, and what the link says. Actions:
 * team.connect, team.remove, team.push. */
void cm_team_page_set_settings (CmTeamPage *self,
                                GSettings  *settings);
void cm_team_page_set_sync     (CmTeamPage *self,
                                CmTeamSync *sync);
/* As the Connection String field's apply: fills the fields, saves the
 * string without its password and the password in the keyring. */
gboolean cm_team_page_apply_connection_string (CmTeamPage *self,
                                               const char *conninfo);

G_END_DECLS
