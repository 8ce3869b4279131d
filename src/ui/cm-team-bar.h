/* cm-team-bar.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-report.h"
#include "cm-team-sync.h"

G_BEGIN_DECLS

#define CM_TYPE_TEAM_BAR (cm_team_bar_get_type ())

G_DECLARE_FINAL_TYPE (CmTeamBar, cm_team_bar, CM, TEAM_BAR, AdwBin)

/* A line under the header while there is something to say about the team
 * database: the views show the team's figures (whose), the database does
 * not answer, or rows wait to be pushed ("120 rows waiting to push", with
 * Push Now). Hidden otherwise. */
void         cm_team_bar_setup    (CmTeamBar  *self,
                                   CmReport   *report,
                                   CmTeamSync *sync);
/* What it says now ("" when hidden), for tests. */
const char  *cm_team_bar_get_text (CmTeamBar  *self);

G_END_DECLS
