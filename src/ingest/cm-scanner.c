/* cm-scanner.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-scanner.h"
#include "cm-source-resolver.h"
#include "cm-store-writer.h"
#include "cm-transcript-parser.h"

/* Lines are read in chunks; a chunk's rows and the offset after its last
 * complete line are committed together. */
#define CHUNK_SIZE      (4 * 1024 * 1024)
#define MAX_LINE_SIZE   (64 * 1024 * 1024)
#define MAX_PENDING     6
#define COMMIT_RECORDS  20000
#define COMMIT_USEC     (500 * 1000)
/* More tokens of one kind than any request can have: the line is corrupt or
 * hostile. Skipping it keeps every sum exact and inside 64 bits (SQLite fails
 * a SUM() that overflows, which would lose every report). */
#define MAX_TOKENS      G_GINT64_CONSTANT (1000000000)

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

G_DEFINE_FINAL_TYPE (CmScanner, cm_scanner, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_PRICING,
  PROP_BUSY,
  PROP_PROGRESS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  CmFileState  state;          /* updated by the writer only */
  gint64       start_offset;
  gint64       size;           /* at enumeration */
  char        *user_email;
  char        *session_hint;
  char        *project_hint;
  gboolean     needs_reset;    /* counts restart from 0 */
  gint64       skipped;        /* broken lines this scan, with the first one's */
  const char  *skip_reason;    /* reason (a static string) and offset */
  gint64       skip_offset;
} FileJob;

typedef struct
{
  CmRecord  record;
  gint64    line_offset;
} Item;

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
  gboolean  failed;
  char     *failure;
} ChunkResult;

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

static void
file_job_free (FileJob *job)
{
  g_free (job->state.path);
  g_free (job->user_email);
  g_free (job->session_hint);
  g_free (job->project_hint);
  g_free (job);
}

static void
item_clear (gpointer data)
{
  cm_record_clear (&((Item *) data)->record);
}

static void
chunk_result_free (ChunkResult *result)
{
  g_clear_pointer (&result->items, g_array_unref);
  g_free (result->failure);
  g_free (result);
}

/* --- GObject --- */

static void
cm_scanner_dispose (GObject *object)
{
  CmScanner *self = (CmScanner *) object;

  g_clear_object (&self->store);
  g_clear_object (&self->pricing);

  G_OBJECT_CLASS (cm_scanner_parent_class)->dispose (object);
}

static void
cm_scanner_finalize (GObject *object)
{
  CmScanner *self = (CmScanner *) object;

  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->roots, g_strfreev);
  g_mutex_clear (&self->progress_lock);
  g_mutex_clear (&self->pricing_lock);

  G_OBJECT_CLASS (cm_scanner_parent_class)->finalize (object);
}

