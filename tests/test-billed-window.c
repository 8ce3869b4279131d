/* test-billed-window.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Billed view of the window on the fixture corpus (as `costmeter
 * --demo` opens it), with a bill of the corpus's own first-party messages
 * fetched by the app from a fake Admin API on 127.0.0.1 (the changes of
 * cm-test-admin.h: a day to the cent, extra usage by a teammate, fewer
 * billed tokens, Priority Tier, a code execution charge). The cards, the
 * explanations, the table, Bedrock and Vertex apart, the export, 360 px,
 * Tab alone, and screenshots (billed-*.png in $CM_SCREENSHOT_DIR).
 */

#include "config.h"

#include <string.h>

#include "cm-admin-client-private.h"
#include "cm-columns.h"
#include "cm-format.h"
#include "cm-org-user-item.h"
#include "cm-test-admin.h"
#include "cm-test-util.h"
#include "cm-test-window.h"

#define TEST_KEY "sk-ant-admin01-WINDOW-0123456789abcdef"

static CmApplication *app;
static CmWindow *window;
static CmBilledPage *page;
static CmTestAdmin *admin;
static CmTestBill *bill;
static GString *captured_log;

static char *
signed_money (CmMoney money)
{
  g_autofree char *amount = cm_format_money (money);

  return money > 0 ? g_strconcat ("+", amount, NULL) : g_steal_pointer (&amount);
}

static void
fetch_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  *(CmAdminFetchResult **) user_data = cm_admin_client_fetch_finish (CM_ADMIN_CLIENT (source), res, NULL);
}

static void
wait_billed (guint after_serial)
{
  CmBilled *billed = cm_application_get_billed (app);
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (cm_billed_get_serial (billed) <= after_serial || cm_billed_get_loading (billed))
    {
      g_main_context_iteration (NULL, TRUE);
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }
  cm_test_window_iterate (200);
}

/* Before anything is fetched, with billing off: what the view would show
 * and the way to Preferences. */
static void
test_off (void)
{
  cm_test_window_show_view (app, "billed");
  wait_billed (0);
  g_assert_cmpstr (cm_billed_page_get_state (page), ==, "off");
  cm_test_window_save_png (GTK_WIDGET (window), "billed-off.png");
  /* No analytics yet: the Users view is as it always was. */
  g_assert_false (cm_users_page_get_switch_visible (cm_window_get_users_page (window)));
}

static void
test_fetch (void)
{
  CmAdminClient *client = cm_application_get_admin_client (app);
  CmBilled *billed = cm_application_get_billed (app);
  g_autoptr(CmAdminFetchResult) result = NULL;
  guint serial = cm_billed_get_serial (billed);

  g_assert_true (cm_admin_client_has_api_key (client));
  cm_admin_client_fetch_async (client, bill->first, NULL, fetch_cb, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("%s", result->message);
  g_assert_true (cm_admin_fetch_result_ok (result));

  /* The fetch makes the view read again. */
  wait_billed (serial);
  g_assert_cmpstr (cm_billed_page_get_state (page), ==, "content");
  g_assert_nonnull (strstr (cm_billed_page_get_status (page), "Days are UTC. Last fetched"));
}

static void
test_cards (void)
{
  const CmBilledComparison *month = cm_billed_get_month (cm_application_get_billed (app));
  JsonObject *anthropic = json_object_get_object_member (json_object_get_object_member (cm_test_window_expected (),
                                                                                         "backend"), "anthropic");
  CmMoney difference = CM_TEST_BILL_EXTRA_COST + CM_TEST_BILL_CODE_EXEC_COST - CM_TEST_BILL_MISSING_COST -
                       CM_TEST_BILL_PRIORITY_COST;
  g_autofree char *billed = NULL;
  g_autofree char *estimated = NULL;
  g_autofree char *unexplained = signed_money (-CM_TEST_BILL_MISSING_COST);

  /* The corpus's month: every first-party message of it. */
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (month->estimated),
                                  json_object_get_double_member (anthropic, "cost"), 1e-6);
  g_assert_cmpint (month->billed, ==, month->estimated + difference);
  billed = cm_format_money (month->billed);
  estimated = cm_format_money (month->estimated);

  cm_test_window_show_view (app, "billed");
  g_assert_cmpstr (cm_billed_page_get_card_text (page, CM_BILLED_CARD_BILLED), ==, billed);
  g_assert_cmpstr (cm_billed_page_get_card_text (page, CM_BILLED_CARD_ESTIMATED), ==, estimated);
  g_assert_cmpstr (cm_billed_page_get_card_text (page, CM_BILLED_CARD_UNEXPLAINED), ==, unexplained);
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (page), billed));
}

