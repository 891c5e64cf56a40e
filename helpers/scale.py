"""The pipeline's stages over many documents, in partitions, with pandas or Dask.

:func:`process_batch` runs one partition of documents through the helpers
(``clean.segment`` for cleaning and sentences, ``documents.documents_of_file`` for dated
entries, ``clean.token_columns_of`` and ``clean.lemma`` for tokens, the codebook's
``Matcher`` for codes and context attributes) and returns the pipeline's tables with its
columns;
:mod:`helpers.pipeline` builds every run's tables with :func:`run_corpus`.
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

Speed: the matchers are built once per process. ``token_table`` splits all sentences of a
partition at once (``clean.token_columns_of``) and lemmatises each word type once.
``code_table`` matches over a partition's whole token table at once (``vectorised=True``,
the default; see the notes above :class:`_Strings`): one Aho-Corasick pass over the
partition's distinct forms and lemmas, then numpy over (token row, pattern id) keys; it
reuses the word types and lower-cased forms that ``token_table`` computed (columns
``tid``, ``form``). Its output is identical to ``vectorised=False``, which gives each
candidate sentence to ``coding.code_sentence`` (a sentence is a candidate if one of its
word types can start a rule, or it holds a hyphen: every other sentence provably has no
code and the default attributes). What remains costly is ``clean.lemma`` on each reading
of a coordinated compound ("detalj- och resultatstyrning" read as "detaljstyrning",
"detaljtstyrning", …), as ``Matcher._coordinated`` defines them. ``benchmarks/README.md``
has the figures.

Progress bars (tqdm for pandas, Dask's progress for Dask) show only when someone is
watching: stderr is a terminal, ``KVALITEXT_PROGRESS`` is not ``0`` and no test is
running; ``progress=True`` forces them on (``KVALITEXT_PROGRESS=0`` still wins).
"""

from __future__ import annotations

import gzip
import hashlib
import itertools
import json
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import numpy as np
import pandas as pd

from . import clean, coding
from . import documents as documents_mod
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


def _opener(path: str | Path):
    return gzip.open if str(path).endswith(".gz") else open


def _document(path: str | Path, n: int, line: bytes | str) -> dict:
    """The JSON object on line ``n`` (0-based) of a corpus file, with its ``id`` and
    ``text``; a clear error naming the file and line otherwise."""
    try:
        row = json.loads(line)
        if (not isinstance(row, dict) or not isinstance(row.get("id"), (str, int)) or isinstance(row.get("id"), bool)
                or not isinstance(row.get("text"), str)):
            raise ValueError("expected an object with an 'id' (a string or an integer) and a string 'text'")
        row["id"] = str(row["id"])
    except ValueError as exc:  # json.JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise ValueError(f"{path}, line {n + 1}: {exc}. Each line must be one JSON object such as "
                         f'{{"id": "doc-1", "text": "..."}} (UTF-8); fix or remove the line.') from None
    return row


