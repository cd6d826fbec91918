#!/usr/bin/env bash
# Builds autosafecoder-temporal:latest (docker/temporal/Dockerfile), the stand-in for the
# registry's Temporal server and UI images in docker-compose.local.yml: the project's Go-built
# `temporal` CLI on the local Debian base. Idempotent (docker's layer cache).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

debian=$(bash scripts/build-debian-base.sh | tail -1)
image=autosafecoder-temporal:latest
context=$(mktemp -d /tmp/asc-temporal-context.XXXXXX)
trap 'rm -rf "$context"' EXIT
install -m 0755 "$ASC_TEMPORAL_CLI" "$context/temporal"
replaced=$(image_id "$image")
docker build -q --force-rm -f docker/temporal/Dockerfile --build-arg "BASE=$debian" -t "$image" "$context" >/tmp/asc-temporal-build.log 2>&1 \
  || { tail -30 /tmp/asc-temporal-build.log >&2; exit 1; }
drop_replaced_image "$replaced" "$image"
echo "Temporal image $image ready"
