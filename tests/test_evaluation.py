"""helpers.evaluation: scores anyone can rerun, on every corpus with reference codings."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers import coding, corpus, evaluation, manifest, paths, pipeline, reliability, review, tables

DEV = paths.PROJ_ROOT / "corpus-dev"
DEV2 = paths.PROJ_ROOT / "corpus-dev2"
DEV3 = paths.PROJ_ROOT / "corpus-dev3"


@pytest.mark.parametrize("seed", range(6))
def test_fast_scores_equal_the_reliability_module(seed):
    rng = np.random.default_rng(seed)
    units, codes = int(rng.integers(5, 60)), int(rng.integers(1, 15))
    auto = (rng.random((units, codes)) < rng.uniform(0.05, 0.5)).astype(int)
    gold = np.where(rng.random((units, codes)) < 0.8, auto, 1 - auto)
    s = evaluation.scores(auto, gold, n_boot=0)
    names = [f"C{i}" for i in range(codes)]
    ev = reliability.evaluate(pd.DataFrame(auto, columns=names), pd.DataFrame(gold, columns=names), names)
    expected_alpha = reliability.krippendorff_alpha(np.vstack([auto.ravel(), gold.ravel()]))
    assert s["alpha"] == pytest.approx(expected_alpha, nan_ok=True)
    assert s["macro_f1"] == pytest.approx(ev.set_index("code").loc["macro", "f1"], nan_ok=True)


@pytest.mark.parametrize("seed", range(4))
def test_the_alpha_interval_is_the_reliability_modules_bootstrap_by_unit(seed):
    """One bootstrap: the same seed draws the same resamples of the units for the fast
    scores as for reliability.bootstrap_alpha_ci over the pooled unit x code decisions
    resampled by unit, and the two α per resample are one formula, so the intervals are equal."""
    rng = np.random.default_rng(seed)
    units, codes = int(rng.integers(20, 300)), int(rng.integers(2, 15))
    auto = rng.random((units, codes)) < 0.15
    gold = np.where(rng.random(auto.shape) < 0.85, auto, ~auto)
    s = evaluation.scores(auto, gold, n_boot=300, seed=seed)
    pooled = np.vstack([auto.ravel(), gold.ravel()]).astype(float)
    assert (s["alpha_low"], s["alpha_high"]) == reliability.bootstrap_alpha_ci(
        pooled, n_boot=300, seed=seed, level=0.95, groups=np.repeat(np.arange(units), codes))


def test_resamples_drawn_in_blocks_are_those_drawn_at_once():
    whole = reliability.resample_counts(np.random.default_rng(3), 7, 10)
    rng = np.random.default_rng(3)
    blocks = np.vstack([reliability.resample_counts(rng, 7, n) for n in (4, 1, 5)])
    assert (whole == blocks).all() and (whole.sum(axis=1) == 7).all() and whole.dtype == np.int64
    assert reliability.resample_counts(rng, 0, 10).shape == (0, 0)
    assert reliability.resample_counts(rng, 7, 0).shape == (0, 7)


def test_intervals_are_seeded_and_hold_the_estimate():
    rng = np.random.default_rng(1)
    auto = (rng.random((80, 14)) < 0.2).astype(int)
    gold = np.where(rng.random((80, 14)) < 0.85, auto, 1 - auto)
    a, b = evaluation.scores(auto, gold, n_boot=300, seed=3), evaluation.scores(auto, gold, n_boot=300, seed=3)
    assert a == b
    assert a["alpha_low"] < a["alpha"] < a["alpha_high"] and a["macro_f1_low"] < a["macro_f1"] < a["macro_f1_high"]
    assert evaluation.scores(auto, gold, n_boot=300, seed=4) != a


def test_the_development_corpus_is_whole_and_split_by_text_across_genres():
    assert corpus.verify_checksums(DEV) == []
    split = evaluation.load_split(DEV)
    meta = corpus.load_metadata(DEV).set_index("file")
    assert sorted(split) == sorted(meta.index) and len(split) == 36
    by_genre = pd.crosstab(meta["genre"], pd.Series(split, name="part"))
    several = by_genre[by_genre.sum(axis=1) > 1]
    assert (several > 0).all().all(), by_genre  # every genre of two or more texts is in both parts
    assert abs(by_genre["score"].sum() - by_genre["tune"].sum()) <= 2
    # a debate and the interpellation it answers are one text for the split
    assert split["105_debate_1997_lakares_arbetsuppgifter.txt"] == split["312_ipq_1997_lakares_arbetsuppgifter.txt"]


def test_the_second_development_corpus_is_whole_coded_twice_and_split_per_batch():
    assert corpus.verify_checksums(DEV2) == []
    split = evaluation.load_split(DEV2)
    meta = corpus.load_metadata(DEV2).set_index("file")
    assert sorted(split) == sorted(meta.index) and len(split) == 48
    assert set(meta["doc_id"]).isdisjoint(corpus.load_metadata(DEV)["doc_id"])
    batch = pd.Series({f: f[0] for f in split})
    assert pd.crosstab(batch, pd.Series(split)).eq(6).all().all()  # 6 tune, 6 score in each batch
    assert sorted(p.name for p in (DEV2 / "reference").glob("*.csv")) == ["coding_G.csv", "coding_H.csv"]


def test_the_third_development_corpus_is_whole_coded_twice_and_split_per_batch():
    assert corpus.verify_checksums(DEV3) == []
    split = evaluation.load_split(DEV3)
    meta = corpus.load_metadata(DEV3).set_index("file")
    assert sorted(split) == sorted(meta.index) and len(split) == 48
    earlier = set(corpus.load_metadata(DEV)["doc_id"]) | set(corpus.load_metadata(DEV2)["doc_id"])
    assert set(meta["doc_id"]).isdisjoint(earlier)
    batch = pd.Series({f: int(f[:3]) // 50 for f in split})  # 801-812, 851-862, 901-912, 951-962
    assert batch.nunique() == 4
    assert pd.crosstab(batch, pd.Series(split)).eq(6).all().all()  # 6 tune, 6 score in each batch
    assert sorted(p.name for p in (DEV3 / "reference").glob("*.csv")) == ["coding_I.csv", "coding_J.csv"]


@pytest.mark.parametrize("body, message", [
    ("file,part\nnope.txt,tune\n", r"line 2: 'nope.txt' is not a file"),
    ("file,part\na.txt,train\n", r"line 2: the part must be one of \('tune', 'score'\), not 'train'"),
    ("file,part\na.txt,tune\na.txt,score\n", r"line 3: 'a.txt' is listed twice"),
    ("name,part\na.txt,tune\n", r"the header must be 'file,part'"),
])
def test_a_bad_split_names_the_line(corpus_factory, body, message):
    root = corpus_factory({"a.txt": "Ett.\n"})
    (root / "split.csv").write_text(body, encoding="utf-8")
    with pytest.raises(evaluation.SplitError, match=message):
        evaluation.load_split(root)


@pytest.fixture(scope="module")
def dev_scores(tmp_path_factory):
    run = pipeline.Run.from_params(DEV, tmp_path_factory.mktemp("dev"))
    return evaluation.score_run(run, n_boot=50)


@pytest.fixture(scope="module")
def dev2_scores(tmp_path_factory):
    run = pipeline.Run.from_params(DEV2, tmp_path_factory.mktemp("dev2"))
    return evaluation.score_run(run, n_boot=0)


@pytest.fixture(scope="module")
def dev3_scores(tmp_path_factory):
    run = pipeline.Run.from_params(DEV3, tmp_path_factory.mktemp("dev3"))
    return evaluation.score_run(run, n_boot=0)


def test_the_development_corpus_is_scored_per_part_genre_and_level(dev_scores):
    summary, per_code = dev_scores
    overall = summary[(summary["genre"] == "all") & (summary["level"] == "paragraph")]
    assert sorted(overall["part"].unique()) == ["all", "score", "tune"]
    assert set(overall["reference"]) == {"coding_E", "coding_F"}
    whole = overall[overall["part"] == "all"]
    # the references' own agreement, as the corpus's README gives it (over 428 raw paragraphs; cleaning removes one,
    # a breadcrumb above a municipal record, that neither reference codes)
    assert whole["units"].tolist() == [427, 427]
    assert round(whole["references_alpha"].iloc[0], 3) == 0.930
    assert set(summary["genre"]) == {"all", "motion", "debate", "government", "agency", "municipal", "interpellation"}
    # each genre its own interval (the issue asks for them per genre), around its figure; none on too few units
    genres = summary[summary["genre"] != "all"]
    has = genres["units"] >= evaluation.MIN_INTERVAL_UNITS
    assert has.any() and genres.loc[has, "alpha_low"].notna().all() and genres.loc[~has, "alpha_low"].isna().all()
    inside = genres[has]
    assert ((inside["alpha_low"] <= inside["alpha"]) & (inside["alpha"] <= inside["alpha_high"])).all()
    assert set(per_code["code"]) == set(coding.STUDY_CODE_IDS)


def test_the_findings_note_on_the_development_corpus_quotes_its_score_part(dev_scores):
    """Notebook 04's note on corpus-dev: the α of the score part (no rule was read on it), as
    notebook 03 computes it, never the α over all texts (0.683, tentative), which holds the
    tune part the rules were read on, as the claim."""
    summary, _ = dev_scores
    note = review.validation_note(True, None, coding.codebook_for(DEV), against=summary,
                                  written_on=evaluation.rules_written_on(DEV))
    lead = note.split(" On the tune part")[0]
    rows = summary[(summary["genre"] == "all") & (summary["level"] == "paragraph")].set_index(["part", "reference"])
    for ref in ("coding_E", "coding_F"):
        assert f"α {rows.loc[('score', ref), 'alpha']:.3f} with coding\\_{ref[-1]}" in lead
        assert f"{rows.loc[('all', ref), 'alpha']:.3f} with" not in note
    assert "no rule was read on" in lead and "too low even for tentative conclusions" in lead
    assert "tentative conclusions only" not in note


def test_only_the_seeds_read_with_the_study_codebook_are_the_texts_the_rules_were_written_on(corpus_factory):
    assert evaluation.rules_written_on(paths.CORPUS_DIR)
    assert not evaluation.rules_written_on(DEV) and not evaluation.rules_written_on(DEV2)
    assert not evaluation.rules_written_on(corpus_factory({"a.txt": "Text."}))


def test_scores_without_a_score_part_say_what_texts_they_are_of(corpus_factory):
    """The reader's case: notebook 03 showed the seeds' lead over a keyword search (α 0.43 ahead)
    without saying that the rules were written on these texts, beside a README that gives the
    lead on texts no rule was read on as 0.06-0.10."""
    cb = coding.codebook_for(paths.CORPUS_DIR)
    assert evaluation.parts_note(paths.CORPUS_DIR) == evaluation.written_on_note(cb)
    own = corpus_factory({"a.txt": "Text."})
    assert evaluation.parts_note(own) == evaluation.NO_SPLIT
    assert evaluation.parts_note(DEV) == evaluation.parts_note(DEV2) == ""  # their tables show the score part
    # under a second table, a line that points to the first's note
    assert evaluation.parts_note(paths.CORPUS_DIR, again=True).startswith("The same holds here: these are the texts")
    assert evaluation.parts_note(own, again=True).startswith(
        "The same holds here: nothing sets apart")
    assert evaluation.parts_note(DEV, again=True) == ""


def test_the_written_on_note_gives_the_recorded_figures_on_unseen_texts_to_a_reader_without_the_readme(tmp_path):
    """The reader's case: the pages said "far less (README, How far the codes carry)" to a
    reader who has the HTML and no README. They give the range the record holds for the
    codebook in force on the score parts, and fall back to the README where none is recorded.
    The figures are version 13's as recorded: a new record fails this until it is read again."""
    cb = coding.codebook_for(paths.CORPUS_DIR)
    figures = ("α 0.415–0.575 per paragraph against the reference codings of 924 paragraphs of Swedish official texts "
               "set apart for scoring (the development corpora's score parts, and all texts of a corpus coded after "
               f"this version), codebook version {cb.version}")
    # 205 + 234 score-part paragraphs, and the 485 of corpus-dev3, coded after version 13
    assert cb.version == 13 and evaluation.unseen_figures(cb) == figures
    assert evaluation.written_on_note(cb).endswith(f"far less ({figures}).") and "README" not in evaluation.written_on_note(cb)
    newer = cb.model_copy(update={"version": 99})  # a version no one has scored yet says nothing it does not know
    assert evaluation.unseen_figures(newer) == "" and evaluation.unseen_figures(cb, tmp_path / "none.csv") == ""
    assert evaluation.written_on_note(newer).endswith(f"far less ({evaluation.README_CARRY}).")
    record = pd.read_csv(evaluation.RECORD, dtype=str, keep_default_na=False)
    # the same figures of a later version: corpus-dev3's texts were read by then, only its score part is unseen
    later = tmp_path / "later.csv"
    record[(record["codebook"] == cb.name) & (record["version"] == "13")].assign(version="14").to_csv(later, index=False)
    assert evaluation.unseen_figures(cb.model_copy(update={"version": 14}), later) == (
        "α 0.450–0.575 per paragraph against the reference codings of 683 paragraphs of Swedish official texts set "
        "apart for scoring (the development corpora's score parts), codebook version 14")
    # one figure is one figure, and a record with no figure says nothing
    mine = record[(record["codebook"] == cb.name) & (record["version"] == str(cb.version)) & (record["part"] == "score")
                  & (record["corpus"] == "corpus-dev")]
    one = tmp_path / "one.csv"
    mine.iloc[:1].to_csv(one, index=False)
    assert evaluation.unseen_figures(cb, one).startswith(f"α {float(mine['alpha'].iloc[0]):.3f} per paragraph against")
    mine.assign(alpha="nan").to_csv(one, index=False)
    assert evaluation.unseen_figures(cb, one) == ""


