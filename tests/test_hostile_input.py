"""Hostile and broken input (issue 12): each kind the review tried, grouped by kind.

Every test here fails on the code before its fix. Sections, in order: the report's
output folder (refusals, the manifest), the command line (quoting, errors), interrupted
rebuilds of the tables, encodings, the raw/ folder, metadata, REFI-QDA files, reference
codings, cleaning rules, codebooks, very long input, markup from data (escaped in every
page; the whole report on a hostile corpus, looked at in Chromium), and decomposed
Unicode (NFD). Each section keeps its helpers to itself. Refusals happen before any
notebook runs, so they are tested end to end through the real command line and ``make``.
Three real report runs are made: one through ``make`` into a folder whose name holds a
quote and ``; touch pwned``, one on a corpus of hostile markup (each shared by a
module-scoped fixture), and one that stops in the first notebook.
"""

from __future__ import annotations

import codecs
import csv
import hashlib
import html
import json
import logging
import os
import random
import re
import subprocess
import sys
import time
import unicodedata
import xml.etree.ElementTree as ET
import zipfile
from html.parser import HTMLParser
from io import BytesIO
from pathlib import Path

import matplotlib as mpl
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from nbconvert.filters.markdown_mistune import markdown2html_mistune

from helpers import (
    clean,
    coding,
    corpus,
    decisions,
    drilldown,
    figures,
    findings,
    io,
    manifest,
    markup,
    matcher,
    outputs,
    paths,
    pipeline,
    refi,
    reliability,
    report,
    stages,
    style,
    tables,
)

ROOT = paths.PROJ_ROOT
BIN = Path(sys.executable).parent
# A folder name that closed the Makefile's old '...' quoting and ran `touch pwned` (in the
# project root, where make runs).
HOSTILE = "it's; touch pwned; '"
PWNED = ROOT / "pwned"
MANIFEST = ".kvalitext-manifest.json"  # the name the README documents
TEXT = "Detaljstyrningen tar tid och dokumentationen växer.\n\nVi behöver tillit och dialog.\n"


def _corpus(root: Path, metadata: str | None = None) -> Path:
    (root / "raw").mkdir(parents=True)
    (root / "raw" / "a.txt").write_text(TEXT, encoding="utf-8")
    if metadata is not None:
        (root / "metadata.csv").write_text(metadata, encoding="utf-8")
    return root


def _env() -> dict[str, str]:
    """The environment without the outer make's (``make test``) flags and jobserver."""
    return {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}


def cli(*args: str) -> subprocess.CompletedProcess:
    """``python -m helpers.report ARGS`` from the project root."""
    return subprocess.run([sys.executable, "-m", "helpers.report", *args], cwd=ROOT, env=_env(),
                          capture_output=True, text=True)


def make(*args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in the project root, with this test's environment: ``STAMP=`` and
    ``BIN=`` keep make from (re)building ``.venv`` under the running tests."""
    return subprocess.run(["make", "--no-print-directory", *args, "STAMP=", f"BIN={BIN}"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True)


def _snapshot(folder: Path) -> dict[str, bytes]:
    """The notebooks in ``folder``, byte for byte. Only ``*.ipynb``: another test may lint them
    meanwhile (nbQA writes a passing temporary ``.py`` beside each), and a snapshot taken then
    would make the fixture below write those back."""
    return {p.name: p.read_bytes() for p in sorted(folder.glob("*.ipynb")) if p.is_file()}


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (``None``) under ``folder``, by relative path."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() if p.is_file() else None
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def notebooks_kept():
    """The project's notebooks, byte for byte; put back after the test if a regression
    removed or changed any (the test has failed by then)."""
    before = _snapshot(paths.NOTEBOOKS_DIR)
    yield before
    for name, data in before.items():
        path = paths.NOTEBOOKS_DIR / name
        if not path.exists() or path.read_bytes() != data:
            path.parent.mkdir(exist_ok=True)
            path.write_bytes(data)


@pytest.fixture
def no_pwned():
    """Fail if ``pwned`` appears in the project root (a shell ran our data as a command)."""
    assert not PWNED.exists(), f"{PWNED} is there before the test; remove it"
    yield
    if PWNED.exists():
        PWNED.unlink()  # written by the injected `touch`, during this test
        pytest.fail("a path's `; touch pwned` was run as a command")


def run_main(capsys, *args: str) -> subprocess.CompletedProcess:
    """``python -m helpers.report ARGS`` in this process (the refusals come before any
    notebook runs; a process costs seconds of imports)."""
    code = report.main(list(args))
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(args, code, captured.out, captured.err)


def assert_refused(done: subprocess.CompletedProcess, *words: str) -> str:
    """One line on stderr naming the folder and what to do, no traceback, exit status 2."""
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2, done.stdout + done.stderr
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert lines[0].startswith("error: refusing OUT="), lines[0]
    assert "give the report a folder of its own" in lines[0]
    for word in words:
        assert word in lines[0], (word, lines[0])
    return lines[0]


# --- outputs: refuse a folder that is not the report's own ---

def test_a_saved_notebook_s_shortened_path_is_refused_not_made_a_folder_in_the_project(tmp_path, capsys):
    """A report into a folder outside the project saves its notebooks with OUT shortened
    (paths.display: "…/" and the last two parts). Run again as it was saved, the notebook
    took "…/a/out" as a folder inside the project and wrote its tables there. It is refused,
    saying to give the path in full, and nothing is made."""
    out = tmp_path / "a" / "out"
    shown = paths.display(out)
    assert shown == "…/a/out"
    shortened = paths.PROJ_ROOT / paths.SHORTENED
    assert not shortened.exists()
    with pytest.raises(paths.ShortenedPathError, match=r"'…/a/out' was shortened for a saved notebook .* give its "
                       r"full path in the parameters cell"):
        pipeline.Run.from_params("corpus", shown)
    with pytest.raises(paths.ShortenedPathError):
        pipeline.Run.from_params(paths.display(tmp_path / "b" / "corpus"), f"build/{tmp_path.name}")
    done = run_main(capsys, "--corpus", "corpus", "--out", shown)
    lines = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(lines) == 1, done.stderr
    assert lines[0].startswith("error: the path '…/a/out' was shortened") and "give its full path" in lines[0]
    assert not shortened.exists() and not (paths.BUILD_DIR / tmp_path.name).exists()


@pytest.mark.parametrize("command", [["outputs", "clean", "--out"], ["evaluation", "--out"], ["evaluation", "--corpus"],
                                     ["suggest", "--code", "R_TRUST", "--out"], ["review", "sample", "--out"],
                                     ["review", "sample", "--corpus"]])
def test_every_command_says_a_shortened_path_in_one_line(capsys, command):
    """make clean, make evaluate, make suggest and make review, given such a path (copied
    from a saved notebook), stopped with a traceback; each says it in one line, status 2."""
    import importlib

    main = importlib.import_module(f"helpers.{command[0]}").main
    assert main([*command[1:], "…/a/folder"]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: the path '…/a/folder' was shortened"), lines
    assert not (paths.PROJ_ROOT / paths.SHORTENED).exists()


def test_out_at_the_project_root_is_refused_and_nothing_is_deleted(notebooks_kept):
    done = cli("--out", ".")
    assert_refused(done, f"OUT=. ({ROOT})", "is the project root")
    assert _snapshot(paths.NOTEBOOKS_DIR) == notebooks_kept
    assert not (ROOT / "html").exists() and not (ROOT / MANIFEST).exists()


def test_out_at_the_project_root_through_make_is_refused_and_nothing_is_deleted(notebooks_kept):
    done = make("report", "OUT=.")
    assert done.returncode != 0
    assert f"error: refusing OUT=. ({ROOT}): it is the project root" in done.stderr
    assert _snapshot(paths.NOTEBOOKS_DIR) == notebooks_kept


def test_out_in_notebooks_is_refused(notebooks_kept, capsys):
    assert_refused(run_main(capsys, "--out", "notebooks"), "OUT=notebooks", "inside notebooks/")
    assert_refused(run_main(capsys, "--out", "notebooks/report"), "OUT=notebooks/report", "inside notebooks/")
    assert not (paths.NOTEBOOKS_DIR / "report").exists()
    assert _snapshot(paths.NOTEBOOKS_DIR) == notebooks_kept


def test_out_inside_or_equal_to_the_corpus_is_refused(tmp_path, capsys):
    corpus = _corpus(tmp_path / "c")
    before = sorted(p.relative_to(corpus) for p in corpus.rglob("*"))
    for out in (corpus, corpus / "raw", corpus / "build"):
        assert_refused(run_main(capsys, "--corpus", str(corpus), "--out", str(out)),
                       f"OUT={out}", f"inside the corpus folder CORPUS={corpus}")
    assert sorted(p.relative_to(corpus) for p in corpus.rglob("*")) == before


def test_out_containing_the_corpus_or_the_project_is_refused(tmp_path, capsys):
    corpus = _corpus(tmp_path / "data" / "c")
    assert_refused(run_main(capsys, "--corpus", str(corpus), "--out", str(tmp_path / "data")),
                   f"contains the corpus folder CORPUS={corpus}")
    assert_refused(run_main(capsys, "--out", ".."), f"contains the project ({ROOT})")
    assert not (tmp_path / "data" / "html").exists()


@pytest.mark.parametrize("out, why", [
    (".", "is the project root"),
    ("corpus/..", "is the project root"),
    ("/", "contains the project"),
    ("notebooks", "inside notebooks/"),
    ("notebooks/x/y", "inside notebooks/"),
    ("corpus", "inside the corpus folder"),
    ("corpus/raw", "inside the corpus folder"),
    ("docs", "inside the project, whose files are not outputs"),
    ("helpers/x", "inside the project, whose files are not outputs"),
    ("corpus-dev/out", "inside the project, whose files are not outputs"),
])
def test_unsafe_out_says_why(out, why):
    reason = paths.unsafe_out(out, "corpus")
    assert reason and why in reason and f"OUT={out}" in reason
    with pytest.raises(paths.OutputFolderError, match="give the report a folder of its own"):
        paths.check_out(out, "corpus")


def test_out_in_another_corpus_or_its_raw_texts_is_refused_and_nothing_is_written(tmp_path, capsys):
    """The reviewer's case: OUT=<another corpus>/raw wrote a report among its raw texts."""
    corpus, other = _corpus(tmp_path / "c"), _corpus(tmp_path / "other")
    before = _tree(other)
    for out in (other / "raw", other / "raw" / "report"):
        assert_refused(run_main(capsys, "--corpus", str(corpus), "--out", str(out)),
                       f"OUT={out}", f"it is inside {other / 'raw'}, a corpus's raw texts, which are never written")
    assert_refused(run_main(capsys, "--corpus", str(corpus), "--out", str(other)),
                   f"OUT={other}", "it holds raw/, a corpus's raw texts")
    assert _tree(other) == before
    # a folder above the output that holds a raw/ (of photographs, or of texts) refuses nothing below it but raw/
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "IMG_0001.CR2").write_bytes(b"")
    assert paths.unsafe_out(tmp_path / "reports" / "mine", corpus) is None
    (tmp_path / "raw" / "notes.txt").write_text("Text.\n", encoding="utf-8")
    assert paths.unsafe_out(tmp_path / "reports" / "mine", corpus) is None
    assert paths.unsafe_out(other / "report", corpus) is None  # beside another corpus's raw/, not in it


def test_a_raw_folder_one_may_not_read_is_no_reason_to_stop(tmp_path, monkeypatch):
    """Looking for another corpus's raw texts above OUT, a raw/ of another user's that one
    may not list is no corpus of this run's (it stopped the check with PermissionError)."""
    (tmp_path / "raw").mkdir()
    listed = Path.iterdir

    def denied(self):
        if self.name == "raw":
            raise PermissionError(13, "Permission denied", str(self))
        return listed(self)

    monkeypatch.setattr(Path, "iterdir", denied)
    assert paths.unsafe_out(tmp_path / "raw" / "out", "corpus") is None


def test_a_folder_of_ones_own_files_is_refused_and_an_empty_one_or_a_reports_is_not(tmp_path, capsys):
    """The reviewer's case: a report into a folder of one's own replaced the files of the
    names it writes (coded.csv, html/...), exit 0."""
    corpus, mine = _corpus(tmp_path / "c"), tmp_path / "mine"
    (mine / "html").mkdir(parents=True)
    (mine / "coded.csv").write_text("my own table\n", encoding="utf-8")
    (mine / "html" / "index.html").write_text("my page\n", encoding="utf-8")
    before = _tree(mine)
    assert_refused(run_main(capsys, "--corpus", str(corpus), "--out", str(mine)),
                   f"OUT={mine}", "already holds files that no run recorded writing (coded.csv, html/)")
    with pytest.raises(paths.OutputFolderError, match="no run recorded writing"):
        pipeline.Run.from_params(corpus, mine)  # a notebook run by hand with this OUT
    assert _tree(mine) == before
    # a hidden file is no one's work a run replaces; an earlier run's record makes it a run's folder
    (empty := tmp_path / "empty").mkdir()
    (empty / ".DS_Store").write_text("", encoding="utf-8")
    assert outputs.unrecorded(str(empty)) is None
    for record in (MANIFEST, manifest.JOURNAL, manifest.STAMP, f"{paths.EVALUATION_DIR}/c/{MANIFEST}"):
        ran = tmp_path / "ran" / record.replace("/", "_")
        (ran / record).parent.mkdir(parents=True)
        (ran / record).write_text("{}", encoding="utf-8")
        (ran / "coded.csv").write_text("a run's table\n", encoding="utf-8")
        assert outputs.unrecorded(str(ran)) is None, record
    assert outputs.unrecorded(None) is None  # build/, the project's own
    # what make clean keeps on purpose (a review's sheet, make suggest's tables) leaves a folder runs may use again
    (kept := tmp_path / "cleaned").mkdir()
    (kept / "review").mkdir()
    (kept / "review" / "review.xlsx").write_bytes(b"a sheet being filled")
    (kept / "suggestions_P_DETAIL.csv").write_text("term\n", encoding="utf-8")
    assert outputs.unrecorded(str(kept)) is None
    (kept / "notes.md").write_text("mine\n", encoding="utf-8")
    assert "(notes.md)" in outputs.unrecorded(str(kept))


def test_unsafe_out_follows_symbolic_links(tmp_path):
    corpus = _corpus(tmp_path / "c")
    (tmp_path / "to-notebooks").symlink_to(paths.NOTEBOOKS_DIR)
    (tmp_path / "to-corpus").symlink_to(corpus)
    (tmp_path / "to-root").symlink_to(ROOT)
    assert "inside notebooks/" in paths.unsafe_out(tmp_path / "to-notebooks" / "out", corpus)
    assert "inside the corpus folder" in paths.unsafe_out(tmp_path / "to-corpus" / "out", corpus)
    assert "is the project root" in paths.unsafe_out(tmp_path / "to-root", corpus)


def test_ordinary_output_folders_are_accepted(tmp_path):
    corpus = _corpus(tmp_path / "c")
    assert paths.unsafe_out(None, None) is None  # build/ and corpus/, the defaults
    assert paths.unsafe_out("build/other", "corpus") is None
    assert paths.unsafe_out(tmp_path / "out", corpus) is None  # beside the corpus
    assert paths.unsafe_out(tmp_path / "out", "corpus") is None  # outside the project


# --- outputs: never delete what we did not write ---

def _fake_previous_run(out: Path, listed: list[str], files: list[str]) -> dict[str, str]:
    """Write ``files`` (each holding its own path) and a manifest recording ``listed``, with
    the hash of what each holds (of its path, for one that is not there); the record."""
    for rel in files:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(rel, encoding="utf-8")
    recorded = {rel: hashlib.sha256(rel.encode("utf-8")).hexdigest() for rel in listed}
    (out / MANIFEST).write_text(json.dumps({"sha256": recorded}), encoding="utf-8")
    return recorded


def test_only_the_previous_runs_listed_files_that_this_run_did_not_write_are_removed(tmp_path):
    out = tmp_path / "out"
    listed = ["html/00_a.html", "html/99_old.html", "html/99_old.code.html", "notebooks/99_old.ipynb"]
    _fake_previous_run(out, listed, listed + ["html/mine.html", "notebooks/mine.ipynb", "segments.csv"])
    removed = manifest.remove_stale(out, manifest.read(out), ["html/00_a.html", "html/index.html"]).removed
    assert removed == ["html/99_old.code.html", "html/99_old.html", "notebooks/99_old.ipynb"]
    left = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert left == [MANIFEST, "html/00_a.html", "html/mine.html", "notebooks/mine.ipynb", "segments.csv"]


def test_the_notebooks_tables_are_those_they_wrote_and_the_pipelines_kept(tmp_path):
    """A table is the run's when its notebooks wrote it (new, or written again: a new file)
    or when it is one of the pipeline's tables, kept in OUT as the run's cache and not
    written again when current; a CSV of one's own is not, so it is never removed."""
    out = tmp_path / "out"
    own = ["mine.csv", "spreadsheet/mine.csv", "reliability_auto.csv"]
    _fake_previous_run(out, [], tables.out_files() + own)
    # the pipeline's stamp records the tables it wrote (helpers.pipeline.build_tables)
    io.write_text(out / pipeline.STAMP_FILE, manifest.dumps(manifest.record(out, tables.out_files())))
    before = report._stamps(out)
    io.record_writes(out)  # as a notebook's pipeline.Run.from_params does: its writes are noted in OUT's journal
    io.write_text(out / "reliability_auto.csv", "written again")
    io.write_csv(out / "findings_quotes.csv", pd.DataFrame({"quote": ["ny"]}))
    written = report.notebook_outputs(out, before)
    assert written == sorted(tables.out_files() + ["findings_quotes.csv", "reliability_auto.csv",
                                                   "spreadsheet/findings_quotes.csv", pipeline.STAMP_FILE])
    assert "segments.csv" in written and "spreadsheet/segments.csv" in written and "tokens.csv" in written
    # a next run that no longer writes reliability_auto.csv removes it, and keeps one's own and the cache
    recorded = manifest.record(out, written)
    assert manifest.remove_stale(out, recorded, [w for w in written if w != "reliability_auto.csv"]).removed == [
        "reliability_auto.csv"]
    assert (out / "mine.csv").exists() and (out / "spreadsheet/mine.csv").exists() and (out / "segments.csv").exists()


