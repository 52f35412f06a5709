#!/bin/sh
# Builds guest/fuzz/fuzzrunner (static riscv64) from runner.c and entry.S.
set -e
cd "$(dirname "$0")"
riscv64-linux-gnu-gcc -static -O2 -Wall -Wextra -march=rv64gc -mabi=lp64d \
  -o fuzzrunner runner.c entry.S
