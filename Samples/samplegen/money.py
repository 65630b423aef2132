"""Bank, tax and shop mail: labels finance, important and receipts."""
from .context import Leaf, alternative, html, mixed, page, pdf, text
from .mime import address

BANKS = [
    ("Harbourline Bank", "alerts@harbourline-bank.co.uk", "online.harbourline-bank.co.uk", "GBP", "\u00a3"),
    ("Nordkap Sparkasse", "service@nordkap-sparkasse.de", "banking.nordkap-sparkasse.de", "EUR", "\u20ac"),
    ("Cedar Credit Union", "notices@cedarcu.org", "secure.cedarcu.org", "USD", "$"),
]


def statements(ctx):
    """Monthly statement ready / attached: finance + important."""
    months = ["August", "September", "October"]
    for i, month in enumerate(months):
        name, addr, host, _, cur = BANKS[i % len(BANKS)]
        acct = ctx.digits(4)
        opening = ctx.amount(800, 5200)
        closing = round(opening + ctx.amount(-600, 900), 2)
        body = (f"Dear Alex Brandt,\n\nYour {month} statement for the account ending {acct} is now available.\n\n"
                f"Opening balance: {cur}{opening:,.2f}\nClosing balance: {cur}{closing:,.2f}\n\n"
                "Please review the transactions and tell us within 30 days if anything looks wrong.\n"
                f"You can view and download statements at https://{host}/statements\n\n"
                f"Kind regards,\n{name} Customer Service\n\n"
                "This mailbox is not monitored. Please do not reply to this email.\n")
        if i == 1:
            root = mixed(ctx, text(body), pdf(ctx, f"Kontoauszug_{month[:3]}_2026.pdf", f"Statement {month} 2026"))
        else:
            rich = page(f"{month} statement", [p.replace("\n", "<br>") for p in body.split("\n\n")[:-1]],
                        [("View statement", f"https://{host}/statements?acct=****{acct}")])
            root = alternative(ctx, text(body), html(rich))
        ctx.add(sender=address(name, addr), subject=f"Your {month} statement is ready", root=root,
                labels=["finance", "important"], tz="london")


