/* cm-columns.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "cm-columns.h"
#include "cm-field-sorter.h"
#include "cm-format.h"
#include "cm-report.h"

typedef struct
{
  char         *title;
  char         *property;
  char         *notify;      /* "notify::" property */
  char         *cost_property; /* CM_COLUMN_COUNT_COST */
  CmColumnKind  kind;
} ColumnData;

static void
column_data_free (gpointer data)
{
  ColumnData *cd = data;

  g_free (cd->title);
  g_free (cd->property);
  g_free (cd->notify);
  g_free (cd->cost_property);
  g_free (cd);
}

static gboolean
get_bool (GObject    *item,
          const char *property)
{
  gboolean value = FALSE;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (item), property) != NULL)
    g_object_get (item, property, &value, NULL);

  return value;
}

static gint64
get_int64 (GObject    *item,
           const char *property)
{
  gint64 value = 0;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (item), property) != NULL)
    g_object_get (item, property, &value, NULL);

  return value;
}

char *
cm_columns_format (GObject      *item,
                   const char   *property,
                   CmColumnKind  kind)
{
  switch (kind)
    {
    case CM_COLUMN_TEXT:
    case CM_COLUMN_MODEL:
    case CM_COLUMN_PATH:
      {
        g_autofree char *text = NULL;

        g_object_get (item, property, &text, NULL);
        return text != NULL ? g_steal_pointer (&text) : g_strdup ("");
      }

    case CM_COLUMN_BACKEND:
      {
        g_autofree char *text = NULL;
        CmBackend backend = CM_BACKEND_UNKNOWN;

        g_object_get (item, property, &text, NULL);
        if (text == NULL)
          return g_strdup ("");
        cm_backend_from_string (text, &backend);
        return g_strdup (cm_backend_display_name (backend));
      }

    case CM_COLUMN_COUNT:
    case CM_COLUMN_COUNT_COST:
      return cm_format_count (get_int64 (item, property));

    case CM_COLUMN_TOKENS:
      return cm_format_tokens (get_int64 (item, property));

    case CM_COLUMN_MONEY:
      return cm_format_money (get_int64 (item, property));

    case CM_COLUMN_COST:
      return cm_format_money_sum (get_int64 (item, property), get_int64 (item, "unpriced"));

    case CM_COLUMN_RATIO:
      {
        double value = 0;

        g_object_get (item, property, &value, NULL);
        return cm_format_ratio (value);
      }

    case CM_COLUMN_TIME:
      return cm_format_time (get_int64 (item, property), NULL);

    case CM_COLUMN_DURATION:
      return cm_format_duration (get_int64 (item, property));

    default:
      g_assert_not_reached ();
    }
}

static gboolean
is_text (CmColumnKind kind)
{
  return kind == CM_COLUMN_TEXT || kind == CM_COLUMN_MODEL || kind == CM_COLUMN_PATH ||
         kind == CM_COLUMN_BACKEND;
}

static gboolean
is_money (CmColumnKind kind)
{
  return kind == CM_COLUMN_MONEY || kind == CM_COLUMN_COST;
}

static const char *estimate_text = N_("Estimated: Bedrock and Vertex dollars at Anthropic list prices");

/* Tooltips are asked for on hover, not set on every bind: setting one makes
 * GTK query the pointer (a round trip to the display server) per cell. */
static gboolean
ellipsized_tooltip_cb (GtkLabel   *label,
                       int         x,
                       int         y,
                       gboolean    keyboard,
                       GtkTooltip *tooltip)
{
  if (!pango_layout_is_ellipsized (gtk_label_get_layout (label)))
    return FALSE;

  gtk_tooltip_set_text (tooltip, gtk_label_get_text (label));

  return TRUE;
}

/* The text the widget keeps under "cm-tooltip". */
static gboolean
stored_tooltip_cb (GtkWidget  *widget,
                   int         x,
                   int         y,
                   gboolean    keyboard,
                   GtkTooltip *tooltip)
{
  gtk_tooltip_set_text (tooltip, g_object_get_data (G_OBJECT (widget), "cm-tooltip"));

  return TRUE;
}

/* The cost goes under its count, so a row of every token type and every
 * cost fits the window. */
static GtkWidget *
count_cost_new (GtkWidget *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *cost = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (cost), 1.0);
  gtk_widget_add_css_class (cost, "numeric");
  gtk_widget_add_css_class (cost, "caption");
  gtk_widget_add_css_class (cost, "dim-label");
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), cost);
  gtk_widget_set_has_tooltip (box, TRUE);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (stored_tooltip_cb), NULL);

  return box;
}

