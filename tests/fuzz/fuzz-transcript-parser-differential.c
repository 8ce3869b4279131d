/* fuzz-transcript-parser-differential.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target holding the fast transcript line parser to the json-glib
 * reference: on every input both must give the same result and, for a
 * record, the same fields, or the target aborts with both printed. The input
 * is one line of exactly @size bytes, not NUL-terminated.
 */

#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cm-transcript-parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static const char *
str (const char *s)
{
  return s != NULL ? s : "(none)";
}

static void
print_record (const char     *name,
              CmParseResult   r,
              const char     *reason,
              const CmRecord *rec)
{
  fprintf (stderr,
           "%s: result %d (%s)\n"
           "  message_id %s, request_id %s, uuid %s, session_id %s, cwd %s, model %s\n"
           "  speed %s, inference_geo %s\n"
           "  timestamp %" G_GINT64_FORMAT ", sidechain %d, breakdown %d\n"
           "  input %" G_GINT64_FORMAT ", output %" G_GINT64_FORMAT ", 5m %" G_GINT64_FORMAT
           ", 1h %" G_GINT64_FORMAT ", read %" G_GINT64_FORMAT ", web %" G_GINT64_FORMAT "\n",
           name, r, str (reason),
           str (rec->message_id), str (rec->request_id), str (rec->uuid), str (rec->session_id),
           str (rec->cwd), str (rec->model_raw), str (rec->speed), str (rec->inference_geo),
           rec->timestamp_ms, rec->is_sidechain, rec->has_cache_breakdown,
           rec->usage.input, rec->usage.output, rec->usage.cache_write_5m,
           rec->usage.cache_write_1h, rec->usage.cache_read, rec->usage.web_search);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A private copy of exactly @size bytes, so ASan sees any over-read; never
   * NULL, as from the scanner. */
  char *line = memcpy (g_malloc (MAX (size, 1)), data, size);
  CmRecord fast = { 0 };
  CmRecord ref = { 0 };
  const char *fast_reason = NULL;
  const char *ref_reason = NULL;
  CmParseResult rf, rr;

  /* No size cap: the reference checks the nesting depth on the text before
   * json-glib (which recurses per level) sees it. */
  rf = cm_transcript_parse_line (line, size, &fast, &fast_reason);
  rr = cm_transcript_parse_line_reference (line, size, &ref, &ref_reason);

  /* The reasons may differ (a line can be broken in two ways at once). */
  if (rf != rr ||
      g_strcmp0 (fast.message_id, ref.message_id) != 0 ||
      g_strcmp0 (fast.request_id, ref.request_id) != 0 ||
      g_strcmp0 (fast.uuid, ref.uuid) != 0 ||
      g_strcmp0 (fast.session_id, ref.session_id) != 0 ||
      g_strcmp0 (fast.cwd, ref.cwd) != 0 ||
      g_strcmp0 (fast.model_raw, ref.model_raw) != 0 ||
      g_strcmp0 (fast.speed, ref.speed) != 0 ||
      g_strcmp0 (fast.inference_geo, ref.inference_geo) != 0 ||
      fast.timestamp_ms != ref.timestamp_ms ||
      fast.is_sidechain != ref.is_sidechain ||
      fast.has_cache_breakdown != ref.has_cache_breakdown ||
      memcmp (&fast.usage, &ref.usage, sizeof fast.usage) != 0)
    {
      fprintf (stderr, "The fast parser and the reference disagree on %zu bytes:\n", size);
      print_record ("fast", rf, fast_reason, &fast);
      print_record ("reference", rr, ref_reason, &ref);
      abort ();
    }

  cm_record_clear (&fast);
  cm_record_clear (&ref);
  g_free (line);

  return 0;
}
