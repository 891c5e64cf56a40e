"""Reliability of coding and evaluation of the auto-coder against reference codings.

Reference codings are CSV files (``<corpus>/reference/<coder>.csv``, the file stem names
the coder) with the columns ``file, start, end, code, quote``: character offsets
(Python string indices into the raw file as :mod:`helpers.corpus` decodes it) and the
quoted text, which must equal ``raw[start:end]``. Every row is checked on load; an
error names the CSV file, its line (the header is line 1) and what to do.

Agreement is measured on *units* of the segmented corpus (``segments.csv``): paragraphs
(the raw blocks) or sentences. A unit carries a code for a coder when any of that
coder's spans with the code overlaps it (``span.start < unit.end`` and
``span.end > unit.start``), which gives one 0/1 matrix (units x codes) per coder.

Statistics (all for nominal data):

* :func:`krippendorff_alpha`: Krippendorff's alpha (our implementation of Krippendorff
  2011: the coincidence matrix, nominal, ordinal, interval or ratio), any number of
  coders, missing values allowed;
* :func:`cohen_kappa` and :func:`percent_agreement` for two coders;
* :func:`precision_recall_f1` for a prediction against a gold standard;
* :func:`bootstrap_alpha_ci`: a percentile bootstrap interval for alpha, resampling units.

Undefined statistics are ``NaN``, never a made-up number: alpha and kappa when the
data hold only one value (no variation, so chance agreement is total), precision when
nothing was predicted, recall when there is nothing to find. Every function is
deterministic; the bootstrap takes a seed.
"""

from __future__ import annotations

import difflib
import logging
import re
from itertools import combinations
from pathlib import Path
from typing import Iterable, Mapping, NamedTuple

import numpy as np
import numpy.typing as npt
import pandas as pd

from . import corpus as corpus_mod
from . import paths
from .decisions import AUTO_CODER
from .style import OKABE_ITO

log = logging.getLogger(__name__)

REFERENCE_COLUMNS = ["file", "start", "end", "code", "quote"]
SPAN_COLUMNS = ["coder", "file", "start", "end", "code", "quote"]
AGREEMENT_COLUMNS = ["code", "units", "decisions", "marked", "alpha", "kappa", "agreement"]
EVALUATION_COLUMNS = ["code", "gold", "auto", "tp", "fp", "fn", "precision", "recall", "f1", "alpha"]
# What notebook 03 writes to OUT (tables and the F1 figure)
OUTPUT_FILES = ("reliability_annotators.csv", "reliability_auto.csv", "reliability_per_code.csv",
                "reliability_disagreements.csv", "figures/f1_per_code.svg", "figures/f1_per_code.png")
_SPAN_CHUNK = 2048  # spans compared with a file's units at once (bounds memory)


class ReferenceCodingError(ValueError):
    """A problem in a reference coding file, naming the file, the line and what to do."""


# --------------------------------------------------------------------------- loading


read_raw_texts = corpus_mod.read_raw_texts  # kept here too: the notebooks load references with it


def remove_outputs(out: Path) -> list[str]:
    """Delete the reliability outputs (:data:`OUTPUT_FILES`) an earlier run left in the
    output folder ``out`` (on a corpus with reference codings), so that a corpus without
    any does not show stale figures; returns the names removed."""
    removed = [name for name in OUTPUT_FILES if (Path(out) / name).exists()]
    for name in removed:
        (Path(out) / name).unlink()
    return removed


def _short(text: str, limit: int = 60) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def load_reference(path: Path, raw_texts: Mapping[str, str], code_ids: Iterable[str]) -> pd.DataFrame:
    """Read and validate one reference coding CSV.

    ``path`` is a UTF-8 CSV (a byte-order mark is tolerated) with at least the columns
    ``file, start, end, code, quote``; the coder is the file's stem. ``raw_texts`` maps
    raw file names to their decoded texts (see :func:`read_raw_texts`) and ``code_ids``
    are the codebook's ids.

    Returns a table with ``coder, file, start, end, code, quote``, sorted by file,
    start, end and code. Raises :class:`ReferenceCodingError`, naming the CSV file and the
    line (header = line 1; a record spanning several lines is named by its first), for
    missing columns, a ragged row, a file not in ``raw_texts``, an offset that is not a
    whole number or out of range (``start < 0``, ``end > len(raw)``, ``start >= end``),
    an unknown code, or a quote that is not ``raw[start:end]``; and for a file named
    after the auto-coder (``auto-coder.csv``, any case), whose codings would be taken for
    the auto-coder's.
    """
    path = Path(path)
    name, coder = path.name, path.stem
    if coder.strip().casefold() == AUTO.casefold():
        raise ReferenceCodingError(
            f"{name}: a reference coder cannot be called {AUTO!r}, the auto-coder's name (its "
            "codings would replace or be mixed up with the auto-coder's in the agreement "
            "tables and project.qdpx). Rename the file after its coder, e.g. coder_C.csv."
        )
    codes = list(code_ids)
    known_codes = set(codes)
    try:
        reader = corpus_mod.csv_rows(path.read_bytes())
    except corpus_mod.NotUtf8 as exc:
        raise ReferenceCodingError(
            f"{name} line {exc.line}: not valid UTF-8 (byte {exc.start}). Re-save the file as UTF-8."
        ) from exc
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise ReferenceCodingError(
            f"{name} line 1: the file is empty. It needs the header {','.join(REFERENCE_COLUMNS)}."
        ) from None
    sep = corpus_mod.other_separator(header)
    if sep is not None:  # Excel's CSV with a Swedish locale: ';' between the fields
        raise ReferenceCodingError(corpus_mod.separator_message(f"{name} line 1", sep))
    missing = [c for c in REFERENCE_COLUMNS if c not in header]
    if missing:
        raise ReferenceCodingError(
            f"{name} line 1: missing column(s) {', '.join(missing)}; found {header}. "
            f"The header must name {','.join(REFERENCE_COLUMNS)}."
        )
    pos = {c: header.index(c) for c in REFERENCE_COLUMNS}

    rows: list[dict[str, object]] = []
    line = reader.line_num + 1
    for record in reader:
        where = f"{name} line {line}"
        line = reader.line_num + 1
        if not record or all(not f.strip() for f in record):
            continue  # blank line
        if len(record) != len(header):
            raise ReferenceCodingError(
                f"{where}: {len(record)} fields, but the header has {len(header)}. "
                "Put a quote that holds commas or line breaks in double quotes."
            )
        file = corpus_mod.row_file(where, record[pos["file"]], raw_texts, ReferenceCodingError)
        code = record[pos["code"]].strip()
        quote = record[pos["quote"]]
        raw = raw_texts[file]
        offsets = {}
        for col in ("start", "end"):
            value = record[pos[col]].strip()
            if (number := corpus_mod.whole_number(value)) is None:
                raise ReferenceCodingError(
                    f"{where}: {col} {value[:40]!r} is not a whole number (of at most 18 digits). Offsets are "
                    "character positions (Python string indices) into the raw file."
                )
            offsets[col] = number
        start, end = offsets["start"], offsets["end"]
        if start < 0:
            raise ReferenceCodingError(f"{where}: start {start} is negative. Offsets count from 0.")
        if end > len(raw):
            raise ReferenceCodingError(
                f"{where}: end {end} is past the end of {file} ({len(raw)} characters). "
                "Offsets count characters of the decoded text, not bytes."
            )
        if start >= end:
            raise ReferenceCodingError(
                f"{where}: start {start} is not before end {end}; a span must cover at "
                "least one character. Correct the offsets."
            )
        if code not in known_codes:
            hint = difflib.get_close_matches(code, codes, n=1)
            did = f"Did you mean {hint[0]!r}? " if hint else ""
            raise ReferenceCodingError(
                f"{where}: code {code!r} is not in the codebook. {did}"
                f"Use one of: {', '.join(codes)}."
            )
        if quote != raw[start:end]:
            raise ReferenceCodingError(
                f"{where}: the quote {_short(quote)} is not the text at {file}[{start}:{end}], "
                f"which is {_short(raw[start:end])}. Correct the offsets or the quote "
                "(offsets count characters of the UTF-8 decoded text, not bytes)."
            )
        rows.append({"coder": coder, "file": file, "start": start, "end": end, "code": code,
                     "quote": quote})
    return _spans_frame(rows)


