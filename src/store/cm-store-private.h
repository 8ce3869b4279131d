/* cm-store-private.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* Shared by the files of src/store/ only: the instance structure of CmStore
 * and the SQLite helpers its parts use. */

#include <sqlite3.h>

#include "cm-store.h"
#include "cm-store-writer.h"

G_BEGIN_DECLS

struct _CmStore
{
  GObject       parent_instance;

  char         *path;
  GMainContext *context;       /* where "changed" is emitted */

  GMutex        write_lock;
  sqlite3      *db;            /* the write connection, under write_lock */
  sqlite3_stmt *upsert_message;
  sqlite3_stmt *upsert_file;
  struct _CmReplays *replays;  /* the sidechain rule's bookkeeping */
  struct _CmRollupWriter *rollups; /* the scanner's rollups in memory */
  GHashTable   *user_ids;      /* email -> id, under write_lock */
  gint64        changes_at_begin; /* sqlite3_total_changes () then, under write_lock */

  GAsyncQueue  *readers;       /* idle read connections */

  guint64       generation;
  gint          changed_pending;
  gboolean      light;         /* cm_store_open_light (): db is also the one reader */
  gboolean      keep_log;      /* closing leaves the write-ahead log (cm_store_set_quick_exit) */
  int           lock_fd;       /* NAME.lock, flock()ed shared while open (a rebuild takes it
                                * exclusive), or -1 */
};

/* Pages in the write-ahead log before a commit folds it in. */
#define CM_STORE_AUTOCHECKPOINT 8192

/* --- SQLite helpers (cm-store.c) --- */
/* Sets @error from @rc (damaged, disk full or other) and returns FALSE. */
gboolean     cm_sqlite_set_error           (GError           **error,
                                            sqlite3           *db,
                                            int                rc,
                                            const char        *what);
gboolean     cm_sqlite_exec                (sqlite3           *db,
                                            const char        *sql,
                                            GError           **error);
/* The first column of the first row, 0 without a row. */
gboolean     cm_sqlite_query_int           (sqlite3           *db,
                                            const char        *sql,
                                            gint64            *out,
                                            GError           **error);

/* A read connection from the pool (or a new one); give it back after use. */
sqlite3     *cm_store_take_reader          (CmStore           *self,
                                            GError           **error);
void         cm_store_give_reader          (CmStore           *self,
                                            sqlite3           *db);
/* Ends a row loop on a read connection: returns the connection to the pool
 * and turns anything but SQLITE_DONE into @error. */
gboolean     cm_store_finish_read          (CmStore           *self,
                                            sqlite3           *db,
                                            sqlite3_stmt      *stmt,
                                            int                rc,
                                            const char        *what,
                                            GError           **error);
/* One statement on the write connection, under the write lock: @fmt has an
 * 's' (text, NULL allowed) or an 'i' (gint64) per parameter. */
gboolean     cm_store_run_write            (CmStore           *self,
                                            const char        *sql,
                                            GError           **error,
                                            const char        *fmt,
                                            ...);

/* --- report reads (cm-store-read.c) --- */
typedef struct
{
  GString   *where;
  GPtrArray *texts;   /* bound parameters, in order; NULL entries are ints */
  GArray    *ints;
} CmStoreParams;

/* A read under a filter: a reader, the filter's zone and its WHERE clause
 * (on the alias m) with the parameters to bind. */
typedef struct
{
  CmStore      *store;
  sqlite3      *db;
  CmZoneCursor  zone;
  CmStoreParams params;
} CmStoreQuery;

#define CM_ROLLUP_TOTALS_COLUMNS \
  "sum (m.input), sum (m.output), sum (m.cw5m), sum (m.cw1h), sum (m.cr), sum (m.ws)," \
  " sum (m.messages), sum (m.unpriced), sum (m.estimated), sum (m.cost), sum (m.c_input)," \
  " sum (m.c_output), sum (m.c_cw5m), sum (m.c_cw1h), sum (m.c_cr), sum (m.c_ws)," \
  " min (m.first_ms), max (m.last_ms)"
#define CM_N_TOTALS_COLUMNS 18

/* On failure call cm_store_query_end () all the same. */
gboolean      cm_store_query_begin         (CmStoreQuery       *q,
                                            CmStore            *self,
                                            const CmQueryFilter *filter,
                                            GError            **error);
void          cm_store_query_end           (CmStoreQuery       *q);
/* Prepares @sql on the query's reader and binds the filter's parameters
 * (they come first: put other parameters after them). */
sqlite3_stmt *cm_store_query_prepare       (CmStoreQuery       *q,
                                            const char         *sql,
                                            GError            **error);
