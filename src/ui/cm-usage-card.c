/* cm-usage-card.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>
#include <math.h>

#include "cm-format.h"
#include "cm-usage-card.h"

struct _CmUsageCard
{
  GtkBox         parent_instance;

  CmPlanMonitor *monitor;

  GtkLabel      *block_title;
  GtkLabel      *block_cost_label;
  GtkLevelBar   *block_bar;
  GtkLabel      *block_detail_label;
  GtkWidget     *windows_box;
  GtkLabel      *five_hour_label;
  GtkLevelBar   *five_hour_bar;
  GtkLabel      *seven_day_label;
  GtkLevelBar   *seven_day_bar;
  GtkLabel      *plan_note_label;
  GtkWidget     *install_button;
};

G_DEFINE_FINAL_TYPE (CmUsageCard, cm_usage_card, GTK_TYPE_BOX)

char *
cm_usage_format_countdown (gint64 ms)
{
  gint64 minutes = MAX (ms, 0) / 60000;

  if (minutes < 60)
    return g_strdup_printf (_("%d min"), (int) minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));

  /* TRANSLATORS: days and hours of a countdown */
  return g_strdup_printf (_("%d d %d h"), (int) (minutes / (24 * 60)), (int) (minutes / 60 % 24));
}

static char *
format_clock (gint64 unix_ms)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (unix_ms / 1000);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);

  return g_date_time_format (local, "%H:%M");
}

static void
set_level_class (GtkWidget     *widget,
                 CmBudgetLevel  level)
{
  gtk_widget_remove_css_class (widget, "warning");
  gtk_widget_remove_css_class (widget, "error");
  if (level == CM_BUDGET_LEVEL_WARNING)
    gtk_widget_add_css_class (widget, "warning");
  else if (level == CM_BUDGET_LEVEL_OVER)
    gtk_widget_add_css_class (widget, "error");
}

static void
update_block (CmUsageCard *self)
{
  const CmBlock *block = cm_plan_monitor_get_block (self->monitor);
  gint64 now_ms = cm_plan_monitor_get_now (self->monitor);
  g_autofree char *cost = NULL;
  g_autofree char *per_hour = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *left = NULL;
  g_autofree char *projected = NULL;
  g_autofree char *end = NULL;
  g_autofree char *start = NULL;
  g_autofree char *title = NULL;
  g_autofree char *detail = NULL;
  CmBurnRate rate;

  gtk_widget_set_visible (GTK_WIDGET (self->block_cost_label), block != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->block_bar), block != NULL);
  if (block == NULL)
    {
      gtk_label_set_text (self->block_title, _("No 5-hour block running"));
      gtk_label_set_text (self->block_detail_label, _("The next message starts one."));
      return;
    }

  cm_block_burn_rate (block, now_ms, &rate);
  start = format_clock (block->start_ms);
  end = format_clock (block->end_ms);
  /* TRANSLATORS: the running block's start and end, "14:00–19:00" */
  title = g_strdup_printf (_("5-hour block %s–%s"), start, end);
  cost = cm_format_money (block->totals.cost);
  per_hour = cm_format_money (rate.cost_per_hour);
  tokens = cm_format_compact ((gint64) llround (rate.tokens_per_minute));
  left = cm_usage_format_countdown (rate.remaining_ms);
  projected = cm_format_money (rate.projected_cost);
  /* TRANSLATORS: the block's burn rate, time left and projection */
  detail = g_strdup_printf (_("%s/h · %s tokens/min · %s left\nProjected %s by %s"),
                            per_hour, tokens, left, projected, end);

  gtk_label_set_text (self->block_title, title);
  gtk_label_set_text (self->block_cost_label, cost);
  gtk_label_set_text (self->block_detail_label, detail);
  gtk_level_bar_set_value (self->block_bar,
                           CLAMP ((double) (now_ms - block->start_ms) / (double) CM_BLOCK_MS, 0, 1));
}

