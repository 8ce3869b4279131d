/* cm-record.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cm-record.h"

void
cm_record_clear (CmRecord *record)
{
  g_clear_pointer (&record->message_id, g_free);
  g_clear_pointer (&record->request_id, g_free);
  g_clear_pointer (&record->uuid, g_free);
  g_clear_pointer (&record->session_id, g_free);
  g_clear_pointer (&record->cwd, g_free);
  g_clear_pointer (&record->model_raw, g_free);
  g_clear_pointer (&record->speed, g_free);
  g_clear_pointer (&record->inference_geo, g_free);
  memset (record, 0, sizeof *record);
}

const char *
cm_record_speed_key (const char *speed)
{
  if (speed == NULL || g_ascii_strcasecmp (speed, "standard") == 0)
    return "";

  return speed;
}

const char *
cm_record_geo_key (const char *geo)
{
  if (geo == NULL || g_ascii_strcasecmp (geo, "global") == 0 ||
      g_ascii_strcasecmp (geo, "not_available") == 0)
    return "";

  return geo;
}

char *
cm_record_dedup_key (const CmRecord *record,
                     gint64          file_id,
                     gint64          offset)
{
  if (record->message_id != NULL)
    return g_strconcat ("m:", record->message_id, "\x1f",
                        record->request_id != NULL ? record->request_id : "", NULL);

  /* Lines without a message id are kept as they are; their own uuid (or
   * position) keeps a re-read from counting them twice. */
  if (record->uuid != NULL)
    return g_strconcat ("u:", record->uuid, NULL);

  return g_strdup_printf ("p:%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, file_id, offset);
}

static gint64
prompt_tokens (const CmUsage *u)
{
  return u->input + u->cache_write_5m + u->cache_write_1h + u->cache_read;
}

gboolean
cm_record_is_better (const CmRecord *a,
                     const CmRecord *b)
{
  int c;

  if (a->usage.output != b->usage.output)
    return a->usage.output > b->usage.output;
  if (a->is_sidechain != b->is_sidechain)
    return !a->is_sidechain;
  if (prompt_tokens (&a->usage) != prompt_tokens (&b->usage))
    return prompt_tokens (&a->usage) > prompt_tokens (&b->usage);
  if (a->timestamp_ms != b->timestamp_ms)
    return a->timestamp_ms < b->timestamp_ms;

  c = g_strcmp0 (a->uuid != NULL ? a->uuid : "", b->uuid != NULL ? b->uuid : "");
  return c < 0;
}
