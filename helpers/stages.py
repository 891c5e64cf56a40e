"""The stage runner: documents → sentences → documents' entries → tokens → codes.

:func:`process_batch` runs one batch of documents (a partition) through every stage and
returns the tables of :mod:`helpers.tables`; :func:`run_corpus` splits a corpus into
partitions of about ``partition_size`` characters and runs them in this process
(``engine="pandas"``) or on a Dask cluster (``engine="dask"``: a process-based
``LocalCluster`` by default, or an existing cluster when a scheduler address is given or
``DASK_SCHEDULER_ADDRESS`` is set). Both engines give identical tables, sorted as the
contract says.

Stages (each with a stated input and output; ``benchmarks/bench.py`` times them):

``segment``  documents ``(file, doc_id, text, meta)`` → sentences ``file, doc_id,
             paragraph, sentence, start, end, text``, removals ``file, start, end, rule,
             text`` and the documents' rows (``documents.documents_of_file``, with the
             metadata's dates: a dated entry of a diary becomes a document of its own)
``tokens``   sentences + raw texts → tokens ``file, doc_id, paragraph, sentence, start,
             end, token, lemma, stop`` (and each sentence's ``tokens`` count)
``code``     sentences + tokens → coded rows, suppressed rows and the sentences'
             ``sector, actors`` (:func:`helpers.coding.code_table`)

A corpus can also be a *source* read lazily where it is processed: any object with
``ranges(partition_size)`` (a list of tuples, one a partition) and ``read(*range)`` (that
partition's documents), such as the benchmark's JSON-lines reader.

Progress bars (tqdm for pandas, Dask's progress for Dask) show only when someone is
watching: stderr is a terminal, ``KVALITEXT_PROGRESS`` is not ``0`` and no test is
running; ``progress=True`` forces them on (``KVALITEXT_PROGRESS=0`` still wins).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Iterable, Mapping, Protocol, Sequence

import numpy as np
import pandas as pd

from . import clean, coding, tables
from . import documents as documents_mod
from .matcher import Lemmatizer
from .tables import Tables

DEFAULT_PARTITION_SIZE = 2_000_000  # characters of raw text per partition
PROGRESS_ENV = "KVALITEXT_PROGRESS"
KEPT = tables.STAGE_TABLES


class Source(Protocol):
    """A corpus read partition by partition, where each partition is processed."""

    def ranges(self, partition_size: int) -> list[tuple]: ...

    def read(self, *partition) -> pd.DataFrame: ...


# --------------------------------------------------------------------------- input

def as_documents(docs: pd.DataFrame | Iterable[Sequence]) -> pd.DataFrame:
    """Documents as a DataFrame ``file, doc_id, text, meta``.

    Accepts a DataFrame with ``text`` and ``file`` (or ``id``) and optionally ``doc_id``
    and ``meta``, or an iterable of ``(file, text)``, ``(file, text, doc_id)`` or
    ``(file, text, doc_id, meta)``. ``doc_id`` defaults to the file name; ``meta`` is the
    file's row of metadata (a dict with at least ``doc_id``; its ``date``, if any, is the
    document's), by default ``{"doc_id": doc_id}``."""
    if isinstance(docs, pd.DataFrame):
        df = docs.rename(columns={"id": "file"}) if "file" not in docs.columns else docs
        if "doc_id" not in df.columns:
            df = df.assign(doc_id=df["file"])
        if "meta" not in df.columns:
            df = df.assign(meta=[{"doc_id": d} for d in df["doc_id"]])
        return df[["file", "doc_id", "text", "meta"]].reset_index(drop=True)
    rows = []
    for d in docs:
        doc_id = d[2] if len(d) > 2 else d[0]
        rows.append((d[0], doc_id, d[1], d[3] if len(d) > 3 else {"doc_id": doc_id}))
    return pd.DataFrame(rows, columns=["file", "doc_id", "text", "meta"], dtype=object)


