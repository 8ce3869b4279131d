/* cm-ratelimit-response.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading a response of the Messages API, without the network: the
 * anthropic-ratelimit-* headers and retry-after, the identifiers, the error
 * body mapped to a CmRatelimitError with a message safe to show, and the
 * CmRatelimitResult they fill. Pure functions, tested on their own. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-ratelimit-client-private.h"

/* Header values beyond these are not limits anyone has: treat as garbage. */
#define MAX_COUNT           G_GINT64_CONSTANT (1000000000000)
#define MAX_AHEAD_MS        (G_GINT64_CONSTANT (366) * 24 * 3600 * 1000)
#define MAX_BEHIND_MS       (G_GINT64_CONSTANT (24) * 3600 * 1000)
#define MAX_RETRY_AFTER_S   (G_GINT64_CONSTANT (366) * 24 * 3600)
#define MAX_SERVER_TEXT     300

/* ------------------------------------------------------------------ */
/* Errors and results                                                  */
/* ------------------------------------------------------------------ */

const char *
cm_ratelimit_error_to_string (CmRatelimitError error)
{
  switch (error)
    {
    case CM_RATELIMIT_ERROR_NONE:         return "none";
    case CM_RATELIMIT_ERROR_NO_KEY:       return "no-key";
    case CM_RATELIMIT_ERROR_BAD_URL:      return "bad-url";
    case CM_RATELIMIT_ERROR_UNAUTHORIZED: return "unauthorized";
    case CM_RATELIMIT_ERROR_FORBIDDEN:    return "forbidden";
    case CM_RATELIMIT_ERROR_RATE_LIMITED: return "rate-limited";
    case CM_RATELIMIT_ERROR_SPEND_LIMIT:  return "spend-limit";
    case CM_RATELIMIT_ERROR_BAD_REQUEST:  return "bad-request";
    case CM_RATELIMIT_ERROR_OVERLOADED:   return "overloaded";
    case CM_RATELIMIT_ERROR_SERVER:       return "server-error";
    case CM_RATELIMIT_ERROR_TIMEOUT:      return "timeout";
    case CM_RATELIMIT_ERROR_NETWORK:      return "network";
    case CM_RATELIMIT_ERROR_UNEXPECTED:
    default:                              return "unexpected";
    }
}

CmRatelimitResult *
cm_ratelimit_result_new (const char *model)
{
  CmRatelimitResult *result = g_new0 (CmRatelimitResult, 1);

  g_atomic_ref_count_init (&result->ref_count);
  result->model = g_strdup (model);
  result->observed_ms = g_get_real_time () / 1000;
  result->retry_after_s = -1;
  result->observations = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_ratelimit_observation_free);

  return result;
}

CmRatelimitResult *
cm_ratelimit_result_ref (CmRatelimitResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  g_atomic_ref_count_inc (&result->ref_count);

  return result;
}

void
cm_ratelimit_result_unref (CmRatelimitResult *result)
{
  g_return_if_fail (result != NULL);

  if (!g_atomic_ref_count_dec (&result->ref_count))
    return;

  g_free (result->model);
  g_free (result->request_id);
  g_free (result->organization_id);
  g_free (result->workspace_id);
  g_free (result->message);
  g_ptr_array_unref (result->observations);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (CmRatelimitResult, cm_ratelimit_result,
                     cm_ratelimit_result_ref, cm_ratelimit_result_unref)

/* ------------------------------------------------------------------ */
/* Header parsing (pure)                                               */
/* ------------------------------------------------------------------ */

gboolean
cm_ratelimit_parse_count (const char *value,
                          gint64     *out)
{
  gint64 v = 0;
  gsize len;

  if (value == NULL)
    return FALSE;

  while (g_ascii_isspace (*value))
    value++;
  len = strlen (value);
  while (len > 0 && g_ascii_isspace (value[len - 1]))
    len--;

  /* 13 digits reach 10^12; anything longer is absurd (and could overflow). */
  if (len == 0 || len > 13)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (value[i]))
        return FALSE;
      v = v * 10 + (value[i] - '0');
    }

  if (v > MAX_COUNT)
    return FALSE;

  *out = v;
  return TRUE;
}

gboolean
cm_ratelimit_parse_reset (const char *value,
                          gint64      now_ms,
                          gint64     *out_ms)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autofree char *trimmed = NULL;
  gint64 ms;

  if (value == NULL)
    return FALSE;

  trimmed = g_strstrip (g_strdup (value));
  /* RFC 3339 always has a date, a 'T' (or space) and an offset; with no
   * default zone GLib refuses a time without one. */
  if (strlen (trimmed) < 20 || strlen (trimmed) > 40)
    return FALSE;

  dt = g_date_time_new_from_iso8601 (trimmed, NULL);
  if (dt == NULL)
    return FALSE;

  ms = g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
  if (ms < now_ms - MAX_BEHIND_MS || ms > now_ms + MAX_AHEAD_MS)
    return FALSE;

  *out_ms = ms;
  return TRUE;
}

