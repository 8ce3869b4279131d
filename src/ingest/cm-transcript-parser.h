/* cm-transcript-parser.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-record.h"

G_BEGIN_DECLS

typedef enum
{
  CM_PARSE_RECORD,    /* a priced line: @record is filled */
  CM_PARSE_SKIP,      /* valid JSON without usage (user, summary, system, ...) */
  CM_PARSE_SYNTHETIC, /* model "<synthetic>": a local error message, never billed */
  CM_PARSE_BROKEN,    /* not a JSON object, or usage fields of the wrong type */
} CmParseResult;

/* Parses one complete transcript line (without its newline). The line need not
 * be NUL-terminated. On CM_PARSE_BROKEN @reason (if given) points to a static
 * string saying why. The fast path: no allocation but the record's strings. */
CmParseResult cm_transcript_parse_line           (const char   *line,
                                                  gsize         len,
                                                  CmRecord     *record,
                                                  const char  **reason);

/* The same contract, implemented with json-glib. Slow; used by tests to check
 * the fast path line by line. */
CmParseResult cm_transcript_parse_line_reference (const char   *line,
                                                  gsize         len,
                                                  CmRecord     *record,
                                                  const char  **reason);

/* Parses an ISO-8601 timestamp ("2026-02-18T11:30:24.575Z", offsets allowed)
 * into Unix milliseconds. */
gboolean      cm_parse_timestamp_ms              (const char   *str,
                                                  gsize         len,
                                                  gint64       *out_ms);

G_END_DECLS
