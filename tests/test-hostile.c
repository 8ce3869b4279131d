/* test-hostile.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Hostile input through costmeter-cli: each hostile line sits between two
 * good lines of known usage. The scan must finish, skip the hostile line with
 * a count, and keep every good line: the totals are exactly the good lines'.
 * Also: symlink loops, unreadable files, filters made of SQL, file modes.
 */

#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cm-test-util.h"

static char *tmpdir;

typedef struct
{
  int   status;
  char *out;
  char *err;
} Result;

static void
result_clear (Result *r)
{
  g_clear_pointer (&r->out, g_free);
  g_clear_pointer (&r->err, g_free);
}

static void
drop_privileges_cb (gpointer data)
{
  /* As root every file is readable: test as nobody instead. */
  if (setgid (65534) != 0 || setuid (65534) != 0)
    _exit (99);
}

static Result
run_cli_argv (gboolean            as_nobody,
              const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GSubprocess) proc = NULL;
  g_autoptr(GError) error = NULL;
  Result r = { 0 };

  g_ptr_array_add (argv, (char *) g_getenv ("CM_CLI"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_CONFIG_HOME", tmpdir, TRUE);
  g_subprocess_launcher_setenv (launcher, "XDG_DATA_HOME", tmpdir, TRUE);
  g_subprocess_launcher_unsetenv (launcher, "CLAUDE_CONFIG_DIR");
  if (as_nobody)
    g_subprocess_launcher_set_child_setup (launcher, drop_privileges_cb, NULL, NULL);
  proc = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (proc, NULL, NULL, &r.out, &r.err, &error);
  g_assert_no_error (error);
  g_assert_false (g_subprocess_get_if_signaled (proc));
  r.status = g_subprocess_get_exit_status (proc);

  return r;
}

#define run_cli(...) run_cli_argv (FALSE, (const char *[]) { __VA_ARGS__, NULL })

/* A good line: 10 input, 20 output tokens of a priced model. */
static char *
good_line (const char *tag,
           int         n)
{
  return g_strdup_printf ("{\"type\":\"assistant\",\"uuid\":\"u-%s-%d\",\"sessionId\":\"sess-%s\","
                          "\"cwd\":\"/home/h/proj\",\"timestamp\":\"2026-03-01T10:00:%02dZ\","
                          "\"requestId\":\"req_%s_%d\",\"message\":{\"id\":\"msg_%s_%d\","
                          "\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":10,"
                          "\"output_tokens\":20}}}\n",
                          tag, n, tag, n, tag, n, tag, n);
}

/* A hostile line with the shape of an assistant line around @usage. */
static char *
assistant_with (const char *tag,
                const char *timestamp,
                const char *model,
                const char *usage)
{
  return g_strdup_printf ("{\"type\":\"assistant\",\"uuid\":\"h-%s\",\"sessionId\":\"sess-%s\","
                          "\"timestamp\":\"%s\",\"requestId\":\"req_h_%s\",\"message\":{\"id\":"
                          "\"msg_h_%s\",\"model\":\"%s\",\"usage\":{%s}}}",
                          tag, tag, timestamp, tag, tag, model, usage);
}

typedef struct
{
  gint64 messages;
  gint64 input;
  gint64 output;
  gint64 broken;
} Outcome;

/* Scans a source made of one file: good, @hostile, good (a newline added). */
static Outcome
scan_with (const char *tag,
           const char *hostile,
           gsize       hostile_len)
{
  g_autofree char *home = g_build_filename (tmpdir, tag, NULL);
  g_autofree char *file = g_build_filename (home, ".claude", "projects", "-home-h-proj",
                                            "sess.jsonl", NULL);
  g_autofree char *db = g_build_filename (home, "db", "costmeter.db", NULL);
  g_autofree char *g1 = good_line (tag, 1);
  g_autofree char *g2 = good_line (tag, 2);
  g_autoptr(GString) text = g_string_new (g1);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *totals;
  const char *broken;
  Outcome o = { 0 };
  Result r;

  g_string_append_len (text, hostile, hostile_len);
  g_string_append_c (text, '\n');
  g_string_append (text, g2);
  cm_test_write_file (file, text->str, text->len);

  r = run_cli ("--db", db, "scan", "--source", home);
  if (r.status != 0)
    g_error ("%s: scan failed (%d): %s", tag, r.status, r.err);
  broken = strstr (r.err, " new messages, ");
  g_assert_nonnull (broken);
  o.broken = g_ascii_strtoll (broken + strlen (" new messages, "), NULL, 10);
  g_test_message ("%s: %s", tag, r.err);
  /* A skipped line is named with its file, offset and reason. */
  if (o.broken > 0 && strstr (r.err, "sess.jsonl: skipped 1 broken line (the first at byte ") == NULL)
    g_error ("%s: no reason given: %s", tag, r.err);
  result_clear (&r);

  r = run_cli ("--db", db, "report", "daily", "--json", "--timezone", "UTC");
  if (r.status != 0)
    g_error ("%s: report failed (%d): %s", tag, r.status, r.err);
  json_parser_load_from_data (parser, r.out, -1, &error);
  g_assert_no_error (error);
  totals = json_object_get_object_member (json_node_get_object (json_parser_get_root (parser)),
                                          "totals");
  o.messages = json_object_get_int_member (totals, "messages");
  o.input = json_object_get_int_member (totals, "input");
  o.output = json_object_get_int_member (totals, "output");
  result_clear (&r);

  /* Every other report and the session view still work. */
  for (const char **kind = (const char *[]) { "monthly", "session", "model", "backend", "user",
                                              "project", NULL }; *kind; kind++)
    {
      r = run_cli ("--db", db, "report", *kind, "--json");
      if (r.status != 0)
        g_error ("%s: report %s failed (%d): %s", tag, *kind, r.status, r.err);
      g_assert_true (g_utf8_validate (r.out, -1, NULL));
      result_clear (&r);
    }

  return o;
}

/* The hostile line is skipped and counted; both good lines are kept. */
static void
assert_skipped (const char *tag,
                const char *hostile,
                gsize       len)
{
  Outcome o = scan_with (tag, hostile, len);

  if (o.messages != 2 || o.input != 20 || o.output != 40 || o.broken != 1)
    g_error ("%s: %" G_GINT64_FORMAT " messages, %" G_GINT64_FORMAT " input, %" G_GINT64_FORMAT
             " output, %" G_GINT64_FORMAT " broken; want 2, 20, 40, 1",
             tag, o.messages, o.input, o.output, o.broken);
}

static void
test_huge_line (void)
{
  gsize len = 100 * 1024 * 1024;
  g_autofree char *line = g_malloc (len);
  g_autofree char *head = assistant_with ("huge", "2026-03-01T10:00:30Z", "claude-sonnet-4-5-20250929",
                                          "\"input_tokens\":1,\"output_tokens\":1");
  /* A valid assistant line padded to 100 MB inside a string. */
  const char *pad = ",\"pad\":\"";
  gsize head_len = strlen (head) - 1; /* without the closing brace */

  memcpy (line, head, head_len);
  memcpy (line + head_len, pad, strlen (pad));
  memset (line + head_len + strlen (pad), 'x', len - head_len - strlen (pad) - 2);
  line[len - 2] = '"';
  line[len - 1] = '}';

  assert_skipped ("huge-line", line, len);
}

static void
test_deep_nesting (void)
{
  gsize depth = 1000000;
  g_autoptr(GString) s = g_string_new ("{\"type\":\"assistant\",\"x\":");

  for (gsize i = 0; i < depth; i++)
    g_string_append_c (s, '[');
  for (gsize i = 0; i < depth; i++)
    g_string_append_c (s, ']');
  g_string_append (s, ",\"timestamp\":\"2026-03-01T10:00:30Z\",\"message\":{\"id\":\"msg_deep\","
                      "\"model\":\"claude-sonnet-4-5-20250929\",\"usage\":{\"input_tokens\":1,"
                      "\"output_tokens\":1}}}");
  {
    Outcome o = scan_with ("deep-closed", s->str, s->len);

    /* Well-formed, however deep: skipped as broken or read as a record,
     * never a crash, and the good lines are kept. */
    g_assert_cmpint (o.messages - o.broken, >=, 1);
    g_assert_cmpint (o.input, >=, 20);
  }

  /* Unclosed. */
  g_string_truncate (s, 0);
  g_string_append (s, "{\"message\":");
  for (gsize i = 0; i < depth; i++)
    g_string_append (s, "{\"a\":");
  assert_skipped ("deep-open", s->str, s->len);
}

static void
test_invalid_utf8 (void)
{
  g_autofree char *in_model = assistant_with ("utf8-model", "2026-03-01T10:00:30Z",
                                              "claude-\xc3\x28\xff", "\"input_tokens\":1,\"output_tokens\":1");
  g_autofree char *in_id = assistant_with ("utf8-id\xed\xa0\x80", "2026-03-01T10:00:30Z",
                                           "claude-sonnet-4-5-20250929",
                                           "\"input_tokens\":1,\"output_tokens\":1");
  const char junk[] = "\xff\xfe\x00\x01{\"type\":\"assistant\"}\x80";

  assert_skipped ("utf8-model", in_model, strlen (in_model));
  assert_skipped ("utf8-id", in_id, strlen (in_id));
  assert_skipped ("binary-junk", junk, sizeof junk - 1);
}

static void
test_bad_numbers (void)
{
  struct { const char *tag; const char *usage; } cases[] = {
    { "overflow", "\"input_tokens\":99999999999999999999,\"output_tokens\":1" },
    { "overflow-int64", "\"input_tokens\":1,\"output_tokens\":9223372036854775808" },
    { "negative", "\"input_tokens\":-5,\"output_tokens\":1" },
    { "negative-cache", "\"input_tokens\":1,\"output_tokens\":1,\"cache_read_input_tokens\":-1000" },
    { "float", "\"input_tokens\":1.5,\"output_tokens\":1" },
    { "exponent", "\"input_tokens\":1e400,\"output_tokens\":1" },
    { "string", "\"input_tokens\":\"12\",\"output_tokens\":1" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *line = assistant_with (cases[i].tag, "2026-03-01T10:00:30Z",
                                              "claude-sonnet-4-5-20250929", cases[i].usage);
      assert_skipped (cases[i].tag, line, strlen (line));
    }
}

/* Counts that fit in 64 bits but not in any real request: skipped, or the
 * sums would overflow (SQLite fails such a SUM()) and lose every report. */static void
test_absurd_counts (void)
{
  /* INT64_MAX, and 2^53 - 1: the largest count a JSON number holds exactly,
   * which a parser may accept; priced, it saturates the cost at INT64_MAX. */
  const char *counts[] = { "9223372036854775807", "9007199254740991", "1000000001" };

  for (guint i = 0; i < G_N_ELEMENTS (counts); i++)
    {
      g_autofree char *tag = g_strdup_printf ("absurd-%u", i);
      g_autofree char *usage = g_strdup_printf ("\"input_tokens\":1,\"output_tokens\":%s", counts[i]);
      g_autofree char *line = assistant_with (tag, "2026-03-01T10:00:30Z", "claude-sonnet-4-5-20250929",
                                              usage);

      assert_skipped (tag, line, strlen (line));
    }
}

static void
test_far_timestamps (void)
{
  const char *stamps[] = {
    "0001-01-01T00:00:00Z", "1900-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
    "+275760-09-13T00:00:00Z", "-000001-01-01T00:00:00Z", "2026-13-45T99:99:99Z",
    "20260301", "",
  };

  for (guint i = 0; i < G_N_ELEMENTS (stamps); i++)
    {
      g_autofree char *tag = g_strdup_printf ("time-%u", i);
      g_autofree char *line = assistant_with (tag, stamps[i], "claude-sonnet-4-5-20250929",
                                              "\"input_tokens\":1,\"output_tokens\":1");
      Outcome o = scan_with (tag, line, strlen (line));

      /* A time no day can be made of is skipped; a representable one may be
       * kept. Never a crash, never a lost good line. */
      g_assert_cmpint (o.input, >=, 20);
      g_assert_cmpint (o.messages + o.broken, ==, 3);
      if (i >= 3)
        g_assert_cmpint (o.broken, ==, 1);
    }
}

static void
test_nul_and_crlf (void)
{
  const char nul[] = "{\"type\":\"assistant\",\"message\":{\"id\":\"msg_nul\0\",\"usage\":{}}}";
  g_autofree char *crlf = assistant_with ("crlf", "2026-03-01T10:00:30Z", "claude-sonnet-4-5-20250929",
                                          "\"input_tokens\":1,\"output_tokens\":2");
  Outcome o;

  assert_skipped ("nul", nul, sizeof nul - 1);

  /* A CRLF line is still a line. */
  crlf = g_realloc (crlf, strlen (crlf) + 2);
  strcat (crlf, "\r");
  o = scan_with ("crlf", crlf, strlen (crlf));
  g_assert_cmpint (o.messages, ==, 3);
  g_assert_cmpint (o.broken, ==, 0);
}

static void
test_symlink_loops (void)
{
  g_autofree char *home = g_build_filename (tmpdir, "loops", NULL);
  g_autofree char *proj = g_build_filename (home, ".claude", "projects", "-p", NULL);
  g_autofree char *file = g_build_filename (proj, "s.jsonl", NULL);
  g_autofree char *loop1 = g_build_filename (proj, "loop", NULL);
  g_autofree char *loop2 = g_build_filename (proj, "up", NULL);
  g_autofree char *self = g_build_filename (proj, "self.jsonl", NULL);
  g_autofree char *db = g_build_filename (home, "db", "costmeter.db", NULL);
  g_autofree char *g1 = good_line ("loop", 1);
  Result r;

  cm_test_write_file (file, g1, -1);
  g_assert_cmpint (symlink (".", loop1), ==, 0);
  g_assert_cmpint (symlink ("../..", loop2), ==, 0);
  g_assert_cmpint (symlink ("self.jsonl", self), ==, 0);  /* ELOOP */

  r = run_cli ("--db", db, "scan", "--source", home);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.err, "1 new messages"));
  result_clear (&r);
}

