"""Reviewing the auto-coder on a corpus: a sample to read, a sheet to fill, estimates to trust.

The loop (``make review``, ``python -m helpers.review``; README, "Reviewing the
auto-coder on your corpus"):

1. :func:`draw_sample`: a seeded, stratified random sample of coded sentences, one
   stratum per code (:data:`PER_CODE` per code, or all when fewer), plus a sample of
   *near misses* per code (:data:`NEAR_MISS_PER_CODE`): sentences the auto-coder did not
   give that code although they hold evidence for it (:func:`near_misses`).
2. :func:`write_sheet` writes the sample as ``review.xlsx`` (the sentence, its context,
   the code's definition and "not when", the rules and words that fired, and columns
   ``decision`` (correct / wrong / unsure), ``note`` and ``reviewer``), and
   :func:`export_project` as a REFI-QDA project ``review.qdpx`` in which each item is a
   selection coded with the code to review (keep it: correct; delete the coding or the
   selection: wrong; recode it: wrong for the old code, correct for the new one; add a
   code named ``unsure``: unsure; a near miss left as it is is not reviewed, add a code
   named ``missed`` to say the code applies).
3. :func:`read_sheet` and :func:`import_project` bring either back as decisions, which
   :func:`save_decisions` writes as a new ``CORPUS/review/<name>.csv`` (never replacing
   one): the form :mod:`helpers.decisions` validates and the pipeline's correction layer
   reads.
4. :func:`precision_table`: per code, precision with a Wilson interval, the near-miss
   rate and an estimate of recall where the near-miss sample supports one, and pooled
   rows (all codes, each family) weighted for the stratified design
   (:func:`stratified`); :func:`reviewer_agreement`: Krippendorff's α between reviewers.
5. :func:`validation_note` and :func:`mark_low_precision`: what the findings say about
   how far to trust the codes.
6. :func:`false_positive_rules` and :func:`missing_words`: suggestions for the codebook,
   listed for a human to weigh, never applied.

What a sample item is: one sentence (``file, start, end`` of ``segments.csv``) and one
code. "correct" means the code applies to the sentence, whether the auto-coder gave it
(coded stratum) or not (near-miss stratum).
"""

from __future__ import annotations

import argparse
import datetime
import math
import re
import shlex
import sys
import tempfile
import zipfile
import zlib
from io import BytesIO
from pathlib import Path
from statistics import NormalDist
from typing import Iterable, Mapping

import numpy as np
import pandas as pd

from . import clean, coding, decisions, evaluation, io, markup, paths, pipeline, refi, reliability
from .corpus import load_study, own_files, read_raw_texts
from .findings import LOW_MARK  # the mark; figures keep it whole when they shorten a label
from .matcher import NEAR, Term

PER_CODE = 20  # coded sentences sampled per code (all when a code has fewer)
NEAR_MISS_PER_CODE = 10  # near misses sampled per code (all when fewer)
SEED = 17
LEVEL = 0.95
LOW_PRECISION = 0.7  # a code whose precision the reviews put below this is marked in the findings
MIN_DECIDED = 10  # decided items (correct or wrong) from which a code's estimate below LOW_PRECISION marks it
SAMPLE_FILE = "review/sample.csv"
SHEET_FILE = "review/review.xlsx"
PROJECT_FILE = "review/review.qdpx"
SAMPLE_USER = "review sample"  # the user of the coded items' selections in review.qdpx
NEAR_MISS_USER = "review near misses"  # the user of the near misses' selections
UNSURE_CODE = "unsure"  # a code a reviewer adds in a QDA tool to say "unsure"
MISSED_CODE = "missed"  # a code a reviewer adds to a near miss in a QDA tool to say "the code applies"
SAMPLE_COLUMNS = ["item", "stratum", "file", "doc_id", "start", "end", "code", "rules", "matched", "evidence",
                  "text", "context"]
SHEET_COLUMNS = ["item", "stratum", "code", "code name", "definition", "not when", "sentence", "context",
                 "rules fired", "words matched", "near-miss evidence", "decision", "note", "reviewer", "file",
                 "start", "end"]
PRECISION_COLUMNS = ["code", "family", "coded", "reviewed", "correct", "wrong", "unsure", "precision",
                     "precision low", "precision high", "near misses", "near misses reviewed", "missed",
                     "recall", "recall low", "recall high"]
_MIN_STEM = 4  # a word of a longer rule becomes a near-miss rule of its own if its stem is this long


class ReviewError(ValueError):
    """A review sheet or project that cannot be read back, naming the file, the row and what to do."""


# --------------------------------------------------------------------------- intervals


def wilson(k: float, n: float, level: float = LEVEL) -> tuple[float, float]:
    """The Wilson score interval of a proportion ``k / n`` (Wilson 1927; Newcombe 1998,
    method 3), for a whole or an effective ``n``; ``(nan, nan)`` when ``n`` is 0. The
    normal quantile is the standard library's (:class:`statistics.NormalDist`)."""
    if n <= 0:
        return (math.nan, math.nan)
    z = NormalDist().inv_cdf(1 - (1 - level) / 2)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def stratified(population: Iterable[float], reviewed: Iterable[float], correct: Iterable[float],
               level: float = LEVEL) -> tuple[float, float, float, float]:
    """A proportion pooled over strata sampled separately: ``(p, low, high, n_eff)``.

    Stratum ``h`` has ``N_h`` units (``population``), ``n_h`` of them reviewed at random
    and ``k_h`` found correct. Strata with no review are left out (the estimate covers the
    reviewed strata, weighted among themselves). The estimate weights each stratum by its
    share of the units, ``p = sum W_h p_h`` with ``W_h = N_h / N``, not by its share of
    the sample (which would let a small code sampled whole count like a large one). Its
    variance, with the finite-population correction, is
    ``v = sum W_h^2 (1 - n_h/N_h) p_h (1 - p_h) / (n_h - 1)`` (Cochran 1977, 5.3; a stratum
    of one reviewed unit adds nothing). The interval is Wilson's at the effective sample
    size ``n_eff = p (1 - p) / v`` (Korn & Graubard 1998), at most the number reviewed; when
    ``v`` is 0 the number reviewed."""
    N, n, k = (np.asarray(list(x), dtype=float) for x in (population, reviewed, correct))
    keep = n > 0
    N, n, k = N[keep], n[keep], k[keep]
    if not len(n):
        return (math.nan, math.nan, math.nan, 0.0)
    W = N / N.sum()
    p_h = k / n
    p = float((W * p_h).sum())
    fpc = np.clip(1 - n / np.maximum(N, n), 0, 1)
    v = float((W ** 2 * fpc * p_h * (1 - p_h) / np.maximum(n - 1, 1)).sum())
    total = float(n.sum())
    n_eff = min(total, p * (1 - p) / v) if v > 0 else total
    low, high = wilson(p * n_eff, n_eff, level)
    return (p, low, high, n_eff)


# --------------------------------------------------------------------------- the sample


def near_miss_codebook(codebook: coding.Codebook) -> coding.Codebook | None:
    """The codebook's looser twin: for each code, every word of its phrase and proximity
    rules (``peta* i``, ``mål ~3 indikator*``) whose stem has at least four letters and is
    not a stop word becomes a rule of its own; ``not_with`` is dropped, ``exclude``, the
    kinds of text not coded and the ``scope`` are kept (what the scope leaves out is logged
    as suppressed, and :func:`near_misses` takes it with the reason). ``None`` when no code has such words."""
    stop = clean.stopwords()
    loose = []
    for code in codebook.codes:
        words: list[str] = []
        for term in code.terms:
            parts = term.lower().split()
            if len(parts) == 3 and NEAR.fullmatch(parts[1]):
                parts = [parts[0], parts[2]]
            if len(parts) < 2:
                continue
            words += [w for w in parts if len(w.strip("*")) >= _MIN_STEM and w.strip("*") not in stop]
        if words:
            loose.append(code.model_copy(update={"terms": sorted(set(words)), "not_with": [], "examples": []}))
    if not loose:
        return None
    return codebook.model_copy(update={"codes": loose})


def near_misses(segments: pd.DataFrame, coded: pd.DataFrame, suppressed: pd.DataFrame,
                codebook: coding.Codebook) -> pd.DataFrame:
    """Sentences and codes the auto-coder did not give although the sentence holds
    evidence for the code: a hit its ``not_with`` context cancelled, or one in a document
    outside the codebook's ``scope`` (both in ``suppressed.csv``),
    or a hit of :func:`near_miss_codebook` (one word of a longer rule), in a document outside
    the scope too (its evidence then says so). One row per
    sentence and code: ``file, doc_id, start, end, code, rules, matched, evidence``, in
    the contract's order and codebook order. This is the population the near-miss sample
    is drawn from."""
    cols = ["file", "doc_id", "start", "end", "code", "rules", "matched", "evidence"]
    found = []
    if len(suppressed):
        by = suppressed["suppressed_by"]
        s = suppressed.assign(evidence=by.where(by.str.startswith(coding.SCOPE_REASON), "cancelled by not_with: " + by))
        found.append(s[cols])
    loose = near_miss_codebook(codebook)
    if loose is not None and len(segments):
        hits, out_of_scope, _ = coding.code_segments(segments, loose)
        found.append(hits.assign(evidence="a word of a longer rule")[cols])
        if len(out_of_scope):  # the loose codebook has no not_with: what it suppressed, the scope did
            why = out_of_scope["suppressed_by"]
            found.append(out_of_scope.assign(evidence="a word of a longer rule, " + why)[cols])
    if not found:
        return pd.DataFrame(columns=cols).astype({"start": "int64", "end": "int64"})
    rows = pd.concat(found, ignore_index=True).astype({"start": "int64", "end": "int64"})
    rows = rows.drop_duplicates(["file", "start", "end", "code"], keep="first")
    done = coded[["file", "start", "end", "code"]].astype({"start": "int64", "end": "int64"})
    rows = rows.merge(done, how="left", on=["file", "start", "end", "code"], indicator=True)
    rows = rows[rows["_merge"] == "left_only"].drop(columns="_merge")
    return codebook.in_code_order(rows, by=["file", "start"])[cols]