gboolean
cm_ratelimit_parse_retry_after (const char *value,
                                gint64      now_ms,
                                gint64     *out_s)
{
  g_autoptr(GDateTime) dt = NULL;
  gint64 s;
  gsize len;

  if (value == NULL)
    return FALSE;

  if (cm_ratelimit_parse_count (value, &s))
    {
      if (s > MAX_RETRY_AFTER_S)
        return FALSE;
      *out_s = s;
      return TRUE;
    }

  /* RFC 9110 also allows an HTTP date ("Sun, 06 Nov 1994 08:49:37 GMT").
   * Only plausible ones reach libsoup, which logs what it cannot parse. */
  len = strlen (value);
  if (len < 20 || len > 40 || strstr (value, "GMT") == NULL)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isprint (value[i]))
        return FALSE;
    }

  dt = soup_date_time_new_from_http_string (value);
  if (dt == NULL)
    return FALSE;

  s = g_date_time_to_unix (dt) - now_ms / 1000;
  if (s > MAX_RETRY_AFTER_S || s < -MAX_BEHIND_MS / 1000)
    return FALSE;

  *out_s = MAX (s, 0);
  return TRUE;
}

/* Identifiers we show and store: short printable ASCII only. */
char *
cm_ratelimit_parse_identifier (SoupMessageHeaders *headers,
                               const char         *name,
                               guint              *n_malformed)
{
  const char *value = soup_message_headers_get_one (headers, name);
  gsize len;

  if (value == NULL)
    return NULL;

  len = strlen (value);
  if (len == 0 || len > 128)
    goto bad;

  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isalnum (value[i]) && strchr ("_-.:", value[i]) == NULL)
        goto bad;
    }

  return g_strdup (value);

bad:
  (*n_malformed)++;
  return NULL;
}

typedef struct
{
  const char *kind;
  const char *prefixes[2];
  gboolean    rounded;   /* "remaining" is rounded to the nearest thousand */
} KindSpec;

static const KindSpec kinds[] = {
  { "requests",               { "anthropic-ratelimit-requests-", NULL }, FALSE },
  { "tokens",                 { "anthropic-ratelimit-tokens-", NULL }, TRUE },
  { "input-tokens",           { "anthropic-ratelimit-input-tokens-", NULL }, TRUE },
  { "output-tokens",          { "anthropic-ratelimit-output-tokens-", NULL }, TRUE },
  /* Priority Tier: the docs and client code disagree on the spelling. */
  { "priority-input-tokens",  { "anthropic-priority-input-tokens-",
                                "anthropic-ratelimit-priority-input-tokens-" }, TRUE },
  { "priority-output-tokens", { "anthropic-priority-output-tokens-",
                                "anthropic-ratelimit-priority-output-tokens-" }, TRUE },
};

/* The whole (comma-joined, if repeated) value of a header: a repeated header
 * with two values is then garbage rather than a silent pick of one. */
static char *
get_value (SoupMessageHeaders *headers,
           const char         *prefix,
           const char         *suffix)
{
  g_autofree char *name = g_strconcat (prefix, suffix, NULL);

  return g_strdup (soup_message_headers_get_list (headers, name));
}

