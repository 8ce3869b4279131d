/* cm-overview-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "cm-format.h"
#include "cm-overview-page.h"
#include "cm-usage-card.h"

#define N_TOP_PROJECTS 8

struct _CmOverviewPage
{
  AdwBin           parent_instance;

  CmReport        *report;
  CmBudgetMonitor *budget;
  GSettings       *settings;
  gboolean         syncing_stack;  /* the toggles follow the chart */

  GtkRevealer     *banner_revealer;
  GtkLabel        *banner_label;
  CmUsageCard     *usage_card;
  GtkFlowBox      *cards_box;
  CmSpendCard     *today_card;
  CmSpendCard     *week_card;
  CmSpendCard     *month_card;
  CmSpendCard     *range_card;
  GtkListBox      *breakdown_list;
  GtkLabel        *footnote_label;
  GtkToggleButton *by_backend_button;
  GtkToggleButton *by_model_button;
  CmCostChart     *chart;
  GtkFlowBox      *legend_box;
  GtkListBox      *projects_list;
};

G_DEFINE_FINAL_TYPE (CmOverviewPage, cm_overview_page, ADW_TYPE_BIN)

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A breakdown or project row: name, optional badge, share, amount. */
static GtkWidget *
make_row (const char *name,
          gboolean    estimated,
          const char *share,
          const char *amount,
          gboolean    total)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *name_label = gtk_label_new (name);
  GtkWidget *amount_label = gtk_label_new (amount);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);

  gtk_label_set_xalign (GTK_LABEL (name_label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (name_label), PANGO_ELLIPSIZE_START);
  gtk_widget_set_hexpand (name_label, TRUE);
  gtk_box_append (GTK_BOX (box), name_label);

  if (estimated)
    {
      GtkWidget *badge = gtk_label_new (_("est."));

      gtk_widget_add_css_class (badge, "est-badge");
      gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
      gtk_widget_set_tooltip_text (badge, _("Estimated at Anthropic list prices"));
      gtk_box_append (GTK_BOX (box), badge);
    }

  if (share != NULL)
    {
      GtkWidget *share_label = gtk_label_new (share);

      gtk_widget_add_css_class (share_label, "dim-label");
      gtk_widget_add_css_class (share_label, "numeric");
      gtk_box_append (GTK_BOX (box), share_label);
    }

  gtk_label_set_xalign (GTK_LABEL (amount_label), 1);
  gtk_label_set_wrap (GTK_LABEL (amount_label), TRUE);
  gtk_widget_add_css_class (amount_label, "numeric");
  gtk_box_append (GTK_BOX (box), amount_label);

  if (total)
    {
      gtk_widget_add_css_class (name_label, "heading");
      gtk_widget_add_css_class (amount_label, "heading");
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data_full (G_OBJECT (row), "cm-text", g_strdup_printf ("%s\t%s", name, amount), g_free);

  {
    g_autoptr(GString) spoken = g_string_new (name);

    if (share != NULL)
      g_string_append_printf (spoken, ", %s", share);
    g_string_append_printf (spoken, ", %s", amount);
    if (estimated)
      g_string_append_printf (spoken, " (%s)", _("estimated"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, spoken->str, -1);
  }

  return row;
}

static GtkWidget *
make_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);

  return label;
}

static void
update_breakdown (CmOverviewPage *self)
{
  GListModel *backends = cm_report_get_backends (self->report);
  CmGroupItem *range = cm_report_get_totals (self->report, CM_PERIOD_RANGE);
  const CmTotals *total = cm_group_item_get_totals (range);
  guint n = g_list_model_get_n_items (backends);
  g_autofree char *total_amount = NULL;

  clear_list (self->breakdown_list);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (backends, i);
      const CmTotals *t = cm_group_item_get_totals (item);
      g_autofree char *amount = cm_format_money_sum (t->cost, t->unpriced);
      g_autofree char *share = total->cost > 0 ? cm_format_ratio ((double) t->cost / total->cost) : NULL;

      gtk_list_box_append (self->breakdown_list,
                           make_row (cm_group_item_get_label (item), t->estimated > 0 && t->cost > 0,
                                     share, amount, FALSE));
    }

  total_amount = cm_format_money_sum (total->cost, total->unpriced);
  gtk_list_box_append (self->breakdown_list,
                       make_row (_("Total"), total->estimated > 0 && total->cost > 0, NULL, total_amount, TRUE));
  gtk_widget_set_visible (GTK_WIDGET (self->footnote_label), total->estimated > 0 || total->unpriced > 0);
}

