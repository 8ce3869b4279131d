/* cm-cli-billed.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `costmeter-cli billed fetch`, `report billed` and `report org-users`: the
 * Admin API's figures beside the transcripts'. The JSON shape is an
 * interface: add fields, never rename them.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cm-admin-client.h"
#include "cm-billed-compare.h"
#include "cm-cli.h"
#include "cm-org-users.h"
#ifdef HAVE_LIBSECRET
#include "cm-keyring.h"
#endif

/* --- fetch --- */

static char *
lookup_admin_key (void)
{
#ifdef HAVE_LIBSECRET
  g_autoptr(GError) error = NULL;
  char *key = cm_keyring_lookup_kind_sync (CM_KEYRING_ADMIN_KEY, NULL, NULL, &error);

  if (error != NULL)
    fprintf (stderr, "costmeter-cli: %s\n", error->message);

  return key;
#else
  const char *env = g_getenv ("ANTHROPIC_ADMIN_API_KEY");

  return env != NULL && *env != '\0' ? g_strdup (env) : NULL;
#endif
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  CmAdminFetchResult **out = user_data;

  *out = cm_admin_client_fetch_finish (CM_ADMIN_CLIENT (source), res, NULL);
  if (*out == NULL)
    *out = cm_admin_fetch_result_new ();
}

static gboolean
valid_day (const char *day)
{
  g_autofree char *iso = g_strconcat (day, "T00:00:00Z", NULL);
  g_autoptr(GDateTime) dt = strlen (day) == 10 ? g_date_time_new_from_iso8601 (iso, NULL) : NULL;

  return dt != NULL;
}

int
cm_cli_billed (CmStore     *store,
               int          argc,
               char       **argv,
               const char  *since)
{
  g_autoptr(CmAdminClient) client = NULL;
  g_autoptr(CmAdminFetchResult) result = NULL;
  g_autofree char *base_url = NULL;
  char *key;
  int rc = 0;

  if (argc != 2 || !g_str_equal (argv[1], "fetch"))
    {
      fputs ("costmeter-cli: usage: costmeter-cli billed fetch [--since YYYY-MM-DD]\n", stderr);
      return 2;
    }
  if (since != NULL && !valid_day (since))
    {
      fprintf (stderr, "costmeter-cli: “%s” is not a day (YYYY-MM-DD)\n", since);
      return 2;
    }

  key = lookup_admin_key ();
  if (key == NULL)
    {
      fputs ("costmeter-cli: no Admin API key: save one in Preferences → Organization or set "
             "ANTHROPIC_ADMIN_API_KEY\n", stderr);
      return 1;
    }

  client = cm_admin_client_new ();
  base_url = cm_cli_configured_base_url ();
  cm_admin_client_set_base_url (client, base_url);
  cm_admin_client_set_api_key (client, key);
  memset (key, 0, strlen (key));
  g_free (key);
  cm_admin_client_set_store (client, store);

  cm_admin_client_fetch_async (client, since, NULL, fetch_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  for (guint e = 0; e < CM_N_BILLED_ENDPOINTS; e++)
    {
      if (result->errors[e] == NULL)
        continue;
      fprintf (stderr, "costmeter-cli: %s: %s\n", cm_billed_endpoint_to_string (e),
               result->errors[e]->message);
      rc = 1;
    }
  printf ("Fetched %u days of costs, %u of usage and %u of Claude Code records "
          "(%u requests, %u retries).\n", result->n_days[CM_BILLED_COSTS],
          result->n_days[CM_BILLED_USAGE], result->n_days[CM_BILLED_CLAUDE_CODE],
          result->n_requests, result->n_retries);

  return rc;
}

/* --- JSON helpers --- */

static void
add_money (JsonBuilder *b,
           const char  *name,
           CmMoney      money)
{
  g_autofree char *exact = cm_money_format_usd (money, 10);
  g_autofree char *exact_name = g_strconcat (name, "_exact", NULL);

  json_builder_set_member_name (b, name);
  json_builder_add_double_value (b, cm_money_to_usd (money));
  json_builder_set_member_name (b, exact_name);
  json_builder_add_string_value (b, exact);
}

static void
add_int (JsonBuilder *b,
         const char  *name,
         gint64       value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_string (JsonBuilder *b,
            const char  *name,
            const char  *value)
{
  json_builder_set_member_name (b, name);
  if (value != NULL)
    json_builder_add_string_value (b, value);
  else
    json_builder_add_null_value (b);
}

/* A ratio, or null when there is none. */
static void
add_ratio (JsonBuilder *b,
           const char  *name,
           double       value)
{
  json_builder_set_member_name (b, name);
  if (isnan (value) || value < 0)
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, value);
}

static void
add_usage (JsonBuilder   *b,
           const char    *name,
           const CmUsage *u)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_object (b);
  add_int (b, "input", u->input);
  add_int (b, "output", u->output);
  add_int (b, "cache_write_5m", u->cache_write_5m);
  add_int (b, "cache_write_1h", u->cache_write_1h);
  add_int (b, "cache_read", u->cache_read);
  add_int (b, "web_search", u->web_search);
  json_builder_end_object (b);
}

