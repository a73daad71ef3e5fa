#!/usr/bin/env bash
# The README's main command, run by CI exactly as a newcomer would run it: every view of
# the TE24 model as SVG in out/te24/ (the model is checked on the way: an invalid model
# exits 1).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release -p ecograph-cli -- render models/te24.json --all --out out/te24
test "$(ls out/te24/*.svg | wc -l)" -ge 15
