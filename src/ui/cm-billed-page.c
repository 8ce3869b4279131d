/* cm-billed-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-billed-page.h"
#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-field-sorter.h"
#include "cm-format.h"
#include "cm-ui-resources.h"

struct _CmBilledPage
{
  AdwBin          parent_instance;

  CmBilled       *billed;
  CmAdminClient  *client;
  GSettings      *settings;
  GPtrArray      *explain_rows;
  GPtrArray      *apart_rows;
  GListStore     *total;          /* the table's Total row */

  GtkStack       *stack;
  GtkLabel       *status_label;
  GtkButton      *fetch_button;
  GtkWidget      *billed_child;
  GtkWidget      *estimated_child;
  GtkWidget      *unexplained_child;
  GtkLabel       *billed_amount;
  GtkLabel       *billed_detail;
  GtkLabel       *estimated_amount;
  GtkLabel       *estimated_detail;
  GtkLabel       *unexplained_amount;
  GtkLabel       *unexplained_detail;
  GtkLabel       *range_label;
  GtkListBox     *explain_list;
  GtkStack       *table_stack;
  AdwBin         *table_bin;
  GtkColumnView  *column_view;
  GtkListBox     *apart_list;
};

G_DEFINE_FINAL_TYPE (CmBilledPage, cm_billed_page, ADW_TYPE_BIN)

static const CmExportColumn export_columns[] = {
  { "day", "day", CM_EXPORT_TEXT },
  { "model", "model", CM_EXPORT_TEXT },
  { "billed_usd", "billed", CM_EXPORT_MONEY },
  { "estimated_usd", "estimated", CM_EXPORT_MONEY },
  { "difference_usd", "difference", CM_EXPORT_MONEY },
  { "difference_ratio", "difference-ratio", CM_EXPORT_RATIO },
  { "explained_usd", "explained", CM_EXPORT_MONEY },
  { "token_agreement", "token-agreement", CM_EXPORT_RATIO },
  { "billed_tokens", "billed-tokens", CM_EXPORT_INTEGER },
  { "transcript_tokens", "transcript-tokens", CM_EXPORT_INTEGER },
  { "fetched", "fetched", CM_EXPORT_BOOLEAN },
  { "why", "why", CM_EXPORT_TEXT },
  { "whose", "whose", CM_EXPORT_TEXT },
};

/* What each explanation means, under its title. */
static const char *reason_details[CM_BILLED_N_REASONS] = {
  N_("Days less than 48 hours old can still change on the bill."),
  N_("No bill is stored for these days yet."),
  N_("Billed tokens that no transcript here accounts for: other API keys, other tools or teammates."),
  N_("Charged apart from tokens; transcripts show web searches only, never code execution."),
  N_("The cost report leaves Priority Tier out; the usage report shows those tokens."),
  N_("Runs on a Claude subscription are never billed through the API."),
  N_("Fewer tokens billed than the transcripts show."),
  N_("The same tokens billed at other prices."),
};

/* "+$0.75", "-$0.02", "$0.00". */
static char *
signed_money (CmMoney money)
{
  g_autofree char *amount = cm_format_money (money);

  return money > 0 ? g_strconcat ("+", amount, NULL) : g_steal_pointer (&amount);
}

/* --- rows of the two lists --- */

static void
clear_rows (GtkListBox *list,
            GPtrArray  *rows)
{
  for (guint i = 0; i < rows->len; i++)
    gtk_list_box_remove (list, g_ptr_array_index (rows, i));
  g_ptr_array_set_size (rows, 0);
}

/* A row with @title, @subtitle (may be NULL) and @amount at its end; screen
 * readers get all three. */
static void
add_row (GtkListBox *list,
         GPtrArray  *rows,
         const char *title,
         const char *subtitle,
         const char *amount)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (amount);
  g_autofree char *name = g_strdup_printf ("%s: %s", title, amount);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (row), GTK_ACCESSIBLE_PROPERTY_LABEL, name,
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, subtitle != NULL ? subtitle : "", -1);
  g_object_set_data_full (G_OBJECT (row), "cm-line", g_strdup_printf ("%s\t%s\t%s", title, amount,
                                                                      subtitle != NULL ? subtitle : ""),
                          g_free);
  gtk_list_box_append (list, row);
  g_ptr_array_add (rows, row);
}

