#!/usr/bin/env bash
# Deploys AutoSafeCoder on this host with docker-compose.local.yml (no registry needed):
# installs what is missing and builds the worker and Temporal images on a local Debian base
# (scripts/setup.sh --deploy-images), creates the secrets that do not
# exist yet (a random payload key and codec token; the model key from $OPENAI_API_KEY, empty
# for an endpoint without one), then `docker compose up -d --wait` with any extra arguments
# (e.g. --scale sandbox-worker=3). Idempotent: run it again after a pull to redeploy.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --deploy-images
source scripts/env.sh

secrets="${ASC_SECRETS_DIR:-./secrets}"
mkdir -p "$secrets"
[ -s "$secrets/asc_codec_key" ] || { head -c 32 /dev/urandom | base64 >"$secrets/asc_codec_key"; echo "created $secrets/asc_codec_key"; }
[ -s "$secrets/asc_codec_token" ] || { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$secrets/asc_codec_token"; echo "created $secrets/asc_codec_token"; }
[ -e "$secrets/openai_api_key" ] || { printf %s "${OPENAI_API_KEY:-}" >"$secrets/openai_api_key"; echo "created $secrets/openai_api_key"; }
# The workers run as uid 10001: Docker secrets from files keep the files' owner and mode.
chmod 0644 "$secrets"/asc_codec_key "$secrets"/asc_codec_token "$secrets"/openai_api_key

export DOCKER_GID="${DOCKER_GID:-$(stat -c %g /var/run/docker.sock)}"
# The Web UI decodes payloads through the codec endpoint with the token in its path.
export ASC_CODEC_ENDPOINT="${ASC_CODEC_ENDPOINT:-http://localhost:${ASC_CODEC_HOST_PORT:-8234}/t/$(cat "$secrets/asc_codec_token")}"
docker compose -f docker-compose.local.yml up -d --wait "$@"
echo "Temporal at 127.0.0.1:${TEMPORAL_HOST_PORT:-7233}, Web UI at http://localhost:${TEMPORAL_UI_HOST_PORT:-8233}"
echo "run the CLI against it with: TEMPORAL_ADDRESS=127.0.0.1:${TEMPORAL_HOST_PORT:-7233} ASC_CODEC_KEY_FILE=$secrets/asc_codec_key ./asc ..."
