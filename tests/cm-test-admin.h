/* cm-test-admin.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-store.h"

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

/* A bill of the first-party messages of a store (its UTC days), as the
 * cost and usage reports would give it, with changes on four days. */
#define CM_TEST_BILL_TEAMMATE        "bob.teammate@example.org"
#define CM_TEST_BILL_EXTRA_TOKENS    50000
#define CM_TEST_BILL_EXTRA_COST      G_GINT64_CONSTANT (7512345678)   /* "75.12345678" cents */
#define CM_TEST_BILL_CODE_EXEC_COST  G_GINT64_CONSTANT (320000000)    /* "3.2" cents */
#define CM_TEST_BILL_MISSING_OUTPUT  1000
#define CM_TEST_BILL_MISSING_COST    G_GINT64_CONSTANT (150000000)    /* "1.5" cents */
#define CM_TEST_BILL_PRIORITY_COST   G_GINT64_CONSTANT (250000000)    /* "2.5" cents */

typedef struct
{
  GPtrArray *groups;    /* CmGroupRow: the store's first-party (day, model), UTC */
  char      *match;     /* billed to the cent */
  char      *extra;     /* extra input billed (the teammate's, in the analytics)
                         * under the model's alias, and a code execution charge */
  char      *fewer;     /* output billed short: fewer tokens, fewer dollars */
  char      *priority;  /* the same tokens, part at Priority Tier and not billed */
  char      *first;     /* the first of the month of @match: where the bill starts */
  char      *last;      /* the last first-party day */
} CmTestBill;

/* Serves the bill of every day from @first to @last. */
CmTestBill       *cm_test_admin_bill_store (CmTestAdmin *admin,
                                            CmStore     *store);
void              cm_test_bill_free        (CmTestBill  *bill);
/* The first (day, model) group of @day. */
const CmGroupRow *cm_test_bill_group       (CmTestBill  *bill,
                                            const char  *day);
/* Unix ms of @day's midnight (UTC) plus @add_days. */
gint64            cm_test_day_ms           (const char  *day,
                                            int          add_days);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmTestAdmin, cm_test_admin_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmTestBill, cm_test_bill_free)

G_END_DECLS
