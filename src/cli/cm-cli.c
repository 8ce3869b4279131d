/* cm-cli.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * costmeter-cli: scan transcripts into the store and report from it, for
 * scripts. The JSON shape is an interface: add fields, never rename them.
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <string.h>

#include "cm-cli.h"
#include "cm-pricing.h"
#include "cm-scanner.h"
#include "cm-source-resolver.h"
#include "cm-statusline-installer.h"
#include "cm-store.h"

static int
usage_error (const char *fmt,
             ...) G_GNUC_PRINTF (1, 2);

static int
usage_error (const char *fmt,
             ...)
{
  va_list args;

  fputs ("costmeter-cli: ", stderr);
  va_start (args, fmt);
  vfprintf (stderr, fmt, args);
  va_end (args);
  fputs ("\nTry “costmeter-cli --help”.\n", stderr);

  return 2;
}

static int
fail (GError *error)
{
  fprintf (stderr, "costmeter-cli: %s\n", error->message);

  return 1;
}

static const char help_text[] =
  "Usage: costmeter-cli [--db PATH] COMMAND [OPTIONS]\n"
  "\n"
  "Commands:\n"
  "  scan [--source DIR[=OWNER]]... [--no-default] [--threads N] [PATH]...\n"
  "        Read new transcript lines into the database. Without --source the\n"
  "        default folders ($CLAUDE_CONFIG_DIR, else ~/.config/claude/projects and\n"
  "        ~/.claude/projects) are used, and those missing are named. DIR may be\n"
  "        a home, a .claude or a projects folder; OWNER names the person\n"
  "        whose runs these are.\n"
  "        With PATHs (files or folders of those sources) only they are read,\n"
  "        as the app does when it sees files change.\n"
  "  report daily|weekly|monthly|session|model|backend|user|project [FILTERS]\n"
  "        [--breakdown] [--json|--csv]\n"
  "        Filters: --since YYYY-MM-DD --until YYYY-MM-DD --timezone ZONE\n"
  "        --project TEXT --models A,B --backends A,B --users A,B\n"
  "        (--models '' selects none; leaving a list out selects all.)\n"
  "        weekly: weeks start on the locale's first weekday, or --week-start DAY.\n"
  "  report blocks [FILTERS] [--active] [--recent N] [--json|--csv]\n"
  "        5-hour blocks (as ccusage): from the first message's hour, 5 hours\n"
  "        long. --active: the running one, with its burn rate and projection;\n"
  "        --recent N: the last N. --since/--until pick blocks by their start.\n"
  "  messages SESSION-ID [--json|--csv]   Every message of one session: its id, tokens and\n"
  "                                       each kind's dollars (exit status 2: no such session).\n"
  "  sources [add DIR [OWNER]|remove DIR|owner DIR [OWNER]]\n"
  "  ratelimits [--probe MODEL]           Latest rate-limit observations.\n"
  "  statusline [--chain COMMAND] [--no-record] [--timezone ZONE]\n"
  "        Claude Code's status line: reads its JSON on standard input, records\n"
  "        the plan windows, prints session, today, block and plan use, then what\n"
  "        COMMAND (default: the status line it replaced) prints.\n"
  "  statusline install|uninstall         Set it in Claude Code's settings.json\n"
  "        (backed up first), or put back the one it replaced.\n"
  "  billed fetch [--since YYYY-MM-DD]\n"
  "        Fetch the organization's cost report, usage report and Claude Code\n"
  "        analytics from the Anthropic Admin API (days not yet final only).\n"
  "  report billed|org-users [--since YYYY-MM-DD] [--until YYYY-MM-DD] [--json|--csv]\n"
  "        Billed versus estimated per UTC day and model (default: this month),\n"
  "        or the organization's Claude Code users beside the transcript users.\n"
  "  prices [list] [--json|--csv]         Every model's prices and where they come from\n"
  "        (bundled DATE, updated DATE, user), and the models seen without a price.\n"
  "  prices update [--url URL]            Fetch LiteLLM's public price list (the one ccusage\n"
  "        uses), check it and keep it as a dated layer over the shipped prices; re-prices\n"
  "        history. Any failure leaves the prices as they were.\n"
  "  prices set MODEL --input X --output Y [--cache-write-5m X] [--cache-write-1h X]\n"
  "        [--cache-read X] [--fast N]\n"
  "        Your own price (USD per million tokens) for a model, over every other layer;\n"
  "        cache rates left out are 1.25x, 2x and 0.1x the input price. Re-prices history.\n"
  "  rebuild                              Recreate the database from the transcripts.\n"
  "\n"
  "Team (a PostgreSQL database the team shares):\n"
  "  push [--batch N]                     Send new and changed rows since the last push.\n"
  "  team init                            Create or upgrade the team schema and roles.\n"
  "  team add-member EMAIL [--admin] [--password-stdin]\n"
  "        Create the login role of a member (an admin sees everyone's rows). Without\n"
  "        --password-stdin a password is made and shown once.\n"
  "  report ... --team, messages ... --team  Read the team database instead.\n"
  "  --connection STRING  the team database (libpq: \"host=... dbname=... user=...\" or a\n"
  "        postgresql:// URI); the password comes from the keyring, PGPASSWORD or ~/.pgpass\n"
  "\n"
  "--db PATH  the database (default: $XDG_DATA_HOME/costmeter/costmeter.db)\n"
  "--now TIME compute as if it were TIME (ISO 8601, e.g. 2026-11-22T14:30:00Z):\n"
  "           which block is running, elapsed and remaining time\n"
  "\n"
  "Environment:\n"
  "  CLAUDE_CONFIG_DIR       Claude Code folders, comma-separated, instead of the defaults\n"
  "  HOME                    ~: ~/.claude/projects is a default folder\n"
  "  XDG_CONFIG_HOME         ~/.config: claude/projects (a default), costmeter/pricing*.json\n"
  "  XDG_DATA_HOME           ~/.local/share: costmeter/costmeter.db, the database\n"
  "  ANTHROPIC_API_KEY       the key for ratelimits --probe when the keyring has none\n"
  "  ANTHROPIC_ADMIN_API_KEY the Admin API key for billed fetch when the keyring has none\n"
  "  COSTMETER_API_BASE_URL  the API of ratelimits --probe, billed fetch (https://api.anthropic.com)\n"
  "  TZ                      the time zone days are cut in, unless --timezone\n"

  "  COSTMETER_TEAM          the team database when --connection is not given\n"
  "  COSTMETER_PRICE_LIST_URL the list prices update fetches (LiteLLM's, on GitHub)\n"
  "  COSTMETER_PRICE_LIST_TIMEOUT seconds prices update waits for it (30)\n"
  "\n"
  "Exit status: 0 ok, 1 error, 2 bad arguments.\n";

/* --- option helpers --- */

