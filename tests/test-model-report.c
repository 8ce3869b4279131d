/* test-model-report.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CmReport on a real store built by scanning the fixture corpus: every list
 * matches the independently computed expected-utc.json, filters change every
 * list at once, bursts of changes coalesce, and new lines show up.
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "cm-message-item.h"
#include "cm-report.h"
#include "cm-scanner.h"
#include "cm-session-item.h"
#include "cm-test-util.h"

typedef struct
{
  char      *dir;
  CmStore   *store;
  CmPricing *pricing;
  CmScanner *scanner;
  CmFilter  *filter;
  CmReport  *report;
  JsonNode  *expected;
  guint      updates;
} Fixture;

/* Money sums are exact integers; the expected file is in float dollars. */
static void
assert_money_near (CmMoney money,
                   double  usd)
{
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (money), usd, 1e-6);
}

static JsonObject *
expected_object (Fixture    *f,
                 const char *member)
{
  return json_object_get_object_member (json_node_get_object (f->expected), member);
}

static void
async_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static guint
count_day_models (JsonObject *days)
{
  g_autoptr(GList) names = json_object_get_members (days);
  guint n = 0;

  for (GList *l = names; l != NULL; l = l->next)
    n += json_object_get_size (json_object_get_object_member (days, l->data));

  return n;
}

static void
updated_cb (CmReport *report,
            Fixture  *f)
{
  f->updates++;
}

static void
wait_for_update (Fixture *f)
{
  guint before = f->updates;
  gint64 deadline = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;

  while (f->updates == before || cm_report_get_loading (f->report))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
}

static void
add_home (Fixture    *f,
          const char *home)
{
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (cm_store_add_source (f->store, home, NULL, FALSE, &error), >, 0);
  g_assert_no_error (error);
}

static void
scan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CmScanStats stats;

  g_assert_true (cm_scanner_scan_sync (f->scanner, NULL, &stats, &error));
  g_assert_no_error (error);
}

static void
setup_empty (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *db = NULL;
  g_autofree char *expected_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  f->dir = cm_test_make_tmpdir ("report");
  db = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (db, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);

  f->filter = cm_filter_new ();
  cm_filter_set_timezone (f->filter, "UTC");
  cm_filter_set_date_range (f->filter, "all");

  expected_path = g_build_filename (cm_test_fixtures_dir (), "expected-utc.json", NULL);
  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  f->expected = json_node_copy (json_parser_get_root (parser));
}

static void
setup_corpus (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *corpus = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  setup_empty (f, data);

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  dir = g_dir_open (corpus, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *home = g_build_filename (corpus, name, NULL);

      add_home (f, home);
    }
  scan (f);

  f->report = cm_report_new (f->store, f->filter);
  g_signal_connect (f->report, "updated", G_CALLBACK (updated_cb), f);
  wait_for_update (f);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  if (f->report != NULL)
    g_signal_handlers_disconnect_by_data (f->report, f);
  g_clear_object (&f->report);
  g_clear_object (&f->filter);
  g_clear_object (&f->scanner);
  g_clear_object (&f->pricing);
  g_clear_object (&f->store);
  g_clear_pointer (&f->expected, json_node_unref);
  cm_test_rm_rf (f->dir);
  g_free (f->dir);
}

static CmMoney
sum_costs (GListModel *model)
{
  CmMoney sum = 0;

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (model, i);

      sum += cm_group_item_get_cost (item);
    }

  return sum;
}

