/* cm-cost-chart.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cm-types.h"

G_BEGIN_DECLS

#define CM_TYPE_COST_CHART (cm_cost_chart_get_type ())

G_DECLARE_FINAL_TYPE (CmCostChart, cm_cost_chart, CM, COST_CHART, GtkWidget)

/* Cost per day as stacked bars. The model holds CmGroupItem rows keyed by day
 * ("YYYY-MM-DD") with the series (a backend or a model) in key2. */
GtkWidget  *cm_cost_chart_new              (void);
GListModel *cm_cost_chart_get_model        (CmCostChart *self);
void        cm_cost_chart_set_model        (CmCostChart *self,
                                            GListModel  *model);
/* "backend" or "model": how series are named, ordered and coloured. */
const char *cm_cost_chart_get_stack        (CmCostChart *self);
void        cm_cost_chart_set_stack        (CmCostChart *self,
                                            const char  *stack);
guint       cm_cost_chart_get_n_days       (CmCostChart *self);
guint       cm_cost_chart_get_n_series     (CmCostChart *self);
const char *cm_cost_chart_get_series_label (CmCostChart *self,
                                            guint        series);
void        cm_cost_chart_get_series_color (CmCostChart *self,
                                            guint        series,
                                            GdkRGBA     *color);
/* The tooltip text for one day (markup). */
char       *cm_cost_chart_dup_day_text     (CmCostChart *self,
                                            guint        day);
/* "YYYY-MM-DD" of day @day (0 = the first shown). */
const char *cm_cost_chart_get_day          (CmCostChart *self,
                                            guint        day);
/* The keyboard cursor (what a screen reader says is the day under it and
 * its dollars); -1 before the chart had the focus. */
int         cm_cost_chart_get_selected_day (CmCostChart *self);
void        cm_cost_chart_select_day       (CmCostChart *self,
                                            int          day);
/* The daily budget, drawn as a line across the days (0: none). */
CmMoney     cm_cost_chart_get_budget       (CmCostChart *self);
void        cm_cost_chart_set_budget       (CmCostChart *self,
                                            CmMoney      budget);
/* Every model of the store (any order that does not change with the
 * filter): a model's colour follows its place here, so it keeps it when
 * the filter changes. */
void        cm_cost_chart_set_known_models (CmCostChart        *self,
                                            const char * const *models);
/* While TRUE the chart keeps what it draws, whatever its model or stacking
 * do: the model it was given is not read yet. FALSE draws the model. */
gboolean    cm_cost_chart_get_waiting      (CmCostChart *self);
void        cm_cost_chart_set_waiting      (CmCostChart *self,
                                            gboolean     waiting);
/* The colour of the axis labels (over the window's background). */
void        cm_cost_chart_get_text_color   (CmCostChart *self,
                                            GdkRGBA     *color);

G_END_DECLS