static void
add_reasons (JsonBuilder *b,
             guint        reasons)
{
  json_builder_set_member_name (b, "reasons");
  json_builder_begin_array (b);
  for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
    {
      if (reasons & (1u << r))
        json_builder_add_string_value (b, cm_billed_reason_to_string (1u << r));
    }
  json_builder_end_array (b);
}

/* --- report billed --- */

static void
add_billed_row (JsonBuilder       *b,
                const CmBilledRow *row)
{
  json_builder_begin_object (b);
  add_string (b, "day", row->day);
  add_string (b, "model", row->model);
  add_money (b, "billed_usd", row->billed);
  add_money (b, "estimated_usd", row->estimated);
  add_money (b, "difference_usd", row->difference);
  add_ratio (b, "difference_ratio", cm_billed_row_difference_ratio (row));
  add_money (b, "explained_usd", row->explained);
  add_ratio (b, "token_agreement", row->token_agreement);
  add_usage (b, "billed_tokens", &row->billed_usage);
  add_usage (b, "transcript_tokens", &row->estimated_usage);
  add_int (b, "priority_tokens", row->priority_tokens);
  add_int (b, "messages", row->messages);
  add_int (b, "unpriced", row->unpriced);
  json_builder_set_member_name (b, "fetched");
  json_builder_add_boolean_value (b, row->fetched);
  add_reasons (b, row->reasons);
  add_string (b, "whose", row->whose);
  json_builder_end_object (b);
}

static void
add_billed_totals (JsonBuilder              *b,
                   const CmBilledComparison *c)
{
  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  add_money (b, "billed_usd", c->billed);
  add_money (b, "estimated_usd", c->estimated);
  add_money (b, "difference_usd", c->difference);
  add_money (b, "unexplained_usd", c->unexplained);
  json_builder_set_member_name (b, "explained_usd_exact");
  json_builder_begin_object (b);
  for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
    {
      g_autofree char *exact = cm_money_format_usd (c->by_reason[r], 10);

      json_builder_set_member_name (b, cm_billed_reason_to_string (1u << r));
      json_builder_add_string_value (b, exact);
    }
  json_builder_end_object (b);
  add_int (b, "days", c->n_days);
  add_int (b, "settling_days", c->n_settling_days);
  add_int (b, "unfetched_days", c->n_unfetched_days);
  add_money (b, "bedrock_estimated_usd", c->bedrock);
  add_money (b, "vertex_estimated_usd", c->vertex);
  json_builder_end_object (b);
}

