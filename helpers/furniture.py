"""How well cleaning finds web-page furniture, on a labelled set of captured pages.

``corpus-furniture/`` holds excerpts of Swedish public-sector web pages as captured
(``pages/*.txt``), one label file per page (``labels/*.csv``: ``line, label, kind,
text``; every line that is not blank is ``body`` or ``furniture`` with its kind) and
``pages.csv`` (``page, site, round, held_out, part, url, source``): the round a page was
collected in, whether it was held out while that round's rules were written, and its part
now: ``check`` (the latest round's sites, held out while the rules in force were written)
or ``tune`` (the earlier rounds, read to write them; ``corpus-furniture/README.md``).
:func:`score` runs :func:`helpers.clean.segment` with the rules over every page of a part
and counts, line by line, which furniture lines were removed (recall, per labelled kind)
and which removed lines were furniture (precision, per removing rule). A line counts as
removed when a rule removed the whole line; the list-marker and invisible-character
removals, which take a character from a kept line, are not line removals.
``python -m helpers.furniture`` (``make furniture``) prints the scores.

``corpus-furniture/sites/`` is a second set in the same format with several pages of
each site, to measure the ``template`` rule: with ``by_site``, :func:`predictions`
cleans each site's pages together, as one corpus (the line counts of
:func:`helpers.clean.template_counts` over that site's pages), and without it each page
alone, as the rounds are scored (a template rule then removes nothing).
``python -m helpers.furniture --sites`` (``make furniture SITES=1``) prints both.

The check part is scored once per round, after the rules are frozen: ``--record``
(``make furniture RECORD=1``) writes the overall scores of the rules in force, for both
parts of both sets, to :data:`RECORD` with a :func:`fingerprint` of what decides them (the
rule file, the code that applies the rules, the labelled pages). The README quotes the
record, and the tests compare the record's fingerprint with the current one instead of
scoring the check part again, so that the held-out figure is not shown at every test run.
"""

from __future__ import annotations

import argparse
import ast
import csv
import hashlib
import io as _stdio
import tokenize
from bisect import bisect_right
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

import pandas as pd

from . import clean, io, paths

NOT_LINE_REMOVALS = ("list-marker", "invisible-characters")
TARGETS = {"recall": 0.95, "precision": 0.98}


@dataclass(frozen=True)
class Page:
    name: str
    site: str
    part: str
    text: str
    labels: pd.DataFrame  # line, label, kind


SITES_DIR = "sites"  # the multi-page set, inside paths.FURNITURE_DIR


