"""What kind of text each kept stretch of a document is: title, heading, paragraph, …

:func:`kind_of` decides from general cues of layout and form, never from the strings of
particular texts; :func:`helpers.clean.segment` gives every sentence the kind of the
stretch it stands in (the ``kind`` column of ``segments.csv``). A stretch is a raw line,
or lines joined where a sentence runs over a line break. The kinds and their cues, tried
in this order:

``list_item``  the line began with a list marker ("- ", "• ") or a number or letter with
               "." or ")" ("1. ", "a) ").
``speaker``    the speaker line of a debate record: "Anf. 12 …", or a short line (at most
               12 words) ending in a parenthesised party abbreviation, with or without a
               colon ("… MARGOT WALLSTRÖM (s):"). And the label of a turn in an interview
               or a dialogue, split off the turn's text (:func:`turn`): "Intervjuare:" of
               "Intervjuare: Hur ser ni på …?", "IP:", "Fråga:"; "Anna Svensson:" when
               the name labels at least two lines of the file.
``dateline``   a short line (at most 8 words, no sentence end) that is mostly a date
               (the date found by :func:`helpers.dates.parse_swedish_date` covers at least
               half of its characters, after a lead such as "Publicerad"):
               "fredag 5 april 2013", "Publicerad 2017-05-03".
``byline``     a short line that names an author: "Av Anna Svensson", "Text: …"; or,
               before the file's first paragraph of prose (its first stretch aside, which
               is its title) or as its last stretch, a short line of names alone, each of
               two or three capitalised words, joined by "&", "och", "and" or commas ("Jan
               Marklund & Stefan Arbratt" under an article's date, a signature "Laura
               Hartman" at its end). Swedish writes headings in sentence case, so such a
               line names someone: a person, or an organisation or a paper that signs or
               heads the text ("Region Västerbotten", "Svenska Dagbladet"), also a byline.
``caption``    a short line (at most 15 words, no sentence end) next to an image: an image
               file name removed just before or after it, or a "Foto:"/"Bild:" credit.
``quote``      a whole stretch within quotation marks.
``title``      the file's first stretch when it stands alone in its block, has no sentence
               end and at most 25 words.
``heading``    any later such stretch of at most 15 words beginning with a capital letter
               or a number; or a stretch that leads its block, directly above a stretch
               of prose in the same block (one that ends a sentence), when it has at most
               8 words, no sentence end and begins with a capital letter or a number
               ("Beslut" over the decision's text, in a record that puts no blank line
               after its headings); or, with at most 3 words (:data:`LABEL_WORDS`, a
               label's length), directly above a list whose first item begins with a
               capital letter or a number ("Beslutsunderlag" over "- Tjänsteskrivelse
               2022-12-12", :func:`opens_list`). A line of running text that wraps before
               a name is longer than that, one that runs on into a list ("Nämnden
               beslutar att" over "- godkänna förslaget") goes on in lower case, and a
               sentence over its points ("Kommunen ser stora risker med detaljstyrning"
               over "- Färre besök …") has more words than a list's heading. Lines
               without a list marker below a short line stay paragraphs: they cannot be
               told from the lines of an address or a letterhead.
``paragraph``  everything else: running text.

A codebook can leave kinds uncoded (``skip_kinds``); the study's codebook leaves titles,
headings, speaker lines, datelines and bylines uncoded.

**Turns.** A line of running text (one :func:`kind_of` calls a ``paragraph``) that opens
with a turn's label is read as two stretches (:func:`turn`): the label with its colon, of
kind ``speaker``, and the turn's text after it, a ``paragraph``. So a codebook that skips
speaker lines codes what was said and not who said it. A label is one to three words at
the line's start, the first capitalised or a role abbreviation of :data:`ROLES` (any case:
"ip:", "Int.:"), the others capitalised or a number ("Deltagare 2:", "Anna Svensson:"),
then a colon and a space; the text after it begins with a capital letter (or a quotation
mark or dash before one) and the line ends a sentence. Such a lead-in is a turn's label
only when it is a role of :data:`ROLES` (perhaps numbered: "IP 2:") or when the same label
opens at least two lines of the file with another label between them, a speaker speaking
again after another (:func:`repeated_labels`), as a transcript repeats "Intervjuare:", "IP:"
or a name: a theme or a field that leads a single line, or recurs without a dialogue around it
("Detaljstyrning: Det är ett stort problem för oss.", "Hemlöshet: Antalet hemlösa ökar.",
"Källa: SCB.", "Beslut: Nämnden godkänner förslaget.") stays a paragraph and is coded
whole. A header field is no turn either: its value is a date, a number or a name without
final punctuation ("Beslut: 2024-05-23", "Departement: Socialdepartementet"); nor is a
sentence whose lead-in before the colon has a word in lower case ("Skälet är enkelt: …")
or whose text after it begins in lower case ("Slutsats: vi behöver …"). Fields that take
turns ("Problem: …", "Lösning: …", "Problem: …"), each with a sentence after it, are read as
turns: their labels go uncoded, their text is coded as before. The cue finds who speaks, but
not whose voice the label is: a turn's text counts for its document's voice (the metadata's)
unless the corpus's ``study.yaml`` gives its label a voice (``turns:``, compared as
:func:`label_key` reads a label; :func:`helpers.findings.segment_voices`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable

from .dates import parse_swedish_date

KINDS = ("title", "heading", "paragraph", "list_item", "caption", "speaker", "dateline", "byline", "quote")

# a line that ends a sentence: final punctuation, perhaps closing quotes or a bracket
SENTENCE_END = re.compile(r"[.!?:;…]['\"”’»)]*$")
_NUMBERED = re.compile(r"(?:\d{1,2}|[a-zA-Z])[.)]\s+\S")
_SPEAKER = re.compile(r"^Anf\.\s*\d+\b|\((?:[A-ZÅÄÖ]{1,3}|[a-zåäö]{1,3})\):?$")
_BYLINE = re.compile(r"^(?:av|text|skriven av|författare)\s*:?\s+[A-ZÅÄÖ]", re.IGNORECASE)
# people's names alone: two or three capitalised words each (a "von" or "af" may stand between),
# joined by "&", "och", "and" or commas
_NAME = r"[A-ZÅÄÖÉÜ][a-zåäöéüø]+(?:-[A-ZÅÄÖÉÜ][a-zåäöéüø]+)?"
_PERSON = rf"{_NAME}(?:\s+(?:(?:von|af|de|van|der)\s+)*{_NAME}){{1,2}}"
_NAMES = re.compile(rf"{_PERSON}(?:\s*(?:,|&|\boch\b|\band\b)\s*{_PERSON})*")
_CREDIT = re.compile(r"^(?:foto|bild|illustration|fotograf)\s*:", re.IGNORECASE)
_DATE_LEAD = re.compile(r"^(?:publicerad|uppdaterad|senast uppdaterad|datum|daterad)\s*:?\s*", re.IGNORECASE)
_QUOTED = re.compile(r"^[\"”“„«»'’].*[\"”“„«»'’][.!?…]?$")
HEADING_WORDS, TITLE_WORDS, SHORT_WORDS = 15, 25, 8
LABEL_WORDS = 3  # a label: a turn's (one to three words), a heading's right over a list
# role abbreviations and words that label a turn in any case ("ip:", "Int.:"); a
# capitalised label needs no list
ROLES = ("d", "f", "fråga", "i", "int", "intervjuare", "intervjuperson", "ip", "m", "moderator", "r", "s", "svar")
_OPENERS = "\"”“„«»'’–—-"  # a quotation mark or dash that may open a turn's text
_LABEL_WORD = r"[A-ZÅÄÖÆØÉÜ][\w’'-]*\.?"
_ROLE = "|".join(sorted((re.escape(r) + r"\.?" for r in ROLES), key=len, reverse=True))
_LABEL = rf"(?:{_LABEL_WORD}|(?i:{_ROLE}))(?:[^\S\n]+(?:{_LABEL_WORD}|\d{{1,3}})){{0,{LABEL_WORDS - 1}}}[^\S\n]*:"
_LABEL_ONLY = re.compile(_LABEL)
_TURN = re.compile(rf"{_LABEL}[^\S\n]+(?=[{_OPENERS}]?[^\S\n]?[^\W\d_])")


def opens_list(item: str, listed: bool) -> bool:
    """Whether ``item``, the stretch below a short line, is a list item (``listed``: its
    line began with a list marker, which ``item`` no longer holds; or it is numbered, "1. ")
    that begins as the items under a heading do, with a capital letter or a number, not in
    lower case, as a sentence that runs on into its list does."""
    numbered = _NUMBERED.match(item)
    if not (listed or numbered):
        return False
    first = item[numbered.end() - 1:] if numbered else item
    return first.lstrip(_OPENERS + " ")[:1].isupper() or first[:1].isdigit()


def _label(text: str) -> tuple[int, int] | None:
    """Where a line would split at a turn's label by its form alone (see :func:`turn`),
    before the check that the label is a role or repeated; ``None`` when it has none."""
    found = _TURN.match(text)
    if found is None:
        return None
    rest = text[found.end():].rstrip()
    if not rest.lstrip(_OPENERS + " ")[:1].isupper() or SENTENCE_END.search(rest) is None:
        return None
    return found.start() + found.group().rindex(":") + 1, found.end()


def label_name(label: str) -> str:
    """A turn's label as it is named (``turn_labels``, notes): without its colon, white
    space collapsed ("Anna  Svensson:" → "Anna Svensson"); labels are compared by
    :func:`label_key`."""
    return " ".join(label.rstrip().removesuffix(":").split())


def label_key(label: str) -> str:
    """A turn's label as labels are compared, one with another: in a file, to tell whether a
    label recurs (:func:`repeated_labels`), and ``study.yaml``'s ``turns:`` against the
    labels (:func:`helpers.corpus.label_key` is this function): its :func:`label_name`, in
    lower case (``casefold``) and without a full stop closing a word, so "IP:" and "ip:" are
    one label ("ip"), as are "Int.:" and "Int:" ("int"); a number stays ("IP 2:" is not
    "IP:"), so that two interviewees may be two voices."""
    return " ".join(w.removesuffix(".") for w in label_name(label).casefold().split())


def _is_role(name: str) -> bool:
    """Whether a label is a role of :data:`ROLES` (any case, with or without a full stop),
    perhaps numbered ("IP 2")."""
    first, *rest = label_key(name).split() or [""]
    return first in ROLES and all(w.isdigit() for w in rest)


def repeated_labels(lines: Iterable[str]) -> frozenset[str]:
    """The labels (their :func:`label_key`, so "Anna:" and "ANNA:" are one) that open at
    least two of a file's ``lines`` in the form of a turn's label, when those lines make a
    dialogue: a transcript repeats its
    labels ("Intervjuare:", "IP:", a name), while a theme or a field that leads one line
    ("Detaljstyrning: Det är …", "Källa: SCB.") stands once. In a dialogue a speaker
    speaks again after another: of the lines in the form of a label, read in order, another
    label stands between a label's first line and its last (A, B, A). A lead-in that recurs
    without that ("Detaljstyrning:" on two lines, or themes each on two lines in a row: A, A,
    B, B, C, C) is no label. What :func:`turn` takes as ``labels``."""
    order = [label_key(line[:found[0]]) for line in lines if (found := _label(line)) is not None]
    first, last = {}, {}
    for i, name in enumerate(order):
        first.setdefault(name, i)
        last[name] = i
    return frozenset(name for name in first if any(other != name for other in order[first[name]:last[name]]))


def turn(text: str, labels: Collection[str] = ()) -> tuple[int, int] | None:
    """Where a line of running text that opens with a turn's label (see the module's
    **Turns**) splits: ``(label_end, text_start)``, the end of the label with its colon and
    the start of the turn's text, as indices into ``text``; ``None`` when it opens with
    none. ``text`` is the line as it stands (raw or cleaned). A label that has the form is a
    turn's only when it is a role of :data:`ROLES` or one of ``labels``, those that open
    at least two lines of the same file (:func:`repeated_labels`; ``labels`` are compared
    by their :func:`label_key`)."""
    found = _label(text)
    if found is None:
        return None
    key = label_key(text[:found[0]])
    return found if _is_role(key) or key in labels else None


def is_turn_label(text: str) -> bool:
    """Whether the text of a ``speaker`` sentence is a turn's label that :func:`turn` split
    off a line ("IP:", "Anna Svensson:"), not the speaker line of a debate record ("Anf.
    12 … (S):", told by the cue :func:`kind_of` gives it its kind by): a label has the
    form of one, ends in its colon and is no debate's speaker line."""
    text = text.strip()
    return (text.endswith(":") and _LABEL_ONLY.fullmatch(text) is not None
            and _SPEAKER.search(text) is None)


def kind_of(content: str, *, first: bool, alone: bool, listed: bool, near_image: bool, leads: bool = False,
            heads_list: bool = False, signs: bool = False) -> str:
    """The kind of one stretch of text (its cleaned ``content``): ``first`` if it is the
    file's first kept stretch, ``alone`` if it is the only stretch of its block, ``listed``
    if the line began with a list marker, ``near_image`` if an image file name was removed
    just before or after it, ``leads`` if it is the first stretch of its block and the
    next one, in the same block, is prose (ends a sentence), ``heads_list`` if it is the
    first stretch of its block and the next one is a list item that opens a list as a
    heading's do (:func:`opens_list`), ``signs`` if it stands where a byline or a
    signature does: before the file's first paragraph of prose, or as its last stretch (a
    line of names alone there is a ``byline``)."""
    words = len(content.split())
    ends_sentence = SENTENCE_END.search(content) is not None
    if listed or _NUMBERED.match(content):
        return "list_item"
    if words <= 12 and _SPEAKER.search(content):
        return "speaker"
    if words <= SHORT_WORDS and not ends_sentence:
        bare = _DATE_LEAD.sub("", content)
        found = parse_swedish_date(bare)
        if found is not None and 2 * (found.end - found.start) >= len(bare):
            return "dateline"
        if _BYLINE.match(content) or (signs and not first and _NAMES.fullmatch(content)):
            return "byline"
    if _CREDIT.match(content) or (near_image and words <= HEADING_WORDS and not ends_sentence):
        return "caption"
    if len(content) > 2 and _QUOTED.match(content):
        return "quote"
    if alone and not ends_sentence:
        if first and words <= TITLE_WORDS:
            return "title"
        if words <= HEADING_WORDS and (content[:1].isupper() or content[:1].isdigit()):
            return "heading"
    capital = content[:1].isupper() or content[:1].isdigit()
    if not ends_sentence and capital and ((leads and words <= SHORT_WORDS) or (heads_list and words <= LABEL_WORDS)):
        return "heading"
    return "paragraph"
