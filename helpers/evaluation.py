"""Scoring the auto-coder on every corpus that brings reference codings.

``python -m helpers.evaluation`` (``make evaluate``) runs the pipeline on each corpus
folder with a ``reference/`` folder (by default the study's ``corpus`` and the
development corpora, :data:`DEVELOPMENT_CORPORA`) and scores ``coded.csv`` against each reference coder,
per paragraph and per sentence: Krippendorff's α (nominal, pooled over unit × code
decisions) and macro-F1 (the mean F1 over the codes either side uses), each with a 95%
bootstrap interval (whole units resampled, seeded), and beside them the reference
coders' agreement with each other, the ceiling. Rows are given for the whole corpus, for
each part of its split and for each genre.

A corpus folder may hold ``split.csv`` (``file,part``; part ``tune`` or ``score``): the
texts rules may be read and tuned on, and the texts that are only scored. The honest
figure is the ``score`` part's. A genre comes from the metadata's ``genre`` column.
``--part tune`` prints and writes the tune parts only (and a corpus without a split), so
that a rule can be tried without the score parts being seen; each corpus's
``evaluation_disagreements.csv`` lists the paragraphs and codes on which the coder and the
references differ, with the rules that fired (:func:`disagreement_table`).

``--record`` writes the paragraph-level figures of the codebook in force to
``docs/evaluation.csv``, one row per codebook version, corpus, part and reference, so that
progress and regressions stay visible in the repository, and the fingerprint of each
version's rules to ``docs/evaluation-codebooks.csv``; a version number recorded for other
rules is refused (:func:`version_problem`), so a version's figures are never overwritten by
another's.

Beside the coder, a plain keyword search (``helpers/data/keyword_baseline.yaml``: a few
stems per code, any hit codes the sentence) is scored the same way, as the yardstick the
coder has to beat; it is recorded as the codebook "Keyword baseline". How far the coder
is ahead of it (differences of α and macro-F1 per paragraph, with paired bootstrap
intervals: both scored on the same resampled paragraphs) is written to each corpus's
``evaluation_vs_baseline.csv`` and, with ``--record``, to ``docs/evaluation-vs-baseline.csv``.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from . import coding, io, manifest, paths, pipeline, reliability
from . import corpus as corpus_mod
from .findings import split_list
from .matcher import joined

SPLIT_FILE = "split.csv"
PARTS = ("tune", "score")
RECORD = paths.PROJ_ROOT / "docs" / "evaluation.csv"
RECORD_COLUMNS = ["codebook", "version", "corpus", "part", "reference", "paragraphs", "alpha", "macro_f1",
                  "references_alpha", "references_macro_f1"]
AHEAD_RECORD = paths.PROJ_ROOT / "docs" / "evaluation-vs-baseline.csv"
# each recorded codebook version with the fingerprint of its rules (coding.Codebook.rules_sha256), so that a version
# number is never recorded again for other rules (a version tried and not adopted keeps its rows)
VERSIONS_RECORD = paths.PROJ_ROOT / "docs" / "evaluation-codebooks.csv"
VERSIONS_COLUMNS = ["codebook", "version", "rules_sha256"]
AHEAD_COLUMNS = ["codebook", "version", "corpus", "part", "reference", "paragraphs", "alpha_ahead", "alpha_low",
                 "alpha_high", "macro_f1_ahead", "macro_f1_low", "macro_f1_high"]
SUMMARY_COLUMNS = ["corpus", "part", "genre", "level", "reference", "units", "alpha", "alpha_low", "alpha_high",
                   "macro_f1", "macro_f1_low", "macro_f1_high", "references_alpha", "references_macro_f1"]
# the development corpora, each coded twice after a codebook version was frozen (their README.md says which)
DEVELOPMENT_CORPORA = ("corpus-dev", "corpus-dev2", "corpus-dev3")
DEFAULT_CORPORA = ("corpus", *DEVELOPMENT_CORPORA)
# the last codebook version that met all of a development corpus's texts as new (no rule read on
# them, nobody had coded them when it was written: corpus-dev2/README.md, corpus-dev3/README.md);
# for these versions :func:`unseen_figures` takes all its texts, for later ones only its score part
ALL_UNSEEN_THROUGH = {"corpus-dev2": 6, "corpus-dev3": 13}
SUMMARY_FILE, PER_CODE_FILE, AHEAD_FILE, DISAGREE_FILE, RULES_FILE = TABLE_FILES = (
    "evaluation_summary.csv", "evaluation_per_code.csv", "evaluation_vs_baseline.csv", "evaluation_disagreements.csv",
    "evaluation_rules.csv")
RULES_COLUMNS = ["corpus", "part", "code", "rule", "reference", "paragraphs", "coded", "precision", "alone",
                 "alone_coded"]
BASELINE_FILE = paths.DATA_DIR / "keyword_baseline.yaml"
BASELINE_NAME, BASELINE_VERSION = "Keyword baseline", 1


class SplitError(ValueError):
    """An invalid ``split.csv``, with the file and line."""


def load_split(corpus: Path) -> dict[str, str]:
    """The part (``tune`` or ``score``) of each raw file, from ``corpus/split.csv``; empty
    when the corpus has none. A row naming a file that is not in ``raw/``, a part that is
    neither, or a file twice stops with the line named."""
    path = Path(corpus) / SPLIT_FILE
    if not path.exists():
        return {}
    table = io.read_csv(path)
    if list(table.columns) != ["file", "part"]:
        raise SplitError(f"{path}: the header must be 'file,part', not {','.join(table.columns)!r}.")
    raw = {p.name for p in corpus_mod.list_raw_files(Path(corpus))}
    out: dict[str, str] = {}
    for n, (file, part) in enumerate(zip(table["file"], table["part"]), start=2):
        if file not in raw:
            raise SplitError(f"{path}, line {n}: {file!r} is not a file of {Path(corpus).name}/raw/.")
        if part not in PARTS:
            raise SplitError(f"{path}, line {n}: the part must be one of {PARTS}, not {part!r}.")
        if file in out:
            raise SplitError(f"{path}, line {n}: {file!r} is listed twice.")
        out[file] = part
    return out


def rules_written_on(corpus: Path) -> bool:
    """Whether the codebook in force for ``corpus`` was written on its texts: the study's
    embedded corpus (``paths.CORPUS_DIR``, the seeds) read with the study's codebook. Its
    figures against reference codings flatter the coder; a corpus with a ``split.csv``
    says for itself which texts rules were read on (:func:`load_split`)."""
    return pipeline.is_embedded(corpus) and coding.codebook_path(corpus) == coding.codebook_path()


README_CARRY = "README, How far the codes carry"  # where the figures on texts no rule was read on are told
NO_SPLIT = ("Nothing sets apart texts no rule was read on (a `split.csv` with a `score` part): if the codebook's "
            f"rules were written or tuned on these texts, these figures flatter the coder ({README_CARRY}).")


def unseen_figures(codebook: coding.Codebook, path: Path | None = None) -> str:
    """How far ``codebook`` agrees with reference codings on texts no rule was read on, as
    recorded for its name and version (``path``, by default :data:`RECORD`: the score parts
    of the development corpora, each against each of its references, and all texts of a
    corpus coded after the version was written, :data:`ALL_UNSEEN_THROUGH`), for a page whose
    reader has no README: ``"α 0.460–0.571 per paragraph against the reference codings of
    439 paragraphs of Swedish official texts set apart for scoring (the development corpora's score
    parts), codebook version 10"``. ``""`` when nothing is
    recorded for it (another codebook, a version not yet scored, no figure). A copy of the
    study's codebook edited without a new name or version would be given its figures."""
    path = RECORD if path is None else path
    table = io.read_csv(path) if path.exists() else pd.DataFrame(columns=RECORD_COLUMNS)
    whole = [name for name, last in ALL_UNSEEN_THROUGH.items() if codebook.version <= last]
    rows = table[(table["codebook"] == codebook.name) & (table["version"] == str(codebook.version))
                 & (table["part"] == table["corpus"].map(lambda c: "all" if c in whole else "score"))]
    alpha = pd.to_numeric(rows["alpha"], errors="coerce").dropna()
    if not len(alpha):
        return ""
    paragraphs = int(pd.to_numeric(rows.drop_duplicates("corpus")["paragraphs"], errors="coerce").fillna(0).sum())
    shown = f"{alpha.min():.3f}" if f"{alpha.min():.3f}" == f"{alpha.max():.3f}" else f"{alpha.min():.3f}–{alpha.max():.3f}"
    parts = ("score parts, and all texts of a corpus coded after this version" if rows["part"].eq("all").any()
             else "score parts")
    return (f"α {shown} per paragraph against the reference codings of {paragraphs} paragraphs of Swedish official "
            f"texts set apart for scoring (the development corpora's {parts}), codebook version {codebook.version}")


