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
  g_free (row->label);
  g_free (row->speed);
  g_free (row->inference_geo);
  g_free (row->message_id);
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

/* Each kind's dollars of a sum, in the order of its token columns. */
typedef struct
{
  const char *name;      /* JSON and CSV */
  const char *title;     /* table */
  gsize       offset;    /* in CmTotals */
} KindCost;

static const KindCost kind_costs[] = {
  { "input_usd", "$ Input", G_STRUCT_OFFSET (CmTotals, cost_input) },
  { "output_usd", "$ Output", G_STRUCT_OFFSET (CmTotals, cost_output) },
  { "cache_write_5m_usd", "$ Cache 5m", G_STRUCT_OFFSET (CmTotals, cost_cache_write_5m) },
  { "cache_write_1h_usd", "$ Cache 1h", G_STRUCT_OFFSET (CmTotals, cost_cache_write_1h) },
  { "cache_read_usd", "$ Cache read", G_STRUCT_OFFSET (CmTotals, cost_cache_read) },
  { "web_search_usd", "$ Web", G_STRUCT_OFFSET (CmTotals, cost_web_search) },
};

static CmMoney
kind_cost (const CmTotals *t,
           guint           kind)
{
  return G_STRUCT_MEMBER (CmMoney, t, kind_costs[kind].offset);
}

/* Nothing priced behind a sum: its dollars are unknown, not $0. */
static gboolean
unpriced_only (const CmTotals *t)
{
  return t->cost == 0 && t->unpriced > 0;
}

static void
json_add_kind_costs (JsonBuilder    *b,
                     const CmTotals *t)
{
  for (guint k = 0; k < G_N_ELEMENTS (kind_costs); k++)
    {
      json_builder_set_member_name (b, kind_costs[k].name);
      if (unpriced_only (t))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, cm_money_to_usd (kind_cost (t, k)));
    }
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

/* The names the window's Users export gives them. */
static const struct { const char *name; CmBackend backend; } backend_columns[] = {
  { "bedrock_usd", CM_BACKEND_BEDROCK },
  { "anthropic_usd", CM_BACKEND_ANTHROPIC },
  { "vertex_usd", CM_BACKEND_VERTEX },
  { "unknown_usd", CM_BACKEND_UNKNOWN },
};

static void
add_backend_members (JsonBuilder    *b,
                     const CmCliRow *row)
{
  for (guint i = 0; i < G_N_ELEMENTS (backend_columns); i++)
    {
      json_builder_set_member_name (b, backend_columns[i].name);
      json_builder_add_double_value (b, cm_money_to_usd (row->backend_cost[backend_columns[i].backend]));
    }
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
      cm_cli_json_add_string (b, "message_id", row->message_id);
      cm_cli_json_add_string (b, "model", row->model);
      cm_cli_json_add_string (b, "project", row->project);
      cm_cli_json_add_string (b, "user", row->user);
      cm_cli_json_add_string (b, "models", row->models);
      if (row->start_ms > 0)
        {
          g_autofree char *start = cm_cli_iso_time (row->start_ms);
          g_autofree char *end = cm_cli_iso_time (row->end_ms);

          cm_cli_json_add_string (b, "start", start);
          cm_cli_json_add_string (b, "end", end);
        }
      cm_cli_json_add_string (b, "speed", row->speed);
      cm_cli_json_add_string (b, "inference_geo", row->inference_geo);
      cm_cli_json_add_totals (b, &row->totals);
      if (row->per_kind)
        json_add_kind_costs (b, &row->totals);
      cm_cli_json_add_string (b, "label", row->label);
      if (row->by_backend)
        add_backend_members (b, row);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "totals");
  json_builder_begin_object (b);
  cm_cli_json_add_totals (b, totals);
  if (rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->per_kind)
    json_add_kind_costs (b, totals);
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
  gboolean per_kind = rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->per_kind;

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
  /* Added after the others: CSV readers by position keep working. */
  if (rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->label != NULL)
    cm_cli_csv_field (line, "label");
  for (guint i = 0; rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->by_backend &&
       i < G_N_ELEMENTS (backend_columns); i++)
    cm_cli_csv_field (line, backend_columns[i].name);
  if (per_kind)
    {
      cm_cli_csv_field (line, "message_id");
      for (guint k = 0; k < G_N_ELEMENTS (kind_costs); k++)
        cm_cli_csv_field (line, kind_costs[k].name);
    }
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
      if (row->label != NULL)
        cm_cli_csv_field (line, row->label);
      for (guint c = 0; row->by_backend && c < G_N_ELEMENTS (backend_columns); c++)
        {
          g_autofree char *usd = cm_money_format_usd (row->backend_cost[backend_columns[c].backend], 10);

          cm_cli_csv_field (line, usd);
        }
      if (per_kind)
        {
          cm_cli_csv_field (line, row->message_id);
          for (guint k = 0; k < G_N_ELEMENTS (kind_costs); k++)
            {
              g_autofree char *usd = unpriced_only (&row->totals) ? g_strdup ("")
                                     : cm_money_format_usd (kind_cost (&row->totals, k), 10);

              cm_cli_csv_field (line, usd);
            }
        }
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

