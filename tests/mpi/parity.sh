#!/bin/sh
# Parity of a real run with the simulation of the same scenario: runs `sgdsim simulate` and `MPIRUN... sgdsim run`
# and compares their run directories.
# Usage: parity.sh SGDSIM SCENARIO WORKDIR CHECKS MPIRUN [ARGS... -n N]
# CHECKS, comma-separated:
#   iterates: trace.csv loss and grad_norm and model.csv within 1e-12 relative; comm_rounds, bytes, waited_for and tau
#             equal; the consensus distance and the gradient norm at the average of all models within 1e-9
#             relative (a difference of nearly equal models; a small gradient near the optimum); workers.csv
#             modelled compute times (the straggler draws) and used flags equal.
#   stalled:  both runs end "stalled" (workers failed) with the same reason (its failure time aside), the
#             mpirun one without hanging (ctest's timeout).
#   time:     the real mean iteration time is within 50% + 10 ms of the simulated one (summary.json, every run).
#   diverged: both runs end with status "diverged".
set -u
sgdsim=$1
scenario=$2
work=$3
checks=$4
shift 4
rm -rf "$work"
mkdir -p "$work"
if ! "$sgdsim" simulate "$scenario" --out "$work/sim" >"$work/sim.log" 2>&1; then
  cat "$work/sim.log"
  echo "parity: sgdsim simulate failed" >&2
  exit 1
fi
if ! "$@" "$sgdsim" run "$scenario" --out "$work/mpi" >"$work/mpi.log" 2>&1; then
  cat "$work/mpi.log"
  echo "parity: sgdsim run under mpirun failed" >&2
  exit 1
fi
cat "$work/sim.log" "$work/mpi.log"

# compare FILE_A FILE_B COLUMNS RELTOL ABSTOL (tests/compare_runs.sh)
. "$(dirname "$0")/../compare_runs.sh"

status=0
# Both run directories say where they come from: the real run names the MPI library, the simulation SimGrid's.
if ! grep -q '"mpi": "Open MPI' "$work/mpi/summary.json" || ! grep -q '"simgrid": "3\.' "$work/sim/summary.json"; then
  echo "parity: summary.json does not name the MPI library (real run) or SimGrid's version (simulation)" >&2
  status=1
fi
case ",$checks," in *,iterates,*|*,gradient,*)
  # gradient: loss, gradient norm and final model (an exact decoder gives them whichever tied worker arrived first).
  compare "$work/sim/trace.csv" "$work/mpi/trace.csv" "1 2 4 5" 1e-12 0 || status=1
  compare "$work/sim/model.csv" "$work/mpi/model.csv" "1 2 3" 1e-12 1e-15 || status=1
  ;;
esac
case ",$checks," in *,iterates,*)
  # iterates: also the rounds, bytes, arrivals waited for, taus, consensus distances, modelled compute times and used
  # flags.
  compare "$work/sim/trace.csv" "$work/mpi/trace.csv" "6 7 8" 0 0 || status=1
  # Model averaging's tau, consensus and average_grad_norm columns, where the trace has them.
  column() { head -1 "$work/sim/trace.csv" | tr ',' '\n' | grep -n -x "$1" | cut -d: -f1; }
  tau=$(column tau)
  consensus=$(column consensus)
  average=$(column average_grad_norm)
  [ -z "$tau" ] || compare "$work/sim/trace.csv" "$work/mpi/trace.csv" "$tau" 0 0 || status=1
  [ -z "$consensus" ] || compare "$work/sim/trace.csv" "$work/mpi/trace.csv" "$consensus" 1e-9 1e-300 || status=1
  [ -z "$average" ] || compare "$work/sim/trace.csv" "$work/mpi/trace.csv" "$average" 1e-9 1e-300 || status=1
  workers_sim="$work/sim/workers.csv"
  workers_mpi="$work/mpi/workers.csv"
  case ",$checks," in *,stalled,*)
    # The round that stalled: how far the survivors got before the failure notice ended it is a race in real time.
    # Records up to the last completed round are compared (model averaging: the last row with a tau).
    tau=$(head -1 "$work/sim/trace.csv" | tr ',' '\n' | grep -n -x tau | cut -d: -f1)
    if [ -n "$tau" ]; then
      last=$(awk -F, -v c="$tau" 'NR > 1 && $c != "" { last = $2 } END { print last }' "$work/sim/trace.csv")
    else
      last=$(tail -1 "$work/sim/trace.csv" | cut -d, -f2)
    fi
    awk -F, -v last="$last" 'NR == 1 || $2 <= last' "$workers_sim" >"$work/sim.workers.csv"
    awk -F, -v last="$last" 'NR == 1 || $2 <= last' "$workers_mpi" >"$work/mpi.workers.csv"
    workers_sim="$work/sim.workers.csv"
    workers_mpi="$work/mpi.workers.csv"
    ;;
  esac
  compare "$workers_sim" "$workers_mpi" "1 2 3 5 8" 0 0 || status=1
  ;;
esac
case ",$checks," in *,time,*)
  means() { tr -d ' \n' <"$1" | grep -o '"mean_iteration_time":[-0-9.eE+]*' | cut -d: -f2; }
  means "$work/sim/summary.json" >"$work/sim.means"
  means "$work/mpi/summary.json" >"$work/mpi.means"
  if ! paste "$work/sim.means" "$work/mpi.means" | awk '
      { n++; printf "mean iteration time, run %d: simulated %.6f s, real %.6f s\n", n - 1, $1, $2
        if ($2 == "" || $2 > 1.5 * $1 + 0.010 || $2 < 0.5 * $1) bad++ }
      END { exit n == 0 || bad > 0 }'; then
    echo "parity: real iteration time not within 50% + 10 ms of the simulated one" >&2
    status=1
  fi
  ;;
esac
case ",$checks," in *,stalled,*)
  # The reason up to the failure time, which is the wall clock in a real run; then from the ';' on.
  reason() { tr -d '\n' <"$1" | grep -o '"reason": "[^"]*"' | sed 's/failed at [^;]*;/failed at T;/'; }
  if ! grep -q '"status": "stalled"' "$work/sim/summary.json" || ! grep -q '"status": "stalled"' "$work/mpi/summary.json" ||
      [ "$(reason "$work/sim/summary.json")" != "$(reason "$work/mpi/summary.json")" ]; then
    echo "parity: both runs should end stalled with the same reason" >&2
    status=1
  fi
  ;;
esac
case ",$checks," in *,slow3,*)
  # Worker 3 is 10x slower: in the real run every one of its tasks is cut off (never computed), none is used, and the
  # PS never waited for it (mean iteration time far below the slow worker's task time, checked by "time" above).
  if ! awk -F, 'NR > 1 && $3 == 3 { n++; if ($7 != 0 || $8 != 0 || $9 != 1) bad++ } END { exit n == 0 || bad > 0 }' \
      "$work/mpi/workers.csv"; then
    echo "parity: worker 3's results are not all recorded as dropped in the real run" >&2
    status=1
  fi
  ;;
esac
case ",$checks," in *,diverged,*)
  for side in sim mpi; do
    if ! grep -q '"status": "diverged"' "$work/$side/summary.json"; then
      echo "parity: the $side run did not end as diverged" >&2
      status=1
    fi
  done
  ;;
esac
[ "$status" -eq 0 ] && echo "parity: OK ($checks)"
exit "$status"