def _spans_frame(rows: list[dict[str, object]] | pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=SPAN_COLUMNS)
    df = df.astype({"start": "int64", "end": "int64"})
    return df.sort_values(["coder", "file", "start", "end", "code"], kind="stable").reset_index(drop=True)


def _reference_files(folder: Path, suffix: str) -> list[Path]:
    """The files of ``folder`` (a corpus's ``reference/``) whose names end in ``suffix``
    (:func:`helpers.corpus.own_files`: a link is refused, as :class:`ReferenceCodingError`)."""
    return corpus_mod.own_files(folder, suffix, ReferenceCodingError, "the reference codings")


def load_references(folder: Path, raw_texts: Mapping[str, str], code_ids: Iterable[str]) -> pd.DataFrame:
    """Load every ``*.csv`` in ``folder`` (sorted by name) with :func:`load_reference`.

    Returns one table with the columns ``coder, file, start, end, code, quote``, sorted
    by coder, file, start, end and code; empty (with those columns) when the folder does
    not exist or holds no CSV files. A ``reference/`` folder or a CSV file that is a
    symbolic link is refused (:class:`ReferenceCodingError`, naming it).
    """
    folder = Path(folder)
    codes = list(code_ids)
    files = _reference_files(folder, ".csv")
    frames = [load_reference(p, raw_texts, codes) for p in files]
    if not frames:
        return _spans_frame([])
    return _spans_frame(pd.concat(frames, ignore_index=True))


# --------------------------------------------------------------------------- coverage

FILES_SUFFIX = ".files"  # reference/NAME.files: the raw files coder NAME read (one name a line)


def covered_files(folder: Path, raw_files: Iterable[str]) -> dict[str, list[str]]:
    """The files each reference coder says they read: ``reference/NAME.files`` (UTF-8, one
    raw file name a line, blank lines skipped; ``#`` at a line's start, or after white space,
    starts a comment, so a file named ``a#1.txt`` can be listed) for coder ``NAME``;
    sorted, by coder name. A coder without such a list is taken to have read every file
    (the default, as before). Raises :class:`ReferenceCodingError`, naming the list (as
    :func:`helpers.paths.display` shows it) and the line, for a file that is not in
    ``raw/``, a list without a ``NAME.csv`` beside it, a list that is a link (it could
    read a file from outside the corpus) and one that is not UTF-8."""
    folder = Path(folder)
    known = set(raw_files)
    covered: dict[str, list[str]] = {}
    for path in _reference_files(folder, FILES_SUFFIX):
        coder, shown = path.name[: -len(FILES_SUFFIX)], f"{paths.display(folder)}/{path.name}"
        if not (folder / f"{coder}.csv").is_file():
            raise ReferenceCodingError(f"{shown}: there is no {coder}.csv beside it; a {FILES_SUFFIX} list names the "
                                       f"files the coder of NAME.csv read. Rename it, or remove it.")
        data = path.read_bytes()
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data[:exc.start].count(b"\n") + 1
            raise ReferenceCodingError(f"{shown} line {line}: not UTF-8 (byte {data[exc.start]:#04x}). Save the "
                                       "list as UTF-8.") from None
        names = []
        for n, line in enumerate(text.splitlines(), 1):
            name = _FILES_COMMENT.split(line, 1)[0].strip()
            if not name:
                continue
            if name not in known:
                raise ReferenceCodingError(f"{shown} line {n}: {name!r} is not a file of raw/. Write a raw file's "
                                           "name as it is, one a line.")
            names.append(name)
        covered[coder] = sorted(set(names))
    return covered


_FILES_COMMENT = re.compile(r"(?:^|\s)#")  # a .files list's comment: '#' at the start or after white space


def scored_files(raw_files: Iterable[str], covered: Mapping[str, list[str]]) -> list[str]:
    """The files the reference codings are scored on: those every coder with a
    ``.files`` list read (:func:`covered_files`); every file when no coder has one.
    Raises :class:`ReferenceCodingError` when the lists share no file: nothing could be
    scored (an empty table said nothing of why)."""
    files = set(raw_files)
    for names in covered.values():
        files &= set(names)
    if covered and not files:
        raise ReferenceCodingError(
            f"the reference/*{FILES_SUFFIX} lists ({', '.join(f'{c}{FILES_SUFFIX}' for c in sorted(covered))}) share "
            "no file, so no file is scored: the scores compare coders on the files they all read. List the files "
            "each coder read, or leave out the list of a coder who read them all.")
    return sorted(files)