static void
test_unreadable (void)
{
  g_autofree char *home = g_build_filename (tmpdir, "unreadable", NULL);
  g_autofree char *proj = g_build_filename (home, ".claude", "projects", "-p", NULL);
  g_autofree char *ok = g_build_filename (proj, "ok.jsonl", NULL);
  g_autofree char *locked = g_build_filename (proj, "locked.jsonl", NULL);
  g_autofree char *locked_dir = g_build_filename (proj, "locked-dir", NULL);
  g_autofree char *inner = g_build_filename (locked_dir, "inner.jsonl", NULL);
  g_autofree char *dbdir = g_build_filename (home, "db", NULL);
  g_autofree char *db = g_build_filename (dbdir, "costmeter.db", NULL);
  g_autofree char *g1 = good_line ("ok", 1);
  g_autofree char *g2 = good_line ("locked", 1);
  gboolean root = geteuid () == 0;
  const char *args[] = { "--db", db, "scan", "--source", home, NULL };
  Result r;

  cm_test_write_file (ok, g1, -1);
  cm_test_write_file (locked, g2, -1);
  cm_test_write_file (inner, g2, -1);
  g_mkdir_with_parents (dbdir, 0700);

  if (root)
    {
      /* nobody must reach the folders and own the database folder. */
      for (char *p = g_strdup (proj); strlen (p) > 1; )
        {
          char *up;
          g_chmod (p, 0755);
          up = g_path_get_dirname (p);
          g_free (p);
          p = up;
          if (g_str_equal (p, g_get_tmp_dir ()))
            {
              g_free (p);
              break;
            }
        }
      g_chmod (ok, 0644);
      g_assert_cmpint (chown (dbdir, 65534, 65534), ==, 0);
    }
  g_chmod (locked, 0);
  g_chmod (locked_dir, 0);

  r = run_cli_argv (root, args);
  g_test_message ("exit %d: %s", r.status, r.err);
  /* Reported with the reason, counted, and the rest is read. */
  g_assert_cmpint (r.status, ==, 3);
  g_assert_nonnull (strstr (r.err, "Permission denied"));
  g_assert_nonnull (strstr (r.err, "locked.jsonl"));
  g_assert_nonnull (strstr (r.err, "2 unreadable"));
  g_assert_nonnull (strstr (r.err, "1 new messages"));
  result_clear (&r);

  g_chmod (locked_dir, 0755);
}

