/* cm-cli-statusline.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-query.h"

G_BEGIN_DECLS

/* `costmeter-cli statusline` (and `costmeter-statusline`): reads Claude
 * Code's status-line JSON on standard input, records its plan windows
 * (unless !@record) and prints the line, followed by what @chain_command
 * (NULL: the status line CostMeter's replaced) prints on the same input. */
int cm_cli_statusline (const char          *db_path,
                       const CmQueryFilter *filter,
                       gint64               now_ms,
                       const char          *chain_command,
                       gboolean             record);

G_END_DECLS
