/* cm-team-schema.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The team database's schema, one migration per version (applied by
 * “costmeter-cli team init”), its roles and the row-level security that
 * scopes what each role sees, and member roles. */

#include "config.h"

#include <string.h>

#include "cm-team-store-private.h"

/* One row per deduplicated message, in monthly partitions. Dimensions are
 * numbered (users, models, projects, sessions) to keep the rows small: 0
 * stands for none (unattributed, no project, no session). The key is the
 * MD5 of the message's dedup key; no prompt or response text is here. */
#define MESSAGES_DDL \
  "CREATE TABLE costmeter.messages (" \
  "  ts bigint NOT NULL," \
  "  input bigint NOT NULL, output bigint NOT NULL, cw5m bigint NOT NULL, cw1h bigint NOT NULL," \
  "  cr bigint NOT NULL, ws bigint NOT NULL," \
  "  c_input bigint NOT NULL, c_output bigint NOT NULL, c_cw5m bigint NOT NULL," \
  "  c_cw1h bigint NOT NULL, c_cr bigint NOT NULL, c_ws bigint NOT NULL, cost bigint NOT NULL," \
  "  key uuid NOT NULL," \
  "  month integer NOT NULL," \
  "  user_id integer NOT NULL, device_id integer NOT NULL, project_id integer NOT NULL," \
  "  session_id integer NOT NULL, model_id integer NOT NULL," \
  "  backend smallint NOT NULL," \
  "  sidechain boolean NOT NULL, priced boolean NOT NULL, estimated boolean NOT NULL," \
  "  long_ctx boolean NOT NULL," \
  "  speed text NOT NULL DEFAULT ''," \
  "  PRIMARY KEY (month, key)" \
  ") PARTITION BY RANGE (month);" \
  /* Rows arrive roughly in time order inside a month: a block range \
   * index finds the edges of a day range at a fraction of a B-tree's size. */ \
  "CREATE INDEX messages_ts ON costmeter.messages USING brin (ts) WITH (pages_per_range = 16);"

#define SUMS_DDL \
  "messages bigint NOT NULL, unpriced bigint NOT NULL, estimated bigint NOT NULL," \
  " input bigint NOT NULL, output bigint NOT NULL, cw5m bigint NOT NULL, cw1h bigint NOT NULL," \
  " cr bigint NOT NULL, ws bigint NOT NULL, cost bigint NOT NULL, c_input bigint NOT NULL," \
  " c_output bigint NOT NULL, c_cw5m bigint NOT NULL, c_cw1h bigint NOT NULL," \
  " c_cr bigint NOT NULL, c_ws bigint NOT NULL, first_ms bigint, last_ms bigint"

/* The sums the reports read, kept exact by statement triggers on the
 * messages: quarter hours (every zone's midnight falls on one) with every
 * dimension; UTC days with every dimension (range totals: full days from
 * here, the two partial days from the quarter hours); quarter hours without
 * user and project (the team's chart, for admins); sessions by UTC day. */
#define ROLLUPS_DDL \
  "CREATE TABLE costmeter.rollup_qh (ts bigint NOT NULL, model_id integer NOT NULL," \
  "  backend smallint NOT NULL, user_id integer NOT NULL, project_id integer NOT NULL," \
  "  speed text NOT NULL, " SUMS_DDL "," \
  "  PRIMARY KEY (ts, model_id, backend, user_id, project_id, speed));" \
  "CREATE INDEX rollup_qh_user ON costmeter.rollup_qh (user_id, ts);" \
  "CREATE INDEX rollup_qh_project ON costmeter.rollup_qh (project_id, ts);" \
  "CREATE TABLE costmeter.rollup_day (day integer NOT NULL, model_id integer NOT NULL," \
  "  backend smallint NOT NULL, user_id integer NOT NULL, project_id integer NOT NULL," \
  "  speed text NOT NULL, " SUMS_DDL "," \
  "  PRIMARY KEY (day, model_id, backend, user_id, project_id, speed));" \
  "CREATE INDEX rollup_day_user ON costmeter.rollup_day (user_id, project_id);" \
  "CREATE TABLE costmeter.rollup_time (ts bigint NOT NULL, model_id integer NOT NULL," \
  "  backend smallint NOT NULL, speed text NOT NULL, " SUMS_DDL "," \
  "  PRIMARY KEY (ts, model_id, backend, speed));" \
  "CREATE TABLE costmeter.session_day (day integer NOT NULL, session_id integer NOT NULL," \
  "  model_id integer NOT NULL, backend smallint NOT NULL, user_id integer NOT NULL," \
  "  project_id integer NOT NULL, speed text NOT NULL, " SUMS_DDL "," \
  "  PRIMARY KEY (day, session_id, model_id, backend, user_id, project_id, speed));" \
  "CREATE INDEX session_day_session ON costmeter.session_day (session_id);"

