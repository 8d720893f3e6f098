"""Runs every peer case: sgdsim simulates each scenario while the peer computes it; exits 1 on any disagreement.

Usage: main.py SGDSIM WORKDIR. One line per case: OK/FAIL, its name, the largest relative difference per column.
"""
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import cases_averaging
import cases_server
import data as datasets
from peer import TOLERANCE, compare, simulate


def main(binary, workdir):
    os.makedirs(os.path.join(workdir, "scenarios"), exist_ok=True)
    data = datasets.generate(os.path.join(workdir, "data"))
    cases = (cases_averaging.cases(data) + cases_server.cases(data) + cases_averaging.big_cases(data) +
             cases_server.big_cases(data))
    names = [c.name for c in cases]
    assert len(set(names)) == len(names), "case names must be unique (they name the run directories)"
    failed = []
    # Two sgdsim processes at a time (the test machines have 2 cores); the peers run here meanwhile.
    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = [pool.submit(simulate, binary, workdir, c.name, c.scenario) for c in cases]
        for case, run in zip(cases, runs):
            expected = case.peer()
            try:
                outcome = compare(*run.result(), expected, case.iterations)
            except RuntimeError as e:
                failed.append(case.name)
                print(f"FAIL {case.name}: {e}")
                continue
            columns = " ".join(f"{k} {v:.1e}" for k, v in outcome.worst.items())
            print(f"{'FAIL' if outcome.problems else 'OK  '} {case.name:32s} {columns} "
                  f"({sum(outcome.compared.values())} values)")
            for problem in outcome.problems:
                print(f"     {problem}")
            if outcome.problems:
                failed.append(case.name)
    print(f"{len(cases) - len(failed)} of {len(cases)} cases agree with sgdsim within {TOLERANCE:g} (relative)")
    if failed:
        print("disagreeing: " + " ".join(failed), file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit("usage: main.py SGDSIM WORKDIR")
    sys.exit(main(sys.argv[1], sys.argv[2]))
