/* cm-rollup-cache.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cm-rollup-cache.h"
#include "cm-store-private.h"
#include "cm-types.h"

/* The CmTotals members a slice keeps in 32 bits, and those it keeps whole:
 * one list for the struct and both copies, so that none is left out. */
#define SLICE_COUNTS(X) \
  X (input) X (output) X (cache_write_5m) X (cache_write_1h) X (cache_read) \
  X (web_search) X (messages) X (unpriced) X (estimated)
#define SLICE_MONEY(X) \
  X (cost) X (cost_input) X (cost_output) X (cost_cache_write_5m) \
  X (cost_cache_write_1h) X (cost_cache_read) X (cost_web_search)

#define DECLARE_COUNT(name) guint32 name;
#define DECLARE_MONEY(name) CmMoney name;

/* 128 bytes where a CmTotals would make it 176: a quarter hour of one
 * session holds far fewer than 2^32 tokens. A slice whose counts do not
 * fit keeps its totals in Snapshot.wide instead, at index .input. */
typedef struct
{
  gint64   ts;        /* the quarter hour's start */
  guint32  session;   /* index in sessions; 0 from the rollup */
  guint32  project;   /* index in projects; 0: none */
  guint32  user;      /* the store's user id; 0: nobody */
  guint32  model;     /* index in models */
  guint8   backend;
  guint8   wide;
  guint8   speed;     /* index in speeds; 0: standard */
  guint32  first_ms;  /* after ts */
  guint32  last_ms;
  SLICE_COUNTS (DECLARE_COUNT)
  SLICE_MONEY (DECLARE_MONEY)
} Slice;

#undef DECLARE_COUNT
#undef DECLARE_MONEY

G_STATIC_ASSERT (sizeof (Slice) == 128);

/* What a load read: never changed afterwards, so queries share it without
 * a lock. */
typedef struct
{
  guint64     generation;
  GArray     *slices;
  GArray     *wide;       /* CmTotals of slices too large for their fields */
  GPtrArray  *models;
  GPtrArray  *speeds;     /* [0] "": standard */
  GPtrArray  *projects;   /* [0] NULL */
  GPtrArray  *sessions;   /* [0] NULL */
  guint32    *by_session; /* with sessions: slice indices, a session's together */
  GHashTable *emails;     /* user id -> e-mail */
} Snapshot;

struct _CmRollupCache
{
  GObject   parent_instance;

  CmStore  *store;
  gboolean  sessions;

  GMutex    lock;
  Snapshot *snapshot;     /* under lock */
};

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

static void
snapshot_unref (Snapshot *snap)
{
  g_atomic_rc_box_release_full (snap, (GDestroyNotify) snapshot_free);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Snapshot, snapshot_unref)

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
slice_get_totals (const Slice    *slice,
                  const Snapshot *snap,
                  CmTotals       *t)
{
  if (slice->wide)
    {
      *t = g_array_index (snap->wide, CmTotals, slice->input);
      return;
    }

#define COPY(name) t->name = slice->name;
  t->first_ms = slice->ts + slice->first_ms;
  t->last_ms = slice->ts + slice->last_ms;
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

static Snapshot *
acquire (CmRollupCache  *self,
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
      g_clear_pointer (&self->snapshot, snapshot_unref);
      fresh = load (self, generation, error);

      if (fresh != NULL)
        {
          g_debug ("Rollup cache%s: %u slices loaded in %.0f ms", self->sessions ? " (sessions)" : "",
                   fresh->slices->len, (g_get_monotonic_time () - start) / 1000.0);
          g_clear_pointer (&self->snapshot, snapshot_unref);
          self->snapshot = fresh;
        }
    }
  if (self->snapshot != NULL && (error == NULL || *error == NULL))
    snap = snapshot_ref (self->snapshot);
  g_mutex_unlock (&self->lock);

  return snap;
}

/* --- matching --- */

typedef struct
{
  gint64        since_ms;
  gint64        until_ms;
  guint8       *model_ok;     /* per model index; NULL: all */
  guint8       *project_ok;   /* per project index; NULL: all */
  GHashTable   *user_ok;      /* user ids; NULL: all */
  gboolean      user_ok_nobody;
  guint         backends;
  gboolean      one_session;
  guint32       session;
  gboolean      none;         /* nothing can match */
  CmZoneCursor  zone;
} Matcher;

