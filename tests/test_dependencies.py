"""Every third-party import of the package is a declared dependency (issue 17: ``click`` was imported by the
command line but not declared, so a plain ``pip install`` gave a ``causalscope`` that could not start, while
``make test`` passed because a test extra happened to bring it in).

Checked against: ``pyproject.toml`` itself. A module-level import must be a core dependency; an import inside a
function (a lazily imported optional backend) must be declared in the core or in an extra. CI also installs the
package without extras into a fresh venv and runs it (``make check-plain``), which catches what a static scan
cannot (a dependency's own missing dependency).
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "causalscope"


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(spec: str) -> str:
    return _norm(re.split(r"[\s<>=!~;\[]", spec.strip(), maxsplit=1)[0])


def _declared() -> tuple[set[str], set[str]]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    core = {_requirement_name(s) for s in project["dependencies"]}
    extras = {_requirement_name(s) for specs in project.get("optional-dependencies", {}).values() for s in specs}
    return core, extras


def _imports() -> list[tuple[str, str, bool]]:
    """(module top name, where, at module level) for every absolute import in the package."""
    out = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        guarded: set[int] = set()  # imports inside try/except ImportError blocks are optional by construction
        for node in ast.walk(tree):
            if isinstance(node, ast.Try) and any(
                isinstance(h.type, ast.Name) and h.type.id in ("ImportError", "ModuleNotFoundError")
                for h in node.handlers
            ):
                guarded |= {id(n) for stmt in node.body for n in ast.walk(stmt)}
        top_level = {id(n) for n in tree.body}
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in ("causalscope", "__future__"):
                    continue
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                out.append((top, where, id(node) in top_level and id(node) not in guarded))
    return out


def test_every_import_is_declared():
    core, extras = _declared()
    dists = metadata.packages_distributions()
    problems = []
    for module, where, eager in _imports():
        names = {_norm(d) for d in dists.get(module, [module])}
        if eager and not names & core:
            problems.append(f"{where}: module-level import of {module!r} ({sorted(names)}) is not a core dependency")
        elif not names & (core | extras):
            problems.append(f"{where}: {module!r} ({sorted(names)}) is declared neither in the core nor in an extra")
    assert not problems, "\n".join(problems)


def test_the_scan_sees_the_imports():
    seen = {m for m, _, _ in _imports()}
    assert {"numpy", "pandas", "typer", "scipy"} <= seen
