/* cm-columns.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>
#include <glib/gi18n.h>

#include "cm-columns.h"
#include "cm-field-sorter.h"
#include "cm-format.h"
#include "cm-report.h"

typedef struct
{
  char         *title;
  char         *property;
  char         *notify;            /* "notify::" property */
  char         *cost_property;     /* CM_COLUMN_COUNT_COST */
  char         *unpriced_property; /* money: the count of messages without a price */
  CmColumnKind  kind;
  gboolean      first;             /* the first column: "Total" on the Total row */
} ColumnData;

static void
column_data_free (gpointer data)
{
  ColumnData *cd = data;

  g_free (cd->title);
  g_free (cd->property);
  g_free (cd->notify);
  g_free (cd->cost_property);
  g_free (cd->unpriced_property);
  g_free (cd);
}

static gboolean
get_bool (GObject    *item,
          const char *property)
{
  gboolean value = FALSE;

  if (property != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (item), property) != NULL)
    g_object_get (item, property, &value, NULL);

  return value;
}

static gint64
get_int64 (GObject    *item,
           const char *property)
{
  gint64 value = 0;

  if (property != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (item), property) != NULL)
    g_object_get (item, property, &value, NULL);

  return value;
}

static double
get_double (GObject    *item,
            const char *property)
{
  double value = 0;

  g_object_get (item, property, &value, NULL);

  return value;
}