static void
cm_scanner_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  CmScanner *self = CM_SCANNER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;

    case PROP_PRICING:
      g_value_take_object (value, cm_scanner_dup_pricing (self));
      break;

    case PROP_BUSY:
      g_value_set_boolean (value, cm_scanner_get_busy (self));
      break;

    case PROP_PROGRESS:
      g_value_set_double (value, cm_scanner_get_progress (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_scanner_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  CmScanner *self = CM_SCANNER (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;

    case PROP_PRICING:
      if (g_value_get_object (value) != NULL)
        cm_scanner_set_pricing (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_scanner_class_init (CmScannerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cm_scanner_dispose;
  object_class->finalize = cm_scanner_finalize;
  object_class->get_property = cm_scanner_get_property;
  object_class->set_property = cm_scanner_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PRICING] =
    g_param_spec_object ("pricing", NULL, NULL, CM_TYPE_PRICING,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT | G_PARAM_EXPLICIT_NOTIFY |
                         G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0.0, 1.0, 0.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_scanner_init (CmScanner *self)
{
  g_mutex_init (&self->progress_lock);
  g_mutex_init (&self->pricing_lock);
  self->context = g_main_context_ref_thread_default ();
  self->n_threads = CLAMP (g_get_num_processors (), 1, 8);
}

CmScanner *
cm_scanner_new (CmStore   *store,
                CmPricing *pricing)
{
  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (CM_IS_PRICING (pricing), NULL);

  return g_object_new (CM_TYPE_SCANNER, "store", store, "pricing", pricing, NULL);
}

CmStore *
cm_scanner_get_store (CmScanner *self)
{
  g_return_val_if_fail (CM_IS_SCANNER (self), NULL);

  return self->store;
}

/* A reference: the table may be replaced while a scan runs. */
CmPricing *
cm_scanner_dup_pricing (CmScanner *self)
{
  CmPricing *pricing;

  g_return_val_if_fail (CM_IS_SCANNER (self), NULL);

  g_mutex_lock (&self->pricing_lock);
  pricing = self->pricing != NULL ? g_object_ref (self->pricing) : NULL;
  g_mutex_unlock (&self->pricing_lock);

  return pricing;
}

/* The next scan re-prices what is stored with @pricing; a running one
 * finishes with the table it started with. */
void
cm_scanner_set_pricing (CmScanner *self,
                        CmPricing *pricing)
{
  gboolean changed;

  g_return_if_fail (CM_IS_SCANNER (self));
  g_return_if_fail (CM_IS_PRICING (pricing));

  g_mutex_lock (&self->pricing_lock);
  changed = g_set_object (&self->pricing, pricing);
  g_mutex_unlock (&self->pricing_lock);

  if (changed)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICING]);
}

void
cm_scanner_set_n_threads (CmScanner *self,
                          guint      n_threads)
{
  g_return_if_fail (CM_IS_SCANNER (self));

  self->n_threads = CLAMP (n_threads, 1, 64);
}

gboolean
cm_scanner_get_busy (CmScanner *self)
{
  g_return_val_if_fail (CM_IS_SCANNER (self), FALSE);

  return g_atomic_int_get (&self->busy) != 0;
}

double
cm_scanner_get_progress (CmScanner *self)
{
  double progress;

  g_return_val_if_fail (CM_IS_SCANNER (self), 0.0);

  g_mutex_lock (&self->progress_lock);
  progress = self->progress;
  g_mutex_unlock (&self->progress_lock);

  return progress;
}

GStrv
cm_scanner_dup_roots (CmScanner *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GPtrArray) sources = NULL;

  g_return_val_if_fail (CM_IS_SCANNER (self), NULL);

  sources = cm_store_list_sources (self->store, NULL);
  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);
      g_autoptr(CmResolvedSource) resolved = NULL;

      if (!info->enabled)
        continue;

      resolved = cm_source_resolve (info->path);
      g_strv_builder_add (builder, resolved->projects_dir);
    }

  return g_strv_builder_end (builder);
}

gboolean
cm_scanner_add_default_sources (CmScanner  *self,
                                GError    **error)
{
  g_auto(GStrv) paths = cm_source_default_paths ();

  g_return_val_if_fail (CM_IS_SCANNER (self), FALSE);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (cm_store_add_source (self->store, paths[i], NULL, TRUE, error) == 0)
        return FALSE;
    }

  return TRUE;
}

/* --- progress, reported on the scanner's own context --- */

static gboolean
notify_progress_cb (gpointer data)
{
  CmScanner *self = data;

  g_atomic_int_set (&self->progress_pending, 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);

  return G_SOURCE_REMOVE;
}

static gboolean
notify_busy_cb (gpointer data)
{
  CmScanner *self = data;

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);

  return G_SOURCE_REMOVE;
}

static void
invoke_on_context (CmScanner   *self,
                   GSourceFunc  func)
{
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, func, g_object_ref (self), g_object_unref);
  g_source_set_static_name (source, "[costmeter] scanner notify");
  g_source_attach (source, self->context);
  g_source_unref (source);
}

static void
set_progress (CmScanner *self,
              double     progress)
{
  g_mutex_lock (&self->progress_lock);
  self->progress = CLAMP (progress, 0.0, 1.0);
  g_mutex_unlock (&self->progress_lock);

  if (g_atomic_int_compare_and_exchange (&self->progress_pending, 0, 1))
    invoke_on_context (self, notify_progress_cb);
}

