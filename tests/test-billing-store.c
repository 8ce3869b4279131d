/* test-billing-store.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Fast mode and US-only inference from transcript to report: stored per
 * message, a model's fast requests a row of their own in the rollups and in
 * the rollup cache, re-priced with the rest, and read again from transcripts
 * read before the store knew them. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "cm-rollup-cache.h"
#include "cm-scanner.h"
#include "cm-test-schema.h"
#include "cm-test-util.h"

typedef struct
{
  char      *dir;
  char      *session_file;
  char      *db_path;
  CmStore   *store;
  CmPricing *pricing;
  CmScanner *scanner;
} Fixture;

/* Opus 5 fast, Opus 5 US-only, Sonnet 4.5 "fast" (no fast price: unpriced)
 * and the last line's first streamed copy (deduplicated). */
#define LINE(id, ts, model, out, extra) \
  "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"/home/u/shop\",\"timestamp\":\"" ts "\"," \
  "\"requestId\":\"req_" id "\",\"message\":{\"id\":\"msg_" id "\",\"model\":\"" model "\"," \
  "\"usage\":{\"input_tokens\":10,\"output_tokens\":" out ",\"cache_creation_input_tokens\":1000," \
  "\"cache_read_input_tokens\":20000,\"cache_creation\":{\"ephemeral_5m_input_tokens\":0," \
  "\"ephemeral_1h_input_tokens\":1000}" extra "}}}\n"

static const char transcript[] =
  LINE ("01A", "2026-08-10T10:00:00.000Z", "claude-opus-5", "500", ",\"inference_geo\":\"not_available\",\"speed\":\"fast\"")
  LINE ("01B", "2026-08-10T10:01:00.000Z", "claude-opus-5", "500", ",\"inference_geo\":\"us\",\"speed\":\"standard\"")
  LINE ("01C", "2026-08-10T10:02:00.000Z", "claude-sonnet-4-5-20250929", "1", ",\"speed\":\"fast\"")
  LINE ("01C", "2026-08-10T10:02:01.000Z", "claude-sonnet-4-5-20250929", "500", ",\"speed\":\"fast\"")
  "{\"type\":\"assistant\",\"broken\n";

/* Opus 5 at $5/$25, 1h writes $10, reads $0.50: 10 in, 500 out, 1000 1h
 * writes, 20000 reads = 50 x 10^4 + ... in 1e-10 USD. */
#define OPUS_STANDARD (10 * G_GINT64_CONSTANT (50000) + 500 * 250000 + 1000 * 100000 + 20000 * 5000)

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *projects = NULL;

  f->dir = cm_test_make_tmpdir ("billing-store");
  projects = g_build_filename (f->dir, "home", ".claude", "projects", NULL);
  f->session_file = g_build_filename (projects, "-home-u-shop", "s1.jsonl", NULL);
  cm_test_write_file (f->session_file, transcript, -1);
  f->db_path = g_build_filename (f->dir, "db", "costmeter.db", NULL);
  f->store = cm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_builtin (&error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);
  g_assert_true (cm_store_add_source (f->store, projects, "u@example.com", FALSE, &error) > 0);
  g_assert_no_error (error);
}

static void
close_store (Fixture *f)
{
  g_clear_object (&f->scanner);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_finalize_object (f->store);
  f->store = NULL;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  if (f->store != NULL)
    close_store (f);
  g_clear_object (&f->pricing);
  cm_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->session_file);
  g_free (f->db_path);
}

static void
scan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CmScanStats stats;

  g_assert_true (cm_scanner_scan_sync (f->scanner, NULL, &stats, &error));
  g_assert_no_error (error);
}

static const CmGroupRow *
find_row (GPtrArray  *rows,
          const char *model,
          const char *speed)
{
  for (guint i = 0; i < rows->len; i++)
    {
      const CmGroupRow *row = g_ptr_array_index (rows, i);

      if (g_strcmp0 (row->key, model) == 0 && g_strcmp0 (row->speed, speed) == 0)
        return row;
    }

  return NULL;
}

