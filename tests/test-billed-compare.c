/* test-billed-compare.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Billed versus estimated on the fixture corpus. A fake Admin API on
 * 127.0.0.1 bills the corpus's own first-party messages (its cost report
 * and usage report are made from them, cents as decimal strings), with
 * changes on some days: a day billed to the cent, a day with extra billed
 * usage by a teammate and a code-execution charge, a day with fewer billed
 * tokens, a day of Priority Tier. The client fetches it into the store and
 * the comparison must find each of them, while its transcript side adds up
 * to the independently computed expected-utc.json.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "cm-admin-client.h"
#include "cm-admin-client-private.h"
#include "cm-admin-fetch.h"
#include "cm-billed-compare.h"
#include "cm-org-users.h"
#include "cm-scanner.h"
#include "cm-test-admin.h"
#include "cm-test-util.h"

#define TEST_KEY "sk-ant-admin01-COMPARE-0123456789abcdef"
#define TEAMMATE "bob.teammate@example.org"
#define CENTS    G_GINT64_CONSTANT (100000000)

/* The extra usage (day B), the code execution charge (day B), the missing
 * output (day C) and the Priority Tier day's missing cost (day E). */
#define EXTRA_TOKENS   50000
#define EXTRA_COST     G_GINT64_CONSTANT (7512345678)   /* "75.12345678" cents */
#define CODE_EXEC_COST G_GINT64_CONSTANT (320000000)    /* "3.2" cents */
#define MISSING_OUTPUT 1000
#define MISSING_COST   G_GINT64_CONSTANT (150000000)    /* "1.5" cents */
#define PRIORITY_COST  G_GINT64_CONSTANT (250000000)    /* "2.5" cents */

typedef struct
{
  char        *dir;
  CmStore     *store;
  CmPricing   *pricing;
  JsonNode    *expected;
  CmTestAdmin *admin;
  GPtrArray   *groups;   /* first-party (day, model), UTC */
  char        *day_a;    /* billed to the cent */
  char        *day_b;    /* extra billed usage */
  char        *day_c;    /* fewer billed tokens */
  char        *day_e;    /* Priority Tier */
  char        *last_day;
} Fixture;

static JsonObject *
expected_backend (Fixture    *f,
                  const char *backend)
{
  JsonObject *root = json_node_get_object (f->expected);

  return json_object_get_object_member (json_object_get_object_member (root, "backend"), backend);
}

static void
add_cost_item (GString    *json,
               const char *model,
               const char *cost_type,
               const char *token_type,
               CmMoney     units)
{
  g_autofree char *cents = cm_test_cents (units);
  g_autofree char *model_json = model != NULL ? g_strdup_printf ("\"%s\"", model) : g_strdup ("null");
  g_autofree char *token_json = token_type != NULL ? g_strdup_printf ("\"%s\"", token_type) : g_strdup ("null");

  if (units == 0)
    return;

  g_string_append_printf (json, "%s{\"currency\":\"USD\",\"amount\":\"%s\",\"workspace_id\":null,"
                          "\"description\":\"%s\",\"cost_type\":\"%s\",\"context_window\":%s,"
                          "\"model\":%s,\"service_tier\":%s,\"token_type\":%s,\"inference_geo\":null}",
                          json->len > 1 ? "," : "", cents, cost_type, cost_type,
                          model != NULL ? "\"0-200k\"" : "null", model_json,
                          model != NULL ? "\"standard\"" : "null", token_json);
}

static void
add_usage_item (GString    *json,
                const char *model,
                const char *tier,
                gint64      input,
                gint64      cw5m,
                gint64      cw1h,
                gint64      cr,
                gint64      output,
                gint64      web_search)
{
  g_string_append_printf (json, "%s{\"account_id\":null,\"api_key_id\":null,\"workspace_id\":null,"
                          "\"model\":\"%s\",\"service_tier\":\"%s\",\"context_window\":\"0-200k\","
                          "\"inference_geo\":null,\"speed\":\"standard\",\"uncached_input_tokens\":%"
                          G_GINT64_FORMAT ",\"cache_creation\":{\"ephemeral_5m_input_tokens\":%" G_GINT64_FORMAT
                          ",\"ephemeral_1h_input_tokens\":%" G_GINT64_FORMAT "},\"cache_read_input_tokens\":%"
                          G_GINT64_FORMAT ",\"output_tokens\":%" G_GINT64_FORMAT
                          ",\"server_tool_use\":{\"web_search_requests\":%" G_GINT64_FORMAT "}}",
                          json->len > 1 ? "," : "", model, tier, input, cw5m, cw1h, cr, output, web_search);
}