static gboolean
parse_list (const char  *value,
            gboolean    *set,
            GStrv       *out)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) parts = g_strsplit (value, ",", -1);

  for (guint i = 0; parts[i] != NULL; i++)
    {
      char *part = g_strstrip (parts[i]);

      if (*part != '\0')
        g_strv_builder_add (builder, part);
    }

  g_strfreev (*out);
  *out = g_strv_builder_end (builder);
  *set = TRUE;

  return TRUE;
}

static char *
normalize_day (const char *value)
{
  /* Accept ccusage's YYYYMMDD too. */
  if (strlen (value) == 8 && strspn (value, "0123456789") == 8)
    return g_strdup_printf ("%.4s-%.2s-%.2s", value, value + 4, value + 6);

  return g_strdup (value);
}

typedef struct
{
  char          *db_path;
  CmQueryFilter *filter;
  CmCliFormat    format;
  gboolean       breakdown;
  char          *now_text;  /* --now, else the clock */
  gboolean       active;    /* blocks: the running one only */
  guint          recent;    /* blocks: the last N; 0 = all */
  GDateWeekday   week_start; /* weekly; G_DATE_BAD_WEEKDAY = the locale's */
  char          *chain;     /* statusline --chain */
  gboolean       no_record; /* statusline --no-record */
  gboolean       no_default;
  int            threads;
  GPtrArray     *sources;   /* "DIR[=OWNER]" */
  GPtrArray     *args;      /* positional */
  char          *connection;
  gboolean       team;      /* report from the team database */
  guint          batch;
  gboolean       admin;
  gboolean       password_stdin;
} Options;

static void
options_clear (Options *o)
{
  g_free (o->db_path);
  g_free (o->now_text);
  g_free (o->chain);
  g_free (o->connection);
  cm_query_filter_free (o->filter);
  g_ptr_array_unref (o->sources);
  g_ptr_array_unref (o->args);
}

static gboolean
takes_value (const char *opt)
{
  static const char *with_value[] = {
    "--db", "--since", "--until", "--timezone", "--project", "--models", "--backends",
    "--users", "--source", "--threads", "--probe", "--owner", "--now", "--recent",
    "--week-start", "--chain", "--connection", "--batch", "--url", "--input", "--output",
    "--cache-write-5m", "--cache-write-1h", "--cache-read", "--fast", NULL,
  };

  return g_strv_contains (with_value, opt);
}

/* ISO 8601; without a zone, local time in the --timezone zone (which may come
 * after it: the zone is applied when the report runs). */
static gboolean
parse_now (const char *value,
           Options    *o)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  g_free (o->now_text);
  o->now_text = g_strdup (value);
  tz = g_time_zone_new_utc ();
  dt = g_date_time_new_from_iso8601 (value, tz);

  return dt != NULL;
}

static gint64
resolve_now (const Options *o)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autoptr(GDateTime) dt = NULL;

  if (o->now_text == NULL)
    return g_get_real_time () / 1000;

  if (o->filter->timezone != NULL)
    tz = g_time_zone_new_identifier (o->filter->timezone);
  if (tz == NULL)
    tz = g_time_zone_new_local ();
  dt = g_date_time_new_from_iso8601 (o->now_text, tz);

  return dt != NULL ? g_date_time_to_unix (dt) * 1000 + g_date_time_get_microsecond (dt) / 1000 : 0;
}

