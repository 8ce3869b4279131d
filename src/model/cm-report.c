/* cm-report.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cm-message-item.h"
#include "cm-report.h"
#include "cm-report-private.h"
#include "cm-rollup-cache.h"
#include "cm-session-item.h"
#include "cm-session-list.h"

/* Results kept for filters seen lately (a chip off and on again). */
#define CACHE_SIZE 8

struct _CmReport
{
  GObject        parent_instance;

  CmStore       *store;
  CmFilter      *filter;
  CmRollupCache *rollup;            /* the views' figures, in memory */
  CmRollupCache *by_session;        /* the sessions list's, read when first shown */
  gboolean       sessions_read;     /* by_session serves the views too since */
  CmTeamStore   *team;              /* read instead of the store when set */
  guint64        team_generation;   /* bumped when the team's figures may have moved */
  gboolean       team_admin;        /* the team database shows every user */

  GListStore    *backends;
  GListStore    *days;
  GListStore    *days_by_model;
  GListStore    *models;
  GListStore    *users;
  GListStore    *projects;
  CmSessionList *sessions;
  GListStore    *models_total;       /* each the Total row of its list */
  GListStore    *users_total;
  GListStore    *sessions_total;
  CmGroupItem   *totals[CM_N_PERIODS];
  CmGroupItem   *previous[CM_N_PERIODS];
  guint          previous_days[CM_N_PERIODS];
  GStrv          all_models;
  GStrv          all_projects;
  gint64         first_ms;          /* the store's first and last message */
  gint64         last_ms;
  GError        *error;

  GQueue         cache;             /* CacheEntry, newest first */
  guint64        cache_generation;
  GCancellable  *cancellable;       /* of the running query */
  guint          schedule_id;
  guint          serial;
  guint64        lists_generation;  /* store generation all_models was read at */
  gboolean       have_lists;
  gboolean       by_model;          /* the chart is stacked by model */
  gboolean       days_by_model_read; /* the day rows last read were by model */
  gboolean       running;           /* a query (main or sessions) runs */
  guint          wanted;            /* CmSection: what is shown */
  guint          stale;             /* CmSection: not read for the current filter */
  gboolean       pending;           /* asked again while running */
  gboolean       store_empty;
};

G_DEFINE_FINAL_TYPE (CmReport, cm_report, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOADING,
  PROP_STORE_EMPTY,
  PROP_TEAM,
  PROP_TEAM_ADMIN,
  N_PROPS
};

