/* cm-transcript-parser.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two parsers with one contract (see the header). The fast one, here,
 * validates the whole line in a single pass but only looks inside the few
 * objects that carry usage; everything else (content blocks, tool inputs,
 * snapshots) is skipped with a table-driven string scan. The json-glib one
 * (cm-transcript-reference.c) is the reference the tests hold it to, line by
 * line. Both end in cm_parse_finish_record() (cm-transcript-fields.c).
 */

#include "config.h"

#include <string.h>

#include "cm-transcript-parser-private.h"

/* Room for the longest field name we read, "cache_creation_input_tokens". */
#define MAX_KEY        32

typedef struct
{
  const char *p;
  const char *end;
  gboolean    high_bytes;
  const char *error;
} Lexer;

/* 1 for bytes that end the fast scan inside a string. */
static guint8 string_stop[256];

static void
init_tables (void)
{
  static gsize done;

  if (g_once_init_enter (&done))
    {
      for (int c = 0; c < 256; c++)
        string_stop[c] = (c == '"' || c == '\\' || c < 0x20 || c >= 0x80);
      g_once_init_leave (&done, 1);
    }
}

static inline void
skip_ws (Lexer *lx)
{
  while (lx->p < lx->end && (*lx->p == ' ' || *lx->p == '\t' || *lx->p == '\n' || *lx->p == '\r'))
    lx->p++;
}

static gboolean
fail (Lexer      *lx,
      const char *why)
{
  if (lx->error == NULL)
    lx->error = why;

  return FALSE;
}

static gboolean
is_hex (char c)
{
  return g_ascii_isxdigit (c);
}

/* At the opening quote. */
static gboolean
scan_string (Lexer *lx,
             Slice *out)
{
  const char *p = lx->p + 1;
  const char *end = lx->end;
  gboolean escaped = FALSE;

  for (;;)
    {
      while (p < end && !string_stop[(guint8) *p])
        p++;

      if (p >= end)
        return fail (lx, "invalid JSON");

      if (*p == '"')
        break;

      if (*p == '\\')
        {
          escaped = TRUE;
          if (p + 1 >= end)
            return fail (lx, "invalid JSON");
          switch (p[1])
            {
            case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
              p += 2;
              break;
            case 'u':
              if (end - p < 6 || !is_hex (p[2]) || !is_hex (p[3]) || !is_hex (p[4]) || !is_hex (p[5]))
                return fail (lx, "invalid JSON");
              p += 6;
              break;
            default:
              return fail (lx, "invalid JSON");
            }
        }
      else if ((guint8) *p >= 0x80)
        {
          lx->high_bytes = TRUE;
          p++;
        }
      else if (*p == '\t')
        p++;
      else
        return fail (lx, "invalid JSON");
    }

  if (out != NULL)
    {
      out->ptr = lx->p + 1;
      out->len = p - (lx->p + 1);
      out->escaped = escaped;
      out->set = TRUE;
    }

  lx->p = p + 1;

  return TRUE;
}

typedef enum
{
  NUM_INT,       /* an integer that fits the token range */
  NUM_OTHER,     /* valid JSON, but not a usable token count */
} NumKind;

static gboolean
scan_number (Lexer   *lx,
             NumKind *kind,
             gint64  *value)
{
  const char *p = lx->p;
  const char *end = lx->end;
  gboolean negative = FALSE;
  gboolean integral = TRUE;
  gint64 v = 0;
  int digits = 0;

  if (p < end && *p == '-')
    {
      negative = TRUE;
      p++;
    }

  if (p >= end || *p < '0' || *p > '9')
    return fail (lx, "invalid JSON");

  if (*p == '0')
    {
      p++;
      digits = 1;
    }
  else
    {
      while (p < end && *p >= '0' && *p <= '9')
        {
          if (digits < 18)
            v = v * 10 + (*p - '0');
          digits++;
          p++;
        }
    }

  if (p < end && *p == '.')
    {
      integral = FALSE;
      p++;
      if (p >= end || *p < '0' || *p > '9')
        return fail (lx, "invalid JSON");
      while (p < end && *p >= '0' && *p <= '9')
        p++;
    }

  if (p < end && (*p == 'e' || *p == 'E'))
    {
      integral = FALSE;
      p++;
      if (p < end && (*p == '+' || *p == '-'))
        p++;
      if (p >= end || *p < '0' || *p > '9')
        return fail (lx, "invalid JSON");
      while (p < end && *p >= '0' && *p <= '9')
        p++;
    }

  lx->p = p;

  if (integral && !negative && digits <= 16 && v <= MAX_TOKENS)
    {
      *kind = NUM_INT;
      *value = v;
    }
  else if (integral && negative && v == 0 && digits == 1)
    {
      *kind = NUM_INT; /* -0 */
      *value = 0;
    }
  else
    *kind = NUM_OTHER;

  return TRUE;
}