/* A sum with unpriced messages says so under the amount, not beside it:
 * the column stays as narrow as the others. */
static GtkWidget *
cost_new (GtkWidget *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *note = gtk_label_new (NULL);

  gtk_widget_set_hexpand (box, TRUE);
  gtk_label_set_xalign (GTK_LABEL (note), 1.0);
  gtk_widget_add_css_class (note, "caption");
  gtk_widget_add_css_class (note, "warning");
  gtk_widget_set_visible (note, FALSE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), note);

  return box;
}

/* A model, and a tag beside it with the item's "mode" (a message's "fast"),
 * hidden when it has none. */
static GtkWidget *
tagged_new (GtkWidget *label)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
  GtkWidget *tag = gtk_label_new (NULL);

  gtk_widget_add_css_class (tag, "mode-tag");
  gtk_widget_set_valign (tag, GTK_ALIGN_CENTER);
  gtk_widget_set_visible (tag, FALSE);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), tag);

  return box;
}

static void
render_tag (GtkWidget  *tag,
            GObject    *item,
            const char *text)
{
  g_autofree char *mode = NULL;
  gboolean shown;

  if (g_object_class_find_property (G_OBJECT_GET_CLASS (item), "mode") != NULL)
    g_object_get (item, "mode", &mode, NULL);
  shown = mode != NULL && *mode != '\0';
  gtk_label_set_text (GTK_LABEL (tag), shown ? mode : "");
  gtk_widget_set_visible (tag, shown);
  if (shown)
    {
      g_autofree char *whole = g_strdup_printf ("%s, %s", text, mode);

      gtk_accessible_update_property (GTK_ACCESSIBLE (gtk_widget_get_parent (tag)),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, whole, -1);
    }
}

static void
setup_cb (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          ColumnData               *cd)
{
  GtkWidget *label = gtk_label_new (NULL);
  GtkWidget *box, *badge;
  gboolean numeric = !is_text (cd->kind);

  gtk_label_set_xalign (GTK_LABEL (label), numeric ? 1.0 : 0.0);
  /* Model ids differ at both ends, paths at the end. */
  gtk_label_set_ellipsize (GTK_LABEL (label), numeric ? PANGO_ELLIPSIZE_NONE
                                              : cd->kind == CM_COLUMN_MODEL ? PANGO_ELLIPSIZE_MIDDLE
                                              : cd->kind == CM_COLUMN_PATH ? PANGO_ELLIPSIZE_START
                                              : PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  if (numeric)
    gtk_widget_add_css_class (label, "numeric");
  else
    {
      gtk_widget_set_has_tooltip (label, TRUE);
      g_signal_connect (label, "query-tooltip", G_CALLBACK (ellipsized_tooltip_cb), NULL);
    }

  if (cd->kind == CM_COLUMN_COUNT_COST)
    {
      gtk_list_item_set_child (list_item, count_cost_new (label));
      return;
    }

  if (cd->kind == CM_COLUMN_MODEL)
    {
      gtk_list_item_set_child (list_item, tagged_new (label));
      return;
    }

  /* A list keeps about 200 rows of cells and makes them anew when its items
   * change: a bare label where no badge can show. */
  if (!is_money (cd->kind))
    {
      gtk_list_item_set_child (list_item, label);
      return;
    }

  badge = gtk_label_new (_("est."));
  gtk_widget_add_css_class (badge, "est-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_widget_set_has_tooltip (badge, TRUE);
  g_object_set_data (G_OBJECT (badge), "cm-tooltip", (gpointer) _(estimate_text));
  g_signal_connect (badge, "query-tooltip", G_CALLBACK (stored_tooltip_cb), NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (badge), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _(estimate_text), -1);
  gtk_widget_set_visible (badge, FALSE);

  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (box), cd->kind == CM_COLUMN_COST ? cost_new (label) : label);
  gtk_box_append (GTK_BOX (box), badge);
  gtk_list_item_set_child (list_item, box);
}

/* Tooltip and screen readers get count and cost in one sentence. */
static void
bind_cost (GtkWidget  *box,
           GtkWidget  *cost_label,
           GObject    *item,
           ColumnData *cd,
           const char *count)
{
  CmMoney cost = get_int64 (item, cd->cost_property);
  g_autofree char *shown = cm_format_money (cost);
  g_autofree char *exact = cm_format_money_with (cost, 4);
  char *sentence;

  gtk_label_set_text (GTK_LABEL (cost_label), shown);
  /* Translators: column title, figure, its cost: "Cache reads: 42555, cost $0.0638". */
  sentence = g_strdup_printf (_("%s: %s, cost %s"), cd->title, count, exact);
  gtk_accessible_update_property (GTK_ACCESSIBLE (box), GTK_ACCESSIBLE_PROPERTY_LABEL, sentence, -1);
  g_object_set_data_full (G_OBJECT (box), "cm-tooltip", sentence, g_free);
}

/* The amount, and the unpriced count under it; screen readers get the
 * whole sum in one sentence. */
static void
render_cost (GtkWidget  *child,
             GtkWidget  *column,
             GObject    *item,
             ColumnData *cd,
             const char *sum)
{
  GtkWidget *label = gtk_widget_get_first_child (column);
  GtkWidget *note = gtk_widget_get_next_sibling (label);
  CmMoney cost = get_int64 (item, cd->property);
  gint64 unpriced = get_int64 (item, "unpriced");
  g_autofree char *amount = cm_format_money (cost);

  /* Nothing but unpriced messages: said once, on the first line. */
  if (unpriced > 0 && cost != 0)
    {
      g_autofree char *short_note = cm_format_unpriced_short (unpriced);

      gtk_label_set_text (GTK_LABEL (label), amount);
      gtk_label_set_text (GTK_LABEL (note), short_note);
      gtk_widget_set_visible (note, TRUE);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (label), sum);
      gtk_widget_set_visible (note, FALSE);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, sum, -1);
}

