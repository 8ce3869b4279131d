/* cm-ratelimit-chip.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "cm-a11y.h"
#include "cm-ratelimit-chip.h"
#include "cm-usage-card.h"
#include "cm-ui-resources.h"

G_DEFINE_ENUM_TYPE (CmHeadroomLevel, cm_headroom_level,
  G_DEFINE_ENUM_VALUE (CM_HEADROOM_UNKNOWN, "unknown"),
  G_DEFINE_ENUM_VALUE (CM_HEADROOM_OK, "ok"),
  G_DEFINE_ENUM_VALUE (CM_HEADROOM_LOW, "low"),
  G_DEFINE_ENUM_VALUE (CM_HEADROOM_CRITICAL, "critical"),
  G_DEFINE_ENUM_VALUE (CM_HEADROOM_LIMITED, "limited"))

/* The limits a chip speaks for; Priority Tier buckets are shown, not rated. */
static const char *rated_kinds[] = { "requests", "tokens", "input-tokens", "output-tokens", NULL };
static const char *shown_kinds[] = { "requests", "tokens", "input-tokens", "output-tokens",
                                     "priority-input-tokens", "priority-output-tokens", NULL };

/* ------------------------------------------------------------------ */
/* Pure                                                                */
/* ------------------------------------------------------------------ */

double
cm_ratelimit_observation_headroom (const CmRateLimitObservation *obs,
                                   gint64                        now_ms,
                                   gboolean                     *limited)
{
  gboolean refused = FALSE;

  g_return_val_if_fail (obs != NULL, -1);

  if (obs->http_status == 429)
    {
      /* Refused until retry-after (or the reset) passes; with neither, the
       * refusal holds until a newer observation replaces it. */
      if (obs->retry_after_s >= 0)
        refused = obs->observed_ms + obs->retry_after_s * 1000 > now_ms;
      else if (obs->reset_ms > 0)
        refused = obs->reset_ms > now_ms;
      else
        refused = TRUE;
    }

  if (limited != NULL)
    *limited = refused;
  if (refused)
    return 0.0;

  if (obs->reset_ms > 0 && obs->reset_ms <= now_ms)
    return 1.0;
  if (obs->limit > 0 && obs->remaining >= 0)
    return CLAMP ((double) obs->remaining / (double) obs->limit, 0.0, 1.0);
  if (obs->limit == 0 && obs->remaining == 0)
    return 0.0;

  return -1.0;
}

static CmHeadroomLevel
level_for (double   headroom,
           gboolean limited)
{
  if (limited)
    return CM_HEADROOM_LIMITED;
  if (headroom < 0)
    return CM_HEADROOM_UNKNOWN;
  if (headroom >= 0.5)
    return CM_HEADROOM_OK;
  if (headroom >= 0.2)
    return CM_HEADROOM_LOW;

  return CM_HEADROOM_CRITICAL;
}

CmHeadroomLevel
cm_ratelimit_compute_headroom (GPtrArray *observations,
                               gint64     now_ms,
                               double    *headroom)
{
  double tightest = -1;
  gboolean any_limited = FALSE;

  for (guint i = 0; observations != NULL && i < observations->len; i++)
    {
      const CmRateLimitObservation *obs = g_ptr_array_index (observations, i);
      gboolean limited = FALSE;
      double h;

      if (obs->observed_ms < now_ms - CM_RATELIMIT_CHIP_RECENT_MS)
        continue;
      if (!g_strv_contains (rated_kinds, obs->kind))
        continue;

      h = cm_ratelimit_observation_headroom (obs, now_ms, &limited);
      any_limited |= limited;
      if (h >= 0 && (tightest < 0 || h < tightest))
        tightest = h;
    }

  if (any_limited)
    tightest = 0;
  if (headroom != NULL)
    *headroom = tightest;

  return level_for (tightest, any_limited);
}