def alerts(ctx):
    """Account alerts that need action: finance + important."""
    name, addr, host, _, cur = BANKS[0]
    amt = ctx.amount(40, 400)
    ctx.add(sender=address(name, addr), subject="Did you make this purchase?",
            root=text(f"We noticed a card payment of {cur}{amt:.2f} to ONLINE-ELEC-STORE LTD that does not match your usual spending.\n\n"
                      "If this was you, there is nothing to do. If it was not, freeze your card straight away in the app "
                      f"or call us on 0800 555 0143.\n\nWe will never ask for your PIN or full password by email.\n\n{name} Fraud Team\n"),
            labels=["finance", "important"], tz="london")
    ctx.add(sender=address("Cedar Credit Union", "notices@cedarcu.org"), subject="Low balance: checking account below $100",
            root=text(f"Hi Alex,\n\nThe available balance on checking ...{ctx.digits(4)} dropped to $62.18 after today's transactions.\n"
                      "A scheduled payment of $145.00 to Riverside Utilities is due on Friday.\n\n"
                      "Move money or adjust the payment to avoid an overdraft fee.\n\nCedar Credit Union\n"),
            labels=["finance", "important"], tz="newyork")
    ctx.add(sender=address("Nordkap Sparkasse", "service@nordkap-sparkasse.de"),
            subject="Lastschrift konnte nicht eingelöst werden",
            root=text("Sehr geehrter Herr Brandt,\n\nleider konnte die Lastschrift der Stadtwerke Kiel über 87,40 EUR "
                      "mangels Deckung nicht eingelöst werden. Bitte sorgen Sie für ausreichende Deckung auf Ihrem "
                      "Girokonto, damit die Zahlung erneut eingezogen werden kann.\n\nMit freundlichen Grüßen\n"
                      "Ihre Nordkap Sparkasse\n", charset="iso-8859-1"),
            labels=["finance", "important"], tz="berlin_summer", subject_charset="iso-8859-1", subject_enc="Q")
    ctx.add(sender=address("Finanzamt Kiel-Nord", "poststelle@fa-kiel-nord.example"),
            subject="Ihr Steuerbescheid 2025 liegt vor – Nachzahlung fällig",
            root=mixed(ctx, text("Sehr geehrter Herr Brandt,\n\nfür das Veranlagungsjahr 2025 ergibt sich eine Nachzahlung "
                                 f"von {ctx.amount(150, 900):.2f} EUR. Der Betrag ist bis zum 15.12.2026 auf das unten "
                                 "genannte Konto zu überweisen. Den vollständigen Bescheid finden Sie im Anhang.\n\n"
                                 "Einspruch kann innerhalb eines Monats nach Bekanntgabe eingelegt werden.\n\n"
                                 "Ihr Finanzamt\n", charset="iso-8859-1", cte="quoted-printable"),
                       pdf(ctx, "Steuerbescheid_2025.pdf", "Bescheid 2025")),
            labels=["finance", "important"], tz="berlin", subject_enc="B")
    ctx.add(sender=address("Greystone Mortgages", "servicing@greystone-mortgages.co.uk"),
            subject="Important: your fixed rate ends on 31 January",
            root=text("Dear Mr Brandt,\n\nYour two-year fixed rate of 3.89% on mortgage account GM-"
                      f"{ctx.digits(7)} ends on 31 January 2027. After that date you would move to our standard "
                      "variable rate, currently 7.24%, and your monthly repayment would rise by about \u00a3310.\n\n"
                      "You can choose a new product up to six months before the end date. Book a call with an adviser "
                      "or compare rates online.\n\nGreystone Mortgages\n"),
            labels=["finance", "important"], tz="london")
    ctx.add(sender=address("Northstar Card Services", "billing@northstar-card.com"),
            subject="Payment due in 3 days",
            root=alternative(ctx, text(f"Your minimum payment of $35.00 is due on Nov 28. Statement balance: ${ctx.amount(400, 1900):.2f}.\n"
                                       "Pay in full to avoid interest charges (24.99% APR).\n"),
                             html(page("Payment due", ["Your minimum payment of <b>$35.00</b> is due on <b>Nov 28</b>.",
                                                       "Pay in full to avoid interest charges."],
                                       [("Make a payment", "https://account.northstar-card.com/pay")]))),
            labels=["finance", "important"], tz="pacific")
    ctx.add(sender=address("Bluewater Pensions", "members@bluewater-pensions.co.uk"),
            subject="Your annual pension statement",
            root=mixed(ctx, text("Hello Alex,\n\nYour annual benefit statement is attached. Your pot is worth "
                                 f"\u00a3{ctx.amount(18000, 42000):,.2f} and contributions this year were \u00a34,812.00.\n"
                                 "Check that your nominated beneficiaries are still right.\n\nBluewater Pensions\n"),
                       pdf(ctx, "annual-statement-2026.pdf", "Benefit statement")),
            labels=["finance", "important"], tz="london")
    ctx.add(sender=address("Riverside Utilities", "billing@riverside-utilities.com"),
            subject="Final notice: account overdue",
            root=text("Account 44-" + ctx.digits(6) + "\n\nWe have not received payment for your September bill "
                      "($128.55). To avoid a late fee and a possible service interruption, please pay by November 30.\n"
                      "If you have already paid, thank you, and please ignore this notice.\n"),
            labels=["finance", "important"], tz="newyork")


SHOPS = [
    ("Kettle & Crumb", "orders@kettleandcrumb.co.uk", "kettleandcrumb.co.uk", "\u00a3",
     ["Stoneware teapot, 1.2 l", "Loose leaf Assam, 250 g", "Bamboo tea scoop"]),
    ("Pixelhaus", "bestellung@pixelhaus.de", "www.pixelhaus.de", "\u20ac",
     ["USB-C Ladekabel 2 m", "Mechanische Tastatur (ISO-DE)", "Monitorhalterung"]),
    ("Trailhead Outfitters", "receipts@trailhead-outfitters.com", "trailhead-outfitters.com", "$",
     ["Merino base layer, M", "Trekking poles (pair)", "Insulated bottle 750 ml"]),
    ("Paperleaf Books", "hello@paperleafbooks.com", "paperleafbooks.com", "$",
     ["The Quiet Orchard (paperback)", "A Field Guide to Mosses", "Gift wrap"]),
]


