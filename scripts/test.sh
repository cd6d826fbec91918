#!/usr/bin/env bash
# Installs what is missing, then runs the whole test suite: lint, and every test against a real
# Temporal dev server, a real Docker engine and real Bandit (the LLM is a scripted local server).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# The images of the compose deployment, on a local base (no registry here): its tests run them.
bash scripts/build-worker-image.sh
bash scripts/build-temporal-image.sh
source scripts/env.sh
npm run --silent lint
node --test --test-concurrency=1 --test-timeout=300000 "dist/test/**/*.test.js"
