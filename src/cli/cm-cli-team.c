/* cm-cli-team.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `costmeter-cli team init`, `team add-member EMAIL`, `push`, and the team
 * database as the source of `report` and `messages` (--team).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <sys/random.h>

#include "cm-cli.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

#define TEAM_ENV "COSTMETER_TEAM"

/* --team, else $COSTMETER_TEAM, else the team-connection setting. */
static char *
configured_conninfo (const char *option)
{
  const char *env = g_getenv (TEAM_ENV);
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;

  if (option != NULL)
    return g_strdup (option);
  if (env != NULL && *env != '\0')
    return g_strdup (env);

  /* g_settings_new() aborts on a missing schema: look first. */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "team-connection"))
    return NULL;

  settings = g_settings_new (APP_ID);

  return g_settings_get_string (settings, "team-connection");
}

/* The keyring's password for the connection, if it holds one; else libpq's
 * own PGPASSWORD and ~/.pgpass apply. */
static char *
keyring_password (const char *conninfo)
{
#ifdef HAVE_LIBSECRET
  g_autofree char *server = NULL;
  g_autofree char *user = NULL;
  g_autoptr(GError) error = NULL;
  char *password;

  cm_team_conninfo_keyring_ids (conninfo, &server, &user);
  password = cm_keyring_lookup_team_password_sync (server, user, NULL, &error);
  /* No Secret Service (a script, a server) is not an error here. */
  if (error != NULL)
    g_debug ("No team password from the keyring: %s", error->message);

  return password;
#else
  return NULL;
#endif
}

CmTeamStore *
cm_cli_team_open (const char  *option,
                  GError     **error)
{
  g_autofree char *conninfo = configured_conninfo (option);
  char *password;
  CmTeamStore *team;

  if (!cm_team_is_supported ())
    {
      g_autoptr(CmTeamStore) none = cm_team_store_new (NULL, NULL);
      cm_team_store_check (none, error);
      return NULL;
    }

  if (conninfo == NULL || *conninfo == '\0')
    {
      g_set_error (error, CM_TEAM_ERROR, CM_TEAM_ERROR_NOT_CONFIGURED,
                   "No team database: give --team \"host=… dbname=… user=…\", set $%s, or "
                   "set it in Preferences → Team.", TEAM_ENV);
      return NULL;
    }

  password = keyring_password (conninfo);
  team = cm_team_store_new (conninfo, password);
  if (password != NULL)
    memset (password, 0, strlen (password));
  g_free (password);

  return team;
}

static int
team_fail (GError *error)
{
  fprintf (stderr, "costmeter-cli: %s\n", error->message);

  return 1;
}

static int
cmd_init (CmTeamStore *team)
{
  g_autoptr(GError) error = NULL;
  int old = 0;

  if (!cm_team_store_setup (team, &old, &error))
    return team_fail (error);

  if (old == CM_TEAM_SCHEMA_VERSION)
    printf ("The team database is up to date (schema %d).\n", old);
  else if (old == 0)
    printf ("Team database ready (schema %d), with the roles costmeter_member and costmeter_admin.\n"
            "Add people with “costmeter-cli team add-member EMAIL [--admin]”.\n",
            CM_TEAM_SCHEMA_VERSION);
  else
    printf ("Team database upgraded from schema %d to %d.\n", old, CM_TEAM_SCHEMA_VERSION);

  return 0;
}

/* 20 letters and digits from the system's random source. */
static char *
make_password (void)
{
  static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
  guint8 bytes[20];
  char *password = g_malloc0 (sizeof bytes + 1);

  if (getrandom (bytes, sizeof bytes, 0) != sizeof bytes)
    g_error ("No random bytes for a password");
  for (guint i = 0; i < sizeof bytes; i++)
    password[i] = alphabet[bytes[i] % (sizeof alphabet - 1)];
  memset (bytes, 0, sizeof bytes);

  return password;
}

static char *
read_password (void)
{
  char line[1024];
  char *password;

  if (fgets (line, sizeof line, stdin) == NULL)
    return NULL;
  password = g_strdup (g_strchomp (line));
  memset (line, 0, sizeof line);

  return password;
}

static int
cmd_add_member (CmTeamStore *team,
                const char  *email,
                gboolean     admin,
                gboolean     password_stdin)
{
  g_autoptr(GError) error = NULL;
  char *password = password_stdin ? read_password () : make_password ();
  gboolean ok;

  if (password == NULL || *password == '\0')
    {
      g_free (password);
      fputs ("costmeter-cli: no password on standard input\n", stderr);
      return 1;
    }

  ok = cm_team_store_add_member (team, email, password, admin, &error);
  if (ok && password_stdin)
    printf ("%s “%s” can sign in with the password given.\n", admin ? "Admin" : "Member", email);
  else if (ok)
    printf ("%s “%s” can sign in with the password %s\n"
            "It is shown once and stored nowhere: hand it over, they enter it in Preferences → Team.\n",
            admin ? "Admin" : "Member", email, password);
  memset (password, 0, strlen (password));
  g_free (password);

  return ok ? 0 : team_fail (error);
}

int
cm_cli_team (CmTeamStore *team,
             GPtrArray   *args,
             gboolean     admin,
             gboolean     password_stdin)
{
  const char *verb = args->len > 1 ? g_ptr_array_index (args, 1) : NULL;

  if (g_strcmp0 (verb, "init") == 0)
    return cmd_init (team);

  if (g_strcmp0 (verb, "add-member") == 0)
    {
      if (args->len < 3)
        {
          fputs ("costmeter-cli: team add-member needs an e-mail address\n", stderr);
          return 2;
        }
      return cmd_add_member (team, g_ptr_array_index (args, 2), admin, password_stdin);
    }

  fprintf (stderr, "costmeter-cli: unknown team command “%s”: use init or add-member\n",
           verb != NULL ? verb : "");

  return 2;
}

int
cm_cli_push (CmTeamStore *team,
             CmStore     *store,
             guint        batch)
{
  g_autoptr(GError) error = NULL;
  CmTeamPushStats stats = { 0 };

  if (!cm_team_store_push (team, store, batch, &stats, NULL, &error))
    {
      fprintf (stderr, "costmeter-cli: %s\n", error->message);
      if (stats.pending > 0)
        fprintf (stderr, "%" G_GINT64_FORMAT " rows waiting to push.\n", stats.pending);
      return 1;
    }

  fprintf (stderr, "Pushed %" G_GINT64_FORMAT " rows in %" G_GINT64_FORMAT " batches; %"
           G_GINT64_FORMAT " rows waiting to push.\n", stats.rows, stats.batches, stats.pending);

  return 0;
}
