"""REFI-QDA exchange: positions, stable export, round trip, real tools' files, errors."""

from __future__ import annotations

import io as stdio
import re
import uuid
import warnings
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pandas as pd
import pytest
import xmlschema

from helpers import coding, corpus, io, paths, refi

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "refi"
NVIVO = FIXTURES / "nvivo-12-project.qdpx"
ATLAS = FIXTURES / "atlasti-23-codebook.qdc"
TAGUETTE = FIXTURES / "taguette-codebook.qdc"
NS = {"q": refi.NS_PROJECT}
KEY = ["file", "start", "end", "code"]


@pytest.fixture(scope="module")
def codebook() -> coding.Codebook:
    return coding.load_codebook()


@pytest.fixture(scope="module")
def seed() -> tuple[dict[str, str], dict[str, pd.DataFrame]]:
    raw = {p.name: corpus.read_raw(p).text for p in corpus.list_raw_files(paths.CORPUS_DIR)}
    refs = {p.stem: io.read_csv(p).astype({"start": int, "end": int})
            for p in sorted((paths.CORPUS_DIR / "reference").glob("coding_*.csv"))}
    assert set(refs) == {"coding_A", "coding_B"}
    return raw, refs


@pytest.fixture(scope="module")
def nvivo() -> tuple[pd.DataFrame, refi.ImportReport]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", refi.RefiWarning)  # its Hungarian codes are unmapped
        return refi.import_project(NVIVO)


def _member(path: Path, name: str) -> bytes:
    with zipfile.ZipFile(path) as zf:
        return zf.read(name)


def _qde(path: Path) -> ET.Element:
    return ET.fromstring(_member(path, "project.qde"))


def _spans(df: pd.DataFrame) -> pd.DataFrame:
    return df[KEY].astype({"start": int, "end": int}).sort_values(KEY).reset_index(drop=True)


# --------------------------------------------------------------------------- positions

def test_utf16_conversion_counts_characters_outside_the_bmp_twice():
    text = "å😀b\U0001F469\u200d\U0001F467c"  # å (BMP), 😀, b, 👩, ZWJ, 👧, c
    assert [refi.codepoint_to_utf16(text, i) for i in range(len(text) + 1)] == [0, 1, 3, 4, 6, 7, 9, 10]
    assert refi.utf16_length(text) == len(text.encode("utf-16-le")) // 2 == 10
    for i in range(len(text) + 1):
        assert refi.utf16_to_codepoint(text, refi.codepoint_to_utf16(text, i)) == i
    for inside in (2, 5, 8):  # between the halves of a surrogate pair
        with pytest.raises(ValueError, match="surrogate"):
            refi.utf16_to_codepoint(text, inside)
    for bad in (-1, 11):
        with pytest.raises(ValueError, match="outside"):
            refi.utf16_to_codepoint(text, bad)
    with pytest.raises(ValueError, match="outside"):
        refi.codepoint_to_utf16(text, len(text) + 1)


def test_swedish_text_has_the_same_offsets_in_both_units():
    text = "Åsa och Örjan är här: ä ö å é."
    assert all(refi.codepoint_to_utf16(text, i) == i == refi.utf16_to_codepoint(text, i)
               for i in range(len(text) + 1))


def test_nvivo_positions_are_utf16_code_units_not_code_points():
    """The evidence for the unit: NVivo's selections line up with line ends only in UTF-16."""
    root = _qde(NVIVO)
    source = root.findall(".//q:TextSource", NS)[1]
    with zipfile.ZipFile(NVIVO) as zf:
        data = zf.read(f"Sources/{source.get('guid')}.txt")
    assert data.startswith(b"\xef\xbb\xbf")  # a BOM, which positions do not count
    text = data.decode("utf-8-sig")
    units = text.encode("utf-16-le")
    assert sum(ord(c) > 0xFFFF for c in text) == 892
    sels = [(int(s.get("startPosition")), int(s.get("endPosition")))
            for s in source.findall("q:PlainTextSelection", NS)]
    assert len(sels) == 303

    def after_line_break_utf16(a: int) -> bool:
        return units[2 * a - 2:2 * a] == "\n".encode("utf-16-le")

    utf16 = sum(after_line_break_utf16(a) for a, _ in sels)
    codepoints = sum(text[a - 1] == "\n" for a, _ in sels)
    assert (utf16, codepoints) == (281, 16)
    # A few selections are whole lines: the text is a comment between two line breaks.
    first = units[2 * 3137:2 * 3284].decode("utf-16-le")
    assert after_line_break_utf16(3137) and units[2 * 3284:2 * 3286] == "\r\n".encode("utf-16-le")
    assert "\n" not in first and first == first.strip()
    assert text[3137:3284] != first  # counted in code points, the same numbers cut elsewhere


