/* test-rollup-cache.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-memory rollup cache must give exactly what the store's SQL gives,
 * for every filter and grouping: the store is the reference.
 */

#include "config.h"

#include <gio/gio.h>

#include "cm-pricing.h"
#include "cm-rollup-cache.h"
#include "cm-scanner.h"
#include "cm-store.h"
#include "cm-test-util.h"

typedef struct
{
  char          *dir;
  CmStore       *store;
  CmPricing     *pricing;
  CmScanner     *scanner;
  CmRollupCache *rollup;
  CmRollupCache *sessions;
} Fixture;

static void
scan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CmScanStats stats;

  g_assert_true (cm_scanner_scan_sync (f->scanner, NULL, &stats, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autofree char *db_path = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;

  f->dir = cm_test_make_tmpdir ("rollup-cache");
  db_path = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (db_path, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_default (&error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);

  dir = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *home = g_build_filename (corpus, name, NULL);

      g_assert_cmpint (cm_store_add_source (f->store, home, NULL, FALSE, &error), >, 0);
      g_assert_no_error (error);
    }
  scan (f);

  f->rollup = cm_rollup_cache_new (f->store, FALSE);
  f->sessions = cm_rollup_cache_new (f->store, TRUE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->rollup);
  g_assert_finalize_object (f->sessions);
  g_clear_object (&f->scanner);
  g_clear_object (&f->pricing);
  g_assert_finalize_object (f->store);
  g_free (f->dir);
}

static void
assert_totals_equal (const CmTotals *a,
                     const CmTotals *b)
{
  g_assert_cmpmem (a, sizeof *a, b, sizeof *b);
}

static void
assert_rows_equal (GPtrArray *expected,
                   GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const CmGroupRow *e = g_ptr_array_index (expected, i);
      const CmGroupRow *g = g_ptr_array_index (got, i);

      g_assert_cmpstr (g->key, ==, e->key);
      g_assert_cmpstr (g->key2, ==, e->key2);
      assert_totals_equal (&g->totals, &e->totals);
    }
}

static void
assert_sessions_equal (GPtrArray *expected,
                       GPtrArray *got)
{
  g_assert_cmpuint (got->len, ==, expected->len);
  for (guint i = 0; i < expected->len; i++)
    {
      const CmSessionRow *e = g_ptr_array_index (expected, i);
      const CmSessionRow *g = g_ptr_array_index (got, i);

      g_assert_cmpstr (g->session_id, ==, e->session_id);
      g_assert_cmpstr (g->project, ==, e->project);
      g_assert_cmpstr (g->user, ==, e->user);
      g_assert_cmpstr (g->models, ==, e->models);
      assert_totals_equal (&g->totals, &e->totals);
    }
}

static const CmGroupBy all_groups[] = {
  CM_GROUP_NONE, CM_GROUP_DAY, CM_GROUP_MONTH, CM_GROUP_SESSION, CM_GROUP_MODEL,
  CM_GROUP_BACKEND, CM_GROUP_USER, CM_GROUP_PROJECT,
};

