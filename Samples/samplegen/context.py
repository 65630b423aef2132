"""Deterministic state shared by the message builders: randomness, dates, ids."""
import datetime as dt
import random

from .mime import Leaf, Multi, address, header_text, message, rfc_date

OWNER_NAME = "Alex Brandt"
OWNER_ADDR = "alex@brandt-family.net"
OWNER = address(OWNER_NAME, OWNER_ADDR)

START = dt.datetime(2026, 8, 24, 7, 0, tzinfo=dt.timezone.utc)
SPAN_SECONDS = 92 * 24 * 3600

TZ = {
    "utc": dt.timezone.utc,
    "berlin": dt.timezone(dt.timedelta(hours=1), "CET"),
    "berlin_summer": dt.timezone(dt.timedelta(hours=2)),
    "london": dt.timezone(dt.timedelta(hours=0)),
    "newyork": dt.timezone(dt.timedelta(hours=-5)),
    "pacific": dt.timezone(dt.timedelta(hours=-8)),
    "lagos": dt.timezone(dt.timedelta(hours=1)),
}


class Sample:
    """One generated message: its bytes, labels, Maildir folder and placement."""

    def __init__(self, data, labels, folder, when, message_id, new):
        self.data = data
        self.labels = labels
        self.folder = folder
        self.when = when
        self.message_id = message_id
        self.new = new


class Context:
    """Hands out seeded random choices, increasing-ish dates and unique ids."""

    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.samples = []
        self._ids = set()

    # --- randomness -----------------------------------------------------
    def pick(self, seq):
        return self.rng.choice(seq)

    def chance(self, p):
        return self.rng.random() < p

    def amount(self, lo, hi):
        return round(self.rng.uniform(lo, hi), 2)

    def digits(self, n):
        return "".join(self.rng.choice("0123456789") for _ in range(n))

    def hexid(self, n):
        return "".join(self.rng.choice("0123456789abcdef") for _ in range(n))

    def boundary(self):
        return "=_%s_%s" % (self.hexid(8), self.hexid(12))

    # --- dates and ids --------------------------------------------------
    def when(self, tz="utc"):
        seconds = self.rng.randrange(SPAN_SECONDS)
        # Office hours are more likely than 3 a.m.
        t = START + dt.timedelta(seconds=seconds)
        return t.astimezone(TZ[tz])

    def message_id(self, domain, when):
        while True:
            mid = "<%s.%s@%s>" % (when.strftime("%Y%m%d%H%M%S"), self.hexid(10), domain)
            if mid not in self._ids:
                self._ids.add(mid)
                return mid

    # --- assembling -----------------------------------------------------
    def add(self, *, sender, subject, root, labels, folder="", to=OWNER, domain=None,
            extra=None, tz="utc", when=None, new=False, subject_charset="utf-8",
            subject_enc="B", reply_to=None):
        """Build a message and record it. `reply_to` is a Sample being answered."""
        when = when or self.when(tz)
        if reply_to is not None:
            when = reply_to.when + dt.timedelta(hours=self.rng.randint(1, 40), minutes=self.rng.randint(0, 59))
            when = when.astimezone(TZ[tz])
        domain = domain or sender.rsplit("@", 1)[1].rstrip(">")
        mid = self.message_id(domain, when)
        headers = [("Date", rfc_date(when)), ("From", sender), ("To", to),
                   ("Subject", header_text(subject, subject_charset, subject_enc)),
                   ("Message-ID", mid)]
        if reply_to is not None:
            headers.append(("In-Reply-To", reply_to.message_id))
            headers.append(("References", reply_to.message_id))
        headers += extra or []
        data = message(headers, root)
        sample = Sample(data, sorted(labels), folder, when, mid, new)
        self.samples.append(sample)
        return sample


def text(body, charset="utf-8", cte=None):
    """A text/plain leaf; picks a transfer encoding that fits the content."""
    if cte is None:
        try:
            body.encode("ascii")
            cte = "7bit"
        except UnicodeEncodeError:
            cte = "quoted-printable"
    return Leaf("text/plain", body, charset=charset, cte=cte)


def html(body, charset="utf-8", cte="quoted-printable"):
    """A text/html leaf."""
    return Leaf("text/html", body, charset=charset, cte=cte)


def alternative(ctx, plain, rich):
    """multipart/alternative of a text and an HTML leaf."""
    return Multi("alternative", [plain, rich], ctx.boundary())


def mixed(ctx, *parts):
    """multipart/mixed of the given parts."""
    return Multi("mixed", list(parts), ctx.boundary())


def pdf(ctx, filename, title):
    """A tiny but well-formed-looking PDF attachment, base64 encoded."""
    body = ("%%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
            "2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
            "3 0 obj << /Title (%s) /Producer (sample generator) >> endobj\n"
            "trailer << /Root 1 0 R /Info 3 0 R >>\n%%%%EOF\n" % title).encode("latin-1")
    return Leaf("application/pdf", body, cte="base64", filename=filename, disposition="attachment")


def jpeg(ctx, filename):
    """A few bytes that start like a JPEG, as an inline image attachment."""
    body = bytes([0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10]) + b"JFIF\x00" + bytes(ctx.rng.randrange(256) for _ in range(90)) + bytes([0xFF, 0xD9])
    return Leaf("image/jpeg", body, cte="base64", filename=filename, disposition="attachment")


def page(title, paragraphs, links, footer="", style=True):
    """Simple but realistic HTML: a head with style, paragraphs, links, a footer."""
    css = ("<style type=\"text/css\">body{font-family:Arial,sans-serif;color:#222}"
           ".btn{background:#0b5;color:#fff;padding:8px 14px;text-decoration:none}</style>") if style else ""
    out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>%s</title>%s</head>" % (title, css),
           "<body>"]
    for p in paragraphs:
        out.append("<p>%s</p>" % p)
    for label, href in links:
        out.append('<p><a class="btn" href="%s">%s</a></p>' % (href, label))
    if footer:
        out.append('<p style="font-size:11px;color:#888">%s</p>' % footer)
    out.append("</body></html>")
    return "\n".join(out) + "\n"
