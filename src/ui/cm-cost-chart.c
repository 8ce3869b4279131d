/* cm-cost-chart.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cm-cost-chart.h"
#include "cm-format.h"
#include "cm-group-item.h"
#include "cm-report.h"

/* Series beyond this many (by model) are summed as "Other models". */
#define MAX_SERIES 7
/* Models with a colour of their own; the rest share "Other models". */
#define N_MODEL_COLORS (MAX_SERIES - 1)
#define BAR_GAP_RATIO 0.25
#define AXIS_GAP 6
#define TOP_PAD 8
#define SEPARATOR 1

struct _CmCostChart
{
  GtkWidget   parent_instance;

  GListModel *model;
  char       *stack;

  /* Derived from the model: n_days x n_series dollars. */
  GPtrArray  *days;        /* char* "YYYY-MM-DD" */
  GPtrArray  *series;      /* char* labels */
  GArray     *colors;      /* GdkRGBA */
  CmMoney    *values;
  CmMoney     max_total;
  CmMoney     budget;      /* the daily budget line, 0 = none */
  gboolean    estimated;

  /* Every model of the store: a model's colour is its place here, so it
   * keeps it whatever the filter shows. */
  GStrv       known_models;
  /* The model given is not read yet: the bars drawn stay until it is. */
  gboolean    waiting;

  int         hover;       /* day index under the pointer, -1 = none */
  int         selected;    /* day index of the keyboard cursor, -1 = none */
};

G_DEFINE_FINAL_TYPE (CmCostChart, cm_cost_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_MODEL,
  PROP_STACK,
  N_PROPS
};

