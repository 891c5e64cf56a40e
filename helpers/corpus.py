"""Reading the raw corpus: texts, metadata and checksums.

The raw texts are the evidence; nothing here writes to them. A corpus folder looks like::

    <corpus>/raw/*.txt          the texts (required)
    <corpus>/metadata.csv       one row per file; only the column ``file`` is required
    <corpus>/SHA256SUMS         optional checksums, ``sha256sum`` format, paths relative to <corpus>
    <corpus>/codebook.yaml      optional: replaces the study's codebook
    <corpus>/reference/*.csv    optional: reference codings, the file stem names the coder
    <corpus>/study.yaml         optional: the study's title and what it is about (the report's index page)

Offsets everywhere in this package are Python string indices into the text as decoded
here: no newline translation, a byte-order mark not counted.
"""

from __future__ import annotations

import codecs
import csv
import datetime
import difflib
import hashlib
import logging
import os
import re
import unicodedata
from dataclasses import dataclass, field
from io import StringIO
from pathlib import Path
from typing import Collection, Hashable, Iterable

import pandas as pd

from . import io, paths
from .structure import label_key, label_name

log = logging.getLogger(__name__)

METADATA_FILE = "metadata.csv"
METADATA_REQUIRED = ("file",)
STUDY_FIELDS = ("title", "about", "questions", "voice", "turns", "period", "validation")
_ISO_PART = r"\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?"
_ISO_DATE = re.compile(rf"^{_ISO_PART}(?:/{_ISO_PART})?$")
# Bytes that cp1252/latin-1 use for the Swedish letters å ä ö Å Ä Ö é.
_CP1252_SWEDISH = re.compile(rb"[\xe5\xe4\xf6\xc5\xc4\xd6\xe9]")


class CorpusError(ValueError):
    """A problem with the input corpus, with the file (and place) and what to do."""


@dataclass(frozen=True)
class RawText:
    """A decoded raw file and how it was decoded."""

    file: str
    text: str
    encoding: str
    notes: tuple[str, ...] = field(default_factory=tuple)


def raw_dir(corpus: Path) -> Path:
    """The folder of raw texts of a corpus folder."""
    return Path(corpus) / "raw"


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def list_raw_files(corpus: Path) -> list[Path]:
    """The corpus's ``raw/*.txt`` files, sorted by name (never in file-system order).

    The extension is matched ignoring case (``B.TXT`` is a text). Every other entry of
    ``raw/`` (another extension, a sub-folder, a link to nothing) is skipped with one
    warning naming each. A symbolic link to a file outside the corpus folder is refused:
    the raw texts are exported (``project.qdpx``, the tables), so a link could publish a
    file that was never meant to be part of the corpus.
    """
    folder = raw_dir(corpus)
    if not folder.is_dir():
        raise CorpusError(
            f"{folder}: no 'raw' folder. A corpus folder must hold its texts as raw/*.txt."
        )
    home = (Path(corpus).resolve(), folder.resolve())
    files, skipped = [], []
    for p in sorted(folder.iterdir(), key=lambda p: p.name):
        if p.is_symlink() and not p.exists():
            skipped.append(f"{p.name} (a link to {os.readlink(p)}, which does not exist)")
        elif p.is_dir():
            skipped.append(f"{p.name}/ (a folder: only files directly in raw/ are read)")
        elif p.suffix.lower() != ".txt":
            skipped.append(f"{p.name} (not .txt)")
        elif not p.is_file():
            skipped.append(f"{p.name} (not a regular file)")
        elif p.is_symlink() and not any(_inside(p.resolve(), h) for h in home):
            raise CorpusError(
                f"{p}: a symbolic link to {p.resolve()}, outside the corpus folder. Raw "
                "texts are exported (project.qdpx, the tables), so a link must not bring "
                "in a file from elsewhere. Copy the file into raw/ if it belongs to the "
                "corpus, or remove the link."
            )
        else:
            files.append(p)
    if skipped:
        warn_once(f"{paths.display(folder)}: skipped, not read as texts: {'; '.join(skipped)}. "
                  "Texts to analyse must be *.txt files directly in raw/.")
    by_nfc: dict[str, list[str]] = {}
    for p in files:
        by_nfc.setdefault(unicodedata.normalize("NFC", p.name), []).append(p.name)
    twins = [names for names in by_nfc.values() if len(names) > 1]
    if twins:
        shown = "; ".join(" and ".join(f"{n!r} ({io.unicode_form(n)})" for n in names) for names in twins)
        raise CorpusError(
            f"{folder}: {shown}: file names that differ only in their Unicode form (the same "
            "letters, written with different code points) would be two documents that look "
            "the same, and macOS treats them as one file. Keep one of them: remove or rename the other.")
    by_case: dict[str, list[str]] = {}
    for p in files:
        by_case.setdefault(unicodedata.normalize("NFC", p.name).casefold(), []).append(p.name)
    twins = [sorted(names) for names in by_case.values() if len(names) > 1]
    if twins:
        shown = "; ".join(" and ".join(map(repr, names)) for names in twins)
        raise CorpusError(
            f"{folder}: {shown}: file names that differ only in case would be two documents that look alike, "
            "and macOS and Windows treat them as one file (a copy there keeps one). Keep one of them: remove or "
            "rename the other.")
    if not files:
        raise CorpusError(f"{folder}: no *.txt files. Put the texts to analyse there.")
    return files


