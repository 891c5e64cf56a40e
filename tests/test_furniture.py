"""Web-page furniture by kind (issue 13): each kind of furniture on a made-up fixture is
removed by the rule for its kind and logged; what looks like it in running text stays;
a published line's date becomes the document's; the labelled set is well formed and its
scorer counts right; no sentence of any reference coding is removed."""

from __future__ import annotations

import csv
import dataclasses
import functools
import hashlib
import math
from pathlib import Path

import pandas as pd
import pytest

from helpers import clean, corpus, documents, evaluation, furniture, paths, stages

RULES = clean.load_rules()


def _removed_by(text: str) -> dict[str, str]:
    """Each removed line's text → the rule that removed it."""
    _, removed = clean.segment(text, "t.txt", RULES)
    return {r["text"].strip(): r["rule"] for r in removed if r["rule"] not in furniture.NOT_LINE_REMOVALS}


def _kept(text: str) -> list[str]:
    sentences, _ = clean.segment(text, "t.txt", RULES)
    return [s["text"] for s in sentences]


BODY = "Socialnämnden beslutade i går att införa tillitsbaserad styrning i hela förvaltningen."

# one made-up page per kind: (kind, furniture lines, rule expected)
KINDS = [
    ("skip link", ["Till innehåll på sidan", "Hoppa till huvudinnehållet"], "skip-link"),
    ("logo link", ["Exempelverket logotyp, länk till startsidan."], "skip-link"),
    ("print, listen, copy", ["Skriv ut", "Lyssna", "Kopiera länk", "Öppnas i nytt fönster."], None),
    ("download prompt", ["Ladda ner som pdf", "Visa hela dokumentet"], "controls"),
    ("read more", ["Läs mer om äldreomsorgen"], "site-list"),
    ("search widget", ["Din sökning gav inga träffar.", "• No results found"], "search-widget"),
    ("cookie", ["Vi använder kakor för att förbättra webbplatsen.", "Jag förstår"], "cookie-notice"),
    ("breadcrumb", ["Du är här: Start / Omsorg / Äldreomsorg"], "navigation"),
    ("menu", ["Vänstermeny", "Post 3 av 120 träffar", "Föregående", "Nästa"], "navigation"),
    ("rating", ["Var den här sidan till hjälp?", "Ja", "Nej", "Tack för ditt svar!"], "rating-widget"),
    ("footer", ["Sidansvarig: Eva Exempel", "© 2021 Exempelkommunen"], None),
    ("view counter", ["Visad 1 234 gånger"], "view-counter"),
    ("published", ["Publicerad: 4 maj 2020", "Senast uppdaterad: 2017-05-04"], "published-date"),
    ("archive notice", ["Innehållet publicerades under perioden 3 oktober 2014 till den 20 januari 2019"],
     "archive-notice"),
    ("template residue", ["$left", "{{ sidfot }}"], "template-residue"),
    ("file list", ["Filer tillgängliga för nedladdning", "Protokoll 2019-09-30.pdf Pdf, 754.8 kB. 754.8 kB"],
     "controls"),
    ("catalogue fields", ["• Artikelnummer: 20043"], "page-metadata"),
    ("document viewer", ["Storlek: px", "Starta visningen från sidan:", "Transkript",
                         "In document Allmänna bidrag till kommuner (Page 30-38)"], "document-viewer"),
    ("external link", ["Ansökan enligt socialtjänstlagen Länk till annan webbplats, öppnas i nytt fönster.",
                       "Tillsyn av lagen (exempel.se) Länk till annan webbplats."], "controls"),
    ("icon names", ["1. Ansök expand_less expand_more"], "template-residue"),
    ("mobile menu", ["Öppna mobilmenyn", "Dölj information"], None),
    ("download prompt with the title", ['Download "Revisionsrapport om intern kontroll av inköp i kommunen 2013"',
                                        'Share "Nya skollagen träder i kraft den första juli i år"'],
     "foreign-language"),
    ("paging and step markers", ["Föregående Nästa", "• 1", "2. 3", "Äldre pressmeddelanden",
                                 ">> Strategi Plan Policy Riktlinjer", "Tillhörande huvudmeny:"], "navigation"),
    ("several skip links in a line", ["Till navigation Till innehåll (s)"], "skip-link"),
    ("link annotations", ["Riktlinjer för tillsyn (öppnas i nytt fönster)"], "controls"),
    ("links to files with their type in brackets", ["Taxa för bygglov (pdf, nytt fönster)",
                                                    '"Bygglov i korthet"PDF (pdf, 960.3 kB)'], "document-links"),
    ("links that point here", ["Vill du läsa mer om bygglov? klicka här", "Nämndens mötestider hittar du här",
                               "Se mer, Frågor och svar", "Se Exempelverkets folder"], "controls"),
    ("login and e-service prompts", ["Den här tjänsten kräver inloggning", "Logga in med e-legitimation eller BankID",
                                     "Logga in med användarnamn och lösenord",
                                     "E-tjänst: Ansökan om bistånd enligt socialtjänstlagen"], "e-service"),
    ("e-service requirements", ["Följande behövs för e-tjänsten", "• e-legitimation"], "e-service-requirements"),
    ("an icon's name before a label", ["question_answer Fick du hjälp av informationen på sidan?"],
     "template-residue"),
    ("rating question", ["Fick du hjälp av informationen på sidan?"], "rating-widget"),
    ("contact invitations", ["Kontakta kundtjänsten, telefon 0270-123 45.",
                             "Våra rapporter är gratis. Har du någon fråga kontakta oss via e-post."], "contact-block"),
    ("search hint", ["Använd gärna sökfunktionen för att hitta rätt rapport."], "search-widget"),
    ("languages side by side", ["Andra språk/Other languages"], "language-switch"),
    ("updated in the past tense", ["Sidan uppdaterades:", "Sidan uppdaterades 2 maj 2021"], "published-date"),
    ("a mirror's full text prompt and page marker", ["Full text", "(1)"], "document-viewer"),
    ("published after a bullet, a type of item or with a link after it",
     ["Senast ändrad • 2021-03-09", "Nyhet publicerad 12 maj 2019", "Pressmeddelande 2023-10-02",
      "Pressmeddelande • Jun 4, 2012 09:15 CEST", "Uppdaterad 3 mars 2022 Lämna synpunkter på sidan"],
     "published-date"),
    ("a row of share links", ["Dela till Facebook Dela till LinkedIn Dela med e-post"], "share-buttons"),
    ("a form's messages", ["Ett fel inträffade", "De obligatoriska fälten måste fyllas i"], "form-messages"),
    ("skip links in English", ["Skip Navigation Links."], "skip-link"),
    ("feedback and sign-language links", ["Synpunkter & felanmälan", "Lämna synpunkter på sidan",
                                          "Teckenspråksfilmer på denna sida"], "controls"),
    ("back to the top", ["Upp", "Tillbaka till toppen"], "navigation"),
    ("the page's owner and its panel", ["Textansvarig: Eva Exempel, 08-123 456 78", "Sidinformation"],
     "page-footer"),
    ("a parliamentary document's status and events", ["Motionen är behandlad", "Ärendet är avgjort", "Inlämnad",
                                                      "Besvarad"], "page-metadata"),
    ("links to a debate's records", ["Protokoll från debatten", "Dokument från debatten"], "navigation"),
    ("an e-service's link and steps", ["Ansök om bygglov via e-tjänst", "Du kommer att gå igenom följande steg:"],
     "e-service"),
    ("a skip link worded 'navigera'", ["Navigera till sidans huvudinnehåll"], "skip-link"),
    ("a mirror's page header", ["Page 3: Rapport om styrning - exempel.se/rapport.pdf · Eva Exempel 2019-01-01"],
     "document-viewer"),
    ("a rating widget's thanks", ["Tack för din hjälp att förbättra webbplatsen, dina synpunkter har skickats."],
     "rating-widget"),
    ("a browser notice", ["Sidan använder funktioner som inte stöds av din webbläsare. Byt till en nyare webbläsare."],
     "archive-notice"),
    ("a press contact", ["För mer information kontakta",
                         "Eva Exempel, pressansvarig, Exempelverket, 010-123 45 67 eller eva.exempel@exempel.se."],
     "contact-block"),
    ("a page's contact label", ["Kontakt för den här sidan:"], "contact-block"),
    ("a news list's dates", ["1. Pressmeddelande 3 maj, 2023", "• 12 april 14:30", "4 oktober 2022 -"],
     "news-list-date"),
    ("updated, with its editor", ["Senast uppdaterad 2019-03-01 10:12:45 av Eva Exempel"], "published-date"),
    ("skip links with 'Gå direkt'", ["Gå direkt till textinnehållet Gå direkt till navigationen"], "skip-link"),
    ("a jump to the page's sections", ["Gå direkt till det avsnitt du vill läsa:"], "navigation"),
    ("an old browser notice", ["Du använder en gammal webbläsare",
                               "Vi rekommenderar att du uppdaterar den eller byter till en annan webbläsare.",
                               "Rekommenderade webbläsare"], "archive-notice"),
    ("the source of a gathered text", ["Informationen kommer från Exempelverket."], "page-footer"),
    ("a contact in one line", ["Eva Exempel Socialchef Exempelby kommun 0123-45 67 89 och 070-123 45 67"],
     "contact-block"),
    ("a breadcrumb with its label", ["Din position: Hem > Exempelby kommun > Socialnämnden"], "navigation"),
    ("a file with its size", ["Närvarolista.pdf (189 kb)", "Bilaga 2 Budget 2024.xlsx (1,2 MB)"], "document-links"),
    ("an image without a description", ["Bilden saknar en alternativtext."], "template-residue"),
    ("a published line with 'den' after its colon", ["Sidan senast uppdaterad: den 6 juli 2021"], "published-date"),
    ("a link to contact a unit", ["Kontakta individ och familj"], "contact-block"),
    ("controls side by side and a form's label", ["Kommentera Skriv ut", "Dela Skriv ut Lyssna"], "share-buttons"),
    ("a required field's label", ["Obligatoriskt", "* Obligatoriskt fält"], "form-messages"),
    ("a session's time-out dialog and network messages",
     ["Vill du stanna kvar på sidan?", "Du har varit inaktiv en stund och kommer att bli utloggad om du inte svarar.",
      "Automatisk utloggning sker om cirka", "Inget internet. Kontrollera din nätverksanslutning.",
      "Tillfälligt tekniskt fel", "Inloggning till biblioteket"], "e-service"),
    ("whose site the reader is on", ["Du är på Region Exempels webbplats."], "navigation"),
    ("a link to a meeting's broadcast", ["Följ webbsändningen"], "controls"),
    ("a publication's type, a dash and its date", ["Publikation - 2022-01-19", "Statistiknyhet från SCB 2020-02-04 9.30",
                                                  "Senast uppdaterad 17 december, 2020 av eva.berg@exempel.se"],
     "published-date"),
    ("a news list's numeric date and time after a bullet", ["• 2023-02-20 13:07"], "news-list-date"),
    ("a notice of maintenance", ["2021-01-18 mellan 23:00-24:00 utför vår leverantör service som kan påverka webbplatsen"],
     "archive-notice"),
    ("an A-Z index and a breadcrumb's label", ["A-Ö", "Länkstig"], "navigation"),
    ("a file's type before its name", ["pdf Riktlinjer för biståndsbedömning (145 KB)"], "document-links"),
    ("who is responsible for the page", ["Ansvarig för sidan/kontakt"], "page-footer"),
    ("an image's placeholder word", ["Bild"], "template-residue"),
    ("a menu's items as a list", ["• Huvudmeny", "- Start"], "navigation"),
    ("a cookie banner in other words", ["Kakor (cookies)", "Kakor på exempel.se",
                                        "Vi har placerat cookies på din dator för att ge dig en bättre upplevelse.",
                                        "Vi vill också sätta kakor för statistik så vi kan förbättra webbplatsen.",
                                        "Du kan när du vill ändra dina inställningar."], "cookie-notice"),
    # round 12's (written reading rounds 1 to 11)
    ("a control's label with its colon, and a short link", ["Skriv ut:", "Mer info"], "controls"),
    ("a control's long label and its short one", ["Lyssna på sidan Lyssna"], "share-buttons"),
    ("a link to the start page in words, a logo in Swedish", ["Länk till startsidan för Exempelby",
                                                               "Exempelby kommuns logga"], "skip-link"),
    ("a page still loading, a person field left empty", ["Laddar sidan", "Ingen giltig användare vald."],
     "template-residue"),
    ("a published line with its subject", ["Informationen granskades: 2018-09-03"], "published-date"),
    ("the board responsible, as a label", ["Ansvarig nämnd: Socialnämnden"], "page-footer"),
    ("a press service, a number's 'no sms', a contact centre", ["Presstjänst", "(Ej sms)", "Medborgarservice"],
     "contact-block"),
    ("a toolbar's switches, an easy-to-read version", ["Language Lättläst Lyssna E-tjänster",
                                                       "Lättläst version av årsrapporten 2023"], "language-switch"),
    ("an offer to subscribe to the page", ["Du kan prenumerera på den här sidan genom att skriva in din mejladress."],
     "controls"),
    # round 13's (written reading rounds 1 to 12)
    ("a link marked by an arrow, a new-window link with its arrow",
     ["Till föreskrifterna om antagning »", "Till e-tjänsten ›", "Om urval på exempel.se (nytt fönster) »"], "controls"),
    ("a new-window link whose text holds a web address", ["Om urval på exempel.se (nytt fönster)"], "controls"),
    ("a feed's subscription, its explanation, its label", ["Prenumerera på våra nyheter via RSS", "Vad är RSS?", "RSS"],
     "controls"),
    ("the page as the subject of help, with a remark in brackets",
     ["Hjälpte informationen på sidan dig? (Svara gärna varför om du svarar nej.)"], "rating-widget"),
    ("a machine timestamp", ["2021-03-04T09:15:00"], "template-residue"),
    ("a browser notice with the browser first, and the advice to change it",
     ["Webbläsaren som du använder stöds inte av den här webbplatsen.",
      "Var god och använd en modern webbläsare för att ta del av denna webbplats, t.ex. den senaste versionen av Edge."],
     "archive-notice"),
    ("a table of contents' label", ["Innehåll på sidan:"], "navigation"),
    ("a page updated in words, published and updated on one line",
     ["Sidan blev senast uppdaterad: 2020-01-02", "Publicerad: 3 maj 2021 Uppdaterad: 4 juni 2022"], "published-date"),
    ("a numbered news list's item with its type and date", ["3. Publikation 27 mars, 2024"], "news-list-date"),
    # round 14's (written reading rounds 1 to 13)
    ("a skip link with 'direkt'", ["Hoppa direkt till innehållet", "Navigera direkt till huvudinnehållet"], "skip-link"),
    ("the page shared somewhere named in words", ["Dela sidan på sociala medier", "Dela artikeln via e-post"],
     "share-buttons"),
    ("a notice that an item is old", ["Den här nyheten är äldre än 12 månader och kan vara inaktuell."],
     "archive-notice"),
    ("a notice that JavaScript is off", ["JavaScript är avstängt i din webbläsare. Vissa funktioner fungerar inte.",
                                         "Du måste aktivera JavaScript för att använda tjänsten."], "archive-notice"),
    ("a filter's and a sort's label with a colon", ["Filtrera på:", "Sortera efter datum:"], "search-widget"),
    ("a tip to print with a key combination", ["Tips: Skriv ut sidan genom att trycka Ctrl + P och välj PDF som skrivare."],
     "controls"),
    ("an editor's prompt left unfilled, an image placeholder's size",
     ["Skriv bildtext här", "Bild i formatet 800 x 600 pixlar"], "template-residue"),
    ("a contact label", ["Kontaktuppgifter", "Kontaktperson"], "contact-block"),
    # round 15's (written reading rounds 1 to 14)
    ("a link marked by '>' before it, the link to the start page, a breadcrumb's label",
     ["> Läs mer", "Till start", "Brödsmule-navigation"], "navigation"),
    ("a search box's label with its colon", ["Sök information:"], "search-widget"),
    ("published lines: 'Senast publicerad', updated later on the line, a date and a bar",
     ["Senast publicerad:", "Publicerad den 3 maj 2021, senast ändrad den 4 maj 2021",
      "2019-09-25 | Publicerat av Exempelverket"], "published-date"),
    ("a mail template's merge tag, an image's role word", ["ONLINEVERSIONLINK", "Nyhetsbild"], "template-residue"),
    ("a thread closed to comments, a link to report a post",
     ["Inlägget är stängt för ytterligare kommentarer.", "Exempelverket Rapportera olämpligt innehåll"],
     "comment-form"),
    ("a footer's contact line split by bars", ["Exempelverket, 123 45 Exempelstad | Tel: 010-123 45 67 | Fax: 010-765 43 21"],
     "contact-block"),
    ("a pointer 'läs mer här' with a full stop", ["Information om vinterväghållningen, läs mer här."], "controls"),
    # round 16's (written reading rounds 1 to 15)
    ("a share or tip label naming the page", ["Dela denna information:", "Tipsa om den här sidan"], "share-buttons"),
    ("a tip to a friend", ["Tipsa en kompis"], "controls"),
    ("who published the page, the text updated", ["Publicerat av: Exempelsson, Eva", "Texten uppdaterad 2022-06-13"],
     "published-date"),
    ("a machine-translation widget, a language's code and name",
     ["Google translate", "Översätt sidan", "Använd Google Translate för att översätta webbplatsen.", "sv Swedish"],
     "language-switch"),
    ("a count of current disruptions", ["2 Driftstörningar"], "archive-notice"),
    ("an editor's comment left with its marker", ["[AB1]Länka till förra årets nyhet"], "template-residue"),
    # round 17's (written reading rounds 1 to 16)
    ("an item published in the past tense", ["Artikeln publicerades 7 december 2023"], "published-date"),
    ("back to the start page, a menu's hide toggle", ["Tillbaka till startsidan", "Göm menyn"], "navigation"),
    ("who runs the site, in a sentence", ["Exempelverket ansvarar för denna webbplats."], "page-footer"),
    ("an empty field's message", ["Fältet kan inte vara tomt"], "form-messages"),
    ("updated today", ["Uppdaterad idag kl. 07:34"], "published-date"),
    ("a rating widget's thanks for helping, its question", ["Tack för att du hjälper oss förbättra webbplatsen!",
                                                            "Vad kan vi förbättra?"], "rating-widget"),
    ("a contact panel's headings and sentences", ["Ring oss", "Mejla oss", "Prata med oss på tfn 0123-45 000.",
                                                 "Besök oss på Rådhuset, Storgatan 2, Exempelby.",
                                                 "Skicka ditt mejl till kommun@exempel.se."], "contact-block"),
    ("a contact of a name, a title and a phone number", ["Eva Exempel, Kommunsekreterare, 0123-180 66"],
     "contact-block"),
    # round 18's (written reading rounds 1 to 17)
    ("the organisation followed on a social medium", ["Följ Exempelby kommun på Instagram"], "share-buttons"),
    ("two skip links worded 'Hoppa till'", ["Hoppa till innehåll Hoppa till meny"], "skip-link"),
    ("a VAT number, an offer to contact the web editors",
     ["VAT: SE212000247801",
      "Har du frågor om sidan kan du kontakta webbredaktionen på webb@exempel.se."], "contact-block"),
    ("a footer's bar-split contact with a phone number written 0123-456 78",
     ["Tel. 0640-161 00 vxl (mån-tor kl 08-17)  |  Fax 0640-161 05"], "contact-block"),
    ("a view in a window of its own", ["Visa karta med alla teman i eget fönster"], "controls"),
    ("updated, with the page's owner", ["Uppdaterad: Sidansvarig: Eva Exempel"], "page-footer"),
    ("a pager's ellipsis", ["...", "…"], "navigation"),
    # round 19's (written reading rounds 1 to 18)
    ("a news item's type glued to its date, with seconds; a news section and a date",
     ["Pressmeddelande09 Jul 2024 12:34:39", "Aktuellt 2021-12-13"], "published-date"),
    ("a press-release service's line with its sender",
     ["Pressmeddelande Publicerad: 2020-08-07 09:05 CEST - Exempelby kommun"], "published-date"),
    ("a date and time before the page's owner", ["2014-01-31 14.23 - Sidansvarig: Eva Exempel"], "published-date"),
    ("three or more jumps in a line", ["Gå till innehåll Hoppa till navigeringen Gå till nyhetsarkiv Gå till söksida"],
     "skip-link"),
    ("a machine translation offered in English", ["Use Google to translate the website. We take no responsibility "
                                                  "for the accuracy of the translation."], "language-switch"),
    ("a rating widget's buttons", ["• Ja   Nej"], "rating-widget"),
    ("a search box's question", ["Vad söker du?"], "search-widget"),
    # round 20's (written reading rounds 1 to 19)
    ("listening to the site, a read-aloud service explained, a download link with its type, a close glyph",
     ["Lyssna på denna webbplatsen", "Använd vår lyssna-tjänst \"Exempeltal\" för att få webbplatsens innehåll "
      "uppläst direkt i webbläsaren.", "Ladda ner kommissionens direktiv. (PDF, 295kb)", "x"], "controls"),
    ("a translation widget's English heading, its disclaimer going on with instructions",
     ["Translate this webpage", "Use Google to translate this website. We take no responsibility for the accuracy of "
                                "the translation. Select your language after clicking the link below."],
     "language-switch"),
    ("a news item's age", ["Den här nyheten är mer än 60 dagar gammal!"], "archive-notice"),
    ("no comments yet, with the links", ["Det finns inga kommentarer på inlägget. Läs kommentarer/kommentera"],
     "comment-form"),
    # round 21's (written reading rounds 1 to 20)
    ("a skip link with its key", ["Gå till huvudinnehållet (tryck på Enter)"], "skip-link"),
    ("a close button named by what it closes, a listen offer as a question, a new-window label alone, a copy "
     "button's confirmation, a button's label for screen readers",
     ["Stäng meddelandet", "Vill du lyssna på texten? Klicka på spelaren ovanför rubriken.",
      "Vill du få sidan uppläst? Tryck på Lyssna.",
      "Länk till annan webbplats, öppnas i nytt fönster.", "Länken kopierad till urklipp",
      "Knapp: Visa mer om avgifter"], "controls"),
    ("a web app's error message and what to do", ["Något gick fel.", "Prova att ladda om sidan. Om problemet "
                                                  "kvarstår, kontakta support@exempel.se."], "e-service"),
    ("a named menu's label with a full stop", ["Huvudmeny."], "navigation"),
    ("a machine's time stamp", ["2023-03-14 09:12:55"], "published-date"),
    # round 22's (written reading rounds 1 to 21)
    ("a phone line with its kind in brackets, a contact panel's question alone",
     ["Telefon: 0123-45 67 00 (växel)", "Har du frågor om ansökan?", "Undrar du något?"], "contact-block"),
    ("a translation offer naming the language and going on", ["Translate the page to Swedish. Choose another "
                                                              "language in the list after the click."], "language-switch"),
    ("an in-page contents label", ["Hitta på sidan:"], "navigation"),
    ("the start page link in words", ["Till startsidan för Exempelverket"], "skip-link"),
    ("a form's anti-spam sum and its explanation", ["3 + 5 = ?", "För att stoppa spam ber vi dig svara på frågan "
                                                                  "nedan."], "form-messages"),
    # round 23's (written reading rounds 1 to 22)
    ("a translation widget's language choice, its disclaimer alone, its label alone",
     ["Select language in the list below. Use Google to translate the web site.",
      "We take no responsibility for the accuracy of the translations.", "• Översätt"], "language-switch"),
    ("a breadcrumb after 'Här är du:'", ["Här är du: Start » Omsorg » Hemtjänst"], "navigation"),
    ("a toolbar's labels in one line", ["Skriv ut Kommentera sidan Läs upp"], "controls"),
    ("a print's stamp of its site", ["Utskrift från Exempelby kommuns webbplats www.exempelby.se"], "page-footer"),
    ("the start page's link with the name after it", ["Startsida Exempelby kommun"], "skip-link"),
    ("a utility's outage panel", ["Pågående driftstörningar", "Inga pågående driftstörningar"], "page-metadata"),
    # round 24's (written reading rounds 1 to 23)
    ("a consent a function needs", ["Du behöver godkänna kakor för statistik för att se kartan."], "cookie-notice"),
    ("a machine-translation notice in Swedish, a toolbar split by bars",
     ["Detta skapar en automatisk översättning med Google Translate. Exempelverket ansvarar inte för översättningen.",
      "English | Lättläst | Webbkarta"], "language-switch"),
    ("a download link with its type after a comma, a new-window hint glued on, feedback links",
     ["Ladda ner Årsrapport 2023, PDF", "Bilagaöppnas i nytt fönster", "Tyck till om exempelby.se",
      "Synpunkter/klagomål"], "controls"),
    ("an image's label with its file name", ["Bild för - kontor.jpg"], "template-residue"),
    # round 25's (written reading rounds 1 to 24)
    ("a site's English statement that it does not translate itself, and the widget's label with its name",
     ["Exempelby municipality itself does not provide a translation of the website into other languages.",
      "If you want to access the information in languages other than Swedish, you can use external services.",
      "An example of such a service is Google Translate from Google. Your visit will be tracked by Google.",
      "Google translate Exempelby.se"], "language-switch"),
    ("a text-size control, a link marked as leading to another site",
     ["Större textstorlek", "Blanketter (länk till Skatteverkets webbplats)"], "controls"),
    ("the button to an e-service", ["Till e-tjänsten"], "e-service"),
    ("the start page's link said with 'för'", ["Startsidan för Exempelby kommuns webbplats"], "skip-link"),
    ("a site-part selector's label", ["Välj del i webbplatsen"], "navigation"),
    ("a web agency's credit", ["Webb av Exempelbyrån"], "page-footer"),
    ("an old site's notice", ["Vi har bytt webbplats och du besöker nu vår gamla webb."], "archive-notice"),
    # round 27's (written reading rounds 1 to 26)
    ("share and comment links, a file link with its size after a comma",
     ["Dela med andra", "Kommentera sidan", "Skicka en kommentar till innehållsansvarig.",
      "Skicka en kommentar om webbsidan till webbredaktionen. Har du en fråga om service skickar du en synpunkt.",
      "Årsplan 2023 Pdf, 1.6 MB."], "controls"),
    ("a link back to a named page", ["Tillbaka till Om oss"], "navigation"),
    ("a sign-language version's link", ["Svenskt teckenspråk"], "language-switch"),
    ("a chat panel, an organisation number",
     ["Chatta med en vägledare i kontaktcenter.", "Chatten är öppen när knappen är grön.", "Chatten är stängd",
      "Org. nr: 212000-0000", "Exempelby kommun, organisationsnummer 212000-0000"], "contact-block"),
    ("a notice that the news is old, without 'denna'",
     ["Nyheten är äldre än 6 månader och är kanske inte längre aktuell."], "archive-notice"),
    # round 28's (written reading rounds 1 to 27)
    ("skip links to the content and the footer", ["Hoppa till innehåll Hoppa till sidfoten"], "skip-link"),
    ("a rating widget's question and its plea",
     ["Hittade du vad du sökte efter?",
      "Låt oss veta om du tyckte att denna information hjälpte dig. Din återkoppling hjälper oss."], "rating-widget"),
    ("a link written as a sentence that opens with 'Klicka här'", ["Klicka här för att läsa mer om räddningsregionen."],
     "controls"),
    ("a download list's file with its size after the bracket", ["Dokument: 2013-0001.pdf (20173)kB"], "document-links"),
    ("a contact block's label", ["Frågor besvaras av:"], "contact-block"),
    ("an image's name with an upper-case extension or with spaces", ["Lager.JPG", "Skor på scen_foto_2016.jpg"],
     "image-filename"),
    # round 30's (written reading rounds 1 to 29)
    ("a search box's prompt after a question, its help when nothing is found",
     ["Undrar du över något? Sök här:", "Hittar du inte vad du söker?"], "search-widget"),
    # round 31's (written reading rounds 1 to 30)
    ("a link to more of a news list", ["Fler nyheter", "Till nyhetsarkivet"], "controls"),
    # round 32's (written reading rounds 1 to 31)
    ("the site's greeting, an A-Ö row of letters",
     ["Välkommen till Exempelby kommuns webbplats", "A B C D E F G H I J K L M N O P R S T U V Å Ä Ö"], "navigation"),
    ("a notice that the page is old, the number written out", ["Den här sidan är äldre än tre månader och informationen "
                                                             "kan vara inaktuell.", "Sidan är mer än ett år gammal "
                                                             "och innehållet är kanske inte längre aktuellt."],
     "archive-notice"),
    ("a link to write to the page's owner", ["Kontakta sidansvarig: Eva Exempel"], "page-footer"),
    ("a button that shows the search box", ["Dölj sökformuläret", "Visa sökfältet"], "search-widget"),
    # round 33's (written reading rounds 1 to 32)
    ("headings of the site's links, related information and contacts",
     ["Länkar", "Bra länkar", "Relaterad information", "Relaterade kontakter"], "site-list"),
    ("a published label misspelt", ["Sidan senaste uppdaterad: 2019-05-27"], "published-date"),
    ("a form's reset button, a button that shows the contact details", ["Återställ filtren", "Dölj kontaktuppgifterna"],
     "controls"),
    ("a read-aloud button, a link to comment on the page's content",
     ["Läs upp sidan", "Tyck till om sidans innehåll"], "controls"),
    ("a feedback widget's heading and question", ["Hjälp oss bli bättre", "Fick du reda på det du ville veta?"],
     "rating-widget"),
    ("an empty image text", ['""'], "template-residue"),
    ("a comment form closed, or asking to log in",
     ["Stängt för nya kommentarer.", "Du måste vara inloggad för att kommentera."], "comment-form"),
    ("who checked the page, by name or the label alone",
     ["Senast uppdaterad av Eva Exempel", "Publicerad av", "Sidan granskades av:", "Faktaansvarig:",
      "Sidan uppdaterad: av"],  # round 39's: a colon before the empty name
     "page-footer"),
    ("a municipality's greeting, a quick-links heading, a help menu's button",
     ["Välkommen till Exempelby kommun", "Hitta snabbt", "Visa hjälpmeny"], "navigation"),
    ("a did-you-know box's heading", ["Visste du att...", "Visste du att?"], "page-metadata"),
    # round 34's (written reading rounds 1 to 33)
    ("links that point here or to a page's opening hours",
     ["För mer information om parkering se här", "Se bibliotekets öppettider"], "controls"),
    ("a translation widget's disclaimer that names the service first",
     ["Tjänsten använder Google Translate för att översätta sidan. Vi ansvarar inte för översättningens kvalitet.",
      "Sidan översätts med Google Översätt. Kommunen tar inget ansvar för översättningen."], "language-switch"),
    ("the logo's link, the name before 'startsida'", ["Exempelby kommun startsida"], "skip-link"),
    ("an office's status widget", ["Öppet idag: 9–15", "Idag: stängt"], "page-metadata"),
    ("a label above a box of contacts", ["Mer information:"], "site-list"),
    # round 35's (written reading rounds 1 to 34)
    ("a download link as one short sentence", ["Ladda ner ritningen för kaj 12.", "Ladda ned planen för 2025"],
     "controls"),
    ("a link to enlarge an image, with the image's name", ["Förstora bilden - logga_2019.jpg"], "template-residue"),
    ("a heading of the site's related content", ["Relaterat innehåll"], "site-list"),
    ("an offer to answer questions", ["Vi svarar gärna på dina frågor!", "Vår kundtjänst svarar gärna på dina frågor"],
     "contact-block"),
    # round 36's (written reading rounds 1 to 35)
    ("the logo with the word first", ["Logotyp Exempelverket",
                                      "Logotyp Exempelförbundet, samordning. Länk till startsidan för Exempelförbundet"],
     "skip-link"),
    ("the greeting of a site named after 'webbplatsen'",
     ["Välkommen till webbplatsen Exempeltjänsten hos Exempelverket"], "navigation"),
    # round 37's (written reading rounds 1 to 36)
    ("a header link to the organisation's other sites", ["Våra webbplatser"], "navigation"),
    ("a utility's status widget", ["Aktuell driftstatus: Inga kända störningar",
                                   "Planerat avbrott Aktuell driftstatus: Planerat avbrott"], "page-metadata"),
    # round 39's (written reading rounds 1 to 38)
    ("a translation widget's label with its colon", ["Google Translate:", "Google Översätt:"], "language-switch"),
    ("a machine timestamp after the page's short title", ["Bostadsinformation 2019-05-09T15:45:34+00:00"],
     "template-residue"),
    ("a published line with a short weekday, or the page's owner after it",
     ["Publicerad: ti 3 mar 2015. Ändrad: fr 8 maj 2020", "Senast granskad: 2020-05-04 Informationsansvarig:",
      "Senast uppdaterad: 2021-02-01 Sidansvarig: Eva Exempel"], "published-date"),
    ("a date with who wrote and who published the page", ["2019-03-01 Innehåll: Eva Exempel Publiceringsansvarig: "
                                                          "Per Exempel"], "published-date"),
    ("a date glued to the name after it", ["2020-05-27Exempelby kommun"], "published-date"),
    ("arrows alone on a line", ["↧", "→", "← →"], "navigation"),
    ("a breadcrumb flattened with its 'Hem'", ["Exempelby kommun Hem Bygga och bo - Bygglov",
                                              "Exempelverket Hem Om oss / Organisation"], "navigation"),
    ("an image's text made from a logo file's name", ["ABC Logo 2012 06 01 Blue Small"], "skip-link"),
    # round 40's (written reading rounds 1 to 39)
    ("a link said as 'Till' and a page's or section's name", ["Till blanketterna", "Till Exempelbys startsida",
                                                             "Till kundforumet"], "controls"),
    ("the skip link's target as a line", ["Huvudinnehållet startar här", "Sidans innehåll börjar här"], "skip-link"),
    ("the coat of arms as the logo", ["Exempelbys kommunvapen"], "skip-link"),
    ("a content system's placeholder word", ["Placeholder", "Platshållare", "Platshållartext"], "template-residue"),
    # round 41's (written reading rounds 1 to 40)
    ("a pointer whose words are only where the information is",
     ["Om du behöver komma i kontakt med oss hittar du all information här",
      "Kontaktuppgifterna till nämnden hittar du här"], "controls"),
    ("the rating widget's question about the reader's question", ["Fick du svar på din fråga?"], "rating-widget"),
    ("a help box's question as its heading", ["Hur kan vi hjälpa dig idag?", "Hur kan vi hjälpa er i dag?"],
     "search-widget"),
    ("an image's label without its text", ["• Bild:", "Foto:", "Bildtext:"], "template-residue"),
    ("a content system's byline with time and user", ["mån, 05/06/2013 - 12:57 -- Redaktör",
                                                        "12/11/2015 - 09:03"], "published-date"),
    # round 42's (written reading rounds 1 to 41)
    ("a news section's name before the date", ["Nyheter | 2021-12-13"], "published-date"),
    ("the rating widget's question whether the page was of use",
     ["Hade du nytta av innehållet på den här sidan?", "Hade du nytta av informationen?"], "rating-widget"),
    ("a contact centre's name with its slogan", ["Servicecenter - din väg in i kommunen"], "contact-block"),
    ("a link to more contacts", ["Fler kontaktuppgifter"], "contact-block"),
    ("a line to the press service with its number", ["Vid frågor ring pressjouren: 08-123 456"], "contact-block"),
    ("the logo's label with a colon", ["Logotyp: Exempelby kommunalförbund"], "skip-link"),
    # round 43's (written reading rounds 1 to 42)
    ("an updated line with a comma before the year and the time after a dash",
     ["Senast uppdaterad: 29 oktober, 2019 - 12:39"], "published-date"),
    ("a byline's labels left without their dates", ["Publicerad • Uppdaterad"], "published-date"),
    ("a free-text filter's label and its count of hits", ["Fritextsök", "65 träffar"], "search-widget"),
    ("a header's toggles and jumps on one line",
     ["Öppna sök Stäng sök Sök", "Öppna Meny Stäng meny Meny",
      "Öppna sidans huvudnavigering Öppna sidans huvudnavigering Hoppa till sidans innehåll"], "navigation"),
    ("a link for feedback on the content", ["Tyck till om innehållet"], "controls"),
    ("a form's sum against spam robots, in words", ["skriv summan av 4+1 ="], "form-messages"),
    # round 44's (written reading rounds 1 to 43)
    ("a dialog before a link leads off the site", ["Du lämnar Exempelby kommuns hemsida om 5 sekunder",
                                                  "Sidan du är på väg att besöka ligger inte på Exempelby kommuns hemsida"],
     "controls"),
    ("the organisation's name, a dash and the home link's words",
     ["Exempelby kommun - startsida", "Exempelby kommun - länk till startsida"], "skip-link"),
    ("a news item's type and a machine time stamp", ["Pressmeddelande | 2019-01-02T09:00:31Z"], "published-date"),
    ("a form's mark of required fields, in brackets and repeated",
     ["(Obligatoriskt fält) (Obligatoriskt fält) (Obligatoriskt fält)"], "form-messages"),
    ("an item's tags with their label", ["Guide taggad med: Sändningstillstånd Uppdrag"], "byline-tags"),
    ("a press contact's lead-in with 'vidare'", ["För vidare information kontakta:"], "contact-block"),
    ("the site's licence", ["Licensierad under Creative Commons"], "page-footer"),
    ("a translation widget's English notices", ["Use Google to translate the web. We take no responsibility for the "
                                                "accuracy of the translation.",
                                                "Here you can choose in which language you would like to read our "
                                                "website. We are using Google Translate when"], "language-switch"),
    # round 45's (written reading rounds 1 to 44)
    ("a published line with the time after a comma", ["Publicerad 2018-07-03, kl 12.37"], "published-date"),
    ("a press service's date and time fused with the item's type", ["2017-03-14 07:30Pressmeddelande"],
     "published-date"),
    ("the organisation's name, a comma and the home link's words", ["Exempelby kommun, länk till startsidan"],
     "skip-link"),
    ("a breadcrumb's label said as reading", ["Du läser här:"], "navigation"),
    ("a language switch's label in two languages", ["Språk/Language"], "language-switch"),
    ("a warning of an outdated browser and its heading",
     ["Info om utdaterad webbläsare", "Vi ser att du använder Internet Explorer som är en utdaterad webbläsare och "
      "inte stöds av denna webbplats."], "archive-notice"),
    ("an editor's prompt for an image's description", ["Ange en beskrivande alt text för bilden."],
     "template-residue"),
    ("a contact panel's heading alone", ["Kontakta"], "contact-block"),
    ("a footer's line of fields split by bars, its phone number without a label",
     ["Storgatan 1, 123 45 Exempelby | 0123-45 67 00 | info@exempelby.se | om cookies"], "contact-block"),
    # round 46's (written reading rounds 1 to 45)
    ("a translation notice in English that names the site and its caution",
     ["Please note that Exempelby Municipality uses Google Translate when translating content on this website to your",
      "This means that not all translations always are accurate."], "language-switch"),
    ("a breadcrumb's remnant, a slash before the page's name", ["• /Operativ verksamhet"], "navigation"),
    ("the label 'Publicering' with a date cut by the capture", ["Publicering: 201"], "published-date"),
    ("a blog theme's credit", ["Tema av Eva Exempel — Upp ↑"], "contact-block"),
    # round 47's (written reading rounds 1 to 46)
    ("a link back to the page's start", ["Till början av sidan", "Tillbaka till sidans topp"], "navigation"),
    ("an item's type, its date and its time split by bars", ["Nyhet | 2007-11-11 | 15:00"], "published-date"),
    ("a hidden dialog's heading with a script's field, and its message",
     ["Åtkomst nekad {{user.firstName}}", "Du har inte behörighet att komma åt denna sida"], "template-residue"),
    ("a sound clip's length", ["1:33 min"], "controls"),
    ("a press office in one line after the lead-in",
     ["För mera information, Exempelverkets pressavdelning, tel 010-12 34 567"], "contact-block"),
    ("press contacts in one line each, a mobile number after the title",
     ["Eva Exempel, chef Exempel AB Vattenkraft 070-123 45 67", "Per Exempel, kommunikatör Exempel AB 070-765 43 21"],
     "contact-block"),
    ("a contact panel's invitation opening the line",
     ["Välkommen att kontakta vår kundservice på e-post eller på telefon under våra telefontider."], "contact-block"),
    ("a footer's address line of fields split by commas",
     ["Storgatan 26, Box 503, 123 45 Exempelby, Tfn 0123-331 00, Fax 0123-331 05, Orgnr 212000-0000, "
      "info@exempelby.se"], "contact-block"),
    # round 48's (written reading rounds 1 to 47)
    ("a breadcrumb from the start page named in full", ["Startsida » Omsorg och stöd"], "navigation"),
    ("a news archive's crumb of year and month", ["2020 > 02"], "navigation"),
    ("a link to the organisation's Instagram or YouTube alone", ["Instagram", "YouTube"], "share-buttons"),
    ("a cookie banner with the subject after the verb, its question and a category's description",
     ["På exempel.se använder vi cookies (kakor) för att förbättra din användning av webbplatsen.",
      "Vilka cookies vill du tillåta?",
      "Cookies som krävs för att webbplatsen ska fungera, till exempel sessions-ID."], "cookie-notice"),
    ("a search box's prompt to type", ["Skriv ett sökord för att påbörja din sökning."], "search-widget"),
    ("a language switch of the two languages' names", ["Svenska English"], "language-switch"),
    # round 49's (written reading rounds 1 to 48)
    ("a breadcrumb's label alone", ["Du är här"], "navigation"),
    ("the home link naming the site's address", ["Till startsidan på exempelbostader.se"], "controls"),
    ("a translation widget's offer in English, the other way round",
     ["Translate the page to English with Google Translate. You can choose another language after the click "
      "Translate"], "language-switch"),
    ("a read-here link with its file's type and size", ["Läs brevet här. (PDF-dokument, 149 kB)"], "controls"),
    # round 50's (written reading rounds 1 to 49)
    ("a link to the news list with its arrow", ["« Fler nyheter", "Alla nyheter »"], "navigation"),
    ("a date in words, a bar and the item's category", ["aug 29, 2022 | Övrigt", "29 augusti 2022 | Nyheter"],
     "published-date"),
    ("a copy-protection plugin's message", ["error: Innehållet är skyddat."], "template-residue"),
    ("a sentence that only sends the reader to another site",
     ["För mer information gå vidare till Exempelverkets hemsida."], "contact-block"),
    # round 51's (written reading rounds 1 to 50)
    ("a skip link to the menu or the footer", ["Gå direkt till navigeringen", "Hoppa till sidfoten"], "skip-link"),
    ("a row of share links with mail and a copy link", ["LinkedIn Facebook X Mail Länk", "Facebook E-post Link"],
     "share-buttons"),
    ("a newsletter's sign-up offer",
     ["Anmäl dig till vårt nyhetsbrev", "Prenumerera för att ta del av våra senaste nyheter från Exempelby"], "controls"),
    ("an image's text missing", ["Bildtext saknas", "Bildbeskrivning saknas."], "template-residue"),
    ("an outage panel with nothing to show", ["Ingen driftinformation tillgänglig.", "Inga kända störningar just nu"],
     "page-metadata"),
    ("a press contact's lead-in with its colon alone", ["För mer information:"], "contact-block"),
    # round 52's (written reading rounds 1 to 51)
    ("a back link with its arrow", ["« Tillbaka", "‹ Tillbaka till nyheter", "<< Tillbaka"], "navigation"),
    ("two skip links in one line with 'navigering'", ["Gå till navigering Gå till innehåll"], "skip-link"),
    ("a toggle that shows less", ["Visa mindre", "Visa färre"], "controls"),
    ("the customer service's name alone", ["Kundservice"], "contact-block"),
    ("an article's reading time, its value perhaps unfilled", ["Lästid: 3 min", "• N/A minuter läsning"],
     "page-metadata"),
    ("a consent plugin's credit in English", ["Cookie Consent by Exempel Privacy Policy website Om oss"],
     "cookie-notice"),
    # round 53's (written reading rounds 1 to 52)
    ("a link marked by '>' before a sentence on where it leads, and 'more' with its arrows",
     ["> Här kan du läsa mer om samordningsförbundet", "Mer >>", "Mer →"], "navigation"),
    ("a skip link written as a sentence with a comma", ["Hoppa över navigeringen, gå direkt till innehållet."],
     "skip-link"),
    ("a newsletter offer after a lead clause", ["Håll dig uppdaterad, prenumerera på vårt nyhetsbrev"], "controls"),
    ("a web shop's cart, directions and a map's button",
     ["Kundkorg", "Varukorg (2)", "Till kassan", "Visa stor karta"], "controls"),
    ("a lead-in to another site with its address only",
     ["Mer information www.exempel.se", "Lär dig mer på www.exempel.se och www.exempel.org"], "controls"),
    ("a sentence that only sends the reader to their own pages or the contact page",
     ["Gå till Mina sidor för att uppdatera dina kontaktuppgifter.", "Gå till kontakta oss"], "controls"),
    ("a script template's fields, several in one line", ["• {{product.Name}} {{product.Price}} kr Ta bort produkt"],
     "template-residue"),
    # round 54's (written reading rounds 1 to 53)
    ("a login box's prompt and fields", ["Ange dina inloggningsuppgifter", "Kundnr", "Lösenord", "Glömt lösenordet?"],
     "e-service"),
    ("a share line naming its services", ["Dela denna sida: Twitter Facebook E-post"], "share-buttons"),
    ("a share link with friends", ["Dela detta med dina vänner"], "controls"),
    ("a card's link label for a screen reader", ["Genväg till sida Om elnät"], "controls"),
    ("a 'click here' link with its full stop", ["För att komma till teaterns huvudsajt klicka här."], "controls"),
    ("an embedded service's cookie consent",
     ["På den här sidan visar vi en inbäddad chatt. För att du ska få se chatten måste du godkänna att vi använder "
      "funktionella kakor. Klicka på Kakinställningar för att ändra."], "cookie-notice"),
]