enum {
  SERIES_CHANGED,
  DAY_ACTIVATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Colours that stay apart under protanopia, deuteranopia and tritanopia
 * (tests/check-chart-palette.py holds them to it): six for models, then
 * the grey of "Other models". */
static const char *palette[N_MODEL_COLORS + 1] = {
  "#3584e4", "#f8e45c", "#a51d2d", "#99c1f1", "#f66151", "#613583", "#9a9996",
};

static const CmBackend backend_order[] = {
  CM_BACKEND_BEDROCK, CM_BACKEND_ANTHROPIC, CM_BACKEND_VERTEX, CM_BACKEND_UNKNOWN,
};

/* Anthropic dark orange, Bedrock yellow, Vertex blue: apart under the
 * common colour-vision deficiencies (tests/check-chart-palette.py). */
static const char *backend_colors[CM_N_BACKENDS] = {
  [CM_BACKEND_ANTHROPIC] = "#c64600",
  [CM_BACKEND_BEDROCK] = "#f5c211",
  [CM_BACKEND_VERTEX] = "#62a0ea",
  [CM_BACKEND_UNKNOWN] = "#9a9996",
};

static char *format_day (const char *day,
                         gboolean    long_form);

static CmMoney *
value_at (CmCostChart *self,
          guint        day,
          guint        series)
{
  return &self->values[day * self->series->len + series];
}

static gboolean
by_backend (CmCostChart *self)
{
  return g_strcmp0 (self->stack, "model") != 0;
}

static void
add_color (CmCostChart *self,
           const char  *spec)
{
  GdkRGBA rgba;

  gdk_rgba_parse (&rgba, spec);
  g_array_append_val (self->colors, rgba);
}

static int
compare_money_desc (gconstpointer a,
                    gconstpointer b,
                    gpointer      user_data)
{
  GHashTable *sums = user_data;
  CmMoney ma = *(CmMoney *) g_hash_table_lookup (sums, *(char **) a);
  CmMoney mb = *(CmMoney *) g_hash_table_lookup (sums, *(char **) b);

  if (ma != mb)
    return ma > mb ? -1 : 1;

  return g_strcmp0 (*(char **) a, *(char **) b);
}

/* A model's own colour: its place among the store's models, or failing
 * that its name's hash; the next free one when a model shown before it
 * has it already (only when there are more models than colours). */
static guint
model_color (CmCostChart *self,
             const char  *id,
             gboolean    *used)
{
  guint index = g_str_hash (id) % N_MODEL_COLORS;

  for (guint i = 0; self->known_models != NULL && self->known_models[i] != NULL; i++)
    {
      if (g_str_equal (self->known_models[i], id))
        {
          index = i % N_MODEL_COLORS;
          break;
        }
    }

  for (guint k = 0; k < N_MODEL_COLORS && used[index]; k++)
    index = (index + 1) % N_MODEL_COLORS;
  used[index] = TRUE;

  return index;
}

/* Turns the rows into a day x series table. */
static void
rebuild (CmCostChart *self)
{
  g_autoptr(GHashTable) day_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) series_index = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) sums = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  guint n_items = self->model ? g_list_model_get_n_items (self->model) : 0;
  guint other = G_MAXUINT;

  /* What is drawn stays until the model is read (no "No spending" flash). */
  if (self->waiting)
    return;

  g_ptr_array_set_size (self->days, 0);
  g_ptr_array_set_size (self->series, 0);
  g_array_set_size (self->colors, 0);
  g_clear_pointer (&self->values, g_free);
  self->max_total = 0;
  self->estimated = FALSE;
  self->hover = -1;
  self->selected = -1;

  /* Days: every day between the first and the last, so gaps show as gaps. */
  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (self->model, i);
      const char *series = cm_group_item_get_key2 (item);
      CmMoney *sum;

      if (series == NULL)
        series = "";
      sum = g_hash_table_lookup (sums, series);
      if (sum == NULL)
        {
          sum = g_new0 (CmMoney, 1);
          g_hash_table_insert (sums, g_strdup (series), sum);
        }
      *sum += cm_group_item_get_cost (item);
      if (cm_group_item_get_totals (item)->estimated > 0)
        self->estimated = TRUE;
    }

  if (n_items > 0)
    {
      g_autoptr(CmGroupItem) first = g_list_model_get_item (self->model, 0);
      g_autoptr(CmGroupItem) last = g_list_model_get_item (self->model, n_items - 1);
      g_autoptr(GDate) date = g_date_new ();
      g_autoptr(GDate) end = g_date_new ();

      g_date_set_parse (date, cm_group_item_get_key (first));
      g_date_set_parse (end, cm_group_item_get_key (last));
      /* g_date_set_parse is locale-dependent; ISO dates parse everywhere. */
      if (g_date_valid (date) && g_date_valid (end) && g_date_days_between (date, end) < 3700)
        {
          while (g_date_compare (date, end) <= 0)
            {
              char buf[16];

              g_snprintf (buf, sizeof buf, "%04d-%02d-%02d", g_date_get_year (date),
                          g_date_get_month (date), g_date_get_day (date));
              g_ptr_array_add (self->days, g_strdup (buf));
              g_date_add_days (date, 1);
            }
        }
      else
        {
          for (guint i = 0; i < n_items; i++)
            {
              g_autoptr(CmGroupItem) item = g_list_model_get_item (self->model, i);
              const char *day = cm_group_item_get_key (item);

              if (self->days->len == 0 || g_strcmp0 (g_ptr_array_index (self->days, self->days->len - 1), day) != 0)
                g_ptr_array_add (self->days, g_strdup (day));
            }
        }
    }

  for (guint i = 0; i < self->days->len; i++)
    g_hash_table_insert (day_index, g_ptr_array_index (self->days, i), GUINT_TO_POINTER (i + 1));

  /* Series: backends in a fixed order, models by their total. */
  if (by_backend (self))
    {
      for (guint i = 0; i < G_N_ELEMENTS (backend_order); i++)
        {
          const char *id = cm_backend_to_string (backend_order[i]);
          CmMoney *sum = g_hash_table_lookup (sums, id);

          /* A backend without dollars (only unpriced messages) has no bar. */
          if (sum == NULL || *sum == 0)
            continue;
          g_hash_table_insert (series_index, (gpointer) id, GUINT_TO_POINTER (self->series->len + 1));
          g_ptr_array_add (self->series, g_strdup (cm_backend_display_name (backend_order[i])));
          add_color (self, backend_colors[backend_order[i]]);
        }
    }
  else
    {
      GHashTableIter iter;
      gpointer key, value;
      gboolean used[N_MODEL_COLORS] = { FALSE };

      g_hash_table_iter_init (&iter, sums);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (*(CmMoney *) value != 0)
          g_ptr_array_add (keys, key);
      g_ptr_array_sort_with_data (keys, compare_money_desc, sums);

      for (guint i = 0; i < keys->len; i++)
        {
          const char *id = g_ptr_array_index (keys, i);

          if (i == N_MODEL_COLORS && keys->len > N_MODEL_COLORS)
            {
              other = self->series->len;
              g_ptr_array_add (self->series, g_strdup (_("Other models")));
              add_color (self, palette[N_MODEL_COLORS]);
            }
          if (other != G_MAXUINT)
            {
              g_hash_table_insert (series_index, (gpointer) id, GUINT_TO_POINTER (other + 1));
              continue;
            }
          g_hash_table_insert (series_index, (gpointer) id, GUINT_TO_POINTER (self->series->len + 1));
          g_ptr_array_add (self->series, g_strdup (id));
          add_color (self, palette[model_color (self, id, used)]);
        }
    }

  self->values = g_new0 (CmMoney, MAX (1, self->days->len * self->series->len));

  for (guint i = 0; i < n_items; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (self->model, i);
      const char *series = cm_group_item_get_key2 (item);
      guint d = GPOINTER_TO_UINT (g_hash_table_lookup (day_index, cm_group_item_get_key (item)));
      guint s = GPOINTER_TO_UINT (g_hash_table_lookup (series_index, series ? series : ""));

      if (d == 0 || s == 0)
        continue;
      *value_at (self, d - 1, s - 1) += cm_group_item_get_cost (item);
    }

  for (guint d = 0; d < self->days->len; d++)
    {
      CmMoney total = 0;

      for (guint s = 0; s < self->series->len; s++)
        total += *value_at (self, d, s);
      self->max_total = MAX (self->max_total, total);
    }

  g_signal_emit (self, signals[SERIES_CHANGED], 0);

  {
    g_autofree char *description = NULL;

    if (self->days->len == 0)
      description = g_strdup (_("No spending in this range"));
    else
      description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Cost of %u day, from %s to %s",
                                                  "Cost of %u days, from %s to %s", self->days->len),
                                     self->days->len,
                                     (char *) g_ptr_array_index (self->days, 0),
                                     (char *) g_ptr_array_index (self->days, self->days->len - 1));
    gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                    GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, description,
                                    GTK_ACCESSIBLE_PROPERTY_VALUE_MIN, 0.0,
                                    GTK_ACCESSIBLE_PROPERTY_VALUE_MAX, (double) MAX (1, self->days->len) - 1,
                                    -1);
  }

  /* The keyboard cursor stays on the last day, where it starts. */
  if (gtk_widget_has_focus (GTK_WIDGET (self)) && self->days->len > 0)
    cm_cost_chart_select_day (self, self->days->len - 1);
  else
    gtk_accessible_reset_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT);

  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