/* What a push sends, one batch at a time, before push_apply() merges it.
 * Members may only add rows, under their own name (pusher takes the
 * session's role; they hold no right on that column). */
#define STAGING_COLUMNS \
  "push_id, seq, gone, key, ts, user_email, project, session, model, backend, speed, sidechain," \
  " priced, estimated, long_ctx, input, output, cw5m, cw1h, cr, ws, c_input, c_output, c_cw5m," \
  " c_cw1h, c_cr, c_ws, cost"

#define STAGING_DDL \
  "CREATE UNLOGGED TABLE costmeter.push_staging (" \
  "  push_id uuid NOT NULL, pusher name NOT NULL DEFAULT session_user, seq bigint NOT NULL," \
  "  gone boolean NOT NULL, key uuid NOT NULL, ts bigint NOT NULL, user_email text," \
  "  project text, session text, model text, backend smallint, speed text, sidechain boolean," \
  "  priced boolean, estimated boolean, long_ctx boolean, input bigint, output bigint," \
  "  cw5m bigint, cw1h bigint, cr bigint, ws bigint, c_input bigint, c_output bigint," \
  "  c_cw5m bigint, c_cw1h bigint, c_cr bigint, c_ws bigint, cost bigint);" \
  "GRANT INSERT (" STAGING_COLUMNS ") ON costmeter.push_staging TO costmeter_member;"

/* Months as yyyymm, from Unix ms in UTC. */
#define MONTH_FUNCTIONS \
  "CREATE FUNCTION costmeter.month_of (ms bigint) RETURNS integer LANGUAGE sql IMMUTABLE" \
  " PARALLEL SAFE AS $$ SELECT (extract (year FROM d) * 100 + extract (month FROM d))::integer" \
  " FROM (SELECT date '1970-01-01' + floor (ms / 86400000.0)::integer AS d) x $$;" \
  "CREATE FUNCTION costmeter.month_start (m integer) RETURNS bigint LANGUAGE sql IMMUTABLE" \
  " PARALLEL SAFE AS $$ SELECT ((make_date (m / 100, m % 100, 1) - date '1970-01-01')::bigint)" \
  " * 86400000 $$;" \
  "CREATE FUNCTION costmeter.next_month (m integer) RETURNS integer LANGUAGE sql IMMUTABLE" \
  " PARALLEL SAFE AS $$ SELECT CASE WHEN m % 100 = 12 THEN m + 89 ELSE m + 1 END $$;" \
  "CREATE FUNCTION costmeter.prev_month (m integer) RETURNS integer LANGUAGE sql IMMUTABLE" \
  " PARALLEL SAFE AS $$ SELECT CASE WHEN m % 100 = 1 THEN m - 89 ELSE m - 1 END $$;" \
  "CREATE FUNCTION costmeter.add_partitions (months integer[]) RETURNS void LANGUAGE plpgsql" \
  " AS $$ DECLARE m integer; BEGIN" \
  "  FOREACH m IN ARRAY months LOOP" \
  "    IF to_regclass (format ('costmeter.messages_%s', m)) IS NULL THEN" \
  "      PERFORM pg_advisory_xact_lock (hashtext ('costmeter partitions'));" \
  "      EXECUTE format ('CREATE TABLE IF NOT EXISTS costmeter.%I PARTITION OF costmeter.messages" \
  "        FOR VALUES FROM (%s) TO (%s)', 'messages_' || m, m, costmeter.next_month (m));" \
  "    END IF;" \
  "  END LOOP; END $$;" \
  "REVOKE ALL ON FUNCTION costmeter.add_partitions (integer[]) FROM PUBLIC;"

