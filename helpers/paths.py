"""Where everything lives.

This is the one module that knows the project's layout. Notebooks run with their own
folder as the working directory (Jupyter and nbval start the kernel there), so every
path is resolved from this file, never from the current directory.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJ_ROOT: Path = Path(__file__).resolve().parents[1]
HELPERS_DIR: Path = PROJ_ROOT / "helpers"
DATA_DIR: Path = HELPERS_DIR / "data"
TEMPLATES_DIR: Path = HELPERS_DIR / "templates"
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"
CORPUS_DIR: Path = PROJ_ROOT / "corpus"
BUILD_DIR: Path = PROJ_ROOT / "build"

CODEBOOK_FILE: Path = DATA_DIR / "codebook.yaml"
BOILERPLATE_FILE: Path = DATA_DIR / "boilerplate.yaml"
DRILLDOWN_CSS: Path = TEMPLATES_DIR / "drilldown.css"


def resolve(path: str | os.PathLike[str] | None, default: Path) -> Path:
    """Resolve a user-given path: absolute as given, relative to the project root.

    Relative paths are taken from the project root (not the working directory) so that
    ``CORPUS=corpus`` means the same thing in a notebook, in ``make`` and in pytest.
    """
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    return p if p.is_absolute() else (PROJ_ROOT / p)


def display(path: str | os.PathLike[str]) -> str:
    """A path as it may appear in outputs: relative to the project root when inside it.

    Committed notebook outputs must not contain absolute paths (they differ between
    machines); paths outside the project are shown by their last two parts.
    """
    p = Path(path).resolve()
    try:
        return p.relative_to(PROJ_ROOT).as_posix() or "."
    except ValueError:
        return "…/" + "/".join(p.parts[-2:])