/* ------------------------------------------------------------------ */
/* Widget                                                              */
/* ------------------------------------------------------------------ */

struct _CmRatelimitChip
{
  GtkWidget          parent_instance;

  GtkMenuButton     *button;
  AdwSqueezer       *squeezer;
  GtkLabel          *label;
  GtkWidget         *short_box;
  GtkLabel          *short_label;
  GtkPopover        *popover;
  GtkLabel          *empty_label;
  GtkScrolledWindow *scroller;
  GtkListBox        *list;
  GtkLabel          *status_title;
  GtkLabel          *status_label;
  GtkButton         *key_button;
  GtkButton         *probe_button;

  CmStore           *store;
  CmRatelimitClient *client;
  CmPlanMonitor     *plan;
  GPtrArray         *observations;
  GCancellable      *cancellable;
  guint64            query_serial;
  guint              tick_id;
  gboolean           probing;

  CmHeadroomLevel    level;
  double             headroom;
  gboolean           compact;
  guint              compact_id;
};

G_DEFINE_FINAL_TYPE (CmRatelimitChip, cm_ratelimit_chip, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_CLIENT,
  PROP_LEVEL,
  PROP_HEADROOM,
  PROP_COMPACT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char *
kind_label (const char *kind)
{
  if (g_str_equal (kind, "requests"))
    return _("Requests");
  if (g_str_equal (kind, "tokens"))
    return _("Tokens");
  if (g_str_equal (kind, "input-tokens"))
    return _("Input tokens");
  if (g_str_equal (kind, "output-tokens"))
    return _("Output tokens");
  if (g_str_equal (kind, "priority-input-tokens"))
    return _("Priority input tokens");
  if (g_str_equal (kind, "priority-output-tokens"))
    return _("Priority output tokens");

  return kind;
}

/* "42 s", "3 min", "2 h", "1 d" */
static char *
format_duration (gint64 ms)
{
  gint64 s = MAX ((ms + 999) / 1000, 1);

  /* Reset and retry times lie within a year (the client refuses more). */
  s = MIN (s, G_GINT64_CONSTANT (400) * 86400);
  if (s < 120)
    return g_strdup_printf (_("%d s"), (int) s);
  if (s < 2 * 3600)
    return g_strdup_printf (_("%d min"), (int) ((s + 59) / 60));
  if (s < 2 * 86400)
    return g_strdup_printf (_("%d h"), (int) ((s + 3599) / 3600));

  return g_strdup_printf (_("%d d"), (int) ((s + 86399) / 86400));
}

static char *
format_count (gint64 value)
{
  /* Digit grouping of the user's locale. */
  return g_strdup_printf ("%'" G_GINT64_FORMAT, value);
}

static const char *
level_css_class (CmHeadroomLevel level)
{
  switch (level)
    {
    case CM_HEADROOM_OK:       return "success";
    case CM_HEADROOM_LOW:      return "warning";
    case CM_HEADROOM_CRITICAL:
    case CM_HEADROOM_LIMITED:  return "error";
    case CM_HEADROOM_UNKNOWN:
    default:                   return NULL;
    }
}

static void
set_level_class (GtkWidget       *widget,
                 CmHeadroomLevel  level)
{
  const char *classes[] = { "success", "warning", "error" };
  const char *wanted = level_css_class (level);

  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    {
      if (g_strcmp0 (classes[i], wanted) == 0)
        gtk_widget_add_css_class (widget, classes[i]);
      else
        gtk_widget_remove_css_class (widget, classes[i]);
    }
}

/* One line of a model's row: "Requests: 49 of 50 left · resets in 2 s". */
static char *
describe_observation (const CmRateLimitObservation *obs,
                      gint64                        now_ms)
{
  GString *line = g_string_new (NULL);
  gboolean limited = FALSE;

  cm_ratelimit_observation_headroom (obs, now_ms, &limited);
  g_string_append_printf (line, "%s: ", kind_label (obs->kind));

  if (limited)
    {
      if (obs->retry_after_s >= 0)
        {
          g_autofree char *d = format_duration (obs->observed_ms + obs->retry_after_s * 1000 - now_ms);

          g_string_append_printf (line, _("rate limited, retry in %s"), d);
        }
      else
        g_string_append (line, _("rate limited"));
      return g_string_free (line, FALSE);
    }

  if (obs->reset_ms > 0 && obs->reset_ms <= now_ms)
    {
      if (obs->limit >= 0)
        {
          g_autofree char *limit = format_count (obs->limit);

          g_string_append_printf (line, _("%s, replenished"), limit);
        }
      else
        g_string_append (line, _("replenished"));
      return g_string_free (line, FALSE);
    }

  if (obs->remaining >= 0 && obs->limit >= 0)
    {
      g_autofree char *remaining = format_count (obs->remaining);
      g_autofree char *limit = format_count (obs->limit);

      g_string_append_printf (line, _("%s of %s left"), remaining, limit);
    }
  else if (obs->remaining >= 0)
    {
      g_autofree char *remaining = format_count (obs->remaining);

      g_string_append_printf (line, _("%s left"), remaining);
    }
  else if (obs->limit >= 0)
    {
      g_autofree char *limit = format_count (obs->limit);

      g_string_append_printf (line, _("limit %s"), limit);
    }
  else
    g_string_append (line, _("unknown"));

  if (obs->reset_ms > now_ms)
    {
      g_autofree char *d = format_duration (obs->reset_ms - now_ms);

      g_string_append_printf (line, _(" · resets in %s"), d);
    }

  return g_string_free (line, FALSE);
}

static GtkWidget *
build_model_row (const char *model,
                 GPtrArray  *observations,
                 gint64      now_ms)
{
  g_autoptr(GString) subtitle = g_string_new (NULL);
  g_autoptr(GPtrArray) mine = g_ptr_array_new ();
  const char *org = NULL;
  gint64 observed_ms = 0;
  GtkWidget *row;
  GtkWidget *suffix;
  CmHeadroomLevel level;
  double headroom;

  for (guint i = 0; i < observations->len; i++)
    {
      CmRateLimitObservation *obs = g_ptr_array_index (observations, i);

      if (g_strcmp0 (obs->model, model) == 0)
        g_ptr_array_add (mine, obs);
    }

  /* A fixed order of kinds, whatever order the store returned. */
  for (guint k = 0; shown_kinds[k] != NULL; k++)
    {
      for (guint i = 0; i < mine->len; i++)
        {
          CmRateLimitObservation *obs = g_ptr_array_index (mine, i);
          g_autofree char *line = NULL;

          if (!g_str_equal (obs->kind, shown_kinds[k]))
            continue;

          line = describe_observation (obs, now_ms);
          if (subtitle->len > 0)
            g_string_append_c (subtitle, '\n');
          g_string_append (subtitle, line);
          if (obs->organization_id != NULL)
            org = obs->organization_id;
          observed_ms = MAX (observed_ms, obs->observed_ms);
        }
    }

  if (observed_ms > 0)
    {
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_local (observed_ms / 1000);
      g_autofree char *when = dt != NULL ? g_date_time_format (dt, "%X") : g_strdup ("?");

      g_string_append_c (subtitle, '\n');
      if (org != NULL)
        g_string_append_printf (subtitle, _("Observed at %s, organization %s"), when, org);
      else
        g_string_append_printf (subtitle, _("Observed at %s"), when);
    }

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), model);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle->str);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_set_name (row, model);

  level = cm_ratelimit_compute_headroom (mine, now_ms, &headroom);
  if (level == CM_HEADROOM_LIMITED)
    suffix = gtk_label_new (_("Limited"));
  else if (headroom >= 0)
    {
      g_autofree char *pct = g_strdup_printf (_("%d %%"), (int) (headroom * 100 + 0.5));

      suffix = gtk_label_new (pct);
    }
  else
    suffix = gtk_label_new (_("n/a"));
  gtk_widget_add_css_class (suffix, "numeric");
  set_level_class (suffix, level);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), suffix);

  return row;
}

