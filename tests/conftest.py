"""Test setup: keep Jupyter/matplotlib state out of $HOME and make fixtures."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import pandas as pd
import pytest

if TYPE_CHECKING:
    from helpers.coding import Codebook

ROOT = Path(__file__).resolve().parents[1]
# the benchmark's corpus reader and synthetic corpus (benchmarks/ is not part of the package)
sys.path.insert(0, str(ROOT / "benchmarks"))
# the maintainers' scripts of tools/ (not part of the package either), imported by their tests by name
sys.path.insert(0, str(ROOT / "tools"))
VAR = ROOT / ".venv" / "var"
# The Makefile exports these; set them too when pytest is run directly.
os.environ.setdefault("MPLCONFIGDIR", str(VAR / "matplotlib"))
os.environ.setdefault("IPYTHONDIR", str(VAR / "ipython"))
os.environ.setdefault("JUPYTER_RUNTIME_DIR", str(VAR / "jupyter-runtime"))
os.environ.setdefault("JUPYTER_PLATFORM_DIRS", "1")
os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")
os.environ.setdefault("PYTHONHASHSEED", "0")

# The benchmark corpus is not part of the package: next to the project as ../shared/bench
# (as on the team's machines), or wherever KVALITEXT_BENCH_CORPUS points.
REAL_CORPUS = Path(os.environ["KVALITEXT_BENCH_CORPUS"]) if os.environ.get("KVALITEXT_BENCH_CORPUS") \
    else ROOT.parent / "shared" / "bench" / "riksdagen-interpellations.jsonl.gz"


@pytest.fixture(scope="session")
def real_corpus_file() -> Path:
    """The real benchmark corpus's file; the test skips, saying why, when it is not on this
    machine."""
    if not REAL_CORPUS.exists():
        pytest.skip(f"the real benchmark corpus is not here ({REAL_CORPUS}); set KVALITEXT_BENCH_CORPUS")
    return REAL_CORPUS


@pytest.fixture(scope="session")
def real_corpus_slice():
    """The first 1% of the real benchmark corpus (documents ``file, doc_id, text``), or
    the share ``KVALITEXT_BENCH_FRACTION`` gives (``1`` for all of it); the test skips,
    saying why, when the corpus is not on this machine."""
    if not REAL_CORPUS.exists():
        pytest.skip(f"the real benchmark corpus is not here ({REAL_CORPUS}); set KVALITEXT_BENCH_CORPUS")
    from jsonl_corpus import read_jsonl_corpus

    return read_jsonl_corpus(REAL_CORPUS, float(os.environ.get("KVALITEXT_BENCH_FRACTION", "0.01")))


def make_corpus(root: Path, texts: dict[str, str | bytes], metadata: str | None = None) -> Path:
    """A corpus folder under ``root`` with ``raw/<name>`` files and optional metadata."""
    raw = root / "raw"
    raw.mkdir(parents=True)
    for name, text in texts.items():
        (raw / name).write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    if metadata is not None:
        (root / "metadata.csv").write_text(metadata, encoding="utf-8")
    return root


@pytest.fixture
def corpus_factory(tmp_path):
    def make(texts, metadata=None, name="mycorpus"):
        return make_corpus(tmp_path / name, texts, metadata)
    return make


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium (Debian's package) driven by Playwright, no browser download. On a
    machine without it the test skips and says why; in CI (``.ci/run`` installs it and sets
    ``KVALITEXT_REQUIRE_BROWSER=1``) it is required."""
    if CHROMIUM is None:
        if os.environ.get("KVALITEXT_REQUIRE_BROWSER") == "1":
            pytest.fail("Chromium is required here (KVALITEXT_REQUIRE_BROWSER=1) but not installed: "
                        "apt-get install -y chromium")
        pytest.skip("Chromium is not installed (apt-get install -y chromium): the pages were not "
                    "rendered in a browser")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def own_corpus_report(tmp_path_factory):
    """`make report CORPUS=<dir> OUT=<dir>` on a corpus of our own, without metadata or
    reference codings: ``(out, index)``. Built once and shared by the report tests."""
    from helpers import report

    root = tmp_path_factory.mktemp("own")
    raw = root / "corpus" / "raw"
    raw.mkdir(parents=True)
    (raw / "a.txt").write_text(
        "Detaljstyrningen tar tid <script>alert(1)</script> & dokumentationen växer.\n\n"
        "Vi behöver tillit och dialog.\n\nMest läst\n", encoding="utf-8")
    (raw / "b.txt").write_text("Socialsekreterarna slutar; personalomsättningen är hög.\n", encoding="utf-8")
    out = root / "out"
    index = report.build_report(str(root / "corpus"), str(out))
    return out, index


