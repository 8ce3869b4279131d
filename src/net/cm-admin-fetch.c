/* cm-admin-fetch.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* One fetch of the Admin API's reports, run on a worker thread with its own
 * session: which days to ask for, every page of them, retries with backoff,
 * and each page stored as it arrives (a failure later keeps what came). */

#include "config.h"

#include <libsoup/soup.h>
#include <string.h>

#include "cm-admin-fetch.h"
#include "cm-ratelimit-client.h"

#define DAY_MS            (G_GINT64_CONSTANT (24) * 3600 * 1000)
#define MAX_ATTEMPTS      5
#define MAX_WAIT_S        120     /* a longer retry-after ends the fetch */
#define MAX_PAGES         1000
#define BUCKET_LIMIT      "31"    /* the most 1d buckets a page holds */
#define CLAUDE_CODE_LIMIT "1000"
/* Grouping the usage report by speed needs this beta. */
#define FAST_MODE_BETA    "fast-mode-2026-02-01"

CmAdminJob *
cm_admin_job_new (void)
{
  CmAdminJob *job = g_new0 (CmAdminJob, 1);

  job->second_ms = 1000;
  job->timeout_s = 30;

  return job;
}

void
cm_admin_job_free (CmAdminJob *job)
{
  if (job == NULL)
    return;

  if (job->key != NULL)
    memset (job->key, 0, strlen (job->key));
  g_free (job->key);
  g_free (job->base_url);
  g_free (job->since);
  g_clear_object (&job->store);
  g_free (job);
}

/* ------------------------------------------------------------------ */
/* Days                                                                */
/* ------------------------------------------------------------------ */

static GDateTime *
parse_day (const char *day)
{
  g_autofree char *iso = g_strconcat (day, "T00:00:00Z", NULL);

  if (day == NULL || strlen (day) != 10)
    return NULL;

  return g_date_time_new_from_iso8601 (iso, NULL);
}

static char *
day_of_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format (dt, "%Y-%m-%d");
}

GPtrArray *
cm_admin_days (const char *first,
               const char *last)
{
  GPtrArray *days = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GDateTime) day = parse_day (first);
  g_autoptr(GDateTime) end = parse_day (last);

  /* At most ten years: a typo in --since must not loop for long. */
  while (day != NULL && end != NULL && g_date_time_compare (day, end) <= 0 && days->len < 3700)
    {
      GDateTime *next = g_date_time_add_days (day, 1);

      g_ptr_array_add (days, g_date_time_format (day, "%Y-%m-%d"));
      g_date_time_unref (day);
      day = next;
    }

  return days;
}

/* The first of the month before @now_ms's. */
static char *
default_since (gint64 now_ms)
{
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_utc (now_ms / 1000);
  g_autoptr(GDateTime) first = g_date_time_new_utc (g_date_time_get_year (now),
                                                     g_date_time_get_month (now), 1, 0, 0, 0);
  g_autoptr(GDateTime) before = g_date_time_add_months (first, -1);

  return g_date_time_format (before, "%Y-%m-%d");
}

GPtrArray *
cm_admin_days_to_fetch (GHashTable *sync,
                        const char *since,
                        gint64      now_ms)
{
  g_autofree char *today = day_of_ms (now_ms);
  g_autoptr(GPtrArray) all = cm_admin_days (since, today);
  GPtrArray *days = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < all->len; i++)
    {
      const char *day = g_ptr_array_index (all, i);
      g_autoptr(GDateTime) start = parse_day (day);
      gint64 final_ms = g_date_time_to_unix (start) * 1000 + DAY_MS + CM_ADMIN_SETTLE_MS;

      if (sync == NULL || cm_billed_sync_get (sync, day) < final_ms)
        g_ptr_array_add (days, g_strdup (day));
    }

  return days;
}

/* ------------------------------------------------------------------ */
/* Requests                                                            */
/* ------------------------------------------------------------------ */

typedef struct
{
  CmAdminJob         *job;
  SoupSession        *session;
  GCancellable       *cancellable;
  CmAdminFetchResult *result;
  guint               max_attempts;
} Fetch;