static void
update_rows (CmRatelimitChip *self,
             gint64           now_ms)
{
  g_autoptr(GPtrArray) models = g_ptr_array_new ();
  GtkWidget *child;
  guint n_rows;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list))) != NULL)
    gtk_list_box_remove (self->list, child);

  /* Newest first, as the store orders them; one row per model. */
  for (guint i = 0; self->observations != NULL && i < self->observations->len; i++)
    {
      CmRateLimitObservation *obs = g_ptr_array_index (self->observations, i);

      if (obs->observed_ms < now_ms - CM_RATELIMIT_CHIP_RECENT_MS)
        continue;
      if (!g_ptr_array_find_with_equal_func (models, obs->model, g_str_equal, NULL))
        g_ptr_array_add (models, obs->model);
    }

  for (guint i = 0; i < models->len; i++)
    gtk_list_box_append (self->list, build_model_row (g_ptr_array_index (models, i),
                                                      self->observations, now_ms));
  n_rows = models->len + (self->plan != NULL ? cm_usage_append_plan_rows (self->plan, self->list) : 0);

  gtk_widget_set_visible (GTK_WIDGET (self->scroller), n_rows > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->empty_label), n_rows == 0);
}

/* The tighter of the API headroom and the plan's windows. */
static void
fold_plan_windows (CmRatelimitChip *self,
                   CmHeadroomLevel *level,
                   double          *headroom)
{
  double plan;

  if (self->plan == NULL || *level == CM_HEADROOM_LIMITED || !cm_usage_plan_headroom (self->plan, &plan))
    return;
  if (*headroom >= 0 && *headroom <= plan)
    return;

  *headroom = plan;
  *level = plan >= 0.5 ? CM_HEADROOM_OK : plan >= 0.2 ? CM_HEADROOM_LOW : CM_HEADROOM_CRITICAL;
}

