/* cm-transcript-parser-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shared by the two parsers only: the fields a line yields and the one
 * way they become a CmRecord (cm-transcript-fields.c). The fast parser is
 * cm-transcript-parser.c, the json-glib reference cm-transcript-reference.c. */

#pragma once

#include "cm-transcript-parser.h"

G_BEGIN_DECLS

/* Deeper nesting is refused by both parsers alike. */
#define MAX_DEPTH      256
/* Token counts past 2^53 are not usage, by both parsers alike. */
#define MAX_TOKENS     (G_GINT64_CONSTANT (1) << 53)

/* A string value as it stands in the line, escapes and all. */
typedef struct
{
  const char *ptr;   /* between the quotes */
  gsize       len;
  gboolean    escaped;
  gboolean    set;
} Slice;

typedef struct
{
  gint64   values[7];
  guint    bad;            /* one bit per field: a later duplicate can mend it */
  gboolean has_breakdown;
  Slice    speed;          /* the billing modes: strings, kept as written */
  Slice    geo;
} UsageFields;

enum { U_INPUT, U_OUTPUT, U_CACHE_CREATION, U_CACHE_READ, U_5M, U_1H, U_WEB };

#define BAD(which) (1u << (which))

/* What a parser found in a line (or in the message a progress line
 * embeds), before it becomes a CmRecord. */
typedef struct
{
  Slice        type;
  Slice        message_id;
  Slice        model;
  Slice        request_id;
  Slice        uuid;
  Slice        session_id;
  Slice        cwd;
  Slice        timestamp;
  gboolean     is_sidechain;
  gboolean     has_usage;
  UsageFields  usage;
} LineFields;

/* @len without the trailing line break and blanks. */
gsize         cm_parse_trim_length       (const char        *line,
                                          gsize              len);
gboolean      cm_parse_all_blank         (const char        *line,
                                          gsize              len);
/* The value of four hex digits already checked. */
gunichar      cm_parse_hex4              (const char        *p);
/* Decodes the escapes of @len checked bytes into @out (not NUL-terminated).
 * Returns the decoded length, or G_MAXSIZE if it does not fit in @size
 * bytes. Never longer than @len. */
gsize         cm_parse_unescape          (const char        *p,
                                          gsize              len,
                                          char              *out,
                                          gsize              size);
gboolean      cm_slice_equals            (const Slice       *s,
                                          const char        *str);
/* The record of @lf, with what it lacks (timestamp, session, cwd) taken
 * from @outer, the line around an embedded message. */
CmParseResult cm_parse_finish_record     (const LineFields  *lf,
                                          const LineFields  *outer,
                                          CmRecord          *record,
                                          const char       **reason);

G_END_DECLS
