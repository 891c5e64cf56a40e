"""The words behind the findings: keyword in context (for a word, or for the words each
theme's rules matched), keyness against general Swedish, and collocations.

Every function is pure (tables in, a table out) and deterministic. Offsets always point
into the raw files (``raw[start:end]`` is the keyword), so a line can be traced back to
its characters.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Mapping

import numpy as np
import pandas as pd
from nltk.collocations import BigramAssocMeasures, BigramCollocationFinder
from nltk.text import ConcordanceIndex

from . import clean, markup, tables
from .coding import Codebook

# =========================================================================== 1. concordance


def _streams(segments: pd.DataFrame, tokens: pd.DataFrame) -> tuple[dict[str, str], pd.DataFrame]:
    """Each document's cleaned text (its sentences in order, joined by one space) and the
    tokens (sorted by file and offset) with ``pos, pos_end``: where each token stands in
    its document's text. Raw offsets stay in ``start, end``."""
    seg = segments.sort_values(["file", "start"], kind="stable")
    toks = tokens.sort_values(["file", "start"], kind="stable").reset_index(drop=True)
    texts: dict[str, list[str]] = {}
    lengths: dict[str, int] = {}
    where: dict[tuple[str, int, int], tuple[str, int, str]] = {}
    for s in seg.itertuples(index=False):
        parts = texts.setdefault(s.doc_id, [])
        offset = lengths.get(s.doc_id, 0) + (1 if parts else 0)
        parts.append(str(s.text))
        lengths[s.doc_id] = offset + len(str(s.text))
        where[(s.file, int(s.paragraph), int(s.sentence))] = (s.doc_id, offset, str(s.text))
    pos = np.zeros(len(toks), dtype=int)
    pos_end = np.zeros(len(toks), dtype=int)
    doc = [""] * len(toks)
    last: tuple[tuple[str, int, int], int] | None = None
    for i, t in enumerate(toks.itertuples(index=False)):
        key = (t.file, int(t.paragraph), int(t.sentence))
        d, offset, text = where.get(key, (str(t.doc_id), 0, ""))
        cursor = last[1] if last and last[0] == key else 0
        found = text.find(str(t.token), cursor)
        found = cursor if found < 0 else found
        pos[i], pos_end[i], doc[i] = offset + found, offset + found + len(str(t.token)), d
        last = (key, found + len(str(t.token)))
    toks["doc_id"] = doc
    toks["pos"], toks["pos_end"] = pos, pos_end
    return {d: " ".join(p) for d, p in texts.items()}, toks


def _kwic(stream: str, pos: int, pos_end: int, width: int) -> tuple[str, str, str]:
    return stream[max(0, pos - width):pos], stream[pos:pos_end], stream[pos_end:pos_end + width]


KWIC_COLUMNS = ["file", "doc_id", "start", "end", "left", "keyword", "right"]


def concordance(segments: pd.DataFrame, tokens: pd.DataFrame, term_or_lemma: str,
                width: int = 40) -> pd.DataFrame:
    """Keyword-in-context lines for a word: every token whose lower-cased form or lemma
    is ``term_or_lemma`` (case-insensitive; a trailing ``*`` matches any ending:
    ``"tillit*"``), found with NLTK's :class:`~nltk.text.ConcordanceIndex` over the
    token list.

    Columns ``file, doc_id, start, end`` (the keyword's character offsets in the raw
    file: ``raw[start:end]`` is the keyword), ``left, keyword, right``: ``width``
    characters of the document's cleaned text on either side (sentences joined by a
    space; context never crosses into another document). Sorted by file and offset."""
    streams, toks = _streams(segments, tokens)
    term = term_or_lemma.strip().lower()
    forms = toks["token"].astype(str).str.lower().tolist()
    lemmas = toks["lemma"].astype(str).str.lower().tolist()
    hits: set[int] = set()
    for words in (forms, lemmas):
        index = ConcordanceIndex(words)
        keys = sorted({w for w in words if w.startswith(term[:-1])}) if term.endswith("*") else [term]
        for k in keys:
            hits.update(index.offsets(k))
    rows = []
    for i in sorted(hits):
        t = toks.iloc[i]
        left, kw, right = _kwic(streams.get(t["doc_id"], ""), int(t["pos"]), int(t["pos_end"]), width)
        rows.append({"file": t["file"], "doc_id": t["doc_id"], "start": int(t["start"]),
                     "end": int(t["end"]), "left": left, "keyword": kw, "right": right})
    out = pd.DataFrame(rows, columns=KWIC_COLUMNS)
    return out.sort_values(["file", "start"], kind="stable").reset_index(drop=True)


