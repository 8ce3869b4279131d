/* cm-range-hint.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-report.h"

G_BEGIN_DECLS

#define CM_TYPE_RANGE_HINT (cm_range_hint_get_type ())

G_DECLARE_FINAL_TYPE (CmRangeHint, cm_range_hint, CM, RANGE_HINT, AdwBin)

/* A line under the header when the store holds messages but none in the
 * selected days (a first folder whose runs are older than "Last 30 days"):
 * it says when the transcripts are from and offers Show All Time. Hidden
 * otherwise. */
void         cm_range_hint_set_report (CmRangeHint *self,
                                       CmReport    *report);
/* What it says now ("" when hidden), for tests. */
const char  *cm_range_hint_get_text   (CmRangeHint *self);

G_END_DECLS
