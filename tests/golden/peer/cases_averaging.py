"""The model-averaging cases: sync SGD, local SGD (τ schedules, ADA-LUPA, wait_for), RI-SGD, Cooperative SGD on
graphs and explicit W (auxiliary models), EASGD, D-PSGD."""
import math

import numpy as np

from peer import Case, Objective, model_averaging, scenario, step_size, sync_sgd
from simrng import TOPOLOGY, BatchSampler, bernoulli, make_rng, partial_shard, shards

SEED, M, T = 5, 4, 12


def J(n):
    return np.full((n, n), 1.0 / n)


def graph_W(neighbours, weights):
    """W of a graph: uniform 1/(deg + 1) or Metropolis 1/(1 + max(deg i, deg j)) on the edges, the rest of the row
    on the diagonal (docs/scenario.md); symmetric and doubly stochastic, as Cooperative SGD requires."""
    n = len(neighbours)
    W = np.zeros((n, n))
    for i in range(n):
        for j in neighbours[i]:
            di, dj = len(neighbours[i]), len(neighbours[j])
            W[i, j] = 1.0 / (di + 1) if weights == "uniform" else 1.0 / (1 + max(di, dj))
        W[i, i] = 1.0 - W[i].sum()
    return W


def ring(n):
    return [sorted({(i - 1) % n, (i + 1) % n}) for i in range(n)]


def hypercube(n):
    return [sorted(i ^ (1 << b) for b in range(n.bit_length() - 1)) for i in range(n)]


def torus(n, rows):
    cols = n // rows
    out = []
    for a in range(rows):
        for b in range(cols):
            i = a * cols + b
            near = {((a + 1) % rows) * cols + b, ((a - 1) % rows) * cols + b, a * cols + (b + 1) % cols,
                    a * cols + (b - 1) % cols}
            out.append(sorted(near - {i}))
    return out


