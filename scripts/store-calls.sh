#!/usr/bin/env bash
# The DynamoDB calls each client-facing request makes ($connect, join, send, leave, $disconnect) and their request
# units, against DynamoDB Local in-process; prints a Markdown table. No timing: the same on any machine.
# Usage: scripts/store-calls.sh
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"

bench_classpath
log=functions/target/store-calls.log
if ! java --enable-native-access=ALL-UNNAMED -cp "$cp" dev.switchboard.functions.bench.StoreCalls > "$log" 2>&1; then
    tail -n 40 "$log" >&2
    echo "error: StoreCalls failed (log: $log)" >&2
    exit 1
fi
grep '^|' "$log"