def test_a_manifest_cannot_point_outside_out_or_at_other_files(tmp_path):
    out = tmp_path / "out"
    outside = tmp_path / "thesis.ipynb"
    outside.write_text("mine", encoding="utf-8")
    listed = ["../thesis.ipynb", str(outside), "notebooks/../../thesis.ipynb", "html/../segments.csv",
              "spreadsheet/../segments.csv", "../segments.csv", "review/sample.csv", "spreadsheet/sub/x.csv",
              "html/sub/x.html", "notebooks/x.py", "segments.xlsx", "html", ""]
    _fake_previous_run(out, listed, ["segments.csv", "review/sample.csv", "spreadsheet/sub/x.csv", "html/sub/x.html",
                                     "notebooks/x.py", "segments.xlsx"])
    (tmp_path / "segments.csv").write_text("mine", encoding="utf-8")
    assert manifest.remove_stale(out, manifest.read(out), []).removed == []
    assert outside.exists() and (out / "segments.csv").exists() and (out / "html/sub/x.html").exists()
    assert (out / "notebooks/x.py").exists() and (tmp_path / "segments.csv").exists()
    assert (out / "review/sample.csv").exists() and (out / "spreadsheet/sub/x.csv").exists()
    assert (out / "segments.xlsx").exists()


def test_cleanup_does_not_follow_symbolic_links_out_of_out(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "html").mkdir(parents=True)
    (elsewhere / "html" / "00_a.html").write_text("theirs", encoding="utf-8")
    (elsewhere / "notes.ipynb").write_text("theirs", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    (out / "html").symlink_to(elsewhere / "html")  # a listed folder that is a link
    (out / "notebooks").mkdir()
    (out / "notebooks" / "00_a.ipynb").symlink_to(elsewhere / "notes.ipynb")  # a listed file that is a link
    (out / "coded.csv").symlink_to(elsewhere / "notes.ipynb")  # a listed table that is a link
    recorded = {"coded.csv": manifest.file_hash(elsewhere, "notes.ipynb"),
                "html/00_a.html": manifest.file_hash(elsewhere, "html/00_a.html"),
                "notebooks/00_a.ipynb": manifest.file_hash(elsewhere, "notes.ipynb")}  # their very bytes
    (out / MANIFEST).write_text(manifest.dumps(recorded), encoding="utf-8")
    assert manifest.remove_stale(out, manifest.read(out), []).removed == []
    assert (elsewhere / "html" / "00_a.html").exists() and (elsewhere / "notes.ipynb").exists()
    assert (out / "notebooks" / "00_a.ipynb").is_symlink() and (out / "coded.csv").is_symlink()


@pytest.mark.parametrize("text", ["{not json", '{"files": "html/x.html"}', "[]", '{"other": 1}',
                                  '{"sha256": ["html/x.html"]}'])
def test_an_unreadable_manifest_removes_nothing(tmp_path, text):
    out = tmp_path / "out"
    _fake_previous_run(out, [], ["html/x.html"])
    (out / MANIFEST).write_text(text, encoding="utf-8")
    assert manifest.read(out) is None
    assert manifest.remove_stale(out, manifest.read(out) or {}, []).removed == []
    assert (out / "html" / "x.html").exists()


STALE = ["figures/99_old.svg", "html/99_old.code.html", "html/99_old.html", "notebooks/99_old.ipynb",
         "reliability_99_old.csv", "spreadsheet/reliability_99_old.csv"]
FOREIGN = ["figures/my_own.png", "html/mine.html", "my_table.csv", "notebooks/my_thesis_analysis.ipynb",
           "spreadsheet/my_table.csv"]
EDITED = ["html/98_old.html", "reliability_98_old.csv"]  # stale, but edited since the previous run wrote them


@pytest.fixture(scope="module")
def hostile_report(tmp_path_factory):
    """One real `make report`, as a researcher runs it, on the corpus whose data tries to run
    in the pages (:func:`_markup_corpus`), and into an OUT whose paths hold a quote and
    ``; touch pwned``; OUT has a fake previous run (its manifest lists stale files, two of
    them edited since) and a researcher's own notebook and page. ``(out, finished make)``.
    Built once for the tests of paths, of what a run removes and of markup from data (the
    corpus and its payloads are in the section on markup below): the report runs every notebook."""
    base = tmp_path_factory.mktemp("hostile") / HOSTILE
    corpus = _markup_corpus(base / "corpus")
    out = base / "out"
    _fake_previous_run(out, STALE + EDITED + ["html/00_overview.html"], STALE + EDITED + FOREIGN)
    for rel in EDITED:
        (out / rel).write_text("my notes, saved over the run's file", encoding="utf-8")
    assert not PWNED.exists(), f"{PWNED} is there before the test; remove it"
    done = make("report", f"CORPUS={corpus}", f"OUT={out}")
    if PWNED.exists():
        PWNED.unlink()  # written by the injected `touch` during this fixture
        pytest.fail("a path's `; touch pwned` was run as a command")
    return out, done


def test_a_run_keeps_files_it_did_not_write_and_removes_what_its_last_run_listed(hostile_report):
    out, done = hostile_report
    assert done.returncode == 0, done.stderr[-3000:]
    for rel in FOREIGN:
        assert (out / rel).read_text(encoding="utf-8") == rel, rel
    for rel in STALE:
        assert not (out / rel).exists(), rel
    assert f"removed {len(STALE)} file(s) of the previous report: " + ", ".join(STALE) in done.stderr


def test_a_run_keeps_a_stale_file_edited_since_and_names_it(hostile_report):
    """A file the previous report wrote and no notebook writes any more was removed by name,
    though the researcher had saved their own notes over it."""
    out, done = hostile_report
    assert done.returncode == 0, done.stderr[-3000:]
    for rel in EDITED:
        assert (out / rel).read_text(encoding="utf-8") == "my notes, saved over the run's file", rel
        assert (f"kept {out / rel}: changed since the run wrote it; remove it yourself if it is yours to lose"
                in done.stderr.splitlines()), done.stderr
    assert not set(EDITED) & set(manifest.read(out))  # no longer the run's: the next clean keeps them too


def test_the_manifest_lists_what_the_run_wrote_sorted_and_relative(hostile_report):
    out, done = hostile_report
    assert done.returncode == 0, done.stderr[-3000:]
    stems = [p.stem for p in report.notebooks()]
    expected = sorted([f"notebooks/{s}.ipynb" for s in stems] + [f"html/{s}.html" for s in stems]
                      + [f"html/{s}.code.html" for s in stems] + ["html/index.html", f"html/{report.CODEBOOK_PAGE}"]
                      + [f"figures/{p.name}" for p in (out / "figures").iterdir()
                         if f"figures/{p.name}" not in FOREIGN]  # a figure of one's own is not the run's
                      + [f"html/figures/{p.name}" for p in (out / "figures").glob("*.svg")
                         if f"figures/{p.name}" not in FOREIGN]  # the copies its pages link, not one's own
                      + [f"html/data/{p.name}" for p in (out / "html" / "data").iterdir()]  # the tables its pages name
                      + [p.relative_to(out).as_posix() for p in [*out.glob("*.csv"), *out.glob("spreadsheet/*.csv")]
                         if p.relative_to(out).as_posix() not in FOREIGN + EDITED]  # nor a table of one's own
                      + ["codebook.qdc", "project.qdpx"]  # notebook 05's QDA exports
                      + [pipeline.STAMP_FILE])  # the stamp of the pipeline's tables, kept as the run's cache
    assert "figures/themes_by_sector.svg" in expected and "figures/99_old.svg" not in expected
    assert "html/figures/themes_by_sector.svg" in expected and not (out / "html" / "figures" / "99_old.svg").exists()
    assert {"coded.csv", "tokens.csv", "spreadsheet/coded.csv", "findings_quotes.csv", "spreadsheet/findings_quotes.csv",
            "review_precision.csv", "spreadsheet/review_precision.csv"} <= set(expected)
    assert "reliability_99_old.csv" not in expected and "my_table.csv" not in expected
    assert "html/data/coded.csv" in expected and "html/data/my_table.csv" not in expected
    assert manifest.MANIFEST == MANIFEST
    hashes = {rel: hashlib.sha256((out / rel).read_bytes()).hexdigest() for rel in expected}
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8")) == {"sha256": hashes}
    assert all((out / rel).is_file() for rel in expected)


def test_a_failed_run_removes_nothing_and_says_which_notebook_stopped_in_one_line(tmp_path):
    corpus = _corpus(tmp_path / "c", metadata="file\nmissing.txt\n")  # stops the first notebook
    out = tmp_path / "out"
    recorded = _fake_previous_run(out, STALE, STALE + FOREIGN)
    done = cli("--corpus", str(corpus), "--out", str(out))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert errors == [f"error: 00_overview.ipynb stopped with CorpusError: {paths.display(corpus / 'metadata.csv')} "
                      "line 2: names 'missing.txt', which is not in raw/. Add the file or remove the row. "
                      "The previous report's pages are left as they were. "
                      "(--debug, or make report DEBUG=1, shows the traceback)"], done.stderr
    assert all((out / rel).exists() for rel in STALE + FOREIGN)
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8")) == {"sha256": recorded}


def test_a_first_run_that_fails_speaks_of_no_previous_report(tmp_path):
    """It said "The previous report's pages are left as they were" where there was none."""
    corpus = _corpus(tmp_path / "c", metadata="file\nmissing.txt\n")
    done = cli("--corpus", str(corpus), "--out", str(tmp_path / "out"))
    assert done.returncode == 1
    assert [line for line in done.stderr.splitlines() if line.startswith("error:")] == [
        f"error: 00_overview.ipynb stopped with CorpusError: {paths.display(corpus / 'metadata.csv')} line 2: names "
        "'missing.txt', which is not in raw/. Add the file or remove the row. "
        "(--debug, or make report DEBUG=1, shows the traceback)"], done.stderr


def test_a_run_that_fails_after_one_that_failed_speaks_of_no_pages(tmp_path):
    """A run that failed after its first notebooks leaves a manifest of the tables they wrote,
    and no page: the next run that fails does not say the previous report's pages are left."""
    corpus = _corpus(tmp_path / "c", metadata="file\nmissing.txt\n")  # stops the first notebook
    out = tmp_path / "out"
    _fake_previous_run(out, ["segments.csv", "tokens.csv"], ["segments.csv", "tokens.csv"])
    done = cli("--corpus", str(corpus), "--out", str(out))
    assert done.returncode == 1 and "error: 00_overview.ipynb stopped with CorpusError" in done.stderr
    assert "pages are left" not in done.stderr, done.stderr


def test_a_run_that_fails_half_way_leaves_the_previous_report_whole_not_mixed(tmp_path):
    """Notebook 00 runs, notebook 01 stops (rules that remove every line): the pages of 00
    from this run are not written over the previous report's, so no page of two runs mixes."""
    corpus = _corpus(tmp_path / "c")
    (corpus / "boilerplate.yaml").write_text("rules:\n  - id: everything\n    kind: line\n    patterns: ['.*']\n",
                                             encoding="utf-8")
    out = tmp_path / "out"
    previous = ["html/00_overview.html", "html/00_overview.code.html", "notebooks/00_overview.ipynb", "html/index.html"]
    recorded = _fake_previous_run(out, previous, previous)
    done = cli("--corpus", str(corpus), "--out", str(out))
    assert done.returncode == 1 and re.search(r"executing 00_overview\.ipynb \.\.\. .*?done", done.stderr, re.S)
    assert "error: 01_clean-corpus.ipynb stopped with RuleError" in done.stderr, done.stderr
    assert {rel: (out / rel).read_text(encoding="utf-8") for rel in previous} == {rel: rel for rel in previous}
    assert json.loads((out / MANIFEST).read_text(encoding="utf-8")) == {"sha256": recorded}


# --- command line: quoting ---

def test_make_passes_a_path_with_a_quote_and_a_semicolon_as_it_is(hostile_report):
    out, done = hostile_report
    assert done.returncode == 0, done.stderr[-3000:]
    assert HOSTILE in str(out) and (out / "html" / "index.html").is_file()
    assert f"report: {out / 'html' / 'index.html'}" in done.stderr


def test_a_report_that_succeeds_prints_no_kernel_noise(hostile_report):
    """No ipykernel warning about TCP, no 'ERROR | KeyboardInterrupt caught in kernel' from
    the interrupt jupyter_client sends before a shutdown: a researcher reads both as failures."""
    _, done = hostile_report
    assert done.returncode == 0
    assert "TCP" not in done.stderr and "KeyboardInterrupt" not in done.stderr and "ERROR" not in done.stderr, done.stderr


def test_make_refuses_such_a_path_naming_it_exactly(tmp_path, no_pwned):
    corpus = _corpus(tmp_path / HOSTILE / "corpus")
    out = corpus / "out $(touch pwned) `touch pwned`"
    done = make("report", f"CORPUS={corpus}", f"OUT={out}")
    assert done.returncode != 0
    assert f"error: refusing OUT={out}: it is inside the corpus folder CORPUS={corpus}," in done.stderr
    assert not out.exists()


def test_make_clean_removes_exactly_that_folder(tmp_path, no_pwned):
    out = tmp_path / HOSTILE / "out"
    out.mkdir(parents=True)
    (out / "segments.csv").write_text("x", encoding="utf-8")
    (out / MANIFEST).write_text(manifest.dumps(manifest.record(out, ["segments.csv"])), encoding="utf-8")
    (tmp_path / "its").mkdir()  # what the old quoting made of the path
    done = make("clean", f"OUT={out}")
    assert done.returncode == 0, done.stderr
    assert not out.exists() and (tmp_path / HOSTILE).is_dir() and (tmp_path / "its").is_dir()


def test_make_clean_refuses_what_the_report_refuses(notebooks_kept):
    done = make("clean", "OUT=notebooks")
    assert done.returncode != 0 and "refusing make clean OUT=notebooks" in done.stderr and "inside notebooks/" in done.stderr
    assert _snapshot(paths.NOTEBOOKS_DIR) == notebooks_kept


def test_make_help_shows_the_values_without_running_them(no_pwned):
    done = make("help", "CORPUS=`touch pwned`", "OUT=$(touch pwned)")
    assert done.returncode == 0, done.stderr
    assert "variables: CORPUS=`touch pwned` OUT=$(touch pwned) ENGINE=pandas" in done.stdout


# --- command line: errors are one line, the traceback is for --debug ---

def test_debug_lets_the_error_through_with_its_traceback(notebooks_kept):
    with pytest.raises(paths.OutputFolderError, match=r"^refusing OUT=\. "):
        report.main(["--out", ".", "--debug"])


def test_a_corpus_folder_that_does_not_exist_is_said_at_once_and_nothing_runs(tmp_path, capsys):
    """It was said by the first notebook's kernel, seconds later, as "no 'raw' folder"."""
    gone = tmp_path / "doesnotexist"
    done = run_main(capsys, "--corpus", str(gone), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "executing" not in done.stdout + done.stderr
    assert done.stderr.startswith(f"error: CORPUS={gone}: no such folder. Give CORPUS= a corpus folder, one that holds "
                                  "raw/"), done.stderr
    assert not (tmp_path / "out").exists()


def test_a_run_without_notebooks_is_an_error_not_an_empty_report(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(paths, "NOTEBOOKS_DIR", tmp_path / "notebooks")
    assert report.main(["--out", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.startswith("error: there are no notebooks (NN_name.ipynb) in ")
    assert not (tmp_path / "out").exists()


# --- outputs: interrupted rebuilds never leave mixed tables -------------------------------


def _served(run: pipeline.Run) -> bool:
    """Whether asking for a table of ``run`` (``pipeline.segments``, as a notebook does)
    serves the tables in ``OUT`` as they are, rather than rebuilding them first."""
    built, real = [], pipeline.build_tables

    def counted(r: pipeline.Run) -> None:
        built.append(r)
        real(r)

    with pytest.MonkeyPatch.context() as m:
        m.setattr(pipeline, "build_tables", counted)
        pipeline.segments(run)
    return not built


def test_an_interrupted_rebuild_then_reverted_inputs_is_rebuilt_not_served(corpus_factory, tmp_path, monkeypatch):
    """Inputs X built; inputs Y half written, interrupted; inputs back to X: the tables
    are X's, whole (the review's M8)."""
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    run = pipeline.Run.from_params(root, tmp_path / "out")
    pipeline.build_tables(run)
    (root / "raw" / "a.txt").write_text("Detaljstyrning är stor.\nTillit saknas helt.\n", encoding="utf-8")
    real, calls = io.write_csv, []

    def dying(*args, **kwargs):
        calls.append(args[0])
        if len(calls) == 2:
            raise KeyboardInterrupt
        return real(*args, **kwargs)

    monkeypatch.setattr(io, "write_csv", dying)
    with pytest.raises(KeyboardInterrupt):
        pipeline.build_tables(run)
    monkeypatch.setattr(io, "write_csv", real)
    (root / "raw" / "a.txt").write_text("Detaljstyrning är stor.\n", encoding="utf-8")
    assert not _served(run)  # rebuilt
    assert pipeline.segments(run)[0]["text"].tolist() == ["Detaljstyrning är stor."]
    assert pipeline.coded(run)["start"].tolist() == [0]


SAVED = "Detaljstyrning är stor.\n\nTillit saknas helt i kommunen.\n"  # what the user saves during the build


@pytest.mark.parametrize("when", ["raw text, after it was read", "codebook, just before it was read"])
def test_an_input_saved_during_the_build_is_named_and_the_tables_are_not_stamped(corpus_factory, tmp_path,
                                                                                 monkeypatch, when):
    """The stamp was the fingerprint of the inputs after the build: a raw text saved after
    it was read was stamped with content the tables do not hold, and the next run served
    them as fresh (the review's 08_stamp_race). Now the inputs are fingerprinted before
    they are read and checked again after: a change on either side of a read is named,
    nothing is stamped, and the next run rebuilds from the files as they are."""
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    run = pipeline.Run.from_params(root, tmp_path / "out")
    if when.startswith("raw"):
        real, target, changed = stages.run_corpus, stages, "raw/a.txt"

        def saving(*args, **kwargs):
            out = real(*args, **kwargs)
            (root / "raw" / "a.txt").write_text(SAVED, encoding="utf-8")
            return out
        monkeypatch.setattr(stages, "run_corpus", saving)
    else:
        real, target, changed = coding.codebook_for, coding, "codebook.yaml"

        def saving(*args, **kwargs):
            _codebook(root)  # a codebook of one code (tillit* is no longer coded)
            return real(*args, **kwargs)
        monkeypatch.setattr(coding, "codebook_for", saving)
    with pytest.raises(pipeline.InputChangedError, match=rf"{re.escape(changed)} changed while the tables were being "
                                                         r"built .* not stamped as fresh\. Run again"):
        pipeline.build_tables(run)
    monkeypatch.setattr(target, real.__name__, real)
    assert not _served(run)  # rebuilt
    if changed == "raw/a.txt":
        assert pipeline.segments(run)[0]["text"].tolist() == ["Detaljstyrning är stor.", "Tillit saknas helt i kommunen."]
    pipeline.build_tables(run)  # nothing changes now: stamped
    assert _served(run)


_SLOW_WRITE = """
import os, sys, time
from helpers import io
real_fdopen = os.fdopen

class Slow:
    def __init__(self, fh): self.fh = fh
    def __enter__(self): return self
    def __exit__(self, *a): return self.fh.__exit__(*a)
    def write(self, data):
        print("writing", flush=True)
        time.sleep(30)
    def __getattr__(self, name): return getattr(self.fh, name)

io.os.fdopen = lambda fd, mode: Slow(real_fdopen(fd, mode))
with io.terminate_as_interrupt():
    io.write_csv(sys.argv[1], __import__("pandas").DataFrame({"a": [1]}))
"""


def test_sigterm_during_a_write_leaves_no_temporary_file(tmp_path):
    target = tmp_path / "out" / "segments.csv"
    proc = subprocess.Popen([sys.executable, "-c", _SLOW_WRITE, str(target)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "writing"
    assert len(list(target.parent.glob(".segments.csv.*.tmp"))) == 1  # the write is under way
    proc.terminate()
    proc.wait(timeout=20)
    assert proc.returncode != 0 and not target.exists()
    assert list(target.parent.iterdir()) == []


def test_temporaries_left_by_a_killed_run_are_removed_and_nothing_else(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    run = pipeline.Run.from_params(root, tmp_path / "out")
    run.out.mkdir(parents=True)
    left = run.out / ".segments.csv.abc_1234.tmp"
    left.write_text("half", encoding="utf-8")
    mine = run.out / ".notes.tmp"
    mine.write_text("a researcher's file", encoding="utf-8")
    pipeline.build_tables(run)
    assert not left.exists() and mine.exists()
    assert tables.read(run.out, "segments")["text"].tolist() == ["Detaljstyrning är stor."]


def test_a_long_target_name_gets_a_short_temporary_and_its_leftovers_are_still_found(tmp_path, monkeypatch):
    """The temporary was named ``.<target>.<random>.tmp``: a target of 240 bytes, which the
    file system holds, failed with "File name too long"."""
    prefixes = []
    mkstemp = io.tempfile.mkstemp

    def recording(**kwargs):
        prefixes.append(kwargs["prefix"])
        return mkstemp(**kwargs)

    monkeypatch.setattr(io.tempfile, "mkstemp", recording)
    for name in ("x" * 240 + ".csv", "å" * 120 + ".csv"):  # 244 bytes each
        target = io.write_text(tmp_path / name, "data")
        assert target.read_text(encoding="utf-8") == "data" and sorted(tmp_path.iterdir()) == [target]
        assert len(prefixes[-1].encode("utf-8")) < 100
        (tmp_path / f"{prefixes[-1]}abc_1234.tmp").write_text("half", encoding="utf-8")  # a killed write's
        (tmp_path / f".{name[:20]}.notes.tmp").write_text("mine", encoding="utf-8")
        assert [p.name for p in io.remove_temporaries(target)] == [f"{prefixes[-1]}abc_1234.tmp"]
        (tmp_path / f".{name[:20]}.notes.tmp").unlink()
        target.unlink()
    assert io.write_text(tmp_path / "segments.csv", "x") and prefixes[-1] == ".segments.csv."  # short: as before
    with pytest.raises(io.FileNameError, match=r"the file name is 260 bytes long, and the file system holds at most "
                                               r"255; choose a shorter name"):
        io.write_text(tmp_path / "new" / "folders" / ("y" * 256 + ".csv"), "data")
    assert not (tmp_path / "new").exists()  # refused before any folder was made


def test_a_write_whose_new_folder_make_clean_removes_at_once_still_lands(tmp_path, monkeypatch):
    """make clean removes the folders it left empty (``outputs._prune``) after letting go of
    the folders' locks: a run's write that had just made its folder, and not yet put its
    temporary file in it, failed with FileNotFoundError. The folder is made again; and a
    folder that cannot be had still fails, after a few tries, with the error it gave."""
    from helpers import outputs

    out = tmp_path / "out"
    target = out / "figures" / "heatmap.svg"
    mkstemp, pruned = io.tempfile.mkstemp, []

    def clean_runs_between(**kwargs):
        if not pruned:  # make clean, between the write's mkdir and its temporary file
            outputs._prune(out, ["figures/old.svg"])
            pruned.append(not out.exists())
        return mkstemp(**kwargs)

    monkeypatch.setattr(io.tempfile, "mkstemp", clean_runs_between)
    assert io.write_text(target, "<svg/>").read_text(encoding="utf-8") == "<svg/>"
    assert pruned == [True] and sorted(p.name for p in target.parent.iterdir()) == ["heatmap.svg"]

    tried = []

    def always_gone(**kwargs):
        tried.append(kwargs["dir"])
        raise FileNotFoundError(2, "No such file or directory", kwargs["dir"])

    monkeypatch.setattr(io.tempfile, "mkstemp", always_gone)
    with pytest.raises(FileNotFoundError):
        io.write_text(target, "<svg/>")
    assert tried == [target.parent] * 3


def test_a_file_of_one_s_own_named_like_a_temporary_is_not_taken_for_one(tmp_path):
    """Only names with mkstemp's 8-character random part are a killed write's temporaries."""
    target = io.write_text(tmp_path / "segments.csv", "x")
    mine = [".segments.csv.bak.tmp", ".segments.csv.backup_12.tmp", ".segments.csv.x.y.tmp"]
    for name in mine + [".segments.csv.k9_2abcd.tmp"]:
        (tmp_path / name).write_text("x", encoding="utf-8")
    assert [p.name for p in io.remove_temporaries(target)] == [".segments.csv.k9_2abcd.tmp"]
    assert all((tmp_path / name).exists() for name in mine)


def test_a_notebook_run_by_hand_refuses_the_same_out_folders(tmp_path):
    corpus_dir = _corpus(tmp_path / "c")
    for out in (corpus_dir / "tables", ROOT, ROOT / "notebooks"):
        with pytest.raises(paths.OutputFolderError, match="refusing OUT="):
            pipeline.Run.from_params(corpus_dir, out)
    assert pipeline.Run.from_params(corpus_dir, tmp_path / "out").out == tmp_path / "out"


# --- encodings ---------------------------------------------------------------------------


def test_mixed_utf8_and_cp1252_lines_are_decoded_line_by_line_and_each_logged(corpus_factory, caplog):
    lines = ["Förtroende är viktigt.\n", "Detaljstyrning är dålig.\n", "Tilliten växer.\n"]
    data = lines[0].encode("utf-8") + lines[1].encode("cp1252") + lines[2].encode("utf-8")
    root = corpus_factory({"mixed.txt": data})
    with caplog.at_level(logging.WARNING):
        raw = corpus.read_raw(root / "raw" / "mixed.txt")
    assert raw.text == "".join(lines)  # no mojibake: "FÃ¶rtroende" was the old reading
    assert raw.encoding == "utf-8+cp1252"
    assert "mixes UTF-8" in caplog.text and "mixed.txt" in caplog.text
    # the decision is logged per line, with what undoes it: bytes and characters
    note = next(n for n in raw.notes if n.startswith("line 2 "))
    b0, b1, c0, c1 = map(int, re.search(r"bytes (\d+)-(\d+), characters (\d+)-(\d+)", note).groups())
    assert raw.text[c0:c1].encode("cp1252") == data[b0:b1]
    assert note in caplog.text


def test_a_line_mixing_utf8_and_cp1252_itself_is_refused_naming_the_line():
    data = "Förtroende är viktigt. ".encode() + "Detaljstyrning är dålig.\n".encode("cp1252")
    with pytest.raises(corpus.CorpusError, match=r"mixed\.txt: not valid UTF-8 at byte 40 \(line 1\)"
                                                 r".*also holds UTF-8 characters.*Re-save"):
        corpus.decode(data, "mixed.txt")


def test_a_line_neither_utf8_nor_cp1252_is_named_not_the_first_cp1252_line():
    data = "Välfärd.\n".encode("cp1252") + b"ok\nfel \x81 h\xe4r\n"
    with pytest.raises(corpus.CorpusError, match=r"x\.txt: not valid UTF-8 at byte 16 \(line 3\).*"
                                                 r"nor cp1252 \(byte 16 is undefined there\)"):
        corpus.decode(data, "x.txt")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_decoded_and_logged_not_called_binary(codec):
    text = "Tillit och dialog i välfärden.\r\nÅsa.\n"
    raw = corpus.decode(text.encode(codec), "x.txt")
    assert raw.text == text and raw.encoding == codec
    assert "without a byte-order mark" in raw.notes[0]


def test_nul_bytes_that_are_not_clearly_utf16_are_still_refused_with_both_readings_named():
    with pytest.raises(corpus.CorpusError, match=r"bild\.txt: byte 3 is a NUL byte.*binary.*"
                                                 r"UTF-16/UTF-32 text without a byte-order mark"):
        corpus.decode(b"PNG\x00\x01\x02\x00", "bild.txt")


@pytest.mark.parametrize("codec, bom", [("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_utf32_with_a_bom_is_read_as_utf32_not_utf16(codec, bom):
    raw = corpus.decode(bom + "Hej på dig 😀".encode(codec), "x.txt")
    assert raw.text == "Hej på dig 😀" and raw.encoding == "utf-32"
    assert "UTF-32" in raw.notes[0]


# --- raw/ folder: links, names, other files ----------------------------------------------

def test_a_link_in_raw_to_a_file_outside_the_corpus_is_refused_naming_the_link(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    (root / "kept").mkdir()
    (root / "kept" / "b.txt").write_text("Tillit.\n", encoding="utf-8")
    os.symlink(root / "kept" / "b.txt", root / "raw" / "b.txt")  # inside the corpus: followed
    assert [p.name for p in corpus.list_raw_files(root)] == ["a.txt", "b.txt"]
    secret = tmp_path / "secret.txt"
    secret.write_text("Hemlig text.\n", encoding="utf-8")
    os.symlink(secret, root / "raw" / "notes.txt")
    with pytest.raises(corpus.CorpusError, match=r"raw/notes\.txt: a symbolic link to .*secret\.txt, "
                                                 r"outside the corpus folder.*Copy the file into raw/"):
        corpus.read_raw_texts(root)


def test_upper_case_txt_is_read_and_every_skipped_entry_is_named(corpus_factory, caplog):
    root = corpus_factory({"a.txt": "Ett.\n", "B.TXT": "Två.\n", "c.md": "# Tre\n"})
    (root / "raw" / "sub").mkdir()
    (root / "raw" / "sub" / "e.txt").write_text("Fem.\n", encoding="utf-8")
    os.symlink(root / "gone.txt", root / "raw" / "d.txt")
    with caplog.at_level(logging.WARNING):
        files = corpus.list_raw_files(root)
    assert [p.name for p in files] == ["B.TXT", "a.txt"]
    assert "c.md (not .txt)" in caplog.text
    assert "sub/ (a folder" in caplog.text
    assert re.search(r"d\.txt \(a link to .*gone\.txt, which does not exist\)", caplog.text)


# --- metadata ------------------------------------------------------------------------------

@pytest.mark.parametrize("value, line", [("yes", 2), ("1", 3), ("maybe", 4)])
def test_a_date_inferred_that_is_not_true_or_false_is_refused_naming_the_line(corpus_factory, value, line):
    """'yes', '1' and 'maybe' were accepted and read as false, silently."""
    rows = ["a.txt,A,2015,false", "b.txt,B,2016, TRUE", "c.txt,C,2017,"]
    rows[line - 2] = rows[line - 2].rsplit(",", 1)[0] + f",{value}"
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två.", "c.txt": "Tre."},
                          "file,doc_id,date,date_inferred\n" + "\n".join(rows) + "\n")
    with pytest.raises(corpus.CorpusError, match=rf"metadata\.csv line {line}: date_inferred is '{value}'; write true "
                                                 r".*, false, or leave it empty"):
        corpus.load_metadata(root)


def test_date_inferred_true_false_in_any_case_or_empty_is_accepted(corpus_factory):
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två.", "c.txt": "Tre."},
                          "file,doc_id,date,date_inferred\na.txt,A,2015,false\nb.txt,B,2016, TRUE\nc.txt,C,2017,\n")
    assert corpus.load_metadata(root)["date_inferred"].tolist() == ["false", " TRUE", ""]
    assert findings.doc_dates(pd.DataFrame({"doc_id": ["A", "B", "C"], "date": ["2015", "2016", "2017"],
                                            "date_inferred": ["false", " TRUE", ""]}))["date_inferred"].tolist() == [
        False, True, False]


def test_a_reversed_date_interval_is_refused_and_forward_ones_kept(corpus_factory):
    ok = "file,date\na.txt,2016-10-10/2017\nb.txt,2017-05/2017\n"
    assert list(corpus.load_metadata(corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, ok, "ok"))["date"]) == \
        ["2016-10-10/2017", "2017-05/2017"]
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, "file,date\na.txt,2015\nb.txt,2017/2015\n")
    with pytest.raises(corpus.CorpusError, match=r"metadata\.csv line 3, column date: the interval '2017/2015' "
                                                 r"ends before it starts"):
        corpus.load_metadata(root)


@pytest.mark.parametrize("content, message", [
    ("file,title\na.txt,Välfärd\n".encode("cp1252"),
     r"metadata\.csv: not valid UTF-8 at byte 18 \(line 2\).*Re-save the file as UTF-8"),
    (b"", r"metadata\.csv: the file is empty"),
    (b"file,doc_id\na.txt,x,extra\nb.txt,y\n", r"metadata\.csv line 2: 3 field\(s\), but the header has 2"),
    (b"file,doc_id\na.txt,x\nb.txt,y,extra\n", r"metadata\.csv line 3: 3 field\(s\), but the header has 2"),
    (b"file,doc_id,doc_id\na.txt,x,y\n", r"metadata\.csv line 1: the column 'doc_id' appears twice"),
], ids=["cp1252", "empty", "ragged first row", "ragged later row", "repeated column"])
def test_unreadable_metadata_is_an_error_naming_the_file_and_line(corpus_factory, content, message):
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."})
    (root / "metadata.csv").write_bytes(content)
    with pytest.raises(corpus.CorpusError, match=message):
        corpus.load_metadata(root)


def test_metadata_lines_are_counted_in_the_file_not_in_rows(corpus_factory):
    meta = 'file,doc_id,note\na.txt,x,"two\nlines"\n\nb.txt,x,y\n'
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, meta)
    with pytest.raises(corpus.CorpusError, match=r"duplicate doc_id \['x'\] on lines 2, 5"):
        corpus.load_metadata(root)


@pytest.mark.parametrize("meta, opened, swallowed", [
    ('file,doc_id,voice,title\na.txt,A,kommun,"Ett ""citat\nb.txt,B,stat,Titel\nc.txt,C,stat,Titel 3\n', 2, 3),
    ('doc_id,file,title\nA,a.txt,"Rad ett\nrad två"\nB,b.txt,"Ett ""citat\n\nC,c.txt,Titel\n', 4, 6),
    ('file,doc_id,title\na.txt,A,"Ett ""citat\nb.txt,B,Titel\nc.txt,C,Titel 3", ok\n', 2, 3),
], ids=["last column, to the end", "file column second", "middle column, ragged"])
def test_a_quote_left_open_is_refused_naming_the_line_it_opened_on(corpus_factory, meta, opened, swallowed):
    """An unbalanced double quote swallowed the later rows into one value: their doc ids
    and voices were lost and the only message said metadata.csv "does not name" them."""
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två.", "c.txt": "Tre."}, meta)
    with pytest.raises(corpus.CorpusError, match=rf"metadata\.csv line {opened}: a double-quoted value opens here and "
                                                 rf"runs on over line {swallowed}, which reads as a row of its own.*"
                                                 r"Close the quote"):
        corpus.load_metadata(root)


def test_a_value_over_two_lines_that_name_no_file_is_kept(corpus_factory):
    meta = 'file,doc_id,title\na.txt,A,"Rad ett\nb.txt är ett filnamn, men\nc.txt"\nb.txt,B,x\nc.txt,C,y\n'
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två.", "c.txt": "Tre."}, meta)
    assert corpus.load_metadata(root)["title"].tolist() == ["Rad ett\nb.txt är ett filnamn, men\nc.txt", "x", "y"]


@pytest.mark.parametrize("on_disk, in_metadata", [("NFC", "NFD"), ("NFD", "NFC")])
def test_a_file_name_in_another_unicode_form_is_matched_saying_which_is_which(
        corpus_factory, caplog, on_disk, in_metadata):
    disk = unicodedata.normalize(on_disk, "välfärd.txt")
    named = unicodedata.normalize(in_metadata, "välfärd.txt")
    root = corpus_factory({disk: "Välfärd."}, f"file,doc_id\n{named},v\n")
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    assert meta.to_dict("records") == [{"file": disk, "doc_id": "v"}]
    form = {"NFC": "composed (NFC)", "NFD": "decomposed (NFD)"}
    assert f"line 2: names {named!r} in {form[in_metadata]} form, and raw/ has it in " \
           f"{form[on_disk]} form" in caplog.text


def test_two_file_names_that_differ_only_in_unicode_form_are_refused_naming_both(corpus_factory):
    composed, decomposed = unicodedata.normalize("NFC", "välfärd.txt"), unicodedata.normalize("NFD", "välfärd.txt")
    root = corpus_factory({composed: "Ett.", decomposed: "Två.", "b.txt": "Tre."})
    with pytest.raises(corpus.CorpusError) as err:
        corpus.list_raw_files(root)
    message = str(err.value)
    assert repr(composed) in message and repr(decomposed) in message
    assert "composed (NFC)" in message and "decomposed (NFD)" in message and "remove or rename" in message


@pytest.mark.parametrize("metadata, whence", [
    ("file,doc_id\nb.txt,a\n", "raw/a.txt (from its file name), raw/b.txt (metadata.csv line 2)"),
    ("file,doc_id\nc.txt,a\nb.txt,c\n", "raw/a.txt (from its file name), raw/c.txt (metadata.csv line 2)"),
])
def test_doc_ids_that_collide_are_refused_naming_the_files_and_where_each_id_came_from(corpus_factory, metadata,
                                                                                        whence):
    """An id from a file name against one metadata.csv gives: the error said "doc ids from
    file names collide with metadata doc ids", naming no file."""
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två.", "c.txt": "Tre."}, metadata)
    n = whence.count("raw/")
    with pytest.raises(corpus.CorpusError, match=rf"mycorpus: the doc id 'a' is given to {n} files: {re.escape(whence)}\. "
                                                 r"Each document needs its own id"):
        corpus.load_metadata(root)


@pytest.mark.parametrize("doc_id", [" a ", "a\u00a0", "\ta"])
def test_a_doc_id_with_white_space_around_it_is_refused_naming_the_line(corpus_factory, doc_id):
    """' hartman-2017 ' beside 'hartman-2017' was taken as a second document that looks the same."""
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, f'file,doc_id\nb.txt,b\na.txt,"{doc_id}"\n')
    with pytest.raises(corpus.CorpusError, match=rf"metadata\.csv line 3: the doc id {re.escape(repr(doc_id))} begins "
                                                 "or ends with white space"):
        corpus.load_metadata(root)


@pytest.mark.parametrize("names", [("a.txt", "a.TXT"), ("Extra.txt", "extra.txt")])
def test_two_file_names_that_differ_only_in_case_are_refused_naming_both(corpus_factory, names):
    """raw/a.txt and raw/a.TXT, or Extra.txt and extra.txt: two documents that look alike
    (the first pair's ids collided, naming no file), and one file on macOS and Windows."""
    root = corpus_factory({names[0]: "Ett.", names[1]: "Två.", "b.txt": "Tre."})
    shown = " and ".join(repr(n) for n in sorted(names))
    with pytest.raises(corpus.CorpusError, match=rf"raw: {re.escape(shown)}: file names that differ only in case"):
        corpus.list_raw_files(root)


@pytest.mark.parametrize("metadata", [None, "file,doc_id\n{file},\n", "file,doc_id\nother.txt,o\n"])
def test_a_decomposed_file_name_gives_a_composed_doc_id_and_keeps_the_file(corpus_factory, caplog, metadata):
    file = unicodedata.normalize("NFD", "välfärd.txt")
    root = corpus_factory({file: "Välfärd.", "other.txt": "Annat."},
                          None if metadata is None else metadata.format(file=file))
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    row = meta[meta["file"] == file].iloc[0]
    assert row["doc_id"] == unicodedata.normalize("NFC", "välfärd")
    assert f"{file!r} are written decomposed (NFD" in caplog.text


def test_a_doc_id_equal_to_a_diary_entry_s_is_refused_naming_both_files(corpus_factory, tmp_path):
    """The reviewer's case: metadata gave another file the doc id 'tillit-diary/falun' of
    the seed diary's Falun entry; the two became one document, and the voice findings
    counted the diary's sentences for the other file's voice."""
    diary = (paths.CORPUS_DIR / "raw" / "004_8532f4a48792f5a4.txt").read_text(encoding="utf-8")
    meta = "file,doc_id,voice\ndiary.txt,tillit-diary,Trust Delegation\nother.txt,{other},consultants\n"
    root = corpus_factory({"diary.txt": diary, "other.txt": "Detaljstyrning är stor.\n"},
                          meta.format(other="tillit-diary/falun"))
    with pytest.raises(corpus.CorpusError, match=r"mycorpus: the doc id 'tillit-diary/falun' is given to 2 documents: "
                                                 r"raw/diary\.txt \(its dated entry \d, .*\), raw/other\.txt \(its doc "
                                                 r"id in metadata\.csv, or its file name\)\. Each document needs its own id"):
        pipeline.build_tables(pipeline.Run.from_params(root, tmp_path / "out"))
    (root / "metadata.csv").write_text(meta.format(other="tillit-diary-falun"), encoding="utf-8")
    pipeline.build_tables(run := pipeline.Run.from_params(root, tmp_path / "out"))
    documents = pd.read_csv(run.path("documents.csv"), dtype=str, keep_default_na=False)
    assert documents["doc_id"].is_unique and "tillit-diary/falun" in set(documents["doc_id"])


def test_a_decomposed_doc_id_in_metadata_is_composed_and_a_collision_refused(corpus_factory, caplog):
    meta = f"file,doc_id\na.txt,{unicodedata.normalize('NFD', 'vård')}\n"
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, meta)
    with caplog.at_level(logging.WARNING):
        assert corpus.load_metadata(root)["doc_id"].tolist() == [unicodedata.normalize("NFC", "vård"), "b"]
    assert "line 2: the doc id" in caplog.text and "decomposed (NFD)" in caplog.text
    meta += f"b.txt,{unicodedata.normalize('NFC', 'vård')}\n"
    (root / "metadata.csv").write_text(meta, encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"duplicate doc_id .* on lines 2, 3"):
        corpus.load_metadata(root)


def test_a_voice_typed_decomposed_is_the_same_voice_as_typed_composed(corpus_factory, caplog):
    """A metadata value written both ways (one row typed on macOS) is one value, so it groups
    as one voice, and the warning names the line and the column."""
    nfd, nfc = unicodedata.normalize("NFD", "förvaltning"), unicodedata.normalize("NFC", "förvaltning")
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, f"file,doc_id,voice\na.txt,a,{nfd}\nb.txt,b,{nfc}\n")
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    assert meta["voice"].tolist() == [nfc, nfc]
    assert "line 2: the voice" in caplog.text and "line 3" not in caplog.text


def test_metadata_values_are_composed_as_settings_files_are_with_file_line_and_column(corpus_factory, caplog):
    """One function composes (NFC) a metadata value and a settings file's text (io.composed):
    its warning names the file, the row's line, the column, the value and its form, and a
    value in neither form (one letter typed each way) says so."""
    nfd = unicodedata.normalize("NFD", "förvaltning")
    mixed = unicodedata.normalize("NFC", "vård och ") + unicodedata.normalize("NFD", "förvaltning")
    assert not unicodedata.is_normalized("NFC", mixed) and not unicodedata.is_normalized("NFD", mixed)
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."},
                          f"file,doc_id,source_title\na.txt,a,{nfd}\nb.txt,b,{mixed}\n")
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    assert meta["source_title"].tolist() == [unicodedata.normalize("NFC", t) for t in (nfd, mixed)]
    assert ("metadata.csv line 2: the source title: 1 text(s) written decomposed (NFD), e.g. 'förvaltning'; "
            "read composed (NFC)") in caplog.text
    assert ("metadata.csv line 3: the source title: 1 text(s) written mixed (neither NFC nor NFD), e.g. "
            "'vård och förvaltning'; read composed (NFC)") in caplog.text


def test_reference_codings_and_decisions_naming_a_file_in_another_form_are_matched(corpus_factory, caplog):
    from helpers import decisions

    file = unicodedata.normalize("NFD", "välfärd.txt")
    root = corpus_factory({file: "Detaljstyrning här."})
    raw = corpus.read_raw_texts(root)
    named = unicodedata.normalize("NFC", file)
    (root / "coder.csv").write_text(f"file,start,end,code,quote\n{named},0,14,P_DETAIL,Detaljstyrning\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        ref = reliability.load_reference(root / "coder.csv", raw, ["P_DETAIL"])
        dec = decisions.load_bytes(f"file,start,end,code,decision,reviewer,note\n{named},0,19,P_DETAIL,correct,ann,\n"
                                   .encode(), "ann.csv", raw, ["P_DETAIL"])
    assert ref["file"].tolist() == [file] and dec["file"].tolist() == [file]
    assert caplog.text.count("in composed (NFC) form, and raw/ has it in decomposed (NFD) form") == 2


def test_a_decomposed_diary_gives_the_entries_places_and_doc_ids_of_the_composed_one():
    """A diary's entries are documents named after their places (``004/luleå``): the same
    ids and places whether the raw text is composed or decomposed (NFD)."""
    from helpers import documents

    text = corpus.read_raw(paths.CORPUS_DIR / "raw" / "004_8532f4a48792f5a4.txt").text
    composed = documents.documents_of_file("d.txt", text, {"doc_id": "d"})
    decomposed = documents.documents_of_file("d.txt", unicodedata.normalize("NFD", text), {"doc_id": "d"})
    assert [(d["doc_id"], d["place"]) for d in decomposed] == [(d["doc_id"], d["place"]) for d in composed]
    assert "d/luleå" in [d["doc_id"] for d in composed]


def _nfd_codebook(root: Path, **top) -> Path:
    code = dict(_CODE, terms=[unicodedata.normalize("NFD", "välfärd*")], name_sv=unicodedata.normalize("NFD", "välfärd"))
    data = {"name": "t", "version": 1, "codes": [code], **top}
    (root / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return root


def test_a_decomposed_codebook_is_read_composed_and_its_rules_match(corpus_factory, caplog):
    root = _nfd_codebook(corpus_factory({"a.txt": "Välfärdens kärna.\n"}),
                         attributes={"sector": {unicodedata.normalize("NFD", "vård"): [unicodedata.normalize("NFD", "vård*")]}})
    with caplog.at_level(logging.WARNING):
        cb = coding.codebook_for(root)
    assert cb.codes[0].terms == ["välfärd*"] and cb.codes[0].name_sv == "välfärd"
    assert list(cb.attributes["sector"]) == ["vård"]
    assert "codebook.yaml: 4 text(s) written decomposed (NFD)" in caplog.text
    coded, _, _ = coding.code_segments(pd.DataFrame({"file": ["a.txt"], "doc_id": ["a"], "paragraph": [0], "sentence": [0],
                                                     "start": [0], "end": [17], "text": ["Välfärdens kärna."]}), cb)
    assert coded["code"].tolist() == ["P_ONE"]


def test_decomposed_cleaning_rules_and_study_are_read_composed(corpus_factory, caplog):
    """A corpus's boilerplate.yaml or study.yaml saved decomposed (NFD): its patterns match
    the composed text and its voice names the composed column value, with a warning."""
    root = corpus_factory({"a.txt": "Text här.\nMånadens tips från redaktionen!\n"})
    rules = ("rules:\n  - id: editors-tip\n    kind: line\n    description: x\n"
             "    patterns: ['månadens tips från redaktionen.*']\n")
    (root / "boilerplate.yaml").write_text(unicodedata.normalize("NFD", rules), encoding="utf-8")
    (root / "study.yaml").write_text(unicodedata.normalize("NFD", "title: Välfärd\nperiod: 2013–2017\n"), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        loaded = clean.load_rules(root)
        study = corpus.load_study(root)
    _, removed = clean.segment((root / "raw" / "a.txt").read_text(encoding="utf-8"), "a.txt", loaded)
    assert [r["rule"] for r in removed] == ["editors-tip"]
    assert study["title"] == unicodedata.normalize("NFC", "Välfärd")
    assert "boilerplate.yaml: 1 text(s) written decomposed (NFD), e.g. 'månadens tips från redaktionen.*'" in caplog.text
    assert "study.yaml: 1 text(s) written decomposed (NFD), e.g. 'Välfärd'" in caplog.text


def test_a_voice_column_named_decomposed_in_both_files_is_still_the_voice(corpus_factory, caplog):
    """A metadata header and a study.yaml both typed on macOS (NFD) name the same voice
    column once both are read composed; a header naming one column in both forms is refused."""
    nfd = unicodedata.normalize("NFD", "röst")
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, f"file,doc_id,{nfd}\na.txt,a,x\nb.txt,b,y\n")
    (root / "study.yaml").write_text(f"voice: {nfd}\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        meta, study = corpus.load_metadata(root), corpus.load_study(root)
    assert study["voice"] in meta.columns
    assert "metadata.csv line 1: the column names: 1 text(s) written decomposed (NFD), e.g. 'röst'" in caplog.text
    (root / "metadata.csv").write_text(f"file,doc_id,{nfd},röst\na.txt,a,x,x\nb.txt,b,y,y\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="appears twice"):
        corpus.load_metadata(root)


def test_codebook_keys_that_collide_once_composed_are_refused(corpus_factory):
    rules = {unicodedata.normalize("NFC", "vård"): ["vård*"], unicodedata.normalize("NFD", "vård"): ["omsorg*"]}
    root = _nfd_codebook(corpus_factory({"a.txt": "Vård.\n"}), attributes={"sector": rules})
    with pytest.raises(coding.CodebookError, match=r"codebook\.yaml: the keys '.+' .* two Unicode forms") as err:
        coding.codebook_for(root)
    assert "(composed (NFC))" in str(err.value) and "(decomposed (NFD))" in str(err.value)  # which is which


_DUPLICATED = {  # file: (text with one key given twice, the key, its two lines, how the file is loaded)
    "codebook.yaml": ("name: t\nversion: 1\ncodes:\n  - id: P_ONE\n    family: P\n    name_sv: a\n    name_en: a\n"
                      "    colour: '#112233'\n    definition: d\n    use_when: u\n    terms: ['detalj*']\n"
                      "    terms: ['kontroll*']\n", "terms", (11, 12), coding.codebook_for, coding.CodebookError),
    "boilerplate.yaml": ("rules:\n  - id: x\n    kind: line\n    patterns: ['Detaljstyrning.*']\n    patterns: ['nothing']\n",
                         "patterns", (4, 5), clean.load_rules, clean.RuleError),
    "study.yaml": ("title: A\nquestions: ['Q1?']\ntitle: B\n", "title", (1, 3), corpus.load_study, corpus.CorpusError),
}


@pytest.mark.parametrize("name", sorted(_DUPLICATED))
def test_a_key_given_twice_in_a_settings_file_is_refused_naming_the_file_and_both_lines(corpus_factory, name):
    """PyYAML keeps the last of two equal keys and silently drops the first (a code's first
    `terms`, a rule's first `patterns`, the study's first `title`): refused instead."""
    text, key, (first, second), load, error = _DUPLICATED[name]
    root = corpus_factory({"a.txt": "Detaljstyrning och tillit.\n"})
    (root / name).write_text(text, encoding="utf-8")
    with pytest.raises(error, match=rf"{re.escape(name)}: the key '{key}' is given twice in one mapping, on line "
                                    rf"{first} and line {second};.* Keep one of them"):
        load(root)


def test_the_yaml_loader_keeps_what_is_not_a_repeated_key():
    """Keys repeated in different mappings, a merge key overridden on purpose, and equal
    values under different keys are all accepted; an empty file is None."""
    text = "a: &d {x: 1, y: 2}\nb:\n  <<: *d\n  x: 3\nc: [{x: 1}, {x: 2}]\nd: 1\ne: 1\n"
    data, root = io.load_yaml(text, "s.yaml")
    assert data == {"a": {"x": 1, "y": 2}, "b": {"x": 3, "y": 2}, "c": [{"x": 1}, {"x": 2}], "d": 1, "e": 1}
    assert root.start_mark.line == 0 and io.load_yaml("", "s.yaml") == (None, None)
    with pytest.raises(ValueError, match=r"s\.yaml: not valid YAML"):
        io.load_yaml("a: [", "s.yaml")
    with pytest.raises(ValueError, match=r"s\.yaml: the key 1 is given twice in one mapping, on line 2 and line 3"):
        io.load_yaml("a:\n  1: x\n  1: y\n", "s.yaml")


def test_an_alias_bomb_or_a_huge_number_is_refused_quickly_naming_the_file_and_shared_values_stay_shared(corpus_factory):
    """The reviewer's case: nine lists of nine aliases of each other (a few hundred bytes)
    took a minute and gigabytes once the loader composed each alias's copy on its own."""
    levels = "abcdefghi"
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    lines += [f"{cur}: &{cur} [{', '.join(['*' + prev] * 9)}]" for prev, cur in zip(levels, levels[1:])]
    root = corpus_factory({"a.txt": "Detaljstyrning och tillit.\n"})
    (root / "study.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.process_time()
    with pytest.raises(corpus.CorpusError, match=r"study\.yaml: its aliases .* expand it to more than 1,000,000 "
                                                 r"values: an alias bomb"):
        corpus.load_study(root)
    assert time.process_time() - started < 5  # refused before anything is expanded (a minute before)
    # a number past Python's own limit of digits for an int (the safe loader lets its ValueError through)
    (root / "study.yaml").write_text(f"title: {'9' * 5000}\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"study\.yaml: it holds a number of more than 4,300 digits"):
        corpus.load_study(root)
    # six levels (9**6 values) are read, each alias still the one list it names, composed once
    data, _ = io.load_yaml("\n".join(lines[:6]).replace("[x,", "[e\u0301,") + "\n", "s.yaml")
    assert data["f"][0] is data["e"] and data["e"][0][0][0][0] is data["a"] and data["a"][0] == "\u00e9"


def test_a_decomposed_example_file_and_quote_are_matched_to_the_raw_text(corpus_factory, caplog):
    file = unicodedata.normalize("NFD", "välfärd.txt")
    root = corpus_factory({file: unicodedata.normalize("NFD", "Välfärd.\n")})
    _nfd_codebook(root)
    data = yaml.safe_load((root / "codebook.yaml").read_text(encoding="utf-8"))
    data["codes"][0]["examples"] = [{"file": unicodedata.normalize("NFC", file), "start": 0, "end": 9,
                                     "quote": unicodedata.normalize("NFC", "Välfärd")}]
    data["codes"][0]["examples"][0]["end"] = len(unicodedata.normalize("NFD", "Välfärd"))
    (root / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with caplog.at_level(logging.WARNING):
        cb = coding.codebook_for(root)
    assert cb.codes[0].examples[0].file == file
    assert "has it in decomposed (NFD) form" in caplog.text


# --- REFI-QDA files ------------------------------------------------------------------------

_G = "00000000-0000-0000-0000-00000000000"


def _qde(start: int, end: int, source: str = "internal://s.txt") -> str:
    return (f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
            f'<Code guid="{_G}2" name="P_DETAIL" isCodable="true"/></Codes></CodeBook><Sources>'
            f'<TextSource guid="{_G}3" name="a.txt" plainTextPath="{source}">'
            f'<PlainTextSelection guid="{_G}4" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{_G}5"><CodeRef targetGUID="{_G}2"/></Coding></PlainTextSelection>'
            f'</TextSource></Sources></Project>')


def _qdpx(path, qde: str, source: bytes | None = b"Detaljstyrning.") -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("project.qde", qde)
        if source is not None:
            zf.writestr("Sources/s.txt", source)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked_naming_the_member(tmp_path):
    bomb = _qdpx(tmp_path / "bomb.qdpx", _qde(0, 5), b"a" * (8 << 20))  # 8 MB from ~8 KB
    with pytest.raises(refi.RefiError, match=r"bomb\.qdpx: member 'Sources/s\.txt' would unpack from "
                                             r"[\d,]+ to 8,388,608 bytes .*zip bomb.*MAX_RATIO"):
        refi.import_project(bomb)


def test_a_member_over_the_size_limit_is_refused_naming_it(tmp_path, monkeypatch):
    big = _qdpx(tmp_path / "big.qdpx", _qde(0, 5))
    monkeypatch.setattr(refi, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(refi.RefiError, match=r"big\.qdpx: member 'project\.qde' would unpack to [\d,]+ "
                                             r"bytes, over the limit of 100"):
        refi.import_project(big)
    with pytest.raises(refi.RefiError, match=r"member 'project\.qde'"):
        refi.validate(big)


def test_the_project_file_has_a_far_lower_size_limit_than_a_source(tmp_path, monkeypatch):
    """A .qde holds no texts (a large study's is a few MB): it is refused far below the limit
    of a source member, naming the archive, the member and the limit to raise."""
    path = _qdpx(tmp_path / "p.qdpx", _qde(0, 5), b"Detaljstyrning. " * 100)
    qde_size = zipfile.ZipFile(path).getinfo("project.qde").file_size
    monkeypatch.setattr(refi, "MAX_QDE_BYTES", qde_size - 1)
    monkeypatch.setattr(refi, "MAX_MEMBER_BYTES", 1600)  # the source (1,600 bytes) is within it
    with pytest.raises(refi.RefiError, match=rf"p\.qdpx: member 'project\.qde' would unpack to {qde_size:,} "
                                             rf"bytes, over the limit of {qde_size - 1:,} for the project file.*MAX_QDE_BYTES"):
        refi.import_project(path)
    with pytest.raises(refi.RefiError, match=r"member 'project\.qde'.*MAX_QDE_BYTES"):
        refi.validate(path)
    monkeypatch.setattr(refi, "MAX_QDE_BYTES", qde_size)
    codings, _ = refi.import_project(path)
    assert codings["quote"].tolist() == ["Detal"]
    qdc = tmp_path / "c.qdc"
    qdc.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>' + " " * qde_size + "</Codes></CodeBook>")
    with pytest.raises(refi.RefiError, match=r"c\.qdc: [\d,]+ bytes, over the limit of [\d,]+ for a project"):
        refi.import_codebook(qdc)


def test_codes_nested_past_any_codebook_are_refused_naming_the_file_not_a_recursion_error(tmp_path):
    """The reviewer's case: 3,000 nested <Code> elements (200 KB) stopped the import with
    Python's RecursionError and a traceback naming no file."""
    def nested(depth: int) -> str:
        opening = "".join(f'<Code guid="{uuid}" name="c{i}" isCodable="true">'
                          for i, uuid in enumerate(f"00000000-0000-4000-8000-{i:012d}" for i in range(depth)))
        return '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>' + opening + "</Code>" * depth + "</Codes></CodeBook>"

    qdc = tmp_path / "deep.qdc"
    qdc.write_text(nested(3000), encoding="utf-8")
    with pytest.raises(refi.RefiError, match=r"deep\.qdc: codes nested more than 100 deep \(below the code 'c99'\)"):
        refi.import_codebook(qdc)
    qdc.write_text(nested(refi.MAX_CODE_DEPTH), encoding="utf-8")  # as deep as may be: read, parents first
    table = refi.import_codebook(qdc)
    assert len(table) == refi.MAX_CODE_DEPTH and table["name"].iloc[-1] == "c99"


def test_a_project_file_of_too_many_elements_is_refused_while_it_is_parsed(tmp_path, monkeypatch):
    """A 1.4 MB .qdpx whose project.qde held 60 million empty elements made the import build
    them all (over 6 GB). Parsing counts the elements and stops past MAX_QDE_ELEMENTS."""
    limit = 40_000
    monkeypatch.setattr(refi, "MAX_QDE_ELEMENTS", limit)
    qde = _qde(0, 5)
    pad = limit - sum(1 for _ in ET.fromstring(qde).iter())  # the project's own 9 elements
    at = qde.index("</Sources>")
    fits = _qdpx(tmp_path / "fits.qdpx", qde[:at] + "<a/>" * pad + qde[at:])
    assert refi.import_project(fits)[0]["quote"].tolist() == ["Detal"]
    over = _qdpx(tmp_path / "over.qdpx", qde[:at] + "<a/>" * (pad + 1) + qde[at:])
    with pytest.raises(refi.RefiError, match=r"over\.qdpx/project\.qde: more than 40,000 XML elements, the "
                                             r"limit \(helpers\.refi\.MAX_QDE_ELEMENTS"):
        refi.import_project(over)
    # a bomb of empty elements, its count far past the limit, is refused as well
    bomb = _qdpx(tmp_path / "bomb.qdpx", qde[:at] + "<a/>" * (limit * 5) + qde[at:])
    with pytest.raises(refi.RefiError, match="more than 40,000 XML elements"):
        refi.validate(bomb)


def _sources_qde(refs: list[str]) -> str:
    """A project of one text source per entry of ``refs`` (its plainTextPath), each with one coding."""
    srcs = "".join(f'<TextSource guid="{_G[:-3]}1{i:03d}" name="s{i}.txt" plainTextPath="{ref}">'
                   f'<PlainTextSelection guid="{_G[:-3]}2{i:03d}" startPosition="0" endPosition="5">'
                   f'<Coding guid="{_G[:-3]}3{i:03d}"><CodeRef targetGUID="{_G}2"/></Coding>'
                   f'</PlainTextSelection></TextSource>' for i, ref in enumerate(refs))
    return (f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
            f'<Code guid="{_G}2" name="P_DETAIL" isCodable="true"/></Codes></CodeBook>'
            f'<Sources>{srcs}</Sources></Project>')


def test_a_member_named_by_many_sources_is_unpacked_once_and_an_archive_has_a_total_limit(tmp_path, monkeypatch):
    """400 sources naming one 100 MB member had it unpacked, decoded and measured 400 times
    (the limits were per read, not per archive): a CPU bomb from a 1 MB file. Each member is
    read once, and what one archive unpacks to in all is limited (MAX_ARCHIVE_BYTES)."""
    text = "Detaljstyrning. " * 125  # 2,000 bytes
    path = tmp_path / "reuse.qdpx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", _sources_qde(["internal://big.txt"] * 400))
        zf.writestr("sources/big.txt", text)
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(self, name, *args, **kwargs):
        opened.append(name if isinstance(name, str) else name.filename)
        return real_open(self, name, *args, **kwargs)

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    codings, report = refi.import_project(path)
    assert len(codings) == 400 and set(codings["quote"]) == {"Detal"} and len(report.sources) == 400
    assert opened.count("sources/big.txt") == 1
    qde_size = zipfile.ZipFile(path).getinfo("project.qde").file_size
    monkeypatch.setattr(refi, "MAX_ARCHIVE_BYTES", qde_size + 2_000)  # the member counts once, not 400 times
    assert len(refi.import_project(path)[0]) == 400
    # two members that fit one by one but not together: refused, naming the archive and the member
    two = tmp_path / "two.qdpx"
    with zipfile.ZipFile(two, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("project.qde", _sources_qde(["internal://a.txt", "internal://b.txt"]))
        zf.writestr("sources/a.txt", text)
        zf.writestr("sources/b.txt", text)
    monkeypatch.setattr(refi, "MAX_ARCHIVE_BYTES", zipfile.ZipFile(two).getinfo("project.qde").file_size + 3_000)
    with pytest.raises(refi.RefiError, match=r"two\.qdpx: member 'sources/b\.txt' \(of <TextSource .*\) would "
                                             r"bring what the archive unpacks to [\d,]+ bytes, over the limit of "
                                             r"[\d,]+ for one archive.*MAX_ARCHIVE_BYTES"):
        refi.import_project(two)


def test_selections_of_a_source_without_text_are_still_checked(tmp_path):
    path = _qdpx(tmp_path / "notext.qdpx", _qde(-50, -10, "internal://missing.txt"), None)
    with pytest.raises(refi.RefiError, match=r"notext\.qdpx/project\.qde: <PlainTextSelection .*"
                                             r"startPosition=\"-50\".*negative or reversed"):
        refi.import_project(path)


def test_an_empty_selection_is_not_imported_and_is_counted(tmp_path):
    path = _qdpx(tmp_path / "empty.qdpx", _qde(3, 3))
    with pytest.warns(refi.RefiWarning, match=r"1 empty selection\(s\), startPosition = endPosition"):
        codings, report = refi.import_project(path)
    assert codings.empty and report.selections == 1


def test_validating_a_malformed_project_raises_our_error_naming_the_member(tmp_path):
    path = _qdpx(tmp_path / "broken.qdpx", "<Project xmlns='urn:QDA-XML:project:1.0'><Users>")
    with pytest.raises(refi.RefiError, match=r"broken\.qdpx/project\.qde: not well-formed XML at line 1"):
        refi.validate(path)


def test_a_raw_file_named_with_a_leading_space_is_named_so_in_decisions_and_reference_codings(tmp_path):
    """A raw file " a.txt" is accepted; the loaders stripped the names in review and
    reference files, so its own review import was refused ("'a.txt' is not in raw/ ... Did
    you mean ' a.txt'?"). A name is taken as written when a raw file has it, else stripped."""
    text = "Detaljstyrning är stor.\n"
    raw = {" a.txt": text, "a.txt": "Tillit är viktigt.\n", "b.txt": text}
    data = ('file,start,end,code,decision,reviewer,note\n" a.txt",0,14,P_DETAIL,correct,ann,\n'
            'a.txt,0,6,R_TRUST,correct,ann,\n b.txt ,0,14,P_DETAIL,wrong,ann,\n').encode()
    got = decisions.load_bytes(data, "ann.csv", raw, ["P_DETAIL", "R_TRUST"])
    assert sorted(got["file"]) == [" a.txt", "a.txt", "b.txt"]
    with pytest.raises(decisions.DecisionError, match=r"ann.csv line 2: file 'c.txt' is not in"):
        decisions.load_bytes(data.replace(b'" a.txt"', b'" c.txt"'), "ann.csv", raw, ["P_DETAIL", "R_TRUST"])
    ref = tmp_path / "coder_A.csv"
    ref.write_text('file,start,end,code,quote\n" a.txt",0,14,P_DETAIL,Detaljstyrning\n b.txt,0,14,P_DETAIL,'
                   'Detaljstyrning\n', encoding="utf-8")
    assert reliability.load_reference(ref, raw, ["P_DETAIL"])["file"].tolist() == [" a.txt", "b.txt"]


# --- reference codings ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["auto-coder.csv", "Auto-Coder.csv"])
def test_a_reference_coder_named_like_the_auto_coder_is_refused(tmp_path, name):
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / name).write_text("file,start,end,code,quote\na.txt,0,6,P_DETAIL,Detalj\n", encoding="utf-8")
    with pytest.raises(reliability.ReferenceCodingError,
                       match=rf"{re.escape(name)}: a reference coder cannot be called 'auto-coder'.*Rename"):
        reliability.load_references(folder, {"a.txt": "Detaljstyrning."}, ["P_DETAIL"])


@pytest.mark.parametrize("date", ["2017-02-31", "2017-13", "2016-00-10", "2015/2017-02-30"])
def test_a_date_that_does_not_exist_is_refused_naming_the_file_and_line(corpus_factory, date):
    root = corpus_factory({"a.txt": "Ett.\n"}, metadata=f"file,doc_id,date\na.txt,a,{date}\n")
    with pytest.raises(corpus.CorpusError, match=r"metadata\.csv.*line 2.*(does not exist|is not ISO 8601)"):
        corpus.load_metadata(root)
    ok = corpus_factory({"a.txt": "Ett.\n"}, metadata="file,doc_id,date\na.txt,a,2016-02-29\n", name="ok")
    assert corpus.load_metadata(ok)["date"].tolist() == ["2016-02-29"]


# --- cleaning rules (boilerplate.yaml) ---


def _rules_file(corpus, body: str):
    (corpus / "boilerplate.yaml").write_text(body, encoding="utf-8")
    return corpus


# Patterns with which Python's backtracking `re` takes exponential time to fail on a line
# that nearly matches, each with the line that shows it (tested here by their shape only:
# the check looks at the pattern, never at a clock).
CATASTROPHIC = [
    r"(a+)+b", r"(a*)*b", r"(a|a)*b", r"(a+)*b", r"(\w+\s?)+x", r"(a?a)+b", r"(.*a)*b", r"(a+){2,10}b",
    r"((ab)*|a)*c", r"(a*b*)*c", r"(a?b?)*c", r"(\d+|\d+\.\d+)*x", r"(a|aa)+b", r"(?:a|a?)+b",
    r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(\s*y\s*)*z",
    # the default navigation rule's breadcrumb pattern as it stood before this check
    r"(hem|start)(\s*[>»/›]\s*[^>»/›]+)+",
]
# Patterns that read each text one way only (or are merely polynomial): accepted.
HARMLESS = [
    r"a+b", r"(ab)+c", r"(a+b)+", r"(\w+\s)+x", r"\d{1,3}(\.\d{1,3}){3}", r"(foo|bar)*", r"(a|b)*c",
    r".*\bx\b.*", r"(\w+) \1", r"[+\d( )-]{6,}", r"(a?b)+", r"x{2,100}", r"(a|ab)*c", r"(\w|\d)+!",
    r"(hem|start)\s*[>»/›][^>»/›]+([>»/›][^>»/›]+)*",
]


# Patterns whose time grows as a power of three or more of a line's length: several repeated
# parts read one run of a character in turn (the hostile review: seven '.*' before a word took
# 10 s on a 72-character line). Quadratic ones, and runs of white space, which lines never
# hold, are accepted.
HIGH_POLYNOMIAL = [".*" * 8 + "Publicerad", r".*.*.*x", r"\d+\d+\d+x", r"[^.]*[^,]*[^;]*!", r"(a+)(a+)(a+)b",
                   r".*.*.*x.*",
                   # runs of a longer text, which a count of one-character runs missed: the first took 139 s
                   # on a 140-character line (a reviewer's); in the last each pair of parts shares its own text
                   r"(?:\w\W)*(?:\w\W)*(?:\w\W)*(?:\w\W)*(?:\w\W)*(?:\w\W)*(?:\w\W)*x", r"(ab)*(ab)*(ab)*c",
                   r"(?:x,)*(?:x,|y)*(?:x,)*z", r"(a|b)*(b|c)*(c|d)*x"]
QUADRATIC_OR_LESS = [r".*x.*", r"a+b+c+", r"(telefon|tel)\s*:?\s*[+\d( )-]{6,}", r"\w+\s+\w+\s+\w+",
                     r"[^.]{0,150}x[^.]*",
                     # a trailing run of anything ends the match whatever follows, so it is not counted: these
                     # fail on a 4,000-character line at once (a reviewer's examples of rules that are fine)
                     r".*\d{4}.*", r".*©.*\d{4}.*", r"(?i).*copyright.*\d{4}.*", r".*[A-ZÅÄÖ]+.*", r".*\d+.*",
                     r".*.*.*.*"]


@pytest.mark.parametrize("pattern", HIGH_POLYNOMIAL)
def test_a_high_polynomial_pattern_is_seen(pattern):
    assert "to the power" in clean.backtracking_risk(re.compile(pattern, re.IGNORECASE))


@pytest.mark.parametrize("pattern", QUADRATIC_OR_LESS)
def test_a_quadratic_pattern_is_accepted(pattern):
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE)) is None


def test_a_high_polynomial_rule_is_refused_with_its_rewrite(tmp_path):
    corpus = _rules_file(tmp_path, "rules:\n  - id: slow\n    kind: line\n    patterns: ['" + ".*" * 7 + "Publicerad']\n")
    with pytest.raises(clean.RuleError, match=r"rule 'slow'.*power 7.*'\.\*\.\*\.\*x' as '\.\*x'"):
        clean.load_rules(corpus)


def test_a_rule_whose_repeated_parts_read_a_longer_text_in_turn_is_refused_with_its_rewrite(tmp_path):
    corpus = _rules_file(tmp_path, "rules:\n  - id: slow\n    kind: line\n    patterns: ['" + r"(?:\w\W)*" * 7 + "x']\n")
    with pytest.raises(clean.RuleError, match=r"rule 'slow'.*7 repeated parts, one after another, can each read a run "
                                              r"of the same text.*power 7.*'\(ab\)\*\(ab\)\*\(ab\)\*c' as '\(ab\)\*c'"):
        clean.load_rules(corpus)


# The exemptions of the degree of ambiguity, each beside a pattern of the same shape that it does not
# cover (refused): lines are whitespace-normalised, so a text of white space alone never repeats; a
# trailing part from which the match ends whatever follows (the `.*` of `.*\d{4}.*`, and the `\d`
# loop that stands for `{4}` before it) is never reached on a line that fails; a counted repeat with a
# bound reads at most that many characters; two parts in turn are quadratic, accepted.
EXEMPT_AND_NOT = [
    (r"(?:\s\s)*(?:\s\s)*(?:\s\s)*x", r"(?:\sa)*(?:\sa)*(?:\sa)*x"),
    (r".*©.*\d{4}.*", r"(ab)*(ab)*(ab)*c.*"),
    (r"(?i).*copyright.*\d{4}.*", r".*(ab)*(ab)*\d{4}.*"),
    (r"[^.?]{0,40}x[^.?]{0,40}y[^.?]{0,20}\?", r"[^.?]*x[^.?]*y[^.?]*\?"),
    (r"(ab)*(ab)*c", r"(ab)*(ab)*(ab)*c"),
]


@pytest.mark.parametrize(("exempt", "refused"), EXEMPT_AND_NOT)
def test_an_exemption_of_the_polynomial_check_covers_its_case_only(exempt, refused):
    assert clean.backtracking_risk(re.compile(exempt, re.IGNORECASE)) is None
    assert "to the power 3" in clean.backtracking_risk(re.compile(refused, re.IGNORECASE))


def test_a_pattern_too_large_to_check_is_refused_with_a_message_not_checked_for_long(tmp_path):
    """The check counts its steps (never a clock): a pattern beyond ``MAX_CHECK_STEPS`` is
    refused, naming the file, the rule and what to do, instead of the check itself taking
    minutes (a list of 1,000 alternatives after a common prefix: a million pairs of them)."""
    names = "|".join(f"{i} nummer" for i in range(1000))
    corpus = _rules_file(tmp_path, f"rules:\n  - id: huge\n    kind: line\n    patterns: ['ord({names})']\n")
    with pytest.raises(clean.RuleError, match=r"boilerplate\.yaml: rule 'huge': pattern 'ord\(0 nummer.*…' is refused: "
                                              r"the pattern is too large to check.*500,000 steps.*line 2.*Split it"):
        clean.load_rules(corpus)
    small = "|".join(f"{i} nummer" for i in range(100))
    assert clean.backtracking_risk(re.compile(f"ord({small})", re.IGNORECASE)) is None


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_catastrophic_pattern_is_seen(pattern):
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE))


@pytest.mark.parametrize("pattern", HARMLESS)
def test_a_pattern_that_reads_a_text_one_way_is_accepted(pattern):
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE)) is None


def test_every_default_pattern_reads_a_line_one_way():
    assert [(r.id, p.pattern) for r in clean.load_rules() for p in r.patterns
            if clean.backtracking_risk(p)] == []


# A signal of a block rule is searched anywhere in a line: search tries every start, one more
# repeated part in front, so a pattern accepted as whole-line (quadratic) runs cubic there. The
# first is the old default e-mail signal: one line of 4,000 '@' took 40 s to segment (a reviewer's).
SEARCHED_CUBIC = [r"\S+@\S+\.\w+", r"\w*\w*x", r".*a.*x"]


@pytest.mark.parametrize("pattern", SEARCHED_CUBIC)
def test_a_pattern_quadratic_on_a_whole_line_is_refused_when_searched(pattern):
    compiled = re.compile(pattern, re.IGNORECASE)
    assert clean.backtracking_risk(compiled) is None
    assert "to the power 3" in clean.backtracking_risk(compiled, searched=True)


def test_a_searched_signal_is_refused_saying_that_it_is_searched(tmp_path):
    corpus = _rules_file(tmp_path, "rules:\n  - id: slow\n    kind: block\n    signals: ['\\w*\\w*x']\n")
    with pytest.raises(clean.RuleError, match=r"rule 'slow': pattern '\\\\w\*\\\\w\*x'.*power 3.*a signal is searched "
                                              r"anywhere in the line.*one more repeated part.*line 2.*Rewrite"):
        clean.load_rules(corpus)
    # the same pattern as a whole-line pattern of a line rule is quadratic, accepted
    _rules_file(tmp_path, "rules:\n  - id: fine\n    kind: line\n    patterns: ['\\w*\\w*x']\n")
    assert [r.id for r in clean.load_rules(tmp_path) if r.id == "fine"] == ["fine"]


def test_every_default_signal_and_screened_pattern_reads_a_line_one_way_when_searched():
    rules = clean.load_rules()
    assert sum(len(r.signals) for r in rules) > 0
    assert [(r.id, p.pattern) for r in rules for p in r.signals if clean.backtracking_risk(p, searched=True)] == []
    inside = [x for r in rules for p in r.patterns if (x := clean._inside_any_runs(p)) is not None]
    assert inside
    assert [x for x in inside if clean.backtracking_risk(re.compile(x, re.IGNORECASE), searched=True)] == []


def test_the_default_e_mail_signal_matches_the_lines_the_old_one_matched():
    r"""``\S@`` for ``\S+@`` in a searched pattern: a match of ``x@...`` with ``x`` one or more
    non-spaces ends in one non-space before the ``@``, so the same lines match (checked on
    random lines of the characters that matter)."""
    old = re.compile(r"\S+@\S+\.\w+|\[email protected\]|\b(e-post|epost|e-mail|mejl|mejla|maila)\b", re.IGNORECASE)
    (new,) = [p for r in clean.load_rules() for p in r.signals if p.pattern.startswith(r"\S@")]
    rng = random.Random(7)
    lines = ["".join(rng.choice("a@. _é-\u00a0") for _ in range(rng.randint(0, 12))) for _ in range(20_000)]
    # a long run of "@" is where \S+@ backtracks: 400 check what 4,000 did, and the old
    # pattern's search of them takes 0.02 s, not 24 s (it is cubic)
    lines += ["@" * 400, "namn@example.se", "a@@b.c", "@a@b.c", "x @y.se", "a@b.", "[email protected]"]
    assert [x for x in lines if bool(old.search(x)) != bool(new.search(x))] == []
    assert sum(bool(new.search(x)) for x in lines) > 100


# A lookaround reads no character but runs anew at each position the matcher reaches: its body is
# checked as a pattern of its own, and one after the start of the pattern may hold no repeat without
# a bound. (?=(?:a+)+b).* took 10 s on a 28-character line, a*(?=a*a*a*b) 11.5 s on 400 (a reviewer's).
LOOKAROUND_SLOW = [(r"(?=(?:a+)+b).*", "inside a lookaround, a repeated part can match the same text"),
                   (r"(?!(?:\w+\s?)+y)x.*", "inside a lookaround, a repeated part"),
                   (r"a*(?=a*a*a*b)", "after the start of the pattern holds a repeat without a bound"),
                   (r".*(?=\w*x)", "after the start of the pattern holds a repeat without a bound"),
                   # a count too large to be a bound (a reviewer's: 6.3 s on 40,000 characters, quadratic)
                   (r"a*(?=a{0,99999}b).*", "or a count above 100")]
LOOKAROUND_FINE = [r"(?:[^.!?]|\.(?=\w)){1,150} x", r"(?!.*reklam).*annons.*", r"x(?=\w{0,40}y).*", r"x(?=\w{0,100}y).*",
                   r"\w+(?<!\d)", r"^(?=\d)\w+$"]


@pytest.mark.parametrize(("pattern", "why"), LOOKAROUND_SLOW)
def test_a_slow_lookaround_is_refused(pattern, why):
    assert why in clean.backtracking_risk(re.compile(pattern, re.IGNORECASE))


@pytest.mark.parametrize("pattern", LOOKAROUND_FINE)
def test_a_lookaround_that_reads_a_bounded_text_or_leads_the_pattern_is_accepted(pattern):
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE)) is None


def test_a_lookaround_that_leads_a_searched_pattern_is_checked_as_searched():
    # tried at every start, (?=\w*\w*x) reads on from each: cubic, as \w*\w*x searched
    assert "to the power 3" in clean.backtracking_risk(re.compile(r"(?=\w*\w*x)\w", re.IGNORECASE), searched=True)
    assert clean.backtracking_risk(re.compile(r"(?=\w*\w*x)\w.*", re.IGNORECASE)) is None


def test_a_rule_with_an_unbounded_repeat_in_a_lookaround_is_refused_with_what_to_do(tmp_path):
    corpus = _rules_file(tmp_path, "rules:\n  - id: ahead\n    kind: line\n    patterns: ['x(?=\\w*y).*']\n")
    with pytest.raises(clean.RuleError, match=r"rule 'ahead': pattern 'x\(\?=\\\\w\*y\)\.\*' could take too long.*"
                                              r"a lookaround.*line 2.*Give the repeat a bound.*start of the pattern"):
        clean.load_rules(corpus)


def test_the_triple_search_stays_within_one_strong_part_of_the_pair_graph():
    """Going around two repeated parts with one text ``w`` means their pair comes back to where
    it started: ``_ambiguity_degree`` keeps the pair of the first and third copy within one
    strongly connected part of the pair graph. Let out of it, it found a chain of three here and
    refused the pattern, which is quadratic: fullmatch on 'ba' * 4000 (and 'b' + 'ab' * 4000)
    took 0.3 s, four times that of 2000 (timed once by hand, not here)."""
    pattern = r"(?:ba)*(?:[ab](?:ab|b)[ab])*(?:ab[ab]b)*bc"
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE)) is None


