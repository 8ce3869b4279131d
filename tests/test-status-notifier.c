/* test-status-notifier.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include <stdio.h>
#include <string.h>

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "cm-scanner.h"
#include "cm-status-notifier.h"
#include "cm-test-tray.h"
#include "cm-test-util.h"
#include "cm-tray.h"

#define SNI "org.kde.StatusNotifierItem"
#define MENU "com.canonical.dbusmenu"

/* A small org.kde.StatusNotifierWatcher, on its own connection so it can go
 * away and come back like a restarting shell. */
static const char watcher_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierWatcher'>"
  "    <method name='RegisterStatusNotifierItem'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "    <method name='RegisterStatusNotifierHost'>"
  "      <arg name='service' type='s' direction='in'/>"
  "    </method>"
  "    <property name='RegisteredStatusNotifierItems' type='as' access='read'/>"
  "    <property name='IsStatusNotifierHostRegistered' type='b' access='read'/>"
  "    <property name='ProtocolVersion' type='i' access='read'/>"
  "    <signal name='StatusNotifierItemRegistered'><arg type='s'/></signal>"
  "  </interface>"
  "</node>";

typedef struct
{
  GDBusConnection *connection;
  guint            owner_id;
  guint            object_id;
  gboolean         acquired;
  GPtrArray       *items;     /* services as registered */
  char            *last_sender;
} Watcher;

static GDBusNodeInfo *watcher_info;

static void
watcher_method_cb (GDBusConnection       *connection,
                   const char            *sender,
                   const char            *object_path,
                   const char            *interface_name,
                   const char            *method_name,
                   GVariant              *parameters,
                   GDBusMethodInvocation *invocation,
                   gpointer               user_data)
{
  Watcher *w = user_data;

  if (g_str_equal (method_name, "RegisterStatusNotifierItem"))
    {
      const char *service;

      g_variant_get (parameters, "(&s)", &service);
      g_ptr_array_add (w->items, g_strdup (service));
      g_free (w->last_sender);
      w->last_sender = g_strdup (sender);
    }

  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
watcher_get_property_cb (GDBusConnection  *connection,
                         const char       *sender,
                         const char       *object_path,
                         const char       *interface_name,
                         const char       *property_name,
                         GError          **error,
                         gpointer          user_data)
{
  Watcher *w = user_data;

  if (g_str_equal (property_name, "RegisteredStatusNotifierItems"))
    return g_variant_new_strv ((const char * const *) w->items->pdata, w->items->len);
  if (g_str_equal (property_name, "IsStatusNotifierHostRegistered"))
    return g_variant_new_boolean (TRUE);
  return g_variant_new_int32 (0);
}

static const GDBusInterfaceVTable watcher_vtable = {
  watcher_method_cb, watcher_get_property_cb, NULL, { 0 }
};

static void
watcher_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  ((Watcher *) user_data)->acquired = TRUE;
}

static Watcher *
watcher_start (void)
{
  g_autoptr(GError) error = NULL;
  Watcher *w = g_new0 (Watcher, 1);

  w->items = g_ptr_array_new_with_free_func (g_free);
  w->connection = cm_test_dbus_connect ();
  w->object_id = g_dbus_connection_register_object (w->connection, "/StatusNotifierWatcher",
                                                    watcher_info->interfaces[0], &watcher_vtable,
                                                    w, NULL, &error);
  g_assert_no_error (error);
  w->owner_id = g_bus_own_name_on_connection (w->connection, "org.kde.StatusNotifierWatcher",
                                              G_BUS_NAME_OWNER_FLAGS_NONE,
                                              watcher_acquired_cb, NULL, w, NULL);
  cm_test_wait_for (&w->acquired);

  return w;
}

/* Like a crashing shell: the connection goes away with the name. */
static void
watcher_stop (Watcher *w)
{
  g_autoptr(GError) error = NULL;

  g_bus_unown_name (w->owner_id);
  g_dbus_connection_unregister_object (w->connection, w->object_id);
  g_dbus_connection_close_sync (w->connection, NULL, &error);
  g_assert_no_error (error);
  g_object_unref (w->connection);
  g_ptr_array_unref (w->items);
  g_free (w->last_sender);
  g_free (w);
}

