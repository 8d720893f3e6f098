#!/usr/bin/env bash
# sgdsim bounds on the command line: a wrong constant given through `theory` makes a bound VIOLATED (exit 1); run and
# study directories are read back without simulating; JSON and markdown formats; bad combinations exit 2.
set -uo pipefail
sgdsim=$1; src=$2; work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
. "$src/tests/golden/lib.sh"
agc="$src/scenarios/theory-agc.json"

# F* given 0.5 too low: the measured gap F(x_T) - F* grows by 0.5, Theorem 1's bound only by its contracted part.
out=$("$sgdsim" bounds "$agc" --variant agc-c3-r20 --set theory.f_star=-0.49 2>&1); code=$?
[ $code -eq 1 ] || fail "a wrong F* should exit 1, got $code: $out"
grep -q "VIOLATED" <<< "$out" || fail "no VIOLATED in: $out"
grep -q "scenario.theory.f_star" <<< "$out" || fail "the given constant is not named: $out"

# A study directory, simulated once, then checked from its files: the same verdicts as checking while simulating.
"$sgdsim" simulate "$agc" --out "$work/agc" > /dev/null 2>&1 || fail "simulate theory-agc"
out=$("$sgdsim" bounds "$work/agc" --format markdown 2>&1) || fail "bounds on a study directory: $out"
[ "$(grep -c '^| theory-agc-' <<< "$out")" -eq 8 ] || fail "expected 8 theorem rows (4 variants x 2): $out"
grep -q "theory-agc-agc-c3-r6 | AGC Theorem 1.*not applicable: c >= n ln(2)/r fails" <<< "$out" || fail "r = 6: $out"
live=$("$sgdsim" bounds "$agc" --variant egc-c3 --format markdown 2>&1) || fail "bounds egc-c3: $live"
grep -q "$(grep 'theory-agc-egc-c3 | AGC Theorem 2' <<< "$live" | cut -d'|' -f4-6)" <<< "$out" ||
  fail "the run directory's Theorem 2 row differs from the live one: $live -- $out"

# One run directory, JSON.
json=$("$sgdsim" bounds "$work/agc/uncoded" --format json 2>&1) || fail "bounds on a run directory: $json"
grep -q '"id": "agc.theorem2"' <<< "$json" || fail "no agc.theorem2 in the JSON: $json"
grep -q '"kind": "holds"' <<< "$json" || fail "no holding verdict in the JSON: $json"
grep -q "\"run\": \"$work/agc/uncoded\"" <<< "$json" || fail "the JSON does not name the run directory: $json"

# A run directory is checked as it was run.
out=$("$sgdsim" bounds "$work/agc" --set theory.f_star=0 2>&1); [ $? -eq 2 ] || fail "--set with a directory: $out"
out=$("$sgdsim" bounds "$work/agc" --variant nope 2>&1); [ $? -eq 2 ] || fail "--variant nope: $out"
echo "bounds: ok"