enum {
  UPDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* The order of the breakdown and of the Users columns. */
static const CmBackend backend_order[] = {
  CM_BACKEND_BEDROCK, CM_BACKEND_ANTHROPIC, CM_BACKEND_VERTEX, CM_BACKEND_UNKNOWN,
};

static const char *period_presets[CM_N_PERIODS] = {
  NULL, "today", "last-7-days", "this-month",
};

typedef enum
{
  JOB_MAIN,      /* cards, breakdown, chart, models, users, projects */
  JOB_EXTRA,     /* second: filter choices when the store moved, and the
                  * sessions list when shown (the slowest query) */
} JobKind;

typedef struct
{
  JobKind        kind;
  CmStore       *store;
  CmReportSource source;
  CmQueryFilter *filters[CM_N_PERIODS];
  gboolean       by_model;
  guint          sections;   /* main: the sections to read */
  gboolean       need_lists;
  gboolean       need_sessions;
  guint64        generation;
  char          *key;        /* main: what the result depends on */
} Job;

typedef struct
{
  GPtrArray *backends;
  GPtrArray *days;
  GPtrArray *days_by_model;
  GPtrArray *models;
  GPtrArray *users;
  GPtrArray *projects;
  GPtrArray *sessions;       /* CmSessionRow */
  CmTotals   sessions_total; /* of the rows of sessions */
  CmTotals   totals[CM_N_PERIODS];
  CmTotals   previous[CM_N_PERIODS];      /* the same length just before */
  guint      previous_days[CM_N_PERIODS]; /* its length; 0: no comparison */
  guint      sections;       /* what was read */
  GStrv      all_models;     /* NULL: unchanged */
  GStrv      all_projects;
  gint64     first_ms;       /* with all_models: the store's extent */
  gint64     last_ms;
  guint64    generation;
  gboolean   team_admin;
} Result;

static void
job_free (Job *job)
{
  g_clear_object (&job->store);
  cm_report_source_clear (&job->source);
  g_free (job->key);
  for (guint i = 0; i < CM_N_PERIODS; i++)
    g_clear_pointer (&job->filters[i], cm_query_filter_free);
  g_free (job);
}

static void
result_free (Result *result)
{
  g_clear_pointer (&result->backends, g_ptr_array_unref);
  g_clear_pointer (&result->days, g_ptr_array_unref);
  g_clear_pointer (&result->days_by_model, g_ptr_array_unref);
  g_clear_pointer (&result->models, g_ptr_array_unref);
  g_clear_pointer (&result->users, g_ptr_array_unref);
  g_clear_pointer (&result->projects, g_ptr_array_unref);
  g_clear_pointer (&result->sessions, g_ptr_array_unref);
  g_strfreev (result->all_models);
  g_strfreev (result->all_projects);
  g_free (result);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Result, result_free)

typedef struct
{
  char   *key;
  Result *result;
} CacheEntry;

static void
cache_entry_free (CacheEntry *entry)
{
  g_free (entry->key);
  result_free (entry->result);
  g_free (entry);
}

static GPtrArray *
ref0 (GPtrArray *array)
{
  return array != NULL ? g_ptr_array_ref (array) : NULL;
}

/* The views' part of a result, sharing its (immutable) items. */
static Result *
result_share (const Result *result)
{
  Result *copy = g_new0 (Result, 1);

  copy->sections = result->sections;
  memcpy (copy->totals, result->totals, sizeof copy->totals);
  copy->backends = ref0 (result->backends);
  copy->days = ref0 (result->days);
  copy->days_by_model = ref0 (result->days_by_model);
  copy->models = ref0 (result->models);
  copy->users = ref0 (result->users);
  copy->projects = ref0 (result->projects);

  return copy;
}

static void
append_filter_key (GString             *key,
                   const CmQueryFilter *f)
{
  g_string_append_printf (key, "%s|%s|%s|%s|%d:", f->since ? f->since : "", f->until ? f->until : "",
                          f->timezone ? f->timezone : "", f->project ? f->project : "", f->models_set);
  for (guint i = 0; f->models != NULL && f->models[i] != NULL; i++)
    g_string_append_printf (key, "%s,", f->models[i]);
  g_string_append_printf (key, "|%d:%u|%d:", f->backends_set, f->backends, f->users_set);
  for (guint i = 0; f->users != NULL && f->users[i] != NULL; i++)
    g_string_append_printf (key, "%s,", f->users[i]);
  g_string_append_printf (key, "|%s;", f->session_id ? f->session_id : "");
}

/* Everything a main result depends on, the store's generation included. */
static char *
job_key (const Job *job)
{
  GString *key = g_string_new (NULL);

  for (guint i = 0; i < CM_N_PERIODS; i++)
    append_filter_key (key, job->filters[i]);
  g_string_append_printf (key, "%d|%u|%" G_GUINT64_FORMAT, job->by_model, job->sections, job->generation);

  return g_string_free (key, FALSE);
}

const char *
cm_backend_display_name (CmBackend backend)
{
  switch (backend)
    {
    case CM_BACKEND_ANTHROPIC: return _("Anthropic");
    case CM_BACKEND_BEDROCK:   return _("Bedrock");
    case CM_BACKEND_VERTEX:    return _("Vertex");
    case CM_BACKEND_UNKNOWN:
    case CM_N_BACKENDS:
    default:                   return _("Not yet classified");
    }
}

static CmBackend
backend_of (const char *str)
{
  CmBackend backend = CM_BACKEND_UNKNOWN;

  if (!cm_backend_from_string (str, &backend))
    return CM_BACKEND_UNKNOWN;

  return backend;
}

/* @models: the rows are models', each speed its own. */
static GPtrArray *
items_of_rows (GPtrArray *rows,
               gboolean   models)
{
  GPtrArray *items = g_ptr_array_new_full (rows->len, g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    {
      const CmGroupRow *row = g_ptr_array_index (rows, i);
      CmGroupItem *item = cm_group_item_new (row->key, row->key2, NULL, &row->totals);

      if (models)
        cm_group_item_set_speed (item, row->speed);
      g_ptr_array_add (items, item);
    }

  return items;
}

static GPtrArray *
items_from_rows (GPtrArray *rows)
{
  return items_of_rows (rows, FALSE);
}

static int
compare_cost_desc (gconstpointer a,
                   gconstpointer b)
{
  CmGroupItem *ia = *(CmGroupItem **) a;
  CmGroupItem *ib = *(CmGroupItem **) b;
  CmMoney ca = cm_group_item_get_cost (ia);
  CmMoney cb = cm_group_item_get_cost (ib);

  if (ca != cb)
    return ca > cb ? -1 : 1;

  return g_strcmp0 (cm_group_item_get_key (ia), cm_group_item_get_key (ib));
}

static int
compare_users (gconstpointer a,
               gconstpointer b)
{
  CmGroupItem *ia = *(CmGroupItem **) a;
  CmGroupItem *ib = *(CmGroupItem **) b;

  return cm_user_rank_compare (cm_group_item_get_key (ia), cm_group_item_get_backend_cost (ia, CM_BACKEND_BEDROCK),
                               cm_group_item_get_cost (ia),
                               cm_group_item_get_key (ib), cm_group_item_get_backend_cost (ib, CM_BACKEND_BEDROCK),
                               cm_group_item_get_cost (ib));
}

/* The backend is the primary key of (backend) rows, the secondary of
 * (day, backend) rows. */
static GPtrArray *
build_backends (GPtrArray *rows,
                gboolean   secondary)
{
  GPtrArray *items = g_ptr_array_new_full (CM_N_BACKENDS, g_object_unref);
  CmGroupItem *by_backend[CM_N_BACKENDS];

  for (guint i = 0; i < G_N_ELEMENTS (backend_order); i++)
    {
      CmBackend backend = backend_order[i];

      by_backend[backend] = cm_group_item_new (cm_backend_to_string (backend), NULL,
                                               cm_backend_display_name (backend), NULL);
      g_ptr_array_add (items, by_backend[backend]);
    }

  for (guint j = 0; j < rows->len; j++)
    {
      const CmGroupRow *row = g_ptr_array_index (rows, j);
      CmBackend backend = backend_of (secondary ? row->key2 : row->key);

      cm_group_item_add_backend (by_backend[backend], backend, &row->totals);
    }

  return items;
}

static GPtrArray *
build_users (GPtrArray *rows)
{
  g_autoptr(GHashTable) by_user = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < rows->len; i++)
    {
      const CmGroupRow *row = g_ptr_array_index (rows, i);
      const char *user = row->key != NULL ? row->key : CM_UNATTRIBUTED_KEY;
      CmGroupItem *item = g_hash_table_lookup (by_user, user);

      if (item == NULL)
        {
          gboolean unattributed = g_strcmp0 (user, CM_UNATTRIBUTED_KEY) == 0;

          item = cm_group_item_new (user, NULL, unattributed ? _("Unattributed") : user, NULL);
          cm_group_item_set_muted (item, unattributed);
          g_hash_table_insert (by_user, (gpointer) cm_group_item_get_key (item), item);
          g_ptr_array_add (items, item);
        }

      cm_group_item_add_backend (item, backend_of (row->key2), &row->totals);
    }

  g_ptr_array_sort (items, compare_users);

  return items;
}

static void
set_shares (GPtrArray *items,
            CmMoney    total)
{
  for (guint i = 0; i < items->len; i++)
    {
      CmGroupItem *item = g_ptr_array_index (items, i);

      cm_group_item_set_share (item, total > 0 ? (double) cm_group_item_get_cost (item) / total : 0);
    }
}

/* One grouped query; two of these run side by side. */
/* The card's days lie inside the range: its figures are a sum of day rows. */
static gboolean
range_covers (const CmQueryFilter *range,
              const CmQueryFilter *period)
{
  if (period->since == NULL || period->until == NULL)
    return FALSE;

  return (range->since == NULL || strcmp (range->since, period->since) <= 0) &&
         (range->until == NULL || strcmp (range->until, period->until) >= 0);
}

static void
sum_days (GPtrArray           *day_rows,
          const CmQueryFilter *period,
          CmTotals            *totals)
{
  for (guint i = 0; i < day_rows->len; i++)
    {
      const CmGroupRow *row = g_ptr_array_index (day_rows, i);

      if (row->key != NULL && strcmp (row->key, period->since) >= 0 && strcmp (row->key, period->until) <= 0)
        cm_totals_add (totals, &row->totals);
    }
}

static gboolean
parse_day (const char *text,
           GDate      *date)
{
  guint y, m, d;

  g_date_clear (date, 1);
  if (text == NULL || sscanf (text, "%4u-%2u-%2u", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return FALSE;
  g_date_set_dmy (date, d, m, y);

  return TRUE;
}

static char *
format_day (const GDate *date)
{
  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}

/* The period of @period's length that ends the day before it starts, NULL
 * when @period is open at either end ("all"). */
static CmQueryFilter *
previous_period (const CmQueryFilter *period,
                 guint               *n_days)
{
  CmQueryFilter *previous;
  GDate since, until;
  int days;

  *n_days = 0;
  if (!parse_day (period->since, &since) || !parse_day (period->until, &until))
    return NULL;
  days = g_date_days_between (&since, &until) + 1;
  if (days <= 0)
    return NULL;

  previous = cm_query_filter_copy (period);
  g_date_subtract_days (&since, 1);
  g_free (previous->until);
  previous->until = format_day (&since);
  g_date_subtract_days (&since, days - 1);
  g_free (previous->since);
  previous->since = format_day (&since);
  *n_days = days;

  return previous;
}

/* Each card's figures for the period before it, for "+23 % vs the previous
 * 7 days". */
static gboolean
read_previous (Job     *job,
               Result  *result,
               GError **error)
{
  for (guint i = 0; i < CM_N_PERIODS; i++)
    {
      g_autoptr(CmQueryFilter) previous = previous_period (job->filters[i], &result->previous_days[i]);

      if (previous != NULL && !cm_report_source_totals (&job->source, previous, &result->previous[i], error))
        return FALSE;
    }

  return TRUE;
}

static void
main_worker (Job          *job,
             Result       *result,
             GCancellable *cancellable,
             GError      **error)
{
  CmQueryFilter *range = job->filters[CM_PERIOD_RANGE];
  CmGrouping groupings[5];
  GPtrArray *rows[5] = { NULL };
  guint n = 0;
  GPtrArray *days = NULL, *projects = NULL, *backends = NULL, *models = NULL, *users = NULL;
  GPtrArray *any = NULL;
  int i_days = -1, i_projects = -1, i_backends = -1, i_models = -1, i_users = -1;

#define ADD_GROUPING(index, p, s2) \
  G_STMT_START { \
    index = n; \
    groupings[n++] = (CmGrouping) { p, s2 }; \
  } G_STMT_END

  /* Only what the shown views need: a hidden view is read when it shows. */
  if (job->sections & CM_SECTION_OVERVIEW)
    {
      ADD_GROUPING (i_days, CM_GROUP_DAY, job->by_model ? CM_GROUP_MODEL : CM_GROUP_BACKEND);
      ADD_GROUPING (i_projects, CM_GROUP_PROJECT, CM_GROUP_NONE);
      if (job->by_model)
        ADD_GROUPING (i_backends, CM_GROUP_BACKEND, CM_GROUP_NONE);
    }
  if (job->sections & CM_SECTION_MODELS)
    ADD_GROUPING (i_models, CM_GROUP_MODEL, CM_GROUP_BACKEND);
  if (job->sections & CM_SECTION_USERS)
    ADD_GROUPING (i_users, CM_GROUP_USER, CM_GROUP_BACKEND);

#undef ADD_GROUPING

  /* Every grouping in one pass over the rollup in memory; none (the
   * Sessions view alone) does not wait for the rollup to load. */
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      (n > 0 && !cm_report_source_query (&job->source, range, groupings, n, rows, error)))
    goto out;

  days = i_days >= 0 ? rows[i_days] : NULL;
  projects = i_projects >= 0 ? rows[i_projects] : NULL;
  backends = i_backends >= 0 ? rows[i_backends] : NULL;
  models = i_models >= 0 ? rows[i_models] : NULL;
  users = i_users >= 0 ? rows[i_users] : NULL;

  /* Each of these row sets splits every message of the range once: the
   * range total is an exact sum of any of them. */
  any = days ? days : models ? models : users;
  for (guint i = 0; any != NULL && i < any->len; i++)
    cm_totals_add (&result->totals[CM_PERIOD_RANGE], &((CmGroupRow *) g_ptr_array_index (any, i))->totals);

  if (days != NULL)
    {
      result->backends = backends != NULL ? build_backends (backends, FALSE) : build_backends (days, TRUE);
      /* Listed by what they cost. */
      g_ptr_array_sort (result->backends, compare_cost_desc);
      if (job->by_model)
        result->days_by_model = items_from_rows (days);
      else
        result->days = items_from_rows (days);

      result->projects = items_from_rows (projects);
      g_ptr_array_sort (result->projects, compare_cost_desc);
      set_shares (result->projects, result->totals[CM_PERIOD_RANGE].cost);

      /* Cards: from the day rows when the range holds their days, else a
       * pass of their own. */
      for (guint i = CM_PERIOD_RANGE + 1; i < CM_N_PERIODS; i++)
        {
          if (range_covers (range, job->filters[i]))
            sum_days (days, job->filters[i], &result->totals[i]);
          else if (!cm_report_source_totals (&job->source, job->filters[i], &result->totals[i], error))
            goto out;
        }
      if (!read_previous (job, result, error))
        goto out;
    }

  if (models != NULL)
    {
      result->models = items_of_rows (models, TRUE);
      g_ptr_array_sort (result->models, compare_cost_desc);
      set_shares (result->models, result->totals[CM_PERIOD_RANGE].cost);
    }

  if (users != NULL)
    {
      result->users = build_users (users);
      set_shares (result->users, result->totals[CM_PERIOD_RANGE].cost);
    }

  result->sections = job->sections;

out:
  for (guint i = 0; i < n; i++)
    g_clear_pointer (&rows[i], g_ptr_array_unref);
}

static GStrv
keys_of (GPtrArray *rows)
{
  GStrv keys = g_new0 (char *, rows->len + 1);

  for (guint i = 0; i < rows->len; i++)
    {
      const CmGroupRow *row = g_ptr_array_index (rows, i);

      keys[i] = g_strdup (row->key != NULL ? row->key : "");
    }

  return keys;
}

/* Rows only: the list makes the items the view asks for. */
static void
sessions_worker (Job          *job,
                 Result       *result,
                 GCancellable *cancellable,
                 GError      **error)
{
  if (!g_cancellable_set_error_if_cancelled (cancellable, error))
    result->sessions = cm_report_source_sessions (&job->source, job->filters[CM_PERIOD_RANGE], error);

  for (guint i = 0; result->sessions != NULL && i < result->sessions->len; i++)
    cm_totals_add (&result->sessions_total, &((CmSessionRow *) g_ptr_array_index (result->sessions, i))->totals);
}

static void
extra_worker (Job          *job,
              Result       *result,
              GCancellable *cancellable,
              GError      **error)
{
  if (job->need_lists)
    {
      CmGrouping groupings[2] = { { CM_GROUP_MODEL, CM_GROUP_NONE }, { CM_GROUP_PROJECT, CM_GROUP_NONE } };
      GPtrArray *rows[2] = { NULL, NULL };

      /* Every model and project of the store, whatever the filter. */
      if (!cm_report_source_query (&job->source, NULL, groupings, 2, rows, error))
        return;

      result->all_models = keys_of (rows[0]);
      result->all_projects = keys_of (rows[1]);
      for (guint i = 0; i < rows[0]->len; i++)
        {
          const CmTotals *t = &((const CmGroupRow *) g_ptr_array_index (rows[0], i))->totals;

          if (t->first_ms > 0 && (result->first_ms == 0 || t->first_ms < result->first_ms))
            result->first_ms = t->first_ms;
          result->last_ms = MAX (result->last_ms, t->last_ms);
        }
      result->generation = job->generation;
      g_ptr_array_unref (rows[0]);
      g_ptr_array_unref (rows[1]);
    }

  if (job->need_sessions)
    sessions_worker (job, result, cancellable, error);
}

static void
query_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Job *job = task_data;
  g_autoptr(Result) result = g_new0 (Result, 1);
  GError *error = NULL;

  if (job->kind == JOB_MAIN)
    {
      main_worker (job, result, cancellable, &error);
      /* The Sessions view alone: its list comes in the same trip. */
      if (error == NULL && job->sections == 0 && job->need_sessions)
        sessions_worker (job, result, cancellable, &error);
    }
  else
    extra_worker (job, result, cancellable, &error);

  result->team_admin = cm_report_source_is_admin (&job->source);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, g_steal_pointer (&result), (GDestroyNotify) result_free);
}

