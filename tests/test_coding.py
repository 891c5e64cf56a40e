"""Codebook validation and the rule matcher."""

from __future__ import annotations

import logging
import re

import pandas as pd
import pytest
import yaml

from helpers import clean, coding, corpus, evaluation, matcher, paths


def clean_tokens(text):
    return clean.tokenize(clean.normalise(text))


def test_study_codebook_uses_exactly_the_fourteen_ids():
    cb = coding.load_codebook()
    assert cb.ids == list(coding.STUDY_CODE_IDS)
    assert {c.family for c in cb.codes if c.id.startswith("P_")} == {"P"}
    assert {c.family for c in cb.codes if c.id.startswith("R_")} == {"R"}
    assert set(cb.attributes) == {"sector", "actors"}
    assert set(cb.attributes["sector"]) == {"social_services", "school", "elderly_care", "disability", "health_care"}


@pytest.mark.parametrize("pattern, word, expected", [
    ("tillit", "tillit", True), ("tillit", "tilliten", False),
    ("detaljstyr*", "detaljstyrningen", True), ("detaljstyr*", "styrning", False),
    ("*styrning", "resultatstyrning", True), ("*styrning", "styrningen", False),
    ("*dokumentation*", "överdokumentationskraven", True),
])
def test_word_patterns(pattern, word, expected):
    assert matcher.WordPattern(pattern).matches(word) is expected


def _matcher(**terms):
    return matcher.Matcher([matcher.Term.parse(label, t) for label, texts in terms.items() for t in texts], clean.lemma)


def test_tables_are_put_in_codebook_order_by_the_codebook():
    cb = coding.load_codebook()
    df = pd.DataFrame({"file": ["b", "a", "a", "a", "a"], "start": [0, 5, 5, 0, 5],
                       "code": ["P_DETAIL", "R_TRUST", "NOT_A_CODE", "R_TRUST", "P_DETAIL"], "n": range(5)})
    by_sentence = cb.in_code_order(df, by=["file", "start"])
    assert by_sentence["n"].tolist() == [3, 4, 1, 2, 0]  # a code the codebook lacks comes last
    assert cb.in_code_order(df)["n"].tolist() == [0, 4, 1, 3, 2]  # stable within a code
    assert list(by_sentence.columns) == list(df.columns) and by_sentence.index.tolist() == list(range(5))


def test_phrases_match_consecutive_words_only():
    m = _matcher(A=["peta i"])
    assert m.match("Politiken vill inte peta i detaljer".split()) == {"A": [("peta i", "peta i")]}
    assert m.match("peta inte i".split()) == {}
    assert m.match(["peta"]) == {}  # phrase cut off at the end of the sentence


def test_exclusions_suppress_a_code():
    m = matcher.Matcher([matcher.Term.parse("R_TRUST", "förtroende*", ["förtroendevald*"])], clean.lemma)
    assert m.match("Förtroendevalda beslutar".split()) == {}
    assert m.match("Förtroendet växer".split()) == {"R_TRUST": [("förtroende*", "Förtroendet")]}


def test_code_segments_records_rules_and_words_sorted():
    cb = coding.load_codebook()
    seg = pd.DataFrame([{
        "file": "a.txt", "doc_id": "a", "paragraph": 0, "sentence": 0, "start": 0, "end": 60,
        "text": "Detaljstyrningen och dokumentationen tar tid från kärnuppdraget.",
    }])
    out = coding.code_segments(seg, cb)[0]
    assert list(out.columns) == ["file", "doc_id", "paragraph", "sentence", "start", "end", "code", "rules", "matched"]
    assert out[["code", "rules", "matched"]].to_dict("records") == [
        {"code": "P_DETAIL", "rules": "*detaljstyr*", "matched": "Detaljstyrningen"},
        {"code": "P_ADMIN", "rules": "*dokumentation* ~5 tid*", "matched": "dokumentationen … tid"},
    ]


def test_context_attributes_default_to_general():
    cb = coding.load_codebook()
    texts = ["Socialsekreterarna i socialtjänsten och politikerna.", "Det regnar."]
    seg = pd.DataFrame({"file": "a.txt", "doc_id": "a", "paragraph": [0, 1], "sentence": [0, 0], "start": [0, 60],
                        "end": [52, 71], "text": texts})
    attrs = coding.code_segments(seg, cb)[2]
    assert attrs.to_dict("records") == [
        {"sector": "social_services", "actors": "politicians; professionals"},
        {"sector": "general", "actors": ""},
    ]
    assert cb.attribute_defaults == {"sector": "general"}  # said once, in the codebook
    without = cb.model_copy(update={"attribute_defaults": {}})
    assert coding.code_segments(seg, without)[2]["sector"].tolist() == ["social_services", ""]


