#!/usr/bin/env bash
# tagger's main job on the samples, from a fresh clone:
#   build (release) → train on Samples/labels.jsonl → run the daemon once over Samples/Maildir
#   (a sidecar JSON per message) → show a few sidecars, a correction and an explanation.
# State goes to a temporary folder (printed at the end); Samples/ is never modified.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product tagger >&2
tagger=.build/release/tagger
state=${TAGGER_DEMO_STATE:-$(mktemp -d "${TMPDIR:-/tmp}/tagger-demo.XXXXXX")}
# An empty config of its own: your ~/.config/tagger/config.toml (notmuch = true, folder_labels,
# ...) would otherwise apply to the demo and reach your notmuch database.
mkdir -p "$state" && : > "$state/demo-config.toml"
flags=(--config "$state/demo-config.toml" --maildir "$PWD/Samples/Maildir" --state-dir "$state")

echo "== 1. train on Samples/labels.jsonl (5-fold cross-validated thresholds)"
"$tagger" train --manifest Samples/labels.jsonl "${flags[@]}"

echo
echo "== 2. tag every message of Samples/Maildir, as the daemon does (tagger run --once)"
"$tagger" run --once "${flags[@]}" --log-level warning
count=$(find "$state/sidecars" -name '*.json' | wc -l)
echo "$count sidecars under $state/sidecars"

echo
echo "== 3. tags per message (first 12)"
find "$state/sidecars" -name '*.json' | sort | sed -n 1,12p | while read -r f; do
    python3 -c 'import json,sys; s=json.load(open(sys.argv[1])); print("%-58s %s" % (s["message"]["path"][:58], ", ".join(s["tags"]) or "-"))' "$f"
done

first=$(find Samples/Maildir/cur -type f ! -name '.*' | sort | sed -n 1p)
echo
echo "== 4. tagger show $first"
"$tagger" show "$first" "${flags[@]}"

echo
echo "== 5. a correction: tagger label $first +important"
"$tagger" label "$first" +important "${flags[@]}"
"$tagger" show "$first" "${flags[@]}" | python3 -c 'import json,sys; s=json.load(sys.stdin); print("tags now:", s["tags"], "user:", s["user"])'

echo
echo "== 6. why: tagger explain $first --top 5"
"$tagger" explain "$first" --top 5 "${flags[@]}"

echo
echo "state directory: $state"
