/* cm-cli.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-store.h"
#include "cm-team-store.h"

G_BEGIN_DECLS

/* `costmeter-cli ratelimits`; argv[0] is "ratelimits". */
int cm_cli_ratelimits (CmStore  *store,
                       int       argc,
                       char    **argv);

/* The team database of --connection, $COSTMETER_TEAM or the settings, with
 * the keyring's password for it (cm-cli-team.c). */
CmTeamStore *cm_cli_team_open (const char  *connection,
                               GError     **error);
/* `costmeter-cli team init|add-member EMAIL`; args[0] is "team". */
int          cm_cli_team      (CmTeamStore *team,
                               GPtrArray   *args,
                               gboolean     admin,
                               gboolean     password_stdin);
/* `costmeter-cli push` */
int          cm_cli_push      (CmTeamStore *team,
                               CmStore     *store,
                               guint        batch);

G_END_DECLS