def test_a_sentence_naming_no_sector_counts_for_its_paragraphs():
    """The reader's case: 221 of the seeds' 289 sentences counted as 'general', among them
    sentences in paragraphs on home care or school that name the sector only once. With the
    codebook's attribute_scope 'paragraph' a sentence that names none takes the sectors the
    rest of its paragraph names; a paragraph naming none is general, and a sentence's own
    sector is kept. Actors, without a scope, stay sentence by sentence."""
    cb = coding.load_codebook()
    assert cb.attribute_scope == {"sector": "paragraph"}
    texts = ["Hemtjänsten i kommunen har fått nya regler.", "De behöver mer tid med varje brukare.",
             "Skolan och lärarna får också nya regler.", "Det regnar."]
    seg = pd.DataFrame({"file": "a.txt", "doc_id": "a", "paragraph": [0, 0, 0, 1], "sentence": [0, 1, 2, 0],
                        "start": [0, 50, 90, 140], "end": [44, 88, 130, 151], "text": texts})
    sector = coding.code_segments(seg, cb)[2]["sector"].tolist()
    assert sector == ["elderly_care", "elderly_care; school", "school", "general"]
    per_sentence = coding.code_segments(seg, cb.model_copy(update={"attribute_scope": {}}))[2]["sector"].tolist()
    assert per_sentence == ["elderly_care", "general", "school", "general"]
    with pytest.raises(ValueError, match=r"attribute_scope names \['sectors'\]"):
        coding.Codebook.model_validate(cb.model_dump() | {"attribute_scope": {"sectors": "paragraph"}})


def test_attribute_defaults_must_name_attributes():
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    data["attribute_defaults"] = {"region": "none"}
    with pytest.raises(ValueError, match=r"attribute_defaults names \['region'\]"):
        coding.Codebook.model_validate(data)


def _write(tmp_path, mutate):
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    mutate(data)
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return p


@pytest.mark.parametrize("mutate, message", [
    (lambda d: d["codes"].append(dict(d["codes"][0])), "duplicate code id 'P_DETAIL'"),
    (lambda d: d["codes"][1].update(colour="red"), r"codes\.P_ADMIN\.colour"),
    (lambda d: d["codes"][2].update(wording="x"), r"codes\.P_MEASURE\.wording: `wording` is not a key here; the keys are `id`, "),
    (lambda d: d["codes"][0].update(terms=["a**b"]), r"codes\.P_DETAIL\.terms: .*'a\*\*b' is not a word pattern"),
    (lambda d: d["codes"][0].pop("name_en"), r"codes\.P_DETAIL\.name_en: missing: add `name_en: <the code's English name>`"),
    # '~N' only between two patterns: elsewhere it would be read as a literal word "~3"
    (lambda d: d["codes"][0].update(terms=["a ~3 b c"]), r"codes\.P_DETAIL\.terms: .*'~N' joins exactly two"),
    (lambda d: d["codes"][0].update(terms=["~2 a"]), r"codes\.P_DETAIL\.terms: .*'~N' joins exactly two"),
    (lambda d: d["codes"][0].update(terms=["a ~0 b"]), r"codes\.P_DETAIL\.terms: .*'~0' asks for no distance"),
    # a misspelt attribute was read and never used: every sentence's sector empty, and no word of why
    (lambda d: d.update(attributes={"sectors": d["attributes"]["sector"]}, attribute_defaults={}, attribute_exclude={}),
     r"line \d+: attributes: attributes names \['sectors'\]; the attributes a codebook can define are sector, actors"),
])
def test_invalid_codebook_names_the_code_and_field(tmp_path, mutate, message):
    with pytest.raises(coding.CodebookError, match=message):
        coding.load_codebook(_write(tmp_path, mutate))


