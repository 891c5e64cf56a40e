"""Atomic, deterministic writing of outputs.

Every output is written to a temporary file in the target folder and then moved into
place with ``os.replace``, so a reader never sees a half-written file and an interrupted
run leaves the previous output intact. CSV files are UTF-8 without BOM with ``\\n`` line
ends. :func:`load_yaml` reads a settings file (YAML: a codebook, ``boilerplate.yaml``,
``study.yaml``), refusing a key given twice and composing (NFC) its texts as the corpus's
text is read (:func:`composed`); :func:`hash_parts` stamps what was read.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import logging
import os
import signal
import sys
import tempfile
import threading
import unicodedata
from pathlib import Path
from typing import Iterable

import pandas as pd
import yaml

from . import manifest

log = logging.getLogger(__name__)


SHORT_NAME = 40  # a target's name longer than this (in characters) is shortened in its temporary's name
NAME_MAX = 255  # bytes of a file name, where the file system does not say (ext4, APFS, NTFS: 255)


class FileNameError(ValueError):
    """A file name the file system cannot hold (too long); the message names it and what to do."""


def _temporary_prefix(name: str) -> str:
    """The start of the name of :func:`write_bytes`'s temporary file for a target named
    ``name``: ``.name.`` for a short name; for a long one its first 20 characters and a hash
    of the whole, so the temporary's name stays short (at most about 110 bytes with its
    random part) whatever the target's, and still tells one target's temporaries from
    another's."""
    if len(name) <= SHORT_NAME:
        return f".{name}."
    digest = hashlib.sha256(os.fsencode(name)).hexdigest()[:12]
    return f".{name[:20]}~{digest}."


RANDOM_PART = 8  # the length of the random part of tempfile.mkstemp's names


def _temporaries(path: Path) -> list[Path]:
    """Temporary files :func:`write_bytes` makes for ``path`` (left behind by a process
    that was killed outright)."""
    # tempfile.mkstemp's random part is 8 characters: a file of one's own named like
    # ".segments.csv.bak.tmp", or the temporary of a longer name starting the same, is not one
    return sorted(path.parent.glob(f"{glob.escape(_temporary_prefix(path.name))}{'?' * RANDOM_PART}.tmp"))


def check_name(path: str | os.PathLike[str]) -> None:
    """Raise :class:`FileNameError` when ``path``'s file name is longer than its folder's
    file system holds (``NAME_MAX`` bytes where it does not say)."""
    path = Path(path)
    folder = next((f for f in (path.parent, *path.parent.parents) if f.is_dir()), path.parent)
    try:  # the nearest folder that exists: the check comes before any folder is made
        limit = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):
        limit = NAME_MAX
    size = len(os.fsencode(path.name))
    if size > limit:
        raise FileNameError(f"{path.parent}/{path.name[:40]}…: the file name is {size} bytes long, and the file "
                            f"system holds at most {limit}; choose a shorter name")


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


# the output folders whose journal this process's writes keep (record_writes), each with whether they are noted
_RECORDED: dict[Path, bool] = {}


def record_writes(folder: str | os.PathLike[str], new: bool = True) -> None:
    """From now on in this process, note each file :func:`write_bytes` writes under
    ``folder`` (a run's output folder), with the SHA-256 of its bytes, in that folder's
    journal as the file is put in place, under the journal's lock
    (:func:`helpers.manifest.noting`): so the run's record holds the files the run wrote
    and nothing else (not a file of one's own saved there meanwhile), and a run that stops
    before its manifest is written still has its files known as its own (``make clean``
    removes them while unchanged). Where folders nest, the innermost holds the note.

    Not ``new`` (``make suggest``, whose table is not recorded as a run's), no file is
    noted, but a file the journal already notes gets the hash of the bytes written over it,
    under the same lock: a table it rebuilt over one a notebook had noted is not left with
    that earlier note's hash. A folder once named with ``new`` stays noted in this process."""
    resolved = Path(folder).resolve()
    _RECORDED[resolved] = _RECORDED.get(resolved, False) or new


