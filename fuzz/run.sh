#!/usr/bin/env bash
# Build the fuzz targets with libFuzzer coverage on the nightly toolchain and run one of them.
# Usage: fuzz/run.sh TARGET SECONDS [libFuzzer flags…]   (TARGET: doc | docx | decode | sheet | report | html)
# Equivalent to `cargo fuzz run TARGET fuzz/seeds/TARGET -- -max_total_time=SECONDS` when
# cargo-fuzz is installed; this script needs only `rustup toolchain install nightly`.
set -euo pipefail
cd "$(dirname "$0")"
target=${1:?doc, docx, decode, sheet, report or html}
seconds=${2:-600}
shift $(( $# < 2 ? $# : 2 ))
triple=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
cargo +nightly build --release --bin "$target" --target "$triple"
mkdir -p "corpus/$target" "artifacts/$target"
"target/$triple/release/$target" "corpus/$target" "seeds/$target" \
  -artifact_prefix="artifacts/$target/" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
  -max_len=262144 -print_final_stats=1 "$@"
