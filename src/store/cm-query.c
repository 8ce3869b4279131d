/* cm-query.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <gio/gio.h>

#include "cm-query.h"

CmQueryFilter *
cm_query_filter_new (void)
{
  return g_new0 (CmQueryFilter, 1);
}

CmQueryFilter *
cm_query_filter_copy (const CmQueryFilter *filter)
{
  CmQueryFilter *copy;

  if (filter == NULL)
    return cm_query_filter_new ();

  copy = g_new0 (CmQueryFilter, 1);
  copy->since = g_strdup (filter->since);
  copy->until = g_strdup (filter->until);
  copy->timezone = g_strdup (filter->timezone);
  copy->project = g_strdup (filter->project);
  copy->models_set = filter->models_set;
  copy->models = g_strdupv (filter->models);
  copy->backends_set = filter->backends_set;
  copy->backends = filter->backends;
  copy->users_set = filter->users_set;
  copy->users = g_strdupv (filter->users);
  copy->session_id = g_strdup (filter->session_id);

  return copy;
}

void
cm_query_filter_free (CmQueryFilter *filter)
{
  if (filter == NULL)
    return;

  g_free (filter->since);
  g_free (filter->until);
  g_free (filter->timezone);
  g_free (filter->project);
  g_strfreev (filter->models);
  g_strfreev (filter->users);
  g_free (filter->session_id);
  g_free (filter);
}

static gboolean
valid_day (const char *str)
{
  GDate date;
  guint y, m, d;
  char tail;

  if (str == NULL || strlen (str) != 10 || sscanf (str, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3)
    return FALSE;

  g_date_clear (&date, 1);
  return g_date_valid_dmy (d, m, y) && y >= 1970;
}

gboolean
cm_query_filter_validate (const CmQueryFilter  *filter,
                          GError              **error)
{
  if (filter->since != NULL && !valid_day (filter->since))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid start date “%s”: use YYYY-MM-DD", filter->since);
      return FALSE;
    }

  if (filter->until != NULL && !valid_day (filter->until))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Invalid end date “%s”: use YYYY-MM-DD", filter->until);
      return FALSE;
    }

  if (filter->since != NULL && filter->until != NULL && strcmp (filter->since, filter->until) > 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "The start date %s is after the end date %s", filter->since, filter->until);
      return FALSE;
    }

  if (filter->timezone != NULL && filter->timezone[0] != '\0')
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (filter->timezone);

      if (tz == NULL)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unknown time zone “%s”: use an IANA name such as Europe/Berlin",
                       filter->timezone);
          return FALSE;
        }
    }

  if (filter->backends_set && (filter->backends & ~CM_BACKEND_MASK_ALL) != 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid backend set");
      return FALSE;
    }

  return TRUE;
}

void
cm_totals_add (CmTotals       *dest,
               const CmTotals *src)
{
  if (src->messages == 0)
    return;

  if (dest->messages == 0 || src->first_ms < dest->first_ms)
    dest->first_ms = src->first_ms;
  if (dest->messages == 0 || src->last_ms > dest->last_ms)
    dest->last_ms = src->last_ms;

  dest->input += src->input;
  dest->output += src->output;
  dest->cache_write_5m += src->cache_write_5m;
  dest->cache_write_1h += src->cache_write_1h;
  dest->cache_read += src->cache_read;
  dest->web_search += src->web_search;
  dest->messages += src->messages;
  dest->unpriced += src->unpriced;
  dest->estimated += src->estimated;
  dest->cost += src->cost;
  dest->cost_input += src->cost_input;
  dest->cost_output += src->cost_output;
  dest->cost_cache_write_5m += src->cost_cache_write_5m;
  dest->cost_cache_write_1h += src->cost_cache_write_1h;
  dest->cost_cache_read += src->cost_cache_read;
  dest->cost_web_search += src->cost_web_search;
}

static double
hit_ratio (gint64 input,
           gint64 writes,
           gint64 reads)
{
  gint64 prompt = input + writes + reads;

  return prompt > 0 ? (double) reads / (double) prompt : 0.0;
}

void
cm_totals_from_message (CmTotals           *totals,
                        const CmMessageRow *m)
{
  *totals = (CmTotals) {
    .input = m->usage.input, .output = m->usage.output,
    .cache_write_5m = m->usage.cache_write_5m, .cache_write_1h = m->usage.cache_write_1h,
    .cache_read = m->usage.cache_read, .web_search = m->usage.web_search,
    .messages = 1, .unpriced = m->priced ? 0 : 1, .estimated = m->estimated ? 1 : 0,
    .cost = m->cost.total, .cost_input = m->cost.input, .cost_output = m->cost.output,
    .cost_cache_write_5m = m->cost.cache_write_5m, .cost_cache_write_1h = m->cost.cache_write_1h,
    .cost_cache_read = m->cost.cache_read, .cost_web_search = m->cost.web_search,
    .first_ms = m->timestamp_ms, .last_ms = m->timestamp_ms,
  };
}

double
cm_totals_cache_hit_ratio (const CmTotals *totals)
{
  return hit_ratio (totals->input, totals->cache_write_5m + totals->cache_write_1h,
                    totals->cache_read);
}

int
cm_user_rank_compare (const char *user_a,
                      CmMoney     bedrock_a,
                      CmMoney     total_a,
                      const char *user_b,
                      CmMoney     bedrock_b,
                      CmMoney     total_b)
{
  gboolean ua = g_strcmp0 (user_a, CM_UNATTRIBUTED_KEY) == 0;
  gboolean ub = g_strcmp0 (user_b, CM_UNATTRIBUTED_KEY) == 0;

  /* Unattributed runs are never ranked among real users. */
  if (ua != ub)
    return ua ? 1 : -1;
  if (bedrock_a != bedrock_b)
    return bedrock_a > bedrock_b ? -1 : 1;
  if (total_a != total_b)
    return total_a > total_b ? -1 : 1;

  return g_strcmp0 (user_a, user_b);
}

