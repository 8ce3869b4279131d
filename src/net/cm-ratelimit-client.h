/* cm-ratelimit-client.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "cm-store.h"

G_BEGIN_DECLS

/* What went wrong with a probe. The core's messages are plain English; the UI
 * maps the code to a translated headline. */
typedef enum
{
  CM_RATELIMIT_ERROR_NONE,
  CM_RATELIMIT_ERROR_NO_KEY,        /* no key in the keyring nor ANTHROPIC_API_KEY */
  CM_RATELIMIT_ERROR_BAD_URL,       /* the base URL setting is not an http(s) URL */
  CM_RATELIMIT_ERROR_UNAUTHORIZED,  /* 401: key rejected */
  CM_RATELIMIT_ERROR_FORBIDDEN,     /* 403: key lacks permission */
  CM_RATELIMIT_ERROR_RATE_LIMITED,  /* 429 with retry-after: wait and retry */
  CM_RATELIMIT_ERROR_SPEND_LIMIT,   /* spend cap or usage limit: retrying will not help */
  CM_RATELIMIT_ERROR_BAD_REQUEST,   /* other 4xx, e.g. an unknown probe model */
  CM_RATELIMIT_ERROR_OVERLOADED,    /* 529 */
  CM_RATELIMIT_ERROR_SERVER,        /* other 5xx */
  CM_RATELIMIT_ERROR_TIMEOUT,
  CM_RATELIMIT_ERROR_NETWORK,       /* DNS, TLS, connection refused ... */
  CM_RATELIMIT_ERROR_UNEXPECTED,    /* a status we do not know */
} CmRatelimitError;

const char *cm_ratelimit_error_to_string (CmRatelimitError error);

/* The outcome of one probe. Refcounted boxed type. */
typedef struct
{
  /*< private >*/
  gatomicrefcount ref_count;

  /*< public >*/
  char             *model;
  gint64            observed_ms;     /* wall clock when the response arrived */
  guint             http_status;     /* 0 when no response arrived */
  char             *request_id;      /* `request-id`, or NULL */
  char             *organization_id; /* `anthropic-organization-id`, or NULL */
  char             *workspace_id;    /* `anthropic-workspace-id`, or NULL */
  gint64            retry_after_s;   /* -1 when absent */
  GPtrArray        *observations;    /* CmRateLimitObservation, one per kind sent */
  guint             n_malformed;     /* header values ignored as garbage or absurd */
  CmRatelimitError  error;
  char             *message;         /* plain English; never contains the key */
} CmRatelimitResult;

#define CM_TYPE_RATELIMIT_RESULT (cm_ratelimit_result_get_type ())

GType              cm_ratelimit_result_get_type (void) G_GNUC_CONST;
CmRatelimitResult *cm_ratelimit_result_ref      (CmRatelimitResult *result);
void               cm_ratelimit_result_unref    (CmRatelimitResult *result);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CmRatelimitResult, cm_ratelimit_result_unref)

/* --- pure functions (unit-tested) --- */

/* Parses every anthropic-ratelimit-*-{limit,remaining,reset} group (and the
 * Priority Tier ones, both spellings) into observations carrying @model,
 * @now_ms, @http_status, the organization id and retry-after. Every header is
 * optional; a kind is reported when at least one of its values is usable.
 * Garbage or absurd values are dropped (as if absent) and counted in
 * @n_malformed. @retry_after_s receives retry-after in seconds or -1. */
GPtrArray *cm_ratelimit_parse_headers     (SoupMessageHeaders *headers,
                                           const char         *model,
                                           guint               http_status,
                                           gint64              now_ms,
                                           gint64             *retry_after_s,
                                           guint              *n_malformed);

/* One integer header value: decimal digits only, at most 10^12. */
gboolean   cm_ratelimit_parse_count       (const char         *value,
                                           gint64             *out);
/* An RFC 3339 time within a year of @now_ms, in ms since the epoch. */
gboolean   cm_ratelimit_parse_reset       (const char         *value,
                                           gint64              now_ms,
                                           gint64             *out_ms);
/* retry-after: delta seconds or an HTTP date, at most a year ahead. */
gboolean   cm_ratelimit_parse_retry_after (const char         *value,
                                           gint64              now_ms,
                                           gint64             *out_s);

