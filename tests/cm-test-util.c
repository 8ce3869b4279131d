/* cm-test-util.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>

#include "cm-test-util.h"

const char *
cm_test_fixtures_dir (void)
{
  const char *dir = g_getenv ("CM_FIXTURES_DIR");

  g_assert_nonnull (dir);
  g_assert_true (g_file_test (dir, G_FILE_TEST_IS_DIR));

  return dir;
}

void
cm_test_rm_rf (const char *path)
{
  GDir *dir;
  const char *name;

  if (g_file_test (path, G_FILE_TEST_IS_SYMLINK) || !g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_remove (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          cm_test_rm_rf (child);
        }
      g_dir_close (dir);
    }
  g_chmod (path, 0700);
  g_rmdir (path);
}

static GPtrArray *tmpdirs;

static void
remove_tmpdirs (void)
{
  for (guint i = 0; tmpdirs != NULL && i < tmpdirs->len; i++)
    cm_test_rm_rf (g_ptr_array_index (tmpdirs, i));
}

char *
cm_test_make_tmpdir (const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpl = g_strdup_printf ("costmeter-%s-XXXXXX", name);
  char *dir = g_dir_make_tmp (tmpl, &error);

  g_assert_no_error (error);

  if (tmpdirs == NULL)
    {
      tmpdirs = g_ptr_array_new_with_free_func (g_free);
      atexit (remove_tmpdirs);
    }
  g_ptr_array_add (tmpdirs, g_strdup (dir));

  return dir;
}

void
cm_test_write_file (const char *path,
                    const char *contents,
                    gssize      len)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *parent = g_path_get_dirname (path);

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

void
cm_test_append_file (const char *path,
                     const char *contents)
{
  g_autofree char *parent = g_path_get_dirname (path);
  FILE *f;

  g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
  f = fopen (path, "ab");
  g_assert_nonnull (f);
  g_assert_cmpint (fputs (contents, f), >=, 0);
  g_assert_cmpint (fclose (f), ==, 0);
}

static GString *captured_log;

static GLogWriterOutput
capture_writer (GLogLevelFlags   log_level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  for (gsize i = 0; i < n_fields; i++)
    {
      g_string_append_printf (captured_log, "%s=", fields[i].key);
      if (fields[i].length < 0)
        g_string_append (captured_log, fields[i].value);
      else
        g_string_append_len (captured_log, fields[i].value, fields[i].length);
      g_string_append_c (captured_log, '\n');
    }

  if (log_level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING))
    return g_log_writer_default (log_level, fields, n_fields, NULL);

  return G_LOG_WRITER_HANDLED;
}

GString *
cm_test_capture_logs (void)
{
  g_assert_null (captured_log);

  g_setenv ("G_MESSAGES_DEBUG", "all", TRUE);
  captured_log = g_string_new (NULL);
  g_log_set_writer_func (capture_writer, NULL, NULL);

  return captured_log;
}

typedef struct
{
  gboolean  done;
  char     *out;
  char     *err;
} Spawned;

static void
communicate_cb (GObject      *source,
                GAsyncResult *res,
                gpointer      user_data)
{
  Spawned *s = user_data;
  g_autoptr(GError) error = NULL;

  g_subprocess_communicate_utf8_finish (G_SUBPROCESS (source), res, &s->out, &s->err, &error);
  g_assert_no_error (error);
  s->done = TRUE;
}

int
cm_test_spawn (GSubprocessLauncher *launcher,
               const char * const  *argv,
               char               **out,
               char               **err)
{
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Spawned s = { FALSE, NULL, NULL };

  proc = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8_async (proc, NULL, NULL, communicate_cb, &s);
  while (!s.done)
    g_main_context_iteration (NULL, TRUE);
  g_subprocess_wait (proc, NULL, &error);
  g_assert_no_error (error);

  *out = s.out;
  *err = s.err;

  return g_subprocess_get_exit_status (proc);
}
