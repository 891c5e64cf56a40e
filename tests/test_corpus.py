"""Raw corpus: checksums, metadata, decoding and its errors."""

from __future__ import annotations

import codecs
import logging
import re

import pytest

from helpers import corpus, paths


def test_raw_files_match_checksums():
    assert corpus.verify_checksums(paths.CORPUS_DIR) == []
    assert len(corpus.read_checksums(paths.CORPUS_DIR)) == 5


def test_checksum_check_detects_a_changed_file(corpus_factory):
    root = corpus_factory({"a.txt": "Hej.\n"})
    (root / "SHA256SUMS").write_text(f"{corpus.sha256(root / 'raw/a.txt')}  raw/a.txt\n")
    assert corpus.verify_checksums(root) == []
    (root / "raw/a.txt").write_text("Hej då.\n", encoding="utf-8")
    assert corpus.verify_checksums(root) == ["raw/a.txt: content differs from SHA256SUMS"]


def test_checksums_written_inside_raw_are_named_once_with_how_to_write_them(corpus_factory):
    """`cd raw && sha256sum *` lists a.txt: each file was said missing and unlisted both."""
    root = corpus_factory({"a.txt": "Hej.\n", "b.txt": "Då.\n"})
    (root / "SHA256SUMS").write_text(f"{corpus.sha256(root / 'raw/a.txt')}  a.txt\n"
                                     f"{corpus.sha256(root / 'raw/b.txt')}  raw/b.txt\n", encoding="utf-8")
    assert corpus.verify_checksums(root) == [
        "a.txt: listed in SHA256SUMS without raw/; it names files from the corpus folder (raw/a.txt): write it there "
        "with `sha256sum raw/*.txt > SHA256SUMS`"]


def test_study_metadata_says_what_is_known_and_no_more():
    meta = corpus.load_metadata(paths.CORPUS_DIR).set_index("file")
    assert list(meta.index) == [p.name for p in corpus.list_raw_files(paths.CORPUS_DIR)]
    assert meta["doc_id"].is_unique
    assert meta.loc["003_f96865c3ddb400e7.txt", "date"] == "2015"
    assert meta.loc["003_f96865c3ddb400e7.txt", "date_inferred"] == "true"
    assert "autumn" in meta.loc["003_f96865c3ddb400e7.txt", "date_note"]
    assert meta.loc["002_a62e90012542eaf2.txt", "date"] == "2013-04-05"
    assert meta.loc["002_a62e90012542eaf2.txt", "author"] == ""  # unsigned: not invented
    assert meta.loc["004_8532f4a48792f5a4.txt", "date"] == "2016-10-10/2017-04-21"
    assert meta.loc["004_8532f4a48792f5a4.txt", "date_inferred"] == "true"


def test_utf8_bom_is_not_counted():
    raw = corpus.decode(codecs.BOM_UTF8 + "Åsa är här.".encode(), "x.txt")
    assert raw.text == "Åsa är här." and raw.notes


def test_utf16_is_decoded_with_a_note():
    raw = corpus.decode("Öppenhet och tillit\r\n".encode("utf-16"), "x.txt")
    assert raw.text == "Öppenhet och tillit\r\n" and "UTF-16" in raw.notes[0]


def test_cp1252_with_swedish_letters_is_decoded_and_logged():
    raw = corpus.decode("Tillit är viktigt för välfärden.".encode("cp1252"), "x.txt")
    assert raw.text == "Tillit är viktigt för välfärden." and raw.encoding == "cp1252"
    assert "cp1252" in raw.notes[0]


def test_undecodable_bytes_name_file_offset_and_line():
    with pytest.raises(corpus.CorpusError, match=r"x\.txt: not valid UTF-8 at byte 8 \(line 2\)"):
        corpus.decode(b"abc\ndefg\x81\x8d", "x.txt")


def test_binary_file_is_refused_with_its_name():
    with pytest.raises(corpus.CorpusError, match=r"bild\.txt: byte 3 is a NUL byte"):
        corpus.decode(b"PNG\x00\x01\x02", "bild.txt")


def test_no_metadata_warns_and_uses_file_names(corpus_factory, caplog):
    root = corpus_factory({"b.txt": "Två.", "a.txt": "Ett."})
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    assert list(meta["doc_id"]) == ["a", "b"]
    assert "no metadata.csv" in caplog.text


