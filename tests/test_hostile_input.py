"""Hostile and broken input (issue 12): what is refused, what is repaired and logged, and
what is accepted. One section per kind of input; each section keeps its helpers to itself,
so sections added on other branches merge side by side."""

from __future__ import annotations

import codecs
import logging
import os
import re
import unicodedata
import zipfile

import pytest

from helpers import corpus, refi, reliability

# --- encodings ---------------------------------------------------------------------------


def test_mixed_utf8_and_cp1252_lines_are_decoded_line_by_line_and_each_logged(corpus_factory, caplog):
    lines = ["Förtroende är viktigt.\n", "Detaljstyrning är dålig.\n", "Tilliten växer.\n"]
    data = lines[0].encode("utf-8") + lines[1].encode("cp1252") + lines[2].encode("utf-8")
    root = corpus_factory({"mixed.txt": data})
    with caplog.at_level(logging.WARNING):
        raw = corpus.read_raw(root / "raw" / "mixed.txt")
    assert raw.text == "".join(lines)  # no mojibake: "FÃ¶rtroende" was the old reading
    assert raw.encoding == "utf-8+cp1252"
    assert "mixes UTF-8" in caplog.text and "mixed.txt" in caplog.text
    # the decision is logged per line, with what undoes it: bytes and characters
    note = next(n for n in raw.notes if n.startswith("line 2 "))
    b0, b1, c0, c1 = map(int, re.search(r"bytes (\d+)-(\d+), characters (\d+)-(\d+)", note).groups())
    assert raw.text[c0:c1].encode("cp1252") == data[b0:b1]
    assert note in caplog.text


def test_a_line_mixing_utf8_and_cp1252_itself_is_refused_naming_the_line():
    data = "Förtroende är viktigt. ".encode() + "Detaljstyrning är dålig.\n".encode("cp1252")
    with pytest.raises(corpus.CorpusError, match=r"mixed\.txt: not valid UTF-8 at byte 40 \(line 1\)"
                                                 r".*also holds UTF-8 characters.*Re-save"):
        corpus.decode(data, "mixed.txt")


def test_a_line_neither_utf8_nor_cp1252_is_named_not_the_first_cp1252_line():
    data = "Välfärd.\n".encode("cp1252") + b"ok\nfel \x81 h\xe4r\n"
    with pytest.raises(corpus.CorpusError, match=r"x\.txt: not valid UTF-8 at byte 16 \(line 3\).*"
                                                 r"nor cp1252 \(byte 16 is undefined there\)"):
        corpus.decode(data, "x.txt")


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_bom_is_decoded_and_logged_not_called_binary(codec):
    text = "Tillit och dialog i välfärden.\r\nÅsa.\n"
    raw = corpus.decode(text.encode(codec), "x.txt")
    assert raw.text == text and raw.encoding == codec
    assert "without a byte-order mark" in raw.notes[0]


def test_nul_bytes_that_are_not_clearly_utf16_are_still_refused_with_both_readings_named():
    with pytest.raises(corpus.CorpusError, match=r"bild\.txt: byte 3 is a NUL byte.*binary.*"
                                                 r"UTF-16/UTF-32 text without a byte-order mark"):
        corpus.decode(b"PNG\x00\x01\x02\x00", "bild.txt")


@pytest.mark.parametrize("codec, bom", [("utf-32-le", codecs.BOM_UTF32_LE), ("utf-32-be", codecs.BOM_UTF32_BE)])
def test_utf32_with_a_bom_is_read_as_utf32_not_utf16(codec, bom):
    raw = corpus.decode(bom + "Hej på dig 😀".encode(codec), "x.txt")
    assert raw.text == "Hej på dig 😀" and raw.encoding == "utf-32"
    assert "UTF-32" in raw.notes[0]


# --- raw/ folder: links, names, other files ----------------------------------------------

