/* cm-cli-ratelimits.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `costmeter-cli ratelimits [--probe MODEL]`: the newest stored observation
 * per model and limit, after an optional probe (which costs a fraction of a
 * cent: one input-token prompt and one output token).
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "cm-cli.h"
#include "cm-ratelimit-client.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

/* Tests and scripts may point probes elsewhere without touching settings. */
#define BASE_URL_ENV "COSTMETER_API_BASE_URL"

/* The api-base-url setting when the schema is installed, else the default. */
char *
cm_cli_configured_base_url (void)
{
  const char *env = g_getenv (BASE_URL_ENV);
  GSettingsSchemaSource *source;
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GSettings) settings = NULL;
  char *url;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  /* g_settings_new() aborts on a missing schema: look first. */
  source = g_settings_schema_source_get_default ();
  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "api-base-url"))
    return g_strdup (CM_RATELIMIT_DEFAULT_BASE_URL);

  settings = g_settings_new (APP_ID);
  url = g_settings_get_string (settings, "api-base-url");
  if (*url == '\0')
    {
      g_free (url);
      return g_strdup (CM_RATELIMIT_DEFAULT_BASE_URL);
    }

  return url;
}

static char *
lookup_key (void)
{
#ifdef HAVE_LIBSECRET
  g_autoptr(GError) error = NULL;
  char *key = cm_keyring_lookup_sync (NULL, NULL, &error);

  if (error != NULL)
    fprintf (stderr, "costmeter-cli: %s\n", error->message);

  return key;
#else
  const char *env = g_getenv ("ANTHROPIC_API_KEY");

  return env != NULL && *env != '\0' ? g_strdup (env) : NULL;
#endif
}

static void
probe_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  CmRatelimitResult **out = user_data;

  *out = cm_ratelimit_client_probe_finish (CM_RATELIMIT_CLIENT (source), res, NULL);
}

/* Returns the probe's outcome; its observations are in the store. */
static CmRatelimitResult *
run_probe (CmStore    *store,
           const char *model)
{
  g_autoptr(CmRatelimitClient) client = cm_ratelimit_client_new ();
  g_autofree char *base_url = cm_cli_configured_base_url ();
  CmRatelimitResult *result = NULL;
  char *key = lookup_key ();

  cm_ratelimit_client_set_base_url (client, base_url);
  cm_ratelimit_client_set_api_key (client, key);
  if (key != NULL)
    memset (key, 0, strlen (key));
  g_free (key);
  cm_ratelimit_client_set_store (client, store);

  cm_ratelimit_client_probe_async (client, model, NULL, probe_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  return result;
}

static char *
format_count (gint64 value)
{
  return value < 0 ? g_strdup ("-") : g_strdup_printf ("%" G_GINT64_FORMAT, value);
}

static char *
format_reset (gint64 reset_ms,
              gint64 now_ms)
{
  gint64 s;

  if (reset_ms <= 0)
    return g_strdup ("-");
  if (reset_ms <= now_ms)
    return g_strdup ("passed");

  s = (reset_ms - now_ms + 999) / 1000;
  if (s < 120)
    return g_strdup_printf ("%" G_GINT64_FORMAT " s", s);
  if (s < 2 * 3600)
    return g_strdup_printf ("%" G_GINT64_FORMAT " min", (s + 59) / 60);
  if (s < 2 * 86400)
    return g_strdup_printf ("%" G_GINT64_FORMAT " h", (s + 3599) / 3600);

  return g_strdup_printf ("%" G_GINT64_FORMAT " d", (s + 86399) / 86400);
}

static char *
format_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S") : g_strdup ("-");
}

static char *
format_status (const CmRateLimitObservation *obs)
{
  if (obs->http_status == 429 && obs->retry_after_s >= 0)
    return g_strdup_printf ("429, retry in %" G_GINT64_FORMAT " s", obs->retry_after_s);
  if (obs->http_status == 429)
    return g_strdup ("429");

  return g_strdup_printf ("%d", obs->http_status);
}

static void
print_observations (GPtrArray *rows)
{
  gint64 now_ms = g_get_real_time () / 1000;
  gsize model_w = strlen ("MODEL");

  for (guint i = 0; i < rows->len; i++)
    {
      CmRateLimitObservation *obs = g_ptr_array_index (rows, i);

      model_w = MAX (model_w, strlen (obs->model));
    }

  printf ("%-*s  %-22s  %12s  %12s  %10s  %-19s  %s\n", (int) model_w, "MODEL", "KIND",
          "REMAINING", "LIMIT", "RESETS IN", "OBSERVED", "HTTP");

  for (guint i = 0; i < rows->len; i++)
    {
      CmRateLimitObservation *obs = g_ptr_array_index (rows, i);
      g_autofree char *remaining = format_count (obs->remaining);
      g_autofree char *limit = format_count (obs->limit);
      g_autofree char *reset = format_reset (obs->reset_ms, now_ms);
      g_autofree char *observed = format_time (obs->observed_ms);
      g_autofree char *status = format_status (obs);

      printf ("%-*s  %-22s  %12s  %12s  %10s  %-19s  %s\n", (int) model_w, obs->model, obs->kind,
              remaining, limit, reset, observed, status);
    }
}

int
cm_cli_ratelimits (CmStore  *store,
                   int       argc,
                   char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  g_autoptr(CmRatelimitResult) result = NULL;
  const char *probe_model = NULL;
  int rc = 0;

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--probe") && i + 1 < argc)
        probe_model = argv[++i];
      else
        {
          fprintf (stderr, "costmeter-cli: ratelimits: unexpected argument “%s”\n"
                           "Usage: costmeter-cli ratelimits [--probe MODEL]\n", argv[i]);
          return 2;
        }
    }

  if (probe_model != NULL)
    {
      if (*probe_model == '\0')
        probe_model = CM_RATELIMIT_DEFAULT_MODEL;

      result = run_probe (store, probe_model);
      if (result->error == CM_RATELIMIT_ERROR_NONE)
        printf ("Probed %s: %s\n", result->model, result->message);
      else
        {
          fprintf (stderr, "costmeter-cli: probe of %s failed: %s\n", result->model, result->message);
          rc = 1;
        }
      if (result->organization_id != NULL || result->workspace_id != NULL)
        printf ("Organization: %s%s%s\n",
                result->organization_id ? result->organization_id : "-",
                result->workspace_id ? ", workspace: " : "",
                result->workspace_id ? result->workspace_id : "");
      if (result->request_id != NULL)
        printf ("Request id: %s\n", result->request_id);
    }

  rows = cm_store_list_ratelimit_observations (store, &error);
  if (rows == NULL)
    {
      fprintf (stderr, "costmeter-cli: %s\n", error->message);
      return 1;
    }

  if (rows->len == 0)
    puts ("No rate-limit observations yet (probe with “costmeter-cli ratelimits --probe MODEL”).");
  else
    print_observations (rows);

  return rc;
}
