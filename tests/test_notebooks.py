"""The committed notebooks: executed, in the shape tools/write_notebooks.py gives them."""

from __future__ import annotations

import importlib.util

import nbformat
import pytest

from helpers import paths, report

spec = importlib.util.spec_from_file_location("write_notebooks", paths.PROJ_ROOT / "tools" / "write_notebooks.py")
write_notebooks = importlib.util.module_from_spec(spec)
spec.loader.exec_module(write_notebooks)


def test_every_notebook_written_by_the_tool_is_committed_and_vice_versa():
    assert sorted(f"{n}.ipynb" for n in write_notebooks.NOTEBOOKS) == [p.name for p in report.notebooks()]


@pytest.mark.parametrize("path", report.notebooks(), ids=lambda p: p.stem)
def test_notebook_is_executed_and_matches_its_source(path):
    nb = nbformat.read(path, as_version=4)
    expected = write_notebooks.NOTEBOOKS[path.stem]
    assert [(c.cell_type, c.source) for c in nb.cells] == [(k, s) for k, s, _ in expected], \
        "the notebook differs from tools/write_notebooks.py: run it, then `make notebooks`"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.execution_count is not None for c in code), "unexecuted cells: run `make notebooks`"
    assert [c.execution_count for c in code] == list(range(1, len(code) + 1)), "run top to bottom once"
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1 and "CORPUS" in params[0].source and "OUT" in params[0].source
    assert all(o.output_type != "error" for c in code for o in c.outputs)