static void
update (CmRatelimitChip *self)
{
  gint64 now_ms = g_get_real_time () / 1000;
  CmHeadroomLevel level;
  double headroom;
  g_autofree char *text = NULL;
  g_autofree char *short_text = NULL;

  level = cm_ratelimit_compute_headroom (self->observations, now_ms, &headroom);
  fold_plan_windows (self, &level, &headroom);

  /* Both forms are kept current; the squeezer shows the long one where it
   * fits, else the icon and a word or a figure. */
  if (level == CM_HEADROOM_LIMITED)
    {
      text = g_strdup (_("Rate Limited"));
      short_text = g_strdup_printf (C_("rate limits, short", "%d %%"), 0);
    }
  else if (level == CM_HEADROOM_UNKNOWN)
    {
      /* Nothing to show but the icon (the name says the rest). */
      text = g_strdup (_("Rate Limits"));
      short_text = g_strdup ("");
    }
  else
    {
      /* Translators: the share of the tightest rate limit still available. */
      text = g_strdup_printf (_("%d %% Headroom"), (int) (headroom * 100 + 0.5));
      /* Translators: the share of the tightest rate limit still available, short. */
      short_text = g_strdup_printf (C_("rate limits, short", "%d %%"), (int) (headroom * 100 + 0.5));
    }

  gtk_label_set_label (self->label, text);
  gtk_label_set_label (self->short_label, short_text);
  gtk_widget_set_visible (GTK_WIDGET (self->short_label), *short_text != '\0');
  {
    /* Said in full, whatever the narrow header shows. */
    g_autofree char *name = NULL;

    if (level == CM_HEADROOM_LIMITED)
      name = g_strdup (_("Rate limits: rate limited now"));
    else if (level == CM_HEADROOM_UNKNOWN)
      name = g_strdup (_("Rate limits: nothing observed"));
    else
      /* Translators: what a screen reader says of the rate-limit chip. */
      name = g_strdup_printf (_("Rate limits: %d %% headroom"), (int) (headroom * 100 + 0.5));
    cm_a11y_set_name (GTK_WIDGET (self->button), name);
  }
  adw_squeezer_page_set_enabled (adw_squeezer_get_page (self->squeezer, GTK_WIDGET (self->label)), !self->compact);
  set_level_class (GTK_WIDGET (self->label), level);
  set_level_class (GTK_WIDGET (self->short_box), level);

  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    update_rows (self, now_ms);

  if (self->level != level)
    {
      self->level = level;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL]);
    }
  if (self->headroom != headroom)
    {
      self->headroom = headroom;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADROOM]);
    }
}