@pytest.mark.parametrize("kind, lines, rule", KINDS, ids=[k[0] for k in KINDS])
def test_each_kind_of_furniture_is_removed_and_logged(kind, lines, rule):
    text = "\n\n".join([BODY, *lines, BODY]) + "\n"
    removed = _removed_by(text)
    for line in lines:
        assert line in removed, (kind, line)
        if rule is not None:
            assert removed[line] == rule, (kind, line, removed[line])
    assert _kept(text) == [BODY, BODY]


CONTACT = """Ansökan om bistånd görs hos socialtjänsten.

Kontaktinformation

Postadress
Exempelverket
Box 1234
123 45 Exempelstad

Telefon
08-123 456 78

E-post
registrator@exempel.se
"""


def test_a_contact_block_is_furniture():
    removed = _removed_by(CONTACT)
    for line in ("Kontaktinformation", "Postadress", "Exempelverket", "Box 1234", "123 45 Exempelstad",
                 "Telefon", "08-123 456 78", "E-post", "registrator@exempel.se"):
        assert line in removed, line
    assert removed["Box 1234"] in {"contact-details", "contact-block"}
    assert _kept(CONTACT) == ["Ansökan om bistånd görs hos socialtjänsten."]


def test_an_official_named_in_running_text_is_not_a_contact_block():
    text = ("Socialchef Anna Exempel, telefon 08-123 456 78, säger att kommunen nu ändrar arbetssättet.\n\n"
            "Jan Lindgren är chef för socialförvaltningen.\n\nHan nås på jan.lindgren@exempel.se.\n")
    assert _removed_by(text) == {}


