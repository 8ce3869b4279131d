/* cm-status-notifier.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define CM_STATUS_NOTIFIER_PATH      "/StatusNotifierItem"
#define CM_STATUS_NOTIFIER_MENU_PATH "/MenuBar"

/* Menu item ids of the exported com.canonical.dbusmenu layout. */
typedef enum
{
  CM_TRAY_ITEM_ROOT = 0,
  CM_TRAY_ITEM_OPEN,
  CM_TRAY_ITEM_RESCAN,
  CM_TRAY_ITEM_PAUSE,
  CM_TRAY_ITEM_SEPARATOR,
  CM_TRAY_ITEM_QUIT,
  CM_TRAY_N_ITEMS
} CmTrayItem;

#define CM_TYPE_STATUS_NOTIFIER (cm_status_notifier_get_type ())

G_DECLARE_FINAL_TYPE (CmStatusNotifier, cm_status_notifier, CM, STATUS_NOTIFIER, GObject)

/* @actions holds "show-window", "rescan", "pause-live" (boolean state) and
 * "quit" (a GApplication is such a group). Nothing is exported until
 * cm_status_notifier_start(). */
CmStatusNotifier *cm_status_notifier_new              (const char       *id,
                                                       GActionGroup     *actions);
/* Owns a unique org.kde.StatusNotifierItem-PID-N name on the session bus,
 * exports the item and its menu, and registers with the watcher whenever one
 * appears. Without a bus or a watcher nothing is shown and nothing fails. */
void              cm_status_notifier_start            (CmStatusNotifier *self);
/* Unexports everything and releases the name. */
void              cm_status_notifier_stop             (CmStatusNotifier *self);

const char       *cm_status_notifier_get_bus_name     (CmStatusNotifier *self);
gboolean          cm_status_notifier_get_registered   (CmStatusNotifier *self);

const char       *cm_status_notifier_get_title        (CmStatusNotifier *self);
void              cm_status_notifier_set_title        (CmStatusNotifier *self,
                                                       const char       *title);
const char       *cm_status_notifier_get_tooltip_text (CmStatusNotifier *self);
void              cm_status_notifier_set_tooltip_text (CmStatusNotifier *self,
                                                       const char       *text);
const char       *cm_status_notifier_get_icon_name    (CmStatusNotifier *self);
void              cm_status_notifier_set_icon_name    (CmStatusNotifier *self,
                                                       const char       *icon_name);
/* "Passive", "Active" or "NeedsAttention". */
const char       *cm_status_notifier_get_status       (CmStatusNotifier *self);
void              cm_status_notifier_set_status       (CmStatusNotifier *self,
                                                       const char       *status);

G_END_DECLS
