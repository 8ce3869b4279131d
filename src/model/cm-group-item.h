/* cm-group-item.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cm-query.h"

G_BEGIN_DECLS

#define CM_TYPE_GROUP_ITEM (cm_group_item_get_type ())

G_DECLARE_FINAL_TYPE (CmGroupItem, cm_group_item, CM, GROUP_ITEM, GObject)

/* One grouped row (a model, a user, a backend, a day...) with every token and
 * cost figure as a read-only property. Immutable once it is in a list. */
CmGroupItem    *cm_group_item_new              (const char     *key,
                                                const char     *key2,
                                                const char     *label,
                                                const CmTotals *totals);
const char     *cm_group_item_get_key          (CmGroupItem    *self);
const char     *cm_group_item_get_key2         (CmGroupItem    *self);
const char     *cm_group_item_get_label        (CmGroupItem    *self);
/* A model row's speed ("standard", "fast"); NULL on rows of other things. */
const char     *cm_group_item_get_speed        (CmGroupItem    *self);
const CmTotals *cm_group_item_get_totals       (CmGroupItem    *self);
CmMoney         cm_group_item_get_cost         (CmGroupItem    *self);
double          cm_group_item_get_share        (CmGroupItem    *self);
gboolean        cm_group_item_get_muted        (CmGroupItem    *self);
CmMoney         cm_group_item_get_backend_cost (CmGroupItem    *self,
                                                CmBackend       backend);
/* The Total row of a table ("total" TRUE): the sum of @items (CmGroupItem),
 * shares and backend parts too. */
CmGroupItem    *cm_group_item_new_total        (GPtrArray      *items);
gboolean        cm_group_item_get_total        (CmGroupItem    *self);

/* Builders: only before the item is shown. */
void            cm_group_item_add_totals       (CmGroupItem    *self,
                                                const CmTotals *totals);
void            cm_group_item_set_speed        (CmGroupItem    *self,
                                                const char     *speed);
void            cm_group_item_set_share        (CmGroupItem    *self,
                                                double          share);
void            cm_group_item_set_muted        (CmGroupItem    *self,
                                                gboolean        muted);
void            cm_group_item_add_backend      (CmGroupItem    *self,
                                                CmBackend       backend,
                                                const CmTotals *totals);

G_END_DECLS
