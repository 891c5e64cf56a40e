"""Write the example review of the embedded corpus: ``corpus/review/example_coding_A.csv`` and
``example_coding_B.csv``.

They are EXAMPLE data for the review workflow, not a human's review. The sample is the one
``make review PER_CODE=4 NEAR_MISS=2`` draws (seed 17); each item's decision is read off one
of the example reference codings (``corpus/reference/coding_A.csv``, ``coding_B.csv``, which
are AI-made example data too): ``correct`` when that coding has a span with the item's code
overlapping the sentence, else ``wrong``. Two "reviewers" so that their agreement (α) is shown.

    .venv/bin/python tools/example_review.py      # rewrites the two files
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from helpers import coding, decisions, io, paths, pipeline, reliability, review  # noqa: E402

PER_CODE, NEAR_MISS = 4, 2
NOTE = "EXAMPLE, not a human's review: read off the example reference {coder} (AI-made)"


def main() -> int:
    corpus = paths.CORPUS_DIR
    codebook = coding.codebook_for(corpus)
    raw = reliability.read_raw_texts(corpus)
    refs = reliability.load_references(corpus / "reference", raw, codebook.ids)
    with tempfile.TemporaryDirectory() as out:
        sample = review.sample_for(pipeline.Run.from_params(corpus, Path(out)), PER_CODE, NEAR_MISS)
    for coder, spans in refs.groupby("coder", sort=True):
        rows = []
        for item in sample.itertuples(index=False):
            mine = spans[(spans["file"] == item.file) & (spans["code"] == item.code)]
            hit = ((mine["start"] < int(item.end)) & (mine["end"] > int(item.start))).any()
            rows.append({"file": item.file, "start": int(item.start), "end": int(item.end), "code": item.code,
                         "decision": "correct" if hit else "wrong", "reviewer": f"example {coder}",
                         "note": NOTE.format(coder=coder)})
        table = pd.DataFrame(rows, columns=decisions.DECISION_COLUMNS)
        path = corpus / decisions.REVIEW_DIR / f"example_{coder}.csv"
        io.write_text(path, table[decisions.DECISION_COLUMNS].to_csv(index=False, lineterminator="\n"))
        decisions.load_file(path, raw, codebook.ids)  # as the pipeline will read it
        print(f"{paths.display(path)}: {len(table)} decisions")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