static void
test_explanations (void)
{
  g_autofree char *text = cm_billed_page_dup_explanations (page);
  g_autofree char *apart = cm_billed_page_dup_apart (page);
  g_autofree char *other = signed_money (CM_TEST_BILL_EXTRA_COST);
  g_autofree char *tools = signed_money (CM_TEST_BILL_CODE_EXEC_COST);
  g_autofree char *priority = signed_money (-CM_TEST_BILL_PRIORITY_COST);
  g_autofree char *unexplained = signed_money (-CM_TEST_BILL_MISSING_COST);
  g_autofree char *line = NULL;
  JsonObject *backends = json_object_get_object_member (cm_test_window_expected (), "backend");
  g_autofree char *bedrock = cm_format_money (cm_test_window_usd_to_money (
    json_object_get_double_member (json_object_get_object_member (backends, "bedrock"), "cost")));

  g_test_message ("%s", text);
  line = g_strdup_printf ("Usage not from Claude Code on this machine\t%s\t", other);
  g_assert_nonnull (strstr (text, line));
  g_assert_nonnull (strstr (text, CM_TEST_BILL_TEAMMATE));
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("Web search and code execution\t%s\t", tools);
  g_assert_nonnull (strstr (text, line));
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("Priority Tier, missing from the cost report\t%s\t", priority);
  g_assert_nonnull (strstr (text, line));
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("Unexplained\t%s\t", unexplained);
  g_assert_nonnull (strstr (text, line));

  /* Bedrock and Vertex apart, estimated. */
  g_test_message ("%s", apart);
  g_clear_pointer (&line, g_free);
  line = g_strdup_printf ("Amazon Bedrock\t%s est.\t", bedrock);
  g_assert_nonnull (strstr (apart, line));
  g_assert_nonnull (strstr (apart, "Google Vertex AI\t"));
}

static CmBilledItem *
find_item (GListModel *rows,
           const char *day,
           const char *model)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmBilledItem) item = g_list_model_get_item (rows, i);
      const CmBilledRow *row = cm_billed_item_get_row (item);

      if (g_str_equal (row->day, day) && g_strcmp0 (row->model, model) == 0)
        return g_steal_pointer (&item);
    }

  return NULL;
}

