/* cm-query.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-types.h"

G_BEGIN_DECLS

/* Row-level filter shared by every view and report. Lists follow the
 * trichotomy: *_set FALSE = all, TRUE with an empty list = none, else those. */
typedef struct
{
  char     *since;        /* "YYYY-MM-DD" local day, inclusive; NULL = open */
  char     *until;        /* "YYYY-MM-DD" local day, inclusive; NULL = open */
  char     *timezone;     /* IANA name; NULL = the local zone */
  char     *project;      /* substring of the canonical project; NULL = all */
  gboolean  models_set;
  GStrv     models;       /* canonical model ids */
  gboolean  backends_set;
  guint     backends;     /* mask of 1 << CmBackend */
  gboolean  users_set;
  GStrv     users;        /* e-mails, or CM_UNATTRIBUTED_KEY */
  char     *session_id;   /* one session only; NULL = all */
} CmQueryFilter;

typedef enum
{
  CM_GROUP_NONE,
  CM_GROUP_DAY,      /* "YYYY-MM-DD" in the filter's time zone */
  CM_GROUP_MONTH,    /* "YYYY-MM" */
  CM_GROUP_SESSION,
  CM_GROUP_MODEL,    /* canonical price-table id */
  CM_GROUP_BACKEND,  /* anthropic | bedrock | vertex | unknown */
  CM_GROUP_USER,     /* e-mail or CM_UNATTRIBUTED_KEY */
  CM_GROUP_PROJECT,  /* canonical project path */
} CmGroupBy;

typedef struct
{
  gint64  input;
  gint64  output;
  gint64  cache_write_5m;
  gint64  cache_write_1h;
  gint64  cache_read;
  gint64  web_search;
  gint64  messages;
  gint64  unpriced;    /* messages whose model has no price (cost counted as 0) */
  gint64  estimated;   /* messages whose dollars are parity estimates */
  CmMoney cost;
  CmMoney cost_input;
  CmMoney cost_output;
  CmMoney cost_cache_write_5m;
  CmMoney cost_cache_write_1h;
  CmMoney cost_cache_read;
  CmMoney cost_web_search;
  gint64  first_ms;    /* earliest message, Unix ms; 0 when empty */
  gint64  last_ms;
} CmTotals;

typedef struct
{
  char     *key;
  char     *key2;      /* the secondary grouping, or NULL */
  CmTotals  totals;
} CmGroupRow;

typedef struct
{
  char     *session_id;
  char     *project;
  char     *user;      /* e-mail or CM_UNATTRIBUTED_KEY */
  char     *models;    /* comma-separated canonical ids, by cost */
  CmTotals  totals;    /* first_ms/last_ms give start and duration */
} CmSessionRow;

typedef struct
{
  gint64     id;
  char      *message_id;
  char      *session_id;
  char      *model;
  char      *model_raw;
  char      *project;
  char      *user;
  CmBackend  backend;
  gint64     timestamp_ms;
  gboolean   is_sidechain;
  gboolean   priced;
  gboolean   estimated;
  gboolean   long_context;
  CmUsage    usage;
  CmCost     cost;
} CmMessageRow;

CmQueryFilter *cm_query_filter_new       (void);
CmQueryFilter *cm_query_filter_copy      (const CmQueryFilter *filter);
void           cm_query_filter_free      (CmQueryFilter       *filter);
/* Checks dates, the time zone and the backends; a clear message on error. */
gboolean       cm_query_filter_validate  (const CmQueryFilter *filter,
                                          GError             **error);

void           cm_totals_add             (CmTotals            *dest,
                                          const CmTotals      *src);
/* cache_read / (input + cache writes + cache_read), 0 when there is no input. */
double         cm_totals_cache_hit_ratio (const CmTotals      *totals);
double         cm_usage_cache_hit_ratio  (const CmUsage       *usage);

void           cm_group_row_free         (CmGroupRow          *row);
void           cm_session_row_free       (CmSessionRow        *row);
void           cm_message_row_free       (CmMessageRow        *row);

const char    *cm_group_by_to_string     (CmGroupBy            group);
gboolean       cm_group_by_from_string   (const char          *str,
                                          CmGroupBy           *group);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmQueryFilter, cm_query_filter_free)

G_END_DECLS
