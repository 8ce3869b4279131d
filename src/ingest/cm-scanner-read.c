/* cm-scanner-read.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The workers: threads that take a FileJob at a time, read its new bytes in
 * chunks and parse them into ChunkResults for the writer, through a queue
 * that holds MAX_PENDING of them at most. */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-scanner-private.h"
#include "cm-transcript-parser.h"

/* Lines are read in chunks; a chunk's rows and the offset after its last
 * complete line are committed together. */
#define CHUNK_SIZE      (4 * 1024 * 1024)
#define MAX_LINE_SIZE   (64 * 1024 * 1024)
#define MAX_PENDING     6
/* More tokens of one kind than any request can have: the line is corrupt or
 * hostile. Skipping it keeps every sum exact and inside 64 bits (SQLite fails
 * a SUM() that overflows, which would lose every report). */
#define MAX_TOKENS      G_GINT64_CONSTANT (1000000000)

/* What a stored offset is checked against: the file's first FP_SPAN bytes
 * and the last FP_SPAN before the offset. A file rewritten in place (`cat
 * new > old`) or deleted and made again on the same inode no longer
 * matches, and is read again from the start; dedup keeps the messages
 * already stored from counting twice, and they stay as history. */
#define FP_SPAN 4096

typedef struct
{
  char   head[FP_SPAN];
  gsize  head_len;
  char   tail[FP_SPAN];
  gsize  tail_len;
} Fingerprint;

static gint64
fp_value (const Fingerprint *f)
{
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  guint8 digest[32];
  gsize len = sizeof digest;
  guint64 lens[2] = { f->head_len, f->tail_len };
  gint64 value;

  g_checksum_update (sum, (const guchar *) lens, sizeof lens);
  g_checksum_update (sum, (const guchar *) f->head, f->head_len);
  g_checksum_update (sum, (const guchar *) f->tail, f->tail_len);
  g_checksum_get_digest (sum, digest, &len);
  memcpy (&value, digest, sizeof value);

  return value != 0 ? value : 1;  /* 0 means none */
}

/* The bytes consumed next, buf[0..len), right after those seen so far. */
static void
fp_consume (Fingerprint *f,
            const char  *buf,
            gsize        len)
{
  gsize take = MIN (FP_SPAN - f->head_len, len);

  memcpy (f->head + f->head_len, buf, take);
  f->head_len += take;

  if (len >= FP_SPAN)
    {
      memcpy (f->tail, buf + len - FP_SPAN, FP_SPAN);
      f->tail_len = FP_SPAN;
    }
  else
    {
      gsize keep = MIN (f->tail_len, FP_SPAN - len);

      memmove (f->tail, f->tail + f->tail_len - keep, keep);
      memcpy (f->tail + keep, buf, len);
      f->tail_len = keep + len;
    }
}

/* From the file as it is now, for the bytes before @offset. */
static gboolean
fp_load (Fingerprint *f,
         int          fd,
         gint64       offset)
{
  gsize head = MIN ((gint64) FP_SPAN, offset);
  gsize tail = MIN ((gint64) FP_SPAN, offset);

  f->head_len = f->tail_len = 0;
  if (pread (fd, f->head, head, 0) != (gssize) head ||
      pread (fd, f->tail, tail, offset - tail) != (gssize) tail)
    return FALSE;
  f->head_len = head;
  f->tail_len = tail;

  return TRUE;
}

static void
item_clear (gpointer data)
{
  cm_record_clear (&((Item *) data)->record);
}

void
cm_scan_chunk_free (ChunkResult *result)
{
  g_clear_pointer (&result->items, g_array_unref);
  g_free (result->failure);
  g_free (result);
}

static void
push_result (ScanRun     *run,
             ChunkResult *result)
{
  g_mutex_lock (&run->lock);
  while (run->pending >= MAX_PENDING && !g_atomic_int_get (&run->stop))
    g_cond_wait (&run->cond, &run->lock);
  run->pending++;
  g_mutex_unlock (&run->lock);

  g_async_queue_push (run->results, result);
}

static ChunkResult *
new_result (FileJob *job)
{
  ChunkResult *result = g_new0 (ChunkResult, 1);

  result->job = job;
  result->items = g_array_new (FALSE, TRUE, sizeof (Item));
  g_array_set_clear_func (result->items, item_clear);

  return result;
}

static gboolean
usage_plausible (const CmUsage *u)
{
  const gint64 counts[] = { u->input, u->output, u->cache_write_5m, u->cache_write_1h,
                            u->cache_read, u->web_search };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    if (counts[i] < 0 || counts[i] > MAX_TOKENS)
      return FALSE;

  return TRUE;
}

/* Identifiers past these lengths are not from Claude Code: the line is
 * broken, so that no report, cache or window ever holds a 60 MiB model
 * name (a path may be long, an id is short). */
