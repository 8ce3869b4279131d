/* cm-store-push.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* What the team push (src/team/) reads from the store: the messages that
 * were added, changed or removed since the team database acknowledged them.
 * The log behind it is kept by triggers (migration 3 in cm-store-schema.c)
 * once a push has started; nothing else uses it. */

#include "cm-store.h"

G_BEGIN_DECLS

/* One entry of the log, with the message as it is now. */
typedef struct
{
  gint64     seq;          /* the log's order; the watermark is one of these */
  gboolean   gone;         /* removed: only dkey and timestamp_ms are set */
  char      *dkey;         /* the store's dedup key */
  char      *file_path;    /* for rows keyed by position ("p:"), else NULL */
  gint64     timestamp_ms;
  char      *user;         /* e-mail, NULL when unattributed */
  char      *project;
  char      *session_id;
  char      *model;        /* canonical */
  char      *speed;        /* NULL: standard */
  CmBackend  backend;
  gboolean   sidechain;
  gboolean   priced;
  CmUsage    usage;
  CmCost     cost;
} CmPushRow;

void       cm_push_row_free              (CmPushRow  *row);

/* Starts the log (idempotent): every stored message is noted once, and from
 * then on every change. */
gboolean   cm_store_push_start           (CmStore    *self,
                                          GError    **error);
/* Ends it and forgets what was waiting (the team connection was removed). */
gboolean   cm_store_push_stop            (CmStore    *self,
                                          GError    **error);
gboolean   cm_store_get_push_started     (CmStore    *self);
/* This database's id in the team: a random UUID made once. */
char      *cm_store_dup_device_id        (CmStore    *self,
                                          GError    **error);
/* Entries waiting to be pushed (0 when no push has started); -1 on error. */
gint64     cm_store_count_push_pending   (CmStore    *self,
                                          GError    **error);
/* Up to @limit entries above @after, in order. */
GPtrArray *cm_store_read_push_rows       (CmStore    *self,
                                          gint64      after,
                                          guint       limit,
                                          GError    **error);
/* The team holds everything up to @seq: those entries are dropped. */
gboolean   cm_store_push_acknowledge     (CmStore    *self,
                                          gint64      seq,
                                          GError    **error);

G_END_DECLS
