/* cm-scanner-write.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The writer: on the scanning thread, the only one that writes to the store,
 * it drains the workers' chunks into batched transactions, each with the
 * offsets its rows reach, then marks the files that are gone. */

#include "config.h"

#include "cm-scanner-private.h"
#include "cm-source-resolver.h"

/* A transaction ends after this many rows or this long. */
#define COMMIT_RECORDS  20000
#define COMMIT_USEC     (500 * 1000)
/* A bulk scan (a first one, or a large backlog) commits seldom, each
 * commit rewriting fewer pages of the indexes, and folds the write-ahead
 * log in once at its end (scan_end()). */
#define BULK_BYTES            (64 * 1024 * 1024)
#define BULK_COMMIT_RECORDS   250000
#define BULK_COMMIT_USEC      (5 * G_USEC_PER_SEC)

typedef struct
{
  CmPricing  *pricing;    /* the scan's table, whatever replaces it meanwhile */
  GHashTable *models;     /* raw -> canonical */
  GHashTable *projects;   /* cwd -> canonical project */
  GHashTable *sessions;   /* session id -> the project first seen for it, this scan */
  GHashTable *unsettled;  /* session ids whose messages may name two projects */
} WriteCache;

static const char *
cached_model (CmScanner  *self,
              WriteCache *cache,
              const char *raw)
{
  const char *model = g_hash_table_lookup (cache->models, raw);

  if (model == NULL)
    {
      char *canonical = cm_pricing_canonicalize_model (cache->pricing, raw);
      g_hash_table_insert (cache->models, g_strdup (raw), canonical);
      model = canonical;
    }

  return model;
}

static const char *
cached_project (WriteCache *cache,
                const char *cwd)
{
  const char *project = g_hash_table_lookup (cache->projects, cwd);

  if (project == NULL)
    {
      char *canonical = cm_project_canonicalize (cwd);
      g_hash_table_insert (cache->projects, g_strdup (cwd), canonical);
      project = canonical;
    }

  return project;
}

/* A session is its start folder's (cm_store_write_session_projects()); those
 * whose rows of this scan name one project, all read from the start of
 * their files, are settled already. */
static void
note_session (WriteCache    *cache,
              const FileJob *job,
              const char    *session_id,
              const char    *project)
{
  gpointer seen;

  if (session_id == NULL)
    return;
  if (!g_hash_table_lookup_extended (cache->sessions, session_id, NULL, &seen))
    {
      g_hash_table_insert (cache->sessions, g_strdup (session_id), g_strdup (project));
      if (job->start_offset > 0)
        g_hash_table_add (cache->unsettled, g_strdup (session_id));
    }
  else if (g_strcmp0 (seen, project) != 0)
    g_hash_table_add (cache->unsettled, g_strdup (session_id));
}

/* In the open transaction, before it commits. A session stays in the set:
 * rows of later batches may come from its later folders too. */
static gboolean
settle_sessions (CmScanner   *self,
                 WriteCache  *cache,
                 GError     **error)
{
  g_autofree const char **ids = NULL;

  if (g_hash_table_size (cache->unsettled) == 0)
    return TRUE;

  ids = (const char **) g_hash_table_get_keys_as_array (cache->unsettled, NULL);
  return cm_store_write_session_projects (self->store, ids, error);
}

/* The state a file reaches with @result. */
static void
advance_state (FileJob     *job,
               ChunkResult *result)
{
  if (job->needs_reset)
    {
      job->state.broken_lines = 0;
      job->state.synthetic_lines = 0;
      job->needs_reset = FALSE;
    }

  job->state.offset = result->end_offset;
  job->state.fp = result->fp;
  job->state.size = MAX (job->size, result->end_offset);
  job->state.broken_lines += result->broken;
  if (result->broken > 0 && job->skipped == 0)
    {
      job->skip_reason = result->broken_reason;
      job->skip_offset = result->broken_offset;
    }
  job->skipped += result->broken;
  job->state.synthetic_lines += result->synthetic;
}

