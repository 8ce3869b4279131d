/* cm-price-updater.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Prices that update without a release: fetch a maintained public list,
 * convert and check it (cm-price-list.c) and save it as the dated middle layer
 * of the price table, between the shipped table and the user's override. The
 * layer is replaced only when everything worked: a failure at any step leaves
 * the file, and so the prices, as they were. */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>
#include <libsoup/soup.h>

#include "cm-price-updater.h"

#define DEFAULT_TIMEOUT_S 30
/* LiteLLM's list is a few MiB; anything past this is not it. */
#define MAX_LIST_BYTES    (64 * 1024 * 1024)

struct _CmPriceUpdater
{
  GObject  parent_instance;

  char    *url;
  guint    timeout;
  char    *layer_path;
};

G_DEFINE_TYPE (CmPriceUpdater, cm_price_updater, G_TYPE_OBJECT)

G_DEFINE_QUARK (cm-price-update-error-quark, cm_price_update_error)

enum {
  PROP_0,
  PROP_URL,
  PROP_TIMEOUT,
  PROP_LAYER_PATH,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* g_set_str() is GLib 2.76. */
static gboolean
replace_string (char       **dest,
                const char  *value)
{
  if (g_strcmp0 (*dest, value) == 0)
    return FALSE;
  g_free (*dest);
  *dest = g_strdup (value);

  return TRUE;
}

void
cm_price_update_result_free (CmPriceUpdateResult *result)
{
  if (result == NULL)
    return;
  cm_price_list_summary_free (result->summary);
  g_free (result->date);
  g_free (result->source);
  g_free (result->path);
  g_free (result);
}

static void
cm_price_updater_finalize (GObject *object)
{
  CmPriceUpdater *self = CM_PRICE_UPDATER (object);

  g_free (self->url);
  g_free (self->layer_path);

  G_OBJECT_CLASS (cm_price_updater_parent_class)->finalize (object);
}

static void
cm_price_updater_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CmPriceUpdater *self = CM_PRICE_UPDATER (object);

  switch (prop_id)
    {
    case PROP_URL:
      g_value_set_string (value, self->url);
      break;
    case PROP_TIMEOUT:
      g_value_set_uint (value, self->timeout);
      break;
    case PROP_LAYER_PATH:
      g_value_set_string (value, self->layer_path);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_price_updater_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  CmPriceUpdater *self = CM_PRICE_UPDATER (object);

  switch (prop_id)
    {
    case PROP_URL:
      cm_price_updater_set_url (self, g_value_get_string (value));
      break;
    case PROP_TIMEOUT:
      cm_price_updater_set_timeout (self, g_value_get_uint (value));
      break;
    case PROP_LAYER_PATH:
      cm_price_updater_set_layer_path (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_price_updater_class_init (CmPriceUpdaterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_price_updater_finalize;
  object_class->get_property = cm_price_updater_get_property;
  object_class->set_property = cm_price_updater_set_property;

  properties[PROP_URL] =
    g_param_spec_string ("url", NULL, NULL, CM_PRICE_LIST_DEFAULT_URL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TIMEOUT] =
    g_param_spec_uint ("timeout", NULL, NULL, 1, 600, DEFAULT_TIMEOUT_S,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAYER_PATH] =
    g_param_spec_string ("layer-path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_price_updater_init (CmPriceUpdater *self)
{
  self->url = g_strdup (CM_PRICE_LIST_DEFAULT_URL);
  self->timeout = DEFAULT_TIMEOUT_S;
  self->layer_path = cm_pricing_dup_update_file ();
}

CmPriceUpdater *
cm_price_updater_new (void)
{
  return g_object_new (CM_TYPE_PRICE_UPDATER, NULL);
}

const char *
cm_price_updater_get_url (CmPriceUpdater *self)
{
  g_return_val_if_fail (CM_IS_PRICE_UPDATER (self), NULL);

  return self->url;
}

void
cm_price_updater_set_url (CmPriceUpdater *self,
                          const char     *url)
{
  g_return_if_fail (CM_IS_PRICE_UPDATER (self));

  if (url == NULL || *url == '\0')
    url = CM_PRICE_LIST_DEFAULT_URL;
  if (replace_string (&self->url, url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_URL]);
}

guint
cm_price_updater_get_timeout (CmPriceUpdater *self)
{
  g_return_val_if_fail (CM_IS_PRICE_UPDATER (self), 0);

  return self->timeout;
}

void
cm_price_updater_set_timeout (CmPriceUpdater *self,
                              guint           seconds)
{
  g_return_if_fail (CM_IS_PRICE_UPDATER (self));

  seconds = CLAMP (seconds, 1, 600);
  if (self->timeout == seconds)
    return;
  self->timeout = seconds;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIMEOUT]);
}

const char *
cm_price_updater_get_layer_path (CmPriceUpdater *self)
{
  g_return_val_if_fail (CM_IS_PRICE_UPDATER (self), NULL);

  return self->layer_path;
}

void
cm_price_updater_set_layer_path (CmPriceUpdater *self,
                                 const char     *path)
{
  g_autofree char *fallback = NULL;

  g_return_if_fail (CM_IS_PRICE_UPDATER (self));

  if (path == NULL || *path == '\0')
    path = fallback = cm_pricing_dup_update_file ();
  if (replace_string (&self->layer_path, path))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER_PATH]);
}

/* The work (on a worker thread, with a session of its own) */

typedef struct
{
  char      *url;
  guint      timeout;
  char      *layer_path;
  CmPricing *current;
} Job;

static void
job_free (Job *job)
{
  g_free (job->url);
  g_free (job->layer_path);
  g_clear_object (&job->current);
  g_free (job);
}

static gboolean
network_error (GError  *local_error,
               guint    timeout,
               GError **error)
{
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_error_copy (local_error));
  else if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_TIMEOUT,
                 "The price list did not answer in time (%u s)", timeout);
  else
    g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_NETWORK,
                 "The price list could not be reached: %s", local_error->message);

  return FALSE;
}

