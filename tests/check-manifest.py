#!/usr/bin/env python3
# check-manifest.py: sanity checks for the Flatpak manifest.
#
# Copyright The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-manifest.py [--self-test] MANIFEST [MESON_OPTIONS_FILE]
#
# flatpak-builder is not available in CI, so this checks what can go wrong
# without it: the file parses as JSON, names the app id and command, uses the
# GNOME runtime at a pinned version, grants exactly the reviewed permissions,
# and every module can be built (name, sources, known options).

import json
import os
import re
import sys

APP_ID = 'com.example.CostMeter'
COMMAND = 'costmeter'
RUNTIME = 'org.gnome.Platform'
SDK = 'org.gnome.Sdk'

# The reviewed permission set (README "Packaging" says why each is there).
# Notifications, secrets and user-chosen folders go through portals and need
# nothing here.
FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=wayland',
    '--socket=fallback-x11',
    '--device=dri',
    '--filesystem=~/.claude:ro',
    '--filesystem=~/.claude.json:ro',
    '--filesystem=~/.config/claude:ro',
    '--talk-name=org.kde.StatusNotifierWatcher',
}

# Source types flatpak-builder knows, and what each must carry.
SOURCE_KEYS = {
    'archive': ('url', 'sha256'),
    'file': ('url', 'sha256'),
    'git': ('url',),
    'dir': ('path',),
    'patch': ('path',),
    'script': ('commands',),
    'shell': ('commands',),
}

errors = []


def fail(msg):
    errors.append(msg)
    print('FAIL: ' + msg)


def ok(msg):
    print('ok: ' + msg)


def meson_option_names(path):
    names = set()
    if not path or not os.path.exists(path):
        return None
    with open(path, encoding='utf-8') as f:
        for m in re.finditer(r"option\s*\(\s*'([^']+)'", f.read()):
            names.add(m.group(1))
    return names


def check_source(where, src, base_dir):
    if not isinstance(src, dict):
        fail(f'{where}: a source must be an object, got {src!r}')
        return
    stype = src.get('type')
    if stype not in SOURCE_KEYS:
        fail(f'{where}: unknown source type {stype!r}')
        return
    for key in SOURCE_KEYS[stype]:
        if not src.get(key):
            fail(f'{where}: {stype} source lacks {key!r}')
    if stype == 'git' and not (src.get('commit') or src.get('tag')):
        fail(f'{where}: git source must pin a commit or tag')
    if stype in ('dir', 'patch') and src.get('path'):
        path = os.path.join(base_dir, src['path'])
        if not os.path.exists(path):
            fail(f'{where}: {stype} path {src["path"]!r} does not exist')
    ok(f'{where}: {stype} source')


def check_modules(modules, base_dir, options, prefix='modules'):
    names = []
    if not isinstance(modules, list) or not modules:
        fail(f'{prefix}: must be a non-empty list')
        return names
    for i, mod in enumerate(modules):
        where = f'{prefix}[{i}]'
        if isinstance(mod, str):
            # A module may live in its own JSON file.
            path = os.path.join(base_dir, mod)
            try:
                with open(path, encoding='utf-8') as f:
                    mod = json.load(f)
            except (OSError, ValueError) as e:
                fail(f'{where}: cannot read module file {path}: {e}')
                continue
        if not isinstance(mod, dict):
            fail(f'{where}: a module must be an object')
            continue
        name = mod.get('name')
        if not name:
            fail(f'{where}: module has no name')
            name = where
        names.append(name)
        sources = mod.get('sources')
        if not isinstance(sources, list) or not sources:
            fail(f'module {name}: no sources')
        else:
            for j, src in enumerate(sources):
                check_source(f'module {name} source[{j}]', src, base_dir)
        if 'modules' in mod:
            names += check_modules(mod['modules'], base_dir, options,
                                   f'module {name} modules')
        if name == COMMAND:
            if mod.get('buildsystem') != 'meson':
                fail(f'module {name}: buildsystem must be meson')
            opts = mod.get('config-opts', [])
            if '-Dfuzzing=false' not in opts:
                fail(f'module {name}: config-opts must contain -Dfuzzing=false')
            for opt in opts:
                m = re.match(r'-D([A-Za-z0-9_-]+)=', opt)
                if m and options is not None and m.group(1) not in options \
                        and m.group(1) not in ('buildtype', 'prefix', 'b_lto'):
                    fail(f'module {name}: unknown meson option {opt}')
        ok(f'module {name}')
    return names


