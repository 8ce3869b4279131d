/* cm-admin-client.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cm-admin-client.h"
#include "cm-admin-client-private.h"
#include "cm-admin-fetch.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

#define DEFAULT_TIMEOUT_S   30
#define DEFAULT_INTERVAL    60
#define MIN_INTERVAL        15
#define MAX_INTERVAL        1440

/* ------------------------------------------------------------------ */
/* Results                                                             */
/* ------------------------------------------------------------------ */

CmAdminFetchResult *
cm_admin_fetch_result_new (void)
{
  CmAdminFetchResult *result = g_new0 (CmAdminFetchResult, 1);

  g_atomic_ref_count_init (&result->ref_count);
  result->waits_ms = g_array_new (FALSE, FALSE, sizeof (gint64));

  return result;
}

CmAdminFetchResult *
cm_admin_fetch_result_ref (CmAdminFetchResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  g_atomic_ref_count_inc (&result->ref_count);

  return result;
}

void
cm_admin_fetch_result_unref (CmAdminFetchResult *result)
{
  g_return_if_fail (result != NULL);

  if (!g_atomic_ref_count_dec (&result->ref_count))
    return;

  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    g_clear_error (&result->errors[e]);
  g_array_unref (result->waits_ms);
  g_free (result->message);
  g_free (result);
}

G_DEFINE_BOXED_TYPE (CmAdminFetchResult, cm_admin_fetch_result,
                     cm_admin_fetch_result_ref, cm_admin_fetch_result_unref)

gboolean
cm_admin_fetch_result_ok (const CmAdminFetchResult *result)
{
  return cm_admin_fetch_result_error (result) == NULL;
}

const GError *
cm_admin_fetch_result_error (const CmAdminFetchResult *result)
{
  g_return_val_if_fail (result != NULL, NULL);

  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    {
      if (result->errors[e] != NULL)
        return result->errors[e];
    }

  return NULL;
}

/* ------------------------------------------------------------------ */
/* The client                                                          */
/* ------------------------------------------------------------------ */

struct _CmAdminClient
{
  GObject             parent_instance;

  char               *base_url;
  char               *api_key;
  guint               timeout;
  CmStore            *store;
  gboolean            enabled;
  guint               interval;
  CmAdminFetchResult *last_result;

  GPtrArray          *waiters;        /* GTask of every caller of the running fetch */
  gboolean            fetching;
  gboolean            ready;          /* enabled, with a key and a store */
  guint               interval_source;
  guint               kick_source;
  GCancellable       *auto_cancellable;
  guint               minute_ms;
  guint               second_ms;
  gint64              now_ms;
};

