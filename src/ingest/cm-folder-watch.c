/* cm-folder-watch.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cm-folder-watch.h"
#include "cm-types.h"

/* GFileMonitor is not recursive: one inotify watch per folder. A large
 * history has tens of thousands of session folders; watching them all costs
 * hundreds of MiB and can exhaust fs.inotify.max_user_watches, which other
 * programs share. So only a bounded set is watched, best first. */

#define MAX_DEPTH 16

typedef struct
{
  CmFolderWatch *self;      /* unowned; NULL in a worker's list */
  char          *path;
  GFile         *dir;
  GFileMonitor  *monitor;
  gint64         activity;  /* newest mtime of the folder and its entries, µs */
  guint          depth;     /* 0 a root, 1 a project folder, 2 and more below */
} Entry;

struct _CmFolderWatch
{
  GObject     parent_instance;

  guint       cap;
  GHashTable *entries;      /* path -> Entry (owned) */
  guint       n_peak;
  guint       n_left_out;
};

G_DEFINE_FINAL_TYPE (CmFolderWatch, cm_folder_watch, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CAP,
  PROP_N_WATCHED,
  PROP_N_LEFT_OUT,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  if (entry == NULL)
    return;

  if (entry->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (entry->monitor, entry);
      g_file_monitor_cancel (entry->monitor);
      g_object_unref (entry->monitor);
    }
  g_clear_object (&entry->dir);
  g_free (entry->path);
  g_free (entry);
}

static Entry *
entry_new (const char *path,
           gint64      activity,
           guint       depth)
{
  Entry *entry = g_new0 (Entry, 1);

  entry->path = g_strdup (path);
  entry->activity = activity;
  entry->depth = depth;

  return entry;
}

/* Roots first, then project folders, then the most recently active. */
static int
compare_entries (const Entry *a,
                 const Entry *b)
{
  guint ca = MIN (a->depth, 2), cb = MIN (b->depth, 2);

  if (ca != cb)
    return ca < cb ? -1 : 1;
  if (a->activity != b->activity)
    return a->activity > b->activity ? -1 : 1;

  return strcmp (a->path, b->path);
}

static int
compare_entry_ptrs (gconstpointer a,
                    gconstpointer b)
{
  return compare_entries (*(const Entry **) a, *(const Entry **) b);
}

static gint64
mtime_us (const struct stat *st)
{
  return (gint64) st->st_mtim.tv_sec * G_USEC_PER_SEC + st->st_mtim.tv_nsec / 1000;
}

/* --- GObject --- */

static void
cm_folder_watch_finalize (GObject *object)
{
  CmFolderWatch *self = (CmFolderWatch *) object;

  g_clear_pointer (&self->entries, g_hash_table_unref);

  G_OBJECT_CLASS (cm_folder_watch_parent_class)->finalize (object);
}