/* One write of a file's state per transaction, whatever number of chunks
 * it has in it: a new file's row is written at its first chunk, with the
 * state that chunk reaches (its rows need the id); any other state once,
 * before the commit (write_dirty_states()). */
static gboolean
note_state (CmScanner  *self,
            GPtrArray  *dirty,
            guint       txn,
            FileJob    *job,
            GError    **error)
{
  /* A later chunk in this transaction marks it dirty as well. */
  if (job->state.id == 0)
    return cm_store_write_file_state (self->store, &job->state, error);
  if (job->dirty_txn != txn)
    {
      job->dirty_txn = txn;
      g_ptr_array_add (dirty, job);
    }

  return TRUE;
}

static gboolean
write_dirty_states (CmScanner  *self,
                    GPtrArray  *dirty,
                    GError    **error)
{
  gboolean ok = TRUE;

  for (guint i = 0; i < dirty->len && ok; i++)
    {
      FileJob *job = g_ptr_array_index (dirty, i);

      ok = cm_store_write_file_state (self->store, &job->state, error);
    }
  g_ptr_array_set_size (dirty, 0);

  return ok;
}

static gboolean
write_result (CmScanner    *self,
              WriteCache   *cache,
              GPtrArray    *dirty,
              guint         txn,
              ChunkResult  *result,
              CmScanStats  *stats,
              gint64       *n_written,
              GError      **error)
{
  FileJob *job = result->job;
  gint64 user_id;

  /* The offsets and the rows they cover commit together, in whatever order
   * they are written. */
  advance_state (job, result);
  if (!note_state (self, dirty, txn, job, error))
    return FALSE;

  user_id = cm_store_write_user (self->store, job->user_email, error);
  if (user_id < 0)
    return FALSE;

  for (guint i = 0; i < result->items->len; i++)
    {
      Item *item = &g_array_index (result->items, Item, i);
      CmRecord *rec = &item->record;
      g_autofree char *dkey = cm_record_dedup_key (rec, job->state.id, item->line_offset);
      CmMessageMeta meta = { 0 };
      const char *raw = rec->model_raw != NULL ? rec->model_raw : "";

      meta.file_id = job->state.id;
      meta.user_id = user_id;
      meta.dkey = dkey;
      meta.session_id = rec->session_id != NULL ? rec->session_id : job->session_hint;
      meta.project = rec->cwd != NULL ? cached_project (cache, rec->cwd) : job->project_hint;
      note_session (cache, job, meta.session_id, meta.project);
      meta.model = cached_model (self, cache, raw);
      meta.backend = cm_backend_detect (rec->message_id, raw);
      meta.priced = cm_pricing_price_request (cache->pricing,
                                              &(CmPriceRequest) { meta.model, meta.backend, &rec->usage,
                                                                  rec->speed, rec->inference_geo,
                                                                  rec->timestamp_ms },
                                              &meta.cost);

      if (!cm_store_write_message (self->store, rec, &meta, error))
        return FALSE;
    }

  stats->records += result->items->len;
  stats->broken_lines += result->broken;
  stats->synthetic_lines += result->synthetic;
  stats->lines_read += result->lines;
  stats->bytes_read += result->bytes;
  *n_written += result->items->len;

  return TRUE;
}

/* Files gone from disk keep their messages; they are only marked, so a
 * reappearing file is read again. */
static gboolean
mark_gone_files (CmScanner   *self,
                 GPtrArray   *gone,
                 GError     **error)
{
  for (guint i = 0; i < gone->len; i++)
    {
      CmFileState *state = g_ptr_array_index (gone, i);

      state->gone = TRUE;
      if (!cm_store_write_file_state (self->store, state, error))
        return FALSE;
    }

  return TRUE;
}

static gint64
count_unread_bytes (GPtrArray *jobs)
{
  gint64 total = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      FileJob *job = g_ptr_array_index (jobs, i);
      total += MAX (job->size - job->start_offset, 0);
    }

  return total;
}

