"""The codebook's rule language, and the one implementation that runs it over token tables.

A rule (:class:`Term`) has one or more word patterns (:class:`WordPattern`): ``ord``
(exactly), ``stam*`` (a prefix), ``*huvud`` (a suffix: a compound's head) or ``*del*``
(anywhere); several patterns are consecutive words, ``a ~N b`` two words at most ``N``
words apart in either order. A word matches a pattern when its lower-cased form or its
lemma does. A rule's ``exclude`` patterns cancel it where its first word (or the second
word of a proximity rule) matches one of them. A word ending in a hyphen and followed by
a coordinator ("detalj- och resultatstyrning") is also read as the modifier joined to
each head of the compound after it ("detaljstyrning", …): what that adds is shown as
"detalj- … resultatstyrning".

:class:`Matcher` compiles rules; :class:`Bank` runs several matchers at once over a
token table (rows ``sid, token``: the sentence's row and the word as written), so the
coder (:func:`helpers.coding.code_table`), the one-sentence explanation
(:meth:`Matcher.match_detail`) and the benchmark (:meth:`Matcher.find_labels`) share one
implementation. The lemmatiser is passed in; this module knows no tokeniser or language
data. ``tests/reference_matcher.py`` states the same rules sentence by sentence, as the
specification the tests hold this implementation to.

How a :class:`Bank` finds rules over a whole token table at once:

1. Pattern ids per word type: the distinct lower-cased forms and lemmas are joined into
   one string with sentinels (``"\\x02form\\x03\\x02lemma\\x03..."``), and one
   Aho-Corasick pass of an automaton holding every pattern's stem with the sentinels its
   kind needs (exact ``"\\x02stem\\x03"``, prefix ``"\\x02stem"``, suffix ``"stem\\x03"``,
   infix ``"stem"``) finds every pattern each string matches.
2. Per token row, its type's pattern ids as sorted int64 keys ``row * G + pid``; a
   coordinated compound adds the patterns of the modifier read with each head of the
   compound (less the compound's own), found the same way in one batch.
3. Rules start where their first word's pattern is and none of their exclusions is; a
   phrase needs word ``k`` at ``row + k`` of the same sentence; a proximity rule its
   second word (not excluded) within ``near`` rows of the same sentence, the first such
   row being shown.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

COORDINATORS = frozenset({"och", "eller", "samt", "respektive", "resp", "som"})
MIN_HEAD = 3  # shortest compound head tried when expanding "detalj- och resultatstyrning"
HYPHENS = ("-", "–")
NEAR = re.compile(r"~(\d+)")
# The largest distance 'a ~N b' may ask for: words further apart are in no sentence one
# would code, and a number past the int64 the matcher computes with stopped the build
# with a bare OverflowError.
MAX_NEAR = 10_000
PATTERN = re.compile(r"\*?[^\s*]+\*?")

Lemmatizer = Callable[[str], str]


def joined(values: Iterable[str]) -> str:
    """Values sorted, unique and ``; ``-joined: how a coded row lists rules and words."""
    return "; ".join(sorted(set(values)))


def rule_problems(term: str) -> list[str]:
    """What is wrong with a rule's text (empty if it is well formed)."""
    parts = term.split()
    if not parts:
        return ["the rule is empty (it could never match): write a word pattern (ord, stam*, *huvud, *del*) or remove it"]
    if len(parts) == 3 and NEAR.fullmatch(parts[1]):
        if int(parts[1][1:]) == 0:
            return [f"{parts[1]!r} asks for no distance: write 'a ~N b' with N of 1 or more, or the phrase 'a b'"]
        if int(parts[1][1:]) > MAX_NEAR:
            return [f"{parts[1]!r} is out of range: write 'a ~N b' with N from 1 to {MAX_NEAR} (words apart "
                    "within one sentence)"]
        parts = [parts[0], parts[2]]
    elif any(NEAR.fullmatch(p) for p in parts):
        return [f"{term!r}: '~N' joins exactly two word patterns ('a ~N b'); write one rule per pair"]
    return [f"{part!r} is not a word pattern (ord, stam*, *huvud, *del*)" for part in parts
            if not PATTERN.fullmatch(part) or part.strip("*") == "" or "*" in part.strip("*")]


