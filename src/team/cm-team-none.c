/* cm-team-none.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The team store of a build without libpq (-Dteam=disabled, or auto with no
 * libpq found): every call says so, so the layers above need no #ifdef. */

#include "config.h"

#include "cm-team-store.h"

struct _CmTeamStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (CmTeamStore, cm_team_store, G_TYPE_OBJECT)

G_DEFINE_QUARK (cm-team-error-quark, cm_team_error)

static void
cm_team_store_class_init (CmTeamStoreClass *klass)
{
}

static void
cm_team_store_init (CmTeamStore *self)
{
}

static gboolean
unsupported (GError **error)
{
  g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_UNSUPPORTED,
               "This CostMeter was built without PostgreSQL (libpq), so it has no team mode. "
               "Build it with -Dteam=enabled.");
  return FALSE;
}

gboolean
cm_team_is_supported (void)
{
  return FALSE;
}

CmTeamStore *
cm_team_store_new (const char *conninfo,
                   const char *password)
{
  return g_object_new (CM_TYPE_TEAM_STORE, NULL);
}

char *
cm_team_store_dup_description (CmTeamStore *self)
{
  return g_strdup ("");
}

gboolean
cm_team_store_check (CmTeamStore  *self,
                     GError      **error)
{
  return unsupported (error);
}

gboolean
cm_team_store_get_is_admin (CmTeamStore *self)
{
  return FALSE;
}

gboolean
cm_team_store_setup (CmTeamStore  *self,
                    int          *old_version,
                    GError      **error)
{
  return unsupported (error);
}

gboolean
cm_team_store_add_member (CmTeamStore  *self,
                          const char   *email,
                          const char   *password,
                          gboolean      admin,
                          GError      **error)
{
  return unsupported (error);
}

gboolean
cm_team_store_push (CmTeamStore      *self,
                    CmStore          *store,
                    guint             batch_size,
                    CmTeamPushStats  *stats,
                    GCancellable     *cancellable,
                    GError          **error)
{
  return unsupported (error);
}

gboolean
cm_team_store_query (CmTeamStore          *self,
                     const CmQueryFilter  *filter,
                     const CmGrouping     *groupings,
                     guint                 n_groupings,
                     GPtrArray           **results,
                     GError              **error)
{
  return unsupported (error);
}

gboolean
cm_team_store_query_totals (CmTeamStore          *self,
                            const CmQueryFilter  *filter,
                            CmTotals             *totals,
                            GError              **error)
{
  return unsupported (error);
}

GPtrArray *
cm_team_store_query_sessions (CmTeamStore          *self,
                              const CmQueryFilter  *filter,
                              GError              **error)
{
  return unsupported (error), NULL;
}

GPtrArray *
cm_team_store_query_session_messages (CmTeamStore  *self,
                                      const char   *session_id,
                                      GError      **error)
{
  return unsupported (error), NULL;
}

gboolean
cm_team_conninfo_split (const char  *conninfo,
                        char       **clean,
                        char       **password,
                        GError     **error)
{
  *clean = NULL;
  *password = NULL;

  return unsupported (error);
}

char *
cm_team_conninfo_get (const char *conninfo,
                      const char *keyword)
{
  return NULL;
}
