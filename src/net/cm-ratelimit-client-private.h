/* cm-ratelimit-client-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-ratelimit-client.h"

G_BEGIN_DECLS

/* Tests shrink the probe interval's minute to a few milliseconds. */
void cm_ratelimit_client_set_minute_ms (CmRatelimitClient *self,
                                        guint              minute_ms);

G_END_DECLS
