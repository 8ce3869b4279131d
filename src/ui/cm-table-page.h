/* cm-table-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-export.h"
#include "cm-report.h"

G_BEGIN_DECLS

#define CM_TYPE_TABLE_PAGE ( cm_table_page_get_type ())

G_DECLARE_FINAL_TYPE (CmTablePage, cm_table_page, CM, TABLE_PAGE, AdwBin)

/* What the Models, Users and Sessions views share: one section of the
 * report as a title with the row count (or "Updating…" while the report has
 * not read the section for the current filter), a sortable column view
 * with the section's Total row last or, with no rows, a "Nothing in This
 * Range" page, and the export of the rows as shown. The view that holds
 * it adds the columns; the columns that fit its width show. */
const char    *cm_table_page_get_title        (CmTablePage           *self);
void           cm_table_page_set_title        (CmTablePage           *self,
                                               const char            *title);
GtkColumnView *cm_table_page_get_view         (CmTablePage           *self);
/* Both before cm_table_page_set_report. CM_SECTION_MODELS, _USERS or
 * _SESSIONS: the list of the report shown. */
void           cm_table_page_set_section      (CmTablePage           *self,
                                               CmSection              section);
/* Rows that @sorter orders keep that order whatever column header sorts
 * the rest. */
void           cm_table_page_set_first_sorter (CmTablePage           *self,
                                               GtkSorter             *sorter);
void           cm_table_page_set_report       (CmTablePage           *self,
                                               CmReport              *report);
CmReport      *cm_table_page_get_report       (CmTablePage           *self);
/* The rows in the order shown (sorted by the column headers), without the
 * Total row, which follows them. */
GListModel    *cm_table_page_get_rows         (CmTablePage           *self);
/* (transfer full): the Total row's item, or NULL. */
GObject       *cm_table_page_get_total        (CmTablePage           *self);
const char    *cm_table_page_get_summary      (CmTablePage           *self);
/* @name (the file name without extension) and @columns are static. */
void           cm_table_page_set_export       (CmTablePage           *self,
                                               const char            *name,
                                               const CmExportColumn  *columns,
                                               guint                  n_columns);
char          *cm_table_page_dup_export       (CmTablePage           *self,
                                               CmExportFormat         format,
                                               char                 **suggested_name);

G_END_DECLS
