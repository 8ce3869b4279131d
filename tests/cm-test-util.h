/* cm-test-util.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

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

/* From now on every log line (debug ones too: G_MESSAGES_DEBUG=all) is
 * kept in the returned string as "FIELD=value" lines; warnings and worse
 * still reach the default writer, so they fail the test. Once per program. */
GString    *cm_test_capture_logs (void);
/* Runs @argv from @launcher (which pipes stdout and stderr) while this
 * process keeps its main context going (it may be serving HTTP); returns the
 * exit status and the output. */
int         cm_test_spawn        (GSubprocessLauncher *launcher,
                                  const char * const  *argv,
                                  char               **out,
                                  char               **err);

G_END_DECLS
