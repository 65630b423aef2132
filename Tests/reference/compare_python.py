#!/usr/bin/env python3
"""Agreement check: tagger's decoded headers and text/plain parts against Python's `email`.

For every message file under the corpora, `tagger features --json FILE...` (run in
batches) is compared with `email.message_from_binary_file(f, policy=email.policy.default)`:
the decoded Subject and From, and the text of each text/plain leaf, matched in order.
Values are compared after Unicode NFC and whitespace normalisation.

From is compared semantically: Python re-renders address headers (drops comments, changes
quoting), while tagger keeps the decoded header as written. Both are reduced to the set of
(display name, addr-spec) pairs with `email.headerregistry` (Python's side from
`msg['from'].addresses`, tagger's string parsed the same way); a display name that is only a
comment on one side equals an empty one on the other.

U+FFFD in Python's value (bytes Python could not decode, mostly 8-bit text under a missing
or us-ascii charset): by default a run of k U+FFFD matches any 1..k characters of tagger's
value (k undecodable bytes are at least one and at most k characters in any charset), and
the rest of the value must still agree (the wildcard says nothing about how tagger
decoded those bytes: it checks the decodable rest). --strict-undecodable makes them plain
disagreements instead. The summary prints both rates; the one checked against --min is the
default (wildcard) one unless --strict-undecodable is given.

Exit status: 0 when overall agreement >= --min; 1 below it, when nothing could be
compared, or when tagger failed on more files than --max-tagger-failed (default 0:
every file in these corpora is a message tagger must read); 2 on a usage problem
(no tagger binary, no corpora).

    Tests/reference/compare_python.py --tagger .build/release/tagger --report /tmp/disagree.txt
"""
import argparse
import json
import os
import re
import subprocess
import sys
import unicodedata
from email.headerregistry import HeaderRegistry
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
_REGISTRY = HeaderRegistry()
_SURROGATES = re.compile("[\udc80-\udcff]")


def address_pairs(value, parsed=None):
    """The set of (normalised display name, lower-cased addr-spec) pairs of a From value.

    `parsed` is Python's own `msg['from']` when at hand; otherwise `value` is parsed with
    `email.headerregistry` (falling back on `getaddresses` when that finds nothing).
    """
    addresses = None
    try:
        addresses = (parsed if parsed is not None else _REGISTRY("from", value)).addresses
    except Exception:
        addresses = None
    if addresses:
        # Bytes Python could not decode stay as surrogate escapes in its parsed names.
        return {(pyref.normalise(_SURROGATES.sub(REPLACEMENT, a.display_name)), a.addr_spec.lower())
                for a in addresses}
    return {(pyref.normalise(n), a.lower()) for n, a in getaddresses([value])}


def same_from(py, tg, py_parsed=None, strict=False):
    """True when Python's From and tagger's name the same addresses (see the module doc)."""
    if same_text(py or "", tg or "", strict):
        return True
    if not py or not tg:
        return False
    # Python re-quotes what it renders ('"a@b"@c' for a decoded local part, quoted names):
    # quoting is rendering, not decoding.
    if same_text(py.replace('"', ""), tg.replace('"', ""), strict):
        return True
    a, b = address_pairs(py, py_parsed), address_pairs(tg)
    if a == b:
        return True
    # A comment-only name: "bb@ddd.com (John Doe)" has no display name for Python's registry,
    # getaddresses() takes the comment as one. Equal when the addresses are and every name
    # that differs is empty on one side and a parenthesised comment in tagger's header.
    if sorted(x for _, x in a) != sorted(x for _, x in b):
        return False
    comments = {pyref.normalise(c) for c in re.findall(r"\(([^()]*)\)", tg)}
    names_a, names_b = dict((x, n) for n, x in a), dict((x, n) for n, x in b)
    return all(names_a[x] == names_b[x] or (not names_a[x] and names_b[x] in comments)
               or (not names_b[x] and names_a[x] in comments) for x in names_a)


def same_text(py, tg, strict):
    """Normalised equality; unless `strict`, a run of k U+FFFD in `py` matches 1..k characters."""
    if pyref.normalise(py) == pyref.normalise(tg):
        return True
    if strict or REPLACEMENT not in py:
        return False
    # Here only ASCII blanks are collapsed: a byte Python could not decode may be a no-break
    # space on tagger's side, which str.split() would merge with the blank next to it.
    py, tg = _ascii_blanks(py), _ascii_blanks(tg)
    pattern = []
    for piece in re.split("(%s+)" % REPLACEMENT, py):
        pattern.append(".{1,%d}?" % len(piece) if piece.startswith(REPLACEMENT) else re.escape(piece))
    return re.fullmatch("".join(pattern), tg, re.DOTALL) is not None


