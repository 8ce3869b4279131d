/* cm-spend-card.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-format.h"
#include "cm-spend-card.h"

#include <math.h>

struct _CmSpendCard
{
  GtkBox    parent_instance;

  GtkLabel *title_label;
  GtkLabel *amount_label;
  GtkLabel *est_badge;
  GtkLabel *detail_label;
  GtkLabel *compare_label;
  GtkLabel *unpriced_label;
  GtkWidget *budget_box;
  GtkLevelBar *budget_bar;
  GtkLabel *budget_label;

  CmBudgetLevel budget_level;
  CmMoney   cost;          /* of the totals shown */
  char     *compare_name;  /* what a screen reader says of the comparison */
};

G_DEFINE_FINAL_TYPE (CmSpendCard, cm_spend_card, GTK_TYPE_BOX)

enum {
  PROP_0,
  PROP_TITLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
cm_spend_card_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CmSpendCard *self = CM_SPEND_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      g_value_set_string (value, cm_spend_card_get_title (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_spend_card_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  CmSpendCard *self = CM_SPEND_CARD (object);

  switch (prop_id)
    {
    case PROP_TITLE:
      cm_spend_card_set_title (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_spend_card_finalize (GObject *object)
{
  CmSpendCard *self = CM_SPEND_CARD (object);

  g_free (self->compare_name);

  G_OBJECT_CLASS (cm_spend_card_parent_class)->finalize (object);
}

static void
cm_spend_card_class_init (CmSpendCardClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = cm_spend_card_finalize;
  object_class->get_property = cm_spend_card_get_property;
  object_class->set_property = cm_spend_card_set_property;

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-spend-card.ui");
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, title_label);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, amount_label);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, est_badge);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, detail_label);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, compare_label);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, unpriced_label);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, budget_box);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, budget_bar);
  gtk_widget_class_bind_template_child (widget_class, CmSpendCard, budget_label);
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cm_spend_card_init (CmSpendCard *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The bar's colour says how close the budget is (style.css), not
   * Adwaita's offsets, which colour a nearly full bar as good. */
  gtk_level_bar_remove_offset_value (self->budget_bar, GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (self->budget_bar, GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (self->budget_bar, GTK_LEVEL_BAR_OFFSET_FULL);
}

/* What a screen reader says of the card, all of it in one sentence. */
static void
update_name (CmSpendCard *self)
{
  g_autoptr(GString) name = g_string_new (gtk_label_get_text (self->title_label));

  g_string_append_printf (name, ": %s", gtk_label_get_text (self->amount_label));
  if (gtk_widget_get_visible (GTK_WIDGET (self->est_badge)))
    g_string_append_printf (name, " (%s)", _("estimated"));
  if (gtk_widget_get_visible (GTK_WIDGET (self->unpriced_label)))
    g_string_append_printf (name, " %s", gtk_label_get_text (self->unpriced_label));
  g_string_append_printf (name, ", %s", gtk_label_get_text (self->detail_label));
  if (gtk_widget_get_visible (GTK_WIDGET (self->compare_label)))
    g_string_append_printf (name, ", %s", self->compare_name);
  if (gtk_widget_get_visible (self->budget_box))
    g_string_append_printf (name, ", %s", gtk_label_get_text (self->budget_label));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_LABEL, name->str, -1);
}

const char *
cm_spend_card_get_title (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), NULL);

  return gtk_label_get_text (self->title_label);
}

void
cm_spend_card_set_title (CmSpendCard *self,
                         const char  *title)
{
  g_return_if_fail (CM_IS_SPEND_CARD (self));

  if (g_strcmp0 (title, gtk_label_get_text (self->title_label)) == 0)
    return;

  gtk_label_set_text (self->title_label, title);
  update_name (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
cm_spend_card_set_totals (CmSpendCard *self,
                          CmGroupItem *totals)
{
  const CmTotals *t;
  g_autofree char *amount = NULL;
  g_autofree char *count = NULL;
  g_autofree char *detail = NULL;

  g_return_if_fail (CM_IS_SPEND_CARD (self));
  g_return_if_fail (CM_IS_GROUP_ITEM (totals));

  t = cm_group_item_get_totals (totals);
  amount = cm_format_money (t->cost);
  count = cm_format_count (t->messages);
  detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s message", "%s messages", t->messages), count);

  self->cost = t->cost;
  gtk_label_set_text (self->amount_label, amount);
  gtk_label_set_text (self->detail_label, detail);
  gtk_widget_set_visible (GTK_WIDGET (self->est_badge), t->estimated > 0);

  if (t->unpriced > 0)
    {
      g_autofree char *unpriced = cm_format_unpriced (t->unpriced);
      g_autofree char *text = g_strdup_printf ("+ %s", unpriced);

      gtk_label_set_text (self->unpriced_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->unpriced_label), t->unpriced > 0);
  update_name (self);
}

const char *
cm_spend_card_get_amount_text (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), NULL);

  return gtk_label_get_text (self->amount_label);
}

const char *
cm_spend_card_get_detail_text (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), NULL);

  return gtk_label_get_text (self->detail_label);
}

