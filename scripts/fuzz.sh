#!/usr/bin/env bash
# Coverage-guided fuzzing with cargo-fuzz (libFuzzer) on the stable toolchain.
#
#   scripts/fuzz.sh [TARGET|all] [SECONDS | runs=N]     default: all 30
#   scripts/fuzz.sh list                                 the targets
#
# Each target runs for SECONDS (or N executions) from its corpus in fuzz/corpus/TARGET,
# seeded by fuzz/seeds.py from models/ and the test fixtures. A crash stops the script
# with exit 1; the crashing input is in fuzz/artifacts/TARGET/ (see docs/reliability.md
# for turning it into a fixture). The last line of each run is its execution count.
#
# Stable toolchain: `cargo fuzz ... -s none` builds without a sanitizer, so no `-Z` flag
# is needed (sanitizer coverage itself is set with the stable `-Cpasses` and
# `-Cllvm-args`). Debug assertions are on (`-a`) so integer overflow panics. With a
# nightly toolchain, drop `-s none` to add AddressSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

CARGO_FUZZ_VERSION=0.13.1
target=${1:-all}
budget=${2:-30}

if ! cargo fuzz --version 2>/dev/null | grep -q "$CARGO_FUZZ_VERSION"; then
  echo "installing cargo-fuzz $CARGO_FUZZ_VERSION" >&2
  cargo install cargo-fuzz --version "$CARGO_FUZZ_VERSION" --locked
fi
command -v c++ >/dev/null || { echo "error: a C++ compiler is needed to build libFuzzer" >&2; exit 1; }

targets=$(sed -n 's/^name = "\(.*\)"$/\1/p' fuzz/Cargo.toml | grep -v '^ecograph-fuzz$')
if [ "$target" = list ]; then echo "$targets"; exit 0; fi
if [ "$target" = all ]; then run=$targets; else run=$target; fi
for t in $run; do
  grep -qx "$t" <<<"$targets" || { echo "error: no fuzz target \`$t\` (have: $(echo $targets))" >&2; exit 2; }
done

case $budget in
  runs=*) limit="-runs=${budget#runs=}" ;;
  *[!0-9]*|'') echo "error: the budget is SECONDS or runs=N, not \`$budget\`" >&2; exit 2 ;;
  *) limit="-max_total_time=$budget" ;;
esac

python3 fuzz/seeds.py fuzz/corpus >/dev/null
flags=(-s none -O -a --fuzz-dir fuzz)
cargo fuzz build "${flags[@]}"

for t in $run; do
  echo "=== fuzz $t ($budget)"
  mkdir -p "fuzz/artifacts/$t"
  log="fuzz/artifacts/$t/last.log"
  # -timeout: one input taking 10 s is a hang; -rss_limit_mb: more is a memory blow-up.
  if ! cargo fuzz run "${flags[@]}" "$t" "fuzz/corpus/$t" -- \
      "$limit" -dict=fuzz/ecograph.dict -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
      -print_final_stats=1 >"$log" 2>&1; then
    tail -n 60 "$log" >&2
    echo "error: fuzz target \`$t\` failed; the input is in fuzz/artifacts/$t/" >&2
    exit 1
  fi
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  echo "$t: ${execs:-?} executions, no crash"
done
