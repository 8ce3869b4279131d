/* cm-ratelimit-chip.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "cm-plan-monitor.h"

#include "cm-ratelimit-client.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_HEADROOM_UNKNOWN,   /* nothing recent observed */
  CM_HEADROOM_OK,        /* at least half of the tightest limit left */
  CM_HEADROOM_LOW,       /* a fifth to a half left */
  CM_HEADROOM_CRITICAL,  /* less than a fifth left */
  CM_HEADROOM_LIMITED,   /* refused right now (429) */
} CmHeadroomLevel;

#define CM_TYPE_HEADROOM_LEVEL (cm_headroom_level_get_type ())
GType cm_headroom_level_get_type (void) G_GNUC_CONST;

/* Observations older than this do not count towards the chip. */
#define CM_RATELIMIT_CHIP_RECENT_MS (G_GINT64_CONSTANT (24) * 3600 * 1000)

/* What is left of one observed limit at @now_ms, 0..1, or -1 when unknown;
 * a limit whose reset time has passed is full again. @limited is set when the
 * observation is a refusal still in force. */
double          cm_ratelimit_observation_headroom (const CmRateLimitObservation *obs,
                                                   gint64                        now_ms,
                                                   gboolean                     *limited);
/* The tightest headroom over recent requests/tokens/input/output limits of
 * every model in @observations (CmRateLimitObservation). */
CmHeadroomLevel cm_ratelimit_compute_headroom     (GPtrArray                    *observations,
                                                   gint64                        now_ms,
                                                   double                       *headroom);

#define CM_TYPE_RATELIMIT_CHIP (cm_ratelimit_chip_get_type ())

G_DECLARE_FINAL_TYPE (CmRatelimitChip, cm_ratelimit_chip, CM, RATELIMIT_CHIP, GtkWidget)

GtkWidget         *cm_ratelimit_chip_new          (void);

CmStore           *cm_ratelimit_chip_get_store    (CmRatelimitChip   *self);
void               cm_ratelimit_chip_set_store    (CmRatelimitChip   *self,
                                                   CmStore           *store);
CmRatelimitClient *cm_ratelimit_chip_get_client   (CmRatelimitChip   *self);
void               cm_ratelimit_chip_set_client   (CmRatelimitChip   *self,
                                                   CmRatelimitClient *client);
CmHeadroomLevel    cm_ratelimit_chip_get_level    (CmRatelimitChip   *self);
/* 0..1, or -1 when unknown. */
double             cm_ratelimit_chip_get_headroom (CmRatelimitChip   *self);
/* Re-reads the store now (it also does on the store's "changed"). */
void               cm_ratelimit_chip_refresh      (CmRatelimitChip   *self);
gboolean           cm_ratelimit_chip_get_compact  (CmRatelimitChip   *self);
GtkWidget         *cm_ratelimit_chip_get_shown    (CmRatelimitChip   *self);
void               cm_ratelimit_chip_set_compact  (CmRatelimitChip   *self,
                                                   gboolean           compact);
/* The plan's windows (Claude Code's status line) count too: the chip shows
 * the tightest of the API headroom and the plan windows. */
void               cm_ratelimit_chip_set_plan_monitor (CmRatelimitChip *self,
                                                       CmPlanMonitor   *monitor);

G_END_DECLS
