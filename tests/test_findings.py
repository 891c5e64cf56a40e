"""Tests of helpers.findings (the findings as tables): small hand-made tables with answers
worked out by hand (in the comments; the data is conftest's ``toy``), then checks on the
seed corpus."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from helpers import clean, coding, findings
from helpers.documents import textless, textless_note


def _cell(table: pd.DataFrame, by: str, group: str, code: str) -> pd.Series:
    hit = table[(table[by] == group) & (table["code"] == code)]
    assert len(hit) == 1
    return hit.iloc[0]


# --------------------------------------------------------------------------- 1. frequencies


def test_theme_frequencies_by_document(toy):
    coded, segments, documents, codebook = toy
    t = findings.theme_frequencies(coded, segments, documents, codebook, "doc_id")
    assert list(t.columns) == ["doc_id", "code", "family", "sentences", "words", "per_1000", "n_documents",
                               "coded_sentences"]
    assert len(t) == 2 * 5  # every document with segments × every code; the parent "p" is not one
    assert list(dict.fromkeys(t["doc_id"])) == ["d1", "d2"]
    assert list(t["code"][:5]) == codebook.ids
    # d1 has 10 + 20 + 10 + 10 = 50 words; P_ONE in s1, s2, s6 → 3 / 50 * 1000 = 60
    c = _cell(t, "doc_id", "d1", "P_ONE")
    assert (c["sentences"], c["words"], c["n_documents"]) == (3, 50, 1)
    assert c["per_1000"] == pytest.approx(60.0)
    assert _cell(t, "doc_id", "d1", "R_ONE")["per_1000"] == pytest.approx(40.0)  # 2 / 50
    assert _cell(t, "doc_id", "d1", "P_TWO")["sentences"] == 0
    # d2 has 60 words; P_ONE once → 16.67
    assert _cell(t, "doc_id", "d2", "P_ONE")["per_1000"] == pytest.approx(1000 / 60)


def test_theme_frequencies_by_genre_and_voice(toy):
    coded, segments, documents, codebook = toy
    g = findings.theme_frequencies(coded, segments, documents, codebook, "genre")
    assert set(g["genre"]) == {"blog"}  # "diary" belongs to the parent row only
    c = _cell(g, "genre", "blog", "P_ONE")
    # 4 sentences in 110 words of 2 documents
    assert (c["sentences"], c["words"], c["n_documents"]) == (4, 110, 2)
    assert c["per_1000"] == pytest.approx(4 / 110 * 1000)
    v = findings.theme_frequencies(coded, segments, documents, codebook, "voice")
    # d2's empty voice is "(unknown)"; groups sorted alphabetically
    assert list(dict.fromkeys(v["voice"])) == ["(unknown)", "consultants"]
    assert _cell(v, "voice", "(unknown)", "P_TWO")["per_1000"] == pytest.approx(1000 / 60)


def test_theme_frequencies_by_sector_counts_each_sector(toy):
    coded, segments, documents, codebook = toy
    t = findings.theme_frequencies(coded, segments, documents, codebook, "sector")
    assert list(dict.fromkeys(t["sector"])) == ["general", "school", "social_services"]
    # school: s1 + s2 = 30 words, 1 document; P_ONE in both → 2 / 30
    c = _cell(t, "sector", "school", "P_ONE")
    assert (c["sentences"], c["words"], c["n_documents"]) == (2, 30, 1)
    assert c["per_1000"] == pytest.approx(2 / 30 * 1000)
    # social_services: s2 (also school) + s4 = 50 words in 2 documents; P_ONE once (s2)
    c = _cell(t, "sector", "social_services", "P_ONE")
    assert (c["sentences"], c["words"], c["n_documents"]) == (1, 50, 2)
    # general: s3 + s6 + s5 = 50 words; P_ONE in s6 and s5 → 40 per 1,000
    assert _cell(t, "sector", "general", "P_ONE")["per_1000"] == pytest.approx(40.0)


def test_theme_frequencies_rejects_unknown_grouping(toy):
    coded, segments, documents, codebook = toy
    with pytest.raises(ValueError, match="by must be"):
        findings.theme_frequencies(coded, segments, documents, codebook, "author")


def test_grouping_by_a_column_the_metadata_lacks_gives_unknown():
    cb = coding.load_codebook()
    seg = pd.DataFrame({"file": ["a"], "doc_id": ["a"], "start": [0], "tokens": [10], "sector": ["general"]})
    coded = pd.DataFrame({"file": ["a"], "start": [0], "code": ["R_TRUST"]})
    docs = pd.DataFrame({"doc_id": ["a"], "file": ["a"]})
    freq = findings.theme_frequencies(coded, seg, docs, cb, by="voice")
    row = freq[freq.code == "R_TRUST"].iloc[0]
    assert row["voice"] == findings.UNKNOWN and row["sentences"] == 1 and row["per_1000"] == 100.0


# --------------------------------------------------------------------------- 2. timeline


def test_date_range():
    ts = pd.Timestamp
    assert findings.date_range("2015") == (ts(2015, 1, 1), ts(2015, 12, 31))
    assert findings.date_range("2016-02") == (ts(2016, 2, 1), ts(2016, 2, 29))
    assert findings.date_range("2016-12-21") == (ts(2016, 12, 21), ts(2016, 12, 21))
    assert findings.date_range("2016-10-10/2017-04") == (ts(2016, 10, 10), ts(2017, 4, 30))
    assert all(pd.isna(v) for v in findings.date_range(""))


def test_timeline(toy):
    coded, segments, documents, codebook = toy
    t = findings.timeline(coded, segments, documents, codebook)
    assert len(t) == 2 * 5
    # d2 (2015, a year) comes before d1 (2016-12-21); its middle is 2015-07-02 12:00
    assert list(dict.fromkeys(t["doc_id"])) == ["d2", "d1"]
    d2 = t[t["doc_id"] == "d2"].iloc[0]
    assert d2["date_mid"] == pd.Timestamp(2015, 7, 2, 12)
    assert bool(d2["date_inferred"]) and d2["date_precision"] == "year"
    d1 = t[(t["doc_id"] == "d1") & (t["code"] == "P_ONE")].iloc[0]
    assert d1["date_from"] == d1["date_to"] == pd.Timestamp(2016, 12, 21)
    assert d1["per_1000"] == pytest.approx(60.0)


# --------------------------------------------------------------------------- 3. co-occurrence


def test_cooccurrence_sentences(toy):
    coded, segments, documents, codebook = toy
    t = findings.cooccurrence(coded, segments, codebook, "sentence")
    assert list(zip(t["problem"], t["remedy"]))[:3] == [("P_ONE", "R_ONE"), ("P_ONE", "R_TWO"), ("P_ONE", "R_THREE")]
    assert len(t) == 2 * 3 and set(t["n_units"]) == {6}
    r = t.set_index(["problem", "remedy"])
    # P_ONE in s1 s2 s6 s5 (4), R_ONE in s1 s3 s4 (3), both in s1 (1):
    # Jaccard 1 / (4 + 3 - 1) = 1/6; expected 4 * 3 / 6 = 2; lift 1 / 2 = 0.5
    row = r.loc[("P_ONE", "R_ONE")]
    assert (row["n_problem"], row["n_remedy"], row["n_both"]) == (4, 3, 1)
    assert row["jaccard"] == pytest.approx(1 / 6)
    assert row["expected"] == pytest.approx(2.0)
    assert row["lift"] == pytest.approx(0.5)
    # P_TWO (s4) and R_ONE: both in s4; Jaccard 1 / 3; expected 1 * 3 / 6 = 0.5; lift 2
    row = r.loc[("P_TWO", "R_ONE")]
    assert row["jaccard"] == pytest.approx(1 / 3) and row["lift"] == pytest.approx(2.0)
    # P_ONE and R_TWO never meet: expected 4 * 1 / 6, lift 0
    row = r.loc[("P_ONE", "R_TWO")]
    assert row["n_both"] == 0 and row["expected"] == pytest.approx(4 / 6) and row["lift"] == 0
    # R_THREE is never coded: expected 0, lift undefined, Jaccard 0
    row = r.loc[("P_ONE", "R_THREE")]
    assert math.isnan(row["lift"]) and row["jaccard"] == 0


def test_cooccurrence_paragraphs(toy):
    coded, segments, documents, codebook = toy
    t = findings.cooccurrence(coded, segments, codebook, "paragraph").set_index(["problem", "remedy"])
    # 4 paragraphs: a/0 (s1, s2), a/1 (s3, s6), b/0 (s4), b/1 (s5)
    # P_ONE in a/0, a/1, b/1 (3); R_ONE in a/0, a/1, b/0 (3); both in a/0, a/1 (2)
    # Jaccard 2 / (3 + 3 - 2) = 0.5; expected 3 * 3 / 4 = 2.25; lift 2 / 2.25 = 0.889
    row = t.loc[("P_ONE", "R_ONE")]
    assert (row["n_units"], row["n_both"]) == (4, 2)
    assert row["jaccard"] == pytest.approx(0.5)
    assert row["expected"] == pytest.approx(2.25)
    assert row["lift"] == pytest.approx(2 / 2.25)
    # P_ONE and R_TWO share a/1: Jaccard 1 / (3 + 1 - 1) = 1/3; lift 1 / (3 * 1 / 4) = 4/3
    row = t.loc[("P_ONE", "R_TWO")]
    assert row["jaccard"] == pytest.approx(1 / 3) and row["lift"] == pytest.approx(4 / 3)
    with pytest.raises(ValueError):
        findings.cooccurrence(coded, pd.DataFrame(), codebook, "document")


def test_cooccurrence_graph_threshold(toy):
    coded, segments, documents, codebook = toy
    t = findings.cooccurrence(coded, segments, codebook, "sentence")
    g = findings.cooccurrence_graph(t, codebook, "jaccard", threshold=0.2)
    assert list(g.nodes) == codebook.ids
    # Jaccard 1/6 (P_ONE–R_ONE) is below 0.2; 1/3 (P_TWO–R_ONE) is kept
    assert list(g.edges) == [("P_TWO", "R_ONE")]
    assert g.edges["P_TWO", "R_ONE"]["weight"] == pytest.approx(1 / 3)
    assert g.nodes["P_ONE"]["units"] == 4 and g.nodes["P_ONE"]["family"] == "P"


# --------------------------------------------------------------------------- 4. quotes


def test_representative_quotes(toy):
    coded, segments, documents, codebook = toy
    q = findings.representative_quotes(coded, segments, documents, codebook, per_code=2)
    p1 = q[q["code"] == "P_ONE"]
    # ranking of P_ONE: s1 (2 rules, 2 words, 10 tokens), s2 (2, 2, 20), s6 (1, 1, 10), s5 (1, 1, 30);
    # spread over documents first: the best of d1 (s1), the best of d2 (s5)
    assert p1[["rank", "doc_id", "start"]].values.tolist() == [[1, "d1", 0], [2, "d2", 100]]
    assert p1.iloc[1][["date", "file", "end", "quote"]].tolist() == ["2015", "b.txt", 180, "Sjätte meningen."]
    q3 = findings.representative_quotes(coded, segments, documents, codebook, per_code=3)
    assert q3[q3["code"] == "P_ONE"]["start"].tolist() == [0, 100, 50]  # then s2 by rank
    assert "R_THREE" not in set(q["code"])
    assert list(dict.fromkeys(q["code"])) == ["P_ONE", "P_TWO", "R_ONE", "R_TWO"]


# --------------------------------------------------------------------------- 5. drill-down


def test_drilldown(toy):
    coded, segments, documents, codebook = toy
    d = findings.drilldown(coded, segments, documents, codebook)
    assert list(d.columns) == findings.DRILLDOWN_COLUMNS
    cells = d.groupby(["doc_id", "code"], sort=False)["n_sentences"].first()
    assert list(cells.items()) == [
        (("d1", "P_ONE"), 3), (("d1", "R_ONE"), 2), (("d1", "R_TWO"), 1),
        (("d2", "P_ONE"), 1), (("d2", "P_TWO"), 1), (("d2", "R_ONE"), 1)]
    small = d.groupby(["doc_id", "code"], sort=False)["small_n"].first()
    assert not small[("d1", "P_ONE")] and small[("d1", "R_ONE")]  # 3 sentences vs 2
    first = d.iloc[0]
    assert first[["file", "start", "end", "date", "quote"]].tolist() == [
        "a.txt", 0, 40, "2016-12-21", "Första meningen."]


def test_outputs_do_not_depend_on_row_order(toy):
    coded, segments, documents, codebook = toy
    shuffled = {"coded": coded.sample(frac=1, random_state=1), "segments": segments.sample(frac=1, random_state=2)}
    for by in findings.GROUPINGS:
        a = findings.theme_frequencies(coded, segments, documents, codebook, by)
        b = findings.theme_frequencies(shuffled["coded"], shuffled["segments"], documents, codebook, by)
        pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(findings.cooccurrence(coded, segments, codebook),
                                  findings.cooccurrence(shuffled["coded"], shuffled["segments"], codebook))
    pd.testing.assert_frame_equal(findings.drilldown(coded, segments, documents, codebook),
                                  findings.drilldown(shuffled["coded"], shuffled["segments"], documents, codebook))
    pd.testing.assert_frame_equal(
        findings.representative_quotes(coded, segments, documents, codebook),
        findings.representative_quotes(shuffled["coded"], shuffled["segments"], documents, codebook))


# --------------------------------------------------------------------------- 6. summaries for a written reading


def test_top_codes_sums_over_groups_most_first(toy):
    coded, segments, documents, codebook = toy
    by_doc = findings.theme_frequencies(coded, segments, documents, codebook, "doc_id")
    # P_ONE: 3 (d1) + 1 (d2); P_TWO: 1 (d2)
    assert findings.top_codes(by_doc, "P").to_dict() == {"P_ONE": 4, "P_TWO": 1}
    # R_ONE: s1, s3, s4; R_TWO: s3; R_THREE: none, so none of the most frequent (the findings
    # read "0 sentences in 0 of 9 documents" among them)
    assert list(findings.top_codes(by_doc, "R", n=3).items()) == [("R_ONE", 3), ("R_TWO", 1)]
    assert list(findings.top_codes(by_doc, "R", n=1).index) == ["R_ONE"]


def test_document_spread_and_widest_count_documents_not_sentences_and_name_ties(toy):
    coded, segments, documents, codebook = toy
    by_doc = findings.theme_frequencies(coded, segments, documents, codebook, "doc_id")
    # P_ONE in d1 (3 sentences) and d2 (1); P_TWO in d2 only: documents, not sentences
    assert findings.document_spread(by_doc, "P").to_dict() == {"P_ONE": 2, "P_TWO": 1}
    assert findings.widest(findings.document_spread(by_doc, "P")) == ("P_ONE", [])
    # R_ONE in two documents, R_TWO in one, R_THREE in none
    assert findings.document_spread(by_doc, "R").to_dict() == {"R_ONE": 2, "R_THREE": 0, "R_TWO": 1}
    # a tie: the first by code id is the widest, the others are named, by code id
    tie = pd.Series({"P_B": 2, "P_A": 2, "P_C": 1, "P_D": 2}).sort_index()
    assert findings.widest(tie) == ("P_A", ["P_B", "P_D"])


def test_known_leaves_out_documents_with_no_voice_from_voices_and_profile_rows():
    assert findings.known(["(unknown)", "Consultants", "KD"]) == ["Consultants", "KD"]
    rows = [("(unknown)", 2, 0.5, None), ("KD", 1, None, None)]
    assert findings.known(rows) == [("KD", 1, None, None)]
    assert findings.known(pd.Series(["KD", findings.UNKNOWN]).unique()) == ["KD"]
    assert findings.known([]) == []


def test_voices_with(toy):
    coded, segments, documents, codebook = toy
    # P_ONE is in d1 (consultants) and d2 (no voice); P_TWO only in d2; R_THREE nowhere
    assert findings.voices_with(coded, segments, documents, "P_ONE") == ["(unknown)", "consultants"]
    assert findings.voices_with(coded, segments, documents, "P_TWO") == ["(unknown)"]
    assert findings.voices_with(coded, segments, documents, "R_THREE") == []
    assert findings.voices_with(coded, segments, documents.drop(columns="voice"), "P_ONE") == ["(unknown)"]


def test_shared_words(toy):
    coded, segments, documents, codebook = toy
    # P_ONE and R_ONE meet in s1 only, where P_ONE matched "x; y" and R_ONE "x": one shared
    assert findings.shared_words(coded, "P_ONE", "R_ONE") == (1, 1)
    distinct = coded.assign(matched=coded["matched"].where(coded["code"] != "R_ONE", "tillit"))
    assert findings.shared_words(distinct, "P_ONE", "R_ONE") == (0, 1)
    assert findings.shared_words(coded, "P_ONE", "R_TWO") == (0, 0)  # never in the same sentence
    # a first part of a coordinated compound ("detalj-") and a part of a proximity match
    # ("styr … detalj") are words too
    s1 = coded[(coded["file"] == "a.txt") & (coded["start"] == 0)]
    assert list(s1["code"]) == ["P_ONE", "R_ONE"]
    assert findings.shared_words(s1.assign(matched=["detalj- och resultatstyrning", "styr … detalj"]),
                                 "P_ONE", "R_ONE") == (1, 1)
    assert findings.shared_words(s1.assign(matched=["detalj- och resultatstyrning", "styr … mål"]),
                                 "P_ONE", "R_ONE") == (0, 1)


def test_small_shared_helpers():
    assert findings.plural(1, "document") == "1 document" and findings.plural(0, "document") == "0 documents"
    assert findings.date_label("2015", True) == "2015 (inferred)"
    assert findings.date_label("2015", False) == "2015" and findings.date_label("", True) == "undated"
    # as a row read from CSV holds them, and as the index's corpus table shows a missing date
    assert findings.date_label("2015-03", "True") == "2015-03 (inferred)"
    assert findings.date_label(float("nan"), "false") == "undated"
    assert findings.date_label(None, False, undated="") == "" and findings.date_label("2015", "False", undated="") == "2015"
    assert findings.split_list("a; b; ") == ["a", "b"] and findings.split_list("") == []
    with pytest.raises(ValueError, match="measure must be"):
        findings.measure_label("pmi")


# --------------------------------------------------------------------------- seed corpus


def test_seed_quotes_point_into_the_raw_files(seed_tables):
    s, raw = seed_tables, seed_tables["raw"]
    quotes = findings.representative_quotes(s["coded"], s["segments"], s["documents"], s["codebook"])
    assert len(quotes) > 0
    for r in quotes.itertuples():
        assert clean.normalise(raw[r.file][r.start:r.end]) == r.quote
    assert (quotes.groupby("code").size() <= 3).all()


def test_seed_tables_leave_out_the_diarys_file_level_parent(seed_tables):
    s, cb = seed_tables, seed_tables["codebook"]
    for by in findings.GROUPINGS:
        freq = findings.theme_frequencies(s["coded"], s["segments"], s["documents"], cb, by)
        assert freq["n_documents"].min() >= 1
    # the diary's file-level parent has no segments and appears nowhere
    assert "tillit-diary" not in set(findings.timeline(s["coded"], s["segments"], s["documents"], cb)["doc_id"])
    assert "tillit-diary" not in set(findings.drilldown(s["coded"], s["segments"], s["documents"], cb)["doc_id"])


def test_rq3s_share_of_problems_needs_more_coded_sentences_than_the_floor():
    """The reviewer's case: a voice with one coded sentence, a problem, was said to write
    "problems 100%", while its densest theme had a floor. The share has the same one now."""
    freq = pd.DataFrame({"voice": ["few"] * 2 + ["three"] * 2,
                         "code": ["P_DETAIL", "R_TRUST"] * 2, "family": ["P", "R"] * 2,
                         "sentences": [2, 0, 2, 1], "words": [100] * 4,
                         "per_1000": [20.0, 0.0, 20.0, 10.0], "n_documents": [1, 1, 1, 1],
                         "coded_sentences": [2, 2, 3, 3]})
    rows, silent = findings.group_profiles(freq)
    assert silent == []
    assert [(v, share) for v, _, share, _ in rows] == [("few", None), ("three", 2 / 3)]
    assert findings.enough(findings.SMALL_N + 1) and not findings.enough(findings.SMALL_N)
    assert findings.enough(pd.Series([1, 3])).tolist() == [False, True]


def test_densest_group_needs_more_sentences_than_the_hatching_floor():
    """RQ1 names the sector where a problem is densest: one sentence in a short group gives
    the highest rate and is no finding, so a group needs more than SMALL_N sentences."""
    freq = pd.DataFrame({"sector": ["general", "school", "social_services", "health_care"],
                         "code": ["P_X"] * 4, "family": ["P"] * 4,
                         "sentences": [30, 3, 1, 2], "words": [3000, 600, 98, 100]})
    freq["per_1000"] = freq["sentences"] / freq["words"] * 1000  # 10, 5, 10.2, 20
    best = findings.densest_group(freq, "P_X", skip=("general",))
    assert (best["sector"], best["sentences"]) == ("school", 3)  # not social services (n=1) nor health (n=2)
    assert findings.densest_group(freq, "P_X")["sector"] == "general"
    assert findings.densest_group(freq[freq["sentences"] <= findings.SMALL_N], "P_X") is None


def test_a_theme_found_in_no_named_sector_is_told_from_one_too_thin_in_each():
    """The reader's case: RQ1 said measurement was "in no sector on more than 2 sentences"
    when all its 10 sentences named no sector."""
    freq = pd.DataFrame({"sector": ["school", "general", "school", "general"], "code": ["P_A", "P_A", "P_B", "P_B"],
                         "sentences": [0, 10, 2, 5], "words": [100, 100, 100, 100]})
    assert findings.group_sentences(freq, "P_A", skip=("general",)) == 0
    assert findings.group_sentences(freq, "P_B", skip=("general",)) == 2
    assert findings.group_sentences(freq, "P_A") == 10


def test_densest_theme_of_a_voice_needs_more_sentences_than_the_hatching_floor():
    """RQ3 names each voice's densest theme, on the same floor as RQ1's sector: a voice whose
    densest theme rests on one or two sentences (a short text) names none; that is no finding."""
    freq = pd.DataFrame({"voice": ["chair"] * 3 + ["team"] * 3, "code": ["P_A", "R_B", "R_C"] * 2,
                         "family": ["P", "R", "R"] * 2, "sentences": [1, 3, 3, 2, 1, 0],
                         "words": [100] * 3 + [50] * 3})
    freq["per_1000"] = freq["sentences"] / freq["words"] * 1000  # chair 10, 30, 30; team 40, 20, 0
    best = findings.densest_codes(freq, "chair")  # a tie is both themes, by code id (the reader's case: one was named)
    assert best[["code", "sentences"]].values.tolist() == [["R_B", 3], ["R_C", 3]]
    assert findings.densest_codes(freq, "team") is None  # P_A's 40 per 1,000 rest on 2 sentences: none is named
    assert findings.densest_codes(freq, "nobody") is None
    one = freq.assign(sentences=[1, 4, 3, 2, 1, 0], per_1000=[10.0, 40.0, 30.0, 40.0, 20.0, 0.0])
    assert findings.densest_codes(one, "chair")["code"].tolist() == ["R_B"]


def test_top_pairs_ranks_lift_above_the_floor_and_marks_the_rest():
    cooc = pd.DataFrame({"problem": ["P_A", "P_A", "P_B", "P_B", "P_C"],
                         "remedy": ["R_A", "R_B", "R_A", "R_B", "R_A"],
                         "n_both": [1, 3, 2, 5, 0], "lift": [9.0, 2.0, 6.0, 1.5, 0.0]})
    top = findings.top_pairs(cooc, n=10)
    assert list(zip(top["problem"], top["remedy"])) == [("P_A", "R_B"), ("P_B", "R_B"), ("P_A", "R_A"), ("P_B", "R_A")]
    assert list(top["small_n"]) == [False, False, True, True]
    assert len(findings.top_pairs(cooc, n=1)) == 1 and findings.top_pairs(cooc, n=1)["lift"].iloc[0] == 2.0


def test_the_pairs_shown_on_the_page_mark_small_n_and_leave_out_the_constant_columns():
    """The reviewer's case: page 04's pair tables showed `small_n` as True/False and `unit`
    and `n_units` the same on every row. The shown table marks the few with ⚠ and leaves the
    constants to the caption; the table the findings compute keeps them."""
    cooc = pd.DataFrame({"unit": ["paragraph"] * 3, "problem": ["P_A", "P_A", "P_B"], "remedy": ["R_A", "R_B", "R_A"],
                         "n_units": [88] * 3, "n_both": [1, 3, 0], "lift": [9.0, 2.0, 0.0]})
    top = findings.top_pairs(cooc, n=10)
    shown = findings.shown_pairs(top)
    assert list(shown.columns) == ["problem", "remedy", "n_both", "lift", "small_n"]
    assert shown["small_n"].tolist() == ["", "⚠"]
    assert set(shown["small_n"]) <= {"", findings.SMALL_N_MARK}
    assert top["small_n"].tolist() == [False, True] and "n_units" in top.columns  # left as it was
    assert findings.units_of(cooc) == 88 and findings.units_of(cooc.iloc[:0]) == 0


def test_a_pair_table_says_how_many_pairs_it_leaves_out():
    """The reader's case: page 04's pair table stopped at 10 rows without saying so, and the
    network above it drew pairs the table did not list."""
    cooc = pd.DataFrame({"problem": ["P_A", "P_A", "P_B", "P_B", "P_C"], "remedy": ["R_A", "R_B", "R_A", "R_B", "R_A"],
                         "n_both": [1, 3, 2, 5, 0], "lift": [9.0, 2.0, 6.0, 1.5, 0.0]})
    assert findings.pairs_shown(cooc, len(findings.top_pairs(cooc, n=2))) == "the first 2 of the 4 pairs found together"
    assert findings.pairs_shown(cooc, len(findings.top_pairs(cooc, n=10))) == "all 4 pairs found together"
    assert findings.pairs_shown(cooc.iloc[:1], 1) == "the one pair found together"
    assert findings.pairs_shown(cooc.iloc[:0], 0) == "no pair found together"


def test_research_questions_are_the_studys_own_else_neutral():
    assert findings.research_questions({}) == list(findings.NEUTRAL_QUESTIONS)
    own = findings.research_questions({"questions": ["Vad styr <b>skolan</b>?"]})
    assert own == ["Vad styr <b>skolan</b>?", *findings.NEUTRAL_QUESTIONS[1:]]
    assert len(findings.research_questions({"questions": ["a", "b", "c", "d"]})) == 4


# a codebook of one's own without attributes (the review's variants/mincode)
_MINCODE = {"name": "Ramtid i hemtjänsten", "version": 1, "codes": [
    {"id": "R_FRAMETIME", "family": "R", "name_sv": "ramtid", "name_en": "frame time in home care",
     "colour": "#117733", "definition": "d", "use_when": "u", "terms": ["*ramtid*"]},
    {"id": "P_MINUTES", "family": "P", "name_sv": "minutstyrning", "name_en": "steering by the minute",
     "colour": "#882255", "definition": "d", "use_when": "u", "terms": ["*minutstyr*", "minuter"]}]}


def test_a_codebook_without_sectors_says_so_instead_of_counting_one_unknown_sector():
    """Without `attributes`, RQ1 drew one "(unknown)" panel, said sentences naming none are
    `general` and found problems "most densely in sentences about (unknown)"."""
    cb = coding.Codebook.model_validate(_MINCODE)
    documents = pd.DataFrame({"doc_id": ["a"], "file": ["a.txt"]})
    assert not findings.has_sectors(cb)
    note = findings.sector_note(cb, documents)
    assert note.startswith("**This codebook defines no sectors** (it has no `attributes: sector:`)")
    assert "general" not in note and "metadata" not in note
    study = coding.load_codebook()
    assert findings.has_sectors(study)
    assert findings.sector_note(study, documents).startswith(
        "The sectors are the codebook's (social services, school, elderly care, disability, health care), found by "
        "its rules in each sentence, or where a sentence names none, in the rest of its paragraph; a sentence naming "
        "several counts in each, and one naming none in a paragraph naming none counts as general.")
    # sectors without a default: a sentence naming none is "(unknown)", never where a theme is densest
    own = coding.Codebook.model_validate(dict(_MINCODE, attributes={"sector": {"home_care": ["hemtjänst*"]}}))
    assert findings.sector_note(own, documents).endswith("and one naming none counts as (unknown) (the codebook "
                                                         "gives no `attribute_defaults: sector:`).")
    assert findings.no_sector(own) == ("(unknown)",) and findings.no_sector(study) == ("(unknown)", "general")
    freq = pd.DataFrame({"sector": ["(unknown)", "home_care"], "code": ["P_MINUTES"] * 2, "family": ["P"] * 2,
                         "sentences": [9, 3], "words": [100, 100], "per_1000": [90.0, 30.0], "n_documents": [1, 1]})
    assert findings.densest_group(freq, "P_MINUTES", skip=findings.no_sector(own))["sector"] == "home_care"


def test_the_metadatas_own_sector_column_is_said_to_be_unused():
    """The metadata's `sector` column was kept in documents.csv but never used, and RQ1 did
    not say that its sectors are the codebook's."""
    documents = pd.DataFrame({"doc_id": ["a", "b"], "file": ["a.txt", "b.txt"], "sector": ["elderly care", ""]})
    study = coding.load_codebook()
    assert ("The metadata's own `sector` column is kept in `documents.csv` but not used here: these sectors are "
            "the ones the codebook's rules find in each sentence") in findings.sector_note(study, documents)
    bare = coding.Codebook.model_validate(_MINCODE)
    assert "sectors would come from the codebook's rules" in findings.sector_note(bare, documents)
    # an empty column says nothing, nor does metadata without one
    assert "metadata" not in findings.sector_note(study, documents.assign(sector=""))
    assert "metadata" not in findings.sector_note(study, documents.drop(columns="sector"))


