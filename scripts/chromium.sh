#!/usr/bin/env bash
# Installs Debian's chromium for the browser test of the HTML drift report (test/e2e/drift-browser.test.ts),
# if it is not there. playwright-core drives it at /usr/bin/chromium; no tool downloads a browser.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
  exit 0
fi
sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo)
echo "== chromium: installing Debian's chromium"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends chromium >/dev/null
echo "== chromium: $(/usr/bin/chromium --version 2>/dev/null | head -1)"
