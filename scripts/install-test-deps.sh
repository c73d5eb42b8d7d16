#!/usr/bin/env bash
# System packages the tests and benchmarks need, from Debian: chromium for the browser
# tests (Playwright drives /usr/bin/chromium; nothing downloads a browser of its own) and
# wrk, the load generator of the ingestion benchmark.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v wrk >/dev/null 2>&1 || missing+=(wrk)
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  if [ "$(id -u)" != "0" ]; then SUDO="sudo"; fi
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