def test_a_document_without_text_is_named_where_documents_are_counted():
    """An empty raw file is a document (listed in the overview) with no sentence: every
    count drawn from the sentences leaves it out, and the note on the pages names it."""
    docs = pd.DataFrame({"doc_id": ["a", "b", "tom", "x-1"], "file": ["a.txt", "b.txt", "tom.txt", "x.txt"]})
    segments = pd.DataFrame({"doc_id": ["a", "b", "b"], "file": ["a.txt", "b.txt", "b.txt"]})
    assert textless(docs, segments).values.tolist() == [["tom", "tom.txt"], ["x-1", "x.txt"]]
    assert textless_note(docs, segments) == (
        "2 of the 4 documents have text; tom.txt, x-1 (x.txt) have none after cleaning (so no sentences), "
        "and every count of documents below leaves them out.")
    assert textless_note(docs[docs["doc_id"] != "x-1"], segments).startswith(
        "2 of the 3 documents have text; tom.txt has none")
    assert textless_note(docs.iloc[:2], segments) == ""
    # the findings page draws the timeline, whose label counts them as not shown: the note says so
    assert textless_note(docs, segments, timeline=True).endswith(
        "and every count of documents below leaves them out, except the timeline's, which counts them among "
        "the documents it does not show.")
    assert textless_note(docs.iloc[:2], segments, timeline=True) == ""
    # a diary split into entries: the file's row holds its entries, it is no document without text
    diary = pd.DataFrame({"doc_id": ["d", "d/1", "d/2"], "file": ["d.txt"] * 3, "parent": ["", "d", "d"]})
    assert textless_note(diary, pd.DataFrame({"doc_id": ["d/1", "d/2"], "file": ["d.txt"] * 2})) == ""


