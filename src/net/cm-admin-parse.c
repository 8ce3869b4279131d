/* cm-admin-parse.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The Admin API's replies read into the store's rows. Nothing here talks to
 * the network: the tests feed it recorded shapes and broken ones. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-admin-parse.h"

/* 1 cent = 10^-2 USD = 10^8 units of 10^-10 USD. */
#define UNITS_PER_CENT G_GINT64_CONSTANT (100000000)
#define CENT_DECIMALS  8
#define MAX_CENTS      (G_MAXINT64 / UNITS_PER_CENT - 1)
#define MAX_BODY       (64 * 1024 * 1024)

G_DEFINE_QUARK (cm-admin-error-quark, cm_admin_error)

/* ------------------------------------------------------------------ */
/* Cents                                                               */
/* ------------------------------------------------------------------ */

gboolean
cm_admin_parse_cents (const char *text,
                      CmMoney    *out)
{
  const char *p = text;
  gboolean negative = FALSE;
  gint64 whole = 0;
  gint64 frac = 0;
  guint n_whole = 0;
  guint n_frac = 0;
  gboolean round_up = FALSE;

  if (text == NULL || strlen (text) > 64)
    return FALSE;

  if (*p == '-')
    {
      negative = TRUE;
      p++;
    }

  for (; g_ascii_isdigit (*p); p++, n_whole++)
    {
      whole = whole * 10 + (*p - '0');
      if (whole > MAX_CENTS)
        return FALSE;
    }

  if (*p == '.')
    {
      for (p++; g_ascii_isdigit (*p); p++, n_frac++)
        {
          if (n_frac < CENT_DECIMALS)
            frac = frac * 10 + (*p - '0');
          else if (n_frac == CENT_DECIMALS)
            round_up = *p >= '5';
        }
      if (n_frac == 0)
        return FALSE;
    }

  if (*p != '\0' || n_whole + n_frac == 0)
    return FALSE;

  for (guint i = MIN (n_frac, CENT_DECIMALS); i < CENT_DECIMALS; i++)
    frac *= 10;

  *out = whole * UNITS_PER_CENT + frac + (round_up ? 1 : 0);
  if (negative)
    *out = -*out;

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* JSON helpers                                                        */
/* ------------------------------------------------------------------ */

static gboolean
malformed (GError     **error,
           const char  *fmt,
           ...) G_GNUC_PRINTF (2, 3);

static gboolean
malformed (GError     **error,
           const char  *fmt,
           ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, fmt);
  what = g_strdup_vprintf (fmt, args);
  va_end (args);

  g_set_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_MALFORMED,
               "The Admin API sent a reply CostMeter cannot read: %s.", what);

  return FALSE;
}

static JsonNode *
member (JsonObject *obj,
        const char *name)
{
  JsonNode *node = obj != NULL ? json_object_get_member (obj, name) : NULL;

  return node != NULL && !JSON_NODE_HOLDS_NULL (node) ? node : NULL;
}

/* Absent and null are NULL; anything but a string is an error. */
static gboolean
get_string (JsonObject  *obj,
            const char  *name,
            char       **out,
            GError     **error)
{
  JsonNode *node = member (obj, name);

  *out = NULL;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return malformed (error, "“%s” is not a string", name);

  *out = g_strdup (json_node_get_string (node));

  return TRUE;
}

/* A count: absent and null are 0; a fraction or a negative is an error. */
static gboolean
get_count (JsonObject  *obj,
           const char  *name,
           gint64      *out,
           GError     **error)
{
  JsonNode *node = member (obj, name);

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64 ||
      json_node_get_int (node) < 0)
    return malformed (error, "“%s” is not a count", name);

  *out = json_node_get_int (node);

  return TRUE;
}

/* An object member; absent or null gives NULL, which is an error only when
 * @required. */