_WARNED: set[Hashable] = set()


def warn_once(message: str, key: Hashable = None, logger: logging.Logger = log) -> None:
    """Log ``message`` as a warning on ``logger`` the first time this process sees ``key``
    (by default the message itself): a run lists raw/ several times, a notebook loads its
    codebook several times, and one warning says it."""
    key = message if key is None else key
    if key not in _WARNED:
        _WARNED.add(key)
        logger.warning("%s", message)


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"`` or ``"utf-16-be"`` when bytes without a byte-order mark are clearly
    UTF-16 (even length, NUL bytes on one side of the pairs only, on most of them: what
    Latin text, å ä ö included, looks like), else ``None``."""
    if len(data) < 2 or len(data) % 2:
        return None
    even, odd = data[0::2].count(0), data[1::2].count(0)
    pairs = len(data) // 2
    if odd and not even and odd * 2 >= pairs:
        return "utf-16-le"
    if even and not odd and even * 2 >= pairs:
        return "utf-16-be"
    return None


# A well-formed UTF-8 sequence of two to four bytes (a non-ASCII character).
_UTF8_MULTIBYTE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


def _decode_lines(data: bytes, name: str, first_bad: int) -> RawText:
    """Decode bytes that are not UTF-8 as a whole: line by line, UTF-8 where a line is
    valid UTF-8, else cp1252 (see :func:`decode`). Raises :class:`CorpusError` when the
    evidence does not allow that."""
    pieces = data.split(b"\n")  # line numbers count \n, as in every other message
    lines = [p + b"\n" for p in pieces[:-1]] + ([pieces[-1]] if pieces[-1] else [])
    decoded: list[str] = []
    utf8_lines: list[int] = []  # non-ASCII lines that are valid UTF-8
    cp_lines: list[tuple[int, int, int, str]] = []  # (line, byte start, byte end, text)
    offset = 0
    for n, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
            if not line.isascii():
                utf8_lines.append(n)
        except UnicodeDecodeError as exc:
            bad = offset + exc.start
            where = f"{name}: not valid UTF-8 at byte {bad} (line {n}): {data[bad:bad + 8]!r}"
            if _UTF8_MULTIBYTE.search(line):
                raise CorpusError(
                    f"{where}, and the same line also holds UTF-8 characters, so neither "
                    "encoding reads the whole line. Re-save the file as UTF-8."
                ) from None
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError as cp_exc:
                raise CorpusError(
                    f"{where}, nor cp1252 (byte {offset + cp_exc.start} is undefined there). "
                    "Re-save the file as UTF-8."
                ) from None
            cp_lines.append((n, offset, offset + len(line), text))
        decoded.append(text)
        offset += len(line)
    if not any(_CP1252_SWEDISH.search(data[a:b]) for _, a, b, _ in cp_lines):
        n = cp_lines[0][0]
        raise CorpusError(
            f"{name}: not valid UTF-8 at byte {first_bad} (line {n}): "
            f"{data[first_bad:first_bad + 8]!r}. Re-save the file as UTF-8."
        )
    text = "".join(decoded)
    if not utf8_lines:
        note = (f"not UTF-8 (first bad byte at {first_bad}); decoded as cp1252 because it holds "
                "Swedish letters in that encoding. Re-save as UTF-8 to silence this.")
        return RawText(name, text, "cp1252", (note,))
    notes = [f"mixes UTF-8 (e.g. line {utf8_lines[0]}) and cp1252: decoded line by line, "
             f"{len(cp_lines)} line(s) as cp1252, the rest as UTF-8. Re-save as UTF-8 to "
             "silence this."]
    starts = [0]
    for piece in decoded:
        starts.append(starts[-1] + len(piece))
    for n, a, b, piece in cp_lines:
        notes.append(
            f"line {n} (bytes {a}-{b}, characters {starts[n - 1]}-{starts[n]}) is not UTF-8; "
            f"decoded as cp1252 (encode those characters as cp1252 to get the bytes back): "
            f"{piece.rstrip()[:60]!r}")
    return RawText(name, text, "utf-8+cp1252", tuple(notes))


def decode(data: bytes, name: str) -> RawText:
    """Decode the bytes of a raw file, saying how, or fail naming the file and offset.

    UTF-8 is expected. A UTF-8, UTF-16 or UTF-32 byte-order mark is honoured (and not
    counted in offsets); UTF-16 without one is decoded when the evidence is clear (NUL
    bytes on one side of the byte pairs only). Bytes that are not UTF-8 are decoded as
    cp1252 only when the evidence is clear (they hold Swedish letters in cp1252 and
    nothing cp1252 leaves undefined). A file that mixes the two (UTF-8 lines and cp1252
    lines) is decoded line by line, each line decoded as cp1252 named in ``notes`` with
    its line, bytes and characters; a line that mixes them itself is refused. Every
    decision is recorded in ``notes``. Binary files are refused.
    """
    notes: list[str] = []
    boms = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
            (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
    if data.startswith(codecs.BOM_UTF8):
        notes.append("UTF-8 byte-order mark ignored (not counted in offsets)")
        data, enc = data[len(codecs.BOM_UTF8):], "utf-8"
    elif data.startswith(tuple(b for b, _ in boms)):
        enc = next(e for b, e in boms if data.startswith(b))
        label = enc.upper()
        try:
            text = data.decode(enc)
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{name}: has a {label} byte-order mark but is not valid {label} at byte "
                f"{exc.start}. Re-save the file as UTF-8."
            ) from exc
        notes.append(f"decoded as {label} (byte-order mark found); offsets count characters")
        return RawText(name, text, enc, tuple(notes))
    else:
        enc = "utf-8"
    nul = data.find(b"\x00")
    if nul >= 0:
        guess = _utf16_without_bom(data)
        if guess is not None:
            try:
                text = data.decode(guess)
            except UnicodeDecodeError:
                text = None
            if text is not None:
                label = guess.upper().replace("UTF-16-", "UTF-16 ")
                notes.append(f"decoded as {label} without a byte-order mark (NUL bytes on "
                             "one side of every other byte pair); offsets count characters. "
                             "Re-save as UTF-8 to silence this.")
                return RawText(name, text, guess, tuple(notes))
        raise CorpusError(
            f"{name}: byte {nul} is a NUL byte; this looks like a binary file, not text "
            "(or UTF-16/UTF-32 text without a byte-order mark that is not clearly so). "
            "Remove it from raw/ or convert it to UTF-8 text."
        )
    try:
        return RawText(name, data.decode("utf-8"), enc, tuple(notes))
    except UnicodeDecodeError as exc:
        raw = _decode_lines(data, name, exc.start)
        return RawText(name, raw.text, raw.encoding, tuple(notes) + raw.notes)


def read_raw(path: Path) -> RawText:
    """Read one raw file (bytes, so no newline translation) and decode it."""
    raw = decode(Path(path).read_bytes(), Path(path).name)
    for note in raw.notes:
        log.warning("%s: %s", raw.file, note)
    return raw


def sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_checksums(corpus: Path) -> dict[str, str]:
    """Read ``SHA256SUMS`` (``<hex>  <path relative to the corpus folder>``)."""
    sums: dict[str, str] = {}
    path = Path(corpus) / "SHA256SUMS"
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        m = re.fullmatch(r"([0-9a-f]{64}) [ *](.+)", line)
        if not m:
            raise CorpusError(f"{path}:{n}: not a sha256sum line: {line!r}")
        sums[m.group(2)] = m.group(1)
    return sums


def verify_checksums(corpus: Path) -> list[str]:
    """Compare the raw files with ``SHA256SUMS``; return a list of problems (empty if fine).
    A file listed without its ``raw/`` (``sha256sum *`` run inside ``raw/``) is named once,
    with how the list is written, not as missing and unlisted both."""
    corpus = Path(corpus)
    sums = read_checksums(corpus)
    problems = []
    on_disk = {p.relative_to(corpus).as_posix() for p in list_raw_files(corpus)}
    unprefixed = {rel for rel in sums if rel not in on_disk and f"raw/{rel}" in on_disk}
    for rel in sorted(set(sums) | on_disk):
        if rel in unprefixed:
            problems.append(f"{rel}: listed in SHA256SUMS without raw/; it names files from the corpus folder "
                            f"(raw/{rel}): write it there with `sha256sum raw/*.txt > SHA256SUMS`")
        elif rel not in on_disk:
            problems.append(f"{rel}: listed in SHA256SUMS but missing")
        elif rel not in sums:
            if rel.removeprefix("raw/") not in unprefixed:
                problems.append(f"{rel}: not listed in SHA256SUMS")
        elif sha256(corpus / rel) != sums[rel]:
            problems.append(f"{rel}: content differs from SHA256SUMS")
    return problems


_LOOSE_YMD = re.compile(r"^(\d{4})[-./](\d{1,2})(?:[-./](\d{1,2}))?$")
_LOOSE_DMY = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")


def iso_hint(value: str) -> str:
    """What to write instead of a date that is not ISO 8601, as the end of a message:
    the ISO form when only one reading is possible (``2023-1-5`` → ``2023-01-05``,
    ``25/1/2023`` → ``2023-01-25``), both readings when day and month could be either
    (``5/1/2023``: 5 January or 1 May; never guessed), else ``""``."""
    def iso(y: int, m: int, d: int | None) -> str | None:
        try:
            datetime.date(y, m, d or 1)
        except ValueError:
            return None
        return f"{y:04d}-{m:02d}" + (f"-{d:02d}" if d is not None else "")
    v = value.strip()
    if m := _LOOSE_YMD.match(v):
        found = iso(int(m[1]), int(m[2]), int(m[3]) if m[3] else None)
        return f" Write {found}." if found else ""
    if m := _LOOSE_DMY.match(v):
        a, b, y = int(m[1]), int(m[2]), int(m[3])
        readings = sorted({r for r in (iso(y, b, a), iso(y, a, b)) if r})  # day first, month first
        if len(readings) == 1:
            return f" Write {readings[0]}."
        if len(readings) == 2:
            return (f" Day and month could be either way round: write {iso(y, b, a)} if the day comes first, "
                    f"{iso(y, a, b)} if the month does.")
    return ""


def date_problem(value: str) -> str | None:
    """What is wrong with a metadata date (``None`` when nothing is): not ISO 8601 cut to
    what is known (with :func:`iso_hint`), a day that does not exist, an interval that
    ends before it starts."""
    if value and not _ISO_DATE.match(value):
        return f"{value!r} is not ISO 8601.{iso_hint(value)}"
    for part in value.split("/") if value else []:
        year, month, day = int(part[:4]), int(part[5:7] or 1), int(part[8:10] or 1)
        try:  # a month and a day that exist: 2017-02-31 and 2017-13 are not dates
            datetime.date(year, month, day)
        except ValueError:
            return f"{value!r} does not exist ({part!r})."
    if "/" in value:
        a, b = value.split("/")
        n = min(len(a), len(b))  # compare what both ends know: 2016-10-10/2017 is fine
        if a[:n] > b[:n]:
            return f"the interval {value!r} ends before it starts. Write the earlier date first (A/B, A not after B)."
    return None


def other_separator(header: list[str]) -> str | None:
    """The separator a CSV file's header line uses instead of a comma, when it reads as
    one field holding ``;`` or a tab (as Excel saves "CSV" with a Swedish or other
    locale whose decimal mark is a comma); else ``None``."""
    if len(header) != 1:
        return None
    for sep in (";", "\t"):
        if sep in header[0]:
            return sep
    return None


def separator_message(where: str, sep: str) -> str:
    """The one-line error for a CSV file separated by ``sep`` (:func:`other_separator`)."""
    return f"{where}: the file is {_separated(sep)}"


def _separated(sep: str) -> str:
    """What a CSV file separated by ``sep`` is, and what to do."""
    shown = "tabs" if sep == "\t" else repr(sep)
    return (f"separated by {shown}, not by commas: save it as comma-separated CSV (UTF-8) "
            "(in Excel: Save as, file format \"CSV UTF-8 (comma delimited)\").")


class NotUtf8(ValueError):
    """Bytes that are not UTF-8: the byte and the line (from 1) where they stop being it,
    and the bytes there."""

    def __init__(self, data: bytes, start: int):
        self.start, self.line, self.bytes = start, data[:start].count(b"\n") + 1, data[start:start + 8]
        super().__init__(f"not valid UTF-8 at byte {start} (line {self.line})")


def csv_rows(data: bytes):
    """The rows of a CSV file's bytes (UTF-8, a BOM skipped, line ends inside quotes kept),
    or :class:`NotUtf8`."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise NotUtf8(data, exc.start) from None
    return csv.reader(StringIO(text, newline=""))


