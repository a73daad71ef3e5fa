#!/usr/bin/env bash
# Regenerates the README's screenshots of the HTML report (docs/img/report-overview.png
# and docs/img/report-view.png). The browser tests take them, in the same headless
# Chromium they test the report in, when ECOGRAPH_SCREENSHOTS names a directory.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v chromedriver >/dev/null 2>&1 || { echo "error: chromedriver is missing: run bash scripts/test.sh once (it installs chromium-driver)" >&2; exit 1; }
ECOGRAPH_SCREENSHOTS="$PWD/docs/img" cargo test -p ecograph-report --test it browser:: -- --quiet
ls -l docs/img/report-overview.png docs/img/report-view.png
