/* cm-admin-client.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-admin-parse.h"
#include "cm-store-billed.h"

G_BEGIN_DECLS

/* What one fetch did. Refcounted boxed type. */
typedef struct
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  gint64   finished_ms;
  guint    n_requests;                        /* HTTP requests sent, retries included */
  guint    n_pages;                           /* pages read and stored */
  guint    n_retries;
  GArray  *waits_ms;                          /* gint64: each wait before a retry */
  guint    n_days[CM_N_BILLED_ENDPOINTS];     /* days stored per report */
  GError  *errors[CM_N_BILLED_ENDPOINTS];     /* why a report stopped, or NULL */
  char    *message;                           /* plain English, never the key */
} CmAdminFetchResult;

#define CM_TYPE_ADMIN_FETCH_RESULT (cm_admin_fetch_result_get_type ())

GType               cm_admin_fetch_result_get_type (void) G_GNUC_CONST;
CmAdminFetchResult *cm_admin_fetch_result_new      (void);
CmAdminFetchResult *cm_admin_fetch_result_ref      (CmAdminFetchResult *result);
void                cm_admin_fetch_result_unref    (CmAdminFetchResult *result);
/* TRUE when every report was read. */
gboolean            cm_admin_fetch_result_ok       (const CmAdminFetchResult *result);
/* The first report's error, or NULL. */
const GError       *cm_admin_fetch_result_error    (const CmAdminFetchResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmAdminFetchResult, cm_admin_fetch_result_unref)

#define CM_ADMIN_DEFAULT_BASE_URL "https://api.anthropic.com"
/* Anthropic asks integrations to say who they are. */
#define CM_ADMIN_USER_AGENT "CostMeter/" PACKAGE_VERSION " (desktop cost meter; billed-versus-estimated reconciliation)"
/* A day is final this long after it ends; until then it is fetched again. */
#define CM_ADMIN_SETTLE_MS (G_GINT64_CONSTANT (48) * 3600 * 1000)

#define CM_TYPE_ADMIN_CLIENT (cm_admin_client_get_type ())

G_DECLARE_FINAL_TYPE (CmAdminClient, cm_admin_client, CM, ADMIN_CLIENT, GObject)

/* Reads the organization's cost report, messages usage report and Claude
 * Code analytics into the store. Nothing is fetched until asked
 * (cm_admin_client_fetch_async) or until "enabled" is set with a key and a
 * store: then at once and every "interval" minutes. Requests run on a
 * worker thread and can be cancelled. The key stays in memory only. */
CmAdminClient *cm_admin_client_new               (void);

const char    *cm_admin_client_get_base_url      (CmAdminClient        *self);
void           cm_admin_client_set_base_url      (CmAdminClient        *self,
                                                  const char           *base_url);
void           cm_admin_client_set_api_key       (CmAdminClient        *self,
                                                  const char           *api_key);
gboolean       cm_admin_client_has_api_key       (CmAdminClient        *self);
guint          cm_admin_client_get_timeout       (CmAdminClient        *self);
void           cm_admin_client_set_timeout       (CmAdminClient        *self,
                                                  guint                 seconds);
CmStore       *cm_admin_client_get_store         (CmAdminClient        *self);
void           cm_admin_client_set_store         (CmAdminClient        *self,
                                                  CmStore              *store);
gboolean       cm_admin_client_get_enabled       (CmAdminClient        *self);
void           cm_admin_client_set_enabled       (CmAdminClient        *self,
                                                  gboolean              enabled);
/* Minutes between automatic fetches (15 to 1440). */
guint          cm_admin_client_get_interval      (CmAdminClient        *self);
void           cm_admin_client_set_interval      (CmAdminClient        *self,
                                                  guint                 minutes);
gboolean       cm_admin_client_get_fetching      (CmAdminClient        *self);
/* The outcome of the last fetch, or NULL. */
CmAdminFetchResult *cm_admin_client_get_last_result (CmAdminClient     *self);

/* Follows api-base-url, billing-enabled and billing-interval of @settings. */
void           cm_admin_client_bind_settings     (CmAdminClient        *self,
                                                  GSettings            *settings);
/* Looks the Admin key up again (keyring, then ANTHROPIC_ADMIN_API_KEY);
 * finishes TRUE when there is one. */
void           cm_admin_client_reload_key_async  (CmAdminClient        *self,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean       cm_admin_client_reload_key_finish (CmAdminClient        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

/* One cheap request (GET /v1/organizations/me) with @key, or the client's
 * key when NULL: the organization it reaches. */
void           cm_admin_client_test_async        (CmAdminClient        *self,
                                                  const char           *key,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean       cm_admin_client_test_finish       (CmAdminClient        *self,
                                                  GAsyncResult         *result,
                                                  char                **org_id,
                                                  char                **org_name,
                                                  GError              **error);

/* Fetches the days not yet final from @since ("YYYY-MM-DD", UTC; NULL: the
 * first of last month) to today, every page, retrying 429 and 5xx replies.
 * Finishes with a result whatever the server said; only cancellation is a
 * GError. Emits "fetch-finished" too. One fetch runs at a time: a second
 * request joins the running one. */
void           cm_admin_client_fetch_async       (CmAdminClient        *self,
                                                  const char           *since,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
CmAdminFetchResult *cm_admin_client_fetch_finish (CmAdminClient        *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