def _swallowed_row(record: list[str], header: list[str], files: Collection[str], start: int) -> tuple[int, int] | None:
    """``(line the value opened on, line swallowed)`` when a value of ``record`` (which
    starts on line ``start``) runs over a line break onto a line that reads as a row of
    its own: fields (a comma at least) naming a raw file (in ``files``) in the ``file``
    column. That is the mark of a double quote left open, which swallows the rows after
    it into one value; else ``None``."""
    column = header.index("file") if "file" in header else 0
    line = start
    for value in record:
        opened = line
        for k, part in enumerate(value.split("\n")[1:], 1):
            fields = next(csv.reader([part]), [])
            if len(fields) > max(column, 1) and same_file(fields[column].strip(), files) is not None:
                return opened, opened + k
        line += value.count("\n")
    return None


def _read_metadata_csv(path: Path, files: Collection[str] = ()) -> tuple[pd.DataFrame, list[int]]:
    """``metadata.csv`` as strings (``""`` for empty cells) and the line each row starts
    on, or a :class:`CorpusError` naming the file and line: not UTF-8, empty, a header
    with an empty or repeated name, a row with more or fewer fields than the header, a
    quoted value over several lines one of which reads as the row of a file in ``files``
    (a double quote left open: it swallowed the rows after it)."""
    shown = paths.display(path)
    try:
        data = path.read_bytes()
        reader = csv_rows(data)
    except NotUtf8 as exc:
        # an Excel export is often both: say the separator too, so that one re-save mends the file
        first = data.split(b"\n", 1)[0].decode("cp1252", errors="replace")
        sep = other_separator(next(csv.reader([first]), [""]))
        also = f" It is also {_separated(sep)}" if sep else ""
        raise CorpusError(f"{shown}: {exc}: {exc.bytes!r}. Re-save the file as UTF-8.{also}") from None
    try:
        header = next(reader)
    except StopIteration:
        raise CorpusError(
            f"{shown}: the file is empty. It needs at least a header line naming the column "
            "'file' (one row per raw file), or delete it to take ids from file names."
        ) from None
    except csv.Error as exc:
        raise CorpusError(f"{shown} line 1: not readable as CSV ({exc}).") from None
    sep = other_separator(header)
    if sep is not None:
        raise CorpusError(separator_message(f"{shown} line 1", sep))
    # column names composed as study.yaml names its voice column; two that are then one are refused below
    header = io.composed(header, f"{shown} line 1: the column names", CorpusError)
    for i, col in enumerate(header):
        if not col.strip():
            raise CorpusError(f"{shown} line 1: column {i + 1} of the header has no name. "
                              "Name it, or remove the extra comma.")
        if col in header[:i]:
            raise CorpusError(f"{shown} line 1: the column {col!r} appears twice. "
                              "Each column needs its own name.")
    rows, lines = [], []
    line = reader.line_num + 1
    try:
        for record in reader:
            where, line = line, reader.line_num + 1
            if not record or all(not f.strip() for f in record):
                continue  # a blank line
            swallowed = _swallowed_row(record, header, files, where)
            if swallowed:
                raise CorpusError(
                    f"{shown} line {swallowed[0]}: a double-quoted value opens here and runs on over line "
                    f"{swallowed[1]}, which reads as a row of its own (a file of raw/): the quote is not closed, "
                    "so the rows after it became part of this value. Close the quote (a double quote inside a "
                    "quoted value is written twice: \"\"), or remove it.")
            if len(record) != len(header):
                raise CorpusError(
                    f"{shown} line {where}: {len(record)} field(s), but the header has "
                    f"{len(header)}. Put a value that holds commas or line breaks in double "
                    "quotes, or add the missing fields."
                )
            rows.append(record)
            lines.append(where)
    except csv.Error as exc:
        raise CorpusError(f"{shown} line {line}: not readable as CSV ({exc}).") from None
    return pd.DataFrame(rows, columns=header, dtype=str), lines


