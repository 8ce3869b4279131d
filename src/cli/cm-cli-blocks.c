/* cm-cli-blocks.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `costmeter-cli report blocks`: the 5-hour blocks, the running one with its
 * burn rate and projection. */

#include "config.h"

#include <stdio.h>

#include "cm-cli.h"

static char *
local_time (GTimeZone  *tz,
            gint64      ms,
            const char *format)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (ms / 1000);
  g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, tz) : NULL;

  return local != NULL ? g_date_time_format (local, format) : g_strdup ("");
}

/* "2h 13m" */
static char *
duration_text (gint64 ms)
{
  gint64 minutes = ms / 60000;

  if (minutes >= 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h %02" G_GINT64_FORMAT "m", minutes / 60, minutes % 60);

  return g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes);
}

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
add_time (JsonBuilder *b,
          const char  *name,
          gint64       ms)
{
  g_autofree char *text = cm_cli_iso_time (ms);

  cm_cli_json_add_string (b, name, text);
}

static void
add_burn_rate (JsonBuilder   *b,
               const CmBlock *block,
               gint64         now_ms)
{
  CmBurnRate rate;

  cm_block_burn_rate (block, now_ms, &rate);

  add_int (b, "elapsed_minutes", rate.elapsed_ms / 60000);
  add_int (b, "remaining_minutes", rate.remaining_ms / 60000);
  json_builder_set_member_name (b, "burn_rate");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "tokens_per_minute");
  json_builder_add_double_value (b, rate.tokens_per_minute);
  add_money (b, "cost_per_hour_usd", rate.cost_per_hour);
  json_builder_end_object (b);
  json_builder_set_member_name (b, "projection");
  json_builder_begin_object (b);
  add_int (b, "tokens", rate.projected_tokens);
  add_money (b, "cost_usd", rate.projected_cost);
  json_builder_end_object (b);
}

static void
print_json (GPtrArray      *blocks,
            const CmTotals *totals,
            gint64          now_ms)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < blocks->len; i++)
    {
      CmBlock *block = g_ptr_array_index (blocks, i);
      gboolean active = cm_block_is_active (block, now_ms);

      json_builder_begin_object (b);
      add_time (b, "key", block->start_ms);
      add_time (b, "start", block->start_ms);
      add_time (b, "end", block->end_ms);
      add_time (b, "first_message", block->totals.first_ms);
      add_time (b, "last_message", block->totals.last_ms);
      json_builder_set_member_name (b, "active");
      json_builder_add_boolean_value (b, active);
      cm_cli_json_add_string (b, "models", block->models);
      add_int (b, "total_tokens", cm_totals_tokens (&block->totals));
      cm_cli_json_add_totals (b, &block->totals);
      if (active)
        add_burn_rate (b, block, now_ms);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  add_int (b, "total_tokens", cm_totals_tokens (totals));
  cm_cli_json_add_totals (b, totals);
  json_builder_end_object (b);
  json_builder_end_object (b);

  cm_cli_json_print (b);
}

static void
print_csv (GPtrArray *blocks,
           gint64     now_ms)
{
  g_autoptr(GString) line = g_string_new (NULL);
  const char *titles[] = { "start", "end", "first_message", "last_message", "active", "models",
                           "input", "output", "cache_write_5m", "cache_write_1h", "cache_read",
                           "web_search", "total_tokens", "messages", "cost_usd", "estimated",
                           "unpriced" };

  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    cm_cli_csv_field (line, titles[i]);
  puts (line->str);

  for (guint i = 0; i < blocks->len; i++)
    {
      CmBlock *block = g_ptr_array_index (blocks, i);
      const CmTotals *t = &block->totals;
      char *times[4] = { cm_cli_iso_time (block->start_ms), cm_cli_iso_time (block->end_ms),
                                    cm_cli_iso_time (t->first_ms), cm_cli_iso_time (t->last_ms) };
      g_autofree char *cost = cm_money_format_usd (t->cost, 10);
      gint64 ints[] = { t->input, t->output, t->cache_write_5m, t->cache_write_1h, t->cache_read,
                        t->web_search, cm_totals_tokens (t), t->messages };

      g_string_truncate (line, 0);
      for (guint k = 0; k < G_N_ELEMENTS (times); k++)
        cm_cli_csv_field (line, times[k]);
      cm_cli_csv_field (line, cm_block_is_active (block, now_ms) ? "true" : "false");
      cm_cli_csv_field (line, block->models);
      for (guint k = 0; k < G_N_ELEMENTS (ints); k++)
        cm_cli_csv_int (line, ints[k]);
      cm_cli_csv_field (line, cost);
      cm_cli_csv_field (line, t->estimated > 0 ? "true" : "false");
      cm_cli_csv_int (line, t->unpriced);
      puts (line->str);

      for (guint k = 0; k < G_N_ELEMENTS (times); k++)
        g_free (times[k]);
    }
}