/* The test's actions, standing in for the application's. */
typedef struct
{
  GSimpleActionGroup *group;
  guint               show_window;
  guint               rescan;
  guint               quit;
} Actions;

static void
count_cb (GSimpleAction *action,
          GVariant      *parameter,
          gpointer       user_data)
{
  (*(guint *) user_data)++;
}

static void
actions_init (Actions *a)
{
  g_autoptr(GSimpleAction) pause = g_simple_action_new_stateful ("pause-live", NULL,
                                                                 g_variant_new_boolean (FALSE));
  GActionEntry entries[] = {
    { "show-window", count_cb, NULL, NULL, NULL, { 0 } },
    { "rescan", count_cb, NULL, NULL, NULL, { 0 } },
    { "quit", count_cb, NULL, NULL, NULL, { 0 } },
  };

  a->group = g_simple_action_group_new ();
  g_action_map_add_action_entries (G_ACTION_MAP (a->group), entries, 1, &a->show_window);
  g_action_map_add_action_entries (G_ACTION_MAP (a->group), entries + 1, 1, &a->rescan);
  g_action_map_add_action_entries (G_ACTION_MAP (a->group), entries + 2, 1, &a->quit);
  g_action_map_add_action (G_ACTION_MAP (a->group), G_ACTION (pause));
}

static gboolean
is_registered (gpointer data)
{
  return cm_status_notifier_get_registered (data);
}

static gboolean
is_unregistered (gpointer data)
{
  return !cm_status_notifier_get_registered (data);
}

static GVariant *
get_all (GDBusConnection *client,
         const char      *bus_name,
         const char      *path,
         const char      *interface)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;
  GVariant *props;

  reply = cm_test_dbus_call (client, bus_name, path, "org.freedesktop.DBus.Properties", "GetAll",
                             g_variant_new ("(s)", interface), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(@a{sv})", &props);
  return props;
}

static void
assert_prop_type (GVariant   *props,
                  const char *name,
                  const char *type)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (props, name, NULL);

  g_assert_nonnull (value);
  g_assert_cmpstr (g_variant_get_type_string (value), ==, type);
}

static void
menu_event (GDBusConnection *client,
            const char      *bus_name,
            int              id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) reply = NULL;

  reply = cm_test_dbus_call (client, bus_name, "/MenuBar", MENU, "Event",
                             g_variant_new ("(isvu)", id, "clicked", g_variant_new_int32 (0), 0u),
                             &error);
  g_assert_no_error (error);
}

static void
signal_count_cb (GDBusConnection *connection,
                 const char      *sender,
                 const char      *object_path,
                 const char      *interface_name,
                 const char      *signal_name,
                 GVariant        *parameters,
                 gpointer         user_data)
{
  (*(guint *) user_data)++;
}

static gboolean
count_positive (gpointer data)
{
  return *(guint *) data > 0;
}

static void
name_appeared_cb (GDBusConnection *connection,
                  const char      *name,
                  const char      *name_owner,
                  gpointer         user_data)
{
  *(gboolean *) user_data = TRUE;
}

/* Waits until @name is owned on the bus. */
static void
wait_name (GDBusConnection *client,
           const char      *name)
{
  gboolean appeared = FALSE;
  guint id = g_bus_watch_name_on_connection (client, name, G_BUS_NAME_WATCHER_FLAGS_NONE,
                                             name_appeared_cb, NULL, &appeared, NULL);

  cm_test_wait_for (&appeared);
  g_bus_unwatch_name (id);
}

static void
test_no_watcher (void)
{
  Actions a = { 0 };
  g_autoptr(CmStatusNotifier) sni = NULL;
  g_autoptr(GDBusConnection) client = cm_test_dbus_connect ();
  g_autoptr(GVariant) props = NULL;

  actions_init (&a);
  sni = cm_status_notifier_new ("costmeter-test", G_ACTION_GROUP (a.group));
  cm_status_notifier_start (sni);
  wait_name (client, cm_status_notifier_get_bus_name (sni));

  /* The item is still exported and answers; it just has nobody to show it. */
  props = get_all (client, cm_status_notifier_get_bus_name (sni), "/StatusNotifierItem", SNI);
  assert_prop_type (props, "Id", "s");
  g_assert_false (cm_status_notifier_get_registered (sni));

  cm_status_notifier_stop (sni);
  g_object_unref (a.group);
}