static void
test_totals_and_backends (Fixture       *f,
                          gconstpointer  data)
{
  JsonObject *totals = json_node_get_object (f->expected);
  JsonObject *backend = expected_object (f, "backend");
  GListModel *backends = cm_report_get_backends (f->report);
  const CmTotals *range = cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE));
  const char *order[] = { "bedrock", "anthropic", "vertex", "unknown", NULL };
  gint64 messages = 0;

  totals = json_object_get_object_member (totals, "totals");
  assert_money_near (range->cost, json_object_get_double_member (totals, "cost"));
  g_assert_cmpint (range->output, ==, json_object_get_int_member (totals, "output"));
  g_assert_cmpint (range->cache_read, ==, json_object_get_int_member (totals, "cache_read"));
  g_assert_cmpint (range->unpriced, ==,
                   json_object_get_int_member (json_node_get_object (f->expected), "unpriced_messages"));
  g_assert_cmpint (range->estimated, >, 0);

  /* Always the four backends, by cost, summing exactly. */
  g_assert_cmpuint (g_list_model_get_n_items (backends), ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (backends, i);
      JsonObject *want = json_object_get_object_member (backend, cm_group_item_get_key (item));

      g_assert_true (g_strv_contains (order, cm_group_item_get_key (item)));
      if (i > 0)
        {
          g_autoptr(CmGroupItem) before = g_list_model_get_item (backends, i - 1);

          g_assert_cmpint (cm_group_item_get_cost (before), >=, cm_group_item_get_cost (item));
        }
      assert_money_near (cm_group_item_get_cost (item), json_object_get_double_member (want, "cost"));
      g_assert_cmpint (cm_group_item_get_totals (item)->messages, ==,
                       json_object_get_int_member (want, "messages"));
      messages += cm_group_item_get_totals (item)->messages;
    }
  g_assert_cmpint (sum_costs (backends), ==, range->cost);
  g_assert_cmpint (messages, ==, range->messages);

  /* The fixture days are in September 2026: "today" (the real clock) is empty
   * unless the clock says otherwise; the cards still come from the store. */
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_TODAY))->messages,
                   <=, range->messages);
  g_assert_false (cm_report_get_store_empty (f->report));
}

static void
test_users (Fixture       *f,
            gconstpointer  data)
{
  JsonObject *user = expected_object (f, "user");
  GListModel *users = cm_report_get_users (f->report);
  guint n = g_list_model_get_n_items (users);
  CmMoney previous = G_MAXINT64;

  g_assert_cmpuint (n, ==, json_object_get_size (user));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (users, i);
      const char *key = cm_group_item_get_key (item);
      CmMoney bedrock = cm_group_item_get_backend_cost (item, CM_BACKEND_BEDROCK);
      CmMoney sum = 0;
      gboolean last = i == n - 1;

      assert_money_near (cm_group_item_get_cost (item),
                         json_object_get_double_member (json_object_get_object_member (user, key), "cost"));
      for (CmBackend b = 0; b < CM_N_BACKENDS; b++)
        sum += cm_group_item_get_backend_cost (item, b);
      g_assert_cmpint (sum, ==, cm_group_item_get_cost (item));

      /* Unattributed is last and muted whatever it spent. */
      g_assert_cmpint (g_str_equal (key, CM_UNATTRIBUTED_KEY), ==, last);
      g_assert_cmpint (cm_group_item_get_muted (item), ==, last);
      if (last)
        {
          g_assert_cmpstr (cm_group_item_get_label (item), ==, "Unattributed");
          continue;
        }

      g_assert_cmpint (bedrock, <=, previous);
      previous = bedrock;
    }
}

