"""The findings as tables, from the coded sentences: themes by document, voice, genre and
sector (counts and per 1,000 words); themes over time; co-occurrence of problems and
remedies; representative quotes; the quotes behind each cell of the document × theme
matrix.

Every function is pure (tables in, a table out) and deterministic: documents in corpus
order, codes in codebook order, ties broken alphabetically. The figures drawn from these
tables are in :mod:`helpers.figures`, the words behind them (concordances, keyness,
collocations) in :mod:`helpers.words`, the drill-down page in :mod:`helpers.drilldown`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import markup
from .coding import Codebook
from .structure import is_turn_label, label_key, label_name

if TYPE_CHECKING:
    import networkx as nx

# =========================================================================== shared

GROUPINGS = ("doc_id", "voice", "genre", "sector", "period")
SMALL_N = 2  # a cell resting on this many sentences or fewer is flagged ``small_n``
SMALL_N_MARK = "⚠"  # how a table on a page marks such a row (the drill-down marks its cells so too)
UNKNOWN = "(unknown)"
UNDATED = "undated"
MOST_DOCUMENTS = 30  # beyond this many documents, figures per document aggregate them by period
LOW_MARK = "⚠ low precision"  # after a code's name or id when its reviewed precision is low (helpers.review)


def doc_order(segments: pd.DataFrame) -> list[str]:
    """Documents that have segments, in corpus order (file, then offset)."""
    return list(dict.fromkeys(segments.sort_values(["file", "start"], kind="stable")["doc_id"]))


def _flag(value) -> bool:
    """A ``"true"``/``"false"`` string (as read from CSV) or a boolean as a boolean."""
    return value if isinstance(value, bool) else str(value).strip().lower() == "true"


def _as_bool(values: pd.Series) -> pd.Series:
    """:func:`_flag` of each value."""
    return values.map(_flag).astype(bool)


def split_list(value: object, sep: str = "; ") -> list[str]:
    """The items of a ``"; "``-joined cell (``coded.rules``, ``coded.matched``,
    ``segments.sector``), empty items and a missing value (NaN, None) dropped."""
    if not isinstance(value, str) and pd.isna(value):
        return []
    return [v for v in str(value).split(sep) if v]


def plural(n: int, word: str) -> str:
    """``"1 document"``, ``"2 documents"``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def doc_dates(documents: pd.DataFrame) -> pd.DataFrame:
    """doc_id → date (ISO, cut to what is known) and date_inferred (bool)."""
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    date = docs["date"].fillna("").astype(str) if "date" in docs else pd.Series("", index=docs.index)
    inferred = _as_bool(docs["date_inferred"]) if "date_inferred" in docs else pd.Series(False, index=docs.index)
    return pd.DataFrame({"date": date, "date_inferred": inferred})


def date_label(date, inferred, undated: str = UNDATED) -> str:
    """A document's date as shown in figures, quotes and the index's corpus table:
    ``"2015 (inferred)"``, ``"2015"``, or ``undated`` (``"undated"``; the table leaves the
    cell empty) when there is none. ``date`` and ``inferred`` as a row holds them: a missing
    date, a ``"true"``/``"false"`` string read from CSV."""
    date = "" if pd.isna(date) else str(date)
    return f"{date} (inferred)" if date and _flag(inferred) else (date or undated)


