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
from typing import Iterable, Literal

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

    @field_validator("terms", "exclude")
    @classmethod
    def _well_formed(cls, terms: list[str]) -> list[str]:
        for term in terms:
            for part in term.split():
                if not _PATTERN.fullmatch(part) or part.strip("*") == "":
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
        } for c in self.codes])


def codebook_path(corpus: Path | None = None) -> Path:
    """The codebook in force: the corpus folder's ``codebook.yaml`` if it has one."""
    if corpus is not None and (Path(corpus) / "codebook.yaml").exists():
        return Path(corpus) / "codebook.yaml"
    return paths.CODEBOOK_FILE


def load_codebook(path: Path | None = None) -> Codebook:
    """Load and validate a codebook; errors name the file, the code and the field."""
    path = Path(path or paths.CODEBOOK_FILE)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path.name}: not valid YAML: {exc}") from exc
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        lines = []
        for err in exc.errors():
            loc = list(err["loc"])
            if len(loc) >= 2 and loc[0] == "codes" and isinstance(loc[1], int):
                try:
                    loc[1] = data["codes"][loc[1]].get("id", loc[1])
                except (KeyError, IndexError, TypeError, AttributeError):
                    pass
            lines.append(f"  {'.'.join(map(str, loc))}: {err['msg']}")
        raise CodebookError(f"{path.name}: invalid codebook:\n" + "\n".join(lines)) from exc


# --------------------------------------------------------------------------- matching

@dataclass(frozen=True)
class WordPattern:
    """One word of a term: exact, prefix (``stam*``), suffix (``*huvud``) or infix."""

    text: str

    def matches(self, word: str) -> bool:
        t = self.text
        if t.startswith("*") and t.endswith("*"):
            return t[1:-1] in word
        if t.endswith("*"):
            return word.startswith(t[:-1])
        if t.startswith("*"):
            return word.endswith(t[1:])
        return word == t


@dataclass(frozen=True)
class Term:
    """A rule: a label (code or attribute value), its source text and its words."""

    label: str
    text: str
    words: tuple[WordPattern, ...]
    exclude: tuple[WordPattern, ...] = ()


class Matcher:
    """Matches many terms against token lists, caching per word type."""

    def __init__(self, terms: Iterable[Term]):
        self.terms = tuple(terms)
        # (term index, word position) for every word pattern, to look up by word type.
        self._parts = [(i, k, w) for i, t in enumerate(self.terms) for k, w in enumerate(t.words)]
        self._hits = lru_cache(maxsize=None)(self._word_hits)

    def _word_hits(self, word: str) -> tuple[tuple[int, int], ...]:
        out = []
        for i, k, w in self._parts:
            if w.matches(word) and not any(x.matches(word) for x in self.terms[i].exclude):
                out.append((i, k))
        return tuple(out)

    def match(self, tokens: list[str]) -> dict[str, list[tuple[str, str]]]:
        """Labels found in a token list, each with ``(term, matched words)`` pairs."""
        words = [t.lower() for t in tokens]
        hits = [self._hits(w) for w in words]
        found: dict[str, list[tuple[str, str]]] = {}
        for pos, word_hits in enumerate(hits):
            for i, k in word_hits:
                if k != 0:
                    continue
                term = self.terms[i]
                n = len(term.words)
                if pos + n > len(words) or any((i, j) not in hits[pos + j] for j in range(1, n)):
                    continue
                found.setdefault(term.label, []).append((term.text, " ".join(tokens[pos:pos + n])))
        return found


def _terms(label: str, texts: Iterable[str], exclude: Iterable[str] = ()) -> list[Term]:
    ex = tuple(WordPattern(x) for x in exclude)
    return [Term(label, t, tuple(WordPattern(w) for w in t.lower().split()), ex) for t in texts]


def code_matcher(codebook: Codebook) -> Matcher:
    """A matcher for the codebook's codes."""
    return Matcher(t for c in codebook.codes for t in _terms(c.id, c.terms, c.exclude))


def attribute_matchers(codebook: Codebook) -> dict[str, Matcher]:
    """One matcher per context attribute (``sector``, ``actors``)."""
    return {name: Matcher(t for value, terms in values.items() for t in _terms(value, terms))
            for name, values in codebook.attributes.items()}


def code_segments(segments: pd.DataFrame, codebook: Codebook) -> pd.DataFrame:
    """Code each sentence; one row per (sentence, code) with the rules that fired and
    the words they matched (each a sorted, ``; ``-joined list)."""
    matcher = code_matcher(codebook)
    order = {c: n for n, c in enumerate(codebook.ids)}
    rows = []
    for seg in segments.itertuples(index=False):
        found = matcher.match(tokenize(seg.text))
        for code in sorted(found, key=order.__getitem__):
            hits = found[code]
            rows.append({
                "file": seg.file, "doc_id": seg.doc_id, "paragraph": seg.paragraph,
                "sentence": seg.sentence, "start": seg.start, "end": seg.end, "code": code,
                "rules": "; ".join(sorted({t for t, _ in hits})),
                "matched": "; ".join(sorted({w for _, w in hits})),
            })
    cols = ["file", "doc_id", "paragraph", "sentence", "start", "end", "code", "rules", "matched"]
    return pd.DataFrame(rows, columns=cols)


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
