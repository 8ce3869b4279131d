/* cm-team-push.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The push: the local log above the device's watermark, in batches; each
 * batch is COPYed into the staging table and merged by push_apply() in one
 * transaction that also moves the watermark. Killed at any point, the next
 * push starts from the watermark the database holds: nothing is lost and
 * nothing counts twice. */

#include "config.h"

#include <string.h>

#include "cm-store-push.h"
#include "cm-team-store-private.h"

#define DEFAULT_BATCH 5000

static const char copy_sql[] =
  "COPY costmeter.push_staging (push_id, seq, gone, key, ts, user_email, project, session,"
  " model, backend, speed, sidechain, priced, estimated, long_ctx, input, output, cw5m, cw1h,"
  " cr, ws, c_input, c_output, c_cw5m, c_cw1h, c_cr, c_ws, cost) FROM STDIN";

/* Who this computer is, for keys made of a file's position: the same line
 * of the same file stays one row across rebuilds of the local database. */
static char *
machine_id (void)
{
  char *id = NULL;

  if (g_file_get_contents ("/etc/machine-id", &id, NULL, NULL))
    return g_strstrip (id);

  return g_strdup (g_get_host_name ());
}

/* The team's key: the MD5 of the store's dedup key. Keys by message id and
 * line uuid are the same on every computer; a key by position is made
 * global with the computer and the file's path. */
static char *
team_key (const CmPushRow *row,
          const char      *machine)
{
  if (g_str_has_prefix (row->dkey, "p:") && row->file_path != NULL)
    {
      const char *offset = strrchr (row->dkey, ':');
      g_autofree char *global = g_strdup_printf ("p:%s:%s%s", machine, row->file_path, offset);

      return g_compute_checksum_for_string (G_CHECKSUM_MD5, global, -1);
    }

  return g_compute_checksum_for_string (G_CHECKSUM_MD5, row->dkey, -1);
}

static void
append_text (GString    *line,
             const char *value)
{
  g_string_append_c (line, '\t');
  if (value == NULL)
    {
      g_string_append (line, "\\N");
      return;
    }

  for (const char *c = value; *c != '\0'; c++)
    {
      switch (*c)
        {
        case '\\': g_string_append (line, "\\\\"); break;
        case '\n': g_string_append (line, "\\n"); break;
        case '\r': g_string_append (line, "\\r"); break;
        case '\t': g_string_append (line, "\\t"); break;
        default:   g_string_append_c (line, *c); break;
        }
    }
}

static void
append_int (GString *line,
            gint64   value)
{
  g_string_append_printf (line, "\t%" G_GINT64_FORMAT, value);
}

static void
append_bool (GString  *line,
             gboolean  value)
{
  g_string_append (line, value ? "\tt" : "\tf");
}

/* One COPY line in text format. */
static void
append_row (GString         *buf,
            const char      *push_id,
            const char      *machine,
            const CmPushRow *row)
{
  g_autofree char *key = team_key (row, machine);
  const gint64 figures[] = {
    row->usage.input, row->usage.output, row->usage.cache_write_5m, row->usage.cache_write_1h,
    row->usage.cache_read, row->usage.web_search, row->cost.input, row->cost.output,
    row->cost.cache_write_5m, row->cost.cache_write_1h, row->cost.cache_read,
    row->cost.web_search, row->cost.total,
  };

  g_string_append (buf, push_id);
  append_int (buf, row->seq);
  append_bool (buf, row->gone);
  append_text (buf, key);
  append_int (buf, row->timestamp_ms);
  if (row->gone)
    {
      /* Which message, nothing else. */
      for (guint i = 0; i < 23; i++)
        g_string_append (buf, "\t\\N");
      g_string_append_c (buf, '\n');
      return;
    }

  append_text (buf, row->user);
  append_text (buf, row->project);
  append_text (buf, row->session_id);
  append_text (buf, row->model);
  append_int (buf, row->backend);
  append_text (buf, row->speed);
  append_bool (buf, row->sidechain);
  append_bool (buf, row->priced);
  append_bool (buf, row->cost.estimated);
  append_bool (buf, row->cost.long_context);
  for (guint i = 0; i < G_N_ELEMENTS (figures); i++)
    append_int (buf, figures[i]);
  g_string_append_c (buf, '\n');
}

static gboolean
copy_rows (PGconn      *conn,
           const char  *push_id,
           const char  *machine,
           GPtrArray   *rows,
           GError     **error)
{
  g_autoptr(GString) buf = g_string_sized_new (256 * rows->len);
  PGresult *res;
  gboolean ok;

  res = PQexec (conn, copy_sql);
  if (PQresultStatus (res) != PGRES_COPY_IN)
    {
      cm_team_set_error (error, conn, res, "send the rows");
      PQclear (res);
      return FALSE;
    }
  PQclear (res);

  for (guint i = 0; i < rows->len; i++)
    append_row (buf, push_id, machine, g_ptr_array_index (rows, i));

  ok = PQputCopyData (conn, buf->str, buf->len) == 1 && PQputCopyEnd (conn, NULL) == 1;
  res = PQgetResult (conn);
  ok = ok && PQresultStatus (res) == PGRES_COMMAND_OK;
  if (!ok)
    cm_team_set_error (error, conn, res, "send the rows");
  PQclear (res);
  /* Drain: COPY ends with one result, then NULL. */
  while ((res = PQgetResult (conn)) != NULL)
    PQclear (res);

  return ok;
}

