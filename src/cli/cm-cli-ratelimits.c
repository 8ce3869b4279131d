/* cm-cli-ratelimits.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>

#include "cm-cli.h"

/* Lists the newest stored observation per model and limit. */
int
cm_cli_ratelimits (CmStore  *store,
                   int       argc,
                   char    **argv)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = cm_store_list_ratelimit_observations (store, &error);

  if (rows == NULL)
    {
      fprintf (stderr, "costmeter-cli: %s\n", error->message);
      return 1;
    }

  if (rows->len == 0)
    {
      puts ("No rate-limit observations yet.");
      return 0;
    }

  for (guint i = 0; i < rows->len; i++)
    {
      CmRateLimitObservation *obs = g_ptr_array_index (rows, i);

      printf ("%s\t%s\t%" G_GINT64_FORMAT "/%" G_GINT64_FORMAT "\n", obs->model, obs->kind,
              obs->remaining, obs->limit);
    }

  return 0;
}
