/* test-window-prices.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Set Price… on unpriced rows (issue 16): offered in the Models view and in
 * a session's messages wherever a row has unpriced messages, and nowhere
 * else; the figures typed go into the user's override file, history is
 * priced again and the views show it.
 */

#include "config.h"

#include <json-glib/json-glib.h>

#include "cm-message-item.h"
#include "cm-session-item.h"
#include "cm-set-price-dialog.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

static CmApplication *app;
static CmWindow *window;

static void
collect_set_price (GtkWidget *widget,
                   GPtrArray *out)
{
  if (GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget) &&
      g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), "win.set-price") == 0)
    g_ptr_array_add (out, widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect_set_price (c, out);
}

/* The models the shown Set Price… buttons name. */
static GPtrArray *
offered_models (GtkWidget *page)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();
  GPtrArray *models = g_ptr_array_new_with_free_func (g_free);

  collect_set_price (page, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      GVariant *target = gtk_actionable_get_action_target_value (g_ptr_array_index (buttons, i));

      g_assert_nonnull (target);
      g_ptr_array_add (models, g_variant_dup_string (target, NULL));
    }

  return models;
}

static gboolean
has_string (GPtrArray  *array,
            const char *s)
{
  for (guint i = 0; i < array->len; i++)
    if (g_strcmp0 (g_ptr_array_index (array, i), s) == 0)
      return TRUE;

  return FALSE;
}

/* The first Models row with unpriced messages and no dollars. */
static CmGroupItem *
unpriced_row (void)
{
  GListModel *rows = cm_models_page_get_rows (cm_window_get_models_page (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);
      const CmTotals *t = cm_group_item_get_totals (item);

      if (t->unpriced > 0 && t->cost == 0)
        return g_steal_pointer (&item);
    }

  return NULL;
}

static CmGroupItem *
row_of (const char *model)
{
  GListModel *rows = cm_models_page_get_rows (cm_window_get_models_page (window));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (cm_group_item_get_key (item), model) == 0)
        return g_steal_pointer (&item);
    }

  return NULL;
}

/* The Models view offers Set Price… on exactly its unpriced rows. */
static void
test_models_offer (void)
{
  CmModelsPage *page = cm_window_get_models_page (window);
  GListModel *rows = cm_models_page_get_rows (page);
  g_autoptr(GPtrArray) offered = NULL;
  guint n_unpriced = 0;

  cm_test_window_show_view (app, "models");
  offered = offered_models (GTK_WIDGET (page));
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmGroupItem) item = g_list_model_get_item (rows, i);
      gboolean unpriced = cm_group_item_get_totals (item)->unpriced > 0;

      g_test_message ("%s: %" G_GINT64_FORMAT " unpriced", cm_group_item_get_key (item),
                      cm_group_item_get_totals (item)->unpriced);
      g_assert_true (has_string (offered, cm_group_item_get_key (item)) == unpriced);
      n_unpriced += unpriced;
    }
  g_assert_cmpuint (n_unpriced, >, 0);
  /* Not on the Total row, which has unpriced messages too. */
  g_assert_cmpuint (offered->len, ==, n_unpriced);
  cm_test_window_save_png (GTK_WIDGET (window), "set-price-models.png");
  cm_test_window_show_view (app, "overview");
}

/* A session's unpriced messages offer it too, the priced ones do not. */
static void
test_session_offer (void)
{
  CmSessionsPage *page = cm_window_get_sessions_page (window);
  CmSessionDetail *detail = cm_sessions_page_get_detail (page);
  GListModel *sessions = cm_sessions_page_get_rows (page);
  g_autoptr(GPtrArray) offered = NULL;
  g_autoptr(GPtrArray) unpriced_models = NULL;
  GListModel *messages;
  guint index = G_MAXUINT;
  guint n_unpriced = 0;

  cm_test_window_show_view (app, "sessions");
  for (guint i = 0; i < g_list_model_get_n_items (sessions) && index == G_MAXUINT; i++)
    {
      g_autoptr(CmSessionItem) session = g_list_model_get_item (sessions, i);

      if (cm_session_item_get_totals (session)->unpriced > 0)
        index = i;
    }
  g_assert_cmpuint (index, !=, G_MAXUINT);
  cm_sessions_page_open (page, index);
  while (cm_session_detail_get_loading (detail))
    g_main_context_iteration (NULL, TRUE);
  cm_test_window_iterate (200);

  /* The rows on screen (a long session's others are not made). */
  offered = offered_models (GTK_WIDGET (detail));
  messages = cm_session_detail_get_rows (detail);
  unpriced_models = g_ptr_array_new ();
  for (guint i = 0; i < g_list_model_get_n_items (messages); i++)
    {
      g_autoptr(CmMessageItem) message = g_list_model_get_item (messages, i);

      if (!cm_message_item_get_priced (message))
        {
          g_ptr_array_add (unpriced_models, (gpointer) cm_message_item_get_model (message));
          n_unpriced++;
        }
    }
  g_assert_cmpuint (n_unpriced, >, 0);
  g_assert_cmpuint (offered->len, >, 0);
  g_assert_cmpuint (offered->len, <=, n_unpriced);
  for (guint i = 0; i < offered->len; i++)
    g_assert_true (has_string (unpriced_models, g_ptr_array_index (offered, i)));

  gtk_widget_activate_action (GTK_WIDGET (detail), "session.back", NULL);
  cm_test_window_show_view (app, "overview");
}

static CmSetPriceDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (CM_IS_SET_PRICE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)))
        return CM_SET_PRICE_DIALOG (w);
    }

  return NULL;
}

/* Set Price…: the figures typed are the user's own price of the model,
 * and its messages are priced with them at once. */
static void
test_set_price (void)
{
  g_autoptr(CmGroupItem) before = NULL;
  g_autoptr(CmGroupItem) after = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) offered = NULL;
  g_autofree char *override = g_build_filename (g_get_user_config_dir (), "costmeter", "pricing.json", NULL);
  g_autofree char *model = NULL;
  CmSetPriceDialog *dialog;
  const CmTotals *t;
  CmMoney expected;
  JsonObject *entry;
  guint serial;

  cm_test_window_show_view (app, "models");
  before = unpriced_row ();
  g_assert_nonnull (before);
  model = g_strdup (cm_group_item_get_key (before));
  t = cm_group_item_get_totals (before);
  g_test_message ("pricing %s: %" G_GINT64_FORMAT " messages", model, t->messages);

  gtk_widget_activate_action (GTK_WIDGET (window), "win.set-price", "s", model);
  cm_test_window_iterate (100);
  dialog = find_dialog ();
  g_assert_nonnull (dialog);
  g_assert_cmpstr (cm_set_price_dialog_get_model (dialog), ==, model);

  /* Nothing to save until input and output are valid prices. */
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "set"));
  cm_set_price_dialog_fill (dialog, "1", "two", NULL);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "set"));
  cm_set_price_dialog_fill (dialog, NULL, "2", "0.5");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "set"));
  cm_set_price_dialog_fill (dialog, NULL, NULL, "");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "set"));
  cm_test_window_save_png (GTK_WIDGET (dialog), "set-price-dialog.png");

  serial = cm_report_get_serial (cm_window_get_report (window));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "set");
  cm_test_window_wait_report (app, serial);

  /* The override holds the figures, cache rates from the input's. */
  json_parser_load_from_file (parser, override, &error);
  g_assert_no_error (error);
  entry = json_object_get_object_member (json_object_get_object_member (
                                           json_node_get_object (json_parser_get_root (parser)), "models"),
                                         model);
  g_assert_nonnull (entry);
  g_assert_cmpfloat (json_object_get_double_member (entry, "input"), ==, 1);
  g_assert_cmpfloat (json_object_get_double_member (entry, "output"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (entry, "cache_write_5m"), ==, 1.25);
  g_assert_cmpfloat (json_object_get_double_member (entry, "cache_read"), ==, 0.1);

  /* Priced now: every token at $1/$2 per million (cache at 1.25x, 2x,
   * 0.1x), and the offer is gone. */
  after = row_of (model);
  g_assert_nonnull (after);
  t = cm_group_item_get_totals (after);
  expected = t->input * 10000 + t->output * 20000 + t->cache_write_5m * 12500 + t->cache_write_1h * 20000 +
             t->cache_read * 1000 + t->web_search * 100000000;
  g_assert_cmpint (t->unpriced, ==, 0);
  g_assert_cmpint (t->cost, ==, expected);
  offered = offered_models (GTK_WIDGET (cm_window_get_models_page (window)));
  g_assert_false (has_string (offered, model));
  cm_test_window_show_view (app, "overview");
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;

  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  gtk_test_init (&argc, &argv, NULL);
  cm_test_window_isolate_home ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  app = cm_test_window_start_app (corpus, APP_ID, 0);
  window = cm_test_window_get_window (app);
  gtk_window_set_default_size (GTK_WINDOW (window), 1600, 900);
  cm_test_window_iterate (300);

  g_test_add_func ("/window-prices/models-offer", test_models_offer);
  g_test_add_func ("/window-prices/session-offer", test_session_offer);
  g_test_add_func ("/window-prices/set-price", test_set_price);

  return g_test_run ();
}
