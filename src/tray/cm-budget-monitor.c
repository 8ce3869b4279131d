/* cm-budget-monitor.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-budget-monitor.h"
#include "cm-query.h"

struct _CmBudgetMonitor
{
  GObject        parent_instance;

  CmStore       *store;
  GSettings     *settings;
  GApplication  *application;

  gint64         now_override;  /* Unix seconds; 0 = real clock */
  char          *day_key;       /* "YYYY-MM-DD" of the last result */
  char          *month_key;     /* "YYYY-MM" */
  CmMoney        today_spend;
  CmMoney        month_spend;
  CmBudgetLevel  day_level;
  CmBudgetLevel  month_level;
  gboolean       ready;
  gboolean       running;
  gboolean       pending;
  guint          clock_id;
};

G_DEFINE_FINAL_TYPE (CmBudgetMonitor, cm_budget_monitor, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SETTINGS,
  PROP_APPLICATION,
  PROP_TODAY_SPEND,
  PROP_MONTH_SPEND,
  PROP_DAY_LEVEL,
  PROP_MONTH_LEVEL,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  UPDATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GType
cm_budget_level_get_type (void)
{
  static gsize type_id;
  static const GEnumValue values[] = {
    { CM_BUDGET_LEVEL_NONE, "CM_BUDGET_LEVEL_NONE", "none" },
    { CM_BUDGET_LEVEL_WARNING, "CM_BUDGET_LEVEL_WARNING", "warning" },
    { CM_BUDGET_LEVEL_OVER, "CM_BUDGET_LEVEL_OVER", "over" },
    { 0, NULL, NULL }
  };

  if (g_once_init_enter (&type_id))
    g_once_init_leave (&type_id, g_enum_register_static (g_intern_static_string ("CmBudgetLevel"), values));

  return type_id;
}

typedef struct
{
  CmStore *store;
  char    *day;         /* "YYYY-MM-DD" */
  char    *month_start; /* "YYYY-MM-01" */
  char    *timezone;    /* NULL = local */
} QueryData;

typedef struct
{
  CmMoney today;
  CmMoney month;
} QueryResult;

static void
query_data_free (QueryData *data)
{
  g_clear_object (&data->store);
  g_free (data->day);
  g_free (data->month_start);
  g_free (data->timezone);
  g_free (data);
}

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  QueryData *data = task_data;
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autofree QueryResult *result = g_new0 (QueryResult, 1);
  CmTotals totals = { 0 };
  GError *error = NULL;

  filter->timezone = g_strdup (data->timezone);
  filter->since = g_strdup (data->day);
  filter->until = g_strdup (data->day);
  if (!cm_store_query_totals (data->store, filter, &totals, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result->today = totals.cost;

  /* Messages dated after today (a skewed clock) do not count. */
  g_free (filter->since);
  filter->since = g_strdup (data->month_start);
  memset (&totals, 0, sizeof totals);
  if (!cm_store_query_totals (data->store, filter, &totals, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  result->month = totals.cost;

  g_task_return_pointer (task, g_steal_pointer (&result), g_free);
}

static char *
get_timezone (CmBudgetMonitor *self)
{
  g_autofree char *zone = g_settings_get_string (self->settings, "timezone");
  g_autoptr(GTimeZone) tz = NULL;

  if (zone[0] == '\0')
    return NULL;

  /* An unknown zone falls back to the local one rather than failing. */
  tz = g_time_zone_new_identifier (zone);
  return tz != NULL ? g_steal_pointer (&zone) : NULL;
}

static GDateTime *
get_now (CmBudgetMonitor *self)
{
  g_autofree char *zone = get_timezone (self);
  g_autoptr(GTimeZone) tz = zone != NULL ? g_time_zone_new_identifier (zone) : g_time_zone_new_local ();
  g_autoptr(GDateTime) utc = NULL;

  if (self->now_override != 0)
    utc = g_date_time_new_from_unix_utc (self->now_override);
  else
    utc = g_date_time_new_now_utc ();

  return g_date_time_to_timezone (utc, tz);
}

static CmMoney
budget_units (CmBudgetMonitor *self,
              const char      *key)
{
  double usd = g_settings_get_double (self->settings, key);

  if (!(usd > 0.0))
    return 0;

  return (CmMoney) (usd * (double) CM_MONEY_PER_USD + 0.5);
}

static CmBudgetLevel
level_for (CmMoney spend,
           CmMoney budget)
{
  if (budget <= 0)
    return CM_BUDGET_LEVEL_NONE;
  if (spend >= budget)
    return CM_BUDGET_LEVEL_OVER;
  /* spend / budget >= 0.8, exact in integers. */
  if (spend * 5 >= budget * 4)
    return CM_BUDGET_LEVEL_WARNING;
  return CM_BUDGET_LEVEL_NONE;
}

static int
level_percent (CmBudgetLevel level)
{
  switch (level)
    {
    case CM_BUDGET_LEVEL_OVER:
      return 100;
    case CM_BUDGET_LEVEL_WARNING:
      return 80;
    case CM_BUDGET_LEVEL_NONE:
    default:
      return 0;
    }
}

static char *
format_usd (CmBudgetMonitor *self,
            CmMoney          money)
{
  int decimals = g_settings_get_int (self->settings, "currency-decimals");
  g_autofree char *amount = cm_money_format_usd (money, decimals);

  return g_strdup_printf ("$%s", amount);
}

/* The threshold already notified for @kind in period @key, from
 * budget-notified ("day:2026-11-22:80;month:2026-11:100"). */
static int
notified_threshold (const char *notified,
                    const char *kind,
                    const char *key)
{
  g_auto(GStrv) entries = g_strsplit (notified, ";", -1);

  for (guint i = 0; entries[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (entries[i], ":", 3);

      if (g_strv_length (parts) == 3 &&
          g_strcmp0 (parts[0], kind) == 0 &&
          g_strcmp0 (parts[1], key) == 0)
        return (int) g_ascii_strtoll (parts[2], NULL, 10);
    }

  return 0;
}

static void
send_notification (CmBudgetMonitor *self,
                   gboolean         day,
                   CmBudgetLevel    level,
                   CmMoney          spend,
                   CmMoney          budget)
{
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *spend_str = format_usd (self, spend);
  g_autofree char *budget_str = format_usd (self, budget);
  g_autofree char *body = NULL;
  const char *title;
  int percent = (int) (cm_money_to_usd (spend) * 100.0 / cm_money_to_usd (budget));

  if (day)
    {
      title = level == CM_BUDGET_LEVEL_OVER ? _("Daily budget exceeded")
                                            : _("Daily budget almost used");
      /* Translators: today's spend, the daily budget, a percentage */
      body = g_strdup_printf (_("Today: %s of %s (%d %%)"), spend_str, budget_str, percent);
    }
  else
    {
      title = level == CM_BUDGET_LEVEL_OVER ? _("Monthly budget exceeded")
                                            : _("Monthly budget almost used");
      /* Translators: this month's spend, the monthly budget, a percentage */
      body = g_strdup_printf (_("This month: %s of %s (%d %%)"), spend_str, budget_str, percent);
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, level == CM_BUDGET_LEVEL_OVER
                                             ? G_NOTIFICATION_PRIORITY_HIGH
                                             : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action (notification, "app.show-window");

  g_application_send_notification (self->application,
                                   day ? "budget-day" : "budget-month",
                                   notification);
}

/* Sends at most one notification per period and threshold, remembered in
 * budget-notified so a restart does not repeat it. Returns the new entry. */
static char *
check_period (CmBudgetMonitor *self,
              const char      *notified,
              gboolean         day,
              const char      *key,
              CmBudgetLevel    level,
              CmMoney          spend,
              CmMoney          budget)
{
  const char *kind = day ? "day" : "month";
  int done = notified_threshold (notified, kind, key);
  int threshold = level_percent (level);

  if (threshold > done && self->application != NULL &&
      g_application_get_is_registered (self->application) &&
      !g_application_get_is_remote (self->application))
    {
      send_notification (self, day, level, spend, budget);
      done = threshold;
    }

  return g_strdup_printf ("%s:%s:%d", kind, key, done);
}

static void
set_level (CmBudgetMonitor *self,
           CmBudgetLevel   *level,
           CmBudgetLevel    value,
           guint            prop_id)
{
  if (*level == value)
    return;

  *level = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

static void
apply_result (CmBudgetMonitor *self,
              const char      *day,
              const char      *month,
              CmMoney          today,
              CmMoney          month_spend)
{
  CmMoney daily = budget_units (self, "budget-daily");
  CmMoney monthly = budget_units (self, "budget-monthly");
  g_autofree char *notified = g_settings_get_string (self->settings, "budget-notified");
  g_autofree char *day_entry = NULL;
  g_autofree char *month_entry = NULL;
  g_autofree char *new_notified = NULL;

  g_object_freeze_notify (G_OBJECT (self));

  g_free (self->day_key);
  self->day_key = g_strdup (day);
  g_free (self->month_key);
  self->month_key = g_strdup (month);

  if (self->today_spend != today)
    {
      self->today_spend = today;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TODAY_SPEND]);
    }
  if (self->month_spend != month_spend)
    {
      self->month_spend = month_spend;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONTH_SPEND]);
    }

  set_level (self, &self->day_level, level_for (today, daily), PROP_DAY_LEVEL);
  set_level (self, &self->month_level, level_for (month_spend, monthly), PROP_MONTH_LEVEL);

  day_entry = check_period (self, notified, TRUE, day, self->day_level, today, daily);
  month_entry = check_period (self, notified, FALSE, month, self->month_level, month_spend, monthly);
  new_notified = g_strdup_printf ("%s;%s", day_entry, month_entry);
  if (g_strcmp0 (new_notified, notified) != 0)
    g_settings_set_string (self->settings, "budget-notified", new_notified);

  if (!self->ready)
    {
      self->ready = TRUE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
    }

  g_object_thaw_notify (G_OBJECT (self));

  g_signal_emit (self, signals[UPDATED], 0);
}

static void
query_done_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (source);
  QueryData *data = g_task_get_task_data (G_TASK (result));
  g_autofree QueryResult *totals = NULL;
  g_autoptr(GError) error = NULL;

  self->running = FALSE;

  totals = g_task_propagate_pointer (G_TASK (result), &error);
  if (totals == NULL)
    g_warning ("Could not compute today's spend: %s", error->message);
  else if (!self->pending && self->store != NULL)
    {
      g_autofree char *month = g_strndup (data->day, 7);

      apply_result (self, data->day, month, totals->today, totals->month);
    }

  if (self->pending && self->store != NULL)
    {
      self->pending = FALSE;
      cm_budget_monitor_refresh (self);
    }
}

void
cm_budget_monitor_refresh (CmBudgetMonitor *self)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GDateTime) now = NULL;
  QueryData *data;

  g_return_if_fail (CM_IS_BUDGET_MONITOR (self));

  /* One query at a time; a change meanwhile runs another one after it. */
  if (self->running)
    {
      self->pending = TRUE;
      return;
    }

  now = get_now (self);
  data = g_new0 (QueryData, 1);
  data->store = g_object_ref (self->store);
  data->day = g_date_time_format (now, "%Y-%m-%d");
  data->month_start = g_date_time_format (now, "%Y-%m-01");
  data->timezone = get_timezone (self);

  self->running = TRUE;
  task = g_task_new (self, NULL, query_done_cb, NULL);
  g_task_set_source_tag (task, cm_budget_monitor_refresh);
  g_task_set_task_data (task, data, (GDestroyNotify) query_data_free);
  g_task_run_in_thread (task, query_thread);
}

