"""Atomic, deterministic writing of outputs.

Every output is written to a temporary file in the target folder and then moved into
place with ``os.replace``, so a reader never sees a half-written file and an interrupted
run leaves the previous output intact. CSV files are UTF-8 without BOM with ``\\n`` line
ends. :func:`read_composed` reads a text settings file (YAML) composed, as the corpus's
text is read.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import tempfile
import threading
import unicodedata
from pathlib import Path

import pandas as pd

log = logging.getLogger(__name__)


def _temporaries(path: Path) -> list[Path]:
    """Temporary files :func:`write_bytes` makes for ``path`` (left behind by a process
    that was killed outright)."""
    return sorted(path.parent.glob(f".{path.name}.*.tmp"))


def remove_temporaries(path: str | os.PathLike[str]) -> list[Path]:
    """Remove what an interrupted :func:`write_bytes` of ``path`` left behind (only files
    named as it names its temporaries); returns them."""
    found = _temporaries(Path(path))
    for tmp in found:
        tmp.unlink(missing_ok=True)
    return found


@contextlib.contextmanager
def terminate_as_interrupt():
    """Within the block, SIGTERM raises ``KeyboardInterrupt`` (in the main thread), so
    that writes in progress remove their temporary files as on Ctrl-C."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, creating parent folders."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` as UTF-8 (no BOM, line ends as given) atomically."""
    return write_bytes(path, text.encode("utf-8"))


SPREADSHEET_DIR = "spreadsheet"
# A cell that starts with one of these is read as a formula by spreadsheet programs
# (CSV injection, OWASP): in the spreadsheet copy it gets a leading apostrophe.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(df: pd.DataFrame) -> pd.DataFrame:
    """A copy of a table in which every text cell that a spreadsheet program would run as a
    formula starts with an apostrophe (shown as text there); numbers are left alone."""
    out = df.copy()
    for col in out.columns:
        values = out[col]
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        risky = values.map(lambda v: isinstance(v, str) and v.startswith(FORMULA_STARTS)).astype(bool)
        if risky.any():
            out[col] = values.astype(object).where(~risky, "'" + values.astype(str))
    return out


def write_csv(path: str | os.PathLike[str], df: pd.DataFrame, spreadsheet: bool = True) -> Path:
    """Write a table as UTF-8 CSV without BOM and with ``\\n`` line ends, atomically; with
    ``spreadsheet`` also its copy for spreadsheet programs, ``spreadsheet/<name>`` beside it
    (:func:`spreadsheet_safe`: the table above stays exact)."""
    path = Path(path)
    written = write_text(path, df.to_csv(index=False, lineterminator="\n"))
    if spreadsheet:
        write_text(path.parent / SPREADSHEET_DIR / path.name,
                   spreadsheet_safe(df).to_csv(index=False, lineterminator="\n"))
    return written


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv`, keeping empty strings as empty strings."""
    return pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[], dtype=str)


def read_composed(path: str | os.PathLike[str], shown: str) -> str:
    """The UTF-8 text of a settings file (``study.yaml``, ``boilerplate.yaml``), composed
    (NFC) as the corpus's text is, so that what it names matches the text; a warning naming
    it (``shown``) when some of it was written decomposed (NFD, as some editors on macOS
    save), and a ``UnicodeDecodeError`` when it is not UTF-8."""
    text = Path(path).read_text(encoding="utf-8")
    if unicodedata.is_normalized("NFC", text):
        return text
    composed = unicodedata.normalize("NFC", text)
    lines = sum(a != b for a, b in zip(text.splitlines(), composed.splitlines()))
    log.warning("%s: %d line(s) written decomposed (NFD); read composed (NFC), as the corpus's text is. Save the "
                "file as NFC to silence this.", shown, lines)
    return composed
