#!/usr/bin/env bash
# Sets up a fresh machine for building and testing Foundry Mockups:
#   - the Debian packages the offline VS Code test host and the artefact checks need (as root, or
#     through sudo),
#   - the extension's npm dependencies (npm ci),
#   - the offline VS Code test host (code-server 4.106.3 on Node 22 from the npm registry, whose native
#     modules build from source: hence g++, make and python3) in .vscode-test-host/.
# Idempotent: run it again at any time.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

packages=(chromium libkrb5-dev pkg-config ripgrep g++ make python3 unzip)
if command -v apt-get >/dev/null; then
  missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  if ((${#missing[@]})); then
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    echo "setup: installing Debian packages: ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "setup: no apt-get here; make sure chromium, libkrb5-dev, pkg-config, ripgrep, g++, make, python3 and unzip are installed" >&2
fi

npm ci --no-audit --no-fund
bash test/host/install.sh
echo "setup: done. Run the tests with: npm test"