static void
test_models_and_days (Fixture       *f,
                      gconstpointer  data)
{
  JsonObject *model = expected_object (f, "model");
  JsonObject *days = expected_object (f, "days");
  GListModel *models = cm_report_get_models (f->report);
  GListModel *by_day = cm_report_get_days (f->report);
  GListModel *by_day_model = cm_report_get_days_by_model (f->report);
  g_autoptr(GHashTable) per_model = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GList) names = json_object_get_members (model);
  double share = 0;
  CmMoney range = cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_RANGE));

  for (guint i = 0; i < g_list_model_get_n_items (models); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (models, i);
      CmMoney *sum = g_hash_table_lookup (per_model, cm_group_item_get_key (item));

      if (sum == NULL)
        {
          sum = g_new0 (CmMoney, 1);
          g_hash_table_insert (per_model, g_strdup (cm_group_item_get_key (item)), sum);
        }
      *sum += cm_group_item_get_cost (item);
      share += cm_group_item_get_share (item);
      g_assert_nonnull (cm_group_item_get_key2 (item));
    }

  g_assert_cmpuint (g_hash_table_size (per_model), ==, g_list_length (names));
  for (GList *l = names; l != NULL; l = l->next)
    {
      CmMoney *sum = g_hash_table_lookup (per_model, l->data);

      g_assert_nonnull (sum);
      assert_money_near (*sum, json_object_get_double_member (json_object_get_object_member (model, l->data),
                                                              "cost"));
    }
  g_assert_cmpfloat_with_epsilon (share, 1.0, 1e-9);

  /* Both chart stackings sum to the range and cover the expected days;
   * only the one asked for is queried. */
  g_assert_cmpint (sum_costs (by_day), ==, range);
  g_assert_cmpuint (g_list_model_get_n_items (by_day_model), ==, 0);
  cm_report_set_by_model (f->report, TRUE);
  wait_for_update (f);
  g_assert_cmpint (sum_costs (by_day_model), ==, range);
  g_assert_cmpuint (g_list_model_get_n_items (by_day_model), ==, count_day_models (days));
}

static void
test_filters_change_everything (Fixture       *f,
                                gconstpointer  data)
{
  const char *none[] = { NULL };
  const char *one[] = { "claude-haiku-4-5-20251001", NULL };
  JsonObject *model = expected_object (f, "model");
  JsonObject *backend = expected_object (f, "backend");

  /* Models present but empty: nothing anywhere. */
  cm_filter_set_models (f->filter, none);
  wait_for_update (f);
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE))->messages, ==, 0);
  g_assert_cmpint (sum_costs (cm_report_get_backends (f->report)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_models (f->report)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_users (f->report)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_sessions (f->report)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_days (f->report)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_projects (f->report)), ==, 0);
  /* The choices still list every model of the store. */
  g_assert_cmpuint (g_strv_length ((GStrv) cm_report_get_all_models (f->report)), ==, json_object_get_size (model));

  /* One model: only it. */
  cm_filter_set_models (f->filter, one);
  wait_for_update (f);
  assert_money_near (cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_RANGE)),
                     json_object_get_double_member (json_object_get_object_member (model, one[0]), "cost"));
  for (guint i = 0; i < g_list_model_get_n_items (cm_report_get_models (f->report)); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (cm_report_get_models (f->report), i);

      g_assert_cmpstr (cm_group_item_get_key (item), ==, one[0]);
    }

  /* One backend: the users table shows only its column. */
  cm_filter_reset_models (f->filter);
  cm_filter_set_backends (f->filter, 1u << CM_BACKEND_BEDROCK);
  wait_for_update (f);
  assert_money_near (cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_RANGE)),
                     json_object_get_double_member (json_object_get_object_member (backend, "bedrock"), "cost"));
  for (guint i = 0; i < g_list_model_get_n_items (cm_report_get_users (f->report)); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (cm_report_get_users (f->report), i);

      g_assert_cmpint (cm_group_item_get_backend_cost (item, CM_BACKEND_ANTHROPIC), ==, 0);
      g_assert_cmpint (cm_group_item_get_backend_cost (item, CM_BACKEND_VERTEX), ==, 0);
      g_assert_cmpint (cm_group_item_get_backend_cost (item, CM_BACKEND_BEDROCK), ==,
                       cm_group_item_get_cost (item));
    }
}