/* Reads at most MAX_LIST_BYTES of @stream. */
static GBytes *
read_body (GInputStream  *stream,
           guint          timeout,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr(GByteArray) body = g_byte_array_new ();
  g_autoptr(GError) local_error = NULL;
  guint8 buffer[65536];

  for (;;)
    {
      gssize n = g_input_stream_read (stream, buffer, sizeof buffer, cancellable, &local_error);

      if (n < 0)
        {
          network_error (local_error, timeout, error);
          return NULL;
        }
      if (n == 0)
        break;
      if (body->len + (gsize) n > MAX_LIST_BYTES)
        {
          g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_TOO_LARGE,
                       "The price list is larger than %d MiB", MAX_LIST_BYTES / (1024 * 1024));
          return NULL;
        }
      g_byte_array_append (body, buffer, n);
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static GBytes *
fetch (const Job     *job,
       GCancellable  *cancellable,
       GError       **error)
{
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GUri) uri = g_uri_parse (job->url, SOUP_HTTP_URI_FLAGS, NULL);
  guint status;

  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "https") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "http") != 0))
    {
      g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_BAD_URL,
                   "“%s” is not an http or https address", job->url);
      return NULL;
    }

  session = soup_session_new_with_options ("user-agent", "CostMeter/" PACKAGE_VERSION,
                                           "timeout", job->timeout,
                                           "idle-timeout", job->timeout,
                                           NULL);
  msg = soup_message_new_from_uri (SOUP_METHOD_GET, uri);
  stream = soup_session_send (session, msg, cancellable, &local_error);
  if (stream == NULL)
    {
      network_error (local_error, job->timeout, error);
      return NULL;
    }

  status = soup_message_get_status (msg);
  if (status != SOUP_STATUS_OK)
    {
      g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_HTTP,
                   "The price list answered HTTP %u %s", status,
                   soup_message_get_reason_phrase (msg) ? soup_message_get_reason_phrase (msg) : "");
      return NULL;
    }

  return read_body (stream, job->timeout, cancellable, error);
}

/* The layer must load as the updated layer, as cm_pricing_new_default()
 * will read it. */
