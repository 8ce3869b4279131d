/* cm-cli-output.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Report rows as a table, JSON and CSV. The JSON and CSV shapes are an
 * interface: add fields, never rename them. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>

#include "cm-cli.h"

void
cm_cli_row_free (CmCliRow *row)
{
  g_free (row->key);
  g_free (row->model);
  g_free (row->project);
  g_free (row->user);
  g_free (row->models);
  g_free (row->speed);
  g_free (row->inference_geo);
  g_free (row);
}

char *
cm_cli_iso_time (gint64 ms)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : g_strdup ("");
}

void
cm_cli_json_add_totals (JsonBuilder    *b,
                        const CmTotals *t)
{
  g_autofree char *exact = cm_money_format_usd (t->cost, 10);
  struct { const char *name; gint64 value; } ints[] = {
    { "input", t->input },
    { "output", t->output },
    { "cache_write_5m", t->cache_write_5m },
    { "cache_write_1h", t->cache_write_1h },
    { "cache_read", t->cache_read },
    { "web_search", t->web_search },
    { "messages", t->messages },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ints); i++)
    {
      json_builder_set_member_name (b, ints[i].name);
      json_builder_add_int_value (b, ints[i].value);
    }

  json_builder_set_member_name (b, "cost_usd");
  json_builder_add_double_value (b, cm_money_to_usd (t->cost));
  json_builder_set_member_name (b, "estimated");
  json_builder_add_boolean_value (b, t->estimated > 0);
  json_builder_set_member_name (b, "unpriced");
  json_builder_add_int_value (b, t->unpriced);
  /* Exact decimal dollars, for scripts that must not round. */
  json_builder_set_member_name (b, "cost_usd_exact");
  json_builder_add_string_value (b, exact);
  json_builder_set_member_name (b, "cache_hit_ratio");
  json_builder_add_double_value (b, cm_totals_cache_hit_ratio (t));
}

void
cm_cli_json_add_string (JsonBuilder *b,
                        const char  *name,
                        const char  *value)
{
  if (value == NULL)
    return;

  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

void
cm_cli_json_print (JsonBuilder *b)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);
  g_autofree char *text = NULL;

  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  puts (text);
}

void
cm_cli_print_json (GPtrArray      *rows,
                   const CmTotals *totals)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "rows");
  json_builder_begin_array (b);
  for (guint i = 0; i < rows->len; i++)
    {
      CmCliRow *row = g_ptr_array_index (rows, i);

      json_builder_begin_object (b);
      cm_cli_json_add_string (b, "key", row->key);
      cm_cli_json_add_string (b, "model", row->model);
      cm_cli_json_add_string (b, "project", row->project);
      cm_cli_json_add_string (b, "user", row->user);
      cm_cli_json_add_string (b, "models", row->models);
      cm_cli_json_add_string (b, "speed", row->speed);
      cm_cli_json_add_string (b, "inference_geo", row->inference_geo);
      if (row->start_ms > 0)
        {
          g_autofree char *start = cm_cli_iso_time (row->start_ms);
          g_autofree char *end = cm_cli_iso_time (row->end_ms);

          cm_cli_json_add_string (b, "start", start);
          cm_cli_json_add_string (b, "end", end);
        }
      cm_cli_json_add_totals (b, &row->totals);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  cm_cli_json_add_totals (b, totals);
  json_builder_end_object (b);
  json_builder_end_object (b);

  cm_cli_json_print (b);
}

void
cm_cli_csv_field (GString    *line,
                  const char *value)
{
  if (line->len > 0)
    g_string_append_c (line, ',');

  if (value == NULL)
    return;

  if (strpbrk (value, ",\"\n\r") != NULL)
    {
      g_string_append_c (line, '"');
      for (const char *p = value; *p; p++)
        {
          if (*p == '"')
            g_string_append_c (line, '"');
          g_string_append_c (line, *p);
        }
      g_string_append_c (line, '"');
    }
  else
    g_string_append (line, value);
}

void
cm_cli_csv_int (GString *line,
                gint64   value)
{
  char buf[32];

  g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, value);
  cm_cli_csv_field (line, buf);
}

void
cm_cli_print_csv (GPtrArray *rows,
                  gboolean   breakdown,
                  gboolean   sessions)
{
  g_autoptr(GString) line = g_string_new (NULL);
  /* Rows of models (and messages) say their speed, in the last columns so
   * that the others keep their places. */
  gboolean speeds = rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->speed != NULL;
  gboolean geos = rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->inference_geo != NULL;

  cm_cli_csv_field (line, "key");
  if (breakdown)
    cm_cli_csv_field (line, "model");
  if (sessions)
    {
      cm_cli_csv_field (line, "project");
      cm_cli_csv_field (line, "user");
      cm_cli_csv_field (line, "models");
      cm_cli_csv_field (line, "start");
      cm_cli_csv_field (line, "end");
    }
  for (const char **h = (const char *[]) { "input", "output", "cache_write_5m", "cache_write_1h",
                                            "cache_read", "web_search", "messages", "cost_usd",
                                            "estimated", "unpriced", NULL }; *h; h++)
    cm_cli_csv_field (line, *h);
  if (speeds)
    cm_cli_csv_field (line, "speed");
  if (geos)
    cm_cli_csv_field (line, "inference_geo");
  puts (line->str);

  for (guint i = 0; i < rows->len; i++)
    {
      CmCliRow *row = g_ptr_array_index (rows, i);
      g_autofree char *cost = cm_money_format_usd (row->totals.cost, 10);

      g_string_truncate (line, 0);
      cm_cli_csv_field (line, row->key);
      if (breakdown)
        cm_cli_csv_field (line, row->model);
      if (sessions)
        {
          g_autofree char *start = cm_cli_iso_time (row->start_ms);
          g_autofree char *end = cm_cli_iso_time (row->end_ms);

          cm_cli_csv_field (line, row->project);
          cm_cli_csv_field (line, row->user);
          cm_cli_csv_field (line, row->models);
          cm_cli_csv_field (line, start);
          cm_cli_csv_field (line, end);
        }
      cm_cli_csv_int (line, row->totals.input);
      cm_cli_csv_int (line, row->totals.output);
      cm_cli_csv_int (line, row->totals.cache_write_5m);
      cm_cli_csv_int (line, row->totals.cache_write_1h);
      cm_cli_csv_int (line, row->totals.cache_read);
      cm_cli_csv_int (line, row->totals.web_search);
      cm_cli_csv_int (line, row->totals.messages);
      cm_cli_csv_field (line, cost);
      cm_cli_csv_field (line, row->totals.estimated > 0 ? "true" : "false");
      cm_cli_csv_int (line, row->totals.unpriced);
      if (speeds)
        cm_cli_csv_field (line, row->speed);
      if (geos)
        cm_cli_csv_field (line, row->inference_geo);
      puts (line->str);
    }
}

