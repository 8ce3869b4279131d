/* cm-status-notifier.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <unistd.h>

#include "cm-status-notifier.h"

#define WATCHER_NAME  "org.kde.StatusNotifierWatcher"
#define WATCHER_PATH  "/StatusNotifierWatcher"
#define SNI_INTERFACE "org.kde.StatusNotifierItem"
#define MENU_INTERFACE "com.canonical.dbusmenu"

/* Written from the spec and the KDE XML; ToolTip is (sa(iiay)ss). */
static const char introspection_xml[] =
  "<node>"
  "  <interface name='org.kde.StatusNotifierItem'>"
  "    <property name='Category' type='s' access='read'/>"
  "    <property name='Id' type='s' access='read'/>"
  "    <property name='Title' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='WindowId' type='i' access='read'/>"
  "    <property name='IconThemePath' type='s' access='read'/>"
  "    <property name='IconName' type='s' access='read'/>"
  "    <property name='AttentionIconName' type='s' access='read'/>"
  "    <property name='ToolTip' type='(sa(iiay)ss)' access='read'/>"
  "    <property name='ItemIsMenu' type='b' access='read'/>"
  "    <property name='Menu' type='o' access='read'/>"
  "    <method name='ContextMenu'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='Activate'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='SecondaryActivate'>"
  "      <arg name='x' type='i' direction='in'/>"
  "      <arg name='y' type='i' direction='in'/>"
  "    </method>"
  "    <method name='Scroll'>"
  "      <arg name='delta' type='i' direction='in'/>"
  "      <arg name='orientation' type='s' direction='in'/>"
  "    </method>"
  "    <signal name='NewTitle'/>"
  "    <signal name='NewIcon'/>"
  "    <signal name='NewAttentionIcon'/>"
  "    <signal name='NewToolTip'/>"
  "    <signal name='NewStatus'>"
  "      <arg name='status' type='s'/>"
  "    </signal>"
  "  </interface>"
  "  <interface name='com.canonical.dbusmenu'>"
  "    <property name='Version' type='u' access='read'/>"
  "    <property name='TextDirection' type='s' access='read'/>"
  "    <property name='Status' type='s' access='read'/>"
  "    <property name='IconThemePath' type='as' access='read'/>"
  "    <method name='GetLayout'>"
  "      <arg name='parentId' type='i' direction='in'/>"
  "      <arg name='recursionDepth' type='i' direction='in'/>"
  "      <arg name='propertyNames' type='as' direction='in'/>"
  "      <arg name='revision' type='u' direction='out'/>"
  "      <arg name='layout' type='(ia{sv}av)' direction='out'/>"
  "    </method>"
  "    <method name='GetGroupProperties'>"
  "      <arg name='ids' type='ai' direction='in'/>"
  "      <arg name='propertyNames' type='as' direction='in'/>"
  "      <arg name='properties' type='a(ia{sv})' direction='out'/>"
  "    </method>"
  "    <method name='GetProperty'>"
  "      <arg name='id' type='i' direction='in'/>"
  "      <arg name='name' type='s' direction='in'/>"
  "      <arg name='value' type='v' direction='out'/>"
  "    </method>"
  "    <method name='Event'>"
  "      <arg name='id' type='i' direction='in'/>"
  "      <arg name='eventId' type='s' direction='in'/>"
  "      <arg name='data' type='v' direction='in'/>"
  "      <arg name='timestamp' type='u' direction='in'/>"
  "    </method>"
  "    <method name='EventGroup'>"
  "      <arg name='events' type='a(isvu)' direction='in'/>"
  "      <arg name='idErrors' type='ai' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShow'>"
  "      <arg name='id' type='i' direction='in'/>"
  "      <arg name='needUpdate' type='b' direction='out'/>"
  "    </method>"
  "    <method name='AboutToShowGroup'>"
  "      <arg name='ids' type='ai' direction='in'/>"
  "      <arg name='updatesNeeded' type='ai' direction='out'/>"
  "      <arg name='idErrors' type='ai' direction='out'/>"
  "    </method>"
  "    <signal name='ItemsPropertiesUpdated'>"
  "      <arg name='updatedProps' type='a(ia{sv})'/>"
  "      <arg name='removedProps' type='a(ias)'/>"
  "    </signal>"
  "    <signal name='LayoutUpdated'>"
  "      <arg name='revision' type='u'/>"
  "      <arg name='parent' type='i'/>"
  "    </signal>"
  "    <signal name='ItemActivationRequested'>"
  "      <arg name='id' type='i'/>"
  "      <arg name='timestamp' type='u'/>"
  "    </signal>"
  "  </interface>"
  "</node>";

