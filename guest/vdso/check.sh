#!/bin/sh
# Checks a linked vDSO (guest/vdso/vdso.lds): one PT_LOAD, no dynamic relocations, no writable
# data (the image is mapped read+execute and shared by every thread), the LINUX_4.15 version.
set -eu
so=$1
READELF=${READELF:-riscv64-linux-gnu-readelf}
fail() { echo "vdso check: $so: $*" >&2; exit 1; }
loads=$($READELF -lW "$so" | grep -c '^ *LOAD ' || true)
[ "$loads" = 1 ] || fail "expected one PT_LOAD, found $loads"
$READELF -rW "$so" | grep -q 'There are no relocations' || fail 'has dynamic relocations'
! $READELF -SW "$so" | grep -q ' \.writable ' || fail 'has writable data (.data, .bss or small data)'
got=$($READELF -SW "$so" | awk '$2 == ".got" { print $6 }')
[ -z "$got" ] || [ "$((0x$got))" -le 8 ] || fail "uses GOT entries (.got is 0x$got bytes)"
$READELF -VW "$so" | grep -q 'Name: LINUX_4.15' || fail 'no LINUX_4.15 version definition'
