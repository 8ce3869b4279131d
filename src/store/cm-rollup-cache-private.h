/* cm-rollup-cache-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shared by the rollup cache's loading (cm-rollup-cache.c) and its queries
 * (cm-rollup-cache-query.c): the snapshot a load makes and queries read. */

#pragma once

#include "cm-rollup-cache.h"
#include "cm-store-private.h"

G_BEGIN_DECLS

/* The CmTotals members a slice keeps in 32 bits, and those it keeps whole:
 * one list for the struct and both copies, so that none is left out. */
#define SLICE_COUNTS(X) \
  X (input) X (output) X (cache_write_5m) X (cache_write_1h) X (cache_read) \
  X (web_search) X (messages) X (unpriced) X (estimated)
#define SLICE_MONEY(X) \
  X (cost) X (cost_input) X (cost_output) X (cost_cache_write_5m) \
  X (cost_cache_write_1h) X (cost_cache_read) X (cost_web_search)

#define DECLARE_COUNT(name) guint32 name;
#define DECLARE_MONEY(name) CmMoney name;

/* 128 bytes where a CmTotals would make it 176: a quarter hour of one
 * session holds far fewer than 2^32 tokens. A slice whose counts do not
 * fit keeps its totals in Snapshot.wide instead, at index .input. */
typedef struct
{
  gint64   ts;        /* the quarter hour's start */
  guint32  session;   /* index in sessions; 0 from the rollup */
  guint32  project;   /* index in projects; 0: none */
  guint32  user;      /* the store's user id; 0: nobody */
  guint32  model;     /* index in models */
  guint8   backend;
  guint8   wide;
  guint8   speed;     /* index in speeds; 0: standard */
  guint32  first_ms;  /* after ts */
  guint32  last_ms;
  SLICE_COUNTS (DECLARE_COUNT)
  SLICE_MONEY (DECLARE_MONEY)
} Slice;

#undef DECLARE_COUNT
#undef DECLARE_MONEY

G_STATIC_ASSERT (sizeof (Slice) == 128);

/* What a load read: never changed afterwards, so queries share it without
 * a lock. */
typedef struct
{
  guint64     generation;
  GArray     *slices;
  GArray     *wide;       /* CmTotals of slices too large for their fields */
  GPtrArray  *models;
  GPtrArray  *speeds;     /* [0] "": standard */
  GPtrArray  *projects;   /* [0] NULL */
  GPtrArray  *sessions;   /* [0] NULL */
  guint32    *by_session; /* with sessions: slice indices, a session's together */
  GHashTable *emails;     /* user id -> e-mail */
} Snapshot;

struct _CmRollupCache
{
  GObject   parent_instance;

  CmStore  *store;
  gboolean  sessions;

  GMutex    lock;
  Snapshot *snapshot;     /* under lock */
};

void      cm_rollup_snapshot_unref (Snapshot       *snap);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, cm_rollup_snapshot_unref)

/* The snapshot of the store as it is now, loaded if it is out of date; a
 * reference for the caller. */
Snapshot *cm_rollup_cache_acquire  (CmRollupCache  *self,
                                    GError        **error);

/* Inline: the queries call it for every slice they match. */
static inline void
cm_rollup_slice_get_totals (const Slice    *slice,
                            const Snapshot *snap,
                            CmTotals       *t)
{
  if (slice->wide)
    {
      *t = g_array_index (snap->wide, CmTotals, slice->input);
      return;
    }

#define COPY(name) t->name = slice->name;
  t->first_ms = slice->ts + slice->first_ms;
  t->last_ms = slice->ts + slice->last_ms;
  SLICE_COUNTS (COPY)
  SLICE_MONEY (COPY)
#undef COPY
}

G_END_DECLS
