/* cm-store-blocks.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* 5-hour blocks from the quarter-hour rollups, exactly.
 *
 * A block starts on a whole hour and ends on one, and every quarter hour of
 * the rollup lies inside one hour: a quarter hour is never cut by a block's
 * end. Whether a message starts a new block depends only on whether its
 * quarter hour starts at or after the current block's end, and the new block
 * starts at that quarter hour's hour. So walking the non-empty quarter hours
 * in time order gives the same blocks, with the same sums, as walking every
 * message; first_ms/last_ms of the rows give the first and last message.
 *
 * Hours are UTC hours (as ccusage floors them): blocks are the same in every
 * time zone, and in a zone whose offset is not whole hours they start at half
 * or quarter past. */

#include "config.h"

#include "cm-store-private.h"

#define QUARTER_MS (G_GINT64_CONSTANT (15) * 60 * 1000)

typedef struct
{
  GPtrArray  *blocks;      /* CmBlock, oldest first */
  CmBlock    *current;
  GPtrArray  *models;      /* CmGroupRow of the current block: key = model */
  GHashTable *by_model;    /* model -> CmGroupRow in models */
} Builder;

static void
builder_init (Builder *b)
{
  b->blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_block_free);
  b->current = NULL;
  b->models = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
  b->by_model = g_hash_table_new (g_str_hash, g_str_equal);
}

static void
builder_close_block (Builder *b)
{
  CmSessionRow names = { 0 };

  if (b->current == NULL)
    return;

  /* The sessions' rule for their model lists: costliest first. */
  cm_session_row_set_models (&names, b->models);
  b->current->models = g_strdup (names.models);
  g_ref_string_release (names.models);

  g_hash_table_remove_all (b->by_model);
  g_ptr_array_set_size (b->models, 0);
  b->current = NULL;
}

static GPtrArray *
builder_finish (Builder *b)
{
  builder_close_block (b);
  g_hash_table_unref (b->by_model);
  g_ptr_array_unref (b->models);

  return b->blocks;
}

/* One rollup row sum (a quarter hour of one model); rows come in time order. */
static void
builder_add (Builder        *b,
             gint64          quarter_ms,
             const char     *model,
             const CmTotals *totals)
{
  CmGroupRow *row;

  if (b->current == NULL || quarter_ms >= b->current->end_ms)
    {
      builder_close_block (b);
      b->current = g_new0 (CmBlock, 1);
      b->current->start_ms = quarter_ms - ((quarter_ms % CM_HOUR_MS) + CM_HOUR_MS) % CM_HOUR_MS;
      b->current->end_ms = b->current->start_ms + CM_BLOCK_MS;
      g_ptr_array_add (b->blocks, b->current);
    }

  cm_totals_add (&b->current->totals, totals);

  row = g_hash_table_lookup (b->by_model, model);
  if (row == NULL)
    {
      row = g_new0 (CmGroupRow, 1);
      row->key = g_strdup (model);
      g_ptr_array_add (b->models, row);
      g_hash_table_insert (b->by_model, row->key, row);
    }
  cm_totals_add (&row->totals, totals);
}

static const char *
source_table (const CmQueryFilter *filter)
{
  return filter != NULL && filter->session_id != NULL ? "session_rollup" : "rollup";
}

/* Bounded reads. A block's start depends on every block before it back to
 * the last pause of more than 5 hours (with no pause, on the very first
 * message): the chain of blocks cannot be cut at a fixed distance from now.
 * What keeps the reads small is that they never walk the rows: each step is
 * one seek on the rollup's (ts, ...) key (or the session rollup's
 * (session_id, ts, ...)), and steps go 5 hours at a time.
 *
 * A prepared statement of the query's filter and two more bounds, :lo and
 * :hi; @order is "" for the first quarter hour in [lo, hi) and "DESC" for
 * the last. */
typedef struct
{
  sqlite3_stmt *first;
  sqlite3_stmt *last;
} Seek;

static sqlite3_stmt *
seek_prepare (CmStoreQuery         *q,
              const CmQueryFilter  *filter,
              const char           *order,
              GError              **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT m.ts FROM %s m%s AND m.ts >= :lo AND m.ts < :hi"
                                          " ORDER BY m.ts %s LIMIT 1",
                                          source_table (filter), q->params.where->str, order);

  return cm_store_query_prepare (q, sql, error);
}

