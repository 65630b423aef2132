#!/usr/bin/env bash
# Speed anchor: bogofilter's classification throughput on a folder of messages.
#
#   Tests/reference/bench_bogofilter.sh [DIR] [--train N] [--runs R]
#
# DIR defaults to ../shared/corpora/spamassassin (relative to the repository root;
# TAGGER_CORPORA overrides the corpora folder). bogofilter is first trained, in a
# temporary word-list folder, on up to N spam (files in a folder below DIR named
# spam, spam_* or spam-*, as `tagger bench tag --bogofilter` decides) and N ham (the
# other files); default: all of them, as tagger's model learns all. Then every file under DIR is
# classified in bogofilter's streaming bulk mode (-b: one process reads the file
# names from stdin, -T: one short result line per message, no Berkeley DB
# transactions since nothing is written) once to warm the page
# cache and R times timed (default 3). The fastest run is reported as one JSON line:
# msgs/s and MB/s (MB = 10^6 bytes) by wall-clock time, plus the CPU seconds of
# that run (user+sys), which is the fairer figure on a busy machine.
# Exit status: 0 on success, 2 when bogofilter is missing or DIR is unusable,
# 1 when bogofilter failed to classify a file.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$here/../.." && pwd)
corpora=${TAGGER_CORPORA:-$repo/../shared/corpora}
dir=$corpora/spamassassin
train=0   # 0: all
runs=3
while (($#)); do
    case $1 in
        --train) train=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | grep '^#' | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "bench_bogofilter: unknown option $1" >&2; exit 2 ;;
        *) dir=$1; shift ;;
    esac
done

if ! command -v bogofilter >/dev/null 2>&1; then
    echo "bench_bogofilter: bogofilter is not installed (apt-get install bogofilter)" >&2
    exit 2
fi
if [[ ! -d $dir ]]; then
    echo "bench_bogofilter: no such folder: $dir (set TAGGER_CORPORA or pass DIR)" >&2
    exit 2
fi

dir=$(cd "$dir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Message files: no dot-files, no manifests, licences or label files.
find "$dir" -type f ! -name '.*' ! -name '*.jsonl' ! -name '*.cats' ! -name 'README*' \
    ! -name '*LICENSE*' ! -name 'SHA256SUMS' ! -name 'categories.txt' | LC_ALL=C sort > "$work/files"
count=$(wc -l < "$work/files")
if ((count == 0)); then
    echo "bench_bogofilter: no message files under $dir" >&2
    exit 2
fi
bytes=$(tr '\n' '\0' < "$work/files" | xargs -0 stat -c %s | awk '{s += $1} END {print s}')

# Training (not timed).
# A file is spam when a folder below DIR is named spam, spam_* or spam-* (spamassassin:
# spam/, spam_2/).
pick() {  # pick WANT: the first $train files (all when 0) whose spam-ness is WANT (1 or 0)
    awk -v root="$dir/" -v want="$1" -v limit="$train" '
        limit == 0 || n < limit { rel = substr($0, length(root) + 1); s = (tolower(rel) ~ /(^|\/)spam([_-][^\/]*)?\//)
                    if (s == want) { print; n++ } }' "$work/files"
}
pick 1 > "$work/spam"
pick 0 > "$work/ham"
mkdir "$work/db"
[[ -s $work/spam ]] && tr '\n' '\0' < "$work/spam" | xargs -0 bogofilter -C -d "$work/db" --db-transaction=no -s -B
[[ -s $work/ham ]] && tr '\n' '\0' < "$work/ham" | xargs -0 bogofilter -C -d "$work/db" --db-transaction=no -n -B

# bogofilter's exit status is the class of the last message (0 spam, 1 ham, 2 unsure); 3 is an error.
classify() { bogofilter -C -d "$work/db" --db-transaction=no -b -T < "$work/files" > "$work/out" 2> "$work/err" || (($? < 3)); }

classify  # warm-up: page cache and word list
classified=$(wc -l < "$work/out")
if ((classified != count)); then
    echo "bench_bogofilter: bogofilter classified $classified of $count files:" >&2
    head -n 5 "$work/err" >&2
    exit 1
fi

TIMEFORMAT='%R %U %S'
best=""
for ((i = 0; i < runs; i++)); do
    t=$( { time classify; } 2>&1 )
    best=$(printf '%s\n%s\n' "$best" "$t" | awk 'NF == 3' | sort -n | sed -n 1p)
done
read -r wall user sys <<< "$best"

awk -v files="$count" -v bytes="$bytes" -v wall="$wall" -v user="$user" -v sys="$sys" \
    -v runs="$runs" -v train="$train" -v dir="$dir" -v version="$(bogofilter -V 2>&1 | sed -n 1p | awk '{print $3}')" \
    'BEGIN {
        cpu = user + sys
        printf "{\"tool\": \"bogofilter\", \"version\": \"%s\", \"mode\": \"-b -T --db-transaction=no (streaming bulk)\", \"dir\": \"%s\", ", version, dir
        printf "\"files\": %d, \"bytes\": %d, \"trained_per_class\": %d, \"runs\": %d, ", files, bytes, train, runs
        printf "\"wall_s\": %.3f, \"cpu_s\": %.3f, \"msgs_per_s\": %.1f, \"mb_per_s\": %.2f, \"mb_per_cpu_s\": %.2f}\n",
            wall, cpu, files / wall, bytes / 1e6 / wall, bytes / 1e6 / cpu
    }'