/* Options may stand anywhere; "--opt=value" and "--opt value" both work. */
static int
parse_options (int       argc,
               char    **argv,
               Options  *o)
{
  for (int i = 1; i < argc; i++)
    {
      g_autofree char *name = NULL;
      const char *value = NULL;
      const char *eq;
      const char *arg = argv[i];

      if (!g_str_has_prefix (arg, "--") || g_str_equal (arg, "--"))
        {
          g_ptr_array_add (o->args, g_strdup (arg));
          continue;
        }

      eq = strchr (arg, '=');
      name = eq != NULL ? g_strndup (arg, eq - arg) : g_strdup (arg);

      if (takes_value (name))
        {
          if (eq != NULL)
            value = eq + 1;
          else if (i + 1 < argc)
            value = argv[++i];
          else
            return usage_error ("%s needs a value", name);
        }
      else if (eq != NULL)
        return usage_error ("%s takes no value", name);

      if (g_str_equal (name, "--db"))
        (g_free (o->db_path), o->db_path = g_strdup (value));
      else if (g_str_equal (name, "--since"))
        o->filter->since = normalize_day (value);
      else if (g_str_equal (name, "--until"))
        o->filter->until = normalize_day (value);
      else if (g_str_equal (name, "--timezone"))
        (g_free (o->filter->timezone), o->filter->timezone = g_strdup (value));
      else if (g_str_equal (name, "--project"))
        (g_free (o->filter->project), o->filter->project = g_strdup (value));
      else if (g_str_equal (name, "--models"))
        parse_list (value, &o->filter->models_set, &o->filter->models);
      else if (g_str_equal (name, "--users"))
        parse_list (value, &o->filter->users_set, &o->filter->users);
      else if (g_str_equal (name, "--backends"))
        {
          g_auto(GStrv) names = NULL;
          gboolean set;

          parse_list (value, &set, &names);
          o->filter->backends_set = TRUE;
          o->filter->backends = 0;
          for (guint k = 0; names[k] != NULL; k++)
            {
              CmBackend backend;

              if (!cm_backend_from_string (names[k], &backend))
                return usage_error ("unknown backend “%s” (use anthropic, bedrock, vertex, unknown)",
                                    names[k]);
              o->filter->backends |= 1u << backend;
            }
        }
      else if (g_str_equal (name, "--source"))
        g_ptr_array_add (o->sources, g_strdup (value));
      else if (g_str_equal (name, "--owner"))
        g_ptr_array_add (o->args, g_strdup (value));
      else if (g_str_equal (name, "--url") || g_str_equal (name, "--input") ||
               g_str_equal (name, "--output") || g_str_equal (name, "--cache-write-5m") ||
               g_str_equal (name, "--cache-write-1h") || g_str_equal (name, "--cache-read") ||
               g_str_equal (name, "--fast"))
        {
          /* prices update / prices set read them in order. */
          g_ptr_array_add (o->args, g_strdup (name));
          g_ptr_array_add (o->args, g_strdup (value));
        }
      else if (g_str_equal (name, "--probe"))
        {
          g_ptr_array_add (o->args, g_strdup ("--probe"));
          g_ptr_array_add (o->args, g_strdup (value));
        }
      else if (g_str_equal (name, "--threads"))
        {
          guint64 n;

          if (!g_ascii_string_to_unsigned (value, 10, 1, 64, &n, NULL))
            return usage_error ("--threads needs a number from 1 to 64");
          o->threads = n;
        }
      else if (g_str_equal (name, "--now"))
        {
          if (!parse_now (value, o))
            return usage_error ("--now needs a time as 2026-11-22T14:30:00Z (or without a zone: local)");
        }
      else if (g_str_equal (name, "--recent"))
        {
          guint64 n;

          if (!g_ascii_string_to_unsigned (value, 10, 1, G_MAXUINT, &n, NULL))
            return usage_error ("--recent needs a number of blocks");
          o->recent = n;
        }
      else if (g_str_equal (name, "--week-start"))
        {
          if (!cm_cli_parse_weekday (value, &o->week_start))
            return usage_error ("--week-start needs a day: monday, tuesday, ... sunday");
        }
      else if (g_str_equal (name, "--active"))
        o->active = TRUE;
      else if (g_str_equal (name, "--chain"))
        {
          g_free (o->chain);
          o->chain = g_strdup (value);
        }
      else if (g_str_equal (name, "--no-record"))
        o->no_record = TRUE;
      else if (g_str_equal (name, "--connection"))
        (g_free (o->connection), o->connection = g_strdup (value));
      else if (g_str_equal (name, "--batch"))
        {
          guint64 n;

          if (!g_ascii_string_to_unsigned (value, 10, 1, 1000000, &n, NULL))
            return usage_error ("--batch needs a number from 1 to 1000000");
          o->batch = n;
        }
      else if (g_str_equal (name, "--team"))
        o->team = TRUE;
      else if (g_str_equal (name, "--admin"))
        o->admin = TRUE;
      else if (g_str_equal (name, "--password-stdin"))
        o->password_stdin = TRUE;
      else if (g_str_equal (name, "--json"))
        o->format = CM_CLI_FORMAT_JSON;
      else if (g_str_equal (name, "--csv"))
        o->format = CM_CLI_FORMAT_CSV;
      else if (g_str_equal (name, "--breakdown"))
        o->breakdown = TRUE;
      else if (g_str_equal (name, "--no-default"))
        o->no_default = TRUE;
      else
        return usage_error ("unknown option %s", name);
    }

  return 0;
}

