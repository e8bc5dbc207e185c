#!/usr/bin/env bash
# One-time setup of a fresh Debian machine with Node/npm and root:
# Deno 2.9.6 from npm; Debian's mesa-vulkan-drivers so WebGPU has a Vulkan adapter (lavapipe) on
# machines without a GPU; Debian's chromium for `deno task test:browser` (WebGPU through
# SwiftShader). Packages already present are left alone, so a second run installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
missing=()
for pkg in mesa-vulkan-drivers chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
if [ ! -x node_modules/.bin/deno ] || ! node_modules/.bin/deno --version | grep -q '^deno 2.9.6'; then
  npm install --no-save --no-audit --no-fund deno@2.9.6 >/dev/null
fi
node_modules/.bin/deno --version | head -1
