"""Friends, family and work: labels personal and important."""
from .context import Leaf, alternative, html, jpeg, mixed, page, pdf, text
from .mime import address

MAYA = address("Maya Okafor", "maya.okafor@gmail.com")
JONAS = address("Jonas Weber", "jonas.weber@web.de")
PRIYA = address("Priya Nair", "priya.nair@outlook.com")
TOM = address("Tom Hale", "tomhale@fastmail.com")
LENA = address("Lena Brandt", "lena.brandt@posteo.de")
MUM = address("Ingrid Brandt", "ingrid.brandt@t-online.de")
CHLOE = address("Chloé Martin", "chloe.martin@free.fr", "utf-8", "Q")
DANIEL = address("Daniel O'Connor", "dan.oconnor@protonmail.com")
RUTH = address("Ruth Ellison", "ruth.ellison@btinternet.com")


def quote(body):
    return "\n".join("> " + line if line else ">" for line in body.strip().split("\n"))


def personal(ctx):
    """Everyday mail from friends and family."""
    a = ctx.add(sender=MAYA, subject="Hike on Saturday?", tz="london", labels=["personal"],
                root=text("Hey Alex,\n\nThe forecast for Saturday finally looks dry. Fancy the ridge walk from "
                          "Hathersage? I can drive, pick you up around 8:30. Bring the good sandwiches this time :)\n\n"
                          "Maya\n"))
    ctx.add(sender=MAYA, subject="Re: Hike on Saturday?", tz="london", labels=["personal"], reply_to=a,
            root=text("Brilliant, see you at 8:30 then. Sam might come along too, hope that's ok.\n\n"
                      "On Thu, Alex Brandt wrote:\n" + quote("Count me in! I'll bring the sandwiches and a flask.")))
    ctx.add(sender=MAYA, subject="photos from the ridge", tz="london", labels=["personal"],
            root=mixed(ctx, text("Here are the two best ones. You look very heroic on the trig point.\n\nx Maya\n"),
                       jpeg(ctx, "IMG_2041.jpg"), jpeg(ctx, "IMG_2055.jpg")))
    b = ctx.add(sender=JONAS, subject="Grillen am Samstag?", tz="berlin_summer", labels=["personal"],
                subject_charset="iso-8859-1", subject_enc="Q",
                root=text("Moin Alex,\n\nwir wollen Samstag ab 17 Uhr bei uns im Garten grillen. Bring gern jemanden mit. "
                          "Für Getränke ist gesorgt, Salat wäre super.\n\nViele Grüße\nJonas\n", charset="iso-8859-1", cte="8bit"))
    ctx.add(sender=JONAS, subject="Re: Grillen am Samstag?", tz="berlin_summer", labels=["personal"], reply_to=b,
            root=text("Super, dass du kommst! Nudelsalat klingt gut. Unsere Adresse hat sich nicht geändert, "
                      "klingel einfach zweimal.\n\nGrüße\nJonas\n\n" + quote("Ich bin dabei, ich bringe Nudelsalat mit."),
                      charset="iso-8859-1", cte="quoted-printable"))
    ctx.add(sender=PRIYA, subject="That dal recipe you asked for", tz="london", labels=["personal"],
            root=text("Hi Alex,\n\nAs promised \u2013 my mum\u2019s tarka dal:\n\n"
                      "250 g red lentils, rinsed\n1 onion, 3 garlic cloves, thumb of ginger\n1 tsp cumin seeds, 1 tsp turmeric\n"
                      "\u201cThe secret\u201d is frying the spices in ghee right at the end and pouring it over.\n\n"
                      "Let me know how it turns out!\nPriya\n", charset="windows-1252", cte="quoted-printable"))
    ctx.add(sender=TOM, subject="pub quiz tuesday", tz="london", labels=["personal"],
            root=text("we're one short for the quiz at the Crown on tuesday, you in? last time we lost on the music round "
                      "so your 90s knowledge is much needed\n\ntom\n"))
    ctx.add(sender=LENA, subject="Geschenk für Mama", tz="berlin", labels=["personal"], subject_enc="Q",
            root=text("Hi Alex,\n\nMama hat ja bald Geburtstag. Wie wäre es mit einem Kurs in der Töpferwerkstatt? "
                      "Wir könnten uns die Kosten teilen. Sag mir bis nächste Woche Bescheid.\n\nLena\n"))
    ctx.add(sender=MUM, subject="Sonntag", tz="berlin", labels=["personal"],
            root=text("Lieber Alex,\n\nbei uns ist alles gut. Die Äpfel sind dieses Jahr reichlich, Papa hat schon "
                      "drei Kisten eingelagert. Rufst du Sonntag an? Wir sind ab 15 Uhr zu Hause.\n\n"
                      "Liebe Grüße, Mama\n", charset="iso-8859-1", cte="quoted-printable"))
    ctx.add(sender=CHLOE, subject="Carte postale de Lyon", tz="berlin", labels=["personal"], new=True,
            root=alternative(ctx, text("Coucou Alex !\n\nJe suis à Lyon pour le week-end. Il fait beau, on a mangé "
                                       "dans un bouchon incroyable près de la Saône. Tu devrais venir au printemps.\n\nBises,\nChloé\n"),
                             html(page("Lyon", ["Coucou Alex !", "Je suis à Lyon pour le week-end. Il fait beau, on a "
                                               "mangé dans un bouchon incroyable près de la Saône.", "Bises,<br>Chloé"],
                                       [], style=False))))
    d = ctx.add(sender=DANIEL, subject="long time no see", tz="newyork", labels=["personal"],
            root=text("Alex!\n\nIt's been what, three years? I finally moved to Boston for the new job and I'm loving it, "
                      "though the winters are no joke. Kids are 6 and 9 now and obsessed with ice hockey.\n\n"
                      "Are you still doing the woodworking? Send pictures. And if you're ever over this side of the "
                      "Atlantic, we've got a spare room.\n\nDan\n"))
    ctx.add(sender=DANIEL, subject="Re: long time no see", tz="newyork", labels=["personal"], reply_to=d,
            root=text("Ha, that shelf looks amazing. Pencil us in for a visit next summer then - the kids want to see "
                      "a real castle.\n\n" + quote("Still woodworking, just finished an oak shelf. Photos attached!")))
    ctx.add(sender=TOM, subject="band practice moved to thurs", tz="london", labels=["personal"],
            root=text("heads up, the rehearsal room is double booked on wednesday so we're doing thursday 7pm instead. "
                      "bring the new chords for the second song pls\n\nt\n"))
    ctx.add(sender=CHLOE, subject="Re: Carte postale de Lyon", tz="berlin", labels=["personal"],
            root=mixed(ctx, text("Voilà la photo du marché dont je parlais. Avril, c'est noté ? Je te garde le canapé.\n\nChloé\n"),
                       jpeg(ctx, "marche-lyon.jpg")))
    ctx.add(sender=PRIYA, subject="Some news \U0001F476", tz="london", labels=["personal"],
            root=text("Hi everyone,\n\nWe're so happy to tell you that Arjun was born on Tuesday morning, 3.4 kg, "
                      "and both of us are doing well (if a little sleepy). Visitors welcome from next week.\n\n"
                      "Love, Priya & Ben\n"))
    ctx.add(sender=RUTH, subject="took in a parcel for you", tz="london", labels=["personal"],
            root=text("Hello Alex, the courier left a box with me this morning. I'm in all afternoon, just knock. "
                      "Also, thank you again for fixing the fence!\n\nRuth (no. 14)\n"))
    ctx.add(sender=TOM, subject="Re: pub quiz tuesday", tz="london", labels=["personal"],
                root=text("result: second place!! lost by one point on the geography round. same time next month?\n\ntom\n"))
    ctx.add(sender=LENA, subject="Weihnachten", tz="berlin", labels=["personal"], new=True,
            root=text("Hey,\n\nkommst du dieses Jahr schon am 23.? Dann könnten wir zusammen den Baum holen wie früher. "
                      "Max freut sich riesig auf seinen Onkel.\n\nLena\n"))
    ctx.add(sender=MAYA, subject="Fwd: bouldering gym discount", tz="london", labels=["personal"],
            root=text("Thought you might like this, we could go on Wednesdays?\n\n---------- Forwarded message ---------\n"
                      "From: Peak Wall Climbing <hello@peakwall.co.uk>\nSubject: Bring a friend for free in November\n\n"
                      "Members can bring a friend for free every Wednesday in November.\n"))


