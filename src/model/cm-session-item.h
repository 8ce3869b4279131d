/* cm-session-item.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cm-query.h"

G_BEGIN_DECLS

#define CM_TYPE_SESSION_ITEM (cm_session_item_get_type ())

G_DECLARE_FINAL_TYPE (CmSessionItem, cm_session_item, CM, SESSION_ITEM, GObject)

/* One session: project, user, start, duration, models and its figures.
 * The row's strings are GRefStrings (as every CmSessionRow's). */
CmSessionItem  *cm_session_item_new            (const CmSessionRow *row);
void            cm_session_item_set_row        (CmSessionItem      *self,
                                                const CmSessionRow *row);
CmSessionItem  *cm_session_item_copy           (CmSessionItem      *self);
/* A Total row ("total" TRUE, no session) with @totals. */
CmSessionItem  *cm_session_item_new_total      (const CmTotals     *totals);
const char     *cm_session_item_get_session_id (CmSessionItem      *self);
const char     *cm_session_item_get_project    (CmSessionItem      *self);
const char     *cm_session_item_get_models     (CmSessionItem      *self);
const CmTotals *cm_session_item_get_totals     (CmSessionItem      *self);

G_END_DECLS
