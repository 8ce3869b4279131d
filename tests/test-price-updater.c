/* test-price-updater.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* The price update against a SoupServer on 127.0.0.1 serving a good list,
 * garbage, implausible prices, a 500 and nothing at all; and the conversion
 * of LiteLLM's entries on their own. */

#include "config.h"

#include <string.h>

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "cm-price-updater.h"
#include "cm-test-util.h"

/* A list in LiteLLM's shape: per-token USD, one entry per provider's id. */
static const char good_list[] =
  "{\n"
  " \"sample_spec\": { \"input_cost_per_token\": 0, \"litellm_provider\": \"one of ...\" },\n"
  " \"claude-opus-4-6\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\",\n"
  "   \"input_cost_per_token\": 5e-06, \"output_cost_per_token\": 2.5e-05,\n"
  "   \"cache_creation_input_token_cost\": 6.25e-06, \"cache_creation_input_token_cost_above_1hr\": 1e-05,\n"
  "   \"cache_read_input_token_cost\": 5e-07,\n"
  "   \"input_cost_per_token_above_200k_tokens\": 1e-05, \"output_cost_per_token_above_200k_tokens\": 3.75e-05,\n"
  "   \"provider_specific_entry\": { \"us\": 1.1, \"fast\": 6.0 } },\n"
  " \"claude-sonnet-4-6\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\",\n"
  "   \"input_cost_per_token\": 2.5e-06, \"output_cost_per_token\": 1.25e-05,\n"
  "   \"cache_creation_input_token_cost\": 3.125e-06, \"cache_creation_input_token_cost_above_1hr\": 5e-06,\n"
  "   \"cache_read_input_token_cost\": 2.5e-07 },\n"
  " \"claude-sonnet-4-5-20250929\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\",\n"
  "   \"input_cost_per_token\": 3e-06, \"output_cost_per_token\": 1.5e-05,\n"
  "   \"cache_creation_input_token_cost\": 3.75e-06, \"cache_read_input_token_cost\": 3e-07,\n"
  "   \"input_cost_per_token_above_200k_tokens\": 6e-06, \"output_cost_per_token_above_200k_tokens\": 2.25e-05,\n"
  "   \"cache_creation_input_token_cost_above_200k_tokens\": 7.5e-06,\n"
  "   \"cache_read_input_token_cost_above_200k_tokens\": 6e-07 },\n"
  " \"us.anthropic.claude-sonnet-4-5-20250929-v1:0\": { \"litellm_provider\": \"bedrock_converse\",\n"
  "   \"input_cost_per_token\": 3.3e-06, \"output_cost_per_token\": 1.65e-05,\n"
  "   \"cache_creation_input_token_cost\": 4.125e-06, \"cache_read_input_token_cost\": 3.3e-07 },\n"
  " \"claude-opus-6\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\",\n"
  "   \"input_cost_per_token\": 6e-06, \"output_cost_per_token\": 3e-05,\n"
  "   \"cache_creation_input_token_cost\": 7.5e-06, \"cache_read_input_token_cost\": 3e-07,\n"
  "   \"provider_specific_entry\": { \"fast\": 2 } },\n"
  " \"anthropic.claude-opus-6-v1:0\": { \"litellm_provider\": \"bedrock\",\n"
  "   \"input_cost_per_token\": 7e-06, \"output_cost_per_token\": 3.5e-05,\n"
  "   \"cache_creation_input_token_cost\": 8.75e-06, \"cache_read_input_token_cost\": 7e-07 },\n"
  " \"vertex_ai/claude-haiku-6@20270101\": { \"litellm_provider\": \"vertex_ai-anthropic_models\",\n"
  "   \"input_cost_per_token\": 2e-07, \"output_cost_per_token\": 1e-06,\n"
  "   \"cache_creation_input_token_cost\": 2.5e-07, \"cache_read_input_token_cost\": 2e-08 },\n"
  " \"claude-opus-5-fast\": { \"litellm_provider\": \"anthropic\",\n"
  "   \"input_cost_per_token\": 1e-05, \"output_cost_per_token\": 5e-05,\n"
  "   \"cache_creation_input_token_cost\": 1.25e-05, \"cache_read_input_token_cost\": 1e-06 },\n"
  " \"anthropic.claude-mythos-preview\": { \"litellm_provider\": \"bedrock\",\n"
  "   \"input_cost_per_token\": 0, \"output_cost_per_token\": 0 },\n"
  " \"bedrock/us-east-1/anthropic.claude-opus-4-6-v1\": { \"litellm_provider\": \"bedrock\",\n"
  "   \"input_cost_per_token\": 5.5e-06, \"output_cost_per_token\": 2.75e-05 },\n"
  " \"gpt-5\": { \"litellm_provider\": \"openai\", \"input_cost_per_token\": 1.25e-06,\n"
  "   \"output_cost_per_token\": 1e-05 }\n"
  "}\n";

