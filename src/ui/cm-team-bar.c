/* cm-team-bar.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-format.h"
#include "cm-team-bar.h"

struct _CmTeamBar
{
  AdwBin      parent_instance;

  GtkImage   *icon;
  GtkLabel   *label;
  GtkButton  *push_button;

  CmReport   *report;
  CmTeamSync *sync;
};

G_DEFINE_FINAL_TYPE (CmTeamBar, cm_team_bar, ADW_TYPE_BIN)

static char *
waiting_text (CmTeamSync *sync)
{
  gint64 pending = cm_team_sync_get_pending (sync);
  g_autofree char *count = cm_format_count (pending);
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s row waiting to push",
                                                        "%s rows waiting to push", pending), count);

  if (cm_team_sync_get_failed (sync) && cm_team_sync_get_status (sync) != NULL)
    /* Translators: "120 rows waiting to push", then why. */
    return g_strdup_printf (_("%s. %s"), text, cm_team_sync_get_status (sync));

  return g_steal_pointer (&text);
}

static char *
team_text (CmReport *report)
{
  g_autofree char *where = cm_team_store_dup_description (cm_report_get_team (report));

  if (cm_report_get_team_admin (report))
    /* Translators: "costs on db.example.com as lead@example.com". */
    return g_strdup_printf (_("The team’s figures, every user’s rows: %s"), where);

  return g_strdup_printf (_("The team’s figures, your own rows: %s"), where);
}

static void
update (CmTeamBar *self)
{
  gboolean team = self->report != NULL && cm_report_get_team (self->report) != NULL;
  const GError *error = team ? cm_report_get_error (self->report) : NULL;
  gboolean waiting = self->sync != NULL && cm_team_sync_get_configured (self->sync) &&
                     cm_team_sync_get_pending (self->sync) > 0 && !cm_team_sync_get_pushing (self->sync);
  g_autofree char *text = NULL;
  const char *icon = "system-users-symbolic";

  if (error != NULL)
    {
      text = g_strdup_printf (_("The team database: %s"), error->message);
      icon = "dialog-warning-symbolic";
    }
  else if (waiting)
    {
      text = waiting_text (self->sync);
      icon = cm_team_sync_get_failed (self->sync) ? "dialog-warning-symbolic" : "mail-send-symbolic";
    }
  else if (team)
    text = team_text (self->report);

  gtk_label_set_label (self->label, text != NULL ? text : "");
  gtk_image_set_from_icon_name (self->icon, icon);
  gtk_widget_set_visible (GTK_WIDGET (self->push_button), waiting);
  gtk_widget_set_visible (GTK_WIDGET (self), text != NULL);
}

static void
push_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CmTeamBar *self = CM_TEAM_BAR (widget);

  if (self->sync != NULL)
    cm_team_sync_push (self->sync);
}

void
cm_team_bar_setup (CmTeamBar  *self,
                   CmReport   *report,
                   CmTeamSync *sync)
{
  const char *report_signals[] = { "updated", "notify::team", "notify::team-admin" };
  const char *sync_signals[] = { "notify::pending", "notify::pushing", "notify::failed",
                                 "notify::status", "notify::configured" };

  g_return_if_fail (CM_IS_TEAM_BAR (self));

  g_set_object (&self->report, report);
  g_set_object (&self->sync, sync);
  for (guint i = 0; report != NULL && i < G_N_ELEMENTS (report_signals); i++)
    g_signal_connect_object (report, report_signals[i], G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  for (guint i = 0; sync != NULL && i < G_N_ELEMENTS (sync_signals); i++)
    g_signal_connect_object (sync, sync_signals[i], G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
}

const char *
cm_team_bar_get_text (CmTeamBar *self)
{
  g_return_val_if_fail (CM_IS_TEAM_BAR (self), NULL);

  return gtk_widget_get_visible (GTK_WIDGET (self)) ? gtk_label_get_label (self->label) : "";
}

static void
cm_team_bar_dispose (GObject *object)
{
  CmTeamBar *self = (CmTeamBar *) object;

  g_clear_object (&self->report);
  g_clear_object (&self->sync);

  G_OBJECT_CLASS (cm_team_bar_parent_class)->dispose (object);
}

static void
cm_team_bar_class_init (CmTeamBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_team_bar_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-team-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, CmTeamBar, icon);
  gtk_widget_class_bind_template_child (widget_class, CmTeamBar, label);
  gtk_widget_class_bind_template_child (widget_class, CmTeamBar, push_button);
  gtk_widget_class_install_action (widget_class, "bar.push", NULL, push_action);
}

static void
cm_team_bar_init (CmTeamBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
