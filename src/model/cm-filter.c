/* cm-filter.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "cm-filter.h"

struct _CmFilter
{
  GObject    parent_instance;

  char      *date_range;
  char      *since;
  char      *until;
  char      *timezone;
  char      *project;
  GStrv      models;     /* NULL = all */
  guint      backends;
  GStrv      users;      /* NULL = all */
  GDateTime *now;
};

G_DEFINE_FINAL_TYPE (CmFilter, cm_filter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DATE_RANGE,
  PROP_SINCE,
  PROP_UNTIL,
  PROP_TIMEZONE,
  PROP_PROJECT,
  PROP_MODELS,
  PROP_MODELS_SET,
  PROP_BACKENDS,
  PROP_USERS,
  PROP_USERS_SET,
  N_PROPS
};

enum {
  CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static const char *presets[] = {
  "today", "last-7-days", "last-30-days", "this-month", "last-month", "all", "custom",
};

static gboolean
is_preset (const char *str)
{
  for (guint i = 0; i < G_N_ELEMENTS (presets); i++)
    if (g_strcmp0 (str, presets[i]) == 0)
      return TRUE;

  return FALSE;
}

/* Empty strings mean "not set" (GSettings stores '' for those). */
static gboolean
set_string (char       **field,
            const char  *value)
{
  if (value != NULL && *value == '\0')
    value = NULL;

  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);

  return TRUE;
}

static gboolean
strv_equal0 (const char * const *a,
             const char * const *b)
{
  if (a == NULL || b == NULL)
    return a == b;

  return g_strv_equal (a, b);
}

static void
cm_filter_finalize (GObject *object)
{
  CmFilter *self = (CmFilter *)object;

  g_free (self->date_range);
  g_free (self->since);
  g_free (self->until);
  g_free (self->timezone);
  g_free (self->project);
  g_strfreev (self->models);
  g_strfreev (self->users);
  g_clear_pointer (&self->now, g_date_time_unref);

  G_OBJECT_CLASS (cm_filter_parent_class)->finalize (object);
}

