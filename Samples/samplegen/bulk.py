"""Mailing lists, newsletters and everyday notifications (the last carry no label)."""
from .context import Leaf, alternative, html, mixed, page, text
from .mime import Multi, address, header_text


def list_headers(ctx, list_id, host, listaddr=None):
    unsub = f"https://{host}/u/{ctx.hexid(20)}"
    hdrs = [("List-Id", list_id), ("List-Unsubscribe", f"<{unsub}>"), ("Precedence", "bulk")]
    if listaddr:
        hdrs.append(("List-Post", f"<mailto:{listaddr}>"))
    return hdrs, unsub


def digests(ctx):
    """Mailing-list digests, one as a real multipart/digest."""
    topics = [
        ("Re: mbsync drops flags on reconnect", "I see the same on 1.4.4; setting SyncState * per channel fixed it for me."),
        ("Sieve filter for plus-addressing", "You can match on envelope :detail \"lists\" if your server supports the subaddress extension."),
        ("notmuch tag batch speed", "Piping into notmuch tag --batch is about ten times faster than one call per message."),
        ("Maildir on ZFS: recordsize?", "16K has worked well here, most messages are smaller than that anyway."),
        ("Re: aerc keybinding for archive", "Bind it in binds.conf under [messages]: a = :archive flat<Enter>"),
        ("Dovecot compression plugin", "zlib_save = gz, and old mail is read transparently whether compressed or not."),
    ]
    for vol, issue in [(7, 41), (7, 42), (7, 45)]:
        chosen = ctx.rng.sample(topics, 3)
        toc = "\n".join(f"   {i + 1}. {t}" for i, (t, _) in enumerate(chosen))
        bodies = "\n\n".join(f"Message: {i + 1}\nSubject: {t}\n\n{b}\n\n------------------------------"
                             for i, (t, b) in enumerate(chosen))
        body = (f"Send maildir-users mailing list submissions to\n\tmaildir-users@lists.mailtools.org\n\n"
                f"Today's Topics:\n\n{toc}\n\n----------------------------------------------------------------------\n\n{bodies}\n")
        hdrs, _ = list_headers(ctx, "Maildir users <maildir-users.lists.mailtools.org>", "lists.mailtools.org",
                               "maildir-users@lists.mailtools.org")
        ctx.add(sender=address("", "maildir-users-request@lists.mailtools.org"),
                subject=f"maildir-users Digest, Vol {vol}, Issue {issue}", root=text(body), labels=["newsletter"],
                folder=".Lists", extra=hdrs, tz="utc", new=issue == 45)
    # A MIME digest: each entry is a message/rfc822 part (the digest default).
    entries = []
    for t, b in ctx.rng.sample(topics, 2):
        inner = f"From: list member <member{ctx.digits(3)}@example.org>\nSubject: {t}\n\n{b}\n"
        entries.append(_RawPart(inner.encode("ascii")))
    digest = Multi("digest", entries, ctx.boundary())
    hdrs, _ = list_headers(ctx, "Maildir users <maildir-users.lists.mailtools.org>", "lists.mailtools.org")
    ctx.add(sender=address("", "maildir-users-request@lists.mailtools.org"),
            subject="maildir-users Digest, Vol 7, Issue 44 (MIME)", labels=["newsletter"], folder=".Lists", extra=hdrs,
            root=Multi("mixed", [text("Today's Topics: two messages, attached as a MIME digest.\n"), digest], ctx.boundary()))


class _RawPart:
    """A digest entry: no headers of its own, so its type defaults to message/rfc822."""

    def __init__(self, data):
        self.data = data

    def headers(self):
        return []

    def body(self):
        return self.data


