"""Check candidate rules on a large unlabelled corpus before they enter the codebook.

For each rule (``CODE=rule``, in the rule language of :mod:`helpers.matcher`), the sentences
of the corpus it would code. They are coded by the coder itself
(:func:`helpers.coding.code_table`), with a copy of the codebook (``--codebook``, default the
study's) that holds the candidate rules too, so the code's ``exclude`` patterns and
``not_with`` rules and the codebook's ``skip_names`` and ``skip_kinds`` are applied exactly as
the coder applies them; a rule's hits are read from the coder's record of which rules fired.
Prints how many sentences it codes (and in how many documents, and how many of them no rule
of the code codes yet) and a seeded random sample of them to read and judge: does the
sentence carry the code by the codebook's definition? The judgements go to
``docs/rule-checks.csv`` (see ``docs/rule-checks.md``).

    .venv/bin/python tools/rule_check.py --corpus ../shared/bench/riksdagen-interpellations.jsonl.gz \\
        --cache /tmp/bench 'R_DISCRETION=lokal* ~3 *anpass*' 'P_STAFF=*söka* ~3 tjänst*'

``--compare OTHER.yaml`` codes the corpus with the codebook and with another codebook file
(a restriction, a pruning, a whole new version) and prints per code the sentences each codes,
those gained and those lost, with a seeded sample of each to read.

The corpus is a benchmark corpus (JSON lines, :mod:`benchmarks.jsonl_corpus`); ``--cache``
keeps its sentences and tokens (pickles) so that later checks skip the segmenting, with the
pipeline's stamp of what made them (:func:`helpers.pipeline.stamp_unless_changed`: the bytes
of the corpus file and of the code and data of helpers, hashed before the corpus is read and
again once the cache is written): a cache of another corpus or of other code is made again,
and one whose corpus file changed while it was being made is not stamped. The texts of the development
corpora (their ``metadata.csv`` ids), which the coder is scored on, are left out, so that no
check reads them; how many is printed.
"""

from __future__ import annotations

import argparse
import pickle
import sys
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.jsonl_corpus import read_jsonl_corpus  # noqa: E402
from helpers import coding, evaluation, io, paths, pipeline, stages  # noqa: E402
from helpers import corpus as corpus_mod  # noqa: E402
from helpers.matcher import rule_problems  # noqa: E402

KEYS = ["file", "doc_id", "paragraph", "sentence"]

CACHE_FILES = ("seg.pkl", "tok.pkl")  # in --cache, with the stamp pipeline.STAMP_FILE


def cache_inputs(corpus: Path) -> list[Path]:
    """What a cache of ``corpus`` is made from: the corpus file, and the code and data the
    pipeline's tables are computed with (:func:`helpers.pipeline.code_inputs`)."""
    return [corpus, *pipeline.code_inputs()]


def held_out_ids() -> set[str]:
    """The document ids of the development corpora, whose texts the coder is scored on."""
    ids: set[str] = set()
    for name in evaluation.DEVELOPMENT_CORPORA:
        if (paths.PROJ_ROOT / name / corpus_mod.METADATA_FILE).is_file():
            ids |= set(corpus_mod.load_metadata(paths.PROJ_ROOT / name)["doc_id"])
    return ids