static void
splice (GListStore *store,
        GPtrArray  *items)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)),
                       items->pdata, items->len);
}

static void start_query (CmReport *self,
                         JobKind   kind);

/* A list's Total row: one item, replaced with the list. */
static void
set_total (GListStore *store,
           gpointer    item)
{
  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), &item, 1);
  g_object_unref (item);
}

static void
set_loading (CmReport *self,
             gboolean  loading)
{
  if (self->running == loading)
    return;

  self->running = loading;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
cache_clear (CmReport *self)
{
  g_queue_clear_full (&self->cache, (GDestroyNotify) cache_entry_free);
}

static const Result *
cache_lookup (CmReport   *self,
              const char *key)
{
  for (GList *l = self->cache.head; l != NULL; l = l->next)
    {
      CacheEntry *entry = l->data;

      if (g_str_equal (entry->key, key))
        {
          /* Most recently used first. */
          g_queue_unlink (&self->cache, l);
          g_queue_push_head_link (&self->cache, l);
          return entry->result;
        }
    }

  return NULL;
}

static void
cache_put (CmReport     *self,
           const char   *key,
           guint64       generation,
           const Result *result)
{
  CacheEntry *entry = g_new0 (CacheEntry, 1);

  /* Only results of one store generation are kept. */
  if (generation != self->cache_generation)
    {
      cache_clear (self);
      self->cache_generation = generation;
    }

  entry->key = g_strdup (key);
  entry->result = result_share (result);
  g_queue_push_head (&self->cache, entry);
  while (self->cache.length > CACHE_SIZE)
    cache_entry_free (g_queue_pop_tail (&self->cache));
}

static void
apply_extra (CmReport *self,
             Result   *result)
{
  if (result->all_models != NULL)
    {
      gboolean empty = result->all_models[0] == NULL;

      g_strfreev (self->all_models);
      self->all_models = g_steal_pointer (&result->all_models);
      g_strfreev (self->all_projects);
      self->all_projects = g_steal_pointer (&result->all_projects);
      self->first_ms = result->first_ms;
      self->last_ms = result->last_ms;
      self->lists_generation = result->generation;
      self->have_lists = TRUE;

      if (empty != self->store_empty)
        {
          self->store_empty = empty;
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_EMPTY]);
        }
    }

  if (result->sessions != NULL)
    {
      cm_session_list_set_rows (self->sessions, g_steal_pointer (&result->sessions));
      set_total (self->sessions_total, cm_session_item_new_total (&result->sessions_total));
      self->stale &= ~CM_SECTION_SESSIONS;

      /* The cache with sessions answers every view as well, a little more
       * slowly (twice the slices): one cache in memory, not both. */
      if (!self->sessions_read && self->team == NULL)
        {
          self->sessions_read = TRUE;
          cm_rollup_cache_release (self->rollup);
        }
    }

  self->serial++;
}

