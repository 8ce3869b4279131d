/* cm-transcript-reference.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The reference parser: json-glib, after a strict token check of its own
 * (json-glib accepts more than JSON). Slow and plain on purpose; the tests
 * and the fuzz targets hold the fast parser to it. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-transcript-parser-private.h"

/* After a number or a literal: what may follow it. */
static gboolean
ref_at_delimiter (const char *line,
                  gsize       len,
                  gsize       i)
{
  if (i == len)
    return TRUE;

  switch (line[i])
    {
    case ' ': case '\t': case '\n': case '\r': case ',': case ']': case '}':
      return TRUE;
    default:
      return FALSE;
    }
}

static gboolean
ref_hex4 (const char *line,
          gsize       len,
          gsize       i,
          gunichar   *out)
{
  if (len - i < 4 || !g_ascii_isxdigit (line[i]) || !g_ascii_isxdigit (line[i + 1]) ||
      !g_ascii_isxdigit (line[i + 2]) || !g_ascii_isxdigit (line[i + 3]))
    return FALSE;

  *out = cm_parse_hex4 (line + i);

  return TRUE;
}

/* The strict reader's place in a line, and the copy it hands json-glib. */
typedef struct
{
  const char *line;
  gsize       len;
  gsize       i;        /* the next byte to read */
  GString    *out;
  gsize       copied;   /* line[0, copied) is in @out */
} RefText;

/* line[copied, at) goes to the copy, then @text in place of line[at, resume). */
static void
ref_rewrite (RefText    *t,
             gsize       at,
             const char *text,
             gsize       resume)
{
  g_string_append_len (t->out, t->line + t->copied, at - t->copied);
  g_string_append (t->out, text);
  t->copied = resume;
}

/* One escape at t->i (a backslash), stepped over. FALSE when it is not
 * one JSON knows. */
static gboolean
ref_escape (RefText *t)
{
  const char *line = t->line;
  gsize len = t->len;
  gsize i = t->i;
  gunichar u, lo;

  if (i + 1 >= len)
    return FALSE;
  if (line[i + 1] != 'u')
    {
      if (memchr ("\"\\/bfnrt", line[i + 1], 8) == NULL)
        return FALSE;
      t->i += 2;
      return TRUE;
    }
  if (!ref_hex4 (line, len, i + 2, &u))
    return FALSE;
  /* A surrogate pair, decoded by json-glib as by the fast path. */
  if (u >= 0xD800 && u <= 0xDBFF && len - i >= 12 && line[i + 6] == '\\' &&
      line[i + 7] == 'u' && ref_hex4 (line, len, i + 8, &lo) && lo >= 0xDC00 && lo <= 0xDFFF)
    {
      t->i += 12;
      return TRUE;
    }
  /* json-glib would end the string at \u0000 or mangle a lone surrogate. */
  if (u == 0 || (u >= 0xD800 && u <= 0xDFFF))
    ref_rewrite (t, i, "\\ufffd", i + 6);
  t->i += 6;

  return TRUE;
}

/* A string at t->i (its opening quote), stepped over. */
static gboolean
ref_string_token (RefText *t)
{
  for (t->i++; t->i < t->len && t->line[t->i] != '"';)
    {
      char c = t->line[t->i];

      /* Raw control characters, line breaks too; a tab is tolerated, as in
       * the fast path. */
      if ((guchar) c < 0x20 && c != '\t')
        return FALSE;
      if (c != '\\')
        t->i++;
      else if (!ref_escape (t))
        return FALSE;
    }
  if (t->i >= t->len)
    return FALSE;
  t->i++;

  return TRUE;
}

/* Digits at t->i, at least one. */
static gboolean
ref_digits (RefText *t)
{
  if (t->i >= t->len || !g_ascii_isdigit (t->line[t->i]))
    return FALSE;
  while (t->i < t->len && g_ascii_isdigit (t->line[t->i]))
    t->i++;

  return TRUE;
}