def _pick(rows: pd.DataFrame, size: int, seed: int, code: str, stratum: str) -> pd.DataFrame:
    """``size`` rows (all when fewer) drawn without replacement by a generator seeded with
    the seed, the code and the stratum, so one code's sample does not move when another
    code's sentences change."""
    if len(rows) <= size:
        return rows
    rng = np.random.default_rng([seed, zlib.crc32(code.encode()), zlib.crc32(stratum.encode())])
    return rows.iloc[np.sort(rng.choice(len(rows), size=size, replace=False))]


def _context(segments: pd.DataFrame) -> pd.Series:
    """Per sentence, the sentence before and after it in its file, ``…``-joined."""
    seg = segments.sort_values(["file", "start"], kind="stable")
    prev = seg.groupby("file")["text"].shift(1).fillna("")
    nxt = seg.groupby("file")["text"].shift(-1).fillna("")
    return (prev + " ⟦…⟧ " + nxt).str.strip().reindex(segments.index)


def draw_sample(segments: pd.DataFrame, coded: pd.DataFrame, near: pd.DataFrame, codebook: coding.Codebook,
                per_code: int = PER_CODE, near_miss: int = NEAR_MISS_PER_CODE, seed: int = SEED) -> pd.DataFrame:
    """The review sample: per code, ``per_code`` of its coded sentences and ``near_miss``
    of its near misses (:func:`near_misses`), each a simple random sample without
    replacement (all when fewer), seeded. Columns :data:`SAMPLE_COLUMNS`; ``item``
    numbers the rows from 1 in codebook order, coded before near misses, then by file
    and offset; ``context`` is the sentence before and the one after."""
    if per_code < 0 or near_miss < 0:
        raise ValueError("sample sizes must be whole numbers from 0")
    parts = []
    key = coded[["file", "start", "end", "code", "doc_id", "rules", "matched"]].astype({"start": "int64", "end": "int64"})
    for code in codebook.ids:
        mine = key[key["code"] == code].sort_values(["file", "start"], kind="stable")
        parts.append(_pick(mine, per_code, seed, code, "coded").assign(stratum="coded", evidence=""))
        theirs = near[near["code"] == code].sort_values(["file", "start"], kind="stable")
        parts.append(_pick(theirs, near_miss, seed, code, "near miss").assign(stratum="near miss"))
    sample = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=SAMPLE_COLUMNS)
    seg = segments.assign(context=_context(segments))[["file", "start", "end", "text", "context"]]
    sample = sample.merge(seg.astype({"start": "int64", "end": "int64"}), how="left", on=["file", "start", "end"])
    sample["item"] = np.arange(1, len(sample) + 1)
    return sample[SAMPLE_COLUMNS].fillna("")


def sample_for(run: pipeline.Run, per_code: int = PER_CODE, near_miss: int = NEAR_MISS_PER_CODE,
               seed: int = SEED) -> pd.DataFrame:
    """:func:`draw_sample` on a run's tables."""
    segments, _ = pipeline.segments(run)
    coded, suppressed = pipeline.coded(run), pipeline.suppressed(run)
    codebook = coding.codebook_for(run.corpus)
    return draw_sample(segments, coded, near_misses(segments, coded, suppressed, codebook), codebook,
                       per_code, near_miss, seed)


# --------------------------------------------------------------------------- the sheet


def sheet_table(sample: pd.DataFrame, codebook: coding.Codebook) -> pd.DataFrame:
    """The review sheet's rows (:data:`SHEET_COLUMNS`): each item with its code's name,
    definition and "not when", and empty ``decision``, ``note`` and ``reviewer``."""
    code = {c.id: c for c in codebook.codes}
    return pd.DataFrame({
        "item": sample["item"].astype(int), "stratum": sample["stratum"], "code": sample["code"],
        "code name": [code[c].name_en for c in sample["code"]],
        "definition": [f"{code[c].definition} Use when: {code[c].use_when}" for c in sample["code"]],
        "not when": [code[c].not_when for c in sample["code"]],
        "sentence": sample["text"], "context": sample["context"], "rules fired": sample["rules"],
        "words matched": sample["matched"], "near-miss evidence": sample["evidence"],
        "decision": "", "note": "", "reviewer": "", "file": sample["file"],
        "start": sample["start"].astype(int), "end": sample["end"].astype(int)}, columns=SHEET_COLUMNS)


HOW_TO = (
    "How to review: read each sentence (and its context) and decide whether the code applies to it, by the "
    "code's definition and 'not when'. Write correct, wrong or unsure in the column 'decision' (a list offers "
    "them), a note if you like, and your name in 'reviewer' (or give it on the command line). "
    "Items of stratum 'coded' carry the code from the auto-coder; 'correct' confirms it, 'wrong' rejects it. "
    "Items of stratum 'near miss' did not get the code; 'correct' says the auto-coder missed it. "
    "Leave 'decision' empty for an item you did not review. Do not change the columns item, code, file, start, "
    "end. Then: make review-import CORPUS=<the corpus folder> OUT=<the output folder> (the same as for make "
    "review) FILE=this-file REVIEWER=you (README: Reviewing the auto-coder on your corpus).")


def write_sheet(path: str | Path, sample: pd.DataFrame, codebook: coding.Codebook) -> Path:
    """Write the review sheet as ``.xlsx`` (sheets ``review`` and ``how to``), atomically
    and deterministically (fixed document dates). Every text cell is written as text: a
    value a spreadsheet would run as a formula gets the leading apostrophe of
    :func:`helpers.io.spreadsheet_safe` and is stored as a string, never a formula; a
    control character XML cannot hold is shown as U+FFFD (:func:`sheet_text`)."""
    from openpyxl import Workbook  # here, not at the top: the notebooks import this module and write no sheet
    from openpyxl.worksheet.datavalidation import DataValidation

    table = io.spreadsheet_safe(sheet_table(sample, codebook))
    wb = Workbook()
    ws = wb.active
    ws.title = "review"
    ws.append(SHEET_COLUMNS)
    for row in table.itertuples(index=False):
        ws.append([None] * len(SHEET_COLUMNS))
        r = ws.max_row
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c)
            if isinstance(value, (int, np.integer)):
                cell.value = int(value)
            else:
                cell.value = sheet_text(value)
                cell.data_type = "s"  # text, never a formula
    choice = DataValidation(type="list", formula1='"correct,wrong,unsure"', allow_blank=True)
    ws.add_data_validation(choice)
    col = SHEET_COLUMNS.index("decision") + 1
    letter = ws.cell(row=1, column=col).column_letter
    if len(table):
        choice.add(f"{letter}2:{letter}{len(table) + 1}")
    ws.freeze_panes = "A2"
    for name, width in (("sentence", 80), ("context", 60), ("definition", 50), ("not when", 30), ("note", 30)):
        ws.column_dimensions[ws.cell(row=1, column=SHEET_COLUMNS.index(name) + 1).column_letter].width = width
    about = wb.create_sheet("how to")
    about["A1"] = HOW_TO
    about["A1"].data_type = "s"
    wb.properties.created = _FIXED_DATE  # "modified" openpyxl sets when saving: _fixed_zip puts this date back
    wb.properties.creator = "kvalitext (helpers.review)"
    buf = BytesIO()
    wb.save(buf)
    return io.write_bytes(path, _fixed_zip(buf.getvalue()))


def sheet_text(value: object) -> str:
    """A value as a sheet's cell holds it: text, each control character XML cannot carry
    (which openpyxl refuses) shown as U+FFFD."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("\ufffd", str(value))


# openpyxl stamps a workbook's "modified" property with the time of saving, whatever it
# was set to; the sheet's properties get the fixed date back, so that the same sample gives
# the same bytes.
_MODIFIED = re.compile(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)")
_FIXED_DATE = datetime.datetime(2000, 1, 1)  # the sheet's "created" and "modified" dates


def _fixed_zip(data: bytes) -> bytes:
    """The same zip, the same bytes on every run (:func:`helpers.refi.fixed_zip`), the
    workbook's modification date fixed."""
    with zipfile.ZipFile(BytesIO(data)) as src:
        members = {info.filename: src.read(info) for info in src.infolist()}
    if "docProps/core.xml" in members:
        stamp = _FIXED_DATE.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
        members["docProps/core.xml"] = _MODIFIED.sub(rb"\g<1>" + stamp + rb"\g<2>", members["docProps/core.xml"])
    return refi.fixed_zip(members)


def _unescape(value: object) -> str:
    """A cell's text with the apostrophe of :func:`helpers.io.spreadsheet_safe` removed."""
    text = "" if value is None else str(value)
    if text.startswith("'") and text[1:].startswith(io.FORMULA_STARTS):
        return text[1:]
    return text


