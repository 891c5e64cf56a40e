"""Pin the exact versions for every supported Python in one constraints file (``make lock``).

For each interpreter of :data:`VERSIONS` found (``python3.X`` on the PATH, or under pyenv's
versions folder), pip resolves ``pyproject.toml``'s ranges (the dependencies, the dev and
bench extras and the build system's own requirements) in a scratch virtual environment,
without installing anything (``pip install --dry-run --ignore-installed --report``).

The pins already in ``requirements/constraints.txt`` are kept where they still fit, as
pip-compile and uv keep them: they are handed to pip as constraints, so only what is new
(a dependency added, a range that no longer admits its pin) is resolved afresh. When pip
reports that a pin conflicts (``The user requested (constraint) name==1.0``), that pin is
dropped and the resolution tried again; a pin nothing needs any more falls away by itself.
``--upgrade`` re-resolves everything from scratch (``make lock UPGRADE=1``) or only the
packages named (``make lock UPGRADE=pandas,numpy``).

The results are merged into one file: a package pinned alike for every version is one plain
line; otherwise each version gets its own line with an environment marker
(``; python_version == "3.12"``), which pip honours in a constraints file. A version with no
interpreter here keeps the lines it had, so locking on a machine without 3.13 does not drop
3.13's pins.

    python tools/lock.py                       # keep the pins that fit, resolve the rest
    python tools/lock.py --upgrade all         # re-resolve everything (--upgrade pandas: only pandas)
    python tools/lock.py --freeze 3.12=FILE    # merge a freeze made elsewhere instead
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOCK = ROOT / "requirements" / "constraints.txt"
VERSIONS = ("3.11", "3.12", "3.13")
EXTRAS = ("dev", "bench")
HEADER = ("# Exact versions that produced the committed outputs, for each supported Python (a marker\n"
          "# says where they differ). Regenerate with 'make lock' (tools/lock.py).\n")
_LINE = re.compile(r'^([A-Za-z0-9_.\-]+)==(\S+?)\s*(?:;\s*python_version\s*==\s*"(\d+\.\d+)")?\s*$')
_SKIP = ("pip", "kvalitext")
# How pip names a pin that stands in the way: in a conflict ("The user requested (constraint)
# pandas==2.2.3"), or a pinned version it cannot find for this Python.
_CONFLICT = re.compile(r"\(constraint\)\s*([A-Za-z0-9_.\-]+)\s*==")
_NOT_FOUND = re.compile(r"satisfies the requirement\s+([A-Za-z0-9_.\-]+)\s*==")

# ``pip(requirements, constraints)`` -> (resolved, pip's JSON report or, if not, its messages)
Pip = Callable[[Sequence[str], Sequence[str]], tuple[bool, str]]


def key(name: str) -> str:
    """A package name as pip compares it (PEP 503): ``Importlib_Metadata`` is ``importlib-metadata``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def interpreter(version: str) -> str | None:
    """``python3.X`` on the PATH (a pyenv shim only if it runs), else pyenv's own copy."""
    found = shutil.which(f"python{version}")
    if found and subprocess.run([found, "-c", ""], capture_output=True).returncode == 0:
        return found
    root = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv" if os.environ.get("HOME") else "/root/.pyenv"))
    for candidate in sorted(root.glob(f"versions/{version}.*/bin/python{version}"), reverse=True):
        return str(candidate)
    return None


def requirements(pyproject: str) -> list[str]:
    """What a lock resolves, from ``pyproject.toml``'s text: the build system's requirements
    (pip builds the project with them, under the same constraints), the dependencies and the
    extras of :data:`EXTRAS`."""
    data = tomllib.loads(pyproject)
    project = data["project"]
    extras = project.get("optional-dependencies", {})
    return [*data.get("build-system", {}).get("requires", []), *project.get("dependencies", []),
            *(r for extra in EXTRAS for r in extras.get(extra, []))]


def parse(text: str, version: str | None = None) -> dict[str, dict[str, str]]:
    """``{python version: {name: pinned version}}`` from a constraints file or a freeze
    (lines without a marker count for ``version``, or for every version)."""
    out: dict[str, dict[str, str]] = {v: {} for v in VERSIONS}
    for line in text.splitlines():
        m = _LINE.match(line.strip())
        if not m or key(m.group(1)) in _SKIP:
            continue
        name, pinned, marker = m.groups()
        for v in [marker] if marker else [version] if version else VERSIONS:
            out[v][name] = pinned
    return out


def from_report(report: str) -> dict[str, str]:
    """``{name: version}`` of what pip's ``--report`` would install (the project and pip left out)."""
    pins = {}
    for item in json.loads(report)["install"]:
        meta = item["metadata"]
        if key(meta["name"]) not in _SKIP:
            pins[meta["name"]] = meta["version"]
    return pins


def upgrading(pins: dict[str, str], upgrade: str | None) -> set[str]:
    """The names (as :func:`key` gives them) whose pins ``--upgrade`` sets aside: every pin for
    ``all`` or ``1``, else the comma-separated names given (none if ``upgrade`` is empty)."""
    if not upgrade:
        return set()
    if upgrade.strip().lower() in ("1", "all"):
        return {key(n) for n in pins}
    return {key(n) for n in upgrade.split(",") if n.strip()}