static void
apply_main (CmReport *self,
            Result   *result)
{
  for (guint i = 0; i < CM_N_PERIODS; i++)
    {
      /* Cards come with the overview; the range total with any view. */
      if (i != CM_PERIOD_RANGE && !(result->sections & CM_SECTION_OVERVIEW))
        continue;
      if (i == CM_PERIOD_RANGE && result->sections == 0)
        continue;
      g_clear_object (&self->totals[i]);
      self->totals[i] = cm_group_item_new (period_presets[i] ? period_presets[i] : "range",
                                           NULL, NULL, &result->totals[i]);
      if (!(result->sections & CM_SECTION_OVERVIEW))
        continue;
      g_clear_object (&self->previous[i]);
      self->previous_days[i] = result->previous_days[i];
      if (result->previous_days[i] > 0)
        self->previous[i] = cm_group_item_new ("previous", NULL, NULL, &result->previous[i]);
    }

  if (result->sections & CM_SECTION_OVERVIEW)
    {
      splice (self->backends, result->backends);
      if (result->days != NULL)
        splice (self->days, result->days);
      if (result->days_by_model != NULL)
        splice (self->days_by_model, result->days_by_model);
      if (result->days != NULL || result->days_by_model != NULL)
        self->days_by_model_read = result->days_by_model != NULL;
      splice (self->projects, result->projects);
    }
  if (result->sections & CM_SECTION_MODELS)
    {
      splice (self->models, result->models);
      set_total (self->models_total, cm_group_item_new_total (result->models));
    }
  if (result->sections & CM_SECTION_USERS)
    {
      splice (self->users, result->users);
      set_total (self->users_total, cm_group_item_new_total (result->users));
    }

  /* The filter moved: whatever was not read now is out of date. */
  self->stale = CM_SECTION_ALL & ~result->sections;

  self->serial++;
}

