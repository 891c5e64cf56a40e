"""The shape of helpers/: imports go one way, each module keeps its private names to itself,
and every module is described in the README's layout section."""

from __future__ import annotations

import ast
import re

from helpers import paths

MODULES = {p.stem: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(paths.HELPERS_DIR.glob("*.py"))
           if p.stem != "__init__"}


def _helpers_imports(node: ast.AST) -> list[tuple[str, list[str]]]:
    """``(module, names)`` for each import of a helpers module in ``node``'s own body
    (``from . import a, b`` gives each of a, b with no names)."""
    return paths.helpers_imports(node, MODULES)


def _graph() -> dict[str, set[str]]:
    return {name: {m for node in tree.body for m, _ in _helpers_imports(node)} for name, tree in MODULES.items()}


def test_helpers_modules_import_each_other_without_a_circle():
    graph, state = _graph(), {}

    def visit(m: str, trail: list[str]) -> None:
        if state.get(m) == "done":
            return
        assert state.get(m) != "open", f"import circle: {' → '.join(trail + [m])}"
        state[m] = "open"
        for n in sorted(graph[m]):
            visit(n, trail + [m])
        state[m] = "done"

    for m in sorted(graph):
        visit(m, [])


def test_no_helpers_module_is_imported_inside_a_function():
    hidden = [(name, node.lineno) for name, tree in MODULES.items() for fn in ast.walk(tree)
              if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
              for node in ast.walk(fn) if _helpers_imports(node)]
    assert hidden == []


def test_no_module_uses_another_modules_private_names():
    used = []
    for name, tree in MODULES.items():
        aliases = {}
        for node in ast.walk(tree):
            for module, names in _helpers_imports(node):
                used += [(name, module, n) for n in names if n.startswith("_")]
                if not names:
                    aliases[next((a.asname or a.name) for a in node.names if a.name.split(".")[-1] == module)] = module
        for node in ast.walk(tree):
            if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in aliases
                    and node.attr.startswith("_")):
                used.append((name, aliases[node.value.id], node.attr))
    assert used == []


def test_the_checks_see_what_they_look_for():
    """The three checks above find a circle, a hidden import and a private name."""
    tree = ast.parse("from . import coding\nfrom .clean import _word_form\ndef f():\n    from . import io\n"
                     "from helpers import style\nfrom helpers.matcher import _x\nimport helpers.tables\n"
                     "from .nothing import y\nfrom pandas import io as pio\n")
    found = [m for node in ast.walk(tree) for m in _helpers_imports(node)]
    assert found == [("coding", []), ("clean", ["_word_form"]), ("style", []), ("matcher", ["_x"]), ("tables", []),
                     ("io", [])]
    assert "coding" in _graph()["stages"] and "stages" in _graph()["pipeline"]


def test_every_module_has_its_sentence_in_the_readme_layout():
    readme = (paths.PROJ_ROOT / "README.md").read_text(encoding="utf-8")
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    described = set(re.findall(r"^\| `(\w+)` \|", layout, flags=re.M))
    assert described == set(MODULES)