/* The scanning thread's side of a run: it alone writes to the store, in
 * transactions of up to commit_records rows or commit_usec, each with the
 * offsets its rows reach. */
typedef struct
{
  CmScanner   *self;
  ScanRun     *run;
  WriteCache   cache;
  CmScanStats *stats;
  gboolean     in_transaction;
  guint        txn;            /* numbers the transactions, from 1 */
  GPtrArray   *dirty;          /* FileJob whose state the open one still writes */
  gint64       in_txn;         /* rows written in the open transaction */
  gint64       txn_start;
  gint64       commit_records; /* a transaction ends after as many rows */
  gint64       commit_usec;    /* or after this long */
  gint64       total_bytes;
  gint64       done_bytes;
  gboolean     changed;
  GError      *error;          /* the first failure: later chunks are dropped */
} Writer;

static gboolean
writer_begin (Writer *w)
{
  if (!cm_store_write_begin (w->self->store, &w->error))
    return FALSE;

  w->in_transaction = TRUE;
  w->txn++;
  g_ptr_array_set_size (w->dirty, 0);
  w->in_txn = 0;
  w->txn_start = g_get_monotonic_time ();

  return TRUE;
}

static void
writer_commit_if_due (Writer *w)
{
  if (w->in_txn < w->commit_records && g_get_monotonic_time () - w->txn_start < w->commit_usec)
    return;

  w->in_transaction = FALSE;
  if (!write_dirty_states (w->self, w->dirty, &w->error) ||
      !settle_sessions (w->self, &w->cache, &w->error))
    {
      cm_store_write_rollback (w->self->store);
      g_atomic_int_set (&w->run->stop, 1);
    }
  else if (!cm_store_write_commit (w->self->store, &w->error))
    g_atomic_int_set (&w->run->stop, 1);
}

/* One chunk a worker made, into the store. After a failure or a cancel
 * the chunks still coming are dropped. */
static void
write_chunk (Writer      *w,
             ChunkResult *result)
{
  ScanRun *run = w->run;

  if (w->error != NULL || g_cancellable_is_cancelled (run->cancellable))
    return;

  if (result->failed)
    {
      g_warning ("%s", result->failure);
      w->stats->files_failed++;
      return;
    }

  if (!w->in_transaction && !writer_begin (w))
    {
      g_atomic_int_set (&run->stop, 1);
      return;
    }

  if (result->end_offset - result->bytes == result->job->start_offset)
    w->stats->files_read++;

  if (!write_result (w->self, &w->cache, w->dirty, w->txn, result, w->stats, &w->in_txn, &w->error))
    {
      cm_store_write_rollback (w->self->store);
      w->in_transaction = FALSE;
      cm_scan_run_stop (run);
      return;
    }

  w->done_bytes += result->bytes;
  w->changed = TRUE;

  writer_commit_if_due (w);

  if (w->total_bytes > 0)
    cm_scanner_set_progress (w->self, (double) w->done_bytes / (double) w->total_bytes);
}

/* Workers end when every job is taken; the writer drains what they made. */
static void
drain_results (Writer *w,
               guint   n_threads)
{
  ScanRun *run = w->run;

  while ((guint) g_atomic_int_get (&run->threads_done) < n_threads ||
         g_async_queue_length (run->results) > 0)
    {
      ChunkResult *result = cm_scan_run_take_result (run);

      if (result == NULL)
        continue;

      write_chunk (w, result);
      cm_scan_chunk_free (result);
    }
}

/* Every skipped line is counted (stats, the files table); say why, once
 * per file, so a user can find it. */