def uncoded_files(references: pd.DataFrame, raw_files: Iterable[str],
                  coders: Iterable[str] = ()) -> dict[str, list[str]]:
    """Per reference coder (sorted: those of ``references`` and ``coders``), the files of
    ``raw_files`` in which they coded nothing (sorted): an off-topic text left empty on
    purpose, or a file they never read. A coder of ``coders`` with no row in
    ``references`` coded nothing in any of them."""
    files = set(raw_files)
    done = {coder: set(group["file"]) for coder, group in references.groupby("coder", sort=True)}
    return {coder: sorted(files - done.get(coder, set())) for coder in sorted(set(done) | set(coders))}


def coverage_note(references: pd.DataFrame, raw_files: Iterable[str], covered: Mapping[str, list[str]]) -> str:
    """Plain text, a line per reference coder: in how many of the scored files (all of
    ``raw_files``, or those every ``.files`` list names) they coded nothing, naming them;
    with a warning when that is most of them (more than half): every paragraph of a file a
    coder never read would count as their "no code" and inflate agreement on "nothing"."""
    files = scored_files(raw_files, covered)
    lines = []
    coders = set(references["coder"]) | set(covered)  # a coder with no span in the scored files is named too
    for coder, empty in uncoded_files(references[references["file"].isin(files)], files, coders).items():
        listed = f" ({len(covered[coder])} files listed in {coder}{FILES_SUFFIX})" if coder in covered else ""
        if not empty:
            lines.append(f"{coder}: coded something in every one of the {len(files)} scored files{listed}.")
            continue
        lines.append(f"{coder}: coded nothing in {len(empty)} of the {len(files)} scored files{listed}: {', '.join(empty)}.")
        if 2 * len(empty) > len(files):
            lines.append(f"  ⚠ {coder} coded nothing in most files: if that is because they did not read them, every "
                         "paragraph there counts as their \"no code\" and the scores mean little. List the files "
                         f"they did read in reference/{coder}{FILES_SUFFIX} (one a line) and only those are scored.")
    return "\n".join(lines)


def restrict_to_covered(folder: Path, raw_files: Iterable[str], references: pd.DataFrame,
                        segments: pd.DataFrame) -> tuple[pd.DataFrame, str]:
    """The rows of ``segments`` in the files the reference codings are scored on (those
    every ``reference/NAME.files`` list of ``folder`` names: :func:`covered_files`,
    :func:`scored_files`), and the :func:`coverage_note` that says, per coder, where they
    coded nothing: what notebook 03 and ``make evaluate`` both score on and say."""
    raw_files = sorted(raw_files)
    covered = covered_files(folder, raw_files)
    return (covered_segments(segments, scored_files(raw_files, covered)),
            coverage_note(references, raw_files, covered))


def covered_segments(segments: pd.DataFrame, files: Iterable[str]) -> pd.DataFrame:
    """The rows of ``segments`` in the scored ``files`` (:func:`scored_files`)."""
    inside = segments["file"].isin(set(files))
    return segments if inside.all() else segments[inside].reset_index(drop=True)


# --------------------------------------------------------------------------- units