static CmStore *
open_store (const Options  *o,
            GError        **error)
{
  g_autofree char *path = o->db_path != NULL ? g_strdup (o->db_path) : cm_store_default_path ();
  g_autoptr(GError) local_error = NULL;
  CmStore *store = cm_store_open (path, &local_error);

  if (store == NULL)
    {
      if (g_error_matches (local_error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT))
        g_set_error (error, CM_STORE_ERROR, CM_STORE_ERROR_CORRUPT,
                     "%s is damaged or is not a CostMeter database. Your transcripts are "
                     "untouched: rebuild it with “costmeter-cli --db %s rebuild”.", path, path);
      else
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error), "%s: ", path);
    }

  return store;
}

/* --- commands --- */

#define REPORT_KINDS "daily, weekly, monthly, session, model, backend, user, project, blocks, billed or org-users"

/* The default folders that are not there: a scan that finds nothing says
 * where it looked. */
static void
say_missing_defaults (void)
{
  g_auto(GStrv) paths = cm_source_default_paths ();

  for (guint i = 0; paths[i] != NULL; i++)
    if (!g_file_test (paths[i], G_FILE_TEST_IS_DIR))
      fprintf (stderr, "Default folder %s is missing (skipped).\n", paths[i]);
}

static int
cmd_scan (Options *o,
          CmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CmPricing) pricing = NULL;
  g_autoptr(CmScanner) scanner = NULL;
  CmScanStats stats;

  pricing = cm_pricing_new_default (&error);
  if (pricing == NULL)
    return fail (error);

  scanner = cm_scanner_new (store, pricing);
  if (o->threads > 0)
    cm_scanner_set_n_threads (scanner, o->threads);

  for (guint i = 0; i < o->sources->len; i++)
    {
      const char *spec = g_ptr_array_index (o->sources, i);
      const char *eq = strchr (spec, '=');
      g_autofree char *dir = eq != NULL ? g_strndup (spec, eq - spec) : g_strdup (spec);
      const char *owner = eq != NULL ? eq + 1 : NULL;
      g_autoptr(GDir) probe = NULL;

      probe = g_dir_open (dir, 0, &error);
      if (probe == NULL)
        {
          fprintf (stderr, "costmeter-cli: cannot read the folder %s: %s\n", dir, error->message);
          return 1;
        }

      if (cm_store_add_source (store, dir, owner, FALSE, &error) == 0)
        return fail (error);
    }

  if (o->sources->len == 0 && !o->no_default && !cm_scanner_add_default_sources (scanner, &error))
    return fail (error);
  if (o->sources->len == 0 && !o->no_default)
    say_missing_defaults ();

  if (o->args->len > 1)
    {
      /* Only the named files and folders: the first argument is "scan". */
      g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 1; i < o->args->len; i++)
        g_ptr_array_add (paths, g_canonicalize_filename (g_ptr_array_index (o->args, i), NULL));
      g_ptr_array_add (paths, NULL);
      if (!cm_scanner_scan_paths_sync (scanner, (const char * const *) paths->pdata, NULL, &stats, &error))
        return fail (error);
    }
  else if (!cm_scanner_scan_sync (scanner, NULL, &stats, &error))
    return fail (error);

  /* The scanner's and the store's notifications hold references to them:
   * deliver them, so the database is closed (and its WAL checkpointed away)
   * before we exit. */
  while (g_main_context_iteration (NULL, FALSE))
    ;

  fprintf (stderr,
           "Scanned %u files (%u with new lines, %u unreadable): %" G_GINT64_FORMAT " lines, %"
           G_GINT64_FORMAT " with usage, %" G_GINT64_FORMAT " new messages, %" G_GINT64_FORMAT
           " broken lines skipped.\n",
           stats.files_seen, stats.files_read, stats.files_failed, stats.lines_read,
           stats.records, stats.messages_added, stats.broken_lines);
  /* A cut copy or a line being written: not counted until its newline
   * comes, and said, so a static archive does not hide it. */
  if (stats.pending_files > 0)
    fprintf (stderr, "%" G_GINT64_FORMAT " file%s end%s in an incomplete line (%" G_GINT64_FORMAT
             " byte%s pending).\n", stats.pending_files, stats.pending_files == 1 ? "" : "s",
             stats.pending_files == 1 ? "s" : "", stats.pending_bytes, stats.pending_bytes == 1 ? "" : "s");

  return stats.files_failed > 0 ? 3 : 0;
}

