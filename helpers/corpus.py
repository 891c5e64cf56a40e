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
import hashlib
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

log = logging.getLogger(__name__)

METADATA_REQUIRED = ("file",)
STUDY_FIELDS = ("title", "about")
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


def list_raw_files(corpus: Path) -> list[Path]:
    """The corpus's ``raw/*.txt`` files, sorted by name (never in file-system order)."""
    folder = raw_dir(corpus)
    if not folder.is_dir():
        raise CorpusError(
            f"{folder}: no 'raw' folder. A corpus folder must hold its texts as raw/*.txt."
        )
    files = sorted(p for p in folder.glob("*.txt") if p.is_file())
    if not files:
        raise CorpusError(f"{folder}: no *.txt files. Put the texts to analyse there.")
    return files


def decode(data: bytes, name: str) -> RawText:
    """Decode the bytes of a raw file, saying how, or fail naming the file and offset.

    UTF-8 is expected. A UTF-8 or UTF-16 byte-order mark is honoured (and not counted in
    offsets). Bytes that are not UTF-8 are decoded as cp1252 only when the evidence is
    clear (they hold Swedish letters in cp1252 and nothing cp1252 leaves undefined); the
    decision is recorded in ``notes``. Binary files are refused.
    """
    notes: list[str] = []
    if data.startswith(codecs.BOM_UTF8):
        notes.append("UTF-8 byte-order mark ignored (not counted in offsets)")
        data, enc = data[len(codecs.BOM_UTF8):], "utf-8"
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        enc = "utf-16"
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise CorpusError(
                f"{name}: has a UTF-16 byte-order mark but is not valid UTF-16 at byte "
                f"{exc.start}. Re-save the file as UTF-8."
            ) from exc
        notes.append("decoded as UTF-16 (byte-order mark found); offsets count characters")
        return RawText(name, text, enc, tuple(notes))
    else:
        enc = "utf-8"
    nul = data.find(b"\x00")
    if nul >= 0:
        raise CorpusError(
            f"{name}: byte {nul} is a NUL byte; this looks like a binary file, not text. "
            "Remove it from raw/ or convert it to UTF-8 text."
        )
    try:
        return RawText(name, data.decode("utf-8"), enc, tuple(notes))
    except UnicodeDecodeError as exc:
        bad = exc.start
        if _CP1252_SWEDISH.search(data):
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                text = None
            if text is not None:
                notes.append(
                    f"not UTF-8 (first bad byte at {bad}); decoded as cp1252 because it holds "
                    "Swedish letters in that encoding. Re-save as UTF-8 to silence this."
                )
                return RawText(name, text, "cp1252", tuple(notes))
        line = data[:bad].count(b"\n") + 1
        raise CorpusError(
            f"{name}: not valid UTF-8 at byte {bad} (line {line}): {data[bad:bad + 8]!r}. "
            "Re-save the file as UTF-8."
        ) from exc


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
    """Compare the raw files with ``SHA256SUMS``; return a list of problems (empty if fine)."""
    corpus = Path(corpus)
    sums = read_checksums(corpus)
    problems = []
    on_disk = {p.relative_to(corpus).as_posix() for p in list_raw_files(corpus)}
    for rel in sorted(set(sums) | on_disk):
        if rel not in on_disk:
            problems.append(f"{rel}: listed in SHA256SUMS but missing")
        elif rel not in sums:
            problems.append(f"{rel}: not listed in SHA256SUMS")
        elif sha256(corpus / rel) != sums[rel]:
            problems.append(f"{rel}: content differs from SHA256SUMS")
    return problems


def _check_date(value: str, where: str) -> None:
    if value and not _ISO_DATE.match(value):
        raise CorpusError(
            f"{where}: date {value!r} is not ISO 8601 cut to what is known "
            "(YYYY, YYYY-MM, YYYY-MM-DD, or an interval A/B). Fix the metadata file."
        )


def load_metadata(corpus: Path) -> pd.DataFrame:
    """The corpus's metadata, one row per raw file, sorted by file.

    ``metadata.csv`` is optional and only its ``file`` column is required; other columns
    are kept. Without it, or for a raw file it does not name, ``doc_id`` is the file's
    stem and a warning says so. A row naming a missing file, a duplicate file or doc id,
    or a malformed date is an error that names the line.
    """
    corpus = Path(corpus)
    files = [p.name for p in list_raw_files(corpus)]
    path = corpus / "metadata.csv"
    if path.exists():
        meta = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[], encoding="utf-8-sig")
        missing = [c for c in METADATA_REQUIRED if c not in meta.columns]
        if missing:
            raise CorpusError(f"{path}: missing required column(s) {missing}; found {list(meta.columns)}.")
        if "doc_id" not in meta.columns:
            meta["doc_id"] = ""
        for i, row in meta.iterrows():
            where = f"{path.name} line {int(i) + 2}"
            if row["file"] not in files:
                raise CorpusError(
                    f"{where}: names {row['file']!r}, which is not in raw/. "
                    "Add the file or remove the row."
                )
            if "date" in meta.columns:
                _check_date(row["date"], where)
        for col in ("file", "doc_id"):
            values = meta[col][meta[col] != ""]
            dup = values[values.duplicated(keep=False)]
            if len(dup):
                lines = ", ".join(str(int(i) + 2) for i in dup.index)
                raise CorpusError(
                    f"{path.name}: duplicate {col} {sorted(set(dup))} on lines {lines}. "
                    "Each file and doc id must appear once."
                )
    else:
        log.warning(
            "%s has no metadata.csv: documents get ids from their file names.", corpus.name
        )
        meta = pd.DataFrame({"file": [], "doc_id": []}, dtype=str)
    unnamed = [f for f in files if f not in set(meta["file"])]
    if unnamed and path.exists():
        log.warning("metadata.csv does not name %s: ids taken from file names.", ", ".join(unnamed))
    if unnamed:
        extra = pd.DataFrame({"file": unnamed})
        meta = pd.concat([meta, extra], ignore_index=True).fillna("")
    blank = meta["doc_id"] == ""
    meta.loc[blank, "doc_id"] = meta.loc[blank, "file"].map(lambda f: Path(f).stem)
    if meta["doc_id"].duplicated().any():
        raise CorpusError(f"{corpus.name}: doc ids from file names collide with metadata doc ids.")
    return meta.sort_values("file").reset_index(drop=True)


def read_raw_texts(corpus: Path) -> dict[str, str]:
    """The decoded raw texts of a corpus folder, by file name (the offsets' reference)."""
    return {p.name: read_raw(p).text for p in list_raw_files(Path(corpus))}


def load_study(corpus: Path) -> dict[str, str]:
    """What a corpus folder says about its study in ``study.yaml``: ``title`` and
    ``about`` (plain text, paragraphs separated by a blank line), both optional. Empty
    when the folder has no such file; a key other than these or a value that is not text
    is an error naming the file."""
    path = Path(corpus) / "study.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected the keys {', '.join(STUDY_FIELDS)}, found {type(data).__name__}.")
    unknown = sorted(set(map(str, data)) - set(STUDY_FIELDS))
    if unknown:
        raise CorpusError(f"{path}: unknown key(s) {unknown}; the keys are {', '.join(STUDY_FIELDS)}.")
    for key, value in data.items():
        if not isinstance(value, str):
            raise CorpusError(f"{path}: {key} must be text, not {type(value).__name__}.")
    return {k: data[k].strip() for k in STUDY_FIELDS if k in data}