def test_a_name_and_a_town_alone_are_not_a_contact_block():
    text = "Ordförande\nAnna Exempel\nExempelstad\n\n" + BODY + "\n"
    assert _removed_by(text) == {}


def test_an_english_interface_line_on_a_swedish_page_is_removed():
    text = "\n\n".join([BODY, "Download this document", "Loading.... (view fulltext now)", BODY,
                        "Academic year: 2022"]) + "\n"
    removed = _removed_by(text)
    assert removed == {"Download this document": "foreign-language",
                       "Loading.... (view fulltext now)": "foreign-language",
                       "Academic year: 2022": "foreign-language"}


def test_an_english_quotation_inside_swedish_prose_stays():
    text = ("Utredaren citerade devisen ”trust but verify” och menade att den passar svensk förvaltning.\n\n"
            "Rubriken löd \"New Public Management is dead\".\n\n"
            "The delegation argued that trust is built through long-term relationships between levels.\n\n"
            + BODY + "\n")
    assert _removed_by(text) == {}


def test_a_title_among_missing_values_is_not_english():
    """A Swedish title that an export wrapped in a program's "None" (a development-corpus
    text has one) is not an English interface line."""
    assert _removed_by("None LSS-utjämning None None\n\n" + BODY + "\n") == {}


def test_a_quotation_stays_whatever_its_marks_pair_and_speech_after_a_colon_too():
    """A paragraph that is a quotation stays: in Swedish ” opens and closes, and marks paired
    left to right left a quoted word inside it ("”benchmark”") alone outside them, which read
    as a short English line (:func:`clean.quoted_spans` pairs them by where they stand). And
    English speech after a colon makes its line long; only a quoted title is left out of a
    line's length."""
    swedish = ("”I de fall en tjänst utformas enligt beslutet och tilldelas öppet, med ”benchmark” mot andra, "
               "ska ersättningen inte anses vara statligt stöd enligt fördraget, och kommissionen ska inte "
               "underrättas i förväg om den.”")
    english = ('An official said: "The removal of the quotas has been known for years, but nobody '
               'foresaw what would happen to the prices of shoes in the shops."')
    for line in (swedish, english):
        assert _removed_by("\n\n".join([BODY, line, BODY]) + "\n") == {}, line
    # a viewer's 'Download "<title>"' still goes, its title left out of its length, with a colon too (a title is no
    # sentence), and so does a short line that opens with the title
    long_title = "Årsrapport för Exempelby kommun och dess bolag år 2023 med bilagor"
    for line in ('Download "Årsrapport 2023. Exempelby kommun"', f'Download: "{long_title}"', '"Årsrapport 2023" – Download'):
        assert line in _removed_by("\n\n".join([BODY, line, BODY]) + "\n"), line


def test_quotation_marks_pair_by_where_they_stand_not_by_their_shape():
    """Swedish opens and closes with ”: a mark opens after a space, the line's start or
    another mark and closes before a space, punctuation or another mark, and marks nest, so a
    quoted word inside a quotation leaves the quotation whole; a mark inside a word, or
    between spaces, pairs with none."""
    assert [t[a:b] for t in ("”Han sa ”nej””", '"He said "no""', "””Nej” sa han.”") for a, b in clean.quoted_spans(t)] == [
        "”Han sa ”nej””", '"He said "no""', "””Nej” sa han.”"]  # a mark beside another
    assert clean.quoted_spans("”öppen men ”ord” här") == [(11, 16)]  # a pair inside a mark left open
    book = "Boken ”Om ”the digital state”” kom ut i år"
    assert _removed_by("\n\n".join([BODY, book, BODY]) + "\n") == {}
    line = "”I de fall med ”benchmark” mot andra ska det gälla.” sa hon"
    assert [line[a:b] for a, b in clean.quoted_spans(line)] == ["”I de fall med ”benchmark” mot andra ska det gälla.”"]
    assert [t[a:b] for t in ['Han sa ”nej”.', '»Citat» och "mer"'] for a, b in clean.quoted_spans(t)] == [
        "”nej”", "»Citat»", '"mer"']
    assert clean.quoted_spans('en 5" skärm och a ” b') == [] and clean.quoted_spans('”öppnad men aldrig stängd') == []
    # a short English line after a Swedish quotation that quotes a word is an English line; the quotation is none
    english = '”En rapport om ”benchmark” i kommunerna” – Download this document'
    assert english in _removed_by("\n\n".join([BODY, english, BODY]) + "\n")


def test_an_english_text_keeps_its_lines():
    text = "Download the report\n\nThe report describes how trust-based governance works in practice.\n"
    assert "Download the report" not in _removed_by(text)


def test_a_sentence_that_ends_with_a_link_marker_stays():
    text = "Här kan du läsa mer om socialtjänstens arbete för barns bästa. Länk till annan webbplats.\n"
    assert _removed_by(text) == {}


def test_short_swedish_headings_stay():
    text = "\n\n".join(["Sammanfattning", BODY, "Bakgrund", BODY, "Covid-19 och det nya coronaviruset", BODY,
                        "Webb-tv och protokoll", BODY, "Ansök via e-tjänst", BODY, "Frågor om e-tjänsten", BODY,
                        "Dagens meny", BODY, "Se över din ansökan", BODY, "1. Ansökan", BODY,
                        "Tidigare nyheter om äldreomsorgen", BODY]) + "\n"
    assert _removed_by(text) == {}


