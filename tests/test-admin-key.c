/* test-admin-key.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The Admin API key in the keyring, apart from the probe's API key: its own
 * schema and attribute, its own variable, and the Admin client reads it.
 * Run through run-with-keyring.sh: a private bus and gnome-keyring.
 */

#include "config.h"

#include <string.h>

#include "cm-admin-client.h"
#include "cm-keyring.h"
#include "cm-test-util.h"

#define API_KEY   "sk-ant-api03-PROBE-KEY-0123456789"
#define ADMIN_KEY "sk-ant-admin01-ADMIN-KEY-9876543210"
#define ENV_KEY   "sk-ant-admin01-FROM-ENVIRONMENT-00"

static GString *captured_log;
static char *skip_reason;

static void
async_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (res);
}

static GAsyncResult *
wait_for (GAsyncResult **res)
{
  while (*res == NULL)
    g_main_context_iteration (NULL, TRUE);

  return *res;
}

static void
store (CmKeyringKind  kind,
       const char    *key)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cm_keyring_store_kind_async (kind, key, NULL, async_cb, &res);
  g_assert_true (cm_keyring_store_finish (wait_for (&res), &error));
  g_assert_no_error (error);
}

static char *
lookup (CmKeyringKind  kind,
        CmKeySource   *source)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;
  char *key;

  cm_keyring_lookup_kind_async (kind, NULL, async_cb, &res);
  key = cm_keyring_lookup_finish (wait_for (&res), source, &error);
  g_assert_no_error (error);

  return key;
}

static void
clear (CmKeyringKind kind)
{
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  cm_keyring_clear_kind_async (kind, NULL, async_cb, &res);
  g_assert_true (cm_keyring_clear_finish (wait_for (&res), &error));
  g_assert_no_error (error);
}

static gboolean
need_service (void)
{
  if (skip_reason == NULL)
    return TRUE;

  g_test_skip (skip_reason);
  return FALSE;
}

static void
test_apart (void)
{
  CmKeySource source = 99;
  char *key;

  if (!need_service ())
    return;

  g_unsetenv (CM_KEYRING_ENV_VAR);
  g_unsetenv (CM_KEYRING_ADMIN_ENV_VAR);
  store (CM_KEYRING_API_KEY, API_KEY);
  store (CM_KEYRING_ADMIN_KEY, " " ADMIN_KEY "\n");

  key = lookup (CM_KEYRING_API_KEY, &source);
  g_assert_cmpstr (key, ==, API_KEY);
  cm_keyring_free_key (key);
  key = lookup (CM_KEYRING_ADMIN_KEY, &source);
  g_assert_cmpstr (key, ==, ADMIN_KEY);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_KEYRING);
  cm_keyring_free_key (key);
  key = cm_keyring_lookup_kind_sync (CM_KEYRING_ADMIN_KEY, NULL, &source, NULL);
  g_assert_cmpstr (key, ==, ADMIN_KEY);
  cm_keyring_free_key (key);

  /* Removing the probe key leaves the Admin key, and the other way round. */
  clear (CM_KEYRING_API_KEY);
  key = lookup (CM_KEYRING_ADMIN_KEY, &source);
  g_assert_cmpstr (key, ==, ADMIN_KEY);
  cm_keyring_free_key (key);
  store (CM_KEYRING_API_KEY, API_KEY);
  clear (CM_KEYRING_ADMIN_KEY);
  key = lookup (CM_KEYRING_ADMIN_KEY, &source);
  g_assert_null (key);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_NONE);
  key = lookup (CM_KEYRING_API_KEY, &source);
  g_assert_cmpstr (key, ==, API_KEY);
  cm_keyring_free_key (key);
  clear (CM_KEYRING_API_KEY);
}