def same_file(name: str, files: Iterable[str]) -> str | None:
    """The name in ``files`` that ``name`` names: itself, else the one name that differs
    from it only in its Unicode form (NFD against NFC: they look identical, and macOS
    writes decomposed names), else ``None``."""
    files = list(files)
    if name in files:
        return name
    nfc = unicodedata.normalize("NFC", name)
    same = [f for f in files if unicodedata.normalize("NFC", f) == nfc]
    return same[0] if len(same) == 1 else None


def raw_name(where: str, name: str, files: Collection[str]) -> str | None:
    """The file of ``raw/`` (among ``files``) that ``where`` names as ``name``
    (:func:`same_file`), with a warning when it names it in another Unicode form
    (:func:`warn_form`); ``None`` when it names none, for the caller to refuse."""
    if name in files:  # the usual case, without a walk over the files
        return name
    found = same_file(name, files)
    if found is not None and found != name:
        warn_form(where, name, found)
    return found


def row_file(where: str, name: str, files: Collection[str], error: type[Exception]) -> str:
    """The file of ``raw/`` (among ``files``) that a table's row (``where``) names as
    ``name``: white space around the name is dropped, unless a raw file's name has it
    (" a.txt"), then as :func:`raw_name`; a name of no raw file raises ``error`` with
    :func:`not_in_raw`'s message (what reference codings and review decisions both do)."""
    if name not in files and same_file(name, files) is None:
        name = name.strip()
    found = raw_name(where, name, files)
    if found is None:
        raise error(not_in_raw(where, name, files))
    return found