def test_sentences_that_name_the_interface_stay():
    """Prose that mentions a link, a login, a file or a way to get in touch is running text,
    not a control: the rules for those match only a whole short line of the interface."""
    lines = ["Här hittar du information om stöd och hjälp för dig som är över 65 år.",
             "För att ansöka via e-tjänst behöver du logga in med mobilt BankID.",
             "Våren 2023 startade projektet. Projektplanen hittar du här (PDF)",
             "Du kan också kontakta din handläggare för information om hur du överklagar.",
             "Ansökan börjar med att du kontaktar kundtjänst, 0270-750 00, så att en handläggare kan ringa dig.",
             "Fick du hjälp av socialtjänsten när du behövde den?",
             "Filen rapport_slutlig ligger i kommunens arkiv.",
             "»Det här är bara början» sa ordföranden på mötet.",
             "Läs rapporten (pdf).",
             "• Välkommen till vår nya webbplats!",  # a news item's title
             "Länkar till nämndens beslut",  # a heading that says what the links are
             "Ändrad av kommunfullmäktige 2020-03-12",  # a document's history names no person
             "30-dagarsbiljett",  # a number and a word: a Swedish compound, not an image's file name
             "Granskad av Region Exempel",  # an organisation, not a person, checked the page
             "Faktaansvariga myndigheter har tagit fram texten tillsammans.",
             "Det finns mycket att se här",
             "Hjälp oss bli bättre!",  # a news item's title on a survey
             "Idag 13–15",  # a heading, without the widget's colon
             "S A M M A N T R Ä D E S P R O T O K O L L",  # a heading spaced out, not an A–Ö row
             "Välkommen till Region Exempels nya vårdcentral!",
             "Flera myndigheter använder i dag Google Translate för att översätta information till nyanlända.",
             "Välkommen till vår nya webbplats!",
             "Logotypen ritades av en elev på Exempelskolan.",  # a sentence about the logo
             "Mer information",  # without its colon, as often a heading of the text
             "Ladda ner blanketten. Fyll i den och skicka den till nämnden.",  # two sentences: the text's
             "Handläggarna svarar gärna på frågor om bygglov under telefontiden.",  # names who, and when
             "Välkommen till vår nya förskola!",  # a news item's title
             "Var finns informationen om mina rättigheter som patient?",  # a question as a heading
             "Ändrades genom beslut den 3 mars 2020 av kommunfullmäktige.",  # a document's own history
             "Barnet placerades i Hem för vård eller boende",  # "Hem" goes on in lower case: no breadcrumb
             "Kommunen fick en ny logo 2020.",  # one number: no file's name
             "Ny logo",  # a heading without a number: no file's name
             "2021-11-15Kommunfullmäktige protokoll",  # a meeting's document glued to its date stays as before
             "Publicerad av Exempelby kommun 2019",  # who published, and no empty label
             "Till dig som är vårdnadshavare",  # a heading addressing its readers
             "Till vårdnadshavare", "Till era barn",  # the same, without the definite form of a page's name
             "Till kommunfullmäktige", "Till Länsstyrelsen i Exempellän",  # a motion's or a letter's addressee
             "Till höger", "Till Stockholm", "Till 2030",  # a direction, a table's cell
             "Till sist",  # an adverb that opens a closing section
             "Till den",
             "Till följd av beslutet",  # a heading that opens with an adverbial phrase
             "Svenska Hem AB", "Handläggare Lars Hem Bygglovsenheten",  # names with "Hem" and no separator
             "Ny logo 2020", "Beställning av logo 3 st",  # a heading and a cell with one number: no file's name
             "Historien bakom kommunvapen", "Exempelby stads vapen",  # headings of a page about the arms
             "↑", "↓",  # a trend in a table's cell
             "Fick du svar på dina frågor om bygglov under mötet?",  # a question that goes on
             "Hur kan vi hjälpa dig att spara energi?",  # a heading of the text, not a help box's
             "Foto: Eva Exempel", "Bild: Karta över området",  # an image's label with its text
             "All information om valet hittar du här: www.val.se",  # goes on after "här"
             "Beslutet fattades 05/06/2013 och gäller från 1 juli.",  # a date with slashes in a sentence
             "Nyheter 2021",  # a heading with a year
             "Hade du nytta av informationen i broschyren när du sökte bidrag?",  # a question that goes on
             "Servicecentret har fått nya lokaler.",  # a sentence about the contact centre
             "Pressjouren har fått ett nytt nummer från och med i höst.",  # a sentence, without a number
             "Kontakter mellan kommunen och föreningarna",  # a heading of the text
             "Publicerad i tidskriften Välfärd 2019",  # a report's field, no labels alone
             "Fritextsökning i arkivet är möjlig sedan 2020.",  # a sentence about the search
             "65 träffar i registret gällde vuxna.",  # a count in a sentence
             "Öppna förskolan",  # a heading: one toggle's verb, no toggle
             "Tyck till om Exempelbys nya översiktsplan",  # a consultation's heading
             "Summan av 4+1 blir 5",  # a sum in the text
             "Du lämnar in ansökan till kommunens kontaktcenter.",  # leaving a form, not the site
             "Sidan du letar efter har flyttats till en ny adress.",  # no dialog of leaving
             "Bygget av den nya startsidan tog ett år",  # no dash before the link's words
             "Märkt med en röd etikett",  # no colon: a caption
             "Licensavgiften betalas varje år.",
             "Obligatoriskt för alla nyanställda",  # no field's mark
             "Publicerad 2018 i tidskriften Välfärd, kl 12 var boken slutsåld",  # no date and time
             "2017-03-14 07:30 skickades pressmeddelandet ut.",  # a sentence that opens with the date
             "Många använder en äldre webbläsare, visar undersökningen.",  # about browsers, not the reader's
             "Kontakta handläggaren innan du skickar in ansökan.",
             "Språk och kommunikation",  # a heading
             "Publicering av protokoll sker inom två veckor.",  # no colon and date
             "Tema: Tillit i styrningen",  # a theme of the text, not a credit
             "Kommunen använder Google Translate för översättningar.",  # Swedish: the text's own sentence
             "1/2 liter mjölk",  # a slash inside a line
             "Till början av 1900-talet",  # a heading of a history, not the page's start
             "12:05", "10 min",  # a schedule's time, a length without seconds
             "Du är välkommen att kontakta oss om du har frågor om avgiften.",  # the text's paragraph
             "Du har inte behörighet att ansöka om bidraget.",  # a refusal in the text, not the page's
             "Åtkomst nekades till handlingarna",  # a heading of a case
             "Ansökan skickas till Exempelby kommun, Box 503, 123 45 Exempelby, tfn 0123-331 00.",  # where to send
             "För mer information om avgifterna, se taxan för 2024.",  # a lead-in with no phone
             "2020/02", "2019 > 2020",  # a case's number, a comparison of years
             "Startsidan har fått en ny design.",  # no crumb's separator
             "Instagram används av många unga",  # a sentence about the service
             "Skriv ett sökord i rutan och tryck på Sök, så visas alla beslut från 2020 och framåt.",  # instructions
             "Svenska och engelska",  # languages in a heading, no switch
             "Kungl. Biblioteket har fått en ny riksbibliotekarie.",  # a sentence that names the library
             "Du är här för att lära dig mer om avfall.",  # a sentence that goes on
             "Till startsidan på webbplatsen kommer nyheterna först.",  # no site's address
             "Läs rapporten här och lämna dina synpunkter senast 1 maj.",  # no file's type and size
             "Fler sidor i rapporten handlar om skolan än om vården.",  # a sentence, not a list's heading
             "Fler nyheter om skolan kommer i höst.",  # a sentence about news
             "15 mars 2024 | Kommunfullmäktige protokoll",  # a meeting's document after its date
             "Innehållet är skyddat av upphovsrätt enligt lag.",  # a sentence on copyright
             "För mer information om taxan, se kommunens hemsida eller ring oss.",  # no "gå till"
             # a review of rounds 47 to 50's rules found these taken before they were narrowed
             "Välkommen att kontakta skolans rektor om du vill besöka skolan. Vi visar gärna runt.",
             "Välkommen att höra av dig till oss med dina synpunkter på detaljplanen senast den 15 maj 2024.",
             "För mer information om vandringen, ring Länsstyrelsen på telefon 010-224 90 00.",
             "Till fikat använder vi kakor från bageriet.", "Vilka kakor vill du baka till julmarknaden?",
             "Svenska teckenspråk", "Speltid: 1:50", "Längd: 2:15", "2023 > 15",
             "Startsidan/webbplatsen uppdateras varje vecka av kommunikationsavdelningen.",
             # round 51's rules take a line of the interface alone, not the text about the same things
             "Gå till navigeringen i appen och välj Inställningar.",  # instructions that go on
             "Mail och länk skickas till alla deltagare",  # no social service's name
             "Anmäl dig", "Anmäl dig till kursen senast 1 maj.",  # a button or a course, no newsletter
             "Bildtexten saknas i den tryckta versionen.",  # a sentence about captions
             "Inga störningar väntas när ledningen byts.",  # a sentence that goes on
             "Inga avbrott i vattenleveransen under 2023 var längre än fyra timmar.",
             "För mer information: ring 0123-456 78.",  # goes on after the colon
             "Mer information",  # no colon
             # round 52's rules: a back link needs its arrow, a reading time its word, the customer service's name to be alone
             "Tillbaka till skolan efter sommaren", "Läsningen tog 10 minuter.",
             "Kundservice har fått nya öppettider från 1 maj.",
             # round 53's: the lead-in with more than an address, a cart or a map in a sentence, "> 65" a cell
             "Mer information om avgifterna finns på www.exempel.se under rubriken Taxor.",
             "Vägbeskrivningen finns i kallelsen.", "Kartan visar var kundkorgen kan hämtas.",
             "Håll dig uppdaterad om vad som händer i kommunen.", "> 65 år",
             "Gå till kontakta oss-sidan i e-tjänsten och välj ärende, sedan Skicka, så svarar vi inom en vecka.",
             "Gå till kontakt med socialtjänsten tidigt om du behöver stöd.",
             # round 54's: a password or a share in a sentence, a shortcut in the text
             "Lösenordet skickas till dig med brev.", "Dela med dig av dina erfarenheter i enkäten.",
             "Genvägen till sidan går via skolans entré.", "Barnen måste godkänna att vi använder bilderna.",
             # a review of rounds 51 to 53's rules found these taken before they were narrowed
             "Vägbeskrivning", "Registrera dig för att få nytt lösenord.",
             "Registrera dig för att få uppdateringar om strömavbrott i ditt område via sms.",
             "Det finns för närvarande inga kända störningar.", "Det finns inga planerade avbrott.", "Inga avbrott",
             "Alternativtext saknas"]
    assert _removed_by("\n\n".join([BODY, *lines]) + "\n") == {}


def test_body_lines_a_review_of_rounds_41_to_45_found_stay():
    """Lines of the text that the rules of rounds 41 to 45 took before a maintainer's review
    narrowed them: a sentence that opens with a phone word or hours and names e-mail or a street,
    a meeting's programme, instructions that name the site, report headings on a contact centre,
    news headings with a date, labels of marked goods, a graphic profile's headings, photo
    credits, an attribution, a figure's caption."""
    lines = ["Telefon, e-post och brev som kommer in till kommunen registreras som allmänna handlingar.",
             "Telefon och e-post är de vanligaste sätten att nå socialtjänsten, men du kan också boka ett besök.",
             "Mobil, e-post och sms är de kanaler som krisberedskapen ska använda vid en störning.",
             "Måndag–fredag 7–16 pågår arbetet på Storgatan 12, och trafiken leds om via Kyrkvägen.",
             "Vardagar 7–19 gäller parkeringsförbud på Storgatan 5, enligt de lokala trafikföreskrifterna.",
             "07.00–16.00 pågår arbetet med ledningsbytet på Storgatan 12 under vecka 14 och 15.",
             "13.00–14.30 Workshop om den nya översiktsplanen. Anmälan görs via e-post till planenheten senast 1 mars.",
             "Du lämnar din ansökan på webbplatsen.", "Du lämnar in ansökan via kommunens webbplats.",
             "Du lämnar synpunkter på planförslaget via kommunens hemsida.",
             "Kontaktcenter – ett år senare", "Kundtjänst – resultat av årets mätning",
             "Medborgarservice – tillgänglighet och bemötande 2023", "Nyheter 1 januari 2025",
             "Kärlet märkt med: farligt avfall", "Produkter märkta med: Svanen, Bra Miljöval eller EU Ecolabel",
             "Logotyp: Kommunens logotyp ska alltid synas i sin helhet", "Logotyp: Placering och frizon",
             "Text/foto: Getty Images", "Texten är licensierad under CC BY-SA 4.0 och hämtad från Wikipedia.",
             "Bild 1. Exempelby kommuns webbplats – startsida", "Ny webbplats – startsidan",
             "You can choose which language you want to take the theory test in.", "Övriga kontakter",
             "Hur kan vi hjälpa dig?", "Fritextsökning", "tis 12/3/2024 - 18:30 – Öppet möte om översiktsplanen"]
    for line in lines:
        assert _removed_by("\n\n".join([BODY, line, BODY]) + "\n") == {}, line
    programme = ["09.00–09.30 Registrering och kaffe", "Välkommen",
                 "09.30–10.30 Kommunchefen presenterar budgetförslaget för 2025 och svarar på frågor från publiken."]
    assert _removed_by("\n\n".join([BODY, "\n".join(programme), BODY]) + "\n") == {}
    # a contact block of three people, each a name and a title above a phone number, still goes: the short lines
    # between contact lines count as a name when each stretch of them is short, however many stretches there are
    staff = ["Eva Exempel", "Rektor", "0123-45 67 00", "Per Exempel", "Biträdande rektor", "0123-45 67 01",
             "Anna Exempel", "Kurator", "0123-45 67 02"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(staff), BODY]) + "\n")) == set(staff)


def test_the_page_asking_whether_it_helped_goes():
    lines = ["Var informationen på sidan till hjälp?", "Fick du hjälp av informationen på sidan?",
             "Sidan uppdaterades: 2 maj 2021", "Uppdaterades den tisdag 4 maj 2021"]
    found = _removed_by("\n\n".join([BODY, *lines]) + "\n")
    assert sorted(found) == sorted(lines), found


def test_a_company_name_is_not_english():
    """Capitalised words after a line's first are names, no evidence of its language."""
    text = "\n\n".join([BODY, "• Företagsutvecklingsbidrag, Nordic Gym AB - RS2020/464", BODY]) + "\n"
    assert _removed_by(text) == {}


def test_a_files_media_type_is_no_word_of_any_language():
    """A link's label that opens with its file's media type ("application/pdf …") is no English:
    the usual media types count as no words; a credit such as "Text/foto" is no media type."""
    assert clean.line_languages("application/pdf Sorteringslista (77,17 kB)", "en") == (0, 0)
    assert clean._MEDIA_TYPE.sub(" ", "application/vnd.ms-excel image/svg+xml text/foto").split() == ["text/foto"]
    text = "\n\n".join([BODY, "Så här sorterar du:", "application/pdf Sorteringslista (77,17 kB)", BODY]) + "\n"
    assert "application/pdf Sorteringslista (77,17 kB)" not in _removed_by(text)


def test_a_post_box_is_no_word_of_any_language():
    """Round 54's: "Box" before a post box's number in a Swedish address ("Box 1505") counts as no English word, so
    the line stays where it was read as English; "Box office" with no number is still English."""
    assert clean.line_languages("Box 1505", "en") == (0, 0)
    assert clean.line_languages("Box office", "en")[1] >= 1
    text = "\n\n".join([BODY, "Karlstads Bostads AB", "Box 1505", BODY]) + "\n"
    assert "Box 1505" not in _removed_by(text)


def test_an_acronym_counts_only_as_swedish():
    """A first word in capitals is an acronym: a Swedish one says the line is Swedish, one
    that wordfreq knows better in English is most often a Swedish body's or field's name."""
    assert clean.line_languages("SVT – public service", "en") == (1, 1)
    assert clean.line_languages("DO i Almedalen", "en") == (0, 0)
    text = "\n\n".join([BODY, "DO i Almedalen", "IT i skolan", "SVT – public service", BODY]) + "\n"
    assert _removed_by(text) == {}
    # a line all in capitals is read as before: its first word counts, the capitalised words after it do not
    assert clean.line_languages("READ MORE", "en") == (0, 1)
    assert clean.line_languages("UTSTÄLLNING: NEW YORK STORIES", "en") == (1, 0)
    assert _removed_by("\n\n".join([BODY, "SIGN UP NOW", "UTSTÄLLNING: NEW YORK STORIES", BODY]) + "\n") == {
        "SIGN UP NOW": "foreign-language"}


def test_a_viewers_title_goes_but_the_documents_own_title_stays():
    """A mirror shows the document's title above its interface and quotes it in a download
    prompt; the document's own copy of the title, after the interface, is its text."""
    title = "Revisionsrapport om tillsyn av hemtjänsten i Exempelstad"
    text = "\n\n".join([title, "Storlek: px", f'Download "{title}"', "Transkript", title, BODY]) + "\n"
    removed = _removed_by(text)
    assert removed == {"Storlek: px": "document-viewer", f'Download "{title}"': "foreign-language",
                       "Transkript": "document-viewer", title: "viewer-title"}
    assert _kept(text) == [title, BODY]
    # once running text has come between them, a quoted title no longer takes an earlier line
    text = "\n\n".join([title, BODY, f'Share "{title}"', BODY]) + "\n"
    assert _removed_by(text) == {f'Share "{title}"': "foreign-language"}


def test_a_numbered_agenda_keeps_its_items_between_step_markers():
    text = "\n\n".join(["Hoppa över navigering", "• 1", "Val av justerare", "• 2", "Fastställande av dagordning",
                        BODY]) + "\n"
    assert set(_removed_by(text)) == {"Hoppa över navigering", "• 1", "• 2"}
    assert _kept(text) == ["Val av justerare", "Fastställande av dagordning", BODY]


def test_a_run_of_short_lines_is_a_menu_but_a_list_is_not():
    menu = "\n".join(["Hälsa och vård", "Kultur", "Fastigheter", "Revision", "Politiska partier"])
    listed = "\n".join(["- primärvården", "- hemsjukvården", "- tandvården", "- skolhälsovården", "- ambulansen"])
    removed = _removed_by(f"{BODY}\n\n{menu}\n\nVår organisation\n\n{BODY}\n\n{listed}\n")
    assert set(removed) == set(menu.split("\n")) and set(removed.values()) == {"menu-run"}
    # with the running text straight after the menu, its last item is read as that text's heading, and stays
    # (round 15's rule; what it costs when the item is a menu's)
    removed = _removed_by(f"{BODY}\n\n{menu}\n\n{BODY}\n")
    assert set(removed) == set(menu.split("\n")[:-1])


def test_the_short_line_before_running_text_is_its_heading_not_the_menus():
    """A menu's run of short lines that a sentence of running text follows at once ends in
    that text's heading: the run's last line stays (a page's title under a toolbar)."""
    menu = ["Verktyg", "Normal", "Större", "Störst", "Kontrast", "Påskeldar"]
    removed = _removed_by("\n\n".join(["\n".join(menu), BODY]) + "\n")
    assert removed == dict.fromkeys(menu[:-1], "menu-run")
    # a line that ends a sentence but is short is no running text: the run goes whole
    assert set(_removed_by("\n\n".join(["\n".join(menu), "Elden är tänd."]) + "\n")) == set(menu)


def test_a_tables_head_split_one_cell_to_a_line_is_not_a_menu():
    """Column headings one to a line with the table's rows of numbers right under them are the
    table's head; the same short lines with a sentence under them are a menu."""
    head = ["Förbrukning", "i kWh", "Kostnad", "per år", "Varav fast", "Varav rörlig"]
    rows = ["10 000 8 500 kr 2 000 kr 6 500 kr", "20 000 16 400 kr 2 000 kr 14 400 kr"]
    assert _removed_by("\n\n".join([BODY, "\n".join([*head, *rows]), BODY]) + "\n") == {}
    assert set(_removed_by("\n\n".join([BODY, "\n".join(head), "Rubrik", BODY]) + "\n")) == set(head)
    # a line of a few numbers among more words is no table's row ("Ring 08-123 45 67 för att boka tid hos oss")
    assert not clean._numbers_row("Ring oss på telefon 08-123 45 67 under kontorstid")
    assert clean._numbers_row(rows[0])


def test_a_list_of_names_one_to_a_line_is_not_a_menu():
    """A council's members, a name to a line under each party's name, are what the page
    publishes: a run with five names of people or more stays whole; the same run of
    site sections goes as a menu."""
    members = ["Ledamöter", "Partiet A", "Eva Berg", "Anna-Karin Ek Lind", "Per Holm", "Partiet B", "Lars Ek",
               "Sara Lind", "Olof Nilsson"]
    assert _removed_by("\n\n".join([BODY, "\n".join(members), BODY]) + "\n") == {}
    four = ["Ledamöter", "Eva Berg", "Per Holm", "Lars Ek", "Sara Lind", "Kultur", "Idrott"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(four), "Rubrik", BODY]) + "\n")) == set(four)
    # those present at a meeting, each with a title or an organisation after a comma, are a list of people too
    present = ["Närvarande", "Eva Berg, ordförande", "Per Holm, sekreterare", "Lars Ek, Vision", "Sara Lind, Kommunal",
               "Olof Nilsson, kommunikatör"]
    assert _removed_by("\n\n".join([BODY, "\n".join(present), BODY]) + "\n") == {}
    # a menu written in title case is no list of people, nor is a long menu with a few names among its sections
    title_case = ["Barn Och Utbildning", "Kultur Och Fritid", "Bygga Och Bo", "Stöd Och Omsorg", "Trafik Och Gator",
                  "Kommun Och Politik"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(title_case), "Rubrik", BODY]) + "\n")) == set(title_case)
    sections = ["Region Exempel", "Visit Exempelby", "Exempelby Live", "Nya Hamnen", "Gamla Staden", "Kultur",
                "Idrott", "Fritid", "Skola", "Omsorg", "Trafik", "Bygga"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(sections), "Rubrik", BODY]) + "\n")) == set(sections)