/* SQLite's lower () folds ASCII only; so does this, to agree with it. */
static gboolean
contains_ascii_nocase (const char *haystack,
                       const char *needle)
{
  g_autofree char *h = g_ascii_strdown (haystack != NULL ? haystack : "", -1);
  g_autofree char *n = g_ascii_strdown (needle, -1);

  return strstr (h, n) != NULL;
}

static gboolean
matcher_init (Matcher             *m,
              CmRollupCache       *self,
              const Snapshot      *snap,
              const CmQueryFilter *filter,
              GError             **error)
{
  memset (m, 0, sizeof *m);
  cm_zone_cursor_init (&m->zone, filter);
  m->since_ms = G_MININT64;
  m->until_ms = G_MAXINT64;
  m->backends = ~0u;

  if (filter == NULL)
    return TRUE;

  if (!cm_query_filter_validate (filter, error))
    return FALSE;

  if (filter->session_id != NULL && !self->sessions)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "A session filter needs the rollup cache with sessions");
      return FALSE;
    }

  if (filter->since != NULL)
    m->since_ms = cm_zone_cursor_midnight (&m->zone, filter->since, 0);
  if (filter->until != NULL)
    m->until_ms = cm_zone_cursor_midnight (&m->zone, filter->until, 1);

  if (filter->project != NULL && filter->project[0] != '\0')
    {
      m->project_ok = g_new0 (guint8, snap->projects->len);
      for (guint i = 0; i < snap->projects->len; i++)
        m->project_ok[i] = contains_ascii_nocase (g_ptr_array_index (snap->projects, i), filter->project);
    }

  if (filter->models_set)
    {
      m->model_ok = g_new0 (guint8, MAX (snap->models->len, 1));
      for (guint i = 0; i < snap->models->len; i++)
        m->model_ok[i] = filter->models != NULL &&
                         g_strv_contains ((const char * const *) filter->models,
                                          g_ptr_array_index (snap->models, i));
    }

  if (filter->backends_set)
    m->backends = filter->backends;

  if (filter->users_set)
    {
      GHashTableIter iter;
      gpointer id, email;

      m->user_ok = g_hash_table_new (NULL, NULL);
      g_hash_table_iter_init (&iter, snap->emails);
      while (filter->users != NULL && g_hash_table_iter_next (&iter, &id, &email))
        {
          if (g_strv_contains ((const char * const *) filter->users, email))
            g_hash_table_add (m->user_ok, id);
        }
      if (filter->users != NULL && g_strv_contains ((const char * const *) filter->users, CM_UNATTRIBUTED_KEY))
        m->user_ok_nobody = TRUE;
    }

  if (filter->session_id != NULL)
    {
      m->one_session = TRUE;
      m->none = TRUE;
      for (guint i = 1; i < snap->sessions->len; i++)
        {
          if (g_str_equal (g_ptr_array_index (snap->sessions, i), filter->session_id))
            {
              m->session = i;
              m->none = FALSE;
              break;
            }
        }
    }

  return TRUE;
}

static void
matcher_clear (Matcher *m)
{
  g_clear_pointer (&m->model_ok, g_free);
  g_clear_pointer (&m->project_ok, g_free);
  g_clear_pointer (&m->user_ok, g_hash_table_unref);
  cm_zone_cursor_clear (&m->zone);
}

static inline gboolean
matches (const Matcher *m,
         const Slice   *s)
{
  if (s->ts < m->since_ms || s->ts >= m->until_ms)
    return FALSE;
  if (m->model_ok != NULL && !m->model_ok[s->model])
    return FALSE;
  if (((1u << s->backend) & m->backends) == 0)
    return FALSE;
  if (m->project_ok != NULL && !m->project_ok[s->project])
    return FALSE;
  if (m->user_ok != NULL &&
      (s->user == 0 ? !m->user_ok_nobody : !g_hash_table_contains (m->user_ok, GUINT_TO_POINTER (s->user))))
    return FALSE;
  if (m->one_session && s->session != m->session)
    return FALSE;

  return TRUE;
}

/* --- grouping --- */

typedef struct
{
  guint64  key;     /* primary << 32 | secondary, as 32-bit values */
  CmTotals totals;
} Acc;

typedef struct
{
  CmGrouping  grouping;
  GHashTable *accs;     /* &Acc.key -> Acc */
  Acc        *last;     /* consecutive slices often share a group */
} Group;

