#!/usr/bin/env bash
# The adversarial benchmark of issue #10: every command on every hostile shape, timed
# and measured under limits, with the budget (see benches/src/bin/adversarial.rs).
#   benches/scripts/adversarial.sh [adversarial's options, e.g. --sizes 10000,100000,1000000]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked -p ecograph-cli -p ecograph-benches --bin ecograph --bin adversarial
exec nice -n 10 target/release/adversarial --timeout 60 "$@"