/* What results are keyed on: the store's generation, or the team's. */
static guint64
current_generation (CmReport *self)
{
  return self->team != NULL ? self->team_generation : cm_store_get_generation (self->store);
}

static gboolean
need_lists (CmReport *self)
{
  return !self->have_lists || current_generation (self) != self->lists_generation;
}

static void
apply_team_admin (CmReport *self,
                  Result   *result)
{
  gboolean admin = self->team != NULL && result->team_admin;

  if (admin == self->team_admin)
    return;

  self->team_admin = admin;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM_ADMIN]);
}

/* What is still to read after a job: a view shown meanwhile, the filter
 * choices, the sessions list. */
static void
follow_up (CmReport *self)
{
  if (self->wanted & self->stale & ~CM_SECTION_SESSIONS)
    start_query (self, JOB_MAIN);
  else if (need_lists (self) || (self->wanted & self->stale & CM_SECTION_SESSIONS))
    start_query (self, JOB_EXTRA);
  else
    set_loading (self, self->schedule_id != 0);
}

static void
query_done_cb (GObject      *object,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(CmReport) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(Result) result = NULL;
  JobKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (res), "cm-job-kind"));

  result = g_task_propagate_pointer (G_TASK (res), &error);
  g_clear_object (&self->cancellable);

  if (self->pending)
    {
      /* Stale: the filter or the store moved on while this ran. */
      self->pending = FALSE;
      start_query (self, JOB_MAIN);
      return;
    }

  if (result == NULL)
    {
      set_loading (self, self->schedule_id != 0);
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;

      /* A team database that does not answer is not a fault here: the
       * window says so. */
      if (self->team != NULL)
        g_debug ("Could not query the team database: %s", error->message);
      else
        g_warning ("Could not query the store: %s", error->message);
      g_clear_error (&self->error);
      self->error = g_steal_pointer (&error);
      g_signal_emit (self, signals[UPDATED], 0);
      return;
    }

  g_clear_error (&self->error);
  apply_team_admin (self, result);

  /* The views on screen first; filter choices and sessions follow. */
  if (kind == JOB_MAIN)
    {
      Job *job = g_task_get_task_data (G_TASK (res));

      cache_put (self, job->key, job->generation, result);
      apply_main (self, result);
      if (result->sessions != NULL)
        apply_extra (self, result);
    }
  else
    apply_extra (self, result);
  follow_up (self);

  g_signal_emit (self, signals[UPDATED], 0);
}

