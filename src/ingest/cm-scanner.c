/* cm-scanner.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The scanner object: its properties, progress, and a scan's steps in
 * order (see cm-scanner-private.h for where each part lives). */

#include "config.h"

#include "cm-scanner-private.h"
#include "cm-source-resolver.h"

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
      CmSourceInfo *next = i + 1 < sources->len ? g_ptr_array_index (sources, i + 1) : NULL;
      g_autoptr(CmResolvedSource) resolved = NULL;

      /* A folder of homes is watched home by home (they follow it). */
      if (!info->enabled || (next != NULL && next->parent_id == info->id))
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

void
cm_scanner_set_progress (CmScanner *self,
                         double     progress)
{
  g_mutex_lock (&self->progress_lock);
  self->progress = CLAMP (progress, 0.0, 1.0);
  g_mutex_unlock (&self->progress_lock);

  if (g_atomic_int_compare_and_exchange (&self->progress_pending, 0, 1))
    invoke_on_context (self, notify_progress_cb);
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
  cm_scanner_set_progress (self, 0.0);

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
    {
      stats->messages_added = cm_store_count_messages (self->store, NULL) - before;
      cm_store_count_pending_tails (self->store, &stats->pending_files, &stats->pending_bytes, NULL);
    }
  if (changed)
    cm_store_emit_changed (self->store);

  cm_scanner_set_progress (self, 1.0);
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

  jobs = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_scan_job_free);
  gone = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_file_state_free);
  if (!cm_scanner_collect_jobs (self, paths, jobs, gone, &stats, &changed, &local_error))
    goto out;
  cm_release_free_memory ();

  cm_scanner_read_and_write (self, pricing, jobs, gone, cancellable, &stats, &changed, &local_error);

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
