/* cm-team-store.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The team database (PostgreSQL through libpq): connections, the errors a
 * person can act on, and connection strings. Its parts: the schema and
 * roles (cm-team-schema.c), the push (cm-team-push.c), the reports
 * (cm-team-read.c). */

#include "config.h"

#include <string.h>

#include "cm-team-store-private.h"

G_DEFINE_FINAL_TYPE (CmTeamStore, cm_team_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cm-team-error-quark, cm_team_error)

/* Idle connections kept for the next query. */
#define MAX_IDLE 4

gboolean
cm_team_is_supported (void)
{
  return TRUE;
}

static void
wipe (char *secret)
{
  if (secret != NULL)
    memset (secret, 0, strlen (secret));
  g_free (secret);
}

static void
cm_team_store_finalize (GObject *object)
{
  CmTeamStore *self = (CmTeamStore *) object;
  PGconn *conn;

  while ((conn = g_async_queue_try_pop (self->idle)) != NULL)
    PQfinish (conn);
  g_async_queue_unref (self->idle);
  g_free (self->conninfo);
  wipe (self->password);

  G_OBJECT_CLASS (cm_team_store_parent_class)->finalize (object);
}

static void
cm_team_store_class_init (CmTeamStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_team_store_finalize;
}

static void
cm_team_store_init (CmTeamStore *self)
{
  self->idle = g_async_queue_new ();
}

CmTeamStore *
cm_team_store_new (const char *conninfo,
                   const char *password)
{
  CmTeamStore *self = g_object_new (CM_TYPE_TEAM_STORE, NULL);

  self->conninfo = g_strdup (conninfo != NULL ? conninfo : "");
  if (password != NULL && *password != '\0')
    self->password = g_strdup (password);

  return self;
}

/* --- errors --- */

/* libpq's message, first line, without its "FATAL:  "/"ERROR:  " prefix.
 * libpq never puts the password in a message. */
static char *
first_line (const char *message)
{
  const char *start = message != NULL ? message : "";
  const char *colon = strstr (start, ":  ");
  char *line;

  if (colon != NULL && colon - start < 10)
    start = colon + 3;
  line = g_strndup (start, strcspn (start, "\n"));

  return g_strstrip (line);
}

static char *
server_name (PGconn *conn)
{
  const char *host = PQhost (conn);
  const char *db = PQdb (conn);

  if (host == NULL || *host == '\0' || host[0] == '/')
    return g_strdup_printf ("“%s” on this computer", db != NULL ? db : "");

  return g_strdup_printf ("“%s” on %s", db != NULL ? db : "", host);
}

static gboolean
wants_tls (PGconn *conn)
{
  PQconninfoOption *options = PQconninfo (conn);
  gboolean tls = FALSE;

  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    {
      if (g_str_equal (o->keyword, "sslmode") && o->val != NULL)
        tls = g_str_equal (o->val, "require") || g_str_has_prefix (o->val, "verify-");
    }
  PQconninfoFree (options);

  return tls;
}

/* A connection that did not come up: why, in words a person can act on. */
static void
set_connect_error (GError **error,
                   PGconn  *conn)
{
  g_autofree char *detail = first_line (PQerrorMessage (conn));
  g_autofree char *where = server_name (conn);
  const char *user = PQuser (conn);

  if (PQconnectionNeedsPassword (conn) || strstr (detail, "password authentication failed") ||
      strstr (detail, "authentication failed"))
    g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_AUTH,
                 "The team database %s refused the user “%s” with this password (%s). "
                 "Check the user and password in Preferences → Team.",
                 where, user != NULL ? user : "", detail);
  else if (wants_tls (conn) && (strstr (detail, "SSL") || strstr (detail, "certificate") ||
                                strstr (detail, "root.crt") || strstr (detail, "server name")))
    g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_SSL,
                 "Could not make an encrypted, verified connection to the team database %s: %s. "
                 "With sslmode=verify-full the server needs a certificate signed by an authority "
                 "you trust (sslrootcert) that names its host. Nothing was sent.",
                 where, detail);
  else if (strstr (detail, "does not exist"))
    g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_NOT_CONFIGURED,
                 "The team database %s: %s.", where, detail);
  else
    g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_UNREACHABLE,
                 "Cannot reach the team database %s: %s. Rows stay on this computer and are "
                 "pushed once it answers.",
                 where, detail);
}

const char *
cm_team_sqlstate (const PGresult *res)
{
  const char *state = res != NULL ? PQresultErrorField (res, PG_DIAG_SQLSTATE) : NULL;

  return state != NULL ? state : "";
}