static GDBusNodeInfo *introspection_data;

struct _CmStatusNotifier
{
  GObject       parent_instance;

  char         *id;
  GActionGroup *actions;
  char         *title;
  char         *tooltip_text;
  char         *icon_name;
  char         *status;

  char         *bus_name;
  guint         owner_id;
  guint         watcher_id;
  GDBusConnection *connection;
  guint         item_reg_id;
  guint         menu_reg_id;
  GCancellable *cancellable;
  guint         menu_revision;
  gboolean      registered;
};

G_DEFINE_FINAL_TYPE (CmStatusNotifier, cm_status_notifier, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_ACTIONS,
  PROP_TITLE,
  PROP_TOOLTIP_TEXT,
  PROP_ICON_NAME,
  PROP_STATUS,
  PROP_BUS_NAME,
  PROP_REGISTERED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static guint name_counter;

/* g_set_str() is GLib 2.76. */
static gboolean
set_str (char       **str_pointer,
         const char  *new_str)
{
  if (g_strcmp0 (*str_pointer, new_str) == 0)
    return FALSE;

  g_free (*str_pointer);
  *str_pointer = g_strdup (new_str);
  return TRUE;
}

typedef struct
{
  const char *label;
  const char *action;   /* in the action group, without "app." */
  gboolean    separator;
  gboolean    toggle;
} MenuItem;

/* Indexed by CmTrayItem. */
static const MenuItem menu_items[CM_TRAY_N_ITEMS] = {
  [CM_TRAY_ITEM_ROOT] = { NULL, NULL, FALSE, FALSE },
  [CM_TRAY_ITEM_OPEN] = { N_("_Open CostMeter"), "show-window", FALSE, FALSE },
  [CM_TRAY_ITEM_RESCAN] = { N_("_Rescan"), "rescan", FALSE, FALSE },
  [CM_TRAY_ITEM_PAUSE] = { N_("_Pause Live Updates"), "pause-live", FALSE, TRUE },
  [CM_TRAY_ITEM_SEPARATOR] = { NULL, NULL, TRUE, FALSE },
  [CM_TRAY_ITEM_QUIT] = { N_("_Quit"), "quit", FALSE, FALSE },
};

static void
emit_item_signal (CmStatusNotifier *self,
                  const char       *signal_name,
                  GVariant         *parameters)
{
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL || self->item_reg_id == 0)
    {
      if (parameters != NULL)
        g_variant_unref (g_variant_ref_sink (parameters));
      return;
    }

  if (!g_dbus_connection_emit_signal (self->connection, NULL, CM_STATUS_NOTIFIER_PATH,
                                      SNI_INTERFACE, signal_name, parameters, &error))
    g_debug ("Could not emit %s: %s", signal_name, error->message);
}

static gboolean
item_has_toggle_state (CmStatusNotifier *self,
                       int               id,
                       gboolean         *state)
{
  g_autoptr(GVariant) value = NULL;

  if (!menu_items[id].toggle || self->actions == NULL)
    return FALSE;

  value = g_action_group_get_action_state (self->actions, menu_items[id].action);
  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    return FALSE;

  *state = g_variant_get_boolean (value);
  return TRUE;
}

