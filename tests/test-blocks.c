/* test-blocks.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * 5-hour blocks from the rollups: their boundaries (a block opens on its first
 * message's hour, the first message at or after its end opens the next, long
 * pauses are not blocks), zones with half-hour offsets and DST changes, the
 * filters, the burn rate and projection, and the same blocks as a walk over
 * every message of the fixture corpus.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>

#include "cm-scanner.h"
#include "cm-store.h"
#include "cm-test-util.h"

/* A price table of our own: the figures below follow from it alone. */
static const char prices[] =
  "{\"version\": 1, \"verified\": \"2026-11-01\", \"currency\": \"USD\","
  " \"long_context_threshold\": 200000, \"web_search_per_1000\": 10,"
  " \"estimated_backends\": [\"bedrock\", \"vertex\"],"
  " \"models\": {"
  "  \"claude-sonnet-4-5\": {\"input\": 3, \"output\": 15, \"cache_write_5m\": 3.75,"
  "   \"cache_write_1h\": 6, \"cache_read\": 0.3},"
  "  \"claude-haiku-4-5\": {\"input\": 1, \"output\": 5, \"cache_write_5m\": 1.25,"
  "   \"cache_write_1h\": 2, \"cache_read\": 0.1}}}";

typedef struct
{
  char      *dir;
  char      *file;      /* the one transcript */
  CmStore   *store;
  CmPricing *pricing;
  CmScanner *scanner;
  guint      n_lines;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new_static (prices, sizeof prices - 1);
  g_autofree char *home = NULL;
  g_autofree char *db = NULL;

  f->dir = cm_test_make_tmpdir ("blocks");
  home = g_build_filename (f->dir, "home", NULL);
  f->file = g_build_filename (home, ".claude", "projects", "-home-t-proj", "s1.jsonl", NULL);
  db = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (db, &error);
  g_assert_no_error (error);
  f->pricing = cm_pricing_new_from_bytes (bytes, &error);
  g_assert_no_error (error);
  f->scanner = cm_scanner_new (f->store, f->pricing);
  g_assert_cmpint (cm_store_add_source (f->store, home, "t@example.com", FALSE, &error), >, 0);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_clear_object (&f->scanner);
  g_clear_object (&f->pricing);
  g_assert_finalize_object (f->store);
  g_free (f->file);
  g_free (f->dir);
}

static gint64
ms (const char *iso)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  g_assert_nonnull (dt);
  return g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000;
}

/* One assistant message of @input input and @output output tokens. */
static void
add_message (Fixture    *f,
             const char *iso,
             const char *model,
             gint64      input,
             gint64      output)
{
  g_autofree char *line = NULL;
  guint n = ++f->n_lines;

  line = g_strdup_printf ("{\"type\":\"assistant\",\"uuid\":\"u-%u\",\"sessionId\":\"s1\","
                          "\"cwd\":\"/home/t/proj\",\"timestamp\":\"%s\",\"requestId\":\"req_%u\","
                          "\"message\":{\"id\":\"msg_%u\",\"model\":\"%s\",\"usage\":{"
                          "\"input_tokens\":%" G_GINT64_FORMAT ",\"output_tokens\":%" G_GINT64_FORMAT "}}}\n",
                          n, iso, n, n, model, input, output);
  if (n == 1)
    cm_test_write_file (f->file, line, -1);
  else
    cm_test_append_file (f->file, line);
}

static void
scan (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  CmScanStats stats;

  g_assert_true (cm_scanner_scan_sync (f->scanner, NULL, &stats, &error));
  g_assert_no_error (error);
}

static GPtrArray *
blocks (Fixture             *f,
        const CmQueryFilter *filter)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *result = cm_store_query_blocks (f->store, filter, &error);

  g_assert_no_error (error);
  g_assert_nonnull (result);

  return result;
}

static const CmBlock *
block_at (GPtrArray *list,
          guint      i)
{
  g_assert_cmpuint (i, <, list->len);
  return g_ptr_array_index (list, i);
}

static void
assert_block (const CmBlock *b,
              const char    *start,
              const char    *end,
              gint64         messages,
              const char    *first,
              const char    *last)
{
  g_assert_cmpint (b->start_ms, ==, ms (start));
  g_assert_cmpint (b->end_ms, ==, ms (end));
  g_assert_cmpint (b->totals.messages, ==, messages);
  g_assert_cmpint (b->totals.first_ms, ==, ms (first));
  g_assert_cmpint (b->totals.last_ms, ==, ms (last));
}

