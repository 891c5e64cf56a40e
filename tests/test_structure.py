"""helpers.structure: the kind of text each sentence stands in, from general cues."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import clean, coding, corpus, structure


def _kinds(text):
    """Each sentence's text mapped to its kind, as clean.segment gives them."""
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    return {s["text"]: s["kind"] for s in sentences}


def _kind(content, first=False, alone=True, listed=False, near_image=False, leads=False):
    return structure.kind_of(content, first=first, alone=alone, listed=listed, near_image=near_image, leads=leads)


def test_a_line_of_names_where_a_byline_or_signature_stands_is_a_byline():
    """The reader's case: "Jan Marklund & Stefan Arbratt" under an article's date was a
    paragraph (its names led the keyness page's word pairs), the signature at its end a
    heading. A line of people's names alone is a byline before the first paragraph of prose
    and as the last stretch; between paragraphs it stays what it was, a heading; a title
    and a heading in sentence case are no names."""
    text = ("Tillit i välfärden\n\n2016-12-21 15:11\nJan Marklund & Stefan Arbratt\n\n"
            "Vi träffade många engagerade deltagare under året.\n\nKarin Berg och Olle Björn von Sydow\n\n"
            "Mer om styrning\n\nDetaljstyrningen tar tid från mötet med brukarna.\n\nLaura Hartman\n")
    kinds = _kinds(text)
    assert kinds["Jan Marklund & Stefan Arbratt"] == "byline" and kinds["Laura Hartman"] == "byline"
    assert kinds["Karin Berg och Olle Björn von Sydow"] == "heading"  # between paragraphs: no byline's place
    assert kinds["Tillit i välfärden"] == "title" and kinds["Mer om styrning"] == "heading"
    assert _kinds("Laura Hartman\n\nDetaljstyrningen tar tid.\n")["Laura Hartman"] == "title"  # first: a title
    signs = {"signs": True, "alone": False, "first": False, "listed": False, "near_image": False}
    assert structure.kind_of("Anna Svensson, Per Olsson och Lena Ek", **signs) == "byline"
    for not_names in ("Vård och omsorg", "Stockholm", "Jan", "JAN MARKLUND", "Anna Svensson ansvarar"):
        assert structure.kind_of(not_names, **signs) != "byline", not_names


@pytest.mark.parametrize("content, cues, kind", [
    ("Mindre administration i skolan", {"listed": True}, "list_item"),
    ("2. Vad avser ministern att göra?", {}, "list_item"),
    ("a) färre blanketter", {}, "list_item"),
    ("Anf. 12 Utbildningsminister JAN BJÖRKLUND (FP):", {}, "speaker"),
    ("Socialminister MARGOT WALLSTRÖM (s):", {}, "speaker"),
    ("Emma Svensson (MP)", {}, "speaker"),
    ("fredag 5 april 2013", {}, "dateline"),
    ("Publicerad 2017-05-03", {}, "dateline"),
    ("Av Anna Lindqvist", {}, "byline"),
    ("Text: Per Olsson", {}, "byline"),
    ("Foto: Arbetsmiljöverket", {}, "caption"),
    ("Brukare och personal i samtal", {"near_image": True}, "caption"),
    ("”Vi vill ha mer tillit i styrningen.”", {}, "quote"),
    ("Tillit i styrningen av välfärden", {"first": True}, "title"),
    ("Bakgrund", {}, "heading"),
    ("3.1 Styrning och ledning", {}, "heading"),
    ("Styrning och ledning", {}, "heading"),
    ("Detaljstyrningen tar tid från mötet med brukarna.", {}, "paragraph"),
    ("Detaljstyrningen tar tid från mötet med brukarna", {"alone": False}, "paragraph"),  # a line of a block
    ("en rad som fortsätter utan stor bokstav", {}, "paragraph"),
    ("Vi träffades den 5 april 2013 i Gislaved och pratade länge om hur vi styr och leder", {}, "paragraph"),
])
def test_kinds_from_general_cues(content, cues, kind):
    assert _kind(content, **cues) == kind
    assert kind in structure.KINDS


