"""The pipeline's stages over many documents, in partitions, with pandas or Dask.

:func:`process_batch` runs one partition of documents through the same helpers as
:mod:`helpers.pipeline` (``clean.segment`` for cleaning and sentences,
``clean.token_spans`` and ``clean.lemma`` for tokens, the codebook's ``Matcher`` for
codes and context attributes) and returns the pipeline's tables with its columns.
:func:`run_corpus` splits a corpus into partitions of about ``partition_size``
characters and runs them sequentially (``engine="pandas"``) or on a Dask cluster
(``engine="dask"``: a process-based ``LocalCluster`` by default, or an existing cluster
when a scheduler address is given or ``DASK_SCHEDULER_ADDRESS`` is set); both engines
give identical tables, sorted by file and offset like the pipeline's CSV files.

Stages (each with a stated input and output; ``benchmarks/bench.py`` times them):

``segment``  documents ``(file, doc_id, text)`` → sentences ``file, doc_id, paragraph,
             sentence, start, end, text`` and removals ``file, start, end, rule, text``
``tokens``   sentences + raw texts → tokens ``file, doc_id, paragraph, sentence, start,
             end, token, lemma, stop`` (and the sentences' ``tokens`` counts)
``code``     sentences + tokens and lemmas → coded rows (``coding.CODED_COLUMNS``),
             suppressed rows and the sentences' ``sector, actors``

Speed: the matchers are built once per process and keep their per-word caches across
partitions; a sentence is given to the matcher only if one of its word types can start
a rule (its form or lemma matches the first word of some rule) or it holds a hyphen (a
coordinated compound, "detalj- och resultatstyrning"): every other sentence provably
has no code and the default attributes, so skipping it changes nothing.

Progress bars (tqdm for pandas, Dask's progress for Dask) show only when someone is
watching: stderr is a terminal, ``KVALITEXT_PROGRESS`` is not ``0`` and no test is
running; ``progress=True`` forces them on (``KVALITEXT_PROGRESS=0`` still wins).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from . import clean, coding, documents as documents_mod
from .pipeline import REMOVED_COLUMNS, SEGMENT_COLUMNS, TOKEN_COLUMNS

TABLES = ("segments", "removed", "tokens", "coded", "suppressed")
DEFAULT_PARTITION_SIZE = 2_000_000  # characters of raw text per partition
PROGRESS_ENV = "KVALITEXT_PROGRESS"
_SENTENCE_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text"]


# --------------------------------------------------------------------------- input

def as_documents(docs: pd.DataFrame | Iterable[Sequence[str]]) -> pd.DataFrame:
    """Documents as a DataFrame ``file, doc_id, text``.

    Accepts a DataFrame with ``text`` and ``file`` (or ``id``) and optionally ``doc_id``,
    or an iterable of ``(file, text)`` or ``(file, text, doc_id)``. ``doc_id`` defaults
    to the file name (a diary-like text is still split into its dated entries)."""
    if isinstance(docs, pd.DataFrame):
        df = docs.rename(columns={"id": "file"}) if "file" not in docs.columns else docs
        if "doc_id" not in df.columns:
            df = df.assign(doc_id=df["file"])
        return df[["file", "doc_id", "text"]].reset_index(drop=True)
    rows = [(d[0], d[2] if len(d) > 2 else d[0], d[1]) for d in docs]
    return pd.DataFrame(rows, columns=["file", "doc_id", "text"], dtype=object)


def read_jsonl_corpus(path: str | Path, limit_fraction: float = 1.0) -> pd.DataFrame:
    """A corpus in the benchmark format (``.jsonl`` or ``.jsonl.gz``, one JSON object a
    line with ``id`` and ``text``) as documents ``file, doc_id, text`` (``file`` and
    ``doc_id`` are the ``id``); with ``limit_fraction`` < 1, the first documents up to
    that share of the characters."""
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:
        rows = [json.loads(line) for line in f if line.strip()]
    if limit_fraction < 1.0:
        budget = limit_fraction * sum(len(r["text"]) for r in rows)
        n, total = 0, 0
        for n, r in enumerate(rows):
            if total >= budget:
                break
            total += len(r["text"])
        else:
            n = len(rows)
        rows = rows[:n]
    return pd.DataFrame({"file": [r["id"] for r in rows], "doc_id": [r["id"] for r in rows],
                         "text": [r["text"] for r in rows]}, dtype=object)


@dataclass(frozen=True)
class JsonlCorpus:
    """A corpus file in the benchmark format read lazily: each partition is a range of
    its lines, read by whoever processes it (a Dask worker), so no process holds more
    than a partition of text. ``limit_fraction`` keeps the first lines up to that share
    of the file's characters."""

    path: str
    limit_fraction: float = 1.0

    def ranges(self, partition_size: int) -> list[tuple[int, int]]:
        """``(first, stop)`` line ranges of about ``partition_size`` characters."""
        opener = gzip.open if self.path.endswith(".gz") else open
        with opener(self.path, "rt", encoding="utf-8") as f:
            sizes = [len(line) for line in f]
        budget = self.limit_fraction * sum(sizes)
        out, start, size, total = [], 0, 0, 0
        for i, n in enumerate(sizes):
            if total >= budget:
                sizes = sizes[:i]
                break
            total += n
            size += n
            if size >= partition_size:
                out.append((start, i + 1))
                start, size = i + 1, 0
        if start < len(sizes):
            out.append((start, len(sizes)))
        return out

    def read(self, first: int, stop: int) -> pd.DataFrame:
        """The documents on lines ``first`` to ``stop - 1``."""
        import itertools

        opener = gzip.open if self.path.endswith(".gz") else open
        with opener(self.path, "rt", encoding="utf-8") as f:
            rows = [json.loads(line) for line in itertools.islice(f, first, stop)]
        ids = [r["id"] for r in rows]
        return pd.DataFrame({"file": ids, "doc_id": ids, "text": [r["text"] for r in rows]}, dtype=object)


