"""Splitting diary-like texts into dated entries: the seed diary, the other seeds, and
made-up diaries so that the rule is a rule for dated entries, not for one file."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest

from helpers import corpus, paths
from helpers.dates import find_date_mentions
from helpers.entries import Entry, heading_place, infer_dates, preamble, split_entries

RAW = {p.name: corpus.read_raw(p).text for p in corpus.list_raw_files(paths.CORPUS_DIR)}
DIARY = "004_8532f4a48792f5a4.txt"


def check_spans(text: str, entries: list[Entry]) -> None:
    """Invariants every split must keep, whatever the text."""
    for i, e in enumerate(entries):
        assert e.index == i
        assert 0 <= e.start < e.heading_end <= e.end <= len(text)
        assert text[e.start:e.heading_end] == e.heading
        assert not text[e.start].isspace() and not text[e.end - 1].isspace()
        assert "\n" not in e.heading and "\r" not in e.heading
        if e.date is not None:
            assert e.start <= e.date.start < e.date.end <= e.heading_end
            assert e.date_inferred == e.date.year_inferred
        else:
            assert not e.date_inferred
    for a, b in zip(entries, entries[1:]):
        assert a.end <= b.start  # in order, not overlapping
        assert text[a.end:b.start].strip() == ""  # only white space between entries
    if entries:
        assert text[entries[-1].end:].strip() == ""
        pre = preamble(text, entries)
        head = text[:entries[0].start]
        assert (pre is None) == (head.strip() == "")
        if pre is not None:
            assert text[pre[0]:pre[1]] == head.strip()


def summary(entries: list[Entry]) -> list[tuple]:
    return [(e.place, e.date.iso if e.date else None, e.date_inferred) for e in entries]


# --------------------------------------------------------------------------- the seeds

def test_seed_diary_has_five_entries_newest_first():
    text = RAW[DIARY]
    entries = split_entries(text)
    check_spans(text, entries)
    assert summary(entries) == [
        ("Norrtälje", "2017-04-21", True),
        ("Gislaved", "2017-02-01", True),
        ("Luleå", "2017-01-11", False),
        ("Falun", "2016-11-08", False),
        ("Uppsala", "2016-10-10", False),
    ]
    assert [e.heading for e in entries] == [
        "Norrtälje 21 april", "Gislaved 1 februari", "Studiebesök i Luleå 11 januari 2017",
        "Studiebesök Falun 8 november 2016", "Uppsala 10 oktober 2016",
    ]
    assert [text[e.date.start:e.date.end] for e in entries] == [
        "21 april", "1 februari", "11 januari 2017", "8 november 2016", "10 oktober 2016"]
    assert all(e.date.precision == "day" for e in entries)
    assert [e.date.date for e in entries] == sorted((e.date.date for e in entries), reverse=True)


def test_seed_diary_preamble_and_entry_contents():
    text = RAW[DIARY]
    entries = split_entries(text)
    s, e = preamble(text, entries)
    assert text[s:e] == "tillit_besok_logga"
    body = {x.place: text[x.heading_end:x.end] for x in entries}
    assert body["Norrtälje"].rstrip().endswith("En mycket givande dag!")
    assert "Kommunledning Gislaved" in body["Gislaved"]
    assert "Den 11 januari var Tillitsdelegationen" in body["Luleå"]
    assert body["Falun"].endswith("falun-8-november-2016")  # a slug is not a heading
    assert body["Uppsala"].endswith("uppsala")
    # the no-break-space lines between entries belong to none
    assert text[entries[0].end:entries[1].start].strip() == ""
    assert "\u00a0" in text[entries[0].end:entries[1].start]


def test_seed_diary_year_hint_does_not_override_written_years():
    assert summary(split_entries(RAW[DIARY], year_hint=1999)) == summary(split_entries(RAW[DIARY]))


@pytest.mark.parametrize("name", [n for n in RAW if n != DIARY], ids=lambda n: n[:3])
def test_other_seeds_are_one_document(name):
    assert split_entries(RAW[name]) == []
    assert split_entries(RAW[name], year_hint=2016) == []


def test_a_single_dateline_does_not_split_even_when_it_is_its_own_block():
    # 001 has "2017-11-22 18:00" as a block of its own: a heading, but only one.
    [only] = split_entries(RAW["001_8ccbbb7e150bbb09.txt"], min_entries=1)
    assert only.heading == "2017-11-22 18:00" and only.date.iso == "2017-11-22"
    # 000's dateline shares its block with the authors' line: not a heading at all.
    assert split_entries(RAW["000_ff484f60f80210ce.txt"], min_entries=1) == []


# --------------------------------------------------------------------------- made-up diaries

OLDEST_FIRST = """Min dagbok från hemtjänsten

