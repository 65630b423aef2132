#!/usr/bin/env bash
# Runs `systemd-analyze verify` on the units (system and user mode). systemd checks that
# ExecStart exists, so the units are verified in a temporary copy whose ExecStart points at
# TAGGER_BIN (default: the debug build, else /usr/local/bin/tagger when installed).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
bin="${TAGGER_BIN:-}"
if [ -z "$bin" ]; then
    if [ -x /usr/local/bin/tagger ]; then bin=/usr/local/bin/tagger; else bin="$here/../.build/debug/tagger"; fi
fi
[ -x "$bin" ] || { echo "verify.sh: $bin: not an executable (build tagger first or set TAGGER_BIN)" >&2; exit 1; }
command -v systemd-analyze >/dev/null || { echo "verify.sh: systemd-analyze not installed" >&2; exit 1; }
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for f in "$here"/*.service "$here"/*.timer; do
    sed "s#/usr/local/bin/tagger#$bin#" "$f" > "$tmp/$(basename "$f")"
done
cd "$tmp"
systemd-analyze verify --man=no ./tagger.service ./tagger@.service ./tagger-retrain.service ./tagger-retrain.timer
XDG_RUNTIME_DIR="$tmp" systemd-analyze verify --user --man=no ./tagger.service ./tagger-retrain.service ./tagger-retrain.timer
echo "systemd units: verify passed"
