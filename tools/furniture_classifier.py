"""A learned line classifier for web-page furniture, scored leave-one-round-out: an experiment, not in use.

    .venv/bin/python -m pip install --target /tmp/sk scikit-learn==1.9.1   # not one of the pins; it brings scipy
    PYTHONPATH=/tmp/sk .venv/bin/python tools/furniture_classifier.py

The furniture rules (``helpers/data/boilerplate.yaml``) find a third to a half of the furniture on
sites they were not written on (docs/furniture.md). This asks whether a signal learned from the
labelled lines of ``corpus-furniture/`` does better: a logistic regression over the line's
character 2-4-grams and word 1-2-grams (hashed), the character n-grams of the lines before and
after it, and its form (length, words, final punctuation, digits, capitals, an e-mail address or
a phone number, its place in the page, whether the lines around it are short or prose, whether
it is the only word on its line, whether the page repeats it). Each round's pages are scored by a
model trained on every other round's (their host names differ, though a few hosts of later
rounds are siblings of earlier ones, vdocuments.site of vdocuments.pub, a court's older host of
domstol.se), at several thresholds, alone and joined to the rules (a line goes when either removes
it). The rules' own figures beside them are the rules in force, which were written reading
every round but the last: only the last round's rules figure is a held-out one. The split is
by round of collection, so round 1's tune sites are scored as held out here, and the model
learns from later rounds as well as earlier ones: a comparison with the rules' held-out
figures (each round scored with rules written before it) favours the classifier.

It needs scikit-learn, which the project does not pin or install: the classifier is not part of
cleaning (docs/furniture.md, "A learned line classifier", says why). The model is deterministic
(lbfgs, no random state used), so the figures repeat with the same scikit-learn and labels.
"""

from __future__ import annotations

import csv
import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import furniture, paths  # noqa: E402

EMAIL = re.compile(r"\S@\S+\.\w+")
PHONE = re.compile(r"(\+46|\b0)\d{1,3}[ -]?\d{2,3}[ -]?\d{2}[ -]?\d{2}\b")
PROSE = 120  # characters: a line this long is prose
THRESHOLDS = (0.5, 0.7, 0.8, 0.9, 0.95)


def form(lines: list[str], i: int) -> dict[str, float]:
    """The form of line ``i`` among a page's lines that are not blank."""
    t, n, words = lines[i], len(lines), lines[i].split()
    end = t.rstrip()[-1:]
    return {
        "chars": min(len(t), 300) / 300, "words": min(len(words), 40) / 40,
        "ends_sentence": float(end in ".!?"), "ends_colon": float(end == ":"),
        "digits": sum(c.isdigit() for c in t) / max(1, len(t)), "capitals": sum(c.isupper() for c in t) / max(1, len(t)),
        "email": float(bool(EMAIL.search(t))), "phone": float(bool(PHONE.search(t))),
        "place": i / max(1, n - 1), "first": float(i == 0), "last": float(i == n - 1),
        "short_before": float(i > 0 and len(lines[i - 1]) < 60), "short_after": float(i < n - 1 and len(lines[i + 1]) < 60),
        "prose_before": float(i > 0 and len(lines[i - 1]) > PROSE),
        "prose_after": float(i < n - 1 and len(lines[i + 1]) > PROSE),
        "before_any_prose": float(not any(len(x) > PROSE for x in lines[:i])),
        "after_all_prose": float(not any(len(x) > PROSE for x in lines[i + 1:])),
        "repeated": float(lines.count(t) > 1), "one_word": float(len(words) == 1), "two_words": float(len(words) == 2),
        "sentence": float(len(words) > 8 and end in ".!?"),
    }


def table() -> pd.DataFrame:
    """One row per labelled line: its page, round, label, the rules' decision, its text, its
    neighbours' text and its form."""
    pages = furniture.load_set()
    with open(paths.FURNITURE_DIR / "pages.csv", encoding="utf-8", newline="") as f:
        rounds = {r["page"]: int(r["round"]) for r in csv.DictReader(f)}
    ruled = {(r.page, r.line): r.removed_by for r in furniture.predictions(pages).itertuples()}
    rows = []
    for p in pages:
        numbered = [(n, ln.strip()) for n, ln in enumerate(p.text.split("\n"), 1) if ln.strip()]
        texts = [t for _, t in numbered]
        labels = dict(zip(p.labels["line"], p.labels["label"]))
        for j, (n, t) in enumerate(numbered):
            rows.append({"page": p.name, "round": rounds[p.name], "line": n, "furniture": int(labels[n] == "furniture"),
                         "rules": ruled.get((p.name, n), "") != "", "text": t,
                         "before": texts[j - 1] if j else "", "after": texts[j + 1] if j + 1 < len(texts) else "",
                         **form(texts, j)})
    return pd.DataFrame(rows)


def leave_one_round_out(df: pd.DataFrame) -> np.ndarray:
    """Each line's probability of being furniture, from a model trained on the other rounds."""
    from scipy import sparse
    from sklearn.feature_extraction.text import HashingVectorizer
    from sklearn.linear_model import LogisticRegression

    chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=2**18, alternate_sign=False)
    words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=2**18, alternate_sign=False,
                              token_pattern=r"(?u)\b\w+\b")
    forms = [c for c in df.columns if c not in ("page", "round", "line", "furniture", "rules", "text", "before", "after")]
    x = sparse.hstack([chars.transform(df["text"]), words.transform(df["text"]), 0.5 * chars.transform(df["before"]),
                       0.5 * chars.transform(df["after"]), sparse.csr_matrix(df[forms].to_numpy())]).tocsr()
    y = df["furniture"].to_numpy()
    p = np.zeros(len(df))
    for r in sorted(df["round"].unique()):
        train = (df["round"] != r).to_numpy()
        model = LogisticRegression(C=4.0, max_iter=3000, class_weight="balanced").fit(x[train], y[train])
        p[~train] = model.predict_proba(x[~train])[:, 1]
    return p


def scores(removed: pd.Series, furn: pd.Series) -> str:
    hit, said, total = int((removed & furn).sum()), int(removed.sum()), int(furn.sum())
    return (f"recall {hit / max(1, total):.3f} ({hit} of {total}), "
            f"precision {hit / max(1, said):.3f} ({hit} of {said})")


def main() -> int:
    df = table()
    df["p"] = leave_one_round_out(df)
    furn = df["furniture"] == 1
    last = df["round"] == df["round"].max()
    print(f"{len(df)} labelled lines of {df['page'].nunique()} pages, {df['round'].nunique()} rounds; "
          f"the last round is {df['round'].max()}")
    print(f"rules in force, every round (read for all but the last): {scores(df['rules'], furn)}")
    print(f"rules in force, the last round (held out):               {scores(df['rules'][last], furn[last])}")
    for t in THRESHOLDS:
        clf = df["p"] > t
        print(f"classifier p > {t}: every round, each held out: {scores(clf, furn)}")
        print(f"   the last round: {scores(clf[last], furn[last])}; "
              f"with the rules: {scores((clf | df['rules'])[last], furn[last])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