static void
add_others_and_apart (JsonBuilder              *b,
                      const CmBilledComparison *c)
{
  json_builder_set_member_name (b, "others");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->others->len; i++)
    {
      const CmBilledActor *a = g_ptr_array_index (c->others, i);

      json_builder_begin_object (b);
      add_string (b, "actor", a->actor);
      add_string (b, "actor_type", a->actor_type);
      add_money (b, "estimated_usd", a->estimated_cost);
      add_int (b, "tokens", a->tokens);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  /* Never compared: Anthropic does not bill them. */
  json_builder_set_member_name (b, "apart");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->apart->len; i++)
    {
      const CmGroupRow *g = g_ptr_array_index (c->apart, i);

      json_builder_begin_object (b);
      add_string (b, "day", g->key);
      add_string (b, "backend", g->key2);
      add_money (b, "cost_usd", g->totals.cost);
      add_int (b, "messages", g->totals.messages);
      json_builder_set_member_name (b, "estimated");
      json_builder_add_boolean_value (b, TRUE);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}

static void
print_billed_json (const CmBilledComparison *c)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  add_string (b, "since", c->since);
  add_string (b, "until", c->until);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < c->rows->len; i++)
    add_billed_row (b, g_ptr_array_index (c->rows, i));
  json_builder_end_array (b);
  add_billed_totals (b, c);
  add_others_and_apart (b, c);
  if (c->last_fetch_ms > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (c->last_fetch_ms / 1000);
      g_autofree char *when = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ");

      add_string (b, "last_fetch", when);
    }
  json_builder_end_object (b);

  cm_cli_json_print (b);
}

static char *
reasons_text (guint reasons)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
    {
      if (reasons & (1u << r))
        g_string_append_printf (text, "%s%s", text->len > 0 ? " " : "", cm_billed_reason_to_string (1u << r));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
print_billed_csv (const CmBilledComparison *c)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *header[] = { "day", "model", "billed_usd", "estimated_usd", "difference_usd",
                           "difference_ratio", "token_agreement", "billed_tokens", "transcript_tokens",
                           "priority_tokens", "reasons", "whose" };

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    cm_cli_csv_field (line, header[i]);
  puts (line->str);

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);
      g_autofree char *billed = cm_money_format_usd (row->billed, 10);
      g_autofree char *estimated = cm_money_format_usd (row->estimated, 10);
      g_autofree char *difference = cm_money_format_usd (row->difference, 10);
      g_autofree char *reasons = reasons_text (row->reasons);
      double ratio = cm_billed_row_difference_ratio (row);
      char ratio_text[G_ASCII_DTOSTR_BUF_SIZE] = "";
      char agreement_text[G_ASCII_DTOSTR_BUF_SIZE] = "";
      const CmUsage *bu = &row->billed_usage;
      const CmUsage *tu = &row->estimated_usage;

      if (!isnan (ratio))
        g_ascii_formatd (ratio_text, sizeof ratio_text, "%.6f", ratio);
      if (row->token_agreement >= 0)
        g_ascii_formatd (agreement_text, sizeof agreement_text, "%.6f", row->token_agreement);

      g_string_truncate (line, 0);
      cm_cli_csv_field (line, row->day);
      cm_cli_csv_field (line, row->model);
      cm_cli_csv_field (line, billed);
      cm_cli_csv_field (line, estimated);
      cm_cli_csv_field (line, difference);
      cm_cli_csv_field (line, ratio_text);
      cm_cli_csv_field (line, agreement_text);
      cm_cli_csv_int (line, bu->input + bu->output + bu->cache_write_5m + bu->cache_write_1h + bu->cache_read);
      cm_cli_csv_int (line, tu->input + tu->output + tu->cache_write_5m + tu->cache_write_1h + tu->cache_read);
      cm_cli_csv_int (line, row->priority_tokens);
      cm_cli_csv_field (line, reasons);
      cm_cli_csv_field (line, row->whose);
      puts (line->str);
    }
}

static char *
usd (CmMoney money)
{
  return cm_money_format_usd (money, 2);
}