def _cell_text(value: object) -> str:
    """A cell's value as the text it shows: a whole number saved as a float (``357.0``, as
    some spreadsheet programs store numbers) as ``357``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return _unescape(value).strip()


def _check_archive(path: Path) -> None:
    """Refuse a file that is not a zip, or whose members would unpack too large (the
    limits of :mod:`helpers.refi`)."""
    if not zipfile.is_zipfile(path):
        raise ReviewError(f"{path.name}: not an .xlsx file (an .xlsx is a zip archive). Save the sheet as .xlsx.")
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            try:
                refi.check_member_size(info, path.name)
            except refi.RefiError as exc:
                raise ReviewError(str(exc)) from None


MAX_SHOWN_PROBLEMS = 20  # a filled sheet's problems named at once, the rest counted


def read_sheet(path: str | Path, sample: pd.DataFrame, reviewer: str | None = None) -> pd.DataFrame:
    """The decisions of a filled review sheet (``.xlsx`` as :func:`write_sheet` wrote it,
    after a reviewer filled it in a spreadsheet program), in the columns of
    :data:`helpers.decisions.DECISION_COLUMNS`. Rows with an empty ``decision`` are not
    reviewed and left out. Each row's ``item, code, file, start, end`` must be those of
    the sample's item (``sample``: ``OUT/review/sample.csv``); the reviewer is the row's
    ``reviewer`` cell, else ``reviewer``. Values are read as written (formulas are not
    run; the apostrophe the sheet put before formula-like text is removed). Raises
    :class:`ReviewError` naming the file and row for: no sheet ``review``, a missing
    column, an item not in the sample or moved, a decision not correct/wrong/unsure, no
    reviewer; every row is checked, and all the rows to fix are named at once (up to
    :data:`MAX_SHOWN_PROBLEMS`, the rest counted)."""
    path = Path(path)
    _check_archive(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)  # a formula is read as its text, never run
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ReviewError(f"{path.name}: cannot be read as .xlsx ({type(exc).__name__}: {exc})") from None
    try:
        if "review" not in wb.sheetnames:
            raise ReviewError(f"{path.name}: no sheet named 'review' (found {wb.sheetnames}); use the sheet "
                              f"{SHEET_FILE} wrote")
        rows = wb["review"].iter_rows(values_only=True)
        header = [_unescape(h).strip() for h in next(rows, ())]
        need = ["item", "code", "file", "start", "end", "decision", "note", "reviewer"]
        missing = [c for c in need if c not in header]
        if missing:
            raise ReviewError(f"{path.name} row 1: missing column(s) {', '.join(missing)}; keep the sheet's header")
        pos = {c: header.index(c) for c in need}
        items = {int(r.item): r for r in sample.itertuples(index=False)}
        out, seen, problems = [], {}, []

        def decided(n: int, row: tuple) -> dict | None:
            """Row ``n``'s decision, ``None`` for a row not reviewed; a problem raised."""
            cells = {c: (row[pos[c]] if pos[c] < len(row) else None) for c in need}
            if all(v in (None, "") for v in cells.values()):
                return None
            where = f"{path.name} row {n}"
            decision = _unescape(cells["decision"]).strip().lower()
            if not decision:
                return None
            if decision not in decisions.DECISIONS:
                raise ReviewError(f"{where}: decision {cells['decision']!r} is not one of "
                                  f"{', '.join(decisions.DECISIONS)}; write one of them or leave it empty")
            try:
                item = items[int(_cell_text(cells["item"]))]
            except (KeyError, ValueError):
                raise ReviewError(f"{where}: item {cells['item']!r} is not in the sample ({SAMPLE_FILE}); "
                                  "do not add rows or change the column 'item'") from None
            got = tuple(_cell_text(cells[c]) for c in ("code", "file", "start", "end"))
            # a cell's text is read stripped, so the file's name is compared stripped (a raw file may be " a.txt")
            want = (item.code, sheet_text(item.file).strip(), str(int(item.start)), str(int(item.end)))
            if got != want:
                raise ReviewError(f"{where}: item {item.item} is {want[0]} on {want[1]} [{want[2]}:{want[3]}] in the "
                                  f"sample, but the row says {got[0]} on {got[1]} [{got[2]}:{got[3]}]; do not edit the "
                                  "columns code, file, start and end (sort the sheet as you like)")
            if item.item in seen:
                raise ReviewError(f"{where}: item {item.item} is also in row {seen[item.item]}; keep one row per item "
                                  "(the sheet's rows are the sample's items)")
            seen[item.item] = n
            who = _unescape(cells["reviewer"]).strip() or (reviewer or "").strip()
            if not who:
                raise ReviewError(f"{where}: no reviewer; fill the column 'reviewer' or give REVIEWER=<name>")
            return {"file": item.file, "start": int(item.start), "end": int(item.end), "code": item.code,
                    "decision": decision, "reviewer": who, "note": _unescape(cells["note"])}

        for n, row in enumerate(rows, start=2):  # every row checked: all its problems are said at once
            try:
                if (got := decided(n, row)) is not None:
                    out.append(got)
            except ReviewError as exc:
                problems.append(str(exc))
        if len(problems) == 1:
            raise ReviewError(problems[0])
        if problems:
            shown = problems[:MAX_SHOWN_PROBLEMS] + ([f"... and {len(problems) - MAX_SHOWN_PROBLEMS} more"]
                                                      if len(problems) > MAX_SHOWN_PROBLEMS else [])
            raise ReviewError(f"{path.name}: {len(problems)} rows to fix (nothing was imported):\n"
                              + "\n".join(f"  {line}" for line in shown))
    finally:
        wb.close()
    return pd.DataFrame(out, columns=decisions.DECISION_COLUMNS).astype({"start": "int64", "end": "int64"})


# --------------------------------------------------------------------------- REFI-QDA


def export_project(path: str | Path, sample: pd.DataFrame, raw_texts: Mapping[str, str],
                   codebook: coding.Codebook) -> Path:
    """The sample as a REFI-QDA project (:func:`helpers.refi.export_project`): the raw
    texts, the codebook, and each item as a selection coded with the item's code, by user
    :data:`SAMPLE_USER` (the auto-coder's codes) or :data:`NEAR_MISS_USER` (near misses:
    codes it did not give), so that a reviewer can tell them apart."""
    cols = ["file", "start", "end", "code"]
    users = {SAMPLE_USER: sample[sample["stratum"] == "coded"][cols],
             NEAR_MISS_USER: sample[sample["stratum"] == "near miss"][cols]}
    return refi.export_project(raw_texts, {u: t for u, t in users.items() if len(t)}, codebook, path,
                               project_name="kvalitext review sample")


def _first_difference(a: str, b: str) -> int:
    """The first index at which ``a`` and ``b`` differ (``min`` of their lengths if one is
    the other's start)."""
    step, at = 1 << 14, 0
    while at < min(len(a), len(b)) and a[at:at + step] == b[at:at + step]:
        at += step
    end = min(at + step, len(a), len(b))
    while at < end and a[at] == b[at]:
        at += 1
    return at