def load_set(root: Path | None = None) -> list[Page]:
    """The labelled pages, sorted by name."""
    root = paths.FURNITURE_DIR if root is None else Path(root)
    pages = []
    with open(root / "pages.csv", encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            name = row["page"]
            labels = pd.read_csv(root / "labels" / f"{name}.csv", dtype=str, keep_default_na=False)
            bad = set(labels["label"]) - {"body", "furniture"}
            if bad:
                raise ValueError(f"{paths.display(root / 'labels' / (name + '.csv'))}: label must be 'body' or "
                                 f"'furniture', found {sorted(bad)}")
            labels["line"] = labels["line"].astype(int)
            text = (root / "pages" / f"{name}.txt").read_text(encoding="utf-8")
            pages.append(Page(name, row["site"], row["part"], text, labels))
    return sorted(pages, key=lambda p: p.name)


def removed_lines(text: str, file: str, rules: tuple[clean.Rule, ...],
                  counts: dict[str, int] | None = None) -> dict[int, str]:
    """The 1-based numbers of the lines that rules removed, with the rule that removed each
    (``counts``: the corpus's line counts, for template rules)."""
    _, removed = clean.segment(text, file, rules, counts)
    starts = [s for s, _ in clean.lines(text)]
    out = {}
    for r in removed:
        if r["rule"] in NOT_LINE_REMOVALS:
            continue
        n = bisect_right(starts, r["start"])
        out[n] = r["rule"]
    return out


def predictions(pages: list[Page], rules: tuple[clean.Rule, ...] | None = None,
                by_site: bool = False) -> pd.DataFrame:
    """One row per labelled line: ``page, site, part, line, label, kind, removed_by``.
    With ``by_site`` each site's pages among ``pages`` are cleaned together, as one corpus
    (template rules read their line counts); otherwise each page alone."""
    rules = clean.load_rules() if rules is None else rules
    counts: dict[str, dict[str, int]] = {}
    if by_site:
        for site in sorted({p.site for p in pages}):
            counts[site] = clean.template_counts([p.text for p in pages if p.site == site], rules)
    rows = []
    for p in pages:
        gone = removed_lines(p.text, p.name, rules, counts.get(p.site))
        for line, label, kind in zip(p.labels["line"], p.labels["label"], p.labels["kind"]):
            rows.append({"page": p.name, "site": p.site, "part": p.part, "line": line, "label": label,
                         "kind": kind, "removed_by": gone.get(line, "")})
    return pd.DataFrame(rows, columns=["page", "site", "part", "line", "label", "kind", "removed_by"])


RECORD = paths.PROJ_ROOT / "docs" / "furniture-scores.csv"
RECORD_COLUMNS = ["set", "part", "cleaned", "pages", "sites", "measure", "hits", "total", "value", "labels", "rules",
                  "code"]
SETS = {"rounds": "", "sites": SITES_DIR}  # the record's sets: folder inside paths.FURNITURE_DIR
RULE_FILES = (paths.BOILERPLATE_FILE,)  # the default rules, all that load_rules() reads here
PACKAGES = ("wordfreq",)  # the language rule's word frequencies (the line removals scored here never split sentences)


def _digest(parts: list[tuple[str, bytes]]) -> str:
    """SHA-256 of named parts (:func:`helpers.io.hash_parts`), 16 hex digits."""
    h = hashlib.sha256()
    io.hash_parts(h, parts)
    return h.hexdigest()[:16]


def code_modules(start: str = "furniture", package: Path = paths.HELPERS_DIR) -> list[str]:
    """The helpers modules the scores depend on: ``start`` and, transitively, every module
    of ``package`` it imports (found in their source, so a module split off ``clean`` is
    followed)."""
    modules = {p.stem for p in package.glob("*.py")}
    seen: set[str] = set()
    todo = [start]
    while todo:
        name = todo.pop()
        if name in seen:
            continue
        seen.add(name)
        tree = ast.parse((package / f"{name}.py").read_text(encoding="utf-8"))
        todo += [m for node in ast.walk(tree) for m, _ in paths.helpers_imports(node, modules)]
    return sorted(seen)


def code_text(source: str) -> str:
    """A module's source without its comments, docstrings, blank lines and trailing blanks:
    what decides its behaviour, so that rewording a comment does not ask for a new record
    (any change of code does, a behaviour-preserving refactoring too: re-recording is then
    deliberate and cheap). Taken from the text itself, not from ``ast.dump``, whose form
    differs between Python versions."""
    lines = source.splitlines()
    drop: dict[int, int] = {}  # line (0-based) -> column where a comment starts
    for tok in tokenize.generate_tokens(_stdio.StringIO(source).readline):
        if tok.type == tokenize.COMMENT:
            drop[tok.start[0] - 1] = tok.start[1]
    for i, col in drop.items():
        lines[i] = lines[i][:col]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            alone = (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                     and isinstance(first.value.value, str)
                     and not lines[first.lineno - 1][:first.col_offset].strip()
                     and not lines[first.end_lineno - 1][first.end_col_offset:].strip())
            if alone:  # a docstring on lines of its own (one that shares a line with code is kept)
                for i in range(first.lineno - 1, first.end_lineno):
                    lines[i] = ""
    return "\n".join(line.rstrip() for line in lines if line.strip()) + "\n"


def labelled_files(root: Path) -> list[Path]:
    """The files of one labelled set that :func:`load_set` reads, sorted."""
    return [root / "pages.csv", *sorted((root / "pages").glob("*.txt")), *sorted((root / "labels").glob("*.csv"))]


def fingerprint(root: Path | None = None) -> dict[str, str]:
    """What decides a set's scores: ``labels`` (the set's pages and labels, as
    :func:`labelled_files`), ``rules`` (:data:`RULE_FILES`), ``code`` (the text of
    :func:`code_modules` as :func:`code_text`, and the versions of :data:`PACKAGES`)."""
    root = paths.FURNITURE_DIR if root is None else Path(root)
    return {
        "labels": _digest([(p.relative_to(root).as_posix(), p.read_bytes()) for p in labelled_files(root)]),
        "rules": _digest([(p.name, p.read_bytes()) for p in RULE_FILES]),
        "code": _digest([(f"{m}.py", code_text((paths.HELPERS_DIR / f"{m}.py").read_text(encoding="utf-8")).encode())
                         for m in code_modules()] + [(p, version(p).encode()) for p in PACKAGES]),
    }


def record_table() -> pd.DataFrame:
    """The overall scores of the rules in force on both parts of both sets (the rounds'
    pages each cleaned alone; the multi-page set's each alone and each site's together),
    one row per set, part, cleaning and measure, each with the set's :func:`fingerprint`."""
    rows = []
    for set_name, folder in SETS.items():
        root = paths.FURNITURE_DIR / folder
        pages = load_set(root)
        marks = fingerprint(root)
        for cleaned in (["page", "site"] if folder else ["page"]):
            pred = predictions(pages, by_site=cleaned == "site")
            for part in ("check", "tune"):
                mine = pred[pred["part"] == part]
                table = score(mine).set_index(["measure", "group"])
                for measure in ("recall", "precision"):
                    hits, total = (int(table.loc[(measure, "all"), c]) for c in ("hits", "total"))
                    rows.append({"set": set_name, "part": part, "cleaned": cleaned, "pages": mine["page"].nunique(),
                                 "sites": mine["site"].nunique(), "measure": measure, "hits": hits, "total": total,
                                 "value": f"{_ratio(hits, total):.3f}", **marks})
    return pd.DataFrame(rows, columns=RECORD_COLUMNS)


def read_record(path: Path = RECORD) -> pd.DataFrame:
    """The record as written (every cell a string)."""
    if not Path(path).exists():
        raise FileNotFoundError(f"{paths.display(Path(path))}: no record of the furniture scores; freeze the rules "
                                "and run `make furniture RECORD=1` once.")
    return io.read_csv(path)


def write_record(table: pd.DataFrame, path: Path = RECORD) -> Path:
    """Write :func:`record_table`'s rows to ``path`` atomically, in a fixed order."""
    keys = ["set", "part", "cleaned", "measure"]
    return io.write_csv(path, table[RECORD_COLUMNS].sort_values(keys, kind="stable"), spreadsheet=False)


def _ratio(hit: int, total: int) -> float:
    return hit / total if total else float("nan")


def score(pred: pd.DataFrame) -> pd.DataFrame:
    """Recall overall and per labelled kind of furniture, precision overall and per
    removing rule: ``measure, group, hits, total, value`` (``value = hits / total``)."""
    furniture = pred[pred["label"] == "furniture"]
    removed = pred[pred["removed_by"] != ""]
    rows = [{"measure": "recall", "group": "all", "hits": int((furniture["removed_by"] != "").sum()),
             "total": len(furniture)},
            {"measure": "precision", "group": "all", "hits": int((removed["label"] == "furniture").sum()),
             "total": len(removed)}]
    for kind, g in sorted(furniture.groupby("kind"), key=lambda kv: kv[0]):
        rows.append({"measure": "recall", "group": kind, "hits": int((g["removed_by"] != "").sum()), "total": len(g)})
    for rule, g in sorted(removed.groupby("removed_by"), key=lambda kv: kv[0]):
        rows.append({"measure": "precision", "group": rule, "hits": int((g["label"] == "furniture").sum()),
                     "total": len(g)})
    out = pd.DataFrame(rows, columns=["measure", "group", "hits", "total"])
    out["value"] = [_ratio(h, t) for h, t in zip(out["hits"], out["total"])]
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Score cleaning's furniture removal on the labelled pages.")
    ap.add_argument("--part", default="check", choices=["check", "tune", "all"],
                    help="which part of the labelled set (default: check, the held-out sites)")
    ap.add_argument("--errors", action="store_true", help="also list the lines scored wrong")
    ap.add_argument("--sites", action="store_true",
                    help="score the multi-page set (corpus-furniture/sites/) by site: each page alone, then each "
                         "site's pages cleaned together (the template rule)")
    ap.add_argument("--record", action="store_true",
                    help=f"score both parts of both sets with the rules in force and write the figures and the "
                         f"fingerprint of the rules to {RECORD.relative_to(paths.PROJ_ROOT)} (once per round, after "
                         f"the rules are frozen)")
    args = ap.parse_args(argv)
    if args.record:
        table = record_table()
        write_record(table)
        print(f"Wrote {RECORD.relative_to(paths.PROJ_ROOT)}: the scores of the rules in force; quote them in the "
              f"README and commit both.")
        print(table.drop(columns=["labels", "rules", "code"]).to_string(index=False))
        return 0
    root = paths.FURNITURE_DIR / SITES_DIR if args.sites else None
    pages = [p for p in load_set(root) if args.part == "all" or p.part == args.part]
    runs = [("each page alone (per-document rules)", False), ("each site's pages together (with the template rule)",
                                                               True)] if args.sites else [("", False)]
    for title, by_site in runs:
        pred = predictions(pages, by_site=by_site)
        table = score(pred)
        where = "the multi-page set's " if args.sites else "the "
        print(f"Furniture removal on {where}{args.part} part{', ' + title if title else ''}: {len(pages)} pages, "
              f"{pred['site'].nunique()} sites, {len(pred)} lines (targets: recall >= {TARGETS['recall']}, "
              f"precision >= {TARGETS['precision']})")
        print(table.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
        if args.errors:
            wrong = pred[(pred["label"] == "furniture") != (pred["removed_by"] != "")]
            print("\nLines scored wrong (missed furniture, or body removed):")
            print(wrong.to_string(index=False))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
