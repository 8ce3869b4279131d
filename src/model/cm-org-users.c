/* cm-org-users.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The organization's Claude Code users from the Admin API's analytics,
 * merged with the transcript users by e-mail (letter case aside). */

#include "config.h"

#include <string.h>

#include "cm-org-users.h"

void
cm_org_user_row_free (CmOrgUserRow *row)
{
  if (row == NULL)
    return;

  g_free (row->key);
  g_free (row->actor_type);
  g_free (row->customer_type);
  g_free (row->models);
  g_clear_pointer (&row->by_model, g_ptr_array_unref);
  g_free (row);
}

const char *
cm_org_source_to_string (guint sources)
{
  if (sources == (CM_ORG_SOURCE_TRANSCRIPTS | CM_ORG_SOURCE_ADMIN_API))
    return "both";
  if (sources & CM_ORG_SOURCE_ADMIN_API)
    return "admin-api";

  return "transcripts";
}

typedef struct
{
  GHashTable *by_key;      /* folded key -> CmOrgUserRow */
  GHashTable *model_costs; /* folded key -> (model -> CmOrgModelUsage *) */
  GPtrArray  *rows;
} Merge;

static CmOrgUserRow *
row_for (Merge      *m,
         const char *key)
{
  g_autofree char *folded = g_utf8_casefold (key, -1);
  CmOrgUserRow *row = g_hash_table_lookup (m->by_key, folded);

  if (row == NULL)
    {
      row = g_new0 (CmOrgUserRow, 1);
      row->key = g_strdup (key);
      g_ptr_array_add (m->rows, row);
      g_hash_table_insert (m->model_costs, g_strdup (folded),
                           g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                  (GDestroyNotify) cm_org_model_usage_free));
      g_hash_table_insert (m->by_key, g_steal_pointer (&folded), row);
    }

  return row;
}

static void
add_record (Merge            *m,
            const CmOrgUsage *o)
{
  CmOrgUserRow *row = row_for (m, o->actor);
  g_autofree char *folded = g_utf8_casefold (o->actor, -1);
  GHashTable *costs = g_hash_table_lookup (m->model_costs, folded);

  row->sources |= CM_ORG_SOURCE_ADMIN_API;
  if (row->actor_type == NULL)
    row->actor_type = g_strdup (o->actor_type);
  g_free (row->customer_type);
  row->customer_type = g_strdup (o->customer_type);
  row->sessions += o->sessions;
  row->lines_added += o->lines_added;
  row->lines_removed += o->lines_removed;
  row->commits += o->commits;
  row->pull_requests += o->pull_requests;

  for (guint i = 0; i < o->models->len; i++)
    {
      const CmOrgModelUsage *mu = g_ptr_array_index (o->models, i);
      CmOrgModelUsage *sum = g_hash_table_lookup (costs, mu->model);

      row->input += mu->input;
      row->output += mu->output;
      row->cache_read += mu->cache_read;
      row->cache_creation += mu->cache_creation;
      row->org_cost += mu->estimated_cost;
      if (sum == NULL)
        {
          sum = g_new0 (CmOrgModelUsage, 1);
          sum->model = g_strdup (mu->model);
          g_hash_table_insert (costs, sum->model, sum);
        }
      sum->input += mu->input;
      sum->output += mu->output;
      sum->cache_read += mu->cache_read;
      sum->cache_creation += mu->cache_creation;
      sum->estimated_cost += mu->estimated_cost;
    }
}

static int
compare_model_costs (gconstpointer a,
                     gconstpointer b)
{
  const CmOrgModelUsage *ma = *(const CmOrgModelUsage **) a;
  const CmOrgModelUsage *mb = *(const CmOrgModelUsage **) b;

  if (ma->estimated_cost != mb->estimated_cost)
    return ma->estimated_cost > mb->estimated_cost ? -1 : 1;

  return g_strcmp0 (ma->model, mb->model);
}

/* The models of @costs (taken out of it), costliest first. */
static GPtrArray *
steal_models (GHashTable *costs)
{
  GPtrArray *list = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_org_model_usage_free);
  GHashTableIter iter;
  gpointer value;

  if (costs == NULL)
    return list;

  g_hash_table_iter_init (&iter, costs);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      g_ptr_array_add (list, value);
      g_hash_table_iter_steal (&iter);
    }
  g_ptr_array_sort (list, compare_model_costs);

  return list;
}

static char *
join_models (GPtrArray *models)
{
  g_autoptr(GString) text = g_string_new (NULL);

  if (models->len == 0)
    return NULL;

  for (guint i = 0; i < models->len; i++)
    g_string_append_printf (text, "%s%s", i > 0 ? "," : "",
                            ((CmOrgModelUsage *) g_ptr_array_index (models, i))->model);

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static CmMoney
rank_cost (const CmOrgUserRow *row)
{
  return MAX (row->org_cost, row->transcripts.cost);
}

static int
compare_users (gconstpointer a,
               gconstpointer b)
{
  const CmOrgUserRow *ra = *(const CmOrgUserRow **) a;
  const CmOrgUserRow *rb = *(const CmOrgUserRow **) b;
  gboolean ua = g_strcmp0 (ra->key, CM_UNATTRIBUTED_KEY) == 0;
  gboolean ub = g_strcmp0 (rb->key, CM_UNATTRIBUTED_KEY) == 0;

  if (ua != ub)
    return ua ? 1 : -1;
  if (rank_cost (ra) != rank_cost (rb))
    return rank_cost (ra) > rank_cost (rb) ? -1 : 1;

  return g_strcmp0 (ra->key, rb->key);
}

GPtrArray *
cm_org_users_read (CmStore     *store,
                   const char  *since,
                   const char  *until,
                   GError     **error)
{
  g_autoptr(GPtrArray) records = NULL;
  g_autoptr(GPtrArray) groups = NULL;
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) model_costs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                             (GDestroyNotify) g_hash_table_unref);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_org_user_row_free);
  Merge m = { by_key, model_costs, rows };

  g_return_val_if_fail (CM_IS_STORE (store), NULL);

  filter->since = g_strdup (since);
  filter->until = g_strdup (until);
  filter->timezone = g_strdup ("UTC");
  if ((records = cm_store_list_org_usage (store, since, until, error)) == NULL ||
      (groups = cm_store_query_groups (store, filter, CM_GROUP_USER, CM_GROUP_NONE, error)) == NULL)
    return NULL;

  for (guint i = 0; i < groups->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (groups, i);
      CmOrgUserRow *row = row_for (&m, g->key);

      row->sources |= CM_ORG_SOURCE_TRANSCRIPTS;
      cm_totals_add (&row->transcripts, &g->totals);
    }

  for (guint i = 0; i < records->len; i++)
    add_record (&m, g_ptr_array_index (records, i));

  for (guint i = 0; i < rows->len; i++)
    {
      CmOrgUserRow *row = g_ptr_array_index (rows, i);
      g_autofree char *folded = g_utf8_casefold (row->key, -1);

      row->by_model = steal_models (g_hash_table_lookup (model_costs, folded));
      row->models = join_models (row->by_model);
    }
  g_ptr_array_sort (rows, compare_users);

  return g_steal_pointer (&rows);
}
