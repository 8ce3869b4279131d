/* cm-cli.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "cm-store.h"

G_BEGIN_DECLS

typedef enum
{
  CM_CLI_FORMAT_TABLE,
  CM_CLI_FORMAT_JSON,
  CM_CLI_FORMAT_CSV,
} CmCliFormat;

/* Appends @value to a CSV line, quoted when it needs to be. */
void  cm_cli_csv_field           (GString             *line,
                                  const char          *value);
void  cm_cli_csv_int             (GString             *line,
                                  gint64               value);
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

/* `costmeter-cli ratelimits`; argv[0] is "ratelimits". */
int cm_cli_ratelimits (CmStore  *store,
                       int       argc,
                       char    **argv);

G_END_DECLS
