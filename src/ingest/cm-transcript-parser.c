/* cm-transcript-parser.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two parsers with one contract (see the header). The fast one validates the
 * whole line in a single pass but only looks inside the few objects that
 * carry usage; everything else (content blocks, tool inputs, snapshots) is
 * skipped with a table-driven string scan. The json-glib one is the
 * reference the tests hold it to, line by line.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-transcript-parser.h"

#define MAX_DEPTH      256
#define MAX_TOKENS     (G_GINT64_CONSTANT (1) << 53)
/* Room for the longest field name we read, "cache_creation_input_tokens". */
#define MAX_KEY        32

/* --- shared helpers --- */

static gsize
trim_length (const char *line,
             gsize       len)
{
  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
                     line[len - 1] == '\t' || line[len - 1] == '\n'))
    len--;

  return len;
}

static gboolean
all_blank (const char *line,
           gsize       len)
{
  for (gsize i = 0; i < len; i++)
    {
      if (line[i] != ' ' && line[i] != '\t' && line[i] != '\r' && line[i] != '\n')
        return FALSE;
    }

  return TRUE;
}

static gboolean
read_digits (const char **p,
             const char  *end,
             int          n,
             int         *out)
{
  int v = 0;

  if (end - *p < n)
    return FALSE;

  for (int i = 0; i < n; i++)
    {
      char c = (*p)[i];

      if (c < '0' || c > '9')
        return FALSE;
      v = v * 10 + (c - '0');
    }

  *p += n;
  *out = v;

  return TRUE;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static gint64
days_from_civil (gint64 y,
                 int    m,
                 int    d)
{
  gint64 era;
  gint64 yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static int
days_in_month (int y,
               int m)
{
  static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;

  return days[m - 1];
}

gboolean
cm_parse_timestamp_ms (const char *str,
                       gsize       len,
                       gint64     *out_ms)
{
  const char *p = str;
  const char *end = str + len;
  int y, mo, d, h, mi, s;
  int ms = 0;
  int offset_min = 0;

  if (!read_digits (&p, end, 4, &y) || p >= end || *p++ != '-' ||
      !read_digits (&p, end, 2, &mo) || p >= end || *p++ != '-' ||
      !read_digits (&p, end, 2, &d) || p >= end || (*p != 'T' && *p != 't' && *p != ' '))
    return FALSE;
  p++;
  if (!read_digits (&p, end, 2, &h) || p >= end || *p++ != ':' ||
      !read_digits (&p, end, 2, &mi) || p >= end || *p++ != ':' ||
      !read_digits (&p, end, 2, &s))
    return FALSE;

  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month (y, mo) ||
      h > 23 || mi > 59 || s > 60)
    return FALSE;

  if (p < end && *p == '.')
    {
      int digits = 0;

      p++;
      while (p < end && *p >= '0' && *p <= '9')
        {
          if (digits < 3)
            ms = ms * 10 + (*p - '0');
          digits++;
          p++;
        }
      if (digits == 0)
        return FALSE;
      for (; digits < 3; digits++)
        ms *= 10;
    }

  if (p < end && (*p == 'Z' || *p == 'z'))
    p++;
  else if (p < end && (*p == '+' || *p == '-'))
    {
      int sign = *p++ == '-' ? -1 : 1;
      int oh, om;

      if (!read_digits (&p, end, 2, &oh))
        return FALSE;
      if (p < end && *p == ':')
        p++;
      if (!read_digits (&p, end, 2, &om) || oh > 23 || om > 59)
        return FALSE;
      offset_min = sign * (oh * 60 + om);
    }
  else
    return FALSE;

  if (p != end)
    return FALSE;

  *out_ms = ((days_from_civil (y, mo, d) * 86400 + h * 3600 + mi * 60 + s) - offset_min * 60) * 1000 + ms;

  return TRUE;
}

/* --- the fast path --- */

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

/* The value of four hex digits already checked by scan_string(). */
static gunichar
hex4 (const char *p)
{
  return g_ascii_xdigit_value (p[0]) << 12 | g_ascii_xdigit_value (p[1]) << 8 |
         g_ascii_xdigit_value (p[2]) << 4 | g_ascii_xdigit_value (p[3]);
}

/* Decodes the escapes of @len bytes checked by scan_string() into @out (not
 * NUL-terminated). Returns the decoded length, or G_MAXSIZE if it does not fit
 * in @size bytes. Never longer than @len: an escape is longer than what it
 * stands for. */
static gsize
unescape (const char *p,
          gsize       len,
          char       *out,
          gsize       size)
{
  const char *end = p + len;
  gsize n = 0;

  while (p < end)
    {
      char utf8[6];
      int k;

      if (*p != '\\')
        {
          if (n >= size)
            return G_MAXSIZE;
          out[n++] = *p++;
          continue;
        }

      switch (p[1])
        {
        case 'b': utf8[0] = '\b'; k = 1; p += 2; break;
        case 'f': utf8[0] = '\f'; k = 1; p += 2; break;
        case 'n': utf8[0] = '\n'; k = 1; p += 2; break;
        case 'r': utf8[0] = '\r'; k = 1; p += 2; break;
        case 't': utf8[0] = '\t'; k = 1; p += 2; break;
        case 'u':
          {
            gunichar c = hex4 (p + 2);

            p += 6;
            if (c >= 0xD800 && c <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
              {
                gunichar lo = hex4 (p + 2);

                if (lo >= 0xDC00 && lo <= 0xDFFF)
                  {
                    c = 0x10000 + ((c - 0xD800) << 10) + (lo - 0xDC00);
                    p += 6;
                  }
              }
            /* A lone surrogate or NUL cannot be kept in UTF-8 C strings. */
            if ((c >= 0xD800 && c <= 0xDFFF) || c == 0)
              c = 0xFFFD;
            k = g_unichar_to_utf8 (c, utf8);
          }
          break;
        default:
          utf8[0] = p[1];
          k = 1;
          p += 2;
          break;
        }

      if (n + k > size)
        return G_MAXSIZE;
      memcpy (out + n, utf8, k);
      n += k;
    }

  return n;
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
          gsize name_len = unescape (key.ptr, key.len, name, sizeof name);
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

static char *
slice_dup (const Slice *s)
{
  char *out;

  if (!s->set)
    return NULL;

  if (!s->escaped)
    return g_strndup (s->ptr, s->len);

  out = g_malloc (s->len + 1);
  out[unescape (s->ptr, s->len, out, s->len)] = '\0';

  return out;
}

static gboolean
slice_equals (const Slice *s,
              const char  *str)
{
  char *copy;
  gboolean equal;

  if (!s->set)
    return FALSE;
  if (!s->escaped)
    return s->len == strlen (str) && memcmp (s->ptr, str, s->len) == 0;

  copy = slice_dup (s);
  equal = g_str_equal (copy, str);
  g_free (copy);

  return equal;
}

/* A billing mode's value, lower-cased; one longer than any real value is
 * kept as "(invalid)", which no price table knows: the message is unpriced. */
static char *
mode_dup (const Slice *s)
{
  char *value = slice_dup (s);
  char *lower;

  if (value == NULL)
    return NULL;
  if (strlen (value) > 32)
    {
      g_free (value);
      return g_strdup ("(invalid)");
    }
  lower = g_ascii_strdown (value, -1);
  g_free (value);

  return lower;
}

/* Shared by both parsers once the fields are known. */
static CmParseResult
finish_record (const LineFields *lf,
               const LineFields *outer,
               CmRecord         *record,
               const char      **reason)
{
  const Slice *ts = lf->timestamp.set ? &lf->timestamp : &outer->timestamp;
  g_autofree char *ts_str = NULL;
  gint64 ms;

  if (slice_equals (&lf->model, "<synthetic>"))
    return CM_PARSE_SYNTHETIC;

  ts_str = slice_dup (ts);
  if (ts_str == NULL || !cm_parse_timestamp_ms (ts_str, strlen (ts_str), &ms))
    {
      if (reason != NULL)
        *reason = "bad timestamp";
      return CM_PARSE_BROKEN;
    }

  if (lf->usage.bad != 0)
    {
      if (reason != NULL)
        *reason = "bad token count";
      return CM_PARSE_BROKEN;
    }

  record->timestamp_ms = ms;
  record->message_id = slice_dup (&lf->message_id);
  record->request_id = slice_dup (&lf->request_id);
  record->uuid = slice_dup (&lf->uuid);
  record->session_id = slice_dup (lf->session_id.set ? &lf->session_id : &outer->session_id);
  record->cwd = slice_dup (lf->cwd.set ? &lf->cwd : &outer->cwd);
  record->model_raw = slice_dup (&lf->model);
  record->speed = mode_dup (&lf->usage.speed);
  record->inference_geo = mode_dup (&lf->usage.geo);
  record->is_sidechain = lf->is_sidechain;
  record->has_cache_breakdown = lf->usage.has_breakdown;
  record->usage.input = lf->usage.values[U_INPUT];
  record->usage.output = lf->usage.values[U_OUTPUT];
  record->usage.cache_read = lf->usage.values[U_CACHE_READ];
  record->usage.web_search = lf->usage.values[U_WEB];
  if (lf->usage.has_breakdown)
    {
      record->usage.cache_write_5m = lf->usage.values[U_5M];
      record->usage.cache_write_1h = lf->usage.values[U_1H];
    }
  else
    record->usage.cache_write_5m = lf->usage.values[U_CACHE_CREATION];

  return CM_PARSE_RECORD;
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

  len = trim_length (line, len);
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
    return finish_record (&ctx.fields, &ctx.fields, record, reason);

  if (slice_equals (&ctx.fields.type, "progress") && ctx.has_embedded && ctx.embedded.has_usage)
    return finish_record (&ctx.embedded, &ctx.fields, record, reason);

  return CM_PARSE_SKIP;
}

/* --- the json-glib reference --- */

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

  *out = hex4 (line + i);

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
  len = trim_length (line, len);

  if (all_blank (line, len))
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
    return finish_record (&fields, &fields, record, reason);

  data_obj = member_object (json_node_get_object (root), "data");
  inner = member_object (data_obj, "message");
  if (slice_equals (&fields.type, "progress") && inner != NULL)
    {
      ref_fields (inner, &embedded, &has_embedded_message);
      if (has_embedded_message && embedded.has_usage)
        return finish_record (&embedded, &fields, record, reason);
    }

  return CM_PARSE_SKIP;
}
