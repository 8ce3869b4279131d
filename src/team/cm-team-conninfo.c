/* cm-team-conninfo.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Connection strings made from their parts; needs no libpq, so the
 * preferences can save one in any build. */

#include "config.h"

#include "cm-team-store.h"

static void
append_value (GString    *out,
              const char *keyword,
              const char *value)
{
  if (value == NULL || *value == '\0')
    return;

  if (out->len > 0)
    g_string_append_c (out, ' ');
  g_string_append_printf (out, "%s='", keyword);
  for (const char *c = value; *c != '\0'; c++)
    {
      if (*c == '\'' || *c == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *c);
    }
  g_string_append_c (out, '\'');
}

char *
cm_team_conninfo_build (const char *host,
                        const char *port,
                        const char *dbname,
                        const char *user,
                        const char *sslmode)
{
  GString *out = g_string_new (NULL);

  append_value (out, "host", host);
  append_value (out, "port", port);
  append_value (out, "dbname", dbname);
  append_value (out, "user", user);
  append_value (out, "sslmode", sslmode);

  return g_string_free (out, FALSE);
}

void
cm_team_conninfo_keyring_ids (const char  *conninfo,
                              char       **server,
                              char       **user)
{
  g_autofree char *host = cm_team_conninfo_get (conninfo, "host");
  g_autofree char *port = cm_team_conninfo_get (conninfo, "port");
  g_autofree char *db = cm_team_conninfo_get (conninfo, "dbname");
  g_autofree char *name = cm_team_conninfo_get (conninfo, "user");

  *server = g_strdup_printf ("%s:%s/%s", host != NULL ? host : "", port != NULL ? port : "5432",
                             db != NULL ? db : "");
  *user = name != NULL ? g_steal_pointer (&name) : g_strdup (g_get_user_name ());
}