static void
print_active (const CmBlock *block,
              GTimeZone     *tz,
              gint64         now_ms)
{
  CmBurnRate rate;
  g_autofree char *elapsed = NULL;
  g_autofree char *left = NULL;
  g_autofree char *end = local_time (tz, block->end_ms, "%H:%M");
  g_autofree char *per_hour = NULL;
  g_autofree char *projected = NULL;
  g_autofree char *projected_tokens = NULL;
  g_autofree char *per_minute = NULL;

  cm_block_burn_rate (block, now_ms, &rate);
  elapsed = duration_text (rate.elapsed_ms);
  left = duration_text (rate.remaining_ms);
  per_hour = cm_money_format_usd (rate.cost_per_hour, 2);
  projected = cm_money_format_usd (rate.projected_cost, 2);
  projected_tokens = cm_cli_human_int (rate.projected_tokens);
  per_minute = cm_cli_human_int ((gint64) (rate.tokens_per_minute + 0.5));

  printf ("\nActive block: %s elapsed, %s left (ends %s)\n", elapsed, left, end);
  printf ("Burn rate:    %s tokens/min, $%s/h\n", per_minute, per_hour);
  printf ("Projected:    %s tokens, $%s by %s\n", projected_tokens, projected, end);
}

static void
print_table (GPtrArray      *blocks,
             const CmTotals *totals,
             GTimeZone      *tz,
             const char     *zone_name,
             gint64          now_ms)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_cli_row_free);
  g_autofree char *title = g_strdup_printf ("Block (%s)", zone_name);
  const CmBlock *active = NULL;

  /* The rows of the shared table: the key is the block's span. */
  for (guint i = 0; i < blocks->len; i++)
    {
      const CmBlock *block = g_ptr_array_index (blocks, i);
      g_autofree char *start = local_time (tz, block->start_ms, "%Y-%m-%d %H:%M");
      g_autofree char *end = local_time (tz, block->end_ms, "%H:%M");
      CmCliRow *row = g_new0 (CmCliRow, 1);

      if (cm_block_is_active (block, now_ms))
        active = block;
      row->key = g_strdup_printf ("%s-%s%s", start, end, active == block ? " *" : "");
      row->totals = block->totals;
      g_ptr_array_add (rows, row);
    }

  cm_cli_print_table (rows, totals, title, FALSE);
  if (active != NULL)
    print_active (active, tz, now_ms);
}

int
cm_cli_report_blocks (CmStore             *store,
                      const CmQueryFilter *filter,
                      CmCliFormat          format,
                      gint64               now_ms,
                      gboolean             active_only,
                      guint                recent)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) blocks = cm_store_query_blocks (store, filter, &error);
  g_autoptr(GTimeZone) tz = NULL;
  CmTotals totals = { 0 };

  if (blocks == NULL)
    {
      fprintf (stderr, "costmeter-cli: %s\n", error->message);
      return 1;
    }

  for (guint i = blocks->len; active_only && i > 0; i--)
    {
      if (!cm_block_is_active (g_ptr_array_index (blocks, i - 1), now_ms))
        g_ptr_array_remove_index (blocks, i - 1);
    }
  if (recent > 0 && blocks->len > recent)
    g_ptr_array_remove_range (blocks, 0, blocks->len - recent);

  for (guint i = 0; i < blocks->len; i++)
    cm_totals_add (&totals, &((CmBlock *) g_ptr_array_index (blocks, i))->totals);

  if (format == CM_CLI_FORMAT_JSON)
    print_json (blocks, &totals, now_ms);
  else if (format == CM_CLI_FORMAT_CSV)
    print_csv (blocks, now_ms);
  else
    {
      tz = filter->timezone != NULL ? g_time_zone_new_identifier (filter->timezone) : NULL;
      if (tz == NULL)
        tz = g_time_zone_new_local ();
      print_table (blocks, &totals, tz, g_time_zone_get_identifier (tz), now_ms);
      if (active_only && blocks->len == 0)
        puts ("No block is running.");
    }

  return 0;
}
