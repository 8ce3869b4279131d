/* cm-store-ratelimits.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Rate-limit observations from the probe. */

#include "config.h"

#include "cm-store-private.h"

void
cm_ratelimit_observation_free (CmRateLimitObservation *obs)
{
  if (obs == NULL)
    return;

  g_free (obs->model);
  g_free (obs->organization_id);
  g_free (obs->kind);
  g_free (obs);
}

gboolean
cm_store_add_ratelimit_observation (CmStore                       *self,
                                    const CmRateLimitObservation  *obs,
                                    GError                       **error)
{
  gboolean ok;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);
  g_return_val_if_fail (obs != NULL && obs->model != NULL && obs->kind != NULL, FALSE);

  ok = cm_store_run_write (self,
                  "INSERT INTO ratelimit_observations (observed_ms, model, organization_id, kind,"
                  " lim, remaining, reset_ms, retry_after_s, http_status)"
                  " VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                  error, "isssiiiii", obs->observed_ms, obs->model, obs->organization_id,
                  obs->kind, obs->limit, obs->remaining, obs->reset_ms, obs->retry_after_s,
                  (gint64) obs->http_status);
  if (ok)
    cm_store_emit_changed (self);

  return ok;
}

GPtrArray *
cm_store_list_ratelimit_observations (CmStore  *self,
                                      GError  **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_ratelimit_observation_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db,
                           "SELECT observed_ms, model, organization_id, kind, lim, remaining,"
                           " reset_ms, retry_after_s, http_status FROM ratelimit_observations r"
                           " WHERE id = (SELECT max (id) FROM ratelimit_observations r2"
                           "  WHERE r2.model = r.model AND r2.kind = r.kind)"
                           " ORDER BY observed_ms DESC, model, kind",
                           -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmRateLimitObservation *obs = g_new0 (CmRateLimitObservation, 1);

      obs->observed_ms = sqlite3_column_int64 (stmt, 0);
      obs->model = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      obs->organization_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      obs->kind = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      obs->limit = sqlite3_column_int64 (stmt, 4);
      obs->remaining = sqlite3_column_int64 (stmt, 5);
      obs->reset_ms = sqlite3_column_int64 (stmt, 6);
      obs->retry_after_s = sqlite3_column_int64 (stmt, 7);
      obs->http_status = sqlite3_column_int (stmt, 8);
      g_ptr_array_add (rows, obs);
      rc = SQLITE_OK;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "rate limits", error))
    return NULL;

  return g_steal_pointer (&rows);
}
