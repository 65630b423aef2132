#!/usr/bin/env python3
"""Folder learning on a Maildir++ mailbox built from the corpora (issue 13).

    folder_learning.py build OUT [--corpora DIR]      # the mailbox only (plus OUT.later.jsonl)
    folder_learning.py measure [--corpora DIR] [--tagger BIN] [--keep DIR]

The mailbox, from ../shared/corpora (nothing is copied into the repository):
  .Spam     SpamAssassin spam/                          80 messages
  .Lists    SpamAssassin easy_ham with a List-Id header  60
  .Finance  Enron coarse genre 1 (company business)      60
  .Work     Enron coarse genre 4 (logistic arrangements) 60
  INBOX     the rest: easy_ham without List-* headers (50), hard_ham (20), Enron genres
            2, 3, 5-8 (30); 90 read (cur/, flag S), 10 unread (new/)
Mail "delivered afterwards" (written to OUT.later.jsonl, delivered into INBOX/new by `measure`
after the retrain): 60 spam_2/, 40 list ham, 30 + 30 Enron genre 1 / 4, 60 INBOX-kind ham, none
of them in the mailbox; a second batch of the same make-up for the second round.

`measure` trains from the folders alone (no manifest, no corrections), with `.Spam` mapped alone
and with all four folders mapped: `tagger retrain` (twice: the second has nothing new), then
delivers the first batch into INBOX/new, tags it with `tagger tag` and prints, per folder label,
precision and recall against the folder the message came from, and the share of INBOX-kind ham
left untagged (not spam; no tag at all). Then the user files that batch (each message, read, into
its folder; INBOX mail read in place), `tagger retrain` again (the gate judges on the filed mail,
which the current model never saw), and the second batch is delivered and measured the same way.
"""
import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LIST_HEADER = re.compile(rb"^List-(Id|Unsubscribe|Post):", re.I | re.M)


def files(d):
    return sorted(os.path.join(d, f) for f in os.listdir(d) if not f.startswith("."))


def head(path):
    with open(path, "rb") as f:
        data = f.read(65536)
    end = data.find(b"\n\n")
    return data if end < 0 else data[:end]


def pools(corpora):
    sa = os.path.join(corpora, "spamassassin")
    en = os.path.join(corpora, "enron-berkeley-categories")
    easy = files(os.path.join(sa, "easy_ham"))
    listed = [p for p in easy if LIST_HEADER.search(head(p))]
    plain = [p for p in easy if not LIST_HEADER.search(head(p))]
    enron = {d: [p for p in files(os.path.join(en, str(d))) if p.endswith(".txt")] for d in range(1, 9)}
    rng = random.Random(13)
    out = {
        "spam": files(os.path.join(sa, "spam")), "spam_later": files(os.path.join(sa, "spam_2")),
        "lists": listed, "finance": enron[1], "work": enron[4],
        "plain": plain, "hard": files(os.path.join(sa, "hard_ham")),
        "other": enron[2] + enron[3] + enron[5] + enron[6] + enron[7] + enron[8],
    }
    for v in out.values():
        rng.shuffle(v)
    return out


class Maildir:
    def __init__(self, root):
        self.root = root
        self.n = 0
        for folder in ["", ".Spam", ".Lists", ".Finance", ".Work"]:
            for sub in ["cur", "new", "tmp"]:
                os.makedirs(os.path.join(root, folder, sub), exist_ok=True)

    def put(self, src, folder="", seen=True):
        self.n += 1
        unique = "17%08d.M%dP13.corpus" % (self.n, self.n)
        name = unique + (":2,S" if seen else "")
        dest = os.path.join(self.root, folder, "cur" if seen else "new", name)
        shutil.copyfile(src, dest)
        return dest


def build(out, corpora):
    p = pools(corpora)
    md = Maildir(out)
    for src in p["spam"][:80]:
        md.put(src, ".Spam")
    for src in p["lists"][:60]:
        md.put(src, ".Lists")
    for src in p["finance"][:60]:
        md.put(src, ".Finance")
    for src in p["work"][:60]:
        md.put(src, ".Work")
    inbox = p["plain"][:50] + p["hard"][:20] + p["other"][:30]
    random.Random(7).shuffle(inbox)
    for i, src in enumerate(inbox):
        md.put(src, "", seen=i % 10 != 0)
    def batch(i):
        return ([(s, "spam") for s in p["spam_later"][60 * i:60 * i + 60]]
                + [(s, "lists") for s in p["lists"][60 + 40 * i:100 + 40 * i]]
                + [(s, "finance") for s in p["finance"][60 + 30 * i:90 + 30 * i]]
                + [(s, "work") for s in p["work"][60 + 30 * i:90 + 30 * i]]
                + [(s, "inbox") for s in p["plain"][50 + 40 * i:90 + 40 * i] + p["hard"][20 + 10 * i:30 + 10 * i]
                   + p["other"][30 + 10 * i:40 + 10 * i]])
    later, second = batch(0), batch(1)
    # Mail arrives interleaved, not folder by folder.
    random.Random(11).shuffle(later)
    random.Random(12).shuffle(second)
    with open(out.rstrip("/") + ".later.jsonl", "w") as f:
        for src, kind in later:
            f.write(json.dumps({"path": src, "kind": kind}) + "\n")
    return later, second


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode not in (0, 3):
        sys.exit("%s: exit %d\n%s\n%s" % (" ".join(cmd), r.returncode, r.stdout, r.stderr))
    return r


