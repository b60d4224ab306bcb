#!/usr/bin/env bash
# Build Rapport's image from the Dockerfile with buildah (no Docker daemon needed): `make image`.
#
#   scripts/image-build.sh                  # the local base (made first if missing), tag rapport:latest
#   BASE=python:3.11-slim-bookworm scripts/image-build.sh   # a base from a registry, where one is reachable
#   IMAGE=rapport:dev scripts/image-build.sh
#
# Needs root and buildah (the local base also debootstrap): installed from Debian's packages when
# missing.
# Storage is buildah's default (/var/lib/containers/storage; driver: scripts/common.sh); RUN steps
# run with chroot isolation (no runtime needed) and the host's network.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${IMAGE:-localhost/rapport:latest}
BASE=${BASE:-localhost/rapport-base:bookworm}
export BUILDAH_ISOLATION=${BUILDAH_ISOLATION:-chroot}

# shellcheck source=scripts/common.sh
. scripts/common.sh

pull=false # a registry's base: pulled once, when missing
if [ "${BASE%%/*}" = localhost ]; then
  BASE_IMAGE=$BASE scripts/base-image.sh
  pull=never
fi

# A CA bundle pip trusts on this machine (a TLS-inspecting proxy's): lent to the RUN steps,
# never copied into the image.
extra=()
host_ca=${PIP_CERT:-${SSL_CERT_FILE:-${REQUESTS_CA_BUNDLE:-}}}
if [ -n "$host_ca" ] && [ -f "$host_ca" ]; then
  extra+=(--volume "$(readlink -f "$host_ca"):/run/rapport-build-ca.crt:ro" --build-arg PIP_CERT=/run/rapport-build-ca.crt)
fi

VERSION=$(sed -n 's/^version = "\(.*\)"$/\1/p' pyproject.toml | head -n 1)
start=$(date +%s)
say "building $IMAGE (rapport $VERSION) from $BASE"
bah build \
  --layers \
  --force-rm \
  --format docker \
  --pull="$pull" \
  --network host \
  --build-arg BASE="$BASE" \
  --build-arg VERSION="$VERSION" \
  "${extra[@]}" \
  --tag "$IMAGE" \
  --file Dockerfile \
  . >&2
# vfs keeps a full copy of every layer; PRUNE=1 drops the images no tag names (earlier builds'
# and the layer cache, which makes the next build reinstall the dependencies).
if [ -n "${PRUNE:-}" ]; then bah rmi --prune >/dev/null 2>&1 || true; fi
say "built $IMAGE in $(($(date +%s) - start)) s: $(bah images --format '{{.Size}}' "$IMAGE" | head -n 1)"