/* The better of two copies of one message, as the local store decides:
 * more output, then the main thread, then the larger prompt, then the
 * earlier. */
#define PROMPT(T) "(" T ".input + " T ".cw5m + " T ".cw1h + " T ".cr)"
#define STRICTLY_BETTER(A, B) \
  "(" A ".output > " B ".output OR (" A ".output = " B ".output AND" \
  " ((NOT " A ".sidechain AND " B ".sidechain) OR (" A ".sidechain = " B ".sidechain AND" \
  " (" PROMPT (A) " > " PROMPT (B) " OR (" PROMPT (A) " = " PROMPT (B) " AND " A ".ts < " B ".ts))))))"

#define MESSAGE_VALUES \
  "ts, user_id, device_id, project_id, session_id, model_id, backend, speed, sidechain, priced," \
  " estimated, long_ctx, input, output, cw5m, cw1h, cr, ws, c_input, c_output, c_cw5m, c_cw1h," \
  " c_cr, c_ws, cost"

/* Merges one staged batch under one lock of its device: removals, copies
 * that moved into the neighbouring month, then the upsert. A row replaces
 * the stored copy when it comes from the same device (its own newer state:
 * a new price, a new owner) or when the stored copy is not strictly better,
 * so the same message from two machines counts once, as the better copy.
 * The watermark moves in the same transaction: a batch is in or it is not. */