static const char *
error_title (CmRatelimitError error)
{
  switch (error)
    {
    case CM_RATELIMIT_ERROR_NONE:         return _("Probe succeeded");
    case CM_RATELIMIT_ERROR_NO_KEY:       return _("No API key");
    case CM_RATELIMIT_ERROR_BAD_URL:      return _("Invalid API base URL");
    case CM_RATELIMIT_ERROR_UNAUTHORIZED: return _("API key rejected");
    case CM_RATELIMIT_ERROR_FORBIDDEN:    return _("Not permitted");
    case CM_RATELIMIT_ERROR_RATE_LIMITED: return _("Rate limited");
    case CM_RATELIMIT_ERROR_SPEND_LIMIT:  return _("Spend limit reached");
    case CM_RATELIMIT_ERROR_BAD_REQUEST:  return _("Request refused");
    case CM_RATELIMIT_ERROR_OVERLOADED:   return _("API overloaded");
    case CM_RATELIMIT_ERROR_SERVER:       return _("API error");
    case CM_RATELIMIT_ERROR_TIMEOUT:      return _("No reply in time");
    case CM_RATELIMIT_ERROR_NETWORK:      return _("Network error");
    case CM_RATELIMIT_ERROR_UNEXPECTED:
    default:                              return _("Unexpected reply");
    }
}

static void
show_result (CmRatelimitChip   *self,
             CmRatelimitResult *result)
{
  gboolean visible = result != NULL && result->error != CM_RATELIMIT_ERROR_NONE;

  /* Success speaks through the rows; failures get their own words. */
  gtk_widget_set_visible (GTK_WIDGET (self->status_title), visible);
  gtk_widget_set_visible (GTK_WIDGET (self->status_label), visible);
  gtk_widget_set_visible (GTK_WIDGET (self->key_button),
                          visible && result->error == CM_RATELIMIT_ERROR_NO_KEY);
  if (!visible)
    return;

  gtk_label_set_label (self->status_title, error_title (result->error));
  /* The title says "No API key" already: say what to do, and the button
   * below leads there. */
  if (result->error == CM_RATELIMIT_ERROR_NO_KEY)
    gtk_label_set_label (self->status_label,
                         _("Probes need an Anthropic API key: set one here, or in ANTHROPIC_API_KEY."));
  else
    gtk_label_set_label (self->status_label, result->message);
}

/* --- store queries (worker thread) --- */

static void
query_thread (GTask        *task,
              gpointer      source_object,
              gpointer      task_data,
              GCancellable *cancellable)
{
  CmStore *store = task_data;
  GError *error = NULL;
  GPtrArray *rows = cm_store_list_ratelimit_observations (store, &error);

  if (rows == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rows, (GDestroyNotify) g_ptr_array_unref);
}

