/* cm-test-schema.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <sqlite3.h>

#include "cm-test-schema.h"

#define ROLLUP_SUMS_SQL \
  "sum (messages), sum (unpriced), sum (input), sum (output), sum (cw5m), sum (cw1h), sum (cr)," \
  " sum (ws), sum (estimated), sum (cost), sum (c_input), sum (c_output), sum (c_cw5m)," \
  " sum (c_cw1h), sum (c_cr), sum (c_ws), min (first_ms), max (last_ms)"
#define ROLLUP2_COLUMNS \
  "ts INTEGER NOT NULL, model TEXT NOT NULL, backend INTEGER NOT NULL, user_id INTEGER NOT NULL," \
  " project TEXT NOT NULL, messages INTEGER NOT NULL, unpriced INTEGER NOT NULL," \
  " input INTEGER NOT NULL, output INTEGER NOT NULL, cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL," \
  " cr INTEGER NOT NULL, ws INTEGER NOT NULL, estimated INTEGER NOT NULL, cost INTEGER NOT NULL," \
  " c_input INTEGER NOT NULL, c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL," \
  " c_cw1h INTEGER NOT NULL, c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL," \
  " first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL"

static const char revert_sql[] =
  "DROP TRIGGER messages_rollup_insert; DROP TRIGGER messages_rollup_delete;"
  " DROP TRIGGER messages_rollup_update; DROP TRIGGER messages_session_rollup_insert;"
  " DROP TRIGGER messages_session_rollup_delete; DROP TRIGGER messages_session_rollup_update;"
  " ALTER TABLE messages DROP COLUMN speed; ALTER TABLE messages DROP COLUMN inference_geo;"
  " ALTER TABLE files DROP COLUMN fp;"
  " CREATE TABLE r2 (" ROLLUP2_COLUMNS ", UNIQUE (ts, model, backend, user_id, project));"
  " INSERT INTO r2 SELECT ts, model, backend, user_id, project, " ROLLUP_SUMS_SQL
  " FROM rollup GROUP BY 1, 2, 3, 4, 5;"
  " DROP TABLE rollup; ALTER TABLE r2 RENAME TO rollup;"
  " CREATE TABLE s2 (session_id TEXT NOT NULL, " ROLLUP2_COLUMNS
  ", UNIQUE (session_id, ts, model, backend, user_id, project));"
  " INSERT INTO s2 SELECT session_id, ts, model, backend, user_id, project, " ROLLUP_SUMS_SQL
  " FROM session_rollup GROUP BY 1, 2, 3, 4, 5, 6;"
  " DROP TABLE session_rollup; ALTER TABLE s2 RENAME TO session_rollup;"
  " PRAGMA user_version = 5";

void
cm_test_revert_billing_modes (const char *db_path)
{
  sqlite3 *db = NULL;
  char *message = NULL;

  g_assert_cmpint (sqlite3_open (db_path, &db), ==, SQLITE_OK);
  if (sqlite3_exec (db, revert_sql, NULL, NULL, &message) != SQLITE_OK)
    g_error ("revert the billing modes: %s", message);
  sqlite3_close (db);
}
