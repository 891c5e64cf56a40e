"""Input that other tools produce and that must not change the findings: the kinds the
hostile-input review (issue 12) found mishandled, one section per kind."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers import clean, corpus, paths, pipeline

SEEDS = corpus.list_raw_files(paths.CORPUS_DIR)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def is_mark(ch: str) -> bool:
    return unicodedata.category(ch).startswith("M")


# --- Unicode: decomposed letters (NFD) ---
# macOS and some exports write "ö" as "o" + U+0308 and "å" as "a" + U+030A. A token's raw
# span must cover the whole word, marks included, and the token must be the composed
# (NFC) word, as in the sentence's text, so that the coder sees the same words.

SWEDISH_WORDS = ["Förtroende", "målstyrning", "Åsa", "Ärenden"]


def test_marks_are_every_unicode_mark_and_nothing_else():
    """``clean.MARKS`` is written out from the Unicode database; this checks it, and the
    pattern built from it, code point by code point."""
    every = "".join(chr(i) for i in range(sys.maxunicode + 1) if not 0xD800 <= i < 0xE000)
    marks = {ch for ch in every if is_mark(ch)}
    assert set(re.findall(f"[{clean.MARKS}]", every)) == marks
    assert set(re.findall(clean._MARK, every)) == marks
    # text holding one of them never takes the plain pattern
    assert all(clean._NOT_PLAIN.match(ch) for ch in marks)


@pytest.mark.parametrize("word", SWEDISH_WORDS)
def test_a_decomposed_word_is_one_token_covering_its_marks(word):
    raw = nfd(f"Vi talar om {word} här.")
    assert raw != nfc(raw)
    spans = clean.token_spans(raw)
    assert [t for _, _, t in spans] == ["Vi", "talar", "om", word, "här"]
    start, end, _ = spans[3]
    assert raw[start:end] == nfd(word)
    assert clean.tokenize(clean.normalise(raw)) == [t for _, _, t in spans]


def test_decomposed_and_composed_copies_give_the_same_tokens_with_their_own_offsets():
    text = "Förtroendet för målstyrning växer; Åsa läser ärendena, 1 234,5 kr och barn- och äldreomsorg."
    composed, decomposed = nfc(text), nfd(text)
    which, starts, ends, tokens = clean.token_columns_of([decomposed, composed], [0, 0], [len(decomposed), len(composed)])
    per_copy = {i: [(s, e, t) for w, s, e, t in zip(which, starts, ends, tokens) if w == i] for i in (0, 1)}
    assert [t for *_, t in per_copy[0]] == [t for *_, t in per_copy[1]] == clean.tokenize(composed)
    assert {"Förtroendet", "målstyrning", "Åsa", "ärendena", "234,5", "barn-"} <= set(tokens)
    for raw, spans in ((decomposed, per_copy[0]), (composed, per_copy[1])):
        assert all(nfc(raw[s:e]) == t for s, e, t in spans)
    assert per_copy[0][0][:2] == (0, len(nfd("Förtroendet")))


def test_tokenize_keeps_the_marks_of_a_cleaned_word():
    """Cleaned text is NFC, but a mark with no composed letter stays a mark (Lithuanian
    "ą̃": "ą" + U+0303); the coder's tokens of the cleaned sentence keep it in the word."""
    assert clean.tokenize("Jis ką\u0303 tik") == ["Jis", "ką\u0303", "tik"]
    assert clean.tokenize(nfd("Förtroende")) == [nfd("Förtroende")]


@pytest.mark.parametrize("word", [
    nfd("Čáhcesuolu"),  # Northern Sámi, decomposed
    nfd("Tiếng Việt").split()[1],  # Vietnamese: two marks on one letter
    "हिन्दी",  # Devanagari: vowel signs (Mc, Mn) and virama
    "שָׁלוֹם",  # Hebrew with points
    "مَرْحَبًا",  # Arabic with harakat
    "𑀓𑀸𑀫",  # Brahmi: a vowel sign beyond the BMP (U+11038)
], ids=["sami", "vietnamese", "devanagari", "hebrew", "arabic", "brahmi"])
def test_a_mark_continues_the_word_in_other_scripts(word):
    assert any(is_mark(ch) for ch in word)
    assert clean.token_spans(word) == [(0, len(word), nfc(word))]
    assert clean.tokenize(clean.normalise(word)) == [nfc(word)]


PIECES = st.sampled_from([
    "a", "o", "e", "A", "O", "s", "t", "ö", "ä", "å", "Ö", "Å", "é", "ü", "\u0308", "\u030a", "\u0301",
    "\u0303", "\u0331", "\u0323", "ह", "ि", "्", "\u1100", "\u1161", "\u11a8", "𑀓", "𑀸", "1", "2",
    " ", "  ", "\n", ".", ",", ":", "-", "–", "”", "(",
])


@settings(max_examples=300, deadline=None)
@given(st.lists(PIECES, max_size=30).map("".join))
def test_property_nfc_and_nfd_copies_give_the_same_tokens(text):
    tokens = {}
    for form in ("NFC", "NFD"):
        raw = unicodedata.normalize(form, text)
        spans = clean.token_spans(raw)
        assert all(clean.normalise(raw[s:e]) == t for s, e, t in spans)
        # a word ends only where no mark follows it (a compound's trailing hyphen may)
        assert not any(e < len(raw) and is_mark(raw[e]) and not t.endswith("-") for s, e, t in spans)
        tokens[form] = [t for _, _, t in spans]
    assert tokens["NFC"] == tokens["NFD"] == clean.tokenize(clean.normalise(text))


