/* cm-filter-bar.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>
#include <glib/gi18n.h>

#include "cm-a11y.h"
#include "cm-day-button.h"
#include "cm-filter-bar.h"
#include "cm-wrap-box.h"

struct _CmFilterBar
{
  GtkBox          parent_instance;

  CmReport       *report;
  CmFilter       *filter;
  GStrv           chip_models;   /* the models the chips were built for */
  GHashTable     *chips;         /* model -> GtkToggleButton */
  GtkCheckButton *backend_checks[CM_N_BACKENDS];
  gboolean        syncing;

  GtkSearchEntry *project_entry;
  GtkDropDown    *range_dropdown;
  GtkMenuButton  *backends_button;
  GtkBox         *backends_box;
  GtkRevealer    *custom_revealer;
  GtkEntry       *since_entry;
  GtkEntry       *until_entry;
  GtkFlowBox     *chips_box;
  GtkButton      *reset_button;
};

G_DEFINE_FINAL_TYPE (CmFilterBar, cm_filter_bar, GTK_TYPE_BOX)

/* The order of the date-range drop-down. */
static const char *range_presets[] = {
  "today", "last-7-days", "last-30-days", "this-month", "last-month", "all", "custom",
};

static const CmBackend backend_order[] = {
  CM_BACKEND_BEDROCK, CM_BACKEND_ANTHROPIC, CM_BACKEND_VERTEX, CM_BACKEND_UNKNOWN,
};

static const char *families[] = { "Opus", "Sonnet", "Haiku", "Other" };

static const char *
family_label (const char *family)
{
  if (g_str_equal (family, "Opus"))
    return _("Opus");
  if (g_str_equal (family, "Sonnet"))
    return _("Sonnet");
  if (g_str_equal (family, "Haiku"))
    return _("Haiku");

  return _("Other");
}

/* "claude-opus-4-1-20250805" -> "opus-4-1": chips stay short. */
static char *
short_model_name (const char *model)
{
  g_autofree char *name = g_strdup (g_str_has_prefix (model, "claude-") ? model + 7 : model);
  gsize len = strlen (name);

  if (len > 9 && name[len - 9] == '-' && strspn (name + len - 8, "0123456789") == 8)
    name[len - 9] = '\0';

  return g_steal_pointer (&name);
}

static gboolean
valid_day (const char *text)
{
  int y, m, d;
  char tail;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || *text == '\0')
    return TRUE;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen (text) != 10)
    return FALSE;

  dt = g_date_time_new_utc (y, m, d, 0, 0, 0);

  return dt != NULL;
}

static void
sync_backends (CmFilterBar *self)
{
  guint mask = cm_filter_get_backends (self->filter);
  guint n = 0;
  CmBackend only = CM_BACKEND_UNKNOWN;
  g_autofree char *label = NULL;

  for (guint i = 0; i < CM_N_BACKENDS; i++)
    {
      gboolean on = (mask & (1u << i)) != 0;

      gtk_check_button_set_active (self->backend_checks[i], on);
      if (on)
        {
          n++;
          only = i;
        }
    }

  if (n == CM_N_BACKENDS)
    label = g_strdup (_("All backends"));
  else if (n == 0)
    label = g_strdup (_("No backends"));
  else if (n == 1)
    label = g_strdup (cm_backend_display_name (only));
  else
    label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u backend", "%u backends", n), n);

  gtk_menu_button_set_label (self->backends_button, label);
  {
    /* Translators: what a screen reader says of the backends button. */
    g_autofree char *name = g_strdup_printf (_("Backends: %s"), label);

    cm_a11y_set_name (GTK_WIDGET (self->backends_button), name);
  }
}

static void
sync_chips (CmFilterBar *self)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, self->chips);
  while (g_hash_table_iter_next (&iter, &key, &value))
    gtk_toggle_button_set_active (value, cm_filter_includes_model (self->filter, key));
}

