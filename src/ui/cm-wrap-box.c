/* cm-wrap-box.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-wrap-box.h"

struct _CmWrapBox
{
  GtkWidget parent_instance;

  int       spacing;     /* between children and between lines */
  guint     n_lines;
};

static void cm_wrap_box_buildable_init (GtkBuildableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CmWrapBox, cm_wrap_box, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (GTK_TYPE_BUILDABLE, cm_wrap_box_buildable_init))

enum {
  PROP_0,
  PROP_SPACING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef struct
{
  GtkWidget *widget;
  int        min;
  int        nat;
  int        line;
} Child;

/* The visible children with their widths, each given its line for @width
 * (< 0: as wide as they like). Returns the number of lines. */
static guint
lay_out (CmWrapBox *self,
         int        width,
         GArray    *children)
{
  int total = 0, used = 0;
  guint line = 0;

  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (self)); w != NULL;
       w = gtk_widget_get_next_sibling (w))
    {
      Child c = { w, 0, 0, 0 };

      if (!gtk_widget_should_layout (w))
        continue;
      gtk_widget_measure (w, GTK_ORIENTATION_HORIZONTAL, -1, &c.min, &c.nat, NULL, NULL);
      total += c.nat + (children->len > 0 ? self->spacing : 0);
      g_array_append_val (children, c);
    }

  if (children->len == 0)
    return 0;
  if (width < 0 || total <= width)
    return 1;

  /* The first alone; the others as many to a line as fit. */
  for (guint i = 1; i < children->len; i++)
    {
      Child *c = &g_array_index (children, Child, i);

      if (i == 1 || (used > 0 && used + self->spacing + c->nat > width))
        {
          line++;
          used = 0;
        }
      used += (used > 0 ? self->spacing : 0) + c->nat;
      c->line = line;
    }

  return line + 1;
}

static int
line_height (GArray *children,
             guint   line)
{
  int height = 0;

  for (guint i = 0; i < children->len; i++)
    {
      Child *c = &g_array_index (children, Child, i);
      int min = 0, nat = 0;

      if (c->line != (int) line)
        continue;
      gtk_widget_measure (c->widget, GTK_ORIENTATION_VERTICAL, -1, &min, &nat, NULL, NULL);
      height = MAX (height, nat);
    }

  return height;
}

static void
cm_wrap_box_measure (GtkWidget      *widget,
                     GtkOrientation  orientation,
                     int             for_size,
                     int            *minimum,
                     int            *natural,
                     int            *minimum_baseline,
                     int            *natural_baseline)
{
  CmWrapBox *self = CM_WRAP_BOX (widget);
  g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (Child));
  guint n_lines = lay_out (self, orientation == GTK_ORIENTATION_VERTICAL ? for_size : -1, children);

  *minimum = *natural = 0;

  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      /* As narrow as the widest child; naturally all on one line. */
      for (guint i = 0; i < children->len; i++)
        {
          Child *c = &g_array_index (children, Child, i);

          *minimum = MAX (*minimum, c->min);
          *natural += c->nat + (i > 0 ? self->spacing : 0);
        }
      return;
    }

  for (guint line = 0; line < n_lines; line++)
    *minimum += line_height (children, line) + (line > 0 ? self->spacing : 0);
  *natural = *minimum;
}

static GtkSizeRequestMode
cm_wrap_box_get_request_mode (GtkWidget *widget)
{
  return GTK_SIZE_REQUEST_HEIGHT_FOR_WIDTH;
}

/* One line: natural widths, what is left shared by the children that
 * expand, or taken from all down to their minimum when it is short. */