static void
test_boundaries (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GPtrArray) list = NULL;

  add_message (f, "2026-03-02T10:47:00.000Z", "claude-sonnet-4-5", 100, 10);
  add_message (f, "2026-03-02T11:30:00.000Z", "claude-sonnet-4-5", 100, 10);
  add_message (f, "2026-03-02T14:59:59.999Z", "claude-sonnet-4-5", 100, 10);
  /* Exactly the first block's end: a new block (ccusage keeps it in the old). */
  add_message (f, "2026-03-02T15:00:00.000Z", "claude-sonnet-4-5", 100, 10);
  add_message (f, "2026-03-02T19:59:00.000Z", "claude-sonnet-4-5", 100, 10);
  /* Past the second block's end, 1 minute after its last message. */
  add_message (f, "2026-03-02T20:00:00.000Z", "claude-sonnet-4-5", 100, 10);
  scan (f);

  list = blocks (f, NULL);
  g_assert_cmpuint (list->len, ==, 3);
  assert_block (block_at (list, 0), "2026-03-02T10:00:00Z", "2026-03-02T15:00:00Z", 3,
                "2026-03-02T10:47:00Z", "2026-03-02T14:59:59.999Z");
  assert_block (block_at (list, 1), "2026-03-02T15:00:00Z", "2026-03-02T20:00:00Z", 2,
                "2026-03-02T15:00:00Z", "2026-03-02T19:59:00Z");
  assert_block (block_at (list, 2), "2026-03-02T20:00:00Z", "2026-03-03T01:00:00Z", 1,
                "2026-03-02T20:00:00Z", "2026-03-02T20:00:00Z");
  g_assert_cmpstr (block_at (list, 0)->models, ==, "claude-sonnet-4-5");
  g_assert_cmpint (block_at (list, 0)->totals.input, ==, 300);
  g_assert_cmpint (block_at (list, 0)->totals.output, ==, 30);
}

static void
test_gaps (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GPtrArray) later = NULL;
  g_autoptr(GError) error = NULL;

  add_message (f, "2026-03-02T10:47:00Z", "claude-sonnet-4-5", 100, 10);
  /* 7 hours later: a new block on its own hour; the pause is no block. */
  add_message (f, "2026-03-02T17:47:00Z", "claude-sonnet-4-5", 100, 10);
  /* 4 h 43 min after the last message, but past its block's end (22:00). */
  add_message (f, "2026-03-02T22:30:00Z", "claude-sonnet-4-5", 100, 10);
  scan (f);

  list = blocks (f, NULL);
  g_assert_cmpuint (list->len, ==, 3);
  assert_block (block_at (list, 0), "2026-03-02T10:00:00Z", "2026-03-02T15:00:00Z", 1,
                "2026-03-02T10:47:00Z", "2026-03-02T10:47:00Z");
  assert_block (block_at (list, 1), "2026-03-02T17:00:00Z", "2026-03-02T22:00:00Z", 1,
                "2026-03-02T17:47:00Z", "2026-03-02T17:47:00Z");
  assert_block (block_at (list, 2), "2026-03-02T22:00:00Z", "2026-03-03T03:00:00Z", 1,
                "2026-03-02T22:30:00Z", "2026-03-02T22:30:00Z");

  /* Read from the middle, the blocks are the same. */
  later = cm_store_query_blocks_between (f->store, NULL, ms ("2026-03-02T16:00:00Z"), G_MAXINT64, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (later->len, ==, 2);
  g_assert_cmpint (block_at (later, 0)->start_ms, ==, ms ("2026-03-02T17:00:00Z"));
  g_assert_cmpint (block_at (later, 1)->start_ms, ==, ms ("2026-03-02T22:00:00Z"));
}

/* Back-to-back blocks: where the last ones start depends on the first
 * message hours earlier, and a read from the middle must find it. */
