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
``documents.csv`` one row per document (a file, or an entry of a diary-like file): ``doc_id,
                  file, parent, entry, start, end, place, date, date_precision,
                  date_inferred, date_source`` and the metadata's other columns
``tokens.csv``    one row per word token: ``file, doc_id, paragraph, sentence, start, end,
                  token, lemma, stop`` (raw offsets; lemma from simplemma; curated stop words)
``coded.csv``     one row per (sentence, code): ``file, doc_id, paragraph, sentence,
                  start, end, code, rules, matched``
``suppressed.csv`` hits a code's ``not_with`` context cancelled: the columns of coded.csv
                  and ``suppressed_by, suppressing_words``

All sorted by file and offset, UTF-8 without BOM, ``\\n`` line ends.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from . import clean, coding, io, paths
from . import corpus as corpus_mod
from . import documents as documents_mod

log = logging.getLogger(__name__)

SEGMENT_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text",
                   "tokens", "sector", "actors"]
REMOVED_COLUMNS = ["file", "start", "end", "rule", "text"]
TOKEN_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "token", "lemma", "stop"]
INT_COLUMNS = ["paragraph", "sentence", "start", "end", "tokens"]


ENGINES = ("pandas", "dask")


@dataclass(frozen=True)
class Run:
    """Where a run reads from and writes to, and how it computes.

    ``engine`` is ``"pandas"`` (one process) or ``"dask"`` (the same helpers over
    partitions on a Dask cluster, :mod:`helpers.scale`: a local process-based cluster,
    or the one at ``scheduler`` or ``DASK_SCHEDULER_ADDRESS``). Both give identical
    tables, so the cache does not depend on the engine."""

    corpus: Path
    out: Path
    engine: str = "pandas"
    scheduler: str | None = None

    @classmethod
    def from_params(cls, corpus: str | Path | None, out: str | Path | None,
                    engine: str = "pandas", scheduler: str | None = None) -> "Run":
        """Resolve the notebook parameters ``CORPUS``, ``OUT`` and ``ENGINE`` (relative
        paths are taken from the project root)."""
        if engine not in ENGINES:
            raise ValueError(f"ENGINE must be one of {ENGINES}, not {engine!r}")
        return cls(paths.resolve(corpus, paths.CORPUS_DIR), paths.resolve(out, paths.BUILD_DIR),
                   engine, scheduler or None)

    def path(self, name: str) -> Path:
        """A file in the output folder."""
        return self.out / name


def _fingerprint(run: Run) -> str:
    """A hash of everything the tables are computed from: the corpus's raw files,
    metadata, rules and codebook, the code and data of ``helpers``, and the pinned
    versions of the libraries."""
    h = hashlib.sha256()
    inputs = corpus_mod.list_raw_files(run.corpus)
    for extra in ("metadata.csv", "boilerplate.yaml", "codebook.yaml"):
        if (run.corpus / extra).exists():
            inputs.append(run.corpus / extra)
    inputs += sorted(paths.HELPERS_DIR.glob("*.py")) + sorted(p for p in paths.DATA_DIR.rglob("*") if p.is_file())
    inputs.append(paths.PROJ_ROOT / "requirements" / "constraints.txt")  # the libraries' versions
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


TABLE_FILES = ["segments.csv", "removed.csv", "documents.csv", "tokens.csv", "coded.csv", "suppressed.csv"]


def build_tables(run: Run) -> None:
    """Every table of the run (:data:`TABLE_FILES`), computed by :mod:`helpers.scale`
    over partitions of the corpus with the run's engine (pandas in this process, or Dask),
    each file written atomically; then the cache is stamped (a table missing or stale
    rebuilds them all: a change to the codebook also changes the segments' attributes)."""
    from . import scale

    meta = corpus_mod.load_metadata(run.corpus)
    meta_rows = {r["file"]: r for r in meta.to_dict("records")}
    raws = corpus_mod.read_raw_texts(run.corpus)
    for name, text in raws.items():
        if not text.strip():
            log.warning("%s: the file is empty; it yields no segments.", name)
    docs = [(f, t, meta_rows[f]["doc_id"]) for f, t in raws.items()]
    codebook = coding.codebook_for(run.corpus)
    tables = scale.run_corpus(docs, codebook, engine=run.engine, scheduler=run.scheduler,
                              rules=clean.load_rules(run.corpus))
    documents = documents_mod.documents_table(
        [d for f, t in raws.items() for d in documents_mod.documents_of_file(f, t, meta_rows[f])], meta)
    io.write_csv(run.path("segments.csv"), tables.segments[SEGMENT_COLUMNS])
    io.write_csv(run.path("removed.csv"), tables.removed[REMOVED_COLUMNS])
    io.write_csv(run.path("documents.csv"), documents)
    io.write_csv(run.path("tokens.csv"), tables.tokens[TOKEN_COLUMNS])
    io.write_csv(run.path("coded.csv"), tables.coded[coding.CODED_COLUMNS])
    io.write_csv(run.path("suppressed.csv"), tables.suppressed[coding.SUPPRESSED_COLUMNS])
    _stamp(run)


