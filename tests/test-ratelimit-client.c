/* test-ratelimit-client.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#define G_SETTINGS_ENABLE_BACKEND
#include <gio/gsettingsbackend.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cm-ratelimit-client.h"
#include "cm-ratelimit-client-private.h"
#include "cm-store.h"
#include "cm-test-util.h"

#define TEST_KEY "sk-ant-api03-TESTKEY0123456789abcdefXYZ"

/* ------------------------------------------------------------------ */
/* Pure functions                                                      */
/* ------------------------------------------------------------------ */

static char *
iso_in (gint64 now_ms,
        int    seconds)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (now_ms / 1000 + seconds);

  return g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");
}

static void
test_parse_count (void)
{
  gint64 v = -7;

  g_assert_true (cm_ratelimit_parse_count ("0", &v));
  g_assert_cmpint (v, ==, 0);
  g_assert_true (cm_ratelimit_parse_count ("4000000", &v));
  g_assert_cmpint (v, ==, 4000000);
  g_assert_true (cm_ratelimit_parse_count (" 50 ", &v));
  g_assert_cmpint (v, ==, 50);
  g_assert_true (cm_ratelimit_parse_count ("1000000000000", &v));
  g_assert_cmpint (v, ==, G_GINT64_CONSTANT (1000000000000));

  v = 42;
  g_assert_false (cm_ratelimit_parse_count (NULL, &v));
  g_assert_false (cm_ratelimit_parse_count ("", &v));
  g_assert_false (cm_ratelimit_parse_count ("-5", &v));
  g_assert_false (cm_ratelimit_parse_count ("+5", &v));
  g_assert_false (cm_ratelimit_parse_count ("5.0", &v));
  g_assert_false (cm_ratelimit_parse_count ("1e6", &v));
  g_assert_false (cm_ratelimit_parse_count ("abc", &v));
  g_assert_false (cm_ratelimit_parse_count ("50, 60", &v));
  g_assert_false (cm_ratelimit_parse_count ("1000000000001", &v));
  g_assert_false (cm_ratelimit_parse_count ("99999999999999999999999", &v));
  g_assert_cmpint (v, ==, 42);
}

static void
test_parse_reset (void)
{
  gint64 now_ms = G_GINT64_CONSTANT (1755780000000); /* 2025-08-21T12:40:00Z */
  gint64 ms = 0;

  g_assert_true (cm_ratelimit_parse_reset ("2025-08-21T12:40:59Z", now_ms, &ms));
  g_assert_cmpint (ms, ==, now_ms + 59000);
  g_assert_true (cm_ratelimit_parse_reset ("2025-08-21T14:40:59+02:00", now_ms, &ms));
  g_assert_cmpint (ms, ==, now_ms + 59000);
  g_assert_true (cm_ratelimit_parse_reset ("2025-08-21T12:40:00.250Z", now_ms, &ms));
  g_assert_cmpint (ms, ==, now_ms + 250);

  ms = 9;
  /* No offset, not a time, far past and far future: all refused. */
  g_assert_false (cm_ratelimit_parse_reset ("2025-08-21T12:40:59", now_ms, &ms));
  g_assert_false (cm_ratelimit_parse_reset ("tomorrow", now_ms, &ms));
  g_assert_false (cm_ratelimit_parse_reset ("1755780059", now_ms, &ms));
  g_assert_false (cm_ratelimit_parse_reset ("1970-01-01T00:00:00Z", now_ms, &ms));
  g_assert_false (cm_ratelimit_parse_reset ("2999-01-01T00:00:00Z", now_ms, &ms));
  g_assert_false (cm_ratelimit_parse_reset ("2025-13-45T99:99:99Z", now_ms, &ms));
  g_assert_cmpint (ms, ==, 9);
}

static void
test_parse_retry_after (void)
{
  gint64 now_ms = G_GINT64_CONSTANT (1755780000000);
  gint64 s = -1;

  g_assert_true (cm_ratelimit_parse_retry_after ("17", now_ms, &s));
  g_assert_cmpint (s, ==, 17);
  g_assert_true (cm_ratelimit_parse_retry_after ("0", now_ms, &s));
  g_assert_cmpint (s, ==, 0);
  /* An HTTP date 30 s ahead. */
  g_assert_true (cm_ratelimit_parse_retry_after ("Thu, 21 Aug 2025 12:40:30 GMT", now_ms, &s));
  g_assert_cmpint (s, ==, 30);

  s = 5;
  g_assert_false (cm_ratelimit_parse_retry_after ("soon", now_ms, &s));
  g_assert_false (cm_ratelimit_parse_retry_after ("-3", now_ms, &s));
  g_assert_false (cm_ratelimit_parse_retry_after ("1.5", now_ms, &s));
  g_assert_false (cm_ratelimit_parse_retry_after ("99999999999", now_ms, &s));
  g_assert_cmpint (s, ==, 5);
}

static CmRateLimitObservation *
find_kind (GPtrArray  *observations,
           const char *kind)
{
  for (guint i = 0; i < observations->len; i++)
    {
      CmRateLimitObservation *obs = g_ptr_array_index (observations, i);

      if (g_strcmp0 (obs->kind, kind) == 0)
        return obs;
    }

  return NULL;
}

