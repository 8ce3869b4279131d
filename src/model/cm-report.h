/* cm-report.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-filter.h"
#include "cm-group-item.h"
#include "cm-rollup-cache.h"
#include "cm-store.h"
#include "cm-team-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_PERIOD_RANGE,   /* the filter's date range */
  CM_PERIOD_TODAY,
  CM_PERIOD_WEEK,    /* the last 7 days */
  CM_PERIOD_MONTH,   /* this month */
  CM_N_PERIODS
} CmPeriod;

/* What the views show, read separately. */
typedef enum
{
  CM_SECTION_OVERVIEW = 1 << 0,  /* cards, breakdown, chart, top projects */
  CM_SECTION_MODELS   = 1 << 1,
  CM_SECTION_USERS    = 1 << 2,
  CM_SECTION_SESSIONS = 1 << 3,
} CmSection;

#define CM_SECTION_ALL 0xfu

#define CM_TYPE_REPORT (cm_report_get_type ())

G_DECLARE_FINAL_TYPE (CmReport, cm_report, CM, REPORT, GObject)

/* Every figure the window shows, re-queried on a worker thread whenever the
 * filter or the store changes (bursts coalesce, stale results are dropped),
 * then spliced into the list models on the main thread; "updated" follows. */
CmReport    *cm_report_new                 (CmStore              *store,
                                            CmFilter             *filter);
CmStore     *cm_report_get_store           (CmReport             *self);
CmFilter    *cm_report_get_filter          (CmReport             *self);

/* CmGroupItem: Bedrock, Anthropic, Vertex, Not yet classified (always 4),
 * by cost. */
GListModel  *cm_report_get_backends        (CmReport             *self);
/* CmGroupItem per (day, backend) and per (day, model), by day; only the
 * one of the chart's stacking is kept current (cm_report_set_by_model). */
GListModel  *cm_report_get_days            (CmReport             *self);
GListModel  *cm_report_get_days_by_model   (CmReport             *self);
/* CmGroupItem per (model, backend), by cost, with "share" of the total. */
GListModel  *cm_report_get_models          (CmReport             *self);
/* CmGroupItem per user with cost-bedrock/-anthropic/-vertex/-unknown, ranked
 * by Bedrock spend; the unattributed row last and muted. */
GListModel  *cm_report_get_users           (CmReport             *self);
/* CmGroupItem per project, by cost. */
GListModel  *cm_report_get_projects        (CmReport             *self);
/* CmSessionItem, newest first. */
GListModel  *cm_report_get_sessions        (CmReport             *self);
CmGroupItem *cm_report_get_totals          (CmReport             *self,
                                            CmPeriod              period);
/* The Total row of a section's list (a list of one item of its type, the
 * sum of its rows, "total" TRUE), replaced with the list; NULL for the
 * overview. */
CmGroupItem *cm_report_get_previous_totals (CmReport           *self,
                                           CmPeriod            period,
                                           guint              *n_days);
GListModel  *cm_report_get_total           (CmReport             *self,
                                            CmSection             section);
/* Every model / project in the store (all history), for filter choices. */
const char * const *cm_report_get_all_models   (CmReport         *self);
const char * const *cm_report_get_all_projects (CmReport         *self);
/* When the store's first and last messages were (Unix ms), whatever the
 * filter; FALSE while unknown or empty. */
gboolean     cm_report_get_extent          (CmReport             *self,
                                            gint64               *first_ms,
                                            gint64               *last_ms);
/* TRUE when the store holds no message at all (not just none in the filter). */
gboolean     cm_report_get_store_empty     (CmReport             *self);
gboolean     cm_report_get_loading         (CmReport             *self);
/* The in-memory cache the views are read from (tests, benchmarks). */
CmRollupCache *cm_report_get_cache        (CmReport             *self);
/* How many results were applied so far (0 = nothing shown yet). */
guint        cm_report_get_serial          (CmReport             *self);
const GError *cm_report_get_error          (CmReport             *self);

/* The chart's stacking: only its day rows are queried (days or
 * days-by-model); a switch re-queries. */
gboolean     cm_report_get_by_model        (CmReport             *self);
void         cm_report_set_by_model        (CmReport             *self,
                                            gboolean              by_model);
/* Whether the day rows last read were by model (the stacking the chart's
 * lists hold now, which lags cm_report_set_by_model() until it is read). */
gboolean     cm_report_get_days_by_model_read (CmReport          *self);
/* The sections to keep current (CmSection flags, default all): the window
 * asks for the one it shows; the others are read when they show. The
 * sessions list is read after the rest (it is the slowest read). */
void         cm_report_set_wanted          (CmReport             *self,
                                            guint                 sections);
guint        cm_report_get_wanted          (CmReport             *self);
/* Sections not read since the filter or the store changed. */
guint        cm_report_get_stale           (CmReport             *self);

/* The team database every view reads instead of the store (NULL: the
 * store). What a role sees there is decided by the database. */
CmTeamStore *cm_report_get_team            (CmReport             *self);
void         cm_report_set_team            (CmReport             *self,
                                            CmTeamStore          *team);
/* TRUE when the team database shows this role every user's rows. */
gboolean     cm_report_get_team_admin      (CmReport             *self);

/* Re-query soon (coalesced with other requests). */
void         cm_report_refresh             (CmReport             *self);

/* The messages of one session as CmMessageItem, oldest first. */
void         cm_report_load_session_async  (CmReport             *self,
                                            const char           *session_id,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
GListModel  *cm_report_load_session_finish (CmReport             *self,
                                            GAsyncResult         *result,
                                            GError              **error);

const char  *cm_backend_display_name       (CmBackend             backend);

G_END_DECLS