def _noting(path: Path, data: bytes) -> contextlib.AbstractContextManager[None]:
    """Within: ``data`` at ``path`` is noted in the journal of the innermost folder
    :func:`record_writes` named that holds it (or, in a folder named not ``new``, a note it
    already has is brought up to date), whose lock is held while the file is put in place
    (:func:`helpers.manifest.noting`); nothing is noted for a path in none."""
    if not _RECORDED:
        return contextlib.nullcontext()
    target = path.parent.resolve() / path.name
    folders = [f for f in _RECORDED if target.is_relative_to(f)]
    if not folders:
        return contextlib.nullcontext()
    folder = max(folders, key=lambda f: len(f.parts))
    return manifest.noting(folder, target.relative_to(folder).as_posix(), hashlib.sha256(data).hexdigest(),
                           new=_RECORDED[folder])


def _temporary_beside(path: Path, tries: int = 3) -> tuple[int, str]:
    """A new temporary file in ``path``'s folder, made with its parents when missing. A
    folder left empty can be removed between the two steps (``make clean`` removes the
    folders it emptied, :func:`helpers.outputs.clean`): the folder is then made again; once
    the temporary file is in it, the folder is not empty and stays."""
    made = 0
    while True:
        made += 1
        try:  # a folder of the path made by mkdir can go before mkdir makes the next one, too
            path.parent.mkdir(parents=True, exist_ok=True)
            return tempfile.mkstemp(prefix=_temporary_prefix(path.name), suffix=".tmp", dir=path.parent)
        except FileNotFoundError:
            if made >= tries:
                raise


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically, creating parent folders; a name the file
    system cannot hold is refused (:func:`check_name`) before anything is written. A
    write into a run's output folder is noted in its journal as the file is put in place,
    under the journal's lock (:func:`record_writes`, :func:`helpers.manifest.noting`)."""
    path = Path(path)
    check_name(path)
    fd, tmp = _temporary_beside(path)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        with _noting(path, data):
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


def hash_parts(h: "hashlib._Hash", parts: Iterable[tuple[str, bytes]]) -> None:
    """Feed named parts (a file's name and bytes, a module's name and code) to the hash
    ``h``, each framed by its name and length so that parts cannot run together: the
    stamp of what was read (the pipeline's tables, the furniture record)."""
    for name, data in parts:
        h.update(f"{name}\0{len(data)}\0".encode())
        h.update(data)


def unicode_form(name: str) -> str:
    """How a text is written: ``"composed (NFC)"``, ``"decomposed (NFD)"`` or ``"mixed"``."""
    if unicodedata.is_normalized("NFC", name):
        return "composed (NFC)"
    return "decomposed (NFD)" if unicodedata.is_normalized("NFD", name) else "mixed (neither NFC nor NFD)"


def composed(data: object, shown: str, error: type[Exception] = ValueError) -> object:
    """A settings file's parsed YAML ``data`` (the codebook, ``boilerplate.yaml``,
    ``study.yaml``), or a value or the header of ``metadata.csv``, with every text composed
    (NFC), as the corpus's words are: a rule written decomposed (NFD, as some editors on
    macOS save it) would otherwise never match, and a voice typed both ways would be two.
    Logged, naming the place (``shown``: the file, and a row and column where there is
    one), the texts that changed and their form; two keys of one mapping
    that become the same text (two attribute values ``skola``) are refused as ``error``,
    naming both."""
    changed: list[str] = []
    done: dict[int, object] = {}  # a list or mapping that aliases share (&a ... *a), composed once and shared still

    def nfc(value: object) -> object:
        if isinstance(value, str):
            if unicodedata.is_normalized("NFC", value):
                return value
            changed.append(value)
            return unicodedata.normalize("NFC", value)
        if isinstance(value, (list, dict)):
            if id(value) not in done:
                done[id(value)] = value  # a value that holds itself is left as it is
                done[id(value)] = composed_container(value)
            return done[id(value)]
        return value

    def composed_container(value: list | dict) -> list | dict:
        if isinstance(value, list):
            return [nfc(v) for v in value]
        if isinstance(value, dict):
            out: dict = {}
            written: dict = {}  # each composed key as the file wrote it
            for key, v in value.items():
                new = nfc(key)
                if new in out:
                    first = written[new]
                    raise error(
                        f"{shown}: the keys {first!r} ({unicode_form(first)}) and {key!r} "
                        f"({unicode_form(key)}) are the same text written in two Unicode forms; they look "
                        "identical. Keep one of them and merge the other's rules into it.")
                out[new], written[new] = nfc(v), key
            return out

    try:
        data = nfc(data)
    except RecursionError:  # a value nested deeper than the loader's own limit: refused as it is
        raise error(f"{shown}: {TOO_DEEP}") from None
    if changed:
        examples = ", ".join(repr(unicodedata.normalize("NFC", t))[:40] for t in changed[:3])
        forms = " or ".join(sorted({unicode_form(t) for t in changed}))
        log.warning("%s: %d text(s) written %s, e.g. %s; read composed (NFC), as the corpus's words are. "
                    "Save the file as NFC to silence this.", shown, len(changed), forms, examples)
    return data