def test_metadata_keeps_extra_columns_and_fills_unnamed_files(corpus_factory, caplog):
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, "file,doc_id,voice\na.txt,first,chair\n")
    with caplog.at_level(logging.WARNING):
        meta = corpus.load_metadata(root)
    assert meta.to_dict("records") == [
        {"file": "a.txt", "doc_id": "first", "voice": "chair"},
        {"file": "b.txt", "doc_id": "b", "voice": ""},
    ]
    assert "does not name b.txt" in caplog.text


@pytest.mark.parametrize("metadata, message", [
    ("file\nc.txt\n", r"metadata\.csv line 2: names 'c\.txt', which is not in raw/"),
    ("file,doc_id\na.txt,x\nb.txt,x\n", r"duplicate doc_id \['x'\] on lines 2, 3"),
    ("file,date\na.txt,5 april 2013\n", r"metadata\.csv line 2, column date: '5 april 2013' is not ISO 8601"),
    ("name\na.txt\n", r"missing required column\(s\) \['file'\]"),
])
def test_bad_metadata_is_an_error_naming_the_line(corpus_factory, metadata, message):
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, metadata)
    with pytest.raises(corpus.CorpusError, match=message):
        corpus.load_metadata(root)


def test_an_excel_export_separated_by_semicolons_says_so(corpus_factory, tmp_path):
    """The reviewer's case: Excel's CSV with a Swedish locale is separated by ';' (and saved
    with a BOM and CRLF), and was refused as missing the column 'file'."""
    root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, "")
    for sep, shown in ((";", "';'"), ("\t", "tabs")):
        (root / "metadata.csv").write_bytes(f"\ufefffile{sep}doc_id\r\na.txt{sep}A\r\n".encode())
        with pytest.raises(corpus.CorpusError) as err:
            corpus.load_metadata(root)
        assert str(err.value).startswith(
            f"{paths.display(root / 'metadata.csv')} line 1: the file is separated by {shown}, not by commas: "
            "save it as comma-separated CSV (UTF-8)"), str(err.value)
    (root / "metadata.csv").write_text("file,title\na.txt,Ett; två\n", encoding="utf-8")  # ';' in a value
    assert corpus.load_metadata(root)["title"].tolist() == ["Ett; två", ""]
    # saved in Excel's own encoding too: one error says both, so that one re-save mends the file
    (root / "metadata.csv").write_bytes("file;doc_id;author\r\na.txt;A;Åsa\r\n".encode("cp1252"))
    with pytest.raises(corpus.CorpusError) as err:
        corpus.load_metadata(root)
    assert "Re-save the file as UTF-8. It is also separated by ';', not by commas: save it as comma-separated" in str(
        err.value), str(err.value)
    (root / "metadata.csv").write_bytes("file,doc_id,author\r\na.txt,A,Åsa\r\n".encode("cp1252"))
    with pytest.raises(corpus.CorpusError) as err:
        corpus.load_metadata(root)
    assert "separated" not in str(err.value)


def test_every_bad_date_is_reported_at_once_with_the_iso_form_when_unambiguous(corpus_factory):
    """The reviewer's case: 2023-1-5, 5/1/2023 and 12.6.2023 took three runs, one refused per
    run. One error names each (file, line, column, value); 2023-1-5 can only be 2023-01-05,
    5/1/2023 either 5 January or 1 May (both offered, neither chosen), 25/1/2023 only 25 January."""
    root = corpus_factory({f"{n}.txt": "Ett." for n in "abcdef"},
                          "file,date\na.txt,2023-1-5\nb.txt,2023-01-05\nc.txt,5/1/2023\nd.txt,12.6.2023\n"
                          "e.txt,25/1/2023\nf.txt,2017-02-31\n")
    with pytest.raises(corpus.CorpusError) as err:
        corpus.load_metadata(root)
    shown = paths.display(root / "metadata.csv")
    lines = str(err.value).splitlines()
    assert lines[0].startswith(f"{shown}: 5 date(s) to fix"), lines
    assert lines[1:] == [
        f"  {shown} line 2, column date: '2023-1-5' is not ISO 8601. Write 2023-01-05.",
        f"  {shown} line 4, column date: '5/1/2023' is not ISO 8601. Day and month could be either way round: "
        "write 2023-01-05 if the day comes first, 2023-05-01 if the month does.",
        f"  {shown} line 5, column date: '12.6.2023' is not ISO 8601. Day and month could be either way round: "
        "write 2023-06-12 if the day comes first, 2023-12-06 if the month does.",
        f"  {shown} line 6, column date: '25/1/2023' is not ISO 8601. Write 2023-01-25.",
        f"  {shown} line 7, column date: '2017-02-31' does not exist ('2017-02-31').",
    ]


