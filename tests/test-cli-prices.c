/* test-cli-prices.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `costmeter-cli prices list|update|set` against a SoupServer on 127.0.0.1,
 * with history re-priced after each change, and the model report's speed
 * rows. */

#include "config.h"

#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cm-test-util.h"

static char *tmpdir;
static char *db_path;
static char *base_url;

/* Opus 5 fast and standard, a model nobody prices (GLM through a proxy). */
#define LINE(id, model, extra) \
  "{\"type\":\"assistant\",\"sessionId\":\"s1\",\"cwd\":\"/home/u/shop\",\"timestamp\":\"2026-08-10T10:00:00Z\"," \
  "\"requestId\":\"req_" id "\",\"message\":{\"id\":\"msg_" id "\",\"model\":\"" model "\"," \
  "\"usage\":{\"input_tokens\":1000000,\"output_tokens\":1000000" extra "}}}\n"

static const char transcript[] =
  LINE ("01A", "claude-opus-5", ",\"speed\":\"fast\"")
  LINE ("01B", "claude-opus-5", ",\"speed\":\"standard\",\"inference_geo\":\"us\"")
  LINE ("01C", "glm-4.6", "");

/* Opus 5 at $4/$20 and a new model; Sonnet 5 as the table has it. */
static const char good_list[] =
  "{ \"claude-opus-5\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
  "   \"input_cost_per_token\": 4e-06, \"output_cost_per_token\": 2e-05,"
  "   \"cache_creation_input_token_cost\": 5e-06, \"cache_read_input_token_cost\": 4e-07,"
  "   \"provider_specific_entry\": { \"fast\": 2 } },"
  "  \"claude-sonnet-5\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
  "   \"input_cost_per_token\": 2e-06, \"output_cost_per_token\": 1e-05,"
  "   \"cache_creation_input_token_cost\": 2.5e-06, \"cache_read_input_token_cost\": 2e-07 },"
  "  \"claude-haiku-6\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\","
  "   \"input_cost_per_token\": 2e-07, \"output_cost_per_token\": 1e-06,"
  "   \"cache_creation_input_token_cost\": 2.5e-07, \"cache_read_input_token_cost\": 2e-08 } }";

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_free (r->out);
  g_free (r->err);
}

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  if (strcmp (path, "/good.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        good_list, strlen (good_list));
    }
  else if (strcmp (path, "/garbage.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "{\"claude", 8);
    }
  else if (strcmp (path, "/hang.json") == 0)
    soup_server_message_pause (msg);
  else
    soup_server_message_set_status (msg, 500, NULL);
}

static void
communicate_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  Result *r = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), res, &r->out, &r->err, &error);
  g_assert_no_error (error);
}

/* Runs the CLI while this process keeps serving HTTP. */
static Result
run_cli (const char *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { -1, NULL, NULL };
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, db_path);
  va_start (args, first);
  for (const char *a = first; a != NULL; a = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) a);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "COSTMETER_PRICE_LIST_TIMEOUT", "1", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLAUDE_CONFIG_DIR");
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicate_cb, &r);
  while (r.out == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (proc, NULL, NULL);
  r.status = g_subprocess_get_exit_status (proc);

  return r;
}

static JsonObject *
parse_object (JsonParser *parser,
              const char *text)
{
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_get_object (json_parser_get_root (parser));
}

static JsonObject *
find_member (JsonArray  *array,
             const char *key,
             const char *id,
             const char *key2,
             const char *value2)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *o = json_array_get_object_element (array, i);

      if (g_strcmp0 (json_object_get_string_member (o, key), id) == 0 &&
          (key2 == NULL || g_strcmp0 (json_object_get_string_member_with_default (o, key2, ""), value2) == 0))
        return o;
    }

  return NULL;
}

/* The exact decimal dollars of the whole history. */
static char *
history_cost (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  Result r = run_cli ("report", "model", "--json", NULL);
  JsonObject *root;
  char *cost;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_object (parser, r.out);
  cost = g_strdup (json_object_get_string_member (json_object_get_object_member (root, "totals"),
                                                  "cost_usd_exact"));
  result_clear (&r);

  return cost;
}