/* {base}{path}?{query} for an http(s) base URL with a host, or NULL. */
static char *
build_url (const char *base_url,
           const char *path,
           const char *query)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *trimmed = g_strstrip (g_strdup (base_url != NULL ? base_url : ""));
  gsize len = strlen (trimmed);
  const char *scheme;

  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';

  uri = g_uri_parse (trimmed, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    return NULL;
  scheme = g_uri_get_scheme (uri);
  if ((g_strcmp0 (scheme, "http") != 0 && g_strcmp0 (scheme, "https") != 0) ||
      g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return NULL;

  return g_strconcat (trimmed, path, query != NULL ? "?" : NULL, query, NULL);
}

static void
add_param (GString    *query,
           const char *name,
           const char *value)
{
  g_autofree char *escaped = g_uri_escape_string (value, NULL, FALSE);

  if (query->len > 0)
    g_string_append_c (query, '&');
  g_string_append_printf (query, "%s=%s", name, escaped);
}

/* Waits @ms unless @cancellable fires first; FALSE when it did. */
static gboolean
wait_cancellable (GCancellable *cancellable,
                  gint64        ms)
{
  GPollFD pfd;

  if (cancellable != NULL && g_cancellable_make_pollfd (cancellable, &pfd))
    {
      g_poll (&pfd, 1, (int) MIN (ms, G_MAXINT));
      g_cancellable_release_fd (cancellable);
    }
  else
    g_usleep (ms * 1000);

  return !g_cancellable_is_cancelled (cancellable);
}

/* A refusal that retrying will not change, as an error. */
static void
set_http_error (GError     **error,
                guint        status,
                GBytes      *body,
                const char  *key)
{
  g_autofree char *detail = cm_ratelimit_server_message (body, key);
  g_autofree char *said = detail != NULL ? g_strdup_printf (" Server said: “%s”", detail) : g_strdup ("");

  if (status == 401)
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_UNAUTHORIZED,
                 "The Admin API key was rejected (HTTP 401). Check it in Preferences.%s", said);
  else if (status == 403)
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_FORBIDDEN,
                 "The key may not read the organization’s reports (HTTP 403): an Admin API key "
                 "(sk-ant-admin…) of an organization is needed.%s", said);
  else if (status == 404)
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_NOT_FOUND,
                 "Not found (HTTP 404): check the API base URL.%s", said);
  else
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_BAD_REQUEST,
                 "The request was refused (HTTP %u).%s", status, said);
}

/* The wait before attempt @attempt + 1: retry-after when the server gave
 * one, else 1, 2, 4, 8 s. */
static gint64
backoff_s (SoupMessage *msg,
           guint        attempt)
{
  const char *header = soup_message_headers_get_one (soup_message_get_response_headers (msg), "retry-after");
  gint64 retry_after = -1;

  if (header != NULL && cm_ratelimit_parse_retry_after (header, g_get_real_time () / 1000, &retry_after))
    return retry_after;

  return (gint64) 1 << (attempt - 1);
}

static SoupMessage *
new_message (Fetch      *f,
             const char *url,
             gboolean    fast_beta)
{
  SoupMessage *msg = soup_message_new (SOUP_METHOD_GET, url);
  SoupMessageHeaders *headers;

  if (msg == NULL)
    return NULL;

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "x-api-key", f->job->key);
  soup_message_headers_replace (headers, "anthropic-version", "2023-06-01");
  soup_message_headers_replace (headers, "accept", "application/json");
  if (fast_beta)
    soup_message_headers_replace (headers, "anthropic-beta", FAST_MODE_BETA);

  return msg;
}

/* A transport failure: the session's words, the key masked. */
static void
set_transport_error (GError     **error,
                     GError      *cause,
                     const char  *key)
{
  g_autofree char *text = cm_ratelimit_redact (cause->message, key);

  if (g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_TIMEOUT, "The Admin API did not answer in time.");
  else
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_NETWORK, "Could not reach the Admin API: %s", text);
}

