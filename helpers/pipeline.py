"""The pipeline's stages as notebooks call them, with their outputs cached in ``OUT``.

Each stage writes its tables atomically and records a fingerprint of everything it was
computed from (the raw files, the corpus's metadata and rules, the codebook and the
code of ``helpers``). A notebook asks for a stage's output; if the output folder holds
one with the same fingerprint it is read, otherwise it is rebuilt. So any notebook runs
on its own from a clean checkout, and a stale table is never used.

Output contract (``OUT`` defaults to ``build/``):

``segments.csv``  one row per sentence: ``file, doc_id, paragraph, sentence, start, end,
                  text, tokens, sector, actors``
``removed.csv``   one row per removal: ``file, start, end, rule, text``
``coded.csv``     one row per (sentence, code): ``file, doc_id, paragraph, sentence,
                  start, end, code, rules, matched``

All sorted by file and offset, UTF-8 without BOM, ``\\n`` line ends.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import clean, coding, corpus as corpus_mod, io, paths

log = logging.getLogger(__name__)

SEGMENT_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text",
                   "tokens", "sector", "actors"]
REMOVED_COLUMNS = ["file", "start", "end", "rule", "text"]
INT_COLUMNS = ["paragraph", "sentence", "start", "end", "tokens"]


@dataclass(frozen=True)
class Run:
    """Where a run reads from and writes to."""

    corpus: Path
    out: Path

    @classmethod
    def from_params(cls, corpus: str | Path | None, out: str | Path | None) -> "Run":
        """Resolve the notebook parameters ``CORPUS`` and ``OUT`` (relative paths are
        taken from the project root)."""
        return cls(paths.resolve(corpus, paths.CORPUS_DIR), paths.resolve(out, paths.BUILD_DIR))

    def path(self, name: str) -> Path:
        """A file in the output folder."""
        return self.out / name


def _fingerprint(run: Run) -> str:
    h = hashlib.sha256()
    inputs = corpus_mod.list_raw_files(run.corpus)
    for extra in ("metadata.csv", "boilerplate.yaml", "codebook.yaml"):
        if (run.corpus / extra).exists():
            inputs.append(run.corpus / extra)
    inputs += sorted(paths.HELPERS_DIR.glob("*.py")) + sorted(paths.DATA_DIR.glob("*"))
    for p in inputs:
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def _cached(run: Run, names: list[str]) -> bool:
    stamp = run.path(".cache/fingerprint.json")
    if not stamp.exists() or not all(run.path(n).exists() for n in names):
        return False
    return json.loads(stamp.read_text(encoding="utf-8")).get("fingerprint") == _fingerprint(run)


def _stamp(run: Run) -> None:
    io.write_text(run.path(".cache/fingerprint.json"),
                  json.dumps({"fingerprint": _fingerprint(run)}, indent=1) + "\n")


def _read(path: Path, columns: list[str]) -> pd.DataFrame:
    df = io.read_csv(path)
    for c in INT_COLUMNS:
        if c in df.columns:
            df[c] = df[c].astype(int)
    return df[columns]


def build_segments(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Clean and segment every raw file of the corpus: ``(segments, removed)``."""
    meta = corpus_mod.load_metadata(run.corpus)
    doc_ids = dict(zip(meta["file"], meta["doc_id"]))
    rules = clean.load_rules(run.corpus)
    sentences, removed = [], []
    for path in corpus_mod.list_raw_files(run.corpus):
        raw = corpus_mod.read_raw(path)
        if not raw.text.strip():
            log.warning("%s: the file is empty; it yields no segments.", path.name)
        s, r = clean.segment(raw.text, path.name, rules)
        for row in s:
            row["doc_id"] = doc_ids[path.name]
        sentences += s
        removed += r
    seg = pd.DataFrame(sentences, columns=[c for c in SEGMENT_COLUMNS if c not in ("tokens", "sector", "actors")])
    seg["tokens"] = [len(clean.tokenize(t)) for t in seg["text"]]
    codebook = coding.load_codebook(coding.codebook_path(run.corpus))
    attrs = coding.context_attributes(seg, codebook)
    for col in ("sector", "actors"):
        seg[col] = attrs[col] if col in attrs else ""
    seg = seg.sort_values(["file", "start"]).reset_index(drop=True)[SEGMENT_COLUMNS]
    rem = pd.DataFrame(removed, columns=REMOVED_COLUMNS).sort_values(["file", "start"]).reset_index(drop=True)
    return seg, rem


def segments(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``segments.csv`` and ``removed.csv`` of the run, rebuilt if missing or stale."""
    names = ["segments.csv", "removed.csv"]
    if not _cached(run, names):
        seg, rem = build_segments(run)
        io.write_csv(run.path("segments.csv"), seg)
        io.write_csv(run.path("removed.csv"), rem)
        run.path("coded.csv").unlink(missing_ok=True)
        _stamp(run)
    return _read(run.path("segments.csv"), SEGMENT_COLUMNS), _read(run.path("removed.csv"), REMOVED_COLUMNS)


def coded(run: Run) -> pd.DataFrame:
    """``coded.csv`` of the run (one row per sentence and code), rebuilt if missing or stale."""
    seg, _ = segments(run)
    if not _cached(run, ["coded.csv"]):
        codebook = coding.load_codebook(coding.codebook_path(run.corpus))
        io.write_csv(run.path("coded.csv"), coding.code_segments(seg, codebook))
    return _read(run.path("coded.csv"), coding_columns())


def coding_columns() -> list[str]:
    """The columns of ``coded.csv``."""
    return ["file", "doc_id", "paragraph", "sentence", "start", "end", "code", "rules", "matched"]


def corpus_statistics(run: Run, segments: pd.DataFrame, removed: pd.DataFrame) -> pd.DataFrame:
    """Per document: paragraphs, sentences and word tokens kept, the raw file's length
    in characters and how many of them cleaning removed."""
    stats = segments.groupby("doc_id", sort=False).agg(
        paragraphs=("paragraph", "nunique"), sentences=("text", "size"), tokens=("tokens", "sum"))
    files = segments.drop_duplicates("doc_id").set_index("doc_id")["file"]
    chars = {p.name: len(corpus_mod.read_raw(p).text) for p in corpus_mod.list_raw_files(run.corpus)}
    removed_chars = (removed["end"] - removed["start"]).groupby(removed["file"]).sum()
    stats["raw characters"] = files.map(chars)
    stats["removed characters"] = files.map(removed_chars).fillna(0).astype(int)
    return stats
