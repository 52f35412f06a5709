#!/usr/bin/env bash
# Builds liburing (Debian's source package, 2.3 on bookworm) and its test programs for riscv64,
# static, into the test cache: $CACHE/liburing/test/*.t plus a file "built" naming the version.
# test/e2e/liburing.test.ts runs the tests issue 12 names under ecall. Exits 0 at once when the
# build is cached. Third-party code: nothing here is ever committed.
set -euo pipefail
cache="${ECALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecall}"
out="$cache/liburing"
if [ -f "$out/built" ]; then
	echo "liburing: cached in $out ($(cat "$out/built"))"
	exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
# apt-get source needs a deb-src entry: add one for the configured Debian suites if none exists.
if ! grep -rqs '^Types:.*deb-src\|^deb-src' /etc/apt/sources.list /etc/apt/sources.list.d/; then
	codename="$(. /etc/os-release && echo "$VERSION_CODENAME")"
	printf 'Types: deb-src\nURIs: http://deb.debian.org/debian\nSuites: %s %s-updates\nComponents: main\nSigned-By: /usr/share/keyrings/debian-archive-keyring.gpg\n' \
		"$codename" "$codename" | $sudo tee /etc/apt/sources.list.d/ecall-deb-src.sources >/dev/null
	$sudo apt-get update </dev/null
fi
if ! command -v dpkg-source >/dev/null; then
	$sudo apt-get install -y --no-install-recommends dpkg-dev </dev/null
fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --download-only liburing </dev/null && dpkg-source -x --skip-patches liburing_*.dsc src >/dev/null)
src="$work/src"
version="$(cd "$work" && ls liburing_*.dsc | sed 's/^liburing_//; s/\.dsc$//')"
# Debian's patches fix the build on its architectures; apply them as dpkg-source would.
if [ -d "$src/debian/patches" ] && [ -f "$src/debian/patches/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		patch -d "$src" -p1 -s <"$src/debian/patches/$p"
	done <"$src/debian/patches/series"
fi
cd "$src"
./configure --cc=riscv64-linux-gnu-gcc --cxx=riscv64-linux-gnu-g++ >/dev/null
make -j"$(nproc)" -C src ENABLE_SHARED=0 liburing.a >/dev/null
# The tests link the static library; -static makes them run without a riscv64 sysroot.
make -k -j"$(nproc)" -C test LDFLAGS=-static all >/dev/null 2>"$work/test-build.log" || {
	echo "liburing: some tests did not build (see below); keeping those that did" >&2
	tail -n 20 "$work/test-build.log" >&2
}
rm -rf "$out"
mkdir -p "$out/test"
cp test/*.t "$out/test/"
echo "$version" >"$out/built"
echo "liburing: built $version into $out ($(ls "$out/test" | wc -l) tests)"
