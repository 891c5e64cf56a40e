"""One truth about dependencies; the two commands; the nbval sanitizer."""

from __future__ import annotations

import configparser
import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from helpers import paths

ROOT = paths.PROJ_ROOT
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins() -> dict[str, str]:
    """The lock's exact pins for this interpreter (a line whose marker does not hold for
    it is another Python's)."""
    pins = {}
    for line in (ROOT / "requirements/constraints.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            req = Requirement(line)
            (spec,) = req.specifier
            assert spec.operator == "==" and not req.extras, f"constraints.txt: {line!r} is not an exact pin"
            if req.marker is None or req.marker.evaluate():
                pins[canonicalize_name(req.name)] = spec.version
    return pins


def _requirements() -> list[Requirement]:
    project = PYPROJECT["project"]
    reqs = project["dependencies"] + [r for extra in project["optional-dependencies"].values() for r in extra]
    return [Requirement(r) for r in reqs]


def test_every_declared_dependency_is_pinned_within_its_range():
    pins = _pins()
    for req in _requirements():
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is declared in pyproject.toml but not pinned"
        assert req.specifier.contains(pins[name]), f"{req.name}=={pins[name]} is outside {req.specifier}"


def test_the_environment_is_the_one_the_lock_describes():
    """Every installed package pinned in the lock has the pinned version, and everything
    the package and its dev extra need is installed (the bench extra is optional)."""
    mismatches = []
    for name, pinned in _pins().items():
        try:
            installed = version(name)
        except PackageNotFoundError:
            continue
        if installed != pinned:
            mismatches.append(f"{name}: installed {installed}, pinned {pinned}")
    project = PYPROJECT["project"]
    for req in map(Requirement, project["dependencies"] + project["optional-dependencies"]["dev"]):
        try:
            version(req.name)
        except PackageNotFoundError:
            mismatches.append(f"{req.name} not installed")
    assert mismatches == [], "run `make env` (or `make lock` if pyproject.toml changed)"


def test_environment_yml_agrees_with_pyproject():
    env = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    deps = env["dependencies"]
    python = next(d for d in deps if isinstance(d, str) and d.startswith("python"))
    # the same versions as pyproject.toml (conda writes the specifier after the name)
    assert SpecifierSet(python.removeprefix("python")) == SpecifierSet(PYPROJECT["project"]["requires-python"])
    assert "pip" in deps
    pip = next(d["pip"] for d in deps if isinstance(d, dict))
    # the package and its dev extra from pyproject.toml, with the same constraints as make
    assert pip == ["-c requirements/constraints.txt", "-e .[dev]"]
    # no dependency is declared a second time in environment.yml
    assert [d for d in deps if isinstance(d, str)] == [python, "pip"]


def test_readme_starts_with_the_two_commands_and_ci_runs_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    head = "\n".join(readme.splitlines()[:15])
    assert "make report" in head and "make test" in head
    ci = [ln.strip() for ln in (ROOT / ".ci/run").read_text().splitlines()]
    makes = [ln for ln in ci if ln.startswith("make ")]
    # the README's command, then the same under the other supported Pythons, nothing else
    assert makes[0] == "make test"
    assert makes[1:] and all(re.fullmatch(r'make test PYTHON="\$py" VENV="\.venv-\$v"', m) for m in makes[1:]), makes


def test_make_targets_exist_for_the_documented_commands():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for target in ("help", "report", "test", "notebooks", "lock"):
        assert re.search(rf"^{target}:.*## ", makefile, re.M), target


def test_sanitizer_rules_never_touch_the_digits_of_a_result():
    cfg = configparser.ConfigParser()
    cfg.read(ROOT / "tests/nbval_sanitize.cfg", encoding="utf-8")
    results = ["42", "0.85", "1,234", "289 sentences", "α = 0.743", "2016-12-21", "12.5 %", "[357:531]"]
    assert cfg.sections()
    for section in cfg.sections():
        rx = re.compile(cfg[section]["regex"])
        for text in results:
            assert not rx.search(text), (section, text)
    assert re.sub(cfg["memory-addresses"]["regex"], "", "<object at 0x7f3a2b1c9d00>") == "<object >"


def test_the_installed_libraries_carry_their_bytecode():
    """``make env`` has uv compile what it installs (pip does by default, uv only when
    asked): with ``PYTHONDONTWRITEBYTECODE`` set, as on CI machines, every process, each
    notebook's kernel too, would otherwise compile these libraries from source again.
    (Where Python may write bytecode, importing them writes it, and this holds anyway.)"""
    import importlib.util
    import sys

    missing = []
    for name in ("pandas.core.frame", "matplotlib.axes._axes", "ipykernel.kernelbase", "nbformat.validator",
                 "nltk.tokenize.punkt", "simplemma.strategies.default"):
        source = Path(importlib.util.find_spec(name).origin)
        if not (source.parent / "__pycache__" / f"{source.stem}.{sys.implementation.cache_tag}.pyc").exists():
            missing.append(name)
    assert not missing, (f"no bytecode beside {', '.join(missing)} in the environment: rm -rf .venv && make env "
                         "installs it again with bytecode")