def orders(ctx):
    """Order confirmations from online shops: receipts + finance."""
    for round_ in range(2):
        for name, addr, host, cur, items in SHOPS:
            chosen = ctx.rng.sample(items, ctx.rng.randint(1, len(items)))
            prices = [ctx.amount(4, 120) for _ in chosen]
            total = sum(prices) + 3.95
            order = ctx.digits(8)
            lines = "\n".join(f"  {it:<34} {cur}{p:>8.2f}" for it, p in zip(chosen, prices))
            opener = ctx.pick(["Thanks for your order!", "We've received your order.",
                               "Good news: your order is confirmed.", "Thank you for shopping with us."])
            body = (f"Hi Alex,\n\n{opener} Order #{order}\n\n{lines}\n  {'Shipping':<34} {cur}    3.95\n"
                    f"  {'Total charged':<34} {cur}{total:>8.2f}\n\nPaid with Visa ending {ctx.digits(4)}.\n"
                    f"Track it at https://{host}/account/orders/{order}\n\n{name}\n")
            rows = "".join(f"<tr><td>{it}</td><td align=\"right\">{cur}{p:.2f}</td></tr>" for it, p in zip(chosen, prices))
            rich = page(f"Order {order}", [f"Hi Alex, {opener}", f"<table>{rows}<tr><td><b>Total</b></td>"
                                          f"<td align=\"right\"><b>{cur}{total:.2f}</b></td></tr></table>"],
                        [("Track your parcel", f"https://{host}/account/orders/{order}")],
                        footer=f"<img src=\"https://{host}/img/logo.png\" alt=\"{name} logo\">")
            subject = ctx.pick([f"Order confirmation #{order}", f"Your {name} order {order}",
                                f"Receipt for order {order}", "We've got your order"])
            if round_ == 1 and cur == "\u20ac":
                subject = f"Ihre Bestellung Nr. {order} – Bestellbestätigung"
            root = alternative(ctx, text(body), html(rich, cte="quoted-printable" if round_ == 0 else "base64"))
            ctx.add(sender=address(name, addr), subject=subject, root=root, labels=["receipts", "finance"],
                    folder=".Receipts" if ctx.chance(0.7) else "", tz="utc")


