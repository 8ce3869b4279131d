/* cm-statusline-main.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `costmeter-statusline`: `costmeter-cli statusline` in a program of its
 * own. Claude Code runs its status line on every refresh, and most of the
 * time costmeter-cli takes for it goes to loading the libraries it needs for
 * everything else (libsoup, libsecret, libpq and theirs: about 40 shared
 * objects); this one links the store and json-glib only. The installers set
 * it when it is beside costmeter-cli. */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cm-cli-statusline.h"
#include "cm-store.h"

static int
usage (const char *message)
{
  fprintf (stderr, "costmeter-statusline: %s\n"
           "Usage: costmeter-statusline [--db PATH] [--timezone ZONE] [--now TIME] [--chain COMMAND] [--no-record]\n",
           message);
  return 2;
}

static gint64
parse_now (const char *text,
           const char *timezone)
{
  g_autoptr(GTimeZone) tz = timezone != NULL ? g_time_zone_new_identifier (timezone) : NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (tz == NULL)
    tz = g_time_zone_new_local ();
  dt = g_date_time_new_from_iso8601 (text, tz);

  return dt != NULL ? g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000 : -1;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_new ();
  g_autofree char *db_path = NULL;
  const char *now_text = NULL;
  const char *chain = NULL;
  gboolean record = TRUE;
  gint64 now_ms;

  setlocale (LC_ALL, "");

  for (int i = 1; i < argc; i++)
    {
      const char *arg = argv[i];
      const char *eq = g_str_has_prefix (arg, "--") ? strchr (arg, '=') : NULL;
      g_autofree char *name = eq != NULL ? g_strndup (arg, eq - arg) : g_strdup (arg);
      const char *value = eq != NULL ? eq + 1 : NULL;

      if (g_str_equal (name, "--no-record"))
        {
          record = FALSE;
          continue;
        }
      if (g_str_equal (name, "statusline"))
        continue;
      if (!g_str_equal (name, "--db") && !g_str_equal (name, "--timezone") &&
          !g_str_equal (name, "--now") && !g_str_equal (name, "--chain"))
        return usage ("unknown option");
      if (value == NULL && ++i >= argc)
        return usage ("an option lacks its value");
      if (value == NULL)
        value = argv[i];

      if (g_str_equal (name, "--db"))
        {
          g_free (db_path);
          db_path = g_strdup (value);
        }
      else if (g_str_equal (name, "--timezone"))
        {
          g_free (filter->timezone);
          filter->timezone = g_strdup (value);
        }
      else if (g_str_equal (name, "--now"))
        now_text = value;
      else
        chain = value;
    }

  now_ms = now_text != NULL ? parse_now (now_text, filter->timezone) : g_get_real_time () / 1000;
  if (now_ms < 0)
    return usage ("--now needs a time as 2026-11-22T14:30:00Z");
  if (db_path == NULL)
    db_path = cm_store_default_path ();

  return cm_cli_statusline (db_path, filter, now_ms, chain, record);
}