def unseen_said(codebook: coding.Codebook) -> str:
    """What a page says of ``codebook`` on texts no rule was read on: :func:`unseen_figures`,
    or where nothing is recorded :data:`README_CARRY`, the README's section that tells."""
    return unseen_figures(codebook) or README_CARRY


def written_on_note(codebook: coding.Codebook) -> str:
    """What figures on the texts ``codebook``'s rules were written on must be read with:
    that they flatter the coder, and what it reaches on texts no rule was read on
    (:func:`unseen_said`)."""
    return ("**These are the texts the codebook's rules were written on**, so these figures flatter the coder: on "
            f"texts no rule was read on it agrees with reference codings far less ({unseen_said(codebook)}).")


AGAIN = "The same holds here: {what} (see the note under the coder's scores above)."


def parts_note(corpus: Path, written_on: bool | None = None, again: bool = False) -> str:
    """What a score of the coder on ``corpus`` must be read with, in Markdown: ``""`` when
    its ``split.csv`` sets apart a score part (the scores say their part); else
    :func:`written_on_note` when the codebook's rules were written on its texts
    (``written_on``, by default :func:`rules_written_on`), or :data:`NO_SPLIT`: the texts
    the findings' validation note says too (:func:`helpers.review.validation_note`).
    ``again``: a page has said it under an earlier table; a line that points there (:data:`AGAIN`)."""
    if "score" in load_split(corpus).values():
        return ""
    written = rules_written_on(corpus) if written_on is None else written_on
    return unsplit_note(coding.codebook_for(corpus) if written else None, written, again)


def unsplit_note(codebook: coding.Codebook | None, written_on: bool, again: bool = False) -> str:
    """What figures over the texts of a corpus with no score part must be read with:
    :func:`written_on_note` where ``codebook``'s rules were written on them (``written_on``;
    ``codebook`` is read only then), else :data:`NO_SPLIT`; with ``again``, a line that points
    to where a page said it (:data:`AGAIN`)."""
    if written_on:
        return (AGAIN.format(what="these are the texts the codebook's rules were written on, so the figures flatter "
                                  "the coder") if again else written_on_note(codebook))
    return AGAIN.format(what="nothing sets apart texts no rule was read on") if again else NO_SPLIT


