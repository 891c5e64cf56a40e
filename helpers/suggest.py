"""Candidate terms for a code: words a researcher may want to add to its rules.

A code's rules find the sentences that use its words. Words that are over-represented in
and around those sentences, and that none of the code's word patterns matches yet, are
candidates: often other ways of saying the theme (verbs, paraphrases, the theme's usual
objects), sometimes only the topic's usual company. They are **suggestions to read in
context and accept or reject**, never applied: each comes with the number of uncoded
sentences that contain it (what a rule with it could add) and one of them as an example.
A larger corpus than the one being coded gives better suggestions (the 38 MB Riksdag
corpus of ``make bench`` is one); the coded sentences it starts from are the auto-coder's,
so a code that finds little finds little to learn from.

**Method.** The *target* is the sentences coded with the code and the ``window``
sentences either side of each in the same document; the *rest* is every other sentence.
For each lemma (stop words, numbers, words shorter than ``min_length`` and first parts of
coordinated compounds not counted), ``a`` = its count in the target, ``b`` = in the rest,
``c`` and ``d`` the word counts of the two; Dunning's G² of the 2 × 2 table
(:func:`helpers.words.log_likelihood`) ranks the words relatively more frequent in the
target (``ratio = (a / c) / (b / d)``, ``inf`` when ``b = 0``), seen at least ``min_count``
times there and in at least ``min_documents`` documents (so one text cannot fill the list).
With the codebook's ``skip_names``, words the codes pass over as names
(:func:`helpers.matcher.is_name`) are not counted either.
"""

from __future__ import annotations

import argparse
import sys

import numpy as np
import pandas as pd

from . import coding, io, paths, pipeline, words
from .coding import Codebook
from .matcher import Term, is_name

COLUMNS = ["word", "in_target", "in_rest", "G2", "ratio", "documents", "uncoded_sentences", "example_file",
           "example_start", "example"]
KEYS = ["file", "doc_id", "paragraph", "sentence"]


def _code_patterns(codebook: Codebook, code: str) -> list:
    c = codebook.code(code)
    return sorted({w for text in c.terms for w in Term.parse(c.id, text).words}, key=lambda w: w.text)


def _sentence_numbers(segments: pd.DataFrame) -> pd.Series:
    return pd.Series(np.arange(len(segments)), index=pd.MultiIndex.from_frame(segments[KEYS]))


