/* test-model-export.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The CSV/JSON writer of visible tables: quoting, exact money, JSON that
 * parses back to the same values.
 */

#include "config.h"

#include <string.h>
#include <json-glib/json-glib.h>

#include "cm-export.h"
#include "cm-group-item.h"
#include "cm-test-util.h"

static const CmExportColumn columns[] = {
  { "name", "key", CM_EXPORT_TEXT },
  { "messages", "messages", CM_EXPORT_INTEGER },
  { "cost_usd", "cost", CM_EXPORT_MONEY },
  { "cache_hit_ratio", "cache-hit-ratio", CM_EXPORT_RATIO },
  { "first", "first-ms", CM_EXPORT_TIME },
  { "estimated", "has-estimate", CM_EXPORT_BOOLEAN },
};

static GListModel *
make_rows (void)
{
  GListStore *store = g_list_store_new (CM_TYPE_GROUP_ITEM);
  CmTotals a = { 0 }, b = { 0 };
  g_autoptr(CmGroupItem) ia = NULL;
  g_autoptr(CmGroupItem) ib = NULL;

  a.messages = 3;
  a.cost = G_GINT64_CONSTANT (123456789012345); /* $12345.6789012345 */
  a.input = 100;
  a.cache_read = 300;
  a.first_ms = G_GINT64_CONSTANT (1788220800123); /* 2026-09-01T00:00:00.123Z */
  a.estimated = 1;
  b.messages = 1;
  b.cost = 1; /* the smallest unit */

  ia = cm_group_item_new ("shop, \"main\"\nline", NULL, NULL, &a);
  ib = cm_group_item_new ("plain", NULL, NULL, &b);
  g_list_store_append (store, ia);
  g_list_store_append (store, ib);

  return G_LIST_MODEL (store);
}

static void
test_money (void)
{
  struct { gint64 units; const char *text; } cases[] = {
    { 0, "0.0000000000" },
    { 1, "0.0000000001" },
    { G_GINT64_CONSTANT (10000000000), "1.0000000000" },
    { G_GINT64_CONSTANT (639553477600), "63.9553477600" },
    { -5, "-0.0000000005" },
    { G_MININT64, "-922337203.6854775808" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *text = cm_export_format_money (cases[i].units);

      g_assert_cmpstr (text, ==, cases[i].text);
    }
}

static void
test_csv (void)
{
  g_autoptr(GListModel) rows = make_rows ();
  g_autofree char *csv = cm_export_to_string (rows, columns, G_N_ELEMENTS (columns), CM_EXPORT_FORMAT_CSV);

  g_assert_cmpstr (csv, ==,
                   "name,messages,cost_usd,cache_hit_ratio,first,estimated\r\n"
                   "\"shop, \"\"main\"\"\nline\",3,12345.6789012345,0.750000,2026-09-01T00:00:00.123Z,true\r\n"
                   /* No input: the cache-hit ratio is undefined, not 0. */
                   "plain,1,0.0000000001,,,false\r\n");
}

static void
test_json (void)
{
  g_autoptr(GListModel) rows = make_rows ();
  g_autofree char *json = cm_export_to_string (rows, columns, G_N_ELEMENTS (columns), CM_EXPORT_FORMAT_JSON);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;
  JsonObject *first, *second;

  json_parser_load_from_data (parser, json, -1, &error);
  g_assert_no_error (error);
  array = json_node_get_array (json_parser_get_root (parser));
  g_assert_cmpuint (json_array_get_length (array), ==, 2);

  first = json_array_get_object_element (array, 0);
  g_assert_cmpstr (json_object_get_string_member (first, "name"), ==, "shop, \"main\"\nline");
  g_assert_cmpint (json_object_get_int_member (first, "messages"), ==, 3);
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (first, "cost_usd"), 12345.6789012345, 1e-9);
  g_assert_cmpstr (json_object_get_string_member (first, "first"), ==, "2026-09-01T00:00:00.123Z");
  g_assert_true (json_object_get_boolean_member (first, "estimated"));

  /* Money is written digit for digit, not through a double. */
  g_assert_nonnull (strstr (json, "\"cost_usd\": 12345.6789012345"));

  second = json_array_get_object_element (array, 1);
  g_assert_true (json_object_get_null_member (second, "first"));
  g_assert_true (json_object_get_null_member (second, "cache_hit_ratio"));
  g_assert_false (json_object_get_boolean_member (second, "estimated"));
}

static void
test_empty_and_file (void)
{
  g_autoptr(GListStore) empty = g_list_store_new (CM_TYPE_GROUP_ITEM);
  g_autofree char *json = cm_export_to_string (G_LIST_MODEL (empty), columns, 2, CM_EXPORT_FORMAT_JSON);
  g_autofree char *csv = cm_export_to_string (G_LIST_MODEL (empty), columns, 2, CM_EXPORT_FORMAT_CSV);
  g_autofree char *dir = cm_test_make_tmpdir ("export");
  g_autofree char *path = g_build_filename (dir, "out.csv", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GListModel) rows = make_rows ();
  g_autoptr(GError) error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *expected = NULL;

  g_assert_cmpstr (json, ==, "[]\n");
  g_assert_cmpstr (csv, ==, "name,messages\r\n");

  g_assert_true (cm_export_to_file (rows, columns, G_N_ELEMENTS (columns), CM_EXPORT_FORMAT_CSV, file, &error));
  g_assert_no_error (error);
  g_file_get_contents (path, &written, NULL, &error);
  g_assert_no_error (error);
  expected = cm_export_to_string (rows, columns, G_N_ELEMENTS (columns), CM_EXPORT_FORMAT_CSV);
  g_assert_cmpstr (written, ==, expected);
}

/* Never the real home: the price override and data folders live there. */
static void
isolate_home (void)
{
  g_autofree char *home = cm_test_make_tmpdir ("home");
  g_autofree char *config = g_build_filename (home, ".config", NULL);
  g_autofree char *data = g_build_filename (home, ".local", "share", NULL);
  g_autofree char *cache = g_build_filename (home, ".cache", NULL);

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", config, TRUE);
  g_setenv ("XDG_DATA_HOME", data, TRUE);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  g_unsetenv ("CLAUDE_CONFIG_DIR");
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("TZ", "UTC", TRUE);
  g_test_init (&argc, &argv, NULL);
  isolate_home ();

  g_test_add_func ("/model/export/money", test_money);
  g_test_add_func ("/model/export/csv", test_csv);
  g_test_add_func ("/model/export/json", test_json);
  g_test_add_func ("/model/export/empty-and-file", test_empty_and_file);

  return g_test_run ();
}
