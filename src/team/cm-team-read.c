/* cm-team-read.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reports from the team database, aggregated in PostgreSQL under the same
 * filter as the local ones. Range totals read whole UTC days from
 * rollup_day and the two partial days at the range's ends from the quarter
 * hours; per-day figures group quarter hours by the filter's local day
 * (the zone's offsets come as a CASE); sessions read session_day and the
 * messages of the partial days. Every row passes row-level security. */

#include "config.h"

#include <string.h>

#include "cm-team-store-private.h"

#define DAY_MS G_GINT64_CONSTANT (86400000)

#define RAW_SUMS \
  "r.messages, r.unpriced, r.estimated, r.input, r.output, r.cw5m, r.cw1h, r.cr, r.ws, r.cost," \
  " r.c_input, r.c_output, r.c_cw5m, r.c_cw1h, r.c_cr, r.c_ws, r.first_ms, r.last_ms"
/* A message as a sum of one. */
#define MESSAGE_SUMS \
  "1::bigint AS messages, (NOT r.priced)::integer::bigint AS unpriced," \
  " r.estimated::integer::bigint AS estimated, r.input, r.output, r.cw5m, r.cw1h, r.cr, r.ws," \
  " r.cost, r.c_input, r.c_output, r.c_cw5m, r.c_cw1h, r.c_cr, r.c_ws, r.ts AS first_ms," \
  " r.ts AS last_ms"
/* In the order read_totals() takes them. */
#define TOTALS \
  "sum (input) AS t_input, sum (output) AS t_output, sum (cw5m) AS t_cw5m, sum (cw1h) AS t_cw1h," \
  " sum (cr) AS t_cr, sum (ws) AS t_ws, sum (messages) AS t_messages, sum (unpriced) AS t_unpriced," \
  " sum (estimated) AS t_estimated, sum (cost) AS t_cost, sum (c_input) AS t_c_input," \
  " sum (c_output) AS t_c_output, sum (c_cw5m) AS t_c_cw5m, sum (c_cw1h) AS t_c_cw1h," \
  " sum (c_cr) AS t_c_cr, sum (c_ws) AS t_c_ws, min (first_ms) AS t_first, max (last_ms) AS t_last"
#define N_TOTALS 18
/* The same, kept as sums for an outer grouping. */
#define SUMS_AS \
  "sum (messages) AS messages, sum (unpriced) AS unpriced, sum (estimated) AS estimated," \
  " sum (input) AS input, sum (output) AS output, sum (cw5m) AS cw5m, sum (cw1h) AS cw1h," \
  " sum (cr) AS cr, sum (ws) AS ws, sum (cost) AS cost, sum (c_input) AS c_input," \
  " sum (c_output) AS c_output, sum (c_cw5m) AS c_cw5m, sum (c_cw1h) AS c_cw1h," \
  " sum (c_cr) AS c_cr, sum (c_ws) AS c_ws, min (first_ms) AS first_ms, max (last_ms) AS last_ms"

/* The four dimensions a group row may be keyed by, in the order of the
 * columns of every grouped result. */
static const struct
{
  CmGroupBy   group;
  const char *column;
} dims[] = {
  { CM_GROUP_MODEL, "model_id" },
  { CM_GROUP_BACKEND, "backend" },
  { CM_GROUP_USER, "user_id" },
  { CM_GROUP_PROJECT, "project_id" },
};

/* What a filter becomes: conditions on a rollup's r, parameters, and the
 * time range [since_ms, until_ms) when bounded. */
typedef struct
{
  GPtrArray    *params;
  GString      *dims;         /* " AND ..." on model, backend, user, project */
  char         *session;      /* " AND r.session_id = ..." or "" */
  gboolean      has_since;
  gboolean      has_until;
  gint64        since_ms;
  gint64        until_ms;
  gboolean      plain;        /* only model and backend conditions */
  CmZoneCursor  zone;
} Plan;

static void
plan_clear (Plan *p)
{
  g_clear_pointer (&p->params, g_ptr_array_unref);
  if (p->dims != NULL)
    g_string_free (p->dims, TRUE);
  p->dims = NULL;
  g_clear_pointer (&p->session, g_free);
  cm_zone_cursor_clear (&p->zone);
}

static char *
param (Plan *p,
       char *value)
{
  g_ptr_array_add (p->params, value);

  return g_strdup_printf ("$%u", p->params->len);
}

