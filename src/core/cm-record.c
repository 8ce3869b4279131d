/* cm-record.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cm-record.h"

void
cm_record_clear (CmRecord *record)
{
  g_clear_pointer (&record->message_id, g_free);
  g_clear_pointer (&record->request_id, g_free);
  g_clear_pointer (&record->uuid, g_free);
  g_clear_pointer (&record->session_id, g_free);
  g_clear_pointer (&record->cwd, g_free);
  g_clear_pointer (&record->model_raw, g_free);
  memset (record, 0, sizeof *record);
}
