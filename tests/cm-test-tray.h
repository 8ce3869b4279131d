/* cm-test-tray.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "cm-store.h"

G_BEGIN_DECLS

/* Writes one priced message costing @cost (CmMoney) at @timestamp_ms and lets
 * the store announce the change. */
void      cm_test_add_spend      (CmStore         *store,
                                  gint64           timestamp_ms,
                                  CmMoney          cost);
/* Unix ms of a UTC date and time. */
gint64    cm_test_utc_ms         (int              year,
                                  int              month,
                                  int              day,
                                  int              hour);
/* Iterates the default main context until *@flag is TRUE (fails after 10 s). */
void      cm_test_wait_for       (const gboolean  *flag);
/* Waits until @func returns TRUE (fails after 10 s). */
void      cm_test_wait_until     (gboolean       (*func) (gpointer data),
                                  gpointer         data);
/* An asynchronous D-Bus call waited for on the main context, so the callee
 * may live in this process. Returns the reply or NULL with @error set. */
GVariant *cm_test_dbus_call      (GDBusConnection *connection,
                                  const char      *bus_name,
                                  const char      *object_path,
                                  const char      *interface_name,
                                  const char      *method_name,
                                  GVariant        *parameters,
                                  GError         **error);
/* A private connection to the session bus (its own unique name). */
GDBusConnection *cm_test_dbus_connect (void);

/* One notification the application sent. */
typedef struct
{
  char *id;
  char *title;
  char *body;
} CmTestNotification;

/* Starts a private session bus with a fake org.gtk.Notifications server
 * (GApplication's "gtk" backend sends every notification to it), in a
 * throw-away home, and registers an application @app_id on it. Call before
 * g_test_run (); it sets GNOTIFICATION_BACKEND. */
GApplication *cm_test_notifications_start (const char *app_id);
void          cm_test_notifications_stop  (void);
/* Every notification received so far (CmTestNotification), the last ones
 * sent included. */
GPtrArray    *cm_test_notifications_get   (void);

G_END_DECLS