items_changed_cb (CmCostChart *self)
{
  rebuild (self);
}

/* A "nice" axis step (1, 2 or 5 x 10^n dollars) giving about @n_ticks lines. */
static double
nice_step (double max_usd,
           int    n_ticks)
{
  double raw = max_usd / MAX (1, n_ticks);
  double mag = pow (10, floor (log10 (raw)));
  double norm = raw / mag;

  if (norm <= 1)
    return mag;
  if (norm <= 2)
    return 2 * mag;
  if (norm <= 5)
    return 5 * mag;

  return 10 * mag;
}

static void
get_fg_color (CmCostChart *self,
              GdkRGBA     *color)
{
  GtkStyleContext *context = gtk_widget_get_style_context (GTK_WIDGET (self));

  gtk_style_context_get_color (context, color);
}

/* The axis text: a little lighter than the text around, still above 4.5:1
 * on the window's background in light and dark styles (Adwaita's dim
 * labels are about 3.6:1). */
#define TEXT_ALPHA 0.8

void
cm_cost_chart_get_text_color (CmCostChart *self,
                              GdkRGBA     *color)
{
  g_return_if_fail (CM_IS_COST_CHART (self));

  get_fg_color (self, color);
  color->alpha *= TEXT_ALPHA;
}

static PangoLayout *
make_layout (CmCostChart *self,
             const char  *text)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (GTK_WIDGET (self), text);
  PangoAttrList *attrs = pango_attr_list_new ();

  pango_attr_list_insert (attrs, pango_attr_scale_new (0.8));
  pango_attr_list_insert (attrs, pango_attr_font_features_new ("tnum"));
  pango_layout_set_attributes (layout, attrs);
  pango_attr_list_unref (attrs);

  return layout;
}

