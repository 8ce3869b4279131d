/* cm-test-pg.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <netinet/in.h>
#include <errno.h>
#include <pwd.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cm-test-pg.h"

struct _CmTestPg
{
  char   *dir;        /* the temporary folder: data, socket, certificate */
  char   *bindir;
  char   *host;       /* the socket folder, or 127.0.0.1 */
  int     port;
  int     watcher_in; /* the watcher stops the server when this closes */
  GPid    watcher;
};

/* Where initdb, pg_ctl and postgres are: $CM_PG_BINDIR, pg_config's
 * bindir, Debian's /usr/lib/postgresql/N/bin (the newest), or $PATH. */
static char *
find_bindir (void)
{
  const char *env = g_getenv ("CM_PG_BINDIR");
  g_autofree char *out = NULL;
  g_autofree char *initdb = NULL;
  g_autoptr(GDir) dir = NULL;
  char *best = NULL;
  const char *name;

  /* Set, it is the only place looked at. */
  if (env != NULL && *env != '\0')
    {
      g_autofree char *candidate = g_build_filename (env, "initdb", NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (env);
      goto none;
    }

  if (g_spawn_command_line_sync ("pg_config --bindir", &out, NULL, NULL, NULL) && out != NULL)
    {
      g_autofree char *candidate = g_build_filename (g_strstrip (out), "initdb", NULL);
      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup (out);
    }

  dir = g_dir_open ("/usr/lib/postgresql", 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *candidate = g_build_filename ("/usr/lib/postgresql", name, "bin", "initdb", NULL);

      if (g_file_test (candidate, G_FILE_TEST_IS_EXECUTABLE) &&
          (best == NULL || g_ascii_strtoll (name, NULL, 10) > g_ascii_strtoll (best + 20, NULL, 10)))
        {
          g_free (best);
          best = g_build_filename ("/usr/lib/postgresql", name, "bin", NULL);
        }
    }
  if (best != NULL)
    return best;

  initdb = g_find_program_in_path ("initdb");
  if (initdb != NULL)
    return g_path_get_dirname (initdb);

none:
  g_error ("No PostgreSQL server is installed (no initdb in $CM_PG_BINDIR, pg_config --bindir, "
           "/usr/lib/postgresql/*/bin or $PATH). The team tests start a server of their own: "
           "install one (Debian: apt-get install postgresql).");
  return NULL;
}

/* postgres refuses to run as root: as root, its commands run as nobody. */
static void
add_runas (GPtrArray *argv)
{
  struct passwd *nobody;

  if (geteuid () != 0)
    return;

  nobody = getpwnam ("nobody");
  if (nobody == NULL)
    g_error ("Running as root, the test server needs the user “nobody” to run as");

  g_ptr_array_add (argv, g_strdup ("setpriv"));
  g_ptr_array_add (argv, g_strdup_printf ("--reuid=%u", (guint) nobody->pw_uid));
  g_ptr_array_add (argv, g_strdup_printf ("--regid=%u", (guint) nobody->pw_gid));
  g_ptr_array_add (argv, g_strdup ("--clear-groups"));
}

static void
chown_to_server (const char *path)
{
  struct passwd *nobody;

  if (geteuid () != 0)
    return;
  nobody = getpwnam ("nobody");
  if (chown (path, nobody->pw_uid, nobody->pw_gid) != 0)
    g_error ("chown %s: %s", path, g_strerror (errno));
}

static void
run_tool (CmTestPg   *pg,
          const char *tool,
          ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  int status;

  add_runas (argv);
  g_ptr_array_add (argv, g_build_filename (pg->bindir, tool, NULL));
  va_start (args, tool);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, g_strdup (arg));
  va_end (args);
  g_ptr_array_add (argv, NULL);

  if (!g_spawn_sync (pg->dir, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, &error))
    g_error ("Cannot run %s: %s", tool, error->message);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s failed: %s%s", tool, out, err);
}