G_DEFINE_FINAL_TYPE (CmAdminClient, cm_admin_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_API_KEY,
  PROP_HAS_API_KEY,
  PROP_TIMEOUT,
  PROP_STORE,
  PROP_ENABLED,
  PROP_INTERVAL,
  PROP_FETCHING,
  PROP_LAST_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  FETCH_FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void reschedule     (CmAdminClient *self);
static void start_interval (CmAdminClient *self);

CmAdminClient *
cm_admin_client_new (void)
{
  return g_object_new (CM_TYPE_ADMIN_CLIENT, NULL);
}

static void
wipe_key (CmAdminClient *self)
{
  if (self->api_key != NULL)
    memset (self->api_key, 0, strlen (self->api_key));
  g_clear_pointer (&self->api_key, g_free);
}

static void
cm_admin_client_dispose (GObject *object)
{
  CmAdminClient *self = (CmAdminClient *)object;

  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_handle_id (&self->kick_source, g_source_remove);
  g_cancellable_cancel (self->auto_cancellable);
  g_clear_object (&self->auto_cancellable);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (cm_admin_client_parent_class)->dispose (object);
}

static void
cm_admin_client_finalize (GObject *object)
{
  CmAdminClient *self = (CmAdminClient *)object;

  wipe_key (self);
  g_free (self->base_url);
  g_clear_pointer (&self->last_result, cm_admin_fetch_result_unref);
  g_ptr_array_unref (self->waiters);

  G_OBJECT_CLASS (cm_admin_client_parent_class)->finalize (object);
}

static void
cm_admin_client_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CmAdminClient *self = CM_ADMIN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;
    case PROP_HAS_API_KEY:
      g_value_set_boolean (value, self->api_key != NULL);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;
    case PROP_INTERVAL:
      g_value_set_uint (value, self->interval);
      break;
    case PROP_FETCHING:
      g_value_set_boolean (value, self->fetching);
      break;
    case PROP_LAST_RESULT:
      g_value_set_boxed (value, self->last_result);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_admin_client_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CmAdminClient *self = CM_ADMIN_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      cm_admin_client_set_base_url (self, g_value_get_string (value));
      break;
    case PROP_API_KEY:
      cm_admin_client_set_api_key (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      cm_admin_client_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_STORE:
      cm_admin_client_set_store (self, g_value_get_object (value));
      break;
    case PROP_ENABLED:
      cm_admin_client_set_enabled (self, g_value_get_boolean (value));
      break;
    case PROP_INTERVAL:
      cm_admin_client_set_interval (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_admin_client_class_init (CmAdminClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cm_admin_client_dispose;
  object_class->finalize = cm_admin_client_finalize;
  object_class->get_property = cm_admin_client_get_property;
  object_class->set_property = cm_admin_client_set_property;

  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, CM_ADMIN_DEFAULT_BASE_URL, rw);
  /* Write-only: the key can be given but never read back through GObject. */
  properties[PROP_API_KEY] =
    g_param_spec_string ("api-key", NULL, NULL, NULL, G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_API_KEY] =
    g_param_spec_boolean ("has-api-key", NULL, NULL, FALSE, ro);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, DEFAULT_TIMEOUT_S, rw);
  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CM_TYPE_STORE, rw);
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL, FALSE, rw);
  properties[PROP_INTERVAL] =
    g_param_spec_uint ("interval", NULL, NULL, MIN_INTERVAL, MAX_INTERVAL, DEFAULT_INTERVAL, rw);
  properties[PROP_FETCHING] =
    g_param_spec_boolean ("fetching", NULL, NULL, FALSE, ro);
  properties[PROP_LAST_RESULT] =
    g_param_spec_boxed ("last-result", NULL, NULL, CM_TYPE_ADMIN_FETCH_RESULT, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * CmAdminClient::fetch-finished:
   * @result: the #CmAdminFetchResult
   *
   * Emitted after every fetch, manual or automatic, once what it read is
   * stored: views of the billed figures read them again.
   */
  signals[FETCH_FINISHED] =
    g_signal_new ("fetch-finished",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  CM_TYPE_ADMIN_FETCH_RESULT | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
cm_admin_client_init (CmAdminClient *self)
{
  self->base_url = g_strdup (CM_ADMIN_DEFAULT_BASE_URL);
  self->timeout = DEFAULT_TIMEOUT_S;
  self->interval = DEFAULT_INTERVAL;
  self->minute_ms = 60 * 1000;
  self->second_ms = 1000;
  self->waiters = g_ptr_array_new ();
}

/* --- properties --- */

const char *
cm_admin_client_get_base_url (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), NULL);

  return self->base_url;
}

void
cm_admin_client_set_base_url (CmAdminClient *self,
                              const char    *base_url)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  if (base_url == NULL || *base_url == '\0')
    base_url = CM_ADMIN_DEFAULT_BASE_URL;
  if (g_strcmp0 (self->base_url, base_url) == 0)
    return;

  g_free (self->base_url);
  self->base_url = g_strdup (base_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BASE_URL]);
}

void
cm_admin_client_set_api_key (CmAdminClient *self,
                             const char    *api_key)
{
  gboolean had;
  g_autofree char *trimmed = NULL;

  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  had = self->api_key != NULL;
  if (api_key != NULL)
    {
      trimmed = g_strstrip (g_strdup (api_key));
      if (*trimmed == '\0')
        g_clear_pointer (&trimmed, g_free);
    }

  wipe_key (self);
  self->api_key = g_steal_pointer (&trimmed);

  if (had != (self->api_key != NULL))
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_API_KEY]);
      reschedule (self);
    }
}

gboolean
cm_admin_client_has_api_key (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), FALSE);

  return self->api_key != NULL;
}

guint
cm_admin_client_get_timeout (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), 0);

  return self->timeout;
}

void
cm_admin_client_set_timeout (CmAdminClient *self,
                             guint          seconds)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  seconds = CLAMP (seconds, 1, 600);
  if (self->timeout == seconds)
    return;

  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

CmStore *
cm_admin_client_get_store (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), NULL);

  return self->store;
}

void
cm_admin_client_set_store (CmAdminClient *self,
                           CmStore       *store)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));
  g_return_if_fail (store == NULL || CM_IS_STORE (store));

  if (!g_set_object (&self->store, store))
    return;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
  reschedule (self);
}

gboolean
cm_admin_client_get_enabled (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), FALSE);

  return self->enabled;
}

void
cm_admin_client_set_enabled (CmAdminClient *self,
                             gboolean       enabled)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  enabled = !!enabled;
  if (self->enabled == enabled)
    return;

  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
  reschedule (self);
}