GPtrArray *
cm_ratelimit_parse_headers (SoupMessageHeaders *headers,
                            const char         *model,
                            guint               http_status,
                            gint64              now_ms,
                            gint64             *retry_after_s,
                            guint              *n_malformed)
{
  g_autoptr(GPtrArray) observations = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_ratelimit_observation_free);
  g_autofree char *org = NULL;
  const char *retry;
  gint64 retry_s = -1;
  guint bad = 0;

  g_return_val_if_fail (headers != NULL, NULL);

  retry = soup_message_headers_get_one (headers, "retry-after");
  if (retry != NULL && !cm_ratelimit_parse_retry_after (retry, now_ms, &retry_s))
    {
      bad++;
      retry_s = -1;
    }

  org = cm_ratelimit_parse_identifier (headers, "anthropic-organization-id", &bad);

  for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
    {
      for (guint p = 0; p < G_N_ELEMENTS (kinds[k].prefixes) && kinds[k].prefixes[p] != NULL; p++)
        {
          const char *prefix = kinds[k].prefixes[p];
          g_autofree char *limit_s = get_value (headers, prefix, "limit");
          g_autofree char *remaining_s = get_value (headers, prefix, "remaining");
          g_autofree char *reset_s = get_value (headers, prefix, "reset");
          gint64 limit = -1, remaining = -1, reset_ms = 0;
          CmRateLimitObservation *obs;

          if (limit_s == NULL && remaining_s == NULL && reset_s == NULL)
            continue;

          if (limit_s != NULL && !cm_ratelimit_parse_count (limit_s, &limit))
            {
              bad++;
              limit = -1;
            }
          if (remaining_s != NULL && !cm_ratelimit_parse_count (remaining_s, &remaining))
            {
              bad++;
              remaining = -1;
            }
          if (reset_s != NULL && !cm_ratelimit_parse_reset (reset_s, now_ms, &reset_ms))
            {
              bad++;
              reset_ms = 0;
            }

          /* Token counts are rounded to the nearest thousand, so a full bucket
           * may read up to 500 above its limit; more than that is nonsense. */
          if (limit >= 0 && remaining > limit)
            {
              if (kinds[k].rounded && remaining - limit <= 500)
                remaining = limit;
              else
                {
                  bad++;
                  remaining = -1;
                }
            }

          if (limit < 0 && remaining < 0 && reset_ms == 0)
            continue;

          obs = g_new0 (CmRateLimitObservation, 1);
          obs->observed_ms = now_ms;
          obs->model = g_strdup (model);
          obs->organization_id = g_strdup (org);
          obs->kind = g_strdup (kinds[k].kind);
          obs->limit = limit;
          obs->remaining = remaining;
          obs->reset_ms = reset_ms;
          obs->retry_after_s = retry_s;
          obs->http_status = (int) http_status;
          g_ptr_array_add (observations, obs);
          break;
        }
    }

  if (retry_after_s != NULL)
    *retry_after_s = retry_s;
  if (n_malformed != NULL)
    *n_malformed = bad;

  return g_steal_pointer (&observations);
}

/* ------------------------------------------------------------------ */
/* Error mapping (pure)                                                */
/* ------------------------------------------------------------------ */

char *
cm_ratelimit_redact (const char *text,
                     const char *secret)
{
  GString *out;
  const char *p;

  if (text == NULL)
    return NULL;

  out = g_string_new (text);
  if (secret != NULL && strlen (secret) >= 4)
    g_string_replace (out, secret, "[redacted]", 0);

  /* Anything shaped like an Anthropic key, whoever's it is. */
  while ((p = strstr (out->str, "sk-ant-")) != NULL)
    {
      gsize start = p - out->str;
      gsize end = start;

      while (end < out->len &&
             (g_ascii_isalnum (out->str[end]) || out->str[end] == '-' || out->str[end] == '_'))
        end++;
      g_string_erase (out, start, end - start);
      g_string_insert (out, start, "[redacted]");
    }

  return g_string_free (out, FALSE);
}

/* The server's own words, made safe to show: valid UTF-8, no control
 * characters, no key, bounded length. */
static char *
clean_server_text (const char *text,
                   const char *secret)
{
  g_autofree char *valid = NULL;
  g_autofree char *redacted = NULL;
  GString *out;

  if (text == NULL || *text == '\0')
    return NULL;

  valid = g_utf8_make_valid (text, -1);
  redacted = cm_ratelimit_redact (valid, secret);
  out = g_string_new (NULL);

  for (const char *p = redacted; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        c = ' ';
      if (g_utf8_strlen (out->str, -1) >= MAX_SERVER_TEXT)
        {
          g_string_append (out, "…");
          break;
        }
      g_string_append_unichar (out, c);
    }

  g_strstrip (out->str);
  if (out->str[0] == '\0')
    {
      g_string_free (out, TRUE);
      return NULL;
    }

  return g_string_free (out, FALSE);
}

typedef struct
{
  char *type;
  char *message;
  char *error_code;
} ErrorBody;

static void
error_body_clear (ErrorBody *b)
{
  g_clear_pointer (&b->type, g_free);
  g_clear_pointer (&b->message, g_free);
  g_clear_pointer (&b->error_code, g_free);
}

static char *
dup_member_string (JsonObject *obj,
                   const char *name)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;
  node = json_object_get_member (obj, name);
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return g_strdup (json_node_get_string (node));
}

static JsonObject *
get_member_object (JsonObject *obj,
                   const char *name)
{
  JsonNode *node;

  if (obj == NULL || !json_object_has_member (obj, name))
    return NULL;
  node = json_object_get_member (obj, name);

  return JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* {"type":"error","error":{"type":..,"message":..,"details":{"error_code":..}}} */
static void
parse_error_body (GBytes    *body,
                  ErrorBody *out)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonNode *root;
  JsonObject *error;
  gsize len;
  const char *data;

  if (body == NULL)
    return;

  data = g_bytes_get_data (body, &len);
  if (len == 0 || len > 64 * 1024)
    return;

  parser = json_parser_new_immutable ();
  if (!json_parser_load_from_data (parser, data, len, NULL))
    return;

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return;

  error = get_member_object (json_node_get_object (root), "error");
  if (error == NULL)
    return;

  out->type = dup_member_string (error, "type");
  out->message = dup_member_string (error, "message");
  out->error_code = dup_member_string (get_member_object (error, "details"), "error_code");
}