def erdos_renyi(n, p, seed):
    """Edges i < j in row order, each kept with probability p, from the graph's own stream (seed, TOPOLOGY)."""
    engine = make_rng(seed, 0, -1, TOPOLOGY)
    near = [set() for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            if bernoulli(engine, p):
                near[i].add(j)
                near[j].add(i)
    return [sorted(s) for s in near]


def elastic(m, alpha):
    """EASGD as Cooperative SGD's A(τ, W_α, 1): xᵢ ← (1 − α)xᵢ + αz, z ← (1 − mα)z + αΣxᵢ (slides, EASGD)."""
    W = np.zeros((m + 1, m + 1))
    for i in range(m):
        W[i, i], W[i, m], W[m, i] = 1 - alpha, alpha, alpha
    W[m, m] = 1 - m * alpha
    return W


def sampled_gradient(obj, m, B, seed=SEED, sampling="shard", redundancy=0.0, combine="sum"):
    """gradient(i, t, x) of worker i from its own mini-batch stream. shard: B rows from its shard, g̃ = (1/B)∇f(x, ξ)
    (LUPA eq. (3), l2·x added); data_set: B rows from the whole (shuffled) data set. RI-SGD (redundancy μ): chunks
    j, j+1, …, j+⌊μp⌋ whole with B rows each and, when μp is fractional, round(frac·B) rows of a seeded subset of
    round(frac·|shard|) rows of the next one (docs/scenario.md, cyclic replication). `sum` is eq. (3), Σ of the chunk
    means, so l2·x counts once per chunk and a partial chunk enters as (1/B)Σ over its rows: that is the mean over all
    rows drawn times rows/B; `mean` is the mean over all rows drawn."""
    parts = shards(obj.N, m, seed)
    extra = redundancy * m
    whole = int(math.floor(extra + 1e-9))
    frac = extra - whole if abs(extra - round(extra)) > 1e-9 else 0.0
    samplers = []
    for i in range(m):
        if sampling == "data_set":
            chunks = [([r for p in parts for r in p], B)]
        else:
            chunks = [(parts[(i + c) % m], B) for c in range(whole + 1)]
        if frac > 0:
            source = parts[(i + whole + 1) % m]
            held = partial_shard(source, int(math.floor(frac * len(source) + 0.5)), seed, i)
            chunks.append((held, int(math.floor(frac * B + 0.5))))
        samplers.append(BatchSampler(chunks, seed, i))

    def gradient(i, t, x):
        rows = np.array(samplers[i].next())
        mean = obj.grad(x, rows)
        return mean * (len(rows) / B) if combine == "sum" else mean
    return gradient


def cases(data):
    return (_objective_cases(data, "ls", "least_squares", 0.01) + _objective_cases(data, "lg", "logistic", 0.05) +
            _least_squares_extras(data))


def _objective_cases(data, sfx, objective, l2):
    """Every algorithm on one objective (a function of its own, so that the peers' closures bind its obj)."""
    out = []
    path, A, y = data[sfx]
    obj = Objective(objective, A, y, l2)

    def add(name, algorithm, W, taus, B=3, eta=0.1, iterations=T, v=0, loss_tau0=None, **sampling):
        sc = scenario(("csv", path), objective, l2, M, dict(algorithm, batch_size=B, step_size=eta), iterations)
        peer = lambda: model_averaging(obj, W, taus, iterations, step_size(eta),
                                       sampled_gradient(obj, M, B, **sampling), M, v=v, loss_tau0=loss_tau0)
        out.append(Case(f"{name}_{sfx}", sc, peer))

    for sampling in ("shard", "data_set"):
        alg = {"name": "sync_sgd"} if sampling == "shard" else {"name": "sync_sgd", "sampling": "data_set"}
        sc = scenario(("csv", path), objective, l2, M, dict(alg, batch_size=3, step_size=0.1), T)
        peer = (lambda s: lambda: sync_sgd(obj, T, step_size(0.1), sampled_gradient(obj, M, 3, sampling=s), M))
        out.append(Case(f"sync_{sampling}_{sfx}", sc, peer(sampling)))
    add("local_tau3", {"name": "local_sgd", "tau": 3}, J(M), lambda r: 3)
    # τ = 5 does not divide T = 12: rounds of 5, 5 and 2 steps.
    add("local_tau5", {"name": "local_sgd", "tau": 5}, J(M), lambda r: 5)
    add("local_data_set", {"name": "local_sgd", "tau": 3, "sampling": "data_set"}, J(M), lambda r: 3,
        sampling="data_set")
    add("local_list", {"name": "local_sgd", "tau": {"schedule": "list", "taus": [1, 2, 4]}}, J(M),
        lambda r: [1, 2, 4][min(r, 2)], B=2)
    # LUPA §6: τ_i = ⌈(1 + iα)τ0⌉.
    add("local_linear", {"name": "local_sgd", "tau": {"schedule": "linear", "tau0": 2, "alpha": 0.5}}, J(M),
        lambda r: math.ceil((1 + r * 0.5) * 2), B=2)
    add("ada_lupa", {"name": "local_sgd", "tau": {"schedule": "loss", "tau0": 1}}, J(M), None, eta=0.2,
        iterations=30, loss_tau0=1)
    for combine in ("sum", "mean"):
        add(f"ri_{combine}", {"name": "ri_sgd", "tau": 3, "redundancy": 0.5, "combine": combine}, J(M),
            lambda r: 3, B=2, eta=0.05, redundancy=0.5, combine=combine)
    W_ring = graph_W(ring(M), "uniform")
    add("coop_ring", {"name": "cooperative", "tau": 2, "topology": "ring"}, W_ring, lambda r: 2)
    add("dpsgd", {"name": "dpsgd"}, W_ring, lambda r: 1)
    add("dpsgd_tau2", {"name": "dpsgd", "tau": 2}, W_ring, lambda r: 2)
    for anchor in ("server", "replicated"):  # where z lives changes the messages, not the values
        add(f"easgd_{anchor}", {"name": "easgd", "tau": 2, "alpha": 0.2, "anchor": anchor}, elastic(M, 0.2),
            lambda r: 2, v=1)
    # An explicit symmetric doubly stochastic W over 4 workers and one auxiliary model.
    W_aux = np.array([[0.5, 0.2, 0.0, 0.1, 0.2], [0.2, 0.5, 0.2, 0.0, 0.1], [0.0, 0.2, 0.5, 0.2, 0.1],
                      [0.1, 0.0, 0.2, 0.5, 0.2], [0.2, 0.1, 0.1, 0.2, 0.4]])
    for anchor in ("replicated", "server"):
        add(f"coop_aux_{anchor}", {"name": "cooperative", "tau": 2, "mixing": W_aux.tolist(), "anchor": anchor},
            W_aux, lambda r: 2, v=1)

    for m, topology, near, weights in ((8, "hypercube", hypercube(8), "uniform"), (8, "torus", torus(8, 2), "uniform"),
                                       (6, {"graph": "torus", "rows": 2}, torus(6, 2), "metropolis"),
                                       (8, {"graph": "erdos_renyi", "p": 0.4, "seed": 3}, erdos_renyi(8, 0.4, 3),
                                        "metropolis")):
        graph = topology if isinstance(topology, str) else topology["graph"]
        alg = {"name": "cooperative", "batch_size": 2, "tau": 2, "topology": topology, "weights": weights,
               "step_size": 0.1}
        W = graph_W(near, weights)
        peer = (lambda m, W: lambda: model_averaging(obj, W, lambda r: 2, T, step_size(0.1),
                                                     sampled_gradient(obj, m, 2), m))
        out.append(Case(f"graph_{m}_{graph}_{weights}_{sfx}", scenario(("csv", path), objective, l2, m, alg, T),
                        peer(m, W)))
    return out


def _least_squares_extras(data):
    """Conventions and corner cases, on least squares only."""
    path, A, y = data["ls"]
    obj = Objective("least_squares", A, y, 0.01)
    out = []

    def sc(algorithm, iterations=T, cluster=None):
        return scenario(("csv", path), "least_squares", 0.01, M, algorithm, iterations, cluster=cluster)

    # τ = 5 on a ring, T = 12: the last round (2 steps) still mixes at T (docs/scenario.md), so worker 0's final model
    # is the mixed one; Cooperative SGD's W_k = W iff τ | k would leave it unmixed.
    W_ring = graph_W(ring(M), "uniform")
    out.append(Case("coop_ring_tau5_ls", sc({"name": "cooperative", "batch_size": 3, "tau": 5, "topology": "ring",
                                            "step_size": 0.1}),
                    lambda: model_averaging(obj, W_ring, lambda r: 5, T, step_size(0.1), sampled_gradient(obj, M, 3),
                                            M)))
    # RI-SGD with μp = 1.5: shard j + 1 whole and a half of shard j + 2, one row (round(0.5·2)) drawn from it.
    for combine in ("sum", "mean"):
        out.append(Case(f"ri_fraction_{combine}_ls",
                        sc({"name": "ri_sgd", "batch_size": 2, "tau": 3, "redundancy": 0.375, "combine": combine,
                            "step_size": 0.05}),
                        (lambda c: lambda: model_averaging(obj, J(M), lambda r: 3, T, step_size(0.05),
                                                           sampled_gradient(obj, M, 2, redundancy=0.375, combine=c),
                                                           M))(combine)))
    # wait_for 2 of 4 with persistent stragglers 2 and 3: every round averages workers 0 and 1, and the stragglers
    # adopt that average (their own steps are dropped). Not compared: the consensus, which takes in the stragglers'
    # models as far as they got when the average arrived (a matter of simulated time, not of the update rule); ζ is
    # J's, 0, as sgdsim reports it.
    W_first2 = np.zeros((M, M))
    W_first2[:2, :] = 0.5

    def waitfor():
        expected = model_averaging(obj, W_first2, lambda r: 3, T, step_size(0.1), sampled_gradient(obj, M, 3), M,
                                   steppers=[0, 1], average=False)
        for row in expected.rows.values():
            row.pop("consensus", None)
        expected.W = J(M)
        return expected
    out.append(Case("local_wait_for_2_ls", sc({"name": "local_sgd", "batch_size": 3, "tau": 3, "wait_for": 2,
                                              "step_size": 0.1},
                                             cluster={"compute": {"slowdown": {"1": 1.1, "2": 3.0, "3": 4.0}}}),
                    waitfor))
    # Linear schedule from a round count E: α = 2(T − Eτ0)/(τ0·E(E − 1)) (docs/scenario.md), here τ = 2, 5, then 6
    # (a last round of 7 cut at T = 13).
    rounds, tau0, T13 = 3, 2, 13
    alpha = 2 * (T13 - rounds * tau0) / (tau0 * rounds * (rounds - 1))
    out.append(Case("local_linear_rounds_ls",
                    sc({"name": "local_sgd", "batch_size": 2, "step_size": 0.1,
                        "tau": {"schedule": "linear", "tau0": tau0, "rounds": rounds}}, T13),
                    lambda: model_averaging(obj, J(M), lambda r: math.ceil((1 + r * alpha) * tau0), T13, step_size(0.1),
                                            sampled_gradient(obj, M, 2), M)))
    # ADA-LUPA with τ0 = 2: the ceiling applies to the cube root, before the factor τ0.
    out.append(Case("ada_lupa_tau0_2_ls", sc({"name": "local_sgd", "batch_size": 3, "step_size": 0.2,
                                             "tau": {"schedule": "loss", "tau0": 2}}, 30),
                    lambda: model_averaging(obj, J(M), None, 30, step_size(0.2), sampled_gradient(obj, M, 3), M,
                                            loss_tau0=2)))
    # Inverse step eta0/(t − 1 + a) at iteration t (t counts from 0: LUPA's η_t; its Algorithm 1 numbering from 1
    # would start at eta0/(1 + a) and does not match).
    inverse = {"schedule": "inverse", "eta0": 1.0, "a": 4}
    out.append(Case("local_inverse_step_ls", sc({"name": "local_sgd", "batch_size": 3, "tau": 3, "step_size": inverse}),
                    lambda: model_averaging(obj, J(M), lambda r: 3, T, step_size(inverse), sampled_gradient(obj, M, 3),
                                            M)))
    out.append(Case("sync_inverse_step_ls", sc({"name": "sync_sgd", "batch_size": 3, "step_size": inverse}),
                    lambda: sync_sgd(obj, T, step_size(inverse), sampled_gradient(obj, M, 3), M)))
    return out


def big_cases(data):
    """Local SGD on 4000 sparse rows, 8 workers, B = 64, read from CSV (0/1 labels) and from LIBSVM."""
    out = []
    for label in ("csv01", "libsvm"):
        path, A, y = data["big_" + label]
        obj = Objective("logistic", A, y, 0.001)
        source = ("csv", path) if label == "csv01" else ("libsvm", path, 20)
        alg = {"name": "local_sgd", "batch_size": 64, "tau": 4, "step_size": 0.5}
        out.append(Case(f"big_local_{label}", scenario(source, "logistic", 0.001, 8, alg, 20, seed=9),
                        (lambda o: lambda: model_averaging(o, J(8), lambda r: 4, 20, step_size(0.5),
                                                           sampled_gradient(o, 8, 64, seed=9), 8))(obj)))
    return out
