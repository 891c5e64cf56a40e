"""Tests of helpers.findings: small hand-made tables with answers worked out by hand (in
the comments), then a smoke test of every figure on the seed corpus."""

from __future__ import annotations

import math
import re
from io import BytesIO

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers import clean, findings, tables
from helpers.coding import Code, Codebook

# --------------------------------------------------------------------------- toy data


def _code(cid: str, family: str, name: str) -> Code:
    return Code(id=cid, family=family, name_sv=name, name_en=name, colour="#000000",
                definition="d", use_when="u", terms=["x"])


@pytest.fixture
def codebook() -> Codebook:
    # R_THREE is never coded: its lift cannot be computed and its counts are all zero.
    return Codebook(name="toy", version=1, codes=[
        _code("P_ONE", "P", "problem one"), _code("P_TWO", "P", "problem two"),
        _code("R_ONE", "R", "remedy one"), _code("R_TWO", "R", "remedy two"),
        _code("R_THREE", "R", "remedy three"),
    ])


SEG_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text", "tokens", "sector", "actors"]


@pytest.fixture
def segments() -> pd.DataFrame:
    # Two documents: d1 (a.txt, 50 words, paragraphs 0 and 1) and d2 (b.txt, 60 words).
    rows = [
        ("a.txt", "d1", 0, 0, 0, 40, "Första meningen.", 10, "school", ""),                      # s1
        ("a.txt", "d1", 0, 1, 50, 110, "Andra meningen.", 20, "school; social_services", ""),    # s2
        ("a.txt", "d1", 1, 0, 120, 150, "<script>alert(1)</script> & co", 10, "general", ""),   # s3
        ("a.txt", "d1", 1, 1, 160, 190, "Fjärde meningen.", 10, "general", ""),                 # s6
        ("b.txt", "d2", 0, 0, 0, 80, "Femte meningen.", 30, "social_services", ""),             # s4
        ("b.txt", "d2", 1, 0, 100, 180, "Sjätte meningen.", 30, "general", ""),                 # s5
    ]
    return pd.DataFrame(rows, columns=SEG_COLUMNS)


@pytest.fixture
def coded() -> pd.DataFrame:
    def row(file, doc, par, sen, start, end, code, rules="x", matched="x"):
        return {"file": file, "doc_id": doc, "paragraph": par, "sentence": sen, "start": start,
                "end": end, "code": code, "rules": rules, "matched": matched}
    return pd.DataFrame([
        row("a.txt", "d1", 0, 0, 0, 40, "P_ONE", "a; b", "x; y"),    # s1: P_ONE, R_ONE
        row("a.txt", "d1", 0, 0, 0, 40, "R_ONE"),
        row("a.txt", "d1", 0, 1, 50, 110, "P_ONE", "a; b", "x; y"),  # s2: P_ONE
        row("a.txt", "d1", 1, 0, 120, 150, "R_ONE"),                 # s3: R_ONE, R_TWO
        row("a.txt", "d1", 1, 0, 120, 150, "R_TWO"),
        row("a.txt", "d1", 1, 1, 160, 190, "P_ONE"),                 # s6: P_ONE
        row("b.txt", "d2", 0, 0, 0, 80, "P_TWO"),                    # s4: P_TWO, R_ONE
        row("b.txt", "d2", 0, 0, 0, 80, "R_ONE"),
        row("b.txt", "d2", 1, 0, 100, 180, "P_ONE", "a", "x"),       # s5: P_ONE
    ])


@pytest.fixture
def documents() -> pd.DataFrame:
    # "p" is a file-level parent row without segments of its own: it must not appear.
    return pd.DataFrame([
        {"doc_id": "d1", "file": "a.txt", "parent": "", "date": "2016-12-21", "date_precision": "day",
         "date_inferred": "false", "voice": "consultants", "genre": "blog"},
        {"doc_id": "d2", "file": "b.txt", "parent": "", "date": "2015", "date_precision": "year",
         "date_inferred": "true", "voice": "", "genre": "blog"},
        {"doc_id": "p", "file": "c.txt", "parent": "", "date": "2016-10-10/2017-04-21",
         "date_precision": "interval", "date_inferred": "true", "voice": "other", "genre": "diary"},
    ])


