"""Dates in Swedish running text and ISO 8601: what is a date, how precise, where."""

from __future__ import annotations

import dataclasses
import datetime as dt
import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers import corpus, paths
from helpers.dates import (
    MONTHS,
    WEEKDAYS,
    DateMention,
    SwedishDate,
    find_date_mentions,
    find_dates,
    parse_swedish_date,
)

# text, year_hint, expected match (substring of text), iso, precision, year_inferred
POSITIVE = [
    ("fredag 5 april 2013", None, "fredag 5 april 2013", "2013-04-05", "day", False),
    ("2016-12-21 15:11", None, "2016-12-21", "2016-12-21", "day", False),
    ("2017-11-22 18:00", None, "2017-11-22", "2017-11-22", "day", False),
    ("2017-11-22T18:00", None, "2017-11-22", "2017-11-22", "day", False),
    ("Den 8 november gjorde Tillitsdelegationen", 2016, "8 november", "2016-11-08", "day", True),
    ("Studiebesök i Luleå 11 januari 2017", None, "11 januari 2017", "2017-01-11", "day", False),
    ("Norrtälje 21 april", 2017, "21 april", "2017-04-21", "day", True),
    ("Gislaved 1 februari", 2017, "1 februari", "2017-02-01", "day", True),
    ("Uppsala 10 oktober 2016", None, "10 oktober 2016", "2016-10-10", "day", False),
    ("Uppsala 10 oktober 2016", 1999, "10 oktober 2016", "2016-10-10", "day", False),  # written year wins
    ("5 apr. 2013", None, "5 apr. 2013", "2013-04-05", "day", False),
    ("5 apr 2013", None, "5 apr 2013", "2013-04-05", "day", False),
    ("den 3 sept. 2014", None, "3 sept. 2014", "2014-09-03", "day", False),
    ("1 okt 2015", None, "1 okt 2015", "2015-10-01", "day", False),
    ("24 dec. 2015", None, "24 dec. 2015", "2015-12-24", "day", False),
    ("2017-11", None, "2017-11", "2017-11", "month", False),
    ("publicerad i november 2017.", None, "november 2017", "2017-11", "month", False),
    ("apr. 2013", None, "apr. 2013", "2013-04", "month", False),
    ("FREDAG 5 APRIL 2013", None, "FREDAG 5 APRIL 2013", "2013-04-05", "day", False),
    ("Måndag 3 mars", 2014, "Måndag 3 mars", "2014-03-03", "day", True),
    ("måndagen den 3 mars 2014", None, "måndagen den 3 mars 2014", "2014-03-03", "day", False),
    ("Lördag, 1 maj 2010", None, "Lördag, 1 maj 2010", "2010-05-01", "day", False),
    ("den 1:a maj 2010", None, "1:a maj 2010", "2010-05-01", "day", False),
    ("Den 3:e juni, 2016", None, "3:e juni, 2016", "2016-06-03", "day", False),
    ("05 juli 2016", None, "05 juli 2016", "2016-07-05", "day", False),
    ("Måndag\u00a03\u00a0mars\u00a02014", None, "Måndag\u00a03\u00a0mars\u00a02014", "2014-03-03", "day", False),
    ("den 5\napril 2013 (hard-wrapped)", None, "5\napril 2013", "2013-04-05", "day", False),
    ("29 februari 2016", None, "29 februari 2016", "2016-02-29", "day", False),
    ("29 februari", 2016, "29 februari", "2016-02-29", "day", True),
    ("31 december 1999", None, "31 december 1999", "1999-12-31", "day", False),
    ("hösten 2015", None, "hösten 2015", "2015", "year", False),
    ("under år 2015 ökade", None, "år 2015", "2015", "year", False),
    ("Vision 2050 antogs våren 2016", None, "våren 2016", "2016", "year", False),
    ("5 april 3000 kronor", 2013, "5 april", "2013-04-05", "day", True),  # 3000 is no year
    # a date in English as a site's interface writes one, month first and a comma before the year
    ("Pressmeddelande • Mar 10, 2006 10:31 CET", None, "Mar 10, 2006", "2006-03-10", "day", False),
    ("Published October 3, 2019", None, "October 3, 2019", "2019-10-03", "day", False),
    ("Posted Oct 3, 2019 by the editor", None, "Oct 3, 2019", "2019-10-03", "day", False),
    ("Posted Oct. 3, 2019", None, "Oct. 3, 2019", "2019-10-03", "day", False),
]