static void
test_item (void)
{
  Actions a = { 0 };
  g_autoptr(CmStatusNotifier) sni = NULL;
  g_autoptr(GDBusConnection) client = cm_test_dbus_connect ();
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) layout = NULL;
  g_autoptr(GVariant) children = NULL;
  g_autoptr(GVariant) action_state = NULL;
  g_autoptr(GError) error = NULL;
  const char *s1, *s2, *s3;
  const char *bus_name;
  const char *labels[] = { "_Open CostMeter", "_Rescan", "_Pause Live Updates", NULL, "_Quit" };
  guint revision, tooltip_signals = 0, menu_signals = 0;
  int id;
  Watcher *w;

  actions_init (&a);
  w = watcher_start ();
  sni = cm_status_notifier_new ("costmeter-test", G_ACTION_GROUP (a.group));
  cm_status_notifier_set_title (sni, "Spend");
  cm_status_notifier_set_tooltip_text (sni, "Today: $1.00");
  cm_status_notifier_set_icon_name (sni, "com.example.CostMeter-symbolic");
  cm_status_notifier_start (sni);
  bus_name = cm_status_notifier_get_bus_name (sni);
  g_assert_true (g_str_has_prefix (bus_name, "org.kde.StatusNotifierItem-"));

  /* Registration by well-known name. */
  cm_test_wait_until (is_registered, sni);
  g_assert_cmpuint (w->items->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (w->items, 0), ==, bus_name);

  /* Properties: types as hosts expect them, values as set. */
  props = get_all (client, bus_name, "/StatusNotifierItem", SNI);
  assert_prop_type (props, "Id", "s");
  assert_prop_type (props, "Category", "s");
  assert_prop_type (props, "Title", "s");
  assert_prop_type (props, "Status", "s");
  assert_prop_type (props, "IconName", "s");
  assert_prop_type (props, "ToolTip", "(sa(iiay)ss)");
  assert_prop_type (props, "Menu", "o");
  assert_prop_type (props, "WindowId", "i");
  assert_prop_type (props, "ItemIsMenu", "b");
  g_assert_true (g_variant_lookup (props, "Id", "&s", &s1));
  g_assert_cmpstr (s1, ==, "costmeter-test");
  g_assert_true (g_variant_lookup (props, "Category", "&s", &s1));
  g_assert_cmpstr (s1, ==, "ApplicationStatus");
  g_assert_true (g_variant_lookup (props, "Status", "&s", &s1));
  g_assert_cmpstr (s1, ==, "Active");
  g_assert_true (g_variant_lookup (props, "Title", "&s", &s1));
  g_assert_cmpstr (s1, ==, "Spend");
  g_assert_true (g_variant_lookup (props, "Menu", "&o", &s1));
  g_assert_cmpstr (s1, ==, "/MenuBar");
  value = g_variant_lookup_value (props, "ToolTip", NULL);
  g_variant_get (value, "(&s@a(iiay)&s&s)", &s1, NULL, &s2, &s3);
  g_assert_cmpstr (s1, ==, "com.example.CostMeter-symbolic");
  g_assert_cmpstr (s2, ==, "Spend");
  g_assert_cmpstr (s3, ==, "Today: $1.00");
  g_clear_pointer (&props, g_variant_unref);

  props = get_all (client, bus_name, "/MenuBar", MENU);
  assert_prop_type (props, "Version", "u");
  assert_prop_type (props, "TextDirection", "s");
  assert_prop_type (props, "Status", "s");
  g_assert_true (g_variant_lookup (props, "Version", "u", &revision));
  g_assert_cmpuint (revision, ==, 3);

  /* The menu lists its items. */
  reply = cm_test_dbus_call (client, bus_name, "/MenuBar", MENU, "GetLayout",
                             g_variant_new ("(ii^as)", 0, -1, (const char *[]) { NULL }), &error);
  g_assert_no_error (error);
  g_variant_get (reply, "(u@(ia{sv}av))", &revision, &layout);
  g_variant_get (layout, "(i@a{sv}@av)", &id, NULL, &children);
  g_assert_cmpint (id, ==, 0);
  g_assert_cmpuint (g_variant_n_children (children), ==, G_N_ELEMENTS (labels));
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autoptr(GVariant) child = g_variant_get_child_value (children, i);
      g_autoptr(GVariant) item = g_variant_get_variant (child);
      g_autoptr(GVariant) item_props = NULL;
      const char *label = NULL, *type = NULL;

      g_variant_get (item, "(i@a{sv}av)", &id, &item_props, NULL);
      g_assert_cmpint (id, ==, (int) i + 1);
      g_variant_lookup (item_props, "label", "&s", &label);
      g_variant_lookup (item_props, "type", "&s", &type);
      g_assert_cmpstr (label, ==, labels[i]);
      g_assert_cmpstr (type, ==, labels[i] == NULL ? "separator" : NULL);
      if (id == CM_TRAY_ITEM_PAUSE)
        {
          int state = -1;

          g_assert_true (g_variant_lookup (item_props, "toggle-type", "&s", &type));
          g_assert_cmpstr (type, ==, "checkmark");
          g_assert_true (g_variant_lookup (item_props, "toggle-state", "i", &state));
          g_assert_cmpint (state, ==, 0);
        }
    }

  /* Clicking the items activates the actions. */
  menu_event (client, bus_name, CM_TRAY_ITEM_OPEN);
  g_assert_cmpuint (a.show_window, ==, 1);
  menu_event (client, bus_name, CM_TRAY_ITEM_RESCAN);
  g_assert_cmpuint (a.rescan, ==, 1);

  g_dbus_connection_signal_subscribe (client, bus_name, MENU, "ItemsPropertiesUpdated", "/MenuBar",
                                      NULL, G_DBUS_SIGNAL_FLAGS_NONE, signal_count_cb,
                                      &menu_signals, NULL);
  menu_event (client, bus_name, CM_TRAY_ITEM_PAUSE);
  action_state = g_action_group_get_action_state (G_ACTION_GROUP (a.group), "pause-live");
  g_assert_true (g_variant_get_boolean (action_state));
  cm_test_wait_until (count_positive, &menu_signals);
  g_clear_pointer (&reply, g_variant_unref);
  reply = cm_test_dbus_call (client, bus_name, "/MenuBar", MENU, "GetProperty",
                             g_variant_new ("(is)", CM_TRAY_ITEM_PAUSE, "toggle-state"), &error);
  g_assert_no_error (error);
  g_clear_pointer (&value, g_variant_unref);
  g_variant_get (reply, "(v)", &value);
  g_assert_cmpint (g_variant_get_int32 (value), ==, 1);

  menu_event (client, bus_name, CM_TRAY_ITEM_QUIT);
  g_assert_cmpuint (a.quit, ==, 1);

  /* Activate (a click on the icon) opens the window too. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = cm_test_dbus_call (client, bus_name, "/StatusNotifierItem", SNI, "Activate",
                             g_variant_new ("(ii)", 10, 10), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (a.show_window, ==, 2);

  /* An unknown item is an error, not a crash. */
  g_clear_pointer (&reply, g_variant_unref);
  reply = cm_test_dbus_call (client, bus_name, "/MenuBar", MENU, "Event",
                             g_variant_new ("(isvu)", 99, "clicked", g_variant_new_int32 (0), 0u),
                             &error);
  g_assert_error (error, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS);
  g_clear_error (&error);

  /* A change announces itself. */
  g_dbus_connection_signal_subscribe (client, bus_name, SNI, "NewToolTip", "/StatusNotifierItem",
                                      NULL, G_DBUS_SIGNAL_FLAGS_NONE, signal_count_cb,
                                      &tooltip_signals, NULL);
  cm_status_notifier_set_tooltip_text (sni, "Today: $2.00");
  cm_test_wait_until (count_positive, &tooltip_signals);

  /* The watcher restarts: the item registers again. */
  watcher_stop (w);
  cm_test_wait_until (is_unregistered, sni);
  w = watcher_start ();
  cm_test_wait_until (is_registered, sni);
  g_assert_cmpuint (w->items->len, ==, 1);
  g_assert_cmpstr (g_ptr_array_index (w->items, 0), ==, bus_name);

  g_clear_object (&sni);
  watcher_stop (w);
  g_object_unref (a.group);
}

