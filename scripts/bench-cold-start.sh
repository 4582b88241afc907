#!/usr/bin/env bash
# Cold start of the join handler: Switchboard's choices vs SDK defaults, fresh JVMs, same run.
# Usage: scripts/bench-cold-start.sh [runs=7] [events=200]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
runs=${1:-7}; events=${2:-200}

bench_classpath

port=$(free_port)
start_server 4 dev.switchboard.functions.bench.DynamoDbLocalServer "$port"
endpoint="http://127.0.0.1:$port"
# The table, created once by a throwaway run (not measured).
AWS_EMF_ENVIRONMENT=Local java -cp "$cp" dev.switchboard.functions.aws.SchemaBench static "$endpoint" cold \
    > /dev/null 2>&1

results=$(mktemp)
for _ in $(seq "$runs"); do
    for variant in switchboard baseline; do
        # Lambda-like: a small heap and the tiered-compilation setting Lambda's Java runtimes use by default.
        AWS_EMF_ENVIRONMENT=Local java -Xmx512m -XX:+TieredCompilation -XX:TieredStopAtLevel=1 -cp "$cp" \
            dev.switchboard.functions.bench.ColdStartBench "$variant" "$endpoint" cold "$events" 2>/dev/null \
            | grep '^{"variant"' | tee -a "$results"
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(variant, key):
    return statistics.median(r[key] for r in rows if r["variant"] == variant)
sb, base = med("switchboard", "jvm_start_to_first_event_ms"), med("baseline", "jvm_start_to_first_event_ms")
print(f"median JVM start -> first event: switchboard {sb:.0f} ms, baseline {base:.0f} ms, ratio {sb / base:.2f}")
print(f"median steady state per event: switchboard {med('switchboard', 'steady_state_ms_per_event'):.2f} ms, "
      f"baseline {med('baseline', 'steady_state_ms_per_event'):.2f} ms")
PY