static void
draw_text (GtkSnapshot   *snapshot,
           PangoLayout   *layout,
           double         x,
           double         y,
           const GdkRGBA *color)
{
  gtk_snapshot_save (snapshot);
  gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x, y));
  gtk_snapshot_append_layout (snapshot, layout, color);
  gtk_snapshot_restore (snapshot);
}

typedef struct
{
  double left;
  double right;
  double top;
  double bottom;  /* y of the zero line */
  double slot;    /* width per day */
} Geometry;

static void
compute_geometry (CmCostChart *self,
                  Geometry    *g,
                  double      *step,
                  double      *top_usd,
                  int         *label_h)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  /* The budget line stays inside the chart. */
  double max_usd = cm_money_to_usd (MAX (self->max_total, self->budget));
  g_autofree char *top_text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  int lw, lh;

  *step = nice_step (max_usd > 0 ? max_usd : 1, 4);
  *top_usd = ceil ((max_usd > 0 ? max_usd : 1) / *step) * *step;

  top_text = cm_format_money_with ((CmMoney) (*top_usd * CM_MONEY_PER_USD), *step < 1 ? 2 : 0);
  layout = make_layout (self, top_text);
  pango_layout_get_pixel_size (layout, &lw, &lh);

  *label_h = lh;
  g->left = lw + AXIS_GAP;
  g->right = width;
  g->top = TOP_PAD + lh / 2.0;
  g->bottom = height - lh - AXIS_GAP;
  g->slot = self->days->len > 0 ? (g->right - g->left) / self->days->len : 0;
}

/* The daily budget: a dashed line in the error colour, named at its end. */
static void
draw_budget (CmCostChart    *self,
             GtkSnapshot    *snapshot,
             const Geometry *g,
             double          top_usd)
{
  GdkRGBA color;
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;
  g_autoptr(PangoLayout) layout = NULL;
  double y;
  int lw, lh;

  if (self->budget <= 0 || top_usd <= 0)
    return;

  gdk_rgba_parse (&color, "#e01b24");
  y = floor (g->bottom - (g->bottom - g->top) * (cm_money_to_usd (self->budget) / top_usd));
  for (double x = g->left; x < g->right; x += 10)
    gtk_snapshot_append_color (snapshot, &color, &GRAPHENE_RECT_INIT (x, y - 1, MIN (6, g->right - x), 2));

  amount = cm_format_money_with (self->budget, 0);
  /* TRANSLATORS: the label of the daily budget line on the chart */
  text = g_strdup_printf (_("Daily budget %s"), amount);
  layout = make_layout (self, text);
  pango_layout_get_pixel_size (layout, &lw, &lh);
  draw_text (snapshot, layout, g->right - lw - 2, MAX (0, y - lh - 1), &color);
}

