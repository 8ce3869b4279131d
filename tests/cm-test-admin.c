/* cm-test-admin.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cm-test-admin.h"

#define BUCKETS_PER_PAGE 2

typedef struct
{
  char *costs;
  char *usage;
  char *claude_code;
} Day;

struct _CmTestAdmin
{
  SoupServer       *server;
  char             *url;
  char             *key;
  CmTestAdminFault  fault;
  GHashTable       *days;       /* "YYYY-MM-DD" -> Day */
  GPtrArray        *requests;
  GPtrArray        *paused;
  char             *user_agent;
  guint             n_unversioned;
  guint             n_without_beta;
  guint             n_cost_requests;
};

static void
day_free (Day *day)
{
  g_free (day->costs);
  g_free (day->usage);
  g_free (day->claude_code);
  g_free (day);
}

char *
cm_test_cents (gint64 units)
{
  return g_strdup_printf ("%s%" G_GINT64_FORMAT ".%08" G_GINT64_FORMAT, units < 0 ? "-" : "",
                          ABS (units) / 100000000, ABS (units) % 100000000);
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *json)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, json, strlen (json));
}

static GDateTime *
parse_day (const char *text)
{
  g_autofree char *iso = NULL;

  if (text == NULL || strlen (text) < 10)
    return NULL;
  iso = g_strdup_printf ("%.10sT00:00:00Z", text);

  return g_date_time_new_from_iso8601 (iso, NULL);
}

/* A bucketed report: the days from the page (or starting_at) to ending_at,
 * two per page. */
static void
serve_buckets (CmTestAdmin       *self,
               SoupServerMessage *msg,
               GHashTable        *query,
               gboolean           costs)
{
  const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;
  g_autoptr(GDateTime) day = parse_day (page != NULL ? page + 2 : query ? g_hash_table_lookup (query, "starting_at") : NULL);
  g_autoptr(GDateTime) end = parse_day (query != NULL ? g_hash_table_lookup (query, "ending_at") : NULL);
  g_autoptr(GString) json = g_string_new ("{\"data\":[");
  guint n = 0;

  if (day == NULL || end == NULL)
    {
      respond (msg, 400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"starting_at\"}}");
      return;
    }

  while (g_date_time_compare (day, end) < 0 && n < BUCKETS_PER_PAGE)
    {
      g_autofree char *name = g_date_time_format (day, "%Y-%m-%d");
      GDateTime *next = g_date_time_add_days (day, 1);
      g_autofree char *next_name = g_date_time_format (next, "%Y-%m-%d");
      Day *data = g_hash_table_lookup (self->days, name);
      const char *results = data == NULL ? NULL : costs ? data->costs : data->usage;

      g_string_append_printf (json, "%s{\"starting_at\":\"%sT00:00:00Z\",\"ending_at\":\"%sT00:00:00Z\","
                              "\"results\":%s}", n > 0 ? "," : "", name, next_name,
                              results != NULL ? results : "[]");
      g_date_time_unref (day);
      day = next;
      n++;
    }

  if (g_date_time_compare (day, end) < 0)
    {
      g_autofree char *name = g_date_time_format (day, "%Y-%m-%d");
      g_string_append_printf (json, "],\"has_more\":true,\"next_page\":\"p_%s\"}", name);
    }
  else
    g_string_append (json, "],\"has_more\":false,\"next_page\":null}");

  respond (msg, 200, json->str);
}

/* The Claude Code records of one day, one per page. */
static void
serve_claude_code (CmTestAdmin       *self,
                   SoupServerMessage *msg,
                   GHashTable        *query)
{
  const char *day = query != NULL ? g_hash_table_lookup (query, "starting_at") : NULL;
  const char *page = query != NULL ? g_hash_table_lookup (query, "page") : NULL;
  Day *data = day != NULL ? g_hash_table_lookup (self->days, day) : NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(GString) json = g_string_new ("{\"data\":[");
  guint index = page != NULL ? (guint) g_ascii_strtoull (page + 2, NULL, 10) : 0;
  JsonArray *records = NULL;

  if (day == NULL || strlen (day) != 10)
    {
      respond (msg, 400, "{\"type\":\"error\",\"error\":{\"type\":\"invalid_request_error\",\"message\":\"starting_at must be YYYY-MM-DD\"}}");
      return;
    }

  if (data != NULL && data->claude_code != NULL &&
      json_parser_load_from_data (parser, data->claude_code, -1, NULL))
    records = json_node_get_array (json_parser_get_root (parser));

  if (records != NULL && index < json_array_get_length (records))
    {
      g_autofree char *one = NULL;

      json_generator_set_root (gen, json_array_get_element (records, index));
      one = json_generator_to_data (gen, NULL);
      g_string_append (json, one);
    }

  if (records != NULL && index + 1 < json_array_get_length (records))
    g_string_append_printf (json, "],\"has_more\":true,\"next_page\":\"r_%u\"}", index + 1);
  else
    g_string_append (json, "],\"has_more\":false,\"next_page\":null}");

  respond (msg, 200, json->str);
}