def other_receipts(ctx):
    """Tickets, subscriptions, invoices, refunds: receipts + finance."""
    ctx.add(sender=address("Eastcoast Rail", "tickets@eastcoast-rail.co.uk"),
            subject="Your e-ticket: London Kings Cross \u2192 York",
            root=mixed(ctx, text(f"Booking reference {ctx.hexid(6).upper()}\nOutbound: 14 Nov 2026 09:30, coach C seat 42\n"
                                 "Fare: Advance Single, \u00a334.60, paid by card.\nYour ticket is attached as a PDF; "
                                 "show it on your phone or print it.\n"),
                       pdf(ctx, "eticket.pdf", "E-ticket")),
            labels=["receipts", "finance"], folder=".Receipts", tz="london")
    ctx.add(sender=address("Streamly", "no-reply@streamly.tv"),
            subject="Your subscription has been renewed",
            root=text("Hi Alex,\n\nThanks for staying with Streamly. We charged \u20ac12.99 to your card for another month "
                      "of the Standard plan (1 Nov \u2013 30 Nov 2026).\n\nInvoice no. STR-" + ctx.digits(9) +
                      "\nManage your plan any time in Account \u203a Billing.\n", charset="windows-1252", cte="quoted-printable"),
            labels=["receipts", "finance"], tz="utc")
    ctx.add(sender=address("Fjordline Energy", "rechnung@fjordline-energie.de"),
            subject="Ihre Stromrechnung für Oktober",
            root=mixed(ctx, text("Guten Tag Herr Brandt,\n\nanbei Ihre Rechnung für Oktober 2026. Verbrauch: 212 kWh, "
                                 "Betrag: 71,18 € (inkl. 19 % MwSt.). Der Betrag wird am 05.11. per SEPA-Lastschrift "
                                 "eingezogen.\n\nFreundliche Grüße\nFjordline Energie\n", charset="iso-8859-15",
                                 cte="8bit"),
                       pdf(ctx, "Rechnung_2026-10.pdf", "Rechnung Oktober")),
            labels=["receipts", "finance"], folder=".Receipts", tz="berlin", subject_charset="iso-8859-1", subject_enc="Q")
    ctx.add(sender=address("Trailhead Outfitters", "receipts@trailhead-outfitters.com"),
            subject="Refund processed for your return",
            root=text("Hi Alex,\n\nWe've received the trekking poles you sent back and refunded $59.00 to your original "
                      "payment method. Depending on your bank it can take 3-5 business days to show up.\n\n"
                      "Return ID RT-" + ctx.digits(6) + "\n"),
            labels=["receipts", "finance"], folder=".Receipts", tz="pacific")
    ctx.add(sender=address("Noodle Dash", "orders@noodledash.app"),
            subject="Your Friday night order from Pho Saigon",
            root=alternative(ctx, text("2x Pho bo             \u00a321.00\n1x Summer rolls        \u00a35.50\n"
                                       "Delivery               \u00a32.49\nRider tip              \u00a32.00\n"
                                       "Total                  \u00a330.99\n\nRate your order in the app.\n"),
                             html(page("Order delivered", ["Enjoy your meal!", "Total paid: <b>\u00a330.99</b>"],
                                       [("Rate your order", "https://noodledash.app/r/" + ctx.hexid(10))]))),
            labels=["receipts", "finance"], tz="london")
    ctx.add(sender=address("Citygarage Parking", "parking@citygarage.example"),
            subject="Receipt: parking session 2h 15m",
            root=text("Location: Marktplatz level -2\nStart 14:05, end 16:20\nAmount: EUR 6.50\nPaid with Apple Pay\n"
                      "VAT 19% included: EUR 1.04\n"),
            labels=["receipts", "finance"], folder=".Receipts", tz="berlin_summer")
    ctx.add(sender=address("Harbor Apps", "no_reply@store.harborapps.example"), subject="Your receipt from Harbor Apps",
            root=html(page("Receipt", [f"Document no. {ctx.digits(12)}", "Sketchbook Pro – yearly subscription "
                                       "<b>£19.99</b>", "Billed to Visa •••• " + ctx.digits(4)],
                           [("Report a problem", "https://reportaproblem.harborapps.example/")],
                           footer="Harbor Apps Ltd, 1 Quay Street, Bristol")),
            labels=["receipts", "finance"], folder=".Receipts", tz="utc")
    ctx.add(sender=address("Stayfinder", "confirmations@stayfinder.example"),
            subject="Booking confirmed: Hotel Alster Blick, 21-23 Dec",
            root=alternative(ctx, text("Thanks, Alex – your stay is booked and paid.\n\nHotel Alster Blick, Hamburg\n"
                                       "Check-in 21 Dec from 15:00, check-out 23 Dec by 11:00\n2 nights, double room, "
                                       "breakfast included\nTotal paid: €236.00 (incl. city tax)\n\n"
                                       "Free cancellation until 18 Dec.\n", cte="base64"),
                             html(page("Booking confirmed", ["Hotel Alster Blick, Hamburg", "2 nights, total paid "
                                                             "<b>€236.00</b>"],
                                       [("Manage booking", "https://secure.stayfinder.example/booking/" + ctx.hexid(12))]))),
            labels=["receipts", "finance"], tz="berlin")
    ctx.add(sender=address("Riverbank Food Bank", "donations@riverbankfoodbank.org.uk"),
            subject="Thank you for your donation",
            root=text("Dear Alex,\n\nThank you for your gift of £25.00 on 2 November. This is your receipt for your "
                      "records; as you ticked the Gift Aid box, we can claim an extra £6.25 from HMRC.\n\n"
                      "Receipt number RFB-" + ctx.digits(5) + "\n"),
            labels=["receipts", "finance"], folder=".Receipts", tz="london")
    ctx.add(sender=address("Apotheke am Hafen", "shop@apotheke-am-hafen.example"),
            subject="Ihre Bestellung ist unterwegs – Rechnung anbei",
            root=mixed(ctx, text("Guten Tag,\n\nvielen Dank für Ihren Einkauf. Ihre Bestellung (Vitamin D3, "
                                 "Nasenspray, Pflaster) wurde heute versendet. Rechnungsbetrag: 23,47 €, bezahlt per PayPal.\n",
                                 cte="quoted-printable"),
                       pdf(ctx, "Rechnung-" + ctx.digits(6) + ".pdf", "Rechnung")),
            labels=["receipts", "finance"], folder=".Receipts", tz="berlin")
    ctx.add(sender=address("Leeds City Council", "counciltax@leeds-council.example"),
            subject="Council tax: change to your instalments",
            root=text("Dear Mr Brandt,\n\nFollowing the single person discount review, your council tax for 2026/27 "
                      "has been recalculated. Your remaining instalments will be £138.00 a month from December, "
                      "collected by direct debit on the 1st. If you think this is wrong, contact us within one month.\n"),
            labels=["finance", "important"], tz="london")