/* --- security --- */

static void
test_sql_in_filters (void)
{
  g_autofree char *home = g_build_filename (tmpdir, "sql", NULL);
  g_autofree char *file = g_build_filename (home, ".claude", "projects", "-p", "s.jsonl", NULL);
  g_autofree char *db = g_build_filename (home, "db", "costmeter.db", NULL);
  g_autofree char *before = NULL;
  const char *evil_cwd = "/home/h/it's \\\"x\\\"'); DROP TABLE messages;--";
  g_autofree char *line = g_strdup_printf ("{\"type\":\"assistant\",\"uuid\":\"u1\",\"sessionId\":"
                                           "\"s' OR '1'='1\",\"cwd\":\"%s\",\"timestamp\":"
                                           "\"2026-03-01T10:00:00Z\",\"requestId\":\"r1\",\"message\":"
                                           "{\"id\":\"msg_1\",\"model\":\"claude-sonnet-4-5-20250929\","
                                           "\"usage\":{\"input_tokens\":10,\"output_tokens\":20}}}\n",
                                           evil_cwd);
  const char *evil[] = {
    "' OR '1'='1", "x'); DROP TABLE messages;--", "\" OR 1=1 --", "%", "_", "\\", "'); --",
  };
  Result r;

  cm_test_write_file (file, line, -1);
  r = run_cli ("--db", db, "scan", "--source", home);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);
  r = run_cli ("--db", db, "report", "daily", "--json");
  before = g_steal_pointer (&r.out);
  result_clear (&r);

  for (guint i = 0; i < G_N_ELEMENTS (evil); i++)
    {
      const char *opts[] = { "--project", "--models", "--users" };

      for (guint k = 0; k < G_N_ELEMENTS (opts); k++)
        {
          r = run_cli ("--db", db, "report", "daily", "--json", opts[k], evil[i]);
          g_assert_cmpint (r.status, ==, 0);
          /* Nothing matches a value that is not there. */
          if (strstr (r.out, "\"rows\" : []") == NULL)
            g_error ("%s %s matched: %s", opts[k], evil[i], r.out);
          result_clear (&r);
        }

      /* No such session: said, with status 2, and nothing else found. */
      r = run_cli ("--db", db, "messages", evil[i], "--json");
      g_assert_cmpint (r.status, ==, 2);
      g_assert_cmpstr (r.out, ==, "");
      result_clear (&r);
    }

  /* The quoted session and project are plain data: found exactly. */
  r = run_cli ("--db", db, "messages", "s' OR '1'='1", "--json");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_nonnull (strstr (r.out, "\"messages\" : 1"));
  result_clear (&r);
  r = run_cli ("--db", db, "report", "daily", "--json", "--project", "DROP TABLE messages;--");
  g_assert_cmpint (r.status, ==, 0);
  g_assert_cmpstr (r.out, ==, before);
  result_clear (&r);

  /* And nothing was dropped. */
  r = run_cli ("--db", db, "report", "daily", "--json");
  g_assert_cmpstr (r.out, ==, before);
  result_clear (&r);
}