/* The table's columns; a row's cell in each comes from table_cell (). */
typedef enum
{
  COL_KEY, COL_MODEL, COL_BACKEND, COL_INPUT, COL_OUTPUT, COL_CACHE_5M, COL_CACHE_1H,
  COL_CACHE_READ, COL_WEB, COL_MESSAGES, COL_COST, COL_NOTE, COL_MESSAGE_ID, COL_KIND_COST,
} TableColumn;

typedef struct
{
  TableColumn kind;
  guint       backend;   /* COL_BACKEND: the CmBackend; COL_KIND_COST: kind_costs[] */
  const char *title;
} TableColumnInfo;

static GArray *
table_columns (GPtrArray  *rows,
               const char *key_title,
               gboolean    breakdown)
{
  GArray *columns = g_array_new (FALSE, FALSE, sizeof (TableColumnInfo));
  const TableColumnInfo figures[] = {
    { COL_INPUT, 0, "Input" }, { COL_OUTPUT, 0, "Output" }, { COL_CACHE_5M, 0, "Cache 5m" },
    { COL_CACHE_1H, 0, "Cache 1h" }, { COL_CACHE_READ, 0, "Cache read" }, { COL_WEB, 0, "Web" },
    { COL_MESSAGES, 0, "Msgs" }, { COL_COST, 0, "Cost (USD)" }, { COL_NOTE, 0, "" },
  };

  gboolean per_kind = rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->per_kind;

  g_array_append_val (columns, ((TableColumnInfo) { COL_KEY, 0, key_title }));
  if (per_kind)
    g_array_append_val (columns, ((TableColumnInfo) { COL_MESSAGE_ID, 0, "Message ID" }));
  if (breakdown)
    g_array_append_val (columns, ((TableColumnInfo) { COL_MODEL, 0, "Model" }));
  /* Users: each backend's dollars, as the window's Users view shows them. */
  if (rows->len > 0 && ((CmCliRow *) g_ptr_array_index (rows, 0))->by_backend)
    for (guint i = 0; i < G_N_ELEMENTS (backend_columns); i++)
      g_array_append_val (columns, ((TableColumnInfo) { COL_BACKEND, backend_columns[i].backend,
                                                        cm_backend_to_label (backend_columns[i].backend) }));
  /* A session's messages: each kind's dollars before the cost. */
  g_array_append_vals (columns, figures, G_N_ELEMENTS (figures) - (per_kind ? 2 : 0));
  if (per_kind)
    {
      for (guint k = 0; k < G_N_ELEMENTS (kind_costs); k++)
        g_array_append_val (columns, ((TableColumnInfo) { COL_KIND_COST, k, kind_costs[k].title }));
      g_array_append_vals (columns, figures + G_N_ELEMENTS (figures) - 2, 2);
    }

  return columns;
}

