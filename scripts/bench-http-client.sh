#!/usr/bin/env bash
# Measures HTTP clients for @connections posts (cold start + throughput), each in fresh JVMs.
# Usage: scripts/bench-http-client.sh [runs=5] [posts=5000] [inFlight=64] [serverDelayMs=0]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
runs=${1:-5}; posts=${2:-5000}; in_flight=${3:-64}; delay_ms=${4:-0}

bench_classpath

port=$(free_port)
start_server 1 dev.switchboard.functions.bench.FakeConnectionsServer "$port" "$delay_ms"
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