static void
test_parse_headers_full (void)
{
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  gint64 now_ms = G_GINT64_CONSTANT (1755780000000);
  g_autoptr(GPtrArray) obs = NULL;
  CmRateLimitObservation *o;
  gint64 retry = 0;
  guint bad = 99;

  soup_message_headers_append (h, "anthropic-ratelimit-requests-limit", "50");
  soup_message_headers_append (h, "anthropic-ratelimit-requests-remaining", "49");
  soup_message_headers_append (h, "anthropic-ratelimit-requests-reset", "2025-08-21T12:40:01Z");
  soup_message_headers_append (h, "anthropic-ratelimit-tokens-limit", "58000");
  soup_message_headers_append (h, "anthropic-ratelimit-tokens-remaining", "58000");
  soup_message_headers_append (h, "anthropic-ratelimit-tokens-reset", "2025-08-21T12:40:00Z");
  soup_message_headers_append (h, "Anthropic-RateLimit-Input-Tokens-Limit", "50000");
  soup_message_headers_append (h, "anthropic-ratelimit-input-tokens-remaining", "50000");
  soup_message_headers_append (h, "anthropic-ratelimit-input-tokens-reset", "2025-08-21T12:40:00Z");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-limit", "8000");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-remaining", "7000");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-reset", "2025-08-21T12:40:08Z");
  soup_message_headers_append (h, "anthropic-priority-input-tokens-limit", "1000");
  soup_message_headers_append (h, "anthropic-ratelimit-priority-output-tokens-remaining", "300");
  soup_message_headers_append (h, "anthropic-organization-id", "5f7b1c2e-aaaa-bbbb-cccc-0123456789ab");

  obs = cm_ratelimit_parse_headers (h, "claude-haiku-4-5", 200, now_ms, &retry, &bad);

  g_assert_cmpuint (obs->len, ==, 6);
  g_assert_cmpint (retry, ==, -1);
  g_assert_cmpuint (bad, ==, 0);

  o = find_kind (obs, "requests");
  g_assert_nonnull (o);
  g_assert_cmpstr (o->model, ==, "claude-haiku-4-5");
  g_assert_cmpstr (o->organization_id, ==, "5f7b1c2e-aaaa-bbbb-cccc-0123456789ab");
  g_assert_cmpint (o->observed_ms, ==, now_ms);
  g_assert_cmpint (o->limit, ==, 50);
  g_assert_cmpint (o->remaining, ==, 49);
  g_assert_cmpint (o->reset_ms, ==, now_ms + 1000);
  g_assert_cmpint (o->retry_after_s, ==, -1);
  g_assert_cmpint (o->http_status, ==, 200);

  o = find_kind (obs, "input-tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, 50000);
  g_assert_cmpint (o->remaining, ==, 50000);

  o = find_kind (obs, "output-tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, 8000);
  g_assert_cmpint (o->remaining, ==, 7000);
  g_assert_cmpint (o->reset_ms, ==, now_ms + 8000);

  o = find_kind (obs, "tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->reset_ms, ==, now_ms);

  /* Both Priority Tier spellings are read; absent values stay -1 / 0. */
  o = find_kind (obs, "priority-input-tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, 1000);
  g_assert_cmpint (o->remaining, ==, -1);
  g_assert_cmpint (o->reset_ms, ==, 0);
  o = find_kind (obs, "priority-output-tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, -1);
  g_assert_cmpint (o->remaining, ==, 300);
}

static void
test_parse_headers_partial (void)
{
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GPtrArray) obs = NULL;
  gint64 retry = 0;
  guint bad = 99;

  /* Only two of the four groups, as some real replies have. */
  soup_message_headers_append (h, "anthropic-ratelimit-requests-limit", "4000");
  soup_message_headers_append (h, "anthropic-ratelimit-requests-remaining", "3999");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-remaining", "400000");

  obs = cm_ratelimit_parse_headers (h, "m", 200, g_get_real_time () / 1000, &retry, &bad);
  g_assert_cmpuint (obs->len, ==, 2);
  g_assert_cmpuint (bad, ==, 0);
  g_assert_null (find_kind (obs, "tokens"));
  g_assert_null (find_kind (obs, "input-tokens"));
  g_assert_cmpint (find_kind (obs, "requests")->reset_ms, ==, 0);
  g_assert_null (find_kind (obs, "requests")->organization_id);
  g_assert_cmpint (find_kind (obs, "output-tokens")->limit, ==, -1);
  g_assert_cmpint (find_kind (obs, "output-tokens")->remaining, ==, 400000);

  /* No header at all: nothing, and nothing malformed. */
  g_clear_pointer (&obs, g_ptr_array_unref);
  soup_message_headers_clear (h);
  obs = cm_ratelimit_parse_headers (h, "m", 200, g_get_real_time () / 1000, &retry, &bad);
  g_assert_cmpuint (obs->len, ==, 0);
  g_assert_cmpuint (bad, ==, 0);
  g_assert_cmpint (retry, ==, -1);
}

static void
test_parse_headers_garbage (void)
{
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GPtrArray) obs = NULL;
  gint64 now_ms = g_get_real_time () / 1000;
  g_autofree char *reset = iso_in (now_ms, 30);
  CmRateLimitObservation *o;
  gint64 retry = 0;
  guint bad = 0;

  soup_message_headers_append (h, "retry-after", "whenever");
  /* requests: limit garbage, remaining fine. */
  soup_message_headers_append (h, "anthropic-ratelimit-requests-limit", "fifty");
  soup_message_headers_append (h, "anthropic-ratelimit-requests-remaining", "12");
  soup_message_headers_append (h, "anthropic-ratelimit-requests-reset", "yesterday");
  /* tokens: everything garbage: no observation at all. */
  soup_message_headers_append (h, "anthropic-ratelimit-tokens-limit", "-1");
  soup_message_headers_append (h, "anthropic-ratelimit-tokens-remaining", "1e9");
  soup_message_headers_append (h, "anthropic-ratelimit-tokens-reset", "2999-01-01T00:00:00Z");
  /* input: absurd size, and remaining above limit beyond rounding. */
  soup_message_headers_append (h, "anthropic-ratelimit-input-tokens-limit", "99999999999999999999");
  soup_message_headers_append (h, "anthropic-ratelimit-input-tokens-remaining", "5");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-limit", "1000");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-remaining", "90000");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-reset", reset);
  /* A repeated header with two different values. */
  soup_message_headers_append (h, "anthropic-priority-input-tokens-limit", "10");
  soup_message_headers_append (h, "anthropic-priority-input-tokens-limit", "20");
  soup_message_headers_append (h, "anthropic-organization-id", "org id; drop table");

  obs = cm_ratelimit_parse_headers (h, "m", 200, now_ms, &retry, &bad);

  g_assert_cmpint (retry, ==, -1);
  /* retry-after, requests limit + reset, tokens x3, input limit,
   * output remaining, the repeated priority limit, the organization id. */
  g_assert_cmpuint (bad, ==, 10);
  g_assert_null (find_kind (obs, "tokens"));
  g_assert_null (find_kind (obs, "priority-input-tokens"));

  o = find_kind (obs, "requests");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, -1);
  g_assert_cmpint (o->remaining, ==, 12);
  g_assert_cmpint (o->reset_ms, ==, 0);
  g_assert_null (o->organization_id);

  o = find_kind (obs, "input-tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, -1);
  g_assert_cmpint (o->remaining, ==, 5);

  o = find_kind (obs, "output-tokens");
  g_assert_nonnull (o);
  g_assert_cmpint (o->limit, ==, 1000);
  g_assert_cmpint (o->remaining, ==, -1);
  g_assert_cmpint (o->reset_ms / 1000, ==, now_ms / 1000 + 30);
  g_assert_cmpuint (obs->len, ==, 3);
}

static void
test_parse_headers_rounding (void)
{
  g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
  g_autoptr(GPtrArray) obs = NULL;
  guint bad = 0;

  /* Token counts are rounded to the nearest 1000: 1500 full reads 2000. */
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-limit", "1500");
  soup_message_headers_append (h, "anthropic-ratelimit-output-tokens-remaining", "2000");
  /* Requests are not rounded: 51 of 50 is nonsense. */
  soup_message_headers_append (h, "anthropic-ratelimit-requests-limit", "50");
  soup_message_headers_append (h, "anthropic-ratelimit-requests-remaining", "51");

  obs = cm_ratelimit_parse_headers (h, "m", 200, g_get_real_time () / 1000, NULL, &bad);
  g_assert_cmpint (find_kind (obs, "output-tokens")->remaining, ==, 1500);
  g_assert_cmpint (find_kind (obs, "requests")->remaining, ==, -1);
  g_assert_cmpint (find_kind (obs, "requests")->limit, ==, 50);
  g_assert_cmpuint (bad, ==, 1);
}

/* Random garbage in every header and body: no crash, and whatever comes out
 * stays within the documented ranges. */
static char *
random_value (void)
{
  static const char *pieces[] = {
    "0", "1", "9", "50", "-", "+", ":", "T", "Z", " ", ",", ".", "e", "x", "\xc3\xa9", "\xff",
    "2026-11-22T19:00:00Z", "99999999999999", "1000000000000", "nan", "Thu, 21 Aug 2025 12:40:30 GMT",
  };
  GString *v = g_string_new (NULL);
  int n = g_test_rand_int_range (0, 6);

  for (int i = 0; i < n; i++)
    g_string_append (v, pieces[g_test_rand_int_range (0, G_N_ELEMENTS (pieces))]);

  return g_string_free (v, FALSE);
}

static void
test_parse_random (void)
{
  static const char *names[] = {
    "retry-after", "anthropic-organization-id",
    "anthropic-ratelimit-requests-limit", "anthropic-ratelimit-requests-remaining",
    "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-limit",
    "anthropic-ratelimit-tokens-remaining", "anthropic-ratelimit-input-tokens-limit",
    "anthropic-ratelimit-input-tokens-remaining", "anthropic-ratelimit-output-tokens-reset",
    "anthropic-priority-input-tokens-limit", "anthropic-ratelimit-priority-output-tokens-remaining",
  };
  gint64 now_ms = G_GINT64_CONSTANT (1763838000000); /* 2026-11-22T19:00:00Z */

  for (int round = 0; round < 3000; round++)
    {
      g_autoptr(SoupMessageHeaders) h = soup_message_headers_new (SOUP_MESSAGE_HEADERS_RESPONSE);
      g_autoptr(GPtrArray) obs = NULL;
      g_autofree char *body_text = random_value ();
      g_autoptr(GBytes) body = g_bytes_new (body_text, strlen (body_text));
      g_autofree char *message = NULL;
      gint64 retry = 0;
      guint bad = 0;

      for (guint i = 0; i < G_N_ELEMENTS (names); i++)
        {
          if (g_test_rand_bit ())
            {
              g_autofree char *v = random_value ();

              soup_message_headers_append (h, names[i], v);
            }
        }

      obs = cm_ratelimit_parse_headers (h, "m", 429, now_ms, &retry, &bad);
      g_assert_true (retry >= -1 && retry <= G_GINT64_CONSTANT (366) * 86400);
      for (guint i = 0; i < obs->len; i++)
        {
          CmRateLimitObservation *o = g_ptr_array_index (obs, i);

          g_assert_true (o->limit >= -1 && o->limit <= G_GINT64_CONSTANT (1000000000000));
          g_assert_true (o->remaining >= -1 && o->remaining <= G_GINT64_CONSTANT (1000000000000));
          g_assert_true (o->limit < 0 || o->remaining <= o->limit);
          g_assert_true (o->reset_ms == 0 ||
                         (o->reset_ms >= now_ms - 86400 * 1000 &&
                          o->reset_ms <= now_ms + G_GINT64_CONSTANT (366) * 86400 * 1000));
          g_assert_true (o->limit >= 0 || o->remaining >= 0 || o->reset_ms > 0);
          g_assert_true (o->organization_id == NULL || g_str_is_ascii (o->organization_id));
        }

      cm_ratelimit_classify_response (g_test_rand_int_range (100, 600), retry, body, NULL, &message);
      g_assert_true (g_utf8_validate (message, -1, NULL));
    }
}

static GBytes *
error_body (const char *type,
            const char *message,
            const char *error_code)
{
  g_autofree char *details = NULL;
  char *json;

  if (error_code != NULL)
    details = g_strdup_printf (",\"details\":{\"error_code\":\"%s\"}", error_code);
  json = g_strdup_printf ("{\"type\":\"error\",\"error\":{\"type\":\"%s\",\"message\":\"%s\"%s},"
                          "\"request_id\":\"req_011CT\"}",
                          type, message, details ? details : "");

  return g_bytes_new_take (json, strlen (json));
}

static void
test_classify (void)
{
  struct {
    guint status;
    gint64 retry;
    const char *type, *message, *code;
    CmRatelimitError expected;
    const char *text;
  } cases[] = {
    { 200, -1, NULL, NULL, NULL, CM_RATELIMIT_ERROR_NONE, "OK (HTTP 200)" },
    { 401, -1, "authentication_error", "invalid x-api-key", NULL,
      CM_RATELIMIT_ERROR_UNAUTHORIZED, "invalid x-api-key" },
    { 403, -1, "permission_error", "no access", NULL, CM_RATELIMIT_ERROR_FORBIDDEN, "HTTP 403" },
    { 429, 17, "rate_limit_error", "Number of requests has exceeded your rate limit", NULL,
      CM_RATELIMIT_ERROR_RATE_LIMITED, "retry in 17 s" },
    { 429, -1, "rate_limit_error", "slow down", NULL,
      CM_RATELIMIT_ERROR_RATE_LIMITED, "did not say when to retry" },
    { 429, -1, "rate_limit_error", "You have reached your API usage limits", "enforced_spend_limit_reached",
      CM_RATELIMIT_ERROR_SPEND_LIMIT, "spend limit" },
    { 400, -1, "invalid_request_error",
      "You have reached your specified API usage limits. You will regain access on 2026-12-01", NULL,
      CM_RATELIMIT_ERROR_SPEND_LIMIT, "regain access" },
    { 400, -1, "invalid_request_error", "Your credit balance is too low to access the API", NULL,
      CM_RATELIMIT_ERROR_SPEND_LIMIT, "credit balance" },
    { 400, -1, "invalid_request_error", "max_tokens: field required", NULL,
      CM_RATELIMIT_ERROR_BAD_REQUEST, "HTTP 400" },
    { 404, -1, "not_found_error", "model: claude-nope", NULL,
      CM_RATELIMIT_ERROR_BAD_REQUEST, "claude-nope" },
    { 500, -1, "api_error", "Internal server error", NULL, CM_RATELIMIT_ERROR_SERVER, "HTTP 500" },
    { 503, -1, NULL, NULL, NULL, CM_RATELIMIT_ERROR_SERVER, "HTTP 503" },
    { 529, -1, "overloaded_error", "Overloaded", NULL, CM_RATELIMIT_ERROR_OVERLOADED, "overloaded" },
    { 302, -1, NULL, NULL, NULL, CM_RATELIMIT_ERROR_UNEXPECTED, "HTTP 302" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GBytes) body = NULL;
      g_autofree char *message = NULL;
      CmRatelimitError code;

      if (cases[i].type != NULL)
        body = error_body (cases[i].type, cases[i].message, cases[i].code);

      code = cm_ratelimit_classify_response (cases[i].status, cases[i].retry, body, TEST_KEY, &message);
      g_test_message ("%u: %s", cases[i].status, message);
      g_assert_cmpint (code, ==, cases[i].expected);
      g_assert_nonnull (strstr (message, cases[i].text));
    }
}

static void
test_classify_garbage_body (void)
{
  const char *bodies[] = {
    "", "not json", "[1,2,3]", "{\"error\": 5}", "{\"error\":{\"message\": 7}}",
    "{\"error\":{\"message\":\"\\u0000\\u0007 bell\"}}", "\xff\xfe\x00garbage",
  };

  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autoptr(GBytes) body = g_bytes_new_static (bodies[i], strlen (bodies[i]));
      g_autofree char *message = NULL;

      g_assert_cmpint (cm_ratelimit_classify_response (500, -1, body, NULL, &message),
                       ==, CM_RATELIMIT_ERROR_SERVER);
      g_assert_true (g_utf8_validate (message, -1, NULL));
      g_assert_null (strchr (message, '\a'));
    }
}