static void
test_table (void)
{
  GListModel *rows = cm_billed_page_get_rows (page);
  const CmBilledComparison *range = cm_billed_get_range (cm_application_get_billed (app));
  g_autoptr(CmBilledItem) extra = find_item (rows, bill->extra, cm_test_bill_group (bill, bill->extra)->key2);
  g_autoptr(CmBilledItem) fewer = find_item (rows, bill->fewer, cm_test_bill_group (bill, bill->fewer)->key2);
  g_autoptr(CmBilledItem) match = find_item (rows, bill->match, cm_test_bill_group (bill, bill->match)->key2);
  g_autoptr(CmBilledItem) tools = find_item (rows, bill->extra, NULL);
  g_autofree char *difference = NULL;
  g_autofree char *want = cm_format_money (CM_TEST_BILL_EXTRA_COST);
  g_autofree char *csv = NULL;
  g_autofree char *name = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, range->rows->len);
  g_assert_nonnull (extra);
  g_assert_cmpstr (cm_billed_item_get_why (extra), ==, "Usage not from Claude Code on this machine");
  difference = cm_columns_format (G_OBJECT (extra), "difference", CM_COLUMN_MONEY);
  g_assert_cmpstr (difference, ==, want);
  g_assert_cmpstr (cm_billed_item_get_why (fewer), ==, "Fewer billed tokens");
  g_assert_cmpstr (cm_billed_item_get_why (match), ==, "Matches");
  g_assert_cmpstr (cm_billed_item_get_label (tools), ==, "Web search, code execution");
  g_assert_cmpstr (cm_billed_item_get_why (tools), ==, "Web search and code execution");

  /* The Total row, last: the selected days summed. */
  {
    GListModel *shown = G_LIST_MODEL (gtk_column_view_get_model (cm_billed_page_get_view (page)));
    guint n = g_list_model_get_n_items (shown);
    g_autoptr(CmBilledItem) total = g_list_model_get_item (shown, n - 1);

    g_assert_cmpuint (n, ==, range->rows->len + 1);
    g_assert_cmpint (cm_billed_item_get_row (total)->billed, ==, range->billed);
    g_assert_cmpint (cm_billed_item_get_row (total)->estimated, ==, range->estimated);
    g_assert_cmpint (cm_billed_item_get_row (total)->difference, ==, range->difference);
  }

  /* The table is shown, and its figures are on screen. */
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (cm_billed_page_get_view (page))));

  /* Export what is shown, exactly. */
  csv = cm_window_dup_export (window, CM_EXPORT_FORMAT_CSV, &name);
  g_assert_cmpstr (name, ==, "costmeter-billed.csv");
  g_assert_true (g_str_has_prefix (csv, "day,model,billed_usd,estimated_usd,difference_usd,"));
  g_assert_nonnull (strstr (csv, ",0.7512345678,"));

  cm_test_window_save_png (GTK_WIDGET (window), "billed.png");
}

static void
test_narrow (void)
{
  int min = 0;

  gtk_window_set_default_size (GTK_WINDOW (window), 360, 760);
  cm_test_window_iterate (400);
  gtk_widget_measure (GTK_WIDGET (window), GTK_ORIENTATION_HORIZONTAL, -1, &min, NULL, NULL, NULL);
  g_assert_cmpint (min, <=, 360);
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 360);

  cm_test_window_show_view (app, "billed");
  /* The day, the model and the difference stay; the rest give way. */
  cm_test_window_assert_inside (window, cm_test_window_find_title (GTK_WIDGET (page), "Difference"), "Difference column");
  cm_test_window_assert_inside (window, cm_test_window_find_title (GTK_WIDGET (page), "Day"), "Day column");
  cm_test_window_save_png (GTK_WIDGET (window), "billed-360.png");
  /* The table, scrolled to as the focus reaches it. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (cm_billed_page_get_view (page)), GTK_DIR_TAB_FORWARD));
  cm_test_window_iterate (300);
  cm_test_window_save_png (GTK_WIDGET (window), "billed-360-table.png");

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 760);
  cm_test_window_iterate (400);
  cm_test_window_assert_inside (window, cm_test_window_find_title (GTK_WIDGET (page), "Why"), "Why column");
}

static CmOrgUserItem *
find_org_user (GListModel *rows,
               const char *key)
{
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CmOrgUserItem) item = g_list_model_get_item (rows, i);

      if (g_strcmp0 (cm_org_user_item_get_row (item)->key, key) == 0)
        return g_steal_pointer (&item);
    }

  return NULL;
}

/* The Users view takes the organization's Claude Code analytics, merged
 * with this computer's users by e-mail, each row saying where its figures
 * come from; exported as shown. */
