/* cm-store-read.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Reading for reports: totals, groups, sessions and messages under a filter,
 * and the rollups the rollup cache loads. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-store-private.h"

static void
day_udf (sqlite3_context  *ctx,
         int               argc,
         sqlite3_value   **argv)
{
  sqlite3_result_int64 (ctx, cm_zone_cursor_day (sqlite3_user_data (ctx), sqlite3_value_int64 (argv[0])));
}

static void
month_udf (sqlite3_context  *ctx,
           int               argc,
           sqlite3_value   **argv)
{
  gint64 day = cm_zone_cursor_day (sqlite3_user_data (ctx), sqlite3_value_int64 (argv[0]));

  sqlite3_result_int64 (ctx, cm_day_number_month (day));
}

static void
params_init (CmStoreParams *p)
{
  p->where = g_string_new (" WHERE 1");
  p->texts = g_ptr_array_new_with_free_func (g_free);
  p->ints = g_array_new (FALSE, TRUE, sizeof (gint64));
}

static void
params_clear (CmStoreParams *p)
{
  g_string_free (p->where, TRUE);
  g_ptr_array_unref (p->texts);
  g_array_unref (p->ints);
}

static void
add_text (CmStoreParams *p,
          const char    *clause,
          char          *text)
{
  gint64 zero = 0;

  g_string_append (p->where, clause);
  g_ptr_array_add (p->texts, text);
  g_array_append_val (p->ints, zero);
}

static void
add_int (CmStoreParams *p,
         const char    *clause,
         gint64         value)
{
  g_string_append (p->where, clause);
  g_ptr_array_add (p->texts, NULL);
  g_array_append_val (p->ints, value);
}

static char *
strv_to_json (const char * const *strv)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_array (builder);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    json_builder_add_string_value (builder, strv[i]);
  json_builder_end_array (builder);
  root = json_builder_get_root (builder);

  return json_to_string (root, FALSE);
}

/* Every filter value is a bound parameter: nothing the user types is ever
 * pasted into SQL. */
static gboolean
build_where (const CmQueryFilter  *filter,
             CmZoneCursor         *zc,
             CmStoreParams        *p,
             GError              **error)
{
  if (filter == NULL)
    return TRUE;

  if (!cm_query_filter_validate (filter, error))
    return FALSE;

  if (filter->since != NULL)
    add_int (p, " AND m.ts >= ?", cm_zone_cursor_midnight (zc, filter->since, 0));
  if (filter->until != NULL)
    add_int (p, " AND m.ts < ?", cm_zone_cursor_midnight (zc, filter->until, 1));
  if (filter->project != NULL && filter->project[0] != '\0')
    add_text (p, " AND instr (lower (coalesce (m.project, '')), lower (?)) > 0",
              g_strdup (filter->project));
  if (filter->models_set)
    add_text (p, " AND m.model IN (SELECT value FROM json_each (?))",
              strv_to_json ((const char * const *) filter->models));
  if (filter->backends_set)
    add_int (p, " AND ((1 << m.backend) & ?) != 0", filter->backends);
  if (filter->users_set)
    {
      gboolean unattributed = filter->users != NULL &&
                              g_strv_contains ((const char * const *) filter->users, CM_UNATTRIBUTED_KEY);

      add_text (p, " AND (m.user_id IN (SELECT id FROM users WHERE email IN"
                   " (SELECT value FROM json_each (?)))",
                strv_to_json ((const char * const *) filter->users));
      /* Messages keep NULL for nobody, the rollup 0. */
      g_string_append (p->where, unattributed ? " OR ifnull (m.user_id, 0) = 0)" : ")");
    }
  if (filter->session_id != NULL)
    add_text (p, " AND m.session_id = ?", g_strdup (filter->session_id));

  return TRUE;
}

static void
bind_params (sqlite3_stmt  *stmt,
             CmStoreParams *p)
{
  for (guint i = 0; i < p->texts->len; i++)
    {
      const char *text = g_ptr_array_index (p->texts, i);

      if (text != NULL)
        sqlite3_bind_text (stmt, i + 1, text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, i + 1, g_array_index (p->ints, gint64, i));
    }
}


/* Reports never read the messages: both rollups cut time in quarter hours,
 * and every zone's midnight falls on one. */