static void
test_redact (void)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *c = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *message = NULL;

  a = cm_ratelimit_redact ("bad key " TEST_KEY " here", TEST_KEY);
  g_assert_cmpstr (a, ==, "bad key [redacted] here");
  b = cm_ratelimit_redact ("other sk-ant-admin01-abc_DEF-123. end", NULL);
  g_assert_cmpstr (b, ==, "other [redacted]. end");
  c = cm_ratelimit_redact ("custom-secret-value twice custom-secret-value", "custom-secret-value");
  g_assert_cmpstr (c, ==, "[redacted] twice [redacted]");

  /* A server that echoes the key back never gets it into our message. */
  body = error_body ("authentication_error", "invalid x-api-key: " TEST_KEY, NULL);
  cm_ratelimit_classify_response (401, -1, body, TEST_KEY, &message);
  g_assert_null (strstr (message, TEST_KEY));
  g_assert_nonnull (strstr (message, "[redacted]"));
}

/* ------------------------------------------------------------------ */
/* The client against a SoupServer on 127.0.0.1                        */
/* ------------------------------------------------------------------ */

typedef struct
{
  SoupServer        *server;
  char              *base;       /* http://127.0.0.1:PORT */
  guint              n_requests;
  char              *last_key;
  char              *last_version;
  char              *last_content_type;
  char              *last_body;
  GPtrArray         *paused;     /* SoupServerMessage never answered */
  CmRatelimitClient *client;
  SoupServerMessage *trickled;   /* /trickle: a byte now and then */
  guint              trickle_id;
  gsize              streamed;   /* /huge: bytes the server wrote */
} Fixture;