#define PUSH_APPLY \
  "CREATE FUNCTION costmeter.push_apply (p_push uuid, p_device uuid, p_name text," \
  "  p_from bigint, p_to bigint) RETURNS bigint LANGUAGE plpgsql SECURITY DEFINER" \
  "  SET search_path = pg_catalog, costmeter, pg_temp AS $f$" \
  " DECLARE dev costmeter.devices; n bigint; BEGIN" \
  "  INSERT INTO costmeter.devices (uuid, name, owner) VALUES (p_device, p_name, session_user)" \
  "   ON CONFLICT (uuid) DO NOTHING;" \
  "  SELECT * INTO dev FROM costmeter.devices WHERE uuid = p_device FOR UPDATE;" \
  "  IF dev.owner <> session_user AND NOT pg_has_role (session_user, 'costmeter_admin', 'MEMBER')" \
  "  THEN RAISE EXCEPTION 'this device pushes as %', dev.owner USING ERRCODE = '42501'; END IF;" \
  "  IF dev.watermark <> p_from THEN" \
  "   RAISE EXCEPTION 'the watermark moved to %', dev.watermark USING ERRCODE = 'CMW01'; END IF;" \
  "  CREATE TEMP TABLE push_batch ON COMMIT DROP AS" \
  "   SELECT *, CASE WHEN ts < costmeter.month_start (month) + 86400000" \
  "     THEN costmeter.prev_month (month)" \
  "     WHEN ts >= costmeter.month_start (costmeter.next_month (month)) - 86400000" \
  "     THEN costmeter.next_month (month) END AS other_month" \
  "   FROM (SELECT DISTINCT ON (s.key) s.*, costmeter.month_of (s.ts) AS month" \
  "    FROM costmeter.push_staging s WHERE s.push_id = p_push AND s.pusher = session_user" \
  "    ORDER BY s.key, s.seq DESC) x;" \
  "  INSERT INTO costmeter.users (email) SELECT DISTINCT user_email FROM push_batch" \
  "   WHERE user_email IS NOT NULL ON CONFLICT DO NOTHING;" \
  "  INSERT INTO costmeter.models (name) SELECT DISTINCT model FROM push_batch" \
  "   WHERE model IS NOT NULL ON CONFLICT DO NOTHING;" \
  "  INSERT INTO costmeter.projects (path) SELECT DISTINCT project FROM push_batch" \
  "   WHERE project IS NOT NULL ON CONFLICT DO NOTHING;" \
  "  INSERT INTO costmeter.sessions (session) SELECT DISTINCT session FROM push_batch" \
  "   WHERE session IS NOT NULL ON CONFLICT DO NOTHING;" \
  "  PERFORM costmeter.add_partitions (ARRAY (SELECT DISTINCT month FROM push_batch WHERE NOT gone));" \
  /* Removed on the device (its sidechain rule): removed here too. */ \
  "  DELETE FROM costmeter.messages m USING push_batch b WHERE b.gone AND m.key = b.key" \
  "   AND (m.month = b.month OR m.month = b.other_month);" \
  /* A copy within a day of a month's end may sit in the other month. */ \
  "  DELETE FROM costmeter.messages m USING push_batch b WHERE NOT b.gone" \
  "   AND b.other_month IS NOT NULL AND m.month = b.other_month AND m.key = b.key" \
  "   AND (m.device_id = dev.id OR NOT " STRICTLY_BETTER ("m", "b") ");" \
  "  INSERT INTO costmeter.messages AS e (month, key, " MESSAGE_VALUES ")" \
  "   SELECT b.month, b.key, b.ts, coalesce (u.id, 0), dev.id, coalesce (p.id, 0)," \
  "    coalesce (se.id, 0), mo.id, b.backend, coalesce (b.speed, ''), b.sidechain, b.priced," \
  "    b.estimated, b.long_ctx, b.input, b.output, b.cw5m, b.cw1h, b.cr, b.ws, b.c_input," \
  "    b.c_output, b.c_cw5m, b.c_cw1h, b.c_cr, b.c_ws, b.cost" \
  "   FROM push_batch b JOIN costmeter.models mo ON mo.name = b.model" \
  "    LEFT JOIN costmeter.users u ON u.email = b.user_email" \
  "    LEFT JOIN costmeter.projects p ON p.path = b.project" \
  "    LEFT JOIN costmeter.sessions se ON se.session = b.session" \
  "   WHERE NOT b.gone AND NOT EXISTS (SELECT 1 FROM costmeter.messages o" \
  "    WHERE b.other_month IS NOT NULL AND o.month = b.other_month AND o.key = b.key)" \
  "  ON CONFLICT (month, key) DO UPDATE SET (" MESSAGE_VALUES ") = (excluded.ts," \
  "   excluded.user_id, excluded.device_id, excluded.project_id, excluded.session_id," \
  "   excluded.model_id, excluded.backend, excluded.speed, excluded.sidechain, excluded.priced," \
  "   excluded.estimated, excluded.long_ctx, excluded.input, excluded.output, excluded.cw5m," \
  "   excluded.cw1h, excluded.cr, excluded.ws, excluded.c_input, excluded.c_output," \
  "   excluded.c_cw5m, excluded.c_cw1h, excluded.c_cr, excluded.c_ws, excluded.cost)" \
  "   WHERE (e.device_id = excluded.device_id OR NOT " STRICTLY_BETTER ("e", "excluded") ")" \
  "    AND (e.ts, e.user_id, e.device_id, e.project_id, e.session_id, e.model_id, e.backend," \
  "     e.speed, e.sidechain, e.priced, e.estimated, e.long_ctx, e.input, e.output, e.cw5m," \
  "     e.cw1h, e.cr, e.ws, e.cost, e.c_input, e.c_output, e.c_cw5m, e.c_cw1h, e.c_cr, e.c_ws)" \
  "    IS DISTINCT FROM (excluded.ts, excluded.user_id, excluded.device_id, excluded.project_id," \
  "     excluded.session_id, excluded.model_id, excluded.backend, excluded.speed," \
  "     excluded.sidechain, excluded.priced, excluded.estimated, excluded.long_ctx," \
  "     excluded.input, excluded.output, excluded.cw5m, excluded.cw1h, excluded.cr, excluded.ws," \
  "     excluded.cost, excluded.c_input, excluded.c_output, excluded.c_cw5m, excluded.c_cw1h," \
  "     excluded.c_cr, excluded.c_ws);" \
  "  GET DIAGNOSTICS n = ROW_COUNT;" \
  "  UPDATE costmeter.devices SET watermark = p_to, name = p_name, last_push = now ()," \
  "   rows_pushed = rows_pushed + (SELECT count (*) FROM push_batch) WHERE id = dev.id;" \
  "  DELETE FROM costmeter.push_staging WHERE push_id = p_push AND pusher = session_user;" \
  "  RETURN n; END $f$;" \
  "REVOKE ALL ON FUNCTION costmeter.push_apply (uuid, uuid, text, bigint, bigint) FROM PUBLIC;" \
  "GRANT EXECUTE ON FUNCTION costmeter.push_apply (uuid, uuid, text, bigint, bigint)" \
  " TO costmeter_member;"

