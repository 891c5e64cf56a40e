"""Codebook validation and the rule matcher."""

from __future__ import annotations

import pandas as pd
import pytest
import yaml

from helpers import coding, paths


def test_study_codebook_uses_exactly_the_fourteen_ids():
    cb = coding.load_codebook()
    assert cb.ids == list(coding.STUDY_CODE_IDS)
    assert {c.family for c in cb.codes if c.id.startswith("P_")} == {"P"}
    assert {c.family for c in cb.codes if c.id.startswith("R_")} == {"R"}
    assert set(cb.attributes) == {"sector", "actors"}
    assert set(cb.attributes["sector"]) == {"social_services", "school", "elderly_care", "disability", "health_care"}


@pytest.mark.parametrize("pattern, word, expected", [
    ("tillit", "tillit", True), ("tillit", "tilliten", False),
    ("detaljstyr*", "detaljstyrningen", True), ("detaljstyr*", "styrning", False),
    ("*styrning", "resultatstyrning", True), ("*styrning", "styrningen", False),
    ("*dokumentation*", "överdokumentationskraven", True),
])
def test_word_patterns(pattern, word, expected):
    assert coding.WordPattern(pattern).matches(word) is expected


def _matcher(**terms):
    return coding.Matcher(t for label, texts in terms.items() for t in coding._terms(label, texts))


def test_phrases_match_consecutive_words_only():
    m = _matcher(A=["peta i"])
    assert m.match("Politiken vill inte peta i detaljer".split()) == {"A": [("peta i", "peta i")]}
    assert m.match("peta inte i".split()) == {}
    assert m.match(["peta"]) == {}  # phrase cut off at the end of the sentence


def test_exclusions_suppress_a_code():
    m = coding.Matcher(coding._terms("R_TRUST", ["förtroende*"], exclude=["förtroendevald*"]))
    assert m.match("Förtroendevalda beslutar".split()) == {}
    assert m.match("Förtroendet växer".split()) == {"R_TRUST": [("förtroende*", "Förtroendet")]}


def test_code_segments_records_rules_and_words_sorted():
    cb = coding.load_codebook()
    seg = pd.DataFrame([{
        "file": "a.txt", "doc_id": "a", "paragraph": 0, "sentence": 0, "start": 0, "end": 60,
        "text": "Detaljstyrningen och dokumentationen tar tid från kärnuppdraget.",
    }])
    out = coding.code_segments(seg, cb)
    assert list(out.columns) == ["file", "doc_id", "paragraph", "sentence", "start", "end", "code", "rules", "matched"]
    assert out[["code", "rules", "matched"]].to_dict("records") == [
        {"code": "P_DETAIL", "rules": "*detaljstyr*", "matched": "Detaljstyrningen"},
        {"code": "P_ADMIN", "rules": "*dokumentation*", "matched": "dokumentationen"},
    ]


def test_context_attributes_default_to_general():
    cb = coding.load_codebook()
    seg = pd.DataFrame({"text": ["Socialsekreterarna i socialtjänsten och politikerna.", "Det regnar."]})
    attrs = coding.context_attributes(seg, cb)
    assert attrs.to_dict("records") == [
        {"sector": "social_services", "actors": "politicians; professionals"},
        {"sector": "general", "actors": ""},
    ]


def _write(tmp_path, mutate):
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    mutate(data)
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["codes"].append(dict(d["codes"][0])), "duplicate code id 'P_DETAIL'"),
    (lambda d: d["codes"][1].update(colour="red"), r"codes\.P_ADMIN\.colour"),
    (lambda d: d["codes"][2].update(wording="x"), r"codes\.P_MEASURE\.wording: Extra inputs are not permitted"),
    (lambda d: d["codes"][0].update(terms=["a**b"]), r"codes\.P_DETAIL\.terms: .*'a\*\*b' is not a word pattern"),
    (lambda d: d["codes"][0].pop("name_en"), r"codes\.P_DETAIL\.name_en: Field required"),
])
def test_invalid_codebook_names_the_code_and_field(tmp_path, mutate, message):
    with pytest.raises(coding.CodebookError, match=message):
        coding.load_codebook(_write(tmp_path, mutate))


def test_a_corpus_codebook_replaces_the_study_codebook(tmp_path):
    assert coding.codebook_path(tmp_path) == paths.CODEBOOK_FILE
    p = _write(tmp_path, lambda d: d.update(codes=[dict(d["codes"][0], id="MY_CODE")]))
    assert coding.codebook_path(tmp_path) == p
    assert coding.load_codebook(p).ids == ["MY_CODE"]