static const char *
totals_source (const CmQueryFilter *filter,
               CmGroupBy            primary,
               CmGroupBy            secondary)
{
  if ((filter != NULL && filter->session_id != NULL) ||
      primary == CM_GROUP_SESSION || secondary == CM_GROUP_SESSION)
    return CM_ROLLUP_TOTALS_COLUMNS " FROM session_rollup m";

  return CM_ROLLUP_TOTALS_COLUMNS " FROM rollup m";
}

void
cm_store_read_totals (sqlite3_stmt *stmt,
                      int           first,
                      CmTotals     *t)
{
  gint64 *fields[] = {
    &t->input, &t->output, &t->cache_write_5m, &t->cache_write_1h, &t->cache_read,
    &t->web_search, &t->messages, &t->unpriced, &t->estimated, &t->cost, &t->cost_input,
    &t->cost_output, &t->cost_cache_write_5m, &t->cost_cache_write_1h, &t->cost_cache_read,
    &t->cost_web_search, &t->first_ms, &t->last_ms,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (fields) == CM_N_TOTALS_COLUMNS);

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    *fields[i] = sqlite3_column_int64 (stmt, first + i);
}

gboolean
cm_store_query_begin (CmStoreQuery         *q,
                      CmStore              *self,
                      const CmQueryFilter  *filter,
                      GError              **error)
{
  memset (q, 0, sizeof *q);
  q->store = self;
  cm_zone_cursor_init (&q->zone, filter);
  params_init (&q->params);

  if (!build_where (filter, &q->zone, &q->params, error))
    return FALSE;

  q->db = cm_store_take_reader (self, error);
  if (q->db == NULL)
    return FALSE;

  sqlite3_create_function (q->db, "cm_day", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                           &q->zone, day_udf, NULL, NULL);
  sqlite3_create_function (q->db, "cm_month", 1, SQLITE_UTF8 | SQLITE_DETERMINISTIC,
                           &q->zone, month_udf, NULL, NULL);

  return TRUE;
}

