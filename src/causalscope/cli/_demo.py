"""``make demo``: the copilot's whole analysis of the shipped Sachs et al. (2005) data.

Runs ``causalscope analyze --example sachs`` (profile, method choice, tuning,
bootstrap edge confidence, the effect of PKC on ERK, scores against the three
published Sachs consensus graphs) and writes ``report.html`` and
``analysis.json`` into ``--out`` (default ``demo-output``), then prints where. The
analysis shows its progress bars on stderr when that is a terminal.
"""

from __future__ import annotations

import argparse
from pathlib import Path

__all__ = ["run_demo", "main"]


def run_demo(out: Path, seed: int = 0) -> tuple[Path, Path]:
    """Run the analysis of the Sachs example; return the paths of ``report.html`` and ``analysis.json``."""
    from .app import main as cli_main

    args = ["analyze", "--example", "sachs", "--treatment", "pkc", "--outcome", "erk",
            "--seed", str(seed), "--out", str(out)]
    code = cli_main(args)
    if code != 0:
        raise SystemExit(code)
    return out / "report.html", out / "analysis.json"


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m causalscope.cli._demo``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("demo-output"))
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    html, js = run_demo(args.out, seed=args.seed)
    print(f"\nDemo report written to {html.resolve()}")
    print(f"Machine-readable analysis: {js.resolve()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