/* A fake org.gtk.Notifications, counting what the budget monitor sends. */
static const char notif_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "      <arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
notif_method_cb (GDBusConnection       *connection,
               const char            *sender,
               const char            *object_path,
               const char            *interface_name,
               const char            *method_name,
               GVariant              *parameters,
               GDBusMethodInvocation *invocation,
               gpointer               user_data)
{
  guint *count = user_data;

  if (g_str_equal (method_name, "AddNotification"))
    (*count)++;
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static const GDBusInterfaceVTable notif_vtable = { notif_method_cb, NULL, NULL, { 0 } };

static gboolean
count_is_two (gpointer data)
{
  return *(guint *) data == 2;
}

/* The tray as the application runs it: spend from the database. */
typedef struct
{
  GApplication *app;
  guint         show_window;
} AppData;

static void
app_show_window_cb (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ((AppData *) user_data)->show_window++;
}

static gboolean
tooltip_has (gpointer data)
{
  CmStatusNotifier *sni = g_object_get_data (data, "sni");
  const char *text = cm_status_notifier_get_tooltip_text (sni);

  return text != NULL && strstr (text, g_object_get_data (data, "expect")) != NULL;
}

static void
test_tray (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("tray");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");
  g_autoptr(GDBusConnection) client = cm_test_dbus_connect ();
  g_autoptr(GSimpleAction) show = g_simple_action_new ("show-window", NULL);
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) tooltip = NULL;
  g_autoptr(GObject) probe = g_object_new (G_TYPE_OBJECT, NULL);
  g_autoptr(CmTray) tray = NULL;
  AppData data = { 0 };
  CmStatusNotifier *sni;
  const char *title, *text, *icon;
  g_autoptr(GDBusConnection) notif = cm_test_dbus_connect ();
  g_autoptr(GDBusNodeInfo) notif_info = g_dbus_node_info_new_for_xml (notif_xml, NULL);
  guint tooltip_signals = 0, notifications = 0, notif_object;
  Watcher *w;

  g_assert_no_error (error);
  notif_object = g_dbus_connection_register_object (notif, "/org/gtk/Notifications",
                                                  notif_info->interfaces[0], &notif_vtable,
                                                  &notifications, NULL, &error);
  g_assert_no_error (error);
  wait_name (notif, g_dbus_connection_get_unique_name (notif));
  {
    g_autoptr(GVariant) owned = cm_test_dbus_call (notif, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                                                   "org.freedesktop.DBus", "RequestName",
                                                   g_variant_new ("(su)", "org.gtk.Notifications", 0u),
                                                   &error);
    g_assert_no_error (error);
  }
  g_settings_set_string (settings, "timezone", "UTC");
  g_settings_set_string (settings, "budget-notified", "");
  g_settings_set_int (settings, "currency-decimals", 2);
  g_settings_set_double (settings, "budget-daily", 10.0);
  g_settings_set_boolean (settings, "tray-enabled", TRUE);

  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 2, 9), 12345 * (CM_MONEY_PER_USD / 1000));
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 9), 4321 * (CM_MONEY_PER_USD / 1000));

  data.app = g_application_new ("com.example.CostMeter.TestTray", G_APPLICATION_DEFAULT_FLAGS);
  g_signal_connect (show, "activate", G_CALLBACK (app_show_window_cb), &data);
  g_action_map_add_action (G_ACTION_MAP (data.app), G_ACTION (show));
  g_application_register (data.app, NULL, &error);
  g_assert_no_error (error);

  w = watcher_start ();
  tray = cm_tray_new (data.app, store, settings);
  cm_budget_monitor_set_now (cm_tray_get_budget_monitor (tray),
                             cm_test_utc_ms (2026, 9, 20, 12) / 1000);
  sni = cm_tray_get_status_notifier (tray);
  g_assert_nonnull (sni);
  cm_test_wait_until (is_registered, sni);

  /* $4.321 today, $16.666 this month, to two decimals. */
  g_object_set_data (probe, "sni", sni);
  g_object_set_data (probe, "expect", (gpointer) "Today: $4.32\nThis month: $16.67");
  cm_test_wait_until (tooltip_has, probe);

  props = get_all (client, cm_status_notifier_get_bus_name (sni), "/StatusNotifierItem", SNI);
  g_assert_true (g_variant_lookup (props, "Title", "&s", &title));
  g_assert_cmpstr (title, ==, "CostMeter: $4.32 today, $16.67 this month");
  g_assert_true (g_variant_lookup (props, "IconName", "&s", &icon));
  g_assert_cmpstr (icon, ==, CM_TRAY_ICON_NAME);
  tooltip = g_variant_lookup_value (props, "ToolTip", NULL);
  g_variant_get (tooltip, "(&s@a(iiay)&s&s)", NULL, NULL, NULL, &text);
  g_assert_cmpstr (text, ==, "Today: $4.32\nThis month: $16.67");

  /* More spend: NewToolTip, and at 80 % of the daily budget the icon warns. */
  g_dbus_connection_signal_subscribe (client, cm_status_notifier_get_bus_name (sni), SNI,
                                      "NewToolTip", "/StatusNotifierItem", NULL,
                                      G_DBUS_SIGNAL_FLAGS_NONE, signal_count_cb,
                                      &tooltip_signals, NULL);
  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 10), 4000 * (CM_MONEY_PER_USD / 1000));
  g_object_set_data (probe, "expect", (gpointer) "Today: $8.32\nThis month: $20.67");
  cm_test_wait_until (tooltip_has, probe);
  cm_test_wait_until (count_positive, &tooltip_signals);
  g_assert_cmpstr (cm_status_notifier_get_icon_name (sni), ==, CM_TRAY_ICON_NAME_WARNING);

  cm_test_add_spend (store, cm_test_utc_ms (2026, 9, 20, 11), 2000 * (CM_MONEY_PER_USD / 1000));
  g_object_set_data (probe, "expect", (gpointer) "Today: $10.32");
  cm_test_wait_until (tooltip_has, probe);
  g_assert_cmpstr (cm_status_notifier_get_icon_name (sni), ==, CM_TRAY_ICON_NAME_OVER);
  /* One notification at 80 %, one at 100 %. */
  cm_test_wait_until (count_is_two, &notifications);

  /* 'Open' in the menu reaches the application's show-window action. */
  menu_event (client, cm_status_notifier_get_bus_name (sni), CM_TRAY_ITEM_OPEN);
  g_assert_cmpuint (data.show_window, ==, 1);

  /* Switching the tray off removes the item. */
  g_settings_set_boolean (settings, "tray-enabled", FALSE);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_null (cm_tray_get_status_notifier (tray));

  g_clear_object (&tray);
  watcher_stop (w);
  g_clear_object (&data.app);
  g_dbus_connection_unregister_object (notif, notif_object);
  g_assert_cmpuint (notifications, ==, 2);
}

