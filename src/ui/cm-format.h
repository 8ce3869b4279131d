/* cm-format.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

#include "cm-types.h"

G_BEGIN_DECLS

/* Decimals of dollar amounts (the "currency-decimals" setting). */
void  cm_format_set_decimals (int          decimals);
int   cm_format_get_decimals (void);
char *cm_format_money        (CmMoney      money);
char *cm_format_money_with   (CmMoney      money,
                              int          decimals);
/* "$1.23", "$1.23 + 4 unpriced messages", or "4 unpriced messages" alone:
 * a sum with unpriced messages is never shown as a silent $0. */
char *cm_format_money_sum    (CmMoney      money,
                              gint64       unpriced);
char *cm_format_unpriced     (gint64       unpriced);
/* "+ 4 unpriced": under an amount in a table cell. */
char *cm_format_unpriced_short (gint64     unpriced);
char *cm_format_count        (gint64       count);
/* The tables' one format for counts: 951, 1.4K, 99.4K, 3.4M, 1.2B (the
 * locale's decimal sign). */
char *cm_format_compact      (gint64       count);
char *cm_format_ratio        (double       ratio);
char *cm_format_time         (gint64       unix_ms,
                              const char  *timezone);
char *cm_format_duration     (gint64       ms);

G_END_DECLS
