/* test-types.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "cm-types.h"

static void
test_backend_detect (void)
{
  g_assert_cmpint (cm_backend_detect ("msg_bdrk_01abc", "claude-sonnet-4-5-20250929"), ==, CM_BACKEND_BEDROCK);
  g_assert_cmpint (cm_backend_detect ("msg_01abc", "us.anthropic.claude-sonnet-4-5-20250929-v1:0"), ==, CM_BACKEND_BEDROCK);
  g_assert_cmpint (cm_backend_detect (NULL, "arn:aws:bedrock:us-east-1:1:application-inference-profile/x"), ==, CM_BACKEND_BEDROCK);
  g_assert_cmpint (cm_backend_detect ("msg_vrtx_01abc", "claude-opus-4-6"), ==, CM_BACKEND_VERTEX);
  g_assert_cmpint (cm_backend_detect ("msg_01abc", "claude-sonnet-4-5@20250929"), ==, CM_BACKEND_VERTEX);
  g_assert_cmpint (cm_backend_detect ("msg_01abc", "claude-opus-4-6"), ==, CM_BACKEND_ANTHROPIC);
  g_assert_cmpint (cm_backend_detect ("gen-abc", "glm-4.6"), ==, CM_BACKEND_UNKNOWN);
  g_assert_cmpint (cm_backend_detect ("msg_01abc", "glm-4.6"), ==, CM_BACKEND_UNKNOWN);
  g_assert_cmpint (cm_backend_detect ("gen-abc", "claude-opus-4-6"), ==, CM_BACKEND_UNKNOWN);
  g_assert_cmpint (cm_backend_detect (NULL, NULL), ==, CM_BACKEND_UNKNOWN);
}

static void
test_backend_strings (void)
{
  CmBackend b;

  for (CmBackend i = 0; i < CM_N_BACKENDS; i++)
    {
      g_assert_true (cm_backend_from_string (cm_backend_to_string (i), &b));
      g_assert_cmpint (b, ==, i);
    }
  g_assert_false (cm_backend_from_string ("azure", &b));
  g_assert_false (cm_backend_from_string (NULL, &b));
}

static void
test_money_format (void)
{
  struct { CmMoney m; int d; const char *s; } cases[] = {
    { 0, 2, "0.00" },
    { CM_MONEY_PER_USD, 2, "1.00" },
    { 12345678900, 2, "1.23" },
    { 12350000000, 2, "1.24" },  /* half rounds away from zero */
    { -12350000000, 2, "-1.24" },
    { 1, 10, "0.0000000001" },
    { 639553477600, 6, "63.955348" },
    { G_MAXINT64, 0, "922337204" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *s = cm_money_format_usd (cases[i].m, cases[i].d);
      g_assert_cmpstr (s, ==, cases[i].s);
    }
}

/* Issue 15: cells from transcripts (projects, models) that start with =, +,
 * -, @ reached spreadsheets as formulas. */
static void
test_csv_guard (void)
{
  struct { const char *in, *out; } cases[] = {
    { "plain", "plain" },
    { "a,b", "\"a,b\"" },
    { "say \"hi\"", "\"say \"\"hi\"\"\"" },
    { "=HYPERLINK(\"http://evil\")", "\"'=HYPERLINK(\"\"http://evil\"\")\"" },
    { "+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\"" },
    { "-2+3", "\"'-2+3\"" },
    { "@SUM(A1)", "\"'@SUM(A1)\"" },
    { "\tx", "\"'\tx\"" },
    { "-18.60", "-18.60" },
    { "+4", "+4" },
    { "-1e-3", "-1e-3" },
    { "-", "\"'-\"" },
    { "", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GString) line = g_string_new (NULL);

      cm_csv_append_field (line, cases[i].in, FALSE);
      g_assert_cmpstr (line->str, ==, cases[i].out);
    }
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/core/types/backend-detect", test_backend_detect);
  g_test_add_func ("/core/types/backend-strings", test_backend_strings);
  g_test_add_func ("/core/types/money-format", test_money_format);
  g_test_add_func ("/core/types/csv-guard", test_csv_guard);
  return g_test_run ();
}