static double
expected_days_cost (Fixture    *f,
                    const char *since,
                    const char *until)
{
  JsonObject *days = expected_object (f, "days");
  g_autoptr(GList) names = json_object_get_members (days);
  double usd = 0;

  for (GList *l = names; l != NULL; l = l->next)
    {
      JsonObject *per_model;
      g_autoptr(GList) models = NULL;

      if (strcmp (l->data, since) < 0 || strcmp (l->data, until) > 0)
        continue;
      per_model = json_object_get_object_member (days, l->data);
      models = json_object_get_members (per_model);
      for (GList *m = models; m != NULL; m = m->next)
        usd += json_object_get_double_member (json_object_get_object_member (per_model, m->data), "cost");
    }

  return usd;
}

/* Today / 7 days / month with the clock on the corpus' last day: from the
 * day rows when the range holds them, from their own query when not. */
static void
test_cards (Fixture       *f,
            gconstpointer  data)
{
  g_autoptr(GDateTime) now = g_date_time_new_utc (2026, 9, 20, 23, 0, 0);

  for (guint pass = 0; pass < 2; pass++)
    {
      if (pass == 0)
        cm_filter_set_date_range (f->filter, "all");
      else
        {
          /* A range that holds none of the card periods whole. */
          cm_filter_set_since (f->filter, "2026-09-19");
          cm_filter_set_until (f->filter, "2026-09-19");
          cm_filter_set_date_range (f->filter, "custom");
        }
      cm_filter_set_now (f->filter, now);
      wait_for_update (f);

      assert_money_near (cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_TODAY)),
                         expected_days_cost (f, "2026-09-20", "2026-09-20"));
      assert_money_near (cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_WEEK)),
                         expected_days_cost (f, "2026-09-14", "2026-09-20"));
      assert_money_near (cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_MONTH)),
                         expected_days_cost (f, "2026-09-01", "2026-09-20"));
      g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_TODAY))->messages, >, 0);
    }

  assert_money_near (cm_group_item_get_cost (cm_report_get_totals (f->report, CM_PERIOD_RANGE)),
                     expected_days_cost (f, "2026-09-19", "2026-09-19"));
}

/* A hidden view is not read when the filter changes, and is read (for the
 * current filter) as soon as it shows. */
static void
test_sections (Fixture       *f,
               gconstpointer  data)
{
  const char *none[] = { NULL };
  guint models_before = g_list_model_get_n_items (cm_report_get_models (f->report));

  cm_report_set_wanted (f->report, CM_SECTION_OVERVIEW);
  cm_filter_set_models (f->filter, none);
  wait_for_update (f);

  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE))->messages, ==, 0);
  g_assert_cmpuint (cm_report_get_stale (f->report), ==, CM_SECTION_MODELS | CM_SECTION_USERS | CM_SECTION_SESSIONS);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_models (f->report)), ==, models_before);

  cm_report_set_wanted (f->report, CM_SECTION_MODELS);
  wait_for_update (f);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_models (f->report)), ==, 0);
  g_assert_false (cm_report_get_stale (f->report) & CM_SECTION_MODELS);

  cm_report_set_wanted (f->report, CM_SECTION_SESSIONS);
  wait_for_update (f);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_sessions (f->report)), ==, 0);
  g_assert_cmpuint (cm_report_get_stale (f->report), ==, CM_SECTION_OVERVIEW | CM_SECTION_USERS);
}

static void
test_burst_coalesces (Fixture       *f,
                      gconstpointer  data)
{
  guint before = f->updates;
  const char *presets[] = { "today", "last-7-days", "this-month", "last-month", "all" };

  /* Five edits in one go: one query round, whose two phases (the views,
   * then the sessions list) each update once. */
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    cm_filter_set_date_range (f->filter, presets[i]);
  cm_filter_set_project (f->filter, "");
  wait_for_update (f);

  g_assert_cmpuint (f->updates, ==, before + 2);
  g_assert_cmpuint (cm_report_get_stale (f->report), ==, 0);
}

