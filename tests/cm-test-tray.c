/* cm-test-tray.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "cm-test-tray.h"
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