static void
store_changed_cb (CmBudgetMonitor *self)
{
  cm_budget_monitor_refresh (self);
}

static void
settings_changed_cb (CmBudgetMonitor *self,
                     const char      *key)
{
  cm_budget_monitor_refresh (self);
}

static gboolean
clock_tick_cb (gpointer user_data)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (user_data);
  g_autoptr(GDateTime) now = get_now (self);
  g_autofree char *day = g_date_time_format (now, "%Y-%m-%d");

  /* A new day (or month) starts from zero. */
  if (self->day_key != NULL && g_strcmp0 (day, self->day_key) != 0)
    cm_budget_monitor_refresh (self);

  return G_SOURCE_CONTINUE;
}

CmMoney
cm_budget_monitor_get_today_spend (CmBudgetMonitor *self)
{
  g_return_val_if_fail (CM_IS_BUDGET_MONITOR (self), 0);
  return self->today_spend;
}

CmMoney
cm_budget_monitor_get_month_spend (CmBudgetMonitor *self)
{
  g_return_val_if_fail (CM_IS_BUDGET_MONITOR (self), 0);
  return self->month_spend;
}

CmBudgetLevel
cm_budget_monitor_get_day_level (CmBudgetMonitor *self)
{
  g_return_val_if_fail (CM_IS_BUDGET_MONITOR (self), CM_BUDGET_LEVEL_NONE);
  return self->day_level;
}

