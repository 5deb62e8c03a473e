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