def theme_concordance(coded: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                      code: str | None = None, width: int = 40, *, tokens: pd.DataFrame) -> pd.DataFrame:
    """Keyword-in-context lines for the words a code's rules matched (``coded.matched``;
    every code in codebook order when ``code`` is None).

    Each matched word or phrase (``"följa upp"``; the parts of a proximity match
    ``"styr … minutbasis"`` separately) is looked up among the tokens of its sentence
    (case-insensitive); every occurrence there gives one line. ``tokens`` is required: it
    carries the raw offsets. Columns ``code, matched`` and those of :func:`concordance`
    (``start, end`` span the keyword in the raw file; for a phrase, from its first word to
    its last), and ``coded``'s ``review`` (the correction layer: whether reviewers agreed the
    sentence's code is wrong) when it has one. Sorted by codebook order, file and offset."""
    if code is not None and code not in codebook.ids:
        raise ValueError(f"{code!r} is not a code of the codebook")
    streams, toks = _streams(segments, tokens)
    toks["low"] = toks["token"].astype(str).str.lower()
    by_sentence = {k: g for k, g in toks.groupby(["file", "paragraph", "sentence"], sort=False)}
    rank = codebook.rank
    sel = coded if code is None else coded[coded["code"] == code]
    rows = []
    for r in sel.itertuples(index=False):
        g = by_sentence.get((r.file, int(r.paragraph), int(r.sentence)))
        if g is None:
            continue
        low = g["low"].tolist()
        parts = {p.lower() for p in markup.matched_parts(r.matched)}
        for part in sorted(parts):
            words = part.split()
            for i in range(len(low) - len(words) + 1):
                if low[i:i + len(words)] == words:
                    first, last = g.iloc[i], g.iloc[i + len(words) - 1]
                    left, kw, right = _kwic(streams.get(first["doc_id"], ""), int(first["pos"]),
                                            int(last["pos_end"]), width)
                    rows.append({"code": r.code, "matched": part, "file": r.file, "doc_id": first["doc_id"],
                                 "start": int(first["start"]), "end": int(last["end"]),
                                 "left": left, "keyword": kw, "right": right,
                                 tables.REVIEW_COLUMN: getattr(r, tables.REVIEW_COLUMN, None)})
    review = [tables.REVIEW_COLUMN] if tables.REVIEW_COLUMN in sel.columns else []
    out = pd.DataFrame(rows, columns=["code", "matched"] + KWIC_COLUMNS + [tables.REVIEW_COLUMN])[
        ["code", "matched"] + KWIC_COLUMNS + review]
    out = out.assign(_rank=out["code"].map(rank)).sort_values(
        ["_rank", "file", "start", "end", "matched"], ascending=[True, True, True, False, True], kind="stable")
    keep, reach = [], {}
    for r in out.itertuples():  # drop a keyword inside a longer one of the same code ("petande" in "petande i")
        key = (r.code, r.file)
        keep.append(not (key in reach and r.end <= reach[key]))
        reach[key] = max(reach.get(key, -1), r.end)
    return out[pd.Series(keep, index=out.index, dtype=bool)].drop(columns="_rank").reset_index(drop=True)


# =========================================================================== 2. keyness

REFERENCE_FLOOR = 1e-8  # wordfreq's "large" lists stop at this frequency
REFERENCE_SIZE = 1e9    # nominal size of the wordfreq reference, in word tokens


@lru_cache(maxsize=1)
def _wordfreq_lemmas() -> dict[str, float]:
    """wordfreq's Swedish list lemmatised with the project's lemmatiser (frequencies of
    forms sharing a lemma summed)."""
    import wordfreq  # here, not at the top: its lists load slowly, and only keyness reads them

    out: dict[str, float] = {}
    for form, f in wordfreq.get_frequency_dict("sv").items():
        lem = clean.lemma(form).lower()
        out[lem] = out.get(lem, 0.0) + f
    return out


def _reference_frequency(words: list[str], reference: str | Mapping[str, float], by: str) -> list[float]:
    if not isinstance(reference, str):
        return [float(reference.get(w, 0.0)) for w in words]
    if reference != "wordfreq":
        raise ValueError(f"reference must be 'wordfreq' or a mapping word → frequency, not {reference!r}")
    if by == "lemma":
        table = _wordfreq_lemmas()
        return [table.get(w, 0.0) for w in words]
    import wordfreq

    return [wordfreq.word_frequency(w, "sv") for w in words]