def test_a_table_flattened_one_cell_to_a_line_is_not_a_menu():
    """Labels and their values in turn, one cell to a line (a table of dates or fees), are the
    text's; the same run without values, or a status panel whose labels a rule removes, goes."""
    table = ["Sista anmälningsdag", "15 april", "Sista kompletteringsdag", "12 juli", "Antagningsbesked",
             "29 juli", "Sista svarsdag", "3 augusti"]
    assert _removed_by("\n\n".join([BODY, "\n".join(table), "Rubrik", BODY]) + "\n") == {}
    # two label-value pairs are too few to be read as a table: with five labels without a digit, a menu
    short = ["Kultur", "Idrott", "Fritid", "Sista dag", "3 maj", "Nästa steg", "4 juni"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(short), "Rubrik", BODY]) + "\n")) == set(short)
    # a menu just before a table goes, the table stays; so with a joined line ("Meny") at the menu's head
    menu = ["Kultur", "Idrott", "Fritid", "Skola", "Omsorg", "Trafik", "Bygga"]
    removed = _removed_by("\n\n".join([BODY, "\n".join([*menu, *table]), "Rubrik", BODY]) + "\n")
    assert removed == dict.fromkeys(menu, "menu-run")
    removed = _removed_by("\n\n".join([BODY, "\n".join(["Meny", *menu, *table]), "Rubrik", BODY]) + "\n")
    assert removed == {"Meny": "navigation"} | dict.fromkeys(menu, "menu-run")


def test_short_lines_each_in_a_block_of_their_own_are_no_menu():
    """A menu's items stand one under another; short lines each in a block of its own, blank
    lines between, are the text's headings (sections collapsed on the page) or a table's
    cells: they stay. The same lines in one block go as a menu."""
    headings = ["Policy", "Planer", "Program", "Strategier", "Riktlinjer", "Regler"]
    text = "\n\n".join([BODY, *headings, "Rubrik", BODY]) + "\n"
    assert not any(rule == "menu-run" for rule in _removed_by(text).values())
    assert set(_removed_by("\n\n".join([BODY, "\n".join(headings), "Rubrik", BODY]) + "\n")) == set(headings)
    # one block of two lines among them is enough to read the run as a menu's
    mixed = "\n\n".join([BODY, *headings[:4], "\n".join(headings[4:]), "Rubrik", BODY]) + "\n"
    assert set(_removed_by(mixed)) == set(headings)


def test_a_qualifier_in_brackets_ends_a_menu_run():
    """A line that only qualifies the one above it ("(samt duggor)") is a flattened table's or
    a heading's, never a menu item's: the short lines around it are not one run. A bracket
    that holds a digit does not end a run."""
    timetable = ["Omtentamen", "(samt duggor)", "Mikroteori", "(Heltid, Dagtid)", "Tentamen", "(samt duggor)",
                 "Makroteori"]
    assert _removed_by("\n\n".join([BODY, "\n".join(timetable), BODY]) + "\n") == {}
    menu = ["Kultur", "Idrott", "Fritid", "(2 st)", "Skola", "Omsorg"]  # its last line, the heading of the text after it, stays
    assert _removed_by("\n\n".join([BODY, "\n".join(menu), BODY]) + "\n") == dict.fromkeys(menu[:-1], "menu-run")


def test_a_published_line_dates_the_document_where_metadata_does_not():
    text = "Rubrik\n\n" + BODY + "\n\nPublicerad: 4 maj 2020\nUppdaterad: 6 maj 2021\n"
    docs = pd.DataFrame({"file": ["a.txt", "b.txt"], "doc_id": ["a", "b"], "text": [text, text],
                         "meta": [{}, {"date": "2019-01-02"}]})
    _, removed, rows = stages.segment_documents(docs, RULES)
    assert set(removed["rule"]) == {"published-date"}
    by = {r["doc_id"]: r for r in rows}
    assert (by["a"]["date"], by["a"]["date_precision"], by["a"]["date_source"]) == (
        "2020-05-04", "day", "removed line (published-date)")
    assert (by["b"]["date"], by["b"]["date_source"]) == ("2019-01-02", "metadata")


def test_a_news_lists_dates_go_but_never_date_the_page():
    """The dates of a news list's items are removed, and the page's own published line still
    dates it: an item's date above it would have been taken as the page's."""
    text = ("Nyheter\n\n• 9 mars 10:06\n\n" + BODY + "\n\n17 juni 2019 -\n\n" + BODY
            + "\n\nPublicerad: 4 maj 2020\n")
    docs = pd.DataFrame({"file": ["a.txt"], "doc_id": ["a"], "text": [text], "meta": [{}]})
    _, removed, rows = stages.segment_documents(docs, RULES)
    assert sorted(removed["rule"]) == ["news-list-date", "news-list-date", "published-date"]
    assert (rows[0]["date"], rows[0]["date_source"]) == ("2020-05-04", "removed line (published-date)")


def test_published_date_is_logged(caplog):
    text = "Publicerad 14 mars 2021\n\n" + BODY + "\n"
    _, removed = clean.segment(text, "x.txt", RULES)
    with caplog.at_level("INFO", logger="helpers.documents"):
        found = documents.published_date("x.txt", text, removed)
    assert found["date"] == "2021-03-14"
    assert "x.txt: line 1" in caplog.text and "published-date" in caplog.text


def test_a_bylines_date_with_slashes_is_not_read():
    """A content system's byline ("mån, 05/06/2013 - 12:57 -- Redaktör") goes, but its date,
    day and month either way round, does not become the document's."""
    text = "mån, 05/06/2013 - 12:57 -- Redaktör\n\n" + BODY + "\n"
    _, removed = clean.segment(text, "x.txt", RULES)
    assert [r["rule"] for r in removed] == ["published-date"]
    assert documents.published_date("x.txt", text, removed) == {}


@pytest.mark.parametrize("field, value, message", [
    ("min_signals", 0, "'min_signals' must be a whole number"),
    ("min_lines", "many", "'min_lines' must be a whole number"),
    ("language", "English", "'language' must be a language code"),
    ("signals", ["(a+)+b"], "exponential time"),
])
def test_bad_block_menu_language_fields_are_refused(tmp_path, field, value, message):
    kind = {"min_signals": "block", "min_lines": "menu", "language": "language", "signals": "block"}[field]
    item = {"id": "x", "kind": kind, field: value}
    if kind == "block" and field != "signals":
        item["signals"] = ["tel"]
    import yaml
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match=message):
        clean.load_rules(tmp_path)


def test_a_block_rule_needs_signals(tmp_path):
    (tmp_path / "boilerplate.yaml").write_text("rules:\n  - id: x\n    kind: block\n", encoding="utf-8")
    with pytest.raises(clean.RuleError, match="needs at least one pattern under 'signals'"):
        clean.load_rules(tmp_path)


# --------------------------------------------------------------------------- the labelled set