/* The others' Claude Code use, named: "bob@example.com $0.75, ci-bot $0.10". */
static char *
others_text (const CmBilledComparison *c)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < c->others->len && i < 5; i++)
    {
      const CmBilledActor *a = g_ptr_array_index (c->others, i);
      g_autofree char *cost = cm_format_money (a->estimated_cost);

      /* Translators: a Claude Code user of the organization and the
       * analytics' estimate of what they used, in a list. */
      g_string_append_printf (text, i > 0 ? _(", %s %s") : _("%s %s"), a->actor, cost);
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
fill_explanations (CmBilledPage             *self,
                   const CmBilledComparison *c)
{
  g_autofree char *unexplained = signed_money (c->unexplained);
  g_autofree char *unexplained_detail = NULL;

  clear_rows (self->explain_list, self->explain_rows);

  if (c->difference == 0 && c->rows->len > 0)
    {
      add_row (self->explain_list, self->explain_rows, _("Billed and estimated match to the cent"),
               NULL, unexplained);
      return;
    }

  for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
    {
      CmBilledReason reason = 1u << r;
      g_autofree char *amount = NULL;
      g_autofree char *detail = NULL;
      g_autofree char *whose = NULL;

      if (c->by_reason[r] == 0)
        continue;

      amount = signed_money (c->by_reason[r]);
      whose = reason == CM_BILLED_REASON_OTHER_USAGE ? others_text (c) : NULL;
      /* Translators: an explanation, then the Claude Code users it names. */
      detail = whose != NULL ? g_strdup_printf (_("%s Claude Code elsewhere in the organization: %s."),
                                                _(reason_details[r]), whose)
                             : g_strdup (_(reason_details[r]));
      add_row (self->explain_list, self->explain_rows, cm_billed_reason_title (reason), detail, amount);
    }

  unexplained_detail = g_strdup_printf ("%s %s", _(reason_details[cm_billed_reason_index (CM_BILLED_REASON_FEWER_TOKENS)]),
                                        _(reason_details[cm_billed_reason_index (CM_BILLED_REASON_PRICE)]));
  add_row (self->explain_list, self->explain_rows, _("Unexplained"), unexplained_detail, unexplained);
}

static void
fill_apart (CmBilledPage             *self,
            const CmBilledComparison *c)
{
  /* Translators: an estimated amount, e.g. "$12.30 est.". */
  g_autofree char *bedrock = cm_format_money (c->bedrock);
  g_autofree char *vertex = cm_format_money (c->vertex);
  g_autofree char *bedrock_est = g_strdup_printf (_("%s est."), bedrock);
  g_autofree char *vertex_est = g_strdup_printf (_("%s est."), vertex);

  clear_rows (self->apart_list, self->apart_rows);
  add_row (self->apart_list, self->apart_rows, _("Amazon Bedrock"), NULL, bedrock_est);
  add_row (self->apart_list, self->apart_rows, _("Google Vertex AI"), NULL, vertex_est);
}

/* --- cards and labels --- */

static void
name_card (GtkWidget  *card,
           const char *title,
           const char *amount,
           const char *detail)
{
  /* Translators: a card read aloud: its title, amount and the line under it. */
  g_autofree char *name = g_strdup_printf (_("%s: %s, %s"), title, amount, detail);

  gtk_accessible_update_property (GTK_ACCESSIBLE (card), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

static void
fill_cards (CmBilledPage             *self,
            const CmBilledComparison *month)
{
  g_autofree char *billed = cm_format_money (month->billed);
  g_autofree char *estimated = cm_format_money (month->estimated);
  g_autofree char *unexplained = signed_money (month->unexplained);
  g_autofree char *difference = signed_money (month->difference);
  g_autofree char *billed_detail = NULL;
  g_autofree char *difference_detail = NULL;

  gtk_label_set_text (self->billed_amount, billed);
  gtk_label_set_text (self->estimated_amount, estimated);
  gtk_label_set_text (self->unexplained_amount, unexplained);

  if (month->n_settling_days > 0)
    billed_detail = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u day still settling",
                                                  "%u days still settling", month->n_settling_days),
                                     month->n_settling_days);
  else
    billed_detail = g_strdup (_("From the cost report"));
  gtk_label_set_text (self->billed_detail, billed_detail);
  gtk_label_set_text (self->estimated_detail, _("First-party messages in the transcripts"));
  /* Translators: under the unexplained difference: the whole difference. */
  difference_detail = g_strdup_printf (_("Of a difference of %s"), difference);
  gtk_label_set_text (self->unexplained_detail, difference_detail);

  /* Each card is a Tab stop that says all it shows. */
  name_card (self->billed_child, _("Billed this month"), billed, billed_detail);
  name_card (self->estimated_child, _("Estimated this month"), estimated,
             gtk_label_get_text (self->estimated_detail));
  name_card (self->unexplained_child, _("Unexplained difference"), unexplained, difference_detail);
}

static void
fill_range_label (CmBilledPage             *self,
                  const CmBilledComparison *c)
{
  g_autofree char *billed = cm_format_money (c->billed);
  g_autofree char *estimated = cm_format_money (c->estimated);
  g_autofree char *difference = signed_money (c->difference);
  g_autofree char *text = NULL;

  /* Translators: the first and last day (UTC), then three amounts. */
  text = g_strdup_printf (_("%s to %s: billed %s, estimated %s, difference %s."),
                          c->since, c->until, billed, estimated, difference);
  gtk_label_set_text (self->range_label, text);
}

static const char *
error_headline (const GError *error)
{
  if (!g_error_matches (error, CM_ADMIN_ERROR, error->code))
    return _("The last fetch failed.");

  switch (error->code)
    {
    case CM_ADMIN_ERROR_NO_KEY:
      return _("No Admin API key: add one in Preferences.");
    case CM_ADMIN_ERROR_UNAUTHORIZED:
      return _("The Admin API key was rejected.");
    case CM_ADMIN_ERROR_FORBIDDEN:
      return _("The key may not read the organization’s reports.");
    case CM_ADMIN_ERROR_RATE_LIMITED:
      return _("The Admin API is rate limited; the next fetch tries again.");
    case CM_ADMIN_ERROR_SERVER:
      return _("The Admin API had an error; the next fetch tries again.");
    case CM_ADMIN_ERROR_MALFORMED:
      return _("The Admin API sent a reply CostMeter cannot read.");
    default:
      return _("The Admin API could not be reached.");
    }
}

static void
update_status (CmBilledPage *self)
{
  const CmBilledComparison *range = self->billed != NULL ? cm_billed_get_range (self->billed) : NULL;
  CmAdminFetchResult *last = self->client != NULL ? cm_admin_client_get_last_result (self->client) : NULL;
  gboolean fetching = self->client != NULL && cm_admin_client_get_fetching (self->client);
  g_autoptr(GString) text = g_string_new (_("Days are UTC."));

  if (fetching)
    g_string_append_printf (text, " %s", _("Fetching the bill…"));
  else if (range != NULL && range->last_fetch_ms > 0)
    {
      g_autofree char *when = cm_format_time (range->last_fetch_ms, NULL);

      g_string_append_c (text, ' ');
      g_string_append_printf (text, _("Last fetched %s."), when);
    }
  if (!fetching && last != NULL && !cm_admin_fetch_result_ok (last))
    {
      g_string_append_printf (text, " %s", error_headline (cm_admin_fetch_result_error (last)));
      gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), cm_admin_fetch_result_error (last)->message);
    }
  else
    gtk_widget_set_tooltip_text (GTK_WIDGET (self->status_label), NULL);

  gtk_label_set_text (self->status_label, text->str);
  gtk_widget_set_sensitive (GTK_WIDGET (self->fetch_button),
                            self->client != NULL && cm_admin_client_has_api_key (self->client) && !fetching);
}

