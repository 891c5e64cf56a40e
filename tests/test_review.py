"""The review loop: sampling, intervals, decisions, the correction layer, the sheet and the
project round trips, estimates and suggestions (helpers.review, helpers.decisions)."""

from __future__ import annotations

import logging
import math
import re
import shutil
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers import coding, decisions, evaluation, findings, io, paths, pipeline, refi, review, tables
from helpers.corpus import read_raw_texts

# --------------------------------------------------------------------------- intervals


@pytest.mark.parametrize("k, n, low, high", [
    # Newcombe (1998), "Two-sided confidence intervals for the single proportion",
    # Statistics in Medicine 17, Table II, method 3 (Wilson score, no continuity correction)
    (81, 263, 0.2553, 0.3662), (15, 148, 0.0624, 0.1605), (0, 20, 0.0000, 0.1611), (1, 29, 0.0061, 0.1718)])
def test_wilson_interval_matches_newcombes_worked_examples(k, n, low, high):
    got = review.wilson(k, n)
    assert got == pytest.approx((low, high), abs=5e-5)


def test_wilson_is_undefined_without_reviews():
    assert all(math.isnan(x) for x in review.wilson(0, 0))


def test_stratified_precision_weights_codes_by_their_sentences_not_by_their_sample():
    """Worked by hand: code A has 100 coded sentences, 20 reviewed, 16 correct; code B has
    300, 20 reviewed, 10 correct. W = (0.25, 0.75), p = 0.25·0.8 + 0.75·0.5 = 0.575 (not
    the sample's 26/40 = 0.65). v = 0.0625·(1-20/100)·0.16/19 + 0.5625·(1-20/300)·0.25/19
    = 0.000421053 + 0.006907895 = 0.007328947; n_eff = 0.575·0.425 / v = 33.3438; Wilson
    at (0.575, 33.3438), z = 1.959964: centre 0.567251, half-width 0.159076."""
    p, low, high, n_eff = review.stratified([100, 300], [20, 20], [16, 10])
    assert p == pytest.approx(0.575)
    assert n_eff == pytest.approx(33.3438, abs=1e-3)
    assert (low, high) == pytest.approx((0.408175, 0.726327), abs=2e-5)


def test_stratified_effective_size_is_at_most_the_number_reviewed_and_unreviewed_codes_drop_out():
    # hand: v = 0.001 + 0.0069079 = 0.0079079, 0.244375 / v = 30.9 > 30 reviewed: capped
    assert review.stratified([100, 300], [10, 20], [8, 10])[3] == 30
    # a stratum with no review is left out: the estimate is that of the reviewed one
    assert review.stratified([100, 5000], [20, 0], [16, 0])[0] == pytest.approx(0.8)
    assert math.isnan(review.stratified([10], [0], [0])[0])
    # every stratum reviewed whole (a census): no sampling variance, n_eff = all reviewed
    assert review.stratified([5, 5], [5, 5], [5, 0])[3] == 10


# --------------------------------------------------------------------------- sampling


def _near(s):
    return review.near_misses(s["segments"], s["coded"], pipeline_suppressed(s), s["codebook"])


_SUPPRESSED: dict = {}


def pipeline_suppressed(s) -> pd.DataFrame:
    if "t" not in _SUPPRESSED:
        _SUPPRESSED["t"] = coding.code_segments(s["segments"], s["codebook"])[1]
    return _SUPPRESSED["t"]


def test_the_sample_is_seeded_stratified_per_code_and_all_when_fewer(seed_tables):
    s = seed_tables
    near = _near(s)
    a = review.draw_sample(s["segments"], s["coded"], near, s["codebook"], per_code=6, near_miss=3, seed=5)
    b = review.draw_sample(s["segments"], s["coded"], near, s["codebook"], per_code=6, near_miss=3, seed=5)
    pd.testing.assert_frame_equal(a, b)
    other = review.draw_sample(s["segments"], s["coded"], near, s["codebook"], per_code=6, near_miss=3, seed=6)
    assert not a.equals(other)
    assert a["item"].tolist() == list(range(1, len(a) + 1))
    for code in s["codebook"].ids:
        coded_n = int((s["coded"]["code"] == code).sum())
        near_n = int((near["code"] == code).sum())
        mine = a[a["code"] == code]
        assert (mine["stratum"] == "coded").sum() == min(6, coded_n)
        assert (mine["stratum"] == "near miss").sum() == min(3, near_n)
    key = ["file", "start", "end", "code"]
    coded_keys = set(s["coded"][key].itertuples(index=False, name=None))
    items = a[key].astype({"start": int, "end": int}).itertuples(index=False, name=None)
    in_coded = [k in coded_keys for k in items]
    assert in_coded == (a["stratum"] == "coded").tolist()  # near misses are never coded with their code
    assert (a["text"] != "").all()  # every item is a sentence of segments.csv


def test_one_codes_sample_does_not_move_when_another_codes_sentences_change(seed_tables):
    s = seed_tables
    near = _near(s)
    a = review.draw_sample(s["segments"], s["coded"], near, s["codebook"], per_code=3, near_miss=2)
    fewer = s["coded"][~((s["coded"]["code"] == "R_CITIZEN") & (s["coded"]["file"] == s["coded"]["file"].iloc[0]))]
    b = review.draw_sample(s["segments"], fewer, near, s["codebook"], per_code=3, near_miss=2)
    cols = ["file", "start", "code", "stratum"]
    assert a[a["code"] == "P_ADMIN"][cols].reset_index(drop=True).equals(b[b["code"] == "P_ADMIN"][cols]
                                                                         .reset_index(drop=True))


def test_near_misses_hold_evidence_and_are_not_coded(seed_tables):
    s = seed_tables
    near = _near(s)
    assert len(near) and set(near["evidence"].str.split(":").str[0]) <= {"cancelled by not_with",
                                                                         "a word of a longer rule"}
    merged = near.merge(s["coded"], on=["file", "start", "end", "code"])
    assert merged.empty
    loose = review.near_miss_codebook(s["codebook"])
    # a proximity rule's words become rules of their own; short and stop words do not
    detail = loose.code("P_DETAIL").terms
    assert "minut*" in detail and "varje" not in detail and "i" not in detail


def test_a_hit_outside_a_codebooks_scope_is_a_near_miss_that_says_so():
    """A codebook's scope leaves a document that names none of it uncoded; its hits are near
    misses to review, each saying it was out of scope (not that a not_with context cancelled it)."""
    scope = coding.Scope(description="a public service", terms=["skol*", "*vård*"], exclude=["ska"])
    cb = coding.load_codebook().model_copy(update={"scope": scope})
    seg = pd.DataFrame({"file": ["a.txt", "b.txt"], "doc_id": ["a", "b"], "paragraph": 0, "sentence": 0,
                        "start": 0, "end": 45, "kind": "paragraph",
                        "text": ["Vi vill ha ett långsiktigt samarbete.", "Vi vill ha ett långsiktigt samarbete i skolan."]})
    coded, suppressed, _ = coding.code_segments(seg, cb)
    near = review.near_misses(seg, coded, suppressed, cb)
    scoped = near[near["file"] == "a.txt"]
    full = scoped[~scoped["evidence"].str.startswith("a word of a longer rule")]
    assert set(full["code"]) == {"R_HOLISTIC", "R_LONGTERM"} and set(coded["file"]) == {"b.txt"}
    assert set(full["evidence"]) == {"scope: 0 of 1 sentence(s) of the document name a public service"}
    assert set(scoped["evidence"]) - set(full["evidence"]) == {
        "a word of a longer rule, scope: 0 of 1 sentence(s) of the document name a public service"}


def test_a_word_of_a_longer_rule_outside_the_scope_is_a_near_miss_that_says_both():
    """One word of a proximity or phrase rule is a near miss; in a document outside the scope it still is, its
    evidence saying both why (a word of a longer rule) and where (out of scope), so the population is the same with
    a scope as without one."""
    scope = coding.Scope(description="a public service", terms=["skol*", "*vård*"], exclude=["ska"])
    cb = coding.load_codebook()
    assert "minut*" in review.near_miss_codebook(cb).code("P_DETAIL").terms
    text = "Besöken räknas i minuter."  # one word of P_DETAIL's proximity rule, no code
    seg = pd.DataFrame({"file": ["a.txt", "b.txt"], "doc_id": ["a", "b"], "paragraph": 0, "sentence": 0,
                        "start": 0, "end": len(text), "kind": "paragraph",
                        "text": [text, text + " Det gäller skolan."]})
    seg.loc[1, "end"] = len(seg.loc[1, "text"])
    scoped = cb.model_copy(update={"scope": scope})
    for book in (cb, scoped):
        coded, suppressed, _ = coding.code_segments(seg, book)
        near = review.near_misses(seg, coded, suppressed, book).query("code == 'P_DETAIL'")
        assert coded.empty and list(near["file"]) == ["a.txt", "b.txt"]
    assert list(near["evidence"]) == ["a word of a longer rule, scope: 0 of 1 sentence(s) of the document name a "
                                      "public service", "a word of a longer rule"]


# --------------------------------------------------------------------------- decisions


RAW = {"a.txt": "Detaljstyrningen tar tid. Vi litar på personalen.\n", "b.txt": "Mätningar överallt.\n"}
IDS = ["P_DETAIL", "R_TRUST", "P_MEASURE"]
HEADER = "file,start,end,code,decision,reviewer,note\n"


def _write(tmp_path: Path, text: str, name: str = "ann.csv") -> Path:
    p = tmp_path / "review" / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text, encoding="utf-8")
    return p


def test_decisions_load_sorted_and_checked(tmp_path):
    _write(tmp_path, HEADER + 'b.txt,0,19,P_MEASURE,Wrong,ann,"a note, with a comma"\n'
                              "a.txt,0,25,P_DETAIL,correct,ann,\n")
    d = decisions.load(tmp_path, RAW, IDS)
    assert d[["file", "code", "decision"]].values.tolist() == [["a.txt", "P_DETAIL", "correct"],
                                                                ["b.txt", "P_MEASURE", "wrong"]]
    assert d["note"].tolist() == ["", "a note, with a comma"]
    assert decisions.load(tmp_path / "none", RAW, IDS).empty


