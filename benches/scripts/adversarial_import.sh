#!/usr/bin/env bash
# Hostile inputs for `ecograph import` (exchange files, CSV folders) and hostile models
# for `ecograph export`, one shape per dimension, timed under limits at each size (see
# benches/src/bin/adversarial_import.rs; `--list` names the shapes).
#   benches/scripts/adversarial_import.sh [options, e.g. --sizes 10000,100000 --shapes x-deep-folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo build --release --locked -p ecograph-cli -p ecograph-benches --bin ecograph --bin adversarial_import
exec nice -n 10 target/release/adversarial_import --timeout 60 "$@"