static void
print_billed_table (const CmBilledComparison *c)
{
  printf ("%-10s  %-28s  %10s  %10s  %10s  %7s  %6s  %s\n", "Day (UTC)", "Model", "Billed",
          "Estimated", "Difference", "Diff %", "Tokens", "Why");

  for (guint i = 0; i < c->rows->len; i++)
    {
      const CmBilledRow *row = g_ptr_array_index (c->rows, i);
      g_autofree char *billed = row->fetched ? usd (row->billed) : g_strdup ("-");
      g_autofree char *estimated = usd (row->estimated);
      g_autofree char *difference = row->fetched ? usd (row->difference) : g_strdup ("-");
      g_autofree char *reasons = reasons_text (row->reasons);
      double ratio = cm_billed_row_difference_ratio (row);
      g_autofree char *pct = isnan (ratio) || !row->fetched ? g_strdup ("-") : g_strdup_printf ("%+.1f", 100 * ratio);
      g_autofree char *agree = row->token_agreement < 0 ? g_strdup ("-")
                                                        : g_strdup_printf ("%.1f", 100 * row->token_agreement);

      printf ("%-10s  %-28s  %10s  %10s  %10s  %7s  %6s  %s%s%s\n", row->day,
              row->model != NULL ? row->model : "(web search, code exec.)", billed, estimated,
              difference, pct, agree, reasons, row->whose != NULL ? ": " : "",
              row->whose != NULL ? row->whose : "");
    }

  {
    g_autofree char *billed = usd (c->billed);
    g_autofree char *estimated = usd (c->estimated);
    g_autofree char *difference = usd (c->difference);
    g_autofree char *unexplained = usd (c->unexplained);
    g_autofree char *bedrock = usd (c->bedrock);
    g_autofree char *vertex = usd (c->vertex);

    printf ("\n%s to %s (UTC): billed %s, estimated from first-party transcripts %s, "
            "difference %s, unexplained %s.\n", c->since, c->until, billed, estimated, difference,
            unexplained);
    for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
      {
        g_autofree char *part = usd (c->by_reason[r]);

        if (c->by_reason[r] != 0)
          printf ("  explained by %s: %s\n", cm_billed_reason_to_string (1u << r), part);
      }
    for (guint i = 0; i < c->others->len; i++)
      {
        const CmBilledActor *a = g_ptr_array_index (c->others, i);
        g_autofree char *cost = usd (a->estimated_cost);

        printf ("  Claude Code elsewhere: %s, %s est.\n", a->actor, cost);
      }
    printf ("Not compared (never on this bill): Bedrock %s est., Vertex %s est.\n", bedrock, vertex);
  }
}

/* --- report org-users --- */

static void
print_org_json (GPtrArray *rows)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      const CmOrgUserRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      add_string (b, "key", row->key);
      add_string (b, "source", cm_org_source_to_string (row->sources));
      add_string (b, "actor_type", row->actor_type);
      add_string (b, "customer_type", row->customer_type);
      add_int (b, "sessions", row->sessions);
      add_int (b, "lines_added", row->lines_added);
      add_int (b, "lines_removed", row->lines_removed);
      add_int (b, "commits", row->commits);
      add_int (b, "pull_requests", row->pull_requests);
      add_int (b, "input", row->input);
      add_int (b, "output", row->output);
      add_int (b, "cache_read", row->cache_read);
      add_int (b, "cache_creation", row->cache_creation);
      add_money (b, "org_estimated_usd", row->org_cost);
      add_string (b, "models", row->models);
      json_builder_set_member_name (b, "by_model");
      json_builder_begin_array (b);
      for (guint m = 0; row->by_model != NULL && m < row->by_model->len; m++)
        {
          const CmOrgModelUsage *mu = g_ptr_array_index (row->by_model, m);

          json_builder_begin_object (b);
          add_string (b, "model", mu->model);
          add_int (b, "input", mu->input);
          add_int (b, "output", mu->output);
          add_int (b, "cache_read", mu->cache_read);
          add_int (b, "cache_creation", mu->cache_creation);
          add_money (b, "estimated_usd", mu->estimated_cost);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      add_money (b, "transcripts_cost_usd", row->transcripts.cost);
      add_int (b, "transcripts_messages", row->transcripts.messages);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  cm_cli_json_print (b);
}

