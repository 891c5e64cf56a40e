"""The output contract of segments.csv, removed.csv and coded.csv, and caching."""

from __future__ import annotations

import logging
from pathlib import Path

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


def test_asking_for_tables_again_hashes_no_unchanged_file_again(corpus_factory, tmp_path, monkeypatch):
    """Every call for a table hashed every table and every input again (a notebook asks
    for tables many times). A file unchanged since this process hashed it, and settled then,
    is not read again; a change is still seen."""
    corpus_dir = corpus_factory({"a.txt": "Vi behöver tillit.\n"})
    run = pipeline.Run.from_params(corpus_dir, tmp_path / "out")
    pipeline.coded(run)  # built
    later = pipeline.time.time_ns() + 60 * 10**9
    monkeypatch.setattr(pipeline, "_now", lambda: later, raising=False)  # the files have settled
    hashed = _count_hashing(monkeypatch)
    pipeline.coded(run), pipeline.segments(run), pipeline.tokens(run)  # the first call takes the digests
    hashed.clear()
    for _ in range(3):
        pipeline.coded(run), pipeline.segments(run), pipeline.documents(run), pipeline.tokens(run)
    assert hashed == []
    # the same answers as before: an edited table is refused, a changed input rebuilds
    edited = run.path("coded.csv").read_text(encoding="utf-8") + "my note\n"
    run.path("coded.csv").write_text(edited, encoding="utf-8")
    with pytest.raises(pipeline.EditedTableError):
        pipeline.coded(run)
    # the table put back as the pipeline wrote it (not removed: a missing table rebuilds whatever the inputs)
    run.path("coded.csv").write_text(edited.removesuffix("my note\n"), encoding="utf-8")
    assert pipeline.edited_tables(run.out) == []
    (Path(corpus_dir) / "raw" / "a.txt").write_text("Vi behöver mer tillit.\n", encoding="utf-8")
    assert "mer tillit" in " ".join(pipeline.segments(run)[0]["text"])


def _count_hashing(monkeypatch) -> list:
    """The files hashed from now on (a table's name, or 1 for an input), as
    test_asking_for_tables_again_hashes_no_unchanged_file_again counts them."""
    import hashlib

    from helpers import manifest
    hashed = []

    class Counted:
        def sha256(self, *data):
            if data:  # a file's bytes (fingerprint() hashes the digests, with no argument)
                hashed.append(1)
            return hashlib.sha256(*data)

    file_hash = manifest.file_hash
    monkeypatch.setattr(pipeline, "hashlib", Counted())
    monkeypatch.setattr(manifest, "file_hash", lambda folder, rel: hashed.append(rel) or file_hash(folder, rel))
    return hashed


