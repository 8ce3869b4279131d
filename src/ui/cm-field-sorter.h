/* cm-field-sorter.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define CM_TYPE_FIELD_SORTER (cm_field_sorter_get_type ())

G_DECLARE_FINAL_TYPE (CmFieldSorter, cm_field_sorter, CM, FIELD_SORTER, GtkSorter)

/* Sorts row objects (CmGroupItem, CmSessionItem, CmMessageItem) by a
 * number they hold, reading the struct member: a property expression
 * would copy a GValue per item, which sorting every session of a long
 * history feels. %NULL if @item_type has no such field. */
CmFieldSorter *cm_field_sorter_new            (GType          item_type,
                                               const char    *field);
const char    *cm_field_sorter_get_field      (CmFieldSorter *self);
/* Largest first when ascending is asked for: the first click ranks. */
gboolean       cm_field_sorter_get_descending (CmFieldSorter *self);
void           cm_field_sorter_set_descending (CmFieldSorter *self,
                                               gboolean       descending);

G_END_DECLS
