/* cm-store.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-pricing.h"
#include "cm-query.h"
#include "cm-record.h"

G_BEGIN_DECLS

#define CM_STORE_ERROR (cm_store_error_quark ())

typedef enum
{
  CM_STORE_ERROR_CORRUPT,     /* not a database, or damaged: rebuild from transcripts */
  CM_STORE_ERROR_TOO_NEW,     /* written by a newer CostMeter */
  CM_STORE_ERROR_FULL,        /* disk full: nothing was lost, retry later */
  CM_STORE_ERROR_FAILED,
  CM_STORE_ERROR_BUSY,        /* another process holds it (a rebuild, or the app for a rebuild) */
  CM_STORE_ERROR_NOT_DATABASE,/* a rebuild refuses to replace a file that is not SQLite's */
} CmStoreError;

typedef struct
{
  gint64    id;
  char     *path;        /* the folder as the user gave it */
  char     *owner;       /* explicit owner, or NULL */
  char     *detected_owner; /* from the .claude.json beside it, or NULL */
  gboolean  is_default;
  gboolean  enabled;
  gint64    parent_id;   /* a home found in a folder the user added: that folder */
} CmSourceInfo;

/* One rate-limit observation (see cm-ratelimit-client.h). Absent headers are -1
 * (counts) or 0 (reset times). */
typedef struct
{
  gint64  observed_ms;
  char   *model;
  char   *organization_id;
  char   *kind;            /* "requests", "tokens", "input-tokens", "output-tokens" */
  gint64  limit;
  gint64  remaining;
  gint64  reset_ms;
  gint64  retry_after_s;   /* -1 when absent */
  int     http_status;
} CmRateLimitObservation;

/* One reading of the plan's usage windows, as Claude Code passes them to its
 * status line (rate_limits.five_hour / seven_day). A window that was absent
 * has percent < 0 and reset 0. */
typedef struct
{
  gint64  observed_ms;
  char   *session_id;
  char   *model;
  double  five_hour_percent;  /* 0-100 */
  gint64  five_hour_reset_ms;
  double  seven_day_percent;
  gint64  seven_day_reset_ms;
} CmPlanObservation;

#define CM_TYPE_STORE (cm_store_get_type ())

G_DECLARE_FINAL_TYPE (CmStore, cm_store, CM, STORE, GObject)

GQuark      cm_store_error_quark            (void);

/* $XDG_DATA_HOME/costmeter/costmeter.db */
char       *cm_store_default_path           (void);

/* Opens (creating with mode 0600) and migrates the database. Safe to use from
 * any thread; "changed" is emitted on the thread-default main context that was
 * current when the store was opened. */
CmStore    *cm_store_open                   (const char          *path,
                                             GError             **error);
CmStore    *cm_store_open_light             (const char          *path,
                                             gboolean             writable,
                                             GError             **error);
const char *cm_store_get_path               (CmStore             *self);
/* Deletes the database files so the next open starts empty (a rebuild). */
gboolean    cm_store_delete_files           (const char          *path,
                                             GError             **error);

/* --- rebuild and recovery (cm-store-rebuild.c) --- */
typedef struct _CmRebuild CmRebuild;

/* What a rebuild kept from the old database and what it could not read. */
typedef struct
{
  gboolean  had_database;
  gboolean  damaged;       /* not all of it could be read (or not SQLite at all) */
  gboolean  too_new;       /* written by a newer CostMeter */
  gboolean  incomplete;    /* reading the damaged file stopped at its limits */
  guint     unreadable;    /* damaged regions skipped */
  gint64    sources;       /* folders carried over */
  gint64    files;         /* files not read again (gone, of a folder removed) */
  gint64    messages;      /* their messages */
  gint64    other_rows;    /* settings, owners, observations, billed figures */
  char     *kept_path;     /* NAME.damaged-DATE (or .newer-), after the commit */
} CmRebuildSummary;

/* Starts a rebuild of @path: locks it against every other CostMeter
 * (CM_STORE_ERROR_BUSY), refuses a file that is not SQLite's unless @force
 * (CM_STORE_ERROR_NOT_DATABASE), and makes NAME.rebuild holding what cannot
 * be read again. Scan into cm_rebuild_get_store(), drop every reference
 * taken to it and commit; freeing without a commit leaves @path as it was. */