static char *
layer_file (void)
{
  return g_build_filename (tmpdir, "costmeter", "pricing-updated.json", NULL);
}

static void
test_list_and_speed_rows (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(JsonParser) report = json_parser_new ();
  Result r = run_cli ("prices", "list", "--json", NULL);
  JsonObject *root, *opus;
  JsonArray *rows;

  g_assert_cmpint (r.status, ==, 0);
  root = parse_object (parser, r.out);
  g_assert_cmpstr (json_object_get_string_member (root, "verified"), ==, "2026-12-02");
  opus = find_member (json_object_get_array_member (root, "models"), "id", "claude-opus-5", NULL, NULL);
  g_assert_nonnull (opus);
  g_assert_cmpfloat (json_object_get_double_member (opus, "input"), ==, 5);
  g_assert_cmpfloat (json_object_get_double_member (opus, "fast"), ==, 2);
  g_assert_cmpfloat (json_object_get_double_member (opus, "inference_geo_us"), ==, 1.1);
  g_assert_cmpstr (json_object_get_string_member (opus, "layer"), ==, "bundled");
  g_assert_cmpstr (json_object_get_string_member (opus, "layer_date"), ==, "2026-12-02");
  g_assert_true (g_str_has_prefix (json_object_get_string_member (opus, "source"), "https://platform.claude.com/"));
  g_assert_nonnull (find_member (json_object_get_array_member (root, "unpriced"), "id", "glm-4.6",
                                 NULL, NULL));
  result_clear (&r);

  /* Opus 5's fast request is a row of its own: 1M in, 1M out at $10/$50. */
  r = run_cli ("report", "model", "--json", NULL);
  g_assert_cmpint (r.status, ==, 0);
  rows = json_object_get_array_member (parse_object (report, r.out), "rows");
  g_assert_cmpstr (json_object_get_string_member (find_member (rows, "key", "claude-opus-5", "speed", "fast"),
                                                  "cost_usd_exact"), ==, "60.0000000000");
  g_assert_cmpstr (json_object_get_string_member (find_member (rows, "key", "claude-opus-5", "speed", "standard"),
                                                  "cost_usd_exact"), ==, "33.0000000000");
  result_clear (&r);

  r = run_cli ("messages", "s1", "--csv", NULL);
  g_assert_cmpint (r.status, ==, 0);
  {
    g_autofree char *header = g_strndup (r.out, strchr (r.out, '\n') - r.out);

    /* Speed and geography after the figures; a message's id and its
     * kinds' dollars were added after them. */
    g_assert_nonnull (strstr (header, ",unpriced,speed,inference_geo,message_id,"));
  }
  g_assert_nonnull (strstr (r.out, ",fast,,"));
  g_assert_nonnull (strstr (r.out, ",standard,us,"));
  result_clear (&r);
}

/* Garbage, a 500 and a list that never comes: the prices stay. */
static void
test_update_failures (void)
{
  static const char *paths[] = { "garbage.json", "error.json", "hang.json" };
  g_autofree char *before = history_cost ();
  g_autofree char *layer = layer_file ();

  for (guint i = 0; i < G_N_ELEMENTS (paths); i++)
    {
      g_autofree char *url = g_strconcat (base_url, paths[i], NULL);
      g_autofree char *after = NULL;
      Result r = run_cli ("prices", "update", "--url", url, NULL);

      g_test_message ("%s: %s", paths[i], r.err);
      g_assert_cmpint (r.status, ==, 1);
      g_assert_nonnull (strstr (r.err, "prices not updated"));
      g_assert_false (g_file_test (layer, G_FILE_TEST_EXISTS));
      after = history_cost ();
      g_assert_cmpstr (after, ==, before);
      result_clear (&r);
    }
}

