"""What the runs wrote in an output folder, and removing it: ``make clean``.

``python -m helpers.outputs clean --out OUT [--corpus CORPUS]`` removes what the runs
wrote in ``OUT`` and nothing else (a run never deletes what it did not write):

* ``OUT`` (the default ``build/``, the project's own git-ignored output folder, too) keeps
  everything a run cannot be shown to have written. A run records
  each file it wrote with its SHA-256 (:mod:`helpers.manifest`): the report in
  ``OUT/.kvalitext-manifest.json`` (its pages, notebooks, figures, tables and the pipeline's
  cache), ``make evaluate`` in ``OUT/evaluation/<corpus>/.kvalitext-manifest.json`` (its
  tables and that corpus's cache), the pipeline in its stamp ``.cache/fingerprint.json``
  (the tables it built), and the writer in the folder's journal ``.kvalitext-written.json``
  (each file a run wrote that no manifest records yet: a notebook run by hand, a run that
  stopped before its manifest). A recorded file is removed only while its bytes still have the
  recorded hash; one that changed since (notes saved over ``coded.csv``, an edited page) is
  kept and named, and so is one an older manifest lists without a hash. Only a file of a
  form a run writes may go (:func:`helpers.manifest.output_file`), never one under
  ``review/``, whatever a record lists. Then the records
  themselves go, and the folders left empty (``OUT`` itself when nothing else is in it).
  Each folder's records are read, and what they list removed, under the lock a run's writer
  holds to note a file and put it in place (:func:`helpers.manifest.journal_locked`): a run
  writing there meanwhile waits, and ``make clean`` waits for its note. In ``build/`` the
  records of every folder under it are read (``make report OUT=build/mine`` writes there
  too), and it is cleaned though no manifest is there (the
  notebooks run in place, ``make notebooks`` and the tests, write to it without one);
* ``OUT/review/`` (``make review``'s sample, sheet and project) is kept, in ``build/`` too,
  whatever it holds: a reviewer may be filling ``review.xlsx`` in place, or have saved the
  QDA project or a sheet of another name beside it, and ``make review-import`` checks a sheet against
  ``sample.csv``. Remove it yourself once its decisions are imported. Files of
  ``make suggest`` (``suggestions_<CODE>.csv``), temporaries of a killed write (the next
  build removes them) and files of one's own are kept too, and so is a file an earlier
  removal stopped by Ctrl-C left set aside (``.NAME.<hex>.kept``), which is named with what
  to do (:func:`helpers.manifest.set_aside`);
* refused (one line naming the folder and why, exit status 2, nothing removed): a folder
  (other than ``build/``) with no record of a run: neither a manifest of a report or of
  ``make evaluate`` nor a journal (a notebook run by hand there, or a report stopped before
  its manifest, leaves only the journal, whose notes give the files' hashes), a folder
  holding ``raw/`` or a ``review/*.csv`` of decisions (a corpus, or a copy of one),
  anything inside the project other than ``build/`` and the folders under it, and what
  ``make report`` refuses (:func:`helpers.paths.unsafe_out`).

Nothing is removed through a symbolic link: a listed folder or file that is a link is
left alone. Standard library only (with :mod:`helpers.paths` and :mod:`helpers.manifest`),
so ``make clean`` needs no ``.venv``.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path

from . import manifest, paths

KEPT_DIR = paths.REVIEW_DIR  # make review's folder in OUT: kept (see the module's docstring)


class CleanRefused(ValueError):
    """An output folder ``make clean`` must not remove from; the message is one line."""


def _decision_files(folder: Path) -> list[Path]:
    """The CSV files of ``folder/review/`` whose header has a ``decision`` column: a
    corpus's review decisions (:mod:`helpers.decisions`), not ``make review``'s sample."""
    found = []
    reviews = folder / paths.REVIEW_DIR
    if not reviews.is_dir():
        return found
    for path in sorted(reviews.glob("*.csv")):
        try:
            with open(path, encoding="utf-8", errors="replace", newline="") as fh:
                header = next(csv.reader(fh), [])
        except OSError:
            continue
        if "decision" in [h.strip() for h in header]:
            found.append(path)
    return found


def _corpus_like(out: Path) -> str | None:
    """Why ``out`` or a folder in it looks like a corpus (``raw/``, ``review/*.csv`` of
    decisions), or ``None``. Symbolic links are not followed."""
    for folder, dirs, _ in os.walk(out):
        here = Path(folder)
        if "raw" in dirs:
            return f"it holds {(here / 'raw').relative_to(out).as_posix()}/, a corpus's raw texts"
        found = _decision_files(here)
        if found:
            return f"it holds {found[0].relative_to(out).as_posix()}, reviewers' decisions"
        dirs.sort()
    return None


def refusal(out: str | None, corpus: str | None = None) -> str | None:
    """Why ``make clean`` must not remove from ``OUT`` (one line naming the folder,
    :func:`helpers.paths.refusing`), or ``None`` when it may."""
    command = "make clean"
    reason = paths.unsafe_out(out, corpus, command)
    if reason:
        return reason
    out_dir = paths.resolve(out, paths.BUILD_DIR)
    if not out_dir.exists():
        return None
    if not out_dir.is_dir():
        return paths.refusing(out, "it is not a folder", command)
    why = _corpus_like(out_dir)
    if why:
        return paths.refusing(out, f"{why}, which no run writes; nothing was removed (move the corpus out of it first)",
                              command)
    if not _is_build(out_dir) and not _recorded(out_dir, RUN_RECORDS):
        return paths.refusing(out, f"it has no {manifest.MANIFEST} nor {manifest.JOURNAL} (nor either in "
                              f"{paths.EVALUATION_DIR}/<corpus>/), so no run recorded what it wrote there and nothing "
                              "in it is known to be a run's; nothing was removed (remove what you want by hand)", command)
    return None


def unrecorded(out: str | None) -> str | None:
    """Why a run must not write into ``OUT`` though :func:`helpers.paths.unsafe_out` lets
    it (one line naming the folder), or ``None`` when it may: an existing folder, other
    than ``build/``, that holds files but no record of a run (:data:`RECORDS`, in it or in
    ``evaluation/<corpus>/``), a folder of one's own, whose files of the names a run writes
    (``coded.csv``, ``html/``, ...) the run would replace. Hidden files (``.DS_Store``)
    do not count, nor what ``make clean`` keeps on purpose where it removed a run's files
    (``review/``, ``make suggest``'s ``suggestions_<CODE>.csv``): an empty folder, or one
    cleaned, may be written."""
    out_dir = paths.resolve(out, paths.BUILD_DIR)
    if not out_dir.is_dir() or _is_build(out_dir) or _recorded(out_dir):
        return None
    found = sorted(e.name + ("/" if e.is_dir() else "") for e in out_dir.iterdir() if not e.name.startswith(".")
                   and not (e.name == KEPT_DIR and e.is_dir())
                   and not paths.is_suggestions_file(e.name))
    if not found:
        return None
    shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
    return paths.refusing(out, f"it already holds files that no run recorded writing ({shown}), and a run would "
                          "replace those of the names it writes; give the report a folder of its own: a new or empty "
                          "one, or one an earlier report wrote")


def _is_build(out_dir: Path) -> bool:
    """Whether ``out_dir`` is the project's own ``build/`` (a real folder, not a link),
    where a folder no run recorded is not refused and runs' records are looked for at any
    depth."""
    build = paths.BUILD_DIR
    return not build.is_symlink() and build.is_dir() and os.path.samefile(out_dir, build) \
        and not Path(out_dir).is_symlink()


# the records of what runs wrote in a folder: a report's or make evaluate's manifest, the pipeline's stamp, the journal
RECORDS = (manifest.MANIFEST, manifest.STAMP, manifest.JOURNAL)
# the records that make a folder other than build/ one make clean may clean: a manifest, or the journal of a run
# that wrote there without one (a notebook run by hand, a report stopped before its manifest); both give hashes
RUN_RECORDS = (manifest.MANIFEST, manifest.JOURNAL)


def _holds(folder: Path, names: tuple[str, ...]) -> bool:
    """Whether ``folder`` holds one of the records ``names`` as a regular file, not reached
    through a link (a ``.cache`` that is one)."""
    return any(manifest.file_hash(folder, name) is not None for name in names)


def _recorded(out: Path, names: tuple[str, ...] = RECORDS, deep: bool = False) -> list[str]:
    """The folders of ``out`` (relative, ``""`` for ``out``) that hold one of the records
    ``names``: ``out`` (a report's) and ``evaluation/<corpus>/`` (``make evaluate``'s), or,
    ``deep``, any folder under ``out`` (``build/``, where ``make report OUT=build/mine``
    writes too); none through a link, none under a ``review/`` folder."""
    if deep:
        found = []
        for folder, dirs, _ in os.walk(out):  # links to folders are not walked into
            dirs[:] = sorted(d for d in dirs if d != KEPT_DIR)
            if _holds(Path(folder), names):
                rel = Path(folder).relative_to(out).as_posix()
                found.append("" if rel == "." else rel)
        return found
    base = out / paths.EVALUATION_DIR
    evaluated = sorted(p for p in base.iterdir() if p.is_dir() and not p.is_symlink()) \
        if base.is_dir() and not base.is_symlink() else []
    return [f"{paths.EVALUATION_DIR}/{p.name}" if p != out else "" for p in [out, *evaluated] if _holds(p, names)]


def _review_folders(out: Path) -> list[str]:
    """The ``review/`` folders under ``out`` (relative, sorted), not through a link."""
    found = []
    for folder, dirs, _ in os.walk(out):
        dirs.sort()
        if KEPT_DIR in dirs:
            found.append((Path(folder) / KEPT_DIR).relative_to(out).as_posix())
            dirs.remove(KEPT_DIR)
    return sorted(found)


def _prune(out: Path, removed: list[str]) -> None:
    """Remove the folders of the removed files (and their parents up to ``out``, ``out``
    included) that are left empty; a folder with anything in it stays."""
    folders = {Path(rel).parent for rel in removed}
    deepest_first = sorted({q for f in folders for q in (f, *f.parents)}, key=lambda p: (-len(p.parts), p))
    for rel in deepest_first:  # Path(".") (out itself) has no parts: it comes last
        try:
            (out / rel).rmdir()
        except OSError:  # not empty, gone, or a link
            pass


def clean(out: str | None, corpus: str | None = None) -> str:
    """Remove what the runs wrote in ``OUT`` (see the module's docstring); return what was
    done: a line, then a line for each recorded file kept because it changed since (and one
    for those recorded without a hash, and one for each file left set aside). Raises
    :class:`CleanRefused` (before anything is removed) when :func:`refusal` says so."""
    why = refusal(out, corpus)
    if why:
        raise CleanRefused(why)
    out_dir = paths.resolve(out, paths.BUILD_DIR)
    shown = str(out_dir)
    if not out_dir.exists():
        return f"{shown}: nothing to clean (no such folder)"
    removal = manifest.Removal()
    recorded = _recorded(out_dir, deep=_is_build(out_dir))
    for under in recorded:
        folder = out_dir / under
        inner = [rel[len(under) + 1:] if under else rel for rel in recorded
                 if rel != under and (not under or rel.startswith(under + "/"))]  # each looked at under its own lock
        # under the lock a run's writer holds to note a file and put it in place (manifest.noting): a run writing
        # here meanwhile waits, so its note is neither dropped with the journal nor read without its file
        with manifest.journal_locked(folder, patience=0):  # says at once whom it waits for
            records = {name: found for name in RECORDS if (found := manifest.read(folder, name)) is not None}
            # the records themselves go last, as records (the stamp of a later build, too)
            removal.add(manifest.remove_unchanged(folder, *[
                manifest.removable(folder, {rel: digest for rel, digest in found.items() if rel not in records}, name)
                for name, found in records.items()]), under)
            removal.add(manifest.Removal(removed=[name for name in records if manifest.remove_record(folder, name)]),
                        under)
            # files an earlier make clean or run left set aside, stopped by Ctrl-C: named. Looked for under the lock,
            # as a run's finish does, so a file a run sets aside for a moment while it removes is not named as one
            removal.find_leftovers(folder, under, skip=inner)
    if "" not in recorded:  # the rest of OUT (build/ beside the reports in it), where no run sets a file aside
        removal.find_leftovers(out_dir, skip=recorded)
    removed = removal.removed
    _prune(out_dir, removed)
    said = f"removed {len(removed)} file(s) the runs wrote in {shown}"
    if not out_dir.exists():
        return said + ", and the folder, left empty"
    named = set(removal.changed + removal.unknown + list(removal.aside.values()) + list(removal.leftover))
    left = sorted(rel for p in out_dir.rglob("*") if not p.is_dir() or p.is_symlink()
                  if (rel := p.relative_to(out_dir).as_posix()) not in named)
    kept = f"; kept {len(left)} file(s) no run listed there"
    reviews = _review_folders(out_dir)
    if reviews:
        kept += (f", among them {', '.join(f'{r}/' for r in reviews)} (make review's sample, which may hold a "
                 "reviewer's work: import its decisions, then remove it yourself)")
    said += kept + (": " + ", ".join(left[:5]) + (", …" if len(left) > 5 else "") if left else "")
    return "\n".join([said, *removal.said(shown)])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.outputs", description=__doc__.split("\n\n")[0])
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("clean", help="remove what the runs wrote in OUT (make clean)")
    c.add_argument("--out", default="", help="the output folder (default: build/)")
    c.add_argument("--corpus", default="", help="the corpus folder (default: corpus/), never touched")
    a = ap.parse_args(argv)
    try:
        print(clean(a.out or None, a.corpus or None))
    except (CleanRefused, paths.OutputFolderError) as err:  # a refused or shortened folder: one line
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
