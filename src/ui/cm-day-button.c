/* cm-day-button.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <glib/gi18n.h>

#include "cm-a11y.h"
#include "cm-day-button.h"

struct _CmDayButton
{
  GtkWidget      parent_instance;

  GtkMenuButton *button;
  GtkCalendar   *calendar;
  GtkEditable   *editable;
  gboolean       syncing;
};

G_DEFINE_FINAL_TYPE (CmDayButton, cm_day_button, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_EDITABLE,
  PROP_NAME,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The field's day, or NULL when it holds none. */
static GDateTime *
field_day (CmDayButton *self)
{
  int y, m, d;
  char end;

  if (self->editable == NULL ||
      sscanf (gtk_editable_get_text (self->editable), "%4d-%2d-%2d%c", &y, &m, &d, &end) != 3)
    return NULL;

  return g_date_time_new_local (y, m, d, 0, 0, 0);
}

/* Opening shows the field's day. */
static void
active_cb (CmDayButton *self)
{
  g_autoptr(GDateTime) day = NULL;

  if ((day = field_day (self)) == NULL)
    return;

  self->syncing = TRUE;
  gtk_calendar_select_day (self->calendar, day);
  self->syncing = FALSE;
}

static void
day_selected_cb (CmDayButton *self)
{
  g_autoptr(GDateTime) day = gtk_calendar_get_date (self->calendar);
  g_autofree char *text = NULL;

  if (self->syncing || self->editable == NULL)
    return;

  text = g_date_time_format (day, "%Y-%m-%d");
  gtk_editable_set_text (self->editable, text);
  gtk_menu_button_popdown (self->button);
}

static void
cm_day_button_dispose (GObject *object)
{
  CmDayButton *self = CM_DAY_BUTTON (object);

  g_clear_pointer ((GtkWidget **) &self->button, gtk_widget_unparent);
  g_clear_object (&self->editable);

  G_OBJECT_CLASS (cm_day_button_parent_class)->dispose (object);
}

static void
cm_day_button_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CmDayButton *self = CM_DAY_BUTTON (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      g_value_set_object (value, self->editable);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_day_button_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CmDayButton *self = CM_DAY_BUTTON (object);

  switch (prop_id)
    {
    case PROP_EDITABLE:
      cm_day_button_set_editable (self, g_value_get_object (value));
      break;
    case PROP_NAME:
      cm_day_button_set_name (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_day_button_class_init (CmDayButtonClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_day_button_dispose;
  object_class->get_property = cm_day_button_get_property;
  object_class->set_property = cm_day_button_set_property;

  properties[PROP_EDITABLE] =
    g_param_spec_object ("editable", NULL, NULL, GTK_TYPE_EDITABLE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_NAME] =
    g_param_spec_string ("a11y-name", NULL, NULL, NULL,
                         G_PARAM_WRITABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "daybutton");
}

static void
cm_day_button_init (CmDayButton *self)
{
  GtkWidget *popover = gtk_popover_new ();

  self->calendar = GTK_CALENDAR (gtk_calendar_new ());
  gtk_popover_set_child (GTK_POPOVER (popover), GTK_WIDGET (self->calendar));
  g_signal_connect_swapped (self->calendar, "day-selected", G_CALLBACK (day_selected_cb), self);

  self->button = GTK_MENU_BUTTON (gtk_menu_button_new ());
  gtk_menu_button_set_icon_name (self->button, "x-office-calendar-symbolic");
  gtk_menu_button_set_popover (self->button, popover);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->button), _("Pick a Day"));
  gtk_widget_set_parent (GTK_WIDGET (self->button), GTK_WIDGET (self));
  g_signal_connect_swapped (popover, "show", G_CALLBACK (active_cb), self);
}

GtkWidget *
cm_day_button_new (void)
{
  return g_object_new (CM_TYPE_DAY_BUTTON, NULL);
}

GtkEditable *
cm_day_button_get_editable (CmDayButton *self)
{
  g_return_val_if_fail (CM_IS_DAY_BUTTON (self), NULL);

  return self->editable;
}

void
cm_day_button_set_editable (CmDayButton *self,
                            GtkEditable *editable)
{
  g_return_if_fail (CM_IS_DAY_BUTTON (self));
  g_return_if_fail (editable == NULL || GTK_IS_EDITABLE (editable));

  if (g_set_object (&self->editable, editable))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EDITABLE]);
}

void
cm_day_button_set_name (CmDayButton *self,
                        const char  *name)
{
  g_return_if_fail (CM_IS_DAY_BUTTON (self));

  cm_a11y_set_name (GTK_WIDGET (self->button), name);
}

GtkCalendar *
cm_day_button_get_calendar (CmDayButton *self)
{
  g_return_val_if_fail (CM_IS_DAY_BUTTON (self), NULL);

  return self->calendar;
}

GtkMenuButton *
cm_day_button_get_button (CmDayButton *self)
{
  g_return_val_if_fail (CM_IS_DAY_BUTTON (self), NULL);

  return self->button;
}
