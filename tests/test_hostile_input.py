"""Hostile and broken input (issue 12): what is refused with a message that names the file,
the rule or code, the field and what to do; what is repaired and logged; what is
accepted. Sections are grouped by kind of input."""

from __future__ import annotations

import random
import re
import time

import pytest
import yaml

from helpers import clean, coding, pipeline

# --- cleaning rules (boilerplate.yaml) ---


def _rules_file(corpus, body: str):
    (corpus / "boilerplate.yaml").write_text(body, encoding="utf-8")
    return corpus


# Patterns with which Python's backtracking `re` takes exponential time to fail on a line
# that nearly matches, each with the line that shows it (tested here by their shape only:
# the check looks at the pattern, never at a clock).
CATASTROPHIC = [
    r"(a+)+b", r"(a*)*b", r"(a|a)*b", r"(a+)*b", r"(\w+\s?)+x", r"(a?a)+b", r"(.*a)*b", r"(a+){2,10}b",
    r"((ab)*|a)*c", r"(a*b*)*c", r"(a?b?)*c", r"(\d+|\d+\.\d+)*x", r"(a|aa)+b", r"(?:a|a?)+b",
    r"^(([a-z])+.)+[A-Z]([a-z])+$", r"(\s*y\s*)*z",
    # the default navigation rule's breadcrumb pattern as it stood before this check
    r"(hem|start)(\s*[>»/›]\s*[^>»/›]+)+",
]
# Patterns that read each text one way only (or are merely polynomial): accepted.
HARMLESS = [
    r"a+b", r"(ab)+c", r"(a+b)+", r"(\w+\s)+x", r"\d{1,3}(\.\d{1,3}){3}", r"(foo|bar)*", r"(a|b)*c",
    r".*\bx\b.*", r"(\w+) \1", r"[+\d( )-]{6,}", r"(a?b)+", r"x{2,100}", r"(a|ab)*c", r"(\w|\d)+!",
    r"(hem|start)\s*[>»/›][^>»/›]+([>»/›][^>»/›]+)*",
]


@pytest.mark.parametrize("pattern", CATASTROPHIC)
def test_a_catastrophic_pattern_is_seen(pattern):
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE))


@pytest.mark.parametrize("pattern", HARMLESS)
def test_a_pattern_that_reads_a_text_one_way_is_accepted(pattern):
    assert clean.backtracking_risk(re.compile(pattern, re.IGNORECASE)) is None


def test_every_default_pattern_reads_a_line_one_way():
    assert [(r.id, p.pattern) for r in clean.load_rules() for p in r.patterns
            if clean.backtracking_risk(p)] == []


def test_the_default_breadcrumb_pattern_fails_fast_and_matches_the_lines_it_matched():
    """The navigation rule's old breadcrumb pattern took seconds on a 12-part line that
    does not match (each part doubles it; 14 parts took 100 s); the rewritten one takes
    microseconds on 10,000 parts, and matches exactly the lines the old one matched."""
    rule = next(r for r in clean.load_rules() if r.id == "navigation")
    for parts in (12, 10_000):
        t = time.perf_counter()
        assert not rule.matches_line("Hem" + " > a" * parts + " >")
        assert time.perf_counter() - t < 1.0, parts
    old = re.compile(r"(hem|start)(\s*[>»/›]\s*[^>»/›]+)+", re.IGNORECASE)
    new = rule.patterns[1]
    rng = random.Random(12)
    pieces = ["hem", "Start", " ", "  ", "\u00a0", ">", "»", "/", "›", "a", "Nyheter", "2016", "\t"]
    lines = [rng.choice(["hem", "start", "HEM", ""]) + "".join(rng.choice(pieces) for _ in range(rng.randint(0, 8)))
             for _ in range(20_000)]
    assert [bool(new.fullmatch(x)) for x in lines] == [bool(old.fullmatch(x)) for x in lines]
    assert sum(bool(new.fullmatch(x)) for x in lines) > 1000