static char huge_chunk[64 * 1024];

/* /huge: a body that never ends (1 GiB at most), one chunk after another. */
static void
huge_wrote_chunk_cb (SoupServerMessage *msg,
                     gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageBody *body = soup_server_message_get_response_body (msg);

  if (f->streamed >= 1024 * 1024 * 1024)
    {
      soup_message_body_complete (body);
      return;
    }
  f->streamed += sizeof huge_chunk;
  soup_message_body_append (body, SOUP_MEMORY_STATIC, huge_chunk, sizeof huge_chunk);
}

static gboolean
trickle_cb (gpointer user_data)
{
  Fixture *f = user_data;

  soup_message_body_append (soup_server_message_get_response_body (f->trickled), SOUP_MEMORY_STATIC, "x", 1);
  soup_server_message_unpause (f->trickled);

  return G_SOURCE_CONTINUE;
}

/* Every log line of the whole run (g_log_set_writer_func works once). */
static GString *captured_log;

static void
set_headers_full (SoupMessageHeaders *h,
                  int                 requests_remaining)
{
  gint64 now_ms = g_get_real_time () / 1000;
  g_autofree char *r1 = iso_in (now_ms, 1);
  g_autofree char *r60 = iso_in (now_ms, 60);
  g_autofree char *rem = g_strdup_printf ("%d", requests_remaining);

  soup_message_headers_replace (h, "request-id", "req_018EeWyXxfu5pfWkrYcMdjWG");
  soup_message_headers_replace (h, "anthropic-organization-id", "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  soup_message_headers_replace (h, "anthropic-workspace-id", "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ");
  soup_message_headers_replace (h, "anthropic-ratelimit-requests-limit", "50");
  soup_message_headers_replace (h, "anthropic-ratelimit-requests-remaining", rem);
  soup_message_headers_replace (h, "anthropic-ratelimit-requests-reset", r1);
  soup_message_headers_replace (h, "anthropic-ratelimit-input-tokens-limit", "50000");
  soup_message_headers_replace (h, "anthropic-ratelimit-input-tokens-remaining", "50000");
  soup_message_headers_replace (h, "anthropic-ratelimit-input-tokens-reset", r1);
  soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-limit", "10000");
  soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-remaining", "10000");
  soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-reset", r60);
  soup_message_headers_replace (h, "anthropic-ratelimit-tokens-limit", "60000");
  soup_message_headers_replace (h, "anthropic-ratelimit-tokens-remaining", "60000");
  soup_message_headers_replace (h, "anthropic-ratelimit-tokens-reset", r1);
}

static void
respond_json (SoupServerMessage *msg,
              guint              status,
              const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (body);

  f->n_requests++;
  g_free (f->last_key);
  f->last_key = g_strdup (soup_message_headers_get_one (req, "x-api-key"));
  g_free (f->last_version);
  f->last_version = g_strdup (soup_message_headers_get_one (req, "anthropic-version"));
  g_free (f->last_content_type);
  f->last_content_type = g_strdup (soup_message_headers_get_content_type (req, NULL));
  g_free (f->last_body);
  f->last_body = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));

  if (!g_str_has_suffix (path, "/v1/messages") ||
      g_strcmp0 (soup_server_message_get_method (msg), "POST") != 0)
    {
      respond_json (msg, 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not Found\"}}");
      return;
    }

  if (g_str_has_prefix (path, "/ok/"))
    {
      set_headers_full (h, 49);
      respond_json (msg, 200, "{\"id\":\"msg_01\",\"type\":\"message\",\"role\":\"assistant\","
                              "\"content\":[{\"type\":\"text\",\"text\":\"Hi\"}],"
                              "\"usage\":{\"input_tokens\":8,\"output_tokens\":1}}");
    }
  else if (g_str_has_prefix (path, "/empty/"))
    {
      respond_json (msg, 200, "{}");
    }
  else if (g_str_has_prefix (path, "/429/"))
    {
      set_headers_full (h, 0);
      soup_message_headers_replace (h, "retry-after", "17");
      respond_json (msg, 429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                              "\"message\":\"Number of request tokens has exceeded your per-minute rate limit\"}}");
    }
  else if (g_str_has_prefix (path, "/429-bare/"))
    {
      respond_json (msg, 429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                              "\"message\":\"Rate limited\"}}");
    }
  else if (g_str_has_prefix (path, "/spend/"))
    {
      respond_json (msg, 429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\","
                              "\"message\":\"You have reached your API usage limits.\","
                              "\"details\":{\"error_code\":\"enforced_spend_limit_reached\"}}}");
    }
  else if (g_str_has_prefix (path, "/401/"))
    {
      /* Echoes the key, as a careless proxy might. */
      g_autofree char *json = g_strdup_printf ("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                                               "\"message\":\"invalid x-api-key %s\"}}", f->last_key);
      soup_message_headers_replace (h, "request-id", "req_401");
      respond_json (msg, 401, json);
    }
  else if (g_str_has_prefix (path, "/403/"))
    {
      respond_json (msg, 403, "{\"type\":\"error\",\"error\":{\"type\":\"permission_error\","
                              "\"message\":\"Your API key does not have permission\"}}");
    }
  else if (g_str_has_prefix (path, "/500/"))
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC,
                                        "<html>oops</html>", 17);
    }
  else if (g_str_has_prefix (path, "/529/"))
    {
      respond_json (msg, 529, "{\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}");
    }
  else if (g_str_has_prefix (path, "/garbage/"))
    {
      soup_message_headers_replace (h, "anthropic-ratelimit-requests-limit", "lots");
      soup_message_headers_replace (h, "anthropic-ratelimit-requests-remaining", "-3");
      soup_message_headers_replace (h, "anthropic-ratelimit-requests-reset", "not a date");
      soup_message_headers_replace (h, "anthropic-ratelimit-input-tokens-limit", "184467440737095516160");
      soup_message_headers_replace (h, "anthropic-ratelimit-input-tokens-remaining", "1000");
      soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-limit", "1000");
      soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-remaining", "5000000");
      soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-reset", "1999-01-01T00:00:00Z");
      soup_message_headers_replace (h, "anthropic-organization-id", "\xc3\xa9vil org");
      soup_message_headers_replace (h, "request-id", "req_ok_1");
      soup_message_headers_replace (h, "retry-after", "eventually");
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "\x01\x02{{{", 5);
    }
  else if (g_str_has_prefix (path, "/redirect/"))
    {
      /* To another origin: the same server under another name. */
      g_autofree char *to = g_strdup_printf ("http://localhost:%u/ok/v1/messages",
                                             g_uri_get_port (soup_server_message_get_uri (msg)));
      soup_message_headers_replace (h, "location", to);
      soup_server_message_set_status (msg, 302, NULL);
    }
  else if (g_str_has_prefix (path, "/huge/"))
    {
      soup_server_message_set_status (msg, 400, NULL);
      soup_message_headers_set_encoding (h, SOUP_ENCODING_CHUNKED);
      memset (huge_chunk, 'a', sizeof huge_chunk);
      g_signal_connect (msg, "wrote-chunk", G_CALLBACK (huge_wrote_chunk_cb), f);
      huge_wrote_chunk_cb (msg, f);
    }
  else if (g_str_has_prefix (path, "/trickle/"))
    {
      /* Headers, then a byte every 100 ms, forever. */
      soup_server_message_set_status (msg, 200, NULL);
      soup_message_headers_set_encoding (h, SOUP_ENCODING_CHUNKED);
      f->trickled = g_object_ref (msg);
      f->trickle_id = g_timeout_add (100, trickle_cb, f);
    }
  else if (g_str_has_prefix (path, "/slow/"))
    {
      /* Never answered: the client's timeout must fire. */
      soup_server_message_pause (msg);
      g_ptr_array_add (f->paused, g_object_ref (msg));
    }
  else
    {
      respond_json (msg, 404, "{}");
    }
}

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  GString *log = user_data;

  for (gsize i = 0; i < n_fields; i++)
    {
      if (fields[i].length < 0)
        g_string_append_printf (log, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
      else
        {
          g_string_append_printf (log, "%s=", fields[i].key);
          g_string_append_len (log, fields[i].value, fields[i].length);
          g_string_append_c (log, '\n');
        }
    }

  /* Warnings and criticals still fail the test. */
  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, NULL);

  return G_LOG_WRITER_HANDLED;
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->client = cm_ratelimit_client_new ();
  cm_ratelimit_client_set_api_key (f->client, TEST_KEY);
  cm_ratelimit_client_set_timeout (f->client, 2);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->client);
  g_clear_handle_id (&f->trickle_id, g_source_remove);
  g_clear_object (&f->trickled);
  soup_server_disconnect (f->server);
  g_ptr_array_unref (f->paused);
  g_clear_object (&f->server);
  g_free (f->base);
  g_free (f->last_key);
  g_free (f->last_version);
  g_free (f->last_content_type);
  g_free (f->last_body);

  /* Whatever happened, the key is in no log line. */
  g_assert_null (strstr (captured_log->str, TEST_KEY));
}

