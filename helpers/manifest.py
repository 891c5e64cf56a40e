"""What a run wrote, recorded with each file's hash, so that only that is ever removed.

A run that writes into an output folder records the files it wrote there, each with the
SHA-256 of its bytes, in that folder's manifest (:data:`MANIFEST`): ``make report`` in
``OUT/.kvalitext-manifest.json``, ``make evaluate`` in each
``OUT/evaluation/<corpus>/.kvalitext-manifest.json``. The pipeline's stamp of its cached
tables (:data:`STAMP`, ``.cache/fingerprint.json``) records the tables it wrote the same
way, so tables a notebook run by hand rebuilt are known to be a run's too. A record is
JSON, its paths relative to its folder, sorted, no timestamps (the outputs are
reproducible, so the record is too)::

    {"sha256": {"html/index.html": "<64 hex digits>", "segments.csv": "<64 hex digits>"}}

:func:`remove_unchanged` is the one remover (``make clean``, :mod:`helpers.outputs`, and a
report's removal of the previous report's stale files, :func:`helpers.report.remove_stale`):
it removes a recorded file only while its bytes still have the recorded hash. A file that
changed since (notes saved over ``coded.csv``, an edited page) is kept and named, and so is
a file whose hash is not known: a manifest of an older kvalitext (``{"files": [...]}``, a
plain list of paths) is read as paths without hashes, and a manifest written or edited by
hand makes nothing removed unless it gives the file's exact hash. Nothing is removed through
a symbolic link or outside the folder.

Standard library only: ``make clean`` runs with the system's ``python3``, without ``.venv``.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Mapping

log = logging.getLogger(__name__)

MANIFEST = ".kvalitext-manifest.json"  # a run's record of the files it wrote in its folder
STAMP = ".cache/fingerprint.json"  # the pipeline's stamp of its tables (helpers.pipeline), a record too
KEY = "sha256"  # a record's key: {path: hash}
OLD_KEY = "files"  # an older kvalitext's manifest: a list of paths, no hashes
CHANGED = "changed since the run wrote it; remove it yourself if it is yours to lose"
_SHA256 = re.compile(r"[0-9a-f]{64}")


@dataclass
class Removal:
    """What :func:`remove_unchanged` did: the files it ``removed``, those it ``changed``
    (kept: their bytes are not those recorded) and those whose hash is ``unknown`` (kept:
    an older manifest, or one written by hand, records none), paths relative to the folder."""

    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)

    def add(self, other: "Removal", under: str = "") -> None:
        """Add ``other``'s files, found in the subfolder ``under``."""
        prefix = f"{under}/" if under else ""
        self.removed += [prefix + rel for rel in other.removed]
        self.changed += [prefix + rel for rel in other.changed]
        self.unknown += [prefix + rel for rel in other.unknown]

    def said(self, folder: str | os.PathLike[str]) -> list[str]:
        """The files kept, as lines for the user: each changed file named, the files of
        unknown hash counted (a few named)."""
        lines = [f"kept {Path(folder) / rel}: {CHANGED}" for rel in self.changed]
        if self.unknown:
            shown = ", ".join(self.unknown[:5]) + (", …" if len(self.unknown) > 5 else "")
            lines.append(f"kept {len(self.unknown)} file(s) in {folder} that a manifest lists without a hash (written "
                         f"by an older kvalitext, or by hand), so they are not known to be a run's: {shown}; remove "
                         "them yourself if they are not yours (a report run again records the hashes of what it writes)")
        return lines


def _parent(folder: str | os.PathLike[str], rel: str) -> int | None:
    """An open descriptor of the folder that holds ``folder/rel`` (``rel`` a relative path
    with ``/``), reached without following a symbolic link (``folder`` itself is followed);
    ``None`` when there is none or ``rel`` has ``..``, ``.`` or an empty part."""
    parts = rel.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return None
    for part in parts[:-1]:
        try:
            sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        except OSError:  # missing, or a link
            os.close(fd)
            return None
        os.close(fd)
        fd = sub
    return fd