/* The last entry of this device's log that the database holds. */
static gboolean
read_watermark (PGconn      *conn,
                const char  *device,
                gint64      *watermark,
                GError     **error)
{
  const char *params[] = { device };
  PGresult *res = cm_team_exec (conn, "SELECT watermark FROM costmeter.devices WHERE uuid = $1",
                                1, params, "read the watermark", error);

  if (res == NULL)
    return FALSE;
  *watermark = PQntuples (res) > 0 ? cm_team_get_int64 (res, 0, 0) : 0;
  PQclear (res);

  return TRUE;
}

typedef enum
{
  BATCH_OK,
  BATCH_MOVED,   /* another push of this device got there first */
  BATCH_FAILED,
} BatchResult;

static BatchResult
push_batch (PGconn      *conn,
            const char  *device,
            const char  *machine,
            GPtrArray   *rows,
            gint64       from,
            gint64       to,
            GError     **error)
{
  g_autofree char *push_id = g_uuid_string_random ();
  g_autofree char *from_s = g_strdup_printf ("%" G_GINT64_FORMAT, from);
  g_autofree char *to_s = g_strdup_printf ("%" G_GINT64_FORMAT, to);
  const char *params[] = { push_id, device, g_get_host_name (), from_s, to_s };
  g_autoptr(GError) local_error = NULL;
  PGresult *res;

  if (!cm_team_exec_command (conn, "BEGIN", "begin", error))
    return BATCH_FAILED;

  if (!copy_rows (conn, push_id, machine, rows, error))
    goto fail;

  res = PQexecParams (conn, "SELECT costmeter.push_apply ($1, $2, $3, $4, $5)", 5, NULL, params,
                      NULL, NULL, 0);
  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    {
      gboolean moved = g_str_equal (cm_team_sqlstate (res), "CMW01");

      cm_team_set_error (&local_error, conn, res, "merge the rows");
      PQclear (res);
      cm_team_exec_command (conn, "ROLLBACK", "roll back", NULL);
      if (moved)
        return BATCH_MOVED;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return BATCH_FAILED;
    }
  PQclear (res);

  if (!cm_team_exec_command (conn, "COMMIT", "commit", error))
    return BATCH_FAILED;

  return BATCH_OK;

fail:
  cm_team_exec_command (conn, "ROLLBACK", "roll back", NULL);
  return BATCH_FAILED;
}

static gboolean
push_all (PGconn           *conn,
          CmStore          *store,
          const char       *device,
          guint             batch_size,
          CmTeamPushStats  *stats,
          GCancellable     *cancellable,
          GError          **error)
{
  g_autofree char *machine = machine_id ();
  gint64 watermark = 0;

  if (!read_watermark (conn, device, &watermark, error) ||
      !cm_store_push_acknowledge (store, watermark, error))
    return FALSE;

  for (;;)
    {
      g_autoptr(GPtrArray) rows = NULL;
      gint64 to;
      BatchResult result;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;

      rows = cm_store_read_push_rows (store, watermark, batch_size, error);
      if (rows == NULL)
        return FALSE;
      if (rows->len == 0)
        break;

      to = ((CmPushRow *) g_ptr_array_index (rows, rows->len - 1))->seq;
      result = push_batch (conn, device, machine, rows, watermark, to, error);
      if (result == BATCH_FAILED)
        return FALSE;
      if (result == BATCH_MOVED)
        {
          /* Start again from where the other push got. */
          if (!read_watermark (conn, device, &watermark, error) ||
              !cm_store_push_acknowledge (store, watermark, error))
            return FALSE;
          continue;
        }

      /* Held by the team now; a kill before this line only leaves entries
       * that the next push drops without sending. */
      watermark = to;
      if (!cm_store_push_acknowledge (store, watermark, error))
        return FALSE;
      stats->rows += rows->len;
      stats->batches++;
    }

  stats->watermark = watermark;

  return TRUE;
}

gboolean
cm_team_store_push (CmTeamStore      *self,
                    CmStore          *store,
                    guint             batch_size,
                    CmTeamPushStats  *stats,
                    GCancellable     *cancellable,
                    GError          **error)
{
  g_autofree char *device = NULL;
  CmTeamPushStats local_stats = { 0 };
  PGconn *conn;
  gboolean ok;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);
  g_return_val_if_fail (CM_IS_STORE (store), FALSE);

  if (stats == NULL)
    stats = &local_stats;
  memset (stats, 0, sizeof *stats);
  if (batch_size == 0)
    batch_size = DEFAULT_BATCH;

  /* Noting changes starts before the first connection: offline, rows wait. */
  if (!cm_store_push_start (store, error) || !(device = cm_store_dup_device_id (store, error)))
    return FALSE;

  conn = cm_team_take_conn (self, TRUE, error);
  if (conn == NULL)
    {
      stats->pending = cm_store_count_push_pending (store, NULL);
      return FALSE;
    }

  ok = push_all (conn, store, device, batch_size, stats, cancellable, error);
  cm_team_give_conn (self, conn);
  stats->pending = cm_store_count_push_pending (store, NULL);

  return ok;
}
