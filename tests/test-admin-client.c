/* test-admin-client.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Admin API client against a SoupServer on 127.0.0.1 that serves the
 * documented shapes: cents as decimal strings, null dimensions, empty
 * buckets, several pages, a 429 with retry-after, 500s, a malformed page.
 * What is stored, which days are fetched again, the retries and their
 * waits, cancellation, and the key in no log line, message or database file.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "cm-admin-client.h"
#include "cm-admin-client-private.h"
#include "cm-admin-fetch.h"
#include "cm-test-admin.h"
#include "cm-test-util.h"

#define TEST_KEY  "sk-ant-admin01-TESTKEY-0123456789abcdefXYZ"
#define WRONG_KEY "sk-ant-admin01-WRONGKEY-9876543210zyxwvu"
#define CENTS     G_GINT64_CONSTANT (100000000)

static GString *captured_log;

/* 2026-09-06T12:00:00Z: the days up to 09-03 are final, 09-04 on settle. */
static const gint64 NOW_MS = G_GINT64_CONSTANT (1788696000000);

/* ------------------------------------------------------------------ */
/* Pure parsing                                                        */
/* ------------------------------------------------------------------ */

static void
test_cents (void)
{
  struct { const char *text; gint64 units; } good[] = {
    { "0", 0 },
    { "123.45", 123 * CENTS + 45000000 },                 /* $1.2345 */
    { "7", 7 * CENTS },
    { "0.5", 50000000 },
    { ".25", 25000000 },
    { "0.00000001", 1 },                                   /* 1e-10 USD exactly */
    { "0.000000005", 1 },                                  /* half a unit rounds away from zero */
    { "0.000000004", 0 },
    { "-12.5", -(12 * CENTS + 50000000) },
    { "12.345678915", 12 * CENTS + 34567892 },
    { "92233720366.99999999", G_GINT64_CONSTANT (92233720366) * CENTS + 99999999 },
  };
  const char *bad[] = { "", "-", ".", "1.", "+1", "1e3", "1.2.3", " 1", "1 ", "abc", "12,5", "0x10",
                        "922337203685477580", "92233720368", "1.5e-3", NULL };

  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    {
      CmMoney units = -42;

      g_assert_true (cm_admin_parse_cents (good[i].text, &units));
      g_assert_cmpint (units, ==, good[i].units);
    }

  for (guint i = 0; bad[i] != NULL; i++)
    {
      CmMoney units = -42;

      g_assert_false (cm_admin_parse_cents (bad[i], &units));
      g_assert_cmpint (units, ==, -42);
    }
  g_assert_false (cm_admin_parse_cents (NULL, NULL));
}