def _hash_at(fd: int, name: str) -> str | None:
    """The SHA-256 of the regular file ``name`` in the open folder ``fd`` (not a link)."""
    try:
        file_fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=fd)
    except OSError:
        return None
    with os.fdopen(file_fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        h = hashlib.sha256()
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
        return h.hexdigest()


def file_hash(folder: str | os.PathLike[str], rel: str) -> str | None:
    """The SHA-256 of the regular file ``folder/rel``, reached without following a link;
    ``None`` when it is missing, a link or not a regular file."""
    fd = _parent(folder, rel)
    if fd is None:
        return None
    try:
        return _hash_at(fd, rel.split("/")[-1])
    finally:
        os.close(fd)


def record(folder: str | os.PathLike[str], files: Iterable[str]) -> dict[str, str]:
    """``{path: SHA-256}`` of the ``files`` (relative to ``folder``) that are regular files
    there, sorted: what a run writes in its record once it has written them."""
    found = {rel: file_hash(folder, rel) for rel in sorted(set(files))}
    return {rel: digest for rel, digest in found.items() if digest is not None}


def dumps(recorded: Mapping[str, str | None]) -> str:
    """The text of a record (sorted, no timestamps); a path of unknown hash (``None``) is
    kept as ``null``, so it is never removed."""
    return json.dumps({KEY: {rel: recorded[rel] for rel in sorted(recorded)}}, indent=1) + "\n"


def read(folder: str | os.PathLike[str], name: str = MANIFEST) -> dict[str, str | None] | None:
    """The record ``folder/name`` as ``{path: SHA-256 or None}`` (``None``: hash unknown; an
    older manifest's plain list gives only those); ``None`` when there is no such file or it
    is not a record (not JSON, another shape: a warning says so). The record is not read
    through a link."""
    path = Path(folder) / name
    if not path.is_file() or path.is_symlink():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        log.warning("%s cannot be read (%s): nothing it lists is removed", path, err)
        return None
    if isinstance(data, dict) and isinstance(data.get(KEY), dict):
        return {rel: (digest if isinstance(digest, str) and _SHA256.fullmatch(digest) else None)
                for rel, digest in sorted(data[KEY].items())}
    if isinstance(data, dict) and isinstance(data.get(OLD_KEY), list):
        return {rel: None for rel in sorted({f for f in data[OLD_KEY] if isinstance(f, str)})}
    if name == STAMP and isinstance(data, dict):  # a stamp of an older kvalitext: it recorded no files
        return {}
    log.warning("%s is not a record of the files a run wrote: nothing it lists is removed", path)
    return None


def remove_unchanged(folder: str | os.PathLike[str], *records: Mapping[str, str | None]) -> Removal:
    """Remove each file the ``records`` list (paths relative to ``folder``, :func:`read`)
    whose bytes still have a hash recorded for it; keep, and return as changed, one whose
    bytes have none of the hashes recorded, and as unknown one no record gives a hash for.
    A path that is missing, a link, not a regular file, behind a link or outside ``folder``
    is left alone and not reported."""
    done = Removal()
    for rel in sorted({rel for recorded in records for rel in recorded}):
        known = {recorded[rel] for recorded in records if recorded.get(rel) is not None}
        fd = _parent(folder, rel)
        if fd is None:
            continue
        try:
            name = rel.split("/")[-1]
            now = _hash_at(fd, name)
            if now is None:
                continue
            if now in known:
                os.unlink(name, dir_fd=fd)
                done.removed.append(rel)
            else:
                (done.changed if known else done.unknown).append(rel)
        except FileNotFoundError:
            continue
        finally:
            os.close(fd)
    return done


def remove_record(folder: str | os.PathLike[str], name: str = MANIFEST) -> bool:
    """Remove the record ``folder/name`` (a manifest or a stamp) when it reads as one
    (:func:`read`), never through a link; whether it was removed."""
    if read(folder, name) is None:
        return False
    fd = _parent(folder, name)
    if fd is None:
        return False
    try:
        os.unlink(name.split("/")[-1], dir_fd=fd)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)