static void
probe_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  CmRatelimitResult **out = user_data;
  g_autoptr(GError) error = NULL;

  *out = cm_ratelimit_client_probe_finish (CM_RATELIMIT_CLIENT (source), res, &error);
  g_assert_no_error (error);
  g_assert_nonnull (*out);
}

/* Probes {base}{scenario} and waits for the result. */
static CmRatelimitResult *
probe (Fixture    *f,
       const char *scenario,
       const char *model)
{
  CmRatelimitResult *result = NULL;
  g_autofree char *url = g_strconcat (f->base, scenario, NULL);

  cm_ratelimit_client_set_base_url (f->client, url);
  cm_ratelimit_client_probe_async (f->client, model, NULL, probe_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_test_message ("%s: %s", scenario, result->message);
  g_assert_null (strstr (result->message, TEST_KEY));
  g_assert_true (g_utf8_validate (result->message, -1, NULL));

  return result;
}

static void
finished_cb (CmRatelimitClient *client,
             CmRatelimitResult *result,
             gpointer           user_data)
{
  guint *n = user_data;

  (*n)++;
}

static void
test_client_ok (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root;
  JsonObject *message;
  CmRateLimitObservation *o;
  guint n_finished = 0;
  gint64 before = g_get_real_time () / 1000;

  g_signal_connect (f->client, "probe-finished", G_CALLBACK (finished_cb), &n_finished);

  /* A trailing slash on the base URL is fine. */
  r = probe (f, "/ok/", "claude-sonnet-4-5");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_NONE);
  g_assert_cmpuint (r->http_status, ==, 200);
  g_assert_cmpstr (r->model, ==, "claude-sonnet-4-5");
  g_assert_cmpstr (r->request_id, ==, "req_018EeWyXxfu5pfWkrYcMdjWG");
  g_assert_cmpstr (r->organization_id, ==, "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  g_assert_cmpstr (r->workspace_id, ==, "wrkspc_01JwQvzr7rXLA5AGx3HKfFUJ");
  g_assert_cmpint (r->retry_after_s, ==, -1);
  g_assert_cmpuint (r->n_malformed, ==, 0);
  g_assert_cmpuint (r->observations->len, ==, 4);
  g_assert_cmpuint (n_finished, ==, 1);
  g_assert_true (cm_ratelimit_client_get_last_result (f->client) == r);

  o = find_kind (r->observations, "requests");
  g_assert_cmpint (o->limit, ==, 50);
  g_assert_cmpint (o->remaining, ==, 49);
  g_assert_cmpint (o->http_status, ==, 200);
  g_assert_cmpstr (o->model, ==, "claude-sonnet-4-5");
  g_assert_cmpstr (o->organization_id, ==, "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
  g_assert_cmpint (o->observed_ms, >=, before);
  g_assert_cmpint (o->reset_ms, >, before);
  o = find_kind (r->observations, "output-tokens");
  g_assert_cmpint (o->limit, ==, 10000);
  g_assert_cmpint (o->reset_ms, >=, before + 59000);

  /* What the server saw: the documented probe. */
  g_assert_cmpuint (f->n_requests, ==, 1);
  g_assert_cmpstr (f->last_key, ==, TEST_KEY);
  g_assert_cmpstr (f->last_version, ==, "2023-06-01");
  g_assert_cmpstr (f->last_content_type, ==, "application/json");
  json_parser_load_from_data (parser, f->last_body, -1, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "model"), ==, "claude-sonnet-4-5");
  g_assert_cmpint (json_object_get_int_member (root, "max_tokens"), ==, 1);
  message = json_array_get_object_element (json_object_get_array_member (root, "messages"), 0);
  g_assert_cmpstr (json_object_get_string_member (message, "role"), ==, "user");
  g_assert_cmpstr (json_object_get_string_member (message, "content"), ==, "hi");

  /* The probe was logged (so the scan for the key below means something). */
  g_assert_nonnull (strstr (captured_log->str, "Probing rate limits at"));
}

static void
test_client_default_model (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;

  cm_ratelimit_client_set_probe_model (f->client, "claude-haiku-4-5-20251001");
  r = probe (f, "/ok", NULL);
  g_assert_cmpstr (r->model, ==, "claude-haiku-4-5-20251001");
  g_assert_nonnull (strstr (f->last_body, "\"claude-haiku-4-5-20251001\""));
}

static void
test_client_no_headers (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/empty", "m");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_NONE);
  g_assert_cmpuint (r->observations->len, ==, 0);
  g_assert_nonnull (strstr (r->message, "no rate-limit headers"));
}

static void
test_client_429 (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/429", "m");
  CmRateLimitObservation *o;

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_RATE_LIMITED);
  g_assert_cmpuint (r->http_status, ==, 429);
  g_assert_cmpint (r->retry_after_s, ==, 17);
  g_assert_nonnull (strstr (r->message, "retry in 17 s"));
  g_assert_nonnull (strstr (r->message, "per-minute rate limit"));
  g_assert_cmpuint (r->observations->len, ==, 4);
  o = find_kind (r->observations, "requests");
  g_assert_cmpint (o->remaining, ==, 0);
  g_assert_cmpint (o->retry_after_s, ==, 17);
  g_assert_cmpint (o->http_status, ==, 429);
}

