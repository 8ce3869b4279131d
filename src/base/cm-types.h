/* cm-types.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Money is exact: integer units of 1e-10 USD. A price in units of 1e-4 USD per
 * million tokens times a token count gives this unit directly. */
typedef gint64 CmMoney;

#define CM_MONEY_PER_USD        G_GINT64_CONSTANT (10000000000)
#define CM_PRICE_UNITS_PER_USD  10000 /* price table unit: 1e-4 USD per MTok */

typedef enum
{
  CM_BACKEND_ANTHROPIC,
  CM_BACKEND_BEDROCK,
  CM_BACKEND_VERTEX,
  CM_BACKEND_UNKNOWN,
  CM_N_BACKENDS
} CmBackend;

#define CM_BACKEND_MASK_ALL ((1u << CM_N_BACKENDS) - 1)

/* The key used for runs without an owner in every report and export. */
#define CM_UNATTRIBUTED_KEY "(unattributed)"

typedef struct
{
  gint64 input;
  gint64 output;
  gint64 cache_write_5m;
  gint64 cache_write_1h;
  gint64 cache_read;
  gint64 web_search;
} CmUsage;

typedef struct
{
  CmMoney input;
  CmMoney output;
  CmMoney cache_write_5m;
  CmMoney cache_write_1h;
  CmMoney cache_read;
  CmMoney web_search;
  CmMoney total;
  gboolean long_context; /* whole request billed at the long-context rate */
  gboolean estimated;    /* a parity estimate (Bedrock/Vertex without own prices) */
} CmCost;

const char *cm_backend_to_string   (CmBackend    backend);
const char *cm_backend_to_label    (CmBackend    backend);
gboolean    cm_backend_from_string (const char  *str,
                                    CmBackend   *backend);
CmBackend   cm_backend_detect      (const char  *message_id,
                                    const char  *model_raw);

double      cm_money_to_usd        (CmMoney      money);
char       *cm_money_format_usd    (CmMoney      money,
                                    int          decimals);

/* Returns the heap's free pages to the system (glibc's malloc_trim). */
void        cm_release_free_memory (void);

/* Appends @value to @line as one CSV field (a comma before it unless the
 * line is empty; quoted when it holds a comma, quote or line break). Text
 * a spreadsheet would run as a formula (starting with =, +, -, @, a tab or
 * a carriage return, and not a number) gets a leading ' and is quoted, so
 * it stays text: a project path or model name from a transcript never
 * becomes a formula. */
void        cm_csv_append_field    (GString     *line,
                                    const char  *value,
                                    gboolean     separator);

G_END_DECLS
