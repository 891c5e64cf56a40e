"""The codebook and the rule-based auto-coder.

The codebook is data (``helpers/data/codebook.yaml``, or a corpus folder's own
``codebook.yaml``), validated on load. Each code's ``terms`` are word patterns matched
against the lower-cased tokens of a sentence (see the codebook's header for the syntax);
results per type of word are cached, so the cost grows with the vocabulary, not with
the corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable, Iterable, Literal

import pandas as pd
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from . import paths
from .clean import tokenize

# The fixed ids of the study (shared/RESEARCH.md).
STUDY_CODE_IDS = (
    "P_DETAIL", "P_ADMIN", "P_MEASURE", "P_FRAGMENT", "P_STAFF", "P_COST",
    "R_TRUST", "R_CITIZEN", "R_HOLISTIC", "R_DISCRETION", "R_SUPPORT", "R_KNOWLEDGE",
    "R_OPENNESS", "R_LONGTERM",
)
FAMILIES = {"P": "problems", "R": "remedies (trust-based principles)"}
_PATTERN = re.compile(r"\*?[^\s*]+\*?")


class CodebookError(ValueError):
    """An invalid codebook, with the file, the code and the field."""


class Example(BaseModel):
    """An example quote: where it stands in the raw corpus the codebook ships with."""

    model_config = ConfigDict(extra="forbid")
    file: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    quote: str = Field(min_length=1)


class Code(BaseModel):
    """One theme of the codebook."""

    model_config = ConfigDict(extra="forbid")
    id: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$")
    family: Literal["P", "R"]
    name_sv: str
    name_en: str
    colour: str = Field(pattern=r"^#[0-9a-fA-F]{6}$")
    definition: str
    use_when: str
    not_when: str = ""
    terms: list[str] = Field(min_length=1)
    exclude: list[str] = []
    not_with: list[str] = []
    examples: list[Example] = []

    @field_validator("terms", "exclude", "not_with")
    @classmethod
    def _well_formed(cls, terms: list[str]) -> list[str]:
        for term in terms:
            parts = term.split()
            if len(parts) == 3 and re.fullmatch(r"~\d+", parts[1]):
                parts = [parts[0], parts[2]]
            for part in parts:
                if not _PATTERN.fullmatch(part) or part.strip("*") == "" or "*" in part.strip("*"):
                    raise ValueError(f"term {term!r}: {part!r} is not a word pattern (ord, stam*, *huvud, *del*)")
        return terms


class Codebook(BaseModel):
    """A codebook: codes plus context attributes (sector, actors)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: int
    unit: Literal["sentence"] = "sentence"
    codes: list[Code] = Field(min_length=1)
    attributes: dict[str, dict[str, list[str]]] = {}

    @field_validator("codes")
    @classmethod
    def _unique_ids(cls, codes: list[Code]) -> list[Code]:
        seen: set[str] = set()
        for c in codes:
            if c.id in seen:
                raise ValueError(f"duplicate code id {c.id!r}")
            seen.add(c.id)
        return codes

    @property
    def ids(self) -> list[str]:
        """Code ids in codebook order."""
        return [c.id for c in self.codes]

    def code(self, code_id: str) -> Code:
        """The code with this id."""
        return next(c for c in self.codes if c.id == code_id)

    def table(self) -> pd.DataFrame:
        """The codebook as a readable table (one row per code)."""
        return pd.DataFrame([{
            "id": c.id, "family": c.family, "name (sv)": c.name_sv, "name (en)": c.name_en,
            "code it when": c.use_when, "not when": c.not_when, "rules": len(c.terms),
            "example": f"“{c.examples[0].quote}” ({c.examples[0].file[:3]}, {c.examples[0].start}–{c.examples[0].end})"
            if c.examples else "",
        } for c in self.codes])

    def attribute_table(self) -> pd.DataFrame:
        """The context attributes (sector, actors): each value with its rules."""
        return pd.DataFrame([{"attribute": name, "value": value, "rules": ", ".join(terms)}
                             for name, values in self.attributes.items() for value, terms in values.items()])


def codebook_for(corpus: Path) -> Codebook:
    """The codebook in force for a corpus folder, validated; the study's codebook ships
    with the embedded corpus, so its example quotes are checked against it."""
    path = codebook_path(corpus)
    ships_with = corpus if path.parent == Path(corpus) else paths.CORPUS_DIR
    return load_codebook(path, corpus=ships_with)


