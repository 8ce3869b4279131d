/* cm-organization-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-admin-client.h"

G_BEGIN_DECLS

#define CM_TYPE_ORGANIZATION_PAGE (cm_organization_page_get_type ())

G_DECLARE_FINAL_TYPE (CmOrganizationPage, cm_organization_page, CM, ORGANIZATION_PAGE, AdwPreferencesPage)

/* Preferences → Organization (page name "organization"): the Admin API key
 * (saved in the keyring, tested against /v1/organizations/me, removed), the
 * billing-enabled switch, the interval, and a fetch now. @client gets the
 * key in force whenever it changes.
 *
 * Actions (for its buttons, and tests): org.test-key (the key typed in, or
 * else the one in force), org.clear-key, org.fetch. */
GtkWidget *cm_organization_page_new (GSettings     *settings,
                                     CmAdminClient *client);

G_END_DECLS
