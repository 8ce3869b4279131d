/* test-ratelimit-chip.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The header chip: headroom arithmetic, and the widget fed from a store and
 * from probes against a SoupServer on 127.0.0.1 (run under xvfb).
 */

#include "config.h"

#include <adwaita.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cm-ratelimit-chip.h"
#include "cm-test-util.h"

#define MIN_MS (G_GINT64_CONSTANT (60) * 1000)

static CmRateLimitObservation *
obs_new (const char *model,
         const char *kind,
         gint64      limit,
         gint64      remaining,
         gint64      observed_ms,
         gint64      reset_ms)
{
  CmRateLimitObservation *obs = g_new0 (CmRateLimitObservation, 1);

  obs->model = g_strdup (model);
  obs->kind = g_strdup (kind);
  obs->limit = limit;
  obs->remaining = remaining;
  obs->observed_ms = observed_ms;
  obs->reset_ms = reset_ms;
  obs->retry_after_s = -1;
  obs->http_status = 200;

  return obs;
}

static GPtrArray *
obs_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) cm_ratelimit_observation_free);
}

/* ------------------------------------------------------------------ */
/* Pure                                                                */
/* ------------------------------------------------------------------ */

static void
test_observation_headroom (void)
{
  gint64 now = G_GINT64_CONSTANT (1763830000000);
  g_autoptr(GPtrArray) a = obs_array ();
  CmRateLimitObservation *o;
  gboolean limited = TRUE;

  o = obs_new ("m", "requests", 50, 10, now - 1000, now + 30000);
  g_ptr_array_add (a, o);
  g_assert_cmpfloat_with_epsilon (cm_ratelimit_observation_headroom (o, now, &limited), 0.2, 1e-9);
  g_assert_false (limited);

  /* The reset has passed: full again. */
  g_assert_cmpfloat (cm_ratelimit_observation_headroom (o, now + 31000, NULL), ==, 1.0);

  /* Counts missing: unknown. */
  o = obs_new ("m", "tokens", -1, 5000, now, 0);
  g_ptr_array_add (a, o);
  g_assert_cmpfloat (cm_ratelimit_observation_headroom (o, now, NULL), ==, -1.0);

  /* A 429 holds until retry-after passes. */
  o = obs_new ("m", "requests", -1, -1, now - 10000, 0);
  o->http_status = 429;
  o->retry_after_s = 30;
  g_ptr_array_add (a, o);
  g_assert_cmpfloat (cm_ratelimit_observation_headroom (o, now, &limited), ==, 0.0);
  g_assert_true (limited);
  g_assert_cmpfloat (cm_ratelimit_observation_headroom (o, now + 21000, &limited), ==, -1.0);
  g_assert_false (limited);

  /* A 429 with no retry time (a spend cap) holds until replaced. */
  o = obs_new ("m", "requests", -1, -1, now - 3600 * 1000, 0);
  o->http_status = 429;
  g_ptr_array_add (a, o);
  cm_ratelimit_observation_headroom (o, now, &limited);
  g_assert_true (limited);
}

static void
test_compute_headroom (void)
{
  gint64 now = G_GINT64_CONSTANT (1763830000000);
  g_autoptr(GPtrArray) a = obs_array ();
  CmRateLimitObservation *o;
  double h = 9;

  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now, &h), ==, CM_HEADROOM_UNKNOWN);
  g_assert_cmpfloat (h, ==, -1.0);

  g_ptr_array_add (a, obs_new ("haiku", "requests", 50, 49, now, now + 1000));
  g_ptr_array_add (a, obs_new ("haiku", "input-tokens", 50000, 30000, now, now + 1000));
  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now, &h), ==, CM_HEADROOM_OK);
  g_assert_cmpfloat_with_epsilon (h, 0.6, 1e-9);

  /* Another model is the tightest: 35 % -> low. */
  g_ptr_array_add (a, obs_new ("opus", "output-tokens", 8000, 2800, now - MIN_MS, now + MIN_MS));
  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now, &h), ==, CM_HEADROOM_LOW);
  g_assert_cmpfloat_with_epsilon (h, 0.35, 1e-9);

  /* Priority Tier buckets do not rate the chip; stale rows do not count. */
  g_ptr_array_add (a, obs_new ("opus", "priority-input-tokens", 1000, 0, now, now + MIN_MS));
  g_ptr_array_add (a, obs_new ("sonnet", "requests", 50, 0, now - 25 * 60 * MIN_MS, 0));
  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now, &h), ==, CM_HEADROOM_LOW);

  g_ptr_array_add (a, obs_new ("sonnet", "tokens", 100000, 10000, now, now + MIN_MS));
  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now, &h), ==, CM_HEADROOM_CRITICAL);
  g_assert_cmpfloat_with_epsilon (h, 0.1, 1e-9);
  /* ... until its reset passes. */
  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now + 2 * MIN_MS, &h), ==, CM_HEADROOM_OK);

  o = obs_new ("sonnet", "requests", 50, 0, now, 0);
  o->http_status = 429;
  o->retry_after_s = 20;
  g_ptr_array_add (a, o);
  g_assert_cmpint (cm_ratelimit_compute_headroom (a, now, &h), ==, CM_HEADROOM_LIMITED);
  g_assert_cmpfloat (h, ==, 0.0);
}