def test_rq3_names_a_voice_with_no_coded_sentence_instead_of_dropping_it():
    """The reviewer's case: RQ3 said "5 of 6 voices" after a figure of 7, since a voice
    whose documents carry no code was left out of the text without a word."""
    freq = pd.DataFrame({"voice": ["chair"] * 2 + ["mute"] * 2 + ["team"] * 2,
                         "code": ["P_DETAIL", "R_TRUST"] * 3, "family": ["P", "R"] * 3,
                         "sentences": [3, 1, 0, 0, 1, 3], "words": [100] * 6,
                         "per_1000": [30.0, 10.0, 0.0, 0.0, 10.0, 30.0], "n_documents": [1, 1, 2, 2, 1, 1],
                         "coded_sentences": [4, 4, 0, 0, 4, 4]})
    rows, silent = findings.group_profiles(freq)
    assert silent == ["mute"]
    assert [(v, n, share) for v, n, share, _ in rows] == [("chair", 1, 0.75), ("team", 1, 0.25)]
    assert rows[0][3]["code"].tolist() == ["P_DETAIL"] and rows[1][3]["code"].tolist() == ["R_TRUST"]  # 3: above SMALL_N
    assert findings.group_profiles(freq[freq["voice"] != "mute"])[1] == []
    # in the table's order (theme_frequencies': case-insensitive), as the figure shows them, not "Team" before "chair"
    upper = freq.assign(voice=freq["voice"].replace({"team": "Team"}))
    assert [v for v, *_ in findings.group_profiles(upper)[0]] == ["chair", "Team"]