def test_the_default_breadcrumb_pattern_fails_fast_and_matches_the_lines_it_matched():
    """The navigation rule's old breadcrumb pattern took seconds on a 12-part line that
    does not match (each part doubles it; 14 parts took 100 s); the rewritten one takes
    microseconds on 10,000 parts, and matches exactly the lines the old one matched."""
    rule = next(r for r in clean.load_rules() if r.id == "navigation")
    for parts in (12, 10_000):
        t = time.perf_counter()
        assert not rule.matches_line("Hem" + " > a" * parts + " >")
        assert time.perf_counter() - t < 1.0, parts
    old = re.compile(r"(hem|start)(\s*[>»/›]\s*[^>»/›]+)+", re.IGNORECASE)
    new = next(x for x in rule.patterns if x.pattern.startswith("(hem|start)\\s*["))
    rng = random.Random(12)
    pieces = ["hem", "Start", " ", "  ", "\u00a0", ">", "»", "/", "›", "a", "Nyheter", "2016", "\t"]
    lines = [rng.choice(["hem", "start", "HEM", ""]) + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
             for _ in range(20_000)]
    assert [bool(new.fullmatch(x)) for x in lines] == [bool(old.fullmatch(x)) for x in lines]
    assert sum(bool(new.fullmatch(x)) for x in lines) > 1000


