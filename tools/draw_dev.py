"""Draw a development corpus's texts from the benchmark corpus of Riksdag interpellations.

For two more independent example codings: ``corpus-dev2/`` (48 texts, drawn
after codebook version 5 was frozen) and ``corpus-dev3/`` (48 texts, drawn after version 13
was frozen), each re-drawn byte for byte from its entry in :data:`DRAWS`.

Like ``corpus-dev``'s 2xx and 3xx, in four batches of 12: two drawn from all interpellations
(mixed topics) and two from those that name three stems of the governance themes; in all,
texts of 1,500 to 6,000 characters (so that a batch can be coded whole), none that an earlier
development corpus holds, drawn with the corpus's own seed. Each raw file is the corpus's
``text`` as it is; ``metadata.csv`` names the source.

    .venv/bin/python tools/draw_dev.py ../shared/bench/riksdagen-interpellations.jsonl.gz corpus-dev3

The folder's name says which entry of :data:`DRAWS` is drawn; ``--draw NAME`` names it for a
folder of another name (``/tmp/x --draw corpus-dev3``).
"""

from __future__ import annotations

import argparse
import csv
import gzip
import hashlib
import json
import random
import re
import sys
import unicodedata
from dataclasses import dataclass
from pathlib import Path

PER_GROUP = 12
SHORTEST, LONGEST = 1500, 6000
# Stems of the study's governance themes (from the codebook's labels and definitions, not
# any text's phrases): a text that holds three of them leans to the themes; the draw among
# those is still random.
STEMS = ("detaljstyr", "styrning", "byråkrati", "administrativ", "dokumentation", "uppföljning", "kontroll",
         "tillit", "handlingsutrymme", "helhetssyn", "samverkan", "personal", "kunskap", "förebygg", "brukare",
         "patient", "elev")
# How a stem is matched. corpus-dev2 was drawn with "anywhere": a stem counts anywhere in a word, a compound's
# head too ("personal" in "vårdpersonal", "kunskap" in "arbetsmiljökunskaper"), but also
# where it is no stem ("elev" in "relevant", "brukare" in "jordbrukare"). "word-starts" counts
# a stem only at the start of a word: no "relevant", and no compound heads either. It draws
# other texts (5 of corpus-dev2's 24 themed texts name three stems only inside words, and the
# seeded draw then takes other texts: it keeps the first batch, 4xx, and 3 of the other 36).
# corpus-dev2 is re-drawn with "anywhere", as it was drawn; corpus-dev3, a new corpus, was drawn
# with "word-starts", which counts only what is a stem.
MATCHINGS = {
    "anywhere": re.compile("|".join(STEMS), re.I),
    "word-starts": re.compile(r"(?<!\w)(?:" + "|".join(STEMS) + ")", re.I),
}
THEMES_NAMED = 3


@dataclass(frozen=True)
class Draw:
    """How one development corpus was drawn: its seed, each batch's first file number
    (``firsts``, drawn in this order), the batches drawn from all texts (``mixed``; the
    others from texts naming :data:`THEMES_NAMED` stems), how a stem is matched, and the
    corpora whose texts (and those texts asked again) it leaves out."""
    seed: int
    firsts: tuple[int, ...]
    mixed: tuple[int, ...]
    matching: str
    exclude: tuple[str, ...]


DRAWS = {
    "corpus-dev2": Draw(2026, (401, 501, 601, 701), (401, 601), "anywhere", ("corpus-dev",)),
    "corpus-dev3": Draw(2027, (801, 851, 901, 951), (801, 901), "word-starts", ("corpus-dev", "corpus-dev2")),
}


def slug(title: str, n: int = 40) -> str:
    text = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:n].rstrip("_")


def themes(text: str, matching: str) -> int:
    """How many of the stems (:data:`STEMS`) the text names, matched as ``matching`` says
    (:data:`MATCHINGS`)."""
    return len({m.group(0).lower() for m in MATCHINGS[matching].finditer(text)})