/* --- enumeration --- */

typedef struct
{
  GHashTable *visited_dirs;   /* "dev:ino" of folders already walked (symlink loops) */
  GHashTable *seen_files;     /* paths claimed by an earlier source this scan */
  GHashTable *states;         /* path -> CmFileState from the store */
  GPtrArray  *jobs;
  CmScanStats *stats;
  gint64      source_id;
  const char *user_email;
  const char *projects_dir;
} Walk;

static char *
session_hint_for (const char *path)
{
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *dir_base = g_path_get_basename (dir);

  /* <session>/subagents/agent-*.jsonl belongs to <session>. */
  if (g_str_equal (dir_base, "subagents"))
    {
      g_autofree char *session_dir = g_path_get_dirname (dir);
      return g_path_get_basename (session_dir);
    }

  if (g_str_has_suffix (base, ".jsonl"))
    base[strlen (base) - strlen (".jsonl")] = '\0';

  return g_steal_pointer (&base);
}

static char *
project_hint_for (const char *projects_dir,
                  const char *path)
{
  gsize len = strlen (projects_dir);
  const char *rest;
  const char *slash;

  if (!g_str_has_prefix (path, projects_dir) || path[len] != '/')
    return NULL;

  rest = path + len + 1;
  slash = strchr (rest, '/');

  return slash != NULL ? g_strndup (rest, slash - rest) : NULL;
}

static void
add_file (Walk        *walk,
          const char  *path,
          struct stat *st)
{
  CmFileState *old = g_hash_table_lookup (walk->states, path);
  FileJob *job;
  gint64 mtime_us = (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;

  if (g_hash_table_contains (walk->seen_files, path))
    return;

  walk->stats->files_seen++;

  /* Unchanged since the last scan, as nearly every file of a rescan is:
   * nothing to allocate. */
  if (old != NULL && old->dev == (gint64) st->st_dev && old->ino == (gint64) st->st_ino &&
      st->st_size == old->size && st->st_size >= old->offset && mtime_us == old->mtime_us &&
      !old->gone && old->source_id == walk->source_id)
    {
      g_hash_table_add (walk->seen_files, old->path);
      return;
    }

  job = g_new0 (FileJob, 1);
  if (old != NULL)
    job->state = *old;
  job->state.path = g_strdup (path);
  job->state.source_id = walk->source_id;
  job->size = st->st_size;
  job->user_email = g_strdup (walk->user_email);
  job->session_hint = session_hint_for (path);
  job->project_hint = project_hint_for (walk->projects_dir, path);
  /* No copy of every path: the stored state's or the job's outlives the set. */
  g_hash_table_add (walk->seen_files, old != NULL ? old->path : job->state.path);

  if (old == NULL)
    {
      job->start_offset = 0;
    }
  else if (old->dev != (gint64) st->st_dev || old->ino != (gint64) st->st_ino ||
           st->st_size < old->offset)
    {
      /* Replaced or truncated: read it again from the start. Dedup keeps the
       * messages we already have from counting twice. */
      job->start_offset = 0;
      job->needs_reset = TRUE;
    }
  else
    {
      job->start_offset = old->offset;
    }

  job->state.dev = st->st_dev;
  job->state.ino = st->st_ino;
  job->state.mtime_us = mtime_us;
  job->state.gone = FALSE;

  g_ptr_array_add (walk->jobs, job);
}

/* @dir_path opened, unless it is missing, unreadable (counted) or was
 * walked already: a symlink loop, or a folder reached twice. */
static GDir *
enter_dir (Walk       *walk,
           const char *dir_path)
{
  g_autoptr(GError) error = NULL;
  struct stat st;
  char *key;
  GDir *dir;

  if (stat (dir_path, &st) != 0)
    return NULL;

  key = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, (gint64) st.st_dev, (gint64) st.st_ino);
  if (!g_hash_table_add (walk->visited_dirs, key))
    return NULL;