def test_the_labelled_set_is_as_documented():
    """Round 1's held-out sites are the first third of its sites by SHA-256 of the name;
    round 2's sites, added after round 1 was scored, were all held out, a third of the
    sites of rounds 1 and 2; each later round's sites were held out, and the last round's
    are the check part now. No site is in two rounds."""
    pages = furniture.load_set()
    sites = sorted({p.site for p in pages})
    assert len(pages) >= 40 and len(sites) >= 15  # what the issue asks for
    readme = " ".join((paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8").split())
    assert f"holds {len(pages)} excerpts of Swedish public-sector web pages from {len(sites)} sites" in readme
    with open(paths.FURNITURE_DIR / "pages.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    first = sorted({r["site"] for r in rows if r["round"] == "1"})
    ranked = sorted(first, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    assert {r["site"] for r in rows if r["held_out"] == "1"} == set(ranked[:round(len(first) / 3)])
    last = str(max(int(r["round"]) for r in rows))
    assert all(r["held_out"] == r["round"] for r in rows if r["round"] != "1")
    assert all((r["part"] == "check") == (r["round"] == last) for r in rows)
    by_round = {n: {r["site"] for r in rows if r["round"] == n} for n in sorted({r["round"] for r in rows})}
    assert sum(map(len, by_round.values())) == len(sites)  # no site is in two rounds
    assert len(by_round["2"]) == round(len(by_round["1"] | by_round["2"]) / 3)
    assert {p.site for p in pages if p.part == "check"} == by_round[last]
    for p in pages:  # every line that is not blank is labelled, and only those
        lines = p.text.split("\n")
        assert list(p.labels["line"]) == [n for n, ln in enumerate(lines, 1) if ln.strip()], p.name
        assert list(p.labels["text"]) == [ln.strip() for ln in lines if ln.strip()], p.name
        furn = p.labels[p.labels["label"] == "furniture"]
        assert (furn["kind"] != "").all() and (p.labels.loc[p.labels["label"] == "body", "kind"] == "").all()
    with open(paths.FURNITURE_DIR / "pages.csv", encoding="utf-8") as f:
        assert all(r["url"].startswith(("http://", "https://")) and r["source"] for r in csv.DictReader(f))
    # no site of the rounds is a site of the multi-page set, whose tune part the rules are read on
    multi = {p.site for p in furniture.load_set(paths.FURNITURE_DIR / furniture.SITES_DIR)}
    assert not set(sites) & multi, sorted(set(sites) & multi)


def test_removed_lines_are_numbered_from_one():
    text = "Skriv ut\n\n" + BODY + "\nVisad 12 gånger\n"
    assert furniture.removed_lines(text, "t.txt", RULES) == {1: "share-buttons", 4: "view-counter"}


def test_the_scores_are_counted_right():
    pred = pd.DataFrame({
        "page": ["p"] * 6, "site": ["s"] * 6, "part": ["check"] * 6, "line": [1, 2, 3, 4, 5, 6],
        "label": ["furniture", "furniture", "furniture", "body", "body", "furniture"],
        "kind": ["contact", "contact", "viewer", "", "", "viewer"],
        "removed_by": ["a", "", "b", "b", "", "a"],
    })
    got = {(m, g): (h, t) for m, g, h, t in furniture.score(pred)[["measure", "group", "hits", "total"]].itertuples(
        index=False)}
    assert got == {("recall", "all"): (3, 4), ("precision", "all"): (3, 4), ("recall", "contact"): (1, 2),
                   ("recall", "viewer"): (2, 2), ("precision", "a"): (2, 2), ("precision", "b"): (1, 2)}
    values = furniture.score(pred).set_index(["measure", "group"])["value"]
    assert values[("recall", "all")] == 0.75 and values[("precision", "b")] == 0.5
    empty = furniture.score(pred.assign(removed_by=""))
    assert math.isnan(empty.set_index(["measure", "group"]).loc[("precision", "all"), "value"])


# --------------------------------------------------------------------------- reference codings

def _corpora_with_references() -> list[Path]:
    found = [paths.CORPUS_DIR, *(paths.PROJ_ROOT / name for name in evaluation.DEVELOPMENT_CORPORA),
             paths.PROJ_ROOT.parent / "shared" / "dev"]
    return [c for c in found if (c / "reference").is_dir() and (c / "raw").is_dir()]


@pytest.mark.parametrize("root", _corpora_with_references(), ids=lambda p: p.name)
def test_no_sentence_of_a_reference_coding_is_removed(root):
    """Every character of every span a reference coder coded, in the seeds and the
    development corpora, is in a kept sentence: no rule removed any of it, the template
    rule included (each corpus cleaned as the pipeline cleans it, against its own line
    counts)."""
    n = 0
    raw = {path.name: corpus.read_raw(path).text for path in sorted((root / "raw").glob("*.txt"))}
    counts = clean.template_counts(raw.values(), RULES)
    kept = {}
    for name, text in raw.items():
        sentences, _ = clean.segment(text, name, RULES, counts)
        kept[name] = {i for s in sentences for i in range(s["start"], s["end"])}
    for ref in sorted((root / "reference").glob("*.csv")):
        with ref.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                s, e, text = int(row["start"]), int(row["end"]), raw[row["file"]]
                lost = [i for i in range(s, e) if not text[i].isspace() and i not in kept[row["file"]]]
                assert not lost, (root.name, ref.name, row["file"], row["quote"][:80])
                n += 1
    assert n > 100


def test_removals_are_counted_per_document_and_rule():
    removed = pd.DataFrame({"file": ["a.txt", "a.txt", "a.txt", "b.txt"], "start": [0, 50, 200, 5],
                            "end": [4, 60, 210, 9], "rule": ["skip-link", "controls", "controls", "menu-run"],
                            "text": ["x"] * 4})
    docs = pd.DataFrame({"doc_id": ["a", "a/e1", "b"], "file": ["a.txt", "a.txt", "b.txt"], "parent": ["", "a", ""],
                         "start": [0, 100, 0], "end": [300, 300, 20]})
    table = documents.removals_per_document(removed, docs)
    assert table.to_dict("index") == {"a": {"controls": 1, "menu-run": 0, "skip-link": 1},
                                      "a/e1": {"controls": 1, "menu-run": 0, "skip-link": 0},
                                      "b": {"controls": 0, "menu-run": 1, "skip-link": 0}}


def test_a_link_list_goes_with_its_heading():
    titles = ["Revisionsrapport Leasing av bilar. Exempelstads kommun", "Rapport Hantering av föreningsbidrag",
              "Uppföljning av tidigare granskning"]
    text = "\n\n".join([BODY, "Relevanta dokument", *titles, BODY]) + "\n"
    removed = _removed_by(text)
    assert removed == dict.fromkeys(["Relevanta dokument", *titles], "link-list")
    assert _kept(text) == [BODY, BODY]
    # round 50's (written reading rounds 1 to 49): related material under its heading
    text = "\n\n".join([BODY, "Relaterat material", "Strategisk inriktning 2024–2027", BODY]) + "\n"
    assert _removed_by(text) == dict.fromkeys(["Relaterat material", "Strategisk inriktning 2024–2027"], "link-list")
    # round 49's (written reading rounds 1 to 48): the site's other pages of a section under "Fler sidor inom …"
    pages = ["Dricksvatten och mätning", "Avlopp från hushåll"]
    text = "\n\n".join([BODY, "Fler sidor inom frågor och svar", *pages, BODY]) + "\n"
    assert _removed_by(text) == dict.fromkeys(["Fler sidor inom frågor och svar", *pages], "link-list")


def test_a_press_contact_under_its_label_with_a_colon_goes_as_a_block():
    """Round 49's (written reading rounds 1 to 48): "Presskontakt:" with its colon heads a
    press contact, a name, a title, a number and an address to a line, as "Presskontakt" does."""
    lines = ["Presskontakt:", "Eva Exempel", "Press- och medieansvarig, kulturförvaltningen", "08-123 456 78",
             "eva.exempel@exempelby.se"]
    removed = _removed_by("\n\n".join([BODY, "\n".join(lines), BODY]) + "\n")
    assert set(lines) <= set(removed) and removed["Presskontakt:"] == "contact-details"


def test_a_status_panel_goes_as_a_menu_that_joins_its_labels_and_stops_at_another_removed_line():
    panel = ["Interpellationen är besvarad", "Händelser", "Inlämnad", "2016-05-19", "Överlämnad", "2016-05-20",
             "Besvarad", "2016-06-27"]
    text = "\n\n".join([BODY, "\n".join(panel), "PDF", "Interpellationen", "till Statsrådet Exempel (S)", BODY]) + "\n"
    removed = _removed_by(text)
    # the panel's labels are the status rule's; its heading and the dates between them go with them, as a menu
    # that joins that rule's lines; the menu stops at "PDF", which the controls rule removed, and the heading stays
    labels = [x for x in panel if not x[0].isdigit() and x != "Händelser"]
    assert removed == (dict.fromkeys(panel, "menu-run") | dict.fromkeys(labels, "page-metadata")
                       | {"PDF": "controls"})


def test_a_menu_split_by_lines_the_navigation_rule_removed_goes_whole():
    # the navigation rule removes "Meny", "Sök" and "Start": they are items of the menu around
    # them (the menu rule's `joins`), so the four site sections left between them still go
    menu = ["Meny", "Exempelby kommun", "Sök", "Start", "Omsorg och stöd", "Skola och förskola", "Bygga och bo"]
    text = "\n\n".join([BODY, "\n".join(menu), "Vår organisation", BODY]) + "\n"
    removed = _removed_by(text)
    assert removed == {line: ("navigation" if line in ("Meny", "Sök", "Start") else "menu-run") for line in menu}
    assert _kept(text) == [BODY, "Vår organisation", BODY]
    # straight before the running text, the menu's last item stays as its heading
    assert _kept("\n\n".join([BODY, "\n".join(menu), BODY]) + "\n") == [BODY, "Bygga och bo", BODY]


def test_without_joins_a_menu_split_by_removed_lines_stays(tmp_path):
    own = [r for r in RULES if r.id == "menu-run"][0]
    assert own.joins == ("navigation", "page-metadata")
    rules = tuple(dataclasses.replace(r, joins=()) if r.id == "menu-run" else r for r in RULES)
    menu = ["Meny", "Exempelby kommun", "Sök", "Start", "Omsorg och stöd", "Skola och förskola", "Bygga och bo"]
    _, removed = clean.segment("\n\n".join([BODY, *menu, BODY]) + "\n", "x.txt", rules)
    assert {r["rule"] for r in removed} == {"navigation"}


@pytest.mark.parametrize("item, message", [
    ({"id": "m", "kind": "menu", "joins": "navigation"}, "'joins' must be a list of rule ids"),
    ({"id": "m", "kind": "line", "patterns": ["x"], "joins": ["navigation"]}, "'joins' belongs to a 'menu' or 'block' rule"),
    ({"id": "m", "kind": "menu", "joins": ["no-such-rule"]}, r"names no rule in force: \['no-such-rule'\]"),
])
def test_bad_joins_are_refused(tmp_path, item, message):
    import yaml
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match=message):
        clean.load_rules(tmp_path)


def test_joins_refuses_a_rule_applied_after_the_menu_rule(tmp_path):
    # foreign-language and site-template stand after menu-run: their lines are unmarked when it reads
    import yaml
    item = {"id": "menu-run", "kind": "menu", "joins": ["navigation", "foreign-language"]}
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match=r"names \['foreign-language'\], applied after it"):
        clean.load_rules(tmp_path)


def test_a_corpus_menu_rule_may_join_a_default_rule(tmp_path):
    import yaml
    item = {"id": "menu-run", "kind": "menu", "max_words": 3, "min_lines": 4, "joins": ["skip-link", "navigation"]}
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    menu = [r for r in clean.load_rules(tmp_path) if r.id == "menu-run"][0]
    assert (menu.min_lines, menu.joins) == (4, ("skip-link", "navigation"))


def test_a_document_header_of_numbers_is_not_a_menu():
    header = ["Socialdepartementet", "Regeringsbeslut", "IV:3", "2014-08-28", "S2014/6324/SFÖ", "Exempelverket"]
    assert _removed_by("\n".join(header) + "\n\n" + BODY + "\n") == {}


def test_a_contact_block_may_open_with_a_title_and_a_name():
    text = ("Mallarna finns i Word.\n\nKontakt\n\nProduktionsledare\nEva Exempel\neva.exempel@exempel.se\n\n"
            "Förvaltningsledare\nOlle Exempel\nolle.exempel@exempel.se\n")
    assert set(_removed_by(text)) == {"Kontakt", "Produktionsledare", "Eva Exempel", "eva.exempel@exempel.se",
                                      "Förvaltningsledare", "Olle Exempel", "olle.exempel@exempel.se"}


# a contact block whose heading and e-mail link the line rules removed, each line a block of its own
JOINED = ["Kontakt", "Bild på Eva Exempel", "Eva Exempel", "Socialchef", "010-123 45 67", "E-post"]


def test_a_contact_block_joins_its_heading_and_e_mail_link_that_line_rules_removed():
    removed = _removed_by("\n\n".join([BODY, *JOINED, BODY]) + "\n")
    assert set(removed) == set(JOINED)
    assert (removed["Kontakt"], removed["E-post"], removed["Eva Exempel"]) == (
        "contact-block", "share-buttons", "contact-details")  # each logged by the rule that removed it


def test_without_joins_a_phone_number_alone_is_no_contact_block():
    rules = tuple(dataclasses.replace(r, joins=()) if r.id == "contact-details" else r for r in RULES)
    _, removed = clean.segment("\n\n".join([BODY, *JOINED, BODY]) + "\n", "x.txt", rules)
    assert {r["text"] for r in removed if r["rule"] not in furniture.NOT_LINE_REMOVALS} == {"Kontakt", "E-post"}


@pytest.mark.parametrize("name", ["Region Exempelland", "Exempelby kommun", "Exempelverket",
                                  "Myndigheten för exempel och analys", "Kungl. Exempelakademien"])
def test_the_sites_name_above_the_pages_title_goes(name):
    assert _removed_by(f"{name}\n\nOmsorg och stöd\n\n{BODY}\n") == {name: "site-name"}


@pytest.mark.parametrize("text", [
    # not a name (not capitalised, a common noun: a framework, an area, "our municipality"), or a council that heads
    # its minutes, or a report's publisher on a mirror
    *(f"{top}\n\nOmsorg och stöd\n\n{BODY}\n" for top in ("Regelverket", "Ansvarsområdet", "Vår kommun",
                                                             "Region och kommun", "Socialnämnden", "Socialstyrelsen")),
    # a date under the name is no title
    f"Stockholms stad\n\n2021-03-04\n\n{BODY}\n",
    # a sentence under the name: the name is the page's heading
    "Exempelverket\n\nExempelverket är en myndighet som granskar hur staten använder sina pengar.\n",
    # the name below the top of the page
    f"{BODY}\n\nExempelverket\n\nOmsorg och stöd\n\n{BODY}\n",
    # not an organisation's name
    f"Omsorg och stöd\n\nHemtjänst\n\n{BODY}\n",
])
def test_a_name_that_heads_the_text_or_stands_lower_stays(text):
    assert _removed_by(text) == {}


def test_a_masthead_rule_needs_patterns(tmp_path):
    (tmp_path / "boilerplate.yaml").write_text("rules:\n  - id: x\n    kind: masthead\n", encoding="utf-8")
    with pytest.raises(clean.RuleError, match="a 'masthead' rule needs at least one pattern"):
        clean.load_rules(tmp_path)


def test_a_block_rule_may_not_join_a_structural_rule_after_it(tmp_path):
    import yaml
    item = {"id": "contact-details", "kind": "block", "signals": ["x"], "joins": ["contact-block", "menu-run"]}
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match=r"names \['menu-run'\], applied after it"):
        clean.load_rules(tmp_path)


def test_a_heading_that_names_e_mail_is_not_a_contact_block():
    text = ("Om oss\n\nBedrägeriförsök via mejl\n\nVi är just nu utsatta för nätfiske via mejl, och vi har "
            "polisanmält händelsen.\n\nNär du vill veta din adress ska du vända dig till kommunen.\n")
    # only "Om oss", a site's "about us" link, goes (as a label of the contact rule); the heading stays
    assert _removed_by(text) == {"Om oss": "contact-block"}


@pytest.mark.parametrize("text, headings", [
    # headings above an invitation to call, in its block: the invitation goes (its own rule), the headings stay
    ("Hemtjänst\nSå ansöker du om hemtjänst\n"
     "Kontakta biståndshandläggaren på telefon 0651-180 00 eller via e-post så hjälper vi dig.\n",
     {"Hemtjänst", "Så ansöker du om hemtjänst"}),
    # a share row's "E-post" and a "Kontakt" link around the page's heading: no contact block without a signal
    # of its own
    ("Dela\n\nE-post\n\nKvalitet i särskilt boende\n\nKontakt\n", {"Kvalitet i särskilt boende"}),
])
def test_lines_a_contact_block_joins_do_not_make_one_alone(text, headings):
    removed = _removed_by(text + "\n" + BODY + "\n")
    assert "contact-details" not in removed.values() and not headings & set(removed)


@pytest.mark.parametrize("line", [
    "Tack för dina synpunkter på remissen, som nämnden har beaktat i sitt beslut.",
    "Tack för din hjälp med enkäten. Resultaten visar att 80 procent är nöjda.",
    "Flera av kommunens e-tjänster stöds inte av äldre webbläsare, vilket har lett till klagomål.",
    "Kontakta socialtjänsten via telefon. Nämnden har under året genomfört fyrtio utredningar om barn.",
    "Frågor om ansökan besvaras av handläggaren på telefon 08-123 45 67 eller via e-post till registrator@kommun.se.",
    "Synpunkter och klagomål", "Felanmälan", "Händelser", "Beslut från sammanträdet",
    # a bare dateline, a date with its time but no list marker, a sentence that gives two numbers
    "17 juni 2024", "9 mars 10:06", "Ring socialjouren på 08-123 45 67 eller 070-123 45 67.",
    # from a review of round 8's rules: a list of meeting times, a label with who did it but no date, an updated
    # line with a sentence after it, advice that is not about the browser, a source and the text it begins,
    # a source named in lower case, an invitation to call with two numbers and no full stop
    "• 3 maj 2021 kl. 10.00", "• 24 personer 10.30", "Granskad av kommunens revisorer",
    "Publicerad av Kommunikationsavdelningen", "Uppdaterad 12 mars 2021 av kommunstyrelsen. Beslutet gäller från 1 april.",
    "Vi rekommenderar att du byter den gamla oljepannan mot bergvärme.",
    "Informationen kommer från Socialstyrelsen. Den visar att andelen äldre ökar.",
    "Texten kommer från en motion i riksdagen.", "Ring socialjouren på 08-123 45 67 eller 070-123 45 67",
    # round 9's near misses: a date before a meeting's document, a pointer to a publication by its title, cakes
    # baked, a sentence naming a file
    "2021-11-15 Kommunfullmäktige protokoll", "Läs mer i handboken När det inte blev som det var tänkt",
    "Läs även artikel Skrivtips för rapporter",
    "Vi bakade kakor till fikat på träffpunkten.", "Rapporten finns som rapport.pdf och kan beställas.",
    # round 10's: a call to contact someone that goes on as a sentence, a user logged out in a report's text,
    # an agency's own website named in a sentence
    "Kontakta socialtjänsten om du behöver hjälp med din ansökan.",
    "Vid granskningen blev handläggarna utloggade ur systemet flera gånger per dag, vilket försenade arbetet.",
    "Du är på rätt plats om du vill veta mer om kommunens webbplats och dess tillgänglighet.",
    # round 11's: a source the text cites with its link, a plan and a year (no street address), a list item naming a
    # file in words, maintenance of a service in the text
    "Källa: Bygglovsbefriad altan - PBL kunskapsbanken - Boverket Länk till annan webbplats, öppnas i nytt fönster.",
    "• e-legitimation", "Under 2021 genomförde kommunen underhåll av vägarna, vilket kan påverka trafiken i år.",
    # a review's of round 11's rules (mended after round 11 was scored): cakes eaten or a rule about them, settings
    # in an app, a service of the text and a site named in a later sentence, a plan's responsible board
    "Vi satt och åt kakor i personalrummet. Sedan pratade vi om schemat.",
    "Vi har satt upp regler om kakor och godis på förskolan.", "Så kan du ändra dina inställningar i appen.",
    "Personalen har fått ny utbildning. Vår service till de äldre påverkar hur tjänsten uppfattas. Läs mer på "
    "exempel.se.",
    "Ansvarig för innehållet i planen är kommunstyrelsen, som följer upp den varje år.",
    # round 12's: a board named in a sentence, an easy-to-read version or a subscription the text speaks of, a review
    # by someone, a contact centre or a slow page in a sentence, a missing link reported
    "Ansvarig nämnd är socialnämnden, som följer upp arbetet.",
    "Det finns en lättläst version av broschyren på biblioteket.", "Du kan prenumerera på tidningen via vår webbplats.",
    "Informationen granskades av revisorerna i mars.", "Vi ringde till kundtjänst flera gånger utan att få svar.",
    "Sidan laddar långsamt för många brukare.", "Länk till startsidan saknas i rapporten.",
    # round 13's: a quotation closed by Swedish marks, a feed or the page's help in a sentence, a timestamp in a
    # sentence, a browser the text speaks of, a table of contents or an update in a sentence
    "Nämndens ordförande kallade förslaget »ett steg bakåt»",
    "Följ arbetet i nämnden via protokollen.", "Vi har ett RSS-flöde för nämndens beslut.",
    "Hjälpte stödet familjerna? Det visar uppföljningen.", "Mätningen startade 2021-03-04T09:15:00 och pågick en vecka.",
    "Skolan använder en modern webbläsare på alla datorer.", "Innehåll på sidan om äldreomsorgen har setts över.",
    "Sidan blev senast uppdaterad av nämnden i fjol.",
    # (after a review) an arrow after a sentence's end, a question of help that is not the page's, a browser named in
    # a sentence, advice on browsers in a text, one numbered date (a list of one is no news list)
    "Beslutet överklagades i maj. Ärendet gick till nämnden »", "Hjälpte informationen familjerna?",
    "Webbläsaren Firefox är gratis.",
    "Håll datorn uppdaterad och använd en uppdaterad webbläsare. Klicka aldrig på länkar i sms.",
    "Skydda dig mot bedrägerier: använd en modern webbläsare och ett starkt lösenord",
    "Använd en modern webbläsare när du fyller i ansökan.", "1. 15 januari 2024",
    # round 14's: a text's own remark on its age, JavaScript or a key in a sentence, a sentence on more of a subject,
    # sharing in a sentence, an instruction to write something here, a size in pixels in a sentence, a phrase said
    # twice with a sentence's end, contact said in a sentence
    "Den här texten är äldre än 20 år men beskriver arbetet väl.",
    "Tjänsten är byggd i JavaScript och fungerar i alla webbläsare",
    "Kortkommandot Ctrl + P skriver ut.", "Mer om detta i avsnitt 3.",
    "Dela sidan med dina kollegor om du tycker att den är bra.", "Skriv ditt namn och din adress här nedan.",
    "Skärmen har 1920 x 1080 pixlar.", "Kontaktperson för projektet är Anna Exempel.",
    # round 15's: a table's cell "> 65 år", a start in a sentence, a search in a sentence, publishing in a sentence, an
    # acronym in capitals, a picture in a sentence, comments in a sentence, bars without a phone, "här" in a question
    "> 65 år", "Till start för projektet anslog nämnden 2 miljoner kronor.", "Sök bidraget senast den 1 mars:",
    "Rapporten publicerades senast 2019.", "SVT PLAY", "Nyhetsbilden i länet är splittrad.",
    "Frågan är stängd för diskussion i nämnden.", "Skola | Omsorg | Kultur",
    "Vet du vad som finns här?",
    # round 16's: a sentence that points to a link, a text's own published-by in a sentence, disruptions in a
    # sentence, a bracketed reference, translation in a sentence
    "Fler frågor och svar om bland annat arkeologi finns här.", "Rapporten publicerades av nämnden i maj.",
    "Under året hade vi 2 driftstörningar i vattenverket.", "Se tabell [1] och bilaga [2].",
    "Dela denna information med dina anhöriga om du vill.", "Översätt texten till lättläst svenska.",
    # a section's heading "Mer om …" (round 14's rule for it as a link was withdrawn: a line alone cannot tell them
    # apart), a phrase said twice (round 14's rule for a link's text twice needed a back reference, which turns the
    # line screen off)
    "Mer om styrning", "Plan för äldreomsorgen Plan för äldreomsorgen",
    # round 17's: a page published in a sentence, going back in a sentence, responsibility for something else, a field
    # in a sentence, an invitation in a sentence without how, a name and a title without a number, a dateline's weekday
    "Artikeln publicerades i flera tidningar.", "Tillbaka till startsidan kom vi först i maj.",
    "Kommunen ansvarar för att webbplatsen är tillgänglig.", "Fältet kan inte vara tomt när du skickar ansökan.",
    "Ring oss gärna om du undrar något över beslutet, vi svarar i mån av tid.", "Eva Exempel, Kommunsekreterare",
    "onsdag 26 juni 2024", "Vad kan vi förbättra i äldreomsorgen?",
    # a review's of rounds 14 to 16 (mended before round 17 was scored): a key, a translation service, JavaScript
    # or a bracket in a report's text, a timetable's days, a guide's headings, a quoted mail line, a photo's
    # required size, a form's instructions, a heading, sharing with colleagues, a table row with numbers
    "Nämnden beslutade i maj. Om du vill spara beslutet kan du trycka Ctrl + P och välja PDF. Beslutet kan "
    "överklagas inom tre veckor.",
    "Kommunen rekommenderar inte Google Translate för myndighetsinformation. Behöver du tolk kontaktar du oss, "
    "personalen har tystnadsplikt enligt lag.",
    "Vi avråder från att använda Google Translate vid myndighetsbeslut.",
    "Revisorerna konstaterar att JavaScript var avstängt. Nämnden har därefter infört nya rutiner.",
    "Nämnden beslutade att tillåta JavaScript i den nya plattformen.", "Kommunen ska aktivera JavaScript i alla datorer.",
    "[ftn1] Se SOU 2018:47, s. 12.", "[SOU1] Tillitsdelegationen (2018)", "[a1] Se bilaga 3.", "Ti svenska", "Om finska",
    "Sök så här:", "Sök bostad:", "Sök hjälp:", "> tre månader", "> Hej, jag undrar när bygglovet blir klart",
    "Fotot ska vara 413 x 531 pixlar", "Bilden visar en skärm med 1920 x 1080 px", "Skriv under här",
    "Skriv ditt namn här", "Skriv in personnumret här.", "Mer information", "Dela innehållet med andra förvaltningar",
    "Dela sidan med kollegor", "Konto | Tel 2021 45 000 | Fax 2021 1 000", "Informationen publicerad 2019 i årsredovisningen",
    # round 18's: following in a sentence, a VAT rate, the web editors in a sentence of another kind, a window or an
    # ellipsis in a sentence
    "Följ utvecklingen i kommunen på webben.", "Momsen är 25 procent.", "Webbredaktionen har två anställda.",
    "Visa respekt för grannarna i eget boende.", "Och sedan…",
    # round 19's: a section's number in a set of rules, one or two jumps as a sentence's start, a type and a date
    # in a sentence, yes and no in a sentence, the search question in a
    # sentence, translation in a sentence
    "1.1", "2.3", "Gå till Stadshuset och hoppa till nästa punkt.", "Pressmeddelandet kom 9 juli 2024 på morgonen.",
    "Svara ja eller nej på frågan.",
    "Vad söker du för tjänst hos oss?", "We use Google to translate our reports into Swedish.",
    # round 20's: listening, downloading, an age, comments and a read-aloud service in sentences of another kind, a
    # variable
    "Lyssna på musiken i parken.", "Ladda ner appen i din mobil.", "Ladda ner blanketten (se nedan) och skicka in den.",
    "x = 3", "Den här nyheten är mer än 60 dagar gammal men gäller fortfarande.",
    "Det finns inga kommentarer på förslaget.",
    "Talande webb infördes i skolorna 2019.",
    # round 21's: closing, listening, copying, a button and an error in sentences of another kind, a meeting's time
    "Stäng fönstret innan du går.", "Vill du lyssna på innehållet i rapporten kan du beställa en ljudbok.",
    "Kopierat material ska anges med källa.", "Knappen finns på sidan.", "Något gick fel i upphandlingen.",
    "2021-11-15 13:00", "Om problemet kvarstår ska nämnden rapportera det.",
    # round 22's: questions that go on or stand in a sentence, a sum in a sentence, spam in a report, the start
    # page in a sentence
    "Har du frågor om hemtjänsten kan du ringa oss.", "Undrar du något om ärendena är du välkommen att höra av dig.",
    "2 + 2 = 4", "Spam är ett växande problem för myndigheterna.",
    "Till startsidan för förskolan hör också en karta.", "Vill du få texten översatt? Då kan du beställa en tolk.",
    # round 23's: a language, a print, the start page, outages and a toolbar's words in sentences
    "Choose language carefully when you write to the agency.", "Utskrift från registret skickas per post.",
    "Startsidan är omgjord.", "Pågående driftstörningar rapporteras till nämnden varje månad.",
    "Skriv ut blanketten och skicka den till oss.", "Översätt gärna texten till ditt språk.",
    # round 24's: consent, translation, downloads, a new window, feedback and images in sentences of another kind
    "Nämnden beslutade att godkänna avtalet om kakor och bröd till skolorna.",
    "Automatisk översättning används inte i myndighetens beslut.", "Ladda ner appen, den är gratis.",
    "Tyck till om förslaget senast den 3 maj.", "Synpunkter och klagomål", "Bilden visar kontoret.",
    # round 25's: translation, text size, another site, an e-service, a new site and a web in sentences
    "Google Translate används inte av myndigheten.", "Textstorleken går att ändra i webbläsaren.",
    "Ansökan görs till e-tjänsten hos Skatteverket.", "Vi har bytt leverantör av webbplatsen under året.",
    "Webben av idag kräver mer av oss.",
    # after a review of rounds 21 to 25: a new site's news, spam in sentences, a heading on the start page, a
    # site named as a source, an outage page's heading, a help page's heading, a web in a sentence
    "Vi har fått en ny webbplats. Den är byggd för att fungera i mobilen.",
    "Vi har bytt webbplats under året, vilket gjort det enklare att hitta.",
    "Vi får mycket spam och måste svara på varje brev.",
    "Myndigheten har inte lyckats stoppa spam, och vi ber därför kommunerna att svara på enkäten.",
    "Startsidan för Vårdguiden har fått ny design", "Webbplats: Folkhälsomyndigheten", "Planerade avbrott",
    "Textstorlek", "Webb av Morgondagen är namnet på projektet.",
    # round 27's: sharing, commenting, going back, sign language, chatting, an organisation number
    # and an old news item in sentences or headings of another kind
    "Dela med andra är ett av skolans mål.", "Kommentera sidan 12 i rapporten.",
    "Tillbaka till skolan efter sommaren.", "Svenskt teckenspråk är ett av de nationella minoritetsspråken.",
    "Chatten är ett nytt sätt att nå kommunen.", "Ange PRV:s organisationsnummer: 202100-0000",
    "Nyheten är äldre än ett år men gäller fortfarande.",
    # round 28's: clicking, a file offered in a sentence, answers and images in sentences of another kind
    "Om du vill kan du klicka här för att läsa mer.", "Här kan du läsa årsrapporten 2022. Pdf, 964.7 kB.",
    "Frågor besvaras av nämndens ordförande.", "Bilden visar kontoret, se foto.jpg i bilagan.",
    # after a review of rounds 27 and 28: headings and sentences in the shapes of the new patterns
    "Tillbaka till framtiden", "Tillbaka till arbetet efter sjukskrivning", "Dela med dig",
    "Läs hela årsrapporten som pdf, 2 MB.", "Här kan du läsa årsrapporten som pdf, 964.7 kB.",
    "Klicka här för att läsa rapporten. Rapporten visar att 40 procent av kommunerna har svarat.",
    "Skicka din synpunkt till redaktionen senast den 1 mars, så publicerar vi ett urval.",
    "Skicka en kommentar till innehållsansvarig. Tävlingen avgörs i april av en jury.",
    "1. Byggbolaget i Norr AB, organisationsnummer 556000-1234",
    "Regionstyrelsen tecknar avtal med Exempel AB, org.nr 556677-8899",
    "Chatta med någon du litar på", "Chatta med en kurator om det som känns svårt",
    # round 30's: searching in sentences
    "Sök här efter lediga jobb i kommunen.", "Hittar du inte vad du söker kan du ringa oss.",
    # round 31's: news in a title and a sentence
    "Nyhetsarkiv", "Fler nyheter kommer under hösten.",
])
def test_sentences_and_headings_like_the_new_furniture_stay(line):
    assert _removed_by("\n\n".join([BODY, line, BODY]) + "\n") == {}


def test_ranges_of_numbers_or_weekdays_and_a_list_of_places_hours_are_no_contact_panel():
    """Opening hours are a weekday (or a range of them) before a range of hours, on a line of
    their own: section numbers, weeks and a meeting's days beside an address, and a list of
    health centres' hours, stay."""
    for block in (["Kommunstyrelsen", "Plats: Stadshuset, Storgatan 3", "Paragrafer 12-14, 16-18"],
                  ["Sammanträde tisdag - onsdag", "Plats: Kommunhuset, Storgatan 3"],
                  ["Vecka 3-5, 7-9", "Rum: Storgatan 3"],
                  ["• Centrum i Exempelby: lördag 09.00-22.00", "• Norra i Exempelby: lördag, söndag 10.00-15.00",
                   "• Södra i Exempelby: lördag, söndag och helgdagar 10.00-15.00"]):
        assert _removed_by("\n\n".join([BODY, "\n".join(block), BODY]) + "\n") == {}, block


def test_a_phone_number_or_hours_with_a_remark_after_them_stay_in_the_contact_block():
    """A line that opens with a phone number or opening hours is a contact line though a
    remark after it makes it a sentence (``with_remark``): the panel goes whole, where such a
    line used to split it into runs of one signal each. An address or an e-mail address with
    a sentence after it (where to send a letter) still ends a run, and one signal stays."""
    panel = ["Servicecenter", "0123-45 67 00 - automatisk växel, säg namnet på den du söker så kopplas du vidare.",
             "info@exempelby.se"]
    removed = _removed_by("\n\n".join([BODY, *panel, BODY]) + "\n")
    assert set(removed) == set(panel)
    assert removed[panel[1]] == "contact-details"
    hours = ["Vardagar mellan kl. 09:30–17:00. Viss väntetid kan förekomma.", "0123-45 67 00"]
    assert set(_removed_by("\n\n".join([BODY, *hours, BODY]) + "\n")) == set(hours)
    send = ["Skicka dina synpunkter till:", "Exempelby kommun", "123 45 Exempelby.",
            "E-post: plan@exempelby.se Ange ärendets nummer och ditt namn och din adress i skrivelsen."]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(send), BODY]) + "\n")) == set()
    alone = "Vardagar kör bussen varje timme mellan klockan sex och tio på kvällen, på helgen varannan."
    assert _removed_by("\n\n".join([BODY, alone, BODY]) + "\n") == {}