/* The fixture corpus, scanned: the tray shows the last fixture day and its
 * month as computed independently in expected-utc.json. */
static void
test_fixture_spend (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("fixture");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autofree char *corpus = g_build_filename (cm_test_fixtures_dir (), "corpus", NULL);
  g_autofree char *expected_path = g_build_filename (cm_test_fixtures_dir (), "expected-utc.json", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(CmPricing) pricing = cm_pricing_new_default (&error);
  g_autoptr(CmScanner) scanner = NULL;
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");
  g_autoptr(GApplication) app = NULL;
  g_autoptr(CmTray) tray = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GList) day_names = NULL;
  g_autoptr(GDir) homes = NULL;
  g_autoptr(GDBusConnection) client = cm_test_dbus_connect ();
  g_autoptr(GVariant) props = NULL;
  g_autoptr(GVariant) tooltip = NULL;
  g_autoptr(GObject) probe = g_object_new (G_TYPE_OBJECT, NULL);
  g_autofree char *month_prefix = NULL;
  g_autofree char *today_str = NULL;
  g_autofree char *month_str = NULL;
  g_autofree char *expect = NULL;
  g_autoptr(GDateTime) noon = NULL;
  CmStatusNotifier *sni;
  CmScanStats stats;
  JsonObject *days;
  const char *last_day = NULL, *name, *text;
  double today = 0, month = 0;
  int y, m, d;
  Watcher *w;

  g_assert_no_error (error);

  /* The independent figures. */
  json_parser_load_from_file (parser, expected_path, &error);
  g_assert_no_error (error);
  days = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)), "days");
  day_names = json_object_get_members (days);
  for (GList *l = day_names; l != NULL; l = l->next)
    if (last_day == NULL || strcmp (l->data, last_day) > 0)
      last_day = l->data;
  g_assert_nonnull (last_day);
  month_prefix = g_strndup (last_day, 8);
  for (GList *l = day_names; l != NULL; l = l->next)
    {
      JsonObject *models = json_object_get_object_member (days, l->data);
      g_autoptr(GList) model_names = json_object_get_members (models);
      double sum = 0;

      for (GList *k = model_names; k != NULL; k = k->next)
        sum += json_object_get_double_member (json_object_get_object_member (models, k->data), "cost");
      if (g_str_equal (l->data, last_day))
        today = sum;
      if (g_str_has_prefix (l->data, month_prefix))
        month += sum;
    }
  g_assert_cmpfloat (today, >, 0);

  /* The corpus, scanned into a fresh database. */
  homes = g_dir_open (corpus, 0, &error);
  g_assert_no_error (error);
  while ((name = g_dir_read_name (homes)) != NULL)
    {
      g_autofree char *home = g_build_filename (corpus, name, NULL);

      g_assert_cmpint (cm_store_add_source (store, home, NULL, FALSE, &error), >, 0);
      g_assert_no_error (error);
    }
  scanner = cm_scanner_new (store, pricing);
  g_assert_true (cm_scanner_scan_sync (scanner, NULL, &stats, &error));
  g_assert_no_error (error);

  g_settings_set_string (settings, "timezone", "UTC");
  g_settings_set_int (settings, "currency-decimals", 2);
  g_settings_set_double (settings, "budget-daily", 0.0);
  g_settings_set_double (settings, "budget-monthly", 0.0);
  g_settings_set_boolean (settings, "tray-enabled", TRUE);
  g_settings_set_boolean (settings, "run-in-background", FALSE);

  app = g_application_new ("com.example.CostMeter.TestFixture", G_APPLICATION_DEFAULT_FLAGS);
  g_application_register (app, NULL, &error);
  g_assert_no_error (error);

  w = watcher_start ();
  tray = cm_tray_new (app, store, settings);
  g_assert_cmpint (sscanf (last_day, "%d-%d-%d", &y, &m, &d), ==, 3);
  noon = g_date_time_new_utc (y, m, d, 12, 0, 0);
  cm_budget_monitor_set_now (cm_tray_get_budget_monitor (tray), g_date_time_to_unix (noon));
  sni = cm_tray_get_status_notifier (tray);
  cm_test_wait_until (is_registered, sni);

  today_str = g_strdup_printf ("$%.2f", today);
  month_str = g_strdup_printf ("$%.2f", month);
  expect = g_strdup_printf ("Today: %s\nThis month: %s", today_str, month_str);
  g_object_set_data (probe, "sni", sni);
  g_object_set_data (probe, "expect", expect);
  cm_test_wait_until (tooltip_has, probe);

  /* Exact to the cent of the independent figures, and what hosts read. */
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (cm_budget_monitor_get_today_spend (cm_tray_get_budget_monitor (tray))),
                                  today, 1e-6);
  g_assert_cmpfloat_with_epsilon (cm_money_to_usd (cm_budget_monitor_get_month_spend (cm_tray_get_budget_monitor (tray))),
                                  month, 1e-6);
  props = get_all (client, cm_status_notifier_get_bus_name (sni), "/StatusNotifierItem", SNI);
  tooltip = g_variant_lookup_value (props, "ToolTip", NULL);
  g_variant_get (tooltip, "(&s@a(iiay)&s&s)", NULL, NULL, NULL, &text);
  g_assert_cmpstr (text, ==, expect);

  g_clear_object (&tray);
  watcher_stop (w);
}