@pytest.mark.parametrize("field, value, message", [
    ("max_words", "many", r"rule 'cap': field 'max_words' must be a whole number of words, 1 or more .*got 'many' \(line 2\)"),
    ("max_words", "2.5", r"rule 'cap': field 'max_words' .*got 2\.5"),
    ("max_words", "0", r"rule 'cap': field 'max_words' .*got 0"),
    ("max_words", "true", r"rule 'cap': field 'max_words' .*got True"),
    ("patterns", "'x'", r"rule 'cap': field 'patterns' must be a list of non-empty regular expressions .*got 'x'"),
    ("patterns", "[1]", r"rule 'cap': field 'patterns' .*got \[1\]"),
    ("patterns", "['']", r"rule 'cap': field 'patterns' .*got \[''\]"),
    ("description", "[a, b]", r"rule 'cap': field 'description' must be a text"),
    ("kind", "lines", r"rule 'cap': field 'kind' must be one of "
                      r"\('line', 'dated', 'repeated', 'filename', 'masthead', 'block', 'menu', 'list', 'series', "
                      r"'language', 'echo', 'template'\), "
                      r"got 'lines'"),
])
def test_a_wrong_type_in_a_rule_names_file_rule_and_field(corpus_factory, field, value, message):
    fields = {"id": "cap", "kind": "repeated", "max_words": "8", field: value}
    body = "rules:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    corpus = _rules_file(corpus_factory({"a.txt": "Text.\n"}), body)
    with pytest.raises(clean.RuleError, match=r"mycorpus/boilerplate\.yaml: " + message):
        clean.load_rules(corpus)


