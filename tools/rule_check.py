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
keeps its sentences and tokens (pickles) so that later checks skip the segmenting, with a
stamp of what made them (the corpus file's size and time, the code and data of helpers): a
cache of another corpus or of other rules is made again. The texts of the development
corpora (their ``metadata.csv`` ids), which the coder is scored on, are left out, so that no
check reads them; how many is printed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.jsonl_corpus import read_jsonl_corpus  # noqa: E402
from helpers import coding, paths, pipeline, stages  # noqa: E402
from helpers import corpus as corpus_mod  # noqa: E402
from helpers.matcher import Bank, Matcher, Term  # noqa: E402

KEYS = ["file", "doc_id", "paragraph", "sentence"]


DEV_CORPORA = ("corpus-dev", "corpus-dev2")


def _stamp(corpus: Path) -> str:
    """What a cache of ``corpus`` was made from: the file's size and time, and the code and
    data the pipeline's tables are computed with (:func:`helpers.pipeline.code_inputs`)."""
    h = hashlib.sha256()
    st = corpus.stat()
    h.update(f"{corpus.resolve()}|{st.st_size}|{st.st_mtime_ns}".encode())
    for path in pipeline.code_inputs():
        h.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()


def held_out_ids() -> set[str]:
    """The document ids of the development corpora, whose texts the coder is scored on."""
    ids: set[str] = set()
    for name in DEV_CORPORA:
        if (paths.PROJ_ROOT / name / corpus_mod.METADATA_FILE).is_file():
            ids |= set(corpus_mod.load_metadata(paths.PROJ_ROOT / name)["doc_id"])
    return ids


def corpus_tables(corpus: Path, cache: Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(sentences, tokens)`` of a benchmark corpus; tokens ``sid, token``."""
    stamp = _stamp(corpus)
    if cache is not None and (cache / "seg.pkl").exists() and (cache / "stamp.json").exists():
        if json.loads((cache / "stamp.json").read_text(encoding="utf-8")).get("stamp") == stamp:
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
        (cache / "stamp.json").write_text(json.dumps({"stamp": stamp}) + "\n", encoding="utf-8")
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
    codebook = coding.load_codebook()
    rules = []
    for arg in args.rules:
        code, eq, text = arg.partition("=")
        if not eq or not text.strip():
            ap.error(f"{arg!r}: give a rule as CODE=rule, e.g. 'P_STAFF=brist* ~3 *lärare*'")
        if code not in codebook.ids:
            ap.error(f"{arg!r}: {code!r} is not a code of the codebook ({', '.join(codebook.ids)})")
        rules.append((code, text))
    if not args.corpus.is_file():
        ap.error(f"--corpus {args.corpus}: no such file")
    seg, tok = corpus_tables(args.corpus, args.cache)
    held = seg["doc_id"].isin(held_out_ids()).to_numpy()
    print(f"{int(held.sum())} sentences of {seg.loc[held, 'file'].nunique()} documents of the development "
          f"corpora left out (the coder is scored on them)")
    for n, (rows, already) in rule_hits(rules, seg, tok, codebook).items():
        keep = ~held[rows]
        rows, already = rows[keep], already[keep]
        code, text = rules[n]
        files = seg["file"].to_numpy()[rows]
        print(f"\n## {code} = {text!r}: {len(rows)} sentences in {len(set(files))} documents, "
              f"{int((~already).sum())} not yet coded {code}")
        pool = rows[~already] if args.new_only else rows
        rng = np.random.default_rng(args.seed)
        for i in sorted(rng.choice(pool, size=min(args.sample, len(pool)), replace=False).tolist()):
            text_i = " ".join(seg.at[i, "text"].split())
            shown = textwrap.fill(f"[{i}] {text_i}", 110, subsequent_indent="    ")
            print(shown if len(shown) <= 700 else shown[:700] + " […]")
    return 0


if __name__ == "__main__":
    sys.exit(main())
