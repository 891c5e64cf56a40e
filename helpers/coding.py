"""The codebook and the rule-based auto-coder.

The codebook is data (``helpers/data/codebook.yaml``, or a corpus folder's own
``codebook.yaml``), validated on load. Each code's ``terms`` are rules in the language of
:mod:`helpers.matcher` (see also the codebook's header), matched against the word tokens
of a sentence and their lemmas; :func:`code_table` codes a table of sentences from their
token table with one :class:`~helpers.matcher.Bank` of the codebook's matchers, so the
cost grows with the vocabulary, not with the corpus.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import logging
import re
import unicodedata
from pathlib import Path
from typing import Annotated, Iterable, Literal, Mapping, Sequence

import numpy as np
import pandas as pd
import yaml
from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import io, paths, tables
from .clean import lemma, tokenize
from .corpus import doc_ids, list_raw_files, raw_name, read_raw, warn_once
from .documents import cited_id
from .matcher import Bank, Lemmatizer, Matcher, Term, rule_problems
from .structure import KINDS

# The fixed ids of the study (shared/RESEARCH.md).
STUDY_CODE_IDS = (
    "P_DETAIL", "P_ADMIN", "P_MEASURE", "P_FRAGMENT", "P_STAFF", "P_COST",
    "R_TRUST", "R_CITIZEN", "R_HOLISTIC", "R_DISCRETION", "R_SUPPORT", "R_KNOWLEDGE",
    "R_OPENNESS", "R_LONGTERM",
)
log = logging.getLogger(__name__)

FAMILIES = {"P": "problems", "R": "remedies (trust-based principles)"}


class CodebookError(ValueError):
    """An invalid codebook, with the file, the code and the field."""


class Example(BaseModel):
    """An example quote: where it stands in the raw corpus the codebook ships with."""

    model_config = ConfigDict(extra="forbid")
    file: str
    start: int = Field(ge=0)
    end: int = Field(gt=0)
    quote: str = Field(min_length=1)

    @field_validator("file")
    @classmethod
    def _plain_name(cls, name: str) -> str:
        """A file of the corpus's ``raw/`` folder, by its name alone: never a path that
        leads elsewhere (``../../etc/passwd``, ``/etc/hostname``), which would be read."""
        if name in ("", ".", "..") or "/" in name or "\\" in name or "\0" in name:
            raise ValueError(f"{name!r} is not the plain name of a file in raw/ (no folders, '..' or absolute "
                             "paths): name a file of the corpus's raw/ folder, e.g. 'a.txt'")
        return name


def _well_formed(terms: list[str]) -> list[str]:
    """The rules, if each is well formed (:func:`helpers.matcher.rule_problems`)."""
    for term in terms:
        for problem in rule_problems(term):
            raise ValueError(f"term {term!r}: {problem}")
    return terms


# the rules of one value of a context attribute: at least one, each well formed
AttributeRules = Annotated[list[str], Field(min_length=1), AfterValidator(_well_formed)]


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
        return _well_formed(terms)


# the context attributes a codebook may define, each a column of segments.csv
ATTRIBUTES = ("sector", "actors")


# how suppressed.csv gives the reason of a hit out of a codebook's scope (review.near_misses reads it)
SCOPE_REASON = "scope: "


class Scope(BaseModel):
    """What a document must name for its sentences to be coded: a codebook about public
    services reads its theme words in another sense in a text that names no public service,
    public body or its staff and users (a wolf policy's "långsiktig lösning", two rail
    operators' "samarbete"). A document with fewer than ``min_sentences`` sentences in which
    one of ``terms`` fires (any kind of text, names included) gets no code but those of
    ``except_codes``; its hits go to ``suppressed.csv`` with the reason, so nothing is lost
    and a reader can see them."""

    model_config = ConfigDict(extra="forbid")
    description: str
    terms: list[str] = Field(min_length=1)
    exclude: list[str] = []
    min_sentences: int = Field(default=1, ge=1)
    except_codes: list[str] = []

    @field_validator("terms", "exclude")
    @classmethod
    def _well_formed(cls, terms: list[str]) -> list[str]:
        return _well_formed(terms)


class Codebook(BaseModel):
    """A codebook: codes plus context attributes (sector, actors)."""

    model_config = ConfigDict(extra="forbid")
    name: str
    version: int
    unit: Literal["sentence"] = "sentence"
    codes: list[Code] = Field(min_length=1)
    attributes: dict[str, dict[str, AttributeRules]] = {}
    # per attribute, the value of a sentence in which none of its rules fires
    attribute_defaults: dict[str, str] = {}
    # per attribute, where a sentence in which none of its rules fires looks next: "paragraph", the
    # values the other sentences of its paragraph have (a sentence about "them" in a paragraph on
    # home care is about elderly care), then the default; "sentence" (the default): the default
    attribute_scope: dict[str, Literal["sentence", "paragraph"]] = {}
    # per attribute and value, word patterns that never count for it (as a code's exclude):
    # homographs, such as the modal verbs that simplemma lemmatises as "skola" (school)
    attribute_exclude: dict[str, dict[str, AttributeRules]] = {}
    # kinds of text (helpers.structure.KINDS) whose sentences get no codes
    skip_kinds: list[str] = []
    # theme words inside proper names (matcher.is_name: "Tillitsdelegationen") do not count
    # for a code (they still count for the attributes: "Skolverket" is about school)
    skip_names: bool = False
    # what a document must name for its sentences to be coded (None: every document is coded)
    scope: Scope | None = None

    @field_validator("codes")
    @classmethod
    def _unique_ids(cls, codes: list[Code]) -> list[Code]:
        seen: set[str] = set()
        for c in codes:
            if c.id in seen:
                raise ValueError(f"duplicate code id {c.id!r}")
            seen.add(c.id)
        return codes

    @field_validator("attributes")
    @classmethod
    def _known_attributes(cls, attributes: dict) -> dict:
        unknown = sorted(set(attributes) - set(ATTRIBUTES))
        if unknown:  # a misspelt `sectors:` would be read and never used: sector empty everywhere
            raise ValueError(f"attributes names {unknown}; the attributes a codebook can define are "
                             f"{', '.join(ATTRIBUTES)} (rename the key, e.g. `sector:`)")
        return attributes

    @model_validator(mode="after")
    def _defaults_of_attributes(self) -> "Codebook":
        for key in ("attribute_defaults", "attribute_scope"):
            unknown = sorted(set(getattr(self, key)) - set(self.attributes))
            if unknown:
                raise ValueError(f"{key} names {unknown}, which are not attributes {sorted(self.attributes)}")
        for name, values in self.attribute_exclude.items():
            unknown = sorted(set(values) - set(self.attributes.get(name, {})))
            if name not in self.attributes or unknown:
                raise ValueError(f"attribute_exclude names {name}: {unknown or sorted(values)}, which are not "
                                 f"values of an attribute {sorted(self.attributes)}")
        unknown = sorted(set(self.skip_kinds) - set(KINDS))
        if unknown:
            raise ValueError(f"skip_kinds names {unknown}, which are not kinds of text {list(KINDS)}")
        return self

    @property
    def ids(self) -> list[str]:
        """Code ids in codebook order."""
        return [c.id for c in self.codes]

    def rules_sha256(self) -> str:
        """A fingerprint of what decides which sentence gets which code: each code's id, family,
        rules (``terms``, ``exclude``, ``not_with``), the kinds of text skipped, whether names
        count and the scope's rules. Names, definitions, colours, examples, descriptions and the
        context attributes (which decide no code) are left out, so that a version's record can
        tell a version number used again for other rules (:func:`helpers.evaluation.record`)."""
        said = {"name_sv", "name_en", "colour", "definition", "use_when", "not_when", "examples"}
        rules = self.model_dump(include={"unit", "codes", "skip_kinds", "skip_names", "scope"},
                                exclude={"codes": {"__all__": said}, "scope": {"description"}})
        return hashlib.sha256(json.dumps(rules, sort_keys=True, ensure_ascii=False).encode("utf-8")).hexdigest()

    @property
    def rank(self) -> dict[str, int]:
        """Each code's position in the codebook (the order every table keeps)."""
        return {c: n for n, c in enumerate(self.ids)}

    def in_code_order(self, df: pd.DataFrame, by: Iterable[str] = ()) -> pd.DataFrame:
        """``df`` (with a ``code`` column) sorted stably by the columns ``by``, then by its
        code in codebook order (:attr:`rank`; a code the codebook lacks last); index reset."""
        return (df.assign(_rank=df["code"].map(self.rank)).sort_values([*by, "_rank"], kind="stable")
                .drop(columns="_rank").reset_index(drop=True))

    def code(self, code_id: str) -> Code:
        """The code with this id."""
        return next(c for c in self.codes if c.id == code_id)

    def table(self, corpus: Path | None = None, documents: pd.DataFrame | None = None) -> pd.DataFrame:
        """The codebook as a readable table (one row per code). Each code's first example
        is cited by its document's id (as that corpus's metadata names its file,
        :func:`helpers.corpus.doc_ids`; else the file's name) and offsets, or inside a dated
        entry by the entry's id when ``documents`` (the run's ``documents.csv``) is given, as
        the findings and the codebook page cite it (:func:`helpers.documents.cited_id`); when
        ``corpus`` (the run's corpus folder, by default the study's) is not the corpus the
        examples come from (:func:`examples_home`: the study's codebook on a researcher's
        corpus), the citation says so, as that corpus has no such document (and its
        ``documents`` are not the examples')."""
        home = examples_home(corpus if corpus is not None else paths.CORPUS_DIR)
        elsewhere = corpus is not None and Path(home).resolve() != Path(corpus).resolve()
        where, ids = ("the study's corpus, " if elsewhere else ""), doc_ids(home)
        entries = None if elsewhere else documents

        def cited(e: Example) -> str:
            shown = cited_id(e.file, e.start, ids, entries) or e.file
            return f"“{e.quote}” ({where}{shown}, {e.start}–{e.end})"

        return pd.DataFrame([{
            "id": c.id, "family": c.family, "name (sv)": c.name_sv, "name (en)": c.name_en,
            "code it when": c.use_when, "not when": c.not_when, "rules": len(c.terms),
            "example": cited(c.examples[0]) if c.examples else "",
        } for c in self.codes])

    def attribute_table(self) -> pd.DataFrame:
        """The context attributes (sector, actors): each value with its rules."""
        return pd.DataFrame([{"attribute": name, "value": value, "rules": ", ".join(terms)}
                             for name, values in self.attributes.items() for value, terms in values.items()])


def examples_home(corpus: Path) -> Path:
    """The corpus folder the example quotes of ``corpus``'s codebook come from: the folder
    itself when it brings its own ``codebook.yaml``, else the embedded corpus, with which
    the study's codebook ships."""
    return Path(corpus) if codebook_path(corpus).parent == Path(corpus) else paths.CORPUS_DIR


def codebook_for(corpus: Path) -> Codebook:
    """The codebook in force for a corpus folder, validated; its example quotes are
    checked against the corpus they come from (:func:`examples_home`)."""
    return load_codebook(codebook_path(corpus), corpus=examples_home(corpus))


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


# What a codebook's top-level keys and a code's keys are for, in the words of the messages
# (and of the README's codebook section).
TOP_KEYS = {
    "name": "add `name: <your codebook's name>` at the top of the file",
    "version": "add `version: 1` at the top of the file (a whole number; raise it when you change the rules)",
    "codes": "add `codes:` with a list of at least one code",
}
CODE_KEYS = {
    "id": "add `id: <ID>` (upper-case letters, digits and _, e.g. R_FRAMETIME)",
    "family": "add `family: P` (a problem) or `family: R` (a remedy)",
    "name_sv": "add `name_sv: <the code's Swedish name>`",
    "name_en": "add `name_en: <the code's English name>`",
    "colour": 'add `colour: "#rrggbb"` (its colour in the figures, in quotes, e.g. "#117733")',
    "definition": "add `definition: <one sentence saying what the code is>`",
    "use_when": "add `use_when: <when a sentence gets this code>`",
    "terms": 'add `terms: ["word*", "*compound"]` (the rules that find the code; at least one)',
}
_TYPES = {"string_type": "a text (put it in quotes if it reads as a number, a date or yes/no)",
          "int_type": "a whole number, e.g. 1", "int_parsing": "a whole number, e.g. 1",
          "int_from_float": "a whole number, e.g. 1",
          "bool_type": "true or false", "bool_parsing": "true or false",
          "list_type": 'a list, e.g. ["a*", "b"]',
          "dict_type": "a mapping of keys to values (`key: value` lines, indented under it)",
          "model_type": "a mapping of keys to values (`key: value` lines, indented under it)",
          "model_attributes_type": "a mapping of keys to values (`key: value` lines, indented under it)"}


def in_words(err: dict) -> str:
    """A pydantic error of a codebook (one of ``ValidationError.errors()``) in the
    researcher's words: what is wrong and what to write instead. Our own validators'
    messages are kept as they are, without pydantic's "Value error, " prefix."""
    kind, loc, msg = err["type"], tuple(err["loc"]), err["msg"]
    field = str(loc[-1]) if loc else ""
    got = err.get("input")
    shown = repr(got) if isinstance(got, (str, int, float, bool)) else ""
    in_code = len(loc) == 3 and loc[0] == "codes"
    if kind == "missing":
        hint = TOP_KEYS.get(field) if len(loc) == 1 else CODE_KEYS.get(field) if in_code else None
        return f"missing: {hint}" if hint else f"missing: add `{field}:`"
    if kind == "extra_forbidden":
        keys = (list(TOP_KEYS) + ["unit", "attributes", "attribute_defaults", "attribute_scope", "attribute_exclude",
                                  "skip_kinds", "skip_names"] if len(loc) == 1
                else [*CODE_KEYS, "not_when", "exclude", "not_with", "examples"] if in_code
                else ["file", "start", "end", "quote"] if "examples" in loc else [])
        near = difflib.get_close_matches(field, keys, n=1)
        return (f"`{field}` is not a key here{f' (did you mean `{near[0]}`?)' if near else ''}"
                + (f"; the keys are {', '.join(f'`{k}`' for k in keys)}" if keys else "")
                + " (README, \"A corpus's own codebook\")")
    if kind == "string_pattern_mismatch" and field == "id":
        better = re.sub(r"[^A-Z0-9_]", "_", str(got).upper()) if isinstance(got, str) else ""
        better = better if re.fullmatch(r"[A-Z][A-Z0-9_]*", better) else ""
        return (f"{shown} is not an id: ids are upper-case letters, digits and _, starting with a letter, "
                f"e.g. R_FRAMETIME" + (f" (write {better})" if better else ""))
    if kind == "string_pattern_mismatch" and field == "colour":
        return f'{shown} is not a colour: write "#" and six hex digits, in quotes, e.g. colour: "#117733"'
    if kind == "literal_error" and field == "family":
        return f"{shown} is not a family: write P (a problem) or R (a remedy)"
    if kind == "literal_error" and field == "unit":
        return f"{shown} is not a unit: the only unit is `sentence` (or leave `unit` out)"
    if kind == "too_short":
        what = "code" if loc == ("codes",) else "rule"
        return f"is empty: give at least one {what}"
    if kind == "string_too_short":
        return "is empty: write the text"
    if kind in ("greater_than_equal", "greater_than"):
        return f"{shown} is too small: {msg[0].lower()}{msg[1:]}"
    if kind in _TYPES:
        return f"{shown + ' ' if shown else ''}is not {_TYPES[kind]}"
    if kind == "value_error":
        return msg.removeprefix("Value error, ")
    return msg


def load_codebook(path: Path | None = None, corpus: Path | None = None) -> Codebook:
    """Load and validate a codebook; errors name the file, the line, the code and the field.

    With ``corpus`` (the corpus folder the codebook ships with) every example quote is
    checked against the raw text: it must be ``raw[start:end]`` of its file.
    """
    path = Path(path or paths.CODEBOOK_FILE)
    text = path.read_text(encoding="utf-8")
    data, root = io.load_yaml(text, path.name, CodebookError)  # a key given twice (a code's `terms`) is refused
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
            lines.append(f"  {where}{'.'.join(map(str, shown))}: {in_words(err)}")
        raise CodebookError(f"{path.name}: invalid codebook:\n" + "\n".join(lines)) from exc
    unknown = sorted(set(codebook.scope.except_codes) - set(codebook.ids)) if codebook.scope else []
    if unknown:  # a scope copied with codes of another codebook (or a misspelt id): what it exempts is said
        warn_once(f"{path.name}: scope.except_codes names {', '.join(unknown)}, not a code of this codebook; "
                  f"ignored (name this codebook's codes there, or leave `except_codes` out)",
                  key=(str(path.resolve()), tuple(unknown)), logger=log)
    if corpus is not None:
        _check_examples(codebook, Path(corpus), path, root)
    return codebook


def _check_examples(codebook: Codebook, corpus: Path, path: Path, root: yaml.Node | None) -> None:
    """Check every example quote against the raw text of ``corpus``. An example is an
    illustration, not data: one whose file is not in this corpus's ``raw/`` (a codebook
    copied from another study, with that study's examples) is left out of this corpus's
    codebook and pages, all of them named in one warning. An example whose file is here
    must stand there: a quote that is not ``raw[start:end]`` is refused."""
    raw: dict[str, str] = {}
    names: list[str] | None = None
    left_out: list[str] = []
    for ci, c in enumerate(codebook.codes):
        kept = []
        for ei, ex in enumerate(c.examples):
            line = _line_of(root, ["codes", ci, "examples", ei])
            where = f"{path.name} line {line}: codes.{c.id}.examples.{ei}"
            if not (corpus / "raw" / ex.file).is_file():  # a plain name (Example): never a path out of raw/
                names = [p.name for p in list_raw_files(corpus)] if names is None else names
                same = raw_name(where, ex.file, names)
                if same is None:
                    left_out.append(f"line {line} ({c.id}: {ex.file})")
                    continue
                ex.file = same
            kept.append(ex)
            text = raw.setdefault(ex.file, read_raw(corpus / "raw" / ex.file).text)
            # the quote was read composed (NFC, io.composed); the raw text may be decomposed
            if ex.end > len(text) or unicodedata.normalize("NFC", text[ex.start:ex.end]) != ex.quote:
                raise CodebookError(
                    f"{where}: the quote is not raw[{ex.start}:{ex.end}] of {ex.file} "
                    f"(the text there is {text[ex.start:ex.end][:60]!r}). Fix the offsets or the quote."
                )
        c.examples = kept
    message = (f"{path.name}: {len(left_out)} example quote(s) left out, their files not being in {corpus.name}/raw/ "
               "(examples illustrate a code on this corpus's codebook page; they are not data): "
               f"{'; '.join(left_out)}. Delete them, or give examples from this corpus's texts, to silence this.")
    if left_out:  # once per process (per codebook file): a notebook loads the codebook several times
        warn_once(message, key=(str(path.resolve()), message), logger=log)


# --------------------------------------------------------------------------- coding

def _terms(label: str, texts: Iterable[str], exclude: Iterable[str] = ()) -> list[Term]:
    ex = list(exclude)
    return [Term.parse(label, t, ex) for t in texts]


def code_matcher(codebook: Codebook, lemmatize: Lemmatizer = lemma) -> Matcher:
    """A matcher for the codebook's codes."""
    return Matcher((t for c in codebook.codes for t in _terms(c.id, c.terms, c.exclude)), lemmatize,
                   skip_names=codebook.skip_names)


def not_with_matcher(codebook: Codebook, lemmatize: Lemmatizer = lemma) -> Matcher:
    """A matcher for the codes' ``not_with`` rules (contexts that suppress a code)."""
    return Matcher((t for c in codebook.codes for t in _terms(c.id, c.not_with)), lemmatize)


def attribute_matchers(codebook: Codebook, lemmatize: Lemmatizer = lemma) -> dict[str, Matcher]:
    """One matcher per context attribute (``sector``, ``actors``)."""
    exclude = codebook.attribute_exclude
    return {name: Matcher((t for value, terms in values.items()
                           for t in _terms(value, terms, exclude.get(name, {}).get(value, ()))), lemmatize)
            for name, values in codebook.attributes.items()}


_BANKS: dict[tuple[str, Lemmatizer], Bank] = {}


def coder(codebook: Codebook, lemmatize: Lemmatizer = lemma) -> Bank:
    """The codebook's matchers as one :class:`~helpers.matcher.Bank`: ``"codes"``,
    ``"not_with"`` and ``("attribute", name)``; built once per process and codebook."""
    key = (hashlib.sha256(codebook.model_dump_json().encode()).hexdigest(), lemmatize)
    if key not in _BANKS:
        matchers = {"codes": code_matcher(codebook, lemmatize), "not_with": not_with_matcher(codebook, lemmatize)}
        matchers |= {("attribute", k): m for k, m in attribute_matchers(codebook, lemmatize).items()}
        if codebook.scope is not None:
            matchers["scope"] = Matcher(_terms("scope", codebook.scope.terms, codebook.scope.exclude), lemmatize)
        _BANKS[key] = Bank(matchers, lemmatize)
    return _BANKS[key]


def code_table(sentences: pd.DataFrame, tokens: pd.DataFrame, codebook: Codebook,
               lemmatize: Lemmatizer = lemma) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Code sentences from their word tokens: ``(coded, suppressed, attributes)``.

    ``sentences`` has the columns ``file, doc_id, paragraph, sentence, start, end`` (and
    ``kind``: a sentence of a kind in the codebook's ``skip_kinds`` gets no code);
    ``tokens`` one row per word with ``sid`` (its sentence's row in ``sentences``) and
    ``token`` (see :meth:`helpers.matcher.Bank.partition`). ``coded`` has one row per
    (sentence, code) with the rules that fired and the words they matched (each
    :func:`~helpers.matcher.joined`), in sentence order, then codebook order;
    ``suppressed`` the hits that a code's ``not_with`` rules cancelled, with the rules
    and words that cancelled them; ``attributes`` per sentence each context attribute's
    values found (sorted, ``; ``-joined), or with the codebook's ``attribute_scope``
    ``paragraph`` those of the rest of its paragraph (:func:`paragraph_values`), else the
    codebook's ``attribute_defaults``."""
    bank = coder(codebook, lemmatize)
    order = codebook.rank
    part = bank.partition(tokens)
    found = bank.details_by_sentence("codes", part)
    if codebook.skip_kinds and "kind" in sentences.columns:
        skipped = set(np.flatnonzero(sentences["kind"].isin(codebook.skip_kinds).to_numpy()).tolist())
        found = {k: v for k, v in found.items() if k[0] not in skipped}
    blocked = bank.details_by_sentence("not_with", part) if found else {}
    if found and codebook.scope is not None:  # a hit both cancel is logged with its not_with rule
        blocked = _out_of_scope(sentences, bank, part, codebook.scope, found) | blocked
    rows, suppressed = [], []
    keys = sorted(found, key=lambda k: (k[0], order[k[1]]))
    at = [i for i, _ in keys]
    cols = {k: sentences[k].take(at).tolist() for k in ("file", "doc_id", "paragraph", "sentence", "start", "end")}
    for n_row, (i, code) in enumerate(keys):
        row = {k: col[n_row] for k, col in cols.items()} | {"code": code}
        row["rules"], row["matched"] = found[(i, code)]
        if (i, code) in blocked:
            row["suppressed_by"], row["suppressing_words"] = blocked[(i, code)]
            suppressed.append(row)
        else:
            rows.append(row)
    attrs = {}
    for name in codebook.attributes:
        labels = bank.matchers[("attribute", name)].labels
        values = np.full(len(sentences), codebook.attribute_defaults.get(name, ""), dtype=object)
        per: dict[int, list[str]] = {}
        for s, lab in bank.labels_by_sentence(("attribute", name), part):
            per.setdefault(s, []).append(labels[lab])
        if codebook.attribute_scope.get(name) == "paragraph":
            per = paragraph_values(per, list(zip(sentences["file"], sentences["paragraph"])))
        for s, labs in per.items():
            values[s] = "; ".join(labs)
        attrs[name] = values
    return (pd.DataFrame(rows, columns=tables.CODED_COLUMNS), pd.DataFrame(suppressed, columns=tables.SUPPRESSED_COLUMNS),
            pd.DataFrame(attrs, index=sentences.index))


def _out_of_scope(sentences: pd.DataFrame, bank: Bank, part, scope: Scope,
                  found: Mapping[tuple[int, str], object]) -> dict[tuple[int, str], tuple[str, str]]:
    """The hits of ``found`` in documents with fewer than ``scope.min_sentences`` sentences
    that name the scope, each with its reason and the scope's words the document does name
    (``suppressed_by``, ``suppressing_words``). A document is a ``doc_id`` of a file (a
    diary's dated entry is one of its own), or the file where the table has no ``doc_id``."""
    cols = ["file", "doc_id"] if "doc_id" in sentences.columns else ["file"]
    docs = list(zip(*(sentences[c].tolist() for c in cols)))
    named: dict[tuple, set[int]] = {}
    words: dict[tuple, set[str]] = {}
    for (s, _), (_, w) in bank.details_by_sentence("scope", part).items():
        named.setdefault(docs[s], set()).add(s)
        words.setdefault(docs[s], set()).update(w.split("; "))
    out = {}
    exempt = set(scope.except_codes)
    for (s, code) in found:
        if code in exempt:
            continue
        n = len(named.get(docs[s], ()))
        if n < scope.min_sentences:
            out[(s, code)] = (f"{SCOPE_REASON}{n} of {scope.min_sentences} sentence(s) of the document name "
                              f"{scope.description}", "; ".join(sorted(words.get(docs[s], ()))))
    return out


def paragraph_values(per: Mapping[int, list[str]], paragraphs: Sequence[object]) -> dict[int, list[str]]:
    """An attribute's values by sentence (``per``: sentence position → values its rules
    found) with each sentence that has none given the values of the other sentences of its
    paragraph (``paragraphs``: each sentence's paragraph key), sorted; a paragraph in which
    no rule fired gives none."""
    found: dict[object, set[str]] = {}
    for s, labs in per.items():
        found.setdefault(paragraphs[s], set()).update(labs)
    return {s: per.get(s) or sorted(found[key]) for s, key in enumerate(paragraphs) if key in found}


def sentence_tokens(texts: Iterable[str]) -> pd.DataFrame:
    """The word tokens of cleaned texts (``clean.tokenize``) as a token table ``sid,
    token``, ``sid`` being the text's position."""
    per_text = [tokenize(t) for t in texts]
    return pd.DataFrame({"sid": np.repeat(np.arange(len(per_text), dtype=np.int64), [len(t) for t in per_text]),
                         "token": np.array([w for t in per_text for w in t], dtype=object)})


def code_segments(segments: pd.DataFrame, codebook: Codebook) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """:func:`code_table` of sentences from their cleaned ``text`` (tokenised here):
    ``(coded, suppressed, attributes)``. The pipeline codes from the token table instead;
    both tokenise alike."""
    segments = segments.reset_index(drop=True)
    return code_table(segments, sentence_tokens(segments["text"]), codebook)


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
    per code, the rules that fired and the words they matched. Indexed by sentence
    (``doc_id, start, end, text``) and ``code``: the code is the index's last level, so a
    page shows each sentence's text once beside its codes (pandas repeats a last level)."""
    multi = coded.groupby(["file", "start"]).filter(lambda g: len(g) > 1)
    keys = multi[["file", "start"]].drop_duplicates().head(sentences)
    rows = multi.merge(keys).merge(segments[["file", "start", "text"]], on=["file", "start"])
    return rows.set_index(["doc_id", "start", "end", "text", "code"])[["rules", "matched"]]


def aggregate(coded: pd.DataFrame, level: Literal["paragraph", "document"]) -> pd.DataFrame:
    """Sentence codes aggregated to paragraphs or documents: one row per (unit, code)
    with the number of coded sentences, sorted by file/document and code order of
    appearance in ``coded``."""
    keys = ["file", "doc_id", "paragraph"] if level == "paragraph" else ["doc_id"]
    if level not in ("paragraph", "document"):
        raise ValueError(f"level must be 'paragraph' or 'document', got {level!r}")
    out = coded.groupby(keys + ["code"], sort=False).size().rename("sentences").reset_index()
    return out.sort_values(keys, kind="stable").reset_index(drop=True)