def undeclared_charset(ctx):
    """An old mailer that sends Latin-1 bytes without declaring a charset (so: us-ascii)."""
    body = ("Hallo Alex,\n\nschöne Grüße aus Bremen! Tante Gerda und ich haben uns über deine Karte sehr gefreut. "
            "Im Frühjahr kommen wir vielleicht nach England, dann melden wir uns.\n\nDein Onkel Heinz\n")
    ctx.add(sender=address("Heinz Brandt", "heinz.brandt@arcor.de"), subject="Gruss aus Bremen", tz="berlin",
            labels=["personal"], root=Leaf("text/plain", body.encode("iso-8859-1"), cte="8bit"),
            extra=[("X-Mailer", "Pegasus Mail for Windows (4.41)")])


def personal_important(ctx):
    """Family and friends about things that must not be missed."""
    ctx.add(sender=LENA, subject="Mama ist im Krankenhaus – bitte ruf an", tz="berlin", labels=["personal", "important"],
            root=text("Alex,\n\nMama ist heute Morgen gestürzt und liegt jetzt im Städtischen Krankenhaus, Station 4B. "
                      "Es ist wohl nur das Handgelenk, aber sie wird morgen operiert. Bitte ruf mich so schnell wie "
                      "möglich an: 0171 5550 218.\n\nLena\n", charset="utf-8", cte="base64"))
    a = ctx.add(sender=MUM, subject="Flüge zu Weihnachten", tz="berlin", labels=["personal", "important"],
                subject_charset="iso-8859-1", subject_enc="Q",
                root=text("Lieber Alex,\n\nich möchte die Flüge heute Abend buchen. Ich brauche bis Freitag deine "
                          "Passnummer und das Ablaufdatum, sonst sind die günstigen Plätze weg.\n\nMama\n",
                          charset="iso-8859-1", cte="quoted-printable"))
    ctx.add(sender=MUM, subject="Re: Flüge zu Weihnachten", tz="berlin", labels=["personal", "important"], reply_to=a,
            subject_charset="iso-8859-1", subject_enc="Q",
            root=text("Danke! Gebucht. Ankunft am 22.12. um 18:40 in Hamburg, Papa holt dich ab. Die Bestätigung "
                      "schicke ich dir noch.\n\n" + quote("Passnummer ist C4F8K2L9M, gültig bis 2031."),
                      charset="iso-8859-1", cte="8bit"))
    ctx.add(sender=MAYA, subject="Wedding RSVP - please reply by 1 October", tz="london", labels=["personal", "important"],
            root=alternative(ctx, text("Alex! It's really happening. Please RSVP by 1 October so we can give the venue "
                                       "final numbers, and tell us about any dietary needs. Plus-one welcome.\n\nMaya & Sam\n"),
                             html(page("RSVP", ["Alex! It's really happening.", "Please RSVP by <b>1 October</b>."],
                                       [("RSVP here", "https://maya-and-sam.wedsite.example/rsvp")]))))
    ctx.add(sender=TOM, subject="big favour - guarantor for the flat", tz="london", labels=["personal", "important"],
            root=text("Hey Alex,\n\nawkward one: the letting agent wants a UK guarantor for my new flat and you're the "
                      "only person I trust to ask. They'll email you a form today, it needs signing by Thursday or I lose "
                      "the place. Happy to explain over a pint. Honestly no pressure if you'd rather not.\n\nTom\n"))
    ctx.add(sender=PRIYA, subject="Would you be Arjun's godparent?", tz="london", labels=["personal", "important"],
            root=text("Dear Alex,\n\nBen and I would love you to be Arjun\u2019s godparent. The naming ceremony is on "
                      "Sunday 13 December at 11:00. Could you let us know by the end of the month?\n\nPriya\n",
                      charset="windows-1252", cte="quoted-printable"))
    ctx.add(sender=LENA, subject="Papas 70. - Überraschung, nicht verraten!", tz="berlin", labels=["personal", "important"],
            subject_enc="B",
            root=text("Hallo Alex,\n\nwir planen für Papas 70. eine Überraschungsfeier am 9. Januar. Kannst du eine kurze "
                      "Rede halten? Und bitte bis zum 1.12. Bescheid geben, ob du kommst, wir müssen den Saal bestätigen.\n\n"
                      "Lena\n", cte="quoted-printable"))


