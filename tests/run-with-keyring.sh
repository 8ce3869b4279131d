#!/bin/sh
# run-with-keyring.sh
#
# Copyright 2026 The CostMeter authors
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a test program on its own session bus with its own gnome-keyring, in
# a throw-away home, so no test can touch the user's real keyring. When no
# Secret Service can be started, the program runs with no bus at all and
# CM_TEST_NO_KEYRING set to the reason, so that its keyring tests skip and
# say why.
set -u

prog="$1"
shift

tmp=$(mktemp -d "${TMPDIR:-/tmp}/costmeter-keyring.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

export HOME="$tmp/home"
export XDG_DATA_HOME="$tmp/home/.local/share"
export XDG_CONFIG_HOME="$tmp/home/.config"
export XDG_CACHE_HOME="$tmp/home/.cache"
export XDG_RUNTIME_DIR="$tmp/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
unset GNOME_KEYRING_CONTROL

for tool in dbus-run-session gnome-keyring-daemon; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    export CM_TEST_NO_KEYRING="$tool is not installed, so no Secret Service can start (apt-get install dbus gnome-keyring)"
    export DBUS_SESSION_BUS_ADDRESS="unix:path=$tmp/no-bus"
    "$prog" "$@"
    exit $?
  fi
done

# The daemon creates and unlocks a "login" keyring with this password, and
# leaves when the private bus goes away. Only the program writes to stdout
# (fd 3 here): what services on the bus print goes to stderr, not into TAP.
dbus-run-session -- sh -c '
  if ! printf "test-password" | gnome-keyring-daemon --unlock --components=secrets --daemonize >/dev/null 2>"$XDG_RUNTIME_DIR/keyring.log"; then
    CM_TEST_NO_KEYRING="gnome-keyring-daemon did not start: $(tr "\n" " " < "$XDG_RUNTIME_DIR/keyring.log")"
    export CM_TEST_NO_KEYRING
  fi
  exec "$@" >&3 3>&-' sh "$prog" "$@" 3>&1 >&2