static void
test_client_429_bare (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/429-bare", "m");
  CmRateLimitObservation *o;

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_RATE_LIMITED);
  g_assert_cmpint (r->retry_after_s, ==, -1);
  g_assert_nonnull (strstr (r->message, "did not say when to retry"));
  /* The refusal itself is kept, with absent counts. */
  g_assert_cmpuint (r->observations->len, ==, 1);
  o = g_ptr_array_index (r->observations, 0);
  g_assert_cmpstr (o->kind, ==, "requests");
  g_assert_cmpint (o->limit, ==, -1);
  g_assert_cmpint (o->remaining, ==, -1);
  g_assert_cmpint (o->http_status, ==, 429);
}

static void
test_client_spend (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/spend", "m");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_SPEND_LIMIT);
  g_assert_nonnull (strstr (r->message, "spend limit"));
}

static void
test_client_401 (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;

  r = probe (f, "/401", "m");
  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (r->http_status, ==, 401);
  g_assert_cmpstr (r->request_id, ==, "req_401");
  g_assert_cmpuint (r->observations->len, ==, 0);
  /* The server echoed the key: it is masked. */
  g_assert_nonnull (strstr (r->message, "invalid x-api-key [redacted]"));
}

static void
test_client_403 (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/403", "m");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_FORBIDDEN);
  g_assert_nonnull (strstr (r->message, "does not have permission"));
}

static void
test_client_5xx (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/500", "m");
  g_autoptr(CmRatelimitResult) r2 = probe (f, "/529", "m");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_SERVER);
  g_assert_nonnull (strstr (r->message, "HTTP 500"));
  /* The HTML body is not pasted into the message. */
  g_assert_null (strstr (r->message, "<html>"));
  g_assert_cmpint (r2->error, ==, CM_RATELIMIT_ERROR_OVERLOADED);
}

static void
test_client_garbage (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/garbage", "m");
  CmRateLimitObservation *o;

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_NONE);
  /* retry-after, requests x3, input limit, output remaining + reset, org id. */
  g_assert_cmpuint (r->n_malformed, ==, 8);
  g_assert_nonnull (strstr (r->message, "8 malformed header values ignored"));
  g_assert_null (r->organization_id);
  g_assert_cmpstr (r->request_id, ==, "req_ok_1");
  g_assert_cmpint (r->retry_after_s, ==, -1);
  g_assert_null (find_kind (r->observations, "requests"));
  o = find_kind (r->observations, "input-tokens");
  g_assert_cmpint (o->limit, ==, -1);
  g_assert_cmpint (o->remaining, ==, 1000);
  o = find_kind (r->observations, "output-tokens");
  g_assert_cmpint (o->limit, ==, 1000);
  g_assert_cmpint (o->remaining, ==, -1);
  g_assert_cmpint (o->reset_ms, ==, 0);
  g_assert_cmpuint (r->observations->len, ==, 2);
}

static void
test_client_timeout (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;
  gint64 start = g_get_monotonic_time ();

  cm_ratelimit_client_set_timeout (f->client, 1);
  r = probe (f, "/slow", "m");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_TIMEOUT);
  g_assert_cmpuint (r->http_status, ==, 0);
  g_assert_nonnull (strstr (r->message, "No reply from 127.0.0.1 within 1 s"));
  g_assert_cmpuint (f->paused->len, ==, 1);
  /* It gave up near its timeout, not at some far default. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 20 * G_USEC_PER_SEC);
}

/* A redirect is an error that names its target; the key is never sent to
 * it (issue 15: it followed a 302 to another origin with the key). */
static void
test_client_redirect (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = probe (f, "/redirect", "m");

  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_UNEXPECTED);
  g_assert_cmpuint (r->http_status, ==, 302);
  g_assert_nonnull (strstr (r->message, "redirect (HTTP 302) to “http://localhost:"));
  g_assert_cmpuint (f->n_requests, ==, 1);
}

/* Plain http only to this computer: the key is never sent in the clear. */
static void
test_client_plain_http (Fixture       *f,
                        gconstpointer  data)
{
  const char *urls[] = { "http://api.example.com", "http://192.0.2.1:8080" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      CmRatelimitResult *r = NULL;

      cm_ratelimit_client_set_base_url (f->client, urls[i]);
      cm_ratelimit_client_probe_async (f->client, "m", NULL, probe_cb, &r);
      while (r == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_BAD_URL);
      g_assert_nonnull (strstr (r->message, "https"));
      cm_ratelimit_result_unref (r);
    }
}

/* A reply body that never ends: 64 KiB are read, then the probe is done
 * (it used to read the whole body into memory). */
static void
test_client_huge_body (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;
  gint64 start = g_get_monotonic_time ();

  r = probe (f, "/huge", "m");
  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_BAD_REQUEST);
  g_assert_cmpuint (r->http_status, ==, 400);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_test_message ("the server wrote %zu bytes", f->streamed);
}

/* A server that trickles a byte every 100 ms never trips the read timeout;
 * the deadline ends the probe (it used to wait for ever). */
static void
test_client_trickle (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;
  gint64 start = g_get_monotonic_time ();

  cm_ratelimit_client_set_timeout (f->client, 1);
  r = probe (f, "/trickle", "m");
  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_TIMEOUT);
  g_assert_nonnull (strstr (r->message, "No complete reply from 127.0.0.1 within 2 s"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_client_no_key (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;

  cm_ratelimit_client_set_api_key (f->client, "   ");
  g_assert_false (cm_ratelimit_client_has_api_key (f->client));
  r = probe (f, "/ok", "m");
  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_NO_KEY);
  g_assert_nonnull (strstr (r->message, "ANTHROPIC_API_KEY"));
  g_assert_cmpuint (f->n_requests, ==, 0);
}

static void
test_client_bad_url (Fixture       *f,
                     gconstpointer  data)
{
  const char *urls[] = { "ftp://127.0.0.1", "not a url", "http://", "http://h/?q=1" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      CmRatelimitResult *r = NULL;

      cm_ratelimit_client_set_base_url (f->client, urls[i]);
      cm_ratelimit_client_probe_async (f->client, "m", NULL, probe_cb, &r);
      while (r == NULL)
        g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_BAD_URL);
      cm_ratelimit_result_unref (r);
    }
  g_assert_cmpuint (f->n_requests, ==, 0);
}