/* "cost" -> "unpriced", "cost-bedrock" -> "unpriced-bedrock". */
static char *
unpriced_property_for (const char *property)
{
  if (g_str_equal (property, "cost"))
    return g_strdup ("unpriced");
  if (g_str_has_prefix (property, "cost-"))
    return g_strconcat ("unpriced-", property + 5, NULL);

  return NULL;
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

/* Dollars with nothing priced behind them are not $0: "—", and the reason
 * in the tooltip and the note under it. */
static gboolean
is_unpriced_only (GObject    *item,
                  const char *property)
{
  g_autofree char *unpriced = unpriced_property_for (property);

  return get_int64 (item, property) == 0 && get_int64 (item, unpriced) > 0;
}

/* Rows that merge two sources (the Users view's Organization table) say
 * which they have ("has-org", "has-transcripts"): a figure of a source the
 * row lacks reads "—", not 0. The analytics' figures are named "org-*". */
static gboolean
lacks_source (GObject    *item,
              const char *property)
{
  const char *has = g_str_has_prefix (property, "org-") ? "has-org" : "has-transcripts";

  return g_object_class_find_property (G_OBJECT_GET_CLASS (item), has) != NULL && !get_bool (item, has);
}

static char *
format_text (GObject      *item,
             const char   *property,
             CmColumnKind  kind)
{
  g_autofree char *text = NULL;
  CmBackend backend = CM_BACKEND_UNKNOWN;

  g_object_get (item, property, &text, NULL);
  if (text == NULL || kind != CM_COLUMN_BACKEND)
    return text != NULL ? g_steal_pointer (&text) : g_strdup ("");

  cm_backend_from_string (text, &backend);
  return g_strdup (cm_backend_display_name (backend));
}

char *
cm_columns_format (GObject      *item,
                   const char   *property,
                   CmColumnKind  kind)
{
  gboolean total = get_bool (item, "total");

  switch (kind)
    {
    case CM_COLUMN_TEXT:
    case CM_COLUMN_MODEL:
    case CM_COLUMN_PATH:
    case CM_COLUMN_BACKEND:
      /* The Total row names itself in its first column only. */
      return total ? g_strdup ("") : format_text (item, property, kind);

    case CM_COLUMN_COUNT:
    case CM_COLUMN_COUNT_COST:
    case CM_COLUMN_TOKENS:
      if (lacks_source (item, property))
        return g_strdup ("—");
      return cm_format_compact (get_int64 (item, property));

    case CM_COLUMN_MONEY:
    case CM_COLUMN_COST:
      if (is_unpriced_only (item, property) || lacks_source (item, property))
        return g_strdup ("—");
      return cm_format_money (get_int64 (item, property));

    case CM_COLUMN_RATIO:
      {
        double value = get_double (item, property);

        /* No input: the ratio is undefined, not 0 %. */
        return isnan (value) ? g_strdup ("—") : cm_format_ratio (value);
      }

    case CM_COLUMN_TIME:
      return total ? g_strdup ("") : cm_format_time (get_int64 (item, property), NULL);

    case CM_COLUMN_DURATION:
      return total ? g_strdup ("") : cm_format_duration (get_int64 (item, property));

    default:
      g_assert_not_reached ();
    }
}

static const char *estimate_text = N_("Estimated: Bedrock and Vertex dollars at Anthropic list prices");

const char * const cm_columns_cache_hit_formula =
  N_("Cache hit: the share of input tokens read from the prompt cache, cache reads ÷ (input + cache writes + cache reads). “—” where a row has no input.");

/* What hovering a cell says: the exact figure, how it was made, why a
 * figure is missing. */
static char *
dup_money_tooltip (GObject    *item,
                   ColumnData *cd)
{
  CmMoney money = get_int64 (item, cd->property);
  gint64 unpriced = get_int64 (item, cd->unpriced_property);
  g_autofree char *exact = cm_format_money_with (money, 4);
  GString *text = g_string_new (NULL);

  if (unpriced > 0 && money == 0)
    g_string_append (text, _("No cost can be given."));
  else
    g_string_append_printf (text, "%s: %s", cd->title, exact);

  if (unpriced > 0)
    {
      g_autofree char *count = cm_format_count (unpriced);

      g_string_append_c (text, '\n');
      g_string_append_printf (text, g_dngettext (GETTEXT_PACKAGE,
                                                 "%s message is of a model with no price in the price table: its tokens are counted, its cost is not.",
                                                 "%s messages are of models with no price in the price table: their tokens are counted, their cost is not.",
                                                 unpriced),
                              count);
    }
  if (get_bool (item, "has-estimate") && money != 0)
    g_string_append_printf (text, "\n%s", _(estimate_text));

  return g_string_free (text, FALSE);
}

static char *
dup_ratio_tooltip (GObject    *item,
                   ColumnData *cd)
{
  double value = get_double (item, cd->property);

  if (!g_str_equal (cd->property, "cache-hit-ratio"))
    return g_strdup_printf ("%s: %.2f %%", cd->title, value * 100.0);

  if (isnan (value))
    return g_strdup (_("No input tokens: the cache-hit ratio is undefined."));

  {
    gint64 reads = get_int64 (item, "cache-read");
    gint64 all = get_int64 (item, "input") + get_int64 (item, "cache-write-5m") +
                 get_int64 (item, "cache-write-1h") + reads;
    g_autofree char *r = cm_format_count (reads);
    g_autofree char *a = cm_format_count (all);

    /* Translators: the cache-hit ratio's formula, then its figures. */
    return g_strdup_printf (_("Cache hit = cache reads ÷ (input + cache writes + cache reads)\n= %s ÷ %s = %.1f %%"),
                            r, a, value * 100.0);
  }
}

static char *
dup_tooltip (GObject    *item,
             ColumnData *cd)
{
  switch (cd->kind)
    {
    case CM_COLUMN_COUNT:
    case CM_COLUMN_TOKENS:
      {
        g_autofree char *exact = cm_format_count (get_int64 (item, cd->property));

        return g_strdup_printf ("%s: %s", cd->title, exact);
      }

    case CM_COLUMN_MONEY:
    case CM_COLUMN_COST:
      return dup_money_tooltip (item, cd);

    case CM_COLUMN_RATIO:
      return dup_ratio_tooltip (item, cd);

    case CM_COLUMN_COUNT_COST:
      {
        g_autofree char *count = cm_format_count (get_int64 (item, cd->property));
        g_autofree char *cost = cm_format_money_with (get_int64 (item, cd->cost_property), 4);

        if (!get_bool (item, "priced") && !get_bool (item, "total"))
          /* Translators: column title, figure, for a message whose model has no price. */
          return g_strdup_printf (_("%s: %s; no price for this model, so no cost"), cd->title, count);

        /* Translators: column title, figure, its cost: "Cache reads: 42555, cost $0.0638". */
        return g_strdup_printf (_("%s: %s, cost %s"), cd->title, count, cost);
      }

    default:
      return NULL;
    }
}

/* Tooltips are asked for on hover, not set on every bind: setting one makes
 * GTK query the pointer (a round trip to the display server) per cell. */
static gboolean
cell_tooltip_cb (GtkWidget   *widget,
                 int          x,
                 int          y,
                 gboolean     keyboard,
                 GtkTooltip  *tooltip,
                 GtkListItem *list_item)
{
  ColumnData *cd = g_object_get_data (G_OBJECT (list_item), "cm-column-data");
  GObject *item = gtk_list_item_get_item (list_item);
  g_autofree char *text = NULL;

  if (is_text (cd->kind))
    {
      /* A model's label is the first of its box (its tag follows). */
      if (!GTK_IS_LABEL (widget))
        widget = gtk_widget_get_first_child (widget);
      if (!pango_layout_is_ellipsized (gtk_label_get_layout (GTK_LABEL (widget))))
        return FALSE;
      gtk_tooltip_set_text (tooltip, gtk_label_get_text (GTK_LABEL (widget)));
      return TRUE;
    }

  if (item == NULL || (text = dup_tooltip (item, cd)) == NULL)
    return FALSE;

  gtk_tooltip_set_text (tooltip, text);

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

static GtkWidget *
money_new (ColumnData *cd,
           GtkWidget  *label)
{
  GtkWidget *badge = gtk_label_new (_("est."));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_widget_add_css_class (badge, "est-badge");
  gtk_widget_set_valign (badge, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (badge), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _(estimate_text), -1);
  gtk_widget_set_visible (badge, FALSE);

  gtk_box_append (GTK_BOX (box), cd->kind == CM_COLUMN_COST ? cost_new (label) : label);
  gtk_box_append (GTK_BOX (box), badge);

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
  GtkWidget *child;
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

  /* A list keeps about 200 rows of cells and makes them anew when its items
   * change: a bare label where no badge can show. */
  if (cd->kind == CM_COLUMN_COUNT_COST)
    child = count_cost_new (label);
  else if (cd->kind == CM_COLUMN_MODEL)
    child = tagged_new (label);
  else if (is_money (cd->kind))
    child = money_new (cd, label);
  else
    child = label;

  g_object_set_data (G_OBJECT (list_item), "cm-column-data", cd);
  gtk_widget_set_has_tooltip (child, TRUE);
  g_signal_connect (child, "query-tooltip", G_CALLBACK (cell_tooltip_cb), list_item);
  gtk_list_item_set_child (list_item, child);
}

/* The amount, and the unpriced count under it; screen readers get the
 * whole sum in one sentence. */
static void
render_cost (GtkWidget  *child,
             GtkWidget  *column,
             GObject    *item,
             ColumnData *cd,
             const char *text)
{
  GtkWidget *label = gtk_widget_get_first_child (column);
  GtkWidget *note = gtk_widget_get_next_sibling (label);
  CmMoney cost = get_int64 (item, cd->property);
  gint64 unpriced = get_int64 (item, "unpriced");
  g_autofree char *sum = cm_format_money_sum (cost, unpriced);

  gtk_label_set_text (GTK_LABEL (label), text);
  if (unpriced > 0)
    {
      g_autofree char *short_note = cost != 0 ? cm_format_unpriced_short (unpriced) : cm_format_unpriced (unpriced);

      gtk_label_set_text (GTK_LABEL (note), short_note);
    }
  gtk_widget_set_visible (note, unpriced > 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, sum, -1);
}

/* A count with its cost under it; a message without a price has none. */
static void
render_count_cost (GtkWidget  *child,
                   GtkWidget  *cost_label,
                   GObject    *item,
                   ColumnData *cd)
{
  gboolean priced = get_bool (item, "priced") || get_bool (item, "total");
  g_autofree char *shown = priced ? cm_format_money (get_int64 (item, cd->cost_property)) : g_strdup ("—");
  g_autofree char *sentence = dup_tooltip (item, cd);

  gtk_label_set_text (GTK_LABEL (cost_label), shown);
  gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, sentence, -1);
}

static void
set_class (GtkWidget  *widget,
           const char *name,
           gboolean    on)
{
  if (on)
    gtk_widget_add_css_class (widget, name);
  else
    gtk_widget_remove_css_class (widget, name);
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
  gboolean total = get_bool (item, "total");
  g_autofree char *text = NULL;

  if (total && cd->first)
    text = g_strdup (_("Total"));
  else
    text = cm_columns_format (item, cd->property, cd->kind);

  if (cd->kind == CM_COLUMN_COST)
    render_cost (child, label, item, cd, text);
  else
    gtk_label_set_text (GTK_LABEL (label), text);

  set_class (child, "muted-row", get_bool (item, "muted"));
  set_class (child, "total-row", total);

  if (is_money (cd->kind))
    {
      GtkWidget *badge = gtk_widget_get_next_sibling (label);

      /* The transcripts' estimate (Bedrock, Vertex at list prices). */
      gtk_widget_set_visible (badge, get_bool (item, "has-estimate") && get_int64 (item, cd->property) != 0 &&
                                     !g_str_has_prefix (cd->property, "org-"));
    }
  else if (cd->kind == CM_COLUMN_COUNT_COST)
    render_count_cost (child, gtk_widget_get_next_sibling (label), item, cd);
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

static ColumnData *
column_data_new (GtkColumnView *view,
                 GType          item_type,
                 const char    *title,
                 const char    *property,
                 CmColumnKind   kind)
{
  ColumnData *cd = g_new0 (ColumnData, 1);
  g_autoptr(GTypeClass) klass = g_type_class_ref (item_type);
  g_autofree char *unpriced = unpriced_property_for (property);

  cd->title = g_strdup (title);
  cd->property = g_strdup (property);
  cd->notify = g_strconcat ("notify::", property, NULL);
  cd->kind = kind;
  cd->first = g_list_model_get_n_items (gtk_column_view_get_columns (view)) == 0;
  if (kind == CM_COLUMN_COUNT_COST)
    cd->cost_property = g_strconcat ("cost-", property, NULL);
  if (unpriced != NULL && g_object_class_find_property (G_OBJECT_CLASS (klass), unpriced) != NULL)
    cd->unpriced_property = g_steal_pointer (&unpriced);

  return cd;
}

/* Figures and names sort in their natural order, smallest or A first, as
 * GTK's sort arrows say; a view that ranks shows its column descending. */
static GtkSorter *
sorter_new (GType         item_type,
            const char   *property,
            CmColumnKind  kind)
{
  GtkExpression *expr = gtk_property_expression_new (item_type, NULL, property);
  GtkSorter *sorter;

  if (is_text (kind))
    return GTK_SORTER (gtk_string_sorter_new (expr));

  sorter = GTK_SORTER (cm_field_sorter_new (item_type, property));
  if (sorter == NULL)
    return GTK_SORTER (gtk_numeric_sorter_new (expr));

  gtk_expression_unref (expr);

  return sorter;
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
  ColumnData *cd = column_data_new (view, item_type, title, property, kind);

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
      g_autoptr(GtkSorter) sorter = sorter_new (item_type, property, kind);

      gtk_column_view_column_set_sorter (column, sorter);
    }

  gtk_column_view_append_column (view, column);
  g_object_unref (column);

  return column;
}

GtkSelectionModel *
cm_columns_set_model (GtkColumnView *view,
                      GListModel    *model,
                      GtkSorter     *first,
                      GListModel    *total)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (view);
  GtkSortListModel *sorted;
  GtkSelectionModel *selection;
  GListModel *shown;

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
  g_object_set_data_full (G_OBJECT (view), "cm-sorted", g_object_ref (sorted), g_object_unref);

  /* The Total row after the rows, whatever their order. */
  shown = G_LIST_MODEL (sorted);
  if (total != NULL)
    {
      GListStore *parts = g_list_store_new (G_TYPE_LIST_MODEL);

      g_list_store_append (parts, sorted);
      g_list_store_append (parts, total);
      g_object_unref (sorted);
      shown = G_LIST_MODEL (gtk_flatten_list_model_new (G_LIST_MODEL (parts)));
    }

  selection = GTK_SELECTION_MODEL (gtk_single_selection_new (shown));
  gtk_single_selection_set_autoselect (GTK_SINGLE_SELECTION (selection), FALSE);
  gtk_single_selection_set_can_unselect (GTK_SINGLE_SELECTION (selection), TRUE);
  gtk_column_view_set_model (view, selection);
  g_object_unref (selection);

  return selection;
}