static gboolean
get_object (JsonObject  *obj,
            const char  *name,
            gboolean     required,
            JsonObject **out,
            GError     **error)
{
  JsonNode *node = member (obj, name);

  *out = NULL;
  if (node == NULL)
    return !required || malformed (error, "“%s” is missing", name);
  if (!JSON_NODE_HOLDS_OBJECT (node))
    return malformed (error, "“%s” is not an object", name);

  *out = json_node_get_object (node);

  return TRUE;
}

static gboolean
get_array (JsonObject  *obj,
           const char  *name,
           gboolean     required,
           JsonArray  **out,
           GError     **error)
{
  JsonNode *node = member (obj, name);

  *out = NULL;
  if (node == NULL)
    return !required || malformed (error, "“%s” is missing", name);
  if (!JSON_NODE_HOLDS_ARRAY (node))
    return malformed (error, "“%s” is not a list", name);

  *out = json_node_get_array (node);

  return TRUE;
}

/* The i-th element of @array as an object. */
static JsonObject *
element_object (JsonArray  *array,
                guint       i,
                const char *what,
                GError    **error)
{
  JsonNode *node = json_array_get_element (array, i);

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, "an entry of “%s” is not an object", what);
      return NULL;
    }

  return json_node_get_object (node);
}

static JsonParser *
load_root (GBytes      *body,
           JsonObject **root,
           GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  const char *data;
  gsize len = 0;
  JsonNode *node;

  data = body != NULL ? g_bytes_get_data (body, &len) : NULL;
  if (len == 0 || len > MAX_BODY)
    {
      malformed (error, len == 0 ? "the body is empty" : "the body is too large");
      return NULL;
    }
  if (!g_utf8_validate_len (data, len, NULL))
    {
      malformed (error, "the body is not UTF-8 text");
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, len, &local_error))
    {
      malformed (error, "not JSON (%s)", local_error->message);
      return NULL;
    }

  node = json_parser_get_root (parser);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      malformed (error, "the body is not a JSON object");
      return NULL;
    }

  *root = json_node_get_object (node);

  return g_steal_pointer (&parser);
}

/* An RFC 3339 bucket start as its UTC day. */
static gboolean
bucket_day (JsonObject  *bucket,
            char       **day,
            GError     **error)
{
  g_autofree char *start = NULL;
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GDateTime) in_utc = NULL;

  if (!get_string (bucket, "starting_at", &start, error))
    return FALSE;
  if (start == NULL)
    return malformed (error, "a bucket has no “starting_at”");

  dt = g_date_time_new_from_iso8601 (start, utc);
  if (dt == NULL)
    return malformed (error, "“%s” is not a time", start);

  in_utc = g_date_time_to_utc (dt);
  *day = g_date_time_format (in_utc, "%Y-%m-%d");

  return TRUE;
}

/* "data", "has_more" and "next_page" of a list reply. */
static gboolean
read_pagination (JsonObject   *root,
                 CmAdminPage  *page,
                 JsonArray   **data,
                 GError      **error)
{
  JsonNode *more = member (root, "has_more");

  if (!get_array (root, "data", TRUE, data, error))
    return FALSE;

  if (more != NULL && (!JSON_NODE_HOLDS_VALUE (more) || json_node_get_value_type (more) != G_TYPE_BOOLEAN))
    return malformed (error, "“has_more” is not true or false");
  page->has_more = more != NULL && json_node_get_boolean (more);

  if (!get_string (root, "next_page", &page->next_page, error))
    return FALSE;
  if (page->has_more && (page->next_page == NULL || *page->next_page == '\0'))
    return malformed (error, "“has_more” is true but there is no “next_page”");
  if (!page->has_more)
    g_clear_pointer (&page->next_page, g_free);

  return TRUE;
}

void
cm_admin_page_clear (CmAdminPage *page)
{
  g_clear_pointer (&page->days, g_ptr_array_unref);
  g_clear_pointer (&page->rows, g_ptr_array_unref);
  g_clear_pointer (&page->next_page, g_free);
  page->has_more = FALSE;
}