/* One window: "5-hour window: 42 % used, resets in 1 h 07 min". */
static gboolean
update_window (CmUsageCard  *self,
               CmPlanWindow  window,
               GtkLabel     *label,
               GtkLevelBar  *bar)
{
  gint64 now_ms = cm_plan_monitor_get_now (self->monitor);
  g_autofree char *left = NULL;
  g_autofree char *text = NULL;
  gint64 reset_ms;
  double percent;
  gboolean known = cm_plan_monitor_get_window (self->monitor, window, &percent, &reset_ms);

  gtk_widget_set_visible (GTK_WIDGET (label), known);
  gtk_widget_set_visible (GTK_WIDGET (bar), known);
  if (!known)
    return FALSE;

  left = cm_usage_format_countdown (reset_ms - now_ms);
  text = g_strdup_printf (window == CM_PLAN_WINDOW_FIVE_HOUR
                            ? _("5-hour window: %d %% used, resets in %s")
                            : _("Weekly window: %d %% used, resets in %s"),
                          (int) floor (percent), left);
  gtk_label_set_text (label, text);
  gtk_level_bar_set_value (bar, CLAMP (percent / 100.0, 0, 1));
  set_level_class (GTK_WIDGET (bar), cm_plan_monitor_get_level (self->monitor, window));
  set_level_class (GTK_WIDGET (label), cm_plan_monitor_get_level (self->monitor, window));

  return TRUE;
}

static void
update_plan (CmUsageCard *self)
{
  gint64 observed = cm_plan_monitor_get_observed (self->monitor);
  gint64 now_ms = cm_plan_monitor_get_now (self->monitor);
  gboolean five = update_window (self, CM_PLAN_WINDOW_FIVE_HOUR, self->five_hour_label, self->five_hour_bar);
  gboolean week = update_window (self, CM_PLAN_WINDOW_SEVEN_DAY, self->seven_day_label, self->seven_day_bar);
  g_autofree char *age = NULL;
  g_autofree char *note = NULL;

  gtk_widget_set_visible (self->windows_box, five || week);
  gtk_widget_set_visible (self->install_button, observed == 0);

  if (observed == 0)
    {
      gtk_label_set_text (self->plan_note_label,
                          _("No plan data yet: install the status line. Claude Code then reports your plan’s "
                            "5-hour and weekly windows to CostMeter on every refresh."));
      return;
    }

  age = cm_usage_format_countdown (now_ms - observed);
  if ((five || week) && now_ms - observed < 60 * 1000)
    note = g_strdup (_("As Claude Code’s status line reported them just now."));
  else if (five || week)
    /* TRANSLATORS: how old the status line's last reading is: "3 min", "2 h 05 min" */
    note = g_strdup_printf (_("As Claude Code’s status line reported them %s ago."), age);
  else
    note = g_strdup_printf (_("No plan window is running: the last reading, %s ago, has reset since or "
                              "had none (API keys have no plan windows)."), age);
  gtk_label_set_text (self->plan_note_label, note);
}

static void
monitor_updated_cb (CmUsageCard *self)
{
  update_block (self);
  update_plan (self);
}

static void
cm_usage_card_dispose (GObject *object)
{
  CmUsageCard *self = CM_USAGE_CARD (object);

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (cm_usage_card_parent_class)->dispose (object);
}