def codebook_path(corpus: Path | None = None) -> Path:
    """The codebook in force: the corpus folder's ``codebook.yaml`` if it has one."""
    if corpus is not None and (Path(corpus) / "codebook.yaml").exists():
        return Path(corpus) / "codebook.yaml"
    return paths.CODEBOOK_FILE


def _line_of(root: yaml.Node | None, loc: Iterable[object]) -> int | None:
    """The 1-based line of the YAML node at ``loc`` (keys and list indices), or of the
    deepest node that exists on the way there."""
    node, line = root, None
    for key in loc:
        if node is None:
            break
        line = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            node = next((v for k, v in node.value if k.value == key), None)
            if node is None:  # a missing field: point at the mapping that lacks it
                break
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
        else:
            break
    if node is not None:
        line = node.start_mark.line + 1
    return line


def load_codebook(path: Path | None = None, corpus: Path | None = None) -> Codebook:
    """Load and validate a codebook; errors name the file, the line, the code and the field.

    With ``corpus`` (the corpus folder the codebook ships with) every example quote is
    checked against the raw text: it must be ``raw[start:end]`` of its file.
    """
    path = Path(path or paths.CODEBOOK_FILE)
    text = path.read_text(encoding="utf-8")
    try:
        data = yaml.safe_load(text)
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path.name}: not valid YAML: {exc}") from exc
    try:
        codebook = Codebook.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            line = _line_of(root, loc)
            shown = list(loc)
            if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
                try:
                    shown[1] = data["codes"][loc[1]].get("id", loc[1])
                except (KeyError, IndexError, TypeError, AttributeError):
                    pass
            where = f"line {line}: " if line else ""
            lines.append(f"  {where}{'.'.join(map(str, shown))}: {err['msg']}")
        raise CodebookError(f"{path.name}: invalid codebook:\n" + "\n".join(lines)) from exc
    for problem in _compile_problems(codebook):
        raise CodebookError(f"{path.name}: {problem}")
    if corpus is not None:
        _check_examples(codebook, Path(corpus), path, root)
    return codebook


def _compile_problems(codebook: Codebook) -> list[str]:
    problems = []
    for c in codebook.codes:
        for field in ("terms", "exclude", "not_with"):
            for t in getattr(c, field):
                try:
                    Term.parse(c.id, t)
                except ValueError as exc:  # pragma: no cover - the validator catches these
                    problems.append(f"codes.{c.id}.{field}: {t!r}: {exc}")
    return problems


def _check_examples(codebook: Codebook, corpus: Path, path: Path, root: yaml.Node | None) -> None:
    from .corpus import read_raw

    raw: dict[str, str] = {}
    for ci, c in enumerate(codebook.codes):
        for ei, ex in enumerate(c.examples):
            line = _line_of(root, ["codes", ci, "examples", ei])
            where = f"{path.name} line {line}: codes.{c.id}.examples.{ei}"
            f = corpus / "raw" / ex.file
            if not f.exists():
                raise CodebookError(f"{where}: file {ex.file!r} is not in {corpus.name}/raw/.")
            text = raw.setdefault(ex.file, read_raw(f).text)
            if ex.end > len(text) or text[ex.start:ex.end] != ex.quote:
                raise CodebookError(
                    f"{where}: the quote is not raw[{ex.start}:{ex.end}] of {ex.file} "
                    f"(the text there is {text[ex.start:ex.end][:60]!r}). Fix the offsets or the quote."
                )


# --------------------------------------------------------------------------- matching

COORDINATORS = frozenset({"och", "eller", "samt", "respektive", "resp", "som"})
_NEAR = re.compile(r"~(\d+)")
MIN_HEAD = 3  # shortest compound head tried when expanding "detalj- och resultatstyrning"


@dataclass(frozen=True)
class WordPattern:
    """One word of a term: exact (``ord``), prefix (``stam*``), suffix (``*huvud``) or
    infix (``*del*``), matched against a word's form and its lemma (lower case)."""

    text: str

    @property
    def kind(self) -> str:
        t = self.text
        if t.startswith("*") and t.endswith("*"):
            return "infix"
        return "prefix" if t.endswith("*") else "suffix" if t.startswith("*") else "exact"

    @property
    def stem(self) -> str:
        return self.text.strip("*")

    def matches(self, word: str) -> bool:
        """Whether the pattern matches one (lower-cased) word form."""
        kind, stem = self.kind, self.stem
        if kind == "infix":
            return stem in word
        if kind == "prefix":
            return word.startswith(stem)
        if kind == "suffix":
            return word.endswith(stem)
        return word == stem