static int
compare_rows_cost (gconstpointer a,
                   gconstpointer b)
{
  const CmCliRow *ra = *(const CmCliRow **) a;
  const CmCliRow *rb = *(const CmCliRow **) b;
  gboolean ua = g_strcmp0 (ra->key, CM_UNATTRIBUTED_KEY) == 0;
  gboolean ub = g_strcmp0 (rb->key, CM_UNATTRIBUTED_KEY) == 0;

  if (ua != ub)
    return ua ? 1 : -1;
  if (ra->totals.cost != rb->totals.cost)
    return ra->totals.cost > rb->totals.cost ? -1 : 1;

  return g_strcmp0 (ra->key, rb->key);
}

/* As the window's Users view ranks them. */
static int
compare_rows_users (gconstpointer a,
                    gconstpointer b)
{
  const CmCliRow *ra = *(const CmCliRow **) a;
  const CmCliRow *rb = *(const CmCliRow **) b;

  return cm_user_rank_compare (ra->key, ra->backend_cost[CM_BACKEND_BEDROCK], ra->totals.cost,
                               rb->key, rb->backend_cost[CM_BACKEND_BEDROCK], rb->totals.cost);
}

/* (user, backend) rows pivoted into one row per user with each backend's
 * dollars. */
static void
add_user_rows (GPtrArray *rows,
               GPtrArray *groups)
{
  g_autoptr(GHashTable) by_user = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < groups->len; i++)
    {
      CmGroupRow *g = g_ptr_array_index (groups, i);
      const char *user = g->key != NULL ? g->key : CM_UNATTRIBUTED_KEY;
      CmCliRow *row = g_hash_table_lookup (by_user, user);
      CmBackend backend = CM_BACKEND_UNKNOWN;

      if (row == NULL)
        {
          row = g_new0 (CmCliRow, 1);
          row->key = g_strdup (user);
          row->by_backend = TRUE;
          row->label = g_strdup (g_str_equal (user, CM_UNATTRIBUTED_KEY) ? "Unattributed" : user);
          g_hash_table_insert (by_user, row->key, row);
          g_ptr_array_add (rows, row);
        }
      cm_backend_from_string (g->key2, &backend);
      row->backend_cost[backend] += g->totals.cost;
      cm_totals_add (&row->totals, &g->totals);
    }
}

static void
output (Options        *o,
        GPtrArray      *rows,
        const CmTotals *totals,
        const char     *key_title,
        gboolean        sessions)
{
  switch (o->format)
    {
    case CM_CLI_FORMAT_JSON:
      cm_cli_print_json (rows, totals);
      break;

    case CM_CLI_FORMAT_CSV:
      cm_cli_print_csv (rows, o->breakdown, sessions);
      break;

    case CM_CLI_FORMAT_TABLE:
    default:
      cm_cli_print_table (rows, totals, key_title, o->breakdown);
      break;
    }
}

/* From the local store, or from the team database when @team is set; users
 * by backend (each user's row shows each backend's dollars). */
static GPtrArray *
query_groups (CmStore      *store,
              CmTeamStore  *team,
              Options      *o,
              CmGroupBy     group,
              GError      **error)
{
  CmGrouping grouping = { group, group == CM_GROUP_USER ? CM_GROUP_BACKEND
                                 : o->breakdown ? CM_GROUP_MODEL : CM_GROUP_NONE };
  GPtrArray *rows = NULL;

  if (team == NULL)
    return cm_store_query_groups (store, o->filter, grouping.primary, grouping.secondary, error);

  if (!cm_team_store_query (team, o->filter, &grouping, 1, &rows, error))
    return NULL;

  return rows;
}

static int
cmd_report_weekly (Options     *o,
                   CmStore     *store,
                   CmTeamStore *team)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) days = NULL;
  g_autoptr(GPtrArray) rows = NULL;
  GDateWeekday first = o->week_start != G_DATE_BAD_WEEKDAY ? o->week_start
                                                          : cm_cli_locale_first_weekday ();
  CmTotals totals = { 0 };

  days = query_groups (store, team, o, CM_GROUP_DAY, &error);
  if (days == NULL)
    return fail (error);

  rows = cm_cli_weekly_rows (days, first);
  for (guint i = 0; i < rows->len; i++)
    cm_totals_add (&totals, &((CmCliRow *) g_ptr_array_index (rows, i))->totals);

  output (o, rows, &totals, "Week", FALSE);

  return 0;
}