  dir = g_dir_open (dir_path, 0, &error);
  if (dir == NULL)
    {
      g_warning ("Cannot read the folder %s: %s", dir_path, error->message);
      walk->stats->files_failed++;
    }

  return dir;
}

static void
walk_dir (Walk       *walk,
          const char *dir_path,
          int         depth)
{
  g_autoptr(GDir) dir = NULL;
  struct stat st;
  const char *name;

  if (depth > 64 || (dir = enter_dir (walk, dir_path)) == NULL)
    return;

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir_path, name, NULL);

      if (stat (path, &st) != 0)
        continue;

      if (S_ISDIR (st.st_mode))
        walk_dir (walk, path, depth + 1);
      else if (S_ISREG (st.st_mode) && g_str_has_suffix (name, ".jsonl"))
        add_file (walk, path, &st);
    }
}

/* --- workers: read and parse --- */

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
  gsize cap = CHUNK_SIZE;
  char *buf = g_malloc (cap);
  gint64 pos = job->start_offset;
  gsize len = 0;
  int fd;

  fd = g_open (job->state.path, O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0)
    {
      ChunkResult *result = new_result (job);
      int saved = errno;

      result->failed = TRUE;
      result->failure = g_strdup_printf ("Cannot read %s: %s", job->state.path, g_strerror (saved));
      result->end_offset = job->start_offset;
      push_result (run, result);
      g_free (buf);
      return;
    }

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

/* --- the writer (the scanning thread) --- */

typedef struct
{
  CmPricing  *pricing;    /* the scan's table, whatever replaces it meanwhile */
  GHashTable *models;     /* raw -> canonical */
  GHashTable *projects;   /* cwd -> canonical project */
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

static gboolean
write_result (CmScanner    *self,
              WriteCache   *cache,
              ChunkResult  *result,
              CmScanStats  *stats,
              gint64       *n_written,
              GError      **error)
{
  FileJob *job = result->job;
  gint64 user_id;

  if (job->needs_reset)
    {
      job->state.broken_lines = 0;
      job->state.synthetic_lines = 0;
      job->needs_reset = FALSE;
    }

  if (job->state.id == 0 && !cm_store_write_file_state (self->store, &job->state, error))
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

  job->state.offset = result->end_offset;
  job->state.size = MAX (job->size, result->end_offset);
  job->state.broken_lines += result->broken;
  if (result->broken > 0 && job->skipped == 0)
    {
      job->skip_reason = result->broken_reason;
      job->skip_offset = result->broken_offset;
    }
  job->skipped += result->broken;
  job->state.synthetic_lines += result->synthetic;

  return cm_store_write_file_state (self->store, &job->state, error);
}

static int
compare_jobs_by_size (gconstpointer a,
                      gconstpointer b)
{
  const FileJob *ja = *(const FileJob **) a;
  const FileJob *jb = *(const FileJob **) b;
  gint64 wa = ja->size - ja->start_offset;
  gint64 wb = jb->size - jb->start_offset;

  return wa > wb ? -1 : wa < wb ? 1 : 0;
}

/* Files known but not found: taken out of @states into @gone. Whether
 * their source was scanned is known once every source is walked. */
static void
take_gone_files (GHashTable *states,
                 GHashTable *seen,
                 GPtrArray  *gone)
{
  GHashTableIter iter;
  CmFileState *state;

  g_hash_table_iter_init (&iter, states);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &state))
    {
      if (state->gone || g_hash_table_contains (seen, state->path))
        continue;

      g_hash_table_iter_steal (&iter);
      g_ptr_array_add (gone, state);
    }
}

typedef struct
{
  gsize       root_len;
  GHashTable *walked;   /* names of the root's entries walked */
  GPtrArray  *gone;
} Vanished;

static void
collect_vanished_cb (const CmFileState *state,
                     gpointer           user_data)
{
  Vanished *v = user_data;
  const char *name = state->path + v->root_len + 1;
  const char *slash = strchr (name, '/');
  g_autofree char *top = slash != NULL ? g_strndup (name, slash - name) : g_strdup (name);

  if (!state->gone && !g_hash_table_contains (v->walked, top))
    g_ptr_array_add (v->gone, cm_file_state_copy (state));
}