char *
cm_cli_human_int (gint64 v)
{
  g_autoptr(GString) s = g_string_new (NULL);
  char buf[32];
  int len;

  len = g_snprintf (buf, sizeof buf, "%" G_GINT64_FORMAT, v);
  for (int i = 0; i < len; i++)
    {
      if (i > 0 && buf[i - 1] != '-' && (len - i) % 3 == 0)
        g_string_append_c (s, ',');
      g_string_append_c (s, buf[i]);
    }

  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* "claude-opus-5 · fast" for a model's fast row, as the window shows it. */
static char *
with_speed (const char *model,
            const char *speed)
{
  if (speed == NULL || g_str_equal (speed, "standard"))
    return g_strdup (model);

  return g_strdup_printf ("%s · %s", model, speed);
}

void
cm_cli_print_table (GPtrArray      *rows,
                    const CmTotals *totals,
                    const char     *key_title,
                    gboolean        breakdown)
{
  const char *titles[] = { key_title, "Model", "Input", "Output", "Cache 5m", "Cache 1h",
                           "Cache read", "Web", "Msgs", "Cost (USD)", "" };
  enum { N_COLS = G_N_ELEMENTS (titles) };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  guint widths[N_COLS] = { 0 };
  guint n_lines = rows->len + 2;
  gboolean any_estimated = totals->estimated > 0;

  for (guint r = 0; r < n_lines; r++)
    {
      const CmCliRow *row = r < rows->len ? g_ptr_array_index (rows, r) : NULL;
      const CmTotals *t = row != NULL ? &row->totals : totals;

      for (guint c = 0; c < N_COLS; c++)
        {
          char *cell = NULL;

          if (r == rows->len)
            cell = g_strdup (titles[c]);  /* header, printed first below */
          else if (r == rows->len + 1 && c == 0)
            cell = g_strdup ("Total");
          else if (c == 0)
            cell = with_speed (row->key, row->model == NULL ? row->speed : NULL);
          else if (c == 1)
            cell = with_speed (row != NULL && row->model != NULL ? row->model : "",
                               row != NULL && row->model != NULL ? row->speed : NULL);
          else if (c == 9)
            {
              g_autofree char *usd = cm_money_format_usd (t->cost, 2);
              cell = g_strdup_printf ("%s%s", usd, t->estimated > 0 ? " est." : "");
            }
          else if (c == 10)
            cell = t->unpriced > 0
                   ? g_strdup_printf ("+ %" G_GINT64_FORMAT " unpriced message%s", t->unpriced,
                                      t->unpriced == 1 ? "" : "s")
                   : g_strdup ("");
          else
            {
              gint64 v[] = { 0, 0, t->input, t->output, t->cache_write_5m, t->cache_write_1h,
                             t->cache_read, t->web_search, t->messages };
              cell = cm_cli_human_int (v[c]);
            }

          widths[c] = MAX (widths[c], (guint) g_utf8_strlen (cell, -1));
          g_ptr_array_add (cells, cell);
        }
    }

  for (guint pass = 0; pass < n_lines; pass++)
    {
      /* Header, rows, then the total. */
      guint r = pass == 0 ? rows->len : pass <= rows->len ? pass - 1 : rows->len + 1;
      g_autoptr(GString) line = g_string_new (NULL);

      for (guint c = 0; c < N_COLS; c++)
        {
          const char *cell = g_ptr_array_index (cells, r * N_COLS + c);
          guint pad = widths[c] - g_utf8_strlen (cell, -1);

          if (c == 1 && !breakdown)
            continue;
          if (c > 0)
            g_string_append (line, "  ");
          if (c >= 2 && c <= 9)
            {
              for (guint i = 0; i < pad; i++)
                g_string_append_c (line, ' ');
              g_string_append (line, cell);
            }
          else
            {
              g_string_append (line, cell);
              if (c < N_COLS - 1)
                for (guint i = 0; i < pad; i++)
                  g_string_append_c (line, ' ');
            }
        }

      while (line->len > 0 && line->str[line->len - 1] == ' ')
        g_string_truncate (line, line->len - 1);
      puts (line->str);

      if (pass == 0 || pass == rows->len)
        {
          g_autoptr(GString) rule = g_string_new (NULL);
          for (guint i = 0; i < line->len; i++)
            g_string_append_c (rule, '-');
          puts (rule->str);
        }
    }

  if (any_estimated)
    puts ("\nest.: Bedrock and Vertex dollars are estimates at Anthropic list prices.");
}