def is_name(token: str, first: bool) -> bool:
    """A word read as (part of) a proper name: capitalised with lower-case letters after
    ("Tillitsdelegationen", "Skolverket"; not "EU" or "HR"), and not the first word of
    its sentence. The names of delegations, agencies, programmes and reports carry theme
    words ("tillit", "styrning") that say nothing of the theme, so a matcher with
    ``skip_names`` passes such words over. Punctuation is not a token, so a capital after
    a colon reads as a name too (rare in running text; the price of the rule)."""
    return not first and token[:1].isupper() and any(map(str.islower, token[1:]))


@dataclass(frozen=True)
class WordPattern:
    """One word of a rule: exact (``ord``), prefix (``stam*``), suffix (``*huvud``) or
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
    """A rule: a label (code or attribute value), its source text, its words, the
    patterns that cancel it, and for a proximity rule (``a ~3 b``) the largest distance
    in words between its two words."""

    label: str
    text: str
    words: tuple[WordPattern, ...]
    exclude: tuple[WordPattern, ...] = ()
    near: int = 0

    @classmethod
    def parse(cls, label: str, text: str, exclude: Iterable[str] = ()) -> "Term":
        """Parse the rule syntax (see the module's docstring)."""
        parts = text.lower().split()
        near = 0
        if len(parts) == 3 and NEAR.fullmatch(parts[1]):
            near = int(parts[1][1:])
            parts = [parts[0], parts[2]]
        return cls(label, text, tuple(WordPattern(w) for w in parts),
                   tuple(WordPattern(x.lower()) for x in exclude), near)


def _csr(n: int, pairs: Iterable[tuple[int, int]]) -> tuple[np.ndarray, np.ndarray]:
    """``(ptr, values)``: for each key ``0..n-1`` its values (sorted, unique)."""
    by_key: list[set[int]] = [set() for _ in range(n)]
    for k, v in pairs:
        by_key[k].add(v)
    vals = [sorted(s) for s in by_key]
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum([len(v) for v in vals])
    return ptr, np.fromiter((x for v in vals for x in v), dtype=np.int64, count=int(ptr[-1]))


def _ptr(owners: np.ndarray, n: int) -> np.ndarray:
    """CSR pointers for sorted owner ids ``0..n-1``."""
    ptr = np.zeros(n + 1, dtype=np.int64)
    ptr[1:] = np.cumsum(np.bincount(owners, minlength=n))
    return ptr


def _gather(ptr: np.ndarray, values: np.ndarray, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For each position ``i`` of ``keys``, the values of ``keys[i]`` in a CSR table:
    ``(i repeated, values)``, in the order of ``keys``."""
    first, count = ptr[keys], ptr[keys + 1] - ptr[keys]
    owner = np.repeat(np.arange(len(keys), dtype=np.int64), count)
    ends = np.cumsum(count)
    offsets = np.repeat(first - (ends - count), count) + np.arange(int(ends[-1]) if len(ends) else 0, dtype=np.int64)
    return owner, values[offsets]


def _member(sorted_keys: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Whether each query is in a sorted array of int64 keys."""
    if not len(sorted_keys):
        return np.zeros(len(queries), dtype=bool)
    at = np.searchsorted(sorted_keys, queries)
    return sorted_keys[np.minimum(at, len(sorted_keys) - 1)] == queries


class Matcher:
    """A set of rules, compiled.

    The compiled rules are public and read-only: ``terms``; ``pattern_ids`` (each word
    pattern's id); ``stems`` (per kind, ``exact``, ``prefix``, ``suffix`` or ``infix``,
    each stem's pattern ids); ``starts`` (per pattern id, the terms whose first word it
    is); ``exclusions`` (per term, the pattern ids that cancel it); ``labels`` (sorted);
    ``lemmatize`` (the lemmatiser words are also read by); ``skip_names`` (whether words
    that :func:`is_name` calls names are passed over)."""

    def __init__(self, terms: Iterable[Term], lemmatize: Lemmatizer, skip_names: bool = False):
        self.terms = tuple(terms)
        self.lemmatize = lemmatize
        self.skip_names = skip_names
        patterns = sorted({w for t in self.terms for w in t.words + t.exclude}, key=lambda w: w.text)
        self.pattern_ids = {w: n for n, w in enumerate(patterns)}
        self.stems: dict[str, dict[str, list[int]]] = {k: {} for k in ("exact", "prefix", "suffix", "infix")}
        for w, n in self.pattern_ids.items():
            self.stems[w.kind].setdefault(w.stem, []).append(n)
        self.exclusions = [frozenset(self.pattern_ids[x] for x in t.exclude) for t in self.terms]
        self.labels = sorted({t.label for t in self.terms})
        # the rules as arrays, for Bank
        self.P, self.T = max(1, len(self.pattern_ids)), max(1, len(self.terms))
        label_ix = {lab: n for n, lab in enumerate(self.labels)}
        self.term_label = np.array([label_ix[t.label] for t in self.terms], dtype=np.int64)
        self.nwords = np.array([len(t.words) for t in self.terms], dtype=np.int64)
        self.near = np.array([t.near for t in self.terms], dtype=np.int64)
        self.words = np.full((len(self.terms), max([len(t.words) for t in self.terms], default=1)), -1, dtype=np.int64)
        for i, t in enumerate(self.terms):
            self.words[i, :len(t.words)] = [self.pattern_ids[w] for w in t.words]
        self.start_ptr, self.start_terms = _csr(self.P, ((self.pattern_ids[t.words[0]], i) for i, t in enumerate(self.terms)))
        self.excl_ptr, self.excl_terms = _csr(self.P, ((p, i) for i, ex in enumerate(self.exclusions) for p in ex))
        self._bank: Bank | None = None

    def _own_bank(self) -> "Bank":
        if self._bank is None:
            self._bank = Bank({"rules": self}, self.lemmatize)
        return self._bank

    def match_detail(self, tokens: Sequence[str]) -> dict[str, list[tuple[str, str]]]:
        """Why rules fire in one sentence: the labels found in its word tokens, each with
        its ``(rule, matched words)`` pairs in token order (the same matching as over a
        whole table: this is a one-sentence token table)."""
        bank = self._own_bank()
        part = bank.partition(pd.DataFrame({"sid": np.zeros(len(tokens), dtype=np.int64),
                                            "token": np.array(list(tokens), dtype=object)}))
        rows, terms, words = bank.find("rules", part, show=True)
        found: dict[str, list[tuple[str, str]]] = {}
        for _, t, w in sorted(zip(rows.tolist(), terms.tolist(), words)):
            term = self.terms[t]
            found.setdefault(term.label, []).append((term.text, w))
        return found

    match = match_detail

    def find_labels(self, sentences: Sequence[Sequence[str]]) -> list[tuple[int, str]]:
        """``(i, label)`` for each label found in the word tokens ``sentences[i]``, sorted."""
        lengths = np.fromiter(map(len, sentences), dtype=np.int64, count=len(sentences))
        tokens = pd.DataFrame({"sid": np.repeat(np.arange(len(sentences), dtype=np.int64), lengths),
                               "token": np.array([t for s in sentences for t in s], dtype=object)})
        bank = self._own_bank()
        part = bank.partition(tokens)
        return [(int(s), self.labels[lab]) for s, lab in bank.labels_by_sentence("rules", part)]


@dataclass
class Partition:
    """A token table as a :class:`Bank` reads it."""

    sid: np.ndarray  # per token row: its sentence's row (non-decreasing)
    token: np.ndarray  # per token row: the token (original case)
    hits: np.ndarray  # keys row * G + global pattern id, sorted: each row's patterns
    coordinated: np.ndarray  # keys row * G + global pattern id that coordination adds
    G: int
    name: np.ndarray | None = None  # per token row: is_name (None: no row is a name)


@dataclass
class _Strings:
    """Items (word types, or coordinated readings) by their lower-cased form and lemma,
    as one string with sentinels: each item's form, then the lemmas that differ from
    their item's form (a word is read as both)."""

    joined: str
    starts: np.ndarray  # offset of each string's "\x02" in ``joined``
    item: np.ndarray  # per string: its item
    n: int  # items

    @classmethod
    def of(cls, forms: np.ndarray, lemmas: np.ndarray) -> "_Strings":
        k = len(forms)
        differ = np.flatnonzero(lemmas != forms) if k else np.zeros(0, dtype=np.int64)
        strings = forms.tolist() + lemmas[differ].tolist()
        lengths = np.fromiter(map(len, strings), dtype=np.int64, count=len(strings))
        starts = np.zeros(len(strings), dtype=np.int64)
        starts[1:] = np.cumsum(lengths + 2)[:-1]
        text = "\x02" + "\x03\x02".join(strings) + "\x03" if strings else ""
        return cls(text, starts, np.concatenate([np.arange(k, dtype=np.int64), differ]), k)

    def owners(self, ends: np.ndarray) -> np.ndarray:
        """The string each position of ``joined`` belongs to."""
        return np.searchsorted(self.starts, ends, side="right") - 1

    def find(self, *needles: str) -> np.ndarray:
        """Strings in which one of ``needles`` occurs in ``joined``."""
        at, text = [], self.joined
        for needle in needles:
            i = text.find(needle)
            while i >= 0:
                at.append(i)
                i = text.find(needle, i + 1)
        return self.owners(np.asarray(at, dtype=np.int64))


_SENTINELS = {"exact": "\x02{}\x03", "prefix": "\x02{}", "suffix": "{}\x03", "infix": "{}"}


class Bank:
    """Several matchers run over token tables together: one Aho-Corasick automaton over
    all their pattern stems, and one lemmatiser (each word type is lemmatised once).
    Matcher ``name``'s pattern ids are ``offsets[name] + pid`` here."""

    def __init__(self, matchers: Mapping[object, Matcher], lemmatize: Lemmatizer):
        import ahocorasick

        self.matchers = dict(matchers)
        self.lemmatize = lemmatize
        self.offsets: dict[object, int] = {}
        keys: dict[str, set[int]] = {}
        offset = 0
        for name, m in self.matchers.items():
            self.offsets[name] = offset
            for kind, table in m.stems.items():
                for stem, pids in table.items():
                    keys.setdefault(_SENTINELS[kind].format(stem), set()).update(offset + p for p in pids)
            offset += m.P
        self.G = max(1, offset)
        self.automaton = None
        if keys:
            self.automaton = ahocorasick.Automaton()
            for n, key in enumerate(keys):
                self.automaton.add_word(key, n)
            self.automaton.make_automaton()
        self.key_ptr, self.key_pids = _csr(len(keys), ((n, p) for n, ps in enumerate(keys.values()) for p in ps))

    def _item_pids(self, st: _Strings) -> tuple[np.ndarray, np.ndarray]:
        """Global pattern ids of each item (its form's and its lemma's): a CSR table
        ``(ptr, pids)`` with each item's ids sorted."""
        G = self.G
        if self.automaton is None or not st.joined:
            return np.zeros(st.n + 1, dtype=np.int64), np.zeros(0, dtype=np.int64)
        found = np.array(list(self.automaton.iter(st.joined)), dtype=np.int64).reshape(-1, 2)
        at, pids = _gather(self.key_ptr, self.key_pids, found[:, 1])
        keys = np.unique(st.item[st.owners(found[at, 0])] * G + pids)
        return _ptr(keys // G, st.n), keys % G

    def partition(self, tokens: pd.DataFrame) -> Partition:
        """Every pattern of every matcher in a token table: columns ``sid`` (the
        sentence's row) and ``token``; optionally ``tid`` (the token's word type,
        numbered in this table) and ``form`` (the token lower-cased), which spare the
        work of finding them (``helpers.stages.token_table`` makes both)."""
        G = self.G
        sid = tokens["sid"].to_numpy().astype(np.int64, copy=False)
        if len(sid) and (np.diff(sid) < 0).any():
            tokens = tokens.iloc[np.argsort(sid, kind="stable")]
            sid = tokens["sid"].to_numpy().astype(np.int64, copy=False)
        token = tokens["token"].to_numpy(dtype=object)
        codes, own_types = None, False
        if "tid" in tokens.columns and len(token):
            codes = tokens["tid"].to_numpy().astype(np.int64, copy=False)
            first = np.zeros(int(codes.max()) + 1, dtype=np.int64)
            first[codes] = np.arange(len(codes), dtype=np.int64)  # a row of each type
            probe = np.linspace(0, len(token) - 1, num=min(len(token), 1024), dtype=np.int64)
            own_types = bool((token[first[codes[probe]]] == token[probe]).all())
            if not own_types:
                codes = None  # not this table's numbering
        if codes is None:
            codes = pd.factorize(token)[0].astype(np.int64, copy=False)
            first = np.zeros(int(codes.max()) + 1 if len(codes) else 0, dtype=np.int64)
            first[codes] = np.arange(len(codes), dtype=np.int64)
        forms = (tokens["form"].to_numpy(dtype=object)[first] if "form" in tokens.columns and own_types
                 else np.array([t.lower() for t in token[first].tolist()], dtype=object))
        k = len(forms)
        form_ids, distinct = pd.factorize(forms) if k else (np.zeros(0, dtype=np.int64), [])
        lemmas = np.array([self.lemmatize(f) for f in distinct], dtype=object)[form_ids] if k else forms
        st = _Strings.of(forms, lemmas)
        type_ptr, type_pids = self._item_pids(st)
        rows, pids = _gather(type_ptr, type_pids, codes)
        hits = rows * G + pids
        # coordinated compounds: a form ending in a hyphen, then a coordinator, in one sentence
        hyphen = np.zeros(k, dtype=bool)
        found = st.find(*(f"{h}\x03" for h in HYPHENS))
        hyphen[found[found < k]] = True
        coordinator = np.zeros(k, dtype=bool)
        found = st.find(*(f"\x02{w}\x03" for w in sorted(COORDINATORS)))
        coordinator[found[found < k]] = True
        n = len(codes)
        at = (np.flatnonzero(hyphen[codes[:-2]] & coordinator[codes[1:-1]] & (sid[2:] == sid[:-2]))
              if n > 2 else np.zeros(0, dtype=np.int64))
        name = None
        if any(m.skip_names for m in self.matchers.values()) and n:
            # is_name, per word type, then per row: not the first row of its sentence
            capital = np.array([is_name(t, False) for t in token[first].tolist()], dtype=bool)
            name = capital[codes]
            name[0] = False
            name[1:] &= sid[1:] == sid[:-1]
        return Partition(sid, token, hits, self._coordinated(token, at, hits), G, name)

    def _coordinated(self, token: np.ndarray, rows: np.ndarray, hits: np.ndarray) -> np.ndarray:
        """The global pattern ids that coordination adds at rows ``i`` (a hyphen at
        ``i``, a coordinator at ``i + 1``): those of the modifier read with each head of
        the compound at ``i + 2``, less the compound's own; keys ``i * G + pid``."""
        G = self.G
        index: dict[str, int] = {}
        owner, which = [], []
        for i in rows.tolist():
            stem, compound = token[i].lower().rstrip("".join(HYPHENS)), token[i + 2].lower()
            for h in range(1, len(compound) - MIN_HEAD + 1):
                owner.append(i)
                which.append(index.setdefault((stem + compound[h:]).lower(), len(index)))
        if not index:
            return np.zeros(0, dtype=np.int64)
        forms = np.array(list(index), dtype=object)
        lemmas = np.array([self.lemmatize(f) for f in index], dtype=object)
        c_ptr, c_pids = self._item_pids(_Strings.of(forms, lemmas))
        at, pids = _gather(c_ptr, c_pids, np.asarray(which, dtype=np.int64))
        keys = np.unique(np.asarray(owner, dtype=np.int64)[at] * G + pids)
        return keys[~_member(hits, keys + 2 * G)]  # less the compound's own (row i + 2)

    def _local(self, name: object, keys: np.ndarray, G: int) -> np.ndarray:
        """Keys ``row * G + global pid`` → ``row * P + pid`` of matcher ``name``."""
        m, offset = self.matchers[name], self.offsets[name]
        pid = keys % G - offset
        mine = (pid >= 0) & (pid < m.P)
        return keys[mine] // G * m.P + pid[mine]

    def find(self, name: object, part: Partition, show: bool = False):
        """The rules of matcher ``name`` found in a partition: arrays ``(token row,
        term)`` of each completed rule's first word and, with ``show``, the words
        matched ("a b" for a phrase, "a … b" for a proximity rule, in text order)."""
        v = self.matchers[name]
        P, T, G, N, sid, token = v.P, v.T, part.G, len(part.token), part.sid, part.token
        H = self._local(name, part.hits, G)  # (token row, pattern id), sorted
        extra = self._local(name, part.coordinated, G)
        if v.skip_names and part.name is not None:  # words of names are passed over
            H, extra = H[~part.name[H // P]], extra[~part.name[extra // P]]
        shown = {i: f"{token[i]} … {token[i + 2]}" for i in np.unique(extra // P).tolist()}
        if len(extra):
            H = np.sort(np.concatenate([H, extra[~_member(H, extra)]]))
        rows, pids = H // P, H % P
        # rules starting at each row, unless the row matches one of their exclusions
        at, ti = _gather(v.start_ptr, v.start_terms, pids)
        r = rows[at]
        E = np.zeros(0, dtype=np.int64)
        has_exclusions = bool(len(v.excl_terms))
        if has_exclusions:
            ex_at, ex_ti = _gather(v.excl_ptr, v.excl_terms, pids)
            E = np.unique(rows[ex_at] * T + ex_ti)
            keep = ~_member(E, r * T + ti)
            r, ti = r[keep], ti[keep]
        nwords, near = v.nwords[ti], v.near[ti]
        ok = np.ones(len(r), dtype=bool)
        partner = np.full(len(r), -1, dtype=np.int64)
        # phrases: word k at row + k, in the same sentence
        phrase = np.flatnonzero((nwords > 1) & (near == 0))
        for k in range(1, v.words.shape[1]):
            sel = phrase[nwords[phrase] > k]
            if not len(sel):
                break
            j = r[sel] + k
            jj = np.where(j < N, j, 0)
            good = (j < N) & (sid[jj] == sid[r[sel]]) & _member(H, jj * P + v.words[ti[sel], k])
            ok[sel[~good]] = False
        # proximity: the second word, not excluded, within ``near`` rows of the same
        # sentence; the first such row is the one shown
        prox = np.flatnonzero(near > 0)
        if len(prox):
            pr, pt = r[prox], ti[prox]
            second, reach, sent = v.words[pt, 1], near[prox], sid[pr]
            lo = np.maximum(pr - reach, np.searchsorted(sid, sent, side="left"))
            hi = np.minimum(pr + reach, np.searchsorted(sid, sent, side="right") - 1)
            by_pattern = np.sort(pids * N + rows)  # (pattern id, row)
            at = np.searchsorted(by_pattern, second * N + lo)
            found = np.full(len(prox), -1, dtype=np.int64)
            todo = np.arange(len(prox), dtype=np.int64)
            while len(todo):  # the next row with the second word, until one qualifies
                j = by_pattern[np.minimum(at[todo], len(by_pattern) - 1)] - second[todo] * N
                inside = (at[todo] < len(by_pattern)) & (j <= hi[todo])  # a later pattern: j >= N
                todo, j = todo[inside], j[inside]
                skip = j == pr[todo]
                if has_exclusions:
                    skip |= _member(E, j * T + pt[todo])
                found[todo[~skip]] = j[~skip]
                todo = todo[skip]
                at[todo] += 1
            ok[prox[found < 0]] = False
            partner[prox] = found
        r, ti, partner = r[ok], ti[ok], partner[ok]
        if not show:
            return r, ti, None

        def word(i: int) -> str:
            return shown.get(i, token[i])

        words = []
        for i, n, p in zip(r.tolist(), v.nwords[ti].tolist(), partner.tolist()):
            if p >= 0:
                words.append(f"{word(min(i, p))} … {word(max(i, p))}")
            elif n == 1:
                words.append(word(i))
            else:
                words.append(" ".join(word(i + k) for k in range(n)))
        return r, ti, words

    def labels_by_sentence(self, name: object, part: Partition) -> list[tuple[int, int]]:
        """``(sentence row, label number)`` for each label of matcher ``name`` found in a
        sentence, sorted (labels are numbered in their sorted order, ``Matcher.labels``)."""
        v = self.matchers[name]
        r, ti, _ = self.find(name, part)
        if not len(r):
            return []
        L = len(v.labels)
        pairs = np.unique(part.sid[r] * L + v.term_label[ti])
        return list(zip((pairs // L).tolist(), (pairs % L).tolist()))

    def details_by_sentence(self, name: object, part: Partition) -> dict[tuple[int, str], tuple[str, str]]:
        """``{(sentence row, label): (rules, words)}`` of matcher ``name``, each
        :func:`joined`."""
        terms = self.matchers[name].terms
        r, ti, words = self.find(name, part, show=True)
        groups: dict[tuple[int, str], tuple[set, set]] = {}
        for s, t, w in zip(part.sid[r].tolist(), ti.tolist(), words):
            term = terms[t]
            g = groups.get((s, term.label))
            if g is None:
                g = groups[(s, term.label)] = (set(), set())
            g[0].add(term.text)
            g[1].add(w)
        return {k: (joined(a), joined(b)) for k, (a, b) in groups.items()}