def editorial(ctx):
    """Blogs, clubs, museums, product updates."""
    issues = [
        ("Byte Harvest", "editor@byteharvest.dev", "byteharvest.dev", "Byte Harvest #212: SIMD parsing, tiny databases",
         ["This week: how a JSON parser reaches gigabytes per second with SIMD, why SQLite keeps winning, and a "
          "gentle introduction to io_uring.", "Plus: three job listings and a puzzle."]),
        ("Byte Harvest", "editor@byteharvest.dev", "byteharvest.dev", "Byte Harvest #213: what's new in Swift 6.3",
         ["Typed throws in practice, a look at the new Span type, and a case study on strict concurrency in a daemon."]),
        ("Byte Harvest", "editor@byteharvest.dev", "byteharvest.dev", "Byte Harvest #214: the hidden cost of logging",
         ["Structured logging is great until it is 30% of your CPU. Measurements from three production services."]),
        ("Thornbury Runners", "club@thornburyrunners.org.uk", "thornburyrunners.org.uk", "Club news: winter series and kit order",
         ["The winter cross-country series starts on 8 November. The club kit order closes on Sunday.",
          "Congratulations to everyone who finished the half marathon!"]),
        ("Thornbury Runners", "club@thornburyrunners.org.uk", "thornburyrunners.org.uk", "Club news: AGM and new coaches",
         ["Our AGM is on 2 December in the pavilion. We welcome two newly qualified run leaders."]),
        ("Museum of Northern Art", "events@mona-museum.org.uk", "mona-museum.org.uk", "Late opening: lanterns and light",
         ["Join us on Friday evening for a late opening with live music, lantern making and curator talks.",
          "Members get in free; tickets for guests from \u00a38."]),
        ("Museum of Northern Art", "events@mona-museum.org.uk", "mona-museum.org.uk", "This month at the museum",
         ["A new exhibition of woodcut prints opens on the 12th. Family workshops run every Saturday morning."]),
        ("Green Fork Kitchen", "recipes@greenfork.kitchen", "greenfork.kitchen", "Five soups for the first cold week",
         ["Roasted squash with sage, a proper minestrone, and a ten-minute miso soup for the busy nights."]),
        ("Stadtteilzeitung Kiel-Düsternbrook", "redaktion@stadtteil-kiel.example", "stadtteil-kiel.example",
         "Neuigkeiten aus dem Viertel – November",
         ["Der Wochenmarkt zieht um, die Bücherei verlängert ihre Öffnungszeiten und am 28.11. ist Laternenumzug."]),
        ("Taskflow", "product@taskflow.app", "taskflow.app", "What's new in Taskflow: offline mode and calendar sync",
         ["Offline mode is here: edit tasks on the train and they sync when you are back online.",
          "Calendar sync now supports CalDAV servers."]),
        ("Taskflow", "product@taskflow.app", "taskflow.app", "Taskflow tips: keyboard shortcuts you might have missed",
         ["Press ? anywhere to see every shortcut. Our favourite: g then t jumps to today."]),
        ("Open Source Weekly", "weekly@oss-weekly.example", "oss-weekly.example",
         "OSS Weekly: maintainers, funding and a new LTS kernel",
         ["Maintainer burnout survey results, a new funding round for a package index, and the next LTS kernel."]),
    ]
    for n, (name, addr, host, subject, paras) in enumerate(issues):
        hdrs, unsub = list_headers(ctx, f"{header_text(name, 'utf-8', 'Q')} <newsletter.{host}>", host)
        links = [("Read online", f"https://{host}/issues/{ctx.digits(3)}"), ("Preferences", f"https://{host}/preferences")]
        plain = subject + "\n\n" + "\n\n".join(paras) + f"\n\nRead online: {links[0][1]}\nUnsubscribe: {unsub}\n"
        rich = page(subject, paras, links, footer=f'<a href="{unsub}">Unsubscribe</a> \u00b7 '
                    f'<img src="https://{host}/open.gif?id={ctx.hexid(8)}" width="1" height="1" alt="">')
        if n % 4 == 3:
            root = html(rich)  # HTML-only newsletter
        else:
            root = alternative(ctx, text(plain), html(rich, cte="base64" if n % 3 == 0 else "quoted-printable"))
        ctx.add(sender=address(name, addr), subject=subject, root=root, labels=["newsletter"],
                folder=".Lists" if n % 5 else "", extra=hdrs, tz="utc", new=n % 6 == 5)