def _process_range(source: JsonlCorpus, first: int, stop: int, codebook, rules, keep) -> "Tables":
    return process_batch(source.read(first, stop), codebook, rules, keep)


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

@dataclass
class Tables:
    """The pipeline's tables for a batch or a corpus (``None`` when not kept)."""

    segments: pd.DataFrame | None = None
    removed: pd.DataFrame | None = None
    tokens: pd.DataFrame | None = None
    coded: pd.DataFrame | None = None
    suppressed: pd.DataFrame | None = None
    stats: dict = field(default_factory=dict)

    def __getitem__(self, name: str) -> pd.DataFrame | None:
        return getattr(self, name)


def segment_documents(docs: pd.DataFrame, rules: tuple[clean.Rule, ...] | None = None,
                      entries: bool = True) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Stage ``segment``: ``clean.segment`` over each document → ``(sentences,
    removed)``; a sentence's ``doc_id`` is its document's, or its dated entry's
    (``documents.documents_of_file``) as in the pipeline."""
    rules = clean.load_rules() if rules is None else rules
    sentences, removed, doc_ids = [], [], []
    for file, doc_id, text in zip(docs["file"], docs["doc_id"], docs["text"]):
        s, r = clean.segment(text, file, rules)
        if entries and s:
            found = documents_mod.documents_of_file(file, text, {"doc_id": doc_id, "date": "-"})
        else:
            found = []
        if len(found) > 1:
            table = pd.DataFrame(found)
            doc_ids += documents_mod.assign(pd.DataFrame(s, columns=["file", "start"]), table).tolist()
        else:
            doc_ids += [doc_id] * len(s)
        sentences += s
        removed += r
    seg = pd.DataFrame(sentences, columns=[c for c in _SENTENCE_COLUMNS if c != "doc_id"])
    seg.insert(1, "doc_id", pd.Series(doc_ids, dtype=object))
    return seg, pd.DataFrame(removed, columns=REMOVED_COLUMNS)


def token_table(docs: pd.DataFrame, sentences: pd.DataFrame) -> pd.DataFrame:
    """Stage ``tokens``: word tokens of each sentence (``clean.token_spans`` on the raw
    text) with their lemma (``clean.lemma``, once per word type) and stop-word flag; one
    row per token, columns ``TOKEN_COLUMNS``, plus ``sid`` (the sentence's row)."""
    text_of = dict(zip(docs["file"], docs["text"]))
    sid, starts, ends, toks = [], [], [], []
    spans = clean.token_spans
    for i, (file, s, e) in enumerate(zip(sentences["file"], sentences["start"], sentences["end"])):
        found = spans(text_of[file], s, e)
        sid += [i] * len(found)
        for ts, te, tok in found:
            starts.append(ts)
            ends.append(te)
            toks.append(tok)
    sid = np.asarray(sid, dtype=np.int64)
    codes, uniques = pd.factorize(pd.Series(toks, dtype=object))
    lemma, stop = clean.lemma, clean.stopwords()
    lemmas = np.array([lemma(u) for u in uniques], dtype=object)
    stops = np.array(["true" if u.lower() in stop else "false" for u in uniques], dtype=object)
    tok = pd.DataFrame({
        "file": sentences["file"].to_numpy()[sid], "doc_id": sentences["doc_id"].to_numpy()[sid],
        "paragraph": sentences["paragraph"].to_numpy()[sid], "sentence": sentences["sentence"].to_numpy()[sid],
        "start": np.asarray(starts, dtype=np.int64), "end": np.asarray(ends, dtype=np.int64),
        "token": pd.Series(toks, dtype=object).to_numpy(), "lemma": lemmas[codes] if len(codes) else [],
        "stop": stops[codes] if len(codes) else [], "sid": sid,
    })
    return tok


class _FirstWords:
    """Which word types can start a rule of a matcher: a type whose lower-cased form or
    lemma matches the first word pattern of some rule (``WordPattern.matches``)."""

    def __init__(self, matcher: coding.Matcher):
        firsts = {t.words[0] for t in matcher.terms}
        self.exact = frozenset(w.stem for w in firsts if w.kind == "exact")
        self.prefix = tuple(sorted(w.stem for w in firsts if w.kind == "prefix"))
        self.suffix = tuple(sorted(w.stem for w in firsts if w.kind == "suffix"))
        infix = sorted((w.stem for w in firsts if w.kind == "infix"), key=lambda s: (-len(s), s))
        self.infix = re.compile("|".join(map(re.escape, infix))) if infix else None
        self.cache: dict[tuple[str, str], bool] = {}

    def _form(self, form: str) -> bool:
        return (form in self.exact or (bool(self.prefix) and form.startswith(self.prefix))
                or (bool(self.suffix) and form.endswith(self.suffix))
                or (self.infix is not None and self.infix.search(form) is not None))

    def __call__(self, form: str, lemma: str) -> bool:
        key = (form, lemma)
        hit = self.cache.get(key)
        if hit is None:
            hit = self.cache[key] = self._form(form) or (lemma != form and self._form(lemma))
        return hit


@dataclass
class _Coder:
    codebook: coding.Codebook
    matcher: coding.Matcher
    blocker: coding.Matcher
    attributes: dict[str, coding.Matcher]
    firsts: _FirstWords
    attribute_firsts: dict[str, _FirstWords]
    defaults: dict[str, str]
    order: dict[str, int]


_CODERS: dict[str, _Coder] = {}


def _coder(codebook: coding.Codebook) -> _Coder:
    """The matchers of a codebook, built once per process (their word caches then serve
    every partition the process codes)."""
    key = hashlib.sha256(codebook.model_dump_json().encode()).hexdigest()
    if key not in _CODERS:
        matcher = coding.code_matcher(codebook)
        attributes = coding.attribute_matchers(codebook)
        empty = coding.context_attributes(pd.DataFrame({"text": [""]}), codebook)
        _CODERS[key] = _Coder(
            codebook, matcher, coding.not_with_matcher(codebook), attributes, _FirstWords(matcher),
            {name: _FirstWords(m) for name, m in attributes.items()},
            {c: empty[c].iloc[0] for c in empty.columns}, {c: n for n, c in enumerate(codebook.ids)})
    return _CODERS[key]


def _word_types(tokens: pd.DataFrame) -> tuple[np.ndarray, list[str], list[str]]:
    """Per token the index of its word type; per type its lower-cased form and lemma."""
    codes, uniques = pd.factorize(tokens["token"].to_numpy())
    lemmas = np.empty(len(uniques), dtype=object)
    lemmas[codes] = tokens["lemma"].to_numpy()  # a function of the token: any row will do
    return codes, [u.lower() for u in uniques], [lem.lower() for lem in lemmas]


def _candidates(first: _FirstWords, types: tuple, sid: np.ndarray, hyphen: np.ndarray) -> np.ndarray:
    """Rows of sentences that may hold a rule's match: a word type that can start one,
    or a hyphen (coordinated compounds)."""
    mask = hyphen.copy()
    codes, forms, lemmas = types
    if len(codes):
        ok = np.fromiter(map(first, forms, lemmas), dtype=bool, count=len(forms))
        mask[sid[ok[codes]]] = True
    return np.flatnonzero(mask)


def code_table(sentences: pd.DataFrame, tokens: pd.DataFrame,
               codebook: coding.Codebook) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stage ``code``: sentences with their tokens and lemmas → ``(coded, suppressed,
    attributes)``: one row per (sentence, code) as ``coding.code_segments_with_log``
    makes them, and per sentence its ``sector, actors`` as ``coding.context_attributes``."""
    c = _coder(codebook)
    n = len(sentences)
    hyphen = sentences["text"].str.contains("[-–]", regex=True).to_numpy(dtype=bool) if n else np.zeros(0, bool)
    texts = sentences["text"].tolist()
    types = _word_types(tokens)
    sid = tokens["sid"].to_numpy()
    tokenized: dict[int, list[str]] = {}

    def words(i: int) -> list[str]:
        if i not in tokenized:
            tokenized[i] = clean.tokenize(texts[i])
        return tokenized[i]

    # Codes, by the same function as coding.code_segments_with_log.
    rows, suppressed = [], []
    cols = [sentences[k].tolist() for k in ("file", "doc_id", "paragraph", "sentence", "start", "end")]
    for i in _candidates(c.firsts, types, sid, hyphen):
        base = {"file": cols[0][i], "doc_id": cols[1][i], "paragraph": cols[2][i],
                "sentence": cols[3][i], "start": cols[4][i], "end": cols[5][i], "_i": i}
        r, s = coding.code_sentence(base, words(i), c.matcher, c.blocker, c.order)
        rows += r
        suppressed += s
    # Context attributes, as coding.context_attributes gives them.
    attrs = {}
    for name, m in c.attributes.items():
        values = np.full(n, c.defaults[name], dtype=object)
        for i in _candidates(c.attribute_firsts[name], types, sid, hyphen):
            v = sorted(m.match(words(i)))
            if name == "sector":
                v = v or ["general"]
            values[i] = "; ".join(v)
        attrs[name] = values
    coded = pd.DataFrame(rows, columns=coding.CODED_COLUMNS + ["_i"])
    supp = pd.DataFrame(suppressed, columns=coding.SUPPRESSED_COLUMNS + ["_i"])
    # Sentence order, then the codebook's order (rows were made per candidate set).
    coded = coded.sort_values("_i", kind="stable").drop(columns="_i").reset_index(drop=True)
    supp = supp.sort_values("_i", kind="stable").drop(columns="_i").reset_index(drop=True)
    return coded, supp, pd.DataFrame(attrs, index=sentences.index)


def process_batch(docs: pd.DataFrame | Iterable[Sequence[str]], codebook: coding.Codebook | None = None,
                  rules: tuple[clean.Rule, ...] | None = None, keep: Iterable[str] = TABLES,
                  timings: bool = False) -> Tables:
    """Run one batch of documents (a partition) through every stage: the pipeline's
    tables ``segments, removed, tokens, coded, suppressed`` (only those in ``keep``),
    each sorted by file and offset. With ``timings``, ``stats`` holds seconds per stage,
    characters, documents, sentences and tokens."""
    import time

    docs = as_documents(docs)
    codebook = coding.load_codebook() if codebook is None else codebook
    keep = set(keep)
    t0 = time.perf_counter()
    seg, rem = segment_documents(docs, rules)
    t1 = time.perf_counter()
    tok = token_table(docs, seg)
    t2 = time.perf_counter()
    coded, supp, attrs = code_table(seg, tok, codebook)
    t3 = time.perf_counter()
    seg["tokens"] = np.bincount(tok["sid"].to_numpy(), minlength=len(seg)) if len(seg) else []
    seg["sector"], seg["actors"] = (attrs[c] if c in attrs else "" for c in ("sector", "actors"))
    out = Tables(stats={"chars": int(docs["text"].str.len().sum()), "documents": len(docs),
                        "sentences": len(seg), "tokens": len(tok)})
    if timings:
        out.stats |= {"segment": t1 - t0, "tokens": t2 - t1, "code": t3 - t2}
    if "segments" in keep:
        out.segments = seg[SEGMENT_COLUMNS]
    if "removed" in keep:
        out.removed = rem
    if "tokens" in keep:
        out.tokens = tok[TOKEN_COLUMNS]
    if "coded" in keep:
        out.coded = coded
    if "suppressed" in keep:
        out.suppressed = supp
    return out


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
        frames = [getattr(p, name) for p in parts if getattr(p, name) is not None]
        if frames:
            df = pd.concat(frames, ignore_index=True)
            setattr(out, name, df.sort_values(["file", "start"], kind="stable").reset_index(drop=True))
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


def run_corpus(docs: "pd.DataFrame | Iterable[Sequence[str]] | JsonlCorpus | str | Path", codebook: coding.Codebook | None = None,
               engine: str = "pandas", partition_size: int = DEFAULT_PARTITION_SIZE,
               scheduler: str | None = None, progress: bool | None = None,
               rules: tuple[clean.Rule, ...] | None = None, keep: Iterable[str] = TABLES,
               client=None) -> Tables:
    """Run a corpus through the stages in partitions of about ``partition_size``
    characters, with ``engine="pandas"`` (sequential, in this process) or ``"dask"``
    (a ``LocalCluster`` started and closed here, or the cluster at ``scheduler`` /
    ``DASK_SCHEDULER_ADDRESS``, or ``client``). Both give identical tables, sorted by
    file and offset. ``docs`` is documents (see :func:`as_documents`) or a
    :class:`JsonlCorpus` (or its path), read partition by partition where it is
    processed. ``keep`` names the tables to collect (collect only ``coded`` to
    keep the caller's memory small on a large corpus)."""
    codebook = coding.load_codebook() if codebook is None else codebook
    rules = clean.load_rules() if rules is None else rules
    keep = tuple(k for k in TABLES if k in set(keep))
    if isinstance(docs, (str, Path)):
        docs = JsonlCorpus(str(docs))
    if isinstance(docs, JsonlCorpus):
        tasks = [(_process_range, docs, a, b) for a, b in docs.ranges(partition_size)]
    else:
        tasks = [(process_batch, p) for p in partitions(as_documents(docs), partition_size)]
    show = watching(progress)
    if engine == "pandas":
        if show:
            from tqdm.auto import tqdm

            tasks = tqdm(tasks, desc="partitions", unit="part")
        return _concat([f(*args, codebook, rules, keep) for f, *args in tasks], keep)
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
        futures = [client.submit(f, *args, codebook, rules, keep, pure=False) for f, *args in tasks]
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
