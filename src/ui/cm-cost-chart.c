/* cm-cost-chart.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cm-cost-chart.h"
#include "cm-format.h"
#include "cm-group-item.h"
#include "cm-report.h"

/* Series beyond this many (by model) are summed as "Other models". */
#define MAX_SERIES 7
#define BAR_GAP_RATIO 0.25
#define AXIS_GAP 6
#define TOP_PAD 8

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
  gboolean    estimated;

  int         hover;       /* day index under the pointer, -1 = none */
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
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *palette[] = {
  "#3584e4", "#e66100", "#2ec27e", "#9141ac", "#f5c211", "#c01c28", "#865e3c", "#77767b",
};

static const CmBackend backend_order[] = {
  CM_BACKEND_BEDROCK, CM_BACKEND_ANTHROPIC, CM_BACKEND_VERTEX, CM_BACKEND_UNKNOWN,
};

static const char *backend_colors[CM_N_BACKENDS] = {
  [CM_BACKEND_ANTHROPIC] = "#d97757",
  [CM_BACKEND_BEDROCK] = "#e5a50a",
  [CM_BACKEND_VERTEX] = "#3584e4",
  [CM_BACKEND_UNKNOWN] = "#9a9996",
};

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

  g_ptr_array_set_size (self->days, 0);
  g_ptr_array_set_size (self->series, 0);
  g_array_set_size (self->colors, 0);
  g_clear_pointer (&self->values, g_free);
  self->max_total = 0;
  self->estimated = FALSE;
  self->hover = -1;

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

      g_hash_table_iter_init (&iter, sums);
      while (g_hash_table_iter_next (&iter, &key, &value))
        if (*(CmMoney *) value != 0)
          g_ptr_array_add (keys, key);
      g_ptr_array_sort_with_data (keys, compare_money_desc, sums);

      for (guint i = 0; i < keys->len; i++)
        {
          const char *id = g_ptr_array_index (keys, i);

          if (i == MAX_SERIES - 1 && keys->len > MAX_SERIES)
            {
              other = self->series->len;
              g_ptr_array_add (self->series, g_strdup (_("Other models")));
              add_color (self, palette[G_N_ELEMENTS (palette) - 1]);
            }
          if (other != G_MAXUINT)
            {
              g_hash_table_insert (series_index, (gpointer) id, GUINT_TO_POINTER (other + 1));
              continue;
            }
          g_hash_table_insert (series_index, (gpointer) id, GUINT_TO_POINTER (self->series->len + 1));
          g_ptr_array_add (self->series, g_strdup (id));
          add_color (self, palette[i % (G_N_ELEMENTS (palette) - 1)]);
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
                                    -1);
  }

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
  double max_usd = cm_money_to_usd (self->max_total);
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

static void
cm_cost_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  CmCostChart *self = CM_COST_CHART (widget);
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GdkRGBA fg, grid, dim;
  Geometry g;
  double step, top_usd;
  int label_h;

  get_fg_color (self, &fg);
  grid = fg;
  grid.alpha *= 0.12;
  dim = fg;
  dim.alpha *= 0.6;

  if (self->days->len == 0)
    {
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, _("No spending in this range"));
      int lw, lh;

      pango_layout_get_pixel_size (layout, &lw, &lh);
      draw_text (snapshot, layout, (width - lw) / 2.0, (height - lh) / 2.0, &dim);
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
      draw_text (snapshot, layout, g.left - AXIS_GAP - lw, y - lh / 2.0, &dim);
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

  /* Stacked bars. */
  for (guint d = 0; d < self->days->len; d++)
    {
      double bar_w = MAX (1.0, g.slot * (1 - BAR_GAP_RATIO));
      double x = g.left + g.slot * d + (g.slot - bar_w) / 2;
      double y = g.bottom;

      for (guint s = 0; s < self->series->len; s++)
        {
          double usd = cm_money_to_usd (*value_at (self, d, s));
          double h = (g.bottom - g.top) * (usd / top_usd);
          const GdkRGBA *color = &g_array_index (self->colors, GdkRGBA, s);

          if (h <= 0)
            continue;
          y -= h;
          gtk_snapshot_append_color (snapshot, color, &GRAPHENE_RECT_INIT (x, y, bar_w, h));
        }
    }

  /* Day labels: as many as fit without overlapping. */
  {
    g_autoptr(PangoLayout) probe = make_layout (self, "09-30");
    int lw, lh;
    guint every;

    pango_layout_get_pixel_size (probe, &lw, &lh);
    every = (guint) ceil ((lw + 12) / MAX (1.0, g.slot));
    every = MAX (1, every);

    for (guint d = 0; d < self->days->len; d += every)
      {
        const char *day = g_ptr_array_index (self->days, d);
        g_autoptr(PangoLayout) layout = make_layout (self, strlen (day) >= 10 ? day + 5 : day);
        double cx = g.left + g.slot * (d + 0.5);

        pango_layout_get_pixel_size (layout, &lw, &lh);
        if (cx - lw / 2.0 < g.left - AXIS_GAP || cx + lw / 2.0 > width)
          continue;
        draw_text (snapshot, layout, cx - lw / 2.0, g.bottom + AXIS_GAP / 2.0, &dim);
      }
  }

  /* The zero line. */
  gtk_snapshot_append_color (snapshot, &dim, &GRAPHENE_RECT_INIT (g.left, g.bottom, g.right - g.left, 1));
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

char *
cm_cost_chart_dup_day_text (CmCostChart *self,
                            guint        day)
{
  GString *text;
  CmMoney total = 0;

  g_return_val_if_fail (CM_IS_COST_CHART (self), NULL);
  g_return_val_if_fail (day < self->days->len, NULL);

  text = g_string_new (NULL);
  g_string_append_printf (text, "<b>%s</b>", (char *) g_ptr_array_index (self->days, day));

  for (guint s = 0; s < self->series->len; s++)
    {
      CmMoney value = *value_at (self, day, s);
      g_autofree char *amount = NULL;
      g_autofree char *escaped = NULL;

      if (value == 0)
        continue;
      total += value;
      amount = cm_format_money (value);
      escaped = g_markup_escape_text (g_ptr_array_index (self->series, s), -1);
      g_string_append_printf (text, "\n%s: %s", escaped, amount);
    }

  {
    g_autofree char *amount = cm_format_money (total);
    g_autofree char *total_line = g_strdup_printf (_("Total: %s"), amount);
    g_autofree char *escaped = g_markup_escape_text (total_line, -1);

    g_string_append_printf (text, "\n<b>%s</b>", escaped);
  }

  return g_string_free (text, FALSE);
}

static gboolean
query_tooltip_cb (CmCostChart *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  g_autofree char *markup = NULL;
  int d = keyboard ? (int) self->days->len - 1 : day_at (self, x);

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

  gtk_widget_class_set_css_name (widget_class, "costchart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
cm_cost_chart_init (CmCostChart *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();

  self->stack = g_strdup ("backend");
  self->days = g_ptr_array_new_with_free_func (g_free);
  self->series = g_ptr_array_new_with_free_func (g_free);
  self->colors = g_array_new (FALSE, TRUE, sizeof (GdkRGBA));
  self->hover = -1;

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
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STACK]);
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
