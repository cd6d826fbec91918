# Sourced by every project script: where the project-local tools live, and small helpers.
# Idempotent; changes nothing on its own.
ASC_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export ASC_ROOT
export ASC_TOOLS="$ASC_ROOT/.tools"
export ASC_DATA="${ASC_DATA:-$ASC_ROOT/.data}"
export PATH="$ASC_TOOLS/node/node_modules/node/bin:$ASC_TOOLS/bin:$ASC_TOOLS/venv/bin:$ASC_ROOT/node_modules/.bin:$PATH"
export ASC_TEMPORAL_CLI="${ASC_TEMPORAL_CLI:-$ASC_TOOLS/bin/temporal}"
export ASC_BANDIT="${ASC_BANDIT:-$ASC_TOOLS/venv/bin/bandit}"
export ASC_PYTHON="${ASC_PYTHON:-$ASC_TOOLS/venv/bin/python}"
export ASC_SEMGREP="${ASC_SEMGREP:-$ASC_TOOLS/semgrep/bin/semgrep}"
export SANDBOX_IMAGE_REPO=autosafecoder-sandbox
export ASC_SANDBOX_IMAGE="${ASC_SANDBOX_IMAGE:-$SANDBOX_IMAGE_REPO:latest}"

_asc_hash() { cat "$@" | sha256sum | cut -c1-12; }

image_id() { docker image inspect -f '{{.Id}}' "$1" 2>/dev/null || true; }
# A rebuild leaves the image it replaced untagged (a worker image is about 900 MB): removed once
# the tag names the new one, unless a container still uses it.
drop_replaced_image() { # old image id, tag
  if [ -n "$1" ] && [ "$1" != "$(image_id "$2")" ]; then docker image rm "$1" >/dev/null 2>&1 || true; fi
}
sandbox_base_tag() { echo "$SANDBOX_IMAGE_REPO-base:$(_asc_hash "$ASC_ROOT/docker/sandbox/packages.txt" "$ASC_ROOT/scripts/build-sandbox-image.sh")"; }
sandbox_image_tag() {
  echo "$SANDBOX_IMAGE_REPO:$(_asc_hash <(sandbox_base_tag) "$ASC_ROOT/docker/sandbox/Dockerfile" "$ASC_ROOT/.dockerignore" $(find "$ASC_ROOT/python/harness" -name '*.py' | LC_ALL=C sort))"
}

_asc_apt_updated=""
apt_install() {
  if [ -z "$_asc_apt_updated" ]; then
    apt-get update -qq
    _asc_apt_updated=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Starts dockerd in the background when no engine answers, and waits for it (bounded).
ensure_docker() {
  if docker version >/dev/null 2>&1; then return 0; fi
  command -v dockerd >/dev/null || apt_install docker.io
  if ! docker version >/dev/null 2>&1; then
    # After a reboot that kept /var/run, a pid file can name a process that is now something
    # else; dockerd then waits for a containerd that is not there.
    local pidfile
    for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
      if [ -f "$pidfile" ] && ! grep -qE '^(dockerd|containerd)$' "/proc/$(cat "$pidfile")/comm" 2>/dev/null; then rm -f "$pidfile"; fi
    done
    nohup dockerd >/tmp/asc-dockerd.log 2>&1 &
    for _ in $(seq 1 60); do
      docker version >/dev/null 2>&1 && return 0
      sleep 0.5
    done
    echo "dockerd did not answer within 30 s: see /tmp/asc-dockerd.log" >&2
    return 1
  fi
}
