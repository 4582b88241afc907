#!/usr/bin/env bash
# Cold cost of the DynamoDB mapping: static schema (what the store uses) vs reflective bean schema.
# Usage: scripts/bench-table-schema.sh [runs=7]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
select_java_home
runs=${1:-7}

./mvnw -q -B -pl functions -am test-compile -DskipTests >/dev/null
./mvnw -q -B -pl functions dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="functions/target/test-classes:functions/target/classes:$(cat functions/target/bench.classpath)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java --enable-native-access=ALL-UNNAMED -cp "$cp" dev.switchboard.functions.bench.DynamoDbLocalServer "$port" \
    > /dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 4

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