def dated(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` (with ``date`` and ``date_inferred``, as :func:`representative_quotes`
    gives them, or as read from CSV) with each ``date`` as a page shows it
    (:func:`date_label`), so that a table of quotes says "(inferred)" where the drill-down
    and the figures do; a missing date is "undated"."""
    return rows.assign(date=[date_label(d, i) for d, i in zip(rows["date"], rows["date_inferred"])])


def citation(row: Mapping) -> str:
    """Where a quote is from, as the findings' prose and the drill-down cite it: its
    document, the date as :func:`dated` gives it, and its characters in the raw file
    (``"tillit-diary/gislaved, 2017-02-01 (inferred), characters 3178–3248"``)."""
    return (f"{row['doc_id']}, {date_label(row['date'], row['date_inferred'])}, "
            f"characters {int(row['start'])}–{int(row['end'])}")


# =========================================================================== 1. frequencies

def code_by_document(coded: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Sentences coded with each code (rows, codebook order) in each document (columns,
    corpus order); every code and document appears, zeros included."""
    docs = doc_order(segments)
    table = pd.crosstab(coded["code"], coded["doc_id"]) if len(coded) else pd.DataFrame()
    table = table.reindex(index=codebook.ids, columns=docs, fill_value=0).fillna(0).astype(int)
    table.index.name, table.columns.name = "code", "document"
    return table


def document_matrix(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                    codebook: Codebook, most: int = MOST_DOCUMENTS) -> tuple[pd.DataFrame, str]:
    """The code × document table of :func:`code_by_document` and ``"document"``; with
    more than ``most`` documents, too many to read one by one in a figure, the code ×
    period table (coded sentences summed over the documents of each :func:`periods`
    span, ``"undated"`` last) and ``"period"``."""
    table = code_by_document(coded, segments, codebook)
    if len(table.columns) <= most:
        return table, "document"
    return code_by_group(theme_frequencies(coded, segments, documents, codebook, by="period")), "period"


def rate_words(segments: pd.DataFrame, codebook: Codebook) -> pd.Series:
    """The word tokens each sentence of ``segments`` adds to a rate's "per 1,000 words"
    (aligned with its index): its ``tokens``, or 0 where its kind is one the codebook does
    not code (``skip_kinds``: a title, a heading, a turn's label, a dateline, a byline),
    so that a rate's words are those of the text its coded sentences could come from. A
    transcript's labels ("Intervjuare:" before each question) would otherwise add to
    each voice's words what no code can be found in. The one place every rate per 1,000
    words takes its words from."""
    tokens = segments["tokens"]
    if "kind" in segments.columns and codebook.skip_kinds:
        tokens = tokens.where(~segments["kind"].isin(codebook.skip_kinds), 0)
    return tokens


def rateless_note(segments: pd.DataFrame, codebook: Codebook) -> str:
    """One line for a page of rates, naming the documents that have sentences but no word of
    the text the codebook codes (:func:`rate_words`: titles, headings, a turn's labels
    only), whose rates per 1,000 words are empty; empty when there is none. Documents
    without any sentence are :func:`helpers.documents.textless_note`'s."""
    words = rate_words(segments, codebook).groupby(segments["doc_id"].astype(str)).sum()
    none = sorted(words.index[words.eq(0)])
    if not none:
        return ""
    kinds = (sorted(set(segments.loc[segments["doc_id"].astype(str).isin(none), "kind"].astype(str)))
             if "kind" in segments.columns else [])
    listed = " and ".join([", ".join(kinds[:-1]), kinds[-1]] if len(kinds) > 1 else kinds)
    which = f" (only {listed} lines, which the codebook does not code)" if kinds else ""
    has, its = ("has", "its") if len(none) == 1 else ("have", "their")
    return (f"{', '.join(none)} {has} no words of the text the codebook codes{which}, so {its} rates per 1,000 "
            "words are empty.")


def per_thousand_words(table: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """A code × document count table as coded sentences per 1,000 words of the document
    (the words of the kinds the codebook codes, :func:`rate_words`); NaN (an empty cell)
    for a document with no such words, one of titles and headings only."""
    words = rate_words(segments, codebook).groupby(segments["doc_id"]).sum().reindex(table.columns)
    return (table / words * 1000).round(1)


def theme_frequencies(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                      codebook: Codebook, by: str = "doc_id", turns: Mapping[str, str] | None = None) -> pd.DataFrame:
    """How often each theme is coded in each group of sentences.

    ``by`` is ``"doc_id"`` (each document that has segments), ``"voice"`` (each sentence's,
    :func:`segment_voices`: its document's, or its turn's label's in ``turns``, the study's
    ``turns:``), ``"genre"`` (from ``documents``; a missing value is ``"(unknown)"``),
    ``"period"`` (the span of
    years a document's date falls in, :func:`periods`; ``"undated"`` without a date) or
    ``"sector"`` (from the segments; a sentence naming several sectors counts once in
    *each* of them, so the sector rows do not add up to the corpus).

    One row per group × code (every code of the codebook, zeros included), columns:

    * ``<by>``: the group;
    * ``code``, ``family``;
    * ``sentences``: coded sentences (count; a sentence counts once per code);
    * ``words``: word tokens in the group's sentences of the kinds the codebook codes
      (:func:`rate_words`: a title's, a heading's or a turn label's words do not count);
    * ``per_1000``: ``sentences / words * 1000`` (NaN if the group has no words);
    * ``n_documents``: documents with at least one sentence in the group;
    * ``coded_sentences``: the group's coded sentences, any code, each once (a sentence
      with two themes counts twice in ``sentences`` over the codes, once here).

    Groups are in corpus order for ``doc_id``, in time order for ``period`` and
    alphabetical (case-insensitive) otherwise; codes in codebook order.
    """
    if by not in GROUPINGS:
        raise ValueError(f"by must be one of {GROUPINGS}, not {by!r}")
    sent = segments[["file", "doc_id", "start", "sector"]].assign(tokens=rate_words(segments, codebook))
    if by == "voice":
        sent[by] = segment_voices(segments, documents, turns)
    elif by == "genre":
        sent[by] = sent["doc_id"].map(document_attribute(documents, by)).fillna(UNKNOWN)
    elif by == "period":
        sent[by] = sent["doc_id"].map(periods(documents)).astype(object).fillna(UNDATED)  # none dated: all NaN
    elif by == "sector":
        sent["sector"] = sent["sector"].fillna("").astype(str).map(lambda s: split_list(s) or [UNKNOWN])
        sent = sent.explode("sector")
    if by == "doc_id":
        groups = doc_order(segments)
    elif by == "period":  # in time order, undated last
        groups = sorted(sent[by].unique(), key=lambda g: (g == UNDATED, g))
    else:
        groups = sorted(sent[by].unique(), key=lambda g: (str(g).casefold(), str(g)))
    words = sent.groupby(by)["tokens"].sum()
    n_docs = sent.groupby(by)["doc_id"].nunique()
    hits = coded[["file", "start", "code"]].drop_duplicates().merge(
        sent[["file", "start", by]].drop_duplicates(), on=["file", "start"])
    counts = hits.groupby([by, "code"]).size()
    grid = pd.MultiIndex.from_product([groups, codebook.ids], names=[by, "code"])
    out = counts.reindex(grid, fill_value=0).rename("sentences").reset_index()
    out.insert(2, "family", out["code"].map(lambda c: codebook.code(c).family))
    out["words"] = out[by].map(words).fillna(0).astype(int)
    out["per_1000"] = out["sentences"] / out["words"].where(out["words"] > 0) * 1000
    out["n_documents"] = out[by].map(n_docs).fillna(0).astype(int)
    out["sentences"] = out["sentences"].astype(int)
    out["coded_sentences"] = out[by].map(hits.drop_duplicates(["file", "start", by]).groupby(by).size()).fillna(0).astype(int)
    return out.reset_index(drop=True)


NO_ACTOR = "(none)"  # a sentence that names no actor, in a count of actors


def attribute_counts(segments: pd.DataFrame) -> pd.DataFrame:
    """How many sentences name each value of the context attributes (``sector``, then
    ``actors``; a sentence naming several counts once for each, so a column does not add up
    to the sentences): rows ``(attribute, value)`` in that order, values sorted, ``general``
    for a sentence of no sector as the coder records it and :data:`NO_ACTOR` for one of no
    actor. Column ``sentences``."""
    parts = []
    for attribute in ("sector", "actors"):
        if attribute not in segments.columns:
            continue
        values = segments[attribute].fillna("").astype(str).map(lambda v: split_list(v) or [NO_ACTOR]).explode()
        counts = values.value_counts().sort_index()
        parts.append(pd.DataFrame({"attribute": attribute, "value": counts.index.astype(str), "sentences": counts.to_numpy()}))
    table = pd.concat(parts) if parts else pd.DataFrame(columns=["attribute", "value", "sentences"])
    return table.set_index(["attribute", "value"])


def document_attribute(documents: pd.DataFrame, column: str) -> pd.Series:
    """doc_id → a metadata column's value (``voice``, ``genre``), ``"(unknown)"`` where it
    is empty or the metadata has no such column."""
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    values = docs[column].fillna("").astype(str) if column in docs.columns else pd.Series("", index=docs.index)
    return values.replace("", UNKNOWN)


def turn_labels(segments: pd.DataFrame) -> pd.Series:
    """The turn each sentence of ``segments`` stands in (aligned with its index): the
    :func:`helpers.structure.label_name` of the turn's label ("IP", "Intervjuare", a
    ``speaker`` sentence that :func:`helpers.structure.turn` split off its line,
    :func:`helpers.structure.is_turn_label`) for the label itself and the sentences after it in
    the same paragraph, up to the next speaker sentence; ``None`` elsewhere (and for every
    sentence when ``segments`` has no ``kind``). A debate record's speaker line ("Anf. 12 …
    (S):") is no turn's label and ends a turn."""
    none = pd.Series(None, index=segments.index, dtype=object)
    if "kind" not in segments.columns or not len(segments):
        return none
    speaker = segments["kind"] == "speaker"
    text = segments["text"].astype(str)
    label = pd.Series(np.where(speaker, "", None), index=segments.index, dtype=object)  # "": ends a turn
    turn = speaker & text.map(is_turn_label)
    label[turn] = text[turn].map(label_name)
    order = segments.sort_values(["file", "paragraph", "sentence"], kind="stable").index
    filled = label[order].groupby([segments["file"][order], segments["paragraph"][order]], sort=False).ffill()
    filled = filled.reindex(segments.index)
    return filled.astype(object).where(filled.notna() & (filled != ""), None)


def segment_voices(segments: pd.DataFrame, documents: pd.DataFrame,
                   turns: Mapping[str, str] | None = None) -> pd.Series:
    """The voice each sentence of ``segments`` counts for (aligned with its index), the one
    place every grouping by voice takes it from: its document's (metadata ``voice``;
    ``"(unknown)"`` without one), except in a turn (:func:`turn_labels`) whose label
    ``turns`` (``study.yaml``'s ``turns:``, label → voice) gives a voice: there the label's
    voice, for the label and the turn's sentences, their words too. Labels are compared by
    :func:`helpers.structure.label_key` (case, the colon and a full stop closing a word do
    not count)."""
    voices = segments["doc_id"].map(document_attribute(documents, "voice")).fillna(UNKNOWN).astype(object)
    if turns:
        mapped = _turn_voices(segments, turns)
        voices = mapped.where(mapped.notna(), voices)
    return voices


def _turn_voices(segments: pd.DataFrame, turns: Mapping[str, str]) -> pd.Series:
    """The voice ``turns`` gives each sentence's turn (:func:`turn_labels`), ``None`` where
    it gives none."""
    given = {label_key(k): str(v) for k, v in turns.items()}
    return turn_labels(segments).map(lambda name: given.get(label_key(name)) if isinstance(name, str) else None)


def voices_in_turns(segments: pd.DataFrame, turns: Mapping[str, str] | None) -> bool:
    """Whether ``turns`` (``study.yaml``'s ``turns:``) gives a voice to a turn of
    ``segments``: then voices can be compared without a voice column (notebook 04)."""
    return bool(turns) and bool(_turn_voices(segments, turns).notna().any())


def group_column(freq: pd.DataFrame) -> str:
    """The grouping column (one of ``GROUPINGS``) of a :func:`theme_frequencies` table."""
    return next(c for c in freq.columns if c in GROUPINGS)


# =========================================================================== 2. timeline

def date_range(iso: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last day an ISO date cut to what is known can mean: ``"2021"`` →
    2021-01-01 … 2021-12-31, ``"2019-11"`` → 2019-11-01 … 2019-11-30, ``"2020-12-21"`` →
    that day, ``"2020-10-10/2021-04-21"`` → the interval. ``(NaT, NaT)`` if empty."""
    iso = str(iso or "").strip()
    if not iso:
        return pd.NaT, pd.NaT
    if "/" in iso:
        a, b = iso.split("/", 1)
        return date_range(a)[0], date_range(b)[1]
    parts = iso.split("-")
    first = pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 1,
                         int(parts[2]) if len(parts) > 2 else 1)
    if len(parts) == 1:
        last = pd.Timestamp(first.year, 12, 31)
    elif len(parts) == 2:
        last = first + pd.offsets.MonthEnd(0)
    else:
        last = first
    return first, last


def period_length(first: int, last: int, most: int = 8) -> int:
    """Years per period so that ``first`` … ``last`` make at most ``most`` periods: 1, 2,
    5, 10, 20, … years."""
    span = last - first + 1
    for years in (1, 2, 5, 10, 20, 50, 100):
        if -(-span // years) <= most:
            return years
    return span


def date_middle(first, last):
    """The middle of a date range whose ``last`` day counts whole (timestamps or series)."""
    return first + (last + pd.Timedelta(days=1) - first) / 2


def periods(documents: pd.DataFrame, most: int = 8) -> pd.Series:
    """doc_id → the period its date falls in (``"1995–1999"``, or ``"2016"`` for periods
    of one year): the middle of the date's range (:func:`date_range`), in periods of
    :func:`period_length` years aligned on multiples of that length. Undated documents
    are left out."""
    dates = doc_dates(documents)["date"]
    mids = {}
    for doc, iso in dates.items():
        first, last = date_range(iso)
        if pd.notna(first):
            mids[doc] = date_middle(first, last).year
    if not mids:
        return pd.Series(dtype=str)
    lo, hi = min(mids.values()), max(mids.values())
    years = period_length(lo, hi, most)

    def label(year: int) -> str:
        start = year - year % years
        return str(start) if years == 1 else f"{start}–{start + years - 1}"

    return pd.Series({d: label(y) for d, y in mids.items()}, dtype=str)


def code_by_group(freq: pd.DataFrame, value: str = "sentences") -> pd.DataFrame:
    """A :func:`theme_frequencies` table as code (rows, its order) × group (columns, its
    order) of ``value`` (``"sentences"`` or ``"per_1000"``)."""
    by = group_column(freq)
    table = freq.pivot(index="code", columns=by, values=value)
    table = table.reindex(index=list(dict.fromkeys(freq["code"])), columns=list(dict.fromkeys(freq[by])))
    table.index.name, table.columns.name = "code", by
    return table.fillna(0).astype(int) if value == "sentences" else table


def mark_small(rates: pd.DataFrame, counts: pd.DataFrame) -> pd.DataFrame:
    """A table of rates (per 1,000 words) as a page shows it: each rate that rests on
    1 to :data:`SMALL_N` sentences (``counts``, the same table's coded sentences) followed
    by :data:`SMALL_N_MARK` ("40.0 ⚠"), as the figures hatch such a bar or cell; other
    cells as they are. A rate of one or two sentences is no finding, in a table either."""
    out = rates.astype(object)
    small = few(counts.reindex_like(rates).fillna(0)) & rates.notna()
    for i, j in zip(*np.nonzero(small.to_numpy())):
        out.iat[i, j] = f"{rates.iat[i, j]:.1f} {SMALL_N_MARK}"
    return out


def rates_by_group(freq: pd.DataFrame) -> pd.DataFrame:
    """:func:`code_by_group`'s coded sentences per 1,000 words, to one decimal, each rate
    of few sentences marked (:func:`mark_small`): a figure's data as its page shows them."""
    return mark_small(code_by_group(freq, "per_1000").round(1), code_by_group(freq, "sentences"))


def timeline(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
             codebook: Codebook) -> pd.DataFrame:
    """Themes per document in time: one row per document (with segments) × code.

    Columns: ``doc_id, date`` (ISO cut to what is known), ``date_precision``,
    ``date_inferred`` (bool), ``date_from`` and ``date_to`` (first and last day the date
    can mean, see :func:`date_range`), ``date_mid`` (the middle of that range: where an
    imprecise date is placed), ``code, family, sentences`` (coded sentences),
    ``words`` (of the document, :func:`rate_words`) and ``per_1000``. Sorted by ``date_mid`` (undated
    last), ``doc_id``, then codebook order."""
    freq = theme_frequencies(coded, segments, documents, codebook, by="doc_id")
    dates = doc_dates(documents)
    docs = documents.drop_duplicates("doc_id").set_index("doc_id")
    out = freq.drop(columns=["n_documents"])
    out["date"] = out["doc_id"].map(dates["date"]).fillna("")
    prec = docs["date_precision"].fillna("").astype(str) if "date_precision" in docs else pd.Series(dtype=str)
    out["date_precision"] = out["doc_id"].map(prec).fillna("")
    out["date_inferred"] = out["doc_id"].map(dates["date_inferred"]).fillna(False).astype(bool)
    ranges = {d: date_range(d) for d in out["date"].unique()}
    out["date_from"] = pd.to_datetime(out["date"].map(lambda d: ranges[d][0]))
    out["date_to"] = pd.to_datetime(out["date"].map(lambda d: ranges[d][1]))
    out["date_mid"] = date_middle(out["date_from"], out["date_to"])
    cols = ["doc_id", "date", "date_precision", "date_inferred", "date_from", "date_to", "date_mid",
            "code", "family", "sentences", "words", "per_1000"]
    return codebook.in_code_order(out, by=["date_mid", "doc_id"])[cols]


# =========================================================================== 3. co-occurrence

UNITS = ("sentence", "paragraph")


COOCCURRENCE_COLUMNS = ["unit", "problem", "remedy", "n_units", "n_problem", "n_remedy", "n_both", "expected",
                        "jaccard", "lift"]


def cooccurrence(coded: pd.DataFrame, segments: pd.DataFrame, codebook: Codebook,
                 unit: str = "sentence") -> pd.DataFrame:
    """How often each problem (family P) and remedy (family R) are coded in the same
    unit (``"sentence"`` or ``"paragraph"``), with measures beyond raw counts.

    One row per problem × remedy (codebook order, zeros included). With ``N`` the units in
    the corpus (all sentences or paragraphs of ``segments``, coded or not), ``a`` the units
    coded with the problem, ``b`` those coded with the remedy and ``ab`` those coded with
    both:

    * ``jaccard = ab / (a + b - ab)``: the share of units with either code that have both
      (0 … 1; 0 when neither occurs);
    * ``expected = a * b / N``: units with both expected if the two codes were placed
      independently of each other;
    * ``lift = ab / expected = ab * N / (a * b)``, observed / expected: above 1 the two
      meet more often than chance, below 1 less (NaN when either code never occurs).

    Columns: ``unit, problem, remedy, n_units, n_problem, n_remedy, n_both, expected,
    jaccard, lift``. With a few dozen coded units, counts of 1-2 give large lifts; read
    them with ``n_both``.
    """
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")
    key = ["file", "start"] if unit == "sentence" else ["file", "paragraph"]
    n_units = len(segments[key].drop_duplicates())
    units = coded[key + ["code"]].drop_duplicates()
    sets = {c: set(map(tuple, g[key].to_numpy().tolist())) for c, g in units.groupby("code")}
    problems = [c for c in codebook.ids if codebook.code(c).family == "P"]
    remedies = [c for c in codebook.ids if codebook.code(c).family == "R"]
    rows = []
    for p in problems:
        for r in remedies:
            sp, sr = sets.get(p, set()), sets.get(r, set())
            a, b, ab = len(sp), len(sr), len(sp & sr)
            union = a + b - ab
            expected = a * b / n_units if n_units else 0.0
            rows.append({"unit": unit, "problem": p, "remedy": r, "n_units": n_units,
                         "n_problem": a, "n_remedy": b, "n_both": ab, "expected": expected,
                         "jaccard": ab / union if union else 0.0,
                         "lift": ab / expected if expected else float("nan")})
    return pd.DataFrame(rows, columns=COOCCURRENCE_COLUMNS)  # no rows when a family has no code


MEASURES = {
    "jaccard": ("Jaccard index (units with both / units with either)", "{:.2f}"),
    "lift": ("observed / expected under independence (lift)", "{:.1f}"),
    "n_both": ("units coded with both (count)", "{:.0f}"),
}


def measure_label(measure: str) -> tuple[str, str]:
    """A co-occurrence measure's description and number format (``MEASURES``); an unknown
    measure is an error."""
    if measure not in MEASURES:
        raise ValueError(f"measure must be one of {tuple(MEASURES)}, not {measure!r}")
    return MEASURES[measure]


def cooccurrence_graph(cooc: pd.DataFrame, codebook: Codebook, measure: str = "jaccard",
                       threshold: float = 0.05) -> nx.Graph:
    """A bipartite graph of the :func:`cooccurrence` table: every problem and remedy is
    a node (attributes ``family``, ``name_en``, ``units``: units coded with it); an edge
    joins a problem and a remedy coded together in at least one unit whose ``measure`` is
    at least ``threshold`` (attributes ``weight`` = the measure, ``n_both``, ``jaccard``,
    ``lift``). Nodes and edges are added in codebook order."""
    import networkx as nx  # here, not at the top: only the co-occurrence network needs it

    measure_label(measure)
    graph = nx.Graph(unit=str(cooc["unit"].iloc[0]) if len(cooc) else "", measure=measure,
                     threshold=threshold)
    sizes = {**cooc.groupby("problem")["n_problem"].first().to_dict(),
             **cooc.groupby("remedy")["n_remedy"].first().to_dict()}
    for c in codebook.ids:
        if c in sizes:
            code = codebook.code(c)
            graph.add_node(c, family=code.family, name_en=code.name_en, units=int(sizes[c]))
    for r in cooc.itertuples(index=False):
        w = float(getattr(r, measure))
        if r.n_both > 0 and np.isfinite(w) and w >= threshold:
            graph.add_edge(r.problem, r.remedy, weight=w, n_both=int(r.n_both),
                           jaccard=float(r.jaccard), lift=float(r.lift))
    return graph


# =========================================================================== 4. quotes

def _coded_sentences(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    rows = coded.merge(segments[["file", "start", "text", "tokens"]], on=["file", "start"], how="left")
    dates = doc_dates(documents)
    rows["date"] = rows["doc_id"].map(dates["date"]).fillna("")
    rows["date_inferred"] = rows["doc_id"].map(dates["date_inferred"]).fillna(False).astype(bool)
    return rows


def representative_quotes(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
                          codebook: Codebook, per_code: int = 3) -> pd.DataFrame:
    """For each code, its ``per_code`` most representative sentences.

    Criterion: a sentence is the more typical of a code the more of the code's distinct
    rules fired in it (``n_rules``), then the more distinct words they matched
    (``n_words``), then the shorter it is (``tokens``: easier to quote whole), then file
    and offset (so ties are broken the same way every time). To show the code's spread,
    the quotes are picked across documents first: the best sentence of each document, in
    that order, then the remaining sentences by the same order if there are fewer
    documents than ``per_code``.

    Columns: ``code, rank`` (1 = most typical), ``doc_id, date, date_inferred, file,
    start, end`` (raw offsets of the sentence), ``n_rules, n_words, tokens, rules,
    matched, quote`` (the sentence's text as segmented). Codebook order, then rank."""
    rows = _coded_sentences(coded, segments, documents)
    rows["n_rules"] = rows["rules"].map(lambda s: len(set(split_list(s))))
    rows["n_words"] = rows["matched"].map(
        lambda s: len({p.lower() for p in markup.matched_parts(s)}))
    out = []
    for code in codebook.ids:
        g = rows[rows["code"] == code].sort_values(
            ["n_rules", "n_words", "tokens", "file", "start"],
            ascending=[False, False, True, True, True], kind="stable")
        if g.empty:
            continue
        firsts = g.drop_duplicates("doc_id")
        picked = pd.concat([firsts, g.drop(firsts.index)]).head(per_code)
        out.append(picked.assign(rank=range(1, len(picked) + 1)))
    cols = ["code", "rank", "doc_id", "date", "date_inferred", "file", "start", "end", "n_rules",
            "n_words", "tokens", "rules", "matched", "quote"]
    if not out:
        return pd.DataFrame(columns=cols)
    table = pd.concat(out).rename(columns={"text": "quote"})
    table["tokens"] = table["tokens"].fillna(0).astype(int)
    return table[cols].reset_index(drop=True)


# =========================================================================== 5. drill-down

DRILLDOWN_COLUMNS = ["doc_id", "code", "n_sentences", "small_n", "file", "start", "end", "date",
                     "date_inferred", "quote", "matched"]


def drilldown(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame,
              codebook: Codebook) -> pd.DataFrame:
    """The quotes behind each cell of the document × theme matrix
    (:func:`code_by_document`): one row per coded sentence, with its cell's
    ``n_sentences`` and ``small_n`` (True when the cell rests on ``SMALL_N`` = 2 sentences
    or fewer). Columns ``doc_id, code, n_sentences, small_n, file, start, end`` (raw
    offsets), ``date, date_inferred, quote, matched`` (the words that fired the code).
    Documents in corpus order, codes in codebook order, then sentence order; empty cells
    have no rows."""
    rows = _coded_sentences(coded.drop_duplicates(["file", "start", "code"]), segments, documents)
    rows["n_sentences"] = rows.groupby(["doc_id", "code"])["start"].transform("size").astype(int)
    rows["small_n"] = ~enough(rows["n_sentences"])
    docs = {d: i for i, d in enumerate(doc_order(segments))}
    rank = codebook.rank
    rows = rows.assign(_d=rows["doc_id"].map(docs), _c=rows["code"].map(rank)).sort_values(
        ["_d", "_c", "file", "start"], kind="stable")
    return rows.rename(columns={"text": "quote"})[DRILLDOWN_COLUMNS].reset_index(drop=True)


# =========================================================================== 6. summaries for a written reading

NEUTRAL_QUESTIONS = ("Which problems recur, and in which sectors?",
                     "Which remedies are proposed, and with which problems?",
                     "How do the voices differ?")


def research_questions(study: dict) -> list[str]:
    """The questions the findings answer: a study's own (``study.yaml``'s ``questions``,
    :func:`helpers.corpus.load_study`), each one it does not word in the neutral terms of
    ``NEUTRAL_QUESTIONS`` (plain text: escape it on its way into Markdown)."""
    own = [str(q) for q in study.get("questions", [])]
    return own + list(NEUTRAL_QUESTIONS[len(own):])


def has_sectors(codebook: Codebook) -> bool:
    """Whether the codebook defines sectors (``attributes: sector:``): the findings count
    themes by sector only then."""
    return bool(codebook.attributes.get("sector"))


def no_sector(codebook: Codebook) -> tuple[str, ...]:
    """The sector groups of sentences that name no sector (the codebook's
    ``attribute_defaults: sector:``, the study's ``general``, and ``"(unknown)"`` without
    one): where a theme is densest is never one of these."""
    return tuple(sorted({codebook.attribute_defaults.get("sector", UNKNOWN), UNKNOWN}))


def sector_note(codebook: Codebook, documents: pd.DataFrame) -> str:
    """Markdown saying where the sectors of the findings come from: the codebook's rules,
    sentence by sentence (or, with the codebook's ``attribute_scope`` ``sector: paragraph``, from
    the rest of the paragraph for a sentence that names none), with the sectors it defines and
    what a sentence naming none counts as; or that the codebook defines none, so that nothing is counted by sector.
    When the metadata has a ``sector`` column, that it is kept in ``documents.csv`` but not
    used. Codebook values and metadata are escaped."""
    def md(value: object) -> str:
        return markup.escape(value, markdown=True)

    if has_sectors(codebook):
        values = ", ".join(md(v.replace("_", " ")) for v in codebook.attributes["sector"])
        default = codebook.attribute_defaults.get("sector")
        whole = codebook.attribute_scope.get("sector") == "paragraph"
        text = (f"The sectors are the codebook's ({values}), found by its rules in each sentence"
                + (", or where a sentence names none, in the rest of its paragraph" if whole else "")
                + "; a sentence naming several counts in each, "
                + (f"and one naming none{' in a paragraph naming none' if whole else ''} counts as "
                   f"{md(default.replace('_', ' '))}." if default else
                   f"and one naming none{' in a paragraph naming none' if whole else ''} counts as {UNKNOWN} (the "
                   "codebook gives no `attribute_defaults: sector:`)."))
    else:
        text = ("**This codebook defines no sectors** (it has no `attributes: sector:`), so themes are not counted "
                "by sector here: the figure is left out, and the interpretation does not say in which sector each "
                "problem is densest. To count them, add `attributes: sector:` with rules for each sector to the "
                "codebook (the study's are in `helpers/data/codebook.yaml`).")
    if "sector" in documents.columns and documents["sector"].fillna("").astype(str).str.strip().ne("").any():
        text += (" The metadata's own `sector` column is kept in `documents.csv` but not used here: "
                 + ("these sectors are the ones the codebook's rules find in each sentence, so a document's "
                    "sentences may name other sectors than its metadata gives, or none."
                    if has_sectors(codebook) else "sectors would come from the codebook's rules, sentence by "
                    "sentence, not from the metadata."))
    return text


def top_codes(freq: pd.DataFrame, family: str, n: int = 3) -> pd.Series:
    """The ``n`` codes of a family (``"P"`` or ``"R"``) with the most coded sentences in a
    :func:`theme_frequencies` table (summed over its groups): code → sentences, most
    first, ties in codebook order; a code with no sentence is none of them (RQ1 read "0
    sentences in 0 of 9 documents" among the most frequent)."""
    totals = freq[freq["family"] == family].groupby("code", sort=False)["sentences"].sum()
    return totals[totals > 0].sort_values(ascending=False, kind="stable").head(n)


def document_spread(by_doc: pd.DataFrame, family: str) -> pd.Series:
    """In how many documents each code of a family (``"P"`` or ``"R"``) is coded, from a
    :func:`theme_frequencies` table by ``doc_id``: code → documents, by code id."""
    rows = by_doc[by_doc["family"] == family]
    return rows.groupby("code")["sentences"].agg(lambda x: int((x > 0).sum()))


def widest(spread: pd.Series) -> tuple[str, list[str]]:
    """The code of a (non-empty) :func:`document_spread` raised in the most documents (of a
    tie, the first in ``spread``'s order: a document_spread's is by code id), and the others
    raised in as many, in that order."""
    first = spread.sort_values(ascending=False, kind="stable").index[0]
    return first, [c for c in spread.index if c != first and spread[c] == spread[first]]


def known(groups: Iterable) -> list:
    """The voices, or :func:`group_profiles` rows (by their group), other than
    ``UNKNOWN``, in their order: documents with no voice are a group of their own in the
    tables and figures, but no voice the findings name or count as one."""
    return [g for g in groups if (g[0] if isinstance(g, tuple) else g) != UNKNOWN]


def few_sentences() -> str:
    """The counts below the floor in words, as the pages say them: "1 or 2 sentences"."""
    return "1 or 2 sentences" if SMALL_N == 2 else f"1 to {SMALL_N} sentences"


def enough(n):
    """Whether a count of sentences or units (a number, or a Series of them) is above the
    findings' floor, ``SMALL_N``: a rate or a share of one or two sentences is no finding.
    The one test of the floor that the findings' words, tables and figures apply
    (:func:`densest_group`, :func:`densest_codes`, :func:`group_profiles`,
    :func:`top_pairs`, :func:`drilldown`, :func:`few` by which the figures hatch and the
    tables mark, and the marks of :mod:`helpers.drilldown`)."""
    return n > SMALL_N


def few(n):
    """Whether a count (a number, or an array or table of them) is one of the few the
    findings mark, hatch or leave unranked: more than none, not :func:`enough`."""
    return (n > 0) & ~enough(n)


def _densest(rows: pd.DataFrame, tie: str) -> pd.Series | None:
    """The row of a :func:`theme_frequencies` table's ``rows`` with the highest
    ``per_1000`` (ties by ``tie``, ascending) among those resting on more than ``SMALL_N``
    sentences (:func:`enough`), the floor below which the figures hatch a bar: a rate of one
    or two sentences is no finding. ``None`` when no row has that many."""
    rows = rows[enough(rows["sentences"])]
    if not len(rows):
        return None
    return rows.sort_values(["per_1000", tie], ascending=[False, True], kind="stable").iloc[0]


def densest_group(freq: pd.DataFrame, code: str, skip: tuple[str, ...] = ()) -> pd.Series | None:
    """The group of a :func:`theme_frequencies` table in which ``code`` is densest
    (highest ``per_1000``; ties alphabetical), among the groups (not in ``skip``) where it
    rests on more than ``SMALL_N`` sentences (:func:`_densest`). ``None`` when no group
    has that many."""
    by = group_column(freq)
    return _densest(freq[(freq["code"] == code) & ~freq[by].isin(skip)], by)


def group_sentences(freq: pd.DataFrame, code: str, skip: tuple[str, ...] = ()) -> int:
    """The sentences coded ``code`` in the groups of a :func:`theme_frequencies` table not in
    ``skip``. Where :func:`densest_group` finds no group, 0 means that every sentence of the
    code is in the skipped groups (names no sector), as opposed to each group having too few."""
    rows = freq[(freq["code"] == code) & ~freq[group_column(freq)].isin(skip)]
    return int(rows["sentences"].sum())


def densest_codes(freq: pd.DataFrame, group: str) -> pd.DataFrame | None:
    """The themes densest in one group of a :func:`theme_frequencies` table: the rows with
    the highest ``per_1000`` (several when they tie, by code id), among the themes that rest
    on more than ``SMALL_N`` of the group's sentences, the same floor as
    :func:`densest_group`. ``None`` when no theme has that many there."""
    rows = freq[freq[group_column(freq)] == group]
    best = _densest(rows, "code")
    if best is None:
        return None
    top = rows[enough(rows["sentences"]) & np.isclose(rows["per_1000"], best["per_1000"])]
    return top.sort_values("code", kind="stable").reset_index(drop=True)


def group_profiles(freq: pd.DataFrame) -> tuple[list[tuple[str, int, float | None, pd.DataFrame | None]], list[str]]:
    """RQ3's profile of each group (a voice, or a period) of a :func:`theme_frequencies`
    table, in the group's order: ``(group, documents, share of its codes that are
    problems, densest_codes)``; and, apart, the groups with no coded sentence at all
    (named by the text rather than left out, so its count of groups agrees with the figure's).
    The share is ``None`` for a group with ``SMALL_N`` coded sentences or fewer (distinct
    sentences, ``coded_sentences``: one sentence with two themes is one), the floor of its
    densest theme (:func:`enough`): a share of one or two sentences (0% or 100%) is no
    finding. The share itself is of the group's codings (a sentence coded with two themes
    counts once per theme)."""
    by = group_column(freq)
    rows, silent = [], []
    for group, g in freq.groupby(by, sort=False):  # the table's order, the figure's
        total, distinct = int(g["sentences"].sum()), int(g["coded_sentences"].iloc[0])
        if distinct == 0:
            silent.append(group)
            continue
        share_p = float(g.loc[g["family"] == "P", "sentences"].sum() / total) if enough(distinct) else None
        rows.append((group, int(g["n_documents"].iloc[0]), share_p, densest_codes(freq, group)))
    return rows, silent


def _met(cooc: pd.DataFrame) -> pd.DataFrame:
    """The pairs of a :func:`cooccurrence` table that meet in at least one unit."""
    return cooc[cooc["n_both"] > 0] if len(cooc) else cooc


def top_pairs(cooc: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The ``n`` problem–remedy pairs of a :func:`cooccurrence` table with the highest
    lift, among the pairs met in more than ``SMALL_N`` units (the floor the heatmap hatches
    below: one or two chance meetings give the largest lifts); when fewer than ``n`` are
    above it, the pairs met in 1 … ``SMALL_N`` units follow, by lift, marked ``small_n``.
    Ties by problem, then remedy."""
    met = _met(cooc).assign(small_n=lambda t: ~enough(t["n_both"]))
    return (met.sort_values(["small_n", "lift", "problem", "remedy"], ascending=[True, False, True, True],
                            kind="stable").head(n).reset_index(drop=True))


def shown_pairs(pairs: pd.DataFrame) -> pd.DataFrame:
    """A :func:`top_pairs` table as the findings page shows it: without ``unit`` and
    ``n_units`` (the same on every row; the caption says them, :func:`units_of`) and with
    ``small_n`` as a mark, "⚠" where the pair rests on ``SMALL_N`` units or fewer and empty
    elsewhere, instead of True/False. ``pairs`` itself is left as it is."""
    out = pairs.drop(columns=[c for c in ("unit", "n_units") if c in pairs.columns])
    if "small_n" in out.columns:
        out["small_n"] = out["small_n"].map({True: SMALL_N_MARK, False: ""})
    return out


def pairs_shown(cooc: pd.DataFrame, shown: int) -> str:
    """What a table of ``shown`` rows of :func:`top_pairs` holds of a :func:`cooccurrence`
    table's pairs that meet in at least one unit: "the first 10 of the 23 pairs found
    together", or "all 7 pairs found together" when it shows them all."""
    met = len(_met(cooc))
    if shown < met:
        return f"the first {shown} of the {met} pairs found together"
    return {0: "no pair found together", 1: "the one pair found together"}.get(met, f"all {met} pairs found together")


def units_of(cooc: pd.DataFrame) -> int:
    """The number of units (sentences or paragraphs) a :func:`cooccurrence` table counted
    in; 0 for an empty table."""
    return int(cooc["n_units"].iloc[0]) if len(cooc) else 0


TURN_LABELS_NAMED = 5  # turns_note names at most this many labels that study.yaml does not map


def _named(items: list[str], sep: str = ", ") -> str:
    """Up to ``TURN_LABELS_NAMED`` items, joined by ``sep``, and how many more there are;
    each of :func:`_quoted`."""
    more = len(items) - TURN_LABELS_NAMED
    return sep.join(items[:TURN_LABELS_NAMED]) + (f" and {more} more" if more > 0 else "")


def _quoted(names: Iterable[str]) -> list[str]:
    return [f'"{name}"' for name in names]


def unknown_voice_note(freq: pd.DataFrame) -> str:
    """One plain-text line for a page that compares voices (a :func:`theme_frequencies`
    table by voice): its group :data:`UNKNOWN` is no voice but the documents whose metadata
    gives none (sentences outside a turn ``turns`` gives a voice, in them), counted as one
    group, which a reader would otherwise take for a voice; empty when there is none."""
    rows = freq[freq["voice"] == UNKNOWN] if "voice" in freq.columns else freq.iloc[0:0]
    if rows.empty:
        return ""
    n = int(rows["n_documents"].iloc[0])
    documents = "the document" if n == 1 else f"the {plural(n, 'document')}"
    return (f"{UNKNOWN} is no voice: it gathers what {documents} with no voice in the metadata "
            f"{'says' if n == 1 else 'say'} (outside a turn whose label study.yaml gives a voice), counted as one "
            f"group; give {'it' if n == 1 else 'each'} a voice in the metadata"
            f"{'' if n == 1 else ' to tell them apart'}.")


def variants_note(values: Iterable[object], kind: str = "voice") -> str:
    """One plain-text line naming the groups (voices, genres) among ``values`` that are
    written in more than one way, differing only in case or spacing ("KD" and "kd", as
    the Riksdag's own records write a party), which every finding counts as groups of their
    own; empty when there are none. Up to ``TURN_LABELS_NAMED`` are named, then how many
    more. The values are not merged: whether "KD" and "kd" are one voice is the
    researcher's to say, in metadata.csv (or study.yaml's ``turns:``, which gives voices too)."""
    ways: dict[str, list[str]] = {}
    for value in sorted({str(v) for v in values}, key=lambda v: (v.casefold(), v)):
        ways.setdefault(" ".join(value.casefold().split()), []).append(value)
    several = [" and ".join(_quoted(written)) for written in ways.values() if len(written) > 1]
    if not several:
        return ""
    return (f"{plural(len(several), kind)} {'is' if len(several) == 1 else 'are'} written in more than one way, "
            f"differing only in case or spacing: {_named(several, '; ')}. Each way counts as a {kind} of its own "
            f"here; if they are one {kind}, write them alike "
            + ("(in metadata.csv, or in study.yaml's turns: for a turn's voice)." if kind == "voice" else "in metadata.csv."))


def turns_note(coded: pd.DataFrame, segments: pd.DataFrame, turns: Mapping[str, str] | None = None) -> str:
    """One plain-text line for the voices' findings when coded sentences stand in turns of
    an interview or a dialogue (:func:`turn_labels`: after a turn's label, "IP:",
    "Intervjuare:", in the same paragraph; a debate record's speech after "Anf. 12 … (S):"
    is no turn): how many there are, how many counted for the voice ``turns`` (the study's
    ``turns:``) gives their label (:func:`segment_voices`), and how many still count for
    their document's voice whoever speaks (an interviewer's questions too, while ``turns``
    gives no turn here a voice), naming their labels once each as :func:`label_key`
    compares them ("Anna" and "ANNA" are one label, named as most of its turns write it),
    the most frequent first, up to ``TURN_LABELS_NAMED``, so that the researcher knows
    what to add to ``study.yaml``; and the labels of ``turns`` that label no turn of
    ``segments``, said even when no coded sentence stands in a turn (a transcript whose
    labels the turn cue does not read, "INTERVJUARE – …"). Empty when neither is there (or
    ``segments`` has no ``kind``)."""
    if "kind" not in segments.columns:
        return ""
    label = turn_labels(segments)
    found = set(label.dropna().map(label_key))
    unused = [name for name in (turns or {}) if label_key(name) not in found]
    unused_line = (f"study.yaml's turns: gives a voice to {plural(len(unused), 'label')} that no turn here has: "
                   f"{_named(_quoted(unused))}." if unused else "")
    if not len(coded):
        return unused_line
    voice = _turn_voices(segments, turns) if turns else pd.Series(None, index=segments.index, dtype=object)
    turn = segments.assign(label=label, voice=voice)[label.notna() & (segments["kind"] != "speaker")]
    sentences = coded.drop_duplicates(["file", "start"])
    in_turns = sentences[["file", "start", "doc_id"]].merge(turn[["file", "start", "label", "voice"]],
                                                            on=["file", "start"])
    if not len(in_turns):
        return unused_line
    mapped = in_turns["voice"].notna()  # the voice segment_voices gives it
    # one name per label as label_key compares them ("Anna", "ANNA"): as most of its turns write it
    unmapped = in_turns.loc[~mapped, "label"]
    keys = unmapped.map(label_key)
    named: dict[str, str] = {}
    for (key, form), _ in sorted(unmapped.groupby([keys, unmapped]).size().items(), key=lambda x: (-x[1], x[0][1])):
        named.setdefault(key, form)
    counts = keys.value_counts()
    names = sorted(named.values(), key=lambda name: (-counts[label_key(name)], name.casefold(), name))
    n, total = len(in_turns), len(sentences)
    text = (f"{n} of the {plural(total, 'coded sentence')} {'stands' if n == 1 else 'stand'} in turns of an interview "
            f"or a dialogue, after a speaker's label such as \"IP:\" ({plural(in_turns['doc_id'].nunique(), 'document')}); ")

    def count(k: int) -> str:  # "1 counts for its", "2 count for their"
        return f"{k} counts for its" if k == 1 else f"{k} count for their"

    several = len(names) > 1
    if mapped.all():
        text += "each counts for the voice study.yaml gives its label (turns:)."
    else:
        counted = (f"{count(int(mapped.sum()))} label's voice in study.yaml (turns:), "
                   f"{count(int((~mapped).sum())).replace('count', 'still count', 1)}" if mapped.any()
                   else "each counts for its")
        # "an interviewer's questions too" only while turns gives no turn here a voice (its
        # questions may carry no code): one that has it may be the interviewer's
        asked = "" if voice.notna().any() else ", an interviewer's questions too"
        text += (f"{counted} document's voice whoever speaks{asked}, since study.yaml "
                 f"gives no voice to the label{'s' if several else ''} {_named(_quoted(names))}: add "
                 f"{'them' if several else 'it'} under turns: with {'their voices' if several else 'its voice'} "
                 "to count each turn for its speaker.")
    return f"{text} {unused_line}".rstrip()


def voices_with(coded: pd.DataFrame, segments: pd.DataFrame, documents: pd.DataFrame, code: str,
                turns: Mapping[str, str] | None = None) -> list[str]:
    """The voices of the sentences coded with ``code`` (:func:`segment_voices`: their
    documents', or their turns' labels' in ``turns``), sorted (case-insensitive);
    ``"(unknown)"`` for a document without one."""
    voices = segments[["file", "start"]].assign(voice=segment_voices(segments, documents, turns))
    hits = coded.loc[coded["code"] == code, ["file", "start"]].merge(voices, on=["file", "start"])
    return sorted(set(hits["voice"].astype(str)), key=lambda v: (v.casefold(), v))


def _words(matched: str) -> set[str]:
    return {w.lower().strip("-–") for part in matched.split("; ") for w in re.split(r"\s+|…", part) if w.strip("-– ")}


def shared_words(coded: pd.DataFrame, a: str, b: str) -> tuple[int, int]:
    """Of the sentences coded with both ``a`` and ``b``: how many owe both codes to at
    least one same matched word (the rules read the same words both ways), and how many
    there are."""
    pa = coded[coded["code"] == a].set_index(["file", "start"])["matched"]
    pb = coded[coded["code"] == b].set_index(["file", "start"])["matched"]
    both = pa.index.intersection(pb.index)
    shared = sum(1 for k in both if _words(pa[k]) & _words(pb[k]))
    return shared, len(both)