/* ------------------------------------------------------------------ */
/* Widget                                                              */
/* ------------------------------------------------------------------ */

typedef struct
{
  char            *dir;
  CmStore         *store;
  GtkWindow       *window;
  CmRatelimitChip *chip;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;

  f->dir = cm_test_make_tmpdir ("chip");
  db = g_build_filename (f->dir, "costmeter.db", NULL);
  f->store = cm_store_open (db, &error);
  g_assert_no_error (error);

  f->chip = CM_RATELIMIT_CHIP (cm_ratelimit_chip_new ());
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_child (f->window, GTK_WIDGET (f->chip));
  gtk_window_present (f->window);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  gtk_window_destroy (f->window);
  g_clear_object (&f->store);
  g_free (f->dir);
}

static void
add_obs (CmStore                *store,
         CmRateLimitObservation *obs)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (cm_store_add_ratelimit_observation (store, obs, &error));
  g_assert_no_error (error);
  cm_ratelimit_observation_free (obs);
}

static gboolean
timeout_cb (gpointer user_data)
{
  gboolean *timed_out = user_data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Spins the main loop until the chip reaches @level (or 10 s pass). */
static void
wait_for_level (CmRatelimitChip *chip,
                CmHeadroomLevel  level)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (10, timeout_cb, &timed_out);

  while (cm_ratelimit_chip_get_level (chip) != level && !timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!timed_out)
    g_source_remove (id);

  g_assert_cmpint (cm_ratelimit_chip_get_level (chip), ==, level);
}

static void
collect (GtkWidget *widget,
         GType      type,
         GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);

  for (GtkWidget *c = gtk_widget_get_first_child (widget); c != NULL; c = gtk_widget_get_next_sibling (c))
    collect (c, type, out);
}

/* The chip's long label: the first form of the menu button's squeezer. */
static GtkLabel *
chip_label (CmRatelimitChip *chip)
{
  GtkWidget *button = gtk_widget_get_first_child (GTK_WIDGET (chip));
  GtkWidget *squeezer;

  g_assert_true (GTK_IS_MENU_BUTTON (button));
  squeezer = gtk_menu_button_get_child (GTK_MENU_BUTTON (button));
  g_assert_true (ADW_IS_SQUEEZER (squeezer));
  return GTK_LABEL (gtk_widget_get_first_child (squeezer));
}

static AdwActionRow *
model_row (CmRatelimitChip *chip,
           const char      *model)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (chip), ADW_TYPE_ACTION_ROW, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      if (g_strcmp0 (adw_preferences_row_get_title (g_ptr_array_index (rows, i)), model) == 0)
        return g_ptr_array_index (rows, i);
    }

  return NULL;
}

static guint
n_model_rows (CmRatelimitChip *chip)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect (GTK_WIDGET (chip), ADW_TYPE_ACTION_ROW, rows);
  return rows->len;
}

static GtkButton *
probe_button (CmRatelimitChip *chip)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (chip), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "ratelimit.probe") == 0)
        return g_ptr_array_index (buttons, i);
    }
  g_assert_not_reached ();
}

static void
test_chip_empty (Fixture       *f,
                 gconstpointer  data)
{
  GtkLabel *label = chip_label (f->chip);

  g_assert_cmpint (cm_ratelimit_chip_get_level (f->chip), ==, CM_HEADROOM_UNKNOWN);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "Rate Limits");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (label), "error"));
  g_assert_cmpuint (n_model_rows (f->chip), ==, 0);
  /* No client: nothing to probe with, so no button for it. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (probe_button (f->chip))));
}

/* @subtitle holds @prefix and then a countdown of at most @seconds (less
 * when the machine was slow between the observation and the drawing). */
