/* fuzz-transcript-parser.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libFuzzer target for the transcript line parser. The input is one line
 * (not NUL-terminated, exactly @size bytes, so ASan sees any over-read). Both
 * the fast parser and the json-glib reference run on it; a record must carry
 * sane values (the reference only up to 8 KiB). With CM_FUZZ_DIFFERENTIAL=1 the two must also agree on the
 * result class and the token counts.
 */

#include "config.h"

#include <stdint.h>
#include <stdlib.h>
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
  static int differential = -1;
  /* A private copy of exactly @size bytes: reads past it are caught. Never
   * NULL (g_memdup2 gives NULL for 0 bytes; the scanner never passes NULL). */
  char *line = memcpy (g_malloc (MAX (size, 1)), data, size);
  CmRecord fast = { 0 };
  CmRecord ref = { 0 };
  const char *fast_reason = NULL;
  const char *ref_reason = NULL;
  CmParseResult rf, rr;
  gint64 ms;

  if (differential < 0)
    differential = g_strcmp0 (g_getenv ("CM_FUZZ_DIFFERENTIAL"), "1") == 0;

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

  if (differential)
    {
      g_assert_cmpint (rf, ==, rr);
      if (rf == CM_PARSE_RECORD)
        {
          g_assert_cmpint (fast.usage.input, ==, ref.usage.input);
          g_assert_cmpint (fast.usage.output, ==, ref.usage.output);
          g_assert_cmpint (fast.usage.cache_write_5m, ==, ref.usage.cache_write_5m);
          g_assert_cmpint (fast.usage.cache_write_1h, ==, ref.usage.cache_write_1h);
          g_assert_cmpint (fast.usage.cache_read, ==, ref.usage.cache_read);
          g_assert_cmpint (fast.usage.web_search, ==, ref.usage.web_search);
          g_assert_cmpint (fast.timestamp_ms, ==, ref.timestamp_ms);
          g_assert_cmpstr (fast.message_id, ==, ref.message_id);
          g_assert_cmpstr (fast.model_raw, ==, ref.model_raw);
        }
    }

  cm_record_clear (&fast);
  cm_record_clear (&ref);

  /* The timestamp parser on its own, for short inputs. */
  if (size <= 64)
    (void) cm_parse_timestamp_ms (line, size, &ms);

  g_free (line);

  return 0;
}