@pytest.mark.parametrize("body, message", [
    ("rules:\n  - id: 7\n    kind: line\n    patterns: ['x']\n", r"rule 1 \(line 2\): field 'id' must be a non-empty text"),
    ("rules:\n  - kind: line\n    patterns: ['x']\n", r"rule 1 \(line 2\): field 'id' must be a non-empty text"),
    ("rules:\n  - id: a\n    kind: line\n    patterns: ['x']\n  - id: a\n    kind: line\n    patterns: ['y']\n",
     r"rule 'a': the id is used twice in the file \(rules 1 and 2 \(line 5\)\)"),
    ("rules:\n  - just a string\n", r"rule 1 \(line 2\): expected a mapping"),
    ("rules: {id: a}\n", r"expected a mapping with a list under 'rules'"),
])
def test_a_malformed_rule_names_the_file_and_line(corpus_factory, body, message):
    corpus = _rules_file(corpus_factory({"a.txt": "Text.\n"}), body)
    with pytest.raises(clean.RuleError, match=r"mycorpus/boilerplate\.yaml: " + message):
        clean.load_rules(corpus)


def test_rules_that_remove_every_line_stop_the_run_naming_the_rule_and_its_file(corpus_factory, tmp_path):
    """Such rules let notebooks 00-03 run and notebook 04 crash with no file named; the
    run now stops where the text goes, in the segment stage's tables."""
    corpus = _rules_file(corpus_factory({"a.txt": "Detaljstyrning är stor.\n", "b.txt": "Tillit saknas.\n\n\n"}),
                         "rules:\n  - id: everything\n    kind: line\n    patterns: ['.*']\n")
    with pytest.raises(clean.RuleError, match=r"mycorpus: cleaning removed all the text of every file \(2\), so no sentence "
                                              r"is left to code or report\. The lines went by rule 'everything' "
                                              r"\(…/mycorpus/boilerplate\.yaml\)\. Check that rule's patterns"):
        pipeline.build_tables(pipeline.Run.from_params(corpus, tmp_path / "out"))