#define MAX_ID_BYTES    512
#define MAX_PATH_BYTES  4096

static const char *
identifiers_bounded (const CmRecord *r)
{
  const char *ids[] = { r->message_id, r->request_id, r->uuid, r->session_id, r->model_raw };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    if (ids[i] != NULL && strnlen (ids[i], MAX_ID_BYTES + 1) > MAX_ID_BYTES)
      return "an id or model name longer than 512 bytes";
  if (r->cwd != NULL && strnlen (r->cwd, MAX_PATH_BYTES + 1) > MAX_PATH_BYTES)
    return "a project path longer than 4 KiB";

  return NULL;
}

/* Parses the complete lines of buf[0..len) (len ends just after a newline). */
static void
parse_lines (ChunkResult *result,
             const char  *buf,
             gsize        len,
             gint64       base_offset,
             GHashTable  *best)
{
  const char *p = buf;
  const char *end = buf + len;

  g_hash_table_remove_all (best);

  while (p < end)
    {
      const char *nl = memchr (p, '\n', end - p);
      Item item = { { 0 } };
      const char *reason = NULL;
      CmParseResult r;

      g_assert (nl != NULL);
      result->lines++;

      r = cm_transcript_parse_line (p, nl - p, &item.record, &reason);
      if (r == CM_PARSE_RECORD && !usage_plausible (&item.record.usage))
        {
          cm_record_clear (&item.record);
          r = CM_PARSE_BROKEN;
          reason = "a token count below 0 or above 1e9";
        }
      else if (r == CM_PARSE_RECORD && (reason = identifiers_bounded (&item.record)) != NULL)
        {
          cm_record_clear (&item.record);
          r = CM_PARSE_BROKEN;
        }
      if (r == CM_PARSE_BROKEN)
        {
          if (result->broken++ == 0)
            {
              result->broken_reason = reason != NULL ? reason : "not a transcript line";
              result->broken_offset = base_offset + (p - buf);
            }
        }
      else if (r == CM_PARSE_SYNTHETIC)
        result->synthetic++;
      else if (r == CM_PARSE_RECORD)
        {
          item.line_offset = base_offset + (p - buf);

          /* Streamed copies of one response sit next to each other: keep
           * only the best one of this chunk before it reaches SQLite. */
          if (item.record.message_id != NULL)
            {
              g_autofree char *key = g_strconcat (item.record.message_id, "\x1f",
                                                  item.record.request_id ? item.record.request_id : "",
                                                  NULL);
              gpointer idx;

              if (g_hash_table_lookup_extended (best, key, NULL, &idx))
                {
                  Item *kept = &g_array_index (result->items, Item, GPOINTER_TO_UINT (idx));

                  if (cm_record_is_better (&item.record, &kept->record))
                    {
                      cm_record_clear (&kept->record);
                      *kept = item;
                    }
                  else
                    cm_record_clear (&item.record);
                }
              else
                {
                  g_hash_table_insert (best, g_steal_pointer (&key),
                                       GUINT_TO_POINTER (result->items->len));
                  g_array_append_val (result->items, item);
                }
            }
          else
            g_array_append_val (result->items, item);
        }

      p = nl + 1;
    }
}

/* Reads forward from @pos to the end of an over-long line without keeping it.
 * Returns the offset after its newline, or -1 when the line is not complete. */
static gint64
skip_long_line (int    fd,
                gint64 pos,
                char  *buf,
                gsize  cap)
{
  for (;;)
    {
      gssize n = pread (fd, buf, cap, pos);
      const char *nl;

      if (n <= 0)
        return -1;

      nl = memchr (buf, '\n', n);
      if (nl != NULL)
        return pos + (nl - buf) + 1;

      pos += n;
    }
}

