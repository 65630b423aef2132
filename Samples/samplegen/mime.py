"""Small, explicit MIME builders that produce bytes.

Python's email package would re-fold and re-encode things its own way; the
samples want exact control over charsets and transfer encodings, so the
messages are assembled here by hand.
"""
import base64
import quopri
from email.utils import format_datetime


def encoded_word(text, charset="utf-8", enc="B"):
    """RFC 2047 encoded word(s) for `text` (split so each word stays short)."""
    data = text.encode(charset)
    words = []
    chunk = 30 if enc == "B" else 20
    # Split on character boundaries so multibyte sequences stay whole.
    current = ""
    for ch in text:
        if len((current + ch).encode(charset)) > chunk:
            words.append(current)
            current = ""
        current += ch
    if current:
        words.append(current)
    out = []
    for w in words:
        raw = w.encode(charset)
        if enc == "B":
            payload = base64.b64encode(raw).decode("ascii")
        else:
            payload = "".join(
                "_" if b == 0x20 else (chr(b) if (0x30 <= b <= 0x39 or 0x41 <= b <= 0x5A or 0x61 <= b <= 0x7A) else "=%02X" % b)
                for b in raw)
        out.append("=?%s?%s?%s?=" % (charset.upper() if charset != "utf-8" else "UTF-8", enc, payload))
    del data
    return "\n ".join(out)


def header_text(text, charset="utf-8", enc="B"):
    """Header value: plain if ASCII, else RFC 2047 encoded."""
    try:
        text.encode("ascii")
        return text
    except UnicodeEncodeError:
        return encoded_word(text, charset, enc)


def address(name, addr, charset="utf-8", enc="Q"):
    """`Display Name <addr>` with the name quoted or RFC 2047 encoded as needed."""
    if not name:
        return addr
    try:
        name.encode("ascii")
        if any(c in name for c in ',.;:()<>@"'):
            name = '"%s"' % name.replace('"', '\\"')
        return "%s <%s>" % (name, addr)
    except UnicodeEncodeError:
        return "%s <%s>" % (encoded_word(name, charset, enc), addr)


def encode_body(data, cte):
    """Apply a Content-Transfer-Encoding to body bytes."""
    if cte == "base64":
        return base64.encodebytes(data)
    if cte == "quoted-printable":
        return quopri.encodestring(data, quotetabs=False)
    if cte == "7bit":
        data.decode("ascii")  # fails loudly if the sample is wrong
    return data


class Leaf:
    """A single MIME leaf part."""

    def __init__(self, ctype, payload, charset=None, cte="7bit", filename=None,
                 disposition=None, extra=None):
        self.ctype = ctype
        self.payload = payload  # str for text parts, bytes otherwise
        self.charset = charset
        self.cte = cte
        self.filename = filename
        self.disposition = disposition
        self.extra = extra or []

    def headers(self):
        ct = self.ctype
        if self.charset:
            ct += '; charset="%s"' % self.charset if self.charset.startswith("iso") else "; charset=%s" % self.charset
        if self.filename and not self.disposition:
            ct += '; name="%s"' % self.filename
        lines = ["Content-Type: " + ct, "Content-Transfer-Encoding: " + self.cte]
        if self.disposition:
            d = self.disposition
            if self.filename:
                d += ';\n filename="%s"' % self.filename
            lines.append("Content-Disposition: " + d)
        return lines + self.extra

    def body(self):
        data = self.payload
        if isinstance(data, str):
            data = data.encode(self.charset or "ascii")
        return encode_body(data, self.cte)


class Multi:
    """A multipart container with a deterministic boundary."""

    def __init__(self, subtype, parts, boundary):
        self.subtype = subtype
        self.parts = parts
        self.boundary = boundary

    def headers(self):
        return ['Content-Type: multipart/%s;\n boundary="%s"' % (self.subtype, self.boundary)]

    def body(self):
        out = [b"This is a multi-part message in MIME format.\n"]
        for p in self.parts:
            out.append(b"\n--" + self.boundary.encode() + b"\n")
            head = p.headers()
            # A part without headers (a digest entry) starts right after one blank line.
            out.append(("\n".join(head) + "\n\n").encode("ascii") if head else b"\n")
            body = p.body()
            out.append(body.rstrip(b"\n") + b"\n")
        out.append(b"\n--" + self.boundary.encode() + b"--\n")
        return b"".join(out)


def message(headers, root):
    """Serialise top-level headers (list of (name, value)) plus a root part."""
    lines = ["%s: %s" % (k, v) for k, v in headers]
    lines.append("MIME-Version: 1.0")
    lines += root.headers()
    head = "\n".join(lines).encode("ascii") + b"\n\n"
    return head + root.body()


def rfc_date(dt):
    """RFC 5322 date string for an aware datetime."""
    return format_datetime(dt)
