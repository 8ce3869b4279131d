/* cm-plan-monitor.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-plan-monitor.h"

/* The status line writes from another process: read again this often. */
#define POLL_SECONDS 30

struct _CmPlanMonitor
{
  GObject            parent_instance;

  CmStore           *store;
  GSettings         *settings;
  GApplication      *application;
  CmQueryFilter     *filter;

  gint64             now_override;  /* Unix seconds; 0 = real clock */
  CmPlanObservation *observation;
  CmBlock           *block;
  gboolean           ready;
  gboolean           running;
  gboolean           pending;
  guint              poll_id;
};

G_DEFINE_FINAL_TYPE (CmPlanMonitor, cm_plan_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_APPLICATION,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

gint64
cm_plan_monitor_get_now (CmPlanMonitor *self)
{
  g_return_val_if_fail (CM_IS_PLAN_MONITOR (self), 0);

  return self->now_override != 0 ? self->now_override * 1000 : g_get_real_time () / 1000;
}

/* --- reading, on a worker thread --- */

typedef struct
{
  CmStore       *store;
  CmQueryFilter *filter;
  gint64         now_ms;
} QueryData;

typedef struct
{
  CmPlanObservation *observation;
  CmBlock           *block;
} QueryResult;

static void
query_data_free (QueryData *data)
{
  g_clear_object (&data->store);
  cm_query_filter_free (data->filter);
  g_free (data);
}

static void
query_result_free (QueryResult *result)
{
  cm_plan_observation_free (result->observation);
  cm_block_free (result->block);
  g_free (result);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueryData *data = task_data;
  QueryResult *result = g_new0 (QueryResult, 1);
  GError *error = NULL;

  result->observation = cm_store_get_plan_observation (data->store, &error);
  if (error == NULL)
    result->block = cm_store_query_active_block (data->store, data->filter, data->now_ms, &error);
  if (error != NULL)
    {
      query_result_free (result);
      g_task_return_error (task, error);
      return;
    }

  g_task_return_pointer (task, result, (GDestroyNotify) query_result_free);
}

/* --- notifications --- */

static const char *window_keys[CM_N_PLAN_WINDOWS] = { "5h", "7d" };

static int
level_percent (CmBudgetLevel level)
{
  return level == CM_BUDGET_LEVEL_OVER ? 100 : level == CM_BUDGET_LEVEL_WARNING ? 80 : 0;
}

/* plan-notified holds "5h:RESET:80;7d:RESET:100", RESET in 10-minute steps
 * (a window's reset time is the same reading after reading, give or take). */
static int
notified_threshold (const char *notified,
                    const char *key,
                    gint64      reset_step)
{
  g_auto(GStrv) entries = g_strsplit (notified, ";", -1);
  g_autofree char *prefix = g_strdup_printf ("%s:%" G_GINT64_FORMAT ":", key, reset_step);

  for (guint i = 0; entries[i] != NULL; i++)
    if (g_str_has_prefix (entries[i], prefix))
      return (int) g_ascii_strtoll (entries[i] + strlen (prefix), NULL, 10);

  return 0;
}

static void
send_notification (CmPlanMonitor *self,
                   CmPlanWindow   window,
                   CmBudgetLevel  level,
                   double         percent,
                   gint64         reset_ms)
{
  g_autoptr(GNotification) notification = NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (reset_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *reset = NULL;
  g_autofree char *body = NULL;
  g_autofree char *id = g_strdup_printf ("plan-%s", window_keys[window]);
  const char *title;

  if (window == CM_PLAN_WINDOW_FIVE_HOUR)
    {
      title = level == CM_BUDGET_LEVEL_OVER ? _("5-hour plan window used up") : _("5-hour plan window almost used");
      reset = g_date_time_format (local, "%H:%M");
    }
  else
    {
      title = level == CM_BUDGET_LEVEL_OVER ? _("Weekly plan window used up") : _("Weekly plan window almost used");
      /* Translators: a weekday and time, as strftime() writes them */
      reset = g_date_time_format (local, C_("plan reset", "%A %H:%M"));
    }
  /* Translators: the share of the plan window used, then when it resets */
  body = g_strdup_printf (_("%.0f %% used; it resets at %s."), percent, reset);

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, level == CM_BUDGET_LEVEL_OVER ? G_NOTIFICATION_PRIORITY_HIGH
                                                                           : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action (notification, "app.show-window");
  g_application_send_notification (self->application, id, notification);
}

static void
check_windows (CmPlanMonitor *self)
{
  g_autofree char *notified = g_settings_get_string (self->settings, "plan-notified");
  g_autoptr(GString) updated = g_string_new (NULL);
  gboolean can_send = self->application != NULL && g_application_get_is_registered (self->application) &&
                      !g_application_get_is_remote (self->application);

  for (CmPlanWindow w = 0; w < CM_N_PLAN_WINDOWS; w++)
    {
      double percent;
      gint64 reset_ms;
      gint64 step;
      int done, threshold;

      if (!cm_plan_monitor_get_window (self, w, &percent, &reset_ms))
        continue;

      step = reset_ms / (10 * 60 * 1000);
      done = notified_threshold (notified, window_keys[w], step);
      threshold = level_percent (cm_plan_monitor_get_level (self, w));
      if (threshold > done && can_send)
        {
          send_notification (self, w, cm_plan_monitor_get_level (self, w), percent, reset_ms);
          done = threshold;
        }
      /* Only the windows still running are remembered. */
      g_string_append_printf (updated, "%s%s:%" G_GINT64_FORMAT ":%d", updated->len > 0 ? ";" : "",
                              window_keys[w], step, done);
    }

  if (g_strcmp0 (updated->str, notified) != 0)
    g_settings_set_string (self->settings, "plan-notified", updated->str);
}

/* --- refreshing --- */

static void
query_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  CmPlanMonitor *self = CM_PLAN_MONITOR (source);
  g_autoptr(GError) error = NULL;
  QueryResult *result;

  self->running = FALSE;

  result = g_task_propagate_pointer (G_TASK (res), &error);
  if (result == NULL)
    g_warning ("Could not read the plan windows: %s", error->message);
  else if (!self->pending && self->store != NULL)
    {
      cm_plan_observation_free (self->observation);
      self->observation = g_steal_pointer (&result->observation);
      cm_block_free (self->block);
      self->block = g_steal_pointer (&result->block);

      check_windows (self);
      if (!self->ready)
        {
          self->ready = TRUE;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
        }
      g_signal_emit (self, signals[UPDATED], 0);
    }
  if (result != NULL)
    query_result_free (result);

  if (self->pending && self->store != NULL)
    {
      self->pending = FALSE;
      cm_plan_monitor_refresh (self);
    }
}

void
cm_plan_monitor_refresh (CmPlanMonitor *self)
{
  g_autoptr(GTask) task = NULL;
  QueryData *data;

  g_return_if_fail (CM_IS_PLAN_MONITOR (self));

  /* One read at a time; a change meanwhile reads again after it. */
  if (self->running)
    {
      self->pending = TRUE;
      return;
    }

  data = g_new0 (QueryData, 1);
  data->store = g_object_ref (self->store);
  data->filter = cm_query_filter_copy (self->filter);
  data->now_ms = cm_plan_monitor_get_now (self);

  self->running = TRUE;
  task = g_task_new (self, NULL, query_done_cb, NULL);
  g_task_set_source_tag (task, cm_plan_monitor_refresh);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

static gboolean
poll_cb (gpointer user_data)
{
  cm_plan_monitor_refresh (CM_PLAN_MONITOR (user_data));

  return G_SOURCE_CONTINUE;
}

/* --- public --- */

gboolean
cm_plan_monitor_get_window (CmPlanMonitor *self,
                            CmPlanWindow   window,
                            double        *percent,
                            gint64        *reset_ms)
{
  double p;
  gint64 reset;

  g_return_val_if_fail (CM_IS_PLAN_MONITOR (self), FALSE);
  g_return_val_if_fail (window < CM_N_PLAN_WINDOWS, FALSE);

  if (self->observation == NULL)
    return FALSE;

  p = window == CM_PLAN_WINDOW_FIVE_HOUR ? self->observation->five_hour_percent
                                         : self->observation->seven_day_percent;
  reset = window == CM_PLAN_WINDOW_FIVE_HOUR ? self->observation->five_hour_reset_ms
                                             : self->observation->seven_day_reset_ms;
  /* Once reset, an old reading says nothing about the new window. */
  if (p < 0 || reset <= cm_plan_monitor_get_now (self))
    return FALSE;

  if (percent != NULL)
    *percent = p;
  if (reset_ms != NULL)
    *reset_ms = reset;

  return TRUE;
}

CmBudgetLevel
cm_plan_monitor_get_level (CmPlanMonitor *self,
                           CmPlanWindow   window)
{
  double percent;

  if (!cm_plan_monitor_get_window (self, window, &percent, NULL))
    return CM_BUDGET_LEVEL_NONE;

  return percent >= 100 ? CM_BUDGET_LEVEL_OVER : percent >= 80 ? CM_BUDGET_LEVEL_WARNING : CM_BUDGET_LEVEL_NONE;
}

gint64
cm_plan_monitor_get_observed (CmPlanMonitor *self)
{
  g_return_val_if_fail (CM_IS_PLAN_MONITOR (self), 0);

  return self->observation != NULL ? self->observation->observed_ms : 0;
}

const CmBlock *
cm_plan_monitor_get_block (CmPlanMonitor *self)
{
  g_return_val_if_fail (CM_IS_PLAN_MONITOR (self), NULL);

  /* The block read may have ended since. */
  if (self->block == NULL || !cm_block_is_active (self->block, cm_plan_monitor_get_now (self)))
    return NULL;

  return self->block;
}

void
cm_plan_monitor_set_filter (CmPlanMonitor       *self,
                            const CmQueryFilter *filter)
{
  g_return_if_fail (CM_IS_PLAN_MONITOR (self));

  cm_query_filter_free (self->filter);
  self->filter = cm_query_filter_copy (filter);
  g_clear_pointer (&self->filter->since, g_free);
  g_clear_pointer (&self->filter->until, g_free);
  cm_plan_monitor_refresh (self);
}

gboolean
cm_plan_monitor_get_ready (CmPlanMonitor *self)
{
  g_return_val_if_fail (CM_IS_PLAN_MONITOR (self), FALSE);

  return self->ready;
}

void
cm_plan_monitor_set_now (CmPlanMonitor *self,
                         gint64         unix_seconds)
{
  g_return_if_fail (CM_IS_PLAN_MONITOR (self));

  self->now_override = unix_seconds;
  cm_plan_monitor_refresh (self);
}

/* --- GObject --- */

static void
cm_plan_monitor_constructed (GObject *object)
{
  CmPlanMonitor *self = CM_PLAN_MONITOR (object);

  G_OBJECT_CLASS (cm_plan_monitor_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "changed", G_CALLBACK (cm_plan_monitor_refresh),
                           self, G_CONNECT_SWAPPED);
  self->poll_id = g_timeout_add_seconds (POLL_SECONDS, poll_cb, self);

  cm_plan_monitor_refresh (self);
}

static void
cm_plan_monitor_dispose (GObject *object)
{
  CmPlanMonitor *self = CM_PLAN_MONITOR (object);

  g_clear_handle_id (&self->poll_id, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (cm_plan_monitor_parent_class)->dispose (object);
}

static void
cm_plan_monitor_finalize (GObject *object)
{
  CmPlanMonitor *self = CM_PLAN_MONITOR (object);

  cm_query_filter_free (self->filter);
  cm_plan_observation_free (self->observation);
  cm_block_free (self->block);

  G_OBJECT_CLASS (cm_plan_monitor_parent_class)->finalize (object);
}

static void
cm_plan_monitor_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CmPlanMonitor *self = CM_PLAN_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;
    case PROP_APPLICATION:
      g_value_set_object (value, self->application);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_plan_monitor_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CmPlanMonitor *self = CM_PLAN_MONITOR (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    case PROP_APPLICATION:
      self->application = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_plan_monitor_class_init (CmPlanMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = cm_plan_monitor_constructed;
  object_class->dispose = cm_plan_monitor_dispose;
  object_class->finalize = cm_plan_monitor_finalize;
  object_class->get_property = cm_plan_monitor_get_property;
  object_class->set_property = cm_plan_monitor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL, G_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every reading, whether or not anything changed. */
  signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cm_plan_monitor_init (CmPlanMonitor *self)
{
  self->filter = cm_query_filter_new ();
}

CmPlanMonitor *
cm_plan_monitor_new (CmStore      *store,
                     GSettings    *settings,
                     GApplication *application)
{
  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  return g_object_new (CM_TYPE_PLAN_MONITOR,
                       "store", store,
                       "settings", settings,
                       "application", application,
                       NULL);
}