static int
cmd_report (Options     *o,
            CmStore     *store,
            CmTeamStore *team)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_cli_row_free);
  CmTotals totals = { 0 };
  const char *kind;
  CmGroupBy group;

  if (o->args->len < 2)
    return usage_error ("report needs a kind: " REPORT_KINDS);

  if (!cm_query_filter_validate (o->filter, &error))
    return usage_error ("%s", error->message);

  kind = g_ptr_array_index (o->args, 1);
  if (g_str_equal (kind, "blocks"))
    {
      if (o->breakdown)
        return usage_error ("--breakdown works with daily, weekly and monthly reports");
      if (team != NULL)
        return usage_error ("report blocks reads this computer's database, not --team");
      return cm_cli_report_blocks (store, o->filter, o->format, resolve_now (o), o->active, o->recent);
    }
  if ((o->active || o->recent > 0))
    return usage_error ("--active and --recent work with report blocks");
  if (g_str_equal (kind, "billed") || g_str_equal (kind, "org-users"))
    {
      if (team != NULL)
        return usage_error ("report %s reads this computer's database, not --team", kind);
      return cm_cli_report_billed (store, kind, o->filter, o->format);
    }
  if (g_str_equal (kind, "weekly"))
    return cmd_report_weekly (o, store, team);
  if (o->week_start != G_DATE_BAD_WEEKDAY)
    return usage_error ("--week-start works with report weekly");

  if (!cm_group_by_from_string (kind, &group) || group == CM_GROUP_NONE ||
      g_str_equal (kind, "day") || g_str_equal (kind, "month"))
    return usage_error ("unknown report “%s”: use " REPORT_KINDS, kind);

  if (o->breakdown && group != CM_GROUP_DAY && group != CM_GROUP_MONTH)
    return usage_error ("--breakdown works with daily, weekly and monthly reports");

  if (group == CM_GROUP_SESSION)
    {
      g_autoptr(GPtrArray) sessions = team != NULL ? cm_team_store_query_sessions (team, o->filter, &error)
                                                   : cm_store_query_sessions (store, o->filter, &error);

      if (sessions == NULL)
        return fail (error);

      for (guint i = 0; i < sessions->len; i++)
        {
          CmSessionRow *s = g_ptr_array_index (sessions, i);
          CmCliRow *row = g_new0 (CmCliRow, 1);

          row->key = g_strdup (s->session_id);
          row->project = g_strdup (s->project);
          row->user = g_strdup (s->user);
          row->models = g_strdup (s->models);
          row->start_ms = s->totals.first_ms;
          row->end_ms = s->totals.last_ms;
          row->totals = s->totals;
          cm_totals_add (&totals, &s->totals);
          g_ptr_array_add (rows, row);
        }

      output (o, rows, &totals, "Session", TRUE);
      return 0;
    }

  {
    g_autoptr(GPtrArray) groups = query_groups (store, team, o, group, &error);

    if (groups == NULL)
      return fail (error);

    for (guint i = 0; i < groups->len; i++)
      cm_totals_add (&totals, &((CmGroupRow *) g_ptr_array_index (groups, i))->totals);

    if (group == CM_GROUP_USER)
      add_user_rows (rows, groups);
    else
      for (guint i = 0; i < groups->len; i++)
        {
          CmGroupRow *g = g_ptr_array_index (groups, i);
          CmCliRow *row = g_new0 (CmCliRow, 1);
          CmBackend backend;

          row->key = g_strdup (g->key);
          row->model = g_strdup (g->key2);
          /* A model's fast requests are a row of their own. */
          if (group == CM_GROUP_MODEL || o->breakdown)
            row->speed = g_strdup (g->speed != NULL ? g->speed : "standard");
          row->totals = g->totals;
          /* Backends by the names the window gives them. */
          if (group == CM_GROUP_BACKEND && cm_backend_from_string (g->key, &backend))
            row->label = g_strdup (cm_backend_to_label (backend));
          g_ptr_array_add (rows, row);
        }
  }

  /* Periods read in time order; users as the window ranks them (Bedrock
   * spend, then total); everything else by spend. */
  if (group == CM_GROUP_USER)
    g_ptr_array_sort (rows, compare_rows_users);
  else if (group != CM_GROUP_DAY && group != CM_GROUP_MONTH)
    g_ptr_array_sort (rows, compare_rows_cost);

  {
    const char *titles[] = { "", "Day", "Month", "Session", "Model", "Backend", "User", "Project" };
    output (o, rows, &totals, titles[group], FALSE);
  }

  return 0;
}

