/* cm-scanner-walk.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Enumeration: the files of a scan's sources with bytes not read yet, each
 * a FileJob, and the stored files that are no longer there. */

#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "cm-scanner-private.h"
#include "cm-source-resolver.h"

void
cm_scan_job_free (FileJob *job)
{
  g_free (job->state.path);
  g_free (job->user_email);
  g_free (job->session_hint);
  g_free (job->project_hint);
  g_free (job);
}

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
valid_utf8 (char *text)
{
  char *valid;

  if (text == NULL || g_utf8_validate (text, -1, NULL))
    return text;
  valid = g_utf8_make_valid (text, -1);
  g_free (text);

  return valid;
}

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
  /* File names need not be UTF-8; what is stored and shown must be. */
  job->session_hint = valid_utf8 (session_hint_for (path));
  job->project_hint = valid_utf8 (project_hint_for (walk->projects_dir, path));
  /* No copy of every path: the stored state's or the job's outlives the set. */
  g_hash_table_add (walk->seen_files, old != NULL ? old->path : job->state.path);

  if (old == NULL)
    {
      job->start_offset = 0;
    }
  else if (old->gone || old->dev != (gint64) st->st_dev || old->ino != (gint64) st->st_ino ||
           st->st_size < old->offset)
    {
      /* Replaced, truncated, or back after it was gone (perhaps on the same
       * inode, which the file system may hand out again): read it again from
       * the start. Dedup keeps the messages we already have from counting
       * twice. */
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
 * walked already: a symlink loop, or a folder reached twice. @st is the
 * folder's, or NULL to look. */
static DIR *
enter_dir (Walk              *walk,
           const char        *dir_path,
           const struct stat *st)
{
  struct stat own;
  char *key;
  DIR *dir;

  if (st == NULL)
    {
      if (stat (dir_path, &own) != 0)
        return NULL;
      st = &own;
    }

  key = g_strdup_printf ("%" G_GINT64_FORMAT ":%" G_GINT64_FORMAT, (gint64) st->st_dev, (gint64) st->st_ino);
  if (!g_hash_table_add (walk->visited_dirs, key))
    return NULL;

  dir = opendir (dir_path);
  if (dir == NULL)
    {
      int saved = errno;

      g_warning ("Cannot read the folder %s: %s", dir_path, g_strerror (saved));
      walk->stats->files_failed++;
    }

  return dir;
}

/* The folder's path and a separator, in @path; entries are appended. */
static gsize
start_path (GString    *path,
            const char *dir_path)
{
  g_string_assign (path, dir_path);
  if (path->len == 0 || path->str[path->len - 1] != '/')
    g_string_append_c (path, '/');

  return path->len;
}

/* The next entry of @dir that is a folder or a transcript (a file named
 * *.jsonl), with its stat and, in @path after @base, its name. The stat is
 * taken relative to the open folder (not a walk down the whole path per
 * file), and only for entries that may be one of those. */
static const char *
next_entry (DIR         *dir,
            GString     *path,
            gsize        base,
            struct stat *st)
{
  struct dirent *entry;

  while ((entry = readdir (dir)) != NULL)
    {
      const char *name = entry->d_name;
      gboolean transcript;

      if (name[0] == '.' && (name[1] == '\0' || (name[1] == '.' && name[2] == '\0')))
        continue;

      transcript = g_str_has_suffix (name, ".jsonl");
      if (!transcript && entry->d_type != DT_DIR && entry->d_type != DT_LNK && entry->d_type != DT_UNKNOWN)
        continue;
      if (fstatat (dirfd (dir), name, st, 0) != 0)
        continue;
      if (!(S_ISDIR (st->st_mode) || (S_ISREG (st->st_mode) && transcript)))
        continue;

      g_string_truncate (path, base);
      g_string_append (path, name);

      return path->str + base;
    }

  return NULL;
}

static void
walk_dir (Walk              *walk,
          const char        *dir_path,
          const struct stat *dir_st,
          int                depth)
{
  g_autoptr(GString) path = NULL;
  struct stat st;
  gsize base;
  DIR *dir;

  if (depth > 64 || (dir = enter_dir (walk, dir_path, dir_st)) == NULL)
    return;

  path = g_string_new (NULL);
  base = start_path (path, dir_path);
  while (next_entry (dir, path, base, &st) != NULL)
    {
      if (S_ISDIR (st.st_mode))
        walk_dir (walk, path->str, &st, depth + 1);
      else
        add_file (walk, path->str, &st);
    }
  closedir (dir);
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

static void
collect_vanished_cb (const CmFileState *state,
                     gpointer           user_data)
{
  GPtrArray *gone = user_data;

  if (!state->gone)
    g_ptr_array_add (gone, cm_file_state_copy (state));
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
  g_autoptr(GString) path = NULL;
  struct stat st;
  const char *name;
  gsize base;
  DIR *dir;

  /* Missing, unreadable, or another source's folder walked already. */
  dir = enter_dir (walk, root, NULL);
  if (dir == NULL)
    return TRUE;

  walked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  path = g_string_new (NULL);
  base = start_path (path, root);

  while ((name = next_entry (dir, path, base, &st)) != NULL)
    {
      const char *one[] = { path->str, NULL };
      g_autoptr(GHashTable) states = NULL;
      g_autoptr(GHashTable) seen = NULL;

      states = cm_store_load_file_states (self->store, one, error);
      if (states == NULL)
        {
          closedir (dir);
          return FALSE;
        }
      seen = g_hash_table_new (g_str_hash, g_str_equal);
      walk->states = states;
      walk->seen_files = seen;

      g_hash_table_add (walked, g_strdup (name));
      if (S_ISDIR (st.st_mode))
        walk_dir (walk, path->str, &st, 1);
      else
        add_file (walk, path->str, &st);

      walk->states = walk->seen_files = NULL;
      take_gone_files (states, seen, gone);
    }
  closedir (dir);

  /* Stored files below an entry that is no longer there. */
  return cm_store_foreach_vanished_file_state (self->store, root, walked, collect_vanished_cb, gone, error);
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
        walk_dir (walk, paths[i], &st, 1);
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

/* What a walk of one source needs besides the source. */
typedef struct
{
  CmScanner          *self;
  GPtrArray          *sources;     /* every CmSourceInfo, homes included */
  const char         *self_email;  /* Preferences → You, or NULL */
  const char * const *paths;
  const Walk         *base;
  GHashTable         *scanned_sources;
  GPtrArray          *gone;
  gboolean           *changed;
} SourceWalk;

/* One source (or one home of a folder, under @parent): its detected owner
 * brought up to date, then its files (all, or those of the paths) added to
 * the jobs, for the user its runs belong to. */
static gboolean
walk_resolved (SourceWalk          *sw,
               const CmSourceInfo  *info,
               const CmSourceInfo  *parent,
               CmResolvedSource    *resolved,
               GError             **error)
{
  g_autofree char *detected = cm_source_read_owner_email (resolved->identity_file);
  Walk walk = *sw->base;

  if (g_strcmp0 (detected, info->detected_owner) != 0)
    {
      if (!store_detected_owner (sw->self, info->id, detected, error))
        return FALSE;
      *sw->changed = TRUE;
    }

  if (!g_file_test (resolved->projects_dir, G_FILE_TEST_IS_DIR))
    return TRUE;

  g_hash_table_add (sw->scanned_sources, GSIZE_TO_POINTER ((gsize) info->id));

  walk.source_id = info->id;
  walk.user_email = cm_source_info_effective_owner (info, parent, detected, sw->self_email);
  walk.projects_dir = resolved->projects_dir;
  if (sw->paths != NULL)
    walk_paths (&walk, sw->paths);
  else if (!walk_source (sw->self, &walk, sw->gone, error))
    return FALSE;

  return TRUE;
}

static const CmSourceInfo *
find_source (GPtrArray *sources,
             gint64     id)
{
  for (guint i = 0; i < sources->len; i++)
    {
      const CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (info->id == id)
        return info;
    }

  return NULL;
}

/* A folder that holds several homes is read home by home, each with its
 * own identity (a source of its own under the folder). */
static gboolean
walk_homes (SourceWalk          *sw,
            const CmSourceInfo  *folder,
            const char * const  *homes,
            GError             **error)
{
  for (guint i = 0; homes[i] != NULL; i++)
    {
      g_autoptr(CmResolvedSource) resolved = cm_source_resolve (homes[i]);
      const CmSourceInfo *home;
      CmSourceInfo fresh = { 0 };
      gint64 id;

      if (sw->paths != NULL && !has_path_below (sw->paths, resolved->projects_dir))
        continue;

      id = cm_store_add_home_source (sw->self->store, folder->id, homes[i], resolved->projects_dir, error);
      if (id == 0)
        return FALSE;

      home = find_source (sw->sources, id);
      if (home == NULL)
        {
          /* Found just now: its stored files, if any, moved to it. */
          fresh.id = id;
          fresh.path = (char *) homes[i];
          fresh.enabled = TRUE;
          fresh.parent_id = folder->id;
          home = &fresh;
          *sw->changed = TRUE;
        }

      if (home->enabled && !walk_resolved (sw, home, folder, resolved, error))
        return FALSE;
    }

  return TRUE;
}

/* One enabled source the user added or a default one. */
static gboolean
walk_enabled_source (SourceWalk          *sw,
                     const CmSourceInfo  *info,
                     GError             **error)
{
  g_auto(GStrv) homes = cm_source_find_homes (info->path);
  g_autoptr(CmResolvedSource) resolved = NULL;

  if (homes != NULL && homes[0] != NULL)
    return walk_homes (sw, info, (const char * const *) homes, error);

  resolved = cm_source_resolve (info->path);
  if (sw->paths != NULL && !has_path_below (sw->paths, resolved->projects_dir))
    return TRUE;

  return walk_resolved (sw, info, NULL, resolved, error);
}

/* The files to read into @jobs, of every enabled source or only @paths;
 * the stored files not found (of a source that was walked) into @gone. */
gboolean
cm_scanner_collect_jobs (CmScanner           *self,
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
  g_autofree char *self_email = NULL;
  SourceWalk sw;
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

  self_email = cm_store_dup_self_email (self->store);
  sw = (SourceWalk) { self, sources, self_email, paths, &base, scanned_sources, gone, changed };

  /* Homes are walked with the folder they were found in. */
  for (guint i = 0; i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (info->enabled && info->parent_id == 0 && !walk_enabled_source (&sw, info, error))
        return FALSE;
    }

  /* The walk is over: the jobs own copies of their states. */
  if (paths != NULL)
    take_gone_files (states, seen, gone);
  filter_gone_files (gone, scanned_sources);

  /* Biggest first: the longest file does not start last. */
  g_ptr_array_sort (jobs, compare_jobs_by_size);

  return TRUE;
}
