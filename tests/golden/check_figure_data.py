#!/usr/bin/python3
"""The data of `sgdsim plot` against values recomputed here from the run files of tests/golden/scenarios/figures.json
(a study: sync_sgd and agc, swept over the straggling rate, 3 repetitions): loss means and 95% intervals per time
point and per iteration, the empirical and closed-form CDFs of the iteration time, the timeline bars of iterations
1-10 of repetition 0, the speed-ups and the sweep's points. Python's standard library only.

Usage: check_figure_data.py STUDY_DIR FIGURE_DIR
"""
import csv
import json
import math
import os
import sys

T975 = {1: 12.706204736174698, 2: 4.302652729749464}  # Student t quantiles at 0.975, by degrees of freedom
failures = []


def check(ok, what):
    if not ok:
        failures.append(what)


def close(a, b, rel=1e-9):
    if a == "" or b == "":
        return a == b
    a, b = float(a), float(b)
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)


def read(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def stats(values):
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, ""
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return mean, T975[n - 1] * sd / math.sqrt(n)


study_dir, fig_dir = sys.argv[1], sys.argv[2]
study = json.load(open(os.path.join(study_dir, "study.json")))
labels = [v["label"] for v in study["variants"]]
figures = {f["name"]: f for f in json.load(open(os.path.join(fig_dir, "figures.json")))["figures"]}
expected = {"loss_time", "loss_rounds", "loss_bytes", "iteration_cdf", "speedup", "sweep-rate"}
expected |= {"timeline-" + l.replace(",", "_").replace("=", "_") for l in labels}
check(set(figures) == expected, "figures.json lists %s, expected %s" % (sorted(figures), sorted(expected)))

for label in labels:
    run_dir = os.path.join(study_dir, label)
    scenario = json.load(open(os.path.join(run_dir, "scenario.json")))
    summary = json.load(open(os.path.join(run_dir, "summary.json")))
    runs = [r["run"] for r in summary["runs"] if r["status"] == "completed"]
    check(len(runs) == 3, label + ": 3 completed repetitions")
    trace = [r for r in read(os.path.join(run_dir, "trace.csv")) if int(r["run"]) in runs]
    evals = {run: [(float(r["time"]), float(r["loss"])) for r in trace if int(r["run"]) == run and r["loss"] != ""]
             for run in runs}

    # Loss against time: at each evaluation time up to the earliest last evaluation, the mean of each repetition's
    # last evaluated loss.
    end = min(e[-1][0] for e in evals.values())
    times = sorted({t for e in evals.values() for t, _ in e if t <= end})
    rows = [r for r in read(os.path.join(fig_dir, "loss_time.csv")) if r["label"] == label]
    check([float(r["x"]) for r in rows] == times, label + ": loss_time points are the evaluation times")
    for r in rows:
        t = float(r["x"])
        values = [[l for s, l in e if s <= t][-1] for e in evals.values()]
        mean, ci = stats(values)
        check(close(r["mean"], mean) and close(r["ci95"], ci) and int(r["n"]) == 3,
              "%s: loss_time at %s: %s ± %s, expected %s ± %s" % (label, t, r["mean"], r["ci95"], mean, ci))

    # Loss against rounds and bytes: per evaluated iteration.
    for figure, column in (("loss_rounds", "comm_rounds"), ("loss_bytes", "bytes")):
        rows = [r for r in read(os.path.join(fig_dir, figure + ".csv")) if r["label"] == label]
        iterations = sorted({int(r["iteration"]) for r in trace if r["loss"] != ""})
        check(len(rows) == len(iterations), "%s: %s has %d points, expected %d" % (label, figure, len(rows), len(iterations)))
        for r, it in zip(rows, iterations):
            at = [x for x in trace if int(x["iteration"]) == it and x["loss"] != ""]
            mean, ci = stats([float(x["loss"]) for x in at])
            check(close(r["x"], sum(float(x[column]) for x in at) / len(at)) and close(r["mean"], mean)
                  and close(r["ci95"], ci), "%s: %s at iteration %d" % (label, figure, it))

    # Iteration-time CDF: the empirical one is i/n at the sorted durations; the closed form is that of the r-th of k
    # i.i.d. shift + Exp(rate) task times, computed here as a binomial sum.
    durations = sorted(float(b["time"]) - float(a["time"]) for a, b in zip(trace, trace[1:])
                       if a["run"] == b["run"] and int(b["iteration"]) == int(a["iteration"]) + 1)
    rows = [r for r in read(os.path.join(fig_dir, "iteration_cdf.csv")) if r["label"] == label]
    empirical = [r for r in rows if r["kind"] == "empirical"]
    check(len(empirical) == len(durations) == 3 * 30, label + ": 90 iteration durations")
    for i, (r, d) in enumerate(zip(empirical, durations)):
        check(close(r["t"], d) and close(r["cdf"], (i + 1) / len(durations)), label + ": empirical CDF row %d" % i)
    k = scenario["cluster"]["workers"]
    s = scenario["cluster"]["compute"]["seconds_per_pass"]
    lam = scenario["cluster"]["compute"]["straggling"]["rate"]
    algorithm = scenario["algorithm"]
    if algorithm["name"] == "agc":
        load, r_of_k = algorithm["tasks_per_worker"] / k, algorithm["wait_for"]
    else:
        load, r_of_k = algorithm["batch_size"] / scenario["problem"]["data"]["synthetic"]["samples"], k
    closed = [r for r in rows if r["kind"] == "closed_form"]
    check(len(closed) == 201, label + ": 201 closed-form points")
    for r in closed:
        t = float(r["t"])
        f = 1 - math.exp(-(lam / load) * (t - load * s)) if t > load * s else 0.0
        p = sum(math.comb(k, j) * f ** j * (1 - f) ** (k - j) for j in range(r_of_k, k + 1))
        check(abs(float(r["cdf"]) - p) <= 1e-9, "%s: closed-form CDF at %s: %s, expected %s" % (label, t, r["cdf"], p))

    # Timeline of repetition 0, iterations 1..10: compute bars from start to start + compute (an interrupted task to
    # the next start), coloured by its result, and the waits up to the next start.
    workers = [w for w in read(os.path.join(run_dir, "workers.csv")) if w["run"] == "0"]
    task = {(int(w["worker"]), int(w["iteration"])): w for w in workers}
    bars = read(os.path.join(fig_dir, "timeline-" + label.replace(",", "_").replace("=", "_") + ".csv"))
    compute_bars = [b for b in bars if b["state"] in ("used", "late", "interrupted")]
    check(len(compute_bars) == 10 * k, label + ": one compute bar per worker per iteration")
    for b in compute_bars:
        w = task[(int(b["worker"]), int(b["iteration"]))]
        state = "used" if w["used"] == "1" else ("late" if w["computed"] == "1" else "interrupted")
        end = float(w["start"]) + float(w["compute"])
        nxt = task.get((int(b["worker"]), int(b["iteration"]) + 1))
        if state == "interrupted" and nxt:
            end = min(end, float(nxt["start"]))
        check(b["state"] == state and close(b["begin"], w["start"]) and close(b["end"], end),
              "%s: timeline bar of worker %s, iteration %s" % (label, b["worker"], b["iteration"]))
    if algorithm["name"] == "agc":
        check(any(b["state"] != "used" for b in compute_bars), label + ": AGC drops some results")

# Speed-ups: study.json's; the sweep: study.json's points, grouped by variant.
speedup = {r["label"]: r for r in read(os.path.join(fig_dir, "speedup.csv"))}
sweep = {r["label"]: r for r in read(os.path.join(fig_dir, "sweep-rate.csv"))}
for v in study["variants"]:
    check(close(speedup[v["label"]]["speedup"], v["speedup"]["value"]), v["label"] + ": speed-up")
    row = sweep[v["label"]]
    check(row["group"] == v["label"].split(",")[0] and close(row["value"], v["point"]["cluster.compute.straggling.rate"]),
          v["label"] + ": sweep group and value")
    check(close(row["final_loss_mean"], v["final_loss"]["mean"]) and close(row["comm_rounds_mean"], v["comm_rounds"]["mean"])
          and close(row["time_mean"], v["time"]["mean"]), v["label"] + ": sweep point")

for f in failures:
    print("FAIL:", f, file=sys.stderr)
print("figure data: %d failures" % len(failures))
sys.exit(1 if failures else 0)