def body(text: str) -> str:
    """A text's first 500 characters after its title line, spaces squeezed."""
    return " ".join(text.split("\n", 1)[-1].split())[:500]


def topic(title: str) -> str:
    """The interpellation's subject: what follows the last ' om ' of its title."""
    title = title.replace("\u00ad", "")
    return title.rsplit(" om ", 1)[-1].strip() if " om " in title else title


def main(bench: str, out: str, name: str | None = None) -> int:
    """Draw the corpus ``name`` (:data:`DRAWS`; by default the name of ``out``) into the new
    folder ``out``."""
    name = name or Path(out).name
    if name not in DRAWS:
        print(f"draw_dev: no draw is defined for {name!r}: give --draw, one of {', '.join(sorted(DRAWS))}",
              file=sys.stderr)
        return 2
    draw = DRAWS[name]
    print(f"drawing {name}: seed {draw.seed}, stems matched {draw.matching}")
    root = Path(__file__).resolve().parents[1]
    dev = set()
    for corpus in draw.exclude:
        with open(root / corpus / "metadata.csv", encoding="utf-8") as f:
            dev |= {row["doc_id"] for row in csv.DictReader(f)}
    rows = [json.loads(line) for line in gzip.open(bench, "rt", encoding="utf-8")]
    # An interpellation asked again (same text, new number) is one text: keep its first
    # number, and none of a text that an excluded corpus holds.
    seen = {body(r["text"]) for r in rows if r["id"] in dev}
    pool = []
    for r in sorted(rows, key=lambda r: r["id"]):
        if body(r["text"]) not in seen and SHORTEST <= len(r["text"]) <= LONGEST:
            pool.append(r)
        seen.add(body(r["text"]))
    rng = random.Random(draw.seed)
    batches, taken = [], set()
    for first in draw.firsts:  # drawn in this order, so a later batch never changes an earlier one
        candidates = [r for r in pool if r["id"] not in taken
                      and (first in draw.mixed or themes(r["text"], draw.matching) >= THEMES_NAMED)]
        batch = rng.sample(candidates, PER_GROUP)
        taken |= {r["id"] for r in batch}
        batches.append((first, batch))
    out_dir = Path(out)
    (out_dir / "raw").mkdir(parents=True, exist_ok=False)
    meta = []
    for first, group in batches:
        for n, r in enumerate(sorted(group, key=lambda r: r["date"]), start=first):
            name = f"{n}_ipq_{r['date'][:4]}_{slug(topic(r['title']))}.txt"
            (out_dir / "raw" / name).write_bytes(r["text"].encode("utf-8"))
            meta.append({"file": name, "doc_id": r["id"], "title": r["title"].replace("\u00ad", ""),
                         "author": r["author"], "date": r["date"], "genre": "interpellation",
                         "source_url": f"shared/bench/riksdagen-interpellations.jsonl.gz id {r['id']} "
                                       "(swerik-project/riksdagen-interpellations v0.2.2)",
                         "rights": "Swedish official document (URL 9 §) – Riksdag document (interpellation)",
                         "note": "mixed topics" if first in draw.mixed else "names three stems of the governance themes"
                                 + ("" if draw.matching == "anywhere" else " (at a word's start)")})
    with open(out_dir / "metadata.csv", "w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(meta[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(meta)
    with open(out_dir / "SHA256SUMS", "w", encoding="utf-8", newline="\n") as f:
        for m in meta:
            digest = hashlib.sha256((out_dir / "raw" / m["file"]).read_bytes()).hexdigest()
            f.write(f"{digest}  raw/{m['file']}\n")
    return 0


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("bench", help="the benchmark corpus (BENCH.jsonl.gz)")
    ap.add_argument("out", help="a new folder to draw into")
    ap.add_argument("--draw", choices=sorted(DRAWS), help="which corpus to draw (default: the name of OUT)")
    args = ap.parse_args()
    sys.exit(main(args.bench, args.out, args.draw))
