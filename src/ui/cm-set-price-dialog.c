/* cm-set-price-dialog.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Set Price… on an unpriced row (Models, a session's messages): the user's
 * own figures for a model the price table does not know (or a billing mode
 * it has no factor for), written into the override file, which wins over
 * the shipped and the updated prices. */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-set-price-dialog.h"

enum {
  FIELD_INPUT,
  FIELD_OUTPUT,
  FIELD_CACHE_WRITE_5M,
  FIELD_CACHE_WRITE_1H,
  FIELD_CACHE_READ,
  FIELD_FAST,
  N_FIELDS
};

struct _CmSetPriceDialog
{
  AdwMessageDialog  parent_instance;

  char             *model;
  AdwEntryRow      *rows[N_FIELDS];
};

G_DEFINE_FINAL_TYPE (CmSetPriceDialog, cm_set_price_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* 37500 -> "3.75" */
static char *
format_units (gint64 units)
{
  GString *str = g_string_new (NULL);

  g_string_append_printf (str, "%" G_GINT64_FORMAT, units / 10000);
  if (units % 10000 != 0)
    {
      g_string_append_printf (str, ".%04d", (int) (units % 10000));
      while (str->str[str->len - 1] == '0')
        g_string_truncate (str, str->len - 1);
    }

  return g_string_free (str, FALSE);
}

static void
set_row_error (AdwEntryRow *row,
               gboolean     error)
{
  if (error)
    gtk_widget_add_css_class (GTK_WIDGET (row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (row), "error");
}

/* A field's figure: TRUE with -1 when it is empty and may be. */
static gboolean
read_field (CmSetPriceDialog *self,
            guint             field,
            gint64           *units)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->rows[field]))));
  gboolean required = field == FIELD_INPUT || field == FIELD_OUTPUT;

  *units = -1;
  if (*text == '\0')
    return !required;
  if (!cm_pricing_parse_price (text, units))
    return FALSE;

  /* A multiplier below 1 would make fast mode cheaper than standard. */
  return field != FIELD_FAST || *units >= 10000;
}

/* The figures typed, checked; the cache rates left empty filled in. */
static gboolean
read_rates (CmSetPriceDialog *self,
            CmRates          *rates,
            gint64           *fast)
{
  gint64 v[N_FIELDS];
  gboolean ok = TRUE;

  for (guint i = 0; i < N_FIELDS; i++)
    {
      gboolean valid = read_field (self, i, &v[i]);

      set_row_error (self->rows[i], !valid && gtk_editable_get_text (GTK_EDITABLE (self->rows[i]))[0] != '\0');
      ok &= valid;
    }
  if (!ok)
    return FALSE;

  *rates = (CmRates) { v[FIELD_INPUT], v[FIELD_OUTPUT], v[FIELD_CACHE_WRITE_5M], v[FIELD_CACHE_WRITE_1H],
                       v[FIELD_CACHE_READ] };
  *fast = MAX (v[FIELD_FAST], 0);
  if (!cm_rates_fill_cache_defaults (rates))
    {
      /* 1.25x or 0.1x of this input price has more than 4 decimals. */
      set_row_error (self->rows[FIELD_CACHE_WRITE_5M], v[FIELD_CACHE_WRITE_5M] < 0);
      set_row_error (self->rows[FIELD_CACHE_READ], v[FIELD_CACHE_READ] < 0);
      return FALSE;
    }

  return TRUE;
}

static void
changed_cb (CmSetPriceDialog *self)
{
  CmRates rates;
  gint64 fast;

  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "set", read_rates (self, &rates, &fast));
}

static void
cm_set_price_dialog_finalize (GObject *object)
{
  CmSetPriceDialog *self = CM_SET_PRICE_DIALOG (object);

  g_free (self->model);

  G_OBJECT_CLASS (cm_set_price_dialog_parent_class)->finalize (object);
}

static void
cm_set_price_dialog_class_init (CmSetPriceDialogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = cm_set_price_dialog_finalize;
}