def test_a_file_that_is_all_furniture_is_named_in_a_warning(corpus_factory, tmp_path, caplog):
    corpus = corpus_factory({"a.txt": "Detaljstyrning är stor.\n", "b.txt": "Mest läst\nLogga in\n"})
    with caplog.at_level("WARNING", logger="helpers.pipeline"):
        pipeline.build_tables(pipeline.Run.from_params(corpus, tmp_path / "out"))
    assert ("b.txt: cleaning removed all its text (rule 'paywall-banner' (helpers/data/boilerplate.yaml), "
            "'site-list' (helpers/data/boilerplate.yaml)); it yields no sentences.") in caplog.text
    assert "a.txt" not in caplog.text


# --- codebooks ---

_CODE = {"id": "P_ONE", "family": "P", "name_sv": "ett", "name_en": "one", "colour": "#112233",
         "definition": "d", "use_when": "u", "terms": ["detalj*"]}


def _codebook(corpus, code=None, **top):
    data = {"name": "t", "version": 1, "codes": [dict(_CODE, **(code or {}))], **top}
    (corpus / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return corpus


@pytest.mark.parametrize("field", ["terms", "exclude", "not_with"])
@pytest.mark.parametrize("term", ["", "   "])
def test_an_empty_rule_is_refused_naming_code_and_field(corpus_factory, field, term):
    code = {field: ["detalj*", term] if field == "terms" else [term]}
    corpus = _codebook(corpus_factory({"a.txt": "Detaljstyrning.\n"}), code)
    with pytest.raises(coding.CodebookError, match=rf"codebook\.yaml: invalid codebook:\n  line \d+: codes\.P_ONE\.{field}: "
                                                   r".*the rule is empty \(it could never match\)"):
        coding.codebook_for(corpus)


@pytest.mark.parametrize("rules, message", [
    ([], r"attributes\.sector\.school: is empty: give at least one rule"),
    (["skol*", " "], r"attributes\.sector\.school: .*term ' ': the rule is empty"),
    (["a**b"], r"attributes\.sector\.school: .*'a\*\*b' is not a word pattern"),
])
def test_an_attribute_value_without_usable_rules_is_refused(corpus_factory, rules, message):
    corpus = _codebook(corpus_factory({"a.txt": "Skolan.\n"}), attributes={"sector": {"school": rules}})
    with pytest.raises(coding.CodebookError, match=r"codebook\.yaml: invalid codebook:\n  line \d+: " + message):
        coding.codebook_for(corpus)


@pytest.mark.parametrize("near", ["99999999999999999999", str(matcher.MAX_NEAR + 1)])
def test_a_distance_out_of_range_is_refused_on_load_naming_code_and_rule(corpus_factory, near):
    """'mål ~99999999999999999999 indikator*' loaded, then the build stopped with a bare
    OverflowError naming neither file nor rule."""
    term = f"mål ~{near} indikator*"
    root = _codebook(corpus_factory({"a.txt": "Målen och indikatorerna styr allt här.\n"}), {"terms": [term]})
    with pytest.raises(coding.CodebookError, match=rf"codebook\.yaml: invalid codebook:\n  line \d+: codes\.P_ONE\.terms: "
                                                   rf".*term {re.escape(repr(term))}: '~{near}' is out of range: "
                                                   rf"write 'a ~N b' with N from 1 to {matcher.MAX_NEAR}"):
        coding.codebook_for(root)


def test_the_largest_distance_is_accepted_and_codes():
    cb = coding.Codebook.model_validate({"name": "t", "version": 1,
                                         "codes": [dict(_CODE, terms=[f"mål ~{matcher.MAX_NEAR} indikator*"])]})
    text = "Målen och indikatorerna styr allt här."
    coded, _, _ = coding.code_segments(pd.DataFrame({"file": ["a.txt"], "doc_id": ["a"], "paragraph": [0],
                                                     "sentence": [0], "start": [0], "end": [len(text)], "text": [text]}), cb)
    assert coded["code"].tolist() == ["P_ONE"]


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/hostname", "../a.txt", "sub/a.txt", "..", "a\\..\\a.txt"])
def test_an_example_file_outside_raw_is_refused_without_reading_it(corpus_factory, name, monkeypatch):
    corpus = corpus_factory({"a.txt": "Detaljstyrning.\n"})
    _codebook(corpus, {"examples": [{"file": name, "start": 0, "end": 3, "quote": "roo"}]})
    read = []
    monkeypatch.setattr(coding, "read_raw", lambda p: read.append(p))
    with pytest.raises(coding.CodebookError, match=r"codes\.P_ONE\.examples\.0\.file: .*is not the plain name of a file "
                                                   r"in raw/ .*name a file of the corpus's raw/ folder"):
        coding.codebook_for(corpus)
    assert read == []


# --- very long input ---


def _spy_on_the_sentence_splitter(monkeypatch) -> list[int]:
    """The lengths of the texts handed to Punkt (the sentence splitter), recorded."""
    seen, real = [], clean.SentenceSplitter.span_tokenize

    def spy(self, text, *args, **kwargs):
        seen.append(len(text))
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(clean.SentenceSplitter, "span_tokenize", spy)
    return seen


def _covered_once(text: str, sentences: list[dict], removed: list[dict]) -> bool:
    """Every character of ``text`` in at most one span, every non-space one in exactly one."""
    count = [0] * len(text)
    for span in sentences + removed:
        for i in range(span["start"], span["end"]):
            count[i] += 1
    return all(c == 1 for c, ch in zip(count, text) if not ch.isspace()) and max(count, default=0) <= 1


def test_a_huge_line_reaches_the_sentence_splitter_in_pieces_cut_at_sentence_ends(monkeypatch, caplog):
    """A 1.3 MB line went to Punkt whole (a 50 MB one hit NLTK's 5 s wall-clock limit, so
    the outcome depended on the machine's load); now no piece exceeds the limit, the cuts
    fall between sentences, and a warning names the file and line."""
    seen = _spy_on_the_sentence_splitter(monkeypatch)
    sentence = "Detaljstyrningen är stor och tilliten låg."
    text = "Rubrik\n\n" + " ".join([sentence] * 30_000) + "\n"
    with caplog.at_level("WARNING", logger="helpers.clean"):
        sentences, removed = clean.segment(text, "big.txt", clean.load_rules())
    assert max(seen) <= clean.MAX_PARAGRAPH_CHARS
    assert [s["text"] for s in sentences] == ["Rubrik"] + [sentence] * 30_000
    assert [s["sentence"] for s in sentences[1:]] == list(range(30_000)) and {s["paragraph"] for s in sentences[1:]} == {1}
    assert _covered_once(text, sentences, removed)
    n = len(text.strip()) - len("Rubrik\n\n")
    assert re.search(rf"big\.txt: line 3: a paragraph of {n} characters \(more than 20000\) is read in \d+ pieces, "
                     r"cut at sentence ends", caplog.text)


@pytest.mark.parametrize("line, cut", [("se www.exempel.se " * 5_000, "spaces"), ("X." * 25_001, "the limit")])
def test_a_huge_line_without_sentence_ends_is_cut_at_spaces_else_at_the_limit(monkeypatch, caplog, line, cut):
    """Periods that end no sentence still make Punkt read the text: it is cut too."""
    seen = _spy_on_the_sentence_splitter(monkeypatch)
    with caplog.at_level("WARNING", logger="helpers.clean"):
        sentences, removed = clean.segment(line, "x.txt", clean.load_rules())
    assert max(seen) <= clean.MAX_PARAGRAPH_CHARS
    assert _covered_once(line, sentences, removed)
    if cut == "spaces":  # no word is cut
        assert {w for s in sentences for w in s["text"].split()} == {"se", "www.exempel.se"}
    assert f"x.txt: line 1: a paragraph of {len(line.strip())} characters" in caplog.text and f"cut at {cut}" in caplog.text


# --- data in figure labels: drawn as text, never as mathtext ---

MATH_LABELS = ["hartman $x^{2}$ 2017", "$\\foo$", "kommun $5 och $10"]  # a doc id, a voice, a voice
MATH_VOICE = "$\\foo$ $x^{2}$"  # a voice of the whole report's hostile corpus: notebook 04 stopped on it


def test_data_in_figure_labels_is_drawn_as_the_text_it_is():
    """Labels hold data (doc ids, voices, code names); matplotlib parsed them as mathtext:
    '$\\foo$' stopped notebook 04 with "Unknown symbol" naming no file, '$x^{2}$' was drawn
    as x². In the house style (what the notebooks' ``style.use()`` sets) each label is
    drawn as its literal text: written as text into an SVG, it is there character for
    character."""
    shown = {k: pd.get_option(k) for k in ("display.max_colwidth", "display.max_rows")}  # style.use sets them
    with mpl.rc_context(), pd.option_context(*(x for kv in shown.items() for x in kv)):
        style.use()
        fig = figures.document_sizes(pd.DataFrame({"tokens": [120, 80, 40]}, index=MATH_LABELS))
        fig.axes[0].set_title(MATH_LABELS[1])
        fig.savefig(BytesIO(), format="png")  # as notebook 04 shows it: raised ValueError, Unknown symbol
        text = BytesIO()
        with mpl.rc_context({"svg.fonttype": "none"}):  # text as text, to read it back
            fig.savefig(text, format="svg")
    drawn = html.unescape(text.getvalue().decode("utf-8"))
    for label in MATH_LABELS:
        assert label in drawn, label
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == MATH_LABELS


# --- markup from data: escaped on its way into Markdown and HTML ---
# Each payload is what a data source could carry; the number it would set window.__pwned to
# if it ran says which source it stands for.

SCRIPT_QUOTE = "Dokumentationen växer <script>window.__pwned=1</script> & tar tid."  # corpus text
IMG_VOICE = '<img src="x" onerror="window.__pwned=2">'  # a metadata value (voice, title, ...)
LINK_NAME = "[x](javascript:window.__pwned=3)"  # a code's name_sv / name_en in a codebook
IMG_FILE = "<img src=x onerror=window.__pwned=4>"  # a raw file's name, the document id without metadata
MARKDOWN_TRICKS = [
    "![i](javascript:window.__pwned=5)", "<javascript:window.__pwned=6>", "[x][r]\n\n[r]: javascript:alert(7)",
    "*em* _em_ `code` ~~del~~ $x$ | \\ back", "line\n# heading\n\n    code block\n- item",
    "&lt;script&gt; stays text", "<a href='javascript:alert(8)'>a</a>", "<svg onload=alert(9)>",
]
EVIL_URL = "https://evil.example/login"  # a bare URL in data: nbconvert's Markdown made it a live link
URLS = [f"konsulter, se {EVIL_URL}", "xhttp://evil.example/a?b=1&c=2", "HTTP://evil.example ftp://evil.example"]
PAYLOADS = [SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE, *MARKDOWN_TRICKS, *URLS]


class _Elements(HTMLParser):
    """The start tags of an HTML text, with their attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)


def _elements(page: str) -> _Elements:
    parser = _Elements()
    parser.feed(page)
    parser.close()
    return parser


def _live(page: str) -> list[str]:
    """What in an HTML text could run or lead somewhere unsafe: script, iframe, object,
    embed, svg and img elements, any on* attribute, any javascript: URL."""
    found = []
    for tag, attrs in _elements(page).tags:
        if tag in ("script", "iframe", "object", "embed", "svg", "img"):
            found.append(tag)
        found += [f"{tag} {k}" for k in attrs if k.lower().startswith("on")]
        found += [f"{tag} {k}={v}" for k, v in attrs.items() if v and re.match(r"\s*javascript:", v, re.I)]
    return found


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_data_is_text_in_html(payload):
    page = f"<p>{markup.escape(payload)}</p><p title=\"{markup.escape(payload)}\">x</p>"
    assert _live(page) == []
    parsed = _elements(page)
    assert [t for t, _ in parsed.tags] == ["p", "p"]  # nothing else became an element
    assert parsed.text[0] == payload and parsed.tags[1][1]["title"] == payload  # shown as it was


@pytest.mark.parametrize("payload", PAYLOADS)
def test_escaped_data_is_text_in_markdown(payload):
    # rendered as the report's pages render Markdown (nbconvert's mistune renderer)
    rendered = markdown2html_mistune(f"**RQ.** For example: “{markup.escape(payload, markdown=True)}” (a, b).")
    assert _live(rendered) == []
    parsed = _elements(rendered)
    assert [t for t, _ in parsed.tags] == ["p", "strong"]  # no link, image, code, list, heading
    shown = "".join(parsed.text).strip()
    assert shown == f"RQ. For example: “{' '.join(payload.split())}” (a, b)."  # line breaks read as spaces


def test_markdown_escaping_leaves_plain_text_as_it_is():
    plain = "tillit-diary/luleå, 2017-02-01 (inferred): “Ambitionen är att inte ha för många mål.” 5.4; 30%"
    assert markup.escape(plain, markdown=True) == plain
    assert markup.escape(plain) == plain  # nothing to escape in HTML either
    assert markup.escape(3) == "3" and markup.escape(None) == "None"


def test_code_ids_cannot_carry_markup(tmp_path):
    # Code ids are written unescaped inside Markdown code spans (`P_ADMIN`); the codebook's
    # validation is what keeps a backtick or a tag out of them.
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    data["codes"][0]["id"] = "P_`<script>`"
    (tmp_path / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(coding.CodebookError, match="is not an id: ids are upper-case letters, digits and _"):
        coding.load_codebook(tmp_path / "codebook.yaml")


def test_drilldown_escapes_document_ids_file_names_dates_quotes_and_code_names(toy):
    coded, segments, documents, codebook = toy
    rename = {"d1": IMG_FILE, "d2": IMG_VOICE}
    segments = segments.assign(doc_id=segments["doc_id"].replace(rename), file=segments["file"].replace({"a.txt": IMG_FILE}),
                               text=SCRIPT_QUOTE)
    coded = coded.assign(doc_id=coded["doc_id"].replace(rename), file=coded["file"].replace({"a.txt": IMG_FILE}))
    documents = documents.assign(doc_id=documents["doc_id"].replace(rename), date=[LINK_NAME, "2015", ""])
    codes = [c.model_copy(update={"name_en": LINK_NAME if c.family == "P" else IMG_VOICE}) for c in codebook.codes]
    codebook = codebook.model_copy(update={"codes": codes})
    page = drilldown.fragment(coded, segments, documents, codebook)
    assert _live(page) == []
    text = html.unescape(re.sub(r"</?mark>", "", page))  # the highlights of matched words are ours
    assert all(p in text for p in (SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE))  # shown, as text


def test_codebook_page_escapes_every_field(toy):
    codebook = toy.codebook
    codes = [c.model_copy(update={"name_en": LINK_NAME, "name_sv": IMG_VOICE, "definition": SCRIPT_QUOTE,
                                  "use_when": IMG_FILE, "not_when": SCRIPT_QUOTE, "terms": ["<b>x"]})
             for c in codebook.codes]
    scope = coding.Scope(description=LINK_NAME, terms=["<i>y"], exclude=["<u>z"], except_codes=[IMG_VOICE])
    page = report.codebook_page(codebook.model_copy(update={"codes": codes, "name": SCRIPT_QUOTE, "scope": scope}))
    assert _live(page) == [] and "<b>x" not in page and "<i>y" not in page and "<u>z" not in page
    text = html.unescape(page)
    assert all(p in text for p in (SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE, "<b>x", "<i>y", "<u>z"))  # as text


def test_index_page_escapes_metadata_study_and_corpus_name(tmp_path):
    root = tmp_path / IMG_FILE.replace("/", "")
    (root / "raw").mkdir(parents=True)
    (root / "raw" / f"{IMG_FILE}.txt").write_text("Text.\n", encoding="utf-8")
    with open(root / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "title", "voice"], [f"{IMG_FILE}.txt", LINK_NAME, IMG_VOICE]])
    (root / "study.yaml").write_text(yaml.safe_dump({"title": SCRIPT_QUOTE, "about": IMG_VOICE}), encoding="utf-8")
    page = report.index_page([(SCRIPT_QUOTE, "01_a.html", "01_a.code.html")],
                             pipeline.Run.from_params(root, tmp_path / "out"))
    assert _live(page) == []
    text = html.unescape(page)
    assert all(p in text for p in (SCRIPT_QUOTE, IMG_VOICE, LINK_NAME, IMG_FILE))


# --- markup from data: the whole report on a hostile corpus ---

HOSTILE_SENTENCE = ("Dokumentationen, administrationen och byråkratin växer, blanketterna och pappersarbetet tar tid "
                    "och återrapporteringen ökar <script>window.__pwned=1</script>.")


def _markup_corpus(root: Path) -> Path:
    """A corpus whose data tries to run in the pages, at ``root``: a seed text under the file
    name ``IMG_FILE``.txt (no metadata row, so it is also the document's id) opening with
    ``HOSTILE_SENTENCE`` (the most typical sentence of administrative burden, so the
    interpretation quotes it), a second seed text whose metadata voice is ``IMG_VOICE``, and a
    copy of the study's codebook in which administrative burden (in every document, so the
    interpretation names it) is called ``LINK_NAME``; and one more seed text twice, composed
    (NFC) and decomposed (NFD)."""
    src = paths.CORPUS_DIR / "raw"
    raw = root / "raw"
    raw.mkdir(parents=True)
    (raw / f"{IMG_FILE}.txt").write_text(
        HOSTILE_SENTENCE + "\n\n" + (src / "000_ff484f60f80210ce.txt").read_text(encoding="utf-8"), encoding="utf-8")
    (raw / "b.txt").write_text((src / "002_a62e90012542eaf2.txt").read_text(encoding="utf-8")
                               + "\nDokumentationen tar tid från mötet med brukarna.\n", encoding="utf-8")
    with open(root / "metadata.csv", "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([["file", "doc_id", "voice", "date"], ["b.txt", "b", IMG_VOICE, "2013-04-05"],
                                  ["d_nfc.txt", "d_nfc", f"{MATH_VOICE}, see {EVIL_URL}", ""]])
    book = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    for code in book["codes"]:
        code.pop("examples", None)  # they quote the seed files by name and offset
        if code["id"] == "P_ADMIN":
            code["name_sv"] = code["name_en"] = LINK_NAME
    (root / "codebook.yaml").write_text(yaml.safe_dump(book, allow_unicode=True, sort_keys=False), encoding="utf-8")
    # and a seed text twice, as written (NFC) and decomposed (NFD, as macOS saves it)
    seed = (src / "001_8ccbbb7e150bbb09.txt").read_text(encoding="utf-8")
    (raw / "d_nfc.txt").write_text(unicodedata.normalize("NFC", seed), encoding="utf-8")
    (raw / "d_nfd.txt").write_text(unicodedata.normalize("NFD", seed), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def markup_report(hostile_report):
    """The output folder of :func:`hostile_report`, the report of :func:`_markup_corpus`."""
    out, done = hostile_report
    assert done.returncode == 0, done.stderr[-3000:]
    return out


def test_a_decomposed_copy_is_coded_as_its_composed_original_end_to_end(markup_report):
    """Issue 12's third high item, through `make report`: the NFD copy of a text gives the
    NFC copy's codes, words and tokens (each with its own raw offsets)."""
    coded = pd.read_csv(markup_report / "coded.csv", dtype=str, keep_default_na=False)
    tokens = pd.read_csv(markup_report / "tokens.csv", dtype=str, keep_default_na=False)
    cols = ["paragraph", "sentence", "code", "rules", "matched"]
    nfc_rows, nfd_rows = (coded[coded["file"] == f][cols].reset_index(drop=True) for f in ("d_nfc.txt", "d_nfd.txt"))
    assert len(nfc_rows) > 5 and nfc_rows.equals(nfd_rows)
    words = [tokens.loc[tokens["file"] == f, ["token", "lemma", "stop"]].reset_index(drop=True)
             for f in ("d_nfc.txt", "d_nfd.txt")]
    assert words[0].equals(words[1]) and any(not w.isascii() for w in words[0]["token"])


def test_the_hostile_corpus_reaches_the_interpretation(markup_report):
    # the test is only worth something if the data really flows into the Markdown
    quotes = pd.read_csv(markup_report / "findings_quotes.csv", dtype=str, keep_default_na=False)
    top = quotes[(quotes["code"] == "P_ADMIN") & (quotes["rank"] == "1")].iloc[0]
    assert (top["doc_id"], top["quote"]) == (IMG_FILE, HOSTILE_SENTENCE)
    documents = pd.read_csv(markup_report / "documents.csv", dtype=str, keep_default_na=False)
    assert {IMG_VOICE, f"{MATH_VOICE}, see {EVIL_URL}"} <= set(documents["voice"])  # figures drew it as text


def test_no_page_runs_or_links_data(browser, markup_report):
    # every page in html/ but the fake previous run's researcher's page and notes saved over an old page
    pages = sorted(p for p in (markup_report / "html").glob("*.html")
                   if p.relative_to(markup_report).as_posix() not in FOREIGN + EDITED)
    assert len(pages) == 14  # index, codebook, and two editions of six notebooks
    assert [p.relative_to(markup_report).as_posix() for p in pages] == sorted(
        rel for rel in manifest.read(markup_report) if rel.startswith("html/") and rel.endswith(".html"))  # its pages
    page = browser.new_page()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for path in pages:
        page.goto(path.as_uri(), wait_until="load")
        page.wait_for_timeout(100)  # let a failed image's onerror run, if there is one
        found = page.evaluate("""() => {
            const all = Array.from(document.querySelectorAll('*'));
            return {
              pwned: typeof window.__pwned === 'undefined' ? null : String(window.__pwned),
              scripts: Array.from(document.scripts).map(s => s.text).filter(t => t.includes('__pwned')),
              handlers: all.flatMap(e => Array.from(e.attributes).filter(a => /^on/i.test(a.name))
                                                    .map(a => e.tagName + ' ' + a.name)),
              js_urls: all.flatMap(e => Array.from(e.attributes).filter(a => /^\\s*javascript:/i.test(a.value))
                                                   .map(a => e.tagName + ' ' + a.name + '=' + a.value)),
              data_urls: all.flatMap(e => Array.from(e.attributes)  // a link or source (an alt text may quote it)
                                .filter(a => /^(href|src|srcset|action|formaction|xlink:href|data|poster)$/i.test(a.name)
                                             && a.value.includes('evil.example'))
                                .map(a => e.tagName + ' ' + a.name + '=' + a.value)),
            };
        }""")
        assert found == {"pwned": None, "scripts": [], "handlers": [], "js_urls": [], "data_urls": []}, path.name
    assert dialogs == []
    for name in ("04_findings.html", "04_findings.code.html"):
        page.goto((markup_report / "html" / name).as_uri(), wait_until="load")
        # the interpretation shows every payload as text
        text = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-RenderedMarkdown'))
                                    .map(e => e.innerText).filter(t => t.includes('RQ1.')).join('\\n')""")
        assert text, name
        for payload in ("<script>window.__pwned=1</script>", IMG_VOICE, LINK_NAME, IMG_FILE):
            assert payload in text, (name, payload)
        # the bare URL of a voice reaches the page's Markdown, and is text there (no link: data_urls above)
        markdown = page.evaluate("""() => Array.from(document.querySelectorAll('.jp-RenderedMarkdown'))
                                        .map(e => e.innerText).join('\\n')""")
        assert EVIL_URL in markdown, name


# --- Unicode: decomposed letters (NFD) ---

SEEDS = corpus.list_raw_files(paths.CORPUS_DIR)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")

# macOS and some exports write "ö" as "o" + U+0308 and "å" as "a" + U+030A. A token's raw
# span must cover the whole word, marks included, and the token must be the composed
# (NFC) word, as in the sentence's text, so that the coder sees the same words.


SWEDISH_WORDS = ["Förtroende", "målstyrning", "Åsa", "Ärenden"]


def test_marks_are_every_unicode_mark_and_nothing_else():
    """``clean.MARKS`` is written out from the Unicode database; this checks it, and the
    pattern built from it, code point by code point."""
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    marks = {ch for ch in every if is_mark(ch)}
    # every mark this Python knows; beyond them, only code points it does not know yet
    # (assigned as marks in the newer Unicode of Python 3.13, which MARKS is written from)
    found = set(re.findall(f"[{clean.MARKS}]", every))
    assert marks <= found and all(unicodedata.category(ch) == "Cn" for ch in found - marks)
    if unicodedata.unidata_version == "15.1.0":
        assert found == marks
    assert set(re.findall(clean._MARK, every)) == found
    # text holding one of them never takes the plain pattern
    assert all(clean._NOT_PLAIN.match(ch) for ch in marks)


@pytest.mark.parametrize("word", SWEDISH_WORDS)
def test_a_decomposed_word_is_one_token_covering_its_marks(word):
    raw = nfd(f"Vi talar om {word} här.")
    assert raw != nfc(raw)
    spans = clean.token_spans(raw)
    assert [t for _, _, t in spans] == ["Vi", "talar", "om", word, "här"]
    start, end, _ = spans[3]
    assert raw[start:end] == nfd(word)
    assert clean.tokenize(clean.normalise(raw)) == [t for _, _, t in spans]


def test_decomposed_and_composed_copies_give_the_same_tokens_with_their_own_offsets():
    text = "Förtroendet för målstyrning växer; Åsa läser ärendena, 1 234,5 kr och barn- och äldreomsorg."
    composed, decomposed = nfc(text), nfd(text)
    which, starts, ends, tokens = clean.token_columns_of([decomposed, composed], [0, 0], [len(decomposed), len(composed)])
    per_copy = {i: [(s, e, t) for w, s, e, t in zip(which, starts, ends, tokens) if w == i] for i in (0, 1)}
    assert [t for *_, t in per_copy[0]] == [t for *_, t in per_copy[1]] == clean.tokenize(composed)
    assert {"Förtroendet", "målstyrning", "Åsa", "ärendena", "234,5", "barn-"} <= set(tokens)
    for raw, spans in ((decomposed, per_copy[0]), (composed, per_copy[1])):
        assert all(nfc(raw[s:e]) == t for s, e, t in spans)
    assert per_copy[0][0][:2] == (0, len(nfd("Förtroendet")))


def test_tokenize_keeps_the_marks_of_a_cleaned_word():
    """Cleaned text is NFC, but a mark with no composed letter stays a mark (Lithuanian
    "ą̃": "ą" + U+0303); the coder's tokens of the cleaned sentence keep it in the word."""
    assert clean.tokenize("Jis ką\u0303 tik") == ["Jis", "ką\u0303", "tik"]
    assert clean.tokenize(nfd("Förtroende")) == [nfd("Förtroende")]


@pytest.mark.parametrize("word", [
    nfd("Čáhcesuolu"),  # Northern Sámi, decomposed
    nfd("Tiếng Việt").split()[1],  # Vietnamese: two marks on one letter
    "हिन्दी",  # Devanagari: vowel signs (Mc, Mn) and virama
    "שָׁלוֹם",  # Hebrew with points
    "مَرْحَبًا",  # Arabic with harakat
    "𑀓𑀸𑀫",  # Brahmi: a vowel sign beyond the BMP (U+11038)
], ids=["sami", "vietnamese", "devanagari", "hebrew", "arabic", "brahmi"])
def test_a_mark_continues_the_word_in_other_scripts(word):
    assert any(is_mark(ch) for ch in word)
    assert clean.token_spans(word) == [(0, len(word), nfc(word))]
    assert clean.tokenize(clean.normalise(word)) == [nfc(word)]


PIECES = st.sampled_from([
    "a", "o", "e", "A", "O", "s", "t", "ö", "ä", "å", "Ö", "Å", "é", "ü", "\u0308", "\u030a", "\u0301",
    "\u0303", "\u0331", "\u0323", "ह", "ि", "्", "\u1100", "\u1161", "\u11a8", "𑀓", "𑀸", "1", "2",
    " ", "  ", "\n", ".", ",", ":", "-", "–", "”", "(",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_property_nfc_and_nfd_copies_give_the_same_tokens(text):
    tokens = {}
    for form in ("NFC", "NFD"):
        raw = unicodedata.normalize(form, text)
        spans = clean.token_spans(raw)
        assert all(clean.normalise(raw[s:e]) == t for s, e, t in spans)
        # a word ends only where no mark follows it (a compound's trailing hyphen may)
        assert not any(e < len(raw) and is_mark(raw[e]) and not t.endswith("-") for s, e, t in spans)
        tokens[form] = [t for _, _, t in spans]
    assert tokens["NFC"] == tokens["NFD"] == clean.tokenize(clean.normalise(text))


# --- Unicode: sentence breaks in decomposed text ---
# Punkt's abbreviations ("åk"), collocations and orthographic statistics ("Ökad" starts
# sentences) are composed words: it decides on the NFC form, the offsets stay raw.
# (_covered_once is the helper of "very long input" above.)


def _sentences_of_both_forms(text: str) -> dict[str, list[tuple[int, int, str]]]:
    """The sentences (paragraph, sentence, text) of an NFC and an NFD copy of ``text``, each
    checked to trace back to its raw offsets and, with the removals, to cover it once."""
    found = {}
    for form in ("NFC", "NFD"):
        raw = unicodedata.normalize(form, text)
        sentences, removed = clean.segment(raw, "a.txt", clean.load_rules())
        assert all(clean.normalise(raw[s["start"]:s["end"]]) == s["text"] for s in sentences)
        assert _covered_once(raw, sentences, removed)
        found[form] = [(s["paragraph"], s["sentence"], s["text"]) for s in sentences]
    return found


@pytest.mark.parametrize("text", ["Hon går i åk. tre nu.", "Se bl.a. Ökad tillit."])
def test_sentence_breaks_are_the_same_in_an_nfd_copy(text):
    found = _sentences_of_both_forms(text)
    assert found["NFD"] == found["NFC"]


WORDS = st.sampled_from(["Hon", "går", "i", "åk.", "tre", "nu.", "Se", "bl.a.", "Ökad", "tillit.", "Är", "det",
                         "så?", "Östberg", "J.", "ärenden", "ö.", "Å.", "målstyrning", "– ", "\n", "\n\n", "”", "1."])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_property_nfd_and_nfc_copies_give_the_same_sentences(text):
    found = _sentences_of_both_forms(text)
    assert found["NFD"] == found["NFC"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "o", "ö", "e", " ", ".", "\u0308", "\u030a", "\u0301", "\u0323", "\u0344",
                                 "\u212b", "\u0958", "\u093c", "\u0951", "\u1100", "\u1161", "\u11a8", "가",
                                 "\u0b47", "\u0b3e", "\U00011099", "\U000110ba", "\u2adc", "\u0338", "="]),
                max_size=20).map("".join))