static void
sync_range (CmFilterBar *self)
{
  const char *preset = cm_filter_get_date_range (self->filter);
  const char *since = cm_filter_get_since (self->filter);
  const char *until = cm_filter_get_until (self->filter);

  for (guint i = 0; i < G_N_ELEMENTS (range_presets); i++)
    if (g_strcmp0 (preset, range_presets[i]) == 0)
      gtk_drop_down_set_selected (self->range_dropdown, i);
  {
    GtkStringObject *shown = gtk_drop_down_get_selected_item (self->range_dropdown);
    /* Translators: what a screen reader says of the date range button. */
    g_autofree char *name = g_strdup_printf (_("Date range: %s"),
                                             shown ? gtk_string_object_get_string (shown) : "");

    cm_a11y_set_name (GTK_WIDGET (self->range_dropdown), name);
  }

  gtk_widget_set_visible (GTK_WIDGET (self->custom_revealer), g_strcmp0 (preset, "custom") == 0);
  gtk_revealer_set_reveal_child (self->custom_revealer, g_strcmp0 (preset, "custom") == 0);

  /* Only overwrite what the user is not typing. */
  if (!valid_day (gtk_editable_get_text (GTK_EDITABLE (self->since_entry))) ||
      g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->since_entry)), since ? since : "") != 0)
    {
      if (!gtk_widget_has_focus (GTK_WIDGET (self->since_entry)))
        gtk_editable_set_text (GTK_EDITABLE (self->since_entry), since ? since : "");
    }
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->until_entry)), until ? until : "") != 0 &&
      !gtk_widget_has_focus (GTK_WIDGET (self->until_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->until_entry), until ? until : "");
}

static void
sync_all (CmFilterBar *self)
{
  const char *project;

  if (self->filter == NULL)
    return;

  self->syncing = TRUE;
  sync_range (self);
  sync_backends (self);
  sync_chips (self);

  project = cm_filter_get_project (self->filter);
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->project_entry)), project ? project : "") != 0 &&
      !gtk_widget_has_focus (GTK_WIDGET (self->project_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->project_entry), project ? project : "");

  gtk_widget_set_sensitive (GTK_WIDGET (self->reset_button),
                            cm_filter_get_models_set (self->filter) ||
                            cm_filter_get_backends (self->filter) != CM_BACKEND_MASK_ALL ||
                            cm_filter_get_project (self->filter) != NULL);
  self->syncing = FALSE;
}

static void
chip_toggled_cb (GtkToggleButton *chip,
                 CmFilterBar     *self)
{
  const char *model = g_object_get_data (G_OBJECT (chip), "cm-model");
  gboolean active = gtk_toggle_button_get_active (chip);
  g_autoptr(GPtrArray) models = g_ptr_array_new ();
  const char * const *current;

  if (self->syncing || self->filter == NULL)
    return;

  /* No selection yet means "all": the first click deselects one chip. */
  current = cm_filter_get_models (self->filter);
  if (current == NULL)
    current = (const char * const *) self->chip_models;

  for (guint i = 0; current[i] != NULL; i++)
    if (!g_str_equal (current[i], model))
      g_ptr_array_add (models, (gpointer) current[i]);
  if (active)
    g_ptr_array_add (models, (gpointer) model);

  /* Every chip on again is "all models", so models seen later show too. */
  if (models->len == g_strv_length (self->chip_models))
    {
      gboolean all = TRUE;

      for (guint i = 0; self->chip_models[i] != NULL && all; i++)
        all = g_ptr_array_find_with_equal_func (models, self->chip_models[i], g_str_equal, NULL);
      if (all)
        {
          cm_filter_reset_models (self->filter);
          return;
        }
    }

  g_ptr_array_add (models, NULL);
  cm_filter_set_models (self->filter, (const char * const *) models->pdata);
}