static void
test_client_refused (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CmRatelimitResult) r = NULL;
  g_autofree char *base = g_strdup (f->base);

  /* The server is gone: the port refuses connections. */
  soup_server_disconnect (f->server);
  g_free (f->base);
  f->base = g_steal_pointer (&base);
  r = probe (f, "", "m");
  g_assert_cmpint (r->error, ==, CM_RATELIMIT_ERROR_NETWORK);
  g_assert_nonnull (strstr (r->message, "Could not reach 127.0.0.1"));
}

static void
cancelled_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  CmRatelimitResult *r;

  r = cm_ratelimit_client_probe_finish (CM_RATELIMIT_CLIENT (source), res, &error);
  g_assert_null (r);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *done = TRUE;
}

static void
test_client_cancel (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree char *url = g_strconcat (f->base, "/slow", NULL);
  gboolean done = FALSE;

  cm_ratelimit_client_set_timeout (f->client, 30);
  cm_ratelimit_client_set_base_url (f->client, url);
  cm_ratelimit_client_probe_async (f->client, "m", cancellable, cancelled_cb, &done);
  while (f->paused->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_cancellable_cancel (cancellable);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
changed_cb (CmStore  *store,
            gpointer  user_data)
{
  guint *n = user_data;

  (*n)++;
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *contents = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &contents, &len, NULL))
    return FALSE;

  return memmem (contents, len, needle, strlen (needle)) != NULL;
}

static void
test_client_store (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *dir = cm_test_make_tmpdir ("ratelimit-store");
  g_autofree char *db_path = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(CmRatelimitResult) r1 = NULL;
  g_autoptr(CmRatelimitResult) r2 = NULL;
  g_autoptr(CmRatelimitResult) r3 = NULL;
  g_autoptr(CmRatelimitResult) r4 = NULL;
  CmRateLimitObservation *o;
  guint n_changed = 0;
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  gboolean seen_model = FALSE;

  store = cm_store_open (db_path, &error);
  g_assert_no_error (error);
  g_signal_connect (store, "changed", G_CALLBACK (changed_cb), &n_changed);
  cm_ratelimit_client_set_store (f->client, store);

  r1 = probe (f, "/ok", "claude-haiku-4-5");
  g_assert_cmpuint (n_changed, >, 0);
  r2 = probe (f, "/429", "claude-opus-4-6");
  /* Errors without observations store nothing. */
  r3 = probe (f, "/401", "claude-sonnet-4-5");
  r4 = probe (f, "/429-bare", "claude-sonnet-4-5");

  rows = cm_store_list_ratelimit_observations (store, &error);
  g_assert_no_error (error);
  /* haiku x4, opus x4, sonnet x1 (the bare refusal). */
  g_assert_cmpuint (rows->len, ==, 9);

  for (guint i = 0; i < rows->len; i++)
    {
      o = g_ptr_array_index (rows, i);
      if (g_str_equal (o->model, "claude-haiku-4-5") && g_str_equal (o->kind, "requests"))
        {
          g_assert_cmpint (o->limit, ==, 50);
          g_assert_cmpint (o->remaining, ==, 49);
          g_assert_cmpint (o->http_status, ==, 200);
          g_assert_cmpint (o->retry_after_s, ==, -1);
          g_assert_cmpint (o->observed_ms, ==, r1->observed_ms);
          g_assert_cmpint (o->reset_ms, ==, find_kind (r1->observations, "requests")->reset_ms);
          g_assert_cmpstr (o->organization_id, ==, "0a1b2c3d-4e5f-6789-abcd-ef0123456789");
        }
      else if (g_str_equal (o->model, "claude-opus-4-6") && g_str_equal (o->kind, "requests"))
        {
          g_assert_cmpint (o->remaining, ==, 0);
          g_assert_cmpint (o->retry_after_s, ==, 17);
          g_assert_cmpint (o->http_status, ==, 429);
        }
      else if (g_str_equal (o->model, "claude-sonnet-4-5"))
        {
          g_assert_cmpstr (o->kind, ==, "requests");
          g_assert_cmpint (o->limit, ==, -1);
          g_assert_cmpint (o->http_status, ==, 429);
        }
    }

  cm_ratelimit_client_set_store (f->client, NULL);
  g_clear_object (&store);

  /* The key went to the server, but into no byte of the database (while
   * what was stored is found there, so the scan does see the rows). */
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);

      g_assert_false (file_contains (path, TEST_KEY));
      seen_model |= file_contains (path, "claude-opus-4-6");
    }
  g_assert_true (seen_model);
}

static void
count_cb (CmRatelimitClient *client,
          CmRatelimitResult *result,
          gpointer           user_data)
{
  GPtrArray *results = user_data;

  g_ptr_array_add (results, cm_ratelimit_result_ref (result));
}

static gboolean
stop_cb (gpointer user_data)
{
  gboolean *done = user_data;

  *done = TRUE;
  return G_SOURCE_REMOVE;
}

static void
spin_for (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, stop_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

static void
test_client_interval (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(GPtrArray) results = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_ratelimit_result_unref);
  g_autofree char *url = g_strconcat (f->base, "/ok", NULL);
  gint64 end;

  g_signal_connect (f->client, "probe-finished", G_CALLBACK (count_cb), results);
  cm_ratelimit_client_set_base_url (f->client, url);
  cm_ratelimit_client_set_probe_model (f->client, "claude-haiku-4-5");
  /* A "minute" of 50 ms. */
  cm_ratelimit_client_set_minute_ms (f->client, 50);

  /* Off by default: nothing happens on its own. */
  spin_for (300);
  g_assert_cmpuint (f->n_requests, ==, 0);

  cm_ratelimit_client_set_probe_interval (f->client, 1);
  end = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  while (results->len < 3 && g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (results->len, >=, 3);
  g_assert_cmpstr (((CmRatelimitResult *) g_ptr_array_index (results, 0))->model, ==, "claude-haiku-4-5");
  g_assert_cmpint (((CmRatelimitResult *) g_ptr_array_index (results, 0))->error, ==, CM_RATELIMIT_ERROR_NONE);

  /* Off again: no further probe. */
  cm_ratelimit_client_set_probe_interval (f->client, 0);
  spin_for (50);
  g_ptr_array_set_size (results, 0);
  f->n_requests = 0;
  spin_for (300);
  g_assert_cmpuint (f->n_requests, ==, 0);
  g_assert_cmpuint (results->len, ==, 0);
}

static void
test_client_interval_slow (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *url = g_strconcat (f->base, "/slow", NULL);

  /* A server slower than the interval gets one probe at a time. */
  cm_ratelimit_client_set_base_url (f->client, url);
  cm_ratelimit_client_set_timeout (f->client, 5);
  cm_ratelimit_client_set_minute_ms (f->client, 20);
  cm_ratelimit_client_set_probe_interval (f->client, 1);
  spin_for (500);
  g_assert_cmpuint (f->n_requests, ==, 1);
  cm_ratelimit_client_set_probe_interval (f->client, 0);
}

static GSettings *
memory_settings (void)
{
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR"), "..", "data", NULL);
  g_autoptr(GSettingsSchemaSource) source = NULL;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettingsBackend) backend = g_memory_settings_backend_new ();
  g_autoptr(GError) error = NULL;

  source = g_settings_schema_source_new_from_directory (dir, NULL, FALSE, &error);
  g_assert_no_error (error);
  schema = g_settings_schema_source_lookup (source, APP_ID, FALSE);
  g_assert_nonnull (schema);

  return g_settings_new_full (schema, backend, NULL);
}