/* A full walk of one source, an entry of its projects folder at a time:
 * only that entry's stored file states are in memory, not those of every
 * file ever read (over a long history, tens of megabytes). */
static gboolean
walk_source (CmScanner  *self,
             Walk       *walk,
             GPtrArray  *gone,
             GError    **error)
{
  const char *root = walk->projects_dir;
  g_autoptr(GHashTable) walked = NULL;
  g_autoptr(GDir) dir = NULL;
  Vanished vanished;
  struct stat st;
  const char *name;

  /* Missing, unreadable, or another source's folder walked already. */
  dir = enter_dir (walk, root);
  if (dir == NULL)
    return TRUE;

  walked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (root, name, NULL);
      const char *one[] = { path, NULL };
      g_autoptr(GHashTable) states = NULL;
      g_autoptr(GHashTable) seen = NULL;

      if (stat (path, &st) != 0 ||
          !(S_ISDIR (st.st_mode) || (S_ISREG (st.st_mode) && g_str_has_suffix (name, ".jsonl"))))
        continue;

      states = cm_store_load_file_states (self->store, one, error);
      if (states == NULL)
        return FALSE;
      seen = g_hash_table_new (g_str_hash, g_str_equal);
      walk->states = states;
      walk->seen_files = seen;

      if (S_ISDIR (st.st_mode))
        walk_dir (walk, path, 1);
      else
        add_file (walk, path, &st);

      walk->states = walk->seen_files = NULL;
      take_gone_files (states, seen, gone);
      g_hash_table_add (walked, g_strdup (name));
    }

  /* Stored files below an entry that is no longer there. */
  vanished = (Vanished) { strlen (root), walked, gone };

  return cm_store_foreach_file_state (self->store, root, collect_vanished_cb, &vanished, error);
}

/* Keeps those of @gone whose source was walked. */
static void
filter_gone_files (GPtrArray  *gone,
                   GHashTable *scanned_sources)
{
  for (guint i = gone->len; i > 0; i--)
    {
      CmFileState *state = g_ptr_array_index (gone, i - 1);

      if (!g_hash_table_contains (scanned_sources, GSIZE_TO_POINTER ((gsize) state->source_id)))
        g_ptr_array_remove_index_fast (gone, i - 1);
    }
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

/* Folders and files of @paths below @projects_dir: walked and added as the
 * full walk would. */
static void
walk_paths (Walk               *walk,
            const char * const *paths)
{
  gsize len = strlen (walk->projects_dir);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      struct stat st;

      if (!g_str_has_prefix (paths[i], walk->projects_dir) ||
          (paths[i][len] != '/' && paths[i][len] != '\0') ||
          stat (paths[i], &st) != 0)
        continue;

      if (S_ISDIR (st.st_mode))
        walk_dir (walk, paths[i], 1);
      else if (S_ISREG (st.st_mode) && g_str_has_suffix (paths[i], ".jsonl"))
        add_file (walk, paths[i], &st);
    }
}

static gboolean
has_path_below (const char * const *paths,
                const char         *dir)
{
  gsize len = strlen (dir);

  for (guint i = 0; paths[i] != NULL; i++)
    {
      if (g_str_has_prefix (paths[i], dir) && (paths[i][len] == '/' || paths[i][len] == '\0'))
        return TRUE;
    }

  return FALSE;
}

/* --- a scan, step by step --- */

/* Claims the scanner, or fails when a scan is already running. */
static gboolean
scan_begin (CmScanner  *self,
            GError    **error)
{
  if (!g_atomic_int_compare_and_exchange (&self->busy, 0, 1))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_BUSY, "A scan is already running");
      return FALSE;
    }
  invoke_on_context (self, notify_busy_cb);
  set_progress (self, 0.0);

  return TRUE;
}

/* The owner read from the source's identity file, in a transaction of its
 * own: it stands whatever the rest of the scan does. */