static void
allocate_line (CmWrapBox *self,
               GArray    *children,
               guint      line,
               int        width,
               int        y,
               int        height)
{
  gboolean rtl = gtk_widget_get_direction (GTK_WIDGET (self)) == GTK_TEXT_DIR_RTL;
  int total = 0, n = 0, n_expand = 0, x = 0, extra;

  for (guint i = 0; i < children->len; i++)
    {
      Child *c = &g_array_index (children, Child, i);

      if (c->line != (int) line)
        continue;
      total += c->nat + (n > 0 ? self->spacing : 0);
      n++;
      n_expand += gtk_widget_compute_expand (c->widget, GTK_ORIENTATION_HORIZONTAL);
    }

  extra = width - total;
  for (guint i = 0; i < children->len; i++)
    {
      Child *c = &g_array_index (children, Child, i);
      int w = c->nat;

      if (c->line != (int) line)
        continue;
      if (extra > 0 && gtk_widget_compute_expand (c->widget, GTK_ORIENTATION_HORIZONTAL))
        w += extra / n_expand;
      else if (extra < 0)
        w = MAX (c->min, w + extra / n);

      gtk_widget_size_allocate (c->widget,
                                &(GtkAllocation) { rtl ? width - x - w : x, y, w, height }, -1);
      x += w + self->spacing;
    }
}

static void
cm_wrap_box_size_allocate (GtkWidget *widget,
                           int        width,
                           int        height,
                           int        baseline)
{
  CmWrapBox *self = CM_WRAP_BOX (widget);
  g_autoptr(GArray) children = g_array_new (FALSE, FALSE, sizeof (Child));
  int y = 0;

  self->n_lines = lay_out (self, width, children);
  for (guint line = 0; line < self->n_lines; line++)
    {
      int h = line_height (children, line);

      allocate_line (self, children, line, width, y, h);
      y += h + self->spacing;
    }
}

static void
cm_wrap_box_add_child (GtkBuildable *buildable,
                       GtkBuilder   *builder,
                       GObject      *child,
                       const char   *type)
{
  if (GTK_IS_WIDGET (child))
    cm_wrap_box_append (CM_WRAP_BOX (buildable), GTK_WIDGET (child));
  else
    g_warning ("CmWrapBox cannot hold a %s", G_OBJECT_TYPE_NAME (child));
}

static void
cm_wrap_box_buildable_init (GtkBuildableIface *iface)
{
  iface->add_child = cm_wrap_box_add_child;
}

static void
cm_wrap_box_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (cm_wrap_box_parent_class)->dispose (object);
}

static void
cm_wrap_box_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CmWrapBox *self = CM_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      g_value_set_int (value, self->spacing);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_wrap_box_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  CmWrapBox *self = CM_WRAP_BOX (object);

  switch (prop_id)
    {
    case PROP_SPACING:
      cm_wrap_box_set_spacing (self, g_value_get_int (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
cm_wrap_box_class_init (CmWrapBoxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = cm_wrap_box_dispose;
  object_class->get_property = cm_wrap_box_get_property;
  object_class->set_property = cm_wrap_box_set_property;

  widget_class->measure = cm_wrap_box_measure;
  widget_class->size_allocate = cm_wrap_box_size_allocate;
  widget_class->get_request_mode = cm_wrap_box_get_request_mode;

  properties[PROP_SPACING] =
    g_param_spec_int ("spacing", NULL, NULL, 0, G_MAXINT, 0,
                      G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_css_name (widget_class, "wrapbox");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
cm_wrap_box_init (CmWrapBox *self)
{
}

GtkWidget *
cm_wrap_box_new (void)
{
  return g_object_new (CM_TYPE_WRAP_BOX, NULL);
}

void
cm_wrap_box_append (CmWrapBox *self,
                    GtkWidget *child)
{
  g_return_if_fail (CM_IS_WRAP_BOX (self));
  g_return_if_fail (GTK_IS_WIDGET (child));

  gtk_widget_insert_before (child, GTK_WIDGET (self), NULL);
}

int
cm_wrap_box_get_spacing (CmWrapBox *self)
{
  g_return_val_if_fail (CM_IS_WRAP_BOX (self), 0);

  return self->spacing;
}

void
cm_wrap_box_set_spacing (CmWrapBox *self,
                         int        spacing)
{
  g_return_if_fail (CM_IS_WRAP_BOX (self));

  if (self->spacing == spacing)
    return;

  self->spacing = spacing;
  gtk_widget_queue_resize (GTK_WIDGET (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPACING]);
}

guint
cm_wrap_box_get_n_lines (CmWrapBox *self)
{
  g_return_val_if_fail (CM_IS_WRAP_BOX (self), 0);

  return self->n_lines;
}