static int
cmd_messages (Options     *o,
              CmStore     *store,
              CmTeamStore *team)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) cm_cli_row_free);
  CmTotals totals = { 0 };

  if (o->args->len < 2)
    return usage_error ("messages needs a session id");

  messages = team != NULL ? cm_team_store_query_session_messages (team, g_ptr_array_index (o->args, 1), &error)
                          : cm_store_query_session_messages (store, g_ptr_array_index (o->args, 1), &error);
  if (messages == NULL)
    return fail (error);
  /* A session is known by its messages: none, no such session. */
  if (messages->len == 0)
    {
      fprintf (stderr, "costmeter-cli: no session %s in the %s (“costmeter-cli report session” lists them)\n",
               (const char *) g_ptr_array_index (o->args, 1), team != NULL ? "team database" : "store");
      return 2;
    }

  for (guint i = 0; i < messages->len; i++)
    {
      CmMessageRow *m = g_ptr_array_index (messages, i);
      CmCliRow *row = g_new0 (CmCliRow, 1);
      CmTotals *t = &row->totals;

      row->key = cm_cli_iso_time (m->timestamp_ms);
      row->message_id = g_strdup (m->message_id != NULL ? m->message_id : "");
      row->per_kind = TRUE;
      row->model = g_strdup (m->model);
      row->speed = g_strdup (m->speed != NULL ? m->speed : "standard");
      row->inference_geo = g_strdup (m->inference_geo != NULL ? m->inference_geo : "");
      cm_totals_from_message (t, m);
      cm_totals_add (&totals, t);
      g_ptr_array_add (rows, row);
    }

  o->breakdown = TRUE;
  output (o, rows, &totals, "Time (UTC)", FALSE);

  return 0;
}

static int
cmd_sources (Options *o,
             CmStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sources = NULL;
  const char *verb = o->args->len > 1 ? g_ptr_array_index (o->args, 1) : "list";
  const char *dir = o->args->len > 2 ? g_ptr_array_index (o->args, 2) : NULL;
  const char *owner = o->args->len > 3 ? g_ptr_array_index (o->args, 3) : NULL;

  if (g_str_equal (verb, "add"))
    {
      if (dir == NULL)
        return usage_error ("sources add needs a folder");
      if (!g_file_test (dir, G_FILE_TEST_IS_DIR))
        {
          fprintf (stderr, "costmeter-cli: %s is not a folder\n", dir);
          return 1;
        }
      if (cm_store_add_source (store, dir, owner, FALSE, &error) == 0)
        return fail (error);
      return 0;
    }
  else if (g_str_equal (verb, "remove"))
    {
      if (dir == NULL)
        return usage_error ("sources remove needs a folder");
      return cm_store_remove_source (store, dir, &error) ? 0 : fail (error);
    }
  else if (g_str_equal (verb, "owner"))
    {
      if (dir == NULL)
        return usage_error ("sources owner needs a folder");
      return cm_store_set_source_owner (store, dir, owner, &error) ? 0 : fail (error);
    }
  else if (!g_str_equal (verb, "list"))
    return usage_error ("unknown sources command “%s”", verb);

  sources = cm_store_list_sources (store, &error);
  if (sources == NULL)
    return fail (error);

  for (guint i = 0; i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);
      const char *who = info->owner != NULL ? info->owner
                        : info->detected_owner != NULL ? info->detected_owner
                        : CM_UNATTRIBUTED_KEY;

      printf ("%s\t%s%s%s\n", info->path, who, info->is_default ? "\tdefault" : "",
              info->enabled ? "" : "\tdisabled");
    }

  return 0;
}

static int
cmd_rebuild (Options *o)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = o->db_path != NULL ? g_strdup (o->db_path) : cm_store_default_path ();
  g_autoptr(GPtrArray) sources = NULL;
  g_autoptr(CmStore) store = NULL;

  /* Keep the folder list when the old database can still be read. */
  store = cm_store_open (path, NULL);
  if (store != NULL)
    sources = cm_store_list_sources (store, NULL);
  g_clear_object (&store);

  if (!cm_store_delete_files (path, &error))
    return fail (error);

  store = cm_store_open (path, &error);
  if (store == NULL)
    return fail (error);

  for (guint i = 0; sources != NULL && i < sources->len; i++)
    {
      CmSourceInfo *info = g_ptr_array_index (sources, i);

      if (cm_store_add_source (store, info->path, info->owner, info->is_default, &error) == 0)
        return fail (error);
    }

  if (sources == NULL || sources->len == 0)
    o->no_default = FALSE;
  else
    o->no_default = TRUE;

  return cmd_scan (o, store);
}

/* `statusline install|uninstall`: costmeter-statusline beside this program
 * (the same status line without the libraries the rest of the CLI loads),
 * else this very program, with --db when one was given. */
static char *
statusline_command (const Options *o)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = self != NULL ? g_path_get_dirname (self) : NULL;
  g_autofree char *lean = dir != NULL ? g_build_filename (dir, "costmeter-statusline", NULL) : NULL;
  gboolean use_lean = lean != NULL && g_file_test (lean, G_FILE_TEST_IS_EXECUTABLE);
  g_autofree char *quoted = g_shell_quote (use_lean ? lean : self != NULL ? self : "costmeter-cli");
  g_autofree char *db_path = o->db_path != NULL ? g_canonicalize_filename (o->db_path, NULL) : NULL;
  g_autofree char *db = db_path != NULL ? g_shell_quote (db_path) : NULL;

  if (use_lean)
    return db != NULL ? g_strdup_printf ("%s --db %s", quoted, db) : g_strdup (quoted);

  return db != NULL ? g_strdup_printf ("%s --db %s statusline", quoted, db)
                    : g_strdup_printf ("%s statusline", quoted);
}

