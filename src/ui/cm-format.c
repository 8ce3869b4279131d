/* cm-format.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cm-format.h"

static int money_decimals = 2;

void
cm_format_set_decimals (int decimals)
{
  money_decimals = CLAMP (decimals, 0, 6);
}

int
cm_format_get_decimals (void)
{
  return money_decimals;
}

/* "$1,234.56" with the locale's separators; the digits come from the core's
 * exact formatter, so rounding never goes through a double. */
char *
cm_format_money_with (CmMoney money,
                      int     decimals)
{
  g_autofree char *plain = cm_money_format_usd (money, decimals);
  const struct lconv *lc = localeconv ();
  const char *sep = lc->thousands_sep != NULL ? lc->thousands_sep : "";
  const char *point = lc->decimal_point != NULL && *lc->decimal_point ? lc->decimal_point : ".";
  const char *digits = plain;
  const char *dot = strchr (plain, '.');
  gsize int_len;
  GString *out = g_string_new (NULL);

  if (*digits == '-')
    {
      g_string_append_c (out, '-');
      digits++;
    }
  g_string_append_c (out, '$');

  int_len = dot != NULL ? (gsize) (dot - digits) : strlen (digits);
  for (gsize i = 0; i < int_len; i++)
    {
      if (i > 0 && (int_len - i) % 3 == 0)
        g_string_append (out, sep);
      g_string_append_c (out, digits[i]);
    }

  if (dot != NULL)
    {
      g_string_append (out, point);
      g_string_append (out, dot + 1);
    }

  return g_string_free (out, FALSE);
}

char *
cm_format_money (CmMoney money)
{
  return cm_format_money_with (money, money_decimals);
}

char *
cm_format_unpriced (gint64 unpriced)
{
  g_autofree char *count = cm_format_count (unpriced);

  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s unpriced message",
                                       "%s unpriced messages", unpriced),
                          count);
}

char *
cm_format_unpriced_short (gint64 unpriced)
{
  g_autofree char *count = cm_format_count (unpriced);

  /* Translators: under an amount in a table: messages without a price. */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "+ %s unpriced", "+ %s unpriced", unpriced), count);
}

char *
cm_format_money_sum (CmMoney money,
                     gint64  unpriced)
{
  g_autofree char *amount = NULL;
  g_autofree char *extra = NULL;

  if (unpriced <= 0)
    return cm_format_money (money);

  extra = cm_format_unpriced (unpriced);
  if (money == 0)
    return g_steal_pointer (&extra);

  amount = cm_format_money (money);
  /* Translators: an amount plus a count of messages without a price. */
  return g_strdup_printf (_("%s + %s"), amount, extra);
}

char *
cm_format_count (gint64 count)
{
  /* %' groups thousands the way the locale does. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, count);
}

char *
cm_format_compact (gint64 count)
{
  gint64 a = ABS (count);

  /* Each unit from where the one below would round to 1000.0. */
  if (a >= 999950000)
    return g_strdup_printf ("%.1fB", count / 1e9);
  if (a >= 999950)
    return g_strdup_printf ("%.1fM", count / 1e6);
  if (a >= 1000)
    return g_strdup_printf ("%.1fK", count / 1e3);

  return cm_format_count (count);
}

char *
cm_format_ratio (double ratio)
{
  return g_strdup_printf ("%.1f %%", ratio * 100.0);
}

char *
cm_format_time (gint64      unix_ms,
                const char *timezone)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) local = NULL;

  if (unix_ms <= 0)
    return g_strdup ("—");

  if (timezone != NULL && *timezone != '\0')
    tz = g_time_zone_new_identifier (timezone);
  if (tz == NULL)
    tz = g_time_zone_new_local ();

  utc = g_date_time_new_from_unix_utc (unix_ms / 1000);
  if (utc == NULL)
    return g_strdup ("—");
  local = g_date_time_to_timezone (utc, tz);

  return g_date_time_format (local, "%Y-%m-%d %H:%M:%S");
}

char *
cm_format_duration (gint64 ms)
{
  gint64 s = ms / 1000;

  if (s < 60)
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 3600)
    return g_strdup_printf (_("%d min"), (int) (s / 60));

  return g_strdup_printf (_("%d h %02d min"), (int) (s / 3600), (int) ((s % 3600) / 60));
}