static void
update_projects (CmOverviewPage *self)
{
  GListModel *projects = cm_report_get_projects (self->report);
  guint n = g_list_model_get_n_items (projects);

  clear_list (self->projects_list);

  for (guint i = 0; i < MIN (n, N_TOP_PROJECTS); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (projects, i);
      const CmTotals *t = cm_group_item_get_totals (item);
      g_autofree char *amount = cm_format_money_sum (t->cost, t->unpriced);
      g_autofree char *share = cm_format_ratio (cm_group_item_get_share (item));
      const char *name = cm_group_item_get_key (item);

      gtk_list_box_append (self->projects_list,
                           make_row (name && *name ? name : _("(no project)"), FALSE, share, amount, FALSE));
    }
}

static void
update_cards (CmOverviewPage *self)
{
  cm_spend_card_set_totals (self->today_card, cm_report_get_totals (self->report, CM_PERIOD_TODAY));
  cm_spend_card_set_totals (self->week_card, cm_report_get_totals (self->report, CM_PERIOD_WEEK));
  cm_spend_card_set_totals (self->month_card, cm_report_get_totals (self->report, CM_PERIOD_MONTH));
  cm_spend_card_set_totals (self->range_card, cm_report_get_totals (self->report, CM_PERIOD_RANGE));

  for (CmPeriod p = 0; p < CM_N_PERIODS; p++)
    {
      guint n_days = 0;
      CmGroupItem *previous = cm_report_get_previous_totals (self->report, p, &n_days);

      cm_spend_card_set_comparison (cm_overview_page_get_card (self, p),
                                    previous != NULL ? cm_group_item_get_totals (previous) : NULL, n_days);
    }
}

static void update_chart_waiting (CmOverviewPage *self);

static void
report_updated_cb (CmOverviewPage *self)
{
  update_chart_waiting (self);
  update_cards (self);
  update_breakdown (self);
  update_projects (self);
}

/* The chart keeps its bars until the days of its stacking are read: the
 * first switch to By model asks for them. */
static void
update_chart_waiting (CmOverviewPage *self)
{
  gboolean by_model = g_strcmp0 (cm_cost_chart_get_stack (self->chart), "model") == 0;

  cm_cost_chart_set_waiting (self->chart, cm_report_get_error (self->report) == NULL &&
                                          cm_report_get_days_by_model_read (self->report) != by_model);
  cm_cost_chart_set_known_models (self->chart, cm_report_get_all_models (self->report));
}

static void
update_chart_model (CmOverviewPage *self)
{
  gboolean by_model = g_strcmp0 (cm_cost_chart_get_stack (self->chart), "model") == 0;

  if (self->report == NULL)
    return;

  cm_report_set_by_model (self->report, by_model);
  update_chart_waiting (self);
  cm_cost_chart_set_model (self->chart, by_model ? cm_report_get_days_by_model (self->report)
                                                 : cm_report_get_days (self->report));
}

static void
stack_toggled_cb (CmOverviewPage *self)
{
  const char *stack = gtk_toggle_button_get_active (self->by_model_button) ? "model" : "backend";

  /* Not while the toggles follow the chart: the one going off would set
   * the other stacking for a moment. */
  if (!self->syncing_stack)
    cm_cost_chart_set_stack (self->chart, stack);
}

static void
chart_stack_changed_cb (CmOverviewPage *self)
{
  gboolean by_model = g_strcmp0 (cm_cost_chart_get_stack (self->chart), "model") == 0;

  self->syncing_stack = TRUE;
  gtk_toggle_button_set_active (by_model ? self->by_model_button : self->by_backend_button, TRUE);
  self->syncing_stack = FALSE;
  update_chart_model (self);
}

static void
draw_swatch (GtkDrawingArea *area,
             cairo_t        *cr,
             int             width,
             int             height,
             gpointer        user_data)
{
  const GdkRGBA *color = user_data;

  gdk_cairo_set_source_rgba (cr, color);
  cairo_rectangle (cr, 0, 0, width, height);
  cairo_fill (cr);
}

