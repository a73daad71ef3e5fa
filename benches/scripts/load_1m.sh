#!/usr/bin/env bash
# Measures loading and validating large synthetic models with a release binary: wall
# time, CPU time and peak memory (`/usr/bin/time -v`) at 100k and 1M elements (five
# relations per element), against the targets of 0.4 s at 100k and 4 s and 3 GB at 1M.
#
#   benches/scripts/load_1m.sh            # 100k and 1M, three runs each
#   RUNS=1 SIZES="100000" benches/scripts/load_1m.sh
#
# The models are written once to $MODELS (default: $CARGO_TARGET_DIR/synth-models,
# about 600 MB) and reused; delete them to regenerate. LOAD_MODEL=path measures a
# load_model binary built elsewhere (a prototype, another commit) instead of building
# this tree's. Exits 1 when a target is missed.
# Wall times are only meaningful on an otherwise idle machine: the CPU time is printed
# next to them for that reason.
set -euo pipefail
cd "$(dirname "$0")/../.."

target_dir=${CARGO_TARGET_DIR:-target}
models=${MODELS:-$target_dir/synth-models}
runs=${RUNS:-3}
sizes=${SIZES:-"100000 1000000"}
seed=${SEED:-1}

if [ ! -x /usr/bin/time ]; then
  echo "installing GNU time for peak memory figures" >&2
  apt-get install -y time >/dev/null
fi

if [ -n "${LOAD_MODEL:-}" ]; then
  bin=$LOAD_MODEL
else
  cargo build --release --locked -p ecograph-benches --bin load_model >&2
  bin=$target_dir/release/load_model
fi
mkdir -p "$models"

# target_for ELEMENTS -> "max_seconds max_megabytes" (0: no target)
target_for() {
  case $1 in
    100000) echo "0.4 0" ;;
    1000000) echo "4 3000" ;;
    *) echo "0 0" ;;
  esac
}

missed=0
printf '%-9s %-10s %-9s %-8s %-8s %-8s %-9s %s\n' elements relations "file MB" "wall s" "load s" "cpu s" "peak MB" verdict
for n in $sizes; do
  file=$models/synth-$n-seed$seed.json
  if [ ! -s "$file" ]; then
    "$bin" generate "$n" "$file.tmp" "$seed" >&2
    mv "$file.tmp" "$file"
  fi
  mb=$(( $(stat -c %s "$file") / 1000000 ))
  read -r max_s max_mb <<<"$(target_for "$n")"
  for _ in $(seq "$runs"); do
    log=$(mktemp)
    out=$(/usr/bin/time -v -o "$log" "$bin" load "$file")
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ { n = split($2, t, ":"); s = 0; for (i = 1; i <= n; i++) s = s * 60 + t[i]; print s }' "$log")
    cpu=$(awk -F': ' '/User time/ { u = $2 } /System time/ { s = $2 } END { printf "%.2f", u + s }' "$log")
    peak=$(awk -F': ' '/Maximum resident set size/ { printf "%d", $2 / 1024 }' "$log")
    rm -f "$log"
    relations=$(sed -n 's/.*relations=\([0-9]*\).*/\1/p' <<<"$out")
    load=$(sed -n 's/.*load_s=\([0-9.]*\).*/\1/p' <<<"$out")
    verdict=ok
    if [ "$max_s" != 0 ] && awk -v a="$load" -v b="$max_s" 'BEGIN { exit !(a > b) }'; then
      verdict="over ${max_s} s"
    fi
    if [ "$max_mb" != 0 ] && [ "$peak" -gt "$max_mb" ]; then
      verdict="$verdict, over ${max_mb} MB"
    fi
    [ "$verdict" = ok ] || missed=1
    printf '%-9s %-10s %-9s %-8s %-8s %-8s %-9s %s\n' "$n" "$relations" "$mb" "$wall" "$load" "$cpu" "$peak" "$verdict"
  done
done
echo "wall s: the whole process under /usr/bin/time; load s: Model::load inside it (read, parse, validate)." >&2
exit "$missed"