def _cell(table: pd.DataFrame, by: str, group: str, code: str) -> pd.Series:
    hit = table[(table[by] == group) & (table["code"] == code)]
    assert len(hit) == 1
    return hit.iloc[0]


# --------------------------------------------------------------------------- 1. frequencies


def test_theme_frequencies_by_document(coded, segments, documents, codebook):
    t = findings.theme_frequencies(coded, segments, documents, codebook, "doc_id")
    assert list(t.columns) == ["doc_id", "code", "family", "sentences", "words", "per_1000", "n_documents"]
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


def test_theme_frequencies_by_genre_and_voice(coded, segments, documents, codebook):
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


def test_theme_frequencies_by_sector_counts_each_sector(coded, segments, documents, codebook):
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


def test_theme_frequencies_rejects_unknown_grouping(coded, segments, documents, codebook):
    with pytest.raises(ValueError, match="by must be"):
        findings.theme_frequencies(coded, segments, documents, codebook, "author")


def test_frequency_bars_labels_groups_with_n(coded, segments, documents, codebook):
    t = findings.theme_frequencies(coded, segments, documents, codebook, "genre")
    fig = findings.frequency_bars(t, codebook, "Themes by genre")
    assert isinstance(fig, Figure)
    titles = [ax.get_title("left") for ax in fig.axes if ax.get_visible()]
    assert titles == ["blog\n(n = 2 docs, 110 words)"]
    assert "per 1,000 words" in fig.axes[0].get_xlabel()


# --------------------------------------------------------------------------- 2. timeline


def test_date_range():
    ts = pd.Timestamp
    assert findings.date_range("2015") == (ts(2015, 1, 1), ts(2015, 12, 31))
    assert findings.date_range("2016-02") == (ts(2016, 2, 1), ts(2016, 2, 29))
    assert findings.date_range("2016-12-21") == (ts(2016, 12, 21), ts(2016, 12, 21))
    assert findings.date_range("2016-10-10/2017-04") == (ts(2016, 10, 10), ts(2017, 4, 30))
    assert all(pd.isna(v) for v in findings.date_range(""))


def test_timeline(coded, segments, documents, codebook):
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
    fig = findings.timeline_figure(t, codebook)
    labels = [tx.get_text() for ax in fig.axes for tx in ax.get_xticklabels()]
    assert "d2 · 2015 (inferred)" in labels
    legend = [tx.get_text() for lg in fig.legends for tx in lg.get_texts()]
    assert any("interval" in s for s in legend) and any("inferred" in s for s in legend)


# --------------------------------------------------------------------------- 3. co-occurrence


def test_cooccurrence_sentences(coded, segments, codebook):
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


def test_cooccurrence_paragraphs(coded, segments, codebook):
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


def test_cooccurrence_graph_threshold(coded, segments, codebook):
    t = findings.cooccurrence(coded, segments, codebook, "sentence")
    g = findings.cooccurrence_graph(t, codebook, "jaccard", threshold=0.2)
    assert list(g.nodes) == codebook.ids
    # Jaccard 1/6 (P_ONE–R_ONE) is below 0.2; 1/3 (P_TWO–R_ONE) is kept
    assert list(g.edges) == [("P_TWO", "R_ONE")]
    assert g.edges["P_TWO", "R_ONE"]["weight"] == pytest.approx(1 / 3)
    assert g.nodes["P_ONE"]["units"] == 4 and g.nodes["P_ONE"]["family"] == "P"
    fig = findings.cooccurrence_network(t, codebook, threshold=0.2)
    assert "Jaccard" in fig.axes[0].get_xlabel()
    fig = findings.cooccurrence_heatmap(t, codebook, "lift")
    texts = [tx.get_text() for tx in fig.axes[0].texts]
    assert "2.0\n(1)" in texts and "–" in texts  # P_TWO–R_ONE lift 2 from 1 sentence; R_THREE undefined


# --------------------------------------------------------------------------- 4. concordance

RAW = "Vi  har tillit.\nTilliten växer i\u00a0kommunen."
#      0123456789012345 6789...
#      "tillit" is raw[8:14]; the second sentence starts at 16, "Tilliten" is raw[16:24]


