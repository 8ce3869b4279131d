/* cm-keyring.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <libsecret/secret.h>

G_BEGIN_DECLS

/* Where an API key came from. */
typedef enum
{
  CM_KEY_SOURCE_NONE,
  CM_KEY_SOURCE_KEYRING,
  CM_KEY_SOURCE_ENVIRONMENT,   /* ANTHROPIC_API_KEY (ANTHROPIC_ADMIN_API_KEY) */
} CmKeySource;

#define CM_KEYRING_ENV_VAR "ANTHROPIC_API_KEY"
#define CM_KEYRING_ADMIN_ENV_VAR "ANTHROPIC_ADMIN_API_KEY"

/* Which key: the probe's API key or the organization's Admin API key. Each
 * has its own schema and "service" attribute, and its own variable. */
typedef enum
{
  CM_KEYRING_API_KEY,
  CM_KEYRING_ADMIN_KEY,
} CmKeyringKind;

/* Schema "com.example.CostMeter.ApiKey", one attribute: "service" = "anthropic". */
const SecretSchema *cm_keyring_get_schema    (void);
/* Schema "com.example.CostMeter.AdminKey", "service" = "anthropic-admin". */
const SecretSchema *cm_keyring_get_admin_schema (void);

/* The functions below without "kind" are those of CM_KEYRING_API_KEY; the
 * _finish functions serve both kinds. */
void      cm_keyring_store_kind_async         (CmKeyringKind        kind,
                                               const char          *key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
void      cm_keyring_lookup_kind_async        (CmKeyringKind        kind,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char     *cm_keyring_lookup_kind_sync         (CmKeyringKind        kind,
                                               GCancellable        *cancellable,
                                               CmKeySource         *source,
                                               GError             **error);
void      cm_keyring_clear_kind_async         (CmKeyringKind        kind,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

/* Stores @key in the default collection, replacing an earlier one. The key is
 * never logged; errors do not contain it. */
void      cm_keyring_store_async              (const char          *key,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean  cm_keyring_store_finish             (GAsyncResult        *result,
                                               GError             **error);

/* The keyring's key, else ANTHROPIC_API_KEY, else NULL with no error. When
 * the Secret Service fails and the variable is unset, that failure is the
 * error. Free the key with cm_keyring_free_key(). */
void      cm_keyring_lookup_async             (GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
char     *cm_keyring_lookup_finish            (GAsyncResult        *result,
                                               CmKeySource         *source,
                                               GError             **error);
char     *cm_keyring_lookup_sync              (GCancellable        *cancellable,
                                               CmKeySource         *source,
                                               GError             **error);

/* Removes the stored key (not an error when there is none). */
void      cm_keyring_clear_async              (GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);
gboolean  cm_keyring_clear_finish             (GAsyncResult        *result,
                                               GError             **error);

/* Gives @owner the key of @kind (the keyring's, else the variable's, else
 * NULL): @apply sets it and says whether @owner now has one. The task, of
 * @owner, finishes with that (g_task_propagate_boolean), or with the
 * keyring's error after the variable, when set, was applied. */
typedef gboolean (*CmKeyringApply) (gpointer    owner,
                                    const char *key);

void      cm_keyring_reload_async             (CmKeyringKind        kind,
                                               gpointer             owner,
                                               CmKeyringApply       apply,
                                               GCancellable        *cancellable,
                                               GAsyncReadyCallback  callback,
                                               gpointer             user_data);

/* The team database's password: schema "com.example.CostMeter.TeamPassword",
 * attributes "server" (host:port/dbname) and "user". Never logged; errors do
 * not contain it. */
const SecretSchema *cm_keyring_get_team_schema (void);
void      cm_keyring_store_team_password_async  (const char          *server,
                                                 const char          *user,
                                                 const char          *password,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean  cm_keyring_store_team_password_finish (GAsyncResult        *result,
                                                 GError             **error);
/* NULL without an error when none is stored. */
char     *cm_keyring_lookup_team_password_sync  (const char          *server,
                                                 const char          *user,
                                                 GCancellable        *cancellable,
                                                 GError             **error);
void      cm_keyring_clear_team_password_async  (const char          *server,
                                                 const char          *user,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean  cm_keyring_clear_team_password_finish (GAsyncResult        *result,
                                                 GError             **error);

/* Wipes and frees a key. */
void      cm_keyring_free_key                 (char                *key);

G_END_DECLS