def log_likelihood(a: float, c: float, b: float, d: float) -> float:
    """Dunning's (1993) log-likelihood G² of the 2 × 2 table ``[[a, c - a], [b, d - b]]``:
    a word seen ``a`` times in ``c`` corpus tokens and ``b`` times in ``d`` reference
    tokens. ``G² = 2 Σ O ln(O / E)`` over the four cells, ``E = row total × column total /
    (c + d)``, ``0 ln 0 = 0``. Unsigned."""
    n = c + d
    cells = [(a, c, a + b), (c - a, c, n - a - b), (b, d, a + b), (d - b, d, n - a - b)]
    total = 0.0
    for o, row, col in cells:
        if o > 0:
            total += o * np.log(o / (row * col / n))
    return float(2 * total)


def is_word(token: str) -> bool:
    return any(ch.isalpha() for ch in token) and not any(ch.isdigit() for ch in token) and not token.endswith("-")


LABEL_KINDS = ("dateline", "byline", "speaker")  # lines that date a text or name its authors and speakers


def said_tokens(tokens: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The ``tokens`` of the sentences that say something: those of a dateline, a byline or
    a speaker's line (``LABEL_KINDS``, :mod:`helpers.structure`) left out, so that what is
    distinctive in a corpus (:func:`keyness`, :func:`collocations`) is its language, not
    the names of its authors repeated over and under each text ("jan marklund" as its
    strongest word pair). Titles and headings stay: they are the texts' own words."""
    labels = segments.loc[segments["kind"].isin(LABEL_KINDS), ["file", "paragraph", "sentence"]]
    if not len(labels):
        return tokens
    keys = pd.MultiIndex.from_frame(tokens[["file", "paragraph", "sentence"]].astype({"paragraph": "int64", "sentence": "int64"}))
    drop = pd.MultiIndex.from_frame(labels.astype({"paragraph": "int64", "sentence": "int64"}))
    return tokens[~keys.isin(drop)]


def keyness(tokens: pd.DataFrame, reference: str | Mapping[str, float] = "wordfreq", by: str = "form",
            min_count: int = 3, reference_size: float = REFERENCE_SIZE) -> pd.DataFrame:
    """Words more (or less) frequent in the corpus than in general Swedish.

    **Reference.** ``"wordfreq"``: ``wordfreq.word_frequency(word, "sv")`` (its "large"
    Swedish list, shipped with the package, no network), a relative frequency per word
    *form*; or a mapping word → relative frequency. wordfreq publishes frequencies, not
    counts; its lists stop at 1e-8, so a word missing from it is given 1e-8 (this
    understates its keyness rather than making it infinite), and it is taken as a corpus
    of ``reference_size`` tokens (default 10⁹, nominal; with a corpus of a few thousand
    tokens G² hardly depends on it once it is ≫ the corpus: it is then the test of the
    corpus count against the expected count ``c × p``).

    **Like with like.** ``by="form"`` (default) compares lower-cased word forms, as
    wordfreq lists them. ``by="lemma"`` compares lemmas: the corpus's (``tokens.lemma``)
    with wordfreq's list lemmatised by the same lemmatiser (``clean.lemma``; the
    frequencies of forms sharing a lemma summed; a few seconds the first time).

    **Method.** For each word, ``a`` = its count in the corpus, ``c`` = all word tokens of
    the corpus (stop words and numbers included, since the reference frequencies are
    shares of all tokens), ``b = p × d`` with ``p`` the reference frequency and ``d`` the
    reference size; ``G²`` is Dunning's log-likelihood of the 2 × 2 table (see
    :func:`log_likelihood`), **signed**: negative when the word is rarer in the corpus
    than in the reference. ``ratio = (a / c) / p``. G² > 10.83 corresponds to p < 0.001
    for one test (1 df), but thousands of words are tested: read G² as a ranking.

    Stop words (``tokens.stop``), numbers, tokens without a letter and first parts of
    coordinated compounds ("barn-") are not reported. Columns ``word, count, per_1000,
    ref_per_1000, G2, ratio`` for words seen at least ``min_count`` times, sorted by G²
    (descending) then word.
    """
    if by not in ("form", "lemma"):
        raise ValueError(f"by must be 'form' or 'lemma', not {by!r}")
    c = len(tokens)
    cols = ["word", "count", "per_1000", "ref_per_1000", "G2", "ratio"]
    if c == 0:
        return pd.DataFrame(columns=cols)
    keep = tokens[~tokens["stop"].astype(bool) & tokens["token"].astype(str).map(is_word)]
    words = (keep["lemma"] if by == "lemma" else keep["token"]).astype(str).str.lower()
    counts = words.value_counts()
    counts = counts[counts >= min_count].sort_index()
    table = pd.DataFrame({"word": counts.index.astype(str), "count": counts.to_numpy().astype(int)})
    p = np.maximum(np.array(_reference_frequency(table["word"].tolist(), reference, by), dtype=float),
                   REFERENCE_FLOOR)
    table["per_1000"] = table["count"] / c * 1000
    table["ref_per_1000"] = p * 1000
    g2 = [log_likelihood(a, c, pi * reference_size, reference_size) for a, pi in zip(table["count"], p)]
    sign = np.where(table["count"] / c >= p, 1.0, -1.0)
    table["G2"] = sign * np.array(g2, dtype=float)
    table["ratio"] = (table["count"] / c) / p
    return table.sort_values(["G2", "word"], ascending=[False, True], kind="stable").reset_index(drop=True)[cols]


def _significant(x: float, digits: int = 3) -> float | int:
    """``x`` rounded to ``digits`` significant figures, a whole number when they are all
    before the point (179165.6 → 179000, 151.0 → 151, 35.26 → 35.3, 0.07148 → 0.0715):
    a table of them shows no figure that was not kept."""
    if not np.isfinite(x) or x == 0:
        return float(x)
    v = float(f"{x:.{digits}g}")
    return int(v) if abs(v) >= 10 ** (digits - 1) else v


def _figures(values: pd.Series) -> pd.Series:
    """:func:`_significant` of each value, kept as it is (an object column: a float column
    would show 179000 as 179000.0)."""
    return pd.Series([_significant(float(v)) for v in values], index=values.index, dtype=object)


def shown_keyness(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`keyness`'s table as a page shows it: the corpus's rate per 1,000 words and
    G² to two decimals; the reference's rate per **million** words (``ref_per_million``;
    per 1,000 a rare word's rate rounds to 0.00) and the ratio to three significant figures
    (179165.60 claims a precision the reference does not have; :func:`_significant`); and
    ``in_reference``, ``no`` for a word at the reference's floor (:data:`REFERENCE_FLOOR`,
    missing from the list or rarer than it lists), whose rate there is the floor and whose
    ratio is therefore a lower bound. :func:`keyness` and its columns are unchanged."""
    shown = table[["word", "count"]].copy()
    shown["per_1000"] = table["per_1000"].round(2)
    shown["ref_per_million"] = _figures(table["ref_per_1000"] * 1000)
    listed = table["ref_per_1000"] > REFERENCE_FLOOR * 1000 * (1 + 1e-9)
    shown["in_reference"] = listed.map({True: "yes", False: "no"})
    shown["G2"] = table["G2"].round(2)
    shown["ratio"] = _figures(table["ratio"])
    return shown


# =========================================================================== 3. collocations

def collocations(tokens: pd.DataFrame, n: int = 15, min_freq: int = 2, by: str = "form") -> pd.DataFrame:
    """The ``n`` strongest two-word collocations (adjacent words within a sentence).

    NLTK's :class:`~nltk.collocations.BigramCollocationFinder` over each sentence's
    lower-cased forms (or lemmas, ``by="lemma"``), so that no pair spans two sentences;
    pairs with a stop word of the project's own list (``tokens.stop``), a number or a
    token without a letter are dropped, then pairs seen fewer than ``min_freq`` times.
    Scored with ``BigramAssocMeasures.likelihood_ratio``: Dunning's G² of the pair's
    2 × 2 table (first word yes/no × second word yes/no), which unlike PMI does not
    favour pairs of rare words. Columns ``word1, word2, count, G2``; sorted by G²
    (descending) then the words.
    """
    if by not in ("form", "lemma"):
        raise ValueError(f"by must be 'form' or 'lemma', not {by!r}")
    toks = tokens.sort_values(["file", "start"], kind="stable")
    col = "lemma" if by == "lemma" else "token"
    words = toks[col].astype(str).str.lower()
    stop = set(words[toks["stop"].astype(bool)])
    sentences = [g.tolist() for _, g in words.groupby([toks["file"], toks["paragraph"], toks["sentence"]], sort=True)]
    finder = BigramCollocationFinder.from_documents(sentences)
    finder.apply_word_filter(lambda w: w in stop or not is_word(w))
    finder.apply_freq_filter(min_freq)
    scored = finder.score_ngrams(BigramAssocMeasures.likelihood_ratio)
    rows = [{"word1": w1, "word2": w2, "count": int(finder.ngram_fd[(w1, w2)]), "G2": float(s)}
            for (w1, w2), s in scored]
    out = pd.DataFrame(rows, columns=["word1", "word2", "count", "G2"])
    out = out.sort_values(["G2", "word1", "word2"], ascending=[False, True, True], kind="stable")
    return out.head(n).reset_index(drop=True)

