#!/usr/bin/env bash
# System packages the test suite needs: Debian's chromium for the browser tests.
# Nothing downloads a browser of its own; Playwright drives /usr/bin/chromium.
set -euo pipefail
if [ ! -x /usr/bin/chromium ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

# npm clients for the wire-compatibility tests (tests/compat), into a gitignored
# tests/compat/node_modules; the tests skip them when node or npm is missing.
if command -v npm >/dev/null 2>&1; then
  npm install --silent --no-save --no-package-lock --no-audit --no-fund \
    --prefix "$(dirname "$0")/../tests/compat" @umami/node@0.4.0 plausible-tracker@0.3.9
fi