def test_record_keeps_other_versions_and_replaces_its_own(dev_scores, tmp_path):
    summary, _ = dev_scores
    cb = coding.codebook_for(DEV)
    path, versions = tmp_path / "evaluation.csv", tmp_path / "evaluation-codebooks.csv"
    evaluation.record(summary, cb, path, versions)
    evaluation.record(summary, cb.model_copy(update={"version": cb.version + 1}), path, versions)
    evaluation.record(summary, cb, path, versions)
    table = pd.read_csv(path, dtype=str)
    assert list(table.columns) == evaluation.RECORD_COLUMNS
    assert table.groupby("version").size().tolist() == [6, 6]  # 3 parts × 2 references each
    assert sorted(pd.read_csv(versions, dtype=str).values.tolist()) == [[cb.name, str(v), cb.rules_sha256()]
                                                                       for v in sorted((cb.version, cb.version + 1))]


def test_a_version_number_is_never_recorded_again_for_other_rules(dev_scores, tmp_path):
    """docs/evaluation-codebooks.csv gives each recorded version the fingerprint of its rules: recording a version
    whose rules changed without a new number (or a number spent on a version tried and not adopted) is refused, and
    nothing is written; a change that decides no code (a definition's wording, the context attributes) is the same
    version."""
    summary, _ = dev_scores
    cb = coding.codebook_for(DEV)
    path, versions = tmp_path / "evaluation.csv", tmp_path / "evaluation-codebooks.csv"
    evaluation.record(summary, cb, path, versions)
    worded = cb.model_copy(update={"codes": [cb.codes[0].model_copy(update={"definition": "Omskriven."}),
                                             *cb.codes[1:]], "attributes": {}})
    assert worded.rules_sha256() == cb.rules_sha256() and evaluation.version_problem(worded, versions) is None
    before = path.read_bytes(), versions.read_bytes()
    for changed in (cb.codes[0].model_copy(update={"terms": [*cb.codes[0].terms, "ny*regel"]}),
                    cb.codes[0].model_copy(update={"not_with": []})):
        other = cb.model_copy(update={"codes": [changed, *cb.codes[1:]]})
        assert other.rules_sha256() != cb.rules_sha256()
        with pytest.raises(ValueError, match=f"version {cb.version} is recorded in .* for other rules.*"
                                             f"Give it version {cb.version + 1}, the next free number"):
            evaluation.record(summary, other, path, versions)
        assert (path.read_bytes(), versions.read_bytes()) == before
    evaluation.record(summary, other.model_copy(update={"version": cb.version + 1}), path, versions)
    assert evaluation.version_problem(cb.model_copy(update={"version": cb.version + 1}), versions) is not None