static void
query_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  CmRatelimitChip *self = CM_RATELIMIT_CHIP (source);
  g_autoptr(GError) error = NULL;
  GPtrArray *rows;

  rows = g_task_propagate_pointer (G_TASK (res), &error);
  if (rows == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Could not read rate-limit observations: %s", error->message);
      return;
    }

  /* A newer query was started meanwhile: its answer wins. */
  if ((guint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (res), "serial")) != self->query_serial)
    {
      g_ptr_array_unref (rows);
      return;
    }

  g_clear_pointer (&self->observations, g_ptr_array_unref);
  self->observations = rows;
  update (self);
  update_rows (self, g_get_real_time () / 1000);
}

void
cm_ratelimit_chip_refresh (CmRatelimitChip *self)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CM_IS_RATELIMIT_CHIP (self));

  if (self->store == NULL)
    {
      g_clear_pointer (&self->observations, g_ptr_array_unref);
      update (self);
      update_rows (self, g_get_real_time () / 1000);
      return;
    }

  self->query_serial++;
  task = g_task_new (self, self->cancellable, query_done_cb, NULL);
  g_task_set_source_tag (task, cm_ratelimit_chip_refresh);
  g_object_set_data (G_OBJECT (task), "serial", GSIZE_TO_POINTER ((gsize) self->query_serial));
  g_task_set_task_data (task, g_object_ref (self->store), g_object_unref);
  g_task_run_in_thread (task, query_thread);
}

static void
store_changed_cb (CmRatelimitChip *self)
{
  cm_ratelimit_chip_refresh (self);
}

/* --- probing --- */

static void
key_clicked_cb (CmRatelimitChip *self)
{
  gtk_popover_popdown (self->popover);
}

static void
update_probe_action (CmRatelimitChip *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "ratelimit.probe",
                                 self->client != NULL && !self->probing);
  gtk_widget_set_visible (GTK_WIDGET (self->probe_button), self->client != NULL);
}

static void
probe_finished_cb (CmRatelimitChip   *self,
                   CmRatelimitResult *result)
{
  show_result (self, result);
  /* The observations reach the store before this signal. */
  cm_ratelimit_chip_refresh (self);
}

static void
probe_done_cb (GObject      *source,
               GAsyncResult *res,
               gpointer      user_data)
{
  g_autoptr(CmRatelimitChip) self = user_data;
  g_autoptr(CmRatelimitResult) result = NULL;

  result = cm_ratelimit_client_probe_finish (CM_RATELIMIT_CLIENT (source), res, NULL);
  self->probing = FALSE;
  update_probe_action (self);
}

static void
probe_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  CmRatelimitChip *self = CM_RATELIMIT_CHIP (widget);

  if (self->client == NULL || self->probing)
    return;

  self->probing = TRUE;
  update_probe_action (self);
  cm_ratelimit_client_probe_async (self->client, NULL, self->cancellable,
                                   probe_done_cb, g_object_ref (self));
}

/* --- ticking: reset countdowns and passing refusals --- */

static gboolean
tick_cb (gpointer user_data)
{
  update (CM_RATELIMIT_CHIP (user_data));

  return G_SOURCE_CONTINUE;
}

static void
popover_visible_cb (CmRatelimitChip *self)
{
  if (gtk_widget_get_visible (GTK_WIDGET (self->popover)))
    update_rows (self, g_get_real_time () / 1000);
}

static void
cm_ratelimit_chip_map (GtkWidget *widget)
{
  CmRatelimitChip *self = CM_RATELIMIT_CHIP (widget);

  GTK_WIDGET_CLASS (cm_ratelimit_chip_parent_class)->map (widget);

  if (self->tick_id == 0)
    self->tick_id = g_timeout_add_seconds (1, tick_cb, self);
}

static void
cm_ratelimit_chip_unmap (GtkWidget *widget)
{
  CmRatelimitChip *self = CM_RATELIMIT_CHIP (widget);

  g_clear_handle_id (&self->tick_id, g_source_remove);

  GTK_WIDGET_CLASS (cm_ratelimit_chip_parent_class)->unmap (widget);
}

/* --- GObject --- */

GtkWidget *
cm_ratelimit_chip_new (void)
{
  return g_object_new (CM_TYPE_RATELIMIT_CHIP, NULL);
}