def test_property_pieces_compose_as_the_whole(text):
    """NFC changes the pieces that the sentence stage maps offsets through independently:
    composing them one by one gives the composed text."""
    pieces = clean._NFC_PIECE.findall(text)
    assert "".join(pieces) == text
    assert "".join(map(nfc, pieces)) == nfc(text)


# --- Unicode: the pipeline on NFC and NFD copies of the seeds ---

def _side(df, prefix):
    """The rows of the copies whose file name starts with ``prefix``, named as the seed."""
    rows = df[df.file.str.startswith(prefix)].reset_index(drop=True)
    return rows.assign(file=rows.file.str.removeprefix(prefix))


def test_the_pipeline_gives_the_same_tokens_and_codes_for_nfd_and_nfc_copies(corpus_factory, tmp_path):
    raws = {p.name: corpus.read_raw(p).text for p in SEEDS}
    copies = {f"{form.lower()}_{name}": unicodedata.normalize(form, text)
              for name, text in raws.items() for form in ("NFC", "NFD")}
    assert all(copies[f"nfd_{n}"] != copies[f"nfc_{n}"] for n in raws)
    run = pipeline.Run.from_params(corpus_factory(copies), tmp_path / "out")
    seg, _ = pipeline.segments(run)
    tok, coded = pipeline.tokens(run), pipeline.coded(run)
    # doc_id is left out: a diary entry's id is made from its heading (helpers/entries.py)
    where = ["file", "paragraph", "sentence"]
    for table, columns in ((seg, ["text", "tokens"]), (tok, ["token", "lemma", "stop"]),
                           (coded, ["code", "rules", "matched"])):
        composed, decomposed = _side(table, "nfc_"), _side(table, "nfd_")
        assert len(composed) > 0
        assert decomposed[where + columns].equals(composed[where + columns]), columns
    assert (coded.matched == coded.matched.map(nfc)).all() and "P_DETAIL" in set(coded.code)
    # offsets are each copy's own, and point at the stretch the token or text comes from
    assert not _side(tok, "nfd_")[["start", "end"]].equals(_side(tok, "nfc_")[["start", "end"]])
    for f, s, e, t in tok[["file", "start", "end", "token"]].itertuples(index=False):
        assert nfc(copies[f][s:e]) == t and not (e < len(copies[f]) and is_mark(copies[f][e]))
    for f, s, e, t in seg[["file", "start", "end", "text"]].itertuples(index=False):
        assert clean.normalise(copies[f][s:e]) == t