/* A model key is its index with its speed's in the top byte. */
#define MODEL_PART(x) ((x) & 0xffffffu)

static gint32
key_part (Matcher     *m,
          const Slice *s,
          CmGroupBy    group)
{
  switch (group)
    {
    case CM_GROUP_DAY:     return (gint32) cm_zone_cursor_day (&m->zone, s->ts);
    case CM_GROUP_MONTH:   return (gint32) cm_day_number_month (cm_zone_cursor_day (&m->zone, s->ts));
    case CM_GROUP_SESSION: return (gint32) s->session;
    case CM_GROUP_MODEL:   return (gint32) (MODEL_PART (s->model) | (guint32) s->speed << 24);
    case CM_GROUP_BACKEND: return (gint32) s->backend;
    case CM_GROUP_USER:    return (gint32) s->user;
    case CM_GROUP_PROJECT: return (gint32) s->project;
    case CM_GROUP_NONE:
    default:               return 0;
    }
}

static char *
key_string (const Snapshot *snap,
            CmGroupBy       group,
            gint32          part)
{
  const char *str;

  switch (group)
    {
    case CM_GROUP_DAY:
      return cm_day_number_format (part);

    case CM_GROUP_MONTH:
      return cm_month_number_format (part);

    case CM_GROUP_SESSION:
      str = g_ptr_array_index (snap->sessions, (guint32) part);
      return g_strdup (str != NULL ? str : "");

    case CM_GROUP_MODEL:
      return g_strdup (g_ptr_array_index (snap->models, MODEL_PART ((guint32) part)));

    case CM_GROUP_BACKEND:
      return g_strdup (cm_backend_to_string (part));

    case CM_GROUP_USER:
      if (part == 0)
        return g_strdup (CM_UNATTRIBUTED_KEY);
      return g_strdup (g_hash_table_lookup (snap->emails, GINT_TO_POINTER (part)));

    case CM_GROUP_PROJECT:
      str = g_ptr_array_index (snap->projects, (guint32) part);
      return g_strdup (str != NULL ? str : "");

    case CM_GROUP_NONE:
    default:
      return NULL;
    }
}

static void
group_add (Group          *group,
           Matcher        *m,
           const Slice    *s,
           const CmTotals *t)
{
  guint64 key = (guint64) (guint32) key_part (m, s, group->grouping.primary) << 32 |
                (guint32) key_part (m, s, group->grouping.secondary);
  Acc *acc = group->last;

  if (acc == NULL || acc->key != key)
    {
      acc = g_hash_table_lookup (group->accs, &key);
      if (acc == NULL)
        {
          acc = g_new0 (Acc, 1);
          acc->key = key;
          g_hash_table_insert (group->accs, &acc->key, acc);
        }
      group->last = acc;
    }

  cm_totals_add (&acc->totals, t);
}

static GPtrArray *
group_rows (Group          *group,
            const Snapshot *snap)
{
  GPtrArray *rows = g_ptr_array_new_full (g_hash_table_size (group->accs), (GDestroyNotify) cm_group_row_free);
  GHashTableIter iter;
  Acc *acc;

  g_hash_table_iter_init (&iter, group->accs);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &acc))
    {
      CmGroupRow *row = g_new0 (CmGroupRow, 1);

      guint32 primary = (guint32) (acc->key >> 32), secondary = (guint32) (acc->key & 0xffffffffu);
      guint32 speed = group->grouping.primary == CM_GROUP_MODEL ? primary >> 24
                      : group->grouping.secondary == CM_GROUP_MODEL ? secondary >> 24 : 0;

      row->key = key_string (snap, group->grouping.primary, (gint32) primary);
      row->key2 = key_string (snap, group->grouping.secondary, (gint32) secondary);
      if (speed > 0)
        row->speed = g_strdup (g_ptr_array_index (snap->speeds, speed));
      row->totals = acc->totals;
      g_ptr_array_add (rows, row);
    }
  cm_group_rows_sort (rows);

  return rows;
}