CmRebuild  *cm_rebuild_begin                (const char          *path,
                                             gboolean             force,
                                             GError             **error);
CmStore    *cm_rebuild_get_store            (CmRebuild           *self);
/* Checks and closes the new file, keeps a damaged or newer old one as
 * NAME.damaged-DATE, and renames the new one into place. */
gboolean    cm_rebuild_commit               (CmRebuild           *self,
                                             GError             **error);
const CmRebuildSummary *cm_rebuild_get_summary (CmRebuild        *self);
/* One paragraph for the user: what was kept, what was damaged, where the
 * old file is; "" when there was no old database. */
char       *cm_rebuild_describe             (CmRebuild           *self);
void        cm_rebuild_free                 (CmRebuild           *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmRebuild, cm_rebuild_free)

/* SQLite's whole integrity check, then both rollups summed again from the
 * messages: what was found goes to @report (a line each); FALSE with
 * CM_STORE_ERROR_CORRUPT when anything is wrong. Reads every page. */
gboolean    cm_store_check                  (CmStore             *self,
                                             GString             *report,
                                             GError             **error);
/* SQLite's quick integrity check: CM_STORE_ERROR_CORRUPT when it fails. */
gboolean    cm_store_quick_check            (CmStore             *self,
                                             GError             **error);
/* cm_store_open(), and for a damaged database (one that does not open, or
 * fails the quick check after an unclean shutdown: a log was left) a
 * rebuild without a scan (what it held is kept, the damaged file too):
 * @note then says what happened, else it is NULL. */
CmStore    *cm_store_open_recovering        (const char          *path,
                                             char               **note,
                                             GError             **error);

/* For a short-lived process that runs often (the status line): closing the
 * store leaves the write-ahead log for the next writer to fold in. Call it
 * right after opening. */
void        cm_store_set_quick_exit         (CmStore             *self);

/* Bumps the generation and emits "changed" (from any thread). */
void        cm_store_emit_changed           (CmStore             *self);
guint64     cm_store_get_generation         (CmStore             *self);

/* --- sources --- */
gint64      cm_store_add_source             (CmStore             *self,
                                             const char          *path,
                                             const char          *owner,
                                             gboolean             is_default,
                                             GError             **error);
gboolean    cm_store_remove_source          (CmStore             *self,
                                             const char          *path,
                                             GError             **error);
gboolean    cm_store_set_source_owner       (CmStore             *self,
                                             const char          *path,
                                             const char          *owner,
                                             GError             **error);
gboolean    cm_store_set_source_enabled     (CmStore             *self,
                                             const char          *path,
                                             gboolean             enabled,
                                             GError             **error);
/* Every source, each home of a folder right after the folder. */
GPtrArray  *cm_store_list_sources           (CmStore             *self,
                                             GError             **error);
/* A home inside the folder @parent_id (idempotent): its files, stored under
 * the folder before, move to it, and follow its identity. */
gint64      cm_store_add_home_source        (CmStore             *self,
                                             gint64               parent_id,
                                             const char          *home,
                                             const char          *projects_dir,
                                             GError             **error);
/* Whose runs those of the default folders are when they name no account
 * and have no owner set (Preferences → You); NULL or "" for nobody. */
gboolean    cm_store_set_self_email         (CmStore             *self,
                                             const char          *email,
                                             GError             **error);
char       *cm_store_dup_self_email         (CmStore             *self);
/* The user the runs of @info belong to: its owner, else the account found
 * in it, else its folder's owner (@parent, for a home), else @self_email
 * for a default folder; NULL for nobody. */
const char *cm_source_info_effective_owner  (const CmSourceInfo  *info,
                                             const CmSourceInfo  *parent,
                                             const char          *detected,
                                             const char          *self_email);
void        cm_source_info_free             (CmSourceInfo        *info);

/* --- pricing --- */
/* Re-prices every stored message when @pricing differs from the table they
 * were priced with. Reads no transcript. Returns the number whose figures
 * changed. */
gint64      cm_store_reprice                (CmStore             *self,
                                             CmPricing           *pricing,
                                             GError             **error);
