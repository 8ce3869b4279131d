/* test-keyring.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Run through run-with-keyring.sh: a private bus and gnome-keyring.
 */

#include "config.h"

#include <string.h>

#include "cm-keyring.h"

#define KEY_A "sk-ant-api03-KEYRING-AAAA0123456789"
#define KEY_B "sk-ant-api03-KEYRING-BBBB9876543210"
#define KEY_ENV "sk-ant-api03-FROM-ENVIRONMENT-0000"

static GString *captured_log;
static char *skip_reason;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      g_string_append_printf (captured_log, "%s=", fields[i].key);
      if (fields[i].length < 0)
        g_string_append (captured_log, fields[i].value);
      else
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
      g_string_append_c (captured_log, '\n');
    }

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, NULL);

  return G_LOG_WRITER_HANDLED;
}

static gboolean
need_service (void)
{
  if (skip_reason != NULL)
    {
      g_test_skip (skip_reason);
      return FALSE;
    }

  return TRUE;
}

static void
async_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  GAsyncResult **out = user_data;

  *out = g_object_ref (res);
}

static GAsyncResult *
wait_for (GAsyncResult **res)
{
  while (*res == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *res;
}

static void
store_key (const char *key)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cm_keyring_store_async (key, NULL, async_cb, &res);
  g_assert_true (cm_keyring_store_finish (wait_for (&res), &error));
  g_assert_no_error (error);
}

static char *
lookup (CmKeySource *source)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  cm_keyring_lookup_async (NULL, async_cb, &res);
  key = cm_keyring_lookup_finish (wait_for (&res), source, &error);
  g_assert_no_error (error);

  return key;
}

static void
clear_key (void)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cm_keyring_clear_async (NULL, async_cb, &res);
  g_assert_true (cm_keyring_clear_finish (wait_for (&res), &error));
  g_assert_no_error (error);
}

static void
test_round_trip (void)
{
  CmKeySource source = 99;
  char *key;

  if (!need_service ())
    return;

  g_unsetenv (CM_KEYRING_ENV_VAR);
  clear_key ();

  /* Nothing anywhere: no key, no error. */
  key = lookup (&source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_NONE);

  store_key ("  " KEY_A "\n");
  key = lookup (&source);
  g_assert_cmpstr (key, ==, KEY_A);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_KEYRING);
  cm_keyring_free_key (key);

  /* Storing again replaces, it does not add a second item. */
  store_key (KEY_B);
  key = lookup (&source);
  g_assert_cmpstr (key, ==, KEY_B);
  cm_keyring_free_key (key);

  key = cm_keyring_lookup_sync (NULL, &source, NULL);
  g_assert_cmpstr (key, ==, KEY_B);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_KEYRING);
  cm_keyring_free_key (key);

  clear_key ();
  key = lookup (&source);
  g_assert_null (key);
  /* Clearing twice is fine. */
  clear_key ();
}

static void
test_schema_and_label (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) attrs = NULL;
  GList *items;
  SecretRetrievable *item;
  g_autofree char *label = NULL;

  if (!need_service ())
    return;

  store_key (KEY_A);

  /* One item, under our own schema. */
  attrs = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_insert (attrs, (char *) "service", (char *) "anthropic");
  items = secret_password_searchv_sync (cm_keyring_get_schema (), attrs, SECRET_SEARCH_ALL,
                                        NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  item = items->data;
  g_object_get (item, "label", &label, NULL);
  g_assert_cmpstr (label, ==, "CostMeter: Anthropic API key");
  g_hash_table_unref (attrs);
  attrs = secret_retrievable_get_attributes (item);
  g_assert_cmpstr (g_hash_table_lookup (attrs, "xdg:schema"), ==, "com.example.CostMeter.ApiKey");
  g_list_free_full (items, g_object_unref);

  clear_key ();
}