def partitions(docs: pd.DataFrame, partition_size: int = DEFAULT_PARTITION_SIZE) -> list[pd.DataFrame]:
    """Consecutive runs of documents of about ``partition_size`` characters each (a
    document is never split)."""
    lengths = docs["text"].str.len().to_numpy()
    parts, start, size = [], 0, 0
    for i, n in enumerate(lengths):
        size += int(n)
        if size >= partition_size:
            parts.append(docs.iloc[start:i + 1])
            start, size = i + 1, 0
    if start < len(docs):
        parts.append(docs.iloc[start:])
    return parts


# --------------------------------------------------------------------------- stages

def template_counts(docs: pd.DataFrame | Iterable[Sequence] | Source, rules: tuple[clean.Rule, ...],
                    partition_size: int = DEFAULT_PARTITION_SIZE) -> dict[str, int]:
    """The corpus's line counts for ``template`` rules (:func:`helpers.clean.template_counts`
    over each raw file once; a :class:`Source` is read partition by partition); empty,
    without reading anything, when no rule is of that kind."""
    if not any(r.kind == "template" for r in rules):
        return {}
    if hasattr(docs, "ranges") and hasattr(docs, "read"):
        def texts():
            for r in docs.ranges(partition_size):
                part = docs.read(*r)
                yield from dict(zip(part["file"], part["text"])).values()
        return clean.template_counts(texts(), rules)
    docs = as_documents(docs)
    return clean.template_counts(dict(zip(docs["file"], docs["text"])).values(), rules)


def segment_documents(docs: pd.DataFrame, rules: tuple[clean.Rule, ...] | None = None,
                      counts: Mapping[str, int] | None = None) -> tuple[pd.DataFrame, pd.DataFrame, list[dict]]:
    """Stage ``segment``: ``clean.segment`` over each document → ``(sentences, removed,
    documents)``; a sentence's ``doc_id`` is its document's, or its dated entry's.
    ``counts`` are the whole corpus's line counts (:func:`template_counts`), which
    ``template`` rules read; without them those rules remove nothing."""
    docs = as_documents(docs)
    rules = clean.load_rules() if rules is None else rules
    dated = {r.id for r in rules if r.kind == "dated"}  # their lines' dates may become documents' dates
    others = {r.id for r in rules} - dated  # their lines are never a document's dateline
    sentences, removed, doc_ids, documents = [], [], [], []
    for file, doc_id, text, meta in zip(docs["file"], docs["doc_id"], docs["text"], docs["meta"]):
        s, r = clean.segment(text, file, rules, counts)
        found = documents_mod.documents_of_file(file, text, dict(meta, doc_id=doc_id),
                                                [x for x in r if x["rule"] in dated],
                                                [x for x in r if x["rule"] in others])
        documents += found
        if len(found) > 1 and s:
            doc_ids += documents_mod.assign(pd.DataFrame(s, columns=["file", "start"]), pd.DataFrame(found)).tolist()
        else:
            doc_ids += [doc_id] * len(s)
        sentences += s
        removed += r
    seg = pd.DataFrame(sentences, columns=[c for c in tables.SENTENCE_COLUMNS if c != "doc_id"])
    seg.insert(1, "doc_id", pd.Series(doc_ids, dtype=object))
    return seg, pd.DataFrame(removed, columns=tables.REMOVED_COLUMNS), documents