static GBytes *
bytes (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
test_parse_cost_page (void)
{
  g_autoptr(GBytes) body = bytes (
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"ending_at\":\"2026-09-02T00:00:00Z\","
    "\"results\":[{\"currency\":\"USD\",\"amount\":\"123.45\",\"workspace_id\":null,"
    "\"description\":\"Claude Sonnet 4.5 Usage - Input Tokens\",\"cost_type\":\"tokens\","
    "\"context_window\":\"0-200k\",\"model\":\"claude-sonnet-4-5\",\"service_tier\":\"standard\","
    "\"token_type\":\"uncached_input_tokens\",\"inference_geo\":null},"
    "{\"currency\":\"USD\",\"amount\":\"0.5\",\"cost_type\":\"web_search\",\"model\":null}]},"
    "{\"starting_at\":\"2026-09-02T00:00:00Z\",\"ending_at\":\"2026-09-03T00:00:00Z\",\"results\":[]}],"
    "\"has_more\":true,\"next_page\":\"page_2\"}");
  CmAdminPage page = { NULL, };
  g_autoptr(GError) error = NULL;
  CmBilledCost *c;

  g_assert_true (cm_admin_parse_cost_page (body, &page, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (page.days->len, ==, 2);
  g_assert_cmpstr (g_ptr_array_index (page.days, 0), ==, "2026-09-01");
  g_assert_cmpstr (g_ptr_array_index (page.days, 1), ==, "2026-09-02");
  g_assert_true (page.has_more);
  g_assert_cmpstr (page.next_page, ==, "page_2");
  g_assert_cmpuint (page.rows->len, ==, 2);

  c = g_ptr_array_index (page.rows, 0);
  g_assert_cmpstr (c->day, ==, "2026-09-01");
  g_assert_cmpint (c->amount, ==, 123 * CENTS + 45000000);
  g_assert_cmpstr (c->model, ==, "claude-sonnet-4-5");
  g_assert_cmpstr (c->token_type, ==, "uncached_input_tokens");
  g_assert_null (c->workspace_id);
  g_assert_null (c->inference_geo);
  c = g_ptr_array_index (page.rows, 1);
  g_assert_cmpstr (c->cost_type, ==, "web_search");
  g_assert_null (c->model);
  g_assert_null (c->token_type);
  g_assert_cmpint (c->amount, ==, 50000000);

  cm_admin_page_clear (&page);
}

static void
test_parse_usage_page (void)
{
  g_autoptr(GBytes) body = bytes (
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"ending_at\":\"2026-09-02T00:00:00Z\","
    "\"results\":[{\"account_id\":null,\"api_key_id\":\"apikey_01\",\"workspace_id\":null,"
    "\"model\":\"claude-opus-4-1\",\"service_tier\":\"priority\",\"context_window\":\"200k-1M\","
    "\"inference_geo\":\"us\",\"speed\":\"fast\",\"uncached_input_tokens\":1500,"
    "\"cache_creation\":{\"ephemeral_5m_input_tokens\":500,\"ephemeral_1h_input_tokens\":1000},"
    "\"cache_read_input_tokens\":200,\"output_tokens\":500,\"server_tool_use\":{\"web_search_requests\":3}},"
    "{\"model\":\"claude-haiku-4-5\",\"cache_creation\":null,\"server_tool_use\":null}]}],"
    "\"has_more\":false,\"next_page\":null}");
  CmAdminPage page = { NULL, };
  g_autoptr(GError) error = NULL;
  CmBilledUsage *u;

  g_assert_true (cm_admin_parse_usage_page (body, &page, &error));
  g_assert_no_error (error);
  g_assert_false (page.has_more);
  g_assert_null (page.next_page);
  g_assert_cmpuint (page.rows->len, ==, 2);

  u = g_ptr_array_index (page.rows, 0);
  g_assert_cmpstr (u->service_tier, ==, "priority");
  g_assert_cmpstr (u->speed, ==, "fast");
  g_assert_cmpstr (u->context_window, ==, "200k-1M");
  g_assert_cmpint (u->input, ==, 1500);
  g_assert_cmpint (u->cache_write_5m, ==, 500);
  g_assert_cmpint (u->cache_write_1h, ==, 1000);
  g_assert_cmpint (u->cache_read, ==, 200);
  g_assert_cmpint (u->output, ==, 500);
  g_assert_cmpint (u->web_search, ==, 3);
  u = g_ptr_array_index (page.rows, 1);
  g_assert_null (u->service_tier);
  g_assert_cmpint (u->input + u->output + u->cache_write_5m + u->web_search, ==, 0);

  cm_admin_page_clear (&page);
}

static void
test_parse_claude_code_page (void)
{
  g_autoptr(GBytes) body = bytes (
    "{\"data\":[{\"date\":\"2026-09-01T00:00:00Z\",\"actor\":{\"type\":\"user_actor\","
    "\"email_address\":\"alice@example.com\"},\"organization_id\":\"org\",\"customer_type\":\"api\","
    "\"terminal_type\":\"vscode\",\"core_metrics\":{\"num_sessions\":3,\"lines_of_code\":{\"added\":120,"
    "\"removed\":7},\"commits_by_claude_code\":1,\"pull_requests_by_claude_code\":2},"
    "\"tool_actions\":{\"edit_tool\":{\"accepted\":5,\"rejected\":1}},\"model_breakdown\":["
    "{\"model\":\"claude-sonnet-4-5\",\"tokens\":{\"input\":100,\"output\":200,\"cache_read\":300,"
    "\"cache_creation\":40},\"estimated_cost\":{\"currency\":\"USD\",\"amount\":186.5}},"
    "{\"model\":\"claude-haiku-4-5\",\"tokens\":{\"input\":1},\"estimated_cost\":{\"currency\":\"USD\",\"amount\":12}}]},"
    "{\"actor\":{\"type\":\"api_actor\",\"api_key_name\":\"ci-bot\"},\"customer_type\":\"api\","
    "\"terminal_type\":null,\"core_metrics\":null,\"model_breakdown\":[]}],"
    "\"has_more\":true,\"next_page\":\"abc\"}");
  CmAdminPage page = { NULL, };
  g_autoptr(GError) error = NULL;
  CmOrgUsage *o;
  CmOrgModelUsage *m;

  g_assert_true (cm_admin_parse_claude_code_page (body, "2026-09-01", &page, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (page.rows->len, ==, 2);
  g_assert_cmpstr (page.next_page, ==, "abc");

  o = g_ptr_array_index (page.rows, 0);
  g_assert_cmpstr (o->day, ==, "2026-09-01");
  g_assert_cmpstr (o->actor, ==, "alice@example.com");
  g_assert_cmpstr (o->actor_type, ==, "user_actor");
  g_assert_cmpint (o->sessions, ==, 3);
  g_assert_cmpint (o->lines_added, ==, 120);
  g_assert_cmpint (o->lines_removed, ==, 7);
  g_assert_cmpint (o->pull_requests, ==, 2);
  g_assert_cmpuint (o->models->len, ==, 2);
  m = g_ptr_array_index (o->models, 0);
  /* A JSON number of cents with a fraction: 186.5 cents = $1.865. */
  g_assert_cmpint (m->estimated_cost, ==, 186 * CENTS + 50000000);
  g_assert_cmpint (m->cache_creation, ==, 40);
  m = g_ptr_array_index (o->models, 1);
  g_assert_cmpint (m->estimated_cost, ==, 12 * CENTS);

  o = g_ptr_array_index (page.rows, 1);
  g_assert_cmpstr (o->actor, ==, "ci-bot");
  g_assert_cmpstr (o->actor_type, ==, "api_actor");
  g_assert_null (o->terminal_type);
  g_assert_cmpuint (o->models->len, ==, 0);

  cm_admin_page_clear (&page);
}

typedef gboolean (*ParsePage) (GBytes       *body,
                               CmAdminPage  *page,
                               GError      **error);

static gboolean
parse_claude_code (GBytes       *body,
                   CmAdminPage  *page,
                   GError      **error)
{
  return cm_admin_parse_claude_code_page (body, "2026-09-01", page, error);
}

/* Each of @bodies is refused with a message naming what is wrong. */
static void
assert_malformed (ParsePage           parse,
                  const char * const *bodies)
{
  for (guint i = 0; bodies[i] != NULL; i++)
    {
      g_autoptr(GBytes) body = bytes (bodies[i]);
      g_autofree char *shown = g_strescape (bodies[i], NULL);
      CmAdminPage page = { NULL, };
      g_autoptr(GError) error = NULL;

      g_assert_false (parse (body, &page, &error));
      g_assert_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_MALFORMED);
      g_test_message ("%s -> %s", shown, error->message);
      cm_admin_page_clear (&page);
    }
}

static void
test_parse_malformed (void)
{
  const char *costs[] = {
    "",
    "not json",
    "[1,2]",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"amount\":\"12.5",
    "{\"has_more\":false}",
    "{\"data\":{},\"has_more\":false}",
    "{\"data\":[],\"has_more\":true}",
    "{\"data\":[],\"has_more\":\"yes\"}",
    "{\"data\":[{\"starting_at\":\"yesterday\",\"results\":[]}]}",
    "{\"data\":[{\"results\":[]}]}",
    "{\"data\":[7]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"amount\":12.5}]}]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"amount\":\"1e3\"}]}]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"amount\":\"1\",\"currency\":\"EUR\"}]}]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"amount\":\"1\",\"model\":5}]}]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{}]}]}",
    "\xff\xfe{}",
    NULL
  };
  /* Usage counts must be whole, non-negative numbers. */
  const char *usage[] = {
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"output_tokens\":-1}]}]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"output_tokens\":1.5}]}]}",
    "{\"data\":[{\"starting_at\":\"2026-09-01T00:00:00Z\",\"results\":[{\"cache_creation\":3}]}]}",
    NULL
  };
  const char *records[] = {
    "{\"data\":[{\"customer_type\":\"api\"}]}",
    "{\"data\":[{\"actor\":{\"type\":\"robot\",\"name\":\"x\"}}]}",
    "{\"data\":[{\"actor\":{\"type\":\"user_actor\"}}]}",
    "{\"data\":[{\"actor\":{\"type\":\"user_actor\",\"email_address\":\"a@b\"},"
    "\"model_breakdown\":[{\"tokens\":{}}]}]}",
    "{\"data\":[{\"actor\":{\"type\":\"user_actor\",\"email_address\":\"a@b\"},"
    "\"model_breakdown\":[{\"model\":\"m\",\"estimated_cost\":{\"amount\":\"lots\"}}]}]}",
    NULL
  };

  assert_malformed (cm_admin_parse_cost_page, costs);
  assert_malformed (cm_admin_parse_usage_page, usage);
  assert_malformed (parse_claude_code, records);
}

static void
test_days_to_fetch (void)
{
  g_autoptr(GHashTable) sync = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) days = NULL;
  /* 09-03 ends at 09-04 00:00Z and is final 48 h later, at 09-06 00:00Z. */
  gint64 final_0903 = G_GINT64_CONSTANT (1788652800000);
  gint64 *at;

  days = cm_admin_days_to_fetch (NULL, "2026-09-01", NOW_MS);
  g_assert_cmpuint (days->len, ==, 6);
  g_assert_cmpstr (g_ptr_array_index (days, 0), ==, "2026-09-01");
  g_assert_cmpstr (g_ptr_array_index (days, 5), ==, "2026-09-06");
  g_clear_pointer (&days, g_ptr_array_unref);

  /* Fetched when final: done; a moment before: fetched again. */
  at = g_new (gint64, 1);
  *at = final_0903;
  g_hash_table_insert (sync, g_strdup ("2026-09-03"), at);
  at = g_new (gint64, 1);
  *at = final_0903 - 1 + 24 * 3600 * 1000;   /* 09-04, one ms before final */
  g_hash_table_insert (sync, g_strdup ("2026-09-04"), at);
  days = cm_admin_days_to_fetch (sync, "2026-09-03", NOW_MS);
  g_assert_cmpuint (days->len, ==, 3);
  g_assert_cmpstr (g_ptr_array_index (days, 0), ==, "2026-09-04");
  g_clear_pointer (&days, g_ptr_array_unref);

  /* Across a month end and a leap day. */
  days = cm_admin_days ("2028-02-27", "2028-03-01");
  g_assert_cmpuint (days->len, ==, 4);
  g_assert_cmpstr (g_ptr_array_index (days, 2), ==, "2028-02-29");
  g_clear_pointer (&days, g_ptr_array_unref);
  days = cm_admin_days ("2026-09-02", "2026-09-01");
  g_assert_cmpuint (days->len, ==, 0);
  g_clear_pointer (&days, g_ptr_array_unref);
  days = cm_admin_days ("garbage", "2026-09-01");
  g_assert_cmpuint (days->len, ==, 0);
}

/* ------------------------------------------------------------------ */
/* Against the server                                                  */
/* ------------------------------------------------------------------ */

typedef struct
{
  char          *dir;
  char          *db;
  CmStore       *store;
  CmTestAdmin   *admin;
  CmAdminClient *client;
} Fixture;

static const char *days[] = { "2026-09-01", "2026-09-02", "2026-09-03", "2026-09-04", "2026-09-05",
                              "2026-09-06" };

/* Day 3 (09-04) has empty buckets; 09-01 has two Claude Code records. */
static CmMoney
expected_day_cost (guint i)
{
  if (i == 3)
    return 0;

  return 12 * CENTS + 34567892 + (100 + i) * CENTS + 50000000 + 150000000;
}

static void
serve_days (CmTestAdmin *admin)
{
  for (guint i = 0; i < G_N_ELEMENTS (days); i++)
    {
      g_autofree char *costs = NULL;
      g_autofree char *usage = NULL;
      const char *records;

      if (i == 3)
        {
          cm_test_admin_set_day (admin, days[i], NULL, NULL, NULL);
          continue;
        }

      costs = g_strdup_printf (
        "[{\"currency\":\"USD\",\"amount\":\"12.345678915\",\"workspace_id\":null,"
        "\"description\":\"Claude Sonnet 4.5 Usage - Input Tokens\",\"cost_type\":\"tokens\","
        "\"context_window\":\"0-200k\",\"model\":\"claude-sonnet-4-5-20250929\",\"service_tier\":\"standard\","
        "\"token_type\":\"uncached_input_tokens\",\"inference_geo\":null},"
        "{\"currency\":\"USD\",\"amount\":\"%u.5\",\"workspace_id\":\"wrkspc_01\","
        "\"description\":\"Claude Sonnet 4.5 Usage - Output Tokens\",\"cost_type\":\"tokens\","
        "\"context_window\":\"0-200k\",\"model\":\"claude-sonnet-4-5-20250929\",\"service_tier\":\"standard\","
        "\"token_type\":\"output_tokens\",\"inference_geo\":\"us\"},"
        "{\"currency\":\"USD\",\"amount\":\"1.5\",\"workspace_id\":null,\"description\":\"Web Search\","
        "\"cost_type\":\"web_search\",\"context_window\":null,\"model\":null,\"service_tier\":null,"
        "\"token_type\":null,\"inference_geo\":null}]", 100 + i);
      usage = g_strdup_printf (
        "[{\"account_id\":null,\"api_key_id\":\"apikey_01\",\"workspace_id\":null,"
        "\"model\":\"claude-sonnet-4-5-20250929\",\"service_tier\":\"standard\",\"context_window\":\"0-200k\","
        "\"inference_geo\":null,\"speed\":null,\"uncached_input_tokens\":%u,"
        "\"cache_creation\":{\"ephemeral_5m_input_tokens\":10,\"ephemeral_1h_input_tokens\":20},"
        "\"cache_read_input_tokens\":300,\"output_tokens\":400,\"server_tool_use\":{\"web_search_requests\":1}},"
        "{\"account_id\":null,\"api_key_id\":null,\"workspace_id\":null,\"model\":\"claude-opus-4-1-20250805\","
        "\"service_tier\":\"priority\",\"context_window\":null,\"inference_geo\":null,\"speed\":\"standard\","
        "\"uncached_input_tokens\":5,\"cache_creation\":null,\"cache_read_input_tokens\":0,"
        "\"output_tokens\":6,\"server_tool_use\":null}]", 1000 + i);
      records = i == 0
        ? "[{\"date\":\"2026-09-01T00:00:00Z\",\"actor\":{\"type\":\"user_actor\",\"email_address\":\"alice@example.com\"},"
          "\"organization_id\":\"org\",\"customer_type\":\"api\",\"terminal_type\":\"vscode\","
          "\"core_metrics\":{\"num_sessions\":3,\"lines_of_code\":{\"added\":120,\"removed\":7},"
          "\"commits_by_claude_code\":1,\"pull_requests_by_claude_code\":0},"
          "\"model_breakdown\":[{\"model\":\"claude-sonnet-4-5-20250929\",\"tokens\":{\"input\":100,"
          "\"output\":200,\"cache_read\":300,\"cache_creation\":40},"
          "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":186.5}}]},"
          "{\"date\":\"2026-09-01T00:00:00Z\",\"actor\":{\"type\":\"api_actor\",\"api_key_name\":\"ci-bot\"},"
          "\"customer_type\":\"api\",\"terminal_type\":null,\"core_metrics\":{\"num_sessions\":1},"
          "\"model_breakdown\":[{\"model\":\"claude-haiku-4-5\",\"tokens\":{\"input\":7,\"output\":8},"
          "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":12}}]}]"
        : "[{\"actor\":{\"type\":\"user_actor\",\"email_address\":\"alice@example.com\"},\"customer_type\":\"api\","
          "\"core_metrics\":{\"num_sessions\":1,\"lines_of_code\":{\"added\":10,\"removed\":1}},"
          "\"model_breakdown\":[{\"model\":\"claude-sonnet-4-5-20250929\",\"tokens\":{\"input\":1,\"output\":2},"
          "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":0.25}}]}]";
      cm_test_admin_set_day (admin, days[i], costs, usage, records);
    }
}

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = cm_test_make_tmpdir ("admin");
  f->db = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (f->db, &error);
  g_assert_no_error (error);

  f->admin = cm_test_admin_new (TEST_KEY);
  serve_days (f->admin);

  f->client = cm_admin_client_new ();
  cm_admin_client_set_base_url (f->client, cm_test_admin_get_url (f->admin));
  cm_admin_client_set_api_key (f->client, TEST_KEY);
  cm_admin_client_set_store (f->client, f->store);
  cm_admin_client_set_now_ms (f->client, NOW_MS);
  cm_admin_client_set_second_ms (f->client, 5);
  cm_admin_client_set_timeout (f->client, 5);
}

