#!/usr/bin/env bash
# Installs what the end-to-end tests need on a Debian machine: a few apt packages
# (build headers for code-server's native modules, ripgrep, Chromium) and code-server,
# which serves VS Code's real workbench to a browser. Only the npm registry and Debian's
# archive are used, because nothing else is reachable from CI.
# Safe to run again: apt is skipped when the packages are present, and code-server is
# skipped when its marker file exists, so CI runs on the same machine reuse the install.
set -euo pipefail

CODE_SERVER_VERSION=4.100.3 # The last code-server that runs on Node 20 (VS Code 1.100).
APT_PACKAGES=(libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium)

E2E_HOME="${REGO_LENS_E2E_HOME:-$HOME/.cache/rego-lens-e2e}"
INSTALL_DIR="$E2E_HOME/code-server-$CODE_SERVER_VERSION"
MARKER="$INSTALL_DIR/.complete"
LOG="$E2E_HOME/setup.log"

mkdir -p "$E2E_HOME"

# Two CI jobs on one machine must not install into the same folder at once.
exec 9>"$E2E_HOME/.lock"
flock 9
: >"$LOG"

started=$SECONDS
step() { printf 'setup-e2e: %s (%ss)\n' "$1" "$((SECONDS - started))"; }
on_error() {
  echo "setup-e2e: failed; last lines of $LOG:" >&2
  tail -n 40 "$LOG" >&2
}
trap on_error ERR

quietly() { "$@" >>"$LOG" 2>&1; }

if [[ $(node -p 'process.versions.node.split(".")[0]') != 20 ]]; then
  echo "setup-e2e: warning: code-server $CODE_SERVER_VERSION is made for Node 20, this is Node $(node --version)" >&2
fi

missing=()
for package in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if ((${#missing[@]} > 0)); then
  sudo=()
  if [[ $(id -u) -ne 0 ]]; then sudo=(sudo); fi
  step "installing apt packages: ${missing[*]}"
  quietly "${sudo[@]}" apt-get update -q
  quietly "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
else
  step "apt packages already present"
fi

if [[ -f "$MARKER" ]]; then
  ln -sfn "$(basename "$INSTALL_DIR")" "$E2E_HOME/code-server"
  step "code-server $CODE_SERVER_VERSION already installed in $INSTALL_DIR"
  exit 0
fi

# A folder without the marker is a half-finished install; start over.
rm -rf "$INSTALL_DIR"
mkdir -p "$INSTALL_DIR"
cd "$INSTALL_DIR"
echo '{ "private": true }' >package.json
npm_flags=(--no-audit --no-fund --loglevel=error)

# Install scripts are skipped because some download prebuilt binaries from hosts that
# are not reachable; the native modules are rebuilt from source below instead.
step "installing code-server@$CODE_SERVER_VERSION from npm"
quietly npm install "${npm_flags[@]}" --ignore-scripts "code-server@$CODE_SERVER_VERSION"

cd node_modules/code-server/lib/vscode
step "installing VS Code's runtime dependencies"
quietly npm install "${npm_flags[@]}" --omit=dev --ignore-scripts
mkdir -p node_modules/@vscode/ripgrep/bin
ln -sf /usr/bin/rg node_modules/@vscode/ripgrep/bin/rg

step "compiling native modules"
# node-pty's rebuild fails in a compile_commands step after the module itself is built,
# so the result is judged by loading the modules rather than by the exit code.
# spdlog, native-watchdog and deviceid are optional for VS Code, but each one missing logs a
# long stack trace on every start.
native=(kerberos node-pty @parcel/watcher @vscode/spdlog native-watchdog @vscode/deviceid)
quietly npm rebuild "${native[@]}" || true
quietly node -e 'for (const name of process.argv.slice(1)) require(name)' "${native[@]}"
# VS Code's server looks up its dependencies through node_modules.asar.
ln -sfn node_modules node_modules.asar

step "installing the built-in extensions' dependencies"
(cd extensions && quietly npm install "${npm_flags[@]}" --omit=dev --ignore-scripts)

cd "$INSTALL_DIR"
quietly npm rebuild argon2

# A config file of our own keeps code-server from writing one into ~/.config.
echo 'auth: none' >config.yaml
version=$(node node_modules/code-server/out/node/entry.js --config config.yaml --version 2>>"$LOG" | head -n 1)
echo "$version" >>"$LOG"
touch "$MARKER"
# scripts/code-server.mjs starts whichever version this link points at.
ln -sfn "$(basename "$INSTALL_DIR")" "$E2E_HOME/code-server"
step "installed code-server $version in $INSTALL_DIR"