Måndag 3 mars 2014

Första dagen i gruppen. Den 5 mars ska vi ha möte om dokumentationen.

Onsdag 5 mars

Mötet blev av.
Vi pratade om hur mycket tid skärmen tar.

Fredag 7 mars

Sista dagen den här veckan.

Tisdag 1 april 2014

Nu har det gått en månad.
"""


def test_oldest_first_with_weekday_headings():
    entries = split_entries(OLDEST_FIRST)
    check_spans(OLDEST_FIRST, entries)
    assert summary(entries) == [
        (None, "2014-03-03", False),
        (None, "2014-03-05", True),
        (None, "2014-03-07", True),
        (None, "2014-04-01", False),
    ]
    assert [e.heading for e in entries] == ["Måndag 3 mars 2014", "Onsdag 5 mars", "Fredag 7 mars",
                                            "Tisdag 1 april 2014"]
    s, e = preamble(OLDEST_FIRST, entries)
    assert OLDEST_FIRST[s:e] == "Min dagbok från hemtjänsten"
    assert OLDEST_FIRST[entries[-1].heading_end:entries[-1].end].strip() == "Nu har det gått en månad."


ISO_DIARY = (
    "2015-09-01 – Örebro\r\n\r\nVi träffade socialsekreterarna.\r\n\r\n"
    "2015-09-14 Västerås\r\n\r\nEn lång dag. 2015-09-20 kommer vi tillbaka.\r\n\r\n"
    "2015-09-20\r\nEn rad direkt under datumet gör blocket till text, inte rubrik.\r\n\r\n"
    "2015-10-02: besök hos Karlstad\r\n\r\nSista besöket.\r\n"
)


def test_iso_headings_crlf_and_a_dated_line_inside_a_block():
    entries = split_entries(ISO_DIARY)
    check_spans(ISO_DIARY, entries)
    assert summary(entries) == [
        ("Örebro", "2015-09-01", False),
        ("Västerås", "2015-09-14", False),
        ("Karlstad", "2015-10-02", False),
    ]
    assert preamble(ISO_DIARY, entries) is None
    assert "2015-09-20\r\nEn rad direkt" in ISO_DIARY[entries[1].start:entries[1].end]


YEAR_CHANGE = """Fredag 19 december 2014 – Kiruna

Julbord med personalgruppen.

Måndag 22 december – Gällivare

Sista besöket före jul.

Tisdag 13 januari – Luleå

Nytt år, samma frågor om tillit.

Onsdag 4 februari 2015 – Umeå

