"""tools/removals.py: what the cleaning rules remove from a corpus of JSON lines, per rule,
with a seeded sample, and every removal saved for comparing two checkouts' rules."""

from __future__ import annotations

import gzip
import json

import pytest
import removals as tool

BODY = "Regeringen har gett myndigheten i uppdrag att följa upp reformen inom tre år."


def _corpus(tmp_path):
    path = tmp_path / "c.jsonl.gz"
    docs = [{"id": "b", "text": f"{BODY}\n\n•\n\n{BODY}\n"},
            {"id": "a", "text": f"Hoppa till innehållet\n\n{BODY}\n\n•\n"},
            {"id": "c", "text": f"{BODY}\n"}]
    with gzip.open(path, "wt", encoding="utf-8") as f:
        f.write("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs))
    return path


def test_each_rule_s_lines_are_counted_sampled_and_saved_sorted(tmp_path, capsys):
    corpus = _corpus(tmp_path)
    assert tool.main(["--corpus", str(corpus), "--sample", "1", "--save", str(tmp_path / "r.tsv")]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "3 documents, 3 lines removed by 2 rules (each document cleaned alone)"
    assert out[1] == "navigation: 2 lines in 2 documents" and out[2] in ("    a: •", "    b: •")
    assert out[3] == "skip-link: 1 lines in 1 documents" and out[4] == "    a: Hoppa till innehållet"
    saved = (tmp_path / "r.tsv").read_text(encoding="utf-8")
    assert saved == "a\tnavigation\t•\na\tskip-link\tHoppa till innehållet\nb\tnavigation\t•\n"
    # the same seed draws the same sample; the body sentence is never removed
    assert tool.main(["--corpus", str(corpus), "--sample", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[:5] == out[:5]
    assert BODY not in saved


def test_a_missing_corpus_is_refused_naming_it(tmp_path, capsys):
    with pytest.raises(SystemExit):
        tool.main(["--corpus", str(tmp_path / "none.jsonl.gz")])
    assert "none.jsonl.gz: no such file" in capsys.readouterr().err


def test_a_plain_jsonl_corpus_counts_only_with_sample_0_and_long_lines_are_cut_when_shown(tmp_path, capsys):
    """A corpus without gzip is read too; ``--sample 0`` prints the counts and no line; a
    sampled line longer than 120 characters is cut, with "…", and saved whole."""
    long = "Hoppa till innehållet " + "x" * 200
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"id": "a", "text": f"{BODY}\n\n•\n"}, ensure_ascii=False) + "\n", encoding="utf-8")
    assert tool.main(["--corpus", str(path), "--sample", "0"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "1 documents, 1 lines removed by 1 rules (each document cleaned alone)", "navigation: 1 lines in 1 documents"]
    rows = [("a", "foreign-language", long)]
    shown = tool.report(rows, 1, 1, 0).splitlines()[2]
    assert shown == f"    a: {long[:tool.SHOWN]}…" and len(long) > tool.SHOWN
    assert tool.report([("a", "r", "kort rad")], 1, 1, 0).splitlines()[2] == "    a: kort rad"
    with pytest.raises(SystemExit):
        tool.main(["--corpus", str(path), "--sample", "-1"])
    assert "--sample -1: give 0 or more" in capsys.readouterr().err
