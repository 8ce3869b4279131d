/* cm-transcript-fields.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* What both parsers share: the fields of a line made a CmRecord, the strict
 * timestamp reader, and decoding a string's escapes. */

#include "config.h"

#include <string.h>

#include "cm-transcript-parser-private.h"

gsize
cm_parse_trim_length (const char *line,
                      gsize       len)
{
  while (len > 0 && (line[len - 1] == '\r' || line[len - 1] == ' ' ||
                     line[len - 1] == '\t' || line[len - 1] == '\n'))
    len--;

  return len;
}

gboolean
cm_parse_all_blank (const char *line,
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

/* The value of four hex digits already checked by scan_string(). */
gunichar
cm_parse_hex4 (const char *p)
{
  return g_ascii_xdigit_value (p[0]) << 12 | g_ascii_xdigit_value (p[1]) << 8 |
         g_ascii_xdigit_value (p[2]) << 4 | g_ascii_xdigit_value (p[3]);
}

/* Decodes the escapes of @len bytes checked by scan_string() into @out (not
 * NUL-terminated). Returns the decoded length, or G_MAXSIZE if it does not fit
 * in @size bytes. Never longer than @len: an escape is longer than what it
 * stands for. */
gsize
cm_parse_unescape (const char *p,
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
            gunichar c = cm_parse_hex4 (p + 2);

            p += 6;
            if (c >= 0xD800 && c <= 0xDBFF && end - p >= 6 && p[0] == '\\' && p[1] == 'u')
              {
                gunichar lo = cm_parse_hex4 (p + 2);

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

static char *
slice_dup (const Slice *s)
{
  char *out;

  if (!s->set)
    return NULL;

  if (!s->escaped)
    return g_strndup (s->ptr, s->len);

  out = g_malloc (s->len + 1);
  out[cm_parse_unescape (s->ptr, s->len, out, s->len)] = '\0';

  return out;
}

gboolean
cm_slice_equals (const Slice *s,
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
  g_autofree char *value = slice_dup (s);

  if (value == NULL)
    return NULL;
  if (strlen (value) > 32)
    return g_strdup ("(invalid)");

  return g_ascii_strdown (value, -1);
}

/* Shared by both parsers once the fields are known. */
CmParseResult
cm_parse_finish_record (const LineFields *lf,
                        const LineFields *outer,
                        CmRecord         *record,
                        const char      **reason)
{
  const Slice *ts = lf->timestamp.set ? &lf->timestamp : &outer->timestamp;
  g_autofree char *ts_str = NULL;
  gint64 ms;

  if (cm_slice_equals (&lf->model, "<synthetic>"))
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
