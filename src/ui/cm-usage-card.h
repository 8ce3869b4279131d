/* cm-usage-card.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cm-plan-monitor.h"

G_BEGIN_DECLS

#define CM_TYPE_USAGE_CARD (cm_usage_card_get_type ())

G_DECLARE_FINAL_TYPE (CmUsageCard, cm_usage_card, CM, USAGE_CARD, GtkBox)

/* Overview's Usage card: the 5-hour block running now (cost so far, burn
 * rate, projection at its end, time left, how much of it is gone) and the
 * plan's 5-hour and weekly windows as Claude Code's status line last
 * reported them, with their reset countdowns and the reading's age; without
 * a reading, how to get one. Follows @monitor. */
void           cm_usage_card_set_monitor   (CmUsageCard   *self,
                                            CmPlanMonitor *monitor);
/* Every line shown, one per line (tests). */
char          *cm_usage_card_dup_text      (CmUsageCard   *self);
/* TRUE while the card says there is no plan reading yet. */
gboolean       cm_usage_card_get_plan_empty (CmUsageCard  *self);

/* What the plan's tighter running window leaves, 0..1 (the header chip
 * folds it into the API headroom); FALSE when none runs. */
gboolean       cm_usage_plan_headroom      (CmPlanMonitor *monitor,
                                            double        *headroom);
/* One row per running plan window for the chip's popover (appended to
 * @list); how many. */
guint          cm_usage_append_plan_rows   (CmPlanMonitor *monitor,
                                            GtkListBox    *list);

/* "37 min", "2 h 13 min", "3 d 4 h": a countdown. */
char          *cm_usage_format_countdown   (gint64         ms);

G_END_DECLS
