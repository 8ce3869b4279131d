/* cm-cli.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "cm-cli-statusline.h"
#include "cm-store.h"
#include "cm-team-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_CLI_FORMAT_TABLE,
  CM_CLI_FORMAT_JSON,
  CM_CLI_FORMAT_CSV,
} CmCliFormat;

/* $COSTMETER_API_BASE_URL, else the api-base-url setting, else the default. */
char *cm_cli_configured_base_url (void);

/* `costmeter-cli billed fetch [--since DAY]`; argv[0] is "billed". */
int cm_cli_billed         (CmStore             *store,
                           int                  argc,
                           char               **argv,
                           const char          *since);
/* `report billed` and `report org-users` over the filter's days (UTC). */
int cm_cli_report_billed  (CmStore             *store,
                           const char          *kind,
                           const CmQueryFilter *filter,
                           CmCliFormat          format);

/* `costmeter-cli prices list|update [--url URL]|set MODEL --input X ...`;
 * args[0] is "prices". */
int cm_cli_prices (CmStore     *store,
                   GPtrArray   *args,
                   CmCliFormat  format);

/* `costmeter-cli ratelimits`; argv[0] is "ratelimits". */
int cm_cli_ratelimits (CmStore  *store,
                       int       argc,
                       char    **argv);

/* `costmeter-cli report blocks`: the blocks of @filter, only the one running
 * at @now_ms with @active_only, the last @recent ones if not 0. */
int cm_cli_report_blocks (CmStore             *store,
                          const CmQueryFilter *filter,
                          CmCliFormat          format,
                          gint64               now_ms,
                          gboolean             active_only,
                          guint                recent);

/* --- weeks (cm-cli-weekly.c) --- */

/* The first day of the week in the LC_TIME locale (Monday if it says none). */
GDateWeekday cm_cli_locale_first_weekday (void);
/* "monday" ... "sunday", or their first three letters. */
gboolean     cm_cli_parse_weekday        (const char   *text,
                                          GDateWeekday *weekday);
/* Day rows (CmGroupRow, key "YYYY-MM-DD", key2 a model or NULL) summed into
 * rows keyed by the first day of their week, in time order. */
GPtrArray   *cm_cli_weekly_rows          (GPtrArray    *days,
                                          GDateWeekday  first);

/* --- report output (cm-cli-output.c) --- */

/* One row of a report. */
typedef struct
{
  char     *key;
  char     *model;     /* --breakdown */
  char     *project;   /* sessions */
  char     *user;
  char     *models;
  char     *speed;         /* rows of a model: "standard" or the usage.speed */
  char     *inference_geo; /* messages: usage.inference_geo, "" for standard */
  gint64    start_ms;
  gint64    end_ms;
  CmTotals  totals;
  /* What the window calls the key ("Unattributed", "Not yet classified",
   * "Bedrock"): the table shows it, JSON and CSV add it as "label". */
  char     *label;
  /* The user report: each backend's dollars ("bedrock_usd" ...). */
  gboolean  by_backend;
  CmMoney   backend_cost[CM_N_BACKENDS];
  /* A session's messages: the message's id and each kind's dollars
   * (input_usd .. web_search_usd; "—" or null when unpriced). */
  char     *message_id;
  gboolean  per_kind;
} CmCliRow;

void  cm_cli_row_free        (CmCliRow       *row);
/* "2026-11-22T10:47:00Z" */
char *cm_cli_iso_time        (gint64          ms);
/* The figures of a sum as JSON members (input, ..., cost_usd_exact). */
void  cm_cli_json_add_totals (JsonBuilder    *b,
                              const CmTotals *t);
/* Nothing when @value is NULL. */
void  cm_cli_json_add_string (JsonBuilder    *b,
                              const char     *name,
                              const char     *value);
/* Prints the builder's root, pretty. */
void  cm_cli_json_print      (JsonBuilder    *b);
void  cm_cli_print_json      (GPtrArray      *rows,
                              const CmTotals *totals);
/* Appends one field (quoted when it must be) to a CSV line. */
void  cm_cli_csv_field       (GString        *line,
                              const char     *value);
void  cm_cli_csv_int         (GString        *line,
                              gint64          value);
void  cm_cli_print_csv       (GPtrArray      *rows,
                              gboolean        breakdown,
                              gboolean        sessions);
/* 1234567 -> "1,234,567" */
char *cm_cli_human_int       (gint64          v);
void  cm_cli_print_table     (GPtrArray      *rows,
                              const CmTotals *totals,
                              const char     *key_title,
                              gboolean        breakdown);

/* The team database of --connection, $COSTMETER_TEAM or the settings, with
 * the keyring's password for it (cm-cli-team.c). */
CmTeamStore *cm_cli_team_open (const char  *connection,
                               GError     **error);
/* `costmeter-cli team init|add-member EMAIL`; args[0] is "team". */
int          cm_cli_team      (CmTeamStore *team,
                               GPtrArray   *args,
                               gboolean     admin,
                               gboolean     password_stdin);
/* `costmeter-cli push` */
int          cm_cli_push      (CmTeamStore *team,
                               CmStore     *store,
                               guint        batch);

G_END_DECLS
