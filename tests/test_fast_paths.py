"""Each shortcut taken for speed gives exactly what its plain definition gives.

``clean`` takes four shortcuts on the hot path (issue #7): ``normalise`` without a
regex for spaces, ``token_columns_of`` without a Python step per token, one screening
regex for the boilerplate line rules, and ``SentenceSplitter``'s quick answer for the
commonest Punkt decisions. Here each is compared with the definition it replaces, on
the seeds, on generated text and (when it is on the machine) on the real corpus.
"""

from __future__ import annotations

import re
import sys
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from nltk.tokenize.punkt import PunktSentenceTokenizer

from helpers import clean, corpus, paths

SEEDS = [corpus.read_raw(p).text for p in corpus.list_raw_files(paths.CORPUS_DIR)]
RULES = clean.load_rules()


# --------------------------------------------------------------------------- normalise

def reference_normalise(text: str) -> str:
    """``normalise`` by its definition: drop the invisible characters, NFC, one regex for
    every run of whitespace, strip."""
    text = unicodedata.normalize("NFC", text.translate(dict.fromkeys(map(ord, clean._INVISIBLE_CHARS))))
    return clean._SPACES.sub(" ", text).strip()


def test_the_space_class_is_exactly_what_str_split_splits_on():
    differ = [hex(c) for c in range(sys.maxunicode + 1)
              if not 0xD800 <= c <= 0xDFFF and bool(clean._SPACES.fullmatch(chr(c))) != chr(c).isspace()]
    assert differ == []


TRICKY = "aZåÄö .,-–\t\n\r\u00a0\u2009\u3000\u00ad\u200b\u200d\ufeff\u0301e\u030aA\u212b\x1c\x85"


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=TRICKY, max_size=30))
def test_normalise_equals_its_definition_and_is_idempotent(text):
    assert clean.normalise(text) == reference_normalise(text)
    assert clean.normalise(clean.normalise(text)) == clean.normalise(text)


def test_an_invisible_character_between_a_letter_and_its_accent_goes_before_composing():
    assert clean.normalise("a\u200b\u0301") == "\u00e1" == clean.normalise(clean.normalise("a\u200b\u0301"))


# --------------------------------------------------------------------------- tokens

def reference_token_spans(text: str, start: int, end: int) -> list[tuple[int, int, str]]:
    return [(m.start(), m.end(), reference_normalise(m.group())) for m in clean._RAW_TOKEN.finditer(text, start, end)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=TRICKY + "0123456789:/()”", max_size=40), st.integers(0, 40), st.integers(0, 40))
def test_token_columns_equal_a_match_by_match_definition(text, a, b):
    start, end = min(a, b, len(text)), min(max(a, b), len(text))
    assert clean.token_spans(text, start, end) == reference_token_spans(text, start, end)


def test_token_columns_on_the_seeds():
    for text in SEEDS:
        assert clean.token_spans(text) == reference_token_spans(text, 0, len(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=TRICKY + "0123456789.:-", max_size=30), st.integers(0, 30), st.integers(0, 30)),
                max_size=6))
def test_token_columns_of_many_stretches_equal_those_of_each(stretches):
    texts = [t for t, _, _ in stretches]
    starts = [min(a, b, len(t)) for t, a, b in stretches]
    ends = [min(max(a, b), len(t)) for t, a, b in stretches]
    which, s, e, tokens = clean.token_columns_of(texts, starts, ends)
    expected = [(i, *span) for i, (t, a, b) in enumerate(zip(texts, starts, ends)) for span in reference_token_spans(t, a, b)]
    assert list(zip(which.tolist(), s.tolist(), e.tolist(), tokens)) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.text(alphabet=TRICKY + "0123456789.:-", max_size=30), st.integers(0, 30), st.integers(0, 30)),
                max_size=6))