static char *
backends_array (guint mask)
{
  GString *out = g_string_new ("{");

  for (guint b = 0; b < CM_N_BACKENDS; b++)
    {
      if (mask & (1u << b))
        g_string_append_printf (out, "%s%u", out->len > 1 ? "," : "", b);
    }
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/* Every value the user chose is a parameter: nothing is pasted into SQL. */
static gboolean
plan_init (Plan                 *p,
           const CmQueryFilter  *filter,
           GError              **error)
{
  memset (p, 0, sizeof *p);
  p->params = g_ptr_array_new_with_free_func (g_free);
  p->dims = g_string_new (NULL);
  p->session = g_strdup ("");
  p->plain = TRUE;
  cm_zone_cursor_init (&p->zone, filter);

  if (filter == NULL)
    return TRUE;
  if (!cm_query_filter_validate (filter, error))
    return FALSE;

  if ((p->has_since = filter->since != NULL))
    p->since_ms = cm_zone_cursor_midnight (&p->zone, filter->since, 0);
  if ((p->has_until = filter->until != NULL))
    p->until_ms = cm_zone_cursor_midnight (&p->zone, filter->until, 1);

  if (filter->models_set)
    {
      g_autofree char *ref = param (p, cm_team_text_array ((const char * const *) filter->models));
      g_string_append_printf (p->dims, " AND r.model_id IN (SELECT id FROM costmeter.models"
                                       " WHERE name = ANY (%s::text[]))", ref);
    }
  if (filter->backends_set)
    {
      g_autofree char *ref = param (p, backends_array (filter->backends));
      g_string_append_printf (p->dims, " AND r.backend = ANY (%s::smallint[])", ref);
    }
  if (filter->users_set)
    {
      gboolean unattributed = filter->users != NULL &&
                              g_strv_contains ((const char * const *) filter->users, CM_UNATTRIBUTED_KEY);
      g_autofree char *ref = param (p, cm_team_text_array ((const char * const *) filter->users));

      g_string_append_printf (p->dims, " AND (r.user_id IN (SELECT id FROM costmeter.users"
                                       " WHERE email = ANY (%s::text[]))%s)",
                              ref, unattributed ? " OR r.user_id = 0" : "");
      p->plain = FALSE;
    }
  if (filter->project != NULL && filter->project[0] != '\0')
    {
      g_autofree char *ref = param (p, g_strdup (filter->project));
      g_string_append_printf (p->dims, " AND r.project_id IN (SELECT id FROM costmeter.projects"
                                       " WHERE strpos (lower (path), lower (%s)) > 0)", ref);
      p->plain = FALSE;
    }
  if (filter->session_id != NULL)
    {
      g_autofree char *ref = param (p, g_strdup (filter->session_id));

      g_free (p->session);
      p->session = g_strdup_printf (" AND r.session_id = (SELECT id FROM costmeter.sessions"
                                    " WHERE session = %s)", ref);
      p->plain = FALSE;
    }

  return TRUE;
}

/* Whole UTC days inside the range, and the partial days at its ends. */
typedef struct
{
  gboolean  days;         /* some whole days: rollup_day serves them */
  GString  *day_cond;     /* on r.day */
  GString  *edge_cond;    /* on r.ts; empty when there is no edge */
} Split;

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static void
split_range (const Plan *p,
             Split      *s)
{
  gint64 first = p->has_since ? floor_div (p->since_ms + DAY_MS - 1, DAY_MS) : 0;
  gint64 end = p->has_until ? floor_div (p->until_ms, DAY_MS) : 0;

  s->day_cond = g_string_new ("TRUE");
  s->edge_cond = g_string_new (NULL);
  s->days = !(p->has_since && p->has_until && first >= end);

  if (!s->days)
    {
      g_string_append_printf (s->edge_cond, "(r.ts >= %" G_GINT64_FORMAT " AND r.ts < %" G_GINT64_FORMAT ")",
                              p->since_ms, p->until_ms);
      return;
    }

  if (p->has_since)
    {
      g_string_append_printf (s->day_cond, " AND r.day >= %" G_GINT64_FORMAT, first);
      g_string_append_printf (s->edge_cond, "(r.ts >= %" G_GINT64_FORMAT " AND r.ts < %" G_GINT64_FORMAT ")",
                              p->since_ms, first * DAY_MS);
    }
  if (p->has_until)
    {
      g_string_append_printf (s->day_cond, " AND r.day < %" G_GINT64_FORMAT, end);
      g_string_append_printf (s->edge_cond, "%s(r.ts >= %" G_GINT64_FORMAT " AND r.ts < %" G_GINT64_FORMAT ")",
                              s->edge_cond->len > 0 ? " OR " : "", end * DAY_MS, p->until_ms);
    }
  if (s->edge_cond->len > 0)
    {
      g_string_prepend_c (s->edge_cond, '(');
      g_string_append_c (s->edge_cond, ')');
    }
}

static void
split_clear (Split *s)
{
  g_string_free (s->day_cond, TRUE);
  g_string_free (s->edge_cond, TRUE);
}

static char *
time_cond (const Plan *p)
{
  GString *cond = g_string_new ("TRUE");

  if (p->has_since)
    g_string_append_printf (cond, " AND r.ts >= %" G_GINT64_FORMAT, p->since_ms);
  if (p->has_until)
    g_string_append_printf (cond, " AND r.ts < %" G_GINT64_FORMAT, p->until_ms);

  return g_string_free (cond, FALSE);
}

/* The rows of the range, each with every dimension and its sums. A session
 * filter reads the messages themselves. */
static char *
range_rows (const Plan *p)
{
  GString *sql = g_string_new (NULL);
  Split s;

  if (*p->session != '\0')
    {
      g_autofree char *cond = time_cond (p);

      g_string_append_printf (sql, "SELECT r.model_id, r.backend, r.user_id, r.project_id, r.speed, "
                                   MESSAGE_SUMS " FROM costmeter.messages r WHERE %s%s%s",
                              cond, p->dims->str, p->session);
      return g_string_free (sql, FALSE);
    }

  split_range (p, &s);
  if (s.days)
    g_string_append_printf (sql, "SELECT r.model_id, r.backend, r.user_id, r.project_id, r.speed, "
                                 RAW_SUMS " FROM costmeter.rollup_day r WHERE %s%s",
                            s.day_cond->str, p->dims->str);
  if (s.edge_cond->len > 0)
    g_string_append_printf (sql, "%sSELECT r.model_id, r.backend, r.user_id, r.project_id, r.speed, "
                                 RAW_SUMS " FROM costmeter.rollup_qh r WHERE %s%s",
                            sql->len > 0 ? " UNION ALL " : "", s.edge_cond->str, p->dims->str);
  split_clear (&s);

  return g_string_free (sql, FALSE);
}

/* --- reading results --- */

static void
read_totals (const PGresult *res,
             int             row,
             int             first,
             CmTotals       *t)
{
  gint64 *fields[] = {
    &t->input, &t->output, &t->cache_write_5m, &t->cache_write_1h, &t->cache_read,
    &t->web_search, &t->messages, &t->unpriced, &t->estimated, &t->cost, &t->cost_input,
    &t->cost_output, &t->cost_cache_write_5m, &t->cost_cache_write_1h, &t->cost_cache_read,
    &t->cost_web_search, &t->first_ms, &t->last_ms,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (fields) == N_TOTALS);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = cm_team_get_int64 (res, row, first + i);
}

/* Every grouped result has these columns: the time key (or the grouping
 * set), the four dimension ids, the speed (grouped with the model: a
 * model's fast requests are a row of their own), the totals, then the
 * names. */
#define COL_TIME 0
#define COL_DIMS 1
#define COL_SPEED 5
#define COL_TOTALS 6
#define COL_NAMES (COL_TOTALS + N_TOTALS)

static char *
with_names (const char *grouped)
{
  return g_strdup_printf ("SELECT a.*, mo.name, us.email, pr.path FROM (%s) a"
                          " LEFT JOIN costmeter.models mo ON mo.id = a.model_id"
                          " LEFT JOIN costmeter.users us ON us.id = a.user_id"
                          " LEFT JOIN costmeter.projects pr ON pr.id = a.project_id",
                          grouped);
}

static char *
key_of (const PGresult *res,
        int             row,
        CmGroupBy       group)
{
  const char *text;

  switch (group)
    {
    case CM_GROUP_DAY:
      return cm_day_number_format (cm_team_get_int64 (res, row, COL_TIME));
    case CM_GROUP_MONTH:
      return cm_month_number_format (cm_team_get_int64 (res, row, COL_TIME));
    case CM_GROUP_MODEL:
      return g_strdup (PQgetvalue (res, row, COL_NAMES));
    case CM_GROUP_BACKEND:
      {
        gint64 b = cm_team_get_int64 (res, row, COL_DIMS + 1);
        return g_strdup (cm_backend_to_string (b >= 0 && b < CM_N_BACKENDS ? b : CM_BACKEND_UNKNOWN));
      }
    case CM_GROUP_USER:
      text = PQgetisnull (res, row, COL_NAMES + 1) ? NULL : PQgetvalue (res, row, COL_NAMES + 1);
      return g_strdup (cm_team_get_int64 (res, row, COL_DIMS + 2) == 0 || text == NULL
                       ? CM_UNATTRIBUTED_KEY : text);
    case CM_GROUP_PROJECT:
      return g_strdup (PQgetvalue (res, row, COL_NAMES + 2));
    case CM_GROUP_SESSION:
    case CM_GROUP_NONE:
    default:
      return NULL;
    }
}

static CmGroupRow *
group_row (const PGresult *res,
           int             row,
           CmGrouping      g)
{
  CmGroupRow *out = g_new0 (CmGroupRow, 1);

  out->key = key_of (res, row, g.primary);
  out->key2 = key_of (res, row, g.secondary);
  if ((g.primary == CM_GROUP_MODEL || g.secondary == CM_GROUP_MODEL) && !PQgetisnull (res, row, COL_SPEED) &&
      *PQgetvalue (res, row, COL_SPEED) != '\0')
    out->speed = g_strdup (PQgetvalue (res, row, COL_SPEED));
  read_totals (res, row, COL_TOTALS, &out->totals);

  return out;
}

static PGresult *
run (CmTeamStore  *self,
     const Plan   *p,
     const char   *sql,
     const char   *what,
     GError      **error)
{
  PGconn *conn = cm_team_take_conn (self, TRUE, error);
  PGresult *res;

  if (conn == NULL)
    return NULL;

  res = cm_team_exec (conn, sql, p->params->len, (const char * const *) p->params->pdata, what, error);
  cm_team_give_conn (self, conn);

  return res;
}

/* --- per-day figures --- */

static int
interval_at (GTimeZone *tz,
             gint64     ms)
{
  return g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, floor_div (ms, 1000));
}

