"""tools/lock.py (``make lock``): the pins already locked are kept where they still fit
pyproject's ranges, and only what is new or in conflict is resolved afresh, as pip-compile
and uv do; ``--upgrade`` re-resolves all or the packages named.

The resolution is pip's own, run for real but without the network: the packages are tiny
made-up wheels (``kvx-*``, names no index holds) in a folder pip reads with ``--no-index``."""

from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path

import lock
import pytest

from helpers import paths

# (name, version): what it requires
INDEX = {
    ("kvx-alpha", "1.0"): [], ("kvx-alpha", "2.0"): [],
    ("kvx-beta", "1.0"): [], ("kvx-beta", "2.0"): [],
    ("kvx-gamma", "1.0"): [], ("kvx-gamma", "2.0"): [],
    ("kvx-delta", "1.0"): ["kvx-beta>=2"],  # a new dependency that needs a newer beta
}


def _wheel(folder: Path, name: str, version: str, requires: list[str]) -> None:
    dist = f"{name.replace('-', '_')}-{version}"
    info = f"{dist}.dist-info"
    meta = "".join(["Metadata-Version: 2.1\n", f"Name: {name}\n", f"Version: {version}\n",
                    *(f"Requires-Dist: {r}\n" for r in requires)])
    wheel = "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    with zipfile.ZipFile(folder / f"{dist}-py3-none-any.whl", "w") as z:
        z.writestr(f"{info}/METADATA", meta)
        z.writestr(f"{info}/WHEEL", wheel)
        z.writestr(f"{info}/RECORD", f"{info}/METADATA,,\n{info}/WHEEL,,\n{info}/RECORD,,\n")


@pytest.fixture(scope="module")
def pip(tmp_path_factory):
    """pip of the test's Python, reading only the made-up wheels (no index, no config)."""
    folder = tmp_path_factory.mktemp("wheels")
    for (name, version), requires in INDEX.items():
        _wheel(folder, name, version, requires)
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull
    return lock.pip_for(sys.executable, ["--no-index", "--find-links", str(folder)], env=env)


PINS = {"kvx-alpha": "1.0", "kvx-beta": "1.0"}


def test_pins_that_still_fit_are_kept_though_newer_versions_exist(pip):
    assert lock.resolve(pip, ["kvx-alpha>=1", "kvx-beta"], PINS) == PINS


def test_a_pin_outside_a_changed_range_is_resolved_afresh_and_the_others_kept(pip):
    log = []
    got = lock.resolve(pip, ["kvx-alpha>=2", "kvx-beta"], PINS, log=log.append)
    assert got == {"kvx-alpha": "2.0", "kvx-beta": "1.0"}
    assert log == ["dropping the pins that conflict, to resolve them afresh: kvx-alpha==1.0"]


def test_a_new_dependency_is_resolved_and_the_others_kept(pip):
    got = lock.resolve(pip, ["kvx-alpha", "kvx-beta", "kvx-gamma"], PINS)
    assert got == {"kvx-alpha": "1.0", "kvx-beta": "1.0", "kvx-gamma": "2.0"}


def test_a_pin_a_new_dependency_conflicts_with_is_dropped_and_the_others_kept(pip):
    # kvx-delta needs kvx-beta>=2: the pin kvx-beta==1.0 goes, kvx-alpha's stays
    got = lock.resolve(pip, ["kvx-alpha", "kvx-beta", "kvx-delta"], PINS)
    assert got == {"kvx-alpha": "1.0", "kvx-beta": "2.0", "kvx-delta": "1.0"}


def test_a_pin_nothing_needs_any_more_falls_away(pip):
    assert lock.resolve(pip, ["kvx-alpha"], {**PINS, "kvx-gamma": "1.0"}) == {"kvx-alpha": "1.0"}


def test_a_pinned_version_the_index_no_longer_has_is_resolved_afresh(pip):
    assert lock.resolve(pip, ["kvx-alpha", "kvx-beta"], {**PINS, "kvx-beta": "1.5"}) == PINS | {"kvx-beta": "2.0"}


def test_upgrade_all_re_resolves_everything_and_upgrade_name_only_that(pip):
    wanted = ["kvx-alpha", "kvx-beta"]
    assert lock.upgrading(PINS, "") == set()
    assert lock.upgrading(PINS, "1") == lock.upgrading(PINS, "all") == {"kvx-alpha", "kvx-beta"}
    assert lock.resolve(pip, wanted, PINS, lock.upgrading(PINS, "1")) == {"kvx-alpha": "2.0", "kvx-beta": "2.0"}
    # names as pip compares them: case, '_' and '.' do not matter
    assert lock.upgrading(PINS, "KVX_Alpha") == {"kvx-alpha"}
    assert lock.resolve(pip, wanted, PINS, lock.upgrading(PINS, "KVX_Alpha")) == {"kvx-alpha": "2.0", "kvx-beta": "1.0"}


def test_a_range_nothing_satisfies_stops_with_pips_message(pip):
    with pytest.raises(RuntimeError, match="kvx-alpha>=3"):
        lock.resolve(pip, ["kvx-alpha>=3"], PINS)


def test_requirements_are_the_build_system_the_dependencies_and_the_dev_and_bench_extras():
    text = """
[build-system]
requires = ["setuptools>=64"]
[project]
name = "x"
dependencies = ["pandas>=2.2,<4"]
[project.optional-dependencies]
dev = ["pytest>=8"]
bench = ["spacy>=3.7,<4"]
other = ["never"]
"""
    assert lock.requirements(text) == ["setuptools>=64", "pandas>=2.2,<4", "pytest>=8", "spacy>=3.7,<4"]
    real = lock.requirements((paths.PROJ_ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "jupyterlab>=4.2,<5" in real and "nbval>=0.11" in real and "pyinstrument>=4.6" in real


def test_make_lock_keeps_the_pins_and_the_lines_of_a_python_not_here(pip, tmp_path, monkeypatch):
    (tmp_path / "requirements").mkdir()
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\ndependencies = ["kvx-alpha", "kvx-beta", "kvx-gamma"]\n', encoding="utf-8")
    constraints = tmp_path / "requirements" / "constraints.txt"
    constraints.write_text(lock.HEADER + "kvx-alpha==1.0\nkvx-beta==1.0 ; python_version == \"3.11\"\n"
                           "kvx-beta==2.0 ; python_version == \"3.12\"\nkvx-beta==2.0 ; python_version == \"3.13\"\n",
                           encoding="utf-8")
    monkeypatch.setattr(lock, "ROOT", tmp_path)
    monkeypatch.setattr(lock, "LOCK", constraints)
    monkeypatch.setattr(lock, "interpreter", lambda version: None if version == "3.11" else sys.executable)
    monkeypatch.setattr(lock, "scratch_pip", lambda python, version: (pip, lambda: None))
    assert lock.main([]) == 0
    assert constraints.read_text(encoding="utf-8") == lock.HEADER + (
        'kvx-alpha==1.0\n'
        'kvx-beta==1.0 ; python_version == "3.11"\n'  # no 3.11 here: its lines as they were
        'kvx-beta==2.0 ; python_version == "3.12"\n'
        'kvx-beta==2.0 ; python_version == "3.13"\n'
        'kvx-gamma==2.0 ; python_version == "3.12"\n'  # new, resolved where there is a Python
        'kvx-gamma==2.0 ; python_version == "3.13"\n')
    before = constraints.read_text(encoding="utf-8")
    assert lock.main(["--upgrade", "kvx-typo"]) == 2  # a name the lock does not pin: said, nothing written
    assert constraints.read_text(encoding="utf-8") == before