COLLEAGUE = address("Hannah Fischer", "h.fischer@lumen-analytics.com")
IT = address("Lumen IT Service Desk", "servicedesk@lumen-analytics.com")


def important(ctx):
    """Work, health, housing and security mail that needs action."""
    ctx.add(sender=COLLEAGUE, subject="Contract for Kestrel project needs your signature by Friday", tz="berlin",
            labels=["important"],
            root=mixed(ctx, text("Hi Alex,\n\nlegal has signed off the Kestrel statement of work. Please sign it in the "
                                 "e-sign portal by Friday noon, otherwise the client start date slips to January.\n\n"
                                 "Thanks,\nHannah\n"),
                       pdf(ctx, "Kestrel-SOW-v3.pdf", "SOW")))
    ctx.add(sender=IT, subject="Your password expires in 2 days", tz="berlin", labels=["important"],
            root=text("Your Lumen account password expires in 2 days. Change it at https://sso.lumen-analytics.com/password "
                      "before it expires to keep access to email and VPN.\n\nLumen IT\n"))
    ctx.add(sender=address("Marek Nowak", "m.nowak@lumen-analytics.com"), subject="INCIDENT: ingest pipeline down (P1)",
            tz="berlin", labels=["important"],
            root=text("Alex, the nightly ingest for the retail dashboard failed at 02:14 and customers see stale data. "
                      "You're on call this week - can you join the bridge ASAP? Link in the incident channel.\n\nMarek\n"))
    ctx.add(sender=address("Elm Street Dental", "appointments@elmstreetdental.co.uk"),
            subject="Appointment reminder: Tue 17 Nov, 08:40", tz="london", labels=["important"],
            root=text("Dear Alex,\n\nThis is a reminder of your check-up with Dr Shah on Tuesday 17 November at 08:40. "
                      "If you cannot attend, please give us 24 hours' notice, otherwise a fee may apply.\n"))
    ctx.add(sender=address("Fastmail Security", "security@accounts.fastmail.example"),
            subject="New sign-in from Firefox on Linux", tz="utc", labels=["important"],
            root=alternative(ctx, text("We noticed a new sign-in to your account from Firefox on Linux near Leeds, UK. "
                                       "If this wasn't you, change your password now and review your sessions.\n"),
                             html(page("New sign-in", ["We noticed a new sign-in from <b>Firefox on Linux</b> near Leeds, UK."],
                                       [("Review activity", "https://accounts.fastmail.example/security/sessions")]))))
    ctx.add(sender=address("German Consulate Appointments", "termine@consulate-appointments.example"),
            subject="Terminbestätigung / appointment confirmation", tz="london", labels=["important"],
            root=text("Your appointment for a passport application is confirmed: 3 December 2026, 10:15, counter 2.\n"
                      "Bring: the completed form, one biometric photo, your old passport and the fee in cash.\n"))
    ctx.add(sender=address("Parkside Lettings", "maintenance@parkside-lettings.co.uk"),
            subject="Water off on Tuesday 09:00-13:00", tz="london", labels=["important"],
            root=text("Dear resident,\n\nthe water supply to Flat 3 will be turned off on Tuesday between 09:00 and 13:00 "
                      "while the plumber replaces the main valve. Please make sure someone can let him in.\n\nParkside Lettings\n"))
    ctx.add(sender=address("Domainly", "renewals@domainly.example"),
            subject="brandt-family.net expires in 7 days", tz="utc", labels=["important"], new=True,
            root=text("Auto-renew is off for brandt-family.net. If the domain expires, email to "
                      "alex@brandt-family.net will stop working. Renew now to keep it.\n"))
    ctx.add(sender=address("Lumen People Team", "people@lumen-analytics.com"),
            subject="Action required: benefits enrolment closes 30 November", tz="berlin", labels=["important"],
            root=text("Hi Alex,\n\nOpen enrolment for 2027 benefits closes on 30 November. If you do nothing, your current "
                      "choices roll over, except the commuter allowance which must be re-elected every year.\n"))
    ctx.add(sender=address("Harbour Motor Insurance", "claims@harbour-motor.example"),
            subject="Claim HM-88213: documents needed", tz="london", labels=["important", "finance"],
            root=text("Dear Mr Brandt,\n\nto settle your claim we still need the repair estimate and photos of the damage. "
                      "Once we have them we can pay the \u00a31,240 settlement, less your \u00a3250 excess.\n"))
    ctx.add(sender=address("Open University", "exams@open-uni.example"),
            subject="Exam registration closes Friday", tz="london", labels=["important"],
            root=text("You have not yet registered for the M248 exam. Registration closes this Friday at 23:59. "
                      "Late registration is not possible.\n"))


def more_important(ctx):
    """Health and work mail that asks for action soon."""
    ctx.add(sender=address("Meanwood Medical Practice", "reception@meanwood-practice.example"),
            subject="Please book a follow-up appointment", tz="london", labels=["important"],
            root=text("Dear Alex Brandt,\n\nThe doctor has reviewed your recent blood test results and would like to "
                      "discuss them with you. Please call the surgery on 0113 496 0187 to book an appointment in the "
                      "next two weeks. This is routine and not an emergency.\n"))
    ctx.add(sender=COLLEAGUE, subject="Board review moved to Monday - slides due tomorrow 5pm", tz="berlin",
            labels=["important"],
            root=text("Alex,\n\nthe board moved the quarterly review forward to Monday. I need your section of the "
                      "slides (pipeline reliability, two pages max) by tomorrow 5pm so I can merge everything.\n\nHannah\n"))


def build(ctx):
    personal(ctx)
    undeclared_charset(ctx)
    personal_important(ctx)
    important(ctx)
    more_important(ctx)