static void
cm_folder_watch_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CmFolderWatch *self = CM_FOLDER_WATCH (object);

  switch (prop_id)
    {
    case PROP_CAP:
      g_value_set_uint (value, self->cap);
      break;

    case PROP_N_WATCHED:
      g_value_set_uint (value, cm_folder_watch_get_n_watched (self));
      break;

    case PROP_N_LEFT_OUT:
      g_value_set_uint (value, self->n_left_out);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_folder_watch_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CmFolderWatch *self = CM_FOLDER_WATCH (object);

  switch (prop_id)
    {
    case PROP_CAP:
      cm_folder_watch_set_cap (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_folder_watch_class_init (CmFolderWatchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_folder_watch_finalize;
  object_class->get_property = cm_folder_watch_get_property;
  object_class->set_property = cm_folder_watch_set_property;

  /* 0 sets the default. */
  properties[PROP_CAP] =
    g_param_spec_uint ("cap", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_WATCHED] =
    g_param_spec_uint ("n-watched", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_LEFT_OUT] =
    g_param_spec_uint ("n-left-out", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A transcript was written (or renamed into place) in a watched folder,
   * or a folder appeared: the file is that transcript or folder. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);
}

static void
cm_folder_watch_init (CmFolderWatch *self)
{
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  self->cap = cm_folder_watch_default_cap ();
}

CmFolderWatch *
cm_folder_watch_new (void)
{
  return g_object_new (CM_TYPE_FOLDER_WATCH, NULL);
}

guint
cm_folder_watch_cap_for_limit (gint64 max_user_watches)
{
  if (max_user_watches <= 0)
    return CM_FOLDER_WATCH_MAX_CAP;

  /* An eighth of the user's watches: editors and IDEs need theirs too. */
  return CLAMP (max_user_watches / 8, CM_FOLDER_WATCH_MIN_CAP, CM_FOLDER_WATCH_MAX_CAP);
}

guint
cm_folder_watch_default_cap (void)
{
  g_autofree char *text = NULL;
  gint64 limit = -1;

  if (g_file_get_contents ("/proc/sys/fs/inotify/max_user_watches", &text, NULL, NULL))
    limit = g_ascii_strtoll (text, NULL, 10);

  return cm_folder_watch_cap_for_limit (limit);
}

guint
cm_folder_watch_get_cap (CmFolderWatch *self)
{
  g_return_val_if_fail (CM_IS_FOLDER_WATCH (self), 0);

  return self->cap;
}

guint
cm_folder_watch_get_n_watched (CmFolderWatch *self)
{
  g_return_val_if_fail (CM_IS_FOLDER_WATCH (self), 0);

  return g_hash_table_size (self->entries);
}

guint
cm_folder_watch_get_n_peak (CmFolderWatch *self)
{
  g_return_val_if_fail (CM_IS_FOLDER_WATCH (self), 0);

  return self->n_peak;
}

guint
cm_folder_watch_get_n_left_out (CmFolderWatch *self)
{
  g_return_val_if_fail (CM_IS_FOLDER_WATCH (self), 0);

  return self->n_left_out;
}

gboolean
cm_folder_watch_is_watching (CmFolderWatch *self,
                             const char    *path)
{
  g_return_val_if_fail (CM_IS_FOLDER_WATCH (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  return g_hash_table_contains (self->entries, path);
}

static void
set_left_out (CmFolderWatch *self,
              guint          n_left_out)
{
  if (self->n_left_out == n_left_out)
    return;

  self->n_left_out = n_left_out;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_LEFT_OUT]);
}

static Entry *
find_worst (CmFolderWatch *self)
{
  GHashTableIter iter;
  Entry *entry, *worst = NULL;

  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (worst == NULL || compare_entries (entry, worst) > 0)
      worst = entry;

  return worst;
}

/* Drops the least active folders past the cap. */
static guint
trim_to_cap (CmFolderWatch *self)
{
  guint removed = 0;

  while (g_hash_table_size (self->entries) > self->cap)
    {
      g_hash_table_remove (self->entries, find_worst (self)->path);
      removed++;
    }

  return removed;
}

void
cm_folder_watch_set_cap (CmFolderWatch *self,
                         guint          cap)
{
  guint removed;

  g_return_if_fail (CM_IS_FOLDER_WATCH (self));

  if (cap == 0)
    cap = cm_folder_watch_default_cap ();
  if (self->cap == cap)
    return;

  self->cap = cap;
  removed = trim_to_cap (self);
  if (removed > 0)
    {
      set_left_out (self, self->n_left_out + removed);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WATCHED]);
    }
  self->n_peak = g_hash_table_size (self->entries);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAP]);
}

void
cm_folder_watch_clear (CmFolderWatch *self)
{
  g_return_if_fail (CM_IS_FOLDER_WATCH (self));

  g_hash_table_remove_all (self->entries);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WATCHED]);
}

/* --- watching --- */

static gboolean watch_entry (CmFolderWatch *self,
                             Entry         *entry);

/* A new folder (and what it already holds): room is made by dropping the
 * least active folder when it ranks below the new one. */
