/* cm-ratelimit-client-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-ratelimit-client.h"

G_BEGIN_DECLS

/* Shared by the client (cm-ratelimit-client.c) and the reading of its
 * responses (cm-ratelimit-response.c). */

/* A result with nothing observed yet, stamped now. */
CmRatelimitResult *cm_ratelimit_result_new        (const char         *model);
/* Header @name when it is a short printable ASCII identifier; otherwise
 * NULL, and a value that is there but unusable counts in @n_malformed. */
char              *cm_ratelimit_parse_identifier  (SoupMessageHeaders *headers,
                                                   const char         *name,
                                                   guint              *n_malformed);

/* Tests shrink the probe interval's minute to a few milliseconds. */
void cm_ratelimit_client_set_minute_ms (CmRatelimitClient *self,
                                        guint              minute_ms);

G_END_DECLS