static void
series_changed_cb (CmOverviewPage *self)
{
  GtkWidget *child;
  guint n = cm_cost_chart_get_n_series (self->chart);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->legend_box))) != NULL)
    gtk_flow_box_remove (self->legend_box, child);

  for (guint i = 0; i < n; i++)
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
      GtkWidget *swatch = gtk_drawing_area_new ();
      GtkWidget *label = gtk_label_new (cm_cost_chart_get_series_label (self->chart, i));
      GdkRGBA *color = g_new0 (GdkRGBA, 1);

      cm_cost_chart_get_series_color (self->chart, i, color);
      gtk_widget_set_size_request (swatch, 12, 12);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), draw_swatch, color, g_free);
      gtk_widget_add_css_class (swatch, "legend-swatch");
      gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
      gtk_label_set_xalign (GTK_LABEL (label), 0);
      gtk_widget_add_css_class (label, "caption");
      gtk_box_append (GTK_BOX (box), swatch);
      gtk_box_append (GTK_BOX (box), label);
      gtk_flow_box_append (self->legend_box, box);
    }
}

/* A card narrows the range to its period. */
static void
card_activated_cb (CmOverviewPage  *self,
                   GtkFlowBoxChild *child)
{
  GtkWidget *card = gtk_flow_box_child_get_child (child);
  const char *preset = NULL;

  if (card == GTK_WIDGET (self->today_card))
    preset = "today";
  else if (card == GTK_WIDGET (self->week_card))
    preset = "last-7-days";
  else if (card == GTK_WIDGET (self->month_card))
    preset = "this-month";

  if (preset != NULL && self->report != NULL)
    cm_filter_set_date_range (cm_report_get_filter (self->report), preset);
}

static void
cm_overview_page_dispose (GObject *object)
{
  CmOverviewPage *self = (CmOverviewPage *)object;

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_clear_object (&self->report);
  if (self->budget != NULL)
    g_signal_handlers_disconnect_by_data (self->budget, self);
  g_clear_object (&self->budget);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (cm_overview_page_parent_class)->dispose (object);
}

static void
cm_overview_page_class_init (CmOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_overview_page_dispose;

  g_type_ensure (CM_TYPE_SPEND_CARD);
  g_type_ensure (CM_TYPE_COST_CHART);
  g_type_ensure (CM_TYPE_USAGE_CARD);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, banner_revealer);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, banner_label);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, usage_card);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, cards_box);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, today_card);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, week_card);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, month_card);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, range_card);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, breakdown_list);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, footnote_label);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, by_backend_button);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, by_model_button);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, chart);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, legend_box);
  gtk_widget_class_bind_template_child (widget_class, CmOverviewPage, projects_list);
  gtk_widget_class_bind_template_callback (widget_class, stack_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, series_changed_cb);
}