gboolean
cm_team_set_error (GError         **error,
                   PGconn          *conn,
                   const PGresult  *res,
                   const char      *what)
{
  g_autofree char *detail = first_line (res != NULL ? PQresultErrorMessage (res) : PQerrorMessage (conn));
  const char *state = cm_team_sqlstate (res);
  int code = CM_TEAM_ERROR_FAILED;

  if (PQstatus (conn) == CONNECTION_BAD || g_str_has_prefix (state, "08") ||
      g_str_has_prefix (state, "57P"))
    code = CM_TEAM_ERROR_UNREACHABLE;
  else if (g_str_has_prefix (state, "28"))
    code = CM_TEAM_ERROR_AUTH;
  else if (g_str_equal (state, "42501"))
    code = CM_TEAM_ERROR_PERMISSION;

  if (code == CM_TEAM_ERROR_UNREACHABLE)
    g_set_error (error, CM_TEAM_ERROR, code,
                 "The connection to the team database was lost (%s: %s). Rows stay on this "
                 "computer and are pushed once it answers.", what, detail);
  else if (code == CM_TEAM_ERROR_PERMISSION)
    g_set_error (error, CM_TEAM_ERROR, code,
                 "The team database does not allow the role “%s” to %s (%s). An admin adds "
                 "members with “costmeter-cli team add-member EMAIL”.",
                 PQuser (conn), what, detail);
  else
    g_set_error (error, CM_TEAM_ERROR, code, "Team database error (%s): %s", what, detail);

  return FALSE;
}

PGresult *
cm_team_exec (PGconn              *conn,
              const char          *sql,
              int                  n_params,
              const char * const  *params,
              const char          *what,
              GError             **error)
{
  /* Without parameters, the simple protocol: several statements at once. */
  PGresult *res = n_params == 0 ? PQexec (conn, sql)
                                : PQexecParams (conn, sql, n_params, NULL, params, NULL, NULL, 0);
  ExecStatusType status = PQresultStatus (res);

  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return res;

  cm_team_set_error (error, conn, res, what);
  PQclear (res);

  return NULL;
}

gboolean
cm_team_exec_command (PGconn      *conn,
                      const char  *sql,
                      const char  *what,
                      GError     **error)
{
  PGresult *res = cm_team_exec (conn, sql, 0, NULL, what, error);

  PQclear (res);

  return res != NULL;
}

gint64
cm_team_get_int64 (const PGresult *res,
                   int             row,
                   int             column)
{
  if (PQgetisnull (res, row, column))
    return 0;

  /* Sums come as numeric: an integer in text. */
  return g_ascii_strtoll (PQgetvalue (res, row, column), NULL, 10);
}

char *
cm_team_text_array (const char * const *strv)
{
  GString *out = g_string_new ("{");

  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    {
      if (i > 0)
        g_string_append_c (out, ',');
      g_string_append_c (out, '"');
      for (const char *c = strv[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '"');
    }
  g_string_append_c (out, '}');

  return g_string_free (out, FALSE);
}

/* --- connections --- */

static PGconn *
connect_new (CmTeamStore  *self,
             GError      **error)
{
  const char *keywords[] = { "dbname", "application_name", "connect_timeout", "password", NULL };
  const char *values[] = { self->conninfo, "costmeter", "10", self->password, NULL };
  PGconn *conn;

  if (self->conninfo == NULL || *self->conninfo == '\0')
    {
      g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_NOT_CONFIGURED,
                   "No team database is set (Preferences → Team, or --team).");
      return NULL;
    }

  /* The string is expanded first; what follows it overrides, so a
   * connect_timeout in it wins only when it comes after ours. Without a
   * password here, libpq's own PGPASSWORD and ~/.pgpass apply. */
  if (self->password == NULL)
    keywords[3] = values[3] = NULL;
  conn = PQconnectdbParams (keywords, values, TRUE);

  if (conn == NULL)
    {
      g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_FAILED, "Out of memory");
      return NULL;
    }
  if (PQstatus (conn) != CONNECTION_OK)
    {
      set_connect_error (error, conn);
      PQfinish (conn);
      return NULL;
    }

  /* Plain answers: numbers as digits, no notices on stderr. */
  PQsetNoticeProcessor (conn, NULL, NULL);

  return conn;
}