static void
cm_cost_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CmCostChart *self = CM_COST_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, grid, label_color;
  Geometry g;
  double step, top_usd;
  int label_h;

  get_fg_color (self, &fg);
  grid = fg;
  grid.alpha *= 0.12;
  label_color = fg;
  label_color.alpha *= TEXT_ALPHA;

  if (self->days->len == 0)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("No spending in this range"));
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      draw_text (snapshot, layout, (width - lw) / 2.0, (height - lh) / 2.0, &label_color);
      return;
    }

  compute_geometry (self, &g, &step, &top_usd, &label_h);
  if (g.bottom <= g.top || g.right <= g.left)
    return;

  /* Horizontal grid lines with dollar labels. */
  for (double v = 0; v <= top_usd + step / 2; v += step)
    {
      double y = g.bottom - (g.bottom - g.top) * (v / top_usd);
      g_autofree char *text = cm_format_money_with ((CmMoney) (v * CM_MONEY_PER_USD), step < 1 ? 2 : 0);
      g_autoptr(PangoLayout) layout = make_layout (self, text);
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &grid, &GRAPHENE_RECT_INIT (g.left, floor (y), g.right - g.left, 1));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      draw_text (snapshot, layout, g.left - AXIS_GAP - lw, y - lh / 2.0, &label_color);
    }

  /* Hover highlight behind the bar. */
  if (self->hover >= 0 && (guint) self->hover < self->days->len)
    {
      GdkRGBA hl = fg;

      hl.alpha *= 0.07;
      gtk_snapshot_append_color (snapshot, &hl,
                                 &GRAPHENE_RECT_INIT (g.left + g.slot * self->hover, g.top,
                                                      g.slot, g.bottom - g.top));
    }

  /* The keyboard cursor: a frame around its day. */
  if (gtk_widget_has_focus (widget) && self->selected >= 0 && (guint) self->selected < self->days->len)
    {
      GskRoundedRect frame;
      GdkRGBA ring = fg;
      const float w[4] = { 2, 2, 2, 2 };

      ring.alpha *= 0.7;
      gsk_rounded_rect_init_from_rect (&frame, &GRAPHENE_RECT_INIT (g.left + g.slot * self->selected, g.top - 2,
                                                                     MAX (4, g.slot), g.bottom - g.top + 4), 3);
      gtk_snapshot_append_border (snapshot, &frame, w, (GdkRGBA[4]) { ring, ring, ring, ring });
    }

  /* Stacked bars. */
  for (guint d = 0; d < self->days->len; d++)
    {
      double bar_w = MAX (1.0, g.slot * (1 - BAR_GAP_RATIO));
      double x = g.left + g.slot * d + (g.slot - bar_w) / 2;
      double y = g.bottom;
      gboolean below = FALSE;

      for (guint s = 0; s < self->series->len; s++)
        {
          double usd = cm_money_to_usd (*value_at (self, d, s));
          double h = (g.bottom - g.top) * (usd / top_usd);
          const GdkRGBA *color = &g_array_index (self->colors, GdkRGBA, s);
          /* A 1 px gap (the background) between stacked segments. */
          double gap = below && h > 2 ? SEPARATOR : 0;

          if (h <= 0)
            continue;
          y -= h;
          gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, bar_w, h - gap));
          below = TRUE;
        }
    }

  /* Day labels: as many as fit without overlapping. */
  {
    g_autofree char *widest = format_day ("2026-09-30", FALSE);
    g_autoptr(PangoLayout) probe = make_layout (self, widest);
    int lw, lh;
    guint every;

    pango_layout_get_pixel_size (probe, &lw, &lh);
    every = (guint) ceil ((lw + 12) / MAX (1.0, g.slot));
    every = MAX (1, every);

    for (guint d = 0; d < self->days->len; d += every)
      {
        g_autofree char *day = format_day (g_ptr_array_index (self->days, d), FALSE);
        g_autoptr(PangoLayout) layout = make_layout (self, day);
        double cx = g.left + g.slot * (d + 0.5);

        pango_layout_get_pixel_size (layout, &lw, &lh);
        if (cx - lw / 2.0 < g.left - AXIS_GAP || cx + lw / 2.0 > width)
          continue;
        draw_text (snapshot, layout, cx - lw / 2.0, g.bottom + AXIS_GAP / 2.0, &label_color);
      }
  }

  /* The zero line. */
  gtk_snapshot_append_color (snapshot, &label_color, &GRAPHENE_RECT_INIT (g.left, g.bottom, g.right - g.left, 1));

  draw_budget (self, snapshot, &g, top_usd);
}

static int
day_at (CmCostChart *self,
        double       x)
{
  Geometry g;
  double step, top_usd;
  int label_h;
  int d;

  if (self->days->len == 0)
    return -1;

  compute_geometry (self, &g, &step, &top_usd, &label_h);
  if (x < g.left || g.slot <= 0)
    return -1;

  d = (int) ((x - g.left) / g.slot);

  return d >= 0 && (guint) d < self->days->len ? d : -1;
}