static gboolean
looks_like_spend_limit (const ErrorBody *b)
{
  if (g_strcmp0 (b->error_code, "enforced_spend_limit_reached") == 0)
    return TRUE;
  if (b->message == NULL)
    return FALSE;

  return strstr (b->message, "API usage limits") != NULL ||
         strstr (b->message, "spend limit") != NULL ||
         strstr (b->message, "credit balance is too low") != NULL;
}

static char *
with_detail (const char *summary,
             const char *detail)
{
  if (detail == NULL)
    return g_strdup (summary);

  return g_strdup_printf ("%s Server said: “%s”", summary, detail);
}

CmRatelimitError
cm_ratelimit_classify_response (guint        http_status,
                                gint64       retry_after_s,
                                GBytes      *body,
                                const char  *secret,
                                char       **message)
{
  ErrorBody b = { NULL, };
  g_autofree char *detail = NULL;
  g_autofree char *summary = NULL;
  CmRatelimitError code;

  parse_error_body (body, &b);
  detail = clean_server_text (b.message, secret);

  if (http_status >= 200 && http_status < 300)
    {
      code = CM_RATELIMIT_ERROR_NONE;
      summary = g_strdup_printf ("OK (HTTP %u).", http_status);
      g_clear_pointer (&detail, g_free);
    }
  else if (http_status == 401)
    {
      code = CM_RATELIMIT_ERROR_UNAUTHORIZED;
      summary = g_strdup ("The API key was rejected (HTTP 401). Check the key in Preferences.");
    }
  else if (http_status == 403)
    {
      code = CM_RATELIMIT_ERROR_FORBIDDEN;
      summary = g_strdup ("The API key is not allowed to use this model or endpoint (HTTP 403).");
    }
  else if (http_status == 429 && looks_like_spend_limit (&b))
    {
      code = CM_RATELIMIT_ERROR_SPEND_LIMIT;
      summary = g_strdup ("The organization’s spend limit is reached (HTTP 429). "
                          "Retrying will not help until the limit resets or is raised.");
    }
  else if (http_status == 429 && retry_after_s >= 0)
    {
      code = CM_RATELIMIT_ERROR_RATE_LIMITED;
      summary = g_strdup_printf ("Rate limited (HTTP 429): retry in %" G_GINT64_FORMAT " s.",
                                 retry_after_s);
    }
  else if (http_status == 429)
    {
      code = CM_RATELIMIT_ERROR_RATE_LIMITED;
      summary = g_strdup ("Rate limited (HTTP 429) and the server did not say when to retry. "
                          "If this persists, a monthly spend cap may have been reached.");
    }
  else if (http_status == 400 && looks_like_spend_limit (&b))
    {
      code = CM_RATELIMIT_ERROR_SPEND_LIMIT;
      summary = g_strdup ("A usage or spend limit is reached (HTTP 400). "
                          "Retrying will not help until it resets or is raised.");
    }
  else if (http_status == 404)
    {
      code = CM_RATELIMIT_ERROR_BAD_REQUEST;
      summary = g_strdup ("Not found (HTTP 404): check the probe model and the API base URL.");
    }
  else if (http_status >= 400 && http_status < 500)
    {
      code = CM_RATELIMIT_ERROR_BAD_REQUEST;
      summary = g_strdup_printf ("The request was refused (HTTP %u): check the probe model.",
                                 http_status);
    }
  else if (http_status == 529)
    {
      code = CM_RATELIMIT_ERROR_OVERLOADED;
      summary = g_strdup ("The API is overloaded (HTTP 529). Try again later.");
    }
  else if (http_status >= 500 && http_status < 600)
    {
      code = CM_RATELIMIT_ERROR_SERVER;
      summary = g_strdup_printf ("The API had an internal error (HTTP %u). Try again later.",
                                 http_status);
    }
  else
    {
      code = CM_RATELIMIT_ERROR_UNEXPECTED;
      summary = g_strdup_printf ("Unexpected reply (HTTP %u): check the API base URL.",
                                 http_status);
    }

  if (message != NULL)
    *message = with_detail (summary, detail);

  error_body_clear (&b);

  return code;
}

char *
cm_ratelimit_server_message (GBytes     *body,
                             const char *secret)
{
  ErrorBody b = { NULL, };
  char *text;

  parse_error_body (body, &b);
  text = clean_server_text (b.message, secret);
  error_body_clear (&b);

  return text;
}