@pytest.mark.parametrize("row, message", [
    ("c.txt,0,5,P_DETAIL,correct,ann,", "file 'c.txt' is not in the corpus"),
    ("a.txt,x,5,P_DETAIL,correct,ann,", "start 'x' is not a whole number"),
    (f"a.txt,{'9' * 5000},5,P_DETAIL,correct,ann,", f"start '{'9' * 40}' is not a whole number (of at most 18 digits)"),
    ("a.txt,0,500,P_DETAIL,correct,ann,", "empty or outside a.txt"),
    ("a.txt,5,5,P_DETAIL,correct,ann,", "empty or outside"),
    ("a.txt,0,25,P_DETAL,correct,ann,", "Did you mean 'P_DETAIL'"),
    ("a.txt,0,25,P_DETAIL,maybe,ann,", "decision 'maybe' is not one of"),
    ("a.txt,0,25,P_DETAIL,correct, ,", "the reviewer is empty"),
    ("a.txt,0,25,P_DETAIL,correct,Auto-Coder,", "cannot be called 'auto-coder'"),
    ("a.txt,0,25,P_DETAIL,correct,ann", "6 fields, but the header has 7"),
])
def test_bad_decisions_are_refused_naming_file_and_line(tmp_path, row, message):
    _write(tmp_path, HEADER + "b.txt,0,19,P_MEASURE,wrong,ann,\n" + row + "\n")
    with pytest.raises(decisions.DecisionError) as err:
        decisions.load(tmp_path, RAW, IDS)
    assert str(err.value).startswith("ann.csv line 3:") and message in str(err.value)