# a settings file nested past Python's stack: no codebook or study is
TOO_DEEP = "nested deeper than any settings file is (hundreds of levels of lists or mappings); is it the file meant?"
# The values a settings file may expand to through its aliases: a codebook of every code's rules is some
# thousands; nine lists of nine aliases of each other (a few hundred bytes) would be 9**9.
MAX_YAML_VALUES = 1_000_000


def _expanded_size(root: yaml.Node) -> int:
    """How many nodes ``root`` stands for once every alias is expanded (a node aliases share
    counted once per use), computed without expanding them, up to one more than
    :data:`MAX_YAML_VALUES`; an alias of a node within that node counts once."""
    sizes: dict[int, int] = {}

    def size(node: yaml.Node) -> int:
        if id(node) in sizes:
            return sizes[id(node)]
        sizes[id(node)] = 1  # a node within itself (a recursive alias) counts once
        children = node.value if isinstance(node, yaml.SequenceNode) else \
            [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else []
        sizes[id(node)] = min(1 + sum(size(c) for c in children), MAX_YAML_VALUES + 1)
        return sizes[id(node)]

    return size(root)


class _DuplicateKey(Exception):
    """A key given twice in one mapping of a YAML file: the key and the lines of both."""

    def __init__(self, key: object, first: int, second: int):
        super().__init__(key, first, second)
        self.key, self.first, self.second = key, first, second


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader (no tags that build objects), except that a key given twice in
    one mapping is an error: PyYAML keeps the last value and silently drops the first (a
    code's first ``terms``, a rule's first ``patterns``)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict[object, int] = {}
        for key_node, _ in node.value if isinstance(node, yaml.MappingNode) else ():  # else refused below
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # '<<: *defaults': its keys are meant to be overridden
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: the safe loader refuses it with its own message
                continue
            line = key_node.start_mark.line + 1
            if first is not None:
                raise _DuplicateKey(key, first, line)
            seen[key] = line
        return super().construct_mapping(node, deep=deep)


def load_yaml(text: str, shown: str, error: type[Exception] = ValueError) -> tuple[object, yaml.Node | None]:
    """A settings file's YAML (the codebook, ``boilerplate.yaml``, ``study.yaml``, the
    keyword baseline; its name as shown: ``shown``), read safely, with its texts composed (:func:`composed`), and its
    node tree (for the line of a field). Refused as ``error``, naming the file: invalid
    YAML, and a key given twice in one mapping (naming both lines), which PyYAML would
    otherwise resolve by silently dropping the first."""
    loader = _UniqueKeyLoader(text)
    try:
        root = loader.get_single_node()
        bomb = root is not None and _expanded_size(root) > MAX_YAML_VALUES
        data = None if root is None or bomb else loader.construct_document(root)
    except _DuplicateKey as dup:
        raise error(
            f"{shown}: the key {dup.key!r} is given twice in one mapping, on line {dup.first} and line "
            f"{dup.second}; YAML would keep only the second and silently drop the first. Keep one of them "
            "(merge the two values into it).") from None
    except yaml.YAMLError as exc:
        raise error(f"{shown}: not valid YAML: {exc}") from exc
    except ValueError as exc:  # what the safe loader lets through: an impossible date (2021-02-30), a huge number
        if "integer string conversion" in str(exc):
            raise error(f"{shown}: it holds a number of more than {sys.get_int_max_str_digits():,} digits, which no "
                        "setting has; if it is a text, put it in quotes") from exc
        raise error(f"{shown}: a value YAML cannot read ({exc}); if it is a text, put it in quotes") from exc
    except RecursionError:  # lists or mappings nested hundreds deep
        raise error(f"{shown}: {TOO_DEEP}") from None
    finally:
        loader.dispose()
    if bomb:
        raise error(f"{shown}: its aliases (*name, of an &name anchor) expand it to more than {MAX_YAML_VALUES:,} "
                    "values: an alias bomb, or a file far larger than any settings file; write the repeated parts out "
                    "or use fewer aliases of aliases.")
    return composed(data, shown, error), root