/* A number at t->i, stepped over. */
static gboolean
ref_number_token (RefText *t)
{
  const char *line = t->line;
  gsize len = t->len;
  gboolean integral = TRUE;
  gsize first, digits;

  if (line[t->i] == '-')
    t->i++;
  first = t->i;
  if (t->i >= len || !g_ascii_isdigit (line[t->i]))
    return FALSE;
  if (line[t->i] == '0')
    t->i++;
  else
    ref_digits (t);
  digits = t->i - first;

  if (t->i < len && line[t->i] == '.')
    {
      integral = FALSE;
      t->i++;
      if (!ref_digits (t))
        return FALSE;
    }
  if (t->i < len && (line[t->i] == 'e' || line[t->i] == 'E'))
    {
      integral = FALSE;
      if (++t->i < len && (line[t->i] == '+' || line[t->i] == '-'))
        t->i++;
      if (!ref_digits (t))
        return FALSE;
    }

  /* Leading zeros, hex, "1.2.3". */
  if (!ref_at_delimiter (line, len, t->i))
    return FALSE;

  /* json-glib wraps integers past 64 bits around. */
  if (integral && digits > 18)
    ref_rewrite (t, t->i, ".0", t->i);

  return TRUE;
}

/* true, false or null at t->i, stepped over. */
static gboolean
ref_word_token (RefText *t)
{
  char c = t->line[t->i];
  const char *word = c == 't' ? "true" : c == 'f' ? "false" : "null";
  gsize n = strlen (word);

  if (t->len - t->i < n || memcmp (t->line + t->i, word, n) != 0 ||
      !ref_at_delimiter (t->line, t->len, t->i + n))
    return FALSE;
  t->i += n;

  return TRUE;
}

/* The token at t->i (not blank), stepped over; @depth follows the nesting.
 * FALSE, with @reason, when it is not JSON. */
static gboolean
ref_token_step (RefText     *t,
                int         *depth,
                const char **reason)
{
  switch (t->line[t->i])
    {
    case '{':
    case '[':
      if (++*depth > MAX_DEPTH)
        {
          *reason = "nesting too deep";
          return FALSE;
        }
      t->i++;
      return TRUE;

    case '}':
    case ']':
      if (--*depth < 0)
        return FALSE;
      t->i++;
      return TRUE;

    case ':':
    case ',':
      t->i++;
      return TRUE;

    case '"':
      return ref_string_token (t);

    case '-':
    case '0': case '1': case '2': case '3': case '4':
    case '5': case '6': case '7': case '8': case '9':
      return ref_number_token (t);

    case 't':
    case 'f':
    case 'n':
      return ref_word_token (t);

    default:
      /* Comments, single quotes, bare words, "+1", ".5", a byte order
       * mark, control characters. */
      return FALSE;
    }
}

/* json-glib is laxer than JSON: it takes comments, single quotes, hex and
 * loose numbers, raw line breaks and unknown escapes in strings, a byte order
 * mark and values after the root, and has no depth limit. It also ends a
 * string at \u0000, fails or writes non-UTF-8 on a lone surrogate and wraps
 * integers past 64 bits around. So the reference checks the text token by
 * token first (json-glib still checks how the tokens fit together), and hands
 * json-glib a copy with those escapes written \ufffd, what the fast path
 * decodes them to, and with integers of 19 digits or more made fractions
 * (never a token count, as in the fast path). NULL, with @reason, when the
 * text is not JSON. */
static GString *
ref_strict_text (const char  *line,
                 gsize        len,
                 const char **reason)
{
  g_autoptr(GString) out = g_string_sized_new (len + 8);
  RefText t = { line, len, 0, out, 0 };
  gboolean done = FALSE; /* the root value is complete */
  int depth = 0;

  *reason = "invalid JSON";

  while (t.i < len)
    {
      char c = line[t.i];

      if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
        {
          t.i++;
          continue;
        }

      /* Nothing may follow the root value. */
      if (done || !ref_token_step (&t, &depth, reason))
        return NULL;

      done = depth == 0;
    }

  if (!done)
    return NULL;

  g_string_append_len (out, line + t.copied, len - t.copied);

  return g_steal_pointer (&out);
}

static void
ref_string (JsonObject *obj,
            const char *name,
            Slice      *slice)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  memset (slice, 0, sizeof *slice);
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      slice->ptr = json_node_get_string (node);
      slice->len = strlen (slice->ptr);
      slice->set = TRUE;
    }
}