void
cm_store_query_end (CmStoreQuery *q)
{
  if (q->db != NULL)
    {
      /* The functions point into this stack frame. */
      sqlite3_create_function (q->db, "cm_day", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
      sqlite3_create_function (q->db, "cm_month", 1, SQLITE_UTF8, NULL, NULL, NULL, NULL);
      cm_store_give_reader (q->store, q->db);
    }
  params_clear (&q->params);
  cm_zone_cursor_clear (&q->zone);
}

sqlite3_stmt *
cm_store_query_prepare (CmStoreQuery  *q,
                        const char    *sql,
                        GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc = sqlite3_prepare_v2 (q->db, sql, -1, &stmt, NULL);

  if (rc != SQLITE_OK)
    {
      cm_sqlite_set_error (error, q->db, rc, "prepare query");
      return NULL;
    }

  bind_params (stmt, &q->params);

  return stmt;
}

gboolean
cm_store_query_totals (CmStore              *self,
                       const CmQueryFilter  *filter,
                       CmTotals             *totals,
                       GError              **error)
{
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  CmStoreQuery q;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  memset (totals, 0, sizeof *totals);

  if (!cm_store_query_begin (&q, self, filter, error))
    {
      cm_store_query_end (&q);
      return FALSE;
    }

  sql = g_strconcat ("SELECT ", totals_source (filter, CM_GROUP_NONE, CM_GROUP_NONE),
                     q.params.where->str, NULL);
  stmt = cm_store_query_prepare (&q, sql, error);
  if (stmt == NULL)
    {
      cm_store_query_end (&q);
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    cm_store_read_totals (stmt, 0, totals);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_ROW)
    cm_sqlite_set_error (error, q.db, rc, "totals");

  cm_store_query_end (&q);

  return rc == SQLITE_ROW;
}

static const char *
group_expression (CmGroupBy group)
{
  switch (group)
    {
    case CM_GROUP_DAY:     return "cm_day (m.ts)";
    case CM_GROUP_MONTH:   return "cm_month (m.ts)";
    case CM_GROUP_SESSION: return "m.session_id";
    case CM_GROUP_MODEL:   return "m.model";
    case CM_GROUP_BACKEND: return "m.backend";
    case CM_GROUP_USER:    return "m.user_id";
    case CM_GROUP_PROJECT: return "m.project";
    case CM_GROUP_NONE:
    default:               return "NULL";
    }
}

typedef struct
{
  GHashTable *emails;   /* user id -> e-mail */
} KeyContext;

static char *
group_key (KeyContext   *kc,
           sqlite3_stmt *stmt,
           int           column,
           CmGroupBy     group)
{
  gint64 v;

  if (group == CM_GROUP_NONE)
    return NULL;

  v = sqlite3_column_int64 (stmt, column);

  switch (group)
    {
    case CM_GROUP_DAY:
      return cm_day_number_format (v);

    case CM_GROUP_MONTH:
      return cm_month_number_format (v);

    case CM_GROUP_BACKEND:
      return g_strdup (cm_backend_to_string (v >= 0 && v < CM_N_BACKENDS ? v : CM_BACKEND_UNKNOWN));

    case CM_GROUP_USER:
      if (sqlite3_column_type (stmt, column) == SQLITE_NULL || v == 0)
        return g_strdup (CM_UNATTRIBUTED_KEY);
      return g_strdup (g_hash_table_lookup (kc->emails, GINT_TO_POINTER ((int) v)));

    case CM_GROUP_SESSION:
    case CM_GROUP_MODEL:
    case CM_GROUP_PROJECT:
    case CM_GROUP_NONE:
    default:
      if (sqlite3_column_type (stmt, column) == SQLITE_NULL)
        return g_strdup ("");
      return g_strdup ((const char *) sqlite3_column_text (stmt, column));
    }
}

static GHashTable *
load_emails (sqlite3 *db)
{
  GHashTable *emails = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT id, email FROM users", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_insert (emails, GINT_TO_POINTER (sqlite3_column_int (stmt, 0)),
                             g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  return emails;
}

GPtrArray *
cm_store_query_groups (CmStore              *self,
                       const CmQueryFilter  *filter,
                       CmGroupBy             primary,
                       CmGroupBy             secondary,
                       GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
  g_autofree char *sql = NULL;
  KeyContext kc = { NULL };
  sqlite3_stmt *stmt;
  CmStoreQuery q;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if (!cm_store_query_begin (&q, self, filter, error))
    {
      cm_store_query_end (&q);
      return NULL;
    }

  /* Grouped by model, each speed is a row of its own. */
  sql = g_strdup_printf ("SELECT %s, %s, %s, %s%s GROUP BY 1, 2, 3",
                         group_expression (primary), group_expression (secondary),
                         primary == CM_GROUP_MODEL || secondary == CM_GROUP_MODEL ? "m.speed" : "''",
                         totals_source (filter, primary, secondary),
                         q.params.where->str);
  stmt = cm_store_query_prepare (&q, sql, error);
  if (stmt == NULL)
    {
      cm_store_query_end (&q);
      return NULL;
    }

  kc.emails = load_emails (q.db);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmGroupRow *row = g_new0 (CmGroupRow, 1);
      const char *speed = (const char *) sqlite3_column_text (stmt, 2);

      row->key = group_key (&kc, stmt, 0, primary);
      row->key2 = group_key (&kc, stmt, 1, secondary);
      row->speed = speed != NULL && *speed != '\0' ? g_strdup (speed) : NULL;
      cm_store_read_totals (stmt, 3, &row->totals);
      g_ptr_array_add (rows, row);
    }
  sqlite3_finalize (stmt);
  g_hash_table_unref (kc.emails);

  if (rc != SQLITE_DONE)
    {
      cm_sqlite_set_error (error, q.db, rc, "groups");
      cm_store_query_end (&q);
      return NULL;
    }

  cm_store_query_end (&q);

  cm_group_rows_sort (rows);

  return g_steal_pointer (&rows);
}

typedef struct
{
  CmSessionRow *row;
  gint64        user_id;
  GPtrArray    *models;   /* CmGroupRow borrowed: key = model, cost */
} SessionAcc;

