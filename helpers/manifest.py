"""What a run wrote, recorded with each file's hash, so that only that is ever removed.

A run that writes into an output folder records the files it wrote there, each with the
SHA-256 of its bytes, in that folder's manifest (:data:`MANIFEST`): ``make report`` in
``OUT/.kvalitext-manifest.json``, ``make evaluate`` in each
``OUT/evaluation/<corpus>/.kvalitext-manifest.json``. The pipeline's stamp of its cached
tables (:data:`STAMP`, ``.cache/fingerprint.json``) records the tables it wrote the same
way, so tables a notebook run by hand rebuilt are known to be a run's too; and the writer
notes each file a run writes in its folder, with the hash of the bytes it writes, in the
folder's journal (:data:`JOURNAL`, :func:`noting`, :func:`helpers.io.record_writes`) and puts
the file in place under the folder's lock (:func:`journal_locked`, which ``make clean`` holds
too while it reads the records and removes), so a run's record holds what the run wrote and
nothing else (never a file for its name alone), and what a run that stopped early wrote is
still known. A record is
JSON, its paths relative to its folder, sorted, no timestamps (the outputs are
reproducible, so the record is too)::

    {"sha256": {"html/index.html": "<64 hex digits>", "segments.csv": "<64 hex digits>"}}

:func:`remove_unchanged` is the one remover (``make clean``, :mod:`helpers.outputs`, and a
report's removal of the previous report's stale files, :func:`remove_stale`, which ``make evaluate`` uses too;
both under the folder's journal lock):
it removes a recorded file only while its bytes still have the recorded hash, checked on the
file it removes (renamed aside in its folder, hashed again, then unlinked or put back: a file
saved over in between is kept; left aside as ``.NAME.<hex>.kept``, and named, when another file
took the name meanwhile). A file that
changed since (notes saved over ``coded.csv``, an edited page) is kept and named, and so is
a file whose hash is not known: a manifest of an older kvalitext (``{"files": [...]}``, a
plain list of paths) is read as paths without hashes, and a manifest written or edited by
hand makes nothing removed unless it gives the file's exact hash. Nothing is removed through
a symbolic link or outside the folder, and only a file of a form a run writes
(:func:`output_file`: a report's pages, notebook copies, figures, tables and QDA exports,
the pipeline's tables and ``make evaluate``'s, the stamp), never one under a ``review/``
folder, whatever a record lists. A record is never read through a symbolic link (nor a
stamp through a linked ``.cache``), and a listed path that cannot name a file (a NUL byte,
a lone surrogate) is dropped with a warning.

Standard library only (with :mod:`helpers.paths`, which is too): ``make clean`` runs with the
system's ``python3``, without ``.venv``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import secrets
import stat
import sys
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Collection, Iterable, Iterator, Mapping, TextIO

from . import paths  # standard library only too

try:
    import fcntl  # POSIX: the journal's updates are locked (journal_locked)
except ImportError:  # pragma: no cover - Windows: unlocked, as before
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

MANIFEST = ".kvalitext-manifest.json"  # a run's record of the files it wrote in its folder
STAMP = ".cache/fingerprint.json"  # the pipeline's stamp of its tables (helpers.pipeline), a record too
JOURNAL = ".kvalitext-written.json"  # each file a run wrote in its folder, noted before the file is put in place
PATIENCE = 2.0  # seconds a writer waits for a folder's journal lock before it says whom it waits for (journal_locked)
KEY = "sha256"  # a record's key: {path: hash}
OLD_KEY = "files"  # an older kvalitext's manifest: a list of paths, no hashes
CHANGED = "changed since the run wrote it; remove it yourself if it is yours to lose"
_SHA256 = re.compile(r"[0-9a-f]{64}")
FIGURES_DIR = "figures"  # helpers.style.FIGURES_DIR (a test checks they agree; style needs matplotlib)
SPREADSHEET_DIR = "spreadsheet"  # helpers.io.SPREADSHEET_DIR (the same)
TABLES_DIR = "data"  # inside html/: the report's copies of the tables its pages name (helpers.report.link_tables)
REVIEW_DIR = paths.REVIEW_DIR  # make review's folder, never removed
# what a run writes: a report's pages (with copies of its SVG figures), copies of notebooks, figures, tables with
# their spreadsheet copies (the pipeline's tables and make evaluate's are tables too), notebook 05's QDA exports
# (project.qdpx, codebook.qdc)
_OUTPUT_FILE = re.compile(rf"(html/[^/\\]+\.html|html/{FIGURES_DIR}/[^/\\]+\.svg|html/{TABLES_DIR}/[^/\\]+\.(csv|qdpx|qdc)"
                          rf"|notebooks/[^/\\]+\.ipynb"
                          rf"|{FIGURES_DIR}/[^/\\]+\.(svg|png)"
                          rf"|({SPREADSHEET_DIR}/)?[^/\\]+\.csv|[^/\\]+\.(qdpx|qdc))")


def output_file(rel: str) -> bool:
    """Whether ``rel`` (relative to a run's folder) is of a form a run writes there, so that
    a record listing it may have it removed: a report's page (``html/*.html``), its
    figures' copies (``html/figures/*.svg``) and its tables' (``html/data/*.csv``, ``*.qdpx``, ``*.qdc``), notebook copy
    (``notebooks/*.ipynb``), figure (``figures/*.svg``, ``*.png``), table (``*.csv``, the
    pipeline's and ``make evaluate``'s among them) or its copy (``spreadsheet/*.csv``), QDA
    export (``*.qdpx``, ``*.qdc``), or the pipeline's stamp (:data:`STAMP`); never a file
    under a ``review/`` folder."""
    if REVIEW_DIR in rel.split("/"):  # a guard: no form below names review/, and none may come to
        return False
    return rel == STAMP or bool(_OUTPUT_FILE.fullmatch(rel))


@dataclass
class Removal:
    """What :func:`remove_unchanged` did: the files it ``removed``, those it ``changed``
    (kept: their bytes are not those recorded) and those whose hash is ``unknown`` (kept:
    an older manifest, or one written by hand, records none), paths relative to the folder;
    ``aside``: a changed file left under the hidden name it was set aside as
    (``.NAME.<hex>.kept`` beside it, :func:`_unlink_if`), because another file took its name
    meanwhile, by its path; ``leftover``: such files found in the folder that an earlier
    removal left (stopped by Ctrl-C between the setting aside and the removal or the putting
    back, or one it named), each with the path it was set aside from (:func:`set_aside`)."""

    removed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    aside: dict[str, str] = field(default_factory=dict)
    leftover: dict[str, str] = field(default_factory=dict)

    def add(self, other: "Removal", under: str = "") -> None:
        """Add ``other``'s files, found in the subfolder ``under`` (what
        :func:`remove_unchanged` did there; ``leftover`` is looked for once, over the whole
        folder, afterwards: :meth:`find_leftovers`)."""
        prefix = f"{under}/" if under else ""
        self.removed += [prefix + rel for rel in other.removed]
        self.changed += [prefix + rel for rel in other.changed]
        self.unknown += [prefix + rel for rel in other.unknown]
        self.aside |= {prefix + rel: prefix + kept for rel, kept in other.aside.items()}

    def find_leftovers(self, folder: str | os.PathLike[str], under: str = "", skip: Collection[str] = ()) -> None:
        """Add to ``leftover`` each file set aside earlier under ``folder`` that is still
        there (:func:`set_aside`, not under the subfolders ``skip``) and is not one this
        removal set aside itself; ``folder`` is the subfolder ``under`` of the folder the
        removal's paths are relative to (as in :meth:`add`)."""
        prefix = f"{under}/" if under else ""
        mine = set(self.aside.values())
        self.leftover |= {prefix + kept: prefix + rel for kept, rel in set_aside(folder, skip).items()
                          if prefix + kept not in mine}

    def said(self, folder: str | os.PathLike[str]) -> list[str]:
        """The files kept, as lines for the user: each changed file named (one left set
        aside under a hidden name by that name, and the name it had), the files of unknown
        hash counted (a few named)."""
        lines = [f"kept {Path(folder) / rel}: {CHANGED}" if rel not in self.aside else
                 f"kept {Path(folder) / self.aside[rel]}, set aside from {rel} while another file was saved at that "
                 f"name (kept too): {CHANGED}; give it its name back if it is yours" for rel in self.changed]
        if self.unknown:
            shown = ", ".join(self.unknown[:5]) + (", …" if len(self.unknown) > 5 else "")
            lines.append(f"kept {len(self.unknown)} file(s) in {folder} that a manifest lists without a hash (written "
                         f"by an older kvalitext, or by hand), so they are not known to be a run's: {shown}; remove "
                         "them yourself if they are not yours (a report run again records the hashes of what it writes)")
        for kept, rel in sorted(self.leftover.items()):
            taken = os.path.lexists(Path(folder) / rel)
            lines.append(f"kept {Path(folder) / kept}, set aside from {rel} by an earlier make clean or run that was "
                         "stopped (Ctrl-C) before it removed it or put it back, or that found another file saved at "
                         "that name; it may be yours and is never removed: "
                         + (f"{rel} is there again, so compare the two, keep yours under that name and delete the "
                            "other" if taken else f"rename it back to {rel} if it is yours, or delete it"))
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
    except (OSError, ValueError):  # ValueError: a NUL byte or a lone surrogate in the path
        return None
    for part in parts[:-1]:
        try:
            sub = os.open(part, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=fd)
        except (OSError, ValueError):  # missing, a link, or no file's name
            os.close(fd)
            return None
        os.close(fd)
        fd = sub
    return fd


def _bytes_at(fd: int, name: str, hashed: bool) -> str | bytes | None:
    """The bytes (or, ``hashed``, their SHA-256) of the regular file ``name`` in the open
    folder ``fd``, not read through a link; ``None`` when there is no such file."""
    try:
        file_fd = os.open(name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=fd)
    except (OSError, ValueError):
        return None
    with os.fdopen(file_fd, "rb") as fh:
        if not stat.S_ISREG(os.fstat(fh.fileno()).st_mode):
            return None
        if not hashed:
            return fh.read()
        h = hashlib.sha256()
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
        return h.hexdigest()


def _hash_at(fd: int, name: str) -> str | None:
    """The SHA-256 of the regular file ``name`` in the open folder ``fd`` (not a link)."""
    found = _bytes_at(fd, name, hashed=True)
    return found if isinstance(found, str) else None


def _read_bytes(folder: str | os.PathLike[str], rel: str) -> bytes | None:
    """The bytes of the regular file ``folder/rel``, reached without following a link (nor
    a linked folder on the way: a ``.cache`` that is a link is not read through)."""
    fd = _parent(folder, rel)
    if fd is None:
        return None
    try:
        found = _bytes_at(fd, rel.split("/")[-1], hashed=False)
        return found if isinstance(found, bytes) else None
    finally:
        os.close(fd)


def _nameable(rel: str) -> bool:
    """Whether ``rel`` can name a file: no NUL byte, no lone surrogate (which a path
    cannot be encoded with)."""
    if "\x00" in rel:
        return False
    try:
        rel.encode("utf-8")
    except UnicodeError:
        return False
    return True


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


def as_written(folder: str | os.PathLike[str], files: Iterable[str]) -> dict[str, str]:
    """``{path: SHA-256}`` of the ``files`` (relative to ``folder``) a run wrote there, sorted:
    each with the hash of the bytes the writer put there, as its note in the folder's
    journal gives it (:func:`noting`: taken at write time, so a page edited while the run
    goes on is recorded as the run wrote it, and ``make clean`` keeps the edit as changed
    since), and a file the writer did not note (the pipeline's tables a run kept from an
    earlier one, checked against its stamp) with the hash of its bytes now
    (:func:`record`). A file no longer there is left out, as :func:`record` does."""
    journal = read(folder, JOURNAL) or {}
    now = record(folder, files)
    return {rel: journal.get(rel) or digest for rel, digest in now.items()}


def dumps(recorded: Mapping[str, str | None]) -> str:
    """The text of a record (sorted, no timestamps); a path of unknown hash (``None``) is
    kept as ``null``, so it is never removed."""
    return json.dumps({KEY: {rel: recorded[rel] for rel in sorted(recorded)}}, indent=1) + "\n"


def read(folder: str | os.PathLike[str], name: str = MANIFEST) -> dict[str, str | None] | None:
    """The record ``folder/name`` as ``{path: SHA-256 or None}`` (``None``: hash unknown; an
    older manifest's plain list gives only those); ``None`` when there is no such file or it
    is not a record (not JSON, another shape: a warning says so). The record is not read
    through a link, nor through a folder on its way that is one (a ``.cache`` linked
    elsewhere: no record is read from outside ``folder``). A listed path that cannot name a
    file (a NUL byte, a lone surrogate) is dropped, with one warning naming the record."""
    return read_with_data(folder, name)[0]


def read_with_data(folder: str | os.PathLike[str],
                   name: str = MANIFEST) -> tuple[dict[str, str | None] | None, dict | None]:
    """:func:`read`'s record and the whole JSON object it was read from (``None`` when there
    is none: no file, not JSON, not an object), from one reading of the file: the pipeline's
    stamp holds its fingerprint beside its record."""
    path = Path(folder) / name
    raw = _read_bytes(folder, name)
    if raw is None:
        return None, None
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as err:
        log.warning("%s cannot be read (%s): nothing it lists is removed", path, err)
        return None, None
    whole = data if isinstance(data, dict) else None
    found: dict[str, str | None] | None = None
    if isinstance(data, dict) and isinstance(data.get(KEY), dict):
        found = {rel: (digest if isinstance(digest, str) and _SHA256.fullmatch(digest) else None)
                 for rel, digest in sorted(data[KEY].items())}
    elif isinstance(data, dict) and isinstance(data.get(OLD_KEY), list):
        found = {rel: None for rel in sorted({f for f in data[OLD_KEY] if isinstance(f, str)})}
    if found is not None:
        dropped = [rel for rel in found if not _nameable(rel)]
        if dropped:
            log.warning("%s lists %d path(s) that cannot name a file (a NUL byte or a lone surrogate): they are "
                        "ignored, nothing is removed for them", path, len(dropped))
        return {rel: digest for rel, digest in found.items() if rel not in set(dropped)}, whole
    if name == STAMP and isinstance(data, dict):  # a stamp of an older kvalitext: it recorded no files
        return {}, whole
    log.warning("%s is not a record of the files a run wrote: nothing it lists is removed", path)
    return None, whole


def _write_record(folder: str | os.PathLike[str], name: str, recorded: Mapping[str, str | None]) -> None:
    """Write the record ``folder/name`` (:func:`dumps`) atomically: a temporary file in
    ``folder``, then renamed into place (a link at ``name`` is replaced, not followed)."""
    fd, tmp = tempfile.mkstemp(prefix=f"{name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(dumps(recorded))
        os.chmod(tmp, 0o644)
        os.replace(tmp, Path(folder) / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def noting(folder: str | os.PathLike[str], rel: str, digest: str, new: bool = True) -> Iterator[None]:
    """Note in ``folder``'s journal (:data:`JOURNAL`, a record) that a run is putting bytes
    of SHA-256 ``digest`` at ``folder/rel``, and hold the journal's lock (:func:`journal_locked`)
    while the caller puts the file in place: the writer (:func:`helpers.io.write_bytes`)
    renames its finished temporary file to ``rel`` inside, so a file a run wrote is known as
    the run's with the bytes it wrote, even when the run stops before it writes its
    manifest, and ``make clean`` (which holds the same lock while it reads the journal and
    removes) sees the note and the file together or neither. Only a file of a form a run
    writes (:func:`output_file`) is noted (the lock is held all the same); the newest note
    for a path replaces an older one (the manifest keeps the hash of the run before).

    Not ``new`` (a write that is not recorded, ``make suggest``'s: its table stays unnoted,
    kept as a researcher's), no note is added, but a note the path already has takes
    ``digest``: the journal never keeps a hash that the file no longer has because of our
    own write (the tables ``make suggest`` rebuilt over those a notebook run by hand had
    noted: a report that kept them from the cache recorded the old hashes,
    :func:`as_written`, and ``make clean`` then named them as changed since)."""
    with journal_locked(folder):
        if output_file(rel):
            journal = read(folder, JOURNAL) or {}
            if (new or rel in journal) and journal.get(rel) != digest:
                _write_record(folder, JOURNAL, {**journal, rel: digest})
        yield


@contextlib.contextmanager
def journal_locked(folder: str | os.PathLike[str], patience: float | None = None) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock`` on the folder itself: no lock file is
    left in an output folder) while its journal is read, changed and written again, or a
    file noted there is put in place (:func:`noting`), or ``make clean`` reads the folder's
    records, removes what they list and removes them (:func:`helpers.outputs.clean`), or a
    run that succeeded removes its previous run's stale files and writes its manifest
    (:func:`finish`, :func:`remove_stale`): so two
    writers in one folder (two threads, or a notebook run by hand beside a report) do not
    drop each other's notes, and ``make clean`` neither drops a note a run is adding nor
    sees a note without its file. One who holds it makes the others wait (a writer holds it
    for one note and one rename). Not re-entrant: a second lock of the same folder within it
    waits for ever. Where the lock cannot be taken (no ``fcntl``, a file system refusing it)
    the work goes on unlocked: a dropped note keeps a file, never removes one.

    Nobody waits in silence for a holder that was stopped (Ctrl-Z) while it held the lock:
    one who has waited ``patience`` seconds (default :data:`PATIENCE`) says on stderr whom
    it waits for, and waits on (``make clean`` says it at once; a writer after two seconds, while a
    holder in a run that goes on holds the lock for milliseconds: a run's own threads
    never say it, and a notebook's output does not depend on how they met)."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except (OSError, ValueError):
        fd = None
    try:
        if fd is not None and fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                _wait_for_lock(fd, folder, PATIENCE if patience is None else patience)
            except OSError:
                pass
        yield
    finally:
        if fd is not None:
            os.close(fd)  # releases the lock


def _wait_for_lock(fd: int, folder: str | os.PathLike[str], patience: float) -> None:
    """Wait for the lock on ``fd`` (``folder``'s), saying so once ``patience`` seconds have
    passed (:func:`_say_waiting`, from a timer: the wait itself is one blocking call)."""
    timer = None
    if patience <= 0:
        _say_waiting(folder)  # at once, before the wait (make clean)
    else:
        timer = threading.Timer(patience, _say_waiting, (folder,))
        timer.daemon = True
        timer.start()
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
    except OSError:
        pass  # a file system refusing it: unlocked, as above
    finally:
        if timer is not None:
            timer.cancel()


def _say_waiting(folder: str | os.PathLike[str]) -> None:
    with contextlib.suppress(OSError, ValueError):  # stderr closed or a broken pipe: the wait goes on all the same
        print(f"waiting for {folder}: another run (a report, a notebook, make evaluate or make suggest) or make "
              "clean is writing there; if none is running (one stopped with Ctrl-Z still holds the folder), end it "
              "(fg, then Ctrl-C) or stop this with Ctrl-C", file=sys.stderr, flush=True)


def write(folder: str | os.PathLike[str], recorded: Mapping[str, str | None], name: str = MANIFEST) -> Path:
    """Write the record ``folder/name`` (a run's manifest, :func:`dumps`) atomically; the
    notes of the journal (:func:`noting`) it now records with the same hash are dropped from
    the journal (removed when none is left): those that remain are files a run wrote that
    no manifest records (a notebook run by hand, a run that stopped), still known as a
    run's to ``make clean``. Both under the journal's lock (:func:`journal_locked`), so
    ``make clean`` reads the two as one."""
    with journal_locked(folder):
        return _write_taking_notes(folder, recorded, name)


def _write_taking_notes(folder: str | os.PathLike[str], recorded: Mapping[str, str | None], name: str) -> Path:
    """:func:`write`'s work, for a caller that holds the journal's lock."""
    _write_record(folder, name, recorded)
    journal = read(folder, JOURNAL)
    if journal:
        left = {rel: digest for rel, digest in journal.items() if recorded.get(rel) != digest}
        if not left:
            remove_record(folder, JOURNAL)
        elif left != journal:
            _write_record(folder, JOURNAL, left)
    return Path(folder) / name


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
            if now not in known:
                (done.changed if known else done.unknown).append(rel)
                continue
            removed, aside = _unlink_if(fd, name, known)
            if removed:
                done.removed.append(rel)
            else:  # saved over between the check and the removal: kept
                done.changed.append(rel)
                if aside is not None:  # and left set aside: another file took its name
                    done.aside[rel] = "/".join([*rel.split("/")[:-1], aside])
        except (FileNotFoundError, ValueError):  # gone since, or no file's name
            continue
        finally:
            os.close(fd)
    return done


def _unlink_if(fd: int, name: str, known: set[str]) -> tuple[bool, str | None]:
    """Remove the file ``name`` of the open folder ``fd`` if its bytes have one of the
    hashes ``known``, checked on the very file that is removed: it is first renamed aside in
    its folder (a name no writer uses), hashed there, and removed only if it still has a
    known hash; a file saved over ``name`` between a check and the removal (an editor's save
    replaces the file) is hashed as the one renamed and put back. Whether it was removed,
    and the name it was left under when it was not put back. Put back with a link, so a
    file saved at ``name`` meanwhile is never overwritten; the one set aside then keeps its
    name aside (``.NAME.<random>.kept``), and is not removed. (A run stopped between the
    setting aside and the putting back, Ctrl-C, leaves it under that name too.)"""
    aside = f".{name}.{secrets.token_hex(4)}.kept"
    os.rename(name, aside, src_dir_fd=fd, dst_dir_fd=fd)  # FileNotFoundError: gone since
    if _hash_at(fd, aside) in known:
        os.unlink(aside, dir_fd=fd)
        return True, None
    try:
        os.link(aside, name, src_dir_fd=fd, dst_dir_fd=fd, follow_symlinks=False)
    except FileExistsError:  # a file was saved at the name meanwhile: both are kept
        return False, aside
    except OSError:  # a file system without hard links: renamed back, unless the name was taken meanwhile
        if _hash_at(fd, name) is None and not _exists_at(fd, name):
            os.rename(aside, name, src_dir_fd=fd, dst_dir_fd=fd)
            return False, None
        return False, aside
    os.unlink(aside, dir_fd=fd)
    return False, None


# the name _unlink_if sets a file aside under in its folder: .NAME.<8 hex digits>.kept
_SET_ASIDE = re.compile(r"\.(?P<name>.+)\.[0-9a-f]{8}\.kept")


def set_aside(folder: str | os.PathLike[str], skip: Collection[str] = ()) -> dict[str, str]:
    """The files under ``folder`` named as :func:`_unlink_if` sets a file aside
    (``.NAME.<hex>.kept``), each with the path it was set aside from (``NAME`` in the same
    folder), paths relative to ``folder``, sorted: what a removal stopped by Ctrl-C between
    the setting aside and the removal or the putting back left, or one it named because
    another file took the name. Regular files only; not through a symbolic link, nor under
    a ``review/`` folder, nor under the subfolders ``skip`` (relative to ``folder``). Never
    removed: one may be a researcher's file."""
    found = {}
    skipped = {Path(rel).as_posix() for rel in skip}
    for here, dirs, files in os.walk(folder):  # links to folders are not walked into
        rel_dir = Path(here).relative_to(folder).as_posix()
        prefix = "" if rel_dir == "." else f"{rel_dir}/"
        dirs[:] = sorted(d for d in dirs if d != REVIEW_DIR and prefix + d not in skipped)
        for name in sorted(files):
            match = _SET_ASIDE.fullmatch(name)
            try:
                if match and stat.S_ISREG(os.lstat(Path(here) / name).st_mode):
                    found[prefix + name] = prefix + match["name"]
            except OSError:  # gone since
                continue
    return found


def _exists_at(fd: int, name: str) -> bool:
    """Whether the folder ``fd`` has an entry ``name`` (a link too)."""
    try:
        os.stat(name, dir_fd=fd, follow_symlinks=False)
        return True
    except FileNotFoundError:
        return False


def removable(folder: str | os.PathLike[str], recorded: Mapping[str, str | None],
              name: str = MANIFEST) -> dict[str, str | None]:
    """The entries of the record ``folder/name`` (``recorded``) that a run may have written
    (:func:`output_file`); the others (a file of one's own, one under ``review/``) are left
    out, with one warning naming the record: nothing is removed for them."""
    kept = {rel: digest for rel, digest in recorded.items() if output_file(rel)}
    other = sorted(set(recorded) - set(kept))
    if other:
        shown = ", ".join(repr(rel) for rel in other[:5]) + (", …" if len(other) > 5 else "")
        log.warning("%s lists %d file(s) that no run writes there, left alone: %s", Path(folder) / name,
                    len(other), shown)
    return kept


def remove_stale(folder: str | os.PathLike[str], previous: Mapping[str, str | None],
                 written: Iterable[str]) -> Removal:
    """Remove the files a run's previous record in ``folder`` lists (``previous``,
    :func:`read`) that this run did not write again (``written``): a report's pages of a
    notebook renamed since, a figure or table no longer written, ``make evaluate``'s table
    of the keyword baseline once there is none; only those a run writes
    (:func:`removable`) and only while their bytes are those recorded
    (:func:`remove_unchanged`: an edited one is kept and named). The pipeline's stamp is not
    among them: it records the tables it wrote, whichever run reads them next. Under the
    folder's journal lock (:func:`journal_locked`), which ``make clean`` and the writer hold
    while they read records, set files aside and remove them, and put a noted file in place."""
    with journal_locked(folder):
        return _remove_stale(folder, previous, written)


def _remove_stale(folder: str | os.PathLike[str], previous: Mapping[str, str | None],
                  written: Iterable[str]) -> Removal:
    """:func:`remove_stale`'s work, for a caller that holds the journal's lock."""
    done = set(written) | {STAMP}
    return remove_unchanged(folder, removable(folder, {rel: digest for rel, digest in previous.items()
                                                       if rel not in done}))


def finish(folder: str | os.PathLike[str], previous: Mapping[str, str | None], written: Iterable[str], what: str,
           stream: TextIO | None = None) -> Removal:
    """End a run that succeeded in ``folder`` (a report, ``make evaluate``): remove the files
    its ``previous`` record lists and it did not write again (:func:`remove_stale`), write
    its record of the files it wrote (``written``, with the hashes of the bytes written:
    :func:`as_written`, :func:`write`),
    and, given a ``stream``, say there what was removed (as files of ``what``, "the previous
    report") and what was kept (:meth:`Removal.said`; the files an earlier removal left set
    aside in ``folder`` too, :func:`set_aside`). Returns what was removed and kept. It holds
    the folder's journal lock (:func:`journal_locked`) from the removal to the record, as
    ``make clean`` does while it removes: one waits for the other, and the record is taken
    from the journal as the removal left it, and a file ``make clean`` sets aside while it
    removes is not taken for one an earlier removal left."""
    written = list(written)
    with journal_locked(folder):
        removal = _remove_stale(folder, previous, written)
        _write_taking_notes(folder, as_written(folder, written), MANIFEST)
        removal.find_leftovers(folder)  # not a file make clean has just set aside, while it holds the lock
    if stream is not None:
        if removal.removed:
            print(f"removed {len(removal.removed)} file(s) of {what}: {', '.join(removal.removed)}", file=stream)
        for line in removal.said(folder):
            print(line, file=stream)
    return removal


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