guint
cm_admin_client_get_interval (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), 0);

  return self->interval;
}

void
cm_admin_client_set_interval (CmAdminClient *self,
                              guint          minutes)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  minutes = CLAMP (minutes, MIN_INTERVAL, MAX_INTERVAL);
  if (self->interval == minutes)
    return;

  self->interval = minutes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_INTERVAL]);
  /* Only the timer moves: a change of pace is no reason to fetch now. */
  if (self->interval_source != 0)
    start_interval (self);
}

gboolean
cm_admin_client_get_fetching (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), FALSE);

  return self->fetching;
}

CmAdminFetchResult *
cm_admin_client_get_last_result (CmAdminClient *self)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), NULL);

  return self->last_result;
}

void
cm_admin_client_set_minute_ms (CmAdminClient *self,
                               guint          minute_ms)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));
  g_return_if_fail (minute_ms > 0);

  self->minute_ms = minute_ms;
}

void
cm_admin_client_set_second_ms (CmAdminClient *self,
                               guint          second_ms)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  self->second_ms = second_ms;
}

void
cm_admin_client_set_now_ms (CmAdminClient *self,
                            gint64         now_ms)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  self->now_ms = now_ms;
}

/* --- jobs --- */

static CmAdminJob *
make_job (CmAdminClient *self,
          const char    *key,
          const char    *since)
{
  CmAdminJob *job = cm_admin_job_new ();

  job->base_url = g_strdup (self->base_url);
  job->key = g_strdup (key != NULL ? key : self->api_key);
  job->since = g_strdup (since);
  job->now_ms = self->now_ms > 0 ? self->now_ms : g_get_real_time () / 1000;
  job->second_ms = self->second_ms;
  job->timeout_s = self->timeout;
  job->store = self->store != NULL ? g_object_ref (self->store) : NULL;

  return job;
}

typedef struct
{
  char *id;
  char *name;
} Organization;

static void
organization_free (Organization *org)
{
  g_free (org->id);
  g_free (org->name);
  g_free (org);
}

static void
test_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Organization *org = g_new0 (Organization, 1);
  GError *error = NULL;

  if (!cm_admin_job_test (task_data, cancellable, &org->id, &org->name, &error))
    {
      organization_free (org);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, org, (GDestroyNotify) organization_free);
}

void
cm_admin_client_test_async (CmAdminClient       *self,
                            const char          *key,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autofree char *trimmed = key != NULL ? g_strstrip (g_strdup (key)) : NULL;

  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_admin_client_test_async);
  g_task_set_task_data (task, make_job (self, trimmed != NULL && *trimmed != '\0' ? trimmed : NULL, NULL),
                        (GDestroyNotify) cm_admin_job_free);
  if (trimmed != NULL)
    memset (trimmed, 0, strlen (trimmed));
  g_task_run_in_thread (task, test_thread);
}

gboolean
cm_admin_client_test_finish (CmAdminClient  *self,
                             GAsyncResult   *result,
                             char          **org_id,
                             char          **org_name,
                             GError        **error)
{
  Organization *org;

  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  org = g_task_propagate_pointer (G_TASK (result), error);
  if (org == NULL)
    return FALSE;

  if (org_id != NULL)
    *org_id = g_steal_pointer (&org->id);
  if (org_name != NULL)
    *org_name = g_steal_pointer (&org->name);
  organization_free (org);

  return TRUE;
}

static void
fetch_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  GError *error = NULL;
  CmAdminFetchResult *result = cm_admin_job_fetch (task_data, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) cm_admin_fetch_result_unref);
}

static void
set_fetching (CmAdminClient *self,
              gboolean       fetching)
{
  if (self->fetching == fetching)
    return;

  self->fetching = fetching;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FETCHING]);
}

/* Every caller of the fetch gets its outcome. */
static void
fetch_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  CmAdminClient *self = CM_ADMIN_CLIENT (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmAdminFetchResult) result = g_task_propagate_pointer (G_TASK (res), &error);
  g_autoptr(GPtrArray) waiters = g_steal_pointer (&self->waiters);

  self->waiters = g_ptr_array_new ();
  set_fetching (self, FALSE);

  if (result != NULL)
    {
      g_debug ("Admin API fetch: %s", result->message);
      g_clear_pointer (&self->last_result, cm_admin_fetch_result_unref);
      self->last_result = cm_admin_fetch_result_ref (result);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_RESULT]);
      g_signal_emit (self, signals[FETCH_FINISHED], 0, result);
    }

  for (guint i = 0; i < waiters->len; i++)
    {
      g_autoptr(GTask) task = g_ptr_array_index (waiters, i);

      if (result != NULL)
        g_task_return_pointer (task, cm_admin_fetch_result_ref (result),
                               (GDestroyNotify) cm_admin_fetch_result_unref);
      else
        g_task_return_error (task, g_error_copy (error));
    }
}