static void
cm_ratelimit_chip_dispose (GObject *object)
{
  CmRatelimitChip *self = (CmRatelimitChip *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->compact_id, g_source_remove);
  cm_ratelimit_chip_set_store (self, NULL);
  cm_ratelimit_chip_set_client (self, NULL);
  if (self->plan != NULL)
    g_signal_handlers_disconnect_by_data (self->plan, self);
  g_clear_object (&self->plan);
  gtk_widget_dispose_template (GTK_WIDGET (self), CM_TYPE_RATELIMIT_CHIP);

  G_OBJECT_CLASS (cm_ratelimit_chip_parent_class)->dispose (object);
}

static void
cm_ratelimit_chip_finalize (GObject *object)
{
  CmRatelimitChip *self = (CmRatelimitChip *)object;

  g_clear_pointer (&self->observations, g_ptr_array_unref);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (cm_ratelimit_chip_parent_class)->finalize (object);
}

static void
cm_ratelimit_chip_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CmRatelimitChip *self = CM_RATELIMIT_CHIP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_LEVEL:
      g_value_set_enum (value, self->level);
      break;
    case PROP_HEADROOM:
      g_value_set_double (value, self->headroom);
      break;
    case PROP_COMPACT:
      g_value_set_boolean (value, self->compact);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_ratelimit_chip_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  CmRatelimitChip *self = CM_RATELIMIT_CHIP (object);

  switch (prop_id)
    {
    case PROP_STORE:
      cm_ratelimit_chip_set_store (self, g_value_get_object (value));
      break;
    case PROP_CLIENT:
      cm_ratelimit_chip_set_client (self, g_value_get_object (value));
      break;
    case PROP_COMPACT:
      cm_ratelimit_chip_set_compact (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_ratelimit_chip_class_init (CmRatelimitChipClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_ratelimit_chip_dispose;
  object_class->finalize = cm_ratelimit_chip_finalize;
  object_class->get_property = cm_ratelimit_chip_get_property;
  object_class->set_property = cm_ratelimit_chip_set_property;

  widget_class->map = cm_ratelimit_chip_map;
  widget_class->unmap = cm_ratelimit_chip_unmap;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL,
                         CM_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         CM_TYPE_RATELIMIT_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL,
                       CM_TYPE_HEADROOM_LEVEL, CM_HEADROOM_UNKNOWN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_HEADROOM] =
    g_param_spec_double ("headroom", NULL, NULL,
                         -1.0, 1.0, -1.0,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_COMPACT] =
    g_param_spec_boolean ("compact", NULL, NULL,
                          FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Pulls the resource object (and its registering constructor) out of the
   * static library. */
  (void) cm_ui_get_resource ();
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/com/example/CostMeter/ui/cm-ratelimit-chip.ui");
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, button);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, squeezer);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, label);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, short_box);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, short_label);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, popover);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, empty_label);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, scroller);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, list);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, status_title);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, status_label);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, key_button);
  gtk_widget_class_bind_template_callback (widget_class, key_clicked_cb);
  gtk_widget_class_bind_template_child (widget_class, CmRatelimitChip, probe_button);
  gtk_widget_class_bind_template_callback (widget_class, popover_visible_cb);

  gtk_widget_class_install_action (widget_class, "ratelimit.probe", NULL, probe_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "ratelimitchip");
}

static void
cm_ratelimit_chip_init (CmRatelimitChip *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  cm_a11y_fix_mnemonics (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->headroom = -1;
  self->level = CM_HEADROOM_UNKNOWN;
  update_probe_action (self);
  update (self);
  update_rows (self, g_get_real_time () / 1000);
}

CmStore *
cm_ratelimit_chip_get_store (CmRatelimitChip *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CHIP (self), NULL);

  return self->store;
}

