/* cm-test-tray.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cm-test-tray.h"
#include "cm-test-util.h"
#include "cm-store-writer.h"

void
cm_test_add_spend (CmStore *store,
                   gint64   timestamp_ms,
                   CmMoney  cost)
{
  static guint counter;
  g_autoptr(GError) error = NULL;
  g_autofree char *message_id = g_strdup_printf ("msg_test_%u", ++counter);
  g_autofree char *dkey = g_strdup_printf ("%s:req", message_id);
  CmFileState state = { 0 };
  CmRecord record = { 0 };
  CmMessageMeta meta = { 0 };

  g_assert_true (cm_store_write_begin (store, &error));
  g_assert_no_error (error);

  state.path = (char *) "/test/tray/session.jsonl";
  state.size = counter;
  g_assert_true (cm_store_write_file_state (store, &state, &error));
  g_assert_no_error (error);

  record.message_id = message_id;
  record.request_id = (char *) "req";
  record.session_id = (char *) "session-test";
  record.model_raw = (char *) "claude-sonnet-4-5";
  record.timestamp_ms = timestamp_ms;
  record.usage.output = 1;

  meta.file_id = state.id;
  meta.dkey = dkey;
  meta.session_id = "session-test";
  meta.project = "/test/tray";
  meta.model = "claude-sonnet-4-5";
  meta.backend = CM_BACKEND_ANTHROPIC;
  meta.priced = TRUE;
  meta.cost.output = cost;
  meta.cost.total = cost;

  g_assert_true (cm_store_write_message (store, &record, &meta, &error));
  g_assert_no_error (error);
  g_assert_true (cm_store_write_commit (store, &error));
  g_assert_no_error (error);

  cm_store_emit_changed (store);
}

gint64
cm_test_utc_ms (int year,
                int month,
                int day,
                int hour)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, hour, 0, 0);

  return g_date_time_to_unix (dt) * 1000;
}

static gboolean
timeout_cb (gpointer data)
{
  g_assert_not_reached ();
  return G_SOURCE_REMOVE;
}

void
cm_test_wait_for (const gboolean *flag)
{
  guint id = g_timeout_add_seconds (10, timeout_cb, NULL);

  while (!*flag)
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

void
cm_test_wait_until (gboolean (*func) (gpointer data),
                    gpointer   data)
{
  guint id = g_timeout_add_seconds (10, timeout_cb, NULL);

  while (!func (data))
    g_main_context_iteration (NULL, TRUE);

  g_source_remove (id);
}

typedef struct
{
  gboolean  done;
  GVariant *reply;
  GError   *error;
} CallData;

static void
call_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  CallData *data = user_data;

  data->reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &data->error);
  data->done = TRUE;
}

GVariant *
cm_test_dbus_call (GDBusConnection *connection,
                   const char      *bus_name,
                   const char      *object_path,
                   const char      *interface_name,
                   const char      *method_name,
                   GVariant        *parameters,
                   GError         **error)
{
  CallData data = { 0 };

  g_dbus_connection_call (connection, bus_name, object_path, interface_name, method_name,
                          parameters, NULL, G_DBUS_CALL_FLAGS_NONE, 5000, NULL,
                          call_cb, &data);
  cm_test_wait_for (&data.done);

  if (data.error != NULL)
    g_propagate_error (error, data.error);

  return data.reply;
}

GDBusConnection *
cm_test_dbus_connect (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *address = g_dbus_address_get_for_bus_sync (G_BUS_TYPE_SESSION, NULL, &error);
  GDBusConnection *connection;

  g_assert_no_error (error);
  connection = g_dbus_connection_new_for_address_sync (address,
                                                       G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                       G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                       NULL, NULL, &error);
  g_assert_no_error (error);

  return connection;
}

/* --- a fake notification server --- */

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/>"
  "      <arg type='s' direction='in'/>"
  "    </method>"
  "    <method name='Sync'/>"
  "  </interface>"
  "</node>";

static struct
{
  GTestDBus       *bus;
  GDBusConnection *connection;
  GApplication    *app;
  char            *app_id;
  GPtrArray       *sent;
  guint            owner_id;
  gboolean         acquired;
} server;

static void
notification_free (CmTestNotification *n)
{
  g_free (n->id);
  g_free (n->title);
  g_free (n->body);
  g_free (n);
}

static void
notifications_method_cb (GDBusConnection       *connection,
                         const char            *sender,
                         const char            *object_path,
                         const char            *interface_name,
                         const char            *method_name,
                         GVariant              *parameters,
                         GDBusMethodInvocation *invocation,
                         gpointer               user_data)
{
  if (g_str_equal (method_name, "AddNotification"))
    {
      g_autoptr(GVariant) dict = NULL;
      const char *app_id, *id;
      CmTestNotification *n = g_new0 (CmTestNotification, 1);

      g_variant_get (parameters, "(&s&s@a{sv})", &app_id, &id, &dict);
      g_assert_cmpstr (app_id, ==, server.app_id);
      n->id = g_strdup (id);
      g_variant_lookup (dict, "title", "s", &n->title);
      g_variant_lookup (dict, "body", "s", &n->body);
      g_ptr_array_add (server.sent, n);
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notifications_vtable = { notifications_method_cb, NULL, NULL, { 0 } };

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  server.acquired = TRUE;
}

GApplication *
cm_test_notifications_start (const char *app_id)
{
  g_autoptr(GDBusNodeInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  char *home = cm_test_make_tmpdir ("home");

  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  g_free (home);

  /* A private session bus, whatever the caller runs under. */
  server.bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (server.bus);

  server.sent = g_ptr_array_new_with_free_func ((GDestroyNotify) notification_free);
  server.connection = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  info = g_dbus_node_info_new_for_xml (notifications_xml, &error);
  g_assert_no_error (error);
  g_dbus_connection_register_object (server.connection, "/org/gtk/Notifications", info->interfaces[0],
                                     &notifications_vtable, NULL, NULL, &error);
  g_assert_no_error (error);
  server.owner_id = g_bus_own_name_on_connection (server.connection, "org.gtk.Notifications",
                                                  G_BUS_NAME_OWNER_FLAGS_NONE,
                                                  name_acquired_cb, NULL, NULL, NULL);
  cm_test_wait_for (&server.acquired);

  server.app_id = g_strdup (app_id);
  server.app = g_application_new (app_id, G_APPLICATION_DEFAULT_FLAGS);
  g_application_register (server.app, NULL, &error);
  g_assert_no_error (error);

  return server.app;
}

void
cm_test_notifications_stop (void)
{
  /* What is still on its way arrives before the server goes. */
  cm_test_notifications_get ();
  g_bus_unown_name (server.owner_id);
  g_clear_object (&server.app);
  g_clear_object (&server.connection);
  g_clear_pointer (&server.sent, g_ptr_array_unref);
  g_clear_pointer (&server.app_id, g_free);
  g_test_dbus_down (server.bus);
  g_clear_object (&server.bus);
}

GPtrArray *
cm_test_notifications_get (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  /* The backend and this call share one connection: once Sync returns,
   * every notification sent before it has arrived. */
  reply = cm_test_dbus_call (g_application_get_dbus_connection (server.app), "org.gtk.Notifications",
                             "/org/gtk/Notifications", "org.gtk.Notifications", "Sync",
                             NULL, &error);
  g_assert_no_error (error);

  return server.sent;
}