static int
cmd_statusline (Options *o)
{
  g_autofree char *db_path = o->db_path != NULL ? g_strdup (o->db_path) : cm_store_default_path ();
  const char *verb = o->args->len > 1 ? g_ptr_array_index (o->args, 1) : NULL;
  g_autoptr(CmStatuslineInstaller) installer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *command = NULL;
  g_autofree char *summary = NULL;
  gboolean ok;

  if (verb == NULL)
    return cm_cli_statusline (db_path, o->filter, resolve_now (o), o->chain, !o->no_record);
  if (!g_str_equal (verb, "install") && !g_str_equal (verb, "uninstall"))
    return usage_error ("unknown statusline command “%s”: use install or uninstall", verb);

  command = statusline_command (o);
  installer = cm_statusline_installer_new (NULL, NULL, command);
  ok = g_str_equal (verb, "install") ? cm_statusline_installer_install (installer, &summary, &error)
                                     : cm_statusline_installer_uninstall (installer, &summary, &error);
  if (!ok)
    return fail (error);
  puts (summary);

  return 0;
}

static int
run_team_command (Options    *o,
                  const char *command)
{
  g_autoptr(CmTeamStore) team = NULL;
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GError) error = NULL;

  if (o->team && !g_str_equal (command, "report") && !g_str_equal (command, "messages"))
    return usage_error ("--team works with report and messages");

  team = cm_cli_team_open (o->connection, &error);
  if (team == NULL)
    return fail (error);

  if (g_str_equal (command, "team"))
    return cm_cli_team (team, o->args, o->admin, o->password_stdin);
  if (g_str_equal (command, "report"))
    return cmd_report (o, NULL, team);
  if (g_str_equal (command, "messages"))
    return cmd_messages (o, NULL, team);

  store = open_store (o, &error);
  if (store == NULL)
    return fail (error);

  return cm_cli_push (team, store, o->batch);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CmStore) store = NULL;
  g_autoptr(GError) error = NULL;
  Options o = { 0 };
  const char *command;
  int rc;

  setlocale (LC_ALL, "");

  o.filter = cm_query_filter_new ();
  o.week_start = G_DATE_BAD_WEEKDAY;
  o.sources = g_ptr_array_new_with_free_func (g_free);
  o.args = g_ptr_array_new_with_free_func (g_free);

  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--help") || g_str_equal (argv[i], "-h"))
        {
          fputs (help_text, stdout);
          options_clear (&o);
          return 0;
        }
    }

  rc = parse_options (argc, argv, &o);
  if (rc != 0)
    {
      options_clear (&o);
      return rc;
    }

  if (o.args->len == 0)
    {
      options_clear (&o);
      return usage_error ("no command given");
    }

  command = g_ptr_array_index (o.args, 0);

  if (g_str_equal (command, "rebuild") || g_str_equal (command, "statusline"))
    {
      rc = g_str_equal (command, "rebuild") ? cmd_rebuild (&o) : cmd_statusline (&o);
      options_clear (&o);
      return rc;
    }

  if (!g_str_equal (command, "scan") && !g_str_equal (command, "report") &&
      !g_str_equal (command, "messages") && !g_str_equal (command, "sources") &&
      !g_str_equal (command, "ratelimits") && !g_str_equal (command, "push") &&
      !g_str_equal (command, "team") && !g_str_equal (command, "billed") &&
      !g_str_equal (command, "prices"))
    {
      rc = usage_error ("unknown command “%s”", command);
      options_clear (&o);
      return rc;
    }

  /* The team database: every team command, and reports with --team. */
  if (g_str_equal (command, "team") || g_str_equal (command, "push") || o.team)
    {
      rc = run_team_command (&o, command);
      options_clear (&o);
      return rc;
    }

  store = open_store (&o, &error);
  if (store == NULL)
    {
      rc = fail (error);
      options_clear (&o);
      return rc;
    }

  if (g_str_equal (command, "scan"))
    rc = cmd_scan (&o, store);
  else if (g_str_equal (command, "report"))
    rc = cmd_report (&o, store, NULL);
  else if (g_str_equal (command, "messages"))
    rc = cmd_messages (&o, store, NULL);
  else if (g_str_equal (command, "sources"))
    rc = cmd_sources (&o, store);
  else if (g_str_equal (command, "prices"))
    rc = cm_cli_prices (store, o.args, o.format);
  else if (g_str_equal (command, "billed"))
    rc = cm_cli_billed (store, o.args->len, (char **) o.args->pdata, o.filter->since);
  else
    {
      g_autoptr(GStrvBuilder) b = g_strv_builder_new ();
      g_auto(GStrv) args = NULL;

      for (guint i = 0; i < o.args->len; i++)
        g_strv_builder_add (b, g_ptr_array_index (o.args, i));
      args = g_strv_builder_end (b);
      rc = cm_cli_ratelimits (store, g_strv_length (args), args);
    }

  options_clear (&o);

  return rc;
}