static gboolean
store_detected_owner (CmScanner   *self,
                      gint64       source_id,
                      const char  *detected,
                      GError     **error)
{
  if (!cm_store_write_begin (self->store, error))
    return FALSE;
  if (!cm_store_write_source_owner (self->store, source_id, detected, error))
    {
      cm_store_write_rollback (self->store);
      return FALSE;
    }

  return cm_store_write_commit (self->store, error);
}

/* One enabled source: its detected owner brought up to date, then its
 * files (all, or those of @paths) added to the jobs of @base. */
static gboolean
walk_enabled_source (CmScanner           *self,
                     const CmSourceInfo  *info,
                     const char * const  *paths,
                     const Walk          *base,
                     GHashTable          *scanned_sources,
                     GPtrArray           *gone,
                     gboolean            *changed,
                     GError             **error)
{
  g_autoptr(CmResolvedSource) resolved = cm_source_resolve (info->path);
  g_autofree char *detected = NULL;
  Walk walk = *base;

  if (paths != NULL && !has_path_below (paths, resolved->projects_dir))
    return TRUE;
  detected = cm_source_read_owner_email (resolved->identity_file);

  if (g_strcmp0 (detected, info->detected_owner) != 0)
    {
      if (!store_detected_owner (self, info->id, detected, error))
        return FALSE;
      *changed = TRUE;
    }

  if (!g_file_test (resolved->projects_dir, G_FILE_TEST_IS_DIR))
    return TRUE;

  g_hash_table_add (scanned_sources, GSIZE_TO_POINTER ((gsize) info->id));

  walk.source_id = info->id;
  walk.user_email = info->owner != NULL ? info->owner : detected;
  walk.projects_dir = resolved->projects_dir;
  if (paths != NULL)
    walk_paths (&walk, paths);
  else if (!walk_source (self, &walk, gone, error))
    return FALSE;

  return TRUE;
}

/* The files to read into @jobs, of every enabled source or only @paths;
 * the stored files not found (of a source that was walked) into @gone. */
