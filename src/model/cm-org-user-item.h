/* cm-org-user-item.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cm-org-users.h"

G_BEGIN_DECLS

#define CM_TYPE_ORG_USER_ITEM (cm_org_user_item_get_type ())

G_DECLARE_FINAL_TYPE (CmOrgUserItem, cm_org_user_item, CM, ORG_USER_ITEM, GObject)

/* One row of the Users view's Organization table: a person or API key of
 * the Claude Code analytics merged with the transcript user of the same
 * e-mail. Read-only properties: "key", "label" ("Unattributed" for runs
 * without an owner), "source" (in words: where the row's figures come
 * from), "source-id" ("transcripts", "admin-api", "both"), "actor-type",
 * "customer-type", "models" (their names), "models-detail" (each
 * model's estimate and tokens); from the analytics (all named "org-*") "org-sessions",
 * "org-lines-added", "org-lines-removed", "org-commits",
 * "org-pull-requests", "org-tokens" and "org-cost" (1e-10 USD, the
 * analytics' own estimate);
 * from the transcripts every figure of a totals row ("cost", "messages",
 * "tokens", ...); "has-org", "has-transcripts" and "muted". Immutable. */
CmOrgUserItem      *cm_org_user_item_new        (const CmOrgUserRow *row);
const CmOrgUserRow *cm_org_user_item_get_row    (CmOrgUserItem      *self);
const char         *cm_org_user_item_get_label  (CmOrgUserItem      *self);
const char         *cm_org_user_item_get_source (CmOrgUserItem      *self);

/* Where figures of @sources (CmOrgSource flags) come from, in words. */
const char         *cm_org_source_title         (guint               sources);

G_END_DECLS