gboolean
cm_totals_cache_hit_defined (const CmTotals *totals)
{
  return totals->input + totals->cache_write_5m + totals->cache_write_1h + totals->cache_read > 0;
}

void
cm_group_row_free (CmGroupRow *row)
{
  if (row == NULL)
    return;

  g_free (row->key);
  g_free (row->key2);
  g_free (row->speed);
  g_free (row);
}

void
cm_session_row_free (CmSessionRow *row)
{
  if (row == NULL)
    return;

  g_clear_pointer (&row->session_id, g_ref_string_release);
  g_clear_pointer (&row->project, g_ref_string_release);
  g_clear_pointer (&row->user, g_ref_string_release);
  g_clear_pointer (&row->models, g_ref_string_release);
  g_free (row);
}

void
cm_message_row_free (CmMessageRow *row)
{
  if (row == NULL)
    return;

  g_free (row->message_id);
  g_free (row->session_id);
  g_free (row->model);
  g_free (row->model_raw);
  g_free (row->project);
  g_free (row->user);
  g_free (row->speed);
  g_free (row->inference_geo);
  g_free (row);
}

void
cm_block_free (CmBlock *block)
{
  if (block == NULL)
    return;

  g_free (block->models);
  g_free (block);
}

gint64
cm_totals_tokens (const CmTotals *totals)
{
  return totals->input + totals->output + totals->cache_write_5m + totals->cache_write_1h +
         totals->cache_read;
}

gboolean
cm_block_is_active (const CmBlock *block,
                    gint64         now_ms)
{
  return now_ms >= block->start_ms && now_ms < block->end_ms;
}

void
cm_block_burn_rate (const CmBlock *block,
                    gint64         now_ms,
                    CmBurnRate    *rate)
{
  gint64 now = CLAMP (now_ms, block->start_ms, block->end_ms);
  gint64 tokens = cm_totals_tokens (&block->totals);
  CmMoney cost = block->totals.cost;
  double elapsed;

  /* A rate over less than a minute says nothing but its first message. */
  rate->elapsed_ms = MAX (now - block->start_ms, 60 * 1000);
  rate->remaining_ms = block->end_ms - now;
  elapsed = (double) rate->elapsed_ms;

  /* Rates and projections are estimates: doubles, rounded to whole units
   * (the sums they come from stay integers). */
  rate->tokens_per_minute = (double) tokens * 60000.0 / elapsed;
  rate->cost_per_hour = (CmMoney) llround ((double) cost * (double) CM_HOUR_MS / elapsed);
  rate->projected_tokens = tokens + llround ((double) tokens * (double) rate->remaining_ms / elapsed);
  rate->projected_cost = cost + (CmMoney) llround ((double) cost * (double) rate->remaining_ms / elapsed);
}

static const char *group_names[] = {
  "none", "day", "month", "session", "model", "backend", "user", "project",
};

const char *
cm_group_by_to_string (CmGroupBy group)
{
  g_return_val_if_fail (group < G_N_ELEMENTS (group_names), "none");

  return group_names[group];
}

gboolean
cm_group_by_from_string (const char *str,
                         CmGroupBy  *group)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (group_names); i++)
    {
      if (g_str_equal (str, group_names[i]))
        {
          *group = i;
          return TRUE;
        }
    }

  /* Report names used by the CLI. */
  if (g_str_equal (str, "daily"))
    *group = CM_GROUP_DAY;
  else if (g_str_equal (str, "monthly"))
    *group = CM_GROUP_MONTH;
  else
    return FALSE;

  return TRUE;
}

void
cm_zone_cursor_init (CmZoneCursor        *zc,
                     const CmQueryFilter *filter)
{
  zc->tz = NULL;
  if (filter != NULL && filter->timezone != NULL && filter->timezone[0] != '\0')
    zc->tz = g_time_zone_new_identifier (filter->timezone);
  if (zc->tz == NULL)
    zc->tz = g_time_zone_new_local ();
  zc->bucket = G_MININT64;
  zc->offset_ms = 0;
}

void
cm_zone_cursor_clear (CmZoneCursor *zc)
{
  g_clear_pointer (&zc->tz, g_time_zone_unref);
}

