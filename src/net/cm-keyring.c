/* cm-keyring.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cm-keyring.h"

const SecretSchema *
cm_keyring_get_schema (void)
{
  static const SecretSchema schema = {
    "com.example.CostMeter.ApiKey", SECRET_SCHEMA_NONE,
    {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* A schema of its own: a lookup of the probe key can never find the Admin
 * key (libsecret matches the schema name as well as the attributes). */
const SecretSchema *
cm_keyring_get_admin_schema (void)
{
  static const SecretSchema schema = {
    "com.example.CostMeter.AdminKey", SECRET_SCHEMA_NONE,
    {
      { "service", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

/* What tells one kind of key from the other. */
typedef struct
{
  const SecretSchema *(*schema) (void);
  const char *service;
  const char *label;
  const char *env_var;
  const char *name;      /* in error messages */
} KindInfo;

static const KindInfo kinds[] = {
  [CM_KEYRING_API_KEY] = { cm_keyring_get_schema, "anthropic", "CostMeter: Anthropic API key",
                           CM_KEYRING_ENV_VAR, "API key" },
  [CM_KEYRING_ADMIN_KEY] = { cm_keyring_get_admin_schema, "anthropic-admin",
                             "CostMeter: Anthropic Admin API key", CM_KEYRING_ADMIN_ENV_VAR,
                             "Admin API key" },
};

static const KindInfo *
kind_info (CmKeyringKind kind)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (kinds), &kinds[CM_KEYRING_API_KEY]);

  return &kinds[kind];
}

void
cm_keyring_free_key (char *key)
{
  if (key == NULL)
    return;

  memset (key, 0, strlen (key));
  g_free (key);
}

/* A trimmed copy of the kind's variable, or NULL when unset or blank. */
static char *
env_key (const KindInfo *info)
{
  const char *value = g_getenv (info->env_var);
  char *key;

  if (value == NULL)
    return NULL;

  key = g_strstrip (g_strdup (value));
  if (*key == '\0')
    {
      g_free (key);
      return NULL;
    }

  return key;
}

/* Secret Service messages name the item or collection, never the secret, but
 * keep them short and ours. */
static GError *
keyring_error (GError         *error,
               const KindInfo *info,
               const char     *what)
{
  GError *out = g_error_new (error->domain, error->code,
                             "Could not %s the %s in the keyring: %s",
                             what, info->name, error->message);

  g_error_free (error);
  return out;
}

/* --- store --- */

static void
store_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (res, &error))
    g_task_return_error (task, keyring_error (error, g_task_get_task_data (task), "save"));
  else
    g_task_return_boolean (task, TRUE);
}

void
cm_keyring_store_kind_async (CmKeyringKind        kind,
                             const char          *key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const KindInfo *info = kind_info (kind);
  g_autoptr(GTask) task = NULL;
  g_autofree char *trimmed = NULL;

  g_return_if_fail (key != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_keyring_store_kind_async);
  g_task_set_task_data (task, (gpointer) info, NULL);

  trimmed = g_strstrip (g_strdup (key));
  if (*trimmed == '\0')
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               "The %s is empty.", info->name);
      return;
    }

  secret_password_store (info->schema (), SECRET_COLLECTION_DEFAULT,
                         info->label, trimmed, cancellable, store_cb, g_steal_pointer (&task),
                         "service", info->service,
                         NULL);
  memset (trimmed, 0, strlen (trimmed));
}

void
cm_keyring_store_async (const char          *key,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  cm_keyring_store_kind_async (CM_KEYRING_API_KEY, key, cancellable, callback, user_data);
}

gboolean
cm_keyring_store_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- lookup --- */

typedef struct
{
  char        *key;
  CmKeySource  source;
} LookupResult;

static void
lookup_result_free (LookupResult *r)
{
  cm_keyring_free_key (r->key);
  g_free (r);
}

/* Shared by the sync and async paths: decide from the keyring's answer. */
static LookupResult *
resolve (const KindInfo  *info,
         char            *keyring_key,
         GError         **error)
{
  LookupResult *r = g_new0 (LookupResult, 1);

  if (keyring_key != NULL && *keyring_key != '\0')
    {
      r->key = g_strdup (keyring_key);
      r->source = CM_KEY_SOURCE_KEYRING;
      g_clear_error (error);
    }
  else if ((r->key = env_key (info)) != NULL)
    {
      r->source = CM_KEY_SOURCE_ENVIRONMENT;
      g_clear_error (error);
    }

  if (keyring_key != NULL)
    secret_password_free (keyring_key);

  return r;
}

static void
lookup_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;
  char *key;
  LookupResult *r;

  key = secret_password_lookup_finish (res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  r = resolve (g_task_get_task_data (task), key, &error);
  if (error != NULL)
    {
      lookup_result_free (r);
      g_task_return_error (task, keyring_error (error, g_task_get_task_data (task), "read"));
      return;
    }

  g_task_return_pointer (task, r, (GDestroyNotify) lookup_result_free);
}

void
cm_keyring_lookup_kind_async (CmKeyringKind        kind,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  const KindInfo *info = kind_info (kind);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cm_keyring_lookup_kind_async);
  g_task_set_task_data (task, (gpointer) info, NULL);
  secret_password_lookup (info->schema (), cancellable, lookup_cb, task,
                          "service", info->service,
                          NULL);
}

void
cm_keyring_lookup_async (GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  cm_keyring_lookup_kind_async (CM_KEYRING_API_KEY, cancellable, callback, user_data);
}

char *
cm_keyring_lookup_finish (GAsyncResult  *result,
                          CmKeySource   *source,
                          GError       **error)
{
  LookupResult *r;
  char *key;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  if (source != NULL)
    *source = CM_KEY_SOURCE_NONE;

  r = g_task_propagate_pointer (G_TASK (result), error);
  if (r == NULL)
    return NULL;

  key = g_steal_pointer (&r->key);
  if (source != NULL)
    *source = r->source;
  lookup_result_free (r);

  return key;
}