static void
test_chain (Fixture       *f,
            gconstpointer  data)
{
  const char *times[] = { "2026-03-02T10:47:00Z", "2026-03-02T14:50:00Z", "2026-03-02T15:10:00Z",
                          "2026-03-02T19:55:00Z", "2026-03-02T20:05:00Z", "2026-03-03T00:40:00Z" };
  const char *starts[] = { "2026-03-02T10:00:00Z", "2026-03-02T15:00:00Z", "2026-03-02T20:00:00Z" };
  g_autoptr(GPtrArray) list = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (times); i++)
    add_message (f, times[i], "claude-sonnet-4-5", 100, 10);
  scan (f);

  list = blocks (f, NULL);
  g_assert_cmpuint (list->len, ==, G_N_ELEMENTS (starts));
  for (guint i = 0; i < G_N_ELEMENTS (starts); i++)
    g_assert_cmpint (block_at (list, i)->start_ms, ==, ms (starts[i]));
  g_assert_cmpint (block_at (list, 2)->totals.messages, ==, 2);

  /* A message at 00:40 the next day lies in the block that began at 20:00,
   * although its own hour would start a block at 00:00. */
  for (gint64 from = ms ("2026-03-02T09:00:00Z"); from <= ms ("2026-03-03T01:00:00Z"); from += 15 * 60000)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) part = cm_store_query_blocks_between (f->store, NULL, from, G_MAXINT64, &error);
      guint skipped = 0;

      g_assert_no_error (error);
      while (skipped < list->len && block_at (list, skipped)->start_ms < from)
        skipped++;
      g_assert_cmpuint (part->len, ==, list->len - skipped);
      for (guint i = 0; i < part->len; i++)
        g_assert_cmpmem (&block_at (part, i)->totals, sizeof (CmTotals),
                         &block_at (list, skipped + i)->totals, sizeof (CmTotals));
    }
}

/* Blocks start on whole UTC hours whatever the zone: at half past in India
 * and at quarter to in Nepal. The zone decides the days a date range means. */
static void
test_half_hour_zones (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GPtrArray) utc = NULL;
  g_autoptr(GPtrArray) india = NULL;
  g_autoptr(GPtrArray) nepal = NULL;
  g_autoptr(GTimeZone) kolkata = g_time_zone_new_identifier ("Asia/Kolkata");
  g_autoptr(GDateTime) start = NULL;

  g_assert_nonnull (kolkata);
  /* 18:40Z is 00:10 on 2 March in India (+05:30), 00:25 in Nepal (+05:45);
   * its block starts at 18:00Z, 23:30 and 23:45 on 1 March there. */
  add_message (f, "2026-03-01T18:40:00Z", "claude-sonnet-4-5", 100, 10);
  add_message (f, "2026-03-02T05:10:00Z", "claude-sonnet-4-5", 100, 10);
  scan (f);

  utc = blocks (f, NULL);
  g_assert_cmpuint (utc->len, ==, 2);
  g_assert_cmpint (block_at (utc, 0)->start_ms, ==, ms ("2026-03-01T18:00:00Z"));
  g_assert_cmpint (block_at (utc, 1)->start_ms, ==, ms ("2026-03-02T05:00:00Z"));

  /* In India the first block runs from 23:30 on 1 March: a range of 2 March
   * holds only the second (its first message's day does not matter). */
  start = g_date_time_new_from_unix_utc (block_at (utc, 0)->start_ms / 1000);
  {
    g_autoptr(GDateTime) local = g_date_time_to_timezone (start, kolkata);
    g_autofree char *text = g_date_time_format (local, "%Y-%m-%d %H:%M");

    g_assert_cmpstr (text, ==, "2026-03-01 23:30");
  }
  filter->timezone = g_strdup ("Asia/Kolkata");
  filter->since = g_strdup ("2026-03-02");
  filter->until = g_strdup ("2026-03-02");
  india = blocks (f, filter);
  g_assert_cmpuint (india->len, ==, 1);
  g_assert_cmpint (block_at (india, 0)->start_ms, ==, ms ("2026-03-02T05:00:00Z"));

  /* In Nepal (+05:45) 18:00Z is 23:45 on 1 March: the same. */
  g_free (filter->timezone);
  filter->timezone = g_strdup ("Asia/Kathmandu");
  nepal = blocks (f, filter);
  g_assert_cmpuint (nepal->len, ==, 1);

  /* In UTC both start on their own days. */
  g_free (filter->timezone);
  filter->timezone = g_strdup ("UTC");
  g_free (filter->since);
  filter->since = g_strdup ("2026-03-01");
  g_free (filter->until);
  filter->until = g_strdup ("2026-03-01");
  g_ptr_array_unref (nepal);
  nepal = blocks (f, filter);
  g_assert_cmpuint (nepal->len, ==, 1);
  g_assert_cmpint (block_at (nepal, 0)->start_ms, ==, ms ("2026-03-01T18:00:00Z"));
}

