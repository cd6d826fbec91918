#!/usr/bin/env bash
# Builds the sandbox image without any image registry: debootstrap a minimal Debian root with
# python3 and the libraries task code imports, `docker import` it as the base, then add the
# fuzz harness in a thin layer. Tags carry a hash of their recipe, so each part is rebuilt only
# when its recipe changes.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

base=$(sandbox_base_tag)
tag=$(sandbox_image_tag)
if ! docker image inspect "$base" >/dev/null 2>&1; then
  command -v debootstrap >/dev/null || apt_install debootstrap
  root=$(mktemp -d /tmp/asc-sandbox-root.XXXXXX)
  # debootstrap mounts proc and sys inside the root: unmount before removing, never follow them.
  trap 'umount -R "$root"/proc "$root"/sys 2>/dev/null || true; rm -rf --one-file-system "$root"' EXIT
  packages=$(grep -v '^#' docker/sandbox/packages.txt | tr '\n' ' ')
  mirror="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
  echo "building sandbox base $base (debootstrap + apt, a few minutes)"
  # debootstrap --include cannot order the configuration of python3-* packages; apt inside the
  # new root can.
  {
    debootstrap --variant=minbase bookworm "$root" "$mirror" &&
      cp /etc/resolv.conf "$root/etc/resolv.conf" &&
      chroot "$root" apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive chroot "$root" apt-get install -y -qq --no-install-recommends $packages &&
      chroot "$root" apt-get clean
  } >/tmp/asc-debootstrap.log 2>&1 \
    || { tail -20 /tmp/asc-debootstrap.log >&2; echo "building the sandbox root failed: see /tmp/asc-debootstrap.log" >&2; exit 1; }
  umount -R "$root"/proc "$root"/sys 2>/dev/null || true
  : >"$root/etc/resolv.conf"
  # Apt caches, docs and locales are never used inside the sandbox.
  rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/usr/share/doc "$root"/usr/share/man "$root"/usr/share/locale
  install -d -m 1777 "$root/work"
  # Task code imports PyCryptodome as `Crypto` (the PyPI name); Debian ships it as `Cryptodome`.
  ln -s Cryptodome "$root/usr/lib/python3/dist-packages/Crypto"
  tar -C "$root" -c . | docker import - "$base" >/dev/null
fi
if ! docker image inspect "$tag" >/dev/null 2>&1; then
  docker build -q --force-rm -f docker/sandbox/Dockerfile --build-arg "BASE=$base" -t "$tag" . >/tmp/asc-docker-build.log 2>&1 \
    || { cat /tmp/asc-docker-build.log >&2; exit 1; }
  echo "sandbox image $tag built"
fi
docker tag "$tag" "$ASC_SANDBOX_IMAGE"
echo "sandbox image $tag ready as $ASC_SANDBOX_IMAGE"
