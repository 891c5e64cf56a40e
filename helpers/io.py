"""Atomic, deterministic writing of outputs.

Every output is written to a temporary file in the target folder and then moved into
place with ``os.replace``, so a reader never sees a half-written file and an interrupted
run leaves the previous output intact. CSV files are UTF-8 without BOM with ``\\n`` line
ends.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pandas as pd


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


def write_csv(path: str | os.PathLike[str], df: pd.DataFrame) -> Path:
    """Write a table as UTF-8 CSV without BOM and with ``\\n`` line ends, atomically."""
    return write_text(path, df.to_csv(index=False, lineterminator="\n"))


def read_csv(path: str | os.PathLike[str]) -> pd.DataFrame:
    """Read a CSV written by :func:`write_csv`, keeping empty strings as empty strings."""
    return pd.read_csv(path, encoding="utf-8", keep_default_na=False, na_values=[], dtype=str)