def _ascii_blanks(value):
    return " ".join(re.split(r"[ \t\n\r\f\v]+", unicodedata.normalize("NFC", value).strip(" \t\n\r\f\v")))


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
        # Units whose Python value holds U+FFFD: how many, and how many of them agree only
        # because U+FFFD runs were taken as wildcards.
        self.python_undecodable = 0
        self.wildcard_agreed = 0

    def add(self, field, ok):
        self.fields[field][1] += 1
        self.fields[field][0] += ok

    def merge(self, other):
        for name in ("messages", "python_failed", "tagger_failed", "python_undecodable", "wildcard_agreed"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for k, (a, b) in other.fields.items():
            self.fields[k][0] += a
            self.fields[k][1] += b

    @property
    def agreed(self):
        return sum(v[0] for v in self.fields.values())

    @property
    def total(self):
        return sum(v[1] for v in self.fields.values())


def compare_message(path, rec, tally, report, strict=False):
    try:
        msg = pyref.parse(path)
        py_subject = pyref.header(msg, "subject")
        py_from = pyref.header(msg, "from")
        py_from_parsed = msg["from"]
        py_texts = [pyref.part_text(p) for p in pyref.plain_parts(msg)]
    except Exception as exc:  # Python's own failure is not tagger's disagreement
        tally.python_failed += 1
        report.append((path, "python-failed", "%s: %s" % (type(exc).__name__, exc)))
        return
    tg_subject, tg_from, tg_texts = tagger_view(rec)

    def judge(field, label, py, tg, same):
        exact = same(True)
        wild = exact or same(False)
        ok = exact if strict else wild
        tally.add(field, ok)
        if py is not None and REPLACEMENT in py:
            tally.python_undecodable += 1
            tally.wildcard_agreed += wild and not exact
        if not ok:
            report.append((path, label, _note(py) + short_diff(py, tg)))

    judge("subject", "subject", py_subject, tg_subject,
          lambda s: same_text(py_subject or "", tg_subject or "", s))
    judge("from", "from", py_from, tg_from, lambda s: same_from(py_from, tg_from, py_from_parsed, s))
    for i in range(max(len(py_texts), len(tg_texts))):
        py = py_texts[i] if i < len(py_texts) else None
        tg = tg_texts[i] if i < len(tg_texts) else None
        if py is not None and tg is not None:
            judge("text", "text[%d]" % i, py, tg, lambda s: same_text(py, tg, s))
            continue
        tally.add("text", False)
        if py is None:
            detail = "extra text/plain part in tagger (%d python, %d tagger)" % (len(py_texts), len(tg_texts))
        else:
            detail = "text/plain part missing in tagger (%d python, %d tagger)" % (len(py_texts), len(tg_texts))
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
    head, _, rest = __doc__.partition("\n\n")
    ap = argparse.ArgumentParser(description=head, epilog=rest,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
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
    ap.add_argument("--strict-undecodable", action="store_true",
                    help="U+FFFD in Python's value is a plain character, not a wildcard for 1..k characters "
                         "(the rate checked against --min is then the strict one)")
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
                    compare_message(path, records[path], tally, report, strict=args.strict_undecodable)
        tallies.append(tally)

    overall = Tally("overall")
    for t in tallies:
        overall.merge(t)
    print_table(tallies + [overall], sys.stdout)
    rate = pct(overall.agreed, overall.total)
    strict_agreed = overall.agreed - (0 if args.strict_undecodable else overall.wildcard_agreed)
    wild_agreed = overall.agreed + (overall.wildcard_agreed if args.strict_undecodable else 0)
    mode = "strict: U+FFFD is a character" if args.strict_undecodable else "U+FFFD runs as wildcards"
    print("agreement: %.2f%% (%d/%d) [%s]" % (rate, overall.agreed, overall.total, mode))
    print("rates: with U+FFFD runs as wildcards %.2f%% (%d/%d); strict %.2f%% (%d/%d); "
          "%d units have U+FFFD in Python's value, %d of them agree only through the wildcard"
          % (pct(wild_agreed, overall.total), wild_agreed, overall.total, pct(strict_agreed, overall.total),
             strict_agreed, overall.total, overall.python_undecodable, overall.wildcard_agreed))
    if overall.python_failed or overall.tagger_failed:
        print("python failed on %d messages, tagger on %d (not counted above)" % (overall.python_failed,
                                                                                   overall.tagger_failed))
    if args.json:
        print(json.dumps({"agreement": round(rate, 4), "agreed": overall.agreed, "compared": overall.total,
                          "messages": overall.messages, "python_failed": overall.python_failed,
                          "tagger_failed": overall.tagger_failed,
                          "python_undecodable": overall.python_undecodable,
                          "strict_agreed": strict_agreed, "wildcard_agreed": wild_agreed}))
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