static gboolean
file_contains (const char *path,
               const char *needle)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  if (!g_file_get_contents (path, &data, &len, NULL))
    return FALSE;

  return memmem (data, len, needle, strlen (needle)) != NULL;
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  const char *suffixes[] = { "", "-wal", "-shm" };

  g_clear_object (&f->client);
  g_clear_object (&f->store);
  g_clear_pointer (&f->admin, cm_test_admin_free);

  /* Whatever happened, the key is in no log line and no database file. */
  g_assert_null (strstr (captured_log->str, TEST_KEY));
  g_assert_null (strstr (captured_log->str, WRONG_KEY));
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (f->db, suffixes[i], NULL);

      g_assert_false (file_contains (path, TEST_KEY));
      g_assert_false (file_contains (path, "TESTKEY"));
      g_assert_false (file_contains (path, "WRONGKEY"));
    }
  g_free (f->db);
  g_free (f->dir);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

/* Runs one fetch to its end; the error (cancellation only) in @error. */
static CmAdminFetchResult *
fetch_full (Fixture       *f,
            const char    *since,
            GCancellable  *cancellable,
            GError       **error)
{
  g_autoptr(GAsyncResult) res = NULL;
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  CmAdminFetchResult *result;

  cm_admin_client_fetch_async (f->client, since, cancellable, fetch_cb, &res);
  g_assert_true (cm_admin_client_get_fetching (f->client));
  while (res == NULL)
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  result = cm_admin_client_fetch_finish (f->client, res, error);
  g_assert_false (cm_admin_client_get_fetching (f->client));
  if (result != NULL)
    {
      g_test_message ("fetch: %s", result->message);
      g_assert_null (strstr (result->message, TEST_KEY));
      for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
        g_assert_true (result->errors[e] == NULL || strstr (result->errors[e]->message, "sk-ant") == NULL);
    }

  return result;
}

