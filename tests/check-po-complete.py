#!/usr/bin/env python3
# check-po-complete.py: a catalog translates every message of the sources.
#
# Copyright The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-po-complete.py SOURCE_ROOT LANG.po
#        check-po-complete.py --self-test
#
# Builds the template from SOURCE_ROOT/po/POTFILES.in with xgettext, as
# po/meson.build does (i18n preset 'glib'; xgettext picks each file's
# language: C, GtkBuilder .ui, GSettings schema, AppStream metainfo,
# desktop entry), merges LANG.po with it and fails naming every message that
# is untranslated or fuzzy. A string added to the code and not yet translated
# is missing even when nobody has regenerated po/costmeter.pot (it is not kept
# in git), and so is one whose source text changed.

import os
import re
import shutil
import subprocess
import sys
import tempfile

# po/meson.build's preset: meson's i18n 'glib' keywords.
XGETTEXT_ARGS = [
    '--package-name=costmeter', '--from-code=UTF-8', '--add-comments',
    '--keyword=_', '--keyword=N_', '--keyword=C_:1c,2', '--keyword=NC_:1c,2',
    '--keyword=g_dcgettext:2', '--keyword=g_dngettext:2,3', '--keyword=g_dpgettext2:2c,3',
]
TOOLS = ('xgettext', 'msgmerge', 'msgfmt', 'msgattrib')


def po_string(text):
    """A run of "..." strings joined, escapes kept as written."""
    return ''.join(re.findall(r'"((?:[^"\\]|\\.)*)"', text))


def messages(po_text):
    """(msgctxt or None, msgid) of each entry of a catalog, header left out."""
    found = []
    for entry in re.split(r'\n\s*\n', po_text):
        keyword, fields = None, {}
        for line in entry.splitlines():
            if line.startswith('#'):
                continue
            m = re.match(r'(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?)\s+(.*)', line)
            if m:
                keyword = m.group(1)
                fields[keyword] = m.group(2)
            elif keyword is not None and line.startswith('"'):
                fields[keyword] += line
        if 'msgid' in fields:
            msgid = po_string(fields['msgid'])
            if msgid:
                ctxt = po_string(fields['msgctxt']) if 'msgctxt' in fields else None
                found.append((ctxt, msgid))
    return found


def describe(ctxt, msgid):
    return f'"{msgid}"' + (f' (context "{ctxt}")' if ctxt is not None else '')


def check(root, po, out=print):
    """Returns the number of messages of the sources under ROOT that PO does
    not translate (untranslated or fuzzy)."""
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'costmeter.pot')
        merged = os.path.join(tmp, 'merged.po')
        subprocess.run(['xgettext', '-f', os.path.join(root, 'po', 'POTFILES.in'), '-D', root,
                        '-o', pot] + XGETTEXT_ARGS, check=True)
        subprocess.run(['msgmerge', '--quiet', '--no-fuzzy-matching', '-o', merged, po, pot],
                       check=True)
        stats = subprocess.run(['msgfmt', '--statistics', '-o', os.devnull, merged],
                               capture_output=True, text=True, check=True).stderr.strip()
        missing = []
        for flag, what in (('--untranslated', 'untranslated'), ('--only-fuzzy', 'fuzzy')):
            text = subprocess.run(['msgattrib', flag, '--no-obsolete', '--no-wrap', merged],
                                  capture_output=True, text=True, check=True).stdout
            missing += [f'{what}: {describe(*m)}' for m in messages(text)]
    for line in missing:
        out(line)
    out(f'{po}: {stats}')
    # msgfmt's count is the verdict; the list above says which ones.
    problems = len(missing) or int('untranslated' in stats or 'fuzzy' in stats)
    if problems:
        out('incomplete: translate the missing messages (meson compile -C _build '
            'costmeter-pot costmeter-update-po)')
    return problems


HEADER = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\\n"
'''
ENTRIES = {
    'one': 'msgid "One"\nmsgstr "Eins"\n',
    'two': 'msgid "Two"\nmsgstr "Zwei"\n',
    'three': 'msgctxt "menu"\nmsgid "Three"\nmsgstr "Drei"\n',
    'four': 'msgctxt "menu"\nmsgid "Four"\nmsgstr "Vier"\n',
    'five': 'msgctxt "ui"\nmsgid "Five"\nmsgstr "Fünf"\n',
    'six': 'msgid "Six"\nmsgstr "Sechs"\n',
}


def self_test():
    """Runs the checker on a made-up tree with catalogs that lack one string
    each way, so a checker that passes everything cannot go unnoticed."""
    files = {
        'po/POTFILES.in': '# comment\nsrc/a.c\nsrc/b.ui\n',
        'src/a.c': ('a = _("One");\nb = N_("Two");\nc = C_("menu", "Three");\n'
                    'd = NC_("menu", "Four");\n'),
        'src/b.ui': ('<?xml version="1.0" encoding="UTF-8"?>\n<interface>\n'
                     '  <object class="GtkLabel">\n'
                     '    <property name="label" translatable="yes" context="ui">Five</property>\n'
                     '    <property name="tooltip-text" translatable="yes">Six</property>\n'
                     '  </object>\n</interface>\n'),
    }
    # Catalog: what it lacks (None: complete), with the line the checker must print.
    cases = [
        (dict(ENTRIES), None),
        ({k: v for k, v in ENTRIES.items() if k != 'two'}, 'untranslated: "Two"'),
        ({k: v for k, v in ENTRIES.items() if k != 'three'},
         'untranslated: "Three" (context "menu")'),
        (dict(ENTRIES, three='msgid "Three"\nmsgstr "Drei"\n'),
         'untranslated: "Three" (context "menu")'),
        ({k: v for k, v in ENTRIES.items() if k != 'five'}, 'untranslated: "Five" (context "ui")'),
        ({k: v for k, v in ENTRIES.items() if k != 'six'}, 'untranslated: "Six"'),
        (dict(ENTRIES, one='msgid "One"\nmsgstr ""\n'), 'untranslated: "One"'),
        (dict(ENTRIES, four='#, fuzzy\nmsgctxt "menu"\nmsgid "Four"\nmsgstr "Vier"\n'),
         'fuzzy: "Four" (context "menu")'),
    ]
    failures = 0
    with tempfile.TemporaryDirectory() as root:
        for rel, text in files.items():
            path = os.path.join(root, rel)
            os.makedirs(os.path.dirname(path), exist_ok=True)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(text)
        po = os.path.join(root, 'po', 'xx.po')
        for entries, expected in cases:
            with open(po, 'w', encoding='utf-8') as f:
                f.write('\n'.join([HEADER] + list(entries.values())))
            lines = []
            problems = check(root, po, lines.append)
            print('\n'.join('  ' + line for line in lines))
            if expected is None and problems:
                print('self-test FAILED: the complete catalog was rejected')
                failures += 1
            elif expected is not None and (not problems or expected not in lines):
                print(f'self-test FAILED: expected a failure naming: {expected}')
                failures += 1
    if failures:
        return 1
    print(f'self-test passed: {len(cases) - 1} incomplete catalogs caught, the complete one passed')
    return 0


def main():
    missing_tools = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing_tools:
        print(f'{", ".join(missing_tools)} not found')
        return 77
    if len(sys.argv) == 2 and sys.argv[1] == '--self-test':
        return self_test()
    if len(sys.argv) != 3:
        print('usage: check-po-complete.py SOURCE_ROOT LANG.po | --self-test')
        return 2
    return 1 if check(sys.argv[1], sys.argv[2]) else 0


if __name__ == '__main__':
    sys.exit(main())
