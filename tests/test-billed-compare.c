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
#include "cm-billed-compare.h"
#include "cm-org-user-item.h"
#include "cm-org-users.h"
#include "cm-scanner.h"
#include "cm-test-admin.h"
#include "cm-test-util.h"

#define TEST_KEY "sk-ant-admin01-COMPARE-0123456789abcdef"
#define TEAMMATE CM_TEST_BILL_TEAMMATE

typedef struct
{
  char        *dir;
  CmStore     *store;
  CmPricing   *pricing;
  JsonNode    *expected;
  CmTestAdmin *admin;
  CmTestBill  *bill;
} Fixture;

static JsonObject *
expected_backend (Fixture    *f,
                  const char *backend)
{
  JsonObject *root = json_node_get_object (f->expected);

  return json_object_get_object_member (json_object_get_object_member (root, "backend"), backend);
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
  f->admin = cm_test_admin_new (TEST_KEY);
  f->bill = cm_test_admin_bill_store (f->admin, f->store);

  /* Fetched three days after the last one: every day is final. */
  cm_admin_client_set_base_url (client, cm_test_admin_get_url (f->admin));
  cm_admin_client_set_api_key (client, TEST_KEY);
  cm_admin_client_set_store (client, f->store);
  cm_admin_client_set_now_ms (client, cm_test_day_ms (f->bill->last, 3));
  cm_admin_client_fetch_async (client, f->bill->first, NULL, fetch_cb, &result);
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
  g_clear_pointer (&f->bill, cm_test_bill_free);
  g_clear_object (&f->pricing);
  g_clear_object (&f->store);
  g_clear_pointer (&f->expected, json_node_unref);
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
                                             now_ms > 0 ? now_ms : cm_test_day_ms (f->bill->last, 3), &error);

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

      if (!g_str_equal (row->day, f->bill->match))
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
  const CmGroupRow *g = cm_test_bill_group (f->bill, f->bill->extra);
  const CmBilledRow *row = find_row (c, f->bill->extra, g->key2);
  const CmBilledRow *server = find_row (c, f->bill->extra, NULL);

  /* The alias on the bill is the transcripts' model. */
  g_assert_nonnull (row);
  g_assert_cmpint (row->estimated, ==, g->totals.cost - g->totals.cost_web_search);
  g_assert_cmpint (row->difference, ==, CM_TEST_BILL_EXTRA_COST);
  g_assert_cmpint (row->explained, ==, CM_TEST_BILL_EXTRA_COST);
  g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_OTHER_USAGE);
  g_assert_cmpint (row->billed_usage.input - row->estimated_usage.input, ==, CM_TEST_BILL_EXTRA_TOKENS);
  g_assert_cmpfloat (row->token_agreement, <, 1.0);
  g_assert_cmpfloat (row->token_agreement, >, 0.9);
  /* The analytics say whose it was. */
  g_assert_nonnull (row->whose);
  g_assert_nonnull (strstr (row->whose, TEAMMATE));

  g_assert_nonnull (server);
  g_assert_cmpint (server->difference, ==, CM_TEST_BILL_CODE_EXEC_COST);
  g_assert_cmpuint (server->reasons, ==, CM_BILLED_REASON_SERVER_TOOLS);

  g_assert_cmpuint (c->others->len, ==, 1);
  g_assert_cmpstr (((CmBilledActor *) g_ptr_array_index (c->others, 0))->actor, ==, TEAMMATE);
  g_assert_cmpint (((CmBilledActor *) g_ptr_array_index (c->others, 0))->estimated_cost, ==, CM_TEST_BILL_EXTRA_COST);
}

