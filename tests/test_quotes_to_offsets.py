"""tools/quotes_to_offsets.py: annotators' quotes become offsets, and nothing is guessed or
dropped; the reference codings of corpus-dev2 and corpus-dev3 are what their annotators' quote files give."""

from __future__ import annotations

import re

import pytest
import quotes_to_offsets as tool

from helpers import paths

RAW = {"a.txt": "Tilliten växer. Tilliten växer.\n\nDetaljstyrningen tar tid."}
CODES = {"R_TRUST", "P_DETAIL"}


def _offsets(tmp_path, body: str):
    path = tmp_path / "in.csv"
    path.write_text(body, encoding="utf-8", newline="")
    return tool.offsets(str(path), RAW, CODES)


def test_quotes_become_offsets(tmp_path):
    table = _offsets(tmp_path, "file,code,quote,occurrence\n"
                               "a.txt,P_DETAIL,Detaljstyrningen tar tid.,\n"
                               "a.txt,R_TRUST,Tilliten växer.,2\n")
    assert table.values.tolist() == [["a.txt", 33, 58, "P_DETAIL", "Detaljstyrningen tar tid."],
                                     ["a.txt", 16, 31, "R_TRUST", "Tilliten växer."]]
    assert all(RAW[f][s:e] == q for f, s, e, q in table[["file", "start", "end", "quote"]].itertuples(index=False))


def _main(tmp_path, *bodies: str) -> tuple[int, str]:
    """The tool's exit status and written coding (or its error) on quote files ``bodies``,
    over a corpus whose one raw file is RAW's."""
    corpus = tmp_path / "corpus"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "raw" / "a.txt").write_text(RAW["a.txt"], encoding="utf-8")
    sources = []
    for i, body in enumerate(bodies):
        sources.append(tmp_path / f"q{i}.csv")
        sources[-1].write_text(body, encoding="utf-8", newline="")
    out = tmp_path / "coding.csv"
    status = tool.main([str(corpus), str(out), *map(str, sources)])
    return status, out.read_text(encoding="utf-8") if out.exists() else ""


def test_the_coding_is_sorted_by_file_start_end_and_code(tmp_path):
    status, written = _main(tmp_path, "file,code,quote\na.txt,P_DETAIL,Detaljstyrningen tar tid.\n"
                                      "a.txt,R_TRUST,Detaljstyrningen\n",
                            "file,code,quote,occurrence\na.txt,R_TRUST,Tilliten växer.,2\n")
    assert status == 0
    assert written.splitlines() == ["file,start,end,code,quote", "a.txt,16,31,R_TRUST,Tilliten växer.",
                                    "a.txt,33,49,R_TRUST,Detaljstyrningen",
                                    "a.txt,33,58,P_DETAIL,Detaljstyrningen tar tid."]


def test_two_quotes_from_one_start_are_two_spans_in_one_file_as_across_files(tmp_path):
    """The same start with another end is another span (a word and its sentence), not the
    same quote twice: in one quote file as across two."""
    one = "file,code,quote\na.txt,P_DETAIL,Detaljstyrningen\na.txt,P_DETAIL,Detaljstyrningen tar tid.\n"
    assert _offsets(tmp_path, one)[["start", "end"]].values.tolist() == [[33, 49], [33, 58]]
    status, written = _main(tmp_path, one)
    assert status == 0 and len(written.splitlines()) == 3


def test_the_same_quote_in_two_quote_files_names_both(tmp_path, capsys):
    row = "a.txt,P_DETAIL,Detaljstyrningen tar tid.\n"
    status, written = _main(tmp_path, "file,code,quote\n" + row, "file,code,quote\na.txt,R_TRUST,Detaljstyrningen\n" + row)
    assert status == 1 and written == ""
    assert re.search(r"q1\.csv line 3: the same quote and code as .*q0\.csv line 2\.", capsys.readouterr().err)


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


@pytest.mark.parametrize("corpus, coders", [("corpus-dev2", ("G", "H")), ("corpus-dev3", ("I", "J"))])
def test_a_later_development_corpus_references_are_their_annotators_quotes(corpus, coders, tmp_path):
    root = paths.PROJ_ROOT / corpus
    for coder in coders:
        sources = sorted(str(p) for p in (root / "annotations").glob(f"{coder}_*.csv"))
        assert len(sources) == 4
        out = tmp_path / f"coding_{coder}.csv"
        assert tool.main([str(root), str(out), *sources]) == 0
        assert out.read_bytes() == (root / "reference" / f"coding_{coder}.csv").read_bytes(), coder
