"""The examples in README.md and docs/*.md run.

Every fenced ``python`` block of a page is executed in order, in one namespace per
page, inside a temporary working directory (so examples may write files). Blocks
fenced as ``text``, ``bash`` or ``pycon``-less prose are not run.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_python_examples_in_page_run(page: Path, tmp_path: Path) -> None:
    blocks = _BLOCK.findall(page.read_text(encoding="utf-8"))
    if not blocks:
        pytest.skip(f"{page.name} has no python examples")
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        for k, code in enumerate(blocks):
            try:
                exec(compile(code, f"{page.name}[block {k}]", "exec"), namespace)  # noqa: S102
            except Exception as exc:  # pragma: no cover - the failure message is the point
                raise AssertionError(f"{page.name}, python block {k} failed: {exc!r}\n{code}") from exc
    finally:
        os.chdir(old)