static void
cm_filter_get_property (GObject    *object,
                        guint       prop_id,
                        GValue     *value,
                        GParamSpec *pspec)
{
  CmFilter *self = CM_FILTER (object);

  switch (prop_id)
    {
    case PROP_DATE_RANGE:
      g_value_set_string (value, self->date_range);
      break;
    case PROP_SINCE:
      g_value_set_string (value, self->since != NULL ? self->since : "");
      break;
    case PROP_UNTIL:
      g_value_set_string (value, self->until != NULL ? self->until : "");
      break;
    case PROP_TIMEZONE:
      g_value_set_string (value, self->timezone != NULL ? self->timezone : "");
      break;
    case PROP_PROJECT:
      g_value_set_string (value, self->project != NULL ? self->project : "");
      break;
    case PROP_MODELS:
      g_value_set_boxed (value, self->models);
      break;
    case PROP_MODELS_SET:
      g_value_set_boolean (value, self->models != NULL);
      break;
    case PROP_BACKENDS:
      g_value_set_uint (value, self->backends);
      break;
    case PROP_USERS:
      g_value_set_boxed (value, self->users);
      break;
    case PROP_USERS_SET:
      g_value_set_boolean (value, self->users != NULL);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_filter_set_property (GObject      *object,
                        guint         prop_id,
                        const GValue *value,
                        GParamSpec   *pspec)
{
  CmFilter *self = CM_FILTER (object);

  switch (prop_id)
    {
    case PROP_DATE_RANGE:
      cm_filter_set_date_range (self, g_value_get_string (value));
      break;
    case PROP_SINCE:
      cm_filter_set_since (self, g_value_get_string (value));
      break;
    case PROP_UNTIL:
      cm_filter_set_until (self, g_value_get_string (value));
      break;
    case PROP_TIMEZONE:
      cm_filter_set_timezone (self, g_value_get_string (value));
      break;
    case PROP_PROJECT:
      cm_filter_set_project (self, g_value_get_string (value));
      break;
    case PROP_MODELS:
      cm_filter_set_models (self, g_value_get_boxed (value));
      break;
    case PROP_BACKENDS:
      cm_filter_set_backends (self, g_value_get_uint (value));
      break;
    case PROP_USERS:
      cm_filter_set_users (self, g_value_get_boxed (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_filter_class_init (CmFilterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags rw = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = cm_filter_finalize;
  object_class->get_property = cm_filter_get_property;
  object_class->set_property = cm_filter_set_property;

  properties[PROP_DATE_RANGE] =
    g_param_spec_string ("date-range", NULL, NULL, "last-30-days", rw);
  properties[PROP_SINCE] = g_param_spec_string ("since", NULL, NULL, "", rw);
  properties[PROP_UNTIL] = g_param_spec_string ("until", NULL, NULL, "", rw);
  properties[PROP_TIMEZONE] = g_param_spec_string ("timezone", NULL, NULL, "", rw);
  properties[PROP_PROJECT] = g_param_spec_string ("project", NULL, NULL, "", rw);
  properties[PROP_MODELS] = g_param_spec_boxed ("models", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_MODELS_SET] = g_param_spec_boolean ("models-set", NULL, NULL, FALSE, ro);
  properties[PROP_BACKENDS] =
    g_param_spec_uint ("backends", NULL, NULL, 0, CM_BACKEND_MASK_ALL, CM_BACKEND_MASK_ALL, rw);
  properties[PROP_USERS] = g_param_spec_boxed ("users", NULL, NULL, G_TYPE_STRV, rw);
  properties[PROP_USERS_SET] = g_param_spec_boolean ("users-set", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CHANGED] = g_signal_new ("changed",
                                   G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 0);
}

static void
cm_filter_init (CmFilter *self)
{
  self->date_range = g_strdup ("last-30-days");
  self->backends = CM_BACKEND_MASK_ALL;
}

CmFilter *
cm_filter_new (void)
{
  return g_object_new (CM_TYPE_FILTER, NULL);
}

static void
emit_changed (CmFilter   *self,
              GParamSpec *pspec)
{
  g_object_notify_by_pspec (G_OBJECT (self), pspec);
  g_signal_emit (self, signals[CHANGED], 0);
}

const char *
cm_filter_get_date_range (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return self->date_range;
}

void
cm_filter_set_date_range (CmFilter   *self,
                          const char *preset)
{
  g_return_if_fail (CM_IS_FILTER (self));

  if (!is_preset (preset))
    {
      g_warning ("Unknown date range “%s”", preset ? preset : "(null)");
      return;
    }

  if (set_string (&self->date_range, preset))
    emit_changed (self, properties[PROP_DATE_RANGE]);
}

const char *
cm_filter_get_since (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return self->since;
}

void
cm_filter_set_since (CmFilter   *self,
                     const char *since)
{
  g_return_if_fail (CM_IS_FILTER (self));

  if (set_string (&self->since, since))
    emit_changed (self, properties[PROP_SINCE]);
}

const char *
cm_filter_get_until (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return self->until;
}

void
cm_filter_set_until (CmFilter   *self,
                     const char *until)
{
  g_return_if_fail (CM_IS_FILTER (self));

  if (set_string (&self->until, until))
    emit_changed (self, properties[PROP_UNTIL]);
}

const char *
cm_filter_get_timezone (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return self->timezone;
}

void
cm_filter_set_timezone (CmFilter   *self,
                        const char *timezone)
{
  g_return_if_fail (CM_IS_FILTER (self));

  if (set_string (&self->timezone, timezone))
    emit_changed (self, properties[PROP_TIMEZONE]);
}

const char *
cm_filter_get_project (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return self->project;
}

void
cm_filter_set_project (CmFilter   *self,
                       const char *project)
{
  g_autofree char *stripped = g_strstrip (g_strdup (project != NULL ? project : ""));

  g_return_if_fail (CM_IS_FILTER (self));

  if (set_string (&self->project, stripped))
    emit_changed (self, properties[PROP_PROJECT]);
}

const char * const *
cm_filter_get_models (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return (const char * const *) self->models;
}

gboolean
cm_filter_get_models_set (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), FALSE);

  return self->models != NULL;
}

void
cm_filter_set_models (CmFilter           *self,
                      const char * const *models)
{
  GStrv copy;

  g_return_if_fail (CM_IS_FILTER (self));

  if (strv_equal0 ((const char * const *) self->models, models))
    return;

  /* Copy first: @models may point into the current list. */
  copy = g_strdupv ((char **) models);
  g_strfreev (self->models);
  self->models = copy;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MODELS_SET]);
  emit_changed (self, properties[PROP_MODELS]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
cm_filter_reset_models (CmFilter *self)
{
  cm_filter_set_models (self, NULL);
}

gboolean
cm_filter_includes_model (CmFilter   *self,
                          const char *model)
{
  g_return_val_if_fail (CM_IS_FILTER (self), FALSE);

  if (self->models == NULL)
    return TRUE;

  return g_strv_contains ((const char * const *) self->models, model);
}

guint
cm_filter_get_backends (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), 0);

  return self->backends;
}

void
cm_filter_set_backends (CmFilter *self,
                        guint     mask)
{
  g_return_if_fail (CM_IS_FILTER (self));

  mask &= CM_BACKEND_MASK_ALL;
  if (self->backends == mask)
    return;

  self->backends = mask;
  emit_changed (self, properties[PROP_BACKENDS]);
}

const char * const *
cm_filter_get_users (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return (const char * const *) self->users;
}

void
cm_filter_set_users (CmFilter           *self,
                     const char * const *users)
{
  GStrv copy;

  g_return_if_fail (CM_IS_FILTER (self));

  if (strv_equal0 ((const char * const *) self->users, users))
    return;

  /* Copy first: @users may point into the current list. */
  copy = g_strdupv ((char **) users);
  g_strfreev (self->users);
  self->users = copy;

  g_object_freeze_notify (G_OBJECT (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USERS_SET]);
  emit_changed (self, properties[PROP_USERS]);
  g_object_thaw_notify (G_OBJECT (self));
}

/* Back to everything; the date range and time zone are preferences and stay. */
void
cm_filter_reset (CmFilter *self)
{
  g_return_if_fail (CM_IS_FILTER (self));

  cm_filter_set_project (self, NULL);
  cm_filter_set_models (self, NULL);
  cm_filter_set_backends (self, CM_BACKEND_MASK_ALL);
  cm_filter_set_users (self, NULL);
}

void
cm_filter_bind_settings (CmFilter  *self,
                         GSettings *settings)
{
  g_return_if_fail (CM_IS_FILTER (self));
  g_return_if_fail (G_IS_SETTINGS (settings));

  g_settings_bind (settings, "date-range", self, "date-range", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "date-since", self, "since", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "date-until", self, "until", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "timezone", self, "timezone", G_SETTINGS_BIND_DEFAULT);
}

void
cm_filter_set_now (CmFilter  *self,
                   GDateTime *now)
{
  g_return_if_fail (CM_IS_FILTER (self));

  g_clear_pointer (&self->now, g_date_time_unref);
  if (now != NULL)
    self->now = g_date_time_ref (now);

  g_signal_emit (self, signals[CHANGED], 0);
}

static GDateTime *
dup_now (CmFilter *self)
{
  g_autoptr(GTimeZone) tz = NULL;

  if (self->timezone != NULL)
    tz = g_time_zone_new_identifier (self->timezone);
  if (tz == NULL)
    tz = g_time_zone_new_local ();

  if (self->now != NULL)
    return g_date_time_to_timezone (self->now, tz);

  return g_date_time_new_now (tz);
}

static char *
format_day (GDateTime *dt)
{
  return g_date_time_format (dt, "%Y-%m-%d");
}

char *
cm_filter_dup_today (CmFilter *self)
{
  g_autoptr(GDateTime) now = NULL;

  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  now = dup_now (self);

  return format_day (now);
}

void
cm_filter_preset_range (CmFilter    *self,
                        const char  *preset,
                        char       **since,
                        char       **until)
{
  g_autoptr(GDateTime) now = NULL;
  g_autoptr(GDateTime) start = NULL;
  g_autoptr(GDateTime) end = NULL;

  g_return_if_fail (CM_IS_FILTER (self));

  *since = NULL;
  *until = NULL;
  now = dup_now (self);

  if (g_strcmp0 (preset, "today") == 0)
    {
      start = g_date_time_ref (now);
      end = g_date_time_ref (now);
    }
  else if (g_strcmp0 (preset, "last-7-days") == 0)
    {
      start = g_date_time_add_days (now, -6);
      end = g_date_time_ref (now);
    }
  else if (g_strcmp0 (preset, "last-30-days") == 0)
    {
      start = g_date_time_add_days (now, -29);
      end = g_date_time_ref (now);
    }
  else if (g_strcmp0 (preset, "this-month") == 0)
    {
      start = g_date_time_add_days (now, 1 - g_date_time_get_day_of_month (now));
      end = g_date_time_ref (now);
    }
  else if (g_strcmp0 (preset, "last-month") == 0)
    {
      g_autoptr(GDateTime) first = g_date_time_add_days (now, 1 - g_date_time_get_day_of_month (now));

      end = g_date_time_add_days (first, -1);
      start = g_date_time_add_days (end, 1 - g_date_time_get_day_of_month (end));
    }
  else if (g_strcmp0 (preset, "custom") == 0)
    {
      *since = g_strdup (self->since);
      *until = g_strdup (self->until);
      return;
    }
  /* "all": both ends open. */

  if (start != NULL)
    *since = format_day (start);
  if (end != NULL)
    *until = format_day (end);
}

static CmQueryFilter *
dup_query_filter (CmFilter   *self,
                  const char *preset)
{
  CmQueryFilter *q = cm_query_filter_new ();

  cm_filter_preset_range (self, preset, &q->since, &q->until);
  q->timezone = g_strdup (self->timezone);
  q->project = g_strdup (self->project);
  q->models_set = self->models != NULL;
  q->models = g_strdupv (self->models);
  q->backends_set = self->backends != CM_BACKEND_MASK_ALL;
  q->backends = self->backends;
  q->users_set = self->users != NULL;
  q->users = g_strdupv (self->users);

  return q;
}

CmQueryFilter *
cm_filter_dup_query_filter (CmFilter *self)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return dup_query_filter (self, self->date_range);
}

CmQueryFilter *
cm_filter_dup_query_filter_for (CmFilter   *self,
                                const char *preset)
{
  g_return_val_if_fail (CM_IS_FILTER (self), NULL);

  return dup_query_filter (self, preset);
}

const char *
cm_model_family (const char *model)
{
  if (model == NULL)
    return "Other";
  if (strstr (model, "opus") != NULL)
    return "Opus";
  if (strstr (model, "sonnet") != NULL)
    return "Sonnet";
  if (strstr (model, "haiku") != NULL)
    return "Haiku";

  return "Other";
}