GPtrArray *
cm_store_query_sessions (CmStore              *self,
                         const CmQueryFilter  *filter,
                         GError              **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_session_row_free);
  g_autoptr(GPtrArray) per_model = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_group_row_free);
  g_autoptr(GHashTable) sessions = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) emails = NULL;
  g_autofree char *sql = NULL;
  sqlite3_stmt *stmt;
  CmStoreQuery q;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  if (!cm_store_query_begin (&q, self, filter, error))
    {
      cm_store_query_end (&q);
      return NULL;
    }

  sql = g_strdup_printf ("SELECT m.session_id, m.model, nullif (max (m.project), ''),"
                         " max (m.user_id), " CM_ROLLUP_TOTALS_COLUMNS " FROM session_rollup m%s GROUP BY 1, 2",
                         q.params.where->str);
  stmt = cm_store_query_prepare (&q, sql, error);
  if (stmt == NULL)
    {
      cm_store_query_end (&q);
      return NULL;
    }

  emails = load_emails (q.db);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *session_id = (const char *) sqlite3_column_text (stmt, 0);
      const char *project = (const char *) sqlite3_column_text (stmt, 2);
      gint64 user_id = sqlite3_column_int64 (stmt, 3);
      CmGroupRow *model = g_new0 (CmGroupRow, 1);
      SessionAcc *acc = g_hash_table_lookup (sessions, session_id);

      model->key = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      cm_store_read_totals (stmt, 4, &model->totals);
      g_ptr_array_add (per_model, model);

      if (acc == NULL)
        {
          acc = g_new0 (SessionAcc, 1);
          acc->row = g_new0 (CmSessionRow, 1);
          acc->row->session_id = g_ref_string_new (session_id);
          acc->models = g_ptr_array_new ();
          g_ptr_array_add (rows, acc->row);
          g_hash_table_insert (sessions, acc->row->session_id, acc);
        }

      /* The greatest project and user id of the session, as SQL max () would
       * give over all its messages (the rollup cache agrees). */
      if (project != NULL && g_strcmp0 (project, acc->row->project) > 0)
        {
          g_clear_pointer (&acc->row->project, g_ref_string_release);
          acc->row->project = g_ref_string_new (project);
        }
      if (user_id > acc->user_id)
        acc->user_id = user_id;

      cm_totals_add (&acc->row->totals, &model->totals);
      g_ptr_array_add (acc->models, model);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    cm_sqlite_set_error (error, q.db, rc, "sessions");

  cm_store_query_end (&q);

  {
    GHashTableIter iter;
    SessionAcc *acc;

    g_hash_table_iter_init (&iter, sessions);
    while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &acc))
      {
        const char *email = acc->user_id > 0 ? g_hash_table_lookup (emails, GINT_TO_POINTER ((int) acc->user_id)) : NULL;

        cm_session_row_set_models (acc->row, acc->models);
        acc->row->user = g_ref_string_new (email != NULL ? email : CM_UNATTRIBUTED_KEY);
        g_ptr_array_unref (acc->models);
        g_free (acc);
      }
  }

  if (rc != SQLITE_DONE)
    return NULL;

  cm_session_rows_sort (rows);

  return g_steal_pointer (&rows);
}

static gboolean
read_slices (CmStore      *self,
             const char   *sql,
             GHashTable   *emails,
             CmSliceFunc   func,
             gpointer      user_data,
             GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return FALSE;

  /* The users and the rows from one snapshot of the database. */
  if (!cm_sqlite_exec (db, "BEGIN", error))
    {
      cm_store_give_reader (self, db);
      return FALSE;
    }

  if (sqlite3_prepare_v2 (db, "SELECT id, email FROM users", -1, &stmt, NULL) == SQLITE_OK)
    {
      while (sqlite3_step (stmt) == SQLITE_ROW)
        g_hash_table_insert (emails, GINT_TO_POINTER (sqlite3_column_int (stmt, 0)),
                             g_strdup ((const char *) sqlite3_column_text (stmt, 1)));
    }
  sqlite3_finalize (stmt);

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK || rc == SQLITE_ROW)
    {
      CmSlice slice = { 0 };
      gint64 backend;

      if ((rc = sqlite3_step (stmt)) != SQLITE_ROW)
        break;

      backend = sqlite3_column_int64 (stmt, 3);
      slice.ts = sqlite3_column_int64 (stmt, 0);
      slice.session_id = (const char *) sqlite3_column_text (stmt, 1);
      slice.model = (const char *) sqlite3_column_text (stmt, 2);
      slice.backend = backend >= 0 && backend < CM_N_BACKENDS ? backend : CM_BACKEND_UNKNOWN;
      slice.user_id = sqlite3_column_int64 (stmt, 4);
      slice.project = (const char *) sqlite3_column_text (stmt, 5);
      cm_store_read_totals (stmt, 6, &slice.totals);
      slice.speed = (const char *) sqlite3_column_text (stmt, 6 + CM_N_TOTALS_COLUMNS);
      func (&slice, user_data);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    cm_sqlite_set_error (error, db, rc, "read the usage");
  cm_sqlite_exec (db, "COMMIT", NULL);
  cm_store_give_reader (self, db);

  return rc == SQLITE_DONE;
}