/* Members see their own user's rows, admins everyone's: the database
 * decides, whatever a client asks. Partitions grant nothing, so they cannot
 * be read around the policies. */
#define OWN_USER "(SELECT costmeter.own_user_id ())"
#define POLICIES \
  "CREATE FUNCTION costmeter.own_user_id () RETURNS integer LANGUAGE sql STABLE AS" \
  " $$ SELECT coalesce ((SELECT id FROM costmeter.users WHERE lower (email) = lower (current_user)), -1) $$;" \
  "ALTER TABLE costmeter.users ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.users FOR SELECT TO costmeter_member" \
  " USING (lower (email) = lower (current_user));" \
  "CREATE POLICY everyone ON costmeter.users FOR SELECT TO costmeter_admin USING (true);" \
  "ALTER TABLE costmeter.devices ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.devices FOR SELECT TO costmeter_member USING (owner = current_user);" \
  "CREATE POLICY everyone ON costmeter.devices FOR SELECT TO costmeter_admin USING (true);" \
  "ALTER TABLE costmeter.messages ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.messages FOR SELECT TO costmeter_member USING (user_id = " OWN_USER ");" \
  "CREATE POLICY everyone ON costmeter.messages FOR SELECT TO costmeter_admin USING (true);" \
  "ALTER TABLE costmeter.rollup_qh ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.rollup_qh FOR SELECT TO costmeter_member USING (user_id = " OWN_USER ");" \
  "CREATE POLICY everyone ON costmeter.rollup_qh FOR SELECT TO costmeter_admin USING (true);" \
  "ALTER TABLE costmeter.rollup_day ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.rollup_day FOR SELECT TO costmeter_member USING (user_id = " OWN_USER ");" \
  "CREATE POLICY everyone ON costmeter.rollup_day FOR SELECT TO costmeter_admin USING (true);" \
  "ALTER TABLE costmeter.session_day ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.session_day FOR SELECT TO costmeter_member USING (user_id = " OWN_USER ");" \
  "CREATE POLICY everyone ON costmeter.session_day FOR SELECT TO costmeter_admin USING (true);" \
  /* Whole-team sums without a user: admins only. */ \
  "ALTER TABLE costmeter.rollup_time ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY everyone ON costmeter.rollup_time FOR SELECT TO costmeter_admin USING (true);" \
  /* A project's name is seen by whoever may see a row of it. */ \
  "ALTER TABLE costmeter.projects ENABLE ROW LEVEL SECURITY;" \
  "CREATE POLICY own ON costmeter.projects FOR SELECT TO costmeter_member USING (EXISTS" \
  " (SELECT 1 FROM costmeter.rollup_day r WHERE r.user_id = " OWN_USER " AND r.project_id = projects.id));" \
  "CREATE POLICY everyone ON costmeter.projects FOR SELECT TO costmeter_admin USING (true);" \
  "GRANT SELECT ON costmeter.schema_version, costmeter.users, costmeter.models, costmeter.projects," \
  " costmeter.sessions, costmeter.devices, costmeter.messages, costmeter.rollup_qh," \
  " costmeter.rollup_day, costmeter.rollup_time, costmeter.session_day TO costmeter_member;"

static const char migration_1[] =
  "CREATE SCHEMA costmeter;"
  "DO $$ BEGIN"
  " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'costmeter_member') THEN"
  "  CREATE ROLE costmeter_member NOLOGIN; END IF;"
  " IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'costmeter_admin') THEN"
  "  CREATE ROLE costmeter_admin NOLOGIN; END IF; END $$;"
  "GRANT costmeter_member TO costmeter_admin;"
  "GRANT USAGE ON SCHEMA costmeter TO costmeter_member;"
  "CREATE TABLE costmeter.schema_version (version integer NOT NULL);"
  "INSERT INTO costmeter.schema_version VALUES (0);"
  "CREATE TABLE costmeter.users (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  " email text NOT NULL UNIQUE);"
  "CREATE TABLE costmeter.models (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  " name text NOT NULL UNIQUE);"
  "CREATE TABLE costmeter.projects (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  " path text NOT NULL UNIQUE);"
  "CREATE TABLE costmeter.sessions (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  " session text NOT NULL UNIQUE);"
  /* A device is one local database; its watermark is the last entry of its
   * log that this database holds. */
  "CREATE TABLE costmeter.devices (id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
  " uuid uuid NOT NULL UNIQUE, name text NOT NULL, owner name NOT NULL,"
  " watermark bigint NOT NULL DEFAULT 0, rows_pushed bigint NOT NULL DEFAULT 0,"
  " first_push timestamptz NOT NULL DEFAULT now (), last_push timestamptz NOT NULL DEFAULT now ());"
  MESSAGES_DDL
  ROLLUPS_DDL
  STAGING_DDL
  MONTH_FUNCTIONS
  PUSH_APPLY
  POLICIES;