/* Background mode: with run-in-background set the tray holds the
 * application, so it keeps running after activate returns. */
typedef struct
{
  GApplication *app;
  CmStore   *store;
  GSettings *settings;
  gboolean   idle_ran;  /* the idle ran while the application was running */
  guint      idle_id;
} BackgroundData;

static gboolean
background_idle_cb (gpointer user_data)
{
  BackgroundData *data = user_data;

  /* Still running: shutdown has not dropped the tray yet. GApplication
   * flushes pending sources after shutdown, so running alone means nothing. */
  data->idle_id = 0;
  data->idle_ran = g_object_get_data (G_OBJECT (data->app), "cm-tray") != NULL;
  g_application_quit (data->app);
  return G_SOURCE_REMOVE;
}

static void
background_activate_cb (GApplication   *app,
                        BackgroundData *data)
{
  cm_tray_attach (app, data->store, data->settings);
  data->idle_id = g_idle_add (background_idle_cb, data);
}

static gboolean
run_app (CmStore   *store,
         GSettings *settings)
{
  g_autoptr(GApplication) app = g_application_new ("com.example.CostMeter.TestBackground",
                                                    G_APPLICATION_NON_UNIQUE);
  BackgroundData data = { app, store, settings, FALSE, 0 };
  int status;

  g_signal_connect (app, "activate", G_CALLBACK (background_activate_cb), &data);
  status = g_application_run (app, 0, NULL);
  g_assert_cmpint (status, ==, 0);
  /* Shutdown dropped the tray. */
  g_assert_null (g_object_get_data (G_OBJECT (app), "cm-tray"));
  /* Without a hold the run ended before the idle. */
  g_clear_handle_id (&data.idle_id, g_source_remove);

  return data.idle_ran;
}

