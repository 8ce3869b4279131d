/* cm-folder-watch.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Never fewer folder monitors than this, whatever the kernel allows. */
#define CM_FOLDER_WATCH_MIN_CAP 64
#define CM_FOLDER_WATCH_MAX_CAP 1024

#define CM_TYPE_FOLDER_WATCH (cm_folder_watch_get_type ())

G_DECLARE_FINAL_TYPE (CmFolderWatch, cm_folder_watch, CM, FOLDER_WATCH, GObject)

CmFolderWatch *cm_folder_watch_new           (void);

/* min (1024, fs.inotify.max_user_watches / 8), at least 64. */
guint          cm_folder_watch_default_cap   (void);
guint          cm_folder_watch_cap_for_limit (gint64          max_user_watches);

guint          cm_folder_watch_get_cap       (CmFolderWatch  *self);
void           cm_folder_watch_set_cap       (CmFolderWatch  *self,
                                              guint           cap);

/* Walks @roots on a worker and watches the roots, then their project
 * folders, then the most recently active folders below, up to the cap. */
void           cm_folder_watch_update_async  (CmFolderWatch  *self,
                                              const char * const *roots,
                                              GCancellable   *cancellable,
                                              GAsyncReadyCallback callback,
                                              gpointer        user_data);
gboolean       cm_folder_watch_update_finish (CmFolderWatch  *self,
                                              GAsyncResult   *result,
                                              GError        **error);

guint          cm_folder_watch_get_n_watched (CmFolderWatch  *self);
/* The most folders watched at once since the cap was set. */
guint          cm_folder_watch_get_n_peak    (CmFolderWatch  *self);
/* Folders the last walk found but could not watch. */
guint          cm_folder_watch_get_n_left_out (CmFolderWatch *self);
gboolean       cm_folder_watch_is_watching   (CmFolderWatch  *self,
                                              const char     *path);
void           cm_folder_watch_clear         (CmFolderWatch  *self);

G_END_DECLS
