#!/usr/bin/env bash
# Wall time and peak memory of `ecograph export` / `ecograph import` on a 100k-element
# synthetic model, beside `ecograph check` of the same model (reading and validating the
# file) as the same run's reference. Needs GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p ecograph-cli -p ecograph-benches
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
./target/release/load_model generate 100000 "$dir/m.json" 1
E=./target/release/ecograph
measure() {
  local label=$1; shift
  /usr/bin/time -f "%e s wall, %U s user, %M KiB peak" -o "$dir/t" "$@" >/dev/null 2>&1 || true
  printf '%-28s %s\n' "$label" "$(cat "$dir/t")"
}
ls -l "$dir/m.json" | awk '{printf "model JSON: %.1f MB\n", $5/1e6}'
measure "check (reference)" $E check "$dir/m.json"
measure "export archimate" $E export "$dir/m.json" --format archimate --out "$dir/m.xml"
ls -l "$dir/m.xml" | awk '{printf "exchange file: %.1f MB\n", $5/1e6}'
measure "import archimate" $E import "$dir/m.xml" --from archimate --out "$dir/back.json"
measure "export csv" $E export "$dir/m.json" --format csv --out "$dir/csv"
measure "import csv" $E import "$dir/csv" --from csv --out "$dir/back2.json"
cmp -s <($E fmt "$dir/m.json") "$dir/back.json" && echo "round trip: identical"
