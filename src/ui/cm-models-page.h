/* cm-models-page.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-report.h"
#include "cm-table-page.h"

G_BEGIN_DECLS

#define CM_TYPE_MODELS_PAGE (cm_models_page_get_type ())

G_DECLARE_FINAL_TYPE (CmModelsPage, cm_models_page, CM, MODELS_PAGE, AdwBin)

/* Per (model, backend): every token type, cache-hit ratio, cost, share. */
CmTablePage *cm_models_page_get_table  (CmModelsPage *self);
/* The rows in the order shown (sorted by the column headers). */
GListModel  *cm_models_page_get_rows   (CmModelsPage *self);

G_END_DECLS