gint64
cm_zone_cursor_day (CmZoneCursor *zc,
                    gint64        ts_ms)
{
  /* Every real zone changes offset on a quarter hour. */
  gint64 bucket = ts_ms / (15 * 60 * 1000);
  gint64 local, day;

  if (bucket != zc->bucket)
    {
      int interval = g_time_zone_find_interval (zc->tz, G_TIME_TYPE_UNIVERSAL, ts_ms / 1000);

      zc->bucket = bucket;
      zc->offset_ms = interval >= 0 ? (gint64) g_time_zone_get_offset (zc->tz, interval) * 1000 : 0;
    }

  local = ts_ms + zc->offset_ms;
  day = local / 86400000;
  if (local < 0 && local % 86400000 != 0)
    day--;

  return day;
}

gint64
cm_zone_cursor_midnight (CmZoneCursor *zc,
                         const char   *day,
                         int           add_days)
{
  guint y, m, d;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) shifted = NULL;

  if (sscanf (day, "%4u-%2u-%2u", &y, &m, &d) != 3)
    return 0;

  start = g_date_time_new (zc->tz, y, m, d, 0, 0, 0);
  if (start == NULL)
    return 0;
  shifted = g_date_time_add_days (start, add_days);

  return g_date_time_to_unix (shifted) * 1000;
}

static void
date_from_day_number (gint64  day,
                      GDate  *date)
{
  g_date_clear (date, 1);
  /* Julian day 719163 is 1970-01-01 in GDate's counting. */
  g_date_set_julian (date, (guint32) (day + 719163));
}

char *
cm_day_number_format (gint64 day)
{
  GDate date;

  date_from_day_number (day, &date);

  return g_strdup_printf ("%04u-%02u-%02u", g_date_get_year (&date),
                          g_date_get_month (&date), g_date_get_day (&date));
}

gint64
cm_day_number_month (gint64 day)
{
  GDate date;

  date_from_day_number (day, &date);

  return g_date_get_year (&date) * 100 + g_date_get_month (&date);
}

char *
cm_month_number_format (gint64 month)
{
  return g_strdup_printf ("%04" G_GINT64_FORMAT "-%02" G_GINT64_FORMAT, month / 100, month % 100);
}

gint64
cm_day_number_week (gint64       day,
                    GDateWeekday first)
{
  /* Day 0, 1970-01-01, was a Thursday. */
  gint64 weekday = ((day + 3) % 7 + 7) % 7 + G_DATE_MONDAY;

  return day - (weekday - first + 7) % 7;
}

gint64
cm_zone_cursor_day_start (CmZoneCursor *zc,
                          gint64        day)
{
  g_autofree char *text = cm_day_number_format (day);

  return cm_zone_cursor_midnight (zc, text, 0);
}

static int
compare_keys (const char *a,
              const char *b)
{
  gboolean ua = g_strcmp0 (a, CM_UNATTRIBUTED_KEY) == 0;
  gboolean ub = g_strcmp0 (b, CM_UNATTRIBUTED_KEY) == 0;

  if (ua != ub)
    return ua ? 1 : -1;

  return g_strcmp0 (a, b);
}

static int
compare_group_rows (gconstpointer a,
                    gconstpointer b)
{
  const CmGroupRow *ra = *(const CmGroupRow **) a;
  const CmGroupRow *rb = *(const CmGroupRow **) b;
  int c = compare_keys (ra->key, rb->key);

  if (c == 0)
    c = compare_keys (ra->key2, rb->key2);

  /* A model's standard row first, then its speeds. */
  return c != 0 ? c : g_strcmp0 (ra->speed, rb->speed);
}

void
cm_group_rows_sort (GPtrArray *rows)
{
  g_ptr_array_sort (rows, compare_group_rows);
}

static int
compare_sessions (gconstpointer a,
                  gconstpointer b)
{
  const CmSessionRow *ra = *(const CmSessionRow **) a;
  const CmSessionRow *rb = *(const CmSessionRow **) b;

  if (ra->totals.last_ms != rb->totals.last_ms)
    return ra->totals.last_ms > rb->totals.last_ms ? -1 : 1;

  return g_strcmp0 (ra->session_id, rb->session_id);
}

void
cm_session_rows_sort (GPtrArray *rows)
{
  g_ptr_array_sort (rows, compare_sessions);
}

static int
compare_model_cost (gconstpointer a,
                    gconstpointer b)
{
  const CmGroupRow *ra = *(const CmGroupRow **) a;
  const CmGroupRow *rb = *(const CmGroupRow **) b;

  if (ra->totals.cost != rb->totals.cost)
    return ra->totals.cost > rb->totals.cost ? -1 : 1;

  return g_strcmp0 (ra->key, rb->key);
}

void
cm_session_row_set_models (CmSessionRow *row,
                           GPtrArray    *models)
{
  GString *names = g_string_new (NULL);

  g_ptr_array_sort (models, compare_model_cost);
  for (guint i = 0; i < models->len; i++)
    {
      const CmGroupRow *model = g_ptr_array_index (models, i);

      g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", model->key);
    }

  g_clear_pointer (&row->models, g_ref_string_release);
  row->models = g_ref_string_new (names->str);
  g_string_free (names, TRUE);
}
