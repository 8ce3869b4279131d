/* test-cli-ratelimits.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `costmeter-cli ratelimits [--probe MODEL]` against a SoupServer on
 * 127.0.0.1: printed rows, stored rows, error texts, no key anywhere.
 */

#include "config.h"

#include <gio/gio.h>
#include <libsoup/soup.h>
#include <string.h>

#include "cm-store.h"
#include "cm-test-util.h"

#define TEST_KEY "sk-ant-api03-CLI-TESTKEY-0123456789abcdef"

static char *tmpdir;
static char *db_path;
static char *base_url;
static guint n_requests;

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
  SoupMessageHeaders *h = soup_server_message_get_response_headers (msg);
  SoupMessageHeaders *req = soup_server_message_get_request_headers (msg);
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (now, 90);
  g_autofree char *reset = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  const char *json;

  n_requests++;
  if (g_strcmp0 (soup_message_headers_get_one (req, "x-api-key"), TEST_KEY) != 0)
    {
      json = "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\",\"message\":\"invalid x-api-key\"}}";
      soup_server_message_set_status (msg, 401, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, json, strlen (json));
      return;
    }

  soup_message_headers_replace (h, "request-id", "req_cli_1");
  soup_message_headers_replace (h, "anthropic-organization-id", "org-cli-test");
  soup_message_headers_replace (h, "anthropic-ratelimit-requests-limit", "50");
  soup_message_headers_replace (h, "anthropic-ratelimit-requests-remaining", "49");
  soup_message_headers_replace (h, "anthropic-ratelimit-requests-reset", reset);
  soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-limit", "8000");
  soup_message_headers_replace (h, "anthropic-ratelimit-output-tokens-remaining", "8000");

  if (g_str_has_prefix (path, "/limited/"))
    {
      soup_message_headers_replace (h, "anthropic-ratelimit-requests-remaining", "0");
      soup_message_headers_replace (h, "retry-after", "42");
      json = "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"Too many requests\"}}";
      soup_server_message_set_status (msg, 429, NULL);
    }
  else
    {
      json = "{\"type\":\"message\",\"content\":[]}";
      soup_server_message_set_status (msg, 200, NULL);
    }
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, json, strlen (json));
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

/* Runs the CLI while this process keeps serving HTTP. @env is NAME=VALUE
 * pairs, NULL-terminated; then the arguments. */
static Result
run_cli (const char * const *env,
         const char         *first,
         ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };
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
  /* No Secret Service: the key comes from the environment or not at all. */
  g_subprocess_launcher_setenv (launcher, "DBUS_SESSION_BUS_ADDRESS",
                                "unix:path=/nonexistent/costmeter-test-bus", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "ANTHROPIC_API_KEY");
  g_subprocess_launcher_unsetenv (launcher, "COSTMETER_API_BASE_URL");
  g_subprocess_launcher_unsetenv (launcher, "http_proxy");
  g_subprocess_launcher_unsetenv (launcher, "all_proxy");
  for (guint i = 0; env != NULL && env[i] != NULL; i++)
    {
      g_auto(GStrv) kv = g_strsplit (env[i], "=", 2);

      g_subprocess_launcher_setenv (launcher, kv[0], kv[1], TRUE);
    }

  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicate_cb, &r);
  while (r.out == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);
  r.status = g_subprocess_get_exit_status (proc);

  g_test_message ("exit %d\nstdout:\n%s\nstderr:\n%s", r.status, r.out, r.err);
  g_assert_null (strstr (r.out, TEST_KEY));
  g_assert_null (strstr (r.err, TEST_KEY));

  return r;
}

static GPtrArray *
stored_rows (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db_path, &error);
  GPtrArray *rows;

  g_assert_no_error (error);
  rows = cm_store_list_ratelimit_observations (store, &error);
  g_assert_no_error (error);

  return rows;
}

static gboolean
db_contains (const char *needle)
{
  const char *suffixes[] = { "", "-wal", "-journal" };

  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *path = g_strconcat (db_path, suffixes[i], NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_get_contents (path, &contents, &len, NULL) &&
          memmem (contents, len, needle, strlen (needle)) != NULL)
        return TRUE;
    }

  return FALSE;
}

static void
test_empty (void)
{
  Result r = run_cli (NULL, "ratelimits", NULL);

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "No rate-limit observations yet"));
  result_clear (&r);
}

