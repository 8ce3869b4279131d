/* cm-org-user-item.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <stddef.h>

#include "cm-fields.h"
#include "cm-org-user-item.h"

struct _CmOrgUserItem
{
  GObject       parent_instance;

  CmOrgUserRow  row;
  char         *label;
  char         *source_id;
  char         *models_detail;
  gint64        org_tokens;
  gboolean      has_org;
  gboolean      has_transcripts;
  gboolean      muted;
};

G_DEFINE_FINAL_TYPE (CmOrgUserItem, cm_org_user_item, G_TYPE_OBJECT)

#define F(name, type, member) { name, type, offsetof (CmOrgUserItem, member) }

/* "source" is read through source_title(), not a field. */
static const CmField fields[] = {
  F ("key", CM_FIELD_STRING, row.key),
  F ("label", CM_FIELD_STRING, label),
  F ("source-id", CM_FIELD_STRING, source_id),
  F ("actor-type", CM_FIELD_STRING, row.actor_type),
  F ("customer-type", CM_FIELD_STRING, row.customer_type),
  F ("models", CM_FIELD_STRING, row.models),
  F ("models-detail", CM_FIELD_STRING, models_detail),
  F ("org-sessions", CM_FIELD_INT64, row.sessions),
  F ("org-lines-added", CM_FIELD_INT64, row.lines_added),
  F ("org-lines-removed", CM_FIELD_INT64, row.lines_removed),
  F ("org-commits", CM_FIELD_INT64, row.commits),
  F ("org-pull-requests", CM_FIELD_INT64, row.pull_requests),
  F ("org-input", CM_FIELD_INT64, row.input),
  F ("org-output", CM_FIELD_INT64, row.output),
  F ("org-cache-read", CM_FIELD_INT64, row.cache_read),
  F ("org-cache-creation", CM_FIELD_INT64, row.cache_creation),
  F ("org-tokens", CM_FIELD_INT64, org_tokens),
  F ("org-cost", CM_FIELD_INT64, row.org_cost),
  F ("has-org", CM_FIELD_BOOLEAN, has_org),
  F ("has-transcripts", CM_FIELD_BOOLEAN, has_transcripts),
  F ("muted", CM_FIELD_BOOLEAN, muted),
  CM_FIELDS_TOTALS (CmOrgUserItem, row.transcripts),
};

#undef F

enum {
  PROP_SOURCE = CM_FIELDS_N_PSPECS (G_N_ELEMENTS (fields)),
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

const char *
cm_org_source_title (guint sources)
{
  if (sources == (CM_ORG_SOURCE_TRANSCRIPTS | CM_ORG_SOURCE_ADMIN_API))
    /* Translators: a user's figures come from both the transcripts and the
     * organization's Claude Code analytics. */
    return _("Both");
  if (sources & CM_ORG_SOURCE_ADMIN_API)
    return _("Claude Code analytics");

  return _("Transcripts");
}

static gpointer
model_usage_copy (gconstpointer src,
                  gpointer      user_data)
{
  const CmOrgModelUsage *from = src;
  CmOrgModelUsage *copy = g_new (CmOrgModelUsage, 1);

  *copy = *from;
  copy->model = g_strdup (from->model);

  return copy;
}

/* Each model of the analytics with its tokens and estimate, costliest
 * first: "claude-opus-4-5 $0.75 (50000 tokens); …". */
static char *
models_detail (GPtrArray *by_model)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; by_model != NULL && i < by_model->len; i++)
    {
      const CmOrgModelUsage *mu = g_ptr_array_index (by_model, i);
      g_autofree char *usd = cm_money_format_usd (mu->estimated_cost, 2);
      g_autofree char *tokens = g_strdup_printf ("%" G_GINT64_FORMAT,
                                                 mu->input + mu->output + mu->cache_read + mu->cache_creation);

      if (text->len > 0)
        g_string_append (text, "; ");
      /* Translators: a model of the Claude Code analytics, its estimated
       * dollars and its tokens, e.g. "claude-opus-4-5 $0.75 (50000 tokens)". */
      g_string_append_printf (text, _("%s $%s (%s tokens)"), mu->model, usd, tokens);
    }

  return text->len > 0 ? g_string_free (g_steal_pointer (&text), FALSE) : NULL;
}

static void
cm_org_user_item_finalize (GObject *object)
{
  CmOrgUserItem *self = (CmOrgUserItem *)object;

  g_free (self->row.key);
  g_free (self->row.actor_type);
  g_free (self->row.customer_type);
  g_free (self->row.models);
  g_clear_pointer (&self->row.by_model, g_ptr_array_unref);
  g_free (self->label);
  g_free (self->models_detail);
  g_free (self->source_id);

  G_OBJECT_CLASS (cm_org_user_item_parent_class)->finalize (object);
}

static void
cm_org_user_item_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CmOrgUserItem *self = CM_ORG_USER_ITEM (object);

  if (prop_id == PROP_SOURCE)
    g_value_set_string (value, cm_org_source_title (self->row.sources));
  else
    cm_fields_get (object, fields, G_N_ELEMENTS (fields), prop_id, value);
}

static void
cm_org_user_item_class_init (CmOrgUserItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_org_user_item_finalize;
  object_class->get_property = cm_org_user_item_get_property;

  cm_fields_install (object_class, fields, G_N_ELEMENTS (fields), properties);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_property (object_class, PROP_SOURCE, properties[PROP_SOURCE]);
}

static void
cm_org_user_item_init (CmOrgUserItem *self)
{
}

CmOrgUserItem *
cm_org_user_item_new (const CmOrgUserRow *row)
{
  CmOrgUserItem *self = g_object_new (CM_TYPE_ORG_USER_ITEM, NULL);
  gboolean unattributed;

  g_return_val_if_fail (row != NULL, NULL);

  unattributed = g_strcmp0 (row->key, CM_UNATTRIBUTED_KEY) == 0;
  self->row = *row;
  self->row.key = g_strdup (row->key);
  self->row.actor_type = g_strdup (row->actor_type);
  self->row.customer_type = g_strdup (row->customer_type);
  self->row.models = g_strdup (row->models);
  self->row.by_model = row->by_model != NULL ? g_ptr_array_copy (row->by_model, model_usage_copy, NULL) : NULL;
  if (self->row.by_model != NULL)
    g_ptr_array_set_free_func (self->row.by_model, (GDestroyNotify) cm_org_model_usage_free);
  self->models_detail = models_detail (row->by_model);
  self->label = g_strdup (unattributed ? _("Unattributed") : row->key);
  self->source_id = g_strdup (cm_org_source_to_string (row->sources));
  self->org_tokens = row->input + row->output + row->cache_read + row->cache_creation;
  self->has_org = (row->sources & CM_ORG_SOURCE_ADMIN_API) != 0;
  self->has_transcripts = (row->sources & CM_ORG_SOURCE_TRANSCRIPTS) != 0;
  self->muted = unattributed;

  return self;
}

const CmOrgUserRow *
cm_org_user_item_get_row (CmOrgUserItem *self)
{
  g_return_val_if_fail (CM_IS_ORG_USER_ITEM (self), NULL);

  return &self->row;
}

const char *
cm_org_user_item_get_label (CmOrgUserItem *self)
{
  g_return_val_if_fail (CM_IS_ORG_USER_ITEM (self), NULL);

  return self->label;
}

const char *
cm_org_user_item_get_source (CmOrgUserItem *self)
{
  g_return_val_if_fail (CM_IS_ORG_USER_ITEM (self), NULL);

  return cm_org_source_title (self->row.sources);
}