def test_the_voices_findings_say_how_many_coded_sentences_stand_in_turns():
    """The reviewer's interview: the interviewer's questions counted for the interviewee's
    voice without a word. The turn's text is still coded and counted for the document's
    voice (the label says who speaks, not whose voice it is), and the findings say so."""
    from helpers import clean, coding

    text = ("Intervju med en enhetschef\n\n"
            "Intervjuare: Hur ser ni på detaljstyrningen?\n"
            "IP: Detaljstyrningen tar tid från brukarna. Vi vill ha mer tillit.\n\n"
            "Vi avslutade med kaffe och tillit.\n")
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    seg = pd.DataFrame(sentences).assign(doc_id="a")
    coded = coding.code_segments(seg, coding.load_codebook())[0]
    in_turns = {text.index(t) for t in ("Hur ser ni", "Detaljstyrningen tar", "Vi vill ha")}
    assert in_turns <= set(coded["start"])  # coded, and the labels not
    total = coded.drop_duplicates("start").shape[0]
    assert findings.turns_note(coded, seg) == (
        f"3 of the {total} coded sentences stand in turns of an interview or a dialogue, after a speaker's label "
        "such as \"IP:\" (1 document); each counts for its document's voice whoever speaks, an interviewer's "
        "questions too, since study.yaml gives no voice to the labels \"IP\", \"Intervjuare\": add them under "
        "turns: with their voices to count each turn for its speaker.")
    assert findings.turns_note(coded, seg.assign(kind="paragraph")) == ""  # no turns: nothing to say
    assert findings.turns_note(coded, seg.drop(columns="kind")) == ""