static void
test_background (void)
{
  g_autofree char *dir = cm_test_make_tmpdir ("background");
  g_autofree char *db = g_build_filename (dir, "costmeter.db", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = cm_store_open (db, &error);
  g_autoptr(GSettings) settings = g_settings_new ("com.example.CostMeter");

  g_assert_no_error (error);
  g_settings_set_double (settings, "budget-daily", 0.0);
  g_settings_set_double (settings, "budget-monthly", 0.0);

  g_settings_set_boolean (settings, "tray-enabled", TRUE);
  g_settings_set_boolean (settings, "run-in-background", TRUE);
  g_assert_true (run_app (store, settings));

  /* Nothing to run for in the background: no hold. */
  g_settings_set_boolean (settings, "tray-enabled", FALSE);
  g_assert_false (run_app (store, settings));

  /* A budget alone is reason enough. */
  g_settings_set_double (settings, "budget-monthly", 100.0);
  g_assert_true (run_app (store, settings));

  g_settings_set_boolean (settings, "run-in-background", FALSE);
  g_assert_false (run_app (store, settings));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GTestDBus) bus = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *home = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);

  home = cm_test_make_tmpdir ("home");
  g_setenv ("HOME", home, TRUE);
  g_setenv ("XDG_DATA_HOME", home, TRUE);
  g_setenv ("XDG_CONFIG_HOME", home, TRUE);
  g_setenv ("XDG_CACHE_HOME", home, TRUE);
  /* Budget notifications go to the fake server in test_tray. */
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);

  /* A private session bus, whatever the caller runs under. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  watcher_info = g_dbus_node_info_new_for_xml (watcher_xml, &error);
  g_assert_no_error (error);

  g_test_add_func ("/status-notifier/no-watcher", test_no_watcher);
  g_test_add_func ("/status-notifier/item", test_item);
  g_test_add_func ("/status-notifier/tray", test_tray);
  g_test_add_func ("/status-notifier/fixture-spend", test_fixture_spend);
  g_test_add_func ("/status-notifier/background", test_background);

  ret = g_test_run ();

  g_dbus_node_info_unref (watcher_info);
  g_test_dbus_down (bus);

  return ret;
}