static gboolean
collect_jobs (CmScanner           *self,
              const char * const  *paths,
              GPtrArray           *jobs,
              GPtrArray           *gone,
              CmScanStats         *stats,
              gboolean            *changed,
              GError             **error)
{
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(GHashTable) states = NULL;
  g_autoptr(GHashTable) visited = NULL;
  g_autoptr(GHashTable) scanned_sources = NULL;
  g_autoptr(GHashTable) seen = NULL;     /* keys owned by states and jobs */
  Walk base = { 0 };

  sources = cm_store_list_sources (self->store, error);
  if (sources == NULL)
    return FALSE;

  /* Named paths: their states now. A full walk loads them as it goes. */
  if (paths != NULL)
    {
      states = cm_store_load_file_states (self->store, paths, error);
      if (states == NULL)
        return FALSE;
      seen = g_hash_table_new (g_str_hash, g_str_equal);
    }

  visited = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  scanned_sources = g_hash_table_new (NULL, NULL);

  base.visited_dirs = visited;
  base.seen_files = seen;
  base.states = states;
  base.jobs = jobs;
  base.stats = stats;

  for (guint i = 0; i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (info->enabled &&
          !walk_enabled_source (self, info, paths, &base, scanned_sources, gone, changed, error))
        return FALSE;
    }

  /* The walk is over: the jobs own copies of their states. */
  if (paths != NULL)
    take_gone_files (states, seen, gone);
  filter_gone_files (gone, scanned_sources);

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

static void
scan_run_init (ScanRun      *run,
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

static void
scan_run_clear (ScanRun *run)
{
  g_async_queue_unref (run->results);
  g_mutex_clear (&run->lock);
  g_cond_clear (&run->cond);
}

/* No more threads than jobs, and one even without a job. */
static GPtrArray *
start_workers (ScanRun *run)
{
  GPtrArray *threads = g_ptr_array_new ();
  guint n = MIN (run->self->n_threads, MAX (run->jobs->len, 1));

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (threads, g_thread_new ("cm-scan", worker_thread, run));

  return threads;
}

/* Also wakes the workers waiting for room in the queue, so they see it. */
static void
stop_workers (ScanRun *run)
{
  g_atomic_int_set (&run->stop, 1);
  g_mutex_lock (&run->lock);
  g_cond_broadcast (&run->cond);
  g_mutex_unlock (&run->lock);
}

static void
join_workers (GPtrArray *threads)
{
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
}

/* The next chunk the workers made, or NULL after a short wait; its place
 * in the queue goes back to them. */
static ChunkResult *
take_result (ScanRun *run)
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
static void
drop_results (ScanRun *run)
{
  ChunkResult *result;

  while ((result = g_async_queue_try_pop (run->results)) != NULL)
    chunk_result_free (result);
}

/* The scanning thread's side of a run: it alone writes to the store, in
 * transactions of up to COMMIT_RECORDS rows or COMMIT_USEC, each with the
 * offsets its rows reach. */
typedef struct
{
  CmScanner   *self;
  ScanRun     *run;
  WriteCache   cache;
  CmScanStats *stats;
  gboolean     in_transaction;
  gint64       in_txn;         /* rows written in the open transaction */
  gint64       txn_start;
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
  w->in_txn = 0;
  w->txn_start = g_get_monotonic_time ();

  return TRUE;
}

static void
writer_commit_if_due (Writer *w)
{
  if (w->in_txn < COMMIT_RECORDS && g_get_monotonic_time () - w->txn_start < COMMIT_USEC)
    return;

  w->in_transaction = FALSE;
  if (!cm_store_write_commit (w->self->store, &w->error))
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

  if (!write_result (w->self, &w->cache, result, w->stats, &w->in_txn, &w->error))
    {
      cm_store_write_rollback (w->self->store);
      w->in_transaction = FALSE;
      stop_workers (run);
      return;
    }

  w->done_bytes += result->bytes;
  w->changed = TRUE;

  writer_commit_if_due (w);

  if (w->total_bytes > 0)
    set_progress (w->self, (double) w->done_bytes / (double) w->total_bytes);
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
      ChunkResult *result = take_result (run);

      if (result == NULL)
        continue;

      write_chunk (w, result);
      chunk_result_free (result);
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
          if (!mark_gone_files (w->self, gone, &w->error))
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
      if (w->error == NULL)
        cm_store_write_commit (store, &w->error);
      else
        cm_store_write_rollback (store);
    }
}

/* Reads @jobs on worker threads and writes what they parse from this one,
 * priced with @pricing; then marks @gone. */
static gboolean
read_and_write (CmScanner     *self,
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

  /* Biggest first: the longest file does not start last. */
  g_ptr_array_sort (jobs, compare_jobs_by_size);

  scan_run_init (&run, self, jobs, cancellable);
  threads = start_workers (&run);

  w.self = self;
  w.run = &run;
  w.stats = stats;
  w.total_bytes = count_unread_bytes (jobs);
  w.cache.pricing = pricing;
  w.cache.models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  w.cache.projects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  drain_results (&w, threads->len);

  if (g_cancellable_is_cancelled (cancellable))
    stop_workers (&run);
  join_workers (threads);

  report_skipped_lines (jobs);
  drop_results (&run);
  finish_writes (&w, gone);

  g_hash_table_unref (w.cache.models);
  g_hash_table_unref (w.cache.projects);
  scan_run_clear (&run);

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

/* Whatever happened: memory back, listeners told, the scanner free again. */
static void
scan_end (CmScanner   *self,
          CmScanStats *stats,
          gint64       before,
          gboolean     changed,
          gboolean     ok)
{
  if (stats->bytes_read > 64 * 1024 * 1024)
    cm_store_checkpoint (self->store);
  cm_store_release_memory (self->store);
  if (ok)
    stats->messages_added = cm_store_count_messages (self->store, NULL) - before;
  if (changed)
    cm_store_emit_changed (self->store);

  set_progress (self, 1.0);
  g_atomic_int_set (&self->busy, 0);
  invoke_on_context (self, notify_busy_cb);
}

/* Every file of every enabled source, or only @paths (files, and folders
 * to walk) when not %NULL. */
static gboolean
scan (CmScanner          *self,
      const char * const *paths,
      GCancellable       *cancellable,
      CmScanStats        *out_stats,
      GError            **error)
{
  g_autoptr(GPtrArray) jobs = NULL;
  g_autoptr(GPtrArray) gone = NULL;       /* CmFileState of files not found */
  g_autoptr(GError) local_error = NULL;
  g_autoptr(CmPricing) pricing = NULL;
  CmScanStats stats = { 0 };
  gboolean changed = FALSE;
  gint64 before = 0;

  g_return_val_if_fail (CM_IS_SCANNER (self), FALSE);

  if (!scan_begin (self, error))
    return FALSE;

  /* A new price table re-prices what is stored before anything is added. */
  pricing = cm_scanner_dup_pricing (self);
  if (cm_store_reprice (self->store, pricing, &local_error) < 0)
    goto out;

  before = cm_store_count_messages (self->store, &local_error);
  if (before < 0)
    goto out;

  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) file_job_free);
  gone = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_file_state_free);
  if (!collect_jobs (self, paths, jobs, gone, &stats, &changed, &local_error))
    goto out;
  cm_release_free_memory ();

  read_and_write (self, pricing, jobs, gone, cancellable, &stats, &changed, &local_error);

