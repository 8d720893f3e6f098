#!/usr/bin/env bash
# Regenerates the generated blocks of docs/theory.md: the verdict table (`sgdsim bounds --format markdown` on every
# variant of scenarios/theory-*.json) and the AGC r-sweep (`sgdsim simulate scenarios/agc-r-sweep.json`).
# Usage: tools/theory_table.sh [SGDSIM_BINARY] [DOC]. Fails (and leaves the doc alone) when a bound is VIOLATED.
set -euo pipefail
bin=${1:-build/apps/sgdsim}
doc=${2:-docs/theory.md}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

{
  "$bin" bounds scenarios/theory-agc.json --no-simulate --format markdown | head -2
  # Each file's rows for the paper it is built for (`sgdsim bounds` prints the other papers' verdicts too).
  for pair in lupa:"LUPA-SGD|ADA-LUPA" cooperative:"Cooperative SGD" ri-sgd:"RI-SGD" agc:"AGC"; do
    file=scenarios/theory-${pair%%:*}.json
    for label in $("$bin" check "$file" | sed -n 's/^# variant //p'); do
      "$bin" bounds "$file" --variant "$label" --format markdown | tail -n +3 | grep -E "^\| [^|]* \| (${pair#*:})"
    done
  done
} > "$work/table.md"

{
  echo "Rerun of \`scenarios/agc-r-sweep.json\` (\`sgdsim simulate\`, simulated seconds; speed-up over EGC by time to target):"
  echo
  echo '```'
  "$bin" simulate scenarios/agc-r-sweep.json --out "$work/r-sweep" | grep -v '^run director'
  echo '```'
} > "$work/r-sweep.md"

# Replaces the lines between <!-- NAME:begin --> and <!-- NAME:end --> with the file's contents.
replace_block() {
  awk -v name="$1" -v file="$2" '
    $0 == "<!-- " name ":begin -->" { print; while ((getline line < file) > 0) print line; skip = 1; next }
    $0 == "<!-- " name ":end -->" { skip = 0 }
    !skip { print }' "$doc" > "$work/doc.md"
  cp "$work/doc.md" "$doc"
}
replace_block theory-table "$work/table.md"
replace_block r-sweep "$work/r-sweep.md"
echo "updated $doc"
