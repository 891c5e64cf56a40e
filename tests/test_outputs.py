"""make clean removes what the runs wrote, and nothing else (helpers/outputs.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import evaluation, outputs, paths, report, tables

DECISIONS = "file,start,end,code,decision,reviewer,note\n"


def make(*args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in the project root, as tests/test_hostile_input.py runs it (``STAMP=``
    and ``BIN=`` keep make from rebuilding ``.venv``; the outer make's flags left out)."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    return subprocess.run(["make", "--no-print-directory", *args, "STAMP=", f"BIN={Path(sys.executable).parent}"],
                          cwd=paths.PROJ_ROOT, env=env, capture_output=True, text=True)


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() or p.is_symlink())


def _write(folder: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text, encoding="utf-8")


def _assert_refused(done, *words: str) -> None:
    lines = [line for line in done.stderr.strip().splitlines() if not line.startswith("make: ***")]
    assert done.returncode == 2, done.stdout + done.stderr  # make's own status for a failed command
    assert len(lines) == 1 and lines[0].startswith("error: refusing make clean OUT="), done.stderr
    for word in words:
        assert word in lines[0], (word, lines[0])


def test_make_clean_refuses_a_copy_of_a_corpus_and_removes_nothing(tmp_path):
    """The reviewer's case: a corpus (raw texts, decisions, one's notes) given as OUT was
    removed whole by `rm -rf`, exit 0."""
    victim = tmp_path / "victim"
    _write(victim, {"raw/a.txt": "Text.\n", "notes.md": "my notes\n", "review/ann.csv": DECISIONS})
    before = _files(victim)
    done = make("clean", f"OUT={victim}")
    _assert_refused(done, str(victim), "it holds raw/, a corpus's raw texts")
    assert _files(victim) == before
    # decisions alone are enough, and so is a corpus in a folder below OUT
    (victim / "raw" / "a.txt").unlink()
    (victim / "raw").rmdir()
    (victim / report.MANIFEST).write_text('{"files": ["notes.csv"]}', encoding="utf-8")
    assert "it holds review/ann.csv, reviewers' decisions" in outputs.refusal(str(victim))
    nested = tmp_path / "out"
    _write(nested, {report.MANIFEST: '{"files": []}', "copy/raw/a.txt": "Text.\n"})
    assert "it holds copy/raw/, a corpus's raw texts" in outputs.refusal(str(nested))


def test_make_clean_refuses_a_folder_no_report_wrote(tmp_path):
    thesis = tmp_path / "thesis"
    _write(thesis, {"chapter1.docx": "draft", "segments.csv": "mine"})
    done = make("clean", f"OUT={thesis}")
    _assert_refused(done, str(thesis), f"no {report.MANIFEST}")
    assert _files(thesis) == ["chapter1.docx", "segments.csv"]


@pytest.mark.parametrize("out", ["corpus-dev", "docs", "tests", ".git", "helpers", "corpus-dev/raw", "benchmarks"])
def test_make_clean_refuses_the_projects_own_folders(out):
    """Checked through `refusal`, not by running make clean on them: the old make clean
    removed them (a regression would remove the project's files)."""
    reason = outputs.refusal(out)
    assert reason and reason.startswith(f"refusing make clean OUT={out} "), reason
    with pytest.raises(outputs.CleanRefused):
        outputs.clean(out)
    assert (paths.PROJ_ROOT / out).exists()


def test_a_folder_under_build_that_does_not_exist_is_not_refused():
    assert outputs.refusal("build/never-made-by-a-test") is None
    assert outputs.clean("build/never-made-by-a-test").endswith("nothing to clean (no such folder)")


def test_clean_removes_the_listed_files_the_cache_and_evaluate_s_tables_and_keeps_the_rest(tmp_path):
    out = tmp_path / "out"
    listed = ["html/index.html", "html/00_a.html", "notebooks/00_a.ipynb", "figures/timeline.svg",
              "findings_quotes.csv", "spreadsheet/findings_quotes.csv", "project.qdpx", "codebook.qdc"]
    cache = tables.out_files() + [".cache/fingerprint.json", ".segments.csv.abc_1234.tmp"]
    evaluated = [f"evaluation/corpus-dev/{name}" for name in evaluation.TABLE_FILES] + \
        [f"evaluation/corpus-dev/{rel}" for rel in tables.out_files() + [".cache/fingerprint.json"]]
    own = ["html/mine.html", "notebooks/mine.ipynb", "figures/mine.svg", "mine.csv", "notes.txt",
           "suggestions_R_TRUST.csv", "review/sample.csv", "review/review.xlsx", "review/review.qdpx",
           "evaluation/corpus-dev/my_notes.txt"]
    _write(out, {rel: rel for rel in listed + cache + evaluated + own})
    (out / report.MANIFEST).write_text(json.dumps({"files": listed + ["../outside.csv", "notes.txt"]}),
                                       encoding="utf-8")
    (tmp_path / "outside.csv").write_text("mine", encoding="utf-8")
    said = outputs.clean(str(out))
    assert _files(out) == sorted(own)
    assert (tmp_path / "outside.csv").exists()
    assert not (out / ".cache").exists() and not (out / "spreadsheet").exists()  # left empty: removed
    assert said.startswith(f"removed {len(listed + cache + evaluated) + 1} file(s) the runs wrote in ")
    assert "kept 10 file(s) no run listed there, among them review/" in said


def test_clean_removes_the_folder_when_nothing_else_is_in_it_and_follows_no_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    _write(elsewhere, {"00_a.html": "theirs", "coded.csv": "theirs"})
    out = tmp_path / "out"
    _write(out, {"html/index.html": "x", "segments.csv": "x"})
    (out / "spreadsheet").symlink_to(elsewhere)  # a folder of the cache that is a link
    (out / "coded.csv").symlink_to(elsewhere / "coded.csv")  # a table that is a link
    (out / report.MANIFEST).write_text(json.dumps({"files": ["html/index.html", "coded.csv"]}), encoding="utf-8")
    outputs.clean(str(out))
    assert _files(elsewhere) == ["00_a.html", "coded.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["coded.csv", "spreadsheet"]  # the links stay
    (out / "coded.csv").unlink()
    (out / "spreadsheet").unlink()
    _write(out, {"html/index.html": "x", ".cache/fingerprint.json": "{}", report.MANIFEST: '{"files": ["html/index.html"]}'})
    assert outputs.clean(str(out)).endswith("and the folder, left empty")
    assert not out.exists() and tmp_path.is_dir()


def test_the_default_build_folder_goes_whole_unless_it_holds_a_corpus(tmp_path, monkeypatch, capsys):
    build = tmp_path / "build"
    monkeypatch.setattr(paths, "BUILD_DIR", build)
    _write(build, {"evaluation/corpus/segments.csv": "x", "anything.txt": "x"})
    assert outputs.main(["clean"]) == 0
    assert not build.exists() and "whole" in capsys.readouterr().out
    _write(build, {"mycorpus/raw/a.txt": "Text.\n"})
    assert outputs.main(["clean"]) == 2
    assert "it holds mycorpus/raw/, a corpus's raw texts" in capsys.readouterr().err
    assert (build / "mycorpus" / "raw" / "a.txt").exists()
    # a review folder, where a reviewer may be filling a sheet or saved a QDA project or a sheet of
    # another name: kept, whatever it holds, with the folders above it; the rest goes
    shutil.rmtree(build / "mycorpus")
    _write(build, {"rep/review/review.xlsx": "x", "rep/review/review_ann.xlsx": "x", "rep/review/review.qdpx": "x",
                   "rep/html/index.html": "x", "review/sample.csv": "x", "figures/a.svg": "x"})
    (build / "rep" / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "mine.txt").write_text("x")
    assert outputs.main(["clean"]) == 0
    said = capsys.readouterr().out
    assert "but for its review folder(s)" in said and "rep/review, review" in said
    left = sorted(p.relative_to(build).as_posix() for p in build.rglob("*") if p.is_file())
    assert left == ["rep/review/review.qdpx", "rep/review/review.xlsx", "rep/review/review_ann.xlsx",
                    "review/sample.csv"]
    assert (tmp_path / "elsewhere" / "mine.txt").exists() and not (build / "rep" / "link").exists()
