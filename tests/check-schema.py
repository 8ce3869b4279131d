#!/usr/bin/env python3
# check-schema.py: the GSettings schema matches the app-wide contract.
#
# Copyright The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: check-schema.py SCHEMA_XML COMPILED_SCHEMA_DIR
#
# The keys below are the contract in APP-CONTRACTS.md that the UI, tray and
# rate-limit code read: a renamed key or a changed type or default breaks them
# at run time, not at build time. This checks the source XML (every key has a
# summary and a description, the gettext domain is set) and then reads the
# compiled schema back through `gsettings` with the memory backend, so the
# defaults are what GLib really sees.

import os
import subprocess
import sys
import xml.etree.ElementTree as ET

SCHEMA_ID = 'com.example.CostMeter'
SCHEMA_PATH = '/com/example/CostMeter/'
DOMAIN = 'costmeter'

# key: (type, default as `gsettings get` prints it)
CONTRACT = {
    'timezone': ('s', "''"),
    'currency-decimals': ('i', '2'),
    'date-range': ('s', "'last-30-days'"),
    'date-since': ('s', "''"),
    'date-until': ('s', "''"),
    'chart-stack': ('s', "'backend'"),
    'live-updates': ('b', 'true'),
    'api-base-url': ('s', "'https://api.anthropic.com'"),
    'probe-model': ('s', "'claude-haiku-4-5'"),
    'probe-interval': ('u', 'uint32 0'),
    'billing-enabled': ('b', 'false'),
    'billing-interval': ('u', 'uint32 60'),
    'budget-daily': ('d', '0.0'),
    'budget-monthly': ('d', '0.0'),
    'budget-notified': ('s', "''"),
    'plan-notified': ('s', "''"),
    'tray-enabled': ('b', 'true'),
    'run-in-background': ('b', 'false'),
    'window-width': ('i', '1000'),
    'window-height': ('i', '720'),
    'window-maximized': ('b', 'false'),
    'team-connection': ('s', "''"),
    'team-push-after-scan': ('b', 'false'),
    'team-view': ('b', 'false'),
    'identity-name': ('s', "''"),
    'identity-email': ('s', "''"),
}
CHOICES = {
    'date-range': ['today', 'last-7-days', 'last-30-days', 'this-month', 'last-month',
                   'all', 'custom'],
    'chart-stack': ['backend', 'model'],
}
RANGES = {
    'currency-decimals': ('0', '6'),
    'billing-interval': ('15', '1440'),
}

problems = []


def fail(msg):
    problems.append(msg)
    print('FAIL: ' + msg)


def check_xml(path):
    before = len(problems)
    root = ET.parse(path).getroot()
    if root.get('gettext-domain') != DOMAIN:
        fail(f'schemalist gettext-domain is {root.get("gettext-domain")!r}, want {DOMAIN!r}')
    schema = root.find(f"schema[@id='{SCHEMA_ID}']")
    if schema is None:
        fail(f'no schema with id {SCHEMA_ID}')
        return
    if schema.get('path') != SCHEMA_PATH:
        fail(f'schema path is {schema.get("path")!r}, want {SCHEMA_PATH!r}')
    keys = {k.get('name'): k for k in schema.findall('key')}
    for name in sorted(set(keys) - set(CONTRACT)):
        fail(f'key {name} is not in the contract (add it to APP-CONTRACTS.md first)')
    for name, (vtype, _) in CONTRACT.items():
        key = keys.get(name)
        if key is None:
            fail(f'contract key {name} is missing')
            continue
        if key.get('type') != vtype:
            fail(f'key {name} has type {key.get("type")!r}, contract says {vtype!r}')
        for tag in ('summary', 'description'):
            el = key.find(tag)
            if el is None or not (el.text or '').strip():
                fail(f'key {name} has no {tag}')
        if name in CHOICES:
            got = [c.get('value') for c in key.findall('choices/choice')]
            if got != CHOICES[name]:
                fail(f'key {name} choices are {got}, contract says {CHOICES[name]}')
        if name in RANGES:
            rng = key.find('range')
            got = (rng.get('min'), rng.get('max')) if rng is not None else None
            if got != RANGES[name]:
                fail(f'key {name} range is {got}, contract says {RANGES[name]}')
    if len(problems) == before:
        print(f'ok: {len(keys)} keys in {os.path.basename(path)}, each with summary and description')


def check_compiled(schema_dir):
    before = len(problems)
    env = dict(os.environ, GSETTINGS_BACKEND='memory')
    env.pop('GSETTINGS_SCHEMA_DIR', None)

    def gsettings(*args):
        return subprocess.run(['gsettings', '--schemadir', schema_dir] + list(args),
                              env=env, capture_output=True, text=True, check=True).stdout

    listed = set(gsettings('list-keys', SCHEMA_ID).split())
    if listed != set(CONTRACT):
        fail(f'compiled schema keys differ from the contract: '
             f'extra {sorted(listed - set(CONTRACT))}, missing {sorted(set(CONTRACT) - listed)}')
    for name, (_, default) in CONTRACT.items():
        if name not in listed:
            continue
        got = gsettings('get', SCHEMA_ID, name).strip()
        if got != default:
            fail(f'default of {name} is {got}, contract says {default}')
    if len(problems) == before:
        print(f'ok: compiled schema in {schema_dir} has the {len(listed)} contract keys and defaults')


def main():
    if len(sys.argv) != 3:
        print('usage: check-schema.py SCHEMA_XML COMPILED_SCHEMA_DIR')
        return 2
    check_xml(sys.argv[1])
    check_compiled(sys.argv[2])
    if problems:
        print(f'{len(problems)} problem(s)')
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
