/* cm-a11y.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Screen readers read the focused widget. A GtkMenuButton or GtkDropDown
 * takes the focus on an inner toggle button that GTK 4.8 leaves nameless:
 * @name goes on both. Other widgets get @name as their label. */
void cm_a11y_set_name        (GtkWidget  *control,
                              const char *name);
/* GTK 4.8 names a button with a mnemonic twice: by its label property,
 * underscore and all ("_Reset"), and by a labelled-by relation to its
 * label. Every such button under @root keeps one name, without the
 * underscore. Call after the widgets are built. */
void cm_a11y_fix_mnemonics   (GtkWidget  *root);

G_END_DECLS