static void
test_org_users (void)
{
  CmUsersPage *users = cm_window_get_users_page (window);
  GListModel *rows = cm_users_page_get_org_rows (users);
  guint n = g_list_model_get_n_items (rows);
  g_autoptr(CmOrgUserItem) bob = NULL;
  g_autoptr(CmOrgUserItem) user1 = NULL;
  g_autoptr(CmOrgUserItem) last = NULL;
  g_autofree char *bob_cost = NULL;
  g_autofree char *want = cm_format_money (CM_TEST_BILL_EXTRA_COST);
  g_autofree char *csv = NULL;
  g_autofree char *name = NULL;

  cm_test_window_show_view (app, "users");
  g_assert_true (cm_users_page_get_switch_visible (users));
  g_assert_false (cm_users_page_get_organization (users));
  cm_users_page_set_organization (users, TRUE);
  cm_test_window_iterate (300);
  g_assert_true (gtk_widget_get_mapped (GTK_WIDGET (cm_users_page_get_org_view (users))));

  bob = find_org_user (rows, CM_TEST_BILL_TEAMMATE);
  g_assert_nonnull (bob);
  g_assert_cmpstr (cm_org_user_item_get_source (bob), ==, "Claude Code analytics");
  g_assert_cmpint (cm_org_user_item_get_row (bob)->sessions, ==, 2);
  g_assert_cmpint (cm_org_user_item_get_row (bob)->lines_added, ==, 40);
  bob_cost = cm_columns_format (G_OBJECT (bob), "org-cost", CM_COLUMN_MONEY);
  g_assert_cmpstr (bob_cost, ==, want);
  {
    /* A figure of a source the row lacks is "—", not 0. */
    g_autofree char *none = cm_columns_format (G_OBJECT (bob), "cost", CM_COLUMN_COST);

    g_assert_cmpstr (none, ==, "—");
  }
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (users), CM_TEST_BILL_TEAMMATE));
  g_assert_true (cm_test_window_find_label (GTK_WIDGET (users), "Claude Code analytics"));

  /* Merged by e-mail, whatever the letter case. */
  user1 = find_org_user (rows, "user1@example.com");
  g_assert_nonnull (user1);
  g_assert_cmpstr (cm_org_user_item_get_source (user1), ==, "Both");
  g_assert_cmpint (cm_org_user_item_get_row (user1)->transcripts.messages, >, 0);

  /* Runs without an owner last. */
  g_assert_cmpuint (n, >, 2);
  last = g_list_model_get_item (rows, n - 1);
  g_assert_cmpstr (cm_org_user_item_get_label (last), ==, "Unattributed");
  {
    g_autofree char *sessions = cm_columns_format (G_OBJECT (last), "org-sessions", CM_COLUMN_COUNT);
    g_autofree char *cost = cm_columns_format (G_OBJECT (last), "org-cost", CM_COLUMN_MONEY);

    g_assert_cmpstr (sessions, ==, "—");
    g_assert_cmpstr (cost, ==, "—");
  }

  csv = cm_window_dup_export (window, CM_EXPORT_FORMAT_CSV, &name);
  g_assert_cmpstr (name, ==, "costmeter-org-users.csv");
  g_assert_true (g_str_has_prefix (csv, "user,source,actor_type,customer_type,sessions,"));
  g_assert_nonnull (strstr (csv, CM_TEST_BILL_TEAMMATE ",admin-api,user_actor,"));
  g_assert_nonnull (strstr (csv, "user1@example.com,both,"));
  cm_test_window_save_png (GTK_WIDGET (window), "users-organization.png");

  /* And back to this computer's users. */
  cm_users_page_set_organization (users, FALSE);
  cm_test_window_iterate (100);
  g_clear_pointer (&csv, g_free);
  g_clear_pointer (&name, g_free);
  csv = cm_window_dup_export (window, CM_EXPORT_FORMAT_CSV, &name);
  g_assert_cmpstr (name, ==, "costmeter-users.csv");
  g_assert_true (cm_users_page_get_switch_visible (users));
}

/* Tab alone reaches the view's switcher button, then every control of the
 * view in order: the fetch button, the explanations, the table, the
 * backends apart; each has a name for a screen reader. */
