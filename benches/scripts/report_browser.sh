#!/usr/bin/env bash
# How soon a 10,000-element model's HTML report is searchable in headless Chromium
# (target: within 2 s of opening). Chromium opens the report at a search route
# (`#/elements?q=...`, which parses the data, builds the index and lists the hits) and
# dumps the DOM once the page has loaded; the same run opens an empty page as the
# reference, so the difference is the report's own cost. Each is run 5 times; the
# medians are printed. Needs chromium (scripts/test.sh installs it).
set -euo pipefail
cd "$(dirname "$0")/../.."
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cargo build -q --release -p ecograph-cli -p ecograph-benches --bin ecograph --bin load_model
./target/release/load_model generate 10000 "$dir/m10k.json" >/dev/null
start=$(date +%s.%N)
./target/release/ecograph report "$dir/m10k.json" --out "$dir/m10k.html"
end=$(date +%s.%N)
echo "generated $(stat -c %s "$dir/m10k.html") bytes in $(echo "$end - $start" | bc) s"
echo '<!DOCTYPE html><title>empty</title><p>empty' > "$dir/empty.html"
# A name fragment that occurs in the synthetic names (folded: no accents, lower case).
query=$(python3 -c "import json,sys,unicodedata; m=json.load(open(sys.argv[1])); n=m['elements'][4321]['name']; n=n.get('fi',next(iter(n.values()))) if isinstance(n,dict) else n; print(''.join(c for c in unicodedata.normalize('NFD',n) if not unicodedata.combining(c)).lower().split()[0])" "$dir/m10k.json")
run() { # URL -> seconds; the DOM goes to $dir/dom.html
  local s e
  s=$(date +%s.%N)
  chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$dir/profile" --dump-dom "$1" > "$dir/dom.html" 2>/dev/null
  e=$(date +%s.%N)
  echo "$e - $s" | bc
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ref=$(for _ in 1 2 3 4 5; do run "file://$dir/empty.html"; done | median)
rep=$(for _ in 1 2 3 4 5; do run "file://$dir/m10k.html#/elements?q=$query"; done | median)
hits=$(grep -o '<li><a href="#/element/' "$dir/dom.html" | wc -l)
[ "$hits" -gt 0 ] || { echo "error: the search for '$query' listed nothing" >&2; exit 1; }
echo "search '$query': $hits hits listed"
echo "open empty page (reference): ${ref} s"
echo "open the 10k report and search: ${rep} s"
echo "report's own cost: $(echo "$rep - $ref" | bc) s; ratio to the empty page: $(echo "scale=2; $rep / $ref" | bc)"
