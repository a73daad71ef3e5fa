#!/usr/bin/env bash
# Regenerates the README's diagrams: every view of models/te24.json as SVG in docs/img/
# (named <view-id>.svg) and the TE24 Gantt chart (te24-gantt.svg), drawn by the release
# binary in English.
#   scripts/render-docs.sh           rewrite docs/img/
#   scripts/render-docs.sh --check   fail when the committed copies are out of date
set -euo pipefail
cd "$(dirname "$0")/.."

mode=write
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: scripts/render-docs.sh [--check]" >&2; exit 2 ;;
esac

cargo build --release --locked -q -p ecograph-cli
render() {
  cargo run --release --locked -q -p ecograph-cli -- \
    render models/te24.json --all --lang en --format svg --out "$1"
  # The work plan as a Gantt chart (no --today: the committed copy must not age).
  cargo run --release --locked -q -p ecograph-cli -- \
    schedule models/te24.json --lang en --gantt "$1/te24-gantt.svg" >/dev/null
}

if [ "$mode" = write ]; then
  mkdir -p docs/img
  rm -f docs/img/*.svg
  render docs/img
  echo "wrote $(ls docs/img/*.svg | wc -l) diagrams to docs/img/"
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
render "$tmp"
stale=0
for f in "$tmp"/*.svg; do
  name=$(basename "$f")
  if ! cmp -s "$f" "docs/img/$name"; then
    echo "out of date: docs/img/$name" >&2
    stale=1
  fi
done
for f in docs/img/*.svg; do
  [ -e "$f" ] || continue
  if [ ! -e "$tmp/$(basename "$f")" ]; then
    echo "no longer produced: $f" >&2
    stale=1
  fi
done
if [ "$stale" -ne 0 ]; then
  echo "error: the diagrams in docs/img/ are out of date; run scripts/render-docs.sh and commit them" >&2
  exit 1
fi
echo "docs/img/ is up to date"