/* A block lasts 5 real hours, across a change of the clocks too. */
static void
test_dst (Fixture       *f,
          gconstpointer  data)
{
  g_autoptr(GPtrArray) list = NULL;

  /* New York springs forward at 02:00 EST on 8 March 2026 (07:00Z). */
  add_message (f, "2026-03-08T05:30:00Z", "claude-sonnet-4-5", 100, 10);  /* 00:30 EST */
  add_message (f, "2026-03-08T09:45:00Z", "claude-sonnet-4-5", 100, 10);  /* 05:45 EDT */
  add_message (f, "2026-03-08T10:00:00Z", "claude-sonnet-4-5", 100, 10);  /* 06:00 EDT */
  /* And falls back at 02:00 EDT on 1 November (06:00Z). */
  add_message (f, "2026-11-01T04:10:00Z", "claude-sonnet-4-5", 100, 10);  /* 00:10 EDT */
  add_message (f, "2026-11-01T08:50:00Z", "claude-sonnet-4-5", 100, 10);  /* 03:50 EST */
  add_message (f, "2026-11-01T09:00:00Z", "claude-sonnet-4-5", 100, 10);  /* 04:00 EST */
  scan (f);

  list = blocks (f, NULL);
  g_assert_cmpuint (list->len, ==, 4);
  /* 00:00 EST to 06:00 EDT on the wall clock: 5 hours, 2 messages. */
  assert_block (block_at (list, 0), "2026-03-08T05:00:00Z", "2026-03-08T10:00:00Z", 2,
                "2026-03-08T05:30:00Z", "2026-03-08T09:45:00Z");
  assert_block (block_at (list, 1), "2026-03-08T10:00:00Z", "2026-03-08T15:00:00Z", 1,
                "2026-03-08T10:00:00Z", "2026-03-08T10:00:00Z");
  /* 00:00 EDT to 04:00 EST: 5 hours again. */
  assert_block (block_at (list, 2), "2026-11-01T04:00:00Z", "2026-11-01T09:00:00Z", 2,
                "2026-11-01T04:10:00Z", "2026-11-01T08:50:00Z");
  assert_block (block_at (list, 3), "2026-11-01T09:00:00Z", "2026-11-01T14:00:00Z", 1,
                "2026-11-01T09:00:00Z", "2026-11-01T09:00:00Z");
}

/* Filters choose the messages that make the blocks. */
static void
test_filters (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GPtrArray) haiku = NULL;
  g_autoptr(GPtrArray) none = NULL;
  g_autoptr(GPtrArray) nobody = NULL;

  add_message (f, "2026-03-02T10:10:00Z", "claude-sonnet-4-5", 100, 10);
  add_message (f, "2026-03-02T14:30:00Z", "claude-haiku-4-5", 100, 10);
  add_message (f, "2026-03-02T15:20:00Z", "claude-sonnet-4-5", 100, 10);
  scan (f);

  all = blocks (f, NULL);
  g_assert_cmpuint (all->len, ==, 2);
  g_assert_cmpint (block_at (all, 0)->totals.messages, ==, 2);
  /* Costliest first: 100 x $3 + 10 x $15 against 100 x $1 + 10 x $5. */
  g_assert_cmpstr (block_at (all, 0)->models, ==, "claude-sonnet-4-5, claude-haiku-4-5");

  filter->models_set = TRUE;
  filter->models = g_strsplit ("claude-haiku-4-5", ",", -1);
  haiku = blocks (f, filter);
  g_assert_cmpuint (haiku->len, ==, 1);
  assert_block (block_at (haiku, 0), "2026-03-02T14:00:00Z", "2026-03-02T19:00:00Z", 1,
                "2026-03-02T14:30:00Z", "2026-03-02T14:30:00Z");

  g_strfreev (filter->models);
  filter->models = g_new0 (char *, 1);
  none = blocks (f, filter);
  g_assert_cmpuint (none->len, ==, 0);

  filter->models_set = FALSE;
  filter->users_set = TRUE;
  filter->users = g_strsplit (CM_UNATTRIBUTED_KEY, ",", -1);
  nobody = blocks (f, filter);
  g_assert_cmpuint (nobody->len, ==, 0);
}

