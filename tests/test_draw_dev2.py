"""tools/draw_dev2.py: how a theme stem is matched, and that the matching corpus-dev2 was
drawn with (the default) re-draws it byte for byte."""

from __future__ import annotations

import importlib.util

import pytest

from helpers import paths

spec = importlib.util.spec_from_file_location("draw_dev2", paths.PROJ_ROOT / "tools" / "draw_dev2.py")
tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(tool)


@pytest.mark.parametrize("text, anywhere, word_starts", [
    ("Det är relevant.", 1, 0),  # 'elev' inside 'relevant': no stem there
    ("Vårdpersonal och arbetsmiljökunskaper.", 2, 0),  # compound heads: 'personal', 'kunskap'
    ("Personalen och eleverna, elevernas kunskap.", 3, 3),  # at word starts, each stem once
    ("Jordbrukare och brukare.", 1, 1),
])
def test_a_stem_counts_anywhere_in_a_word_or_only_at_a_word_s_start(text, anywhere, word_starts):
    assert tool.DRAWN_WITH == "anywhere"  # corpus-dev2's matching is the default
    assert tool.themes(text) == tool.themes(text, "anywhere") == anywhere
    assert tool.themes(text, "word-starts") == word_starts


def test_the_default_matching_re_draws_corpus_dev2_byte_for_byte(real_corpus_file, tmp_path, capsys):
    """The committed draw stays reproducible: the default matching (DRAWN_WITH) draws the
    same files, texts and metadata (about a minute: the whole benchmark corpus is read)."""
    assert tool.main(str(real_corpus_file), str(tmp_path / "dev2")) == 0
    assert "stems matched anywhere (as corpus-dev2 was drawn)" in capsys.readouterr().out
    committed = paths.PROJ_ROOT / "corpus-dev2"
    for name in ("SHA256SUMS", "metadata.csv"):
        assert (tmp_path / "dev2" / name).read_bytes() == (committed / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "dev2" / "raw").iterdir()) == \
        sorted(p.name for p in (committed / "raw").iterdir())