static void
rebuild_chips (CmFilterBar *self)
{
  const char * const *all = cm_report_get_all_models (self->report);
  GtkWidget *child;

  if (self->chip_models != NULL && g_strv_equal ((const char * const *) self->chip_models, all))
    return;

  g_strfreev (self->chip_models);
  self->chip_models = g_strdupv ((char **) all);
  g_hash_table_remove_all (self->chips);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->chips_box))) != NULL)
    gtk_flow_box_remove (self->chips_box, child);

  /* One flow-box child per family, so a family wraps as a whole. */
  for (guint f = 0; f < G_N_ELEMENTS (families); f++)
    {
      GtkWidget *group = NULL;

      for (guint i = 0; all[i] != NULL; i++)
        {
          GtkWidget *chip;
          g_autofree char *name = NULL;

          if (!g_str_equal (cm_model_family (all[i]), families[f]))
            continue;

          if (group == NULL)
            {
              GtkWidget *label = gtk_label_new (family_label (families[f]));

              group = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
              gtk_widget_add_css_class (label, "caption-heading");
              gtk_widget_add_css_class (label, "dim-label");
              gtk_widget_add_css_class (label, "chip-family");
              gtk_box_append (GTK_BOX (group), label);
              gtk_flow_box_append (self->chips_box, group);
              gtk_widget_set_focusable (gtk_widget_get_parent (group), FALSE);
            }

          name = short_model_name (all[i]);
          chip = gtk_toggle_button_new_with_label (name);
          gtk_widget_set_tooltip_text (chip, all[i]);
          gtk_widget_add_css_class (chip, "chip");
          g_object_set_data_full (G_OBJECT (chip), "cm-model", g_strdup (all[i]), g_free);
          gtk_accessible_update_property (GTK_ACCESSIBLE (chip),
                                          GTK_ACCESSIBLE_PROPERTY_LABEL, all[i],
                                          -1);
          gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (chip), cm_filter_includes_model (self->filter, all[i]));
          g_signal_connect (chip, "toggled", G_CALLBACK (chip_toggled_cb), self);
          gtk_box_append (GTK_BOX (group), chip);
          g_hash_table_insert (self->chips, g_strdup (all[i]), chip);
        }
    }
}

static void
backend_toggled_cb (GtkCheckButton *check,
                    CmFilterBar    *self)
{
  guint mask = 0;

  if (self->syncing || self->filter == NULL)
    return;

  for (guint i = 0; i < CM_N_BACKENDS; i++)
    if (gtk_check_button_get_active (self->backend_checks[i]))
      mask |= 1u << i;

  cm_filter_set_backends (self->filter, mask);
}

static void
project_changed_cb (CmFilterBar *self)
{
  if (self->syncing || self->filter == NULL)
    return;

  cm_filter_set_project (self->filter, gtk_editable_get_text (GTK_EDITABLE (self->project_entry)));
}

static void
range_selected_cb (CmFilterBar *self)
{
  guint selected = gtk_drop_down_get_selected (self->range_dropdown);

  if (self->syncing || self->filter == NULL || selected >= G_N_ELEMENTS (range_presets))
    return;

  if (g_str_equal (range_presets[selected], "custom") &&
      cm_filter_get_since (self->filter) == NULL && cm_filter_get_until (self->filter) == NULL)
    {
      g_autofree char *since = NULL;
      g_autofree char *until = NULL;

      /* Start the custom range from what was shown. */
      cm_filter_preset_range (self->filter, cm_filter_get_date_range (self->filter), &since, &until);
      cm_filter_set_since (self->filter, since);
      cm_filter_set_until (self->filter, until);
    }

  cm_filter_set_date_range (self->filter, range_presets[selected]);
}

static void
custom_changed_cb (CmFilterBar *self)
{
  const char *since = gtk_editable_get_text (GTK_EDITABLE (self->since_entry));
  const char *until = gtk_editable_get_text (GTK_EDITABLE (self->until_entry));
  gboolean since_ok = valid_day (since);
  gboolean until_ok = valid_day (until);

  if (since_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->since_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->since_entry), "error");
  if (until_ok)
    gtk_widget_remove_css_class (GTK_WIDGET (self->until_entry), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->until_entry), "error");

  if (self->syncing || self->filter == NULL || !since_ok || !until_ok)
    return;

  g_object_freeze_notify (G_OBJECT (self->filter));
  cm_filter_set_since (self->filter, since);
  cm_filter_set_until (self->filter, until);
  g_object_thaw_notify (G_OBJECT (self->filter));
}