@pytest.mark.parametrize("content, cues, kind", [
    ("Beslut", {"alone": False, "leads": True}, "heading"),  # a heading with its text right below it
    ("4.2 Ärendet", {"alone": False, "leads": True}, "heading"),
    ("Beslut", {"alone": False}, "paragraph"),  # not followed by prose in its block
    ("Beslut:", {"alone": False, "leads": True}, "paragraph"),  # a lead-in that ends with a colon
    # a wrapped line of running text that breaks before a name is longer than a heading
    ("Regeringen har under flera år arbetat för att stärka", {"alone": False, "leads": True}, "paragraph"),
    ("ramtid i stället för minutstyrning", {"alone": False, "leads": True}, "paragraph"),  # no capital
])
def test_a_short_line_that_leads_its_block_before_prose_is_a_heading(content, cues, kind):
    assert _kind(content, **cues) == kind


def test_segment_finds_headings_with_their_text_below_them_in_one_block():
    text = ("Protokoll\nSocialnämnden\n\nBeslut\nNämnden beslutar att planera med ramtid.\n\n"
            "Ärendet\nFörvaltningen har prövat ramtid. Personalen är nöjd.\n\n"
            "Beslutsunderlag\nTjänsteskrivelse 2022-12-12\nUtvärdering av försöket\n")
    kinds = _kinds(text)
    assert kinds["Beslut"] == kinds["Ärendet"] == "heading"
    assert kinds["Nämnden beslutar att planera med ramtid."] == "paragraph"
    # followed by lines that are no prose: a list of documents, not a heading over text
    assert kinds["Beslutsunderlag"] == "paragraph"
    assert kinds["Socialnämnden"] == "paragraph"


def test_a_short_line_over_a_list_is_a_heading_and_a_line_that_runs_into_its_list_is_not():
    """The reviewer's decision record: "Beslutsunderlag" over a list of document titles stayed
    a paragraph, since a heading needed prose below it. A list whose first item begins with a
    capital (or a number) now makes the short line above it a heading; a sentence that runs
    on into its list ("Nämnden beslutar att" over "- godkänna …") stays a paragraph."""
    text = ("Protokoll\nSocialnämnden\n\n"
            "Beslutsunderlag\n- Tjänsteskrivelse 2022-12-12\n- Utvärdering av försöket\n\n"
            "Bilagor\n1. Tidplan för ramtid\n2. Enkät till personalen\n\n"
            "Nämnden beslutar att\n- planera med ramtid\n- följa upp försöket\n\n"
            "Styrningen i hemtjänsten\n- detaljstyrning av besöken\n")
    kinds = _kinds(text)
    assert kinds["Beslutsunderlag"] == kinds["Bilagor"] == "heading"
    assert kinds["Tjänsteskrivelse 2022-12-12"] == "list_item"
    assert kinds["Nämnden beslutar att"] == kinds["Styrningen i hemtjänsten"] == "paragraph"
    assert kinds["Socialnämnden"] == "paragraph"


@pytest.mark.parametrize("item, listed, opens", [
    ("Tjänsteskrivelse 2022-12-12", True, True), ("2022-12-12 Protokoll", True, True),
    ("1. Tidplan för ramtid", False, True), ("”Tillit i styrningen” (SOU 2018:47)", True, True),
    ("godkänna förslaget", True, False), ("a) färre blanketter", False, False),
    ("Tjänsteskrivelse 2022-12-12", False, False),  # no marker: not a list item
])
def test_opens_list(item, listed, opens):
    assert structure.opens_list(item, listed) is opens


def test_a_sentence_over_its_points_stays_a_coded_paragraph():
    """The reviewer's consultation reply: "Kommunen ser stora risker med detaljstyrning" over
    "- Färre besök …" was taken for a heading and lost its code (P_DETAIL). Over a list, a
    heading has at most a label's words (structure.LABEL_WORDS); over prose, as before."""
    text = ("Remissvar\n\nKommunen ser stora risker med detaljstyrning\n- Färre besök hos brukarna\n"
            "- Mer administration\n\nFörslag till beslut\n- Godkänna remissvaret\n")
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    kinds = {s["text"]: s["kind"] for s in sentences}
    assert kinds["Kommunen ser stora risker med detaljstyrning"] == "paragraph"
    assert kinds["Förslag till beslut"] == "heading" and kinds["Godkänna remissvaret"] == "list_item"
    coded = coding.code_segments(pd.DataFrame(sentences).assign(doc_id="a"), coding.load_codebook())[0]
    assert (text.index("Kommunen"), "P_DETAIL") in set(zip(coded["start"], coded["code"]))
    words = " ".join(["Ord"] * structure.LABEL_WORDS)
    assert structure.kind_of(words, first=False, alone=False, listed=False, near_image=False, heads_list=True) == "heading"
    longer = f"{words} till"
    assert structure.kind_of(longer, first=False, alone=False, listed=False, near_image=False, heads_list=True) == "paragraph"
    assert structure.kind_of(longer, first=False, alone=False, listed=False, near_image=False, leads=True) == "heading"