static void
cm_usage_card_class_init (CmUsageCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_usage_card_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-usage-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, block_title);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, block_cost_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, block_bar);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, block_detail_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, windows_box);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, five_hour_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, five_hour_bar);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, seven_day_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, seven_day_bar);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, plan_note_label);
  gtk_widget_class_bind_template_child (widget_class, CmUsageCard, install_button);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cm_usage_card_init (CmUsageCard *self)
{
  GtkLevelBar *bars[3];

  gtk_widget_init_template (GTK_WIDGET (self));

  /* Colours from style.css by level, not Adwaita's offsets (which colour a
   * full bar as good). */
  bars[0] = self->block_bar;
  bars[1] = self->five_hour_bar;
  bars[2] = self->seven_day_bar;
  for (guint i = 0; i < G_N_ELEMENTS (bars); i++)
    {
      gtk_level_bar_remove_offset_value (bars[i], GTK_LEVEL_BAR_OFFSET_LOW);
      gtk_level_bar_remove_offset_value (bars[i], GTK_LEVEL_BAR_OFFSET_HIGH);
      gtk_level_bar_remove_offset_value (bars[i], GTK_LEVEL_BAR_OFFSET_FULL);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Usage"), -1);
  gtk_label_set_text (self->block_title, _("No 5-hour block running"));
  gtk_widget_set_visible (self->windows_box, FALSE);
}

void
cm_usage_card_set_monitor (CmUsageCard   *self,
                           CmPlanMonitor *monitor)
{
  g_return_if_fail (CM_IS_USAGE_CARD (self));
  g_return_if_fail (monitor == NULL || CM_IS_PLAN_MONITOR (monitor));

  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  g_set_object (&self->monitor, monitor);
  if (monitor == NULL)
    return;

  g_signal_connect_swapped (monitor, "updated", G_CALLBACK (monitor_updated_cb), self);
  monitor_updated_cb (self);
}

static void
append_label (GString  *text,
              GtkLabel *label)
{
  if (gtk_widget_get_visible (GTK_WIDGET (label)) && *gtk_label_get_text (label) != '\0')
    g_string_append_printf (text, "%s\n", gtk_label_get_text (label));
}

char *
cm_usage_card_dup_text (CmUsageCard *self)
{
  GString *text = g_string_new (NULL);

  g_return_val_if_fail (CM_IS_USAGE_CARD (self), NULL);

  append_label (text, self->block_title);
  append_label (text, self->block_cost_label);
  append_label (text, self->block_detail_label);
  if (gtk_widget_get_visible (self->windows_box))
    {
      append_label (text, self->five_hour_label);
      append_label (text, self->seven_day_label);
    }
  append_label (text, self->plan_note_label);

  return g_string_free (text, FALSE);
}

gboolean
cm_usage_card_get_plan_empty (CmUsageCard *self)
{
  g_return_val_if_fail (CM_IS_USAGE_CARD (self), FALSE);

  return gtk_widget_get_visible (self->install_button);
}

gboolean
cm_usage_plan_headroom (CmPlanMonitor *monitor,
                        double        *headroom)
{
  gboolean any = FALSE;

  g_return_val_if_fail (CM_IS_PLAN_MONITOR (monitor), FALSE);

  *headroom = 1;
  for (CmPlanWindow w = 0; w < CM_N_PLAN_WINDOWS; w++)
    {
      double percent;

      if (!cm_plan_monitor_get_window (monitor, w, &percent, NULL))
        continue;
      *headroom = MIN (*headroom, CLAMP (1 - percent / 100, 0, 1));
      any = TRUE;
    }

  return any;
}

guint
cm_usage_append_plan_rows (CmPlanMonitor *monitor,
                           GtkListBox    *list)
{
  gint64 now_ms = cm_plan_monitor_get_now (monitor);
  guint n = 0;

  for (CmPlanWindow w = 0; w < CM_N_PLAN_WINDOWS; w++)
    {
      g_autofree char *left = NULL;
      g_autofree char *subtitle = NULL;
      g_autofree char *pct = NULL;
      GtkWidget *row, *suffix;
      double percent;
      gint64 reset_ms;

      if (!cm_plan_monitor_get_window (monitor, w, &percent, &reset_ms))
        continue;

      left = cm_usage_format_countdown (reset_ms - now_ms);
      /* TRANSLATORS: a plan window in the rate-limit popover */
      subtitle = g_strdup_printf (_("%d %% used, resets in %s"), (int) floor (percent), left);
      pct = g_strdup_printf (_("%d %%"), (int) (CLAMP (100 - percent, 0, 100) + 0.5));
      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), w == CM_PLAN_WINDOW_FIVE_HOUR
                                                                ? _("5-hour plan window")
                                                                : _("Weekly plan window"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      suffix = gtk_label_new (pct);
      gtk_widget_add_css_class (suffix, "numeric");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);
      gtk_list_box_append (list, row);
      n++;
    }

  return n;
}
