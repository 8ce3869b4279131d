/* cm-test-window.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * What the window test programs share: the application on a demo folder
 * (as `costmeter --demo` opens it), waiting for its report, showing a view,
 * screenshots into $CM_SCREENSHOT_DIR and looking for widgets.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cm-application-private.h"
#include "cm-window.h"

G_BEGIN_DECLS

/* Points HOME and the XDG folders at a fresh temporary folder. */
void           cm_test_window_isolate_home  (void);
/* ../shared/fixtures/expected-utc.json, parsed (owned by the helper). */
JsonObject    *cm_test_window_expected      (void);
/* A second instance of the app on @demo_dir with @app_id, activated and
 * read; @cap bounds its folder monitors (0: the default). */
CmApplication *cm_test_window_start_app     (const char    *demo_dir,
                                             const char    *app_id,
                                             guint          cap);
CmWindow      *cm_test_window_get_window    (CmApplication *app);
/* Runs the main loop for @ms. */
void           cm_test_window_iterate       (guint          ms);
typedef gboolean (*CmTestCondition) (gpointer data);
/* Runs the main loop until @condition holds; past @timeout_ms returns
 * FALSE (the caller's assertion then says what is wrong). */
gboolean       cm_test_window_wait_until    (CmTestCondition condition,
                                             gpointer       data,
                                             guint          timeout_ms);
/* Until @window is @width wide (as far as the window manager lets it). */
void           cm_test_window_set_width     (CmWindow      *window,
                                             int            width,
                                             int            height);
/* Until the report applied a result after @after_serial and is idle. */
void           cm_test_window_wait_report   (CmApplication *app,
                                             guint          after_serial);
/* After a filter edit: the next result. */
void           cm_test_window_wait_filter   (CmApplication *app);
/* Shows @view and waits until what it shows is read. */
void           cm_test_window_show_view     (CmApplication *app,
                                             const char    *view);
/* Saves @widget as @name in $CM_SCREENSHOT_DIR. */
void           cm_test_window_save_png      (GtkWidget     *widget,
                                             const char    *name);
gboolean       cm_test_window_find_label    (GtkWidget     *widget,
                                             const char    *text);
/* The first widget of @type under @widget (depth first), or NULL. */
GtkWidget     *cm_test_window_find_type     (GtkWidget     *widget,
                                             GType          type);
CmMoney        cm_test_window_usd_to_money  (double         usd);
/* The header of @widget's column titled @title (GTK 4.8 has no getter). */
GtkWidget     *cm_test_window_find_title    (GtkWidget     *widget,
                                             const char    *title);
/* @widget is shown and wholly inside @window's width, no transition of a
 * stack above it running. */
gboolean       cm_test_window_is_inside     (CmWindow      *window,
                                             GtkWidget     *widget);
/* @widget is shown and wholly inside @window's width. */
void           cm_test_window_assert_inside (CmWindow      *window,
                                             GtkWidget     *widget,
                                             const char    *what);
/* What Tab does in @window: the next widget, from the start again past the
 * last; returns the focus. */
GtkWidget     *cm_test_window_press_tab     (CmWindow      *window);
/* A screen reader has something to say: a label or a labelling widget (the
 * text of an entry is named by the entry). */
gboolean       cm_test_window_has_name      (GtkWidget     *widget);

G_END_DECLS
