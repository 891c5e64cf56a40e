"""tools/rule_check.py: a candidate rule is run over a corpus by the coder itself (so the code's
exclusions, not_with rules, names and skipped kinds are applied as the coder applies them), a
seeded sample of what it codes is printed, and two codebooks are compared on the same corpus.
The sentences are made up for the test."""

from __future__ import annotations

import gzip
import json
import os

import pandas as pd
import pytest
import rule_check

from helpers import coding, paths, pipeline, tables

SENTENCES = [
    "Det råder brist på förskollärare i kommunen.",  # a shortage of staff
    "Forskarna mäter hur länge eleverna läser.",  # P_MEASURE's not_with (research) cancels it
    "Kommunen mäter hur många besök personalen hinner med.",  # measuring the work
    "Barnen kunde inte äta sig mätta.",  # "mätta" (full) is excluded from P_MEASURE
    "Rapporten från Tillitsrådet kom i går.",  # a theme word inside a name (skip_names)
    "Vi behöver mer tillit till professionen.",  # trust
]


def _tables(sentences: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(sentences)
    seg = pd.DataFrame({"file": [f"d{i}.txt" for i in range(n)], "doc_id": [f"d{i}" for i in range(n)],
                        "paragraph": 0, "sentence": 0, "start": 0, "end": [len(s) for s in sentences],
                        "kind": "paragraph", "text": sentences})
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


# Changes to how the coder applies skip_kinds, not_with and skip_names, each made by wrapping the
# real coder: rule_check must see every one of them, since it codes through the coder.
def _ignores_skip_kinds(code_table):
    return lambda sentences, tokens, codebook, *a: code_table(sentences.drop(columns="kind"), tokens, codebook, *a)


def _ignores_not_with(code_table):
    def coder(sentences, tokens, codebook, *a):
        coded, suppressed, attributes = code_table(sentences, tokens, codebook, *a)
        both = pd.concat([coded, suppressed[tables.CODED_COLUMNS]], ignore_index=True)
        return both.sort_values(["file", "start"], kind="stable"), suppressed.iloc[:0], attributes
    return coder


def _ignores_skip_names(code_table):
    return lambda sentences, tokens, codebook, *a: code_table(sentences, tokens,
                                                              codebook.model_copy(update={"skip_names": False}), *a)


@pytest.mark.parametrize("change, rule, before, after", [
    (_ignores_skip_kinds, ("P_STAFF", "brist* ~3 *lärare*"), [], [0]),
    (_ignores_not_with, ("P_MEASURE", "mäta"), [2], [1, 2]),
    (_ignores_skip_names, ("R_TRUST", "*tillit*"), [5], [4, 5]),
])
def test_what_rule_check_counts_follows_the_coder(monkeypatch, change, rule, before, after):
    """rule_check codes through helpers.coding.code_table: were the coder to apply its
    codebook's skip_kinds, not_with or skip_names differently, its counts would change too
    (a restatement of the coder inside rule_check would go on counting the old way)."""
    seg, tok = _tables(SENTENCES)
    seg.loc[0, "kind"] = "heading"
    cb = coding.load_codebook()
    assert rule_check.rule_hits([rule], seg, tok, cb)[0][0].tolist() == before
    monkeypatch.setattr(coding, "code_table", change(coding.code_table))
    assert rule_check.rule_hits([rule], seg, tok, cb)[0][0].tolist() == after


def test_two_codebooks_are_compared_code_by_code():
    """What a restriction, a pruning or a setting takes away or adds, per code: the
    sentences each codebook codes, those gained and those lost."""
    seg, tok = _tables(SENTENCES)
    old = coding.load_codebook()
    data = old.model_dump()
    data["skip_names"] = False  # the name of the delegation now counts for trust
    for c in data["codes"]:
        if c["id"] == "P_STAFF":  # pruned
            c["terms"].remove("brist* ~3 *lärare*")
        if c["id"] == "P_MEASURE":  # restricted
            c["not_with"].append("*besök*")
    data["codes"].append(data["codes"][0] | {"id": "X_NEW", "terms": ["*rapport*"]})
    new = coding.Codebook.model_validate(data)
    changes = {code: tuple(r.tolist() for r in rows) for code, rows in rule_check.compare(seg, tok, old, new).items()}
    assert list(changes) == old.ids + ["X_NEW"]
    assert changes["P_STAFF"] == ([0], [], [0])
    assert changes["P_MEASURE"] == ([2], [], [2])
    assert changes["R_TRUST"] == ([5], [4], [])
    assert changes["X_NEW"] == ([], [4], [])
    assert all(changes[c] == ([], [], []) for c in old.ids if c not in ("P_STAFF", "P_MEASURE", "R_TRUST"))


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
    every = rule_check.held_out_ids()
    for name in ("corpus-dev", "corpus-dev2", "corpus-dev3"):  # each development corpus's texts are held out
        assert set(rule_check.corpus_mod.load_metadata(paths.PROJ_ROOT / name)["doc_id"]) <= every, name
    held = sorted(every)[0]
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
    for arg, says in (("P_STAFF", "give a rule as CODE=rule"), ("P_NONE=brist*", "'P_NONE' is not a code"),
                      ("P_STAFF=brist ~3", "joins exactly two word patterns"), ("P_STAFF=brist; lärare", "';'")):
        with pytest.raises(SystemExit):
            rule_check.main(["--corpus", str(corpus), arg])
        assert says in capsys.readouterr().err


def test_the_command_line_compares_two_codebook_files(tmp_path, capsys):
    corpus = tmp_path / "c.jsonl.gz"
    with gzip.open(corpus, "wt", encoding="utf-8") as f:
        for i, s in enumerate(SENTENCES):
            f.write(json.dumps({"id": f"d{i}", "text": s}) + "\n")
    text = paths.CODEBOOK_FILE.read_text(encoding="utf-8")
    assert "skip_names: true" in text
    other = tmp_path / "other.yaml"
    other.write_text(text.replace("skip_names: true", "skip_names: false"), encoding="utf-8")
    assert rule_check.main(["--corpus", str(corpus), "--compare", str(other), "--sample", "5"]) == 0
    out = capsys.readouterr().out
    assert "R_TRUST              1       2      +1      -0" in out
    assert "P_STAFF              1       1      +0      -0" in out
    assert "### R_TRUST gained: 1 sentences in 1 documents\n[4] Rapporten från Tillitsrådet" in out
    assert "lost:" not in out
    assert rule_check.main(["--corpus", str(corpus), "--codebook", str(other), "--compare", str(paths.CODEBOOK_FILE),
                            "P_MEASURE=*besök*"]) == 0
    out = capsys.readouterr().out
    assert "## P_MEASURE = '*besök*': 1 sentences in 1 documents, 0 not yet coded P_MEASURE" in out
    assert "R_TRUST              2       1      +0      -1" in out
    assert "### R_TRUST lost: 1 sentences in 1 documents\n[4] Rapporten från Tillitsrådet" in out
    with pytest.raises(SystemExit):
        rule_check.main(["--corpus", str(corpus), "--compare", str(tmp_path / "none.yaml")])
    assert "--compare" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        rule_check.main(["--corpus", str(corpus)])
    assert "give rules to check" in capsys.readouterr().err


def _write_corpus(path, sentences):
    path.write_text("".join(json.dumps({"id": f"d{i}", "text": s}, ensure_ascii=False) + "\n"
                            for i, s in enumerate(sentences)), encoding="utf-8")


def test_a_corpus_file_saved_during_the_build_is_not_stamped_as_read(tmp_path, capsys, monkeypatch):
    """The pipeline's stamp (pipeline.stamp_unless_changed): the inputs are hashed before the
    corpus is read and again once the cache is written. A corpus file saved in between is
    named, the cache is left unstamped, and the next check makes it again from the file."""
    corpus, cache = tmp_path / "c.jsonl", tmp_path / "cache"
    _write_corpus(corpus, [SENTENCES[0]])
    read = rule_check.read_jsonl_corpus

    def read_then_saved(path, *args, **kwargs):
        docs = read(path, *args, **kwargs)
        _write_corpus(corpus, ["Det råder brist på förskollärare i regionen."])  # saved while the build runs
        return docs

    monkeypatch.setattr(rule_check, "read_jsonl_corpus", read_then_saved)
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(cache), "P_STAFF=brist* ~3 *lärare*"]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: --cache {cache}: ") and "c.jsonl changed while the cached sentences and tokens" in err
    assert not (cache / pipeline.STAMP_FILE).exists() and (cache / "seg.pkl").exists()
    monkeypatch.setattr(rule_check, "read_jsonl_corpus", read)
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(cache), "P_STAFF=brist* ~3 *lärare*"]) == 0
    out = capsys.readouterr().out
    assert "i regionen" in out and "i kommunen" not in out
    assert pipeline.stamped(cache / pipeline.STAMP_FILE, pipeline.snapshot(rule_check.cache_inputs(corpus)))


def test_the_cache_follows_the_corpus_file_s_bytes_not_its_size_and_time(tmp_path, capsys):
    """A corpus file replaced by one of the same size and modification time (a copy that
    keeps times, a second-granular file system) is a different corpus: the stamp hashes its
    bytes, as the pipeline's does, where the size and time served the old sentences."""
    corpus, cache = tmp_path / "c.jsonl", tmp_path / "cache"
    _write_corpus(corpus, [SENTENCES[0]])
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(cache), "P_STAFF=brist* ~3 *lärare*"]) == 0
    assert "i kommunen" in capsys.readouterr().out
    st = corpus.stat()
    _write_corpus(corpus, ["Det råder brist på förskollärare i regionen."])
    os.utime(corpus, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert corpus.stat().st_size == st.st_size and corpus.stat().st_mtime_ns == st.st_mtime_ns
    assert rule_check.main(["--corpus", str(corpus), "--cache", str(cache), "P_STAFF=brist* ~3 *lärare*"]) == 0
    out = capsys.readouterr().out
    assert "i regionen" in out and "i kommunen" not in out