static void
test_schema (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) query = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) attrs = NULL;
  g_autofree char *label = NULL;
  GList *items;

  if (!need_service ())
    return;

  store (CM_KEYRING_ADMIN_KEY, ADMIN_KEY);
  g_hash_table_insert (query, (char *) "service", (char *) "anthropic-admin");
  items = secret_password_searchv_sync (cm_keyring_get_admin_schema (), query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  g_object_get (items->data, "label", &label, NULL);
  g_assert_cmpstr (label, ==, "CostMeter: Anthropic Admin API key");
  attrs = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attrs, "xdg:schema"), ==, "com.example.CostMeter.AdminKey");
  g_assert_cmpstr (g_hash_table_lookup (attrs, "service"), ==, "anthropic-admin");
  g_list_free_full (items, g_object_unref);

  /* Not found under the probe key's schema. */
  g_hash_table_replace (query, (char *) "service", (char *) "anthropic");
  items = secret_password_searchv_sync (cm_keyring_get_schema (), query, SECRET_SEARCH_ALL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_length (items), ==, 0);

  clear (CM_KEYRING_ADMIN_KEY);
}

static void
test_environment (void)
{
  CmKeySource source = 99;
  char *key;

  if (!need_service ())
    return;

  /* The probe's variable is not the Admin key. */
  g_setenv (CM_KEYRING_ENV_VAR, API_KEY, TRUE);
  key = lookup (CM_KEYRING_ADMIN_KEY, &source);
  g_assert_null (key);

  g_setenv (CM_KEYRING_ADMIN_ENV_VAR, ENV_KEY, TRUE);
  key = lookup (CM_KEYRING_ADMIN_KEY, &source);
  g_assert_cmpstr (key, ==, ENV_KEY);
  g_assert_cmpint (source, ==, CM_KEY_SOURCE_ENVIRONMENT);
  cm_keyring_free_key (key);
  g_unsetenv (CM_KEYRING_ENV_VAR);
  g_unsetenv (CM_KEYRING_ADMIN_ENV_VAR);
}

static void
test_client_reads_it (void)
{
  g_autoptr(CmAdminClient) client = cm_admin_client_new ();
  g_autoptr(GAsyncResult) res = NULL;
  g_autoptr(GError) error = NULL;

  if (!need_service ())
    return;

  store (CM_KEYRING_API_KEY, API_KEY);
  cm_admin_client_reload_key_async (client, NULL, async_cb, &res);
  g_assert_false (cm_admin_client_reload_key_finish (client, wait_for (&res), &error));
  g_assert_no_error (error);
  g_assert_false (cm_admin_client_has_api_key (client));
  g_clear_object (&res);

  store (CM_KEYRING_ADMIN_KEY, ADMIN_KEY);
  cm_admin_client_reload_key_async (client, NULL, async_cb, &res);
  g_assert_true (cm_admin_client_reload_key_finish (client, wait_for (&res), &error));
  g_assert_true (cm_admin_client_has_api_key (client));

  clear (CM_KEYRING_API_KEY);
  clear (CM_KEYRING_ADMIN_KEY);
}

static void
test_no_key_in_logs (void)
{
  g_assert_null (strstr (captured_log->str, API_KEY));
  g_assert_null (strstr (captured_log->str, ADMIN_KEY));
  g_assert_null (strstr (captured_log->str, ENV_KEY));
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SecretService) service = NULL;

  g_test_init (&argc, &argv, NULL);

  captured_log = cm_test_capture_logs ();

  if (g_getenv ("CM_TEST_NO_KEYRING") != NULL)
    skip_reason = g_strdup (g_getenv ("CM_TEST_NO_KEYRING"));
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

  g_test_add_func ("/billed/admin-key/apart", test_apart);
  g_test_add_func ("/billed/admin-key/schema", test_schema);
  g_test_add_func ("/billed/admin-key/environment", test_environment);
  g_test_add_func ("/billed/admin-key/client", test_client_reads_it);
  g_test_add_func ("/billed/admin-key/no-key-in-logs", test_no_key_in_logs);

  return g_test_run ();
}
