"""Candidate terms for a code (helpers/suggest.py): what they are, what is left out, the CLI."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers import coding, stages, suggest, words

CODEBOOK = coding.Codebook.model_validate({
    "name": "test", "version": 1,
    "codes": [{"id": "C_TRUST", "family": "R", "name_sv": "tillit", "name_en": "trust", "colour": "#000000",
               "definition": "d", "use_when": "u", "terms": ["tillit*"]}],
})


def _tables(texts):
    t = stages.process_batch([(f"d{n}.txt", text) for n, text in enumerate(texts)], CODEBOOK,
                             keep=("segments", "tokens", "coded"))
    return t.segments, t.tokens, t.coded


# "respekten" keeps company with "tillit" in three documents, "ansvaret" in one only;
# "vädret" is everywhere; one uncoded sentence holds "respekten"
TEXTS = [
    "Tilliten kräver respekten. Vädret var fint i dag. Vädret var kallt.\n",
    "Tillit bygger på respekten och ansvaret. Vädret var fint. Ansvaret är stort.\n",
    "Tilliten och respekten hör ihop. Vädret var fint. Respekten behövs i vardagen.\n",
    "Vädret var fint i går. Vädret var kallt i dag.\n",
]


def test_words_over_represented_near_the_code_are_suggested_with_what_they_could_add():
    seg, tok, coded = _tables(TEXTS)
    table = suggest.candidate_terms(seg, tok, coded, CODEBOOK, "C_TRUST", window=0, min_count=2, min_documents=2)
    assert list(table.columns) == suggest.COLUMNS
    assert table["word"].tolist() == ["respekt"]  # the lemma of "respekten"
    row = table.iloc[0]
    assert (row.in_target, row.in_rest, row.documents, row.uncoded_sentences) == (3, 1, 3, 1)
    assert row.example == "Respekten behövs i vardagen." and row.example_file == "d2.txt"
    # G² as words.log_likelihood computes it from the target's and the rest's word counts:
    # lemmas of ≥ 4 letters, not stop words ("fint" → "fin" and "går" → "gå" are too short)
    target_words = 3 + 4 + 4  # tillit kräva respekt | tillit bygga respekt ansvar | tillit respekt höra ihop
    rest_words = 1 + 2 + 1 + 1 + 1 + 3 + 1 + 2  # väder | väder kall | väder | ansvar | väder | respekt behöva vardag | …
    assert row.G2 == pytest.approx(words.log_likelihood(3, target_words, 1, rest_words))
    assert row.ratio == pytest.approx((3 / target_words) / (1 / rest_words))


def test_the_codes_own_words_one_document_and_rarer_words_are_not_suggested():
    seg, tok, coded = _tables(TEXTS)
    table = suggest.candidate_terms(seg, tok, coded, CODEBOOK, "C_TRUST", window=0, min_count=1, min_documents=1)
    assert "tillit" not in set(table["word"])  # a pattern of the code matches it already
    assert "väder" not in set(table["word"])  # not relatively more frequent near the code
    assert "ansvar" in set(table["word"])
    strict = suggest.candidate_terms(seg, tok, coded, CODEBOOK, "C_TRUST", window=0, min_count=1, min_documents=2)
    assert "ansvar" not in set(strict["word"])  # in one document only


def test_the_window_takes_neighbouring_sentences_of_the_same_document_only():
    seg, tok, coded = _tables(TEXTS)
    assert seg["file"].tolist() == ["d0.txt"] * 3 + ["d1.txt"] * 3 + ["d2.txt"] * 3 + ["d3.txt"] * 2
    for window, expected in [(0, [1, 0, 0] * 3 + [0, 0]), (1, [1, 1, 0] * 3 + [0, 0]), (2, [1, 1, 1] * 3 + [0, 0]),
                             (9, [1, 1, 1] * 3 + [0, 0])]:  # never into d3, which has no coded sentence
        target, coded_any = suggest.target_sentences(seg, coded, "C_TRUST", window)
        assert target.astype(int).tolist() == expected
        assert coded_any.astype(int).tolist() == [1, 0, 0] * 3 + [0, 0]
    wide = suggest.candidate_terms(seg, tok, coded, CODEBOOK, "C_TRUST", window=2, min_count=1, min_documents=1)
    assert wide.set_index("word").at["respekt", "in_target"] == 4  # "Respekten behövs" is two sentences away


def test_an_unknown_code_is_named_and_a_code_never_found_suggests_nothing():
    seg, tok, coded = _tables(TEXTS)
    with pytest.raises(ValueError, match="'C_NONE' is not a code of the codebook; its codes are C_TRUST"):
        suggest.candidate_terms(seg, tok, coded, CODEBOOK, "C_NONE")
    empty = suggest.candidate_terms(seg, tok, coded.iloc[0:0], CODEBOOK, "C_TRUST")
    assert empty.empty and list(empty.columns) == suggest.COLUMNS


def test_words_of_names_are_no_candidates_when_the_codebook_skips_names():
    texts = [t.replace("Tilliten kräver respekten.", "Tilliten kräver Respektverket.") for t in TEXTS]
    texts = [t.replace("Tillit bygger på respekten", "Tillit bygger på Respektverket") for t in texts]
    seg, tok, coded = _tables(texts)
    words_found = set(suggest.candidate_terms(seg, tok, coded, CODEBOOK, "C_TRUST", min_count=1, min_documents=1)["word"])
    assert "respektverket" in words_found
    skipping = CODEBOOK.model_copy(update={"skip_names": True})
    words_skipped = set(suggest.candidate_terms(seg, tok, coded, skipping, "C_TRUST", min_count=1, min_documents=1)["word"])
    assert "respektverket" not in words_skipped and words_skipped


def test_the_command_says_which_codes_there_are_when_none_or_another_is_given(capsys):
    assert suggest.main(["--code", ""]) == 2
    assert "error: no code given: make suggest CODE=<one of P_DETAIL," in capsys.readouterr().err
    assert suggest.main(["--code", "X_NONE"]) == 2
    assert "'X_NONE' is not a code of the codebook" in capsys.readouterr().err


def test_bad_input_is_said_in_a_line_naming_it_not_a_traceback(tmp_path, capsys):
    """A corpus refused while its tables are built (two file names that differ only in
    case) reached make suggest as a traceback."""
    corpus = tmp_path / "mine"
    (corpus / "raw").mkdir(parents=True)
    for name in ("a.txt", "A.txt"):
        (corpus / "raw" / name).write_text("Vi behöver mer tillit.\n", encoding="utf-8")
    assert suggest.main(["--code", "R_TRUST", "--corpus", str(corpus), "--out", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: ") and "differ only in case" in err[0], err


def test_the_command_writes_the_suggestions_of_a_run(tmp_path, capsys):
    out = tmp_path / "out"
    assert suggest.main(["--code", "R_TRUST", "--out", str(out), "--top", "5"]) == 0
    table = pd.read_csv(out / "suggestions_R_TRUST.csv")
    assert list(table.columns) == suggest.COLUMNS and 0 < len(table) <= 5
    assert "suggestions for R_TRUST" in capsys.readouterr().out


def test_a_small_corpus_without_candidates_gets_one_line_and_a_path_to_copy(tmp_path, capsys):
    """The reviewer's case: on a small corpus make suggest printed pandas' "Empty DataFrame /
    Columns: …" and the table's path as "…/out/suggestions_R_TRUST.csv", which cannot be copied."""
    corpus, out = tmp_path / "mine", tmp_path / "out"
    (corpus / "raw").mkdir(parents=True)
    (corpus / "raw" / "a.txt").write_text("Vi behöver mer tillit i vården.\n\nVädret var fint.\n", encoding="utf-8")
    assert suggest.main(["--code", "R_TRUST", "--corpus", str(corpus), "--out", str(out)]) == 0
    shown = capsys.readouterr().out.strip()
    assert "Empty DataFrame" not in shown and "…" not in shown and len(shown.splitlines()) == 1, shown
    assert shown.startswith("no candidate words for R_TRUST: no word is in the 1 sentence(s) coded with it"), shown
    assert shown.endswith(f"(An empty table: {out / 'suggestions_R_TRUST.csv'})"), shown
    assert (out / "suggestions_R_TRUST.csv").exists()
    assert suggest.main(["--code", "P_DETAIL", "--corpus", str(corpus), "--out", str(out)]) == 0
    assert "the auto-coder coded no sentence with it in this corpus" in capsys.readouterr().out
