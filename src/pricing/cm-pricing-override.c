/* cm-pricing-override.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Writing the user's own prices (Set Price…, `costmeter-cli prices set`)
 * into the override file, leaving whatever else the user wrote there. */

#include "config.h"

#include <errno.h>

#include <glib/gstdio.h>

#include "cm-pricing-private.h"

/* json-glib writes 0.1 as 0.10000000000000001: prices go in as marked
 * strings and come out as the exact decimals they are. */
#define MARK "@cm-units@"

static void
add_units (JsonObject *obj,
           const char *name,
           gint64      units)
{
  g_autofree char *mark = g_strdup_printf (MARK "%" G_GINT64_FORMAT "@", units);

  json_object_set_string_member (obj, name, mark);
}

static gboolean
decimal_cb (const GMatchInfo *info,
            GString          *out,
            gpointer          user_data)
{
  g_autofree char *digits = g_match_info_fetch (info, 1);
  gint64 units = g_ascii_strtoll (digits, NULL, 10);

  g_string_append_printf (out, "%" G_GINT64_FORMAT, units / 10000);
  if (units % 10000 != 0)
    {
      char frac[8];
      int len = 4;

      g_snprintf (frac, sizeof frac, "%04d", (int) (units % 10000));
      while (frac[len - 1] == '0')
        len--;
      g_string_append_printf (out, ".%.*s", len, frac);
    }

  return FALSE;
}

gboolean
cm_pricing_parse_price (const char *text,
                        gint64     *units)
{
  const char *p = text;
  gint64 whole = 0, frac = 0;
  int decimals = 0;

  g_return_val_if_fail (units != NULL, FALSE);

  if (text == NULL || !g_ascii_isdigit (*p))
    return FALSE;
  for (; g_ascii_isdigit (*p); p++)
    {
      whole = whole * 10 + (*p - '0');
      if (whole >= CM_PRICE_MAX_USD)
        return FALSE;
    }
  if (*p == '.')
    for (p++; g_ascii_isdigit (*p); p++, decimals++)
      {
        if (decimals == 4)
          return FALSE;
        frac = frac * 10 + (*p - '0');
      }
  if (*p != '\0' || (p[-1] == '.'))
    return FALSE;
  for (; decimals < 4; decimals++)
    frac *= 10;
  *units = whole * CM_PRICE_UNITS_PER_USD + frac;

  return TRUE;
}

gboolean
cm_rates_fill_cache_defaults (CmRates *rates)
{
  g_return_val_if_fail (rates != NULL && rates->input >= 0, FALSE);

  if ((rates->cache_write_5m < 0 && (rates->input * 125) % 100 != 0) ||
      (rates->cache_read < 0 && rates->input % 10 != 0))
    return FALSE;

  if (rates->cache_write_5m < 0)
    rates->cache_write_5m = rates->input * 125 / 100;
  if (rates->cache_write_1h < 0)
    rates->cache_write_1h = 2 * rates->input;
  if (rates->cache_read < 0)
    rates->cache_read = rates->input / 10;

  return TRUE;
}

static JsonObject *
read_override (const char  *path,
               GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (!json_parser_load_from_file (parser, path, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return json_object_new ();
      g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                  "The price override %s cannot be read: ", path);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, CM_PRICING_ERROR, CM_PRICING_ERROR_INVALID,
                   "The price override %s is not a JSON object", path);
      return NULL;
    }

  return json_object_ref (json_node_get_object (root));
}

static JsonObject *
model_entry (const CmRates *rates,
             gint64         fast)
{
  JsonObject *entry = json_object_new ();

  add_units (entry, "input", rates->input);
  add_units (entry, "output", rates->output);
  add_units (entry, "cache_write_5m", rates->cache_write_5m);
  add_units (entry, "cache_write_1h", rates->cache_write_1h);
  add_units (entry, "cache_read", rates->cache_read);
  if (fast > 0)
    {
      JsonObject *speed = json_object_new ();

      /* Multipliers have the same four decimals as prices. */
      add_units (speed, "fast", fast);
      json_object_set_object_member (entry, "speed", speed);
    }

  return entry;
}

gboolean
cm_pricing_write_override (const char     *path,
                           const char     *canonical,
                           const CmRates  *rates,
                           gint64          fast,
                           GError        **error)
{
  g_autoptr(JsonObject) root = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonGenerator) generator = NULL;
  g_autoptr(GRegex) regex = NULL;
  g_autofree char *text = NULL;
  g_autofree char *json = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *id = NULL;
  JsonObject *models;

  g_return_val_if_fail (path != NULL && canonical != NULL && rates != NULL, FALSE);

  root = read_override (path, error);
  if (root == NULL)
    return FALSE;

  if (!json_object_has_member (root, "models") ||
      !JSON_NODE_HOLDS_OBJECT (json_object_get_member (root, "models")))
    json_object_set_object_member (root, "models", json_object_new ());
  models = json_object_get_object_member (root, "models");
  id = g_ascii_strdown (canonical, -1);
  json_object_set_object_member (models, id, model_entry (rates, fast));

  node = json_node_init_object (json_node_alloc (), root);
  generator = json_generator_new ();
  json_generator_set_pretty (generator, TRUE);
  json_generator_set_root (generator, node);
  text = json_generator_to_data (generator, NULL);
  regex = g_regex_new ("\"" MARK "([0-9]+)@\"", 0, 0, NULL);
  json = g_regex_replace_eval (regex, text, -1, 0, 0, decimal_cb, NULL, NULL);

  dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (errno),
                   "%s cannot be created: %s", dir, g_strerror (errno));
      return FALSE;
    }

  return g_file_set_contents_full (path, json, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}
