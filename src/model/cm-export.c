/* cm-export.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <string.h>

#include "cm-export.h"
#include "cm-types.h"

#define UNITS_PER_USD G_GINT64_CONSTANT (10000000000)

char *
cm_export_file_name (const char     *base,
                     CmExportFormat  format)
{
  return g_strconcat (base, format == CM_EXPORT_FORMAT_JSON ? ".json" : ".csv", NULL);
}

char *
cm_export_format_money (gint64 units)
{
  guint64 magnitude;

  /* Negative amounts are refunds or corrections: keep the sign exact too. */
  magnitude = units < 0 ? (guint64) -(units + 1) + 1 : (guint64) units;

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%010" G_GUINT64_FORMAT,
                          units < 0 ? "-" : "",
                          magnitude / UNITS_PER_USD,
                          magnitude % UNITS_PER_USD);
}

/* The cell as text, and whether it is a JSON string (quoted) or a literal. */
static char *
format_cell (GObject              *item,
             const CmExportColumn *column,
             gboolean             *is_string)
{
  g_auto(GValue) value = G_VALUE_INIT;
  GParamSpec *pspec;

  *is_string = FALSE;
  pspec = g_object_class_find_property (G_OBJECT_GET_CLASS (item), column->property);
  if (pspec == NULL)
    {
      g_critical ("%s has no property “%s”", G_OBJECT_TYPE_NAME (item), column->property);
      return g_strdup ("null");
    }

  g_value_init (&value, pspec->value_type);
  g_object_get_property (item, column->property, &value);

  switch (column->kind)
    {
    case CM_EXPORT_TEXT:
      {
        const char *str = g_value_get_string (&value);

        if (str == NULL)
          return g_strdup ("null");
        *is_string = TRUE;
        return g_strdup (str);
      }

    case CM_EXPORT_INTEGER:
      return g_strdup_printf ("%" G_GINT64_FORMAT, g_value_get_int64 (&value));

    case CM_EXPORT_MONEY:
      return cm_export_format_money (g_value_get_int64 (&value));

    case CM_EXPORT_RATIO:
      {
        char buf[G_ASCII_DTOSTR_BUF_SIZE];

        /* Undefined (a cache-hit ratio without input): absent, not 0. */
        if (isnan (g_value_get_double (&value)))
          return g_strdup ("null");
        return g_strdup (g_ascii_formatd (buf, sizeof buf, "%.6f", g_value_get_double (&value)));
      }

    case CM_EXPORT_TIME:
      {
        gint64 ms = g_value_get_int64 (&value);
        g_autoptr(GDateTime) dt = NULL;
        g_autofree char *text = NULL;

        if (ms == 0)
          return g_strdup ("null");
        dt = g_date_time_new_from_unix_utc (ms / 1000);
        if (dt == NULL)
          return g_strdup ("null");
        *is_string = TRUE;
        text = g_date_time_format (dt, "%Y-%m-%dT%H:%M:%S");
        return g_strdup_printf ("%s.%03dZ", text, (int) (ms % 1000));
      }

    case CM_EXPORT_BOOLEAN:
      return g_strdup (g_value_get_boolean (&value) ? "true" : "false");

    default:
      g_assert_not_reached ();
    }
}

static void
append_csv_field (GString    *out,
                  const char *text)
{
  /* Formula-like text is kept as text (see cm_csv_append_field). */
  cm_csv_append_field (out, text, FALSE);
}

static void
append_json_string (GString    *out,
                    const char *text)
{
  g_string_append_c (out, '"');
  for (const guchar *p = (const guchar *) text; *p; p++)
    {
      switch (*p)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          if (*p < 0x20)
            g_string_append_printf (out, "\\u%04x", *p);
          else
            g_string_append_c (out, *p);
        }
    }
  g_string_append_c (out, '"');
}

char *
cm_export_to_string (GListModel           *model,
                     const CmExportColumn *columns,
                     guint                 n_columns,
                     CmExportFormat        format)
{
  GString *out = g_string_new (NULL);
  guint n_items;

  g_return_val_if_fail (G_IS_LIST_MODEL (model), NULL);
  g_return_val_if_fail (columns != NULL && n_columns > 0, NULL);

  n_items = g_list_model_get_n_items (model);

  if (format == CM_EXPORT_FORMAT_CSV)
    {
      for (guint c = 0; c < n_columns; c++)
        {
          if (c > 0)
            g_string_append_c (out, ',');
          append_csv_field (out, columns[c].key);
        }
      g_string_append (out, "\r\n");
    }
  else
    g_string_append_c (out, '[');

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      if (format == CM_EXPORT_FORMAT_JSON)
        g_string_append (out, i > 0 ? ",\n  {" : "\n  {");

      for (guint c = 0; c < n_columns; c++)
        {
          gboolean is_string;
          g_autofree char *cell = format_cell (item, &columns[c], &is_string);

          if (format == CM_EXPORT_FORMAT_CSV)
            {
              if (c > 0)
                g_string_append_c (out, ',');
              /* An absent value is an empty CSV field. */
              append_csv_field (out, !is_string && g_str_equal (cell, "null") ? "" : cell);
            }
          else
            {
              if (c > 0)
                g_string_append (out, ", ");
              append_json_string (out, columns[c].key);
              g_string_append (out, ": ");
              if (is_string)
                append_json_string (out, cell);
              else
                g_string_append (out, cell);
            }
        }

      if (format == CM_EXPORT_FORMAT_CSV)
        g_string_append (out, "\r\n");
      else
        g_string_append_c (out, '}');
    }

  if (format == CM_EXPORT_FORMAT_JSON)
    g_string_append (out, n_items > 0 ? "\n]\n" : "]\n");

  return g_string_free (out, FALSE);
}

gboolean
cm_export_to_file (GListModel            *model,
                   const CmExportColumn  *columns,
                   guint                  n_columns,
                   CmExportFormat         format,
                   GFile                 *file,
                   GError               **error)
{
  g_autofree char *text = NULL;

  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  text = cm_export_to_string (model, columns, n_columns, format);

  return g_file_replace_contents (file, text, strlen (text), NULL, FALSE,
                                  G_FILE_CREATE_REPLACE_DESTINATION, NULL, NULL, error);
}