CmBudgetLevel
cm_budget_monitor_get_month_level (CmBudgetMonitor *self)
{
  g_return_val_if_fail (CM_IS_BUDGET_MONITOR (self), CM_BUDGET_LEVEL_NONE);
  return self->month_level;
}

CmBudgetLevel
cm_budget_monitor_get_level (CmBudgetMonitor *self)
{
  g_return_val_if_fail (CM_IS_BUDGET_MONITOR (self), CM_BUDGET_LEVEL_NONE);
  return MAX (self->day_level, self->month_level);
}

gboolean
cm_budget_monitor_get_ready (CmBudgetMonitor *self)
{
  g_return_val_if_fail (CM_IS_BUDGET_MONITOR (self), FALSE);
  return self->ready;
}

void
cm_budget_monitor_set_now (CmBudgetMonitor *self,
                           gint64           unix_seconds)
{
  g_return_if_fail (CM_IS_BUDGET_MONITOR (self));

  self->now_override = unix_seconds;
  cm_budget_monitor_refresh (self);
}

static void
cm_budget_monitor_constructed (GObject *object)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (object);

  G_OBJECT_CLASS (cm_budget_monitor_parent_class)->constructed (object);

  g_signal_connect_object (self->store, "changed", G_CALLBACK (store_changed_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::budget-daily",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::budget-monthly",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->settings, "changed::timezone",
                           G_CALLBACK (settings_changed_cb), self, G_CONNECT_SWAPPED);

  self->clock_id = g_timeout_add_seconds (60, clock_tick_cb, self);

  cm_budget_monitor_refresh (self);
}

