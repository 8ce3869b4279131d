/* test-plan.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The plan windows the status line records: one row per change, the newest
 * reading with a window, absent windows, and a writer that holds the
 * database (a scan) making a recording fail fast instead of waiting.
 */

#include "config.h"

#include <gio/gio.h>
#include <sqlite3.h>

#include "cm-store.h"
#include "cm-test-util.h"

static gint64
count_rows (const char *db_path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  gint64 n;

  g_assert_cmpint (sqlite3_open_v2 (db_path, &db, SQLITE_OPEN_READONLY, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count (*) FROM plan_observations", -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  sqlite3_close (db);

  return n;
}

static void
add (CmStore                 *store,
     const CmPlanObservation *obs)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_store_add_plan_observation (store, obs, 1000, &error));
  g_assert_no_error (error);
}

static void
test_observations (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = cm_test_make_tmpdir ("plan");
  g_autofree char *path = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(CmStore) store = cm_store_open (path, &error);
  g_autoptr(CmPlanObservation) latest = NULL;
  CmPlanObservation obs = {
    .observed_ms = 1000, .session_id = (char *) "s1", .model = (char *) "claude-opus-4-1",
    .five_hour_percent = 23.5, .five_hour_reset_ms = 1738425600000,
    .seven_day_percent = 41.2, .seven_day_reset_ms = 1738857600000,
  };

  g_assert_no_error (error);
  latest = cm_store_get_plan_observation (store, &error);
  g_assert_no_error (error);
  g_assert_null (latest);

  /* The same reading again only moves its time. */
  add (store, &obs);
  obs.observed_ms = 2000;
  add (store, &obs);
  g_assert_cmpint (count_rows (path), ==, 1);
  latest = cm_store_get_plan_observation (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (latest->observed_ms, ==, 2000);
  g_assert_cmpstr (latest->session_id, ==, "s1");
  g_assert_cmpstr (latest->model, ==, "claude-opus-4-1");
  g_assert_cmpfloat (latest->five_hour_percent, ==, 23.5);
  g_assert_cmpint (latest->five_hour_reset_ms, ==, 1738425600000);
  g_assert_cmpfloat (latest->seven_day_percent, ==, 41.2);
  g_assert_cmpint (latest->seven_day_reset_ms, ==, 1738857600000);
  g_clear_pointer (&latest, cm_plan_observation_free);

  /* A change is a new row. */
  obs.observed_ms = 3000;
  obs.five_hour_percent = 24;
  add (store, &obs);
  g_assert_cmpint (count_rows (path), ==, 2);

  /* A reading without windows (an API-key session, or before the first
   * reply) is kept but never taken for the plan's state. */
  obs.observed_ms = 4000;
  obs.session_id = (char *) "s2";
  obs.five_hour_percent = -1;
  obs.five_hour_reset_ms = 0;
  obs.seven_day_percent = -1;
  obs.seven_day_reset_ms = 0;
  add (store, &obs);
  g_assert_cmpint (count_rows (path), ==, 3);
  latest = cm_store_get_plan_observation (store, &error);
  g_assert_cmpint (latest->observed_ms, ==, 3000);
  g_assert_cmpfloat (latest->five_hour_percent, ==, 24);
  g_clear_pointer (&latest, cm_plan_observation_free);

  /* Only the weekly window. */
  obs.observed_ms = 5000;
  obs.seven_day_percent = 50;
  obs.seven_day_reset_ms = 1738857600000;
  add (store, &obs);
  latest = cm_store_get_plan_observation (store, &error);
  g_assert_cmpint (latest->observed_ms, ==, 5000);
  g_assert_cmpfloat (latest->five_hour_percent, <, 0);
  g_assert_cmpint (latest->five_hour_reset_ms, ==, 0);
  g_assert_cmpfloat (latest->seven_day_percent, ==, 50);
}

/* While another connection holds the write lock, recording gives up after
 * the wait it was given, with an error, and records nothing. */
static void
test_busy (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = cm_test_make_tmpdir ("plan-busy");
  g_autofree char *path = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(CmStore) store = cm_store_open (path, &error);
  CmPlanObservation obs = { .observed_ms = 1000, .five_hour_percent = 10, .five_hour_reset_ms = 5000,
                            .seven_day_percent = -1 };
  sqlite3 *other = NULL;
  gint64 start;

  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_open (path, &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  start = g_get_monotonic_time ();
  g_assert_false (cm_store_add_plan_observation (store, &obs, 50, &error));
  g_assert_nonnull (error);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 2 * G_USEC_PER_SEC);

  sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (other);
  g_assert_cmpint (count_rows (path), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/limits/plan/observations", test_observations);
  g_test_add_func ("/limits/plan/busy", test_busy);

  return g_test_run ();
}