def money_newsletters(ctx):
    """Market commentary and savings tips sent in bulk: newsletter + finance."""
    pieces = [
        ("Harvest Invest Weekly", "weekly@harvest-invest.com", "harvest-invest.com",
         "Markets this week: bonds rally as rate cut hopes grow",
         "Government bond yields fell for a third week, and the broad equity index closed 1.4% higher. "
         "Our portfolio managers explain why they are adding duration and trimming tech exposure."),
        ("Harvest Invest Weekly", "weekly@harvest-invest.com", "harvest-invest.com",
         "Five questions to ask before you rebalance",
         "Rebalancing is dull, which is why it works. We look at thresholds versus calendar rebalancing, costs and taxes."),
        ("Nordkap Sparkasse", "newsletter@nordkap-sparkasse.de", "nordkap-sparkasse.de",
         "Sparen mit System: Ihr Newsletter im November",
         "Tagesgeld, Festgeld oder ETF-Sparplan? Wir vergleichen, was sich bei den aktuellen Zinsen lohnt."),
        ("The Frugal Ledger", "letters@frugalledger.blog", "frugalledger.blog",
         "Issue #87: the 30-day rule and cheap winter heating",
         "This week a reader explains how waiting thirty days before any purchase over $50 cut her spending by a fifth."),
    ]
    for name, addr, host, subject, lead in pieces:
        unsub = f"https://{host}/unsubscribe?u={ctx.hexid(16)}"
        extra = [("List-Id", f"{name} <news.{host}>"), ("List-Unsubscribe", f"<{unsub}>, <mailto:unsubscribe@{host}>"),
                 ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click"), ("Precedence", "bulk")]
        plain = f"{subject}\n\n{lead}\n\nRead the full issue: https://{host}/issues/{ctx.digits(3)}\n\nUnsubscribe: {unsub}\n"
        rich = page(subject, [lead, "Capital at risk. Past performance is not a guide to future returns."],
                    [("Read more", f"https://{host}/issues/{ctx.digits(3)}?utm_source=newsletter")],
                    footer=f'You receive this because you subscribed. <a href="{unsub}">Unsubscribe</a>')
        ctx.add(sender=address(name, addr), subject=subject, root=alternative(ctx, text(plain), html(rich)),
                labels=["newsletter", "finance"], folder=".Lists", extra=extra, tz="utc",
                new=ctx.chance(0.3))


def build(ctx):
    statements(ctx)
    alerts(ctx)
    orders(ctx)
    other_receipts(ctx)
    money_newsletters(ctx)
