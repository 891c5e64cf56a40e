"""make clean removes what the runs wrote, and nothing else (helpers/outputs.py)."""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import evaluation, manifest, outputs, paths, pipeline, report, review, suggest, tables

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


def _record(folder: Path, files: list[str], extra: dict | None = None) -> None:
    """Write ``folder``'s manifest as a run does: ``files`` with the SHA-256 of their bytes
    now (and ``extra`` entries as they are given)."""
    (folder / manifest.MANIFEST).write_text(manifest.dumps({**manifest.record(folder, files), **(extra or {})}),
                                            encoding="utf-8")


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
    (victim / manifest.MANIFEST).write_text('{"files": ["notes.csv"]}', encoding="utf-8")
    assert "it holds review/ann.csv, reviewers' decisions" in outputs.refusal(str(victim))
    nested = tmp_path / "out"
    _write(nested, {manifest.MANIFEST: '{"files": []}', "copy/raw/a.txt": "Text.\n"})
    assert "it holds copy/raw/, a corpus's raw texts" in outputs.refusal(str(nested))


def test_make_clean_refuses_a_folder_no_report_wrote(tmp_path):
    thesis = tmp_path / "thesis"
    _write(thesis, {"chapter1.docx": "draft", "segments.csv": "mine"})
    done = make("clean", f"OUT={thesis}")
    _assert_refused(done, str(thesis), f"no {manifest.MANIFEST}")
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


def test_clean_removes_the_recorded_files_the_cache_and_evaluate_s_tables_and_keeps_the_rest(tmp_path):
    out = tmp_path / "out"
    listed = ["html/index.html", "html/00_a.html", "notebooks/00_a.ipynb", "figures/timeline.svg",
              "findings_quotes.csv", "spreadsheet/findings_quotes.csv", "project.qdpx", "codebook.qdc"]
    cache = tables.out_files() + [pipeline.STAMP_FILE]
    evaluated = list(evaluation.TABLE_FILES) + tables.out_files() + [pipeline.STAMP_FILE]
    own = ["html/mine.html", "notebooks/mine.ipynb", "figures/mine.svg", "mine.csv", "notes.txt",
           "suggestions_R_TRUST.csv", "review/sample.csv", "review/review.xlsx", "review/review.qdpx",
           "evaluation/corpus-dev/my_notes.txt", ".segments.csv.abc_1234.tmp"]  # a killed write's temporary: no record
    _write(out, {rel: rel for rel in listed + cache + [f"evaluation/corpus-dev/{rel}" for rel in evaluated] + own})
    # a hand-made entry, even with a hash, does not reach outside OUT; one without a hash removes nothing
    _record(out, listed + cache, {"../outside.csv": manifest.file_hash(out, "mine.csv"), "mine.csv": None})
    _record(out / "evaluation" / "corpus-dev", evaluated)
    (tmp_path / "outside.csv").write_text("mine.csv", encoding="utf-8")
    said = outputs.clean(str(out))
    assert _files(out) == sorted(own)
    assert (tmp_path / "outside.csv").exists()
    assert not (out / ".cache").exists() and not (out / "spreadsheet").exists()  # left empty: removed
    assert said.startswith(f"removed {len(listed + cache + evaluated) + 2} file(s) the runs wrote in ")  # + manifests
    assert "kept 10 file(s) no run listed there, among them review/" in said
    assert said.splitlines()[1:] == [f"kept 1 file(s) in {out} that a manifest lists without a hash (written by an "
                                     "older kvalitext, or by hand), so they are not known to be a run's: mine.csv; "
                                     "remove them yourself if they are not yours (a report run again records the "
                                     "hashes of what it writes)"]


