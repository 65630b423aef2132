#!/usr/bin/env python3
"""tagger's TOML parser (Sources/TaggerConfig/TOML.swift) against Python's tomllib, the reference.

Makes N documents: hand-written valid ones covering TOML 1.0 (every string form and escape,
number bases, floats, dates and times, arrays, inline tables, dotted keys, headers, arrays of
tables, the definition rules), then random mutations of them (1-3 characters deleted, inserted
or replaced from a set of TOML's special characters and tokens; a fifth of them of two documents
joined). Each document goes through both parsers; they must agree on accepting it and, when
accepted, on every value (dates are compared as being dates). The one difference the TOML
spec asks for: an integer outside 64 bits is refused by tagger and read by Python; and one
Python cannot follow: RFC 3339's year 0000 and leap second :60, which Python's datetime does
not have.

    swift build --product tagger-fuzz
    python3 Tests/reference/toml_tomllib.py [N] [SEED] [--bin .build/debug/tagger-fuzz]
"""
import argparse, datetime, json, math, random, re, subprocess, sys, tomllib
SEEDS = [
 'a = 1\nb = "x"\n',
 'maildirs = ["~/Maildir", \'/srv/mail\']\nstate_dir = "/var/lib/tagger"\n',
 '[folder_labels]\n".Receipts" = "receipts"\nINBOX = "inbox"\n',
 'folder_labels = { ".A" = "a", "b.c" = "d" }\n',
 'a.b.c = 1\na.b.d = 2\n[x]\ny.z = 3\n[x.w]\nq = 1\n',
 '[[fruit]]\nname = "apple"\n[fruit.physical]\ncolor = "red"\n[[fruit.variety]]\nname = "red delicious"\n[[fruit]]\nname = "banana"\n',
 '[a.b.c]\nx = 1\n[a]\ny = 2\n',
 's1 = """\nRoses are red\nViolets are blue"""\ns2 = """\\\n   The quick \\\n   brown fox"""\ns3 = """a""b"""\ns4 = """x"""""\n',
 "l1 = '''\nThe first newline is\ntrimmed'''\nl2 = 'C:\\Users\\x'\nl3 = '''It's ok''''\n",
 'e = "tab\\there \\u00E9 \\U0001F600 \\\\ \\" \\b\\f\\r\\n"\n',
 'i = [ +99, 42, 0, -17, 1_000, 5_349_221, 0xDEADBEEF, 0xdead_beef, 0o01234567, 0o755, 0b11010110 ]\n',
 'f = [ +1.0, 3.1415, -0.01, 5e+22, 1e06, -2E-2, 6.626e-34, 224_617.445_991_228, inf, +inf, -inf, nan, +nan, -nan, -0.0, +0.0 ]\n',
 'd = [1979-05-27T07:32:00Z, 1979-05-27T00:32:00-07:00, 1979-05-27T00:32:00.999999-07:00, 1979-05-27 07:32:00Z, 1979-05-27T07:32:00, 1979-05-27, 07:32:00, 00:32:00.999999]\n',
 'arr = [\n  1,\n  2, # two\n  [3, "x", {a = 1}],\n]\n',
 '"quoted key" = 1\n\'lit key\' = 2\n"" = 3\nbare-key_1 = 4\n1234 = 5\n3.14159 = "pi"\n',
 '# comment\n\n  key = "value"  # trailing\n\t[ table ]  # c\n\tk = true\n',
 'x = false\ny = true\n[t]\n[t.u]\n[v]\n',
 'a = {}\nb = { c = { d = [] } }\n',
 'name = { first = "Tom", last = "Preston-Werner" }\npoint = { x = 1, y = 2 }\nanimal = { type.name = "pug" }\n',
 '[product]\ntype = { name = "Nail" }\n',
 'apple.type = "fruit"\norange.type = "fruit"\napple.skin = "thin"\n',
 '[dog."tater.man"]\ntype.name = "pug"\n',
 'k = 0.1\nm = 9_223_372_036_854_775_807\nn = -9_223_372_036_854_775_808\n',
 'r = "\\u0000"\nt = 1980-02-29\nu = 2000-02-29\nv=1900-02-28\n',
 '[a]\nb.c = 1\n[a.b.d]\nx = 1\n',
 '[a.b]\nx = 1\n[a]\nb.y = 2\n',
 '[x.y.z]\n[x]\ny.w = 1\n',
 'a = [1]\n[[b]]\n[b.c]\n[[b.c.d]]\n[[b]]\nc.e = 1\n',
 't = {a.b = 1, a.c = 2}\n[u]\nv = {}\n',
 '"\u00e9" = 1\n"e\u0301" = 2\n[[x]]\n[[x]]\n[x.y]\n',
 't = 1979-05-27T23:59:60Z\n',
 'a = [ [ 1, 2 ], [ "a", "b" ] ]\nb = [[1], []]\n',
 '[a]\n[[a.b]]\n[a.b.c]\nx=1\n[[a.b]]\n',
 'x = 1 # c\r\ny = 2\r\n',
]
CHARS = list('[]{}=,."\'#\\ \t\n\r_+-.:eEtTzZ0179xob') + ['\x00', '\x7f', '\x01', 'é', '\u2028', '"""', "'''", '[[', ']]', 'inf', 'nan', 'true', '1979-05-27', '07:32:00', '\\u', '\\U0011FFFF', '\\uD800']
def mutate(s, r):
    s = list(s)
    for _ in range(r.randint(1, 3)):
        op = r.random(); p = r.randint(0, len(s))
        if op < 0.35 and s: del s[min(p, len(s) - 1)]
        elif op < 0.75: s.insert(p, r.choice(CHARS))
        elif s: s[min(p, len(s) - 1)] = r.choice(CHARS)
    return ''.join(s)
