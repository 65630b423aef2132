#!/usr/bin/env python3
"""Agreement check: tagger's decoded headers and text/plain parts against Python's `email`.

For every message file under the corpora, `tagger features --json FILE...` (run in
batches) is compared with `email.message_from_binary_file(f, policy=email.policy.default)`:
the decoded Subject and From, and the text of each text/plain leaf, matched in order.
Values are compared after Unicode NFC and whitespace normalisation. A From header also
agrees when both sides name the same (display name, address) pairs.

Exit status: 0 when overall agreement >= --min; 1 below it, when nothing could be
compared, or when tagger failed on more files than --max-tagger-failed (default 0:
every file in these corpora is a message tagger must read); 2 on a usage problem
(no tagger binary, no corpora).

    Tests/reference/compare_python.py --tagger .build/release/tagger --report /tmp/disagree.txt
"""
import argparse
import json
import os
import subprocess
import sys
from email.utils import getaddresses

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import pyref  # noqa: E402

REPO = os.path.dirname(os.path.dirname(HERE))
CORPORA = ["cpython-email-tests", "mime4j-testmsgs", "mimekit-testdata", "spamassassin", "enron-berkeley-categories"]
REPLACEMENT = "\ufffd"


def corpora_root():
    return os.environ.get("TAGGER_CORPORA") or os.path.join(REPO, "..", "shared", "corpora")


# ---------------------------------------------------------------- tagger side
def run_tagger(tagger, files, timeout):
    """Run tagger on `files`; return {path: record} and {path: failure reason}."""
    records, failures = {}, {}
    _run_batch(tagger, files, timeout, records, failures, split=True)
    return records, failures


def _run_batch(tagger, files, timeout, records, failures, split):
    try:
        proc = subprocess.run([*tagger, "features", "--json", *files], capture_output=True, timeout=timeout)
        out, err, code = proc.stdout, proc.stderr, proc.returncode
    except subprocess.TimeoutExpired as exc:
        out, err, code = exc.stdout or b"", b"timed out after %ds" % timeout, None
    wanted = set(files)
    seen = []
    for line in out.splitlines():
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        path = rec.get("path") if isinstance(rec, dict) else None
        if path in wanted:
            records[path] = rec
            seen.append(path)
    missing = [f for f in files if f not in records]
    if not missing:
        return
    crashed = code is None or code < 0 or code > 128
    if split and len(files) > 1 and crashed:
        # A crash or hang took the rest of the batch with it: find the culprit file by file.
        for f in missing:
            _run_batch(tagger, [f], timeout, records, failures, split=False)
        return
    reason = _why(code, err)
    for f in missing:
        failures[f] = reason if len(files) == 1 else _stderr_for(f, err) or reason


def _why(code, err):
    last = err.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
    if code is None:
        return "tagger " + last[0]
    if code < 0 or code > 128:
        return "tagger crashed (status %d) %s" % (code, last[0])
    return "no JSON output (exit %d) %s" % (code, last[0])


def _stderr_for(path, err):
    for line in err.decode("utf-8", "replace").splitlines():
        if path in line:
            line = line.strip()
            return (line if line.startswith("tagger") else "tagger: " + line)[:200]
    return None


def tagger_view(rec):
    headers = rec.get("headers") or {}
    texts = [p.get("text") or "" for p in rec.get("parts") or [] if (p.get("type") or "").lower() == "text/plain"]
    return headers.get("subject"), headers.get("from"), texts


# ---------------------------------------------------------------- comparison
def same_from(py, tg):
    if pyref.normalise(py or "") == pyref.normalise(tg or ""):
        return True
    if not py or not tg:
        return False
    pairs = lambda v: [(pyref.normalise(n), a.lower()) for n, a in getaddresses([v])]
    return pairs(py) == pairs(tg)