# --------------------------------------------------------------------------- findings' data
# Shared by the tests of findings, figures, words and drilldown.


class Toy(NamedTuple):
    """Hand-made tables with answers worked out by hand in the tests' comments."""

    coded: pd.DataFrame
    segments: pd.DataFrame
    documents: pd.DataFrame
    codebook: Codebook


TOY_SEGMENT_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "text", "tokens", "sector", "actors"]


@pytest.fixture
def toy() -> Toy:
    """Two documents, five codes (two problems, three remedies), nine coded rows."""
    from helpers.coding import Code, Codebook

    def code(cid: str, family: str, name: str) -> Code:
        return Code(id=cid, family=family, name_sv=name, name_en=name, colour="#000000",
                    definition="d", use_when="u", terms=["x"])

    # R_THREE is never coded: its lift cannot be computed and its counts are all zero.
    codebook = Codebook(name="toy", version=1, codes=[
        code("P_ONE", "P", "problem one"), code("P_TWO", "P", "problem two"),
        code("R_ONE", "R", "remedy one"), code("R_TWO", "R", "remedy two"),
        code("R_THREE", "R", "remedy three"),
    ])
    # Two documents: d1 (a.txt, 50 words, paragraphs 0 and 1) and d2 (b.txt, 60 words).
    segments = pd.DataFrame([
        ("a.txt", "d1", 0, 0, 0, 40, "Första meningen.", 10, "school", ""),                      # s1
        ("a.txt", "d1", 0, 1, 50, 110, "Andra meningen.", 20, "school; social_services", ""),    # s2
        ("a.txt", "d1", 1, 0, 120, 150, "<script>alert(1)</script> & co", 10, "general", ""),   # s3
        ("a.txt", "d1", 1, 1, 160, 190, "Fjärde meningen.", 10, "general", ""),                 # s6
        ("b.txt", "d2", 0, 0, 0, 80, "Femte meningen.", 30, "social_services", ""),             # s4
        ("b.txt", "d2", 1, 0, 100, 180, "Sjätte meningen.", 30, "general", ""),                 # s5
    ], columns=TOY_SEGMENT_COLUMNS)

    def row(file, doc, par, sen, start, end, code, rules="x", matched="x"):
        return {"file": file, "doc_id": doc, "paragraph": par, "sentence": sen, "start": start,
                "end": end, "code": code, "rules": rules, "matched": matched}

    coded = pd.DataFrame([
        row("a.txt", "d1", 0, 0, 0, 40, "P_ONE", "a; b", "x; y"),    # s1: P_ONE, R_ONE
        row("a.txt", "d1", 0, 0, 0, 40, "R_ONE"),
        row("a.txt", "d1", 0, 1, 50, 110, "P_ONE", "a; b", "x; y"),  # s2: P_ONE
        row("a.txt", "d1", 1, 0, 120, 150, "R_ONE"),                 # s3: R_ONE, R_TWO
        row("a.txt", "d1", 1, 0, 120, 150, "R_TWO"),
        row("a.txt", "d1", 1, 1, 160, 190, "P_ONE"),                 # s6: P_ONE
        row("b.txt", "d2", 0, 0, 0, 80, "P_TWO"),                    # s4: P_TWO, R_ONE
        row("b.txt", "d2", 0, 0, 0, 80, "R_ONE"),
        row("b.txt", "d2", 1, 0, 100, 180, "P_ONE", "a", "x"),       # s5: P_ONE
    ])
    # "p" is a file-level parent row without segments of its own: it must not appear.
    documents = pd.DataFrame([
        {"doc_id": "d1", "file": "a.txt", "parent": "", "date": "2016-12-21", "date_precision": "day",
         "date_inferred": "false", "voice": "consultants", "genre": "blog"},
        {"doc_id": "d2", "file": "b.txt", "parent": "", "date": "2015", "date_precision": "year",
         "date_inferred": "true", "voice": "", "genre": "blog"},
        {"doc_id": "p", "file": "c.txt", "parent": "", "date": "2016-10-10/2017-04-21",
         "date_precision": "interval", "date_inferred": "true", "voice": "other", "genre": "diary"},
    ])
    return Toy(coded, segments, documents, codebook)