def test_a_debate_speech_is_no_turn_of_an_interview():
    """The reviewer's Riksdag record: the speech after "Anf. 12 … (S):" in the same block was
    counted as turns of an interview. Only sentences after a label that structure.turn split
    off count; a debate's speaker line is a speaker sentence, but no turn's label."""
    from helpers import clean, structure

    text = ("Anf. 12 MARGOT WALLSTRÖM (s):\nHerr talman! Bostadsbristen är stor. Vi måste bygga mer.\n\n"
            "IP: Detaljstyrningen tar tid.\nIntervjuare: Hur då?\n")
    sentences, _ = clean.segment(text, "d.txt", clean.load_rules())
    seg = pd.DataFrame(sentences).assign(doc_id="d")
    coded = seg[seg["kind"] == "paragraph"].assign(code="P_X")
    assert [s["text"] for s in sentences if s["kind"] == "speaker"] == ["Anf. 12 MARGOT WALLSTRÖM (s):", "IP:",
                                                                        "Intervjuare:"]
    assert findings.turns_note(coded, seg).startswith("2 of the 5 coded sentences stand in turns")
    # voices are compared without a voice column only when turns: gives a turn that is here a voice
    assert findings.voices_in_turns(seg, {"ip.": "practitioner"})
    assert not findings.voices_in_turns(seg, {"INTERVJUARE –": "interviewer"}) and not findings.voices_in_turns(seg, {})
    # turns: given for a transcript whose labels the cue does not read: the note says so all the same
    debate_only = coded[coded["paragraph"] == 0]
    assert findings.turns_note(debate_only, seg, {"Intervjuare": "interviewer"}) == ""  # "Intervjuare" labels a turn
    assert findings.turns_note(debate_only, seg, {"INTERVJUARE –": "interviewer"}) == (
        "study.yaml's turns: gives a voice to 1 label that no turn here has: \"INTERVJUARE –\".")
    assert findings.turns_note(coded.iloc[:0], seg, {"Moderator": "m"}).endswith('no turn here has: "Moderator".')
    one = coded[coded["start"] == coded["start"].max()]  # a single coded sentence, in a turn
    assert findings.turns_note(one, seg).startswith("1 of the 1 coded sentence stands in turns")
    debate = seg[seg["paragraph"] == 0]
    assert findings.turns_note(coded[coded["paragraph"] == 0], debate) == ""
    assert [structure.is_turn_label(t) for t in ("IP:", "Anna Svensson:", "Anf. 12 MARGOT WALLSTRÖM (s):",
                                                 "Anf. 3 TALMANNEN:", "Emma Svensson (MP)")] == [
        True, True, False, False, False]


