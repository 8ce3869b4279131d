/* cm-ratelimit-client.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rate-limit client: its settings, the probe request and its
 * scheduling, and storing what a probe saw. Reading the response (headers,
 * error bodies) is in cm-ratelimit-response.c. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <string.h>

#include "cm-ratelimit-client-private.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

#define DEFAULT_TIMEOUT_S   30
/* A probe's whole exchange ends within this, whatever the server trickles
 * (the timeout above is per read), and keeps this much of a reply. */
#define PROBE_DEADLINE_S    60
#define MAX_REPLY_BYTES     (64 * 1024)

/* ------------------------------------------------------------------ */
/* The client                                                          */
/* ------------------------------------------------------------------ */

struct _CmRatelimitClient
{
  GObject            parent_instance;

  SoupSession       *session;
  char              *base_url;
  char              *api_key;
  guint              timeout;
  CmStore           *store;
  char              *probe_model;
  guint              probe_interval;
  guint              interval_source;
  guint              minute_ms;
  gboolean           interval_probe_running;
  CmRatelimitResult *last_result;
};

G_DEFINE_FINAL_TYPE (CmRatelimitClient, cm_ratelimit_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_HAS_API_KEY,
  PROP_TIMEOUT,
  PROP_STORE,
  PROP_PROBE_MODEL,
  PROP_PROBE_INTERVAL,
  PROP_LAST_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  PROBE_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reschedule (CmRatelimitClient *self);

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char       **ptr,
         const char  *value)
{
  if (g_strcmp0 (*ptr, value) == 0)
    return FALSE;

  g_free (*ptr);
  *ptr = g_strdup (value);
  return TRUE;
}

CmRatelimitClient *
cm_ratelimit_client_new (void)
{
  return g_object_new (CM_TYPE_RATELIMIT_CLIENT, NULL);
}

static void
cm_ratelimit_client_dispose (GObject *object)
{
  CmRatelimitClient *self = (CmRatelimitClient *)object;

  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_object (&self->session);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cm_ratelimit_client_parent_class)->dispose (object);
}

static void
cm_ratelimit_client_finalize (GObject *object)
{
  CmRatelimitClient *self = (CmRatelimitClient *)object;

  g_free (self->base_url);
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  g_free (self->probe_model);
  g_clear_pointer (&self->last_result, cm_ratelimit_result_unref);

  G_OBJECT_CLASS (cm_ratelimit_client_parent_class)->finalize (object);
}