# --------------------------------------------------------------------------- export

def test_codebook_export_is_valid_stable_and_hierarchical(codebook, tmp_path):
    a = refi.export_codebook(codebook, tmp_path / "a.qdc")
    b = refi.export_codebook(codebook, tmp_path / "b.qdc")
    assert a.read_bytes() == b.read_bytes()
    xmlschema.XMLSchema(str(refi.CODEBOOK_SCHEMA)).validate(str(a))
    assert refi.validate(a) == []

    table = refi.import_codebook(a).set_index("guid")
    p_detail = refi.stable_guid("code", "P_DETAIL")
    assert p_detail == str(uuid.uuid5(refi.GUID_NAMESPACE, '["code", "P_DETAIL"]'))
    row = table.loc[p_detail]
    assert row["name"] == "P_DETAIL · detail control"
    assert row["colour"] == codebook.code("P_DETAIL").colour
    assert row["description"].startswith(codebook.code("P_DETAIL").definition)
    assert "Use when: " in row["description"] and "Not when: " in row["description"]
    assert row["parent"] == refi.stable_guid("family", "P")
    assert table.loc[row["parent"], "name"] == "P · problems"
    families = table[table["parent"] == ""]
    assert list(families["name"]) == ["P · problems", "R · remedies (trust-based principles)"]
    assert len(table) == len(codebook.codes) + 2

    # GUIDs depend on the id only: a reworded codebook keeps them.
    changed = codebook.model_copy(deep=True)
    changed.codes[0].definition = "Omformulerad definition."
    c = refi.export_codebook(changed, tmp_path / "c.qdc", language="sv")
    assert refi.import_codebook(c).loc[lambda d: d["guid"] == p_detail, "name"].item() == \
        "P_DETAIL · detaljstyrning"


def test_project_export_is_valid_and_byte_identical(codebook, seed, tmp_path):
    raw, refs = seed
    a = refi.export_project(raw, refs, codebook, tmp_path / "a.qdpx", "Seed")
    b = refi.export_project(raw, dict(reversed(refs.items())), codebook, tmp_path / "b.qdpx", "Seed")
    assert a.read_bytes() == b.read_bytes()
    qde = _member(a, "project.qde")
    xmlschema.XMLSchema(str(refi.PROJECT_SCHEMA)).validate(stdio.BytesIO(qde))
    assert refi.validate(a) == []
    with zipfile.ZipFile(a) as zf:
        infos = zf.infolist()
        assert [i.filename for i in infos] == sorted(i.filename for i in infos)
        assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
        root = ET.fromstring(zf.read("project.qde"))
        for src in root.findall(".//q:TextSource", NS):
            guid = src.get("guid")
            assert src.get("plainTextPath") == f"internal://{guid}.txt"
            assert zf.read(f"sources/{guid}.txt").decode("utf-8") == raw[src.get("name")]
    assert b"DateTime" not in qde
    users = {u.get("name"): u.get("guid") for u in root.findall(".//q:User", NS)}
    assert users == {name: refi.stable_guid("user", name) for name in refs}
    n_spans = sum(len(df.drop_duplicates(["file", "start", "end"])) for df in refs.values())
    assert len(root.findall(".//q:PlainTextSelection", NS)) == n_spans
    assert len(root.findall(".//q:Coding", NS)) == sum(len(df) for df in refs.values())


def test_seed_project_round_trip_gives_the_same_codings(codebook, seed, tmp_path):
    raw, refs = seed
    auto = refs["coding_A"][["file", "start", "end", "code"]].head(50)  # stands in for coded.csv
    path = refi.export_project(raw, {**refs, "auto-coder": auto}, codebook, tmp_path / "s.qdpx", "Seed")
    with warnings.catch_warnings():
        warnings.simplefilter("error", refi.RefiWarning)  # our own export: nothing to warn about
        got, report = refi.import_project(path)
    assert list(got.columns) == refi.CODING_COLUMNS
    assert got["mapped"].all() and report.unknown.empty and report.warnings == ()
    # the project's code system holds the families' folders besides the codes: unmapped, and said to be unused
    folders = len(report.codes) - len(codebook.ids)
    assert folders > 0 and (f"  {len(codebook.ids)} of {len(report.codes)} code(s) mapped to our ids, {folders} "
                            "other(s) used by no coding (a folder of codes, a code never applied); 0 used code(s) "
                            "unmapped") in report.summary().splitlines()
    assert sorted(got["coder"].unique()) == ["auto-coder", "coding_A", "coding_B"]
    assert set(report.sources) == set(raw)
    for coder, expected in {**refs, "auto-coder": auto}.items():
        mine = got[got["coder"] == coder]
        pd.testing.assert_frame_equal(_spans(mine), _spans(expected))
    merged = got[got["coder"] == "coding_A"].merge(refs["coding_A"], on=KEY, suffixes=("", "_csv"))
    assert len(merged) == len(refs["coding_A"]) and (merged["quote"] == merged["quote_csv"]).all()