def test_rq3s_floor_counts_a_sentence_with_two_themes_once():
    """The reviewer's case: the floor summed sentences over codes, so two sentences with two
    themes each passed "more than 2 coded sentences" as four. It counts distinct sentences."""
    from helpers import coding

    cb = coding.load_codebook()
    seg = pd.DataFrame({"file": ["a.txt"] * 3, "doc_id": ["a"] * 3, "paragraph": [0, 0, 0], "sentence": [0, 1, 2],
                        "start": [0, 10, 20], "end": [9, 19, 29], "text": ["x"] * 3, "tokens": [5, 5, 5],
                        "sector": [""] * 3})
    coded = pd.DataFrame({"file": ["a.txt"] * 4, "doc_id": ["a"] * 4, "start": [0, 0, 10, 10],
                          "code": ["P_DETAIL", "R_TRUST", "P_ADMIN", "R_TRUST"]})
    docs = pd.DataFrame({"doc_id": ["a"], "file": ["a.txt"], "voice": ["chair"]})
    freq = findings.theme_frequencies(coded, seg, docs, cb, "voice")
    rows, silent = findings.group_profiles(freq)
    assert silent == [] and rows[0][2] is None  # two sentences: no share
    assert freq["sentences"].sum() == 4 and set(freq["coded_sentences"]) == {2}
    three = pd.concat([coded, coded.iloc[[0]].assign(start=20)])
    assert findings.group_profiles(findings.theme_frequencies(three, seg, docs, cb, "voice"))[0][0][2] == 3 / 5


# --------------------------------------------------------------------------- turns of an interview: whose voice

INTERVIEW = ("Intervju med en enhetschef\n\n"                       # title: 4 words
             "Intervjuare: Hur ser ni på detaljstyrningen?\n"       # 1 + 5 words, P_DETAIL
             "IP: Vi vill ha mer tillit.\n"                         # 1 + 5 words, R_TRUST
             "Intervjuare: Och dokumentationen, tar den tid?\n"     # 1 + 5 words, P_ADMIN
             "IP: Ja.\n\n"                                          # 1 + 1 words
             "Vi avslutade med kaffe och tillit.\n")                # 6 words, R_TRUST: in no turn


def _interview(corpus_factory, tmp_path, study: str | None):
    """The interview above as a corpus of its own (document voice "managers"), through the
    pipeline, with ``study`` as its study.yaml: its tables, codebook and study."""
    from helpers import corpus, pipeline

    root = corpus_factory({"a.txt": INTERVIEW}, metadata="file,doc_id,voice\na.txt,a,managers\n")
    if study is not None:
        (root / "study.yaml").write_text(study, encoding="utf-8")
    run = pipeline.Run.from_params(root, tmp_path / "out")
    seg, _ = pipeline.segments(run)
    return pipeline.coded(run), seg, pipeline.documents(run), coding.codebook_for(root), corpus.load_study(root)


def test_an_interviewers_questions_count_for_the_voice_study_yaml_gives_their_label(corpus_factory, tmp_path):
    """The reviewer's interview: the interviewer's questions counted for the interviewee's
    voice, the document's. With study.yaml's turns: they count for "interviewer", their
    words too (so the rates stay rates); the unmapped label "IP" keeps the document's voice."""
    coded, seg, docs, cb, study = _interview(corpus_factory, tmp_path, "turns:\n  intervjuare: interviewer\n")
    assert study["turns"] == {"intervjuare": "interviewer"}
    assert set(coded["code"]) == {"P_DETAIL", "P_ADMIN", "R_TRUST"}
    freq = findings.theme_frequencies(coded, seg, docs, cb, "voice", turns=study["turns"])
    assert list(dict.fromkeys(freq["voice"])) == ["interviewer", "managers"]
    asked = _cell(freq, "voice", "interviewer", "P_DETAIL")
    # the two questions: 10 words (their labels are not coded text, so no rate's words:
    # findings.rate_words); 1 sentence → 100 per 1,000
    assert (asked["sentences"], asked["words"], asked["n_documents"]) == (1, 10, 1)
    assert asked["per_1000"] == pytest.approx(1000 / 10)
    assert _cell(freq, "voice", "interviewer", "P_ADMIN")["sentences"] == 1
    assert _cell(freq, "voice", "interviewer", "R_TRUST")["sentences"] == 0
    answered = _cell(freq, "voice", "managers", "R_TRUST")  # the answers and the closing line: 5 + 1 + 6 words
    assert (answered["sentences"], answered["words"]) == (2, 12)
    assert _cell(freq, "voice", "managers", "P_DETAIL")["sentences"] == 0
    # every word counts for one voice, but the title's 4 and the four labels' 4
    assert freq.drop_duplicates("voice")["words"].sum() == seg["tokens"].sum() - 8 == 22
    voices = findings.segment_voices(seg, docs, study["turns"])
    assert voices[seg["text"] == "Hur ser ni på detaljstyrningen?"].tolist() == ["interviewer"]
    assert voices[seg["text"] == "Intervjuare:"].tolist() == ["interviewer"] * 2  # the label is the turn's
    assert findings.voices_with(coded, seg, docs, "P_DETAIL", study["turns"]) == ["interviewer"]
    assert findings.voices_with(coded, seg, docs, "R_TRUST", study["turns"]) == ["managers"]
    rows, silent = findings.group_profiles(freq)
    assert [r[0] for r in rows] == ["interviewer", "managers"] and silent == []
    # metadata without a voice: the mapped turns still have theirs, the rest is unknown
    assert set(findings.segment_voices(seg, docs.drop(columns="voice"), study["turns"])) == {"interviewer", "(unknown)"}
    # without the map, as before: every sentence is the document's
    plain = findings.theme_frequencies(coded, seg, docs, cb, "voice")
    assert list(dict.fromkeys(plain["voice"])) == ["managers"]
    assert _cell(plain, "voice", "managers", "P_DETAIL")[["sentences", "words"]].tolist() == [1, 22]
    assert findings.voices_with(coded, seg, docs, "P_DETAIL") == ["managers"]
    # the other groupings do not move
    for by in ("doc_id", "genre", "sector", "period"):
        pd.testing.assert_frame_equal(findings.theme_frequencies(coded, seg, docs, cb, by, turns=study["turns"]),
                                      findings.theme_frequencies(coded, seg, docs, cb, by))


def test_without_study_yaml_the_interview_counts_for_its_documents_voice(corpus_factory, tmp_path):
    coded, seg, docs, cb, study = _interview(corpus_factory, tmp_path, None)
    assert study == {}
    assert set(findings.segment_voices(seg, docs, study.get("turns"))) == {"managers"}
    assert findings.turn_labels(seg).tolist() == [None, "Intervjuare", "Intervjuare", "IP", "IP", "Intervjuare",
                                                  "Intervjuare", "IP", "IP", None]


