/* cm-bench-util.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the benchmark harnesses share.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A field of /proc/self/status ("VmRSS:", "VmHWM:") in KiB, or -1. */
long cm_bench_status_kb (const char *field);

G_END_DECLS
