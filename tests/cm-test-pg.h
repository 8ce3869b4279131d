/* cm-test-pg.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <libpq-fe.h>

G_BEGIN_DECLS

/* A private PostgreSQL server for one test program: initdb in a temporary
 * folder, password logins, stopped and removed when cm_test_pg_stop() is
 * called or the test program ends in any way (a watcher process waits for
 * it). Run as root, the server runs as "nobody" (postgres refuses root).
 * Without a PostgreSQL server installed, the test program fails saying so. */
typedef struct _CmTestPg CmTestPg;

#define CM_TEST_PG_SUPERUSER "postgres"
#define CM_TEST_PG_PASSWORD  "superuser-secret-5e1f"

/* Unix socket only (listen_addresses = ''). */
CmTestPg   *cm_test_pg_start        (void);
/* On 127.0.0.1 only, at a free port, with TLS on a self-signed certificate
 * for "localhost" when openssl is there (else without TLS). */
CmTestPg   *cm_test_pg_start_tcp    (gboolean   *tls);
void        cm_test_pg_stop         (CmTestPg   *pg);

/* "host=... port=... dbname=@dbname user=@user" */
char       *cm_test_pg_conninfo     (CmTestPg   *pg,
                                     const char *dbname,
                                     const char *user);
const char *cm_test_pg_dir          (CmTestPg   *pg);

/* A connection as the superuser (or @user with @password); fails the test
 * when it cannot connect. */
PGconn     *cm_test_pg_connect      (CmTestPg   *pg,
                                     const char *dbname,
                                     const char *user,
                                     const char *password);
/* Runs @sql, failing the test on an error. */
void        cm_test_pg_exec         (PGconn     *conn,
                                     const char *sql);
/* The first value of the first row (NULL for none), as text. */
char       *cm_test_pg_value        (PGconn     *conn,
                                     const char *sql);
/* A new empty database. */
void        cm_test_pg_create_db    (CmTestPg   *pg,
                                     const char *dbname);

G_END_DECLS
