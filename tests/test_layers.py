"""Architecture check: dependencies between the package's layers point one way.

A layer may import the shared root modules (exceptions, utils, _version) and any
layer listed before it in ``LAYERS``; importing a later layer is an error. The
order follows ``ARCHITECTURE.md`` (see ``docs/design.md``).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "causalscope"
ROOT_MODULES = {"exceptions", "utils", "_version", "contract"}
LAYERS = [
    "graphs",
    "data",
    "parallel",
    "independence",
    "scores",
    "scm",
    "datasets",
    "discovery",
    "identification",
    "estimation",
    "actual",
    "pipeline",
    "reasoning",
    "llm",
    "report",
    "cli",
    "web",
]


def _imported_layers(path: Path, layer: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: set[str] = set()
    rel_parts = path.relative_to(PACKAGE).parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "causalscope" and len(parts) > 1:
                    found.add(parts[1])
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                parts = (node.module or "").split(".")
                if parts[0] == "causalscope":
                    if len(parts) > 1:
                        found.add(parts[1])
                    else:
                        found.update(a.name for a in node.names)
            else:
                # Resolve a relative import against the file's package path.
                base = list(rel_parts[:-1])
                up = node.level - 1
                if up > len(base):
                    continue
                base = base[: len(base) - up]
                target = base + ((node.module or "").split(".") if node.module else [])
                if target:
                    found.add(target[0])
                else:
                    found.update(a.name for a in node.names)
    return {name for name in found if name != layer}


def _layer_files() -> list[tuple[str, Path]]:
    out = []
    for layer in LAYERS:
        folder = PACKAGE / layer
        if folder.is_dir():
            out.extend((layer, p) for p in sorted(folder.rglob("*.py")))
    return out


def test_every_package_folder_is_a_known_layer() -> None:
    folders = {p.name for p in PACKAGE.iterdir() if p.is_dir() and not p.name.startswith(("_", "."))}
    unknown = folders - set(LAYERS)
    assert not unknown, f"add these folders to LAYERS in tests/test_layers.py: {sorted(unknown)}"


@pytest.mark.parametrize(("layer", "path"), _layer_files(), ids=lambda v: str(v) if isinstance(v, str) else v.name)
def test_layer_imports_only_lower_layers(layer: str, path: Path) -> None:
    rank = LAYERS.index(layer)
    for imported in _imported_layers(path, layer):
        if imported in ROOT_MODULES:
            continue
        assert imported in LAYERS, f"{path} imports unknown top-level module causalscope.{imported}"
        assert LAYERS.index(imported) < rank, (
            f"{path.relative_to(PACKAGE)} (layer {layer!r}) imports the higher layer {imported!r}"
        )


def test_root_modules_import_no_layer() -> None:
    for name in ROOT_MODULES:
        path = PACKAGE / f"{name}.py"
        assert _imported_layers(path, name) <= ROOT_MODULES, f"{path.name} must not import a layer"


# --- module import graph: no circles, no private names across modules ---------------------


def _module_name(path: Path) -> str:
    """Return the dotted module name of ``path`` relative to the package (``""`` for its root)."""
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _all_modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    if isinstance(test, ast.Name):
        return test.id == "TYPE_CHECKING"
    return isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"


def _runtime_imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Return every import statement, at module level or in a function, not under ``if TYPE_CHECKING:``."""
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def _from_base(module: str, path: Path, node: ast.ImportFrom) -> str | None:
    """Return the dotted module (relative to the package) that ``node`` imports from, or ``None``."""
    if node.level == 0:
        parts = (node.module or "").split(".")
        if parts[0] != "causalscope":
            return None
        return ".".join(parts[1:])
    package = module.split(".") if module else []
    if path.name != "__init__.py":
        package = package[:-1]
    up = node.level - 1
    if up > len(package):
        return None
    base = package[: len(package) - up]
    if node.module:
        base = base + node.module.split(".")
    return ".".join(base)


def _import_targets(module: str, path: Path, modules: dict[str, Path]) -> list[tuple[str, str, ast.ImportFrom | None]]:
    """Return ``(target module, imported name, node)`` for every runtime import of a package module.

    ``from .x import y`` resolves to the submodule ``x.y`` when there is one, else to ``x``
    (the package ``__init__`` when ``x`` is a package).
    """
    out: list[tuple[str, str, ast.ImportFrom | None]] = []
    for node in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                parts = alias.name.split(".")
                if parts[0] == "causalscope":
                    target = ".".join(parts[1:])
                    if target in modules:
                        out.append((target, "", None))
            continue
        base = _from_base(module, path, node)
        if base is None:
            continue
        for alias in node.names:
            sub = f"{base}.{alias.name}" if base else alias.name
            if sub in modules:
                out.append((sub, "", node))
            elif base in modules:
                out.append((base, alias.name, node))
    return out


def _import_graph() -> dict[str, set[str]]:
    modules = _all_modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, _, _ in _import_targets(name, path, modules):
            if target != name:
                graph[name].add(target)
    return graph


def _strong_components(graph: dict[str, set[str]]) -> list[list[str]]:
    """Return the modules of every strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = [0]

    def connect(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return components


def _shortest_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """Return the shortest cycle through the component's first module, inside the component (BFS)."""
    members = set(component)
    start = component[0]
    parent: dict[str, str] = {}
    queue = [start]
    found = None
    while queue and found is None:
        nxt = []
        for v in queue:
            for w in sorted(graph[v] & members):
                if w == start:
                    found = v
                    break
                if w not in parent:
                    parent[w] = v
                    nxt.append(w)
            if found is not None:
                break
        queue = nxt
    path = [start]
    v = found
    while v is not None and v != start:
        path.append(v)
        v = parent.get(v)
    return [start, *reversed(path[1:]), start]


def _label(module: str) -> str:
    return module or "causalscope"


@pytest.fixture(scope="module")
def import_graph() -> dict[str, set[str]]:
    """The package's runtime import graph between modules, built once for this module's tests."""
    return _import_graph()


@pytest.fixture(scope="module")
def circles(import_graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of the import graph that hold a cycle (Tarjan, run once)."""
    return _strong_components(import_graph)


def test_strong_components_and_shortest_cycle() -> None:
    """Reference: a hand-made graph with two circles (a-b-c, d-e) and an acyclic tail (f)."""
    graph = {"a": {"b"}, "b": {"c", "f"}, "c": {"a", "b"}, "d": {"e"}, "e": {"d"}, "f": set()}
    assert _strong_components(graph) == [["a", "b", "c"], ["d", "e"]]
    assert _shortest_cycle(graph, ["a", "b", "c"]) == ["a", "b", "c", "a"]
    assert _strong_components({"x": {"y"}, "y": set()}) == []


def test_no_import_cycles_between_modules(import_graph: dict[str, set[str]], circles: list[list[str]]) -> None:
    message = "\n".join(
        " -> ".join(_label(m) for m in _shortest_cycle(import_graph, members))
        + f"   (modules in this circle: {', '.join(map(_label, members))})"
        for members in circles
    )
    assert not circles, f"import cycles between the package's modules:\n{message}"


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_private_names_imported_across_modules() -> None:
    modules = _all_modules()
    offences = []
    for name, path in modules.items():
        for target, imported, node in _import_targets(name, path, modules):
            if target == name or node is None:
                continue
            if imported and _is_private(imported):
                where = f"{path.relative_to(PACKAGE)}:{node.lineno}"
                offences.append(f"{where}: from {_label(target)} import {imported}")
    message = "\n".join(offences)
    assert not offences, f"private names imported from another module:\n{message}"