GListModel *
cm_columns_get_rows (GtkColumnView *view)
{
  return g_object_get_data (G_OBJECT (view), "cm-sorted");
}

/* The sort model does not watch its items: after they were refilled in
 * place, a sorted view sorts again. */
void
cm_columns_resort (GtkColumnView *view)
{
  GtkSortListModel *sorted = g_object_get_data (G_OBJECT (view), "cm-sorted");
  g_autoptr(GtkSorter) sorter = NULL;

  if (sorted == NULL || gtk_sort_list_model_get_sorter (sorted) == NULL ||
      gtk_sorter_get_order (gtk_sort_list_model_get_sorter (sorted)) == GTK_SORTER_ORDER_NONE)
    return;

  sorter = g_object_ref (gtk_sort_list_model_get_sorter (sorted));
  gtk_sorter_changed (sorter, GTK_SORTER_CHANGE_DIFFERENT);
}

/* GTK 4.8 has no tooltip for a column header: the title widget it made for
 * the column gets one. */
static GtkWidget *
find_header (GtkWidget  *widget,
             const char *title)
{
  if (g_str_equal (G_OBJECT_TYPE_NAME (widget), "GtkColumnViewTitle"))
    {
      GtkWidget *label = widget;

      while (label != NULL && !GTK_IS_LABEL (label))
        label = gtk_widget_get_first_child (label);
      if (label != NULL && g_strcmp0 (gtk_label_get_text (GTK_LABEL (label)), title) == 0)
        return widget;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_header (child, title);

      if (found != NULL)
        return found;
    }

  return NULL;
}

