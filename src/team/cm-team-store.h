/* cm-team-store.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-query.h"
#include "cm-rollup-cache.h"
#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TEAM_ERROR (cm_team_error_quark ())

typedef enum
{
  CM_TEAM_ERROR_UNSUPPORTED,      /* built without libpq (-Dteam=disabled) */
  CM_TEAM_ERROR_NOT_CONFIGURED,   /* no connection given */
  CM_TEAM_ERROR_UNREACHABLE,      /* no answer: rows wait on this computer */
  CM_TEAM_ERROR_AUTH,             /* user or password refused */
  CM_TEAM_ERROR_SSL,              /* an encrypted, verified connection was asked for and failed */
  CM_TEAM_ERROR_NOT_INITIALIZED,  /* no CostMeter schema: run team init */
  CM_TEAM_ERROR_TOO_OLD,          /* the schema is older than this CostMeter: run team init */
  CM_TEAM_ERROR_TOO_NEW,          /* written by a newer CostMeter: update */
  CM_TEAM_ERROR_PERMISSION,       /* the role may not do this */
  CM_TEAM_ERROR_FAILED,
} CmTeamError;

/* The schema this CostMeter writes and reads. */
#define CM_TEAM_SCHEMA_VERSION 1

typedef struct
{
  gint64 rows;        /* entries sent (changed and removed messages) */
  gint64 batches;     /* transactions committed */
  gint64 watermark;   /* what the team database holds now */
  gint64 pending;     /* entries still waiting on this computer */
} CmTeamPushStats;

#define CM_TYPE_TEAM_STORE (cm_team_store_get_type ())

G_DECLARE_FINAL_TYPE (CmTeamStore, cm_team_store, CM, TEAM_STORE, GObject)

GQuark       cm_team_error_quark             (void);
/* FALSE when this CostMeter was built without libpq. */
gboolean     cm_team_is_supported            (void);

/* @conninfo is a libpq connection string or URI; @password (may be NULL:
 * then PGPASSWORD and ~/.pgpass apply, as in psql) is kept in memory only
 * and never written or logged. Nothing connects until it is needed. */
CmTeamStore *cm_team_store_new               (const char          *conninfo,
                                              const char          *password);
/* "team on db.example.com as alice@example.com", for messages. */
char        *cm_team_store_dup_description   (CmTeamStore         *self);

/* Connects and checks the schema version (any thread). */
gboolean     cm_team_store_check             (CmTeamStore         *self,
                                              GError             **error);
/* Whether the connected role is a costmeter_admin, which the database
 * lets see every user's rows (known after a successful check). The views
 * use it only to show or hide the team table: what is visible is decided
 * by row-level security in the database. */
gboolean     cm_team_store_get_is_admin      (CmTeamStore         *self);

/* --- administration (costmeter-cli team) --- */
/* Creates or upgrades the schema, the roles and their policies. */
gboolean     cm_team_store_setup             (CmTeamStore         *self,
                                              int                 *old_version,
                                              GError             **error);
/* Creates (or updates) the login role @email, a member, or an admin. The
 * password reaches the server hashed. */
gboolean     cm_team_store_add_member        (CmTeamStore         *self,
                                              const char          *email,
                                              const char          *password,
                                              gboolean             admin,
                                              GError             **error);

/* --- push --- */
/* Sends what changed in @store since the team acknowledged it, in batches
 * of @batch_size, one transaction each; safe to interrupt at any point. */
gboolean     cm_team_store_push              (CmTeamStore         *self,
                                              CmStore             *store,
                                              guint                batch_size,
                                              CmTeamPushStats     *stats,
                                              GCancellable        *cancellable,
                                              GError             **error);

/* --- reads: as the store's and the rollup cache's, aggregated in
 * PostgreSQL under the same filter --- */
gboolean     cm_team_store_query             (CmTeamStore         *self,
                                              const CmQueryFilter *filter,
                                              const CmGrouping    *groupings,
                                              guint                n_groupings,
                                              GPtrArray          **results,
                                              GError             **error);
gboolean     cm_team_store_query_totals      (CmTeamStore         *self,
                                              const CmQueryFilter *filter,
                                              CmTotals            *totals,
                                              GError             **error);
GPtrArray   *cm_team_store_query_sessions    (CmTeamStore         *self,
                                              const CmQueryFilter *filter,
                                              GError             **error);
GPtrArray   *cm_team_store_query_session_messages (CmTeamStore   *self,
                                                   const char    *session_id,
                                                   GError       **error);
/* --- connection strings --- */
/* Splits a connection string: @clean gets it without a password (what may
 * be saved), @password the password it carried, or NULL. */
gboolean     cm_team_conninfo_split          (const char          *conninfo,
                                              char               **clean,
                                              char               **password,
                                              GError             **error);
/* The value of @keyword ("host", "dbname", "user", "sslmode"...), or NULL. */
char        *cm_team_conninfo_get            (const char          *conninfo,
                                              const char          *keyword);
/* Where a password for @conninfo is kept: "host:port/dbname" and the user
 * (the login's name when the string has none). */
void         cm_team_conninfo_keyring_ids    (const char          *conninfo,
                                              char               **server,
                                              char               **user);
/* A connection string from its parts (NULL or empty parts left out). */
char        *cm_team_conninfo_build          (const char          *host,
                                              const char          *port,
                                              const char          *dbname,
                                              const char          *user,
                                              const char          *sslmode);

G_END_DECLS
