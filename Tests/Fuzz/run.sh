#!/usr/bin/env bash
# Builds the libFuzzer targets (AddressSanitizer + libFuzzer, release, -DFUZZING) into
# .build-fuzz and runs each for a bounded time, seeded from ../shared/corpora (read in place,
# never copied into the repository) and Tests/Fuzz/seeds.
#
#   Tests/Fuzz/run.sh                       # every target, 60 s each (what CI runs)
#   Tests/Fuzz/run.sh --seconds 3600 html   # one target for an hour (a long run)
#   Tests/Fuzz/run.sh --jobs 2 --seconds 0 mime   # until stopped (Ctrl-C), two processes
#   Tests/Fuzz/run.sh --all-seeds ...       # also seed from the large corpora (spamassassin, ...)
#
# Tests/Fuzz/<target>.dict, where present, is handed to libFuzzer as a dictionary (config: TOML
# tokens).
# Targets: mime (MessageParser), html (HTMLCondenser + HTMLExtractor; the condensed and the plain
# parse must agree), header (encoded words, Content-Type, addresses, header blocks), config
# (TOML config reader), journal (corrections journal reader and fold; catalog records).
# What the fuzzer learns is kept in $TAGGER_FUZZ_WORK (default /tmp/tagger-fuzz/<target>), so
# later runs start from it. A crash, a sanitizer report or an input slower than --timeout
# seconds stops the run: the input is saved as $TAGGER_FUZZ_WORK/artifacts/<target>-crash-*
# (or -timeout-*), the script exits 1, and the input should become a regression test.
# Replay one input without libFuzzer: swift build --product tagger-fuzz && .build/debug/tagger-fuzz TARGET FILE
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=60
jobs=1
timeout=10
all_seeds=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --seconds) seconds="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --timeout) timeout="$2"; shift 2 ;;
        --all-seeds) all_seeds=1; shift ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        -*) echo "unknown option $1" >&2; exit 64 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=(mime html header config journal)

scratch=.build-fuzz
swift build -c release --scratch-path "$scratch" --product tagger-fuzz \
    -Xswiftc -enable-testing -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING \
    -Xcc -fsanitize=address 2>&1 | grep -v "ld.gold: warning: Cannot export local symbol" || true
bin="$scratch/release/tagger-fuzz"
[ -x "$bin" ] || { echo "fuzz build failed" >&2; exit 1; }

work_root="${TAGGER_FUZZ_WORK:-/tmp/tagger-fuzz}"
mkdir -p "$work_root/artifacts"
corpora=../shared/corpora
small_corpora=(cpython-email-tests mime4j-testmsgs mimekit-testdata mail-parser-tests-mails notmuch-test-corpora)
large_corpora=(spamassassin phishing-pot-subset enron-berkeley-categories)

mail_seeds() {
    local dirs=(Samples/Maildir Tests/MIMETests/Fixtures)
    if [ -d "$corpora" ]; then
        for c in "${small_corpora[@]}"; do [ -d "$corpora/$c" ] && dirs+=("$corpora/$c"); done
        if [ "$all_seeds" = 1 ]; then
            for c in "${large_corpora[@]}"; do [ -d "$corpora/$c" ] && dirs+=("$corpora/$c"); done
        fi
    else
        echo "note: $corpora is absent; seeding from Samples/ only" >&2
    fi
    printf '%s\n' "${dirs[@]}"
}

# The HTML parts of the seed messages, decoded (a scratch folder outside the repository).
html_seeds() {
    local out="$work_root/html-seeds"
    if [ ! -f "$out/.done-$all_seeds" ]; then
        rm -rf "$out"; mkdir -p "$out"
        mapfile -t dirs < <(mail_seeds)
        # The small corpora hold little HTML: phishing mail is mostly HTML (capped unless --all-seeds).
        [ -d "$corpora/phishing-pot-subset" ] && [ "$all_seeds" = 0 ] && dirs+=("$corpora/phishing-pot-subset")
        python3 - "$out" "$([ "$all_seeds" = 1 ] && echo 1000000 || echo 1500)" "${dirs[@]}" <<'PY'
import email, email.policy, hashlib, os, sys
out, cap, dirs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
count = 0
for d in dirs:
    if count >= cap:
        break
    for root, _, files in os.walk(d):
        for f in sorted(files):
            try:
                with open(os.path.join(root, f), "rb") as fh:
                    msg = email.message_from_binary_file(fh, policy=email.policy.compat32)
                for part in msg.walk():
                    if part.get_content_type() != "text/html":
                        continue
                    body = part.get_payload(decode=True)
                    if not body or len(body) > 256 * 1024:
                        continue
                    name = hashlib.sha1(body).hexdigest()[:16] + ".html"
                    with open(os.path.join(out, name), "wb") as o:
                        o.write(body)
                    count += 1
            except Exception:
                pass
print(f"html seeds: {count} parts", file=sys.stderr)
PY
        touch "$out/.done-$all_seeds"
    fi
    echo "$out"
}

status=0
for t in "${targets[@]}"; do
    case "$t" in
        mime|header) mapfile -t seeds < <(mail_seeds); max_len=262144 ;;
        html) seeds=("$(html_seeds)"); max_len=262144 ;;
        config) seeds=(Tests/Fuzz/seeds/config); max_len=16384 ;;
        journal) seeds=(Tests/Fuzz/seeds/journal); max_len=65536 ;;
        *) echo "unknown target $t (mime, html, header, config, journal)" >&2; exit 64 ;;
    esac
    [ "$t" = header ] && max_len=16384
    work="$work_root/$t"
    mkdir -p "$work"
    echo "=== fuzzing $t for ${seconds}s (corpus $work, seeds: ${seeds[*]})"
    start=$(date +%s)
    flags=(-max_total_time="$seconds" -timeout="$timeout" -rss_limit_mb=2048 -max_len="$max_len"
           -artifact_prefix="$work_root/artifacts/$t-" -print_final_stats=1)
    [ "$seconds" = 0 ] && flags=("${flags[@]:1}")
    [ "$jobs" -gt 1 ] && flags+=(-jobs="$jobs" -workers="$jobs")
    [ -f "Tests/Fuzz/$t.dict" ] && flags+=(-dict="Tests/Fuzz/$t.dict")
    # SWIFT_BACKTRACE off: the Swift crash handler trips ASan and can hang under libFuzzer.
    if ! TAGGER_FUZZ_TARGET="$t" ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=0}" SWIFT_BACKTRACE=enable=no \
            "$bin" "${flags[@]}" "$work" "${seeds[@]}" > "$work_root/$t.log" 2>&1; then
        echo "!!! $t: the fuzzer stopped on a finding; last lines of $work_root/$t.log:"
        tail -n 40 "$work_root/$t.log"
        ls -1 "$work_root/artifacts/$t-"* 2>/dev/null || true
        status=1
    else
        grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|Done)" "$work_root/$t.log" | tr '\n' ' '
        echo "($(( $(date +%s) - start )) s)"
    fi
done
exit $status
