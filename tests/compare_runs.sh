# Shared by the parity scripts (POSIX sh, sourced): compares two CSV files of run directories column by column.
# compare FILE_A FILE_B "COLUMNS" RELTOL ABSTOL: the same number of lines, and the given columns (1-based, space-
# separated) equal to |a−b| ≤ rel·max(|a|,|b|) + abs. Prints up to 5 differing cells (A's value first); returns 1 on any.
# COMPARE_A / COMPARE_B name the two sides in messages (default "simulated" / "real").
compare() {
  awk -F, -v cols="$3" -v rel="$4" -v abs="$5" -v label="$(basename "$1")" \
      -v name_a="${COMPARE_A:-simulated}" -v name_b="${COMPARE_B:-real}" '
    NR == FNR { a[FNR] = $0; na = FNR; next }
    {
      nb = FNR
      if (!(FNR in a)) next
      split(a[FNR], x, ",")
      n = split(cols, c, " ")
      for (i = 1; i <= n; i++) {
        k = c[i]; u = x[k]; v = $k
        if (u == v) continue
        if (u == "" || v == "") { d = 1; s = 0 } else {
          d = u - v; if (d < 0) d = -d
          s = u < 0 ? -u : u; t = v < 0 ? -v : v; if (t > s) s = t
        }
        if (d > rel * s + abs) {
          bad++
          if (bad <= 5) printf "%s line %d column %d: %s %s, %s %s\n", label, FNR, k, name_a, u, name_b, v
        }
      }
    }
    END {
      if (na != nb) { printf "%s: %d lines %s, %d %s\n", label, na, name_a, nb, name_b; bad++ }
      exit bad > 0
    }' "$1" "$2"
}
