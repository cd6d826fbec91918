#!/usr/bin/env bash
# Builds the worker image (docker/worker/Dockerfile) where no registry is reachable: the
# Dockerfile's node:22 base is replaced by a local one (scripts/build-debian-base.sh with the
# project's Node.js binary and npm), the only difference from a `docker compose build`.
# Idempotent: the node base is tagged by a hash of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

debian=$(bash scripts/build-debian-base.sh | tail -1)
node_bin=$(command -v node)
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
base="autosafecoder-node-base:$(_asc_hash <(echo "$debian") "$node_bin" "$npm_dir/package.json" "$0")"
image=autosafecoder-worker:latest

if ! docker image inspect "$base" >/dev/null 2>&1; then
  context=$(mktemp -d /tmp/asc-node-context.XXXXXX)
  trap 'rm -rf "$context"' EXIT
  install -m 0755 "$node_bin" "$context/node"
  cp -a "$npm_dir" "$context/npm"
  echo "building local node base $base"
  docker build -q --force-rm --build-arg "BASE=$debian" -t "$base" -f - "$context" >/tmp/asc-node-base-build.log 2>&1 <<'DOCKERFILE' \
    || { tail -30 /tmp/asc-node-base-build.log >&2; exit 1; }
ARG BASE
FROM ${BASE}
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx
DOCKERFILE
fi
echo "building $image on $base"
replaced=$(image_id "$image")
docker build -q --force-rm -f docker/worker/Dockerfile --build-arg "NODE_IMAGE=$base" -t "$image" . >/tmp/asc-worker-build.log 2>&1 \
  || { tail -30 /tmp/asc-worker-build.log >&2; exit 1; }
drop_replaced_image "$replaced" "$image"
echo "worker image $image ready"
