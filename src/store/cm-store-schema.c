/* cm-store-schema.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The schema: every version of it as one migration step, applied in order. */

#include "config.h"

#include "cm-store-private.h"

#define SCHEMA_VERSION 9

/* The rollup row a message counts in; NULL user and project become 0 and ''
 * so that the unique key holds. */
#define ROLLUP_KEY_WITH(R, X) \
  " ts = " R ".ts - " R ".ts % 900000 AND model = " R ".model" X " AND backend = " R ".backend" \
  " AND user_id = ifnull (" R ".user_id, 0) AND project = ifnull (" R ".project, '')"
#define ROLLUP_KEY(R) ROLLUP_KEY_WITH (R, "")
/* From schema 6 the speed is part of the key: fast mode is its own row. */
#define ROLLUP_KEY_SPEED(R) ROLLUP_KEY_WITH (R, " AND speed = " R ".speed")

#define ROLLUP_SUMS \
  "input, output, cw5m, cw1h, cr, ws, estimated, cost, c_input, c_output, c_cw5m, c_cw1h," \
  " c_cr, c_ws"

/* T: the table; K: its leading key columns, V: their values (empty for the
 * rollup, the session for the session rollup); S and SV: the speed column
 * and its value from schema 6, empty before. */
#define ROLLUP_ADD_TO(T, K, V) ROLLUP_ADD_WITH (T, K, V, "", "")
#define ROLLUP_ADD_WITH(T, K, V, S, SV) \
  " INSERT INTO " T " (" K "ts, model, " S "backend, user_id, project, messages, unpriced, " ROLLUP_SUMS \
  ", first_ms, last_ms) VALUES (" V "NEW.ts - NEW.ts % 900000, NEW.model, " SV "NEW.backend," \
  " ifnull (NEW.user_id, 0), ifnull (NEW.project, ''), 1, NEW.priced = 0, NEW.input, NEW.output," \
  " NEW.cw5m, NEW.cw1h, NEW.cr, NEW.ws, NEW.estimated, NEW.cost, NEW.c_input, NEW.c_output," \
  " NEW.c_cw5m, NEW.c_cw1h, NEW.c_cr, NEW.c_ws, NEW.ts, NEW.ts)" \
  " ON CONFLICT (" K "ts, model, " S "backend, user_id, project) DO UPDATE SET messages = messages + 1," \
  " unpriced = unpriced + excluded.unpriced, input = input + excluded.input," \
  " output = output + excluded.output, cw5m = cw5m + excluded.cw5m," \
  " cw1h = cw1h + excluded.cw1h, cr = cr + excluded.cr, ws = ws + excluded.ws," \
  " estimated = estimated + excluded.estimated, cost = cost + excluded.cost," \
  " c_input = c_input + excluded.c_input, c_output = c_output + excluded.c_output," \
  " c_cw5m = c_cw5m + excluded.c_cw5m, c_cw1h = c_cw1h + excluded.c_cw1h," \
  " c_cr = c_cr + excluded.c_cr, c_ws = c_ws + excluded.c_ws," \
  " first_ms = min (first_ms, excluded.first_ms), last_ms = max (last_ms, excluded.last_ms);"

#define ROLLUP_SUB_FROM(T, KEY) \
  " UPDATE " T " SET messages = messages - 1, unpriced = unpriced - (OLD.priced = 0)," \
  " input = input - OLD.input, output = output - OLD.output, cw5m = cw5m - OLD.cw5m," \
  " cw1h = cw1h - OLD.cw1h, cr = cr - OLD.cr, ws = ws - OLD.ws," \
  " estimated = estimated - OLD.estimated, cost = cost - OLD.cost," \
  " c_input = c_input - OLD.c_input, c_output = c_output - OLD.c_output," \
  " c_cw5m = c_cw5m - OLD.c_cw5m, c_cw1h = c_cw1h - OLD.c_cw1h, c_cr = c_cr - OLD.c_cr," \
  " c_ws = c_ws - OLD.c_ws WHERE" KEY ";" \
  " DELETE FROM " T " WHERE messages = 0 AND" KEY ";"

