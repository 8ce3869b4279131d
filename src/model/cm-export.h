/* cm-export.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef enum
{
  CM_EXPORT_TEXT,      /* string property */
  CM_EXPORT_INTEGER,   /* gint64 property */
  CM_EXPORT_MONEY,     /* gint64 property in units of 1e-10 USD: exact decimal USD */
  CM_EXPORT_RATIO,     /* double property in [0, 1]; NAN (undefined) is absent */
  CM_EXPORT_TIME,      /* gint64 Unix ms: ISO 8601 UTC */
  CM_EXPORT_BOOLEAN,   /* boolean property */
} CmExportKind;

typedef enum
{
  CM_EXPORT_FORMAT_CSV,
  CM_EXPORT_FORMAT_JSON,
} CmExportFormat;

typedef struct
{
  const char   *key;       /* CSV header and JSON member name */
  const char   *property;  /* property of each item */
  CmExportKind  kind;
} CmExportColumn;

/* The token counts and the cost of a row of totals, as every table that
 * shows them exports them (entries of a CmExportColumn array). */
#define CM_EXPORT_TOKENS \
  { "input", "input", CM_EXPORT_INTEGER }, \
  { "output", "output", CM_EXPORT_INTEGER }, \
  { "cache_write_5m", "cache-write-5m", CM_EXPORT_INTEGER }, \
  { "cache_write_1h", "cache-write-1h", CM_EXPORT_INTEGER }, \
  { "cache_read", "cache-read", CM_EXPORT_INTEGER }
#define CM_EXPORT_COST \
  { "cost_usd", "cost", CM_EXPORT_MONEY }, \
  { "estimated", "has-estimate", CM_EXPORT_BOOLEAN }, \
  { "unpriced_messages", "unpriced", CM_EXPORT_INTEGER }

/* Writes every item of @model (GObjects) with @columns. CSV follows RFC 4180
 * (CRLF, quoted when needed); JSON is an array of objects. Money is written
 * exactly, never through a double. */
char     *cm_export_to_string (GListModel            *model,
                               const CmExportColumn  *columns,
                               guint                  n_columns,
                               CmExportFormat         format);
gboolean  cm_export_to_file   (GListModel            *model,
                               const CmExportColumn  *columns,
                               guint                  n_columns,
                               CmExportFormat         format,
                               GFile                 *file,
                               GError               **error);
/* @base with the extension of @format: "costmeter-models.csv". */
char     *cm_export_file_name (const char            *base,
                               CmExportFormat         format);
/* "1.2345000000" for 12345000000 units: every digit, no rounding. */
char     *cm_export_format_money (gint64 units);

G_END_DECLS
