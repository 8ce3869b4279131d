/* cm-session-detail.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-export.h"
#include "cm-report.h"
#include "cm-session-item.h"

G_BEGIN_DECLS

#define CM_TYPE_SESSION_DETAIL (cm_session_detail_get_type ())

G_DECLARE_FINAL_TYPE (CmSessionDetail, cm_session_detail, CM, SESSION_DETAIL, AdwBin)

/* The messages of one session: time, model, each token type, each cost type,
 * cache-hit ratio. Emits "back" when the user leaves it. */
void                  cm_session_detail_show       (CmSessionDetail *self,
                                                    CmReport        *report,
                                                    CmSessionItem   *session);
CmSessionItem        *cm_session_detail_get_session (CmSessionDetail *self);
GtkColumnView        *cm_session_detail_get_view   (CmSessionDetail *self);
GListModel           *cm_session_detail_get_rows   (CmSessionDetail *self);
gboolean              cm_session_detail_get_loading (CmSessionDetail *self);
const CmExportColumn *cm_session_detail_get_export (guint           *n_columns);

G_END_DECLS
