/* cm-session-list.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-query.h"

G_BEGIN_DECLS

#define CM_TYPE_SESSION_LIST (cm_session_list_get_type ())

G_DECLARE_FINAL_TYPE (CmSessionList, cm_session_list, CM, SESSION_LIST, GObject)

/* A GListModel of CmSessionItem over session rows: an item is made when it
 * is first asked for, so a list of many sessions costs the rows only. */
CmSessionList *cm_session_list_new        (void);
void           cm_session_list_set_rows   (CmSessionList *self,
                                           GPtrArray     *rows);
guint          cm_session_list_get_n_made (CmSessionList *self);

G_END_DECLS