static gboolean
scan_literal (Lexer      *lx,
              const char *word,
              gsize       len)
{
  if ((gsize) (lx->end - lx->p) < len || memcmp (lx->p, word, len) != 0)
    return fail (lx, "invalid JSON");

  lx->p += len;

  return TRUE;
}

static gboolean skip_value (Lexer *lx, int depth);

static gboolean
skip_container (Lexer *lx,
                int    depth)
{
  gboolean object = *lx->p == '{';
  char close = object ? '}' : ']';

  if (depth >= MAX_DEPTH)
    return fail (lx, "nesting too deep");

  lx->p++;
  skip_ws (lx);
  if (lx->p < lx->end && *lx->p == close)
    {
      lx->p++;
      return TRUE;
    }

  for (;;)
    {
      if (object)
        {
          if (lx->p >= lx->end || *lx->p != '"' || !scan_string (lx, NULL))
            return fail (lx, "invalid JSON");
          skip_ws (lx);
          if (lx->p >= lx->end || *lx->p != ':')
            return fail (lx, "invalid JSON");
          lx->p++;
          skip_ws (lx);
        }

      if (!skip_value (lx, depth + 1))
        return FALSE;

      skip_ws (lx);
      if (lx->p >= lx->end)
        return fail (lx, "invalid JSON");
      if (*lx->p == close)
        {
          lx->p++;
          return TRUE;
        }
      if (*lx->p != ',')
        return fail (lx, "invalid JSON");
      lx->p++;
      skip_ws (lx);
    }
}

static gboolean
skip_value (Lexer *lx,
            int    depth)
{
  NumKind kind;
  gint64 v;

  if (lx->p >= lx->end)
    return fail (lx, "invalid JSON");

  switch (*lx->p)
    {
    case '"':
      return scan_string (lx, NULL);
    case '{':
    case '[':
      return skip_container (lx, depth);
    case 't':
      return scan_literal (lx, "true", 4);
    case 'f':
      return scan_literal (lx, "false", 5);
    case 'n':
      return scan_literal (lx, "null", 4);
    default:
      return scan_number (lx, &kind, &v);
    }
}

typedef gboolean (*MemberFunc) (Lexer      *lx,
                                const char *key,
                                gsize       key_len,
                                int         depth,
                                gpointer    data);

#define KEY_IS(k) (key_len == sizeof (k) - 1 && memcmp (key, k, sizeof (k) - 1) == 0)

/* Walks an object at lx->p, calling @func for each member with lx->p at the
 * value; @func must consume the value. */
static gboolean
walk_object (Lexer      *lx,
             int         depth,
             MemberFunc  func,
             gpointer    data)
{
  if (depth >= MAX_DEPTH)
    return fail (lx, "nesting too deep");

  lx->p++;
  skip_ws (lx);
  if (lx->p < lx->end && *lx->p == '}')
    {
      lx->p++;
      return TRUE;
    }

  for (;;)
    {
      Slice key = { 0 };

      if (lx->p >= lx->end || *lx->p != '"' || !scan_string (lx, &key))
        return fail (lx, "invalid JSON");
      skip_ws (lx);
      if (lx->p >= lx->end || *lx->p != ':')
        return fail (lx, "invalid JSON");
      lx->p++;
      skip_ws (lx);
      if (lx->p >= lx->end)
        return fail (lx, "invalid JSON");

      /* json-glib decodes keys: "\u0069d" is "id". One longer than any
       * name we read is not one of them. */
      if (key.escaped)
        {
          char name[MAX_KEY];
          gsize name_len = cm_parse_unescape (key.ptr, key.len, name, sizeof name);
          gboolean ok;

          if (name_len == G_MAXSIZE)
            ok = skip_value (lx, depth + 1);
          else
            ok = func (lx, name, name_len, depth + 1, data);
          if (!ok)
            return FALSE;
        }
      else if (!func (lx, key.ptr, key.len, depth + 1, data))
        return FALSE;

      skip_ws (lx);
      if (lx->p >= lx->end)
        return fail (lx, "invalid JSON");
      if (*lx->p == '}')
        {
          lx->p++;
          return TRUE;
        }
      if (*lx->p != ',')
        return fail (lx, "invalid JSON");
      lx->p++;
      skip_ws (lx);
    }
}