gboolean
cm_store_read_rollup (CmStore      *self,
                      GHashTable   *emails,
                      CmSliceFunc   func,
                      gpointer      user_data,
                      GError      **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  return read_slices (self,
                      "SELECT ts, NULL, model, backend, user_id, nullif (project, ''), input, output,"
                      " cw5m, cw1h, cr, ws, messages, unpriced, estimated, cost, c_input, c_output,"
                      " c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms, speed FROM rollup",
                      emails, func, user_data, error);
}

/* About how many rows the rollup (or the session rollup) has, at once: its
 * greatest rowid. Loaders size their arrays with it. */
guint
cm_store_guess_slices (CmStore  *self,
                       gboolean  sessions)
{
  sqlite3 *db = cm_store_take_reader (self, NULL);
  gint64 n = 0;

  if (db == NULL)
    return 0;

  if (!cm_sqlite_query_int (db, sessions ? "SELECT ifnull (max (rowid), 0) FROM session_rollup"
                               : "SELECT ifnull (max (rowid), 0) FROM rollup", &n, NULL))
    n = 0;
  cm_store_give_reader (self, db);

  return (guint) CLAMP (n, 0, G_MAXUINT32);
}

gboolean
cm_store_read_session_rollup (CmStore      *self,
                              GHashTable   *emails,
                              CmSliceFunc   func,
                              gpointer      user_data,
                              GError      **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  return read_slices (self,
                      "SELECT ts, session_id, model, backend, user_id, nullif (project, ''), input,"
                      " output, cw5m, cw1h, cr, ws, messages, unpriced, estimated, cost, c_input,"
                      " c_output, c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms, speed FROM session_rollup",
                      emails, func, user_data, error);
}

GPtrArray *
cm_store_query_session_messages (CmStore     *self,
                                 const char  *session_id,
                                 GError     **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_message_row_free);
  g_autoptr(GHashTable) emails = NULL;
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), NULL);
  g_return_val_if_fail (session_id != NULL, NULL);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  emails = load_emails (db);

  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, message_id, session_id, model, model_raw, project, user_id,"
                           " backend, ts, sidechain, priced, estimated, long_ctx, input, output,"
                           " cw5m, cw1h, cr, ws, c_input, c_output, c_cw5m, c_cw1h, c_cr, c_ws, cost,"
                           " nullif (speed, ''), nullif (inference_geo, '')"
                           " FROM messages WHERE session_id = ?1 ORDER BY ts, id",
                           -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    sqlite3_bind_text (stmt, 1, session_id, -1, SQLITE_STATIC);

  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CmMessageRow *row = g_new0 (CmMessageRow, 1);

      row->id = sqlite3_column_int64 (stmt, 0);
      row->message_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->session_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      row->model = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      row->model_raw = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      row->project = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      if (sqlite3_column_type (stmt, 6) == SQLITE_NULL)
        row->user = g_strdup (CM_UNATTRIBUTED_KEY);
      else
        row->user = g_strdup (g_hash_table_lookup (emails, GINT_TO_POINTER (sqlite3_column_int (stmt, 6))));
      row->backend = CLAMP (sqlite3_column_int (stmt, 7), 0, CM_BACKEND_UNKNOWN);
      row->timestamp_ms = sqlite3_column_int64 (stmt, 8);
      row->is_sidechain = sqlite3_column_int (stmt, 9) != 0;
      row->priced = sqlite3_column_int (stmt, 10) != 0;
      row->estimated = sqlite3_column_int (stmt, 11) != 0;
      row->long_context = sqlite3_column_int (stmt, 12) != 0;
      row->cost.estimated = row->estimated;
      row->cost.long_context = row->long_context;
      row->usage.input = sqlite3_column_int64 (stmt, 13);
      row->usage.output = sqlite3_column_int64 (stmt, 14);
      row->usage.cache_write_5m = sqlite3_column_int64 (stmt, 15);
      row->usage.cache_write_1h = sqlite3_column_int64 (stmt, 16);
      row->usage.cache_read = sqlite3_column_int64 (stmt, 17);
      row->usage.web_search = sqlite3_column_int64 (stmt, 18);
      row->cost.input = sqlite3_column_int64 (stmt, 19);
      row->cost.output = sqlite3_column_int64 (stmt, 20);
      row->cost.cache_write_5m = sqlite3_column_int64 (stmt, 21);
      row->cost.cache_write_1h = sqlite3_column_int64 (stmt, 22);
      row->cost.cache_read = sqlite3_column_int64 (stmt, 23);
      row->cost.web_search = sqlite3_column_int64 (stmt, 24);
      row->cost.total = sqlite3_column_int64 (stmt, 25);
      row->speed = g_strdup ((const char *) sqlite3_column_text (stmt, 26));
      row->inference_geo = g_strdup ((const char *) sqlite3_column_text (stmt, 27));
      g_ptr_array_add (rows, row);
      rc = SQLITE_OK;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "session messages", error))
    return NULL;

  return g_steal_pointer (&rows);
}

