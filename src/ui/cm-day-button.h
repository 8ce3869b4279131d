/* cm-day-button.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CM_TYPE_DAY_BUTTON (cm_day_button_get_type ())

G_DECLARE_FINAL_TYPE (CmDayButton, cm_day_button, CM, DAY_BUTTON, GtkWidget)

/* A calendar button for a day field: its popover's GtkCalendar opens on
 * the day the field holds ("YYYY-MM-DD") and writes the day picked into it.
 * The field stays for typing. */
GtkWidget   *cm_day_button_new          (void);
GtkEditable *cm_day_button_get_editable (CmDayButton *self);
void         cm_day_button_set_editable (CmDayButton *self,
                                         GtkEditable *editable);
/* What a screen reader calls the button ("Pick the first day"). */
void         cm_day_button_set_name     (CmDayButton *self,
                                         const char  *name);
GtkCalendar *cm_day_button_get_calendar (CmDayButton *self);
GtkMenuButton *cm_day_button_get_button (CmDayButton *self);

G_END_DECLS
