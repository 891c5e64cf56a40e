"""tools/draw_dev.py: how a theme stem is matched, and that each development corpus it drew
(corpus-dev2, corpus-dev3) is re-drawn byte for byte."""

from __future__ import annotations

import draw_dev as tool
import pytest

from helpers import paths


@pytest.mark.parametrize("text, anywhere, word_starts", [
    ("Det är relevant.", 1, 0),  # 'elev' inside 'relevant': no stem there
    ("Vårdpersonal och arbetsmiljökunskaper.", 2, 0),  # compound heads: 'personal', 'kunskap'
    ("Personalen och eleverna, elevernas kunskap.", 3, 3),  # at word starts, each stem once
    ("Jordbrukare och brukare.", 1, 1),
])
def test_a_stem_counts_anywhere_in_a_word_or_only_at_a_word_s_start(text, anywhere, word_starts):
    assert tool.DRAWS["corpus-dev2"].matching == "anywhere"
    assert tool.DRAWS["corpus-dev3"].matching == "word-starts"
    assert tool.themes(text, "anywhere") == anywhere
    assert tool.themes(text, "word-starts") == word_starts


@pytest.mark.parametrize("corpus", sorted(tool.DRAWS))
def test_each_development_corpus_is_re_drawn_byte_for_byte(corpus, real_corpus_file, tmp_path, capsys):
    """The committed draws stay reproducible: each corpus's entry in DRAWS draws the same
    files, texts and metadata (about a minute each: the whole benchmark corpus is read)."""
    assert tool.main(str(real_corpus_file), str(tmp_path / corpus)) == 0
    assert f"drawing {corpus}: seed {tool.DRAWS[corpus].seed}" in capsys.readouterr().out
    committed = paths.PROJ_ROOT / corpus
    for name in ("SHA256SUMS", "metadata.csv"):
        assert (tmp_path / corpus / name).read_bytes() == (committed / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / corpus / "raw").iterdir()) == \
        sorted(p.name for p in (committed / "raw").iterdir())


def test_the_later_corpus_holds_no_text_of_an_earlier_one_not_even_asked_again():
    """corpus-dev3 holds no text of corpus-dev or corpus-dev2, nor one asked again under a new
    number (the same body after the title line), and no text twice (its ids: test_evaluation)."""
    def bodies(corpus):
        return [tool.body(p.read_text(encoding="utf-8")) for p in sorted((paths.PROJ_ROOT / corpus / "raw").glob("*.txt"))]
    mine = bodies("corpus-dev3")
    assert len(mine) == len(set(mine)) == 48
    assert not set(mine) & set(bodies("corpus-dev") + bodies("corpus-dev2"))


def test_a_folder_no_draw_is_defined_for_is_refused(tmp_path, capsys):
    assert tool.main("unused.jsonl.gz", str(tmp_path / "corpus-x")) == 2
    assert "no draw is defined for 'corpus-x'" in capsys.readouterr().err
    assert not (tmp_path / "corpus-x").exists()