static GStrv
list_strings (CmStore     *self,
              const char  *sql,
              GError     **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return NULL;

  rc = sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL);
  while (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
        g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
      rc = SQLITE_OK;
    }
  if (!cm_store_finish_read (self, db, stmt, rc, "list", error))
    return NULL;

  return g_strv_builder_end (builder);
}

GStrv
cm_store_list_models (CmStore  *self,
                      GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return list_strings (self, "SELECT DISTINCT model FROM messages ORDER BY model", error);
}

GStrv
cm_store_list_projects (CmStore  *self,
                        GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return list_strings (self, "SELECT DISTINCT project FROM messages ORDER BY project", error);
}

GStrv
cm_store_list_users (CmStore  *self,
                     GError  **error)
{
  g_return_val_if_fail (CM_IS_STORE (self), NULL);

  return list_strings (self,
                       "SELECT email FROM (SELECT u.email AS email FROM users u"
                       " WHERE EXISTS (SELECT 1 FROM messages m WHERE m.user_id = u.id)"
                       " UNION ALL SELECT '" CM_UNATTRIBUTED_KEY "'"
                       " WHERE EXISTS (SELECT 1 FROM messages m WHERE m.user_id IS NULL))"
                       " ORDER BY email = '" CM_UNATTRIBUTED_KEY "', email",
                       error);
}

gint64
cm_store_count_messages (CmStore  *self,
                         GError  **error)
{
  sqlite3 *db = cm_store_take_reader (self, error);
  gint64 count = -1;

  if (db == NULL)
    return -1;

  /* The rollup counts every message: far fewer rows than the table. */
  if (!cm_sqlite_query_int (db, "SELECT coalesce (sum (messages), 0) FROM rollup", &count, error))
    count = -1;

  cm_store_give_reader (self, db);

  return count;
}

gint64
cm_store_count_skipped_lines (CmStore  *self,
                              GError  **error)
{
  sqlite3 *db;
  gint64 count = 0;

  g_return_val_if_fail (CM_IS_STORE (self), -1);

  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return -1;

  if (!cm_sqlite_query_int (db, "SELECT coalesce (sum (broken_lines), 0) FROM files", &count, error))
    count = -1;

  cm_store_give_reader (self, db);

  return count;
}

gboolean
cm_store_count_pending_tails (CmStore  *self,
                              gint64   *files,
                              gint64   *bytes,
                              GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CM_IS_STORE (self), FALSE);

  *files = *bytes = 0;
  db = cm_store_take_reader (self, error);
  if (db == NULL)
    return FALSE;

  /* The offset stops after the last newline; the size is the file's when it
   * was last read. */
  rc = sqlite3_prepare_v2 (db, "SELECT count (*), coalesce (sum (size - offset), 0) FROM files"
                               " WHERE gone = 0 AND size > offset", -1, &stmt, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      *files = sqlite3_column_int64 (stmt, 0);
      *bytes = sqlite3_column_int64 (stmt, 1);
      rc = SQLITE_DONE;
    }

  return cm_store_finish_read (self, db, stmt, rc, "pending tails", error);
}