def _require(df: pd.DataFrame, columns: Iterable[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise ValueError(f"{what}: missing column(s) {missing}; found {list(df.columns)}.")


def _finish_units(units: pd.DataFrame) -> pd.DataFrame:
    units = units.sort_values(["file", "start"], kind="stable").reset_index(drop=True)
    units.index.name = "unit"
    return units


def paragraph_units(segments: pd.DataFrame) -> pd.DataFrame:
    """One unit per paragraph (raw block) of ``segments.csv``.

    Returns ``file, [doc_id,] paragraph, start, end, sentences``: the span runs from the
    first sentence's start to the last sentence's end, in raw offsets. Sorted by file
    and start; the index (named ``unit``) numbers the units from 0.
    """
    _require(segments, ["file", "paragraph", "start", "end"], "segments")
    spec: dict[str, tuple[str, str]] = {}
    if "doc_id" in segments.columns:
        spec["doc_id"] = ("doc_id", "first")
    spec |= {"start": ("start", "min"), "end": ("end", "max"), "sentences": ("start", "size")}
    units = segments.groupby(["file", "paragraph"], sort=True).agg(**spec).reset_index()
    cols = ["file"] + (["doc_id"] if "doc_id" in spec else []) + ["paragraph", "start", "end", "sentences"]
    return _finish_units(units[cols])


def sentence_units(segments: pd.DataFrame) -> pd.DataFrame:
    """One unit per sentence of ``segments.csv``: ``file, [doc_id,] paragraph, sentence,
    start, end``, sorted by file and start, index ``unit`` numbering them from 0."""
    _require(segments, ["file", "paragraph", "sentence", "start", "end"], "segments")
    cols = [c for c in ("file", "doc_id", "paragraph", "sentence", "start", "end") if c in segments.columns]
    return _finish_units(segments[cols].copy())


def unit_matrix(units: pd.DataFrame, spans: pd.DataFrame, code_ids: Iterable[str]) -> pd.DataFrame:
    """Which units carry which codes: a 0/1 table, rows = ``units`` (same index),
    columns = ``code_ids`` in the given order.

    A unit gets 1 for a code when any span with that code in the same file overlaps it:
    ``span.start < unit.end and span.end > unit.start`` (half-open intervals, so spans
    that only touch a unit do not count). ``spans`` needs ``file, start, end, code``
    (a reference coding, or ``coded.csv`` for the auto-coder). The overlap test is done
    with numpy per file, comparing a file's units with its spans in chunks. Spans that
    overlap no unit (e.g. on removed boilerplate) are logged as a warning, since they do
    not count. A code not in ``code_ids`` is an error.
    """
    _require(units, ["file", "start", "end"], "units")
    _require(spans, ["file", "start", "end", "code"], "spans")
    codes = list(code_ids)
    col = {c: i for i, c in enumerate(codes)}
    unknown = sorted(set(spans["code"]) - set(codes))
    if unknown:
        raise ValueError(f"spans use code(s) {unknown} that are not in code_ids {codes}.")
    out = np.zeros((len(units), len(codes)), dtype=np.int64)
    u_start = units["start"].to_numpy(dtype=np.int64)
    u_end = units["end"].to_numpy(dtype=np.int64)
    unit_rows = {f: np.asarray(ix) for f, ix in units.groupby("file", sort=True).indices.items()}
    lost = 0
    for file, sp in spans.groupby("file", sort=True):
        rows = unit_rows.get(file)
        if rows is None:
            lost += len(sp)
            continue
        us, ue = u_start[rows][:, None], u_end[rows][:, None]
        s_start = sp["start"].to_numpy(dtype=np.int64)
        s_end = sp["end"].to_numpy(dtype=np.int64)
        s_code = np.array([col[c] for c in sp["code"]], dtype=np.int64)
        hits = np.zeros((len(rows), len(codes)), dtype=np.int64)
        for lo in range(0, len(sp), _SPAN_CHUNK):
            sl = slice(lo, lo + _SPAN_CHUNK)
            overlap = (s_start[sl][None, :] < ue) & (s_end[sl][None, :] > us)  # units x spans
            onehot = np.zeros((overlap.shape[1], len(codes)), dtype=np.int64)
            onehot[np.arange(overlap.shape[1]), s_code[sl]] = 1
            hits += overlap.astype(np.int64) @ onehot
            lost += int((~overlap.any(axis=0)).sum())
        out[rows] = np.maximum(out[rows], (hits > 0).astype(np.int64))
    if lost:
        log.warning("%d span(s) overlap no unit and are not counted (e.g. they lie on removed "
                    "boilerplate or in a file without segments).", lost)
    return pd.DataFrame(out, index=units.index.copy(), columns=pd.Index(codes, name="code"))


def coded_matrix(units: pd.DataFrame, coded: pd.DataFrame, code_ids: Iterable[str]) -> pd.DataFrame:
    """:func:`unit_matrix` of the auto-coder's codes ``coded`` (``coded.csv``, or codes of
    its form, such as the keyword baseline's), counting only its spans in the files of
    ``units``: the files a coder did not read (:func:`scored_files`) are not scored, and
    their codes are no spans lost. (The auto-coder codes sentences only, so on every file
    of a run without ``.files`` lists this is every span.)"""
    spans = coded[["file", "start", "end", "code"]]
    inside = spans["file"].isin(set(units["file"]))
    return unit_matrix(units, spans if inside.all() else spans[inside], code_ids)


def coder_matrices(references: pd.DataFrame, units: pd.DataFrame,
                   code_ids: Iterable[str]) -> dict[str, pd.DataFrame]:
    """One :func:`unit_matrix` per coder of a :func:`load_references` table, by coder
    name in sorted order."""
    _require(references, ["coder"], "references")
    codes = list(code_ids)
    return {str(coder): unit_matrix(units, spans, codes)
            for coder, spans in references.groupby("coder", sort=True)}


# --------------------------------------------------------------------------- statistics


LEVELS_OF_MEASUREMENT = ("nominal", "ordinal", "interval", "ratio")


def _delta2(values: np.ndarray, marginals: np.ndarray, level: str) -> np.ndarray:
    """Krippendorff's squared difference of every pair of the (sorted) ``values``; for
    ordinal data by the ranks the marginal counts ``n_g`` give."""
    c, k = values[:, None], values[None, :]
    if level == "nominal":
        return (c != k).astype(float)
    if level == "interval":
        return (c - k) ** 2
    if level == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            out = ((c - k) / (c + k)) ** 2
        return np.nan_to_num(out)  # 0 and 0: no difference
    cum = np.cumsum(marginals)
    i, j = np.arange(len(values))[:, None], np.arange(len(values))[None, :]
    lo, hi = np.minimum(i, j), np.maximum(i, j)
    between = cum[hi] - cum[lo] + marginals[lo]  # sum of n_g for g from c to k
    return (between - (marginals[i] + marginals[j]) / 2) ** 2


def krippendorff_alpha(data: npt.ArrayLike, level: str = "nominal") -> float:
    """Krippendorff's alpha of reliability data, coders x units, numeric values with
    ``NaN`` for a missing value (Krippendorff 2011, "Computing Krippendorff's
    Alpha-Reliability"): each unit with ``m >= 2`` values adds ``1 / (m - 1)`` to the
    coincidence of every ordered pair of its values from different coders; then
    ``alpha = 1 - (n - 1) * sum(o_ck * d_ck) / sum(n_c * n_k * d_ck)`` with the squared
    difference ``d`` of the ``level`` (``nominal``, ``ordinal``, ``interval`` or
    ``ratio``). Units with fewer than two values cannot be paired and do not count.
    Returns ``NaN`` when alpha is undefined: no pairable unit, or only one value in the
    pairable data (no expected disagreement; e.g. a code nobody used)."""
    if level not in LEVELS_OF_MEASUREMENT:
        raise ValueError(f"level must be one of {LEVELS_OF_MEASUREMENT}, got {level!r}")
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"reliability data must be 2-D (coders x units), got shape {arr.shape}.")
    arr = arr[:, (~np.isnan(arr)).sum(axis=0) >= 2]
    values = np.unique(arr[~np.isnan(arr)])
    if values.size < 2:
        return float("nan")
    # counts[u, v]: how many coders gave unit u the value v
    index = np.searchsorted(values, np.where(np.isnan(arr), values[0], arr))
    counts = np.zeros((arr.shape[1], values.size))
    coders, units = np.nonzero(~np.isnan(arr))
    np.add.at(counts, (units, index[coders, units]), 1)
    weight = 1 / (counts.sum(axis=1) - 1)
    coincidence = counts.T @ (counts * weight[:, None]) - np.diag((counts * weight[:, None]).sum(axis=0))
    marginals = coincidence.sum(axis=1)
    n = marginals.sum()
    delta = _delta2(values, marginals, level)
    return float(alpha_from(n, (coincidence * delta).sum(), (np.outer(marginals, marginals) * delta).sum()))


def alpha_from(n: npt.ArrayLike, observed: npt.ArrayLike, expected: npt.ArrayLike) -> np.ndarray:
    """Krippendorff's α from its sums, element-wise: ``1 - (n - 1) * observed / expected``
    (``n`` pairable values; ``observed``, the coincidences weighted by the squared
    difference; ``expected``, the products of the marginals weighted alike); ``NaN`` where
    ``expected`` is 0 (one value only: α is undefined)."""
    n, observed, expected = np.asarray(n), np.asarray(observed), np.asarray(expected)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * observed / np.where(expected > 0, expected, 1), np.nan)