def test_token_types_of_number_the_tokens_as_factorize_does(stretches):
    """Tokens cleaned once per raw type: raw forms that clean alike ("e\u0301" and "é", a
    soft hyphen or none) are one type, numbered where the first of them stands."""
    texts = [t for t, _, _ in stretches]
    starts = [min(a, b, len(t)) for t, a, b in stretches]
    ends = [min(max(a, b), len(t)) for t, a, b in stretches]
    which, s, e, codes, types = clean.token_types_of(texts, starts, ends)
    expected = [(i, *span) for i, (t, a, b) in enumerate(zip(texts, starts, ends)) for span in reference_token_spans(t, a, b)]
    tokens = [tok for *_, tok in expected]
    ref_codes, ref_types = pd.factorize(np.array(tokens, dtype=object))
    assert codes.dtype == np.int64 and codes.tolist() == ref_codes.tolist() and types.tolist() == list(ref_types)
    assert list(zip(which.tolist(), s.tolist(), e.tolist(), types[codes].tolist())) == expected


def test_token_types_of_join_raw_forms_that_clean_alike():
    texts = ["fo\u0301rvalt\u00adning och fórvaltning", "fórvaltning fo\u0301rvalt\u00adning"]
    _, _, _, codes, types = clean.token_types_of(texts, [0, 0], [len(t) for t in texts])
    assert types.tolist() == ["fórvaltning", "och"] and codes.tolist() == [0, 1, 0, 0, 0]


# --------------------------------------------------------------------------- lemmas

def reference_lemma(word: str) -> str:
    """``clean.lemma`` by its definition."""
    import simplemma

    return simplemma.lemmatize(word.lower(), lang="sv")


def coordinated_readings(words: list[str]) -> list[str]:
    """What the matcher lemmatises besides words: a modifier read with each head of the
    compound after it ("detalj-" with "resultatstyrning"), here each word with the next."""
    return [a.rstrip("-") + b[h:].lower() for a, b in zip(words, words[1:]) for h in range(1, len(b) - 2)]


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet="aeiorsntlkdgåäöÅÄÖEİIıſßéè'’-.:0123\u0301\u030a\u0307\u212b\u00ad", min_size=1, max_size=20))
def test_lemma_equals_simplemma_lemmatize(word):
    assert clean.lemma.__wrapped__(word) == reference_lemma(word)


def test_lemma_of_the_empty_word_is_simplemmas_error():
    with pytest.raises(ValueError):
        clean.lemma.__wrapped__("")


def test_the_per_word_caches_are_bounded():
    """lemma's cache was unbounded: a process kept every word type it ever met, some millions
    in a corpus a hundred times the Riksdag's. Each per-word cache keeps the most recent
    TYPE_CACHE types, and a word pushed out is worked out again alike."""
    for cached in (clean.lemma, clean._word_form):
        assert cached.cache_info().maxsize == clean.TYPE_CACHE
    assert 100_000 <= clean.TYPE_CACHE <= 1 << 22  # the Riksdag corpus's 143,544 types fit
    first = clean.lemma("socialsekreterarna")
    clean.lemma.cache_clear()
    assert clean.lemma("socialsekreterarna") == first == "socialsekreterare"


def test_lemma_on_the_seeds_and_their_coordinated_readings():
    words = sorted({w for text in SEEDS for w in clean.tokenize(clean.normalise(text))})
    for w in words + coordinated_readings(words[:400]) + ["Socialsekreterarna", "SKA", "skall", "EU:s", "1990-talet"]:
        assert clean.lemma.__wrapped__(w) == reference_lemma(w), w


def test_lemma_on_the_real_corpus(real_corpus_slice):
    tokens = [w for text in real_corpus_slice["text"] for w in clean.tokenize(clean.normalise(text))]
    words = list(dict.fromkeys(tokens))
    for w in words + coordinated_readings(tokens[:3000]):
        assert clean.lemma.__wrapped__(w) == reference_lemma(w), w


# --------------------------------------------------------------------------- line rules

def lines_of(text: str) -> list[str]:
    return [clean.normalise(text[s:e]) for s, e in clean.lines(text) if text[s:e].strip()]


