#!/usr/bin/env bash
# Measures HTTP clients for @connections posts (cold start + throughput), each in fresh JVMs.
# Usage: scripts/bench-http-client.sh [runs=5] [posts=5000] [inFlight=64] [serverDelayMs=0]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/java-home.sh
select_java_home
runs=${1:-5}; posts=${2:-5000}; in_flight=${3:-64}; delay_ms=${4:-0}

./mvnw -q -B -pl functions -am test-compile -DskipTests >/dev/null
./mvnw -q -B -pl functions dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile=target/bench.classpath >/dev/null
cp="functions/target/test-classes:functions/target/classes:$(cat functions/target/bench.classpath)"

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
java -cp "$cp" dev.switchboard.functions.bench.FakeConnectionsServer "$port" "$delay_ms" > /dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
endpoint="http://127.0.0.1:$port/bench"

results=$(mktemp)
for variant in url-connection apache crt-sync crt-async; do
    for _ in $(seq "$runs"); do
        java -Dhttp.maxConnections="$in_flight" --enable-native-access=ALL-UNNAMED -cp "$cp" \
            dev.switchboard.functions.bench.HttpClientBench "$variant" "$endpoint" "$posts" "$in_flight" \
            2>/dev/null | grep '^{' | tee -a "$results"
    done
done
echo "medians over $runs fresh JVMs each (posts=$posts, in flight=$in_flight, server delay=${delay_ms} ms):"
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
for variant in dict.fromkeys(r["variant"] for r in rows):
    mine = [r for r in rows if r["variant"] == variant]
    med = lambda key: statistics.median(r[key] for r in mine)
    print(f"  {variant:15s} first post {med('first_post_ms'):6.0f} ms   "
          f"{med('posts_per_second'):6.0f} posts/s")
PY