def _pairs(a: npt.ArrayLike, b: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Two label vectors of equal length with the pairs where either is missing dropped."""
    sa, sb = pd.Series(np.asarray(a, dtype=object)), pd.Series(np.asarray(b, dtype=object))
    if len(sa) != len(sb):
        raise ValueError(f"the two codings have different lengths ({len(sa)} and {len(sb)}).")
    keep = (~sa.isna() & ~sb.isna()).to_numpy()
    return sa.to_numpy()[keep], sb.to_numpy()[keep]


def percent_agreement(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Share of units (0..1) on which two coders give the same value.

    Pairs with a missing value (``NaN``/``None``) are left out; ``NaN`` if none is left.
    """
    xa, xb = _pairs(a, b)
    if len(xa) == 0:
        return float("nan")
    return float(np.mean(xa == xb))


def cohen_kappa(a: npt.ArrayLike, b: npt.ArrayLike) -> float:
    """Cohen's kappa for two coders and nominal values (any hashable labels).

    ``kappa = (p_o - p_e) / (1 - p_e)`` with ``p_o`` the observed agreement and ``p_e``
    the agreement expected from each coder's own distribution of values. Pairs with a
    missing value are left out. Returns ``NaN`` when it is undefined: no pairs, or
    ``p_e = 1`` (both coders gave one and the same value throughout, so agreement says
    nothing beyond chance).
    """
    xa, xb = _pairs(a, b)
    n = len(xa)
    if n == 0:
        return float("nan")
    codes, labels = pd.factorize(np.concatenate([xa, xb]))
    ca, cb = codes[:n], codes[n:]
    k = len(labels)
    p_o = float(np.mean(ca == cb))
    p_e = float(np.dot(np.bincount(ca, minlength=k), np.bincount(cb, minlength=k))) / (n * n)
    if p_e >= 1.0:
        return float("nan")
    return (p_o - p_e) / (1.0 - p_e)


class PRF(NamedTuple):
    """Precision, recall and F1 (each ``NaN`` when undefined)."""

    precision: float
    recall: float
    f1: float


def _binary(x: npt.ArrayLike, what: str) -> np.ndarray:
    arr = np.asarray(x, dtype=float).ravel()
    if not np.isin(arr, (0.0, 1.0)).all():
        raise ValueError(f"{what} must hold only 0 and 1 (no missing values).")
    return arr.astype(bool)


def precision_recall_f1(pred: npt.ArrayLike, gold: npt.ArrayLike) -> PRF:
    """Precision, recall and F1 of binary predictions against a binary gold standard.

    Zero denominators are not hidden as 0: precision is ``NaN`` when nothing was
    predicted (``tp + fp = 0``), recall is ``NaN`` when the gold standard has no
    positives (``tp + fn = 0``). F1 is ``2 tp / (2 tp + fp + fn)``, the harmonic mean of
    precision and recall where both are defined; it is ``NaN`` only when neither side
    has a positive, and 0 when one side has positives and they never meet.
    """
    p, g = _binary(pred, "pred"), _binary(gold, "gold")
    if len(p) != len(g):
        raise ValueError(f"pred and gold have different lengths ({len(p)} and {len(g)}).")
    tp, fp, fn = int((p & g).sum()), int((p & ~g).sum()), int((~p & g).sum())
    nan = float("nan")
    return PRF(tp / (tp + fp) if tp + fp else nan,
               tp / (tp + fn) if tp + fn else nan,
               2 * tp / (2 * tp + fp + fn) if tp + fp + fn else nan)


def _group_coincidences(arr: np.ndarray, members: list[np.ndarray]) -> np.ndarray:
    """Per group of units (``members``: the columns of each), the coincidence matrix of
    its pairable units as :func:`krippendorff_alpha` counts it, over the values of the
    whole of ``arr``: shape ``(groups, values, values)``."""
    present = ~np.isnan(arr)
    values = np.unique(arr[present])
    counts = np.zeros((arr.shape[1], max(values.size, 1)))
    coders, units = np.nonzero(present)
    np.add.at(counts, (units, np.searchsorted(values, arr[coders, units])), 1)
    m = counts.sum(axis=1)
    with np.errstate(divide="ignore"):
        weight = np.where(m >= 2, 1 / (m - 1), 0.0)
    weighted = counts * weight[:, None]
    per_unit = counts[:, :, None] * weighted[:, None, :]
    diagonal = np.arange(counts.shape[1])
    per_unit[:, diagonal, diagonal] -= weighted
    group = np.repeat(np.arange(len(members)), [len(g) for g in members])
    out = np.zeros((len(members),) + per_unit.shape[1:])
    np.add.at(out, group, per_unit[np.concatenate(members)])
    return out


def bootstrap_alpha_ci(data: npt.ArrayLike, n_boot: int = 1000, seed: int = 0, level: float = 0.95,
                       groups: npt.ArrayLike | None = None) -> tuple[float, float]:
    """Percentile bootstrap interval for nominal Krippendorff's alpha.

    Draws ``n_boot`` resamples of the units (columns of ``data``, coders x units) with
    replacement using ``np.random.default_rng(seed)``, takes each resample's α (the
    coincidences of each unit or group are counted once and summed per resample, so the
    value is :func:`krippendorff_alpha`'s on that resample without recomputing it) and
    returns the ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles. With ``groups`` (one label per column) whole groups
    are resampled instead, e.g. all codes of one paragraph when ``data`` pools
    paragraph x code decisions, which are not independent. Resamples where alpha is
    undefined are dropped; ``(NaN, NaN)`` if all are. Same seed, same interval.
    """
    arr = np.asarray(data, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"reliability data must be 2-D (coders x units), got shape {arr.shape}.")
    if not 0 < level < 1:
        raise ValueError(f"level must be between 0 and 1, got {level}.")
    rng = np.random.default_rng(seed)
    if groups is None:
        members = [np.array([j]) for j in range(arr.shape[1])]
    else:
        labels = np.asarray(groups)
        if labels.shape != (arr.shape[1],):
            raise ValueError(f"groups needs one label per unit ({arr.shape[1]}), got shape {labels.shape}.")
        _, inverse = np.unique(labels, return_inverse=True)
        order = np.argsort(inverse, kind="stable")
        members = np.split(order, np.cumsum(np.bincount(inverse))[:-1])
    if not members:
        return float("nan"), float("nan")
    # Each group's coincidences (Krippendorff's o_ck, summed over its units), once: a
    # resample's coincidence matrix is the sum of its groups', each as often as drawn.
    per_group = _group_coincidences(arr, members)
    g, v = per_group.shape[:2]
    flat = per_group.reshape(g, v * v)
    offdiag = 1.0 - np.eye(v)  # the nominal squared difference
    alphas = np.empty(n_boot)
    chunk = max(1, 2**22 // g)  # resamples at a time: blocks of at most 32 MB of draws
    for at in range(0, n_boot, chunk):
        draws = resample_counts(rng, g, min(chunk, n_boot - at))  # blocks draw what one call would
        coincidence = (draws @ flat).reshape(-1, v, v)
        marginals = coincidence.sum(axis=2)
        observed = (coincidence * offdiag).sum(axis=(1, 2))
        expected = (marginals[:, :, None] * marginals[:, None, :] * offdiag).sum(axis=(1, 2))
        alphas[at:at + chunk] = alpha_from(marginals.sum(axis=1), observed, expected)
    return percentile_interval(alphas, level)


def resample_counts(rng: np.random.Generator, units: int, n: int) -> np.ndarray:
    """``n`` bootstrap resamples of ``units`` units drawn with replacement from ``rng``,
    as weights: ``n x units``, how often each unit is drawn (none when either is 0). One
    resample after the other, so that calls in blocks on one generator draw what one call
    for all of them does: the bootstrap intervals here and in :mod:`helpers.evaluation`."""
    if not n or not units:
        return np.zeros((0, units), dtype=np.int64)
    picks = rng.integers(0, units, size=(n, units))
    return np.bincount((np.arange(n)[:, None] * units + picks).ravel(), minlength=n * units) \
        .reshape(n, units).astype(np.int64, copy=False)


def percentile_interval(estimates: np.ndarray, level: float) -> tuple[float, float]:
    """The ``(1 - level) / 2`` and ``(1 + level) / 2`` quantiles of the bootstrap
    ``estimates`` that are defined (``NaN`` ones dropped); ``(NaN, NaN)`` if none is."""
    estimates = estimates[np.isfinite(estimates)]
    if estimates.size == 0:
        return float("nan"), float("nan")
    tail = (1 - level) / 2
    low, high = np.quantile(estimates, [tail, 1 - tail])
    return float(low), float(high)


# --------------------------------------------------------------------------- tables


def _check_matrices(matrices: Mapping[str, pd.DataFrame], code_ids: Iterable[str] | None,
                    least: int = 2) -> tuple[list[str], list[str]]:
    names = sorted(matrices)
    if len(names) < least:
        raise ValueError(f"need at least {least} coders' matrices, got {names}.")
    first = matrices[names[0]]
    for n in names[1:]:
        m = matrices[n]
        if not (m.index.equals(first.index) and m.columns.equals(first.columns)):
            raise ValueError(f"the matrices of {names[0]!r} and {n!r} differ in their units or "
                             "codes; build them from the same units and code ids.")
    codes = list(first.columns) if code_ids is None else list(code_ids)
    absent = [c for c in codes if c not in first.columns]
    if absent:
        raise ValueError(f"code(s) {absent} are not columns of the matrices.")
    return names, codes


def _mean_finite(values: Iterable[float]) -> float:
    arr = np.asarray(list(values), dtype=float)
    arr = arr[np.isfinite(arr)]
    return float(arr.mean()) if arr.size else float("nan")


def _agreement_row(code: str, data: np.ndarray, units: int) -> dict[str, object]:
    pairs = list(combinations(range(data.shape[0]), 2))
    return {
        "code": code,
        "units": units,
        "decisions": data.shape[1],
        "marked": int((data == 1).any(axis=0).sum()),
        "alpha": krippendorff_alpha(data),
        "kappa": _mean_finite(cohen_kappa(data[i], data[j]) for i, j in pairs),
        "agreement": _mean_finite(percent_agreement(data[i], data[j]) for i, j in pairs),
    }


def agreement_table(matrices: Mapping[str, pd.DataFrame], code_ids: Iterable[str],
                    pooled: bool = True) -> pd.DataFrame:
    """Agreement between two or more coders, per code and overall.

    ``matrices`` maps coder names to 0/1 unit matrices (:func:`unit_matrix`) with the
    same index and columns. One row per code (in ``code_ids`` order) and, if
    ``pooled``, a last row ``overall`` that pools all units x codes decisions:

    ``units``      number of units;
    ``decisions``  values per coder compared (units; units x codes for ``overall``);
    ``marked``     decisions where at least one coder gave 1;
    ``alpha``      Krippendorff's alpha, nominal, all coders together;
    ``kappa``      Cohen's kappa; with more than two coders the mean over coder pairs
                   (Light's kappa), over the pairs where it is defined;
    ``agreement``  percent agreement (0..1); with more than two coders the pairwise mean.

    A code that no coder used has ``NaN`` alpha and kappa (no variation) and agreement 1.
    """
    names, codes = _check_matrices(matrices, code_ids)
    n_units = len(matrices[names[0]])
    rows = [_agreement_row(c, np.vstack([matrices[n][c].to_numpy(dtype=float) for n in names]), n_units)
            for c in codes]
    if pooled:
        data = np.vstack([matrices[n][codes].to_numpy(dtype=float).ravel() for n in names])
        rows.append(_agreement_row("overall", data, n_units))
    return pd.DataFrame(rows, columns=AGREEMENT_COLUMNS)


def pooled_data(matrices: Mapping[str, pd.DataFrame], code_ids: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """The reliability data of the ``overall`` row of :func:`agreement_table`: coders
    (sorted by name) x (unit, code) decisions, and the unit of each decision (to pass
    as ``groups`` to :func:`bootstrap_alpha_ci`)."""
    names, codes = _check_matrices(matrices, code_ids, least=1)
    first = matrices[names[0]]
    data = np.vstack([matrices[n][codes].to_numpy(dtype=float).ravel() for n in names])
    return data, np.repeat(np.arange(len(first)), len(codes))


def evaluate(auto: pd.DataFrame, gold: pd.DataFrame, code_ids: Iterable[str]) -> pd.DataFrame:
    """The auto-coder's unit matrix against a gold (reference) unit matrix.

    One row per code (in ``code_ids`` order) with ``gold`` and ``auto`` (units marked by
    each), ``tp, fp, fn``, ``precision, recall, f1`` (see :func:`precision_recall_f1`
    for the undefined cases) and ``alpha`` (nominal, the auto-coder and the gold
    standard as two coders). Then two summary rows:

    ``macro``  the mean over the codes that either side uses (``gold + auto > 0``),
               each column over the codes where it is defined (so macro precision
               averages over the codes the auto-coder predicted, macro recall over the
               codes in the gold standard);
    ``micro``  precision, recall and F1 from the summed counts, and alpha pooled over
               all units x codes decisions.
    """
    _, codes = _check_matrices({"auto": auto, "gold": gold}, code_ids)
    rows: list[dict[str, object]] = []
    for c in codes:
        a, g = auto[c].to_numpy(dtype=float), gold[c].to_numpy(dtype=float)
        prf = precision_recall_f1(a, g)
        rows.append({"code": c, "gold": int(g.sum()), "auto": int(a.sum()),
                     "tp": int(((a == 1) & (g == 1)).sum()), "fp": int(((a == 1) & (g == 0)).sum()),
                     "fn": int(((a == 0) & (g == 1)).sum()), **prf._asdict(),
                     "alpha": krippendorff_alpha(np.vstack([a, g]))})
    table = pd.DataFrame(rows, columns=EVALUATION_COLUMNS)
    used = table[(table["gold"] + table["auto"]) > 0]
    counts = {k: int(table[k].sum()) for k in ("gold", "auto", "tp", "fp", "fn")}
    macro = {"code": "macro", **counts,
             **{k: _mean_finite(used[k]) for k in ("precision", "recall", "f1", "alpha")}}
    a_all, g_all = auto[codes].to_numpy(dtype=float).ravel(), gold[codes].to_numpy(dtype=float).ravel()
    micro = {"code": "micro", **counts, **precision_recall_f1(a_all, g_all)._asdict(),
             "alpha": krippendorff_alpha(np.vstack([a_all, g_all]))}
    return pd.concat([table, pd.DataFrame([macro, micro], columns=EVALUATION_COLUMNS)], ignore_index=True)


def _unit_texts(units: pd.DataFrame, segments: pd.DataFrame) -> pd.Series:
    """The texts of the sentences that lie inside each unit, joined by a space."""
    texts = pd.Series("", index=units.index, dtype=object)
    seg = segments.sort_values(["file", "start"], kind="stable")
    by_file = {f: g for f, g in seg.groupby("file", sort=True)}
    for file, us in units.groupby("file", sort=True):
        g = by_file.get(file)
        if g is None:
            continue
        s_start, s_end = g["start"].to_numpy(), g["end"].to_numpy()
        s_text = g["text"].to_numpy(dtype=object)
        for ix, start, end in zip(us.index, us["start"].to_numpy(), us["end"].to_numpy()):
            lo, hi = np.searchsorted(s_start, start, "left"), np.searchsorted(s_start, end, "left")
            inside = [t for t, e in zip(s_text[lo:hi], s_end[lo:hi]) if e <= end]
            texts[ix] = " ".join(inside)
    return texts


def disagreements(matrices: Mapping[str, pd.DataFrame], units: pd.DataFrame,
                  segments: pd.DataFrame) -> pd.DataFrame:
    """Every unit x code on which the coders differ, to read and discuss.

    Returns the unit's columns (``file, ..., start, end``), ``code``, ``marked_by`` and
    ``not_marked_by`` (coder names, sorted, joined by ``"; "``; a coder with a missing
    value is in neither) and ``text``: the unit's sentences from ``segments`` joined by
    a space. Sorted by file, start and code.
    """
    names, codes = _check_matrices(matrices, None)
    _require(segments, ["file", "start", "end", "text"], "segments")
    if not matrices[names[0]].index.equals(units.index):
        raise ValueError("the matrices' index is not the units' index; build them from these units.")
    stack = np.stack([matrices[n][codes].to_numpy(dtype=float) for n in names])  # coders x units x codes
    differ = (stack == 1).any(axis=0) & (stack == 0).any(axis=0)
    u_pos, c_pos = np.nonzero(differ)
    unit_cols = list(units.columns)
    out = units.iloc[u_pos].reset_index()
    out["code"] = [codes[j] for j in c_pos]
    out["marked_by"] = ["; ".join(n for k, n in enumerate(names) if stack[k, i, j] == 1)
                        for i, j in zip(u_pos, c_pos)]
    out["not_marked_by"] = ["; ".join(n for k, n in enumerate(names) if stack[k, i, j] == 0)
                            for i, j in zip(u_pos, c_pos)]
    picked = units.iloc[np.unique(u_pos)] if len(u_pos) else units.iloc[:0]
    texts = _unit_texts(picked, segments)
    out["text"] = [texts[ix] for ix in out[units.index.name or "index"]] if len(out) else []
    out = out.sort_values(["file", "start", "code"], kind="stable").reset_index(drop=True)
    return out[unit_cols + ["code", "marked_by", "not_marked_by", "text"]]


# --------------------------------------------------------------------------- the notebook's view

AUTO = AUTO_CODER  # the auto-coder as a coder of the agreement tables
LEVELS = ("paragraph", "sentence")


def units_at(level: str, segments: pd.DataFrame) -> pd.DataFrame:
    """The units of a level (``paragraph`` or ``sentence``)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    return paragraph_units(segments) if level == "paragraph" else sentence_units(segments)


def annotator_agreement(references: pd.DataFrame, segments: pd.DataFrame, code_ids: list[str],
                        n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """Agreement between the reference coders at each level: the ``overall`` row of
    :func:`agreement_table` (alpha, kappa, percent agreement) with a bootstrap 95%
    interval for alpha (whole units resampled)."""
    rows = []
    for level in LEVELS:
        units = units_at(level, segments)
        mats = coder_matrices(references, units, code_ids)
        overall = agreement_table(mats, code_ids).iloc[-1]
        data, groups = pooled_data(mats, code_ids)
        low, high = bootstrap_alpha_ci(data, n_boot=n_boot, seed=seed, groups=groups)
        rows.append({"level": level, "coders": " × ".join(sorted(mats)), "units": int(overall["units"]),
                     "alpha": overall["alpha"], "alpha 95% CI": f"{low:.3f}–{high:.3f}",
                     "kappa": overall["kappa"], "agreement": overall["agreement"]})
    return pd.DataFrame(rows)


ALPHA_FIRM = 0.80  # Krippendorff (2004): α from which conclusions may be drawn
ALPHA_TENTATIVE = 0.667  # and from which tentative ones, no lower


def alpha_verdict(alpha: float, low: float | None = None) -> str:
    """Which of the house thresholds (``ALPHA_FIRM`` 0.80, ``ALPHA_TENTATIVE`` 0.667,
    Krippendorff 2004) an α reaches, in words. With ``low``, the lower end of its 95%
    interval, a threshold supports conclusions only when the interval stays at or above it
    too: Krippendorff asks that the chance of the true α being below the threshold be small,
    not only that the estimate reach it. Without ``low`` (or with NaN) the α alone is read."""
    if not np.isfinite(alpha):
        return "no α (too few coded units)"
    if alpha < ALPHA_TENTATIVE:
        return f"below {ALPHA_TENTATIVE:.3f}, too low even for tentative conclusions"
    firm = alpha >= ALPHA_FIRM
    reached = f"reaches {ALPHA_FIRM:.2f}" if firm else f"lies between {ALPHA_TENTATIVE:.3f} and {ALPHA_FIRM:.2f}"
    # the level both the α and its interval reach (a percentile interval's lower end may lie above the α)
    sure = min(alpha, low) if low is not None and np.isfinite(low) else alpha
    if sure >= ALPHA_FIRM:
        return f"{reached}, enough for firm conclusions"
    if sure >= ALPHA_TENTATIVE:
        below = f", but its 95% interval dips below {ALPHA_FIRM:.2f}" if firm else ""
        return f"{reached}{below}: tentative conclusions only"
    return (f"{reached}, {'but' if firm else 'and'} its 95% interval dips below {ALPHA_TENTATIVE:.3f}: too uncertain "
            "even for tentative conclusions")


def auto_vs_references(references: pd.DataFrame, segments: pd.DataFrame, coded: pd.DataFrame,
                       code_ids: list[str], n_boot: int = 1000, seed: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The auto-coder against each reference coder at each level.

    Returns ``(summary, per_code)``: ``summary`` has one row per level and coder with
    macro precision, recall and F1, and alpha pooled over units × codes (the auto-coder
    and the reference as two coders) with a bootstrap 95% interval; ``per_code`` has
    the paragraph-level F1 and alpha of each code against each coder.
    """
    summary, per_code = [], []
    for level in LEVELS:
        units = units_at(level, segments)
        mats = coder_matrices(references, units, code_ids)
        auto = coded_matrix(units, coded, code_ids)
        for coder in sorted(mats):
            ev = evaluate(auto, mats[coder], code_ids).set_index("code")
            data, groups = pooled_data({AUTO: auto, coder: mats[coder]}, code_ids)
            low, high = bootstrap_alpha_ci(data, n_boot=n_boot, seed=seed, groups=groups)
            summary.append({"level": level, "reference": coder,
                            "macro precision": ev.loc["macro", "precision"],
                            "macro recall": ev.loc["macro", "recall"], "macro F1": ev.loc["macro", "f1"],
                            "alpha": ev.loc["micro", "alpha"], "alpha 95% CI": f"{low:.3f}–{high:.3f}"})
            if level == "paragraph":
                for c in code_ids:
                    per_code.append({"code": c, "reference": coder, "F1": ev.loc[c, "f1"],
                                     "alpha": ev.loc[c, "alpha"], "reference units": int(ev.loc[c, "gold"]),
                                     "auto units": int(ev.loc[c, "auto"])})
    table = pd.DataFrame(per_code)
    if len(table):
        table = table.pivot(index="code", columns="reference").reindex(code_ids)
        table.columns = [f"{a} ({b})" for a, b in table.columns]
    return pd.DataFrame(summary), table


def auto_disagreements(references: pd.DataFrame, segments: pd.DataFrame, coded: pd.DataFrame,
                       code_ids: list[str], level: str = "paragraph") -> pd.DataFrame:
    """Every unit × code where the auto-coder and the reference coders do not all agree,
    with the unit's text and who marked it: the list to read when refining the rules."""
    units = units_at(level, segments)
    mats = coder_matrices(references, units, code_ids)
    mats[AUTO] = coded_matrix(units, coded, code_ids)
    return disagreements(mats, units, segments)


def f1_figure(per_code: pd.DataFrame, title: str):
    """Per-code F1 of the auto-coder against each reference coder (horizontal bars)."""
    from matplotlib.figure import Figure

    cols = [c for c in per_code.columns if c.startswith("F1 (")]
    fig = Figure(figsize=(6.5, 0.9 + 0.32 * len(per_code)))
    ax = fig.subplots()
    height = 0.8 / max(len(cols), 1)
    for k, col in enumerate(cols):
        y = np.arange(len(per_code)) + (k - (len(cols) - 1) / 2) * height
        ax.barh(y, per_code[col].fillna(0), height=height, color=OKABE_ITO[k % len(OKABE_ITO)],
                label=col.removeprefix("F1 (").removesuffix(")"))
    ax.set_yticks(range(len(per_code)), per_code.index)
    ax.invert_yaxis()
    ax.set_xlim(0, 1)
    ax.axvline(0.8, color="grey", linestyle="--", linewidth=0.8)
    ax.set_xlabel("F1 per paragraph (0–1; dashed line: 0.8)")
    ax.set_ylabel("code")
    ax.set_title(title, loc="left")
    ax.legend(title="reference coder", loc="upper left", bbox_to_anchor=(1.01, 1), frameon=False)
    fig.tight_layout()
    return fig