static void
start_query (CmReport *self,
             JobKind   kind)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  if (self->cancellable != NULL)
    {
      /* One query at a time: stop the running one, start again when it ends. */
      self->pending = TRUE;
      g_cancellable_cancel (self->cancellable);
      return;
    }

  job = g_new0 (Job, 1);
  job->kind = kind;
  job->store = g_object_ref (self->store);
  job->source.rollup = g_object_ref (cm_report_get_cache (self));
  job->source.by_session = g_object_ref (self->by_session);
  job->source.team = self->team != NULL ? g_object_ref (self->team) : NULL;
  job->by_model = self->by_model;
  job->generation = current_generation (self);
  job->sections = self->wanted & ~CM_SECTION_SESSIONS;
  job->need_lists = need_lists (self);
  job->need_sessions = (self->wanted & CM_SECTION_SESSIONS) != 0;
  for (guint i = 0; i < CM_N_PERIODS; i++)
    {
      if (i == CM_PERIOD_RANGE)
        job->filters[i] = cm_filter_dup_query_filter (self->filter);
      else
        job->filters[i] = cm_filter_dup_query_filter_for (self->filter, period_presets[i]);
    }

  if (kind == JOB_MAIN)
    {
      const Result *cached;

      job->key = job_key (job);
      cached = cache_lookup (self, job->key);
      if (cached != NULL)
        {
          /* Seen lately, and the store has not moved since: no query. */
          job_free (job);
          apply_main (self, (Result *) cached);
          follow_up (self);
          g_signal_emit (self, signals[UPDATED], 0);
          return;
        }
    }

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);

  task = g_task_new (self, self->cancellable, query_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, start_query);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_object_set_data (G_OBJECT (task), "cm-job-kind", GINT_TO_POINTER (kind));
  g_task_run_in_thread (task, query_worker);
}

static gboolean
scheduled_cb (gpointer user_data)
{
  CmReport *self = user_data;

  self->schedule_id = 0;
  start_query (self, JOB_MAIN);

  return G_SOURCE_REMOVE;
}

/* Filter edits come in groups (a preset sets since and until) and the store
 * says "changed" once per scan: one idle takes whatever arrived before it. */
static void
schedule (CmReport *self)
{
  if (self->schedule_id != 0)
    return;

  self->schedule_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, scheduled_cb, self, NULL);

  /* Out of date from now on, not only once the query runs. */
  set_loading (self, TRUE);
}

static void
cm_report_dispose (GObject *object)
{
  CmReport *self = (CmReport *)object;

  g_clear_handle_id (&self->schedule_id, g_source_remove);
  cache_clear (self);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);

  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_data (self->filter, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);

  g_clear_object (&self->store);
  g_clear_object (&self->filter);
  g_clear_object (&self->rollup);
  g_clear_object (&self->by_session);
  g_clear_object (&self->team);
  g_clear_object (&self->backends);
  g_clear_object (&self->days);
  g_clear_object (&self->days_by_model);
  g_clear_object (&self->models);
  g_clear_object (&self->users);
  g_clear_object (&self->projects);
  g_clear_object (&self->sessions);
  g_clear_object (&self->models_total);
  g_clear_object (&self->users_total);
  g_clear_object (&self->sessions_total);
  for (guint i = 0; i < CM_N_PERIODS; i++)
    {
      g_clear_object (&self->totals[i]);
      g_clear_object (&self->previous[i]);
    }

  G_OBJECT_CLASS (cm_report_parent_class)->dispose (object);
}

