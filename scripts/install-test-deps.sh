#!/usr/bin/env bash
# What the tests and benchmarks need beyond PyPI, from Debian and npm: chromium for the
# browser tests (Playwright drives /usr/bin/chromium; nothing downloads a browser of its
# own), wrk for the ingestion benchmark, Node.js with npm for the official JavaScript
# clients that the compatibility tests drive (tests/compat/package-lock.json pins them).
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
command -v node >/dev/null 2>&1 || missing+=(nodejs)
command -v npm >/dev/null 2>&1 || missing+=(npm)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
npm ci --prefix tests/compat --no-audit --no-fund --loglevel=error >/dev/null