static void
ref_token (JsonObject  *obj,
           const char  *name,
           UsageFields *u,
           int          which)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;

  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
      json_node_get_int (node) >= 0 && json_node_get_int (node) <= MAX_TOKENS)
    u->values[which] = json_node_get_int (node);
  else
    u->bad |= BAD (which);
}

static JsonObject *
member_object (JsonObject *obj,
               const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static void
ref_fields (JsonObject *line,
            LineFields *lf,
            gboolean   *has_message)
{
  JsonObject *message = member_object (line, "message");
  JsonObject *usage = member_object (message, "usage");
  JsonNode *side = json_object_get_member (line, "isSidechain");

  memset (lf, 0, sizeof *lf);
  *has_message = message != NULL;

  ref_string (line, "type", &lf->type);
  ref_string (line, "requestId", &lf->request_id);
  ref_string (line, "uuid", &lf->uuid);
  ref_string (line, "sessionId", &lf->session_id);
  ref_string (line, "cwd", &lf->cwd);
  ref_string (line, "timestamp", &lf->timestamp);
  ref_string (message, "id", &lf->message_id);
  ref_string (message, "model", &lf->model);
  lf->is_sidechain = side != NULL && JSON_NODE_HOLDS_VALUE (side) &&
                     json_node_get_value_type (side) == G_TYPE_BOOLEAN && json_node_get_boolean (side);

  lf->has_usage = usage != NULL;
  if (usage != NULL)
    {
      JsonObject *cc = member_object (usage, "cache_creation");
      JsonObject *st = member_object (usage, "server_tool_use");

      ref_token (usage, "input_tokens", &lf->usage, U_INPUT);
      ref_token (usage, "output_tokens", &lf->usage, U_OUTPUT);
      ref_token (usage, "cache_creation_input_tokens", &lf->usage, U_CACHE_CREATION);
      ref_token (usage, "cache_read_input_tokens", &lf->usage, U_CACHE_READ);
      lf->usage.has_breakdown = cc != NULL;
      ref_token (cc, "ephemeral_5m_input_tokens", &lf->usage, U_5M);
      ref_token (cc, "ephemeral_1h_input_tokens", &lf->usage, U_1H);
      ref_token (st, "web_search_requests", &lf->usage, U_WEB);
      ref_string (usage, "speed", &lf->usage.speed);
      ref_string (usage, "inference_geo", &lf->usage.geo);
    }
}

CmParseResult
cm_transcript_parse_line_reference (const char   *line,
                                    gsize         len,
                                    CmRecord     *record,
                                    const char  **reason)
{
  g_autoptr(JsonParser) parser = NULL;
  g_autoptr(GString) text = NULL;
  JsonNode *root;
  LineFields fields, embedded;
  gboolean has_message, has_embedded_message;
  JsonObject *data_obj, *inner;
  const char *why;

  memset (record, 0, sizeof *record);
  len = cm_parse_trim_length (line, len);

  if (cm_parse_all_blank (line, len))
    return CM_PARSE_SKIP;

  if (!g_utf8_validate_len (line, len, NULL))
    {
      if (reason != NULL)
        *reason = "invalid UTF-8";
      return CM_PARSE_BROKEN;
    }

  text = ref_strict_text (line, len, &why);
  if (text == NULL)
    {
      if (reason != NULL)
        *reason = why;
      return CM_PARSE_BROKEN;
    }

  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, text->str, text->len, NULL) ||
      (root = json_parser_get_root (parser)) == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      if (reason != NULL)
        *reason = "invalid JSON";
      return CM_PARSE_BROKEN;
    }

  ref_fields (json_node_get_object (root), &fields, &has_message);
  if (has_message && fields.has_usage)
    return cm_parse_finish_record (&fields, &fields, record, reason);

  data_obj = member_object (json_node_get_object (root), "data");
  inner = member_object (data_obj, "message");
  if (cm_slice_equals (&fields.type, "progress") && inner != NULL)
    {
      ref_fields (inner, &embedded, &has_embedded_message);
      if (has_embedded_message && embedded.has_usage)
        return cm_parse_finish_record (&embedded, &fields, record, reason);
    }

  return CM_PARSE_SKIP;
}
