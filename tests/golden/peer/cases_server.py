"""The parameter-server cases: uncoded, EGC, AGC (both l2 terms), ignore_stragglers; unequal partitions; the inverse
step; full gradient descent on the large sparse set from CSV and LIBSVM."""
import numpy as np

from peer import Case, Objective, gradient_descent, parameter_server, scenario, step_size
from simrng import shards

SEED, K, T = 5, 4, 10
# Persistent stragglers: compute 3×, 2×, 1.2× and 1× as long, so workers finish in the order 3, 2, 1, 0.
SLOW = {"0": 3.0, "1": 2.0, "2": 1.2}


def cases(data):
    out = []
    for sfx, objective, l2 in (("ls", "least_squares", 0.01), ("lg", "logistic", 0.05),
                               ("ls26", "least_squares", 0.01)):
        path, A, y = data[sfx]
        obj = Objective(objective, A, y, l2)
        parts = shards(obj.N, K, SEED)

        def add(name, algorithm, c, wait_for, slowdown, eta=0.2, obj=obj, parts=parts, path=path, **rule):
            sc = scenario(("csv", path), objective, l2, K, dict(algorithm, step_size=eta), T,
                          cluster={"compute": {"slowdown": slowdown}} if slowdown else None)
            out.append(Case(f"{name}_{sfx}", sc,
                            lambda: parameter_server(obj, parts, c, wait_for, slowdown, T, step_size(eta), **rule)))

        add("uncoded", {"name": "uncoded"}, 1, K, {})
        if sfx == "ls26":  # 26 rows in 4 partitions of 7, 7, 6, 6: weights |rows_p|/N, not 1/n
            add("uncoded_inverse_step", {"name": "uncoded"}, 1, K, {},
                eta={"schedule": "inverse", "eta0": 2.0, "a": 3})
            add("ignore_r2", {"name": "ignore_stragglers", "wait_for": 2}, 1, 2, SLOW, rescale=True)
            continue
        add("egc_c2", {"name": "egc", "tasks_per_worker": 2}, 2, K - 2 + 1, {})
        # c = 2: groups {0, 1} and {2, 3}; the first two (3, 2) are both in group 1, so half the data is missing.
        add("agc_r2", {"name": "agc", "tasks_per_worker": 2, "wait_for": 2}, 2, 2, SLOW)
        add("agc_r2_l2_full", {"name": "agc", "tasks_per_worker": 2, "wait_for": 2, "l2_term": "full"}, 2, 2, SLOW,
            l2_full=True)
        add("agc_r3", {"name": "agc", "tasks_per_worker": 2, "wait_for": 3}, 2, 3, SLOW)
        add("agc_r2_c1", {"name": "agc", "tasks_per_worker": 1, "wait_for": 2}, 1, 2, SLOW)
        add("ignore_r2", {"name": "ignore_stragglers", "wait_for": 2}, 1, 2, SLOW, rescale=True)
    return out


def big_cases(data):
    """EGC (c = 2 of 8 workers, every group covered) is full gradient descent: on 4000 sparse rows from CSV and
    LIBSVM."""
    out = []
    for label in ("csv01", "libsvm"):
        path, A, y = data["big_" + label]
        obj = Objective("logistic", A, y, 0.001)
        source = ("csv", path) if label == "csv01" else ("libsvm", path, 20)
        alg = {"name": "egc", "tasks_per_worker": 2, "step_size": 1.0}
        out.append(Case(f"big_egc_{label}", scenario(source, "logistic", 0.001, 8, alg, 20, seed=9),
                        (lambda o: lambda: gradient_descent(o, 20, step_size(1.0)))(obj)))
    return out