out:
  scan_end (self, &stats, before, changed, local_error == NULL);

  if (out_stats != NULL)
    *out_stats = stats;

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

gboolean
cm_scanner_scan_sync (CmScanner     *self,
                      GCancellable  *cancellable,
                      CmScanStats   *stats,
                      GError       **error)
{
  g_return_val_if_fail (CM_IS_SCANNER (self), FALSE);

  return scan (self, NULL, cancellable, stats, error);
}

gboolean
cm_scanner_scan_paths_sync (CmScanner          *self,
                            const char * const *paths,
                            GCancellable       *cancellable,
                            CmScanStats        *stats,
                            GError            **error)
{
  g_return_val_if_fail (CM_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (paths != NULL, FALSE);

  return scan (self, paths, cancellable, stats, error);
}

static void
scan_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  CmScanner *self = source_object;
  CmScanStats *stats = g_new0 (CmScanStats, 1);
  GError *error = NULL;
  gboolean ok = scan (self, task_data, cancellable, stats, &error);

  /* A long-lived program (the window) scans again and again: what the scan
   * held goes back to the system rather than staying in the heap. */
  cm_release_free_memory ();

  if (ok)
    g_task_return_pointer (task, stats, g_free);
  else
    {
      g_free (stats);
      g_task_return_error (task, error);
    }
}

/* Every path in @paths, or every source when %NULL, on a worker thread. */
static void
run_scan_task (CmScanner           *self,
               const char * const  *paths,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, cm_scanner_scan_async);
  g_task_set_task_data (task, g_strdupv ((GStrv) paths), (GDestroyNotify) g_strfreev);
  g_task_run_in_thread (task, scan_thread);
}

void
cm_scanner_scan_async (CmScanner           *self,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_return_if_fail (CM_IS_SCANNER (self));

  run_scan_task (self, NULL, cancellable, callback, user_data);
}

/* Finished with cm_scanner_scan_finish(). */
void
cm_scanner_scan_paths_async (CmScanner           *self,
                             const char * const  *paths,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CM_IS_SCANNER (self));
  g_return_if_fail (paths != NULL);

  run_scan_task (self, paths, cancellable, callback, user_data);
}

gboolean
cm_scanner_scan_finish (CmScanner     *self,
                        GAsyncResult  *result,
                        CmScanStats   *stats,
                        GError       **error)
{
  g_autofree CmScanStats *value = NULL;

  g_return_val_if_fail (CM_IS_SCANNER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  value = g_task_propagate_pointer (G_TASK (result), error);
  if (value == NULL)
    return FALSE;

  if (stats != NULL)
    *stats = *value;

  return TRUE;
}