@pytest.mark.parametrize("unit", ["utf16", "codepoint"])
def test_emoji_before_a_span_round_trips_in_either_unit(codebook, tmp_path, unit):
    text = "Personalen 😀 säger: 👩‍👧 Detaljstyrningen är för stor.\r\nÅtgärd: lita på medarbetarna!"
    start = text.index("Detaljstyrningen")
    end = text.index(".", start) + 1
    start2 = text.index("lita")
    codings = {"Åsa": pd.DataFrame({"file": ["emoji.txt"] * 3, "start": [start, start, start2],
                                    "end": [end, end, len(text) - 1],
                                    "code": ["P_DETAIL", "P_ADMIN", "R_TRUST"]})}
    raw = {"emoji.txt": text, "tom.txt": ""}
    path = refi.export_project(raw, codings, codebook, tmp_path / "e.qdpx", "Emoji", unit=unit)
    assert refi.validate(path) == []
    sels = _qde(path).findall(".//q:PlainTextSelection", NS)
    assert len(sels) == 2 and len(sels[0].findall("q:Coding", NS)) == 2
    shift = 3 if unit == "utf16" else 0  # 😀 and 👩 👧 each take two UTF-16 code units
    assert int(sels[0].get("startPosition")) == start + shift
    assert int(sels[0].get("endPosition")) == end + shift
    got, _ = refi.import_project(path, unit=unit)
    pd.testing.assert_frame_equal(_spans(got), _spans(codings["Åsa"]))
    assert got.loc[got["code"] == "P_DETAIL", "quote"].item() == "Detaljstyrningen är för stor."
    assert set(got["coder"]) == {"Åsa"}
    if unit == "utf16":
        with pytest.raises(refi.RefiError):  # read in the wrong unit: shifted past the text end
            refi.import_project(path, unit="codepoint")


def test_export_rejects_codings_it_cannot_place(codebook, tmp_path):
    raw = {"a.txt": "Kort text."}
    cases = {
        "unknown code": ({"a.txt"}, 0, 4, "NOPE", "not in the codebook"),
        "unknown file": ({"b.txt"}, 0, 4, "P_DETAIL", "not one of the raw texts"),
        "past the end": ({"a.txt"}, 5, 40, "P_DETAIL", "outside the text"),
        "empty span": ({"a.txt"}, 4, 4, "P_DETAIL", "empty"),
        "not a number": ({"a.txt"}, "x", 4, "P_DETAIL", "whole numbers"),
    }
    for files, start, end, code, message in cases.values():
        df = pd.DataFrame({"file": sorted(files), "start": [start], "end": [end], "code": [code]})
        with pytest.raises(refi.RefiError, match=message):
            refi.export_project(raw, {"A": df}, codebook, tmp_path / "x.qdpx", "X")
    with pytest.raises(refi.RefiError, match="missing column"):
        refi.export_project(raw, {"A": pd.DataFrame({"file": []})}, codebook, tmp_path / "x.qdpx", "X")
    assert not (tmp_path / "x.qdpx").exists()


# --------------------------------------------------------------------------- real tools' files

def _whole_words(text: str, start: int, end: int) -> bool:
    """The span ``text[start:end]`` cuts no word in two."""
    cuts_start = 0 < start < len(text) and text[start - 1].isalnum() and text[start].isalnum()
    cuts_end = 0 < end < len(text) and text[end - 1].isalnum() and text[end].isalnum()
    return not cuts_start and not cuts_end