def token_table(docs: pd.DataFrame, sentences: pd.DataFrame, lemmatize: Lemmatizer = clean.lemma) -> pd.DataFrame:
    """Stage ``tokens``: word tokens of each sentence (``clean.token_types_of`` on the raw
    text) with their lemma (once per word type) and stop-word flag; one row per token,
    columns ``TOKEN_COLUMNS``, plus ``sid`` (the sentence's row), ``tid`` (the token's word
    type, numbered in this table) and ``form`` (the token lower-cased), which the code
    stage reuses."""
    text_of = dict(zip(docs["file"], docs["text"]))
    texts = list(map(text_of.__getitem__, sentences["file"].tolist()))
    sid, starts, ends, codes, uniques = clean.token_types_of(texts, sentences["start"].tolist(),
                                                             sentences["end"].tolist())
    forms = np.array([u.lower() for u in uniques.tolist()], dtype=object)
    lemmas = np.array([lemmatize(f) for f in forms], dtype=object)
    stop = clean.stopwords()
    stops = np.array(["true" if f in stop else "false" for f in forms], dtype=object)
    return pd.DataFrame({
        "file": sentences["file"].to_numpy()[sid], "doc_id": sentences["doc_id"].to_numpy()[sid],
        "paragraph": sentences["paragraph"].to_numpy()[sid], "sentence": sentences["sentence"].to_numpy()[sid],
        "start": np.asarray(starts, dtype=np.int64), "end": np.asarray(ends, dtype=np.int64),
        "token": uniques[codes], "lemma": lemmas[codes], "stop": stops[codes], "sid": sid,
        "tid": codes, "form": forms[codes],
    })


def process_batch(docs: pd.DataFrame | Iterable[Sequence], codebook: coding.Codebook | None = None,
                  rules: tuple[clean.Rule, ...] | None = None, keep: Iterable[str] = KEPT,
                  timings: bool = False, counts: Mapping[str, int] | None = None) -> Tables:
    """Run one batch of documents (a partition) through every stage: the tables named in
    ``keep`` (of :data:`KEPT`), each in the contract's order. With ``timings``, ``stats``
    holds seconds per stage, characters, documents, sentences and tokens. ``counts``: the
    whole corpus's line counts (:func:`template_counts`), for ``template`` rules."""
    docs = as_documents(docs)
    codebook = coding.load_codebook() if codebook is None else codebook
    keep = set(keep)
    t0 = time.perf_counter()
    seg, rem, documents = segment_documents(docs, rules, counts)
    t1 = time.perf_counter()
    tok = token_table(docs, seg)
    t2 = time.perf_counter()
    coded, supp, attrs = coding.code_table(seg, tok, codebook)
    t3 = time.perf_counter()
    seg["tokens"] = np.bincount(tok["sid"].to_numpy(), minlength=len(seg)) if len(seg) else []
    for c in coding.ATTRIBUTES:
        seg[c] = attrs[c] if c in attrs else ""
    out = Tables(stats={"chars": int(docs["text"].str.len().sum()), "documents": len(docs),
                        "sentences": len(seg), "tokens": len(tok)})
    if timings:
        out.stats |= {"segment": t1 - t0, "tokens": t2 - t1, "code": t3 - t2}
    for name, table in (("segments", seg), ("removed", rem), ("tokens", tok), ("coded", coded), ("suppressed", supp)):
        if name in keep:
            setattr(out, name, table[tables.COLUMNS[name]])
    if "documents" in keep:
        out.documents = documents
    return out


def _process_range(source: Source, partition: tuple, codebook, rules, keep, counts=None) -> Tables:
    return process_batch(source.read(*partition), codebook, rules, keep, counts=counts)


# --------------------------------------------------------------------------- corpus

def watching(progress: bool | None = None) -> bool:
    """Whether to show progress: never when ``KVALITEXT_PROGRESS=0``; else as asked;
    by default only when stderr is a terminal and no test (pytest, nbval) is running."""
    if os.environ.get(PROGRESS_ENV, "").strip() == "0":
        return False
    if progress is not None:
        return bool(progress)
    if "PYTEST_CURRENT_TEST" in os.environ or "pytest" in sys.modules:
        return False
    return sys.stderr.isatty()


