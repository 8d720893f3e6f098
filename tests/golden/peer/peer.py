"""Peer implementations of sgdsim's update rules, written from the papers, and their comparison with sgdsim's runs.

The peers are deliberately naive numpy (dense matrices, one loop per iteration) and share no code with sgdsim: what
they share is the data, the random streams (simrng.py) and the conventions docs/scenario.md states where the papers
leave a choice open (each is named where it is used).
"""
import csv
import json
import math
import os
import subprocess
from dataclasses import dataclass, field

import numpy as np

TOLERANCE = 1e-12  # relative; both sides compute in double precision, the observed gaps are below 2e-15


class Objective:
    """F(x) = (1/N) Σᵢ fᵢ(x) + (l2/2)‖x‖², fᵢ = ½(aᵢ·x − yᵢ)² (least squares) or log(1 + exp(−yᵢ aᵢ·x)) (logistic,
    labels ±1); the l2 term belongs to every partial function, so the mean over any rows carries it once."""

    def __init__(self, kind, A, y, l2):
        self.kind, self.A, self.y, self.l2 = kind, A, y, l2
        self.N, self.d = A.shape

    def loss_grad(self, x, rows=None):
        A = self.A if rows is None else self.A[rows]
        y = self.y if rows is None else self.y[rows]
        z = A @ x
        if self.kind == "least_squares":
            r = z - y
            f, g = 0.5 * np.mean(r * r), A.T @ r / len(y)
        else:
            m = y * z
            f, g = np.mean(np.logaddexp(0.0, -m)), A.T @ (-y / (1.0 + np.exp(m))) / len(y)
        return f + 0.5 * self.l2 * (x @ x), g + self.l2 * x

    def loss(self, x):
        return self.loss_grad(x)[0]

    def grad(self, x, rows=None):
        return self.loss_grad(x, rows)[1]


def step_size(spec):
    """η at iteration t = 1, 2, …: a constant, or `inverse` eta0/(t − 1 + a) (docs/scenario.md: t counts from 0, LUPA's
    η_t = 4/(μ(t + a)) with its first step at t = 0)."""
    if isinstance(spec, dict):
        return lambda t: spec["eta0"] / (t - 1 + spec["a"])
    return lambda t: spec


@dataclass
class Expected:
    """What the peer computed: per iteration, the values of trace.csv's columns it knows; the final model of rank 0;
    W when sgdsim reports its ζ."""
    rows: dict
    model: np.ndarray
    W: np.ndarray = None


def _row(obj, x0, **extra):
    f, g = obj.loss_grad(x0)
    return dict(loss=f, grad_norm=np.linalg.norm(g), **extra)


def model_averaging(obj, W, taus, T, eta, gradient, m, v=0, loss_tau0=None, steppers=None, average=None):
    """Cooperative SGD A(τ, W, v) (Wang & Joshi; cooperative-sgd-slides): X_{k+1} = (X_k − η G_k) W_k with X = [x⁽¹⁾ …
    x⁽ᵐ⁾ z⁽¹⁾ … z⁽ᵛ⁾], G_k = [g(x⁽¹⁾) … g(x⁽ᵐ⁾) 0 …] and W_k = W at the end of a round, I otherwise. W = J is LUPA-SGD's
    Algorithm 1 (local SGD) and RI-SGD's Algorithm 1; W_α with one anchor is EASGD; τ = 1 with a sparse W is D-PSGD.
    taus(i): the length of round i (i = 0, 1, …); the last round ends at T even when it is shorter (docs/scenario.md:
    it still mixes at T, where W_k = W iff τ | k would not). loss_tau0: ADA-LUPA's eq. (11) instead, τ_i =
    ⌈(F(x̄₀)/F(x̄ᵢ))^(1/3)⌉·τ0 (τ0 when the ratio is below 1). steppers: the workers that step (wait_for leaves the
    others behind: W then averages the steppers only). gradient(i, t, x): worker i's stochastic gradient at iteration t.
    Trace rows at round ends: rank 0's loss and ‖∇F‖, the round's τ, the consensus (1/m)Σ‖xᵢ − x̄‖² of the stepping
    workers before mixing, and ‖∇F(u)‖ at u = X·1/(m + v) (docs/outputs.md: written where rank 0's model is not
    the average of all, W ≠ J or v > 0, unless `average` says otherwise)."""
    n = m + v
    steppers = list(range(m)) if steppers is None else steppers
    if average is None:
        average = v > 0 or not np.allclose(W, 1.0 / n)
    X = np.zeros((obj.d, n))
    averages = (lambda: dict(average_grad_norm=np.linalg.norm(obj.grad(X.mean(axis=1))))) if average else dict
    rows = {0: _row(obj, X[:, 0], **averages())}
    f0 = obj.loss(X[:, :m].mean(axis=1))
    t, rnd, tau = 0, 0, (loss_tau0 or taus(0))
    while t < T:
        start, end = t, min(t + tau, T)
        for t in range(start + 1, end + 1):
            G = np.zeros_like(X)
            for i in steppers:
                G[:, i] = gradient(i, t, X[:, i])
            X = X - eta(t) * G
        xbar = X[:, steppers].mean(axis=1)
        consensus = np.mean([np.sum((X[:, i] - xbar) ** 2) for i in steppers])
        before = averages()  # u = X·1/(m + v): mixing by a doubly stochastic W keeps it
        X = X @ W
        rows[end] = _row(obj, X[:, 0], tau=end - start, consensus=consensus, **before)
        rnd += 1
        if loss_tau0:
            ratio = f0 / obj.loss(X[:, :m].mean(axis=1))
            tau = loss_tau0 if ratio <= 1 else math.ceil(ratio ** (1 / 3)) * loss_tau0
        else:
            tau = taus(rnd)
    return Expected(rows, X[:, 0], W)