void
cm_admin_client_fetch_async (CmAdminClient       *self,
                             const char          *since,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) worker = NULL;
  GTask *task;

  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));
  g_return_if_fail (CM_IS_STORE (self->store));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_admin_client_fetch_async);
  g_ptr_array_add (self->waiters, task);
  if (self->fetching)
    return;

  set_fetching (self, TRUE);
  worker = g_task_new (self, cancellable, fetch_done_cb, NULL);
  g_task_set_source_tag (worker, fetch_thread);
  g_task_set_task_data (worker, make_job (self, NULL, since), (GDestroyNotify) cm_admin_job_free);
  g_task_run_in_thread (worker, fetch_thread);
}

CmAdminFetchResult *
cm_admin_client_fetch_finish (CmAdminClient  *self,
                              GAsyncResult   *result,
                              GError        **error)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* --- automatic fetches --- */

static void
auto_done_cb (GObject      *source,
              GAsyncResult *res,
              gpointer      user_data)
{
  g_autoptr(CmAdminFetchResult) result = NULL;

  /* The outcome went out with "fetch-finished". */
  result = cm_admin_client_fetch_finish (CM_ADMIN_CLIENT (source), res, NULL);
}

static gboolean
auto_fetch_cb (gpointer user_data)
{
  CmAdminClient *self = user_data;

  self->kick_source = 0;
  if (!self->fetching && self->ready)
    {
      g_clear_object (&self->auto_cancellable);
      self->auto_cancellable = g_cancellable_new ();
      cm_admin_client_fetch_async (self, NULL, self->auto_cancellable, auto_done_cb, NULL);
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
kick_cb (gpointer user_data)
{
  auto_fetch_cb (user_data);

  return G_SOURCE_REMOVE;
}

/* Fetches only while the user wants it: at once when that starts, then on
 * the interval; switching it off cancels a running automatic fetch. */
static void
reschedule (CmAdminClient *self)
{
  gboolean ready = self->enabled && self->api_key != NULL && self->store != NULL;

  if (ready == self->ready)
    return;

  self->ready = ready;
  g_clear_handle_id (&self->interval_source, g_source_remove);
  g_clear_handle_id (&self->kick_source, g_source_remove);

  if (!ready)
    {
      g_cancellable_cancel (self->auto_cancellable);
      return;
    }

  self->kick_source = g_idle_add (kick_cb, self);
  start_interval (self);
}

static void
start_interval (CmAdminClient *self)
{
  guint64 ms = (guint64) self->interval * self->minute_ms;

  g_clear_handle_id (&self->interval_source, g_source_remove);
  self->interval_source = g_timeout_add ((guint) MIN (ms, G_MAXUINT), auto_fetch_cb, self);
}

/* --- settings and key --- */

void
cm_admin_client_bind_settings (CmAdminClient *self,
                               GSettings     *settings)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "api-base-url", self, "base-url", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "billing-interval", self, "interval", G_SETTINGS_BIND_GET);
  g_settings_bind (settings, "billing-enabled", self, "enabled", G_SETTINGS_BIND_GET);
}

#ifdef HAVE_LIBSECRET
static gboolean
apply_key (gpointer    owner,
           const char *key)
{
  cm_admin_client_set_api_key (owner, key);

  return cm_admin_client_has_api_key (owner);
}
#endif

void
cm_admin_client_reload_key_async (CmAdminClient       *self,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_return_if_fail (CM_IS_ADMIN_CLIENT (self));

#ifdef HAVE_LIBSECRET
  cm_keyring_reload_async (CM_KEYRING_ADMIN_KEY, self, apply_key, cancellable, callback, user_data);
#else
  {
    GTask *task = g_task_new (self, cancellable, callback, user_data);

    g_task_set_source_tag (task, cm_admin_client_reload_key_async);
    cm_admin_client_set_api_key (self, g_getenv ("ANTHROPIC_ADMIN_API_KEY"));
    g_task_return_boolean (task, cm_admin_client_has_api_key (self));
    g_object_unref (task);
  }
#endif
}

gboolean
cm_admin_client_reload_key_finish (CmAdminClient  *self,
                                   GAsyncResult   *result,
                                   GError        **error)
{
  g_return_val_if_fail (CM_IS_ADMIN_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
