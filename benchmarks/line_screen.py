"""How much the line screen's length tiers and gates save, against one join of all patterns.

    python benchmarks/line_screen.py [--corpus PATH.jsonl.gz] [--fraction 0.1] [--repeats 5]

Cleaning tries every line against the ``line`` rules' patterns; a screen of joined patterns
clears most lines first (``clean._line_screen``). Its joins by line length
(``clean.SCREEN_LENGTHS``) leave out, for a long line, the patterns that cannot match one
that long; its gates (``clean.SCREEN_GATES``, ``clean._gate``) try a pattern that begins
with a run, and every searched one, only on a line that holds a text the pattern needs.
This times, in one process and alternating the three so that the machine's load falls on
all alike, (1) the screen alone over every line of the corpus and (2) the segment stage
(``stages.segment_documents``), each with one join of all patterns (``SCREEN_LENGTHS =
(0,)``, no gates: the screen before both), with the joins by length, and with the joins by
length and the gates (the screen in use); checks that all give the same decisions and the
same tables, and prints the medians and their ratios.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jsonl_corpus import read_jsonl_corpus  # noqa: E402

from helpers import clean, paths, stages  # noqa: E402

DEFAULT = paths.PROJ_ROOT.parent / "shared" / "bench" / "riksdagen-interpellations.jsonl.gz"
TIERED = clean.SCREEN_LENGTHS
VARIANTS = {"one join": ((0,), False), "by length": (TIERED, False), "gated": (TIERED, True)}


def _timed(f):
    t = time.perf_counter()
    out = f()
    return time.perf_counter() - t, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT))
    ap.add_argument("--fraction", type=float, default=0.1)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    docs = stages.as_documents(read_jsonl_corpus(args.corpus, args.fraction))
    rules = clean.load_rules()
    lines = [" ".join(ln.split()) for text in docs["text"] for ln in text.split("\n") if ln.strip()]
    screens = {name: clean._line_screen(tuple(rules), *v) for name, v in VARIANTS.items()}
    decisions = {k: [s.may_match(ln) for ln in lines] for k, s in screens.items()}
    assert all(d == decisions["gated"] for d in decisions.values()), "the screens decide a line differently"
    stages.segment_documents(docs.head(20), rules)  # the one-off loads (Punkt) before any timing
    times: dict[tuple[str, str], list[float]] = {}
    tables = {}
    for _ in range(args.repeats):
        for name, (lengths, gates) in VARIANTS.items():
            t, _ = _timed(lambda s=screens[name]: [s.may_match(ln) for ln in lines])
            times.setdefault(("screen", name), []).append(t)
            clean.SCREEN_LENGTHS, clean.SCREEN_GATES = lengths, gates
            t, tables[name] = _timed(lambda: stages.segment_documents(docs, rules))
            times.setdefault(("segment", name), []).append(t)
    clean.SCREEN_LENGTHS, clean.SCREEN_GATES = TIERED, True
    s1, r1, d1 = tables["gated"]
    same = all(s1.equals(s2) and r1.equals(r2) and d1 == d2 for s2, r2, d2 in tables.values())
    mb = docs["text"].str.len().sum() / 1e6
    print(f"{len(docs)} documents, {mb:.1f} M characters, {len(lines)} lines; "
          f"{sum(decisions['gated'])} lines pass the screen; tables identical: {same}")
    for what in ("screen", "segment"):
        med = {name: statistics.median(times[(what, name)]) for name in VARIANTS}
        shown = "; ".join(f"{name}: median {med[name]:.2f} s of {[round(t, 2) for t in times[(what, name)]]}"
                          for name in VARIANTS)
        print(f"{what:8s} {shown}")
        print(f"{'':8s} ratios: by length / one join {med['by length'] / med['one join']:.2f}, "
              f"gated / by length {med['gated'] / med['by length']:.2f}, gated / one join "
              f"{med['gated'] / med['one join']:.2f}")


if __name__ == "__main__":
    main()
