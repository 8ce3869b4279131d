/* cm-cli-weekly.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `costmeter-cli report weekly`: local days folded into weeks, so a week is
 * exactly its seven days in the report's time zone. */

#include "config.h"

#include <langinfo.h>
#include <stdio.h>
#include <string.h>

#include "cm-cli.h"

GDateWeekday
cm_cli_locale_first_weekday (void)
{
#ifdef HAVE__NL_TIME_FIRST_WEEKDAY
  /* glibc: first_weekday counts from week-1stday, a date (19971130, a Sunday,
   * in most locales), 1 being that day itself. */
  union { unsigned int word; char *string; } first_day, week_1stday;
  GDate date;
  int offset;

  first_day.string = nl_langinfo (_NL_TIME_FIRST_WEEKDAY);
  week_1stday.string = nl_langinfo (_NL_TIME_WEEK_1STDAY);
  offset = first_day.string[0] - 1;

  g_date_clear (&date, 1);
  g_date_set_dmy (&date, week_1stday.word % 100, (week_1stday.word / 100) % 100,
                  week_1stday.word / 10000);
  if (g_date_valid (&date) && offset >= 0 && offset < 7)
    return (g_date_get_weekday (&date) - 1 + offset) % 7 + 1;
#endif

  return G_DATE_MONDAY;  /* ISO 8601 */
}

gboolean
cm_cli_parse_weekday (const char   *text,
                      GDateWeekday *weekday)
{
  static const char *names[] = { "monday", "tuesday", "wednesday", "thursday", "friday",
                                 "saturday", "sunday" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (g_ascii_strcasecmp (text, names[i]) == 0 ||
          (strlen (text) == 3 && g_ascii_strncasecmp (text, names[i], 3) == 0))
        {
          *weekday = G_DATE_MONDAY + i;
          return TRUE;
        }
    }

  return FALSE;
}

static gint64
day_number (const char *key)
{
  GDate date;
  guint y, m, d;

  if (sscanf (key, "%4u-%2u-%2u", &y, &m, &d) != 3 || !g_date_valid_dmy (d, m, y))
    return 0;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, d, m, y);

  /* Julian day 719163 is 1970-01-01 in GDate's counting. */
  return (gint64) g_date_get_julian (&date) - 719163;
}

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const CmCliRow *ra = *(const CmCliRow **) a;
  const CmCliRow *rb = *(const CmCliRow **) b;
  int c = g_strcmp0 (ra->key, rb->key);

  return c != 0 ? c : g_strcmp0 (ra->model, rb->model);
}

GPtrArray *
cm_cli_weekly_rows (GPtrArray    *days,
                    GDateWeekday  first)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_cli_row_free);
  g_autoptr(GHashTable) by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint i = 0; i < days->len; i++)
    {
      const CmGroupRow *day = g_ptr_array_index (days, i);
      g_autofree char *week = cm_day_number_format (cm_day_number_week (day_number (day->key), first));
      g_autofree char *key = g_strconcat (week, "\t", day->key2 != NULL ? day->key2 : "", NULL);
      CmCliRow *row = g_hash_table_lookup (by_key, key);

      if (row == NULL)
        {
          row = g_new0 (CmCliRow, 1);
          row->key = g_steal_pointer (&week);
          row->model = g_strdup (day->key2);
          g_ptr_array_add (rows, row);
          g_hash_table_insert (by_key, g_steal_pointer (&key), row);
        }
      cm_totals_add (&row->totals, &day->totals);
    }

  g_ptr_array_sort (rows, compare_rows);

  return g_steal_pointer (&rows);
}
