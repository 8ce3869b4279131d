/* cm-team-sync.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Connecting (the password looked up on a worker thread and kept in the
 * team store's memory only), pushing and counting what waits all run on
 * worker threads; results come back to the main thread, where a stale one
 * (the connection changed meanwhile) is dropped. */

#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "cm-store-push.h"
#include "cm-team-sync.h"

struct _CmTeamSync
{
  GObject             parent_instance;

  CmStore            *store;
  CmReport           *report;
  GSettings          *settings;
  CmTeamPasswordFunc  func;
  gpointer            func_data;

  CmTeamStore        *team;
  GCancellable       *cancellable;
  guint               serial;       /* of the connection; older results are dropped */
  gint64              pending;
  char               *status;
  gboolean            failed;
  gboolean            pushing;
  gboolean            push_again;
  gboolean            counting;
  gboolean            count_again;
};

G_DEFINE_FINAL_TYPE (CmTeamSync, cm_team_sync, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_TEAM,
  PROP_CONFIGURED,
  PROP_PENDING,
  PROP_PUSHING,
  PROP_STATUS,
  PROP_FAILED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void count_pending (CmTeamSync *self);

static void
set_status (CmTeamSync *self,
            const char *status,
            gboolean    failed)
{
  if (g_strcmp0 (status, self->status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (failed != self->failed)
    {
      self->failed = failed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FAILED]);
    }
}

static void
set_pending (CmTeamSync *self,
             gint64      pending)
{
  if (pending < 0 || pending == self->pending)
    return;

  self->pending = pending;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PENDING]);
}

static void
set_pushing (CmTeamSync *self,
             gboolean    pushing)
{
  if (pushing == self->pushing)
    return;

  self->pushing = pushing;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PUSHING]);
}

/* The views read the team while team-view is on and a team is set. */
static void
update_view (CmTeamSync *self)
{
  gboolean view = g_settings_get_boolean (self->settings, "team-view");

  cm_report_set_team (self->report, view ? self->team : NULL);
}

/* --- connecting --- */

typedef struct
{
  char               *conninfo;
  CmTeamPasswordFunc  func;
  gpointer            func_data;
  CmTeamStore        *team;
  GError             *error;
  guint               serial;
} Connect;

static void
connect_free (Connect *c)
{
  g_free (c->conninfo);
  g_clear_object (&c->team);
  g_clear_error (&c->error);
  g_free (c);
}

static void
connect_worker (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Connect *c = task_data;
  char *password = c->func != NULL ? c->func (c->conninfo, c->func_data) : NULL;

  c->team = cm_team_store_new (c->conninfo, password);
  if (password != NULL)
    memset (password, 0, strlen (password));
  g_free (password);

  cm_team_store_check (c->team, &c->error);
  g_task_return_boolean (task, TRUE);
}

static void
describe_check (CmTeamSync   *self,
                const GError *error)
{
  g_autofree char *text = NULL;

  if (error != NULL)
    text = g_strdup_printf (_("Not connected: %s"), error->message);
  else if (cm_team_store_get_is_admin (self->team))
    text = g_strdup (_("Connected as an admin: the database shows you every user’s rows."));
  else
    text = g_strdup (_("Connected as a member: the database shows you your own rows."));

  set_status (self, text, error != NULL);
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CmTeamSync) self = user_data;
  Connect *c = g_task_get_task_data (G_TASK (result));

  /* The connection changed again meanwhile: a newer result follows. */
  if (c->serial != self->serial)
    return;

  g_set_object (&self->team, c->team);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM]);
  describe_check (self, c->error);
  update_view (self);

  if (g_settings_get_boolean (self->settings, "team-push-after-scan"))
    cm_team_sync_push (self);
}

static void
stop_log_worker (GTask        *task,
                 gpointer      source_object,
                 gpointer      task_data,
                 GCancellable *cancellable)
{
  CmTeamSync *self = source_object;
  GError *error = NULL;

  /* No team any more: nothing is noted for a push that will not come. */
  if (!cm_store_push_stop (self->store, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
connect_team (CmTeamSync *self)
{
  g_autofree char *conninfo = g_settings_get_string (self->settings, "team-connection");
  g_autoptr(GTask) task = NULL;
  Connect *c;

  self->serial++;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONFIGURED]);

  if (*g_strstrip (conninfo) == '\0')
    {
      if (self->team != NULL)
        {
          g_clear_object (&self->team);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEAM]);
          task = g_task_new (self, NULL, NULL, NULL);
          g_task_run_in_thread (task, stop_log_worker);
          g_clear_object (&task);
        }
      set_status (self, NULL, FALSE);
      update_view (self);
      count_pending (self);
      return;
    }

  c = g_new0 (Connect, 1);
  c->conninfo = g_steal_pointer (&conninfo);
  c->func = self->func;
  c->func_data = self->func_data;
  c->serial = self->serial;
  set_status (self, _("Connecting…"), FALSE);

  task = g_task_new (self, self->cancellable, connect_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, connect_team);
  g_task_set_task_data (task, c, (GDestroyNotify) connect_free);
  g_task_run_in_thread (task, connect_worker);
}

