#!/usr/bin/env bash
# Installs elkjs (ELK Layered for node) for the layout_vs_peers benchmark from
# benches/elk/package-lock.json, and Graphviz when `dot` is missing.
set -euo pipefail
cd "$(dirname "$0")/../elk"
if ! command -v dot >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq graphviz >/dev/null
fi
command -v node >/dev/null 2>&1 || { echo "error: node is required to run ELK" >&2; exit 1; }
want=$(sed -n 's/.*"elkjs": "\([0-9.]*\)".*/\1/p' package.json)
have=$(sed -n 's/^  "version": "\(.*\)",$/\1/p' node_modules/elkjs/package.json 2>/dev/null || true)
if [ "$want" != "$have" ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