static void
page_init (CmAdminPage    *page,
           GDestroyNotify  free_row)
{
  cm_admin_page_clear (page);
  page->days = g_ptr_array_new_with_free_func (g_free);
  page->rows = g_ptr_array_new_with_free_func (free_row);
}

/* ------------------------------------------------------------------ */
/* Cost report                                                         */
/* ------------------------------------------------------------------ */

static gboolean
check_usd (JsonObject  *obj,
           GError     **error)
{
  g_autofree char *currency = NULL;

  if (!get_string (obj, "currency", &currency, error))
    return FALSE;
  if (currency != NULL && !g_str_equal (currency, "USD"))
    return malformed (error, "an amount is in %s, not USD", currency);

  return TRUE;
}

static CmBilledCost *
parse_cost (JsonObject  *obj,
            const char  *day,
            GError     **error)
{
  g_autoptr(CmBilledCost) c = g_new0 (CmBilledCost, 1);
  g_autofree char *amount = NULL;

  c->day = g_strdup (day);
  if (!get_string (obj, "amount", &amount, error) ||
      !check_usd (obj, error) ||
      !get_string (obj, "model", &c->model, error) ||
      !get_string (obj, "cost_type", &c->cost_type, error) ||
      !get_string (obj, "token_type", &c->token_type, error) ||
      !get_string (obj, "service_tier", &c->service_tier, error) ||
      !get_string (obj, "context_window", &c->context_window, error) ||
      !get_string (obj, "inference_geo", &c->inference_geo, error) ||
      !get_string (obj, "workspace_id", &c->workspace_id, error) ||
      !get_string (obj, "description", &c->description, error))
    return NULL;

  if (amount == NULL)
    {
      malformed (error, "a cost item has no “amount”");
      return NULL;
    }
  if (!cm_admin_parse_cents (amount, &c->amount))
    {
      malformed (error, "the amount “%s” is not a number of cents", amount);
      return NULL;
    }

  return g_steal_pointer (&c);
}

typedef gpointer (*ParseResult) (JsonObject  *obj,
                                 const char  *day,
                                 GError     **error);

/* Both bucketed reports: data[] of {starting_at, ending_at, results[]}. */
static gboolean
parse_buckets (GBytes       *body,
               CmAdminPage  *page,
               ParseResult   parse_result,
               GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root = NULL;
  JsonArray *data = NULL;

  parser = load_root (body, &root, error);
  if (parser == NULL || !read_pagination (root, page, &data, error))
    return FALSE;

  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *bucket = element_object (data, i, "data", error);
      JsonArray *results = NULL;
      char *day = NULL;

      if (bucket == NULL || !bucket_day (bucket, &day, error))
        return FALSE;
      g_ptr_array_add (page->days, day);

      if (!get_array (bucket, "results", FALSE, &results, error))
        return FALSE;
      for (guint r = 0; results != NULL && r < json_array_get_length (results); r++)
        {
          JsonObject *obj = element_object (results, r, "results", error);
          gpointer row = obj != NULL ? parse_result (obj, day, error) : NULL;

          if (row == NULL)
            return FALSE;
          g_ptr_array_add (page->rows, row);
        }
    }

  return TRUE;
}

gboolean
cm_admin_parse_cost_page (GBytes       *body,
                          CmAdminPage  *page,
                          GError      **error)
{
  page_init (page, (GDestroyNotify) cm_billed_cost_free);

  return parse_buckets (body, page, (ParseResult) parse_cost, error);
}

/* ------------------------------------------------------------------ */
/* Messages usage report                                               */
/* ------------------------------------------------------------------ */

