/* cm-cli-statusline.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* `costmeter-cli statusline`: Claude Code's status line. Claude Code runs it
 * on every refresh with JSON on standard input; it records the plan windows
 * of that JSON (rate_limits, for subscribers) and prints one line: this
 * session's cost, today's, the running block's with its pace, and the plan's
 * 5-hour and weekly use with the time to their reset. The status line that
 * was set before CostMeter's runs after it, on the same input.
 *
 * It runs every second or so while Claude Code works: a few index seeks and
 * range reads of the rollups (today's quarter hours, the running block's,
 * the session's rows), and one small write. */

#include "config.h"

#include <json-glib/json-glib.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cm-cli-statusline.h"
#include "cm-store.h"
#include "cm-statusline-installer.h"

/* How long the chained status line may take. */
#define CHAIN_TIMEOUT_MS 2000
/* How long to wait for a scan's transaction before not recording. */
#define RECORD_BUSY_MS 100
/* Set for the chained command, so that a loop of status lines ends. */
#define CHAINED_ENV "COSTMETER_STATUSLINE_CHAINED"

typedef struct
{
  char              *session_id;
  char              *model;
  double             claude_cost;   /* cost.total_cost_usd, < 0 when absent */
  CmPlanObservation  plan;
} Input;

static void
input_clear (Input *in)
{
  g_free (in->session_id);
  g_free (in->model);
}

static char *
read_stdin (void)
{
  GString *text = g_string_new (NULL);
  char buf[4096];
  size_t n;

  while ((n = fread (buf, 1, sizeof buf, stdin)) > 0)
    g_string_append_len (text, buf, n);

  return g_string_free (text, FALSE);
}

static JsonNode *
member (JsonObject *object,
        const char *name)
{
  return object != NULL && json_object_has_member (object, name) ? json_object_get_member (object, name) : NULL;
}

static JsonObject *
object_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static gboolean
number_member (JsonObject *object,
               const char *name,
               double     *out)
{
  JsonNode *node = member (object, name);
  GType type = node != NULL && JSON_NODE_HOLDS_VALUE (node) ? json_node_get_value_type (node) : G_TYPE_INVALID;

  if (type == G_TYPE_INT64 || type == G_TYPE_DOUBLE)
    {
      *out = json_node_get_double (node);
      return isfinite (*out);
    }

  return FALSE;
}

static const char *
string_member (JsonObject *object,
               const char *name)
{
  JsonNode *node = member (object, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING
         ? json_node_get_string (node) : NULL;
}

/* resets_at: Unix seconds (as documented); milliseconds or ISO 8601 too. */
static gint64
reset_ms (JsonObject *window)
{
  const char *text = string_member (window, "resets_at");
  double value;

  if (text != NULL)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, NULL);

      return dt != NULL ? g_date_time_to_unix (dt) * 1000 : 0;
    }
  if (!number_member (window, "resets_at", &value) || value <= 0)
    return 0;

  return value > 1e12 ? (gint64) value : (gint64) (value * 1000);
}

static void
read_window (JsonObject *limits,
             const char *name,
             double     *percent,
             gint64     *reset)
{
  JsonObject *window = object_member (limits, name);

  *percent = -1;
  *reset = 0;
  if (window != NULL && number_member (window, "used_percentage", percent))
    *reset = reset_ms (window);
  else
    *percent = -1;
}

