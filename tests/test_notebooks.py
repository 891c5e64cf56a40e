"""The committed notebooks are the researchers' source: edited in JupyterLab, re-executed by
`make notebooks`, committed. These checks hold their structure (what a generator used to
guarantee), so that an edit saved by JupyterLab needs no other file changed."""

from __future__ import annotations

import ast
import copy
import re

import nbformat
import pytest

from helpers import corpus, findings, paths, report

PARAMETERS = {"CORPUS", "OUT", "ENGINE"}
# parameters a notebook may add: the findings' CODES (auto or corrected; make report CODES=...)
OPTIONAL_PARAMETERS = {"CODES"}


def problems(nb: nbformat.NotebookNode) -> list[str]:
    """What is wrong with a notebook's structure (empty when nothing is)."""
    out = []
    try:
        nbformat.validate(nb)
    except nbformat.ValidationError as exc:
        out.append(f"not a valid notebook: {exc.message}")
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        out.append("cells need ids: nbformat 4.5 or newer")
    if nb.metadata.get("kernelspec", {}).get("name") != report.KERNEL:
        out.append(f"the kernel must be {report.KERNEL!r} (the project's .venv)")
    ids = [c.get("id") for c in nb.cells]
    if None in ids or len(set(ids)) != len(ids):
        out.append("every cell needs an id of its own")
    if not nb.cells or nb.cells[0].cell_type != "markdown" or not nb.cells[0].source.startswith("# "):
        out.append("the notebook opens with prose: a '# Title' and its question")
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    if len(params) != 1:
        out.append(f"one cell tagged 'parameters' (papermill), not {len(params)}")
    else:
        assigned = {t.id for node in ast.parse(params[0].source).body if isinstance(node, ast.Assign)
                    for t in node.targets if isinstance(t, ast.Name)}
        if not PARAMETERS <= assigned <= PARAMETERS | OPTIONAL_PARAMETERS:
            out.append(f"the parameters cell assigns {sorted(assigned)}, not {sorted(PARAMETERS)} "
                       f"(and of {sorted(OPTIONAL_PARAMETERS)} at most)")
        before = code[:code.index(params[0])]
        if any(name in c.source for c in before for name in PARAMETERS):
            out.append("a cell before the parameters cell uses a parameter")
    if [c.execution_count for c in code] != list(range(1, len(code) + 1)):
        out.append("not executed once from top to bottom: run `make notebooks`")
    errors = [c.id for c in code for o in c.outputs if o.output_type == "error"]
    if errors:
        out.append(f"error outputs in cells {errors}")
    return out


@pytest.mark.parametrize("path", report.notebooks(), ids=lambda p: p.stem)
def test_notebook_structure(path):
    nb = nbformat.read(path, as_version=4)
    assert problems(nb) == []


@pytest.mark.parametrize("path", report.notebooks(), ids=lambda p: p.stem)
def test_notebooks_are_saved_as_jupyter_saves_them(path):
    """`make notebooks` writes what JupyterLab writes (nbformat's JSON), so an edit saved in
    JupyterLab and a re-execution give clean diffs of each other."""
    text = path.read_text(encoding="utf-8")
    assert nbformat.writes(nbformat.reads(text, as_version=4)) + "\n" == text


def test_an_edit_made_in_jupyterlab_needs_no_other_file():
    """A markdown cell and a code cell added as JupyterLab adds them (new random ids), then
    executed as `make notebooks` does: the structure holds; and the checks see a broken one."""
    path = report.notebooks()[2]
    nb = nbformat.read(path, as_version=4)
    edited = copy.deepcopy(nb)
    edited.cells.append(nbformat.v4.new_markdown_cell("## A researcher's note\n\nRead the table above by code."))
    cell = nbformat.v4.new_code_cell("1 + 1")
    cell.execution_count = max(c.execution_count for c in nb.cells if c.cell_type == "code") + 1
    edited.cells.append(cell)
    assert problems(nbformat.reads(nbformat.writes(edited), as_version=4)) == []
    broken = copy.deepcopy(edited)
    broken.cells[-1].execution_count = None
    broken.cells[0].source = "no title"
    assert len(problems(broken)) == 2
    assert paths.PROJ_ROOT.joinpath("tools", "write_notebooks.py").exists() is False  # no generator to match


# What pandas leaves in a table it cut: a cell of "..." (a row or a column left out), text cut
# at display.max_colwidth ("…the years of..."), a "N rows × M columns" footer after a cut.
_CUT_CELL = re.compile(r"<t[dh][^>]*>(?:\.\.\.|[^<]*\S\.\.\.)</t[dh]>")
_FOOTER = re.compile(r"<p>(\d+) rows × (\d+) columns</p>")


def truncations(nb: nbformat.NotebookNode) -> list[str]:
    """Where a committed table output shows pandas' marks of a cut table."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []):
            html = o.get("data", {}).get("text/html", "")
            html = "".join(html) if isinstance(html, list) else html
            for cut in _CUT_CELL.findall(html):
                out.append(f"cell {cell.get('id')}: {cut}")
            if _FOOTER.search(html):
                out.append(f"cell {cell.get('id')}: {_FOOTER.search(html).group(0)} (pandas cut the frame)")
    return out


def test_the_truncation_check_sees_pandas_cuts():
    import pandas as pd

    frame = pd.DataFrame({"a": ["x" * 80] * 70, **{f"c{i}": range(70) for i in range(25)}})
    with pd.option_context("display.max_colwidth", 50, "display.max_columns", 20, "display.max_rows", 60):
        cut = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/html": frame._repr_html_()}, execution_count=1)])
    kinds = " ".join(truncations(nbformat.v4.new_notebook(cells=[cut])))
    assert "x...</td>" in kinds and "<td>...</td>" in kinds and "<th>...</th>" in kinds and "rows ×" in kinds
    with pd.option_context("display.max_colwidth", None, "display.max_columns", None, "display.max_rows", None):
        whole = nbformat.v4.new_code_cell(outputs=[nbformat.v4.new_output(
            "execute_result", data={"text/html": frame._repr_html_()}, execution_count=1)])
    assert truncations(nbformat.v4.new_notebook(cells=[whole])) == []


@pytest.mark.parametrize("path", report.notebooks(), ids=lambda p: p.stem)
def test_committed_tables_are_shown_whole(path):
    """The README promises tables whose cells are shown whole: no notebook output is a
    frame pandas cut (style.use() lifts its limits)."""
    assert truncations(nbformat.read(path, as_version=4)) == []


def test_the_findings_ask_the_shipped_studys_questions_in_its_words():
    """Notebook 04's introduction lists the questions its interpretation answers: on the
    shipped corpus those of corpus/study.yaml, not the neutral ones."""
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "04_findings.ipynb", as_version=4)
    shown = " ".join(o.get("data", {}).get("text/markdown", "") for c in nb.cells if c.get("id") == "study-questions"
                     for o in c.outputs)
    first = corpus.load_study(paths.CORPUS_DIR)["questions"][0]
    assert first.split()[0] in shown and first[:40] in shown.replace("\\", "")


def test_the_findings_word_the_neutral_questions_in_one_place():
    """Notebook 04's interpretation asks its questions as findings.research_questions gives
    them: the neutral wording lives in findings.NEUTRAL_QUESTIONS, not written again in a cell
    (two copies drift apart)."""
    nb = nbformat.read(paths.NOTEBOOKS_DIR / "04_findings.ipynb", as_version=4)
    code = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "research_questions(" in code
    assert [q for q in findings.NEUTRAL_QUESTIONS if q in code or q.rstrip("?") in code] == []
