"""The output contract: every table the stages produce, its columns, dtypes, order and files.

Under a run's output folder (``OUT``, default ``build/``):

``segments.csv``   one row per sentence: ``file, doc_id, paragraph, sentence, start, end,
                   text, tokens, sector, actors, kind`` (``kind``: title, heading,
                   paragraph, list_item, caption, speaker, dateline, byline or quote; see
                   :mod:`helpers.structure`; a turn's label "IP:" is a speaker sentence
                   of its own, before the turn's text)
``removed.csv``    one row per removal: ``file, start, end, rule, text``
``documents.csv``  one row per document (a file, or an entry of a diary-like file):
                   ``doc_id, file, parent, entry, start, end, place, date, date_precision,
                   date_inferred, date_source`` and the metadata's other columns
``tokens.csv``     one row per word token: ``file, doc_id, paragraph, sentence, start,
                   end, token, lemma, stop`` (raw offsets; lemma from simplemma)
``coded.csv``      one row per (sentence, code): ``file, doc_id, paragraph, sentence,
                   start, end, code, rules, matched, review``; ``review`` is the
                   correction layer over the auto-coder (:data:`REVIEW_STATUSES`):
                   ``auto`` (no reviewer decided on this sentence and code),
                   ``reviewed_correct`` or ``reviewed_wrong`` (the decisions of
                   ``CORPUS/review/*.csv`` on it, :mod:`helpers.decisions`; reviewers who
                   disagree leave it ``auto``; the corrected codes of
                   :func:`helpers.pipeline.corrected` add ``reviewed_added`` rows, never
                   written here). The stages compute the columns up to
                   ``matched`` (:data:`CODED_COLUMNS`); the pipeline adds ``review``
``suppressed.csv`` hits a code's ``not_with`` context cancelled, or the codebook's ``scope`` (a
                   document naming too little of it), its reason "scope: …": the columns of
                   ``coded.csv`` and ``suppressed_by, suppressing_words``

Read beside them from the corpus folder (inputs, not outputs): ``reference/NAME.csv`` (a
coder's spans, ``file, start, end, code, quote``) and, optional, ``reference/NAME.files``
(the raw files that coder read, one name a line; only the files every such list names are
scored, :func:`helpers.reliability.scored_files`; without lists, every file).

All but ``documents.csv`` are sorted by file and offset (``documents.csv`` by file, start
and entry); UTF-8 without BOM, ``\\n`` line ends, written atomically (:mod:`helpers.io`).
Read back with :func:`read`, integer columns are integers and ``stop`` is a bool.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import io

SENTENCE_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text", "kind"]
SEGMENT_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text", "tokens", "sector", "actors",
                   "kind"]
REMOVED_COLUMNS = ["file", "start", "end", "rule", "text"]
DOCUMENT_COLUMNS = ["doc_id", "file", "parent", "entry", "start", "end", "place", "date",
                    "date_precision", "date_inferred", "date_source"]
TOKEN_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "token", "lemma", "stop"]
CODED_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "code", "rules", "matched"]
SUPPRESSED_COLUMNS = CODED_COLUMNS + ["suppressed_by", "suppressing_words"]
# the correction layer: the last column of coded.csv, added by the pipeline after the stages
REVIEW_COLUMN = "review"
REVIEW_STATUSES = ("auto", "reviewed_correct", "reviewed_wrong")
# columns a table's file holds beyond what the stages compute, with their value when unset
LAYER_COLUMNS = {"coded": {REVIEW_COLUMN: "auto"}}

COLUMNS = {"segments": SEGMENT_COLUMNS, "removed": REMOVED_COLUMNS, "documents": DOCUMENT_COLUMNS,
           "tokens": TOKEN_COLUMNS, "coded": CODED_COLUMNS, "suppressed": SUPPRESSED_COLUMNS}
INT_COLUMNS = ["paragraph", "sentence", "start", "end", "tokens"]
BOOL_COLUMNS = ["stop"]  # written "true"/"false"
SORT = ["file", "start"]
DOCUMENT_SORT = ["file", "start", "entry"]
# what the stages compute, in the order they do; documents.csv is finished with the metadata
STAGE_TABLES = ("segments", "removed", "documents", "tokens", "coded", "suppressed")
FILES = [f"{name}.csv" for name in COLUMNS]
# tables without a copy for spreadsheet programs (io.write_csv): a token is a word or a
# number, never the start of a formula, and the table is the largest
NO_SPREADSHEET_COPY = ("tokens",)


@dataclass
class Tables:
    """The stages' tables for a batch or a corpus (``None`` when not kept);
    ``documents`` is a list of rows (dicts) until the metadata completes it."""

    segments: pd.DataFrame | None = None
    removed: pd.DataFrame | None = None
    documents: list[dict] | None = None
    tokens: pd.DataFrame | None = None
    coded: pd.DataFrame | None = None
    suppressed: pd.DataFrame | None = None
    stats: dict = field(default_factory=dict)

    def __getitem__(self, name: str):
        return getattr(self, name)


def sort(df: pd.DataFrame) -> pd.DataFrame:
    """A table in the contract's order: by file and offset (stable)."""
    return df.sort_values(SORT, kind="stable").reset_index(drop=True)


def path(out: Path, name: str) -> Path:
    """The file of table ``name`` in an output folder."""
    return Path(out) / f"{name}.csv"


def out_files() -> list[str]:
    """The files the tables are written to, relative to the output folder: each table
    (:data:`FILES`) and its copy for spreadsheet programs (:func:`helpers.io.write_csv`)."""
    return FILES + [f"{io.SPREADSHEET_DIR}/{name}.csv" for name in COLUMNS if name not in NO_SPREADSHEET_COPY]


def file_columns(name: str) -> list[str]:
    """The columns of table ``name``'s file: what the stages compute, then its layer
    columns (:data:`LAYER_COLUMNS`: ``review`` for ``coded``)."""
    return COLUMNS[name] + list(LAYER_COLUMNS.get(name, {}))


def write(out: Path, name: str, df: pd.DataFrame) -> Path:
    """Write table ``name`` atomically: its contract columns first (``documents`` keeps
    the metadata's further columns after them); a layer column the table lacks is
    written with its unset value (``review``: ``auto``)."""
    cols = file_columns(name)
    if name == "documents":
        cols = cols + [c for c in df.columns if c not in cols]
    missing = {c: v for c, v in LAYER_COLUMNS.get(name, {}).items() if c not in df.columns}
    if missing:
        df = df.assign(**missing)
    return io.write_csv(path(out, name), df[cols], spreadsheet=name not in NO_SPREADSHEET_COPY)


def read(out: Path, name: str) -> pd.DataFrame:
    """Read table ``name`` back with its dtypes (integers, ``stop`` as a bool, text as
    text with empty strings kept)."""
    df = io.read_csv(path(out, name))
    for c in INT_COLUMNS:
        if c in df.columns:
            df[c] = df[c].astype(int)
    for c in BOOL_COLUMNS:
        if c in df.columns:
            df[c] = df[c] == "true"
    if name == "documents":
        return df
    return df[file_columns(name)]