/* Every grouping pair at once through the cache, each against its query. */
static guint
compare_all (Fixture             *f,
             const CmQueryFilter *filter)
{
  g_autoptr(GArray) groupings = g_array_new (FALSE, FALSE, sizeof (CmGrouping));
  g_autoptr(GError) error = NULL;
  g_autofree GPtrArray **cached = NULL;
  g_autofree GPtrArray **cached_s = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GPtrArray) sessions_cached = NULL;
  CmTotals expected, got;
  guint n_rows = 0;

  for (guint i = 0; i < G_N_ELEMENTS (all_groups); i++)
    for (guint j = 0; j < G_N_ELEMENTS (all_groups); j++)
      {
        CmGrouping g = { all_groups[i], all_groups[j] };

        if (g.primary != CM_GROUP_SESSION && g.secondary != CM_GROUP_SESSION)
          g_array_append_val (groupings, g);
      }

  cached = g_new0 (GPtrArray *, groupings->len + G_N_ELEMENTS (all_groups));
  cm_rollup_cache_query (f->rollup, filter, (CmGrouping *) groupings->data, groupings->len, cached, &error);
  g_assert_no_error (error);

  /* The cache with sessions answers the same, and session groupings too. */
  for (guint i = 0; i < G_N_ELEMENTS (all_groups); i++)
    {
      CmGrouping g = { CM_GROUP_SESSION, all_groups[i] };

      g_array_append_val (groupings, g);
    }
  cached_s = g_new0 (GPtrArray *, groupings->len);
  cm_rollup_cache_query (f->sessions, filter, (CmGrouping *) groupings->data, groupings->len, cached_s, &error);
  g_assert_no_error (error);

  for (guint i = 0; i < groupings->len; i++)
    {
      const CmGrouping *g = &g_array_index (groupings, CmGrouping, i);
      g_autoptr(GPtrArray) rows = cm_store_query_groups (f->store, filter, g->primary, g->secondary, &error);

      g_assert_no_error (error);
      if (g->primary != CM_GROUP_SESSION)
        assert_rows_equal (rows, cached[i]);
      assert_rows_equal (rows, cached_s[i]);
      n_rows += rows->len;
      g_clear_pointer (&cached[i], g_ptr_array_unref);
      g_clear_pointer (&cached_s[i], g_ptr_array_unref);
    }

  g_assert_true (cm_store_query_totals (f->store, filter, &expected, &error));
  g_assert_true (cm_rollup_cache_query_totals (f->rollup, filter, &got, &error));
  g_assert_no_error (error);
  assert_totals_equal (&expected, &got);

  sessions = cm_store_query_sessions (f->store, filter, &error);
  g_assert_no_error (error);
  sessions_cached = cm_rollup_cache_query_sessions (f->sessions, filter, &error);
  g_assert_no_error (error);
  assert_sessions_equal (sessions, sessions_cached);

  return n_rows;
}

static char **
strv_of (const char *a,
         const char *b)
{
  const char *v[] = { a, b, NULL };

  return g_strdupv ((char **) v);
}

static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  const char *zones[] = { "UTC", "America/New_York", "Asia/Kathmandu", "Pacific/Chatham", NULL };
  g_autoptr(GPtrArray) models = NULL;
  g_autoptr(GPtrArray) users = NULL;
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GError) error = NULL;
  guint n_rows = 0;

  models = cm_store_query_groups (f->store, NULL, CM_GROUP_MODEL, CM_GROUP_NONE, &error);
  users = cm_store_query_groups (f->store, NULL, CM_GROUP_USER, CM_GROUP_NONE, &error);
  sessions = cm_store_query_sessions (f->store, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (models->len, >=, 4);
  g_assert_cmpuint (users->len, >=, 3);
  g_assert_cmpuint (sessions->len, >=, 3);

  /* Nothing set: everything. */
  n_rows += compare_all (f, NULL);

  for (guint z = 0; zones[z] != NULL; z++)
    {
      g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
      const CmSessionRow *session = g_ptr_array_index (sessions, z % sessions->len);

      filter->timezone = g_strdup (zones[z]);
      n_rows += compare_all (f, filter);

      /* A range in the middle of the corpus: its edges cut days. */
      filter->since = g_strdup ("2026-09-05");
      filter->until = g_strdup ("2026-09-15");
      n_rows += compare_all (f, filter);
      g_clear_pointer (&filter->until, g_free);
      n_rows += compare_all (f, filter);

      /* Models: one, two, none (the trichotomy). */
      filter->models_set = TRUE;
      filter->models = strv_of (((CmGroupRow *) g_ptr_array_index (models, 0))->key, NULL);
      n_rows += compare_all (f, filter);
      g_strfreev (filter->models);
      filter->models = strv_of (((CmGroupRow *) g_ptr_array_index (models, 1))->key,
                                ((CmGroupRow *) g_ptr_array_index (models, 3))->key);
      g_clear_pointer (&filter->since, g_free);
      n_rows += compare_all (f, filter);
      g_clear_pointer (&filter->models, g_strfreev);
      compare_all (f, filter);
      filter->models_set = FALSE;

      /* Backends. */
      filter->backends_set = TRUE;
      filter->backends = (1u << CM_BACKEND_BEDROCK) | (1u << CM_BACKEND_VERTEX);
      n_rows += compare_all (f, filter);
      filter->backends = 0;
      compare_all (f, filter);
      filter->backends_set = FALSE;

      /* Users, with and without the unattributed. */
      filter->users_set = TRUE;
      filter->users = strv_of (((CmGroupRow *) g_ptr_array_index (users, 0))->key, CM_UNATTRIBUTED_KEY);
      n_rows += compare_all (f, filter);
      g_strfreev (filter->users);
      filter->users = strv_of (((CmGroupRow *) g_ptr_array_index (users, 1))->key, "nobody@example.com");
      n_rows += compare_all (f, filter);
      g_clear_pointer (&filter->users, g_strfreev);
      filter->users_set = FALSE;

      /* Project substrings: case folds like SQLite's lower (). */
      filter->project = g_strdup ("SRC");
      n_rows += compare_all (f, filter);
      g_free (filter->project);
      filter->project = g_strdup ("no such project");
      compare_all (f, filter);
      g_clear_pointer (&filter->project, g_free);

      /* One session (the sessions cache only: the rollup has none). */
      filter->session_id = g_strdup (session->session_id);
      {
        g_autoptr(GPtrArray) expected = cm_store_query_sessions (f->store, filter, &error);
        g_autoptr(GPtrArray) got = cm_rollup_cache_query_sessions (f->sessions, filter, &error);
        CmGrouping g = { CM_GROUP_DAY, CM_GROUP_MODEL };
        g_autoptr(GPtrArray) rows = cm_store_query_groups (f->store, filter, g.primary, g.secondary, &error);
        GPtrArray *cached = NULL;

        g_assert_no_error (error);
        g_assert_cmpuint (expected->len, ==, 1);
        assert_sessions_equal (expected, got);
        g_assert_true (cm_rollup_cache_query (f->sessions, filter, &g, 1, &cached, &error));
        assert_rows_equal (rows, cached);
        g_ptr_array_unref (cached);
        g_assert_false (cm_rollup_cache_query (f->rollup, filter, &g, 1, &cached, &error));
        g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
        g_clear_error (&error);
      }
    }

  /* The comparisons saw real data, not empty results. */
  g_assert_cmpuint (n_rows, >, 1000);
  g_assert_cmpuint (cm_rollup_cache_get_n_slices (f->rollup), >, 0);
  g_assert_cmpuint (cm_rollup_cache_get_n_slices (f->sessions), >=, cm_rollup_cache_get_n_slices (f->rollup));
}

