/* cm-preferences-window.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-pricing.h"
#include "cm-ratelimit-client.h"
#include "cm-store.h"
#include "cm-team-sync.h"

G_BEGIN_DECLS

#define CM_TYPE_PREFERENCES_WINDOW (cm_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (CmPreferencesWindow, cm_preferences_window, CM, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* @settings: the com.example.CostMeter settings (NULL: the default ones).
 * @store: sources are read and written there. @pricing (may be NULL): the
 * table shown; "Reload" emits ::pricing-reloaded with a fresh one.
 * @client (may be NULL): gets the new key when one is saved or removed.
 *
 * Actions (for buttons, and for tests): prefs.add-source (s, "" opens a
 * folder chooser), prefs.remove-source (s), prefs.set-owner ((ss)),
 * prefs.reload-pricing, prefs.clear-key. */
CmPreferencesWindow *cm_preferences_window_new         (GSettings         *settings,
                                                        CmStore           *store,
                                                        CmPricing         *pricing,
                                                        CmRatelimitClient *client);

CmPricing           *cm_preferences_window_get_pricing (CmPreferencesWindow *self);
void                 cm_preferences_window_set_pricing (CmPreferencesWindow *self,
                                                        CmPricing           *pricing);

/* Shows the Rate Limits page with the focus in the API key's field. */
void                 cm_preferences_window_focus_api_key (CmPreferencesWindow *self);
/* What Escape does in a text field: leaves it (TRUE) rather than closing
 * the window; FALSE outside a field. */
gboolean             cm_preferences_window_leave_entry (CmPreferencesWindow *self);
/* The toast that offers to undo the last removal of a folder, while shown;
 * the folder leaves the store when it goes (prefs.undo-remove keeps it). */
AdwToast            *cm_preferences_window_get_undo_toast (CmPreferencesWindow *self);
void                 cm_preferences_window_set_team_sync (CmPreferencesWindow *self,
                                                          CmTeamSync          *sync);

G_END_DECLS