def segments(run: Run) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``segments.csv`` and ``removed.csv`` of the run, rebuilt (with every other table)
    if missing or stale."""
    if not _cached(run, TABLE_FILES):
        build_tables(run)
    return _read(run.path("segments.csv"), SEGMENT_COLUMNS), _read(run.path("removed.csv"), REMOVED_COLUMNS)


def tokens(run: Run) -> pd.DataFrame:
    """``tokens.csv``: one row per word token with its raw offsets, lemma and whether it
    is a stop word; rebuilt with the segments."""
    segments(run)
    df = _read(run.path("tokens.csv"), TOKEN_COLUMNS)
    df["stop"] = df["stop"] == "true"
    return df


def documents(run: Run) -> pd.DataFrame:
    """``documents.csv``: one row per document (a file, or a dated entry of a diary-like
    file) with its span, place, date and metadata; rebuilt with the segments."""
    segments(run)
    df = io.read_csv(run.path("documents.csv"))
    for c in ("start", "end"):
        df[c] = df[c].astype(int)
    return df


def coded(run: Run) -> pd.DataFrame:
    """``coded.csv`` of the run (one row per sentence and code), rebuilt if missing or stale."""
    segments(run)
    return _read(run.path("coded.csv"), coding.CODED_COLUMNS)


def suppressed(run: Run) -> pd.DataFrame:
    """``suppressed.csv``: hits that a code's ``not_with`` context cancelled, with the
    rules and words that cancelled them (rebuilt with ``coded.csv``)."""
    coded(run)
    return _read(run.path("suppressed.csv"), coding.SUPPRESSED_COLUMNS)


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


AUTO_CODER = "auto-coder"


def export_qda(run: Run) -> dict[str, Path]:
    """Write ``OUT/codebook.qdc`` and ``OUT/project.qdpx`` (REFI-QDA) so that a QDA tool
    (ATLAS.ti, MAXQDA, NVivo, QualCoder, ...) can open the corpus, the codebook and the
    codings: the auto-coder's and each reference coder's, as separate users. Positions
    are UTF-16 code units into the raw texts (see :mod:`helpers.refi`)."""
    from . import refi, reliability

    codebook = coding.codebook_for(run.corpus)
    raw = corpus_mod.read_raw_texts(run.corpus)
    codings = {AUTO_CODER: coded(run)}
    refs = reliability.load_references(run.corpus / "reference", raw, codebook.ids)
    for coder, spans in refs.groupby("coder", sort=True):
        codings[str(coder)] = spans
    return {
        "codebook": refi.export_codebook(codebook, run.path("codebook.qdc")),
        "project": refi.export_project(raw, codings, codebook, run.path("project.qdpx"),
                                       project_name=f"kvalitext: {run.corpus.name}"),
    }


def round_trip_differences(run: Run, imported: pd.DataFrame) -> pd.DataFrame:
    """Codings of the auto-coder that differ between ``coded.csv`` and a project imported
    back (:func:`helpers.refi.import_project`): rows only on one side, marked by
    ``side``. Empty when the round trip is exact."""
    cols = ["file", "start", "end", "code"]
    ours = coded(run)[cols].drop_duplicates().astype({"start": int, "end": int})
    back = imported[imported["coder"] == AUTO_CODER][cols].astype({"start": int, "end": int})
    both = ours.merge(back, how="outer", on=cols, indicator="side")
    diff = both[both["side"] != "both"].copy()
    diff["side"] = diff["side"].map({"left_only": "only in coded.csv", "right_only": "only in the project"})
    return diff.sort_values(cols).reset_index(drop=True)