def not_in_raw(where: str, name: str, files: Iterable[str]) -> str:
    """The message for a row (``where``) that names a file not in ``raw/``, with the
    nearest of ``files`` as a hint."""
    hint = difflib.get_close_matches(name, list(files), n=1)
    did = f" Did you mean {hint[0]!r}?" if hint else ""
    return f"{where}: file {name!r} is not in the corpus's raw/ folder.{did} Correct the file name or remove the row."


def warn_form(where: str, name: str, found: str) -> None:
    """Log that ``where`` names ``found`` (a file of ``raw/``) as ``name``, in another
    Unicode form (see :func:`same_file`)."""
    log.warning("%s: names %r in %s form, and raw/ has it in %s form (the same letters, written "
                "with different Unicode code points); matched, the name in raw/ is used. Rename "
                "one of them to silence this.", where, name, io.unicode_form(name), io.unicode_form(found))


def doc_ids(corpus: Path) -> dict[str, str]:
    """file → doc_id as ``corpus``'s ``metadata.csv`` names its files (:func:`load_metadata`;
    ``{}`` without the file): how a page cites a file of that corpus, such as a codebook's
    example quote, by its document's id rather than by its file name. A diary's file is
    named by the diary's id (``tillit-diary``), not by the entry a quote falls in
    (``tillit-diary/gislaved``, which the findings show)."""
    if not (Path(corpus) / METADATA_FILE).is_file():
        return {}
    return dict(load_metadata(corpus)[["file", "doc_id"]].itertuples(index=False))


