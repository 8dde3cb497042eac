#!/usr/bin/env bash
# What the browser tests need beyond Python packages: Debian's Chromium (Playwright cannot
# download browsers here) and axe-core from the npm registry (injected into pages by the tests).
set -euo pipefail
cd "$(dirname "$0")/.."
if [[ ! -x /usr/bin/chromium ]]; then
  if [[ $(id -u) -eq 0 ]]; then
    echo "installing Chromium from Debian packages" >&2
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "warning: /usr/bin/chromium missing and not root; browser tests will be skipped" >&2
  fi
fi
if [[ ! -f build/npm/node_modules/axe-core/axe.min.js ]]; then
  if command -v npm >/dev/null; then
    mkdir -p build/npm
    npm install --silent --no-audit --no-fund --prefix build/npm axe-core@4 >/dev/null
  else
    echo "warning: npm missing; accessibility tests will be skipped" >&2
  fi
fi
