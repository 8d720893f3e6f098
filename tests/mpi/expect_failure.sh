#!/bin/sh
# Runs a command that must fail: passes if it exits non-zero and its output contains the expected text.
# Usage: expect_failure.sh "expected text" command args...
expected="$1"
shift
output=$("$@" 2>&1)
rc=$?
printf '%s\n' "$output"
if [ "$rc" -eq 0 ]; then
  echo "expect_failure: the command succeeded (exit 0), expected a failure" >&2
  exit 1
fi
if ! printf '%s\n' "$output" | grep -qF -- "$expected"; then
  echo "expect_failure: exit $rc but the output lacks: $expected" >&2
  exit 1
fi
echo "expect_failure: failed as expected (exit $rc)"
