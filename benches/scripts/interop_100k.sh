#!/usr/bin/env bash
# Wall time, CPU time and peak memory of `ecograph export` / `ecograph import` on a
# 100k-element synthetic model, beside two references measured in the same run:
# `ecograph check` of the same model (reading and validating the file) and copying a
# file as large as the exchange file with `dd conv=fsync` (what the disk alone costs:
# every file ecograph writes is synced before it is renamed into place). Each line
# gives its ratio to both references' wall time and to the check's CPU time, and its
# peak memory as a multiple of the file it writes (export) or reads (import). Needs GNU
# time (/usr/bin/time). ECOGRAPH=path measures another build of the binary (to compare
# two builds in one run, at the same load).
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release -q -p ecograph-cli -p ecograph-benches
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
./target/release/load_model generate 100000 "$dir/m.json" 1 >/dev/null
E=${ECOGRAPH:-./target/release/ecograph}
size() { du -sb "$1" | awk '{print $1}'; }
ref_wall=1
ref_cpu=1
disk_wall=0
measure() {
  local label=$1 file=$2; shift 2
  /usr/bin/time -f "%e %U %S %M" -o "$dir/t" "$@" >/dev/null 2>&1 || true
  read -r wall user sys kib <"$dir/t"
  local cpu bytes
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')
  if [ "$label" = "check (reference)" ]; then ref_wall=$wall; ref_cpu=$cpu; fi
  if [ "$label" = "dd fsync (reference)" ]; then disk_wall=$wall; fi
  bytes=$(size "$file")
  awk -v l="$label" -v w="$wall" -v u="$user" -v s="$sys" -v k="$kib" -v b="$bytes" \
    -v rw="$ref_wall" -v rc="$ref_cpu" -v dw="$disk_wall" -v c="$cpu" 'BEGIN {
      d = dw > 0 ? sprintf("%4.1fx dd", w / dw) : "    - dd"
      printf "%-20s %6.2f s wall (%5.1fx check, %s), %5.2f s user + %5.2f s sys (%5.1fx check), %5.0f MB peak = %4.2fx the %.0f MB file\n",
        l, w, w / rw, d, u, s, c / rc, k * 1024 / 1e6, k * 1024 / b, b / 1e6 }'
}
measure "check (reference)" "$dir/m.json" $E check "$dir/m.json"
# The disk reference copies a file as large as the exchange file: one export first.
$E export "$dir/m.json" --format archimate --out "$dir/m.xml"
measure "dd fsync (reference)" "$dir/copy.xml" dd if="$dir/m.xml" of="$dir/copy.xml" bs=1M conv=fsync
rm -f "$dir/copy.xml"
measure "export archimate" "$dir/m.xml" $E export "$dir/m.json" --format archimate --out "$dir/m.xml"
measure "import archimate" "$dir/m.xml" $E import "$dir/m.xml" --from archimate --out "$dir/back.json"
measure "export csv" "$dir/csv" $E export "$dir/m.json" --format csv --out "$dir/csv"
measure "import csv" "$dir/csv" $E import "$dir/csv" --from csv --out "$dir/back2.json"
measure "export graphml" "$dir/m.graphml" $E export "$dir/m.json" --format graphml --out "$dir/m.graphml"
cmp -s <($E fmt "$dir/m.json") "$dir/back.json" && echo "archimate round trip: identical"
cmp -s <($E fmt "$dir/m.json") "$dir/back2.json" && echo "csv round trip: identical"