static void
test_client_bind_settings (void)
{
  g_autoptr(GSettings) settings = memory_settings ();
  g_autoptr(CmRatelimitClient) client = cm_ratelimit_client_new ();

  cm_ratelimit_client_bind_settings (client, settings);
  /* The schema's defaults match the client's. */
  g_assert_cmpstr (cm_ratelimit_client_get_base_url (client), ==, "https://api.anthropic.com");
  g_assert_cmpstr (cm_ratelimit_client_get_probe_model (client), ==, "claude-haiku-4-5");
  g_assert_cmpuint (cm_ratelimit_client_get_probe_interval (client), ==, 0);

  g_settings_set_string (settings, "api-base-url", "http://127.0.0.1:9/");
  g_settings_set_string (settings, "probe-model", "claude-opus-4-6");
  g_settings_set_uint (settings, "probe-interval", 15);
  g_assert_cmpstr (cm_ratelimit_client_get_base_url (client), ==, "http://127.0.0.1:9/");
  g_assert_cmpstr (cm_ratelimit_client_get_probe_model (client), ==, "claude-opus-4-6");
  g_assert_cmpuint (cm_ratelimit_client_get_probe_interval (client), ==, 15);

  /* Only one way: the client never writes settings. */
  cm_ratelimit_client_set_probe_model (client, "claude-x");
  g_settings_set_uint (settings, "probe-interval", 0);
  {
    g_autofree char *model = g_settings_get_string (settings, "probe-model");

    g_assert_cmpstr (model, ==, "claude-opus-4-6");
  }
}

static void
reload_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static void
test_client_reload_key (void)
{
  g_autoptr(CmRatelimitClient) client = cm_ratelimit_client_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  gboolean has;

  /* No Secret Service here (the bus leads nowhere): the variable counts. */
  g_setenv ("ANTHROPIC_API_KEY", TEST_KEY, TRUE);
  cm_ratelimit_client_reload_key_async (client, NULL, reload_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  has = cm_ratelimit_client_reload_key_finish (client, res, &error);
  g_assert_no_error (error);
  g_assert_true (has);
  g_assert_true (cm_ratelimit_client_has_api_key (client));
  g_clear_object (&res);

  g_unsetenv ("ANTHROPIC_API_KEY");
  cm_ratelimit_client_reload_key_async (client, NULL, reload_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  has = cm_ratelimit_client_reload_key_finish (client, res, &error);
  g_assert_false (has);
#ifdef HAVE_LIBSECRET
  /* The keyring's failure is said, not swallowed. */
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Could not read the API key in the keyring"));
#endif
  g_assert_false (cm_ratelimit_client_has_api_key (client));
}

static void
test_client_properties (void)
{
  g_autoptr(CmRatelimitClient) client = cm_ratelimit_client_new ();
  guint timeout;
  g_autofree char *base = NULL;

  g_assert_cmpstr (cm_ratelimit_client_get_base_url (client), ==, "https://api.anthropic.com");
  g_assert_cmpstr (cm_ratelimit_client_get_probe_model (client), ==, "claude-haiku-4-5");
  g_assert_cmpuint (cm_ratelimit_client_get_probe_interval (client), ==, 0);
  g_assert_false (cm_ratelimit_client_has_api_key (client));
  g_assert_null (cm_ratelimit_client_get_last_result (client));

  g_object_set (client, "api-key", TEST_KEY, "base-url", "", "timeout", 5, NULL);
  g_assert_true (cm_ratelimit_client_has_api_key (client));
  g_object_get (client, "timeout", &timeout, "base-url", &base, NULL);
  g_assert_cmpuint (timeout, ==, 5);
  g_assert_cmpstr (base, ==, "https://api.anthropic.com");
  /* The key cannot be read back. */
  g_assert_false (g_object_class_find_property (G_OBJECT_GET_CLASS (client), "api-key")->flags & G_PARAM_READABLE);

  cm_ratelimit_client_set_probe_interval (client, 15);
  g_assert_cmpuint (cm_ratelimit_client_get_probe_interval (client), ==, 15);
  cm_ratelimit_client_set_probe_interval (client, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Debug output too, so that a key in any log line would be caught. */
  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  /* 127.0.0.1 is reached directly, whatever proxy the machine has. */
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");
  /* Never the user's keyring: no Secret Service is reachable from here. */
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/costmeter-test-bus", TRUE);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, captured_log, NULL);

  g_test_add_func ("/ratelimit/parse/count", test_parse_count);
  g_test_add_func ("/ratelimit/parse/reset", test_parse_reset);
  g_test_add_func ("/ratelimit/parse/retry-after", test_parse_retry_after);
  g_test_add_func ("/ratelimit/parse/headers-full", test_parse_headers_full);
  g_test_add_func ("/ratelimit/parse/headers-partial", test_parse_headers_partial);
  g_test_add_func ("/ratelimit/parse/headers-garbage", test_parse_headers_garbage);
  g_test_add_func ("/ratelimit/parse/headers-rounding", test_parse_headers_rounding);
  g_test_add_func ("/ratelimit/parse/random", test_parse_random);
  g_test_add_func ("/ratelimit/classify/table", test_classify);
  g_test_add_func ("/ratelimit/classify/garbage-body", test_classify_garbage_body);
  g_test_add_func ("/ratelimit/redact", test_redact);
  g_test_add_func ("/ratelimit/client/properties", test_client_properties);
  g_test_add_func ("/ratelimit/client/bind-settings", test_client_bind_settings);
  g_test_add_func ("/ratelimit/client/reload-key", test_client_reload_key);

#define ADD(path, func) g_test_add ("/ratelimit/client/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("ok", test_client_ok);
  ADD ("default-model", test_client_default_model);
  ADD ("no-headers", test_client_no_headers);
  ADD ("429", test_client_429);
  ADD ("429-bare", test_client_429_bare);
  ADD ("spend-limit", test_client_spend);
  ADD ("401", test_client_401);
  ADD ("403", test_client_403);
  ADD ("5xx", test_client_5xx);
  ADD ("garbage", test_client_garbage);
  ADD ("timeout", test_client_timeout);
  ADD ("no-key", test_client_no_key);
  ADD ("bad-url", test_client_bad_url);
  ADD ("refused", test_client_refused);
  ADD ("cancel", test_client_cancel);
  ADD ("redirect", test_client_redirect);
  ADD ("plain-http", test_client_plain_http);
  ADD ("huge-body", test_client_huge_body);
  ADD ("trickle", test_client_trickle);
  ADD ("store", test_client_store);
  ADD ("interval", test_client_interval);
  ADD ("interval-slow", test_client_interval_slow);
#undef ADD

  return g_test_run ();
}