def unlabelled(ctx):
    """Notifications, promotions and chatter that carry none of the labels."""
    ctx.add(sender=address("Codeberg", "noreply@codeberg.example"), subject="[alex/dotfiles] New issue: zshrc breaks on macOS",
            tz="utc", labels=[],
            root=text("sunnyjay opened an issue:\n\nAfter the last change, the prompt shows escape codes on macOS Terminal.\n\n"
                      "View it on Codeberg: https://codeberg.example/alex/dotfiles/issues/7\n"))
    ctx.add(sender=address("Codeberg", "noreply@codeberg.example"), subject="[alex/dotfiles] PR #8 merged",
            tz="utc", labels=[], root=text("Your pull request \"Fix prompt escapes\" was merged by alex.\n"))
    ctx.add(sender=address("Hannah Fischer", "h.fischer@lumen-analytics.com"), subject="lunch?", tz="berlin", labels=[],
            root=text("Thai place at 12:30? Marek is coming too.\n"))
    ctx.add(sender=address("Marek Nowak", "m.nowak@lumen-analytics.com"), subject="slides from today's retro", tz="berlin",
            labels=[], root=text("Hi all, slides are in the team drive under Retros/2026-11. Nothing urgent.\n\nMarek\n"))
    ctx.add(sender=address("ParcelGo", "tracking@parcelgo.example"), subject="Your parcel is out for delivery", tz="london",
            labels=[], root=alternative(ctx, text("Your parcel PG" + ctx.digits(10) + " will arrive today between 13:00 and 15:00.\n"),
                                        html(page("Out for delivery", ["Arriving today, 13:00\u201315:00."],
                                                  [("Track", "https://track.parcelgo.example/PG" + ctx.digits(10))]))))
    ctx.add(sender=address("Pixelhaus", "angebote@pixelhaus.de"), subject="Nur heute: 20 % auf Monitore", tz="berlin",
            labels=[], extra=[("List-Unsubscribe", "<https://www.pixelhaus.de/abmelden>")],
            root=html(page("Angebote", ["Nur heute: 20 % Rabatt auf alle Monitore mit dem Code HERBST20."],
                           [("Jetzt sparen", "https://www.pixelhaus.de/angebote?utm_campaign=herbst")])))
    ctx.add(sender=address("Trailhead Outfitters", "deals@trailhead-outfitters.com"),
            subject="Last chance: winter sale ends tonight", tz="pacific", labels=[],
            root=alternative(ctx, text("Up to 40% off jackets and boots. Ends at midnight.\n"),
                             html(page("Winter sale", ["Up to <b>40% off</b> jackets and boots."],
                                       [("Shop the sale", "https://trailhead-outfitters.com/sale")]))))
    ctx.add(sender=address("Lumen Calendar", "calendar@lumen-analytics.com"), subject="Invitation: Weekly sync @ Mon 10:00",
            tz="berlin", labels=[],
            root=mixed(ctx, text("Hannah Fischer has invited you to Weekly sync, Mondays 10:00-10:30.\n"),
                       Leaf("text/calendar", "BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nSUMMARY:Weekly sync\n"
                                             "DTSTART:20261102T090000Z\nRRULE:FREQ=WEEKLY\nEND:VEVENT\nEND:VCALENDAR\n",
                            charset="utf-8", cte="7bit", filename="invite.ics", disposition="attachment")))
    ctx.add(sender=address("Kettle & Crumb", "feedback@kettleandcrumb.co.uk"), subject="How did we do?", tz="london",
            labels=[], root=text("Tell us about your recent order in a two-minute survey and get 10% off next time.\n"))
    ctx.add(sender=address("Marek Nowak", "m.nowak@lumen-analytics.com"), subject="Automatic reply: slides from today's retro",
            tz="berlin", labels=[], extra=[("Auto-Submitted", "auto-replied")],
            root=text("I am out of office until Monday with limited access to email.\n"))
    ctx.add(sender=address("Fediverse Social", "notifications@social.example"), subject="jo_k and 3 others boosted your post",
            tz="utc", labels=[], new=True,
            root=text("Your post \"finally finished the oak shelf\" was boosted by jo_k, treeline, m_ars and dt.\n"))
    ctx.add(sender=address("Hannah Fischer", "h.fischer@lumen-analytics.com"), subject="Re: dashboard colours",
            tz="berlin", labels=[],
            root=text("Fine by me, go with the blue.\n\n> Shall we use the blue palette for the Q4 charts?\n"))
    ctx.add(sender=address("Weatherline", "alerts@weatherline.example"), subject="Frost expected tonight", tz="london",
            labels=[], root=text("Overnight low of -3\u00b0C expected in your area. Cover tender plants.\n"))
    ctx.add(sender=address("Library Services", "library@leeds-libraries.example"), subject="Your reservation is ready",
            tz="london", labels=[], root=text("\"A Field Guide to Mosses\" is ready to collect at Central Library until 21 Nov.\n"))


def build(ctx):
    digests(ctx)
    editorial(ctx)
    unlabelled(ctx)
