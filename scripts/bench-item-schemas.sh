#!/usr/bin/env bash
# Cold cost of the history's, idempotency's and room-size rows' static schemas against hand-built attribute maps.
# Usage: scripts/bench-item-schemas.sh [runs=9]
set -euo pipefail
source "$(dirname "$0")/bench-lib.sh"
runs=${1:-9}

bench_classpath

results=$(mktemp)
for _ in $(seq "$runs"); do
    for variant in schemas maps primed; do
        java -cp "$cp" dev.switchboard.functions.aws.ItemSchemaBench "$variant" 2>/dev/null | grep '^{' \
            | tee -a "$results"
    done
done
python3 - "$results" <<'PY'
import json, statistics, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
med = {v: statistics.median(r["first_mapping_ms"] for r in rows if r["variant"] == v)
       for v in ("schemas", "maps", "primed")}
print(f"median first mapping of the four rows: schemas {med['schemas']:.1f} ms, maps {med['maps']:.1f} ms "
      f"(schemas/maps = {med['schemas'] / med['maps']:.1f}), after priming {med['primed']:.1f} ms")
PY
