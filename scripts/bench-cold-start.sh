#!/usr/bin/env bash
# Cold start of the join handler: Switchboard's choices vs SDK defaults, fresh JVMs, same run; on JDK 25 or newer
# also both with an ahead-of-time cache: Switchboard's trained by its SnapStart priming (AotTraining), the
# baseline's by running its own events. Then the steady state per event of Switchboard's join and send against the
# baseline's single PutItem. Presence posts and send broadcasts go to a fake @connections endpoint.
# Usage: scripts/bench-cold-start.sh [runs=7] [events=200]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
runs=${1:-7}; events=${2:-200}

bench_classpath

port=$(free_port)
start_server 4 dev.switchboard.functions.bench.DynamoDbLocalServer "$port"
dynamo_server=$bench_server
endpoint="http://127.0.0.1:$port"
connections_port=$(free_port)
start_server 1 dev.switchboard.functions.bench.FakeConnectionsServer "$connections_port"
trap 'kill $bench_server $dynamo_server 2>/dev/null' EXIT
management="http://127.0.0.1:$connections_port/bench"
# The table, created once by a throwaway run (not measured).
AWS_EMF_ENVIRONMENT=Local java -cp "$cp" dev.switchboard.functions.aws.SchemaBench static "$endpoint" cold \
    > /dev/null 2>&1

# The measured JVMs get jars only (an AOT cache refuses class directories) and not DynamoDB Local's.
work=functions/target/cold-start
rm -rf "$work" && mkdir -p "$work"
jar cf "$work/functions.jar" -C functions/target/classes .
jar cf "$work/functions-tests.jar" -C functions/target/test-classes .
jars="$work/functions-tests.jar:$work/functions.jar:$(tr ':' '\n' < functions/target/bench.classpath \
    | grep '\.jar$' | grep -v DynamoDBLocal | paste -sd:)"

# Lambda-like: a small heap and the tiered-compilation setting Lambda's Java runtimes use by default.
lambda_jvm=(-Xmx512m -XX:+TieredCompilation -XX:TieredStopAtLevel=1)
export AWS_EMF_ENVIRONMENT=Local

labels=(switchboard switchboard-send baseline)
major=$(java_major "$JAVA_HOME")
if [ "${major:-0}" -ge 25 ]; then
    # Switchboard: every handler built and primed as before a SnapStart snapshot, wired from the environment.
    # (An HS256 key as a deployment would have one: the refresh handler verifies tokens.)
    SWITCHBOARD_TABLE=cold SWITCHBOARD_DYNAMODB_ENDPOINT="$endpoint" AWS_REGION=us-east-1 \
        SWITCHBOARD_JWT_SECRET=cold-start-bench-key-of-at-least-32-bytes \
        SWITCHBOARD_MANAGEMENT_ENDPOINT=http://127.0.0.1:9/bench AWS_ACCESS_KEY_ID=bench \
        AWS_SECRET_ACCESS_KEY=bench java "${lambda_jvm[@]}" -XX:AOTCacheOutput="$work/switchboard.aot" \
        -cp "$jars" dev.switchboard.functions.AotTraining > "$work/train-switchboard.log" 2>&1 \
        || { cat "$work/train-switchboard.log" >&2; echo "error: the AOT training run failed" >&2; exit 1; }
    # Baseline: it has no priming hook, so it is trained by the very events it is then measured on.
    java "${lambda_jvm[@]}" -XX:AOTCacheOutput="$work/baseline.aot" -cp "$jars" \
        dev.switchboard.functions.bench.ColdStartBench baseline "$endpoint" cold "$events" "$management" \
        > "$work/train-baseline.log" 2>&1 \
        || { cat "$work/train-baseline.log" >&2; echo "error: the baseline's AOT training run failed" >&2; exit 1; }
    labels+=(switchboard+aot baseline+aot)
else
    echo "JDK ${major:-of unknown version} has no AOT cache (JDK 25+): measuring without it" >&2
fi

results="$work/results.jsonl"
for _ in $(seq "$runs"); do
    for label in "${labels[@]}"; do
        variant=${label%+aot}
        cache=()
        # AOTMode=on: a cache the JVM cannot use is an error, not a silent run without it.
        [ "$label" = "$variant" ] || cache=(-XX:AOTMode=on -XX:AOTCache="$work/$variant.aot")
        if ! line=$(java "${lambda_jvm[@]}" ${cache[@]+"${cache[@]}"} -cp "$jars" \
                dev.switchboard.functions.bench.ColdStartBench "$variant" "$endpoint" cold "$events" "$management" \
                "$label" \
                2>> "$work/runs.log" | grep '^{"variant"'); then
            tail -n 40 "$work/runs.log" >&2
            echo "error: the $label run failed" >&2
            exit 1
        fi
        echo "$line" | tee -a "$results"
    done
done
python3 - "$results" "${labels[@]}" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
def med(label, key):
    return statistics.median(r[key] for r in rows if r["variant"] == label)
base = med("baseline", "jvm_start_to_first_event_ms")
steady_base = med("baseline", "steady_state_ms_per_event")
print(f"{'':20} {'JVM start -> first event':>25} {'vs baseline':>12} {'steady state per event':>24}"
      f" {'vs baseline':>12}")
for label in sys.argv[2:]:
    first = med(label, "jvm_start_to_first_event_ms")
    steady = med(label, "steady_state_ms_per_event")
    print(f"{label:20} {first:22.0f} ms {first / base:11.2f}x {steady:21.2f} ms {steady / steady_base:11.2f}x")
PY