static gboolean
item_enabled (CmStatusNotifier *self,
              int               id)
{
  const char *action = menu_items[id].action;

  if (action == NULL || self->actions == NULL)
    return TRUE;

  return g_action_group_has_action (self->actions, action) &&
         g_action_group_get_action_enabled (self->actions, action);
}

static gboolean
name_wanted (const char * const *names,
             const char         *name)
{
  return names == NULL || names[0] == NULL || g_strv_contains (names, name);
}

/* a{sv} of one item, limited to @names when non-empty. */
static GVariant *
item_properties (CmStatusNotifier   *self,
                 int                 id,
                 const char * const *names)
{
  GVariantBuilder builder;
  gboolean state;

  g_variant_builder_init (&builder, G_VARIANT_TYPE_VARDICT);

  if (id == CM_TRAY_ITEM_ROOT)
    {
      if (name_wanted (names, "children-display"))
        g_variant_builder_add (&builder, "{sv}", "children-display", g_variant_new_string ("submenu"));
      return g_variant_builder_end (&builder);
    }

  if (menu_items[id].separator)
    {
      if (name_wanted (names, "type"))
        g_variant_builder_add (&builder, "{sv}", "type", g_variant_new_string ("separator"));
      return g_variant_builder_end (&builder);
    }

  if (name_wanted (names, "label"))
    g_variant_builder_add (&builder, "{sv}", "label",
                           g_variant_new_string (_(menu_items[id].label)));
  if (name_wanted (names, "enabled"))
    g_variant_builder_add (&builder, "{sv}", "enabled",
                           g_variant_new_boolean (item_enabled (self, id)));
  if (name_wanted (names, "visible"))
    g_variant_builder_add (&builder, "{sv}", "visible", g_variant_new_boolean (TRUE));

  if (item_has_toggle_state (self, id, &state))
    {
      if (name_wanted (names, "toggle-type"))
        g_variant_builder_add (&builder, "{sv}", "toggle-type", g_variant_new_string ("checkmark"));
      if (name_wanted (names, "toggle-state"))
        g_variant_builder_add (&builder, "{sv}", "toggle-state", g_variant_new_int32 (state ? 1 : 0));
    }

  return g_variant_builder_end (&builder);
}

static GVariant *
item_layout (CmStatusNotifier   *self,
             int                 id,
             int                 depth,
             const char * const *names)
{
  GVariantBuilder children;

  g_variant_builder_init (&children, G_VARIANT_TYPE ("av"));

  /* Only the root has children; depth -1 means all levels. */
  if (id == CM_TRAY_ITEM_ROOT && depth != 0)
    {
      for (int i = CM_TRAY_ITEM_ROOT + 1; i < CM_TRAY_N_ITEMS; i++)
        g_variant_builder_add (&children, "v", item_layout (self, i, depth - 1, names));
    }

  return g_variant_new ("(i@a{sv}av)", id, item_properties (self, id, names), &children);
}

/* Translators: "default:RTL" for right-to-left languages, else leave as is. */
static const char *
text_direction (void)
{
  return g_strcmp0 (_("default:LTR"), "default:RTL") == 0 ? "rtl" : "ltr";
}

static gboolean
valid_item (int id)
{
  return id >= CM_TRAY_ITEM_ROOT && id < CM_TRAY_N_ITEMS;
}

static void
activate_action (CmStatusNotifier *self,
                 const char       *action)
{
  if (self->actions == NULL || !g_action_group_has_action (self->actions, action) ||
      !g_action_group_get_action_enabled (self->actions, action))
    return;

  /* A stateful boolean without a parameter (pause-live) toggles itself when
   * activated, or the application's handler does; either way the menu
   * follows action-state-changed. */
  g_action_group_activate_action (self->actions, action, NULL);
}

static gboolean
menu_event (CmStatusNotifier *self,
            int               id,
            const char       *event_id)
{
  if (!valid_item (id))
    return FALSE;

  if (g_strcmp0 (event_id, "clicked") == 0 && menu_items[id].action != NULL)
    activate_action (self, menu_items[id].action);

  return TRUE;
}

