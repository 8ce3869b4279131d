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
  CM_KEY_SOURCE_ENVIRONMENT,   /* ANTHROPIC_API_KEY */
} CmKeySource;

#define CM_KEYRING_ENV_VAR "ANTHROPIC_API_KEY"

/* Schema "com.example.CostMeter.ApiKey", one attribute: "service" = "anthropic". */
const SecretSchema *cm_keyring_get_schema    (void);

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