def _concat(parts: list[Tables], keep: Iterable[str]) -> Tables:
    out = Tables()
    for name in keep:
        if name == "documents":
            out.documents = [row for p in parts for row in (p.documents or [])]
            continue
        frames = [getattr(p, name) for p in parts if getattr(p, name) is not None]
        if frames:
            setattr(out, name, tables.sort(pd.concat(frames, ignore_index=True)))
    out.stats = {k: sum(p.stats.get(k, 0) for p in parts) for k in ("chars", "documents", "sentences", "tokens")}
    out.stats["partitions"] = len(parts)
    return out


def scheduler_address(scheduler: str | None = None) -> str | None:
    """The scheduler to use: the argument, else ``DASK_SCHEDULER_ADDRESS`` (Dask's
    config ``scheduler-address``), else ``None`` (start a ``LocalCluster``)."""
    if scheduler:
        return scheduler
    import dask

    return os.environ.get("DASK_SCHEDULER_ADDRESS") or dask.config.get("scheduler-address", None)


def local_cluster(n_workers: int | None = None, memory_limit: str | int = "auto"):
    """A process-based ``LocalCluster``: one single-threaded worker per core (the
    stages hold the GIL), no dashboard."""
    from distributed import LocalCluster

    return LocalCluster(n_workers=n_workers or os.cpu_count() or 1, threads_per_worker=1,
                        processes=True, dashboard_address=None, memory_limit=memory_limit)


def run_corpus(docs: pd.DataFrame | Iterable[Sequence] | Source, codebook: coding.Codebook | None = None,
               engine: str = "pandas", partition_size: int = DEFAULT_PARTITION_SIZE,
               scheduler: str | None = None, progress: bool | None = None,
               rules: tuple[clean.Rule, ...] | None = None, keep: Iterable[str] = KEPT,
               client=None) -> Tables:
    """Run a corpus through the stages in partitions of about ``partition_size``
    characters, with ``engine="pandas"`` (sequential, in this process) or ``"dask"``
    (a ``LocalCluster`` started and closed here, or the cluster at ``scheduler`` /
    ``DASK_SCHEDULER_ADDRESS``, or ``client``). Both give identical tables in the
    contract's order. ``docs`` is documents (see :func:`as_documents`) or a
    :class:`Source`, read partition by partition where it is processed. ``keep`` names
    the tables to collect (collect only ``coded`` to keep the caller's memory small on a
    large corpus). ``template`` rules read line counts taken from every raw file of the
    corpus in one pass before the partitions run (:func:`template_counts`), so a file is
    cleaned alike whatever partition it falls in, with either engine."""
    codebook = coding.load_codebook() if codebook is None else codebook
    rules = clean.load_rules() if rules is None else rules
    keep = tuple(k for k in KEPT if k in set(keep))
    if hasattr(docs, "ranges") and hasattr(docs, "read"):
        tasks = [(_process_range, docs, r) for r in docs.ranges(partition_size)]
    else:
        docs = as_documents(docs)
        tasks = [(process_batch, p) for p in partitions(docs, partition_size)]
    if not tasks:  # no documents: the tables, empty, with their columns
        tasks = [(process_batch, as_documents([]))]
    counts = template_counts(docs, rules, partition_size)
    show = watching(progress)
    if engine == "pandas":
        if show:
            from tqdm.auto import tqdm

            tasks = tqdm(tasks, desc="partitions", unit="part")
        return _concat([f(*args, codebook, rules, keep, counts=counts) for f, *args in tasks], keep)
    if engine != "dask":
        raise ValueError(f"engine must be 'pandas' or 'dask', not {engine!r}")

    from distributed import Client

    cluster = own = None
    if client is None:
        address = scheduler_address(scheduler)
        if address is None:
            cluster = local_cluster()
            client = own = Client(cluster)
        else:
            client = own = Client(address)
    try:
        futures = [client.submit(f, *args, codebook, rules, keep, counts=counts, pure=False) for f, *args in tasks]
        if show:
            from distributed import progress as dask_progress

            dask_progress(futures)
        results = client.gather(futures)
    finally:
        if own is not None:
            own.close()
        if cluster is not None:
            cluster.close()
    return _concat(results, keep)