def test_a_debate_speaker_line_ends_a_turn():
    """A turn runs up to the next speaker sentence in its paragraph: a debate record's speaker
    line ("Anf. 12 … (S):") is no turn's label, and the speech after it is in no turn."""
    seg = pd.DataFrame({
        "file": ["a.txt"] * 5, "doc_id": ["a"] * 5, "paragraph": [0] * 5, "sentence": range(5),
        "kind": ["speaker", "paragraph", "speaker", "paragraph", "paragraph"],
        "text": ["IP:", "Vi har för mycket dokumentation.", "Anf. 12 ANNA EK (C):", "Herr talman!",
                 "Styrningen är för detaljerad."]})
    assert findings.turn_labels(seg).tolist() == ["IP", "IP", None, None, None]


def test_turns_note_says_which_turns_counted_for_a_mapped_voice_and_which_labels_have_none(corpus_factory, tmp_path):
    coded, seg, docs, cb, _ = _interview(corpus_factory, tmp_path, None)
    lead = ("3 of the 4 coded sentences stand in turns of an interview or a dialogue, after a speaker's label such "
            "as \"IP:\" (1 document); ")
    assert findings.turns_note(coded, seg, {"INTERVJUARE": "interviewer"}) == lead + (
        "2 count for their label's voice in study.yaml (turns:), 1 still counts for its document's voice whoever "
        "speaks, since study.yaml gives no voice to the label \"IP\": add it under "
        "turns: with its voice to count each turn for its speaker.")  # not "an interviewer's questions too": theirs is given
    assert findings.turns_note(coded, seg, {"Intervjuare": "interviewer", "ip.": "manager", "Moderator": "x"}) == (
        lead + "each counts for the voice study.yaml gives its label (turns:). study.yaml's turns: gives a voice to "
        "1 label that no turn here has: \"Moderator\".")
    assert findings.turns_note(coded, seg, {}) == findings.turns_note(coded, seg) == lead + (
        "each counts for its document's voice whoever speaks, an interviewer's questions too, since study.yaml "
        "gives no voice to the labels \"Intervjuare\", \"IP\": add them under turns: with their voices to count "
        "each turn for its speaker.")
    # the review's cases: a label written two ways is one label, named once (as most of its turns write it),
    # so that adding it under turns: as named is accepted; and a mapped interviewer whose questions carry no
    # code does not have "an interviewer's questions too" said of the others' turns
    two_ways = ("Anna: Vi hinner inte träffa brukarna.\nBo: Varför inte?\nANNA: Dokumentationen tar all tid.\n"
                "Bo: Och sedan?\nAnna: Vi vill ha mer tillit.\n")
    sentences, _ = clean.segment(two_ways, "c.txt", clean.load_rules())
    dialogue = pd.DataFrame(sentences).assign(doc_id="c")
    said = dialogue[(dialogue["kind"] == "paragraph") & dialogue["text"].str.startswith(("Vi", "Dokumentationen"))]
    assert len(said) == 3
    note = findings.turns_note(said.assign(code="P_ADMIN"), dialogue, {"Bo": "interviewer"})
    assert note.endswith('since study.yaml gives no voice to the label "Anna": add it under turns: with its voice to '
                         "count each turn for its speaker.")
    assert "an interviewer's questions too" not in note  # Bo's turns have a voice, though none is coded
    assert "an interviewer's questions too" in findings.turns_note(said.assign(code="P_ADMIN"), dialogue, {})
    # a number is part of the label: "IP 2" is not "IP"; seven labels unmapped: five named, the most frequent first
    text = "".join(f"IP {n}: Vi vill ha mer tillit.\n" * (2 if n == 7 else 1) for n in range(1, 8))
    sentences, _ = clean.segment(text, "b.txt", clean.load_rules())
    many = pd.DataFrame(sentences).assign(doc_id="b")
    note = findings.turns_note(many[many["kind"] == "paragraph"].assign(code="R_TRUST"), many, {"IP": "x"})
    assert note.startswith("8 of the 8 coded sentences stand in turns")
    assert ("since study.yaml gives no voice to the labels \"IP 7\", \"IP 1\", \"IP 2\", \"IP 3\", \"IP 4\" and 2 more:"
            in note)
    assert note.endswith("study.yaml's turns: gives a voice to 1 label that no turn here has: \"IP\".")


def test_the_findings_notebook_counts_an_interviewers_questions_for_the_interviewer(corpus_factory, tmp_path):
    """End to end: notebook 04 on the interview, with study.yaml's turns: RQ1 and RQ3 name the
    interviewer's voice, and the note on turns says what counted for it (and what did not)."""
    from helpers import report

    # b.txt's voice is a's written another way: named, not merged; c.txt is a title and a heading, no text
    # the codebook codes: its rates are empty, and named
    # d.txt has no row in the metadata, so no voice: a group of its own, named as such and counted as no voice
    root = corpus_factory({"a.txt": INTERVIEW, "b.txt": "Vi vill ha mer tillit i styrningen.\n",
                           "c.txt": "Tillit i styrningen\n\nVad betyder tillit\n",
                           "d.txt": "Hur ser ni på detaljstyrningen, och på tilliten?\n"},
                          metadata="file,doc_id,voice\na.txt,a,managers\nb.txt,b,Managers\nc.txt,c,managers\n")
    (root / "study.yaml").write_text("turns:\n  Intervjuare: <i>interviewer</i>\n", encoding="utf-8")
    nb_path = next(p for p in report.notebooks() if p.stem == "04_findings")
    nb = report.execute(nb_path, str(root), str(tmp_path / "out"), tmp_path / "04.ipynb")
    shown = "\n".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    voice = "&lt;i&gt;interviewer&lt;/i&gt;"  # data, escaped: never markup
    rq1 = next(line for line in shown.splitlines() if line.startswith("**RQ1."))
    assert f"from 1 of 3 voices: {voice} and documents with no voice)" in rq1  # (unknown), d, is no voice
    rq3 = next(line for line in shown.splitlines() if line.startswith("**RQ3."))
    assert f"{voice} (1 document): " in rq3 and "managers (2 documents): " in rq3  # a and c
    assert "(unknown) is no voice: it gathers what the document with no voice in the metadata says" in rq3
    assert "The (unknown) write" not in rq3
    assert ('1 voice is written in more than one way, differing only in case or spacing: "Managers" and '
            '"managers".') in rq3
    assert ("2 count for their label's voice in study.yaml (turns:), 1 still counts for its document's voice "
            "whoever speaks") in rq3
    assert "<i>" not in shown, rq3
    assert ("c has no words of the text the codebook codes (only heading and title lines, which the codebook does "
            "not code), so its rates per 1,000 words are empty.") in shown


def test_documents_without_a_voice_are_said_to_be_no_voice():
    freq = pd.DataFrame({"voice": ["managers", findings.UNKNOWN, findings.UNKNOWN], "code": ["P_A", "P_A", "P_B"],
                         "n_documents": [2, 3, 3]})
    assert findings.unknown_voice_note(freq) == (
        "(unknown) is no voice: it gathers what the 3 documents with no voice in the metadata say (outside a turn "
        "whose label study.yaml gives a voice), counted as one group; give each a voice in the metadata to tell them "
        "apart.")
    assert findings.unknown_voice_note(freq.assign(n_documents=1)) == (
        "(unknown) is no voice: it gathers what the document with no voice in the metadata says (outside a turn "
        "whose label study.yaml gives a voice), counted as one group; give it a voice in the metadata.")
    assert findings.unknown_voice_note(freq[freq["voice"] == "managers"]) == ""
    assert findings.unknown_voice_note(freq.rename(columns={"voice": "period"})) == ""