static void
parse_input (const char *text,
             gint64      now_ms,
             Input      *in)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonObject *root = NULL;
  JsonObject *limits;
  JsonNode *model;

  memset (in, 0, sizeof *in);
  in->claude_cost = -1;
  in->plan.observed_ms = now_ms;
  in->plan.five_hour_percent = -1;
  in->plan.seven_day_percent = -1;

  if (!json_parser_load_from_data (parser, text, -1, &error))
    g_printerr ("costmeter-cli statusline: the input is not JSON: %s\n", error->message);
  else if (json_parser_get_root (parser) != NULL && JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    root = json_node_get_object (json_parser_get_root (parser));

  in->session_id = g_strdup (string_member (root, "session_id"));
  model = member (root, "model");
  if (model != NULL && JSON_NODE_HOLDS_OBJECT (model))
    in->model = g_strdup (string_member (json_node_get_object (model), "id"));
  else
    in->model = g_strdup (string_member (root, "model"));
  number_member (object_member (root, "cost"), "total_cost_usd", &in->claude_cost);

  limits = object_member (root, "rate_limits");
  read_window (limits, "five_hour", &in->plan.five_hour_percent, &in->plan.five_hour_reset_ms);
  read_window (limits, "seven_day", &in->plan.seven_day_percent, &in->plan.seven_day_reset_ms);
  in->plan.session_id = in->session_id;
  in->plan.model = in->model;
}

/* --- the chained status line --- */

typedef struct
{
  GSubprocess        *proc;
  GOutputStream      *out;        /* a GMemoryOutputStream */
  char               *input;
  gboolean            written;
  gboolean            read;
  gboolean            timed_out;
} Chain;

/* Its own process group, so that what it starts ends with it. */
static void
chain_child_setup (gpointer user_data)
{
  setpgid (0, 0);
}

/* A command that exits without reading its input is no error. */
static void
chain_written_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Chain *chain = user_data;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, NULL);
  g_output_stream_close (G_OUTPUT_STREAM (source), NULL, NULL);
  chain->written = TRUE;
}

static void
chain_read_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  Chain *chain = user_data;

  g_output_stream_splice_finish (G_OUTPUT_STREAM (source), result, NULL);
  chain->read = TRUE;
}

static gboolean
chain_timeout_cb (gpointer user_data)
{
  Chain *chain = user_data;

  chain->timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Started first, so that it runs while we read the database. */
static void
chain_start (Chain      *chain,
             const char *command,
             const char *input)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;

  memset (chain, 0, sizeof *chain);
  if (command == NULL || *command == '\0' || g_getenv (CHAINED_ENV) != NULL)
    return;

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  g_subprocess_launcher_setenv (launcher, CHAINED_ENV, "1", TRUE);
  g_subprocess_launcher_set_child_setup (launcher, chain_child_setup, NULL, NULL);
  chain->proc = g_subprocess_launcher_spawn (launcher, &error, "/bin/sh", "-c", command, NULL);
  if (chain->proc == NULL)
    {
      g_printerr ("costmeter-cli statusline: cannot run “%s”: %s\n", command, error->message);
      return;
    }

  chain->input = g_strdup (input);
  chain->out = g_memory_output_stream_new_resizable ();
  g_output_stream_write_all_async (g_subprocess_get_stdin_pipe (chain->proc), chain->input,
                                   strlen (chain->input), G_PRIORITY_DEFAULT, NULL, chain_written_cb, chain);
  g_output_stream_splice_async (chain->out, g_subprocess_get_stdout_pipe (chain->proc),
                                G_OUTPUT_STREAM_SPLICE_CLOSE_SOURCE | G_OUTPUT_STREAM_SPLICE_CLOSE_TARGET,
                                G_PRIORITY_DEFAULT, NULL, chain_read_cb, chain);
}

/* Its output, once it is done or has taken too long (then it is killed and
 * what it printed so far is dropped). */
static char *
chain_finish (Chain *chain)
{
  GMemoryOutputStream *out;
  char *text = NULL;
  guint timeout;

  if (chain->proc == NULL)
    return NULL;

  timeout = g_timeout_add (CHAIN_TIMEOUT_MS, chain_timeout_cb, chain);
  while (!(chain->read && chain->written) && !chain->timed_out)
    g_main_context_iteration (NULL, TRUE);
  if (!chain->timed_out)
    g_source_remove (timeout);
  else
    {
      const char *id = g_subprocess_get_identifier (chain->proc);
      gint64 pid = id != NULL ? g_ascii_strtoll (id, NULL, 10) : 0;

      if (pid > 1)
        kill (-(pid_t) pid, SIGKILL);
      g_subprocess_force_exit (chain->proc);
      while (!(chain->read && chain->written))
        g_main_context_iteration (NULL, TRUE);
    }

  out = G_MEMORY_OUTPUT_STREAM (chain->out);
  if (!chain->timed_out)
    text = g_strndup (g_memory_output_stream_get_data (out), g_memory_output_stream_get_data_size (out));
  g_clear_object (&chain->out);
  g_clear_object (&chain->proc);
  g_free (chain->input);

  return text;
}

