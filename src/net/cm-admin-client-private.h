/* cm-admin-client-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-admin-client.h"

G_BEGIN_DECLS

/* Tests shrink the interval's minute and the backoff's second to a few
 * milliseconds, and fix the clock "today" and "final" are measured from
 * (0: the real one). */
void cm_admin_client_set_minute_ms (CmAdminClient *self,
                                    guint          minute_ms);
void cm_admin_client_set_second_ms (CmAdminClient *self,
                                    guint          second_ms);
void cm_admin_client_set_now_ms    (CmAdminClient *self,
                                    gint64         now_ms);

G_END_DECLS
