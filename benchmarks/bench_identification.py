"""Benchmark identification on large graphs against pgmpy, measured in the same run.

Prints, for random DAGs with 30, 60 and 100 nodes (expected degree 3):
1. our constructive adjustment set, minimal set, optimal set and the first 1000
   listed adjustment sets (polynomial delay), each in milliseconds;
2. pgmpy's ``get_minimal_adjustment_set`` and ``get_all_backdoor_adjustment_sets``
   on the same graph and pair (the latter in a subprocess with a 30 s limit, as it
   searches over subsets), and the ratio of times;
3. the ID algorithm on the latent projection of the same DAG with 20% of the nodes
   hidden.

Run: ``python benchmarks/bench_identification.py``. Not a test: no assertions.
"""

from __future__ import annotations

import multiprocessing as mp
import time
import warnings

import numpy as np

from causalscope.datasets import random_dag
from causalscope.exceptions import NotIdentifiableError
from causalscope.graphs import latent_projection
from causalscope.identification import (
    adjustment_set,
    adjustment_sets,
    id_algorithm,
    minimal_adjustment_set,
    optimal_adjustment_set,
)


def _ms(fn, *args, **kw):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kw)
    return out, 1000 * (time.perf_counter() - t0)


def _pgmpy_all(edges, nodes, x, y, queue):  # type: ignore[no-untyped-def]  # pragma: no cover - subprocess
    warnings.simplefilter("ignore")
    from pgmpy.inference import CausalInference
    from pgmpy.models import DiscreteBayesianNetwork

    m = DiscreteBayesianNetwork(edges)
    m.add_nodes_from(nodes)
    t0 = time.perf_counter()
    sets = CausalInference(m).get_all_backdoor_adjustment_sets(x, y)
    queue.put((1000 * (time.perf_counter() - t0), len(sets)))


def main() -> None:
    warnings.simplefilter("ignore")
    from pgmpy.inference import CausalInference
    from pgmpy.models import DiscreteBayesianNetwork

    print(f"{'p':>4} {'adjust':>8} {'minimal':>8} {'optimal':>8} {'list1000':>9} {'pgmpy_min':>10} {'ratio':>7} {'pgmpy_all':>10} {'ID':>8}")
    for p in (30, 60, 100):
        g = random_dag(p, expected_degree=3.0, random_state=p)
        order = g.topological_order()
        x = next(v for v in order if len(g.descendants(v)) > p // 4)
        y = sorted(g.descendants(x), key=order.index)[-1]
        _, t_adj = _ms(adjustment_set, g, x, y)
        _, t_min = _ms(minimal_adjustment_set, g, x, y)
        _, t_opt = _ms(optimal_adjustment_set, g, x, y)
        _, t_list = _ms(adjustment_sets, g, x, y, limit=1000)
        edges = [(e.source, e.target) for e in g.edges]
        m = DiscreteBayesianNetwork(edges)
        m.add_nodes_from(g.nodes)
        _, t_pg = _ms(CausalInference(m).get_minimal_adjustment_set, x, y)
        q: mp.Queue = mp.Queue()
        proc = mp.Process(target=_pgmpy_all, args=(edges, list(g.nodes), x, y, q))
        proc.start()
        proc.join(30)
        if proc.is_alive():
            proc.terminate()
            pg_all = "> 30 s"
        else:
            ms, _n = q.get()
            pg_all = f"{ms:.0f} ms"
        rng = np.random.default_rng(p)
        hidden = [v for v in g.nodes if v not in (x, y) and rng.random() < 0.2]
        admg = latent_projection(g, hidden)
        try:
            _, t_id = _ms(id_algorithm, admg, x, y)
            t_id_s = f"{t_id:.0f} ms"
        except NotIdentifiableError:
            t_id_s = "hedge"
        print(
            f"{p:>4} {t_adj:>6.1f}ms {t_min:>6.1f}ms {t_opt:>6.1f}ms {t_list:>7.0f}ms {t_pg:>8.1f}ms "
            f"{t_pg / max(t_min, 1e-9):>6.1f}x {pg_all:>10} {t_id_s:>8}"
        )


if __name__ == "__main__":
    main()
