"""tools/rule_check.py: a candidate rule is run over a corpus as the coder would run it (the
code's exclusions, not_with rules, names and skipped kinds applied) and a seeded sample of what
it codes is printed. The sentences are made up for the test."""

from __future__ import annotations

import gzip
import importlib.util
import json

import pandas as pd

from helpers import coding, paths

spec = importlib.util.spec_from_file_location("rule_check", paths.PROJ_ROOT / "tools" / "rule_check.py")
rule_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rule_check)

SENTENCES = [
    "Det råder brist på förskollärare i kommunen.",  # a shortage of staff
    "Forskarna mäter hur länge eleverna läser.",  # P_MEASURE's not_with (research) cancels it
    "Kommunen mäter hur många besök personalen hinner med.",  # measuring the work
    "Barnen kunde inte äta sig mätta.",  # "mätta" (full) is excluded from P_MEASURE
]


def _tables(sentences: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    seg = pd.DataFrame({"text": sentences, "kind": "paragraph", "doc_id": [f"d{i}" for i in range(len(sentences))]})
    return seg, coding.sentence_tokens(sentences)


def test_a_rule_codes_what_the_coder_would_code():
    seg, tok = _tables(SENTENCES)
    cb = coding.load_codebook()
    hits = rule_check.rule_hits([("P_STAFF", "brist* ~3 *lärare*"), ("P_MEASURE", "mäta"), ("R_TRUST", "*tillit*")],
                                seg, tok, cb)
    rows, already = hits[0]
    assert rows.tolist() == [0] and already.tolist() == [True]  # the codebook's own rule codes it too
    assert hits[1][0].tolist() == [2]  # not the research sentence (not_with), nor "mätta" (exclude)
    assert hits[2][0].tolist() == []


def test_a_skipped_kind_is_not_counted():
    seg, tok = _tables(SENTENCES[:1])
    seg["kind"] = "heading"
    assert rule_check.rule_hits([("P_STAFF", "brist* ~3 *lärare*")], seg, tok, coding.load_codebook())[0][0].size == 0


def test_the_command_line_prints_counts_and_a_sample(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        for i, s in enumerate(SENTENCES):
            f.write(json.dumps({"id": f"d{i}", "text": s}) + "\n")
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(tmp_path / "cache"), "--sample", "5",
                            "P_STAFF=brist* ~3 *lärare*"]) == 0
    out = capsys.readouterr().out
    assert "1 sentences in 1 documents, 0 not yet coded P_STAFF" in out
    assert "förskollärare" in out
    assert (tmp_path / "cache" / "seg.pkl").exists()  # a second check skips the segmenting
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(tmp_path / "cache"), "P_MEASURE=mäta"]) == 0
    assert "1 sentences in 1 documents" in capsys.readouterr().out