def test_many_short_lines_between_two_hours_lines_are_no_contact_block():
    """Short lines between contact lines count as one signal, a name, only when they are a
    few (a name, a title, a town): a museum's holidays with their hours, a line each, between
    two lines that name the opening hours, are the page's text."""
    holidays = ["Kommande särskilda öppettider", "Skärtorsdag 17 april 11-17", "Långfredag 18 april 11-17",
                "Påskafton 19 april 11-17", "Påskdagen 20 april 11-17", "Valborg 30 april 11-17",
                "Samma öppettider som museet."]
    assert _removed_by("\n\n".join([BODY, "\n".join(holidays), BODY]) + "\n") == {}
    contact = ["Öppettider", "Eva Exempel", "Handläggare", "Exempelby", "Telefontid vardagar 9-12"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(contact), BODY]) + "\n")) == set(contact)


def test_with_remark_belongs_to_a_block_rule(tmp_path):
    import yaml
    item = {"id": "m", "kind": "line", "patterns": ["x"], "with_remark": ["0\\d"]}
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match="'with_remark' belongs to a 'block' rule only"):
        clean.load_rules(tmp_path)


def test_a_contact_panel_of_hours_a_visiting_address_and_where_to_send_goes():
    """Opening hours as a range of weekdays or of two ranges of hours, with their label and a
    visiting address, go as one contact block; and an address under "… skickas till:". A
    schedule of sessions in running text stays."""
    panel = ["Öppet:", "Måndag - torsdag 8-12, 13-16", "Fredag 8-12, 13-15", "Besök:", "Storgatan 3, Exempelby"]
    assert set(_removed_by("\n\n".join([BODY, *panel, BODY]) + "\n")) == set(panel)
    address = ["Ansökan skickas till:", "Exempelby kommun", "Bygglovsenheten", "123 45 Exempelby"]
    assert set(_removed_by("\n\n".join([BODY, "\n".join(address), BODY]) + "\n")) == set(address)
    assert _removed_by("\n\n".join([BODY, "Kursen hålls måndag-torsdag och ger 7,5 poäng under våren.", BODY])
                       + "\n") == {}


def test_a_contact_panel_whose_days_and_hours_are_lines_of_their_own_goes():
    """Round 52's: a customer service's panel gives each day's label with its colon on a line of its own, the hours
    on the line below ("Måndag till torsdag:" over "08.00-12.00 och 13.00-16.00"): the label is part of the block
    without being a signal, so the panel is one block with the phone and e-mail lines above it. Alone, days and hours
    are one signal: they stay, as a weekday with a colon in a sentence and a lunch menu's days do."""
    panel = ["Kundservice", "Telefon: 0123-456 00", "E-post: info@exempel.se", "Öppettider",
             "Måndag till torsdag:\n08.00-12.00 och 13.00-16.00", "Fredagar:\n08.00-12.00 och 13.00-15.00"]
    removed = _removed_by("\n\n".join([BODY, *panel, BODY]) + "\n")
    assert set(removed) == {line for block in panel for line in block.split("\n")}
    assert _removed_by("\n\n".join([BODY, *panel[-2:], BODY]) + "\n") == {}
    assert _removed_by("\n\n".join([BODY, "Måndagar: då möts nämnden i stadshuset och går igenom ärendena.", BODY])
                       + "\n") == {}
    # a lunch menu's, a schedule's or a timetable's days over what happens on them (found by a review): no contact block
    for block in (["Matsedel vecka 12", "Måndag:", "Fiskgratäng med potatis", "Tisdag:", "Kycklinggryta med ris",
                   "Onsdag:", "Vegetarisk lasagne", "Torsdag:", "Ärtsoppa och pannkakor", "Fredag:"],
                  ["Tisdagar:", "Hämtning av matavfall i område A", "Fredagar:"],
                  ["Vardagar:", "Bussen går varje halvtimme", "Helgdagar:"]):
        assert _removed_by("\n\n".join([BODY, "\n".join(block), BODY]) + "\n") == {}, block


def test_a_news_lists_bare_dates_go_when_three_or_more_and_one_stays():
    """Three bare dates on a page, each above an item's teaser, are a news list's (removed,
    not the page's date), with a month's name or in numbers; one is the page's dateline, and
    dates one under another or between short labels (meeting days, a case's history) stay."""
    items = "".join(f"Nyhet nummer {n}\n\n{d} december 2020\n\n{BODY}\n\n" for n, d in enumerate((3, 2, 1)))
    removed = _removed_by(items)
    assert sorted(removed) == ["1 december 2020", "2 december 2020", "3 december 2020"]
    assert set(removed.values()) == {"news-list-dates"}
    assert _removed_by("Rubrik\n\n3 december 2020\n\n" + BODY + "\n") == {}
    assert _removed_by("Sammanträden 2021\n\n2021-01-26\n2021-03-23\n2021-05-25\n\n" + BODY + "\n") == {}
    assert _removed_by("Sammanträden 2021\n\n3 mars 2021\n\n5 maj 2021\n\n7 juni 2021\n\n" + BODY + "\n") == {}
    # dates between short labels in one block, a case's history or a meeting schedule, are the text's
    history = "Ärendets gång\n\nInkom\n2024-01-05\nRemiss skickad\n2024-02-10\nBeslut\n2024-03-01\n\n" + BODY + "\n"
    assert not {k for k, v in _removed_by(history).items() if v == "news-list-dates"}
    meetings = "2024-02-06\nKommunstyrelsen\n2024-03-12\nKommunfullmäktige\n2024-04-09\nKommunstyrelsen\n\n" + BODY + "\n"
    assert not {k for k, v in _removed_by(meetings).items() if v == "news-list-dates"}
    # a news list's dates with the time of day, or with a bar after them, over teasers cut off with "[...]"
    teaser = "Kommunen har fått en ny rapport om hur kulturarvet används av skolor och bibliotek i hela länet [...]"
    timed = "".join(f"Nyhet {n}\n\n{d} september 2019 11:09\n\n{teaser}\n\n" for n, d in enumerate((27, 25, 13)))
    assert sorted(_removed_by(timed).values()) == ["news-list-dates"] * 3
    short = "".join(f"Nyhet {n}\n\n{d}\n\n{teaser}\n\n" for n, d in enumerate(("20 jan 2023", "3 okt. 2022", "1 sep 2022")))
    assert sorted(_removed_by(short).values()) == ["news-list-dates"] * 3
    barred = "".join(f"2017-06-{d}|\n\nNyhet {d}\n\n{teaser}\n\n" for d in (28, 27, 16))
    assert sorted(_removed_by(barred).values()) == ["news-list-dates"] * 3
    numbered = "".join(f"{n}. Nyhet\n\n{n + 1}. {d} mars, 2024\n\n{BODY}\n\n" for n, d in ((1, 27), (3, 9), (5, 3)))
    assert sorted(_removed_by(numbered).values()) == ["news-list-dates"] * 3
    numeric = "".join(f"Nyhet nummer {n}\n\n2020-12-0{d}\n\n{BODY}\n\n" for n, d in enumerate((3, 2, 1)))
    assert sorted(_removed_by(numeric)) == ["2020-12-01", "2020-12-02", "2020-12-03"]
    docs = pd.DataFrame({"file": ["a.txt"], "doc_id": ["a"], "text": [items], "meta": [{}]})
    assert stages.segment_documents(docs, RULES)[2][0]["date"] in (None, "")


def test_a_published_line_that_goes_on_on_the_next_line_goes_whole_and_dates_the_page():
    """"Uppdaterad" with its date on the next line, and a date with its editor on the next, go
    as one published line; the date dates the document. A date after a blank line, or a name
    that is not after a date, stays."""
    text = BODY + "\n\nUppdaterad\n2019-03-26\n"
    assert _removed_by(text) == {"Uppdaterad": "published-date", "2019-03-26": "published-date"}
    docs = pd.DataFrame({"file": ["a.txt"], "doc_id": ["a"], "text": [text], "meta": [{}]})
    assert stages.segment_documents(docs, RULES)[2][0]["date"] == "2019-03-26"
    assert _removed_by(BODY + "\n\nGranskad 2018-04-16\nav Eva Berg\n") == {
        "Granskad 2018-04-16": "published-date", "av Eva Berg": "published-date"}
    assert _removed_by(BODY + "\n\nUppdaterad\nden 3 mars 2020\n") == {"Uppdaterad": "published-date",
                                                                   "den 3 mars 2020": "published-date"}
    assert _removed_by(BODY + "\n\nUppdaterad\n3 okt. 2020 kl. 14.05\n") == {
        "Uppdaterad": "published-date", "3 okt. 2020 kl. 14.05": "published-date"}
    # a line that is more than a date is not the label's
    assert "3 mars 2020 beslutade nämnden" not in _removed_by(BODY + "\n\nUppdaterad\n3 mars 2020 beslutade nämnden\n")
    assert "2019-03-26" not in _removed_by(BODY + "\n\nUppdaterad\n\n2019-03-26\n\n" + BODY + "\n")
    assert "av Eva Berg" not in _removed_by(BODY + "\n\nUppdaterad\nav Eva Berg\n")


def test_the_sites_name_below_a_removed_skip_link_is_its_masthead():
    removed = _removed_by("Gå till sidans innehåll\n\nRegion Exempel\n\nPolitisk organisation\n\n" + BODY + "\n")
    assert removed == {"Gå till sidans innehåll": "skip-link", "Region Exempel": "site-name"}
    # below a line of the page's own text it is the text's
    assert "Region Exempel" not in _removed_by("Om oss i korthet\n\nRegion Exempel\n\nPolitisk organisation\n\n"
                                               + BODY + "\n")


def test_a_sites_web_address_as_its_name_is_its_masthead():
    """"Exempelby.se" alone on a line, capitalised as a name, is the site's masthead; an address in
    a sentence, or written in lower case as a link, is not."""
    assert _removed_by("Exempelby.se\n\nÄldreomsorg i Exempelby\n\n" + BODY + "\n") == {"Exempelby.se": "site-name"}
    assert _removed_by("Kommunen har samlat allt om omsorgen på Exempelby.se sedan 2019.\n\n" + BODY + "\n") == {}
    assert _removed_by("exempelby.se\n\nÄldreomsorg i Exempelby\n\n" + BODY + "\n") == {}


def test_a_board_s_schedule_is_no_contact_block():
    """A plan and its year ("Tidplan 2021") is no street address: a schedule of meetings under it
    stays, where a street and its number still counts."""
    schedule = "Tidplan 2021 för nämnden\n2021-03-11, Rimforsa\n2021-06-04, kl. 10-12, video\n"
    assert _removed_by(BODY + "\n\n" + schedule + "\n" + BODY + "\n") == {}
    removed = _removed_by(BODY + "\n\nBesök oss\nStorgatan 12\n123 45 Exempelby\n")
    # "Besök oss", a contact panel's heading, is a line rule's since round 17, and joins the block
    assert removed == {"Besök oss": "contact-block", "Storgatan 12": "contact-details",
                       "123 45 Exempelby": "contact-details"}


def test_a_name_and_title_just_above_a_contact_block_are_part_of_it():
    """A person's name and title, then a blank line, then the phone and e-mail lines: one contact
    block; a page's heading above its contact lines is no name and stays."""
    contact = "Telefon\n070-123 45 67\n\nE-post\neva.berg@exempel.se\n"
    removed = _removed_by(BODY + "\n\nEva Berg\nPressansvarig\n\n" + contact)
    assert {"Eva Berg", "Pressansvarig"} <= set(removed) and removed["Eva Berg"] == "contact-details"
    removed = _removed_by("Praktisk information\n\n" + contact + "\n" + BODY + "\n")
    assert "Praktisk information" not in removed and "070-123 45 67" in removed
    # a one-line heading that is a name (the site's, a unit's) is no person and title above: it stays
    removed = _removed_by(BODY + "\n\nRegion Exempel\n\n" + contact)
    assert "Region Exempel" not in removed and "070-123 45 67" in removed


def test_a_contact_in_a_sentence_that_goes_on_after_the_e_mail_stays():
    text = ("Frågor om ansökan besvaras av handläggaren på telefon 08-123 456 78 och via e-post till "
            "socialtjanst@exempel.se, som också tar emot synpunkter på beslutet.\n")
    assert _removed_by(text) == {}


def test_a_lone_word_is_an_image_name_alone_in_its_block_but_not_among_a_titles_lines():
    title = "Huvudrapport\nstyrning av\ngrundskolan\n\n"
    assert _removed_by(title + BODY + "\n") == {}
    assert _removed_by("bild\n\n" + BODY + "\n") == {"bild": "image-filename"}


def test_a_date_alone_is_not_an_image_file_name():
    text = "Diskussionsunderlag om skollagen\n\n2011-06-27\n\n" + BODY + "\n\nbild_2011-06-27\n"
    assert _removed_by(text) == {"bild_2011-06-27": "image-filename"}


# --------------------------------------------------------------------------- the record of the scores
# The check part is scored once per round (`make furniture RECORD=1`, after the rules are
# frozen): these tests read its figures from docs/furniture-scores.csv and compare the
# record's fingerprint with the current rules and code; they never score the check part.

def _recorded(record: pd.DataFrame) -> dict[tuple[str, str, str, str], tuple[int, int, str]]:
    """(set, part, cleaned, measure) → (hits, total, value) of a record."""
    return {(r.set, r.part, r.cleaned, r.measure): (int(r.hits), int(r.total), r.value)
            for r in record.itertuples(index=False)}


def _readme_misquotes(record: pd.DataFrame, readme: str, inner: str) -> list[str]:
    """What of the record the README (``readme``) and corpus-furniture/README.md (``inner``)
    do not quote: the last round's check part, the tune part, the multi-page set's parts."""
    got, wrong = _recorded(record), []
    with open(paths.FURNITURE_DIR / "pages.csv", encoding="utf-8") as f:
        last = str(max(int(r["round"]) for r in csv.DictReader(f)))
    (rh, rt, rv), (ph, pt, pv) = got[("rounds", "check", "page", "recall")], got[("rounds", "check", "page",
                                                                                  "precision")]
    row = next((ln for ln in readme.splitlines() if ln.startswith(f"| {last} |")), "")
    if f"| {rt} | {rv} ({rh}) | {pv} ({ph} of {pt}) |" not in row:
        wrong.append(f"README: round {last}'s row")
    (rh, rt, rv), (ph, pt, pv) = got[("rounds", "tune", "page", "recall")], got[("rounds", "tune", "page", "precision")]
    if f"recall {rv} ({rh} of {rt}) and precision {pv} ({ph} of {pt})" not in " ".join(readme.split()):
        wrong.append("README: the tune part's figures")
    for part in ("tune", "check"):
        cells = []
        for cleaned in ("page", "site"):
            (rh, _, rv), (ph, pt, pv) = (got[("sites", part, cleaned, m)] for m in ("recall", "precision"))
            cells.append(f"{rv} ({rh}) | {pv} ({ph} of {pt})")
        for name, text in (("README", readme), ("corpus-furniture/README.md", inner)):
            row = next((ln for ln in text.splitlines() if ln.startswith(f"| {part} (")), "")
            if not row.endswith(f"| {cells[0]} | {cells[1]} |"):
                wrong.append(f"{name}: the multi-page {part} row")
    return wrong


