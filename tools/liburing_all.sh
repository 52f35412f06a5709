#!/usr/bin/env bash
# Runs every liburing test program of the cache (tools/third_party/liburing.sh builds them) under
# ecall, each in a fresh temporary directory, JOBS at a time, and prints one line per test
# ("pass", "skip" for liburing's exit code 77, "fail STATUS" with the last line of its output,
# "killed" past the hang guard), then the counts. test/e2e/liburing.test.ts runs the ones that
# must pass; this script counts the rest (by hand: it is not one of the build scripts that .ci/run
# runs from tools/third_party; it takes about 4 minutes on an idle 2-core machine). Usage: liburing_all.sh [NAME...] (default: all).
# ECALL names the command to run them with (default: this checkout's bin/ecall.js).
set -uo pipefail
cache="${ECALL_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ecall}"
dir="$cache/liburing/test"
root="$(cd "$(dirname "$0")/.." && pwd)"
ecall="${ECALL:-$root/bin/ecall.js}"
jobs="${JOBS:-2}"
# Hang guard per test, far above the slowest test's normal time on a loaded machine.
guard="${GUARD_SECONDS:-400}"
if [ ! -d "$dir" ]; then echo "liburing's tests are not built (run tools/third_party/liburing.sh)" >&2; exit 2; fi
if [ $# -gt 0 ]; then names=("$@"); else names=(); for f in "$dir"/*.t; do names+=("$(basename "$f" .t)"); done; fi
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
# Tests that time a timeout with gettimeofday against a window (200 ms in 100..300, 1 s in
# 900..1100): they run in deterministic mode, whose virtual time does not depend on host load
# (test/e2e/liburing.test.ts does the same). recv-multishot too: it gives a TCP close's end of
# stream 1 ms to reach the peer, which the simulated loopback network of that mode does inside
# close, as Linux's loopback does, and a host socket does not (Node takes about 1 ms).
virtual=" timeout timeout-new 7ad0e4b2f83c recv-multishot "
run_one() {
	local n="$1" cwd mode=""
	cwd="$(mktemp -d)"
	case "$virtual" in *" $n "*) mode="--seed 1" ;; esac
	(cd "$cwd" && timeout -s KILL "$guard" node "$ecall" run $mode "$dir/$n.t" >"$out/$n.log" 2>&1)
	local st=$?
	rm -rf "$cwd"
	case $st in
		0) echo "$n pass" ;;
		77) echo "$n skip" ;;
		137) echo "$n killed (hang guard ${guard}s)" ;;
		*) echo "$n fail $st: $(tail -n 1 "$out/$n.log")" ;;
	esac
}
export -f run_one
export dir ecall out guard virtual
printf '%s\n' "${names[@]}" | xargs -P "$jobs" -I{} bash -c 'run_one {}' | sort | tee "$out/results"
echo "total $(wc -l <"$out/results"): pass $(grep -c ' pass$' "$out/results"), skip $(grep -c ' skip$' "$out/results"), fail $(grep -vc ' pass$\| skip$' "$out/results")"
