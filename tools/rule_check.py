"""Check candidate rules on a large unlabelled corpus before they enter the codebook.

For each rule (``CODE=rule``, in the rule language of :mod:`helpers.matcher`), the sentences
of the corpus it would code: with the code's ``exclude`` patterns, ``not_with`` rules and
the codebook's ``skip_names`` and ``skip_kinds`` applied, as the coder applies them. Prints
how many sentences it codes (and in how many documents, and how many of them no rule of the
code codes yet) and a seeded random sample of them to read and judge: does the sentence
carry the code by the codebook's definition? The judgements go to ``docs/rule-checks.csv``
(see ``docs/rule-checks.md``).

    .venv/bin/python tools/rule_check.py --corpus ../shared/bench/riksdagen-interpellations.jsonl.gz \\
        --cache /tmp/bench 'R_DISCRETION=lokal* ~3 *anpass*' 'P_STAFF=*söka* ~3 tjänst*'

The corpus is a benchmark corpus (JSON lines, :mod:`benchmarks.jsonl_corpus`); ``--cache``
keeps its sentences and tokens (pickles) so that later checks skip the segmenting.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.jsonl_corpus import read_jsonl_corpus  # noqa: E402
from helpers import coding, stages  # noqa: E402
from helpers.matcher import Bank, Matcher, Term  # noqa: E402

KEYS = ["file", "doc_id", "paragraph", "sentence"]


def corpus_tables(corpus: Path, cache: Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(sentences, tokens)`` of a benchmark corpus; tokens ``sid, token``."""
    if cache is not None and (cache / "seg.pkl").exists():
        return pd.read_pickle(cache / "seg.pkl"), pd.read_pickle(cache / "tok.pkl")
    res = stages.run_corpus(read_jsonl_corpus(corpus), keep=("segments", "tokens"), progress=False)
    seg = res.segments.reset_index(drop=True)
    sid_of = pd.Series(np.arange(len(seg)), index=pd.MultiIndex.from_frame(seg[KEYS]))
    sid = sid_of.reindex(pd.MultiIndex.from_frame(res.tokens[KEYS])).to_numpy()
    tok = pd.DataFrame({"sid": sid, "token": res.tokens["token"].to_numpy()})
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        seg.to_pickle(cache / "seg.pkl")
        tok.to_pickle(cache / "tok.pkl")
    return seg, tok


def rule_hits(rules: list[tuple[str, str]], seg: pd.DataFrame, tok: pd.DataFrame,
              codebook: coding.Codebook) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per rule (its position in ``rules``): the sentence rows it codes, and whether the
    code's own rules code each of them already."""
    from helpers.clean import lemma

    cb_codes = {c.id: c for c in codebook.codes}
    terms = [Term.parse(str(n), text, cb_codes[code].exclude) for n, (code, text) in enumerate(rules)]
    matchers = {"new": Matcher(terms, lemma, skip_names=codebook.skip_names),
                "codes": coding.code_matcher(codebook), "not_with": coding.not_with_matcher(codebook)}
    bank = Bank(matchers, lemma)
    part = bank.partition(tok)
    skipped = seg["kind"].isin(codebook.skip_kinds).to_numpy()

    def by_label(name: str) -> dict[str, set[int]]:
        labels = bank.matchers[name].labels
        out: dict[str, set[int]] = {}
        for s, lab in bank.labels_by_sentence(name, part):
            out.setdefault(labels[lab], set()).add(s)
        return out

    new, old, blocked = by_label("new"), by_label("codes"), by_label("not_with")
    out = {}
    for n, (code, _) in enumerate(rules):
        rows = np.array(sorted(s for s in new.get(str(n), ()) if not skipped[s] and s not in blocked.get(code, ())),
                        dtype=np.int64)
        out[n] = rows, np.isin(rows, sorted(old.get(code, ())))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rules", nargs="+", help="CODE=rule")
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--new-only", action="store_true", help="sample only sentences the code does not yet get")
    args = ap.parse_args(argv)
    rules = [tuple(r.split("=", 1)) for r in args.rules]
    codebook = coding.load_codebook()
    seg, tok = corpus_tables(args.corpus, args.cache)
    for n, (rows, already) in rule_hits(rules, seg, tok, codebook).items():
        code, text = rules[n]
        docs = seg["doc_id"].to_numpy()[rows]
        print(f"\n## {code} = {text!r}: {len(rows)} sentences in {len(set(docs))} documents, "
              f"{int((~already).sum())} not yet coded {code}")
        pool = rows[~already] if args.new_only else rows
        rng = np.random.default_rng(args.seed)
        for i in sorted(rng.choice(pool, size=min(args.sample, len(pool)), replace=False).tolist()):
            text_i = " ".join(seg.at[i, "text"].split())
            print(textwrap.fill(f"[{i}] {text_i}", 110, subsequent_indent="    ")[:700])
    return 0


if __name__ == "__main__":
    sys.exit(main())