def test_nvivo_project_imports(nvivo):
    got, report = nvivo
    assert len(got) == report.selections == 303
    assert report.origin == "NVivo for Windows 12.6"
    assert set(got["file"]) == {"videos_10_selected"}
    assert set(report.users.values()) == {"Gergo", "floriansipos"}
    assert set(got["coder"]) <= set(report.users.values())
    assert not got["mapped"].any()  # its codes are not ours: kept by name, counted
    assert report.unknown["codings"].sum() == 303
    said = report.summary()
    assert f"  0 of 152 code(s) mapped to our ids, {152 - len(report.unknown)} other(s) used by no coding" in said
    assert f"; {len(report.unknown)} used code(s) unmapped (below)" in said and "  unmapped: " in said
    top = report.unknown.iloc[0]
    assert (got["code"] == top["name"]).sum() == top["codings"]
    assert len(report.codes) == 152 and (report.codes["parent"] != "").sum() == 140
    with zipfile.ZipFile(NVIVO) as zf:
        text = zf.read("Sources/68bbdc14-c361-4432-b4dd-ae1dbfc12890.txt").decode("utf-8-sig")
    # Read as UTF-16 code units, selections are whole lines (comments) or sentences: 274
    # are exactly a line, 300 cut no word; read as code points only 13 and 49 would.
    lines = set(text.split("\r\n"))
    assert sum(q in lines for q in got["quote"]) == 274
    assert sum(_whole_words(text, r.start, r.end) for r in got.itertuples()) == 300
    raw = [(int(s.get("startPosition")), int(s.get("endPosition")))
           for s in _qde(NVIVO).iter(f"{{{refi.NS_PROJECT}}}PlainTextSelection")]
    assert sum(text[a:b] in lines for a, b in raw) == 13
    assert sum(_whole_words(text, a, b) for a, b in raw) == 49
    after_emoji = got[[any(ord(c) > 0xFFFF for c in text[:s]) for s in got["start"]]]
    assert len(after_emoji) > 250  # so the UTF-16 conversion was exercised
    assert all(text[r.start:r.end] == r.quote for r in after_emoji.itertuples())


def test_nvivo_codes_can_be_mapped_explicitly(nvivo):
    _, report = nvivo
    name = report.unknown.iloc[0]["name"]
    guid = report.unknown.iloc[1]["guid"].upper()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", refi.RefiWarning)
        got, rep = refi.import_project(NVIVO, mapping={name: "R_TRUST", guid: "P_DETAIL"})
    assert (got["code"] == "R_TRUST").sum() == report.unknown.iloc[0]["codings"]
    assert (got["code"] == "P_DETAIL").sum() == report.unknown.iloc[1]["codings"]
    assert got.loc[got["code"].isin(["R_TRUST", "P_DETAIL"]), "mapped"].all()
    assert len(rep.unknown) == len(report.unknown) - 2
    with pytest.raises(refi.RefiError, match="not one of our code ids"):
        refi.import_project(NVIVO, mapping={name: "R_NOPE"})


def test_atlasti_codebook_imports_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error", refi.RefiWarning)
        table = refi.import_codebook(ATLAS)
    assert list(table.columns) == refi.CODEBOOK_COLUMNS
    assert table.to_dict("records") == [{
        "guid": "1ff58b12-6f6f-4b0c-8be5-bbdc91f55294", "name": "code1", "parent": "",
        "description": "description", "colour": "#46AA00"}]
    assert refi.validate(ATLAS) == []


def test_taguette_codebook_imports_with_a_warning():
    with pytest.warns(refi.RefiWarning, match=r"empty <Sets/>"):
        table = refi.import_codebook(TAGUETTE)
    assert refi.validate(TAGUETTE)  # invalid by the schema, yet read
    by_name = table.set_index("name")
    assert list(by_name.index) == ["interesting", "people", "interesting.places"]
    assert by_name.loc["interesting", "guid"] == "0d62985d-b147-5d01-a9b5-cae5dcd98342"  # lower case
    assert by_name.loc["interesting.places", "parent"] == by_name.loc["interesting", "guid"]
    assert by_name.loc["people", "parent"] == ""


# --------------------------------------------------------------------------- another tool's quirks

def _write_qdpx(path: Path, qde: str, sources: dict[str, str], qde_name: str = "project.qde",
                folder: str = "Sources") -> Path:
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(qde_name, qde)
        for name, text in sources.items():
            zf.writestr(f"{folder}/{name}", text.encode("utf-8-sig"))
    return path


G = {k: str(uuid.uuid5(uuid.NAMESPACE_DNS, k)).upper() for k in
     ("u1", "src", "c_exact", "c_case", "c_prefix", "c_sv", "c_bar", "c_foo", "note", "s1", "s2")}
TEXT = "Rad ett.\r\nVi litar på personalen 😀 men detaljstyrningen ökar.\r\nSlut."


