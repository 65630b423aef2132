"""Python's reading of a message, the reference tagger is compared against.

Shared by compare_python.py (the agreement check), fake_tagger.py (its
self-test) and bench_python_email.py (the speed anchor).
"""
import email
import email.policy
import fnmatch
import os
import unicodedata

# Files in the corpora (and Maildir bookkeeping files) that are not single messages.
NOT_MESSAGES = ["README*", "*LICENSE*", "*.cats", "*.jsonl", "categories.txt", "SHA256SUMS", "*.mbox.txt",
                "maildirfolder", "dovecot*", "subscriptions"]


def message_files(root):
    """Every message file under `root` (recursively, sorted; dot-files and non-messages skipped).

    Dot-folders are walked: in Maildir++ they are the mail folders (`.Lists/cur/...`).
    """
    found = []
    for d, dirs, files in os.walk(root):
        dirs[:] = sorted(x for x in dirs if x != ".git")
        for f in sorted(files):
            if f.startswith(".") or any(fnmatch.fnmatch(f, pat) for pat in NOT_MESSAGES):
                continue
            found.append(os.path.join(d, f))
    return found


def normalise(value):
    """Unicode NFC, whitespace runs collapsed to one space, stripped; None stays None."""
    if value is None:
        return None
    return " ".join(unicodedata.normalize("NFC", value).split())


def parse(path):
    """Parse a file with `email.policy.default`, the way the issue asks."""
    with open(path, "rb") as f:
        return email.message_from_binary_file(f, policy=email.policy.default)


def header(msg, name):
    """Decoded header as str(msg[name]); None when absent. May raise on a broken header."""
    value = msg[name]
    return None if value is None else str(value)


def header_or_none(msg, name):
    """Like header(), but None when Python cannot parse the header at all."""
    try:
        return header(msg, name)
    except Exception:
        return None


def part_text(part):
    """Decoded text of a text leaf: get_content(), falling back on bytes + charset."""
    try:
        return part.get_content()
    except Exception:  # unknown charset, broken CTE...: decode by hand
        data = part.get_payload(decode=True) or b""
        charset = part.get_content_charset() or "us-ascii"
        try:
            return data.decode(charset, "replace")
        except LookupError:
            try:
                return data.decode("utf-8")
            except UnicodeDecodeError:
                return data.decode("windows-1252", "replace")


def _walk(part):
    """walk() order, except that a message/delivery-status body is one leaf.

    Python's email package stores the field groups of a delivery-status body (RFC 3464) as
    header-only Message objects that default to text/plain; they are not MIME body parts (the
    RFC says the body is not MIME entities), and tagger lists the part as one
    message/delivery-status leaf. Comparing them as text/plain parts would count Python's
    representation, not decoding.
    """
    yield part
    if part.is_multipart() and part.get_content_type() not in DELIVERY_STATUS:
        for sub in part.get_payload():
            yield from _walk(sub)


DELIVERY_STATUS = ("message/delivery-status", "message/global-delivery-status")


def plain_parts(msg):
    """The text/plain leaves in walk() order (message/rfc822 bodies included)."""
    return [p for p in leaves(msg) if p.get_content_type() == "text/plain"]


def leaves(msg):
    """All leaves in walk() order; a delivery-status part is one leaf (see _walk)."""
    return [p for p in _walk(msg) if not p.is_multipart() or p.get_content_type() in DELIVERY_STATUS]
