/* cm-assign-owner-dialog.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "cm-store.h"

G_BEGIN_DECLS

#define CM_TYPE_ASSIGN_OWNER_DIALOG (cm_assign_owner_dialog_get_type ())

G_DECLARE_FINAL_TYPE (CmAssignOwnerDialog, cm_assign_owner_dialog, CM, ASSIGN_OWNER_DIALOG, AdwMessageDialog)

/* "Assign Owner…" of the Unattributed row: one field per folder (or home
 * inside one) whose runs name nobody; what is typed becomes its owner and
 * the stored runs follow at once. */
CmAssignOwnerDialog *cm_assign_owner_dialog_new     (GtkWindow *parent,
                                                     CmStore   *store,
                                                     GSettings *settings);
void                 cm_assign_owner_dialog_present (GtkWindow *parent,
                                                     CmStore   *store,
                                                     GSettings *settings);
/* The folders offered (tests). */
guint                cm_assign_owner_dialog_get_n_folders (CmAssignOwnerDialog *self);
/* Types @owner for the @index-th folder and answers "Assign" (tests). */
void                 cm_assign_owner_dialog_assign        (CmAssignOwnerDialog *self,
                                                           guint                index,
                                                           const char          *owner);

G_END_DECLS