@pytest.mark.parametrize("text, hint, match, iso, precision, inferred", POSITIVE,
                         ids=[p[0][:30] for p in POSITIVE])
def test_dates_are_found_with_precision_and_offsets(text, hint, match, iso, precision, inferred):
    d = parse_swedish_date(text, year_hint=hint)
    assert d is not None
    assert (d.iso, d.precision, d.year_inferred) == (iso, precision, inferred)
    assert text[d.start:d.end] == match
    assert d.year == int(iso[:4])
    if precision == "day":
        assert d.date == dt.date.fromisoformat(iso)
        assert (d.month, d.day) == (d.date.month, d.date.day)
    else:
        assert d.date is None and d.day is None


NEGATIVE = [
    "Vision 2050",
    "2050",
    "42",
    "Det har förändrats under de senaste 10-15 åren.",
    "ungefär 3-5 år",
    "31 februari 2017",
    "31 februari",
    "30 februari",
    "29 februari 2017",
    "31 april 2016",
    "32 maj 2016",
    "0 maj 2016",
    "2017-13",
    "2017-02-30",
    "2017-00-10",
    "mellan 2011-2014",
    "bokslut 2016",
    "falun-8-november-2016",
    "En vårdag i april besökte vi Norrtälje.",
    "april",
    "5 marsch",
    "det kostade 10 000 kronor",
    "kl. 15:11",
    "tel. 0771-12 34 56",
    "1,5 april",
    "5/4 2013",
    "version 1.2 mars",
    "Sverige 2013",
    # English order without its comma or year, or an impossible day, is none
    "March 10 2006", "May 5", "Feb 30, 2020",
    "",
]


@pytest.mark.parametrize("text", NEGATIVE)
def test_not_dates(text):
    assert parse_swedish_date(text) is None
    assert parse_swedish_date(text, year_hint=2016) is None
    assert find_dates(text) == []


def test_impossible_day_month_without_year_is_no_mention_and_hint_does_not_rescue_it():
    assert find_date_mentions("31 februari") == []
    assert parse_swedish_date("31 februari", year_hint=2016) is None
    assert find_date_mentions("den 30 februari 2016") == []


def test_impossible_date_is_dropped_whole_not_cut_to_its_month():
    assert find_date_mentions("den 31 februari 2017 kom") == []


def test_day_month_without_year_or_hint_is_not_a_date_but_is_a_mention():
    text = "Den 8 november gjorde Tillitsdelegationen ett studiebesök."
    assert parse_swedish_date(text) is None
    assert find_dates(text) == []
    [m] = find_date_mentions(text)
    assert (m.year, m.month, m.day, m.precision) == (None, 11, 8, "day")
    assert text[m.start:m.end] == "8 november"
    assert m.resolve() is None
    d = m.resolve(2016)
    assert d is not None and d.iso == "2016-11-08" and d.year_inferred


def test_february_29_needs_a_leap_year():
    [m] = find_date_mentions("29 februari")
    assert m.resolve(2017) is None
    assert m.resolve(2016).iso == "2016-02-29"
    assert parse_swedish_date("29 februari", year_hint=2017) is None


def test_parse_returns_the_first_placeable_date():
    text = "Den 21 april träffades vi igen; sedan 2016-12-01 och 11 januari 2017."
    assert parse_swedish_date(text).iso == "2016-12-01"
    assert parse_swedish_date(text, year_hint=2017).iso == "2017-04-21"