def _quirky_project(code_ref: str = G["c_exact"], start: int = 10, end: int = 32) -> str:
    codes = "".join(f'<Code guid="{{{G[k]}}}" name="{n}" isCodable="true"/>' for k, n in [
        ("c_exact", "P_DETAIL"), ("c_case", "r_trust"), ("c_prefix", "P_ADMIN: dokumentation"),
        ("c_sv", "Helhetssyn"), ("c_bar", "Bar")])
    codings = "".join(
        f'<Coding guid="{uuid.uuid4()}" creatingUser="{G["u1"]}"><CodeRef targetGUID="{G[k]}"/></Coding>'
        for k in ("c_exact", "c_case", "c_prefix", "c_sv", "c_bar", "c_foo"))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
 xsi:schemaLocation="urn:QDA-XML:project:0:4 Project.xsd" name="Q" origin="ATLAS.ti-like">
 <Users><User guid="{G['u1']}" name="Kim"/></Users>
 <CodeBook><Codes>{codes}
  <Code guid="{G['c_foo']}" name="Foo" isCodable="true"><NoteRef targetGUID="{G['note']}"/></Code>
 </Codes></CodeBook>
 <Sources><TextSource guid="{G['src']}" name="intervju.txt" plainTextPath="internal://{G['src']}.txt">
  <PlainTextSelection guid="{G['s1']}" startPosition="{start}" endPosition="{end}">
   <Coding guid="{uuid.uuid4()}" creatingUser="{G['u1']}"><CodeRef targetGUID="{code_ref}"/></Coding>
  </PlainTextSelection>
  <PlainTextSelection guid="{G['s2']}" startPosition="40" endPosition="61">{codings}</PlainTextSelection>
 </TextSource></Sources>
 <Notes><Note guid="{G['note']}" name="memo">
  <PlainTextContent>Ett memo om Foo.</PlainTextContent></Note></Notes>
