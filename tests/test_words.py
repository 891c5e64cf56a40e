"""Tests of helpers.words: keyword in context, keyness and collocations, on small texts
with answers worked out by hand (in the comments), then on the seed corpus."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import clean, coding, tables, words

SEG_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text", "tokens", "sector", "actors"]


# --------------------------------------------------------------------------- 1. concordance

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
    kwic = words.concordance(segments, tokens, "tillit", width=8)
    assert list(kwic.columns) == words.KWIC_COLUMNS
    # the form "tillit" and the lemma of "Tilliten"
    assert list(kwic["start"]) == [8, 16] and list(kwic["end"]) == [14, 24]
    assert [RAW[s:e] for s, e in zip(kwic["start"], kwic["end"])] == ["tillit", "Tilliten"]
    # context comes from the cleaned text "Vi har tillit. Tilliten växer i kommunen."
    assert kwic.iloc[0][["left", "keyword", "right"]].tolist() == ["Vi har ", "tillit", ". Tillit"]
    assert kwic.iloc[1][["left", "keyword", "right"]].tolist() == ["tillit. ", "Tilliten", " växer i"]
    assert list(words.concordance(segments, tokens, "kommun*", width=5)["keyword"]) == ["kommunen"]
    assert words.concordance(segments, tokens, "saknas").empty


def test_concordance_context_stays_in_its_document():
    segments, tokens = _toy_tokens(RAW, [(0, 15, "d1"), (16, len(RAW), "d2")])
    kwic = words.concordance(segments, tokens, "tilliten", width=8)
    assert kwic.iloc[0][["doc_id", "left"]].tolist() == ["d2", ""]


def test_theme_concordance(toy):
    codebook = toy.codebook
    segments, tokens = _toy_tokens(RAW, [(0, 15, "d"), (16, len(RAW), "d")])
    coded = pd.DataFrame([
        {"file": "r.txt", "doc_id": "d", "paragraph": 1, "sentence": 0, "start": 16, "end": len(RAW),
         "code": "R_ONE", "rules": "tillit*; växa i", "matched": "Tilliten; växer … i"},
        {"file": "r.txt", "doc_id": "d", "paragraph": 1, "sentence": 0, "start": 16, "end": len(RAW),
         "code": "P_ONE", "rules": "växa i", "matched": "växer i"},
    ])
    kwic = words.theme_concordance(coded, segments, codebook, None, 6, tokens=tokens)
    # codebook order: P_ONE first; the phrase "växer i" spans raw[25:32]
    assert kwic[["code", "matched", "start", "end"]].values.tolist() == [
        ["P_ONE", "växer i", 25, 32],
        ["R_ONE", "tilliten", 16, 24], ["R_ONE", "växer", 25, 30], ["R_ONE", "i", 31, 32]]
    assert RAW[25:32] == "växer i"
    assert kwic.iloc[0][["left", "keyword", "right"]].tolist() == ["liten ", "växer i", " kommu"]
    only = words.theme_concordance(coded, segments, codebook, "P_ONE", 6, tokens=tokens)
    assert list(only["code"]) == ["P_ONE"]
    assert "review" not in kwic.columns  # coded.csv's correction layer, when coded has it, goes with each line
    layered = words.theme_concordance(coded.assign(review=["auto", "reviewed_wrong"]), segments, codebook, None, 6,
                                      tokens=tokens)
    assert layered[["code", "review"]].values.tolist()[:2] == [["P_ONE", "reviewed_wrong"], ["R_ONE", "auto"]]
    with pytest.raises(ValueError):
        words.theme_concordance(coded, segments, codebook, "NOPE", tokens=tokens)


def test_theme_concordance_of_a_code_without_hits_is_empty_not_an_error():
    cb = coding.load_codebook()
    seg = pd.DataFrame({"file": ["a"], "doc_id": ["a"], "paragraph": [0], "sentence": [0], "start": [0],
                        "end": [4], "text": ["Text"], "tokens": [1], "sector": ["general"], "actors": [""]})
    tok = pd.DataFrame({"file": ["a"], "doc_id": ["a"], "paragraph": [0], "sentence": [0], "start": [0],
                        "end": [4], "token": ["Text"], "lemma": ["text"], "stop": [False]})
    coded = pd.DataFrame(columns=tables.CODED_COLUMNS)
    out = words.theme_concordance(coded, seg, cb, "P_ADMIN", tokens=tok)
    assert out.empty and list(out.columns) == ["code", "matched"] + words.KWIC_COLUMNS


# --------------------------------------------------------------------------- 2. keyness


def _word_tokens(forms: list[str], stop: set[str] = frozenset()) -> pd.DataFrame:
    return pd.DataFrame([{"file": "k.txt", "doc_id": "k", "paragraph": 0, "sentence": 0, "start": 10 * i,
                          "end": 10 * i + len(w), "token": w, "lemma": w.lower(), "stop": w in stop}
                         for i, w in enumerate(forms)])


def test_log_likelihood_by_hand():
    # a = 3 of c = 10 corpus tokens; b = 10 of d = 1000 reference tokens. N = 1010.
    # E = [10*13/1010, 10*997/1010, 1000*13/1010, 1000*997/1010]
    #   = [0.128713, 9.871287, 12.871287, 987.128713]
    # G² = 2 [3 ln(3/0.128713) + 7 ln(7/9.871287) + 10 ln(10/12.871287) + 990 ln(990/987.128713)]
    #    = 2 [9.44568 - 2.40658 - 2.52414 + 2.87569] = 14.78326
    assert words.log_likelihood(3, 10, 10, 1000) == pytest.approx(14.783258518618334)
    assert words.log_likelihood(2, 10, 200, 1000) == pytest.approx(0.0, abs=1e-9)  # same rate


def test_keyness_by_hand():
    forms = ["tillit"] * 3 + ["och"] * 2 + ["2016"] + ["kommun"] * 2 + ["Vi", "vi"]
    tokens = _word_tokens(forms, stop={"och"})
    ref = {"tillit": 0.01, "kommun": 0.2, "vi": 0.5}
    t = words.keyness(tokens, reference=ref, min_count=2, reference_size=1000)
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
    t = words.keyness(tokens, reference={}, min_count=1)
    assert list(t["word"]) == ["alfa", "beta"]  # same G², alphabetical
    assert t["ref_per_1000"].tolist() == pytest.approx([words.REFERENCE_FLOOR * 1000] * 2)


def test_shown_keyness_rounds_to_what_the_reference_can_say_and_marks_words_at_its_floor():
    """A word missing from the reference gets the floor: its ratio (here 179,165.6) is a lower
    bound, shown to three figures and marked not in the reference; a rare word's reference
    rate is shown per million, where it does not round to 0.00."""
    tokens = _word_tokens(["tillit"] * 3 + ["kommun"] * 3 + ["x"] * 4)
    t = words.keyness(tokens, reference={"kommun": 2.5e-6}, min_count=3)
    shown = words.shown_keyness(t).set_index("word")
    assert list(shown.columns) == ["count", "per_1000", "ref_per_million", "in_reference", "G2", "ratio"]
    assert shown.loc["tillit", "ratio"] == 30_000_000  # (3/10) / 1e-8, exactly three figures
    assert shown[["in_reference"]].to_dict()["in_reference"] == {"tillit": "no", "kommun": "yes", "x": "no"}
    assert shown.loc["kommun", "ref_per_million"] == 2.5  # per 1,000 it would show 0.00
    assert shown.loc["kommun", "ratio"] == 120_000  # 0.3 / 2.5e-6
    assert shown.loc["tillit", "ref_per_million"] == 0.01  # the floor, 1e-8, per million
    ratios = words.shown_keyness(t.assign(ratio=[179165.6, 35.26, 0.071484]))["ratio"].tolist()
    assert ratios == [179000, 35.3, 0.0715] and isinstance(ratios[0], int)  # no ".0" after the figures kept
    text = words.shown_keyness(t.assign(ratio=[179165.6, 35.26, 0.071484])).to_string()
    assert "179000" in text and "179000.0" not in text


def test_keyness_against_wordfreq_ships_its_data():
    import wordfreq

    assert wordfreq.word_frequency("och", "sv") > 0.01  # the Swedish list ships with the package
    tokens = _word_tokens(["tillitsdelegationen"] * 3 + ["och"] * 3 + ["är"] * 3)
    t = words.keyness(tokens)
    assert t.iloc[0]["word"] == "tillitsdelegationen" and t.iloc[0]["G2"] > 10
    with pytest.raises(ValueError):
        words.keyness(tokens, by="stem")


def test_keyness_by_lemma_sums_forms():
    forms = ["kommunen", "kommuner", "kommun", "x"]
    tokens = _word_tokens(forms).assign(lemma=["kommun", "kommun", "kommun", "x"])
    t = words.keyness(tokens, reference={"kommun": 0.001}, by="lemma", min_count=3)
    assert t[["word", "count"]].values.tolist() == [["kommun", 3]]


# --------------------------------------------------------------------------- 3. collocations


def _sentences_tokens(sentences: list[list[str]], stop: set[str]) -> pd.DataFrame:
    rows, pos = [], 0
    for n, sentence in enumerate(sentences):
        for w in sentence:
            rows.append({"file": "c.txt", "doc_id": "c", "paragraph": n, "sentence": 0, "start": pos,
                         "end": pos + len(w), "token": w, "lemma": w, "stop": w in stop})
            pos += len(w) + 1
    return pd.DataFrame(rows)


def test_collocations_by_hand():
    tokens = _sentences_tokens([["sociala", "investeringsfonder", "och", "kommunen"],
                                ["sociala", "investeringsfonder", "växer"],
                                ["kommunen", "och", "sociala"]], stop={"och"})
    t = words.collocations(tokens, n=5, min_freq=2)
    # only (sociala, investeringsfonder) is seen twice; pairs with "och" are dropped and
    # "kommunen sociala" would span a sentence break (never counted).
    # 2 × 2 table over N = 10 words: n_ii = 2, sociala first elsewhere 1, investeringsfonder
    # second elsewhere 0, neither 7; E = [0.6, 1.4, 2.4, 5.6]
    # G² = 2 [2 ln(2/0.6) + 1 ln(1/2.4) + 7 ln(7/5.6)] = 6.18896
    assert t[["word1", "word2", "count"]].values.tolist() == [["sociala", "investeringsfonder", 2]]
    assert t.iloc[0]["G2"] == pytest.approx(6.188963460994882, rel=1e-5)
    every = words.collocations(tokens, n=50, min_freq=1)
    assert ("och" not in set(every["word1"]) | set(every["word2"]))
    assert not ((every["word1"] == "kommunen") & (every["word2"] == "sociala")).any()
    order = every.sort_values(["G2", "word1", "word2"], ascending=[False, True, True])
    assert every.equals(order.reset_index(drop=True))


# --------------------------------------------------------------------------- seed corpus


def test_seed_offsets_point_into_the_raw_files(seed_tables):
    s, raw = seed_tables, seed_tables["raw"]
    kwic = words.concordance(s["segments"], s["tokens"], "tillit*")
    assert len(kwic) > 0
    for r in kwic.itertuples():
        assert clean.normalise(raw[r.file][r.start:r.end]) == r.keyword
    theme = words.theme_concordance(s["coded"], s["segments"], s["codebook"], tokens=s["tokens"])
    for r in theme.itertuples():
        assert clean.normalise(raw[r.file][r.start:r.end]) == r.keyword
    # nearly every coded sentence has a line for the words its rules matched
    sentences = s["coded"][["file", "start", "end"]].drop_duplicates()
    lines = sentences.merge(theme[["file", "start"]].rename(columns={"start": "at"}), on="file")
    covered = lines[(lines["at"] >= lines["start"]) & (lines["at"] < lines["end"])]
    assert len(covered[["file", "start"]].drop_duplicates()) >= 0.9 * len(sentences)


def test_what_is_distinctive_leaves_out_the_authors_names_and_datelines():
    """The reader's case: the keyness page's strongest word pairs were "jan marklund",
    "marklund stefan", "stefan arbratt", a byline over and under one text. The words of
    datelines, bylines and speakers' lines are left out; titles and headings stay."""
    segments = pd.DataFrame({"file": ["a.txt"] * 4, "paragraph": [0, 1, 2, 3], "sentence": [0, 0, 0, 0],
                             "kind": ["title", "byline", "paragraph", "speaker"]})
    tokens = pd.DataFrame({"file": ["a.txt"] * 6, "paragraph": [0, 1, 1, 2, 2, 3], "sentence": [0] * 6,
                           "token": ["Tillit", "Jan", "Marklund", "Tillit", "växer", "Talmannen"]})
    assert words.said_tokens(tokens, segments)["token"].tolist() == ["Tillit", "Tillit", "växer"]
    prose = segments.assign(kind="paragraph")
    assert words.said_tokens(tokens, prose) is tokens
