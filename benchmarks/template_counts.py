"""How long the template rule's one pass over the raw files takes, against the segment stage.

    python benchmarks/template_counts.py [--corpus PATH.jsonl.gz] [--repeats 5]

Reads a JSON-lines corpus (by default the Riksdag interpellations in ../shared/bench/),
then times, in this process, ``stages.template_counts`` over all its documents
(``--repeats`` times), the same read from the file as ``run_corpus`` reads a source
(three times) and the segment stage (``stages.segment_documents`` with those
counts, as ``run_corpus`` runs it, three times), and prints each median and their ratio.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jsonl_corpus import JsonlCorpus, read_jsonl_corpus  # noqa: E402

from helpers import clean, paths, stages  # noqa: E402

DEFAULT = paths.PROJ_ROOT.parent / "shared" / "bench" / "riksdagen-interpellations.jsonl.gz"


def _median_seconds(f, repeats: int) -> tuple[float, list[float], object]:
    times, out = [], None
    for _ in range(repeats):
        t = time.perf_counter()
        out = f()
        times.append(time.perf_counter() - t)
    return statistics.median(times), times, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--corpus", default=str(DEFAULT))
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    docs = stages.as_documents(read_jsonl_corpus(args.corpus))
    rules = clean.load_rules()
    mb = docs["text"].str.len().sum() / 1e6
    count_s, count_all, counts = _median_seconds(lambda: stages.template_counts(docs, rules), args.repeats)
    src = JsonlCorpus(args.corpus)
    source_s, source_all, _ = _median_seconds(lambda: stages.template_counts(src, rules), 3)
    seg_s, seg_all, _ = _median_seconds(lambda: stages.segment_documents(docs, rules, counts), 3)
    print(f"{len(docs)} documents, {mb:.1f} M characters; {len(counts)} lines in enough files to count")
    print(f"template_counts: median {count_s:.2f} s of {[round(t, 2) for t in count_all]}")
    print(f"template_counts from the file, read again as run_corpus reads a Source: median {source_s:.2f} s "
          f"of {[round(t, 2) for t in source_all]}")
    print(f"segment stage:   median {seg_s:.2f} s of {[round(t, 2) for t in seg_all]}")
    print(f"ratio: {count_s / seg_s:.3f} (counting / segment)")


if __name__ == "__main__":
    main()