static gboolean
seek_init (Seek                 *seek,
           CmStoreQuery         *q,
           const CmQueryFilter  *filter,
           GError              **error)
{
  seek->first = seek_prepare (q, filter, "", error);
  seek->last = seek->first != NULL ? seek_prepare (q, filter, "DESC", error) : NULL;

  return seek->last != NULL;
}

static void
seek_clear (Seek *seek)
{
  g_clear_pointer (&seek->first, sqlite3_finalize);
  g_clear_pointer (&seek->last, sqlite3_finalize);
}

/* The first (or last) non-empty quarter hour in [lo, hi) into *ts, or
 * G_MAXINT64 (G_MININT64) when there is none. */
static gboolean
seek_step (CmStoreQuery  *q,
           sqlite3_stmt  *stmt,
           gint64         lo,
           gint64         hi,
           gint64        *ts,
           GError       **error)
{
  int rc;

  sqlite3_reset (stmt);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":lo"), lo);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":hi"), hi);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *ts = sqlite3_column_int64 (stmt, 0);
  else
    *ts = G_MAXINT64;
  sqlite3_reset (stmt);

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, q->db, rc, "blocks");

  return TRUE;
}

/* The first non-empty quarter hour of a block whose start does not depend on
 * anything before it: one that comes at least 5 hours and a quarter after
 * the quarter hour before it (whatever block that one was in has ended by
 * then), or the very first one. Walked back from @later (a non-empty quarter
 * hour) a window of that length at a time: the earliest quarter hour in the
 * window before x, if any, is where to look next, since no quarter hour
 * between them can follow such a pause. */
static gboolean
find_anchor (CmStoreQuery  *q,
             Seek          *seek,
             gint64         later,
             gint64        *anchor,
             GError       **error)
{
  const gint64 pause = CM_BLOCK_MS + QUARTER_MS;
  gint64 x = later;

  for (;;)
    {
      gint64 earlier;

      if (!seek_step (q, seek->first, x - pause + 1, x, &earlier, error))
        return FALSE;
      if (earlier == G_MAXINT64)
        break;
      x = earlier;
    }
  *anchor = x;

  return TRUE;
}

static gint64
floor_hour (gint64 ts)
{
  return ts - ((ts % CM_HOUR_MS) + CM_HOUR_MS) % CM_HOUR_MS;
}

/* From the first quarter hour of a block, block by block (one seek each: the
 * next block opens on the first quarter hour at or after this one's end) to
 * the first block that starts at or after @from_ms; G_MAXINT64 when none
 * opens before @until. */
static gboolean
skip_blocks (CmStoreQuery  *q,
             Seek          *seek,
             gint64         first,
             gint64         from_ms,
             gint64         until,
             gint64        *out,
             GError       **error)
{
  while (first != G_MAXINT64 && floor_hour (first) < from_ms)
    {
      if (!seek_step (q, seek->first, floor_hour (first) + CM_BLOCK_MS, until, &first, error))
        return FALSE;
    }
  *out = first;

  return TRUE;
}

/* Where to read blocks from so that those from @from_ms on come out as from
 * the whole history: the first quarter hour of the first block that starts
 * at or after @from_ms (G_MAXINT64: none before @until), or G_MININT64 to
 * read everything. */
static gboolean
find_start (CmStoreQuery         *q,
            const CmQueryFilter  *filter,
            gint64                from_ms,
            gint64                until,
            gint64               *start,
            GError              **error)
{
  Seek seek = { 0 };
  gint64 later = G_MAXINT64;
  gint64 anchor = G_MAXINT64;
  gboolean ok;

  *start = G_MININT64;
  if (from_ms == G_MININT64)
    return TRUE;

  /* A block that starts at or after @from_ms has its first message there. */
  ok = seek_init (&seek, q, filter, error) &&
       seek_step (q, seek.first, from_ms, until, &later, error) &&
       (later == G_MAXINT64 || find_anchor (q, &seek, later, &anchor, error)) &&
       skip_blocks (q, &seek, anchor, from_ms, until, start, error);
  seek_clear (&seek);

  return ok;
}