/* The bill of one day, made from the day's first-party transcripts. */
static void
serve_day (Fixture    *f,
           const char *day)
{
  g_autoptr(GString) costs = g_string_new ("[");
  g_autoptr(GString) usage = g_string_new ("[");
  const char *records = NULL;
  CmMoney web_search = 0;

  for (guint i = 0; i < f->groups->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (f->groups, i);
      const CmTotals *t = &g->totals;
      gboolean b = g_str_equal (day, f->day_b);
      gboolean c = g_str_equal (day, f->day_c);
      gboolean e = g_str_equal (day, f->day_e);
      /* The API may name a model by its alias. */
      const char *model = b && g_str_equal (g->key2, "claude-opus-4-5-20251101") ? "claude-opus-4-5" : g->key2;

      if (!g_str_equal (g->key, day))
        continue;

      add_cost_item (costs, model, "tokens", "uncached_input_tokens", t->cost_input + (b ? EXTRA_COST : 0));
      add_cost_item (costs, model, "tokens", "output_tokens", t->cost_output - (c ? MISSING_COST : 0));
      add_cost_item (costs, model, "tokens", "cache_creation.ephemeral_5m_input_tokens", t->cost_cache_write_5m);
      add_cost_item (costs, model, "tokens", "cache_creation.ephemeral_1h_input_tokens", t->cost_cache_write_1h);
      add_cost_item (costs, model, "tokens", "cache_read_input_tokens",
                     t->cost_cache_read - (e ? PRIORITY_COST : 0));
      web_search += t->cost_web_search;

      if (e)
        {
          /* The same tokens, part of them at Priority Tier. */
          add_usage_item (usage, model, "standard", t->input, t->cache_write_5m, t->cache_write_1h,
                          t->cache_read - 1000, t->output, t->web_search);
          add_usage_item (usage, model, "priority", 0, 0, 0, 1000, 0, 0);
        }
      else
        add_usage_item (usage, model, "standard", t->input + (b ? EXTRA_TOKENS : 0), t->cache_write_5m,
                        t->cache_write_1h, t->cache_read, t->output - (c ? MISSING_OUTPUT : 0), t->web_search);

      if (b)
        records = "[{\"actor\":{\"type\":\"user_actor\",\"email_address\":\"" TEAMMATE "\"},"
                  "\"customer_type\":\"api\",\"terminal_type\":\"iTerm.app\","
                  "\"core_metrics\":{\"num_sessions\":2,\"lines_of_code\":{\"added\":40,\"removed\":4},"
                  "\"commits_by_claude_code\":1,\"pull_requests_by_claude_code\":1},"
                  "\"model_breakdown\":[{\"model\":\"claude-opus-4-5\",\"tokens\":{\"input\":50000,"
                  "\"output\":0,\"cache_read\":0,\"cache_creation\":0},"
                  "\"estimated_cost\":{\"currency\":\"USD\",\"amount\":75.12345678}}]},"
                  "{\"actor\":{\"type\":\"user_actor\",\"email_address\":\"User1@Example.com\"},"
                  "\"customer_type\":\"api\",\"core_metrics\":{\"num_sessions\":1,"
                  "\"lines_of_code\":{\"added\":3,\"removed\":2}},\"model_breakdown\":[]}]";
    }

  if (g_str_equal (day, f->day_b))
    add_cost_item (costs, NULL, "code_execution", NULL, CODE_EXEC_COST);
  add_cost_item (costs, NULL, "web_search", NULL, web_search);
  g_string_append_c (costs, ']');
  g_string_append_c (usage, ']');

  cm_test_admin_set_day (f->admin, day, costs->str, usage->str, records);
}

