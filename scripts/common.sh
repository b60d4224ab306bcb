# shellcheck shell=bash
# Sourced by scripts/*.sh: messages, the tools they need, and buildah with a storage driver
# this machine can use.

say() { printf '%s\n' "$(basename "$0" .sh): $*" >&2; }

# need_tools TOOL:PACKAGE…: each tool, installed from Debian's packages where it is missing
# (as root on Debian or Ubuntu), else a clear stop.
need_tools() {
  local want=() spec
  for spec in "$@"; do
    command -v "${spec%%:*}" >/dev/null || want+=("${spec#*:}")
  done
  [ "${#want[@]}" -eq 0 ] && return 0
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    say "installing ${want[*]} (apt-get)"
    { apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${want[@]}"; } >/var/tmp/rapport-apt.log 2>&1 || {
      tail -n 20 /var/tmp/rapport-apt.log >&2
      say "FAIL: could not install ${want[*]}"
      exit 2
    }
    return 0
  fi
  say "FAIL: needs ${want[*]} (apt-get install -y ${want[*]})"
  exit 2
}

[ "$(id -u)" = 0 ] || { say "FAIL: needs root (debootstrap, chroot, buildah's storage)"; exit 2; }
need_tools buildah:buildah

# STORAGE_DRIVER picks one (e.g. vfs, which works everywhere but copies every layer whole);
# unset, buildah's default (overlay) where the kernel allows it, else vfs.
if [ -z "${STORAGE_DRIVER:-}" ]; then
  if buildah info >/dev/null 2>&1; then STORAGE_DRIVER=$(buildah info --format '{{.store.GraphDriverName}}'); else STORAGE_DRIVER=vfs; fi
fi
export STORAGE_DRIVER
bah() { buildah --storage-driver "$STORAGE_DRIVER" "$@"; }
