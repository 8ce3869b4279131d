/* cm-types.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#ifdef HAVE_MALLOC_TRIM
#include <malloc.h>
#endif

#include "cm-types.h"

static const char *backend_names[] = { "anthropic", "bedrock", "vertex", "unknown" };

const char *
cm_backend_to_string (CmBackend backend)
{
  g_return_val_if_fail (backend < CM_N_BACKENDS, "unknown");

  return backend_names[backend];
}

/* Not translated here: the core has no gettext domain of its own; the UI maps
 * backends to translated labels. These are the English display names. */
const char *
cm_backend_to_label (CmBackend backend)
{
  switch (backend)
    {
    case CM_BACKEND_ANTHROPIC: return "Anthropic";
    case CM_BACKEND_BEDROCK:   return "Bedrock";
    case CM_BACKEND_VERTEX:    return "Vertex";
    case CM_BACKEND_UNKNOWN:
    case CM_N_BACKENDS:
    default:                   return "Not yet classified";
    }
}

gboolean
cm_backend_from_string (const char *str,
                        CmBackend  *backend)
{
  if (str == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (backend_names); i++)
    {
      if (g_ascii_strcasecmp (str, backend_names[i]) == 0)
        {
          *backend = i;
          return TRUE;
        }
    }

  /* Accept the spelling people use for the direct API. */
  if (g_ascii_strcasecmp (str, "direct") == 0)
    {
      *backend = CM_BACKEND_ANTHROPIC;
      return TRUE;
    }

  return FALSE;
}

static gboolean
is_bedrock_model (const char *model)
{
  /* [region.]anthropic.claude-...-v1:0 and ARNs of inference profiles. */
  if (g_str_has_prefix (model, "arn:aws:bedrock:"))
    return TRUE;

  const char *p = strstr (model, "anthropic.claude-");
  if (p == NULL)
    return FALSE;

  /* Only a region prefix ("us.", "global.") may stand before "anthropic.". */
  for (const char *q = model; q < p; q++)
    {
      if (!g_ascii_isalpha (*q) && *q != '.' && *q != '-')
        return FALSE;
    }

  return TRUE;
}

static gboolean
is_vertex_model (const char *model)
{
  return g_str_has_prefix (model, "claude-") && strchr (model, '@') != NULL;
}

CmBackend
cm_backend_detect (const char *message_id,
                   const char *model_raw)
{
  const char *model = model_raw != NULL ? model_raw : "";
  const char *id = message_id != NULL ? message_id : "";

  if (g_str_has_prefix (id, "msg_bdrk_") || is_bedrock_model (model))
    return CM_BACKEND_BEDROCK;

  if (g_str_has_prefix (id, "msg_vrtx_") || is_vertex_model (model))
    return CM_BACKEND_VERTEX;

  if (g_str_has_prefix (id, "msg_") && g_str_has_prefix (model, "claude-"))
    return CM_BACKEND_ANTHROPIC;

  return CM_BACKEND_UNKNOWN;
}

double
cm_money_to_usd (CmMoney money)
{
  return (double) money / (double) CM_MONEY_PER_USD;
}

/* Rounds half away from zero to @decimals places, in integers. */
char *
cm_money_format_usd (CmMoney money,
                     int     decimals)
{
  gboolean negative = money < 0;
  guint64 v = negative ? (guint64) (-(money + 1)) + 1 : (guint64) money;
  guint64 scale = 1;

  decimals = CLAMP (decimals, 0, 10);
  for (int i = 0; i < 10 - decimals; i++)
    scale *= 10;

  v = (v + scale / 2) / scale;

  guint64 div = 1;
  for (int i = 0; i < decimals; i++)
    div *= 10;

  if (decimals == 0)
    return g_strdup_printf ("%s%" G_GUINT64_FORMAT, negative ? "-" : "", v);

  return g_strdup_printf ("%s%" G_GUINT64_FORMAT ".%0*" G_GUINT64_FORMAT,
                          negative ? "-" : "", v / div, decimals, v % div);
}

void
cm_release_free_memory (void)
{
#ifdef HAVE_MALLOC_TRIM
  /* glibc keeps freed blocks of a long scan for reuse; a window that then
   * sits idle for hours should not hold them. */
  malloc_trim (0);
#endif
}

static gboolean
looks_like_number (const char *value)
{
  char *end = NULL;

  if (!g_ascii_isdigit (value[1]) && value[1] != '.')
    return FALSE;
  g_ascii_strtod (value, &end);

  return end != NULL && *end == '\0';
}

void
cm_csv_append_field (GString    *line,
                     const char *value,
                     gboolean    separator)
{
  gboolean formula;

  if (separator)
    g_string_append_c (line, ',');
  if (value == NULL)
    return;

  formula = strchr ("=+-@\t\r", value[0]) != NULL && value[0] != '\0' && !looks_like_number (value);
  if (!formula && strpbrk (value, ",\"\n\r") == NULL)
    {
      g_string_append (line, value);
      return;
    }

  g_string_append_c (line, '"');
  if (formula)
    g_string_append_c (line, '\'');
  for (const char *p = value; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (line, '"');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}
