"""Data into Markdown and HTML, as text.

Everything the pages show that comes from data (the corpus's sentences, file names and
document ids, the metadata's values, a codebook's names, a study's description) goes
through :func:`escape` on its way into Markdown or HTML, so that it is shown as it is and
never becomes markup: no ``<script>``, no element with an ``on…`` handler, no link.
"""

from __future__ import annotations

import html
import re

# Characters with a meaning inside a Markdown paragraph (CommonMark, GitHub's extensions
# and nbconvert's math): backslash-escaped. < > & become entities, like in HTML.
_MARKDOWN_PUNCTUATION = re.compile(r"([\\`*_\[\]~|$])")
# A line break (or a run of white space holding one) could start a heading, a list, a
# code block or a new paragraph: data is inline text, so it reads as one space.
_LINE_BREAK = re.compile(r"\s*[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]\s*")


def escape(value: object, markdown: bool = False) -> str:
    """``value`` as text, safe to put into HTML (element content or a quoted attribute:
    ``& < > " '`` become character references) or, with ``markdown=True``, into a
    Markdown paragraph (also ``\\ ` * _ [ ] ~ | $`` backslash-escaped and line breaks
    read as a space). Plain words, numbers, dates and ``- / . , : ; ( )`` are left as
    they are, so text without markup is unchanged."""
    text = str(value)
    if not markdown:
        return html.escape(text, quote=True)
    text = _LINE_BREAK.sub(" ", text)
    return html.escape(_MARKDOWN_PUNCTUATION.sub(r"\\\1", text), quote=False)