# --- Unicode: sentence breaks in decomposed text ---
# Punkt's abbreviations ("åk"), collocations and orthographic statistics ("Ökad" starts
# sentences) are composed words: it decides on the NFC form, the offsets stay raw.

def _covered_once(text, sentences, removed):
    count = [0] * len(text)
    for span in sentences + removed:
        for i in range(span["start"], span["end"]):
            count[i] += 1
    return all(n == 1 for ch, n in zip(text, count) if not ch.isspace())


@pytest.mark.parametrize("text", ["Hon går i åk. tre nu.", "Se bl.a. Ökad tillit."])
def test_sentence_breaks_are_the_same_in_an_nfd_copy(text):
    found = {}
    for form in ("NFC", "NFD"):
        raw = unicodedata.normalize(form, text)
        sentences, removed = clean.segment(raw, "a.txt", clean.load_rules())
        assert all(clean.normalise(raw[s["start"]:s["end"]]) == s["text"] for s in sentences)
        assert _covered_once(raw, sentences, removed)
        found[form] = [s["text"] for s in sentences]
    assert found["NFD"] == found["NFC"]


WORDS = st.sampled_from(["Hon", "går", "i", "åk.", "tre", "nu.", "Se", "bl.a.", "Ökad", "tillit.", "Är", "det",
                         "så?", "Östberg", "J.", "ärenden", "ö.", "Å.", "målstyrning", "– ", "\n", "\n\n", "”", "1."])


@settings(max_examples=200, deadline=None)
@given(st.lists(WORDS, max_size=25).map(" ".join))
def test_property_nfd_and_nfc_copies_give_the_same_sentences(text):
    found = {}
    for form in ("NFC", "NFD"):
        raw = unicodedata.normalize(form, text)
        sentences, removed = clean.segment(raw, "a.txt", clean.load_rules())
        assert all(clean.normalise(raw[s["start"]:s["end"]]) == s["text"] for s in sentences)
        assert _covered_once(raw, sentences, removed)
        found[form] = [(s["paragraph"], s["sentence"], s["text"]) for s in sentences]
    assert found["NFD"] == found["NFC"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["a", "o", "ö", "e", " ", ".", "\u0308", "\u030a", "\u0301", "\u0323", "\u0344",
                                 "\u212b", "\u0958", "\u093c", "\u0951", "\u1100", "\u1161", "\u11a8", "가",
                                 "\u0b47", "\u0b3e", "\U00011099", "\U000110ba", "\u2adc", "\u0338", "="]),
                max_size=20).map("".join))
def test_property_pieces_compose_as_the_whole(text):
    """NFC changes the pieces that the sentence stage maps offsets through independently:
    composing them one by one gives the composed text."""
    pieces = clean._NFC_PIECE.findall(text)
    assert "".join(pieces) == text
    assert "".join(map(nfc, pieces)) == nfc(text)


# --- Unicode: the pipeline on NFC and NFD copies of the seeds ---

def _side(df, prefix):
    """The rows of the copies whose file name starts with ``prefix``, named as the seed."""
    rows = df[df.file.str.startswith(prefix)].reset_index(drop=True)
    return rows.assign(file=rows.file.str.removeprefix(prefix))


def test_the_pipeline_gives_the_same_tokens_and_codes_for_nfd_and_nfc_copies(corpus_factory, tmp_path):
    raws = {p.name: corpus.read_raw(p).text for p in SEEDS}
    copies = {f"{form.lower()}_{name}": unicodedata.normalize(form, text)
              for name, text in raws.items() for form in ("NFC", "NFD")}
    assert all(copies[f"nfd_{n}"] != copies[f"nfc_{n}"] for n in raws)
    run = pipeline.Run.from_params(corpus_factory(copies), tmp_path / "out")
    seg, _ = pipeline.segments(run)
    tok, coded = pipeline.tokens(run), pipeline.coded(run)
    # doc_id is left out: a diary entry's id is made from its heading (helpers/entries.py)
    where = ["file", "paragraph", "sentence"]
    for table, columns in ((seg, ["text", "tokens"]), (tok, ["token", "lemma", "stop"]),
                           (coded, ["code", "rules", "matched"])):
        composed, decomposed = _side(table, "nfc_"), _side(table, "nfd_")
        assert len(composed) > 0
        assert decomposed[where + columns].equals(composed[where + columns]), columns
    assert (coded.matched == coded.matched.map(nfc)).all() and "P_DETAIL" in set(coded.code)
    # offsets are each copy's own, and point at the stretch the token or text comes from
    assert not _side(tok, "nfd_")[["start", "end"]].equals(_side(tok, "nfc_")[["start", "end"]])
    for f, s, e, t in tok[["file", "start", "end", "token"]].itertuples(index=False):
        assert nfc(copies[f][s:e]) == t and not (e < len(copies[f]) and is_mark(copies[f][e]))
    for f, s, e, t in seg[["file", "start", "end", "text"]].itertuples(index=False):
        assert clean.normalise(copies[f][s:e]) == t
