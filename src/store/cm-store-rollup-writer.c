/* cm-store-rollup-writer.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Both rollups, kept by the scanner's transactions in memory.
 *
 * The schema's triggers add every inserted message to the rollup and the
 * session rollup with an upsert each (and take a replaced or deleted one
 * out): two index walks and two row writes per message. While the writer
 * marks its transaction ('rollup_writer' in meta, never committed), those
 * triggers stand aside and TEMP triggers of the write connection hand each
 * change to cm_rollup_delta() instead. The rows a transaction touches are
 * read once, changed in memory with exactly the triggers' rules (add: the row
 * is created or summed into, first/last widened; take out: subtracted, and
 * deleted at zero messages) and written once, in the order the triggers
 * would have created them. Every other writer (re-pricing, owner changes, a
 * sqlite3 shell) still goes through the triggers. */

#include "config.h"

#include "cm-store-private.h"

/* messages, unpriced, then the sums in ROLLUP_SUMS' order */
#define N_VALUES 16
/* Written out (and forgotten) past this many rows in one transaction. */
#define MAX_ENTRIES 16384

#define KEY_WHERE " ts = ?1 AND model = ?2 AND speed = ?3 AND backend = ?4 AND user_id = ?5 AND project = ?6"
#define VALUE_COLUMNS \
  "messages, unpriced, input, output, cw5m, cw1h, cr, ws, estimated, cost, c_input, c_output," \
  " c_cw5m, c_cw1h, c_cr, c_ws, first_ms, last_ms"
#define VALUE_PARAMS \
  "?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25"
#define VALUE_SET \
  "messages = ?8, unpriced = ?9, input = ?10, output = ?11, cw5m = ?12, cw1h = ?13, cr = ?14," \
  " ws = ?15, estimated = ?16, cost = ?17, c_input = ?18, c_output = ?19, c_cw5m = ?20," \
  " c_cw1h = ?21, c_cr = ?22, c_ws = ?23, first_ms = ?24, last_ms = ?25"

enum { STMT_LOAD, STMT_INSERT, STMT_UPDATE, STMT_DELETE, N_STMTS };

/* [0]: the rollup; [1]: the session rollup (its session is ?7). */
static const char *const statement_sql[2][N_STMTS] = {
  {
    "SELECT rowid, " VALUE_COLUMNS " FROM rollup WHERE" KEY_WHERE,
    "INSERT INTO rollup (ts, model, speed, backend, user_id, project, " VALUE_COLUMNS ")"
    " VALUES (?1, ?2, ?3, ?4, ?5, ?6, " VALUE_PARAMS ")",
    "UPDATE rollup SET " VALUE_SET " WHERE rowid = ?26",
    "DELETE FROM rollup WHERE rowid = ?26",
  },
  {
    "SELECT rowid, " VALUE_COLUMNS " FROM session_rollup WHERE session_id = ?7 AND" KEY_WHERE,
    "INSERT INTO session_rollup (session_id, ts, model, speed, backend, user_id, project, "
    VALUE_COLUMNS ") VALUES (?7, ?1, ?2, ?3, ?4, ?5, ?6, " VALUE_PARAMS ")",
    "UPDATE session_rollup SET " VALUE_SET " WHERE rowid = ?26",
    "DELETE FROM session_rollup WHERE rowid = ?26",
  },
};

/* The arguments cm_rollup_delta() takes, after its sign. */
#define DELTA_ARGS(R) \
  R ".session_id, " R ".ts, " R ".model, " R ".speed, " R ".backend, " R ".user_id, " R ".project, " \
  R ".priced, " R ".input, " R ".output, " R ".cw5m, " R ".cw1h, " R ".cr, " R ".ws, " \
  R ".estimated, " R ".cost, " R ".c_input, " R ".c_output, " R ".c_cw5m, " R ".c_cw1h, " \
  R ".c_cr, " R ".c_ws"
#define N_DELTA_ARGS 23
/* The arguments' places: the time, priced, and the first of the sums
 * (input). */
#define ARG_TS 2
#define ARG_PRICED 8
#define FIRST_SUM_ARG 9

