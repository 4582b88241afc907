#!/usr/bin/env bash
# Fuzzes Switchboard's input parsers with Jazzer, one target at a time (docs/reliability.md, "Fuzzing").
#
#   scripts/fuzz.sh --list                     the targets
#   scripts/fuzz.sh [--runs N] [--max-time S] TARGET...
#                                              fuzz each TARGET for N executions (default 1000000), or S seconds
#                                              (default 3600), whichever ends first
#   scripts/fuzz.sh all                        every target, one after the other
#
# A TARGET is Class#method, e.g. FrameCodecFuzzTest#decodeClient. New coverage goes to
# <module>/.cifuzz-corpus/ (git-ignored); a crashing input is written into the target's committed inputs
# directory (src/test/resources/.../<Class>Inputs/<method>/), where `./mvnw verify` replays it from then on.
# Each run ends with libFuzzer's "Done N runs in S second(s)" line, also kept in target/fuzz-logs/.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

# module:Class#method, one per fuzz target.
targets=(
    shared/protocol:FrameCodecFuzzTest#decodeClient
    shared/protocol:FrameCodecFuzzTest#decodePublish
    shared/protocol:FrameCodecFuzzTest#decodeServerRequest
    shared/protocol:FrameCodecFuzzTest#requireJsonValue
    shared/protocol:FrameCodecFuzzTest#decodeServer
    functions:AuthorizerFuzzTest#requestEvent
    functions:AuthorizerFuzzTest#signedClaims
    functions:HandlerEventsFuzzTest#webSocketEvent
    functions:HandlerEventsFuzzTest#sqsEvent
    local:GatewayHttpFuzzTest#httpRequest
)

runs=1000000
max_time=3600
selected=()
while [ $# -gt 0 ]; do
    case "$1" in
        --runs) runs="$2"; shift 2 ;;
        --max-time) max_time="$2"; shift 2 ;;
        --list) printf '%s\n' "${targets[@]#*:}"; exit 0 ;;
        all) selected+=("${targets[@]}"); shift ;;
        -*) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
        *)
            found=""
            for t in "${targets[@]}"; do
                [ "${t#*:}" = "$1" ] && found="$t"
            done
            [ -n "$found" ] || { echo "unknown target $1; scripts/fuzz.sh --list shows them" >&2; exit 2; }
            selected+=("$found")
            shift
            ;;
    esac
done
[ ${#selected[@]} -gt 0 ] || { echo "usage: scripts/fuzz.sh [--runs N] [--max-time S] TARGET... | all | --list" >&2; exit 2; }

source scripts/java-home.sh
select_java_home
mkdir -p target/fuzz-logs

for target in "${selected[@]}"; do
    module="${target%%:*}"
    test="${target#*:}"
    log="target/fuzz-logs/${test//#/.}.log"
    echo "== fuzzing $test ($module) for $runs runs or ${max_time}s; log: $log"
    start=$(date +%s)
    # Jazzer fuzzes when JAZZER_FUZZ is set, one @FuzzTest per JVM; the jazzer.internal.arg.N properties are
    # libFuzzer's command line (argument 0 is its program name). Coverage is taken from Switchboard's classes and
    # the parsers they hand input to.
    status=0
    JAZZER_FUZZ=1 ./mvnw -B -ntp -pl "$module" -am test-compile surefire:test@fuzz \
        -Dfuzz.tests="$test" -Dfuzz.quiet=false -Dsurefire.failIfNoSpecifiedTests=false \
        -Djazzer.instrument='dev.switchboard.**,com.fasterxml.jackson.core.**,com.nimbusds.**,io.netty.handler.codec.http.**' \
        -Djazzer.internal.arg.0=fuzz -Djazzer.internal.arg.1=-runs="$runs" \
        -Djazzer.internal.arg.2=-max_total_time="$max_time" -Djazzer.internal.arg.3=-print_final_stats=1 \
        > "$log" 2>&1 || status=$?
    took=$(( $(date +%s) - start ))
    grep -E '^(Done [0-9]+ runs|stat::number_of_executed_units|== Java Exception|Tests run:.*Fail)' "$log" | head -n 5 || true
    echo "   $test: exit $status after ${took}s"
    [ "$status" -eq 0 ] || { echo "   finding or failure: see $log" >&2; exit "$status"; }
done
