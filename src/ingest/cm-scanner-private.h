/* cm-scanner-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Shared by the parts of the scanner only. A scan walks the sources for the
 * files with new bytes (cm-scanner-walk.c); worker threads read and parse
 * them a chunk at a time (cm-scanner-read.c); the scanning thread alone
 * writes what they made to the store (cm-scanner-write.c); cm-scanner.c is
 * the object and runs those steps. */

#pragma once

#include "cm-scanner.h"
#include "cm-store-writer.h"

G_BEGIN_DECLS

struct _CmScanner
{
  GObject       parent_instance;

  CmStore      *store;
  GMutex        pricing_lock;
  CmPricing    *pricing;      /* under pricing_lock: scans read it from workers */
  GMainContext *context;
  guint         n_threads;

  gint          busy;
  double        progress;      /* under progress_lock */
  GMutex        progress_lock;
  gint          progress_pending;

  GStrv         roots;         /* from the last scan, under progress_lock */
};

/* One file with bytes not read yet: what the walk found of it, and what the
 * writer has stored. */
typedef struct
{
  CmFileState  state;          /* updated by the writer only */
  gint64       start_offset;
  gint64       size;           /* at enumeration */
  char        *user_email;
  char        *session_hint;
  char        *project_hint;
  gboolean     needs_reset;    /* counts restart from 0 */
  guint        dirty_txn;      /* the writer's transaction that writes its state */
  gint64       skipped;        /* broken lines this scan, with the first one's */
  const char  *skip_reason;    /* reason (a static string) and offset */
  gint64       skip_offset;
} FileJob;

/* A line with usage, and where it starts (part of its dedup key). */
typedef struct
{
  CmRecord  record;
  gint64    line_offset;
} Item;

/* What a worker made of a chunk of a file: its records, its broken and
 * synthetic lines, and the offset after its last complete line. */
typedef struct
{
  FileJob  *job;
  GArray   *items;             /* Item */
  gint64    end_offset;
  gint64    broken;
  const char *broken_reason;   /* of the first broken line (static) */
  gint64    broken_offset;
  gint64    synthetic;
  gint64    lines;
  gint64    bytes;
  gint64    fp;                /* fingerprint of the bytes before end_offset */
  gboolean  failed;
  char     *failure;
} ChunkResult;

/* One scan's workers and the queue of what they made. */
typedef struct
{
  CmScanner    *self;
  GPtrArray    *jobs;          /* FileJob, biggest first */
  gint          next_job;
  GAsyncQueue  *results;
  GMutex        lock;
  GCond         cond;
  guint         pending;       /* results queued, under lock */
  gint          stop;
  gint          threads_done;
  GCancellable *cancellable;
} ScanRun;

/* --- the scanner (cm-scanner.c) --- */
/* From any thread: notified on the scanner's own context. */
void         cm_scanner_set_progress        (CmScanner           *self,
                                             double               progress);

/* --- enumeration (cm-scanner-walk.c) --- */
void         cm_scan_job_free               (FileJob             *job);
/* The files to read into @jobs (FileJob, biggest first), of every enabled
 * source or only @paths; the stored files not found, of a source that was
 * walked, into @gone. */
gboolean     cm_scanner_collect_jobs        (CmScanner           *self,
                                             const char * const  *paths,
                                             GPtrArray           *jobs,
                                             GPtrArray           *gone,
                                             CmScanStats         *stats,
                                             gboolean            *changed,
                                             GError             **error);

/* --- workers: read and parse (cm-scanner-read.c) --- */
void         cm_scan_chunk_free             (ChunkResult         *result);
void         cm_scan_run_init               (ScanRun             *run,
                                             CmScanner           *self,
                                             GPtrArray           *jobs,
                                             GCancellable        *cancellable);
void         cm_scan_run_clear              (ScanRun             *run);
/* The threads started (GThread), to give cm_scan_run_join_workers(). */
GPtrArray   *cm_scan_run_start_workers      (ScanRun             *run);
void         cm_scan_run_stop               (ScanRun             *run);
void         cm_scan_run_join_workers       (GPtrArray           *threads);
ChunkResult *cm_scan_run_take_result        (ScanRun             *run);
void         cm_scan_run_drop_results       (ScanRun             *run);

/* --- the writer (cm-scanner-write.c) --- */
/* Reads @jobs on worker threads and writes what they parse from this one,
 * priced with @pricing; then marks @gone. */
gboolean     cm_scanner_read_and_write      (CmScanner           *self,
                                             CmPricing           *pricing,
                                             GPtrArray           *jobs,
                                             GPtrArray           *gone,
                                             GCancellable        *cancellable,
                                             CmScanStats         *stats,
                                             gboolean            *changed,
                                             GError             **error);

G_END_DECLS