@pytest.mark.parametrize("field, value, message", [
    ("max_words", "many", r"rule 'cap': field 'max_words' must be a whole number of words, 1 or more .*got 'many' \(line 2\)"),
    ("max_words", "2.5", r"rule 'cap': field 'max_words' .*got 2\.5"),
    ("max_words", "0", r"rule 'cap': field 'max_words' .*got 0"),
    ("max_words", "true", r"rule 'cap': field 'max_words' .*got True"),
    ("patterns", "'x'", r"rule 'cap': field 'patterns' must be a list of non-empty regular expressions .*got 'x'"),
    ("patterns", "[1]", r"rule 'cap': field 'patterns' .*got \[1\]"),
    ("patterns", "['']", r"rule 'cap': field 'patterns' .*got \[''\]"),
    ("description", "[a, b]", r"rule 'cap': field 'description' must be a text"),
    ("kind", "lines", r"rule 'cap': field 'kind' must be one of \('line', 'repeated', 'filename'\), got 'lines'"),
])
def test_a_wrong_type_in_a_rule_names_file_rule_and_field(corpus_factory, field, value, message):
    fields = {"id": "cap", "kind": "repeated", "max_words": "8", field: value}
    body = "rules:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in fields.items()) + "\n"
    corpus = _rules_file(corpus_factory({"a.txt": "Text.\n"}), body)
    with pytest.raises(clean.RuleError, match=r"mycorpus/boilerplate\.yaml: " + message):
        clean.load_rules(corpus)


@pytest.mark.parametrize("body, message", [
    ("rules:\n  - id: 7\n    kind: line\n    patterns: ['x']\n", r"rule 1 \(line 2\): field 'id' must be a non-empty text"),
    ("rules:\n  - kind: line\n    patterns: ['x']\n", r"rule 1 \(line 2\): field 'id' must be a non-empty text"),
    ("rules:\n  - id: a\n    kind: line\n    patterns: ['x']\n  - id: a\n    kind: line\n    patterns: ['y']\n",
     r"rule 'a': the id is used twice in the file \(rules 1 and 2 \(line 5\)\)"),
    ("rules:\n  - just a string\n", r"rule 1 \(line 2\): expected a mapping"),
    ("rules: {id: a}\n", r"expected a mapping with a list under 'rules'"),
])
def test_a_malformed_rule_names_the_file_and_line(corpus_factory, body, message):
    corpus = _rules_file(corpus_factory({"a.txt": "Text.\n"}), body)
    with pytest.raises(clean.RuleError, match=r"mycorpus/boilerplate\.yaml: " + message):
        clean.load_rules(corpus)


def test_rules_that_remove_every_line_stop_the_run_naming_the_rule_and_its_file(corpus_factory, tmp_path):
    """Such rules let notebooks 00-03 run and notebook 04 crash with no file named; the
    run now stops where the text goes, in the segment stage's tables."""
    corpus = _rules_file(corpus_factory({"a.txt": "Detaljstyrning är stor.\n", "b.txt": "Tillit saknas.\n\n\n"}),
                         "rules:\n  - id: everything\n    kind: line\n    patterns: ['.*']\n")
    with pytest.raises(clean.RuleError, match=r"mycorpus: cleaning removed all the text of every file \(2\), so no sentence "
                                              r"is left to code or report\. The lines went by rule 'everything' "
                                              r"\(…/mycorpus/boilerplate\.yaml\)\. Check that rule's patterns"):
        pipeline.build_tables(pipeline.Run.from_params(corpus, tmp_path / "out"))


def test_a_file_that_is_all_furniture_is_named_in_a_warning(corpus_factory, tmp_path, caplog):
    corpus = corpus_factory({"a.txt": "Detaljstyrning är stor.\n", "b.txt": "Mest läst\nLogga in\n"})
    with caplog.at_level("WARNING", logger="helpers.pipeline"):
        pipeline.build_tables(pipeline.Run.from_params(corpus, tmp_path / "out"))
    assert ("b.txt: cleaning removed all its text (rule 'paywall-banner' (helpers/data/boilerplate.yaml), "
            "'site-list' (helpers/data/boilerplate.yaml)); it yields no sentences.") in caplog.text
    assert "a.txt" not in caplog.text


# --- codebooks ---

_CODE = {"id": "P_ONE", "family": "P", "name_sv": "ett", "name_en": "one", "colour": "#112233",
         "definition": "d", "use_when": "u", "terms": ["detalj*"]}