#define ROLLUP_ADD ROLLUP_ADD_TO ("rollup", "", "")
#define ROLLUP_SUB ROLLUP_SUB_FROM ("rollup", ROLLUP_KEY ("OLD"))

/* A message without a session counts under ''. */
#define SESSION_ROLLUP_ADD ROLLUP_ADD_TO ("session_rollup", "session_id, ", "ifnull (NEW.session_id, ''), ")
#define SESSION_ROLLUP_SUB \
  ROLLUP_SUB_FROM ("session_rollup", " session_id = ifnull (OLD.session_id, '') AND" ROLLUP_KEY ("OLD"))

/* Schema 6: the same with the speed in the key. */
#define ROLLUP3_ADD ROLLUP_ADD_WITH ("rollup", "", "", "speed, ", "NEW.speed, ")
#define ROLLUP3_SUB ROLLUP_SUB_FROM ("rollup", ROLLUP_KEY_SPEED ("OLD"))
#define SESSION_ROLLUP3_ADD \
  ROLLUP_ADD_WITH ("session_rollup", "session_id, ", "ifnull (NEW.session_id, ''), ", "speed, ", "NEW.speed, ")
#define SESSION_ROLLUP3_SUB \
  ROLLUP_SUB_FROM ("session_rollup", " session_id = ifnull (OLD.session_id, '') AND" ROLLUP_KEY_SPEED ("OLD"))

/* Both rollups' columns from schema 6, the key's leading columns first. */
#define ROLLUP3_COLUMNS(K) \
  K "ts INTEGER NOT NULL, model TEXT NOT NULL, speed TEXT NOT NULL, backend INTEGER NOT NULL," \
  " user_id INTEGER NOT NULL, project TEXT NOT NULL, messages INTEGER NOT NULL," \
  " unpriced INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL," \
  " cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL, cr INTEGER NOT NULL, ws INTEGER NOT NULL," \
  " estimated INTEGER NOT NULL, cost INTEGER NOT NULL, c_input INTEGER NOT NULL," \
  " c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL, c_cw1h INTEGER NOT NULL," \
  " c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL, first_ms INTEGER NOT NULL," \
  " last_ms INTEGER NOT NULL"
#define ROLLUP3_COPY \
  "ts, model, '', backend, user_id, project, messages, unpriced, " ROLLUP_SUMS ", first_ms, last_ms"

/* Schema 8: the triggers stand aside while the scanner keeps both rollups
 * in memory (cm-store-rollup-writer.c); it marks its transaction so. */
#define UNLESS_WRITER " WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'rollup_writer')"