def test_segment_gives_each_sentence_its_kind():
    text = ("Tillit i styrningen\n\nfredag 5 april 2013\n\nBakgrund\n\n"
            "Detaljstyrningen tar tid. Vi vill ha mer tillit.\n\n"
            "- Mindre administration\n- Mer tid för eleverna\n\n"
            "bild_fran_mote.jpg\nBrukare och personal i samtal\n\n"
            "Anf. 3 Statsrådet ANNA EK (C):\n\nHerr talman! Jag tackar för frågan.\n")
    sentences, removed = clean.segment(text, "a.txt", clean.load_rules())
    kinds = [(s["text"], s["kind"]) for s in sentences]
    assert kinds == [
        ("Tillit i styrningen", "title"), ("fredag 5 april 2013", "dateline"), ("Bakgrund", "heading"),
        ("Detaljstyrningen tar tid.", "paragraph"), ("Vi vill ha mer tillit.", "paragraph"),
        ("Mindre administration", "list_item"), ("Mer tid för eleverna", "list_item"),
        ("Brukare och personal i samtal", "caption"), ("Anf. 3 Statsrådet ANNA EK (C):", "speaker"),
        ("Herr talman!", "paragraph"), ("Jag tackar för frågan.", "paragraph"),
    ]
    assert "image-filename" in {r["rule"] for r in removed}


def _seg(rows):
    return pd.DataFrame([{"file": "a.txt", "doc_id": "a", "paragraph": i, "sentence": 0, "start": 10 * i,
                          "end": 10 * i + 9, "text": t, "kind": k} for i, (t, k) in enumerate(rows)])


def test_the_codebook_leaves_its_skip_kinds_uncoded():
    cb = coding.load_codebook()
    assert set(cb.skip_kinds) == {"title", "heading", "speaker", "dateline", "byline"}
    seg = _seg([("Detaljstyrning i skolan", "heading"), ("Detaljstyrningen tar tid.", "paragraph"),
                ("Detaljstyrningen tar tid.", "quote")])
    coded = coding.code_segments(seg, cb)[0]
    assert coded["paragraph"].tolist() == [1, 2]
    everything = cb.model_copy(update={"skip_kinds": []})
    assert coding.code_segments(seg, everything)[0]["paragraph"].tolist() == [0, 1, 2]
    assert coding.code_segments(seg.drop(columns="kind"), cb)[0]["paragraph"].tolist() == [0, 1, 2]


def test_skip_kinds_must_be_kinds():
    data = coding.load_codebook().model_dump()
    data["skip_kinds"] = ["headline"]
    with pytest.raises(ValueError, match=r"skip_kinds names \['headline'\]"):
        coding.Codebook.model_validate(data)


def test_kinds_per_document_counts_sentences_in_the_order_of_the_kinds():
    from helpers import pipeline

    seg = pd.DataFrame({"doc_id": ["a", "a", "a", "b"], "kind": ["paragraph", "title", "paragraph", "heading"]})
    table = pipeline.kinds_per_document(seg)
    assert list(table.columns) == ["title", "heading", "paragraph"]
    assert table.loc["a"].tolist() == [1, 0, 2] and table.loc["b"].tolist() == [0, 1, 0]


@pytest.mark.parametrize("line, label", [
    ("Intervjuare: Hur ser ni på detaljstyrningen?", "Intervjuare:"),
    ("IP: Vi har för mycket dokumentation.", "IP:"),
    ("ip: Ja.", "ip:"),  # a role abbreviation in lower case
    ("Fråga: Hur mycket tid går till dokumentation?", "Fråga:"),
    ("Svar: Ungefär hälften.", "Svar:"),
    ("Anna Svensson: Vi behöver mer tid med brukarna.", "Anna Svensson:"),
    ("Deltagare 2: – Det är svårt att hinna.", "Deltagare 2:"),
    ("Int.: ”Hur då?”", "Int.:"),
])
def test_a_turns_label_at_a_lines_start_is_found_by_its_form(line, label):
    found = structure.turn(line, {structure.label_key(label)})  # a name labels a turn when it recurs
    assert found is not None and line[:found[0]] == label
    assert line[found[1]:] == line[len(label):].lstrip()