/* A per-token price read as per-MTok (the usual slip): 5 USD per token. */
static const char implausible_list[] =
  "{ \"claude-opus-4-6\": { \"litellm_provider\": \"anthropic\", \"mode\": \"chat\",\n"
  "   \"input_cost_per_token\": 5, \"output_cost_per_token\": 25,\n"
  "   \"cache_creation_input_token_cost\": 6.25, \"cache_read_input_token_cost\": 0.5 } }";

static const char old_layer[] = "{ \"version\": 1, \"layer\": \"updated\", \"updated\": \"2026-11-30\", \"models\": {} }\n";

typedef struct
{
  SoupServer     *server;
  char           *base;
  char           *dir;
  char           *layer;
  CmPricing      *current;
  CmPriceUpdater *updater;
  GMainLoop      *loop;
  GPtrArray      *paused;
} Fixture;

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  Fixture *f = user_data;

  if (strcmp (path, "/good.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        good_list, strlen (good_list));
    }
  else if (strcmp (path, "/garbage.json") == 0)
    {
      static const char garbage[] = "<html><body>Rate limited, try later</body></html>";

      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, garbage, strlen (garbage));
    }
  else if (strcmp (path, "/implausible.json") == 0)
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        implausible_list, strlen (implausible_list));
    }
  else if (strcmp (path, "/error.json") == 0)
    {
      soup_server_message_set_status (msg, 500, NULL);
      soup_server_message_set_response (msg, "text/plain", SOUP_MEMORY_STATIC, "oops", 4);
    }
  else if (strcmp (path, "/hang.json") == 0)
    {
      /* Never answered: the client has to give up on its own. */
      soup_server_message_pause (msg);
      g_ptr_array_add (f->paused, g_object_ref (msg));
    }
  else
    soup_server_message_set_status (msg, 404, NULL);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GSList *uris;

  f->paused = g_ptr_array_new_with_free_func (g_object_unref);
  f->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (f->server, NULL, server_cb, f, NULL);
  soup_server_listen_local (f->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (f->server);
  g_assert_nonnull (uris);
  f->base = g_uri_to_string (uris->data);
  g_assert_true (g_str_has_prefix (f->base, "http://127.0.0.1:"));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  f->dir = cm_test_make_tmpdir ("price-updater");
  f->layer = g_build_filename (f->dir, "costmeter", "pricing-updated.json", NULL);
  f->current = cm_pricing_new_builtin (&error);
  g_assert_no_error (error);
  f->updater = cm_price_updater_new ();
  cm_price_updater_set_layer_path (f->updater, f->layer);
  cm_price_updater_set_timeout (f->updater, 2);
  f->loop = g_main_loop_new (NULL, FALSE);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  soup_server_disconnect (f->server);
  g_clear_pointer (&f->paused, g_ptr_array_unref);
  g_clear_object (&f->server);
  g_clear_object (&f->updater);
  g_clear_object (&f->current);
  g_clear_pointer (&f->loop, g_main_loop_unref);
  cm_test_rm_rf (f->dir);
  g_free (f->dir);
  g_free (f->layer);
  g_free (f->base);
}

typedef struct
{
  Fixture             *f;
  CmPriceUpdateResult *result;
  GError              *error;
} Outcome;

static void
update_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  Outcome *o = user_data;

  o->result = cm_price_updater_update_finish (CM_PRICE_UPDATER (source), res, &o->error);
  g_main_loop_quit (o->f->loop);
}

/* Runs an update of @path on the server with the main loop turning (the
 * server answers on it while the worker thread waits). */
