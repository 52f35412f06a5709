#!/usr/bin/env bash
# Builds dash (Debian's source package, 0.5.12 on bookworm) for riscv64, static, into the test
# cache: $CACHE/dash/dash plus a file "built" naming the version. test/e2e/dash.test.ts runs shell
# scripts under it (pipelines, command substitution, subshells, jobs, traps, redirections, exec,
# "#!" scripts). Exits 0 at once when the build is cached. Third-party code: nothing here is ever
# committed.
set -euo pipefail
cache="${ECALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecall}"
out="$cache/dash"
if [ -f "$out/built" ] && [ -x "$out/dash" ]; then
	echo "dash: cached in $out ($(cat "$out/built"))"
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
(cd "$work" && apt-get source --download-only dash </dev/null && dpkg-source -x --skip-patches dash_*.dsc src >/dev/null)
src="$work/src"
version="$(cd "$work" && ls dash_*.dsc | sed 's/^dash_//; s/\.dsc$//')"
# Debian's patches, as dpkg-source would apply them, except those that change configure.ac or
# Makefile.am: they would need autoconf and automake, and only matter for Debian's packaging
# (large-file flags, hardening of the build helpers, the privmode build split).
if [ -f "$src/debian/patches/series" ]; then
	while read -r p; do
		case "$p" in ''|'#'*) continue ;; esac
		if grep -qE '^\+\+\+ [^ ]*/(configure\.ac|Makefile\.am)' "$src/debian/patches/$p"; then
			echo "dash: skipping $p (changes the autotools inputs)"
			continue
		fi
		patch -d "$src" -p1 -s <"$src/debian/patches/$p"
	done <"$src/debian/patches/series"
fi
cd "$src"
# A cross build: the generators (mknodes, mksyntax, ...) run on the build machine (CC_FOR_BUILD).
./configure --host=riscv64-linux-gnu CC=riscv64-linux-gnu-gcc CC_FOR_BUILD=cc LDFLAGS=-static >/dev/null
make -j"$(nproc)" >/dev/null 2>"$work/build.log" || { tail -n 30 "$work/build.log" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
cp src/dash "$out/dash"
riscv64-linux-gnu-strip "$out/dash"
echo "$version" >"$out/built"
echo "dash: built $version into $out"