void
cm_columns_set_header_tooltip (GtkColumnView       *view,
                               GtkColumnViewColumn *column,
                               const char          *tooltip)
{
  GtkWidget *header = find_header (GTK_WIDGET (view), gtk_column_view_column_get_title (column));

  if (header != NULL)
    gtk_widget_set_tooltip_text (header, tooltip);
}

static void
set_price_setup_cb (GtkSignalListItemFactory *factory,
                    GtkListItem              *item,
                    gpointer                  user_data)
{
  GtkWidget *button = gtk_button_new ();
  GtkWidget *label = gtk_label_new_with_mnemonic (_("_Set Price…"));

  /* A label that can be cut: the column gives way in a narrow window
   * (cm-column-set.c) only while its cells can be narrower than their text. */
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), button);
  gtk_button_set_child (GTK_BUTTON (button), label);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_halign (button, GTK_ALIGN_START);
  gtk_widget_set_tooltip_text (button, _("Give this model's prices: its messages have none"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  gtk_label_get_text (GTK_LABEL (label)), -1);
  gtk_list_item_set_child (item, button);
}

static void
set_price_bind_cb (GtkSignalListItemFactory *factory,
                   GtkListItem              *item,
                   const char               *model_property)
{
  GtkWidget *button = gtk_list_item_get_child (item);
  GObject *row = gtk_list_item_get_item (item);
  g_autofree char *model = NULL;
  gboolean total = FALSE;
  gint64 unpriced = 0;

  g_object_get (row, model_property, &model, "total", &total, "unpriced", &unpriced, NULL);
  gtk_widget_set_visible (button, !total && unpriced > 0 && model != NULL && *model != '\0');
  if (model != NULL)
    gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", model);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), model != NULL ? "win.set-price" : NULL);
}

GtkColumnViewColumn *
cm_columns_add_set_price (GtkColumnView *view,
                          const char    *model_property)
{
  GtkListItemFactory *factory = gtk_signal_list_item_factory_new ();
  GtkColumnViewColumn *column;

  g_signal_connect_data (factory, "setup", G_CALLBACK (set_price_setup_cb), NULL, NULL, 0);
  g_signal_connect_data (factory, "bind", G_CALLBACK (set_price_bind_cb), g_strdup (model_property),
                         (GClosureNotify) (void (*) (void)) g_free, 0);
  column = gtk_column_view_column_new (_("Price"), factory);
  /* Counted as wide as a money column by cm-column-set.c (the button's
   * label takes about as much). */
  g_object_set_data (G_OBJECT (column), "cm-kind", GINT_TO_POINTER (CM_COLUMN_MONEY));
  gtk_column_view_append_column (view, column);
  g_object_unref (column);

  return column;
}