/* A string member: a string sets the slice, anything else clears it. */
static gboolean
take_string (Lexer *lx,
             int    depth,
             Slice *slice)
{
  if (*lx->p == '"')
    return scan_string (lx, slice);

  memset (slice, 0, sizeof *slice);

  return skip_value (lx, depth);
}

/* A token count member. Whatever an earlier duplicate held is forgotten. */
static gboolean
take_token (Lexer       *lx,
            int          depth,
            UsageFields *u,
            int          which)
{
  NumKind kind;
  gint64 v;
  char c = *lx->p;

  u->values[which] = 0;
  u->bad &= ~BAD (which);

  if (c == 'n')
    return scan_literal (lx, "null", 4);

  if (c == '-' || (c >= '0' && c <= '9'))
    {
      if (!scan_number (lx, &kind, &v))
        return FALSE;
      if (kind == NUM_INT)
        u->values[which] = v;
      else
        u->bad |= BAD (which);
      return TRUE;
    }

  u->bad |= BAD (which);

  return skip_value (lx, depth);
}

static gboolean
cache_creation_member (Lexer      *lx,
                       const char *key,
                       gsize       key_len,
                       int         depth,
                       gpointer    data)
{
  if (KEY_IS ("ephemeral_5m_input_tokens"))
    return take_token (lx, depth, data, U_5M);
  if (KEY_IS ("ephemeral_1h_input_tokens"))
    return take_token (lx, depth, data, U_1H);

  return skip_value (lx, depth);
}

static gboolean
server_tool_member (Lexer      *lx,
                    const char *key,
                    gsize       key_len,
                    int         depth,
                    gpointer    data)
{
  if (KEY_IS ("web_search_requests"))
    return take_token (lx, depth, data, U_WEB);

  return skip_value (lx, depth);
}

static gboolean
usage_member (Lexer      *lx,
              const char *key,
              gsize       key_len,
              int         depth,
              gpointer    data)
{
  UsageFields *u = data;

  if (KEY_IS ("input_tokens"))
    return take_token (lx, depth, u, U_INPUT);
  if (KEY_IS ("output_tokens"))
    return take_token (lx, depth, u, U_OUTPUT);
  if (KEY_IS ("cache_creation_input_tokens"))
    return take_token (lx, depth, u, U_CACHE_CREATION);
  if (KEY_IS ("cache_read_input_tokens"))
    return take_token (lx, depth, u, U_CACHE_READ);
  if (KEY_IS ("speed"))
    return take_string (lx, depth, &u->speed);
  if (KEY_IS ("inference_geo"))
    return take_string (lx, depth, &u->geo);

  /* A later duplicate object replaces an earlier one whole. */
  if (KEY_IS ("cache_creation"))
    {
      u->values[U_5M] = u->values[U_1H] = 0;
      u->bad &= ~(BAD (U_5M) | BAD (U_1H));
      u->has_breakdown = FALSE;
      if (*lx->p == '{')
        {
          u->has_breakdown = TRUE;
          return walk_object (lx, depth, cache_creation_member, u);
        }
      return skip_value (lx, depth);
    }

  if (KEY_IS ("server_tool_use"))
    {
      u->values[U_WEB] = 0;
      u->bad &= ~BAD (U_WEB);
      if (*lx->p == '{')
        return walk_object (lx, depth, server_tool_member, u);
      return skip_value (lx, depth);
    }

  return skip_value (lx, depth);
}

static gboolean
message_member (Lexer      *lx,
                const char *key,
                gsize       key_len,
                int         depth,
                gpointer    data)
{
  LineFields *lf = data;

  if (KEY_IS ("id"))
    return take_string (lx, depth, &lf->message_id);
  if (KEY_IS ("model"))
    return take_string (lx, depth, &lf->model);
  if (KEY_IS ("usage"))
    {
      /* A later duplicate replaces an earlier one whole. */
      memset (&lf->usage, 0, sizeof lf->usage);
      lf->has_usage = *lx->p == '{';
      if (lf->has_usage)
        return walk_object (lx, depth, usage_member, &lf->usage);
      return skip_value (lx, depth);
    }

  return skip_value (lx, depth);
}

static gboolean line_member (Lexer *lx, const char *key, gsize key_len, int depth, gpointer data);