@dataclass(frozen=True)
class Term:
    """A rule: a label (code or attribute value), its source text, its words, and for a
    proximity rule (``a ~3 b``) the largest distance in words between them."""

    label: str
    text: str
    words: tuple[WordPattern, ...]
    exclude: tuple[WordPattern, ...] = ()
    near: int = 0

    @classmethod
    def parse(cls, label: str, text: str, exclude: Iterable[str] = ()) -> "Term":
        """Parse the rule syntax of the codebook (see its header)."""
        parts = text.lower().split()
        near = 0
        if len(parts) == 3 and _NEAR.fullmatch(parts[1]):
            near = int(parts[1][1:])
            parts = [parts[0], parts[2]]
        return cls(label, text, tuple(WordPattern(w) for w in parts),
                   tuple(WordPattern(x.lower()) for x in exclude), near)


class Matcher:
    """Finds many rules in token lists in one pass over the tokens.

    Every pattern's stem is in one Aho-Corasick automaton (``pyahocorasick``), so one
    pass over a word finds every pattern it matches, whatever the number of patterns;
    the result is cached per word type (the form and its lemma are both tried). A word
    that ends in a hyphen and is coordinated with a compound ("detalj- och
    resultatstyrning") is also read as that compound's modifier joined to each possible
    head ("detaljstyrning").

    The compiled rules are public and read-only, for other implementations of the same
    matching (``helpers.scale`` matches them over a whole token table at once):
    ``terms``; ``pattern_ids`` (each word pattern's id); ``stems`` (per kind, ``exact``,
    ``prefix``, ``suffix`` or ``infix``, each stem's pattern ids); ``uses`` (per pattern
    id, the ``(term, word position)`` pairs it serves); ``exclusions`` (per term, the
    pattern ids that cancel it); ``lemmatize`` (the lemmatiser words are also read by).
    """

    def __init__(self, terms: Iterable[Term], lemmatize: Callable[[str], str] | None = None):
        from .clean import lemma

        self.terms = tuple(terms)
        self.lemmatize = lemmatize or lemma
        patterns = sorted({w for t in self.terms for w in t.words + t.exclude}, key=lambda w: w.text)
        self.pattern_ids = {w: n for n, w in enumerate(patterns)}
        self.stems: dict[str, dict[str, list[int]]] = {k: {} for k in ("exact", "prefix", "suffix", "infix")}
        for w, n in self.pattern_ids.items():
            self.stems[w.kind].setdefault(w.stem, []).append(n)
        self._has_patterns = bool(self.pattern_ids)
        self._automaton = self._build_automaton()
        # (term, word position) for each pattern id; exclusions per term as pattern ids
        self.uses: dict[int, list[tuple[int, int]]] = {}
        for i, t in enumerate(self.terms):
            for k, w in enumerate(t.words):
                self.uses.setdefault(self.pattern_ids[w], []).append((i, k))
        self.exclusions = [frozenset(self.pattern_ids[x] for x in t.exclude) for t in self.terms]
        self._hits = lru_cache(maxsize=None)(self._word_patterns)

    def _build_automaton(self):
        """One Aho-Corasick automaton over every pattern's stem, whatever its kind."""
        import ahocorasick

        by_stem: dict[str, list[tuple[str, tuple[int, ...]]]] = {}
        for kind, table in self.stems.items():
            for stem, pids in table.items():
                by_stem.setdefault(stem, []).append((kind, tuple(pids)))
        automaton = ahocorasick.Automaton()
        for stem, entries in by_stem.items():
            automaton.add_word(stem, (len(stem), tuple(entries)))
        if by_stem:
            automaton.make_automaton()
        return automaton

    def _form_patterns(self, form: str) -> set[int]:
        """Ids of the patterns one word form matches: every stem found in the form in one
        pass of the automaton, kept when its position fits its kind (exact: the whole
        form; prefix: at the start; suffix: at the end; infix: anywhere)."""
        out: set[int] = set()
        if not self._has_patterns:
            return out
        last = len(form) - 1
        for end, (length, entries) in self._automaton.iter(form):
            at_start, at_end = end - length + 1 == 0, end == last
            for kind, pids in entries:
                if (kind == "infix" or (kind == "prefix" and at_start) or (kind == "suffix" and at_end)
                        or (kind == "exact" and at_start and at_end)):
                    out.update(pids)
        return out

    def _word_patterns(self, word: str) -> frozenset[int]:
        """Ids of the patterns that match a word (its form or its lemma)."""
        form = word.lower()
        out = self._form_patterns(form)
        lem = self.lemmatize(form)
        if lem != form:
            out |= self._form_patterns(lem)
        return frozenset(out)

    def _coordinated(self, modifier: str, compound: str) -> frozenset[int]:
        """Patterns matched by "modifier-" read with each possible head of ``compound``."""
        stem, compound = modifier.lower().rstrip("-–"), compound.lower()
        out: set[int] = set()
        for i in range(1, len(compound) - MIN_HEAD + 1):
            out |= self._hits(stem + compound[i:])
        return frozenset(out - self._hits(compound))

    def match_detail(self, tokens: list[str]) -> dict[str, list[tuple[str, str]]]:
        """Labels found in a token list, each with ``(rule, matched words)`` pairs, in
        token order."""
        n = len(tokens)
        hits = [self._hits(t) for t in tokens]
        shown = list(tokens)
        for i in range(n - 2):
            if tokens[i].endswith(("-", "–")) and tokens[i + 1].lower() in COORDINATORS:
                extra = self._coordinated(tokens[i], tokens[i + 2])
                if extra:
                    hits[i] = hits[i] | extra
                    shown[i] = f"{tokens[i]} … {tokens[i + 2]}"
        found: dict[str, list[tuple[str, str]]] = {}
        for pos in range(n):
            for pid in hits[pos]:
                for ti, k in self.uses.get(pid, ()):
                    if k != 0 or (hits[pos] & self.exclusions[ti]):
                        continue
                    term = self.terms[ti]
                    words = self._complete(term, ti, pos, hits, shown)
                    if words is not None:
                        found.setdefault(term.label, []).append((term.text, words))
        return found

    def _complete(self, term: Term, ti: int, pos: int, hits: list[frozenset[int]], shown: list[str]) -> str | None:
        pids = [self.pattern_ids[w] for w in term.words]
        if len(pids) == 1:
            return shown[pos]
        if term.near:
            lo, hi = max(0, pos - term.near), min(len(hits), pos + term.near + 1)
            for j in range(lo, hi):
                if j != pos and pids[1] in hits[j] and not (hits[j] & self.exclusions[ti]):
                    return f"{shown[min(pos, j)]} … {shown[max(pos, j)]}"
            return None
        if pos + len(pids) > len(hits) or any(pids[k] not in hits[pos + k] for k in range(1, len(pids))):
            return None
        return " ".join(shown[pos:pos + len(pids)])

    def match(self, tokens: list[str]) -> dict[str, list[tuple[str, str]]]:
        """Alias of :meth:`match_detail` (the labels found with their rules and words)."""
        return self.match_detail(tokens)