static void
test_private_files (void)
{
  g_autofree char *home = g_build_filename (tmpdir, "modes", NULL);
  g_autofree char *file = g_build_filename (home, ".claude", "projects", "-p", "s.jsonl", NULL);
  g_autofree char *dbdir = g_build_filename (tmpdir, "costmeter", NULL);
  g_autofree char *db = g_build_filename (dbdir, "costmeter.db", NULL);
  g_autofree char *g1 = good_line ("modes", 1);
  mode_t old = umask (0);
  struct stat st;
  Result r;

  cm_test_write_file (file, g1, -1);
  /* The default path ($XDG_DATA_HOME/costmeter/costmeter.db), umask 0. */
  r = run_cli ("scan", "--source", home);
  umask (old);
  g_assert_cmpint (r.status, ==, 0);
  result_clear (&r);

  g_assert_cmpint (g_stat (dbdir, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0700);
  for (const char **suffix = (const char *[]) { "", "-wal", "-shm", NULL }; *suffix; suffix++)
    {
      g_autofree char *path = g_strconcat (db, *suffix, NULL);

      if (g_stat (path, &st) != 0)
        continue;
      if ((st.st_mode & 0777) != 0600)
        g_error ("%s has mode %o", path, st.st_mode & 0777);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  tmpdir = cm_test_make_tmpdir ("hostile");

  g_test_add_func ("/hostile/huge-line", test_huge_line);
  g_test_add_func ("/hostile/deep-nesting", test_deep_nesting);
  g_test_add_func ("/hostile/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/hostile/bad-numbers", test_bad_numbers);
  g_test_add_func ("/hostile/absurd-counts", test_absurd_counts);
  g_test_add_func ("/hostile/far-timestamps", test_far_timestamps);
  g_test_add_func ("/hostile/nul-and-crlf", test_nul_and_crlf);
  g_test_add_func ("/hostile/symlink-loops", test_symlink_loops);
  g_test_add_func ("/hostile/unreadable", test_unreadable);
  g_test_add_func ("/security/sql-in-filters", test_sql_in_filters);
  g_test_add_func ("/security/private-files", test_private_files);

  return g_test_run ();
}
