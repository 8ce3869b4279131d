/* cm-rollup-cache-query.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Queries on a rollup cache snapshot, without SQL: the filter made a
 * matcher, matching slices summed into groups or into sessions, as the
 * store's own queries would. */

#include "config.h"

#include <string.h>

#include "cm-rollup-cache-private.h"
#include "cm-types.h"

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

  snap = cm_rollup_cache_acquire (self, error);
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
      cm_rollup_slice_get_totals (s, snap, &t);
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

  cm_rollup_slice_get_totals (s, snap, &t);
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

  snap = cm_rollup_cache_acquire (self, error);
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
