/* cm-application-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * For tests and benchmarks: the folder monitors and the periodic rescan.
 */

#pragma once

#include "cm-application.h"
#include "cm-folder-watch.h"

G_BEGIN_DECLS

/* Set its cap before the application starts to watch fewer folders. */
CmFolderWatch *cm_application_get_folder_watch             (CmApplication *self);
/* Seconds until the rescan for the folders without a monitor; 0 when none is due. */
guint          cm_application_get_periodic_rescan_interval (CmApplication *self);
/* How many transcripts the last scan looked at (a live update: the changed
 * ones only). */
guint          cm_application_get_last_files_seen          (CmApplication *self);
/* That rescan, now (after the running scan when one runs). */
void           cm_application_run_periodic_rescan          (CmApplication *self);

G_END_DECLS