static Outcome
run_update (Fixture    *f,
            const char *path)
{
  g_autofree char *url = g_strconcat (f->base, path + 1, NULL);
  Outcome o = { f, NULL, NULL };

  cm_price_updater_set_url (f->updater, url);
  cm_price_updater_update_async (f->updater, f->current, NULL, update_cb, &o);
  g_main_loop_run (f->loop);

  return o;
}

static JsonObject *
layer_models (JsonParser *parser,
              const char *path)
{
  g_autoptr(GError) error = NULL;
  JsonObject *root;

  json_parser_load_from_file (parser, path, &error);
  g_assert_no_error (error);
  root = json_node_get_object (json_parser_get_root (parser));
  g_assert_cmpstr (json_object_get_string_member (root, "layer"), ==, "updated");

  return json_object_get_object_member (root, "models");
}

static gboolean
contains (GPtrArray  *array,
          const char *prefix)
{
  for (guint i = 0; i < array->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (array, i), prefix))
      return TRUE;

  return FALSE;
}

static void
test_good_list (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *today = g_date_time_format (now, "%Y-%m-%d");
  Outcome o = run_update (f, "/good.json");
  CmPriceListSummary *s;
  JsonObject *models, *m;

  g_assert_no_error (o.error);
  g_assert_nonnull (o.result);
  g_assert_cmpstr (o.result->date, ==, today);
  g_assert_cmpstr (o.result->path, ==, f->layer);
  g_assert_true (g_str_has_suffix (o.result->source, "/good.json"));
  s = o.result->summary;

  /* Opus 4.6 as the table has it; Sonnet 4.6 cheaper; two new models; Sonnet
   * 4.5 from Anthropic's own entry, not Bedrock's regional one. */
  g_assert_true (contains (s->unchanged, "claude-opus-4-6"));
  g_assert_true (contains (s->unchanged, "claude-sonnet-4-5-20250929"));
  g_assert_true (contains (s->updated, "claude-sonnet-4-6"));
  g_assert_cmpuint (s->updated->len, ==, 1);
  g_assert_true (contains (s->added, "claude-opus-6"));
  g_assert_true (contains (s->added, "claude-haiku-6-20270101"));
  g_assert_cmpuint (s->added->len, ==, 2);
  g_assert_true (contains (s->skipped, "claude-opus-5-fast:"));
  g_assert_true (contains (s->skipped, "anthropic.claude-mythos-preview:"));

  models = layer_models (parser, f->layer);
  g_assert_cmpuint (json_object_get_size (models), ==, 5);

  m = json_object_get_object_member (models, "claude-sonnet-4-6");
  g_assert_cmpfloat (json_object_get_double_member (m, "input"), ==, 2.5);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_write_5m"), ==, 3.125);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_read"), ==, 0.25);

  /* The table's rule wins: Opus 4.6 has no long-context premium any more,
   * whatever the list still says; its multipliers come through. */
  m = json_object_get_object_member (models, "claude-opus-4-6");
  g_assert_false (json_object_has_member (m, "long_context"));
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (m, "speed"), "fast"), ==, 6);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (m, "inference_geo"), "us"), ==, 1.1);

  /* Sonnet 4.5 keeps its premium, with the 1-hour rate following the base
   * ratio (2x the long-context input). */
  m = json_object_get_object_member (json_object_get_object_member (models, "claude-sonnet-4-5-20250929"),
                                     "long_context");
  g_assert_cmpfloat (json_object_get_double_member (m, "input"), ==, 6);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_write_1h"), ==, 12);
  g_assert_cmpint (json_object_get_int_member (m, "threshold"), ==, 200000);
  g_assert_cmpfloat (json_object_get_double_member (json_object_get_object_member (models, "claude-sonnet-4-5-20250929"),
                                                    "cache_write_1h"), ==, 6);

  /* A new model: Anthropic's entry over Bedrock's, the 1-hour write at 2x. */
  m = json_object_get_object_member (models, "claude-opus-6");
  g_assert_cmpfloat (json_object_get_double_member (m, "input"), ==, 6);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_write_1h"), ==, 12);
  g_assert_cmpstr (json_object_get_string_member (m, "source"), ==, "claude-opus-6");

  m = json_object_get_object_member (models, "claude-haiku-6-20270101");
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_read"), ==, 0.02);

  cm_price_update_result_free (o.result);
}

