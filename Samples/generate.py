#!/usr/bin/env python3
"""Regenerate Samples/Maildir and Samples/labels.jsonl.

Every message here is original text written for tagger's samples. The output is
deterministic: the same seed gives byte-identical files and names.

    python3 Samples/generate.py            # rewrite Samples/Maildir and labels.jsonl
    python3 Samples/generate.py --check    # exit 1 if the committed files differ
"""
import argparse
import json
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from samplegen import bulk, money, people  # noqa: E402
from samplegen.context import Context  # noqa: E402

SEED = 20261126
FOLDERS = ["", ".Lists", ".Receipts"]
LABELS = ["important", "finance", "newsletter", "personal", "receipts"]
FLAG_CHOICES = ["S", "S", "S", "RS", "FS", "", "S", "PS"]


def build_samples():
    ctx = Context(SEED)
    money.build(ctx)
    people.build(ctx)
    bulk.build(ctx)
    return ctx


def file_name(ctx, sample, n):
    """Maildir unique name `<time>.M<usec>P<pid>.samplehost`, with `:2,<flags>` in cur/."""
    t = int(sample.when.timestamp())
    unique = "%d.M%dP%d.samplehost" % (t, ctx.rng.randrange(1000000), 1000 + n * 7 + ctx.rng.randrange(5))
    if sample.new:
        return "new", unique
    return "cur", unique + ":2," + ctx.rng.choice(FLAG_CHOICES)


def write_tree(ctx, root):
    """Write the Maildir++ tree and the manifest under `root`; return the manifest rows."""
    maildir = os.path.join(root, "Maildir")
    for folder in FOLDERS:
        for sub in ("cur", "new", "tmp"):
            d = os.path.join(maildir, folder, sub)
            os.makedirs(d, exist_ok=True)
            # git keeps no empty folders; tagger skips dot-files.
            open(os.path.join(d, ".gitkeep"), "w").close()
        if folder:
            open(os.path.join(maildir, folder, "maildirfolder"), "w").close()
    rows = []
    ordered = sorted(enumerate(ctx.samples), key=lambda p: (p[1].when.timestamp(), p[0]))
    for n, (_, sample) in enumerate(ordered):
        sub, name = file_name(ctx, sample, n)
        rel = os.path.join("Maildir", sample.folder, sub, name) if sample.folder else os.path.join("Maildir", sub, name)
        with open(os.path.join(root, rel), "wb") as f:
            f.write(sample.data)
        rows.append({"path": rel, "labels": sample.labels})
    with open(os.path.join(root, "labels.jsonl"), "w") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")
    return rows


def summary(rows):
    counts = {label: sum(label in r["labels"] for r in rows) for label in LABELS}
    empty = sum(not r["labels"] for r in rows)
    return "%d messages; " % len(rows) + ", ".join("%s %d" % kv for kv in counts.items()) + "; unlabelled %d" % empty


def same_tree(a, b):
    for sub in ("Maildir",):
        left = sorted(os.path.relpath(os.path.join(d, f), a) for d, _, fs in os.walk(os.path.join(a, sub)) for f in fs)
        right = sorted(os.path.relpath(os.path.join(d, f), b) for d, _, fs in os.walk(os.path.join(b, sub)) for f in fs)
        if left != right:
            return False
        for rel in left + ["labels.jsonl"]:
            with open(os.path.join(a, rel), "rb") as x, open(os.path.join(b, rel), "rb") as y:
                if x.read() != y.read():
                    return False
    return True


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="compare with the committed files instead of writing")
    args = parser.parse_args()
    ctx = build_samples()
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            rows = write_tree(ctx, tmp)
            if not same_tree(tmp, HERE):
                print("Samples/ differs from what generate.py produces; run python3 Samples/generate.py", file=sys.stderr)
                return 1
        print("Samples/ is up to date: " + summary(rows))
        return 0
    shutil.rmtree(os.path.join(HERE, "Maildir"), ignore_errors=True)
    rows = write_tree(ctx, HERE)
    print(summary(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
