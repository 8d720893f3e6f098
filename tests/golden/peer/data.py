"""The test's data sets, generated from fixed numpy seeds into the work directory (nothing large is committed)."""
import os

import numpy as np


def _write_csv(path, y, A):
    # repr: the shortest decimal that reads back as the same double, so sgdsim and the peer hold identical data
    with open(path, "w") as f:
        for label, row in zip(y, A):
            f.write(",".join(repr(float(v)) for v in (label, *row)) + "\n")


def _write_libsvm(path, y, A):
    with open(path, "w") as f:
        for label, row in zip(y, A):
            pairs = " ".join(f"{j + 1}:{float(v)!r}" for j, v in enumerate(row) if v != 0.0)
            f.write(f"{'+1' if label > 0 else '-1'} {pairs}\n")


def generate(directory):
    """Writes the files and returns {name: (path, A, y)}, y as the peer reads it (±1 for the logistic sets).
    ls, lg: 24 rows, 5 features, a linear model plus noise (least squares) or its noisy sign (logistic): 4 workers get
    6 rows each. ls26: 26 rows, so 4 shards are unequal (7, 7, 6, 6). big: 4000 rows, 20 features, 60 % zeros
    (sparse rows), the same data as CSV with 0/1 labels (mapped to ±1 by sgdsim) and as LIBSVM (1-based indices,
    zeros left out): the loaders and larger shards."""
    os.makedirs(directory, exist_ok=True)
    out = {}
    rng = np.random.default_rng(7)
    A = rng.normal(size=(24, 5))
    truth = rng.normal(size=5)
    y_ls = A @ truth + 0.3 * rng.normal(size=24)
    y_lg = np.where(A @ truth + 0.5 * rng.normal(size=24) > 0, 1.0, -1.0)
    for name, y in (("ls", y_ls), ("lg", y_lg)):
        out[name] = (os.path.join(directory, name + ".csv"), A, y)
    rng = np.random.default_rng(26)
    A26 = rng.normal(size=(26, 5))
    out["ls26"] = (os.path.join(directory, "ls26.csv"), A26, A26 @ rng.normal(size=5) + 0.3 * rng.normal(size=26))
    for path, A_, y in out.values():
        _write_csv(path, y, A_)

    rng = np.random.default_rng(4000)
    big = rng.normal(size=(4000, 20)) * (rng.random(size=(4000, 20)) < 0.4)
    y_big = np.where(big @ rng.normal(size=20) + 0.5 * rng.normal(size=4000) > 0, 1.0, -1.0)
    out["big_csv01"] = (os.path.join(directory, "big01.csv"), big, y_big)
    _write_csv(out["big_csv01"][0], (y_big + 1) / 2, big)
    out["big_libsvm"] = (os.path.join(directory, "big.svm"), big, y_big)
    _write_libsvm(out["big_libsvm"][0], y_big, big)
    return out
