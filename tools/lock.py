"""Pin the exact versions for every supported Python in one constraints file (``make lock``).

For each interpreter of :data:`VERSIONS` found (``python3.X`` on the PATH, or under pyenv's
versions folder), a scratch virtual environment resolves ``pyproject.toml``'s ranges with
the dev and bench extras, and ``pip freeze`` records the result. The freezes are merged
into ``requirements/constraints.txt``: a package pinned alike for every version is one
plain line; otherwise each version gets its own line with an environment marker
(``; python_version == "3.12"``), which pip honours in a constraints file. A version with
no interpreter here keeps the lines it had, so locking on a machine without 3.13 does not
drop 3.13's pins.

    python tools/lock.py                       # resolve for every Python found
    python tools/lock.py --freeze 3.12=FILE    # merge a freeze made elsewhere instead
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "constraints.txt"
VERSIONS = ("3.11", "3.12", "3.13")
HEADER = ("# Exact versions that produced the committed outputs, for each supported Python (a marker\n"
          "# says where they differ). Regenerate with 'make lock' (tools/lock.py).\n")
_LINE = re.compile(r'^([A-Za-z0-9_.\-]+)==(\S+?)\s*(?:;\s*python_version\s*==\s*"(\d+\.\d+)")?\s*$')


def interpreter(version: str) -> str | None:
    """``python3.X`` on the PATH (a pyenv shim only if it runs), else pyenv's own copy."""
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv" if os.environ.get("HOME") else "/root/.pyenv"))
    for candidate in sorted(root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True):
        return str(candidate)
    return None


def freeze(python: str, version: str) -> dict[str, str]:
    """Resolve the project's ranges for one interpreter in a scratch venv: ``{name: version}``."""
    venv = ROOT / "build" / f"lock-{version}"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    env = {k: v for k, v in os.environ.items() if k != "PIP_CONSTRAINT"}
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    subprocess.run(pip + ["install", "--quiet", "-e", ".[dev,bench]"], cwd=ROOT, env=env, check=True)
    out = subprocess.run(pip + ["freeze", "--all", "--exclude-editable"], cwd=ROOT, env=env, check=True,
                         capture_output=True, text=True).stdout
    shutil.rmtree(venv, ignore_errors=True)
    return parse(out, version)[version]


def parse(text: str, version: str | None = None) -> dict[str, dict[str, str]]:
    """``{python version: {name: pinned version}}`` from a constraints file or a freeze
    (lines without a marker count for ``version``, or for every version)."""
    out: dict[str, dict[str, str]] = {v: {} for v in VERSIONS}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if not m or m.group(1).lower() in ("pip", "kvalitext"):
            continue
        name, pinned, marker = m.groups()
        for v in [marker] if marker else [version] if version else VERSIONS:
            out[v][name] = pinned
    return out


def merge(pins: dict[str, dict[str, str]]) -> str:
    """One constraints file for every version (see the module's docstring)."""
    names = sorted({n for p in pins.values() for n in p}, key=str.lower)
    lines = []
    for name in names:
        got = {v: pins[v].get(name) for v in VERSIONS}
        if len(set(got.values())) == 1:
            lines.append(f"{name}=={got[VERSIONS[0]]}")
        else:
            lines += [f'{name}=={pinned} ; python_version == "{v}"' for v, pinned in got.items() if pinned]
    return HEADER + "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--freeze", action="append", default=[], metavar="X.Y=FILE",
                    help="use this pip freeze for Python X.Y instead of resolving here")
    a = ap.parse_args(argv)
    pins = parse(LOCK.read_text(encoding="utf-8")) if LOCK.exists() else {v: {} for v in VERSIONS}
    given = dict(item.split("=", 1) for item in a.freeze)
    for version in VERSIONS:
        if version in given:
            pins[version] = parse(Path(given[version]).read_text(encoding="utf-8"), version)[version]
        elif not given:
            python = interpreter(version)
            if python is None:
                print(f"lock: no Python {version} here; its pins are kept as they were", file=sys.stderr)
                continue
            print(f"lock: resolving for Python {version} ({python})", file=sys.stderr)
            pins[version] = freeze(python, version)
    tmp = LOCK.with_suffix(".tmp")
    tmp.write_text(merge(pins), encoding="utf-8")
    tmp.replace(LOCK)
    print(f"lock: wrote {LOCK.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