static void
test_probe_without_key (void)
{
  g_autofree char *url_env = g_strconcat ("COSTMETER_API_BASE_URL=", base_url, NULL);
  const char *env[] = { url_env, NULL };
  guint before = n_requests;
  g_autoptr(GPtrArray) rows = NULL;
  Result r = run_cli (env, "ratelimits", "--probe", "claude-haiku-4-5", NULL);

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "No API key"));
  g_assert_nonnull (strstr (r.err, "ANTHROPIC_API_KEY"));
  g_assert_cmpuint (n_requests, ==, before);
  rows = stored_rows ();
  g_assert_cmpuint (rows->len, ==, 0);
  result_clear (&r);
}

static void
test_probe_ok (void)
{
  g_autofree char *url_env = g_strconcat ("COSTMETER_API_BASE_URL=", base_url, NULL);
  const char *env[] = { url_env, "ANTHROPIC_API_KEY=" TEST_KEY, NULL };
  g_autoptr(GPtrArray) rows = NULL;
  Result r = run_cli (env, "ratelimits", "--probe", "claude-haiku-4-5", NULL);
  g_auto(GStrv) lines = NULL;
  gboolean seen = FALSE;

  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "Probed claude-haiku-4-5: OK (HTTP 200)."));
  g_assert_nonnull (strstr (r.out, "Organization: org-cli-test"));
  g_assert_nonnull (strstr (r.out, "Request id: req_cli_1"));

  lines = g_strsplit (r.out, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = NULL;

      if (!g_str_has_prefix (lines[i], "claude-haiku-4-5 ") || strstr (lines[i], " requests ") == NULL)
        continue;
      cols = g_strsplit_set (lines[i], " ", -1);
      seen = TRUE;
      /* remaining, of, resets in ~90 s */
      g_assert_nonnull (strstr (lines[i], " 49 "));
      g_assert_nonnull (strstr (lines[i], " 50 "));
      g_assert_true (strstr (lines[i], " 90 s ") != NULL || strstr (lines[i], " 89 s ") != NULL ||
                     strstr (lines[i], " 91 s ") != NULL);
      g_assert_true (g_str_has_suffix (lines[i], "200"));
    }
  g_assert_true (seen);

  rows = stored_rows ();
  g_assert_cmpuint (rows->len, ==, 2);
  g_assert_false (db_contains (TEST_KEY));
  g_assert_true (db_contains ("org-cli-test"));
  result_clear (&r);
}

static void
test_probe_limited_then_list (void)
{
  g_autofree char *url = g_strconcat (base_url, "/limited", NULL);
  g_autofree char *url_env = g_strconcat ("COSTMETER_API_BASE_URL=", url, NULL);
  const char *env[] = { url_env, "ANTHROPIC_API_KEY=" TEST_KEY, NULL };
  Result r = run_cli (env, "ratelimits", "--probe", "claude-opus-4-6", NULL);
  Result list;

  g_assert_cmpint (r.status, ==, 1);
  g_assert_nonnull (strstr (r.err, "probe of claude-opus-4-6 failed: Rate limited (HTTP 429): retry in 42 s."));
  g_assert_nonnull (strstr (r.out, "429, retry in 42 s"));
  result_clear (&r);

  /* Without --probe: the stored rows of both models, no request made. */
  list = run_cli (NULL, "ratelimits", NULL);
  g_assert_cmpint (list.status, ==, 0);
  g_assert_nonnull (strstr (list.out, "claude-haiku-4-5"));
  g_assert_nonnull (strstr (list.out, "claude-opus-4-6"));
  g_assert_nonnull (strstr (list.out, "429, retry in 42 s"));
  result_clear (&list);
}

