/* cm-rollup-cache.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-query.h"
#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TYPE_ROLLUP_CACHE (cm_rollup_cache_get_type ())

G_DECLARE_FINAL_TYPE (CmRollupCache, cm_rollup_cache, CM, ROLLUP_CACHE, GObject)

/* One grouping of a query: rows by @primary, then @secondary. */
typedef struct
{
  CmGroupBy primary;
  CmGroupBy secondary;
} CmGrouping;

/* The store's usage in memory, so that a filter change is a pass over an
 * array instead of a query. Without sessions it holds the rollup (a quarter
 * hour of one model, backend, user and project per slice); with sessions,
 * the same split by session, read from the messages. It reloads when the
 * store's generation moves. Safe to query from several threads. */
CmRollupCache *cm_rollup_cache_new            (CmStore              *store,
                                               gboolean              sessions);

CmStore       *cm_rollup_cache_get_store      (CmRollupCache        *self);
gboolean       cm_rollup_cache_get_sessions   (CmRollupCache        *self);
/* Slices held now (0 before the first query). */
guint          cm_rollup_cache_get_n_slices   (CmRollupCache        *self);

/* Reads the store again at the next query, even if its generation did not
 * move (a scan commits batches before it says "changed"). */
void           cm_rollup_cache_invalidate     (CmRollupCache        *self);
/* Gives back the memory of what it holds (queries running keep theirs);
 * the next query reads the store again. */
void           cm_rollup_cache_release        (CmRollupCache        *self);

/* As cm_store_query_groups() once per grouping, in one pass: @results gets
 * one GPtrArray of CmGroupRow per grouping, in the store's order. A session
 * grouping or a session filter needs a cache with sessions. */
gboolean       cm_rollup_cache_query          (CmRollupCache        *self,
                                               const CmQueryFilter  *filter,
                                               const CmGrouping     *groupings,
                                               guint                 n_groupings,
                                               GPtrArray           **results,
                                               GError              **error);
/* As cm_store_query_totals(). */
gboolean       cm_rollup_cache_query_totals   (CmRollupCache        *self,
                                               const CmQueryFilter  *filter,
                                               CmTotals             *totals,
                                               GError              **error);
/* As cm_store_query_sessions(); needs a cache with sessions. */
GPtrArray     *cm_rollup_cache_query_sessions (CmRollupCache        *self,
                                               const CmQueryFilter  *filter,
                                               GError              **error);

G_END_DECLS