static void
watch_new_tree (CmFolderWatch *self,
                GFile         *dir,
                guint          depth)
{
  g_autofree char *path = g_file_get_path (dir);
  g_autoptr(GDir) gdir = NULL;
  Entry *entry;
  Entry *worst;
  const char *name;

  if (path == NULL || depth > MAX_DEPTH || g_hash_table_contains (self->entries, path))
    return;

  entry = entry_new (path, g_get_real_time (), depth);
  if (g_hash_table_size (self->entries) >= self->cap)
    {
      worst = find_worst (self);
      if (worst == NULL || compare_entries (worst, entry) < 0)
        {
          entry_free (entry);
          set_left_out (self, self->n_left_out + 1);
          return;
        }
      g_hash_table_remove (self->entries, worst->path);
      set_left_out (self, self->n_left_out + 1);
    }

  if (!watch_entry (self, entry))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WATCHED]);

  /* Made with mkdir -p: what is inside came before the watch. */
  gdir = g_dir_open (path, 0, NULL);
  while (gdir != NULL && (name = g_dir_read_name (gdir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      GStatBuf st;

      if (g_lstat (child, &st) == 0 && S_ISDIR (st.st_mode))
        {
          g_autoptr(GFile) file = g_file_new_for_path (child);

          watch_new_tree (self, file, depth + 1);
        }
    }
}

static void
monitor_changed_cb (GFileMonitor      *monitor,
                    GFile             *file,
                    GFile             *other,
                    GFileMonitorEvent  event,
                    Entry             *entry)
{
  CmFolderWatch *self = entry->self;
  g_autofree char *name = NULL;

  /* The name to read is the new one: sync tools write a temporary file,
   * then rename it into place. */
  if (event == G_FILE_MONITOR_EVENT_RENAMED)
    file = other;
  if (file == NULL)
    return;

  /* A folder moved or renamed in holds files no monitor saw written. */
  if ((event == G_FILE_MONITOR_EVENT_CREATED ||
       event == G_FILE_MONITOR_EVENT_MOVED_IN ||
       event == G_FILE_MONITOR_EVENT_RENAMED) &&
      g_file_query_file_type (file, G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL) == G_FILE_TYPE_DIRECTORY)
    {
      guint depth = entry->depth + 1;

      /* Something happens here: keep this folder over quieter ones. */
      entry->activity = g_get_real_time ();
      /* @entry may be dropped to make room. */
      watch_new_tree (self, file, depth);
      g_signal_emit (self, signals[CHANGED], 0, file);
      return;
    }

  name = g_file_get_basename (file);
  if (name == NULL || !g_str_has_suffix (name, ".jsonl"))
    return;
  if (event != G_FILE_MONITOR_EVENT_CHANGED &&
      event != G_FILE_MONITOR_EVENT_CHANGES_DONE_HINT &&
      event != G_FILE_MONITOR_EVENT_CREATED &&
      event != G_FILE_MONITOR_EVENT_MOVED_IN &&
      event != G_FILE_MONITOR_EVENT_RENAMED)
    return;

  entry->activity = g_get_real_time ();
  g_signal_emit (self, signals[CHANGED], 0, file);
}

/* Takes @entry; FALSE (and @entry freed) when the folder cannot be watched. */
static gboolean
watch_entry (CmFolderWatch *self,
             Entry         *entry)
{
  g_autoptr(GError) error = NULL;
  guint n;

  entry->self = self;
  entry->dir = g_file_new_for_path (entry->path);
  entry->monitor = g_file_monitor_directory (entry->dir, G_FILE_MONITOR_WATCH_MOVES, NULL, &error);
  if (entry->monitor == NULL)
    {
      g_debug ("Not watching %s: %s", entry->path, error->message);
      entry_free (entry);
      return FALSE;
    }

  g_signal_connect (entry->monitor, "changed", G_CALLBACK (monitor_changed_cb), entry);
  g_hash_table_insert (self->entries, entry->path, entry);

  n = g_hash_table_size (self->entries);
  self->n_peak = MAX (self->n_peak, n);

  return TRUE;
}

/* --- the walk, on a worker --- */

typedef struct
{
  GPtrArray    *best;       /* Entry, at most 2 x cap between prunes */
  guint         cap;
  guint         n_found;
  GCancellable *cancellable;
} Walk;

static void
prune (Walk *walk)
{
  g_ptr_array_sort (walk->best, compare_entry_ptrs);
  if (walk->best->len > walk->cap)
    g_ptr_array_set_size (walk->best, walk->cap);
}

static void
walk_dir (Walk       *walk,
          const char *path,
          guint       depth)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;
  GStatBuf st;
  gint64 activity;

  if (depth > MAX_DEPTH || g_cancellable_is_cancelled (walk->cancellable) || g_lstat (path, &st) != 0)
    return;

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;

  activity = mtime_us (&st);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_lstat (child, &st) != 0)
        continue;

      activity = MAX (activity, mtime_us (&st));
      if (S_ISDIR (st.st_mode))
        walk_dir (walk, child, depth + 1);
    }

  walk->n_found++;
  g_ptr_array_add (walk->best, entry_new (path, activity, depth));
  /* Only the best cap folders are kept: the walk's memory stays small
   * however many folders there are. */
  if (walk->best->len >= 2 * walk->cap)
    prune (walk);
}