static void
test_burn_rate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmBlock) active = NULL;
  CmBurnRate rate;

  /* 3 x (1000 input x $3 + 100 output x $15 per million) = $0.0135. */
  add_message (f, "2026-03-02T10:05:00Z", "claude-sonnet-4-5", 1000, 100);
  add_message (f, "2026-03-02T10:30:00Z", "claude-sonnet-4-5", 1000, 100);
  add_message (f, "2026-03-02T11:55:00Z", "claude-sonnet-4-5", 1000, 100);
  scan (f);

  active = cm_store_query_active_block (f->store, NULL, ms ("2026-03-02T12:00:00Z"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (active);
  g_assert_cmpint (active->start_ms, ==, ms ("2026-03-02T10:00:00Z"));
  g_assert_cmpint (active->totals.cost, ==, 135 * G_GINT64_CONSTANT (1000000));
  g_assert_cmpint (cm_totals_tokens (&active->totals), ==, 3300);

  /* 2 hours in: 3,300 tokens / 120 min, $0.0135 / 2 h; 3 hours to go. */
  cm_block_burn_rate (active, ms ("2026-03-02T12:00:00Z"), &rate);
  g_assert_cmpint (rate.elapsed_ms, ==, 2 * CM_HOUR_MS);
  g_assert_cmpint (rate.remaining_ms, ==, 3 * CM_HOUR_MS);
  g_assert_cmpfloat_with_epsilon (rate.tokens_per_minute, 27.5, 1e-9);
  g_assert_cmpint (rate.cost_per_hour, ==, 675 * G_GINT64_CONSTANT (100000));
  g_assert_cmpint (rate.projected_tokens, ==, 8250);
  g_assert_cmpint (rate.projected_cost, ==, 3375 * G_GINT64_CONSTANT (100000));

  /* At its very start the pace is taken over a minute, not divided by 0. */
  cm_block_burn_rate (active, ms ("2026-03-02T10:00:00Z"), &rate);
  g_assert_cmpint (rate.elapsed_ms, ==, 60000);

  /* Outside the block there is none. */
  g_clear_pointer (&active, cm_block_free);
  active = cm_store_query_active_block (f->store, NULL, ms ("2026-03-02T15:00:00Z"), &error);
  g_assert_no_error (error);
  g_assert_null (active);
  active = cm_store_query_active_block (f->store, NULL, ms ("2026-03-02T09:59:59Z"), &error);
  g_assert_no_error (error);
  g_assert_null (active);
  active = cm_store_query_active_block (f->store, NULL, ms ("2026-03-02T14:59:59Z"), &error);
  g_assert_no_error (error);
  g_assert_nonnull (active);
}

typedef struct
{
  gint64   ts;
  CmTotals totals;
} Message;

static int
compare_messages (gconstpointer a,
                  gconstpointer b)
{
  const Message *ma = a;
  const Message *mb = b;

  return ma->ts < mb->ts ? -1 : ma->ts > mb->ts;
}

/* Every stored message of @user (NULL: everyone's), in time order. */
static GArray *
all_messages (CmStore    *store,
              const char *user)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sessions = cm_store_query_sessions (store, NULL, &error);
  GArray *messages = g_array_new (FALSE, TRUE, sizeof (Message));

  g_assert_no_error (error);
  for (guint s = 0; s < sessions->len; s++)
    {
      CmSessionRow *session = g_ptr_array_index (sessions, s);
      g_autoptr(GPtrArray) rows = NULL;

      if (user != NULL && g_strcmp0 (user, session->user) != 0)
        continue;
      rows = cm_store_query_session_messages (store, session->session_id, &error);
      g_assert_no_error (error);
      for (guint i = 0; i < rows->len; i++)
        {
          Message m = { 0 };

          cm_totals_from_message (&m.totals, g_ptr_array_index (rows, i));
          m.ts = m.totals.first_ms;
          g_array_append_val (messages, m);
        }
    }
  g_array_sort (messages, compare_messages);

  return messages;
}

