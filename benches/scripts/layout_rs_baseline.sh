#!/usr/bin/env bash
# layout-rs 0.1.3 against the embedded layout on the layout_vs_peers graphs, each run
# limited to LIMIT seconds (default 60): layout-rs's time grows exponentially.
set -uo pipefail
cd "$(dirname "$0")/../.."
LIMIT=${LIMIT:-60}
cargo build --release --locked -q -p ecograph-benches --bin layout_rs_baseline
run() { cargo run --release --locked -q -p ecograph-benches --bin layout_rs_baseline -- "$@"; }
printf 'family\tnodes\tedges\tlayout-rs\tecograph\n'
for family in random short-edge; do
  for n in 20 50 80 90 100 200; do
    if ! timeout "$LIMIT" bash -c "$(declare -f run); run $family $n"; then
      printf '%s\t%s\t-\tover %s s (stopped)\t-\n' "$family" "$n" "$LIMIT"
      break
    fi
  done
done