def test_a_write_of_another_file_in_out_hashes_no_unchanged_table_again(corpus_factory, tmp_path, monkeypatch):
    """A remembered digest kept the size and times of the table's folder: every write in
    OUT (a figure a notebook saves, and the journal rewritten with it) changed them, and
    all the tables were hashed again on the next call."""
    from helpers import io
    run = pipeline.Run.from_params(corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out")
    pipeline.coded(run)  # built
    later = pipeline.time.time_ns() + 60 * 10**9
    monkeypatch.setattr(pipeline, "_now", lambda: later, raising=False)  # the files have settled
    hashed = _count_hashing(monkeypatch)
    pipeline.coded(run), pipeline.segments(run)  # the first call takes the digests
    hashed.clear()
    io.write_text(run.path("figures/x.svg"), "<svg/>")  # noted in OUT's journal: OUT changes
    assert (run.out / ".kvalitext-written.json").exists()
    pipeline.coded(run), pipeline.segments(run)
    assert hashed == []


def test_a_file_rewritten_at_the_same_size_and_time_before_it_settled_is_hashed_again(corpus_factory, tmp_path,
                                                                                     monkeypatch):
    """A digest taken while the file's time stamps could still be those of a next write
    (within SETTLED_NS) is not remembered: a rewrite at the same size within the same tick
    leaves the file's state as it was, and only its hash sees the change. Here the tick is
    made long: the file system gives the change time as the modification time (as some
    file systems do), and the rewrite keeps the modification time."""
    import os
    import types
    corpus_dir = Path(corpus_factory({"a.txt": "Vi behöver tillit.\n"}))
    run = pipeline.Run.from_params(corpus_dir, tmp_path / "out")
    raw = corpus_dir / "raw" / "a.txt"

    def coarse(st):
        return types.SimpleNamespace(st_dev=st.st_dev, st_ino=st.st_ino, st_size=st.st_size, st_mode=st.st_mode,
                                     st_mtime_ns=st.st_mtime_ns, st_ctime_ns=st.st_mtime_ns)

    class CoarseOs:
        def __getattr__(self, name):
            return getattr(os, name)

        def stat(self, path, *args, **kwargs):
            return coarse(os.stat(path, *args, **kwargs))

        def lstat(self, path, *args, **kwargs):
            return coarse(os.lstat(path, *args, **kwargs))

    monkeypatch.setattr(pipeline, "os", CoarseOs())
    st = raw.stat()
    monkeypatch.setattr(pipeline, "_now", lambda: st.st_mtime_ns + 1000, raising=False)  # 1 µs after the write
    pipeline.segments(run), pipeline.segments(run)  # built, then asked again within the tick: the digest taken
    raw.write_text("Vi behöver mindre.\n", encoding="utf-8")  # the same size, the same file
    os.utime(raw, ns=(st.st_atime_ns, st.st_mtime_ns))
    assert (raw.stat().st_size, raw.stat().st_ino, raw.stat().st_mtime_ns) == (st.st_size, st.st_ino, st.st_mtime_ns)
    assert pipeline.segments(run)[0]["text"].tolist() == ["Vi behöver mindre."]


def test_a_remembered_digest_of_a_linked_input_follows_its_target(corpus_factory, tmp_path, monkeypatch):
    """A raw file that is a link inside the corpus is read through it: a digest remembered
    by the link's own state missed a change of the file it points to, and stale tables were
    served."""
    corpus_dir = Path(corpus_factory({"a.txt": "Vi behöver tillit.\n"}))
    (corpus_dir / "texts").mkdir()
    (corpus_dir / "texts" / "b.txt").write_text("Tillit är bra.\n", encoding="utf-8")
    (corpus_dir / "raw" / "b.txt").symlink_to(corpus_dir / "texts" / "b.txt")
    run = pipeline.Run.from_params(corpus_dir, tmp_path / "out")
    later = pipeline.time.time_ns() + 60 * 10**9
    monkeypatch.setattr(pipeline, "_now", lambda: later, raising=False)  # the files have settled
    pipeline.segments(run), pipeline.segments(run)  # the digests are taken, then remembered
    (corpus_dir / "texts" / "b.txt").write_text("Detaljstyrning är dåligt.\n", encoding="utf-8")
    assert "Detaljstyrning är dåligt." in pipeline.segments(run)[0]["text"].tolist()


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


def test_the_diary_becomes_five_dated_documents(seed_run):
    docs = pipeline.documents(seed_run)
    entries = docs[docs.parent == "tillit-diary"]
    assert entries[["place", "date", "date_inferred", "date_source"]].values.tolist() == [
        ["Norrtälje", "2017-04-21", "true", "entry heading"],
        ["Gislaved", "2017-02-01", "true", "entry heading"],
        ["Luleå", "2017-01-11", "false", "entry heading"],
        ["Falun", "2016-11-08", "false", "entry heading"],
        ["Uppsala", "2016-10-10", "false", "entry heading"],
    ]
    assert set(entries.voice) == {"Trust Delegation"}  # metadata carried over to entries
    seg = pd.read_csv(seed_run.path("segments.csv"), keep_default_na=False)
    diary = seg[seg.file == "004_8532f4a48792f5a4.txt"]
    assert set(diary.doc_id) == set(entries.doc_id)
    for e in entries.itertuples():  # every sentence of an entry lies in its span
        s = diary[diary.doc_id == e.doc_id]
        assert s.start.min() >= e.start and s.end.max() <= e.end
    # the files that are not diaries are one document each, dated by the metadata
    single = docs[(docs.parent == "") & (docs.file != "004_8532f4a48792f5a4.txt")]
    assert single.date_source.tolist() == ["metadata"] * 4


def test_a_dateline_dates_a_document_when_metadata_says_nothing(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "fredag 5 april 2013\n\nLedarskap och tillit.\n", "b.txt": "Ingen dag.\n"})
    docs = pipeline.documents(pipeline.Run.from_params(root, tmp_path / "o"))
    assert docs[["doc_id", "date", "date_precision", "date_source"]].values.tolist() == [
        ["a", "2013-04-05", "day", "text"], ["b", "", "", ""]]