/* --- pushing --- */

typedef struct
{
  CmTeamStore     *team;
  CmStore         *store;
  CmTeamPushStats  stats;
  GError          *error;
  guint            serial;
} Push;

static void
push_free (Push *p)
{
  g_clear_object (&p->team);
  g_clear_object (&p->store);
  g_clear_error (&p->error);
  g_free (p);
}

static void
push_worker (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  Push *p = task_data;

  cm_team_store_push (p->team, p->store, 0, &p->stats, cancellable, &p->error);
  g_task_return_boolean (task, TRUE);
}

static char *
count_text (gint64 n)
{
  return g_strdup_printf ("%" G_GINT64_FORMAT, n);
}

static void
push_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(CmTeamSync) self = user_data;
  Push *p = g_task_get_task_data (G_TASK (result));
  g_autofree char *text = NULL;
  g_autofree char *n = count_text (p->stats.rows);
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *when = g_date_time_format (now, "%X");

  set_pushing (self, FALSE);
  if (g_error_matches (p->error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_pending (self, p->stats.pending);
  if (p->error != NULL)
    text = g_strdup_printf (_("Could not push: %s"), p->error->message);
  else if (p->stats.rows > 0)
    /* Translators: a number of rows, then a time of day. */
    text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Pushed %s row at %s", "Pushed %s rows at %s",
                                         p->stats.rows), n, when);
  else
    /* Translators: a time of day. */
    text = g_strdup_printf (_("Up to date at %s"), when);
  if (p->serial == self->serial)
    set_status (self, text, p->error != NULL);

  /* The team's figures moved: the views read them again. */
  if (p->error == NULL && p->stats.rows > 0 && cm_report_get_team (self->report) == p->team)
    cm_report_refresh (self->report);

  if (self->push_again)
    {
      self->push_again = FALSE;
      cm_team_sync_push (self);
    }
}

void
cm_team_sync_push (CmTeamSync *self)
{
  g_autoptr(GTask) task = NULL;
  Push *p;

  g_return_if_fail (CM_IS_TEAM_SYNC (self));

  if (self->team == NULL)
    return;
  if (self->pushing)
    {
      self->push_again = TRUE;
      return;
    }

  p = g_new0 (Push, 1);
  p->team = g_object_ref (self->team);
  p->store = g_object_ref (self->store);
  p->serial = self->serial;
  set_pushing (self, TRUE);

  task = g_task_new (self, self->cancellable, push_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, cm_team_sync_push);
  g_task_set_task_data (task, p, (GDestroyNotify) push_free);
  g_task_run_in_thread (task, push_worker);
}

/* --- counting what waits --- */

static void
count_worker (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CmTeamSync *self = source_object;

  g_task_return_int (task, cm_store_count_push_pending (self->store, NULL));
}

static void
count_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CmTeamSync) self = user_data;
  gssize pending = g_task_propagate_int (G_TASK (result), NULL);

  self->counting = FALSE;
  set_pending (self, pending);
  if (self->count_again)
    {
      self->count_again = FALSE;
      count_pending (self);
    }
}

static void
count_pending (CmTeamSync *self)
{
  g_autoptr(GTask) task = NULL;

  if (self->counting)
    {
      self->count_again = TRUE;
      return;
    }

  self->counting = TRUE;
  task = g_task_new (self, self->cancellable, count_done_cb, g_object_ref (self));
  g_task_set_source_tag (task, count_pending);
  g_task_run_in_thread (task, count_worker);
}

/* A scan (or another change) stored rows: they wait, or go now. */
static void
store_changed_cb (CmTeamSync *self)
{
  if (self->team != NULL && g_settings_get_boolean (self->settings, "team-push-after-scan"))
    cm_team_sync_push (self);
  else
    count_pending (self);
}

/* --- the object --- */

static void
cm_team_sync_dispose (GObject *object)
{
  CmTeamSync *self = (CmTeamSync *) object;

  g_cancellable_cancel (self->cancellable);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  if (self->settings != NULL)
    g_signal_handlers_disconnect_by_data (self->settings, self);
  g_clear_object (&self->team);
  g_clear_object (&self->store);
  g_clear_object (&self->report);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cm_team_sync_parent_class)->dispose (object);
}