def _terms(label: str, texts: Iterable[str], exclude: Iterable[str] = ()) -> list[Term]:
    ex = list(exclude)
    return [Term.parse(label, t, ex) for t in texts]


def code_matcher(codebook: Codebook) -> Matcher:
    """A matcher for the codebook's codes."""
    return Matcher(t for c in codebook.codes for t in _terms(c.id, c.terms, c.exclude))


def not_with_matcher(codebook: Codebook) -> Matcher:
    """A matcher for the codes' ``not_with`` rules (contexts that suppress a code)."""
    return Matcher(t for c in codebook.codes for t in _terms(c.id, c.not_with))


def attribute_matchers(codebook: Codebook) -> dict[str, Matcher]:
    """One matcher per context attribute (``sector``, ``actors``)."""
    return {name: Matcher(t for value, terms in values.items() for t in _terms(value, terms))
            for name, values in codebook.attributes.items()}


CODED_COLUMNS = ["file", "doc_id", "paragraph", "sentence", "start", "end", "code", "rules", "matched"]
SUPPRESSED_COLUMNS = CODED_COLUMNS + ["suppressed_by", "suppressing_words"]


def _joined(values: Iterable[str]) -> str:
    return "; ".join(sorted(set(values)))


def code_sentence(base: dict, tokens: list[str], matcher: Matcher, blocker: Matcher,
                  order: dict[str, int]) -> tuple[list[dict], list[dict]]:
    """Code one sentence: ``(coded rows, suppressed rows)``, each row ``base`` (the
    sentence's columns) plus ``code``, the rules that fired and the words they matched
    (sorted, ``; ``-joined); a suppressed row also names the ``not_with`` rules and
    words that cancelled it. Codes come in codebook order (``order``)."""
    found = matcher.match_detail(tokens)
    if not found:
        return [], []
    blocked = blocker.match_detail(tokens)
    rows, suppressed = [], []
    for code in sorted(found, key=order.__getitem__):
        hits = found[code]
        row = base | {"code": code, "rules": _joined(t for t, _ in hits), "matched": _joined(w for _, w in hits)}
        if code in blocked:
            row |= {"suppressed_by": _joined(t for t, _ in blocked[code]),
                    "suppressing_words": _joined(w for _, w in blocked[code])}
            suppressed.append(row)
        else:
            rows.append(row)
    return rows, suppressed


