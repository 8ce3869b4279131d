#!/usr/bin/env python3
"""Fails unless a catalog translates every message of the template.

  check-po-complete.py LANG.po POT

When the template has been generated (meson compile costmeter-pot; it is not
kept in git) the .po is merged with it first, so a string added to the code
and not yet translated counts as missing; otherwise the .po is checked as it is.
"""
import os
import subprocess
import sys
import tempfile

po, pot = sys.argv[1], sys.argv[2]
with tempfile.NamedTemporaryFile(suffix=".po") as merged:
    target = po
    if os.path.exists(pot):
        subprocess.run(["msgmerge", "--quiet", "--no-fuzzy-matching", "-o", merged.name, po, pot],
                       check=True)
        target = merged.name
    stats = subprocess.run(["msgfmt", "--statistics", "-o", "/dev/null", target],
                           capture_output=True, text=True, check=True).stderr.strip()
print(f"{po}: {stats}")
if "untranslated" in stats or "fuzzy" in stats:
    print("incomplete: translate the missing messages (meson compile costmeter-update-po)")
    sys.exit(1)