static CmAdminFetchResult *
fetch (Fixture    *f,
       const char *since)
{
  g_autoptr(GError) error = NULL;
  CmAdminFetchResult *result = fetch_full (f, since, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static guint
count_requests (Fixture    *f,
                const char *path)
{
  GPtrArray *requests = cm_test_admin_get_requests (f->admin);
  guint n = 0;

  for (guint i = 0; i < requests->len; i++)
    n += g_str_has_prefix (g_ptr_array_index (requests, i), path);

  return n;
}

static const char *
first_request (Fixture    *f,
               const char *path)
{
  GPtrArray *requests = cm_test_admin_get_requests (f->admin);

  for (guint i = 0; i < requests->len; i++)
    {
      if (g_str_has_prefix (g_ptr_array_index (requests, i), path))
        return g_ptr_array_index (requests, i);
    }

  return NULL;
}

#define COST_PATH   "/v1/organizations/cost_report"
#define USAGE_PATH  "/v1/organizations/usage_report/messages"
#define CC_PATH     "/v1/organizations/usage_report/claude_code"

static void
assert_stored_costs (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) costs = cm_store_list_billed_costs (f->store, "2026-09-01", "2026-09-06", &error);
  CmMoney per_day[G_N_ELEMENTS (days)] = { 0 };
  guint n_null_models = 0;

  g_assert_no_error (error);
  g_assert_cmpuint (costs->len, ==, 15);
  for (guint i = 0; i < costs->len; i++)
    {
      const CmBilledCost *c = g_ptr_array_index (costs, i);

      for (guint d = 0; d < G_N_ELEMENTS (days); d++)
        {
          if (g_str_equal (c->day, days[d]))
            per_day[d] += c->amount;
        }
      if (c->model == NULL)
        {
          n_null_models++;
          g_assert_cmpstr (c->cost_type, ==, "web_search");
          g_assert_null (c->token_type);
        }
      if (g_strcmp0 (c->token_type, "output_tokens") == 0)
        {
          g_assert_cmpstr (c->workspace_id, ==, "wrkspc_01");
          g_assert_cmpstr (c->inference_geo, ==, "us");
        }
    }
  g_assert_cmpuint (n_null_models, ==, 5);
  for (guint d = 0; d < G_N_ELEMENTS (days); d++)
    g_assert_cmpint (per_day[d], ==, expected_day_cost (d));
}

static void
assert_stored_usage (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) usage = cm_store_list_billed_usage (f->store, NULL, NULL, &error);
  g_autoptr(GPtrArray) org = cm_store_list_org_usage (f->store, NULL, NULL, &error);
  const CmBilledUsage *u;
  const CmOrgUsage *o;
  const CmOrgModelUsage *m;

  g_assert_no_error (error);
  g_assert_cmpuint (usage->len, ==, 10);
  u = g_ptr_array_index (usage, 0);
  g_assert_cmpstr (u->day, ==, "2026-09-01");
  g_assert_cmpstr (u->model, ==, "claude-sonnet-4-5-20250929");
  g_assert_null (u->speed);
  g_assert_null (u->inference_geo);
  g_assert_cmpint (u->input, ==, 1000);
  g_assert_cmpint (u->cache_write_1h, ==, 20);
  g_assert_cmpint (u->web_search, ==, 1);
  u = g_ptr_array_index (usage, 1);
  g_assert_cmpstr (u->service_tier, ==, "priority");
  g_assert_cmpint (u->cache_write_5m, ==, 0);
  u = g_ptr_array_index (usage, usage->len - 2);
  g_assert_cmpstr (u->day, ==, "2026-09-06");
  g_assert_cmpint (u->input, ==, 1005);

  /* Two records on 09-01 (two pages), one on every other day but 09-04. */
  g_assert_cmpuint (org->len, ==, 6);
  o = g_ptr_array_index (org, 0);
  g_assert_cmpstr (o->actor, ==, "alice@example.com");
  g_assert_cmpint (o->lines_added, ==, 120);
  m = g_ptr_array_index (o->models, 0);
  g_assert_cmpint (m->estimated_cost, ==, 186 * CENTS + 50000000);
  o = g_ptr_array_index (org, 1);
  g_assert_cmpstr (o->actor, ==, "ci-bot");
  g_assert_cmpstr (o->actor_type, ==, "api_actor");
  o = g_ptr_array_index (org, 2);
  g_assert_cmpstr (o->day, ==, "2026-09-02");
  m = g_ptr_array_index (o->models, 0);
  g_assert_cmpint (m->estimated_cost, ==, 25000000);
}

