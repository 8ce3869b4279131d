/* fuzz-self-test.c
 *
 * Copyright 2026 The CostMeter authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A libFuzzer target that fails on purpose, one way per input in
 * tests/fuzz/self-test/: "crash" aborts, "overflow" reads past a heap block
 * (ASan), "ub" overflows a signed int (UBSan) and "hang" never returns. The
 * fuzz suite runs it on each with the regression runs' options and expects
 * the exit status that fails a meson test, so a crash in a real target
 * cannot pass as a skip (libFuzzer's own status for it is 77) or go unseen.
 */

#include "config.h"

#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static volatile int sink;

static gboolean
input_is (const uint8_t *data,
          size_t         size,
          const char    *word)
{
  return size == strlen (word) && memcmp (data, word, size) == 0;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  if (input_is (data, size, "crash"))
    abort ();

  if (input_is (data, size, "overflow"))
    {
      char *block = g_malloc (size);

      memcpy (block, data, size);
      sink = block[size];
      g_free (block);
    }

  if (input_is (data, size, "ub"))
    {
      volatile int big = INT_MAX;

      sink = big + 1;
    }

  if (input_is (data, size, "hang"))
    while (sink == 0)
      ;

  return 0;
}