/* The same, and what the whole history cost before and after (for "history
 * re-priced: +$41.20"); either may be NULL. */
gint64      cm_store_reprice_measured       (CmStore             *self,
                                             CmPricing           *pricing,
                                             CmTotals            *before,
                                             CmTotals            *after,
                                             GError             **error);

/* --- queries (any thread; never block the UI thread with them) --- */
gboolean    cm_store_query_totals           (CmStore             *self,
                                             const CmQueryFilter *filter,
                                             CmTotals            *totals,
                                             GError             **error);
/* Rows of CmGroupRow sorted by key (then key2); @secondary may be CM_GROUP_NONE. */
GPtrArray  *cm_store_query_groups           (CmStore             *self,
                                             const CmQueryFilter *filter,
                                             CmGroupBy            primary,
                                             CmGroupBy            secondary,
                                             GError             **error);
/* Rows of CmSessionRow, newest first. */
GPtrArray  *cm_store_query_sessions         (CmStore             *self,
                                             const CmQueryFilter *filter,
                                             GError             **error);
/* Rows of CmMessageRow of one session, oldest first. */
GPtrArray  *cm_store_query_session_messages (CmStore             *self,
                                             const char          *session_id,
                                             GError             **error);
/* Distinct values for filter choices: models, projects, users (all history). */
GStrv       cm_store_list_models            (CmStore             *self,
                                             GError             **error);
GStrv       cm_store_list_projects          (CmStore             *self,
                                             GError             **error);
GStrv       cm_store_list_users             (CmStore             *self,
                                             GError             **error);
/* Broken complete lines seen in all files. */
/* Files (not gone) whose last line has no newline yet: how many and their
 * bytes past the last complete line. Never counted until complete, never
 * hidden either. */
gboolean    cm_store_count_pending_tails    (CmStore             *self,
                                             gint64              *files,
                                             gint64              *bytes,
                                             GError             **error);
gint64      cm_store_count_skipped_lines    (CmStore             *self,
                                             GError             **error);

/* --- 5-hour blocks (cm-store-blocks.c) --- */
/* Rows of CmBlock, oldest first. The filter's date range picks the blocks
 * that start on those days; its other parts pick the messages. */
GPtrArray  *cm_store_query_blocks           (CmStore             *self,
                                             const CmQueryFilter *filter,
                                             GError             **error);
/* The blocks starting in [@from_ms, @to_ms), as the whole history makes
 * them (it reads back only to the last pause of 5 hours). The filter's date
 * range is ignored. */
GPtrArray  *cm_store_query_blocks_between   (CmStore             *self,
                                             const CmQueryFilter *filter,
                                             gint64               from_ms,
                                             gint64               to_ms,
                                             GError             **error);
/* The block running at @now_ms; NULL without @error set when there is none. */
CmBlock    *cm_store_query_active_block     (CmStore             *self,
                                             const CmQueryFilter *filter,
                                             gint64               now_ms,
                                             GError             **error);

/* --- plan windows (cm-store-plan.c) --- */
/* Records @obs; a reading equal to the newest one (same session, model and
 * windows) only moves its time, so a status line refreshing every second
 * adds a row only when something changed. Waits at most @busy_ms for a
 * writer (a scan) to finish. */
gboolean    cm_store_add_plan_observation   (CmStore                 *self,
                                             const CmPlanObservation *obs,
                                             int                      busy_ms,
                                             GError                 **error);
/* The newest observation that carries at least one window, or NULL (no
 * @error) when there is none. */
CmPlanObservation *cm_store_get_plan_observation (CmStore       *self,
                                                  GError       **error);
void        cm_plan_observation_free        (CmPlanObservation       *obs);

/* --- rate limits --- */
gboolean    cm_store_add_ratelimit_observation   (CmStore                      *self,
                                                  const CmRateLimitObservation *obs,
                                                  GError                      **error);
/* The newest observation per (model, kind), newest first. */
GPtrArray  *cm_store_list_ratelimit_observations (CmStore                      *self,
                                                  GError                      **error);
void        cm_ratelimit_observation_free        (CmRateLimitObservation       *obs);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmPlanObservation, cm_plan_observation_free)

G_END_DECLS