static void
cm_overview_page_init (CmOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_placeholder (self->projects_list, make_placeholder (_("No projects in this range")));

  /* A card's place in the flow box is its stop for Tab (a focusable child
   * there traps the focus in GTK 4.8): named by the card, activated by
   * Enter or a click. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->cards_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    gtk_accessible_update_relation (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                    gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child)), NULL, -1);
  g_signal_connect_swapped (self->cards_box, "child-activated", G_CALLBACK (card_activated_cb), self);
  g_signal_connect_swapped (self->chart, "notify::stack", G_CALLBACK (chart_stack_changed_cb), self);
}

void
cm_overview_page_set_report (CmOverviewPage *self,
                             CmReport       *report)
{
  g_return_if_fail (CM_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  g_set_object (&self->report, report);
  g_signal_connect_swapped (report, "updated", G_CALLBACK (report_updated_cb), self);

  update_chart_model (self);
  report_updated_cb (self);
}

CmSpendCard *
cm_overview_page_get_card (CmOverviewPage *self,
                           CmPeriod        period)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), NULL);

  switch (period)
    {
    case CM_PERIOD_TODAY: return self->today_card;
    case CM_PERIOD_WEEK:  return self->week_card;
    case CM_PERIOD_MONTH: return self->month_card;
    case CM_PERIOD_RANGE: return self->range_card;
    case CM_N_PERIODS:
    default:              g_return_val_if_reached (NULL);
    }
}

static CmMoney
budget_setting (CmOverviewPage *self,
                const char     *key)
{
  double usd = g_settings_get_double (self->settings, key);

  return usd > 0 ? (CmMoney) llround (usd * CM_MONEY_PER_USD) : 0;
}

/* The budgets count every message, as the tray and its notifications do
 * (the budget monitor's figures), whatever the filter narrows the cards to. */
static void
update_budgets (CmOverviewPage *self)
{
  CmMoney daily, monthly, today, month;
  g_autoptr(GString) banner = g_string_new (NULL);
  gboolean ready;

  if (self->budget == NULL || self->settings == NULL)
    return;

  ready = cm_budget_monitor_get_ready (self->budget);
  daily = ready ? budget_setting (self, "budget-daily") : 0;
  monthly = ready ? budget_setting (self, "budget-monthly") : 0;
  today = cm_budget_monitor_get_today_spend (self->budget);
  month = cm_budget_monitor_get_month_spend (self->budget);

  cm_spend_card_set_budget (self->today_card, today, daily);
  cm_spend_card_set_budget (self->month_card, month, monthly);
  cm_cost_chart_set_budget (self->chart, budget_setting (self, "budget-daily"));

  if (daily > 0 && today >= daily)
    {
      g_autofree char *spent = cm_format_money (today);
      g_autofree char *limit = cm_format_money (daily);

      g_string_append_printf (banner, _("Today’s spend, %s, is over the daily budget of %s."), spent, limit);
    }
  if (monthly > 0 && month >= monthly)
    {
      g_autofree char *spent = cm_format_money (month);
      g_autofree char *limit = cm_format_money (monthly);

      if (banner->len > 0)
        g_string_append_c (banner, ' ');
      g_string_append_printf (banner, _("This month’s spend, %s, is over the monthly budget of %s."), spent, limit);
    }

  if (banner->len > 0)
    gtk_label_set_text (self->banner_label, banner->str);
  gtk_revealer_set_reveal_child (self->banner_revealer, banner->len > 0);
}

static void
settings_changed_cb (CmOverviewPage *self,
                     const char     *key)
{
  if (g_str_has_prefix (key, "budget-") || g_str_equal (key, "currency-decimals"))
    update_budgets (self);
}

/* The budgets (tray's monitor and the settings) and the plan windows. */
void
cm_overview_page_set_monitors (CmOverviewPage  *self,
                               CmBudgetMonitor *budget,
                               CmPlanMonitor   *plan,
                               GSettings       *settings)
{
  g_return_if_fail (CM_IS_OVERVIEW_PAGE (self));
  g_return_if_fail (CM_IS_BUDGET_MONITOR (budget));
  g_return_if_fail (CM_IS_PLAN_MONITOR (plan));
  g_return_if_fail (G_IS_SETTINGS (settings));

  if (self->budget != NULL)
    g_signal_handlers_disconnect_by_data (self->budget, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_set_object (&self->budget, budget);
  g_set_object (&self->settings, settings);
  g_signal_connect_swapped (budget, "updated", G_CALLBACK (update_budgets), self);
  g_signal_connect_swapped (settings, "changed", G_CALLBACK (settings_changed_cb), self);
  cm_usage_card_set_monitor (self->usage_card, plan);
  update_budgets (self);
}

gboolean
cm_overview_page_get_banner_shown (CmOverviewPage *self)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), FALSE);

  return gtk_revealer_get_reveal_child (self->banner_revealer);
}

const char *
cm_overview_page_get_banner_text (CmOverviewPage *self)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), NULL);

  return gtk_label_get_text (self->banner_label);
}

CmUsageCard *
cm_overview_page_get_usage_card (CmOverviewPage *self)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), NULL);

  return self->usage_card;
}

CmCostChart *
cm_overview_page_get_chart (CmOverviewPage *self)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), NULL);

  return self->chart;
}

static char *
dup_list_text (GtkListBox *list)
{
  GString *text = g_string_new (NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *line = g_object_get_data (G_OBJECT (child), "cm-text");

      if (line != NULL)
        g_string_append_printf (text, "%s\n", line);
    }

  return g_string_free (text, FALSE);
}

char *
cm_overview_page_dup_breakdown_text (CmOverviewPage *self)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), NULL);

  return dup_list_text (self->breakdown_list);
}

char *
cm_overview_page_dup_projects_text (CmOverviewPage *self)
{
  g_return_val_if_fail (CM_IS_OVERVIEW_PAGE (self), NULL);

  return dup_list_text (self->projects_list);
}