def measure(args):
    work = args.keep or tempfile.mkdtemp(prefix="tagger-folders.")
    os.makedirs(work, exist_ok=True)
    env = dict(os.environ, XDG_CONFIG_HOME=work + "/xdg", HOME=work)
    results = {}
    for name, mapping in [("spam-only", {".Spam": "spam"}),
                          ("all", {".Spam": "spam", ".Lists": "lists", ".Finance": "finance", ".Work": "work"})]:
        root = os.path.join(work, name)
        shutil.rmtree(root, ignore_errors=True)
        maildir = os.path.join(root, "Maildir")
        later, second = build(maildir, args.corpora)
        config = os.path.join(root, "config.toml")
        with open(config, "w") as f:
            f.write('maildirs = ["Maildir"]\nstate_dir = "state"\n[folder_labels]\n')
            for folder, label in mapping.items():
                f.write('"%s" = "%s"\n' % (folder, label))
        extra = args.retrain_args.split()
        r = run([args.tagger, "retrain", "--config", config] + extra, env=env)
        print("== %s: tagger retrain --config %s %s\n%s" % (name, config, " ".join(extra), r.stdout))
        r = run([args.tagger, "retrain", "--config", config] + extra, env=env)
        print("second retrain at once: exit %d, %s" % (r.returncode, r.stdout.strip().splitlines()[-1]))
        md = Maildir(maildir)
        md.n = 100000
        labels = sorted(set(mapping.values()))
        results[name] = []
        for round_, mail in enumerate([later, second]):
            delivered = [(md.put(src, "", seen=False), kind) for src, kind in mail]
            r = run([args.tagger, "tag", "--config", config] + [p for p, _ in delivered], env=env)
            tags = {}
            for line in r.stdout.splitlines():
                o = json.loads(line)
                tags[o["path"]] = set(o["tags"])
            rows = {}
            for label in labels:
                tp = sum(1 for p, k in delivered if label in tags.get(p, ()) and k == label)
                pred = sum(1 for p, k in delivered if label in tags.get(p, ()))
                sup = sum(1 for _, k in delivered if k == label)
                rows[label] = (tp / pred if pred else float("nan"), tp / sup if sup else float("nan"), sup, pred)
            inbox = [p for p, k in delivered if k == "inbox"]
            untagged_spam = sum(1 for p in inbox if "spam" not in tags.get(p, ())) / len(inbox)
            untagged_any = sum(1 for p in inbox if not tags.get(p)) / len(inbox)
            results[name].append({"labels": rows, "inbox_no_spam": untagged_spam, "inbox_untagged": untagged_any})
            print("%s mail delivered afterwards (%d messages):" % ("first" if round_ == 0 else "second", len(delivered)))
            print("label      precision  recall  delivered  tagged")
            for label, (pr, rc, sup, pred) in rows.items():
                print("%-9s  %9.3f  %6.3f  %9d  %6d" % (label, pr, rc, sup, pred))
            print("INBOX-kind ham not tagged spam: %.1f%% (%d messages); with no tag at all: %.1f%%"
                  % (100 * untagged_spam, len(inbox), 100 * untagged_any))
            if round_ == 1:
                break
            # The user reads the mail and files it: each message to its folder, read.
            folder_of = {v: k for k, v in mapping.items()}
            for path, kind in delivered:
                folder = folder_of.get(kind, "")
                os.rename(path, os.path.join(maildir, folder, "cur", os.path.basename(path) + ":2,S"))
            r = run([args.tagger, "status", "--config", config], env=env)
            print("after filing: " + [l for l in r.stdout.splitlines() if l.startswith("corrections:")][0])
            r = run([args.tagger, "retrain", "--config", config] + extra, env=env)
            print("tagger retrain: exit %d\n%s" % (r.returncode, r.stdout))
        print()
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return results


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("command", choices=["build", "measure"])
    ap.add_argument("out", nargs="?")
    ap.add_argument("--corpora", default=os.path.join(REPO, "..", "shared", "corpora"))
    ap.add_argument("--tagger", default=os.path.join(REPO, ".build", "release", "tagger"))
    ap.add_argument("--keep", help="work in this folder and keep it")
    ap.add_argument("--retrain-args", default="", help="extra arguments for every `tagger retrain`, e.g. \"--min-document-fraction 0\"")
    args = ap.parse_args()
    if not os.path.isdir(os.path.join(args.corpora, "spamassassin")):
        sys.exit("no corpora at %s" % args.corpora)
    if args.command == "build":
        if not args.out:
            sys.exit("build needs OUT")
        build(args.out, args.corpora)
        print("built %s (and %s.later.jsonl)" % (args.out, args.out.rstrip("/")))
    else:
        measure(args)


if __name__ == "__main__":
    main()
