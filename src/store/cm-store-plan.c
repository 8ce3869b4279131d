/* cm-store-plan.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The plan's usage windows as Claude Code's status line reports them. */

#include "config.h"

#include "cm-store-private.h"

void
cm_plan_observation_free (CmPlanObservation *obs)
{
  if (obs == NULL)
    return;

  g_free (obs->session_id);
  g_free (obs->model);
  g_free (obs);
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           index,
                   const char   *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* ?1 time, ?2 session, ?3 model, ?4-?7 the windows (NULL when absent). */
static void
bind_observation (sqlite3_stmt            *stmt,
                  const CmPlanObservation *obs)
{
  sqlite3_bind_int64 (stmt, 1, obs->observed_ms);
  bind_text_or_null (stmt, 2, obs->session_id);
  bind_text_or_null (stmt, 3, obs->model);
  if (obs->five_hour_percent >= 0.0)
    {
      sqlite3_bind_double (stmt, 4, obs->five_hour_percent);
      sqlite3_bind_int64 (stmt, 5, obs->five_hour_reset_ms);
    }
  if (obs->seven_day_percent >= 0.0)
    {
      sqlite3_bind_double (stmt, 6, obs->seven_day_percent);
      sqlite3_bind_int64 (stmt, 7, obs->seven_day_reset_ms);
    }
}

static int
run_bound (sqlite3                 *db,
           const char              *sql,
           const CmPlanObservation *obs)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);

  if (rc == SQLITE_OK)
    {
      bind_observation (stmt, obs);
      rc = sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);

  return rc;
}

gboolean
cm_store_add_plan_observation (CmStore                  *self,
                               const CmPlanObservation  *obs,
                               int                       busy_ms,
                               GError                  **error)
{
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  g_return_val_if_fail (obs != NULL, FALSE);

  g_mutex_lock (&self->write_lock);

  /* A status line must not wait seconds behind a scan's transaction. */
  sqlite3_busy_timeout (self->db, busy_ms);

  rc = run_bound (self->db,
                  "UPDATE plan_observations SET observed_ms = max (observed_ms, ?1)"
                  " WHERE id = (SELECT max (id) FROM plan_observations)"
                  " AND session_id IS ?2 AND model IS ?3 AND five_hour_pct IS ?4"
                  " AND five_hour_reset_ms IS ?5 AND seven_day_pct IS ?6"
                  " AND seven_day_reset_ms IS ?7",
                  obs);
  if (rc == SQLITE_DONE && sqlite3_changes (self->db) == 0)
    rc = run_bound (self->db,
                    "INSERT INTO plan_observations (observed_ms, session_id, model, five_hour_pct,"
                    " five_hour_reset_ms, seven_day_pct, seven_day_reset_ms)"
                    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                    obs);

  sqlite3_busy_timeout (self->db, 10000);

  if (rc != SQLITE_DONE)
    cm_sqlite_set_error (error, self->db, rc, "record the plan windows");

  g_mutex_unlock (&self->write_lock);

  return rc == SQLITE_DONE;
}

CmPlanObservation *
cm_store_get_plan_observation (CmStore  *self,
                               GError  **error)
{
  g_autoptr(CmPlanObservation) obs = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT observed_ms, session_id, model, ifnull (five_hour_pct, -1),"
                           " ifnull (five_hour_reset_ms, 0), ifnull (seven_day_pct, -1),"
                           " ifnull (seven_day_reset_ms, 0) FROM plan_observations"
                           " WHERE five_hour_pct IS NOT NULL OR seven_day_pct IS NOT NULL"
                           " ORDER BY observed_ms DESC, id DESC LIMIT 1",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      obs = g_new0 (CmPlanObservation, 1);
      obs->observed_ms = sqlite3_column_int64 (stmt, 0);
      obs->session_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      obs->model = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      obs->five_hour_percent = sqlite3_column_double (stmt, 3);
      obs->five_hour_reset_ms = sqlite3_column_int64 (stmt, 4);
      obs->seven_day_percent = sqlite3_column_double (stmt, 5);
      obs->seven_day_reset_ms = sqlite3_column_int64 (stmt, 6);
      rc = SQLITE_DONE;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "plan windows", error))
    return NULL;

  return g_steal_pointer (&obs);
}
