"""``causalscope questions ...``: generate causal questions with verified answers, and score a model.

``causalscope questions generate --graphs all --per-graph 50 --seed 1 --out items.jsonl``
writes ITEMS.jsonl (docs/cli.md); ``--axioms N`` writes transitivity demonstrations
instead. ``causalscope questions evaluate items.jsonl --backend NAME [--model M]
[--base-url URL] [--out REPORT.json]`` prints a score table and writes the JSON report.
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

__all__ = ["questions_app"]

questions_app = typer.Typer(help="Causal questions with verified answers; scoring models on them.", no_args_is_help=True)


def _split(values: list[str] | None) -> list[str]:
    out: list[str] = []
    for v in values or []:
        out.extend(p.strip() for p in v.split(",") if p.strip())
    return out


@questions_app.command("generate")
def generate(
    out: Path = typer.Option(..., "--out", "-o", help="Output ITEMS.jsonl."),
    graphs: list[str] = typer.Option(["all"], "--graphs", "--family", "-g", help="Graph families (repeat or comma-separate), or 'all'."),
    per_graph: int = typer.Option(50, "--per-graph", "--n", "-n", help="Items per graph family."),
    query_types: list[str] = typer.Option(None, "--query-type", "-q", help="Query types (default: all)."),
    story_kinds: list[str] = typer.Option(None, "--story-kind", help="commonsense, anticommonsense, nonsense."),
    axioms: int = typer.Option(0, "--axioms", help="Write this many transitivity demonstrations instead."),
    min_length: int = typer.Option(3, "--min-length", help="Axiom data: shortest chain."),
    max_length: int = typer.Option(6, "--max-length", help="Axiom data: longest chain."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same file)."),
) -> None:
    """Generate questions (CLadder-style, three rungs) with answers computed by the engine."""
    from ..reasoning import generate_questions, items_to_jsonl, transitivity_items
    from ._io import output_path

    output_path(out, "--out")

    if axioms:
        ax = transitivity_items(axioms, lengths=(min_length, max_length), random_state=seed)
        out.write_text("".join(json.dumps(a.to_dict(), ensure_ascii=False) + "\n" for a in ax), encoding="utf-8")
        typer.echo(f"wrote {len(ax)} transitivity items to {out}")
        return
    fams = _split(graphs)
    items = generate_questions(
        "all" if fams == ["all"] else fams,
        per_family=per_graph,
        query_types=_split(query_types) or None,
        story_kinds=_split(story_kinds) or None,
        random_state=seed,
    )
    out.write_text(items_to_jsonl(items), encoding="utf-8")
    yes = sum(it.answer == "yes" for it in items)
    typer.echo(f"wrote {len(items)} items to {out} ({yes} yes, {len(items) - yes} no)")


@questions_app.command("evaluate")
def evaluate(
    items_path: Path = typer.Argument(..., help="ITEMS.jsonl to score on."),
    backend: str = typer.Option("oracle", "--backend", "-b", help="oracle, always-yes, always-no, majority, random, openai."),
    model: str = typer.Option(None, "--model", help="Model name (openai backend)."),
    base_url: str = typer.Option(None, "--base-url", help="OpenAI-compatible server root, e.g. http://localhost:11434/v1."),
    seed: int = typer.Option(0, "--seed", help="Seed of the random backend."),
    fmt: str = typer.Option("items", "--format", help="items (ITEMS.jsonl), cladder, calm, bbh or copa."),
    adversarial: bool = typer.Option(False, "--adversarial", help="Challenge every answer and report robustness."),
    out: Path = typer.Option(None, "--out", "-o", help="Write the JSON report here."),
) -> None:
    """Score a backend on a JSONL item set and print accuracy by rung, query type and graph."""
    from ..reasoning import evaluate as _evaluate
    from ..reasoning import load_benchmark, make_backend, read_items
    from ._io import output_path

    output_path(out, "--out")
    items = read_items(items_path) if fmt == "items" else load_benchmark(items_path, fmt)
    be = make_backend(backend, items=items, random_state=seed, model=model, base_url=base_url)
    report = _evaluate(items, be, adversarial=adversarial)
    width = max(len(k) for _, k, _ in report.table())
    typer.echo(f"backend: {report.backend}  items: {report.n}")
    for group, key, acc in report.table():
        typer.echo(f"{group:<11} {key:<{width}}  {acc:7.2%}")
    p = report.polarity
    typer.echo(f"polarity    answered yes {p['share_yes_answered']:.2%} (expected {p['share_yes_expected']:.2%}); "
               f"accuracy on yes {p['accuracy_on_yes']:.2%}, on no {p['accuracy_on_no']:.2%}")
    typer.echo("errors      " + ", ".join(f"{k} {v}" for k, v in report.errors.items())
               + ("; same answer to everything" if report.same_answer else ""))
    if report.robustness:
        r = report.robustness
        typer.echo(f"robustness  answers kept under challenge {r['kept']:.2%}; accuracy after {r['accuracy_after']:.2%}")
    if out is not None:
        out.write_text(json.dumps(report.to_dict(), indent=2, ensure_ascii=False), encoding="utf-8")
