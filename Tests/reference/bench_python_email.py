#!/usr/bin/env python3
"""Speed anchor: Python's `email` package (policy default) on a folder of messages.

Each file is read and parsed with `email.message_from_bytes(data, policy=email.policy.default)`;
then, as tagger does, the Subject and From are decoded and every text leaf's content is
decoded (get_content(), with the byte fallback of pyref.part_text). `--parse-only`
skips the decoding. One warm-up pass, then --runs timed passes (default 2); the fastest
is printed as one JSON line: msgs/s and MB/s (MB = 10^6 bytes) by wall-clock time, and
by CPU time of this process, the fairer figure on a busy machine.

    Tests/reference/bench_python_email.py [DIR] [--runs R] [--parse-only]

DIR defaults to ../shared/corpora/spamassassin (TAGGER_CORPORA overrides the corpora
folder). Exit status 2 when DIR is missing.
"""
import argparse
import email
import email.policy
import json
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pyref  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))


def one_pass(files, parse_only):
    failed = 0
    for path in files:
        with open(path, "rb") as f:
            data = f.read()
        try:
            msg = email.message_from_bytes(data, policy=email.policy.default)
            if parse_only:
                continue
            pyref.header(msg, "subject")
            pyref.header(msg, "from")
            for part in pyref.leaves(msg):
                if part.get_content_maintype() == "text":
                    pyref.part_text(part)
        except Exception:
            failed += 1
    return failed


def main():
    corpora = os.environ.get("TAGGER_CORPORA") or os.path.join(REPO, "..", "shared", "corpora")
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dir", nargs="?", default=os.path.join(corpora, "spamassassin"))
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--parse-only", action="store_true", help="parse only, decode nothing")
    args = ap.parse_args()
    if not os.path.isdir(args.dir):
        print("bench_python_email: no such folder: %s (set TAGGER_CORPORA or pass DIR)" % args.dir, file=sys.stderr)
        return 2
    files = pyref.message_files(args.dir)
    size = sum(os.path.getsize(f) for f in files)
    failed = one_pass(files, args.parse_only)  # warm-up: page cache, imports, codec caches
    best = None
    for _ in range(max(1, args.runs)):
        w0, c0 = time.perf_counter(), time.process_time()
        one_pass(files, args.parse_only)
        wall, cpu = time.perf_counter() - w0, time.process_time() - c0
        if best is None or wall < best[0]:
            best = (wall, cpu)
    wall, cpu = best
    print(json.dumps({"tool": "python-email", "version": platform.python_version(),
                      "mode": "parse" if args.parse_only else "parse+decode", "dir": args.dir,
                      "files": len(files), "bytes": size, "failed": failed, "runs": args.runs,
                      "wall_s": round(wall, 3), "cpu_s": round(cpu, 3),
                      "msgs_per_s": round(len(files) / wall, 1), "mb_per_s": round(size / 1e6 / wall, 2),
                      "mb_per_cpu_s": round(size / 1e6 / cpu, 2)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