/* What the last of all attempts says when the server kept refusing. */
static void
set_gave_up_error (GError **error,
                   guint    status,
                   gint64   wait_s,
                   guint    attempts)
{
  if (status == 429 && wait_s > MAX_WAIT_S)
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_RATE_LIMITED,
                 "The Admin API is rate limited for %" G_GINT64_FORMAT " s; the next fetch tries again.",
                 wait_s);
  else if (status == 429)
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_RATE_LIMITED,
                 "The Admin API stayed rate limited (HTTP 429) after %u attempts.", attempts);
  else
    g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_SERVER,
                 "The Admin API failed (HTTP %u) after %u attempts.", status, attempts);
}

/* One GET, tried again on 429, 5xx and transport failures. */
static GBytes *
send_with_retry (Fetch       *f,
                 const char  *url,
                 gboolean     fast_beta,
                 GError     **error)
{
  for (guint attempt = 1; ; attempt++)
    {
      g_autoptr(SoupMessage) msg = new_message (f, url, fast_beta);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(GBytes) body = NULL;
      guint status = 0;
      gint64 wait_s;

      if (msg == NULL)
        {
          g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_BAD_URL, "The API base URL is not an http(s) URL.");
          return NULL;
        }

      f->result->n_requests++;
      body = soup_session_send_and_read (f->session, msg, f->cancellable, &local_error);
      if (body == NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      if (body != NULL)
        {
          status = soup_message_get_status (msg);
          if (status >= 200 && status < 300)
            return g_steal_pointer (&body);
          if (status != 429 && status < 500)
            {
              set_http_error (error, status, body, f->job->key);
              return NULL;
            }
        }

      wait_s = body != NULL ? backoff_s (msg, attempt) : (gint64) 1 << (attempt - 1);
      if (attempt >= f->max_attempts || wait_s > MAX_WAIT_S)
        {
          if (body == NULL)
            set_transport_error (error, local_error, f->job->key);
          else
            set_gave_up_error (error, status, wait_s, attempt);
          return NULL;
        }

      g_debug ("Admin API: HTTP %u, retrying in %" G_GINT64_FORMAT " s", status, wait_s);
      f->result->n_retries++;
      wait_s *= f->job->second_ms;
      g_array_append_val (f->result->waits_ms, wait_s);
      if (!wait_cancellable (f->cancellable, wait_s))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "The fetch was cancelled.");
          return NULL;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Reports                                                             */
/* ------------------------------------------------------------------ */

static char *
bucket_query (CmBilledEndpoint  endpoint,
              const char       *first,
              const char       *last)
{
  g_autoptr(GString) query = g_string_new (NULL);
  g_autoptr(GDateTime) end = parse_day (last);
  g_autoptr(GDateTime) after = g_date_time_add_days (end, 1);
  g_autofree char *starting = g_strconcat (first, "T00:00:00Z", NULL);
  g_autofree char *ending = g_date_time_format (after, "%Y-%m-%dT00:00:00Z");
  static const char *usage_groups[] = { "model", "service_tier", "context_window",
                                        "inference_geo", "speed" };

  add_param (query, "starting_at", starting);
  add_param (query, "ending_at", ending);
  add_param (query, "bucket_width", "1d");
  add_param (query, "limit", BUCKET_LIMIT);
  if (endpoint == CM_BILLED_COSTS)
    add_param (query, "group_by%5B%5D", "description");
  else
    for (guint i = 0; i < G_N_ELEMENTS (usage_groups); i++)
      add_param (query, "group_by%5B%5D", usage_groups[i]);

  return g_string_free (g_steal_pointer (&query), FALSE);
}

static gboolean
parse_page (CmBilledEndpoint   endpoint,
            GBytes            *body,
            const char        *day,
            CmAdminPage       *page,
            GError           **error)
{
  switch (endpoint)
    {
    case CM_BILLED_COSTS:
      return cm_admin_parse_cost_page (body, page, error);
    case CM_BILLED_USAGE:
      return cm_admin_parse_usage_page (body, page, error);
    case CM_BILLED_CLAUDE_CODE:
    default:
      return cm_admin_parse_claude_code_page (body, day, page, error);
    }
}

static const char *endpoint_paths[] = {
  "/v1/organizations/cost_report",
  "/v1/organizations/usage_report/messages",
  "/v1/organizations/usage_report/claude_code",
};

/* Follows next_page from @query on; @on_page gets every page. */
typedef gboolean (*PageFunc) (Fetch        *f,
                              CmAdminPage  *page,
                              gpointer      user_data,
                              GError      **error);

static gboolean
each_page (Fetch             *f,
           CmBilledEndpoint   endpoint,
           const char        *query,
           const char        *day,
           PageFunc           on_page,
           gpointer           user_data,
           GError           **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *token = NULL;

  for (guint n = 0; ; n++)
    {
      g_autofree char *paged = NULL;
      g_autofree char *url = NULL;
      g_autoptr(GBytes) body = NULL;
      CmAdminPage page = { NULL, };
      gboolean ok;

      if (token != NULL)
        {
          g_autofree char *escaped = g_uri_escape_string (token, NULL, FALSE);
          paged = g_strconcat (query, "&page=", escaped, NULL);
        }
      url = build_url (f->job->base_url, endpoint_paths[endpoint], paged != NULL ? paged : query);
      if (url == NULL)
        {
          g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_BAD_URL,
                       "The API base URL “%s” is not an http(s) URL.", f->job->base_url);
          return FALSE;
        }

      body = send_with_retry (f, url, endpoint == CM_BILLED_USAGE, error);
      if (body == NULL)
        return FALSE;

      ok = parse_page (endpoint, body, day, &page, error) && on_page (f, &page, user_data, error);
      if (ok)
        f->result->n_pages++;
      g_clear_pointer (&token, g_free);
      token = g_steal_pointer (&page.next_page);
      cm_admin_page_clear (&page);
      if (!ok || token == NULL)
        return ok;

      /* A server that hands out the same page again would never end. */
      if (!g_hash_table_add (seen, g_strdup (token)) || n + 1 >= MAX_PAGES)
        {
          g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_MALFORMED,
                       "The Admin API sent a reply CostMeter cannot read: the pages of the %s "
                       "do not end.", cm_billed_endpoint_to_string (endpoint));
          return FALSE;
        }
    }
}

