# The sandbox base from Debian's image, for hosts that can pull it (docker compose): the same
# packages (packages.txt) and the same finishing steps as scripts/build-sandbox-image.sh's
# debootstrap recipe. docker/sandbox/Dockerfile adds the harness on top of either base.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
COPY docker/sandbox/packages.txt /tmp/packages.txt
RUN apt-get update -qq \
 && grep -v '^#' /tmp/packages.txt | DEBIAN_FRONTEND=noninteractive xargs apt-get install -y -qq --no-install-recommends \
 && apt-get clean \
 && rm -rf /tmp/packages.txt /var/lib/apt/lists/* /usr/share/doc /usr/share/man /usr/share/locale \
 && install -d -m 1777 /work \
 && ln -s Cryptodome /usr/lib/python3/dist-packages/Crypto