def _stale(record: pd.DataFrame) -> list[str]:
    """What decides the scores and differs from what the record was written with (names
    only, never a figure)."""
    out = []
    for set_name, folder in furniture.SETS.items():
        now = furniture.fingerprint(paths.FURNITURE_DIR / folder)
        mine = record[record["set"] == set_name]
        out += [f"{what} ({set_name})" for what in ("rules", "code", "labels")
                if mine.empty or set(mine[what]) != {now[what]}]
    return out


@functools.lru_cache(maxsize=1)
def _tune_scores() -> dict[tuple[str, str, str, str], tuple[int, int, str]]:
    """The tune parts' figures computed now, as :func:`furniture.record_table` computes them
    (only tune pages are cleaned: a site's template counts come from its own pages)."""
    out = {}
    for set_name, folder in furniture.SETS.items():
        pages = [p for p in furniture.load_set(paths.FURNITURE_DIR / folder) if p.part == "tune"]
        for cleaned in (["page", "site"] if folder else ["page"]):
            table = furniture.score(furniture.predictions(pages, by_site=cleaned == "site")).set_index(
                ["measure", "group"])
            for m in ("recall", "precision"):
                h, t = int(table.loc[(m, "all"), "hits"]), int(table.loc[(m, "all"), "total"])
                out[(set_name, "tune", cleaned, m)] = (h, t, f"{h / t:.3f}")
    return out


def _tune_mismatches(record: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    got = _recorded(record)
    return sorted(k for k, v in _tune_scores().items() if got.get(k) != v)


def _readmes() -> tuple[str, str]:
    return ((paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8"),
            (paths.FURNITURE_DIR / "README.md").read_text(encoding="utf-8"))


def test_the_readmes_quote_the_recorded_scores():
    """The READMEs' figures for the rules in force (the last round's check part, the tune
    part, the multi-page set's two parts) are those of docs/furniture-scores.csv."""
    assert _readme_misquotes(furniture.read_record(), *_readmes()) == []


def test_the_record_is_of_the_rules_in_force():
    """The record was written with the rules, the code that applies them and the labelled
    pages there are now. When it was not, the message says so without any figure, so
    that whoever writes the next round's rules does not see the held-out score."""
    stale = _stale(furniture.read_record())
    if stale:
        pytest.fail(f"{furniture.RECORD.relative_to(paths.PROJ_ROOT)} was not written with the furniture rules in "
                    f"force: {', '.join(stale)} changed since the check part was scored. While you write rules, read "
                    "and score the tune part only (`make furniture PART=tune`); when the rules are frozen, score the "
                    "check part once with `make furniture RECORD=1`, quote the new figures in README.md and "
                    "corpus-furniture/README.md, and commit them with the record.", pytrace=False)


def test_the_recorded_tune_figures_are_the_computed_ones():
    """The tune parts are not held out, so their recorded figures are checked against
    what the rules in force compute now."""
    assert _tune_mismatches(furniture.read_record()) == []


def test_a_wrong_record_is_caught():
    """Each check above refuses a record that is wrong in what it checks."""
    good = furniture.read_record()
    readme, inner = _readmes()
    assert _readme_misquotes(good, readme, inner) == [] and _stale(good) == [] and _tune_mismatches(good) == []
    for key, where in [(("rounds", "check", "page", "recall"), "README: round"),
                       (("sites", "check", "site", "precision"), "README: the multi-page check row")]:
        bad = good.copy()
        at = pd.Series(True, index=bad.index)
        for column, value in zip(["set", "part", "cleaned", "measure"], key):
            at &= bad[column] == value
        bad.loc[at, "hits"] = str(int(bad.loc[at, "hits"].iloc[0]) + 1)
        assert any(w.startswith(where) for w in _readme_misquotes(bad, readme, inner)), key
    for what in ("rules", "code", "labels"):
        bad = good.copy()
        bad.loc[bad["set"] == "sites", what] = "0" * 16
        assert _stale(bad) == [f"{what} (sites)"]
    assert _stale(good[good["set"] == "sites"]) == ["rules (rounds)", "code (rounds)", "labels (rounds)"]
    bad = good.copy()
    at = (bad["set"] == "rounds") & (bad["part"] == "tune") & (bad["measure"] == "precision")
    bad.loc[at, "value"] = "0.999"
    assert _tune_mismatches(bad) == [("rounds", "tune", "page", "precision")]


def test_the_record_is_written_the_same_whatever_its_rows_order(tmp_path):
    good = furniture.read_record()
    furniture.write_record(good.sample(frac=1, random_state=0), tmp_path / "r.csv")
    assert (tmp_path / "r.csv").read_bytes() == furniture.RECORD.read_bytes()
    assert list(good.columns) == furniture.RECORD_COLUMNS


def test_a_comment_does_not_change_the_code_fingerprint_but_code_does():
    source = 'def f(x):\n    """Double."""\n    return 2 * x  # twice\n'
    assert furniture.code_text(source) == furniture.code_text(
        '"""Module."""\n\n# a comment\ndef f(x):\n    """Twice x,\n    reworded."""\n\n    return 2 * x\n')
    assert furniture.code_text(source) == "def f(x):\n    return 2 * x\n"
    assert furniture.code_text(source) != furniture.code_text(source.replace("2 * x", "3 * x"))
    assert furniture.code_text('x = "# not a comment"\n') == 'x = "# not a comment"\n'
    assert furniture.code_text('def f(): "doc"; return 1\n') == 'def f(): "doc"; return 1\n'


def test_the_code_is_followed_through_its_imports(tmp_path):
    """A module split off another (as a refactoring of clean.py may do) is in the code
    fingerprint as soon as the scorer's modules import it; one they do not import is not."""
    (tmp_path / "a.py").write_text("from . import b\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("import os\nfrom .c import X\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("from helpers import e\nX = 1\n", encoding="utf-8")
    (tmp_path / "d.py").write_text("X = 2\n", encoding="utf-8")
    (tmp_path / "e.py").write_text("import helpers.a\n", encoding="utf-8")
    assert furniture.code_modules("a", tmp_path) == ["a", "b", "c", "e"]


def test_the_fingerprint_follows_the_rules_the_code_and_the_labels(tmp_path, monkeypatch):
    """The code is every helpers module the scorer imports, transitively; the rules are
    the rule file; the labels are the set's pages and labels."""
    assert {"furniture", "clean", "structure", "dates"} <= set(furniture.code_modules())
    root = paths.FURNITURE_DIR / furniture.SITES_DIR
    before = furniture.fingerprint(root)
    assert before == furniture.fingerprint(root)
    rules = tmp_path / "boilerplate.yaml"
    rules.write_bytes(paths.BOILERPLATE_FILE.read_bytes() + b"\n# one more line\n")
    monkeypatch.setattr(furniture, "RULE_FILES", (rules,))
    after = furniture.fingerprint(root)
    assert after["rules"] != before["rules"] and after["code"] == before["code"]
    copy = tmp_path / "set"
    for f in furniture.labelled_files(root):
        (copy / f.relative_to(root)).parent.mkdir(parents=True, exist_ok=True)
        (copy / f.relative_to(root)).write_bytes(f.read_bytes())
    assert furniture.fingerprint(copy)["labels"] == before["labels"]
    label = sorted((copy / "labels").glob("*.csv"))[0]
    label.write_bytes(label.read_bytes().replace(b",body,", b",furniture,", 1))
    assert furniture.fingerprint(copy)["labels"] != before["labels"]


# --------------------------------------------------------------------------- template: lines a site repeats

TEMPLATE = next(r for r in RULES if r.kind == "template")
MENU = ["Bo och leva", "Kultur och fritid", "Näringsliv och arbete"]
FOOTER = ["Exempelby kommun", "Hela Exempelby växer"]
PAGE_TEXTS = [
    "Nämnden beslutade i går att bygga en ny förskola i norra delen av kommunen.",
    "Biblioteket har fått nya öppettider som gäller från och med den första mars.",
    "Kommunen söker sommarvikarier till äldreomsorgen och hemtjänsten i sommar.",
]


def _pages(lines_of: list[list[str]]) -> dict[str, str]:
    return {f"p{n}.txt": "\n\n".join(lines) + "\n" for n, lines in enumerate(lines_of)}


def _template_removals(texts: dict[str, str], rules: tuple[clean.Rule, ...] = RULES) -> dict[str, dict[str, str]]:
    """Per file, each removed line's text → the rule, the files cleaned as one corpus."""
    counts = clean.template_counts(texts.values(), rules)
    out = {}
    for name, text in texts.items():
        _, removed = clean.segment(text, name, rules, counts)
        out[name] = {r["text"].strip(): r["rule"] for r in removed if r["rule"] not in furniture.NOT_LINE_REMOVALS}
    return out


def test_a_menu_and_a_footer_repeated_on_three_pages_go():
    texts = _pages([["\n".join(MENU), body, "\n".join(FOOTER)] for body in PAGE_TEXTS])
    for name, removed in _template_removals(texts).items():
        assert removed == {line: TEMPLATE.id for line in MENU + FOOTER}, name
        kept, _ = clean.segment(texts[name], name, RULES, clean.template_counts(texts.values(), RULES))
        assert [s["text"] for s in kept] == [PAGE_TEXTS[int(name[1])]]


def test_cleaned_alone_a_page_keeps_its_template():
    """Without the corpus's counts (the default), the template rule removes nothing."""
    text = "\n\n".join(["\n".join(MENU), PAGE_TEXTS[0], "\n".join(FOOTER)]) + "\n"
    assert TEMPLATE.id not in set(_removed_by(text).values())


def test_a_sentence_repeated_in_several_files_stays():
    """A standard sentence of many decisions, or a quotation files share, is running text."""
    shared = ["Beslutet kan överklagas till förvaltningsrätten inom tre veckor.",
              "Ärendet har beretts av kommunstyrelsens arbetsutskott i enlighet med reglementet."]
    texts = _pages([[body, "\n".join(shared)] for body in PAGE_TEXTS])
    assert all(not removed for removed in _template_removals(texts).values())


def test_a_heading_shared_by_fewer_files_than_min_files_stays():
    heading = ["Bakgrund", "Ärendets beredning"]
    texts = _pages([["\n".join(heading), PAGE_TEXTS[0]], ["\n".join(heading), PAGE_TEXTS[1]], [PAGE_TEXTS[2]]])
    assert TEMPLATE.min_files == 3
    assert all(not removed for removed in _template_removals(texts).values())
    texts["p3.txt"] = "\n\n".join(["\n".join(heading), "En fjärde sida med annan text om vägarbeten."]) + "\n"
    assert _template_removals(texts)["p3.txt"] == {line: TEMPLATE.id for line in heading}  # in three files: gone


def test_a_line_repeated_within_one_file_only_stays():
    text = "\n\n".join(["\n".join(MENU), PAGE_TEXTS[0], "\n".join(MENU), PAGE_TEXTS[1], "\n".join(MENU)]) + "\n"
    texts = {"p0.txt": text, "p1.txt": PAGE_TEXTS[1] + "\n", "p2.txt": PAGE_TEXTS[2] + "\n"}
    assert clean.template_counts(texts.values(), RULES) == {}
    assert all(not removed for removed in _template_removals(texts).values())


def test_a_lone_repeated_line_stays_but_a_run_goes():
    """A dateline or a question's lead-in that many documents of one type repeat, alone
    between lines of their own, is not a template (``min_run``)."""
    assert TEMPLATE.min_run == 2
    texts = _pages([["den 13 maj", body, "Min fråga till statsrådet är:", f"Vad gör statsrådet åt fråga {n}?"]
                    for n, body in enumerate(PAGE_TEXTS)])
    assert all(not removed for removed in _template_removals(texts).values())


def test_a_long_line_is_never_a_template():
    long = ["Välkommen till vår nya webbplats om kommunens service", "Läs mer"]
    texts = _pages([["\n".join(long), body] for body in PAGE_TEXTS])
    assert clean.template_counts(texts.values(), RULES) == {"Läs mer": 3}
    assert all(TEMPLATE.id not in removed.values() for removed in _template_removals(texts).values())


def test_the_removal_log_names_the_template_rule():
    docs = [(name, text) for name, text in _pages([["\n".join(MENU), b] for b in PAGE_TEXTS]).items()]
    _, removed, _ = stages.segment_documents(docs, RULES, stages.template_counts(docs, RULES))
    assert sorted(removed.loc[removed["rule"] == TEMPLATE.id, "text"]) == sorted(MENU * 3)
    _, alone, _ = stages.segment_documents(docs, RULES)
    assert TEMPLATE.id not in set(alone["rule"])


def test_the_template_rules_fields_are_checked(tmp_path):
    f = tmp_path / "boilerplate.yaml"
    f.write_text("rules:\n  - id: t\n    kind: template\n    min_files: 1\n", encoding="utf-8")
    with pytest.raises(clean.RuleError, match="min_files.*2 or more"):
        clean.load_rules(tmp_path)
    f.write_text("rules:\n  - id: t\n    kind: template\n    min_run: 0\n", encoding="utf-8")
    with pytest.raises(clean.RuleError, match="min_run"):
        clean.load_rules(tmp_path)


def test_the_multi_page_set_is_as_documented():
    """corpus-furniture/sites/: at least 8 sites, none of the rounds', each with at least 3
    pages; the check part is the third of the sites (rounded up) with the lowest SHA-256
    of their name; every label's text is its page's line."""
    pages = furniture.load_set(paths.FURNITURE_DIR / furniture.SITES_DIR)
    sites = sorted({p.site for p in pages})
    assert len(sites) >= 8
    assert not set(sites) & {p.site for p in furniture.load_set()}
    assert all(sum(p.site == s for p in pages) >= 3 for s in sites)
    ranked = sorted(sites, key=lambda s: hashlib.sha256(s.encode()).hexdigest())
    assert {p.site for p in pages if p.part == "check"} == set(ranked[:math.ceil(len(sites) / 3)])
    assert {p.part for p in pages} == {"check", "tune"}
    for p in pages:
        lines = p.text.splitlines()
        assert [n for n, line in enumerate(lines, 1) if line.strip()] == p.labels["line"].tolist(), p.name
        assert [lines[n - 1].strip() for n in p.labels["line"]] == p.labels["text"].tolist(), p.name
        assert all((k == "") == (lb == "body") for k, lb in zip(p.labels["kind"], p.labels["label"])), p.name


def test_a_flattened_tables_cells_are_neither_image_names_nor_a_menu():
    """A table flattened one cell to a line: its headings, lone lower-case words among them
    ("nätkostnad", "kr"), are cells between short lines, not images' names, and its rows of
    numbers alone make the run a table, not a menu. An image's name between prose still goes."""
    table = ["Tidsperiod timmar", "% av årlig", "nätkostnad", "dock lägst", "kr"]
    rows = ["12-24\n12,5\n900\n24-48\n37,5\n1800\n48-72\n62,5\n2700"]
    assert _removed_by("\n\n".join([BODY, *table, *rows, BODY]) + "\n") == {}
    assert _removed_by("\n\n".join([BODY, "titelbild", BODY]) + "\n") == {"titelbild": "image-filename"}


DOCUMENTS = ["Villkor för avtal med privatperson (pdf)", "2019 Allmänna villkor för leverans (pdf)",
             "Bilaga 1 – Karta över området (pdf, 2 MB)"]


@pytest.mark.parametrize("above", [
    "Här hittar du alla villkor som gäller för våra avtal, sorterade efter år.",
    "Villkoren finns nedan, de äldsta först, och gäller tills vidare.",
    "Handlingarna till nämndens möte:",  # a line that ends in a colon introduces what follows
])
def test_a_list_of_documents_the_text_announces_stays(above):
    # the links' own list and a heading between the announcing line and the list do not break it
    text = "\n\n".join([BODY, above, "Villkor för privatpersoner", *DOCUMENTS, "Villkor för företag",
                        *DOCUMENTS[:2], BODY]) + "\n"
    assert _removed_by(text) == {}
    assert _kept(text)[1] == above


@pytest.mark.parametrize("above", [
    "Bilagor",  # a bare heading: the page's file list
    "Avgiften beror på när du skickade in din ansökan.",  # a sentence about something else
])
def test_a_list_of_documents_nothing_announces_goes(above):
    text = "\n\n".join([BODY, above, *DOCUMENTS, BODY]) + "\n"
    assert _removed_by(text) == dict.fromkeys(DOCUMENTS, "document-links")


@pytest.mark.parametrize("between", [
    [BODY],  # a sentence of running text ends what the announcement announced
    ["Meny", "Kultur", "Idrott", "Fritid", "Skola", "Omsorg"],  # a menu another rule removed
    ["Villkor", "För privatpersoner", "2025"],  # three headings: too far from the announcement
])
def test_an_announcement_does_not_reach_past_text_removed_lines_or_many_headings(between):
    text = "\n\n".join([BODY, "Här hittar du protokollen från nämndens möten.", *between, *DOCUMENTS, BODY]) + "\n"
    assert {line: rule for line, rule in _removed_by(text).items() if line in DOCUMENTS} == dict.fromkeys(
        DOCUMENTS, "document-links")


@pytest.mark.parametrize("above", [
    "Bilagor:",  # a label with its colon says no more than the bare heading
    "Mer om bygglov hittar du på Boverkets webbplats.",  # says where to find something else, not "here"
    "Hittar du inte det du letar efter? Ring kundtjänst.",
])
def test_a_label_or_a_pointer_elsewhere_does_not_announce_a_list(above):
    text = "\n\n".join([BODY, above, *DOCUMENTS, BODY]) + "\n"
    assert {line: rule for line, rule in _removed_by(text).items() if line in DOCUMENTS} == dict.fromkeys(
        DOCUMENTS, "document-links")


def test_kept_after_belongs_to_a_line_rule(tmp_path):
    import yaml
    item = {"id": "m", "kind": "menu", "kept_after": ["här hittar du"]}
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match="'kept_after' belongs to a 'line' rule only"):
        clean.load_rules(tmp_path)
    item = {"id": "m", "kind": "line", "patterns": ["x"], "kept_after": "här hittar du"}
    (tmp_path / "boilerplate.yaml").write_text(yaml.safe_dump({"rules": [item]}), encoding="utf-8")
    with pytest.raises(clean.RuleError, match="'kept_after' must be a list"):
        clean.load_rules(tmp_path)


def test_an_address_label_of_any_kind_is_part_of_its_contact_block():
    """A footer's labels for each kind of address ("Fakturaadress:", "Besöks- och leveransadress:")
    go with the block they head; a sentence about an address stays."""
    lines = ["Telefon: 08-123 456 78", "Besöks- och leveransadress:", "Storgatan 3, 114 32 Exempelstad",
             "Fakturaadress:", "Exempelakademien", "FE 595", "105 69 Exempelstad"]
    text = "\n\n".join([BODY, *lines, BODY]) + "\n"
    removed = _removed_by(text)
    assert set(lines) <= set(removed), set(lines) - set(removed)
    assert removed["Fakturaadress:"] == removed["Besöks- och leveransadress:"] == "contact-details"
    assert _removed_by(BODY + "\n\nFakturaadressen har ändrats från och med 1 januari.\n") == {}
