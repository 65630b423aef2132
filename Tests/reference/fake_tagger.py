#!/usr/bin/env python3
"""A stand-in for `tagger features --json FILE...`, built on Python's own parse.

It exists to self-test compare_python.py (which must then report 100%).
FAKE_TAGGER_FAULT selects a deliberate fault to check that the comparison
notices it: `subject` (alters every subject), `drop-part` (loses the last
text/plain part), `crash:NAME` (aborts when it reaches a file named NAME),
`skip:NAME` (prints an error line instead of JSON for NAME), `cp1252` (decodes
text/plain parts that Python could not decode cleanly as windows-1252 instead).
"""
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pyref  # noqa: E402


def plain_text(leaf, fault):
    text = pyref.part_text(leaf)
    if fault == "cp1252" and "\ufffd" in text:
        text = (leaf.get_payload(decode=True) or b"").decode("windows-1252", "replace")
    return text


def record(path, fault):
    msg = pyref.parse(path)
    parts = []
    for leaf in pyref.leaves(msg):
        ctype = leaf.get_content_type()
        try:
            filename = leaf.get_filename()
        except Exception:
            filename = None
        parts.append({"type": ctype, "charset": leaf.get_content_charset(), "filename": filename,
                      "text": plain_text(leaf, fault) if ctype == "text/plain" else None})
    if fault == "drop-part":
        plain = [i for i, p in enumerate(parts) if p["type"] == "text/plain"]
        if plain:
            del parts[plain[-1]]
    subject = pyref.header(msg, "subject")
    if fault == "subject" and subject is not None:
        subject += " (changed)"
    return {"path": path, "headers": {"subject": subject, "from": pyref.header(msg, "from"),
                                      "to": pyref.header_or_none(msg, "to"),
                                      "date": pyref.header_or_none(msg, "date"),
                                      "message_id": pyref.header_or_none(msg, "message-id")},
            "parts": parts, "features": [], "warnings": []}


def main(argv):
    if len(argv) < 2 or argv[0] != "features" or argv[1] != "--json":
        print("usage: fake_tagger.py features --json FILE...", file=sys.stderr)
        return 64
    fault = os.environ.get("FAKE_TAGGER_FAULT", "")
    status = 0
    for path in argv[2:]:
        name = os.path.basename(path)
        if fault == "crash:" + name:
            sys.stdout.flush()
            os.abort()
        if fault == "skip:" + name:
            print(f"tagger: {path}: not a message", file=sys.stderr)
            status = 1
            continue
        try:
            line = json.dumps(record(path, fault), ensure_ascii=False)
        except Exception as exc:  # the reference itself failed: say so like tagger would
            print(f"tagger: {path}: {exc}", file=sys.stderr)
            status = 1
            continue
        print(line, flush=False)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
