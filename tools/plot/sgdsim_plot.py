#!/usr/bin/python3
"""Draws the figures `sgdsim plot` prepared: FIGDIR/figures.json lists them, each with the CSV file of its data
(computed by sgdsim, not here); every figure is written as FIGDIR/<name>.png and FIGDIR/<name>.svg.

Usage: sgdsim_plot.py FIGDIR. Exit status 0: all drawn; 3: matplotlib is not installed; 1: anything else.
"""
import csv
import json
import math
import os
import sys

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError:
    sys.stderr.write("sgdsim_plot: matplotlib is not installed (Debian: apt-get install python3-matplotlib)\n")
    sys.exit(3)

# Per timeline state: colour and legend text.
STATES = {
    "used": ("#2a9d4b", "compute, result used"),
    "late": ("#f4a261", "compute, result dropped (late)"),
    "interrupted": ("#d62828", "compute, interrupted (cancelled)"),
    "waiting": ("#d9d9d9", "waiting"),
}


def rows(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def number(text):
    return float(text) if text not in ("", None) else math.nan


def grouped(table, key):
    groups = {}
    for r in table:
        groups.setdefault(r[key], []).append(r)
    return groups


def finish(fig, ax, spec, figdir, rect=None):
    ax.set_title(spec.get("title", ""), fontsize=10)
    ax.set_xlabel(spec.get("xlabel", ""))
    ax.set_ylabel(spec.get("ylabel", ""))
    if spec.get("logx"):
        ax.set_xscale("log")
    if spec.get("logy"):
        ax.set_yscale("log")
    ax.grid(True, alpha=0.3)
    save(fig, spec, figdir, rect)


def save(fig, spec, figdir, rect=None):
    fig.tight_layout(rect=rect)
    for ext in ("png", "svg"):
        # A fixed date in the SVG keeps the file the same for the same data.
        metadata = {"Date": None} if ext == "svg" else {"Software": None}
        fig.savefig(os.path.join(figdir, spec["name"] + "." + ext), dpi=120, metadata=metadata)
    plt.close(fig)


def curves(spec, table, figdir):
    """Mean over repetitions with its 95% interval as a band, one line per label."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for label, rs in grouped(table, "label").items():
        if spec.get("logx"):
            rs = [r for r in rs if number(r["x"]) > 0]  # a log axis has no place for the starting point, x = 0
        x = [number(r["x"]) for r in rs]
        y = [number(r["mean"]) for r in rs]
        ci = [number(r["ci95"]) for r in rs]
        (line,) = ax.plot(x, y, label=label, lw=1.4)
        if any(not math.isnan(c) for c in ci):
            lo = [m - (0 if math.isnan(c) else c) for m, c in zip(y, ci)]
            hi = [m + (0 if math.isnan(c) else c) for m, c in zip(y, ci)]
            ax.fill_between(x, lo, hi, color=line.get_color(), alpha=0.2, lw=0)
    ax.legend(fontsize=8)
    finish(fig, ax, spec, figdir)


def cdf(spec, table, figdir):
    """Empirical CDF (steps) beside the closed form (dashed), one colour per label."""
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for label, rs in grouped(table, "label").items():
        emp = [(number(r["t"]), number(r["cdf"])) for r in rs if r["kind"] == "empirical"]
        closed = [(number(r["t"]), number(r["cdf"])) for r in rs if r["kind"] == "closed_form"]
        (line,) = ax.step([t for t, _ in emp], [p for _, p in emp], where="post", label=label + " (run)", lw=1.3)
        if closed:
            ax.plot([t for t, _ in closed], [p for _, p in closed], ls="--", color=line.get_color(),
                    label=label + " (closed form)", lw=1.2)
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8)
    finish(fig, ax, spec, figdir)


def timeline(spec, table, figdir):
    """A bar per task and per wait, one row per worker; iteration ends as vertical lines, arrivals as ticks."""
    workers = sorted({int(r["worker"]) for r in table if int(r["worker"]) >= 0})
    fig, ax = plt.subplots(figsize=(9, 1.2 + 0.32 * max(len(workers), 1)))
    seen = set()
    for r in table:
        w, state, begin, end = int(r["worker"]), r["state"], number(r["begin"]), number(r["end"])
        if state == "iteration_end":
            ax.axvline(begin, color="black", lw=0.6, alpha=0.6)
        elif state == "arrival":
            ax.plot([begin], [w], marker="|", color="black", ms=9)
        else:
            colour, text = STATES[state]
            ax.broken_barh([(begin, end - begin)], (w - 0.38, 0.76), facecolors=colour,
                           label=None if state in seen else text)
            seen.add(state)
    ax.set_yticks(workers)
    ax.set_ylim(-0.7, (max(workers) if workers else 0) + 0.7)
    ax.invert_yaxis()
    fig.legend(fontsize=7, loc="lower center", ncol=4, frameon=False)
    finish(fig, ax, spec, figdir, rect=(0, 0.07, 1, 1))


def bars(spec, table, figdir):
    """Speed-up of each variant over the baseline with its 95% interval."""
    fig, ax = plt.subplots(figsize=(max(4, 0.7 * len(table) + 2), 4))
    labels = [r["label"] for r in table]
    values = [number(r["speedup"]) for r in table]
    errors = [0 if math.isnan(number(r["ci95"])) else number(r["ci95"]) for r in table]
    ax.bar(range(len(labels)), values, yerr=errors, capsize=4, color="#457b9d")
    ax.axhline(1, color="black", lw=0.8)
    ax.set_xticks(range(len(labels)))
    ax.set_xticklabels(labels, rotation=30 if len(labels) > 4 else 0, ha="right" if len(labels) > 4 else "center")
    finish(fig, ax, spec, figdir)


def sweep(spec, table, figdir):
    """The swept value on x: final loss and time (mean ± 95% interval), and final loss against rounds."""
    numeric = all(_is_number(r["value"]) for r in table)
    fig, axes = plt.subplots(1, 3, figsize=(13, 4))
    for group, rs in grouped(table, "group").items():
        xs = [float(r["value"]) if numeric else r["value"] for r in rs]
        label = group or None
        for ax, key in ((axes[0], "final_loss"), (axes[1], "time")):
            ax.errorbar(xs, [number(r[key + "_mean"]) for r in rs],
                        yerr=[0 if math.isnan(number(r[key + "_ci95"])) else number(r[key + "_ci95"]) for r in rs],
                        marker="o", capsize=3, label=label)
        rounds = [number(r["comm_rounds_mean"]) for r in rs]
        losses = [number(r["final_loss_mean"]) for r in rs]
        axes[2].plot(rounds, losses, marker="o", label=label)
        for x, y, r in zip(rounds, losses, rs):
            axes[2].annotate(r["value"], (x, y), fontsize=7, xytext=(3, 3), textcoords="offset points")
    positive = numeric and all(float(r["value"]) > 0 for r in table)
    for ax, ylabel in ((axes[0], "final loss"), (axes[1], spec.get("time_label", "time [s]"))):
        ax.set_xlabel(spec["swept"])
        ax.set_ylabel(ylabel)
        if positive and max(float(r["value"]) for r in table) >= 8 * min(float(r["value"]) for r in table):
            ax.set_xscale("log", base=2)
        ax.grid(True, alpha=0.3)
    axes[2].set_xlabel("communication rounds")
    axes[2].set_ylabel("final loss")
    axes[2].set_xscale("log")
    axes[2].grid(True, alpha=0.3)
    if any(r["group"] for r in table):
        axes[0].legend(fontsize=7)
    fig.suptitle(spec.get("title", ""), fontsize=10)
    save(fig, spec, figdir)


def qq(spec, table, figdir):
    """Observed against fitted quantiles, with the diagonal."""
    fig, ax = plt.subplots(figsize=(5, 5))
    x = [number(r["fitted"]) for r in table]
    y = [number(r["observed"]) for r in table]
    ax.plot(x, y, "o", ms=3, alpha=0.7)
    lo, hi = min(x + y), max(x + y)
    ax.plot([lo, hi], [lo, hi], color="black", lw=0.8)
    finish(fig, ax, spec, figdir)


def _is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False


KINDS = {"curves": curves, "cdf": cdf, "timeline": timeline, "bars": bars, "sweep": sweep, "qq": qq}


def main():
    if len(sys.argv) != 2:
        sys.stderr.write(__doc__)
        return 1
    figdir = sys.argv[1]
    with open(os.path.join(figdir, "figures.json")) as f:
        spec = json.load(f)
    plt.rcParams["svg.hashsalt"] = "sgdsim"  # the same SVG ids for the same figure
    for figure in spec["figures"]:
        KINDS[figure["kind"]](figure, rows(os.path.join(figdir, figure["data"])), figdir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