def _codebook(corpus, code=None, **top):
    data = {"name": "t", "version": 1, "codes": [dict(_CODE, **(code or {}))], **top}
    (corpus / "codebook.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return corpus


@pytest.mark.parametrize("field", ["terms", "exclude", "not_with"])
@pytest.mark.parametrize("term", ["", "   "])
def test_an_empty_rule_is_refused_naming_code_and_field(corpus_factory, field, term):
    code = {field: ["detalj*", term] if field == "terms" else [term]}
    corpus = _codebook(corpus_factory({"a.txt": "Detaljstyrning.\n"}), code)
    with pytest.raises(coding.CodebookError, match=rf"codebook\.yaml: invalid codebook:\n  line \d+: codes\.P_ONE\.{field}: "
                                                   r".*the rule is empty \(it could never match\)"):
        coding.codebook_for(corpus)


@pytest.mark.parametrize("rules, message", [
    ([], r"attributes\.sector\.school: List should have at least 1 item"),
    (["skol*", " "], r"attributes\.sector\.school: .*term ' ': the rule is empty"),
    (["a**b"], r"attributes\.sector\.school: .*'a\*\*b' is not a word pattern"),
])
def test_an_attribute_value_without_usable_rules_is_refused(corpus_factory, rules, message):
    corpus = _codebook(corpus_factory({"a.txt": "Skolan.\n"}), attributes={"sector": {"school": rules}})
    with pytest.raises(coding.CodebookError, match=r"codebook\.yaml: invalid codebook:\n  line \d+: " + message):
        coding.codebook_for(corpus)


@pytest.mark.parametrize("name", ["../../etc/passwd", "/etc/hostname", "../a.txt", "sub/a.txt", "..", "a\\..\\a.txt"])
def test_an_example_file_outside_raw_is_refused_without_reading_it(corpus_factory, name, monkeypatch):
    corpus = corpus_factory({"a.txt": "Detaljstyrning.\n"})
    _codebook(corpus, {"examples": [{"file": name, "start": 0, "end": 3, "quote": "roo"}]})
    read = []
    monkeypatch.setattr(coding, "read_raw", lambda p: read.append(p))
    with pytest.raises(coding.CodebookError, match=r"codes\.P_ONE\.examples\.0\.file: .*is not the plain name of a file "
                                                   r"in raw/ .*name a file of the corpus's raw/ folder"):
        coding.codebook_for(corpus)
    assert read == []



# --- very long input ---


def _spy_on_the_sentence_splitter(monkeypatch) -> list[int]:
    """The lengths of the texts handed to Punkt (the sentence splitter), recorded."""
    seen, real = [], clean.SentenceSplitter.span_tokenize

    def spy(self, text, *args, **kwargs):
        seen.append(len(text))
        return real(self, text, *args, **kwargs)

    monkeypatch.setattr(clean.SentenceSplitter, "span_tokenize", spy)
    return seen


def _covered_once(text: str, sentences: list[dict], removed: list[dict]) -> bool:
    count = [0] * len(text)
    for span in sentences + removed:
        for i in range(span["start"], span["end"]):
            count[i] += 1
    return all(c == 1 for c, ch in zip(count, text) if not ch.isspace()) and max(count) <= 1


def test_a_huge_line_reaches_the_sentence_splitter_in_pieces_cut_at_sentence_ends(monkeypatch, caplog):
    """A 1.3 MB line went to Punkt whole (a 50 MB one hit NLTK's 5 s wall-clock limit, so
    the outcome depended on the machine's load); now no piece exceeds the limit, the cuts
    fall between sentences, and a warning names the file and line."""
    seen = _spy_on_the_sentence_splitter(monkeypatch)
    sentence = "Detaljstyrningen är stor och tilliten låg."
    text = "Rubrik\n\n" + " ".join([sentence] * 30_000) + "\n"
    with caplog.at_level("WARNING", logger="helpers.clean"):
        sentences, removed = clean.segment(text, "big.txt", clean.load_rules())
    assert max(seen) <= clean.MAX_PARAGRAPH_CHARS
    assert [s["text"] for s in sentences] == ["Rubrik"] + [sentence] * 30_000
    assert [s["sentence"] for s in sentences[1:]] == list(range(30_000)) and {s["paragraph"] for s in sentences[1:]} == {1}
    assert _covered_once(text, sentences, removed)
    n = len(text.strip()) - len("Rubrik\n\n")
    assert re.search(rf"big\.txt: line 3: a paragraph of {n} characters \(more than 20000\) is read in \d+ pieces, "
                     r"cut at sentence ends", caplog.text)


@pytest.mark.parametrize("line, cut", [("se www.exempel.se " * 5_000, "spaces"), ("X." * 25_001, "the limit")])
def test_a_huge_line_without_sentence_ends_is_cut_at_spaces_else_at_the_limit(monkeypatch, caplog, line, cut):
    """Periods that end no sentence still make Punkt read the text: it is cut too."""
    seen = _spy_on_the_sentence_splitter(monkeypatch)
    with caplog.at_level("WARNING", logger="helpers.clean"):
        sentences, removed = clean.segment(line, "x.txt", clean.load_rules())
    assert max(seen) <= clean.MAX_PARAGRAPH_CHARS
    assert _covered_once(line, sentences, removed)
    if cut == "spaces":  # no word is cut
        assert {w for s in sentences for w in s["text"].split()} == {"se", "www.exempel.se"}
    assert f"x.txt: line 1: a paragraph of {len(line.strip())} characters" in caplog.text and f"cut at {cut}" in caplog.text
