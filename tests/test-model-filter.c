/* test-model-filter.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CmFilter: date presets resolved in the filter's time zone, the models
 * trichotomy, backends, the "changed" signal and the GSettings binding.
 */

#include "config.h"

#include "cm-filter.h"
#include "cm-test-util.h"

static GDateTime *
utc (int y, int m, int d, int h)
{
  return g_date_time_new_utc (y, m, d, h, 0, 0);
}

static void
assert_range (CmFilter   *filter,
              const char *preset,
              const char *want_since,
              const char *want_until)
{
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;

  cm_filter_preset_range (filter, preset, &since, &until);
  g_assert_cmpstr (since, ==, want_since);
  g_assert_cmpstr (until, ==, want_until);
}

static void
test_presets (void)
{
  g_autoptr(CmFilter) filter = cm_filter_new ();
  g_autoptr(GDateTime) now = utc (2026, 9, 20, 12);
  g_autoptr(GDateTime) jan = utc (2026, 1, 5, 12);

  cm_filter_set_timezone (filter, "UTC");
  cm_filter_set_now (filter, now);

  assert_range (filter, "today", "2026-09-20", "2026-09-20");
  assert_range (filter, "last-7-days", "2026-09-14", "2026-09-20");
  assert_range (filter, "last-30-days", "2026-08-22", "2026-09-20");
  assert_range (filter, "this-month", "2026-09-01", "2026-09-20");
  assert_range (filter, "last-month", "2026-08-01", "2026-08-31");
  assert_range (filter, "all", NULL, NULL);

  /* Last month across a year boundary. */
  cm_filter_set_now (filter, jan);
  assert_range (filter, "last-month", "2025-12-01", "2025-12-31");

  /* Custom uses the stored days; empty ends are open. */
  cm_filter_set_since (filter, "2026-09-03");
  cm_filter_set_until (filter, "");
  assert_range (filter, "custom", "2026-09-03", NULL);
}

static void
test_timezone (void)
{
  g_autoptr(CmFilter) filter = cm_filter_new ();
  g_autoptr(GDateTime) now = utc (2026, 9, 20, 2);
  g_autofree char *today_utc = NULL;
  g_autofree char *today_ny = NULL;
  g_autoptr(CmQueryFilter) q = NULL;

  cm_filter_set_now (filter, now);
  cm_filter_set_timezone (filter, "UTC");
  today_utc = cm_filter_dup_today (filter);
  cm_filter_set_timezone (filter, "America/New_York");
  today_ny = cm_filter_dup_today (filter);

  /* 02:00 UTC is still the evening before in New York. */
  g_assert_cmpstr (today_utc, ==, "2026-09-20");
  g_assert_cmpstr (today_ny, ==, "2026-09-19");

  cm_filter_set_date_range (filter, "today");
  q = cm_filter_dup_query_filter (filter);
  g_assert_cmpstr (q->since, ==, "2026-09-19");
  g_assert_cmpstr (q->until, ==, "2026-09-19");
  g_assert_cmpstr (q->timezone, ==, "America/New_York");
}

static void
test_models_trichotomy (void)
{
  g_autoptr(CmFilter) filter = cm_filter_new ();
  const char *none[] = { NULL };
  const char *one[] = { "claude-opus-4-1-20250805", NULL };
  CmQueryFilter *q;

  /* Default: all models. */
  g_assert_false (cm_filter_get_models_set (filter));
  g_assert_true (cm_filter_includes_model (filter, "anything"));
  q = cm_filter_dup_query_filter (filter);
  g_assert_false (q->models_set);
  cm_query_filter_free (q);

  /* An empty list: none. */
  cm_filter_set_models (filter, none);
  g_assert_true (cm_filter_get_models_set (filter));
  g_assert_false (cm_filter_includes_model (filter, one[0]));
  q = cm_filter_dup_query_filter (filter);
  g_assert_true (q->models_set);
  g_assert_nonnull (q->models);
  g_assert_cmpuint (g_strv_length (q->models), ==, 0);
  cm_query_filter_free (q);

  /* A list: those. */
  cm_filter_set_models (filter, one);
  g_assert_true (cm_filter_includes_model (filter, one[0]));
  g_assert_false (cm_filter_includes_model (filter, "claude-haiku-4-5-20251001"));
  q = cm_filter_dup_query_filter (filter);
  g_assert_true (q->models_set);
  g_assert_cmpstrv (q->models, one);
  cm_query_filter_free (q);

  cm_filter_reset_models (filter);
  g_assert_false (cm_filter_get_models_set (filter));
}

/* The chips build the next list from the current one: setting a list that
 * points into the filter's own must copy before it frees. */
static void
test_models_aliasing (void)
{
  g_autoptr(CmFilter) filter = cm_filter_new ();
  const char *three[] = { "a", "b", "c", NULL };
  const char *two[] = { "b", "c", NULL };
  const char * const *current;
  const char *next[3];

  cm_filter_set_models (filter, three);
  current = cm_filter_get_models (filter);
  next[0] = current[1];
  next[1] = current[2];
  next[2] = NULL;
  cm_filter_set_models (filter, next);

  g_assert_cmpstrv (cm_filter_get_models (filter), two);
}