@pytest.mark.parametrize("line", [
    "Beslut: 2024-05-23",  # header fields: a date, a number or a name, no sentence
    "Beslut: 2024-05-23.",
    "Departement: Socialdepartementet",
    "Diarienummer: S2020/01234",
    "Skälet är enkelt: Vi litar inte på personalen.",  # a lead-in with a word in lower case
    "Det finns tre skäl: tid, pengar och tillit.",
    "Slutsats: vi behöver mer tillit.",  # the text after the colon runs on in lower case
    "Socialchef Anna Svensson Berg: Vi vill ha mer tid.",  # four words: no label
    "Klockan 10:00 började mötet.",
    "Rapport: Tillit i styrningen",  # a title with a colon ends no sentence
])
def test_header_fields_and_sentences_with_a_colon_are_no_turns(line):
    assert structure.turn(line) is None


@pytest.mark.parametrize("line", [
    "Detaljstyrning: Det är ett stort problem för oss.", "Hemlöshet: Antalet hemlösa ökar.", "Källa: SCB.",
    "Anna Svensson: Vi behöver mer tid med brukarna.",
])
def test_a_lead_in_that_is_no_role_labels_a_turn_only_when_it_recurs(line):
    """The reviewer's cases: a theme that leads a line ("Detaljstyrning: …") was split off
    as an uncoded speaker's label. A label that is no role must open two lines of the file."""
    assert structure.turn(line) is None
    assert structure.turn(line, {"Intervjuare", "IP"}) is None
    assert structure.turn(line, structure.repeated_labels([line, "Annat: Något annat hände."])) is None
    assert structure.turn(line, structure.repeated_labels([line, line])) is None  # recurs, but no dialogue
    assert structure.turn(line, structure.repeated_labels([line, "Per Holm: Ja.", line])) is not None
    assert structure.turn("IP 2: Vi vill ha mer tid.") is not None  # a role, perhaps numbered, needs no repeat


def test_a_theme_that_leads_a_line_stays_a_coded_paragraph():
    """The reviewer's report: "Detaljstyrning: Det är ett stort problem för oss." was coded
    P_DETAIL, and after the turns' cue its theme was an uncoded speaker's label."""
    text = ("Rapport om styrningen\n\nDetaljstyrning: Det är ett stort problem för oss.\n\n"
            "Tillitsbaserad styrning: Vi vill pröva det nästa år.\n\nKälla: SCB.\n")
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    assert [(s["text"], s["kind"]) for s in sentences[1:]] == [
        ("Detaljstyrning: Det är ett stort problem för oss.", "paragraph"),
        ("Tillitsbaserad styrning: Vi vill pröva det nästa år.", "paragraph"), ("Källa: SCB.", "paragraph")]
    coded = coding.code_segments(pd.DataFrame(sentences).assign(doc_id="a"), coding.load_codebook())[0]
    assert (text.index("Detaljstyrning:"), "P_DETAIL") in set(zip(coded["start"], coded["code"]))


def test_a_lead_in_that_recurs_without_a_dialogue_stays_a_coded_paragraph():
    """The last note's gap: a theme used as the lead-in of two lines was taken for a repeated
    speaker's label and lost its code. Labels are a dialogue's only when a speaker speaks
    again after another (A, B, A); a theme on two lines, or two themes on two lines each in a
    row (A, A, B, B), is no dialogue. A themed lead-in stays a coded paragraph."""
    text = ("Rapport om styrningen\n\n"
            "Detaljstyrning: Det är ett stort problem för oss.\n"
            "Detaljstyrning: Rektorerna får inte bestämma själva.\n"
            "Tillit: Vi vill pröva det nästa år.\n"
            "Tillit: Personalen ska få mer ansvar.\n")
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    assert "speaker" not in [s["kind"] for s in sentences]
    coded = coding.code_segments(pd.DataFrame(sentences).assign(doc_id="a"), coding.load_codebook())[0]
    assert {(text.index(line), "P_DETAIL") for line in ("Detaljstyrning: Det", "Detaljstyrning: Rek")} <= set(
        zip(coded["start"], coded["code"]))
    order = ["Detaljstyrning: Det är ett problem.", "Detaljstyrning: Det är svårt.", "Tillit: Vi vill det.",
             "Tillit: Vi ska det."]
    assert structure.repeated_labels(order) == frozenset()
    # three themes, two lines each in a row: the label changes twice, but no theme comes back
    assert structure.repeated_labels([*order, "Uppföljning: Det mäts.", "Uppföljning: Det vägs."]) == frozenset()
    assert structure.repeated_labels([order[0], order[2], order[1], order[3]]) == {"detaljstyrning", "tillit"}
    assert structure.repeated_labels([order[0], order[2], order[1]]) == {"detaljstyrning"}  # A, B, A