def _toy_tokens(raw: str, sentences: list[tuple[int, int, str]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    lemmas = {"tilliten": "tillit", "växer": "växa", "kommunen": "kommun"}
    seg, tok = [], []
    for n, (s, e, doc) in enumerate(sentences):
        seg.append(("r.txt", doc, n, 0, s, e, clean.normalise(raw[s:e]), 0, "general", ""))
        for ts, te, t in clean.token_spans(raw, s, e):
            low = t.lower()
            tok.append(("r.txt", doc, n, 0, ts, te, t, lemmas.get(low, low), low in {"vi", "har", "i"}))
    tokens = pd.DataFrame(tok, columns=["file", "doc_id", "paragraph", "sentence", "start", "end", "token",
                                        "lemma", "stop"])
    return pd.DataFrame(seg, columns=SEG_COLUMNS), tokens


def test_concordance_offsets_point_at_the_keyword():
    segments, tokens = _toy_tokens(RAW, [(0, 15, "d"), (16, len(RAW), "d")])
    kwic = findings.concordance(segments, tokens, "tillit", width=8)
    assert list(kwic.columns) == findings.KWIC_COLUMNS
    # the form "tillit" and the lemma of "Tilliten"
    assert list(kwic["start"]) == [8, 16] and list(kwic["end"]) == [14, 24]
    assert [RAW[s:e] for s, e in zip(kwic["start"], kwic["end"])] == ["tillit", "Tilliten"]
    # context comes from the cleaned text "Vi har tillit. Tilliten växer i kommunen."
    assert kwic.iloc[0][["left", "keyword", "right"]].tolist() == ["Vi har ", "tillit", ". Tillit"]
    assert kwic.iloc[1][["left", "keyword", "right"]].tolist() == ["tillit. ", "Tilliten", " växer i"]
    assert list(findings.concordance(segments, tokens, "kommun*", width=5)["keyword"]) == ["kommunen"]
    assert findings.concordance(segments, tokens, "saknas").empty


def test_concordance_context_stays_in_its_document():
    segments, tokens = _toy_tokens(RAW, [(0, 15, "d1"), (16, len(RAW), "d2")])
    kwic = findings.concordance(segments, tokens, "tilliten", width=8)
    assert kwic.iloc[0][["doc_id", "left"]].tolist() == ["d2", ""]


def test_theme_concordance(codebook):
    segments, tokens = _toy_tokens(RAW, [(0, 15, "d"), (16, len(RAW), "d")])
    coded = pd.DataFrame([
        {"file": "r.txt", "doc_id": "d", "paragraph": 1, "sentence": 0, "start": 16, "end": len(RAW),
         "code": "R_ONE", "rules": "tillit*; växa i", "matched": "Tilliten; växer … i"},
        {"file": "r.txt", "doc_id": "d", "paragraph": 1, "sentence": 0, "start": 16, "end": len(RAW),
         "code": "P_ONE", "rules": "växa i", "matched": "växer i"},
    ])
    kwic = findings.theme_concordance(coded, segments, codebook, None, 6, tokens=tokens)
    # codebook order: P_ONE first; the phrase "växer i" spans raw[25:32]
    assert kwic[["code", "matched", "start", "end"]].values.tolist() == [
        ["P_ONE", "växer i", 25, 32],
        ["R_ONE", "tilliten", 16, 24], ["R_ONE", "växer", 25, 30], ["R_ONE", "i", 31, 32]]
    assert RAW[25:32] == "växer i"
    assert kwic.iloc[0][["left", "keyword", "right"]].tolist() == ["liten ", "växer i", " kommu"]
    only = findings.theme_concordance(coded, segments, codebook, "P_ONE", 6, tokens=tokens)
    assert list(only["code"]) == ["P_ONE"]
    with pytest.raises(ValueError):
        findings.theme_concordance(coded, segments, codebook, "NOPE", tokens=tokens)


# --------------------------------------------------------------------------- 5. quotes


def test_representative_quotes(coded, segments, documents, codebook):
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


# --------------------------------------------------------------------------- 6. keyness


def _word_tokens(words: list[str], stop: set[str] = frozenset()) -> pd.DataFrame:
    return pd.DataFrame([{"file": "k.txt", "doc_id": "k", "paragraph": 0, "sentence": 0, "start": 10 * i,
                          "end": 10 * i + len(w), "token": w, "lemma": w.lower(), "stop": w in stop}
                         for i, w in enumerate(words)])


def test_log_likelihood_by_hand():
    # a = 3 of c = 10 corpus tokens; b = 10 of d = 1000 reference tokens. N = 1010.
    # E = [10*13/1010, 10*997/1010, 1000*13/1010, 1000*997/1010]
    #   = [0.128713, 9.871287, 12.871287, 987.128713]
    # G² = 2 [3 ln(3/0.128713) + 7 ln(7/9.871287) + 10 ln(10/12.871287) + 990 ln(990/987.128713)]
    #    = 2 [9.44568 - 2.40658 - 2.52414 + 2.87569] = 14.78326
    assert findings.log_likelihood(3, 10, 10, 1000) == pytest.approx(14.783258518618334)
    assert findings.log_likelihood(2, 10, 200, 1000) == pytest.approx(0.0, abs=1e-9)  # same rate


def test_keyness_by_hand():
    words = ["tillit"] * 3 + ["och"] * 2 + ["2016"] + ["kommun"] * 2 + ["Vi", "vi"]
    tokens = _word_tokens(words, stop={"och"})
    ref = {"tillit": 0.01, "kommun": 0.2, "vi": 0.5}
    t = findings.keyness(tokens, reference=ref, min_count=2, reference_size=1000)
    assert list(t.columns) == ["word", "count", "per_1000", "ref_per_1000", "G2", "ratio"]
    # "och" is a stop word, "2016" a number; c = 10 tokens all the same
    assert list(t["word"]) == ["tillit", "kommun", "vi"]
    tillit = t.iloc[0]
    assert tillit["count"] == 3 and tillit["per_1000"] == pytest.approx(300.0)
    assert tillit["ref_per_1000"] == pytest.approx(10.0)
    assert tillit["G2"] == pytest.approx(14.783258518618334)  # as in test_log_likelihood_by_hand
    assert tillit["ratio"] == pytest.approx(30.0)  # (3 / 10) / 0.01
    assert t.iloc[1]["G2"] == pytest.approx(0.0, abs=1e-9) and t.iloc[1]["ratio"] == pytest.approx(1.0)
    # "vi" (Vi + vi = 2 of 10 = 0.2 against 0.5): rarer than in the reference, so G² < 0
    # a = 2, b = 500, E = [4.970297, 5.029703, 497.029703, 502.970297] → G² = 3.81925
    assert t.iloc[2]["G2"] == pytest.approx(-3.819251366428287)


def test_keyness_missing_words_get_the_floor_and_ties_sort_by_word():
    tokens = _word_tokens(["beta", "alfa", "beta", "alfa"])
    t = findings.keyness(tokens, reference={}, min_count=1)
    assert list(t["word"]) == ["alfa", "beta"]  # same G², alphabetical
    assert t["ref_per_1000"].tolist() == pytest.approx([findings.REFERENCE_FLOOR * 1000] * 2)


def test_keyness_against_wordfreq_ships_its_data():
    import wordfreq

    assert wordfreq.word_frequency("och", "sv") > 0.01  # the Swedish list ships with the package
    tokens = _word_tokens(["tillitsdelegationen"] * 3 + ["och"] * 3 + ["är"] * 3)
    t = findings.keyness(tokens)
    assert t.iloc[0]["word"] == "tillitsdelegationen" and t.iloc[0]["G2"] > 10
    with pytest.raises(ValueError):
        findings.keyness(tokens, by="stem")


def test_keyness_by_lemma_sums_forms():
    words = ["kommunen", "kommuner", "kommun", "x"]
    tokens = _word_tokens(words).assign(lemma=["kommun", "kommun", "kommun", "x"])
    t = findings.keyness(tokens, reference={"kommun": 0.001}, by="lemma", min_count=3)
    assert t[["word", "count"]].values.tolist() == [["kommun", 3]]


# --------------------------------------------------------------------------- 7. collocations


def _sentences_tokens(sentences: list[list[str]], stop: set[str]) -> pd.DataFrame:
    rows, pos = [], 0
    for n, words in enumerate(sentences):
        for w in words:
            rows.append({"file": "c.txt", "doc_id": "c", "paragraph": n, "sentence": 0, "start": pos,
                         "end": pos + len(w), "token": w, "lemma": w, "stop": w in stop})
            pos += len(w) + 1
    return pd.DataFrame(rows)


def test_collocations_by_hand():
    tokens = _sentences_tokens([["sociala", "investeringsfonder", "och", "kommunen"],
                                ["sociala", "investeringsfonder", "växer"],
                                ["kommunen", "och", "sociala"]], stop={"och"})
    t = findings.collocations(tokens, n=5, min_freq=2)
    # only (sociala, investeringsfonder) is seen twice; pairs with "och" are dropped and
    # "kommunen sociala" would span a sentence break (never counted).
    # 2 × 2 table over N = 10 words: n_ii = 2, sociala first elsewhere 1, investeringsfonder
    # second elsewhere 0, neither 7; E = [0.6, 1.4, 2.4, 5.6]
    # G² = 2 [2 ln(2/0.6) + 1 ln(1/2.4) + 7 ln(7/5.6)] = 6.18896
    assert t[["word1", "word2", "count"]].values.tolist() == [["sociala", "investeringsfonder", 2]]
    assert t.iloc[0]["G2"] == pytest.approx(6.188963460994882, rel=1e-5)
    every = findings.collocations(tokens, n=50, min_freq=1)
    assert ("och" not in set(every["word1"]) | set(every["word2"]))
    assert not ((every["word1"] == "kommunen") & (every["word2"] == "sociala")).any()
    order = every.sort_values(["G2", "word1", "word2"], ascending=[False, True, True])
    assert every.equals(order.reset_index(drop=True))


# --------------------------------------------------------------------------- 8. drill-down


def test_drilldown(coded, segments, documents, codebook):
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


def test_drilldown_html_escapes_corpus_text(coded, segments, documents, codebook):
    page = findings.drilldown_html(coded, segments, documents, codebook, id_prefix="dd")
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "<script" not in page and "alert(1)</script>" not in page
    assert "⚠ small n" in page
    # every link points at a section of the fragment
    links = set(re.findall(r'href="#([^"]+)"', page))
    ids = set(re.findall(r'id="([^"]+)"', page))
    assert links and links <= ids
    assert page.count("<details>") == 6  # one collapsible list of quotes per non-zero cell
    assert "2015 (inferred)" in page
    assert findings.drilldown_html(coded, segments, documents, codebook, id_prefix="dd") == page


def test_outputs_do_not_depend_on_row_order(coded, segments, documents, codebook):
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


# --------------------------------------------------------------------------- seed corpus


@pytest.fixture(scope="module")
def seed(tmp_path_factory):
    from helpers import coding, pipeline
    from helpers import corpus as corpus_mod

    run = pipeline.Run.from_params("corpus", tmp_path_factory.mktemp("out"))
    segments, _ = pipeline.segments(run)
    raw = {p.name: corpus_mod.read_raw(p).text for p in corpus_mod.list_raw_files(run.corpus)}
    return {"segments": segments, "coded": pipeline.coded(run), "documents": pipeline.documents(run),
            "tokens": pipeline.tokens(run), "codebook": coding.codebook_for(run.corpus), "raw": raw}


def _labelled(fig: Figure) -> bool:
    axes = [ax for ax in fig.axes if ax.get_visible()]
    return any(ax.get_xlabel() for ax in axes) and any(ax.get_ylabel() for ax in axes)


def test_every_figure_on_the_seed_corpus(seed):
    s, cb = seed, seed["codebook"]
    figures = {}
    for by in findings.GROUPINGS:
        freq = findings.theme_frequencies(s["coded"], s["segments"], s["documents"], cb, by)
        assert freq["n_documents"].min() >= 1
        figures[f"bars_{by}"] = findings.frequency_bars(freq, cb, f"Themes by {by}")
    figures["timeline"] = findings.timeline_figure(findings.timeline(s["coded"], s["segments"], s["documents"], cb), cb)
    for unit in findings.UNITS:
        cooc = findings.cooccurrence(s["coded"], s["segments"], cb, unit)
        for measure in findings.MEASURES:
            figures[f"heat_{unit}_{measure}"] = findings.cooccurrence_heatmap(cooc, cb, measure)
        figures[f"network_{unit}"] = findings.cooccurrence_network(cooc, cb)
    table = findings.code_by_document(s["coded"], s["segments"], cb)
    figures["heatmap"] = findings.heatmap(table, cb, "Coded sentences")
    for name, fig in figures.items():
        assert isinstance(fig, Figure), name
        if name.startswith("network"):
            assert fig.axes[0].get_xlabel(), name
        else:
            assert _labelled(fig), name
    for name in ("bars_sector", "timeline", "network_sentence"):
        figures[name].savefig(BytesIO(), format="png", dpi=60)  # renders without error
    # the diary's file-level parent has no segments and appears nowhere
    assert "tillit-diary" not in set(findings.timeline(s["coded"], s["segments"], s["documents"], cb)["doc_id"])


def test_seed_offsets_point_into_the_raw_files(seed):
    s, raw = seed, seed["raw"]
    kwic = findings.concordance(s["segments"], s["tokens"], "tillit*")
    assert len(kwic) > 0
    for r in kwic.itertuples():
        assert clean.normalise(raw[r.file][r.start:r.end]) == r.keyword
    theme = findings.theme_concordance(s["coded"], s["segments"], s["codebook"], tokens=s["tokens"])
    for r in theme.itertuples():
        assert clean.normalise(raw[r.file][r.start:r.end]) == r.keyword
    # nearly every coded sentence has a line for the words its rules matched
    sentences = s["coded"][["file", "start", "end"]].drop_duplicates()
    lines = sentences.merge(theme[["file", "start"]].rename(columns={"start": "at"}), on="file")
    covered = lines[(lines["at"] >= lines["start"]) & (lines["at"] < lines["end"])]
    assert len(covered[["file", "start"]].drop_duplicates()) >= 0.9 * len(sentences)
    quotes = findings.representative_quotes(s["coded"], s["segments"], s["documents"], s["codebook"])
    for r in quotes.itertuples():
        assert clean.normalise(raw[r.file][r.start:r.end]) == r.quote
    assert np.all(quotes.groupby("code").size() <= 3)
    html_page = findings.drilldown_html(s["coded"], s["segments"], s["documents"], s["codebook"])
    assert "tillit-diary/luleå" in html_page and "å" in html_page


def test_grouping_by_a_column_the_metadata_lacks_gives_unknown():
    import pandas as pd

    from helpers import coding, findings
    cb = coding.load_codebook()
    seg = pd.DataFrame({"file": ["a"], "doc_id": ["a"], "start": [0], "tokens": [10], "sector": ["general"]})
    coded = pd.DataFrame({"file": ["a"], "start": [0], "code": ["R_TRUST"]})
    docs = pd.DataFrame({"doc_id": ["a"], "file": ["a"]})
    freq = findings.theme_frequencies(coded, seg, docs, cb, by="voice")
    row = freq[freq.code == "R_TRUST"].iloc[0]
    assert row["voice"] == findings.UNKNOWN and row["sentences"] == 1 and row["per_1000"] == 100.0


def test_theme_concordance_of_a_code_without_hits_is_empty_not_an_error():
    import pandas as pd

    from helpers import coding, findings
    cb = coding.load_codebook()
    seg = pd.DataFrame({"file": ["a"], "doc_id": ["a"], "paragraph": [0], "sentence": [0], "start": [0],
                        "end": [4], "text": ["Text"], "tokens": [1], "sector": ["general"], "actors": [""]})
    tok = pd.DataFrame({"file": ["a"], "doc_id": ["a"], "paragraph": [0], "sentence": [0], "start": [0],
                        "end": [4], "token": ["Text"], "lemma": ["text"], "stop": [False]})
    coded = pd.DataFrame(columns=tables.CODED_COLUMNS)
    out = findings.theme_concordance(coded, seg, cb, "P_ADMIN", tokens=tok)
    assert out.empty and list(out.columns) == ["code", "matched"] + findings.KWIC_COLUMNS
