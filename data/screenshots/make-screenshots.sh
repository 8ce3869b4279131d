#!/bin/sh
# make-screenshots.sh [BUILD_DIR] [OUT_DIR] [-- cm-screenshots options]
#
# Copyright 2026 The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Screenshots of every view at 360, 1000 and 1600 px, light and dark, of the
# app as `costmeter --demo` opens it on ../shared/fixtures/corpus, made under
# Xvfb with GTK's cairo renderer (the same pixels on every machine) in a
# throw-away home, then made small with pngquant where it is installed. The
# metainfo refers to some of them.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
src=$(cd "$here/../.." && pwd)
build=${1:-$src/_build}
out=${2:-$here}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift

ninja -C "$build" tests/cm-screenshots data/gschemas.compiled >/dev/null

tmp=$(mktemp -d "${TMPDIR:-/tmp}/costmeter-shots.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
mkdir -p "$tmp/home" "$tmp/run"
chmod 700 "$tmp/run"

env -i PATH="$PATH" HOME="$tmp/home" XDG_RUNTIME_DIR="$tmp/run" \
    XDG_CONFIG_HOME="$tmp/home/.config" XDG_DATA_HOME="$tmp/home/.local/share" \
    XDG_CACHE_HOME="$tmp/home/.cache" LANG=C.UTF-8 TZ=UTC \
    GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
    GSK_RENDERER=cairo GTK_A11Y=none NO_AT_BRIDGE=1 \
    DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus" \
    xvfb-run -a -s "-screen 0 1920x1200x24" \
    "$build/tests/cm-screenshots" "$out" "$@"

# Small files for the repository: 256 colours (pngquant, when installed)
# look the same on these flat surfaces at a third of the size.
if command -v pngquant >/dev/null 2>&1; then
    for f in "$out"/*-*-light.png "$out"/*-*-dark.png; do
        [ -e "$f" ] || continue
        pngquant --force --skip-if-larger --strip --quality 70-95 --output "$f" -- "$f" || true
    done
fi
