/* cm-store-writer.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

/* What the store offers the layer that reads transcripts (src/ingest/): the
 * stored state of each file and batch writes of messages and offsets in one
 * transaction. Nothing above ingest uses it. */

#include "cm-store.h"

G_BEGIN_DECLS

/* What the store remembers of a transcript file between scans. */
typedef struct
{
  gint64    id;           /* 0 until written */
  char     *path;
  gint64    source_id;
  gint64    dev;
  gint64    ino;
  gint64    size;         /* size when last read */
  gint64    mtime_us;
  gint64    offset;       /* bytes consumed: always just after a newline */
  gint64    broken_lines;
  gint64    synthetic_lines;
  gboolean  gone;         /* deleted from disk; its messages stay */
  gint64    fp;           /* fingerprint of the bytes before offset (0: none) */
} CmFileState;

CmFileState *cm_file_state_copy            (const CmFileState *state);
void         cm_file_state_free            (CmFileState       *state);

typedef void (*CmFileStateFunc) (const CmFileState *state,
                                 gpointer           user_data);

/* Deduplicated messages stored. */
gint64       cm_store_count_messages       (CmStore           *self,
                                            GError           **error);

/* Folds the write-ahead log into the database after a large write, so the
 * next reader does not have to walk it: as far as readers allow, never
 * waiting for one (a long-lived reader must not hold a scan up). */
void         cm_store_checkpoint           (CmStore           *self);
/* A bulk write: no checkpoints until it ends (then call
 * cm_store_checkpoint()). */
void         cm_store_set_bulk_writes      (CmStore           *self,
                                            gboolean           bulk);
/* Gives back the write connection's page cache after a scan. */
void         cm_store_release_memory       (CmStore           *self);

/* path -> CmFileState, of every file or of @paths and what is below them */
GHashTable  *cm_store_load_file_states     (CmStore           *self,
                                            const char * const *paths,
                                            GError           **error);
/* Every stored file below an entry of @dir that is not in @walked (a set of
 * names), one at a time. */
gboolean     cm_store_foreach_vanished_file_state (CmStore           *self,
                                                   const char        *dir,
                                                   GHashTable        *walked,
                                                   CmFileStateFunc    func,
                                                   gpointer           user_data,
                                                   GError           **error);

/* All writes happen between begin and commit, on one thread at a time; the
 * offsets of the files are written in the same transaction as their rows. */
gboolean     cm_store_write_begin          (CmStore           *self,
                                            GError           **error);
gboolean     cm_store_write_commit         (CmStore           *self,
                                            GError           **error);
void         cm_store_write_rollback       (CmStore           *self);

gboolean     cm_store_write_file_state     (CmStore           *self,
                                            CmFileState       *state,
                                            GError           **error);
/* Returns the user id for @email (0 for none). */
gint64       cm_store_write_user           (CmStore           *self,
                                            const char        *email,
                                            GError           **error);
gboolean     cm_store_write_source_owner   (CmStore           *self,
                                            gint64             source_id,
                                            const char        *detected_owner,
                                            GError           **error);

typedef struct
{
  gint64      file_id;
  gint64      user_id;     /* 0 = unattributed */
  const char *dkey;        /* dedup key */
  const char *session_id;
  const char *project;
  const char *model;       /* canonical */
  CmBackend   backend;
  gboolean    priced;
  CmCost      cost;
} CmMessageMeta;

gboolean     cm_store_write_message        (CmStore             *self,
                                            const CmRecord      *record,
                                            const CmMessageMeta *meta,
                                            GError             **error);

/* A session belongs to the project it was started in: every message of each
 * of @session_ids takes the project of the session's earliest message that
 * has one (its first cwd), whatever folder later lines were written from.
 * Inside a write transaction. */
gboolean     cm_store_write_session_projects (CmStore            *self,
                                              const char * const *session_ids,
                                              GError            **error);

G_END_DECLS