static void
cm_team_sync_finalize (GObject *object)
{
  CmTeamSync *self = (CmTeamSync *) object;

  g_free (self->status);

  G_OBJECT_CLASS (cm_team_sync_parent_class)->finalize (object);
}

static void
cm_team_sync_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  CmTeamSync *self = CM_TEAM_SYNC (object);

  switch (prop_id)
    {
    case PROP_TEAM:
      g_value_set_object (value, self->team);
      break;
    case PROP_CONFIGURED:
      g_value_set_boolean (value, cm_team_sync_get_configured (self));
      break;
    case PROP_PENDING:
      g_value_set_int64 (value, self->pending);
      break;
    case PROP_PUSHING:
      g_value_set_boolean (value, self->pushing);
      break;
    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;
    case PROP_FAILED:
      g_value_set_boolean (value, self->failed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_team_sync_class_init (CmTeamSyncClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->dispose = cm_team_sync_dispose;
  object_class->finalize = cm_team_sync_finalize;
  object_class->get_property = cm_team_sync_get_property;

  properties[PROP_TEAM] = g_param_spec_object ("team", NULL, NULL, CM_TYPE_TEAM_STORE, flags);
  properties[PROP_CONFIGURED] = g_param_spec_boolean ("configured", NULL, NULL, FALSE, flags);
  properties[PROP_PENDING] = g_param_spec_int64 ("pending", NULL, NULL, 0, G_MAXINT64, 0, flags);
  properties[PROP_PUSHING] = g_param_spec_boolean ("pushing", NULL, NULL, FALSE, flags);
  properties[PROP_STATUS] = g_param_spec_string ("status", NULL, NULL, NULL, flags);
  properties[PROP_FAILED] = g_param_spec_boolean ("failed", NULL, NULL, FALSE, flags);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
cm_team_sync_init (CmTeamSync *self)
{
  self->cancellable = g_cancellable_new ();
}

CmTeamSync *
cm_team_sync_new (CmStore            *store,
                  CmReport           *report,
                  GSettings          *settings,
                  CmTeamPasswordFunc  func,
                  gpointer            user_data)
{
  CmTeamSync *self;

  g_return_val_if_fail (CM_IS_STORE (store), NULL);
  g_return_val_if_fail (CM_IS_REPORT (report), NULL);
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);

  self = g_object_new (CM_TYPE_TEAM_SYNC, NULL);
  self->store = g_object_ref (store);
  self->report = g_object_ref (report);
  self->settings = g_object_ref (settings);
  self->func = func;
  self->func_data = user_data;

  g_signal_connect_swapped (settings, "changed::team-connection", G_CALLBACK (connect_team), self);
  g_signal_connect_swapped (settings, "changed::team-view", G_CALLBACK (update_view), self);
  g_signal_connect_swapped (store, "changed", G_CALLBACK (store_changed_cb), self);

  connect_team (self);
  count_pending (self);

  return self;
}

CmTeamStore *
cm_team_sync_get_team (CmTeamSync *self)
{
  g_return_val_if_fail (CM_IS_TEAM_SYNC (self), NULL);

  return self->team;
}

gboolean
cm_team_sync_get_configured (CmTeamSync *self)
{
  g_autofree char *conninfo = NULL;

  g_return_val_if_fail (CM_IS_TEAM_SYNC (self), FALSE);

  conninfo = g_settings_get_string (self->settings, "team-connection");

  return *g_strstrip (conninfo) != '\0';
}

gint64
cm_team_sync_get_pending (CmTeamSync *self)
{
  g_return_val_if_fail (CM_IS_TEAM_SYNC (self), 0);

  return self->pending;
}

gboolean
cm_team_sync_get_pushing (CmTeamSync *self)
{
  g_return_val_if_fail (CM_IS_TEAM_SYNC (self), FALSE);

  return self->pushing;
}

const char *
cm_team_sync_get_status (CmTeamSync *self)
{
  g_return_val_if_fail (CM_IS_TEAM_SYNC (self), NULL);

  return self->status;
}

gboolean
cm_team_sync_get_failed (CmTeamSync *self)
{
  g_return_val_if_fail (CM_IS_TEAM_SYNC (self), FALSE);

  return self->failed;
}

void
cm_team_sync_reconnect (CmTeamSync *self)
{
  g_return_if_fail (CM_IS_TEAM_SYNC (self));

  connect_team (self);
}