def test_a_label_that_recurs_in_another_case_is_the_same_speakers():
    """The last note's gap: a file's labels were compared case by case ("Anna:" and
    "ANNA:" two labels, neither recurring) while study.yaml's turns: compares them without
    case (label_key), so a turn the study gives a voice was not split off. They are compared
    alike now: "ANNA:" after "Bo:" is Anna speaking again."""
    lines = ["Anna: Vi hinner inte träffa brukarna.", "Bo: Varför inte?", "ANNA: Dokumentationen tar all tid."]
    assert structure.repeated_labels(lines) == {"anna"}
    text = "Samtal om tiden\n\n" + "\n".join(lines) + "\n"
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    speakers = [s["text"] for s in sentences if s["kind"] == "speaker"]
    assert speakers == ["Anna:", "ANNA:"]  # "Bo:" does not recur: no label
    assert structure.label_key("ANNA:") == structure.label_key("Anna") == corpus.label_key("anna.:")


def test_a_transcripts_repeated_name_labels_split_its_turns():
    text = ("Samtal om tillit\n\n"
            "Anna Svensson: Hur ser ni på detaljstyrningen?\n"
            "Per Holm: Detaljstyrningen tar tid från brukarna.\n"
            "Anna Svensson: Vad vill ni ändra?\n"
            "Per Holm: Vi vill ha mer tillit.\n")
    sentences, _ = clean.segment(text, "a.txt", clean.load_rules())
    assert [(s["text"], s["kind"]) for s in sentences[1:5]] == [
        ("Anna Svensson:", "speaker"), ("Hur ser ni på detaljstyrningen?", "paragraph"),
        ("Per Holm:", "speaker"), ("Detaljstyrningen tar tid från brukarna.", "paragraph")]
    assert [s["kind"] for s in sentences].count("speaker") == 4


def test_segment_splits_a_turns_label_from_its_text_which_stays_coded():
    """The reviewer's interview: the labels were part of the paragraphs, so "Intervjuare" and
    "IP" stood in coded sentences with the turns' text. Now each label is a speaker sentence
    (which the study's codebook leaves uncoded) and the text after it a paragraph (coded)."""
    text = ("Intervju med en enhetschef\n\n"
            "Intervjuare: Hur ser ni på detaljstyrningen?\n"
            "IP: Vi har för mycket dokumentation. Detaljstyrningen tar tid från brukarna.\n\n"
            "Beslut: 2024-05-23\nDepartement: Socialdepartementet\n")
    sentences, removed = clean.segment(text, "a.txt", clean.load_rules())
    kinds = [(text[s["start"]:s["end"]], s["kind"], s["paragraph"], s["sentence"]) for s in sentences]
    assert kinds[1:6] == [
        ("Intervjuare:", "speaker", 1, 0), ("Hur ser ni på detaljstyrningen?", "paragraph", 1, 1),
        ("IP:", "speaker", 1, 2), ("Vi har för mycket dokumentation.", "paragraph", 1, 3),
        ("Detaljstyrningen tar tid från brukarna.", "paragraph", 1, 4),
    ]
    # header fields stay whole and are no speakers
    assert [k for t, k, _, _ in kinds if t.startswith(("Beslut", "Departement"))] == ["dateline", "paragraph"]
    assert not removed
    seg = pd.DataFrame(sentences).assign(doc_id="a")
    coded = coding.code_segments(seg, coding.load_codebook())[0]
    said = set(coded["start"])
    assert text.index("Hur ser ni") in said and text.index("Detaljstyrningen tar") in said
    assert text.index("IP:") not in said and text.index("Intervjuare:") not in said
