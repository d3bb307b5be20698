#!/usr/bin/env bash
# The browser test drives Debian's chromium (/usr/bin/chromium) with playwright-core: this installs
# it from the distribution's packages when it is missing. Never a browser download.
set -euo pipefail
CHROMIUM=/usr/bin/chromium
if [ -x "$CHROMIUM" ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "The browser test needs $CHROMIUM. Install it as root:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y chromium" >&2
  exit 1
fi
if ! command -v apt-get >/dev/null; then
  echo "The browser test needs $CHROMIUM, and this machine has no apt-get: install Chromium there." >&2
  exit 1
fi
echo "Installing chromium for the browser test (apt-get)..."
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
"$CHROMIUM" --version