/* The rule applied to every stored message of @user, one at a time. */
static GArray *
blocks_from_messages (CmStore    *store,
                      const char *user)
{
  g_autoptr(GArray) messages = all_messages (store, user);
  GArray *result = g_array_new (FALSE, TRUE, sizeof (CmBlock));

  for (guint i = 0; i < messages->len; i++)
    {
      Message *m = &g_array_index (messages, Message, i);
      CmBlock *last = result->len > 0 ? &g_array_index (result, CmBlock, result->len - 1) : NULL;

      if (last == NULL || m->ts >= last->end_ms)
        {
          CmBlock block = { 0 };

          block.start_ms = m->ts - m->ts % CM_HOUR_MS;
          block.end_ms = block.start_ms + CM_BLOCK_MS;
          g_array_append_val (result, block);
          last = &g_array_index (result, CmBlock, result->len - 1);
        }
      cm_totals_add (&last->totals, &m->totals);
    }

  return result;
}

/* On the fixture corpus the rollup's quarter hours give exactly the blocks
 * a walk over every message gives. */
/* The fixture corpus scanned into a new store. */
static CmStore *
corpus_store (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = cm_test_make_tmpdir (name);
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(CmPricing) pricing = cm_pricing_new_default (&error);
  g_autoptr(CmScanner) scanner = NULL;
  const char *users[] = { "user1", "user2", "user3", "user4" };
  CmScanStats stats;

  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      g_autofree char *home = g_build_filename (corpus, users[i], NULL);

      g_assert_cmpint (cm_store_add_source (store, home, NULL, FALSE, &error), >, 0);
    }
  scanner = cm_scanner_new (store, pricing);
  g_assert_true (cm_scanner_scan_sync (scanner, NULL, &stats, &error));
  g_assert_no_error (error);

  return g_steal_pointer (&store);
}

