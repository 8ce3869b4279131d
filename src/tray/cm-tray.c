/* cm-tray.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-tray.h"

struct _CmTray
{
  GObject           parent_instance;

  GApplication     *application;
  GSettings        *settings;
  CmBudgetMonitor  *monitor;
  CmPlanMonitor    *plan;
  CmStatusNotifier *notifier;
  gboolean          held;
};

G_DEFINE_FINAL_TYPE (CmTray, cm_tray, G_TYPE_OBJECT)

static char *
format_usd (CmTray  *self,
            CmMoney  money)
{
  int decimals = g_settings_get_int (self->settings, "currency-decimals");
  g_autofree char *amount = cm_money_format_usd (money, decimals);

  return g_strdup_printf ("$%s", amount);
}

static void
update_notifier (CmTray *self)
{
  g_autofree char *today = NULL;
  g_autofree char *month = NULL;
  g_autofree char *title = NULL;
  g_autofree char *text = NULL;
  const char *icon_name;
  double five_hour;

  if (self->notifier == NULL)
    return;

  today = format_usd (self, cm_budget_monitor_get_today_spend (self->monitor));
  month = format_usd (self, cm_budget_monitor_get_month_spend (self->monitor));
  /* Translators: today's spend, this month's spend */
  text = g_strdup_printf (_("Today: %s\nThis month: %s"), today, month);
  if (cm_plan_monitor_get_window (self->plan, CM_PLAN_WINDOW_FIVE_HOUR, &five_hour, NULL))
    {
      g_autofree char *both = NULL;

      /* Translators: the share of the plan's 5-hour window used */
      title = g_strdup_printf (_("CostMeter: %.0f %% of the 5-hour window"), five_hour);
      /* Translators: the spend lines, then the share of the 5-hour window used */
      both = g_strdup_printf (_("%s\n5-hour window: %.0f %% used"), text, five_hour);
      g_free (text);
      text = g_steal_pointer (&both);
    }
  else
    /* Translators: today's spend, this month's spend */
    title = g_strdup_printf (_("CostMeter: %s today, %s this month"), today, month);

  switch (MAX (cm_budget_monitor_get_level (self->monitor),
               MAX (cm_plan_monitor_get_level (self->plan, CM_PLAN_WINDOW_FIVE_HOUR),
                    cm_plan_monitor_get_level (self->plan, CM_PLAN_WINDOW_SEVEN_DAY))))
    {
    case CM_BUDGET_LEVEL_OVER:
      icon_name = CM_TRAY_ICON_NAME_OVER;
      break;
    case CM_BUDGET_LEVEL_WARNING:
      icon_name = CM_TRAY_ICON_NAME_WARNING;
      break;
    case CM_BUDGET_LEVEL_NONE:
    default:
      icon_name = CM_TRAY_ICON_NAME;
      break;
    }

  cm_status_notifier_set_title (self->notifier, title);
  cm_status_notifier_set_tooltip_text (self->notifier, text);
  cm_status_notifier_set_icon_name (self->notifier, icon_name);
}

static void
update_tray_enabled (CmTray *self)
{
  gboolean enabled = g_settings_get_boolean (self->settings, "tray-enabled");

  if (enabled && self->notifier == NULL)
    {
      self->notifier = cm_status_notifier_new (g_application_get_application_id (self->application),
                                               G_ACTION_GROUP (self->application));
      update_notifier (self);
      cm_status_notifier_start (self->notifier);
    }
  else if (!enabled && self->notifier != NULL)
    {
      cm_status_notifier_stop (self->notifier);
      g_clear_object (&self->notifier);
    }
}

static void
update_hold (CmTray *self)
{
  gboolean want = g_settings_get_boolean (self->settings, "run-in-background") &&
                  (g_settings_get_boolean (self->settings, "tray-enabled") ||
                   g_settings_get_double (self->settings, "budget-daily") > 0.0 ||
                   g_settings_get_double (self->settings, "budget-monthly") > 0.0);

  if (want == self->held)
    return;

  /* Closing the last window keeps the application alive while held. */
  if (want)
    g_application_hold (self->application);
  else
    g_application_release (self->application);
  self->held = want;
}

static void
settings_changed_cb (CmTray     *self,
                     const char *key)
{
  if (g_strcmp0 (key, "tray-enabled") == 0)
    update_tray_enabled (self);
  else if (g_strcmp0 (key, "currency-decimals") == 0)
    update_notifier (self);

  update_hold (self);
}

static void
monitor_updated_cb (CmTray *self)
{
  update_notifier (self);
}

CmStatusNotifier *
cm_tray_get_status_notifier (CmTray *self)
{
  g_return_val_if_fail (CM_IS_TRAY (self), NULL);
  return self->notifier;
}

CmBudgetMonitor *
cm_tray_get_budget_monitor (CmTray *self)
{
  g_return_val_if_fail (CM_IS_TRAY (self), NULL);
  return self->monitor;
}

CmPlanMonitor *
cm_tray_get_plan_monitor (CmTray *self)
{
  g_return_val_if_fail (CM_IS_TRAY (self), NULL);
  return self->plan;
}

static void
cm_tray_dispose (GObject *object)
{
  CmTray *self = CM_TRAY (object);

  if (self->held)
    {
      g_application_release (self->application);
      self->held = FALSE;
    }
  if (self->notifier != NULL)
    cm_status_notifier_stop (self->notifier);
  g_clear_object (&self->notifier);
  g_clear_object (&self->monitor);
  g_clear_object (&self->plan);
  g_clear_object (&self->settings);
  g_clear_object (&self->application);

  G_OBJECT_CLASS (cm_tray_parent_class)->dispose (object);
}

static void
cm_tray_class_init (CmTrayClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cm_tray_dispose;
}

static void
cm_tray_init (CmTray *self)
{
}

CmTray *
cm_tray_new (GApplication *application,
             CmStore      *store,
             GSettings    *settings)
{
  CmTray *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CM_TYPE_TRAY, NULL);
  self->application = g_object_ref (application);
  self->settings = g_object_ref (settings);
  self->monitor = cm_budget_monitor_new (store, settings, application);
  self->plan = cm_plan_monitor_new (store, settings, application);

  g_signal_connect_object (self->monitor, "updated", G_CALLBACK (monitor_updated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->plan, "updated", G_CALLBACK (monitor_updated_cb),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed", G_CALLBACK (settings_changed_cb),
                           self, G_CONNECT_SWAPPED);

  update_tray_enabled (self);
  update_hold (self);

  return self;
}

static void
application_shutdown_cb (GApplication *application)
{
  g_object_set_data (G_OBJECT (application), "cm-tray", NULL);
}

CmTray *
cm_tray_attach (GApplication *application,
                CmStore      *store,
                GSettings    *settings)
{
  CmTray *self = cm_tray_new (application, store, settings);

  g_object_set_data_full (G_OBJECT (application), "cm-tray", self, g_object_unref);
  g_signal_connect (application, "shutdown", G_CALLBACK (application_shutdown_cb), NULL);

  return self;
}