</Project>"""


def test_another_tools_project_is_read_and_mapped(codebook, tmp_path):
    path = _write_qdpx(tmp_path / "q.qdpx", _quirky_project(), {f"{G['src'].lower()}.txt": TEXT},
                       qde_name="Mitt projekt.qde")
    with pytest.warns(refi.RefiWarning) as caught:
        got, report = refi.import_project(path, mapping={"bar": "R_SUPPORT"}, code_ids=codebook)
    messages = " | ".join(str(w.message) for w in caught)
    assert "'Mitt projekt.qde', not 'project.qde'" in messages
    assert "not mapped" in messages and "'Foo'" in messages
    assert got.loc[got["start"] == 10, "quote"].item() == "Vi litar på personalen"
    span = got[got["start"] == text_index("detaljstyrningen")]
    assert span["end"].unique().tolist() == [text_index("detaljstyrningen") + len("detaljstyrningen ökar")]
    assert span["quote"].unique().tolist() == ["detaljstyrningen ökar"]
    assert dict(zip(span["code"], span["mapped"])) == {
        "P_DETAIL": True, "R_TRUST": True, "P_ADMIN": True, "R_HOLISTIC": True,
        "R_SUPPORT": True, "Foo": False}
    assert set(got["coder"]) == {"Kim"}
    assert report.unknown.to_dict("records") == [
        {"name": "Foo", "guid": G["c_foo"].lower(), "path": "Foo", "codings": 1}]
    codes = report.codes.set_index("name")
    assert codes.loc["Foo", "description"] == "Ett memo om Foo."
    assert codes.loc["P_ADMIN: dokumentation", "code"] == "P_ADMIN"


def text_index(word: str) -> int:
    return TEXT.index(word)


def test_invalid_files_are_rejected_naming_file_and_element(tmp_path):
    src = {f"{G['src']}.txt": TEXT}
    not_zip = tmp_path / "plain.qdpx"
    not_zip.write_text("hej")
    with pytest.raises(refi.RefiError, match=r"plain\.qdpx: not a zip archive"):
        refi.import_project(not_zip)

    empty = tmp_path / "empty.qdpx"
    with zipfile.ZipFile(empty, "w") as zf:
        zf.writestr("Sources/x.txt", "x")
    with pytest.raises(refi.RefiError, match=r"empty\.qdpx: no \.qde file"):
        refi.import_project(empty)

    broken = _write_qdpx(tmp_path / "broken.qdpx", _quirky_project().replace("</Users>", "</User>"), src)
    with pytest.raises(refi.RefiError, match=r"broken\.qdpx/project\.qde: not well-formed XML at line 4"):
        refi.import_project(broken)

    ghost = str(uuid.uuid4())
    dangling = _write_qdpx(tmp_path / "dangling.qdpx", _quirky_project(code_ref=ghost), src)
    with pytest.raises(refi.RefiError, match=rf"dangling\.qdpx.*<PlainTextSelection guid=\"{G['s1']}\".*"
                                             rf"<Coding .*references code {ghost}.*not in the codebook"):
        refi.import_project(dangling)

    outside = _write_qdpx(tmp_path / "outside.qdpx", _quirky_project(start=10, end=500), src)
    with pytest.raises(refi.RefiError, match=r"outside\.qdpx.*endPosition=\"500\".*'intervju\.txt'.*"
                                             r"outside its source's text \(69 UTF-16 code units\)"):
        refi.import_project(outside)

    in_pair = _write_qdpx(tmp_path / "pair.qdpx", _quirky_project(start=10, end=34), src)
    with pytest.raises(refi.RefiError, match="surrogate pair"):
        refi.import_project(in_pair)

    with pytest.raises(refi.RefiError, match=r"bad\.qdc: not well-formed XML at line 1"):
        (tmp_path / "bad.qdc").write_text("<CodeBook><Codes></CodeBook>")
        refi.import_codebook(tmp_path / "bad.qdc")
    (tmp_path / "html.qdc").write_text("<html/>")
    with pytest.raises(refi.RefiError, match=r"html\.qdc: the root element is <html>"):
        refi.import_codebook(tmp_path / "html.qdc")
    assert issubclass(refi.RefiError, ValueError)


def test_codebook_with_other_namespace_version_and_odd_guids_is_read(tmp_path):
    path = tmp_path / "old.qdc"
    path.write_text('<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes>'
                    '<Code guid="c001" name="R_TRUST" isCodable="true"><Description>d</Description>'
                    '<Code guid="c002" name="sub" isCodable="true"/></Code></Codes></CodeBook>')
    with pytest.warns(refi.RefiWarning) as caught:
        table = refi.import_codebook(path)
    text = " | ".join(str(w.message) for w in caught)
    assert "urn:QDA-XML:codebook:0:4" in text and "GUID pattern" in text
    assert table["parent"].tolist() == ["", "c001"]


@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"])
def test_the_export_is_standard_exact_and_round_trips_any_line_ends(tmp_path, line_end):
    """Sources in lower-case sources/ (REFI-QDA 1.5; NVivo's Sources/ is read too), no BOM
    before <?xml, positions over the raw text as it is, whatever its line ends."""
    cb = coding.load_codebook()
    text = line_end.join(["Rad ett.", "Detaljstyrningen ökar 😀 här.", "Slut."])
    start = text.index("Detaljstyrningen")
    coded = pd.DataFrame([{"file": "a.txt", "start": start, "end": start + 16, "code": "P_DETAIL"}])
    path = refi.export_project({"a.txt": text}, {"auto-coder": coded}, cb, tmp_path / "p.qdpx", "p")
    with zipfile.ZipFile(path) as zf:
        names = zf.namelist()
        qde = zf.read("project.qde")
    assert qde.startswith(b"<?xml") and [n.split("/")[0] for n in names if n != "project.qde"] == ["sources"]
    back, _ = refi.import_project(path, code_ids=cb)
    assert back[["file", "start", "end", "code"]].values.tolist() == [["a.txt", start, start + 16, "P_DETAIL"]]
    assert text[back["start"].iloc[0]:back["end"].iloc[0]] == "Detaljstyrningen"
    # the same project with its texts under NVivo's Sources/ reads the same
    nvivo = _write_qdpx(tmp_path / "n.qdpx", qde.decode("utf-8"),
                        {n.split("/", 1)[1]: text for n in names if n != "project.qde"}, folder="Sources")
    assert refi.import_project(nvivo, code_ids=cb)[0][["start", "end"]].values.tolist() == [[start, start + 16]]


def test_a_source_nobody_coded_is_not_read_unless_the_caller_names_it(codebook, tmp_path):
    """A reference import does not stop on an uncoded source's text (here not UTF-8); the
    review import, which names the files it checks, still reads it."""
    path = _write_qdpx(tmp_path / "q.qdpx", _quirky_project(), {f"{G['src'].lower()}.txt": TEXT})
    with zipfile.ZipFile(path, "a") as zf:
        zf.writestr("Sources/other.txt", "Å ä ö".encode("latin-1"))
    qde = _member(path, "project.qde").decode("utf-8").replace(
        "</TextSource></Sources>",
        '</TextSource><TextSource guid="{0}" name="other.txt" plainTextPath="internal://other.txt"/></Sources>'.format(
            str(uuid.uuid4()).upper()))
    again = tmp_path / "q2.qdpx"
    with zipfile.ZipFile(path) as old, zipfile.ZipFile(again, "w") as new:
        for item in old.infolist():
            new.writestr(item.filename, qde if item.filename == "project.qde" else old.read(item.filename))
    got, report = refi.import_project(again, code_ids=codebook)
    assert len(got) and report.sources[-1] == "other.txt" and report.texts[-1] is None
    with pytest.raises(refi.RefiError, match="not UTF-8"):
        refi.import_project(again, code_ids=codebook, files=["intervju.txt", "other.txt"])


# A source as a QDA tool saved it with other line ends than the raw file: its text and the
# raw file's are built from the same lines, each with its own line ends, and every span is
# placed by (line, column) in each, so the expected raw offsets do not come from the mapping.
LINES = ["Rad ett.", "Vi litar på personalen 😀 men detaljstyrningen ökar.", "", "Slut på raden.", "Tack."]
LINE_SPANS = [((1, 3), (1, 22), "R_TRUST"),  # inside a line, after a line end and an emoji
              ((1, 30), (3, 4), "P_DETAIL"),  # over two line ends
              ((0, 0), (0, 8), "P_ADMIN"),  # a whole line, up to its line end
              ((0, 4), (1, 0), "R_SUPPORT"),  # up to just after a line end
              ((3, 0), (4, 5), "R_HOLISTIC")]  # from a line's start to the text's end
LINE_END_CASES = {  # raw file's line ends, the saved text's, and how the warning says it
    "CR LF for LF": (["\n"] * 4, ["\r\n"] * 4, "CR LF where the raw file has LF 4 time(s)"),
    "LF for CR LF": (["\r\n"] * 4, ["\n"] * 4, "LF where the raw file has CR LF 4 time(s)"),
    "mixed": (["\n", "\r\n", "\r", "\r\n"], ["\r\n", "\n", "\n", "\r\n"],
              "LF where the raw file has CR 1 time(s), LF where the raw file has CR LF 1 time(s), "
              "CR LF where the raw file has LF 1 time(s)"),
}


def _lines_text(ends: list[str]) -> str:
    return "".join(line + end for line, end in zip(LINES, ends)) + LINES[-1]


def _at(ends: list[str], line: int, column: int) -> int:
    return sum(len(LINES[i]) + len(ends[i]) for i in range(line)) + column


def _saved_project(tmp_path: Path, codebook, ends: list[str], spans) -> Path:
    """A project whose source a.txt has the line ends ``ends``, its codings at ``spans``
    ((start, end, code) into that text), positions in UTF-16 units as tools write them."""
    coded = pd.DataFrame([{"file": "a.txt", "start": s, "end": e, "code": c} for s, e, c in spans])
    return refi.export_project({"a.txt": _lines_text(ends)}, {"Kim": coded}, codebook, tmp_path / "saved.qdpx", "p")


@pytest.mark.parametrize("case", LINE_END_CASES)
def test_a_source_saved_with_other_line_ends_is_read_at_the_raw_file_s_offsets(case, codebook, tmp_path):
    """A tool that saved the source with CR LF where the raw file has LF (or the other way
    round, or a mix, a lone CR too) moved every position after the first such line end; given
    the raw texts, the import maps them back exactly and says so."""
    raw_ends, saved_ends, said = LINE_END_CASES[case]
    raw, saved = _lines_text(raw_ends), _lines_text(saved_ends)
    assert raw != saved and raw.splitlines() == saved.splitlines()
    in_raw = sorted((_at(raw_ends, *a), _at(raw_ends, *b), code) for a, b, code in LINE_SPANS)
    in_saved = sorted((_at(saved_ends, *a), _at(saved_ends, *b), code) for a, b, code in LINE_SPANS)
    path = _saved_project(tmp_path, codebook, saved_ends, in_saved)
    with pytest.warns(refi.RefiWarning, match=re.escape(
            f"saved.qdpx: text source 'a.txt' has other line ends than raw/a.txt ({said}), as a QDA tool may save "
            f"a text; the positions of its {len(LINE_SPANS)} selection(s) were mapped to the raw file's")):
        got, report = refi.import_project(path, code_ids=codebook, raw_texts={"a.txt": raw})
    assert sorted(got[["start", "end", "code"]].itertuples(index=False, name=None)) == in_raw
    assert all(r.quote == raw[r.start:r.end] for r in got.itertuples())
    assert report.texts == (raw,)
    # without the raw texts the positions are those of the source's own text, as before
    got, report = refi.import_project(path, code_ids=codebook)
    assert sorted(got[["start", "end", "code"]].itertuples(index=False, name=None)) == in_saved
    assert report.texts == (saved,)


def test_a_coding_between_the_cr_and_lf_of_a_line_end_the_raw_file_writes_as_lf_is_not_mapped(codebook, tmp_path):
    """A selection that ends after the CR of a CR LF and before its LF has no place in a raw
    file that has LF there: the source is not mapped (its positions stay its own text's and
    report.texts holds that text, which the review import refuses), with a warning."""
    raw_ends, saved_ends = ["\n"] * 4, ["\r\n"] * 4
    saved = _lines_text(saved_ends)
    inside = _at(saved_ends, 1, 0) - 1
    assert saved[inside - 1:inside + 1] == "\r\n"
    spans = [(0, inside, "P_ADMIN"), (_at(saved_ends, 3, 0), _at(saved_ends, 3, 4), "R_HOLISTIC")]
    path = _saved_project(tmp_path, codebook, saved_ends, spans)
    with pytest.warns(refi.RefiWarning, match=r"saved.qdpx: text source 'a.txt' has other line ends than raw/a.txt "
                                              r"\(CR LF where the raw file has LF 4 time\(s\)\), and <PlainTextSelection "
                                              rf"[^>]* endPosition=\"{inside}\"> starts or ends between the CR and LF"):
        got, report = refi.import_project(path, code_ids=codebook, raw_texts={"a.txt": _lines_text(raw_ends)})
    assert sorted(got[["start", "end", "code"]].itertuples(index=False, name=None)) == sorted(spans)
    assert report.texts == (saved,)


@pytest.mark.parametrize("text, raw, offsets", [
    ("a\r\nb", "a\nb", {0: 0, 1: 1, 2: None, 3: 2, 4: 3}),
    ("a\nb", "a\r\nb", {0: 0, 1: 1, 2: 3, 3: 4}),
    ("a\r\r\nb\n", "a\n\nb\r\n", {1: 1, 2: 2, 3: None, 4: 3, 5: 4, 6: 6}),  # CR then CR LF: two line ends
    ("a\rb", "a\nb", {0: 0, 1: 1, 2: 2, 3: 3}),  # the same length: nothing moves
])
def test_line_ends_maps_each_offset_exactly_or_not_at_all(text, raw, offsets):
    ends = refi.line_ends(text, raw)
    assert {o: ends.to_raw(o) for o in offsets} == offsets
    assert refi.line_ends(text, text) is None and refi.line_ends(text + "x", raw) is None


def test_make_reference_import_writes_one_coders_codings_as_a_reference_coding(codebook, seed, tmp_path, capsys):
    """A coder's work in a QDA tool comes back without Python: the walkthrough found only a
    snippet in notebook 05, which did not run as written. Coder A's codings go out in a
    project and come back as reference/Anna.csv, the same spans, codes and quotes."""
    import shutil

    from helpers import reliability, review

    raw, refs = seed
    mine = tmp_path / "mine"
    shutil.copytree(paths.CORPUS_DIR, mine, ignore=shutil.ignore_patterns("reference", "review"))
    project = refi.export_project(raw, {"Anna": refs["coding_A"], "Bo": refs["coding_B"]}, codebook,
                                  tmp_path / "coders.qdpx", "Seed")
    assert review.main(["reference", str(project), "--corpus", str(mine), "--coder", "Anna"]) == 0
    said = capsys.readouterr().out
    written = mine / "reference" / "Anna.csv"
    assert f"{len(refs['coding_A'])} codings written to {written}" in said
    back = reliability.load_reference(written, raw, codebook.ids)
    key = ["file", "start", "end", "code", "quote"]
    want = refs["coding_A"][key].sort_values(key).reset_index(drop=True)
    assert back[key].sort_values(key).reset_index(drop=True).equals(want)
    # refused, nothing written: the same name again, a coder not in the project, no coder of two
    for args, said in (([], "Anna.csv exists; reference codings are never replaced"),
                       (["--coder", "Cecilia"], "'Cecilia' is not one of the project's coders: 'Anna', 'Bo'"),
                       (["--coder", "", "--name", "x"], "give CODER=, one of the project's coders: 'Anna', 'Bo'"),
                       (["--coder", "Bo", "--name", "../b"], "NAME='../b': use letters, digits, - and _ only")):
        assert review.main(["reference", str(project), "--corpus", str(mine), "--coder", "Anna", *args]) == 1
        assert said in capsys.readouterr().err
    assert sorted(p.name for p in (mine / "reference").iterdir()) == ["Anna.csv"]