static void
cm_ratelimit_client_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CmRatelimitClient *self = CM_RATELIMIT_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_HAS_API_KEY:
      g_value_set_boolean (value, cm_ratelimit_client_has_api_key (self));
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_PROBE_MODEL:
      g_value_set_string (value, self->probe_model);
      break;
    case PROP_PROBE_INTERVAL:
      g_value_set_uint (value, self->probe_interval);
      break;
    case PROP_LAST_RESULT:
      g_value_set_boxed (value, self->last_result);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_ratelimit_client_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CmRatelimitClient *self = CM_RATELIMIT_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      cm_ratelimit_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_API_KEY:
      cm_ratelimit_client_set_api_key (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      cm_ratelimit_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_STORE:
      cm_ratelimit_client_set_store (self, g_value_get_object (value));
      break;
    case PROP_PROBE_MODEL:
      cm_ratelimit_client_set_probe_model (self, g_value_get_string (value));
      break;
    case PROP_PROBE_INTERVAL:
      cm_ratelimit_client_set_probe_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_ratelimit_client_class_init (CmRatelimitClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cm_ratelimit_client_dispose;
  object_class->finalize = cm_ratelimit_client_finalize;
  object_class->get_property = cm_ratelimit_client_get_property;
  object_class->set_property = cm_ratelimit_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         CM_RATELIMIT_DEFAULT_BASE_URL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /* Write-only: the key can be given but never read back through GObject. */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL,
                         NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);

  properties[PROP_HAS_API_KEY] =
    g_param_spec_boolean ("has-api-key", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL,
                       1, 600, DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PROBE_MODEL] =
    g_param_spec_string ("probe-model", NULL, NULL,
                         CM_RATELIMIT_DEFAULT_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_PROBE_INTERVAL] =
    g_param_spec_uint ("probe-interval", NULL, NULL,
                       0, 24 * 60, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_LAST_RESULT] =
    g_param_spec_boxed ("last-result", NULL, NULL,
                        CM_TYPE_RATELIMIT_RESULT,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CmRatelimitClient::probe-finished:
   * @result: the #CmRatelimitResult
   *
   * Emitted after every probe, manual or automatic, once its observations
   * are stored.
   */
  signals[PROBE_FINISHED] =
    g_signal_new ("probe-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  CM_TYPE_RATELIMIT_RESULT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cm_ratelimit_client_init (CmRatelimitClient *self)
{
  self->base_url = g_strdup (CM_RATELIMIT_DEFAULT_BASE_URL);
  self->probe_model = g_strdup (CM_RATELIMIT_DEFAULT_MODEL);
  self->timeout = DEFAULT_TIMEOUT_S;
  self->minute_ms = 60 * 1000;
  self->session = soup_session_new_with_options ("user-agent", "CostMeter/" PACKAGE_VERSION,
                                                 "timeout", self->timeout,
                                                 "max-conns-per-host", 2,
                                                 NULL);
}

const char *
cm_ratelimit_client_get_base_url (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), NULL);

  return self->base_url;
}

void
cm_ratelimit_client_set_base_url (CmRatelimitClient *self,
                                  const char        *base_url)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));

  if (base_url == NULL || *base_url == '\0')
    base_url = CM_RATELIMIT_DEFAULT_BASE_URL;

  if (set_str (&self->base_url, base_url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

void
cm_ratelimit_client_set_api_key (CmRatelimitClient *self,
                                 const char        *api_key)
{
  gboolean had;
  g_autofree char *trimmed = NULL;

  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));

  had = cm_ratelimit_client_has_api_key (self);
  if (api_key != NULL)
    {
      trimmed = g_strstrip (g_strdup (api_key));
      if (*trimmed == '\0')
        g_clear_pointer (&trimmed, g_free);
    }

  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_free (self->api_key);
  self->api_key = g_steal_pointer (&trimmed);

  if (had != cm_ratelimit_client_has_api_key (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_API_KEY]);
}

gboolean
cm_ratelimit_client_has_api_key (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), FALSE);

  return self->api_key != NULL;
}

guint
cm_ratelimit_client_get_timeout (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), 0);

  return self->timeout;
}

void
cm_ratelimit_client_set_timeout (CmRatelimitClient *self,
                                 guint              seconds)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));

  seconds = CLAMP (seconds, 1, 600);
  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  soup_session_set_timeout (self->session, seconds);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

CmStore *
cm_ratelimit_client_get_store (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), NULL);

  return self->store;
}

void
cm_ratelimit_client_set_store (CmRatelimitClient *self,
                               CmStore           *store)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));
  g_return_if_fail (store == NULL || CM_IS_STORE (store));

  if (g_set_object (&self->store, store))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

const char *
cm_ratelimit_client_get_probe_model (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), NULL);

  return self->probe_model;
}

void
cm_ratelimit_client_set_probe_model (CmRatelimitClient *self,
                                     const char        *model)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));

  if (model == NULL || *model == '\0')
    model = CM_RATELIMIT_DEFAULT_MODEL;

  if (set_str (&self->probe_model, model))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBE_MODEL]);
}

guint
cm_ratelimit_client_get_probe_interval (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), 0);

  return self->probe_interval;
}

void
cm_ratelimit_client_set_probe_interval (CmRatelimitClient *self,
                                        guint              minutes)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));

  minutes = MIN (minutes, 24 * 60);
  if (self->probe_interval == minutes)
    return;

  self->probe_interval = minutes;
  reschedule (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROBE_INTERVAL]);
}

CmRatelimitResult *
cm_ratelimit_client_get_last_result (CmRatelimitClient *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), NULL);

  return self->last_result;
}

/* --- probing --- */

static char *
build_probe_body (const char *model)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "model");
  json_builder_add_string_value (builder, model);
  json_builder_set_member_name (builder, "max_tokens");
  json_builder_add_int_value (builder, 1);
  json_builder_set_member_name (builder, "messages");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, "user");
  json_builder_set_member_name (builder, "content");
  json_builder_add_string_value (builder, "hi");
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static gboolean
is_loopback (const char *host)
{
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (host);

  if (address != NULL)
    return g_inet_address_get_is_loopback (address);

  return g_ascii_strcasecmp (host, "localhost") == 0;
}