static gint64
offset_ms (GTimeZone *tz,
           int        interval)
{
  return interval >= 0 ? (gint64) g_time_zone_get_offset (tz, interval) * 1000 : 0;
}

/* The zone's offset at @column as SQL: the offsets and the instants they
 * change at, over the range (or this century when it is open), found by
 * stepping six hours and bisecting to the second. */
static char *
offset_sql (const Plan *p,
            const char *column)
{
  const gint64 step = 6 * 3600 * 1000;
  gint64 from = p->has_since ? p->since_ms : G_GINT64_CONSTANT (946684800000);
  gint64 to = p->has_until ? p->until_ms : g_get_real_time () / 1000 + 400 * DAY_MS;
  int current = interval_at (p->zone.tz, from);
  GString *sql = g_string_new ("CASE");
  guint n = 0;

  for (gint64 t = from; t < to; t += step)
    {
      gint64 lo = t, hi = t + step;

      if (interval_at (p->zone.tz, hi) == current)
        continue;
      while (hi - lo > 1000)
        {
          gint64 mid = lo + (hi - lo) / 2;

          if (interval_at (p->zone.tz, mid) == current)
            lo = mid;
          else
            hi = mid;
        }
      g_string_append_printf (sql, " WHEN %s < %" G_GINT64_FORMAT " THEN %" G_GINT64_FORMAT,
                              column, floor_div (hi, 1000) * 1000, offset_ms (p->zone.tz, current));
      current = interval_at (p->zone.tz, hi);
      n++;
    }

  if (n == 0)
    {
      g_string_free (sql, TRUE);
      return g_strdup_printf ("%" G_GINT64_FORMAT, offset_ms (p->zone.tz, current));
    }
  g_string_append_printf (sql, " ELSE %" G_GINT64_FORMAT " END", offset_ms (p->zone.tz, current));

  return g_string_free (sql, FALSE);
}