/* --- the rollups' triggers --- */

typedef struct
{
  const char *table;
  const char *keys;       /* its key columns */
  const char *exprs;      /* the same from a message row d */
} Rollup;

static const Rollup rollups[] = {
  { "rollup_qh", "ts, model_id, backend, user_id, project_id, speed",
    "d.ts - d.ts % 900000, d.model_id, d.backend, d.user_id, d.project_id, d.speed" },
  { "rollup_day", "day, model_id, backend, user_id, project_id, speed",
    "(d.ts / 86400000)::integer, d.model_id, d.backend, d.user_id, d.project_id, d.speed" },
  { "rollup_time", "ts, model_id, backend, speed",
    "d.ts - d.ts % 900000, d.model_id, d.backend, d.speed" },
  { "session_day", "day, session_id, model_id, backend, user_id, project_id, speed",
    "(d.ts / 86400000)::integer, d.session_id, d.model_id, d.backend, d.user_id, d.project_id, d.speed" },
};

#define SUM_COLUMNS \
  "messages, unpriced, estimated, input, output, cw5m, cw1h, cr, ws, cost, c_input, c_output," \
  " c_cw5m, c_cw1h, c_cr, c_ws"

/* s is +1 for a row that counts from now on, -1 for one that stops. */
#define SIGNED_SUMS \
  "sum (d.s), sum (d.s * (NOT d.priced)::integer), sum (d.s * d.estimated::integer)," \
  " sum (d.s * d.input), sum (d.s * d.output), sum (d.s * d.cw5m), sum (d.s * d.cw1h)," \
  " sum (d.s * d.cr), sum (d.s * d.ws), sum (d.s * d.cost), sum (d.s * d.c_input)," \
  " sum (d.s * d.c_output), sum (d.s * d.c_cw5m), sum (d.s * d.c_cw1h), sum (d.s * d.c_cr)," \
  " sum (d.s * d.c_ws), min (d.ts) FILTER (WHERE d.s > 0), max (d.ts) FILTER (WHERE d.s > 0)"

#define ADD_SUMS \
  "messages = r.messages + excluded.messages, unpriced = r.unpriced + excluded.unpriced," \
  " estimated = r.estimated + excluded.estimated, input = r.input + excluded.input," \
  " output = r.output + excluded.output, cw5m = r.cw5m + excluded.cw5m," \
  " cw1h = r.cw1h + excluded.cw1h, cr = r.cr + excluded.cr, ws = r.ws + excluded.ws," \
  " cost = r.cost + excluded.cost, c_input = r.c_input + excluded.c_input," \
  " c_output = r.c_output + excluded.c_output, c_cw5m = r.c_cw5m + excluded.c_cw5m," \
  " c_cw1h = r.c_cw1h + excluded.c_cw1h, c_cr = r.c_cr + excluded.c_cr," \
  " c_ws = r.c_ws + excluded.c_ws, first_ms = least (r.first_ms, excluded.first_ms)," \
  " last_ms = greatest (r.last_ms, excluded.last_ms)"

static char *
prefixed (const char *prefix,
          const char *columns)
{
  g_auto(GStrv) parts = g_strsplit (columns, ", ", -1);
  GString *out = g_string_new ("(");

  for (guint i = 0; parts[i] != NULL; i++)
    g_string_append_printf (out, "%s%s.%s", i > 0 ? ", " : "", prefix, parts[i]);
  g_string_append_c (out, ')');

  return g_string_free (out, FALSE);
}