/* {base}/v1/messages for an https base URL with a host (http only to a
 * loopback address), or NULL. */
static char *
build_messages_url (const char *base_url)
{
  g_autoptr(GUri) uri = NULL;
  g_autofree char *trimmed = NULL;
  gsize len;

  if (base_url == NULL)
    return NULL;

  trimmed = g_strstrip (g_strdup (base_url));
  len = strlen (trimmed);
  while (len > 0 && trimmed[len - 1] == '/')
    trimmed[--len] = '\0';

  uri = g_uri_parse (trimmed, SOUP_HTTP_URI_FLAGS, NULL);
  if (uri == NULL)
    return NULL;
  if (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0)
    return NULL;
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    return NULL;
  if (g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL)
    return NULL;
  /* The key travels in a header: in the clear only to this computer. */
  if (g_str_equal (g_uri_get_scheme (uri), "http") && !is_loopback (g_uri_get_host (uri)))
    return NULL;

  return g_strconcat (trimmed, "/v1/messages", NULL);
}

typedef struct
{
  SoupMessage       *msg;
  CmRatelimitResult *result;
  char              *host;
  GCancellable      *cancellable;   /* the caller's, or the deadline's */
  GCancellable      *caller;
  gulong             caller_id;
  GSource           *deadline;
  gboolean           timed_out;
  guint              deadline_s;
  GInputStream      *stream;
  GByteArray        *reply;         /* at most MAX_REPLY_BYTES */
} ProbeData;

static void
stop_deadline (ProbeData *data)
{
  if (data->deadline != NULL)
    {
      g_source_destroy (data->deadline);
      g_clear_pointer (&data->deadline, g_source_unref);
    }
  if (data->caller_id != 0)
    g_cancellable_disconnect (data->caller, data->caller_id);
  data->caller_id = 0;
}

static void
probe_data_free (ProbeData *data)
{
  stop_deadline (data);
  g_clear_object (&data->caller);
  g_clear_object (&data->cancellable);
  g_clear_object (&data->stream);
  g_clear_pointer (&data->reply, g_byte_array_unref);
  g_clear_object (&data->msg);
  g_clear_pointer (&data->result, cm_ratelimit_result_unref);
  g_free (data->host);
  g_free (data);
}

static void
finish_probe (GTask *task)
{
  CmRatelimitClient *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);
  CmRatelimitResult *result = data->result;

  g_clear_pointer (&self->last_result, cm_ratelimit_result_unref);
  self->last_result = cm_ratelimit_result_ref (result);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_RESULT]);
  g_signal_emit (self, signals[PROBE_FINISHED], 0, result);

  g_task_return_pointer (task, cm_ratelimit_result_ref (result),
                         (GDestroyNotify) cm_ratelimit_result_unref);
}

static void
store_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CmStore *store = g_object_get_data (G_OBJECT (task), "store");
  ProbeData *data = task_data;

  for (guint i = 0; i < data->result->observations->len; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!cm_store_add_ratelimit_observation (store,
                                               g_ptr_array_index (data->result->observations, i),
                                               &error))
        {
          /* The observation is still shown; only its history is lost. */
          g_warning ("Could not save a rate-limit observation: %s", error->message);
          break;
        }
    }

  g_task_return_boolean (task, TRUE);
}

static void
store_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  finish_probe (task);
}

static void
store_and_finish (GTask *task)
{
  CmRatelimitClient *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);
  GTask *store_task;

  if (self->store == NULL || data->result->observations->len == 0)
    {
      finish_probe (task);
      g_object_unref (task);
      return;
    }

  store_task = g_task_new (self, NULL, store_done_cb, task);
  g_task_set_source_tag (store_task, store_and_finish);
  g_task_set_task_data (store_task, data, NULL);
  g_object_set_data_full (G_OBJECT (store_task), "store",
                          g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (store_task, store_thread);
  g_object_unref (store_task);
}

/* A 429 that carries no rate-limit header still tells us the model is
 * refused right now: keep that as an observation with absent counts. */