def check_manifest(manifest, base_dir, options):
    """Checks a parsed manifest; returns the list of problems."""
    del errors[:]

    app_id = manifest.get('id', manifest.get('app-id'))
    if app_id != APP_ID:
        fail(f'app id is {app_id!r}, expected {APP_ID!r}')
    else:
        ok(f'app id {app_id}')

    if manifest.get('command') != COMMAND:
        fail(f'command is {manifest.get("command")!r}, expected {COMMAND!r}')
    else:
        ok(f'command {COMMAND}')

    version = manifest.get('runtime-version')
    if manifest.get('runtime') != RUNTIME:
        fail(f'runtime is {manifest.get("runtime")!r}, expected {RUNTIME!r}')
    elif not isinstance(version, str) or not re.fullmatch(r'\d+(\.\d+)?', version):
        fail(f'runtime-version {version!r} is not a pinned release number')
    else:
        ok(f'runtime {RUNTIME}//{version}')

    if manifest.get('sdk') != SDK:
        fail(f'sdk is {manifest.get("sdk")!r}, expected {SDK!r}')
    else:
        ok(f'sdk {SDK}')

    args = manifest.get('finish-args', [])
    if len(args) != len(set(args)):
        fail('finish-args has duplicates')
    extra = sorted(set(args) - FINISH_ARGS)
    missing = sorted(FINISH_ARGS - set(args))
    if extra:
        fail('finish-args grants more than the reviewed set: ' + ' '.join(extra))
    if missing:
        fail('finish-args lacks: ' + ' '.join(missing))
    if not extra and not missing:
        ok('finish-args are exactly: ' + ' '.join(args))

    names = check_modules(manifest.get('modules'), base_dir, options)
    if names:
        if names[-1] != COMMAND:
            fail(f'the app module {COMMAND!r} must be the last module, got {names[-1]!r}')
        if len(names) != len(set(names)):
            fail('module names are not unique')
        print('modules: ' + ', '.join(names))
    return list(errors)


def self_test(manifest, base_dir, options):
    """Plants one defect at a time in a copy of the real manifest and expects
    the checker to name it, so a checker that passes everything is caught."""
    import copy

    def app_module(m):
        return m['modules'][-1]

    cases = [
        ('app id', lambda m: m.update({'id': 'org.example.Other'}), 'app id'),
        ('command', lambda m: m.update({'command': 'sh'}), 'command'),
        ('runtime', lambda m: m.update({'runtime': 'org.freedesktop.Platform'}), 'runtime'),
        ('unpinned runtime', lambda m: m.update({'runtime-version': 'master'}),
         'runtime-version'),
        ('sdk', lambda m: m.pop('sdk'), 'sdk'),
        ('extra permission', lambda m: m['finish-args'].append('--filesystem=home'),
         'more than the reviewed set'),
        ('missing permission', lambda m: m['finish-args'].remove('--share=network'),
         'lacks'),
        ('module without sources', lambda m: app_module(m).pop('sources'), 'no sources'),
        ('module without name', lambda m: app_module(m).pop('name'), 'no name'),
        ('unknown option', lambda m: app_module(m)['config-opts'].append('-Dnope=true'),
         'unknown meson option'),
        ('unpinned git module',
         lambda m: m['modules'].insert(0, {'name': 'dep', 'sources': [
             {'type': 'git', 'url': 'https://example.com/dep.git'}]}),
         'pin a commit'),
        ('archive without checksum',
         lambda m: m['modules'].insert(0, {'name': 'dep', 'sources': [
             {'type': 'archive', 'url': 'https://example.com/dep.tar.xz'}]}),
         'sha256'),
    ]
    failed = 0
    for label, mutate, needle in cases:
        bad = copy.deepcopy(manifest)
        mutate(bad)
        print(f'--- planted: {label}')
        problems = check_manifest(bad, base_dir, options)
        if any(needle in p for p in problems):
            print(f'self-test ok: {label} caught')
        else:
            print(f'self-test FAILED: {label} not caught (wanted {needle!r})')
            failed += 1
    print('--- the real manifest')
    if check_manifest(manifest, base_dir, options):
        failed += 1
    print(f'self-test: {len(cases) - failed} of {len(cases)} planted defects caught'
          if failed == 0 else f'self-test: {failed} failure(s)')
    return 1 if failed else 0


def main():
    argv = sys.argv[1:]
    selftest = '--self-test' in argv
    argv = [a for a in argv if a != '--self-test']
    if not argv:
        print('usage: check-manifest.py [--self-test] MANIFEST [MESON_OPTIONS]')
        return 2
    path = argv[0]
    options = meson_option_names(argv[1] if len(argv) > 1 else None)
    base_dir = os.path.dirname(os.path.abspath(path))
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print(f'FAIL: {path} does not parse as JSON: {e}')
        return 1
    print(f'ok: {os.path.basename(path)} parses as JSON')
    if selftest:
        return self_test(manifest, base_dir, options)
    if check_manifest(manifest, base_dir, options):
        print(f'{len(errors)} problem(s) in {path}')
        return 1
    print(f'{path}: all checks passed')
    return 0


if __name__ == '__main__':
    sys.exit(main())
