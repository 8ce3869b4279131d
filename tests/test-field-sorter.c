/* test-field-sorter.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * CmFieldSorter reads struct members where GtkNumericSorter reads
 * properties: both must give the same order, for every figure.
 */

#include "config.h"

#include <math.h>
#include <gtk/gtk.h>

#include "cm-field-sorter.h"
#include "cm-group-item.h"
#include "cm-session-item.h"

static const char * const figures[] = {
  "input", "output", "cache-write-5m", "cache-read", "messages", "cost", "cost-cache-read",
  "first-ms", "tokens", "cache-hit-ratio", "has-estimate",
};

/* Figures that tie often, and large ones (money past 2^53 units). */
static GListModel *
make_items (GType type)
{
  GListStore *store = g_list_store_new (type);
  guint32 seed = 7;

  for (guint i = 0; i < 200; i++)
    {
      CmTotals t = { 0 };
      g_autofree char *key = g_strdup_printf ("k%03u", (i * 37) % 200);

      seed = seed * 1103515245 + 12345;
      t.input = seed % 5;
      t.output = (seed >> 8) % 1000;
      t.cache_write_5m = (seed >> 4) % 3;
      t.cache_read = (seed >> 12) % 7;
      t.messages = 1 + seed % 4;
      t.cost = G_GINT64_CONSTANT (9007199254740990) + (gint64) (seed % 5);
      t.cost_cache_read = -(gint64) (seed % 3);
      t.first_ms = G_GINT64_CONSTANT (1760000000000) + (seed >> 3) % 11;
      t.last_ms = t.first_ms + 1000;
      t.estimated = (seed >> 5) % 2;

      if (type == CM_TYPE_SESSION_ITEM)
        {
          CmSessionRow row = { 0 };
          g_autoptr(CmSessionItem) item = NULL;

          row.session_id = g_ref_string_new (key);
          row.totals = t;
          item = cm_session_item_new (&row);
          g_list_store_append (store, item);
          g_ref_string_release (row.session_id);
        }
      else
        {
          g_autoptr(CmGroupItem) item = cm_group_item_new (key, NULL, key, &t);

          g_list_store_append (store, item);
        }
    }

  return G_LIST_MODEL (store);
}

static void
assert_same_order (GListModel *items,
                   GtkSorter  *expected,
                   GtkSorter  *got)
{
  g_autoptr(GtkSortListModel) a = gtk_sort_list_model_new (g_object_ref (items), g_object_ref (expected));
  g_autoptr(GtkSortListModel) b = gtk_sort_list_model_new (g_object_ref (items), g_object_ref (got));

  /* Ties keep the model's order in both (the sort is stable). */
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(GObject) x = g_list_model_get_item (G_LIST_MODEL (a), i);
      g_autoptr(GObject) y = g_list_model_get_item (G_LIST_MODEL (b), i);

      g_assert_true (x == y);
    }
}

/* An undefined ratio (NAN: no input) sorts below every defined one. */
static double
defined_or_below (GObject *item,
                  double   value)
{
  return isnan (value) ? -1.0 : value;
}

static GtkExpression *
reference_expression (GType       type,
                      const char *figure)
{
  GtkExpression *property = gtk_property_expression_new (type, NULL, figure);

  if (!g_str_equal (figure, "cache-hit-ratio"))
    return property;

  return gtk_cclosure_expression_new (G_TYPE_DOUBLE, NULL, 1, &property,
                                      G_CALLBACK (defined_or_below), NULL, NULL);
}

static void
check_type (GType type)
{
  g_autoptr(GListModel) items = make_items (type);

  for (guint f = 0; f < G_N_ELEMENTS (figures); f++)
    {
      g_autoptr(GtkNumericSorter) reference = NULL;
      g_autoptr(CmFieldSorter) sorter = cm_field_sorter_new (type, figures[f]);

      g_test_message ("%s: %s", g_type_name (type), figures[f]);
      g_assert_nonnull (sorter);
      g_assert_cmpstr (cm_field_sorter_get_field (sorter), ==, figures[f]);

      reference = gtk_numeric_sorter_new (reference_expression (type, figures[f]));
      assert_same_order (items, GTK_SORTER (reference), GTK_SORTER (sorter));

      gtk_numeric_sorter_set_sort_order (reference, GTK_SORT_DESCENDING);
      cm_field_sorter_set_descending (sorter, TRUE);
      g_assert_true (cm_field_sorter_get_descending (sorter));
      assert_same_order (items, GTK_SORTER (reference), GTK_SORTER (sorter));
    }
}

static void
test_group_items (void)
{
  check_type (CM_TYPE_GROUP_ITEM);
}

static void
test_session_items (void)
{
  check_type (CM_TYPE_SESSION_ITEM);
}

/* Strings order as strcmp (); a name no class has gives no sorter. */
static void
test_strings_and_unknown (void)
{
  g_autoptr(GListModel) items = make_items (CM_TYPE_SESSION_ITEM);
  g_autoptr(CmFieldSorter) sorter = cm_field_sorter_new (CM_TYPE_SESSION_ITEM, "session-id");
  g_autoptr(GtkSortListModel) sorted = NULL;
  g_autofree char *previous = NULL;

  g_assert_null (cm_field_sorter_new (CM_TYPE_SESSION_ITEM, "no-such-figure"));
  g_assert_null (cm_field_sorter_new (G_TYPE_OBJECT, "cost"));

  g_assert_nonnull (sorter);
  sorted = gtk_sort_list_model_new (g_object_ref (items), GTK_SORTER (g_object_ref (sorter)));
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (sorted)); i++)
    {
      g_autoptr(CmSessionItem) item = g_list_model_get_item (G_LIST_MODEL (sorted), i);
      const char *id = cm_session_item_get_session_id (item);

      if (previous != NULL)
        g_assert_cmpint (strcmp (previous, id), <=, 0);
      g_free (previous);
      previous = g_strdup (id);
    }
}

int
main (int   argc,
      char *argv[])
{
  gtk_test_init (&argc, &argv, NULL);

  g_test_add_func ("/ui/field-sorter/group-items", test_group_items);
  g_test_add_func ("/ui/field-sorter/session-items", test_session_items);
  g_test_add_func ("/ui/field-sorter/strings-and-unknown", test_strings_and_unknown);

  return g_test_run ();
}