static void
test_keyboard (void)
{
  gboolean fetch = FALSE, cards = FALSE, explanation = FALSE, table = FALSE, apart = FALSE;
  GtkWidget *first = NULL;

  cm_test_window_show_view (app, "billed");
  gtk_window_set_focus (GTK_WINDOW (window), NULL);
  for (guint i = 0; i < 300; i++)
    {
      GtkWidget *w = cm_test_window_press_tab (window);

      g_assert_nonnull (w);
      if (w == first)
        break;
      if (first == NULL)
        first = w;
      if (!gtk_widget_is_ancestor (w, GTK_WIDGET (page)))
        continue;

      {
        GtkWidget *label = cm_test_window_find_type (w, GTK_TYPE_LABEL);

        g_test_message ("Tab stop %u: %s %p \"%s\" < %s", i, G_OBJECT_TYPE_NAME (w), (void *) w,
                        label != NULL ? gtk_label_get_text (GTK_LABEL (label)) : "",
                        G_OBJECT_TYPE_NAME (gtk_widget_get_parent (w)));
      }
      /* A table row is read from its cells (GTK 4.8 names no list row). */
      if (!cm_test_window_has_name (w) && gtk_widget_get_ancestor (w, GTK_TYPE_COLUMN_VIEW) == NULL)
        g_error ("Tab stop %s in the Billed view has no accessible name", G_OBJECT_TYPE_NAME (w));
      fetch |= GTK_IS_BUTTON (w) && cm_test_window_find_label (w, "Fetch Now");
      cards |= GTK_IS_FLOW_BOX_CHILD (w);
      explanation |= ADW_IS_ACTION_ROW (w) && gtk_widget_is_ancestor (w, GTK_WIDGET (page)) && !apart && !table;
      table |= gtk_widget_get_ancestor (w, GTK_TYPE_COLUMN_VIEW) != NULL;
      apart |= ADW_IS_ACTION_ROW (w) && table;
    }

  g_assert_true (fetch);
  g_assert_true (cards);
  g_assert_true (explanation);
  g_assert_true (table);
  g_assert_true (apart);
}

/* The key is in no log line and no file the app wrote. */
static void
test_no_key (void)
{
  g_assert_null (strstr (captured_log->str, TEST_KEY));
  g_assert_null (strstr (captured_log->str, "WINDOW-0123"));
  g_assert_null (strstr (cm_billed_page_get_status (page), "sk-ant"));
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *corpus = NULL;
  g_autofree char *base = NULL;
  CmAdminClient *client;
  gint64 now_ms;
  int rc;

  cm_test_window_isolate_home ();
  g_setenv ("TZ", "UTC", TRUE);
  g_setenv ("ANTHROPIC_ADMIN_API_KEY", TEST_KEY, TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("all_proxy");
  gtk_test_init (&argc, &argv, NULL);
  captured_log = cm_test_capture_logs ();

  corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  app = cm_test_window_start_app (corpus, "com.example.CostMeter.TestBilled", 0);
  window = cm_test_window_get_window (app);
  page = cm_window_get_billed_page (window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 900);

  /* The Admin API of this test, and the month of the corpus. */
  admin = cm_test_admin_new (TEST_KEY);
  bill = cm_test_admin_bill_store (admin, cm_application_get_store (app));
  g_settings_set_string (cm_application_get_settings (app), "api-base-url", cm_test_admin_get_url (admin));
  client = cm_application_get_admin_client (app);
  g_assert_cmpstr (cm_admin_client_get_base_url (client), ==, cm_test_admin_get_url (admin));
  now_ms = cm_test_day_ms (bill->last, 3);
  cm_admin_client_set_now_ms (client, now_ms);
  cm_billed_set_now_ms (cm_application_get_billed (app), now_ms);
  /* The key loads on a worker: wait for it. */
  while (!cm_admin_client_has_api_key (client))
    g_main_context_iteration (NULL, TRUE);

  g_test_add_func ("/billed/window/off", test_off);
  g_test_add_func ("/billed/window/fetch", test_fetch);
  g_test_add_func ("/billed/window/cards", test_cards);
  g_test_add_func ("/billed/window/explanations", test_explanations);
  g_test_add_func ("/billed/window/table", test_table);
  g_test_add_func ("/billed/window/org-users", test_org_users);
  g_test_add_func ("/billed/window/narrow", test_narrow);
  g_test_add_func ("/billed/window/keyboard", test_keyboard);
  g_test_add_func ("/billed/window/no-key", test_no_key);

  rc = g_test_run ();

  gtk_window_destroy (GTK_WINDOW (window));
  g_application_quit (G_APPLICATION (app));
  cm_test_bill_free (bill);
  cm_test_admin_free (admin);

  return rc;
}
