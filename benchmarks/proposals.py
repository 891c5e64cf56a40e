"""Proposed speed-ups for helpers/coding.py and helpers/clean.py, measured here by
patching them in (nothing in helpers/ is changed): identical outputs, time before/after.

    python benchmarks/proposals.py [--corpus PATH.jsonl.gz] [--fraction 0.05]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def fast_form_patterns(self, form: str) -> set[int]:
    """Matcher._form_patterns with look-ups only at the stem lengths the index holds
    (instead of every prefix/suffix length and every infix length × position)."""
    idx, out = self._index, set()
    if not hasattr(self, "_lens"):
        self._lens = {k: sorted({len(s) for s in idx[k]}) for k in ("prefix", "suffix")}
    out.update(idx["exact"].get(form, ()))
    n = len(form)
    pre, suf = idx["prefix"], idx["suffix"]
    for L in self._lens["prefix"]:
        if L > n:
            break
        hit = pre.get(form[:L])
        if hit:
            out.update(hit)
    for L in self._lens["suffix"]:
        if L > n:
            break
        hit = suf.get(form[n - L:])
        if hit:
            out.update(hit)
    inf = idx["infix"]
    for L in self._infix_lengths:
        if L > n:
            break
        for i in range(0, n - L + 1):
            hit = inf.get(form[i:i + L])
            if hit:
                out.update(hit)
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default="/work/shared/bench/riksdagen-interpellations.jsonl.gz")
    ap.add_argument("--fraction", type=float, default=0.05)
    a = ap.parse_args()
    from helpers import clean, coding, paths, scale

    docs = scale.read_jsonl_corpus(a.corpus, a.fraction)
    mb = docs["text"].str.len().sum() / 1e6
    cb = coding.codebook_for(paths.CORPUS_DIR)
    seg, _ = scale.segment_documents(docs)
    tok = scale.token_table(docs, seg)
    res = {}
    for name in ("before", "after"):
        scale._CODERS.clear()
        if name == "after":
            coding.Matcher._form_patterns = fast_form_patterns
        scale._coder(cb)
        t = time.perf_counter()
        res[name] = scale.code_table(seg, tok, cb)
        s = time.perf_counter() - t
        print(f"code stage, {name}: {mb / s:.2f} MB/s ({mb:.2f} MB, cold word caches)")
    same = all(x.astype(str).equals(y.astype(str)) for x, y in zip(res["before"], res["after"]))
    print("identical output:", same)
    return 0


if __name__ == "__main__":
    sys.exit(main())
