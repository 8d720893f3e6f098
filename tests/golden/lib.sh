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

# strip_provenance FILE: summary.json / study.json without their "provenance" object (when and where it ran).
strip_provenance() { sed '/^  "provenance": {/,/^  }/d' "$1"; }

# same_study DIR_A DIR_B: the same files, byte for byte (summary.json and study.json apart from their provenance).
same_study() {
  diff <(cd "$1" && find . -type f | sort) <(cd "$2" && find . -type f | sort) > /dev/null ||
    fail "$1 and $2 hold different files: $(diff <(cd "$1" && find . -type f | sort) <(cd "$2" && find . -type f | sort))"
  local f
  while read -r f; do
    case "$f" in
      */summary.json | */study.json)
        cmp -s <(strip_provenance "$1/$f") <(strip_provenance "$2/$f") || fail "$f differs between $1 and $2" ;;
      *) cmp -s "$1/$f" "$2/$f" || fail "$f differs between $1 and $2" ;;
    esac
  done < <(cd "$1" && find . -type f | sort)
}