@pytest.mark.parametrize("text, messages", [
    # a codebook of one's own without the top-level keys: pydantic's "name: Field required"
    ("codes:\n  - {id: R_ONE, family: R, name_sv: a, name_en: a, colour: '#117733', definition: d, use_when: u, "
     "terms: [a]}\n",
     [r"line 1: name: missing: add `name: <your codebook's name>` at the top of the file",
      r"line 1: version: missing: add `version: 1` at the top of the file \(a whole number"]),
    # a lower-case id: "String should match pattern '^[A-Z][A-Z0-9_]*$'"
    ("name: t\nversion: 1\ncodes:\n  - {id: ramtid, family: R, name_sv: a, name_en: a, definition: d, use_when: u, "
     "terms: [a]}\n",
     [r"line 4: codes\.ramtid\.id: 'ramtid' is not an id: ids are upper-case letters, digits and _, starting with "
      r"a letter, e\.g\. R_FRAMETIME \(write RAMTID\)",
      r"line 4: codes\.ramtid\.colour: missing: add `colour: \"#rrggbb\"`"]),
    ("name: t\nversion: one\nunit: paragraph\ncodes: []\n",
     [r"line 2: version: 'one' is not a whole number, e\.g\. 1", r"line 3: unit: 'paragraph' is not a unit: the only "
      r"unit is `sentence`", r"line 4: codes: is empty: give at least one code"]),
    ("name: t\nversion: 1\ncodes:\n  - {id: R_ONE, family: X, name_sv: 5, name_en: a, colour: red, definition: d, "
     "use_when: u, terms: []}\n",
     [r"codes\.R_ONE\.family: 'X' is not a family: write P \(a problem\) or R \(a remedy\)",
      r"codes\.R_ONE\.name_sv: 5 is not a text \(put it in quotes", r"codes\.R_ONE\.colour: 'red' is not a colour",
      r"codes\.R_ONE\.terms: is empty: give at least one rule"]),
])
def test_codebook_errors_say_what_to_write(tmp_path, text, messages):
    p = tmp_path / "codebook.yaml"
    p.write_text(text, encoding="utf-8")
    with pytest.raises(coding.CodebookError) as err:
        coding.load_codebook(p)
    for message in messages:
        assert re.search(message, str(err.value)), (message, str(err.value))
    assert "Field required" not in str(err.value) and "should match pattern" not in str(err.value)


def test_a_corpus_codebook_replaces_the_study_codebook(tmp_path):
    assert coding.codebook_path(tmp_path) == paths.CODEBOOK_FILE
    p = _write(tmp_path, lambda d: d.update(codes=[dict(d["codes"][0], id="MY_CODE")]))
    assert coding.codebook_path(tmp_path) == p
    assert coding.load_codebook(p).ids == ["MY_CODE"]


def _m(*terms, label="X", exclude=()):
    return matcher.Matcher([matcher.Term.parse(label, t, exclude) for t in terms], clean.lemma)


def test_lemmas_match_inflected_forms():
    # "mätning" (exact word) matches the plural through its lemma
    assert _m("mätning").match(["Mätningar"]) == {"X": [("mätning", "Mätningar")]}
    assert _m("socialsekreterare").match(["socialsekreterarna"]) == {"X": [("socialsekreterare", "socialsekreterarna")]}


def test_compound_parts_match_as_head_or_modifier():
    assert _m("*styrning").match(["resultatstyrningen"]) == {"X": [("*styrning", "resultatstyrningen")]}  # lemma
    assert _m("personal*").match(["personalomsättningen"]) == {"X": [("personal*", "personalomsättningen")]}
    assert _m("*dokumentation*").match(["dokumentationskraven"]) == {"X": [("*dokumentation*", "dokumentationskraven")]}


def test_coordinated_compounds_carry_both_parts():
    tokens = clean_tokens("Vi har för mycket detalj- och resultatstyrning.")
    found = _m("detaljstyr*").match(tokens)
    assert found == {"X": [("detaljstyr*", "detalj- … resultatstyrning")]}
    assert _m("resultatstyr*").match(tokens) == {"X": [("resultatstyr*", "resultatstyrning")]}
    # a hyphen without a coordinated compound is left alone
    assert _m("detaljstyr*").match(clean_tokens("detalj- och")) == {}


def test_proximity_rules_find_words_near_each_other_in_either_order():
    m = _m("mål ~3 indikator*")
    assert m.match("mål och många indikatorer".split()) == {"X": [("mål ~3 indikator*", "mål … indikatorer")]}
    assert m.match("indikatorer för mål".split()) == {"X": [("mål ~3 indikator*", "indikatorer … mål")]}
    assert m.match("mål a b c d indikatorer".split()) == {}