def test_a_link_in_raw_to_a_file_outside_the_corpus_is_refused_naming_the_link(corpus_factory, tmp_path):
    root = corpus_factory({"a.txt": "Detaljstyrning är stor.\n"})
    (root / "kept").mkdir()
    (root / "kept" / "b.txt").write_text("Tillit.\n", encoding="utf-8")
    os.symlink(root / "kept" / "b.txt", root / "raw" / "b.txt")  # inside the corpus: followed
    assert [p.name for p in corpus.list_raw_files(root)] == ["a.txt", "b.txt"]
    secret = tmp_path / "secret.txt"
    secret.write_text("Hemlig text.\n", encoding="utf-8")
    os.symlink(secret, root / "raw" / "notes.txt")
    with pytest.raises(corpus.CorpusError, match=r"raw/notes\.txt: a symbolic link to .*secret\.txt, "
                                                 r"outside the corpus folder.*Copy the file into raw/"):
        corpus.read_raw_texts(root)


def test_upper_case_txt_is_read_and_every_skipped_entry_is_named(corpus_factory, caplog):
    root = corpus_factory({"a.txt": "Ett.\n", "B.TXT": "Två.\n", "c.md": "# Tre\n"})
    (root / "raw" / "sub").mkdir()
    (root / "raw" / "sub" / "e.txt").write_text("Fem.\n", encoding="utf-8")
    os.symlink(root / "gone.txt", root / "raw" / "d.txt")
    with caplog.at_level(logging.WARNING):
        files = corpus.list_raw_files(root)
    assert [p.name for p in files] == ["B.TXT", "a.txt"]
    assert "c.md (not .txt)" in caplog.text
    assert "sub/ (a folder" in caplog.text
    assert re.search(r"d\.txt \(a link to .*gone\.txt, which does not exist\)", caplog.text)


# --- metadata ------------------------------------------------------------------------------

def test_a_reversed_date_interval_is_refused_and_forward_ones_kept(corpus_factory):
    ok = "file,date\na.txt,2016-10-10/2017\nb.txt,2017-05/2017\n"
    assert list(corpus.load_metadata(corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, ok, "ok"))["date"]) == \
        ["2016-10-10/2017", "2017-05/2017"]
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, "file,date\na.txt,2015\nb.txt,2017/2015\n")
    with pytest.raises(corpus.CorpusError, match=r"metadata\.csv line 3: date interval '2017/2015' "
                                                 r"ends before it starts"):
        corpus.load_metadata(root)


@pytest.mark.parametrize("content, message", [
    ("file,title\na.txt,Välfärd\n".encode("cp1252"),
     r"metadata\.csv: not valid UTF-8 at byte 18 \(line 2\).*Re-save the file as UTF-8"),
    (b"", r"metadata\.csv: the file is empty"),
    (b"file,doc_id\na.txt,x,extra\nb.txt,y\n", r"metadata\.csv line 2: 3 field\(s\), but the header has 2"),
    (b"file,doc_id\na.txt,x\nb.txt,y,extra\n", r"metadata\.csv line 3: 3 field\(s\), but the header has 2"),
    (b"file,doc_id,doc_id\na.txt,x,y\n", r"metadata\.csv line 1: the column 'doc_id' appears twice"),
], ids=["cp1252", "empty", "ragged first row", "ragged later row", "repeated column"])
def test_unreadable_metadata_is_an_error_naming_the_file_and_line(corpus_factory, content, message):
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."})
    (root / "metadata.csv").write_bytes(content)
    with pytest.raises(corpus.CorpusError, match=message):
        corpus.load_metadata(root)


def test_metadata_lines_are_counted_in_the_file_not_in_rows(corpus_factory):
    meta = 'file,doc_id,note\na.txt,x,"two\nlines"\n\nb.txt,x,y\n'
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, meta)
    with pytest.raises(corpus.CorpusError, match=r"duplicate doc_id \['x'\] on lines 2, 5"):
        corpus.load_metadata(root)


@pytest.mark.parametrize("on_disk, in_metadata", [("NFC", "NFD"), ("NFD", "NFC")])
def test_a_file_name_in_another_unicode_form_is_matched_saying_which_is_which(
        corpus_factory, caplog, on_disk, in_metadata):
    disk = unicodedata.normalize(on_disk, "välfärd.txt")
    named = unicodedata.normalize(in_metadata, "välfärd.txt")
    root = corpus_factory({disk: "Välfärd."}, f"file,doc_id\n{named},v\n")
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    assert meta.to_dict("records") == [{"file": disk, "doc_id": "v"}]
    form = {"NFC": "composed (NFC)", "NFD": "decomposed (NFD)"}
    assert f"line 2: names {named!r} in {form[in_metadata]} form, and raw/ has it in " \
           f"{form[on_disk]} form" in caplog.text