static void
test_corpus_reference (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = corpus_store ("blocks-corpus");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(GArray) reference = NULL;
  CmTotals all = { 0 };
  CmTotals sum = { 0 };

  list = cm_store_query_blocks (store, NULL, &error);
  g_assert_no_error (error);
  reference = blocks_from_messages (store, NULL);
  g_assert_cmpuint (list->len, >, 10);
  g_assert_cmpuint (list->len, ==, reference->len);

  for (guint i = 0; i < list->len; i++)
    {
      const CmBlock *b = block_at (list, i);
      const CmBlock *r = &g_array_index (reference, CmBlock, i);

      g_assert_cmpint (b->start_ms, ==, r->start_ms);
      g_assert_cmpint (b->end_ms, ==, r->end_ms);
      g_assert_cmpmem (&b->totals, sizeof (CmTotals), &r->totals, sizeof (CmTotals));
      g_assert_cmpint (b->start_ms % CM_HOUR_MS, ==, 0);
      g_assert_cmpint (b->totals.first_ms, <, b->start_ms + CM_HOUR_MS);
      g_assert_cmpint (b->totals.last_ms, <, b->end_ms);
      cm_totals_add (&sum, &b->totals);
    }

  /* Every message in exactly one block. */
  g_assert_true (cm_store_query_totals (store, NULL, &all, &error));
  g_assert_cmpmem (&sum, sizeof sum, &all, sizeof all);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The block running at @now by the rule over every message, or NULL. */
static const CmBlock *
reference_at (GArray *reference,
              gint64  now)
{
  for (guint i = 0; i < reference->len; i++)
    {
      const CmBlock *b = &g_array_index (reference, CmBlock, i);

      if (b->start_ms <= now && now - b->start_ms < CM_BLOCK_MS)
        return b;
    }

  return NULL;
}

/* The status line's reads are bounded (the running block by seeks from now,
 * today by its quarter hours); on the fixture corpus they give what the
 * whole history gives, for everyone and each user, in zones with whole,
 * half-hour and DST-changing offsets: the running block at every 37 minutes
 * of the corpus, and today's totals at three times of every day. */
static void
test_bounded_reference (void)
{
  g_autoptr(CmStore) store = corpus_store ("blocks-bounded");
  const char *users[] = { NULL, "user1@example.com", "user2@example.com", "user3@example.com",
                          CM_UNATTRIBUTED_KEY };
  const char *zones[] = { "UTC", "America/New_York", "Asia/Kolkata", "Australia/Adelaide" };
  guint n_blocks = 0;

  for (guint u = 0; u < G_N_ELEMENTS (users); u++)
    {
      g_autoptr(GArray) messages = all_messages (store, users[u]);
      g_autoptr(GArray) reference = blocks_from_messages (store, users[u]);
      gint64 first, last;

      g_assert_cmpuint (messages->len, >, 0);
      first = g_array_index (messages, Message, 0).ts;
      last = g_array_index (messages, Message, messages->len - 1).ts;

      for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
        {
          g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
          g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zones[z]);

          filter->timezone = g_strdup (zones[z]);
          if (users[u] != NULL)
            {
              filter->users_set = TRUE;
              filter->users = g_new0 (char *, 2);
              filter->users[0] = g_strdup (users[u]);
            }

          for (gint64 now = first - CM_HOUR_MS; now < last + 6 * CM_HOUR_MS; now += 37 * 60000)
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(CmBlock) active = cm_store_query_active_block (store, filter, now, &error);
              const CmBlock *want = reference_at (reference, now);

              g_assert_no_error (error);
              g_assert_true ((active == NULL) == (want == NULL));
              if (want == NULL)
                continue;
              g_assert_cmpint (active->start_ms, ==, want->start_ms);
              g_assert_cmpint (active->end_ms, ==, want->end_ms);
              g_assert_cmpmem (&active->totals, sizeof (CmTotals), &want->totals, sizeof (CmTotals));
              n_blocks++;
            }

          for (gint64 now = first - 24 * CM_HOUR_MS; now < last + 24 * CM_HOUR_MS; now += 8 * CM_HOUR_MS + 60000)
            {
              g_autoptr(GError) error = NULL;
              g_autoptr(GDateTime) utc_now = g_date_time_new_from_unix_utc (now / 1000);
              g_autoptr(GDateTime) local = g_date_time_to_timezone (utc_now, tz);
              g_autofree char *today = g_date_time_format (local, "%Y-%m-%d");
              CmTotals got = { 0 };
              CmTotals want = { 0 };

              for (guint i = 0; i < messages->len; i++)
                {
                  const Message *m = &g_array_index (messages, Message, i);
                  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (m->ts / 1000);
                  g_autoptr(GDateTime) there = g_date_time_to_timezone (utc, tz);
                  g_autofree char *day = g_date_time_format (there, "%Y-%m-%d");

                  if (g_str_equal (day, today))
                    cm_totals_add (&want, &m->totals);
                }

              filter->since = g_strdup (today);
              filter->until = g_strdup (today);
              g_assert_true (cm_store_query_totals (store, filter, &got, &error));
              g_assert_no_error (error);
              g_clear_pointer (&filter->since, g_free);
              g_clear_pointer (&filter->until, g_free);
              g_assert_cmpint (got.messages, ==, want.messages);
              g_assert_cmpint (got.cost, ==, want.cost);
              g_assert_cmpint (cm_totals_tokens (&got), ==, cm_totals_tokens (&want));
            }
        }
    }

  /* Not a test of empty hours only. */
  g_assert_cmpuint (n_blocks, >, 200);

  while (g_main_context_iteration (NULL, FALSE))
    ;
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/limits/blocks/boundaries", Fixture, NULL, fixture_set_up, test_boundaries, fixture_tear_down);
  g_test_add ("/limits/blocks/gaps", Fixture, NULL, fixture_set_up, test_gaps, fixture_tear_down);
  g_test_add ("/limits/blocks/chain", Fixture, NULL, fixture_set_up, test_chain, fixture_tear_down);
  g_test_add ("/limits/blocks/half-hour-zones", Fixture, NULL, fixture_set_up, test_half_hour_zones,
              fixture_tear_down);
  g_test_add ("/limits/blocks/dst", Fixture, NULL, fixture_set_up, test_dst, fixture_tear_down);
  g_test_add ("/limits/blocks/filters", Fixture, NULL, fixture_set_up, test_filters, fixture_tear_down);
  g_test_add ("/limits/blocks/burn-rate", Fixture, NULL, fixture_set_up, test_burn_rate, fixture_tear_down);
  g_test_add_func ("/limits/blocks/corpus-reference", test_corpus_reference);
  g_test_add_func ("/limits/blocks/bounded-reference", test_bounded_reference);

  return g_test_run ();
}