/* The store's rows and the rollup cache's, the same. */
static void
assert_model_rows (Fixture *f,
                   CmMoney  fast_cost)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = cm_store_query_groups (f->store, NULL, CM_GROUP_MODEL, CM_GROUP_NONE, &error);
  g_autoptr(CmRollupCache) cache = cm_rollup_cache_new (f->store, FALSE);
  const CmGrouping grouping = { CM_GROUP_MODEL, CM_GROUP_NONE };
  GPtrArray *cached = NULL;
  const CmGroupRow *fast, *standard, *sonnet;

  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 3);
  fast = find_row (rows, "claude-opus-5", "fast");
  standard = find_row (rows, "claude-opus-5", NULL);
  sonnet = find_row (rows, "claude-sonnet-4-5-20250929", "fast");
  g_assert_nonnull (fast);
  g_assert_nonnull (standard);
  g_assert_nonnull (sonnet);
  g_assert_cmpint (fast->totals.messages, ==, 1);
  g_assert_cmpint (fast->totals.cost, ==, fast_cost);
  g_assert_cmpint (standard->totals.cost, ==, OPUS_STANDARD * 11 / 10);
  g_assert_cmpint (sonnet->totals.unpriced, ==, 1);
  g_assert_cmpint (sonnet->totals.cost, ==, 0);
  g_assert_cmpint (sonnet->totals.output, ==, 500);

  g_assert_true (cm_rollup_cache_query (cache, NULL, &grouping, 1, &cached, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (cached->len, ==, rows->len);
  for (guint i = 0; i < rows->len; i++)
    {
      const CmGroupRow *a = g_ptr_array_index (rows, i), *b = g_ptr_array_index (cached, i);

      g_assert_cmpstr (a->key, ==, b->key);
      g_assert_cmpstr (a->speed, ==, b->speed);
      g_assert_cmpmem (&a->totals, sizeof a->totals, &b->totals, sizeof b->totals);
    }
  g_ptr_array_unref (cached);
}

static void
test_speed_rows (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  CmTotals totals;

  scan (f);
  assert_model_rows (f, 2 * OPUS_STANDARD);

  messages = cm_store_query_session_messages (f->store, "s1", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (((CmMessageRow *) g_ptr_array_index (messages, 0))->speed, ==, "fast");
  g_assert_null (((CmMessageRow *) g_ptr_array_index (messages, 0))->inference_geo);
  g_assert_null (((CmMessageRow *) g_ptr_array_index (messages, 1))->speed);
  g_assert_cmpstr (((CmMessageRow *) g_ptr_array_index (messages, 1))->inference_geo, ==, "us");

  /* A model filter takes the model at every speed. */
  filter->models_set = TRUE;
  filter->models = g_strsplit ("claude-opus-5", ",", -1);
  g_assert_true (cm_store_query_totals (f->store, filter, &totals, &error));
  g_assert_cmpint (totals.messages, ==, 2);
  g_assert_cmpint (totals.cost, ==, 2 * OPUS_STANDARD + OPUS_STANDARD * 11 / 10);
}

/* A new fast multiplier re-prices the fast requests, and only them. */
static void
test_reprice (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) json = NULL;
  const char *override =
    "{\"models\": {\"claude-opus-5\": {\"input\": 5, \"output\": 25, \"cache_write_5m\": 6.25,"
    " \"cache_write_1h\": 10, \"cache_read\": 0.5, \"speed\": {\"fast\": 3}}}}";

  scan (f);
  json = g_bytes_new_static (override, strlen (override));
  g_assert_true (cm_pricing_merge_bytes (f->pricing, json, &error));
  g_assert_no_error (error);
  g_assert_cmpint (cm_store_reprice (f->store, f->pricing, &error), ==, 1);
  g_assert_no_error (error);
  assert_model_rows (f, 3 * OPUS_STANDARD);
}

/* A database of schema 5 knew no speed: opening it reads every file once
 * more, and the fast line is fast again, counted once. */
static void
test_migrate_reads_again (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  scan (f);
  close_store (f);
  cm_test_revert_billing_modes (f->db_path);

  f->store = cm_store_open (f->db_path, &error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);
  /* Not known yet: priced as it was stored, standard. */
  {
    g_autoptr(GPtrArray) rows = cm_store_query_groups (f->store, NULL, CM_GROUP_MODEL, CM_GROUP_NONE, &error);
    g_assert_cmpuint (rows->len, ==, 2);
  }

  scan (f);
  g_assert_true (cm_store_reprice (f->store, f->pricing, &error) >= 0);
  assert_model_rows (f, 2 * OPUS_STANDARD);
  g_assert_cmpint (cm_store_count_skipped_lines (f->store, &error), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = cm_test_make_tmpdir ("billing-store-home");

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/billing-store/speed-rows", Fixture, NULL, fixture_set_up, test_speed_rows, fixture_tear_down);
  g_test_add ("/billing-store/reprice", Fixture, NULL, fixture_set_up, test_reprice, fixture_tear_down);
  g_test_add ("/billing-store/migrate-reads-again", Fixture, NULL, fixture_set_up,
              test_migrate_reads_again, fixture_tear_down);

  return g_test_run ();
}
