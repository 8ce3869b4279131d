/* cm-filter.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-query.h"

G_BEGIN_DECLS

#define CM_TYPE_FILTER (cm_filter_get_type ())

G_DECLARE_FINAL_TYPE (CmFilter, cm_filter, CM, FILTER, GObject)

/* The one app-wide filter: every card, chart and table follows it. "changed"
 * is emitted after any property changed. */
CmFilter      *cm_filter_new                      (void);

const char    *cm_filter_get_date_range           (CmFilter            *self);
void           cm_filter_set_date_range           (CmFilter            *self,
                                                   const char          *preset);
const char    *cm_filter_get_since                (CmFilter            *self);
void           cm_filter_set_since                (CmFilter            *self,
                                                   const char          *since);
const char    *cm_filter_get_until                (CmFilter            *self);
void           cm_filter_set_until                (CmFilter            *self,
                                                   const char          *until);
const char    *cm_filter_get_timezone             (CmFilter            *self);
void           cm_filter_set_timezone             (CmFilter            *self,
                                                   const char          *timezone);
const char    *cm_filter_get_project              (CmFilter            *self);
void           cm_filter_set_project              (CmFilter            *self,
                                                   const char          *project);
/* NULL = all models; an empty vector = none. */
const char * const *cm_filter_get_models          (CmFilter            *self);
gboolean       cm_filter_get_models_set           (CmFilter            *self);
void           cm_filter_set_models               (CmFilter            *self,
                                                   const char * const  *models);
void           cm_filter_reset_models             (CmFilter            *self);
gboolean       cm_filter_includes_model           (CmFilter            *self,
                                                   const char          *model);
guint          cm_filter_get_backends             (CmFilter            *self);
void           cm_filter_set_backends             (CmFilter            *self,
                                                   guint                mask);
const char * const *cm_filter_get_users           (CmFilter            *self);
void           cm_filter_set_users                (CmFilter            *self,
                                                   const char * const  *users);
void           cm_filter_reset                    (CmFilter            *self);

/* Binds date-range, date-since, date-until and timezone to @settings. */
void           cm_filter_bind_settings            (CmFilter            *self,
                                                   GSettings           *settings);

/* Tests pin "now"; NULL returns to the clock. */
void           cm_filter_set_now                  (CmFilter            *self,
                                                   GDateTime           *now);
/* Today as "YYYY-MM-DD" in the filter's time zone. */
char          *cm_filter_dup_today                (CmFilter            *self);
/* The day range a preset means now, NULL for an open end. */
void           cm_filter_preset_range             (CmFilter            *self,
                                                   const char          *preset,
                                                   char               **since,
                                                   char               **until);
/* The query filter for the current settings (dates resolved from the preset). */
CmQueryFilter *cm_filter_dup_query_filter         (CmFilter            *self);
/* The same but with the dates of @preset (cards: today, 7 days, month). */
CmQueryFilter *cm_filter_dup_query_filter_for     (CmFilter            *self,
                                                   const char          *preset);

/* "Opus", "Sonnet", "Haiku" or "Other": how model chips are grouped. */
const char    *cm_model_family                    (const char          *model);

G_END_DECLS
