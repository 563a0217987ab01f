#!/usr/bin/env bash
# Installs the offline VS Code test host (code-server 4.100.x, the newest line that runs on Node 20)
# into .vscode-test-host/ at the repository root. Idempotent: a second run with the same lockfile
# does nothing. Needs the Debian packages chromium, libkrb5-dev, pkg-config and ripgrep
# (.ci/run installs them). See ../shared/reference/vscode-test-host.md.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dest="$root/.vscode-test-host"
spec="$here/code-server"
stamp="$dest/.installed"

fingerprint() { cat "$spec/package.json" "$spec"/package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1 || true; }
want="$(fingerprint)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$dest/node_modules/.bin/code-server" ]]; then
  echo "test host: code-server already installed in $dest"
  exit 0
fi

for tool in rg chromium pkg-config; do
  command -v "$tool" >/dev/null || { echo "test host: '$tool' is missing; install the Debian packages chromium libkrb5-dev pkg-config ripgrep" >&2; exit 1; }
done

mkdir -p "$dest"
cp "$spec/package.json" "$dest/package.json"
[[ -f "$spec/package-lock.json" ]] && cp "$spec/package-lock.json" "$dest/package-lock.json"

# @vscode/ripgrep's postinstall downloads rg from GitHub unless it finds this archive in its cache:
# hand it Debian's rg instead (this machine reaches only the npm registry and Debian).
tmp="${TMPDIR:-/tmp}"
cache="$tmp/vscode-ripgrep-cache-1.15.11"
archive="$cache/ripgrep-v13.0.0-10-x86_64-unknown-linux-musl.tar.gz"
if [[ ! -f "$archive" ]]; then
  mkdir -p "$cache"
  work="$(mktemp -d)"
  cp "$(command -v rg)" "$work/rg"
  tar -C "$work" -czf "$archive.tmp" rg
  mv "$archive.tmp" "$archive"
  rm -rf "$work"
fi

export npm_config_unsafe_perm=true npm_config_yes=true
cd "$dest"
if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error
else
  npm install --no-audit --no-fund --loglevel=error
  cp package-lock.json "$spec/package-lock.json"
fi
"$dest/node_modules/.bin/code-server" --version >/dev/null
# the stamp covers the lockfile that was actually used
fingerprint > "$stamp"
echo "test host: code-server $("$dest/node_modules/.bin/code-server" --version | head -1) installed in $dest"
