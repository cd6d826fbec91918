#!/usr/bin/env bash
# Builds the worker image (docker/worker/Dockerfile) where no registry is reachable: the
# Dockerfile's node:22 base is replaced by a local one (debootstrapped Debian bookworm with the
# project's Node.js binary and npm), the only difference from a `docker compose build`.
# The host's CA bundle goes into the base, for machines whose registry traffic passes a
# TLS-inspecting proxy. Like node:22-bookworm-slim it has passwd (useradd). Idempotent: the base
# is tagged by a hash of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

node_bin=$(command -v node)
npm_dir=$(cd "$(dirname "$(readlink -f "$(command -v npm)")")/.." && pwd)
base="autosafecoder-node-base:$(_asc_hash "$node_bin" "$npm_dir/package.json" /etc/ssl/certs/ca-certificates.crt "$0")"
image=autosafecoder-worker:latest

if ! docker image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || apt_install debootstrap
  root=$(mktemp -d /tmp/asc-node-root.XXXXXX)
  trap 'rm -rf --one-file-system "$root"' EXIT
  echo "building local node base $base (debootstrap, a minute or two)"
  debootstrap --variant=minbase --include=ca-certificates,passwd bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/tmp/asc-node-debootstrap.log 2>&1 \
    || { tail -20 /tmp/asc-node-debootstrap.log >&2; exit 1; }
  install -m 0755 "$node_bin" "$root/usr/local/bin/node"
  mkdir -p "$root/usr/local/lib/node_modules"
  cp -a "$npm_dir" "$root/usr/local/lib/node_modules/npm"
  ln -s ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
  ln -s ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/asc/host-ca.crt"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    -c 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/asc/host-ca.crt PIP_CERT=/usr/local/share/asc/host-ca.crt PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$base" >/dev/null
fi
echo "building $image on $base"
docker build -q --force-rm -f docker/worker/Dockerfile --build-arg "NODE_IMAGE=$base" -t "$image" . >/tmp/asc-worker-build.log 2>&1 \
  || { tail -30 /tmp/asc-worker-build.log >&2; exit 1; }
echo "worker image $image ready"