static const char temp_triggers_sql[] =
  "CREATE TEMP TRIGGER cm_writer_rollup_insert AFTER INSERT ON main.messages"
  " WHEN cm_rollup_active () BEGIN SELECT cm_rollup_delta (1, " DELTA_ARGS ("NEW") "); END;"
  "CREATE TEMP TRIGGER cm_writer_rollup_update AFTER UPDATE ON main.messages"
  " WHEN cm_rollup_active () BEGIN SELECT cm_rollup_delta (-1, " DELTA_ARGS ("OLD") ");"
  " SELECT cm_rollup_delta (1, " DELTA_ARGS ("NEW") "); END;"
  "CREATE TEMP TRIGGER cm_writer_rollup_delete AFTER DELETE ON main.messages"
  " WHEN cm_rollup_active () BEGIN SELECT cm_rollup_delta (-1, " DELTA_ARGS ("OLD") "); END;";

typedef struct
{
  /* the key; session_id NULL for a rollup row */
  char     *session_id;
  gint64    ts;
  char     *model;
  char     *speed;
  gint64    backend;
  gint64    user_id;
  char     *project;
  /* the row */
  gint64    rowid;       /* 0: not in the table when read */
  gboolean  present;     /* the row exists now */
  gint64    values[N_VALUES];
  gint64    first_ms;
  gint64    last_ms;
} Entry;

struct _CmRollupWriter
{
  sqlite3      *db;
  gboolean      active;
  GHashTable   *entries;   /* Entry -> itself */
  GPtrArray    *order;     /* the entries as first touched; owns them */
  sqlite3_stmt *stmts[2][N_STMTS];
  char         *failure;   /* what went wrong inside a trigger */
};

static void
entry_free (Entry *entry)
{
  g_free (entry->session_id);
  g_free (entry->model);
  g_free (entry->speed);
  g_free (entry->project);
  g_free (entry);
}

static guint
entry_hash (gconstpointer p)
{
  const Entry *e = p;
  guint h = g_str_hash (e->model) * 31 + g_str_hash (e->project);

  h = h * 31 + (e->session_id != NULL ? g_str_hash (e->session_id) : 7);
  h = h * 31 + g_str_hash (e->speed);

  return h * 31 + (guint) (e->ts / 900000) + (guint) e->user_id * 131 + (guint) e->backend;
}

static gboolean
entry_equal (gconstpointer pa,
             gconstpointer pb)
{
  const Entry *a = pa, *b = pb;

  return a->ts == b->ts && a->backend == b->backend && a->user_id == b->user_id &&
         g_strcmp0 (a->session_id, b->session_id) == 0 && strcmp (a->model, b->model) == 0 &&
         strcmp (a->project, b->project) == 0 && strcmp (a->speed, b->speed) == 0;
}

static void
bind_key (sqlite3_stmt *stmt,
          const Entry  *e)
{
  sqlite3_bind_int64 (stmt, 1, e->ts);
  sqlite3_bind_text (stmt, 2, e->model, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, e->speed, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, e->backend);
  sqlite3_bind_int64 (stmt, 5, e->user_id);
  sqlite3_bind_text (stmt, 6, e->project, -1, SQLITE_STATIC);
  if (e->session_id != NULL)
    sqlite3_bind_text (stmt, 7, e->session_id, -1, SQLITE_STATIC);
}

static int
run (sqlite3_stmt *stmt)
{
  int rc = sqlite3_step (stmt);

  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* The row of @key as the table holds it now, into a new entry. */
static Entry *
load_entry (CmRollupWriter *w,
            const Entry    *key,
            int            *rc)
{
  sqlite3_stmt *stmt = w->stmts[key->session_id != NULL][STMT_LOAD];
  Entry *e = g_new0 (Entry, 1);

  e->session_id = g_strdup (key->session_id);
  e->ts = key->ts;
  e->model = g_strdup (key->model);
  e->speed = g_strdup (key->speed);
  e->backend = key->backend;
  e->user_id = key->user_id;
  e->project = g_strdup (key->project);

  bind_key (stmt, e);
  *rc = sqlite3_step (stmt);
  if (*rc == SQLITE_ROW)
    {
      e->rowid = sqlite3_column_int64 (stmt, 0);
      e->present = TRUE;
      for (int i = 0; i < N_VALUES; i++)
        e->values[i] = sqlite3_column_int64 (stmt, 1 + i);
      e->first_ms = sqlite3_column_int64 (stmt, 1 + N_VALUES);
      e->last_ms = sqlite3_column_int64 (stmt, 2 + N_VALUES);
    }
  *rc = *rc == SQLITE_ROW || *rc == SQLITE_DONE ? SQLITE_OK : *rc;
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);

  return e;
}

