/* cm-models-page.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-column-set.h"
#include "cm-columns.h"
#include "cm-models-page.h"

struct _CmModelsPage
{
  AdwBin       parent_instance;

  CmTablePage *table;
};

G_DEFINE_FINAL_TYPE (CmModelsPage, cm_models_page, ADW_TYPE_BIN)

static const CmExportColumn export_columns[] = {
  { "model", "key", CM_EXPORT_TEXT },
  { "backend", "key2", CM_EXPORT_TEXT },
  { "messages", "messages", CM_EXPORT_INTEGER },
  CM_EXPORT_TOKENS,
  { "web_search", "web-search", CM_EXPORT_INTEGER },
  { "cache_hit_ratio", "cache-hit-ratio", CM_EXPORT_RATIO },
  CM_EXPORT_COST,
  { "share", "share", CM_EXPORT_RATIO },
  /* Added last, so the columns before keep their places. */
  { "speed", "speed", CM_EXPORT_TEXT },
};

static void
cm_models_page_class_init (CmModelsPageClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  g_type_ensure (CM_TYPE_TABLE_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-models-page.ui");
  gtk_widget_class_bind_template_child (widget_class, CmModelsPage, table);
}

static void
cm_models_page_init (CmModelsPage *self)
{
  GtkColumnView *view;
  GType type = CM_TYPE_GROUP_ITEM;
  GtkColumnViewColumn *cost, *hit;

  gtk_widget_init_template (GTK_WIDGET (self));
  view = cm_table_page_get_view (self->table);

  /* What it cost comes first, and stays at any width (cm-column-set.c);
   * the token columns give way in a narrow window. */
  /* A model's fast requests are a row of their own: "claude-opus-5 · fast". */
  cm_columns_add (view, type, _("Model"), "label", CM_COLUMN_MODEL, TRUE);
  cm_column_set_priority (cm_columns_add (view, type, _("Backend"), "key2", CM_COLUMN_BACKEND, TRUE), 2);
  cost = cm_columns_add (view, type, _("Cost"), "cost", CM_COLUMN_COST, TRUE);
  /* Beside the "—" of a model without a price, the way to give it one. */
  cm_column_set_priority (cm_columns_add_set_price (view, "key"), 2);
  cm_column_set_priority (cm_columns_add (view, type, _("Share"), "share", CM_COLUMN_RATIO, TRUE), 1);
  cm_column_set_priority (cm_columns_add (view, type, _("Messages"), "messages", CM_COLUMN_COUNT, TRUE), 3);
  cm_column_set_priority (cm_columns_add (view, type, _("Input"), "input", CM_COLUMN_TOKENS, TRUE), 4);
  cm_column_set_priority (cm_columns_add (view, type, _("Output"), "output", CM_COLUMN_TOKENS, TRUE), 3);
  cm_column_set_priority (cm_columns_add (view, type, _("5m writes"), "cache-write-5m", CM_COLUMN_TOKENS, TRUE), 5);
  cm_column_set_priority (cm_columns_add (view, type, _("1h writes"), "cache-write-1h", CM_COLUMN_TOKENS, TRUE), 5);
  cm_column_set_priority (cm_columns_add (view, type, _("Cache reads"), "cache-read", CM_COLUMN_TOKENS, TRUE), 4);
  hit = cm_columns_add (view, type, _("Cache hit"), "cache-hit-ratio", CM_COLUMN_RATIO, TRUE);
  cm_column_set_priority (hit, 2);
  cm_columns_set_header_tooltip (view, hit, _(cm_columns_cache_hit_formula));

  /* Ranked by cost, biggest first (the arrow points down). */
  gtk_column_view_sort_by_column (view, cost, GTK_SORT_DESCENDING);

  cm_table_page_set_section (self->table, CM_SECTION_MODELS);
  cm_table_page_set_export (self->table, "costmeter-models", export_columns, G_N_ELEMENTS (export_columns));
}

CmTablePage *
cm_models_page_get_table (CmModelsPage *self)
{
  g_return_val_if_fail (CM_IS_MODELS_PAGE (self), NULL);

  return self->table;
}

GListModel *
cm_models_page_get_rows (CmModelsPage *self)
{
  g_return_val_if_fail (CM_IS_MODELS_PAGE (self), NULL);

  return cm_table_page_get_rows (self->table);
}
