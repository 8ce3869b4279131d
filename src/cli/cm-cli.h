/* cm-cli.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

/* `costmeter-cli ratelimits`; argv[0] is "ratelimits". */
int cm_cli_ratelimits (CmStore  *store,
                       int       argc,
                       char    **argv);

G_END_DECLS
