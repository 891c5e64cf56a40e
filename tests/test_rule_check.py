"""tools/rule_check.py: a candidate rule is run over a corpus as the coder would run it (the
code's exclusions, not_with rules, names and skipped kinds applied) and a seeded sample of what
it codes is printed. The sentences are made up for the test."""

from __future__ import annotations

import gzip
import importlib.util
import json

import pandas as pd
import pytest

from helpers import coding, paths

spec = importlib.util.spec_from_file_location("rule_check", paths.PROJ_ROOT / "tools" / "rule_check.py")
rule_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(rule_check)

SENTENCES = [
    "Det råder brist på förskollärare i kommunen.",  # a shortage of staff
    "Forskarna mäter hur länge eleverna läser.",  # P_MEASURE's not_with (research) cancels it
    "Kommunen mäter hur många besök personalen hinner med.",  # measuring the work
    "Barnen kunde inte äta sig mätta.",  # "mätta" (full) is excluded from P_MEASURE
    "Rapporten från Tillitsdelegationen kom i går.",  # a theme word inside a name (skip_names)
    "Vi behöver mer tillit till professionen.",  # trust
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
    assert hits[2][0].tolist() == [5]  # trust, not the name of the delegation


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
    assert "0 sentences of 0 documents of the development corpora left out" in out
    assert "1 sentences in 1 documents, 0 not yet coded P_STAFF" in out
    assert "förskollärare" in out
    assert (tmp_path / "cache" / "seg.pkl").exists()  # a second check skips the segmenting
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(tmp_path / "cache"), "P_MEASURE=mäta"]) == 0
    assert "1 sentences in 1 documents" in capsys.readouterr().out


def test_a_development_corpus_text_is_left_out_and_a_stale_cache_remade(tmp_path, capsys):
    """A text the coder is scored on (an id in corpus-dev*/metadata.csv) is never sampled; a
    cache made from another corpus file is not reused."""
    held = sorted(rule_check.held_out_ids())[0]
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": held, "text": SENTENCES[0]}) + "\n")
        f.write(json.dumps({"id": "other", "text": "Det är brist på lärare i skolan."}) + "\n")
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(tmp_path / "cache"),
                            "P_STAFF=brist* ~3 *lärare*"]) == 0
    out = capsys.readouterr().out
    assert "1 sentences of 1 documents of the development corpora left out" in out
    assert "1 sentences in 1 documents" in out and "förskollärare" not in out
    other = tmp_path / "d.jsonl.gz"
    with gzip.open(other, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "x", "text": SENTENCES[0]}) + "\n")
    assert rule_check.main(["--corpus", str(other), "--cache", str(tmp_path / "cache"),
                            "P_STAFF=brist* ~3 *lärare*"]) == 0
    assert "förskollärare" in capsys.readouterr().out


def test_a_bad_rule_argument_is_named(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        f.write(json.dumps({"id": "x", "text": SENTENCES[0]}) + "\n")
    for arg, says in (("P_STAFF", "give a rule as CODE=rule"), ("P_NONE=brist*", "'P_NONE' is not a code")):
        with pytest.raises(SystemExit):
            rule_check.main(["--corpus", str(corpus), arg])
        assert says in capsys.readouterr().err