static void
cm_budget_monitor_dispose (GObject *object)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (object);

  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (cm_budget_monitor_parent_class)->dispose (object);
}

static void
cm_budget_monitor_finalize (GObject *object)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (object);

  g_free (self->day_key);
  g_free (self->month_key);

  G_OBJECT_CLASS (cm_budget_monitor_parent_class)->finalize (object);
}

static void
cm_budget_monitor_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (object);

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
    case PROP_TODAY_SPEND:
      g_value_set_int64 (value, self->today_spend);
      break;
    case PROP_MONTH_SPEND:
      g_value_set_int64 (value, self->month_spend);
      break;
    case PROP_DAY_LEVEL:
      g_value_set_enum (value, self->day_level);
      break;
    case PROP_MONTH_LEVEL:
      g_value_set_enum (value, self->month_level);
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_budget_monitor_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CmBudgetMonitor *self = CM_BUDGET_MONITOR (object);

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
cm_budget_monitor_class_init (CmBudgetMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = cm_budget_monitor_constructed;
  object_class->dispose = cm_budget_monitor_dispose;
  object_class->finalize = cm_budget_monitor_finalize;
  object_class->get_property = cm_budget_monitor_get_property;
  object_class->set_property = cm_budget_monitor_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_APPLICATION] =
    g_param_spec_object ("application", NULL, NULL, G_TYPE_APPLICATION,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TODAY_SPEND] =
    g_param_spec_int64 ("today-spend", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONTH_SPEND] =
    g_param_spec_int64 ("month-spend", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_DAY_LEVEL] =
    g_param_spec_enum ("day-level", NULL, NULL, CM_TYPE_BUDGET_LEVEL, CM_BUDGET_LEVEL_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_MONTH_LEVEL] =
    g_param_spec_enum ("month-level", NULL, NULL, CM_TYPE_BUDGET_LEVEL, CM_BUDGET_LEVEL_NONE,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* After every computation, whether or not anything changed. */
  signals[UPDATED] =
    g_signal_new ("updated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
cm_budget_monitor_init (CmBudgetMonitor *self)
{
}

CmBudgetMonitor *
cm_budget_monitor_new (CmStore      *store,
                       GSettings    *settings,
                       GApplication *application)
{
  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  g_return_val_if_fail (application == NULL || G_IS_APPLICATION (application), NULL);

  return g_object_new (CM_TYPE_BUDGET_MONITOR,
                       "store", store,
                       "settings", settings,
                       "application", application,
                       NULL);
}
