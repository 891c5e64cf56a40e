"""Splitting a diary-like raw text into dated entries, with raw offsets.

**Headings.** An entry starts at a *dated heading*: a line that is a paragraph block of
its own (blocks as in :mod:`helpers.clean`: maximal runs of non-blank lines), has at most
:data:`HEADING_MAX_WORDS` words, does not end in sentence-final punctuation (a period that
belongs to an abbreviated month at the end, "8 nov.", does not count) and contains a date
with at least a day and a month (:func:`helpers.dates.find_date_mentions`; the first such
date in the line is the heading's date). A line inside a longer block, a sentence ("Den 8
november gjorde vi ett besök.") or a month alone ("April 2017") does not start an entry.

**Spans.** An entry runs from its heading's first character to just before the next
heading, with trailing white space (no-break spaces included) trimmed. Text before the
first heading (a logo's file name, a page title) belongs to no entry: :func:`preamble`
gives its span. All offsets are Python string indices into ``text``.

**One document.** When fewer than ``min_entries`` dated headings are found the text is
one document and :func:`split_entries` returns ``[]``. With the default of two, a blog
post's single dateline ("2016-12-21 15:11" at the top) never splits a file.

**Missing years.** A heading that writes no year ("Norrtälje 21 april") gets one from its
neighbours, marked ``date_inferred``:

1. *Order.* The direction of the diary comes from the headings that write their year:
   consecutive ones (in file order) are compared, and the majority of the strict
   comparisons decides: increasing is oldest-first, decreasing is newest-first. When those
   headings do not decide (fewer than two, all the same date, or a tie), the order is the
   one under which the inferred dates span the shortest time (so the fewest year changes:
   "19 december 2014, 22 december, 13 januari" is oldest-first). If both orders give the
   same span but different years, no year is inferred.
2. *Year.* Going away from the first heading that has a year, each year-less heading
   takes the year closest to its already-dated neighbour that keeps the order monotonic
   (a later or equal date after the neighbour in an oldest-first diary, an earlier or
   equal one in a newest-first diary; the other way round for the headings before the
   first dated one). So in a newest-first diary "1 februari" just above "11 januari 2017"
   is 2017-02-01, and in an oldest-first diary "13 januari" just below "22 december
   2014" is 2015-01-13. A day that does not exist in that year (29 februari) moves to the
   next year that keeps the order.
3. *No year at all.* When no heading writes a year, ``year_hint`` (if given) is the year
   of the first entry in the file and the others follow from rule 2 (all marked inferred);
   without a hint (or when the first entry's day does not exist in the hinted year) the
   entries are still returned but their ``date`` is ``None``.

A written year is never changed, even when it breaks the order.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, replace
from typing import Literal, Sequence

from .clean import block_lines, strip_span
from .dates import WEEKDAYS, DateMention, SwedishDate, find_date_mentions
from .structure import SENTENCE_END

HEADING_MAX_WORDS = 10
"""A dated heading has at most this many words (white-space separated), date included."""

GENERIC_PLACE_WORDS: frozenset[str] = frozenset(
    {"studiebesök", "studiebesöket", "besök", "besöket", "besökte", "dagbok", "inlägg",
     "i", "hos", "på", "vid", "till", "från", "med", "den", "dag", "dagen", "kl"}
    | set(WEEKDAYS) | {w + "en" for w in WEEKDAYS}
)
"""Words stripped from the ends of what is left of a heading when its date is taken out
(so are bare punctuation and clock times such as "15:11")."""

_TIME = re.compile(r"(?:kl\.?)?\d{1,2}[:.]\d{2}(?:[:.]\d{2})?", re.IGNORECASE)  # "15:11", "kl.9.30"
_EDGE = " \t,.;:–—-|/•·"
_Order = Literal[1, -1]  # 1: oldest-first (dates increase down the file), -1: newest-first


@dataclass(frozen=True)
class Entry:
    """One dated entry of a diary-like text.

    ``start, end``: the entry's span in the raw text, from its heading's first character
    to just before the next heading, trailing white space trimmed. ``heading_end``: where
    the heading line ends, so ``text[start:heading_end] == heading`` and the body is
    ``text[heading_end:end]``. ``place``: the heading without its date and without
    generic words at its ends (:data:`GENERIC_PLACE_WORDS`), or ``None`` when nothing is
    left. ``date``: the heading's date with offsets into the raw text, ``None`` only when
    its year could not be determined (see the module's rules). ``date_inferred``: the
    date's year was not written in the heading but inferred (False when ``date`` is None).
    """

    index: int
    start: int
    end: int
    heading_end: int
    heading: str
    place: str | None
    date: SwedishDate | None
    date_inferred: bool


# --------------------------------------------------------------------------- headings

def _single_line_blocks(text: str) -> list[tuple[int, int]]:
    """Stripped ``(start, end)`` of every block that consists of exactly one line."""
    blocks: dict[int, list[tuple[int, int]]] = {}
    for block, s, e in block_lines(text):
        blocks.setdefault(block, []).append((s, e))
    return [spans[0] for spans in blocks.values() if len(spans) == 1]


def _heading_date(line: str) -> DateMention | None:
    """The date that makes ``line`` a dated heading (offsets into ``line``), or None."""
    if len(line.split()) > HEADING_MAX_WORDS:
        return None
    mention = next((m for m in find_date_mentions(line) if m.day is not None), None)
    if mention is None:
        return None
    if SENTENCE_END.search(line) and not (mention.end == len(line) and line.endswith(".")):
        return None
    return mention


def _clean_part(part: str) -> str:
    words = part.split()

    def generic(word: str) -> bool:
        core = word.strip(_EDGE).lower()
        return core == "" or core in GENERIC_PLACE_WORDS or _TIME.fullmatch(core) is not None

    while words and generic(words[0]):
        words.pop(0)
    while words and generic(words[-1]):
        words.pop()
    return " ".join(words).strip(_EDGE)


def heading_place(heading: str, date_start: int, date_end: int) -> str | None:
    """The place named in a heading: the words before and after the date (offsets into
    ``heading``), each without generic words and punctuation at its ends, joined by
    ", "; ``None`` when nothing is left. The place is composed (NFC) whatever the
    form of the heading.

    >>> heading_place("Studiebesök i Luleå 11 januari 2017", 20, 35)
    'Luleå'
    """
    # composed (NFC), as the corpus's words are: a decomposed "Luleå" is the same place, and
    # the doc id made from it (documents._slug) the same id
    parts = [_clean_part(unicodedata.normalize("NFC", heading[:date_start])),
             _clean_part(unicodedata.normalize("NFC", heading[date_end:]))]
    place = ", ".join(p for p in parts if p)
    return place or None


# --------------------------------------------------------------------------- years

_MonthDay = tuple[int, int]


def _closest(ref: dt.date, month: int, day: int, later: bool) -> dt.date:
    """The date (month, day) closest to ``ref`` that is on or after it (``later``) or on
    or before it; the year steps past years where the day does not exist (29 February)."""
    step = 1 if later else -1
    year = ref.year
    while dt.MINYEAR <= year <= dt.MAXYEAR:
        if _exists(year, month, day):
            cand = dt.date(year, month, day)
            if cand >= ref if later else cand <= ref:
                return cand
        year += step
    raise ValueError(f"no year for {day}/{month} next to {ref}")


def _exists(year: int, month: int, day: int) -> bool:
    try:
        dt.date(year, month, day)
    except ValueError:
        return False
    return True


def _place_years(days: Sequence[_MonthDay], anchors: dict[int, int],
                 order: _Order) -> list[dt.date | None]:
    """Full dates of the (month, day) pairs ``days`` given the years of ``anchors``
    (index → year) and the diary's order; see the module's rule 2."""
    out: list[dt.date | None] = [None] * len(days)
    if not anchors:
        return out
    for i, year in anchors.items():
        out[i] = dt.date(year, *days[i])
    first = min(anchors)
    for i in range(first + 1, len(days)):  # down the file
        prev = out[i - 1]
        if out[i] is None and prev is not None:
            out[i] = _closest(prev, *days[i], later=order == 1)
    for i in range(first - 1, -1, -1):  # up the file, before the first dated heading
        nxt = out[i + 1]
        if nxt is not None:
            out[i] = _closest(nxt, *days[i], later=order == -1)
    return out


def _order_from_years(written: Sequence[dt.date]) -> _Order | None:
    """Oldest-first (1) or newest-first (-1) by the majority of strict comparisons of
    consecutive written dates; None when they do not decide."""
    up = sum(b > a for a, b in zip(written, written[1:]))
    down = sum(b < a for a, b in zip(written, written[1:]))
    return 1 if up > down else -1 if down > up else None


def infer_dates(mentions: Sequence[DateMention], *,
                year_hint: int | None = None) -> list[dt.date | None]:
    """The full date of each heading date in ``mentions`` (in file order, each with a day
    and a month), with missing years inferred by the module's rules; ``None`` where no
    year can be determined. Written years are kept as written."""
    days: list[_MonthDay] = []
    for m in mentions:
        if m.month is None or m.day is None:
            raise ValueError(f"a heading date needs a day and a month: {m}")
        days.append((m.month, m.day))
    anchors = {i: m.year for i, m in enumerate(mentions) if m.year is not None}
    order = _order_from_years([dt.date(y, *days[i]) for i, y in anchors.items()])
    if not anchors:
        if year_hint is None or not mentions or not _exists(int(year_hint), *days[0]):
            return [None] * len(mentions)
        anchors = {0: int(year_hint)}
    if order is not None:
        return _place_years(days, anchors, order)
    forward = _place_years(days, anchors, 1)
    backward = _place_years(days, anchors, -1)

    def span(dates: list[dt.date | None]) -> dt.timedelta:
        known = [d for d in dates if d is not None]
        return max(known) - min(known)

    if forward == backward or span(forward) < span(backward):
        return forward
    if span(backward) < span(forward):
        return backward
    # a tie between different readings: infer nothing, keep the written years only
    return [dt.date(m.year, *days[i]) if m.year is not None else None
            for i, m in enumerate(mentions)]


# --------------------------------------------------------------------------- entries

def split_entries(text: str, *, min_entries: int = 2,
                  year_hint: int | None = None) -> list[Entry]:
    """Split a diary-like raw text into dated entries, in file order.

    Returns ``[]`` when fewer than ``min_entries`` dated headings are found (the text is
    one document). Headings, spans, places and the inference of missing years follow
    the rules in this module's docstring; ``year_hint`` is used only when no heading writes
    a year, as the year of the first entry. The text before the first entry is not part of
    any entry (see :func:`preamble`).
    """
    if min_entries < 1:
        raise ValueError(f"min_entries must be at least 1, got {min_entries}")
    headings: list[tuple[int, int, DateMention]] = []
    for s, e in _single_line_blocks(text):
        mention = _heading_date(text[s:e])
        if mention is not None:
            headings.append((s, e, replace(mention, start=s + mention.start, end=s + mention.end)))
    if len(headings) < min_entries:
        return []

    mentions = [m for _, _, m in headings]
    full = infer_dates(mentions, year_hint=year_hint)
    entries = []
    for i, ((s, e, m), when) in enumerate(zip(headings, full)):
        end = headings[i + 1][0] if i + 1 < len(headings) else len(text)
        while end > e and text[end - 1].isspace():
            end -= 1
        # A written year wins in resolve(); a missing one is the inferred year, marked so.
        date = m.resolve(when.year) if when is not None else None
        heading = text[s:e]
        entries.append(Entry(
            index=i, start=s, end=end, heading_end=e, heading=heading,
            place=heading_place(heading, m.start - s, m.end - s),
            date=date, date_inferred=date is not None and date.year_inferred,
        ))
    return entries


def preamble(text: str, entries: Sequence[Entry]) -> tuple[int, int] | None:
    """The span of the text before the first entry, white space trimmed (in the seed
    diary, the logo's file name "tillit_besok_logga"), or ``None`` when there are no
    entries or only white space comes before the first one."""
    if not entries:
        return None
    s, e = strip_span(text, 0, entries[0].start)
    return (s, e) if s < e else None