static void
motion_cb (GtkEventControllerMotion *controller,
           double                    x,
           double                    y,
           CmCostChart              *self)
{
  int d = day_at (self, x);

  if (d != self->hover)
    {
      self->hover = d;
      gtk_widget_queue_draw (GTK_WIDGET (self));
      gtk_widget_trigger_tooltip_query (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *controller,
          CmCostChart              *self)
{
  if (self->hover != -1)
    {
      self->hover = -1;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

/* The day's date as the locale writes it. */
static char *
format_day (const char *day,
            gboolean    long_form)
{
  int y, m, d;
  g_autoptr(GDateTime) dt = NULL;

  if (day == NULL || sscanf (day, "%d-%d-%d", &y, &m, &d) != 3 ||
      (dt = g_date_time_new_utc (y, m, d, 0, 0, 0)) == NULL)
    return g_strdup (day != NULL ? day : "");

  /* Translators: a day in the chart's tooltip and what screen readers say
   * of a bar (strftime; %-d is the day without padding). */
  return g_date_time_format (dt, long_form ? C_("chart day", "%A, %B %-d, %Y")
                                           /* Translators: a day under a bar of the chart. */
                                           : C_("chart axis day", "%b %-d"));
}

/* The day, each series' dollars and their total, one per line (@markup:
 * the first and last in bold), or all on one for a screen reader. */
static char *
day_text (CmCostChart *self,
          guint        day,
          gboolean     markup)
{
  const char *sep = markup ? "\n" : "; ";
  GString *text = g_string_new (NULL);
  g_autofree char *date = format_day (g_ptr_array_index (self->days, day), TRUE);
  g_autofree char *amount = NULL;
  g_autofree char *total_line = NULL;
  CmMoney total = 0;

  if (markup)
    g_string_append_printf (text, "<b>%s</b>", date);
  else
    g_string_append (text, date);

  for (guint s = 0; s < self->series->len; s++)
    {
      CmMoney value = *value_at (self, day, s);
      g_autofree char *part = NULL;
      g_autofree char *line = NULL;

      if (value == 0)
        continue;
      total += value;
      part = cm_format_money (value);
      line = g_strdup_printf ("%s: %s", (char *) g_ptr_array_index (self->series, s), part);
      if (markup)
        {
          g_autofree char *escaped = g_markup_escape_text (line, -1);

          g_string_append_printf (text, "%s%s", sep, escaped);
        }
      else
        g_string_append_printf (text, "%s%s", sep, line);
    }

  amount = cm_format_money (total);
  total_line = g_strdup_printf (_("Total: %s"), amount);
  if (markup)
    {
      g_autofree char *escaped = g_markup_escape_text (total_line, -1);

      g_string_append_printf (text, "%s<b>%s</b>", sep, escaped);
    }
  else
    g_string_append_printf (text, "%s%s", sep, total_line);

  return g_string_free (text, FALSE);
}

char *
cm_cost_chart_dup_day_text (CmCostChart *self,
                            guint        day)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), NULL);
  g_return_val_if_fail (day < self->days->len, NULL);

  return day_text (self, day, TRUE);
}

void
cm_cost_chart_select_day (CmCostChart *self,
                          int          day)
{
  g_autofree char *text = NULL;

  g_return_if_fail (CM_IS_COST_CHART (self));

  if (self->days->len == 0)
    return;

  day = CLAMP (day, 0, (int) self->days->len - 1);
  self->selected = day;

  /* Screen readers say the value of the focused slider when it moves. */
  text = day_text (self, day, FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_NOW, (double) day,
                                  GTK_ACCESSIBLE_PROPERTY_VALUE_TEXT, text,
                                  -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
cm_cost_chart_get_selected_day (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), -1);

  return self->selected;
}

const char *
cm_cost_chart_get_day (CmCostChart *self,
                       guint        day)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), NULL);
  g_return_val_if_fail (day < self->days->len, NULL);

  return g_ptr_array_index (self->days, day);
}

static void
move_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *param)
{
  CmCostChart *self = CM_COST_CHART (widget);
  int step = g_variant_get_int32 (param);

  if (self->days->len == 0)
    return;

  if (step == G_MININT32)
    cm_cost_chart_select_day (self, 0);
  else if (step == G_MAXINT32)
    cm_cost_chart_select_day (self, self->days->len - 1);
  else
    cm_cost_chart_select_day (self, (self->selected < 0 ? (int) self->days->len - 1 : self->selected) + step);
}

