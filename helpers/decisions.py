"""Reviewers' decisions on the auto-coder's codes, and the correction layer they make.

A corpus folder may hold ``review/*.csv``: decisions of reviewers who read a sample of
sentences (drawn by :mod:`helpers.review`) and said whether a code applies to each. The
columns are ``file, start, end, code, decision, reviewer, note``:

``file, start, end``  the sentence: its raw file and the character offsets of
                      ``segments.csv`` (Python string indices into the decoded text)
``code``              a code of the corpus's codebook
``decision``          ``correct`` (the code applies to the sentence), ``wrong`` (it does
                      not) or ``unsure``
``reviewer``          who decided (not empty; not the auto-coder's name)
``note``              free text, may be empty

A decision is about a sentence and a code, whether or not the auto-coder gave that code:
on a coded sentence ``wrong`` marks a false positive; on a sentence it did not code
(a near miss) ``correct`` marks a code the auto-coder missed. Every file is checked on
load like a reference coding (:mod:`helpers.reliability`): an error names the file, its
line (the header is line 1) and what to do. The files are the reviewers' and are never
written by a run; :mod:`helpers.review` adds a new file when it imports a sheet and
refuses to replace one.

The correction layer (:func:`apply`) is the ``review`` column of ``coded.csv``
(:data:`helpers.tables.REVIEW_STATUSES`): per sentence and code, the reviewers'
*consensus* (:func:`consensus`): ``correct`` when every reviewer who decided
``correct`` or ``wrong`` said ``correct``, ``wrong`` when every one said ``wrong``;
reviewers who disagree, and ``unsure``, leave a code ``auto``. :func:`corrected` gives
the codes with the layer applied: the wrong ones dropped, the missed ones added.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Iterable, Mapping

import pandas as pd

from . import coding, paths, tables
from . import corpus as corpus_mod

REVIEW_DIR = paths.REVIEW_DIR  # CORPUS/review/*.csv
DECISION_COLUMNS = ["file", "start", "end", "code", "decision", "reviewer", "note"]
DECISIONS = ("correct", "wrong", "unsure")
AUTO_CODER = "auto-coder"  # the auto-coder's name everywhere (helpers.reliability.AUTO is it)
ADDED = "reviewed_added"  # a code the reviewers gave a sentence the auto-coder did not code with it
_KEY = ["file", "start", "end", "code"]
_AUTO, _CORRECT, _WRONG = tables.REVIEW_STATUSES
_STATUS = {"correct": _CORRECT, "wrong": _WRONG}  # a consensus decision → the row's review status


class DecisionError(ValueError):
    """A problem in a review decisions file, naming the file, the line and what to do."""


def review_files(corpus: Path) -> list[Path]:
    """The decision files of a corpus folder, ``review/*.csv`` sorted by name (empty when
    the folder does not exist); a ``review/`` or a decision file that is a symbolic link is
    refused (:class:`DecisionError`, naming it: :func:`helpers.corpus.own_files`)."""
    return corpus_mod.own_files(Path(corpus) / REVIEW_DIR, ".csv", DecisionError, "the decisions")


def _frame(rows: list[dict[str, object]] | pd.DataFrame) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=DECISION_COLUMNS).astype({"start": "int64", "end": "int64"})
    return df.sort_values(["file", "start", "end", "code", "reviewer"], kind="stable").reset_index(drop=True)


def empty() -> pd.DataFrame:
    """A decisions table with no rows (its columns and dtypes)."""
    return _frame([])


def load_file(path: Path, raw_texts: Mapping[str, str], code_ids: Iterable[str]) -> pd.DataFrame:
    """Read and validate one decisions CSV (UTF-8, a BOM tolerated, at least the columns
    of :data:`DECISION_COLUMNS` in any order). Returns the decisions sorted by file, start,
    end, code and reviewer. Raises :class:`DecisionError` naming the file and the line for:
    a missing column, a ragged row, a file not in ``raw/``, an offset that is not a whole
    number or outside the text (``start < 0``, ``end`` past its end, ``start >= end``), a
    code not in the codebook, a decision other than ``correct``, ``wrong`` or ``unsure``,
    an empty reviewer or the auto-coder's name, and a reviewer deciding the same sentence
    and code twice."""
    path = Path(path)
    return load_bytes(path.read_bytes(), path.name, raw_texts, code_ids)


def load_bytes(data: bytes, name: str, raw_texts: Mapping[str, str], code_ids: Iterable[str]) -> pd.DataFrame:
    """:func:`load_file` on a file's bytes, its messages naming it ``name`` (a file
    about to be written is checked before it exists)."""
    codes = list(code_ids)
    try:
        reader = corpus_mod.csv_rows(data)
    except corpus_mod.NotUtf8 as exc:
        raise DecisionError(f"{name} line {exc.line}: not valid UTF-8 (byte {exc.start}). Re-save the file as UTF-8.") \
            from exc
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        raise DecisionError(f"{name} line 1: the file is empty. It needs the header {','.join(DECISION_COLUMNS)}.") \
            from None
    missing = [c for c in DECISION_COLUMNS if c not in header]
    if missing:
        raise DecisionError(f"{name} line 1: missing column(s) {', '.join(missing)}; found {header}. "
                            f"The header must name {','.join(DECISION_COLUMNS)}.")
    pos = {c: header.index(c) for c in DECISION_COLUMNS}
    rows: list[dict[str, object]] = []
    seen: dict[tuple, int] = {}
    line = reader.line_num + 1
    for record in reader:
        where = f"{name} line {line}"
        first_line, line = line, reader.line_num + 1
        if not record or all(not f.strip() for f in record):
            continue
        if len(record) != len(header):
            raise DecisionError(f"{where}: {len(record)} fields, but the header has {len(header)}. "
                                "Put a note that holds commas or line breaks in double quotes.")
        value = {c: record[pos[c]] for c in DECISION_COLUMNS}
        file = corpus_mod.row_file(where, value["file"], raw_texts, DecisionError)
        offsets = {}
        for col in ("start", "end"):
            text = value[col].strip()
            if (number := corpus_mod.whole_number(text)) is None:
                raise DecisionError(f"{where}: {col} {text[:40]!r} is not a whole number (of at most 18 digits). "
                                    "Offsets are the sentence's start and end in segments.csv (character positions "
                                    "into the raw file).")
            offsets[col] = number
        start, end, length = offsets["start"], offsets["end"], len(raw_texts[file])
        if start < 0 or end > length or start >= end:
            raise DecisionError(f"{where}: the span {start}:{end} is empty or outside {file} (0..{length}). "
                                "Copy start and end from the review sheet or segments.csv.")
        code = value["code"].strip()
        if code not in codes:
            hint = difflib.get_close_matches(code, codes, n=1)
            did = f"Did you mean {hint[0]!r}? " if hint else ""
            raise DecisionError(f"{where}: code {code!r} is not in the codebook. {did}Use one of: {', '.join(codes)}.")
        decision = value["decision"].strip().lower()
        if decision not in DECISIONS:
            raise DecisionError(f"{where}: decision {value['decision']!r} is not one of {', '.join(DECISIONS)}. "
                                "Write correct (the code applies), wrong (it does not) or unsure.")
        reviewer = value["reviewer"].strip()
        if not reviewer:
            raise DecisionError(f"{where}: the reviewer is empty. Write who decided (a name or initials).")
        if reviewer.casefold() == AUTO_CODER.casefold():
            raise DecisionError(f"{where}: a reviewer cannot be called {AUTO_CODER!r}, the auto-coder's name. "
                                "Write who decided.")
        key = (file, start, end, code, reviewer)
        if key in seen:
            raise DecisionError(f"{where}: {reviewer!r} already decided {code} on {file} [{start}:{end}] "
                                f"(line {seen[key]}). Keep one of the two rows.")
        seen[key] = first_line
        rows.append({"file": file, "start": start, "end": end, "code": code, "decision": decision,
                     "reviewer": reviewer, "note": value["note"]})
    return _frame(rows)


def load(corpus: Path, raw_texts: Mapping[str, str], code_ids: Iterable[str]) -> pd.DataFrame:
    """Every decision of a corpus folder (:func:`review_files`, each by :func:`load_file`).
    A reviewer's same decision on the same sentence and code in two files counts once; two
    different decisions are refused, naming both files."""
    codes = list(code_ids)
    frames = [load_file(p, raw_texts, codes).assign(_source=p.name) for p in review_files(corpus)]
    if not frames:
        return empty()
    both = pd.concat(frames, ignore_index=True)
    # the same decision filed twice (two reviews of overlapping samples) counts once
    both = both.drop_duplicates(_KEY + ["reviewer", "decision"], keep="first")
    twice = both[both.duplicated(_KEY + ["reviewer"], keep=False)]
    if len(twice):
        r = twice.iloc[0]
        files = sorted(set(twice[(twice[_KEY + ["reviewer"]] == r[_KEY + ["reviewer"]]).all(axis=1)]["_source"]))
        raise DecisionError(f"{files[-1]}: {r.reviewer!r} decided {r.code} on {r.file} [{r.start}:{r.end}] otherwise "
                            f"in {', '.join(files[:-1])}. Keep one of the two decisions.")
    return _frame(both.drop(columns="_source"))


def consensus(decisions: pd.DataFrame) -> pd.DataFrame:
    """One row per sentence and code decided: ``file, start, end, code, consensus,
    reviewers`` (how many decided ``correct`` or ``wrong``). ``consensus`` is ``correct``
    or ``wrong`` when every such reviewer agrees, ``disputed`` when they do not, and
    ``unsure`` when nobody decided more than ``unsure``."""
    cols = _KEY + ["consensus", "reviewers"]
    if decisions.empty:
        return pd.DataFrame(columns=cols).astype({"start": "int64", "end": "int64", "reviewers": "int64"})
    firm = decisions[decisions["decision"] != "unsure"]
    votes = firm.groupby(_KEY)["decision"].agg(lambda d: d.iloc[0] if d.nunique() == 1 else "disputed")
    counts = firm.groupby(_KEY).size()
    keys = decisions[_KEY].drop_duplicates().set_index(_KEY).index
    out = pd.DataFrame(index=keys)
    out["consensus"] = votes.reindex(keys).fillna("unsure")
    out["reviewers"] = counts.reindex(keys).fillna(0).astype("int64")
    return out.reset_index()[cols].sort_values(_KEY, kind="stable").reset_index(drop=True)


def apply(coded: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``coded`` (the auto-coder's rows) with the correction layer: the ``review`` column,
    ``reviewed_correct`` or ``reviewed_wrong`` where the reviewers' :func:`consensus`
    on that sentence and code says so, else ``auto``. Rows and their order are kept."""
    out = coded.copy()
    out[tables.REVIEW_COLUMN] = _AUTO
    if decisions.empty or coded.empty:
        return out
    agreed = consensus(decisions)
    agreed = agreed[agreed["consensus"].isin(["correct", "wrong"])]
    status = {tuple(k): _STATUS[c] for k, c in zip(agreed[_KEY].itertuples(index=False), agreed["consensus"])}
    keys = coded[_KEY].astype({"start": "int64", "end": "int64"}).itertuples(index=False, name=None)
    out[tables.REVIEW_COLUMN] = [status.get(k, _AUTO) for k in keys]
    return out


def wrong_keys(coded: pd.DataFrame, decisions: pd.DataFrame) -> set[tuple[str, int, str]]:
    """``(file, start, code)`` of ``coded``'s rows whose sentence and code the reviewers
    agree are wrong (:func:`consensus` ``wrong``; a disputed or unsure one is not)."""
    if decisions.empty or coded.empty:
        return set()
    marked = apply(coded, decisions)
    return set(_row_keys(marked[marked[tables.REVIEW_COLUMN] == _WRONG]))


def _row_keys(coded: pd.DataFrame) -> list[tuple[str, int, str]]:
    """Each row's ``(file, start, code)``, as :func:`wrong_keys` gives them."""
    return list(zip(coded["file"].astype(str), coded["start"].astype(int), coded["code"].astype(str)))


def without_wrong(coded: pd.DataFrame, decisions: pd.DataFrame) -> pd.DataFrame:
    """``coded`` without the rows of :func:`wrong_keys`: the codes a page may quote as
    examples of a theme, whichever codes its counts are drawn from. The other rows and
    their order are kept, and so are ``coded``'s columns."""
    wrong = wrong_keys(coded, decisions)
    if not wrong:
        return coded
    return coded[[k not in wrong for k in _row_keys(coded)]]


WRONG_NOTE = "reviewed: wrong for this theme"  # how a page marks a code its reviewers agree is wrong


def flag_wrong(frame: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """``frame``'s ``columns`` (all when None; rows of coded sentences with ``coded.csv``'s
    ``review`` column, such as :func:`helpers.words.theme_concordance`'s lines) for a page,
    and ``reviewed``: :data:`WRONG_NOTE` where the reviewers agree the code is wrong and
    empty elsewhere, so that a table that shows such a sentence says so, as the drill-down
    does; when no row is (or ``frame`` has no ``review``), no such column (no column of
    blanks)."""
    out = frame[columns] if columns is not None else frame.drop(columns=tables.REVIEW_COLUMN, errors="ignore")
    if tables.REVIEW_COLUMN not in frame.columns:
        return out
    wrong = frame[tables.REVIEW_COLUMN] == _WRONG
    return out.assign(reviewed=wrong.map({True: WRONG_NOTE, False: ""})) if wrong.any() else out


def missed(coded: pd.DataFrame, decisions: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """Codes the reviewers agree apply (consensus ``correct``) to sentences the auto-coder
    did not give them: rows in the columns of ``coded.csv`` (``rules`` and ``matched``
    empty, ``review`` :data:`ADDED`), for sentences of ``segments``; a decision on a
    span that is no sentence of this run is left out."""
    cols = tables.file_columns("coded")
    agreed = consensus(decisions)
    agreed = agreed[agreed["consensus"] == "correct"][_KEY]
    if agreed.empty:
        return pd.DataFrame(columns=cols)
    new = agreed.merge(coded[_KEY].astype({"start": "int64", "end": "int64"}), how="left", on=_KEY, indicator=True)
    new = new[new["_merge"] == "left_only"].drop(columns="_merge")
    sentences = segments[["file", "doc_id", "paragraph", "sentence", "start", "end"]].astype({"start": "int64",
                                                                                              "end": "int64"})
    rows = new.merge(sentences, on=["file", "start", "end"])
    rows = rows.assign(rules="", matched="", **{tables.REVIEW_COLUMN: ADDED})
    return tables.sort(rows[cols])


def _codable(add: pd.DataFrame, segments: pd.DataFrame, codebook: coding.Codebook) -> pd.DataFrame:
    """The codes reviewers found missing (:func:`missed`) but those on a sentence of a kind
    the codebook does not code (``skip_kinds``: a title, a heading, a turn's label), which
    are left out with one warning naming each (raw file, offsets, code) and what to do: such
    a sentence has no words in a rate's "per 1,000 words" (:func:`helpers.findings.rate_words`),
    so counting its code would put a sentence over no words."""
    if add.empty or not codebook.skip_kinds or "kind" not in segments.columns:
        return add
    kinds = add[["file", "start"]].merge(segments[["file", "start", "kind"]].astype({"start": "int64"}),
                                         how="left", on=["file", "start"])["kind"]
    skipped = kinds.isin(codebook.skip_kinds).to_numpy()
    if skipped.any():
        named = "; ".join(f"{r.file} {r.start}–{r.end} {r.code} ({kind})"
                          for r, kind in zip(add[skipped].itertuples(), kinds[skipped]))
        corpus_mod.warn_once(
            f"review/: {int(skipped.sum())} decision(s) give a code to a sentence of a kind the codebook does not "
            f"code (skip_kinds: {', '.join(codebook.skip_kinds)}), left out of the corrected codes: {named}. To code "
            "such sentences, take their kind out of the codebook's skip_kinds.")
    return add[~skipped]


def corrected(coded: pd.DataFrame, decisions: pd.DataFrame, segments: pd.DataFrame,
              codebook: coding.Codebook) -> pd.DataFrame:
    """The codes with the correction layer applied: ``coded`` (with its ``review``
    column) without the rows reviewed wrong, with the codes reviewers found missing
    (:func:`missed`; not on a kind of sentence the codebook does not code, :func:`_codable`),
    by file and offset, then in codebook order. The findings'
    functions take it in place of ``coded.csv``."""
    if tables.REVIEW_COLUMN not in coded.columns:
        coded = apply(coded, decisions)
    kept = coded[coded[tables.REVIEW_COLUMN] != _WRONG]
    add = _codable(missed(coded, decisions, segments), segments, codebook)
    if add.empty:
        return tables.sort(kept.copy())
    both = pd.concat([kept, add.astype(kept.dtypes.to_dict())], ignore_index=True)
    return codebook.in_code_order(both, by=["file", "start"])