/* The selected days summed, under the table. */
static void
fill_total (CmBilledPage             *self,
            const CmBilledComparison *c)
{
  CmBilledRow row = { NULL, };
  g_autoptr(CmBilledItem) item = NULL;

  row.day = c->since;
  row.model = c->until;
  row.fetched = TRUE;
  row.billed = c->billed;
  row.estimated = c->estimated;
  row.difference = c->difference;
  row.explained = c->difference - c->unexplained;
  row.token_agreement = -1;
  item = cm_billed_item_new (&row);
  g_list_store_splice (self->total, 0, g_list_model_get_n_items (G_LIST_MODEL (self->total)),
                       (gpointer *) &item, c->rows->len > 0 ? 1 : 0);
}

static void
update (CmBilledPage *self)
{
  const CmBilledComparison *range = cm_billed_get_range (self->billed);
  const CmBilledComparison *month = cm_billed_get_month (self->billed);
  gboolean enabled = g_settings_get_boolean (self->settings, "billing-enabled");

  update_status (self);
  if (range == NULL || month == NULL)
    return;

  gtk_stack_set_visible_child_name (self->stack, enabled || range->last_fetch_ms > 0 ? "content" : "off");
  fill_cards (self, month);
  fill_range_label (self, range);
  fill_explanations (self, range);
  fill_apart (self, range);
  fill_total (self, range);
  gtk_stack_set_visible_child_name (self->table_stack,
                                    g_list_model_get_n_items (cm_billed_get_rows (self->billed)) > 0
                                    ? "table" : "empty");
}