def load_metadata(corpus: Path) -> pd.DataFrame:
    """The corpus's metadata, one row per raw file, sorted by file.

    ``metadata.csv`` is optional and only its ``file`` column is required; other columns
    are kept. Without it, or for a raw file it does not name, ``doc_id`` is the file's
    stem and a warning says so. A row naming a missing file, a duplicate file or doc id,
    or a malformed date is an error that names the line; so are a file that is not UTF-8,
    empty, or has rows with more or fewer fields than its header. A file name that
    differs from the one in ``raw/`` only in its Unicode form (decomposed ``å``, NFD,
    against composed, NFC) is matched to it with a warning saying which is which. Doc
    ids and every other value (a voice, a title) are composed (NFC), as the corpus's text
    is, with a warning when one was not (a decomposed file name's stem, a decomposed
    ``doc_id`` or ``voice``); two doc ids that are then the same are refused.
    """
    corpus = Path(corpus)
    files = [p.name for p in list_raw_files(corpus)]
    path = corpus / METADATA_FILE
    if path.exists():
        meta, lines = _read_metadata_csv(path, files)
        shown = paths.display(path)
        missing = [c for c in METADATA_REQUIRED if c not in meta.columns]
        if missing:
            raise CorpusError(f"{shown}: missing required column(s) {missing}; found {list(meta.columns)}.")
        if "doc_id" not in meta.columns:
            meta["doc_id"] = ""
        bad_dates = []  # every one at once: an Excel export has them by the column, not one per run
        for i, row in meta.iterrows():
            where = f"{shown} line {lines[int(i)]}"
            same = raw_name(where, row["file"], files)
            if same is None:
                raise CorpusError(
                    f"{where}: names {row['file']!r}, which is not in raw/. "
                    "Add the file or remove the row."
                )
            meta.loc[i, "file"] = same
            if row["doc_id"] != row["doc_id"].strip():  # ' a ' beside 'a': two documents that look the same
                raise CorpusError(f"{where}: the doc id {row['doc_id']!r} begins or ends with white space, which no "
                                  "page shows, so it would look like another id. Remove the spaces.")
            for col in meta.columns.drop("file"):  # a voice or title typed both ways is one value
                value = io.composed(row[col], f"{where}: the {col.replace('_', ' ')}", CorpusError)
                if value != row[col]:
                    meta.loc[i, col] = value
            problem = date_problem(row["date"]) if "date" in meta.columns else None
            if problem:
                bad_dates.append(f"  {shown} line {lines[int(i)]}, column date: {problem}")
            if "date_inferred" in meta.columns and row["date_inferred"].strip().lower() not in ("true", "false", ""):
                raise CorpusError(  # read as false, silently, before
                    f"{where}: date_inferred is {row['date_inferred']!r}; write true (the date was inferred, not "
                    "written in the text), false, or leave it empty (false).")
        if bad_dates:
            raise CorpusError(f"{shown}: {len(bad_dates)} date(s) to fix; a date is ISO 8601 cut to what is known "
                              "(YYYY-MM-DD, YYYY-MM, YYYY, or an interval A/B):\n" + "\n".join(bad_dates))
        for col in ("file", "doc_id"):
            values = meta[col][meta[col] != ""]
            dup = values[values.duplicated(keep=False)]
            if len(dup):
                on_lines = ", ".join(str(lines[int(i)]) for i in dup.index)
                raise CorpusError(
                    f"{shown}: duplicate {col} {sorted(set(dup))} on lines {on_lines}. "
                    "Each file and doc id must appear once."
                )
    else:
        log.warning(
            "%s has no metadata.csv: documents get ids from their file names.", corpus.name
        )
        meta, lines = pd.DataFrame({"file": [], "doc_id": []}, dtype=str), []
    unnamed = [f for f in files if f not in set(meta["file"])]
    if unnamed and path.exists():
        log.warning("metadata.csv does not name %s: ids taken from file names.", ", ".join(unnamed))
    if unnamed:
        extra = pd.DataFrame({"file": unnamed})
        meta = pd.concat([meta, extra], ignore_index=True).fillna("")
    blank = meta["doc_id"] == ""
    meta.loc[blank, "doc_id"] = meta.loc[blank, "file"].map(lambda f: unicodedata.normalize("NFC", Path(f).stem))
    decomposed = sorted(f for f in meta.loc[blank, "file"] if not unicodedata.is_normalized("NFC", f))
    if decomposed:
        log.warning("%s: the file name(s) %s are written decomposed (NFD, as macOS writes them); their "
                    "doc ids are composed (NFC), as the corpus's text is. The file column keeps the "
                    "name in raw/.", corpus.name, ", ".join(map(repr, decomposed)))
    clash = meta[meta["doc_id"].duplicated(keep=False)].sort_values(["doc_id", "file"])
    if len(clash):  # an id from a file name against another, or against one metadata.csv gives
        doc_id = clash["doc_id"].iloc[0]
        whence = [f"raw/{r.file} ({'from its file name' if blank[i] else f'{METADATA_FILE} line {lines[int(i)]}'})"
                  for i, r in clash[clash["doc_id"] == doc_id].iterrows()]
        raise CorpusError(
            f"{corpus.name}: the doc id {doc_id!r} is given to {len(whence)} files: {', '.join(whence)}. Each "
            f"document needs its own id: give them different doc ids in {METADATA_FILE} (a row per file: "
            "file,doc_id), or rename a file.")
    return meta.sort_values("file").reset_index(drop=True)


