/* cm-test-admin.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A stand-in for the Anthropic Admin API on 127.0.0.1, serving replies of
 * the documented shapes: the cost report and the messages usage report in
 * pages of two daily buckets (every day asked for, empty ones too), the
 * Claude Code analytics one record per page, and /v1/organizations/me.
 * A wrong x-api-key gets a 401 that echoes it, as a careless proxy might. */
typedef struct _CmTestAdmin CmTestAdmin;

typedef enum
{
  CM_TEST_ADMIN_OK,
  CM_TEST_ADMIN_FLAKY,      /* the first cost report request: 429 retry-after 3, then a 500 */
  CM_TEST_ADMIN_MALFORMED,  /* the cost report's second page is not of the documented shape */
  CM_TEST_ADMIN_DOWN,       /* every request: 500 */
  CM_TEST_ADMIN_LIMITED,    /* every request: 429 retry-after 600 */
  CM_TEST_ADMIN_SLOW,       /* no request is ever answered */
} CmTestAdminFault;

CmTestAdmin *cm_test_admin_new           (const char       *key);
void         cm_test_admin_free          (CmTestAdmin      *admin);
/* http://127.0.0.1:PORT */
const char  *cm_test_admin_get_url       (CmTestAdmin      *admin);
void         cm_test_admin_set_fault     (CmTestAdmin      *admin,
                                          CmTestAdminFault  fault);
/* The results of @day ("YYYY-MM-DD"): JSON arrays of cost report results,
 * usage report results and Claude Code records (NULL: none). */
void         cm_test_admin_set_day       (CmTestAdmin      *admin,
                                          const char       *day,
                                          const char       *costs,
                                          const char       *usage,
                                          const char       *claude_code);
/* Every request so far as "PATH?QUERY", oldest first. */
GPtrArray   *cm_test_admin_get_requests  (CmTestAdmin      *admin);
const char  *cm_test_admin_get_user_agent (CmTestAdmin     *admin);
/* Requests that came without anthropic-version: 2023-06-01 (should be 0). */
guint        cm_test_admin_get_n_unversioned (CmTestAdmin  *admin);
/* Usage report requests without the fast-mode beta (should be 0). */
guint        cm_test_admin_get_n_without_beta (CmTestAdmin *admin);
void         cm_test_admin_clear_requests (CmTestAdmin     *admin);

/* @units (1e-10 USD) as the decimal string of cents the cost report uses. */
char        *cm_test_cents               (gint64            units);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmTestAdmin, cm_test_admin_free)

G_END_DECLS