static gboolean
check_groupings (CmRollupCache     *self,
                 const CmGrouping  *groupings,
                 guint              n_groupings,
                 GError           **error)
{
  for (guint i = 0; i < n_groupings; i++)
    {
      if (!self->sessions &&
          (groupings[i].primary == CM_GROUP_SESSION || groupings[i].secondary == CM_GROUP_SESSION))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                               "Grouping by session needs the rollup cache with sessions");
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
cm_rollup_cache_query (CmRollupCache        *self,
                       const CmQueryFilter  *filter,
                       const CmGrouping     *groupings,
                       guint                 n_groupings,
                       GPtrArray           **results,
                       GError              **error)
{
  g_autoptr(Snapshot) snap = NULL;
  g_autofree Group *groups = NULL;
  Matcher m;

  g_return_val_if_fail (CM_IS_ROLLUP_CACHE (self), FALSE);
  g_return_val_if_fail (n_groupings == 0 || (groupings != NULL && results != NULL), FALSE);

  for (guint i = 0; i < n_groupings; i++)
    results[i] = NULL;

  if (!check_groupings (self, groupings, n_groupings, error))
    return FALSE;

  snap = acquire (self, error);
  if (snap == NULL)
    return FALSE;

  if (!matcher_init (&m, self, snap, filter, error))
    {
      matcher_clear (&m);
      return FALSE;
    }

  groups = g_new0 (Group, n_groupings);
  for (guint i = 0; i < n_groupings; i++)
    {
      groups[i].grouping = groupings[i];
      groups[i].accs = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL, g_free);
    }

  for (guint j = 0; !m.none && j < snap->slices->len; j++)
    {
      const Slice *s = &g_array_index (snap->slices, Slice, j);
      CmTotals t;

      if (!matches (&m, s))
        continue;
      slice_get_totals (s, snap, &t);
      for (guint i = 0; i < n_groupings; i++)
        group_add (&groups[i], &m, s, &t);
    }

  for (guint i = 0; i < n_groupings; i++)
    {
      results[i] = group_rows (&groups[i], snap);
      g_hash_table_unref (groups[i].accs);
    }
  matcher_clear (&m);

  return TRUE;
}

gboolean
cm_rollup_cache_query_totals (CmRollupCache        *self,
                              const CmQueryFilter  *filter,
                              CmTotals             *totals,
                              GError              **error)
{
  const CmGrouping none = { CM_GROUP_NONE, CM_GROUP_NONE };
  GPtrArray *rows = NULL;

  g_return_val_if_fail (CM_IS_ROLLUP_CACHE (self), FALSE);

  memset (totals, 0, sizeof *totals);
  if (!cm_rollup_cache_query (self, filter, &none, 1, &rows, error))
    return FALSE;

  if (rows->len > 0)
    *totals = ((CmGroupRow *) g_ptr_array_index (rows, 0))->totals;
  g_ptr_array_unref (rows);

  return TRUE;
}

/* --- sessions --- */

typedef struct
{
  CmTotals  totals;
  guint32   project;    /* the greatest, as SQL max () */
  guint32   user;
  GArray   *models;     /* Acc: key = model index; emptied for each session */
} SessionAcc;

static void
session_add (SessionAcc     *acc,
             const Snapshot *snap,
             const Slice    *s)
{
  Acc *model = NULL;
  CmTotals t;

  slice_get_totals (s, snap, &t);
  cm_totals_add (&acc->totals, &t);

  if (s->project != 0 &&
      (acc->project == 0 || strcmp (g_ptr_array_index (snap->projects, s->project),
                                    g_ptr_array_index (snap->projects, acc->project)) > 0))
    acc->project = s->project;
  acc->user = MAX (acc->user, s->user);

  /* A session has a handful of models: a short walk beats a hash. */
  for (guint i = 0; i < acc->models->len && model == NULL; i++)
    {
      if (g_array_index (acc->models, Acc, i).key == s->model)
        model = &g_array_index (acc->models, Acc, i);
    }
  if (model == NULL)
    {
      g_array_set_size (acc->models, acc->models->len + 1);
      model = &g_array_index (acc->models, Acc, acc->models->len - 1);
      model->key = s->model;
    }
  cm_totals_add (&model->totals, &t);
}

/* Costliest first, then by id: as cm_session_row_set_models() orders. */
static int
compare_model_accs (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  const Acc *ma = a, *mb = b;
  const Snapshot *snap = user_data;

  if (ma->totals.cost != mb->totals.cost)
    return ma->totals.cost > mb->totals.cost ? -1 : 1;

  return g_strcmp0 (g_ptr_array_index (snap->models, (guint) ma->key),
                    g_ptr_array_index (snap->models, (guint) mb->key));
}