def test_a_rate_per_1000_words_counts_the_words_of_the_text_the_codebook_codes(corpus_factory, tmp_path):
    """The last note's gap: a turn's label ("Intervjuare:") and a title added their words to
    every rate's "per 1,000 words", though no code can be found in them (the codebook's
    skip_kinds), so a transcript's short questions counted up to a third more words than
    they have. Every rate takes its words from findings.rate_words: the document's table of
    rates as the voices'."""
    coded, seg, docs, cb, _ = _interview(corpus_factory, tmp_path, None)
    words = findings.rate_words(seg, cb)
    assert words[seg["kind"].isin(cb.skip_kinds)].eq(0).all() and seg["kind"].isin(cb.skip_kinds).sum() == 5
    assert words.sum() == 22 and seg["tokens"].sum() == 30
    table = findings.code_by_document(coded, seg, cb)
    rates = findings.per_thousand_words(table, seg, cb)
    assert rates.loc["R_TRUST", "a"] == round(2 / 22 * 1000, 1)
    freq = findings.theme_frequencies(coded, seg, docs, cb, "doc_id")
    assert _cell(freq, "doc_id", "a", "R_TRUST")["per_1000"] == pytest.approx(2 / 22 * 1000)
    # a codebook that codes every kind counts every word
    every = cb.model_copy(update={"skip_kinds": []})
    assert findings.rate_words(seg, every).sum() == 30


def test_a_document_with_no_words_the_codebook_codes_is_named_beside_its_empty_rates():
    """A document of a title and headings only has sentences but no word a rate counts
    (findings.rate_words): its rates per 1,000 words are empty cells, which the page left
    unexplained. findings.rateless_note names it; a corpus without one gets no line."""
    seg = pd.DataFrame({"doc_id": ["a", "a", "b", "b", "c"], "kind": ["title", "paragraph", "title", "heading",
                                                                     "heading"],
                        "tokens": [3, 10, 4, 2, 5], "file": ["a.txt", "a.txt", "b.txt", "b.txt", "c.txt"]})
    cb = coding.load_codebook()
    assert set(cb.skip_kinds) >= {"title", "heading"}
    table = pd.DataFrame({"a": [1], "b": [0], "c": [0]}, index=["R_TRUST"])
    rates = findings.per_thousand_words(table, seg, cb)
    assert rates.loc["R_TRUST", "a"] == 100.0 and rates.loc["R_TRUST", ["b", "c"]].isna().all()
    assert findings.rateless_note(seg, cb) == ("b, c have no words of the text the codebook codes (only heading and "
                                               "title lines, which the codebook does not code), so their rates per "
                                               "1,000 words are empty.")
    assert findings.rateless_note(seg[seg["doc_id"] != "c"], cb).startswith("b has no words")
    assert findings.rateless_note(seg[seg["doc_id"] == "a"], cb) == ""


def test_voices_written_two_ways_are_named_not_merged():
    """Found running a report on 300 Riksdag interpellations with the party as the voice:
    the records write "KD" and "kd", "M" and "m", and the findings compared them as
    different voices without a word. They stay apart (whether they are one voice is the
    researcher's to say) but the findings name them and say what to do."""
    note = findings.variants_note(["KD", "kd", "M", "m ", "S", "C", "c", "(unknown)"])
    assert note == ('3 voices are written in more than one way, differing only in case or spacing: '
                    '"C" and "c"; "KD" and "kd"; "M" and "m ". Each way counts as a voice of its own here; if they '
                    "are one voice, write them alike (in metadata.csv, or in study.yaml's turns: for a turn's voice).")
    assert findings.variants_note(["KD", "S", "Anna Svensson"]) == ""
    many = findings.variants_note([w for p in "ABCDEFG" for w in (p, p.lower())], "genre")
    assert many.startswith("7 genres are written in more than one way") and '"E" and "e" and 2 more.' in many
    assert many.endswith("write them alike in metadata.csv.")  # a genre comes from nowhere else


def test_quotes_are_cited_with_the_date_as_figures_and_the_drill_down_give_it():
    """The reader review's case: the findings' prose and quote table cited
    "tillit-diary/gislaved, 2017-02-01" and "raw 3178–3248" where the drill-down says
    "2017-02-01 (inferred)" and "characters … of the raw file"."""
    quotes = pd.DataFrame({"doc_id": ["d/gislaved", "e"], "date": ["2017-02-01", ""], "date_inferred": [True, False],
                           "start": [3178, 5], "end": [3248, 9]})
    assert findings.dated(quotes)["date"].tolist() == ["2017-02-01 (inferred)", "undated"]
    assert findings.dated(quotes)["start"].tolist() == [3178, 5]  # the rest as it was
    assert findings.citation(quotes.iloc[0]) == "d/gislaved, 2017-02-01 (inferred), characters 3178–3248"
    assert findings.citation(quotes.iloc[1]) == "e, undated, characters 5–9"
    # as read from CSV: "false" is no inference, a missing date is undated, offsets whole numbers
    read = quotes.assign(date=["2017-02-01", float("nan")], date_inferred=["false", "true"], start=[3178.0, 5.0])
    assert findings.dated(read)["date"].tolist() == ["2017-02-01", "undated"]
    assert findings.citation(read.iloc[0]) == "d/gislaved, 2017-02-01, characters 3178–3248"


def test_a_rate_table_marks_the_rates_that_rest_on_one_or_two_sentences(toy):
    """The reader review's case: a table of rates showed R_CITIZEN at 40.0 per 1,000 words in a
    diary entry from one sentence, unmarked, where the figure hatches it. The table marks it."""
    coded, segments, documents, codebook = toy
    freq = findings.theme_frequencies(coded, segments, documents, codebook, by="doc_id")
    counts, shown = findings.code_by_group(freq, "sentences"), findings.rates_by_group(freq)
    rates = findings.code_by_group(freq, "per_1000").round(1)
    for code in counts.index:
        for doc in counts.columns:
            n, cell = counts.loc[code, doc], shown.loc[code, doc]
            if 0 < n <= findings.SMALL_N:
                assert cell == f"{rates.loc[code, doc]:.1f} {findings.SMALL_N_MARK}"
            else:
                assert cell == rates.loc[code, doc]  # a rate of more sentences, or a zero, as it was
    marked = findings.mark_small(pd.DataFrame({"d": [40.0, 8.0, 0.0, float("nan")]}),
                                 pd.DataFrame({"d": [1, 3, 0, 1]}))
    assert marked["d"].tolist()[:3] == [f"40.0 {findings.SMALL_N_MARK}", 8.0, 0.0]
    assert pd.isna(marked["d"].iloc[3])  # no rate (a document of titles only): nothing to mark


def test_the_context_attributes_are_counted_both_sectors_and_actors():
    """Notebook 02's "Context: sectors and actors" counted sectors only. Each value of both,
    a sentence naming several counted once for each, no actor counted as "(none)"."""
    segments = pd.DataFrame({"sector": ["school; social_services", "general", "school"],
                             "actors": ["citizens; professionals", "", "citizens"]})
    got = findings.attribute_counts(segments)["sentences"].to_dict()
    assert got == {("sector", "general"): 1, ("sector", "school"): 2, ("sector", "social_services"): 1,
                   ("actors", findings.NO_ACTOR): 1, ("actors", "citizens"): 2, ("actors", "professionals"): 1}
    assert list(dict.fromkeys(a for a, _ in got)) == ["sector", "actors"]