def corpus_tables(corpus: Path, cache: Path | None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(sentences, tokens)`` of a benchmark corpus; tokens ``sid, token``. With a
    ``cache`` folder they are kept there and served while the stamp (the pipeline's:
    :func:`helpers.pipeline.stamped`) says the corpus file and the code are as they were
    made from; a corpus file changed while they were made is not stamped
    (:class:`helpers.pipeline.InputChangedError`), so the next check makes them again."""
    before = pipeline.snapshot(cache_inputs(corpus))  # before the corpus is read
    stamp = None if cache is None else cache / pipeline.STAMP_FILE
    if stamp is not None and all((cache / n).exists() for n in CACHE_FILES) and pipeline.stamped(stamp, before):
        return pd.read_pickle(cache / "seg.pkl"), pd.read_pickle(cache / "tok.pkl")
    res = stages.run_corpus(read_jsonl_corpus(corpus), keep=("segments", "tokens"), progress=False)
    seg = res.segments.reset_index(drop=True)
    sid_of = pd.Series(np.arange(len(seg)), index=pd.MultiIndex.from_frame(seg[KEYS]))
    sid = sid_of.reindex(pd.MultiIndex.from_frame(res.tokens[KEYS])).to_numpy()
    tok = pd.DataFrame({"sid": sid, "token": res.tokens["token"].to_numpy()})
    if stamp is not None:
        with io.terminate_as_interrupt():
            stamp.unlink(missing_ok=True)  # an interrupted write leaves no stamp over a half-new cache
            for name, table in zip(CACHE_FILES, (seg, tok)):
                io.write_bytes(cache / name, pickle.dumps(table, protocol=pickle.HIGHEST_PROTOCOL))
            pipeline.stamp_unless_changed(stamp, before, pipeline.snapshot(cache_inputs(corpus)),
                                          f"--cache {cache}", "the cached sentences and tokens", "the corpus file")
    return seg, tok


def themes_only(codebook: coding.Codebook) -> coding.Codebook:
    """A copy of ``codebook`` without its context attributes (sector, actors): they code
    no theme, and the coder would only spend time on them."""
    return codebook.model_copy(update={"attributes": {}, "attribute_defaults": {}, "attribute_scope": {},
                                        "attribute_exclude": {}})


def with_rules(codebook: coding.Codebook, rules: list[tuple[str, str]]) -> coding.Codebook:
    """A copy of ``codebook`` (:func:`themes_only`) in which each candidate rule (``(code,
    rule)``) is one more rule of its code, validated as a codebook file is."""
    data = themes_only(codebook).model_dump()
    terms = {c["id"]: c["terms"] for c in data["codes"]}
    for code, text in rules:
        if text not in terms[code]:
            terms[code].append(text)
    return coding.Codebook.model_validate(data)


def coded_rows(seg: pd.DataFrame, tok: pd.DataFrame, codebook: coding.Codebook) -> pd.DataFrame:
    """What the coder (:func:`helpers.coding.code_table`) codes in ``seg`` with
    ``codebook``: its ``coded`` table (``not_with``, ``skip_names`` and ``skip_kinds``
    applied by the coder), with ``sid``, each row's sentence row in ``seg`` (whose
    ``file, doc_id, paragraph, sentence`` name one sentence each)."""
    coded = coding.code_table(seg, tok, codebook)[0]
    sid = pd.MultiIndex.from_frame(seg[KEYS]).get_indexer(pd.MultiIndex.from_frame(coded[KEYS]))
    if (sid < 0).any():
        raise ValueError("the sentences' file, doc_id, paragraph and sentence must name one sentence each")
    return coded.assign(sid=sid.astype(np.int64))


def rule_hits(rules: list[tuple[str, str]], seg: pd.DataFrame, tok: pd.DataFrame,
              codebook: coding.Codebook) -> dict[int, tuple[np.ndarray, np.ndarray]]:
    """Per rule (its position in ``rules``): the sentence rows it codes, and whether the
    code's own rules code each of them already.

    The sentences are coded once by the coder, with a copy of the codebook that holds the
    candidate rules too (:func:`with_rules`); a rule's hits are the coded rows of its code
    whose rules that fired include it, and a hit is coded already when one of the code's
    rules in ``codebook`` fired there too. A hit the code's ``not_with`` cancels, in a
    skipped kind of text or on a name is not coded, so it is not counted."""
    coded = coded_rows(seg, tok, with_rules(codebook, rules))
    fired = coded[["sid", "code"]].assign(rule=coded["rules"].str.split("; ")).explode("rule")
    own = {(c.id, t) for c in codebook.codes for t in c.terms}
    fired["own"] = [(c, r) in own for c, r in zip(fired["code"].tolist(), fired["rule"].tolist())]
    already = fired.groupby(["code", "sid"])["own"].any()
    out = {}
    for n, (code, text) in enumerate(rules):
        rows = np.unique(fired.loc[(fired["code"] == code) & (fired["rule"] == text), "sid"].to_numpy(np.int64))
        out[n] = rows, already.loc[code].reindex(rows).to_numpy(bool) if rows.size else np.zeros(0, bool)
    return out


def compare(seg: pd.DataFrame, tok: pd.DataFrame, old: coding.Codebook,
            new: coding.Codebook) -> dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """Per code of either codebook (``old``'s order, then ``new``'s own): the sentence
    rows ``old`` codes with it, those ``new`` codes and not ``old`` (gained), and those
    ``old`` codes and not ``new`` (lost); both coded by the coder."""
    by = [{code: np.unique(sid.to_numpy(np.int64)) for code, sid in coded_rows(seg, tok, themes_only(cb)).groupby("code")["sid"]}
          for cb in (old, new)]
    empty = np.zeros(0, np.int64)
    out = {}
    for code in dict.fromkeys(old.ids + new.ids):
        a, b = (s.get(code, empty) for s in by)
        out[code] = a, np.setdiff1d(b, a), np.setdiff1d(a, b)
    return out


def _show(rows: np.ndarray, seg: pd.DataFrame, sample: int, seed: int) -> None:
    """A seeded random sample of ``sample`` of the sentence rows, in row order."""
    rng = np.random.default_rng(seed)
    for i in sorted(rng.choice(rows, size=min(sample, len(rows)), replace=False).tolist()):
        text_i = " ".join(seg.at[i, "text"].split())
        shown = textwrap.fill(f"[{i}] {text_i}", 110, subsequent_indent="    ")
        print(shown if len(shown) <= 700 else shown[:700] + " […]")


def _load(ap: argparse.ArgumentParser, option: str, path: Path | None) -> coding.Codebook:
    try:
        return coding.load_codebook(path)
    except (OSError, coding.CodebookError) as exc:
        ap.error(f"{option} {path}: {exc}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rules", nargs="*", help="CODE=rule")
    ap.add_argument("--corpus", type=Path, required=True)
    ap.add_argument("--cache", type=Path)
    ap.add_argument("--codebook", type=Path, help="the codebook to check against (default: the study's)")
    ap.add_argument("--compare", type=Path, metavar="CODEBOOK",
                    help="code the corpus with --codebook and with CODEBOOK, and show per code what CODEBOOK gains and loses")
    ap.add_argument("--sample", type=int, default=20)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--new-only", action="store_true", help="sample only sentences the code does not yet get")
    args = ap.parse_args(argv)
    if not args.rules and args.compare is None:
        ap.error("give rules to check (CODE=rule) or a codebook to compare with (--compare FILE)")
    codebook = _load(ap, "--codebook", args.codebook)
    other = None if args.compare is None else _load(ap, "--compare", args.compare)
    rules = []
    for arg in args.rules:
        code, eq, text = arg.partition("=")
        if not eq or not text.strip():
            ap.error(f"{arg!r}: give a rule as CODE=rule, e.g. 'P_STAFF=brist* ~3 *lärare*'")
        if code not in codebook.ids:
            ap.error(f"{arg!r}: {code!r} is not a code of the codebook ({', '.join(codebook.ids)})")
        text = " ".join(text.split())
        problems = rule_problems(text)
        if ";" in text:  # the coder's record joins the rules that fired with "; "
            problems.append("a rule with ';' could not be told apart in the coder's record of the rules that fired")
        if problems:
            ap.error(f"{arg!r}: {problems[0]}")
        rules.append((code, text))
    if not args.corpus.is_file():
        ap.error(f"--corpus {args.corpus}: no such file")
    try:
        seg, tok = corpus_tables(args.corpus, args.cache)
    except pipeline.InputChangedError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    held = seg["doc_id"].isin(held_out_ids()).to_numpy()
    print(f"{int(held.sum())} sentences of {seg.loc[held, 'file'].nunique()} documents of the development "
          f"corpora left out (the coder is scored on them)")
    files = seg["file"].to_numpy()
    for n, (rows, already) in (rule_hits(rules, seg, tok, codebook) if rules else {}).items():
        keep = ~held[rows]
        rows, already = rows[keep], already[keep]
        code, text = rules[n]
        print(f"\n## {code} = {text!r}: {len(rows)} sentences in {len(set(files[rows]))} documents, "
              f"{int((~already).sum())} not yet coded {code}")
        _show(rows[~already] if args.new_only else rows, seg, args.sample, args.seed)
    if other is not None:
        changes = {code: tuple(r[~held[r]] for r in rows) for code, rows in compare(seg, tok, codebook, other).items()}
        print(f"\n## {args.codebook or 'the study codebook'} against {args.compare}")
        print(f"{'code':<14} {'before':>7} {'after':>7} {'gained':>7} {'lost':>7}")
        for code, (before, gained, lost) in changes.items():
            print(f"{code:<14} {len(before):>7} {len(before) + len(gained) - len(lost):>7} "
                  f"{'+' + str(len(gained)):>7} {'-' + str(len(lost)):>7}")
        for code, (_, gained, lost) in changes.items():
            for sign, rows in (("gained", gained), ("lost", lost)):
                if len(rows):
                    print(f"\n### {code} {sign}: {len(rows)} sentences in {len(set(files[rows]))} documents")
                    _show(rows, seg, args.sample, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