static void
scan_corpus (Fixture *f)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(GDir) dir = g_dir_open (corpus, 0, NULL);
  g_autoptr(CmScanner) scanner = cm_scanner_new (f->store, f->pricing);
  g_autoptr(GError) error = NULL;
  CmScanStats stats;
  const char *name;

  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *home = g_build_filename (corpus, name, NULL);

      g_assert_cmpint (cm_store_add_source (f->store, home, NULL, FALSE, &error), >, 0);
      g_assert_no_error (error);
    }

  g_assert_true (cm_scanner_scan_sync (scanner, NULL, &stats, &error));
  g_assert_no_error (error);
}

/* The first-party days, in order: the ones the bill is made for. */
static void
pick_days (Fixture *f)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GPtrArray) days = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;

  filter->timezone = g_strdup ("UTC");
  filter->backends_set = TRUE;
  filter->backends = 1u << CM_BACKEND_ANTHROPIC;
  f->groups = cm_store_query_groups (f->store, filter, CM_GROUP_DAY, CM_GROUP_MODEL, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < f->groups->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (f->groups, i);

      if (days->len == 0 || !g_str_equal (g_ptr_array_index (days, days->len - 1), g->key))
        g_ptr_array_add (days, g->key);
    }

  /* The corpus has first-party messages on many days. */
  g_assert_cmpuint (days->len, >=, 5);
  f->day_a = g_strdup (g_ptr_array_index (days, 0));
  f->day_b = g_strdup (g_ptr_array_index (days, 1));
  f->day_c = g_strdup (g_ptr_array_index (days, 2));
  f->day_e = g_strdup (g_ptr_array_index (days, 3));
  f->last_day = g_strdup (g_ptr_array_index (days, days->len - 1));
}

static gint64
day_ms (const char *day,
        int         add_days)
{
  g_autofree char *iso = g_strconcat (day, "T00:00:00Z", NULL);
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  return (g_date_time_to_unix (dt) + (gint64) add_days * 86400) * 1000;
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  *(CmAdminFetchResult **) user_data = cm_admin_client_fetch_finish (CM_ADMIN_CLIENT (source), res, NULL);
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *expected_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(CmAdminClient) client = cm_admin_client_new ();
  g_autoptr(CmAdminFetchResult) result = NULL;
  g_autoptr(GPtrArray) all_days = NULL;
  g_autofree char *first = NULL;

  f->dir = cm_test_make_tmpdir ("billed");
  db = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (db, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  expected_path = g_build_filename (cm_test_fixtures_dir (), "expected-utc.json", NULL);
  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  f->expected = json_node_copy (json_parser_get_root (parser));

  scan_corpus (f);
  pick_days (f);

  f->admin = cm_test_admin_new (TEST_KEY);
  first = g_strdup_printf ("%.8s01", f->day_a);
  all_days = cm_admin_days (first, f->last_day);
  for (guint i = 0; i < all_days->len; i++)
    serve_day (f, g_ptr_array_index (all_days, i));

  /* Fetched three days after the last one: every day is final. */
  cm_admin_client_set_base_url (client, cm_test_admin_get_url (f->admin));
  cm_admin_client_set_api_key (client, TEST_KEY);
  cm_admin_client_set_store (client, f->store);
  cm_admin_client_set_now_ms (client, day_ms (f->last_day, 3));
  cm_admin_client_fetch_async (client, first, NULL, fetch_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%s", result->message);
  g_assert_true (cm_admin_fetch_result_ok (result));
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_pointer (&f->admin, cm_test_admin_free);
  g_clear_pointer (&f->groups, g_ptr_array_unref);
  g_clear_object (&f->pricing);
  g_clear_object (&f->store);
  g_clear_pointer (&f->expected, json_node_unref);
  g_free (f->day_a);
  g_free (f->day_b);
  g_free (f->day_c);
  g_free (f->day_e);
  g_free (f->last_day);
  cm_test_rm_rf (f->dir);
  g_free (f->dir);
}

static CmBilledComparison *
compare_all (Fixture *f,
             gint64   now_ms)
{
  g_autoptr(GError) error = NULL;
  /* Every day of the corpus, Bedrock's and Vertex's too. */
  CmBilledComparison *c = cm_billed_compare (f->store, f->pricing, "2000-01-01", "2099-12-31",
                                             now_ms > 0 ? now_ms : day_ms (f->last_day, 3), &error);

  g_assert_no_error (error);
  g_assert_nonnull (c);

  return c;
}

static const CmBilledRow *
find_row (const CmBilledComparison *c,
          const char               *day,
          const char               *model)
{
  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);

      if (g_str_equal (row->day, day) && g_strcmp0 (row->model, model) == 0)
        return row;
    }

  return NULL;
}

