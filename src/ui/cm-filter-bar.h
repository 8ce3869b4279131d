/* cm-filter-bar.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cm-report.h"

G_BEGIN_DECLS

#define CM_TYPE_FILTER_BAR (cm_filter_bar_get_type ())

G_DECLARE_FINAL_TYPE (CmFilterBar, cm_filter_bar, CM, FILTER_BAR, GtkBox)

/* Project, date range (presets and custom), model chips grouped by family,
 * backends: edits the report's filter, which every view follows. */
void             cm_filter_bar_set_report       (CmFilterBar *self,
                                                 CmReport    *report);
/* The chip of @model, or NULL. */
GtkToggleButton *cm_filter_bar_get_chip         (CmFilterBar *self,
                                                 const char  *model);
GtkCheckButton  *cm_filter_bar_get_backend_check (CmFilterBar *self,
                                                 CmBackend    backend);
GtkWidget       *cm_filter_bar_get_project_entry (CmFilterBar *self);
void             cm_filter_bar_reset_models     (CmFilterBar *self);

G_END_DECLS
