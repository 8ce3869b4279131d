/* cm-wrap-box.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CM_TYPE_WRAP_BOX (cm_wrap_box_get_type ())

G_DECLARE_FINAL_TYPE (CmWrapBox, cm_wrap_box, CM, WRAP_BOX, GtkWidget)

/* A row of controls that breaks when the window is narrow: all children on
 * one line when their natural widths fit, else the first one (a search
 * entry) on a line of its own and the others wrapped after it. Children
 * that expand share what a line has left. (libadwaita 1.2 has no
 * breakpoints; GtkFlowBox lines children up in columns.) Add children in a
 * .ui file or with cm_wrap_box_append(). */
GtkWidget *cm_wrap_box_new         (void);
void       cm_wrap_box_append      (CmWrapBox *self,
                                    GtkWidget *child);
int        cm_wrap_box_get_spacing (CmWrapBox *self);
void       cm_wrap_box_set_spacing (CmWrapBox *self,
                                    int        spacing);
/* How many lines the last allocation used (tests). */
guint      cm_wrap_box_get_n_lines (CmWrapBox *self);

G_END_DECLS
