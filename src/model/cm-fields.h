/* cm-fields.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/* Read-only row objects expose many plain struct fields as properties (so
 * column views can sort and bind them). A table of fields installs the
 * properties and reads them, instead of one switch arm per figure. */
typedef enum
{
  CM_FIELD_INT64,
  CM_FIELD_DOUBLE,
  CM_FIELD_STRING,
  CM_FIELD_BOOLEAN,
} CmFieldType;

typedef struct
{
  const char  *name;
  CmFieldType  type;
  gsize        offset; /* into the instance struct */
} CmField;

/* Property ids are the table index + 1. */
void cm_fields_install (GObjectClass  *klass,
                        const CmField *fields,
                        guint          n_fields,
                        GParamSpec   **pspecs);
void cm_fields_get     (gconstpointer  instance,
                        const CmField *fields,
                        guint          n_fields,
                        guint          prop_id,
                        GValue        *value);

G_END_DECLS