static void
handle_menu_method (CmStatusNotifier      *self,
                    const char            *method_name,
                    GVariant              *parameters,
                    GDBusMethodInvocation *invocation)
{
  if (g_strcmp0 (method_name, "GetLayout") == 0)
    {
      int parent, depth;
      g_autofree const char **names = NULL;

      g_variant_get (parameters, "(ii^a&s)", &parent, &depth, &names);
      if (!valid_item (parent))
        {
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                                 "No menu item %d", parent);
          return;
        }
      g_dbus_method_invocation_return_value (invocation,
                                             g_variant_new ("(u@(ia{sv}av))", self->menu_revision,
                                                            item_layout (self, parent, depth, names)));
    }
  else if (g_strcmp0 (method_name, "GetGroupProperties") == 0)
    {
      g_autoptr(GVariantIter) ids = NULL;
      g_autofree const char **names = NULL;
      GVariantBuilder builder;
      int id;

      g_variant_get (parameters, "(ai^a&s)", &ids, &names);
      g_variant_builder_init (&builder, G_VARIANT_TYPE ("a(ia{sv})"));
      while (g_variant_iter_next (ids, "i", &id))
        if (valid_item (id))
          g_variant_builder_add (&builder, "(i@a{sv})", id, item_properties (self, id, names));
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(a(ia{sv}))", &builder));
    }
  else if (g_strcmp0 (method_name, "GetProperty") == 0)
    {
      const char *name;
      const char *names[2] = { NULL, NULL };
      g_autoptr(GVariant) props = NULL;
      g_autoptr(GVariant) value = NULL;
      int id;

      g_variant_get (parameters, "(i&s)", &id, &name);
      names[0] = name;
      if (valid_item (id))
        {
          props = item_properties (self, id, names);
          value = g_variant_lookup_value (props, name, NULL);
        }
      if (value == NULL)
        g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               "No property %s on item %d", name, id);
      else
        g_dbus_method_invocation_return_value (invocation, g_variant_new ("(v)", value));
    }
  else if (g_strcmp0 (method_name, "Event") == 0)
    {
      const char *event_id;
      int id;

      g_variant_get (parameters, "(i&svu)", &id, &event_id, NULL, NULL);
      if (menu_event (self, id, event_id))
        g_dbus_method_invocation_return_value (invocation, NULL);
      else
        g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                               "No menu item %d", id);
    }
  else if (g_strcmp0 (method_name, "EventGroup") == 0)
    {
      g_autoptr(GVariantIter) events = NULL;
      GVariantBuilder errors;
      const char *event_id;
      int id;

      g_variant_get (parameters, "(a(isvu))", &events);
      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      while (g_variant_iter_next (events, "(i&svu)", &id, &event_id, NULL, NULL))
        if (!menu_event (self, id, event_id))
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(ai)", &errors));
    }
  else if (g_strcmp0 (method_name, "AboutToShow") == 0)
    {
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(b)", FALSE));
    }
  else if (g_strcmp0 (method_name, "AboutToShowGroup") == 0)
    {
      g_autoptr(GVariantIter) ids = NULL;
      GVariantBuilder updates, errors;
      int id;

      g_variant_get (parameters, "(ai)", &ids);
      g_variant_builder_init (&updates, G_VARIANT_TYPE ("ai"));
      g_variant_builder_init (&errors, G_VARIANT_TYPE ("ai"));
      while (g_variant_iter_next (ids, "i", &id))
        if (!valid_item (id))
          g_variant_builder_add (&errors, "i", id);
      g_dbus_method_invocation_return_value (invocation, g_variant_new ("(aiai)", &updates, &errors));
    }
  else
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_METHOD,
                                             "Unknown method %s", method_name);
    }
}