static void
activate_day (CmCostChart *self,
              int          day)
{
  if (day < 0 || (guint) day >= self->days->len)
    return;

  g_signal_emit (self, signals[DAY_ACTIVATED], 0, g_ptr_array_index (self->days, day));
}

static void
activate_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *param)
{
  CmCostChart *self = CM_COST_CHART (widget);

  activate_day (self, self->selected);
}

static void
focus_enter_cb (CmCostChart *self)
{
  if (self->selected < 0 && self->days->len > 0)
    cm_cost_chart_select_day (self, self->days->len - 1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
pressed_cb (GtkGestureClick *gesture,
            int              n_press,
            double           x,
            double           y,
            CmCostChart     *self)
{
  int d = day_at (self, x);

  if (d < 0)
    return;

  cm_cost_chart_select_day (self, d);
  activate_day (self, d);
}

static gboolean
query_tooltip_cb (CmCostChart *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  g_autofree char *markup = NULL;
  int d = keyboard ? self->selected : day_at (self, x);

  if (d < 0)
    return FALSE;

  markup = cm_cost_chart_dup_day_text (self, d);
  gtk_tooltip_set_markup (tooltip, markup);

  return TRUE;
}

static void
cm_cost_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = 200;
      *natural = 600;
    }
  else
    {
      *minimum = 160;
      *natural = 220;
    }
}

static void
cm_cost_chart_dispose (GObject *object)
{
  CmCostChart *self = (CmCostChart *)object;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_clear_object (&self->model);

  G_OBJECT_CLASS (cm_cost_chart_parent_class)->dispose (object);
}

static void
cm_cost_chart_finalize (GObject *object)
{
  CmCostChart *self = (CmCostChart *)object;

  g_free (self->stack);
  g_strfreev (self->known_models);
  g_ptr_array_unref (self->days);
  g_ptr_array_unref (self->series);
  g_array_unref (self->colors);
  g_free (self->values);

  G_OBJECT_CLASS (cm_cost_chart_parent_class)->finalize (object);
}

static void
cm_cost_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CmCostChart *self = CM_COST_CHART (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      g_value_set_object (value, self->model);
      break;
    case PROP_STACK:
      g_value_set_string (value, self->stack);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_cost_chart_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CmCostChart *self = CM_COST_CHART (object);

  switch (prop_id)
    {
    case PROP_MODEL:
      cm_cost_chart_set_model (self, g_value_get_object (value));
      break;
    case PROP_STACK:
      cm_cost_chart_set_stack (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_cost_chart_class_init (CmCostChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_cost_chart_dispose;
  object_class->finalize = cm_cost_chart_finalize;
  object_class->get_property = cm_cost_chart_get_property;
  object_class->set_property = cm_cost_chart_set_property;

  widget_class->snapshot = cm_cost_chart_snapshot;
  widget_class->measure = cm_cost_chart_measure;

  properties[PROP_MODEL] =
    g_param_spec_object ("model", NULL, NULL, G_TYPE_LIST_MODEL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STACK] =
    g_param_spec_string ("stack", NULL, NULL, "backend",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SERIES_CHANGED] = g_signal_new ("series-changed",
                                          G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST,
                                          0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);

  /**
   * CmCostChart::day-activated:
   * @day: "YYYY-MM-DD"
   *
   * A bar was clicked, or Enter pressed on the one the keyboard is on.
   */
  signals[DAY_ACTIVATED] = g_signal_new ("day-activated",
                                         G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST,
                                         0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_STRING);

  /* Arrow keys walk the days, as along a slider, and the screen reader
   * says each one's dollars. */
  gtk_widget_class_install_action (widget_class, "chart.move", "i", move_action);
  gtk_widget_class_install_action (widget_class, "chart.activate-day", NULL, activate_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, 0, "chart.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Left, 0, "chart.move", "i", -1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Right, 0, "chart.move", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Right, 0, "chart.move", "i", 1);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Up, 0, "chart.move", "i", -7);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Page_Down, 0, "chart.move", "i", 7);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Home, 0, "chart.move", "i", G_MININT32);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_End, 0, "chart.move", "i", G_MAXINT32);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "chart.activate-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "chart.activate-day", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_space, 0, "chart.activate-day", NULL);

  gtk_widget_class_set_css_name (widget_class, "costchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_SLIDER);
}

static void
cm_cost_chart_init (CmCostChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkEventController *focus = gtk_event_controller_focus_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  self->stack = g_strdup ("backend");
  self->days = g_ptr_array_new_with_free_func (g_free);
  self->series = g_ptr_array_new_with_free_func (g_free);
  self->colors = g_array_new (FALSE, TRUE, sizeof (GdkRGBA));
  self->hover = -1;
  self->selected = -1;

  gtk_widget_set_focusable (GTK_WIDGET (self), TRUE);
  g_signal_connect_swapped (focus, "enter", G_CALLBACK (focus_enter_cb), self);
  g_signal_connect_swapped (focus, "leave", G_CALLBACK (gtk_widget_queue_draw), self);
  gtk_widget_add_controller (GTK_WIDGET (self), focus);
  g_signal_connect (click, "pressed", G_CALLBACK (pressed_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));

  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Cost per day"),
                                  -1);
}

GtkWidget *
cm_cost_chart_new (void)
{
  return g_object_new (CM_TYPE_COST_CHART, NULL);
}

GListModel *
cm_cost_chart_get_model (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), NULL);

  return self->model;
}

void
cm_cost_chart_set_model (CmCostChart *self,
                         GListModel  *model)
{
  g_return_if_fail (CM_IS_COST_CHART (self));

  if (self->model == model)
    return;

  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  g_set_object (&self->model, model);
  if (model != NULL)
    g_signal_connect_swapped (model, "items-changed", G_CALLBACK (items_changed_cb), self);

  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODEL]);
}