Avslutning.
"""


def test_year_change_december_to_january_oldest_first():
    entries = split_entries(YEAR_CHANGE)
    check_spans(YEAR_CHANGE, entries)
    assert summary(entries) == [
        ("Kiruna", "2014-12-19", False),
        ("Gällivare", "2014-12-22", True),
        ("Luleå", "2015-01-13", True),
        ("Umeå", "2015-02-04", False),
    ]


def test_year_change_with_a_single_written_year_takes_the_shortest_order():
    text = YEAR_CHANGE.split("Onsdag 4 februari")[0]  # only the first heading has a year
    assert summary(split_entries(text)) == [
        ("Kiruna", "2014-12-19", False),
        ("Gällivare", "2014-12-22", True),
        ("Luleå", "2015-01-13", True),
    ]


def test_newest_first_year_change():
    text = ("Kiruna 12 januari 2015\n\nKallt.\n\nGällivare 19 december\n\nMörkt.\n\n"
            "Boden 2 december\n\nFörsta besöket.\n")
    entries = split_entries(text)
    check_spans(text, entries)
    assert summary(entries) == [
        ("Kiruna", "2015-01-12", False),
        ("Gällivare", "2014-12-19", True),
        ("Boden", "2014-12-02", True),
    ]


def test_newest_first_missing_years_before_the_first_written_one():
    # The seed diary's pattern in another year and other months.
    text = ("Malmö 3 mars\n\nText.\n\nLund 20 november\n\nText.\n\n"
            "Ystad 5 oktober 2012\n\nText.\n\nTrelleborg 1 september 2012\n\nText.\n")
    assert summary(split_entries(text)) == [
        ("Malmö", "2013-03-03", True),
        ("Lund", "2012-11-20", True),
        ("Ystad", "2012-10-05", False),
        ("Trelleborg", "2012-09-01", False),
    ]


NO_YEARS = """Måndag 3 mars

Text.

Tisdag 4 mars

Text.

Måndag 10 mars

Text.
"""


def test_no_written_year_without_hint_splits_but_leaves_dates_unknown():
    entries = split_entries(NO_YEARS)
    check_spans(NO_YEARS, entries)
    assert [e.heading for e in entries] == ["Måndag 3 mars", "Tisdag 4 mars", "Måndag 10 mars"]
    assert summary(entries) == [(None, None, False)] * 3


def test_no_written_year_with_hint_anchors_the_first_entry():
    assert summary(split_entries(NO_YEARS, year_hint=2014)) == [
        (None, "2014-03-03", True), (None, "2014-03-04", True), (None, "2014-03-10", True)]


ONE_HEADING = """Dagbok

Måndag 3 mars 2014

Den 5 mars ska vi ha möte. Den 7 mars åker vi till Falun.

Den 8 november gjorde vi ett studiebesök.