static void
test_day_fewer (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  const CmGroupRow *g = cm_test_bill_group (f->bill, f->bill->fewer);
  const CmBilledRow *row = find_row (c, f->bill->fewer, g->key2);

  g_assert_cmpint (row->difference, ==, -CM_TEST_BILL_MISSING_COST);
  g_assert_cmpint (row->explained, ==, 0);
  g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_FEWER_TOKENS);
  g_assert_cmpint (row->estimated_usage.output - row->billed_usage.output, ==, CM_TEST_BILL_MISSING_OUTPUT);
  g_assert_cmpfloat (row->token_agreement, <, 1.0);
  g_assert_cmpfloat_with_epsilon (cm_billed_row_difference_ratio (row),
                                  (double) -CM_TEST_BILL_MISSING_COST / (double) row->estimated, 1e-12);
}

static void
test_totals (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, 0);
  const CmBilledRow *priority = find_row (c, f->bill->priority, cm_test_bill_group (f->bill, f->bill->priority)->key2);

  /* Priority Tier: the same tokens, cheaper on the bill: explained. */
  g_assert_cmpuint (priority->reasons, ==, CM_BILLED_REASON_PRIORITY);
  g_assert_cmpint (priority->difference, ==, -CM_TEST_BILL_PRIORITY_COST);
  g_assert_cmpint (priority->priority_tokens, ==, 1000);
  g_assert_cmpfloat (priority->token_agreement, ==, 1.0);

  g_assert_cmpint (c->billed - c->estimated, ==, c->difference);
  g_assert_cmpint (c->difference, ==, CM_TEST_BILL_EXTRA_COST + CM_TEST_BILL_CODE_EXEC_COST - CM_TEST_BILL_MISSING_COST - CM_TEST_BILL_PRIORITY_COST);
  g_assert_cmpint (c->unexplained, ==, -CM_TEST_BILL_MISSING_COST);
  g_assert_cmpint (c->by_reason[cm_billed_reason_index (CM_BILLED_REASON_OTHER_USAGE)], ==, CM_TEST_BILL_EXTRA_COST);
  g_assert_cmpint (c->by_reason[cm_billed_reason_index (CM_BILLED_REASON_SERVER_TOOLS)], ==, CM_TEST_BILL_CODE_EXEC_COST);
  g_assert_cmpint (c->by_reason[cm_billed_reason_index (CM_BILLED_REASON_PRIORITY)], ==, -CM_TEST_BILL_PRIORITY_COST);
  g_assert_cmpuint (c->n_settling_days, ==, 0);
  g_assert_cmpuint (c->n_unfetched_days, ==, 0);
  g_assert_cmpint (c->last_fetch_ms, ==, cm_test_day_ms (f->bill->last, 3));
}

