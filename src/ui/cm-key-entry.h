/* cm-key-entry.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Hands the key now in force (or NULL) to its user, e.g. a client. */
typedef void (*CmKeyEntryApply) (gpointer    owner,
                                 const char *key);

/* The keys (CmKeyringKind, which only a build with libsecret has). */
#define CM_KEY_ENTRY_API_KEY   0
#define CM_KEY_ENTRY_ADMIN_KEY 1

/* Which key, and what the rows say about it (translated). */
typedef struct
{
  guint       kind;          /* CM_KEY_ENTRY_API_KEY or _ADMIN_KEY */
  const char *env_var;       /* the variable read when the keyring has none */
  const char *none;          /* the status without a key */
  const char *saved;         /* the toast once saved */
  const char *removed;       /* the toast once removed */
  const char *clear_action;  /* the owner's action that removes it */
} CmKeyEntrySpec;

#define CM_TYPE_KEY_ENTRY (cm_key_entry_get_type ())

G_DECLARE_FINAL_TYPE (CmKeyEntry, cm_key_entry, CM, KEY_ENTRY, GObject)

/* The logic behind a key's two preference rows: @entry (a password row
 * whose "apply" saves it in the keyring, then empties) and @status (where
 * the key in force comes from, and errors), with @owner's @clear_action
 * enabled while the keyring holds it. @apply gets the key in force after
 * every change. The key is never logged. @spec's strings are kept. */
CmKeyEntry *cm_key_entry_new     (const CmKeyEntrySpec *spec,
                                  GtkWidget            *owner,
                                  AdwEntryRow          *entry,
                                  AdwActionRow         *status,
                                  CmKeyEntryApply       apply);
/* Looks the key up again and shows where it comes from. */
void        cm_key_entry_refresh (CmKeyEntry           *self);
/* Saves what the entry holds. */
void        cm_key_entry_save    (CmKeyEntry           *self);
/* Removes the key from the keyring. */
void        cm_key_entry_remove  (CmKeyEntry           *self);

G_END_DECLS