def read_jsonl_corpus(path: str | Path, limit_fraction: float = 1.0) -> pd.DataFrame:
    """A corpus in the benchmark format (``.jsonl`` or ``.jsonl.gz``, UTF-8, one JSON
    object a line with ``id`` and ``text``, lines ending in ``\\n`` or ``\\r\\n``; lines
    of JSON white space only are skipped) as documents ``file, doc_id, text`` (``file``
    and ``doc_id`` are the ``id`` as a string); with ``limit_fraction`` < 1, the first
    documents up to that share of the characters. A line that is not such an object
    stops the reading with an error naming the file and the line."""
    with _opener(path)(path, "rb") as f:
        rows = [_document(path, n, line) for n, line in enumerate(f) if line.strip()]
    if limit_fraction < 1.0:
        budget = limit_fraction * sum(len(r["text"]) for r in rows)
        n, total = 0, 0
        for n, r in enumerate(rows):  # noqa: B007 (n is the cut after the loop)
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
    its lines (ending in ``\\n``), read by whoever processes it (a Dask worker), so no
    process holds more than a partition of text. ``limit_fraction`` keeps the first
    lines up to that share of the file's characters."""

    path: str
    limit_fraction: float = 1.0

    def ranges(self, partition_size: int) -> list[tuple[int, int, int]]:
        """``(first, stop, offset)``: line ranges of about ``partition_size`` characters
        and the byte offset of each range's first line (in the uncompressed file)."""
        with _opener(self.path)(self.path, "rb") as f:
            lines = [(len(line.decode("utf-8", errors="replace")), len(line)) for line in f]
        budget = self.limit_fraction * sum(n for n, _ in lines)
        out, start, size, total, offset, at = [], 0, 0, 0, 0, 0
        for i, (n, nbytes) in enumerate(lines):
            if total >= budget:
                lines = lines[:i]
                break
            total += n
            size += n
            at += nbytes
            if size >= partition_size:
                out.append((start, i + 1, offset))
                start, size, offset = i + 1, 0, at
        if start < len(lines):
            out.append((start, len(lines), offset))
        return out

    def read(self, first: int, stop: int, offset: int | None = None) -> pd.DataFrame:
        """The documents on lines ``first`` to ``stop - 1`` (blank lines skipped); with
        the byte ``offset`` of line ``first`` (from :meth:`ranges`), the lines before it
        are skipped by seeking rather than split, decoded and parsed (a ``.gz`` file is
        still decompressed up to the offset: gzip cannot seek otherwise)."""
        import itertools

        with _opener(self.path)(self.path, "rb") as f:
            if offset is None:
                lines = itertools.islice(f, first, stop)
            else:
                f.seek(offset)
                lines = itertools.islice(f, stop - first)
            rows = [_document(self.path, first + k, line) for k, line in enumerate(lines) if line.strip()]
        ids = [r["id"] for r in rows]
        return pd.DataFrame({"file": ids, "doc_id": ids, "text": [r["text"] for r in rows]}, dtype=object)


def _process_range(source: JsonlCorpus, first: int, stop: int, offset: int | None, codebook, rules, keep) -> "Tables":
    return process_batch(source.read(first, stop, offset), codebook, rules, keep)


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
    """Stage ``tokens``: word tokens of each sentence (``clean.token_columns_of`` on the raw
    text) with their lemma (``clean.lemma``, once per word type) and stop-word flag; one
    row per token, columns ``TOKEN_COLUMNS``, plus ``sid`` (the sentence's row), ``tid``
    (the token's word type, numbered in this table) and ``form`` (the token lower-cased),
    which the code stage reuses."""
    text_of = dict(zip(docs["file"], docs["text"]))
    texts = [text_of[f] for f in sentences["file"]]
    sid, starts, ends, toks = clean.token_columns_of(texts, sentences["start"].tolist(), sentences["end"].tolist())
    codes, forms, lemmas = _number_types(toks, clean.lemma)
    stop = clean.stopwords()
    stops = np.array(["true" if f in stop else "false" for f in forms], dtype=object)
    return pd.DataFrame({
        "file": sentences["file"].to_numpy()[sid], "doc_id": sentences["doc_id"].to_numpy()[sid],
        "paragraph": sentences["paragraph"].to_numpy()[sid], "sentence": sentences["sentence"].to_numpy()[sid],
        "start": np.asarray(starts, dtype=np.int64), "end": np.asarray(ends, dtype=np.int64),
        "token": np.array(toks, dtype=object), "lemma": lemmas[codes], "stop": stops[codes], "sid": sid,
        "tid": codes, "form": forms[codes],
    })