static void
test_session_messages (Fixture       *f,
                       gconstpointer  data)
{
  GListModel *sessions = cm_report_get_sessions (f->report);
  g_autoptr(CmSessionItem) session = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GListModel) messages = NULL;
  g_autoptr(GError) error = NULL;
  CmMoney sum = 0;
  gint64 previous = 0;

  g_assert_cmpuint (g_list_model_get_n_items (sessions), >, 0);
  session = g_list_model_get_item (sessions, 0);

  cm_report_load_session_async (f->report, cm_session_item_get_session_id (session), NULL,
                                async_result_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  messages = cm_report_load_session_finish (f->report, result, &error);
  g_assert_no_error (error);

  g_assert_cmpuint (g_list_model_get_n_items (messages), ==, cm_session_item_get_totals (session)->messages);
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(CmMessageItem) item = g_list_model_get_item (messages, i);
      const CmCost *cost = cm_message_item_get_cost (item);

      sum += cost->total;
      g_assert_cmpint (cost->input + cost->output + cost->cache_write_5m + cost->cache_write_1h +
                       cost->cache_read + cost->web_search, ==, cost->total);
      g_assert_cmpint (cm_message_item_get_time_ms (item), >=, previous);
      previous = cm_message_item_get_time_ms (item);
    }
  g_assert_cmpint (sum, ==, cm_session_item_get_totals (session)->cost);
}

/* Views come from the rollup until the sessions list is read; then from
 * the cache with sessions alone, the rollup's memory given back, and the
 * figures stay the same. */
static void
test_one_cache (Fixture       *f,
                gconstpointer  data)
{
  const char *one[] = { "claude-haiku-4-5-20251001", NULL };
  g_autoptr(CmReport) report = cm_report_new (f->store, f->filter);
  CmRollupCache *rollup;
  CmTotals before, after;

  g_signal_handlers_disconnect_by_data (f->report, f);
  g_set_object (&f->report, report);
  g_signal_connect (f->report, "updated", G_CALLBACK (updated_cb), f);
  cm_report_set_wanted (f->report, CM_SECTION_OVERVIEW);
  wait_for_update (f);

  rollup = cm_report_get_cache (f->report);
  g_assert_false (cm_rollup_cache_get_sessions (rollup));
  g_assert_cmpuint (cm_rollup_cache_get_n_slices (rollup), >, 0);
  before = *cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE));

  cm_report_set_wanted (f->report, CM_SECTION_SESSIONS);
  wait_for_update (f);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_sessions (f->report)), >, 0);
  g_assert_true (cm_rollup_cache_get_sessions (cm_report_get_cache (f->report)));
  g_assert_cmpuint (cm_rollup_cache_get_n_slices (rollup), ==, 0);

  /* A change, and back: the same figures from the other cache. */
  cm_report_set_wanted (f->report, CM_SECTION_OVERVIEW | CM_SECTION_MODELS);
  cm_filter_set_models (f->filter, one);
  wait_for_update (f);
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_models (f->report)), ==, 1);
  cm_filter_reset_models (f->filter);
  wait_for_update (f);
  after = *cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE));
  g_assert_cmpmem (&before, sizeof before, &after, sizeof after);
  g_assert_cmpuint (cm_rollup_cache_get_n_slices (rollup), ==, 0);
}