static void
write_file (CmTestPg   *pg,
            const char *name,
            const char *contents)
{
  g_autofree char *path = g_build_filename (pg->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  chown_to_server (path);
}

static void
init_cluster (CmTestPg *pg)
{
  g_autofree char *data = NULL;
  g_autofree char *pwfile = NULL;

  pg->bindir = find_bindir ();
  pg->dir = g_dir_make_tmp ("costmeter-pg-XXXXXX", NULL);
  g_assert_nonnull (pg->dir);
  data = g_build_filename (pg->dir, "data", NULL);
  pwfile = g_build_filename (pg->dir, "pw", NULL);
  chown_to_server (pg->dir);
  write_file (pg, "pw", CM_TEST_PG_PASSWORD "\n");

  run_tool (pg, "initdb", "-D", data, "-U", CM_TEST_PG_SUPERUSER, "-A", "scram-sha-256",
            "--pwfile", pwfile, "-E", "UTF8", "--no-locale", "--no-sync", NULL);
  g_unlink (pwfile);
}

/* A port nothing listens on right now. */
static int
free_port (void)
{
  struct sockaddr_in addr = { 0 };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_STREAM, 0);
  int port;

  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl (INADDR_LOOPBACK);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  port = ntohs (addr.sin_port);
  close (fd);

  return port;
}

/* The watcher: a shell that waits for its standard input to close (the
 * test program ended, however it ended), then stops the server and removes
 * the folder. Its own session, so a kill of the test's process group leaves
 * it to clean up. */
static void
watcher_setup (gpointer data)
{
  setsid ();
}

static void
start_watcher (CmTestPg *pg)
{
  g_autoptr(GPtrArray) runas = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) prefix = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *script = NULL;
  const char *argv[] = { "/bin/sh", "-c", NULL, NULL };

  add_runas (runas);
  for (guint i = 0; i < runas->len; i++)
    g_string_append_printf (prefix, "%s ", (char *) g_ptr_array_index (runas, i));

  script = g_strdup_printf ("cat >/dev/null; %s'%s/pg_ctl' -D '%s/data' -m immediate -w stop"
                            " >/dev/null 2>&1; rm -rf '%s'",
                            prefix->str, pg->bindir, pg->dir, pg->dir);
  argv[2] = script;
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL |
                                 G_SPAWN_STDERR_TO_DEV_NULL,
                                 watcher_setup, NULL, &pg->watcher, &pg->watcher_in, NULL, NULL,
                                 &error))
    g_error ("Cannot start the server's watcher: %s", error->message);
}

/* Starts the cluster of @pg, listening on @listen ('' for the Unix socket
 * only). */
static void
launch (CmTestPg   *pg,
        const char *listen,
        gboolean    tls)
{
  g_autofree char *data = g_build_filename (pg->dir, "data", NULL);
  g_autofree char *log = g_build_filename (pg->dir, "server.log", NULL);
  g_autofree char *options = NULL;

  pg->port = *listen != '\0' ? free_port () : 5432;
  pg->host = g_strdup (*listen != '\0' ? listen : pg->dir);

  /* Fast and small: a throw-away cluster. */
  options = g_strdup_printf ("-c listen_addresses='%s' -c unix_socket_directories='%s' -c port=%d"
                             " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
                             " -c shared_buffers=16MB -c max_connections=40%s",
                             listen, pg->dir, pg->port,
                             tls ? " -c ssl=on -c ssl_cert_file=server.crt -c ssl_key_file=server.key" : "");
  if (*listen != '\0')
    {
      g_autofree char *hba = g_build_filename (data, "pg_hba.conf", NULL);
      g_autofree char *lines = g_strdup_printf ("local all all scram-sha-256\n"
                                                "host all all %s/32 scram-sha-256\n", listen);

      g_file_set_contents (hba, lines, -1, NULL);
    }

  start_watcher (pg);
  run_tool (pg, "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start", NULL);
}

