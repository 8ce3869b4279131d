/* cm-billed-item.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <stddef.h>

#include "cm-billed-item.h"
#include "cm-fields.h"

struct _CmBilledItem
{
  GObject      parent_instance;

  CmBilledRow  row;
  char        *label;
  char        *why;
  char        *difference_text;
  char        *agreement_text;
  double       ratio;
  gboolean     has_ratio;
  gboolean     has_agreement;
  gboolean     muted;
  gint64       billed_tokens;
  gint64       transcript_tokens;
};

G_DEFINE_FINAL_TYPE (CmBilledItem, cm_billed_item, G_TYPE_OBJECT)

#define F(name, type, member) { name, type, offsetof (CmBilledItem, member) }

static const CmField fields[] = {
  F ("day", CM_FIELD_STRING, row.day),
  F ("model", CM_FIELD_STRING, row.model),
  F ("label", CM_FIELD_STRING, label),
  F ("why", CM_FIELD_STRING, why),
  F ("whose", CM_FIELD_STRING, row.whose),
  F ("difference-text", CM_FIELD_STRING, difference_text),
  F ("agreement-text", CM_FIELD_STRING, agreement_text),
  F ("billed", CM_FIELD_INT64, row.billed),
  F ("estimated", CM_FIELD_INT64, row.estimated),
  F ("difference", CM_FIELD_INT64, row.difference),
  F ("explained", CM_FIELD_INT64, row.explained),
  F ("billed-tokens", CM_FIELD_INT64, billed_tokens),
  F ("transcript-tokens", CM_FIELD_INT64, transcript_tokens),
  F ("unpriced", CM_FIELD_INT64, row.unpriced),
  F ("difference-ratio", CM_FIELD_DOUBLE, ratio),
  F ("token-agreement", CM_FIELD_DOUBLE, row.token_agreement),
  F ("has-ratio", CM_FIELD_BOOLEAN, has_ratio),
  F ("has-agreement", CM_FIELD_BOOLEAN, has_agreement),
  F ("fetched", CM_FIELD_BOOLEAN, row.fetched),
  F ("muted", CM_FIELD_BOOLEAN, muted),
};

#undef F

static GParamSpec *properties[CM_FIELDS_N_PSPECS (G_N_ELEMENTS (fields))];

static const char *reason_titles[CM_BILLED_N_REASONS] = {
  N_("Days still settling"),
  N_("Days not fetched yet"),
  N_("Usage not from Claude Code on this machine"),
  N_("Web search and code execution"),
  N_("Priority Tier, missing from the cost report"),
  N_("Subscription use, never on the API bill"),
  N_("Fewer billed tokens"),
  N_("Other prices for the same tokens"),
};

const char *
cm_billed_reason_title (CmBilledReason reason)
{
  return _(reason_titles[cm_billed_reason_index (reason)]);
}

char *
cm_billed_reasons_text (guint reasons)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint r = 0; r < CM_BILLED_N_REASONS; r++)
    {
      if ((reasons & (1u << r)) == 0)
        continue;
      if (text->len > 0)
        g_string_append (text, "; ");
      g_string_append (text, cm_billed_reason_title (1u << r));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
cm_billed_item_finalize (GObject *object)
{
  CmBilledItem *self = (CmBilledItem *)object;

  g_free (self->row.day);
  g_free (self->row.model);
  g_free (self->row.whose);
  g_free (self->label);
  g_free (self->why);
  g_free (self->difference_text);
  g_free (self->agreement_text);

  G_OBJECT_CLASS (cm_billed_item_parent_class)->finalize (object);
}

static void
cm_billed_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  cm_fields_get (object, fields, G_N_ELEMENTS (fields), prop_id, value);
}

static void
cm_billed_item_class_init (CmBilledItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = cm_billed_item_finalize;
  object_class->get_property = cm_billed_item_get_property;

  cm_fields_install (object_class, fields, G_N_ELEMENTS (fields), properties);
}

static void
cm_billed_item_init (CmBilledItem *self)
{
}

static gint64
tokens (const CmUsage *u)
{
  return u->input + u->output + u->cache_write_5m + u->cache_write_1h + u->cache_read;
}

/* What the Why column says: a match, the reasons, or that nothing
 * explains the difference. */
static char *
why_text (const CmBilledRow *row)
{
  if (!row->fetched)
    return g_strdup (cm_billed_reason_title (CM_BILLED_REASON_NOT_FETCHED));
  if (row->difference == 0)
    return g_strdup (_("Matches"));
  if (row->reasons == CM_BILLED_REASON_NONE)
    return g_strdup (_("Unexplained"));

  return cm_billed_reasons_text (row->reasons);
}

CmBilledItem *
cm_billed_item_new (const CmBilledRow *row)
{
  CmBilledItem *self = g_object_new (CM_TYPE_BILLED_ITEM, NULL);
  double ratio = cm_billed_row_difference_ratio (row);

  self->row = *row;
  self->row.day = g_strdup (row->day);
  self->row.model = g_strdup (row->model);
  self->row.whose = g_strdup (row->whose);
  self->label = g_strdup (row->model != NULL ? row->model : _("Web search, code execution"));
  self->why = why_text (row);
  self->muted = !row->fetched;
  self->has_ratio = row->fetched && !isnan (ratio);
  self->ratio = self->has_ratio ? ratio : 0;
  self->has_agreement = row->token_agreement >= 0;
  /* Translators: a difference as a share of the estimate, e.g. "+5.3 %". */
  self->difference_text = self->has_ratio ? g_strdup_printf (_("%+.1f %%"), 100.0 * ratio) : g_strdup ("—");
  self->agreement_text = self->has_agreement ? g_strdup_printf (_("%.1f %%"), 100.0 * row->token_agreement)
                                             : g_strdup ("—");
  self->billed_tokens = row->model != NULL ? tokens (&row->billed_usage) : row->billed_usage.web_search;
  self->transcript_tokens = row->model != NULL ? tokens (&row->estimated_usage) : row->estimated_usage.web_search;

  return self;
}

const CmBilledRow *
cm_billed_item_get_row (CmBilledItem *self)
{
  g_return_val_if_fail (CM_IS_BILLED_ITEM (self), NULL);

  return &self->row;
}

const char *
cm_billed_item_get_label (CmBilledItem *self)
{
  g_return_val_if_fail (CM_IS_BILLED_ITEM (self), NULL);

  return self->label;
}

const char *
cm_billed_item_get_why (CmBilledItem *self)
{
  g_return_val_if_fail (CM_IS_BILLED_ITEM (self), NULL);

  return self->why;
}