def test_metadata_errors_show_the_file_one_way(corpus_factory):
    """The date errors said 'metadata.csv line 3', the column error the full path: both as
    paths.display shows paths now."""
    shown = None
    for i, text in enumerate(("name\na.txt\n", "file,date\na.txt,2013\nb.txt,x\n", "file\nc.txt\n",
                              "file,doc_id\na.txt,x\nb.txt,x\n")):
        root = corpus_factory({"a.txt": "Ett.", "b.txt": "Två."}, text, name=f"c{i}")
        shown = paths.display(root / "metadata.csv")
        with pytest.raises(corpus.CorpusError) as err:
            corpus.load_metadata(root)
        assert str(err.value).startswith(shown) and str(root) not in str(err.value), str(err.value)


def test_missing_raw_folder_says_what_to_do(tmp_path):
    with pytest.raises(corpus.CorpusError, match=re.escape("raw/*.txt")):
        corpus.list_raw_files(tmp_path)


def test_study_yaml_is_optional_and_checked(corpus_factory):
    root = corpus_factory({"a.txt": "Text.\n"})
    assert corpus.load_study(root) == {}
    (root / "study.yaml").write_text("title: En studie\n", encoding="utf-8")
    assert corpus.load_study(root) == {"title": "En studie"}
    (root / "study.yaml").write_text("title: En studie\nyears: [2013, 2017]\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError) as err:
        corpus.load_study(root)
    assert str(err.value) == (f"{paths.display(root / 'study.yaml')}: unknown key(s) 'years' on line 2; the keys are "
                              "title, about, questions, voice, turns, period, validation. Rename or remove it.")
    # a misspelt key is named with its line and the key it is near
    (root / "study.yaml").write_text("questons:\n  - Vad?\nperiods: 2013\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"…/[^/]+/study\.yaml: unknown key\(s\) 'periods' on line 3 "
                                                 r"\(did you mean 'period'\?\), 'questons' on line 1 \(did you mean "
                                                 r"'questions'\?\); .*Rename or remove them\."):
        corpus.load_study(root)
    # a key YAML reads as no text is named as read, with no line that would not be its own
    (root / "study.yaml").write_text("true: x\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"study\.yaml: unknown key\(s\) 'True'; the keys are"):
        corpus.load_study(root)
    (root / "study.yaml").write_text("title: [a, b]\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="title must be text"):
        corpus.load_study(root)
    study = corpus.load_study(paths.CORPUS_DIR)
    assert study["title"] == "Trust, control and the core mission" and study["about"].startswith("Between 2013")


def test_study_yaml_questions_voice_and_period(corpus_factory):
    root = corpus_factory({"a.txt": "Text.\n"})
    (root / "study.yaml").write_text("questions:\n  - Vad?\n  - ' Varför? '\nvoice: speaker\nperiod: 2003–2024\n",
                                     encoding="utf-8")
    study = corpus.load_study(root)
    assert study == {"questions": ["Vad?", "Varför?"], "voice": "speaker", "period": "2003–2024"}
    assert corpus.voice_column(study, ["file", "speaker"]) == "speaker"
    with pytest.raises(corpus.CorpusError, match=r"voice column 'speaker', which metadata\.csv does not have"):
        corpus.voice_column(study, ["file", "voice"])
    assert corpus.voice_column({}, ["file", "voice"]) == "voice"
    assert corpus.voice_column({}, ["file", "genre"]) is None
    (root / "study.yaml").write_text("questions: Vad?\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="questions must be a list of texts"):
        corpus.load_study(root)
    (root / "study.yaml").write_text("title: [unclosed\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match=r"study\.yaml: not valid YAML"):
        corpus.load_study(root)
    study = corpus.load_study(paths.CORPUS_DIR)
    assert len(study["questions"]) == 3 and study["voice"] == "voice" and study["period"] == "2013–2017"


def test_study_yaml_says_who_made_the_reference_codings_and_the_findings_say_it_before_any_figure(corpus_factory):
    """The reader's case: the findings said "enough for firm conclusions" of example codings
    made by an AI model, and said what they were only in a remark further down."""
    root = corpus_factory({"a.txt": "Text.\n"})
    (root / "study.yaml").write_text("validation: Två <b>kodare</b> vid institutionen.\n", encoding="utf-8")
    assert corpus.load_study(root) == {"validation": "Två <b>kodare</b> vid institutionen."}
    (root / "study.yaml").write_text("validation: [a]\n", encoding="utf-8")
    with pytest.raises(corpus.CorpusError, match="validation must be text"):
        corpus.load_study(root)
    from helpers import coding, evaluation, review
    cb = coding.load_codebook()
    note = review.validation_note(True, None, cb, made_by=corpus.load_study(paths.CORPUS_DIR)["validation"])
    assert note.startswith("**Validation on this corpus:** reference codings (step 3 compares the auto-coder "
                           "with them). **Who made them:** The reference codings")
    assert "made by an AI model" in note and "validate nothing." in note
    # the corpus's own words are escaped, not markup, and the note without them is as before
    assert "&lt;b&gt;kodare&lt;/b&gt;" in review.validation_note(True, None, cb, made_by="Två <b>kodare</b>")
    assert "Who made them" not in review.validation_note(True, None, cb)
    for folder in evaluation.DEVELOPMENT_CORPORA:  # the development corpora say theirs too
        assert "made by an AI" in corpus.load_study(paths.PROJ_ROOT / folder)["validation"]


def test_study_yaml_turns_give_a_turns_label_a_voice(corpus_factory):
    root = corpus_factory({"a.txt": "Text.\n"})
    study = root / "study.yaml"
    study.write_text("voice: role\nturns:\n  Intervjuare:  interviewer \n  'IP 2:': practitioner\n  Anna  Svensson: "
                     "<b>chair</b>\n", encoding="utf-8")
    # the label as findings name it (no colon, white space collapsed), the voice as text (escaped where shown)
    assert corpus.load_study(root) == {"voice": "role", "turns": {"Intervjuare": "interviewer", "IP 2": "practitioner",
                                                                  "Anna Svensson": "<b>chair</b>"}}
    refused = {
        "turns: interviewer\n": (r"study\.yaml: turns must map each turn's label to its voice, not be str; write "
                                r"\"turns:\" and under it, indented, one line per label with its voice "
                                r"\(\"  Intervjuare: interviewer\"\)\.$"),
        "turns:\n": r"turns must map each turn's label to its voice, not be NoneType",
        "turns:\n  - IP\n": r"turns must map each turn's label to its voice, not be list",
        "turns:\n  IP:\n": r"turns: the label 'IP' needs a voice as text, not None; write \"turns:\"",
        "turns:\n  IP: ' '\n": r"turns: the label 'IP' needs a voice as text, not ' '",
        "turns:\n  IP: [a, b]\n": r"the label 'IP' needs a voice as text, not \['a', 'b'\]",
        "turns:\n  1: interviewer\n": (r"turns: the label 1 is not a label's text; write \"turns:\" and under it, .*, "
                                     r"quoting a label"),
        "turns:\n  Yes: interviewer\n": r"turns: the label True is not a label's text",
        "turns:\n  '': interviewer\n": r"turns: the label '' is not a label's text",
        "turns:\n  ':': interviewer\n": r"turns: the label ':' is not a label's text",
        "turns:\n  IP: a\n  ip.: b\n": r"turns: the labels 'IP' and 'ip\.' are one label \(case, the colon and a full "
                                     r"stop closing a word do not count\); give it once",
        "turns:\n  IP: a\n  'IP:': b\n": r"the labels 'IP' and 'IP:' are one label",
        "turns:\n  IP: a\n  IP: b\n": r"study\.yaml: the key 'IP' is given twice in one mapping, on line 2 and line 3",
    }
    for text, message in refused.items():
        study.write_text(text, encoding="utf-8")
        with pytest.raises(corpus.CorpusError, match=message):
            corpus.load_study(root)
    study.write_text("turns:\n  IP: a\n  IP 2: b\n  Int.: c\n", encoding="utf-8")  # a number makes another label
    assert corpus.load_study(root)["turns"] == {"IP": "a", "IP 2": "b", "Int.": "c"}


def test_label_key_is_how_study_yaml_turns_match_a_label():
    """study.yaml's turns: are matched by label_key: case, the colon, white space and a
    full stop closing a word do not count; a number does (two interviewees, two voices)."""
    key = corpus.label_key
    assert key("IP:") == key("ip") == key(" IP  :") == "ip"
    assert key("Int.:") == key("int") == "int"
    assert key("Anna  Svensson:") == key("anna svensson") == "anna svensson"
    assert key("IP 2:") == "ip 2" != key("IP:")
    assert key("Intervjuperson 2:") != key("Intervjuperson 12:")
    assert key(":") == ""
