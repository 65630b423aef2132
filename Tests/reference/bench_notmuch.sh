#!/usr/bin/env bash
# The notmuch link's timings (README "notmuch"), on a throwaway Maildir of N copies of the
# sample messages (each with its own Message-ID) and a real notmuch database:
#
#   Tests/reference/bench_notmuch.sh [--messages N] [--tagger BIN] [--runs R]
#
# 1. publish: `tagger notmuch-sync` after `tagger run --once` and `notmuch new`: every message's
#    tags into notmuch (N messages, the first sync of a database);
# 2. delivery → search: with `tagger run --notmuch` running, a message is delivered, `notmuch new`
#    is run at once (as a fetch hook does), and the time until `notmuch search` finds it by one of
#    its tagger tags is taken (R runs, median);
# 3. notmuch → journal: a tagger tag is removed with `notmuch tag`; the time until the correction
#    is in the journal (R runs, median).
# Prints one JSON line. Needs notmuch, python3 and a release build (default .build/release/tagger).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
n=10000
runs=5
tagger=$repo/.build/release/tagger
while (($#)); do
    case $1 in
        --messages) n=$2; shift 2 ;;
        --tagger) tagger=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        *) echo "usage: $0 [--messages N] [--tagger BIN] [--runs R]" >&2; exit 64 ;;
    esac
done
command -v notmuch >/dev/null || { echo "notmuch is not installed" >&2; exit 2; }
[ -x "$tagger" ] || { echo "no tagger binary at $tagger (swift build -c release)" >&2; exit 2; }

work=$(mktemp -d /tmp/tagger-notmuch-bench.XXXXXX)
daemon=
cleanup() { [ -n "$daemon" ] && kill "$daemon" 2>/dev/null; wait 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
md=$work/Maildir
state=$work/state
mkdir -p "$md"/{cur,new,tmp} "$state"
export NOTMUCH_CONFIG=$work/notmuch-config
printf '[database]\npath=%s\n[new]\ntags=inbox\n' "$md" >"$NOTMUCH_CONFIG"
now() { date +%s.%N; }

python3 - "$repo/Samples" "$md" "$n" <<'EOF'
import json, os, re, sys
samples, md, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
bodies = [open(os.path.join(samples, json.loads(l)["path"]), "rb").read()
          for l in open(os.path.join(samples, "labels.jsonl")) if l.strip()]
for i in range(n):
    b = re.sub(rb"(?im)^message-id:.*\n", b"", bodies[i % len(bodies)], count=1)
    with open(f"{md}/cur/{1800000000 + i}.M{i}P1.bench:2,S", "wb") as f:
        f.write(b"Message-ID: <bench-%d@tagger.example>\n" % i + b)
EOF
"$tagger" train --manifest "$repo/Samples/labels.jsonl" --state-dir "$state" >/dev/null 2>&1
notmuch new --quiet
"$tagger" run --once --maildir "$md" --state-dir "$state" 2>/dev/null
t0=$(now)
"$tagger" notmuch-sync --maildir "$md" --state-dir "$state" >/dev/null
t1=$(now)
publish=$(echo "$t1 - $t0" | bc)
echo "published $n messages in $publish s" >&2
tagged=$(notmuch count -- 'tag:finance or tag:important or tag:newsletter or tag:personal or tag:receipts')

"$tagger" run --notmuch --maildir "$md" --state-dir "$state" 2>"$work/daemon.log" &
daemon=$!
until grep -q "started:" "$work/daemon.log"; do sleep 0.05; done
sleep 2
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
delivery=()
for r in $(seq 1 "$runs"); do
    i=$((n + r))
    # A copy of a message tagger tags finance (so there is a tag to wait for).
    src=$(notmuch search --output=files -- tag:finance | grep /cur/ | sed -n "$((r * 7))p")
    name=$((1900000000 + r)).M${r}P2.bench
    sed "s/bench-[0-9]*@tagger.example/bench-$i@tagger.example/" "$src" >"$md/tmp/$name"
    t0=$(now)
    mv "$md/tmp/$name" "$md/new/$name"
    notmuch new --quiet
    # tagger may tag it after this `notmuch new`: the daemon then publishes on its own.
    until [ -n "$(notmuch search --output=messages -- "id:bench-$i@tagger.example and tag:finance")" ]; do
        sleep 0.02
    done
    delivery+=("$(echo "$(now) - $t0" | bc)")
done
correction=()
corrections() { cat "$state/corrections.jsonl" 2>/dev/null | grep -c '"source":"notmuch"' || true; }
for r in $(seq 1 "$runs"); do
    id=$(notmuch search --output=messages --limit=1 -- "tag:finance and not tag:benchdone" | sed 's/^id://')
    before=$(corrections)
    t0=$(now)
    notmuch tag -finance +benchdone -- "id:$id"
    until [ "$(corrections)" -gt "$before" ]; do sleep 0.01; done
    correction+=("$(echo "$(now) - $t0" | bc)")
done
printf '{"messages": %d, "tagged_in_notmuch": %d, "publish_s": %.2f, "delivery_to_search_s": %s, "notmuch_to_journal_s": %s}\n' \
    "$n" "$tagged" "$publish" "$(printf '%s\n' "${delivery[@]}" | median)" "$(printf '%s\n' "${correction[@]}" | median)"
