"""Turn an annotator's quotes into a reference coding: ``file,code,quote[,occurrence]`` in,
``file,start,end,code,quote`` out (offsets into the raw file as ``helpers.corpus`` reads it,
``quote == raw[start:end]``), sorted by file, start, end and code.

A quote that is not in its raw file exactly (or not ``occurrence`` times), a code the
codebook does not have, or a quote across a blank line stops the conversion with the
input's line named: nothing is guessed or dropped.

    .venv/bin/python tools/quotes_to_offsets.py IN.csv corpus-dev2 corpus-dev2/reference/coding_G.csv
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import coding, io  # noqa: E402
from helpers import corpus as corpus_mod  # noqa: E402


def offsets(rows: list[dict], raw: dict[str, str], codes: set[str], source: str) -> pd.DataFrame:
    out = []
    for line, row in enumerate(rows, start=2):
        file, code, quote = row["file"], row["code"], row["quote"]
        where = f"{source} line {line}"
        if file not in raw:
            raise SystemExit(f"{where}: {file!r} is not in raw/.")
        if code not in codes:
            raise SystemExit(f"{where}: {code!r} is not a code of the codebook.")
        if not quote.strip() or "\n\n" in quote.replace("\r\n", "\n"):
            raise SystemExit(f"{where}: the quote is empty or crosses a blank line.")
        k = int(row.get("occurrence") or 1)
        start = -1
        for _ in range(k):
            start = raw[file].find(quote, start + 1)
            if start < 0:
                raise SystemExit(f"{where}: the quote is not in {file} (occurrence {k}); copy it exactly.")
        out.append({"file": file, "start": start, "end": start + len(quote), "code": code, "quote": quote})
    return pd.DataFrame(out).drop_duplicates().sort_values(["file", "start", "end", "code"], kind="stable")


def main(source: str, corpus: str, dest: str) -> int:
    root = Path(corpus)
    raw = {p.name: corpus_mod.read_raw(p).text for p in corpus_mod.list_raw_files(root)}
    codes = {c.id for c in coding.codebook_for(root).codes}
    with open(source, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    io.write_csv(dest, offsets(rows, raw, codes, source), spreadsheet=False)
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