static void
test_environment_fallback (void)
{
  CmKeySource source = 99;
  char *key;

  if (!need_service ())
    return;

  clear_key ();
  g_setenv (CM_KEYRING_ENV_VAR, " " KEY_ENV " ", TRUE);
  key = lookup (&source);
  g_assert_cmpstr (key, ==, KEY_ENV);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_ENVIRONMENT);
  cm_keyring_free_key (key);

  /* A key the user saved wins over the variable. */
  store_key (KEY_A);
  key = lookup (&source);
  g_assert_cmpstr (key, ==, KEY_A);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_KEYRING);
  cm_keyring_free_key (key);

  /* A blank variable is no key. */
  clear_key ();
  g_setenv (CM_KEYRING_ENV_VAR, "   ", TRUE);
  key = lookup (&source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_NONE);
  g_unsetenv (CM_KEYRING_ENV_VAR);
}

static void
test_empty_key_refused (void)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cm_keyring_store_async ("  ", NULL, async_cb, &res);
  g_assert_false (cm_keyring_store_finish (wait_for (&res), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

/* Without any Secret Service the variable still works, and the failure is a
 * plain error rather than a hang or a crash. A run of its own (--no-service)
 * with a bus address that leads nowhere. */
static void
test_no_service (void)
{
  CmKeySource source = 99;
  g_autoptr(GError) error = NULL;
  char *key;

  g_setenv (CM_KEYRING_ENV_VAR, KEY_ENV, TRUE);
  key = cm_keyring_lookup_sync (NULL, &source, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (key, ==, KEY_ENV);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_ENVIRONMENT);
  cm_keyring_free_key (key);

  g_unsetenv (CM_KEYRING_ENV_VAR);
  key = cm_keyring_lookup_sync (NULL, &source, &error);
  g_assert_null (key);
  g_assert_nonnull (error);
  g_test_message ("without a service: %s", error->message);
  g_assert_true (g_str_has_prefix (error->message, "Could not read the API key in the keyring"));
}

static void
test_no_key_in_logs (void)
{
  g_assert_null (strstr (captured_log->str, KEY_A));
  g_assert_null (strstr (captured_log->str, KEY_B));
  g_assert_null (strstr (captured_log->str, KEY_ENV));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;

  g_test_init (&argc, &argv, NULL);

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  if (argc > 1 && g_strcmp0 (argv[1], "--no-service") == 0)
    {
      g_setenv ("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/costmeter-test-bus", TRUE);
      g_test_add_func ("/keyring/no-service", test_no_service);
      g_test_add_func ("/keyring/no-key-in-logs", test_no_key_in_logs);
      return g_test_run ();
    }

  /* Run through run-with-keyring.sh, there is a private bus and keyring. */
  if (g_getenv ("CM_TEST_NO_KEYRING") != NULL)
    skip_reason = g_strdup (g_getenv ("CM_TEST_NO_KEYRING"));
  else if (g_getenv ("DBUS_SESSION_BUS_ADDRESS") == NULL)
    skip_reason = g_strdup ("no session bus: run through tests/run-with-keyring.sh");
  else
    {
      service = secret_service_get_sync (SECRET_SERVICE_OPEN_SESSION | SECRET_SERVICE_LOAD_COLLECTIONS,
                                         NULL, &error);
      if (service == NULL)
        skip_reason = g_strdup_printf ("no Secret Service could start: %s", error->message);
    }
  if (skip_reason != NULL)
    g_printerr ("# SKIP reason: %s\n", skip_reason);
  g_clear_object (&service);

  g_test_add_func ("/keyring/round-trip", test_round_trip);
  g_test_add_func ("/keyring/schema-and-label", test_schema_and_label);
  g_test_add_func ("/keyring/environment-fallback", test_environment_fallback);
  g_test_add_func ("/keyring/empty-key-refused", test_empty_key_refused);
  g_test_add_func ("/keyring/no-key-in-logs", test_no_key_in_logs);

  return g_test_run ();
}
