"""Test setup: keep Jupyter/matplotlib state out of $HOME and make fixtures."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# the benchmark's corpus reader and synthetic corpus (benchmarks/ is not part of the package)
sys.path.insert(0, str(ROOT / "benchmarks"))
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
def real_corpus_slice():
    """The first 1 % of the real benchmark corpus (documents ``file, doc_id, text``), or
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