/* What the triggers do to one row: add a message (create the row, or sum
 * into it and widen its times) or take one out (at zero messages the row
 * goes). */
static void
entry_apply (Entry         *e,
             int            sign,
             sqlite3_value **argv)
{
  gint64 ts = sqlite3_value_int64 (argv[ARG_TS]);
  gint64 unpriced = sqlite3_value_int64 (argv[ARG_PRICED]) == 0;

  if (sign > 0 && !e->present)
    {
      e->present = TRUE;
      e->values[0] = 1;
      e->values[1] = unpriced;
      for (int i = 2; i < N_VALUES; i++)
        e->values[i] = sqlite3_value_int64 (argv[FIRST_SUM_ARG + i - 2]);
      e->first_ms = e->last_ms = ts;
    }
  else if (sign > 0)
    {
      e->values[0] += 1;
      e->values[1] += unpriced;
      for (int i = 2; i < N_VALUES; i++)
        e->values[i] += sqlite3_value_int64 (argv[FIRST_SUM_ARG + i - 2]);
      e->first_ms = MIN (e->first_ms, ts);
      e->last_ms = MAX (e->last_ms, ts);
    }
  else if (e->present)
    {
      e->values[0] -= 1;
      e->values[1] -= unpriced;
      for (int i = 2; i < N_VALUES; i++)
        e->values[i] -= sqlite3_value_int64 (argv[FIRST_SUM_ARG + i - 2]);
      if (e->values[0] == 0)
        e->present = FALSE;
    }
}

static const char *
text_or (sqlite3_value *value,
         const char    *fallback)
{
  const char *text = (const char *) sqlite3_value_text (value);

  return text != NULL ? text : fallback;
}

static int
touch (CmRollupWriter *w,
       Entry          *key,
       int             sign,
       sqlite3_value **argv)
{
  Entry *e = g_hash_table_lookup (w->entries, key);
  int rc = SQLITE_OK;

  if (e == NULL)
    {
      e = load_entry (w, key, &rc);
      g_ptr_array_add (w->order, e);
      g_hash_table_add (w->entries, e);
    }
  if (rc == SQLITE_OK)
    entry_apply (e, sign, argv);

  return rc;
}

/* cm_rollup_delta (sign, session_id, ts, model, speed, backend, user_id,
 * project, priced, input, ..., c_ws): a message added (+1) or taken out
 * (-1), to both rollups. NULL user and project count as 0 and '', a NULL
 * session as '', as the triggers have it. */
static void
rollup_delta_func (sqlite3_context *ctx,
                   int              argc,
                   sqlite3_value  **argv)
{
  CmRollupWriter *w = sqlite3_user_data (ctx);
  int sign = sqlite3_value_int (argv[0]);
  gint64 ts = sqlite3_value_int64 (argv[ARG_TS]);
  Entry key = { 0 };
  int rc;

  g_assert (argc == N_DELTA_ARGS);

  key.ts = ts - ts % 900000;
  key.model = (char *) text_or (argv[3], "");
  key.speed = (char *) text_or (argv[4], "");
  key.backend = sqlite3_value_int64 (argv[5]);
  key.user_id = sqlite3_value_int64 (argv[6]);
  key.project = (char *) text_or (argv[7], "");

  rc = touch (w, &key, sign, argv);
  if (rc == SQLITE_OK)
    {
      key.session_id = (char *) text_or (argv[1], "");
      rc = touch (w, &key, sign, argv);
    }
  if (rc != SQLITE_OK)
    sqlite3_result_error_code (ctx, rc);
  else
    sqlite3_result_null (ctx);
}

static void
rollup_active_func (sqlite3_context *ctx,
                    int              argc,
                    sqlite3_value  **argv)
{
  CmRollupWriter *w = sqlite3_user_data (ctx);

  sqlite3_result_int (ctx, w->active);
}

/* Frees what is not yet written. */
static void
forget_entries (CmRollupWriter *w)
{
  g_hash_table_remove_all (w->entries);
  g_ptr_array_set_size (w->order, 0);
}

void
cm_rollup_writer_free (CmRollupWriter *w)
{
  if (w == NULL)
    return;

  for (int t = 0; t < 2; t++)
    for (int s = 0; s < N_STMTS; s++)
      sqlite3_finalize (w->stmts[t][s]);
  g_hash_table_unref (w->entries);
  g_ptr_array_unref (w->order);
  g_free (w);
}