def target_sentences(segments: pd.DataFrame, coded: pd.DataFrame, code: str, window: int = 1
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Per row of ``segments`` (in their order): is it in the target (coded with ``code``,
    or at most ``window`` sentences from one such in the same document), and is it coded."""
    seg = segments.reset_index(drop=True)
    found = _sentence_numbers(seg).reindex(pd.MultiIndex.from_frame(coded.loc[coded["code"] == code, KEYS]))
    coded_sids = np.unique(found.dropna().to_numpy().astype(np.int64))
    doc = (seg["file"].astype(str) + "\x00" + seg["doc_id"].astype(str)).to_numpy()
    target = np.zeros(len(seg), dtype=bool)
    for shift in range(-window, window + 1):
        near = coded_sids + shift
        keep = (near >= 0) & (near < len(seg))
        near, origin = near[keep], coded_sids[keep]
        target[near[doc[near] == doc[origin]]] = True
    coded_any = np.zeros(len(seg), dtype=bool)
    coded_any[coded_sids] = True
    return target, coded_any


def candidate_terms(segments: pd.DataFrame, tokens: pd.DataFrame, coded: pd.DataFrame, codebook: Codebook,
                    code: str, top: int = 25, window: int = 1, min_count: int = 3, min_documents: int = 2,
                    min_length: int = 4) -> pd.DataFrame:
    """The ``top`` candidate words for ``code`` (columns :data:`COLUMNS`), by G² then word.

    ``segments``, ``tokens`` and ``coded`` are a run's tables (:mod:`helpers.tables`)."""
    if code not in codebook.ids:
        raise ValueError(f"{code!r} is not a code of the codebook; its codes are {', '.join(codebook.ids)}")
    seg = segments.reset_index(drop=True)
    sid_of = _sentence_numbers(seg)
    target, coded_any = target_sentences(seg, coded, code, window)
    doc = seg["file"].astype(str) + "\x00" + seg["doc_id"].astype(str)
    stop = tokens["stop"]
    if not pd.api.types.is_bool_dtype(stop):  # "true"/"false" as the stages write it
        stop = stop.astype(str).str.lower().eq("true")
    keep = ~stop.to_numpy()
    if codebook.skip_names:  # words the codes pass over (matcher.is_name) are no candidates either
        first = ~tokens.duplicated(KEYS).to_numpy()  # the first token of each sentence (tokens in text order)
        keep &= ~np.array([is_name(t, f) for t, f in zip(tokens["token"].astype(str).tolist(), first.tolist())],
                          dtype=bool)
    tok = tokens[keep]
    tok = tok[tok["token"].astype(str).map(words.is_word)]
    lemma = tok["lemma"].astype(str).str.lower()
    keep = lemma.str.len() >= min_length
    tok, lemma = tok[keep], lemma[keep]
    sid = sid_of.reindex(pd.MultiIndex.from_frame(tok[KEYS])).to_numpy()
    known = ~np.isnan(sid)
    tok, lemma, sid = tok[known], lemma[known], sid[known].astype(np.int64)
    in_target = target[sid]
    c, d = int(in_target.sum()), int((~in_target).sum())
    if c == 0:
        return pd.DataFrame(columns=COLUMNS)
    frame = pd.DataFrame({"word": lemma.to_numpy(), "form": tok["token"].astype(str).str.lower().to_numpy(),
                          "sid": sid, "target": in_target, "doc": doc.to_numpy()[sid]})
    counts = frame.groupby("word").agg(in_target=("target", "sum"), total=("target", "size"))
    counts["in_rest"] = counts["total"] - counts["in_target"]
    documents = frame[frame["target"]].groupby("word")["doc"].nunique()
    counts["documents"] = documents.reindex(counts.index).fillna(0).astype(int)
    counts = counts[(counts["in_target"] >= min_count) & (counts["documents"] >= min_documents)]
    counts = counts[counts["in_target"] / c > counts["in_rest"] / max(d, 1)]
    # words a pattern of the code already matches (as lemma or as any of their forms) are known
    patterns = _code_patterns(codebook, code)
    forms = frame[frame["word"].isin(counts.index)].groupby("word")["form"].unique()
    known_words = {w for w in counts.index
                   if any(p.matches(w) or any(p.matches(f) for f in forms[w]) for p in patterns)}
    counts = counts[~counts.index.isin(known_words)]
    if counts.empty:
        return pd.DataFrame(columns=COLUMNS)
    table = counts.reset_index()[["word", "in_target", "in_rest", "documents"]]
    table["G2"] = [words.log_likelihood(a, c, b, d) for a, b in zip(table["in_target"], table["in_rest"])]
    with np.errstate(divide="ignore"):
        table["ratio"] = (table["in_target"] / c) / (table["in_rest"] / d if d else 0.0)
    table = table.sort_values(["G2", "word"], ascending=[False, True], kind="stable").head(top)
    # what a rule with the word could add: the uncoded sentences that hold it, one shown
    uncoded = frame[~coded_any[frame["sid"].to_numpy()] & frame["word"].isin(table["word"])]
    per_word = uncoded.groupby("word")["sid"].agg(lambda s: sorted(set(s)))
    table["uncoded_sentences"] = [len(per_word.get(w, [])) for w in table["word"]]
    first = [per_word[w][0] if w in per_word.index else None for w in table["word"]]
    table["example_file"] = [seg.at[s, "file"] if s is not None else "" for s in first]
    table["example_start"] = [int(seg.at[s, "start"]) if s is not None else -1 for s in first]
    table["example"] = [seg.at[s, "text"] if s is not None else "" for s in first]
    return table[COLUMNS].reset_index(drop=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.suggest", description=__doc__.split("\n\n")[0])
    ap.add_argument("--code", required=True, help="the code's id, e.g. R_SUPPORT")
    ap.add_argument("--corpus", default=None, help="the corpus folder (default: the embedded corpus)")
    ap.add_argument("--out", default=None, help="the run's output folder (default: build/); the tables are reused")
    ap.add_argument("--top", type=int, default=25)
    ap.add_argument("--window", type=int, default=1, help="sentences either side of a coded sentence in the target")
    a = ap.parse_args(argv)
    try:
        # its table is not recorded as a run's: make clean keeps it (the tables it rebuilds are, in the stamp)
        run = pipeline.Run.from_params(a.corpus or None, a.out or None, record=False)
        codebook = coding.codebook_for(run.corpus)
        if a.code not in codebook.ids:  # before the tables are built
            print(f"error: {'no code given' if not a.code else repr(a.code) + ' is not a code of the codebook'}: "
                  f"make suggest CODE=<one of {', '.join(codebook.ids)}>", file=sys.stderr)
            return 2
        segments = pipeline.segments(run)[0]
    except paths.OutputFolderError as err:  # a refused OUT: one line, exit status 2, as make report says it
        print(f"error: {err}", file=sys.stderr)
        return 2
    except pipeline.EditedTableError as err:  # notes saved over a table in OUT: neither read nor overwritten
        print(f"error: {err}", file=sys.stderr)
        return 2
    except ValueError as err:  # bad input the tables are built from (a corpus, its codebook, its decisions), named
        print(f"error: {err}", file=sys.stderr)
        return 1
    table = candidate_terms(segments, pipeline.tokens(run), pipeline.coded(run), codebook, a.code, top=a.top,
                            window=a.window)
    path = io.write_csv(run.path(paths.suggestions_file(a.code)), table)
    shown = paths.copyable(path, a.out)
    if table.empty:
        coded = int((pipeline.coded(run)["code"] == a.code).sum())
        why = ("the auto-coder coded no sentence with it in this corpus, so there is nothing to compare; check the "
               "code's rules (notebook 02) or try another code" if not coded else
               f"no word is in the {coded} sentence(s) coded with it (and the sentences beside them) at least 3 times, "
               "in at least 2 documents, and more often than in the rest of the corpus; a small corpus rarely has "
               "one: read the coded sentences (notebook 04's drill-down) instead")
        print(f"no candidate words for {a.code}: {why}. (An empty table: {shown})")
        return 0
    with pd.option_context("display.width", 200, "display.max_colwidth", 90, "display.max_rows", 200):
        print(table.drop(columns=["example_file", "example_start"]).to_string(index=False))
    print(f"suggestions for {a.code}: {shown} (read each in context before adding a rule)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