/* After a failed update the layer file is byte for byte what it was. */
static void
assert_layer_kept (Fixture    *f,
                   const char *path,
                   int         code)
{
  g_autofree char *after = NULL;
  Outcome o;

  cm_test_write_file (f->layer, old_layer, -1);
  o = run_update (f, path);
  g_assert_null (o.result);
  g_assert_error (o.error, CM_PRICE_UPDATE_ERROR, code);
  g_test_message ("%s: %s", path, o.error->message);
  g_assert_true (g_file_get_contents (f->layer, &after, NULL, NULL));
  g_assert_cmpstr (after, ==, old_layer);
  g_clear_error (&o.error);
}

static void
test_garbage (Fixture       *f,
              gconstpointer  data)
{
  assert_layer_kept (f, "/garbage.json", CM_PRICE_UPDATE_ERROR_MALFORMED);
}

static void
test_implausible (Fixture       *f,
                  gconstpointer  data)
{
  assert_layer_kept (f, "/implausible.json", CM_PRICE_UPDATE_ERROR_IMPLAUSIBLE);
}

static void
test_server_error (Fixture       *f,
                   gconstpointer  data)
{
  assert_layer_kept (f, "/error.json", CM_PRICE_UPDATE_ERROR_HTTP);
}

static void
test_timeout (Fixture       *f,
              gconstpointer  data)
{
  gint64 start = g_get_monotonic_time ();

  cm_price_updater_set_timeout (f->updater, 1);
  assert_layer_kept (f, "/hang.json", CM_PRICE_UPDATE_ERROR_TIMEOUT);
  g_assert_cmpint (g_get_monotonic_time () - start, <, 10 * G_USEC_PER_SEC);
}

static void
test_unreachable (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CmPriceUpdateResult *result;

  /* Nothing listens there once the server is gone. */
  soup_server_disconnect (f->server);
  cm_price_updater_set_url (f->updater, f->base);
  result = cm_price_updater_update (f->updater, f->current, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_NETWORK);
  g_assert_false (g_file_test (f->layer, G_FILE_TEST_EXISTS));
  g_clear_error (&error);

  cm_price_updater_set_url (f->updater, "file:///etc/passwd");
  result = cm_price_updater_update (f->updater, f->current, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, CM_PRICE_UPDATE_ERROR, CM_PRICE_UPDATE_ERROR_BAD_URL);
}

/* Conversion on its own */

static GBytes *
convert (CmPricing           *current,
         const char          *json,
         CmPriceListSummary **summary,
         GError             **error)
{
  g_autoptr(GBytes) list = g_bytes_new (json, strlen (json));

  return cm_price_list_convert (list, current, "2026-12-01", "test", summary, error);
}

static void
assert_rejected (CmPricing  *current,
                 const char *json,
                 int         code)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) layer = convert (current, json, NULL, &error);

  g_assert_null (layer);
  g_assert_error (error, CM_PRICE_LIST_ERROR, code);
  g_test_message ("%s", error->message);
}

#define ENTRY(key, provider, in, out, w5, rd) \
  "\"" key "\": { \"litellm_provider\": \"" provider "\", \"input_cost_per_token\": " in \
  ", \"output_cost_per_token\": " out ", \"cache_creation_input_token_cost\": " w5 \
  ", \"cache_read_input_token_cost\": " rd " }"

