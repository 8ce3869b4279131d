/* cm-org-users.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-store-billed.h"

G_BEGIN_DECLS

/* Where a user's figures come from. */
typedef enum
{
  CM_ORG_SOURCE_TRANSCRIPTS = 1 << 0,  /* the transcripts read on this machine */
  CM_ORG_SOURCE_ADMIN_API   = 1 << 1,  /* the organization's Claude Code analytics */
} CmOrgSource;

/* One person (or API key) of the organization over a range of UTC days:
 * the Claude Code analytics records summed, beside the transcripts of the
 * same e-mail. */
typedef struct
{
  char     *key;            /* e-mail, API key name, or CM_UNATTRIBUTED_KEY */
  char     *actor_type;     /* user_actor | api_actor; NULL without records */
  char     *customer_type;  /* api | subscription (the last record's) */
  guint     sources;        /* CmOrgSource */
  gint64    sessions;
  gint64    lines_added;
  gint64    lines_removed;
  gint64    commits;
  gint64    pull_requests;
  gint64    input;
  gint64    output;
  gint64    cache_read;
  gint64    cache_creation;
  CmMoney   org_cost;       /* the analytics' estimate (first-party API only) */
  char     *models;         /* the records' models, costliest first, comma-separated */
  GPtrArray *by_model;      /* CmOrgModelUsage: each model's tokens and estimate, costliest first */
  CmTotals  transcripts;    /* every backend, zero without transcripts */
} CmOrgUserRow;

void       cm_org_user_row_free (CmOrgUserRow *row);
const char *cm_org_source_to_string (guint sources);

/* Every actor of the records and every transcript user of the UTC days
 * @since to @until (inclusive, NULL = open), merged by e-mail; costliest
 * first (by the larger of the two estimates), Unattributed last. */
GPtrArray *cm_org_users_read    (CmStore      *store,
                                 const char   *since,
                                 const char   *until,
                                 GError      **error);

G_END_DECLS
