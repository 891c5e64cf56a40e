"""Documents: what the analysis counts as one text, with its date.

Usually a raw file is one document, described by its row of ``metadata.csv``. A file
that is a diary of dated entries (:mod:`helpers.entries`) becomes one document per
entry, each with its own span, place and date, linked to the file's document by
``parent``. Text before the first entry stays with the file's document.

Dates come from the metadata where it gives one; otherwise from the text: an entry's
heading, a "published/updated" line that cleaning removed (a ``dated`` rule of
``boilerplate.yaml``: "Publicerad 4 maj 2020"; the first such line with a date, logged),
or a dateline among the first lines of the file ("fredag 5 april 2013",
"2016-12-21 15:11"), parsed by :func:`helpers.dates.parse_swedish_date`. ``date_source``
says which (``metadata``, ``entry heading``, ``removed line (<rule>)``, ``text``),
``date_precision`` how much is known (``day``, ``month``, ``year`` or
``interval``), ``date_inferred`` whether any part was inferred rather than written.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections.abc import Mapping
from itertools import islice
from pathlib import Path
from typing import Sequence

import pandas as pd

from .clean import lines
from .dates import parse_swedish_date
from .entries import split_entries
from .tables import DOCUMENT_COLUMNS, DOCUMENT_SORT

log = logging.getLogger(__name__)

DATELINE_LINES = 3  # a dateline is looked for in the first lines that are not blank


def _precision(iso: str) -> str:
    if "/" in iso:
        return "interval"
    return {4: "year", 7: "month", 10: "day"}.get(len(iso), "")


def _slug(place: str | None, n: int) -> str:
    slug = re.sub(r"[^\w]+", "-", (place or "").lower()).strip("-")
    return slug or f"entry-{n + 1}"


def published_date(file: str, text: str, dated: Sequence[dict]) -> dict[str, str]:
    """The date of the first removed "published/updated" line that gives one, as
    ``documents.csv`` fields (empty if none does); ``dated`` are removals (``start, end,
    rule``) by ``dated`` rules, in the order of the file. Logged."""
    for r in sorted(dated, key=lambda r: r["start"]):
        found = parse_swedish_date(text[r["start"]:r["end"]])
        if found is not None:
            line = text.count("\n", 0, r["start"]) + 1
            log.info("%s: line %d: the date %s of a removed line (rule %s) is the document's date; "
                     "metadata.csv gives none.", file, line, found.iso, r["rule"])
            return {"date": found.iso, "date_precision": found.precision,
                    "date_inferred": str(found.year_inferred).lower(), "date_source": f"removed line ({r['rule']})"}
    return {}


def documents_of_file(file: str, text: str, meta: dict[str, str], dated: Sequence[dict] = (),
                      removed: Sequence[dict] = ()) -> list[dict]:
    """The documents of one raw file: the file's own, then one per dated entry. ``dated``
    are the file's removals by ``dated`` rules (:func:`published_date`); ``removed`` its
    other removals, whose lines are never its dateline (a news list's first item's date)."""
    base = meta["doc_id"]
    row = {c: "" for c in DOCUMENT_COLUMNS} | {"doc_id": base, "file": file, "start": 0, "end": len(text)}
    published = {} if meta.get("date") else published_date(file, text, dated)
    if meta.get("date"):
        row |= {"date": meta["date"], "date_precision": _precision(meta["date"]),
                "date_inferred": meta.get("date_inferred", "") or "false", "date_source": "metadata"}
    elif published:
        row |= published
    else:
        gone = sorted(r["start"] for r in removed)
        kept = (text[s:e] for s, e in lines(text)
                if text[s:e].strip() and bisect.bisect_left(gone, s) == bisect.bisect_right(gone, e))
        head = "\n".join(islice(kept, DATELINE_LINES))
        found = parse_swedish_date(head)
        if found is not None:
            row |= {"date": found.iso, "date_precision": found.precision,
                    "date_inferred": str(found.year_inferred).lower(), "date_source": "text"}
    docs = [row]
    seen: set[str] = set()
    for e in split_entries(text):
        doc_id = f"{base}/{_slug(e.place, e.index)}"
        if doc_id in seen:
            doc_id = f"{doc_id}-{e.index + 1}"
        seen.add(doc_id)
        docs.append({
            "doc_id": doc_id, "file": file, "parent": base, "entry": e.index, "start": e.start,
            "end": e.end, "place": e.place or "", "title": e.heading,
            "date": e.date.iso if e.date else "", "date_precision": e.date.precision if e.date else "",
            "date_inferred": str(bool(e.date_inferred)).lower() if e.date else "",
            "date_source": "entry heading" if e.date else "",
        })
    return docs


def assign(segments: pd.DataFrame, documents: pd.DataFrame) -> pd.Series:
    """The document each sentence belongs to: the entry whose span holds its start, else
    its file's document."""
    out = []
    by_file = {f: g.sort_values("start") for f, g in documents[documents["parent"] != ""].groupby("file")}
    base = dict(zip(documents.loc[documents["parent"] == "", "file"], documents.loc[documents["parent"] == "", "doc_id"]))
    for f, s in zip(segments["file"], segments["start"]):
        doc = base[f]
        entries = by_file.get(f)
        if entries is not None:
            starts = entries["start"].tolist()
            i = bisect.bisect_right(starts, s) - 1
            if i >= 0 and s < entries["end"].iloc[i]:
                doc = entries["doc_id"].iloc[i]
        out.append(doc)
    return pd.Series(out, index=segments.index, name="doc_id")


