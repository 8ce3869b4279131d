/* cm-rollup-cache.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The rollup cache: the store's rollups loaded into one compact snapshot,
 * again whenever the store's generation moves on, and the object around
 * it. Its queries are in cm-rollup-cache-query.c. */

#include "config.h"

#include <string.h>

#include "cm-rollup-cache-private.h"
#include "cm-types.h"

G_DEFINE_FINAL_TYPE (CmRollupCache, cm_rollup_cache, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_STORE,
  PROP_SESSIONS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
snapshot_free (Snapshot *snap)
{
  g_array_unref (snap->slices);
  g_array_unref (snap->wide);
  g_ptr_array_unref (snap->models);
  g_ptr_array_unref (snap->speeds);
  g_ptr_array_unref (snap->projects);
  g_ptr_array_unref (snap->sessions);
  g_free (snap->by_session);
  g_hash_table_unref (snap->emails);
}

static Snapshot *
snapshot_ref (Snapshot *snap)
{
  return g_atomic_rc_box_acquire (snap);
}

void
cm_rollup_snapshot_unref (Snapshot *snap)
{
  g_atomic_rc_box_release_full (snap, (GDestroyNotify) snapshot_free);
}

/* --- loading --- */

typedef struct
{
  Snapshot   *snap;
  GHashTable *model_index;    /* id -> index + 1 */
  GHashTable *speed_index;
  GHashTable *project_index;
  GHashTable *session_index;
  gboolean    sessions;
} Loader;

/* The arrays of names start with NULL. */
static void
ref_string_release (gpointer str)
{
  if (str != NULL)
    g_ref_string_release (str);
}

static guint32
intern (GHashTable *index,
        GPtrArray  *names,
        const char *name)
{
  gpointer value;
  char *copy;

  if (g_hash_table_lookup_extended (index, name, NULL, &value))
    return GPOINTER_TO_UINT (value) - 1;

  /* Shared with the session rows made from it. */
  copy = g_ref_string_new (name);
  g_ptr_array_add (names, copy);
  g_hash_table_insert (index, copy, GUINT_TO_POINTER (names->len));

  return names->len - 1;
}

static gboolean
fits (gint64 value)
{
  return value >= 0 && value <= G_MAXUINT32;
}

static void
slice_set_totals (Slice          *slice,
                  Snapshot       *snap,
                  const CmTotals *t)
{
#define FITS(name) && fits (t->name)
  if (!(fits (t->first_ms - slice->ts) && fits (t->last_ms - slice->ts) SLICE_COUNTS (FITS)))
    {
      slice->wide = TRUE;
      slice->input = snap->wide->len;
      g_array_append_val (snap->wide, *t);
      return;
    }
#undef FITS

#define COPY(name) slice->name = t->name;
  slice->first_ms = (guint32) (t->first_ms - slice->ts);
  slice->last_ms = (guint32) (t->last_ms - slice->ts);
  SLICE_COUNTS (COPY)
  SLICE_MONEY (COPY)
#undef COPY
}

static void
add_slice_cb (const CmSlice *in,
              gpointer       user_data)
{
  Loader *loader = user_data;
  Snapshot *snap = loader->snap;
  Slice slice;

  memset (&slice, 0, sizeof slice);
  slice.ts = in->ts;
  slice.model = intern (loader->model_index, snap->models, in->model != NULL ? in->model : "");
  /* A handful of speeds at most; past 255 they share the last. */
  slice.speed = MIN (intern (loader->speed_index, snap->speeds, in->speed != NULL ? in->speed : ""), 255);
  slice.backend = in->backend;
  slice.user = in->user_id > 0 && in->user_id <= G_MAXUINT32 ? (guint32) in->user_id : 0;
  slice.project = in->project != NULL ? intern (loader->project_index, snap->projects, in->project) : 0;
  /* Reports group NULL and '' session ids together. */
  if (loader->sessions)
    slice.session = intern (loader->session_index, snap->sessions, in->session_id != NULL ? in->session_id : "");
  slice_set_totals (&slice, snap, &in->totals);

  g_array_append_val (snap->slices, slice);
}

/* A counting sort of the slice indices by session: one pass each way, and
 * 4 bytes a slice. */
static guint32 *
group_by_session (const Snapshot *snap)
{
  g_autofree guint *next = g_new0 (guint, snap->sessions->len + 1);
  guint32 *order = g_new (guint32, MAX (snap->slices->len, 1));

  for (guint j = 0; j < snap->slices->len; j++)
    next[g_array_index (snap->slices, Slice, j).session + 1]++;
  for (guint i = 1; i <= snap->sessions->len; i++)
    next[i] += next[i - 1];
  for (guint j = 0; j < snap->slices->len; j++)
    order[next[g_array_index (snap->slices, Slice, j).session]++] = j;

  return order;
}

static Snapshot *
load (CmRollupCache  *self,
      guint64         generation,
      GError        **error)
{
  g_autoptr(Snapshot) snap = g_atomic_rc_box_new0 (Snapshot);
  Loader loader = { snap };
  gboolean ok;

  snap->generation = generation;
  /* Sized once: doubling would leave up to half of it unused, and copy it. */
  snap->slices = g_array_sized_new (FALSE, FALSE, sizeof (Slice), cm_store_guess_slices (self->store, self->sessions));
  snap->wide = g_array_new (FALSE, FALSE, sizeof (CmTotals));
  snap->models = g_ptr_array_new_with_free_func (ref_string_release);
  snap->speeds = g_ptr_array_new_with_free_func (ref_string_release);
  snap->projects = g_ptr_array_new_with_free_func (ref_string_release);
  snap->sessions = g_ptr_array_new_with_free_func (ref_string_release);
  snap->emails = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  g_ptr_array_add (snap->projects, NULL);
  g_ptr_array_add (snap->sessions, NULL);

  loader.model_index = g_hash_table_new (g_str_hash, g_str_equal);
  loader.speed_index = g_hash_table_new (g_str_hash, g_str_equal);
  intern (loader.speed_index, snap->speeds, "");
  loader.project_index = g_hash_table_new (g_str_hash, g_str_equal);
  loader.session_index = g_hash_table_new (g_str_hash, g_str_equal);
  loader.sessions = self->sessions;

  /* Each row is one slice already: no merging here. */
  if (self->sessions)
    ok = cm_store_read_session_rollup (self->store, snap->emails, add_slice_cb, &loader, error);
  else
    ok = cm_store_read_rollup (self->store, snap->emails, add_slice_cb, &loader, error);

  g_hash_table_unref (loader.model_index);
  g_hash_table_unref (loader.speed_index);
  g_hash_table_unref (loader.project_index);
  g_hash_table_unref (loader.session_index);

  if (!ok)
    return NULL;

  if (self->sessions)
    snap->by_session = group_by_session (snap);

  /* The interning tables are gone; so may be the snapshot this replaces. */
  cm_release_free_memory ();

  return g_steal_pointer (&snap);
}

Snapshot *
cm_rollup_cache_acquire (CmRollupCache  *self,
                         GError        **error)
{
  guint64 generation = cm_store_get_generation (self->store);
  Snapshot *snap = NULL;

  /* One thread loads; the others wait for its result instead of loading
   * the same again. */
  g_mutex_lock (&self->lock);
  if (self->snapshot == NULL || self->snapshot->generation != generation)
    {
      gint64 start = g_get_monotonic_time ();
      Snapshot *fresh;

      /* Out of date: let it go first, so that two are not held at once
       * (queries still running keep theirs). */
      g_clear_pointer (&self->snapshot, cm_rollup_snapshot_unref);
      fresh = load (self, generation, error);

      if (fresh != NULL)
        {
          g_debug ("Rollup cache%s: %u slices loaded in %.0f ms", self->sessions ? " (sessions)" : "",
                   fresh->slices->len, (g_get_monotonic_time () - start) / 1000.0);
          g_clear_pointer (&self->snapshot, cm_rollup_snapshot_unref);
          self->snapshot = fresh;
        }
    }
  if (self->snapshot != NULL && (error == NULL || *error == NULL))
    snap = snapshot_ref (self->snapshot);
  g_mutex_unlock (&self->lock);

  return snap;
}

/* --- the object --- */

CmRollupCache *
cm_rollup_cache_new (CmStore  *store,
                     gboolean  sessions)
{
  g_return_val_if_fail (CM_IS_STORE (store), NULL);

  return g_object_new (CM_TYPE_ROLLUP_CACHE, "store", store, "sessions", sessions, NULL);
}

CmStore *
cm_rollup_cache_get_store (CmRollupCache *self)
{
  g_return_val_if_fail (CM_IS_ROLLUP_CACHE (self), NULL);

  return self->store;
}

gboolean
cm_rollup_cache_get_sessions (CmRollupCache *self)
{
  g_return_val_if_fail (CM_IS_ROLLUP_CACHE (self), FALSE);

  return self->sessions;
}

guint
cm_rollup_cache_get_n_slices (CmRollupCache *self)
{
  guint n;

  g_return_val_if_fail (CM_IS_ROLLUP_CACHE (self), 0);

  g_mutex_lock (&self->lock);
  n = self->snapshot != NULL ? self->snapshot->slices->len : 0;
  g_mutex_unlock (&self->lock);

  return n;
}

void
cm_rollup_cache_release (CmRollupCache *self)
{
  g_return_if_fail (CM_IS_ROLLUP_CACHE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->snapshot, cm_rollup_snapshot_unref);
  g_mutex_unlock (&self->lock);

  cm_release_free_memory ();
}

void
cm_rollup_cache_invalidate (CmRollupCache *self)
{
  g_return_if_fail (CM_IS_ROLLUP_CACHE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->snapshot, cm_rollup_snapshot_unref);
  g_mutex_unlock (&self->lock);
}

static void
cm_rollup_cache_finalize (GObject *object)
{
  CmRollupCache *self = CM_ROLLUP_CACHE (object);

  g_clear_pointer (&self->snapshot, cm_rollup_snapshot_unref);
  g_clear_object (&self->store);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (cm_rollup_cache_parent_class)->finalize (object);
}

static void
cm_rollup_cache_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CmRollupCache *self = CM_ROLLUP_CACHE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_SESSIONS:
      g_value_set_boolean (value, self->sessions);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_rollup_cache_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CmRollupCache *self = CM_ROLLUP_CACHE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      self->store = g_value_dup_object (value);
      break;
    case PROP_SESSIONS:
      self->sessions = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_rollup_cache_class_init (CmRollupCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_rollup_cache_finalize;
  object_class->get_property = cm_rollup_cache_get_property;
  object_class->set_property = cm_rollup_cache_set_property;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SESSIONS] =
    g_param_spec_boolean ("sessions", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_rollup_cache_init (CmRollupCache *self)
{
  g_mutex_init (&self->lock);
}
