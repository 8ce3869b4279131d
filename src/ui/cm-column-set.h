/* cm-column-set.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Which columns a table shows at a width (libadwaita 1.2 has no
 * breakpoints): each column has a priority, 0 for those always shown (the
 * name and Cost), higher for those that give way first. At each width the
 * columns that fit stay, the others hide, and wide text columns narrow
 * first. */
void  cm_column_set_priority (GtkColumnViewColumn *column,
                              guint                priority);
guint cm_column_set_get_priority (GtkColumnViewColumn *column);
/* Returns TRUE when the set of columns shown changed. */
gboolean cm_column_set_fit   (GtkColumnView       *view,
                              int                  width);
/* Gives @bin (a widget with one child, holding @view) a layout that fits
 * @view's columns to @bin's width each time it is allocated. */
void  cm_column_set_follow_width (GtkWidget        *bin,
                                  GtkColumnView    *view);

G_END_DECLS