static CmBilledUsage *
parse_usage (JsonObject  *obj,
             const char  *day,
             GError     **error)
{
  g_autoptr(CmBilledUsage) u = g_new0 (CmBilledUsage, 1);
  JsonObject *cache = NULL;
  JsonObject *tools = NULL;

  u->day = g_strdup (day);
  if (!get_string (obj, "model", &u->model, error) ||
      !get_string (obj, "service_tier", &u->service_tier, error) ||
      !get_string (obj, "context_window", &u->context_window, error) ||
      !get_string (obj, "inference_geo", &u->inference_geo, error) ||
      !get_string (obj, "speed", &u->speed, error) ||
      !get_count (obj, "uncached_input_tokens", &u->input, error) ||
      !get_count (obj, "cache_read_input_tokens", &u->cache_read, error) ||
      !get_count (obj, "output_tokens", &u->output, error) ||
      !get_object (obj, "cache_creation", FALSE, &cache, error) ||
      !get_count (cache, "ephemeral_5m_input_tokens", &u->cache_write_5m, error) ||
      !get_count (cache, "ephemeral_1h_input_tokens", &u->cache_write_1h, error) ||
      !get_object (obj, "server_tool_use", FALSE, &tools, error) ||
      !get_count (tools, "web_search_requests", &u->web_search, error))
    return NULL;

  return g_steal_pointer (&u);
}

gboolean
cm_admin_parse_usage_page (GBytes       *body,
                           CmAdminPage  *page,
                           GError      **error)
{
  page_init (page, (GDestroyNotify) cm_billed_usage_free);

  return parse_buckets (body, page, (ParseResult) parse_usage, error);
}

/* ------------------------------------------------------------------ */
/* Claude Code analytics                                               */
/* ------------------------------------------------------------------ */

/* estimated_cost.amount is a JSON number of cents: an integer exactly, a
 * fraction through its nine-decimal text (the same rounding as strings). */
static gboolean
get_cents_number (JsonObject  *obj,
                  const char  *name,
                  CmMoney     *out,
                  GError     **error)
{
  JsonNode *node = member (obj, name);
  char buf[G_ASCII_DTOSTR_BUF_SIZE];

  *out = 0;
  if (node == NULL)
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_INT64 &&
      ABS (json_node_get_int (node)) <= MAX_CENTS)
    {
      *out = json_node_get_int (node) * UNITS_PER_CENT;
      return TRUE;
    }
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE &&
      cm_admin_parse_cents (g_ascii_formatd (buf, sizeof buf, "%.9f", json_node_get_double (node)), out))
    return TRUE;
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING &&
      cm_admin_parse_cents (json_node_get_string (node), out))
    return TRUE;

  return malformed (error, "“%s” is not a number of cents", name);
}

static CmOrgModelUsage *
parse_model_breakdown (JsonObject  *obj,
                       GError     **error)
{
  g_autoptr(CmOrgModelUsage) m = g_new0 (CmOrgModelUsage, 1);
  JsonObject *tokens = NULL;
  JsonObject *cost = NULL;

  if (!get_string (obj, "model", &m->model, error) ||
      !get_object (obj, "tokens", FALSE, &tokens, error) ||
      !get_count (tokens, "input", &m->input, error) ||
      !get_count (tokens, "output", &m->output, error) ||
      !get_count (tokens, "cache_read", &m->cache_read, error) ||
      !get_count (tokens, "cache_creation", &m->cache_creation, error) ||
      !get_object (obj, "estimated_cost", FALSE, &cost, error) ||
      !check_usd (cost, error) ||
      !get_cents_number (cost, "amount", &m->estimated_cost, error))
    return NULL;

  if (m->model == NULL)
    {
      malformed (error, "a model breakdown names no model");
      return NULL;
    }

  return g_steal_pointer (&m);
}

static gboolean
parse_actor (JsonObject  *record,
             CmOrgUsage  *o,
             GError     **error)
{
  JsonObject *actor = NULL;

  if (!get_object (record, "actor", TRUE, &actor, error) ||
      !get_string (actor, "type", &o->actor_type, error))
    return FALSE;

  if (g_strcmp0 (o->actor_type, "user_actor") == 0)
    {
      if (!get_string (actor, "email_address", &o->actor, error))
        return FALSE;
    }
  else if (g_strcmp0 (o->actor_type, "api_actor") == 0)
    {
      if (!get_string (actor, "api_key_name", &o->actor, error))
        return FALSE;
    }
  else
    return malformed (error, "the actor type “%s” is unknown", o->actor_type ? o->actor_type : "");

  if (o->actor == NULL || *o->actor == '\0')
    return malformed (error, "an actor has no name");

  return TRUE;
}