static void
reset_clicked_cb (CmFilterBar *self)
{
  cm_filter_bar_reset_models (self);
}

static void
cm_filter_bar_dispose (GObject *object)
{
  CmFilterBar *self = (CmFilterBar *)object;

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_data (self->filter, self);
  g_clear_object (&self->report);
  g_clear_object (&self->filter);

  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_FILTER_BAR);

  G_OBJECT_CLASS (cm_filter_bar_parent_class)->dispose (object);
}

static void
cm_filter_bar_finalize (GObject *object)
{
  CmFilterBar *self = (CmFilterBar *)object;

  g_strfreev (self->chip_models);
  g_hash_table_unref (self->chips);

  G_OBJECT_CLASS (cm_filter_bar_parent_class)->finalize (object);
}

static void
cm_filter_bar_class_init (CmFilterBarClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_filter_bar_dispose;
  object_class->finalize = cm_filter_bar_finalize;

  g_type_ensure (CM_TYPE_WRAP_BOX);
  g_type_ensure (CM_TYPE_DAY_BUTTON);

  gtk_widget_class_set_template_from_resource (widget_class, "/com/example/CostMeter/ui/cm-filter-bar.ui");
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, project_entry);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, backends_button);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, backends_box);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, custom_revealer);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, since_entry);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, until_entry);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, chips_box);
  gtk_widget_class_bind_template_child (widget_class, CmFilterBar, reset_button);
  gtk_widget_class_bind_template_callback (widget_class, project_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, range_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, custom_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_clicked_cb);
}

static void
cm_filter_bar_init (CmFilterBar *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->chips = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  cm_a11y_fix_mnemonics (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (backend_order); i++)
    {
      CmBackend backend = backend_order[i];
      GtkWidget *check = gtk_check_button_new_with_label (cm_backend_display_name (backend));

      gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      g_signal_connect (check, "toggled", G_CALLBACK (backend_toggled_cb), self);
      gtk_box_append (self->backends_box, check);
      self->backend_checks[backend] = GTK_CHECK_BUTTON (check);
    }
}

void
cm_filter_bar_set_report (CmFilterBar *self,
                          CmReport    *report)
{
  g_return_if_fail (CM_IS_FILTER_BAR (self));
  g_return_if_fail (CM_IS_REPORT (report));

  if (self->report != NULL)
    g_signal_handlers_disconnect_by_data (self->report, self);
  if (self->filter != NULL)
    g_signal_handlers_disconnect_by_data (self->filter, self);

  g_set_object (&self->report, report);
  g_set_object (&self->filter, cm_report_get_filter (report));

  g_signal_connect_swapped (report, "updated", G_CALLBACK (rebuild_chips), self);
  g_signal_connect_swapped (self->filter, "changed", G_CALLBACK (sync_all), self);

  rebuild_chips (self);
  sync_all (self);
}

GtkToggleButton *
cm_filter_bar_get_chip (CmFilterBar *self,
                        const char  *model)
{
  g_return_val_if_fail (CM_IS_FILTER_BAR (self), NULL);

  return g_hash_table_lookup (self->chips, model);
}

GtkCheckButton *
cm_filter_bar_get_backend_check (CmFilterBar *self,
                                 CmBackend    backend)
{
  g_return_val_if_fail (CM_IS_FILTER_BAR (self), NULL);
  g_return_val_if_fail (backend < CM_N_BACKENDS, NULL);

  return self->backend_checks[backend];
}

GtkWidget *
cm_filter_bar_get_project_entry (CmFilterBar *self)
{
  g_return_val_if_fail (CM_IS_FILTER_BAR (self), NULL);

  return GTK_WIDGET (self->project_entry);
}

void
cm_filter_bar_reset_models (CmFilterBar *self)
{
  g_return_if_fail (CM_IS_FILTER_BAR (self));

  if (self->filter == NULL)
    return;

  g_object_freeze_notify (G_OBJECT (self->filter));
  cm_filter_reset_models (self->filter);
  cm_filter_set_backends (self->filter, CM_BACKEND_MASK_ALL);
  g_object_thaw_notify (G_OBJECT (self->filter));
}
