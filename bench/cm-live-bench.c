/* cm-live-bench.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Benchmark harness for live updates (bench/live-bench.sh runs it; not a
 * test). Opens the real CmApplication/CmWindow on an existing database and
 * its sources, and prints:
 *   - the folder monitors after the first scan and folder walk,
 *   - resident memory once that has settled,
 *   - how long a line appended to $CM_LIVE_FILE takes to be counted,
 *   - the periodic rescan's duration and resident memory after it,
 *   - peak resident memory (VmHWM).
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cm-application-private.h"
#include "cm-bench-util.h"

#define SETTLE_US (3 * G_USEC_PER_SEC)

typedef enum
{
  PHASE_FIRST_SCAN,
  PHASE_FIRST_SETTLE,
  PHASE_APPEND,
  PHASE_RESCAN,
  PHASE_RESCAN_SETTLE,
} Phase;

static CmApplication *app;
static Phase phase = PHASE_FIRST_SCAN;
static gint64 phase_start_us;
static gint64 messages_before;
static gint64 run_start_us;

static gint64
range_messages (void)
{
  CmReport *report = cm_application_get_report (app);

  return cm_group_item_get_totals (cm_report_get_totals (report, CM_PERIOD_RANGE))->messages;
}

/* Not scanning, the views read, and the folder walk after the scan over. */
static gboolean
settled (void)
{
  CmReport *report = cm_application_get_report (app);
  CmFolderWatch *watch = cm_application_get_folder_watch (app);

  return !cm_application_get_scanning (app) &&
         cm_report_get_serial (report) > 0 && !cm_report_get_loading (report) &&
         (cm_application_get_periodic_rescan_interval (app) > 0 ||
          (cm_folder_watch_get_n_watched (watch) > 0 && cm_folder_watch_get_n_left_out (watch) == 0));
}

static void
print_monitors (void)
{
  CmFolderWatch *watch = cm_application_get_folder_watch (app);

  g_print ("folder monitors: %u active (cap %u, peak %u), %u folders left to the periodic rescan (every %u s)\n",
           cm_folder_watch_get_n_watched (watch), cm_folder_watch_get_cap (watch),
           cm_folder_watch_get_n_peak (watch), cm_folder_watch_get_n_left_out (watch),
           cm_application_get_periodic_rescan_interval (app));
}

/* The first line of @path made a new message: its ids get a new prefix. */
static gboolean
append_line (const char *path)
{
  static guint n;
  g_autofree char *contents = NULL;
  g_autoptr(GString) line = NULL;
  g_autofree char *id = g_strdup_printf ("\"id\":\"msg_livebench%u_%" G_GINT64_FORMAT, n, g_get_real_time ());
  g_autofree char *request = g_strdup_printf ("\"requestId\":\"req_livebench%u_%" G_GINT64_FORMAT, n++, g_get_real_time ());
  g_autoptr(GFileOutputStream) out = NULL;
  g_autoptr(GFile) file = g_file_new_for_path (path);

  if (!g_file_get_contents (path, &contents, NULL, NULL))
    return FALSE;

  line = g_string_new_len (contents, strcspn (contents, "\n"));
  g_string_replace (line, "\"id\":\"msg_", id, 1);
  g_string_replace (line, "\"requestId\":\"", request, 1);
  g_string_append_c (line, '\n');

  out = g_file_append_to (file, G_FILE_CREATE_NONE, NULL, NULL);
  return out != NULL &&
         g_output_stream_write_all (G_OUTPUT_STREAM (out), line->str, line->len, NULL, NULL, NULL) &&
         g_output_stream_close (G_OUTPUT_STREAM (out), NULL, NULL);
}

static void
next_phase (Phase next)
{
  phase = next;
  phase_start_us = g_get_monotonic_time ();
}

static gboolean
tick_cb (gpointer user_data)
{
  gint64 now = g_get_monotonic_time ();
  const char *live_file = g_getenv ("CM_LIVE_FILE");

  switch (phase)
    {
    case PHASE_FIRST_SCAN:
      if (!settled ())
        break;
      g_print ("first scan and folder walk: %.1f s after start\n", (now - run_start_us) / 1e6);
      next_phase (PHASE_FIRST_SETTLE);
      break;

    case PHASE_FIRST_SETTLE:
      if (now - phase_start_us < SETTLE_US)
        break;
      print_monitors ();
      g_print ("RSS after the first scan settled: %ld MiB (%" G_GINT64_FORMAT " messages in range)\n",
               cm_bench_status_kb ("VmRSS:") / 1024, range_messages ());
      if (live_file != NULL && append_line (live_file))
        {
          messages_before = range_messages ();
          next_phase (PHASE_APPEND);
          break;
        }
      next_phase (PHASE_RESCAN);
      cm_application_run_periodic_rescan (app);
      break;

    case PHASE_APPEND:
      if (range_messages () == messages_before)
        {
          if (now - phase_start_us > 60 * G_USEC_PER_SEC)
            {
              g_print ("a new line in a watched folder: not counted after 60 s\n");
              g_application_quit (G_APPLICATION (app));
            }
          break;
        }
      g_print ("a new line in a watched folder counted after %.0f ms\n", (now - phase_start_us) / 1e3);
      next_phase (PHASE_RESCAN);
      cm_application_run_periodic_rescan (app);
      break;

    case PHASE_RESCAN:
      if (!settled ())
        break;
      g_print ("periodic rescan and folder walk: %.1f s\n", (now - phase_start_us) / 1e6);
      next_phase (PHASE_RESCAN_SETTLE);
      break;

    case PHASE_RESCAN_SETTLE:
      if (now - phase_start_us < SETTLE_US)
        break;
      print_monitors ();
      g_print ("RSS after a periodic rescan: %ld MiB\n", cm_bench_status_kb ("VmRSS:") / 1024);
      g_application_quit (G_APPLICATION (app));
      return G_SOURCE_REMOVE;

    default:
      g_assert_not_reached ();
    }

  return G_SOURCE_CONTINUE;
}

/* All of history, as bench/ui-bench.sh does. */
static void
startup_cb (GApplication *application)
{
  GSettings *settings = cm_application_get_settings (app);

  if (settings != NULL)
    g_settings_set_string (settings, "date-range", "all");
}

static void
activate_cb (GApplication *application)
{
  g_timeout_add (50, tick_cb, NULL);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  run_start_us = g_get_monotonic_time ();
  app = cm_application_new ();
  g_signal_connect_after (app, "startup", G_CALLBACK (startup_cb), NULL);
  g_signal_connect_after (app, "activate", G_CALLBACK (activate_cb), NULL);
  ret = g_application_run (G_APPLICATION (app), argc, argv);

  g_print ("peak resident memory (VmHWM): %ld MiB\n", cm_bench_status_kb ("VmHWM:") / 1024);

  return ret;
}