static void
render (GtkListItem *list_item,
        ColumnData  *cd)
{
  GtkWidget *child = gtk_list_item_get_child (list_item);
  gboolean boxed = is_money (cd->kind) || cd->kind == CM_COLUMN_COUNT_COST ||
                   cd->kind == CM_COLUMN_MODEL;
  /* For a cost, the box of the amount and the unpriced note. */
  GtkWidget *label = boxed ? gtk_widget_get_first_child (child) : child;
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = cm_columns_format (item, cd->property, cd->kind);

  if (cd->kind == CM_COLUMN_COST)
    render_cost (child, label, item, cd, text);
  else
    gtk_label_set_text (GTK_LABEL (label), text);

  if (get_bool (item, "muted"))
    gtk_widget_add_css_class (child, "muted-row");
  else
    gtk_widget_remove_css_class (child, "muted-row");

  if (is_money (cd->kind))
    {
      GtkWidget *badge = gtk_widget_get_next_sibling (label);

      gtk_widget_set_visible (badge, get_bool (item, "has-estimate") && get_int64 (item, cd->property) != 0);
    }
  else if (cd->kind == CM_COLUMN_COUNT_COST)
    bind_cost (child, gtk_widget_get_next_sibling (label), item, cd, text);
  else if (cd->kind == CM_COLUMN_MODEL)
    render_tag (gtk_widget_get_next_sibling (label), item, text);
}

static void
item_notify_cb (GObject     *item,
                GParamSpec  *pspec,
                GtkListItem *list_item)
{
  render (list_item, g_object_get_data (G_OBJECT (list_item), "cm-column-data"));
}

/* Items may be refilled in place (the sessions list does): cells follow
 * their property. */
static void
bind_cb (GtkSignalListItemFactory *factory,
         GtkListItem              *list_item,
         ColumnData               *cd)
{
  gulong id;

  render (list_item, cd);
  id = g_signal_connect_object (gtk_list_item_get_item (list_item), cd->notify,
                                G_CALLBACK (item_notify_cb), list_item, 0);
  g_object_set_data (G_OBJECT (list_item), "cm-column-data", cd);
  g_object_set_data (G_OBJECT (list_item), "cm-notify-id", GSIZE_TO_POINTER (id));
}

static void
unbind_cb (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           ColumnData               *cd)
{
  gulong id = GPOINTER_TO_SIZE (g_object_steal_data (G_OBJECT (list_item), "cm-notify-id"));
  GObject *item = gtk_list_item_get_item (list_item);

  if (id != 0 && item != NULL)
    g_signal_handler_disconnect (item, id);
}

