/* cm-billed-compare.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Billed versus estimated: the cost report against the first-party
 * transcripts, per UTC day and model, and what explains the gap. Token costs
 * are compared per model; the charges that are not per token (web search,
 * code execution) against the web searches the transcripts priced, in one
 * row per day. Bedrock and Vertex are never billed here: they are summed
 * apart. */

#include "config.h"

#include <math.h>
#include <string.h>

#include "cm-billed-compare.h"

#define DAY_MS   (G_GINT64_CONSTANT (24) * 3600 * 1000)
#define SETTLE_MS (G_GINT64_CONSTANT (48) * 3600 * 1000)

static const char *reason_names[CM_BILLED_N_REASONS] = {
  "settling", "not-fetched", "other-usage", "server-tools", "priority-tier", "subscription",
  "fewer-billed-tokens", "price",
};

const char *
cm_billed_reason_to_string (CmBilledReason reason)
{
  return reason != CM_BILLED_REASON_NONE ? reason_names[cm_billed_reason_index (reason)] : "none";
}

guint
cm_billed_reason_index (CmBilledReason reason)
{
  g_return_val_if_fail (reason != 0 && (reason & (reason - 1)) == 0, 0);

  return (guint) g_bit_nth_lsf (reason, -1);
}

void
cm_billed_row_free (CmBilledRow *row)
{
  if (row == NULL)
    return;

  g_free (row->day);
  g_free (row->model);
  g_free (row->whose);
  g_free (row);
}

void
cm_billed_actor_free (CmBilledActor *actor)
{
  if (actor == NULL)
    return;

  g_free (actor->actor);
  g_free (actor->actor_type);
  g_free (actor);
}

void
cm_billed_comparison_free (CmBilledComparison *c)
{
  if (c == NULL)
    return;

  g_free (c->since);
  g_free (c->until);
  g_clear_pointer (&c->rows, g_ptr_array_unref);
  g_clear_pointer (&c->others, g_ptr_array_unref);
  g_clear_pointer (&c->apart, g_ptr_array_unref);
  g_free (c);
}

double
cm_billed_row_difference_ratio (const CmBilledRow *row)
{
  if (row->estimated == 0)
    return NAN;

  return (double) row->difference / (double) row->estimated;
}

static char *
day_of_ms (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return g_date_time_format (dt, "%Y-%m-%d");
}

void
cm_billed_this_month (gint64   now_ms,
                      char   **since,
                      char   **until)
{
  g_autofree char *today = day_of_ms (now_ms > 0 ? now_ms : g_get_real_time () / 1000);

  *since = g_strdup_printf ("%.8s01", today);
  *until = g_steal_pointer (&today);
}

static gint64
day_start_ms (const char *day)
{
  g_autofree char *iso = g_strconcat (day, "T00:00:00Z", NULL);
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (iso, NULL);

  return dt != NULL ? g_date_time_to_unix (dt) * 1000 : 0;
}

static gint64
usage_tokens (const CmUsage *u)
{
  return u->input + u->output + u->cache_write_5m + u->cache_write_1h + u->cache_read;
}

/* ------------------------------------------------------------------ */
/* Inputs                                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  CmPricing  *pricing;
  GHashTable *rows;          /* "day\tmodel" -> CmBilledRow */
  GHashTable *sync;          /* cost report: day -> fetched ms */
  GHashTable *local_users;   /* transcript e-mails, case-folded */
  GHashTable *subscription_days; /* days a local user ran on a subscription */
  GPtrArray  *org;           /* CmOrgUsage */
  gint64      now_ms;
} Build;

static char *
canonical (Build      *b,
           const char *model)
{
  if (model == NULL)
    return NULL;

  return b->pricing != NULL ? cm_pricing_canonicalize_model (b->pricing, model) : g_strdup (model);
}

/* The row of (@day, @model), made on first use; @model NULL is the day's
 * charges that are not per token. */
static CmBilledRow *
row_for (Build      *b,
         const char *day,
         const char *model)
{
  g_autofree char *key = g_strconcat (day, "\t", model != NULL ? model : "", NULL);
  CmBilledRow *row = g_hash_table_lookup (b->rows, key);

  if (row == NULL)
    {
      row = g_new0 (CmBilledRow, 1);
      row->day = g_strdup (day);
      row->model = g_strdup (model);
      row->token_agreement = -1;
      g_hash_table_insert (b->rows, g_steal_pointer (&key), row);
    }

  return row;
}