/* --- the line --- */

/* "37m", "2h 13m", "3d 4h" */
static char *
duration_text (gint64 ms)
{
  gint64 minutes = MAX (ms, 0) / 60000;

  if (minutes < 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT "m", minutes);
  if (minutes < 24 * 60)
    return g_strdup_printf ("%" G_GINT64_FORMAT "h %02" G_GINT64_FORMAT "m", minutes / 60, minutes % 60);

  return g_strdup_printf ("%" G_GINT64_FORMAT "d %" G_GINT64_FORMAT "h", minutes / (24 * 60),
                          minutes / 60 % 24);
}

static char *
usd (CmMoney money)
{
  g_autofree char *amount = cm_money_format_usd (money, 2);

  return g_strconcat ("$", amount, NULL);
}

static void
append_part (GString    *line,
             const char *part)
{
  if (line->len > 0)
    g_string_append (line, " · ");
  g_string_append (line, part);
}

static void
append_window (GString    *line,
               const char *label,
               double      percent,
               gint64      reset,
               gint64      now_ms)
{
  g_autofree char *left = NULL;
  g_autofree char *part = NULL;

  /* Once reset, the old figure says nothing about the new window. */
  if (percent < 0 || reset <= now_ms)
    return;

  left = duration_text (reset - now_ms);
  part = g_strdup_printf ("%s %.0f%% (%s)", label, percent, left);
  append_part (line, part);
}

/* Session, today and block. The session's user, when it is known, narrows
 * today and the block to that person's use (a team lead's store holds
 * others' too). */
static void
append_costs (GString             *line,
              CmStore             *store,
              const Input         *in,
              const CmQueryFilter *base,
              gint64               now_ms)
{
  g_autoptr(CmQueryFilter) filter = cm_query_filter_copy (base);
  g_autoptr(GPtrArray) sessions = NULL;
  g_autoptr(GDateTime) utc = NULL;
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(CmBlock) block = NULL;
  CmTotals today = { 0 };

  if (in->session_id != NULL)
    {
      filter->session_id = g_strdup (in->session_id);
      sessions = cm_store_query_sessions (store, filter, NULL);
      g_clear_pointer (&filter->session_id, g_free);
    }
  if (sessions != NULL && sessions->len > 0)
    {
      CmSessionRow *row = g_ptr_array_index (sessions, 0);
      g_autofree char *cost = usd (row->totals.cost);
      g_autofree char *part = g_strdup_printf ("%s session", cost);

      append_part (line, part);
      filter->users_set = TRUE;
      filter->users = g_new0 (char *, 2);
      filter->users[0] = g_strdup (row->user);
    }
  else if (in->claude_cost >= 0)
    {
      /* Not read yet: Claude Code's own estimate. */
      g_autofree char *part = g_strdup_printf ("≈$%.2f session", in->claude_cost);

      append_part (line, part);
    }

  tz = filter->timezone != NULL ? g_time_zone_new_identifier (filter->timezone) : NULL;
  if (tz == NULL)
    tz = g_time_zone_new_local ();
  utc = g_date_time_new_from_unix_utc (now_ms / 1000);
  now = g_date_time_to_timezone (utc, tz);
  filter->since = g_date_time_format (now, "%Y-%m-%d");
  filter->until = g_strdup (filter->since);
  if (cm_store_query_totals (store, filter, &today, NULL))
    {
      g_autofree char *cost = usd (today.cost);
      g_autofree char *part = g_strdup_printf ("%s today", cost);

      append_part (line, part);
    }
  g_clear_pointer (&filter->since, g_free);
  g_clear_pointer (&filter->until, g_free);

  block = cm_store_query_active_block (store, filter, now_ms, NULL);
  if (block != NULL)
    {
      CmBurnRate rate;
      g_autofree char *cost = NULL;
      g_autofree char *per_hour = NULL;
      g_autofree char *left = NULL;
      g_autofree char *part = NULL;

      cm_block_burn_rate (block, now_ms, &rate);
      cost = usd (block->totals.cost);
      per_hour = usd (rate.cost_per_hour);
      left = duration_text (rate.remaining_ms);
      part = g_strdup_printf ("%s block (%s/h, %s left)", cost, per_hour, left);
      append_part (line, part);
    }
}

