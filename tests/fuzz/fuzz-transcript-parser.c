/* fuzz-transcript-parser.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the transcript line parser. The input is one line
 * (not NUL-terminated, exactly @size bytes, so ASan sees any over-read). Both
 * the fast parser and the json-glib reference run on it; a record must carry
 * sane values (the reference only up to 8 KiB). That the two agree is
 * fuzz-transcript-parser-differential's job.
 */

#include "config.h"

#include <stdint.h>
#include <string.h>

#include "cm-transcript-parser.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_record (CmParseResult   r,
              const CmRecord *rec,
              const char     *reason)
{
  if (r == CM_PARSE_BROKEN)
    {
      g_assert_nonnull (reason);
      g_assert_cmpuint (strlen (reason), >, 0);
      return;
    }

  if (r != CM_PARSE_RECORD)
    return;

  /* Strings the store and the UI will use must be valid UTF-8. */
  g_assert_true (rec->message_id == NULL || g_utf8_validate (rec->message_id, -1, NULL));
  g_assert_true (rec->request_id == NULL || g_utf8_validate (rec->request_id, -1, NULL));
  g_assert_true (rec->session_id == NULL || g_utf8_validate (rec->session_id, -1, NULL));
  g_assert_true (rec->cwd == NULL || g_utf8_validate (rec->cwd, -1, NULL));
  g_assert_true (rec->model_raw == NULL || g_utf8_validate (rec->model_raw, -1, NULL));
  g_assert_true (rec->uuid == NULL || g_utf8_validate (rec->uuid, -1, NULL));
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  /* A private copy of exactly @size bytes: reads past it are caught. Never
   * NULL (g_memdup2 gives NULL for 0 bytes; the scanner never passes NULL). */
  char *line = memcpy (g_malloc (MAX (size, 1)), data, size);
  CmRecord fast = { 0 };
  CmRecord ref = { 0 };
  const char *fast_reason = NULL;
  const char *ref_reason = NULL;
  CmParseResult rf, rr;
  gint64 ms;

  rf = cm_transcript_parse_line (line, size, &fast, &fast_reason);
  check_record (rf, &fast, fast_reason);

  /* json-glib recurses once per nesting level: past a few thousand levels
   * the reference (a test oracle, never run on user data) overflows the
   * stack, so it only sees inputs too short for that. */
  if (size > 8192)
    {
      cm_record_clear (&fast);
      g_free (line);
      return 0;
    }

  rr = cm_transcript_parse_line_reference (line, size, &ref, &ref_reason);
  check_record (rr, &ref, ref_reason);

  cm_record_clear (&fast);
  cm_record_clear (&ref);

  /* The timestamp parser on its own, for short inputs. */
  if (size <= 64)
    (void) cm_parse_timestamp_ms (line, size, &ms);

  g_free (line);

  return 0;
}