def test_tokens_carry_raw_offsets_lemmas_and_stop_words(seed_run):
    tok = pipeline.tokens(seed_run)
    seg, _ = pipeline.segments(seed_run)
    raw = {p.name: corpus.read_raw(p).text for p in corpus.list_raw_files(paths.CORPUS_DIR)}
    from helpers import clean
    assert all(clean.normalise(raw[f][s:e]) == t for f, s, e, t in tok[["file", "start", "end", "token"]].values)
    assert seg.tokens.sum() == len(tok)
    row = tok[tok.token == "socialsekreterarna"].iloc[0]
    assert row.lemma == "socialsekreterare" and not row.stop
    assert tok[tok.token.str.lower() == "och"].stop.all()
    assert not tok[tok.token.str.lower() == "inte"].stop.any()  # kept: carries meaning


def test_bad_raw_files_stop_the_run_naming_the_file(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Text.", "bild.txt": b"\x89PNG\r\n\x1a\n\x00\x00"})
    with pytest.raises(corpus.CorpusError, match=r"bild\.txt: byte 8 is a NUL byte"):
        pipeline.segments(pipeline.Run.from_params(root, tmp_path / "o"))


def test_other_encodings_and_line_ends_keep_swedish_letters(corpus_factory, tmp_path, caplog):
    root = corpus_factory({
        "bom.txt": b"\xef\xbb\xbf" + "Förtroende för lärare.\r\n".encode(),
        "cp.txt": "Tillit i skolan, än så länge.\r".encode("cp1252"),
        "u16.txt": "Socialtjänsten behöver stöd.\n".encode("utf-16"),
    })
    with caplog.at_level(logging.WARNING):
        seg, _ = pipeline.segments(pipeline.Run.from_params(root, tmp_path / "o"))
    assert seg.text.tolist() == ["Förtroende för lärare.", "Tillit i skolan, än så länge.", "Socialtjänsten behöver stöd."]
    assert "cp1252" in caplog.text and "UTF-16" in caplog.text and "byte-order mark" in caplog.text


def test_qda_export_is_valid_and_round_trips(seed_run):
    from helpers import coding, refi

    written = refi.export_qda(seed_run)
    assert refi.validate(written["codebook"]) == [] and refi.validate(written["project"]) == []
    back, report = refi.import_project(written["project"], code_ids=coding.codebook_for(paths.CORPUS_DIR))
    assert sorted(report.users.values()) == ["auto-coder", "coding_A", "coding_B"]
    assert refi.round_trip_differences(seed_run, back).empty
    assert len(back[back.coder == "auto-coder"]) == len(pipeline.coded(seed_run))
    # the reference coders come back too
    ref = pd.read_csv(paths.CORPUS_DIR / "reference" / "coding_A.csv")
    got = back[back.coder == "coding_A"][["file", "start", "end", "code"]].astype({"start": int, "end": int})
    assert sorted(map(tuple, got.values.tolist())) == sorted(map(tuple, ref[["file", "start", "end", "code"]].values.tolist()))


def test_the_dask_engine_writes_the_same_tables(seed_run, tmp_path):
    run = pipeline.Run.from_params("corpus", tmp_path / "dask", engine="dask")
    pipeline.coded(run)
    for name in ("segments.csv", "removed.csv", "documents.csv", "tokens.csv", "coded.csv", "suppressed.csv"):
        assert run.path(name).read_bytes() == seed_run.path(name).read_bytes(), name


def test_unknown_engine_is_refused():
    with pytest.raises(ValueError, match="ENGINE must be one of"):
        pipeline.Run.from_params("corpus", "build", engine="spark")


def test_only_the_study_corpus_is_embedded_however_its_path_is_written(corpus_factory):
    # the findings, the index and the evaluation's "written on" note all ask this one question
    assert pipeline.is_embedded(paths.CORPUS_DIR) and pipeline.is_embedded(paths.CORPUS_DIR / ".." / "corpus")
    assert not pipeline.is_embedded(paths.PROJ_ROOT / "corpus-dev")
    assert not pipeline.is_embedded(corpus_factory({"a.txt": "Text."}))