# --- codebooks of one family: notebook 04 runs on them ---


@pytest.mark.parametrize("family", ["P", "R"])
def test_the_findings_notebook_runs_on_a_codebook_of_one_family(tmp_path, family):
    """A corpus's codebook with only problem codes (or only remedies) used to stop notebook
    04 with a KeyError and no file named: the co-occurrence of problems and remedies is
    then empty, and says so."""
    root = tmp_path / "c"
    (root / "raw").mkdir(parents=True)
    for p in corpus.list_raw_files(paths.CORPUS_DIR)[:2]:
        (root / "raw" / p.name).write_bytes(p.read_bytes())
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    data["codes"] = [dict(c, examples=[]) for c in data["codes"] if c["family"] == family]
    (root / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    nb_path = next(p for p in report.notebooks() if p.stem == "04_findings")
    nb = report.execute(nb_path, str(root), str(tmp_path / "out"), tmp_path / "04.ipynb")
    assert all(o.output_type != "error" for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    cb = coding.codebook_for(root)
    run = pipeline.Run.from_params(root, tmp_path / "out")
    cooc = findings.cooccurrence(pipeline.coded(run), pipeline.segments(run)[0], cb)
    assert cooc.empty and list(cooc.columns) == findings.COOCCURRENCE_COLUMNS


# --- spreadsheets: formulas in data (CSV injection) ---


def test_tables_are_exact_and_their_spreadsheet_copies_never_start_a_formula(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "=HYPERLINK(\"http://x\",\"klicka\") och detaljstyrning.\n\n"
                                    "+46 70 123 45 67 ringde om tilliten.\n"},
                          metadata="file,doc_id,title\na.txt,a,@SUM(1+1)\n")
    run = pipeline.Run.from_params(root, tmp_path / "out")
    pipeline.build_tables(run)
    exact = tables.read(run.out, "segments")
    assert exact["text"].str.startswith(("=HYPERLINK", "+46")).sum() == 2  # the contract: text as it is
    copy = io.read_csv(run.out / io.SPREADSHEET_DIR / "segments.csv")
    assert copy["text"].tolist() == ["'" + t for t in exact["text"]]
    assert copy["start"].tolist() == [str(s) for s in exact["start"]]  # numbers as they are
    docs = io.read_csv(run.out / io.SPREADSHEET_DIR / "documents.csv")
    assert docs["title"].tolist() == ["'@SUM(1+1)"]
    coded = io.read_csv(run.out / io.SPREADSHEET_DIR / "coded.csv")
    assert not coded.apply(lambda col: col.str.startswith(io.FORMULA_STARTS)).any().any()
    assert not (run.out / io.SPREADSHEET_DIR / "tokens.csv").exists()


def test_a_manifest_path_with_a_nul_byte_or_a_lone_surrogate_is_dropped_with_one_warning(tmp_path, caplog):
    """Such a path crashed make clean and make report with a ValueError traceback (leaking the
    descriptor of the folder it was opening), and, the stale removal running before the new
    manifest is written, every later report too."""
    out = tmp_path / "out"
    (out / "x").mkdir(parents=True)
    (out / "segments.csv").write_text("the run's\n", encoding="utf-8")
    digest = manifest.file_hash(out, "segments.csv")
    bad = ["a\x00b.csv", "x\x00/y.csv", "x/\x00.csv", "\ud800.csv", "html/\udcff.html"]
    (out / MANIFEST).write_text(json.dumps({"sha256": {**dict.fromkeys(bad, digest), "segments.csv": digest}}),
                                encoding="utf-8")
    fds = len(os.listdir("/proc/self/fd"))
    with caplog.at_level(logging.WARNING, logger="helpers.manifest"):
        recorded = manifest.read(out)
    assert recorded == {"segments.csv": digest}
    warned = [r.getMessage() for r in caplog.records if r.name == "helpers.manifest"]
    assert len(warned) == 1 and str(out / MANIFEST) in warned[0] and "NUL" in warned[0]
    for rel in bad:  # asked directly, each is no file, and no descriptor is left open
        assert manifest.file_hash(out, rel) is None
        assert manifest.remove_unchanged(out, {rel: digest}) == manifest.Removal()
    assert len(os.listdir("/proc/self/fd")) == fds
    assert manifest.remove_stale(out, manifest.read(out), []).removed == ["segments.csv"]
    (out / "segments.csv").write_text("the run's\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "helpers.outputs", "clean", "--out", str(out)], cwd=ROOT,
                          capture_output=True, text=True)
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    assert [p.name for p in out.iterdir()] == ["x"]  # segments.csv and the manifest removed; x/ is no run's