/* A copy of one fixture home: appending a line shows up after a rescan. */
static void
test_live_update (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *src = g_build_filename (cm_test_fixtures_dir (), "corpus", "user1", NULL);
  g_autofree char *cmd = g_strdup_printf ("cp -r '%s' '%s'", src, home);
  g_autofree char *find = g_strdup_printf ("find '%s' -name '*.jsonl' -size +1k", home);
  g_autofree char *files = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  g_autofree char *line = NULL;
  g_autofree char *path = NULL;
  const char *none[] = { NULL };
  gint64 before;

  g_assert_true (g_spawn_command_line_sync (cmd, NULL, NULL, NULL, NULL));
  g_assert_true (g_spawn_command_line_sync (find, &files, NULL, NULL, NULL));
  path = g_strndup (files, strcspn (files, "\n"));
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));

  add_home (f, home);
  scan (f);
  f->report = cm_report_new (f->store, f->filter);
  g_signal_connect (f->report, "updated", G_CALLBACK (updated_cb), f);
  wait_for_update (f);
  before = cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE))->messages;
  g_assert_cmpint (before, >, 0);

  /* Away and back: the result for "all models" is now a remembered one. */
  cm_filter_set_models (f->filter, none);
  wait_for_update (f);
  cm_filter_reset_models (f->filter);
  wait_for_update (f);
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE))->messages, ==, before);

  /* A copy of an assistant line under new ids is a new message. */
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL && line == NULL; i++)
    if (strstr (lines[i], "\"type\":\"assistant\"") != NULL && strstr (lines[i], "\"id\":\"msg_") != NULL &&
        strstr (lines[i], "\"requestId\":\"") != NULL)
      {
        g_autoptr(GString) s = g_string_new (lines[i]);

        g_string_replace (s, "\"id\":\"msg_", "\"id\":\"msg_livetest", 1);
        g_string_replace (s, "\"requestId\":\"", "\"requestId\":\"req_livetest", 1);
        line = g_strconcat (s->str, "\n", NULL);
      }
  g_assert_nonnull (line);
  cm_test_append_file (path, line);

  scan (f);  /* the store emits "changed"; the report follows by itself */
  wait_for_update (f);
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE))->messages, ==,
                   before + 1);

  /* Away and back again: what was remembered before the store moved is
   * never shown. */
  cm_filter_set_models (f->filter, none);
  wait_for_update (f);
  cm_filter_reset_models (f->filter);
  wait_for_update (f);
  g_assert_cmpint (cm_group_item_get_totals (cm_report_get_totals (f->report, CM_PERIOD_RANGE))->messages, ==,
                   before + 1);
}

static void
test_empty_store (Fixture       *f,
                  gconstpointer  data)
{
  f->report = cm_report_new (f->store, f->filter);
  g_signal_connect (f->report, "updated", G_CALLBACK (updated_cb), f);
  wait_for_update (f);

  g_assert_true (cm_report_get_store_empty (f->report));
  g_assert_cmpuint (g_list_model_get_n_items (cm_report_get_backends (f->report)), ==, 4);
  g_assert_cmpint (sum_costs (cm_report_get_backends (f->report)), ==, 0);
  g_assert_null (cm_report_get_error (f->report));
}

/* Never the real home: the price override and data folders live there. */
static void
isolate_home (void)
{
  g_autofree char *home = cm_test_make_tmpdir ("home");
  g_autofree char *config = g_build_filename (home, ".config", NULL);
  g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache = g_build_filename (home, ".cache", NULL);

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_unsetenv ("CLAUDE_CONFIG_DIR");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  isolate_home ();

#define ADD(path, setup, func) g_test_add (path, Fixture, NULL, setup, func, teardown)
  ADD ("/model/report/totals-and-backends", setup_corpus, test_totals_and_backends);
  ADD ("/model/report/users", setup_corpus, test_users);
  ADD ("/model/report/models-and-days", setup_corpus, test_models_and_days);
  ADD ("/model/report/filters", setup_corpus, test_filters_change_everything);
  ADD ("/model/report/cards", setup_corpus, test_cards);
  ADD ("/model/report/sections", setup_corpus, test_sections);
  ADD ("/model/report/burst", setup_corpus, test_burst_coalesces);
  ADD ("/model/report/session-messages", setup_corpus, test_session_messages);
  ADD ("/model/report/one-cache", setup_corpus, test_one_cache);
  ADD ("/model/report/live-update", setup_empty, test_live_update);
  ADD ("/model/report/empty-store", setup_empty, test_empty_store);
#undef ADD

  return g_test_run ();
}
