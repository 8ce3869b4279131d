/* cm-screenshots.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Screenshots of every view of the window, as `costmeter --demo` opens it on
 * the fixture corpus, at several widths in the light and the dark style.
 * Not a test: data/screenshots/make-screenshots.sh runs it under Xvfb.
 *
 *   cm-screenshots OUT_DIR [CORPUS] [--widths 360,1000,1600] [--views a,b]
 *
 * Files are named <view>-<width>-<light|dark>.png; views are every page of
 * the window's view stack (so new views are taken without a change here)
 * plus "session" (the first session opened).
 */

#include "config.h"

#include <locale.h>
#include <string.h>

#include "cm-application-private.h"
#include "cm-window.h"

static void
iterate_for (guint ms)
{
  gint64 end = g_get_monotonic_time () + ms * 1000;

  while (g_get_monotonic_time () < end)
    {
      if (!g_main_context_iteration (NULL, FALSE))
        g_usleep (1000);
    }
}

static void
wait_until_idle (CmApplication *app)
{
  CmReport *report = cm_application_get_report (app);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;

  while ((cm_application_get_scanning (app) || cm_report_get_serial (report) == 0 ||
          cm_report_get_loading (report) ||
          (cm_report_get_stale (report) & cm_report_get_wanted (report))) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);

  /* Past stack transitions (200 ms) and the layout that follows. */
  iterate_for (500);
}

static gboolean
save_png (GtkWidget  *widget,
          const char *path)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  if (node == NULL)
    return FALSE;

  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)),
                                         node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_print ("%s (%dx%d)\n", path, width, height);

  return gdk_texture_save_to_png (texture, path);
}

/* The window at @width (the frame takes a few pixels), asking again when
 * a resize asked for right after another is lost. */
static void
resize (GtkWindow *window,
        int        width,
        int        height)
{
  for (guint attempt = 0; attempt < 4; attempt++)
    {
      int shown;

      if (attempt > 0)
        {
          gtk_window_set_default_size (window, width + 1, height);
          iterate_for (50);
        }
      gtk_window_set_default_size (window, width, height);
      for (int i = 0; i < 300; i++)
        {
          shown = gtk_widget_get_width (GTK_WIDGET (window));
          if (shown <= width && shown >= width - 16)
            break;
          iterate_for (10);
        }
      if (shown <= width && shown >= width - 16)
        break;
    }
  iterate_for (300);
}

static int
height_for (int width)
{
  /* A phone held upright, a laptop, a desktop monitor. */
  if (width <= 480)
    return 760;
  if (width <= 1100)
    return 760;

  return 960;
}

static GStrv
list_views (CmWindow *window)
{
  AdwViewStack *stack = cm_window_get_view_stack (window);
  g_autoptr(GStrvBuilder) views = g_strv_builder_new ();
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (stack);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (pages)); i++)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), i);

      if (gtk_widget_get_visible (adw_view_stack_page_get_child (page)) &&
          adw_view_stack_page_get_visible (page))
        g_strv_builder_add (views, adw_view_stack_page_get_name (page));
    }
  g_strv_builder_add (views, "session");

  return g_strv_builder_end (views);
}

static void
show (CmApplication *app,
      CmWindow      *window,
      const char    *view)
{
  CmSessionsPage *sessions = cm_window_get_sessions_page (window);

  if (g_str_equal (view, "session"))
    {
      cm_window_set_view (window, "sessions");
      wait_until_idle (app);
      cm_sessions_page_open (sessions, 0);
      /* The messages are read on a worker thread. */
      for (int i = 0; i < 200 && cm_session_detail_get_loading (cm_sessions_page_get_detail (sessions)); i++)
        iterate_for (10);
    }
  else
    {
      if (cm_sessions_page_get_showing_detail (sessions))
        gtk_widget_activate_action (GTK_WIDGET (cm_sessions_page_get_detail (sessions)), "session.back", NULL);
      cm_window_set_view (window, view);
    }
  wait_until_idle (app);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *widths_arg = NULL;
  g_autofree char *views_arg = NULL;
  g_auto(GStrv) rest = NULL;
  const GOptionEntry entries[] = {
    { "widths", 0, 0, G_OPTION_ARG_STRING, &widths_arg, "Comma-separated widths", "W,W" },
    { "views", 0, 0, G_OPTION_ARG_STRING, &views_arg, "Comma-separated views", "V,V" },
    { G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &rest, NULL, "OUT_DIR [CORPUS]" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("OUT_DIR [CORPUS]");
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) widths = NULL;
  g_auto(GStrv) views = NULL;
  const char *schemes[] = { "light", "dark" };
  CmApplication *app;
  CmWindow *window;
  int failed = 0;

  setlocale (LC_ALL, "");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || rest == NULL || rest[0] == NULL)
    {
      g_printerr ("%s\n", error ? error->message : "cm-screenshots OUT_DIR [CORPUS]");
      return 2;
    }
  g_mkdir_with_parents (rest[0], 0755);

  gtk_init ();
  app = g_object_new (CM_TYPE_APPLICATION,
                      "application-id", APP_ID ".Screenshots",
                      "resource-base-path", APP_PATH,
                      "flags", G_APPLICATION_NON_UNIQUE,
                      NULL);
  cm_application_set_demo_dir (app, rest[1] != NULL ? rest[1] : CM_FIXTURES_CORPUS);
  if (!g_application_register (G_APPLICATION (app), NULL, &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  g_settings_set_string (cm_application_get_settings (app), "timezone", "UTC");
  g_application_activate (G_APPLICATION (app));
  window = CM_WINDOW (gtk_application_get_active_window (GTK_APPLICATION (app)));
  wait_until_idle (app);

  widths = g_strsplit (widths_arg ? widths_arg : "360,1000,1600", ",", -1);
  views = views_arg ? g_strsplit (views_arg, ",", -1) : list_views (window);

  for (guint s = 0; s < G_N_ELEMENTS (schemes); s++)
    {
      adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                          s == 0 ? ADW_COLOR_SCHEME_FORCE_LIGHT : ADW_COLOR_SCHEME_FORCE_DARK);
      for (guint w = 0; widths[w] != NULL; w++)
        {
          int width = atoi (widths[w]);

          resize (GTK_WINDOW (window), width, height_for (width));
          for (guint v = 0; views[v] != NULL; v++)
            {
              g_autofree char *name = g_strdup_printf ("%s-%d-%s.png", views[v], width, schemes[s]);
              g_autofree char *path = g_build_filename (rest[0], name, NULL);

              show (app, window, views[v]);
              /* Nothing drawn yet right after a resize: once more. */
              if (!save_png (GTK_WIDGET (window), path) &&
                  (iterate_for (500), !save_png (GTK_WIDGET (window), path)))
                failed++;
            }
        }
    }

  gtk_window_destroy (GTK_WINDOW (window));
  iterate_for (50);
  g_object_unref (app);

  return failed > 0 ? 1 : 0;
}