static const CmGroupRow *
first_group_of (Fixture    *f,
                const char *day)
{
  for (guint i = 0; i < f->groups->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (f->groups, i);

      if (g_str_equal (g->key, day))
        return g;
    }

  g_assert_not_reached ();
}

/* The transcript side alone adds up to the corpus's first-party figures,
 * and Bedrock and Vertex are kept apart at theirs. */
static void
test_estimates (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  JsonObject *anthropic = expected_backend (f, "anthropic");
  CmUsage sum = { 0 };
  gint64 messages = 0;

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);

      sum.input += row->estimated_usage.input;
      sum.output += row->estimated_usage.output;
      sum.cache_write_5m += row->estimated_usage.cache_write_5m;
      sum.cache_write_1h += row->estimated_usage.cache_write_1h;
      sum.cache_read += row->estimated_usage.cache_read;
      sum.web_search += row->estimated_usage.web_search;
      messages += row->messages;
      g_assert_true (row->fetched);
    }

  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (c->estimated), json_object_get_double_member (anthropic, "cost"), 1e-6);
  g_assert_cmpint (sum.input, ==, json_object_get_int_member (anthropic, "input"));
  g_assert_cmpint (sum.output, ==, json_object_get_int_member (anthropic, "output"));
  g_assert_cmpint (sum.cache_write_5m, ==, json_object_get_int_member (anthropic, "cache_write_5m"));
  g_assert_cmpint (sum.cache_write_1h, ==, json_object_get_int_member (anthropic, "cache_write_1h"));
  g_assert_cmpint (sum.cache_read, ==, json_object_get_int_member (anthropic, "cache_read"));
  g_assert_cmpint (sum.web_search, ==, json_object_get_int_member (anthropic, "web_search"));
  g_assert_cmpint (messages, ==, json_object_get_int_member (anthropic, "messages"));

  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (c->bedrock),
                                  json_object_get_double_member (expected_backend (f, "bedrock"), "cost"), 1e-6);
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (c->vertex),
                                  json_object_get_double_member (expected_backend (f, "vertex"), "cost"), 1e-6);
  for (guint i = 0; i < c->apart->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (c->apart, i);

      g_assert_true (g_str_equal (g->key2, "bedrock") || g_str_equal (g->key2, "vertex"));
      g_assert_cmpint (g->totals.estimated, ==, g->totals.messages);
    }
}

static void
test_day_matches (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  guint n = 0;

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);

      if (!g_str_equal (row->day, f->day_a))
        continue;

      /* Every model and the day's web searches: to the cent and beyond. */
      n++;
      g_assert_cmpint (row->billed, ==, row->estimated);
      g_assert_cmpint (row->difference, ==, 0);
      g_assert_cmpint (row->explained, ==, 0);
      g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_NONE);
      g_assert_cmpfloat (row->token_agreement, ==, 1.0);
      g_assert_cmpfloat (cm_billed_row_difference_ratio (row), ==, 0.0);
    }
  g_assert_cmpuint (n, >=, 2);
}

