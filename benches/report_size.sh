#!/usr/bin/env bash
# Peak memory (RSS) and wall time of `baogao check` and `baogao build` against the report's size,
# up to the 12 MB cap (issue 15 item 2; a size past the cap is refused before reading). Reports are made from the Wuyang report: its title, then
# its body repeated; and single-line reports (the whole body joined into one line, repeated).
# Usage: benches/report_size.sh [SIZES_MB…]   (default: 1 2 4 8 11.9); needs a release build and
# GNU time. Prints one table row per run.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=target/release/baogao
[ -x "$bin" ] || cargo build --release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
src=input/wuyang-2024/report.txt
python3 - "$src" "$work" "${@:-1 2 4 8 11.9}" <<'PY'
import sys
src, work, sizes = sys.argv[1], sys.argv[2], " ".join(sys.argv[3:]).split()
lines = open(src, encoding="utf-8").read().split("\n")
title_at = next(i for i, l in enumerate(lines) if l.strip().endswith(("报告", "報告")))
head, body = "\n".join(lines[: title_at + 1]) + "\n", "\n".join(lines[title_at + 1 :]) + "\n"
one_line = body.replace("\n", "") + "\n"
for mb in sizes:
    n = int(float(mb) * 2**20)
    for kind, unit in (("lines", body), ("one-line", one_line)):
        b = unit.encode()
        reps = max(1, (n - len(head.encode())) // len(b))
        text = head + (unit if kind == "lines" else unit.rstrip("\n")) * reps + "\n"
        open(f"{work}/{kind}-{mb}MB.txt", "w", encoding="utf-8").write(text)
PY
printf '| report | bytes | command | peak RSS | wall |\n|---|---|---|---|---|\n'
for f in $(ls "$work"/*.txt | sort -V); do
  size=$(stat -c %s "$f")
  for cmd in check build; do
    args=("$cmd" "$f")
    [ "$cmd" = build ] && args+=(-o "$work/out")
    /usr/bin/time -f '%M %e' -o "$work/time" "$bin" "${args[@]}" >/dev/null 2>"$work/err" || true
    read -r rss wall < <(tail -1 "$work/time")
    printf '| %s | %s | %s | %s MB | %s s |\n' "$(basename "$f")" "$size" "$cmd" "$((rss / 1024))" "$wall"
    rm -rf "$work/out"
  done
done