def _number_types(toks: list[str], lemmatize) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per token the number of its word type (in order of first appearance); per type its
    lower-cased form and its lemma (``lemmatize`` of the form, once per type)."""
    codes, uniques = pd.factorize(np.array(toks, dtype=object))
    forms = np.array([u.lower() for u in uniques], dtype=object)
    lemmas = np.array([lemmatize(f) for f in forms], dtype=object)
    return codes.astype(np.int64), forms, lemmas


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
    vectorised: dict = field(default_factory=dict)  # the matchers as one _Bank, built once


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


def _code_frames(rows: list[dict], suppressed: list[dict], attrs: dict, index: pd.Index
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The code stage's tables from its rows (each with the sentence's position ``_i``):
    in sentence order, then the codebook's order (rows were made per candidate set)."""
    coded = pd.DataFrame(rows, columns=coding.CODED_COLUMNS + ["_i"])
    supp = pd.DataFrame(suppressed, columns=coding.SUPPRESSED_COLUMNS + ["_i"])
    coded = coded.sort_values("_i", kind="stable").drop(columns="_i").reset_index(drop=True)
    supp = supp.sort_values("_i", kind="stable").drop(columns="_i").reset_index(drop=True)
    return coded, supp, pd.DataFrame(attrs, index=index)


def code_table(sentences: pd.DataFrame, tokens: pd.DataFrame, codebook: coding.Codebook,
               vectorised: bool = True) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Stage ``code``: sentences with their tokens and lemmas → ``(coded, suppressed,
    attributes)``: one row per (sentence, code) as ``coding.code_segments_with_log``
    makes them, and per sentence its ``sector, actors`` as ``coding.context_attributes``.

    ``vectorised`` (the default) matches over the whole token table at once (see
    :class:`_Bank`); ``vectorised=False`` gives each candidate sentence to
    ``coding.code_sentence`` and ``Matcher.match``, re-tokenising its text. Both give
    identical tables (``tests/test_scale.py``)."""
    c = _coder(codebook)
    if vectorised:
        return _code_table_vectorised(sentences, tokens, c)
    return _code_table_per_sentence(sentences, tokens, c)


def _code_table_per_sentence(sentences: pd.DataFrame, tokens: pd.DataFrame,
                              c: _Coder) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`code_table` sentence by sentence, with ``coding.code_sentence``."""
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
    return _code_frames(rows, suppressed, attrs, sentences.index)


# --------------------------------------------------------------------------- vectorised coding
#
# code_table(vectorised=True) finds the same rules as Matcher.match_detail does sentence by
# sentence, but over a partition's whole token table at once:
#
# 1. Pattern ids per word type: the partition's distinct lower-cased forms and lemmas are
#    joined into one string with sentinels ("\x02form\x03\x02lemma\x03..."), and one
#    Aho-Corasick pass of an automaton holding every matcher's stems, each with the
#    sentinels its kind needs (exact "\x02stem\x03", prefix "\x02stem", suffix "stem\x03",
#    infix "stem"), finds every pattern each string matches: what Matcher._form_patterns
#    decides string by string. A type's patterns are its form's and its lemma's
#    (Matcher._word_patterns; the lemma is the token table's, clean.lemma of the token).
# 2. Per token row, its type's pattern ids, as sorted int64 keys row * P + pid; a
#    coordinated compound ("detalj- och resultatstyrning") adds the patterns of the
#    modifier read with each head of the compound (Matcher._coordinated), found the same
#    way in one batch, and is shown as "detalj- … resultatstyrning".
# 3. Rules start where their first word's pattern is and none of their exclusions is;
#    a phrase needs word k at row + k of the same sentence; a proximity rule its second
#    word (not excluded) within ``near`` rows of the same sentence, the first such row
#    being shown (as Matcher._complete does).
# 4. Rules and words per (sentence, label), sorted and "; "-joined as code_sentence does.

_SENTINELS = {"exact": "\x02{}\x03", "prefix": "\x02{}", "suffix": "{}\x03", "infix": "{}"}


