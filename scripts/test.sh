#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs every test.
# It fails (never skips) when a tool the tests need cannot be had.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (the tests feed DOT output to real Graphviz)" >&2
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v dot >/dev/null 2>&1 || { echo "error: Graphviz 'dot' is required by the tests and could not be installed" >&2; exit 1; }

export INSTA_UPDATE="${INSTA_UPDATE:-no}"
cargo test --workspace --locked "$@"