static void
test_fetch_pages (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) result = fetch (f, "2026-09-01");
  const char *ua = cm_test_admin_get_user_agent (f->admin);
  const char *cost = first_request (f, COST_PATH);
  const char *usage = first_request (f, USAGE_PATH);
  g_autoptr(GHashTable) sync = NULL;

  g_assert_true (cm_admin_fetch_result_ok (result));
  /* Six days, two buckets a page: three pages each; Claude Code one
   * request a day and a second page on 09-01. */
  g_assert_cmpuint (count_requests (f, COST_PATH), ==, 3);
  g_assert_cmpuint (count_requests (f, USAGE_PATH), ==, 3);
  g_assert_cmpuint (count_requests (f, CC_PATH), ==, 7);
  g_assert_cmpuint (result->n_requests, ==, 13);
  g_assert_cmpuint (result->n_pages, ==, 13);
  g_assert_cmpuint (result->n_retries, ==, 0);
  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    g_assert_cmpuint (result->n_days[e], ==, 6);
  g_assert_true (cm_admin_client_get_last_result (f->client) == result);

  /* What was asked. */
  g_assert_nonnull (strstr (cost, "starting_at=2026-09-01T00%3A00%3A00Z"));
  g_assert_nonnull (strstr (cost, "ending_at=2026-09-07T00%3A00%3A00Z"));
  g_assert_nonnull (strstr (cost, "bucket_width=1d"));
  g_assert_nonnull (strstr (cost, "group_by%5B%5D=description"));
  g_assert_nonnull (strstr (usage, "group_by%5B%5D=model"));
  g_assert_nonnull (strstr (usage, "group_by%5B%5D=speed"));
  g_assert_nonnull (strstr (usage, "group_by%5B%5D=inference_geo"));
  g_assert_nonnull (strstr (usage, "group_by%5B%5D=context_window"));
  g_assert_nonnull (strstr (first_request (f, CC_PATH), "starting_at=2026-09-01&limit=1000"));
  g_assert_cmpuint (count_requests (f, COST_PATH "?starting_at=2026-09-01T00%3A00%3A00Z&ending_at=2026-09-07T00%3A00%3A00Z&bucket_width=1d&limit=31&group_by%5B%5D=description&page=p_2026-09-05"), ==, 1);
  g_assert_nonnull (ua);
  g_assert_true (g_str_has_prefix (ua, "CostMeter/" PACKAGE_VERSION " ("));
  g_assert_cmpuint (cm_test_admin_get_n_unversioned (f->admin), ==, 0);
  g_assert_cmpuint (cm_test_admin_get_n_without_beta (f->admin), ==, 0);

  assert_stored_costs (f);
  assert_stored_usage (f);

  sync = cm_store_billed_sync (f->store, CM_BILLED_CLAUDE_CODE, NULL);
  g_assert_cmpuint (g_hash_table_size (sync), ==, 6);
  g_assert_cmpint (cm_billed_sync_get (sync, "2026-09-04"), ==, NOW_MS);
  g_assert_cmpint (cm_store_billed_last_fetch (f->store, NULL), ==, NOW_MS);
}