/* Maps an HTTP reply to an error code and a plain message. @body is the JSON
 * error body when there is one (may be NULL or garbage). @secret is masked
 * wherever it appears in the server's text. */
CmRatelimitError cm_ratelimit_classify_response (guint        http_status,
                                                 gint64       retry_after_s,
                                                 GBytes      *body,
                                                 const char  *secret,
                                                 char       **message);

/* The "message" of an Anthropic JSON error body, made safe to show (valid
 * UTF-8, no control characters, @secret and key-like text masked, at most
 * 300 characters), or NULL. */
char      *cm_ratelimit_server_message    (GBytes             *body,
                                           const char         *secret);

/* Replaces @secret and anything that looks like an Anthropic key ("sk-ant-...")
 * in @text. Returns a new string. */
char      *cm_ratelimit_redact            (const char         *text,
                                           const char         *secret);

/* --- the client --- */

#define CM_TYPE_RATELIMIT_CLIENT (cm_ratelimit_client_get_type ())

G_DECLARE_FINAL_TYPE (CmRatelimitClient, cm_ratelimit_client, CM, RATELIMIT_CLIENT, GObject)

#define CM_RATELIMIT_DEFAULT_BASE_URL "https://api.anthropic.com"
#define CM_RATELIMIT_DEFAULT_MODEL    "claude-haiku-4-5"

CmRatelimitClient *cm_ratelimit_client_new                 (void);

const char        *cm_ratelimit_client_get_base_url        (CmRatelimitClient   *self);
void               cm_ratelimit_client_set_base_url        (CmRatelimitClient   *self,
                                                            const char          *base_url);
/* The key is kept in memory only; it is never logged nor stored. */
void               cm_ratelimit_client_set_api_key         (CmRatelimitClient   *self,
                                                            const char          *api_key);
gboolean           cm_ratelimit_client_has_api_key         (CmRatelimitClient   *self);
guint              cm_ratelimit_client_get_timeout         (CmRatelimitClient   *self);
void               cm_ratelimit_client_set_timeout         (CmRatelimitClient   *self,
                                                            guint                seconds);
/* When set, every probe's observations are stored (on a worker thread). */
CmStore           *cm_ratelimit_client_get_store           (CmRatelimitClient   *self);
void               cm_ratelimit_client_set_store           (CmRatelimitClient   *self,
                                                            CmStore             *store);
const char        *cm_ratelimit_client_get_probe_model     (CmRatelimitClient   *self);
void               cm_ratelimit_client_set_probe_model     (CmRatelimitClient   *self,
                                                            const char          *model);
/* Minutes between automatic probes of probe-model; 0 (the default) = off. */
guint              cm_ratelimit_client_get_probe_interval  (CmRatelimitClient   *self);
void               cm_ratelimit_client_set_probe_interval  (CmRatelimitClient   *self,
                                                            guint                minutes);
/* Follows api-base-url, probe-model and probe-interval of @settings (the
 * com.example.CostMeter schema) from now on. */
void               cm_ratelimit_client_bind_settings       (CmRatelimitClient   *self,
                                                            GSettings           *settings);
/* Looks the key up again (the keyring, then ANTHROPIC_API_KEY) and uses it;
 * finishes TRUE when there is a key. A keyring failure is the GError (the
 * variable, when set, is still used). */
void               cm_ratelimit_client_reload_key_async    (CmRatelimitClient   *self,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
gboolean           cm_ratelimit_client_reload_key_finish   (CmRatelimitClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);
/* The most recent result (manual or automatic probe), or NULL. */
CmRatelimitResult *cm_ratelimit_client_get_last_result     (CmRatelimitClient   *self);

/* POSTs {base}/v1/messages with max_tokens 1 on @model (NULL: probe-model).
 * Finishes with a result whatever the server says; only cancellation is a
 * GError. Emits "probe-finished" too. */
void               cm_ratelimit_client_probe_async         (CmRatelimitClient   *self,
                                                            const char          *model,
                                                            GCancellable        *cancellable,
                                                            GAsyncReadyCallback  callback,
                                                            gpointer             user_data);
CmRatelimitResult *cm_ratelimit_client_probe_finish        (CmRatelimitClient   *self,
                                                            GAsyncResult        *result,
                                                            GError             **error);

G_END_DECLS