static void
test_convert_checks (void)
{
  g_autoptr(CmPricing) current = cm_pricing_new_builtin (NULL);

  /* Not a whole number of 1e-4 USD per MTok: 1.23456789 USD per MTok. */
  assert_rejected (current, "{" ENTRY ("claude-opus-9", "anthropic", "1.23456789e-06", "5e-06", "2e-06", "1e-07") "}",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  /* Negative, output below input, cache read above input. */
  assert_rejected (current, "{" ENTRY ("claude-opus-9", "anthropic", "-1e-06", "5e-06", "2e-06", "1e-07") "}",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  assert_rejected (current, "{" ENTRY ("claude-opus-9", "anthropic", "5e-06", "1e-06", "6.25e-06", "5e-07") "}",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  assert_rejected (current, "{" ENTRY ("claude-opus-9", "anthropic", "5e-06", "2.5e-05", "6.25e-06", "6e-06") "}",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  /* Ten times the table's Opus 4.8 input, even from a Bedrock entry. */
  assert_rejected (current, "{\"anthropic.claude-opus-4-8\": { \"litellm_provider\": \"bedrock\","
                   " \"input_cost_per_token\": 5e-05, \"output_cost_per_token\": 2.5e-04,"
                   " \"cache_creation_input_token_cost\": 6.25e-05, \"cache_read_input_token_cost\": 5e-06,"
                   " \"cache_creation_input_token_cost_above_1hr\": 1e-04 } }",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  /* A string, a fast multiplier below 1. */
  assert_rejected (current, "{\"claude-opus-9\": { \"litellm_provider\": \"anthropic\", \"input_cost_per_token\": \"5e-06\" } }",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  assert_rejected (current, "{\"claude-opus-4-8\": { \"litellm_provider\": \"anthropic\", \"input_cost_per_token\": 5e-06,"
                   " \"output_cost_per_token\": 2.5e-05, \"provider_specific_entry\": { \"fast\": 0.5 } } }",
                   CM_PRICE_LIST_ERROR_IMPLAUSIBLE);
  /* Nothing for us in it. */
  assert_rejected (current, "{" ENTRY ("gpt-5", "openai", "1.25e-06", "1e-05", "1.25e-06", "1.25e-07") "}",
                   CM_PRICE_LIST_ERROR_MALFORMED);
  assert_rejected (current, "[1, 2]", CM_PRICE_LIST_ERROR_MALFORMED);
  assert_rejected (current, "", CM_PRICE_LIST_ERROR_MALFORMED);
}

/* Per token to per million tokens, exactly, for the figures lists carry. */
static void
test_convert_units (void)
{
  g_autoptr(CmPricing) current = cm_pricing_new_builtin (NULL);
  g_autoptr(CmPriceListSummary) summary = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) layer = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonObject *m;

  layer = convert (current,
                   "{" ENTRY ("claude-haiku-9", "anthropic", "1.1e-07", "5.5e-07", "1.375e-07", "1.1e-08") ","
                   ENTRY ("anthropic.claude-fable-9-v1:0", "bedrock", "1.2345e-05", "6.1725e-05", "1.5431e-05", "3.086e-07") "}",
                   &summary, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (summary->added->len, ==, 2);
  json_parser_load_from_data (parser, g_bytes_get_data (layer, NULL), g_bytes_get_size (layer), &error);
  g_assert_no_error (error);
  m = json_object_get_object_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                    "models"), "claude-haiku-9");
  g_assert_cmpfloat (json_object_get_double_member (m, "input"), ==, 0.11);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_write_5m"), ==, 0.1375);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_read"), ==, 0.011);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_write_1h"), ==, 0.22);
  m = json_object_get_object_member (json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                                                    "models"), "claude-fable-9");
  g_assert_cmpfloat (json_object_get_double_member (m, "input"), ==, 12.345);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_write_5m"), ==, 15.431);
  g_assert_cmpfloat (json_object_get_double_member (m, "cache_read"), ==, 0.3086);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *home = cm_test_make_tmpdir ("price-updater-home");

  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/price-updater/good-list", Fixture, NULL, fixture_set_up, test_good_list, fixture_tear_down);
  g_test_add ("/price-updater/garbage", Fixture, NULL, fixture_set_up, test_garbage, fixture_tear_down);
  g_test_add ("/price-updater/implausible", Fixture, NULL, fixture_set_up, test_implausible, fixture_tear_down);
  g_test_add ("/price-updater/server-error", Fixture, NULL, fixture_set_up, test_server_error, fixture_tear_down);
  g_test_add ("/price-updater/timeout", Fixture, NULL, fixture_set_up, test_timeout, fixture_tear_down);
  g_test_add ("/price-updater/unreachable", Fixture, NULL, fixture_set_up, test_unreachable, fixture_tear_down);
  g_test_add_func ("/price-updater/convert-checks", test_convert_checks);
  g_test_add_func ("/price-updater/convert-units", test_convert_units);

  return g_test_run ();
}
