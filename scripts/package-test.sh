#!/usr/bin/env bash
# Builds strata's .deb from a release build and installs it in a clean Debian 12 root the way a
# new user would (`apt-get install ./strata_*.deb`, without Recommends, so Depends alone must be
# enough), then uses it there: `strata --version`, every installed man page through man(1) with
# warnings on, the completions where the shells look, ingest + search of stdin and of a PDF (the
# dlopen'ed modules, poppler, libzip and libxml2), embed against a closed local port (libcurl loads), and purge.
# Before that, in the same root: the packages of `scripts/install-deps.sh --test` resolve from
# Debian 12's archive and bring every package whose commands the tests call
# (scripts/check-test-deps.py), so the README's test command works on a fresh machine.
#
# Usage: scripts/package-test.sh
# Env: PACKAGE_BUILD_DIR (default build-deb/, configured with prefix /usr), PACKAGE_BUILD_TYPE
#      (default Release; CI packages the RelWithDebInfo build its tests ran on, -O2 -g as Debian
#      builds, stripped by CPack, so that only the install prefix is configured anew),
#      STRATA_WERROR (ON/OFF), STRATA_CI_CACHE (default ~/.cache/strata-ci: the bootstrapped root
#      is kept there as a tarball, so a rerun skips debootstrap), STRATA_ROOT_MAX_AGE_DAYS
#      (default 7: an older tarball is bootstrapped anew, so the root stays close to a fresh
#      Debian 12).
# Needs root (debootstrap, chroot, mounts inside a private mount namespace) and Debian's archive;
# the mirror is the one this machine's apt uses.
# Prints "package: N passed, M failed"; exits non-zero on any failure.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${PACKAGE_BUILD_DIR:-$root/build-deb}
cache=${STRATA_CI_CACHE:-$HOME/.cache/strata-ci}
max_age=${STRATA_ROOT_MAX_AGE_DAYS:-7}
arch=$(dpkg --print-architecture)
tarball=$cache/debian-bookworm-minbase-$arch.tar.gz

note() { echo "package: $*" >&2; }
[ "$(id -u)" -eq 0 ] || { note "error: needs root for debootstrap and chroot (sudo bash $0)"; exit 2; }

"$root/scripts/install-deps.sh" --test
# Every command the tests call comes from a package install-deps.sh installs (or from Debian's
# minimal base): checked here against this machine's packages, and in the clean root below
# against Debian 12's own archive, so a tool that merely happens to be on this machine is found.
python3 "$root/scripts/check-test-deps.py" >&2

# --- the package ----------------------------------------------------------------------------
t0=$SECONDS
# Its own build folder builds no tests; a folder given (CI's test build) keeps its setting.
tests_off=()
[ -z "${PACKAGE_BUILD_DIR:-}" ] && tests_off=(-DSTRATA_BUILD_TESTS=OFF)
cmake -S "$root" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE="${PACKAGE_BUILD_TYPE:-Release}" -DCMAKE_INSTALL_PREFIX=/usr \
  "${tests_off[@]}" -DSTRATA_WERROR="${STRATA_WERROR:-OFF}" >/dev/null
cmake --build "$build_dir" -j "$(nproc)" --target strata strata_completions strata_man_pages
rm -f "$build_dir"/strata_*.deb
(cd "$build_dir" && cpack -G DEB >/dev/null)
debs=("$build_dir"/strata_*.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || { note "error: cpack made no single strata_*.deb in $build_dir"; exit 1; }
deb=${debs[0]}
note "built $(basename "$deb"): $(stat -c %s "$deb") bytes, in $((SECONDS - t0)) s"
dpkg-deb --field "$deb" Version Architecture Installed-Size Depends >&2

# --- a clean Debian 12 root -----------------------------------------------------------------
# The first bookworm URI of this machine's apt sources (deb822 or one-line); none: debootstrap's
# own default mirror.
debian_mirror() {
  local uri=""
  uri=$(awk '/^URIs:/ { u = $2 } /^Suites:/ { for (i = 2; i <= NF; i++) if ($i == "bookworm") { print u; exit } }' \
          /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(sed 's/\[[^]]*\]//' /etc/apt/sources.list 2>/dev/null |
                           awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' || true)
  printf '%s' "$uri"
}

work=$(mktemp -d "${TMPDIR:-/tmp}/strata-package-test.XXXXXX")
chroot_dir=$work/root
# Mounts are made in a private mount namespace and vanish with it; this unmounts whatever a
# failure there could have left, before removing the root without crossing into a mount.
cleanup() {
  local m
  for m in $(awk -v r="$chroot_dir" 'index($2, r "/") == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount -l "$m" || true
  done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT

t0=$SECONDS
if [ -s "$tarball" ] && [ -z "$(find "$tarball" -mtime +"$max_age")" ]; then
  mkdir "$chroot_dir"
  tar --numeric-owner -xpzf "$tarball" -C "$chroot_dir"
  note "Debian 12 root from the cache ($tarball) in $((SECONDS - t0)) s"
else
  mirror=$(debian_mirror)
  note "bootstrapping Debian 12 (minbase) from ${mirror:-the default mirror of debootstrap}"
  debootstrap --variant=minbase bookworm "$chroot_dir" ${mirror:+"$mirror"} >"$work/debootstrap.log" 2>&1 ||
    { tail -20 "$work/debootstrap.log" >&2; note "error: debootstrap failed"; exit 1; }
  mkdir -p "$cache"
  # Written aside and renamed, so a concurrent run never extracts half a tarball.
  tar --numeric-owner -cpzf "$tarball.$$.tmp" -C "$chroot_dir" .
  mv "$tarball.$$.tmp" "$tarball"
  note "Debian 12 root bootstrapped and cached in $((SECONDS - t0)) s"
fi

cp -L /etc/resolv.conf "$chroot_dir/etc/resolv.conf"
mkdir -p "$chroot_dir/root/pkg"
cp "$deb" "$chroot_dir/root/pkg/"
cp "$root/fuzz/corpus/pdf_loader/two_pages.pdf" "$chroot_dir/root/pkg/"
python3 "$root/tests/fixtures/office_docs.py" docx "$chroot_dir/root/pkg/sample.docx"
cp "$root/scripts/package-test-inside.sh" "$chroot_dir/root/pkg/"
"$root/scripts/install-deps.sh" --test --list >"$chroot_dir/root/pkg/test-deps-list"
python3 "$root/scripts/check-test-deps.py" --needed "$chroot_dir/root/pkg/test-deps-needed" >/dev/null

# --- install and use it inside --------------------------------------------------------------
# A new PID namespace too, so nothing started inside outlives the test and holds the mounts.
t0=$SECONDS
rc=0
unshare --mount --propagation private --pid --fork --kill-child bash -c '
  set -e
  mount -t proc proc "$1/proc"
  mount --bind /dev/pts "$1/dev/pts"
  trap "umount \"$1/dev/pts\" \"$1/proc\"" EXIT
  chroot "$1" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LC_ALL=C.UTF-8 \
    /bin/bash /root/pkg/package-test-inside.sh
' _ "$chroot_dir" || rc=$?
note "install and checks in the root: $((SECONDS - t0)) s"
exit "$rc"