typedef struct
{
  LineFields  fields;
  gboolean    has_message;   /* top-level "message" was an object */
  LineFields  embedded;
  gboolean    has_embedded;  /* data.message was an object */
  gboolean    top;           /* the top-level line: reads "data" */
} LineCtx;

static gboolean
data_member (Lexer      *lx,
             const char *key,
             gsize       key_len,
             int         depth,
             gpointer    data)
{
  LineCtx *ctx = data;

  if (KEY_IS ("message"))
    {
      memset (&ctx->embedded, 0, sizeof ctx->embedded);
      ctx->has_embedded = *lx->p == '{';
      if (ctx->has_embedded)
        {
          LineCtx inner = { { { 0 } } };
          gboolean ok = walk_object (lx, depth, line_member, &inner);

          ctx->embedded = inner.fields;
          ctx->embedded.has_usage = inner.has_message && inner.fields.has_usage;
          return ok;
        }
    }

  return skip_value (lx, depth);
}

static gboolean
line_member (Lexer      *lx,
             const char *key,
             gsize       key_len,
             int         depth,
             gpointer    data)
{
  LineCtx *ctx = data;
  LineFields *lf = &ctx->fields;

  switch (key_len > 0 ? key[0] : 0)
    {
    case 'm':
      if (KEY_IS ("message"))
        {
          lf->message_id = (Slice) { 0 };
          lf->model = (Slice) { 0 };
          lf->has_usage = FALSE;
          memset (&lf->usage, 0, sizeof lf->usage);
          ctx->has_message = *lx->p == '{';
          if (ctx->has_message)
            return walk_object (lx, depth, message_member, lf);
        }
      break;
    case 'r':
      if (KEY_IS ("requestId"))
        return take_string (lx, depth, &lf->request_id);
      break;
    case 'u':
      if (KEY_IS ("uuid"))
        return take_string (lx, depth, &lf->uuid);
      break;
    case 's':
      if (KEY_IS ("sessionId"))
        return take_string (lx, depth, &lf->session_id);
      break;
    case 'c':
      if (KEY_IS ("cwd"))
        return take_string (lx, depth, &lf->cwd);
      break;
    case 't':
      if (KEY_IS ("timestamp"))
        return take_string (lx, depth, &lf->timestamp);
      if (KEY_IS ("type"))
        return take_string (lx, depth, &lf->type);
      break;
    case 'i':
      if (KEY_IS ("isSidechain"))
        {
          lf->is_sidechain = *lx->p == 't';
          return skip_value (lx, depth);
        }
      break;
    case 'd':
      if (ctx->top && KEY_IS ("data"))
        {
          ctx->has_embedded = FALSE;
          memset (&ctx->embedded, 0, sizeof ctx->embedded);
          if (*lx->p == '{')
            return walk_object (lx, depth, data_member, ctx);
        }
      break;
    default:
      break;
    }

  return skip_value (lx, depth);
}

CmParseResult
cm_transcript_parse_line (const char   *line,
                          gsize         len,
                          CmRecord     *record,
                          const char  **reason)
{
  LineCtx ctx = { { { 0 } } };
  Lexer lx;

  memset (record, 0, sizeof *record);
  init_tables ();

  len = cm_parse_trim_length (line, len);
  lx.p = line;
  lx.end = line + len;
  lx.high_bytes = FALSE;
  lx.error = NULL;

  skip_ws (&lx);
  if (lx.p >= lx.end)
    return CM_PARSE_SKIP;

  ctx.top = TRUE;
  if (*lx.p != '{' || !walk_object (&lx, 0, line_member, &ctx) ||
      (skip_ws (&lx), lx.p != lx.end))
    {
      if (reason != NULL)
        *reason = lx.error != NULL ? lx.error : "invalid JSON";
      return CM_PARSE_BROKEN;
    }

  if (lx.high_bytes && !g_utf8_validate_len (line, len, NULL))
    {
      if (reason != NULL)
        *reason = "invalid UTF-8";
      return CM_PARSE_BROKEN;
    }

  if (ctx.has_message && ctx.fields.has_usage)
    return cm_parse_finish_record (&ctx.fields, &ctx.fields, record, reason);

  if (cm_slice_equals (&ctx.fields.type, "progress") && ctx.has_embedded && ctx.embedded.has_usage)
    return cm_parse_finish_record (&ctx.embedded, &ctx.fields, record, reason);

  return CM_PARSE_SKIP;
}