def test_not_with_context_suppresses_a_code_and_logs_it(tmp_path):
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    data["codes"] = [dict(id="P_MEASURE", family="P", name_sv="m", name_en="m", colour="#000000",
                          definition="d", use_when="u", terms=["utvärdering*"], not_with=["forsk*"])]
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cb = coding.load_codebook(p)
    seg = pd.DataFrame([
        {"file": "a.txt", "doc_id": "a", "paragraph": 0, "sentence": 0, "start": 0, "end": 9,
         "text": "Utvärderingen styr allt."},
        {"file": "a.txt", "doc_id": "a", "paragraph": 0, "sentence": 1, "start": 10, "end": 40,
         "text": "Forskarnas utvärdering är till för lärande."},
    ])
    coded, suppressed, _ = coding.code_segments(seg, cb)
    assert coded[["start", "code"]].values.tolist() == [[0, "P_MEASURE"]]
    assert suppressed[["start", "code", "suppressed_by", "suppressing_words"]].values.tolist() == [
        [10, "P_MEASURE", "forsk*", "Forskarnas"]]


def test_errors_name_the_line(tmp_path):
    text = paths.CODEBOOK_FILE.read_text(encoding="utf-8")
    lines = text.splitlines()
    n = next(i for i, ln in enumerate(lines) if ln.strip().startswith("colour:"))
    lines[n] = lines[n].split("colour:")[0] + 'colour: "red"'
    p = tmp_path / "codebook.yaml"
    p.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(coding.CodebookError, match=rf"line {n + 1}: codes\.P_DETAIL\.colour"):
        coding.load_codebook(p)


def test_example_quotes_must_stand_in_the_corpus(tmp_path):
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    good = {"file": "000_ff484f60f80210ce.txt", "start": 533, "end": 538, "quote": "Borde"}
    data["codes"][0]["examples"] = [good]
    p = tmp_path / "codebook.yaml"
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    coding.load_codebook(p, corpus=paths.CORPUS_DIR)
    data["codes"][0]["examples"] = [dict(good, quote="Borda")]
    p.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(coding.CodebookError, match=r"line \d+: codes\.P_DETAIL\.examples\.0: the quote is not raw\[533:538\]"):
        coding.load_codebook(p, corpus=paths.CORPUS_DIR)


