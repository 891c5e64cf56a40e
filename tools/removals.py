"""What cleaning removes from a corpus of JSON lines, rule by rule: to read before a furniture
rule is kept, on texts that have no web page around them.

The Riksdag benchmark corpus (``../shared/bench/``, :mod:`benchmarks.jsonl_corpus`) holds
parliamentary texts as the Riksdag publishes them, without menus, cookie banners or contact
panels: what a rule takes there is what it would take from a document's own text (a list
marker alone on a line is the one thing it should take). Prints, per rule, how many lines
it removed and in how many documents, and a seeded sample of them; ``--save FILE`` writes
every removal (``doc_id``, rule, the line) sorted by code point, as tab-separated lines, so
that two checkouts' rules can be compared line by line (``LC_ALL=C comm -3 old.tsv new.tsv``:
``comm`` in another locale expects another order). A sampled line is cut at 120 characters
("…" marks the cut); the saved lines are whole. Each document
is cleaned alone, so the ``template`` rule, which counts lines across a corpus, removes
nothing here.

    .venv/bin/python tools/removals.py --corpus ../shared/bench/riksdagen-interpellations.jsonl.gz --sample 5
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.jsonl_corpus import read_jsonl_corpus  # noqa: E402
from helpers import clean, io  # noqa: E402


def removals(documents: pd.DataFrame) -> list[tuple[str, str, str]]:
    """Every line the default rules remove from each of ``documents`` (``file, doc_id,
    text``, each cleaned alone): ``(doc_id, rule, the line with its white space squeezed)``, sorted."""
    rules = clean.load_rules()
    rows = []
    for doc in documents.itertuples(index=False):
        _, removed = clean.segment(doc.text, doc.file, rules)
        rows += [(str(doc.doc_id), r["rule"], " ".join(r["text"].split())) for r in removed]
    return sorted(rows)


SHOWN = 120  # characters of a sampled line shown


def report(rows: list[tuple[str, str, str]], documents: int, sample: int, seed: int) -> str:
    """Lines removed per rule, in how many documents, and ``sample`` of each rule's lines."""
    lines = Counter(rule for _, rule, _ in rows)
    docs = defaultdict(set)
    by_rule = defaultdict(list)
    for doc_id, rule, text in rows:
        docs[rule].add(doc_id)
        by_rule[rule].append((doc_id, text))
    out = [f"{documents} documents, {len(rows)} lines removed by {len(lines)} rules (each document cleaned alone)"]
    for rule, n in sorted(lines.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"{rule}: {n} lines in {len(docs[rule])} documents")
        picked = random.Random(f"{seed}:{rule}").sample(by_rule[rule], min(sample, n))
        out += [f"    {doc_id}: {text if len(text) <= SHOWN else text[:SHOWN] + '…'}" for doc_id, text in picked]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", type=Path, required=True, help="a corpus of JSON lines (.jsonl or .jsonl.gz)")
    ap.add_argument("--sample", type=int, default=5, help="lines shown per rule (default 5)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the sample (default 0)")
    ap.add_argument("--save", type=Path, help="write every removal here as doc_id<TAB>rule<TAB>line, sorted")
    a = ap.parse_args(argv)
    if a.sample < 0:
        ap.error(f"--sample {a.sample}: give 0 or more lines per rule (0 shows the counts only)")
    if not a.corpus.is_file():
        ap.error(f"--corpus {a.corpus}: no such file; give a corpus of JSON lines, e.g. "
                 "../shared/bench/riksdagen-interpellations.jsonl.gz")
    documents = read_jsonl_corpus(a.corpus)
    rows = removals(documents)
    print(report(rows, len(documents), a.sample, a.seed))
    if a.save is not None:
        io.write_text(a.save, "".join(f"{d}\t{r}\t{t}\n" for d, r, t in rows))
        print(f"every removal: {a.save}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