def own_files(folder: Path, suffix: str, error: type[Exception], what: str) -> list[Path]:
    """The files of ``folder`` (a corpus's ``reference/`` or ``review/``) whose names end
    in ``suffix``, sorted by name; none when the folder does not exist. Raises ``error``,
    naming it, for a folder that is a symbolic link and for such a file that is one (a link
    to nothing too): through a link, ``what`` (the reference codings, the decisions) could
    be read from outside the corpus into the tables and the exports, or written there."""
    if folder.is_symlink():
        raise error(f"{paths.display(folder.parent)}/{folder.name}: a link; put {what} themselves in the corpus's "
                    f"{folder.name}/ folder (a link may read files from outside the corpus).")
    if not folder.is_dir():
        return []
    found = sorted(folder.glob(f"*{suffix}"), key=lambda p: p.name)
    for path in found:
        if path.is_symlink():
            raise error(f"{paths.display(folder)}/{path.name}: a link; put the file itself in {folder.name}/ (a link "
                        "may read a file from outside the corpus).")
    return [p for p in found if p.is_file()]


_WHOLE = re.compile(r"\s*[+-]?\d{1,18}\s*")


def whole_number(text: str) -> int | None:
    """``text`` (an offset of a reference coding or a review decision, a position in a QDA
    file) as an int when it is a whole number of at most 18 digits, signed or not, spaces
    around it; else ``None``, so the caller refuses it with its file and line. (More digits
    are past any text's end; 5,000 of them would stop Python's ``int`` itself with a
    message naming no file.)"""
    return int(text) if _WHOLE.fullmatch(text) else None


def read_raw_texts(corpus: Path) -> dict[str, str]:
    """The decoded raw texts of a corpus folder, by file name (the offsets' reference)."""
    return {p.name: read_raw(p).text for p in list_raw_files(Path(corpus))}