static void
cm_report_finalize (GObject *object)
{
  CmReport *self = (CmReport *)object;

  g_strfreev (self->all_models);
  g_strfreev (self->all_projects);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (cm_report_parent_class)->finalize (object);
}

static void
cm_report_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CmReport *self = CM_REPORT (object);

  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->running);
      break;
    case PROP_STORE_EMPTY:
      g_value_set_boolean (value, self->store_empty);
      break;
    case PROP_TEAM:
      g_value_set_object (value, self->team);
      break;
    case PROP_TEAM_ADMIN:
      g_value_set_boolean (value, self->team_admin);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_report_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CmReport *self = CM_REPORT (object);

  switch (prop_id)
    {
    case PROP_TEAM:
      cm_report_set_team (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_report_class_init (CmReportClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = cm_report_dispose;
  object_class->finalize = cm_report_finalize;
  object_class->get_property = cm_report_get_property;
  object_class->set_property = cm_report_set_property;

  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STORE_EMPTY] =
    g_param_spec_boolean ("store-empty", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CmReport:team:
   *
   * The team database every view reads instead of the store, or %NULL.
   */
  properties[PROP_TEAM] =
    g_param_spec_object ("team", NULL, NULL, CM_TYPE_TEAM_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * CmReport:team-admin:
   *
   * Whether the team database lets this role see every user's rows (the
   * Users view's team table is shown only then).
   */
  properties[PROP_TEAM_ADMIN] =
    g_param_spec_boolean ("team-admin", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[UPDATED] = g_signal_new ("updated",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
cm_report_init (CmReport *self)
{
  self->wanted = CM_SECTION_ALL;
  self->stale = CM_SECTION_ALL;
  self->backends = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->days = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->days_by_model = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->models = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->users = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->projects = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->sessions = cm_session_list_new ();
  self->models_total = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->users_total = g_list_store_new (CM_TYPE_GROUP_ITEM);
  self->sessions_total = g_list_store_new (CM_TYPE_SESSION_ITEM);
  for (guint i = 0; i < CM_N_PERIODS; i++)
    self->totals[i] = cm_group_item_new (period_presets[i] ? period_presets[i] : "range",
                                         NULL, NULL, NULL);
}

CmReport *
cm_report_new (CmStore  *store,
               CmFilter *filter)
{
  CmReport *self;

  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (CM_IS_FILTER (filter), NULL);

  self = g_object_new (CM_TYPE_REPORT, NULL);
  self->store = g_object_ref (store);
  self->filter = g_object_ref (filter);
  self->rollup = cm_rollup_cache_new (store, FALSE);
  self->by_session = cm_rollup_cache_new (store, TRUE);

  g_signal_connect_swapped (filter, "changed", G_CALLBACK (schedule), self);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (schedule), self);

  schedule (self);

  return self;
}

CmStore *
cm_report_get_store (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->store;
}

CmFilter *
cm_report_get_filter (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->filter;
}

#define GETTER(name)                                  \
  GListModel *                                        \
  cm_report_get_##name (CmReport *self)               \
  {                                                   \
    g_return_val_if_fail (CM_IS_REPORT (self), NULL); \
    return G_LIST_MODEL (self->name);                 \
  }

GETTER (backends)
GETTER (days)
GETTER (days_by_model)
GETTER (models)
GETTER (users)
GETTER (projects)
GETTER (sessions)

#undef GETTER

GListModel *
cm_report_get_total (CmReport  *self,
                     CmSection  section)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  switch (section)
    {
    case CM_SECTION_MODELS:   return G_LIST_MODEL (self->models_total);
    case CM_SECTION_USERS:    return G_LIST_MODEL (self->users_total);
    case CM_SECTION_SESSIONS: return G_LIST_MODEL (self->sessions_total);
    case CM_SECTION_OVERVIEW:
    default:                  return NULL;
    }
}

CmGroupItem *
cm_report_get_totals (CmReport *self,
                      CmPeriod  period)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);
  g_return_val_if_fail (period < CM_N_PERIODS, NULL);

  return self->totals[period];
}

/**
 * cm_report_get_previous_totals:
 * @n_days: (out) (optional): the length of both periods
 *
 * The figures of the period of the same length just before @period's, as
 * read with the overview; %NULL when @period has no such period (a range
 * open at either end) or the overview was not read yet.
 */
CmGroupItem *
cm_report_get_previous_totals (CmReport *self,
                               CmPeriod  period,
                               guint    *n_days)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);
  g_return_val_if_fail (period < CM_N_PERIODS, NULL);

  if (n_days != NULL)
    *n_days = self->previous[period] != NULL ? self->previous_days[period] : 0;

  return self->previous[period];
}

const char * const *
cm_report_get_all_models (CmReport *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->all_models ? (const char * const *) self->all_models : none;
}