def test_find_dates_in_order_with_offsets():
    text = ("Fredag 5 april 2013 skrev jag om 2017-11 och om hösten 2015. "
            "Den 8 november var vi i Falun, den 31 februari ingenstans. Vision 2050.")
    found = find_dates(text)
    assert [d.iso for d in found] == ["2013-04-05", "2017-11", "2015"]
    assert [text[d.start:d.end] for d in found] == ["Fredag 5 april 2013", "2017-11", "hösten 2015"]
    with_hint = find_dates(text, year_hint=2016)
    assert [d.iso for d in with_hint] == ["2013-04-05", "2017-11", "2015", "2016-11-08"]
    assert [d.year_inferred for d in with_hint] == [False, False, False, True]
    starts = [d.start for d in with_hint]
    assert starts == sorted(starts)


def test_weekday_is_matched_but_not_checked():
    # 5 April 2013 was a Friday; the written date is the evidence, the weekday a slip.
    d = parse_swedish_date("måndag 5 april 2013")
    assert d.iso == "2013-04-05" and d.start == 0


def test_decomposed_swedish_letters_are_matched():
    text = unicodedata.normalize("NFD", "Lördag 1 maj 2010 och hösten 2015")
    assert [text[d.start:d.end] for d in find_dates(text)] == [
        unicodedata.normalize("NFD", "Lördag 1 maj 2010"), unicodedata.normalize("NFD", "hösten 2015")]


def test_swedishdate_is_frozen():
    d = parse_swedish_date("2016-12-21")
    assert isinstance(d, SwedishDate)
    with pytest.raises(dataclasses.FrozenInstanceError):
        d.iso = "x"  # type: ignore[misc]
    assert isinstance(find_date_mentions("2016-12-21")[0], DateMention)


def test_seed_corpus_dates():
    raw = {p.name[:3]: corpus.read_raw(p).text for p in corpus.list_raw_files(paths.CORPUS_DIR)}
    assert [d.iso for d in find_dates(raw["000"])] == ["2016-12-21"]
    assert [d.iso for d in find_dates(raw["001"])] == ["2017-11-22"]
    assert [d.iso for d in find_dates(raw["002"])] == ["2013-04-05"]
    assert find_dates(raw["003"]) == []  # "2014", "2011 och 2014", "10-15 åren" are no dates
    assert [d.iso for d in find_dates(raw["004"])] == ["2017-01-11", "2016-11-08", "2016-10-10"]
    assert [(m.month, m.day) for m in find_date_mentions(raw["004"]) if m.year is None] == [
        (4, 21), (2, 1), (1, 11), (11, 8)]


_ABBR = {1: "jan", 2: "feb", 3: "mar", 4: "apr", 5: "maj", 6: "jun", 7: "jul", 8: "aug",
         9: "sep", 10: "okt", 11: "nov", 12: "dec"}
_FULL = {n: name for name, n in MONTHS.items()}


@given(st.dates(min_value=dt.date(1000, 1, 1), max_value=dt.date(2999, 12, 31)),
       st.booleans(), st.booleans(), st.sampled_from(["", ". ", "Den ", "Studiebesök i Luleå "]))
def test_round_trip_of_written_dates(when, weekday, abbreviated, before):
    month = _ABBR[when.month] + ("." if when.month != 5 else "") if abbreviated else _FULL[when.month]
    written = f"{when.day} {month} {when.year}"
    if weekday:
        written = f"{WEEKDAYS[when.weekday()].capitalize()} {written}"
    text = f"{before}{written} hände det."
    d = parse_swedish_date(text)
    assert d is not None and d.date == when and d.precision == "day" and not d.year_inferred
    assert text[d.start:d.end] == written
    iso = f"skrivet {when.isoformat()} 15:11"
    assert parse_swedish_date(iso).date == when
