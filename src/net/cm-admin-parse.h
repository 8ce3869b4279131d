/* cm-admin-parse.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-store-billed.h"

G_BEGIN_DECLS

#define CM_ADMIN_ERROR (cm_admin_error_quark ())

/* What went wrong talking to the Admin API. Messages are plain English and
 * never contain the key; the UI maps the code to a translated headline. */
typedef enum
{
  CM_ADMIN_ERROR_NO_KEY,
  CM_ADMIN_ERROR_BAD_URL,
  CM_ADMIN_ERROR_UNAUTHORIZED,   /* 401: the key was rejected */
  CM_ADMIN_ERROR_FORBIDDEN,      /* 403: not an Admin key, or no organization */
  CM_ADMIN_ERROR_NOT_FOUND,      /* 404 */
  CM_ADMIN_ERROR_BAD_REQUEST,    /* another 4xx */
  CM_ADMIN_ERROR_RATE_LIMITED,   /* 429, still after every retry */
  CM_ADMIN_ERROR_SERVER,         /* 5xx, still after every retry */
  CM_ADMIN_ERROR_NETWORK,
  CM_ADMIN_ERROR_TIMEOUT,
  CM_ADMIN_ERROR_MALFORMED,      /* a reply not of the documented shape */
} CmAdminError;

GQuark   cm_admin_error_quark          (void);

/* A decimal string of cents ("123.45", "-0.5", "7") as 1e-10 USD, without
 * floating point: 1 cent is 10^8 units, so eight decimals are exact and a
 * ninth rounds half away from zero. No sign but '-', no exponent, no
 * spaces; FALSE (and @out untouched) for anything else or an overflow. */
gboolean cm_admin_parse_cents          (const char   *text,
                                        CmMoney      *out);

/* One page of a report. */
typedef struct
{
  GPtrArray *days;       /* the UTC days ("YYYY-MM-DD") of the page's buckets */
  GPtrArray *rows;       /* CmBilledCost, CmBilledUsage or CmOrgUsage */
  gboolean   has_more;
  char      *next_page;  /* NULL on the last page */
} CmAdminPage;

void     cm_admin_page_clear           (CmAdminPage  *page);

/* Each fills @page from a reply body (clearing it first) or sets
 * CM_ADMIN_ERROR_MALFORMED naming what was wrong. Buckets without results
 * still give their day; dimensions given as null are NULL. */
gboolean cm_admin_parse_cost_page      (GBytes       *body,
                                        CmAdminPage  *page,
                                        GError      **error);
gboolean cm_admin_parse_usage_page     (GBytes       *body,
                                        CmAdminPage  *page,
                                        GError      **error);
/* The Claude Code analytics records of @day. */
gboolean cm_admin_parse_claude_code_page (GBytes     *body,
                                          const char *day,
                                          CmAdminPage *page,
                                          GError    **error);
/* GET /v1/organizations/me: {"id", "name", "type": "organization"}. */
gboolean cm_admin_parse_organization   (GBytes       *body,
                                        char        **id,
                                        char        **name,
                                        GError      **error);

G_END_DECLS