/**
 * cm_rollup_writer_new:
 * @db: the write connection, migrated
 *
 * Registers the functions and TEMP triggers on @db and prepares the
 * statements.
 */
CmRollupWriter *
cm_rollup_writer_new (sqlite3  *db,
                      GError  **error)
{
  CmRollupWriter *w = g_new0 (CmRollupWriter, 1);
  int rc;

  w->db = db;
  w->entries = g_hash_table_new (entry_hash, entry_equal);
  w->order = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);

  rc = sqlite3_create_function_v2 (db, "cm_rollup_delta", N_DELTA_ARGS, SQLITE_UTF8, w,
                                   rollup_delta_func, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_create_function_v2 (db, "cm_rollup_active", 0, SQLITE_UTF8, w,
                                     rollup_active_func, NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, temp_triggers_sql, NULL, NULL, NULL);
  for (int t = 0; t < 2 && rc == SQLITE_OK; t++)
    for (int s = 0; s < N_STMTS && rc == SQLITE_OK; s++)
      rc = sqlite3_prepare_v3 (db, statement_sql[t][s], -1, SQLITE_PREPARE_PERSISTENT,
                               &w->stmts[t][s], NULL);
  if (rc != SQLITE_OK)
    {
      cm_sqlite_set_error (error, db, rc, "rollup writer");
      cm_rollup_writer_free (w);
      return NULL;
    }

  return w;
}

/* Marks the open transaction: from now on its changes to the messages reach
 * the rollups through memory. */
gboolean
cm_rollup_writer_start (CmRollupWriter  *w,
                        GError         **error)
{
  if (w->active)
    return TRUE;

  if (!cm_sqlite_exec (w->db, "INSERT OR REPLACE INTO meta (key, value) VALUES ('rollup_writer', '')",
                       error))
    return FALSE;
  w->active = TRUE;

  return TRUE;
}

static int
write_entry (CmRollupWriter *w,
             Entry          *e)
{
  sqlite3_stmt *stmt;
  int table = e->session_id != NULL;

  if (!e->present)
    {
      if (e->rowid == 0)
        return SQLITE_OK;
      stmt = w->stmts[table][STMT_DELETE];
      sqlite3_bind_int64 (stmt, 26, e->rowid);
      return run (stmt);
    }

  if (e->rowid == 0)
    {
      stmt = w->stmts[table][STMT_INSERT];
      bind_key (stmt, e);
    }
  else
    {
      stmt = w->stmts[table][STMT_UPDATE];
      sqlite3_bind_int64 (stmt, 26, e->rowid);
    }
  for (int i = 0; i < N_VALUES; i++)
    sqlite3_bind_int64 (stmt, 8 + i, e->values[i]);
  sqlite3_bind_int64 (stmt, 8 + N_VALUES, e->first_ms);
  sqlite3_bind_int64 (stmt, 9 + N_VALUES, e->last_ms);

  return run (stmt);
}

/* Writes the rows touched so far, in the order the triggers would have
 * created them. */
static gboolean
write_entries (CmRollupWriter  *w,
               GError         **error)
{
  int rc = SQLITE_OK;

  for (guint i = 0; i < w->order->len && rc == SQLITE_OK; i++)
    rc = write_entry (w, g_ptr_array_index (w->order, i));
  forget_entries (w);

  if (rc != SQLITE_OK)
    return cm_sqlite_set_error (error, w->db, rc, "rollup");

  return TRUE;
}

/* Called between statements: keeps the memory bounded in a long
 * transaction. */
gboolean
cm_rollup_writer_trim (CmRollupWriter  *w,
                       GError         **error)
{
  if (g_hash_table_size (w->entries) < MAX_ENTRIES)
    return TRUE;

  return write_entries (w, error);
}

/* Before the commit: the rows touched are written and the mark goes. */
gboolean
cm_rollup_writer_finish (CmRollupWriter  *w,
                         GError         **error)
{
  if (!w->active)
    return TRUE;

  if (!write_entries (w, error) ||
      !cm_sqlite_exec (w->db, "DELETE FROM meta WHERE key = 'rollup_writer'", error))
    return FALSE;
  w->active = FALSE;

  return TRUE;
}

/* The transaction was rolled back: its mark went with it. */
void
cm_rollup_writer_discard (CmRollupWriter *w)
{
  forget_entries (w);
  w->active = FALSE;
}