static void
method_call_cb (GDBusConnection       *connection,
                const char            *sender,
                const char            *object_path,
                const char            *interface_name,
                const char            *method_name,
                GVariant              *parameters,
                GDBusMethodInvocation *invocation,
                gpointer               user_data)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (user_data);

  if (g_strcmp0 (interface_name, MENU_INTERFACE) == 0)
    {
      handle_menu_method (self, method_name, parameters, invocation);
      return;
    }

  /* The item: a click opens the window; hosts with a dbusmenu show the menu
   * themselves, others call ContextMenu, which also opens the window. */
  if (g_strcmp0 (method_name, "Activate") == 0 ||
      g_strcmp0 (method_name, "SecondaryActivate") == 0 ||
      g_strcmp0 (method_name, "ContextMenu") == 0)
    activate_action (self, "show-window");

  /* Scroll has no meaning here. */
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
get_property_cb (GDBusConnection  *connection,
                 const char       *sender,
                 const char       *object_path,
                 const char       *interface_name,
                 const char       *property_name,
                 GError          **error,
                 gpointer          user_data)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (user_data);

  if (g_strcmp0 (interface_name, MENU_INTERFACE) == 0)
    {
      if (g_strcmp0 (property_name, "Version") == 0)
        return g_variant_new_uint32 (3);
      if (g_strcmp0 (property_name, "TextDirection") == 0)
        return g_variant_new_string (text_direction ());
      if (g_strcmp0 (property_name, "Status") == 0)
        return g_variant_new_string ("normal");
      if (g_strcmp0 (property_name, "IconThemePath") == 0)
        return g_variant_new_strv (NULL, 0);
    }
  else
    {
      if (g_strcmp0 (property_name, "Category") == 0)
        return g_variant_new_string ("ApplicationStatus");
      if (g_strcmp0 (property_name, "Id") == 0)
        return g_variant_new_string (self->id);
      if (g_strcmp0 (property_name, "Title") == 0)
        return g_variant_new_string (self->title ? self->title : "");
      if (g_strcmp0 (property_name, "Status") == 0)
        return g_variant_new_string (self->status);
      if (g_strcmp0 (property_name, "WindowId") == 0)
        return g_variant_new_int32 (0);
      if (g_strcmp0 (property_name, "IconThemePath") == 0)
        return g_variant_new_string ("");
      if (g_strcmp0 (property_name, "IconName") == 0)
        return g_variant_new_string (self->icon_name ? self->icon_name : "");
      if (g_strcmp0 (property_name, "AttentionIconName") == 0)
        return g_variant_new_string ("");
      if (g_strcmp0 (property_name, "ToolTip") == 0)
        return g_variant_new ("(s@a(iiay)ss)",
                              self->icon_name ? self->icon_name : "",
                              g_variant_new_array (G_VARIANT_TYPE ("(iiay)"), NULL, 0),
                              self->title ? self->title : "",
                              self->tooltip_text ? self->tooltip_text : "");
      if (g_strcmp0 (property_name, "ItemIsMenu") == 0)
        return g_variant_new_boolean (FALSE);
      if (g_strcmp0 (property_name, "Menu") == 0)
        return g_variant_new_object_path (CM_STATUS_NOTIFIER_MENU_PATH);
    }

  g_set_error (error, G_DBUS_ERROR, G_DBUS_ERROR_UNKNOWN_PROPERTY,
               "Unknown property %s", property_name);
  return NULL;
}

static const GDBusInterfaceVTable vtable = {
  method_call_cb,
  get_property_cb,
  NULL,
  { 0 }
};

static void
set_registered (CmStatusNotifier *self,
                gboolean          registered)
{
  if (self->registered == registered)
    return;

  self->registered = registered;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REGISTERED]);
}

static void
register_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(CmStatusNotifier) self = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      /* A watcher that refuses us is no reason to complain to the user. */
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_debug ("StatusNotifierWatcher refused the item: %s", error->message);
      return;
    }

  set_registered (self, TRUE);
}

