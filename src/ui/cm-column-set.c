/* cm-column-set.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-column-set.h"
#include "cm-columns.h"

/* Cell padding (style.css: 8 px each side) and the header's sort arrow. */
#define CELL_PADDING 16
#define SORT_ARROW 20
/* A text column gives up width down to this before others hide. */
#define NARROW_TEXT 120

void
cm_column_set_priority (GtkColumnViewColumn *column,
                        guint                priority)
{
  g_return_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column));

  g_object_set_data (G_OBJECT (column), "cm-priority", GUINT_TO_POINTER (priority));
}

guint
cm_column_set_get_priority (GtkColumnViewColumn *column)
{
  g_return_val_if_fail (GTK_IS_COLUMN_VIEW_COLUMN (column), 0);

  return GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (column), "cm-priority"));
}

/* The widest a cell of @kind usually is ("$1,234.56 est.", "999.9K"). */
static int
cell_width (CmColumnKind kind)
{
  switch (kind)
    {
    case CM_COLUMN_MONEY:
    case CM_COLUMN_COST:      return 140;
    case CM_COLUMN_TIME:      return 140;
    case CM_COLUMN_BACKEND:   return 120;
    case CM_COLUMN_DURATION:  return 75;
    case CM_COLUMN_COUNT_COST: return 80;
    case CM_COLUMN_TOKENS:
    case CM_COLUMN_COUNT:
    case CM_COLUMN_RATIO:
    default:                  return 55;
    }
}

/* Text columns have a fixed width (kept as "cm-width" when first seen);
 * the others are as wide as their header or cells. */
static int
estimate (GtkColumnView       *view,
          GtkColumnViewColumn *column,
          int                 *text_width)
{
  CmColumnKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "cm-kind"));
  g_autoptr(PangoLayout) layout = NULL;
  int header = 0;

  *text_width = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (column), "cm-width"));
  if (*text_width == 0 && gtk_column_view_column_get_fixed_width (column) > 0)
    {
      *text_width = gtk_column_view_column_get_fixed_width (column);
      g_object_set_data (G_OBJECT (column), "cm-width", GINT_TO_POINTER (*text_width));
    }
  if (*text_width > 0)
    return *text_width;

  layout = gtk_widget_create_pango_layout (GTK_WIDGET (view), gtk_column_view_column_get_title (column));
  pango_layout_get_pixel_size (layout, &header, NULL);

  return MAX (header + SORT_ARROW, cell_width (kind)) + CELL_PADDING;
}

gboolean
cm_column_set_fit (GtkColumnView *view,
                   int            width)
{
  GListModel *columns = gtk_column_view_get_columns (view);
  guint n = g_list_model_get_n_items (columns);
  g_autofree int *est = g_new0 (int, n);
  g_autofree int *text = g_new0 (int, n);
  g_autofree gboolean *show = g_new0 (gboolean, n);
  guint max_priority = 0;
  int used = 0, shrink = 0;
  gboolean changed = FALSE;

  /* Only when the width moved: a column the user resized stays so. */
  if (width <= 0 || GPOINTER_TO_INT (g_object_get_data (G_OBJECT (view), "cm-fit-width")) == width)
    return FALSE;
  g_object_set_data (G_OBJECT (view), "cm-fit-width", GINT_TO_POINTER (width));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);

      est[i] = estimate (view, column, &text[i]);
      max_priority = MAX (max_priority, cm_column_set_get_priority (column));
    }

  /* The most important first, each level only while it fits; text columns
   * give up their extra width before a column hides. */
  for (guint p = 0; p <= max_priority; p++)
    for (guint i = 0; i < n; i++)
      {
        g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
        int spare = text[i] > NARROW_TEXT ? text[i] - NARROW_TEXT : 0;

        if (cm_column_set_get_priority (column) != p)
          continue;
        if (p == 0 || used + est[i] - shrink - spare <= width)
          {
            show[i] = TRUE;
            used += est[i];
            shrink += spare;
          }
      }

  /* What the shown columns need beyond the width comes out of the text. */
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GtkColumnViewColumn) column = g_list_model_get_item (columns, i);
      int over = MAX (0, used - width);

      if (text[i] > 0)
        {
          int w = MAX (NARROW_TEXT, text[i] - (shrink > 0 ? over * (text[i] - NARROW_TEXT) / shrink : 0));

          if (gtk_column_view_column_get_fixed_width (column) != w)
            gtk_column_view_column_set_fixed_width (column, w);
        }
      if (gtk_column_view_column_get_visible (column) != show[i])
        {
          gtk_column_view_column_set_visible (column, show[i]);
          changed = TRUE;
        }
    }

  return changed;
}

static void
follow_measure (GtkWidget      *widget,
                GtkOrientation  orientation,
                int             for_size,
                int            *minimum,
                int            *natural,
                int            *minimum_baseline,
                int            *natural_baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  *minimum = *natural = 0;
  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_measure (child, orientation, for_size, minimum, natural, minimum_baseline, natural_baseline);
}

/* The columns first, so the column view is laid out with the right ones. */
static void
follow_allocate (GtkWidget *widget,
                 int        width,
                 int        height,
                 int        baseline)
{
  GtkWidget *child = gtk_widget_get_first_child (widget);

  cm_column_set_fit (g_object_get_data (G_OBJECT (widget), "cm-fit-view"), width);
  if (child != NULL && gtk_widget_should_layout (child))
    gtk_widget_allocate (child, width, height, baseline, NULL);
}

void
cm_column_set_follow_width (GtkWidget     *bin,
                            GtkColumnView *view)
{
  g_return_if_fail (GTK_IS_WIDGET (bin));
  g_return_if_fail (GTK_IS_COLUMN_VIEW (view));

  g_object_set_data (G_OBJECT (bin), "cm-fit-view", view);
  gtk_widget_set_layout_manager (bin, gtk_custom_layout_new (NULL, follow_measure, follow_allocate));
}
