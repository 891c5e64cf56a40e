"""Draw the texts of ``corpus-dev2/``: 48 Riksdag interpellations from the benchmark corpus
that are not in ``corpus-dev/``, for two more independent example codings.

Like ``corpus-dev``'s 2xx and 3xx, in four batches of 12: drawn from all interpellations
(``4xx``, ``6xx``, mixed topics) and from those that name three stems of the governance
themes (``5xx``, ``7xx``); in all, texts of 1,500 to 6,000
characters (so that a batch can be coded whole), drawn with a fixed seed. Each raw file is
the corpus's ``text`` as it is; ``metadata.csv`` names the source. A stem counts anywhere in
a word, as it did when corpus-dev2 was drawn (``--matching anywhere``, the default);
``--matching word-starts`` counts it only at a word's start, and draws other texts
(:data:`MATCHINGS`).

    .venv/bin/python tools/draw_dev2.py ../shared/bench/riksdagen-interpellations.jsonl.gz corpus-dev2
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
from pathlib import Path

SEED = 2026
PER_GROUP = 12
FIRSTS = (401, 501, 601, 701)  # each batch's first file number
MIXED = (401, 601)  # batches drawn from all texts; the others from texts naming the themes
SHORTEST, LONGEST = 1500, 6000
# Stems of the study's governance themes (from the codebook's labels and definitions, not
# any text's phrases): a text that holds three of them leans to the themes; the draw among
# those is still random.
STEMS = ("detaljstyr", "styrning", "byråkrati", "administrativ", "dokumentation", "uppföljning", "kontroll",
         "tillit", "handlingsutrymme", "helhetssyn", "samverkan", "personal", "kunskap", "förebygg", "brukare",
         "patient", "elev")
# How a stem is matched. corpus-dev2 was drawn with "anywhere" (DRAWN_WITH), the default, so
# that the tool re-draws it byte for byte: a stem counts anywhere in a word, a compound's
# head too ("personal" in "vårdpersonal", "kunskap" in "arbetsmiljökunskaper"), but also
# where it is no stem ("elev" in "relevant", "brukare" in "jordbrukare"). "word-starts" counts
# a stem only at the start of a word: no "relevant", and no compound heads either. It draws
# other texts (5 of corpus-dev2's 24 themed texts name three stems only inside words, and the
# seeded draw then takes other texts: it keeps the first batch, 4xx, and 3 of the other 36),
# so it is for a new corpus only, never to re-draw corpus-dev2.
MATCHINGS = {
    "anywhere": re.compile("|".join(STEMS), re.I),
    "word-starts": re.compile(r"(?<!\w)(?:" + "|".join(STEMS) + ")", re.I),
}
DRAWN_WITH = "anywhere"  # the matching that drew the committed corpus-dev2
THEMES_NAMED = 3


def slug(title: str, n: int = 40) -> str:
    text = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text).strip("_")[:n].rstrip("_")


def themes(text: str, matching: str = DRAWN_WITH) -> int:
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


def main(bench: str, out: str, matching: str = DRAWN_WITH) -> int:
    print(f"stems matched {matching}" + (" (as corpus-dev2 was drawn)" if matching == DRAWN_WITH else
                                         f"; corpus-dev2 was drawn with --matching {DRAWN_WITH}, this draw differs"))
    with open(Path(__file__).resolve().parents[1] / "corpus-dev" / "metadata.csv", encoding="utf-8") as f:
        dev = {row["doc_id"] for row in csv.DictReader(f)}
    rows = [json.loads(line) for line in gzip.open(bench, "rt", encoding="utf-8")]
    # An interpellation asked again (same text, new number) is one text: keep its first
    # number, and none of a text that corpus-dev holds.
    seen = {body(r["text"]) for r in rows if r["id"] in dev}
    pool = []
    for r in sorted(rows, key=lambda r: r["id"]):
        if body(r["text"]) not in seen and SHORTEST <= len(r["text"]) <= LONGEST:
            pool.append(r)
        seen.add(body(r["text"]))
    rng = random.Random(SEED)
    batches, taken = [], set()
    for first in FIRSTS:  # drawn in this order, so a later batch never changes an earlier one
        candidates = [r for r in pool if r["id"] not in taken
                      and (first in MIXED or themes(r["text"], matching) >= THEMES_NAMED)]
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
                         "note": "mixed topics" if first in MIXED else "names three stems of the governance themes"
                                 + ("" if matching == DRAWN_WITH else f" (matched at {matching})")})
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
    ap.add_argument("--matching", choices=sorted(MATCHINGS), default=DRAWN_WITH,
                    help=f"how a theme stem is matched (default {DRAWN_WITH}: as corpus-dev2 was drawn)")
    args = ap.parse_args()
    sys.exit(main(args.bench, args.out, args.matching))
