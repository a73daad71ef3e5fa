#!/usr/bin/env bash
# The test command from the README: installs what the tests need, then runs every test.
# It fails (never skips) when a tool the tests need cannot be had:
# - Graphviz `dot`: DOT output is fed to real Graphviz;
# - Node.js, Debian's Chromium and mermaid-cli (pinned in tools/npm/package-lock.json):
#   every Mermaid output is rendered by the real Mermaid;
# - Debian's chromium-driver: the HTML report is driven in headless Chromium;
# - util-linux's `prlimit`: a render is run with few file descriptors;
# - zsh and fish (bash is there already): `ecograph completions` scripts are loaded by
#   their real shells.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; else SUDO=; fi
need_apt=()
command -v dot >/dev/null 2>&1 || need_apt+=(graphviz)
[ -x /usr/bin/chromium ] || need_apt+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need_apt+=(chromium-driver)
command -v node >/dev/null 2>&1 || need_apt+=(nodejs)
command -v npm >/dev/null 2>&1 || need_apt+=(npm)
command -v prlimit >/dev/null 2>&1 || need_apt+=(util-linux)
command -v zsh >/dev/null 2>&1 || need_apt+=(zsh)
command -v fish >/dev/null 2>&1 || need_apt+=(fish)
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "installing ${need_apt[*]} (real consumers of the tests' outputs)" >&2
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi
command -v dot >/dev/null 2>&1 || { echo "error: Graphviz 'dot' is required by the tests and could not be installed" >&2; exit 1; }
[ -x /usr/bin/chromium ] || { echo "error: Chromium is required by the Mermaid tests and could not be installed" >&2; exit 1; }
command -v chromedriver >/dev/null 2>&1 || { echo "error: chromedriver (Debian chromium-driver) is required by the report's browser tests and could not be installed" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "error: Node.js is required by the Mermaid tests and could not be installed" >&2; exit 1; }
command -v prlimit >/dev/null 2>&1 || { echo "error: prlimit (util-linux) is required by the file-descriptor limit test and could not be installed" >&2; exit 1; }
for sh in bash zsh fish; do
  command -v "$sh" >/dev/null 2>&1 || { echo "error: $sh is required by the completion tests and could not be installed" >&2; exit 1; }
done

# mermaid-cli from the npm registry, exactly as locked; the browser is Debian's, so
# puppeteer must not download its own. Reinstalled only when the lock file changed.
stamp=tools/npm/node_modules/.ecograph-installed-lock
if ! cmp -s tools/npm/package-lock.json "$stamp" 2>/dev/null; then
  echo "installing mermaid-cli (npm ci --prefix tools/npm)" >&2
  PUPPETEER_SKIP_DOWNLOAD=1 npm ci --prefix tools/npm --no-audit --no-fund --loglevel=error >&2
  cp tools/npm/package-lock.json "$stamp"
fi
export ECOGRAPH_MMDC="$PWD/tools/npm/node_modules/.bin/mmdc"
export ECOGRAPH_CHROMIUM=/usr/bin/chromium
[ -x "$ECOGRAPH_MMDC" ] || { echo "error: mermaid-cli is required by the tests and could not be installed" >&2; exit 1; }

export INSTA_UPDATE="${INSTA_UPDATE:-no}"
cargo test --workspace --locked "$@"