def canon(v):
    if isinstance(v, bool): return ["b", v]
    if isinstance(v, int): return ["i", str(v)]
    if isinstance(v, float):
        if math.isnan(v): return ["f", "nan"]
        if math.isinf(v): return ["f", "inf" if v > 0 else "-inf"]
        return ["f", v]
    if isinstance(v, str): return ["s", v]
    if isinstance(v, (datetime.datetime, datetime.date, datetime.time)): return ["d"]
    if isinstance(v, list): return [canon(x) for x in v]
    if isinstance(v, dict): return {"t": [[k, canon(x)] for k, x in sorted(v.items(), key=lambda kv: kv[0].encode())]}
    raise Exception(type(v))
def python_reads(d):
    try: tomllib.loads(d); return True
    except tomllib.TOMLDecodeError: return False
def norm(j):
    if isinstance(j, list) and len(j) == 2 and j[0] == "f" and isinstance(j[1], str) and j[1] not in ("nan", "inf", "-inf"): return ["f", float(j[1])]
    if isinstance(j, list): return [norm(x) for x in j]
    if isinstance(j, dict): return {k: norm(x) for k, x in j.items()}  # {"t": pairs}
    return j
ap = argparse.ArgumentParser()
ap.add_argument("n", type=int, nargs="?", default=20000)
ap.add_argument("seed", type=int, nargs="?", default=1)
ap.add_argument("--bin", default=".build/debug/tagger-fuzz")
args = ap.parse_args()
n = args.n; r = random.Random(args.seed)
docs = list(SEEDS)
while len(docs) < n:
    a = r.choice(SEEDS)
    if r.random() < 0.2: a = a + r.choice(SEEDS)
    docs.append(mutate(a, r))
# NUL separates documents: a raw NUL in a document is replaced by \x01 (both refuse control characters)
docs = [d.replace('\x00', '\x01') for d in docs]
payload = b'\x00'.join(d.encode() for d in docs)
out = subprocess.run([args.bin, "toml-json"], input=payload, capture_output=True, check=True).stdout.decode().split('\n')
mism = {"ours-accepts": 0, "ours-refuses": 0, "value": 0}; agree = 0; ok = 0
for d, o in zip(docs, out):
    try: ref = canon(tomllib.loads(d)); refok = True
    except tomllib.TOMLDecodeError as e: refok = False; why = str(e)
    mine = None if o.startswith("ERR") else norm(json.loads(o))
    if refok and mine is None and "integer out of range" in o: agree += 1; continue  # TOML: 64-bit integers; Python has no limit
    if refok and mine is None: mism["ours-refuses"] += 1; kind = "ours-refuses"
    elif not refok and mine is not None and python_reads(re.sub(r"([0-9][0-9]:[0-9][0-9]):60", r"\1:59", re.sub(r"(^|[^0-9])0000-", r"\g<1>2000-", d))):
        agree += 1; continue  # RFC 3339 has year 0 (a leap year, like 2000) and leap seconds; Python's datetime has neither
    elif not refok and mine is not None: mism["ours-accepts"] += 1; kind = "ours-accepts"
    elif refok and mine != norm(ref): mism["value"] += 1; kind = "value"
    else:
        agree += 1; ok += refok; continue
    if mism[kind] <= 6: print(kind, repr(d)[:300], "|", o[:160])
print("documents", len(docs), "agree", agree, "(valid", ok, ")", mism)
sys.exit(1 if any(mism.values()) else 0)
