#!/usr/bin/env python3
# check-potfiles.py: every file with translatable strings is in po/POTFILES.in.
#
# Copyright The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-potfiles.py SOURCE_ROOT
#        check-potfiles.py --self-test
#
# Scans SOURCE_ROOT/src for C files that call _(), N_(), C_() or NC_() and for
# .ui files with translatable="yes", plus the translatable data files in
# SOURCE_ROOT/data, and fails naming every such file that po/POTFILES.in does
# not list. It also fails when POTFILES.in lists a file that does not exist.
# Files in po/POTFILES.skip (optional) are exempt.

import os
import re
import sys

C_MARK = re.compile(r'(?<![A-Za-z0-9_])(?:N_|C_|NC_|_)\s*\(')
UI_MARK = re.compile(r'''translatable\s*=\s*["'](?:yes|true|1)["']''', re.I)
C_COMMENT = re.compile(r'/\*.*?\*/|//[^\n]*', re.S)
DATA_SUFFIXES = ('.desktop.in', '.metainfo.xml.in', '.gschema.xml')


def read_list(path):
    entries = []
    if not os.path.exists(path):
        return entries
    with open(path, encoding='utf-8') as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith('#') or line.startswith('['):
                continue
            entries.append(line)
    return entries


def has_marks(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        text = f.read()
    if path.endswith('.ui'):
        return UI_MARK.search(text) is not None
    return C_MARK.search(C_COMMENT.sub('', text)) is not None


def translatable_files(root):
    found = []
    src = os.path.join(root, 'src')
    for dirpath, dirnames, filenames in os.walk(src):
        dirnames.sort()
        for name in sorted(filenames):
            if not name.endswith(('.c', '.h', '.ui')):
                continue
            path = os.path.join(dirpath, name)
            if has_marks(path):
                found.append(os.path.relpath(path, root))
    data = os.path.join(root, 'data')
    if os.path.isdir(data):
        for name in sorted(os.listdir(data)):
            if name.endswith(DATA_SUFFIXES):
                found.append(os.path.join('data', name))
    return found


def check(root, out=print):
    """Returns the number of problems found in the tree at ROOT."""
    potfiles = read_list(os.path.join(root, 'po', 'POTFILES.in'))
    skip = set(read_list(os.path.join(root, 'po', 'POTFILES.skip')))
    listed = set(potfiles)
    problems = 0

    for entry in potfiles:
        if not os.path.isfile(os.path.join(root, entry)):
            out(f'FAIL: po/POTFILES.in lists {entry}, which does not exist')
            problems += 1

    found = translatable_files(root)
    for path in found:
        if path in listed:
            out(f'ok: {path}')
        elif path in skip:
            out(f'ok: {path} (in POTFILES.skip)')
        else:
            out(f'FAIL: {path} has translatable strings but is not in po/POTFILES.in')
            problems += 1

    out(f'{len(found)} file(s) with translatable strings, {len(potfiles)} listed, '
        f'{problems} problem(s)')
    return problems


def self_test():
    """Runs the checker on a made-up tree, so a checker that passes
    everything cannot go unnoticed."""
    import tempfile
    files = {
        'src/ui/listed.c': 'label = _("Listed");\n',
        'src/ui/unlisted.c': 'label = N_("Not listed");\n',
        'src/ui/context.c': 'label = C_("menu", "Quit");\n',
        'src/ui/unlisted.ui': '<property name="label" translatable="yes">Hi</property>\n',
        'src/ui/plain.ui': '<property name="label">No</property>\n',
        'src/core/comment-only.c': '/* _("in a comment") */ x = foo_(1);\n',
        'src/core/skipped.c': 'y = _("skip me");\n',
        'po/POTFILES.in': '# comment\nsrc/ui/listed.c\nsrc/ui/gone.c\n',
        'po/POTFILES.skip': 'src/core/skipped.c\n',
    }
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
        lines = []
        problems = check(root, lines.append)
    expected = {
        'FAIL: po/POTFILES.in lists src/ui/gone.c, which does not exist',
        'FAIL: src/ui/context.c has translatable strings but is not in po/POTFILES.in',
        'FAIL: src/ui/unlisted.c has translatable strings but is not in po/POTFILES.in',
        'FAIL: src/ui/unlisted.ui has translatable strings but is not in po/POTFILES.in',
    }
    fails = {line for line in lines if line.startswith('FAIL')}
    print('\n'.join(lines))
    if fails != expected or problems != len(expected):
        print('self-test FAILED: expected exactly:\n  ' + '\n  '.join(sorted(expected)))
        return 1
    print(f'self-test passed: {problems} planted problems found, no false alarms')
    return 0


def main():
    if len(sys.argv) == 2 and sys.argv[1] == '--self-test':
        return self_test()
    if len(sys.argv) != 2:
        print('usage: check-potfiles.py SOURCE_ROOT | --self-test')
        return 2
    return 1 if check(sys.argv[1]) else 0


if __name__ == '__main__':
    sys.exit(main())
