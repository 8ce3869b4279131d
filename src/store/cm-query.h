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
  char     *speed;     /* grouped by model: its usage.speed ("fast"), NULL for
                        * standard; a model's fast requests are a row of their own */
  CmTotals  totals;
} CmGroupRow;

/* The strings are GRefStrings: tens of thousands of rows share a few
 * projects, users and model lists, and the session ids of the cache. */
typedef struct
{
  char     *session_id;
  char     *project;
  char     *user;      /* e-mail or CM_UNATTRIBUTED_KEY */
  char     *models;    /* comma-separated canonical ids, by cost */
  CmTotals  totals;    /* first_ms/last_ms give start and duration */
} CmSessionRow;

/* A 5-hour block as ccusage defines it: it starts at its first message's time
 * floored to the (UTC) hour and lasts 5 hours; the first message at or after
 * its end starts the next one. Pauses between blocks are not blocks. */
#define CM_BLOCK_MS   (G_GINT64_CONSTANT (5) * 60 * 60 * 1000)
#define CM_HOUR_MS    (G_GINT64_CONSTANT (60) * 60 * 1000)

typedef struct
{
  gint64    start_ms;  /* a whole hour */
  gint64    end_ms;    /* start + 5 h */
  char     *models;    /* comma-separated canonical ids, costliest first */
  CmTotals  totals;    /* first_ms/last_ms: its first and last message */
} CmBlock;

/* The pace of a block at a moment inside it. */
typedef struct
{
  gint64  elapsed_ms;        /* since the block's start, at least a minute */
  gint64  remaining_ms;      /* to its end, 0 once over */
  double  tokens_per_minute; /* all tokens (input, output, cache writes and reads) */
  CmMoney cost_per_hour;
  gint64  projected_tokens;  /* at the block's end, at this pace */
  CmMoney projected_cost;
} CmBurnRate;

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
  char      *speed;          /* usage.speed, NULL for standard */
  char      *inference_geo;  /* usage.inference_geo, NULL for the standard global */
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
/* One message as a sum of one: unpriced and estimated are 0 or 1. */
void           cm_totals_from_message    (CmTotals            *totals,
                                          const CmMessageRow  *message);
/* cache_read / (input + cache writes + cache_read), 0 when there is no input. */
double         cm_totals_cache_hit_ratio (const CmTotals      *totals);
/* FALSE when there is no input at all: the ratio is undefined, not 0. */
gboolean       cm_totals_cache_hit_defined (const CmTotals    *totals);

/* input + output + cache writes + cache reads (web searches are requests). */
gint64         cm_totals_tokens          (const CmTotals      *totals);

void           cm_group_row_free         (CmGroupRow          *row);
void           cm_session_row_free       (CmSessionRow        *row);
void           cm_message_row_free       (CmMessageRow        *row);
void           cm_block_free             (CmBlock             *block);

/* TRUE while @now_ms lies inside the block. */
gboolean       cm_block_is_active        (const CmBlock       *block,
                                          gint64               now_ms);
/* Burn rate = the block's cost and tokens over the time since its start;
 * the projection extends that pace to its end. */
void           cm_block_burn_rate        (const CmBlock       *block,
                                          gint64               now_ms,
                                          CmBurnRate          *rate);

const char    *cm_group_by_to_string     (CmGroupBy            group);
gboolean       cm_group_by_from_string   (const char          *str,
                                          CmGroupBy           *group);

/* Shared by the store's SQL reports and the in-memory rollup cache, so that
 * both give the same keys in the same order. */

/* Local day numbers (days since 1970-01-01 in a zone) for timestamps in
 * any order; the offset is looked up once per quarter hour. */
typedef struct
{
  GTimeZone *tz;
  gint64     bucket;
  gint64     offset_ms;
} CmZoneCursor;

void           cm_zone_cursor_init       (CmZoneCursor        *zc,
                                          const CmQueryFilter *filter);
void           cm_zone_cursor_clear      (CmZoneCursor        *zc);
gint64         cm_zone_cursor_day        (CmZoneCursor        *zc,
                                          gint64               ts_ms);
/* The Unix ms of local midnight of "YYYY-MM-DD" + @add_days; 0 if invalid. */
gint64         cm_zone_cursor_midnight   (CmZoneCursor        *zc,
                                          const char          *day,
                                          int                  add_days);
char          *cm_day_number_format      (gint64               day);
/* yyyymm */
gint64         cm_day_number_month       (gint64               day);
char          *cm_month_number_format    (gint64               month);
/* The first day of the week holding @day, weeks starting on @first. */
gint64         cm_day_number_week        (gint64               day,
                                          GDateWeekday         first);
/* The Unix ms of the local midnight that starts @day. */
gint64         cm_zone_cursor_day_start  (CmZoneCursor        *zc,
                                          gint64               day);

/* How every view and report ranks users: by Bedrock spend, then by total,
 * then by name, the unattributed (CM_UNATTRIBUTED_KEY) last. */
int            cm_user_rank_compare      (const char          *user_a,
                                          CmMoney              bedrock_a,
                                          CmMoney              total_a,
                                          const char          *user_b,
                                          CmMoney              bedrock_b,
                                          CmMoney              total_b);

/* By key, then key2; CM_UNATTRIBUTED_KEY last. */
void           cm_group_rows_sort        (GPtrArray           *rows);
/* Newest activity first. */
void           cm_session_rows_sort      (GPtrArray           *rows);
/* Sets @row->models from (model, cost) group rows, costliest first;
 * sorts @models. */
void           cm_session_row_set_models (CmSessionRow        *row,
                                          GPtrArray           *models);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmQueryFilter, cm_query_filter_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmBlock, cm_block_free)

G_END_DECLS