static void
add_refusal_observation (CmRatelimitResult *result)
{
  CmRateLimitObservation *obs = g_new0 (CmRateLimitObservation, 1);

  obs->observed_ms = result->observed_ms;
  obs->model = g_strdup (result->model);
  obs->organization_id = g_strdup (result->organization_id);
  obs->kind = g_strdup ("requests");
  obs->limit = -1;
  obs->remaining = -1;
  obs->reset_ms = 0;
  obs->retry_after_s = result->retry_after_s;
  obs->http_status = (int) result->http_status;
  g_ptr_array_add (result->observations, obs);
}

/* The probe failed before a whole reply: cancelled, out of time, or the
 * network. */
static void
fail_probe (GTask  *task,
            GError *error)
{
  CmRatelimitClient *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);
  CmRatelimitResult *result = data->result;
  g_autofree char *text = NULL;

  stop_deadline (data);
  result->observed_ms = g_get_real_time () / 1000;

  if (data->timed_out)
    {
      result->error = CM_RATELIMIT_ERROR_TIMEOUT;
      result->message = g_strdup_printf ("No complete reply from %s within %u s.",
                                         data->host, data->deadline_s);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_error_copy (error));
      g_object_unref (task);
      return;
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    {
      result->error = CM_RATELIMIT_ERROR_TIMEOUT;
      result->message = g_strdup_printf ("No reply from %s within %u s.",
                                         data->host, self->timeout);
    }
  else
    {
      text = cm_ratelimit_redact (error->message, self->api_key);
      result->error = CM_RATELIMIT_ERROR_NETWORK;
      result->message = g_strdup_printf ("Could not reach %s: %s", data->host, text);
    }

  finish_probe (task);
  g_object_unref (task);
}

/* A redirect is never followed: the key goes to the configured origin only. */
static void
refuse_redirect (ProbeData          *data,
                 SoupMessageHeaders *headers)
{
  CmRatelimitResult *result = data->result;
  const char *location = soup_message_headers_get_one (headers, "location");
  g_autofree char *shown = NULL;

  if (location != NULL)
    {
      shown = g_utf8_make_valid (location, MIN (strlen (location), 200));
      for (char *p = shown; *p != '\0'; p++)
        if ((guchar) *p < 0x20 || *p == 0x7f)
          *p = '?';
    }
  result->error = CM_RATELIMIT_ERROR_UNEXPECTED;
  result->message = g_strdup_printf ("%s answered with a redirect (HTTP %u) to “%s”. Redirects are not "
                                     "followed, so the API key is sent to %s only: set the API base URL "
                                     "to the new address if it moved.",
                                     data->host, result->http_status, shown != NULL ? shown : "nowhere",
                                     data->host);
}

static void
reply_done (GTask *task)
{
  CmRatelimitClient *self = g_task_get_source_object (task);
  ProbeData *data = g_task_get_task_data (task);
  CmRatelimitResult *result = data->result;
  g_autoptr(GBytes) body = NULL;
  g_autoptr(GPtrArray) observations = NULL;
  SoupMessageHeaders *headers;

  stop_deadline (data);
  result->observed_ms = g_get_real_time () / 1000;
  body = g_byte_array_free_to_bytes (g_steal_pointer (&data->reply));

  result->http_status = soup_message_get_status (data->msg);
  headers = soup_message_get_response_headers (data->msg);

  if (result->http_status >= 300 && result->http_status < 400)
    {
      refuse_redirect (data, headers);
      finish_probe (task);
      g_object_unref (task);
      return;
    }

  observations = cm_ratelimit_parse_headers (headers, result->model, result->http_status,
                                             result->observed_ms, &result->retry_after_s,
                                             &result->n_malformed);
  g_ptr_array_extend_and_steal (result->observations, g_steal_pointer (&observations));

  result->request_id = cm_ratelimit_parse_identifier (headers, "request-id", &result->n_malformed);
  result->organization_id = cm_ratelimit_parse_identifier (headers, "anthropic-organization-id",
                                                           &result->n_malformed);
  result->workspace_id = cm_ratelimit_parse_identifier (headers, "anthropic-workspace-id",
                                                        &result->n_malformed);
  /* parse_headers already counted a bad organization id. */
  if (result->organization_id == NULL &&
      soup_message_headers_get_one (headers, "anthropic-organization-id") != NULL)
    result->n_malformed--;

  result->error = cm_ratelimit_classify_response (result->http_status, result->retry_after_s,
                                                  body, self->api_key, &result->message);

  if (result->http_status == 429 && result->observations->len == 0)
    add_refusal_observation (result);

  if (result->error == CM_RATELIMIT_ERROR_NONE && result->observations->len == 0)
    {
      g_free (result->message);
      result->message = g_strdup ("The reply carried no rate-limit headers.");
    }

  if (result->n_malformed > 0)
    {
      char *msg = g_strdup_printf ("%s (%u malformed header value%s ignored.)",
                                   result->message, result->n_malformed,
                                   result->n_malformed == 1 ? "" : "s");
      g_free (result->message);
      result->message = msg;
    }

  g_debug ("Rate-limit probe: HTTP %u, %u observations, %u malformed values",
           result->http_status, result->observations->len, result->n_malformed);

  store_and_finish (task);
}