static gboolean
layer_loads (CmPricing  *current,
             GBytes     *layer,
             GError    **error)
{
  g_autofree char *dir = g_dir_make_tmp ("costmeter-layer-XXXXXX", NULL);
  g_autofree char *path = dir != NULL ? g_build_filename (dir, "pricing-updated.json", NULL) : NULL;
  g_autoptr(CmPricing) copy = cm_pricing_new_builtin (NULL);
  g_autoptr(GError) local_error = NULL;
  gboolean ok;

  ok = copy != NULL && path != NULL &&
       g_file_set_contents (path, g_bytes_get_data (layer, NULL), g_bytes_get_size (layer), &local_error) &&
       cm_pricing_merge_update_file (copy, path, &local_error);
  if (path != NULL)
    g_remove (path);
  if (dir != NULL)
    g_rmdir (dir);
  if (ok)
    return TRUE;

  g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_MALFORMED,
               "The converted price list does not load: %s",
               local_error ? local_error->message : "no shipped table");
  return FALSE;
}

static gboolean
save_layer (const char  *path,
            GBytes      *layer,
            GError     **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autoptr(GError) local_error = NULL;
  gsize len;
  const char *data = g_bytes_get_data (layer, &len);

  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      !g_file_set_contents_full (path, data, len, G_FILE_SET_CONTENTS_CONSISTENT, 0600, &local_error))
    {
      g_set_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_WRITE,
                   "The updated prices could not be saved to %s: %s", path,
                   local_error ? local_error->message : g_strerror (errno));
      return FALSE;
    }

  return TRUE;
}

static CmPriceUpdateResult *
run_job (const Job     *job,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr(GBytes) list = NULL;
  g_autoptr(GBytes) layer = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(CmPriceUpdateResult) result = g_new0 (CmPriceUpdateResult, 1);

  result->date = g_date_time_format (now, "%Y-%m-%d");
  result->source = g_strdup (job->url);
  result->path = g_strdup (job->layer_path);

  list = fetch (job, cancellable, error);
  if (list == NULL)
    return NULL;

  layer = cm_price_list_convert (list, job->current, result->date, job->url,
                                 &result->summary, &local_error);
  if (layer == NULL)
    {
      g_set_error_literal (error, CM_PRICE_UPDATE_ERROR,
                           g_error_matches (local_error, CM_PRICE_LIST_ERROR,
                                            CM_PRICE_LIST_ERROR_IMPLAUSIBLE)
                           ? CM_PRICE_UPDATE_ERROR_IMPLAUSIBLE : CM_PRICE_UPDATE_ERROR_MALFORMED,
                           local_error->message);
      return NULL;
    }

  if (!layer_loads (job->current, layer, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !save_layer (job->layer_path, layer, error))
    return NULL;

  return g_steal_pointer (&result);
}

static Job *
job_new (CmPriceUpdater *self,
         CmPricing      *current)
{
  Job *job = g_new0 (Job, 1);

  job->url = g_strdup (self->url);
  job->timeout = self->timeout;
  job->layer_path = g_strdup (self->layer_path);
  job->current = g_object_ref (current);

  return job;
}

static void
update_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  CmPriceUpdateResult *result = run_job (task_data, cancellable, &error);

  if (result == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, result, (GDestroyNotify) cm_price_update_result_free);
}

void
cm_price_updater_update_async (CmPriceUpdater      *self,
                               CmPricing           *current,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CM_IS_PRICE_UPDATER (self));
  g_return_if_fail (CM_IS_PRICING (current));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_price_updater_update_async);
  g_task_set_task_data (task, job_new (self, current), (GDestroyNotify) job_free);
  g_task_run_in_thread (task, update_thread);
}

CmPriceUpdateResult *
cm_price_updater_update_finish (CmPriceUpdater  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (CM_IS_PRICE_UPDATER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

CmPriceUpdateResult *
cm_price_updater_update (CmPriceUpdater  *self,
                         CmPricing       *current,
                         GCancellable    *cancellable,
                         GError         **error)
{
  Job *job;
  CmPriceUpdateResult *result;

  g_return_val_if_fail (CM_IS_PRICE_UPDATER (self), NULL);
  g_return_val_if_fail (CM_IS_PRICING (current), NULL);

  job = job_new (self, current);
  result = run_job (job, cancellable, error);
  job_free (job);

  return result;
}