CmTestPg *
cm_test_pg_start (void)
{
  CmTestPg *pg = g_new0 (CmTestPg, 1);

  init_cluster (pg);
  launch (pg, "", FALSE);

  return pg;
}

static gboolean
make_certificate (CmTestPg *pg)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *data = g_build_filename (pg->dir, "data", NULL);
  g_autofree char *crt = g_build_filename (data, "server.crt", NULL);
  g_autofree char *key = g_build_filename (data, "server.key", NULL);
  const char *argv[] = { "openssl", "req", "-new", "-x509", "-days", "2", "-nodes",
                         "-subj", "/CN=localhost", "-keyout", key, "-out", crt, NULL };
  int status;

  if (openssl == NULL)
    return FALSE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL |
                     G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, NULL, NULL, &status, NULL) ||
      !g_spawn_check_wait_status (status, NULL))
    return FALSE;

  g_chmod (key, 0600);
  chown_to_server (key);
  chown_to_server (crt);

  return TRUE;
}

CmTestPg *
cm_test_pg_start_tcp (gboolean *tls)
{
  CmTestPg *pg = g_new0 (CmTestPg, 1);

  init_cluster (pg);
  *tls = make_certificate (pg);
  launch (pg, "127.0.0.1", *tls);

  return pg;
}

void
cm_test_pg_stop (CmTestPg *pg)
{
  int status;

  if (pg == NULL)
    return;

  /* End of input: the watcher stops the server and removes the folder. */
  close (pg->watcher_in);
  waitpid (pg->watcher, &status, 0);
  g_spawn_close_pid (pg->watcher);
  g_assert_false (g_file_test (pg->dir, G_FILE_TEST_EXISTS));

  g_free (pg->dir);
  g_free (pg->bindir);
  g_free (pg->host);
  g_free (pg);
}

const char *
cm_test_pg_dir (CmTestPg *pg)
{
  return pg->dir;
}

char *
cm_test_pg_conninfo (CmTestPg   *pg,
                     const char *dbname,
                     const char *user)
{
  return g_strdup_printf ("host=%s port=%d dbname=%s user='%s'", pg->host, pg->port, dbname, user);
}

PGconn *
cm_test_pg_connect (CmTestPg   *pg,
                    const char *dbname,
                    const char *user,
                    const char *password)
{
  g_autofree char *conninfo = NULL;
  const char *keywords[] = { "dbname", "password", NULL };
  const char *values[] = { NULL, NULL, NULL };
  PGconn *conn;

  conninfo = cm_test_pg_conninfo (pg, dbname, user != NULL ? user : CM_TEST_PG_SUPERUSER);
  values[0] = conninfo;
  values[1] = password != NULL ? password : CM_TEST_PG_PASSWORD;
  conn = PQconnectdbParams (keywords, values, TRUE);
  if (PQstatus (conn) != CONNECTION_OK)
    g_error ("Cannot connect to the test server as %s: %s", user, PQerrorMessage (conn));
  PQsetNoticeProcessor (conn, NULL, NULL);

  return conn;
}

void
cm_test_pg_exec (PGconn     *conn,
                 const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  ExecStatusType status = PQresultStatus (res);

  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  PQclear (res);
}

char *
cm_test_pg_value (PGconn     *conn,
                  const char *sql)
{
  PGresult *res = PQexec (conn, sql);
  char *value = NULL;

  if (PQresultStatus (res) != PGRES_TUPLES_OK)
    g_error ("%s: %s", sql, PQerrorMessage (conn));
  if (PQntuples (res) > 0 && !PQgetisnull (res, 0, 0))
    value = g_strdup (PQgetvalue (res, 0, 0));
  PQclear (res);

  return value;
}

void
cm_test_pg_create_db (CmTestPg   *pg,
                      const char *dbname)
{
  PGconn *conn = cm_test_pg_connect (pg, "postgres", NULL, NULL);
  g_autofree char *sql = g_strdup_printf ("CREATE DATABASE \"%s\"", dbname);

  cm_test_pg_exec (conn, sql);
  PQfinish (conn);
}