# --- REFI-QDA files ------------------------------------------------------------------------

_G = "00000000-0000-0000-0000-00000000000"


def _qde(start: int, end: int, source: str = "internal://s.txt") -> str:
    return (f'<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook><Codes>'
            f'<Code guid="{_G}2" name="P_DETAIL" isCodable="true"/></Codes></CodeBook><Sources>'
            f'<TextSource guid="{_G}3" name="a.txt" plainTextPath="{source}">'
            f'<PlainTextSelection guid="{_G}4" startPosition="{start}" endPosition="{end}">'
            f'<Coding guid="{_G}5"><CodeRef targetGUID="{_G}2"/></Coding></PlainTextSelection>'
            f'</TextSource></Sources></Project>')


def _qdpx(path, qde: str, source: bytes | None = b"Detaljstyrning.") -> str:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("project.qde", qde)
        if source is not None:
            zf.writestr("Sources/s.txt", source)
    return path


def test_a_zip_bomb_is_refused_before_it_is_unpacked_naming_the_member(tmp_path):
    bomb = _qdpx(tmp_path / "bomb.qdpx", _qde(0, 5), b"a" * (8 << 20))  # 8 MB from ~8 KB
    with pytest.raises(refi.RefiError, match=r"bomb\.qdpx: member 'Sources/s\.txt' would unpack from "
                                             r"[\d,]+ to 8,388,608 bytes .*zip bomb.*MAX_RATIO"):
        refi.import_project(bomb)


def test_a_member_over_the_size_limit_is_refused_naming_it(tmp_path, monkeypatch):
    big = _qdpx(tmp_path / "big.qdpx", _qde(0, 5))
    monkeypatch.setattr(refi, "MAX_MEMBER_BYTES", 100)
    with pytest.raises(refi.RefiError, match=r"big\.qdpx: member 'project\.qde' would unpack to [\d,]+ "
                                             r"bytes, over the limit of 100"):
        refi.import_project(big)
    with pytest.raises(refi.RefiError, match=r"member 'project\.qde'"):
        refi.validate(big)


def test_selections_of_a_source_without_text_are_still_checked(tmp_path):
    path = _qdpx(tmp_path / "notext.qdpx", _qde(-50, -10, "internal://missing.txt"), None)
    with pytest.raises(refi.RefiError, match=r"notext\.qdpx/project\.qde: <PlainTextSelection .*"
                                             r"startPosition=\"-50\".*negative or reversed"):
        refi.import_project(path)


def test_an_empty_selection_is_not_imported_and_is_counted(tmp_path):
    path = _qdpx(tmp_path / "empty.qdpx", _qde(3, 3))
    with pytest.warns(refi.RefiWarning, match=r"1 empty selection\(s\), startPosition = endPosition"):
        codings, report = refi.import_project(path)
    assert codings.empty and report.selections == 1


def test_validating_a_malformed_project_raises_our_error_naming_the_member(tmp_path):
    path = _qdpx(tmp_path / "broken.qdpx", "<Project xmlns='urn:QDA-XML:project:1.0'><Users>")
    with pytest.raises(refi.RefiError, match=r"broken\.qdpx/project\.qde: not well-formed XML at line 1"):
        refi.validate(path)


# --- reference codings ---------------------------------------------------------------------

@pytest.mark.parametrize("name", ["auto-coder.csv", "Auto-Coder.csv"])
def test_a_reference_coder_named_like_the_auto_coder_is_refused(tmp_path, name):
    folder = tmp_path / "reference"
    folder.mkdir()
    (folder / name).write_text("file,start,end,code,quote\na.txt,0,6,P_DETAIL,Detalj\n", encoding="utf-8")
    with pytest.raises(reliability.ReferenceCodingError,
                       match=rf"{re.escape(name)}: a reference coder cannot be called 'auto-coder'.*Rename"):
        reliability.load_references(folder, {"a.txt": "Detaljstyrning."}, ["P_DETAIL"])