/* One reference string per distinct user and list of models. */
static char *
shared_string (GHashTable *strings,
               const char *str)
{
  char *ref = g_hash_table_lookup (strings, str);

  if (ref == NULL)
    {
      ref = g_ref_string_new (str);
      g_hash_table_add (strings, ref);
    }

  return g_ref_string_acquire (ref);
}

static CmSessionRow *
session_row (SessionAcc     *acc,
             const Snapshot *snap,
             GHashTable     *strings,
             guint32         session)
{
  CmSessionRow *row = g_new0 (CmSessionRow, 1);
  const char *email = acc->user != 0 ? g_hash_table_lookup (snap->emails, GUINT_TO_POINTER (acc->user)) : NULL;

  row->session_id = g_ref_string_acquire (g_ptr_array_index (snap->sessions, session));
  if (acc->project != 0)
    row->project = g_ref_string_acquire (g_ptr_array_index (snap->projects, acc->project));
  row->user = shared_string (strings, email != NULL ? email : CM_UNATTRIBUTED_KEY);
  row->totals = acc->totals;

  /* Most sessions use one model: no sorting, no joining. */
  if (acc->models->len == 1)
    {
      row->models = g_ref_string_acquire (g_ptr_array_index (snap->models, (guint) g_array_index (acc->models, Acc, 0).key));
    }
  else
    {
      g_autoptr(GString) names = g_string_new (NULL);

      g_array_sort_with_data (acc->models, compare_model_accs, (gpointer) snap);
      for (guint i = 0; i < acc->models->len; i++)
        g_string_append_printf (names, "%s%s", i > 0 ? ", " : "",
                                (const char *) g_ptr_array_index (snap->models,
                                                                  (guint) g_array_index (acc->models, Acc, i).key));
      row->models = shared_string (strings, names->str);
    }

  return row;
}

GPtrArray *
cm_rollup_cache_query_sessions (CmRollupCache        *self,
                                const CmQueryFilter  *filter,
                                GError              **error)
{
  g_autoptr(Snapshot) snap = NULL;
  g_autoptr(GHashTable) strings = NULL;
  SessionAcc acc = { 0 };
  guint32 session = 0;
  GPtrArray *rows;
  Matcher m;

  g_return_val_if_fail (CM_IS_ROLLUP_CACHE (self), NULL);

  if (!self->sessions)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "The session list needs the rollup cache with sessions");
      return NULL;
    }

  snap = acquire (self, error);
  if (snap == NULL)
    return NULL;

  if (!matcher_init (&m, self, snap, filter, error))
    {
      matcher_clear (&m);
      return NULL;
    }

  /* Session by session: one accumulator, rows as each one ends. */
  rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_session_row_free);
  strings = g_hash_table_new_full (g_str_hash, g_str_equal, (GDestroyNotify) g_ref_string_release, NULL);
  acc.models = g_array_new (FALSE, TRUE, sizeof (Acc));
  for (guint j = 0; !m.none && j <= snap->slices->len; j++)
    {
      const Slice *s = j < snap->slices->len ? &g_array_index (snap->slices, Slice, snap->by_session[j]) : NULL;

      if (s == NULL || s->session != session)
        {
          if (acc.models->len > 0)
            g_ptr_array_add (rows, session_row (&acc, snap, strings, session));
          if (s == NULL)
            break;
          session = s->session;
          memset (&acc.totals, 0, sizeof acc.totals);
          acc.project = acc.user = 0;
          g_array_set_size (acc.models, 0);
        }

      if (session != 0 && matches (&m, s))
        session_add (&acc, snap, s);
    }
  matcher_clear (&m);
  g_array_unref (acc.models);

  cm_session_rows_sort (rows);

  return rows;
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
  g_clear_pointer (&self->snapshot, snapshot_unref);
  g_mutex_unlock (&self->lock);

  cm_release_free_memory ();
}

void
cm_rollup_cache_invalidate (CmRollupCache *self)
{
  g_return_if_fail (CM_IS_ROLLUP_CACHE (self));

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->snapshot, snapshot_unref);
  g_mutex_unlock (&self->lock);
}

static void
cm_rollup_cache_finalize (GObject *object)
{
  CmRollupCache *self = CM_ROLLUP_CACHE (object);

  g_clear_pointer (&self->snapshot, snapshot_unref);
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
