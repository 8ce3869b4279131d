/* cm-scanner.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-pricing.h"
#include "cm-store.h"

G_BEGIN_DECLS

typedef struct
{
  guint  files_seen;
  guint  files_read;        /* files with new bytes */
  guint  files_failed;      /* unreadable: skipped with a warning */
  gint64 bytes_read;
  gint64 lines_read;        /* complete lines consumed */
  gint64 records;           /* lines with usage */
  gint64 broken_lines;      /* complete lines that are not JSON */
  gint64 synthetic_lines;
  gint64 messages_added;    /* new deduplicated messages in the store */
  gint64 pending_files;     /* known files that end in an incomplete line ... */
  gint64 pending_bytes;     /* ... and its bytes, read once its newline comes */
} CmScanStats;

#define CM_TYPE_SCANNER (cm_scanner_get_type ())

G_DECLARE_FINAL_TYPE (CmScanner, cm_scanner, CM, SCANNER, GObject)

CmScanner *cm_scanner_new                 (CmStore        *store,
                                           CmPricing      *pricing);
CmStore   *cm_scanner_get_store           (CmScanner      *self);
CmPricing *cm_scanner_dup_pricing         (CmScanner      *self);
void       cm_scanner_set_pricing         (CmScanner      *self,
                                           CmPricing      *pricing);
/* Worker threads used for parsing (default: the number of cores). */
void       cm_scanner_set_n_threads       (CmScanner      *self,
                                           guint           n_threads);

/* Adds the default folders ($CLAUDE_CONFIG_DIR, else ~/.config/claude/projects
 * and ~/.claude/projects) as default sources of the store. */
gboolean   cm_scanner_add_default_sources (CmScanner      *self,
                                           GError        **error);

/* Reads the new complete lines of every file of every enabled source, then
 * emits "changed" on the store if anything changed. "progress" (a double in
 * [0, 1]) is notified on the scanner's main context while it runs. */
gboolean   cm_scanner_scan_sync           (CmScanner      *self,
                                           GCancellable   *cancellable,
                                           CmScanStats    *stats,
                                           GError        **error);
void       cm_scanner_scan_async          (CmScanner      *self,
                                           GCancellable   *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer        user_data);
gboolean   cm_scanner_scan_finish         (CmScanner      *self,
                                           GAsyncResult   *result,
                                           CmScanStats    *stats,
                                           GError        **error);
/* The same for some files only, and the folders given (walked): what live
 * updates read. Paths outside every enabled source are left alone; a named
 * file that is gone is marked so (its messages stay). cm_scanner_scan_finish()
 * ends the async one. */
gboolean   cm_scanner_scan_paths_sync     (CmScanner      *self,
                                           const char * const *paths,
                                           GCancellable   *cancellable,
                                           CmScanStats    *stats,
                                           GError        **error);
void       cm_scanner_scan_paths_async    (CmScanner      *self,
                                           const char * const *paths,
                                           GCancellable   *cancellable,
                                           GAsyncReadyCallback callback,
                                           gpointer        user_data);
gboolean   cm_scanner_get_busy            (CmScanner      *self);
double     cm_scanner_get_progress        (CmScanner      *self);

/* The folders whose files are read: one per enabled source, after resolving a
 * home or .claude folder to its projects folder. */
GStrv      cm_scanner_dup_roots           (CmScanner      *self);

G_END_DECLS