def conflicting(message: str) -> set[str]:
    """The pinned names pip's error ``message`` blames (as :func:`key` gives them)."""
    return {key(n) for n in _CONFLICT.findall(message) + _NOT_FOUND.findall(message)}


def resolve(pip: Pip, wanted: Sequence[str], pins: dict[str, str], upgrade: set[str] = frozenset(),
            log: Callable[[str], None] = lambda _: None) -> dict[str, str]:
    """Resolve ``wanted`` keeping the ``pins`` that still fit, except those in ``upgrade``.

    The pins go to pip as constraints; while pip names some of them in a conflict, those are
    dropped and pip asked again, so every round drops at least one pin and the loop ends. A
    failure no pin explains (a range nothing on the index satisfies) stops with pip's message."""
    kept = {n: v for n, v in pins.items() if key(n) not in upgrade}
    while True:
        ok, out = pip(wanted, [f"{n}=={v}" for n, v in sorted(kept.items(), key=lambda p: key(p[0]))])
        if ok:
            return from_report(out)
        blamed = {n for n in kept if key(n) in conflicting(out)}
        if not blamed:
            raise RuntimeError(f"pip could not resolve pyproject.toml's ranges:\n{out.strip()}")
        log("dropping the pins that conflict, to resolve them afresh: "
            + ", ".join(f"{n}=={kept[n]}" for n in sorted(blamed, key=key)))
        kept = {n: v for n, v in kept.items() if n not in blamed}


def pip_for(python: str, extra: Sequence[str] = (), env: dict[str, str] | None = None) -> Pip:
    """A :data:`Pip` run by ``python`` (``extra``: more of pip's options, such as an index).
    Nothing is installed: ``--dry-run --ignore-installed --report`` says what would be."""
    # the Makefile points PIP_CONSTRAINT at the lock itself: the pins to keep are given here
    env = {k: v for k, v in (os.environ if env is None else env).items() if k != "PIP_CONSTRAINT"}

    def pip(wanted: Sequence[str], constraints: Sequence[str]) -> tuple[bool, str]:
        with tempfile.TemporaryDirectory() as tmp:
            reqs, cons, report = (Path(tmp) / f for f in ("requirements.txt", "constraints.txt", "report.json"))
            reqs.write_text("\n".join(wanted) + "\n", encoding="utf-8")
            cons.write_text("\n".join(constraints) + "\n", encoding="utf-8")
            done = subprocess.run([python, "-m", "pip", "install", "--dry-run", "--ignore-installed",
                                   "--report", str(report), "-r", str(reqs), "-c", str(cons), *extra],
                                  cwd=tmp, env=env, capture_output=True, text=True)
            if done.returncode == 0:
                return True, report.read_text(encoding="utf-8")
            return False, done.stdout + done.stderr

    return pip


def scratch_pip(python: str, version: str) -> tuple[Pip, Callable[[], None]]:
    """A :data:`Pip` for ``python`` in a fresh virtual environment (so with the pip that Python
    brings, and nothing else installed), and the function that removes the environment."""
    venv = ROOT / "build" / f"lock-{version}"
    shutil.rmtree(venv, ignore_errors=True)
    subprocess.run([python, "-m", "venv", str(venv)], check=True)
    return pip_for(str(venv / "bin" / "python")), lambda: shutil.rmtree(venv, ignore_errors=True)


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
    ap.add_argument("--upgrade", default="", metavar="all|NAME[,NAME]",
                    help="re-resolve every package (all) or only these, instead of keeping their pins")
    ap.add_argument("--freeze", action="append", default=[], metavar="X.Y=FILE",
                    help="use this pip freeze for Python X.Y instead of resolving here")
    a = ap.parse_args(argv)
    pins = parse(LOCK.read_text(encoding="utf-8")) if LOCK.exists() else {v: {} for v in VERSIONS}
    upgrade = upgrading({n: "" for p in pins.values() for n in p}, a.upgrade)
    unknown = upgrade - {key(n) for p in pins.values() for n in p}
    if unknown:
        print(f"lock: UPGRADE names {', '.join(sorted(unknown))}, which {LOCK.relative_to(ROOT)} does not pin: "
              "give the names as they stand there (comma-separated), or UPGRADE=1 for all", file=sys.stderr)
        return 2
    wanted = requirements((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
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
            pip, done = scratch_pip(python, version)
            try:
                pins[version] = resolve(pip, wanted, pins[version], upgrade,
                                        log=lambda m, v=version: print(f"lock: {v}: {m}", file=sys.stderr))
            except RuntimeError as e:
                print(f"lock: Python {version}: {e}\nlock: nothing was written", file=sys.stderr)
                return 1
            finally:
                done()
    tmp = LOCK.with_suffix(".tmp")
    tmp.write_text(merge(pins), encoding="utf-8")
    tmp.replace(LOCK)
    print(f"lock: wrote {LOCK.relative_to(ROOT)}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