def documents_table(rows: list[dict], meta: pd.DataFrame) -> pd.DataFrame:
    """All documents, with the file's metadata columns carried over to its entries (an
    entry's own title, place and date replace the file's)."""
    docs = pd.DataFrame(rows)
    extra = [c for c in meta.columns if c not in DOCUMENT_COLUMNS]
    file_meta = meta.set_index("file")[extra]
    for col in file_meta.columns:
        inherited = docs["file"].map(file_meta[col])
        if col.startswith("date"):  # an entry's date is its own, not the file's
            inherited = inherited.where(docs["parent"] == "", "")
        if col in docs.columns:
            docs[col] = docs[col].where(docs[col].fillna("") != "", inherited)
        else:
            docs[col] = inherited
    docs = docs.fillna("")
    docs["entry"] = docs["entry"].astype(str)
    cols = DOCUMENT_COLUMNS + [c for c in docs.columns if c not in DOCUMENT_COLUMNS]
    return docs[cols].sort_values(DOCUMENT_SORT).reset_index(drop=True)


def id_clash(documents: pd.DataFrame) -> str | None:
    """What two documents of :func:`documents_table` share a doc id (one line naming the
    files and where each id came from, and what to do), or ``None``: an entry's id is its
    file's doc id and a slug of its place (``tillit-diary/falun``), which a doc id that
    ``metadata.csv`` gives another file can equal; the findings would then read the two as
    one document."""
    dup = documents[documents["doc_id"].duplicated(keep=False)]
    if not len(dup):
        return None
    doc_id = min(dup["doc_id"])
    whence = [f"raw/{r.file} (" + (f"its dated entry {int(r.entry) + 1}, named from its file's doc id and the entry's "
                                   "place" if r.parent else "its doc id in metadata.csv, or its file name") + ")"
              for r in dup[dup["doc_id"] == doc_id].itertuples()]
    return (f"the doc id {doc_id!r} is given to {len(whence)} documents: {', '.join(whence)}. Each document needs "
            "its own id: give the file another doc id in metadata.csv (a row per file: file,doc_id).")