# --------------------------------------------------------------------------- fast scores
#
# Both scores are sums over units, so a bootstrap resample is a vector of unit weights:
# W (resamples × units) @ per-unit counts gives every resample's counts at once.

def _alpha_counts(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Per unit (row): values compared, values that are 1, disagreements (two coders,
    units × codes of 0/1 decisions)."""
    return np.stack([np.full(len(a), 2 * a.shape[1]), (a + b).sum(axis=1), (a != b).sum(axis=1)], axis=1)


def _alpha(counts: np.ndarray) -> np.ndarray:
    """Nominal α of two coders without missing values from summed counts (last axis:
    values n, ones n1, disagreements d): 1 − (n − 1)·d / (n0·n1); NaN if one value only.
    (:func:`helpers.reliability.alpha_from` with both sums halved: for two coders the
    disagreeing coincidences are 2·d and the expected ones 2·n0·n1.)"""
    n, n1, d = counts[..., 0], counts[..., 1], counts[..., 2]
    return reliability.alpha_from(n, d, (n - n1) * n1)


def _f1_counts(auto: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per unit and code: tp, fp, fn (units × codes × 3)."""
    return np.stack([auto & gold, auto & ~gold, ~auto & gold], axis=2).astype(np.int64)


def _macro_f1(counts: np.ndarray) -> np.ndarray:
    """Macro-F1 from summed counts (… × codes × 3): the mean of 2tp / (2tp + fp + fn) over
    the codes either side uses."""
    tp, fp, fn = counts[..., 0], counts[..., 1], counts[..., 2]
    used = (tp + fp + fn) > 0
    f1 = np.where(used, 2 * tp / np.where(used, 2 * tp + fp + fn, 1), 0.0)
    with np.errstate(invalid="ignore"):
        return np.where(used.any(axis=-1), f1.sum(axis=-1) / used.sum(axis=-1), np.nan)


# the units (paragraphs, sentences) from which a genre's row of score_run gets its bootstrap interval: resampling
# fewer (a genre of one short text) gives an interval that says nothing
MIN_INTERVAL_UNITS = 20


def scores(auto: np.ndarray, gold: np.ndarray, n_boot: int = 1000, seed: int = 0) -> dict[str, float]:
    """α and macro-F1 of two coders' unit × code matrices (0/1), with 95% percentile
    bootstrap intervals over units (``n_boot`` resamples from ``np.random.default_rng(seed)``;
    no interval when ``n_boot`` is 0)."""
    point, boot = _scores_and_resamples(auto, gold, reliability.resample_counts(np.random.default_rng(seed),
                                                                              len(auto), n_boot))
    return {"units": len(auto)} | point | _intervals(boot)


def difference(auto: np.ndarray, other: np.ndarray, gold: np.ndarray, n_boot: int = 1000,
               seed: int = 0) -> dict[str, float]:
    """How far one coder (``auto``) is ahead of another (``other``, e.g. the keyword
    baseline) against the same reference (``gold``; unit × code matrices of 0/1): the
    differences of α and of macro-F1, with 95% paired bootstrap intervals (both coders
    scored on the same resampled units, as :func:`scores` draws them for ``seed``). An
    interval that holds 0 says the data do not tell the two apart."""
    weights = reliability.resample_counts(np.random.default_rng(seed), len(auto), n_boot)
    (mine, my_boot), (theirs, their_boot) = (_scores_and_resamples(x, gold, weights) for x in (auto, other))
    return ({"units": len(auto)} | {name: mine[name] - theirs[name] for name in mine}
            | _intervals({name: my_boot[name] - their_boot[name] for name in my_boot}))


def _scores_and_resamples(auto: np.ndarray, gold: np.ndarray,
                          weights: np.ndarray) -> tuple[dict[str, float], dict[str, np.ndarray]]:
    """α and macro-F1 of ``auto`` against ``gold`` (unit × code matrices of 0/1), and their
    values on each resample of ``weights`` (resamples × units,
    :func:`helpers.reliability.resample_counts`)."""
    a, g = np.asarray(auto, dtype=bool), np.asarray(gold, dtype=bool)
    ac, fc = _alpha_counts(a.astype(np.int64), g.astype(np.int64)), _f1_counts(a, g)
    point = {"alpha": float(_alpha(ac.sum(axis=0))), "macro_f1": float(_macro_f1(fc.sum(axis=0)))}
    return point, {"alpha": _alpha(weights @ ac), "macro_f1": _macro_f1(np.einsum("bu,uck->bck", weights, fc))}


def _intervals(boot: dict[str, np.ndarray]) -> dict[str, float]:
    """The 95% percentile interval of each score's resampled values (``<name>_low``,
    ``<name>_high``; NaN without resamples or finite values)."""
    out = {}
    for name, values in boot.items():
        out[f"{name}_low"], out[f"{name}_high"] = reliability.percentile_interval(values, 0.95)
    return out


# --------------------------------------------------------------------------- one corpus

def baseline_codebook(codebook: coding.Codebook) -> coding.Codebook | None:
    """The keyword baseline as a codebook with ``codebook``'s codes: each code's rules are
    the baseline's stems, with no exclusions, ``not_with`` rules, skipped kinds, names or
    scope (every document coded); ``None`` when the baseline does not have exactly these
    codes (a corpus's own codebook)."""
    stems, _ = io.load_yaml(BASELINE_FILE.read_text(encoding="utf-8"), paths.display(BASELINE_FILE))
    if sorted(stems) != sorted(codebook.ids):
        return None
    codes = [c.model_copy(update={"terms": list(stems[c.id]), "exclude": [], "not_with": [], "examples": []})
             for c in codebook.codes]
    return codebook.model_copy(update={"name": BASELINE_NAME, "version": BASELINE_VERSION, "codes": codes,
                                       "skip_kinds": [], "skip_names": False, "scope": None})


@dataclass(frozen=True)
class LevelInputs:
    """One level's units (paragraphs or sentences) of a run, and what is scored on them:
    each reference coder's unit × code matrix (``gold``, by coder name) and the rows of
    each slice (``slices``: part, genre and a boolean mask over the units)."""
    units: pd.DataFrame
    gold: dict[str, np.ndarray]
    slices: list[tuple[str, str, np.ndarray]]


@dataclass(frozen=True)
class ScoreInputs:
    """What scoring any codes of a run needs, built once per corpus by :func:`score_inputs`:
    its codebook, its sentences and each level of :data:`helpers.reliability.LEVELS`, and
    what each reference coder coded nothing in (:func:`helpers.reliability.coverage_note`;
    :meth:`coverage_of` for one part of the split), from its reference codings and the
    files each coder's ``.files`` list names (``covered``)."""
    codebook: coding.Codebook
    segments: pd.DataFrame
    levels: dict[str, LevelInputs]
    coverage: str = ""
    references: pd.DataFrame | None = None
    covered: dict[str, list[str]] | None = None
    files: list[str] | None = None  # the raw files scored (:func:`helpers.reliability.scored_files`)
    part_of: dict[str, str] | None = None

    def part(self, file: str) -> str:
        """The part of the split ``file`` is in; ``all`` in a corpus without a split, and
        for a file its ``split.csv`` does not name (in no part, only in the whole)."""
        return (self.part_of or {}).get(file, "all")

    def coverage_of(self, part: str | None) -> str:
        """:attr:`coverage` for the scored files of one ``part`` of the split (``tune`` or
        ``score``; the files of a corpus without a split count as ``tune``, as
        :func:`only_part` reads them): what ``make evaluate PART=…`` says, naming no file of
        the other part."""
        if part is None or self.references is None:
            return self.coverage
        files = [f for f in self.files or [] if self.part(f) == part or (part == "tune" and not self.part_of)]
        return reliability.coverage_note(self.references, files, self.covered or {}) if files else ""


def score_inputs(run: pipeline.Run) -> ScoreInputs:
    """The run's codebook, sentences, reference codings as unit matrices per level, and
    the slices (each part of the split and genre of the metadata) they are scored in.
    Raises ``ValueError`` when the corpus has no reference codings."""
    codebook = coding.codebook_for(run.corpus)
    codes = codebook.ids
    raw = corpus_mod.read_raw_texts(run.corpus)
    refs = reliability.load_references(run.corpus / "reference", raw, codes)
    if refs.empty:
        raise ValueError(f"{run.corpus}: no reference codings in reference/*.csv; nothing to score against.")
    # only the files every coder with a reference/NAME.files list read (all when none has one)
    covered = reliability.covered_files(run.corpus / "reference", sorted(raw))
    files = reliability.scored_files(raw, covered)
    segments = reliability.covered_segments(pipeline.segments(run)[0], files)
    coverage = reliability.coverage_note(refs, raw, covered)
    meta = corpus_mod.load_metadata(run.corpus)
    genre_of = dict(zip(meta["file"], meta["genre"])) if "genre" in meta.columns else {}
    part_of = load_split(run.corpus)
    levels = {}
    for level in reliability.LEVELS:
        units = reliability.units_at(level, segments)
        mats = reliability.coder_matrices(refs, units, codes)
        gold = {name: m[codes].to_numpy() for name, m in sorted(mats.items())}
        part = units["file"].map(lambda f: part_of.get(f, "")).to_numpy()
        genre = units["file"].map(lambda f: genre_of.get(f, "")).to_numpy()
        slices = [("all", "all", np.ones(len(units), dtype=bool))]
        slices += [(p, "all", part == p) for p in PARTS if (part == p).any()]
        slices += [(p, g, (part == p if p != "all" else True) & (genre == g))
                   for p in ["all"] + [p for p in PARTS if (part == p).any()] for g in sorted(set(genre) - {""})]
        levels[level] = LevelInputs(units, gold, slices)
    return ScoreInputs(codebook, segments, levels, coverage, refs, covered, sorted(files), part_of)


def baseline_coded(run: pipeline.Run, baseline: coding.Codebook | None = None,
                   inputs: ScoreInputs | None = None) -> pd.DataFrame | None:
    """What the keyword baseline (``baseline``, or :func:`baseline_codebook` of the run's
    codebook) codes in a run's sentences (``file, start, end, code``; the sentences of
    ``inputs`` when given, see :func:`score_inputs`); ``None`` when there is no baseline
    for the run's codebook."""
    baseline = baseline or baseline_codebook(inputs.codebook if inputs else coding.codebook_for(run.corpus))
    if baseline is None:
        return None
    segments = inputs.segments if inputs else pipeline.segments(run)[0]
    coded, _, _ = coding.code_segments(segments, baseline)
    return coded[["file", "start", "end", "code"]]


def score_run(run: pipeline.Run, n_boot: int = 1000, seed: int = 0, coded: pd.DataFrame | None = None,
              inputs: ScoreInputs | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The auto-coder of a run (or the sentences ``coded`` gives, e.g. the keyword
    baseline's) against each reference coder: ``(summary, per_code)``. ``inputs``
    (:func:`score_inputs` of the run) lets several codings of one run share them.

    ``summary`` has a row per part (``all``, then each part of the split), genre (``all``,
    then each genre of the metadata), level and reference (columns
    :data:`SUMMARY_COLUMNS`; each row with its bootstrap intervals, a genre's from its own
    units, but none for a genre of fewer than :data:`MIN_INTERVAL_UNITS`); ``per_code`` the
    paragraph-level precision, recall and F1 of each code per part and reference."""
    inputs = inputs or score_inputs(run)
    codes = inputs.codebook.ids
    coded = pipeline.coded(run) if coded is None else coded
    summary, per_code = [], []
    for level, at in inputs.levels.items():
        auto = _unit_codes(at, coded, codes)
        for p, g, rows in at.slices:
            if not rows.any():
                continue
            # a genre's few units give an interval that says nothing; a part's, however few, is the figure quoted
            boot = n_boot if g == "all" or rows.sum() >= MIN_INTERVAL_UNITS else 0
            ceiling = {"alpha": np.nan, "macro_f1": np.nan}
            if len(at.gold) == 2:
                first, second = at.gold.values()
                ceiling = scores(first[rows], second[rows], n_boot=0)
            for name, g_mat in at.gold.items():
                s = scores(auto[rows], g_mat[rows], n_boot=boot, seed=seed)
                summary.append({"corpus": run.corpus.name, "part": p, "genre": g, "level": level, "reference": name}
                               | s | {"references_alpha": ceiling["alpha"], "references_macro_f1": ceiling["macro_f1"]})
                if level == "paragraph" and g == "all":
                    ev = reliability.evaluate(pd.DataFrame(auto[rows], columns=codes),
                                              pd.DataFrame(g_mat[rows], columns=codes), codes)
                    for r in ev[ev["code"].isin(codes)].itertuples(index=False):
                        per_code.append({"corpus": run.corpus.name, "part": p, "reference": name, "code": r.code,
                                         "reference units": r.gold, "auto units": r.auto, "precision": r.precision,
                                         "recall": r.recall, "F1": r.f1})
    return pd.DataFrame(summary, columns=SUMMARY_COLUMNS), pd.DataFrame(per_code)


def _unit_codes(at: LevelInputs, coded: pd.DataFrame, codes: list[str]) -> np.ndarray:
    """The units of ``at`` × ``codes`` matrix (0/1) of the sentences ``coded`` gives."""
    return reliability.coded_matrix(at.units, coded, codes)[codes].to_numpy()


def score_ahead(run: pipeline.Run, coded: pd.DataFrame, other: pd.DataFrame, inputs: ScoreInputs | None = None,
                n_boot: int = 1000, seed: int = 0) -> pd.DataFrame:
    """How far the codes ``coded`` (e.g. the auto-coder's) are ahead of ``other`` (e.g. the
    keyword baseline's) per paragraph, for each part of the run (all genres) and each
    reference coder: ``corpus, part, reference, units``, then :func:`difference`'s figures as
    ``alpha_ahead, alpha_low, alpha_high, macro_f1_ahead, macro_f1_low, macro_f1_high``."""
    inputs = inputs or score_inputs(run)
    codes = inputs.codebook.ids
    at = inputs.levels["paragraph"]
    mine, theirs = (_unit_codes(at, c, codes) for c in (coded, other))
    rows = [{"corpus": run.corpus.name, "part": part, "reference": name}
            | difference(mine[mask], theirs[mask], gold[mask], n_boot=n_boot, seed=seed)
            for part, genre, mask in at.slices if genre == "all" and mask.any()
            for name, gold in at.gold.items()]
    return pd.DataFrame(rows).rename(columns={"alpha": "alpha_ahead", "macro_f1": "macro_f1_ahead"})[
        ["corpus", "part", "reference", "units"] + AHEAD_COLUMNS[6:]]


def disagreement_table(run: pipeline.Run, coded: pd.DataFrame, inputs: ScoreInputs) -> pd.DataFrame:
    """Every paragraph × code on which the auto-coder (``coded``) and the reference coders
    of ``inputs`` do not all agree (:func:`helpers.reliability.disagreements`), with the
    corpus, the part of the split each paragraph's file is in (``all`` without a split), and
    the rules that fired for the code in the paragraph and the words they matched (empty where
    the coder did not code it): what to read, code by code, before writing a rule, on the part
    one may read (``make evaluate PART=tune``)."""
    at, codes = inputs.levels["paragraph"], inputs.codebook.ids
    mats = {name: pd.DataFrame(gold, index=at.units.index, columns=codes) for name, gold in at.gold.items()}
    mats[reliability.AUTO] = reliability.coded_matrix(at.units, coded, codes)
    table = reliability.disagreements(mats, at.units, inputs.segments)
    table.insert(0, "corpus", run.corpus.name)
    table.insert(1, "part", [inputs.part(f) for f in table["file"]])
    def rejoined(values: pd.Series) -> str:  # the sentences' "; "-joined lists as one
        return joined(item for v in values for item in split_list(v))

    keys = ["file", "paragraph", "code"]
    fired = coded.groupby(keys)[["rules", "matched"]].agg(rejoined).reset_index()
    return table.merge(fired, on=keys, how="left").fillna({"rules": "", "matched": ""})


def rule_table(run: pipeline.Run, coded: pd.DataFrame, inputs: ScoreInputs) -> pd.DataFrame:
    """How often each rule of the auto-coder (``coded``) is right by each reference coder of
    ``inputs``, per part of the split (``all`` without one): the paragraphs in which it fired
    for its code (``paragraphs``), how many of them the reference codes with that code
    (``coded``, and ``precision``, their share), and the same for the paragraphs in which it
    was the only rule of that code to fire (``alone``, ``alone_coded``): taking out such a
    rule uncodes those and no other. Columns :data:`RULES_COLUMNS`, sorted by corpus, part,
    code, rule and reference. A rule's precision against the references, not its definition:
    what to read before narrowing or pruning one (``make evaluate PART=tune``)."""
    at, codes = inputs.levels["paragraph"], inputs.codebook.ids
    where = {key: i for i, key in enumerate(zip(at.units["file"], at.units["paragraph"]))}
    fired = coded.groupby(["file", "paragraph", "code"])["rules"].agg(
        lambda values: sorted({r for v in values for r in split_list(v)}))
    rows = []
    for (file, paragraph, code), rules in fired.items():
        unit = where.get((file, paragraph))
        if unit is None or code not in codes:  # a file the references were not scored on
            continue
        for name, gold in at.gold.items():
            hit = int(gold[unit, codes.index(code)])
            for rule in rules:
                rows.append((inputs.part(file), code, rule, name, hit, len(rules) == 1))
    table = pd.DataFrame(rows, columns=["part", "code", "rule", "reference", "hit", "alone"])
    out = (table.assign(alone_hit=table["hit"] * table["alone"])
           .groupby(["part", "code", "rule", "reference"], sort=True)
           .agg(paragraphs=("hit", "size"), coded=("hit", "sum"), alone=("alone", "sum"),
                alone_coded=("alone_hit", "sum")).reset_index())
    out.insert(0, "corpus", run.corpus.name)
    out = out.astype({"paragraphs": "int64", "coded": "int64", "alone": "int64", "alone_coded": "int64"})
    out["precision"] = (out["coded"] / out["paragraphs"]).astype("float64")
    return out[RULES_COLUMNS]


def only_part(table: pd.DataFrame, part: str | None) -> pd.DataFrame:
    """The rows of ``table`` (with columns ``corpus, part``) of ``part`` (``tune`` or
    ``score``); with ``tune``, every row of a corpus that has no split too (its rows are all
    ``all``: texts rules may be read on, as the seeds are); the whole table when ``part`` is
    ``None``."""
    if part is None:
        return table
    split = table.groupby("corpus")["part"].transform(lambda ps: (ps != "all").any())
    keep = (table["part"] == part) | (~split if part == "tune" else False)
    return table[keep].reset_index(drop=True)


def version_problem(codebook: coding.Codebook, path: Path = VERSIONS_RECORD) -> str | None:
    """Why this codebook's figures cannot be recorded under its version (one line that says
    what to do), or ``None``: ``path`` (``docs/evaluation-codebooks.csv``) gives that name
    and version other rules (:meth:`helpers.coding.Codebook.rules_sha256`), as when a
    version's rules were changed without a new number, or a number already spent on a
    version tried and not adopted is used again. Its figures stay as recorded."""
    if not path.exists():
        return None
    table = io.read_csv(path)
    mine = table[table["codebook"] == codebook.name]
    known = mine.loc[mine["version"] == str(codebook.version), "rules_sha256"]
    now = codebook.rules_sha256()
    if known.empty or known.iloc[0] == now:
        return None
    free = max(int(v) for v in mine["version"]) + 1
    return (f"{codebook.name!r} version {codebook.version} is recorded in {paths.display(path)} for other rules "
            f"(SHA-256 {known.iloc[0][:12]}…, these rules' {now[:12]}…): a codebook whose rules changed takes a new "
            f"version, so that the figures of the old one stay as recorded. Give it version {free}, the next free "
            "number, and record again.")


def record(summary: pd.DataFrame, codebook: coding.Codebook, path: Path = RECORD,
           versions_path: Path = VERSIONS_RECORD) -> Path:
    """Write the paragraph-level figures of ``summary`` (all genres) for this codebook's
    name and version into the record, replacing that version's earlier rows, and the
    fingerprint of its rules into ``versions_path``; refused (``ValueError``, nothing
    written) where that gives the version other rules (:func:`version_problem`)."""
    if problem := version_problem(codebook, versions_path):
        raise ValueError(problem)
    rows = summary[(summary["level"] == "paragraph") & (summary["genre"] == "all")]
    new = pd.DataFrame({"codebook": codebook.name, "version": str(codebook.version), "corpus": rows["corpus"],
                        "part": rows["part"], "reference": rows["reference"], "paragraphs": rows["units"].astype(str),
                        "alpha": rows["alpha"].map("{:.3f}".format), "macro_f1": rows["macro_f1"].map("{:.3f}".format),
                        "references_alpha": rows["references_alpha"].map("{:.3f}".format),
                        "references_macro_f1": rows["references_macro_f1"].map("{:.3f}".format)})
    _replace_rows(versions_path, pd.DataFrame({"codebook": [codebook.name], "version": [str(codebook.version)],
                                               "rules_sha256": [codebook.rules_sha256()]}), VERSIONS_COLUMNS)
    return _replace_rows(path, new, RECORD_COLUMNS)


def record_ahead(ahead: pd.DataFrame, codebook: coding.Codebook, path: Path = AHEAD_RECORD) -> Path:
    """Write :func:`score_ahead`'s figures for this codebook's name and version into
    ``docs/evaluation-vs-baseline.csv``, replacing that version's earlier rows."""
    new = pd.DataFrame({"codebook": codebook.name, "version": str(codebook.version), "corpus": ahead["corpus"],
                        "part": ahead["part"], "reference": ahead["reference"], "paragraphs": ahead["units"].astype(str)}
                       | {column: ahead[column].map("{:+.3f}".format) for column in AHEAD_COLUMNS[6:]})
    return _replace_rows(path, new, AHEAD_COLUMNS)


def _replace_rows(path: Path, new: pd.DataFrame, columns: list[str]) -> Path:
    """A record with ``new``'s rows in place of the rows of the same codebook, version,
    corpus, part and reference (those of these keys its columns have); the others kept,
    sorted by those keys."""
    old = io.read_csv(path) if path.exists() else pd.DataFrame(columns=columns)
    keys = [k for k in ("codebook", "version", "corpus", "part", "reference") if k in columns]
    kept = old[~old.set_index(keys).index.isin(new.set_index(keys).index)]
    table = pd.concat([kept, new], ignore_index=True)[columns].sort_values(keys, kind="stable")
    return io.write_csv(path, table, spreadsheet=False)


def write_manifest(run: pipeline.Run, written: list[str], previous: dict[str, str | None] | None = None,
                   stream: TextIO | None = None) -> manifest.Removal:
    """Record what ``make evaluate`` wrote in the corpus's folder ``run.out``, with each
    file's SHA-256 (:mod:`helpers.manifest`): the ``written`` tables, and the pipeline's
    tables there with their stamp (that corpus's cache, :func:`helpers.pipeline.cache_files`:
    not a table edited since); ``make clean`` removes them while they are unchanged. First
    the files the ``previous`` record lists and this run did not write (the keyword
    baseline's table once there is no baseline) are removed while unchanged, as a report
    removes its stale files, by the same function (:func:`helpers.manifest.finish`, which
    says on ``stream`` what it removed and kept); what was done is returned."""
    return manifest.finish(run.out, previous or {}, written + pipeline.cache_files(run.out),
                           f"the previous make evaluate in {run.out}", stream)


def reference_problem(folder: Path) -> str | None:
    """Why ``folder`` cannot be scored (one line naming it and what to do), or ``None``:
    it has no ``reference/`` folder, or no ``*.csv`` in it."""
    shown = paths.display(folder)
    if not Path(folder).is_dir():
        return f"{shown}: no such corpus folder. Give CORPUS= a folder with raw/ and reference/."
    ref = Path(folder) / "reference"
    if not ref.is_dir() or not any(p.is_file() for p in ref.glob("*.csv")):
        return (f"{shown}: no reference codings ({paths.display(ref)}/*.csv), so nothing to score the auto-coder "
                "against. Put one CSV per human coder there (file,start,end,code,quote; see docs/bad-input.md, "
                "\"Reference codings\"), or leave CORPUS out to score the project's own corpora.")
    return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m helpers.evaluation", description=__doc__.split("\n\n")[0])
    ap.add_argument("--corpus", action="append", help="a corpus folder with reference/ (repeatable); "
                    f"default: those of {', '.join(DEFAULT_CORPORA)} that have one")
    ap.add_argument("--out", default="build/evaluation", help="where the tables go (one folder per corpus)")
    ap.add_argument("--boot", type=int, default=1000, help="bootstrap resamples for the intervals")
    ap.add_argument("--record", action="store_true", help=f"write the figures to {RECORD.relative_to(paths.PROJ_ROOT)} "
                    f"and the lead over the keyword baseline to {AHEAD_RECORD.relative_to(paths.PROJ_ROOT)}")
    ap.add_argument("--part", choices=PARTS, help="print and write only this part of each split corpus (and "
                    "the whole of a corpus without a split): with 'tune', rules can be tried without the "
                    "scored part's figures being seen")
    a = ap.parse_args(argv)
    folders = a.corpus or [c for c in DEFAULT_CORPORA if (paths.PROJ_ROOT / c / "reference").is_dir()]
    try:  # a shortened path, and every corpus's output folder, refused in one line before anything is written
        return _evaluate(a, folders)
    except paths.OutputFolderError as err:  # as make report says it
        print(f"error: {err}", file=sys.stderr)
        return 2


def _evaluate(a: argparse.Namespace, folders: list[str]) -> int:
    """:func:`main`'s work once its arguments are read; a path it refuses raises
    :class:`helpers.paths.OutputFolderError`."""
    own = sorted(f for f in a.corpus or [] if paths.resolve(f, paths.PROJ_ROOT)
                 not in {paths.PROJ_ROOT / c for c in DEFAULT_CORPORA})
    out = paths.resolve(a.out, paths.BUILD_DIR)
    if a.record and a.part:  # the record holds every part of a codebook version, or none
        print(f"error: --record (RECORD=1) writes every part's figures to {RECORD.relative_to(paths.PROJ_ROOT)}; "
              f"leave out --part (PART={a.part}), or RECORD.", file=sys.stderr)
        return 2
    if a.record and own:  # the record is the project's history of its own corpora
        print(f"error: --record (RECORD=1) writes the figures of the project's own corpora "
              f"({', '.join(DEFAULT_CORPORA)}) to {RECORD.relative_to(paths.PROJ_ROOT)}; "
              f"{', '.join(paths.display(paths.resolve(f, paths.PROJ_ROOT)) for f in own)} is not one of them. "
              "Leave RECORD out: the tables under OUT hold that corpus's figures.", file=sys.stderr)
        return 2
    for folder in a.corpus or []:  # a corpus named but without codings to score against: say so, score nothing
        problem = reference_problem(paths.resolve(folder, paths.PROJ_ROOT))
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 2
    # every corpus's output folder is checked before anything is written
    runs = [pipeline.Run.from_params(folder, out / Path(folder).name) for folder in folders]
    if a.record:  # and a version recorded for other rules before any figure is written (the baseline's too)
        books = [coding.codebook_for(run.corpus) for run in runs]
        books += [b for b in map(baseline_codebook, books) if b is not None]
        if problems := sorted({p for book in books if (p := version_problem(book, VERSIONS_RECORD))}):
            print("\n".join(f"error: {p}" for p in problems), file=sys.stderr)
            return 2
    summaries, baselines, aheads = [], [], []
    for run in runs:
        written = [SUMMARY_FILE, PER_CODE_FILE]
        previous = manifest.read(run.out) or {}
        try:  # the coder and the keyword baseline are scored on the same inputs
            inputs = score_inputs(run)
        except ValueError as err:  # a reference coding or metadata refused, reference/ holding no codings, or a
            # table saved over in that corpus's folder (pipeline.EditedTableError: neither read nor overwritten)
            print(f"error: {err}", file=sys.stderr)
            return 2
        if coverage := inputs.coverage_of(a.part):  # with PART=, of that part's files only
            print(f"{run.corpus.name}: {coverage}".replace("\n", f"\n{run.corpus.name}: "))
        coded = pipeline.coded(run)
        summary, per_code = (only_part(t, a.part) for t in score_run(run, n_boot=a.boot, coded=coded, inputs=inputs))
        io.write_csv(run.path(DISAGREE_FILE), only_part(disagreement_table(run, coded, inputs), a.part),
                     spreadsheet=False)
        io.write_csv(run.path(RULES_FILE), only_part(rule_table(run, coded, inputs), a.part), spreadsheet=False)
        written += [DISAGREE_FILE, RULES_FILE]
        if a.part and summary.empty:  # said, not an empty table printed without a word
            why = "its split.csv has none" if load_split(run.corpus) else "no split.csv"
            print(f"{run.corpus.name}: no {a.part} part ({why}): none of its figures is shown, and its tables hold no rows")
        io.write_csv(run.path(SUMMARY_FILE), summary, spreadsheet=False)
        io.write_csv(run.path(PER_CODE_FILE), per_code, spreadsheet=False)
        summaries.append(summary)
        if a.record:
            record(summary, inputs.codebook, RECORD, VERSIONS_RECORD)
        base_codebook = baseline_codebook(inputs.codebook)
        if base_codebook is not None:
            base_coded = baseline_coded(run, base_codebook, inputs)
            base_summary = only_part(score_run(run, n_boot=0, coded=base_coded, inputs=inputs)[0], a.part)
            ahead = only_part(score_ahead(run, coded, base_coded, inputs, n_boot=a.boot), a.part)
            io.write_csv(run.path(AHEAD_FILE), ahead, spreadsheet=False)
            written.append(AHEAD_FILE)
            baselines.append(base_summary)
            aheads.append(ahead)
            if a.record:
                record(base_summary, base_codebook, RECORD, VERSIONS_RECORD)
                record_ahead(ahead, inputs.codebook)
        write_manifest(run, written, previous, sys.stderr)
    table = pd.concat(summaries, ignore_index=True)
    shown = table[table["genre"] == "all"]
    with pd.option_context("display.width", 200, "display.max_columns", 20, "display.max_rows", 200):
        if shown.empty:  # PART= that no corpus named has: each said so above
            print(f"no corpus has a {a.part} part: nothing to show")
            return 0
        print(shown.assign(
            alpha=shown.apply(lambda r: f"{r.alpha:.3f} [{r.alpha_low:.2f}, {r.alpha_high:.2f}]", axis=1),
            macro_f1=shown.apply(lambda r: f"{r.macro_f1:.3f} [{r.macro_f1_low:.2f}, {r.macro_f1_high:.2f}]", axis=1),
            ceiling=shown.apply(lambda r: f"α {r.references_alpha:.3f}, F1 {r.references_macro_f1:.3f}", axis=1),
        )[["corpus", "part", "level", "reference", "units", "alpha", "macro_f1", "ceiling"]].to_string(index=False))
    if baselines:
        base = pd.concat(baselines, ignore_index=True)
        base = base[(base["genre"] == "all") & (base["level"] == "paragraph")]
        print("\nthe keyword baseline (helpers/data/keyword_baseline.yaml), per paragraph:")
        print(base[["corpus", "part", "reference", "units", "alpha", "macro_f1"]].round(3).to_string(index=False))
        ahead = pd.concat(aheads, ignore_index=True)
        print("\nthe coder ahead of the keyword baseline, per paragraph (paired 95% bootstrap intervals):")
        print(ahead.assign(
            alpha_ahead=ahead.apply(lambda r: f"{r.alpha_ahead:+.3f} [{r.alpha_low:+.2f}, {r.alpha_high:+.2f}]", axis=1),
            macro_f1_ahead=ahead.apply(
                lambda r: f"{r.macro_f1_ahead:+.3f} [{r.macro_f1_low:+.2f}, {r.macro_f1_high:+.2f}]", axis=1),
        )[["corpus", "part", "reference", "units", "alpha_ahead", "macro_f1_ahead"]].to_string(index=False))
    tables = ", ".join(name for name in TABLE_FILES if aheads or name != AHEAD_FILE)
    print(f"tables ({tables}{f', the {a.part} parts only' if a.part else ''}) in: "
          f"{', '.join(paths.copyable(run.out, a.out) for run in runs)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
