/* cm-test-schema.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Turns the closed database at @db_path back into its schema 5 form (before
 * the billing modes): the messages without them, the rollups without the
 * speed (summed over it), no triggers (each later step makes its own). */
void cm_test_revert_billing_modes (const char *db_path);

G_END_DECLS