static void
watcher_appeared_cb (GDBusConnection *connection,
                     const char      *name,
                     const char      *name_owner,
                     gpointer         user_data)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (user_data);

  /* The objects are exported before the name is owned and watched, so the
   * watcher can introspect us as soon as it hears of us. */
  g_dbus_connection_call (connection, name_owner, WATCHER_PATH, WATCHER_NAME,
                          "RegisterStatusNotifierItem",
                          g_variant_new ("(s)", self->bus_name),
                          NULL, G_DBUS_CALL_FLAGS_NO_AUTO_START, -1,
                          self->cancellable, register_cb, g_object_ref (self));
}

static void
watcher_vanished_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  set_registered (CM_STATUS_NOTIFIER (user_data), FALSE);
}

static void
bus_acquired_cb (GDBusConnection *connection,
                 const char      *name,
                 gpointer         user_data)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (user_data);
  g_autoptr(GError) error = NULL;

  g_set_object (&self->connection, connection);

  self->item_reg_id = g_dbus_connection_register_object (connection, CM_STATUS_NOTIFIER_PATH,
                                                         introspection_data->interfaces[0],
                                                         &vtable, self, NULL, &error);
  if (self->item_reg_id == 0)
    {
      g_debug ("Could not export the status notifier item: %s", error->message);
      return;
    }

  self->menu_reg_id = g_dbus_connection_register_object (connection, CM_STATUS_NOTIFIER_MENU_PATH,
                                                         introspection_data->interfaces[1],
                                                         &vtable, self, NULL, &error);
  if (self->menu_reg_id == 0)
    g_debug ("Could not export the tray menu: %s", error->message);
}

static void
name_acquired_cb (GDBusConnection *connection,
                  const char      *name,
                  gpointer         user_data)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (user_data);

  if (self->watcher_id != 0 || self->item_reg_id == 0)
    return;

  self->watcher_id = g_bus_watch_name_on_connection (connection, WATCHER_NAME,
                                                     G_BUS_NAME_WATCHER_FLAGS_NONE,
                                                     watcher_appeared_cb, watcher_vanished_cb,
                                                     self, NULL);
}

static void
name_lost_cb (GDBusConnection *connection,
              const char      *name,
              gpointer         user_data)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (user_data);

  /* No session bus (or the name is taken): no tray, no error. */
  g_debug ("No status notifier item: could not own %s", name);
  set_registered (self, FALSE);
}

static void
menu_item_changed (CmStatusNotifier *self,
                   int               id)
{
  GVariantBuilder updated;
  g_autoptr(GError) error = NULL;

  if (self->connection == NULL || self->menu_reg_id == 0)
    return;

  g_variant_builder_init (&updated, G_VARIANT_TYPE ("a(ia{sv})"));
  g_variant_builder_add (&updated, "(i@a{sv})", id, item_properties (self, id, NULL));

  if (!g_dbus_connection_emit_signal (self->connection, NULL, CM_STATUS_NOTIFIER_MENU_PATH,
                                      MENU_INTERFACE, "ItemsPropertiesUpdated",
                                      g_variant_new ("(a(ia{sv})a(ias))", &updated, NULL),
                                      &error))
    g_debug ("Could not update the tray menu: %s", error->message);
}

static void
action_changed (CmStatusNotifier *self,
                const char       *action_name)
{
  for (int i = 0; i < CM_TRAY_N_ITEMS; i++)
    if (g_strcmp0 (menu_items[i].action, action_name) == 0)
      menu_item_changed (self, i);
}

static void
action_state_changed_cb (CmStatusNotifier *self,
                         const char       *action_name,
                         GVariant         *state)
{
  action_changed (self, action_name);
}

static void
action_enabled_changed_cb (CmStatusNotifier *self,
                           const char       *action_name,
                           gboolean          enabled)
{
  action_changed (self, action_name);
}

static void
action_added_cb (CmStatusNotifier *self,
                 const char       *action_name)
{
  action_changed (self, action_name);
}