static gboolean
is_time (CmGroupBy group)
{
  return group == CM_GROUP_DAY || group == CM_GROUP_MONTH;
}

static const char *
dim_column (CmGroupBy group)
{
  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    {
      if (dims[i].group == group)
        return dims[i].column;
    }

  return NULL;
}

/* Quarter hours with what the grouping needs: the team's sums without user
 * and project when nothing asks for them (admins read those; a member's
 * policy there shows nothing), else the per-user rollup, or the messages
 * for one session. */
static char *
time_rows (CmTeamStore *self,
           const Plan  *p,
           const char  *other)
{
  g_autofree char *cond = time_cond (p);

  if (*p->session != '\0')
    return g_strdup_printf ("SELECT r.ts, r.model_id, r.backend, r.user_id, r.project_id, r.speed, "
                            MESSAGE_SUMS " FROM costmeter.messages r WHERE %s%s%s", cond, p->dims->str,
                            p->session);

  if (p->plain && cm_team_store_get_is_admin (self) &&
      (other == NULL || g_str_equal (other, "model_id") || g_str_equal (other, "backend")))
    return g_strdup_printf ("SELECT r.ts, r.model_id, r.backend, 0 AS user_id, 0 AS project_id, r.speed, "
                            RAW_SUMS " FROM costmeter.rollup_time r WHERE %s%s", cond, p->dims->str);

  return g_strdup_printf ("SELECT r.ts, r.model_id, r.backend, r.user_id, r.project_id, r.speed, "
                          RAW_SUMS " FROM costmeter.rollup_qh r WHERE %s%s", cond, p->dims->str);
}