static void
test_backends_and_project (void)
{
  g_autoptr(CmFilter) filter = cm_filter_new ();
  CmQueryFilter *q;

  q = cm_filter_dup_query_filter (filter);
  g_assert_false (q->backends_set);
  g_assert_null (q->project);
  cm_query_filter_free (q);

  cm_filter_set_backends (filter, 1u << CM_BACKEND_BEDROCK);
  cm_filter_set_project (filter, "  shop  ");
  q = cm_filter_dup_query_filter (filter);
  g_assert_true (q->backends_set);
  g_assert_cmpuint (q->backends, ==, 1u << CM_BACKEND_BEDROCK);
  g_assert_cmpstr (q->project, ==, "shop");
  cm_query_filter_free (q);

  /* No backend at all is "none", not "all". */
  cm_filter_set_backends (filter, 0);
  q = cm_filter_dup_query_filter (filter);
  g_assert_true (q->backends_set);
  g_assert_cmpuint (q->backends, ==, 0);
  cm_query_filter_free (q);

  cm_filter_reset (filter);
  g_assert_cmpuint (cm_filter_get_backends (filter), ==, CM_BACKEND_MASK_ALL);
  g_assert_null (cm_filter_get_project (filter));
}

static void
count_cb (CmFilter *filter,
          guint    *count)
{
  (*count)++;
}

static void
test_changed_signal (void)
{
  g_autoptr(CmFilter) filter = cm_filter_new ();
  const char *one[] = { "m", NULL };
  guint count = 0;

  g_signal_connect (filter, "changed", G_CALLBACK (count_cb), &count);

  cm_filter_set_project (filter, "x");
  g_assert_cmpuint (count, ==, 1);
  cm_filter_set_project (filter, "x");
  g_assert_cmpuint (count, ==, 1);
  cm_filter_set_models (filter, one);
  g_assert_cmpuint (count, ==, 2);
  cm_filter_set_models (filter, one);
  g_assert_cmpuint (count, ==, 2);
  cm_filter_set_backends (filter, CM_BACKEND_MASK_ALL);
  g_assert_cmpuint (count, ==, 2);
  cm_filter_set_date_range (filter, "all");
  g_assert_cmpuint (count, ==, 3);
  /* An unknown preset is refused, not applied. */
  g_test_expect_message ("costmeter-model", G_LOG_LEVEL_WARNING, "*Unknown date range*");
  cm_filter_set_date_range (filter, "yesterday-ish");
  g_test_assert_expected_messages ();
  g_assert_cmpstr (cm_filter_get_date_range (filter), ==, "all");
  g_assert_cmpuint (count, ==, 3);
}

static void
test_settings (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  g_autoptr(CmFilter) filter = cm_filter_new ();
  g_autofree char *since = NULL;

  g_settings_set_string (settings, "date-range", "this-month");
  cm_filter_bind_settings (filter, settings);
  g_assert_cmpstr (cm_filter_get_date_range (filter), ==, "this-month");

  g_settings_set_string (settings, "date-range", "custom");
  g_settings_set_string (settings, "date-since", "2026-09-02");
  g_settings_set_string (settings, "timezone", "Europe/Berlin");
  g_assert_cmpstr (cm_filter_get_date_range (filter), ==, "custom");
  g_assert_cmpstr (cm_filter_get_since (filter), ==, "2026-09-02");
  g_assert_cmpstr (cm_filter_get_timezone (filter), ==, "Europe/Berlin");

  cm_filter_set_until (filter, "2026-09-09");
  since = g_settings_get_string (settings, "date-until");
  g_assert_cmpstr (since, ==, "2026-09-09");
}

static void
test_family (void)
{
  g_assert_cmpstr (cm_model_family ("claude-opus-4-1-20250805"), ==, "Opus");
  g_assert_cmpstr (cm_model_family ("claude-sonnet-4-5-20250929"), ==, "Sonnet");
  g_assert_cmpstr (cm_model_family ("claude-3-5-haiku-20241022"), ==, "Haiku");
  g_assert_cmpstr (cm_model_family ("glm-4.6"), ==, "Other");
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
  g_test_init (&argc, &argv, NULL);
  isolate_home ();

  g_test_add_func ("/model/filter/presets", test_presets);
  g_test_add_func ("/model/filter/timezone", test_timezone);
  g_test_add_func ("/model/filter/models-trichotomy", test_models_trichotomy);
  g_test_add_func ("/model/filter/models-aliasing", test_models_aliasing);
  g_test_add_func ("/model/filter/backends-project", test_backends_and_project);
  g_test_add_func ("/model/filter/changed", test_changed_signal);
  g_test_add_func ("/model/filter/settings", test_settings);
  g_test_add_func ("/model/filter/family", test_family);

  return g_test_run ();
}