static void
fetch_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(CmAdminFetchResult) result = NULL;

  /* The client says "fetch-finished"; the page follows its properties. */
  result = cm_admin_client_fetch_finish (CM_ADMIN_CLIENT (source), res, NULL);
}

static void
fetch_clicked_cb (CmBilledPage *self)
{
  if (self->client != NULL && cm_admin_client_get_store (self->client) != NULL)
    cm_admin_client_fetch_async (self->client, NULL, NULL, fetch_done_cb, NULL);
}

/* --- the table --- */

/* A text column sorted by a figure of the row, not by its text. */
static void
add_text_column (GtkColumnView *view,
                 const char    *title,
                 const char    *text_property,
                 const char    *sort_property,
                 guint          priority)
{
  GtkColumnViewColumn *column = cm_columns_add (view, CM_TYPE_BILLED_ITEM, title, text_property,
                                                CM_COLUMN_TEXT, FALSE);
  g_autoptr(CmFieldSorter) sorter = cm_field_sorter_new (CM_TYPE_BILLED_ITEM, sort_property);

  cm_field_sorter_set_descending (sorter, TRUE);
  gtk_column_view_column_set_sorter (column, GTK_SORTER (sorter));
  gtk_column_view_column_set_expand (column, FALSE);
  gtk_column_view_column_set_fixed_width (column, -1);
  cm_column_set_priority (column, priority);
}

static void
add_columns (CmBilledPage *self)
{
  GtkColumnView *view = self->column_view;
  GType type = CM_TYPE_BILLED_ITEM;
  GtkColumnViewColumn *day, *difference;

  /* Day, model and the difference stay at any width; the rest give way. */
  /* A day is as wide as its date; the model gives up width first, then
   * the other columns go, so that at 360 px the three that stay fit. */
  day = cm_columns_add (view, type, _("Day"), "day", CM_COLUMN_TEXT, TRUE);
  gtk_column_view_column_set_expand (day, FALSE);
  gtk_column_view_column_set_fixed_width (day, 96);
  cm_column_set_narrow_width (day, 96);
  cm_columns_add (view, type, _("Model"), "label", CM_COLUMN_MODEL, TRUE);
  cm_column_set_priority (cm_columns_add (view, type, _("Billed"), "billed", CM_COLUMN_MONEY, TRUE), 1);
  cm_column_set_priority (cm_columns_add (view, type, _("Estimated"), "estimated", CM_COLUMN_MONEY, TRUE), 1);
  difference = cm_columns_add (view, type, _("Difference"), "difference", CM_COLUMN_MONEY, TRUE);
  gtk_column_view_column_set_fixed_width (difference, 100);
  cm_column_set_narrow_width (difference, 100);
  add_text_column (view, _("Diff. %"), "difference-text", "difference-ratio", 3);
  add_text_column (view, _("Tokens agree"), "agreement-text", "token-agreement", 4);
  cm_column_set_priority (cm_columns_add (view, type, _("Why"), "why", CM_COLUMN_TEXT, TRUE), 2);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Billed and estimated per day and model"), -1);

  /* In time order as the rows come. */
  gtk_column_view_sort_by_column (view, day, GTK_SORT_ASCENDING);
}

/* --- GObject --- */

static void
cm_billed_page_dispose (GObject *object)
{
  CmBilledPage *self = (CmBilledPage *)object;

  if (self->billed != NULL)
    g_signal_handlers_disconnect_by_data (self->billed, self);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->billed);
  g_clear_object (&self->client);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->explain_rows, g_ptr_array_unref);
  g_clear_pointer (&self->apart_rows, g_ptr_array_unref);
  g_clear_object (&self->total);

  G_OBJECT_CLASS (cm_billed_page_parent_class)->dispose (object);
}