static void
test_day_extra (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  const CmGroupRow *g = first_group_of (f, f->day_b);
  const CmBilledRow *row = find_row (c, f->day_b, g->key2);
  const CmBilledRow *server = find_row (c, f->day_b, NULL);

  /* The alias on the bill is the transcripts' model. */
  g_assert_nonnull (row);
  g_assert_cmpint (row->estimated, ==, g->totals.cost - g->totals.cost_web_search);
  g_assert_cmpint (row->difference, ==, EXTRA_COST);
  g_assert_cmpint (row->explained, ==, EXTRA_COST);
  g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_OTHER_USAGE);
  g_assert_cmpint (row->billed_usage.input - row->estimated_usage.input, ==, EXTRA_TOKENS);
  g_assert_cmpfloat (row->token_agreement, <, 1.0);
  g_assert_cmpfloat (row->token_agreement, >, 0.9);
  /* The analytics say whose it was. */
  g_assert_nonnull (row->whose);
  g_assert_nonnull (strstr (row->whose, TEAMMATE));

  g_assert_nonnull (server);
  g_assert_cmpint (server->difference, ==, CODE_EXEC_COST);
  g_assert_cmpuint (server->reasons, ==, CM_BILLED_REASON_SERVER_TOOLS);

  g_assert_cmpuint (c->others->len, ==, 1);
  g_assert_cmpstr (((CmBilledActor *) g_ptr_array_index (c->others, 0))->actor, ==, TEAMMATE);
  g_assert_cmpint (((CmBilledActor *) g_ptr_array_index (c->others, 0))->estimated_cost, ==, EXTRA_COST);
}

static void
test_day_fewer (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  const CmGroupRow *g = first_group_of (f, f->day_c);
  const CmBilledRow *row = find_row (c, f->day_c, g->key2);

  g_assert_cmpint (row->difference, ==, -MISSING_COST);
  g_assert_cmpint (row->explained, ==, 0);
  g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_FEWER_TOKENS);
  g_assert_cmpint (row->estimated_usage.output - row->billed_usage.output, ==, MISSING_OUTPUT);
  g_assert_cmpfloat (row->token_agreement, <, 1.0);
  g_assert_cmpfloat_with_epsilon (cm_billed_row_difference_ratio (row),
                                  (double) -MISSING_COST / (double) row->estimated, 1e-12);
}

static void
test_totals (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  const CmBilledRow *priority = find_row (c, f->day_e, first_group_of (f, f->day_e)->key2);

  /* Priority Tier: the same tokens, cheaper on the bill: explained. */
  g_assert_cmpuint (priority->reasons, ==, CM_BILLED_REASON_PRIORITY);
  g_assert_cmpint (priority->difference, ==, -PRIORITY_COST);
  g_assert_cmpint (priority->priority_tokens, ==, 1000);
  g_assert_cmpfloat (priority->token_agreement, ==, 1.0);

  g_assert_cmpint (c->billed - c->estimated, ==, c->difference);
  g_assert_cmpint (c->difference, ==, EXTRA_COST + CODE_EXEC_COST - MISSING_COST - PRIORITY_COST);
  g_assert_cmpint (c->unexplained, ==, -MISSING_COST);
  g_assert_cmpint (c->by_reason[cm_billed_reason_index (CM_BILLED_REASON_OTHER_USAGE)], ==, EXTRA_COST);
  g_assert_cmpint (c->by_reason[cm_billed_reason_index (CM_BILLED_REASON_SERVER_TOOLS)], ==, CODE_EXEC_COST);
  g_assert_cmpint (c->by_reason[cm_billed_reason_index (CM_BILLED_REASON_PRIORITY)], ==, -PRIORITY_COST);
  g_assert_cmpuint (c->n_settling_days, ==, 0);
  g_assert_cmpuint (c->n_unfetched_days, ==, 0);
  g_assert_cmpint (c->last_fetch_ms, ==, day_ms (f->last_day, 3));
}

/* Before a day is final its gap is "still settling", not unexplained. */
static void
test_settling (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, day_ms (f->day_c, 2));
  const CmBilledRow *row = find_row (c, f->day_c, first_group_of (f, f->day_c)->key2);
  const CmBilledRow *extra = find_row (c, f->day_b, first_group_of (f, f->day_b)->key2);

  g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_SETTLING);
  g_assert_cmpint (row->explained, ==, -MISSING_COST);
  g_assert_cmpint (c->unexplained, ==, 0);
  /* Day B ended more than 48 h before: final. */
  g_assert_cmpuint (extra->reasons, ==, CM_BILLED_REASON_OTHER_USAGE);
  g_assert_cmpuint (c->n_settling_days, >=, 1);
}