typedef struct
{
  CmBilledEndpoint endpoint;
  GPtrArray       *rows;   /* Claude Code: the day's records over all its pages */
} PageData;

/* Bucketed reports: each page holds whole days, stored at once. */
static gboolean
store_page (Fetch        *f,
            CmAdminPage  *page,
            gpointer      user_data,
            GError      **error)
{
  PageData *data = user_data;

  g_ptr_array_add (page->days, NULL);
  if (!cm_store_save_billed (f->job->store, data->endpoint, (const char * const *) page->days->pdata,
                             page->rows, f->job->now_ms, error))
    return FALSE;

  f->result->n_days[data->endpoint] += page->days->len - 1;

  return TRUE;
}

/* Claude Code records: a day's pages are kept until its last one. */
static gboolean
collect_page (Fetch        *f,
              CmAdminPage  *page,
              gpointer      user_data,
              GError      **error)
{
  PageData *data = user_data;

  g_ptr_array_extend_and_steal (data->rows, g_steal_pointer (&page->rows));

  return TRUE;
}

static gboolean
fetch_buckets (Fetch             *f,
               CmBilledEndpoint   endpoint,
               GPtrArray         *days,
               GError           **error)
{
  g_autofree char *today = day_of_ms (f->job->now_ms);
  g_autofree char *query = NULL;
  PageData data = { endpoint, NULL };

  /* From the first day not yet final: the rest are few and recent. */
  query = bucket_query (endpoint, g_ptr_array_index (days, 0), today);

  return each_page (f, endpoint, query, NULL, store_page, &data, error);
}

static gboolean
fetch_claude_code (Fetch      *f,
                   GPtrArray  *days,
                   GError    **error)
{
  for (guint i = 0; i < days->len; i++)
    {
      const char *day = g_ptr_array_index (days, i);
      const char *one_day[] = { day, NULL };
      g_autoptr(GString) query = g_string_new (NULL);
      PageData data = { CM_BILLED_CLAUDE_CODE, NULL };

      add_param (query, "starting_at", day);
      add_param (query, "limit", CLAUDE_CODE_LIMIT);
      data.rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_org_usage_free);
      if (!each_page (f, CM_BILLED_CLAUDE_CODE, query->str, day, collect_page, &data, error) ||
          !cm_store_save_billed (f->job->store, CM_BILLED_CLAUDE_CODE, one_day, data.rows,
                                 f->job->now_ms, error))
        {
          g_ptr_array_unref (data.rows);
          return FALSE;
        }
      g_ptr_array_unref (data.rows);
      f->result->n_days[CM_BILLED_CLAUDE_CODE]++;
    }

  return TRUE;
}