static gboolean
read_blocks (CmStoreQuery         *q,
             const CmQueryFilter  *filter,
             gint64                anchor,
             gint64                until,
             Builder              *builder,
             GError              **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  int rc;

  sql = g_strdup_printf ("SELECT m.ts, m.model, " CM_ROLLUP_TOTALS_COLUMNS " FROM %s m%s"
                         " AND m.ts >= %" G_GINT64_FORMAT " AND m.ts < %" G_GINT64_FORMAT
                         " GROUP BY m.ts, m.model ORDER BY m.ts",
                         source_table (filter), q->params.where->str, anchor, until);
  stmt = cm_store_query_prepare (q, sql, error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmTotals totals;

      cm_store_read_totals (stmt, 2, &totals);
      builder_add (builder, sqlite3_column_int64 (stmt, 0),
                   (const char *) sqlite3_column_text (stmt, 1), &totals);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    return cm_sqlite_set_error (error, q->db, rc, "blocks");

  return TRUE;
}

static void
keep_between (GPtrArray *blocks,
              gint64     from_ms,
              gint64     to_ms)
{
  for (guint i = blocks->len; i > 0; i--)
    {
      CmBlock *block = g_ptr_array_index (blocks, i - 1);

      if (block->start_ms < from_ms || block->start_ms >= to_ms)
        g_ptr_array_remove_index (blocks, i - 1);
    }
}

GPtrArray *
cm_store_query_blocks_between (CmStore              *self,
                               const CmQueryFilter  *filter,
                               gint64                from_ms,
                               gint64                to_ms,
                               GError              **error)
{
  g_autoptr(CmQueryFilter) rows = cm_query_filter_copy (filter);
  g_autoptr(GPtrArray) blocks = NULL;
  /* A block that starts before @to_ms may run 5 hours past it. */
  gint64 until = to_ms > G_MAXINT64 - CM_BLOCK_MS ? G_MAXINT64 : to_ms + CM_BLOCK_MS;
  CmStoreQuery q;
  Builder builder;
  gint64 anchor;
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  /* The date range picks blocks, not messages: a block is the same block
   * whatever range it is seen through. */
  g_clear_pointer (&rows->since, g_free);
  g_clear_pointer (&rows->until, g_free);

  builder_init (&builder);
  ok = cm_store_query_begin (&q, self, rows, error) &&
       find_start (&q, rows, from_ms, until, &anchor, error) &&
       (anchor == G_MAXINT64 || read_blocks (&q, rows, anchor, until, &builder, error));
  cm_store_query_end (&q);
  blocks = builder_finish (&builder);

  if (!ok)
    return NULL;

  keep_between (blocks, from_ms, to_ms);

  return g_steal_pointer (&blocks);
}

GPtrArray *
cm_store_query_blocks (CmStore              *self,
                       const CmQueryFilter  *filter,
                       GError              **error)
{
  CmZoneCursor zone;
  gint64 from = G_MININT64;
  gint64 to = G_MAXINT64;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if (filter != NULL && !cm_query_filter_validate (filter, error))
    return NULL;

  cm_zone_cursor_init (&zone, filter);
  if (filter != NULL && filter->since != NULL)
    from = cm_zone_cursor_midnight (&zone, filter->since, 0);
  if (filter != NULL && filter->until != NULL)
    to = cm_zone_cursor_midnight (&zone, filter->until, 1);
  cm_zone_cursor_clear (&zone);

  return cm_store_query_blocks_between (self, filter, from, to, error);
}

CmBlock *
cm_store_query_active_block (CmStore              *self,
                             const CmQueryFilter  *filter,
                             gint64                now_ms,
                             GError              **error)
{
  g_autoptr(GPtrArray) blocks = NULL;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The running block started less than 5 hours ago; at most one did. */
  blocks = cm_store_query_blocks_between (self, filter, now_ms - CM_BLOCK_MS + 1, now_ms + 1, error);
  if (blocks == NULL || blocks->len == 0)
    return NULL;

  return g_ptr_array_steal_index (blocks, blocks->len - 1);
}
