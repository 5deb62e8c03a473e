"""The shell examples in README.md and docs/*.md run (issue 17: docs whose examples did not run).

Every fenced ``bash`` block of a page is run, in order, in one temporary folder per page, unless its
first line says why not:

* ``# data: ...``: the block runs on the reader's own data; the line says exactly what the files
  hold (columns, format) and where such data come from;
* ``# not run by the tests: ...``: benchmarks or developer commands that take minutes, with the reason.

In a runnable block a line is a command; ``# ...`` comments are dropped. A block written as a
transcript (lines starting with ``$ ``) runs only those lines, and the lines that follow each one,
up to the next ``$ ``, must be exactly what the command prints (stdout, then stderr). ``cmd; echo $?``
prints the exit code. ``causalscope ...`` runs in this process (``causalscope.cli.main``: the same
code as the console script, without its start-up time); any other line runs in ``bash``, with
``python`` meaning this interpreter. A command must exit 0 unless its exit code is printed.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

from causalscope.cli import main

ROOT = Path(__file__).resolve().parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
_SKIP = ("# data:", "# not run by the tests:")


def _blocks(page: Path) -> list[str]:
    return _BLOCK.findall(page.read_text(encoding="utf-8"))


def _run(line: str, cwd: Path) -> tuple[int, str]:
    """Run one command line; return its exit code and what it printed (stdout, then stderr)."""
    echo_code = line.rstrip().endswith("; echo $?")
    if echo_code:
        line = line.rstrip()[: -len("; echo $?")]
    argv = shlex.split(line, comments=True)
    if argv and argv[0] == "causalscope":
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(argv[1:])
        text = out.getvalue() + err.getvalue()
    else:
        shell_line = re.sub(r"^python\b", shlex.quote(sys.executable), line.strip())
        proc = subprocess.run(["bash", "-c", shell_line], cwd=cwd, capture_output=True, text=True, timeout=120)
        code, text = proc.returncode, proc.stdout + proc.stderr
    if echo_code:
        text += f"{code}\n"
        code = 0
    return code, text


def _commands(block: str) -> list[tuple[str, list[str] | None]]:
    """(command, expected output lines or None) for each command of a block."""
    lines = block.splitlines()
    if not any(ln.startswith("$ ") for ln in lines):
        return [(ln, None) for ln in lines if ln.strip() and not ln.lstrip().startswith("#")]
    out: list[tuple[str, list[str] | None]] = []
    for ln in lines:
        if ln.startswith("$ "):
            out.append((ln[2:], []))
        elif out:
            out[-1][1].append(ln)  # type: ignore[union-attr]
    return out


def test_every_page_with_shell_examples_is_covered():
    assert any(_blocks(p) for p in PAGES)


@pytest.mark.parametrize("page", [p for p in PAGES if _blocks(p)], ids=lambda p: p.name)
def test_shell_examples_in_page_run(page: Path, tmp_path: Path) -> None:
    old = Path.cwd()
    os.chdir(tmp_path)
    try:
        for k, block in enumerate(_blocks(page)):
            first = block.lstrip().splitlines()[0] if block.strip() else ""
            if first.startswith(_SKIP):
                reason = first.split(":", 1)[1].strip()
                assert len(reason) >= 20, f"{page.name}, bash block {k}: say what the data are or why it is not run"
                continue
            for command, expected in _commands(block):
                code, text = _run(command, tmp_path)
                assert code == 0, f"{page.name}, bash block {k}: {command!r} exited {code}:\n{text}"
                if expected is not None:
                    got = [ln.rstrip() for ln in text.rstrip("\n").splitlines()]
                    assert got == [ln.rstrip() for ln in expected], (
                        f"{page.name}, bash block {k}: {command!r} printed\n{text}\nthe page shows\n"
                        + "\n".join(expected))
    finally:
        os.chdir(old)