@pytest.fixture(scope="session")
def seed_tables(tmp_path_factory) -> dict:
    """The seed corpus's tables (built once into a temporary folder), its codebook and its
    raw texts by file name."""
    from helpers import coding, pipeline
    from helpers import corpus as corpus_mod

    run = pipeline.Run.from_params("corpus", tmp_path_factory.mktemp("seed-out"))
    segments, _ = pipeline.segments(run)
    return {"segments": segments, "coded": pipeline.coded(run), "documents": pipeline.documents(run),
            "tokens": pipeline.tokens(run), "codebook": coding.codebook_for(run.corpus),
            "raw": corpus_mod.read_raw_texts(run.corpus)}


# A researcher's own codebook of one problem and one remedy, without attributes
MIN_CODEBOOK = """\
name: Ramtid i hemtjänsten
version: 1
codes:
  - id: R_FRAMETIME
    family: R
    name_sv: ramtid
    name_en: frame time in home care
    colour: "#117733"
    definition: Home-care time given as a frame instead of minutes per task.
    use_when: The text describes ramtid.
    terms: ["*ramtid*"]
  - id: P_MINUTES
    family: P
    name_sv: minutstyrning
    name_en: steering by the minute
    colour: "#882255"
    definition: Work steered by minutes per task.
    use_when: The text describes minute schedules.
    terms: ["*minutstyr*", "minuter"]
"""


@pytest.fixture(scope="session")
def messy_corpus_report(tmp_path_factory):
    """`make report` on a messy corpus of a researcher's own, as a review found one: a
    two-code codebook, a file in cp1252, one with a byte-order mark, an empty file, a file
    skipped whose name holds terminal commands, no metadata and no reference codings:
    ``(out, index, what the run printed)``."""
    import io as io_mod

    from helpers import report

    root = tmp_path_factory.mktemp("messy")
    corpus = root / "corpus"
    raw = corpus / "raw"
    raw.mkdir(parents=True)
    (corpus / "codebook.yaml").write_text(MIN_CODEBOOK, encoding="utf-8")
    (raw / "bom.txt").write_bytes("\ufeffMed ramtid slipper vi minuter per insats.\n\n"
                                  "Minutstyrningen tar tid från brukarna.\n".encode("utf-8"))
    (raw / "ansi.txt").write_bytes("Hemtjänsten i Storbacka får ramtid; minuter räknas inte längre.\n\n"
                                   "Personalen är nöjd med ramtiden.\n".encode("cp1252"))
    (raw / "tom.txt").write_bytes(b"")
    (raw / "plain.txt").write_text("Ramtid och minuter i samma stycke.\n\nEtt stycke om annat.\n", encoding="utf-8")
    # a name whose terminal commands would clear the screen and pose as the run's own line (skipped: not .txt)
    (raw / "notes\x1b[2J\x1b[H\x1b[32mreport: all read\x1b[0m.md").write_text("Anteckningar.\n", encoding="utf-8")
    out = root / "out"
    printed = io_mod.StringIO()
    index = report.build_report(str(corpus), str(out), stream=printed)
    return out, index, printed.getvalue()