def short_diff(py, tg, width=40):
    py, tg = pyref.normalise(py or ""), pyref.normalise(tg or "")
    i = 0
    while i < min(len(py), len(tg)) and py[i] == tg[i]:
        i += 1
    start = max(0, i - 10)
    return "at %d: python %r | tagger %r" % (i, py[start:i + width], tg[start:i + width])


class Tally:
    """Agreement counts for one corpus."""

    def __init__(self, name):
        self.name = name
        self.messages = 0
        self.python_failed = 0
        self.tagger_failed = 0
        self.fields = {"subject": [0, 0], "from": [0, 0], "text": [0, 0]}
        self.python_undecodable = 0  # disagreements where Python's value holds U+FFFD

    def add(self, field, ok):
        self.fields[field][1] += 1
        self.fields[field][0] += ok

    @property
    def agreed(self):
        return sum(v[0] for v in self.fields.values())

    @property
    def total(self):
        return sum(v[1] for v in self.fields.values())


def compare_message(path, rec, tally, report):
    try:
        msg = pyref.parse(path)
        py_subject = pyref.header(msg, "subject")
        py_from = pyref.header(msg, "from")
        py_texts = [pyref.part_text(p) for p in pyref.plain_parts(msg)]
    except Exception as exc:  # Python's own failure is not tagger's disagreement
        tally.python_failed += 1
        report.append((path, "python-failed", "%s: %s" % (type(exc).__name__, exc)))
        return
    tg_subject, tg_from, tg_texts = tagger_view(rec)
    ok = pyref.normalise(py_subject or "") == pyref.normalise(tg_subject or "")
    tally.add("subject", ok)
    if not ok:
        tally.python_undecodable += bool(_note(py_subject))
        report.append((path, "subject", _note(py_subject) + short_diff(py_subject, tg_subject)))
    ok = same_from(py_from, tg_from)
    tally.add("from", ok)
    if not ok:
        tally.python_undecodable += bool(_note(py_from))
        report.append((path, "from", _note(py_from) + short_diff(py_from, tg_from)))
    for i in range(max(len(py_texts), len(tg_texts))):
        py = py_texts[i] if i < len(py_texts) else None
        tg = tg_texts[i] if i < len(tg_texts) else None
        ok = py is not None and tg is not None and pyref.normalise(py) == pyref.normalise(tg)
        tally.add("text", ok)
        if ok:
            continue
        if py is None:
            detail = "extra text/plain part in tagger (%d python, %d tagger)" % (len(py_texts), len(tg_texts))
        elif tg is None:
            detail = "text/plain part missing in tagger (%d python, %d tagger)" % (len(py_texts), len(tg_texts))
        else:
            tally.python_undecodable += bool(_note(py))
            detail = _note(py) + short_diff(py, tg)
        report.append((path, "text[%d]" % i, detail))


def _note(py_value):
    return "[python has U+FFFD] " if py_value and REPLACEMENT in py_value else ""


# ---------------------------------------------------------------- main
def pct(a, b):
    return 100.0 * a / b if b else 100.0