void
cm_status_notifier_start (CmStatusNotifier *self)
{
  g_return_if_fail (CM_IS_STATUS_NOTIFIER (self));

  if (self->owner_id != 0)
    return;

  self->cancellable = g_cancellable_new ();
  g_free (self->bus_name);
  self->bus_name = g_strdup_printf ("org.kde.StatusNotifierItem-%d-%u",
                                    (int) getpid (), ++name_counter);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUS_NAME]);

  self->owner_id = g_bus_own_name (G_BUS_TYPE_SESSION, self->bus_name,
                                   G_BUS_NAME_OWNER_FLAGS_DO_NOT_QUEUE,
                                   bus_acquired_cb, name_acquired_cb, name_lost_cb,
                                   self, NULL);
}

void
cm_status_notifier_stop (CmStatusNotifier *self)
{
  g_return_if_fail (CM_IS_STATUS_NOTIFIER (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_handle_id (&self->watcher_id, g_bus_unwatch_name);
  if (self->connection != NULL)
    {
      if (self->item_reg_id != 0)
        g_dbus_connection_unregister_object (self->connection, self->item_reg_id);
      if (self->menu_reg_id != 0)
        g_dbus_connection_unregister_object (self->connection, self->menu_reg_id);
    }
  self->item_reg_id = 0;
  self->menu_reg_id = 0;
  g_clear_handle_id (&self->owner_id, g_bus_unown_name);
  g_clear_object (&self->connection);
  set_registered (self, FALSE);
}

const char *
cm_status_notifier_get_bus_name (CmStatusNotifier *self)
{
  g_return_val_if_fail (CM_IS_STATUS_NOTIFIER (self), NULL);
  return self->bus_name;
}

gboolean
cm_status_notifier_get_registered (CmStatusNotifier *self)
{
  g_return_val_if_fail (CM_IS_STATUS_NOTIFIER (self), FALSE);
  return self->registered;
}

const char *
cm_status_notifier_get_title (CmStatusNotifier *self)
{
  g_return_val_if_fail (CM_IS_STATUS_NOTIFIER (self), NULL);
  return self->title;
}

void
cm_status_notifier_set_title (CmStatusNotifier *self,
                              const char       *title)
{
  g_return_if_fail (CM_IS_STATUS_NOTIFIER (self));

  if (!set_str (&self->title, title))
    return;

  emit_item_signal (self, "NewTitle", NULL);
  /* The tooltip repeats the title. */
  emit_item_signal (self, "NewToolTip", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
cm_status_notifier_get_tooltip_text (CmStatusNotifier *self)
{
  g_return_val_if_fail (CM_IS_STATUS_NOTIFIER (self), NULL);
  return self->tooltip_text;
}

void
cm_status_notifier_set_tooltip_text (CmStatusNotifier *self,
                                     const char       *text)
{
  g_return_if_fail (CM_IS_STATUS_NOTIFIER (self));

  if (!set_str (&self->tooltip_text, text))
    return;

  emit_item_signal (self, "NewToolTip", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOOLTIP_TEXT]);
}

const char *
cm_status_notifier_get_icon_name (CmStatusNotifier *self)
{
  g_return_val_if_fail (CM_IS_STATUS_NOTIFIER (self), NULL);
  return self->icon_name;
}

void
cm_status_notifier_set_icon_name (CmStatusNotifier *self,
                                  const char       *icon_name)
{
  g_return_if_fail (CM_IS_STATUS_NOTIFIER (self));

  if (!set_str (&self->icon_name, icon_name))
    return;

  emit_item_signal (self, "NewIcon", NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ICON_NAME]);
}

const char *
cm_status_notifier_get_status (CmStatusNotifier *self)
{
  g_return_val_if_fail (CM_IS_STATUS_NOTIFIER (self), NULL);
  return self->status;
}

void
cm_status_notifier_set_status (CmStatusNotifier *self,
                               const char       *status)
{
  g_return_if_fail (CM_IS_STATUS_NOTIFIER (self));
  g_return_if_fail (g_strcmp0 (status, "Passive") == 0 ||
                    g_strcmp0 (status, "Active") == 0 ||
                    g_strcmp0 (status, "NeedsAttention") == 0);

  if (!set_str (&self->status, status))
    return;

  emit_item_signal (self, "NewStatus", g_variant_new ("(s)", status));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static void
cm_status_notifier_dispose (GObject *object)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (object);

  cm_status_notifier_stop (self);
  if (self->actions != NULL)
    g_signal_handlers_disconnect_by_data (self->actions, self);
  g_clear_object (&self->actions);

  G_OBJECT_CLASS (cm_status_notifier_parent_class)->dispose (object);
}

static void
cm_status_notifier_finalize (GObject *object)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (object);

  g_free (self->id);
  g_free (self->title);
  g_free (self->tooltip_text);
  g_free (self->icon_name);
  g_free (self->status);
  g_free (self->bus_name);

  G_OBJECT_CLASS (cm_status_notifier_parent_class)->finalize (object);
}

static void
cm_status_notifier_constructed (GObject *object)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (object);

  G_OBJECT_CLASS (cm_status_notifier_parent_class)->constructed (object);

  if (self->actions != NULL)
    {
      g_signal_connect_swapped (self->actions, "action-state-changed",
                                G_CALLBACK (action_state_changed_cb), self);
      g_signal_connect_swapped (self->actions, "action-enabled-changed",
                                G_CALLBACK (action_enabled_changed_cb), self);
      g_signal_connect_swapped (self->actions, "action-added",
                                G_CALLBACK (action_added_cb), self);
    }
}

