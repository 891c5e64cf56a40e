"""The benchmark's corpus format: JSON lines (``.jsonl`` or ``.jsonl.gz``), one document a line.

Each line is one JSON object with an ``id`` (a string or an integer) and a ``text``
(UTF-8; lines end in ``\\n`` or ``\\r\\n``; lines of white space only are skipped).
:func:`read_jsonl_corpus` reads such a file whole into documents ``file, doc_id, text``;
:class:`JsonlCorpus` is a :class:`helpers.stages.Source`: each partition is a range of
lines, read by whoever processes it (a Dask worker), so no process holds more than a
partition of text. A line that is not such an object stops the reading with an error
naming the file and the line.
"""

from __future__ import annotations

import gzip
import itertools
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd


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
        with _opener(self.path)(self.path, "rb") as f:
            if offset is None:
                lines = itertools.islice(f, first, stop)
            else:
                f.seek(offset)
                lines = itertools.islice(f, stop - first)
            rows = [_document(self.path, first + k, line) for k, line in enumerate(lines) if line.strip()]
        ids = [r["id"] for r in rows]
        return pd.DataFrame({"file": ids, "doc_id": ids, "text": [r["text"] for r in rows]}, dtype=object)