static char *
time_query (CmTeamStore *self,
            const Plan  *p,
            CmGrouping   g)
{
  CmGroupBy time = is_time (g.primary) ? g.primary : g.secondary;
  const char *other = dim_column (is_time (g.primary) ? g.secondary : g.primary);
  g_autofree char *rows = time_rows (self, p, other);
  g_autofree char *offset = offset_sql (p, "q.ts");
  g_autofree char *day = g_strdup_printf ("floor ((q.ts + %s) / 86400000.0)::bigint", offset);
  g_autofree char *key = NULL;
  g_autofree char *grouped = NULL;
  GString *cols = g_string_new (NULL);

  key = time == CM_GROUP_MONTH
        ? g_strdup_printf ("to_char (date '1970-01-01' + %s::integer, 'YYYYMM')::bigint", day)
        : g_strdup (day);
  gboolean by_model = other != NULL && g_str_equal (other, "model_id");
  const char *inner = by_model ? "model_id, speed" : other;

  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    g_string_append_printf (cols, ", %s AS %s",
                            other != NULL && g_str_equal (other, dims[i].column) ? dims[i].column : "NULL::integer",
                            dims[i].column);
  g_string_append (cols, by_model ? ", speed" : ", NULL::text AS speed");

  /* Quarter hours first, then their local days: the zone's CASE runs on
   * a few rows per quarter hour, not on every rollup row. */
  grouped = g_strdup_printf ("SELECT %s AS t%s, " TOTALS " FROM (SELECT ts%s%s, " SUMS_AS
                             " FROM (%s) r GROUP BY ts%s%s) q GROUP BY 1, 2, 3, 4, 5, 6 HAVING count (*) > 0",
                             key, cols->str, inner ? ", " : "", inner ? inner : "", rows,
                             inner ? ", " : "", inner ? inner : "");
  g_string_free (cols, TRUE);

  return with_names (grouped);
}

/* --- range figures --- */

/* The dimensions the groupings mention, as a mask over dims[]. */
static guint
mentioned (const CmGrouping *groupings,
           const guint      *which,
           guint             n)
{
  guint used = 0;

  for (guint k = 0; k < n; k++)
    for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
      {
        if (dims[i].group == groupings[which[k]].primary || dims[i].group == groupings[which[k]].secondary)
          used |= 1u << i;
      }

  return used;
}

/* What grouping () over the mentioned columns gives for @g's set: a bit for
 * each mentioned column the set leaves out, the first one highest. */
static guint
set_mask (CmGrouping g,
          guint      used)
{
  guint mask = 0;

  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    {
      if (!(used & (1u << i)))
        continue;
      mask <<= 1;
      if (dims[i].group != g.primary && dims[i].group != g.secondary)
        mask |= 1;
    }

  return mask;
}

static char *
sets_query (const Plan       *p,
            const CmGrouping *groupings,
            const guint      *which,
            guint             n)
{
  g_autofree char *rows = range_rows (p);
  g_autofree char *grouped = NULL;
  GString *sets = g_string_new (NULL);
  GString *cols = g_string_new (NULL);
  GString *args = g_string_new (NULL);
  guint used = mentioned (groupings, which, n);

  for (guint k = 0; k < n; k++)
    {
      const CmGrouping *g = &groupings[which[k]];
      const char *a = dim_column (g->primary);
      const char *b = dim_column (g->secondary);
      gboolean seen = FALSE;

      /* A set listed twice would come back twice. */
      for (guint j = 0; j < k; j++)
        seen |= set_mask (groupings[which[j]], used) == set_mask (*g, used);
      if (!seen)
        {
          /* The model's speed goes with it. */
          g_string_append_printf (sets, "%s(%s%s%s%s)", sets->len > 0 ? ", " : "", a ? a : "",
                                  a && b ? ", " : "", b ? b : "",
                                  g->primary == CM_GROUP_MODEL || g->secondary == CM_GROUP_MODEL ? ", speed" : "");
        }
    }
  for (guint i = 0; i < G_N_ELEMENTS (dims); i++)
    {
      gboolean in = (used & (1u << i)) != 0;

      g_string_append_printf (cols, ", %s AS %s", in ? dims[i].column : "NULL::integer", dims[i].column);
      if (in)
        g_string_append_printf (args, "%s%s", args->len > 0 ? ", " : "", dims[i].column);
    }

  g_string_append (cols, (used & 1u) ? ", speed" : ", NULL::text AS speed");
  grouped = g_strdup_printf ("SELECT %s%s%s AS t%s, " TOTALS " FROM (%s) r GROUP BY GROUPING SETS (%s)"
                             " HAVING count (*) > 0",
                             args->len > 0 ? "grouping (" : "0", args->str, args->len > 0 ? ")::bigint" : "",
                             cols->str, rows, sets->str);
  g_string_free (sets, TRUE);
  g_string_free (cols, TRUE);
  g_string_free (args, TRUE);

  return with_names (grouped);
}