/* One trigger function: @delta selects the changed rows with their sign. */
static void
append_trigger (GString    *sql,
                const char *name,
                const char *delta,
                const char *event,
                const char *referencing,
                gboolean    may_empty)
{
  g_string_append_printf (sql, "CREATE FUNCTION costmeter.%s () RETURNS trigger LANGUAGE plpgsql"
                               " AS $f$ BEGIN ", name);
  for (guint i = 0; i < G_N_ELEMENTS (rollups); i++)
    {
      const Rollup *r = &rollups[i];

      g_string_append_printf (sql,
                              "WITH d AS (%s) INSERT INTO costmeter.%s AS r (%s, " SUM_COLUMNS
                              ", first_ms, last_ms) SELECT %s, " SIGNED_SUMS " FROM d GROUP BY %s"
                              " ON CONFLICT (%s) DO UPDATE SET " ADD_SUMS ";",
                              delta, r->table, r->keys, r->exprs, r->exprs, r->keys);
      if (may_empty)
        {
          g_autofree char *rkeys = prefixed ("r", r->keys);
          g_autofree char *kkeys = prefixed ("k", r->keys);

          /* Sums that reached no message are dropped. */
          g_string_append_printf (sql,
                                  "DELETE FROM costmeter.%s r USING (SELECT DISTINCT %s FROM removed d)"
                                  " k (%s) WHERE r.messages = 0 AND %s = %s;",
                                  r->table, r->exprs, r->keys, rkeys, kkeys);
        }
    }
  g_string_append_printf (sql, "RETURN NULL; END $f$;"
                               "CREATE TRIGGER %s AFTER %s ON costmeter.messages REFERENCING %s"
                               " FOR EACH STATEMENT EXECUTE FUNCTION costmeter.%s ();",
                          name, event, referencing, name);
}

static char *
rollup_triggers (void)
{
  GString *sql = g_string_new (NULL);

  append_trigger (sql, "messages_added", "SELECT 1 AS s, * FROM added", "INSERT",
                  "NEW TABLE AS added", FALSE);
  append_trigger (sql, "messages_changed",
                  "SELECT -1 AS s, * FROM removed UNION ALL SELECT 1, * FROM added", "UPDATE",
                  "OLD TABLE AS removed NEW TABLE AS added", TRUE);
  append_trigger (sql, "messages_removed", "SELECT -1 AS s, * FROM removed", "DELETE",
                  "OLD TABLE AS removed", TRUE);

  return g_string_free (sql, FALSE);
}

/* --- versions --- */

int
cm_team_schema_version (PGconn  *conn,
                        GError **error)
{
  PGresult *res;
  int version = 0;

  /* The catalog is readable by every role; the table itself only by the
   * team's roles. */
  res = cm_team_exec (conn,
                      "SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                      " WHERE n.nspname = 'costmeter' AND c.relname = 'schema_version'",
                      0, NULL, "read the schema version", error);
  if (res == NULL)
    return -1;
  if (PQntuples (res) == 0)
    {
      PQclear (res);
      return 0;
    }
  PQclear (res);

  res = cm_team_exec (conn, "SELECT max (version) FROM costmeter.schema_version", 0, NULL,
                      "read the schema version", error);
  if (res == NULL)
    return -1;
  version = (int) cm_team_get_int64 (res, 0, 0);
  PQclear (res);

  return version;
}

static const char *
migration_sql (int    version,
               char **owned)
{
  switch (version)
    {
    case 1:
      {
        g_autofree char *triggers = rollup_triggers ();

        *owned = g_strconcat (migration_1, triggers, NULL);
        return *owned;
      }
    default:
      g_assert_not_reached ();
    }
}

static gboolean
migrate (PGconn  *conn,
         int     *old_version,
         GError **error)
{
  int version;

  /* One at a time, whoever else runs init now. */
  if (!cm_team_exec_command (conn, "SELECT pg_advisory_xact_lock (hashtext ('costmeter schema'))",
                             "lock the schema", error))
    return FALSE;

  version = cm_team_schema_version (conn, error);
  if (version < 0)
    return FALSE;
  *old_version = version;

  if (version > CM_TEAM_SCHEMA_VERSION)
    return g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_TOO_NEW,
                        "The team database was set up by a newer CostMeter (schema %d; this one "
                        "knows %d): update CostMeter. Nothing was changed.",
                        version, CM_TEAM_SCHEMA_VERSION), FALSE;

  for (int v = version + 1; v <= CM_TEAM_SCHEMA_VERSION; v++)
    {
      g_autofree char *owned = NULL;
      g_autofree char *bump = g_strdup_printf ("UPDATE costmeter.schema_version SET version = %d", v);

      if (!cm_team_exec_command (conn, migration_sql (v, &owned), "create the schema", error) ||
          !cm_team_exec_command (conn, bump, "record the schema version", error))
        return FALSE;
    }

  return TRUE;
}

