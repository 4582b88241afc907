#!/usr/bin/env bash
# Cold cost of the DynamoDB mapping: static schema (what the store uses) vs reflective bean schema.
# Usage: scripts/bench-table-schema.sh [runs=7]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
runs=${1:-7}

bench_classpath

port=$(free_port)
start_server 4 dev.switchboard.functions.bench.DynamoDbLocalServer "$port"

results=$(mktemp)
for _ in $(seq "$runs"); do
    for variant in static bean; do
        java -cp "$cp" dev.switchboard.functions.aws.SchemaBench "$variant" "http://127.0.0.1:$port" \
            "bench-$variant" 2>/dev/null | grep '^{' | tee -a "$results"
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
med = {v: statistics.median(r["first_write_and_read_ms"] for r in rows if r["variant"] == v)
       for v in ("static", "bean")}
print(f"median first write+read: static {med['static']:.0f} ms, bean {med['bean']:.0f} ms, "
      f"static/bean = {med['static'] / med['bean']:.2f}")
PY
