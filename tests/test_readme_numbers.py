"""The reliability figures the README quotes are the ones the code computes."""

from __future__ import annotations

import pytest

from helpers import coding, paths, pipeline, reliability


@pytest.fixture(scope="module")
def computed(tmp_path_factory):
    run = pipeline.Run.from_params("corpus", tmp_path_factory.mktemp("readme"))
    segments, _ = pipeline.segments(run)
    coded = pipeline.coded(run)
    cb = coding.codebook_for(run.corpus)
    refs = reliability.load_references(run.corpus / "reference", reliability.read_raw_texts(run.corpus), cb.ids)
    annot = reliability.annotator_agreement(refs, segments, cb.ids, n_boot=2).set_index("level")
    auto, _ = reliability.auto_vs_references(refs, segments, coded, cb.ids, n_boot=2)
    return annot, auto.set_index(["level", "reference"])


def _row(label: str) -> list[str]:
    readme = (paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    line = next(ln for ln in readme.splitlines() if ln.startswith(f"| {label} |"))
    return [c.strip() for c in line.strip("|").split("|")][1:]


def test_readme_reliability_table_matches_the_computation(computed):
    annot, auto = computed
    a_b = _row("reference coding A vs B")
    assert a_b[0] == f"{annot.loc['paragraph', 'alpha']:.3f}" and a_b[2] == f"{annot.loc['sentence', 'alpha']:.3f}"
    for coder, label in (("coding_A", "auto-coder vs A"), ("coding_B", "auto-coder vs B")):
        row = _row(label)
        assert row == [f"{auto.loc[('paragraph', coder), 'alpha']:.3f}", f"{auto.loc[('paragraph', coder), 'macro F1']:.3f}",
                       f"{auto.loc[('sentence', coder), 'alpha']:.3f}", f"{auto.loc[('sentence', coder), 'macro F1']:.3f}"], label
