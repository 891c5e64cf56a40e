"""The stages as notebooks call them, with their tables cached in ``OUT``.

A notebook asks for a table (:func:`segments`, :func:`tokens`, :func:`documents`,
:func:`coded`, :func:`suppressed`); if the output folder holds every table with the
fingerprint of what they were computed from (the raw files, the corpus's metadata, rules,
codebook and review decisions, the code and data of ``helpers`` and the pinned library
versions), it is
read, otherwise all are rebuilt by :func:`helpers.stages.run_corpus` and written
atomically. So any notebook runs on its own from a clean checkout, and a stale table is
never used. The tables, their columns and order are those of :mod:`helpers.tables`.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

import pandas as pd

from . import clean, coding, io, manifest, outputs, paths, stages, tables
from . import corpus as corpus_mod
from . import decisions as decisions_mod
from . import documents as documents_mod
from .structure import KINDS

log = logging.getLogger(__name__)

ENGINES = ("pandas", "dask")
STAMP_FILE = manifest.STAMP  # the stamp of the tables in OUT, with their hashes (what make clean may remove)


@dataclass(frozen=True)
class Run:
    """Where a run reads from and writes to, and how it computes.

    ``engine`` is ``"pandas"`` (one process) or ``"dask"`` (the same stages over
    partitions on a Dask cluster, :mod:`helpers.stages`: a local process-based cluster,
    or the one at ``scheduler`` or ``DASK_SCHEDULER_ADDRESS``). Both give identical
    tables, so the cache does not depend on the engine."""

    corpus: Path
    out: Path
    engine: str = "pandas"
    scheduler: str | None = None

    @classmethod
    def from_params(cls, corpus: str | Path | None, out: str | Path | None,
                    engine: str = "pandas", scheduler: str | None = None, record: bool = True) -> "Run":
        """Resolve the notebook parameters ``CORPUS``, ``OUT`` and ``ENGINE`` (relative
        paths are taken from the project root). An ``OUT`` that the report refuses (the
        project root, a folder of the project's other than ``build/``, a corpus folder, or
        one inside or around them: :func:`helpers.paths.unsafe_out`; a folder of one's own
        files: :func:`helpers.outputs.unrecorded`) is refused here too, so a notebook run by
        hand never writes there. With ``record``,
        what this process writes in ``OUT`` from now on is noted in its journal
        (:func:`helpers.io.record_writes`), so ``make clean`` knows it as a run's;
        ``make suggest`` leaves its table unrecorded (kept, as a researcher's), but a file
        its writes replace keeps a true note (a table it rebuilds over one a notebook run
        by hand noted gets the new bytes' hash)."""
        if engine not in ENGINES:
            raise ValueError(f"ENGINE must be one of {ENGINES}, not {engine!r}")
        paths.check_out(out, corpus)
        if reason := outputs.unrecorded(out):  # a folder of one's own: its files are not a run's to replace
            raise paths.OutputFolderError(reason)
        run = cls(paths.resolve(corpus, paths.CORPUS_DIR), paths.resolve(out, paths.BUILD_DIR), engine, scheduler or None)
        io.record_writes(run.out, new=record)
        return run

    def path(self, name: str) -> Path:
        """A file in the output folder."""
        return self.out / name


def is_embedded(corpus: Path) -> bool:
    """Whether ``corpus`` is the study's embedded corpus (``paths.CORPUS_DIR``, the seeds),
    whose findings the README and the study's questions speak of."""
    return Path(corpus).resolve() == paths.CORPUS_DIR.resolve()


def code_inputs() -> list[Path]:
    """What the tables are computed with besides a corpus: the code and data of ``helpers``
    and the pinned versions of the libraries."""
    return (sorted(paths.HELPERS_DIR.glob("*.py")) + sorted(p for p in paths.DATA_DIR.rglob("*") if p.is_file())
            + [paths.PROJ_ROOT / "requirements" / "constraints.txt"])


class InputChangedError(RuntimeError):
    """An input of a cache (the tables, rule_check's sentences) changed while it was being built from it."""


class EditedTableError(ValueError):
    """A table of the cache in ``OUT`` whose bytes are not those the pipeline wrote (notes
    saved over ``coded.csv``): neither served nor overwritten. The message is one line."""


# A cache's stamp (the pipeline's tables in OUT, tools/rule_check.py's sentences and tokens):
# the inputs are hashed before the first is read (snapshot) and again once the cache is
# written; only if nothing changed is the first snapshot's fingerprint written as the stamp
# (stamp_unless_changed), and the cache is served while the inputs' fingerprint equals it
# (stamped). A stamp taken after the build would vouch for a file saved during the build
# with content the cache does not hold.

def snapshot(files: Iterable[Path], remembered: bool = False) -> dict[Path, bytes]:
    """Each of ``files`` with the SHA-256 digest of its bytes now; ``remembered``: a digest
    this process took of the same file unchanged since is taken again without reading it
    (:func:`_remembered`; a build's snapshots read every file)."""
    if not remembered:
        return {p: hashlib.sha256(p.read_bytes()).digest() for p in files}
    return {p: _remembered(p, lambda p=p: hashlib.sha256(p.read_bytes()).digest()) for p in files}


# Digests this process took, each with the file's state then (_state): a notebook asks for a
# table many times, and every call hashed all the tables and all the inputs again. A digest
# is reused only while the file's state is the same and the file had not changed for
# SETTLED_NS before it was hashed: a file system's time stamps move in ticks (milliseconds),
# so a file rewritten within the tick it was hashed in, at the same size, is never taken
# for unchanged (as git's "racy" index entries).
SETTLED_NS = 2_000_000_000
_DIGESTS: dict[str, tuple[tuple, object]] = {}
_now = time.time_ns  # the clock the settling is measured with (a test moves it on)


def _state(path: Path) -> tuple | None:
    """What tells a file's bytes changed without reading them: the device, inode, size,
    modification and change times and kind of the entry (a link itself) and of the file it
    leads to (a linked input is read through its link), with its folder's device, inode and
    kind (a folder replaced by a link to it is another state); ``None`` if missing."""
    try:
        entries, folder = (os.lstat(path), os.stat(path)), os.lstat(path.parent)
    except OSError:
        return None
    # the folder's size and times are left out: they change with every file written in it (the journal in OUT is
    # rewritten on each write), which made every write discard the digests of all the tables beside it
    return (*((st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_mode) for st in entries),
            (folder.st_dev, folder.st_ino, folder.st_mode))


def _remembered(path: Path, digest: Callable[[], object]) -> object:
    """``digest()`` of the file ``path``, or the one this process took of it before, while
    the file's :func:`_state` is unchanged and was settled when it was taken (:data:`SETTLED_NS`)."""
    before = _state(path)
    known = _DIGESTS.get(str(path))
    if before is not None and known is not None and known[0] == before:
        return known[1]
    now = _now()
    found = digest()
    if found is not None and before is not None and _state(path) == before \
            and now - max(max(st[3], st[4]) for st in before[:2]) > SETTLED_NS:
        _DIGESTS[str(path)] = (before, found)
    return found


def _table_hash(out: Path, rel: str) -> str | None:
    """:func:`helpers.manifest.file_hash` of the table file ``out/rel``, remembered
    (:func:`_remembered`) while it is unchanged."""
    return _remembered(Path(out) / rel, lambda: manifest.file_hash(out, rel))


def fingerprint(snap: dict[Path, bytes]) -> str:
    """A hash of a :func:`snapshot` (each file's name and digest, :func:`helpers.io.hash_parts`)."""
    h = hashlib.sha256()
    io.hash_parts(h, ((p.name, digest) for p, digest in snap.items()))
    return h.hexdigest()


def stamped(stamp: Path, snap: dict[Path, bytes]) -> bool:
    """Whether the stamp file ``stamp`` holds the fingerprint of ``snap`` (the inputs now)."""
    if not stamp.exists():
        return False
    return json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") == fingerprint(snap)


def stamp_unless_changed(stamp: Path, before: dict[Path, bytes], after: dict[Path, bytes], where: str, what: str,
                         source: str, shown: Callable[[Path], str] = paths.display, record: dict | None = None) -> None:
    """Write the stamp file ``stamp`` with the fingerprint of ``before`` (the inputs as they
    were before ``what`` was built from them), unless an input was added, removed or changed
    by ``after`` (the inputs once it was written): then nothing is stamped and an
    :class:`InputChangedError` names them (each as ``shown``), after ``where``. ``record``,
    if given, is written into the stamp beside the fingerprint (the pipeline's: each table
    file's SHA-256, :func:`helpers.manifest.record`, what ``make clean`` may remove)."""
    changed = sorted(shown(p) for p in set(before) | set(after) if before.get(p) != after.get(p))
    if changed:
        raise InputChangedError(
            f"{where}: {', '.join(changed)} changed while {what} were being built from {source} (saved during the "
            f"run?), so {what} may not match; they were written but not stamped as fresh. Run again once nothing "
            f"is writing to these files: {what} are then rebuilt from them.")
    io.write_text(stamp, json.dumps({"fingerprint": fingerprint(before)} | (record or {}), indent=1) + "\n")


def _snapshot(run: Run, remembered: bool = False) -> dict[Path, bytes]:
    """Everything the tables are computed from, each file with the SHA-256 digest of its
    bytes now: the corpus's raw files, metadata, rules, codebook and review decisions, the
    code and data of ``helpers``, and the pinned versions of the libraries (``remembered``:
    :func:`snapshot`'s)."""
    inputs = corpus_mod.list_raw_files(run.corpus)
    for extra in (corpus_mod.METADATA_FILE, "boilerplate.yaml", "codebook.yaml"):
        if (run.corpus / extra).exists():
            inputs.append(run.corpus / extra)
    inputs += decisions_mod.review_files(run.corpus)  # the correction layer of coded.csv
    return snapshot(inputs + code_inputs(), remembered)


@dataclass(frozen=True)
class _Cache:
    """The pipeline's stamp in an output folder, read once, against its table files now."""

    fingerprint: str | None  # the fingerprint of the inputs the tables were built from (None: no stamp)
    stamp: bool  # whether the stamp is there
    ours: tuple[str, ...]  # table files (helpers.tables.out_files) with the bytes the stamp records
    edited: tuple[str, ...]  # table files the stamp records with other bytes than they have now


def _cache(out: Path) -> _Cache:
    """The one comparison of the stamp's record with the table files' hashes (remembered,
    :func:`_table_hash`): which are the pipeline's as it wrote them, which were edited since
    (a missing file, or one the stamp does not record, is neither)."""
    recorded, data = manifest.read_with_data(out, STAMP_FILE)
    recorded = recorded or {}
    ours, edited = [], []
    for rel in tables.out_files():
        if recorded.get(rel) is None:
            continue
        now = _table_hash(out, rel)
        if now == recorded[rel]:
            ours.append(rel)
        elif now is not None:
            edited.append(rel)
    fingerprint = data.get("fingerprint") if data is not None else None
    return _Cache(fingerprint if isinstance(fingerprint, str) else None, data is not None, tuple(ours), tuple(edited))


def _cached(run: Run) -> bool:
    """Whether the tables in ``run.out`` may be served: each is there with the bytes the
    stamp records it was written with, and the stamp's fingerprint is that of the inputs now."""
    cache = _cache(run.out)
    if not set(tables.FILES) <= set(cache.ours):
        return False
    return cache.fingerprint == fingerprint(_snapshot(run, remembered=True))


def edited_tables(out: Path) -> list[str]:
    """The files of the cache in ``out`` (:func:`helpers.tables.out_files`, relative) whose
    bytes are not those the pipeline's stamp records it wrote: edited or replaced since
    (a missing file, or one the stamp does not record, is not among them)."""
    return list(_cache(out).edited)


def cache_files(out: Path) -> list[str]:
    """The pipeline's files in ``out`` that a run may record as its own (relative): the
    tables and their spreadsheet copies whose bytes are those the stamp records, and the
    stamp. A table edited since is not the run's (``make clean`` keeps it)."""
    cache = _cache(out)
    return list(cache.ours) + ([STAMP_FILE] if cache.stamp else [])


def _shown(run: Run, p: Path) -> str:
    """An input as an error names it: a corpus file relative to the corpus folder, any
    other as :func:`helpers.paths.display`."""
    return p.relative_to(run.corpus).as_posix() if p.is_relative_to(run.corpus) else paths.display(p)


def build_tables(run: Run) -> None:
    """Every table of the run (:data:`helpers.tables.FILES`), computed by
    :func:`helpers.stages.run_corpus` over partitions of the corpus with the run's engine
    (pandas in this process, or Dask), each file written atomically; then the cache is
    stamped (a table missing or stale rebuilds them all: a change to the codebook also
    changes the segments' attributes). The stamp is the fingerprint of the inputs as they
    were before they were read; one that changed while the tables were built is named in
    an :class:`InputChangedError`, and the tables are left unstamped (rebuilt next time).

    The old stamp is removed before the first table is written, so a rebuild that is
    interrupted (Ctrl-C, SIGTERM, an error) leaves no stamp, and the next run rebuilds
    rather than serve tables of two different inputs; SIGTERM removes the temporary file
    of a write in progress, and temporaries left by a process killed outright are removed
    here.

    A table the stamp records with other bytes than it has now (notes saved over
    ``coded.csv``, a spreadsheet copy saved from Excel) is neither read nor overwritten: an
    :class:`EditedTableError` names it, before anything is built."""
    edited = edited_tables(run.out)
    if edited:
        shown = ", ".join(paths.display(run.out / rel) for rel in edited)
        raise EditedTableError(
            f"{shown}: changed since the pipeline wrote {'them' if len(edited) > 1 else 'it'} (the stamp "
            f"{STAMP_FILE} records other bytes), so {'they are' if len(edited) > 1 else 'it is'} neither used as the "
            "pipeline's table nor overwritten. Move your edited copy out of the output folder (or delete it); the "
            "next run rebuilds the table.")
    stamp = run.path(STAMP_FILE)
    # The stamp must say what the tables were built from. Taken after the build, it gave a
    # file saved during the build content the tables do not reflect, and the next run served
    # them as fresh. The inputs are read by many loaders, so rather than hash the bytes each
    # one read, every input is hashed before the first is read and again after the tables
    # are written: if nothing changed, every read saw the bytes of the first snapshot, which
    # becomes the stamp; if anything did, no stamp is written and the build stops naming it,
    # so the next run rebuilds from the files as they are then. (A file changed and saved
    # back byte for byte within the build is not seen: the tables may hold the middle state.)
    before = _snapshot(run)
    meta = corpus_mod.load_metadata(run.corpus)
    meta_rows = {r["file"]: r for r in meta.to_dict("records")}
    raws = corpus_mod.read_raw_texts(run.corpus)
    for name, text in raws.items():
        if not text.strip():
            log.warning("%s: the file is empty; it yields no segments.", name)
    docs = [(f, t, meta_rows[f]["doc_id"], meta_rows[f]) for f, t in raws.items()]
    rules = clean.load_rules(run.corpus)
    codebook = coding.codebook_for(run.corpus)
    reviewed = decisions_mod.load(run.corpus, raws, codebook.ids)  # refused before the long part
    out = stages.run_corpus(docs, codebook, engine=run.engine, scheduler=run.scheduler, rules=rules)
    _check_text_kept(run, raws, out.segments, out.removed, rules)
    out.coded = decisions_mod.apply(out.coded, reviewed)
    out.documents = documents_mod.documents_table(out.documents, meta)
    if clash := documents_mod.id_clash(out.documents):  # a metadata doc id equal to a diary entry's
        raise corpus_mod.CorpusError(f"{run.corpus.name}: {clash}")
    with io.terminate_as_interrupt():
        stamp.unlink(missing_ok=True)
        for name in tables.COLUMNS:
            io.remove_temporaries(tables.path(run.out, name))
            tables.write(run.out, name, out[name])
        stamp_unless_changed(stamp, before, _snapshot(run), paths.display(run.corpus), "the tables", "the corpus",
                             lambda p: _shown(run, p), {manifest.KEY: manifest.record(run.out, tables.out_files())})


def _check_text_kept(run: Run, raws: dict[str, str], segments: pd.DataFrame, removed: pd.DataFrame,
                     rules: tuple[clean.Rule, ...]) -> None:
    """Warn for each file whose text cleaning removed entirely, naming the rules that did
    it and their files; stop (:class:`helpers.clean.RuleError`) when that is every file
    with text, since nothing would be left to code or report."""
    emptied = sorted(set(f for f, t in raws.items() if t.strip()) - set(segments["file"]))
    if not emptied:
        return
    source = {r.id: r.source for r in rules}

    def by(files: list[str]) -> str:
        ids = sorted(set(removed.loc[removed["file"].isin(files), "rule"]))
        return ", ".join(f"{i!r} ({source.get(i, 'built in')})" for i in ids)

    if len(emptied) == sum(1 for t in raws.values() if t.strip()):
        raise clean.RuleError(
            f"{paths.display(run.corpus)}: cleaning removed all the text of every file ({len(emptied)}), so no "
            f"sentence is left to code or report. The lines went by rule {by(emptied)}. Check that rule's patterns: "
            "each must match a whole line of page furniture only ('.*' matches every line), or remove the rule.")
    for f in emptied:
        log.warning("%s: cleaning removed all its text (rule %s); it yields no sentences. If that is not meant, "
                    "check that rule's patterns.", f, by([f]))


def _table(run: Run, name: str) -> pd.DataFrame:
    """Table ``name`` of the run, every table rebuilt first if one is missing or stale."""
    if not _cached(run):
        build_tables(run)
    return tables.read(run.out, name)


def segments(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``segments.csv`` and ``removed.csv`` of the run."""
    return _table(run, "segments"), tables.read(run.out, "removed")


def tokens(run: Run) -> pd.DataFrame:
    """``tokens.csv``: one row per word token with its raw offsets, lemma and whether it
    is a stop word."""
    return _table(run, "tokens")


def documents(run: Run) -> pd.DataFrame:
    """``documents.csv``: one row per document (a file, or a dated entry of a diary-like
    file) with its span, place, date and metadata."""
    return _table(run, "documents")


def coded(run: Run) -> pd.DataFrame:
    """``coded.csv`` of the run (one row per sentence and code; its ``review`` column is
    the correction layer of the corpus's review decisions, :mod:`helpers.decisions`)."""
    return _table(run, "coded")


def decisions(run: Run) -> pd.DataFrame:
    """The review decisions of the run's corpus (``CORPUS/review/*.csv``, validated by
    :func:`helpers.decisions.load`; empty when it has none)."""
    return decisions_mod.load(run.corpus, corpus_mod.read_raw_texts(run.corpus), coding.codebook_for(run.corpus).ids)


def corrected(run: Run, decided: pd.DataFrame | None = None) -> pd.DataFrame:
    """The run's codes with the correction layer applied (:func:`helpers.decisions.corrected`):
    without those reviewed wrong, with those reviewers found missing. ``decided``: the
    run's :func:`decisions` when already loaded (as :func:`helpers.review.run_estimates`
    gives them), so they are not read again."""
    decided = decisions(run) if decided is None else decided
    return decisions_mod.corrected(coded(run), decided, _table(run, "segments"), coding.codebook_for(run.corpus))


def suppressed(run: Run) -> pd.DataFrame:
    """``suppressed.csv``: hits that a code's ``not_with`` context cancelled, with the
    rules and words that cancelled them, and hits in documents outside the codebook's
    ``scope`` (``suppressed_by`` "scope: …")."""
    return _table(run, "suppressed")


def corpus_statistics(segments: pd.DataFrame, tokens: pd.DataFrame) -> pd.DataFrame:
    """Per document: paragraphs, sentences, word tokens, types (distinct lower-cased word
    forms), lemmas and content tokens (not stop words) kept after cleaning."""
    stats = segments.groupby("doc_id", sort=False).agg(
        paragraphs=("paragraph", "nunique"), sentences=("text", "size"))
    words = tokens.assign(form=tokens["token"].str.lower()).groupby("doc_id", sort=False)
    stats["tokens"] = words.size()
    stats["types"] = words["form"].nunique()
    stats["lemmas"] = words["lemma"].nunique()
    stats["content tokens"] = words["stop"].agg(lambda s: int((~s).sum()))
    stats = stats.fillna(0).astype(int)
    return stats


def kinds_per_document(segments: pd.DataFrame) -> pd.DataFrame:
    """Sentences of each kind of text (``helpers.structure.KINDS``, those present) per
    document."""
    table = pd.crosstab(segments["doc_id"], segments["kind"])
    table = table[[k for k in KINDS if k in table.columns]]
    table.columns.name = "sentences of kind"
    return table


def removal_summary(run: Run, removed: pd.DataFrame) -> pd.DataFrame:
    """Per raw file: its length in characters, the characters cleaning removed (as
    logged in ``removed.csv``), their share, and the rules that removed them."""
    files = [p for p in corpus_mod.list_raw_files(run.corpus)]
    chars = pd.Series({p.name: len(corpus_mod.read_raw(p).text) for p in files}, name="raw characters")
    grouped = removed.assign(n=removed["end"] - removed["start"]).groupby("file")
    out = chars.to_frame()
    out["removed characters"] = grouped["n"].sum().reindex(out.index).fillna(0).astype(int)
    out["share removed (%)"] = (100 * out["removed characters"] / out["raw characters"].clip(lower=1)).round(1)
    out["rules"] = grouped["rule"].agg(lambda r: ", ".join(sorted(set(r)))).reindex(out.index).fillna("")
    out.index.name = "file"
    return out


def before_after(run: Run, removed: pd.DataFrame, segments: pd.DataFrame, per_file: int = 2,
                 width: int = 60) -> pd.DataFrame:
    """Excerpts of cleaning at work: for the first removals of each file, the raw text
    around it with the removed stretch marked ⟦…⟧, and the kept sentence that follows."""
    rows = []
    raw = corpus_mod.read_raw_texts(run.corpus)
    for file, group in removed.groupby("file", sort=True):
        text = raw[file]
        kept = segments[segments["file"] == file].sort_values("start")
        for r in group.head(per_file).itertuples(index=False):
            before = text[max(0, r.start - width):r.start].replace("\n", "↵ ")
            after = text[r.end:r.end + width].replace("\n", "↵ ")
            nxt = kept[kept["start"] >= r.end].head(1)
            rows.append({
                "file": file, "rule": r.rule, "start": r.start, "end": r.end,
                "raw (removed ⟦…⟧)": f"…{before}⟦{r.text[:width]}{'…' if len(r.text) > width else ''}⟧{after}…",
                "next kept sentence": nxt["text"].iloc[0][:width] + "…" if len(nxt) else "(none)",
            })
    return pd.DataFrame(rows)