Vi sågs igen 2014-04-01 och 2014-05-02.
"""


def test_one_dated_heading_is_one_document():
    assert split_entries(ONE_HEADING) == []
    assert len(split_entries(ONE_HEADING, min_entries=1)) == 1


NOT_HEADINGS = [
    # dated sentences in blocks of their own end in punctuation
    "Den 8 november gjorde vi ett studiebesök.\n\nText.\n\nDen 9 november åkte vi hem.\n",
    # a month and year is not a day
    "April 2017\n\nText.\n\nMaj 2017\n\nText.\n",
    # too many words for a heading
    "Vi var på studiebesök hos socialtjänsten i Luleå hela dagen den 11 januari 2017\n\nText.\n\n"
    "Vi var på studiebesök hos utbildningsförvaltningen i Falun hela dagen den 8 november 2016\n",
    # dates in slugs and ranges
    "falun-8-november-2016\n\nText.\n\nuppsala-10-oktober-2016\n\n10-15 åren\n",
    # dated lines that share their block with other lines
    "Norrtälje 21 april\nText direkt under.\n\nGislaved 1 februari\nMer text.\n",
]


@pytest.mark.parametrize("text", NOT_HEADINGS, ids=range(len(NOT_HEADINGS)))
def test_lines_that_are_not_dated_headings(text):
    assert split_entries(text) == []


def test_abbreviated_month_period_at_the_end_is_not_sentence_final():
    text = "Falun (Dalarna) 8 nov. 2016\n\nText.\n\nBorlänge 9 nov.\n\nText.\n"
    assert summary(split_entries(text)) == [
        ("Falun (Dalarna)", "2016-11-08", False), ("Borlänge", "2016-11-09", True)]


def test_text_without_trailing_newline_and_leading_whitespace():
    text = "\n\n  Umeå 3 mars 2014  \n\nText.\n\nUmeå 4 mars 2014\n\nMer text."
    entries = split_entries(text)
    check_spans(text, entries)
    assert entries[0].heading == "Umeå 3 mars 2014"
    assert entries[-1].end == len(text)
    assert preamble(text, entries) is None


def test_min_entries():
    assert len(split_entries(OLDEST_FIRST, min_entries=4)) == 4
    assert split_entries(OLDEST_FIRST, min_entries=5) == []
    with pytest.raises(ValueError):
        split_entries(OLDEST_FIRST, min_entries=0)


def test_written_year_is_never_changed_even_out_of_order():
    text = "Umeå 3 mars 2014\n\nText.\n\nUmeå 5 mars 2014\n\nText.\n\nUmeå 1 mars 2013\n\nText.\n"
    assert [e.date.iso for e in split_entries(text)] == ["2014-03-03", "2014-03-05", "2013-03-01"]


def test_entry_is_frozen():
    e = split_entries(OLDEST_FIRST)[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        e.place = "x"  # type: ignore[misc]


# --------------------------------------------------------------------------- the parts

@pytest.mark.parametrize("heading, place", [
    ("Studiebesök i Luleå 11 januari 2017", "Luleå"),
    ("Norrtälje 21 april", "Norrtälje"),
    ("Studiebesök Falun 8 november 2016", "Falun"),
    ("Besök hos Socialförvaltningen i Luleå 3 mars", "Socialförvaltningen i Luleå"),
    ("3 mars – Umeå", "Umeå"),
    ("Måndag 3 mars", None),
    ("2016-12-21 15:11", None),
    ("Tisdag 4 mars 2014 kl. 9.30 – Kalix", "Kalix"),
    ("Luleå den 11 januari, socialtjänsten", "Luleå, socialtjänsten"),
])
def test_heading_place(heading, place):
    m = next(m for m in find_date_mentions(heading) if m.day is not None)
    assert heading_place(heading, m.start, m.end) == place


def _mentions(*headings: str):
    return [next(m for m in find_date_mentions(h) if m.day is not None) for h in headings]


def test_infer_dates_29_february_moves_to_a_leap_year():
    got = infer_dates(_mentions("1 februari 2015", "29 februari"))
    assert got == [dt.date(2015, 2, 1), dt.date(2016, 2, 29)]


def test_infer_dates_majority_of_written_years_decides_the_order():
    # three decreasing written dates, one increasing: newest-first
    got = infer_dates(_mentions("5 maj 2016", "1 maj 2016", "2 maj 2016", "1 april 2016",
                                "1 mars 2016", "20 mars"))
    assert got[-1] == dt.date(2015, 3, 20)


def test_infer_dates_tie_between_orders_infers_nothing():
    # 1 januari 2014 or 2015 on either side of 1 juli 2014: both orders span a year
    got = infer_dates(_mentions("1 januari", "1 juli 2014", "1 januari"))
    assert got == [None, dt.date(2014, 7, 1), None]


def test_infer_dates_hint_is_the_first_entrys_year_only_without_written_years():
    assert infer_dates(_mentions("29 februari", "1 mars"), year_hint=2016) == [
        dt.date(2016, 2, 29), dt.date(2016, 3, 1)]
    assert infer_dates(_mentions("29 februari", "1 mars"), year_hint=2015) == [None, None]
    assert infer_dates(_mentions("3 mars", "1 mars 2014"), year_hint=1999) == [
        dt.date(2014, 3, 3), dt.date(2014, 3, 1)]
    assert infer_dates([]) == []


def test_the_findings_and_the_index_say_how_a_diary_is_counted_alike():
    """The reader's case: the findings in brief said "1 of 9 documents" before anything said
    that a diary counts as its entries. One line says it, for the findings (plain text, which
    the notebook escapes) and the index (escaped HTML)."""
    import pandas as pd

    from helpers import documents, report

    docs = pd.DataFrame({"doc_id": ["a", "d<b>", "d<b>/x", "d<b>/y"], "parent": ["", "", "d<b>", "d<b>"]})
    said = "The findings count a file of dated entries as its entries, each a document of its own: d<b> as 2 (d<b>/x, d<b>/y)."
    assert documents.entries_note(docs) == said
    assert report.entries_note(docs) == "<p>" + said.replace("<", "&lt;").replace(">", "&gt;") + "</p>"
    assert documents.entries_note(docs.iloc[:2]) == documents.entries_note(docs.drop(columns="parent")) == ""
