"""Where everything lives.

This is the one module that knows the project's layout. Notebooks run with their own
folder as the working directory (Jupyter and nbval start the kernel there), so every
path is resolved from this file, never from the current directory.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import Collection

PROJ_ROOT: Path = Path(__file__).resolve().parents[1]
HELPERS_DIR: Path = PROJ_ROOT / "helpers"
DATA_DIR: Path = HELPERS_DIR / "data"
TEMPLATES_DIR: Path = HELPERS_DIR / "templates"
NOTEBOOKS_DIR: Path = PROJ_ROOT / "notebooks"
CORPUS_DIR: Path = PROJ_ROOT / "corpus"
FURNITURE_DIR: Path = PROJ_ROOT / "corpus-furniture"  # the labelled set of web pages (helpers.furniture)
BUILD_DIR: Path = PROJ_ROOT / "build"
EVALUATION_DIR = "evaluation"  # make evaluate writes OUT/evaluation/<corpus>/ (the Makefile's --out)
REVIEW_DIR = "review"  # a corpus's reviewers' decisions (CORPUS/review/*.csv); make review's sample in OUT/review/
SUGGESTIONS_PREFIX = "suggestions_"  # make suggest's table in OUT: suggestions_<CODE>.csv (suggestions_file)


def suggestions_file(code: str) -> str:
    """The name of ``make suggest``'s table for a code in ``OUT``, which ``make clean``
    keeps and an ``OUT`` may hold without a record (:func:`is_suggestions_file`)."""
    return f"{SUGGESTIONS_PREFIX}{code}.csv"


def is_suggestions_file(name: str) -> bool:
    """Whether a file's ``name`` is of :func:`suggestions_file`'s form."""
    return name.startswith(SUGGESTIONS_PREFIX) and name.endswith(".csv")

CODEBOOK_FILE: Path = DATA_DIR / "codebook.yaml"
BOILERPLATE_FILE: Path = DATA_DIR / "boilerplate.yaml"
DRILLDOWN_CSS: Path = TEMPLATES_DIR / "drilldown.css"


SHORTENED = "…"  # the first part of a path outside the project as outputs show it (display)


def resolve(path: str | os.PathLike[str] | None, default: Path) -> Path:
    """Resolve a user-given path: absolute as given, relative to the project root. A path
    as :func:`display` shortened it (``…/a/b``, a saved notebook's parameter when its folder
    was outside the project) is refused (:class:`ShortenedPathError`): it named a folder
    ``…`` inside the project, where a saved notebook run again wrote its tables.

    Relative paths are taken from the project root (not the working directory) so that
    ``CORPUS=corpus`` means the same thing in a notebook, in ``make`` and in pytest.
    """
    if path is None or str(path) == "":
        return default
    p = Path(path).expanduser()
    if p.parts and p.parts[0] == SHORTENED:
        raise ShortenedPathError(
            f"the path {str(path)!r} was shortened for a saved notebook (a folder outside the project is shown by its "
            "last two parts, so that no output holds a machine's paths) and is not a folder: give its full path in "
            "the parameters cell (a saved notebook's OUT is the folder that holds its notebooks/ folder)")
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
        return f"{SHORTENED}/" + "/".join(p.parts[-2:])


def helpers_imports(node: ast.AST, modules: Collection[str]) -> list[tuple[str, list[str]]]:
    """``(module, names)`` for each module of ``helpers`` (one of ``modules``) that the
    statement ``node`` itself imports (not the statements inside it): ``from . import a, b``
    and ``from helpers import a, b`` give a and b with no names; ``from .a import x, y`` and
    ``from helpers.a import x, y`` give a with x and y; ``import helpers.a`` gives a. How
    the helpers modules' imports are read (the furniture record, the layout's tests)."""
    if isinstance(node, ast.ImportFrom):
        if node.level == 1:
            module = node.module or ""
        elif node.level == 0 and (node.module or "").split(".")[0] == "helpers":
            module = node.module.partition(".")[2]
        else:
            return []
        if not module:
            return [(a.name, []) for a in node.names if a.name in modules]
        head = module.split(".")[0]
        return [(head, [a.name for a in node.names])] if head in modules else []
    if isinstance(node, ast.Import):
        return [(a.name.split(".")[1], []) for a in node.names
                if a.name.startswith("helpers.") and a.name.split(".")[1] in modules]
    return []


class OutputFolderError(ValueError):
    """An output folder that a report must not write into (see :func:`check_out`), or any
    folder given as outputs shorten it (:class:`ShortenedPathError`): the commands say
    either in one line."""


class ShortenedPathError(OutputFolderError):
    """A path, of an input or an output, given as :func:`display` shortened it
    (:func:`resolve`)."""


def copyable(path: str | os.PathLike[str], out: str | None) -> str:
    """``path`` (a file or folder in a run's output folder) as a user can copy it into a
    shell from the project root, for what a command prints on the terminal: relative to the
    project when inside it, else under ``OUT`` as the user gave it (never shortened with
    "…", as :func:`display` shows paths in outputs)."""
    path = Path(path)
    if path.resolve().is_relative_to(PROJ_ROOT):
        return display(path)
    return str(Path(out).expanduser() / path.name) if out else str(path)


def _inside(inner: Path, outer: Path) -> bool:
    """Whether ``inner`` is ``outer`` or below it, both resolved (symbolic links followed);
    folders that exist are also compared as files, which catches a case-insensitive file
    system's other spelling of the same folder."""
    inner, outer = inner.resolve(), outer.resolve()
    if inner == outer or outer in inner.parents:
        return True
    if not outer.exists():
        return False
    return any(os.path.samefile(p, outer) for p in (inner, *inner.parents) if p.exists())


def inside(inner: str | os.PathLike[str], outer: str | os.PathLike[str]) -> bool:
    """Whether the folder ``inner`` is ``outer`` or below it (symbolic links followed, and
    a case-insensitive file system's other spelling of a folder caught)."""
    return _inside(Path(inner), Path(outer))


def refusing(out: str | os.PathLike[str] | None, why: str, command: str = "") -> str:
    """The one line that refuses an output folder: ``refusing [command ]OUT=<as given>
    (<resolved>, when it differs): <why>``, for :func:`unsafe_out` and ``make clean``
    (:func:`helpers.outputs.refusal`)."""
    out_dir = resolve(out, BUILD_DIR)
    given = f"{command + ' ' if command else ''}OUT={out if out not in (None, '') else 'build'}"
    if str(out_dir.resolve()) != str(out):
        given += f" ({out_dir.resolve()})"
    return f"refusing {given}: {why}"


def unsafe_out(out: str | os.PathLike[str] | None, corpus: str | os.PathLike[str] | None = None,
               command: str = "") -> str | None:
    """Why ``OUT`` must not receive a report, or ``None`` when it may (a line of
    :func:`refusing`, naming ``command`` when given).

    Refused: the project root or a folder that contains it, a folder inside the project
    other than ``build/`` and the folders under it (``notebooks/``, ``helpers/``, a
    corpus, ...: the project's own files, not outputs), the corpus folder, a folder inside
    it or one that contains it, and any other corpus folder (one holding ``raw/`` with
    texts) or its ``raw/`` or a folder inside that. Both are given as on the command line
    (relative to the project root, default ``build/`` and ``corpus/``).
    """
    out_dir, corpus_dir = resolve(out, BUILD_DIR), resolve(corpus, CORPUS_DIR)
    fix = "give the report a folder of its own, e.g. OUT=build/myreport"
    if _inside(PROJ_ROOT, out_dir):
        what = "is the project root" if _inside(out_dir, PROJ_ROOT) else f"contains the project ({PROJ_ROOT})"
        return refusing(out, f"it {what}, and the report's pages would land among the project's own files; {fix}",
                        command)
    if _inside(out_dir, NOTEBOOKS_DIR):
        return refusing(out, f"it is inside notebooks/, where the committed notebooks are; {fix}", command)
    if _inside(out_dir, corpus_dir):
        return refusing(out, f"it is inside the corpus folder CORPUS={corpus_dir}, and nothing is ever written there; "
                        f"{fix}", command)
    if _inside(corpus_dir, out_dir):
        return refusing(out, f"it contains the corpus folder CORPUS={corpus_dir}; {fix}", command)
    if _inside(out_dir, PROJ_ROOT) and not _inside(out_dir, BUILD_DIR):
        return refusing(out, "it is inside the project, whose files are not outputs; only build/ and the folders "
                        f"under it take outputs there; {fix}", command)
    resolved = out_dir.resolve()
    if _is_corpus(resolved):
        return refusing(out, f"it holds raw/, a corpus's raw texts, and nothing is ever written in a corpus folder; {fix}",
                        command)
    raw = next((p for p in (resolved, *resolved.parents) if p.name == "raw" and _is_corpus(p.parent)), None)
    if raw is not None:
        return refusing(out, f"it is inside {raw}, a corpus's raw texts, which are never written; {fix}", command)
    return None


def _is_corpus(folder: Path) -> bool:
    """Whether ``folder`` holds a corpus's texts: a ``raw/`` with a ``*.txt`` in it (a
    ``~/raw`` of photographs is none)."""
    raw = folder / "raw"
    try:
        return raw.is_dir() and any(p.suffix.lower() == ".txt" for p in raw.iterdir())
    except OSError:  # a raw/ one may not read (another user's): no corpus of this run's to keep out of
        return False


def check_out(out: str | os.PathLike[str] | None, corpus: str | os.PathLike[str] | None = None) -> None:
    """Raise :class:`OutputFolderError` (one line naming the folder and what to do) when
    :func:`unsafe_out` refuses ``OUT``."""
    reason = unsafe_out(out, corpus)
    if reason:
        raise OutputFolderError(reason)
