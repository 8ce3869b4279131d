/* test-model-session-list.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The sessions list makes an item only when asked for it and refills the
 * items it made in place.
 */

#include "config.h"

#include "cm-session-item.h"
#include "cm-session-list.h"

/* Every "items-changed" as "position-removed+added/n_items", n_items as
 * the model says while the signal runs. */
static void
items_changed_cb (GListModel *model,
                  guint       position,
                  guint       removed,
                  guint       added,
                  GString    *log)
{
  g_string_append_printf (log, "%u-%u+%u/%u ", position, removed, added, g_list_model_get_n_items (model));
}

static void
notify_cb (GObject    *item,
           GParamSpec *pspec,
           guint      *count)
{
  (*count)++;
}

static void
refilled_cb (CmSessionList *list,
             guint         *count)
{
  (*count)++;
}

static GPtrArray *
make_rows (const char *prefix,
           guint       n)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_session_row_free);

  for (guint i = 0; i < n; i++)
    {
      CmSessionRow *row = g_new0 (CmSessionRow, 1);

      g_autofree char *id = g_strdup_printf ("%s-%u", prefix, i);

      row->session_id = g_ref_string_new (id);
      row->project = g_ref_string_new ("/home/a/project");
      row->user = g_ref_string_new ("a@example.com");
      row->models = g_ref_string_new ("claude-sonnet-4-5");
      row->totals.messages = i + 1;
      row->totals.cost = 1000 * (i + 1);
      row->totals.first_ms = 1000;
      row->totals.last_ms = 61000;
      g_ptr_array_add (rows, row);
    }

  return rows;
}

static void
test_lazy_items (void)
{
  g_autoptr(CmSessionList) list = cm_session_list_new ();
  GListModel *model = G_LIST_MODEL (list);
  g_autoptr(CmSessionItem) first = NULL;
  g_autoptr(CmSessionItem) again = NULL;
  g_autoptr(CmSessionItem) old = NULL;
  g_autoptr(GString) log = g_string_new (NULL);
  guint notified = 0, refilled = 0;

  g_assert_true (g_list_model_get_item_type (model) == CM_TYPE_SESSION_ITEM);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_signal_connect (list, "items-changed", G_CALLBACK (items_changed_cb), log);

  cm_session_list_set_rows (list, make_rows ("a", 1000));
  g_assert_cmpstr (log->str, ==, "0-0+1000/1000 ");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1000);
  g_assert_cmpuint (cm_session_list_get_n_made (list), ==, 0);

  first = g_list_model_get_item (model, 41);
  g_assert_cmpstr (cm_session_item_get_session_id (first), ==, "a-41");
  g_assert_cmpint (cm_session_item_get_totals (first)->messages, ==, 42);
  again = g_list_model_get_item (model, 41);
  g_assert_true (first == again);
  g_assert_cmpuint (cm_session_list_get_n_made (list), ==, 1);
  g_assert_null (g_list_model_get_item (model, 1000));

  /* New rows refill the items made at their positions (which notify), and
   * "items-changed" covers only what the length changed: a list view keeps
   * its rows. A copy keeps its session. */
  old = cm_session_item_copy (first);
  g_signal_connect (first, "notify::session-id", G_CALLBACK (notify_cb), &notified);
  g_signal_connect (list, "refilled", G_CALLBACK (refilled_cb), &refilled);
  g_string_truncate (log, 0);
  cm_session_list_set_rows (list, make_rows ("b", 50));
  g_assert_cmpstr (log->str, ==, "50-950+0/50 ");
  g_assert_cmpuint (refilled, ==, 1);
  g_assert_cmpuint (notified, ==, 1);
  g_clear_object (&again);
  again = g_list_model_get_item (model, 41);
  g_assert_true (again == first);
  g_assert_cmpstr (cm_session_item_get_session_id (first), ==, "b-41");
  g_assert_cmpstr (cm_session_item_get_session_id (old), ==, "a-41");
  g_assert_cmpint (cm_session_item_get_totals (old)->messages, ==, 42);
  g_assert_cmpuint (cm_session_list_get_n_made (list), ==, 1);

  /* As many rows: no "items-changed" at all, still ::refilled. */
  g_string_truncate (log, 0);
  cm_session_list_set_rows (list, make_rows ("c", 50));
  g_assert_cmpstr (log->str, ==, "");
  g_assert_cmpuint (refilled, ==, 2);
  g_assert_cmpuint (notified, ==, 2);
  g_assert_cmpstr (cm_session_item_get_session_id (first), ==, "c-41");

  /* More, then fewer: the items past the end go. */
  g_string_truncate (log, 0);
  cm_session_list_set_rows (list, make_rows ("d", 60));
  cm_session_list_set_rows (list, make_rows ("e", 3));
  g_assert_cmpstr (log->str, ==, "50-0+10/60 3-57+0/3 ");
  g_assert_null (g_list_model_get_item (model, 41));
  g_clear_object (&again);
  again = g_list_model_get_item (model, 2);
  g_assert_cmpstr (cm_session_item_get_session_id (again), ==, "e-2");

  g_string_truncate (log, 0);
  cm_session_list_set_rows (list, make_rows ("f", 0));
  g_assert_cmpstr (log->str, ==, "0-3+0/0 ");
  g_assert_null (g_list_model_get_item (model, 0));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/model/session-list/lazy-items", test_lazy_items);

  return g_test_run ();
}
