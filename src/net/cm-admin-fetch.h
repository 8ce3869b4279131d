/* cm-admin-fetch.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* The worker side of CmAdminClient (src/net only): one job's requests,
 * retries, pages and stores, all synchronous on the calling thread. */

#include "cm-admin-client.h"

G_BEGIN_DECLS

typedef struct
{
  char    *base_url;
  char    *key;         /* wiped when the job is freed */
  char    *since;       /* "YYYY-MM-DD", or NULL: the first of last month */
  gint64   now_ms;      /* what "today" and "final" are measured from */
  guint    second_ms;   /* how long a second of backoff lasts (tests shrink it) */
  guint    timeout_s;
  CmStore *store;
} CmAdminJob;

CmAdminJob         *cm_admin_job_new   (void);
void                cm_admin_job_free  (CmAdminJob    *job);

/* Every report; FALSE only when cancelled. */
CmAdminFetchResult *cm_admin_job_fetch (CmAdminJob    *job,
                                        GCancellable  *cancellable,
                                        GError       **error);
/* GET /v1/organizations/me. */
gboolean            cm_admin_job_test  (CmAdminJob    *job,
                                        GCancellable  *cancellable,
                                        char         **org_id,
                                        char         **org_name,
                                        GError       **error);

/* The UTC days from @first to @last, inclusive ("YYYY-MM-DD"). */
GPtrArray          *cm_admin_days      (const char    *first,
                                        const char    *last);
/* The days of [@since, today] that are not known final: fetched after they
 * settled (CM_ADMIN_SETTLE_MS past their end). */
GPtrArray          *cm_admin_days_to_fetch (GHashTable *sync,
                                            const char *since,
                                            gint64      now_ms);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmAdminJob, cm_admin_job_free)

G_END_DECLS
