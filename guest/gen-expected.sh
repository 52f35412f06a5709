#!/usr/bin/env bash
# Regenerates guest/expected/ from qemu-riscv64 for the cases in guest/cases.json.
# Usage: guest/gen-expected.sh [CASE...]   (run from anywhere; default: every case)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
# tsc emits even when files elsewhere in the tree have type errors; the helpers must still build.
npx tsc -p . >/dev/null || echo "gen-expected: tsc reported errors (continuing with what it emitted)" >&2
test -f dist/test/helpers/gen_expected.js
if [ $# -eq 0 ]; then set -- --all; fi
node dist/test/helpers/gen_expected.js "$@"