/* CM_N_TOTALS_COLUMNS columns from @first, as CM_ROLLUP_TOTALS_COLUMNS. */
void          cm_store_read_totals         (sqlite3_stmt       *stmt,
                                            int                 first,
                                            CmTotals           *t);

/* The lock beside the database @path (NAME.lock, created 0600): every open
 * store holds it shared, a rebuild exclusive. Never waits: held the other
 * way, it fails with CM_STORE_ERROR_BUSY. Returns the descriptor, or -1. */
int          cm_store_lock                 (const char        *path,
                                            gboolean           exclusive,
                                            GError           **error);

/* --- schema (cm-store-schema.c) --- */
/* Brings the database to this version's schema, one transaction per step. */
gboolean     cm_store_migrate              (sqlite3           *db,
                                            GError           **error);
/* The version cm_store_migrate() brings a database to. */
int          cm_store_schema_version       (void);

/* --- writes (cm-store-write.c) --- */
/* Prepares the write connection's statements (at open). */
gboolean     cm_store_prepare_writes       (CmStore           *self,
                                            GError           **error);

/* --- the writer's rollups (cm-store-rollup-writer.c) --- */
typedef struct _CmRollupWriter CmRollupWriter;

CmRollupWriter *cm_rollup_writer_new       (sqlite3           *db,
                                            GError           **error);
void         cm_rollup_writer_free         (CmRollupWriter    *w);
/* In a write transaction, before its first message: from then on its
 * changes to the messages reach the rollups through memory. */
gboolean     cm_rollup_writer_start        (CmRollupWriter    *w,
                                            GError           **error);
/* Between statements: writes the rows out if there are many. */
gboolean     cm_rollup_writer_trim         (CmRollupWriter    *w,
                                            GError           **error);
/* Before the commit: writes the rows touched and ends the mark. */
gboolean     cm_rollup_writer_finish       (CmRollupWriter    *w,
                                            GError           **error);
/* After a rollback. */
void         cm_rollup_writer_discard      (CmRollupWriter    *w);

/* --- the sidechain rule (cm-store-replays.c) --- */
typedef struct _CmReplays CmReplays;

CmReplays   *cm_replays_new                (sqlite3           *db,
                                            GError           **error);
void         cm_replays_free               (CmReplays         *r);
/* After BEGIN: notes whether the database was filled by this connection
 * alone, from empty. */
gboolean     cm_replays_begin              (CmReplays         *r,
                                            sqlite3           *db,
                                            GError           **error);
/* A copy of @message_id was offered to the messages table. */
void         cm_replays_note               (CmReplays         *r,
                                            const char        *message_id,
                                            gboolean           sidechain);
/* Before the commit: drops sidechain copies of ids stored both ways. */
gboolean     cm_replays_flush              (CmReplays         *r,
                                            sqlite3           *db,
                                            GError           **error);
void         cm_replays_discard            (CmReplays         *r);
/* After a scan: the fingerprints go. */
void         cm_replays_release            (CmReplays         *r);

/* --- sources (cm-store-sources.c) --- */
extern const char cm_store_reassign_users_sql[];
/* Messages of @source_id (and its homes) to their owner, under the write
 * lock, in the caller's transaction. */
gboolean     cm_store_reassign_users       (CmStore           *self,
                                            gint64             source_id,
                                            GError           **error);

/* --- the rollups, for the rollup cache (cm-store-read.c) --- */
/* One slice of the stored usage, as the rollup cache reads it: a rollup row
 * (a quarter hour of one model, backend, user and project), or a single
 * message with its session. */
typedef struct
{
  gint64      ts;          /* the quarter hour's start, or the message's time */
  const char *session_id;  /* NULL from the rollup */
  const char *model;
  const char *speed;       /* "" for standard */
  CmBackend   backend;
  gint64      user_id;     /* 0: nobody */
  const char *project;     /* NULL: none */
  CmTotals    totals;
} CmSlice;

typedef void (*CmSliceFunc) (const CmSlice *slice,
                             gpointer       user_data);

/* Every rollup row, in no order, in one read transaction; @emails gets
 * user id -> e-mail. */
gboolean     cm_store_read_rollup          (CmStore           *self,
                                            GHashTable        *emails,
                                            CmSliceFunc        func,
                                            gpointer           user_data,
                                            GError           **error);
guint        cm_store_guess_slices         (CmStore           *self,
                                            gboolean           sessions);
/* Every session rollup row (session, quarter hour, model, backend, user,
 * project), in no order. */
gboolean     cm_store_read_session_rollup  (CmStore           *self,
                                            GHashTable        *emails,
                                            CmSliceFunc        func,
                                            gpointer           user_data,
                                            GError           **error);

G_END_DECLS