static gboolean
query_sets (CmTeamStore       *self,
            const Plan        *p,
            const CmGrouping  *groupings,
            const guint       *which,
            guint              n,
            GPtrArray        **results,
            GError           **error)
{
  g_autofree char *sql = sets_query (p, groupings, which, n);
  PGresult *res = run (self, p, sql, "read the team's figures", error);
  guint used = mentioned (groupings, which, n);

  if (res == NULL)
    return FALSE;

  for (int row = 0; row < PQntuples (res); row++)
    {
      guint mask = (guint) cm_team_get_int64 (res, row, COL_TIME);

      /* A set asked for twice goes to both. */
      for (guint k = 0; k < n; k++)
        {
          if (set_mask (groupings[which[k]], used) == mask)
            g_ptr_array_add (results[which[k]], group_row (res, row, groupings[which[k]]));
        }
    }
  PQclear (res);

  return TRUE;
}

gboolean
cm_team_store_query (CmTeamStore          *self,
                     const CmQueryFilter  *filter,
                     const CmGrouping     *groupings,
                     guint                 n_groupings,
                     GPtrArray           **results,
                     GError              **error)
{
  g_autofree guint *plain = g_new0 (guint, n_groupings + 1);
  guint n_plain = 0;
  gboolean ok = TRUE;
  Plan p;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);

  for (guint i = 0; i < n_groupings; i++)
    {
      results[i] = NULL;
      if (groupings[i].primary == CM_GROUP_SESSION || groupings[i].secondary == CM_GROUP_SESSION)
        return g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_FAILED,
                            "The team figures are not grouped by session; read the sessions list."), FALSE;
    }

  if (!plan_init (&p, filter, error))
    {
      plan_clear (&p);
      return FALSE;
    }

  for (guint i = 0; i < n_groupings; i++)
    results[i] = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);

  /* The per-day groupings one query each; all others in one pass. */
  for (guint i = 0; ok && i < n_groupings; i++)
    {
      if (is_time (groupings[i].primary) || is_time (groupings[i].secondary))
        {
          g_autofree char *sql = time_query (self, &p, groupings[i]);
          PGresult *res = run (self, &p, sql, "read the team's days", error);

          ok = res != NULL;
          for (int row = 0; ok && row < PQntuples (res); row++)
            g_ptr_array_add (results[i], group_row (res, row, groupings[i]));
          PQclear (res);
        }
      else
        plain[n_plain++] = i;
    }
  if (ok && n_plain > 0)
    ok = query_sets (self, &p, groupings, plain, n_plain, results, error);
  plan_clear (&p);

  for (guint i = 0; i < n_groupings; i++)
    {
      if (!ok)
        g_clear_pointer (&results[i], g_ptr_array_unref);
      else
        cm_group_rows_sort (results[i]);
    }

  return ok;
}

gboolean
cm_team_store_query_totals (CmTeamStore          *self,
                            const CmQueryFilter  *filter,
                            CmTotals             *totals,
                            GError              **error)
{
  g_autofree char *rows = NULL;
  g_autofree char *sql = NULL;
  PGresult *res;
  Plan p;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);

  memset (totals, 0, sizeof *totals);
  if (!plan_init (&p, filter, error))
    {
      plan_clear (&p);
      return FALSE;
    }

  rows = range_rows (&p);
  sql = g_strdup_printf ("SELECT " TOTALS " FROM (%s) r", rows);
  res = run (self, &p, sql, "read the team's totals", error);
  plan_clear (&p);
  if (res == NULL)
    return FALSE;

  read_totals (res, 0, 0, totals);
  PQclear (res);

  return TRUE;
}

/* --- sessions --- */