static gboolean
fetch_endpoint (Fetch             *f,
                CmBilledEndpoint   endpoint,
                const char        *since,
                GError           **error)
{
  g_autoptr(GHashTable) sync = cm_store_billed_sync (f->job->store, endpoint, error);
  g_autoptr(GPtrArray) days = NULL;

  if (sync == NULL)
    return FALSE;

  days = cm_admin_days_to_fetch (sync, since, f->job->now_ms);
  g_debug ("Admin API: %u days of the %s to fetch", days->len, cm_billed_endpoint_to_string (endpoint));
  if (days->len == 0)
    return TRUE;

  if (endpoint == CM_BILLED_CLAUDE_CODE)
    return fetch_claude_code (f, days, error);

  return fetch_buckets (f, endpoint, days, error);
}

static SoupSession *
new_session (CmAdminJob *job)
{
  return soup_session_new_with_options ("user-agent", CM_ADMIN_USER_AGENT,
                                        "timeout", job->timeout_s,
                                        "max-conns-per-host", 2,
                                        NULL);
}

static char *
summarize (const CmAdminFetchResult *result)
{
  const GError *error = cm_admin_fetch_result_error (result);

  if (error != NULL)
    return g_strdup (error->message);

  return g_strdup_printf ("Fetched %u days of costs, %u of usage and %u of Claude Code records "
                          "(%u requests).", result->n_days[CM_BILLED_COSTS],
                          result->n_days[CM_BILLED_USAGE], result->n_days[CM_BILLED_CLAUDE_CODE],
                          result->n_requests);
}

CmAdminFetchResult *
cm_admin_job_fetch (CmAdminJob    *job,
                    GCancellable  *cancellable,
                    GError       **error)
{
  g_autoptr(SoupSession) session = new_session (job);
  g_autofree char *since = job->since != NULL ? g_strdup (job->since) : default_since (job->now_ms);
  Fetch f = { job, session, cancellable, cm_admin_fetch_result_new (), MAX_ATTEMPTS };

  g_return_val_if_fail (CM_IS_STORE (job->store), NULL);

  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    {
      if (job->key == NULL)
        g_set_error (&f.result->errors[e], CM_ADMIN_ERROR, CM_ADMIN_ERROR_NO_KEY,
                     "No Admin API key: add one in Preferences → Organization or set "
                     "ANTHROPIC_ADMIN_API_KEY.");
      else if (!fetch_endpoint (&f, e, since, &f.result->errors[e]) &&
               g_error_matches (f.result->errors[e], G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&f.result->errors[e]));
          cm_admin_fetch_result_unref (f.result);
          return NULL;
        }
    }

  f.result->finished_ms = g_get_real_time () / 1000;
  f.result->message = summarize (f.result);

  return f.result;
}

gboolean
cm_admin_job_test (CmAdminJob    *job,
                   GCancellable  *cancellable,
                   char         **org_id,
                   char         **org_name,
                   GError       **error)
{
  g_autoptr(SoupSession) session = new_session (job);
  g_autoptr(CmAdminFetchResult) result = cm_admin_fetch_result_new ();
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  /* The user is waiting: one attempt, no backoff. */
  Fetch f = { job, session, cancellable, result, 1 };

  if (job->key == NULL)
    {
      g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_NO_KEY, "No Admin API key to test.");
      return FALSE;
    }

  url = build_url (job->base_url, "/v1/organizations/me", NULL);
  if (url == NULL)
    {
      g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_BAD_URL,
                   "The API base URL “%s” is not an http(s) URL.", job->base_url);
      return FALSE;
    }

  body = send_with_retry (&f, url, FALSE, error);

  return body != NULL && cm_admin_parse_organization (body, org_id, org_name, error);
}