/* Each entry upgrades the schema by one version; never edit a shipped one. */
static const char *migrations[] = {
  /* 0 -> 1 */
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
  "CREATE TABLE sources ("
  "  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, owner TEXT, detected_owner TEXT,"
  "  is_default INTEGER NOT NULL DEFAULT 0, enabled INTEGER NOT NULL DEFAULT 1);"
  "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE);"
  "CREATE TABLE files ("
  "  id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, source_id INTEGER,"
  "  dev INTEGER NOT NULL DEFAULT 0, ino INTEGER NOT NULL DEFAULT 0,"
  "  size INTEGER NOT NULL DEFAULT 0, mtime_us INTEGER NOT NULL DEFAULT 0,"
  "  offset INTEGER NOT NULL DEFAULT 0, broken_lines INTEGER NOT NULL DEFAULT 0,"
  "  synthetic_lines INTEGER NOT NULL DEFAULT 0, gone INTEGER NOT NULL DEFAULT 0);"
  "CREATE TABLE messages ("
  "  id INTEGER PRIMARY KEY, dkey TEXT NOT NULL UNIQUE, message_id TEXT, request_id TEXT,"
  "  uuid TEXT, file_id INTEGER, user_id INTEGER, session_id TEXT, project TEXT,"
  "  ts INTEGER NOT NULL, model_raw TEXT, model TEXT NOT NULL, backend INTEGER NOT NULL,"
  "  sidechain INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL,"
  "  cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL, cr INTEGER NOT NULL, ws INTEGER NOT NULL,"
  "  priced INTEGER NOT NULL, estimated INTEGER NOT NULL, long_ctx INTEGER NOT NULL,"
  "  c_input INTEGER NOT NULL, c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL,"
  "  c_cw1h INTEGER NOT NULL, c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL,"
  "  cost INTEGER NOT NULL);"
  "CREATE INDEX messages_session ON messages (session_id);"
  /* Sums per quarter hour (every zone's midnight falls on one), model,
   * backend, user and project: reports read this, not the messages. Kept
   * exact by triggers through inserts, replacements, re-pricing and
   * re-attribution. */
  "CREATE TABLE rollup ("
  "  ts INTEGER NOT NULL, model TEXT NOT NULL, backend INTEGER NOT NULL, user_id INTEGER NOT NULL,"
  "  project TEXT NOT NULL, messages INTEGER NOT NULL, unpriced INTEGER NOT NULL,"
  "  input INTEGER NOT NULL, output INTEGER NOT NULL, cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL,"
  "  cr INTEGER NOT NULL, ws INTEGER NOT NULL, estimated INTEGER NOT NULL, cost INTEGER NOT NULL,"
  "  c_input INTEGER NOT NULL, c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL,"
  "  c_cw1h INTEGER NOT NULL, c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL,"
  "  first_ms INTEGER NOT NULL, last_ms INTEGER NOT NULL,"
  "  UNIQUE (ts, model, backend, user_id, project));"
  "CREATE TRIGGER messages_rollup_insert AFTER INSERT ON messages BEGIN" ROLLUP_ADD "END;"
  "CREATE TRIGGER messages_rollup_delete AFTER DELETE ON messages BEGIN" ROLLUP_SUB "END;"
  "CREATE TRIGGER messages_rollup_update AFTER UPDATE ON messages BEGIN"
  ROLLUP_SUB ROLLUP_ADD "END;"
  "CREATE TABLE ratelimit_observations ("
  "  id INTEGER PRIMARY KEY, observed_ms INTEGER NOT NULL, model TEXT NOT NULL,"
  "  organization_id TEXT, kind TEXT NOT NULL, lim INTEGER NOT NULL, remaining INTEGER NOT NULL,"
  "  reset_ms INTEGER NOT NULL, retry_after_s INTEGER NOT NULL, http_status INTEGER NOT NULL);"
  "CREATE INDEX ratelimit_model_kind ON ratelimit_observations (model, kind);",
  /* 1 -> 2: the same sums per session too, so that the sessions list and its
   * cache read a few rows per session instead of every message. */
  "CREATE TABLE session_rollup ("
  "  session_id TEXT NOT NULL, ts INTEGER NOT NULL, model TEXT NOT NULL, backend INTEGER NOT NULL,"
  "  user_id INTEGER NOT NULL, project TEXT NOT NULL, messages INTEGER NOT NULL,"
  "  unpriced INTEGER NOT NULL, input INTEGER NOT NULL, output INTEGER NOT NULL,"
  "  cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL, cr INTEGER NOT NULL, ws INTEGER NOT NULL,"
  "  estimated INTEGER NOT NULL, cost INTEGER NOT NULL, c_input INTEGER NOT NULL,"
  "  c_output INTEGER NOT NULL, c_cw5m INTEGER NOT NULL, c_cw1h INTEGER NOT NULL,"
  "  c_cr INTEGER NOT NULL, c_ws INTEGER NOT NULL, first_ms INTEGER NOT NULL,"
  "  last_ms INTEGER NOT NULL,"
  "  UNIQUE (session_id, ts, model, backend, user_id, project));"
  "INSERT INTO session_rollup SELECT ifnull (session_id, ''), ts - ts % 900000, model, backend,"
  " ifnull (user_id, 0), ifnull (project, ''), count (*), sum (priced = 0), sum (input),"
  " sum (output), sum (cw5m), sum (cw1h), sum (cr), sum (ws), sum (estimated), sum (cost),"
  " sum (c_input), sum (c_output), sum (c_cw5m), sum (c_cw1h), sum (c_cr), sum (c_ws),"
  " min (ts), max (ts) FROM messages GROUP BY 1, 2, 3, 4, 5, 6;"
  "CREATE TRIGGER messages_session_rollup_insert AFTER INSERT ON messages BEGIN" SESSION_ROLLUP_ADD "END;"
  "CREATE TRIGGER messages_session_rollup_delete AFTER DELETE ON messages BEGIN" SESSION_ROLLUP_SUB "END;"
  "CREATE TRIGGER messages_session_rollup_update AFTER UPDATE ON messages BEGIN"
  SESSION_ROLLUP_SUB SESSION_ROLLUP_ADD "END;",
  /* 2 -> 3: the plan's usage windows as Claude Code's status line reports
   * them (NULL: the window was absent). IF NOT EXISTS: a database set back
   * to an older version (as a test of step 1 -> 2 does) may hold it. */
  "CREATE TABLE IF NOT EXISTS plan_observations ("
  "  id INTEGER PRIMARY KEY, observed_ms INTEGER NOT NULL, session_id TEXT, model TEXT,"
  "  five_hour_pct REAL, five_hour_reset_ms INTEGER, seven_day_pct REAL,"
  "  seven_day_reset_ms INTEGER);"
  "CREATE INDEX IF NOT EXISTS plan_observations_time ON plan_observations (observed_ms);",
  /* 3 -> 4: the team push (src/team/, cm-store-push.c). Once a team push has
   * started ('push_log' in meta), every insert, update and delete of a
   * message notes the row in push_log under a new, never reused seq: the
   * push sends what is above the watermark the team database acknowledged,
   * then drops what it acknowledged. Triggers, so that every write path
   * (scanner, re-pricing, owner changes, the sidechain rule) is covered;
   * a writer that bypasses them must note its rows itself. Without a push
   * the WHEN clause is one lookup in meta per row. */
  "CREATE TABLE IF NOT EXISTS push_log ("
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT, message INTEGER UNIQUE, dkey TEXT, ts INTEGER);"
  /* message: the id of a new or changed row; a deleted one has NULL there and
   * its dedup key and time instead. */
  "CREATE TRIGGER IF NOT EXISTS messages_push_insert AFTER INSERT ON messages"
  " WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'push_log') BEGIN"
  " INSERT OR REPLACE INTO push_log (message) VALUES (NEW.id); END;"
  "CREATE TRIGGER IF NOT EXISTS messages_push_update AFTER UPDATE ON messages"
  " WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'push_log') BEGIN"
  " INSERT OR REPLACE INTO push_log (message) VALUES (NEW.id); END;"
  "CREATE TRIGGER IF NOT EXISTS messages_push_delete AFTER DELETE ON messages"
  " WHEN EXISTS (SELECT 1 FROM meta WHERE key = 'push_log') BEGIN"
  " DELETE FROM push_log WHERE message = OLD.id;"
  " INSERT INTO push_log (dkey, ts) VALUES (OLD.dkey, OLD.ts); END;",
  /* 4 -> 5: what the Admin API says the organization was billed and used,
   * per UTC day, and which days were fetched when (a day is final 48 hours
   * after it ends; until then it is fetched again). Money in 1e-10 USD.
   * "IF NOT EXISTS": a database whose version was set back by hand still
   * opens. */
  "CREATE TABLE IF NOT EXISTS billed_costs ("
  "  day TEXT NOT NULL, model TEXT, cost_type TEXT, token_type TEXT, service_tier TEXT,"
  "  context_window TEXT, inference_geo TEXT, workspace_id TEXT, description TEXT,"
  "  amount INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS billed_costs_day ON billed_costs (day);"
  "CREATE TABLE IF NOT EXISTS billed_usage ("
  "  day TEXT NOT NULL, model TEXT, service_tier TEXT, context_window TEXT, inference_geo TEXT,"
  "  speed TEXT, input INTEGER NOT NULL, cw5m INTEGER NOT NULL, cw1h INTEGER NOT NULL,"
  "  cr INTEGER NOT NULL, output INTEGER NOT NULL, ws INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS billed_usage_day ON billed_usage (day);"
  "CREATE TABLE IF NOT EXISTS org_usage ("
  "  id INTEGER PRIMARY KEY, day TEXT NOT NULL, actor_type TEXT NOT NULL, actor TEXT NOT NULL,"
  "  customer_type TEXT, terminal_type TEXT, sessions INTEGER NOT NULL,"
  "  lines_added INTEGER NOT NULL, lines_removed INTEGER NOT NULL, commits INTEGER NOT NULL,"
  "  pull_requests INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS org_usage_day ON org_usage (day);"
  "CREATE TABLE IF NOT EXISTS org_usage_models ("
  "  usage_id INTEGER NOT NULL, model TEXT NOT NULL, input INTEGER NOT NULL,"
  "  output INTEGER NOT NULL, cr INTEGER NOT NULL, cc INTEGER NOT NULL, cost INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS org_usage_models_usage ON org_usage_models (usage_id);"
  "CREATE TABLE IF NOT EXISTS billed_sync ("
  "  endpoint TEXT NOT NULL, day TEXT NOT NULL, fetched_ms INTEGER NOT NULL,"
  "  PRIMARY KEY (endpoint, day));",
  /* 5 -> 6: the billing modes of each message (usage.speed, '' standard;
   * usage.inference_geo, '' standard), and the speed in both rollups' key so
   * that fast mode is a row of its own. Every file is read once more (its
   * inode no longer matches) so that lines read before get theirs. */
  "ALTER TABLE messages ADD COLUMN speed TEXT NOT NULL DEFAULT '';"
  "ALTER TABLE messages ADD COLUMN inference_geo TEXT NOT NULL DEFAULT '';"
  "DROP TRIGGER IF EXISTS messages_rollup_insert;"
  "DROP TRIGGER IF EXISTS messages_rollup_delete;"
  "DROP TRIGGER IF EXISTS messages_rollup_update;"
  "DROP TRIGGER IF EXISTS messages_session_rollup_insert;"
  "DROP TRIGGER IF EXISTS messages_session_rollup_delete;"
  "DROP TRIGGER IF EXISTS messages_session_rollup_update;"
  "CREATE TABLE rollup3 (" ROLLUP3_COLUMNS ("") ", UNIQUE (ts, model, speed, backend, user_id, project));"
  "INSERT INTO rollup3 SELECT " ROLLUP3_COPY " FROM rollup;"
  "DROP TABLE rollup;"
  "ALTER TABLE rollup3 RENAME TO rollup;"
  "CREATE TABLE session_rollup3 (" ROLLUP3_COLUMNS ("session_id TEXT NOT NULL, ")
  ", UNIQUE (session_id, ts, model, speed, backend, user_id, project));"
  "INSERT INTO session_rollup3 SELECT session_id, " ROLLUP3_COPY " FROM session_rollup;"
  "DROP TABLE session_rollup;"
  "ALTER TABLE session_rollup3 RENAME TO session_rollup;"
  "CREATE TRIGGER messages_rollup_insert AFTER INSERT ON messages BEGIN" ROLLUP3_ADD "END;"
  "CREATE TRIGGER messages_rollup_delete AFTER DELETE ON messages BEGIN" ROLLUP3_SUB "END;"
  "CREATE TRIGGER messages_rollup_update AFTER UPDATE ON messages BEGIN"
  ROLLUP3_SUB ROLLUP3_ADD "END;"
  "CREATE TRIGGER messages_session_rollup_insert AFTER INSERT ON messages BEGIN" SESSION_ROLLUP3_ADD "END;"
  "CREATE TRIGGER messages_session_rollup_delete AFTER DELETE ON messages BEGIN" SESSION_ROLLUP3_SUB "END;"
  "CREATE TRIGGER messages_session_rollup_update AFTER UPDATE ON messages BEGIN"
  SESSION_ROLLUP3_SUB SESSION_ROLLUP3_ADD "END;"
  "UPDATE files SET ino = -1 WHERE gone = 0;",
  /* 6 -> 7: a folder the user added that holds several homes is read home by
   * home, each a source of its own with its own identity, under the folder
   * (cm-store-sources.c). */
  "CREATE TABLE IF NOT EXISTS source_parents ("
  "  source_id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL);"
  "CREATE INDEX IF NOT EXISTS source_parents_parent ON source_parents (parent_id);",
  /* 7 -> 8: the rollup triggers stand aside in a transaction the scanner
   * marks ('rollup_writer' in meta, never committed): it applies the same
   * rules to both rollups in memory and writes each touched row once. */
  "DROP TRIGGER IF EXISTS messages_rollup_insert;"
  "DROP TRIGGER IF EXISTS messages_rollup_delete;"
  "DROP TRIGGER IF EXISTS messages_rollup_update;"
  "DROP TRIGGER IF EXISTS messages_session_rollup_insert;"
  "DROP TRIGGER IF EXISTS messages_session_rollup_delete;"
  "DROP TRIGGER IF EXISTS messages_session_rollup_update;"
  "CREATE TRIGGER messages_rollup_insert AFTER INSERT ON messages" UNLESS_WRITER " BEGIN" ROLLUP3_ADD "END;"
  "CREATE TRIGGER messages_rollup_delete AFTER DELETE ON messages" UNLESS_WRITER " BEGIN" ROLLUP3_SUB "END;"
  "CREATE TRIGGER messages_rollup_update AFTER UPDATE ON messages" UNLESS_WRITER " BEGIN"
  ROLLUP3_SUB ROLLUP3_ADD "END;"
  "CREATE TRIGGER messages_session_rollup_insert AFTER INSERT ON messages" UNLESS_WRITER " BEGIN"
  SESSION_ROLLUP3_ADD "END;"
  "CREATE TRIGGER messages_session_rollup_delete AFTER DELETE ON messages" UNLESS_WRITER " BEGIN"
  SESSION_ROLLUP3_SUB "END;"
  "CREATE TRIGGER messages_session_rollup_update AFTER UPDATE ON messages" UNLESS_WRITER " BEGIN"
  SESSION_ROLLUP3_SUB SESSION_ROLLUP3_ADD "END;",
  /* 8 -> 9: a fingerprint of the bytes before each file's offset (its first
   * and its last 4 KiB), so that a file rewritten in place or recreated on
   * the same inode is read again from the start (cm-scanner-read.c). NULL
   * (0): none yet, the offset is trusted once. */
  "ALTER TABLE files ADD COLUMN fp INTEGER NOT NULL DEFAULT 0;",
};

G_STATIC_ASSERT (G_N_ELEMENTS (migrations) == SCHEMA_VERSION);

int
cm_store_schema_version (void)
{
  return SCHEMA_VERSION;
}

gboolean
cm_store_migrate (sqlite3     *db,
         GError     **error)
{
  gint64 version = 0;

  if (!cm_sqlite_query_int (db, "PRAGMA user_version", &version, error))
    return FALSE;

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_TOO_NEW,
                   "The cost database was written by a newer CostMeter (schema %" G_GINT64_FORMAT
                   ", this one knows %d). Update CostMeter or rebuild the database.",
                   version, SCHEMA_VERSION);
      return FALSE;
    }

  for (gint64 v = version; v < SCHEMA_VERSION; v++)
    {
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %" G_GINT64_FORMAT, v + 1);

      if (!cm_sqlite_exec (db, "BEGIN IMMEDIATE", error))
        return FALSE;
      if (!cm_sqlite_exec (db, migrations[v], error) || !cm_sqlite_exec (db, bump, error))
        {
          cm_sqlite_exec (db, "ROLLBACK", NULL);
          return FALSE;
        }
      if (!cm_sqlite_exec (db, "COMMIT", error))
        return FALSE;
    }

  return TRUE;
}
