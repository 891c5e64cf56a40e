"""How much the line screen's length tiers save, against one join of all patterns.

    python benchmarks/line_screen.py [--corpus PATH.jsonl.gz] [--fraction 0.1] [--repeats 5]

Cleaning tries every line against the ``line`` rules' patterns; a screen of joined patterns
clears most lines first (``clean._line_screen``). Its joins by line length
(``clean.SCREEN_LENGTHS``) leave out, for a long line, the patterns that cannot match one
that long. This times, in one process and alternating the two so that the machine's load
falls on both alike, (1) the screen alone over every line of the corpus and (2) the segment
stage (``stages.segment_documents``), each with the joins by length and with one join of
all patterns (``SCREEN_LENGTHS = (0,)``, the screen before them), checks that both give the
same decisions and the same tables, and prints the medians and their ratio.
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
TIERED, ONE_JOIN = clean.SCREEN_LENGTHS, (0,)


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
    screens = {lengths: clean._line_screen(tuple(rules), lengths) for lengths in (TIERED, ONE_JOIN)}
    decisions = {k: [s.may_match(ln) for ln in lines] for k, s in screens.items()}
    assert decisions[TIERED] == decisions[ONE_JOIN], "the joins by length decide a line differently"
    stages.segment_documents(docs.head(20), rules)  # the one-off loads (Punkt) before any timing
    times: dict[tuple[str, tuple[int, ...]], list[float]] = {}
    tables = {}
    for _ in range(args.repeats):
        for lengths in (ONE_JOIN, TIERED):
            t, _ = _timed(lambda s=screens[lengths]: [s.may_match(ln) for ln in lines])
            times.setdefault(("screen", lengths), []).append(t)
            clean.SCREEN_LENGTHS = lengths
            t, tables[lengths] = _timed(lambda: stages.segment_documents(docs, rules))
            times.setdefault(("segment", lengths), []).append(t)
    clean.SCREEN_LENGTHS = TIERED
    (s1, r1, d1), (s2, r2, d2) = tables[TIERED], tables[ONE_JOIN]
    same = s1.equals(s2) and r1.equals(r2) and d1 == d2
    mb = docs["text"].str.len().sum() / 1e6
    print(f"{len(docs)} documents, {mb:.1f} M characters, {len(lines)} lines; "
          f"{sum(decisions[TIERED])} lines pass the screen; tables identical: {same}")
    for what in ("screen", "segment"):
        old, new = (statistics.median(times[(what, k)]) for k in (ONE_JOIN, TIERED))
        print(f"{what:8s} one join: median {old:.2f} s of {[round(t, 2) for t in times[(what, ONE_JOIN)]]}; "
              f"by length: median {new:.2f} s of {[round(t, 2) for t in times[(what, TIERED)]]}; ratio {new / old:.2f}")


if __name__ == "__main__":
    main()
