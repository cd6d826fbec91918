#!/usr/bin/env bash
# Installs whatever is missing for AutoSafeCoder on a fresh Debian machine, idempotently:
# Node.js >= 22, npm packages, Python venvs with Bandit and Semgrep, the `temporal` CLI, a Docker engine
# (started when none answers) with compose, and the sandbox image; then builds the TypeScript.
# With --deploy-images, also the worker and Temporal images of the compose deployment.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
mkdir -p "$ASC_TOOLS/bin" "$ASC_DATA"

NODE_VERSION=22.23.3
TEMPORAL_CLI_VERSION=v1.5.1
BANDIT_VERSION=1.9.4
SEMGREP_VERSION=1.95.0
COMPOSE_VERSION=v2.40.3

step() { printf '[setup] %s\n' "$*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 22 ]; then
  step "Node.js $(node --version 2>/dev/null || echo none) is older than 22: installing node@$NODE_VERSION into .tools/node"
  npm install --silent --no-save --no-audit --no-fund --prefix "$ASC_TOOLS/node" "node@$NODE_VERSION" >/dev/null
  hash -r
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  step "npm packages"
  npm ci --silent --no-audit --no-fund >/dev/null
fi

if [ ! -x "$ASC_TOOLS/venv/bin/bandit" ] || ! "$ASC_TOOLS/venv/bin/bandit" --version 2>/dev/null | grep -q "$BANDIT_VERSION"; then
  step "Python venv with bandit==$BANDIT_VERSION"
  rm -rf "$ASC_TOOLS/venv"
  python3 -m venv "$ASC_TOOLS/venv" 2>/dev/null || { apt_install python3-venv && python3 -m venv "$ASC_TOOLS/venv"; }
  "$ASC_TOOLS/venv/bin/pip" install --quiet "bandit==$BANDIT_VERSION"
fi

# Semgrep in a venv of its own (its dependencies pin versions Bandit's need not share).
# semgrep execs pysemgrep from its own directory, so that directory goes on PATH.
if ! PATH="$ASC_TOOLS/semgrep/bin:$PATH" "$ASC_TOOLS/semgrep/bin/semgrep" --version 2>/dev/null | grep -qx "$SEMGREP_VERSION"; then
  step "Python venv with semgrep==$SEMGREP_VERSION"
  rm -rf "$ASC_TOOLS/semgrep"
  python3 -m venv "$ASC_TOOLS/semgrep"
  "$ASC_TOOLS/semgrep/bin/pip" install --quiet "semgrep==$SEMGREP_VERSION"
fi

if [ ! -x "$ASC_TOOLS/bin/temporal" ]; then
  [ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null || apt_install golang-go
  step "temporal CLI $TEMPORAL_CLI_VERSION (go install, several minutes the first time)"
  GOBIN="$ASC_TOOLS/bin" GOFLAGS=-mod=mod go install "github.com/temporalio/cli/cmd/temporal@$TEMPORAL_CLI_VERSION"
fi

command -v docker >/dev/null || apt_install docker.io
# The deployment test runs `docker compose config`: where the plugin is missing, build Compose v2
# from its Go module (its go.mod excludes versions, so `go install pkg@v` refuses it).
if ! docker compose version >/dev/null 2>&1; then
  if [ ! -x "$ASC_TOOLS/bin/docker-compose" ]; then
    [ -x /usr/local/go/bin/go ] && export PATH="$PATH:/usr/local/go/bin"
    command -v go >/dev/null || apt_install golang-go
    step "Docker Compose $COMPOSE_VERSION (built from its Go module, a few minutes the first time)"
    compose_src=$(go mod download -json "github.com/docker/compose/v2@$COMPOSE_VERSION" | python3 -c 'import json, sys; print(json.load(sys.stdin)["Dir"])')
    compose_tmp=$(mktemp -d /tmp/asc-compose.XXXXXX)
    cp -r "$compose_src/." "$compose_tmp" && chmod -R u+w "$compose_tmp"
    (cd "$compose_tmp" && go build -trimpath -ldflags "-s -w -X github.com/docker/compose/v2/internal.Version=$COMPOSE_VERSION" -o "$ASC_TOOLS/bin/docker-compose" ./cmd)
    rm -rf "$compose_tmp"
  fi
  install -d /usr/local/lib/docker/cli-plugins
  ln -sf "$ASC_TOOLS/bin/docker-compose" /usr/local/lib/docker/cli-plugins/docker-compose
fi
ensure_docker
bash scripts/build-sandbox-image.sh | sed 's/^/[setup] /'

step "TypeScript build"
npm run --silent build
if [ "${1:-}" = "--deploy-images" ]; then
  # The compose deployment's images, on a local base (no registry needed): for its tests and
  # scripts/deploy-local.sh.
  bash scripts/build-worker-image.sh | sed 's/^/[setup] /'
  bash scripts/build-temporal-image.sh | sed 's/^/[setup] /'
fi
step "ready"