GtkColumnViewColumn *
cm_columns_add (GtkColumnView *view,
                GType          item_type,
                const char    *title,
                const char    *property,
                CmColumnKind   kind,
                gboolean       sortable)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;
  ColumnData *cd = g_new0 (ColumnData, 1);

  cd->title = g_strdup (title);
  cd->property = g_strdup (property);
  cd->notify = g_strconcat ("notify::", property, NULL);
  cd->kind = kind;
  if (kind == CM_COLUMN_COUNT_COST)
    cd->cost_property = g_strconcat ("cost-", property, NULL);

  g_signal_connect (factory, "setup", G_CALLBACK (setup_cb), cd);
  g_signal_connect (factory, "bind", G_CALLBACK (bind_cb), cd);
  g_signal_connect (factory, "unbind", G_CALLBACK (unbind_cb), cd);
  g_object_set_data_full (G_OBJECT (factory), "cm-column-data", cd, column_data_free);

  column = gtk_column_view_column_new (title, factory);
  gtk_column_view_column_set_resizable (column, TRUE);
  g_object_set_data_full (G_OBJECT (column), "cm-property", g_strdup (property), g_free);
  g_object_set_data (G_OBJECT (column), "cm-kind", GINT_TO_POINTER (kind));

  /* Text columns start wide enough for a model id or a project path; the
   * user can resize them. */
  if (is_text (kind) && kind != CM_COLUMN_BACKEND)
    {
      gtk_column_view_column_set_expand (column, TRUE);
      gtk_column_view_column_set_fixed_width (column, 200);
    }
  else if (kind == CM_COLUMN_BACKEND)
    gtk_column_view_column_set_fixed_width (column, 140);

  if (sortable)
    {
      GtkExpression *expr = gtk_property_expression_new (item_type, NULL, property);
      GtkSorter *sorter;

      if (is_text (kind))
        sorter = GTK_SORTER (gtk_string_sorter_new (g_steal_pointer (&expr)));
      else if ((sorter = GTK_SORTER (cm_field_sorter_new (item_type, property))) != NULL)
        /* Big numbers first: the first click on a figure ranks. */
        cm_field_sorter_set_descending (CM_FIELD_SORTER (sorter), TRUE);
      else
        {
          sorter = GTK_SORTER (gtk_numeric_sorter_new (g_steal_pointer (&expr)));
          gtk_numeric_sorter_set_sort_order (GTK_NUMERIC_SORTER (sorter), GTK_SORT_DESCENDING);
        }
      g_clear_pointer (&expr, gtk_expression_unref);
      gtk_column_view_column_set_sorter (column, sorter);
      g_object_unref (sorter);
    }

  gtk_column_view_append_column (view, column);
  g_object_unref (column);

  return column;
}

GtkSelectionModel *
cm_columns_set_model (GtkColumnView *view,
                      GListModel    *model,
                      GtkSorter     *first)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (view);
  GtkSortListModel *sorted;
  GtkSelectionModel *selection;

  if (first != NULL)
    {
      GtkMultiSorter *both = gtk_multi_sorter_new ();

      gtk_multi_sorter_append (both, g_object_ref (first));
      gtk_multi_sorter_append (both, g_object_ref (sorter));
      sorter = GTK_SORTER (both);
    }
  else if (sorter != NULL)
    g_object_ref (sorter);

  sorted = gtk_sort_list_model_new (g_object_ref (model), sorter);
  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (G_LIST_MODEL (sorted)));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_single_selection_set_can_unselect (GTK_SINGLE_SELECTION (selection), TRUE);
  gtk_column_view_set_model (view, selection);
  g_object_unref (selection);

  return selection;
}

/* The sort model does not watch its items: after they were refilled in
 * place, a sorted view sorts again. */
void
cm_columns_resort (GtkColumnView *view)
{
  GtkSelectionModel *selection = gtk_column_view_get_model (view);
  g_autoptr(GtkSorter) sorter = NULL;
  GtkSortListModel *sorted;

  if (!GTK_IS_SINGLE_SELECTION (selection))
    return;

  sorted = GTK_SORT_LIST_MODEL (gtk_single_selection_get_model (GTK_SINGLE_SELECTION (selection)));
  if (gtk_sort_list_model_get_sorter (sorted) == NULL ||
      gtk_sorter_get_order (gtk_sort_list_model_get_sorter (sorted)) == GTK_SORTER_ORDER_NONE)
    return;

  sorter = g_object_ref (gtk_sort_list_model_get_sorter (sorted));
  gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
}