def code_segments_with_log(segments: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Code each sentence: ``(coded, suppressed)``.

    ``coded`` has one row per (sentence, code) with the rules that fired and the words
    they matched (each a sorted, ``; ``-joined list). ``suppressed`` has the hits that a
    code's ``not_with`` context cancelled, with the rules and words that cancelled them.
    """
    matcher, blocker = code_matcher(codebook), not_with_matcher(codebook)
    order = {c: n for n, c in enumerate(codebook.ids)}
    rows, suppressed = [], []
    for seg in segments.itertuples(index=False):
        base = {"file": seg.file, "doc_id": seg.doc_id, "paragraph": seg.paragraph,
                "sentence": seg.sentence, "start": seg.start, "end": seg.end}
        r, s = code_sentence(base, tokenize(seg.text), matcher, blocker, order)
        rows += r
        suppressed += s
    return pd.DataFrame(rows, columns=CODED_COLUMNS), pd.DataFrame(suppressed, columns=SUPPRESSED_COLUMNS)


def code_segments(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Code each sentence; one row per (sentence, code) (see :func:`code_segments_with_log`)."""
    return code_segments_with_log(segments, codebook)[0]


def context_attributes(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Per sentence, the sectors and actors it mentions (sorted, ``; ``-joined); a
    sentence naming no sector is ``general``."""
    matchers = attribute_matchers(codebook)
    out = {}
    for name, m in matchers.items():
        values = [sorted(m.match(tokenize(t))) for t in segments["text"]]
        if name == "sector":
            values = [v or ["general"] for v in values]
        out[name] = ["; ".join(v) for v in values]
    return pd.DataFrame(out, index=segments.index)


def summary(coded: pd.DataFrame, codebook: Codebook, top: int = 5) -> pd.DataFrame:
    """Per code: sentences coded, documents they occur in, and the words its rules
    matched most often (lower-cased; ties in alphabetical order)."""
    table = coded.groupby("code").agg(sentences=("start", "size"), documents=("doc_id", "nunique"))
    table = table.reindex(codebook.ids, fill_value=0)
    words = coded.assign(word=coded["matched"].str.lower().str.split("; ")).explode("word")

    def most_frequent(w: pd.Series) -> str:
        counts = w.value_counts().sort_index().sort_values(ascending=False, kind="stable")
        return ", ".join(counts.index[:top])

    table["most frequent matched words"] = (
        words.groupby("code")["word"].agg(most_frequent).reindex(codebook.ids).fillna(""))
    return table


def explain(coded: pd.DataFrame, segments: pd.DataFrame, sentences: int = 2) -> pd.DataFrame:
    """The first ``sentences`` sentences that carry more than one code: their text and,
    per code, the rules that fired and the words they matched."""
    multi = coded.groupby(["file", "start"]).filter(lambda g: len(g) > 1)
    keys = multi[["file", "start"]].drop_duplicates().head(sentences)
    rows = multi.merge(keys).merge(segments[["file", "start", "text"]], on=["file", "start"])
    return rows.set_index(["doc_id", "start", "end", "text"])[["code", "rules", "matched"]]


def aggregate(coded: pd.DataFrame, level: Literal["paragraph", "document"]) -> pd.DataFrame:
    """Sentence codes aggregated to paragraphs or documents: one row per (unit, code)
    with the number of coded sentences, sorted by file/document and code order of
    appearance in ``coded``."""
    keys = ["file", "doc_id", "paragraph"] if level == "paragraph" else ["doc_id"]
    if level not in ("paragraph", "document"):
        raise ValueError(f"level must be 'paragraph' or 'document', got {level!r}")
    out = coded.groupby(keys + ["code"], sort=False).size().rename("sentences").reset_index()
    return out.sort_values(keys, kind="stable").reset_index(drop=True)