/* Before a day is final its gap is "still settling", not unexplained. */
static void
test_settling (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(CmBilledComparison) c = compare_all (f, cm_test_day_ms (f->bill->fewer, 2));
  const CmBilledRow *row = find_row (c, f->bill->fewer, cm_test_bill_group (f->bill, f->bill->fewer)->key2);
  const CmBilledRow *extra = find_row (c, f->bill->extra, cm_test_bill_group (f->bill, f->bill->extra)->key2);

  g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_SETTLING);
  g_assert_cmpint (row->explained, ==, -CM_TEST_BILL_MISSING_COST);
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
  const char *one_day[] = { f->bill->match, NULL };

  /* Forget day A's bill as if it had never been fetched. */
  g_assert_true (cm_store_save_billed (f->store, CM_BILLED_COSTS, one_day, NULL, 0, &error));
  g_assert_no_error (error);
  c = compare_all (f, 0);

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);

      if (!g_str_equal (row->day, f->bill->match))
        continue;
      g_assert_false (row->fetched);
      g_assert_cmpuint (row->reasons, ==, CM_BILLED_REASON_NOT_FETCHED);
      g_assert_cmpint (row->explained, ==, row->difference);
    }
  g_assert_cmpuint (c->n_unfetched_days, ==, 1);
  g_assert_cmpint (c->unexplained, ==, -CM_TEST_BILL_MISSING_COST);
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
  g_assert_cmpint (bob->org_cost, ==, CM_TEST_BILL_EXTRA_COST);
  g_assert_cmpint (bob->sessions, ==, 2);
  g_assert_cmpint (bob->lines_added, ==, 40);
  g_assert_cmpint (bob->input, ==, 50000);
  g_assert_cmpstr (bob->models, ==, "claude-opus-4-5");
  g_assert_cmpuint (bob->by_model->len, ==, 1);
  g_assert_cmpint (((CmOrgModelUsage *) g_ptr_array_index (bob->by_model, 0))->estimated_cost, ==,
                   CM_TEST_BILL_EXTRA_COST);
  g_assert_cmpint (((CmOrgModelUsage *) g_ptr_array_index (bob->by_model, 0))->input, ==, 50000);
  g_assert_cmpint (bob->transcripts.messages, ==, 0);

  /* Merged by e-mail whatever the letter case. */
  g_assert_nonnull (user1);
  g_assert_cmpuint (user1->sources, ==, CM_ORG_SOURCE_TRANSCRIPTS | CM_ORG_SOURCE_ADMIN_API);
  g_assert_cmpstr (cm_org_source_to_string (user1->sources), ==, "both");
  g_assert_cmpint (user1->lines_added, ==, 3);
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (user1->transcripts.cost),
                                  json_object_get_double_member (json_object_get_object_member (users, "user1@example.com"), "cost"),
                                  1e-6);

  /* The rows of the Users view's Organization table say where their
   * figures come from. */
  {
    g_autoptr(CmOrgUserItem) item = cm_org_user_item_new (bob);
    g_autoptr(CmOrgUserItem) both = cm_org_user_item_new (user1);
    g_autoptr(CmOrgUserItem) none = cm_org_user_item_new (g_ptr_array_index (rows, rows->len - 1));
    g_autofree char *source = NULL;
    g_autofree char *source_id = NULL;
    g_autofree char *label = NULL;
    gint64 org_cost = 0, org_tokens = 0, sessions = 0, messages = -1, cost = -1;
    gboolean has_org = FALSE, has_transcripts = TRUE, muted = TRUE;

    g_object_get (item, "source", &source, "source-id", &source_id, "org-cost", &org_cost,
                  "org-tokens", &org_tokens, "org-sessions", &sessions, "has-org", &has_org,
                  "has-transcripts", &has_transcripts, "messages", &messages, "cost", &cost,
                  "muted", &muted, NULL);
    g_assert_cmpstr (source, ==, "Claude Code analytics");
    {
      g_autofree char *detail = NULL;
      g_autofree char *want = g_strdup_printf ("claude-opus-4-5 $0.75 (%" G_GINT64_FORMAT " tokens)",
                                               bob->input + bob->output + bob->cache_read + bob->cache_creation);

      g_object_get (item, "models-detail", &detail, NULL);
      g_assert_cmpstr (detail, ==, want);
    }
    g_assert_cmpstr (source_id, ==, "admin-api");
    g_assert_cmpint (org_cost, ==, CM_TEST_BILL_EXTRA_COST);
    g_assert_cmpint (org_tokens, ==, bob->input + bob->output + bob->cache_read + bob->cache_creation);
    g_assert_cmpint (sessions, ==, 2);
    g_assert_true (has_org);
    g_assert_false (has_transcripts);
    g_assert_false (muted);
    g_assert_cmpint (messages, ==, 0);
    g_assert_cmpint (cost, ==, 0);
    g_assert_cmpstr (cm_org_user_item_get_source (both), ==, "Both");
    g_assert_cmpint (cm_org_user_item_get_row (both)->transcripts.cost, ==, user1->transcripts.cost);
    g_object_get (none, "label", &label, "muted", &muted, NULL);
    g_assert_cmpstr (label, ==, "Unattributed");
    g_assert_true (muted);
    g_assert_cmpstr (cm_org_user_item_get_source (none), ==, "Transcripts");
  }
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