static void
test_fetch_incremental (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) first = fetch (f, "2026-09-01");
  g_autoptr(CmAdminFetchResult) second = NULL;
  g_autoptr(CmAdminFetchResult) third = NULL;

  /* The same moment again: the three settled days are not asked for. */
  cm_test_admin_clear_requests (f->admin);
  second = fetch (f, "2026-09-01");
  g_assert_true (cm_admin_fetch_result_ok (second));
  g_assert_cmpuint (second->n_days[CM_BILLED_COSTS], ==, 3);
  g_assert_cmpuint (second->n_days[CM_BILLED_CLAUDE_CODE], ==, 3);
  g_assert_nonnull (strstr (first_request (f, COST_PATH), "starting_at=2026-09-04T00%3A00%3A00Z"));
  g_assert_nonnull (strstr (first_request (f, USAGE_PATH), "starting_at=2026-09-04T00%3A00%3A00Z"));
  g_assert_nonnull (strstr (first_request (f, CC_PATH), "starting_at=2026-09-04&"));
  g_assert_cmpuint (count_requests (f, COST_PATH), ==, 2);
  g_assert_cmpuint (count_requests (f, CC_PATH), ==, 3);
  /* Replaced, not added twice. */
  assert_stored_costs (f);
  assert_stored_usage (f);

  /* Three days later every one of them is final once fetched again. */
  cm_admin_client_set_now_ms (f->client, NOW_MS + G_GINT64_CONSTANT (3) * 24 * 3600 * 1000);
  third = fetch (f, "2026-09-01");
  g_assert_true (cm_admin_fetch_result_ok (third));
  g_assert_cmpuint (third->n_days[CM_BILLED_CLAUDE_CODE], ==, 6);  /* 09-04 .. 09-09 */
  g_clear_pointer (&third, cm_admin_fetch_result_unref);
  cm_test_admin_clear_requests (f->admin);
  cm_admin_client_set_now_ms (f->client, NOW_MS + G_GINT64_CONSTANT (6) * 24 * 3600 * 1000);
  third = fetch (f, "2026-09-01");
  g_assert_cmpuint (count_requests (f, CC_PATH "?starting_at=2026-09-04"), ==, 0);
  g_assert_cmpuint (count_requests (f, CC_PATH "?starting_at=2026-09-09"), ==, 1);
}

static void
test_fetch_retry (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) result = NULL;

  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_FLAKY);
  result = fetch (f, "2026-09-01");

  /* 429 with retry-after 3, then a 500 (backoff 2 s), then the pages. */
  g_assert_true (cm_admin_fetch_result_ok (result));
  g_assert_cmpuint (result->n_retries, ==, 2);
  g_assert_cmpuint (result->waits_ms->len, ==, 2);
  g_assert_cmpint (g_array_index (result->waits_ms, gint64, 0), ==, 3 * 5);
  g_assert_cmpint (g_array_index (result->waits_ms, gint64, 1), ==, 2 * 5);
  g_assert_cmpuint (count_requests (f, COST_PATH), ==, 5);
  g_assert_cmpuint (result->n_requests, ==, 15);
  assert_stored_costs (f);
}