def print_table(tallies, out):
    head = "%-26s %6s %13s %13s %15s %8s %6s %6s" % ("corpus", "msgs", "subject", "from", "text/plain",
                                                    "agree%", "py-err", "tg-err")
    print(head, file=out)
    print("-" * len(head), file=out)
    for t in tallies:
        cells = ["%d/%d" % tuple(t.fields[k]) for k in ("subject", "from", "text")]
        print("%-26s %6d %13s %13s %15s %8.2f %6d %6d" % (t.name, t.messages, *cells, pct(t.agreed, t.total),
                                                         t.python_failed, t.tagger_failed), file=out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="*", help="corpus folders (default: the five of issue 2 under ../shared/corpora)")
    ap.add_argument("--tagger", default=os.path.join(REPO, ".build", "release", "tagger"),
                    help="tagger executable (default .build/release/tagger)")
    ap.add_argument("--report", default=None, help="write the disagreements here (file, field, short diff)")
    ap.add_argument("--min", type=float, default=99.0, help="minimum overall agreement in percent (default 99.0)")
    ap.add_argument("--batch", type=int, default=200, help="files per tagger run (default 200)")
    ap.add_argument("--timeout", type=int, default=300, help="seconds per tagger run (default 300)")
    ap.add_argument("--max-tagger-failed", type=int, default=0,
                    help="files tagger may crash on or refuse before the check fails (default 0)")
    ap.add_argument("--json", action="store_true", help="also print the totals as one JSON line")
    args = ap.parse_args()

    tagger = [args.tagger]
    if args.tagger.endswith(".py"):
        tagger = [sys.executable, args.tagger]
    if not os.access(args.tagger, os.X_OK) and not args.tagger.endswith(".py"):
        print("compare_python: no tagger executable at %s (build with: swift build -c release)" % args.tagger,
              file=sys.stderr)
        return 2
    dirs = args.dirs or [os.path.join(corpora_root(), c) for c in CORPORA]
    missing = [d for d in dirs if not os.path.isdir(d)]
    if missing:
        print("compare_python: corpus folder not found: %s (set TAGGER_CORPORA)" % ", ".join(missing), file=sys.stderr)
        return 2

    tallies, report = [], []
    for d in dirs:
        tally = Tally(os.path.basename(os.path.normpath(d)))
        files = pyref.message_files(d)
        for i in range(0, len(files), args.batch):
            batch = files[i:i + args.batch]
            records, failures = run_tagger(tagger, batch, args.timeout)
            for path in batch:
                tally.messages += 1
                if path in failures:
                    tally.tagger_failed += 1
                    report.append((path, "tagger-failed", failures[path]))
                else:
                    compare_message(path, records[path], tally, report)
        tallies.append(tally)

    overall = Tally("overall")
    for t in tallies:
        overall.messages += t.messages
        overall.python_failed += t.python_failed
        overall.tagger_failed += t.tagger_failed
        overall.python_undecodable += t.python_undecodable
        for k, (a, b) in t.fields.items():
            overall.fields[k][0] += a
            overall.fields[k][1] += b
    print_table(tallies + [overall], sys.stdout)
    rate = pct(overall.agreed, overall.total)
    print("agreement: %.2f%% (%d/%d)" % (rate, overall.agreed, overall.total))
    if overall.python_undecodable:
        left = overall.total - overall.python_undecodable
        print("of the disagreements, %d are values where Python could not decode bytes (U+FFFD); "
              "without them: %.2f%% (%d/%d)" % (overall.python_undecodable, pct(overall.agreed, left),
                                               overall.agreed, left))
    if overall.python_failed or overall.tagger_failed:
        print("python failed on %d messages, tagger on %d (not counted above)" % (overall.python_failed,
                                                                                   overall.tagger_failed))
    if args.json:
        print(json.dumps({"agreement": round(rate, 4), "agreed": overall.agreed, "compared": overall.total,
                          "messages": overall.messages, "python_failed": overall.python_failed,
                          "tagger_failed": overall.tagger_failed,
                          "python_undecodable": overall.python_undecodable}))
    if args.report:
        with open(args.report, "w", encoding="utf-8") as f:
            for path, field, detail in report:
                f.write("%s\t%s\t%s\n" % (os.path.relpath(path, REPO), field, detail))
        print("disagreements: %d lines in %s" % (len(report), args.report))
    if overall.total == 0:
        print("FAIL: nothing was compared", file=sys.stderr)
        return 1
    if overall.tagger_failed > args.max_tagger_failed:
        print("FAIL: tagger failed on %d files (allowed: %d); see the report" % (overall.tagger_failed,
                                                                             args.max_tagger_failed), file=sys.stderr)
        return 1
    if rate < args.min:
        print("FAIL: agreement %.2f%% is below %.2f%%" % (rate, args.min), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
