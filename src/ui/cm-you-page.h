/* cm-you-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CM_TYPE_YOU_PAGE (cm_you_page_get_type ())

G_DECLARE_FINAL_TYPE (CmYouPage, cm_you_page, CM, YOU_PAGE, AdwPreferencesPage)

/* Preferences → You: the name and e-mail address the user's own
 * account-less runs are counted under (identity-name, identity-email).
 * While unset, the fields are filled in from the login's real name and
 * `git config user.email`, and saved only when applied. */
void cm_you_page_set_settings (CmYouPage *self,
                               GSettings *settings);

G_END_DECLS
