"""tools/quotes_to_offsets.py: annotators' quotes become offsets, and nothing is guessed or
dropped; the reference codings of corpus-dev2 are what their annotators' quote files give."""

from __future__ import annotations

import importlib.util

import pytest

from helpers import paths

spec = importlib.util.spec_from_file_location("quotes_to_offsets", paths.PROJ_ROOT / "tools" / "quotes_to_offsets.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)

RAW = {"a.txt": "Tilliten växer. Tilliten växer.\n\nDetaljstyrningen tar tid."}
CODES = {"R_TRUST", "P_DETAIL"}


def _offsets(tmp_path, body: str):
    path = tmp_path / "in.csv"
    path.write_text(body, encoding="utf-8", newline="")
    return tool.offsets(str(path), RAW, CODES)


def test_quotes_become_offsets_sorted(tmp_path):
    table = _offsets(tmp_path, "file,code,quote,occurrence\n"
                               "a.txt,P_DETAIL,Detaljstyrningen tar tid.,\n"
                               "a.txt,R_TRUST,Tilliten växer.,2\n")
    assert table.values.tolist() == [["a.txt", 16, 31, "R_TRUST", "Tilliten växer."],
                                     ["a.txt", 33, 58, "P_DETAIL", "Detaljstyrningen tar tid."]]
    assert all(RAW[f][s:e] == q for f, s, e, q in table[["file", "start", "end", "quote"]].itertuples(index=False))


@pytest.mark.parametrize("body, message", [
    ("file,code,quote\na.txt,R_TRUST,Tilliten växer.\n", r"line 2: the quote occurs 2 times in a.txt; say which"),
    ("file,code,quote,occurrence\na.txt,R_TRUST,Tilliten växer.,0\n", r"line 2: occurrence must be .* 1 to 2, not '0'"),
    ("file,code,quote,occurrence\na.txt,R_TRUST,Tilliten växer.,3\n", r"line 2: occurrence must be"),
    ("file,code,quote,occurrence\na.txt,R_TRUST,Tilliten växer.,x\n", r"line 2: occurrence must be"),
    ("file,code,quote\na.txt,R_TRUST,Tillit saknas.\n", r"line 2: the quote is not in a.txt; copy it exactly"),
    ("file,code,quote\nb.txt,R_TRUST,Tilliten växer.\n", r"line 2: 'b.txt' is not in raw/"),
    ("file,code,quote\na.txt,R_NONE,Detaljstyrningen tar tid.\n", r"line 2: 'R_NONE' is not a code"),
    ('file,code,quote\na.txt,R_TRUST,"x\ny"\na.txt,P_DETAIL,"växer.\n\nDetalj"\n', r"line 2: the quote is not in"),
    ('file,code,quote\na.txt,P_DETAIL,"Detaljstyrningen\ntar"\na.txt,P_DETAIL,"växer.\n\nDetalj"\n',
     r"line 2: the quote is not in"),
    ("file,code,quote\na.txt,P_DETAIL,Detaljstyrningen tar tid.\na.txt,P_DETAIL,Detaljstyrningen tar tid.\n",
     r"line 3: the same quote and code as line 2"),
    ("file,quote\na.txt,Tilliten växer.\n", r"the header must name file, code, quote .* missing code"),
])
def test_a_row_that_cannot_be_placed_stops_with_its_line(tmp_path, body, message):
    with pytest.raises(tool.QuoteError, match=message):
        _offsets(tmp_path, body)


def test_a_quote_across_a_blank_line_is_refused_on_the_line_it_starts(tmp_path):
    body = ('file,code,quote,occurrence\na.txt,P_DETAIL,"Detaljstyrningen tar tid.",\n'
            'a.txt,R_TRUST,"Tilliten växer.\n\nDetaljstyrningen",1\n')
    with pytest.raises(tool.QuoteError, match=r"line 3: the quote is empty or crosses a blank line"):
        _offsets(tmp_path, body)


def test_the_second_development_corpus_references_are_their_annotators_quotes(tmp_path):
    root = paths.PROJ_ROOT / "corpus-dev2"
    for coder in ("G", "H"):
        sources = sorted(str(p) for p in (root / "annotations").glob(f"{coder}_*.csv"))
        assert len(sources) == 4
        out = tmp_path / f"coding_{coder}.csv"
        assert tool.main([str(root), str(out), *sources]) == 0
        assert out.read_bytes() == (root / "reference" / f"coding_{coder}.csv").read_bytes(), coder
