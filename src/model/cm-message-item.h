/* cm-message-item.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-query.h"

G_BEGIN_DECLS

#define CM_TYPE_MESSAGE_ITEM (cm_message_item_get_type ())

G_DECLARE_FINAL_TYPE (CmMessageItem, cm_message_item, CM, MESSAGE_ITEM, GObject)

/* One deduplicated message of a session: each token type, each cost type. */
CmMessageItem *cm_message_item_new          (const CmMessageRow *row);
/* A Total row ("total" TRUE) of @messages (CmMessageItem). */
CmMessageItem *cm_message_item_new_total    (GListModel         *messages);
const char    *cm_message_item_get_model    (CmMessageItem      *self);
CmBackend      cm_message_item_get_backend  (CmMessageItem      *self);
gint64         cm_message_item_get_time_ms  (CmMessageItem      *self);
const CmUsage *cm_message_item_get_usage    (CmMessageItem      *self);
const CmCost  *cm_message_item_get_cost     (CmMessageItem      *self);
gboolean       cm_message_item_get_priced   (CmMessageItem      *self);

G_END_DECLS
