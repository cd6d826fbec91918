#!/usr/bin/env bash
# The main job: installs what is missing, starts the local stack (Temporal dev server with its
# Web UI, and the workers) unless it already runs, and hardens a bundled example. With an LLM
# configured (OPENAI_BASE_URL / OPENAI_API_KEY) the Coding agent writes and repairs the code;
# without one the same pipeline audits existing code.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
source scripts/env.sh

address="${TEMPORAL_ADDRESS:-127.0.0.1:7233}"
answers() { (exec 3<>"/dev/tcp/${address%:*}/${address#*:}") 2>/dev/null; }
if ! answers; then
  echo "[demo] starting the local stack (./asc dev), log in .data/dev.log"
  nohup ./asc dev >"$ASC_DATA/dev.log" 2>&1 &
  echo $! >"$ASC_DATA/dev.pid"
  for _ in $(seq 1 120); do answers && break; sleep 0.5; done
  answers || { tail -20 "$ASC_DATA/dev.log"; echo "[demo] the local stack did not start: see .data/dev.log" >&2; exit 2; }
  sleep 2 # the workers register their task queues right after the server answers
fi

status=0
if [ -n "${OPENAI_BASE_URL:-}${OPENAI_API_KEY:-}" ]; then
  ./asc harden --prompt-file examples/list_directory_task.py || status=$?
else
  ./asc harden --code-file examples/compress_logs.py || status=$?
fi
if [ -f "$ASC_DATA/dev.pid" ]; then
  echo "[demo] the local stack keeps running for the Temporal UI; stop it with: kill \$(cat .data/dev.pid)"
fi
# 0 secure, 1 vulnerable, 3 could not verify: each is a finished job; 2 is an error.
[ "$status" -ne 2 ] || exit 2
