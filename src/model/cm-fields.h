/* cm-fields.h
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "cm-query.h"

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
  CM_FIELD_TOTALS,  /* a CmTotals member: every figure of it (see below) */
} CmFieldType;

typedef struct
{
  const char  *name;
  CmFieldType  type;
  gsize        offset; /* into the instance struct */
} CmField;

/* The last entry of a table that carries a CmTotals @member: it stands for
 * every figure of the totals under the same names in every row class
 * ("input" ... "last-ms", the "cost-*" parts) and the derived "tokens",
 * "cache-hit-ratio" (NAN without input: undefined; below 0 when sorted)
 * and "has-estimate". */
#define CM_FIELDS_TOTALS(Type, member) { NULL, CM_FIELD_TOTALS, G_STRUCT_OFFSET (Type, member) }

/* How many properties a CM_FIELDS_TOTALS entry installs. */
#define CM_FIELDS_N_TOTALS 21

/* How many GParamSpec slots a table of @n_fields needs (index 0 unused). */
#define CM_FIELDS_N_PSPECS(n_fields) ((n_fields) + CM_FIELDS_N_TOTALS)

/* Property ids are the table index + 1; a CM_FIELDS_TOTALS entry, last,
 * takes the ids from its index + 1 on. */
void cm_fields_install (GObjectClass  *klass,
                        const CmField *fields,
                        guint          n_fields,
                        GParamSpec   **pspecs);
void cm_fields_get     (gconstpointer  instance,
                        const CmField *fields,
                        guint          n_fields,
                        guint          prop_id,
                        GValue        *value);

/* A field of a row class found by its property name: sorting tens of
 * thousands of rows compares the struct members, not GValues. */
typedef struct
{
  const CmField *field;   /* of the class's table, or of the totals */
  gsize          base;    /* where the struct @field->offset is into starts */
  int            derived; /* -1, or which figure derived from the totals */
} CmFieldRef;

gboolean cm_fields_lookup  (GType             type,
                            const char       *name,
                            CmFieldRef       *ref);
/* strcmp () order for strings, FALSE before TRUE. */
int      cm_fields_compare (gconstpointer     a,
                            gconstpointer     b,
                            const CmFieldRef *ref);

G_END_DECLS
