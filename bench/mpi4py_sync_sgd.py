"""Sync SGD in mpi4py + numpy: the algorithm of sgdsim's sync_sgd, for bench/compare_mpi4py.sh.

Each of the k ranks holds a shard of a dense logistic-regression data set (N x d, float64), draws a mini-batch of B rows
with replacement per iteration, computes the mean logistic gradient plus l2 * x, all-reduces the gradients
(MPI_Allreduce, then divided by k) and steps. Prints one JSON line on rank 0: mean seconds per iteration (wall,
after one warm-up iteration), iterations, ranks.

Usage: mpirun -np K /usr/bin/python3 mpi4py_sync_sgd.py SAMPLES FEATURES BATCH ITERATIONS
"""
import json
import sys

import numpy as np
from mpi4py import MPI


def main():
    samples, features, batch, iterations = (int(a) for a in sys.argv[1:5])
    comm = MPI.COMM_WORLD
    rank, k = comm.Get_rank(), comm.Get_size()
    rng = np.random.default_rng(1 + rank)
    rows = samples // k
    a = rng.standard_normal((rows, features))
    truth = np.random.default_rng(0).standard_normal(features)
    b = np.where(a @ truth + 0.5 * rng.standard_normal(rows) > 0, 1.0, -1.0)
    x = np.zeros(features)
    grad = np.empty(features)
    total = np.empty(features)
    step, l2 = 0.5, 1e-3

    def iterate():
        idx = rng.integers(0, rows, batch)
        ab, bb = a[idx], b[idx]
        margin = bb * (ab @ x)
        # d/dx log(1 + exp(-m)) = -b a sigma(-m)
        weights = -bb / (1.0 + np.exp(margin))
        np.dot(ab.T, weights, out=grad)
        grad[:] = grad / batch + l2 * x
        comm.Allreduce(grad, total, op=MPI.SUM)
        x[:] -= step * total / k

    iterate()  # warm-up
    comm.Barrier()
    start = MPI.Wtime()
    for _ in range(iterations):
        iterate()
    comm.Barrier()
    seconds = (MPI.Wtime() - start) / iterations
    if rank == 0:
        print(json.dumps({"implementation": "mpi4py", "ranks": k, "batch": batch, "features": features,
                          "seconds_per_iteration": seconds, "iterations": iterations}))


if __name__ == "__main__":
    main()
