# Shared shell helpers of the command-line tests: failure reporting and numeric comparison of CSV columns.
fail() { echo "FAIL: $*" >&2; exit 1; }

# expect CODE PATTERN -- command...: the command exits with CODE and its output (stdout and stderr) matches PATTERN.
expect() {
  local code=$1 pattern=$2 out got; shift 3
  out=$("$@" 2>&1); got=$?
  [ "$got" -eq "$code" ] || fail "exit $got (expected $code) from: $* -- ${out:0:400}"
  grep -q -- "$pattern" <<< "$out" || fail "message lacks '$pattern' from: $* -- ${out:0:400}"
}

# max_rel_diff FILE_A FILE_B COLUMN: the largest |a−b|/max(|a|,|b|,1e-300) over rows (header skipped, same row count).
max_rel_diff() {
  paste -d, "$1" "$2" | awk -F, -v c="$3" -v n="$(head -1 "$1" | awk -F, '{print NF}')" '
    NR > 1 { a = $c; b = $(c + n); if (a == "" && b == "") next;
             d = a - b; if (d < 0) d = -d; m = (a < 0 ? -a : a); mb = (b < 0 ? -b : b); if (mb > m) m = mb;
             if (m < 1e-300) m = 1e-300; r = d / m; if (r > worst) worst = r }
    END { printf "%.3g\n", worst + 0 }'
}