static void
print_org_csv (GPtrArray *rows)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *header[] = { "key", "source", "actor_type", "customer_type", "sessions", "lines_added",
                           "lines_removed", "commits", "pull_requests", "tokens", "org_estimated_usd",
                           "models", "transcripts_cost_usd", "transcripts_messages" };

  for (guint i = 0; i < G_N_ELEMENTS (header); i++)
    cm_cli_csv_field (line, header[i]);
  puts (line->str);

  for (guint i = 0; i < rows->len; i++)
    {
      const CmOrgUserRow *row = g_ptr_array_index (rows, i);
      g_autofree char *org = cm_money_format_usd (row->org_cost, 10);
      g_autofree char *transcripts = cm_money_format_usd (row->transcripts.cost, 10);

      g_string_truncate (line, 0);
      cm_cli_csv_field (line, row->key);
      cm_cli_csv_field (line, cm_org_source_to_string (row->sources));
      cm_cli_csv_field (line, row->actor_type);
      cm_cli_csv_field (line, row->customer_type);
      cm_cli_csv_int (line, row->sessions);
      cm_cli_csv_int (line, row->lines_added);
      cm_cli_csv_int (line, row->lines_removed);
      cm_cli_csv_int (line, row->commits);
      cm_cli_csv_int (line, row->pull_requests);
      cm_cli_csv_int (line, row->input + row->output + row->cache_read + row->cache_creation);
      cm_cli_csv_field (line, org);
      cm_cli_csv_field (line, row->models);
      cm_cli_csv_field (line, transcripts);
      cm_cli_csv_int (line, row->transcripts.messages);
      puts (line->str);
    }
}

static void
print_org_table (GPtrArray *rows)
{
  printf ("%-32s  %-11s  %8s  %9s  %9s  %12s  %12s\n", "User", "Source", "Sessions", "Lines +",
          "Lines -", "Org (est.)", "Transcripts");

  for (guint i = 0; i < rows->len; i++)
    {
      const CmOrgUserRow *row = g_ptr_array_index (rows, i);
      gboolean org = (row->sources & CM_ORG_SOURCE_ADMIN_API) != 0;
      gboolean local = (row->sources & CM_ORG_SOURCE_TRANSCRIPTS) != 0;
      g_autofree char *org_cost = org ? usd (row->org_cost) : g_strdup ("-");
      g_autofree char *local_cost = local ? usd (row->transcripts.cost) : g_strdup ("-");

      printf ("%-32s  %-11s  %8" G_GINT64_FORMAT "  %9" G_GINT64_FORMAT "  %9" G_GINT64_FORMAT
              "  %12s  %12s\n", row->key, cm_org_source_to_string (row->sources), row->sessions,
              row->lines_added, row->lines_removed, org_cost, local_cost);
    }
}

int
cm_cli_report_billed (CmStore             *store,
                      const char          *kind,
                      const CmQueryFilter *filter,
                      CmCliFormat          format)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *since = NULL;
  g_autofree char *until = NULL;

  /* Open ends: this month so far (the bill is read per UTC month). */
  cm_billed_this_month (0, &since, &until);
  if (filter->since != NULL)
    (g_free (since), since = g_strdup (filter->since));
  if (filter->until != NULL)
    (g_free (until), until = g_strdup (filter->until));

  if (g_str_equal (kind, "org-users"))
    {
      g_autoptr(GPtrArray) rows = cm_org_users_read (store, since, until, &error);

      if (rows == NULL)
        goto failed;
      if (format == CM_CLI_FORMAT_JSON)
        print_org_json (rows);
      else if (format == CM_CLI_FORMAT_CSV)
        print_org_csv (rows);
      else
        print_org_table (rows);
      return 0;
    }
  else
    {
      g_autoptr(CmPricing) pricing = cm_pricing_new_default (NULL);
      g_autoptr(CmBilledComparison) c = cm_billed_compare (store, pricing, since, until, 0, &error);

      if (c == NULL)
        goto failed;
      if (format == CM_CLI_FORMAT_JSON)
        print_billed_json (c);
      else if (format == CM_CLI_FORMAT_CSV)
        print_billed_csv (c);
      else
        print_billed_table (c);
      return 0;
    }

failed:
  fprintf (stderr, "costmeter-cli: %s\n", error->message);
  return 1;
}