char *
cm_keyring_lookup_kind_sync (CmKeyringKind   kind,
                             GCancellable   *cancellable,
                             CmKeySource    *source,
                             GError        **error)
{
  const KindInfo *info = kind_info (kind);
  GError *local_error = NULL;
  LookupResult *r;
  char *key;

  if (source != NULL)
    *source = CM_KEY_SOURCE_NONE;

  key = secret_password_lookup_sync (info->schema (), cancellable, &local_error,
                                     "service", info->service,
                                     NULL);
  r = resolve (info, key, &local_error);
  if (local_error != NULL)
    {
      lookup_result_free (r);
      g_propagate_error (error, keyring_error (local_error, info, "read"));
      return NULL;
    }

  key = g_steal_pointer (&r->key);
  if (source != NULL)
    *source = r->source;
  lookup_result_free (r);

  return key;
}

char *
cm_keyring_lookup_sync (GCancellable  *cancellable,
                        CmKeySource   *source,
                        GError       **error)
{
  return cm_keyring_lookup_kind_sync (CM_KEYRING_API_KEY, cancellable, source, error);
}

/* --- clear --- */

static void
clear_cb (GObject      *source,
          GAsyncResult *res,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  /* FALSE without an error only means there was nothing to remove. */
  secret_password_clear_finish (res, &error);
  if (error != NULL)
    g_task_return_error (task, keyring_error (error, g_task_get_task_data (task), "remove"));
  else
    g_task_return_boolean (task, TRUE);
}

void
cm_keyring_clear_kind_async (CmKeyringKind        kind,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  const KindInfo *info = kind_info (kind);
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cm_keyring_clear_kind_async);
  g_task_set_task_data (task, (gpointer) info, NULL);
  secret_password_clear (info->schema (), cancellable, clear_cb, task,
                         "service", info->service,
                         NULL);
}

void
cm_keyring_clear_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  cm_keyring_clear_kind_async (CM_KEYRING_API_KEY, cancellable, callback, user_data);
}

gboolean
cm_keyring_clear_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* --- reload into an owner --- */

static void
reload_cb (GObject      *source,
           GAsyncResult *res,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  CmKeyringApply apply = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean has_key;
  char *key;

  key = cm_keyring_lookup_finish (res, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, error);
      return;
    }

  /* A keyring failure with the variable set already gave that key. */
  has_key = apply (g_task_get_source_object (task), key);
  cm_keyring_free_key (key);

  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, has_key);
}

void
cm_keyring_reload_async (CmKeyringKind        kind,
                         gpointer             owner,
                         CmKeyringApply       apply,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (G_IS_OBJECT (owner));
  g_return_if_fail (apply != NULL);

  task = g_task_new (owner, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_keyring_reload_async);
  g_task_set_task_data (task, apply, NULL);
  cm_keyring_lookup_kind_async (kind, cancellable, reload_cb, task);
}

/* --- the team database's password --- */

#define TEAM_LABEL "CostMeter: team database password"

const SecretSchema *
cm_keyring_get_team_schema (void)
{
  static const SecretSchema schema = {
    "com.example.CostMeter.TeamPassword", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "user", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    },
    0, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
  };

  return &schema;
}

static GError *
team_error (GError     *error,
            const char *what)
{
  GError *out = g_error_new (error->domain, error->code,
                             "Could not %s the team database password in the keyring: %s",
                             what, error->message);

  g_error_free (error);
  return out;
}

static void
team_store_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!secret_password_store_finish (res, &error))
    g_task_return_error (task, team_error (error, "save"));
  else
    g_task_return_boolean (task, TRUE);
}

void
cm_keyring_store_team_password_async (const char          *server,
                                      const char          *user,
                                      const char          *password,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (server != NULL && user != NULL && password != NULL);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, cm_keyring_store_team_password_async);
  secret_password_store (cm_keyring_get_team_schema (), SECRET_COLLECTION_DEFAULT, TEAM_LABEL,
                         password, cancellable, team_store_cb, task,
                         "server", server,
                         "user", user,
                         NULL);
}

gboolean
cm_keyring_store_team_password_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

char *
cm_keyring_lookup_team_password_sync (const char    *server,
                                      const char    *user,
                                      GCancellable  *cancellable,
                                      GError       **error)
{
  GError *local_error = NULL;
  char *secret;
  char *copy = NULL;

  g_return_val_if_fail (server != NULL && user != NULL, NULL);

  secret = secret_password_lookup_sync (cm_keyring_get_team_schema (), cancellable, &local_error,
                                        "server", server,
                                        "user", user,
                                        NULL);
  if (local_error != NULL)
    {
      g_propagate_error (error, team_error (local_error, "read"));
      return NULL;
    }
  if (secret != NULL && *secret != '\0')
    copy = g_strdup (secret);
  if (secret != NULL)
    secret_password_free (secret);

  return copy;
}

static void
team_clear_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  secret_password_clear_finish (res, &error);
  if (error != NULL)
    g_task_return_error (task, team_error (error, "remove"));
  else
    g_task_return_boolean (task, TRUE);
}

void
cm_keyring_clear_team_password_async (const char          *server,
                                      const char          *user,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  GTask *task = g_task_new (NULL, cancellable, callback, user_data);

  g_task_set_source_tag (task, cm_keyring_clear_team_password_async);
  secret_password_clear (cm_keyring_get_team_schema (), cancellable, team_clear_cb, task,
                         "server", server,
                         "user", user,
                         NULL);
}

gboolean
cm_keyring_clear_team_password_finish (GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