FURNITURE = ["Mest läst", "Kommentera", "tillit_bild_1", "bild.JPG", "Dela på Facebook", "Visad 12 gånger",
             "Publicerad 2019-03-04", "Vi använder kakor.", "Läs mer", "Foto: Anna Berg", "Ett stycke om tillit."]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.sampled_from(FURNITURE), st.text(alphabet="abcåäÅÄ_-.:0123 ", max_size=25),
                 st.builds(lambda a, b: a + b, st.sampled_from(FURNITURE), st.text(alphabet="ab .:1", max_size=5))))
def test_the_line_screen_clears_only_lines_that_no_rule_matches(line):
    screen = clean._line_screen(RULES)
    assert screen is not None
    assert clean._line_rule(RULES, line, screen) == clean._line_rule(RULES, line)


def test_the_line_screen_on_the_seeds_lines():
    screen = clean._line_screen(RULES)
    found = [(ln, clean._line_rule(RULES, ln)) for text in SEEDS for ln in lines_of(text)]
    assert [(ln, clean._line_rule(RULES, ln, screen)) for ln, _ in found] == found
    assert any(rule for _, rule in found)  # the seeds have furniture: the screen lets it through


PROSE = "Kommunen har under året arbetat med tillitsbaserad styrning i hela förvaltningen, "


@settings(max_examples=300, deadline=None)
@given(st.integers(0, 6), st.sampled_from(FURNITURE + ["läs mer här", "Foto: Anna Berg, Kommunen"]), st.booleans())
def test_the_screen_by_line_length_clears_only_lines_that_no_rule_matches(repeats, furniture, before):
    """Lines of every length, across the screen's length steps, some ending or starting in furniture."""
    line = PROSE * repeats + furniture if before else furniture + " " + PROSE * repeats
    line = clean.normalise(line)
    screen = clean._line_screen(RULES)
    assert clean._line_rule(RULES, line, screen) == clean._line_rule(RULES, line)
    assert screen.may_match(line) or clean._line_screen(RULES, (0,)).may_match(line) is False


def test_a_long_line_is_not_tried_against_patterns_that_cannot_match_one_that_long():
    short = clean.Rule("more", "line", "a link", (re.compile(r"läs mer", re.IGNORECASE),))
    credit = clean.Rule("credit", "line", "a credit", (re.compile(r"foto: .*", re.IGNORECASE),))
    screen = clean._line_screen((short, credit), (0, 8))
    assert screen.lengths == (0, 8)
    assert "läs mer" in screen.whole[0].pattern and "foto" in screen.whole[0].pattern
    assert "läs mer" not in screen.whole[1].pattern and "foto" in screen.whole[1].pattern  # 7 characters at most
    assert screen.may_match("Läs mer") and not screen.may_match("Läs mer om det")
    assert screen.may_match("Foto: en mycket lång rad om vem som tog bilden")
    one = clean._line_screen((short, credit), (0,))
    assert len(one.whole) == 1 and "läs mer" in one.whole[0].pattern


def test_case_odd_holds_every_character_whose_lower_case_does_not_tell_what_re_matches():
    """:data:`clean.CASE_ODD` computed again from this Python's tables, code point by code point."""
    import _sre
    import re._casefix as casefix

    related = set(casefix._EXTRA_CASES) | {v for vs in casefix._EXTRA_CASES.values() for v in vs}
    odd = "".join(c for c in map(chr, range(0x80, 0x110000)) if not 0xD800 <= ord(c) <= 0xDFFF
                  and (_sre.unicode_tolower(ord(c)) in related or c.lower() != chr(_sre.unicode_tolower(ord(c)))))
    assert odd == clean.CASE_ODD


@pytest.mark.parametrize("source, needed", [
    (r".{0,120}\b(klicka|tryck) här", ("klicka", "tryck")), (r"[\w ]{2,60} har (bytt|entledigats)\b.*", (" har ",)),
    (r"(du läser|detta är) en artikel", (" en artikel",)), (r"(a+)+b", ("a",)), (r"x|\d+", None), (r"[ab]c?", None),
    (r"(?:ab){2,}x", ("ab",)), (r"beſök.{0,9}", ("be",)), (r"ab(?=cde)", ("ab",))])
def test_the_texts_a_pattern_needs(source, needed):
    assert clean._needed(list(re._parser.parse(source, re.IGNORECASE))) == needed