static void
test_fetch_gives_up (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) down = NULL;
  g_autoptr(CmAdminFetchResult) limited = NULL;
  g_autoptr(GPtrArray) costs = NULL;

  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_DOWN);
  down = fetch (f, "2026-09-05");
  g_assert_false (cm_admin_fetch_result_ok (down));
  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    g_assert_error (down->errors[e], CM_ADMIN_ERROR, CM_ADMIN_ERROR_SERVER);
  /* Five attempts each, waits of 1, 2, 4, 8 s between them. */
  g_assert_cmpuint (down->n_requests, ==, 15);
  g_assert_cmpuint (down->waits_ms->len, ==, 12);
  for (guint i = 0; i < 4; i++)
    g_assert_cmpint (g_array_index (down->waits_ms, gint64, i), ==, (1 << i) * 5);
  g_assert_nonnull (strstr (down->message, "HTTP 500"));

  /* A retry-after past two minutes: no waiting, the next fetch tries. */
  cm_test_admin_clear_requests (f->admin);
  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_LIMITED);
  limited = fetch (f, "2026-09-05");
  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    g_assert_error (limited->errors[e], CM_ADMIN_ERROR, CM_ADMIN_ERROR_RATE_LIMITED);
  g_assert_cmpuint (limited->n_requests, ==, 3);
  g_assert_cmpuint (limited->waits_ms->len, ==, 0);
  g_assert_nonnull (strstr (limited->message, "600 s"));

  costs = cm_store_list_billed_costs (f->store, NULL, NULL, NULL);
  g_assert_cmpuint (costs->len, ==, 0);
}

static void
test_fetch_malformed (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) result = NULL;
  g_autoptr(GPtrArray) costs = NULL;
  g_autoptr(GHashTable) sync = NULL;

  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_MALFORMED);
  result = fetch (f, "2026-09-01");

  g_assert_error (result->errors[CM_BILLED_COSTS], CM_ADMIN_ERROR, CM_ADMIN_ERROR_MALFORMED);
  g_assert_no_error (result->errors[CM_BILLED_USAGE]);
  g_assert_no_error (result->errors[CM_BILLED_CLAUDE_CODE]);
  /* The first page's two days are kept, and only they count as fetched. */
  g_assert_cmpuint (result->n_days[CM_BILLED_COSTS], ==, 2);
  costs = cm_store_list_billed_costs (f->store, NULL, NULL, NULL);
  g_assert_cmpuint (costs->len, ==, 6);
  sync = cm_store_billed_sync (f->store, CM_BILLED_COSTS, NULL);
  g_assert_cmpuint (g_hash_table_size (sync), ==, 2);
  g_assert_cmpint (cm_billed_sync_get (sync, "2026-09-03"), ==, 0);
}

static void
test_fetch_unauthorized (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) result = NULL;

  /* The server echoes the wrong key in its message: it must be masked. */
  cm_admin_client_set_api_key (f->client, WRONG_KEY);
  result = fetch (f, "2026-09-05");
  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    {
      g_assert_error (result->errors[e], CM_ADMIN_ERROR, CM_ADMIN_ERROR_UNAUTHORIZED);
      g_assert_null (strstr (result->errors[e]->message, "WRONGKEY"));
      g_assert_nonnull (strstr (result->errors[e]->message, "[redacted]"));
    }
  g_assert_cmpuint (result->n_requests, ==, 3);
}

static void
test_fetch_no_key (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CmAdminFetchResult) result = NULL;

  cm_admin_client_set_api_key (f->client, "   ");
  g_assert_false (cm_admin_client_has_api_key (f->client));
  result = fetch (f, NULL);
  g_assert_error (result->errors[CM_BILLED_COSTS], CM_ADMIN_ERROR, CM_ADMIN_ERROR_NO_KEY);
  g_assert_cmpuint (cm_test_admin_get_requests (f->admin)->len, ==, 0);
}

static gboolean
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);

  return G_SOURCE_REMOVE;
}

static void
test_fetch_cancel (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(CmAdminFetchResult) result = NULL;
  gint64 start;

  /* A server that never answers. */
  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_SLOW);
  g_timeout_add (100, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  result = fetch_full (f, "2026-09-05", cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 3 * G_USEC_PER_SEC);
  g_clear_error (&error);

  /* And while it waits out a retry-after of 3 real seconds. */
  g_clear_object (&cancellable);
  cancellable = g_cancellable_new ();
  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_FLAKY);
  cm_admin_client_set_second_ms (f->client, 1000);
  g_timeout_add (200, cancel_cb, cancellable);
  start = g_get_monotonic_time ();
  result = fetch_full (f, "2026-09-05", cancellable, &error);
  g_assert_null (result);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);
}

static void
test_fetch_joins (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GAsyncResult) res1 = NULL;
  g_autoptr(GAsyncResult) res2 = NULL;
  g_autoptr(CmAdminFetchResult) r1 = NULL;
  g_autoptr(CmAdminFetchResult) r2 = NULL;

  /* A second fetch while one runs gets the same outcome, no more requests. */
  cm_admin_client_fetch_async (f->client, "2026-09-05", NULL, fetch_cb, &res1);
  cm_admin_client_fetch_async (f->client, "2026-09-05", NULL, fetch_cb, &res2);
  while (res1 == NULL || res2 == NULL)
    g_main_context_iteration (NULL, TRUE);

  r1 = cm_admin_client_fetch_finish (f->client, res1, NULL);
  r2 = cm_admin_client_fetch_finish (f->client, res2, NULL);
  g_assert_true (r1 == r2);
  g_assert_cmpuint (cm_test_admin_get_requests (f->admin)->len, ==, r1->n_requests);
}

static void
test_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

