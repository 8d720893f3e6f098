#!/usr/bin/env bash
# Peer implementations (numpy, from the papers; main.py) against sgdsim: every algorithm's trace and final model on
# the same data and random streams, within 1e-12 relative. Usage: peer.sh SGDSIM SRC. Skipped (77) without
# /usr/bin/python3 or its numpy (Debian's python3-numpy; a python3 earlier on PATH may not see Debian's packages).
set -euo pipefail
sgdsim=$1; src=$2
. "$src/tests/golden/lib.sh"
python=/usr/bin/python3
[ -x "$python" ] || { echo "no $python: skipped (install python3-numpy)"; exit 77; }
"$python" -c 'import numpy' 2> /dev/null || { echo "no numpy for $python: skipped (install python3-numpy)"; exit 77; }
[ -x "$sgdsim" ] || fail "no sgdsim binary at $sgdsim"
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
# -B: no __pycache__ written into the source tree.
"$python" -B "$src/tests/golden/peer/main.py" "$sgdsim" "$work" ||
  fail "sgdsim and the peer implementations disagree (the FAIL lines above; to rerun and keep the run directories:" \
       "$python -B $src/tests/golden/peer/main.py $sgdsim DIR)"