gboolean
cm_report_get_extent (CmReport *self,
                      gint64   *first_ms,
                      gint64   *last_ms)
{
  g_return_val_if_fail (CM_IS_REPORT (self), FALSE);

  if (first_ms != NULL)
    *first_ms = self->first_ms;
  if (last_ms != NULL)
    *last_ms = self->last_ms;

  return self->first_ms > 0;
}

const char * const *
cm_report_get_all_projects (CmReport *self)
{
  static const char *none[] = { NULL };

  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->all_projects ? (const char * const *) self->all_projects : none;
}

gboolean
cm_report_get_store_empty (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), FALSE);

  return self->store_empty;
}

gboolean
cm_report_get_loading (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), FALSE);

  return self->running;
}

/**
 * cm_report_get_cache:
 *
 * Returns: (transfer none): the in-memory cache the views are read from:
 *   the rollup, or the one with sessions once the sessions list was read
 */
CmRollupCache *
cm_report_get_cache (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->sessions_read ? self->by_session : self->rollup;
}

guint
cm_report_get_serial (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), 0);

  return self->serial;
}

const GError *
cm_report_get_error (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->error;
}

gboolean
cm_report_get_by_model (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), FALSE);

  return self->by_model;
}

gboolean
cm_report_get_days_by_model_read (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), FALSE);

  return self->days_by_model_read;
}

/* Only the chart's current stacking is queried; switching asks again. */
void
cm_report_set_by_model (CmReport *self,
                        gboolean  by_model)
{
  g_return_if_fail (CM_IS_REPORT (self));

  by_model = !!by_model;
  if (self->by_model == by_model)
    return;

  self->by_model = by_model;
  g_clear_handle_id (&self->schedule_id, g_source_remove);
  schedule (self);
}

/* Sections are read only while shown; a section that was hidden when the
 * filter changed is read when it shows again. */
void
cm_report_set_wanted (CmReport *self,
                      guint     sections)
{
  guint newly;

  g_return_if_fail (CM_IS_REPORT (self));

  sections &= CM_SECTION_ALL;
  if (self->wanted == sections)
    return;

  newly = sections & ~self->wanted & self->stale;
  self->wanted = sections;

  if (newly == 0 || self->schedule_id != 0 || self->cancellable != NULL)
    return;

  if (newly == CM_SECTION_SESSIONS)
    start_query (self, JOB_EXTRA);
  else
    schedule (self);
}

guint
cm_report_get_wanted (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), 0);

  return self->wanted;
}

guint
cm_report_get_stale (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), 0);

  return self->stale;
}

void
cm_report_refresh (CmReport *self)
{
  g_return_if_fail (CM_IS_REPORT (self));

  /* Asked by hand (a long scan's progress, a new number format): results
   * are read again; the in-memory rollups reload only if the store's
   * generation moved, which every commit that changed rows does. */
  self->have_lists = FALSE;
  self->team_generation++;
  cache_clear (self);

  schedule (self);
}

CmTeamStore *
cm_report_get_team (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);

  return self->team;
}

gboolean
cm_report_get_team_admin (CmReport *self)
{
  g_return_val_if_fail (CM_IS_REPORT (self), FALSE);

  return self->team_admin;
}

/* Every view reads @team from now on (NULL: the store again). */
void
cm_report_set_team (CmReport    *self,
                    CmTeamStore *team)
{
  g_return_if_fail (CM_IS_REPORT (self));
  g_return_if_fail (team == NULL || CM_IS_TEAM_STORE (team));

  if (self->team == team)
    return;

  g_set_object (&self->team, team);
  if (team == NULL && self->team_admin)
    {
      self->team_admin = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM_ADMIN]);
    }
  self->stale = CM_SECTION_ALL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM]);
  cm_report_refresh (self);
}

typedef struct
{
  char        *session_id;
  CmTeamStore *team;
} SessionTask;

static void
session_task_free (SessionTask *data)
{
  g_free (data->session_id);
  g_clear_object (&data->team);
  g_free (data);
}

static void
session_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  CmReport *self = source_object;
  SessionTask *data = task_data;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(GListStore) items = NULL;
  GError *error = NULL;

  rows = data->team != NULL ? cm_team_store_query_session_messages (data->team, data->session_id, &error)
                            : cm_store_query_session_messages (self->store, data->session_id, &error);
  if (rows == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  items = g_list_store_new (CM_TYPE_MESSAGE_ITEM);
  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(CmMessageItem) item = cm_message_item_new (g_ptr_array_index (rows, i));

      g_list_store_append (items, item);
    }

  g_task_return_pointer (task, g_steal_pointer (&items), g_object_unref);
}

void
cm_report_load_session_async (CmReport            *self,
                              const char          *session_id,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SessionTask *data;

  g_return_if_fail (CM_IS_REPORT (self));
  g_return_if_fail (session_id != NULL);

  data = g_new0 (SessionTask, 1);
  data->session_id = g_strdup (session_id);
  data->team = self->team != NULL ? g_object_ref (self->team) : NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_report_load_session_async);
  g_task_set_task_data (task, data, (GDestroyNotify) session_task_free);
  g_task_run_in_thread (task, session_worker);
}

GListModel *
cm_report_load_session_finish (CmReport      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (CM_IS_REPORT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
