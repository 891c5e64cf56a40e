"""The project's Markdown documents link to files and sections that exist.

The README points into `docs/` and back (the history of the codebook's versions and of the
furniture rounds lives there), so a renamed heading or a moved file breaks a reader's path;
these tests find it. Anchors follow GitHub's rule for a heading's id."""
import re
from pathlib import Path

import pytest

from helpers import paths

ROOT = paths.PROJ_ROOT
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "benchmarks" / "README.md",
                    *(p for p in ROOT.glob("corpus*/README.md"))])
LINK = re.compile(r"(?<!!)\[[^\]]*\]\(([^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.M | re.S)


def slug(heading: str) -> str:
    """GitHub's id for a heading: lower case, punctuation but hyphens dropped, spaces as hyphens."""
    text = heading.strip().lower().replace("`", "")
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(path: Path) -> set[str]:
    text = FENCE.sub("", path.read_text(encoding="utf-8"))
    return {slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


def links(path: Path) -> list[str]:
    return LINK.findall(FENCE.sub("", path.read_text(encoding="utf-8")))


def broken(path: Path) -> list[str]:
    out = []
    for href in links(path):
        if re.match(r"[a-z]+:", href):  # http(s), mailto: not followed here
            continue
        target, _, anchor = href.partition("#")
        file = (path.parent / target).resolve() if target else path
        if not file.exists():
            out.append(f"{href} (no file {target})")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            out.append(f"{href} (no heading with id {anchor!r} in {file.name})")
    return out


def test_slug_follows_githubs_rule():
    assert slug("How far the codes carry: `make evaluate`") == "how-far-the-codes-carry-make-evaluate"
    assert slug("Web-page furniture: what cleaning removes, and how well (`make furniture`)") == (
        "web-page-furniture-what-cleaning-removes-and-how-well-make-furniture")
    assert slug("Outputs (the contract later work relies on)") == "outputs-the-contract-later-work-relies-on"


def test_a_broken_link_is_found(tmp_path):
    (tmp_path / "a.md").write_text("# Title\n\n[ok](#title) [gone](b.md) [no](#nowhere) [web](https://x.org)\n",
                                   encoding="utf-8")
    assert broken(tmp_path / "a.md") == ["b.md (no file b.md)", "#nowhere (no heading with id 'nowhere' in a.md)"]


@pytest.mark.parametrize("path", DOCUMENTS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_link_of_the_documents_leads_somewhere(path):
    assert broken(path) == []


def test_the_readme_sends_the_reader_to_the_histories():
    readme = links(ROOT / "README.md")
    assert "docs/evaluation.md" in readme and "docs/furniture.md" in readme
