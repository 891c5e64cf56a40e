"""Dates written in Swedish running text or in ISO 8601, with offsets into the text.

Two layers:

* a :class:`DateMention` is what the text *writes*: a day, a month and a year, each
  ``None`` when not written, with its ``start, end`` offsets. Day-month mentions without a
  year ("Den 8 november", "21 april") are mentions too.
* a :class:`SwedishDate` is a mention *placed in the calendar*: it has a year (written, or
  taken from ``year_hint`` and then marked ``year_inferred``) and an ISO 8601 form cut to
  what is known: ``"2013-04-05"`` (precision ``"day"``), ``"2017-11"`` (``"month"``),
  ``"2015"`` (``"year"``).

**A day and month without a year is not a SwedishDate.** Without ``year_hint`` the text
does not say which year is meant, so :func:`parse_swedish_date` and :func:`find_dates`
skip it (they never return a half-filled date). Callers that can work the year out
themselves, such as :func:`helpers.entries.split_entries` from the order of a diary, use
:func:`find_date_mentions` and :meth:`DateMention.resolve`.

Forms recognised (case-insensitive; separators are spaces, tabs, no-break spaces or one
line break, never a blank line):

* ``[weekday[,] [den]] D[:a|:e] month [[,] YYYY]`` — "fredag 5 april 2013", "11 januari
  2017", "Måndagen den 3 mars", "1:a maj", "5 apr. 2013". Month names in full or the common
  abbreviations (``jan feb mar apr maj jun jul aug sep sept okt nov dec``, with an optional
  period). A weekday is optional and is part of the match; it is **not** checked against
  the date (the written date is the evidence; a wrong weekday is the writer's slip).
  A leading "den" alone is not part of the match ("Den 8 november" matches "8 november").
* ``month [,] YYYY`` — "november 2017", "apr. 2013" (precision month).
* ``month D, YYYY`` — a date in English as an interface writes one ("Mar 10, 2006", "March
  10, 2006", "Oct 3, 2019"; the English names january, february, march, may, june, july, august,
  october in full, "oct", or the abbreviations above): the order and the comma are English only, so a
  Swedish text never writes it.
* ``YYYY-MM-DD`` and ``YYYY-MM`` — "2016-12-21 15:11" (the time is not part of the match),
  "2017-11" (precision month).
* ``år|året|våren|sommaren|hösten|vintern YYYY`` — precision year; the whole phrase is the
  match ("hösten 2015" gives ``"2015"``).

Not dates: a bare number or year ("Vision 2050", "2014", "42"), ranges and slugs
("10-15 åren", "2011-2014", "falun-8-november-2016"), a month without a day or year
("i april"), numeric day/month forms ("5/4"), and impossible dates ("31 februari",
"29 februari 2017", "2017-13"), which are rejected rather than corrected. Years are four
digits from 1000 to 2999.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass
from typing import Literal

Precision = Literal["day", "month", "year"]

MONTHS: dict[str, int] = {
    "januari": 1, "februari": 2, "mars": 3, "april": 4, "maj": 5, "juni": 6, "juli": 7,
    "augusti": 8, "september": 9, "oktober": 10, "november": 11, "december": 12,
}
MONTH_ABBREVIATIONS: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sept": 9,
    "sep": 9, "okt": 10, "nov": 11, "dec": 12,
}
ENGLISH_MONTHS: dict[str, int] = {  # those not spelled as in Swedish, for the English form "March 10, 2006"
    "january": 1, "february": 2, "march": 3, "may": 5, "june": 6, "july": 7, "august": 8, "october": 10, "oct": 10,
}
WEEKDAYS: tuple[str, ...] = ("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag")
YEAR_WORDS: tuple[str, ...] = ("året", "år", "våren", "sommaren", "hösten", "vintern")


def _letters(word: str) -> str:
    """A regex for ``word`` that also matches å, ä, ö written decomposed (NFD)."""
    out = []
    for ch in word:
        if ch in "åäö":
            base, mark = {"å": ("a", "\u030a"), "ä": ("a", "\u0308"), "ö": ("o", "\u0308")}[ch]
            out.append(f"(?:{ch}|{base}{mark})")
        else:
            out.append(re.escape(ch))
    return "".join(out)


_H = r"[^\S\r\n]"                                   # horizontal white space (no-break space too)
_NL = r"(?:\r\n|\r|\n)"
_SP = rf"(?:{_H}+(?:{_NL}{_H}*)?|{_NL}{_H}*)"        # white space with at most one line break
_MONTH = (
    "(?:" + "|".join(MONTHS) + "|(?:" + "|".join(MONTH_ABBREVIATIONS) + r")\.?)(?!\w)"
)
_EN_MONTH = "(?:" + "|".join(ENGLISH_MONTHS) + r")\.?(?!\w)"
_WEEKDAY = "(?:" + "|".join(_letters(w) + "(?:en)?" for w in WEEKDAYS) + r")(?!\w)"
_YEAR = r"[12]\d{3}(?!\w)"
_BEFORE = r"(?<![\w\-–—/.,:+])"                     # not inside a number, range, slug, decimal

_DATE_RE = re.compile(
    # ISO 8601: YYYY-MM-DD or YYYY-MM (not a range such as 2011-2014)
    rf"(?<![\w\-–—/.:+])(?P<iy>[12]\d{{3}})-(?P<im>\d{{2}})(?:-(?P<id>\d{{2}}))?(?!\d)(?!-\d)"
    # [weekday [,] [den]] day month [[,] year]
    rf"|{_BEFORE}(?:(?P<wd>{_WEEKDAY}),?{_SP}(?:den{_SP})?)?"
    rf"(?P<d>\d{{1,2}})(?::[ae])?{_SP}(?P<m>{_MONTH})(?:,?{_SP}(?P<y>{_YEAR}))?"
    # month day, year: English ("Mar 10, 2006")
    rf"|{_BEFORE}(?P<m4>{_MONTH}|{_EN_MONTH}){_H}+(?P<d4>\d{{1,2}}),{_H}+(?P<y4>{_YEAR})"
    # month [,] year
    rf"|{_BEFORE}(?P<m2>{_MONTH}),?{_SP}(?P<y2>{_YEAR})"
    # år / året / season + year
    rf"|{_BEFORE}(?P<yw>" + "|".join(_letters(w) for w in YEAR_WORDS) + rf"){_SP}(?P<y3>{_YEAR})",
    re.IGNORECASE,
)


def _month_number(name: str) -> int:
    key = name.rstrip(".").lower()
    return MONTHS.get(key) or MONTH_ABBREVIATIONS.get(key) or ENGLISH_MONTHS[key]


def _day_exists(year: int | None, month: int, day: int) -> bool:
    """Whether ``day`` exists in ``month`` of ``year`` (of some year when ``year`` is None)."""
    if not 1 <= month <= 12:
        return False
    last = calendar.monthrange(year if year is not None else 2000, month)[1]  # 2000: leap
    return 1 <= day <= last


@dataclass(frozen=True)
class SwedishDate:
    """A date found in a text and placed in the calendar, cut to what the text gives.

    ``iso`` is ISO 8601 cut to the precision: ``"2013-04-05"`` (``precision="day"``),
    ``"2017-11"`` (``"month"``) or ``"2015"`` (``"year"``). ``date`` is a
    :class:`datetime.date` only when the precision is ``"day"``, else ``None`` (a month or
    a year is never turned into its first day). ``year_inferred`` is True when the text
    does not write the year and it came from a hint or from neighbouring dates.
    ``start, end`` are the offsets of the match in the text searched. ``year``, ``month``
    and ``day`` are the parts (``None`` beyond the precision).
    """

    iso: str
    precision: Precision
    year_inferred: bool
    start: int
    end: int
    date: dt.date | None
    year: int
    month: int | None = None
    day: int | None = None


@dataclass(frozen=True)
class DateMention:
    """A date as written: ``day``, ``month`` and ``year`` are ``None`` when not written.

    A mention always has a year, or a day and a month (a month alone is not a mention).
    A day and month are valid in some year (29 February is a mention; whether it exists is
    checked when a year is given).
    """

    start: int
    end: int
    year: int | None
    month: int | None
    day: int | None

    @property
    def precision(self) -> Precision:
        """``"day"``, ``"month"`` or ``"year"``: the finest part written."""
        return "day" if self.day is not None else "month" if self.month is not None else "year"

    def resolve(self, year_hint: int | None = None) -> SwedishDate | None:
        """Place the mention in the calendar.

        A written year wins and ``year_hint`` is ignored. Without a written year the year
        is ``year_hint`` and the result is marked ``year_inferred``; without either, or when
        the day does not exist in that year (29 February 2017), the result is ``None``.
        """
        year, inferred = self.year, False
        if year is None:
            if year_hint is None:
                return None
            year, inferred = int(year_hint), True
        if self.day is not None and self.month is not None:
            if not _day_exists(year, self.month, self.day):
                return None
            when = dt.date(year, self.month, self.day)
            return SwedishDate(when.isoformat(), "day", inferred, self.start, self.end, when,
                               year, self.month, self.day)
        if self.month is not None:
            return SwedishDate(f"{year:04d}-{self.month:02d}", "month", inferred, self.start,
                               self.end, None, year, self.month)
        return SwedishDate(f"{year:04d}", "year", inferred, self.start, self.end, None, year)


def _mention(m: re.Match[str]) -> DateMention | None:
    """The mention of one regex match, or None when the date does not exist."""
    if m.group("iy"):
        year, month = int(m.group("iy")), int(m.group("im"))
        day = int(m.group("id")) if m.group("id") else None
        if not 1 <= month <= 12 or (day is not None and not _day_exists(year, month, day)):
            return None
        return DateMention(m.start(), m.end(), year, month, day)
    if m.group("d"):
        day, month = int(m.group("d")), _month_number(m.group("m"))
        year = int(m.group("y")) if m.group("y") else None
        if not _day_exists(year, month, day):
            return None
        return DateMention(m.start(), m.end(), year, month, day)
    if m.group("m4"):
        day, month, year = int(m.group("d4")), _month_number(m.group("m4")), int(m.group("y4"))
        return DateMention(m.start(), m.end(), year, month, day) if _day_exists(year, month, day) else None
    if m.group("m2"):
        return DateMention(m.start(), m.end(), int(m.group("y2")), _month_number(m.group("m2")), None)
    return DateMention(m.start(), m.end(), int(m.group("y3")), None, None)


def find_date_mentions(text: str) -> list[DateMention]:
    """Every date written in ``text``, in order, including day-month mentions without a
    year. Matches do not overlap; an impossible date ("31 februari 2017") is dropped whole
    (its "februari 2017" is not reported as a month)."""
    found = []
    for m in _DATE_RE.finditer(text):
        mention = _mention(m)
        if mention is not None:
            found.append(mention)
    return found


def find_dates(text: str, *, year_hint: int | None = None) -> list[SwedishDate]:
    """Every date in ``text`` that can be placed in the calendar, in order of position.

    Day-month mentions without a written year get ``year_hint`` (and ``year_inferred``);
    without a hint they are left out (see :func:`find_date_mentions` to see them).
    """
    dates = []
    for mention in find_date_mentions(text):
        placed = mention.resolve(year_hint)
        if placed is not None:
            dates.append(placed)
    return dates


def parse_swedish_date(text: str, *, year_hint: int | None = None) -> SwedishDate | None:
    """The first date in ``text`` that can be placed in the calendar, or ``None``.

    >>> parse_swedish_date("fredag 5 april 2013").iso
    '2013-04-05'
    >>> d = parse_swedish_date("Den 8 november gjorde vi", year_hint=2016)
    >>> (d.iso, d.year_inferred, d.precision)
    ('2016-11-08', True, 'day')
    >>> parse_swedish_date("Den 8 november gjorde vi") is None   # no year, no hint
    True
    >>> parse_swedish_date("2017-11").iso, parse_swedish_date("Vision 2050")
    ('2017-11', None)
    """
    for mention in find_date_mentions(text):
        placed = mention.resolve(year_hint)
        if placed is not None:
            return placed
    return None
