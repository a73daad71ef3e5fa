#!/usr/bin/env bash
# The README's main command, for CI: check the TE24 model (more steps join as they land).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo run --release --locked -q -p ecograph-cli -- check models/te24.json