const char *
cm_cost_chart_get_stack (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), NULL);

  return self->stack;
}

void
cm_cost_chart_set_stack (CmCostChart *self,
                         const char  *stack)
{
  g_return_if_fail (CM_IS_COST_CHART (self));

  if (g_strcmp0 (self->stack, stack) == 0)
    return;

  g_free (self->stack);
  self->stack = g_strdup (stack);
  /* Whoever follows the stacking may give the model for it first (and say
   * it is not read yet: cm_cost_chart_set_waiting()). */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACK]);
  rebuild (self);
}

guint
cm_cost_chart_get_n_days (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), 0);

  return self->days->len;
}

guint
cm_cost_chart_get_n_series (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), 0);

  return self->series->len;
}

const char *
cm_cost_chart_get_series_label (CmCostChart *self,
                                guint        series)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), NULL);
  g_return_val_if_fail (series < self->series->len, NULL);

  return g_ptr_array_index (self->series, series);
}

void
cm_cost_chart_get_series_color (CmCostChart *self,
                                guint        series,
                                GdkRGBA     *color)
{
  g_return_if_fail (CM_IS_COST_CHART (self));
  g_return_if_fail (series < self->series->len);

  *color = g_array_index (self->colors, GdkRGBA, series);
}

CmMoney
cm_cost_chart_get_budget (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), 0);

  return self->budget;
}

void
cm_cost_chart_set_budget (CmCostChart *self,
                          CmMoney      budget)
{
  g_return_if_fail (CM_IS_COST_CHART (self));

  budget = MAX (budget, 0);
  if (budget == self->budget)
    return;

  self->budget = budget;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
cm_cost_chart_set_known_models (CmCostChart        *self,
                                const char * const *models)
{
  g_return_if_fail (CM_IS_COST_CHART (self));

  if (models != NULL && self->known_models != NULL &&
      g_strv_equal ((const char * const *) self->known_models, models))
    return;

  g_strfreev (self->known_models);
  self->known_models = g_strdupv ((char **) models);
  if (!by_backend (self))
    rebuild (self);
}

gboolean
cm_cost_chart_get_waiting (CmCostChart *self)
{
  g_return_val_if_fail (CM_IS_COST_CHART (self), FALSE);

  return self->waiting;
}

void
cm_cost_chart_set_waiting (CmCostChart *self,
                           gboolean     waiting)
{
  g_return_if_fail (CM_IS_COST_CHART (self));

  waiting = !!waiting;
  if (self->waiting == waiting)
    return;

  self->waiting = waiting;
  if (!waiting)
    rebuild (self);
}
