/* cm-team-store-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* Shared by the files of src/team/ only: the instance structure and the
 * libpq helpers. */

#include <libpq-fe.h>

#include "cm-team-store.h"

G_BEGIN_DECLS

struct _CmTeamStore
{
  GObject      parent_instance;

  char        *conninfo;
  char        *password;    /* wiped at finalize; never logged */
  GAsyncQueue *idle;        /* PGconn, checked and idle */
  gint         is_admin;
};

/* A checked connection from the pool (or a new one); give it back after
 * use: one in a failed or unfinished state is closed instead. */
PGconn      *cm_team_take_conn        (CmTeamStore        *self,
                                       gboolean            check_schema,
                                       GError            **error);
void         cm_team_give_conn        (CmTeamStore        *self,
                                       PGconn             *conn);

/* Turns a failed result (or a lost connection) into a clear error. */
gboolean     cm_team_set_error        (GError            **error,
                                       PGconn             *conn,
                                       const PGresult     *res,
                                       const char         *what);
/* PQexecParams with text parameters; NULL with @error set unless the
 * statement succeeded. */
PGresult    *cm_team_exec             (PGconn             *conn,
                                       const char         *sql,
                                       int                 n_params,
                                       const char * const *params,
                                       const char         *what,
                                       GError            **error);
gboolean     cm_team_exec_command     (PGconn             *conn,
                                       const char         *sql,
                                       const char         *what,
                                       GError            **error);
/* The SQLSTATE of a failed result, "" without one. */
const char  *cm_team_sqlstate         (const PGresult     *res);

/* A PostgreSQL array literal ({"a","b"}) of @strv. */
char        *cm_team_text_array       (const char * const *strv);
gint64       cm_team_get_int64        (const PGresult     *res,
                                       int                 row,
                                       int                 column);

/* --- schema (cm-team-schema.c) --- */
/* The version in the database: 0 without the schema, -1 on error. */
int          cm_team_schema_version   (PGconn             *conn,
                                       GError            **error);

G_END_DECLS
