#!/usr/bin/env bash
# Installs what is missing, then runs the whole test suite: lint, and every test against a real
# Temporal dev server, a real Docker engine and real Bandit (the LLM is a scripted local server).
set -euo pipefail
cd "$(dirname "$0")/.."
# With the compose deployment's images: its tests run them.
bash scripts/setup.sh --deploy-images
source scripts/env.sh
npm run --silent lint
node --test --test-concurrency=1 --test-timeout=300000 "dist/test/**/*.test.js"
