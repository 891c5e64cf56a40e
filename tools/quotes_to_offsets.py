"""Turn annotators' quotes into a reference coding: files of ``file,code,quote[,occurrence]``
rows in (one coder's, perhaps one file per batch of texts), one ``file,start,end,code,quote``
file out (offsets into the raw file as ``helpers.corpus`` reads it,
``quote == raw[start:end]``), sorted by file, start, end and code.

Nothing is guessed or dropped: a quote that is not in its raw file exactly, or that occurs
more than once there without an ``occurrence`` (1-based) saying which, an occurrence that
is not a whole number of at least 1 or beyond the quote's count, a code the codebook does
not have, a quote across a blank line, and the same span and code twice (in one quote file
or two) all stop the conversion with the input's file and line named.

    .venv/bin/python tools/quotes_to_offsets.py corpus-dev2 corpus-dev2/reference/coding_G.csv corpus-dev2/annotations/G_*.csv
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import coding, io  # noqa: E402
from helpers import corpus as corpus_mod  # noqa: E402

COLUMNS = ("file", "code", "quote")


class QuoteError(ValueError):
    """A row that cannot become an offset, with the file and line."""


def _starts(text: str, quote: str) -> list[int]:
    return [m.start() for m in re.finditer(f"(?={re.escape(quote)})", text)]


def offsets(source: str, raw: dict[str, str], codes: set[str],
            seen: dict[tuple[str, int, int, str], tuple[str, int]] | None = None) -> pd.DataFrame:
    """The rows of the quote file ``source`` as offsets into ``raw`` (file name → text), in
    its order. A span and code (``file, start, end, code``) already in ``seen`` (from this
    file or, passed on, an earlier one: where it was, quote file and line) stops it."""
    with open(source, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise QuoteError(f"{source}: the header must name {', '.join(COLUMNS)} (and perhaps occurrence); "
                             f"missing {', '.join(missing)}.")
        out, seen = [], {} if seen is None else seen
        line = 1
        for row in reader:
            first, line = line + 1, reader.line_num
            where = f"{source} line {first}"
            file, code, quote = row["file"], row["code"], row["quote"]
            if file not in raw:
                raise QuoteError(f"{where}: {file!r} is not in raw/.")
            if code not in codes:
                raise QuoteError(f"{where}: {code!r} is not a code of the codebook.")
            if not quote or not quote.strip() or re.search(r"\n[ \t]*\r?\n", quote.replace("\r\n", "\n")):
                raise QuoteError(f"{where}: the quote is empty or crosses a blank line.")
            starts = _starts(raw[file], quote)
            if not starts:
                raise QuoteError(f"{where}: the quote is not in {file}; copy it exactly.")
            given = (row.get("occurrence") or "").strip()
            if not given and len(starts) > 1:
                raise QuoteError(f"{where}: the quote occurs {len(starts)} times in {file}; say which in 'occurrence'.")
            if given and not (given.isdigit() and 1 <= int(given) <= len(starts)):
                raise QuoteError(f"{where}: occurrence must be a whole number from 1 to {len(starts)}, not {given!r}.")
            start = starts[int(given) - 1 if given else 0]
            key = (file, start, start + len(quote), code)
            if key in seen:
                other, at = seen[key]
                raise QuoteError(f"{where}: the same quote and code as {'' if other == source else other + ' '}line {at}.")
            seen[key] = (source, first)
            out.append({"file": file, "start": start, "end": start + len(quote), "code": code, "quote": quote})
    return pd.DataFrame(out, columns=["file", "start", "end", "code", "quote"])


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print("usage: " + __doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    corpus, dest, *sources = argv
    root = Path(corpus)
    raw = corpus_mod.read_raw_texts(root)
    codes = set(coding.codebook_for(root).ids)
    seen: dict[tuple[str, int, int, str], tuple[str, int]] = {}  # one check over all the quote files
    try:
        tables = [offsets(source, raw, codes, seen) for source in sorted(sources)]
    except QuoteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    table = pd.concat(tables, ignore_index=True).sort_values(["file", "start", "end", "code"], kind="stable")
    io.write_csv(dest, table, spreadsheet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
