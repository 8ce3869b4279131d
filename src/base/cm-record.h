/* cm-record.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-types.h"

G_BEGIN_DECLS

/* One assistant message with usage, as read from one transcript line. Strings
 * are owned by the record (NULL when the line does not carry the field). */
typedef struct
{
  char     *message_id;
  char     *request_id;
  char     *uuid;          /* the line's own uuid */
  char     *session_id;
  char     *cwd;
  char     *model_raw;     /* message.model exactly as written */
  char     *speed;         /* usage.speed ("fast"), at most 32 bytes; NULL when absent */
  char     *inference_geo; /* usage.inference_geo ("us"), likewise */
  gint64    timestamp_ms;  /* Unix time in milliseconds (UTC) */
  gboolean  is_sidechain;
  gboolean  has_cache_breakdown; /* usage.cache_creation present */
  CmUsage   usage;         /* without a 5m/1h breakdown all writes count as 5m */
} CmRecord;

void         cm_record_clear               (CmRecord            *record);

/* How a speed or inference geography is stored and grouped: "" for the
 * standard ones (absent, "standard"; absent, "global", "not_available"),
 * else the value (which the parser lower-cases). */
const char  *cm_record_speed_key           (const char          *speed);
const char  *cm_record_geo_key             (const char          *geo);

/* The dedup key of a record: message id + request id; a line without a
 * message id is keyed by its own uuid or, lacking one, its position. */
char        *cm_record_dedup_key           (const CmRecord      *record,
                                            gint64               file_id,
                                            gint64               offset);
/* TRUE when @a is the better copy of one message than @b (larger output, then
 * non-sidechain, then larger prompt, then earlier, then smaller uuid). */
gboolean     cm_record_is_better           (const CmRecord      *a,
                                            const CmRecord      *b);

G_END_DECLS