static void
process_file (ScanRun *run,
              FileJob *job)
{
  g_autoptr(GHashTable) best = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree Fingerprint *fp = g_new0 (Fingerprint, 1);
  gsize cap = CHUNK_SIZE;
  char *buf = g_malloc (cap);
  gint64 pos;
  gsize len = 0;
  int fd;

  /* Without blocking, and only a regular file: a FIFO or a device put in
   * its place since the walk would hang the scan on open() or read(). */
  fd = g_open (job->state.path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
  if (fd >= 0)
    {
      struct stat st;

      if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
        {
          close (fd);
          fd = -1;
          errno = EINVAL;
        }
    }
  if (fd < 0)
    {
      ChunkResult *result = new_result (job);
      int saved = errno;

      result->failed = TRUE;
      result->failure = saved == EINVAL ? g_strdup_printf ("Cannot read %s: not a regular file", job->state.path)
                                        : g_strdup_printf ("Cannot read %s: %s", job->state.path, g_strerror (saved));
      result->end_offset = job->start_offset;
      push_result (run, result);
      g_free (buf);
      return;
    }

  /* Go on from the stored offset only if the bytes before it are the ones
   * read then. (Set before the first result: the writer reads it then.) */
  if (job->start_offset > 0 &&
      (!fp_load (fp, fd, job->start_offset) || (job->state.fp != 0 && fp_value (fp) != job->state.fp)))
    {
      job->start_offset = 0;
      job->needs_reset = TRUE;
      fp->head_len = fp->tail_len = 0;
    }
  pos = job->start_offset;

  while (!g_atomic_int_get (&run->stop))
    {
      gssize n;
      const char *last_nl;

      if (len == cap)
        {
          if (cap >= MAX_LINE_SIZE)
            {
              /* One line larger than we will ever hold: count it as broken
               * and go on after it (history snapshots can be that big). */
              gint64 after = skip_long_line (fd, pos + len, buf, cap);
              ChunkResult *result;

              if (after < 0)
                break; /* not complete yet: read it again next time */

              result = new_result (job);
              result->broken = 1;
              result->broken_reason = "a line longer than 64 MiB";
              result->broken_offset = pos;
              result->lines = 1;
              result->bytes = after - pos;
              result->end_offset = after;
              if (fp_load (fp, fd, after))
                result->fp = fp_value (fp);
              push_result (run, result);
              pos = after;
              len = 0;
              continue;
            }

          cap = MIN (cap * 2, (gsize) MAX_LINE_SIZE);
          buf = g_realloc (buf, cap);
        }

      n = pread (fd, buf + len, cap - len, pos + len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;

      len += n;

      last_nl = memrchr (buf, '\n', len);
      if (last_nl != NULL)
        {
          gsize used = last_nl - buf + 1;
          ChunkResult *result = new_result (job);

          parse_lines (result, buf, used, pos, best);
          result->bytes = used;
          result->end_offset = pos + used;
          fp_consume (fp, buf, used);
          result->fp = fp_value (fp);
          push_result (run, result);

          memmove (buf, buf + used, len - used);
          len -= used;
          pos += used;

          /* Shrink back after a long line. */
          if (cap > CHUNK_SIZE && len < CHUNK_SIZE)
            {
              cap = CHUNK_SIZE;
              buf = g_realloc (buf, cap);
            }
        }
    }

  close (fd);
  g_free (buf);
}

static gpointer
worker_thread (gpointer data)
{
  ScanRun *run = data;

  for (;;)
    {
      int i = g_atomic_int_add (&run->next_job, 1);

      if (i >= (int) run->jobs->len || g_atomic_int_get (&run->stop) ||
          g_cancellable_is_cancelled (run->cancellable))
        break;

      process_file (run, g_ptr_array_index (run->jobs, i));
    }

  g_atomic_int_inc (&run->threads_done);

  return NULL;
}

void
cm_scan_run_init (ScanRun      *run,
                  CmScanner    *self,
                  GPtrArray    *jobs,
                  GCancellable *cancellable)
{
  run->self = self;
  run->jobs = jobs;
  run->results = g_async_queue_new ();
  run->cancellable = cancellable;
  g_mutex_init (&run->lock);
  g_cond_init (&run->cond);
}

void
cm_scan_run_clear (ScanRun *run)
{
  g_async_queue_unref (run->results);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
}

/* No more threads than jobs, and one even without a job. */
GPtrArray *
cm_scan_run_start_workers (ScanRun *run)
{
  GPtrArray *threads = g_ptr_array_new ();
  guint n = MIN (run->self->n_threads, MAX (run->jobs->len, 1));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (threads, g_thread_new ("cm-scan", worker_thread, run));

  return threads;
}

/* Also wakes the workers waiting for room in the queue, so they see it. */
void
cm_scan_run_stop (ScanRun *run)
{
  g_atomic_int_set (&run->stop, 1);
  g_mutex_lock (&run->lock);
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

void
cm_scan_run_join_workers (GPtrArray *threads)
{
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

/* The next chunk the workers made, or NULL after a short wait; its place
 * in the queue goes back to them. */
ChunkResult *
cm_scan_run_take_result (ScanRun *run)
{
  ChunkResult *result = g_async_queue_timeout_pop (run->results, 20 * 1000);

  if (result == NULL)
    return NULL;

  g_mutex_lock (&run->lock);
  run->pending--;
  g_cond_signal (&run->cond);
  g_mutex_unlock (&run->lock);

  return result;
}

/* Anything the workers pushed after a stop. */
void
cm_scan_run_drop_results (ScanRun *run)
{
  ChunkResult *result;

  while ((result = g_async_queue_try_pop (run->results)) != NULL)
    cm_scan_chunk_free (result);
}