/* A day that was never fetched is not compared. */
static void
test_unfetched (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmBilledComparison) c = NULL;
  const char *one_day[] = { f->day_a, NULL };

  /* Forget day A's bill as if it had never been fetched. */
  g_assert_true (cm_store_save_billed (f->store, CM_BILLED_COSTS, one_day, NULL, 0, &error));
  g_assert_no_error (error);
  c = compare_all (f, 0);

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);

      if (!g_str_equal (row->day, f->day_a))
        continue;
      g_assert_false (row->fetched);
      g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_NOT_FETCHED);
      g_assert_cmpint (row->explained, ==, row->difference);
    }
  g_assert_cmpuint (c->n_unfetched_days, ==, 1);
  g_assert_cmpint (c->unexplained, ==, -MISSING_COST);
}

static void
test_org_users (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = cm_org_users_read (f->store, NULL, NULL, &error);
  JsonObject *users = json_object_get_object_member (json_node_get_object (f->expected), "user");
  const CmOrgUserRow *bob = NULL;
  const CmOrgUserRow *user1 = NULL;

  g_assert_no_error (error);
  /* Every transcript user, and the teammate only the analytics know. */
  g_assert_cmpuint (rows->len, ==, json_object_get_size (users) + 1);
  g_assert_cmpstr (((CmOrgUserRow *) g_ptr_array_index (rows, rows->len - 1))->key, ==, CM_UNATTRIBUTED_KEY);

  for (guint i = 0; i < rows->len; i++)
    {
      const CmOrgUserRow *row = g_ptr_array_index (rows, i);

      if (g_str_equal (row->key, TEAMMATE))
        bob = row;
      else if (g_str_equal (row->key, "user1@example.com"))
        user1 = row;
      else
        {
          g_assert_cmpuint (row->sources, ==, CM_ORG_SOURCE_TRANSCRIPTS);
          g_assert_cmpfloat_with_epsilon (cm_money_to_usd (row->transcripts.cost),
                                          json_object_get_double_member (json_object_get_object_member (users, row->key), "cost"),
                                          1e-6);
        }
    }

  g_assert_nonnull (bob);
  g_assert_cmpuint (bob->sources, ==, CM_ORG_SOURCE_ADMIN_API);
  g_assert_cmpstr (cm_org_source_to_string (bob->sources), ==, "admin-api");
  g_assert_cmpint (bob->org_cost, ==, EXTRA_COST);
  g_assert_cmpint (bob->sessions, ==, 2);
  g_assert_cmpint (bob->lines_added, ==, 40);
  g_assert_cmpint (bob->input, ==, 50000);
  g_assert_cmpstr (bob->models, ==, "claude-opus-4-5");
  g_assert_cmpint (bob->transcripts.messages, ==, 0);

  /* Merged by e-mail whatever the letter case. */
  g_assert_nonnull (user1);
  g_assert_cmpuint (user1->sources, ==, CM_ORG_SOURCE_TRANSCRIPTS | CM_ORG_SOURCE_ADMIN_API);
  g_assert_cmpstr (cm_org_source_to_string (user1->sources), ==, "both");
  g_assert_cmpint (user1->lines_added, ==, 3);
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (user1->transcripts.cost),
                                  json_object_get_double_member (json_object_get_object_member (users, "user1@example.com"), "cost"),
                                  1e-6);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_unsetenv ("http_proxy");
  g_unsetenv ("HTTP_PROXY");
  g_unsetenv ("all_proxy");
  g_unsetenv ("ALL_PROXY");

#define ADD(path, func) g_test_add ("/billed/compare/" path, Fixture, NULL, setup, func, teardown)
  ADD ("estimates", test_estimates);
  ADD ("day-matches", test_day_matches);
  ADD ("day-extra-usage", test_day_extra);
  ADD ("day-fewer-tokens", test_day_fewer);
  ADD ("totals", test_totals);
  ADD ("settling", test_settling);
  ADD ("unfetched", test_unfetched);
  ADD ("org-users", test_org_users);
#undef ADD

  return g_test_run ();
}
