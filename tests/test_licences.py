"""The code is MIT: no runtime dependency (the package's requirements without extras, and
theirs) may be under the GPL (the LGPL is fine)."""

from __future__ import annotations

import re
from importlib import metadata

from packaging.requirements import Requirement


def _licence(dist: metadata.Distribution) -> str:
    """The licence a distribution declares: its SPDX expression, else its licence
    classifiers, else its ``License`` field when that is a name rather than a whole text
    (matplotlib's holds its licence's text, which mentions the GPL only as compatible)."""
    meta = dist.metadata
    classifiers = [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    field = (meta.get("License") or "").strip()
    expression = meta.get("License-Expression") or ""
    parts = ([expression] if expression else []) or classifiers or ([field] if len(field) < 200 else [field.splitlines()[0]])
    return " | ".join(parts)


def _is_gpl(licence: str) -> bool:
    """GPL, but not LGPL ("Lesser") nor a GPL-compatible exception such as GCC's."""
    text = re.sub(r"LGPL[-\w.+]*|GNU Lesser General Public License[^|]*|Lesser General Public", "", licence)
    return bool(re.search(r"\bGPL\b|GNU General Public License|GPL-[23]", text))


def _runtime_closure() -> dict[str, str]:
    seen: dict[str, str] = {}
    todo = ["kvalitext"]
    while todo:
        name = todo.pop()
        key = re.sub(r"[-_.]+", "-", name).lower()
        if key in seen:
            continue
        dist = metadata.distribution(name)
        seen[key] = _licence(dist)
        for spec in dist.requires or []:
            req = Requirement(spec)
            if req.marker is not None and not req.marker.evaluate({"extra": ""}):
                continue  # an extra's requirement, or not for this platform
            todo.append(req.name)
    return seen


def test_no_runtime_dependency_is_gpl():
    closure = _runtime_closure()
    assert {"pandas", "nltk", "simplemma", "jupyterlab"} <= set(closure)
    assert "krippendorff" not in closure and "pytest" not in closure  # a dev extra's tool is not runtime
    assert {name: lic for name, lic in closure.items() if _is_gpl(lic)} == {}


def test_the_licence_check_sees_the_gpl():
    assert _is_gpl("GPL-3.0-or-later") and _is_gpl("License :: OSI Approved :: GNU General Public License v3 (GPLv3)")
    assert not _is_gpl("LGPL-2.1-or-later") and not _is_gpl("License :: OSI Approved :: GNU Lesser General Public "
                                                            "License v2 or later (LGPLv2+)")
    assert not _is_gpl("MIT") and not _is_gpl("BSD-3-Clause | License :: OSI Approved :: BSD License")