static void read_cb (GObject      *source,
                     GAsyncResult *res,
                     gpointer      user_data);

static void
read_more (GTask *task)
{
  ProbeData *data = g_task_get_task_data (task);

  g_input_stream_read_bytes_async (data->stream, 16 * 1024, G_PRIORITY_DEFAULT, data->cancellable,
                                   read_cb, task);
}

/* The reply's body, up to MAX_REPLY_BYTES: the rest is never read. */
static void
read_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;

  bytes = g_input_stream_read_bytes_finish (G_INPUT_STREAM (source), res, &error);
  if (bytes == NULL)
    {
      fail_probe (task, error);
      return;
    }

  len = g_bytes_get_size (bytes);
  g_byte_array_append (data->reply, g_bytes_get_data (bytes, NULL),
                       MIN (len, MAX_REPLY_BYTES - data->reply->len));
  if (len == 0 || data->reply->len >= MAX_REPLY_BYTES)
    reply_done (task);
  else
    read_more (task);
}

static void
send_cb (GObject      *source,
         GAsyncResult *res,
         gpointer      user_data)
{
  GTask *task = user_data;
  ProbeData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  data->stream = soup_session_send_finish (SOUP_SESSION (source), res, &error);
  if (data->stream == NULL)
    {
      fail_probe (task, error);
      return;
    }

  data->reply = g_byte_array_new ();
  read_more (task);
}

static gboolean
deadline_cb (gpointer user_data)
{
  ProbeData *data = user_data;

  data->timed_out = TRUE;
  g_cancellable_cancel (data->cancellable);
  g_clear_pointer (&data->deadline, g_source_unref);

  return G_SOURCE_REMOVE;
}

static void
caller_cancelled_cb (GCancellable *caller,
                     gpointer      user_data)
{
  g_cancellable_cancel (user_data);
}

void
cm_ratelimit_client_probe_async (CmRatelimitClient   *self,
                                 const char          *model,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *url = NULL;
  g_autofree char *json = NULL;
  SoupMessageHeaders *headers;
  ProbeData *data;

  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  if (model == NULL || *model == '\0')
    model = self->probe_model;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_ratelimit_client_probe_async);

  data = g_new0 (ProbeData, 1);
  data->result = cm_ratelimit_result_new (model);
  g_task_set_task_data (task, data, (GDestroyNotify) probe_data_free);

  if (self->api_key == NULL)
    {
      data->result->error = CM_RATELIMIT_ERROR_NO_KEY;
      data->result->message = g_strdup ("No API key: add one in Preferences or set "
                                        "ANTHROPIC_API_KEY.");
      finish_probe (task);
      return;
    }

  url = build_messages_url (self->base_url);
  if (url != NULL)
    data->msg = soup_message_new (SOUP_METHOD_POST, url);
  if (data->msg == NULL)
    {
      data->result->error = CM_RATELIMIT_ERROR_BAD_URL;
      data->result->message = g_strdup_printf ("The API base URL “%s” is not an https URL (plain http "
                                               "only to this computer).", self->base_url);
      finish_probe (task);
      return;
    }

  data->host = g_strdup (g_uri_get_host (soup_message_get_uri (data->msg)));
  g_debug ("Probing rate limits at %s with model %s", url, model);
  soup_message_add_flags (data->msg, SOUP_MESSAGE_NO_REDIRECT);

  /* One deadline for the whole exchange (a read timeout alone lets a
   * server that trickles a byte at a time hold the probe forever). */
  data->cancellable = g_cancellable_new ();
  if (cancellable != NULL)
    {
      data->caller = g_object_ref (cancellable);
      data->caller_id = g_cancellable_connect (cancellable, G_CALLBACK (caller_cancelled_cb),
                                               g_object_ref (data->cancellable), g_object_unref);
    }
  data->deadline_s = MIN (PROBE_DEADLINE_S, 2 * self->timeout);
  data->deadline = g_timeout_source_new_seconds (data->deadline_s);
  g_source_set_callback (data->deadline, deadline_cb, data, NULL);
  g_source_set_static_name (data->deadline, "[costmeter] probe deadline");
  g_source_attach (data->deadline, g_main_context_get_thread_default ());

  headers = soup_message_get_request_headers (data->msg);
  soup_message_headers_replace (headers, "x-api-key", self->api_key);
  soup_message_headers_replace (headers, "anthropic-version", "2023-06-01");
  soup_message_headers_replace (headers, "accept", "application/json");

  json = build_probe_body (model);
  body = g_bytes_new (json, strlen (json));
  soup_message_set_request_body_from_bytes (data->msg, "application/json", body);

  soup_session_send_async (self->session, data->msg, G_PRIORITY_DEFAULT,
                           data->cancellable, send_cb, g_steal_pointer (&task));
}