void
cm_ratelimit_chip_set_store (CmRatelimitChip *self,
                             CmStore         *store)
{
  g_return_if_fail (CM_IS_RATELIMIT_CHIP (self));
  g_return_if_fail (store == NULL || CM_IS_STORE (store));

  if (self->store == store)
    return;

  if (self->store != NULL)
    g_signal_handlers_disconnect_by_func (self->store, store_changed_cb, self);
  g_set_object (&self->store, store);
  if (store != NULL)
    g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self,
                             G_CONNECT_SWAPPED);

  if (!g_cancellable_is_cancelled (self->cancellable))
    cm_ratelimit_chip_refresh (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

CmRatelimitClient *
cm_ratelimit_chip_get_client (CmRatelimitChip *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CHIP (self), NULL);

  return self->client;
}

void
cm_ratelimit_chip_set_client (CmRatelimitChip   *self,
                              CmRatelimitClient *client)
{
  g_return_if_fail (CM_IS_RATELIMIT_CHIP (self));
  g_return_if_fail (client == NULL || CM_IS_RATELIMIT_CLIENT (client));

  if (self->client == client)
    return;

  if (self->client != NULL)
    g_signal_handlers_disconnect_by_func (self->client, probe_finished_cb, self);
  g_set_object (&self->client, client);
  if (client != NULL)
    {
      g_signal_connect_object (client, "probe-finished", G_CALLBACK (probe_finished_cb), self,
                               G_CONNECT_SWAPPED);
      show_result (self, cm_ratelimit_client_get_last_result (client));
    }
  else
    show_result (self, NULL);

  update_probe_action (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
}

CmHeadroomLevel
cm_ratelimit_chip_get_level (CmRatelimitChip *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CHIP (self), CM_HEADROOM_UNKNOWN);

  return self->level;
}

double
cm_ratelimit_chip_get_headroom (CmRatelimitChip *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CHIP (self), -1);

  return self->headroom;
}

static gboolean
compact_idle_cb (gpointer user_data)
{
  CmRatelimitChip *self = user_data;

  self->compact_id = 0;
  update (self);

  return G_SOURCE_REMOVE;
}

/**
 * cm_ratelimit_chip_set_compact:
 * @compact: whether to show the short form only (a narrow window, where
 *   the header bar shows the title); otherwise the long one shows where
 *   it fits
 */
void
cm_ratelimit_chip_set_compact (CmRatelimitChip *self,
                               gboolean         compact)
{
  g_return_if_fail (CM_IS_RATELIMIT_CHIP (self));

  compact = !!compact;
  if (self->compact == compact)
    return;

  self->compact = compact;
  /* The header bar says so while it allocates: switch after that. */
  if (self->compact_id == 0)
    self->compact_id = g_idle_add_full (G_PRIORITY_HIGH_IDLE, compact_idle_cb, self, NULL);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMPACT]);
}

gboolean
cm_ratelimit_chip_get_compact (CmRatelimitChip *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CHIP (self), FALSE);

  return self->compact;
}

/* The form on screen: the long label or the icon and short one (tests). */
GtkWidget *
cm_ratelimit_chip_get_shown (CmRatelimitChip *self)
{
  g_return_val_if_fail (CM_IS_RATELIMIT_CHIP (self), NULL);

  return adw_squeezer_get_visible_child (self->squeezer);
}

void
cm_ratelimit_chip_set_plan_monitor (CmRatelimitChip *self,
                                    CmPlanMonitor   *monitor)
{
  g_return_if_fail (CM_IS_RATELIMIT_CHIP (self));
  g_return_if_fail (monitor == NULL || CM_IS_PLAN_MONITOR (monitor));

  if (self->plan != NULL)
    g_signal_handlers_disconnect_by_data (self->plan, self);
  g_set_object (&self->plan, monitor);
  if (monitor != NULL)
    g_signal_connect_swapped (monitor, "updated", G_CALLBACK (update), self);
  update (self);
}