static void
test_probe_wrong_key_and_setting (void)
{
  g_autofree char *keyfile_dir = g_build_filename (tmpdir, "glib-2.0", "settings", NULL);
  g_autofree char *keyfile_path = g_build_filename (keyfile_dir, "keyfile", NULL);
  g_autofree char *keyfile = g_strdup_printf ("[com/example/CostMeter]\napi-base-url='%s'\n", base_url);
  const char *env[] = { "ANTHROPIC_API_KEY=sk-ant-api03-WRONG", "GSETTINGS_BACKEND=keyfile", NULL };
  guint before = n_requests;
  Result r;

  /* The base URL comes from the api-base-url setting this time. */
  if (g_getenv ("GSETTINGS_SCHEMA_DIR") == NULL)
    {
      g_test_skip ("GSETTINGS_SCHEMA_DIR is not set");
      return;
    }
  cm_test_write_file (keyfile_path, keyfile, -1);

  r = run_cli (env, "ratelimits", "--probe", "claude-haiku-4-5", NULL);
  g_assert_cmpint (r.status, ==, 1);
  g_assert_cmpuint (n_requests, ==, before + 1);
  g_assert_nonnull (strstr (r.err, "The API key was rejected (HTTP 401)"));
  g_assert_null (strstr (r.err, "WRONG"));
  result_clear (&r);
}

static void
test_bad_arguments (void)
{
  Result r = run_cli (NULL, "ratelimits", "extra", NULL);

  g_assert_cmpint (r.status, ==, 2);
  g_assert_nonnull (strstr (r.err, "unexpected argument “extra”"));
  result_clear (&r);
}

/* Every file under @dir (database, WAL, settings keyfile, anything). */
static void
assert_no_file_contains (const char *dir,
                         const char *needle)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *contents = NULL;
      gsize len;

      if (g_file_test (path, G_FILE_TEST_IS_SYMLINK))
        continue;
      if (g_file_test (path, G_FILE_TEST_IS_DIR))
        assert_no_file_contains (path, needle);
      else if (g_file_get_contents (path, &contents, &len, NULL) &&
               memmem (contents, len, needle, strlen (needle)) != NULL)
        g_error ("the API key is in %s", path);
    }
}

/* Issue 7: the key is in no log (all debug output on), no file the CLI
 * writes (database, WAL, settings), whatever the server answers. */
static void
test_key_nowhere (void)
{
  g_autofree char *ok_env = g_strconcat ("COSTMETER_API_BASE_URL=", base_url, NULL);
  g_autofree char *limited = g_strconcat ("COSTMETER_API_BASE_URL=", base_url, "/limited", NULL);
  const char *urls[] = { ok_env, limited, "COSTMETER_API_BASE_URL=http://127.0.0.1:1" };

  for (guint i = 0; i < G_N_ELEMENTS (urls); i++)
    {
      const char *env[] = { urls[i], "ANTHROPIC_API_KEY=" TEST_KEY, "G_MESSAGES_DEBUG=all",
                            "GSETTINGS_BACKEND=keyfile", NULL };
      /* run_cli asserts the key is not in stdout or stderr. */
      Result r = run_cli (env, "ratelimits", "--probe", "claude-haiku-4-5", NULL);

      result_clear (&r);
      r = run_cli (env, "ratelimits", NULL);
      result_clear (&r);
    }

  assert_no_file_contains (tmpdir, TEST_KEY);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(SoupServer) server = NULL;
  g_autoptr(GError) error = NULL;
  GSList *uris;
  int rc;

  g_test_init (&argc, &argv, NULL);

  tmpdir = cm_test_make_tmpdir ("cli-ratelimits");
  db_path = g_build_filename (tmpdir, "costmeter.db", NULL);

  server = soup_server_new (NULL, NULL);
  soup_server_add_handler (server, NULL, server_cb, NULL, NULL);
  soup_server_listen_local (server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);
  uris = soup_server_get_uris (server);
  base_url = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  /* In this order: each builds on the database the previous one left. */
  g_test_add_func ("/cli-ratelimits/empty", test_empty);
  g_test_add_func ("/cli-ratelimits/probe-without-key", test_probe_without_key);
  g_test_add_func ("/cli-ratelimits/probe-ok", test_probe_ok);
  g_test_add_func ("/cli-ratelimits/probe-limited-then-list", test_probe_limited_then_list);
  g_test_add_func ("/cli-ratelimits/probe-wrong-key-setting", test_probe_wrong_key_and_setting);
  g_test_add_func ("/cli-ratelimits/bad-arguments", test_bad_arguments);
  g_test_add_func ("/cli-ratelimits/key-nowhere", test_key_nowhere);

  rc = g_test_run ();

  soup_server_disconnect (server);
  g_free (base_url);
  g_free (db_path);
  g_free (tmpdir);

  return rc;
}