def sync_sgd(obj, T, eta, gradient, m):
    """Fully synchronous SGD, A(1, J, 0): every worker steps with the mean of the m mini-batch gradients (LUPA eq. (2)
    with g̃ the workers' average), so every model stays the same; consensus 0 and τ = 1 at every iteration."""
    x = np.zeros(obj.d)
    rows = {0: _row(obj, x)}
    for t in range(1, T + 1):
        x = x - eta(t) * np.mean([gradient(i, t, x) for i in range(m)], axis=0)
        rows[t] = _row(obj, x, tau=1, consensus=0.0)
    return Expected(rows, x, np.full((m, m), 1.0 / m))


def parameter_server(obj, parts, c, wait_for, slowdown, T, eta, rescale=False, l2_full=False):
    """Gradient descent through a parameter server with the fractional repetition code (AGC, Charles et al., §2): the
    k workers form k/c groups; group i holds partitions ic … ic + c − 1; the PS takes one result from each group
    among the first r workers to finish and steps x ← x − γ g with g = eq. (1), (1/n) Σᵢ Yᵢ g[i] over n = k task
    functions. docs/scenario.md: a partition weighs |rows_p|/N (1/n when k divides N). uncoded is c = 1, r = k; EGC
    r = k − c + 1 (every group covered); ignore_stragglers is c = 1 rescaled by k/r. l2_full: the authors' code,
    l2·x in full whatever the coverage. The first r: compute time is proportional to the slowdown factor (equal loads,
    an ideal network), so they are the r workers with the smallest factors; a tie at the cut must not change the
    groups covered, or the case is ambiguous."""
    k = len(parts)
    factor = [slowdown.get(str(w), 1.0) for w in range(k)]
    order = sorted(range(k), key=lambda w: factor[w])
    covered = sorted({w // c for w in order[:wait_for]})
    if wait_for < k and factor[order[wait_for - 1]] == factor[order[wait_for]] and len(covered) < k // c:
        raise ValueError(f"which {wait_for} workers finish first is a tie that changes the groups covered")
    used = [p for i in covered for p in range(i * c, i * c + c)]
    share = sum(len(parts[p]) for p in used) / obj.N
    x = np.zeros(obj.d)
    rows = {0: _row(obj, x)}
    for t in range(1, T + 1):
        g = sum(len(parts[p]) / obj.N * obj.grad(x, np.array(parts[p])) for p in used)
        if rescale:
            g = g * (k / wait_for)
        if l2_full:
            g = g + (1 - share) * obj.l2 * x
        x = x - eta(t) * g
        rows[t] = _row(obj, x)
    return Expected(rows, x)


def gradient_descent(obj, T, eta):
    """Full gradient descent, x ← x − η∇F(x): what uncoded and EGC compute whatever the stragglers."""
    x = np.zeros(obj.d)
    rows = {0: _row(obj, x)}
    for t in range(1, T + 1):
        x = x - eta(t) * obj.grad(x)
        rows[t] = _row(obj, x)
    return Expected(rows, x)


# ---------------------------------------------------------------- sgdsim's side

def simulate(binary, workdir, name, scenario):
    """Writes the scenario, runs `sgdsim simulate` on it (its own process: one SimGrid simulation each) and reads back
    trace.csv (rows), model.csv (values) and summary.json. Raises with sgdsim's message when it fails."""
    scenario = dict(scenario, name=name, output={"dir": os.path.join(workdir, "out", name)})
    path = os.path.join(workdir, "scenarios", name + ".json")
    with open(path, "w") as f:
        json.dump(scenario, f, indent=1)
    done = subprocess.run([binary, "simulate", path, "--force"], capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"sgdsim simulate {path} exited {done.returncode}: {done.stderr.strip()[-800:]}")
    out = scenario["output"]["dir"]
    with open(os.path.join(out, "trace.csv")) as f:
        trace = list(csv.DictReader(f))
    with open(os.path.join(out, "model.csv")) as f:
        model = np.array([float(r["value"]) for r in csv.DictReader(f)])
    with open(os.path.join(out, "summary.json")) as f:
        summary = json.load(f)
    return trace, model, summary


@dataclass
class Outcome:
    worst: dict = field(default_factory=dict)     # column -> largest relative difference
    compared: dict = field(default_factory=dict)  # column -> values compared
    problems: list = field(default_factory=list)

    def note(self, column, got, want):
        err = abs(got - want) / max(abs(want), 1e-12)
        self.compared[column] = self.compared.get(column, 0) + 1
        if err > self.worst.get(column, -1.0):
            self.worst[column] = err


def compare(trace, model, summary, expected, iterations):
    """Every evaluated row of sgdsim's trace against the peer's row of that iteration, column by column (only the
    columns the peer knows: those it leaves out are not compared, those it has must be in the trace); τ exactly; the
    final model; ζ of W. Fails also when the trace lacks the last iteration or has rows the peer has not."""
    out = Outcome()
    for r in trace:
        if r["loss"] == "":
            continue
        t = int(r["iteration"])
        if t not in expected.rows:
            out.problems.append(f"trace has a row at iteration {t}, the peer none")
            continue
        for column, want in expected.rows[t].items():
            got = r.get(column, "")
            if got == "":
                out.problems.append(f"iteration {t}: trace has no {column} (peer {want!r})")
            elif column == "tau":
                out.compared["tau"] = out.compared.get("tau", 0) + 1
                if int(got) != want:
                    out.problems.append(f"iteration {t}: tau {got}, peer {want}")
            else:
                out.note(column, float(got), want)
    if not any(r["loss"] != "" and int(r["iteration"]) == iterations for r in trace):
        out.problems.append(f"trace has no loss at the last iteration {iterations}")
    if model.shape != expected.model.shape:
        out.problems.append(f"model.csv has {model.size} values, the peer {expected.model.size}")
    else:
        out.worst["model"] = np.max(np.abs(model - expected.model)) / max(np.max(np.abs(expected.model)), 1e-300)
        out.compared["model"] = model.size
    if expected.W is not None:
        eig = np.sort(np.linalg.eigvalsh(expected.W))  # Cooperative SGD's W is symmetric
        zeta = max(abs(eig[-2]), abs(eig[0]))
        got = summary["runs"][0].get("zeta")
        if got is None:
            out.problems.append("summary.json has no zeta")
        elif abs(got - zeta) > TOLERANCE:
            out.problems.append(f"zeta {got!r}, peer {zeta!r}")
        else:
            out.compared["zeta"] = 1
    for column, err in out.worst.items():
        if err > TOLERANCE:
            out.problems.append(f"{column}: relative difference {err:.2e} > {TOLERANCE:g}")
    return out


# ---------------------------------------------------------------- cases

@dataclass
class Case:
    """One comparison: the scenario sgdsim simulates and the peer's computation of the same run."""
    name: str
    scenario: dict
    peer: object  # () -> Expected
    iterations: int = 0

    def __post_init__(self):
        self.iterations = self.scenario["stop"]["iterations"]


def scenario(data, objective, l2, workers, algorithm, iterations, seed=5, cluster=None):
    """A scenario on an ideal network (every worker as fast unless `cluster` adds slowdowns): data is
    ("csv", path) or ("libsvm", path, features)."""
    source = {"csv": {"path": data[1]}} if data[0] == "csv" else {"libsvm": {"path": data[1], "features": data[2]}}
    return {"seed": seed, "problem": {"objective": objective, "l2": l2, "data": source},
            "cluster": {"workers": workers, "network": {"topology": "ideal"}, **(cluster or {})},
            "algorithm": algorithm, "stop": {"iterations": iterations}}