gboolean
cm_team_store_setup (CmTeamStore  *self,
                    int          *old_version,
                    GError      **error)
{
  PGconn *conn;
  gboolean ok;
  int version = 0;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);

  conn = cm_team_take_conn (self, FALSE, error);
  if (conn == NULL)
    return FALSE;

  /* Every step in one transaction: a failed init leaves nothing behind. */
  ok = cm_team_exec_command (conn, "BEGIN", "begin", error) &&
       migrate (conn, &version, error) &&
       cm_team_exec_command (conn, "COMMIT", "commit", error);
  if (!ok)
    cm_team_exec_command (conn, "ROLLBACK", "roll back", NULL);
  cm_team_give_conn (self, conn);

  if (old_version != NULL)
    *old_version = version;

  return ok;
}

/* --- members --- */

static char *
quote_identifier (PGconn     *conn,
                  const char *name)
{
  char *quoted = PQescapeIdentifier (conn, name, strlen (name));
  char *copy = g_strdup (quoted);

  PQfreemem (quoted);

  return copy;
}

static gboolean
set_member_role (PGconn      *conn,
                 const char  *email,
                 const char  *password,
                 gboolean     admin,
                 GError     **error)
{
  g_autofree char *role = quote_identifier (conn, email);
  g_autofree char *sql = NULL;
  char *hashed;
  char *literal;
  PGresult *res;
  const char *params[] = { email };
  gboolean exists, ok;

  res = cm_team_exec (conn, "SELECT 1 FROM pg_roles WHERE rolname = $1", 1, params,
                      "look up the role", error);
  if (res == NULL)
    return FALSE;
  exists = PQntuples (res) > 0;
  PQclear (res);

  /* Hashed here: the server (and its log) never sees the password. */
  hashed = PQencryptPasswordConn (conn, password, email, NULL);
  if (hashed == NULL)
    return cm_team_set_error (error, conn, NULL, "hash the password");
  literal = PQescapeLiteral (conn, hashed, strlen (hashed));
  memset (hashed, 0, strlen (hashed));
  PQfreemem (hashed);

  sql = g_strdup_printf ("%s ROLE %s LOGIN PASSWORD %s; GRANT %s TO %s;",
                         exists ? "ALTER" : "CREATE", role, literal,
                         admin ? "costmeter_admin" : "costmeter_member", role);
  PQfreemem (literal);

  ok = cm_team_exec_command (conn, sql, "create the member's role", error);
  memset (sql, 0, strlen (sql));
  if (!ok)
    return FALSE;

  /* The user row the member's policies point at. */
  res = cm_team_exec (conn, "INSERT INTO costmeter.users (email) VALUES ($1) ON CONFLICT DO NOTHING",
                      1, params, "add the member's user", error);
  PQclear (res);

  return res != NULL;
}

gboolean
cm_team_store_add_member (CmTeamStore  *self,
                          const char   *email,
                          const char   *password,
                          gboolean      admin,
                          GError      **error)
{
  PGconn *conn;
  gboolean ok;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);
  g_return_val_if_fail (email != NULL && password != NULL, FALSE);

  if (*email == '\0' || strchr (email, '@') == NULL)
    return g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_FAILED,
                        "“%s” is not an e-mail address: a member is named by the e-mail their "
                        "runs carry.", email), FALSE;

  conn = cm_team_take_conn (self, TRUE, error);
  if (conn == NULL)
    return FALSE;

  ok = cm_team_exec_command (conn, "BEGIN", "begin", error) &&
       set_member_role (conn, email, password, admin, error) &&
       cm_team_exec_command (conn, "COMMIT", "commit", error);
  if (!ok)
    cm_team_exec_command (conn, "ROLLBACK", "roll back", NULL);
  cm_team_give_conn (self, conn);

  return ok;
}