static void
cm_billed_page_class_init (CmBilledPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_billed_page_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-billed-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, stack);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, status_label);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, fetch_button);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, billed_child);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, estimated_child);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, unexplained_child);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, billed_amount);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, billed_detail);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, estimated_amount);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, estimated_detail);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, unexplained_amount);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, unexplained_detail);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, range_label);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, explain_list);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, table_stack);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, table_bin);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, column_view);
  gtk_widget_class_bind_template_child (widget_class, CmBilledPage, apart_list);
  gtk_widget_class_bind_template_callback (widget_class, fetch_clicked_cb);
}

static void
cm_billed_page_init (CmBilledPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->explain_rows = g_ptr_array_new ();
  self->apart_rows = g_ptr_array_new ();
  self->total = g_list_store_new (CM_TYPE_BILLED_ITEM);
  add_columns (self);
  cm_column_set_follow_width (GTK_WIDGET (self->table_bin), self->column_view);
}

void
cm_billed_page_setup (CmBilledPage  *self,
                      CmBilled      *billed,
                      CmAdminClient *client,
                      GSettings     *settings)
{
  g_return_if_fail (CM_IS_BILLED_PAGE (self));
  g_return_if_fail (CM_IS_BILLED (billed));
  g_return_if_fail (client == NULL || CM_IS_ADMIN_CLIENT (client));
  g_return_if_fail (G_IS_SETTINGS (settings));
  g_return_if_fail (self->billed == NULL);

  self->billed = g_object_ref (billed);
  self->client = client != NULL ? g_object_ref (client) : NULL;
  self->settings = g_object_ref (settings);

  cm_columns_set_model (self->column_view, cm_billed_get_rows (billed), NULL, G_LIST_MODEL (self->total));
  g_signal_connect_swapped (billed, "updated", G_CALLBACK (update), self);
  g_signal_connect_swapped (settings, "changed::billing-enabled", G_CALLBACK (update), self);
  if (client != NULL)
    {
      g_signal_connect_swapped (client, "notify::fetching", G_CALLBACK (update_status), self);
      g_signal_connect_swapped (client, "notify::has-api-key", G_CALLBACK (update_status), self);
      g_signal_connect_swapped (client, "fetch-finished", G_CALLBACK (cm_billed_refresh), billed);
    }
  update (self);
}

const char *
cm_billed_page_get_state (CmBilledPage *self)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

GListModel *
cm_billed_page_get_rows (CmBilledPage *self)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  return cm_columns_get_rows (self->column_view);
}

GtkColumnView *
cm_billed_page_get_view (CmBilledPage *self)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  return self->column_view;
}

const char *
cm_billed_page_get_card_text (CmBilledPage *self,
                              CmBilledCard  card)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  switch (card)
    {
    case CM_BILLED_CARD_BILLED:
      return gtk_label_get_text (self->billed_amount);
    case CM_BILLED_CARD_ESTIMATED:
      return gtk_label_get_text (self->estimated_amount);
    case CM_BILLED_CARD_UNEXPLAINED:
    default:
      return gtk_label_get_text (self->unexplained_amount);
    }
}

static char *
dup_lines (GPtrArray *rows)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < rows->len; i++)
    g_string_append_printf (text, "%s\n", (const char *) g_object_get_data (g_ptr_array_index (rows, i), "cm-line"));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
cm_billed_page_dup_explanations (CmBilledPage *self)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  return dup_lines (self->explain_rows);
}

char *
cm_billed_page_dup_apart (CmBilledPage *self)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  return dup_lines (self->apart_rows);
}

const char *
cm_billed_page_get_status (CmBilledPage *self)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  return gtk_label_get_text (self->status_label);
}

char *
cm_billed_page_dup_export (CmBilledPage    *self,
                           CmExportFormat   format,
                           char           **suggested_name)
{
  g_return_val_if_fail (CM_IS_BILLED_PAGE (self), NULL);

  if (suggested_name != NULL)
    *suggested_name = cm_export_file_name ("costmeter-billed", format);

  return cm_export_to_string (cm_billed_page_get_rows (self), export_columns,
                              G_N_ELEMENTS (export_columns), format);
}