static void
append_plan (GString     *line,
             CmStore     *store,
             const Input *in,
             gint64       now_ms)
{
  g_autoptr(CmPlanObservation) stored = NULL;
  CmPlanObservation plan = in->plan;

  /* rate_limits comes after a session's first reply: until then the last
   * reading, while its windows run. */
  if (store != NULL && (plan.five_hour_percent < 0 || plan.seven_day_percent < 0))
    stored = cm_store_get_plan_observation (store, NULL);
  if (stored != NULL && plan.five_hour_percent < 0)
    {
      plan.five_hour_percent = stored->five_hour_percent;
      plan.five_hour_reset_ms = stored->five_hour_reset_ms;
    }
  if (stored != NULL && plan.seven_day_percent < 0)
    {
      plan.seven_day_percent = stored->seven_day_percent;
      plan.seven_day_reset_ms = stored->seven_day_reset_ms;
    }

  append_window (line, "5h", plan.five_hour_percent, plan.five_hour_reset_ms, now_ms);
  append_window (line, "week", plan.seven_day_percent, plan.seven_day_reset_ms, now_ms);
}

static void
print_line (const char *ours,
            const char *chained)
{
  g_autofree char *rest = g_strdup (chained != NULL ? chained : "");

  g_strchomp (rest);
  if (*rest == '\0')
    puts (ours);
  else if (strchr (rest, '\n') == NULL)
    printf ("%s │ %s\n", ours, rest);
  else
    printf ("%s\n%s\n", ours, rest);
}

int
cm_cli_statusline (const char          *db_path,
                   const CmQueryFilter *filter,
                   gint64               now_ms,
                   const char          *chain_command,
                   gboolean             record)
{
  g_autofree char *text = read_stdin ();
  g_autofree char *previous = NULL;
  g_autofree char *chained = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CmStore) store = NULL;
  Input in;
  Chain chain;

  /* A chained command need not read its input: writing it must not kill us. */
  signal (SIGPIPE, SIG_IGN);

  previous = chain_command != NULL ? g_strdup (chain_command) : cm_statusline_dup_previous_command (NULL);
  chain_start (&chain, previous, text);
  parse_input (text, now_ms, &in);

  /* The database as it is, without the migrations and prepared writes of a
   * full open: read-only unless recording. An older schema, or none yet,
   * takes the full open. */
  store = cm_store_open_light (db_path, record, NULL);
  if (store == NULL)
    store = cm_store_open (db_path, &error);
  if (store == NULL)
    g_printerr ("costmeter-cli statusline: %s\n", error->message);
  else
    {
      cm_store_set_quick_exit (store);
      if (record && !cm_store_add_plan_observation (store, &in.plan, RECORD_BUSY_MS, &error))
        g_printerr ("costmeter-cli statusline: not recorded: %s\n", error->message);
      append_costs (line, store, &in, filter, now_ms);
    }
  append_plan (line, store, &in, now_ms);
  if (line->len == 0)
    g_string_append (line, "CostMeter: no data");

  chained = chain_finish (&chain);
  print_line (line->str, chained);
  input_clear (&in);

  /* A status line never fails Claude Code's: what could be shown was. */
  return 0;
}