static void
test_organization (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *name = NULL;

  cm_admin_client_test_async (f->client, NULL, NULL, test_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (cm_admin_client_test_finish (f->client, res, &id, &name, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (name, ==, "Example Org");
  g_assert_cmpstr (id, ==, "0a1b2c3d-0000-4000-8000-00000000beef");
  g_assert_cmpuint (cm_test_admin_get_requests (f->admin)->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (cm_test_admin_get_requests (f->admin), 0), ==, "/v1/organizations/me");
  g_clear_object (&res);

  /* A key typed in but not saved yet is tested as it is. */
  cm_admin_client_test_async (f->client, "  " WRONG_KEY "\n", NULL, test_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cm_admin_client_test_finish (f->client, res, &id, &name, &error));
  g_assert_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_UNAUTHORIZED);
  g_assert_null (strstr (error->message, "WRONGKEY"));
  g_clear_error (&error);
  g_clear_object (&res);

  /* A 429 while the user waits: one attempt, said plainly. */
  cm_test_admin_set_fault (f->admin, CM_TEST_ADMIN_LIMITED);
  cm_admin_client_test_async (f->client, NULL, NULL, test_cb, &res);
  while (res == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (cm_admin_client_test_finish (f->client, res, NULL, NULL, &error));
  g_assert_error (error, CM_ADMIN_ERROR, CM_ADMIN_ERROR_RATE_LIMITED);
}

static void
finished_cb (CmAdminClient      *client,
             CmAdminFetchResult *result,
             guint              *n)
{
  (*n)++;
}

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
test_enabled (Fixture       *f,
              gconstpointer  data)
{
  guint n_finished = 0;

  /* A minute of 10 ms: the 15-minute interval is 150 ms. */
  cm_admin_client_set_minute_ms (f->client, 10);
  g_signal_connect (f->client, "fetch-finished", G_CALLBACK (finished_cb), &n_finished);
  cm_admin_client_set_interval (f->client, 15);

  /* With a key and a store but not turned on: nothing is fetched. */
  iterate_for (400);
  g_assert_cmpuint (cm_test_admin_get_requests (f->admin)->len, ==, 0);
  g_assert_cmpuint (n_finished, ==, 0);

  /* Turned on: at once, then on the interval (however slow the machine). */
  cm_admin_client_set_enabled (f->client, TRUE);
  {
    gint64 start = g_get_monotonic_time ();

    while (n_finished < 2)
      {
        g_main_context_iteration (NULL, TRUE);
        g_assert_cmpint (g_get_monotonic_time () - start, <, 30 * G_USEC_PER_SEC);
      }
  }
  g_assert_true (cm_admin_fetch_result_ok (cm_admin_client_get_last_result (f->client)));

  /* Off again: silence. */
  cm_admin_client_set_enabled (f->client, FALSE);
  while (cm_admin_client_get_fetching (f->client))
    g_main_context_iteration (NULL, TRUE);
  n_finished = 0;
  cm_test_admin_clear_requests (f->admin);
  iterate_for (400);
  g_assert_cmpuint (cm_test_admin_get_requests (f->admin)->len, ==, 0);

  /* Without a key it stays silent even when on. */
  cm_admin_client_set_api_key (f->client, NULL);
  cm_admin_client_set_enabled (f->client, TRUE);
  iterate_for (400);
  g_assert_cmpuint (cm_test_admin_get_requests (f->admin)->len, ==, 0);
  g_assert_cmpuint (n_finished, ==, 0);
}

static void
test_properties (void)
{
  g_autoptr(CmAdminClient) client = cm_admin_client_new ();
  g_autofree char *base = NULL;

  g_assert_cmpstr (cm_admin_client_get_base_url (client), ==, "https://api.anthropic.com");
  g_assert_false (cm_admin_client_get_enabled (client));
  g_assert_cmpuint (cm_admin_client_get_interval (client), ==, 60);
  g_assert_false (cm_admin_client_has_api_key (client));
  g_assert_null (cm_admin_client_get_last_result (client));

  g_object_set (client, "api-key", TEST_KEY, "base-url", "", NULL);
  cm_admin_client_set_interval (client, 1);
  g_assert_true (cm_admin_client_has_api_key (client));
  g_object_get (client, "base-url", &base, NULL);
  g_assert_cmpstr (base, ==, "https://api.anthropic.com");
  g_assert_cmpuint (cm_admin_client_get_interval (client), ==, 15);
  /* The key cannot be read back. */
  g_assert_false (g_object_class_find_property (G_OBJECT_GET_CLASS (client), "api-key")->flags & G_PARAM_READABLE);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  /* Debug output too, libsoup's included, so a key in any line is caught. */
  captured_log = cm_test_capture_logs ();
  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");
  g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/costmeter-test-bus", TRUE);

  g_test_add_func ("/billed/parse/cents", test_cents);
  g_test_add_func ("/billed/parse/cost-page", test_parse_cost_page);
  g_test_add_func ("/billed/parse/usage-page", test_parse_usage_page);
  g_test_add_func ("/billed/parse/claude-code-page", test_parse_claude_code_page);
  g_test_add_func ("/billed/parse/malformed", test_parse_malformed);
  g_test_add_func ("/billed/days-to-fetch", test_days_to_fetch);
  g_test_add_func ("/billed/client/properties", test_properties);

#define ADD(path, func) g_test_add ("/billed/client/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("pages", test_fetch_pages);
  ADD ("incremental", test_fetch_incremental);
  ADD ("retry", test_fetch_retry);
  ADD ("gives-up", test_fetch_gives_up);
  ADD ("malformed", test_fetch_malformed);
  ADD ("unauthorized", test_fetch_unauthorized);
  ADD ("no-key", test_fetch_no_key);
  ADD ("cancel", test_fetch_cancel);
  ADD ("joins", test_fetch_joins);
  ADD ("organization", test_organization);
  ADD ("enabled", test_enabled);
#undef ADD

  return g_test_run ();
}
