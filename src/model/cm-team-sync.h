/* cm-team-sync.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-report.h"
#include "cm-store.h"
#include "cm-team-store.h"

G_BEGIN_DECLS

/* Looks up the password of @conninfo (on a worker thread); NULL for none.
 * The result is wiped after use. */
typedef char * (*CmTeamPasswordFunc) (const char *conninfo,
                                      gpointer    user_data);

#define CM_TYPE_TEAM_SYNC (cm_team_sync_get_type ())

G_DECLARE_FINAL_TYPE (CmTeamSync, cm_team_sync, CM, TEAM_SYNC, GObject)

/* The app's link to the team database: the connection of the
 * team-connection setting (its password from @func, in memory only), a
 * push in the background after each change of @store when
 * team-push-after-scan is on, the report reading the team when team-view is
 * on, and how many rows wait to be pushed. */
CmTeamSync  *cm_team_sync_new            (CmStore             *store,
                                          CmReport            *report,
                                          GSettings           *settings,
                                          CmTeamPasswordFunc   func,
                                          gpointer             user_data);

/* The connected team database, NULL when none is set. */
CmTeamStore *cm_team_sync_get_team       (CmTeamSync          *self);
gboolean     cm_team_sync_get_configured (CmTeamSync          *self);
/* Rows of this computer not yet in the team database. */
gint64       cm_team_sync_get_pending    (CmTeamSync          *self);
gboolean     cm_team_sync_get_pushing    (CmTeamSync          *self);
/* What happened last, for a person: "Pushed 120 rows", or why not. */
const char  *cm_team_sync_get_status     (CmTeamSync          *self);
gboolean     cm_team_sync_get_failed     (CmTeamSync          *self);

/* Push now (after the running push, when one runs). */
void         cm_team_sync_push           (CmTeamSync          *self);
/* Looks the password up again and connects afresh (a new password, a
 * server back): the status then says what the database makes of the role. */
void         cm_team_sync_reconnect      (CmTeamSync          *self);

G_END_DECLS
