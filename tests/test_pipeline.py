"""The output contract of segments.csv, removed.csv and coded.csv, and caching."""

from __future__ import annotations

import logging

import pandas as pd
import pytest

from helpers import corpus, paths, pipeline


@pytest.fixture(scope="module")
def seed_run(tmp_path_factory):
    run = pipeline.Run.from_params("corpus", tmp_path_factory.mktemp("out"))
    pipeline.coded(run)
    return run


def test_csv_files_are_utf8_without_bom_with_lf_and_sorted(seed_run):
    for name in ("segments.csv", "removed.csv", "coded.csv"):
        data = seed_run.path(name).read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf") and b"\r" not in data, name
        data.decode("utf-8")
        df = pd.read_csv(seed_run.path(name), keep_default_na=False)
        assert df.equals(df.sort_values(["file", "start"], kind="stable").reset_index(drop=True)), name


def test_segments_contract_and_the_issue_example(seed_run):
    seg = pd.read_csv(seed_run.path("segments.csv"), keep_default_na=False)
    assert list(seg.columns[:7]) == ["file", "doc_id", "paragraph", "sentence", "start", "end", "text"]
    row = seg[(seg.file == "000_ff484f60f80210ce.txt") & (seg.paragraph == 2)]
    assert row[["sentence", "start", "end"]].values.tolist() == [[0, 533, 684]]
    assert row.text.iloc[0].startswith("Borde det inte istället handla om") and row.text.iloc[0].endswith("kärnuppdraget?")
    assert set(seg.file) == {p.name for p in corpus.list_raw_files(paths.CORPUS_DIR)}


def test_coded_rows_point_at_segments(seed_run):
    seg = pd.read_csv(seed_run.path("segments.csv"), keep_default_na=False)
    coded = pd.read_csv(seed_run.path("coded.csv"), keep_default_na=False)
    keys = set(zip(seg.file, seg.start, seg.end))
    assert len(coded) > 0 and all(k in keys for k in zip(coded.file, coded.start, coded.end))
    assert not coded.duplicated(["file", "start", "code"]).any()
    for col in ("rules", "matched"):
        assert all(v.split("; ") == sorted(set(v.split("; "))) for v in coded[col])


def test_pipeline_never_writes_the_raw_corpus(seed_run):
    assert corpus.verify_checksums(paths.CORPUS_DIR) == []


def test_cache_is_used_and_invalidated_by_a_changed_raw_file(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Tillit är bra.\n"})
    run = pipeline.Run.from_params(root, tmp_path / "out")
    seg, _ = pipeline.segments(run)
    mtime = run.path("segments.csv").stat().st_mtime_ns
    pipeline.segments(run)
    assert run.path("segments.csv").stat().st_mtime_ns == mtime  # read from the cache
    (root / "raw/a.txt").write_text("Detaljstyrning är dåligt.\n", encoding="utf-8")
    seg2, _ = pipeline.segments(run)
    assert seg2.text.tolist() == ["Detaljstyrning är dåligt."]
    assert pipeline.coded(run).code.tolist() == ["P_DETAIL"]


def test_another_corpus_without_metadata(corpus_factory, tmp_path, caplog):
    root = corpus_factory({"b.txt": "Dokumentationen tar tid.\n\nMest läst\n", "a.txt": "Vi litar på personalen."})
    with caplog.at_level(logging.WARNING):
        seg, removed = pipeline.segments(pipeline.Run.from_params(root, tmp_path / "o"))
    assert "ids from their file names" in caplog.text
    assert seg[["file", "doc_id", "text"]].values.tolist() == [
        ["a.txt", "a", "Vi litar på personalen."], ["b.txt", "b", "Dokumentationen tar tid."]]
    assert removed[["file", "rule", "text"]].values.tolist() == [["b.txt", "site-list", "Mest läst"]]


def test_empty_file_is_logged_not_dropped_silently(corpus_factory, tmp_path, caplog):
    root = corpus_factory({"a.txt": "", "b.txt": "Text."})
    with caplog.at_level(logging.WARNING):
        seg, _ = pipeline.segments(pipeline.Run.from_params(root, tmp_path / "o"))
    assert "a.txt: the file is empty" in caplog.text
    assert seg.file.tolist() == ["b.txt"]