/* A good list: Opus 5 at $4/$20, history re-priced by what that moves. */
static void
test_update_reprices (void)
{
  g_autofree char *url = g_strconcat (base_url, "good.json", NULL);
  g_autofree char *layer = layer_file ();
  g_autofree char *after = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  Result r = run_cli ("prices", "update", "--url", url, NULL);
  JsonObject *opus;

  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_file_test (layer, G_FILE_TEST_EXISTS));
  /* Fast: 2 x (4 + 20) = 48 (was 60); US-only: 1.1 x 24 = 26.40 (was 33). */
  g_assert_nonnull (strstr (r.out, "1 model updated, 1 added, 1 unchanged"));
  g_assert_nonnull (strstr (r.out, "history re-priced: -$18.60 (2 messages changed, 1 unpriced)"));
  result_clear (&r);
  after = history_cost ();
  g_assert_cmpstr (after, ==, "74.4000000000");

  r = run_cli ("prices", "list", "--json", NULL);
  opus = find_member (json_object_get_array_member (parse_object (parser, r.out), "models"), "id",
                      "claude-opus-5", NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (opus, "layer"), ==, "updated");
  g_assert_cmpfloat (json_object_get_double_member (opus, "input"), ==, 4);
  g_assert_cmpfloat (json_object_get_double_member (opus, "inference_geo_us"), ==, 1.1);
  result_clear (&r);
}

/* The user prices a model nobody prices; it is no longer unpriced. */
static void
test_set_price (void)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *override = g_build_filename (tmpdir, "costmeter", "pricing.json", NULL);
  g_autofree char *written = NULL;
  JsonObject *root, *glm;
  Result r;

  r = run_cli ("prices", "set", "glm-4.6", "--input", "8", "--output", "40", NULL);
  g_test_message ("%s%s", r.out, r.err);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "history re-priced: +$48.00 (1 message changed, 0 unpriced)"));
  result_clear (&r);

  g_assert_true (g_file_get_contents (override, &written, NULL, NULL));
  g_assert_nonnull (strstr (written, "\"cache_write_5m\" : 10,"));
  g_assert_nonnull (strstr (written, "\"cache_read\" : 0.8"));

  r = run_cli ("prices", "list", "--json", NULL);
  root = parse_object (parser, r.out);
  glm = find_member (json_object_get_array_member (root, "models"), "id", "glm-4.6", NULL, NULL);
  g_assert_cmpstr (json_object_get_string_member (glm, "layer"), ==, "user");
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (root, "unpriced")), ==, 0);
  result_clear (&r);

  r = run_cli ("prices", "set", "glm-4.6", "--input", "8.00001", "--output", "40", NULL);
  g_assert_cmpint (r.status, ==, 1);
  result_clear (&r);
  r = run_cli ("prices", "set", "glm-4.6", "--output", "40", NULL);
  g_assert_cmpint (r.status, ==, 1);
  result_clear (&r);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *transcript_path = NULL;
  g_autofree char *projects = NULL;
  GSList *uris;
  Result r;

  g_test_init (&argc, &argv, NULL);
  tmpdir = cm_test_make_tmpdir ("cli-prices");
  db_path = g_build_filename (tmpdir, "costmeter.db", NULL);
  projects = g_build_filename (tmpdir, "home", ".claude", "projects", NULL);
  transcript_path = g_build_filename (projects, "-home-u-shop", "s1.jsonl", NULL);
  cm_test_write_file (transcript_path, transcript, -1);

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base_url = g_uri_to_string (uris->data);
  g_assert_true (g_str_has_prefix (base_url, "http://127.0.0.1:"));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  r = run_cli ("scan", "--no-default", "--source", projects, NULL);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);

  /* In order: each builds on the one before. */
  g_test_add_func ("/cli-prices/list-and-speed-rows", test_list_and_speed_rows);
  g_test_add_func ("/cli-prices/update-failures", test_update_failures);
  g_test_add_func ("/cli-prices/update-reprices", test_update_reprices);
  g_test_add_func ("/cli-prices/set-price", test_set_price);

  return g_test_run ();
}