typedef struct
{
  GStrv roots;
  guint cap;
} WalkData;

static void
walk_data_free (WalkData *data)
{
  g_strfreev (data->roots);
  g_free (data);
}

typedef struct
{
  GPtrArray *best;          /* Entry, best first, at most cap */
  guint      n_found;
} WalkResult;

static void
walk_result_free (WalkResult *result)
{
  g_ptr_array_unref (result->best);
  g_free (result);
}

static void
walk_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  WalkData *data = task_data;
  Walk walk = { 0 };
  WalkResult *result;

  walk.best = g_ptr_array_new_with_free_func (entry_free);
  walk.cap = MAX (data->cap, 1);
  walk.cancellable = cancellable;

  for (guint i = 0; data->roots != NULL && data->roots[i] != NULL; i++)
    walk_dir (&walk, data->roots[i], 0);
  prune (&walk);

  if (g_task_return_error_if_cancelled (task))
    {
      g_ptr_array_unref (walk.best);
      return;
    }

  result = g_new0 (WalkResult, 1);
  result->best = walk.best;
  result->n_found = walk.n_found;
  g_task_return_pointer (task, result, (GDestroyNotify) walk_result_free);
}

/* Back on the main thread: watch what the walk chose, drop the rest. */
static void
apply_walk (CmFolderWatch *self,
            WalkResult    *result)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new (g_str_hash, g_str_equal);
  GHashTableIter iter;
  Entry *entry;
  guint n;

  for (guint i = 0; i < result->best->len && i < self->cap; i++)
    {
      entry = g_ptr_array_index (result->best, i);
      g_hash_table_insert (wanted, entry->path, entry);
    }

  /* Drop first: the count never goes over the cap. */
  g_hash_table_iter_init (&iter, self->entries);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &entry))
    if (!g_hash_table_contains (wanted, entry->path))
      g_hash_table_iter_remove (&iter);

  for (guint i = 0; i < result->best->len && i < self->cap; i++)
    {
      Entry *found = g_ptr_array_index (result->best, i);

      entry = g_hash_table_lookup (self->entries, found->path);
      if (entry != NULL)
        {
          entry->activity = MAX (entry->activity, found->activity);
          entry->depth = found->depth;
          continue;
        }

      /* The entry moves into the table. */
      result->best->pdata[i] = NULL;
      watch_entry (self, found);
    }

  n = g_hash_table_size (self->entries);
  set_left_out (self, result->n_found > n ? result->n_found - n : 0);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_WATCHED]);
}

static void
walk_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  CmFolderWatch *self = CM_FOLDER_WATCH (object);
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  WalkResult *walk = g_task_propagate_pointer (G_TASK (result), &error);

  if (walk == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  apply_walk (self, walk);
  walk_result_free (walk);
  /* The walk's strings were many small blocks: hand them back. */
  cm_release_free_memory ();
  g_task_return_boolean (task, TRUE);
}

void
cm_folder_watch_update_async (CmFolderWatch       *self,
                              const char * const  *roots,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GTask) walk_task = NULL;
  WalkData *data;

  g_return_if_fail (CM_IS_FOLDER_WATCH (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_folder_watch_update_async);

  data = g_new0 (WalkData, 1);
  data->roots = g_strdupv ((char **) roots);
  data->cap = self->cap;

  walk_task = g_task_new (self, cancellable, walk_done_cb, g_steal_pointer (&task));
  g_task_set_source_tag (walk_task, walk_worker);
  g_task_set_task_data (walk_task, data, (GDestroyNotify) walk_data_free);
  g_task_run_in_thread (walk_task, walk_worker);
}

gboolean
cm_folder_watch_update_finish (CmFolderWatch  *self,
                               GAsyncResult   *result,
                               GError        **error)
{
  g_return_val_if_fail (CM_IS_FOLDER_WATCH (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