ODD_LINES = ["Klicka här", "KLICKA HÄR", "Se kartan, klıcka här", "Beſök oss och klicka här", "İnte klicka här",
             "ΣΣ klicka här", "Sidan är granskad 2020", "Vi använder kakor på webbplatsen", "Vi använder cookieſ",
             "kakor ſom vi använder", "Handlingar (pdf, 2 MB)", "Handlingar (PDF, 2 MB)", "Handlingar (ᴘdf, 2 MB)"]


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(ODD_LINES), st.text(alphabet="ſıİΣKkSs ", max_size=4), st.booleans())
def test_the_screen_s_gates_clear_only_lines_that_no_rule_matches(line, extra, before):
    """A gated pattern is tried only when the line holds a text it needs, in lower case; a
    line with a character whose lower case does not tell what ``re`` matches (``ſ`` is an
    ``s`` to ``re``) is screened without the gates."""
    line = clean.normalise(extra + line if before else line + extra)
    screen = clean._line_screen(RULES)
    assert any(gated for fast in screen.fast for gated in (fast[1], fast[3]))
    assert clean._line_rule(RULES, line, screen) == clean._line_rule(RULES, line)
    assert screen.may_match(line) or clean._line_screen(RULES, (0,)).may_match(line) is False


def test_a_gated_pattern_lets_through_a_line_that_re_matches_only_ignoring_case_odd_characters():
    visit = clean.Rule("visit", "line", "a link", (re.compile(r".{0,20}\bbesök oss", re.IGNORECASE),))
    screen = clean._line_screen((visit,))
    assert screen.fast[0][1]  # gated: it begins with a run
    for line in ["Besök oss", "Nu: beſök oss", "BESÖK OSS", "Kom och beſök oss"]:
        assert visit.patterns[0].fullmatch(line) and screen.may_match(line), line
    assert not screen.may_match("Kom och titta på oss")


@pytest.mark.parametrize("lengths", [(), (8,), (0, 8, 8), (0, 16, 8)])
def test_the_screen_s_lengths_must_rise_from_zero(lengths):
    with pytest.raises(ValueError, match="rise from 0"):
        clean._line_screen(RULES, lengths)


@pytest.mark.parametrize("source, inside", [
    (r".*\b(kakor|cookies)\b.*", r"\b(kakor|cookies)\b"), (".*(a).*", "(a)"),
    # not of the form: a top-level alternative, an escaped dot, a lazy run, a run on one side only
    (".*a|b.*", None), (r"\.*a.*", None), (".*?a.*", None), (".*a", None), ("x.*a.*", None), (".*.*", None)])
def test_a_pattern_inside_runs_of_anything_is_screened_as_a_search(source, inside):
    pattern = re.compile(source, re.IGNORECASE)
    assert clean._inside_any_runs(pattern) == inside
    if inside is not None:  # the same lines, found anywhere instead of by trying every start
        for line in ["Vi använder kakor.", "kakor", "COOKIES här", "inga kakor-x", "a", "ba", "b", ""]:
            assert bool(re.search(inside, line, re.IGNORECASE)) == bool(pattern.fullmatch(line)), line


def test_no_screen_when_a_pattern_has_a_back_reference_or_a_conditional():
    rule = clean.Rule("dup", "line", "a word twice", (re.compile(r"(\w+) \1", re.IGNORECASE),))
    assert clean._line_screen(RULES + (rule,)) is None
    assert clean._line_rule(RULES + (rule,), "tack tack") == "dup"
    photo = clean.Rule("photo", "line", "a credit", (re.compile(r"(Foto|Bild): .*", re.IGNORECASE),))
    ad = clean.Rule("ad", "line", "an ad", (re.compile(r"(\()?Annons(?(1)\))", re.IGNORECASE),))
    assert clean._line_screen((photo, ad)) is None
    assert clean._line_rule((photo, ad), "(Annons)", clean._line_screen((photo, ad))) == "ad"


# --------------------------------------------------------------------------- Punkt

