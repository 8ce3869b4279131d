/* test-model-fields.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every row class that carries totals (groups, sessions, messages) exposes
 * the same figures under the same names and types, each read from a known
 * CmTotals.
 */

#include "config.h"

#include "cm-group-item.h"
#include "cm-message-item.h"
#include "cm-session-item.h"

/* Each figure its own value, so a property reading the wrong member fails. */
static CmTotals
known_totals (gboolean one_message)
{
  CmTotals t = {
    .input = 1001, .output = 2002, .cache_write_5m = 3003, .cache_write_1h = 4004,
    .cache_read = 5005, .web_search = 6, .messages = 7, .unpriced = 2, .estimated = 3,
    .cost = G_GINT64_CONSTANT (123456789012), .cost_input = 11, .cost_output = 22,
    .cost_cache_write_5m = 33, .cost_cache_write_1h = 44, .cost_cache_read = 55, .cost_web_search = 66,
    .first_ms = G_GINT64_CONSTANT (1788220800123), .last_ms = G_GINT64_CONSTANT (1788224400456),
  };

  /* A message is a sum of one: one message, flags of 0 or 1, one time. */
  if (one_message)
    {
      t.messages = 1;
      t.unpriced = 1;
      t.estimated = 1;
      t.last_ms = t.first_ms;
    }

  return t;
}

static GParamSpec *
find_figure (GObject    *item,
             const char *name,
             GType       value_type)
{
  GParamSpec *pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), name);

  g_test_message ("%s:%s", G_OBJECT_TYPE_NAME (item), name);
  g_assert_nonnull (pspec);
  g_assert_true (pspec->value_type == value_type);
  g_assert_true (pspec->flags & G_PARAM_READABLE);
  g_assert_true (pspec->flags & G_PARAM_EXPLICIT_NOTIFY);
  g_assert_false (pspec->flags & G_PARAM_WRITABLE);

  return pspec;
}

/* Written out here, not taken from cm-fields: what every such row shows. */
static void
check_totals (GObject        *item,
              const CmTotals *t)
{
  const struct { const char *name; gint64 want; } figures[] = {
    { "input", t->input },
    { "output", t->output },
    { "cache-write-5m", t->cache_write_5m },
    { "cache-write-1h", t->cache_write_1h },
    { "cache-read", t->cache_read },
    { "web-search", t->web_search },
    { "messages", t->messages },
    { "unpriced", t->unpriced },
    { "estimated", t->estimated },
    { "cost", t->cost },
    { "cost-input", t->cost_input },
    { "cost-output", t->cost_output },
    { "cost-cache-write-5m", t->cost_cache_write_5m },
    { "cost-cache-write-1h", t->cost_cache_write_1h },
    { "cost-cache-read", t->cost_cache_read },
    { "cost-web-search", t->cost_web_search },
    { "first-ms", t->first_ms },
    { "last-ms", t->last_ms },
    { "tokens", t->input + t->output + t->cache_write_5m + t->cache_write_1h + t->cache_read },
  };
  gint64 prompt = t->input + t->cache_write_5m + t->cache_write_1h + t->cache_read;
  double ratio = 0;
  gboolean has_estimate = !t->estimated;

  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    {
      gint64 value = G_MININT64;

      find_figure (item, figures[i].name, G_TYPE_INT64);
      g_object_get (item, figures[i].name, &value, NULL);
      g_assert_cmpint (value, ==, figures[i].want);
    }

  find_figure (item, "cache-hit-ratio", G_TYPE_DOUBLE);
  g_object_get (item, "cache-hit-ratio", &ratio, NULL);
  g_assert_cmpfloat_with_epsilon (ratio, (double) t->cache_read / (double) prompt, 1e-12);

  find_figure (item, "has-estimate", G_TYPE_BOOLEAN);
  g_object_get (item, "has-estimate", &has_estimate, NULL);
  g_assert_true (has_estimate == (t->estimated > 0));
}

static void
test_group_item (void)
{
  CmTotals t = known_totals (FALSE);
  g_autoptr(CmGroupItem) item = cm_group_item_new ("claude-opus-4-5", "bedrock", NULL, &t);
  g_autoptr(CmGroupItem) sum = cm_group_item_new ("sum", NULL, NULL, NULL);
  CmTotals twice = t;

  check_totals (G_OBJECT (item), &t);

  /* A sum built up reads the same way. */
  cm_group_item_add_totals (sum, &t);
  cm_group_item_add_totals (sum, &t);
  cm_totals_add (&twice, &t);
  check_totals (G_OBJECT (sum), &twice);

  /* Its own fields stay where they were. */
  {
    g_autofree char *key = NULL;
    g_autofree char *key2 = NULL;

    g_object_get (item, "key", &key, "key2", &key2, NULL);
    g_assert_cmpstr (key, ==, "claude-opus-4-5");
    g_assert_cmpstr (key2, ==, "bedrock");
  }
}

static void
test_session_item (void)
{
  CmSessionRow *row = g_new0 (CmSessionRow, 1);
  g_autoptr(CmSessionItem) item = NULL;
  gint64 start = 0, duration = 0;
  g_autofree char *project = NULL;

  row->session_id = g_ref_string_new ("d95c95b8");
  row->project = g_ref_string_new ("/home/user4/src/infra.tools");
  row->user = g_ref_string_new ("user4@example.com");
  row->models = g_ref_string_new ("claude-opus-4-1");
  row->totals = known_totals (FALSE);
  item = cm_session_item_new (row);

  check_totals (G_OBJECT (item), &row->totals);

  g_object_get (item, "start-ms", &start, "duration-ms", &duration, "project", &project, NULL);
  g_assert_cmpint (start, ==, row->totals.first_ms);
  g_assert_cmpint (duration, ==, row->totals.last_ms - row->totals.first_ms);
  g_assert_cmpstr (project, ==, row->project);

  /* The item shares the row's strings and outlives it. */
  cm_session_row_free (row);
  g_assert_cmpstr (cm_session_item_get_project (item), ==, "/home/user4/src/infra.tools");
}

static void
test_message_item (void)
{
  CmTotals t = known_totals (TRUE);
  CmMessageRow row = {
    .message_id = (char *) "msg_bdrk_01",
    .model = (char *) "claude-opus-4-5",
    .model_raw = (char *) "anthropic.claude-opus-4-5-v1:0",
    .backend = CM_BACKEND_BEDROCK,
    .timestamp_ms = t.first_ms,
    .priced = FALSE,
    .estimated = TRUE,
    .usage = { t.input, t.output, t.cache_write_5m, t.cache_write_1h, t.cache_read, t.web_search },
    .cost = { t.cost_input, t.cost_output, t.cost_cache_write_5m, t.cost_cache_write_1h,
              t.cost_cache_read, t.cost_web_search, t.cost, FALSE, TRUE },
  };
  g_autoptr(CmMessageItem) item = cm_message_item_new (&row);
  g_autofree char *backend = NULL;

  check_totals (G_OBJECT (item), &t);

  /* A priced, exact message: no unpriced or estimated count, no badge. */
  row.priced = TRUE;
  row.estimated = FALSE;
  row.cost.estimated = FALSE;
  t.unpriced = 0;
  t.estimated = 0;
  g_clear_object (&item);
  item = cm_message_item_new (&row);
  check_totals (G_OBJECT (item), &t);

  g_object_get (item, "backend", &backend, NULL);
  g_assert_cmpstr (backend, ==, "bedrock");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/fields/group-item", test_group_item);
  g_test_add_func ("/model/fields/session-item", test_session_item);
  g_test_add_func ("/model/fields/message-item", test_message_item);

  return g_test_run ();
}