def test_a_copied_study_codebook_loads_in_another_corpus_without_its_examples(corpus_factory, caplog):
    """`cp helpers/data/codebook.yaml mycorpus/` plus a code of one's own stopped with
    "file '000_ff484f60f80210ce.txt' is not in mycorpus/raw/" until all 14 `examples:`
    blocks were deleted by hand. Examples illustrate; those whose file is not in this corpus
    are left out, named in one warning, and the rest still must stand in the raw text."""
    text = "Vi har ramtid i hemtjänsten nu.\n"
    corpus = corpus_factory({"own.txt": text})
    data = yaml.safe_load(paths.CODEBOOK_FILE.read_text(encoding="utf-8"))
    own = {"file": "own.txt", "start": 0, "end": 31, "quote": text[:31]}
    data["codes"].append(dict(id="R_FRAMETIME", family="R", name_sv="ramtid", name_en="frame time", colour="#117733",
                              definition="d", use_when="u", terms=["*ramtid*"], examples=[own]))
    (corpus / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with caplog.at_level("WARNING", logger="helpers.coding"):
        cb = coding.codebook_for(corpus)
        assert coding.codebook_for(corpus) == cb  # a notebook loads it several times: one warning
    assert cb.ids == [*coding.STUDY_CODE_IDS, "R_FRAMETIME"]
    assert [c.id for c in cb.codes if c.examples] == ["R_FRAMETIME"]
    assert cb.code("R_FRAMETIME").examples[0].file == "own.txt"
    warned = [r.getMessage() for r in caplog.records if "left out" in r.getMessage()]
    assert len(warned) == 1, warned
    assert "28 example quote(s) left out" in warned[0] and "mycorpus/raw/" in warned[0]
    assert "(P_DETAIL: 000_ff484f60f80210ce.txt)" in warned[0] and "(R_LONGTERM: 003_f96865c3ddb400e7.txt)" in warned[0]
    # an example whose file IS in this corpus must still stand there
    data["codes"][-1]["examples"] = [dict(own, quote="Vi har minuter")]
    (corpus / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(coding.CodebookError, match=r"codes\.R_FRAMETIME\.examples\.0: the quote is not raw\[0:31\] of own\.txt"):
        coding.codebook_for(corpus)


def test_the_study_codebook_examples_stand_in_the_corpus():
    cb = coding.codebook_for(paths.CORPUS_DIR)
    assert all(c.examples for c in cb.codes), [c.id for c in cb.codes if not c.examples]


def test_matching_cost_is_per_word_type():
    seen = []

    def lemmatize(word):
        seen.append(word)
        return clean.lemma(word)

    m = coding.code_matcher(coding.load_codebook(), lemmatize)
    assert m.match(["Detaljstyrningen", "detaljstyrningen"] * 50)["P_DETAIL"]
    assert seen == ["detaljstyrningen"]  # one word type: lemmatised once


def test_aggregate_to_paragraphs_and_documents():
    coded = pd.DataFrame({
        "file": ["a", "a", "a", "b"], "doc_id": ["A", "A", "A", "B"], "paragraph": [0, 0, 1, 0],
        "code": ["P_ADMIN", "P_ADMIN", "P_ADMIN", "R_TRUST"]})
    assert coding.aggregate(coded, "paragraph").values.tolist() == [
        ["a", "A", 0, "P_ADMIN", 2], ["a", "A", 1, "P_ADMIN", 1], ["b", "B", 0, "R_TRUST", 1]]
    assert coding.aggregate(coded, "document").values.tolist() == [["A", "P_ADMIN", 3], ["B", "R_TRUST", 1]]


def test_attribute_exclusions_keep_homographs_out_of_a_value():
    """'skol*' reads the lemma too, and simplemma lemmatises the modal verbs ska, skall and
    skulle as 'skola' (school): the codebook's attribute_exclude keeps them out."""
    cb = coding.load_codebook()
    texts = ["Vi skulle vilja ha mer tillit.", "Det ska bli bättre i skolan.", "Hon skall komma.", "Skolorna växer."]
    seg = pd.DataFrame({"file": "a.txt", "doc_id": "a", "paragraph": range(4), "sentence": 0,
                        "start": range(4), "end": range(1, 5), "text": texts})
    assert coding.code_segments(seg, cb)[2]["sector"].tolist() == ["general", "school", "general", "school"]
    without = cb.model_copy(update={"attribute_exclude": {}})
    assert coding.code_segments(seg, without)[2]["sector"].tolist() == ["school", "school", "school", "school"]
    data = cb.model_dump()
    data["attribute_exclude"] = {"sector": {"schools": ["ska"]}}
    with pytest.raises(ValueError, match=r"attribute_exclude names sector: \['schools'\]"):
        coding.Codebook.model_validate(data)


def test_the_codebook_table_cites_the_studys_examples_as_the_studys_on_another_corpus(tmp_path):
    """The study's codebook on a researcher's corpus: its examples are quoted from the
    study's corpus, which the researcher's has no file of; the citation says whose it is."""
    (tmp_path / "raw").mkdir()
    cb = coding.codebook_for(tmp_path)
    mine = cb.table(tmp_path)["example"]
    ids = "|".join(corpus.doc_ids(paths.CORPUS_DIR).values())  # by its document's id, as every page names it
    assert mine.str.contains(rf"\(the study's corpus, (?:{ids}), \d+–\d+\)$").all(), mine.tolist()
    assert not cb.table(paths.CORPUS_DIR)["example"].str.contains("the study's corpus").any()
    assert cb.table()["example"].tolist() == cb.table(paths.CORPUS_DIR)["example"].tolist()
    assert cb.table()["example"].iloc[0].endswith("(kcnc-2016, 1103–1171)")  # not "(000, …)", a file's prefix
    # a corpus whose metadata names no file cites the file itself
    assert corpus.doc_ids(tmp_path) == {}


def test_the_codebook_table_cites_an_example_in_a_diary_entry_by_the_entry(tmp_path):
    """The reader's case: step 2's table cited "tillit-diary, 3178–3248" where the codebook
    page and the findings cite "tillit-diary/gislaved"; with the run's documents it says the entry."""
    cb = coding.codebook_for(paths.CORPUS_DIR)
    example = cb.codes[2].examples[0]
    documents = pd.DataFrame({"doc_id": ["d", "d/gislaved"], "file": [example.file] * 2, "parent": ["", "d"],
                              "start": [0, example.start - 1], "end": [99999, example.end + 1]})
    assert cb.table(paths.CORPUS_DIR, documents)["example"].iloc[2].endswith(f"(d/gislaved, {example.start}–{example.end})")
    assert "d/gislaved" not in cb.table(paths.CORPUS_DIR)["example"].iloc[2]  # entries unknown: the file's id
    (tmp_path / "raw").mkdir()  # another corpus's documents are not the examples': never read for them
    assert "d/gislaved" not in cb.table(tmp_path, documents)["example"].iloc[2]


def test_explain_shows_each_sentence_once_beside_its_codes(seed_tables):
    """The reader's case: notebook 02's examples printed each sentence's text once per code."""
    s = seed_tables
    table = coding.explain(s["coded"], s["segments"], sentences=2)
    assert list(table.index.names) == ["doc_id", "start", "end", "text", "code"]
    assert list(table.columns) == ["rules", "matched"]
    texts = table.index.get_level_values("text")
    assert texts.nunique() == 2 and len(table) > 2  # two sentences, each with more than one code
    page = table.to_html()
    assert all(page.count(f">{text}<") == 1 for text in texts.unique())


def _docs(*texts_by_file):
    """One document per file; a first line without a full stop is its title (a kind not coded)."""
    rows = [{"file": f, "doc_id": f[:-4], "paragraph": i, "sentence": 0, "start": 100 * i, "end": 100 * i + len(t),
             "text": t, "kind": "title" if i == 0 and not t.endswith(".") else "paragraph"}
            for f, texts in texts_by_file for i, t in enumerate(texts)]
    return pd.DataFrame(rows)


# a codebook's scope as version 14 of the study's had it (scored once, not adopted), its terms shortened
SCOPE = {"description": "a public service, a public body, its staff and users or their governance",
         "terms": ["*myndighet*", "kommun", "*kommunen", "*kommuner", "skol*", "*skolan", "elev*", "*vård",
                   "*vården", "personal*", "*personalen", "patient*", "*styrning*"],
         "exclude": ["ska", "skall", "skulle"], "except_codes": ["P_ADMIN"]}


def _scoped(**scope) -> coding.Codebook:
    return coding.load_codebook().model_copy(update={"scope": coding.Scope.model_validate(SCOPE | scope)})


def test_a_document_that_names_no_public_service_gets_no_code_and_its_hits_are_logged():
    """A codebook's scope: a text off its topic as a whole (two rail operators' cooperation, a
    policy conflict's long-term solution) gets no code, and each hit it would have had is in
    suppressed.csv with the reason and the scope's words the document names (none); the same
    words in a document that names a public service anywhere, in another paragraph or its
    title, are coded. A code of `except_codes` (administrative burden) is coded anywhere."""
    cb = _scoped()
    seg = _docs(("rail.txt", ["Samarbetet mellan de två tågoperatörerna har länge varit dåligt.",
                              "Vi behöver en långsiktig lösning på konflikten.",
                              "Byråkratin tar tid från det viktiga arbetet."]),
                ("school.txt", ["Elevhälsan i Exempelby", "Samarbetet har länge varit dåligt.",
                                "Vi behöver en långsiktig lösning på konflikten."]))
    coded, suppressed, _ = coding.code_segments(seg, cb)
    assert coded[["file", "code"]].values.tolist() == [["rail.txt", "P_ADMIN"], ["school.txt", "R_HOLISTIC"],
                                                      ["school.txt", "R_LONGTERM"]]
    assert suppressed[["file", "code"]].values.tolist() == [["rail.txt", "R_HOLISTIC"], ["rail.txt", "R_LONGTERM"]]
    assert set(suppressed["suppressed_by"]) == {
        "scope: 0 of 1 sentence(s) of the document name a public service, a public body, its staff and users or "
        "their governance"}
    assert set(suppressed["suppressing_words"]) == {""}
    unscoped = coding.code_segments(seg, cb.model_copy(update={"scope": None}))
    assert len(unscoped[0]) == 5 and unscoped[1].empty
    two = coding.code_segments(seg, _scoped(min_sentences=2))  # the title alone is not enough now
    assert sorted(set(two[1]["file"])) == ["rail.txt", "school.txt"]
    assert set(two[1]["suppressed_by"].str[:21]) == {"scope: 0 of 2 sentenc", "scope: 1 of 2 sentenc"}
    assert set(two[1]["suppressing_words"]) == {"", "Elevhälsan"}


def test_the_scope_counts_words_of_its_own_not_modal_verbs():
    """"ska" and "skulle" are lemmatised as "skola" (school): with the scope's `exclude` they
    do not bring a text into scope; "kommunikation" is no "kommun"; a municipality, a patient
    or staff do."""
    cb = _scoped()
    out = ["Vi ska hitta en långsiktig lösning.", "Det skulle kräva en långsiktig lösning.",
           "God kommunikation ger en långsiktig lösning."]
    into = ["Kommunen behöver en långsiktig lösning.", "Patienterna behöver en långsiktig lösning.",
            "Personalen behöver en långsiktig lösning."]
    seg = _docs(*((f"t{i}.txt", [t]) for i, t in enumerate(out + into)))
    coded, suppressed, _ = coding.code_segments(seg, cb)
    longterm = suppressed[suppressed["code"] == "R_LONGTERM"]
    assert longterm["file"].tolist() == ["t0.txt", "t1.txt", "t2.txt"] and set(longterm["suppressing_words"]) == {""}
    assert coded["file"].tolist() == ["t3.txt", "t4.txt", "t5.txt"] and set(coded["code"]) == {"R_LONGTERM"}
    assert set(suppressed["suppressed_by"].str[:6]) == {"scope:"}


def test_a_scope_that_exempts_a_code_the_codebook_lacks_says_so(tmp_path, caplog):
    """A codebook copied with a scope and given codes of its own: the exception that names no
    code of it is said (file, codes, what to do) and ignored; a scope's terms are checked as
    a code's are."""
    p = _write(tmp_path, lambda d: d.update(codes=[dict(d["codes"][0], id="MY_CODE")], scope=SCOPE))
    with caplog.at_level(logging.WARNING):
        assert coding.load_codebook(p).scope.except_codes == ["P_ADMIN"]
    assert "codebook.yaml: scope.except_codes names P_ADMIN, not a code of this codebook; ignored (name this " \
           "codebook's codes there, or leave `except_codes` out)" in caplog.text
    p = _write(tmp_path, lambda d: d.update(scope=SCOPE | {"terms": ["a**b"]}))
    with pytest.raises(coding.CodebookError, match=r"line \d+: scope\.terms: .*'a\*\*b' is not a word pattern"):
        coding.load_codebook(p)


def test_the_scope_is_read_per_document_so_a_diarys_entries_each_need_it():
    """A file that holds a diary's dated entries holds several documents (doc_ids): an entry
    that names nothing of the scope is out of it although another entry of the file names it."""
    seg = pd.DataFrame({"file": "diary.txt", "doc_id": ["diary/e1", "diary/e2"], "paragraph": [0, 1],
                        "sentence": 0, "start": [0, 100], "end": [60, 160], "kind": "paragraph",
                        "text": ["Eleverna i skolan behöver en långsiktig plan.", "Vi behöver en långsiktig lösning."]})
    coded, suppressed, _ = coding.code_segments(seg, _scoped())
    assert coded[["doc_id", "code"]].values.tolist() == [["diary/e1", "R_LONGTERM"]]
    assert suppressed[["doc_id", "code"]].values.tolist() == [["diary/e2", "R_LONGTERM"]]


def test_the_coder_is_rebuilt_when_the_scope_changes():
    """The matchers are built once per codebook; a codebook with other scope terms is another
    codebook, so the same text is coded by the terms in force."""
    seg = _docs(("t.txt", ["Kommunen behöver en långsiktig lösning."]))
    assert len(coding.code_segments(seg, _scoped())[0]) == 1
    assert len(coding.code_segments(seg, _scoped(terms=["skol*"]))[0]) == 0
    assert len(coding.code_segments(seg, _scoped())[0]) == 1


def test_the_keyword_baseline_takes_no_scope():
    """The keyword baseline is the same yardstick whatever the codebook: a codebook's scope
    does not leave the baseline's documents uncoded (it did while version 14 was scored)."""
    cb = _scoped()
    base = evaluation.baseline_codebook(cb)
    assert cb.scope is not None and base is not None and base.scope is None