def test_the_versions_record_holds_every_recorded_version_and_the_rules_in_force():
    """Every codebook version docs/evaluation.csv holds figures of has its rules' fingerprint in
    docs/evaluation-codebooks.csv, and the codebook in force and the keyword baseline have theirs: a rule changed
    without a new version fails here (give the codebook the next version, then make evaluate RECORD=1)."""
    recorded = pd.read_csv(evaluation.RECORD, dtype=str)
    versions = pd.read_csv(evaluation.VERSIONS_RECORD, dtype=str)
    assert list(versions.columns) == evaluation.VERSIONS_COLUMNS
    assert sorted(map(tuple, versions[["codebook", "version"]].values)) == sorted(
        set(map(tuple, recorded[["codebook", "version"]].values)))
    cb = coding.codebook_for(DEV)
    for book in (cb, evaluation.baseline_codebook(cb)):
        assert evaluation.version_problem(book) is None
        assert ((versions["codebook"] == book.name) & (versions["version"] == str(book.version))
                & (versions["rules_sha256"] == book.rules_sha256())).sum() == 1, book.name


def test_make_evaluate_record_refuses_a_version_recorded_for_other_rules_before_writing(tmp_path, monkeypatch,
                                                                                       capsys):
    """`make evaluate RECORD=1` checks the codebook's version against the record before it scores or writes
    anything: the record's figures of that version stay."""
    cb = coding.codebook_for(DEV)
    versions = tmp_path / "evaluation-codebooks.csv"
    table = pd.read_csv(evaluation.VERSIONS_RECORD, dtype=str)
    table.loc[(table["codebook"] == cb.name) & (table["version"] == str(cb.version)), "rules_sha256"] = "0" * 64
    table.to_csv(versions, index=False)
    monkeypatch.setattr(evaluation, "VERSIONS_RECORD", versions)
    before = evaluation.RECORD.read_bytes(), evaluation.AHEAD_RECORD.read_bytes(), versions.read_bytes()
    assert evaluation.main(["--out", str(tmp_path / "out"), "--boot", "0", "--record"]) == 2
    err = capsys.readouterr().err
    assert f"error: {cb.name!r} version {cb.version} is recorded in" in err and "for other rules" in err
    assert (evaluation.RECORD.read_bytes(), evaluation.AHEAD_RECORD.read_bytes(), versions.read_bytes()) == before
    assert not any((tmp_path / "out").rglob("*.csv"))


@pytest.mark.parametrize("scores, name", [("dev_scores", "corpus-dev"), ("dev2_scores", "corpus-dev2"),
                                          ("dev3_scores", "corpus-dev3")])
def test_the_recorded_figures_are_those_of_the_codebook_in_force(scores, name, request):
    """docs/evaluation.csv holds this codebook's figures as they are now: re-run
    `make evaluate RECORD=1` after a change of the rules."""
    summary, _ = request.getfixturevalue(scores)
    cb = coding.codebook_for(DEV)
    recorded = pd.read_csv(evaluation.RECORD, dtype=str)
    mine = recorded[(recorded["codebook"] == cb.name) & (recorded["version"] == str(cb.version))
                    & (recorded["corpus"] == name)].set_index(["part", "reference"])
    now = summary[(summary["genre"] == "all") & (summary["level"] == "paragraph")].set_index(["part", "reference"])
    assert len(mine) == len(now) == 6
    for key, row in now.iterrows():
        assert mine.loc[key, "alpha"] == f"{row['alpha']:.3f}" and mine.loc[key, "macro_f1"] == f"{row['macro_f1']:.3f}"