def load_study(corpus: Path) -> dict:
    """What a corpus folder says about its study in ``study.yaml``, every key optional:

    * ``title``: the study's title (text);
    * ``about``: what it is about (plain text, paragraphs separated by a blank line);
    * ``questions``: its research questions (a list of texts), shown on the index page and
      in the findings' interpretation;
    * ``voice``: the metadata column that says who speaks (text; the findings compare
      voices by it; without it, a ``voice`` column if the metadata has one);
    * ``turns``: the voice of each turn's label in an interview or a dialogue (a mapping of
      texts, ``Intervjuare: interviewer``): the findings count a turn's sentences for its
      label's voice instead of its document's (:func:`helpers.findings.segment_voices`).
      Labels are compared as :func:`label_key` reads them (the colon, case
      and a full stop closing a word do not count, a number does: "IP" is "ip:", not "IP 2:");
      an empty label or voice, or two labels that are then one, is an error;
    * ``period``: the period the study covers, as it should be named (text, ``2013–2017``);
    * ``validation``: who made the corpus's reference codings and review decisions, and so
      how far their figures validate the auto-coder (text; example data, two trained
      coders, ...), said wherever the findings quote those figures
      (:func:`helpers.review.validation_note`).

    Empty when the folder has no such file; invalid YAML or UTF-8, a key given twice, a key
    other than these or a value of the wrong type is an error naming the file (and the key)."""
    path = Path(corpus) / "study.yaml"
    if not path.exists():
        return {}
    shown = paths.display(path)  # as the metadata's messages name it: no machine's path
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as err:
        raise CorpusError(f"{shown}: not valid UTF-8 ({err}). Re-save the file as UTF-8.") from err
    # a key given twice (a second `title`) is refused; texts composed, as metadata values are
    data, root = io.load_yaml(text, shown, CorpusError)
    data = data or {}
    if not isinstance(data, dict):
        raise CorpusError(f"{shown}: expected the keys {', '.join(STUDY_FIELDS)}, found {type(data).__name__}.")
    unknown = sorted(set(map(str, data)) - set(STUDY_FIELDS))
    if unknown:
        lines = {str(k.value): k.start_mark.line + 1 for k, _ in root.value}  # root: the mapping read above
        named = []
        for key in unknown:
            near = difflib.get_close_matches(key, STUDY_FIELDS, n=1)
            where = f" on line {lines[key]}" if key in lines else ""  # a key YAML reads as no text (true, ~) has none
            named.append(f"{key!r}{where}" + (f" (did you mean {near[0]!r}?)" if near else ""))
        raise CorpusError(f"{shown}: unknown key(s) {', '.join(named)}; the keys are {', '.join(STUDY_FIELDS)}. "
                          f"Rename or remove {'it' if len(unknown) == 1 else 'them'}.")
    out: dict = {}
    for key, value in data.items():
        if key == "questions":
            if not isinstance(value, list) or not all(isinstance(q, str) and q.strip() for q in value):
                raise CorpusError(f"{shown}: questions must be a list of texts, one per question.")
            out[key] = [q.strip() for q in value]
        elif key == "turns":
            out[key] = _turns(value, shown)
        elif not isinstance(value, str):
            raise CorpusError(f"{shown}: {key} must be text, not {type(value).__name__}.")
        else:
            out[key] = value.strip()
    return {k: out[k] for k in STUDY_FIELDS if k in out}


def _turns(value: object, shown: str) -> dict[str, str]:
    """``study.yaml``'s ``turns``, checked (see :func:`load_study`): label (its
    :func:`helpers.structure.label_name`, as written) → voice, in the file's order."""
    how = ('write "turns:" and under it, indented, one line per label with its voice ("  Intervjuare: '
           'interviewer")')
    if not isinstance(value, dict):
        raise CorpusError(f"{shown}: turns must map each turn's label to its voice, not be "
                          f"{type(value).__name__}; {how}.")
    out: dict[str, str] = {}
    keys: dict[str, str] = {}  # label_key → the label as written
    for label, voice in value.items():
        if not isinstance(label, str) or not label_key(label):
            raise CorpusError(f"{shown}: turns: the label {label!r} is not a label's text; {how}, quoting a "
                              'label YAML would read as something else ("Yes": …, "1": …).')
        if not isinstance(voice, str) or not voice.strip():
            raise CorpusError(f"{shown}: turns: the label {label!r} needs a voice as text, not "
                              f"{voice!r}; {how}.")
        key = label_key(label)
        if key in keys:
            raise CorpusError(f"{shown}: turns: the labels {keys[key]!r} and {label!r} are one label (case, "
                              "the colon and a full stop closing a word do not count); give it once, "
                              "with one voice.")
        keys[key] = label
        out[label_name(label)] = voice.strip()
    return out


def voice_column(study: dict, metadata_columns: list[str]) -> str | None:
    """The metadata column that holds the voice: the study's ``voice`` if given (an error
    if the metadata lacks it), else ``voice`` when there is one, else None."""
    column = study.get("voice")
    if column:
        if column not in metadata_columns:
            raise CorpusError(f"study.yaml names the voice column {column!r}, which metadata.csv does not have "
                              f"(its columns: {', '.join(metadata_columns)}).")
        return column
    return "voice" if "voice" in metadata_columns else None