static void
assert_countdown (const char *subtitle,
                  const char *prefix,
                  int         seconds)
{
  const char *at = strstr (subtitle, prefix);
  char *end = NULL;
  gint64 left;

  g_assert_nonnull (at);
  left = g_ascii_strtoll (at + strlen (prefix), &end, 10);
  g_assert_true (g_str_has_prefix (end, " s"));
  g_assert_cmpint (left, <=, seconds);
  g_assert_cmpint (left, >, seconds - 20);
}

static void
test_chip_levels (Fixture       *f,
                  gconstpointer  data)
{
  gint64 now = g_get_real_time () / 1000;
  GtkLabel *label = chip_label (f->chip);
  AdwActionRow *row;
  CmRateLimitObservation *o;
  const char *subtitle;

  add_obs (f->store, obs_new ("claude-haiku-4-5", "requests", 50, 49, now, now + 30000));
  add_obs (f->store, obs_new ("claude-haiku-4-5", "input-tokens", 50000, 20000, now, now + 30000));
  add_obs (f->store, obs_new ("claude-haiku-4-5", "output-tokens", 10000, 9000, now, now + 30000));
  /* A day and a half old: not "recent", so neither rated nor listed. */
  add_obs (f->store, obs_new ("claude-3-old", "requests", 50, 1, now - 36 * 60 * MIN_MS, 0));

  cm_ratelimit_chip_set_store (f->chip, f->store);
  wait_for_level (f->chip, CM_HEADROOM_LOW);

  g_assert_cmpfloat_with_epsilon (cm_ratelimit_chip_get_headroom (f->chip), 0.4, 1e-9);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "40 % Headroom");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "warning"));
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (label), "success"));

  g_assert_cmpuint (n_model_rows (f->chip), ==, 1);
  row = model_row (f->chip, "claude-haiku-4-5");
  g_assert_nonnull (row);
  subtitle = adw_action_row_get_subtitle (row);
  g_test_message ("%s", subtitle);
  assert_countdown (subtitle, "Requests: 49 of 50 left · resets in ", 30);
  g_assert_nonnull (strstr (subtitle, "Input tokens: 20000 of 50000 left"));
  g_assert_nonnull (strstr (subtitle, "Output tokens: 9000 of 10000 left"));
  /* Requests first, then input and output, whatever the store's order. */
  g_assert_true (strstr (subtitle, "Requests") < strstr (subtitle, "Input tokens"));
  g_assert_true (strstr (subtitle, "Input tokens") < strstr (subtitle, "Output tokens"));

  /* The store changes (as after a probe): the chip follows by itself. */
  add_obs (f->store, obs_new ("claude-haiku-4-5", "input-tokens", 50000, 5000, now, now + 30000));
  wait_for_level (f->chip, CM_HEADROOM_CRITICAL);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "10 % Headroom");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "error"));

  /* A second model is refused right now. */
  o = obs_new ("claude-opus-4-6", "requests", -1, -1, now, 0);
  o->http_status = 429;
  o->retry_after_s = 40;
  o->organization_id = g_strdup ("org-chip");
  add_obs (f->store, o);
  wait_for_level (f->chip, CM_HEADROOM_LIMITED);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "Rate Limited");
  g_assert_cmpuint (n_model_rows (f->chip), ==, 2);
  subtitle = adw_action_row_get_subtitle (model_row (f->chip, "claude-opus-4-6"));
  assert_countdown (subtitle, "Requests: rate limited, retry in ", 40);
  g_assert_nonnull (strstr (subtitle, "organization org-chip"));

  /* Everything fresh and roomy again. */
  add_obs (f->store, obs_new ("claude-opus-4-6", "requests", 50, 50, now, now + 1000));
  add_obs (f->store, obs_new ("claude-haiku-4-5", "input-tokens", 50000, 50000, now, now + 1000));
  wait_for_level (f->chip, CM_HEADROOM_OK);
  g_assert_cmpstr (gtk_label_get_label (label), ==, "90 % Headroom");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (label), "success"));

  /* Without a store the chip has nothing to say. */
  cm_ratelimit_chip_set_store (f->chip, NULL);
  wait_for_level (f->chip, CM_HEADROOM_UNKNOWN);
  g_assert_cmpuint (n_model_rows (f->chip), ==, 0);
}

/* --- probing through the chip --- */