static void
cm_set_price_dialog_init (CmSetPriceDialog *self)
{
  const char *titles[N_FIELDS] = {
    N_("Input"), N_("Output"), N_("5-minute cache writes"), N_("1-hour cache writes"), N_("Cache reads"),
    N_("Fast mode multiplier"),
  };
  GtkWidget *list = gtk_list_box_new ();

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  for (guint i = 0; i < N_FIELDS; i++)
    {
      self->rows[i] = ADW_ENTRY_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->rows[i]), _(titles[i]));
      adw_entry_row_set_input_purpose (self->rows[i], GTK_INPUT_PURPOSE_NUMBER);
      g_signal_connect_swapped (self->rows[i], "changed", G_CALLBACK (changed_cb), self);
      gtk_list_box_append (GTK_LIST_BOX (list), GTK_WIDGET (self->rows[i]));
    }

  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (self), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (self),
                                    "cancel", _("_Cancel"), "set", _("_Set Price"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (self), "set", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (self), "set");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (self), "cancel");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "set", FALSE);
}

/* What the table already has for the model (a priced model whose fast
 * requests have no factor, say) fills the fields. */
static void
fill_from_table (CmSetPriceDialog *self,
                 CmPricing        *pricing)
{
  g_autoptr(CmModelPrice) price = pricing != NULL ? cm_pricing_dup_model_price (pricing, self->model) : NULL;
  gint64 v[N_FIELDS];

  if (price == NULL)
    return;

  v[FIELD_INPUT] = price->rates.input;
  v[FIELD_OUTPUT] = price->rates.output;
  v[FIELD_CACHE_WRITE_5M] = price->rates.cache_write_5m;
  v[FIELD_CACHE_WRITE_1H] = price->rates.cache_write_1h;
  v[FIELD_CACHE_READ] = price->rates.cache_read;
  v[FIELD_FAST] = price->fast;
  for (guint i = 0; i < N_FIELDS; i++)
    {
      g_autofree char *text = v[i] > 0 ? format_units (v[i]) : g_strdup ("");

      gtk_editable_set_text (GTK_EDITABLE (self->rows[i]), text);
    }
}

CmSetPriceDialog *
cm_set_price_dialog_new (GtkWindow  *parent,
                         CmPricing  *pricing,
                         const char *model)
{
  CmSetPriceDialog *self;
  g_autofree char *heading = NULL;

  g_return_val_if_fail (model != NULL, NULL);
  g_return_val_if_fail (pricing == NULL || CM_IS_PRICING (pricing), NULL);

  /* Translators: %s is a model id such as claude-opus-5. */
  heading = g_strdup_printf (_("Set Price of %s"), model);
  self = g_object_new (CM_TYPE_SET_PRICE_DIALOG,
                       "transient-for", parent,
                       "modal", TRUE,
                       "heading", heading,
                       "body", _("Prices in US dollars per million tokens. Cache prices left empty follow the "
                                 "input price (×1.25, ×2 and ×0.1); fast requests are priced only with a "
                                 "multiplier. Your prices win over the shipped and updated ones, and history "
                                 "is priced again with them."),
                       NULL);
  self->model = g_strdup (model);
  fill_from_table (self, pricing);
  changed_cb (self);

  return self;
}

const char *
cm_set_price_dialog_get_model (CmSetPriceDialog *self)
{
  g_return_val_if_fail (CM_IS_SET_PRICE_DIALOG (self), NULL);

  return self->model;
}

gboolean
cm_set_price_dialog_save (CmSetPriceDialog  *self,
                          const char        *path,
                          GError           **error)
{
  CmRates rates;
  gint64 fast;

  g_return_val_if_fail (CM_IS_SET_PRICE_DIALOG (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (!read_rates (self, &rates, &fast))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID, _("The prices given are not valid"));
      return FALSE;
    }

  return cm_pricing_write_override (path, self->model, &rates, fast, error);
}

void
cm_set_price_dialog_fill (CmSetPriceDialog *self,
                          const char       *input,
                          const char       *output,
                          const char       *fast)
{
  const char *texts[] = { input, output, fast };
  guint fields[] = { FIELD_INPUT, FIELD_OUTPUT, FIELD_FAST };

  g_return_if_fail (CM_IS_SET_PRICE_DIALOG (self));

  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (texts[i] != NULL)
      gtk_editable_set_text (GTK_EDITABLE (self->rows[fields[i]]), texts[i]);
}
