"""The rule language, stated sentence by sentence: the specification of helpers.matcher.

Slow and plain on purpose. ``helpers.matcher.Bank`` runs the same rules over a whole
token table at once; the tests hold it to this reference on the seeds, synthetic text,
hand-made cases and a slice of the real corpus. Only the syntax (``Term.parse``) and the
two constants of the language are shared with the package.
"""

from __future__ import annotations

from helpers.matcher import COORDINATORS, MIN_HEAD, Term, WordPattern, is_name


def patterns_of(word: str, patterns: set[WordPattern], lemmatize) -> set[WordPattern]:
    """The patterns a word matches: its lower-cased form's or its lemma's."""
    form = word.lower()
    lemma = lemmatize(form)
    return {p for p in patterns if p.matches(form) or p.matches(lemma)}


def find(terms: list[Term], tokens: list[str], lemmatize, skip_names: bool = False,
         seen: dict[str | None, set[WordPattern]] | None = None) -> list[tuple[int, Term, str]]:
    """Every rule found in one sentence: ``(position of its first word, rule, words shown)``;
    with ``skip_names``, a word that ``is_name`` calls a name matches no pattern.

    ``seen``, a dict the caller keeps across sentences for the same ``terms`` and
    ``lemmatize``, remembers the patterns of each word already read (a word's patterns
    depend on nothing else), so a word met again is not tried against every pattern again;
    under the key ``None`` it keeps the rules' patterns."""
    seen = {} if seen is None else seen

    def patterns_of_word(word: str) -> set[WordPattern]:
        if word not in seen:
            if None not in seen:
                seen[None] = {w for t in terms for w in t.words + t.exclude}
            seen[word] = patterns_of(word, seen[None], lemmatize)
        return seen[word]

    hits = [set(patterns_of_word(t)) for t in tokens]
    shown = list(tokens)
    for i in range(len(tokens) - 2):
        # "detalj- och resultatstyrning": the modifier read with each head of the compound
        if tokens[i].endswith(("-", "–")) and tokens[i + 1].lower() in COORDINATORS:
            stem, compound = tokens[i].lower().rstrip("-–"), tokens[i + 2].lower()
            extra = set()
            for h in range(1, len(compound) - MIN_HEAD + 1):
                extra |= patterns_of_word(stem + compound[h:])
            extra -= patterns_of_word(compound)
            if extra:
                hits[i] |= extra
                shown[i] = f"{tokens[i]} … {tokens[i + 2]}"
    if skip_names:
        hits = [set() if is_name(t, pos == 0) else h for pos, (t, h) in enumerate(zip(tokens, hits))]
    found = []
    for pos in range(len(tokens)):
        if not hits[pos]:
            continue  # no rule starts on a word that matches no pattern
        for term in terms:
            first, excluded = term.words[0], set(term.exclude)
            if first not in hits[pos] or hits[pos] & excluded:
                continue
            if len(term.words) == 1:
                found.append((pos, term, shown[pos]))
            elif term.near:  # the nearest qualifying second word, searching left to right
                lo, hi = max(0, pos - term.near), min(len(tokens) - 1, pos + term.near)
                for j in range(lo, hi + 1):
                    if j != pos and term.words[1] in hits[j] and not hits[j] & excluded:
                        found.append((pos, term, f"{shown[min(pos, j)]} … {shown[max(pos, j)]}"))
                        break
            elif pos + len(term.words) <= len(tokens) and all(
                    term.words[k] in hits[pos + k] for k in range(1, len(term.words))):
                found.append((pos, term, " ".join(shown[pos:pos + len(term.words)])))
    return found


def _joined(values) -> str:
    return "; ".join(sorted(set(values)))


def by_label(terms: list[Term], tokens: list[str], lemmatize, skip_names: bool = False,
             seen: dict[str | None, set[WordPattern]] | None = None) -> dict[str, tuple[str, str]]:
    """Per label found in a sentence: its rules and the words they matched, joined
    (``seen`` as for :func:`find`)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for _, term, words in find(terms, tokens, lemmatize, skip_names, seen):
        groups.setdefault(term.label, []).append((term.text, words))
    return {label: (_joined(r for r, _ in g), _joined(w for _, w in g)) for label, g in groups.items()}


def code_sentences(sentences: list[dict], token_lists: list[list[str]], codebook, lemmatize, kinds=None):
    """Code sentences as the pipeline does: ``(coded rows, suppressed rows, attributes)``;
    a sentence whose kind (``kinds``) the codebook skips gets no code."""
    kinds = kinds or [""] * len(sentences)
    codes = [Term.parse(c.id, t, c.exclude) for c in codebook.codes for t in c.terms]
    not_with = [Term.parse(c.id, t) for c in codebook.codes for t in c.not_with]
    attributes = {name: [Term.parse(value, t, codebook.attribute_exclude.get(name, {}).get(value, ()))
                         for value, ts in values.items() for t in ts]
                  for name, values in codebook.attributes.items()}
    coded, suppressed, attrs = [], [], {name: [] for name in attributes}
    # each rule set's words already read, kept across the sentences (see find)
    seen_codes, seen_not_with, seen_attributes = {}, {}, {name: {} for name in attributes}
    for sentence, tokens, kind in zip(sentences, token_lists, kinds):
        found = {} if kind in codebook.skip_kinds else by_label(codes, tokens, lemmatize, codebook.skip_names, seen_codes)
        blocked = by_label(not_with, tokens, lemmatize, seen=seen_not_with)
        for code in codebook.ids:
            if code in found:
                row = dict(sentence, code=code, rules=found[code][0], matched=found[code][1])
                if code in blocked:
                    suppressed.append(dict(row, suppressed_by=blocked[code][0], suppressing_words=blocked[code][1]))
                else:
                    coded.append(row)
        for name, terms in attributes.items():
            attrs[name].append(sorted(by_label(terms, tokens, lemmatize, seen=seen_attributes[name])))
    for name, per in attrs.items():
        if codebook.attribute_scope.get(name) == "paragraph":  # none found: the paragraph's other sentences' values
            para = [(s["file"], s["paragraph"]) for s in sentences]
            values = {key: sorted({v for k, found in zip(para, per) if k == key for v in found}) for key in set(para)}
            per = [found or values[key] for found, key in zip(per, para)]
        attrs[name] = ["; ".join(found) or codebook.attribute_defaults.get(name, "") for found in per]
    return coded, suppressed, attrs
