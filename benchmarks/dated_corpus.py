"""A generated corpus folder of dated documents, to see the findings on many documents.

    python benchmarks/dated_corpus.py FOLDER [--docs 20] [--first 1995] [--last 2024] [--seed N]

writes ``FOLDER/raw/*.txt`` and ``FOLDER/metadata.csv`` (``file, doc_id, title, voice,
genre, date, date_inferred``): ``--docs`` documents whose text is the benchmark's
synthetic text (:func:`bench.synthetic_corpus`: sentences of the seed corpus with a third
of their content words replaced, so themes are coded in some sentences, not all), dated
evenly from ``--first`` to ``--last`` with every precision the metadata allows (a day, a
month, a year, an interval; one in seven inferred), spoken in one of six voices and
written in one of four genres. Deterministic for a seed. It has no ``study.yaml``: the
report shows it with the neutral wording of a corpus without a study description.
``make report CORPUS=FOLDER OUT=...`` reports on it; the tests of the figures use 20 and
200 documents.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench import synthetic_corpus  # noqa: E402 (benchmarks/ is on the path above)

VOICES = ["agency", "consultants", "journalists", "municipal officials", "politicians", "practitioners"]
GENRES = ["blog post", "debate article", "government report", "interpellation"]


def dated_date(n: int, docs: int, first: int, last: int, rng: random.Random) -> tuple[str, bool]:
    """The ``n``-th of ``docs`` dates spread evenly over the years ``first`` … ``last``,
    at a precision that cycles through day, month, year and interval; one in seven is
    marked inferred."""
    span = (last - first + 1) * 12
    month0 = (n * span) // max(docs, 1)
    year, month = first + month0 // 12, month0 % 12 + 1
    kind = n % 4
    if kind == 0:
        date = f"{year}-{month:02d}-{rng.randint(1, 28):02d}"
    elif kind == 1:
        date = f"{year}-{month:02d}"
    elif kind == 2:
        date = f"{year}"
    else:
        end = min(year + 1, last)
        date = f"{year}-{month:02d}/{end}-{month:02d}" if end > year else f"{year}-01/{year}-{month:02d}"
    return date, n % 7 == 3


def write_corpus(folder: Path, docs: int = 20, first: int = 1995, last: int = 2024, seed: int = 15) -> Path:
    """Write a corpus folder of ``docs`` dated documents (see the module's docstring)."""
    rng = random.Random(seed)
    texts: list[str] = []
    chars = 1500 * docs
    while len(texts) < docs:
        texts = [t for _, t in synthetic_corpus(chars, seed=seed)]
        chars *= 2
    raw = Path(folder) / "raw"
    raw.mkdir(parents=True, exist_ok=True)
    buf = io.StringIO()
    out = csv.writer(buf, lineterminator="\n")
    out.writerow(["file", "doc_id", "title", "voice", "genre", "date", "date_inferred"])
    for n in range(docs):
        date, inferred = dated_date(n, docs, first, last, rng)
        voice, genre = VOICES[rng.randrange(len(VOICES))], GENRES[rng.randrange(len(GENRES))]
        doc_id = f"{voice.split()[0][:8]}-{date[:4]}-{n:03d}"
        name = f"{n:03d}_{rng.getrandbits(32):08x}.txt"
        (raw / name).write_text(texts[n], encoding="utf-8")
        out.writerow([name, doc_id, f"Generated text {n + 1}", voice, genre, date, str(inferred).lower()])
    (Path(folder) / "metadata.csv").write_text(buf.getvalue(), encoding="utf-8")
    return Path(folder)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--docs", type=int, default=20)
    parser.add_argument("--first", type=int, default=1995)
    parser.add_argument("--last", type=int, default=2024)
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args(argv)
    if (args.folder / "raw").exists():
        parser.error(f"{args.folder}/raw exists already; give a new folder")
    write_corpus(args.folder, args.docs, args.first, args.last, args.seed)
    print(f"wrote {args.docs} documents to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