def cited_id(file: str, start: int, doc_ids: Mapping[str, str], documents: pd.DataFrame | None = None) -> str | None:
    """The id a citation of raw ``file`` from character ``start`` shows, as the findings cite
    a sentence: the dated entry's (``tillit-diary/luleå``) when ``documents`` (a run's
    ``documents.csv`` of that corpus) splits the file into entries and one holds ``start``;
    else the file's doc id in ``doc_ids`` (raw file name → id); ``None`` when neither knows it."""
    if documents is not None and "parent" in documents.columns:
        entries = documents[(documents["parent"].astype(str) != "") & (documents["file"] == file)]
        inside = entries[(entries["start"].astype(int) <= start) & (entries["end"].astype(int) > start)]
        if len(inside):
            return str(inside["doc_id"].iloc[0])
    return doc_ids.get(file)


def removals_per_document(removed: pd.DataFrame, documents: pd.DataFrame) -> pd.DataFrame:
    """Removed stretches per document (a file, or a diary's entry, by where the removal
    starts) and rule: one row per document with a removal, one column per rule, sorted."""
    if removed.empty:
        return pd.DataFrame(index=pd.Index([], name="doc_id"))
    doc_ids = assign(removed[["file", "start"]], documents)
    table = pd.crosstab(doc_ids.rename("doc_id"), removed["rule"].rename("removals by rule"))
    return table.sort_index().reindex(sorted(table.columns), axis=1)


def textless(documents: pd.DataFrame, segments: pd.DataFrame) -> pd.DataFrame:
    """The documents without any sentence (an empty file, or one whose text cleaning
    removed whole; a diary split into entries counts as its entries): ``doc_id, file``,
    sorted by doc id. Every count of documents drawn
    from the sentences leaves them out; :func:`textless_note` says so on a page."""
    docs = _counted(documents)[["doc_id", "file"]]
    return (docs[~docs["file"].isin(set(segments["file"]))].sort_values("doc_id", kind="stable")
            .reset_index(drop=True))


def _counted(documents: pd.DataFrame) -> pd.DataFrame:
    """The documents counted as such: each once, a diary's file not beside its entries
    (a document that is another's ``parent`` holds them, and no text of its own)."""
    docs = documents.drop_duplicates("doc_id")
    parents = set(docs["parent"].dropna().astype(str)) - {""} if "parent" in docs.columns else set()
    return docs[~docs["doc_id"].isin(parents)]


def entries_note(documents: pd.DataFrame) -> str:
    """One plain-text line that says how a file of dated entries (a diary) is counted: as
    its entries, each a document of its own, named ("tillit-diary as 5 (tillit-diary/
    norrtälje, …)"), so that "1 of 9 documents" squares with a corpus of five files. Empty
    when no file has entries. For the findings' text (escaped there) and the index page."""
    if "parent" not in documents.columns:
        return ""
    entries = documents[documents["parent"].astype(str) != ""]
    if entries.empty:
        return ""
    said = [f"{parent} as {len(g)} ({', '.join(map(str, g['doc_id']))})"
            for parent, g in entries.groupby(entries["parent"].astype(str), sort=False)]
    return f"The findings count a file of dated entries as its entries, each a document of its own: {'; '.join(said)}."


def textless_note(documents: pd.DataFrame, segments: pd.DataFrame, timeline: bool = False) -> str:
    """One plain-text line for a page that counts documents: how many of the corpus's
    documents have text, and which have none (and so no sentence, no code, no place on the
    timeline); empty when every document has text. ``timeline``: the page draws the
    timeline, whose label counts them among the documents it does not show
    (:func:`helpers.figures.timeline_figure`'s ``textless``), and the line says so."""
    none = textless(documents, segments)
    if not len(none):
        return ""
    total = len(_counted(documents))
    named = ", ".join(f"{d} ({f})" if Path(str(f)).stem != d else str(f) for d, f in none.itertuples(index=False))
    has, it = ("has", "it") if len(none) == 1 else ("have", "them")
    shown = (f", except the timeline's, which counts {it} among the documents it does not show" if timeline
             else "")
    return (f"{total - len(none)} of the {total} documents have text; {named} {has} none after "
            f"cleaning (so no sentences), and every count of documents below leaves {it} out{shown}.")
