#!/usr/bin/env bash
# Make the local base image Rapport's Dockerfile builds FROM: Debian bookworm (minbase) with
# Debian's Python 3.11 and venv, and nothing else (no compilers). For machines that reach Debian's
# package mirror but no image registry; with Docker elsewhere, use
# `--build-arg BASE=python:3.11-slim-bookworm` instead (docs/container.md).
#
#   scripts/base-image.sh            # make it unless it exists
#   FORCE=1 scripts/base-image.sh    # make it again (e.g. for Debian's security updates)
#
# Needs root, debootstrap and buildah (installed from Debian's packages when missing);
# STORAGE_DRIVER: scripts/common.sh.
# BASE_IMAGE names it (default localhost/rapport-base:bookworm); DEBIAN_MIRROR overrides the
# mirror, which is otherwise the one apt uses on this machine.
set -euo pipefail

BASE_IMAGE=${BASE_IMAGE:-localhost/rapport-base:bookworm}
SUITE=bookworm
WORK=${WORK:-/var/tmp/rapport-base}

# shellcheck source=scripts/common.sh
. "$(dirname "$0")/common.sh"
need_tools debootstrap:debootstrap

if [ -z "${FORCE:-}" ] && bah inspect --type image "$BASE_IMAGE" >/dev/null 2>&1; then
  say "$BASE_IMAGE exists (FORCE=1 makes it again)"
  exit 0
fi

# The Debian mirror apt uses here (deb822 .sources or one-line .list), else Debian's own.
mirror() {
  local files=(/etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources)
  local uri
  uri=$(cat "${files[@]}" 2>/dev/null | grep -v '^\s*#' |
    grep -oE '(https?://[^ ]*/debian)/?(\s|$)' | grep -v security | head -n 1 | tr -d '[:space:]') || true
  printf '%s\n' "${uri:-http://deb.debian.org/debian}"
}
MIRROR=${DEBIAN_MIRROR:-$(mirror)}
SECURITY=${DEBIAN_SECURITY_MIRROR:-${MIRROR%/debian}/debian-security}

ROOT="$WORK/rootfs"
ctr=""
cleanup() {
  if [ -n "$ctr" ]; then bah rm "$ctr" >/dev/null 2>&1 || true; fi
  for m in proc sys dev/pts dev; do umount "$ROOT/$m" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
cleanup
mkdir -p "$WORK"

start=$(date +%s)
say "debootstrap $SUITE from $MIRROR into $ROOT"
debootstrap --variant=minbase --include=ca-certificates "$SUITE" "$ROOT" "$MIRROR" >"$WORK.log" 2>&1 || {
  tail -n 30 "$WORK.log" >&2
  say "debootstrap failed (log: $WORK.log)"
  exit 1
}

cat >"$ROOT/etc/apt/sources.list" <<EOF
deb $MIRROR $SUITE main
deb $MIRROR $SUITE-updates main
deb $SECURITY $SUITE-security main
EOF
# Like Debian's own container images: no recommends, no docs, man pages or translations.
cat >"$ROOT/etc/apt/apt.conf.d/90rapport-slim" <<'EOF'
APT::Install-Recommends "false";
APT::Install-Suggests "false";
EOF
cat >"$ROOT/etc/dpkg/dpkg.cfg.d/90rapport-slim" <<'EOF'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-exclude /usr/share/lintian/*
EOF
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
mount -t proc proc "$ROOT/proc"

say "adding Python 3.11 (python3, python3-venv) and security updates"
chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
  sh -ec 'apt-get update -q
          apt-get -y -q upgrade
          apt-get -y -q install python3 python3-venv tzdata
          apt-get clean
          python3 -c "import sys, venv, ensurepip; assert sys.version_info[:2] == (3, 11), sys.version"' \
  >>"$WORK.log" 2>&1 || {
  tail -n 30 "$WORK.log" >&2
  say "installing Python failed (log: $WORK.log)"
  exit 1
}
umount "$ROOT/proc"
rm -rf "$ROOT"/var/lib/apt/lists/* "$ROOT"/var/cache/apt/*.bin "$ROOT"/var/log/*.log \
  "$ROOT"/var/cache/debconf/*-old "$ROOT"/usr/share/doc/*/changelog* "$ROOT"/usr/share/man/* \
  "$ROOT"/usr/share/locale/* "$ROOT"/tmp/* "$ROOT"/root/.cache
: >"$ROOT/etc/resolv.conf"
rm -f "$ROOT/etc/hostname" "$ROOT/etc/machine-id"
# /dev is the runtime's to fill.
rm -rf "${ROOT:?}"/dev/*

say "importing it as $BASE_IMAGE"
ctr=$(bah from scratch)
mnt=$(bah mount "$ctr")
tar -C "$ROOT" --numeric-owner -cf - . | tar -C "$mnt" --numeric-owner -xpf -
bah umount "$ctr" >/dev/null
bah config \
  --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
  --env LANG=C.UTF-8 \
  --cmd python3 \
  --label org.opencontainers.image.title="rapport-base" \
  --label org.opencontainers.image.description="Debian $SUITE minbase with Debian's Python 3.11 (python3, python3-venv)" \
  "$ctr"
bah commit --quiet --rm "$ctr" "$BASE_IMAGE" >/dev/null
ctr=""
say "made $BASE_IMAGE in $(($(date +%s) - start)) s: $(bah images --format '{{.Size}}' "$BASE_IMAGE" | head -n 1)"
rm -f "$WORK.log"