static gboolean
check_schema (CmTeamStore  *self,
              PGconn       *conn,
              GError      **error)
{
  g_autofree char *where = server_name (conn);
  PGresult *res;
  int version = cm_team_schema_version (conn, error);

  if (version < 0)
    return FALSE;

  if (version == 0)
    return g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_NOT_INITIALIZED,
                        "The team database %s has no CostMeter tables yet: an admin runs "
                        "“costmeter-cli team init” once.", where), FALSE;
  if (version > CM_TEAM_SCHEMA_VERSION)
    return g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_TOO_NEW,
                        "The team database %s was set up by a newer CostMeter (schema %d; this "
                        "one knows %d). Update CostMeter; nothing was changed and your rows wait "
                        "on this computer.", where, version, CM_TEAM_SCHEMA_VERSION), FALSE;
  if (version < CM_TEAM_SCHEMA_VERSION)
    return g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_TOO_OLD,
                        "The team database %s has an older CostMeter schema (%d; this one needs "
                        "%d): an admin runs “costmeter-cli team init” to upgrade it.",
                        where, version, CM_TEAM_SCHEMA_VERSION), FALSE;

  res = cm_team_exec (conn, "SELECT pg_has_role (current_user, 'costmeter_admin', 'MEMBER')",
                      0, NULL, "check the role", error);
  if (res == NULL)
    return FALSE;
  g_atomic_int_set (&self->is_admin, PQgetvalue (res, 0, 0)[0] == 't');
  PQclear (res);

  return TRUE;
}

PGconn *
cm_team_take_conn (CmTeamStore  *self,
                   gboolean      check,
                   GError      **error)
{
  PGconn *conn;

  while ((conn = g_async_queue_try_pop (self->idle)) != NULL)
    {
      /* The server may have gone since: a dead one is dropped here. */
      if (PQstatus (conn) == CONNECTION_OK)
        return conn;
      PQfinish (conn);
    }

  conn = connect_new (self, error);
  if (conn != NULL && check && !check_schema (self, conn, error))
    g_clear_pointer (&conn, PQfinish);

  return conn;
}

void
cm_team_give_conn (CmTeamStore *self,
                   PGconn      *conn)
{
  if (conn == NULL)
    return;

  if (PQstatus (conn) != CONNECTION_OK || PQtransactionStatus (conn) != PQTRANS_IDLE ||
      g_async_queue_length (self->idle) >= MAX_IDLE)
    PQfinish (conn);
  else
    g_async_queue_push (self->idle, conn);
}

gboolean
cm_team_store_check (CmTeamStore  *self,
                     GError      **error)
{
  PGconn *conn;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);

  /* A fresh connection: a check says whether the server answers now. */
  while ((conn = g_async_queue_try_pop (self->idle)) != NULL)
    PQfinish (conn);

  conn = cm_team_take_conn (self, TRUE, error);
  cm_team_give_conn (self, conn);

  return conn != NULL;
}

gboolean
cm_team_store_get_is_admin (CmTeamStore *self)
{
  g_return_val_if_fail (CM_IS_TEAM_STORE (self), FALSE);

  return g_atomic_int_get (&self->is_admin);
}

char *
cm_team_store_dup_description (CmTeamStore *self)
{
  g_autofree char *host = NULL;
  g_autofree char *db = NULL;
  g_autofree char *user = NULL;

  g_return_val_if_fail (CM_IS_TEAM_STORE (self), NULL);

  host = cm_team_conninfo_get (self->conninfo, "host");
  db = cm_team_conninfo_get (self->conninfo, "dbname");
  user = cm_team_conninfo_get (self->conninfo, "user");

  return g_strdup_printf ("%s on %s as %s", db != NULL ? db : "?",
                          host != NULL && host[0] != '/' ? host : "this computer",
                          user != NULL ? user : g_get_user_name ());
}

/* --- connection strings --- */

gboolean
cm_team_conninfo_split (const char  *conninfo,
                        char       **clean,
                        char       **password,
                        GError     **error)
{
  char *message = NULL;
  PQconninfoOption *options;
  GString *out;

  *clean = NULL;
  *password = NULL;

  options = PQconninfoParse (conninfo != NULL ? conninfo : "", &message);
  if (options == NULL)
    {
      g_autofree char *detail = first_line (message);

      g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_NOT_CONFIGURED,
                   "Not a connection string: %s", detail);
      PQfreemem (message);
      return FALSE;
    }

  out = g_string_new (NULL);
  for (PQconninfoOption *o = options; o->keyword != NULL; o++)
    {
      if (o->val == NULL)
        continue;
      if (g_str_equal (o->keyword, "password"))
        {
          *password = g_strdup (o->val);
          continue;
        }
      if (out->len > 0)
        g_string_append_c (out, ' ');
      g_string_append_printf (out, "%s='", o->keyword);
      for (const char *c = o->val; *c != '\0'; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *c);
        }
      g_string_append_c (out, '\'');
    }
  PQconninfoFree (options);
  *clean = g_string_free (out, FALSE);

  return TRUE;
}

char *
cm_team_conninfo_get (const char *conninfo,
                      const char *keyword)
{
  PQconninfoOption *options = PQconninfoParse (conninfo != NULL ? conninfo : "", NULL);
  char *value = NULL;

  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    {
      if (g_str_equal (o->keyword, keyword) && o->val != NULL)
        value = g_strdup (o->val);
    }
  PQconninfoFree (options);

  return value;
}
