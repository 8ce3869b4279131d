/* main.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>

#include "cm-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CmApplication) app = NULL;

  /* The text domain is bound by CmApplication. */
  setlocale (LC_ALL, "");

  app = cm_application_new ();

  return g_application_run (G_APPLICATION (app), argc, argv);
}