static void
cm_status_notifier_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_ACTIONS:
      g_value_set_object (value, self->actions);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_TOOLTIP_TEXT:
      g_value_set_string (value, self->tooltip_text);
      break;
    case PROP_ICON_NAME:
      g_value_set_string (value, self->icon_name);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_BUS_NAME:
      g_value_set_string (value, self->bus_name);
      break;
    case PROP_REGISTERED:
      g_value_set_boolean (value, self->registered);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_status_notifier_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CmStatusNotifier *self = CM_STATUS_NOTIFIER (object);

  switch (prop_id)
    {
    case PROP_ID:
      set_str (&self->id, g_value_get_string (value));
      break;
    case PROP_ACTIONS:
      g_set_object (&self->actions, g_value_get_object (value));
      break;
    case PROP_TITLE:
      cm_status_notifier_set_title (self, g_value_get_string (value));
      break;
    case PROP_TOOLTIP_TEXT:
      cm_status_notifier_set_tooltip_text (self, g_value_get_string (value));
      break;
    case PROP_ICON_NAME:
      cm_status_notifier_set_icon_name (self, g_value_get_string (value));
      break;
    case PROP_STATUS:
      cm_status_notifier_set_status (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_status_notifier_class_init (CmStatusNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = cm_status_notifier_constructed;
  object_class->dispose = cm_status_notifier_dispose;
  object_class->finalize = cm_status_notifier_finalize;
  object_class->get_property = cm_status_notifier_get_property;
  object_class->set_property = cm_status_notifier_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL, "costmeter",
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ACTIONS] =
    g_param_spec_object ("actions", NULL, NULL, G_TYPE_ACTION_GROUP,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_TOOLTIP_TEXT] =
    g_param_spec_string ("tooltip-text", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ICON_NAME] =
    g_param_spec_string ("icon-name", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL, "Active",
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUS_NAME] =
    g_param_spec_string ("bus-name", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REGISTERED] =
    g_param_spec_boolean ("registered", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  introspection_data = g_dbus_node_info_new_for_xml (introspection_xml, NULL);
  g_assert (introspection_data != NULL);
}

static void
cm_status_notifier_init (CmStatusNotifier *self)
{
  self->status = g_strdup ("Active");
  self->menu_revision = 1;
}

CmStatusNotifier *
cm_status_notifier_new (const char   *id,
                        GActionGroup *actions)
{
  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (actions == NULL || G_IS_ACTION_GROUP (actions), NULL);

  return g_object_new (CM_TYPE_STATUS_NOTIFIER,
                       "id", id,
                       "actions", actions,
                       NULL);
}