static void
add_costs (Build     *b,
           GPtrArray *costs)
{
  for (guint i = 0; i < costs->len; i++)
    {
      const CmBilledCost *c = g_ptr_array_index (costs, i);
      gboolean per_token = c->model != NULL && g_strcmp0 (c->cost_type, "web_search") != 0 &&
                           g_strcmp0 (c->cost_type, "code_execution") != 0 &&
                           g_strcmp0 (c->cost_type, "session_usage") != 0;
      g_autofree char *model = per_token ? canonical (b, c->model) : NULL;

      row_for (b, c->day, model)->billed += c->amount;
    }
}

static gboolean
is_priority (const char *tier)
{
  return tier != NULL && g_str_has_prefix (tier, "priority");
}

static void
add_usage (Build     *b,
           GPtrArray *usage)
{
  for (guint i = 0; i < usage->len; i++)
    {
      const CmBilledUsage *u = g_ptr_array_index (usage, i);
      g_autofree char *model = canonical (b, u->model);
      CmBilledRow *row = row_for (b, u->day, model);
      CmBilledRow *server = row_for (b, u->day, NULL);
      CmUsage add = { u->input, u->output, u->cache_write_5m, u->cache_write_1h, u->cache_read, 0 };

      row->has_usage = TRUE;
      row->billed_usage.input += add.input;
      row->billed_usage.output += add.output;
      row->billed_usage.cache_write_5m += add.cache_write_5m;
      row->billed_usage.cache_write_1h += add.cache_write_1h;
      row->billed_usage.cache_read += add.cache_read;
      if (is_priority (u->service_tier))
        row->priority_tokens += usage_tokens (&add);

      server->has_usage = TRUE;
      server->billed_usage.web_search += u->web_search;
    }
}

static void
add_transcripts (Build     *b,
                 GPtrArray *groups)
{
  for (guint i = 0; i < groups->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (groups, i);
      const CmTotals *t = &g->totals;
      CmBilledRow *row = row_for (b, g->key, g->key2);
      CmBilledRow *server = row_for (b, g->key, NULL);

      row->estimated += t->cost - t->cost_web_search;
      row->estimated_usage.input += t->input;
      row->estimated_usage.output += t->output;
      row->estimated_usage.cache_write_5m += t->cache_write_5m;
      row->estimated_usage.cache_write_1h += t->cache_write_1h;
      row->estimated_usage.cache_read += t->cache_read;
      row->messages += t->messages;
      row->unpriced += t->unpriced;

      server->estimated += t->cost_web_search;
      server->estimated_usage.web_search += t->web_search;
    }
}

/* Whether @actor is one of the transcript users (e-mails match whatever
 * their letter case). */
static gboolean
is_local (Build      *b,
          const char *actor)
{
  g_autofree char *folded = g_utf8_casefold (actor, -1);

  return g_hash_table_contains (b->local_users, folded);
}

/* Days on which a transcript user ran Claude Code on a subscription: those
 * runs never reach the cost report. */
static void
note_subscriptions (Build *b)
{
  for (guint i = 0; i < b->org->len; i++)
    {
      const CmOrgUsage *o = g_ptr_array_index (b->org, i);

      if (g_strcmp0 (o->customer_type, "subscription") == 0 && is_local (b, o->actor))
        g_hash_table_add (b->subscription_days, g_strdup (o->day));
    }
}

/* ------------------------------------------------------------------ */
/* Explanations                                                        */
/* ------------------------------------------------------------------ */