static void
report_skipped_lines (GPtrArray *jobs)
{
  guint n_told = 0, n_more = 0;

  for (guint i = 0; i < jobs->len; i++)
    {
      FileJob *job = g_ptr_array_index (jobs, i);

      if (job->skipped == 0)
        continue;
      if (n_told++ >= 10)
        {
          n_more++;
          continue;
        }
      g_message ("%s: skipped %" G_GINT64_FORMAT " broken line%s (the first at byte %"
                 G_GINT64_FORMAT ": %s)", job->state.path, job->skipped,
                 job->skipped == 1 ? "" : "s", job->skip_offset, job->skip_reason);
    }
  if (n_more > 0)
    g_message ("Broken lines were skipped in %u more files", n_more);
}

/* Ends the writer's last transaction. */
static void
finish_writes (Writer    *w,
               GPtrArray *gone)
{
  CmStore *store = w->self->store;

  /* Of the files known (all, or those named), the ones not found are gone. */
  if (w->error == NULL && !g_cancellable_is_cancelled (w->run->cancellable))
    {
      if (!w->in_transaction && cm_store_write_begin (store, &w->error))
        w->in_transaction = TRUE;
      if (w->in_transaction)
        {
          w->in_transaction = FALSE;
          if (!write_dirty_states (w->self, w->dirty, &w->error) ||
              !mark_gone_files (w->self, gone, &w->error) ||
              !settle_sessions (w->self, &w->cache, &w->error))
            cm_store_write_rollback (store);
          else
            cm_store_write_commit (store, &w->error);
        }
    }
  else if (w->in_transaction)
    {
      /* What was complete is committed: offsets always match the rows (a
       * scan of some paths ends here too). */
      w->in_transaction = FALSE;
      if (w->error == NULL && write_dirty_states (w->self, w->dirty, &w->error) &&
          settle_sessions (w->self, &w->cache, &w->error))
        cm_store_write_commit (store, &w->error);
      else
        cm_store_write_rollback (store);
    }
}

/* Reads @jobs on worker threads and writes what they parse from this one,
 * priced with @pricing; then marks @gone. */
gboolean
cm_scanner_read_and_write (CmScanner     *self,
                           CmPricing     *pricing,
                           GPtrArray     *jobs,
                           GPtrArray     *gone,
                           GCancellable  *cancellable,
                           CmScanStats   *stats,
                           gboolean      *changed,
                           GError       **error)
{
  g_autoptr(GPtrArray) threads = NULL;
  ScanRun run = { 0 };
  Writer w = { 0 };

  cm_scan_run_init (&run, self, jobs, cancellable);
  threads = cm_scan_run_start_workers (&run);

  w.self = self;
  w.run = &run;
  w.stats = stats;
  w.total_bytes = count_unread_bytes (jobs);
  w.commit_records = w.total_bytes > BULK_BYTES ? BULK_COMMIT_RECORDS : COMMIT_RECORDS;
  w.commit_usec = w.total_bytes > BULK_BYTES ? BULK_COMMIT_USEC : COMMIT_USEC;
  if (w.total_bytes > BULK_BYTES)
    cm_store_set_bulk_writes (self->store, TRUE);
  w.dirty = g_ptr_array_new ();
  w.cache.pricing = pricing;
  w.cache.models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.cache.projects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.cache.sessions = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.cache.unsettled = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  drain_results (&w, threads->len);

  if (g_cancellable_is_cancelled (cancellable))
    cm_scan_run_stop (&run);
  cm_scan_run_join_workers (threads);

  report_skipped_lines (jobs);
  cm_scan_run_drop_results (&run);
  finish_writes (&w, gone);
  if (w.total_bytes > BULK_BYTES)
    cm_store_set_bulk_writes (self->store, FALSE);

  g_ptr_array_unref (w.dirty);
  g_hash_table_unref (w.cache.models);
  g_hash_table_unref (w.cache.projects);
  g_hash_table_unref (w.cache.sessions);
  g_hash_table_unref (w.cache.unsettled);
  cm_scan_run_clear (&run);

  *changed |= w.changed;

  if (w.error == NULL)
    g_cancellable_set_error_if_cancelled (cancellable, &w.error);
  if (w.error != NULL)
    {
      g_propagate_error (error, w.error);
      return FALSE;
    }

  return TRUE;
}