STOCK = PunktSentenceTokenizer(clean.punkt_parameters())
WORDS = ["Det", "det", "är", "bra", "kommunen.", "Kommunen", "styrning.", "t.ex.", "bl.a.", "m.m.", "dvs.",
         "J.", "a.", "1.", "2016.", "12", "3.5", "kap.", "Vilka", "Hur", "?", "!", ".", "..", "...", "”Tillit.”",
         "(se", "ovan).", "detalj-", "och", "resultatstyrning.", "Prop.", "EU-prop.", "nr.", "U.S.A.", "St.",
         "Sverige", "etc.", "s.", "18", "İstanbul.", "Vänta.", "x_y.", "²."]
GAPS = [" ", "  ", "\n", "\n\n", "\t", "\u00a0", "\u2009", "\x1c", "\x85", " . ", "\u00a0.\u00a0", ""]


def texts_of(words: list[str], gaps: list[str]) -> str:
    return "".join(w + g for w, g in zip(words, gaps))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=25), st.lists(st.sampled_from(GAPS), min_size=25, max_size=25),
       st.sampled_from(["", " ", "\u00a0"]))
def test_the_sentence_splitter_gives_punkts_spans(words, gaps, lead):
    text = lead + texts_of(words, gaps)
    for realign in (True, False):
        assert list(clean.sentence_splitter().span_tokenize(text, realign)) == list(STOCK.span_tokenize(text, realign))


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=4), st.lists(st.sampled_from(GAPS), min_size=4, max_size=4))
def test_a_quick_answer_is_punkts_answer(words, gaps):
    """Every context, not only those Punkt's candidate finder would make: the quick path
    answers as Punkt does, or asks it."""
    context = texts_of(words, gaps)
    assert clean.sentence_splitter().quick_answer(context) in (None, STOCK.text_contains_sentbreak(context))


def test_a_spaced_ellipsis_after_a_word_is_not_a_plain_break():
    """Punkt reads "Vänta.\u00a0.\u00a0." as "Vänta" and a spaced ellipsis."""
    context = "Vänta.\u00a0.\u00a0."
    assert STOCK.text_contains_sentbreak(context) is False
    assert clean.sentence_splitter().quick_answer(context) in (None, False)
    text = "Jag vet inte.\u00a0.\u00a0."
    assert list(clean.sentence_splitter().span_tokenize(text)) == list(STOCK.span_tokenize(text))


def test_the_sentence_splitter_on_the_seeds():
    for text in SEEDS:
        assert list(clean.sentence_splitter().span_tokenize(text)) == list(STOCK.span_tokenize(text))


def test_the_shortcuts_on_the_real_corpus(real_corpus_slice):
    splitter = clean.sentence_splitter()
    texts = real_corpus_slice["text"].tolist()
    for text in texts:
        assert list(splitter.span_tokenize(text)) == list(STOCK.span_tokenize(text))
        assert clean.normalise(text) == reference_normalise(text)
        assert clean.token_spans(text) == reference_token_spans(text, 0, len(text))
    which, s, e, tokens = clean.token_columns_of(texts, [0] * len(texts), [len(t) for t in texts])
    assert list(zip(which.tolist(), s.tolist(), e.tolist(), tokens)) == [
        (i, *span) for i, t in enumerate(texts) for span in reference_token_spans(t, 0, len(t))]
    screen = clean._line_screen(RULES)
    for ln in {ln for text in texts for ln in lines_of(text)}:
        assert clean._line_rule(RULES, ln, screen) == clean._line_rule(RULES, ln)


@pytest.mark.parametrize("context, expected", [
    ("kommunen. Det", True), ("t.ex. Det", None), ("1. Vilka", None), ("Sverige ?", False),
    ("Sverige ? Nu", True), ("slut.", False), ("J. Bach", None), ("(se ovan", False)])
def test_the_quick_answers(context, expected):
    """The quick path answers the plain cases itself (``None``: it asks Punkt)."""
    splitter = clean.sentence_splitter()
    assert splitter.text_contains_sentbreak(context) == STOCK.text_contains_sentbreak(context)
    assert splitter.quick_answer(context) is expected