def _check_sources(name: str, sample: pd.DataFrame, report: refi.ImportReport,
                   raw_texts: Mapping[str, str]) -> None:
    """Refuse a project whose text sources are not the sample's raw texts: a sample file with
    no source, or a source whose text is not in the archive or differs from the raw file's
    (the positions would then not be the sample's, and every item would look deleted)."""
    files = sorted(set(sample["file"]))
    by_file: dict[str, list[str | None]] = {}
    for source, text in zip(report.sources, report.texts):
        by_file.setdefault(source, []).append(text)
    missing = [f for f in files if f not in by_file]
    if missing:
        shown = ", ".join(repr(f) for f in missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        named = ", ".join(repr(s) for s in sorted(set(report.sources))[:5]) or "none"
        raise ReviewError(
            f"{name}: the project has no text source for {len(missing)} of the sample's {len(files)} file(s): "
            f"{shown} (its sources: {named}{', ...' if len(set(report.sources)) > 5 else ''}). Its codings cannot "
            "be matched to the sample's items, and every item would be read as deleted. Import the review's "
            f"project (OUT/{PROJECT_FILE}) as edited in the tool, its sources named after the raw files (or "
            "their names without extension), or fill review.xlsx instead")
    for f in files:
        raw = raw_texts.get(f)
        if raw is None:
            raise ReviewError(f"{name}: the sample's file {f!r} is not in raw/ any more; draw the sample again "
                              "(make review)")
        for text in by_file[f]:
            if text is None:
                raise ReviewError(f"{name}: the text of source {f!r} is not in the archive, so its positions "
                                  "cannot be checked against raw/; export the project with its sources")
            if text == raw:
                continue
            if refi.line_ends(text, raw) is not None:  # they differ in their line ends only
                why = ("the tool changed its line ends (CR LF and LF), which moves every position after the "
                       "first; export the project keeping the texts' line ends, or fill review.xlsx instead")
            else:
                why = ("the project is not the review's, or the text was edited in the tool; import the "
                       f"review's project (OUT/{PROJECT_FILE}) with its texts as they were, or fill review.xlsx "
                       "instead")
            at = _first_difference(text, raw)
            raise ReviewError(f"{name}: the text of source {f!r} differs from raw/{f} from character {at} on "
                              f"({len(text):,} against {len(raw):,} characters): {why}")


def import_project(path: str | Path, sample: pd.DataFrame, reviewer: str,
                   codebook: coding.Codebook, raw_texts: Mapping[str, str]) -> tuple[pd.DataFrame, int, int]:
    """The decisions of a review project edited in a QDA tool and exported again as
    ``.qdpx`` (read with :func:`helpers.refi.import_project`, which refuses a malformed
    file). For each sample item: gone (coding or selection deleted, or recoded) is
    ``wrong``; a code named :data:`UNSURE_CODE` on the span makes it ``unsure``. A coded
    item whose code is still on its selection (anyone's coding at the same span) is
    ``correct``: the auto-coder's code left standing is agreed with, so review every one.
    A near miss's code was only offered, so one left as it is gives no decision (not
    reviewed, as an empty cell of the sheet); a code named :data:`MISSED_CODE` on its span
    says the code applies (``correct``: the auto-coder missed it). A code of the codebook
    that the reviewer put on an item's span is a ``correct`` decision for that code.
    Codings on other spans are not decisions and are left out. A source named in another
    Unicode form than the sample's file (a project saved on macOS) is that file; so is one
    named after it without the extension, when no other raw file has that stem (NVivo
    names sources so; logged).

    A source whose text differs from the raw file's only in its line ends (a tool that
    saved it with CR LF where the file has LF, or the other way round) has its positions
    mapped to the raw file's (:func:`helpers.refi.line_ends`; logged). Because a missing
    coding reads as ``wrong``, the project must be the sample's texts: refused
    (:class:`ReviewError`, naming the archive and the files) when a sample file has no
    source, a source's text is not in the archive or differs from ``raw_texts`` (the raw
    file's; other line ends only when a coding starts or ends inside a CR LF that the raw
    file writes as one character, which has no place there), or no coding at all lies on
    any of the sample's spans. Returns the decisions, how many near misses
    were left as they were (not reviewed), and on how many of the sample's spans the
    project has a coding."""
    if not reviewer or not reviewer.strip():
        raise ReviewError("REVIEWER is empty: name who reviewed the project")
    name = Path(path).name
    imported, report = refi.import_project(path, code_ids=codebook, raw_texts=raw_texts)
    _check_sources(name, sample, report, raw_texts)
    imported = imported.astype({"start": "int64", "end": "int64"})
    spans = sample[["file", "start", "end"]].astype({"start": "int64", "end": "int64"}).drop_duplicates()
    on_spans = imported.merge(spans, on=["file", "start", "end"])
    found = len(on_spans[["file", "start", "end"]].drop_duplicates())
    if not found:
        raise ReviewError(f"{name}: none of the sample's {len(spans)} spans has a coding in the project, so every "
                          "item would be read as wrong. Were the positions moved (a tool that counts them "
                          "otherwise) or the codings removed wholesale? If you did judge every item wrong, say "
                          "so in review.xlsx instead")
    unsure = on_spans[(~on_spans["mapped"]) & (on_spans["code"].str.strip().str.casefold() == UNSURE_CODE)]
    unsure_spans = set(unsure[["file", "start", "end"]].itertuples(index=False, name=None))
    missed = on_spans[(~on_spans["mapped"]) & (on_spans["code"].str.strip().str.casefold() == MISSED_CODE)]
    missed_spans = set(missed[["file", "start", "end"]].itertuples(index=False, name=None))
    present = set(on_spans[on_spans["mapped"]][["file", "start", "end", "code"]].itertuples(index=False, name=None))
    rows = []
    asked = set()
    unreviewed = 0
    for r in sample.itertuples(index=False):
        key = (r.file, int(r.start), int(r.end), r.code)
        asked.add(key)
        if key[:3] in unsure_spans:
            decision = "unsure"
        elif key not in present:
            decision = "wrong"
        elif r.stratum == "coded" or key[:3] in missed_spans:
            decision = "correct"
        else:  # a near miss left as it was: not reviewed
            unreviewed += 1
            continue
        rows.append(key + (decision,))
    for key in sorted(present - asked):
        rows.append(key + ("correct",))
    out = pd.DataFrame(rows, columns=["file", "start", "end", "code", "decision"])
    out["reviewer"], out["note"] = reviewer.strip(), "from " + name
    return out[decisions.DECISION_COLUMNS].astype({"start": "int64", "end": "int64"}), unreviewed, found


# --------------------------------------------------------------------------- decisions saved


def save_decisions(corpus: Path, name: str, table: pd.DataFrame, raw_texts: Mapping[str, str],
                   codebook: coding.Codebook) -> Path:
    """Write decisions as ``CORPUS/review/<name>.csv``, a new file: an existing one is
    never replaced (choose another name). The table is validated first, and the written
    text is checked by :func:`helpers.decisions.load_bytes` before it is written."""
    stem = Path(name).stem if name.endswith(".csv") else name
    if not stem or stem != Path(stem).name or stem.startswith("."):
        raise ReviewError(f"NAME={name!r}: give a plain file name (letters, digits, - and _), no folder")
    target = Path(corpus) / decisions.REVIEW_DIR / f"{stem}.csv"
    try:  # a review/ that is a link: written through it, the decisions would land outside the corpus
        decisions.review_files(corpus)
    except decisions.DecisionError as exc:
        raise ReviewError(f"{exc} (nothing was written)") from None
    try:
        io.check_name(target if target.parent.is_dir() else Path(corpus) / target.name)
    except io.FileNameError as exc:
        raise ReviewError(f"{exc} (give a shorter NAME=; nothing was written)") from None
    if target.exists():
        raise ReviewError(f"{target} exists; decisions are never replaced. Give another NAME= "
                          "(the decisions of both files count), or remove the old file yourself")
    text = table[decisions.DECISION_COLUMNS].to_csv(index=False, lineterminator="\n")
    try:  # checked as the file it is about to be, before it is written
        decisions.load_bytes(text.encode("utf-8"), target.name, raw_texts, codebook.ids)
    except decisions.DecisionError as exc:
        raise ReviewError(f"{exc} (nothing was written)") from None
    return io.write_text(target, text)


def new_decisions(table: pd.DataFrame, filed: pd.DataFrame) -> tuple[pd.DataFrame, int, int]:
    """The rows of ``table`` that their reviewer has not decided in a file already
    (``filed``: :func:`helpers.decisions.load`), how many were left out, and how many of
    those say otherwise than the filed decision (the filed one stands: decisions are
    never replaced)."""
    key = ["file", "start", "end", "code", "reviewer"]
    both = table.merge(filed[key + ["decision"]].rename(columns={"decision": "_filed"}), how="left", on=key)
    seen = both["_filed"].notna()
    differ = int((seen & (both["_filed"] != both["decision"])).sum())
    return table[~seen.to_numpy()].reset_index(drop=True), int(seen.sum()), differ


# --------------------------------------------------------------------------- estimates


def precision_table(coded: pd.DataFrame, decided: pd.DataFrame, near: pd.DataFrame,
                    codebook: coding.Codebook, level: float = LEVEL) -> pd.DataFrame:
    """Per code (:data:`PRECISION_COLUMNS`): sentences ``coded``; of those, ``reviewed``
    with a consensus (:func:`helpers.decisions.consensus`), ``correct``, ``wrong`` and
    ``unsure`` (unsure or disputed); ``precision`` = correct / reviewed with its Wilson
    interval (:func:`wilson`); ``near misses`` in the corpus (:func:`near_misses`), those
    reviewed and those ``missed`` (the code applies); and ``recall`` estimated as
    ``N·p / (N·p + M·q)`` (``N`` coded, ``p`` precision, ``M`` near misses, ``q`` the
    share missed), with the interval from the ends of both Wilson intervals (conservative).
    That recall counts only the misses among the near misses: misses with no evidence the
    rules can see are not sampled, so it is an upper bound. Then pooled rows ``all codes``
    and one per family, weighted for the stratified design (:func:`stratified`); their
    ``recall`` is left empty."""
    agreed = decisions.consensus(decided)
    key = ["file", "start", "end", "code"]
    coded_keys = coded[key].astype({"start": "int64", "end": "int64"}).drop_duplicates()
    on_coded = agreed.merge(coded_keys, on=key)
    on_near = agreed.merge(near[key], on=key)
    rows = []
    for code in codebook.codes:
        c = code.id
        mine = on_coded[on_coded["code"] == c]["consensus"]
        k, w = int((mine == "correct").sum()), int((mine == "wrong").sum())
        n_coded = int((coded["code"] == c).sum())
        p = k / (k + w) if k + w else math.nan
        low, high = wilson(k, k + w, level)
        nm = on_near[on_near["code"] == c]["consensus"]
        m_k, m_n = int((nm == "correct").sum()), int(nm.isin(["correct", "wrong"]).sum())
        m_all = int((near["code"] == c).sum())
        recall = r_low = r_high = math.nan
        if k + w and m_n and m_all:
            q = m_k / m_n
            q_low, q_high = wilson(m_k, m_n, level)
            recall, r_low, r_high = (_recall(n_coded, pp, m_all, qq) for pp, qq in ((p, q), (low, q_high), (high, q_low)))
        rows.append({"code": c, "family": code.family, "coded": n_coded, "reviewed": k + w, "correct": k,
                     "wrong": w, "unsure": int(len(mine) - k - w), "precision": p, "precision low": low,
                     "precision high": high, "near misses": m_all, "near misses reviewed": m_n, "missed": m_k,
                     "recall": recall, "recall low": r_low, "recall high": r_high})
    table = pd.DataFrame(rows, columns=PRECISION_COLUMNS)
    pooled = []
    for label, part in [("all codes", table)] + [(f"family {f}", table[table["family"] == f])
                                                   for f in sorted(set(table["family"]))]:
        p, low, high, _ = stratified(part["coded"], part["reviewed"], part["correct"], level)
        pooled.append({"code": label, "family": "", "coded": int(part["coded"].sum()),
                       "reviewed": int(part["reviewed"].sum()), "correct": int(part["correct"].sum()),
                       "wrong": int(part["wrong"].sum()), "unsure": int(part["unsure"].sum()), "precision": p,
                       "precision low": low, "precision high": high, "near misses": int(part["near misses"].sum()),
                       "near misses reviewed": int(part["near misses reviewed"].sum()),
                       "missed": int(part["missed"].sum()), "recall": math.nan, "recall low": math.nan,
                       "recall high": math.nan})
    return pd.concat([table, pd.DataFrame(pooled, columns=PRECISION_COLUMNS)], ignore_index=True)


def _code_rows(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of a :func:`precision_table` for single codes (not the pooled rows)."""
    return table[~table["code"].str.startswith(("all codes", "family "))]


def _recall(coded: int, precision: float, near: int, missed_share: float) -> float:
    """Recall from the true positives among the coded (``coded·precision``) and the misses
    among the near misses (``near·missed_share``)."""
    tp, fn = coded * precision, near * missed_share
    return tp / (tp + fn) if tp + fn else math.nan


def never_reviewed(table: pd.DataFrame) -> list[str]:
    """The codes of a :func:`precision_table` that carry sentences but none reviewed: no
    decision at all (a code whose items were all decided ``unsure`` or disputed is
    :func:`all_unsure`, not this)."""
    codes = _code_rows(table)
    unsure = codes["unsure"] if "unsure" in codes.columns else 0
    return codes[(codes["coded"] > 0) & (codes["reviewed"] == 0) & (unsure == 0)]["code"].tolist()


def all_unsure(table: pd.DataFrame) -> list[str]:
    """The codes of a :func:`precision_table` that were reviewed, but every item of which
    was decided ``unsure`` (or disputed): no precision, though not for want of review."""
    codes = _code_rows(table)
    if "unsure" not in codes.columns:
        return []
    return codes[(codes["reviewed"] == 0) & (codes["unsure"] > 0)]["code"].tolist()


def beside_references(table: pd.DataFrame, per_code: pd.DataFrame | None) -> pd.DataFrame:
    """Per code, the reviewed precision with its interval and recall beside the
    auto-coder's F1 against each reference coder (``per_code`` of
    :func:`helpers.reliability.auto_vs_references`, paragraphs; left out when the corpus
    has no reference codings, ``None``)."""
    codes = _code_rows(table).set_index("code")
    out = pd.DataFrame(index=codes.index)
    out["reviewed"] = codes["reviewed"]
    out["precision (reviews)"] = codes["precision"]

    def interval(low: pd.Series, high: pd.Series) -> list[str]:
        return [f"{lo:.2f}–{hi:.2f}" if not math.isnan(lo) else "" for lo, hi in zip(low, high)]

    out["precision 95% interval"] = interval(codes["precision low"], codes["precision high"])
    out["recall (near misses)"] = codes["recall"]
    # a recall of 1.00 from two reviewed near misses is no perfect recall: its interval says so
    out["recall 95% interval"] = interval(codes["recall low"], codes["recall high"])
    if per_code is not None and len(per_code):
        out = out.join(per_code[[c for c in per_code.columns if c.startswith("F1 (")]])
    return out


NOT_ESTIMATED = "–"  # how a page shows an estimate not made (NaN), said under the table


def as_shown(table: pd.DataFrame, digits: int = 3) -> pd.DataFrame:
    """A table of estimates (:func:`precision_table`, :func:`beside_references`) as the
    pages show it: each figure with ``digits`` decimals (``1.000``, aligned as numbers),
    and an estimate not made (``NaN``: the recall of the pooled rows, a precision of no
    decided item) as :data:`NOT_ESTIMATED`, not "NaN". Counts and texts are kept as they
    are; the CSV written keeps the empty value."""
    out = table.copy()
    for column in out.columns[[pd.api.types.is_float_dtype(t) for t in out.dtypes]]:
        out[column] = [NOT_ESTIMATED if pd.isna(v) else f"{v:.{digits}f}" for v in out[column]]
    return out


def has_estimates(beside: pd.DataFrame) -> bool:
    """Whether a :func:`beside_references` table holds any estimate (a precision, recall or
    F1): without reviews and reference codings every one is ``NaN``, and a page says so in
    a line instead of showing a table of ``NaN``."""
    figures = beside.drop(columns=["reviewed", "precision 95% interval", "recall 95% interval"], errors="ignore")
    return bool(figures.notna().to_numpy().any())


def reviewer_agreement(decided: pd.DataFrame) -> pd.DataFrame:
    """Between each pair of reviewers: the items both decided (``correct`` or ``wrong``),
    the share they agree on, and Krippendorff's α (nominal,
    :func:`helpers.reliability.krippendorff_alpha`; ``NaN`` when undefined, e.g. when
    every decision is the same). Empty with fewer than two reviewers."""
    cols = ["reviewer A", "reviewer B", "items both decided", "agreement", "alpha"]
    firm = decided[decided["decision"] != "unsure"]
    names = sorted(set(firm["reviewer"]))
    rows = []
    key = ["file", "start", "end", "code"]
    wide = firm.assign(v=(firm["decision"] == "correct").astype(float)).pivot_table(
        index=key, columns="reviewer", values="v", aggfunc="first") if len(firm) else pd.DataFrame()
    for i, a in enumerate(names):
        for b in names[i + 1:]:
            both = wide[[a, b]].dropna()
            rows.append({"reviewer A": a, "reviewer B": b, "items both decided": len(both),
                         "agreement": reliability.percent_agreement(both[a], both[b]),
                         "alpha": reliability.krippendorff_alpha(both.T.to_numpy())})
    return pd.DataFrame(rows, columns=cols)


def agreement_note(agreement: pd.DataFrame, high: float = 0.9, low_alpha: float = 0.667) -> str:
    """One plain-text line for the pairs of :func:`reviewer_agreement` whose α is low or
    undefined beside a high share of agreement (95% and α 0.0 read as a contradiction):
    α discounts the agreement that decisions falling nearly all one way give by chance, so
    one disagreement then weighs heavily; empty when no pair is so."""
    odd = agreement[(agreement["agreement"] >= high)
                    & (agreement["alpha"].isna() | (agreement["alpha"] < low_alpha))]
    if odd.empty:
        return ""
    pairs = ", ".join(f"{r['reviewer A']} and {r['reviewer B']} ({r['agreement']:.0%} agreement, α "
                      + ("undefined" if pd.isna(r["alpha"]) else f"{r['alpha']:.2f}") + ")"
                      for _, r in odd.iterrows())
    return (f"{pairs}: a high share of agreement with a low α is no contradiction. When nearly every decision is the "
            "same (most items correct), α discounts the agreement that skew gives by chance, so a single "
            "disagreement weighs heavily, and with every decision the same α is undefined. Read the share of agreement "
            "beside it; for a firmer α, review items more likely to be wrong too (a larger sample, PER_CODE=).")


# --------------------------------------------------------------------------- suggestions


def false_positive_rules(coded: pd.DataFrame, decided: pd.DataFrame, top: int = 5) -> pd.DataFrame:
    """Per code, the rules (and the words they matched) behind the sentences reviewed
    wrong, with how often each rule fired on reviewed sentences: ``code, rule, reviewed,
    wrong, share wrong, words``, most wrong first (at most ``top`` per code). A rule that
    fired with another on a wrong sentence shares the blame. Suggestions for the codebook
    (a ``not_with`` context, an ``exclude``, a narrower rule), never applied."""
    cols = ["code", "rule", "reviewed", "wrong", "share wrong", "words"]
    agreed = decisions.consensus(decided)
    agreed = agreed[agreed["consensus"].isin(["correct", "wrong"])]
    rows = coded.astype({"start": "int64", "end": "int64"}).merge(agreed, on=["file", "start", "end", "code"])
    if rows.empty:
        return pd.DataFrame(columns=cols)
    rows = rows.assign(rule=rows["rules"].str.split("; ")).explode("rule")
    out = []
    for (code, rule), g in rows.groupby(["code", "rule"], sort=True):
        wrong = g[g["consensus"] == "wrong"]
        if len(wrong):
            patterns = Term.parse(code, rule).words
            found = set(w for m in wrong["matched"] for w in m.split("; ") if w)
            # the words this rule matched (by their form; a word it matched by its lemma
            # only is not told apart, so then all the sentence's matched words are shown)
            words = sorted(w for w in found if any(p.matches(w.lower()) for p in patterns)) or sorted(found)
            out.append({"code": code, "rule": rule, "reviewed": len(g), "wrong": len(wrong),
                        "share wrong": len(wrong) / len(g), "words": ", ".join(words)})
    table = pd.DataFrame(out, columns=cols)
    table = table.sort_values(["code", "wrong", "rule"], ascending=[True, False, True], kind="stable")
    return table.groupby("code", sort=False).head(top).reset_index(drop=True)


def missing_words(decided: pd.DataFrame, coded: pd.DataFrame, tokens: pd.DataFrame, codebook: coding.Codebook,
                  top: int = 8) -> pd.DataFrame:
    """Per code, the words (lemmas, stop words left out) of the sentences reviewers found
    the auto-coder missed (consensus ``correct`` on a sentence it did not code with it)
    that none of the code's rules matches: ``code, word, sentences`` (in how many missed
    sentences), most frequent first (at most ``top`` per code). Candidate rules for the
    codebook, never applied: a word here may well be too general."""
    cols = ["code", "word", "sentences"]
    agreed = decisions.consensus(decided)
    agreed = agreed[agreed["consensus"] == "correct"]
    key = ["file", "start", "end", "code"]
    miss = agreed.merge(coded[key].astype({"start": "int64", "end": "int64"}), on=key, how="left", indicator=True)
    miss = miss[miss["_merge"] == "left_only"]
    if miss.empty:
        return pd.DataFrame(columns=cols)
    words = tokens[~tokens["stop"] & tokens["file"].isin(set(miss["file"]))]
    out = []
    for code, g in miss.groupby("code", sort=False):
        terms = [Term.parse(code, t) for t in codebook.code(code).terms]
        patterns = [w for t in terms for w in t.words]
        counts: dict[str, int] = {}
        for r in g.itertuples(index=False):
            inside = words[(words["file"] == r.file) & (words["start"] >= r.start) & (words["end"] <= r.end)]
            seen = set()
            for form, lemma in zip(inside["token"].str.lower(), inside["lemma"].str.lower()):
                if len(lemma) < 3 or not lemma.isalpha() or any(p.matches(form) or p.matches(lemma) for p in patterns):
                    continue
                seen.add(lemma)
            for w in seen:
                counts[w] = counts.get(w, 0) + 1
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:top]
        out += [{"code": code, "word": w, "sentences": n} for w, n in ranked]
    table = pd.DataFrame(out, columns=cols)
    return codebook.in_code_order(table)


# --------------------------------------------------------------------------- what to trust


def low_precision_codes(table: pd.DataFrame, threshold: float = LOW_PRECISION,
                        min_decided: int = MIN_DECIDED) -> list[str]:
    """Codes of a :func:`precision_table` whose precision the reviews put below
    ``threshold``: the whole 95% interval is below it (``precision high``), or the
    estimate is, on at least ``min_decided`` items decided correct or wrong. One wrong
    item of one decided (interval 0.00–0.79) is not evidence of low precision: such a
    code is :func:`too_few_decided`."""
    codes = _code_rows(table)
    below = codes["precision"] < threshold
    return codes[below & ((codes["precision high"] < threshold) | (codes["reviewed"] >= min_decided))]["code"].tolist()


def too_few_decided(table: pd.DataFrame, threshold: float = LOW_PRECISION,
                    min_decided: int = MIN_DECIDED) -> list[str]:
    """Codes of a :func:`precision_table` decided on too few items to tell on which side
    of ``threshold`` their precision is: fewer than ``min_decided`` items decided correct or
    wrong and a 95% interval that reaches both sides of it, whether the estimate is below
    it (not :func:`low_precision_codes`: two correct of three) or above it (three correct
    of three, interval 0.44–1.00, is no evidence of a good code either). Named, not
    marked."""
    low = set(low_precision_codes(table, threshold, min_decided))
    codes = _code_rows(table)
    straddles = (codes["precision low"] < threshold) & (codes["precision high"] >= threshold)
    return [c for c in codes[straddles & (codes["reviewed"] < min_decided)]["code"] if c not in low]


def mark_low_precision(codebook: coding.Codebook, low: Iterable[str]) -> coding.Codebook:
    """A copy of the codebook in which each code of ``low`` has :data:`LOW_MARK` after its
    English name, so every figure and table that labels codes by name marks them; once,
    where a text names a code by both names (notebook 04's interpretation: "knowledge and learning
    ⚠ low precision (kunskap, R_KNOWLEDGE)"; the mark stood after both)."""
    low = set(low)
    return codebook.model_copy(update={"codes": [
        c.model_copy(update={"name_en": f"{c.name_en} {LOW_MARK}"}) if c.id in low else c for c in codebook.codes]})


CODE_COLUMNS = ("code", "problem", "remedy")  # the columns of the findings' tables that hold code ids


def mark_codes(table: pd.DataFrame, low: Iterable[str], columns: Iterable[str] = CODE_COLUMNS) -> pd.DataFrame:
    """A copy of a table for display in which each code id of ``low`` is followed by
    :data:`LOW_MARK`, in the ``columns`` it has, and in its index and column labels when
    their axis is named one of them (a code × document table, transposed or not), so that
    tables mark the codes the figures mark (:func:`mark_low_precision`)."""
    low, columns = set(low), set(columns)

    def mark(code: object) -> object:
        return f"{code} {LOW_MARK}" if code in low else code

    out = table.copy()
    for c in out.columns:
        if c in columns:
            out[c] = out[c].map(mark)
    if out.index.name in columns:
        out.index = out.index.map(mark).rename(out.index.name)
    if out.columns.name in columns:
        out.columns = out.columns.map(mark).rename(out.columns.name)
    return out


def _alpha_phrase(rows: pd.DataFrame) -> str:
    """Each reference's α in ``rows`` (of :func:`helpers.evaluation.score_run`'s summary)
    with its 95% interval and the house threshold it reaches, ``; ``-joined."""
    def one(r: pd.Series) -> str:
        ci = (f" (95% interval {r['alpha_low']:.3f}–{r['alpha_high']:.3f})"
              if np.isfinite(r["alpha_low"]) and np.isfinite(r["alpha_high"]) else "")
        return (f"α {r['alpha']:.3f} with {markup.escape(str(r['reference']), markdown=True)}{ci}: "
                f"{reliability.alpha_verdict(r['alpha'], r['alpha_low'])}")
    return "; ".join(one(r) for _, r in rows.iterrows())


AGAINST_COLUMNS = ("part", "genre", "level", "reference", "units", "alpha", "alpha_low", "alpha_high")


def validation_note(has_references: bool, table: pd.DataFrame | None, codebook: coding.Codebook,
                    threshold: float = LOW_PRECISION, against: pd.DataFrame | None = None,
                    written_on: bool = False, made_by: str = "") -> str:
    """A Markdown paragraph that says how far the codes were checked on this corpus: "not
    validated on this corpus" when it has neither reference codings nor review decisions;
    otherwise what it has: the codes of low precision (:func:`low_precision_codes`,
    marked :data:`LOW_MARK` in the figures), those reviewed too little to tell
    (:func:`too_few_decided`), those reviewed but all unsure (:func:`all_unsure`) and those
    never reviewed. Names are escaped (:mod:`helpers.markup`).

    With ``against``, the summary of :func:`helpers.evaluation.score_run` (the table
    notebook 03 shows by part), it quotes the auto-coder's α per paragraph against each
    reference, with its 95% interval and the threshold it reaches
    (:func:`reliability.alpha_verdict`). Where the corpus has a ``split.csv`` with a
    ``score`` part, that part's α is quoted (the texts no rule was read on; the α over all
    texts includes the ``tune`` part the rules were read on, and flatters the coder), the
    tune part's beside it for contrast. Without one, the α over all texts, saying plainly
    that the codebook's rules were written on these texts when ``written_on``
    (:func:`helpers.evaluation.rules_written_on`), else that nothing sets apart texts no
    rule was read on.

    ``made_by`` (``study.yaml``'s ``validation``: who made the reference codings and the
    review decisions) is said, escaped, right after what the corpus has, before any figure."""
    reviewed = table is not None and int(_code_rows(table)
                                         ["reviewed"].sum()) + len(all_unsure(table)) > 0
    if not has_references and not reviewed:
        unseen = evaluation.unseen_said(codebook)
        return ("**⚠ Not validated on this corpus.** It has neither reference codings (`reference/`) nor review "
                "decisions (`review/`), so nothing says how often the auto-coder's codes are right on these texts "
                "(on development texts its rules were not written on, it agrees with the example reference codings far "
                f"less than on the texts they were written on: {unseen}). Read every figure as "
                "leads to check. To check it, review a sample: `make review` "
                "(README: Reviewing the auto-coder on your corpus).")
    parts, alpha = [], ""
    if has_references:
        if against is None or not len(against):
            parts.append("reference codings (step 3 compares the auto-coder with them)")
        else:
            parts.append("reference codings")
            alpha = " " + _alpha_sentences(against, written_on, codebook)
    if reviewed:
        parts.append("review decisions (precision per code in step 3)")
    text = "**Validation on this corpus:** " + " and ".join(parts) + "."
    if made_by:  # the corpus's own words on who made them (study.yaml), before any figure is read
        text += " **Who made them:** " + markup.escape(made_by, markdown=True).rstrip(".") + "."
    text += alpha
    if reviewed:
        low = low_precision_codes(table, threshold)
        few = too_few_decided(table, threshold)
        never, unsure = never_reviewed(table), all_unsure(table)
        rows = _code_rows(table).set_index("code")
        if low:
            names = ", ".join(markup.escape(f"{c} · {codebook.code(c).name_en}", markdown=True) for c in low)
            text += (f" **⚠ Low estimated precision** (below {threshold:.0%}): {names}. Figures and tables that show "
                     f"these codes mark them {LOW_MARK}; read those numbers as upper bounds.")
        elif told := [c for c in rows.index if rows.loc[c, "reviewed"] > 0 and c not in few and c not in unsure]:
            # said only of codes decided enough to tell: beside "too few to tell" of all of them, it reassured
            text += (f" No code reviewed enough to tell ({len(told)} of them) has a precision the reviews put below "
                     f"{threshold:.0%}.")
        if few:
            text += (f" Too few reviewed to tell whether above or below {threshold:.0%} (fewer than {MIN_DECIDED} "
                     f"items decided correct or wrong, the 95% interval reaching both sides of it; not marked): "
                     + ", ".join(markup.escape(f"{c} ({int(rows.loc[c, 'correct'])} of {int(rows.loc[c, 'reviewed'])} "
                                               "correct)" if "correct" in rows.columns else c, markdown=True)
                                 for c in few)
                     + ". Until more of them are reviewed (step 3 says how), read their figures as leads to "
                     "check.")
        if unsure:
            text += f" {len(unsure)} code(s) reviewed, but every item decided unsure (or disputed), so no precision: " + \
                ", ".join(markup.escape(f"{c} ({int(rows.loc[c, 'unsure'])} unsure)", markdown=True) for c in unsure) + "."
        if never:
            text += f" {len(never)} code(s) with sentences were never reviewed: " + ", ".join(
                markup.escape(c, markdown=True) for c in never) + "."
    return text


def run_validation_note(run: pipeline.Run, estimates: Mapping[str, object], codebook: coding.Codebook,
                        coded: pd.DataFrame, n_boot: int = 1000, against: pd.DataFrame | None = None) -> str:
    """:func:`validation_note` for a run (notebooks 03 and 04): ``estimates`` is its
    :func:`run_estimates`, ``coded`` the auto-coder's codes, and the corpus's ``study.yaml``
    says who made the codings (``validation``). The α against the reference codings is
    ``against``, :func:`helpers.evaluation.score_run`'s summary where the caller has it
    (notebook 03), else computed as notebook 03 computes it (part by part of ``split.csv``,
    the same seeded bootstrap), so both notebooks quote the same figure."""
    if against is None and estimates["has_references"]:
        against = evaluation.score_run(run, n_boot=n_boot, coded=coded)[0]
    return validation_note(bool(estimates["has_references"]), estimates["precision"], codebook, against=against,
                           written_on=evaluation.rules_written_on(run.corpus),
                           made_by=load_study(run.corpus).get("validation", ""))


def _alphas(rows: pd.DataFrame) -> str:
    """Each reference's α of ``rows``, named: "0.814 (coding_E) / 0.806 (coding_F)"."""
    return " / ".join(f"{a:.3f} ({markup.escape(r, markdown=True)})" for a, r in zip(rows["alpha"], rows["reference"]))


def _alpha_sentences(against: pd.DataFrame, written_on: bool, codebook: coding.Codebook) -> str:
    """What :func:`validation_note` says of the auto-coder against the reference codings
    (see there), in whole sentences."""
    missing = [c for c in AGAINST_COLUMNS if c not in against.columns]
    if missing:
        raise ValueError(f"validation_note: against must be evaluation.score_run's summary; it lacks {missing}")
    rows = against[against["genre"] == "all"].sort_values("reference", kind="stable")
    sentences = rows[rows["level"] == "sentence"]
    rows = rows[rows["level"] == "paragraph"]
    score, tune, whole = (rows[rows["part"] == p] for p in ("score", "tune", "all"))

    def per_sentence(part: str) -> str:
        # the findings count sentences: the agreement on that unit too, lower than per paragraph
        shown = sentences[sentences["part"] == part]
        return (" Per sentence, the unit the findings count, it agrees at " + _alpha_phrase(shown) + ".") \
            if len(shown) else ""

    if len(score):
        text = ("Per paragraph the auto-coder agrees with them, on the score part of `split.csv` "
                f"({int(score['units'].iloc[0])} paragraphs of the texts no rule was read on), at "
                + _alpha_phrase(score) + "." + per_sentence("score"))
        if len(tune):
            text += (" On the tune part, the texts the rules were read on, it reaches α " + _alphas(tune)
                     + (", and over all the texts α " + _alphas(whole) if len(whole) else "")
                     + " per paragraph: those figures flatter the coder (step 3 gives every part).")
        return text
    text = ("Per paragraph the auto-coder agrees with them over all the texts at " + _alpha_phrase(whole) + "."
            + per_sentence("all"))
    return text + " " + evaluation.unsplit_note(codebook, written_on)


def run_estimates(run: pipeline.Run) -> dict[str, object]:
    """Everything notebook 03 and 04 show about the reviews of a run: ``decisions``,
    ``near`` (the near-miss population), ``precision`` (:func:`precision_table`),
    ``agreement`` (:func:`reviewer_agreement`), ``has_references``, and ``unmatched``:
    decisions on spans that are no sentence of this run (the cleaning rules changed since
    the review?), which count nowhere."""
    segments, _ = pipeline.segments(run)
    coded, suppressed = pipeline.coded(run), pipeline.suppressed(run)
    codebook = coding.codebook_for(run.corpus)
    decided = pipeline.decisions(run)
    near = near_misses(segments, coded, suppressed, codebook)
    spans = segments[["file", "start", "end"]].astype({"start": "int64", "end": "int64"})
    unmatched = decided.merge(spans, how="left", on=["file", "start", "end"], indicator=True)
    return {"decisions": decided, "near": near, "codebook": codebook,
            "unmatched": int((unmatched["_merge"] == "left_only").sum()),
            "precision": precision_table(coded, decided, near, codebook),
            "agreement": reviewer_agreement(decided),
            "has_references": checked_by(run.corpus)[0]}


def checked_by(corpus: Path) -> tuple[bool, bool]:
    """Whether a corpus folder has reference codings (a ``reference/*.csv`` file) and
    review decision files (``review/*.csv``): what can check its codes. The one test the
    validation note (:func:`run_estimates`) and the report's index page make."""
    refs = Path(corpus) / "reference"
    return refs.is_dir() and any(p.is_file() for p in refs.glob("*.csv")), bool(decisions.review_files(corpus))


# --------------------------------------------------------------------------- command line


def filled_rows(path: str | Path) -> int:
    """How many rows of a review sheet's ``review`` sheet hold a reviewer's work (a
    ``decision``, ``note`` or ``reviewer``); 0 for a sheet without them. A file that cannot
    be read as such a sheet raises :class:`ReviewError`."""
    path = Path(path)
    _check_archive(path)
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds on a damaged file
        raise ReviewError(f"{path.name}: cannot be read as .xlsx ({type(exc).__name__}: {exc})") from None
    try:
        if "review" not in wb.sheetnames:
            return 0
        rows = wb["review"].iter_rows(values_only=True)
        header = [_unescape(h).strip() for h in next(rows, ())]
        cols = [header.index(c) for c in ("decision", "note", "reviewer") if c in header]
        return sum(1 for row in rows if any(i < len(row) and _unescape(row[i]).strip() for i in cols))
    finally:
        wb.close()


def _would_lose(path: Path, data: bytes) -> str | None:
    """What replacing ``path`` with ``data`` would lose, or ``None`` (no file, or the same
    bytes)."""
    if not path.exists():
        return None
    if path.name == Path(SHEET_FILE).name:
        try:
            filled = filled_rows(path)
        except ReviewError:
            filled = 0
        if filled:
            return f"{path} holds {filled} row(s) a reviewer filled (decision, note or reviewer)"
    if not path.is_file() or path.read_bytes() != data:
        return (f"{path} differs from what this run would write (another SEED, PER_CODE or NEAR_MISS, a changed "
                "corpus, or an edited file)")
    return None


def write_review(run: pipeline.Run, per_code: int = PER_CODE, near_miss: int = NEAR_MISS_PER_CODE,
                 seed: int = SEED, force: bool = False) -> dict[str, Path]:
    """Draw the sample of a run and write ``OUT/review/``: ``sample.csv`` (what the
    import checks a sheet against), ``review.xlsx`` and ``review.qdpx``.

    A file already there is replaced only when it holds what this run would write, or
    with ``force``: a sheet a reviewer filled (a decision, a note or a reviewer in any row)
    or a file that differs (another sample, an edited file) is refused with a
    :class:`ReviewError` naming each, before anything is written."""
    sample = sample_for(run, per_code, near_miss, seed)
    codebook = coding.codebook_for(run.corpus)
    with tempfile.TemporaryDirectory() as tmp:  # the files as this run would write them
        new = {SAMPLE_FILE: io.write_csv(Path(tmp) / "sample.csv", sample, spreadsheet=False).read_bytes(),
               SHEET_FILE: write_sheet(Path(tmp) / "review.xlsx", sample, codebook).read_bytes(),
               PROJECT_FILE: export_project(Path(tmp) / "review.qdpx", sample, read_raw_texts(run.corpus),
                                            codebook).read_bytes()}
    lost = [why for rel, data in new.items() if (why := _would_lose(run.path(rel), data))]
    if lost and not force:
        command = f"make review-import CORPUS={shlex.quote(str(run.corpus))} OUT={shlex.quote(str(run.out))}"
        raise ReviewError(
            "not replacing the review files: " + "; ".join(lost) + ". Nothing was written. Import a filled sheet first "
            f"({command} FILE={shlex.quote(str(run.path(SHEET_FILE)))} REVIEWER=<name>), or move the files elsewhere "
            "(keep sample.csv with its sheet: the import checks against it), or run make review again with FORCE=1 "
            "to replace them")
    return {name: io.write_bytes(run.path(rel), new[rel])
            for name, rel in (("sample", SAMPLE_FILE), ("sheet", SHEET_FILE), ("project", PROJECT_FILE))}


def _file_stem(name: str, who: str, folder: str) -> str:
    """``NAME=`` as the stem of a file the imports write in ``CORPUS/<folder>/`` (a
    ``.csv`` given with it not doubled), refused unless letters, digits, ``-`` and ``_``;
    left empty, ``who`` (the reviewer, the coder) made a file name."""
    stem = name.strip()
    if stem.lower().endswith(".csv"):
        stem = stem[:-4]
    if stem and not all(ch.isalnum() or ch in "-_" for ch in stem):
        raise ReviewError(f"NAME={name!r}: use letters, digits, - and _ only (the file is CORPUS/{folder}/NAME.csv)")
    return stem or "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in who)


def import_reference(corpus: Path, path: Path, coder: str, name: str, codebook: coding.Codebook,
                     raw: Mapping[str, str]) -> tuple[Path, int, list[str]]:
    """One coder's codings of a QDA project (``path``, a ``.qdpx`` another tool exported)
    written as a reference coding, ``CORPUS/reference/<name>.csv`` (default name: the
    coder's, made a file name): ``(the file, codings written, the project's codes not
    mapped to the codebook's ids, left out)``. The codings are mapped as
    :func:`helpers.refi.import_project` maps them (positions at the raw texts' offsets,
    codes by id or by name); ``coder`` may be left empty when the project has one coder.
    Refused (:class:`ReviewError`, nothing written): a coder not in the project, no mapped
    coding, an existing file (never replaced), a ``reference/`` that is a link, and a
    file :func:`helpers.reliability.load_reference` would refuse."""
    codings, report = refi.import_project(path, code_ids=codebook, raw_texts=raw)
    print(report.summary())
    coders = sorted(set(codings["coder"]))
    if not coder and len(coders) == 1:
        coder = coders[0]
    if coder not in coders:
        raise ReviewError(f"{path.name}: {'give CODER=, one' if not coder else repr(coder) + ' is not one'} of the "
                          f"project's coders: {', '.join(map(repr, coders)) or '(none: it holds no coding)'}")
    mine = codings[codings["coder"] == coder]
    unmapped = sorted(set(mine.loc[~mine["mapped"], "code"]))
    mine = mine[mine["mapped"]]
    if mine.empty:
        raise ReviewError(f"{path.name}: none of {coder}'s codings has a code of the codebook"
                          + (f" (their codes: {', '.join(unmapped)})" if unmapped else ""))
    stem = _file_stem(name, coder, "reference")
    folder = Path(corpus) / "reference"
    own_files(folder, ".csv", ReviewError, "the reference codings")  # a reference/ that is a link: refused, named
    target = folder / f"{stem}.csv"
    if target.exists():
        raise ReviewError(f"{paths.display(target)} exists; reference codings are never replaced. Give another NAME=, "
                          "or remove the old file yourself (nothing was written)")
    text = mine[["file", "start", "end", "code", "quote"]].to_csv(index=False, lineterminator="\n")
    with tempfile.TemporaryDirectory() as tmp:  # checked as the file it is about to be, before it is written
        (Path(tmp) / target.name).write_text(text, encoding="utf-8")
        try:
            reliability.load_reference(Path(tmp) / target.name, raw, codebook.ids)
        except reliability.ReferenceCodingError as exc:
            raise ReviewError(f"{exc} (nothing was written)") from None
    return io.write_text(target, text), len(mine), unmapped


def _count(default: int):
    """An argument type: a whole number from 0, or the default when given empty (as
    ``make`` passes an unset variable)."""
    def parse(text: str) -> int:
        if not text.strip():
            return default
        if not text.strip().isdigit():
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number from 0")
        return int(text)
    return parse


def main(argv: list[str] | None = None) -> int:
    """``python -m helpers.review sample|import ...`` (see ``--help``)."""
    parser = argparse.ArgumentParser(prog="python -m helpers.review",
                                     description="Review the auto-coder on a corpus (README: Reviewing the auto-coder).")
    sub = parser.add_subparsers(dest="command", required=True)
    s = sub.add_parser("sample", help="draw the sample; write OUT/review/review.xlsx, review.qdpx, sample.csv")
    i = sub.add_parser("import", help="read a filled review.xlsx or an edited .qdpx into CORPUS/review/NAME.csv")
    for p in (s, i):
        p.add_argument("--corpus", default="")
        p.add_argument("--out", default="")
    s.add_argument("--per-code", type=_count(PER_CODE), default=PER_CODE, help=f"default {PER_CODE}")
    s.add_argument("--near-miss", type=_count(NEAR_MISS_PER_CODE), default=NEAR_MISS_PER_CODE,
                   help=f"default {NEAR_MISS_PER_CODE}")
    s.add_argument("--seed", type=_count(SEED), default=SEED, help=f"default {SEED}")
    s.add_argument("--force", action="store_true",
                   help="replace review files that differ from this run's, a filled sheet too (make review FORCE=1)")
    i.add_argument("file", help="the filled .xlsx or the edited .qdpx")
    i.add_argument("--reviewer", default="", help="who reviewed (required for .qdpx; .xlsx rows may name theirs)")
    i.add_argument("--name", default="", help="the decisions file's name in CORPUS/review/ (default: the reviewer's)")
    r = sub.add_parser("reference", help="read one coder's codings of a QDA project into CORPUS/reference/NAME.csv")
    r.add_argument("file", help="the .qdpx the QDA tool exported")
    r.add_argument("--corpus", default="")
    r.add_argument("--coder", default="", help="whose codings (a user of the project; may be left out if it has one)")
    r.add_argument("--name", default="", help="the file's name in CORPUS/reference/ (default: the coder's)")
    args = parser.parse_args(argv)
    try:
        if args.command == "reference":  # writes only in CORPUS/reference/: no run, no OUT
            corpus = paths.resolve(args.corpus or None, paths.CORPUS_DIR)
            path = paths.resolve(args.file, paths.PROJ_ROOT) if args.file.strip() else None
            if path is None or not path.is_file() or path.suffix.lower() != ".qdpx":
                raise ReviewError(f"{args.file!r}: give FILE= the .qdpx file the QDA tool exported")
            target, n, unmapped = import_reference(corpus, path, args.coder, args.name, coding.codebook_for(corpus),
                                                   read_raw_texts(corpus))
            print(f"{n} codings written to {paths.copyable(target, None)}"
                  + (f"; left out, with codes not in the codebook: {', '.join(unmapped)}" if unmapped else "")
                  + "; notebook 03 and make evaluate score against them")
            return 0
        run = pipeline.Run.from_params(args.corpus, args.out)
        if args.command == "sample":
            written = write_review(run, args.per_code, args.near_miss, args.seed, force=args.force)
            drawn = io.read_csv(written["sample"]).astype({"start": "int64", "end": "int64"})
            n = len(drawn)
            filed = decisions.load(run.corpus, read_raw_texts(run.corpus), coding.codebook_for(run.corpus).ids)
            before = len(drawn.merge(filed[["file", "start", "end", "code"]].drop_duplicates(),
                                     on=["file", "start", "end", "code"]))
            if before:  # a sample drawn again, after an import: say what is decided already
                print(f"{before} of the {n} items are decided already in {paths.display(run.corpus)}/review/ (a "
                      "reviewer's earlier decision stands when they import the item again)")
            print(f"{n} items to review in {written['sheet']} (or {written['project']} in a QDA tool); then: "
                  f"make review-import CORPUS={shlex.quote(str(run.corpus))} OUT={shlex.quote(str(run.out))} "
                  "FILE=<the filled file> REVIEWER=<your name>")
            return 0
        sample = io.read_csv(run.path(SAMPLE_FILE)) if run.path(SAMPLE_FILE).exists() else None
        if sample is None:
            raise ReviewError(f"{run.path(SAMPLE_FILE)} is missing: run make review with the same "
                              "CORPUS and OUT first (the import checks the sheet against the sample)")
        sample = sample.astype({"item": int, "start": int, "end": int})
        codebook = coding.codebook_for(run.corpus)
        raw = read_raw_texts(run.corpus)
        if not args.file.strip():
            raise ReviewError("no file given: make review-import FILE=<the filled .xlsx or the edited .qdpx> "
                              "REVIEWER=<your name> (with the CORPUS and OUT of make review)")
        path = paths.resolve(args.file, paths.PROJ_ROOT)
        if not path.is_file():
            raise ReviewError(f"{path}: no such file; give the path of the filled .xlsx or the edited .qdpx")
        if path.suffix.lower() == ".qdpx":
            table, left, found = import_project(path, sample, args.reviewer, codebook, raw)
            spans = len(sample[["file", "start", "end"]].drop_duplicates())
            wrong = int((table["decision"] == "wrong").sum())  # by item (span and code): a span keeps its other codes
            print(f"{found} of the sample's {spans} spans have a coding in the project; {wrong} of its {len(sample)} "
                  "items lost their code's coding there and are filed as wrong")
            if left:  # said aloud: before, a near miss left as it was counted as missed
                print(f"{left} near miss(es) left as they were in the project: not reviewed (add the code "
                      f"'{MISSED_CODE}' where the code applies, delete the coding where it does not)")
        elif path.suffix.lower() == ".xlsx":
            table = read_sheet(path, sample, args.reviewer or None)
        else:
            raise ReviewError(f"{path.name}: give the filled .xlsx or the edited .qdpx")
        if table.empty:
            raise ReviewError(f"{path.name}: no decision in it (the column 'decision' is empty everywhere)"
                              if path.suffix.lower() == ".xlsx" else
                              f"{path.name}: no decision in it (every item is a near miss left as it was: "
                              f"delete the coding where the code does not apply, add the code "
                              f"'{MISSED_CODE}' where it does)")
        table, known, differ = new_decisions(table, decisions.load(run.corpus, raw, codebook.ids))
        if known:
            print(f"{known} item(s) the same reviewer decided before are left out: the earlier decision stands"
                  + (f" ({differ} of them differ from it; change the earlier file by hand if it was wrong)"
                     if differ else ""))
        if table.empty:
            raise ReviewError(f"{path.name}: every decision in it was filed before; nothing new to write")
        name = _file_stem(args.name, args.reviewer or str(table["reviewer"].iloc[0]), decisions.REVIEW_DIR)
        target = save_decisions(run.corpus, name, table, raw, codebook)
        print(f"{len(table)} decisions written to {target}; make report uses them")
        return 0
    except paths.OutputFolderError as exc:  # a refused OUT or a shortened path: status 2, as make report says it
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except (ReviewError, decisions.DecisionError, refi.RefiError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