static char *
table_cell (const CmCliRow        *row,
            const CmTotals        *t,
            const TableColumnInfo *column)
{
  gint64 ints[] = { [COL_INPUT] = t->input, [COL_OUTPUT] = t->output, [COL_CACHE_5M] = t->cache_write_5m,
                    [COL_CACHE_1H] = t->cache_write_1h, [COL_CACHE_READ] = t->cache_read,
                    [COL_WEB] = t->web_search, [COL_MESSAGES] = t->messages };

  switch (column->kind)
    {
    case COL_KEY:
      if (row == NULL)
        return g_strdup ("Total");
      return with_speed (row->label != NULL ? row->label : row->key, row->model == NULL ? row->speed : NULL);
    case COL_MODEL:
      return with_speed (row != NULL && row->model != NULL ? row->model : "",
                         row != NULL && row->model != NULL ? row->speed : NULL);
    case COL_BACKEND:
      return row != NULL ? cm_money_format_usd (row->backend_cost[column->backend], 2) : g_strdup ("");
    case COL_COST:
      {
        g_autofree char *usd = NULL;

        /* Nothing priced: no cost to give, not $0. */
        if (t->cost == 0 && t->unpriced > 0)
          return g_strdup ("—");
        usd = cm_money_format_usd (t->cost, 2);

        return g_strdup_printf ("%s%s", usd, t->estimated > 0 ? " est." : "");
      }
    case COL_MESSAGE_ID:
      return g_strdup (row != NULL && row->message_id != NULL ? row->message_id : "");
    case COL_KIND_COST:
      return unpriced_only (t) ? g_strdup ("—") : cm_money_format_usd (kind_cost (t, column->backend), 4);
    case COL_NOTE:
      return t->unpriced > 0
             ? g_strdup_printf ("+ %" G_GINT64_FORMAT " unpriced message%s", t->unpriced, t->unpriced == 1 ? "" : "s")
             : g_strdup ("");
    case COL_INPUT:
    case COL_OUTPUT:
    case COL_CACHE_5M:
    case COL_CACHE_1H:
    case COL_CACHE_READ:
    case COL_WEB:
    case COL_MESSAGES:
    default:
      return cm_cli_human_int (ints[column->kind]);
    }
}

static gboolean
right_aligned (TableColumn kind)
{
  return kind != COL_KEY && kind != COL_MODEL && kind != COL_NOTE && kind != COL_MESSAGE_ID;
}

/* Returns the length of the line printed. */
static guint
print_table_line (GPtrArray *cells,
                  GArray    *columns,
                  guint     *widths,
                  guint      r)
{
  g_autoptr(GString) line = g_string_new (NULL);

  for (guint c = 0; c < columns->len; c++)
    {
      const char *cell = g_ptr_array_index (cells, r * columns->len + c);
      guint pad = widths[c] - g_utf8_strlen (cell, -1);

      if (c > 0)
        g_string_append (line, "  ");
      if (right_aligned (g_array_index (columns, TableColumnInfo, c).kind))
        for (guint i = 0; i < pad; i++)
          g_string_append_c (line, ' ');
      g_string_append (line, cell);
      if (!right_aligned (g_array_index (columns, TableColumnInfo, c).kind))
        for (guint i = 0; i < pad; i++)
          g_string_append_c (line, ' ');
    }

  while (line->len > 0 && line->str[line->len - 1] == ' ')
    g_string_truncate (line, line->len - 1);
  puts (line->str);

  return line->len;
}

static void
print_rule (guint length)
{
  g_autofree char *rule = g_strnfill (length, '-');

  puts (rule);
}

void
cm_cli_print_table (GPtrArray      *rows,
                    const CmTotals *totals,
                    const char     *key_title,
                    gboolean        breakdown)
{
  g_autoptr(GArray) columns = table_columns (rows, key_title, breakdown);
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_autofree guint *widths = g_new0 (guint, columns->len);
  guint width;

  /* Rows 0 .. n-1, then the header (n) and the total (n + 1). */
  for (guint r = 0; r < rows->len + 2; r++)
    {
      const CmCliRow *row = r < rows->len ? g_ptr_array_index (rows, r) : NULL;

      for (guint c = 0; c < columns->len; c++)
        {
          const TableColumnInfo *column = &g_array_index (columns, TableColumnInfo, c);
          char *cell = r == rows->len ? g_strdup (column->title)
                                      : table_cell (row, row != NULL ? &row->totals : totals, column);

          widths[c] = MAX (widths[c], (guint) g_utf8_strlen (cell, -1));
          g_ptr_array_add (cells, cell);
        }
    }
  /* The rules are as long as the header (the note has no title). */
  width = print_table_line (cells, columns, widths, rows->len);
  print_rule (width);
  for (guint r = 0; r < rows->len; r++)
    print_table_line (cells, columns, widths, r);
  print_rule (width);
  print_table_line (cells, columns, widths, rows->len + 1);

  if (totals->estimated > 0)
    puts ("\nest.: Bedrock and Vertex dollars are estimates at Anthropic list prices.");
}