static void
test_errors (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GError) error = NULL;
  CmGrouping by_session = { CM_GROUP_SESSION, CM_GROUP_NONE };
  GPtrArray *rows = NULL;
  CmTotals totals;

  g_assert_false (cm_rollup_cache_query (f->rollup, NULL, &by_session, 1, &rows, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_assert_null (rows);
  g_clear_error (&error);
  g_assert_null (cm_rollup_cache_query_sessions (f->rollup, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* A bad filter fails as the store's query does. */
  filter->since = g_strdup ("2026-13-45");
  g_assert_false (cm_store_query_totals (f->store, filter, &totals, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_false (cm_rollup_cache_query_totals (f->rollup, filter, &totals, &error));
  g_assert_nonnull (error);
}

/* New lines move the store's generation: the next query reads them. */
static void
test_reload (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *file = g_build_filename (home, ".claude", "projects", "-tmp-new", "s-new.jsonl", NULL);
  g_autoptr(GError) error = NULL;
  CmTotals before, after;

  g_assert_true (cm_rollup_cache_query_totals (f->rollup, NULL, &before, &error));
  g_assert_no_error (error);
  compare_all (f, NULL);

  cm_test_write_file (file,
                      "{\"type\":\"assistant\",\"sessionId\":\"s-new\",\"cwd\":\"/tmp/new\","
                      "\"timestamp\":\"2026-09-10T10:00:00Z\",\"requestId\":\"req_new1\","
                      "\"message\":{\"id\":\"msg_new1\",\"model\":\"claude-sonnet-4-5-20250929\","
                      "\"usage\":{\"input_tokens\":1000,\"output_tokens\":200,"
                      "\"cache_read_input_tokens\":5000}}}\n"
                      /* On the stroke of midnight: the edge of a date range. */
                      "{\"type\":\"assistant\",\"sessionId\":\"s-new\",\"cwd\":\"/tmp/new\","
                      "\"timestamp\":\"2026-09-16T00:00:00Z\",\"requestId\":\"req_new2\","
                      "\"message\":{\"id\":\"msg_new2\",\"model\":\"claude-sonnet-4-5-20250929\","
                      "\"usage\":{\"input_tokens\":7,\"output_tokens\":3}}}\n", -1);
  g_assert_cmpint (cm_store_add_source (f->store, home, "new@example.com", FALSE, &error), >, 0);
  g_assert_no_error (error);
  scan (f);

  g_assert_true (cm_rollup_cache_query_totals (f->rollup, NULL, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (after.messages, ==, before.messages + 2);
  g_assert_cmpint (after.input, ==, before.input + 1007);
  g_assert_cmpint (after.cache_read, ==, before.cache_read + 5000);
  compare_all (f, NULL);

  {
    g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();

    filter->timezone = g_strdup ("UTC");
    filter->until = g_strdup ("2026-09-15");
    compare_all (f, filter);
    g_clear_pointer (&filter->until, g_free);
    filter->since = g_strdup ("2026-09-16");
    compare_all (f, filter);
  }
}

/* A quarter hour of one session with more tokens than 32 bits hold: the
 * cache keeps such a slice whole, and its sums stay exact. */
static void
test_wide (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *home = g_build_filename (f->dir, "home", NULL);
  g_autofree char *file = g_build_filename (home, ".claude", "projects", "-tmp-big", "s-big.jsonl", NULL);
  g_autoptr(GString) lines = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  CmTotals before, after;

  g_assert_true (cm_rollup_cache_query_totals (f->rollup, NULL, &before, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < 5; i++)
    g_string_append_printf (lines,
                            "{\"type\":\"assistant\",\"sessionId\":\"s-big\",\"cwd\":\"/tmp/big\","
                            "\"timestamp\":\"2026-09-10T10:0%u:00Z\",\"requestId\":\"req_big%u\","
                            "\"message\":{\"id\":\"msg_big%u\",\"model\":\"claude-sonnet-4-5-20250929\","
                            "\"usage\":{\"input_tokens\":3,\"output_tokens\":900000000,"
                            "\"cache_read_input_tokens\":900000000}}}\n", i, i, i);
  cm_test_write_file (file, lines->str, -1);
  g_assert_cmpint (cm_store_add_source (f->store, home, "big@example.com", FALSE, &error), >, 0);
  g_assert_no_error (error);
  scan (f);

  g_assert_true (cm_rollup_cache_query_totals (f->rollup, NULL, &after, &error));
  g_assert_no_error (error);
  g_assert_cmpint (after.cache_read - before.cache_read, ==, G_GINT64_CONSTANT (4500000000));
  g_assert_cmpint (after.output - before.output, ==, G_GINT64_CONSTANT (4500000000));
  compare_all (f, NULL);
}

typedef struct
{
  Fixture *f;
  guint    seed;
} Worker;

static gpointer
worker_thread (gpointer data)
{
  Worker *w = data;
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  const char *zones[] = { "UTC", "Europe/Berlin", "Asia/Tokyo" };

  for (guint i = 0; i < 20; i++)
    {
      CmGrouping g[2] = { { CM_GROUP_DAY, CM_GROUP_BACKEND }, { CM_GROUP_USER, CM_GROUP_MODEL } };
      GPtrArray *cached[2] = { NULL, NULL };
      g_autoptr(GError) error = NULL;

      g_free (filter->timezone);
      filter->timezone = g_strdup (zones[(w->seed + i) % G_N_ELEMENTS (zones)]);
      g_assert_true (cm_rollup_cache_query (w->f->rollup, filter, g, 2, cached, &error));
      g_assert_no_error (error);
      for (guint k = 0; k < 2; k++)
        {
          g_autoptr(GPtrArray) rows = cm_store_query_groups (w->f->store, filter, g[k].primary,
                                                             g[k].secondary, &error);

          assert_rows_equal (rows, cached[k]);
          g_ptr_array_unref (cached[k]);
        }
    }

  return NULL;
}

/* Report workers query from two threads at once. */
static void
test_threads (Fixture       *f,
              gconstpointer  data)
{
  Worker workers[4];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      workers[i] = (Worker) { f, i };
      threads[i] = g_thread_new ("query", worker_thread, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (cm_test_fixtures_dir () == NULL)
    return g_test_run ();

  g_test_add ("/rollup-cache/filters", Fixture, NULL, fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/rollup-cache/errors", Fixture, NULL, fixture_set_up, test_errors, fixture_tear_down);
  g_test_add ("/rollup-cache/reload", Fixture, NULL, fixture_set_up, test_reload, fixture_tear_down);
  g_test_add ("/rollup-cache/wide", Fixture, NULL, fixture_set_up, test_wide, fixture_tear_down);
  g_test_add ("/rollup-cache/threads", Fixture, NULL, fixture_set_up, test_threads, fixture_tear_down);

  return g_test_run ();
}
