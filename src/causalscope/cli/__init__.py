"""The ``causalscope`` command line (placeholder until the CLI module lands)."""


def main() -> None:  # pragma: no cover - replaced by the CLI implementation
    raise SystemExit(0)
