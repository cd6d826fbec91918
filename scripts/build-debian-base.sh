#!/usr/bin/env bash
# Builds the local Debian base the worker and Temporal images stand on where no registry is
# reachable: debootstrapped bookworm (minbase, CA certificates, passwd for useradd), plus the
# host's CA bundle for machines whose package traffic passes a TLS-inspecting proxy. Prints the
# image's tag as its last line. Idempotent: the tag is a hash of its inputs.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

base="autosafecoder-debian-base:$(_asc_hash /etc/ssl/certs/ca-certificates.crt "$0")"
if ! docker image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || apt_install debootstrap
  root=$(mktemp -d /tmp/asc-debian-root.XXXXXX)
  trap 'rm -rf --one-file-system "$root"' EXIT
  echo "building local Debian base $base (debootstrap, a minute or two)" >&2
  debootstrap --variant=minbase --include=ca-certificates,passwd bookworm "$root" "${DEBIAN_MIRROR:-http://deb.debian.org/debian}" >/tmp/asc-debian-debootstrap.log 2>&1 \
    || { tail -20 /tmp/asc-debian-debootstrap.log >&2; exit 1; }
  install -D -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/usr/local/share/asc/host-ca.crt"
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/*
  tar -C "$root" -c . | docker import \
    -c 'ENV NODE_EXTRA_CA_CERTS=/usr/local/share/asc/host-ca.crt PIP_CERT=/usr/local/share/asc/host-ca.crt PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    - "$base" >/dev/null
fi
echo "$base"