static void
server_cb (SoupServer        *server,
           SoupServerMessage *msg,
           const char        *path,
           GHashTable        *query,
           gpointer           user_data)
{
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  const char *json;

  if (g_str_has_prefix (path, "/denied/"))
    {
      json = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";
      soup_server_message_set_status (msg, 401, NULL);
    }
  else
    {
      soup_message_headers_replace (h, "anthropic-ratelimit-requests-limit", "50");
      soup_message_headers_replace (h, "anthropic-ratelimit-requests-remaining", "5");
      json = "{}";
      soup_server_message_set_status (msg, 200, NULL);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, json, strlen (json));
}

static GtkLabel *
find_label (GtkWidget  *root,
            const char *text)
{
  g_autoptr(GPtrArray) labels = g_ptr_array_new ();

  collect (root, GTK_TYPE_LABEL, labels);
  for (guint i = 0; i < labels->len; i++)
    {
      if (g_strcmp0 (gtk_label_get_label (g_ptr_array_index (labels, i)), text) == 0)
        return g_ptr_array_index (labels, i);
    }

  return NULL;
}

static GtkWidget *
key_button (CmRatelimitChip *chip)
{
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect (GTK_WIDGET (chip), GTK_TYPE_BUTTON, buttons);
  for (guint i = 0; i < buttons->len; i++)
    {
      if (g_strcmp0 (gtk_actionable_get_action_name (g_ptr_array_index (buttons, i)), "app.api-key") == 0)
        return g_ptr_array_index (buttons, i);
    }

  g_assert_not_reached ();
}

static void
test_chip_probe (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(SoupServer) server = soup_server_new (NULL, NULL);
  g_autoptr(CmRatelimitClient) client = cm_ratelimit_client_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *base = NULL;
  g_autofree char *denied = NULL;
  GSList *uris;
  GtkLabel *title;

  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  cm_ratelimit_client_set_base_url (client, base);
  cm_ratelimit_client_set_api_key (client, "sk-ant-api03-CHIP-TEST");
  cm_ratelimit_client_set_probe_model (client, "claude-haiku-4-5");
  cm_ratelimit_client_set_store (client, f->store);

  cm_ratelimit_chip_set_store (f->chip, f->store);
  cm_ratelimit_chip_set_client (f->chip, client);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (probe_button (f->chip))));

  /* "Probe Now" goes through the client into the store and back. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->chip), "ratelimit.probe", NULL));
  wait_for_level (f->chip, CM_HEADROOM_CRITICAL);
  g_assert_cmpstr (gtk_label_get_label (chip_label (f->chip)), ==, "10 % Headroom");
  g_assert_nonnull (model_row (f->chip, "claude-haiku-4-5"));

  /* A failed probe says so in plain words. */
  denied = g_strconcat (base, "/denied", NULL);
  cm_ratelimit_client_set_base_url (client, denied);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->chip), "ratelimit.probe", NULL));
  while ((title = find_label (GTK_WIDGET (f->chip), "API key rejected")) == NULL ||
         !gtk_widget_get_visible (GTK_WIDGET (title)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (find_label (GTK_WIDGET (f->chip),
                                "The API key was rejected (HTTP 401). Check the key in Preferences. "
                                "Server said: “invalid x-api-key”"));

  /* No key: said once, with the way to the key's field. */
  cm_ratelimit_client_set_api_key (client, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->chip), "ratelimit.probe", NULL));
  while ((title = find_label (GTK_WIDGET (f->chip), "No API key")) == NULL ||
         !gtk_widget_get_visible (GTK_WIDGET (title)))
    g_main_context_iteration (NULL, TRUE);
  g_assert_null (find_label (GTK_WIDGET (f->chip), "No API key: add one in Preferences or set ANTHROPIC_API_KEY."));
  g_assert_true (gtk_widget_get_visible (key_button (f->chip)));

  cm_ratelimit_chip_set_client (f->chip, NULL);
  soup_server_disconnect (server);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  g_unsetenv ("http_proxy");
  g_unsetenv ("all_proxy");
  g_test_init (&argc, &argv, NULL);
  if (!gtk_init_check ())
    {
      g_print ("1..0 # SKIP no display: run under xvfb-run\n");
      return 0;
    }
  adw_init ();

  g_test_add_func ("/chip/observation-headroom", test_observation_headroom);
  g_test_add_func ("/chip/compute-headroom", test_compute_headroom);
  g_test_add ("/chip/empty", Fixture, NULL, fixture_setup, test_chip_empty, fixture_teardown);
  g_test_add ("/chip/levels", Fixture, NULL, fixture_setup, test_chip_levels, fixture_teardown);
  g_test_add ("/chip/probe", Fixture, NULL, fixture_setup, test_chip_probe, fixture_teardown);

  return g_test_run ();
}