/* Sessions by UTC day, and the messages of the partial days. */
static char *
session_rows (const Plan *p)
{
  GString *sql = g_string_new (NULL);
  Split s;

  if (*p->session != '\0')
    {
      g_autofree char *cond = time_cond (p);

      g_string_append_printf (sql, "SELECT r.session_id, r.model_id, r.project_id, r.user_id, "
                                   MESSAGE_SUMS " FROM costmeter.messages r WHERE %s%s%s",
                              cond, p->dims->str, p->session);
      return g_string_free (sql, FALSE);
    }

  split_range (p, &s);
  if (s.days)
    g_string_append_printf (sql, "SELECT r.session_id, r.model_id, r.project_id, r.user_id, "
                                 RAW_SUMS " FROM costmeter.session_day r WHERE %s%s",
                            s.day_cond->str, p->dims->str);
  if (s.edge_cond->len > 0)
    g_string_append_printf (sql, "%sSELECT r.session_id, r.model_id, r.project_id, r.user_id, "
                                 MESSAGE_SUMS " FROM costmeter.messages r WHERE %s%s",
                            sql->len > 0 ? " UNION ALL " : "", s.edge_cond->str, p->dims->str);
  split_clear (&s);

  return g_string_free (sql, FALSE);
}

typedef struct
{
  CmSessionRow *row;
  gint64        user_id;
  char         *email;
  GPtrArray    *models;   /* CmGroupRow: key = model, with its totals */
} SessionAcc;

static void
session_acc_free (SessionAcc *acc)
{
  g_free (acc->email);
  g_ptr_array_unref (acc->models);
  g_free (acc);
}

/* As the local store: the session's greatest project and user. */
static void
add_session_row (GHashTable     *sessions,
                 GPtrArray      *rows,
                 const PGresult *res,
                 int             i)
{
  const char *session = PQgetvalue (res, i, 0);
  SessionAcc *acc = g_hash_table_lookup (sessions, session);
  CmGroupRow *model = g_new0 (CmGroupRow, 1);
  gint64 user_id = cm_team_get_int64 (res, i, 3);

  model->key = g_strdup (PQgetvalue (res, i, 1));
  read_totals (res, i, 5, &model->totals);

  if (acc == NULL)
    {
      acc = g_new0 (SessionAcc, 1);
      acc->row = g_new0 (CmSessionRow, 1);
      acc->row->session_id = g_ref_string_new (session);
      acc->models = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
      g_ptr_array_add (rows, acc->row);
      g_hash_table_insert (sessions, acc->row->session_id, acc);
    }

  if (!PQgetisnull (res, i, 2) && g_strcmp0 (PQgetvalue (res, i, 2), acc->row->project) > 0)
    {
      g_clear_pointer (&acc->row->project, g_ref_string_release);
      acc->row->project = g_ref_string_new (PQgetvalue (res, i, 2));
    }
  if (user_id > acc->user_id)
    {
      acc->user_id = user_id;
      g_free (acc->email);
      acc->email = PQgetisnull (res, i, 4) ? NULL : g_strdup (PQgetvalue (res, i, 4));
    }

  cm_totals_add (&acc->row->totals, &model->totals);
  g_ptr_array_add (acc->models, model);
}

GPtrArray *
cm_team_store_query_sessions (CmTeamStore          *self,
                              const CmQueryFilter  *filter,
                              GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_session_row_free);
  g_autoptr(GHashTable) sessions = NULL;
  g_autofree char *inner = NULL;
  g_autofree char *sql = NULL;
  GHashTableIter iter;
  SessionAcc *acc;
  PGresult *res;
  Plan p;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), NULL);

  if (!plan_init (&p, filter, error))
    {
      plan_clear (&p);
      return NULL;
    }

  inner = session_rows (&p);
  sql = g_strdup_printf ("SELECT s.session, s.model, s.project, s.user_id, us.email, s.t_input,"
                         " s.t_output, s.t_cw5m, s.t_cw1h, s.t_cr, s.t_ws, s.t_messages, s.t_unpriced,"
                         " s.t_estimated, s.t_cost, s.t_c_input, s.t_c_output, s.t_c_cw5m, s.t_c_cw1h,"
                         " s.t_c_cr, s.t_c_ws, s.t_first, s.t_last FROM ("
                         "SELECT coalesce (se.session, '') AS session, mo.name AS model,"
                         " max (pr.path) AS project, max (a.user_id) AS user_id, " TOTALS
                         " FROM (%s) a LEFT JOIN costmeter.sessions se ON se.id = a.session_id"
                         " JOIN costmeter.models mo ON mo.id = a.model_id"
                         " LEFT JOIN costmeter.projects pr ON pr.id = a.project_id GROUP BY 1, 2) s"
                         " LEFT JOIN costmeter.users us ON us.id = s.user_id",
                         inner);
  res = run (self, &p, sql, "read the team's sessions", error);
  plan_clear (&p);
  if (res == NULL)
    return NULL;

  sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_acc_free);
  for (int i = 0; i < PQntuples (res); i++)
    add_session_row (sessions, rows, res, i);
  PQclear (res);

  g_hash_table_iter_init (&iter, sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &acc))
    {
      cm_session_row_set_models (acc->row, acc->models);
      acc->row->user = g_ref_string_new (acc->email != NULL ? acc->email : CM_UNATTRIBUTED_KEY);
    }

  cm_session_rows_sort (rows);

  return g_steal_pointer (&rows);
}

