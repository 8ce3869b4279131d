/* cm-columns.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum
{
  CM_COLUMN_TEXT,      /* string property */
  CM_COLUMN_MODEL,     /* string, cut in the middle: "claude-son…50929"; the item's
                        * "mode" (a message's "fast") as a tag beside it */
  CM_COLUMN_PATH,      /* string, cut at the start: "…/src/website" */
  CM_COLUMN_BACKEND,   /* backend id string, shown by name */
  CM_COLUMN_COUNT,     /* gint64 */
  CM_COLUMN_TOKENS,    /* gint64, compact */
  CM_COLUMN_MONEY,     /* gint64 money; "est." badge from has-estimate */
  CM_COLUMN_COST,      /* like MONEY, plus "unpriced" from the item's unpriced count */
  CM_COLUMN_RATIO,     /* double in [0, 1] */
  CM_COLUMN_TIME,      /* gint64 Unix ms */
  CM_COLUMN_DURATION,  /* gint64 ms */
  CM_COLUMN_COUNT_COST, /* gint64 count, its "cost-<property>" dimmed below */
  CM_COLUMN_TAGGED,    /* string property, with the item's "mode" as a tag beside it */
} CmColumnKind;

/* Adds a column showing @property of each row with a matching sorter (when
 * @sortable). Rows with a TRUE "muted" property are drawn dimmed. Figures
 * are compact (1.4K) with the exact one on hover; dollars with nothing
 * priced behind them, and undefined ratios, read "—" with the reason on
 * hover. */
GtkColumnViewColumn *cm_columns_add        (GtkColumnView *view,
                                            GType          item_type,
                                            const char    *title,
                                            const char    *property,
                                            CmColumnKind   kind,
                                            gboolean       sortable);
/* Adds a column whose cell offers "Set Price…" (the window's
 * win.set-price with the row's @model_property) on rows with unpriced
 * messages, the Total row excepted. */
GtkColumnViewColumn *cm_columns_add_set_price (GtkColumnView *view,
                                               const char    *model_property);
/* Wraps @model in a sort model driven by the view's column headers, after
 * @first (if not NULL): the order @first gives holds whatever the column.
 * @total (a list of one item, or NULL) is the Total row, shown last: its
 * first column says "Total", its other text, time and duration cells are
 * empty. */
GtkSelectionModel   *cm_columns_set_model  (GtkColumnView *view,
                                            GListModel    *model,
                                            GtkSorter     *first,
                                            GListModel    *total);
/* The rows in the order shown, without the Total row. */
GListModel          *cm_columns_get_rows   (GtkColumnView *view);
/* What the Cache hit header says (N_() marked). */
extern const char * const cm_columns_cache_hit_formula;
void                 cm_columns_set_header_tooltip (GtkColumnView       *view,
                                                    GtkColumnViewColumn *column,
                                                    const char          *tooltip);
/* Sorts the view's rows again (after their items changed in place). */
void                 cm_columns_resort     (GtkColumnView *view);
/* The text a cell of @kind shows for @item (tests use it too). */
char                *cm_columns_format     (GObject       *item,
                                            const char    *property,
                                            CmColumnKind   kind);

G_END_DECLS
