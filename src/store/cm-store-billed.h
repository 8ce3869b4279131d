/* cm-store-billed.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

/* What the Anthropic Admin API reports, stored per UTC day ("YYYY-MM-DD").
 * Strings the API gave as null are NULL. Money is 1e-10 USD. */

/* The three reports that are fetched; each day of each is fetched on its own. */
typedef enum
{
  CM_BILLED_COSTS,        /* /v1/organizations/cost_report */
  CM_BILLED_USAGE,        /* /v1/organizations/usage_report/messages */
  CM_BILLED_CLAUDE_CODE,  /* /v1/organizations/usage_report/claude_code */
  CM_N_BILLED_ENDPOINTS
} CmBilledEndpoint;

const char *cm_billed_endpoint_to_string (CmBilledEndpoint endpoint);

/* One item of the cost report (grouped by description). */
typedef struct
{
  char    *day;
  char    *model;           /* NULL for charges that are not per token */
  char    *cost_type;       /* tokens | web_search | code_execution | session_usage */
  char    *token_type;      /* uncached_input_tokens, output_tokens, ... */
  char    *service_tier;    /* standard | batch */
  char    *context_window;  /* 0-200k | 200k-1M */
  char    *inference_geo;
  char    *workspace_id;
  char    *description;
  CmMoney  amount;
} CmBilledCost;

/* One result of the messages usage report (grouped by model, service tier,
 * context window, inference geo and speed). */
typedef struct
{
  char   *day;
  char   *model;
  char   *service_tier;     /* standard | batch | priority | ... */
  char   *context_window;
  char   *inference_geo;
  char   *speed;            /* standard | fast */
  gint64  input;            /* uncached_input_tokens */
  gint64  cache_write_5m;
  gint64  cache_write_1h;
  gint64  cache_read;
  gint64  output;
  gint64  web_search;       /* server_tool_use.web_search_requests */
} CmBilledUsage;

/* A model of one Claude Code analytics record. */
typedef struct
{
  char    *model;
  gint64   input;
  gint64   output;
  gint64   cache_read;
  gint64   cache_creation;
  CmMoney  estimated_cost;
} CmOrgModelUsage;

/* One Claude Code analytics record: one actor on one day. */
typedef struct
{
  gint64     id;            /* the store's row; 0 before it is stored */
  char      *day;
  char      *actor_type;    /* user_actor | api_actor */
  char      *actor;         /* the e-mail address or the API key's name */
  char      *customer_type; /* api | subscription */
  char      *terminal_type;
  gint64     sessions;
  gint64     lines_added;
  gint64     lines_removed;
  gint64     commits;
  gint64     pull_requests;
  GPtrArray *models;        /* CmOrgModelUsage */
} CmOrgUsage;

void        cm_billed_cost_free      (CmBilledCost    *cost);
void        cm_billed_usage_free     (CmBilledUsage   *usage);
void        cm_org_model_usage_free  (CmOrgModelUsage *usage);
CmOrgUsage *cm_org_usage_new         (void);
void        cm_org_usage_free        (CmOrgUsage      *usage);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmBilledCost, cm_billed_cost_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmBilledUsage, cm_billed_usage_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmOrgModelUsage, cm_org_model_usage_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmOrgUsage, cm_org_usage_free)

/* Replaces what is stored for @days (a NULL-terminated list) by @rows of
 * the endpoint's type (CmBilledCost, CmBilledUsage or CmOrgUsage; each on
 * one of @days) and notes the days as fetched at @fetched_ms, in one
 * transaction. */
gboolean    cm_store_save_billed     (CmStore             *self,
                                      CmBilledEndpoint     endpoint,
                                      const char * const  *days,
                                      GPtrArray           *rows,
                                      gint64               fetched_ms,
                                      GError             **error);
/* Day -> when it was last fetched (Unix ms, as a gint64 in a pointer-sized
 * box: use cm_billed_sync_get). */
GHashTable *cm_store_billed_sync     (CmStore             *self,
                                      CmBilledEndpoint     endpoint,
                                      GError             **error);
gint64      cm_billed_sync_get       (GHashTable          *sync,
                                      const char          *day);
/* The newest fetch of any day and endpoint, 0 when none. */
gint64      cm_store_billed_last_fetch (CmStore           *self,
                                        GError           **error);

/* Stored rows of the days from @since to @until (inclusive, NULL = open),
 * by day. */
GPtrArray  *cm_store_list_billed_costs (CmStore           *self,
                                        const char        *since,
                                        const char        *until,
                                        GError           **error);
GPtrArray  *cm_store_list_billed_usage (CmStore           *self,
                                        const char        *since,
                                        const char        *until,
                                        GError           **error);
GPtrArray  *cm_store_list_org_usage    (CmStore           *self,
                                        const char        *since,
                                        const char        *until,
                                        GError           **error);

G_END_DECLS
