#!/usr/bin/env bash
# ζ = max(|λ₂(W)|, |λ_{m+v}(W)|) of each variant of cooperative-topologies (16 workers) in summary.json, study.csv,
# study.json and the study table, against closed forms: W = J 0; ring, uniform 1/3: 1/3 + (2/3)cos(2π/16); 4×4 torus,
# uniform 1/5: (1 + 2cos(π/2) + 2)/5 = 0.6; EASGD's W_α: max(1 − α, |1 − (m+1)α|) = 0.94375 at α = 0.05625.
set -euo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
cd "$work"
"$sgdsim" simulate "$src/scenarios/cooperative-topologies.json" -q --out out --set stop.iterations=4 > table.txt
ring=$(awk 'BEGIN { printf "%.17g", 1 / 3 + 2 / 3 * cos(2 * atan2(0, -1) / 16) }')
zeta_column() {  # the zeta of LABEL in study.csv
  awk -F, -v label="$1" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "zeta") c = i; next } $1 == label { print $c }' \
    out/study.csv
}
for pair in complete:0 ring:$ring torus:0.6 easgd:0.94375 dpsgd:$ring; do
  label=${pair%%:*}; want=${pair#*:}
  got=$(zeta_column "$label")
  awk -v a="$got" -v b="$want" 'BEGIN { d = a - b; exit !(a != "" && d <= 1e-12 && d >= -1e-12) }' ||
    fail "$label: study.csv zeta $got, expected $want"
  summary=$(grep -o '"zeta": [^,}]*' "out/$label/summary.json" | awk '{ print $2 }')
  awk -v a="$summary" -v b="$got" 'BEGIN { exit !(a != "" && a - b <= 1e-15 && b - a <= 1e-15) }' ||
    fail "$label: summary.json zeta '$summary' is not study.csv's $got"
  grep -q "\"zeta\": " out/study.json || fail "study.json has no zeta"
  # The table prints 4 significant digits.
  grep -E "^$label +" table.txt | grep -qF " $(printf '%.4g' "$want") " || fail "$label: table row lacks zeta: $(grep -E "^$label" table.txt)"
done
head -1 table.txt | grep -q ' zeta ' || fail "the study table has no zeta column"
echo "cooperative_zeta: ok"