/* What a fault makes of a request; TRUE when it answered. */
static gboolean
serve_fault (CmTestAdmin       *self,
             SoupServerMessage *msg,
             const char        *path,
             GHashTable        *query)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  gboolean cost = g_str_has_suffix (path, "/cost_report");

  switch (self->fault)
    {
    case CM_TEST_ADMIN_FLAKY:
      if (!cost || ++self->n_cost_requests > 2)
        return FALSE;
      if (self->n_cost_requests == 1)
        {
          soup_message_headers_replace (h, "retry-after", "3");
          respond (msg, 429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Slow down\"}}");
        }
      else
        {
          soup_server_message_set_status (msg, 500, NULL);
          soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>oops</html>", 17);
        }
      return TRUE;

    case CM_TEST_ADMIN_MALFORMED:
      if (!cost || query == NULL || g_hash_table_lookup (query, "page") == NULL)
        return FALSE;
      respond (msg, 200, "{\"data\":[{\"starting_at\":\"yesterday\",\"results\":[]}],\"has_more\":false}");
      return TRUE;

    case CM_TEST_ADMIN_DOWN:
      respond (msg, 500, "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}");
      return TRUE;

    case CM_TEST_ADMIN_LIMITED:
      soup_message_headers_replace (h, "retry-after", "600");
      respond (msg, 429, "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Rate limited\"}}");
      return TRUE;

    case CM_TEST_ADMIN_SLOW:
      soup_server_message_pause (msg);
      g_ptr_array_add (self->paused, g_object_ref (msg));
      return TRUE;

    case CM_TEST_ADMIN_OK:
    default:
      return FALSE;
    }
}

static void
note_request (CmTestAdmin       *self,
              SoupServerMessage *msg,
              const char        *path)
{
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  const char *query = g_uri_get_query (soup_server_message_get_uri (msg));

  g_ptr_array_add (self->requests, g_strconcat (path, query != NULL ? "?" : "", query, NULL));
  g_free (self->user_agent);
  self->user_agent = g_strdup (soup_message_headers_get_one (req, "user-agent"));
  if (g_strcmp0 (soup_message_headers_get_one (req, "anthropic-version"), "2023-06-01") != 0)
    self->n_unversioned++;
  if (g_str_has_suffix (path, "/usage_report/messages") &&
      g_strcmp0 (soup_message_headers_get_one (req, "anthropic-beta"), "fast-mode-2026-02-01") != 0)
    self->n_without_beta++;
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  CmTestAdmin *self = user_data;
  const char *key = soup_message_headers_get_one (soup_server_message_get_request_headers (msg), "x-api-key");

  note_request (self, msg, path);

  if (g_strcmp0 (key, self->key) != 0)
    {
      g_autofree char *json = g_strdup_printf ("{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                                               "\"message\":\"invalid x-api-key %s\"}}", key ? key : "");
      respond (msg, 401, json);
      return;
    }

  if (serve_fault (self, msg, path, query))
    return;

  if (g_str_equal (path, "/v1/organizations/me"))
    respond (msg, 200, "{\"id\":\"0a1b2c3d-0000-4000-8000-00000000beef\",\"name\":\"Example Org\",\"type\":\"organization\"}");
  else if (g_str_equal (path, "/v1/organizations/cost_report"))
    serve_buckets (self, msg, query, TRUE);
  else if (g_str_equal (path, "/v1/organizations/usage_report/messages"))
    serve_buckets (self, msg, query, FALSE);
  else if (g_str_equal (path, "/v1/organizations/usage_report/claude_code"))
    serve_claude_code (self, msg, query);
  else
    respond (msg, 404, "{\"type\":\"error\",\"error\":{\"type\":\"not_found_error\",\"message\":\"Not Found\"}}");
}

CmTestAdmin *
cm_test_admin_new (const char *key)
{
  CmTestAdmin *self = g_new0 (CmTestAdmin, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  self->key = g_strdup (key);
  self->days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) day_free);
  self->requests = g_ptr_array_new_with_free_func (g_free);
  self->paused = g_ptr_array_new_with_free_func (g_object_unref);
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, server_cb, self, NULL);
  soup_server_listen_local (self->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (self->server);
  g_assert_nonnull (uris);
  self->url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return self;
}

void
cm_test_admin_free (CmTestAdmin *self)
{
  if (self == NULL)
    return;

  soup_server_disconnect (self->server);
  g_ptr_array_unref (self->paused);
  g_clear_object (&self->server);
  g_hash_table_unref (self->days);
  g_ptr_array_unref (self->requests);
  g_free (self->user_agent);
  g_free (self->url);
  g_free (self->key);
  g_free (self);
}

const char *
cm_test_admin_get_url (CmTestAdmin *self)
{
  return self->url;
}

void
cm_test_admin_set_fault (CmTestAdmin      *self,
                         CmTestAdminFault  fault)
{
  self->fault = fault;
  self->n_cost_requests = 0;
}

void
cm_test_admin_set_day (CmTestAdmin *self,
                       const char  *day,
                       const char  *costs,
                       const char  *usage,
                       const char  *claude_code)
{
  Day *data = g_new0 (Day, 1);

  data->costs = g_strdup (costs);
  data->usage = g_strdup (usage);
  data->claude_code = g_strdup (claude_code);
  g_hash_table_replace (self->days, g_strdup (day), data);
}

GPtrArray *
cm_test_admin_get_requests (CmTestAdmin *self)
{
  return self->requests;
}

const char *
cm_test_admin_get_user_agent (CmTestAdmin *self)
{
  return self->user_agent;
}

guint
cm_test_admin_get_n_unversioned (CmTestAdmin *self)
{
  return self->n_unversioned;
}

guint
cm_test_admin_get_n_without_beta (CmTestAdmin *self)
{
  return self->n_without_beta;
}

void
cm_test_admin_clear_requests (CmTestAdmin *self)
{
  g_ptr_array_set_size (self->requests, 0);
}
