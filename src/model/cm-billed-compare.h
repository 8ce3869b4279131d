/* cm-billed-compare.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-pricing.h"
#include "cm-store-billed.h"

G_BEGIN_DECLS

/* Why a row's billed and estimated dollars differ, as far as CostMeter can
 * tell. Flags: a row may carry more than one. */
typedef enum
{
  CM_BILLED_REASON_NONE          = 0,
  CM_BILLED_REASON_SETTLING      = 1 << 0, /* the day is not final yet (48 h after it ends) */
  CM_BILLED_REASON_NOT_FETCHED   = 1 << 1, /* the bill of the day was not fetched */
  CM_BILLED_REASON_OTHER_USAGE   = 1 << 2, /* more billed tokens: other keys, tools, teammates */
  CM_BILLED_REASON_SERVER_TOOLS  = 1 << 3, /* web search and code execution charges */
  CM_BILLED_REASON_PRIORITY      = 1 << 4, /* Priority Tier usage, missing from the cost report */
  CM_BILLED_REASON_SUBSCRIPTION  = 1 << 5, /* a subscription login: never billed through the API */
  CM_BILLED_REASON_FEWER_TOKENS  = 1 << 6, /* fewer billed tokens than transcripts: unexplained */
  CM_BILLED_REASON_PRICE         = 1 << 7, /* the same tokens at other prices: unexplained */
} CmBilledReason;

#define CM_BILLED_N_REASONS 8

/* Short stable names ("settling", "other-usage", ...) for exports. */
const char *cm_billed_reason_to_string (CmBilledReason reason);

/* One UTC day and model. The row of model NULL holds the day's charges that
 * are not per token (web search, code execution), against the web searches
 * the transcripts priced. */
typedef struct
{
  char           *day;
  char           *model;
  /* The bill (cost report; token counts from the usage report). */
  gboolean        fetched;         /* the cost report of the day was read */
  gboolean        has_usage;       /* the usage report has the model that day */
  CmMoney         billed;
  CmUsage         billed_usage;    /* every service tier; input is uncached input */
  gint64          priority_tokens; /* of them, Priority Tier */
  /* The transcripts: first-party messages of the same UTC day. */
  CmMoney         estimated;
  CmUsage         estimated_usage;
  gint64          messages;
  gint64          unpriced;
  /* The comparison. */
  CmMoney         difference;      /* billed - estimated */
  CmMoney         explained;       /* the part of it that @reasons account for */
  double          token_agreement; /* 1 - |billed - transcript tokens| / the larger; -1 unknown */
  guint           reasons;         /* CmBilledReason */
  char           *whose;           /* other Claude Code users of the day, for OTHER_USAGE */
} CmBilledRow;

/* A Claude Code user (or API key) of the organization who is not one of the
 * transcript users on this machine. */
typedef struct
{
  char    *actor;
  char    *actor_type;     /* user_actor | api_actor */
  CmMoney  estimated_cost; /* the analytics' own estimate */
  gint64   tokens;
} CmBilledActor;

typedef struct
{
  char       *since;
  char       *until;
  GPtrArray  *rows;         /* CmBilledRow, by day, the models by name, the day's charges last */
  CmMoney     billed;
  CmMoney     estimated;
  CmMoney     difference;
  CmMoney     unexplained;
  CmMoney     by_reason[CM_BILLED_N_REASONS]; /* explained dollars per reason */
  GPtrArray  *others;       /* CmBilledActor, costliest first */
  GPtrArray  *apart;        /* CmGroupRow: (day, backend) of Bedrock and Vertex, estimated */
  CmMoney     bedrock;
  CmMoney     vertex;
  guint       n_days;
  guint       n_settling_days;
  guint       n_unfetched_days;
  gint64      last_fetch_ms;
} CmBilledComparison;

void                cm_billed_row_free          (CmBilledRow        *row);
void                cm_billed_actor_free        (CmBilledActor      *actor);
void                cm_billed_comparison_free   (CmBilledComparison *comparison);

/* difference / estimated, or NAN when nothing was estimated. */
double              cm_billed_row_difference_ratio (const CmBilledRow *row);
/* Index of a single reason flag in by_reason. */
guint               cm_billed_reason_index      (CmBilledReason      reason);

/* Reads the stored bill and the transcripts of the UTC days @since to
 * @until (inclusive; NULL: this month so far) and compares them. @pricing
 * maps the bill's model names to the transcripts' (may be NULL). @now_ms
 * decides which days still settle (0: now). */
CmBilledComparison *cm_billed_compare           (CmStore            *store,
                                                 CmPricing          *pricing,
                                                 const char         *since,
                                                 const char         *until,
                                                 gint64              now_ms,
                                                 GError            **error);

/* The first and last day of the UTC month of @now_ms (0: now). */
void                cm_billed_this_month        (gint64              now_ms,
                                                 char              **since,
                                                 char              **until);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmBilledComparison, cm_billed_comparison_free)

G_END_DECLS
