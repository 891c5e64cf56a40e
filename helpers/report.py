"""Execute the notebooks and publish them as offline HTML.

``python -m helpers.report [--corpus DIR] [--out DIR] [--engine pandas|dask]`` executes
every notebook in ``notebooks/`` in order with papermill (the parameters ``CORPUS``,
``OUT``, ``ENGINE`` and, for a notebook that has it, ``CODES`` injected, in a cell with a
fixed id and the paths shown relative to the project: see :func:`_scrub`),
keeps the executed copies in ``OUT/notebooks/`` and writes to ``OUT/html/``:

* ``NN_name.html``       the reader edition (no code)
* ``NN_name.code.html``  the full edition (code and outputs)
* ``index.html``         what the study is (``CORPUS/study.yaml``), the corpus, links to both editions

A report removes only files that a report wrote. Each run records the files it wrote, with
the SHA-256 of each, in ``OUT/.kvalitext-manifest.json`` (:mod:`helpers.manifest`: sorted
paths relative to ``OUT``, no timestamps): pages, notebook copies, figures and CSV tables
(with their copies in ``OUT/spreadsheet/``) that its writer wrote (noted in ``OUT``'s journal
as they were written, :func:`helpers.io.record_writes`, and recorded with the hash so noted,
:func:`helpers.manifest.as_written`: a file of one's own saved there meanwhile is not the
run's, nor is one's edit saved over a page), and the pipeline's tables it kept in ``OUT``
with their stamp;
after a run that succeeded, those the previous run recorded and this run
did not write again (a notebook renamed or removed since, a figure or table no notebook
writes any more) are removed while their bytes are still those recorded, and nothing else:
not a file the record does not name, not one edited or replaced since (it is kept and
named), not a file reached through a symbolic link, nothing outside ``OUT``. A run that
fails removes nothing (pages of the notebooks it did not reach stay as they were). Before
anything runs, ``OUT`` is refused (exit status 2, one line naming the folder and what to
do) when it is the project root or contains it, is ``notebooks/`` or inside it, or is, is
inside or contains the corpus folder (:func:`helpers.paths.unsafe_out`).

Errors reach the user as one line (a notebook that fails is named with its error, exit
status 1); ``--debug`` shows the full traceback instead.

``python -m helpers.report --in-place`` re-executes the committed notebooks with their
default parameters, which is how a deliberate change of a finding is recorded (strict
nbval then compares against the new outputs).

The pages need no network: the template drops every CDN script, and nbconvert embeds
images as data URIs.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import html
import json
import logging
import os
import re
import stat
import sys
import tempfile
import time
import uuid
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

# Importing nbformat imports jsonschema, and jsonschema imports rfc3987-syntax when it can, to
# check the "iri" format. That package (installed with JupyterLab: jupyter-events asks for
# jsonschema[format-nongpl]; 1.1.0, unmaintained) compiles its Lark grammar as it is imported,
# about half of this module's import time, 2 to 3 s of every report and `make notebooks`
# (python-jsonschema/jsonschema#1428). No schema nbformat validates with has that format, so the
# report goes without it: jsonschema, told it is missing, leaves the format unchecked. A process
# that has imported it already (a Jupyter server, pytest with nbval) keeps it.
sys.modules.setdefault("rfc3987_syntax", None)

import nbformat
import pandas as pd
import yaml
from jupyter_client.manager import AsyncKernelManager
from nbconvert import HTMLExporter
from nbconvert.preprocessors import CoalesceStreamsPreprocessor, TagRemovePreprocessor
from traitlets import Unicode, default

from . import coding, evaluation, findings, io, manifest, markup, paths, pipeline, reliability, review, style
from . import corpus as corpus_mod
from . import documents as documents_mod
from .coding import Codebook
from .pipeline import Run

log = logging.getLogger(__name__)
KERNEL = "python3"
README_FIGURE = "code_by_document"
TIMEOUT = 1800


def notebooks() -> list[Path]:
    """The numbered notebooks, in order."""
    return sorted(p for p in paths.NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))


# The id of the cell papermill adds with the parameters of a run (it draws a random one).
INJECTED_ID = "injected-parameters"
# the parameters that are paths: shown as paths.display shows them, never absolute
PATH_PARAMETERS = ("CORPUS", "OUT")
PARAMETERS_COMMENT = ("Parameters of this run (paths relative to the project; …/ and the last two parts outside it: "
                      "to run it again, give such a path in full)")


def _scrub(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop run-specific metadata (timings, papermill's timestamps), so that two runs
    with the same inputs give the same bytes.

    The cell papermill injects with a run's parameters (tagged ``injected-parameters``)
    gets the fixed id :data:`INJECTED_ID` instead of papermill's random one, and its
    source is written again from the parameters papermill recorded, with ``CORPUS`` and
    ``OUT`` as :func:`helpers.paths.display` shows paths (relative to the project, or
    ``…/`` and the last two parts outside it): an absolute path differs between machines
    and says where a researcher keeps their files.

    What a cell printed is one output per stream: the kernel sends printed text in as many
    messages as it happened to flush (two ``print`` calls came as one output in one run,
    as two in the next), so consecutive outputs of the same stream are joined; what cells
    wrote to stderr is shown once per notebook, without absolute paths (:func:`quiet_stderr`)."""
    nb, _ = CoalesceStreamsPreprocessor().preprocess(nb, {})
    nb = quiet_stderr(nb)
    params = dict(nb.metadata.get("papermill", {}).get("parameters") or {})
    nb.metadata.pop("papermill", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("papermill", None)
        if INJECTED_ID in cell.metadata.get("tags", []):
            cell.id = INJECTED_ID
            if params:
                shown = {k: paths.display(paths.resolve(v, paths.PROJ_ROOT)) if k in PATH_PARAMETERS and v else v
                         for k, v in params.items()}
                # as papermill writes them, but Swedish letters and "…" kept readable (its \\u escapes are not)
                cell.source = "\n".join([f"# {PARAMETERS_COMMENT}"] + [
                    f"{k} = {json.dumps(v, ensure_ascii=False) if isinstance(v, str) else repr(v)}"
                    for k, v in shown.items()]) + "\n"
    return nb


# A Python warning as warnings.showwarning prints it: "/abs/path/file.py:112: UserWarning: text",
# then the line of source it points at, indented.
_PY_WARNING = re.compile(r"^(?P<path>(?:/|[A-Za-z]:[\\/]|~)[^:]*?\.py):\d+: (?P<kind>\w+): (?P<text>.*)$")


def _unpathed(line: str) -> str:
    """``line`` with no absolute path: a Python warning's location is cut to the file's name
    (``UserWarning: text (style.py)``), and a path under the project, the home folder or the
    environment is shown as :func:`helpers.paths.display` shows paths."""
    m = _PY_WARNING.match(line)
    if m:
        line = f"{m['kind']}: {m['text']} ({Path(m['path']).name})"
    for root in sorted({str(paths.PROJ_ROOT), sys.prefix, sys.base_prefix, str(Path.home())}, key=len, reverse=True):
        if len(root) > 1:
            line = line.replace(root + os.sep, f"{paths.SHORTENED}/").replace(root, paths.SHORTENED)
    return line


# C0 and C1 control characters but tab, and DEL: in a file name or a text a warning quotes they would
# reach the terminal as its commands (ESC [2J clears the screen, then text can pose as the run's own)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def for_terminal(text: str) -> str:
    """``text`` with every control character but tab and line ends written as its escape
    (``\\x1b``): what a run prints of data (a file name, a quoted line) shows on the
    terminal as what it is, never acts on it."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], text)


class _TerminalFormatter(logging.Formatter):
    """The report's own log lines, data in them shown by :func:`for_terminal`."""

    def format(self, record: logging.LogRecord) -> str:
        return for_terminal(super().format(record))


class _SaidFilter(logging.Filter):
    """Drops a record whose every line, as a page shows it (:func:`stderr_lines`), is one of
    ``said``; lets any other through as it comes."""

    def __init__(self, said: Iterable[str]) -> None:
        super().__init__()
        self.said = set(said)

    def filter(self, record: logging.LogRecord) -> bool:
        lines = stderr_lines(record.getMessage())
        return not (lines and all(line in self.said for line in lines))


@contextlib.contextmanager
def _said_already(said: Iterable[str] = ()) -> Iterator[None]:
    """The corpus read again by the report itself, for the index and codebook pages: a
    warning the notebooks already wrote (``said``: their lines, :func:`run_warnings`; a file
    skipped in raw/, metadata naming no file), which the run's summary names once, is not
    logged a second time above it. Any other record of ``helpers`` is logged as ever, when
    it comes. The filter sits on the loggers that make the records (``helpers`` and its
    modules'), so no handler, wherever it is attached, sees a dropped one."""
    said_filter = _SaidFilter(said)
    loggers = [logging.getLogger("helpers")] + [
        logger for name, logger in sorted(logging.root.manager.loggerDict.items())
        if name.startswith("helpers.") and isinstance(logger, logging.Logger)]
    for logger in loggers:
        logger.addFilter(said_filter)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeFilter(said_filter)


def stderr_lines(text: str) -> list[str]:
    """The lines a cell wrote to stderr as a page shows them (:func:`_unpathed`), the line
    of source a Python warning quotes (indented, after the warning) left out."""
    lines, after_warning = [], False
    for line in text.splitlines():
        if after_warning and line.startswith((" ", "\t")):
            after_warning = False
            continue
        after_warning = bool(_PY_WARNING.match(line))
        if line.strip():
            lines.append(_unpathed(line))
    return lines


def quiet_stderr(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Each line written to stderr shown once in the notebook, where it was first written:
    a corpus read again by a later cell repeats its warnings (a file decoded as cp1252, a
    byte-order mark), which say nothing new the second time. No absolute path reaches the
    page (:func:`stderr_lines`); an output left empty is dropped."""
    seen: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.get("outputs", []):
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                new = []
                for line in stderr_lines(output.get("text", "")):
                    if line not in seen:
                        seen.add(line)
                        new.append(line)
                if not new:
                    continue
                output["text"] = "\n".join(new) + "\n"
            kept.append(output)
        cell["outputs"] = kept
    return nb


def run_warnings(nbs: Mapping[str, nbformat.NotebookNode]) -> list[tuple[str, str]]:
    """``(warning, first notebook)`` for each distinct line the notebooks wrote to stderr
    (a file decoded as cp1252, an empty file, a cut paragraph, ...), in the order first
    written: what :func:`build_report` sums up at the end of a run."""
    found: dict[str, str] = {}
    for name, nb in nbs.items():
        for cell in nb.cells:
            for output in cell.get("outputs", []) if cell.cell_type == "code" else []:
                if output.get("output_type") == "stream" and output.get("name") == "stderr":
                    for line in stderr_lines(output.get("text", "")):
                        found.setdefault(line, name)
    return list(found.items())


class LocalKernelManager(AsyncKernelManager):
    """The notebooks' kernel, local to this machine: it talks over IPC (Unix sockets in
    Jupyter's runtime folder) rather than TCP, so ipykernel has no reason to warn about
    unencrypted network traffic on every run; and it is shut down without an interrupt."""

    transport = Unicode("ipc")

    @default("ip")
    def _ip_default(self) -> str:
        # An absolute, short prefix for the kernel's sockets: a relative one would be read
        # from the kernel's working folder and ours alike, and a Unix socket's path must be
        # under about 100 characters (a deep project folder would not fit).
        return os.path.join(tempfile.gettempdir(), f"kvalitext-{uuid.uuid4().hex[:12]}")

    async def _async_interrupt_kernel(self) -> None:
        # jupyter_client interrupts a kernel (SIGINT) before asking it to shut down; an idle
        # kernel then logs "ERROR | KeyboardInterrupt caught in kernel", which a researcher
        # takes for a failure. Ours is idle when it is shut down (every cell has run), so it
        # is asked to shut down without the interrupt; an interrupt while it runs still goes.
        if not self.shutting_down:
            await super()._async_interrupt_kernel()


# A kernel whose cells have all run is stopped at once rather than asked to shut down: on
# a shutdown request, ipykernel 7.4 can still publish its "idle" status on a socket its
# shutdown has just closed, and tornado then prints "ERROR ... Socket operation on
# non-socket" with a traceback (ipython/ipykernel#1518 fixed one path of that race, not
# the one through IOPubThread.schedule). Nothing is left to do in the kernel: every
# output reached us before the last cell's reply, and the notebooks write their files
# atomically inside their cells.
SHUTDOWN = "immediate"


def execute_in_place(path: Path) -> None:
    """Re-execute a committed notebook with its default parameters and save it."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=TIMEOUT, kernel_name=KERNEL, record_timing=False, kernel_manager_class=LocalKernelManager,
                   shutdown_kernel=SHUTDOWN, resources={"metadata": {"path": str(paths.NOTEBOOKS_DIR)}}).execute()
    io.write_text(path, nbformat.writes(_scrub(nb)) + "\n")


CODES = ("auto", "corrected")  # the codes the findings are drawn from (notebook 04's CODES)


# Not papermill.inspect_notebook: it drops a line with a second "=" (a comment "# or CODES=corrected"), needs a kernelspec.
def _declares(path: Path, name: str) -> bool:
    """Whether the notebook's ``parameters`` cell sets ``name``: a top-level assignment to
    it, annotated or not (``CODES: str = "auto"``), read as Python, not as lines of text
    (a line of a string or of an indented block sets nothing)."""
    from IPython.core.inputtransformer2 import TransformerManager

    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type != "code" or "parameters" not in cell.metadata.get("tags", []):
            continue
        # Read as the kernel reads it: IPython's own transformation first turns magics and
        # shell lines (%matplotlib, !cmd) into calls. A cell that still does not parse would
        # stop the kernel too; it declares nothing here, and the run then fails on that cell
        # with the kernel's own SyntaxError, which names it (a guess from its lines could only
        # pass a parameter to a notebook that cannot run).
        try:
            tree = ast.parse(TransformerManager().transform_cell(cell.source))
        except SyntaxError:
            continue
        for node in tree.body:
            targets = node.targets if isinstance(node, ast.Assign) else \
                [node.target] if isinstance(node, ast.AnnAssign) and node.value is not None else []
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return True
    return False


def execute(path: Path, corpus: str, out: str, dest: Path | None = None, engine: str = "pandas",
            codes: str = "auto") -> nbformat.NotebookNode:
    """Execute a notebook with papermill on a corpus and output folder; save the copy at
    ``dest`` if given. ``codes`` (``auto`` or ``corrected``) goes to a notebook that has
    a ``CODES`` parameter (the findings)."""
    import papermill as pm

    if codes not in CODES:
        raise ReportError(f"CODES must be one of {', '.join(CODES)}, not {codes!r}")
    params = {"CORPUS": corpus, "OUT": out, "ENGINE": engine}
    if _declares(path, "CODES"):  # given even when it is the default: the page shows every parameter of the run
        params["CODES"] = codes
    nb = pm.execute_notebook(
        str(path), None, parameters=params, kernel_name=KERNEL,
        cwd=str(paths.NOTEBOOKS_DIR), progress_bar=False, log_output=False,
        execution_timeout=TIMEOUT, kernel_manager_class=LocalKernelManager, shutdown_kernel=SHUTDOWN,
    )
    nb = _scrub(nb)
    if dest is not None:
        io.write_text(dest, nbformat.writes(nb) + "\n")
    return nb


def _title(nb: nbformat.NotebookNode, fallback: str) -> str:
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            for line in cell.source.splitlines():
                if line.startswith("# "):
                    return line[2:].strip()
    return fallback


EDITIONS = {True: "reader edition", False: "full edition, with code"}


FULL_EDITION_TAG = "full-edition"  # a cell (a note on the code) that only the full edition shows


def export_html(nb: nbformat.NotebookNode, reader: bool, other: dict | None = None, title: str | None = None,
                figures: frozenset[str] = frozenset(), previous: dict | None = None, following: dict | None = None
                ) -> str:
    """A notebook as an offline HTML page; ``reader=True`` leaves out all code, and the
    cells tagged :data:`FULL_EDITION_TAG` (notes for those who run the notebook: Python to
    call, how the tests read a table), which the full edition shows. The
    browser's title of the page is the notebook's (``title``, else its first ``#``
    heading) and the edition, so that tabs and bookmarks of the pages tell them apart.

    A figure the notebook saved (:func:`helpers.style.save`) links to its SVG file in
    ``figures/`` beside the page (the report copies ``OUT/figures``'s there, so that
    ``html/`` is whole on its own) when that file's name is among ``figures`` (the files
    the report found in ``OUT/figures``): a name is only ever compared, never taken as a
    path.

    ``previous`` and ``following`` (``{"href": …, "label": …}``) are the pages of the
    notebooks before and after this one, linked at the top and the foot of the page."""
    exporter = HTMLExporter(template_name="offline", extra_template_basedirs=[str(paths.TEMPLATES_DIR)])
    exporter.exclude_input = reader
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    remover = TagRemovePreprocessor(
        remove_cell_tags={"remove-cell"} | ({FULL_EDITION_TAG} if reader else set()),
        remove_input_tags={"remove-input", "hide-input"},
        remove_all_outputs_tags={"remove-output"},
    )
    remover.enabled = True
    exporter.register_preprocessor(remover, enabled=True)
    name = f"{title or _title(nb, 'Notebook')} – {EDITIONS[reader]}"
    body, _ = exporter.from_notebook_node(nb, resources={"kv_other": other or {}, "metadata": {"name": name},
                                                         "kv_figures": figures, "kv_prev": previous or {},
                                                         "kv_next": following or {}})
    return markup.header_breaks(add_toc(link_pages(align_numbers(body), reader)))


_DATAFRAME = re.compile(r'<table\b[^>]*\bclass="[^"]*\bdataframe\b[^"]*"[^>]*>.*?</table>', re.S)
_SECTION = re.compile(r"(<(thead|tbody)\b[^>]*>)(.*?)(</\2>)", re.S)
_ROW = re.compile(r"(<tr\b[^>]*>)(.*?)(</tr>)", re.S)
_CELL = {tag: re.compile(rf"<{tag}\b([^>]*)>(.*?)</{tag}>", re.S) for tag in ("td", "th")}
# a number as pandas prints one: 12, -3.5, 1,234, 0.81, 1e-05, 12.5%, −2 (with a minus sign)
_NUMBER = re.compile(r"[-+−]?(\d+|\d{1,3}(,\d{3})+)?(\.\d+)?([eE][-+]?\d+)?%?")
# and an estimate not made, as review.as_shown writes one
_MISSING = {"", "nan", "NaN", "<NA>", "None", "NaT", "inf", "-inf", review.NOT_ESTIMATED}
# an interval of two such numbers, as the tables print one: 0.736–0.876, 0.47 – 0.65, [−0.001, +0.149]
_INTERVAL = re.compile(r"(?P<a>[^\s,\[\]–]+)\s*–\s*(?P<b>[^\s,\[\]–]+)|\[(?P<c>[^\s,]+),\s*(?P<d>[^\s,\]]+)\]")


def _is_number(cell: str) -> bool:
    """One number as pandas prints it, or an interval of two whose ends are not both whole
    (``0.736–0.876``; ``2013–2017`` is a span of years, ``120–180`` of offsets: text)."""
    text = html.unescape(re.sub(r"<[^>]+>", "", cell)).strip()
    text = text.removesuffix(f" {findings.SMALL_N_MARK}")  # a rate of few sentences, marked (findings.mark_small)
    if bool(re.search(r"\d", text)) and bool(_NUMBER.fullmatch(text)):
        return True
    m = _INTERVAL.fullmatch(text)
    if not m:
        return False
    ends = [e for e in m.groups() if e is not None]
    return (all(re.search(r"\d", e) and _NUMBER.fullmatch(e) for e in ends)
            and any(re.search(r"[.%eE]", e) for e in ends))


def _mark(attrs: str) -> str:
    if re.search(r'\bclass="', attrs):
        return re.sub(r'\bclass="', 'class="num ', attrs, count=1)
    return f' class="num"{attrs}'


def align_numbers(page: str) -> str:
    """Mark the number columns of the page's DataFrame tables (``class="num"`` on their
    cells and header), so the page's CSS aligns numbers right and text left.

    pandas' HTML says nothing of a column's dtype and JupyterLab aligns every cell right,
    which makes long text (a keyword in context, a sentence, a removed line) hard to
    read. A column is a number column when each of its cells that is not empty or
    missing (``NaN``, ``<NA>``, ``None``) is one number as pandas prints it (``12``,
    ``-3.5``, ``1,234``, ``1e-05``, ``12.5%``) or an interval of two (``0.736–0.876``,
    ``[−0.001, +0.149]``: tables of intervals are numbers), and at least one is; a column
    with a date (``2017-11-22``), a span of years (``2013–2017``) or of whole numbers is
    text. Only the class is added: the cells' content
    is left as it was (escaped by pandas)."""

    def table(m: re.Match) -> str:
        tab = m.group(0)
        body = next((s for s in _SECTION.finditer(tab) if s.group(2) == "tbody"), None)
        if body is None:
            return tab
        rows = [_CELL["td"].findall(r.group(2)) for r in _ROW.finditer(body.group(3))]
        width = max((len(r) for r in rows), default=0)
        numeric = set()
        for j in range(width):
            cells = [r[j][1] for r in rows if j < len(r)]
            shown = [c for c in cells if html.unescape(re.sub(r"<[^>]+>", "", c)).strip() not in _MISSING]
            if shown and all(_is_number(c) for c in shown):
                numeric.add(j)
        if not numeric:
            return tab

        def row(r: re.Match, tag: str) -> str:
            cells = list(_CELL[tag].finditer(r.group(2)))
            if tag == "th" and any("colspan" in c.group(1) for c in cells[-width:]):
                return r.group(0)  # a header row over several columns: left as it is
            first = len(cells) - width if tag == "th" else 0  # a header row's last cells head the columns
            text, parts, at = r.group(2), [], 0
            for k, c in enumerate(cells):
                if k - first in numeric:
                    parts += [text[at:c.start()], f"<{tag}{_mark(c.group(1))}>{c.group(2)}</{tag}>"]
                    at = c.end()
            return r.group(1) + "".join(parts) + text[at:] + r.group(3)

        def section(s: re.Match) -> str:
            tag = "th" if s.group(2) == "thead" else "td"
            return s.group(1) + _ROW.sub(lambda r: row(r, tag), s.group(3)) + s.group(4)

        return _SECTION.sub(section, tab)

    return _DATAFRAME.sub(table, page)


_NB_LINK = re.compile(r'href="(\d\d_[\w-]+)\.ipynb(#[^"]*)?"')


def link_pages(page: str, reader: bool) -> str:
    """Point links between notebooks (``01_clean-corpus.ipynb``) at their pages in the
    same edition."""
    suffix = ".html" if reader else ".code.html"
    return _NB_LINK.sub(lambda m: f'href="{m.group(1)}{suffix}{m.group(2) or ""}"', page)


TABLES_DIR = manifest.TABLES_DIR  # inside html/: copies of the run's tables and QDA files that the pages name
TABLE_COPY_MAX_BYTES = 20_000_000  # a larger table (tokens.csv of a large corpus) is named on its page, not copied
_TAG_OR_TEXT = re.compile(r"(<[^>]*>)")
_NOT_LINKED_IN = ("a", "pre", "script", "style", "title", "head", "nav")  # text in these stays as it is


def link_tables(page: str, names: Iterable[str]) -> tuple[str, set[str]]:
    """Link each mention of a run's output file in the page's text (``coded.csv``,
    ``project.qdpx``; ``names``: the files the run wrote at the top of ``OUT``) to its copy
    in ``data/`` beside the page, so that a reader of ``html/`` alone can open the table a
    page speaks of. Text inside links, code and output blocks (``pre``), the head and
    scripts stays as it is; a name is only ever compared, never taken as a path. Returns
    the page and the names it links."""
    wanted = sorted(set(names), key=len, reverse=True)
    if not wanted:
        return page, set()
    mention = re.compile(r"(?<![\w./-])(" + "|".join(map(re.escape, wanted)) + r")(?![\w-]|\.\w)")
    used: set[str] = set()
    parts, depth = _TAG_OR_TEXT.split(page), {tag: 0 for tag in _NOT_LINKED_IN}
    for k, part in enumerate(parts):
        if k % 2:  # a tag
            m = re.match(r"<(/?)([a-zA-Z][\w-]*)", part)
            if m and m.group(2).lower() in depth and not part.endswith("/>"):
                depth[m.group(2).lower()] += -1 if m.group(1) else 1
            continue
        if any(depth.values()):
            continue

        def link(m: re.Match) -> str:
            used.add(m.group(1))  # a name with a character HTML escapes never matches its escaped text
            return f'<a href="{TABLES_DIR}/{m.group(1)}">{m.group(1)}</a>'

        parts[k] = mention.sub(link, part)
    return "".join(parts), used


_H2 = re.compile(r'<h2 id="([^"]+)">(.*?)(?:<a class="anchor-link"[^>]*>.*?</a>)?</h2>', re.S)


def add_toc(page: str, least: int = 3) -> str:
    """Insert a table of contents of the page's sections (its ``h2`` headings) after
    its title, when it has at least ``least`` of them."""
    heads = _H2.findall(page)
    if len(heads) < least:
        return page
    items = "".join(f'<li><a href="#{hid}">{re.sub(r"<[^>]+>", "", text).strip()}</a></li>' for hid, text in heads)
    toc = f'<nav class="kv-toc" aria-label="Contents"><strong>Contents</strong><ol>{items}</ol></nav>'
    end = page.find("</h1>")
    return page if end < 0 else page[:end + 5] + toc + page[end + 5:]


# the head both pages of the report's own (index and codebook) share; {{ }} stay braces in .format
PAGE_HEAD = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 16px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 52rem;
       margin: 2rem auto; padding: 0 1.5rem; color: #222; overflow-wrap: anywhere; }}
"""

INDEX = PAGE_HEAD + """h1 {{ font-size: 1.8rem; margin-bottom: .2rem; }} .sub {{ color: #555; margin-top: 0; }}
table {{ border-collapse: collapse; width: 100%; font-size: .85rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
td {{ overflow-wrap: break-word; }} /* a cell breaks a word only when it cannot fit the column whole */
.wide td:first-child {{ white-space: nowrap; }} /* a document's id stays whole on one line ("kcnc-2016", not "kcnc-" "2016") */
.wide {{ overflow-x: auto; }} /* and a table with a word too long for the page scrolls in its box, */
/* which may be wider than the text's column, up to the window's width: centred on the column */
.wide {{ width: min(72rem, 100vw - 3rem); position: relative; left: 50%; transform: translateX(-50%); }}
.wide {{ background: linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left center / 2.5rem 100% no-repeat local,
  linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right center / 2.5rem 100% no-repeat local,
  radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.3), rgba(0,0,0,0)) left center / .9rem 100% no-repeat scroll,
  radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.3), rgba(0,0,0,0)) right center / .9rem 100% no-repeat scroll; }}
/* a shadow on the side where more is hidden (white covers move with the table and hide it at the end) */
th {{ background: rgba(0,0,0,.045); overflow-wrap: normal; word-break: keep-all; }}
/* on a phone the corpus table's rows are cards, each value under its column's name (data-label):
   eight columns side by side showed three, in rows mostly blank */
@media (max-width: 40rem) {{
  .wide {{ width: auto; left: auto; transform: none; background: none; }}
  .wide table, .wide tbody, .wide tr, .wide td {{ display: block; }}
  .wide thead {{ position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); }}
  .wide tr {{ border-bottom: 1px solid #ccc; padding: .4rem 0; }}
  .wide td {{ border: none; padding: .1rem 0; white-space: normal; }}
  .wide td:empty {{ display: none; }}
  .wide td[data-label]::before {{ content: attr(data-label) ": "; font-weight: 600; }}
}}
code {{ background: #f4f4f4; padding: 0 .2rem; }}
li {{ margin: .3rem 0; }}
</style></head>
<body>
<h1>{title}</h1>
<p class="sub">Qualitative analysis of Swedish texts with kvalitext</p>
{about}
{questions}
{brief}
<h2>Notebooks</h2>
<p>Each step has a reader edition (text, tables and figures) and a full edition with the code.</p>
<ul>
{items}
</ul>{drawn}
<p>The <a href="codebook.html">codebook</a>: every code's definition, when to code it and when not, examples
and rules.</p>
<h2>The texts</h2>
<p>One row per file of the corpus folder <code>{corpus_name}</code>.</p>
<div class="wide">{corpus_table}</div>
{entries}
<h2>Re-run</h2>
<p>From a checkout of the repository: <code>{command}</code> (this report{on}),
<code>make test</code> (unit tests and strict nbval over the notebooks).</p>
<h2>Cite</h2>
<p>{cite} The texts remain their authors'; the pages quote them so that each finding can be checked
against its source.</p>
</body></html>
"""


GENERIC_ABOUT = """<p>These pages run the kvalitext notebooks on the corpus folder <code>{name}</code>:
cleaning with character-level provenance, rule-based coding with the codebook in force, reliability
against any reference codings, and the findings as computed summaries. The corpus folder has no
<code>study.yaml</code>, so no study, questions or period are claimed for it.</p>"""


# the metadata columns the index page shows, those the metadata has, in this order: what a reader needs to
# place a document (its description last, the longest); the others stay in documents.csv
INDEX_COLUMNS = ("doc_id", "title", "author", "voice", "genre", "date", "date_note", "description")


NONE_GIVEN = "–"  # the index's title or author of a document the metadata gives none for (an unsigned post)


def corpus_table(docs: pd.DataFrame) -> pd.DataFrame:
    """The index page's table of the corpus: one row per file's document of a run's
    ``documents.csv``, ``docs`` (its diary entries left out), with the date the analysis uses (the
    metadata's, else the one found in the text) shown as figures and quotes show it
    (:func:`helpers.findings.date_label`: "(inferred)" when part of it was), and where it
    came from (``date from``: ``metadata``, ``text``, ``removed line (<rule>)``) when any
    date did not come from the metadata; a title or author the metadata does not give is
    :data:`NONE_GIVEN`, not an empty cell."""
    docs = docs[docs["parent"].astype(str) == ""] if "parent" in docs.columns else docs
    docs = docs.assign(date=[findings.date_label(d, i, undated="") for d, i in zip(docs["date"], docs["date_inferred"])],
                       **{"date from": docs["date_source"].astype(str)},
                       **{c: docs[c].fillna("").astype(str).replace("", NONE_GIVEN) for c in ("title", "author")
                          if c in docs.columns})
    cols = [c for c in INDEX_COLUMNS if c in docs.columns]
    if (docs["date from"].isin(["", "metadata"]) | (docs["date"] == "")).all():
        return docs[cols].reset_index(drop=True)
    return docs[cols[:cols.index("date") + 1] + ["date from"] + cols[cols.index("date") + 1:]].reset_index(drop=True)


def entries_note(docs: pd.DataFrame) -> str:
    """The line under the index's corpus table that says how a file of dated entries (a
    diary) is counted (:func:`helpers.documents.entries_note`: "1 of 9 documents" beside a
    table of 5 rows). ``docs`` is a run's ``documents.csv``. Empty when no file has
    entries. Ids are data: escaped."""
    note = documents_mod.entries_note(docs)
    return f"<p>{markup.escape(note)}</p>" if note else ""


def agreement_line(run: Run) -> str:
    """The index's sentence on how far the codes agree with the corpus's reference codings
    per sentence, the unit every count uses, and what the lower α supports
    (:func:`helpers.reliability.alpha_verdict`), from the run's ``reliability_auto.csv``
    (notebook 03's); on the texts the rules were written on, what they reach on texts no
    rule was read on (:func:`helpers.evaluation.unseen_figures`). ``""`` without that table
    or a sentence-level α in it. Reference names are data: escaped."""
    path = run.path("reliability_auto.csv")
    table = io.read_csv(path) if path.is_file() else pd.DataFrame(columns=["level", "reference", "alpha"])
    rows = table[table["level"] == "sentence"].assign(alpha=lambda t: pd.to_numeric(t["alpha"], errors="coerce"))
    rows = rows.dropna(subset=["alpha"]).sort_values("reference", kind="stable")
    if not len(rows):
        return ""
    worst = rows.loc[rows["alpha"].idxmin()]
    interval = str(worst.get("alpha 95% CI", "")).split("–")
    low = pd.to_numeric(interval[0], errors="coerce") if len(interval) == 2 else None
    said = "; ".join(f"α {a:.3f} with {markup.escape(r)}" for r, a in zip(rows["reference"], rows["alpha"]))
    text = (f" Per sentence, the unit every count uses, they agree with them at {said}. "
            + (f"The lower, α {worst['alpha']:.3f}, " if len(rows) > 1 else "It ")
            + reliability.alpha_verdict(float(worst["alpha"]), low) + ".")
    if evaluation.rules_written_on(run.corpus):
        unseen = evaluation.unseen_said(coding.codebook_for(run.corpus))
        text += (" These are the texts the codebook's rules were written on: on texts no rule was read on they agree "
                 f"far less ({markup.escape(unseen)}).")
    return text


SUMMARY_TAG = "summary"  # a cell whose output the index page quotes under "Findings in brief" (notebook 04's)


def findings_in_brief(executed: Mapping[str, nbformat.NotebookNode], pages: Mapping[str, str]) -> str:
    """The index page's "Findings in brief": the Markdown outputs of the cells tagged
    :data:`SUMMARY_TAG` in the ``executed`` notebooks (stem → notebook, in their order),
    rendered as their pages render them, each notebook's followed by a link to its reader
    page (``pages``: stem → href); ``""`` when no cell is tagged. The outputs' data was
    escaped by the notebook that wrote them (its ``md``), as on its own page."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    parts = []
    for stem, nb in executed.items():
        said = [o["data"]["text/markdown"] for c in nb.cells if c.cell_type == "code"
                and SUMMARY_TAG in c.get("metadata", {}).get("tags", [])
                for o in c.get("outputs", []) if "text/markdown" in o.get("data", {})]
        if said:
            parts.append("\n".join(markdown2html_mistune(text) for text in said)
                         + f'\n<p><a href="{markup.escape(pages[stem])}">Read how each figure is found</a>, '
                           "with the tables, figures and quotes behind it.</p>")
    return "\n".join(parts)


CORRECTED_NOTE = """
<p>The findings (step 4) are drawn from the auto-coder's codes corrected by the review decisions in the
corpus folder's <code>review/</code> (<code>CODES=corrected</code>).</p>"""


def index_page(pages: list[tuple[str, str, str]], run: Run, codes: str = "auto", brief: str = "") -> str:
    """The report's ``index.html``: ``pages`` are ``(title, reader href, full href)``; the
    title and what the study is about come from the corpus folder's ``study.yaml``
    (:func:`helpers.corpus.load_study`), else the page is generic. The corpus is named as
    outputs name a path (:func:`helpers.paths.display`), and the page says how to make it
    again, with ``codes`` (the findings' codes: ``corrected`` is said under the notebooks
    too). ``brief`` is :func:`findings_in_brief`'s HTML, shown under "Findings in brief" after who
    made the corpus's reference codings (``study.yaml``'s ``validation``) and where the
    codes are checked; without it the page has no such section."""
    items = "\n".join(
        f'<li><a href="{markup.escape(r)}">{markup.escape(t)}</a> '
        f'<small>(<a href="{markup.escape(f)}" aria-label="{markup.escape(t)}, with code">with code</a>)</small></li>'
        for t, r, f in pages
    )
    docs = pipeline.documents(run)
    table = markup.table(corpus_table(docs), labelled=True)
    study = corpus_mod.load_study(run.corpus)
    title = study.get("title") or f"kvalitext report: {run.corpus.name}"
    if study.get("about"):
        about = "\n".join(f"<p>{markup.escape(p)}</p>" for p in re.split(r"\n\s*\n", study["about"]))
    else:
        about = GENERIC_ABOUT.format(name=markup.escape(run.corpus.name))
    questions = study.get("questions", [])
    questions = ("<h2>Questions</h2><ol>" + "".join(f"<li>{markup.escape(q)}</li>" for q in questions) + "</ol>"
                 if questions else "")
    if study.get("period"):
        questions = f"<p>Period of the study: {markup.escape(study['period'])}.</p>\n" + questions
    if brief:
        made_by = markup.escape(study.get("validation", "")).rstrip(".")
        trust = "<p><strong>How far to trust them:</strong> " + (f"{made_by}. " if made_by else "")
        trust += "Every count comes from a rule-based auto-coder, whose codes are leads to check: "
        if any(review.checked_by(run.corpus)):
            trust += ("the step that checks the coding (below) says how far they agree with this corpus's reference "
                      "codings or reviewed sample, and the findings page opens with it." + agreement_line(run) + "</p>")
        else:
            trust += ("<strong>nothing has checked them on this corpus</strong>, which has neither reference codings "
                      "nor review decisions; the step that checks the coding (below) says how to add either.</p>")
        brief = f"<h2>Findings in brief</h2>\n{trust}\n{brief}"  # how far to trust them, first
    shown = paths.display(run.corpus)
    embedded = pipeline.is_embedded(run.corpus)
    # the folders as placeholders: a path outside the project is shown shortened ("…/a/corpus"), which runs nowhere
    command = "make report" + ("" if embedded else " CORPUS=<dir> OUT=<dir>") + ("" if codes == "auto" else f" CODES={codes}")
    return INDEX.format(title=markup.escape(title), about=about, items=items, questions=questions, brief=brief,
                        drawn=CORRECTED_NOTE if codes == "corrected" else "", corpus_name=markup.escape(shown),
                        corpus_table=markup.header_breaks(table), entries=entries_note(docs),
                        command=markup.escape(command), cite=citation_line(),
                        on=(", on the embedded corpus), <code>make report CORPUS=&lt;dir&gt; OUT=&lt;dir&gt;</code> (another "
                            "corpus folder laid out like <code>corpus/</code>" if embedded else
                            f", with CORPUS the folder {markup.escape(shown)}; any corpus folder laid out like "
                            "<code>corpus/</code>"))


CODEBOOK_PAGE = "codebook.html"


def citation_line(path: Path = paths.PROJ_ROOT / "CITATION.cff") -> str:
    """The index's way to cite the software, a sentence of HTML: the authors, title, version and
    licence its ``CITATION.cff`` gives, so that a reader of the pages (who has not the
    repository) can cite it; without the file, or with one that cannot be read as such,
    that the repository's ``CITATION.cff`` says how. Its values are escaped."""
    fallback = "Cite the software as its <code>CITATION.cff</code> says."
    try:
        cff = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return fallback
    if not isinstance(cff, dict) or not isinstance(cff.get("title"), str):
        return fallback

    def text(value) -> str:  # a text, or a list of texts (a licence may be several); anything else is left out
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(v) for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool))

    people = cff.get("authors") if isinstance(cff.get("authors"), list) else []
    authors = [text(a.get("name")) or " ".join(filter(None, (text(a.get("given-names")), text(a.get("family-names")))))
               for a in people if isinstance(a, dict)]
    said = ", ".join(markup.escape(a) for a in authors if a)
    said = (f"{said}: " if said else "") + f"<cite>{markup.escape(cff['title'])}</cite>"
    said += "".join(f", {what} {markup.escape(text(cff[key]))}" for key, what in (("version", "version"),
                                                                                 ("license", "licence"))
                    if text(cff.get(key)))
    return f"Cite the software as: {said} (its <code>CITATION.cff</code>)."


def codebook_page(codebook: Codebook, doc_ids: Mapping[str, str] | None = None,
                  documents: pd.DataFrame | None = None) -> str:
    """The codebook as a page of its own: every code with its definition, when to code it
    and when not, its example quotes and its rules (``terms``, ``exclude``, ``not_with``),
    the codebook's ``scope`` if it has one, then the context attributes with their rules and exclusions; whole, wrapping, every
    value escaped (a corpus folder's codebook is data). An example quote is cited by its
    document's id where ``doc_ids`` (raw file name → id) knows the file, its file name
    kept in the citation's tooltip; by the file name otherwise. With ``documents`` (the
    run's ``documents.csv``, when the examples come from the corpus run), an example inside
    a dated entry of a diary is cited by the entry's id, as the findings cite its sentences
    ("tillit-diary/luleå", not "tillit-diary")."""
    esc = markup.escape
    doc_ids = dict(doc_ids or {})

    def cite(file: str, start: int) -> str:
        shown = documents_mod.cited_id(file, start, doc_ids, documents)
        return f'<span title="{esc(file)}">{esc(shown)}</span>' if shown else esc(file)

    def rules(title: str, items: list[str]) -> str:
        if not items:
            return ""
        return f"<dt>{title}</dt><dd>" + ", ".join(f"<code>{esc(t)}</code>" for t in items) + "</dd>"

    parts = []
    for family, heading in (("P", "Problems (family P)"), ("R", "Remedies (family R)")):
        parts.append(f"<h2>{heading}</h2>")
        for c in codebook.codes:
            if c.family != family:
                continue
            examples = "".join(f'<blockquote lang="sv">{esc(e.quote)}</blockquote><p class="cite">{cite(e.file, e.start)}, '
                               f"characters {e.start}–{e.end}</p>" for e in c.examples)
            parts.append(
                f'<section id="{esc(c.id)}"><h3><code>{esc(c.id)}</code> {esc(c.name_en)} '
                f'<span lang="sv">({esc(c.name_sv)})</span></h3><dl>'
                f"<dt>definition</dt><dd>{esc(c.definition)}</dd>"
                f"<dt>code it when</dt><dd>{esc(c.use_when)}</dd>"
                + (f"<dt>not when</dt><dd>{esc(c.not_when)}</dd>" if c.not_when else "")
                + (f"<dt>examples</dt><dd>{examples}</dd>" if examples else "")
                + rules(f"rules ({len(c.terms)})", c.terms) + rules("never counts (exclude)", c.exclude)
                + rules("cancelled by (not_with)", c.not_with) + "</dl></section>")
    if codebook.scope is not None:
        scope = codebook.scope
        exempt = ", ".join(f"<code>{esc(c)}</code>" for c in scope.except_codes)
        parts.append(f"<h2>Scope</h2><p>A document in which fewer than {scope.min_sentences} sentence(s) name "
                     f"{esc(scope.description)} (one of the rules below) gets no code"
                     + (f" but {exempt}" if exempt else "") + "; its hits are kept in <code>suppressed.csv</code>, "
                     "the reason beginning <code>scope:</code> (or naming the <code>not_with</code> rule that "
                     "cancels the hit too).</p><dl>"
                     + rules(f"rules ({len(scope.terms)})", scope.terms) + rules("never counts (exclude)", scope.exclude)
                     + "</dl>")
    parts.append("<h2>Context attributes</h2><p>Recorded for every sentence; a sentence in which no rule of an "
                 "attribute fires takes the values of the rest of its paragraph where the codebook reads that "
                 "attribute by paragraph (below), else its default value, if it has one.</p>")
    for name, values in codebook.attributes.items():
        default = codebook.attribute_defaults.get(name)
        whole = codebook.attribute_scope.get(name) == "paragraph"
        parts.append(f"<h3>{esc(name)}</h3>"
                     + ("<p>read by paragraph: a sentence naming none takes those of the rest of its paragraph</p>"
                        if whole else "")
                     + (f"<p>default: <code>{esc(default)}</code></p>" if default else "") + "<dl>")
        for value, terms in values.items():
            excluded = codebook.attribute_exclude.get(name, {}).get(value, [])
            parts.append(f"<dt><code>{esc(value)}</code></dt><dd>" + ", ".join(f"<code>{esc(t)}</code>" for t in terms)
                         + (("<br>never counts: " + ", ".join(f"<code>{esc(t)}</code>" for t in excluded))
                            if excluded else "") + "</dd>")
        parts.append("</dl>")
    skipped = ", ".join(esc(k) for k in codebook.skip_kinds) or "none"
    return CODEBOOK.format(title=esc(f"Codebook: {codebook.name}, version {codebook.version}"),
                           skipped=skipped, body="\n".join(parts),
                           names=NAMES_SKIPPED if codebook.skip_names else "")


NAMES_SKIPPED = (" Theme words inside proper names (a capitalised word that is not the first of its sentence, such as"
                 " a delegation's or an agency's name) count for no code.")


CODEBOOK = PAGE_HEAD + """h3 {{ margin-bottom: .2rem; }} dt {{ font-weight: bold; margin-top: .4rem; }}
dd {{ margin-left: 1.2rem; }}
code {{ background: #f4f4f4; padding: 0 .2rem; }} blockquote {{ margin: .3rem 0 0 1rem; font-style: italic; }}
.cite {{ margin: 0 0 .4rem 1rem; font-size: .85rem; color: #555; }} nav {{ font-size: .9rem; }}
</style></head>
<body>
<nav><a href="index.html">← Report index</a></nav>
<h1>{title}</h1>
<p>What each code means and the rules the auto-coder applies (step 2 codes with them). Rules are word
patterns matched against each word and its lemma: <code>ord</code> exactly, <code>stam*</code> a beginning,
<code>*huvud</code> an ending (a compound's head), <code>*del*</code> anywhere, several words in a row,
<code>a ~N b</code> two words at most N apart. Sentences of these kinds are not coded: {skipped}.{names}</p>
{body}
</body></html>
"""


# the folders of OUT the notebooks write figures and tables to
_WRITTEN_BY_NOTEBOOKS = (style.FIGURES_DIR, "", io.SPREADSHEET_DIR)


class ReportError(Exception):
    """A report that cannot be made; the message is one line for the user."""


def write_manifest(out: Path, recorded: Mapping[str, str | None]) -> Path:
    """Write the record of the files a report wrote in ``out`` (:func:`helpers.manifest.dumps`:
    sorted relative paths with their SHA-256, no timestamps)."""
    return manifest.write(out, recorded)


def _stamps(out: Path) -> dict[str, tuple[int, int]]:
    """The figures and tables in ``out`` (``figures/<name>``, ``<name>.csv``,
    ``spreadsheet/<name>.csv``) with their inode and time of writing: a file the notebooks
    write again is a new file (written atomically), so a stamp that differs after a run
    says the run wrote it."""
    found = {}
    for sub in _WRITTEN_BY_NOTEBOOKS:
        folder = out / sub
        if not folder.is_dir() or (sub and folder.is_symlink()):
            continue
        for path in folder.iterdir():
            rel = f"{sub}/{path.name}" if sub else path.name
            st = path.lstat()
            if stat.S_ISREG(st.st_mode) and manifest.output_file(rel):
                found[rel] = (st.st_ino, st.st_mtime_ns)
    return found


def notebook_outputs(out: Path, before: Mapping[str, tuple[int, int]]) -> list[str]:
    """The figures and tables a run's notebooks wrote in ``out``: those written since
    ``before`` (:func:`_stamps` as the run began) whose bytes are those the writer noted in
    ``out``'s journal (:func:`helpers.io.record_writes`), and the pipeline's tables it kept
    there (:func:`helpers.tables.out_files`: its cache, the run's whether or not it was
    rebuilt, while their bytes are those its stamp records: :func:`helpers.pipeline.cache_files`)
    with their stamp. A file of one's own is not among them, even one saved in ``out`` while
    the run went (``notes.csv``; a CSV file is not a run's for its name), nor a file the run
    wrote and one saved over since, nor a table edited since the pipeline wrote it."""
    now = _stamps(out)
    journal = manifest.read(out, manifest.JOURNAL) or {}
    return sorted({rel for rel, stamp in now.items() if before.get(rel) != stamp
                   and journal.get(rel) is not None and manifest.file_hash(out, rel) == journal[rel]}
                  | set(pipeline.cache_files(out)))


def linked_figures(nb: nbformat.NotebookNode) -> set[str]:
    """The names of the SVG files an executed notebook's figures name in their outputs'
    metadata (:func:`helpers.style.save`), which its pages link to when the report finds
    them in ``OUT/figures`` (:func:`saved_figures`); only compared, never a path."""
    return {str(meta["file"]) for cell in nb.cells if cell.cell_type == "code" for output in cell.get("outputs", [])
            for meta in [output.get("metadata", {}).get("image/png", {})] if isinstance(meta, dict) and meta.get("file")}


def saved_figures(out: Path) -> frozenset[str]:
    """The names of the SVG figures in ``out/figures`` (regular files, not links), which
    the pages may link to."""
    folder = out / style.FIGURES_DIR
    if not folder.is_dir() or folder.is_symlink():
        return frozenset()
    return frozenset(p.name for p in folder.iterdir() if p.suffix == ".svg" and stat.S_ISREG(p.lstat().st_mode))


def build_report(corpus: str | None = None, out: str | None = None, stream=sys.stderr,
                 engine: str = "pandas", codes: str = "auto") -> Path:
    """Execute every notebook on ``corpus`` into ``out`` and write the HTML report; the
    findings are drawn from the auto-coder's codes, or with ``codes="corrected"`` from
    the codes corrected by the corpus's review decisions (:mod:`helpers.decisions`).

    ``out`` is refused (:class:`helpers.paths.OutputFolderError`, before anything runs)
    when :func:`helpers.paths.unsafe_out` says so. The report lists the files it wrote in
    ``out/.kvalitext-manifest.json``; after a run that succeeded, the files the previous
    manifest listed and this run did not write are removed, and nothing else.
    """
    from papermill.exceptions import PapermillExecutionError

    paths.check_out(out, corpus)
    nb_paths = notebooks()
    if not nb_paths:
        raise ReportError(f"there are no notebooks (NN_name.ipynb) in {paths.NOTEBOOKS_DIR}")
    run = Run.from_params(corpus, out, engine)
    corpus_param = str(corpus) if corpus else paths.display(run.corpus)
    if not run.corpus.is_dir():  # said now, not by the first notebook's kernel seconds later
        raise corpus_mod.CorpusError(f"CORPUS={corpus_param}: no such folder. Give CORPUS= a corpus folder, one that "
                                     "holds raw/ with the texts (README: Your own corpus).")
    out_param = str(out) if out else paths.display(run.out)
    previous = manifest.read(run.out) or {}
    before = _stamps(run.out)
    pages, written = [], []
    executed: dict[str, nbformat.NotebookNode] = {}
    staged: dict[str, str | bytes] = {}  # written only once every notebook has run: never a mix of two runs
    try:
        for nb_path in nb_paths:
            t0 = time.perf_counter()
            print(f"executing {nb_path.name} ...", end=" ", file=stream, flush=True)
            try:
                nb = execute(nb_path, corpus_param, out_param, engine=engine, codes=codes)
            except PapermillExecutionError as err:
                print("failed", file=stream, flush=True)
                said = str(err.evalue).rstrip()
                said += "" if said.endswith((".", "!", "?")) else "."
                # the manifest of a run that failed before lists the tables its notebooks wrote, and no page
                kept = (" The previous report's pages are left as they were."
                        if any(rel.startswith("html/") for rel in previous) else "")
                raise ReportError(f"{nb_path.name} stopped with {err.ename}: {said}{kept}") from err
            stem = nb_path.stem
            executed[stem] = nb
            staged[f"notebooks/{nb_path.name}"] = nbformat.writes(nb) + "\n"
            pages.append((_title(nb, stem), f"{stem}.html", f"{stem}.code.html"))
            print(f"done ({time.perf_counter() - t0:.1f} s)", file=stream, flush=True)
        # each page links the notebooks before and after it, in the same edition, and the tables it names
        figures = saved_figures(run.out)
        tables = [rel for rel in notebook_outputs(run.out, before)
                  if "/" not in rel and (run.out / rel).stat().st_size <= TABLE_COPY_MAX_BYTES]
        linked: set[str] = set()
        for n, (nb, (title, reader, full)) in enumerate(zip(executed.values(), pages)):
            neighbours = (pages[n - 1] if n else None), (pages[n + 1] if n + 1 < len(pages) else None)
            for edition, page, other in ((True, reader, {"href": full, "label": "Full edition (with code)"}),
                                         (False, full, {"href": reader, "label": "Reader edition"})):
                steps = [{"href": p[1 if edition else 2], "label": p[0]} if p else None for p in neighbours]
                staged[f"html/{page}"], used = link_tables(
                    export_html(nb, reader=edition, other=other, title=title, figures=figures, previous=steps[0],
                                following=steps[1]), tables)
                linked |= used
        # the SVG files the pages link to, copied beside them as they are: html/ alone, published, keeps its links
        for name in sorted(figures & set().union(*map(linked_figures, executed.values()))):
            staged[f"html/{style.FIGURES_DIR}/{name}"] = (run.out / style.FIGURES_DIR / name).read_bytes()
        for name in sorted(linked):  # and the tables they name, likewise
            staged[f"html/{TABLES_DIR}/{name}"] = (run.out / name).read_bytes()
        # A codebook's examples are cited by the ids of the corpus they come from (the seeds,
        # for the study's codebook), when that corpus has a metadata.csv naming them.
        home = coding.examples_home(run.corpus)
        with _said_already(line for line, _ in run_warnings(executed)):
            own = pipeline.documents(run) if home.resolve() == run.corpus.resolve() else None  # its entries known
            staged[f"html/{CODEBOOK_PAGE}"] = codebook_page(coding.codebook_for(run.corpus), corpus_mod.doc_ids(home),
                                                            own)
            readers = {Path(r).stem: r for _, r, _ in pages}
            staged["html/index.html"] = index_page(pages, run, codes, brief=findings_in_brief(executed, readers))
        for rel, data in staged.items():
            (io.write_bytes if isinstance(data, bytes) else io.write_text)(run.out / rel, data)
            written.append(rel)
        written += notebook_outputs(run.out, before)
        index = run.out / "html" / "index.html"
    except BaseException:
        # The previous pages stay; the manifest still lists them, and what this run wrote: the
        # pages it got to, and the figures and tables the notebooks that ran wrote again (with
        # their new hashes: make clean would otherwise keep them as changed since).
        recorded = {**previous, **manifest.as_written(run.out, set(written) | set(notebook_outputs(run.out, before)))}
        if recorded != previous:
            write_manifest(run.out, recorded)
        raise
    manifest.finish(run.out, previous, written, "the previous report", stream)
    warned = run_warnings(executed)
    if warned:
        print(f"the notebooks warned ({len(warned)}; each once, with the notebook that first said it; "
              "the pages show where):", file=stream)
        for line, name in warned:
            print(f"  {name}: {for_terminal(line)}", file=stream)
    print(f"report: {index}", file=stream)
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", default=None, help="corpus folder (default: corpus/)")
    parser.add_argument("--out", default=None, help="output folder (default: build/)")
    parser.add_argument("--engine", default="pandas", choices=["pandas", "dask"],
                        help="compute with pandas (default) or over partitions on Dask")
    parser.add_argument("--codes", default="auto", choices=list(CODES),
                        help="draw the findings from the auto-coder's codes (default) or the reviewed, corrected ones")
    parser.add_argument("--in-place", action="store_true",
                        help="re-execute the committed notebooks with their defaults and save them")
    parser.add_argument("--debug", action="store_true",
                        help="on an error, show the full traceback instead of one line")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler()
    handler.setFormatter(_TerminalFormatter("%(levelname)s: %(message)s"))
    logging.basicConfig(level=logging.WARNING, handlers=[handler])
    try:
        if args.in_place:
            for nb_path in notebooks():
                print(f"re-executing {nb_path.name}", file=sys.stderr, flush=True)
                execute_in_place(nb_path)
            # The README shows the headline figure as the committed notebooks produced it.
            figure = paths.BUILD_DIR / style.FIGURES_DIR / f"{README_FIGURE}.png"
            io.write_bytes(paths.PROJ_ROOT / "docs" / f"{README_FIGURE}.png", figure.read_bytes())
            return 0
        build_report(args.corpus, args.out, engine=args.engine, codes=args.codes)
    except paths.OutputFolderError as err:  # a refusal: nothing ran, the message says it all
        if args.debug:
            raise
        print(f"error: {for_terminal(str(err))}", file=sys.stderr)
        return 2
    except (ReportError, corpus_mod.CorpusError, OSError) as err:
        if args.debug:
            raise
        print(f"error: {for_terminal(str(err))} (--debug, or make report DEBUG=1, shows the traceback)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
