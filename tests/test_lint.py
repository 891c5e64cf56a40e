"""Code and notebooks are linted alike: ruff on the modules, nbQA + ruff on the notebooks
(rules in pyproject.toml)."""

from __future__ import annotations

import subprocess
import sys

from helpers import paths

BIN = __import__("pathlib").Path(sys.executable).parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN / args[0]), *args[1:]], cwd=paths.PROJ_ROOT, capture_output=True, text=True)


def test_modules_pass_ruff():
    done = _run("ruff", "check", "helpers", "tests", "tools", "benchmarks")
    assert done.returncode == 0, done.stdout + done.stderr


def test_notebooks_pass_ruff_through_nbqa():
    done = _run("nbqa", "ruff", "notebooks")
    assert done.returncode == 0, done.stdout + done.stderr
