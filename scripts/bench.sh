#!/usr/bin/env bash
# Runs a benchmark script from bench/ on real parts: scripts/bench.sh NAME [args...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh >/dev/null
source scripts/env.sh
name=${1:?usage: scripts/bench.sh NAME [args], NAME one of: $(ls bench | sed 's/\.ts$//' | tr '\n' ' ')}
shift
exec node "dist/bench/$name.js" "$@"