static gboolean
parse_core_metrics (JsonObject  *record,
                    CmOrgUsage  *o,
                    GError     **error)
{
  JsonObject *core = NULL;
  JsonObject *lines = NULL;

  return get_object (record, "core_metrics", FALSE, &core, error) &&
         get_count (core, "num_sessions", &o->sessions, error) &&
         get_count (core, "commits_by_claude_code", &o->commits, error) &&
         get_count (core, "pull_requests_by_claude_code", &o->pull_requests, error) &&
         get_object (core, "lines_of_code", FALSE, &lines, error) &&
         get_count (lines, "added", &o->lines_added, error) &&
         get_count (lines, "removed", &o->lines_removed, error);
}

static CmOrgUsage *
parse_record (JsonObject  *record,
              const char  *day,
              GError     **error)
{
  g_autoptr(CmOrgUsage) o = cm_org_usage_new ();
  JsonArray *breakdown = NULL;

  o->day = g_strdup (day);
  if (!parse_actor (record, o, error) ||
      !get_string (record, "customer_type", &o->customer_type, error) ||
      !get_string (record, "terminal_type", &o->terminal_type, error) ||
      !parse_core_metrics (record, o, error) ||
      !get_array (record, "model_breakdown", FALSE, &breakdown, error))
    return NULL;

  for (guint i = 0; breakdown != NULL && i < json_array_get_length (breakdown); i++)
    {
      JsonObject *obj = element_object (breakdown, i, "model_breakdown", error);
      CmOrgModelUsage *m = obj != NULL ? parse_model_breakdown (obj, error) : NULL;

      if (m == NULL)
        return NULL;
      g_ptr_array_add (o->models, m);
    }

  return g_steal_pointer (&o);
}

gboolean
cm_admin_parse_claude_code_page (GBytes       *body,
                                 const char   *day,
                                 CmAdminPage  *page,
                                 GError      **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root = NULL;
  JsonArray *data = NULL;

  g_return_val_if_fail (day != NULL, FALSE);

  page_init (page, (GDestroyNotify) cm_org_usage_free);
  parser = load_root (body, &root, error);
  if (parser == NULL || !read_pagination (root, page, &data, error))
    return FALSE;

  /* One day per request: the records are that day's, whatever their "date"
   * looks like. */
  g_ptr_array_add (page->days, g_strdup (day));
  for (guint i = 0; i < json_array_get_length (data); i++)
    {
      JsonObject *obj = element_object (data, i, "data", error);
      CmOrgUsage *o = obj != NULL ? parse_record (obj, day, error) : NULL;

      if (o == NULL)
        return FALSE;
      g_ptr_array_add (page->rows, o);
    }

  return TRUE;
}

/* ------------------------------------------------------------------ */
/* Organization                                                        */
/* ------------------------------------------------------------------ */

gboolean
cm_admin_parse_organization (GBytes  *body,
                             char   **id,
                             char   **name,
                             GError **error)
{
  g_autoptr(JsonParser) parser = NULL;
  JsonObject *root = NULL;
  g_autofree char *id_ = NULL;
  g_autofree char *name_ = NULL;

  parser = load_root (body, &root, error);
  if (parser == NULL ||
      !get_string (root, "id", &id_, error) ||
      !get_string (root, "name", &name_, error))
    return FALSE;

  if (id_ == NULL || *id_ == '\0')
    return malformed (error, "the organization has no id");

  *id = g_steal_pointer (&id_);
  *name = g_steal_pointer (&name_);

  return TRUE;
}