/* Other Claude Code users with usage of @row's model that day. */
static char *
whose (Build             *b,
       const CmBilledRow *row)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < b->org->len; i++)
    {
      const CmOrgUsage *o = g_ptr_array_index (b->org, i);

      if (!g_str_equal (o->day, row->day) || is_local (b, o->actor))
        continue;

      for (guint m = 0; m < o->models->len; m++)
        {
          const CmOrgModelUsage *mu = g_ptr_array_index (o->models, m);
          g_autofree char *model = canonical (b, mu->model);
          g_autofree char *usd = NULL;

          if (g_strcmp0 (model, row->model) != 0)
            continue;
          usd = cm_money_format_usd (mu->estimated_cost, 2);
          g_string_append_printf (text, "%s%s (%s)", text->len > 0 ? ", " : "", o->actor, usd);
        }
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static double
agreement (gint64 billed,
           gint64 transcripts)
{
  gint64 larger = MAX (billed, transcripts);

  if (larger == 0)
    return 1.0;

  return 1.0 - (double) ABS (billed - transcripts) / (double) larger;
}

/* A day is final once it was fetched 48 hours after it ended. */
static gboolean
settling (Build      *b,
          const char *day)
{
  gint64 final_ms = day_start_ms (day) + DAY_MS + SETTLE_MS;

  return b->now_ms < final_ms || cm_billed_sync_get (b->sync, day) < final_ms;
}

/* Sets @row's reasons and the part of its difference they explain. */
static void
explain (Build       *b,
         CmBilledRow *row)
{
  gint64 billed_tokens = row->model != NULL ? usage_tokens (&row->billed_usage) : row->billed_usage.web_search;
  gint64 transcript_tokens = row->model != NULL ? usage_tokens (&row->estimated_usage)
                                                : row->estimated_usage.web_search;
  CmMoney d;

  row->fetched = cm_billed_sync_get (b->sync, row->day) > 0;
  row->difference = d = row->billed - row->estimated;
  if (row->has_usage || transcript_tokens == 0)
    row->token_agreement = agreement (row->has_usage ? billed_tokens : 0, transcript_tokens);

  if (!row->fetched)
    row->reasons = CM_BILLED_REASON_NOT_FETCHED;
  else if (d != 0 && settling (b, row->day))
    row->reasons = CM_BILLED_REASON_SETTLING;
  else if (d == 0)
    row->reasons = CM_BILLED_REASON_NONE;
  else if (row->model == NULL)
    row->reasons = CM_BILLED_REASON_SERVER_TOOLS;
  else if (d < 0 && row->priority_tokens > 0)
    row->reasons = CM_BILLED_REASON_PRIORITY;
  else if (d < 0 && billed_tokens < transcript_tokens &&
           g_hash_table_contains (b->subscription_days, row->day))
    row->reasons = CM_BILLED_REASON_SUBSCRIPTION;
  else if (d > 0 && (billed_tokens > transcript_tokens || row->estimated == 0))
    row->reasons = CM_BILLED_REASON_OTHER_USAGE;
  else if (row->has_usage && billed_tokens < transcript_tokens)
    row->reasons = CM_BILLED_REASON_FEWER_TOKENS;
  else if (row->has_usage)
    row->reasons = CM_BILLED_REASON_PRICE;

  /* Fewer billed tokens and other prices are flagged, not explained. */
  if (row->reasons & ~(CM_BILLED_REASON_FEWER_TOKENS | CM_BILLED_REASON_PRICE))
    row->explained = d;
  if (row->reasons & CM_BILLED_REASON_OTHER_USAGE)
    row->whose = whose (b, row);
}

/* ------------------------------------------------------------------ */
/* Sums                                                                */
/* ------------------------------------------------------------------ */

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const CmBilledRow *ra = *(const CmBilledRow **) a;
  const CmBilledRow *rb = *(const CmBilledRow **) b;
  int cmp = strcmp (ra->day, rb->day);

  if (cmp != 0)
    return cmp;
  if ((ra->model == NULL) != (rb->model == NULL))
    return ra->model == NULL ? 1 : -1;

  return g_strcmp0 (ra->model, rb->model);
}

static void
sum_rows (CmBilledComparison *c)
{
  g_autoptr(GHashTable) days = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) settling_days = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) unfetched = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);

      c->billed += row->billed;
      c->estimated += row->estimated;
      c->difference += row->difference;
      c->unexplained += row->difference - row->explained;
      for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
        {
          /* Each row's explanation is one reason: the flags never overlap. */
          if (row->reasons & (1u << r) & ~(CM_BILLED_REASON_FEWER_TOKENS | CM_BILLED_REASON_PRICE))
            c->by_reason[r] += row->explained;
        }

      g_hash_table_add (days, row->day);
      if (row->reasons & CM_BILLED_REASON_SETTLING)
        g_hash_table_add (settling_days, row->day);
      if (row->reasons & CM_BILLED_REASON_NOT_FETCHED)
        g_hash_table_add (unfetched, row->day);
    }

  c->n_days = g_hash_table_size (days);
  c->n_settling_days = g_hash_table_size (settling_days);
  c->n_unfetched_days = g_hash_table_size (unfetched);
}

static int
compare_actors (gconstpointer a,
                gconstpointer b)
{
  const CmBilledActor *aa = *(const CmBilledActor **) a;
  const CmBilledActor *ab = *(const CmBilledActor **) b;

  if (aa->estimated_cost != ab->estimated_cost)
    return aa->estimated_cost > ab->estimated_cost ? -1 : 1;

  return g_strcmp0 (aa->actor, ab->actor);
}

/* Claude Code users and keys of the organization not on this machine. */
static GPtrArray *
sum_others (Build *b)
{
  g_autoptr(GHashTable) by_actor = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *others = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_billed_actor_free);

  for (guint i = 0; i < b->org->len; i++)
    {
      const CmOrgUsage *o = g_ptr_array_index (b->org, i);
      CmBilledActor *actor;

      if (is_local (b, o->actor))
        continue;

      actor = g_hash_table_lookup (by_actor, o->actor);
      if (actor == NULL)
        {
          actor = g_new0 (CmBilledActor, 1);
          actor->actor = g_strdup (o->actor);
          actor->actor_type = g_strdup (o->actor_type);
          g_hash_table_insert (by_actor, actor->actor, actor);
          g_ptr_array_add (others, actor);
        }

      for (guint m = 0; m < o->models->len; m++)
        {
          const CmOrgModelUsage *mu = g_ptr_array_index (o->models, m);

          actor->estimated_cost += mu->estimated_cost;
          actor->tokens += mu->input + mu->output + mu->cache_read + mu->cache_creation;
        }
    }

  g_ptr_array_sort (others, compare_actors);

  return others;
}

