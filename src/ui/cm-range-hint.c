/* cm-range-hint.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-a11y.h"
#include "cm-range-hint.h"

struct _CmRangeHint
{
  AdwBin     parent_instance;

  GtkLabel  *label;
  GtkButton *all_button;

  CmReport  *report;
};

G_DEFINE_FINAL_TYPE (CmRangeHint, cm_range_hint, ADW_TYPE_BIN)

/* The day of @ms in the filter's time zone, as the locale writes it. */
static char *
format_day (CmReport *report,
            gint64    ms)
{
  const char *zone_name = cm_filter_get_timezone (cm_report_get_filter (report));
  g_autoptr(GTimeZone) zone = zone_name != NULL && *zone_name != '\0' ? g_time_zone_new_identifier (zone_name) : NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = zone != NULL ? g_date_time_to_timezone (utc, zone) : g_date_time_to_local (utc);

  /* Translators: a day in "Your transcripts are from %s to %s" (strftime). */
  return g_date_time_format (local, C_("range hint day", "%B %-d, %Y"));
}

static gboolean
should_show (CmReport *report)
{
  CmGroupItem *range = cm_report_get_totals (report, CM_PERIOD_RANGE);

  return cm_report_get_serial (report) > 0 && cm_report_get_error (report) == NULL &&
         !cm_report_get_store_empty (report) && range != NULL &&
         cm_group_item_get_totals (range)->messages == 0 &&
         g_strcmp0 (cm_filter_get_date_range (cm_report_get_filter (report)), "all") != 0;
}

static void
update (CmRangeHint *self)
{
  gint64 first = 0, last = 0;
  g_autofree char *text = NULL;

  if (self->report == NULL || !should_show (self->report))
    {
      gtk_widget_set_visible (GTK_WIDGET (self), FALSE);
      gtk_label_set_label (self->label, "");
      return;
    }

  if (cm_report_get_extent (self->report, &first, &last))
    {
      g_autofree char *from = format_day (self->report, first);
      g_autofree char *to = format_day (self->report, last);

      if (g_str_equal (from, to))
        /* Translators: the one day all transcripts are from. */
        text = g_strdup_printf (_("Nothing in these days. Your transcripts are from %s."), from);
      else
        text = g_strdup_printf (_("Nothing in these days. Your transcripts are from %s to %s."), from, to);
    }
  else
    text = g_strdup (_("Nothing in these days, though transcripts were read."));

  gtk_label_set_label (self->label, text);
  gtk_widget_set_visible (GTK_WIDGET (self), TRUE);
}

static void
show_all_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CmRangeHint *self = CM_RANGE_HINT (widget);

  if (self->report != NULL)
    cm_filter_set_date_range (cm_report_get_filter (self->report), "all");
}

static void
cm_range_hint_dispose (GObject *object)
{
  CmRangeHint *self = CM_RANGE_HINT (object);

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_clear_object (&self->report);
  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_RANGE_HINT);

  G_OBJECT_CLASS (cm_range_hint_parent_class)->dispose (object);
}

static void
cm_range_hint_class_init (CmRangeHintClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_range_hint_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-range-hint.ui");
  gtk_widget_class_bind_template_child (widget_class, CmRangeHint, label);
  gtk_widget_class_bind_template_child (widget_class, CmRangeHint, all_button);
  gtk_widget_class_install_action (widget_class, "hint.show-all", NULL, show_all_action);
}

static void
cm_range_hint_init (CmRangeHint *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cm_a11y_fix_mnemonics (GTK_WIDGET (self));
}

void
cm_range_hint_set_report (CmRangeHint *self,
                          CmReport    *report)
{
  g_return_if_fail (CM_IS_RANGE_HINT (self));
  g_return_if_fail (report == NULL || CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_set_object (&self->report, report);
  if (report != NULL)
    g_signal_connect_swapped (report, "updated", G_CALLBACK (update), self);
  update (self);
}

const char *
cm_range_hint_get_text (CmRangeHint *self)
{
  g_return_val_if_fail (CM_IS_RANGE_HINT (self), NULL);

  return gtk_label_get_label (self->label);
}