def test_a_review_folder_or_decision_file_that_is_a_link_is_refused_naming_it(tmp_path):
    """Read through a link, decisions (or any file: its first line was echoed in the error)
    came from outside the corpus into the tables, as reference codings are refused."""
    _write(tmp_path, HEADER + "a.txt,0,25,P_DETAIL,correct,ann,\n")
    outside = tmp_path / "passwd"
    outside.write_text("root:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (tmp_path / "review" / "zz.csv").symlink_to(outside)
    with pytest.raises(decisions.DecisionError, match=r"review/zz\.csv: a link; put the file itself in review/") as err:
        decisions.load(tmp_path, RAW, IDS)
    assert "root:" not in str(err.value)
    (tmp_path / "review" / "zz.csv").unlink()
    (tmp_path / "review").rename(tmp_path / "moved")
    (tmp_path / "review").symlink_to(tmp_path / "moved")
    with pytest.raises(decisions.DecisionError, match=r"review: a link; put the decisions themselves in the corpus's "
                                                      r"review/ folder"):
        decisions.load(tmp_path, RAW, IDS)


def test_a_missing_column_and_a_repeated_decision_are_refused(tmp_path):
    _write(tmp_path, "file,start,end,code,decision,note\n")
    with pytest.raises(decisions.DecisionError, match=r"ann.csv line 1: missing column\(s\) reviewer"):
        decisions.load(tmp_path, RAW, IDS)
    _write(tmp_path, HEADER + "a.txt,0,25,P_DETAIL,correct,ann,\na.txt,0,25,P_DETAIL,wrong,ann,\n")
    with pytest.raises(decisions.DecisionError, match=r"ann.csv line 3: 'ann' already decided .* \(line 2\)"):
        decisions.load(tmp_path, RAW, IDS)
    _write(tmp_path, HEADER + "a.txt,0,25,P_DETAIL,correct,ann,\n")
    _write(tmp_path, HEADER + "a.txt,0,25,P_DETAIL,correct,ann,later\n", "ann2.csv")
    assert len(decisions.load(tmp_path, RAW, IDS)) == 1  # the same decision twice counts once
    _write(tmp_path, HEADER + "a.txt,0,25,P_DETAIL,wrong,ann,\n", "ann2.csv")
    with pytest.raises(decisions.DecisionError, match=r"ann2.csv: 'ann' decided P_DETAIL .* otherwise in ann.csv"):
        decisions.load(tmp_path, RAW, IDS)


# --------------------------------------------------------------------------- correction layer


def _coded(rows):
    return pd.DataFrame([{"file": f, "doc_id": f[0], "paragraph": 0, "sentence": n, "start": s, "end": e,
                          "code": c, "rules": r, "matched": m} for n, (f, s, e, c, r, m) in enumerate(rows)],
                        columns=tables.CODED_COLUMNS)


def _decided(rows):
    return pd.DataFrame([dict(zip(decisions.DECISION_COLUMNS, r + ("",))) for r in rows],
                        columns=decisions.DECISION_COLUMNS)


CODED = _coded([("a.txt", 0, 25, "P_DETAIL", "*detaljstyr*", "detaljstyrningen"),
                ("a.txt", 0, 25, "P_MEASURE", "tid", "tid"),
                ("a.txt", 26, 50, "R_TRUST", "lita*", "litar"),
                ("b.txt", 0, 19, "P_MEASURE", "mätning*", "mätningar")])
SEGMENTS = pd.DataFrame({"file": ["a.txt", "a.txt", "b.txt"], "doc_id": ["a", "a", "b"], "paragraph": [0, 0, 0],
                         "sentence": [0, 1, 0], "start": [0, 26, 0], "end": [25, 50, 19],
                         "text": ["Detaljstyrningen tar tid.", "Vi litar på personalen.", "Mätningar överallt."]})


def test_the_correction_layer_marks_reviewed_codes_and_leaves_disputes_auto():
    d = _decided([("a.txt", 0, 25, "P_DETAIL", "correct", "ann"),
                  ("a.txt", 0, 25, "P_MEASURE", "wrong", "ann"), ("a.txt", 0, 25, "P_MEASURE", "wrong", "bo"),
                  ("a.txt", 26, 50, "R_TRUST", "correct", "ann"), ("a.txt", 26, 50, "R_TRUST", "wrong", "bo"),
                  ("b.txt", 0, 19, "P_MEASURE", "unsure", "ann")])
    out = decisions.apply(CODED, d)
    assert out["review"].tolist() == ["reviewed_correct", "reviewed_wrong", "auto", "auto"]
    assert list(out.columns) == tables.file_columns("coded")
    agreed = decisions.consensus(d).set_index(["file", "start", "code"])["consensus"]
    assert agreed[("a.txt", 26, "R_TRUST")] == "disputed" and agreed[("b.txt", 0, "P_MEASURE")] == "unsure"


def test_a_page_quotes_no_sentence_its_reviewers_agree_is_wrong_for_the_code():
    """The reader's case: notebook 04 showed as a "representative" quote of R_LONGTERM a
    sentence both reviewers had decided wrong for it."""
    d = _decided([("a.txt", 0, 25, "P_MEASURE", "wrong", "ann"), ("a.txt", 0, 25, "P_MEASURE", "wrong", "bo"),
                  ("a.txt", 26, 50, "R_TRUST", "correct", "ann"), ("a.txt", 26, 50, "R_TRUST", "wrong", "bo"),
                  ("b.txt", 0, 19, "P_MEASURE", "unsure", "ann")])
    assert decisions.wrong_keys(CODED, d) == {("a.txt", 0, "P_MEASURE")}  # agreed wrong; disputed and unsure not
    kept = decisions.without_wrong(CODED, d)
    assert kept[["start", "code"]].values.tolist() == [[0, "P_DETAIL"], [26, "R_TRUST"], [0, "P_MEASURE"]]
    assert list(kept.columns) == list(CODED.columns)  # disputed and unsure stay, columns as they were
    assert decisions.without_wrong(CODED, _decided([])).equals(CODED)
    documents = pd.DataFrame({"doc_id": ["a", "b"], "date": ["", ""], "date_inferred": [False, False]})
    segments = SEGMENTS.assign(tokens=[3, 3, 2], kind="paragraph")
    quotes = findings.representative_quotes(kept, segments, documents, coding.load_codebook(), per_code=2)
    assert quotes[quotes["code"] == "P_MEASURE"]["file"].tolist() == ["b.txt"]  # a.txt's was reviewed wrong


def test_a_table_of_coded_sentences_marks_those_reviewed_wrong_as_the_drill_down_does():
    """The reader review's case: notebook 04's keyword-in-context table showed a line of a
    sentence both reviewers had decided wrong for the theme, unmarked. It carries the
    correction layer through and says so; with no such line there is no column of blanks."""
    d = _decided([("a.txt", 0, 25, "P_MEASURE", "wrong", "ann"), ("a.txt", 0, 25, "P_MEASURE", "wrong", "bo"),
                  ("a.txt", 26, 50, "R_TRUST", "correct", "ann")])
    marked = decisions.apply(CODED, d)
    shown = decisions.flag_wrong(marked)
    assert "review" not in shown.columns
    assert shown.loc[shown["reviewed"] != "", ["start", "code"]].values.tolist() == [[0, "P_MEASURE"]]
    assert set(shown["reviewed"]) == {"", decisions.WRONG_NOTE}
    assert list(decisions.flag_wrong(decisions.apply(CODED, _decided([])))) == list(CODED.columns)
    assert decisions.flag_wrong(CODED).equals(CODED)  # no correction layer: nothing to say
    assert list(decisions.flag_wrong(marked, ["code", "start"])) == ["code", "start", "reviewed"]  # the columns asked


def test_corrected_codes_drop_the_wrong_and_add_the_missed():
    d = _decided([("a.txt", 0, 25, "P_MEASURE", "wrong", "ann"),
                  ("a.txt", 26, 50, "P_DETAIL", "correct", "ann"),  # missed by the auto-coder
                  ("b.txt", 0, 19, "R_TRUST", "wrong", "ann")])    # not coded, and rightly so
    out = decisions.corrected(CODED, d, SEGMENTS, coding.load_codebook())
    got = out[["start", "code", "review"]].values.tolist()
    assert got == [[0, "P_DETAIL", "auto"], [26, "P_DETAIL", decisions.ADDED], [26, "R_TRUST", "auto"],
                   [0, "P_MEASURE", "auto"]]
    assert out["file"].tolist() == ["a.txt", "a.txt", "a.txt", "b.txt"]


def test_a_missed_code_on_a_kind_the_codebook_does_not_code_is_left_out_and_named(caplog):
    """The review's case: a reviewer's "correct" gave a title a code (a QDA tool lets one
    select any span), the findings counted that sentence, and the rate's "per 1,000 words",
    which leaves a title's words out (findings.rate_words), put it over no words: 333 per
    1,000 where 143 was the rate counted alike. Such a code is left out, and named."""
    segments = SEGMENTS.assign(kind=["title", "paragraph", "paragraph"])
    d = _decided([("a.txt", 0, 25, "R_TRUST", "correct", "ann"),    # on the title: left out
                  ("a.txt", 26, 50, "P_DETAIL", "correct", "ann")])  # on a paragraph: added
    with caplog.at_level("WARNING"):
        out = decisions.corrected(CODED, d, segments, coding.load_codebook())
    added = out[out["review"] == decisions.ADDED]
    assert added[["start", "code"]].values.tolist() == [[26, "P_DETAIL"]]
    assert "review/: 1 decision(s) give a code to a sentence of a kind the codebook does not code" in caplog.text
    assert "a.txt 0–25 R_TRUST (title)" in caplog.text and "skip_kinds" in caplog.text
    # a codebook that codes titles takes it
    every = coding.load_codebook().model_copy(update={"skip_kinds": []})
    assert len(decisions.corrected(CODED, d, segments, every).query("review == @decisions.ADDED")) == 2


def test_the_pipeline_writes_the_layer_and_rebuilds_when_decisions_change(corpus_factory, tmp_path):
    corpus = corpus_factory({"a.txt": "Detaljstyrningen tar tid.\n\nVi behöver tillit.\n"})
    run = pipeline.Run.from_params(corpus, tmp_path / "out")
    coded = pipeline.coded(run)
    assert set(coded["review"]) == {"auto"} and len(coded)
    first = coded.iloc[0]
    _write(corpus, HEADER + f"{first.file},{first.start},{first.end},{first.code},wrong,ann,\n")
    again = pipeline.coded(run)
    assert again["review"].iloc[0] == "reviewed_wrong"
    assert io.read_csv(run.path("coded.csv")).columns[-1] == "review"
    assert first.code not in pipeline.corrected(run).query(f"start == {first.start}")["code"].tolist()
    assert review.run_estimates(run)["unmatched"] == 0
    # a decision on a span that is no sentence (the cleaning rules changed?) counts nowhere, and is told
    _write(corpus, HEADER + f"{first.file},0,5,{first.code},wrong,bo,\n", "bo.csv")
    estimates = review.run_estimates(run)
    assert estimates["unmatched"] == 1 and estimates["precision"].set_index("code").loc[first.code, "wrong"] == 1


def test_the_corrected_codes_take_the_decisions_already_loaded(corpus_factory, tmp_path, monkeypatch):
    corpus = corpus_factory({"a.txt": "Detaljstyrningen tar tid.\n\nVi behöver tillit.\n"})
    run = pipeline.Run.from_params(corpus, tmp_path / "out")
    first = pipeline.coded(run).iloc[0]
    _write(corpus, HEADER + f"{first.file},{first.start},{first.end},{first.code},wrong,ann,\n"
           f"{first.file},{first.start},{first.end},R_TRUST,correct,ann,\n")
    expected = pipeline.corrected(run)  # tables rebuilt with the layer; the decisions read from review/
    assert decisions.ADDED in set(expected["review"]) and first.code not in set(expected["code"])
    loads = []
    real = decisions.load
    monkeypatch.setattr(decisions, "load", lambda *a, **k: loads.append(a) or real(*a, **k))
    trust = review.run_estimates(run)  # as notebook 04 does with CODES = "corrected"
    got = pipeline.corrected(run, trust["decisions"])
    assert len(loads) == 1
    pd.testing.assert_frame_equal(got, expected)


# --------------------------------------------------------------------------- the sheet


@pytest.fixture
def sample(seed_tables):
    s = seed_tables
    out = review.draw_sample(s["segments"], s["coded"], _near(s), s["codebook"], per_code=2, near_miss=1)
    return out


def _fill(path: Path, dest: Path, decisions_by_row: dict[int, tuple]) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["review"]
    head = [c.value for c in ws[1]]
    for row, values in decisions_by_row.items():
        for name, value in zip(("decision", "note", "reviewer"), values):
            ws.cell(row=row, column=head.index(name) + 1, value=value)
    wb.save(dest)


def test_the_sheet_carries_no_time_of_writing(tmp_path, sample, seed_tables):
    """openpyxl stamps "modified" with the time of saving; the sheet's dates are fixed, so
    two runs a second apart give the same bytes (a comparison of two writes could pass by
    falling within one second)."""
    sheet = review.write_sheet(tmp_path / "r.xlsx", sample, seed_tables["codebook"])
    with zipfile.ZipFile(sheet) as z:
        core = z.read("docProps/core.xml").decode("utf-8")
    stamps = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", core)
    assert stamps == [("created", "2000-01-01T00:00:00Z"), ("modified", "2000-01-01T00:00:00Z")], core


def test_the_sheet_round_trip_gives_the_decisions_and_data_never_becomes_a_formula(tmp_path, sample, seed_tables):
    sample = sample.copy()
    sample.loc[0, "text"] = '=HYPERLINK("http://example.org","x")'
    sample.loc[1, "text"] = "a bell \x07 in the text"  # XML cannot hold it; openpyxl would refuse it
    sheet = review.write_sheet(tmp_path / "r.xlsx", sample, seed_tables["codebook"])
    assert sheet.read_bytes() == review.write_sheet(tmp_path / "again.xlsx", sample, seed_tables["codebook"]).read_bytes()
    ws = openpyxl.load_workbook(sheet)["review"]
    head = [c.value for c in ws[1]]
    cell = ws.cell(row=2, column=head.index("sentence") + 1)
    assert cell.data_type == "s" and cell.value == "'" + sample.loc[0, "text"]
    assert b"<f>" not in zipfile.ZipFile(sheet).read("xl/worksheets/sheet1.xml")
    assert ws.cell(row=3, column=head.index("sentence") + 1).value == "a bell \ufffd in the text"
    _fill(sheet, tmp_path / "filled.xlsx", {2: ("Wrong", "=not a formula", "ann"), 3: ("correct", None, None),
                                            5: ("unsure", "hm", "bo")})
    got = review.read_sheet(tmp_path / "filled.xlsx", sample, reviewer="cy")
    want = sample.iloc[[0, 1, 3]]
    assert got[["file", "start", "end", "code"]].values.tolist() == want[["file", "start", "end", "code"]].values.tolist()
    assert got["decision"].tolist() == ["wrong", "correct", "unsure"]
    assert got["reviewer"].tolist() == ["ann", "cy", "bo"]
    assert got["note"].tolist() == ["=not a formula", "", "hm"]
    # the decisions pass the validation of review/*.csv
    corpus = tmp_path / "c"
    path = review.save_decisions(corpus, "ann", got, seed_tables["raw"], seed_tables["codebook"])
    back = decisions.load_file(path, seed_tables["raw"], seed_tables["codebook"].ids)
    assert sorted(back[["start", "decision", "note"]].values.tolist()) == sorted(got[["start", "decision", "note"]]
                                                                                 .values.tolist())
    with pytest.raises(review.ReviewError, match="exists; decisions are never replaced"):
        review.save_decisions(corpus, "ann", got, seed_tables["raw"], seed_tables["codebook"])
    # a review/ that is a link: the decisions would be written outside the corpus
    (corpus / "review").rename(tmp_path / "elsewhere")
    (corpus / "review").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(review.ReviewError, match=r"review: a link; put the decisions themselves in the corpus's review/ "
                                                 r"folder .*\(nothing was written\)"):
        review.save_decisions(corpus, "bo", got, seed_tables["raw"], seed_tables["codebook"])
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == ["ann.csv"]


def test_the_sheet_is_the_copy_of_the_sample_to_open_in_a_spreadsheet(tmp_path, sample, seed_tables):
    """sample.csv holds the sample as it is (the import's record); review.xlsx, the sheet to
    open, holds none of its texts as a formula, whichever column they are in (README:
    Formulas in data)."""
    sample = sample.copy()
    for column in ("text", "context", "rules", "matched", "evidence", "doc_id"):
        sample[column] = "=1+1"
    sheet = review.write_sheet(tmp_path / "r.xlsx", sample, seed_tables["codebook"])
    assert b"<f>" not in zipfile.ZipFile(sheet).read("xl/worksheets/sheet1.xml")
    cells = [c for row in openpyxl.load_workbook(sheet)["review"].iter_rows(min_row=2) for c in row]
    texts = [c for c in cells if isinstance(c.value, str)]
    assert texts and all(c.data_type == "s" and not c.value.startswith(io.FORMULA_STARTS) for c in texts)
    assert sum(c.value == "'=1+1" for c in texts) == 5 * len(sample)  # sentence, context, rules, words, evidence


def test_a_sheet_with_edited_items_or_bad_decisions_is_refused_naming_the_row(tmp_path, sample, seed_tables):
    sheet = review.write_sheet(tmp_path / "r.xlsx", sample, seed_tables["codebook"])
    _fill(sheet, tmp_path / "bad.xlsx", {3: ("perhaps", None, "ann")})
    with pytest.raises(review.ReviewError, match=r"bad.xlsx row 3: decision 'perhaps' is not one of"):
        review.read_sheet(tmp_path / "bad.xlsx", sample)
    _fill(sheet, tmp_path / "nobody.xlsx", {4: ("correct", None, None)})
    with pytest.raises(review.ReviewError, match=r"nobody.xlsx row 4: no reviewer"):
        review.read_sheet(tmp_path / "nobody.xlsx", sample)
    # every row is checked: all the rows to fix are named at once, each on its line, the good ones between them too
    _fill(sheet, tmp_path / "both.xlsx", {2: ("correct", None, "ann"), 3: ("perhaps", None, "ann"),
                                          4: ("correct", None, None)})
    with pytest.raises(review.ReviewError) as err:
        review.read_sheet(tmp_path / "both.xlsx", sample)
    assert str(err.value).splitlines() == [
        "both.xlsx: 2 rows to fix (nothing was imported):",
        "  both.xlsx row 3: decision 'perhaps' is not one of correct, wrong, unsure; write one of them or leave it empty",
        "  both.xlsx row 4: no reviewer; fill the column 'reviewer' or give REVIEWER=<name>"]
    wb = openpyxl.load_workbook(sheet)
    ws = wb["review"]
    head = [c.value for c in ws[1]]
    ws.cell(row=2, column=head.index("code") + 1, value="R_TRUST" if sample.loc[0, "code"] != "R_TRUST" else "P_COST")
    ws.cell(row=2, column=head.index("decision") + 1, value="correct")
    wb.save(tmp_path / "moved.xlsx")
    with pytest.raises(review.ReviewError, match=r"moved.xlsx row 2: item 1 is .* do not edit the columns"):
        review.read_sheet(tmp_path / "moved.xlsx", sample, "ann")
    # numbers a spreadsheet program saved as floats (357.0) are the same numbers
    wb = openpyxl.load_workbook(sheet)
    ws = wb["review"]
    for name in ("item", "start", "end"):
        ws.cell(row=2, column=head.index(name) + 1, value=float(ws.cell(row=2, column=head.index(name) + 1).value))
    ws.cell(row=2, column=head.index("decision") + 1, value="wrong")
    wb.save(tmp_path / "floats.xlsx")
    assert review.read_sheet(tmp_path / "floats.xlsx", sample, "ann")["start"].tolist() == [sample.loc[0, "start"]]
    (tmp_path / "not.xlsx").write_text("a,b\n", encoding="utf-8")
    with pytest.raises(review.ReviewError, match="not.xlsx: not an .xlsx file"):
        review.read_sheet(tmp_path / "not.xlsx", sample, "ann")
    # an item copied into a second row is named with both rows
    wb = openpyxl.load_workbook(sheet)
    ws = wb["review"]
    ws.append([c.value for c in ws[2]])
    last = ws.max_row
    ws.cell(row=2, column=head.index("decision") + 1, value="correct")
    ws.cell(row=last, column=head.index("decision") + 1, value="wrong")
    wb.save(tmp_path / "twice.xlsx")
    with pytest.raises(review.ReviewError, match=rf"twice.xlsx row {last}: item 1 is also in row 2"):
        review.read_sheet(tmp_path / "twice.xlsx", sample, "ann")


def test_a_sheet_of_a_raw_file_named_with_a_leading_space_reads_back(tmp_path, sample, seed_tables):
    """A cell's text is read stripped; the file column of a raw file named " a.txt" was then
    taken for an edited item and refused."""
    s = seed_tables
    sample = sample.copy()
    old = sample.loc[0, "file"]
    sample["file"] = sample["file"].replace(old, " " + old)
    raw = {(" " + f if f == old else f): t for f, t in s["raw"].items()}
    sheet = review.write_sheet(tmp_path / "r.xlsx", sample, s["codebook"])
    _fill(sheet, tmp_path / "filled.xlsx", {2: ("correct", None, "ann")})
    got = review.read_sheet(tmp_path / "filled.xlsx", sample)
    assert got["file"].tolist() == [" " + old]
    saved = review.save_decisions(tmp_path / "c", "ann", got, raw, s["codebook"])
    assert decisions.load_file(saved, raw, s["codebook"].ids)["file"].tolist() == [" " + old]


# --------------------------------------------------------------------------- the project


def _edit_project(src: Path, dest: Path, edit) -> None:
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    ET.register_namespace("", refi.NS_PROJECT)
    root = ET.fromstring(members["project.qde"])
    edit(root)
    members["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(dest, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)


def test_the_project_round_trip_reads_kept_deleted_recoded_and_unsure(tmp_path, sample, seed_tables):
    s = seed_tables
    items = pd.concat([sample[sample["stratum"] == "coded"].head(4), sample[sample["stratum"] == "near miss"].head(1)],
                      ignore_index=True)
    path = review.export_project(tmp_path / "r.qdpx", items, s["raw"], s["codebook"])
    exported, _ = refi.import_project(path, code_ids=s["codebook"])
    assert exported["coder"].value_counts().to_dict() == {review.SAMPLE_USER: 4, review.NEAR_MISS_USER: 1}
    ns = {"q": refi.NS_PROJECT}
    gone, recoded, unsure = items.iloc[1], items.iloc[2], items.iloc[3]
    new_code = next(c for c in s["codebook"].ids if c not in items["code"].tolist())

    def selection(root, item):
        for src in root.iterfind(".//q:TextSource", ns):
            if src.get("name") != item.file:
                continue
            text = s["raw"][item.file]
            for sel in src.iterfind("q:PlainTextSelection", ns):
                if (int(sel.get("startPosition")), int(sel.get("endPosition"))) == (
                        refi.codepoint_to_utf16(text, int(item.start)), refi.codepoint_to_utf16(text, int(item.end))):
                    return src, sel
        raise AssertionError("selection not found")

    def edit(root):
        src, sel = selection(root, gone)
        src.remove(sel)  # deleted: wrong
        _, sel = selection(root, recoded)
        sel.find("q:Coding/q:CodeRef", ns).set("targetGUID", refi.stable_guid("code", new_code))  # recoded
        codes = root.find("q:CodeBook/q:Codes", ns)
        ET.SubElement(codes, f"{{{refi.NS_PROJECT}}}Code", {"guid": refi.stable_guid("code", "unsure"),
                                                           "name": "unsure", "isCodable": "true"})
        _, sel = selection(root, unsure)
        coding_el = ET.SubElement(sel, f"{{{refi.NS_PROJECT}}}Coding", {"guid": refi.stable_guid("c", "u")})
        ET.SubElement(coding_el, f"{{{refi.NS_PROJECT}}}CodeRef", {"targetGUID": refi.stable_guid("code", "unsure")})

    _edit_project(path, tmp_path / "edited.qdpx", edit)
    with pytest.warns(refi.RefiWarning):
        got, _, _ = review.import_project(tmp_path / "edited.qdpx", items, "ann", s["codebook"], s["raw"])
    by = {(r.file, r.start, r.code): r.decision for r in got.itertuples()}
    assert by[(items.iloc[0].file, items.iloc[0].start, items.iloc[0].code)] == "correct"
    assert by[(gone.file, gone.start, gone.code)] == "wrong"
    assert by[(recoded.file, recoded.start, recoded.code)] == "wrong"
    assert by[(recoded.file, recoded.start, new_code)] == "correct"
    assert by[(unsure.file, unsure.start, unsure.code)] == "unsure"
    near = items.iloc[4]
    assert (near.file, near.start, near.code) not in by  # left as it was: not reviewed, never "missed"
    assert len(got) == 5 and set(got["reviewer"]) == {"ann"}
    # unchanged, every coded item is confirmed and no near miss is decided
    untouched, _, found = review.import_project(path, items, "ann", s["codebook"], s["raw"])
    assert set(untouched["decision"]) == {"correct"} and len(untouched) == len(items) - 1
    assert found == len(items[["file", "start", "end"]].drop_duplicates())
    assert set(untouched["code"] + untouched["start"].astype(str)) == set(
        items["code"][:4] + items["start"][:4].astype(str))


def test_a_project_saved_with_decomposed_source_names_matches_the_composed_raw_names(tmp_path, sample, seed_tables,
                                                                                       caplog):
    """A project saved on macOS names its sources decomposed (NFD: o + combining diaeresis);
    the corpus's raw/ names them composed. Its sources are matched to the raw files as every
    other file name of a corpus is (corpus.raw_name, with its warning), so the items left
    standing are confirmed, not taken for deleted."""
    s = seed_tables
    items = sample[sample["stratum"] == "coded"].head(3).copy()
    composed = unicodedata.normalize("NFC", "Tillitsdelegationens dagböcker.txt")
    first = items.iloc[0].file
    items["file"] = items["file"].replace(first, composed)
    raw = {composed if f == first else f: t for f, t in s["raw"].items()}
    path = review.export_project(tmp_path / "r.qdpx", items, raw, s["codebook"])
    ns = {"q": refi.NS_PROJECT}

    def edit(root):
        for src in root.iterfind(".//q:TextSource", ns):
            src.set("name", unicodedata.normalize("NFD", src.get("name")))

    _edit_project(path, tmp_path / "mac.qdpx", edit)
    assert unicodedata.normalize("NFD", composed) != composed
    with caplog.at_level(logging.WARNING):
        got, _, _ = review.import_project(tmp_path / "mac.qdpx", items, "ann", s["codebook"], raw)
    assert sorted(got["file"]) == sorted(items["file"]) and set(got["decision"]) == {"correct"}
    assert "names 'Tillitsdelegationens dagbo\u0308cker.txt' in decomposed (NFD) form, and raw/ has it in " \
           "composed (NFC) form" in caplog.text


def _rewrite_sources(src: Path, dest: Path, change) -> None:
    """Copy a .qdpx, each source text member passed through ``change``."""
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    with zipfile.ZipFile(dest, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, change(data.decode("utf-8")).encode("utf-8") if n.startswith("sources/") else data)


def _save_with_crlf(src: Path, dest: Path, inside: bool = False) -> None:
    """Copy a .qdpx as a QDA tool that saves texts with CR LF would: each source's LF
    becomes CR LF and each position (UTF-16 units) moves with its place in the text. With
    ``inside``, the first selection then ends between the CR and LF of the first line end
    after its start (a place the raw file, with LF, does not have)."""
    with zipfile.ZipFile(src) as zf:
        members = {n: zf.read(n) for n in zf.namelist()}
    ET.register_namespace("", refi.NS_PROJECT)
    root = ET.fromstring(members["project.qde"])
    first = True
    for source in root.iter(f"{{{refi.NS_PROJECT}}}TextSource"):
        member = "sources/" + source.get("plainTextPath").removeprefix("internal://")
        old = members[member].decode("utf-8")
        new = old.replace("\n", "\r\n")
        members[member] = new.encode("utf-8")
        for sel in source.iter(f"{{{refi.NS_PROJECT}}}PlainTextSelection"):
            for attr in ("startPosition", "endPosition"):
                at = len(old[:refi.utf16_to_codepoint(old, int(sel.get(attr)))].replace("\n", "\r\n"))
                sel.set(attr, str(refi.codepoint_to_utf16(new, at)))
            if inside and first:
                start = refi.utf16_to_codepoint(new, int(sel.get("startPosition")))
                sel.set("endPosition", str(refi.codepoint_to_utf16(new, new.index("\r\n", start) + 1)))
                first = False
    members["project.qde"] = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    with zipfile.ZipFile(dest, "w") as zf:
        for n, data in members.items():
            zf.writestr(n, data)


def test_a_project_saved_with_other_line_ends_is_read_at_the_raw_files_offsets(tmp_path, sample, seed_tables):
    """A tool that saved the sources with CR LF where the raw files have LF moved every
    position after the first line end; they are mapped back (each CR added moves the
    positions after it by one), so every kept item reads as kept, not as deleted, and the
    import says it mapped them."""
    s = seed_tables
    items = sample[sample["stratum"] == "coded"].head(4).reset_index(drop=True)
    path = review.export_project(tmp_path / "r.qdpx", items, s["raw"], s["codebook"])
    _save_with_crlf(path, tmp_path / "crlf.qdpx")
    with pytest.warns(refi.RefiWarning, match=r"crlf.qdpx: text source '[^']+' has other line ends than raw/\S+ "
                                              r"\(CR LF where the raw file has LF \d+ time\(s\)\).* the positions of "
                                              r"its \d+ selection\(s\) were mapped to the raw file's"):
        got, left, found = review.import_project(tmp_path / "crlf.qdpx", items, "ann", s["codebook"], s["raw"])
    assert set(got["decision"]) == {"correct"} and len(got) == len(items)
    assert sorted(got[["file", "start", "end", "code"]].itertuples(index=False, name=None)) == \
        sorted(items[["file", "start", "end", "code"]].astype({"start": int, "end": int}).itertuples(index=False,
                                                                                                     name=None))
    assert found == len(items[["file", "start", "end"]].drop_duplicates())


def test_a_project_whose_sources_are_not_the_samples_texts_is_refused_not_read_as_all_wrong(tmp_path, sample,
                                                                                           seed_tables):
    """A missing coding reads as "wrong", so a project whose sources are not the sample's
    texts was filed as every item wrong without a word (a re-export whose sources lost
    ".txt", as NVivo names them; a project without sources). A source named after its file
    without the extension is now matched to it when unambiguous; a sample file with no
    source, a source whose text differs, or no coding on any sample span is refused."""
    s = seed_tables
    items = sample[sample["stratum"] == "coded"].head(4).reset_index(drop=True)
    path = review.export_project(tmp_path / "r.qdpx", items, s["raw"], s["codebook"])
    ns = {"q": refi.NS_PROJECT}
    spans = len(items[["file", "start", "end"]].drop_duplicates())

    def strip_ext(root):
        for src in root.iterfind(".//q:TextSource", ns):
            src.set("name", src.get("name").rsplit(".", 1)[0])

    _edit_project(path, tmp_path / "renamed.qdpx", strip_ext)
    with pytest.warns(refi.RefiWarning, match=rf"renamed.qdpx: {len(s['raw'])} text source\(s\) name no raw "
                                              r"file but one raw file's name without its extension .* are matched "
                                              r"to it: '[^']+' as '[^']+\.txt'"):
        got, _, found = review.import_project(tmp_path / "renamed.qdpx", items, "ann", s["codebook"], s["raw"])
    assert set(got["decision"]) == {"correct"} and len(got) == len(items) and found == spans
    # a stem two raw files share (a.txt, a.TXT) is matched to neither: refused, naming the file
    first = items.loc[0, "file"]
    twins = {**s["raw"], first[:-4] + ".TXT": "another text"}
    with pytest.warns(refi.RefiWarning, match=r"1 text source\(s\) name no raw file, and several raw files have "
                                              r"their name without extension, so they are matched to none"):
        with pytest.raises(review.ReviewError, match=rf"renamed.qdpx: the project has no text source for 1 of the "
                                                     rf"sample's \d+ file\(s\): {re.escape(repr(first))}"):
            review.import_project(tmp_path / "renamed.qdpx", items, "ann", s["codebook"], twins)

    def no_sources(root):
        root.remove(root.find("q:Sources", ns))

    _edit_project(path, tmp_path / "nosources.qdpx", no_sources)
    with pytest.raises(review.ReviewError, match=r"nosources.qdpx: the project has no text source for (\d+) of the "
                                                 r"sample's \1 file\(s\).*\(its sources: none\).*read as deleted"):
        review.import_project(tmp_path / "nosources.qdpx", items, "ann", s["codebook"], s["raw"])
    # a source whose text is not the raw file's: other line ends a coding cannot be mapped through, or other text
    assert "\n" in s["raw"][first] and "\r" not in s["raw"][first]
    _save_with_crlf(path, tmp_path / "crlf.qdpx", inside=True)
    with pytest.warns(refi.RefiWarning, match="starts or ends between the CR and LF"):
        with pytest.raises(review.ReviewError, match=r"crlf.qdpx: the text of source .* differs from raw/.* from "
                                                     r"character \d+ on .*changed its line ends"):
            review.import_project(tmp_path / "crlf.qdpx", items, "ann", s["codebook"], s["raw"])
    _rewrite_sources(path, tmp_path / "edited.qdpx", lambda t: "X" + t[1:])
    with pytest.raises(review.ReviewError, match=r"edited.qdpx: the text of source .* differs from raw/.* from "
                                                 r"character 0 on .*not the review's, or the text was edited"):
        review.import_project(tmp_path / "edited.qdpx", items, "ann", s["codebook"], s["raw"])

    def delete_all(root):
        for src in root.iterfind(".//q:TextSource", ns):
            for sel in list(src):
                src.remove(sel)

    _edit_project(path, tmp_path / "empty.qdpx", delete_all)
    with pytest.raises(review.ReviewError, match=rf"empty.qdpx: none of the sample's {spans} spans has a coding"):
        review.import_project(tmp_path / "empty.qdpx", items, "ann", s["codebook"], s["raw"])


def test_a_near_miss_in_the_project_is_missed_only_when_marked_and_wrong_when_deleted(tmp_path, sample, seed_tables):
    """A near miss left as it was is not reviewed (as an empty cell of the sheet); the code
    ``missed`` on it says the auto-coder missed the code; deleting its coding says the code
    does not apply."""
    s = seed_tables
    near = sample[sample["stratum"] == "near miss"].head(3).reset_index(drop=True)
    assert len(near) == 3
    path = review.export_project(tmp_path / "r.qdpx", near, s["raw"], s["codebook"])
    ns = {"q": refi.NS_PROJECT}
    spans = {(refi.codepoint_to_utf16(s["raw"][r.file], int(r.start)),
              refi.codepoint_to_utf16(s["raw"][r.file], int(r.end)), r.file): i for i, r in near.iterrows()}

    def edit(root):
        codes = root.find("q:CodeBook/q:Codes", ns)
        ET.SubElement(codes, f"{{{refi.NS_PROJECT}}}Code", {"guid": refi.stable_guid("code", "missed"),
                                                           "name": "missed", "isCodable": "true"})
        for src in root.iterfind(".//q:TextSource", ns):
            for sel in list(src.iterfind("q:PlainTextSelection", ns)):
                i = spans.get((int(sel.get("startPosition")), int(sel.get("endPosition")), src.get("name")))
                if i == 0:  # marked: the code applies
                    coding_el = ET.SubElement(sel, f"{{{refi.NS_PROJECT}}}Coding", {"guid": refi.stable_guid("c", "m")})
                    ET.SubElement(coding_el, f"{{{refi.NS_PROJECT}}}CodeRef",
                                  {"targetGUID": refi.stable_guid("code", "missed")})
                elif i == 1:  # deleted: the code does not apply
                    src.remove(sel)

    _edit_project(path, tmp_path / "edited.qdpx", edit)
    with pytest.warns(refi.RefiWarning):
        got, unreviewed, _ = review.import_project(tmp_path / "edited.qdpx", near, "ann", s["codebook"], s["raw"])
    by = {(r.file, r.start, r.code): r.decision for r in got.itertuples()}
    assert by == {(near.file[0], near.start[0], near.code[0]): "correct",
                  (near.file[1], near.start[1], near.code[1]): "wrong"}
    assert unreviewed == 1
    untouched, unreviewed, _ = review.import_project(path, near, "ann", s["codebook"], s["raw"])
    assert untouched.empty and unreviewed == 3


# --------------------------------------------------------------------------- estimates


def _codebook(ids):
    return coding.Codebook(name="t", version=1, codes=[
        coding.Code(id=c, family=c[0], name_sv=c, name_en=c.lower(), colour="#000000", definition="d", use_when="u",
                    terms=["x"]) for c in ids])


def test_precision_and_recall_per_code_and_pooled_are_those_worked_by_hand():
    """P_DETAIL: 3 coded, 2 reviewed correct, 1 wrong: p = 2/3. Near misses: 4 in the corpus,
    2 reviewed, 1 missed: q = 1/2; recall = 3·(2/3) / (3·(2/3) + 4·(1/2)) = 2 / 4 = 0.5.
    R_TRUST: 1 coded, never reviewed. Pooled over the reviewed code: its own precision."""
    cb = _codebook(["P_DETAIL", "R_TRUST"])
    coded = _coded([("a.txt", 0, 5, "P_DETAIL", "x", "x"), ("a.txt", 6, 9, "P_DETAIL", "x", "x"),
                    ("b.txt", 0, 5, "P_DETAIL", "x", "x"), ("b.txt", 0, 5, "R_TRUST", "x", "x")])
    near = pd.DataFrame({"file": ["c.txt"] * 4, "start": [0, 10, 20, 30], "end": [5, 15, 25, 35],
                         "code": ["P_DETAIL"] * 4})
    d = _decided([("a.txt", 0, 5, "P_DETAIL", "correct", "ann"), ("a.txt", 6, 9, "P_DETAIL", "correct", "ann"),
                  ("b.txt", 0, 5, "P_DETAIL", "wrong", "ann"), ("c.txt", 0, 5, "P_DETAIL", "correct", "ann"),
                  ("c.txt", 10, 15, "P_DETAIL", "wrong", "ann")])
    t = review.precision_table(coded, d, near, cb).set_index("code")
    row = t.loc["P_DETAIL"]
    assert (row["coded"], row["reviewed"], row["correct"], row["wrong"]) == (3, 3, 2, 1)
    assert row["precision"] == pytest.approx(2 / 3)
    assert (row["precision low"], row["precision high"]) == pytest.approx(review.wilson(2, 3))
    assert (row["near misses"], row["near misses reviewed"], row["missed"]) == (4, 2, 1)
    assert row["recall"] == pytest.approx(0.5)
    low_p, high_p = review.wilson(2, 3)
    low_q, high_q = review.wilson(1, 2)
    assert row["recall low"] == pytest.approx(3 * low_p / (3 * low_p + 4 * high_q))
    assert row["recall high"] == pytest.approx(3 * high_p / (3 * high_p + 4 * low_q))
    assert t.loc["R_TRUST", "reviewed"] == 0 and math.isnan(t.loc["R_TRUST", "precision"])
    assert review.never_reviewed(t.reset_index()) == ["R_TRUST"]
    assert t.loc["all codes", "precision"] == pytest.approx(2 / 3)
    # 2 of 3 (interval 0.21-0.94) is below 0.70 on too few decided items to mark it
    assert review.low_precision_codes(t.reset_index()) == [] and review.too_few_decided(t.reset_index()) == ["P_DETAIL"]


def test_one_wrong_decision_is_too_few_to_mark_a_code_and_all_unsure_is_not_never_reviewed():
    """The reviewer's case on their own corpus: R_KNOWLEDGE, 0 correct of 1 decided (interval
    0.00-0.79), was marked low precision in every figure; P_STAFF, all 20 items decided
    unsure, was called never reviewed. R_TRUST, 0 of 4 (interval 0.00-0.49), is low on the
    evidence; P_DETAIL, 6 of 10 decided, is low by the estimate on enough items."""
    cb = _codebook(["P_DETAIL", "P_STAFF", "R_KNOWLEDGE", "R_TRUST", "R_VALUES"])
    spans = {c: [("a.txt", 100 * i + k * 5, 100 * i + k * 5 + 4, c) for k in range(20)]
             for i, c in enumerate(cb.ids)}
    coded = _coded([s + ("x", "x") for c in cb.ids for s in spans[c]])
    rows = [s + ("correct" if k < 6 else "wrong", "ann") for k, s in enumerate(spans["P_DETAIL"][:10])]
    rows += [s + ("unsure", "ann") for s in spans["P_STAFF"]]
    rows += [spans["R_KNOWLEDGE"][0] + ("wrong", "ann")]
    rows += [s + ("wrong", "ann") for s in spans["R_TRUST"][:4]]
    near = pd.DataFrame(columns=["file", "start", "end", "code"])
    t = review.precision_table(coded, _decided(rows), near, cb)
    assert review.low_precision_codes(t) == ["P_DETAIL", "R_TRUST"]
    assert review.too_few_decided(t) == ["R_KNOWLEDGE"]
    # the walkthrough's case: 3 correct of 3 (interval 0.44-1.00) was read as validated; too few either way
    rows += [s + ("correct", "ann") for s in spans["R_VALUES"][:3]]
    t3 = review.precision_table(coded, _decided(rows), near, cb)
    assert review.too_few_decided(t3) == ["R_KNOWLEDGE", "R_VALUES"]
    note3 = review.validation_note(False, t3, cb)
    assert "R\\_VALUES (3 of 3 correct)" in note3 and "read their figures as leads to check" in note3
    # no code decided enough to tell, so nothing said of the codes' precision beside "too few to tell"
    few_only = [r for r in rows if r[3] in ("R_KNOWLEDGE", "R_VALUES")]
    told3 = review.validation_note(False, review.precision_table(coded, _decided(few_only), near, cb), cb)
    assert "Too few reviewed to tell" in told3 and "reviewed enough to tell" not in told3
    rows += [s + ("correct", "ann") for s in spans["R_VALUES"][3:10]]  # 10 of 10: interval 0.72-1.00, told
    assert review.too_few_decided(review.precision_table(coded, _decided(rows), near, cb)) == ["R_KNOWLEDGE"]
    told_one = [r for r in rows if r[3] in ("R_KNOWLEDGE", "R_VALUES")]
    told = review.validation_note(False, review.precision_table(coded, _decided(told_one), near, cb), cb)
    assert "No code reviewed enough to tell (1 of them) has a precision the reviews put below 70%." in told
    assert review.all_unsure(t) == ["P_STAFF"]
    assert review.never_reviewed(t) == ["R_VALUES"]
    note = review.validation_note(False, t, cb)
    assert "R\\_KNOWLEDGE (0 of 1 correct)" in note and "Too few reviewed to tell" in note
    low = note[note.index("Low estimated precision"):note.index("Too few")]
    assert "P\\_DETAIL" in low and "R\\_TRUST" in low and "KNOWLEDGE" not in low
    assert "every item decided unsure (or disputed), so no precision: P\\_STAFF (20 unsure)" in note
    assert "1 code(s) with sentences were never reviewed: R\\_VALUES." in note


def test_reviewers_agreement_is_krippendorffs_alpha():
    """Hand: A = 1,1,0,0 and B = 1,0,0,0 on four items: coincidences o00 = 4, o01 = o10 = 1,
    o11 = 2; n0 = 5, n1 = 3, n = 8; alpha = 1 - (n - 1)·2 / (2·n0·n1) = 1 - 14/30 = 8/15."""
    spans = [("a.txt", i * 10, i * 10 + 5, "P_DETAIL") for i in range(4)]
    rows = [s + (d, "ann") for s, d in zip(spans, ["correct", "correct", "wrong", "wrong"])]
    rows += [s + (d, "bo") for s, d in zip(spans, ["correct", "wrong", "wrong", "wrong"])]
    rows += [("a.txt", 99, 100, "P_DETAIL", "unsure", "bo")]
    t = review.reviewer_agreement(_decided(rows))
    assert t.iloc[0][["reviewer A", "reviewer B", "items both decided"]].tolist() == ["ann", "bo", 4]
    assert t.iloc[0]["alpha"] == pytest.approx(8 / 15) and t.iloc[0]["agreement"] == 0.75
    assert review.reviewer_agreement(_decided(rows[:4])).empty
    assert review.agreement_note(t) == ""  # 75%, α 0.53: nothing odd to explain


def test_a_high_agreement_beside_a_low_alpha_is_explained():
    """The walkthrough's case: two reviewers agreed on 20 of 21 items, all but one correct, and
    the page showed 0.952 beside α 0.0 with no word on it."""
    spans = [("a.txt", i * 10, i * 10 + 5, "P_DETAIL") for i in range(21)]
    rows = [s + ("correct", "ann") for s in spans]
    rows += [s + ("wrong" if i == 0 else "correct", "bo") for i, s in enumerate(spans)]
    t = review.reviewer_agreement(_decided(rows))
    assert t.iloc[0]["agreement"] == pytest.approx(20 / 21) and t.iloc[0]["alpha"] < 0.1
    note = review.agreement_note(t)
    assert note.startswith("ann and bo (95% agreement, α ") and "is no contradiction" in note
    same = review.reviewer_agreement(_decided([s + ("correct", who) for s in spans for who in ("ann", "bo")]))
    assert "α undefined" in review.agreement_note(same)  # every decision the same


# --------------------------------------------------------------------------- suggestions and notes


def test_suggestions_list_the_rules_behind_wrong_codes_and_the_words_of_missed_ones():
    cb = _codebook(["P_DETAIL"])
    cb.codes[0].terms = ["detalj*"]
    coded = _coded([("a.txt", 0, 5, "P_DETAIL", "detalj*; styr*", "detaljer; styrs"),
                    ("a.txt", 6, 9, "P_DETAIL", "detalj*", "detaljerna"), ("b.txt", 0, 5, "P_DETAIL", "styr*", "styr")])
    d = _decided([("a.txt", 0, 5, "P_DETAIL", "wrong", "ann"), ("a.txt", 6, 9, "P_DETAIL", "wrong", "ann"),
                  ("b.txt", 0, 5, "P_DETAIL", "correct", "ann"), ("c.txt", 0, 30, "P_DETAIL", "correct", "ann")])
    fp = review.false_positive_rules(coded, d)
    assert fp[["rule", "reviewed", "wrong"]].values.tolist() == [["detalj*", 2, 2], ["styr*", 2, 1]]
    assert fp.iloc[0]["words"] == "detaljer, detaljerna"
    tokens = pd.DataFrame({"file": ["c.txt"] * 4, "start": [0, 8, 12, 20], "end": [7, 11, 19, 30],
                           "token": ["Minuter", "och", "detaljer", "kontrollen"],
                           "lemma": ["minut", "och", "detalj", "kontroll"], "stop": [False, True, False, False]})
    words = review.missing_words(d, coded, tokens, cb)
    assert words[["word", "sentences"]].values.tolist() == [["kontroll", 1], ["minut", 1]]


def test_the_note_says_not_validated_without_references_or_reviews_and_marks_low_precision():
    cb = _codebook(["P_DETAIL", "R_TRUST"])
    note = review.validation_note(False, None, cb)
    assert "Not validated on this corpus" in note
    assert "written on: README, How far the codes carry)" in note  # a codebook of its own: nothing recorded of it
    study = coding.codebook_for(paths.CORPUS_DIR)  # the study's: the figures recorded on unseen texts, for a reader
    assert f"written on: {evaluation.unseen_figures(study)})" in review.validation_note(False, None, study)
    assert evaluation.unseen_figures(study).startswith("α 0.")
    t = pd.DataFrame({"code": ["P_DETAIL", "R_TRUST", "all codes"], "coded": [12, 12, 24], "reviewed": [12, 12, 24],
                      "precision": [0.5, 0.9, 0.7], "precision low": [0.25, 0.74, 0.5],
                      "precision high": [0.75, 0.97, 0.85]})
    note = review.validation_note(False, t, cb)
    assert "Not validated" not in note and "P\\_DETAIL" in note and "R\\_TRUST" not in note
    marked = review.mark_low_precision(cb, ["P_DETAIL"])
    assert marked.code("P_DETAIL").name_en == f"p_detail {review.LOW_MARK}" and marked.code("R_TRUST").name_en == "r_trust"
    assert marked.code("P_DETAIL").name_sv == cb.code("P_DETAIL").name_sv  # marked once, where both names are said
    assert cb.code("P_DETAIL").name_en == "p_detail"  # the codebook itself is not changed


def _against(rows):
    """A summary as evaluation.score_run gives it: (part, genre, level, reference, units, alpha, low, high)."""
    return pd.DataFrame(rows, columns=["part", "genre", "level", "reference", "units", "alpha", "alpha_low",
                                       "alpha_high"])


def test_the_note_quotes_alpha_per_reference_with_the_thresholds_it_reaches():
    """On a corpus with reference codings the note gives the figure, not just that they exist:
    the α of notebook 03's table by part (evaluation.score_run) per reference, with its
    interval and which house threshold it meets; paragraphs over all genres only."""
    cb = _codebook(["P_DETAIL", "R_TRUST"])
    against = _against([("all", "all", "sentence", "A", 9, 0.1, 0, 1), ("all", "all", "paragraph", "B_x", 5, 0.7, 0.6, 0.79),
                        ("all", "all", "paragraph", "A", 5, 0.5612, 0.47, 0.65), ("all", "all", "sentence", "B_x", 9, 0.2, 0, 1),
                        ("all", "motion", "paragraph", "A", 2, 0.3, float("nan"), float("nan"))])
    note = review.validation_note(True, None, cb, against=against)
    assert "α 0.561 with A (95% interval 0.470–0.650): below 0.667" in note
    assert "α 0.700 with B\\_x (95% interval 0.600–0.790): lies between 0.667 and 0.80" in note
    paragraphs, sentences = note.split(" Per sentence, the unit the findings count, ")
    assert paragraphs.index("with A") < paragraphs.index("with B") and "0.100" not in paragraphs
    assert sentences.startswith("it agrees at α 0.100 with A (95% interval 0.000–1.000): below 0.667")
    assert "α 0.200 with B\\_x" in sentences
    assert "0.300" not in note  # one genre's figure is not the corpus's
    assert "reaches 0.80" in review.reliability.alpha_verdict(0.81)


def test_a_threshold_supports_conclusions_only_when_the_alphas_interval_stays_above_it():
    """The reader's case: α 0.811 with an interval of 0.736–0.876 was said to be "enough for
    firm conclusions". Krippendorff reads the threshold against the interval's lower end."""
    verdict = review.reliability.alpha_verdict
    assert verdict(0.811, 0.805) == "reaches 0.80, enough for firm conclusions"
    assert verdict(0.811, 0.736) == "reaches 0.80, but its 95% interval dips below 0.80: tentative conclusions only"
    assert verdict(0.811, 0.6) == ("reaches 0.80, but its 95% interval dips below 0.667: too uncertain even for "
                                   "tentative conclusions")
    assert verdict(0.70, 0.68) == "lies between 0.667 and 0.80: tentative conclusions only"
    assert verdict(0.70, 0.60) == ("lies between 0.667 and 0.80, and its 95% interval dips below 0.667: too uncertain "
                                   "even for tentative conclusions")
    assert verdict(0.60, 0.5) == verdict(0.60) == "below 0.667, too low even for tentative conclusions"
    # a bootstrap interval's lower end above the α does not lift the verdict past the α's own
    assert verdict(0.78, 0.81) == "lies between 0.667 and 0.80: tentative conclusions only"
    # no interval (or none computable): the α alone is read
    assert verdict(0.811) == verdict(0.811, float("nan")) == "reaches 0.80, enough for firm conclusions"
    assert verdict(float("nan"), 0.5) == "no α (too few coded units)"
    # the note quotes the verdict of each reference's α with its own interval
    cb = coding.load_codebook()
    against = pd.DataFrame([("all", "all", "paragraph", "A", 200, 0.811, 0.736, 0.876)],
                           columns=review.AGAINST_COLUMNS)
    assert "(95% interval 0.736–0.876): reaches 0.80, but its 95% interval dips below 0.80: tentative" \
        in review.validation_note(True, None, cb, against=against)
    assert "reference codings (step 3" in review.validation_note(True, None, cb)  # without the table


def test_the_note_quotes_the_score_part_where_the_corpus_has_a_split():
    """The α over all texts includes the tune part the rules were read on: with a split, the
    note leads with the score part's α, says it is the part no rule was read on, and names
    the tune part's and all texts' figures only as flattering the coder."""
    cb = _codebook(["P_DETAIL", "R_TRUST"])
    against = _against([(p, "all", "paragraph", ref, n, a, a - 0.1, a + 0.1)
                        for p, n, alphas in (("all", 427, (0.683, 0.684)), ("tune", 222, (0.814, 0.806)),
                                             ("score", 205, (0.561, 0.571)))
                        for ref, a in zip(("E", "F"), alphas)])
    note = review.validation_note(True, None, cb, against=against)
    lead, rest = note.split(" On the tune part")
    assert "score part of `split.csv` (205 paragraphs of the texts no rule was read on)" in lead
    assert "α 0.561 with E (95% interval 0.461–0.661): below 0.667" in lead and "α 0.571 with F" in lead
    assert "0.683" not in lead and "0.814" not in lead
    assert "α 0.814 (E) / 0.806 (F)" in rest and "α 0.683 (E) / 0.684 (F)" in rest and "flatter the coder" in rest
    assert "written on" not in note
    # a summary with a tune part but no row over all the texts says nothing of them
    note = review.validation_note(True, None, cb, against=against[against["part"] != "all"])
    assert "over all the texts" not in note and "α 0.814 (E) / 0.806 (F) per paragraph: those figures flatter" in note


def test_the_note_says_when_the_rules_were_written_on_the_texts_it_scores():
    """Without a split, the α over all texts, and plainly that it flatters the coder on the
    seeds the rules were written on; on another corpus, that nothing sets texts apart."""
    cb = _codebook(["P_DETAIL", "R_TRUST"])
    against = _against([("all", "all", "paragraph", "A", 88, 0.811, 0.736, 0.876)])
    seeds = review.validation_note(True, None, cb, against=against, written_on=True)
    assert "over all the texts at α 0.811 with A" in seeds
    assert "**These are the texts the codebook's rules were written on**, so these figures flatter the coder" in seeds
    other = review.validation_note(True, None, cb, against=against)
    assert "written on" not in other.split("Nothing sets apart")[0] and "Nothing sets apart texts" in other
    with pytest.raises(ValueError, match="score_run"):  # notebook 03's other table (reliability) is not this one
        review.validation_note(True, None, cb, against=pd.DataFrame({"level": ["paragraph"], "reference": ["A"],
                                                                     "alpha": [0.8], "alpha 95% CI": ["0–1"]}))


def test_tables_mark_low_precision_codes_in_columns_index_and_header():
    t = pd.DataFrame({"problem": ["P_DETAIL", "P_X"], "remedy": ["R_TRUST", "R_TRUST"], "n": [1, 2]})
    marked = review.mark_codes(t, ["P_DETAIL"])
    assert list(marked["problem"]) == [f"P_DETAIL {review.LOW_MARK}", "P_X"] and list(marked["remedy"]) == ["R_TRUST"] * 2
    assert list(t["problem"]) == ["P_DETAIL", "P_X"]  # the table itself is not changed
    wide = pd.DataFrame([[1, 2], [3, 4]], index=pd.Index(["P_DETAIL", "R_TRUST"], name="code"),
                        columns=pd.Index(["d1", "d2"], name="document"))
    assert list(review.mark_codes(wide, ["R_TRUST"]).index) == ["P_DETAIL", f"R_TRUST {review.LOW_MARK}"]
    assert list(review.mark_codes(wide.T, ["R_TRUST"]).columns) == ["P_DETAIL", f"R_TRUST {review.LOW_MARK}"]
    assert review.mark_codes(wide.T, ["R_TRUST"]).columns.name == "code"


# --------------------------------------------------------------------------- command line


def test_the_command_line_goes_from_a_run_to_decisions_in_the_corpus(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    shutil.copytree(paths.CORPUS_DIR, corpus, ignore=shutil.ignore_patterns("review", "reference"))
    out = tmp_path / "out"
    assert review.main(["sample", "--corpus", str(corpus), "--out", str(out), "--per-code", "2",
                        "--near-miss", "1"]) == 0
    sample = io.read_csv(out / review.SAMPLE_FILE)
    assert len(sample) and (out / review.SHEET_FILE).exists() and (out / review.PROJECT_FILE).exists()
    _fill(out / review.SHEET_FILE, tmp_path / "filled.xlsx", {2: ("wrong", "", ""), 3: ("correct", "", "")})
    assert review.main(["import", str(tmp_path / "filled.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann"]) == 0
    saved = decisions.load(corpus, read_raw_texts(corpus), coding.codebook_for(corpus).ids)
    assert saved["decision"].value_counts().to_dict() == {"wrong": 1, "correct": 1}
    assert review.main(["import", str(tmp_path / "filled.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann"]) == 1
    assert "every decision in it was filed before" in capsys.readouterr().err
    # a second sheet of the same reviewer: what was decided before stands, the rest is filed
    _fill(out / review.SHEET_FILE, tmp_path / "more.xlsx", {2: ("correct", "", ""), 4: ("unsure", "", "")})
    assert review.main(["import", str(tmp_path / "more.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann"]) == 1
    assert "never replaced" in capsys.readouterr().err  # ann.csv exists
    assert review.main(["import", str(tmp_path / "more.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann", "--name", "ann-2"]) == 0
    assert "1 item(s) the same reviewer decided before are left out" in capsys.readouterr().out
    assert decisions.load(corpus, read_raw_texts(corpus), coding.codebook_for(corpus).ids)["decision"] \
        .value_counts().to_dict() == {"wrong": 1, "correct": 1, "unsure": 1}
    # the sample drawn again says how much of it is decided already (the walkthrough: "90 items to review")
    capsys.readouterr()
    assert review.main(["sample", "--corpus", str(corpus), "--out", str(out), "--per-code", "2",
                        "--near-miss", "1"]) == 0
    assert f"3 of the {len(sample)} items are decided already in " in capsys.readouterr().out
    # the file's name: a ".csv" given with it is not doubled; anything but a plain name is refused
    _fill(out / review.SHEET_FILE, tmp_path / "third.xlsx", {5: ("correct", "", "")})
    assert review.main(["import", str(tmp_path / "third.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann", "--name", "../up"]) == 1
    assert "NAME='../up': use letters, digits, - and _ only" in capsys.readouterr().err
    assert review.main(["import", str(tmp_path / "third.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann", "--name", "ann-3.csv"]) == 0
    assert (corpus / decisions.REVIEW_DIR / "ann-3.csv").is_file()
    capsys.readouterr()
    # no file, or one that is not there, is said as such
    assert review.main(["import", "", "--corpus", str(corpus), "--out", str(out), "--reviewer", "ann"]) == 1
    assert "no file given: make review-import FILE=" in capsys.readouterr().err
    assert review.main(["import", str(tmp_path / "gone.xlsx"), "--corpus", str(corpus), "--out", str(out),
                        "--reviewer", "ann"]) == 1
    assert "gone.xlsx: no such file" in capsys.readouterr().err
    first = sample.iloc[0]
    coded = pipeline.coded(pipeline.Run.from_params(corpus, out))
    status = coded[(coded["file"] == first["file"]) & (coded["start"] == int(first["start"]))
                   & (coded["code"] == first["code"])]["review"]
    assert status.tolist() == ["reviewed_wrong"]
    # the project exported again untouched: its coded items are confirmed, its near misses not reviewed
    near = int((sample["stratum"] == "near miss").sum())
    assert near and review.main(["import", str(out / review.PROJECT_FILE), "--corpus", str(corpus), "--out", str(out),
                                 "--reviewer", "bob"]) == 0
    said = capsys.readouterr().out
    spans = len(sample[["file", "start", "end"]].drop_duplicates())
    assert (f"{spans} of the sample's {spans} spans have a coding in the project; 0 of its {len(sample)} items lost "
            "their code's coding there and are filed as wrong\n") in said
    assert f"{near} near miss(es) left as they were in the project: not reviewed" in said
    assert f"{len(sample) - near} decisions written to" in said


def test_make_review_never_replaces_a_filled_sheet_or_files_that_differ(tmp_path, capsys):
    """The reviewer's case: a sheet filled and saved where make review put it was replaced
    by a blank one when make review ran again, without a word."""
    corpus = tmp_path / "corpus"
    shutil.copytree(paths.CORPUS_DIR, corpus, ignore=shutil.ignore_patterns("review", "reference"))
    out = tmp_path / "out"
    args = ["sample", "--corpus", str(corpus), "--out", str(out), "--per-code", "2", "--near-miss", "1"]
    files = [out / rel for rel in (review.SAMPLE_FILE, review.SHEET_FILE, review.PROJECT_FILE)]
    assert review.main(args) == 0
    first = [p.read_bytes() for p in files]
    assert review.main(args) == 0 and [p.read_bytes() for p in files] == first  # the same files: written again
    capsys.readouterr()
    _fill(out / review.SHEET_FILE, out / review.SHEET_FILE, {2: ("wrong", "", "ann"), 4: (None, "a note", None)})
    filled = [p.read_bytes() for p in files]
    assert review.main(args) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert f"{out / review.SHEET_FILE} holds 2 row(s) a reviewer filled" in err and "Nothing was written" in err
    assert "make review-import" in err and "FORCE=1" in err
    assert [p.read_bytes() for p in files] == filled
    # another sample over untouched files: each file that would change is named, none is written
    (out / review.SHEET_FILE).write_bytes(first[1])
    assert review.main(args[:-2] + ["--near-miss", "0"]) == 1
    err = capsys.readouterr().err
    assert f"{out / review.SAMPLE_FILE} differs from what this run would write" in err
    assert f"{out / review.SHEET_FILE} differs" in err and f"{out / review.PROJECT_FILE} differs" in err
    assert [p.read_bytes() for p in files] == first
    # FORCE=1 replaces them
    assert review.main(args[:-2] + ["--near-miss", "0", "--force"]) == 0
    assert all(p.read_bytes() != b for p, b in zip(files, first))
    assert review.filled_rows(out / review.SHEET_FILE) == 0


def test_a_long_name_of_decisions_is_written_and_one_the_file_system_cannot_hold_is_refused(corpus_factory):
    """The reviewer's case: NAME (or REVIEWER) of 250 characters gave an OSError "File name
    too long" traceback: the temporary file's name was longer than the target's."""
    text = "Detaljstyrningen tar tid.\n"
    corpus = corpus_factory({"a.txt": text})
    codebook = coding.codebook_for(paths.CORPUS_DIR)
    table = pd.DataFrame([{"file": "a.txt", "start": 0, "end": len(text) - 1, "code": "P_DETAIL",
                           "decision": "correct", "reviewer": "ann", "note": ""}])
    target = review.save_decisions(corpus, "a" * 250, table, {"a.txt": text}, codebook)
    assert target.name == "a" * 250 + ".csv" and target.is_file()
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]  # no temporary left
    with pytest.raises(review.ReviewError, match=r"the file name is 304 bytes long, and the file system holds at "
                                                 r"most 255; choose a shorter name \(give a shorter NAME="):
        review.save_decisions(corpus, "ö" * 150, table, {"a.txt": text}, codebook)


# --------------------------------------------------------------------------- the report


def test_every_findings_page_of_a_corpus_without_references_or_reviews_says_not_validated(own_corpus_report):
    out, _ = own_corpus_report
    for page in ("04_findings.html", "04_findings.code.html"):
        assert "Not validated on this corpus" in (out / "html" / page).read_text(encoding="utf-8")


def test_the_findings_can_be_drawn_from_corrected_codes_and_name_codes_reviewed_too_little(tmp_path):
    from helpers import report

    with pytest.raises(report.ReportError, match="CODES must be one of auto, corrected"):
        report.execute(paths.NOTEBOOKS_DIR / "04_findings.ipynb", "corpus", str(tmp_path / "o"), codes="fixed")
    nb = report.execute(paths.NOTEBOOKS_DIR / "04_findings.ipynb", "corpus", str(tmp_path / "out"), codes="corrected")
    shown = "\n".join(str(o.get("data", {}).get("text/markdown", "")) for c in nb.cells if c.cell_type == "code"
                      for o in c.get("outputs", []))
    assert "drawn from the codes corrected by the review decisions" in shown
    # and the page's last word on its counts says so too (it said "the auto-coder's")
    assert "*All counts are from the codes corrected by the review decisions; step 3" in shown
    # the example review finds R_SUPPORT below 0.70 on 2 of 4 correct (interval 0.15-0.85): too few
    # decided to say its precision is low, so it is named, and no figure or table marks it
    assert "Too few reviewed to tell" in shown and "R\\_SUPPORT (2 of 4 correct)" in shown
    assert "Low estimated precision" not in shown
    html = "\n".join(str(o.get("data", {}).get("text/html", "")) for c in nb.cells if c.cell_type == "code"
                     for o in c.get("outputs", []))
    # the drill-down, like every figure, labels codes by their names, unmarked
    assert "R_SUPPORT · support from managers and support functions" in html and review.LOW_MARK not in html


def test_a_sheet_that_would_unpack_too_large_is_refused_before_it_is_opened(tmp_path, sample):
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (2 * refi.RATIO_FROM_BYTES))
    with pytest.raises(review.ReviewError, match=r"bomb.xlsx: member 'xl/worksheets/sheet1.xml' would unpack"):
        review.read_sheet(bomb, sample, "ann")


def test_a_table_beside_references_of_nothing_but_nan_is_told_apart():
    """Without reviews and reference codings every estimate beside the references is NaN:
    the page says so in a line rather than show that table (has_estimates is False)."""
    nan = float("nan")
    rows = [{"code": c, "family": "P", "coded": 4, "reviewed": 0, "correct": 0, "wrong": 0, "unsure": 0}
            for c in ("P_A", "P_B")]
    table = pd.DataFrame(rows).reindex(columns=review.PRECISION_COLUMNS, fill_value=nan)
    for c in ("code", "family", "coded", "reviewed", "correct", "wrong", "unsure"):
        table[c] = pd.DataFrame(rows)[c]
    empty = review.beside_references(table, None)
    assert list(empty["reviewed"]) == [0, 0] and not review.has_estimates(empty)
    table.loc[0, ["reviewed", "precision", "precision low", "precision high"]] = [5, 0.8, 0.4, 0.96]
    assert review.has_estimates(review.beside_references(table, None))


def test_a_recall_from_a_few_near_misses_shows_its_interval():
    """The reader's case: "recall (near misses) 1.00" for nine codes, each from two reviewed
    near misses, read as perfect recall; its interval (as the precision's) says how little
    that is."""
    nan = float("nan")
    table = pd.DataFrame([{"code": "P_A", "family": "P", "coded": 4, "reviewed": 3, "correct": 3, "wrong": 0,
                           "unsure": 0}]).reindex(columns=review.PRECISION_COLUMNS, fill_value=nan)
    table[["reviewed", "correct"]] = 3
    table[["code", "family"]] = ["P_A", "P"]
    table[["precision", "precision low", "precision high", "recall", "recall low", "recall high"]] = \
        [1.0, 0.44, 1.0, 1.0, 0.16, 1.0]
    beside = review.beside_references(table, None)
    assert beside.loc["P_A", "recall (near misses)"] == 1.0 and beside.loc["P_A", "recall 95% interval"] == "0.16–1.00"
    assert list(beside.columns[:5]) == ["reviewed", "precision (reviews)", "precision 95% interval",
                                        "recall (near misses)", "recall 95% interval"]


def test_a_page_shows_an_estimate_not_made_as_a_dash_not_nan():
    """The reader's case: the pooled rows of the precision table read "NaN" under recall."""
    table = pd.DataFrame({"coded": [3, 5], "precision": [0.66666, float("nan")], "recall": [float("nan"), 0.5]},
                         index=pd.Index(["P_X", "all codes"], name="code"))
    shown = review.as_shown(table)
    assert shown.to_dict("list") == {"coded": [3, 5], "precision": ["0.667", "–"], "recall": ["–", "0.500"]}
    assert "NaN" not in shown.to_html() and "NaN" not in repr(shown)
    assert review.as_shown(table, 2).loc["P_X", "precision"] == "0.67"
    assert table["recall"].isna().sum() == 1  # the table itself (and the CSV written from it) keeps the empty value


def test_the_run_note_says_who_made_the_codings_and_checked_by_reads_the_corpus_folder(corpus_factory, tmp_path):
    """run_validation_note (notebooks 03 and 04) reads study.yaml's validation and takes the
    α notebook 03 computed when given it; checked_by says what can check a corpus's codes."""
    run = pipeline.Run.from_params(None, tmp_path / "out")
    trust, coded = review.run_estimates(run), pipeline.coded(run)
    cb = coding.codebook_for(run.corpus)
    note = review.run_validation_note(run, trust, cb, coded, n_boot=20)
    assert "**Who made them:** The reference codings (reference/) and the review decisions" in note
    against = pd.DataFrame([("all", "all", "paragraph", "X", 9, 0.5, 0.4, 0.6)], columns=review.AGAINST_COLUMNS)
    assert "α 0.500 with X" in review.run_validation_note(run, trust, cb, coded, against=against)
    assert review.checked_by(paths.CORPUS_DIR) == (True, True)
    root = corpus_factory({"a.txt": "Text.\n"})
    assert review.checked_by(root) == (False, False)
    (root / "reference").mkdir()
    (root / "reference" / "anna.csv").write_text("file,start,end,code\n", encoding="utf-8")
    assert review.checked_by(root) == (True, False)
