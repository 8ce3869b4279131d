/* cm-test-util.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* ../shared/fixtures (from $CM_FIXTURES_DIR); the test is skipped without it. */
const char *cm_test_fixtures_dir (void);
/* A fresh temporary folder, removed with its contents at exit. */
char       *cm_test_make_tmpdir  (const char *name);
void        cm_test_rm_rf        (const char *path);
/* Writes @contents to @path, creating parent folders. */
void        cm_test_write_file   (const char *path,
                                  const char *contents,
                                  gssize      len);
void        cm_test_append_file  (const char *path,
                                  const char *contents);

G_END_DECLS