def test_the_readme_quotes_the_recorded_figures():
    cb = coding.codebook_for(DEV)
    rec_all = pd.read_csv(evaluation.RECORD, dtype=str)
    rec = rec_all[(rec_all["codebook"] == cb.name) & (rec_all["version"] == str(cb.version))].set_index(
        ["corpus", "part", "reference"])
    readme = (paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    dev, dev2 = ("coding_E", "coding_F"), ("coding_G", "coding_H")
    for label, corpus_name, part, refs in (("seeds (88)", "corpus", "all", ("coding_A", "coding_B")),
                                           ("development, tune part (222)", "corpus-dev", "tune", dev),
                                           ("development, **score part** (205)", "corpus-dev", "score", dev),
                                           ("second development corpus, tune part (235)", "corpus-dev2", "tune", dev2),
                                           ("second development corpus, **score part** (234)", "corpus-dev2", "score",
                                            dev2),
                                           ("third development corpus, **all 48 texts**, coded after version 13 (485)",
                                            "corpus-dev3", "all", ("coding_I", "coding_J"))):
        line = next(ln for ln in readme.splitlines() if ln.startswith(f"| {label} |"))
        cells = [c.strip().strip("*") for c in line.strip("|").split("|")][1:]
        assert cells[0] == " / ".join(rec.loc[(corpus_name, part, r), "alpha"] for r in refs), label
        assert cells[1] == " / ".join(rec.loc[(corpus_name, part, r), "macro_f1"] for r in refs), label
        assert cells[2] == f"α {rec.loc[(corpus_name, part, refs[0]), 'references_alpha']}", label
        base = rec_all[(rec_all["codebook"] == evaluation.BASELINE_NAME)
                       & (rec_all["version"] == str(evaluation.BASELINE_VERSION))].set_index(["corpus", "part", "reference"])
        assert cells[3] == (" / ".join(base.loc[(corpus_name, part, r), "alpha"] for r in refs) + ", "
                            + " / ".join(base.loc[(corpus_name, part, r), "macro_f1"] for r in refs)), label
        for cell, version in ((cells[4], 5), (cells[5], 2)):  # the earlier versions beside it, "–" where not scored
            old = rec_all[(rec_all["codebook"] == cb.name) & (rec_all["version"] == str(version))].set_index(
                ["corpus", "part", "reference"])
            if (corpus_name, part, refs[0]) not in old.index:
                assert cell == "–", (label, version)
                continue
            assert cell == (" / ".join(old.loc[(corpus_name, part, r), "alpha"] for r in refs) + ", "
                            + " / ".join(old.loc[(corpus_name, part, r), "macro_f1"] for r in refs)), (label, version)


def test_the_keyword_baseline_is_the_codebooks_codes_with_plain_stems():
    cb = coding.load_codebook()
    base = evaluation.baseline_codebook(cb)
    assert base.name == evaluation.BASELINE_NAME and base.ids == cb.ids
    assert not base.skip_kinds and not base.skip_names
    assert all(not c.exclude and not c.not_with and c.terms for c in base.codes)
    assert base.code("R_TRUST").terms == ["*tillit*", "*förtroende*"]
    assert evaluation.baseline_codebook(cb.model_copy(update={"codes": cb.codes[:3]})) is None


def test_the_keyword_baseline_is_read_as_every_settings_file_is(tmp_path, monkeypatch):
    """The baseline's YAML goes through io.load_yaml: a code given twice is refused naming
    both lines (a plain safe_load kept the second silently), and a stem written decomposed
    (NFD) is read composed, as the codebook's are."""
    cb = coding.load_codebook()
    lines = [f'{c}: ["*{c.lower()}*"]' for c in cb.ids]
    baseline = tmp_path / "keyword_baseline.yaml"
    baseline.write_text("\n".join(lines + [lines[0]]) + "\n", encoding="utf-8")
    monkeypatch.setattr(evaluation, "BASELINE_FILE", baseline)
    with pytest.raises(ValueError, match=rf"keyword_baseline.yaml: the key '{cb.ids[0]}' is given twice.*"
                                         rf"line 1 and line {len(lines) + 1}"):
        evaluation.baseline_codebook(cb)
    lines[0] = f'{cb.ids[0]}: ["*{unicodedata.normalize("NFD", "förtroende")}*"]'
    baseline.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert evaluation.baseline_codebook(cb).code(cb.ids[0]).terms == ["*förtroende*"]


@pytest.mark.parametrize("root", [DEV, DEV2], ids=lambda p: p.name)
def test_the_recorded_baseline_figures_are_computed_ones(root, tmp_path):
    run = pipeline.Run.from_params(root, tmp_path)
    summary, _ = evaluation.score_run(run, n_boot=0, coded=evaluation.baseline_coded(run))
    now = summary[(summary["genre"] == "all") & (summary["level"] == "paragraph")].set_index(["part", "reference"])
    recorded = pd.read_csv(evaluation.RECORD, dtype=str)
    mine = recorded[(recorded["codebook"] == evaluation.BASELINE_NAME)
                    & (recorded["version"] == str(evaluation.BASELINE_VERSION))
                    & (recorded["corpus"] == root.name)].set_index(["part", "reference"])
    assert len(mine) == len(now) == 6
    for key, row in now.iterrows():
        assert mine.loc[key, "alpha"] == f"{row['alpha']:.3f}" and mine.loc[key, "macro_f1"] == f"{row['macro_f1']:.3f}"


def test_make_evaluate_builds_a_corpus_inputs_once_for_the_coder_and_the_keyword_baseline(tmp_path, monkeypatch,
                                                                                           capsys):
    calls = {"references": 0, "segments": 0}

    def counted(name, function):
        def call(*args, **kwargs):
            calls[name] += 1
            return function(*args, **kwargs)
        return call

    monkeypatch.setattr(reliability, "load_references", counted("references", reliability.load_references))
    monkeypatch.setattr(pipeline, "segments", counted("segments", pipeline.segments))
    assert evaluation.main(["--corpus", "corpus", "--out", str(tmp_path), "--boot", "0"]) == 0
    printed = capsys.readouterr().out
    assert "the keyword baseline" in printed  # both were scored
    assert calls == {"references": 1, "segments": 1}
    # what it wrote beside the pipeline's cache is evaluation.TABLE_FILES, and its manifest of them (what make
    # clean removes), as it says
    cache = set(tables.out_files()) | {pipeline.STAMP_FILE}
    written = sorted(p.relative_to(tmp_path / "corpus").as_posix() for p in (tmp_path / "corpus").rglob("*")
                     if p.is_file())
    assert [rel for rel in written if rel not in cache] == sorted([*evaluation.TABLE_FILES, manifest.MANIFEST])
    assert f"tables ({', '.join(evaluation.TABLE_FILES)}) in: {tmp_path / 'corpus'}\n" in printed  # as it is, to copy


def test_the_difference_of_two_coders_is_paired_and_seeded():
    rng = np.random.default_rng(7)
    gold = (rng.random((120, 14)) < 0.2).astype(int)
    better = np.where(rng.random(gold.shape) < 0.95, gold, 1 - gold)
    worse = np.where(rng.random(gold.shape) < 0.9, better, 1 - better)  # the better one's errors and more
    d = evaluation.difference(better, worse, gold, n_boot=400, seed=2)
    a, b = evaluation.scores(better, gold, n_boot=0), evaluation.scores(worse, gold, n_boot=0)
    assert d["alpha"] == pytest.approx(a["alpha"] - b["alpha"]) and d["macro_f1"] == pytest.approx(
        a["macro_f1"] - b["macro_f1"])
    assert 0 < d["alpha_low"] < d["alpha"] < d["alpha_high"]
    assert d == evaluation.difference(better, worse, gold, n_boot=400, seed=2)
    # a coder against itself: every resample draws the same units for both, so no spread at all
    same = evaluation.difference(worse, worse, gold, n_boot=400, seed=2)
    assert same["alpha"] == same["alpha_low"] == same["alpha_high"] == 0
    # paired: each resample scores both coders on the same units. Worked out the slow way, one
    # resample at a time, with the draws scores() documents (rng.integers over the units):
    picks = np.random.default_rng(2).integers(0, len(gold), size=(400, len(gold)))
    slow = [evaluation.scores(better[i], gold[i], n_boot=0)["alpha"] - evaluation.scores(worse[i], gold[i], n_boot=0)[
        "alpha"] for i in picks]
    assert [d["alpha_low"], d["alpha_high"]] == pytest.approx(list(np.quantile(slow, [0.025, 0.975])))
    # and unpaired draws (the coders on different resamples) would spread it far wider
    other = np.random.default_rng(3).integers(0, len(gold), size=(400, len(gold)))
    unpaired = [evaluation.scores(better[i], gold[i], n_boot=0)["alpha"] - evaluation.scores(worse[j], gold[j], n_boot=0)[
        "alpha"] for i, j in zip(picks, other)]
    low, high = np.quantile(unpaired, [0.025, 0.975])
    assert d["alpha_high"] - d["alpha_low"] < 0.7 * (high - low)


@pytest.mark.parametrize("root", [paths.PROJ_ROOT / "corpus", DEV, DEV2, DEV3], ids=lambda p: p.name)
def test_the_recorded_lead_over_the_keyword_baseline_is_computed(root, tmp_path):
    """docs/evaluation-vs-baseline.csv holds the codebook in force's lead as it is now
    (`make evaluate RECORD=1`, 1000 resamples, seed 0)."""
    run = pipeline.Run.from_params(root, tmp_path)
    inputs = evaluation.score_inputs(run)
    ahead = evaluation.score_ahead(run, pipeline.coded(run), evaluation.baseline_coded(run, inputs=inputs), inputs)
    cb = coding.codebook_for(root)
    recorded = pd.read_csv(evaluation.AHEAD_RECORD, dtype=str)
    mine = recorded[(recorded["codebook"] == cb.name) & (recorded["version"] == str(cb.version))
                    & (recorded["corpus"] == root.name)].set_index(["part", "reference"])
    assert len(mine) == len(ahead) > 0
    for r in ahead.itertuples(index=False):
        row = mine.loc[(r.part, r.reference)]
        assert row["paragraphs"] == str(r.units)
        assert [row["alpha_ahead"], row["alpha_low"], row["alpha_high"]] == [
            f"{v:+.3f}" for v in (r.alpha_ahead, r.alpha_low, r.alpha_high)]
        assert [row["macro_f1_ahead"], row["macro_f1_low"], row["macro_f1_high"]] == [
            f"{v:+.3f}" for v in (r.macro_f1_ahead, r.macro_f1_low, r.macro_f1_high)]


def test_the_readme_quotes_the_recorded_lead_over_the_keyword_baseline():
    cb = coding.codebook_for(DEV)
    rec = pd.read_csv(evaluation.AHEAD_RECORD, dtype=str)
    rec = rec[(rec["codebook"] == cb.name) & (rec["version"] == str(cb.version))]
    readme = (paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8")

    def shown(row, score):
        return "{} [{}, {}]".format(*(row[f"{score}{end}"].replace("-", "−")
                                      for end in ("_ahead", "_low", "_high")))

    def reaching(rows, scores=("alpha", "macro_f1")):
        return int(sum((rows[f"{s}_low"].astype(float) <= 0).sum() for s in scores))
    # the texts no rule in force was read on: the first two corpora's score parts, and all of the third
    unseen = (("development, score part", "corpus-dev", "score"),
              ("second development corpus, score part", "corpus-dev2", "score"),
              ("third development corpus, all 48 texts", "corpus-dev3", "all"))
    for label, name, part in unseen:
        rows = rec[(rec["corpus"] == name) & (rec["part"] == part)].sort_values("reference")
        line = next(ln for ln in readme.splitlines() if ln.startswith(f"| {label} | "))
        cells = [c.strip() for c in line.strip("|").split("|")][1:]
        assert cells == [" / ".join(shown(r, s) for _, r in rows.iterrows()) for s in ("alpha", "macro_f1")], label
    words = dict(enumerate(("none", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                            "eleven", "twelve")))
    score_parts = pd.concat([rec[(rec["corpus"] == name) & (rec["part"] == part)] for _, name, part in unseen])
    text = " ".join(readme.split())
    assert f"In these three sets of texts {words[reaching(score_parts)]} of the twelve intervals reach zero" in text
    # the second corpus's 48 texts together hold the tune part versions 7, 12 and 13 were read on: not unseen
    # (the third's 48 are: coded after version 13)
    lead = readme.split("plain keyword search by α")[1].split("### ")[0]
    said = [ln for ln in lead.splitlines() if "all 48 texts" in ln]
    assert said and all("third" in ln for ln in said), said
    assert (f"95% intervals of α reach zero in {words[reaching(score_parts, ('alpha',))]} of the six "
            "comparisons") in text


def test_make_evaluate_checks_every_corpus_s_output_folder_before_writing_anything(tmp_path, capsys):
    """The reviewer's case: OUT inside the second corpus (make evaluate OUT=corpus-dev/raw)
    got the first corpus's tables before the second was refused, with a traceback."""
    first, second = tmp_path / "first", tmp_path / "second"
    for folder in (first, second):
        shutil.copytree(paths.CORPUS_DIR, folder, ignore=shutil.ignore_patterns("review"))
    before = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*"))
    out = second / "raw" / "evaluation"
    code = evaluation.main(["--corpus", str(first), "--corpus", str(second), "--out", str(out), "--boot", "10"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and len(err.splitlines()) == 1, err
    # the first corpus's folder is refused already: it is inside the second corpus's raw texts, as any corpus's are
    assert err.startswith(f"error: refusing OUT={out / 'first'}: it is inside {second / 'raw'}, a corpus's raw "
                          "texts"), err
    assert evaluation.main(["--corpus", str(second), "--out", str(out), "--boot", "10"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(f"error: refusing OUT={out / 'second'}: it is inside the corpus folder CORPUS={second}"), err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == before
    # only the second corpus's folder refused (a file of one's own in it): the first gets nothing either
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "second").mkdir(parents=True)
    (elsewhere / "second" / "notes.txt").write_text("mine\n", encoding="utf-8")
    code = evaluation.main(["--corpus", str(first), "--corpus", str(second), "--out", str(elsewhere), "--boot", "10"])
    err = capsys.readouterr().err.strip()
    assert code == 2 and err.startswith(f"error: refusing OUT={elsewhere / 'second'}: it already holds files"), err
    assert sorted(p.relative_to(elsewhere).as_posix() for p in elsewhere.rglob("*")) == ["second", "second/notes.txt"]


def _make(*args: str) -> subprocess.CompletedProcess:
    """``make ARGS`` in the project root without the outer make's flags; ``STAMP=`` and
    ``BIN=`` keep it from (re)building ``.venv`` under the running tests."""
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "CORPUS")}
    return subprocess.run(["make", "--no-print-directory", *args, "STAMP=", f"BIN={Path(sys.executable).parent}"],
                          cwd=paths.PROJ_ROOT, env=env, capture_output=True, text=True)


def test_make_evaluate_scores_the_corpus_given_and_only_it():
    """The reviewer's case: make evaluate CORPUS=<own corpus> scored the project's corpora
    and wrote OUT/evaluation/corpus/, which read as theirs. CORPUS reaches the scoring;
    without it the project's corpora are scored, as before."""
    given = _make("-n", "evaluate", "CORPUS=mine", "OUT=elsewhere").stdout
    assert '--corpus="$KVALITEXT_CORPUS"' in given, given
    assert '--corpus' not in _make("-n", "evaluate", "OUT=elsewhere").stdout


@pytest.mark.parametrize("target, switch, option", [
    ("evaluate", "RECORD", "--record"), ("furniture", "RECORD", "--record"), ("furniture", "ERRORS", "--errors"),
    ("furniture", "SITES", "--sites"), ("report", "DEBUG", "--debug"), ("review", "FORCE", "--force")])
def test_a_switch_set_to_0_is_off(target, switch, option):
    """The review of the README: RECORD=0 rewrote docs/evaluation.csv, as any value did; 0
    is off for every switch of the Makefile, as it was for FORCE."""
    assert option in _make("-n", target, f"{switch}=1").stdout
    for off in ("0", ""):
        assert option not in _make("-n", target, f"{switch}={off}").stdout


def test_make_evaluate_on_a_corpus_without_reference_codings_says_so_in_one_line(tmp_path):
    """It was a ValueError traceback (after the run's tables were built); nothing is written."""
    mine = tmp_path / "mine"
    (mine / "raw").mkdir(parents=True)
    (mine / "raw" / "a.txt").write_text("Tillit.\n", encoding="utf-8")
    done = _make("evaluate", f"CORPUS={mine}", f"OUT={tmp_path / 'out'}")
    err = done.stderr.strip().splitlines()
    assert done.returncode == 2 and len(err) == 2 and err[1].startswith("make: ***"), done.stderr
    assert err[0].startswith(f"error: {paths.display(mine)}: no reference codings ({paths.display(mine / 'reference')}"
                             "/*.csv)"), err[0]
    assert "reference/" in err[0] and "Traceback" not in done.stderr
    assert not (tmp_path / "out").exists()
    (mine / "reference").mkdir()  # a folder without codings is no better
    assert evaluation.main(["--corpus", str(mine), "--out", str(tmp_path / "out"), "--boot", "0"]) == 2


def test_evaluate_with_a_corpus_writes_that_corpus_only(tmp_path, capsys):
    mine = tmp_path / "mine"
    shutil.copytree(paths.CORPUS_DIR, mine, ignore=shutil.ignore_patterns("review"))
    assert evaluation.main(["--corpus", str(mine), "--out", str(tmp_path / "out"), "--boot", "0"]) == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["mine"]
    shown = capsys.readouterr().out
    assert "corpus-dev" not in shown and " mine " in shown, shown


def test_record_refuses_a_corpus_that_is_not_the_project_s_own(tmp_path, capsys):
    before = evaluation.RECORD.read_bytes(), evaluation.AHEAD_RECORD.read_bytes()
    own = tmp_path / "mine"
    shutil.copytree(paths.PROJ_ROOT / "corpus", own)
    assert evaluation.main(["--corpus", str(own), "--out", str(tmp_path / "out"), "--boot", "0", "--record"]) == 2
    err = capsys.readouterr().err
    assert "--record (RECORD=1)" in err and "mine" in err and "Leave RECORD out" in err
    assert (evaluation.RECORD.read_bytes(), evaluation.AHEAD_RECORD.read_bytes()) == before
    assert not (tmp_path / "out").exists()


def _partial_references(corpus_factory):
    """Two coders who coded spans in only one of three files (the others unread)."""
    texts = {"a.txt": "Detaljstyrningen tar tid.\n\nVi behöver tillit.\n",
             "b.txt": "Dokumentationen växer.\n\nEtt stycke till.\n",
             "c.txt": "Ett tredje stycke.\n\nOch ett fjärde.\n"}
    root = corpus_factory(texts)
    ref = root / "reference"
    ref.mkdir()
    quote = "Detaljstyrningen tar tid."
    for coder in ("anna", "bertil"):
        (ref / f"{coder}.csv").write_text(f"file,start,end,code,quote\na.txt,0,{len(quote)},P_DETAIL,{quote}\n",
                                          encoding="utf-8")
    return root, ref


def test_a_small_corpus_keeps_its_overall_interval(corpus_factory, tmp_path):
    """Fewer units than MIN_INTERVAL_UNITS take a genre's interval away, never the overall
    figure's: a small corpus of one's own is where its uncertainty matters most."""
    root, _ = _partial_references(corpus_factory)
    summary, _ = evaluation.score_run(pipeline.Run.from_params(root, tmp_path / "out"), n_boot=200)
    overall = summary[summary["genre"] == "all"]
    assert (overall["units"] < evaluation.MIN_INTERVAL_UNITS).all() and overall["alpha_low"].notna().all()


def test_a_partial_reference_coding_is_named_and_warned_about(corpus_factory, tmp_path, capsys):
    root, ref = _partial_references(corpus_factory)
    raw = corpus.read_raw_texts(root)
    refs = reliability.load_references(ref, raw, coding.codebook_for(root).ids)
    assert reliability.uncoded_files(refs, raw) == {"anna": ["b.txt", "c.txt"], "bertil": ["b.txt", "c.txt"]}
    note = reliability.coverage_note(refs, raw, {})
    assert "anna: coded nothing in 2 of the 3 scored files: b.txt, c.txt." in note
    assert note.count("coded nothing in most files") == 2 and "reference/anna.files" in note
    assert evaluation.main(["--corpus", str(root), "--out", str(tmp_path / "ev"), "--boot", "0"]) == 0
    assert f"{root.name}: anna: coded nothing in 2 of the 3 scored files: b.txt, c.txt." in capsys.readouterr().out


def test_a_files_list_says_which_files_a_reference_covers_and_only_those_are_scored(corpus_factory, tmp_path, caplog):
    root, ref = _partial_references(corpus_factory)
    run = pipeline.Run.from_params(root, tmp_path / "out")
    every = evaluation.score_inputs(run).levels["paragraph"].units
    assert sorted(set(every["file"])) == ["a.txt", "b.txt", "c.txt"]  # without a list: every file (as before)
    (ref / "anna.files").write_text("# the files Anna read\na.txt\n", encoding="utf-8")
    units = evaluation.score_inputs(run).levels["paragraph"].units
    assert sorted(set(units["file"])) == ["a.txt"] and len(units) == 2
    # the auto-coder's codes in the files not scored are left out, not reported as spans lost
    inputs = evaluation.score_inputs(run)
    coded = pd.DataFrame({"file": ["a.txt", "b.txt"], "start": [0, 0], "end": [5, 5], "code": ["P_DETAIL", "P_ADMIN"]})
    with caplog.at_level("WARNING"):
        summary, _ = evaluation.score_run(run, n_boot=0, coded=coded, inputs=inputs)
    assert "overlap no unit" not in caplog.text
    assert set(summary.loc[summary["level"] == "paragraph", "units"]) == {2}
    raw = corpus.read_raw_texts(root)
    refs = reliability.load_references(ref, raw, coding.codebook_for(root).ids)
    note = reliability.coverage_note(refs, raw, reliability.covered_files(ref, raw))
    assert note.splitlines()[0] == "anna: coded something in every one of the 1 scored files (1 files listed in anna.files)."
    # a part's note (make evaluate PART=) counts the part's scored files, and the whole list of each coder
    (ref / "anna.files").write_text("a.txt\nb.txt\n", encoding="utf-8")
    (root / "split.csv").write_text("file,part\na.txt,tune\nb.txt,score\nc.txt,score\n", encoding="utf-8")
    inputs = evaluation.score_inputs(run)
    assert inputs.files == ["a.txt", "b.txt"]
    assert inputs.coverage_of("tune").splitlines()[0] == (
        "anna: coded something in every one of the 1 scored files (2 files listed in anna.files).")
    assert "b.txt" in inputs.coverage_of("score") and "a.txt" not in inputs.coverage_of("score")
    (ref / "anna.files").write_text("a.txt\nd.txt\n", encoding="utf-8")
    with pytest.raises(reliability.ReferenceCodingError, match=r"anna.files line 2: 'd.txt' is not a file of raw/"):
        reliability.covered_files(ref, raw)


def test_a_coder_with_no_span_in_the_scored_files_is_named_and_disjoint_lists_are_refused(corpus_factory, tmp_path):
    """A reviewer's cases: with anna.files naming only b.txt, anna coded nothing in the one
    scored file and bertil's spans all lie outside it: the note said nothing of either.
    With lists that share no file the scores were an empty table, without a word."""
    root, ref = _partial_references(corpus_factory)
    raw = corpus.read_raw_texts(root)
    refs = reliability.load_references(ref, raw, coding.codebook_for(root).ids)
    (ref / "anna.files").write_text("b.txt\n", encoding="utf-8")
    note = reliability.coverage_note(refs, raw, reliability.covered_files(ref, raw))
    assert note.splitlines()[0] == "anna: coded nothing in 1 of the 1 scored files (1 files listed in anna.files): b.txt."
    assert "bertil: coded nothing in 1 of the 1 scored files: b.txt." in note
    (ref / "bertil.files").write_text("a.txt\n", encoding="utf-8")
    with pytest.raises(reliability.ReferenceCodingError, match=r"\(anna\.files, bertil\.files\) share no file"):
        evaluation.score_inputs(pipeline.Run.from_params(root, tmp_path / "out"))


def test_a_files_list_that_is_not_utf8_or_a_link_is_refused_naming_it_and_a_hash_may_be_in_a_name(corpus_factory,
                                                                                                   tmp_path):
    root, ref = _partial_references(corpus_factory)
    raw = {**corpus.read_raw_texts(root), "a#1.txt": "x"}
    (ref / "anna.files").write_bytes("a.txt\n\xe9t\xe9\n".encode("latin-1"))
    with pytest.raises(reliability.ReferenceCodingError, match=r"anna\.files line 2: not UTF-8 \(byte 0xe9\)"):
        reliability.covered_files(ref, raw)
    (ref / "anna.files").write_text("# read by Anna\na#1.txt  # a name with a hash\na.txt\n", encoding="utf-8")
    assert reliability.covered_files(ref, raw) == {"anna": ["a#1.txt", "a.txt"]}
    (ref / "anna.files").unlink()
    outside = tmp_path / "elsewhere.txt"
    outside.write_text("a.txt\n", encoding="utf-8")
    (ref / "anna.files").symlink_to(outside)
    with pytest.raises(reliability.ReferenceCodingError, match=r"anna\.files: a link"):
        reliability.covered_files(ref, raw)


def test_a_reference_coding_that_is_a_link_is_refused_naming_it(corpus_factory, tmp_path):
    """A reference coding read through a link could bring a file from outside the corpus into
    the agreement tables and project.qdpx, as a .files list could: refused the same way."""
    root, ref = _partial_references(corpus_factory)
    raw = corpus.read_raw_texts(root)
    codes = coding.codebook_for(root).ids
    assert not reliability.load_references(ref, raw, codes).empty  # the real files load
    outside = tmp_path / "elsewhere.csv"
    outside.write_bytes((ref / "anna.csv").read_bytes())
    (ref / "anna.csv").unlink()
    (ref / "anna.csv").symlink_to(outside)
    with pytest.raises(reliability.ReferenceCodingError, match=r"reference/anna\.csv: a link"):
        reliability.load_references(ref, raw, codes)
    (ref / "anna.csv").unlink()
    (ref / "anna.csv").symlink_to(tmp_path / "gone.csv")  # a link to nothing is named, not skipped
    with pytest.raises(reliability.ReferenceCodingError, match=r"reference/anna\.csv: a link"):
        reliability.load_references(ref, raw, codes)
    (ref / "anna.csv").unlink()
    (ref / "anna.csv").write_bytes(outside.read_bytes())
    moved = tmp_path / "codings"
    ref.rename(moved)
    ref.symlink_to(moved)  # the folder itself a link
    for read in (lambda: reliability.load_references(ref, raw, codes), lambda: reliability.covered_files(ref, raw)):
        with pytest.raises(reliability.ReferenceCodingError, match=r"reference: a link"):
            read()


def test_part_tune_shows_and_writes_no_figure_of_the_scored_part(tmp_path, capsys):
    """``make evaluate PART=tune``: rules can be tried on the tune part without the scored
    part's figures reaching the screen or the tables; a corpus without a split (the seeds)
    keeps its rows, and the record is refused (it holds every part or none)."""
    out = tmp_path / "ev"
    assert evaluation.main(["--corpus", "corpus", "--corpus", "corpus-dev", "--out", str(out), "--boot", "0",
                            "--part", "tune"]) == 0
    shown = capsys.readouterr().out
    assert " tune " in shown and " score " not in shown and " corpus  all " in shown, shown
    for name in evaluation.TABLE_FILES:
        table = pd.read_csv(out / "corpus-dev" / name)
        assert set(table["part"]) == {"tune"}, name
        assert set(pd.read_csv(out / "corpus" / name)["part"]) == {"all"}, name
    # the disagreements to read: where the coder coded, the rules that fired and their words; where it did not, none
    dis = pd.read_csv(out / "corpus-dev" / evaluation.DISAGREE_FILE, keep_default_na=False)
    coder_marked = dis["marked_by"].str.contains(reliability.AUTO, regex=False)
    assert coder_marked.any() and (~coder_marked).any()
    assert (dis.loc[coder_marked, "rules"] != "").all() and (dis.loc[coder_marked, "matched"] != "").all()
    assert (dis.loc[~coder_marked, "rules"] == "").all()
    assert not set(dis["file"]) & {f for f, p in evaluation.load_split(DEV).items() if p == "score"}
    before = evaluation.RECORD.read_bytes(), evaluation.AHEAD_RECORD.read_bytes()
    assert evaluation.main(["--out", str(tmp_path / "other"), "--boot", "0", "--part", "tune", "--record"]) == 2
    assert "leave out --part (PART=tune), or RECORD" in capsys.readouterr().err
    assert (evaluation.RECORD.read_bytes(), evaluation.AHEAD_RECORD.read_bytes()) == before
    assert not (tmp_path / "other").exists()


def test_part_tune_names_no_file_of_the_scored_part_where_a_reference_coded_nothing(tmp_path, capsys):
    """The line that says in which files a reference coder coded nothing counts and names,
    with ``PART=tune``, the tune part's files only (the third development corpus's references
    code nothing in files of both parts)."""
    dev3 = paths.PROJ_ROOT / "corpus-dev3"
    split = evaluation.load_split(dev3)
    assert evaluation.main(["--corpus", "corpus-dev3", "--out", str(tmp_path / "ev"), "--boot", "0",
                            "--part", "tune"]) == 0
    shown = capsys.readouterr().out
    tune = sum(p == "tune" for p in split.values())
    assert f"coded nothing in 11 of the {tune} scored files" in shown, shown
    named = {f for f in split if f in shown}
    assert named and all(split[f] == "tune" for f in named), named
    inputs = evaluation.score_inputs(pipeline.Run.from_params("corpus-dev3", tmp_path / "ev" / "corpus-dev3"))
    assert any(split[f] == "score" for f in split if f in inputs.coverage)  # the whole corpus's note names both
    assert inputs.coverage_of(None) == inputs.coverage
    # the rules table of a corpus with a split names each row's part, as the split says
    rules = evaluation.rule_table(pipeline.Run.from_params("corpus-dev3", tmp_path / "ev" / "corpus-dev3"),
                                  pipeline.coded(pipeline.Run.from_params("corpus-dev3", tmp_path / "ev" / "corpus-dev3")),
                                  inputs)
    assert set(rules["part"]) == {"tune", "score"}


def test_the_rules_table_counts_each_rules_paragraphs_those_a_reference_codes_and_where_it_fired_alone(tmp_path):
    """``evaluation_rules.csv``: per rule, code and reference, the paragraphs the rule coded,
    how many of them the reference codes too, and the same where no other rule of the code
    fired (what taking the rule out would uncode)."""
    run = pipeline.Run.from_params("corpus", tmp_path / "ev")
    inputs = evaluation.score_inputs(run)
    at, codes = inputs.levels["paragraph"], inputs.codebook.ids
    j = codes.index("P_DETAIL")
    gold = at.gold["coding_A"][:, j]
    yes, also, no = (int(u) for u in (*np.flatnonzero(gold)[:2], np.flatnonzero(gold == 0)[0]))
    units = at.units.reset_index(drop=True)
    coded = pd.DataFrame([{"file": units["file"][u], "paragraph": units["paragraph"][u], "code": "P_DETAIL",
                           "rules": rules} for u, rules in ((yes, "*a*; b ~3 c"), (yes, "*a*"), (no, "*a*"),
                                                            (also, "d"), (also, float("nan")))])
    table = evaluation.rule_table(run, coded, inputs)
    assert list(table.columns) == evaluation.RULES_COLUMNS and set(table["part"]) == {"all"}
    mine = table[table["reference"] == "coding_A"].set_index("rule")
    cells = ["paragraphs", "coded", "precision", "alone", "alone_coded"]
    assert mine.loc["*a*", cells].tolist() == [2, 1, 0.5, 1, 0]
    assert mine.loc["b ~3 c", cells].tolist() == [1, 1, 1.0, 0, 0]
    assert mine.loc["d", cells].tolist() == [1, 1, 1.0, 1, 1]  # alone where the reference codes it
    assert sorted(mine.index) == ["*a*", "b ~3 c", "d"]  # a missing rule is no rule named "nan"
    # the real coder's table: every rule it fired in a scored paragraph is there, once per reference
    real = evaluation.rule_table(run, pipeline.coded(run), inputs)
    assert (real.groupby(["code", "rule"]).size() == 2).all() and (real["coded"] <= real["paragraphs"]).all()
    assert (real["alone_coded"] <= real["alone"]).all() and (real["alone"] <= real["paragraphs"]).all()


def test_only_part_keeps_a_corpus_without_a_split_whole_with_the_tune_parts_only():
    table = pd.DataFrame({"corpus": ["a", "a", "a", "b"], "part": ["all", "tune", "score", "all"], "x": [1, 2, 3, 4]})
    assert evaluation.only_part(table, "tune")["x"].tolist() == [2, 4]
    assert evaluation.only_part(table, "score")["x"].tolist() == [3]
    assert evaluation.only_part(table, None) is table


def test_part_score_leaves_out_a_corpus_without_a_split_and_says_so(tmp_path, capsys):
    """The seeds have no split: their figures are of texts the rules were written on, not a
    score part's, so ``PART=score`` shows none of them and says why, in a line, not with an
    empty table."""
    out = tmp_path / "ev"
    assert evaluation.main(["--corpus", "corpus", "--out", str(out), "--boot", "0", "--part", "score"]) == 0
    shown = capsys.readouterr().out
    assert "corpus: no score part (no split.csv)" in shown and "no corpus has a score part" in shown, shown
    assert "Empty DataFrame" not in shown and " all " not in shown
    assert pd.read_csv(out / "corpus" / evaluation.SUMMARY_FILE).empty
    assert evaluation.only_part(pd.DataFrame({"corpus": ["b"], "part": ["all"]}), "score").empty