def test_clean_removes_the_folder_when_nothing_else_is_in_it_and_follows_no_link(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    _write(elsewhere, {"00_a.html": "theirs", "coded.csv": "theirs"})
    out = tmp_path / "out"
    _write(out, {"html/index.html": "x", "segments.csv": "x"})
    _record(out, ["html/index.html", "segments.csv"], {"coded.csv": manifest.file_hash(elsewhere, "coded.csv"),
                                                       "spreadsheet/00_a.html": manifest.file_hash(elsewhere, "00_a.html")})
    (out / "spreadsheet").symlink_to(elsewhere)  # a folder of the cache that is a link
    (out / "coded.csv").symlink_to(elsewhere / "coded.csv")  # a table that is a link
    outputs.clean(str(out))
    assert _files(elsewhere) == ["00_a.html", "coded.csv"]
    assert sorted(p.name for p in out.iterdir()) == ["coded.csv", "spreadsheet"]  # the links stay
    (out / "coded.csv").unlink()
    (out / "spreadsheet").unlink()
    _write(out, {"html/index.html": "x", pipeline.STAMP_FILE: '{"fingerprint": "f"}'})  # an older kvalitext's stamp
    _record(out, ["html/index.html"])
    assert outputs.clean(str(out)).endswith("and the folder, left empty")
    assert not out.exists() and tmp_path.is_dir()


def test_the_default_build_folder_loses_only_what_runs_recorded_unless_it_holds_a_corpus(tmp_path, monkeypatch,
                                                                                          capsys):
    """build/ was removed whole: notes a researcher saved over build/coded.csv, or a file of
    their own put there, were lost. Now build/ is cleaned as any OUT (with or without a
    manifest, the records of every folder under it read), and its review/ folders stay."""
    build = tmp_path / "build"
    monkeypatch.setattr(paths, "BUILD_DIR", build)
    written = _report_folder(build)
    _write(build, {"evaluation/corpus/segments.csv": "x", "anything.txt": "x"})
    _record(build / "evaluation" / "corpus", ["segments.csv"])
    (build / "coded.csv").write_text("my notes\n", encoding="utf-8")  # saved over the run's table
    assert outputs.main(["clean"]) == 0
    said = capsys.readouterr().out.splitlines()
    assert _files(build) == ["anything.txt", "coded.csv"]
    assert (build / "coded.csv").read_text(encoding="utf-8") == "my notes\n"
    assert said[0].startswith(f"removed {len(written) - 1 + 2 + 2} file(s) the runs wrote in {build}; kept 1 file(s)")
    assert said[1:] == [f"kept {build / 'coded.csv'}: {manifest.CHANGED}"]
    shutil.rmtree(build)
    # a folder no manifest is in (the notebooks run in place, make notebooks, the tests): what the journal and
    # the stamp record goes, the rest stays
    from helpers import io
    io.record_writes(build)
    io.write_text(build / "figures/timeline.svg", "<svg>the run's</svg>")
    io.write_text(build / "reliability_auto.csv", "the run's\n")
    _write(build, {"figures/mine.svg": "<svg>mine</svg>"})
    assert outputs.main(["clean"]) == 0
    assert _files(build) == ["figures/mine.svg"]
    capsys.readouterr()
    _write(build, {"mycorpus/raw/a.txt": "Text.\n"})
    assert outputs.main(["clean"]) == 2
    assert "it holds mycorpus/raw/, a corpus's raw texts" in capsys.readouterr().err
    assert (build / "mycorpus" / "raw" / "a.txt").exists()
    # a review folder, where a reviewer may be filling a sheet or saved a QDA project or a sheet of
    # another name: kept, whatever it holds, at any depth; the runs' files of a report in build/rep go
    shutil.rmtree(build)
    _report_folder(build / "rep")
    _write(build, {"rep/review/review.xlsx": "x", "rep/review/review_ann.xlsx": "x", "rep/review/review.qdpx": "x",
                   "review/sample.csv": "x"})
    (build / "rep" / "link").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (tmp_path / "elsewhere").mkdir()
    _write(tmp_path / "elsewhere", {"html/index.html": "the run's html/index.html\n"})
    (tmp_path / "elsewhere" / manifest.MANIFEST).write_bytes((build / "rep" / manifest.MANIFEST).read_bytes())
    assert outputs.main(["clean"]) == 0
    said = capsys.readouterr().out
    assert "among them rep/review/, review/ (make review's sample" in said
    assert _files(build) == ["rep/link", "rep/review/review.qdpx", "rep/review/review.xlsx",
                             "rep/review/review_ann.xlsx", "review/sample.csv"]
    assert _files(tmp_path / "elsewhere") == [manifest.MANIFEST, "html/index.html"]  # not through the link


# --- a file is removed only while its bytes are those the run recorded ---

def _report_folder(out: Path) -> list[str]:
    """A report's folder as a run leaves it: pages, a notebook, tables and the pipeline's
    stamp, recorded with their hashes; the files."""
    written = ["html/index.html", "html/00_a.html", "notebooks/00_a.ipynb", "figures/timeline.svg", "coded.csv",
               "spreadsheet/coded.csv", "segments.csv"]
    _write(out, {rel: f"the run's {rel}\n" for rel in written})
    _write(out, {pipeline.STAMP_FILE: manifest.dumps(manifest.record(out, ["coded.csv", "segments.csv"]))})
    _record(out, written + [pipeline.STAMP_FILE])
    return written


def test_an_output_edited_or_replaced_since_the_run_survives_make_clean_and_is_named(tmp_path):
    """Notes saved over OUT/coded.csv and an edited page were removed by make clean, by name."""
    out = tmp_path / "out"
    written = _report_folder(out)
    (out / "coded.csv").write_text("my own notes\n", encoding="utf-8")
    (out / "html/00_a.html").write_text("<p>my edit</p>", encoding="utf-8")
    done = make("clean", f"OUT={out}")
    assert done.returncode == 0, done.stderr
    assert _files(out) == ["coded.csv", "html/00_a.html"]
    assert (out / "coded.csv").read_text(encoding="utf-8") == "my own notes\n"
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith(f"removed {len(written) - 2 + 2} file(s) the runs wrote in {out}; kept 0 file(s)")
    assert lines[1:] == [f"kept {out / rel}: changed since the run wrote it; remove it yourself if it is yours to lose"
                         for rel in ["coded.csv", "html/00_a.html"]]


def test_a_file_saved_over_between_the_check_and_the_removal_is_kept(tmp_path, monkeypatch):
    """The hash was checked, then the file removed by name: one an editor saved over the
    name in between (a save replaces the file) was removed unchecked."""
    out = tmp_path / "out"
    _report_folder(out)
    hash_at, saved = manifest._hash_at, []

    def save_after_the_check(fd, name):
        digest = hash_at(fd, name)
        if name == "coded.csv" and not saved:  # the researcher's editor saves, as editors do: a new file, renamed
            (out / "coded.csv.new").write_text("my notes\n", encoding="utf-8")
            os.replace(out / "coded.csv.new", out / "coded.csv")
            saved.append(name)
        return digest

    monkeypatch.setattr(manifest, "_hash_at", save_after_the_check)
    removal = manifest.remove_unchanged(out, manifest.read(out))
    assert saved and "coded.csv" in removal.changed and "coded.csv" not in removal.removed
    assert _files(out) == [manifest.MANIFEST, "coded.csv"]  # the notes, under their name, nothing set aside left
    assert (out / "coded.csv").read_text(encoding="utf-8") == "my notes\n"


def _save_over_coded_csv(out: Path, monkeypatch, then=None) -> None:
    """An editor saves notes over ``out/coded.csv`` just after make clean checked its hash,
    before it is set aside; ``then(out)`` runs once the file is set aside and hashed there
    (a file appears at the name meanwhile)."""
    hash_at, saved = manifest._hash_at, []

    def save_after_the_check(fd, name):
        digest = hash_at(fd, name)
        if name == "coded.csv" and not saved:
            (out / "coded.csv.new").write_text("my notes\n", encoding="utf-8")
            os.replace(out / "coded.csv.new", out / "coded.csv")
            saved.append(name)
        elif name.startswith(".coded.csv.") and then is not None and saved == ["coded.csv"]:
            then(out)
            saved.append(name)
        return digest

    monkeypatch.setattr(manifest, "_hash_at", save_after_the_check)


def _no_hard_links(*args, **kwargs):
    raise OSError(errno.EPERM, "Operation not permitted")  # as on a file system without hard links (FAT, some shares)


def test_on_a_file_system_without_hard_links_a_file_saved_over_is_renamed_back(tmp_path, monkeypatch):
    """The file set aside is put back with a link, so that a file saved at the name
    meanwhile is never overwritten; without hard links it is renamed back, unless the name
    was taken meanwhile (by a file or a link): then both stay."""
    out = tmp_path / "out"
    _report_folder(out)
    monkeypatch.setattr(os, "link", _no_hard_links)
    _save_over_coded_csv(out, monkeypatch)
    removal = manifest.remove_unchanged(out, manifest.read(out))
    assert "coded.csv" in removal.changed and "coded.csv" not in removal.removed
    assert _files(out) == [manifest.MANIFEST, "coded.csv"]
    assert (out / "coded.csv").read_text(encoding="utf-8") == "my notes\n"

    # the name taken by a link while the notes were set aside: the link is not replaced, the notes stay aside
    out = tmp_path / "taken"
    _report_folder(out)
    _save_over_coded_csv(out, monkeypatch, then=lambda out: (out / "coded.csv").symlink_to("elsewhere.csv"))
    removal = manifest.remove_unchanged(out, manifest.read(out))
    assert "coded.csv" in removal.changed and "coded.csv" not in removal.removed
    assert (out / "coded.csv").is_symlink() and os.readlink(out / "coded.csv") == "elsewhere.csv"
    aside = [p for p in out.iterdir() if p.name.startswith(".coded.csv.") and p.name.endswith(".kept")]
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == "my notes\n"
    assert removal.aside == {"coded.csv": aside[0].name}


def test_a_file_left_set_aside_is_named_in_the_kept_line(tmp_path, monkeypatch):
    """When another file is saved at the name while the checked file is set aside, the
    set-aside file stays under a hidden name (.coded.csv.<hex>.kept) that make clean's
    lines never gave: the notes were as good as lost among hidden files."""
    out = tmp_path / "out"
    _report_folder(out)
    _save_over_coded_csv(out, monkeypatch, then=lambda out: (out / "coded.csv").write_text("newer\n", encoding="utf-8"))
    said = outputs.clean(str(out)).splitlines()
    aside = [p.name for p in out.iterdir() if p.name.startswith(".coded.csv.") and p.name.endswith(".kept")]
    assert len(aside) == 1 and (out / aside[0]).read_text(encoding="utf-8") == "my notes\n"
    assert (out / "coded.csv").read_text(encoding="utf-8") == "newer\n"
    assert said[0].startswith(f"removed 8 file(s) the runs wrote in {out}; kept 0 file(s) no run listed there"), said
    assert said[1:] == [f"kept {out / aside[0]}, set aside from coded.csv while another file was saved at that name "
                        f"(kept too): {manifest.CHANGED}; give it its name back if it is yours"]


def test_a_file_left_set_aside_by_a_stopped_clean_is_named_by_the_next_and_never_removed(tmp_path, monkeypatch):
    """A make clean stopped (Ctrl-C) between setting a file aside and removing or putting it
    back left it as .coded.csv.<hex>.kept, which the next make clean counted among files no
    run listed, unnamed, unless another file took its name in its own run: the notes (if they
    were a researcher's) were as good as lost among hidden files."""
    out = tmp_path / "out"
    _report_folder(out)
    (out / "html/index.html").write_text("<p>my notes</p>", encoding="utf-8")  # changed: kept, and not set aside
    hash_at = manifest._hash_at

    def stopped(fd, name):
        if name.startswith(".coded.csv."):
            raise KeyboardInterrupt  # Ctrl-C once coded.csv is set aside
        return hash_at(fd, name)

    monkeypatch.setattr(manifest, "_hash_at", stopped)
    with pytest.raises(KeyboardInterrupt):
        outputs.clean(str(out))
    monkeypatch.undo()
    aside = [p.name for p in out.iterdir() if p.name.startswith(".coded.csv.") and p.name.endswith(".kept")]
    assert len(aside) == 1 and not (out / "coded.csv").exists()
    # one at a name taken again since, in a subfolder; a name of the form without 8 hex digits is no leftover
    (out / "html/.index.html.0123abcd.kept").write_text("<p>mine</p>", encoding="utf-8")
    (out / "html/.notes.kept").write_text("mine\n", encoding="utf-8")
    said = outputs.clean(str(out)).splitlines()
    assert said[0] == (f"removed 7 file(s) the runs wrote in {out}; kept 1 file(s) no run listed there: "
                       "html/.notes.kept"), said
    assert said[1] == f"kept {out / 'html/index.html'}: {manifest.CHANGED}"
    common = "by an earlier make clean or run that was stopped (Ctrl-C) before it removed it or put it back, or that " \
             "found another file saved at that name; it may be yours and is never removed: "
    assert said[2:] == [
        f"kept {out / aside[0]}, set aside from coded.csv {common}rename it back to coded.csv if it is yours, or "
        "delete it",
        f"kept {out / 'html/.index.html.0123abcd.kept'}, set aside from html/index.html {common}html/index.html is there "
        "again, so compare the two, keep yours under that name and delete the other"]
    assert _files(out) == [aside[0], "html/.index.html.0123abcd.kept", "html/.notes.kept", "html/index.html"]
    assert (out / aside[0]).read_text(encoding="utf-8") == "the run's coded.csv\n"


def test_the_next_run_in_the_folder_names_a_file_left_set_aside(tmp_path):
    """A report (or make evaluate) that succeeds says what it kept: a file an earlier removal
    left set aside in its folder was not among it."""
    out = tmp_path / "out"
    _write(out, {"coded.csv": "the run's\n", ".segments.csv.0123abcd.kept": "my notes\n",
                 "review/.sample.csv.89abcdef.kept": "a reviewer's\n"})
    said = io.StringIO()
    removal = manifest.finish(out, {}, ["coded.csv"], "the previous report", said)
    assert said.getvalue().splitlines() == [
        f"kept {out / '.segments.csv.0123abcd.kept'}, set aside from segments.csv by an earlier make clean or run that "
        "was stopped (Ctrl-C) before it removed it or put it back, or that found another file saved at that name; it "
        "may be yours and is never removed: rename it back to segments.csv if it is yours, or delete it"]
    assert (out / ".segments.csv.0123abcd.kept").read_text(encoding="utf-8") == "my notes\n"
    assert removal.leftover == {".segments.csv.0123abcd.kept": "segments.csv"}


def test_a_hand_written_manifest_does_not_make_a_researchers_file_removed(tmp_path):
    """A manifest is a file like any other: one written or edited by hand (or by an older
    kvalitext, a plain list) named files that make clean then removed."""
    out = tmp_path / "out"
    mine = {"notes.csv": "my notes\n", "coded.csv": "my coding\n", "html/thesis.html": "<p>mine</p>",
            "notebooks/analysis.ipynb": "{}"}
    _write(out, mine)
    (out / manifest.MANIFEST).write_text(json.dumps({"files": sorted(mine)}), encoding="utf-8")  # no hashes
    said = outputs.clean(str(out))
    assert _files(out) == sorted(mine)
    assert said.splitlines()[1].startswith(f"kept 4 file(s) in {out} that a manifest lists without a hash")
    # a hash that is not the file's (or not a hash at all) removes nothing either
    wrong = {"notes.csv": "0" * 64, "coded.csv": "not a hash", "html/thesis.html": None,
             "notebooks/analysis.ipynb": manifest.file_hash(out, "notes.csv")}
    (out / manifest.MANIFEST).write_text(json.dumps({"sha256": wrong}), encoding="utf-8")
    said = outputs.clean(str(out))
    assert _files(out) == sorted(mine)
    assert [line.split(":")[0] for line in said.splitlines()[1:]] == [
        f"kept {out / 'notebooks/analysis.ipynb'}", f"kept {out / 'notes.csv'}",
        f"kept 2 file(s) in {out} that a manifest lists without a hash (written by an older kvalitext, or by hand), "
        "so they are not known to be a run's"]


def test_a_report_s_removal_of_stale_files_keeps_an_edited_one(tmp_path):
    out = tmp_path / "out"
    _report_folder(out)
    (out / "html/00_a.html").write_text("<p>my edit</p>", encoding="utf-8")
    removal = manifest.remove_stale(out, manifest.read(out), ["html/index.html"])
    assert removal.removed == ["coded.csv", "figures/timeline.svg", "notebooks/00_a.ipynb", "segments.csv",
                               "spreadsheet/coded.csv"]
    assert removal.changed == ["html/00_a.html"] and (out / "html/00_a.html").exists()
    assert removal.said(out) == [f"kept {out / 'html/00_a.html'}: {manifest.CHANGED}"]


def test_tables_rebuilt_after_the_report_are_cleaned_through_the_pipeline_s_stamp(tmp_path):
    """A notebook run by hand (or make suggest) rebuilt the tables after the report: the
    pipeline's stamp records them, so they are the run's, not changed files of one's own."""
    out = tmp_path / "out"
    _report_folder(out)
    _write(out, {"coded.csv": "rebuilt\n", "segments.csv": "rebuilt\n"})
    _write(out, {pipeline.STAMP_FILE: json.dumps({"fingerprint": "new", "sha256": manifest.record(out, ["coded.csv"])})})
    said = outputs.clean(str(out))
    assert _files(out) == ["segments.csv"]  # the stamp does not record it as rebuilt: kept
    assert said.splitlines()[1:] == [f"kept {out / 'segments.csv'}: {manifest.CHANGED}"]


def test_the_pipeline_s_stamp_records_the_tables_it_wrote(corpus_factory, tmp_path):
    run = pipeline.Run.from_params(corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out")
    pipeline.build_tables(run)
    stamp = json.loads(run.path(pipeline.STAMP_FILE).read_text(encoding="utf-8"))
    assert stamp["sha256"] == manifest.record(run.out, tables.out_files())
    assert sorted(stamp["sha256"]) == sorted(tables.out_files())


def test_make_evaluate_records_what_it_wrote_and_clean_removes_it_only_while_unchanged(tmp_path):
    """A folder only make evaluate wrote to had no manifest: make clean refused it. And its
    tables were removed by name, edited or not."""
    out = tmp_path / "out"
    assert evaluation.main(["--corpus", "corpus", "--out", str(out / "evaluation"), "--boot", "0"]) == 0
    folder = out / "evaluation" / "corpus"
    recorded = manifest.read(folder)
    assert sorted(recorded) == sorted(list(evaluation.TABLE_FILES) + tables.out_files() + [pipeline.STAMP_FILE])
    assert recorded == manifest.record(folder, recorded)
    (folder / evaluation.SUMMARY_FILE).write_text("my reading of it\n", encoding="utf-8")
    (folder / "notes.txt").write_text("mine\n", encoding="utf-8")
    assert outputs.refusal(str(out)) is None
    said = outputs.clean(str(out))
    assert _files(out) == ["evaluation/corpus/evaluation_summary.csv", "evaluation/corpus/notes.txt"]
    assert said.splitlines()[1:] == [f"kept {out / 'evaluation/corpus/evaluation_summary.csv'}: {manifest.CHANGED}"]


def test_make_evaluate_stopped_before_its_manifest_leaves_tables_make_clean_removes(tmp_path, monkeypatch):
    """make evaluate killed between writing its tables and its manifest: the manifest still
    held the previous run's hashes, and make clean kept the new tables as changed since.
    Each table is noted in the folder's journal, with its new hash, before it is written."""
    out = tmp_path / "out"
    argv = ["--corpus", "corpus", "--out", str(out / "evaluation")]
    assert evaluation.main([*argv, "--boot", "0"]) == 0
    folder = out / "evaluation" / "corpus"

    def killed(*args, **kwargs):
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(evaluation, "write_manifest", killed)
    with pytest.raises(KeyboardInterrupt):
        evaluation.main([*argv, "--boot", "20"])  # other intervals: other bytes
    assert manifest.read(folder)[evaluation.SUMMARY_FILE] != manifest.file_hash(folder, evaluation.SUMMARY_FILE)
    said = outputs.clean(str(out))
    assert said.splitlines()[1:] == [] and not out.exists()  # nothing kept as changed since


# --- refusals: one line, one wording, exit status 2 everywhere ---

@pytest.mark.parametrize("main, argv", [
    (outputs.main, ["clean", "--out", "notebooks"]),
    (report.main, ["--out", "notebooks"]),
    (evaluation.main, ["--corpus", "corpus", "--out", "notebooks"]),
    (review.main, ["sample", "--out", "notebooks"]),
    (review.main, ["import", "x.xlsx", "--out", "notebooks"]),
    (suggest.main, ["--code", "R_TRUST", "--out", "notebooks"]),
])
def test_every_command_refuses_an_output_folder_in_one_line_with_exit_status_2(main, argv, capsys):
    """helpers.review exited 1 on a refused OUT, helpers.suggest with a traceback."""
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: refusing "), err
    assert "OUT=notebooks" in err[0] or f"OUT={paths.NOTEBOOKS_DIR}/" in err[0], err  # evaluate: OUT/<corpus>
    assert "it is inside notebooks/" in err[0]


def test_make_clean_s_refusal_is_the_report_s_line_naming_make_clean(tmp_path):
    for out in ["notebooks", "corpus", ".", str(tmp_path / "none")]:
        assert outputs.refusal(out) == paths.unsafe_out(out, None, "make clean")
    assert paths.unsafe_out("notebooks").startswith("refusing OUT=notebooks (")
    assert paths.unsafe_out("notebooks", None, "make clean").startswith("refusing make clean OUT=notebooks (")


# --- make clean needs no .venv ---

def test_make_clean_imports_nothing_but_the_standard_library():
    code = ("import sys; before = set(sys.modules); import helpers.outputs; "
            "print(sorted({m.split('.')[0] for m in set(sys.modules) - before} - set(sys.stdlib_module_names)))")
    done = subprocess.run([sys.executable, "-c", code], cwd=paths.PROJ_ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['helpers']"


def test_make_clean_does_not_build_the_venv(tmp_path):
    """`make -n` prints what make would run: for clean, no venv is created."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")}
    done = subprocess.run(["make", "--no-print-directory", "-n", "clean", f"VENV={tmp_path / 'venv'}"],
                          cwd=paths.PROJ_ROOT, env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert "venv" not in done.stdout and "-m helpers.outputs clean" in done.stdout, done.stdout


# --- the reviewer's cases of the hashed manifest ---

def test_an_edited_cached_table_is_neither_served_nor_overwritten_nor_recorded(corpus_factory, tmp_path):
    """Notes saved over OUT/coded.csv after a report were served as the cache (the findings
    drawn from the edit), recorded with their new hash as the run's, and then removed by
    make clean. Now the pipeline refuses, naming the file and what to do, and leaves it."""
    corpus_dir = corpus_factory({"a.txt": "Vi behöver tillit.\n"})
    run = pipeline.Run.from_params(corpus_dir, tmp_path / "out")
    pipeline.build_tables(run)
    notes = run.path("coded.csv").read_text(encoding="utf-8") + "my note\n"
    run.path("coded.csv").write_text(notes, encoding="utf-8")
    with pytest.raises(pipeline.EditedTableError, match=r"coded\.csv: changed since the pipeline wrote it.*Move your "
                       r"edited copy out of the output folder \(or delete it\); the next run rebuilds the table"):
        pipeline.coded(run)
    assert run.path("coded.csv").read_text(encoding="utf-8") == notes
    (Path(corpus_dir) / "raw" / "a.txt").write_text("Vi behöver mer tillit.\n", encoding="utf-8")  # a rebuild is due
    with pytest.raises(pipeline.EditedTableError):
        pipeline.coded(run)  # and does not overwrite the notes
    assert run.path("coded.csv").read_text(encoding="utf-8") == notes
    assert "coded.csv" not in pipeline.cache_files(run.out) and "segments.csv" in pipeline.cache_files(run.out)


def test_an_edited_spreadsheet_copy_of_a_cached_table_is_not_recorded_as_the_run_s(corpus_factory, tmp_path):
    """A spreadsheet copy saved from Excel: the cache is served (the table is intact), but
    the report no longer records the copy with its current hash, so make clean keeps it."""
    run = pipeline.Run.from_params(corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out")
    pipeline.build_tables(run)
    run.path("spreadsheet/coded.csv").write_text("my sheet\n", encoding="utf-8")
    before = report._stamps(run.out)
    pipeline.coded(run)  # served
    written = report.notebook_outputs(run.out, before)
    assert "spreadsheet/coded.csv" not in written and "coded.csv" in written and pipeline.STAMP_FILE in written
    report.write_manifest(run.out, manifest.record(run.out, written))
    outputs.clean(str(run.out))
    assert _files(run.out) == ["spreadsheet/coded.csv"]


def test_a_file_of_one_s_own_saved_in_out_while_a_report_runs_is_not_recorded_as_the_run_s(corpus_factory, tmp_path):
    """Any figure or top-level CSV new or changed in OUT while the notebooks ran was recorded
    as the run's: a researcher's notes.csv saved there meanwhile (or a table they saved over
    the run's) was then removed by make clean. Now only what the run's writer wrote counts."""
    from helpers import io
    run = pipeline.Run.from_params(corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out")
    before = report._stamps(run.out)
    for rel in ["findings_quotes.csv", "figures/timeline.svg", "reliability_auto.csv"]:  # what the notebooks write
        io.write_text(run.path(rel), f"the run's {rel}\n")
    _write(run.out, {"notes.csv": "my notes\n", "figures/mine.svg": "<svg>mine</svg>",  # one's own, meanwhile
                     "reliability_auto.csv": "my reading of it\n"})  # saved over the run's
    written = report.notebook_outputs(run.out, before)
    assert written == ["figures/timeline.svg", "findings_quotes.csv"]
    report.write_manifest(run.out, manifest.record(run.out, written))
    said = outputs.clean(str(run.out))
    assert _files(run.out) == ["figures/mine.svg", "notes.csv", "reliability_auto.csv"]
    assert said.splitlines()[1:] == [f"kept {run.out / 'reliability_auto.csv'}: {manifest.CHANGED}"]


def test_make_clean_removes_only_files_of_a_run_s_form_whatever_a_manifest_lists(tmp_path):
    """Any hashed entry was removed, a review/ file or a file of one's own among them (the
    limit to a report's files was lost with the hashes)."""
    out = tmp_path / "out"
    written = _report_folder(out)
    own = ["review/sample.csv", "review/review.xlsx", "notes.txt", "mine/notes.md", "html/sub/x.html",
           "evaluation.md"]
    _write(out, {rel: f"mine {rel}\n" for rel in own})
    _record(out, written + [pipeline.STAMP_FILE] + own)  # their exact hashes
    _write(out, {pipeline.STAMP_FILE: manifest.dumps(manifest.record(out, ["coded.csv", "segments.csv", *own]))})
    said = outputs.clean(str(out))
    assert _files(out) == sorted(own)
    assert said.startswith(f"removed {len(written) + 2} file(s) the runs wrote in {out}")
    assert manifest.remove_stale(out, manifest.record(out, own), []).removed == []
    assert _files(out) == sorted(own)


def test_the_files_a_run_writes_are_of_the_form_make_clean_accepts():
    """manifest.output_file is standard library only (make clean runs without .venv), so it
    names the folders of style and io itself (review/ it takes from paths, standard library
    only too): they must be those the writers use."""
    from helpers import io, style
    assert (manifest.FIGURES_DIR, manifest.SPREADSHEET_DIR, manifest.REVIEW_DIR) == (
        style.FIGURES_DIR, io.SPREADSHEET_DIR, paths.REVIEW_DIR)
    run_files = [*tables.out_files(), *evaluation.TABLE_FILES, pipeline.STAMP_FILE, "html/index.html",
                 "html/00_a.code.html", "html/figures/timeline.svg", "notebooks/00_a.ipynb", "figures/timeline.svg",
                 "figures/timeline.png", "html/data/coded.csv", "html/data/project.qdpx",
                 "findings_quotes.csv", "spreadsheet/findings_quotes.csv", "project.qdpx", "codebook.qdc"]
    assert all(manifest.output_file(rel) for rel in run_files)
    # make suggest's table: one name, written by suggest and kept by make clean and the OUT check alike
    assert paths.suggestions_file("R_TRUST") == "suggestions_R_TRUST.csv"
    assert paths.is_suggestions_file("suggestions_R_TRUST.csv") and not paths.is_suggestions_file("coded.csv")
    assert not any(manifest.output_file(rel) for rel in [
        "review/sample.csv", "review/review.xlsx", "a/review/x.csv", "notes.txt", "html/sub/x.html",
        "html/figures/x.png", "html/figures/a/x.svg", "../x.csv", "html/data/notes.txt", "html/data/a/x.csv",
        "spreadsheet/review/x.csv", ".cache/other.json", manifest.MANIFEST])


def test_a_stamp_in_a_linked_cache_folder_is_not_read(tmp_path):
    """A .cache that is a symbolic link was followed: a record from outside OUT had
    OUT/notes.csv removed."""
    out = tmp_path / "out"
    _report_folder(out)
    _write(out, {"notes.csv": "mine\n"})
    elsewhere = tmp_path / "elsewhere"
    _write(elsewhere, {"fingerprint.json": manifest.dumps(manifest.record(out, ["notes.csv"]))})
    shutil.rmtree(out / ".cache")
    (out / ".cache").symlink_to(elsewhere)
    assert manifest.read(out, manifest.STAMP) is None
    outputs.clean(str(out))
    assert (out / "notes.csv").exists() and (elsewhere / "fingerprint.json").exists()


def test_make_evaluate_removes_the_tables_its_previous_run_wrote_and_this_one_did_not(corpus_factory, tmp_path):
    """make evaluate overwrote its manifest: a table an earlier run wrote and this one did
    not (the keyword baseline's) was forgotten and stayed for ever."""
    run = pipeline.Run.from_params(corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out")
    _write(run.out, {name: f"the run's {name}\n" for name in evaluation.TABLE_FILES})
    _write(run.out, {"evaluation_old.csv": "the run's, edited since\n"})
    previous = manifest.record(run.out, [*evaluation.TABLE_FILES])
    previous["evaluation_old.csv"] = "0" * 64
    said = io.StringIO()
    removal = evaluation.write_manifest(run, [evaluation.SUMMARY_FILE, evaluation.PER_CODE_FILE,
                                              evaluation.DISAGREE_FILE, evaluation.RULES_FILE], previous, said)
    assert removal.removed == [evaluation.AHEAD_FILE] and removal.changed == ["evaluation_old.csv"]
    assert said.getvalue().splitlines() == [  # as a report says it (one function, manifest.finish)
        f"removed 1 file(s) of the previous make evaluate in {run.out}: {evaluation.AHEAD_FILE}",
        f"kept {run.out / 'evaluation_old.csv'}: {manifest.CHANGED}"]
    assert sorted(manifest.read(run.out)) == sorted([evaluation.DISAGREE_FILE, evaluation.PER_CODE_FILE,
                                                     evaluation.SUMMARY_FILE, evaluation.RULES_FILE])
    assert _files(run.out) == sorted([manifest.MANIFEST, evaluation.DISAGREE_FILE, evaluation.PER_CODE_FILE,
                                      evaluation.SUMMARY_FILE, evaluation.RULES_FILE, "evaluation_old.csv"])


def test_a_failed_report_records_the_figures_and_tables_its_notebooks_wrote(corpus_factory, tmp_path, monkeypatch):
    """After a failed report only the staged pages were recorded: a figure the notebooks
    wrote again kept its old hash, and make clean kept it as changed since."""
    from papermill.exceptions import PapermillExecutionError

    from helpers import io
    corpus_dir, out = corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out"
    written = _report_folder(out)

    def failing(nb_path, corpus, out_param, **kw):
        io.write_text(out / "figures/timeline.svg", "<svg>drawn again</svg>")
        io.write_text(out / "figures/new.svg", "<svg>new</svg>")
        raise PapermillExecutionError(0, 1, "", "ValueError", "broken", [])

    monkeypatch.setattr(report, "notebooks", lambda: [paths.NOTEBOOKS_DIR / "00_a.ipynb"])
    monkeypatch.setattr(report, "execute", failing)
    with pytest.raises(report.ReportError, match="00_a.ipynb stopped with ValueError"):
        report.build_report(str(corpus_dir), str(out))
    recorded = manifest.read(out)
    assert recorded["figures/timeline.svg"] == manifest.file_hash(out, "figures/timeline.svg")
    assert recorded["figures/new.svg"] == manifest.file_hash(out, "figures/new.svg")
    assert set(written) <= set(recorded)
    said = outputs.clean(str(out))
    assert said.splitlines()[1:] == [] and not out.exists()  # nothing kept as changed since


def test_a_page_edited_while_the_report_runs_is_recorded_as_the_report_wrote_it(corpus_factory, tmp_path,
                                                                                 monkeypatch):
    """The report recorded its pages with their hashes at the end of the run, not those of
    the bytes it wrote: a page a researcher saved over meanwhile was recorded as the run's,
    and make clean removed the edit."""
    import nbformat
    corpus_dir, out = corpus_factory({"a.txt": "Vi behöver tillit.\n"}), tmp_path / "out"
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# A notebook")])
    monkeypatch.setattr(report, "notebooks", lambda: [paths.NOTEBOOKS_DIR / "00_a.ipynb"])
    monkeypatch.setattr(report, "execute", lambda *args, **kw: notebook)
    written_pages, notebook_outputs = {}, report.notebook_outputs

    def edit_meanwhile(folder, before):  # once the pages are written (the report asks before too), one is saved over
        if (out / "html/00_a.html").exists():
            written_pages.update(manifest.record(out, ["html/00_a.html", "html/index.html"]))
            (tmp_path / "mine.html").write_text("<p>my notes</p>", encoding="utf-8")  # an editor's save
            os.replace(tmp_path / "mine.html", out / "html/00_a.html")
        return notebook_outputs(folder, before)

    monkeypatch.setattr(report, "notebook_outputs", edit_meanwhile)
    report.build_report(str(corpus_dir), str(out), stream=io.StringIO())
    recorded = manifest.read(out)
    assert recorded["html/00_a.html"] == written_pages["html/00_a.html"] != manifest.file_hash(out, "html/00_a.html")
    assert recorded["html/index.html"] == written_pages["html/index.html"]
    assert manifest.read(out, manifest.JOURNAL) is None  # the manifest took over every note
    said = outputs.clean(str(out)).splitlines()
    assert said[1:] == [f"kept {out / 'html/00_a.html'}: {manifest.CHANGED}"]
    assert (out / "html/00_a.html").read_text(encoding="utf-8") == "<p>my notes</p>"


def test_make_suggest_says_an_edited_table_in_one_line(corpus_factory, tmp_path, capsys):
    """make suggest reads the run's tables: one saved over is refused in one line, exit 2."""
    corpus_dir = corpus_factory({"a.txt": "Vi behöver tillit.\n"})
    run = pipeline.Run.from_params(corpus_dir, tmp_path / "out")
    pipeline.build_tables(run)
    run.path("segments.csv").write_text("my notes\n", encoding="utf-8")
    assert suggest.main(["--code", "R_TRUST", "--corpus", str(corpus_dir), "--out", str(run.out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "segments.csv: changed since the pipeline wrote it" in err[0]
    assert run.path("segments.csv").read_text(encoding="utf-8") == "my notes\n"


def _noted_then_rebuilt_by_make_suggest(corpus_factory, tmp_path) -> tuple[Path, Path]:
    """A notebook run by hand builds the tables in OUT (its writes noted in the journal),
    a text changes, and ``make suggest`` rebuilds them (its writes not recorded); the
    corpus and OUT."""
    corpus_dir = corpus_factory({"a.txt": "Vi behöver tillit.\n", "b.txt": "Detaljstyrning tar tid.\n"})
    out = tmp_path / "out"
    pipeline.build_tables(pipeline.Run.from_params(corpus_dir, out))  # noted: record_writes
    assert manifest.read(out, manifest.JOURNAL)["segments.csv"] == manifest.file_hash(out, "segments.csv")
    (Path(corpus_dir) / "raw" / "a.txt").write_text("Vi behöver mer tillit i styrningen.\n", encoding="utf-8")
    before = manifest.file_hash(out, "segments.csv")
    done = make("suggest", "CODE=R_TRUST", f"CORPUS={corpus_dir}", f"OUT={out}")
    assert done.returncode == 0, done.stdout + done.stderr
    assert manifest.file_hash(out, "segments.csv") != before  # rebuilt
    return Path(corpus_dir), out


def test_after_make_suggest_rebuilt_noted_tables_later_runs_still_serve_them(corpus_factory, tmp_path):
    """The review's case against taking the stamp's hashes from the journal (502c198,
    reverted): make suggest's rebuild notes nothing, so the journal kept the notes of the
    run before; the stamp recorded their hashes, every later run refused its own tables as
    edited and make suggest stopped with a traceback. The stamp records the bytes it wrote."""
    corpus_dir, out = _noted_then_rebuilt_by_make_suggest(corpus_factory, tmp_path)
    stamp = manifest.read(out, pipeline.STAMP_FILE)
    assert stamp == manifest.record(out, tables.out_files())
    run = pipeline.Run.from_params(corpus_dir, out)
    assert pipeline.edited_tables(out) == [] and not pipeline.coded(run).empty  # served, not refused
    assert manifest.read(out, pipeline.STAMP_FILE) == stamp  # from the cache: not rebuilt
    done = make("suggest", "CODE=P_DETAIL", f"CORPUS={corpus_dir}", f"OUT={out}")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stdout + done.stderr


def test_a_table_make_suggest_rebuilt_is_recorded_with_its_bytes_not_an_earlier_note(corpus_factory, tmp_path):
    """make suggest rebuilt tables a notebook run by hand had noted in the journal, and left
    the notes with their old hashes (its writes note nothing); the next report kept the
    tables from the cache and recorded them with those hashes (manifest.as_written), so once
    the stamp no longer vouched for them (a rebuild stopped after removing it) make clean
    kept the tables our own make suggest wrote as "changed since". A write that notes
    nothing gives a note the file already has the hash of the bytes it puts there."""
    corpus_dir, out = _noted_then_rebuilt_by_make_suggest(corpus_factory, tmp_path)
    journal = manifest.read(out, manifest.JOURNAL)
    assert {rel: manifest.file_hash(out, rel) for rel in journal} == journal  # no hash the files no longer have
    assert "suggestions_R_TRUST.csv" not in journal  # make suggest's own table stays unnoted (kept as yours)
    manifest.finish(out, {}, pipeline.cache_files(out), "the previous report")  # a report kept the cached tables
    recorded = manifest.read(out)
    assert recorded == manifest.record(out, recorded) and set(tables.out_files()) <= set(recorded)
    (out / pipeline.STAMP_FILE).unlink()  # a rebuild stopped (Ctrl-C) once it had removed the stamp
    said = outputs.clean(str(out)).splitlines()
    assert said[1:] == [], said  # no table of ours kept as changed since
    assert _files(out) == ["spreadsheet/suggestions_R_TRUST.csv", "suggestions_R_TRUST.csv"]


def test_a_folder_whose_only_record_is_the_journal_is_cleaned(tmp_path):
    """A notebook run by hand with OUT=…, or a first report killed before its manifest,
    leaves only the journal: make clean refused the folder, saying nothing in it was known
    to be a run's, although the journal gives each file's hash."""
    from helpers import io as kio
    out = tmp_path / "out"
    kio.record_writes(out)  # as the notebook's pipeline.Run.from_params does
    kio.write_text(out / "segments.csv", "doc_id\na\n")
    kio.write_text(out / "figures/f.svg", "<svg/>")
    _write(out, {"notes.csv": "mine\n"})
    assert sorted(manifest.read(out, manifest.JOURNAL)) == ["figures/f.svg", "segments.csv"]
    assert outputs.refusal(str(out)) is None
    said = outputs.clean(str(out))
    assert said.startswith(f"removed 3 file(s) the runs wrote in {out}; kept 1 file(s) no run listed there: "
                           "notes.csv"), said
    assert _files(out) == ["notes.csv"]
    # with no record at all it is refused, and the line names both records it looked for
    reason = outputs.refusal(str(out))
    assert manifest.MANIFEST in reason and manifest.JOURNAL in reason and "no run recorded" in reason, reason


def test_writers_noting_in_one_folder_at_once_drop_no_note(tmp_path):
    """The journal is read, changed and written again for each note: two writers in one
    folder (threads here; a notebook run by hand beside a report) dropped each other's
    notes (of 200 notes from four threads, about 60 were left), so make clean kept files a
    run wrote. Its updates are locked."""
    import threading

    from helpers import io as kio
    folder = tmp_path / "out"
    folder.mkdir()
    kio.record_writes(folder)
    expected = {f"t{k}_{i}.csv": hashlib.sha256(f"{k} {i}".encode()).hexdigest() for k in range(4) for i in range(50)}

    def notes(k):  # each writer writes its files as a run does, noting each in the journal
        for i in range(50):
            kio.write_text(folder / f"t{k}_{i}.csv", f"{k} {i}")

    threads = [threading.Thread(target=notes, args=(k,), daemon=True) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads)
    assert manifest.read(folder, manifest.JOURNAL) == expected
    assert sorted(p.name for p in folder.iterdir()) == sorted([manifest.JOURNAL, *expected])  # no lock file, no temporary


def test_a_folder_a_run_records_stays_recorded_when_make_suggest_names_it_in_the_same_process(tmp_path):
    """io.record_writes: a folder once named to note new files (a notebook's run) keeps
    noting them when a later call in the same process names it not to (make suggest's
    rebuild, new=False); the review found no test of it. Without new, only a note already
    there is brought up to date."""
    from helpers import io as kio
    run, suggest = tmp_path / "run", tmp_path / "suggest"
    for folder in (run, suggest):
        folder.mkdir()
    kio.write_text(suggest / "old.csv", "old")
    kio.record_writes(run)
    kio.record_writes(run, new=False)
    kio.record_writes(suggest, new=False)
    kio.write_text(run / "a.csv", "a")
    kio.write_text(suggest / "b.csv", "b")
    assert manifest.read(run, manifest.JOURNAL) == {"a.csv": hashlib.sha256(b"a").hexdigest()}
    assert manifest.read(suggest, manifest.JOURNAL) is None  # nothing noted: make suggest's table stays yours


def _locked_elsewhere(folder: Path) -> bool:
    """Whether another holder has ``folder``'s journal lock (manifest.journal_locked): a lock
    of one's own open description of the folder is refused without waiting."""
    import fcntl
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return False
    except BlockingIOError:
        return True
    finally:
        os.close(fd)


def test_make_clean_holds_the_journal_lock_while_it_reads_removes_and_drops_the_records(tmp_path, monkeypatch):
    """The journal's notes are added under a lock on the folder, but make clean read the
    journal, removed what it lists and removed it without that lock: a note a run added in
    between was dropped with the journal (its file then kept for ever as no run's)."""
    from helpers import io as kio
    out = tmp_path / "out"
    _report_folder(out)
    kio.record_writes(out)
    kio.write_text(out / "figures/late.svg", "<svg/>")  # noted in the journal, as a run's writer does
    seen = []

    def probing(function):
        def probe(folder, *args, **kwargs):
            if Path(folder) == out:
                seen.append((function.__name__, _locked_elsewhere(out)))
            return function(folder, *args, **kwargs)
        return probe

    for name in ("read", "remove_unchanged", "remove_record"):
        monkeypatch.setattr(manifest, name, probing(getattr(manifest, name)))
    said = outputs.clean(str(out))
    assert said.startswith(f"removed 11 file(s) the runs wrote in {out}, and the folder"), said
    assert {name for name, _ in seen} == {"read", "remove_unchanged", "remove_record"}
    assert all(locked for _, locked in seen), seen


def test_make_clean_looks_for_files_left_set_aside_under_each_folder_s_lock(tmp_path, monkeypatch):
    """make clean looked for the files an earlier removal left set aside after it had let go
    of every folder's lock: a file a run sets aside for a moment while it removes (under
    the lock) could be named as left by a stopped one. It looks in each recorded folder
    under that folder's lock, as a run's finish does, and names each leftover once."""
    out = tmp_path / "out"
    evaluated = out / "evaluation" / "corpus-dev"
    _report_folder(out)
    _report_folder(evaluated)
    _write(out, {".segments.csv.0123abcd.kept": "mine\n"})
    _write(evaluated, {"html/.index.html.89abcdef.kept": "mine\n"})
    seen = []
    set_aside = manifest.set_aside

    def probe(folder, *args, **kwargs):
        seen.append((Path(folder), _locked_elsewhere(Path(folder))))
        return set_aside(folder, *args, **kwargs)

    monkeypatch.setattr(manifest, "set_aside", probe)
    said = outputs.clean(str(out)).splitlines()
    assert sorted(seen) == [(out, True), (evaluated, True)]
    named = [line.split(",")[0] for line in said if "set aside from" in line]
    assert named == [f"kept {out / '.segments.csv.0123abcd.kept'}",
                     f"kept {evaluated / 'html/.index.html.89abcdef.kept'}"], said


def test_a_note_a_run_adds_while_make_clean_runs_is_kept_with_its_file(tmp_path, monkeypatch):
    """A run writing in OUT while make clean removes there: its note went with the journal
    make clean removed (or was read before its file was in place), so its file stayed as no
    run's. Now the writer waits for make clean's lock, then notes and puts its file in place."""
    import threading

    from helpers import io as kio
    out = tmp_path / "out"
    _report_folder(out)
    kio.record_writes(out)
    late = out / "figures" / "late.svg"
    writer = threading.Thread(target=kio.write_text, args=(late, "<svg>late</svg>"), daemon=True)
    asked, blocked = threading.Event(), []
    real_fcntl = manifest.fcntl

    class Flock:  # the real flock; says whether the writer's lock had to wait
        LOCK_EX, LOCK_NB = real_fcntl.LOCK_EX, real_fcntl.LOCK_NB

        @staticmethod
        def flock(fd, how):
            if threading.current_thread() is writer and not blocked:  # its first try
                try:
                    real_fcntl.flock(fd, how | real_fcntl.LOCK_NB)
                    blocked.append(False)
                    asked.set()
                    return
                except BlockingIOError:
                    blocked.append(True)
                    asked.set()
            real_fcntl.flock(fd, how)

    monkeypatch.setattr(manifest, "fcntl", Flock)
    remove_unchanged = manifest.remove_unchanged

    def write_meanwhile(folder, *records):  # the run writes once make clean has read the records
        writer.start()
        assert asked.wait(timeout=60)
        if not blocked[0]:  # not locked out: the write is done before make clean goes on
            writer.join(timeout=60)
        return remove_unchanged(folder, *records)

    monkeypatch.setattr(manifest, "remove_unchanged", write_meanwhile)
    outputs.clean(str(out))
    writer.join(timeout=60)
    assert not writer.is_alive()
    assert _files(out) == [manifest.JOURNAL, "figures/late.svg"]
    assert manifest.read(out, manifest.JOURNAL) == {"figures/late.svg": hashlib.sha256(b"<svg>late</svg>").hexdigest()}
    assert blocked == [True]  # it waited for make clean
    monkeypatch.undo()
    assert outputs.clean(str(out)).startswith(f"removed 2 file(s) the runs wrote in {out}, and the folder")


def test_make_clean_says_it_waits_for_a_run_that_holds_the_lock(tmp_path, capsys):
    """A run stopped with Ctrl-Z while it held the folder's lock kept make clean waiting in
    silence. It says whom it waits for, then waits."""
    import threading

    out = tmp_path / "out"
    _report_folder(out)
    held, release = threading.Event(), threading.Event()

    def holder():
        with manifest.journal_locked(out):
            held.set()
            release.wait()
    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    assert held.wait(timeout=60)
    timer = threading.Timer(0.5, release.set)  # the stopped run goes on (fg) after a while
    timer.start()
    said = outputs.clean(str(out))
    thread.join(timeout=60)
    assert said.startswith(f"removed 9 file(s) the runs wrote in {out}, and the folder"), said
    assert f"waiting for {out}: another run" in capsys.readouterr().err


def _hold_lock(folder: Path, seconds: float):
    """Another holder of ``folder``'s journal lock, released after ``seconds``: (thread, held)."""
    import threading

    held, release = threading.Event(), threading.Event()

    def holder():
        with manifest.journal_locked(folder):
            held.set()
            release.wait(timeout=60)
    thread = threading.Thread(target=holder, daemon=True)
    thread.start()
    assert held.wait(timeout=60)
    timer = threading.Timer(seconds, release.set)
    timer.daemon = True
    timer.start()
    return thread


def test_a_writer_that_waits_long_for_the_lock_says_whom_it_waits_for(tmp_path, capsys, monkeypatch):
    """A writer (make suggest, a notebook) waited in silence for a folder whose lock a run
    stopped with Ctrl-Z, or make clean, held. Once it has waited PATIENCE seconds it says
    so, then waits on, and writes."""
    from helpers import io as kio
    out = tmp_path / "out"
    out.mkdir()
    kio.record_writes(out)
    monkeypatch.setattr(manifest, "PATIENCE", 0.1)
    thread = _hold_lock(out, 1.0)
    kio.write_text(out / "a.csv", "a")
    thread.join(timeout=60)
    assert (out / "a.csv").read_text() == "a"
    assert manifest.read(out, manifest.JOURNAL) == {"a.csv": hashlib.sha256(b"a").hexdigest()}
    err = capsys.readouterr().err
    assert err.count(f"waiting for {out}: another run") == 1, err


def test_a_writer_that_waits_a_moment_for_the_lock_says_nothing(tmp_path, capsys, monkeypatch):
    """A run's own threads hold the lock for a note and a rename: a writer waiting that
    long says nothing, so a notebook's output does not depend on how its threads met."""
    from helpers import io as kio
    out = tmp_path / "out"
    out.mkdir()
    kio.record_writes(out)
    import time

    monkeypatch.setattr(manifest, "PATIENCE", 30.0)
    began = time.monotonic()
    thread = _hold_lock(out, 0.3)
    kio.write_text(out / "a.csv", "a")
    assert time.monotonic() - began >= 0.25  # it did wait for the holder
    thread.join(timeout=60)
    assert (out / "a.csv").read_text() == "a"
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("entry", ["finish", "remove_stale"])
def test_a_run_s_removal_of_the_previous_run_s_stale_files_waits_for_the_journal_lock(tmp_path, monkeypatch, entry):
    """A report (or make evaluate) that succeeded removed the files its previous manifest
    lists and it did not write again (manifest.remove_stale, in manifest.finish) without the
    folder's journal lock, which make clean and the writer hold while they read records,
    set files aside and remove them: the two removed in one folder at once. It waits for
    the lock, and holds it from the removal to its manifest."""
    import threading
    out = tmp_path / "out"
    _report_folder(out)
    previous = manifest.read(out)
    stale = sorted(set(previous) - {"html/index.html", pipeline.STAMP_FILE})
    held, release, waits = threading.Event(), threading.Event(), threading.Event()
    real_fcntl, done = manifest.fcntl, {}

    class Flock:  # the real flock; says when the run is about to wait for the lock
        LOCK_EX, LOCK_NB = real_fcntl.LOCK_EX, real_fcntl.LOCK_NB

        @staticmethod
        def flock(fd, how):
            if threading.current_thread() is run and not how & real_fcntl.LOCK_NB:
                waits.set()
            real_fcntl.flock(fd, how)

    def holder():  # make clean, or a writer, in the folder
        with manifest.journal_locked(out):
            held.set()
            release.wait()

    real_write, locked_at_record = manifest._write_taking_notes, []

    def write_taking_notes(folder, *args):  # the record is written while the lock is still held
        locked_at_record.append(_locked_elsewhere(Path(folder)))
        return real_write(folder, *args)

    monkeypatch.setattr(manifest, "_write_taking_notes", write_taking_notes)

    def finish():
        if entry == "finish":
            done["removal"] = manifest.finish(out, previous, ["html/index.html"], "the previous report")
        else:
            done["removal"] = manifest.remove_stale(out, previous, ["html/index.html"])

    monkeypatch.setattr(manifest, "fcntl", Flock)
    # daemon threads joined with a time limit: a run that never waits, or waits for ever (a
    # second lock of the folder within the first), fails the test instead of hanging the suite
    holding = threading.Thread(target=holder, daemon=True)
    run = threading.Thread(target=finish, daemon=True)
    holding.start()
    assert held.wait(timeout=60)
    run.start()
    try:
        assert waits.wait(timeout=60), "the run never waited for the lock"
        assert [rel for rel in stale if (out / rel).exists()] == stale  # nothing removed while another holds it
        assert manifest.read(out) == previous
    finally:
        release.set()
        holding.join(timeout=60)
        run.join(timeout=60)
    assert not run.is_alive(), "the run did not finish once the lock was free: does it lock the folder twice?"
    assert done["removal"].removed == stale
    if entry == "finish":
        assert sorted(manifest.read(out)) == ["html/index.html"]
        assert locked_at_record == [True]  # held from the removal to the record


def test_the_writer_puts_its_file_in_place_under_the_journal_lock(tmp_path, monkeypatch):
    """The writer noted a file, released the journal's lock and only then put the file in
    place: make clean in between saw the note without the file (or the file's earlier bytes)
    and dropped the journal, and the file then came as no run's."""
    from helpers import io as kio
    out = tmp_path / "out"
    out.mkdir()
    kio.record_writes(out)
    replace, seen = os.replace, []

    def probe(src, dst, *args, **kwargs):
        if Path(dst) == out / "segments.csv":
            seen.append((_locked_elsewhere(out), manifest.read(out, manifest.JOURNAL)))
        return replace(src, dst, *args, **kwargs)

    monkeypatch.setattr(os, "replace", probe)
    kio.write_text(out / "segments.csv", "doc_id\n")
    assert seen == [(True, {"segments.csv": hashlib.sha256(b"doc_id\n").hexdigest()})]
