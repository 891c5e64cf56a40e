"""Tune the template rule's parameters on the tune sites of corpus-furniture/sites/ only.

For each setting of ``min_files``, ``max_words`` and ``min_run`` in a small grid, the
rules in force with the template rule so set score the tune part, each site's pages
cleaned together (``helpers.furniture.predictions(..., by_site=True)``). Prints recall and
precision per setting, sorted; never reads the check part. Usage:
``.venv/bin/python tools/tune_template.py``.
"""

from __future__ import annotations

import dataclasses
from itertools import product

from helpers import clean, furniture, paths


def main() -> None:
    pages = [p for p in furniture.load_set(paths.FURNITURE_DIR / furniture.SITES_DIR) if p.part == "tune"]
    rules = clean.load_rules()
    rows = []
    for min_files, max_words, min_run in product((2, 3), (3, 5, 8, 12, 20), (1, 2)):
        tuned = tuple(dataclasses.replace(r, min_files=min_files, max_words=max_words, min_run=min_run)
                      if r.kind == "template" else r for r in rules)
        table = furniture.score(furniture.predictions(pages, tuned, by_site=True)).set_index(["measure", "group"])
        rec, prec = table.loc[("recall", "all")], table.loc[("precision", "all")]
        rows.append((min_files, max_words, min_run, int(rec["hits"]), int(rec["total"]), int(prec["hits"]),
                     int(prec["total"])))
    print("min_files max_words min_run  recall          precision")
    for mf, mw, mr, rh, rt, ph, pt in rows:
        print(f"{mf:9d} {mw:9d} {mr:7d}  {rh / rt:.3f} ({rh}/{rt})  {ph / pt if pt else float('nan'):.3f} ({ph}/{pt})")


if __name__ == "__main__":
    main()