static CmMessageRow *
message_row (const PGresult *res,
             int             i,
             const char     *session_id)
{
  CmMessageRow *row = g_new0 (CmMessageRow, 1);
  gint64 *figures[] = {
    &row->usage.input, &row->usage.output, &row->usage.cache_write_5m, &row->usage.cache_write_1h,
    &row->usage.cache_read, &row->usage.web_search, &row->cost.input, &row->cost.output,
    &row->cost.cache_write_5m, &row->cost.cache_write_1h, &row->cost.cache_read,
    &row->cost.web_search, &row->cost.total,
  };
  gint64 backend = cm_team_get_int64 (res, i, 2);

  row->id = i + 1;
  row->timestamp_ms = cm_team_get_int64 (res, i, 0);
  row->model = g_strdup (PQgetvalue (res, i, 1));
  row->model_raw = g_strdup (row->model);
  row->backend = backend >= 0 && backend < CM_N_BACKENDS ? backend : CM_BACKEND_UNKNOWN;
  row->is_sidechain = PQgetvalue (res, i, 3)[0] == 't';
  row->priced = PQgetvalue (res, i, 4)[0] == 't';
  row->estimated = row->cost.estimated = PQgetvalue (res, i, 5)[0] == 't';
  row->long_context = row->cost.long_context = PQgetvalue (res, i, 6)[0] == 't';
  for (guint k = 0; k < G_N_ELEMENTS (figures); k++)
    *figures[k] = cm_team_get_int64 (res, i, 7 + k);
  row->project = PQgetisnull (res, i, 20) ? NULL : g_strdup (PQgetvalue (res, i, 20));
  row->user = g_strdup (PQgetisnull (res, i, 21) ? CM_UNATTRIBUTED_KEY : PQgetvalue (res, i, 21));
  /* The team keeps the message's key, not its id. */
  row->message_id = g_strdup (PQgetvalue (res, i, 22));
  row->session_id = g_strdup (session_id);
  row->speed = PQgetisnull (res, i, 23) ? NULL : g_strdup (PQgetvalue (res, i, 23));

  return row;
}

GPtrArray *
cm_team_store_query_session_messages (CmTeamStore  *self,
                                      const char   *session_id,
                                      GError      **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_message_row_free);
  const char *params[] = { session_id };
  PGconn *conn;
  PGresult *res;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  conn = cm_team_take_conn (self, TRUE, error);
  if (conn == NULL)
    return NULL;

  /* The session's days bound the scan: its months, then its time range. */
  res = cm_team_exec (conn,
                      "WITH s AS (SELECT id FROM costmeter.sessions WHERE session = $1),"
                      " d AS (SELECT min (day)::bigint * 86400000 AS lo,"
                      "  (max (day)::bigint + 1) * 86400000 AS hi FROM costmeter.session_day"
                      "  WHERE session_id = (SELECT id FROM s))"
                      " SELECT m.ts, mo.name, m.backend, m.sidechain, m.priced, m.estimated,"
                      "  m.long_ctx, m.input, m.output, m.cw5m, m.cw1h, m.cr, m.ws, m.c_input,"
                      "  m.c_output, m.c_cw5m, m.c_cw1h, m.c_cr, m.c_ws, m.cost, pr.path,"
                      "  us.email, m.key::text, nullif (m.speed, '')"
                      " FROM costmeter.messages m JOIN costmeter.models mo ON mo.id = m.model_id"
                      "  LEFT JOIN costmeter.projects pr ON pr.id = m.project_id"
                      "  LEFT JOIN costmeter.users us ON us.id = m.user_id"
                      " WHERE m.session_id = (SELECT id FROM s)"
                      "  AND m.month >= costmeter.month_of ((SELECT lo FROM d))"
                      "  AND m.month <= costmeter.month_of ((SELECT hi FROM d))"
                      "  AND m.ts >= (SELECT lo FROM d) AND m.ts < (SELECT hi FROM d)"
                      " ORDER BY m.ts, m.key",
                      1, params, "read the session's messages", error);
  cm_team_give_conn (self, conn);
  if (res == NULL)
    return NULL;

  for (int i = 0; i < PQntuples (res); i++)
    g_ptr_array_add (rows, message_row (res, i, session_id));
  PQclear (res);

  return g_steal_pointer (&rows);
}