gboolean
cm_spend_card_get_estimated (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), FALSE);

  return gtk_widget_get_visible (GTK_WIDGET (self->est_badge));
}

/* "vs the previous 7 days" */
static char *
previous_text (guint n_days)
{
  if (n_days == 1)
    /* TRANSLATORS: follows a percentage on the Today card: "+23 % vs the day before". */
    return g_strdup (_("vs the day before"));

  /* TRANSLATORS: follows a percentage on a spend card: "+23 % vs the previous 7 days". */
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "vs the previous %u day", "vs the previous %u days",
                                       n_days), n_days);
}

/* The change from the period of @n_days just before the card's (set the
 * card's totals first): "+23 % vs the previous 30 days", "−8 % vs the day
 * before", and "—" when that period holds no priced spend to compare with.
 * @previous %NULL hides it (a range open at either end has no period
 * before). */
void
cm_spend_card_set_comparison (CmSpendCard    *self,
                              const CmTotals *previous,
                              guint           n_days)
{
  g_autofree char *against = NULL;
  g_autofree char *text = NULL;

  g_return_if_fail (CM_IS_SPEND_CARD (self));

  g_clear_pointer (&self->compare_name, g_free);
  if (previous == NULL || n_days == 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->compare_label), FALSE);
      update_name (self);
      return;
    }

  against = previous_text (n_days);
  if (previous->messages == 0 || previous->cost <= 0)
    {
      text = g_strdup_printf ("— %s", against);
      /* TRANSLATORS: what a screen reader says for "— vs the previous 7 days"; %s is "vs the previous 7 days". */
      self->compare_name = g_strdup_printf (_("no spend to compare with (%s)"), against);
    }
  else
    {
      double change = ((double) self->cost - (double) previous->cost) * 100.0 / (double) previous->cost;
      long rounded = lround (change);

      /* U+2212, the minus sign: a hyphen is not one. */
      text = g_strdup_printf ("%s%ld %% %s", rounded > 0 ? "+" : rounded < 0 ? "−" : "", labs (rounded), against);
      self->compare_name = g_strdup_printf (rounded > 0 ? _("up %ld %% %s") : rounded < 0 ? _("down %ld %% %s")
                                                                                          : _("unchanged (%ld %%) %s"),
                                            labs (rounded), against);
    }

  gtk_label_set_text (self->compare_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->compare_label), TRUE);
  update_name (self);
}

/* The comparison line, NULL when hidden. */
const char *
cm_spend_card_get_comparison_text (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self->compare_label)) ? gtk_label_get_text (self->compare_label)
                                                                   : NULL;
}

/* The budget as a level bar with its percentage: warning from 80 %, error
 * from 100 % (the tray's thresholds). @budget 0 hides it. */
void
cm_spend_card_set_budget (CmSpendCard *self,
                          CmMoney      spend,
                          CmMoney      budget)
{
  static const char *classes[] = { NULL, "warning", "error" };
  g_autofree char *amount = NULL;
  g_autofree char *text = NULL;
  double ratio;

  g_return_if_fail (CM_IS_SPEND_CARD (self));

  for (guint i = 1; i < G_N_ELEMENTS (classes); i++)
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->budget_bar), classes[i]);
      gtk_widget_remove_css_class (GTK_WIDGET (self->budget_label), classes[i]);
    }

  if (budget <= 0)
    {
      self->budget_level = CM_BUDGET_LEVEL_NONE;
      gtk_widget_set_visible (self->budget_box, FALSE);
      update_name (self);
      return;
    }

  ratio = MAX (0, (double) spend / (double) budget);
  self->budget_level = ratio >= 1.0 ? CM_BUDGET_LEVEL_OVER
                     : ratio >= 0.8 ? CM_BUDGET_LEVEL_WARNING
                     : CM_BUDGET_LEVEL_NONE;
  gtk_level_bar_set_value (self->budget_bar, MIN (ratio, 1.0));
  if (classes[self->budget_level] != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->budget_bar), classes[self->budget_level]);
      gtk_widget_add_css_class (GTK_WIDGET (self->budget_label), classes[self->budget_level]);
    }

  amount = cm_format_money (budget);
  /* TRANSLATORS: "82 % of the $150.00 budget" under a spend card. */
  text = g_strdup_printf (_("%d %% of the %s budget"), (int) MIN (floor (ratio * 100), 9999), amount);
  gtk_label_set_text (self->budget_label, text);
  gtk_widget_set_visible (self->budget_box, TRUE);
  update_name (self);
}

CmBudgetLevel
cm_spend_card_get_budget_level (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), CM_BUDGET_LEVEL_NONE);

  return gtk_widget_get_visible (self->budget_box) ? self->budget_level : CM_BUDGET_LEVEL_NONE;
}

/* The percentage line, NULL without a budget. */
const char *
cm_spend_card_get_budget_text (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), NULL);

  return gtk_widget_get_visible (self->budget_box) ? gtk_label_get_text (self->budget_label) : NULL;
}

GtkLevelBar *
cm_spend_card_get_budget_bar (CmSpendCard *self)
{
  g_return_val_if_fail (CM_IS_SPEND_CARD (self), NULL);

  return self->budget_bar;
}
