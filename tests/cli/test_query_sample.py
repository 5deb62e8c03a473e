"""``causalscope query`` and ``causalscope sample`` (the CLI contract in docs/cli.md).

Checked against the library answers (variable elimination, forward sampling with
the same seed) and the contract: one line ``P(...) = 0.123456``, exit 1 with a
one-line ``error: ...`` for bad models/queries, exit 2 for usage errors.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from causalscope.cli import main
from causalscope.datasets import load_bayesnet, load_network


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_query_prints_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    expected = load_bayesnet("asia").probability("P(dysp=yes | do(smoke=yes))")
    for model in (str(load_network("asia").path), "asia"):
        code, out, err = run(capsys, "query", model, "P(dysp=yes | do(smoke=yes))")
        assert code == 0, err
        assert out == f"P(dysp=yes | do(smoke=yes)) = {expected:.6f}\n"
    assert out == "P(dysp=yes | do(smoke=yes)) = 0.552808\n"


def test_query_distribution_expectation_and_decimals(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bn = load_bayesnet("survey")
    path = tmp_path / "survey.bif"
    bn.to_bif(path)
    code, out, _ = run(capsys, "query", str(path), "P(T | do(E=uni))", "--decimals", "3")
    assert code == 0
    dist = bn.distribution(["T"], interventions={"E": "uni"})
    assert out.splitlines() == [f"P(T={s} | do(E=uni)) = {dist.probability(T=s):.3f}" for s in bn.states["T"]]
    bif = tmp_path / "num.bif"
    bif.write_text(
        "variable X { type discrete [ 2 ] { 0, 1 }; }\nvariable Y { type discrete [ 2 ] { 0, 10 }; }\n"
        "probability ( X ) { table 0.5, 0.5; }\nprobability ( Y | X ) { (0) 0.9, 0.1; (1) 0.2, 0.8; }\n"
    )
    code, out, _ = run(capsys, "query", str(bif), "E[Y | do(X=1)]")
    assert code == 0 and out == "E[Y | do(X=1)] = 8.000000\n"


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("P(dysp=yes | do(smoke=yes)", "expected ',' or ')' at position 26"),
        ("P(dysp=yes | do(smok=yes))", "unknown variable 'smok' at position 16"),
        ("P(dysp=maybe)", "unknown state 'maybe' of variable 'dysp'"),
        ("P(dysp=yes | either=no, lung=yes)", "probability zero"),
    ],
)
def test_query_errors_exit_1_with_one_line(capsys: pytest.CaptureFixture[str], query: str, fragment: str) -> None:
    code, out, err = run(capsys, "query", "asia", query)
    assert code == 1 and out == ""
    assert err.startswith("error: ") and fragment in err and err.count("\n") == 1


def test_bad_model_and_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", str(tmp_path / "nope.bif"), "P(a=1)")
    assert code == 1 and "neither an existing BIF file nor a shipped network" in err
    broken = tmp_path / "broken.bif"
    broken.write_text("variable A {\n type discrete [ 2 ] { y, n }\n}\n")
    code, _, err = run(capsys, "query", str(broken), "P(A=y)")
    assert code == 1 and err.startswith(f"error: {broken}:3: expected ';'")
    code, _, _ = run(capsys, "query", "asia")
    assert code == 2
    code, _, err = run(capsys, "sample", "asia", "--samples", "-3", "--out", str(tmp_path / "x.csv"))
    assert code == 2 and "--samples" in err


def test_sample_writes_csv_and_parquet_deterministically(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bn = load_bayesnet("cancer")
    a, b, c = tmp_path / "a.csv", tmp_path / "b.csv", tmp_path / "c.parquet"
    for out in (a, b):
        code, stdout, err = run(capsys, "sample", "cancer", "--samples", "250", "--seed", "9", "--out", str(out))
        assert code == 0, err
        assert stdout == f"wrote 250 rows x 5 columns to {out}\n"
    assert a.read_bytes() == b.read_bytes()
    frame = pd.read_csv(a, dtype=str, keep_default_na=False)
    expected = bn.sample(250, random_state=9).astype(str)
    pd.testing.assert_frame_equal(frame, expected)
    code, _, _ = run(capsys, "sample", "cancer", "--samples", "50", "--seed", "9", "--out", str(c))
    assert code == 0 and pd.read_parquet(c).astype(str).equals(bn.sample(50, random_state=9).astype(str))


def test_sample_with_do(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "do.csv"
    code, _, err = run(capsys, "sample", "asia", "--samples", "100", "--seed", "1", "--do", "smoke=no", "--out", str(out))
    assert code == 0, err
    frame = pd.read_csv(out, dtype=str)
    assert set(frame["smoke"]) == {"no"}
    pd.testing.assert_frame_equal(frame, load_bayesnet("asia").do({"smoke": "no"}).sample(100, random_state=1).astype(str))
    code, _, err = run(capsys, "sample", "asia", "--samples", "5", "--do", "smoke", "--out", str(out))
    assert code == 1 and "--do expects VARIABLE=STATE" in err