/* ------------------------------------------------------------------ */
/* Reading                                                             */
/* ------------------------------------------------------------------ */

static GPtrArray *
query_transcripts (CmStore     *store,
                   const char  *since,
                   const char  *until,
                   guint        backends,
                   CmGroupBy    secondary,
                   GError     **error)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();

  filter->since = g_strdup (since);
  filter->until = g_strdup (until);
  filter->timezone = g_strdup ("UTC");
  filter->backends_set = TRUE;
  filter->backends = backends;

  return cm_store_query_groups (store, filter, CM_GROUP_DAY, secondary, error);
}

static GHashTable *
read_local_users (CmStore  *store,
                  GError  **error)
{
  g_auto(GStrv) users = cm_store_list_users (store, error);
  GHashTable *set;

  if (users == NULL)
    return NULL;

  set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (guint i = 0; users[i] != NULL; i++)
    g_hash_table_add (set, g_utf8_casefold (users[i], -1));

  return set;
}

static void
sum_apart (CmBilledComparison *c)
{
  for (guint i = 0; i < c->apart->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (c->apart, i);

      if (g_strcmp0 (g->key2, cm_backend_to_string (CM_BACKEND_BEDROCK)) == 0)
        c->bedrock += g->totals.cost;
      else
        c->vertex += g->totals.cost;
    }
}

static GPtrArray *
rows_of (GHashTable *table)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_billed_row_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (rows, value);
  g_ptr_array_sort (rows, compare_rows);

  return rows;
}

CmBilledComparison *
cm_billed_compare (CmStore     *store,
                   CmPricing   *pricing,
                   const char  *since,
                   const char  *until,
                   gint64       now_ms,
                   GError     **error)
{
  g_autoptr(CmBilledComparison) c = g_new0 (CmBilledComparison, 1);
  g_autoptr(GPtrArray) costs = NULL;
  g_autoptr(GPtrArray) usage = NULL;
  g_autoptr(GPtrArray) first_party = NULL;
  g_autoptr(GPtrArray) org = NULL;
  /* The rows move to c->rows, which frees them. */
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GHashTable) sync = NULL;
  g_autoptr(GHashTable) local_users = NULL;
  g_autoptr(GHashTable) subscription_days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Build b = { pricing, rows, NULL, NULL, subscription_days, NULL, now_ms > 0 ? now_ms : g_get_real_time () / 1000 };

  g_return_val_if_fail (CM_IS_STORE (store), NULL);

  if (since == NULL && until == NULL)
    cm_billed_this_month (b.now_ms, &c->since, &c->until);
  else
    {
      c->since = g_strdup (since);
      c->until = g_strdup (until);
    }

  if ((costs = cm_store_list_billed_costs (store, c->since, c->until, error)) == NULL ||
      (usage = cm_store_list_billed_usage (store, c->since, c->until, error)) == NULL ||
      (org = cm_store_list_org_usage (store, c->since, c->until, error)) == NULL ||
      (sync = cm_store_billed_sync (store, CM_BILLED_COSTS, error)) == NULL ||
      (local_users = read_local_users (store, error)) == NULL ||
      (first_party = query_transcripts (store, c->since, c->until, 1u << CM_BACKEND_ANTHROPIC,
                                        CM_GROUP_MODEL, error)) == NULL ||
      (c->apart = query_transcripts (store, c->since, c->until,
                                     (1u << CM_BACKEND_BEDROCK) | (1u << CM_BACKEND_VERTEX),
                                     CM_GROUP_BACKEND, error)) == NULL)
    return NULL;

  b.sync = sync;
  b.local_users = local_users;
  b.org = org;
  add_costs (&b, costs);
  add_usage (&b, usage);
  add_transcripts (&b, first_party);
  note_subscriptions (&b);

  c->rows = rows_of (rows);
  for (guint i = 0; i < c->rows->len; i++)
    explain (&b, g_ptr_array_index (c->rows, i));

  sum_rows (c);
  sum_apart (c);
  c->others = sum_others (&b);
  c->last_fetch_ms = cm_store_billed_last_fetch (store, NULL);

  return g_steal_pointer (&c);
}