def _csr(n: int, pairs: Iterable[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, values)``: for each key ``0..n-1`` its values (sorted, unique)."""
    by_key: list[set[int]] = [set() for _ in range(n)]
    for k, v in pairs:
        by_key[k].add(v)
    vals = [sorted(s) for s in by_key]
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(v) for v in vals])
    return ptr, np.fromiter((x for v in vals for x in v), dtype=np.int64, count=int(ptr[-1]))


def _ptr(owners: np.ndarray, n: int) -> np.ndarray:
    """CSR pointers for sorted owner ids ``0..n-1``."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(owners, minlength=n))
    return ptr


def _gather(ptr: np.ndarray, values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position ``i`` of ``keys``, the values of ``keys[i]`` in a CSR table:
    ``(i repeated, values)``, in the order of ``keys``."""
    first, count = ptr[keys], ptr[keys + 1] - ptr[keys]
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), count)
    ends = np.cumsum(count)
    offsets = np.repeat(first - (ends - count), count) + np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    return owner, values[offsets]


def _member(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Whether each query is in a sorted array of int64 keys."""
    if not len(sorted_keys):
        return np.zeros(len(queries), dtype=bool)
    at = np.searchsorted(sorted_keys, queries)
    return sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == queries


@dataclass
class _Strings:
    """Items (word types, or coordinated readings) by their lower-cased form and lemma,
    as one string with sentinels: each item's form, then the lemmas that differ from
    their item's form (``Matcher._word_patterns`` reads a word as both)."""

    joined: str
    starts: np.ndarray  # offset of each string's "\x02" in ``joined``
    item: np.ndarray  # per string: its item
    n: int  # items

    @classmethod
    def of(cls, forms: np.ndarray, lemmas: np.ndarray) -> "_Strings":
        k = len(forms)
        differ = np.flatnonzero(lemmas != forms) if k else np.zeros(0, dtype=np.int64)
        strings = forms.tolist() + lemmas[differ].tolist()
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        starts = np.zeros(len(strings), dtype=np.int64)
        starts[1:] = np.cumsum(lengths + 2)[:-1]
        joined = "\x02" + "\x03\x02".join(strings) + "\x03" if strings else ""
        return cls(joined, starts, np.concatenate([np.arange(k, dtype=np.int64), differ]), k)

    def owners(self, ends: np.ndarray) -> np.ndarray:
        """The string each position of ``joined`` belongs to."""
        return np.searchsorted(self.starts, ends, side="right") - 1

    def find(self, *needles: str) -> np.ndarray:
        """Strings in which one of ``needles`` occurs in ``joined``."""
        at, joined = [], self.joined
        for needle in needles:
            i = joined.find(needle)
            while i >= 0:
                at.append(i)
                i = joined.find(needle, i + 1)
        return self.owners(np.asarray(at, dtype=np.int64))


class _Vec:
    """One :class:`coding.Matcher` in a :class:`_Bank`: its pattern ids are
    ``offset .. offset + P - 1`` there; its rules as arrays."""

    def __init__(self, m: coding.Matcher, offset: int):
        self.m, self.offset, self.P = m, offset, max(1, len(m.pattern_ids))
        terms = m.terms
        self.T = max(1, len(terms))
        self.labels = sorted({t.label for t in terms})  # numbered in sorted order
        label_ix = {lab: n for n, lab in enumerate(self.labels)}
        self.term_label = np.array([label_ix[t.label] for t in terms], dtype=np.int64)
        self.nwords = np.array([len(t.words) for t in terms], dtype=np.int64)
        self.near = np.array([t.near for t in terms], dtype=np.int64)
        self.words = np.full((len(terms), max([len(t.words) for t in terms], default=1)), -1, dtype=np.int64)
        for i, t in enumerate(terms):
            self.words[i, :len(t.words)] = [m.pattern_ids[w] for w in t.words]
        self.start_ptr, self.start_terms = _csr(self.P, ((p, i) for p, uses in m.uses.items() for i, k in uses if k == 0))
        self.excl_ptr, self.excl_terms = _csr(self.P, ((p, i) for i, ex in enumerate(m.exclusions) for p in ex))
        self.has_exclusions = bool(len(self.excl_terms))

    def local(self, keys: np.ndarray, G: int) -> np.ndarray:
        """Keys ``owner * G + global pid`` of a bank → ``owner * P + pid`` of this matcher."""
        pid = keys % G - self.offset
        mine = (pid >= 0) & (pid < self.P)
        return keys[mine] // G * self.P + pid[mine]


class _Bank:
    """Every matcher of a codebook compiled for :func:`_code_table_vectorised`: one
    Aho-Corasick automaton over all their pattern stems (with the sentinels of each
    pattern's kind), global pattern ids ``offset + pid``."""

    def __init__(self, matchers: dict, lemma=clean.lemma):
        import ahocorasick

        self.lemma = lemma  # the matchers' lemmatiser (coordinated readings are lemmatised here)
        self.vecs: dict = {}
        keys: dict[str, set[int]] = {}
        offset = 0
        for name, m in matchers.items():
            v = self.vecs[name] = _Vec(m, offset)
            for kind, table in m.stems.items():
                for stem, pids in table.items():
                    keys.setdefault(_SENTINELS[kind].format(stem), set()).update(offset + p for p in pids)
            offset += v.P
        self.G = max(1, offset)
        self.automaton = None
        if keys:
            self.automaton = ahocorasick.Automaton()
            for n, key in enumerate(keys):
                self.automaton.add_word(key, n)
            self.automaton.make_automaton()
        self.key_ptr, self.key_pids = _csr(len(keys), ((n, p) for n, ps in enumerate(keys.values()) for p in ps))

    def item_pids(self, st: _Strings) -> tuple[np.ndarray, np.ndarray]:
        """Global pattern ids of each item (its form's and its lemma's): a CSR table
        ``(ptr, pids)`` with each item's ids sorted."""
        G = self.G
        if self.automaton is None or not st.joined:
            return np.zeros(st.n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
        found = np.array(list(self.automaton.iter(st.joined)), dtype=np.int64).reshape(-1, 2)
        at, pids = _gather(self.key_ptr, self.key_pids, found[:, 1])
        keys = np.unique(st.item[st.owners(found[at, 0])] * G + pids)
        return _ptr(keys // G, st.n), keys % G


@dataclass
class _Partition:
    """A partition's token table as the vectorised coder reads it."""

    sid: np.ndarray  # per token row: its sentence's row (non-decreasing)
    token: np.ndarray  # per token row: the token (original case)
    hits: np.ndarray  # keys row * G + global pattern id, sorted: each row's patterns
    coordinated: np.ndarray  # keys row * G + global pattern id that coordination adds
    G: int


def _partition(tokens: pd.DataFrame, bank: _Bank) -> _Partition:
    G = bank.G
    sid = tokens["sid"].to_numpy().astype(np.int64, copy=False)
    if len(sid) and (np.diff(sid) < 0).any():
        tokens = tokens.iloc[np.argsort(sid, kind="stable")]
        sid = tokens["sid"].to_numpy().astype(np.int64, copy=False)
    token = tokens["token"].to_numpy(dtype=object)
    lemma = tokens["lemma"].to_numpy(dtype=object)
    codes, own_types = None, False
    if "tid" in tokens.columns and len(token):  # token_table's own numbering of word types
        codes = tokens["tid"].to_numpy().astype(np.int64, copy=False)
        first = np.zeros(int(codes.max()) + 1, dtype=np.int64)
        first[codes] = np.arange(len(codes), dtype=np.int64)  # a row of each type
        probe = np.linspace(0, len(token) - 1, num=min(len(token), 1024), dtype=np.int64)
        own_types = bool((token[first[codes[probe]]] == token[probe]).all())
        if not own_types:
            codes = None  # not this table's numbering
    if codes is None:
        codes = pd.factorize(token)[0].astype(np.int64, copy=False)
        first = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
        first[codes] = np.arange(len(codes), dtype=np.int64)
    forms = (tokens["form"].to_numpy(dtype=object)[first] if "form" in tokens.columns and own_types
             else np.array([t.lower() for t in token[first].tolist()], dtype=object))
    k = len(forms)
    lemmas = lemma[first]  # clean.lemma of the token, a function of its lower-cased form
    st = _Strings.of(forms, lemmas)
    type_ptr, type_pids = bank.item_pids(st)
    rows, pids = _gather(type_ptr, type_pids, codes)
    hits = rows * G + pids
    # coordinated compounds: a form ending in a hyphen, then a coordinator, in one sentence
    hyphen = np.zeros(k, dtype=bool)
    found = st.find("-\x03", "–\x03")
    hyphen[found[found < k]] = True
    coordinator = np.zeros(k, dtype=bool)
    found = st.find(*(f"\x02{w}\x03" for w in sorted(coding.COORDINATORS)))
    coordinator[found[found < k]] = True
    n = len(codes)
    at = (np.flatnonzero(hyphen[codes[:-2]] & coordinator[codes[1:-1]] & (sid[2:] == sid[:-2]))
          if n > 2 else np.zeros(0, dtype=np.int64))
    coordinated = _coordinated(bank, token, at, hits)
    return _Partition(sid, token, hits, coordinated, G)


def _coordinated(bank: _Bank, token: np.ndarray, rows: np.ndarray, hits: np.ndarray) -> np.ndarray:
    """The global pattern ids that ``Matcher._coordinated`` adds at coordinated rows
    (a hyphen at ``i``, a coordinator at ``i + 1``): those of the modifier read with each
    head of the compound at ``i + 2``, less the compound's own; keys ``i * G + pid``."""
    G = bank.G
    index: dict[str, int] = {}
    owner, which = [], []
    for i in rows.tolist():
        stem, compound = token[i].lower().rstrip("-–"), token[i + 2].lower()
        for h in range(1, len(compound) - coding.MIN_HEAD + 1):
            owner.append(i)
            which.append(index.setdefault((stem + compound[h:]).lower(), len(index)))
    if not index:
        return np.zeros(0, dtype=np.int64)
    forms = np.array(list(index), dtype=object)
    lemmas = np.array([bank.lemma(f) for f in index], dtype=object)
    c_ptr, c_pids = bank.item_pids(_Strings.of(forms, lemmas))
    at, pids = _gather(c_ptr, c_pids, np.asarray(which, dtype=np.int64))
    keys = np.unique(np.asarray(owner, dtype=np.int64)[at] * G + pids)
    # less the compound's own patterns (those of row i + 2, read at row i)
    return keys[~_member(hits, keys + 2 * G)]


def _find(v: _Vec, part: _Partition, show: bool):
    """The rules of one matcher found in a partition, as ``Matcher.match_detail`` finds
    them sentence by sentence: arrays ``(token row, term)`` of each completed rule's
    first word and, with ``show``, the words matched as ``match_detail`` shows them."""
    P, T, G, N, sid, token = v.P, v.T, part.G, len(part.token), part.sid, part.token
    H = v.local(part.hits, G)  # (token row, pattern id), sorted
    extra = v.local(part.coordinated, G)
    shown = {i: f"{token[i]} … {token[i + 2]}" for i in np.unique(extra // P).tolist()}
    if len(extra):
        H = np.sort(np.concatenate([H, extra[~_member(H, extra)]]))
    rows, pids = H // P, H % P
    # rules starting at each row, unless the row matches one of their exclusions
    at, ti = _gather(v.start_ptr, v.start_terms, pids)
    r = rows[at]
    E = np.zeros(0, dtype=np.int64)
    if v.has_exclusions:
        ex_at, ex_ti = _gather(v.excl_ptr, v.excl_terms, pids)
        E = np.unique(rows[ex_at] * T + ex_ti)
        keep = ~_member(E, r * T + ti)
        r, ti = r[keep], ti[keep]
    nwords, near = v.nwords[ti], v.near[ti]
    ok = np.ones(len(r), dtype=bool)
    partner = np.full(len(r), -1, dtype=np.int64)
    # phrases: word k at row + k, in the same sentence
    phrase = np.flatnonzero((nwords > 1) & (near == 0))
    for k in range(1, v.words.shape[1]):
        sel = phrase[nwords[phrase] > k]
        if not len(sel):
            break
        j = r[sel] + k
        jj = np.where(j < N, j, 0)
        good = (j < N) & (sid[jj] == sid[r[sel]]) & _member(H, jj * P + v.words[ti[sel], k])
        ok[sel[~good]] = False
    # proximity: the second word, not excluded, within ``near`` rows of the same
    # sentence; the first such row is the one shown
    prox = np.flatnonzero(near > 0)
    if len(prox):
        pr, pt = r[prox], ti[prox]
        second, reach, sent = v.words[pt, 1], near[prox], sid[pr]
        lo = np.maximum(pr - reach, np.searchsorted(sid, sent, side="left"))
        hi = np.minimum(pr + reach, np.searchsorted(sid, sent, side="right") - 1)
        by_pattern = np.sort(pids * N + rows)  # (pattern id, row)
        at = np.searchsorted(by_pattern, second * N + lo)
        found = np.full(len(prox), -1, dtype=np.int64)
        todo = np.arange(len(prox), dtype=np.int64)
        while len(todo):  # the next row with the second word, until one qualifies
            j = by_pattern[np.minimum(at[todo], len(by_pattern) - 1)] - second[todo] * N
            inside = (at[todo] < len(by_pattern)) & (j <= hi[todo])  # a later pattern: j >= N
            todo, j = todo[inside], j[inside]
            skip = j == pr[todo]
            if v.has_exclusions:
                skip |= _member(E, j * T + pt[todo])
            found[todo[~skip]] = j[~skip]
            todo = todo[skip]
            at[todo] += 1
        ok[prox[found < 0]] = False
        partner[prox] = found
    r, ti, partner = r[ok], ti[ok], partner[ok]
    if not show:
        return r, ti, None

    def word(i: int) -> str:
        return shown.get(i, token[i])

    words = []
    for i, n, p in zip(r.tolist(), v.nwords[ti].tolist(), partner.tolist()):
        if p >= 0:
            words.append(f"{word(min(i, p))} … {word(max(i, p))}")
        elif n == 1:
            words.append(word(i))
        else:
            words.append(" ".join(word(i + k) for k in range(n)))
    return r, ti, words


def _by_sentence(v: _Vec, sid: np.ndarray, r: np.ndarray, ti: np.ndarray, words: list[str]) -> dict:
    """``{(sentence row, label): (rules, words)}``, each sorted, unique and ``; ``-joined
    as ``coding.code_sentence`` joins them."""
    groups: dict[tuple[int, str], tuple[set, set]] = {}
    terms = v.m.terms
    for s, t, w in zip(sid[r].tolist(), ti.tolist(), words):
        term = terms[t]
        g = groups.get((s, term.label))
        if g is None:
            g = groups[(s, term.label)] = (set(), set())
        g[0].add(term.text)
        g[1].add(w)
    return {k: (coding._joined(a), coding._joined(b)) for k, (a, b) in groups.items()}


def _bank(c: _Coder) -> _Bank | None:
    """The coder's matchers as one :class:`_Bank` (``None`` if one has lemmas of its own:
    the bank reads the token table's, ``clean.lemma``)."""
    if "bank" not in c.vectorised:
        matchers = {"codes": c.matcher, "not_with": c.blocker} | {("attribute", k): m for k, m in c.attributes.items()}
        ok = all(m.lemmatize is clean.lemma for m in matchers.values())
        c.vectorised["bank"] = _Bank(matchers) if ok else None
    return c.vectorised["bank"]


def find_labels(texts: Sequence[str], matcher: coding.Matcher) -> list[tuple[int, str]]:
    """``(i, label)`` for each label that ``matcher.match_detail(clean.tokenize(texts[i]))``
    finds, sorted: the vectorised coder over all ``texts`` at once (tokens by one split,
    each word type lemmatised once with the matcher's own lemmatiser, then the bank).
    ``texts`` are cleaned texts (``clean.normalise``), such as the segments' ``text``,
    tokenised as ``Matcher.match_detail``'s callers do (``clean.tokenize``)."""
    per_text = list(map(clean.tokenize, texts))
    toks = list(itertools.chain.from_iterable(per_text))
    which = np.repeat(np.arange(len(texts), dtype=np.int64), np.fromiter(map(len, per_text), np.int64, len(texts)))
    codes, forms, lemmas = _number_types(toks, matcher.lemmatize)
    tokens = pd.DataFrame({"sid": which, "token": np.array(toks, dtype=object), "lemma": lemmas[codes],
                           "tid": codes, "form": forms[codes]})
    bank = _Bank({"m": matcher}, lemma=matcher.lemmatize)
    part = _partition(tokens, bank)
    v = bank.vecs["m"]
    r, ti, _ = _find(v, part, show=False)
    pairs = np.unique(part.sid[r] * len(v.labels) + v.term_label[ti]) if len(r) else np.zeros(0, dtype=np.int64)
    return [(int(p) // len(v.labels), v.labels[int(p) % len(v.labels)]) for p in pairs]


def _code_table_vectorised(sentences: pd.DataFrame, tokens: pd.DataFrame,
                           c: _Coder) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`code_table` over the whole token table at once (see the notes above)."""
    bank = _bank(c)
    if bank is None:
        return _code_table_per_sentence(sentences, tokens, c)
    n = len(sentences)
    part = _partition(tokens, bank)
    sid = part.sid
    # codes and their not_with contexts
    v = bank.vecs["codes"]
    found = _by_sentence(v, sid, *_find(v, part, show=True))
    blocked = {}
    if found:
        b = bank.vecs["not_with"]
        blocked = _by_sentence(b, sid, *_find(b, part, show=True))
    rows, suppressed = [], []
    keys = sorted(found, key=lambda k: (k[0], c.order[k[1]]))
    at = [i for i, _ in keys]
    cols = {k: sentences[k].take(at).tolist() for k in ("file", "doc_id", "paragraph", "sentence", "start", "end")}
    for n_row, (i, code) in enumerate(keys):
        row = {k: col[n_row] for k, col in cols.items()} | {"_i": i, "code": code}
        row["rules"], row["matched"] = found[(i, code)]
        if (i, code) in blocked:
            row["suppressed_by"], row["suppressing_words"] = blocked[(i, code)]
            suppressed.append(row)
        else:
            rows.append(row)
    # context attributes: per sentence the labels found, sorted and "; "-joined
    attrs = {}
    for name in c.attributes:
        v = bank.vecs[("attribute", name)]
        values = np.full(n, c.defaults[name], dtype=object)
        r, ti, _ = _find(v, part, show=False)
        if len(r):
            L = len(v.labels)
            pairs = np.unique(sid[r] * L + v.term_label[ti])  # labels numbered in sorted order
            per: dict[int, list[str]] = {}
            for s, lab in zip((pairs // L).tolist(), (pairs % L).tolist()):
                per.setdefault(s, []).append(v.labels[lab])
            for s, labs in per.items():
                values[s] = "; ".join(labs)
        attrs[name] = values
    return _code_frames(rows, suppressed, attrs, sentences.index)


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
        tasks = [(_process_range, docs, *r) for r in docs.ranges(partition_size)]
    else:
        tasks = [(process_batch, p) for p in partitions(as_documents(docs), partition_size)]
    if not tasks:  # no documents: the tables, empty, with their columns
        tasks = [(process_batch, as_documents([]))]
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
