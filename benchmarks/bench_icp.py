"""Power of ICP versus the sample size, and its time against causalicp on the same data.

The SEM (4 predictors, 3 environments): ``X1 --> X2``, ``X1 --> Y <-- X2``,
``Y --> X3``, ``X4`` independent noise; environment ``e`` shifts the mean of
``X1`` by ``0.5 e``, of ``X2`` by ``-0.5 [e = 2]`` and of ``X3`` by
``0.5 [e = 1]`` (never ``Y``); weights 0.5. For each total sample size
n = 100, 300, 1000, 3000 (split equally over the environments), over
``--reps`` seeded simulations, the table gives the fraction of true parents
identified (mean of ``|causes & {X1, X2}| / 2``), the fraction of runs whose
causes are within the true parents (coverage, guaranteed >= 1 - alpha), the
time of ours and of ``causalicp.fit`` on the same data (BLAS pinned to one
thread for both) and their ratio, and whether the accepted sets agreed.

Run: ``python benchmarks/bench_icp.py [--reps 50] [--alpha 0.05]``. Not a test:
no assertions. causalicp is BSD-3 and used only as a reference.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from causalscope.discovery import ICP

NAMES = ["X1", "X2", "Y", "X3", "X4"]


def simulate(n: int, seed: int, k: int = 3) -> list[pd.DataFrame]:
    """The benchmark SEM, ``n`` rows in all, ``k`` environments."""
    rng = np.random.default_rng(seed)
    frames = []
    for e in range(k):
        m = n // k
        x1 = rng.normal(size=m) + 0.5 * e
        x2 = 0.5 * x1 + rng.normal(size=m) - 0.5 * (e == 2)
        y = 0.5 * x1 + 0.5 * x2 + rng.normal(size=m)
        x3 = 0.5 * y + rng.normal(size=m) + 0.5 * (e == 1)
        x4 = rng.normal(size=m)
        frames.append(pd.DataFrame({"X1": x1, "X2": x2, "Y": y, "X3": x3, "X4": x4}))
    return frames


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=50)
    parser.add_argument("--alpha", type=float, default=0.05)
    args = parser.parse_args()
    import causalicp
    from threadpoolctl import threadpool_limits

    print("| n | power (parents found) | coverage | ours (ms) | causalicp (ms) | ratio | same accepted sets |")
    print("|---|---|---|---|---|---|---|")
    with threadpool_limits(1):
        for n in (100, 300, 1000, 3000):
            found, covered, ours_t, ref_t, same = [], 0, 0.0, 0.0, 0
            for rep in range(args.reps):
                frames = simulate(n, seed=rep)
                t0 = time.perf_counter()
                model = ICP(target="Y", alpha=args.alpha).fit(frames)
                ours_t += time.perf_counter() - t0
                arrays = [f.to_numpy() for f in frames]
                t0 = time.perf_counter()
                ref = causalicp.fit(arrays, NAMES.index("Y"), alpha=args.alpha)
                ref_t += time.perf_counter() - t0
                causes = set(model.causes_)
                found.append(len(causes & {"X1", "X2"}) / 2)
                covered += causes <= {"X1", "X2"}
                theirs = sorted(tuple(sorted(NAMES[i] for i in s)) for s in ref.accepted_sets)
                same += sorted(tuple(sorted(s)) for s in model.accepted_sets_) == theirs
            ms, ref_ms = 1000 * ours_t / args.reps, 1000 * ref_t / args.reps
            print(f"| {n} | {np.mean(found):.2f} | {covered / args.reps:.2f} | {ms:.1f} | {ref_ms:.1f} | "
                  f"{ref_ms / ms:.1f}x | {same}/{args.reps} |")


if __name__ == "__main__":
    main()