CmRatelimitResult *
cm_ratelimit_client_probe_finish (CmRatelimitClient  *self,
                                  GAsyncResult       *result,
                                  GError            **error)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- the optional interval --- */

static void
interval_probe_cb (GObject      *source,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  g_autoptr(CmRatelimitClient) self = user_data;
  g_autoptr(CmRatelimitResult) result = NULL;

  /* The outcome went out with "probe-finished"; nothing else to do. */
  result = cm_ratelimit_client_probe_finish (self, res, NULL);
  self->interval_probe_running = FALSE;
}

static gboolean
interval_cb (gpointer user_data)
{
  CmRatelimitClient *self = user_data;

  /* One probe at a time: a slow server must not pile them up. */
  if (!self->interval_probe_running)
    {
      self->interval_probe_running = TRUE;
      cm_ratelimit_client_probe_async (self, NULL, NULL, interval_probe_cb, g_object_ref (self));
    }

  return G_SOURCE_CONTINUE;
}

static void
reschedule (CmRatelimitClient *self)
{
  g_clear_handle_id (&self->interval_source, g_source_remove);

  if (self->probe_interval == 0)
    return;

  /* Whole seconds let the main loop batch wake-ups. */
  if (self->minute_ms % 1000 == 0)
    self->interval_source = g_timeout_add_seconds (self->probe_interval * (self->minute_ms / 1000),
                                                   interval_cb, self);
  else
    self->interval_source = g_timeout_add (self->probe_interval * self->minute_ms, interval_cb, self);
}

void
cm_ratelimit_client_set_minute_ms (CmRatelimitClient *self,
                                   guint              minute_ms)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));
  g_return_if_fail (minute_ms > 0);

  self->minute_ms = minute_ms;
  reschedule (self);
}

/* --- settings and key --- */

void
cm_ratelimit_client_bind_settings (CmRatelimitClient *self,
                                   GSettings         *settings)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "api-base-url", self, "base-url", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "probe-model", self, "probe-model", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "probe-interval", self, "probe-interval", G_SETTINGS_BIND_GET);
}

#ifdef HAVE_LIBSECRET
static gboolean
apply_key (gpointer    owner,
           const char *key)
{
  cm_ratelimit_client_set_api_key (owner, key);

  return cm_ratelimit_client_has_api_key (owner);
}
#endif

void
cm_ratelimit_client_reload_key_async (CmRatelimitClient   *self,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (CM_IS_RATELIMIT_CLIENT (self));

#ifdef HAVE_LIBSECRET
  cm_keyring_reload_async (CM_KEYRING_API_KEY, self, apply_key, cancellable, callback, user_data);
#else
  {
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_source_tag (task, cm_ratelimit_client_reload_key_async);
    cm_ratelimit_client_set_api_key (self, g_getenv ("ANTHROPIC_API_KEY"));
    g_task_return_boolean (task, cm_ratelimit_client_has_api_key (self));
    g_object_unref (task);
  }
#endif
}

gboolean
cm_ratelimit_client_reload_key_finish (CmRatelimitClient  *self,
                                       GAsyncResult       *result,
                                       GError            **error)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
